// Ingestor: turns client statements into stored ones. It validates them,
// resolves names to entities (creating new ones), drops duplicates by
// idempotency key, and commits each batch in one atomic write.
//
// Thread-safety: safe for concurrent use; batches are applied one at a time
// (id assignment and duplicate detection must see every earlier batch).
#ifndef ENTENTE_GRAPH_INGESTOR_H_
#define ENTENTE_GRAPH_INGESTOR_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "graph/groups.h"
#include "model/types.h"
#include "storage/statement_rows.h"
#include "storage/store.h"

namespace entente::graph {

struct Rejection {
  uint64_t index = 0;  // position in the batch (plus index_base)
  // At least one; fields like "statements[3].date.month".
  std::vector<model::FieldViolation> violations;
};

struct IngestOutcome {
  uint64_t accepted = 0;
  uint64_t duplicate = 0;
  uint64_t rejected = 0;
  // One per rejected statement, in index order.
  std::vector<Rejection> rejections;
  // Per input statement: its stored id (new, or the earlier one for a
  // duplicate), 0 if rejected.
  std::vector<model::StatementId> ids;
};

// What Ingestor::Retract did.
struct RetractOutcome {
  std::vector<model::StatementId> retracted;  // ascending, each once
  // Requested ids that name no stored statement (never stored, or already
  // retracted), in request order, each once.
  std::vector<model::StatementId> ids_not_found;
  // Requested documents with neither statements nor a document entry.
  std::vector<std::string> documents_not_found;
};

// The share of a statement with CAMEO code `code` in its summary cells: the
// root (1..20, 0 unclassified) and the Goldstein score in tenths. Ingest adds
// it; retraction recomputes cells from it.
using storage::SummaryShare;
SummaryShare SummaryShareOf(std::string_view code);

// The id counters kept in the store's meta rows (names below; they reach
// disk): the next entity and statement ids, 1 in a new database. Ingestor
// and graph::BulkLoader both allocate ids from them.
inline constexpr char kMetaNextEntity[] = "next_entity_id";
inline constexpr char kMetaNextStatement[] = "next_statement_id";
struct IdCounters {
  model::EntityId next_entity = 1;
  model::StatementId next_statement = 1;
};
// DataLoss if a counter's value is corrupt.
absl::StatusOr<IdCounters> LoadIdCounters(const storage::Store& store);

// Claims (docs/claims.md) are kept in a store that has this meta row: the
// claim window in days, fixed when the store is made, since every claim
// depends on it. An online Ingestor asked to keep claims writes it when it
// makes a store, which then keeps claims from its first statement; a store
// without the row (made without claims, bulk-loaded, or made before claims
// existed) keeps none, and ingest into it leaves the claims family alone
// rather than fill it with claims that miss the statements before.
inline constexpr char kMetaClaimWindow[] = "claim_window_days";
// A random id that tells this database from others (change feed cursors,
// graph/feed.h), written by the first Ingestor to open the store. Kept by
// backups, so a restored copy takes the cursors of its original.
inline constexpr char kMetaDatabaseId[] = "database_id";
// Entities with ids below it have had their names examined for the
// memberships they imply (Ingestor::AddNameMemberships).
inline constexpr char kMetaNamesExamined[] = "names_examined_below";
// The store's claim window, or nullopt if it keeps no claims. DataLoss if
// the row is corrupt.
absl::StatusOr<std::optional<int32_t>> LoadClaimWindow(const storage::Store& store);

// Gives a store that keeps no claims (made without them, bulk-loaded, or
// made before claims existed) the claims its statements make, and has it
// keep them from now on with `window_days`. Returns the claims written.
// Nothing else may write to the store meanwhile (entente-admin runs it
// offline). FailedPrecondition if the store keeps claims already. If it
// fails part way, the store still keeps none; run it again.
// REQUIRES: 0 <= window_days <= model::kMaxClaimWindowDays
absl::StatusOr<uint64_t> StartKeepingClaims(storage::Store* store, int32_t window_days);

// The CAMEO code a statement with this action is stored with (into `code`)
// and where it came from: the given code, else the lexicon's code for the
// action text, else none. Ingest and graph::BulkLoader both classify so.
model::CodeSource ClassifyStatementAction(std::string_view action_text,
                                          std::string_view given_code, std::string* code);

// name (exact) or folded name (alias) -> entity id, bounded: cleared when
// it outgrows kMaxEntries.
class NameCache {
 public:
  static constexpr size_t kMaxEntries = 1 << 21;
  const model::EntityId* Find(const std::string& key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  void Put(const std::string& key, model::EntityId id) {
    if (bounded_ && map_.size() >= kMaxEntries) map_.clear();
    map_.emplace(key, id);
  }
  // A bulk load's names exist only here until ingested: never drop them.
  void Unbound() { bounded_ = false; }

 private:
  std::unordered_map<std::string, model::EntityId> map_;
  bool bounded_ = true;
};

class Ingestor {
 public:
  // Microseconds since the Unix epoch; replaceable so tests can fix time.
  using Clock = std::function<int64_t()>;

  enum class Mode {
    kOnline,  // every Ingest() is committed before it returns
    // First load of a database without statements: batches are staged in
    // memory and become visible, all at once, with FinishBulk(). Same
    // validation, names, ids, indexes and summaries as online. No claims:
    // if the store keeps them, the loader must rebuild them after
    // (storage::RebuildAllClaims; entente-admin import does).
    kBulk,
  };

  // `store` must outlive the Ingestor. Call Init() before Ingest().
  // `new_store_claim_window`: if set (0..model::kMaxClaimWindowDays), a
  // store this online Ingestor makes keeps claims with this window. Opt-in
  // for now: keeping claims halves the online ingest rate (docs/claims.md).
  explicit Ingestor(storage::Store* store, Clock clock = nullptr, Mode mode = Mode::kOnline,
                    std::optional<int32_t> new_store_claim_window = std::nullopt);

  // Loads the id counters and, on a new database, seeds the world's
  // countries with their aliases. In bulk mode, FailedPrecondition if the
  // database already holds statements. (A bulk load that fails part way
  // leaves nothing visible; start it again on a fresh database.)
  absl::Status Init();

  // Validates and stores `batch`. A statement is stored whole or not at all;
  // invalid ones are reported in the outcome without affecting the others.
  // Field paths are "statements[i]..." with i = index_base + position.
  // Fails as a whole only if the commit fails (nothing of it is stored).
  absl::StatusOr<IngestOutcome> Ingest(const std::vector<model::StatementInput>& batch,
                                       model::NameResolution resolution,
                                       uint64_t index_base = 0);

  // Bulk mode: writes and ingests everything staged. FailedPrecondition in
  // online mode.
  absl::Status FinishBulk();

  // Deletes the statements `ids` and every statement of `documents` (and
  // those documents' entries), with their index entries and summaries, in
  // one atomic commit serialised with ingest, and keeps each in the history
  // family with the time, `reason` and its place in the retraction log (the
  // change feed, graph/feed.h). Idempotency keys stay reserved (see
  // storage/key_codec.h). Unknown ids and documents are reported, not
  // errors. Finding a document's statements reads every statement (there is
  // no document index). FailedPrecondition in bulk mode.
  absl::StatusOr<RetractOutcome> Retract(const std::vector<model::StatementId>& ids,
                                         const std::vector<std::string>& documents,
                                         std::string_view reason = {});

  // Who is who (graph/groups.h). Each is one commit serialised with
  // ingest, which bumps kMetaGroupsVersion. InvalidArgument naming the
  // field (member, parent, since, until, role, from, into, reason,
  // merge_id); NotFound naming it for an unknown entity or merge. Nothing
  // is written on error. FailedPrecondition in bulk mode.
  //
  // Records (or replaces) that m.member belongs to m.parent, with its role
  // and period; origin and recorded_micros are set here when empty/0.
  // Refused for an entity merged away and for a cycle.
  absl::StatusOr<model::Membership> SetMembership(model::Membership m);
  // NotFound if there is no such membership.
  absl::Status RemoveMembership(model::EntityId member, model::EntityId parent);
  // Merges `from` into `into` (neither merged away, not the same entity).
  absl::StatusOr<model::EntityMerge> Merge(model::EntityId from, model::EntityId into,
                                           std::string_view reason, std::string_view by);
  // Undoes merge `merge_id` (in force); the queries then see exactly what
  // they saw before it.
  absl::StatusOr<model::EntityMerge> Unmerge(uint64_t merge_id, std::string_view by);

 private:
  class Batch;

  // The group rows' state and the version after them. REQUIRES: mu_ held.
  absl::StatusOr<std::shared_ptr<const Groups>> LoadGroups() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds to `ws` the memberships that the names of the new entities
  // `created` (id, name) imply (ParseSectorName: "Military (Russia)" in
  // Russia, when "Russia" names a country), the groups version bumped if
  // any, and the mark of the entities examined (kMetaNamesExamined).
  absl::Status AddNameMemberships(
      const std::vector<std::pair<model::EntityId, std::string>>& created, int64_t now,
      storage::WriteSet* ws) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The same for the entities from the mark to next_entity_, in a commit of
  // their own: those of a bulk load (graph/bulk_loader.h), or of a store
  // made before names implied memberships.
  absl::Status ExamineNewNames() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The groups last loaded, for the next write to check against (a bulk
  // import sets thousands of memberships, one call each).
  std::shared_ptr<const Groups> groups_ ABSL_GUARDED_BY(mu_);
  // Commits `ws` with the groups version bumped. REQUIRES: mu_ held.
  absl::Status CommitGroups(storage::WriteSet& ws, const Groups& before)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::Store* const store_;
  const Clock clock_;
  const Mode mode_;
  const std::optional<int32_t> new_store_claim_window_;

  std::mutex mu_;
  // Names already resolved, so that a batch of a million rows naming the
  // same few thousand actors asks RocksDB once per name. Entities are never
  // deleted, so an entry never goes stale; a batch adds its new entities
  // only once committed.
  NameCache exact_cache_ ABSL_GUARDED_BY(mu_);
  NameCache alias_cache_ ABSL_GUARDED_BY(mu_);
  model::EntityId next_entity_ ABSL_GUARDED_BY(mu_) = 1;
  model::StatementId next_statement_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t last_retraction_seq_ ABSL_GUARDED_BY(mu_) = 0;  // of the history's log
  // The time of the last commit: Now() never goes below it, so commit times
  // grow with statement ids and retraction seqs (graph/as_of.h).
  int64_t last_commit_micros_ ABSL_GUARDED_BY(mu_) = 0;
  // The clock, never going back. REQUIRES: mu_ held.
  int64_t Now() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Set if the store keeps claims (kMetaClaimWindow).
  std::optional<int32_t> claim_window_ ABSL_GUARDED_BY(mu_);
  // Bulk mode: what earlier batches staged, which the store cannot see yet.
  std::unordered_map<std::string, model::StatementId> staged_hashes_ ABSL_GUARDED_BY(mu_);
  std::unordered_set<std::string> staged_documents_ ABSL_GUARDED_BY(mu_);
};

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_INGESTOR_H_
