// Bulk loading: staged write sets become one SST file per column family.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
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

uint64_t KeyPrefix(std::string_view key) {
  unsigned char b[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(b, key.data(), std::min<size_t>(key.size(), 8));
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

// Copies a write batch's operations into the staged writes.
class StageHandler : public rocksdb::WriteBatch::Handler {
 public:
  StageHandler(std::vector<rocksdb::ColumnFamilyHandle*>* handles, uint32_t summaries_id,
               std::vector<StagedColumn>* columns,
               std::unordered_map<std::string, std::string>* summaries)
      : handles_(handles), summaries_id_(summaries_id), columns_(columns), summaries_(summaries) {}

  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    for (size_t i = 0; i < handles_->size(); ++i) {
      if ((*handles_)[i]->GetID() == cf) {
        (*columns_)[i].Add(std::string_view(key.data(), key.size()),
                           std::string_view(value.data(), value.size()));
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
  std::vector<StagedColumn>* columns_;
  std::unordered_map<std::string, std::string>* summaries_;
};

// Sorts one column's staged entries and writes them to `path`; among equal
// keys (meta counters staged by every batch) the last staged wins.
rocksdb::Status WriteSortedFile(StagedColumn& column, const rocksdb::Options& options,
                                rocksdb::ColumnFamilyHandle* handle, const std::string& path) {
  auto& entries = column.entries;
  // Offsets grow with arrival, so ordering ties by offset keeps arrival order.
  auto less = [&column](const StagedColumn::Entry& a, const StagedColumn::Entry& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int c = column.Key(a).compare(column.Key(b));
    return c != 0 ? c < 0 : a.offset < b.offset;
  };
  // Statements and entities arrive in id order: no need to sort them.
  if (!std::is_sorted(entries.begin(), entries.end(), less)) {
    std::sort(entries.begin(), entries.end(), less);
  }
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, handle);
  if (auto st = writer.Open(path); !st.ok()) return st;
  for (size_t j = 0; j < entries.size(); ++j) {
    const std::string_view key = column.Key(entries[j]);
    if (j + 1 < entries.size() && column.Key(entries[j + 1]) == key) continue;
    const std::string_view value = column.Value(entries[j]);
    auto st = writer.Put(rocksdb::Slice(key.data(), key.size()),
                         rocksdb::Slice(value.data(), value.size()));
    if (!st.ok()) return st;
  }
  column = StagedColumn();
  return writer.Finish();
}

}  // namespace

void StagedColumn::Add(std::string_view key, std::string_view value) {
  entries.push_back({KeyPrefix(key), bytes.size(), static_cast<uint32_t>(key.size()),
                     static_cast<uint32_t>(value.size())});
  bytes.append(key);
  bytes.append(value);
}

absl::Status Store::Stage(WriteSet& ws) {
  for (const auto& [key, cell] : ws.summaries_) {
    ws.batch_->Merge(summaries_, key, EncodeSummaryValue(cell)).PermitUncheckedError();
  }
  ws.summaries_.clear();
  if (!staged_) {
    staged_ = std::make_unique<Staged>();
    staged_->columns.resize(handles_.size());
  }
  StageHandler handler(&handles_, summaries_->GetID(), &staged_->columns, &staged_->summaries);
  return FromRocksDb(ws.batch_->Iterate(&handler), "stage");
}

absl::Status Store::IngestStaged() {
  if (!staged_) return absl::OkStatus();
  std::unique_ptr<Staged> staged = std::move(staged_);
  for (size_t i = 0; i < handles_.size(); ++i) {
    if (handles_[i] == summaries_) {
      for (const auto& [k, v] : staged->summaries) staged->columns[i].Add(k, v);
      staged->summaries = {};
    }
  }
  // Column families are sorted and written in parallel: each is its own
  // file, and sorting is most of a bulk load's time after parsing.
  std::vector<size_t> todo;
  for (size_t i = 0; i < handles_.size(); ++i) {
    if (!staged->columns[i].entries.empty()) todo.push_back(i);
  }
  std::vector<std::string> paths(handles_.size());
  std::vector<rocksdb::Status> results(handles_.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t t = next++; t < todo.size(); t = next++) {
      const size_t i = todo[t];
      paths[i] = db_->GetName() + "/bulk-" + handles_[i]->GetName() + ".sst";
      rocksdb::Options file_options(
          rocksdb::DBOptions(), *static_cast<rocksdb::ColumnFamilyOptions*>(cf_options_[i].get()));
      results[i] = WriteSortedFile(staged->columns[i], file_options, handles_[i], paths[i]);
    }
  };
  const size_t threads =
      std::min<size_t>(todo.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t i : todo) {
    if (!results[i].ok()) return FromRocksDb(results[i], "bulk write " + paths[i]);
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = handles_[i];
    arg.external_files = {paths[i]};
    arg.options.move_files = true;
    args.push_back(std::move(arg));
  }
  return FromRocksDb(db_->IngestExternalFiles(args), "bulk ingest");
}

}  // namespace entente::storage
