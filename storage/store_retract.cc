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

void WriteSet::DeleteStatement(const model::Statement& s) {
  const int32_t day = model::FirstDay(s.date);
  batch_->Delete(store_->statements_, StatementKey(s.id)).PermitUncheckedError();
  batch_->Delete(store_->out_edges_, EdgeKey(s.actor, day, s.id)).PermitUncheckedError();
  batch_->Delete(store_->in_edges_, EdgeKey(s.target, day, s.id)).PermitUncheckedError();
  batch_->Delete(store_->pair_edges_,
                 PairKey(std::min(s.actor, s.target), std::max(s.actor, s.target), day, s.id))
      .PermitUncheckedError();
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
