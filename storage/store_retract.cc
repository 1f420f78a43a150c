// Retraction: the deletes of a write set and the whole-family statement scan
// that finds a document's statements. What a retraction leaves behind is
// listed in key_codec.h.
#include <algorithm>
#include <memory>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/record_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/statement_rows.h"
#include "storage/store.h"

namespace entente::storage {

absl::Status ReadView::ScanStatements(
    const std::function<bool(const model::Statement&)>& visit) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  // A one-off pass over every statement must not evict the cached blocks
  // that queries live on.
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->statements_));
  model::Statement s;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto id = DecodeStatementKey(std::string_view(it->key().data(), it->key().size()));
    if (!id || !DecodeStatement(std::string_view(it->value().data(), it->value().size()), &s)) {
      return absl::DataLossError("corrupt statement in scan");
    }
    s.id = *id;
    if (!visit(s)) break;
  }
  return FromRocksDb(it->status(), "scan statements");
}

namespace {

// Deletes a statement's rows, but for its idempotency entry, which stays
// reserved (key_codec.h); its summary cells are the caller's to rewrite.
class DeleteSink : public StatementRowSink {
 public:
  DeleteSink(const FamilyHandles& handles, rocksdb::WriteBatch* batch)
      : handles_(handles), batch_(batch) {}
  void Row(StatementFamily family, std::string_view key, std::string_view) override {
    if (family == StatementFamily::kIdempotency) return;
    batch_->Delete(handles_[static_cast<size_t>(family)], rocksdb::Slice(key.data(), key.size()))
        .PermitUncheckedError();
  }
  void Cell(const SummaryCell&) override {}

 private:
  const FamilyHandles handles_;
  rocksdb::WriteBatch* batch_;
};

}  // namespace

void WriteSet::DeleteStatement(const model::Statement& s) {
  DeleteSink sink(store_->StatementFamilies(), batch_.get());
  // The idempotency row is skipped, so its hash does not matter.
  EmitStatementRows(s, std::string(kIdempotencyHashSize, '\0'), SummaryShare(), &sink);
}

void WriteSet::PutSummary(const SummaryCell& c) {
  batch_->Put(store_->summaries_, SummaryKey(c), EncodeSummaryValue(c)).PermitUncheckedError();
}

void WriteSet::DeleteSummary(const SummaryCell& c) {
  batch_->Delete(store_->summaries_, SummaryKey(c)).PermitUncheckedError();
}

void WriteSet::DeleteDocument(std::string_view document_id) {
  batch_->Delete(store_->documents_, rocksdb::Slice(document_id.data(), document_id.size()))
      .PermitUncheckedError();
}

}  // namespace entente::storage
