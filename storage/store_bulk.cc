// Bulk loading: staged write sets become one SST file per column family.
#include <algorithm>
#include <unordered_map>

#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace entente::storage {

namespace {

// Copies a write batch's operations into the staged writes.
class StageHandler : public rocksdb::WriteBatch::Handler {
 public:
  StageHandler(std::vector<rocksdb::ColumnFamilyHandle*>* handles, uint32_t summaries_id,
               std::vector<std::vector<std::pair<std::string, std::string>>>* puts,
               std::unordered_map<std::string, std::string>* summaries)
      : handles_(handles), summaries_id_(summaries_id), puts_(puts), summaries_(summaries) {}

  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    for (size_t i = 0; i < handles_->size(); ++i) {
      if ((*handles_)[i]->GetID() == cf) {
        (*puts_)[i].emplace_back(key.ToString(), value.ToString());
        return rocksdb::Status::OK();
      }
    }
    return rocksdb::Status::InvalidArgument("unknown column family");
  }

  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    if (cf != summaries_id_) return rocksdb::Status::NotSupported("merge outside summaries");
    auto [it, fresh] = summaries_->try_emplace(key.ToString(), value.ToString());
    if (!fresh) {
      std::string sum;
      if (!MergeSummaryValues(it->second, std::string_view(value.data(), value.size()), &sum)) {
        return rocksdb::Status::Corruption("bad summary value");
      }
      it->second = std::move(sum);
    }
    return rocksdb::Status::OK();
  }

 private:
  std::vector<rocksdb::ColumnFamilyHandle*>* handles_;
  uint32_t summaries_id_;
  std::vector<std::vector<std::pair<std::string, std::string>>>* puts_;
  std::unordered_map<std::string, std::string>* summaries_;
};

}  // namespace

absl::Status Store::Stage(WriteSet& ws) {
  for (const auto& [key, cell] : ws.summaries_) {
    ws.batch_->Merge(summaries_, key, EncodeSummaryValue(cell)).PermitUncheckedError();
  }
  ws.summaries_.clear();
  if (!staged_) {
    staged_ = std::make_unique<Staged>();
    staged_->puts.resize(handles_.size());
  }
  StageHandler handler(&handles_, summaries_->GetID(), &staged_->puts, &staged_->summaries);
  return FromRocksDb(ws.batch_->Iterate(&handler), "stage");
}

absl::Status Store::IngestStaged() {
  if (!staged_) return absl::OkStatus();
  std::unique_ptr<Staged> staged = std::move(staged_);
  for (size_t i = 0; i < handles_.size(); ++i) {
    if (handles_[i] == summaries_) {
      for (auto& [k, v] : staged->summaries) staged->puts[i].emplace_back(k, std::move(v));
      staged->summaries.clear();
    }
  }
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t i = 0; i < handles_.size(); ++i) {
    auto& entries = staged->puts[i];
    if (entries.empty()) continue;
    // Sort positions, not the strings themselves; among equal keys (meta
    // counters staged by every batch) the last staged wins.
    std::vector<uint32_t> order(entries.size());
    for (uint32_t j = 0; j < order.size(); ++j) order[j] = j;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      const int c = entries[a].first.compare(entries[b].first);
      return c != 0 ? c < 0 : a < b;
    });
    const std::string path = db_->GetName() + "/bulk-" + handles_[i]->GetName() + ".sst";
    rocksdb::Options file_options(
        rocksdb::DBOptions(),
        *static_cast<rocksdb::ColumnFamilyOptions*>(cf_options_[i].get()));
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), file_options, handles_[i]);
    if (auto st = writer.Open(path); !st.ok()) return FromRocksDb(st, "bulk open " + path);
    for (size_t j = 0; j < order.size(); ++j) {
      const auto& [key, value] = entries[order[j]];
      if (j + 1 < order.size() && entries[order[j + 1]].first == key) continue;
      if (auto st = writer.Put(key, value); !st.ok()) return FromRocksDb(st, "bulk write " + path);
    }
    entries = {};
    if (auto st = writer.Finish(); !st.ok()) return FromRocksDb(st, "bulk finish " + path);
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = handles_[i];
    arg.external_files = {path};
    arg.options.move_files = true;
    args.push_back(std::move(arg));
  }
  return FromRocksDb(db_->IngestExternalFiles(args), "bulk ingest");
}

}  // namespace entente::storage
