// The history family (key_codec.h): retracted statements as they were, and
// the retraction log, which with the live statements make the change feed.
#include <algorithm>
#include <memory>
#include <string>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/record_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/statement_rows.h"
#include "storage/store.h"

namespace entente::storage {
namespace {

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// An iterator over [lower, upper) of `cf` at `snapshot`. The bounds live in
// the struct, since the read options point at them.
struct Range {
  Range(const rocksdb::Snapshot* snapshot, std::string lower_key, std::string upper_key)
      : lower(std::move(lower_key)), upper(std::move(upper_key)), upper_slice(upper) {
    ro.snapshot = snapshot;
    ro.iterate_upper_bound = &upper_slice;
  }
  std::string lower;
  std::string upper;
  rocksdb::Slice upper_slice;
  rocksdb::ReadOptions ro;
};

}  // namespace

namespace {

// Puts a retracted statement's index rows into history: each live key
// behind its tag, each value behind the retraction seq.
class HistoryIndexSink : public StatementRowSink {
 public:
  HistoryIndexSink(rocksdb::ColumnFamilyHandle* history, uint64_t seq, rocksdb::WriteBatch* batch)
      : history_(history), batch_(batch) {
    PutU64(&seq_, seq);
  }
  void Row(StatementFamily family, std::string_view key, std::string_view value) override {
    char tag = 0;
    switch (family) {
      case StatementFamily::kOutEdges:
        tag = kHistoryOutEdges;
        break;
      case StatementFamily::kInEdges:
        tag = kHistoryInEdges;
        break;
      case StatementFamily::kPairEdges:
        tag = kHistoryPairEdges;
        break;
      default:
        return;
    }
    batch_->Put(history_, std::string(1, tag).append(key), std::string(seq_).append(value))
        .PermitUncheckedError();
  }
  void Cell(const SummaryCell&) override {}

 private:
  rocksdb::ColumnFamilyHandle* const history_;
  rocksdb::WriteBatch* const batch_;
  std::string seq_;
};

}  // namespace

void WriteSet::PutRetracted(const model::Statement& s, const model::Retraction& r,
                            model::StatementId watermark) {
  batch_->Put(store_->history_, RetractedKey(s.id), EncodeRetracted(s, r)).PermitUncheckedError();
  HistoryIndexSink index(store_->history_, r.seq, batch_.get());
  // The idempotency row is skipped, so its hash does not matter.
  EmitStatementRows(s, std::string(kIdempotencyHashSize, '\0'), SummaryShare(), &index);
  batch_
      ->Put(store_->history_, RetractionLogKey(r.seq), EncodeRetractionLogValue({s.id, watermark}))
      .PermitUncheckedError();
}

absl::Status ReadView::ScanStatementsAfter(
    model::StatementId after, const std::function<bool(const model::Statement&)>& visit) const {
  if (after == UINT64_MAX) return absl::OkStatus();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->statements_));
  model::Statement s;
  for (it->Seek(StatementKey(after + 1)); it->Valid(); it->Next()) {
    auto id = DecodeStatementKey(View(it->key()));
    if (!id || !DecodeStatement(View(it->value()), &s)) {
      return absl::DataLossError("corrupt statement in feed scan");
    }
    s.id = *id;
    if (!visit(s)) break;
  }
  return FromRocksDb(it->status(), "scan statements");
}

absl::Status ReadView::ScanRetractedAfter(
    model::StatementId after,
    const std::function<bool(const model::Statement&, const model::Retraction&)>& visit) const {
  if (after == UINT64_MAX) return absl::OkStatus();
  Range range(snapshot_, RetractedKey(after + 1), RetractionLogKey(0));
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(range.ro, store_->history_));
  model::Statement s;
  model::Retraction r;
  for (it->Seek(range.lower); it->Valid(); it->Next()) {
    auto id = DecodeRetractedKey(View(it->key()));
    if (!id || !DecodeRetracted(View(it->value()), &s, &r)) {
      return absl::DataLossError("corrupt retracted statement");
    }
    s.id = *id;
    if (!visit(s, r)) break;
  }
  return FromRocksDb(it->status(), "scan retracted statements");
}

absl::Status ReadView::GetRetracted(model::StatementId id, model::Statement* s,
                                    model::Retraction* r) const {
  auto v = Get(store_->history_, RetractedKey(id), "retracted statement " + std::to_string(id));
  if (!v.ok()) return v.status();
  if (!DecodeRetracted(*v, s, r)) {
    return absl::DataLossError("corrupt retracted statement " + std::to_string(id));
  }
  s->id = id;
  return absl::OkStatus();
}

absl::Status ReadView::ScanRetractionLog(
    uint64_t after,
    const std::function<bool(uint64_t seq, const RetractionLogEntry&)>& visit) const {
  if (after == UINT64_MAX) return absl::OkStatus();
  Range range(snapshot_, RetractionLogKey(after + 1),
              PrefixUpperBound(RetractionLogKey(0).substr(0, 1)));
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(range.ro, store_->history_));
  for (it->Seek(range.lower); it->Valid(); it->Next()) {
    auto seq = DecodeRetractionLogKey(View(it->key()));
    auto entry = DecodeRetractionLogValue(View(it->value()));
    if (!seq || !entry) return absl::DataLossError("corrupt retraction log entry");
    if (!visit(*seq, *entry)) break;
  }
  return FromRocksDb(it->status(), "scan retraction log");
}

absl::StatusOr<RetractionLogEntry> ReadView::GetRetractionLogEntry(uint64_t seq) const {
  auto v = Get(store_->history_, RetractionLogKey(seq),
               "retraction log entry " + std::to_string(seq));
  if (!v.ok()) return v.status();
  auto entry = DecodeRetractionLogValue(*v);
  if (!entry) return absl::DataLossError("corrupt retraction log entry " + std::to_string(seq));
  return *entry;
}

absl::StatusOr<model::StatementId> ReadView::LastStatementId() const {
  model::StatementId last = 0;
  {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->statements_));
    it->SeekToLast();
    if (it->Valid()) {
      auto id = DecodeStatementKey(View(it->key()));
      if (!id) return absl::DataLossError("corrupt statement key");
      last = *id;
    }
    if (absl::Status s = FromRocksDb(it->status(), "read statements"); !s.ok()) return s;
  }
  Range range(snapshot_, RetractedKey(0), RetractionLogKey(0));
  const rocksdb::Slice lower_slice(range.lower);
  range.ro.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(range.ro, store_->history_));
  it->SeekToLast();
  if (it->Valid()) {
    auto id = DecodeRetractedKey(View(it->key()));
    if (!id) return absl::DataLossError("corrupt retracted statement key");
    last = std::max(last, *id);
  }
  if (absl::Status s = FromRocksDb(it->status(), "read history"); !s.ok()) return s;
  return last;
}

absl::StatusOr<uint64_t> ReadView::LastRetractionSeq() const {
  Range range(snapshot_, RetractionLogKey(0), PrefixUpperBound(RetractionLogKey(0).substr(0, 1)));
  // Without a lower bound, SeekToLast would land on a retracted statement's
  // row when the log is empty.
  const rocksdb::Slice lower_slice(range.lower);
  range.ro.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(range.ro, store_->history_));
  it->SeekToLast();
  if (!it->Valid()) {
    if (absl::Status s = FromRocksDb(it->status(), "read retraction log"); !s.ok()) return s;
    return 0;
  }
  auto seq = DecodeRetractionLogKey(View(it->key()));
  if (!seq) return absl::DataLossError("corrupt retraction log key");
  return *seq;
}

}  // namespace entente::storage
