// Store: Entente's RocksDB database. It knows keys, column families and
// write batches, and nothing of names' meaning, validation or gRPC.
//
// Thread-safety: a Store is safe for concurrent use; ReadViews and
// EdgeIterators are not (one per thread), and must not outlive their Store.
// Commit() may be called concurrently, but deciding *what* to commit (ids,
// duplicates) is the caller's job: graph::Ingestor serialises that.
#ifndef ENTENTE_STORAGE_STORE_H_
#define ENTENTE_STORAGE_STORE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/types.h"
#include "storage/key_codec.h"
#include "storage/statement_rows.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class MergeOperator;
class Iterator;
class Slice;
class Snapshot;
class WriteBatch;
}  // namespace rocksdb

namespace entente::storage {

// The summaries column family's merge operator (adds summary cells up), for
// whoever opens a database with RocksDB directly (tests that compare two
// databases key by key). Store::Open installs it itself.
std::shared_ptr<rocksdb::MergeOperator> NewSummaryMergeOperator();

struct StoreOptions {
  // Shared LRU block cache of every column family, in bytes.
  size_t block_cache_bytes = 64 << 20;
  // fsync the write-ahead log before Commit() returns. Without it a commit
  // survives a crash of the process (the WAL is in the OS page cache) but
  // not a power loss.
  bool sync = false;
  // Create the database if the directory holds none.
  bool create_if_missing = true;
};

class Store;
using FamilyHandles = std::array<rocksdb::ColumnFamilyHandle*, 5>;
struct CheckOptions;  // storage/check.h
struct CheckReport;   // storage/check.h
struct BackupInfo;    // storage/backup.h

// Where a scan of one entity's statements resumes: strictly after this
// (day, statement) in the scan's order.
struct EdgePosition {
  int32_t day = 0;
  model::StatementId statement = 0;
};

struct EdgeScan {
  model::Direction direction = model::Direction::kOut;  // kOut or kIn only
  model::EntityId entity = 0;
  // If set, scans the statements between `entity` and `pair_with` (both
  // directions, from pair_edges) instead; entries' counterpart is then the
  // actor and `direction` is ignored.
  std::optional<model::EntityId> pair_with;
  int32_t day_lo = model::kMinDay;  // inclusive
  int32_t day_hi = model::kMaxDay;  // inclusive
  bool newest_first = true;
  std::optional<EdgePosition> resume_after;
};

// What a view sees as of an instant (graph/as_of.h computes it): the
// statements with ids up to `watermark` that were not retracted by then,
// that is, live, or retracted by a log entry after `retractions`.
struct AsOf {
  model::StatementId watermark = 0;
  uint64_t retractions = 0;
};

// Who is who, as a query sees it (graph/groups.h builds it from the group
// rows): each raw entity id stands for a group on each day. A view grouped
// by one (ReadView::GroupBy) scans a group as the union of its members'
// entries, each kept only on the days its member stands for the group,
// with counterparts (and actors and targets) given as their groups.
class EntityGroups {
 public:
  virtual ~EntityGroups() = default;
  // The group `raw` stands for on `day`.
  virtual model::EntityId GroupOf(model::EntityId raw, int32_t day) const = 0;
  // Every raw id whose group is `group` on some day, `group` among them if
  // it stands for itself on some day; ascending.
  virtual std::vector<model::EntityId> MembersOf(model::EntityId group) const = 0;
  // Whether some raw id stands for different groups on different days
  // (memberships with a period): summary cells, which add up months, cannot
  // be regrouped then.
  virtual bool ByDay() const = 0;
  // Whether groups may be large (roll-up), not only a few merged entities:
  // a pair of groups then costs the statements of the smaller one.
  virtual bool Large() const = 0;
};

// Iterates the index entries of one entity (or one pair) in (day,
// statement) order or its reverse, reading only the keys inside the date
// window. On a grouped view, of one group (or pair of groups): the merge of
// its members' entries in the same order.
class EdgeIterator {
 public:
  ~EdgeIterator();
  bool Valid() const { return current_ != nullptr; }
  // REQUIRES: Valid()
  const model::EdgeEntry& entry() const { return current_->entry; }
  // REQUIRES: Valid()
  void Next();
  // Not OK if the scan hit an I/O error or a corrupt entry; check after the
  // loop ends.
  absl::Status status() const;

 private:
  friend class ReadView;
  // One key range being read: of an index family, or (as of an instant)
  // of the same index's retracted entries in history, whose keys carry a
  // one-byte tag before and values a retraction seq before. On a grouped
  // view, each member of the group has its own.
  struct Source {
    model::EntityId entity = 0;  // for pairs: the lower id
    std::optional<model::EntityId> pair_hi;
    bool in = false;  // in_edges (else out_edges, or pair_edges with pair_hi)
    std::string lower;
    std::string upper;
    std::unique_ptr<rocksdb::Slice> lower_slice;
    std::unique_ptr<rocksdb::Slice> upper_slice;
    std::unique_ptr<rocksdb::Iterator> it;
    bool history = false;
    bool valid = false;
    // (day, statement) as their key encodes them; kept only when two
    // sources merge.
    std::string key;
    model::EdgeEntry entry;
  };
  EdgeIterator(bool reverse, std::optional<AsOf> as_of, const EntityGroups* groups,
               model::EntityId group, std::optional<model::EntityId> pair_group);
  // Positions `s` on its next entry that the view can see (as of an
  // instant: statement id at most its watermark; from history, retracted
  // after it).
  void Load(Source* s);
  // On a grouped view: false if the entry just decoded is not the group's
  // on its day; else gives its entities as groups.
  bool Regroup(const Source& s, model::EdgeEntry* e) const;
  // The entry shown: the first (last, reversed) of the sources in key
  // order.
  void Pick();
  // Whether `a`'s entry comes before `b`'s in the scan's order.
  bool Before(const Source* a, const Source* b) const;
  // Up to this many sources (one entity, live and history) a linear pick
  // is cheapest; above, a heap (a group of many members).
  static constexpr size_t kLinearPickSources = 4;
  struct HeapOrder {
    const EdgeIterator* it;
    bool operator()(const Source* a, const Source* b) const { return it->Before(b, a); }
  };

  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<Source*> heap_;  // the valid sources, with more than kLinearPickSources
  Source* current_ = nullptr;
  bool reverse_;
  std::optional<AsOf> as_of_;
  const EntityGroups* groups_;                 // null: ungrouped
  model::EntityId group_ = 0;                  // scanned, with groups_
  std::optional<model::EntityId> pair_group_;  // with groups_: a pair scan's other group
  bool corrupt_ = false;
};

// A read-only view: either of the latest state, or of one consistent
// snapshot that it holds until destroyed.
class ReadView {
 public:
  ~ReadView();
  ReadView(const ReadView&) = delete;
  ReadView& operator=(const ReadView&) = delete;

  // NotFound if there is no such entity.
  absl::StatusOr<model::Entity> GetEntity(model::EntityId id) const;
  // NotFound unless an entity was registered with exactly this name.
  absl::StatusOr<model::EntityId> FindExactName(std::string_view name) const;
  // The lowest entity id registered under this folded alias; NotFound if none.
  absl::StatusOr<model::EntityId> FindAlias(std::string_view folded) const;
  // Visits (folded alias, entity) pairs whose alias starts with
  // `folded_prefix`, in key order, until `visit` returns false.
  absl::Status ScanAliases(
      std::string_view folded_prefix,
      const std::function<bool(std::string_view folded, model::EntityId)>& visit) const;

  // Makes this view see the store as of an instant (AsOf): index scans
  // and statement reads then also find the statements retracted since, in
  // history, and none ingested after. Summaries, claims and the feed's
  // scans are not restricted: callers must not use them on such a view.
  void RestrictTo(const AsOf& as_of) { as_of_ = as_of; }
  const std::optional<AsOf>& as_of() const { return as_of_; }
  // Makes this view's index scans and summaries see groups (EntityGroups),
  // which must outlive it. Claims and statement reads are not grouped:
  // callers must not use claims on such a view.
  void GroupBy(const EntityGroups* groups) { groups_ = groups; }
  const EntityGroups* groups() const { return groups_; }
  // True when summary cells cannot answer for this view: as of an instant,
  // or grouped by day.
  bool IndexOnly() const {
    return as_of_.has_value() || (groups_ != nullptr && groups_->ByDay());
  }

  // NotFound if the meta value was never written.
  absl::StatusOr<std::string> GetMeta(std::string_view name) const;
  // None if the meta value was never written: for a read on every query,
  // which must not build a NotFound status each time.
  absl::StatusOr<std::optional<std::string>> FindMeta(std::string_view name) const;
  // Group rows (key_codec.h; storage/store_groups.cc): every membership, by
  // member then parent; every merge, by id; one merge (NotFound if none).
  absl::Status ScanMemberships(const std::function<bool(const model::Membership&)>& visit) const;
  absl::Status ScanMerges(const std::function<bool(const model::EntityMerge&)>& visit) const;
  absl::StatusOr<model::EntityMerge> GetMerge(uint64_t merge_id) const;

  // NotFound if there is no such statement (as of the view's instant, if
  // restricted). `id` is set.
  absl::StatusOr<model::Statement> GetStatement(model::StatementId id) const;
  // The statements of `ids`, in that order, read in one batched MultiGet
  // (a page of statements costs far less than one Get each). NotFound if
  // any is missing.
  absl::StatusOr<std::vector<model::Statement>> GetStatements(
      const std::vector<model::StatementId>& ids) const;
  absl::StatusOr<model::Document> GetDocument(std::string_view document_id) const;
  // The statement stored under an idempotency hash; NotFound if none.
  absl::StatusOr<model::StatementId> FindIdempotencyHash(std::string_view hash) const;
  // The statements stored under `hashes`, in that order (0: none), read in
  // one batched MultiGet, sorted: a batch's keys cost far less together
  // than one Get each.
  absl::StatusOr<std::vector<model::StatementId>> FindIdempotencyHashes(
      const std::vector<std::string>& hashes) const;

  std::unique_ptr<EdgeIterator> ScanEdges(const EdgeScan& scan) const;

  // Visits every statement in id order until `visit` returns false. Reads
  // the whole statements family: for rare whole-database work (retracting a
  // document's statements), never for a query.
  absl::Status ScanStatements(const std::function<bool(const model::Statement&)>& visit) const;

  // History (key_codec.h; storage/store_history.cc), for the change feed
  // (graph/feed.h). The live statements with ids above `after`, in id
  // order, until `visit` returns false.
  absl::Status ScanStatementsAfter(model::StatementId after,
                                   const std::function<bool(const model::Statement&)>& visit) const;
  // The retracted statements with ids above `after`, as they were, in id
  // order, until `visit` returns false.
  absl::Status ScanRetractedAfter(
      model::StatementId after,
      const std::function<bool(const model::Statement&, const model::Retraction&)>& visit) const;
  // NotFound unless `id` was retracted.
  absl::Status GetRetracted(model::StatementId id, model::Statement* s, model::Retraction* r) const;
  // The retraction log entries with seq above `after`, in seq order, until
  // `visit` returns false.
  absl::Status ScanRetractionLog(
      uint64_t after,
      const std::function<bool(uint64_t seq, const RetractionLogEntry&)>& visit) const;
  // The retraction log entry `seq`; NotFound if there is none.
  absl::StatusOr<RetractionLogEntry> GetRetractionLogEntry(uint64_t seq) const;
  // The last seq of the retraction log; 0 if it is empty.
  absl::StatusOr<uint64_t> LastRetractionSeq() const;
  // The highest statement id ever given, live or retracted; 0 if none.
  absl::StatusOr<model::StatementId> LastStatementId() const;

  // Visits the summary cells of `entity` in direction kSummaryOut or
  // kSummaryIn, in (counterpart, root, month) order, until `visit` returns
  // false. On a grouped view (not IndexOnly()), the cells of the group's
  // members, member by member, with counterparts as groups: one
  // counterpart's cells are then not all adjacent, and one (counterpart,
  // root, month) may come several times.
  absl::Status ScanSummaries(model::EntityId entity, uint8_t dir,
                             const std::function<bool(const SummaryCell&)>& visit) const;

  // Claims (storage/key_codec.h, docs/claims.md; storage/store_claims.cc).
  // The claims of `subject` whose first day is at most `first_day_at_most`,
  // latest first, until `visit` returns false.
  absl::Status ScanClaimsBackward(const model::ClaimSubject& subject, int32_t first_day_at_most,
                                  const std::function<bool(const ClaimRow&)>& visit) const;
  // Every claim in key order (subject, first day): for check and tests.
  absl::Status ScanClaims(const std::function<bool(const ClaimRow&)>& visit) const;
  // The claims whose actor is `actor` (and target `target`, if set), in
  // key order, until `visit` returns false.
  absl::Status ScanClaimsOf(model::EntityId actor, std::optional<model::EntityId> target,
                            const std::function<bool(const ClaimRow&)>& visit) const;
  // The member counts of the claim with id `claim`, every set, in key order.
  absl::Status ScanClaimMembers(
      model::StatementId claim,
      const std::function<bool(ClaimSet set, std::string_view member, uint64_t count)>& visit)
      const;
  // Every member count of every claim, in key order (claim id, set,
  // member): for check.
  absl::Status ScanAllClaimMembers(
      const std::function<bool(model::StatementId claim, ClaimSet set, std::string_view member,
                               uint64_t count)>& visit) const;
  // The statement ids of each pair of entities (pair_edges, key order), one
  // pair at a time: for whole-database work on claims (check), never for
  // a query.
  absl::Status ScanPairStatements(
      const std::function<bool(model::EntityId lo, model::EntityId hi,
                               const std::vector<model::StatementId>& ids)>& visit) const;
  // The claims with `claimant` among their claimants (every claimant's,
  // without it: for check), by claimant then claim id, until `visit`
  // returns false.
  absl::Status ScanClaimantRows(
      std::optional<model::EntityId> claimant,
      const std::function<bool(model::EntityId claimant, model::StatementId claim)>& visit) const;
  // 0 when the claim does not count `member`.
  absl::StatusOr<uint64_t> GetClaimMemberCount(model::StatementId claim, ClaimSet set,
                                               std::string_view member) const;

 private:
  friend class Store;
  ReadView(const Store* store, const rocksdb::Snapshot* snapshot);
  // A pair of groups whose members make at most this many pairs is read
  // from those pairs' key ranges; a larger one from the out and in entries
  // of the smaller group's members.
  static constexpr size_t kMaxRawPairs = 16;
  // One entity's (or pair's) index range, as ScanEdges reads it.
  struct EdgeRange {
    model::EntityId entity;  // for pairs: the lower id
    std::optional<model::EntityId> pair_hi;
    bool in;  // in_edges (else out_edges, or pair_edges with pair_hi)
  };
  // ScanSummaries of one raw entity, in key order.
  absl::Status ScanCells(model::EntityId entity, uint8_t dir,
                         const std::function<bool(const SummaryCell&)>& visit) const;
  // Opens one source per range (and per history tag, as of an instant) in
  // `out`, positioned for `scan`.
  void OpenSources(const EdgeScan& scan, const std::vector<EdgeRange>& ranges,
                   EdgeIterator* out) const;
  absl::StatusOr<std::string> Get(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                                  std::string_view what) const;
  // The claim rows whose keys start with `prefix`, in key order.
  absl::Status ScanClaimRows(const std::string& prefix,
                             const std::function<bool(const ClaimRow&)>& visit) const;

  const Store* store_;
  const rocksdb::Snapshot* snapshot_;  // null: latest state
  std::optional<AsOf> as_of_;
  const EntityGroups* groups_ = nullptr;
};

// Everything one commit writes, applied atomically by Store::Commit().
class WriteSet {
 public:
  ~WriteSet();
  WriteSet(WriteSet&&) noexcept;

  void PutEntity(const model::Entity& e);
  void PutExactName(std::string_view name, model::EntityId id);
  void PutAlias(std::string_view folded, model::EntityId id);
  void PutDocument(const model::Document& d);
  // The statement, its out, in and pair index entries, its idempotency hash
  // and its share of the actor's and the target's summaries: the rows of
  // storage/statement_rows.h.
  // REQUIRES: s.id != 0, hash.size() == kIdempotencyHashSize
  void PutStatement(const model::Statement& s, std::string_view idempotency_hash,
                    SummaryShare share);
  void PutMeta(std::string_view name, std::string_view value);

  // Retraction (see key_codec.h). Deletes the statement and its out, in
  // and pair index entries; its idempotency hash stays, reserved. Its
  // summary cells are the caller's to rewrite with PutSummary/DeleteSummary.
  // REQUIRES: `s` is the statement as stored (its keys derive from it).
  void DeleteStatement(const model::Statement& s);
  // Replaces a summary cell whole (not a delta) / removes it.
  void PutSummary(const SummaryCell& c);
  void DeleteSummary(const SummaryCell& c);
  void DeleteDocument(std::string_view document_id);

  // Claims, whole rows (storage/claim_book.h decides them).
  void PutClaim(const ClaimRow& c);
  void DeleteClaim(const model::ClaimSubject& subject, int32_t first_day);
  void PutClaimMember(model::StatementId claim, ClaimSet set, std::string_view member,
                      uint64_t count);
  void DeleteClaimMember(model::StatementId claim, ClaimSet set, std::string_view member);
  // Every claim and member row (storage/claim_book.h, RebuildAllClaims).
  void DeleteAllClaims();

  // History (key_codec.h; storage/store_history.cc): keeps `s`, retracted
  // by this commit, and its retraction log entry. `watermark` is the next
  // statement id at this commit. Goes with DeleteStatement(s).
  void PutRetracted(const model::Statement& s, const model::Retraction& r,
                    model::StatementId watermark);

  // Group rows (key_codec.h; storage/store_groups.cc).
  void PutMembership(const model::Membership& m);
  void DeleteMembership(model::EntityId member, model::EntityId parent);
  void PutMerge(const model::EntityMerge& m);

  size_t statement_count() const { return statements_; }
  bool empty() const;

 private:
  friend class Store;
  friend class StatementBatchSink;
  // A statement row (storage/statement_rows.h) kept in row_bytes_.
  struct Row {
    StatementFamily family;
    uint32_t key_size;
    uint32_t value_size;
    size_t offset;  // of the key; the value follows it
  };

  explicit WriteSet(const Store* store);
  // Appends the statement rows to batch_, sorted by family and key, and
  // forgets them. A memtable's skip list inserts a run of ascending keys far
  // faster than the same keys in random order (each search resumes where
  // the last ended), and a batch of statements is most of its rows.
  void MoveRowsToBatch();

  const Store* store_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  std::vector<Row> rows_;
  std::string row_bytes_;
  std::unordered_map<std::string, SummaryCell> summaries_;  // merged at Commit()
  size_t statements_ = 0;
};

// While alive, every Store::Commit() made on the constructing thread (of
// any Store) also puts meta `name` = `value` into the WriteBatch it writes,
// so the two are stored atomically or not at all. A commit with nothing to
// write stays empty. The replicated log's applier (replication/) stamps
// each entry's writes with the entry's sequence so. Scopes do not nest.
// Not copyable; destroy on the thread that made it.
class ScopedCommitMeta {
 public:
  ScopedCommitMeta(std::string name, std::string value);
  ~ScopedCommitMeta();
  ScopedCommitMeta(const ScopedCommitMeta&) = delete;
  ScopedCommitMeta& operator=(const ScopedCommitMeta&) = delete;

  // How many commits carried the stamp so far.
  int commits() const { return commits_; }
  // Replaces the value for the commits to come.
  void set_value(std::string value) { value_ = std::move(value); }

 private:
  friend class Store;
  const std::string name_;
  std::string value_;
  int commits_ = 0;
};

// Figures for monitoring, from RocksDB's properties added up over every
// column family. Cheap to read (no I/O); each is a moment's value.
struct StoreStats {
  uint64_t live_sst_bytes = 0;   // SST files of the current version
  uint64_t total_sst_bytes = 0;  // also obsolete files still held by snapshots/iterators
  uint64_t memtable_bytes = 0;   // active and immutable memtables
  uint64_t estimated_keys = 0;
  // Keys of the documents family alone: about one per source document
  // (GetServerInfo). An estimate: overwrites and deletes count until
  // compaction settles them.
  uint64_t estimated_documents = 0;
  uint64_t pending_compaction_bytes = 0;
  uint64_t running_compactions = 0;
  uint64_t running_flushes = 0;
  uint64_t block_cache_usage_bytes = 0;
  uint64_t block_cache_capacity_bytes = 0;
  // Since Open(); RocksDB counts memtable flushes among compactions here.
  uint64_t compactions_completed = 0;
  uint64_t compaction_bytes_read = 0;
  uint64_t compaction_bytes_written = 0;
};

class Store {
 public:
  // Opens (and by default creates) the database in `dir`. Unavailable if
  // another process holds it open.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir,
                                                     const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // A view of the latest state: each read sees the newest commit.
  std::unique_ptr<ReadView> Latest() const;
  // A view of one consistent snapshot, released when the view is destroyed.
  std::unique_ptr<ReadView> Snapshot() const;

  WriteSet NewWriteSet() const;
  // Applies every write of `ws` atomically; on OK they are in the WAL (and
  // fsynced when StoreOptions::sync).
  absl::Status Commit(WriteSet& ws);

  // Bulk loading. Stage() keeps the writes of `ws` in memory instead of
  // committing them; IngestStaged() sorts everything staged, writes one SST
  // file per column family with SstFileWriter (in the database directory)
  // and ingests them all at once. Staged writes are invisible to reads until
  // then, and lost if the process dies before: a bulk load is all or
  // nothing. Keys staged twice keep their last value. Summary deltas are
  // added up, so they must not already exist in the database (load into a
  // database without statements).
  absl::Status Stage(WriteSet& ws);
  absl::Status IngestStaged();

  // NotFound if the meta value was never written.
  absl::StatusOr<std::string> GetMeta(std::string_view name) const;

  // Approximate bytes of the database files on disk.
  uint64_t ApproximateDiskBytes() const;
  // Monitoring figures (storage/store_stats.cc).
  StoreStats Stats() const;
  absl::Status Flush();

  // Consistency check of one snapshot (storage/check.h, storage/check.cc).
  absl::StatusOr<CheckReport> Check(const CheckOptions& options) const;

  // Online backup (storage/backup.h, storage/backup.cc): a consistent copy of
  // the database as of the call, added to the RocksDB BackupEngine directory
  // `backup_dir` (created if missing). Writes may go on meanwhile.
  absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir) const;

  // Test-only: write or delete one raw key of the column family named `cf`,
  // bypassing every invariant, so that tests can build the corrupt databases
  // Check() must report. Never called by the product.
  absl::Status PutRawForTest(std::string_view cf, std::string_view key, std::string_view value);
  absl::Status DeleteRawForTest(std::string_view cf, std::string_view key);

 private:
  friend class ReadView;
  friend class WriteSet;
  friend class BulkWriter;  // storage/bulk_writer.h: handles and options of its files
  Store();
  // The column family of each StatementFamily, by its value.
  FamilyHandles StatementFamilies() const;
  struct Staged;

  // Constant after Open().
  StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; see ~Store
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* statements_ = nullptr;
  rocksdb::ColumnFamilyHandle* out_edges_ = nullptr;
  rocksdb::ColumnFamilyHandle* in_edges_ = nullptr;
  rocksdb::ColumnFamilyHandle* entities_ = nullptr;
  rocksdb::ColumnFamilyHandle* names_ = nullptr;
  rocksdb::ColumnFamilyHandle* documents_ = nullptr;
  rocksdb::ColumnFamilyHandle* idempotency_ = nullptr;
  rocksdb::ColumnFamilyHandle* pair_edges_ = nullptr;
  rocksdb::ColumnFamilyHandle* summaries_ = nullptr;
  rocksdb::ColumnFamilyHandle* claims_ = nullptr;
  rocksdb::ColumnFamilyHandle* history_ = nullptr;
  std::vector<std::shared_ptr<void>> cf_options_;  // rocksdb::ColumnFamilyOptions, per handle

  std::unique_ptr<Staged> staged_;  // bulk load in progress; not thread-safe
};

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_STORE_H_
