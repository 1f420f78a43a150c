// Store::Stage and Store::IngestStaged: the write sets of Ingestor's bulk
// mode go to a BulkWriter (storage/bulk_writer.h), which sorts them in
// bounded memory and ingests SST files at the end.
#include <functional>
#include <string_view>
#include <utility>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/bulk_writer.h"
#include "storage/key_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace entente::storage {
namespace {

// Hands a write batch's puts to `put`, with the index of their column
// family among `handles`. Anything else (merges, deletes) is refused.
class StageHandler : public rocksdb::WriteBatch::Handler {
 public:
  using Put = std::function<void(size_t cf, std::string_view key, std::string_view value)>;
  StageHandler(const std::vector<rocksdb::ColumnFamilyHandle*>& handles, Put put)
      : handles_(handles), put_(std::move(put)) {}

  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    for (size_t i = 0; i < handles_.size(); ++i) {
      if (handles_[i]->GetID() == cf) {
        put_(i, std::string_view(key.data(), key.size()),
             std::string_view(value.data(), value.size()));
        return rocksdb::Status::OK();
      }
    }
    return rocksdb::Status::InvalidArgument("unknown column family");
  }

 private:
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles_;
  Put put_;
};

}  // namespace

absl::Status Store::Stage(WriteSet& ws) {
  if (!staged_) {
    auto writer = BulkWriter::Start(this, BulkWriterOptions());
    if (!writer.ok()) return writer.status();
    staged_ = std::make_unique<Staged>();
    staged_->writer = std::move(*writer);
  }
  ws.MoveRowsToBatch();
  BulkSink& sink = staged_->writer->sink(0);
  // A write set's summaries are cells added up per key, not yet a batch.
  for (const auto& [key, cell] : ws.summaries_) sink.Cell(cell);
  ws.summaries_.clear();
  StageHandler handler(handles_, [&sink](size_t cf, std::string_view key, std::string_view value) {
    sink.Put(cf, key, value);
  });
  if (absl::Status s = FromRocksDb(ws.batch_->Iterate(&handler), "stage"); !s.ok()) return s;
  return staged_->writer->AppendOrdered(sink);
}

absl::Status Store::IngestStaged() {
  if (!staged_) return absl::OkStatus();
  std::unique_ptr<Staged> staged = std::move(staged_);
  return staged->writer->Finish();
}

}  // namespace entente::storage
