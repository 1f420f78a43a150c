// GraphReader: the read side of the graph. Every call reads one consistent
// snapshot of the store.
//
// With a WorkBudget (graph/work_budget.h), the queries that grow with the
// data (ListStatements, Traverse, FindPaths, Timeline, Profile) charge their
// working set and their answer to a WorkLease on it as they go, and fail
// with ResourceExhausted (naming --query_memory_mb) rather than pass it.
//
// Thread-safety: safe for concurrent use (it holds no mutable state; the
// budget is thread-safe).
#ifndef ENTENTE_GRAPH_READER_H_
#define ENTENTE_GRAPH_READER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "graph/analytics.h"
#include "graph/claims_query.h"
#include "graph/entity_cache.h"
#include "graph/feed.h"
#include "graph/filter.h"
#include "graph/groups.h"
#include "graph/temporal_paths.h"
#include "graph/work_budget.h"
#include "model/types.h"
#include "storage/store.h"

namespace entente::graph {

// A statement with what a reader needs to make sense of it. The entities
// and the document are shared (with the other statements of an answer and
// with the reader's entity cache), never copied per statement: never null,
// but attributed_to when the statement has no claimant.
struct StatementView {
  model::Statement statement;
  std::shared_ptr<const model::Entity> actor;
  std::shared_ptr<const model::Entity> target;
  std::shared_ptr<const model::Entity> attributed_to;
  std::shared_ptr<const model::Document> source;
};

// How much of each statement a list returns.
enum class StatementDetail {
  // Everything: the record with its quote, source and extractor, read for
  // every statement of the page.
  kFull,
  // What the index entries carry (storage/key_codec.h): id, date, actor,
  // target, claimant, action text and code, modality, confidence. No quote,
  // source (null), extractor, ingest time, key or code source. Read from
  // the index alone, without one statement read: a list of thousands is an
  // index range and its entities.
  kIndex,
};

struct StatementPage {
  std::vector<StatementView> statements;  // newest first
  std::optional<storage::EdgePosition> next;  // resume here; none: no more
};

struct StatementQuery {
  model::EntityRef entity;
  model::NameResolution resolution = model::NameResolution::kAlias;
  model::Direction direction = model::Direction::kBoth;
  EdgeFilter filter;
  int page_size = 50;  // 1..1000
  std::optional<storage::EdgePosition> resume_after;
  StatementDetail detail = StatementDetail::kFull;
  // Set: the answer as the store knew it then (graph/as_of.h), in
  // microseconds since the Unix epoch.
  std::optional<int64_t> as_of_micros;
  // Who is who (graph/groups.h): members seen as their parent or country.
  model::Rollup rollup = model::Rollup::kNone;
};

struct TraverseQuery {
  std::vector<model::EntityRef> seeds;  // 1..100
  model::NameResolution resolution = model::NameResolution::kAlias;
  model::Direction direction = model::Direction::kBoth;
  EdgeFilter filter;
  TraverseLimits limits;
  bool count_sources = false;  // AggregatedEdge::sources; not with `temporal`
  // Set: the time-respecting traversal (graph/temporal_paths.h,
  // TemporalTraverse); its mode does not matter.
  std::optional<TemporalOptions> temporal;
  // Set: the answer as the store knew it then (graph/as_of.h), in
  // microseconds since the Unix epoch.
  std::optional<int64_t> as_of_micros;
  // Who is who (graph/groups.h): members seen as their parent or country.
  model::Rollup rollup = model::Rollup::kNone;
};

struct TraverseAnswer {
  TraverseResult result;
  std::map<model::EntityId, model::Entity> entities;  // every reached node
};

struct PathQuery {
  model::EntityRef from;
  model::EntityRef to;
  model::NameResolution resolution = model::NameResolution::kAlias;
  model::Direction direction = model::Direction::kBoth;
  EdgeFilter filter;
  int max_hops = 4;          // 1..6
  int max_paths = 5;         // 1..100
  int evidence_per_hop = 3;  // 1..100
  bool count_sources = false;  // PathHop::sources; not with `temporal`
  // Set: time-respecting paths (graph/temporal_paths.h) instead of the
  // shortest static ones.
  std::optional<TemporalOptions> temporal;
  // Set: the answer as the store knew it then (graph/as_of.h), in
  // microseconds since the Unix epoch.
  std::optional<int64_t> as_of_micros;
  // Who is who (graph/groups.h): members seen as their parent or country.
  model::Rollup rollup = model::Rollup::kNone;
};

struct PathAnswer {
  PathsResult result;
  std::map<model::EntityId, model::Entity> entities;          // on any path
  std::map<model::StatementId, StatementView> statements;     // every hop's evidence
};

struct TimelineQuery {
  model::EntityRef a;
  model::EntityRef b;
  model::NameResolution resolution = model::NameResolution::kAlias;
  EdgeFilter filter;
  Granularity granularity = Granularity::kMonth;
  int page_size = 50;  // 1..1000
  std::optional<storage::EdgePosition> resume_after;  // buckets only without it
  StatementDetail detail = StatementDetail::kFull;
  bool count_sources = false;  // TimelineBucket::sources
  // Set: the answer as the store knew it then (graph/as_of.h), in
  // microseconds since the Unix epoch.
  std::optional<int64_t> as_of_micros;
  // Who is who (graph/groups.h): members seen as their parent or country.
  model::Rollup rollup = model::Rollup::kNone;
};

struct TimelineAnswer {
  model::Entity a;
  model::Entity b;
  std::vector<TimelineBucket> buckets;
  StatementPage page;
};

// The change feed (graph/feed.h) as a reader's query.
struct WatchQuery {
  std::optional<model::EntityRef> entity;  // only its statements
  model::NameResolution resolution = model::NameResolution::kAlias;
  EdgeFilter filter;
  FeedCursor after;
  size_t max_changes = 1000;  // 1..10000
};

struct WatchAnswer {
  // Each change's statement is moved to `statements`, in the same order.
  FeedPage page;
  std::vector<StatementView> statements;
};

struct ProfileQuery {
  model::EntityRef entity;
  model::NameResolution resolution = model::NameResolution::kAlias;
  int top = 10;                // counterparts, 0..100
  bool count_sources = false;  // EntityProfile::sources and CounterpartCount::sources
  // Set: the answer as the store knew it then (graph/as_of.h), in
  // microseconds since the Unix epoch.
  std::optional<int64_t> as_of_micros;
  // Who is who (graph/groups.h): members seen as their parent or country.
  model::Rollup rollup = model::Rollup::kNone;
};

struct ProfileAnswer {
  model::Entity entity;
  EntityProfile profile;
  std::map<model::EntityId, model::Entity> counterparts;
};


inline constexpr int kMaxPageSize = 1000;

// ListMerges and ListMemberships (graph/groups.h).
struct GroupsAnswer {
  std::vector<model::EntityMerge> merges;             // by id
  std::vector<model::Membership> memberships;         // by member, then parent
  std::map<model::EntityId, model::Entity> entities;  // every one they name, as stored
};

// ListClaims (claims.proto).
struct ClaimsQuery {
  model::EntityRef entity;  // may be empty when claimant is set
  std::optional<model::EntityRef> other;  // only the claims between the two
  std::optional<model::EntityRef> claimant;  // only the claims it is a claimant of
  model::NameResolution resolution = model::NameResolution::kAlias;
  model::Date date_from;  // year 0: open
  model::Date date_to;
  bool contested_only = false;
  int32_t min_sources = 0;
  ClaimOrder order = ClaimOrder::kSources;
  int page_size = 50;  // 1..kMaxPageSize
  uint64_t offset = 0;  // claims to skip (from a page token)
};

struct ClaimsAnswer {
  std::vector<storage::ClaimRow> claims;  // the page
  uint64_t total = 0;                     // every page together
  std::optional<uint64_t> next_offset;    // unset on the last page
  // Actors and targets of the page, and those of `claimant_profile.about`.
  std::map<model::EntityId, model::Entity> entities;
  std::optional<ClaimantProfile> claimant_profile;  // with ClaimsQuery::claimant
};

// GetClaim (claims.proto).
inline constexpr int kMaxClaimStatements = 1000;
struct ClaimAnswer {
  storage::ClaimRow claim;
  // Oldest first, at most max_statements each.
  std::vector<StatementView> asserting;
  std::vector<StatementView> denying;
  std::vector<StatementView> other;  // intended, hypothetical
  bool truncated = false;
  std::map<model::EntityId, model::Entity> entities;  // actor, target, claimants
};

// GetServerInfo's figures of the database (graph.proto DataStatistics),
// read without a scan: from one snapshot's meta rows and the ends of the
// statement and retraction keys, plus RocksDB's estimates.
struct DataStatistics {
  uint64_t database_id = 0;  // 0 before an Ingestor opened the store
  // Statement ids are given 1, 2, ... without gaps (a failed batch gives
  // its ids back), so the highest is the count of statements ever stored.
  uint64_t statements_ingested = 0;
  uint64_t statements_retracted = 0;         // the retraction log's length
  uint64_t entities = 0;                     // entity ids given so far
  uint64_t documents_estimate = 0;           // RocksDB's estimate
  uint64_t disk_bytes = 0;                   // live SST files
  std::optional<int32_t> claim_window_days;  // set if the store keeps claims
};

class GraphReader {
 public:
  // `store`, and `budget` if not null, must outlive the reader. A null
  // budget: queries are not limited in memory.
  explicit GraphReader(const storage::Store* store, WorkBudget* budget = nullptr)
      : store_(store), budget_(budget), entities_(kEntityCacheBytes) {}

  // A lease on the reader's budget, for a caller that keeps an answer (and
  // what it makes of it) charged until it is done with it: pass it as
  // `memory` to the queries below. Without a budget it limits nothing.
  WorkLease NewLease() const { return WorkLease(budget_); }

  // NotFound if the id does not exist. An entity merged away is given as
  // its survivor; a survivor with the names of those merged into it among
  // its aliases (graph/groups.h).
  absl::StatusOr<model::Entity> GetEntity(model::EntityId id) const;
  // By id or name; NotFound if no entity matches. Never creates one. As
  // GetEntity: after merges, and under `rollup` as its group today.
  absl::StatusOr<model::Entity> FindEntity(const model::EntityRef& ref,
                                           model::NameResolution resolution,
                                           model::Rollup rollup = model::Rollup::kNone) const;
  // The entity as stored, merged away or not: what a merge or membership
  // names.
  absl::StatusOr<model::Entity> FindStoredEntity(const model::EntityRef& ref,
                                                 model::NameResolution resolution) const;
  // Every merge (undone ones too) and the memberships of `entity` (as
  // member or parent; every one without it).
  absl::StatusOr<GroupsAnswer> ListGroups(std::optional<model::EntityId> entity) const;
  // Entities whose folded name or alias starts with the folded prefix, each
  // once, at most `limit`.
  absl::StatusOr<std::vector<model::Entity>> SearchEntities(const std::string& prefix,
                                                            int limit) const;
  // The queries below charge their work and their answer to `memory`: on
  // success it still holds what the answer holds, until the caller drops
  // it (or charges more to it for what it makes of the answer). Null: a
  // lease of the call's own, returned when the call returns. Each fails
  // with ResourceExhausted when the lease's budget cannot cover a charge.

  // InvalidArgument (with the field named in the message) for a bad query;
  // NotFound for an unknown entity.
  absl::StatusOr<StatementPage> ListStatements(const StatementQuery& q,
                                               WorkLease* memory = nullptr) const;
  // One statement is small: not charged.
  absl::StatusOr<StatementView> GetStatement(
      model::StatementId id, std::optional<int64_t> as_of_micros = std::nullopt) const;

  // The analyst's questions (graph/analytics.h), each on one snapshot:
  // InvalidArgument (with violations) for a bad query, NotFound for an
  // unknown entity, DeadlineExceeded when `stop` fires.
  absl::StatusOr<TraverseAnswer> Traverse(const TraverseQuery& q, const StopFn& stop,
                                          WorkLease* memory = nullptr) const;
  absl::StatusOr<PathAnswer> FindPaths(const PathQuery& q, const StopFn& stop,
                                       WorkLease* memory = nullptr) const;
  absl::StatusOr<TimelineAnswer> Timeline(const TimelineQuery& q, const StopFn& stop,
                                          WorkLease* memory = nullptr) const;
  absl::StatusOr<ProfileAnswer> Profile(const ProfileQuery& q, const StopFn& stop,
                                        WorkLease* memory = nullptr) const;

  // The changes after q.after (graph/feed.h), one page of them.
  absl::StatusOr<WatchAnswer> Watch(const WatchQuery& q, WorkLease* memory = nullptr) const;
  // The store's kMetaDatabaseId (graph/ingestor.h); 0 before an Ingestor
  // has opened it.
  absl::StatusOr<uint64_t> DatabaseId() const;
  // The database's figures (DataStatistics); DataLoss for a corrupt meta
  // row.
  absl::StatusOr<DataStatistics> Statistics() const;
  // The bytes the queries' memory budget allows; 0 without a budget.
  size_t memory_limit_bytes() const { return budget_ == nullptr ? 0 : budget_->limit_bytes(); }

  // Claims (docs/claims.md). FailedPrecondition if the store keeps none;
  // InvalidArgument naming the field; NotFound for an unknown entity.
  absl::StatusOr<ClaimsAnswer> ListClaims(const ClaimsQuery& q, const StopFn& stop,
                                          WorkLease* memory = nullptr) const;
  // NotFound if `id` is not a claim id (naming the claim holding the
  // statement `id`, if any).
  absl::StatusOr<ClaimAnswer> GetClaim(model::StatementId id, int max_statements,
                                       WorkLease* memory = nullptr) const;

 private:
  // Enough for every entity a workload meets at once on data of tens of
  // millions of statements; a fraction of the block cache.
  static constexpr size_t kEntityCacheBytes = 16 << 20;

  // `f` ready for `view`: with claim criteria, reading claims from it;
  // FailedPrecondition if the store keeps none, InvalidArgument naming them
  // on a view as of an instant.
  absl::StatusOr<CompiledFilter> Compile(const EdgeFilter& f, const storage::ReadView& view) const;
  // A snapshot, restricted to what the store knew at `as_of_micros` if set.
  absl::StatusOr<std::unique_ptr<storage::ReadView>> SnapshotAt(
      std::optional<int64_t> as_of_micros) const;
  // What one query reads: its snapshot (as SnapshotAt), the groups of that
  // snapshot, and the view grouped by them unless they change nothing under
  // `rollup`.
  struct Scope {
    std::unique_ptr<storage::ReadView> view;
    std::shared_ptr<const Groups> groups;
    std::unique_ptr<GroupsUnder> under;  // what view is grouped by; null: not grouped
    model::Rollup rollup = model::Rollup::kNone;
  };
  absl::StatusOr<Scope> Open(std::optional<int64_t> as_of_micros, model::Rollup rollup) const;
  // The groups of `view`: the last ones loaded if their version is the
  // view's, else loaded from it.
  absl::StatusOr<std::shared_ptr<const Groups>> GroupsOf(const storage::ReadView& view) const;
  // The entity `ref` names, as its group today under the scope's roll-up.
  absl::StatusOr<model::Entity> FindIn(const Scope& scope, const model::EntityRef& ref,
                                       model::NameResolution resolution) const;

  const storage::Store* const store_;
  WorkBudget* const budget_;  // null: unlimited
  mutable EntityCache entities_;  // thread-safe
  // The groups last loaded (Groups is immutable): a query holds its own
  // reference, so one query reloading them never disturbs another.
  mutable absl::Mutex groups_mu_;
  mutable std::shared_ptr<const Groups> groups_ ABSL_GUARDED_BY(groups_mu_);
};

// Checks a query; appends violations with fields named as in the request
// messages of graph.proto.
void ValidateStatementQuery(const StatementQuery& q, std::vector<model::FieldViolation>* out);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_READER_H_
