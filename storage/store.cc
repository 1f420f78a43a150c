#include "storage/store.h"

#include <algorithm>
#include <set>
#include <utility>

#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/options_util.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/record_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/statement_rows.h"
#include "storage/store_internal.h"

namespace entente::storage {
namespace {

// Column family names reach disk. DO NOT CHANGE.
constexpr const char* kCfNames[] = {"default",    "statements", "out_edges", "in_edges",
                                    "entities",   "names",      "documents", "idempotency",
                                    "pair_edges", "summaries",  "claims",    "history"};

// Adds summary deltas (count, first/last day, Goldstein sum) written with
// Merge at ingest, so that ingest never reads a summary.
class SummaryMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    if (existing == nullptr) {
      new_value->assign(value.data(), value.size());
      return true;
    }
    return MergeSummaryValues(std::string_view(existing->data(), existing->size()),
                              std::string_view(value.data(), value.size()), new_value);
  }
  // Reaches disk (OPTIONS file). DO NOT CHANGE.
  const char* Name() const override { return "entente.SummaryAdd"; }
};

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

// What one MultiGet answered: values[i] and statuses[i] for keys[i].
struct MultiGetAnswer {
  std::vector<rocksdb::PinnableSlice> values;
  std::vector<rocksdb::Status> statuses;
};

MultiGetAnswer MultiGetAt(rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
                          rocksdb::ColumnFamilyHandle* cf, const std::vector<rocksdb::Slice>& keys) {
  MultiGetAnswer a;
  a.values.resize(keys.size());
  a.statuses.resize(keys.size());
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  db->MultiGet(ro, cf, keys.size(), keys.data(), a.values.data(), a.statuses.data(),
               /*sorted_input=*/false);
  return a;
}

rocksdb::ColumnFamilyOptions CfOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                       bool point_lookups) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  // Index and filter blocks count against the cache, so the cache flag bounds
  // the server's memory rather than growing with the data.
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  if (point_lookups) {
    // Statement, entity, name and idempotency reads are Gets: a bloom filter
    // answers "absent" (every new idempotency key) without a disk read.
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  t.format_version = 5;
  // 16 KiB blocks compress edge and statement runs better than the 4 KiB
  // default; the working set fits the cache, so the larger read per miss
  // costs little.
  t.block_size = 16 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // ZSTD at every level: flushed L0 files are most of the database right
  // after an online load, and ZSTD keeps them as small as compacted ones.
  o.compression = rocksdb::kZSTD;
  o.bottommost_compression = rocksdb::kZSTD;
  // Small memtables: a shallower skip list makes each insert cheaper, and ten
  // column families at the 64 MiB default would let memtables alone outgrow
  // the server's memory budget (the DB-wide cap is in Store::Open).
  o.write_buffer_size = 16 << 20;
  // Compact L0 into L1 at 8 files rather than 4. Online ingest flushes
  // small L0 files (the memtable budget is shared by ten families), and the
  // idempotency hashes and entity-prefixed index keys of each one overlap
  // all of L1, so every L0 compaction rewrites L1 whole: twice as many L0
  // files per rewrite cut the bytes compacted during a 2 M-event online load
  // from 661 to 400 MB and raised its rate by 13% (bench/README.md); reads
  // did not measurably slow with the extra L0 files.
  o.level0_file_num_compaction_trigger = 8;
  if (point_lookups) {
    // A bloom filter over each memtable's keys too: ingest looks up every
    // new idempotency key (and names, documents), nearly always absent, and
    // without it each lookup searched the memtable's skip list (a tenth of
    // an online ingest's time). A tenth of the memtable's size.
    o.memtable_whole_key_filtering = true;
    o.memtable_prefix_bloom_size_ratio = 0.1;
  }
  return o;
}

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewSummaryMergeOperator() {
  return std::make_shared<SummaryMergeOperator>();
}

// ---------------------------------------------------------------- EdgeIterator

EdgeIterator::EdgeIterator(bool reverse, std::optional<AsOf> as_of, const EntityGroups* groups,
                           model::EntityId group, std::optional<model::EntityId> pair_group)
    : reverse_(reverse), as_of_(as_of), groups_(groups), group_(group), pair_group_(pair_group) {}

EdgeIterator::~EdgeIterator() = default;

void EdgeIterator::Load(Source* s) {
  for (s->valid = false; s->it->Valid(); reverse_ ? s->it->Prev() : s->it->Next()) {
    const size_t tag = s->history ? 1 : 0;
    const std::string_view k(s->it->key().data() + tag, s->it->key().size() - tag);
    model::EdgeEntry& e = s->entry;
    if (s->pair_hi) {
      auto key = DecodePairKey(k);
      if (!key || key->lo != s->entity || key->hi != *s->pair_hi) return;
      e.entity = key->lo;
      e.day = key->day;
      e.statement = key->statement;
    } else {
      auto key = DecodeEdgeKey(k);
      if (!key || key->entity != s->entity) return;
      e.entity = key->entity;
      e.day = key->day;
      e.statement = key->statement;
    }
    std::string_view v(s->it->value().data(), s->it->value().size());
    uint64_t seq = 0;
    if (s->history) {
      if (v.size() < 8) break;
      seq = GetU64(v.data());
      v.remove_prefix(8);
    }
    if (as_of_ && (e.statement > as_of_->watermark || (s->history && seq <= as_of_->retractions))) {
      continue;  // not seen as of the instant: ingested after it, or retracted by then
    }
    if (!DecodeEdgeValue(v, &e)) break;
    if (s->pair_hi) {
      // A pair entry names the actor; the target is the pair's other member.
      e.actor = e.counterpart;
      e.target = e.actor == s->entity ? *s->pair_hi : s->entity;
    } else if (s->in) {
      e.actor = e.counterpart;
      e.target = s->entity;
    } else {
      e.actor = s->entity;
      e.target = e.counterpart;
    }
    if (groups_ != nullptr && !Regroup(*s, &e)) continue;
    // Every edge and pair key ends with day:u32 | statement:u64, so this
    // orders the sources of several members (and of history) alike.
    if (sources_.size() > 1) s->key.assign(k.substr(k.size() - 12));
    s->valid = true;
    return;
  }
  if (s->it->Valid()) corrupt_ = true;  // broke out of the loop on a bad value
}

bool EdgeIterator::Regroup(const Source& s, model::EdgeEntry* e) const {
  // Keys are of raw ids; the entry's actor and target stay raw (a list shows
  // who acted), and its entity and counterpart become groups.
  if (s.pair_hi) {
    // A raw pair of a pair of groups: its statements between the two.
    const model::EntityId actor = groups_->GroupOf(e->actor, e->day);
    const model::EntityId target = groups_->GroupOf(e->target, e->day);
    if (!((actor == group_ && target == *pair_group_) ||
          (actor == *pair_group_ && target == group_))) {
      return false;
    }
    e->entity = std::min(actor, target);
    e->counterpart = actor;
    return true;
  }
  const model::EntityId own = groups_->GroupOf(s.entity, e->day);
  const model::EntityId other = groups_->GroupOf(e->counterpart, e->day);
  if (own != group_) return false;
  if (pair_group_) {
    // A pair of groups is read from the out and in entries of one group's
    // members: a pair entry's counterpart is its actor. A group with itself
    // (two entities merged or rolled up into one) sees each of its inner
    // statements from both ends: it is taken from its actor's.
    if (other != *pair_group_ || (own == other && s.in)) return false;
    e->entity = std::min(own, other);
    e->counterpart = s.in ? other : own;
    return true;
  }
  e->entity = own;
  e->counterpart = other;
  return true;
}

bool EdgeIterator::Before(const Source* a, const Source* b) const {
  return reverse_ ? a->key > b->key : a->key < b->key;
}

void EdgeIterator::Pick() {
  current_ = nullptr;
  if (sources_.size() > kLinearPickSources) {
    // A group's many members: a heap whose front is the next entry.
    heap_.clear();
    for (auto& s : sources_) {
      if (s->valid) heap_.push_back(s.get());
    }
    std::make_heap(heap_.begin(), heap_.end(), HeapOrder{this});
    if (!heap_.empty()) current_ = heap_.front();
    return;
  }
  for (auto& s : sources_) {
    if (s->valid && (current_ == nullptr || Before(s.get(), current_))) current_ = s.get();
  }
}

void EdgeIterator::Next() {
  Source* s = current_;
  if (reverse_) {
    s->it->Prev();
  } else {
    s->it->Next();
  }
  Load(s);
  if (sources_.size() <= kLinearPickSources) {
    Pick();
    return;
  }
  std::pop_heap(heap_.begin(), heap_.end(), HeapOrder{this});
  heap_.pop_back();
  if (s->valid) {
    heap_.push_back(s);
    std::push_heap(heap_.begin(), heap_.end(), HeapOrder{this});
  }
  current_ = heap_.empty() ? nullptr : heap_.front();
}

absl::Status EdgeIterator::status() const {
  if (corrupt_) return absl::DataLossError("corrupt edge index entry");
  for (const auto& s : sources_) {
    if (absl::Status st = FromRocksDb(s->it->status(), "scan edges"); !st.ok()) return st;
  }
  return absl::OkStatus();
}

// -------------------------------------------------------------------- ReadView

ReadView::ReadView(const Store* store, const rocksdb::Snapshot* snapshot)
    : store_(store), snapshot_(snapshot) {}

ReadView::~ReadView() {
  if (snapshot_ != nullptr) store_->db_->ReleaseSnapshot(snapshot_);
}

absl::StatusOr<std::string> ReadView::Get(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                                          std::string_view what) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s = store_->db_->Get(ro, cf, ToSlice(key), &value);
  if (s.IsNotFound()) return absl::NotFoundError(std::string(what) + " not found");
  if (!s.ok()) return FromRocksDb(s, std::string("read ") + std::string(what));
  return value;
}

absl::StatusOr<model::Entity> ReadView::GetEntity(model::EntityId id) const {
  auto v = Get(store_->entities_, EntityKey(id), "entity " + std::to_string(id));
  if (!v.ok()) return v.status();
  model::Entity e;
  if (!DecodeEntity(*v, &e)) return absl::DataLossError("corrupt entity " + std::to_string(id));
  e.id = id;
  return e;
}

absl::StatusOr<model::EntityId> ReadView::FindExactName(std::string_view name) const {
  auto v = Get(store_->names_, ExactNameKey(name), "name");
  if (!v.ok()) return v.status();
  auto id = DecodeId(*v);
  if (!id) return absl::DataLossError("corrupt name entry");
  return *id;
}

absl::StatusOr<model::EntityId> ReadView::FindAlias(std::string_view folded) const {
  std::optional<model::EntityId> found;
  absl::Status s = ScanAliases(folded, [&](std::string_view f, model::EntityId id) {
    if (f == folded) found = id;
    return false;  // keys of exactly `folded` come first, lowest id first
  });
  if (!s.ok()) return s;
  if (!found) return absl::NotFoundError("alias not found");
  return *found;
}

absl::Status ReadView::ScanAliases(
    std::string_view folded_prefix,
    const std::function<bool(std::string_view, model::EntityId)>& visit) const {
  const std::string lower = AliasSearchPrefix(folded_prefix);
  const std::string upper = PrefixUpperBound(lower);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->names_));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    auto k = DecodeAliasKey(std::string_view(it->key().data(), it->key().size()));
    if (!k) return absl::DataLossError("corrupt alias key");
    if (!visit(k->folded, k->entity)) break;
  }
  return FromRocksDb(it->status(), "scan aliases");
}

absl::StatusOr<model::Statement> ReadView::GetStatement(model::StatementId id) const {
  const std::string what = "statement " + std::to_string(id);
  if (as_of_ && id > as_of_->watermark) return absl::NotFoundError(what + " not found");
  auto v = Get(store_->statements_, StatementKey(id), what);
  if (absl::IsNotFound(v.status()) && as_of_) {
    // Retracted since the instant? Then history has it.
    model::Statement s;
    model::Retraction r;
    absl::Status st = GetRetracted(id, &s, &r);
    if (st.ok() && r.seq > as_of_->retractions) return s;
    if (!st.ok() && !absl::IsNotFound(st)) return st;
    return absl::NotFoundError(what + " not found");
  }
  if (!v.ok()) return v.status();
  model::Statement s;
  if (!DecodeStatement(*v, &s)) {
    return absl::DataLossError("corrupt statement " + std::to_string(id));
  }
  s.id = id;
  return s;
}

absl::StatusOr<std::vector<model::Statement>> ReadView::GetStatements(
    const std::vector<model::StatementId>& ids) const {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (auto id : ids) keys.push_back(StatementKey(id));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  auto [values, statuses] = MultiGetAt(store_->db_.get(), snapshot_, store_->statements_, slices);
  std::vector<model::Statement> out(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (as_of_ && (statuses[i].IsNotFound() || ids[i] > as_of_->watermark)) {
      auto s = GetStatement(ids[i]);  // the rules of an instant, one by one
      if (!s.ok()) return s.status();
      out[i] = *std::move(s);
      continue;
    }
    if (statuses[i].IsNotFound()) {
      return absl::NotFoundError("statement " + std::to_string(ids[i]) + " not found");
    }
    if (!statuses[i].ok()) return FromRocksDb(statuses[i], "read statements");
    if (!DecodeStatement(std::string_view(values[i].data(), values[i].size()), &out[i])) {
      return absl::DataLossError("corrupt statement " + std::to_string(ids[i]));
    }
    out[i].id = ids[i];
  }
  return out;
}

absl::StatusOr<model::Document> ReadView::GetDocument(std::string_view document_id) const {
  auto v = Get(store_->documents_, document_id, "document");
  if (!v.ok()) return v.status();
  model::Document d;
  if (!DecodeDocument(*v, &d)) return absl::DataLossError("corrupt document");
  d.document_id = std::string(document_id);
  return d;
}

absl::StatusOr<model::StatementId> ReadView::FindIdempotencyHash(std::string_view hash) const {
  auto v = Get(store_->idempotency_, hash, "idempotency key");
  if (!v.ok()) return v.status();
  auto id = DecodeId(*v);
  if (!id) return absl::DataLossError("corrupt idempotency entry");
  return *id;
}

absl::StatusOr<std::vector<model::StatementId>> ReadView::FindIdempotencyHashes(
    const std::vector<std::string>& hashes) const {
  std::vector<rocksdb::Slice> keys(hashes.begin(), hashes.end());
  auto [values, statuses] = MultiGetAt(store_->db_.get(), snapshot_, store_->idempotency_, keys);
  std::vector<model::StatementId> ids(keys.size(), 0);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocksDb(statuses[i], "read idempotency keys");
    auto id = DecodeId(std::string_view(values[i].data(), values[i].size()));
    if (!id) return absl::DataLossError("corrupt idempotency entry");
    ids[i] = *id;
  }
  return ids;
}

std::unique_ptr<EdgeIterator> ReadView::ScanEdges(const EdgeScan& scan) const {
  // Each source reads one entity's (or pair's) window, one key range; the
  // upper bound is exclusive: the first key after day_hi's last statement.
  std::vector<EdgeRange> ranges;
  std::optional<model::EntityId> pair_group;
  if (groups_ != nullptr) {
    // A group: its members' entries. A pair of groups: the out and in
    // entries of the members of the one with fewer members, kept when
    // their counterpart is of the other group.
    model::EntityId group = scan.entity;
    std::vector<model::EntityId> members = groups_->MembersOf(group);
    std::vector<bool> ins = {scan.direction == model::Direction::kIn};
    if (scan.pair_with) {
      std::vector<model::EntityId> others = groups_->MembersOf(*scan.pair_with);
      pair_group = *scan.pair_with;
      if (members.size() * others.size() <= kMaxRawPairs) {
        // Few members (merges, small groups): the pairs of their members,
        // each one key range of pair_edges, as an ungrouped dyad reads.
        std::set<std::pair<model::EntityId, model::EntityId>> pairs;
        for (model::EntityId m : members) {
          for (model::EntityId n : others) pairs.insert({std::min(m, n), std::max(m, n)});
        }
        for (const auto& [lo, hi] : pairs) ranges.push_back({lo, hi, false});
        std::unique_ptr<EdgeIterator> out(
            new EdgeIterator(scan.newest_first, as_of_, groups_, group, pair_group));
        OpenSources(scan, ranges, out.get());
        return out;
      }
      if (others.size() < members.size()) {
        std::swap(group, *pair_group);
        members.swap(others);
      }
      ins = {false, true};
    }
    for (model::EntityId m : members) {
      for (bool in : ins) ranges.push_back({m, std::nullopt, in});
    }
    std::unique_ptr<EdgeIterator> out(
        new EdgeIterator(scan.newest_first, as_of_, groups_, group, pair_group));
    OpenSources(scan, ranges, out.get());
    return out;
  }
  if (scan.pair_with) {
    ranges.push_back(
        {std::min(scan.entity, *scan.pair_with), std::max(scan.entity, *scan.pair_with), false});
  } else {
    ranges.push_back({scan.entity, std::nullopt, scan.direction == model::Direction::kIn});
  }
  std::unique_ptr<EdgeIterator> out(
      new EdgeIterator(scan.newest_first, as_of_, nullptr, 0, std::nullopt));
  OpenSources(scan, ranges, out.get());
  return out;
}

void ReadView::OpenSources(const EdgeScan& scan, const std::vector<EdgeRange>& ranges,
                           EdgeIterator* out) const {
  for (const EdgeRange& r : ranges) {
    auto key = [&](int32_t day, model::StatementId id) {
      return r.pair_hi ? PairKey(r.entity, *r.pair_hi, day, id) : EdgeKey(r.entity, day, id);
    };
    auto* cf = r.pair_hi ? store_->pair_edges_ : r.in ? store_->in_edges_ : store_->out_edges_;
    // As of an instant, the statements retracted since are read from
    // history, where their entries keep the same keys behind a tag.
    std::vector<std::string> tags = {""};
    if (as_of_) {
      tags.emplace_back(1, r.pair_hi ? kHistoryPairEdges
                           : r.in    ? kHistoryInEdges
                                     : kHistoryOutEdges);
    }
    for (const std::string& tag : tags) {
      auto s = std::make_unique<EdgeIterator::Source>();
      s->entity = r.entity;
      s->pair_hi = r.pair_hi;
      s->in = r.in;
      s->history = !tag.empty();
      s->lower = tag + key(scan.day_lo, 0);
      const std::string upper = PrefixUpperBound(key(scan.day_hi, UINT64_MAX));
      s->upper = upper.empty() ? PrefixUpperBound(tag) : tag + upper;  // "" : no bound
      s->lower_slice = std::make_unique<rocksdb::Slice>(s->lower);
      s->upper_slice = std::make_unique<rocksdb::Slice>(s->upper);
      rocksdb::ReadOptions ro;
      ro.snapshot = snapshot_;
      ro.iterate_lower_bound = s->lower_slice.get();
      ro.iterate_upper_bound = s->upper.empty() ? nullptr : s->upper_slice.get();
      s->it.reset(store_->db_->NewIterator(ro, s->history ? store_->history_ : cf));
      out->sources_.push_back(std::move(s));
    }
  }
  for (auto& s : out->sources_) {
    rocksdb::Iterator* it = s->it.get();
    const std::string tag = s->history ? s->lower.substr(0, 1) : "";
    if (scan.resume_after) {
      const std::string at =
          tag + (s->pair_hi
                     ? PairKey(s->entity, *s->pair_hi, scan.resume_after->day,
                               scan.resume_after->statement)
                     : EdgeKey(s->entity, scan.resume_after->day, scan.resume_after->statement));
      if (scan.newest_first) {
        it->SeekForPrev(at);
        if (it->Valid() && it->key() == rocksdb::Slice(at)) it->Prev();
      } else {
        it->Seek(at);
        if (it->Valid() && it->key() == rocksdb::Slice(at)) it->Next();
      }
    } else if (scan.newest_first) {
      it->SeekToLast();
    } else {
      it->SeekToFirst();
    }
    out->Load(s.get());
  }
  out->Pick();
}

absl::Status ReadView::ScanSummaries(model::EntityId entity, uint8_t dir,
                                     const std::function<bool(const SummaryCell&)>& visit) const {
  if (groups_ == nullptr) return ScanCells(entity, dir, visit);
  // A group's cells are its members', each kept if the member stands for
  // the group, its counterpart given as its group: any day of the cell
  // tells, since the caller only reads cells when no group changes by day.
  bool stopped = false;
  for (model::EntityId member : groups_->MembersOf(entity)) {
    absl::Status s = ScanCells(member, dir, [&](const SummaryCell& c) {
      if (groups_->GroupOf(member, c.first_day) != entity) return true;
      SummaryCell cell = c;
      cell.entity = entity;
      cell.counterpart = groups_->GroupOf(c.counterpart, c.first_day);
      return !(stopped = !visit(cell));
    });
    if (!s.ok() || stopped) return s;
  }
  return absl::OkStatus();
}

absl::Status ReadView::ScanCells(model::EntityId entity, uint8_t dir,
                                 const std::function<bool(const SummaryCell&)>& visit) const {
  const std::string lower = SummaryPrefix(entity, dir);
  const std::string upper = PrefixUpperBound(lower);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->summaries_));
  SummaryCell cell;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (!DecodeSummary(std::string_view(it->key().data(), it->key().size()),
                       std::string_view(it->value().data(), it->value().size()), &cell)) {
      return absl::DataLossError("corrupt summary");
    }
    if (!visit(cell)) break;
  }
  return FromRocksDb(it->status(), "scan summaries");
}

// -------------------------------------------------------------------- WriteSet

WriteSet::WriteSet(const Store* store)
    : store_(store), batch_(std::make_unique<rocksdb::WriteBatch>()) {}
WriteSet::~WriteSet() = default;
WriteSet::WriteSet(WriteSet&&) noexcept = default;

bool WriteSet::empty() const { return batch_->Count() == 0 && rows_.empty(); }

void WriteSet::PutEntity(const model::Entity& e) {
  batch_->Put(store_->entities_, EntityKey(e.id), EncodeEntity(e)).PermitUncheckedError();
}

void WriteSet::PutExactName(std::string_view name, model::EntityId id) {
  batch_->Put(store_->names_, ExactNameKey(name), EncodeId(id)).PermitUncheckedError();
}

void WriteSet::PutAlias(std::string_view folded, model::EntityId id) {
  batch_->Put(store_->names_, AliasKey(folded, id), rocksdb::Slice()).PermitUncheckedError();
}

void WriteSet::PutDocument(const model::Document& d) {
  batch_->Put(store_->documents_, ToSlice(d.document_id), EncodeDocument(d))
      .PermitUncheckedError();
}

// Keeps a statement's rows in its write set (sorted into the batch at
// Commit) and adds its summary cells to the write set's running sums.
class StatementBatchSink : public StatementRowSink {
 public:
  explicit StatementBatchSink(WriteSet* ws) : ws_(ws) {}

  void Row(StatementFamily family, std::string_view key, std::string_view value) override {
    ws_->rows_.push_back({family, static_cast<uint32_t>(key.size()),
                          static_cast<uint32_t>(value.size()), ws_->row_bytes_.size()});
    ws_->row_bytes_.append(key);
    ws_->row_bytes_.append(value);
  }
  // Summaries are added up per cell across the whole write set, so a batch
  // writes one merge operand per (entity, counterpart, root, month) rather
  // than two per statement.
  void Cell(const SummaryCell& cell) override {
    auto [it, fresh] = ws_->summaries_.try_emplace(SummaryKey(cell), cell);
    if (fresh) return;
    SummaryCell& sum = it->second;
    sum.count += cell.count;
    sum.first_day = std::min(sum.first_day, cell.first_day);
    sum.last_day = std::max(sum.last_day, cell.last_day);
    sum.goldstein_x10 += cell.goldstein_x10;
  }

 private:
  WriteSet* const ws_;
};

void WriteSet::PutStatement(const model::Statement& s, std::string_view idempotency_hash,
                            SummaryShare share) {
  StatementBatchSink sink(this);
  EmitStatementRows(s, idempotency_hash, share, &sink);
  ++statements_;
}

void WriteSet::MoveRowsToBatch() {
  const std::string_view bytes = row_bytes_;
  auto key = [bytes](const Row& r) { return bytes.substr(r.offset, r.key_size); };
  std::sort(rows_.begin(), rows_.end(), [&key](const Row& a, const Row& b) {
    return a.family != b.family ? a.family < b.family : key(a) < key(b);
  });
  const FamilyHandles handles = store_->StatementFamilies();
  for (const Row& r : rows_) {
    batch_
        ->Put(handles[static_cast<size_t>(r.family)], ToSlice(key(r)),
              ToSlice(bytes.substr(r.offset + r.key_size, r.value_size)))
        .PermitUncheckedError();
  }
  rows_.clear();
  row_bytes_.clear();
}

void WriteSet::PutMeta(std::string_view name, std::string_view value) {
  batch_->Put(store_->meta_, MetaKey(name), ToSlice(value)).PermitUncheckedError();
}

// ----------------------------------------------------------------------- Store

Store::Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir,
                                                   const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store());
  store->options_ = options;
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 5;
  // Memtables of all column families together: past this the largest is
  // flushed, which bounds resident memory to about this plus the block cache
  // however many column families receive writes.
  db_options.db_write_buffer_size = 32 << 20;

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name : kCfNames) {
    const std::string n = name;
    // claims: ingest Gets each new member count, nearly always absent.
    const bool point = n == "statements" || n == "entities" || n == "names" ||
                       n == "documents" || n == "idempotency" || n == "default" ||
                       n == "claims";
    cfs.emplace_back(n, CfOptions(cache, point));
    if (n == "summaries") cfs.back().options.merge_operator = NewSummaryMergeOperator();
    store->cf_options_.push_back(std::make_shared<rocksdb::ColumnFamilyOptions>(cfs.back().options));
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, cfs, &store->handles_, &raw);
  if (!s.ok()) return FromRocksDb(s, "open database " + dir);
  store->db_.reset(raw);
  auto& h = store->handles_;
  store->meta_ = h[0];
  store->statements_ = h[1];
  store->out_edges_ = h[2];
  store->in_edges_ = h[3];
  store->entities_ = h[4];
  store->names_ = h[5];
  store->documents_ = h[6];
  store->idempotency_ = h[7];
  store->pair_edges_ = h[8];
  store->summaries_ = h[9];
  store->claims_ = h[10];
  store->history_ = h[11];
  return store;
}

Store::~Store() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

FamilyHandles Store::StatementFamilies() const {
  // In StatementFamily order.
  return {statements_, out_edges_, in_edges_, pair_edges_, idempotency_};
}

std::unique_ptr<ReadView> Store::Latest() const {
  return std::unique_ptr<ReadView>(new ReadView(this, nullptr));
}

std::unique_ptr<ReadView> Store::Snapshot() const {
  return std::unique_ptr<ReadView>(new ReadView(this, db_->GetSnapshot()));
}

WriteSet Store::NewWriteSet() const { return WriteSet(this); }

namespace {
// The ScopedCommitMeta of this thread, if any.
thread_local ScopedCommitMeta* commit_meta = nullptr;
}  // namespace

ScopedCommitMeta::ScopedCommitMeta(std::string name, std::string value)
    : name_(std::move(name)), value_(std::move(value)) {
  commit_meta = this;
}

ScopedCommitMeta::~ScopedCommitMeta() { commit_meta = nullptr; }

absl::Status Store::Commit(WriteSet& ws) {
  ws.MoveRowsToBatch();
  // Merge operands in key order too, for the same reason.
  std::vector<const std::pair<const std::string, SummaryCell>*> cells;
  cells.reserve(ws.summaries_.size());
  for (const auto& entry : ws.summaries_) cells.push_back(&entry);
  std::sort(cells.begin(), cells.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : cells) {
    ws.batch_->Merge(summaries_, entry->first, EncodeSummaryValue(entry->second))
        .PermitUncheckedError();
  }
  ws.summaries_.clear();
  if (ws.empty()) return absl::OkStatus();
  if (commit_meta != nullptr) {
    ws.PutMeta(commit_meta->name_, commit_meta->value_);
    ++commit_meta->commits_;
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  return FromRocksDb(db_->Write(wo, ws.batch_.get()), "commit");
}

absl::StatusOr<std::string> Store::GetMeta(std::string_view name) const {
  return Latest()->Get(meta_, MetaKey(name), "meta " + std::string(name));
}

uint64_t Store::ApproximateDiskBytes() const {
  uint64_t total = 0;
  uint64_t v = 0;
  for (auto* h : handles_) {
    if (db_->GetIntProperty(h, rocksdb::DB::Properties::kTotalSstFilesSize, &v)) total += v;
  }
  return total;
}

absl::Status Store::Flush() {
  rocksdb::FlushOptions fo;
  return FromRocksDb(db_->Flush(fo, handles_), "flush");
}

}  // namespace entente::storage
