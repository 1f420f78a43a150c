#include "storage/bulk_writer.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <utility>

#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/key_codec.h"
#include "storage/record_codec.h"
#include "storage/rocksdb_status.h"
#include "storage/store.h"

namespace entente::storage {
namespace {

using bulk::CellRecord;

// Read buffer of each run file during the merge.
constexpr size_t kRunReadBuffer = 256 << 10;

std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

// Runs `tasks` on up to `threads` threads; the first error, or OK.
absl::Status RunTasks(int threads, std::vector<std::function<absl::Status()>>& tasks) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  absl::Status first;
  auto work = [&] {
    for (size_t i = next++; i < tasks.size(); i = next++) {
      absl::Status s = tasks[i]();
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first.ok()) first = s;
        next = tasks.size();
      }
    }
  };
  std::vector<std::thread> pool;
  const size_t n = std::min<size_t>(tasks.size(), std::max(threads, 1));
  for (size_t t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  return first;
}

}  // namespace

// The SST files of one column family, and how to write them.
class BulkWriter::Output {
 public:
  Output(const rocksdb::ColumnFamilyOptions& cf_options, rocksdb::ColumnFamilyHandle* handle)
      : options_(rocksdb::DBOptions(), cf_options), handle_(handle) {
    if (const char* l = getenv("ENTENTE_BULK_ZSTD_LEVEL")) {  // EXPERIMENT
      options_.compression_opts.level = atoi(l);
      options_.bottommost_compression_opts.level = atoi(l);
      options_.bottommost_compression_opts.enabled = true;
    }
    if (getenv("ENTENTE_BULK_LZ4")) options_.compression = options_.bottommost_compression = rocksdb::kLZ4Compression;
  }

  rocksdb::ColumnFamilyHandle* handle() const { return handle_; }
  std::vector<std::string>& files() { return files_; }

 private:
  friend class BulkWriter::Series;
  rocksdb::Options options_;
  rocksdb::ColumnFamilyHandle* const handle_;
  std::mutex mu_;
  std::vector<std::string> files_;  // guarded by mu_ while series finish
};

// Files of one family written in key order by one thread, each cut at
// max_file_entries.
class BulkWriter::Series {
 public:
  Series(BulkWriter* writer, Output* output) : writer_(writer), output_(output) {}

  absl::Status Put(std::string_view key, std::string_view value) {
    if (!file_ || entries_ == writer_->options_.max_file_entries) {
      if (absl::Status s = Open(key); !s.ok()) return s;
    }
    ++entries_;
    rocksdb::Status st = file_->Put(ToSlice(key), ToSlice(value));
    if (!st.ok()) return FromRocksDb(st, "bulk write " + path_);
    return absl::OkStatus();
  }

  // Closes the last file and hands every file to the family.
  absl::Status Finish() {
    if (absl::Status s = Close(); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(output_->mu_);
    output_->files_.insert(output_->files_.end(), paths_.begin(), paths_.end());
    paths_.clear();
    return absl::OkStatus();
  }

 private:
  absl::Status Open(std::string_view first_key) {
    if (absl::Status s = Close(); !s.ok()) return s;
    // SstFileWriter checks the order inside a file; this, across files.
    if (!last_key_.empty() && first_key <= last_key_) {
      return absl::InvalidArgumentError("bulk load: keys of " + output_->handle_->GetName() +
                                        " out of order");
    }
    path_ = writer_->NewPath(output_->handle_->GetName().c_str(), ".sst");
    // No page cache hints: the files are read again soon, by ingestion and
    // the first queries.
    file_ = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), output_->options_,
                                                     output_->handle_,
                                                     /*invalidate_page_cache=*/false);
    entries_ = 0;
    return FromRocksDb(file_->Open(path_), "bulk write " + path_);
  }

  absl::Status Close() {
    if (!file_) return absl::OkStatus();
    rocksdb::ExternalSstFileInfo info;
    rocksdb::Status st = file_->Finish(&info);
    file_.reset();
    if (!st.ok()) return FromRocksDb(st, "bulk write " + path_);
    last_key_ = info.largest_key;
    paths_.push_back(path_);
    return absl::OkStatus();
  }

  BulkWriter* const writer_;
  Output* const output_;
  std::unique_ptr<rocksdb::SstFileWriter> file_;
  std::string path_;
  std::string last_key_;
  uint64_t entries_ = 0;
  std::vector<std::string> paths_;
};

// ------------------------------------------------------------------ BulkSink

BulkSink::BulkSink(BulkWriter* writer, size_t budget_bytes)
    : writer_(writer),
      // Room for the largest value; value positions are 32 bits.
      budget_(std::clamp<size_t>(budget_bytes, 256 << 10, (uint64_t{1} << 32) - (1 << 20))) {
  // Address space only: each buffer could take the whole budget, and pages
  // are touched as rows come.
  auto reserve = [&](auto& region) {
    using T = std::remove_reference_t<decltype(region[0])>;
    if (!region.Reserve(budget_ / sizeof(T) + 1)) {
      Fail(absl::ResourceExhaustedError("bulk load: cannot reserve sort buffers"));
    }
  };
  reserve(out_.entries);
  reserve(in_.entries);
  reserve(pair_.entries);
  reserve(idempotency_.entries);
  reserve(cells_.cells);
  if (!values_.Reserve(budget_)) {
    Fail(absl::ResourceExhaustedError("bulk load: cannot reserve sort buffers"));
  }
}

BulkSink::~BulkSink() = default;

void BulkSink::Fail(absl::Status s) {
  if (status_.ok()) status_ = std::move(s);
}

void BulkSink::AddItem(std::vector<Item>* items, std::string* bytes, size_t cf,
                       std::string_view key, std::string_view value) {
  items->push_back({static_cast<uint32_t>(cf), bytes->size(), static_cast<uint32_t>(key.size()),
                    static_cast<uint32_t>(value.size())});
  bytes->append(key);
  bytes->append(value);
}

size_t BulkSink::used_bytes() const {
  return out_.entries.size() * sizeof(out_.entries[0]) +
         in_.entries.size() * sizeof(in_.entries[0]) +
         pair_.entries.size() * sizeof(pair_.entries[0]) +
         idempotency_.entries.size() * sizeof(idempotency_.entries[0]) +
         cells_.cells.size() * sizeof(CellRecord) + values_.bytes();
}

template <size_t K>
void BulkSink::AddKeyed(Keyed<K>* f, std::string_view key, std::string_view value,
                        const char* what) {
  if (key.size() != K || value.size() > bulk::kMaxValueSize) {
    Fail(absl::InvalidArgumentError(std::string("bulk load: a ") + what + " row of " +
                                    std::to_string(key.size()) + "+" +
                                    std::to_string(value.size()) + " bytes does not fit"));
    return;
  }
  if (!status_.ok()) return;  // e.g. no sort buffers
  if (used_bytes() + sizeof(f->entries[0]) + value.size() + 2 > budget_) Spill();
  bulk::KeyEntry<K>& e = f->entries.emplace_back();
  std::memcpy(e.key, key.data(), K);
  e.value = values_.Add(value);
}

void BulkSink::Row(StatementFamily family, std::string_view key, std::string_view value) {
  switch (family) {
    case StatementFamily::kStatements:
      AddItem(&ordered_, &ordered_bytes_, writer_->cf_.statements, key, value);
      return;
    case StatementFamily::kOutEdges:
      AddKeyed(&out_, key, value, "out_edges");
      return;
    case StatementFamily::kInEdges:
      AddKeyed(&in_, key, value, "in_edges");
      return;
    case StatementFamily::kPairEdges:
      AddKeyed(&pair_, key, value, "pair_edges");
      return;
    case StatementFamily::kIdempotency:
      AddKeyed(&idempotency_, key, value, "idempotency");
      return;
  }
}

void BulkSink::Cell(const SummaryCell& cell) {
  if (!status_.ok()) return;
  if (used_bytes() + sizeof(CellRecord) > budget_) Spill();
  cells_.cells.push_back(CellRecord::From(cell));
}

void BulkSink::PutEntity(const model::Entity& e) {
  AddItem(&ordered_, &ordered_bytes_, writer_->cf_.entities, EntityKey(e.id), EncodeEntity(e));
}

void BulkSink::PutExactName(std::string_view name, model::EntityId id) {
  AddItem(&kept_, &kept_bytes_, writer_->cf_.names, ExactNameKey(name), EncodeId(id));
}

void BulkSink::PutAlias(std::string_view folded, model::EntityId id) {
  AddItem(&kept_, &kept_bytes_, writer_->cf_.names, AliasKey(folded, id), "");
}

void BulkSink::PutDocument(const model::Document& d) {
  AddItem(&kept_, &kept_bytes_, writer_->cf_.documents, d.document_id, EncodeDocument(d));
}

void BulkSink::PutMeta(std::string_view name, std::string_view value) {
  AddItem(&kept_, &kept_bytes_, writer_->cf_.meta, MetaKey(name), value);
}

void BulkSink::Put(size_t cf, std::string_view key, std::string_view value) {
  const auto& c = writer_->cf_;
  if (cf == c.statements || cf == c.entities) {
    AddItem(&ordered_, &ordered_bytes_, cf, key, value);
  } else if (cf == c.out) {
    AddKeyed(&out_, key, value, "out_edges");
  } else if (cf == c.in) {
    AddKeyed(&in_, key, value, "in_edges");
  } else if (cf == c.pair) {
    AddKeyed(&pair_, key, value, "pair_edges");
  } else if (cf == c.idempotency) {
    AddKeyed(&idempotency_, key, value, "idempotency");
  } else if (cf == c.summaries) {
    SummaryCell cell;
    if (!DecodeSummary(key, value, &cell)) {
      Fail(absl::InvalidArgumentError("bulk load: a malformed summary row"));
      return;
    }
    Cell(cell);
  } else {
    AddItem(&kept_, &kept_bytes_, cf, key, value);
  }
}

template <size_t K>
absl::Status BulkSink::SpillKeyed(Keyed<K>* f, const char* name) {
  if (f->entries.empty()) return absl::OkStatus();
  bulk::RunFile run{writer_->NewPath(name, ".run"), f->entries.size()};
  if (absl::Status s = bulk::WriteKeyedRun(&f->entries, values_, run.path); !s.ok()) return s;
  spilled_bytes_ += f->entries.size() * (K + 2);
  f->runs.push_back(std::move(run));
  f->entries.clear();
  return absl::OkStatus();
}

void BulkSink::Spill() {
  for (absl::Status s : {SpillKeyed(&out_, "out_edges"), SpillKeyed(&in_, "in_edges"),
                         SpillKeyed(&pair_, "pair_edges"),
                         SpillKeyed(&idempotency_, "idempotency")}) {
    if (!s.ok()) Fail(s);
  }
  spilled_bytes_ += values_.bytes();
  values_.Clear();
  if (!cells_.cells.empty()) {
    bulk::SortAndAddUp(&cells_.cells);
    bulk::RunFile run{writer_->NewPath("summaries", ".run"), cells_.cells.size()};
    bulk::RunWriter w;
    absl::Status s = w.Open(run.path);
    if (s.ok()) s = w.Append(cells_.cells.data(), cells_.cells.size() * sizeof(CellRecord));
    if (s.ok()) s = w.Close();
    if (!s.ok()) Fail(s);
    spilled_bytes_ += cells_.cells.size() * sizeof(CellRecord);
    cells_.runs.push_back(std::move(run));
    cells_.cells.clear();
  }
  ++runs_;
}

void BulkSink::SpillIfFull(size_t statements) {
  // Average bytes a statement took since the last spill (one idempotency
  // row each), or a guess before the first.
  const size_t n = idempotency_.entries.size();
  const size_t used = used_bytes();
  const size_t per = n > 0 ? used / n + 1 : 400;
  if (used + per * statements >= budget_) Spill();
}

// ---------------------------------------------------------------- BulkWriter

absl::StatusOr<std::unique_ptr<BulkWriter>> BulkWriter::Start(Store* store,
                                                              const BulkWriterOptions& options) {
  namespace fs = std::filesystem;
  const std::string db_dir = store->db_->GetName();
  const std::string parent = options.temp_dir.empty() ? db_dir : options.temp_dir;
  std::error_code ec;
  if (options.temp_dir.empty()) {
    // What a load killed part way left behind (the database itself never
    // saw it).
    for (const auto& entry : fs::directory_iterator(db_dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_directory() && name.size() == 11 && name.rfind("bulk-", 0) == 0) {
        fs::remove_all(entry.path(), ec);
      }
    }
  }
  fs::create_directories(parent, ec);
  std::string tmpl = parent + "/bulk-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError("bulk load: cannot make a directory in " + parent);
  }
  std::unique_ptr<BulkWriter> w(new BulkWriter(store, options, tmpl));
  return w;
}

BulkWriter::BulkWriter(Store* store, const BulkWriterOptions& options, std::string dir)
    : store_(store), options_(options), dir_(std::move(dir)) {
  auto index = [&](rocksdb::ColumnFamilyHandle* h) {
    return static_cast<size_t>(
        std::find(store->handles_.begin(), store->handles_.end(), h) - store->handles_.begin());
  };
  cf_ = {index(store->meta_),     index(store->statements_), index(store->out_edges_),
         index(store->in_edges_), index(store->entities_),   index(store->names_),
         index(store->documents_), index(store->idempotency_), index(store->pair_edges_),
         index(store->summaries_)};
  const int sinks = std::max(options.sinks, 1);
  for (int i = 0; i < sinks; ++i) {
    sinks_.emplace_back(new BulkSink(this, options.memory_bytes / sinks));
  }
  for (size_t i = 0; i < store->handles_.size(); ++i) {
    outputs_.push_back(std::make_unique<Output>(
        *static_cast<rocksdb::ColumnFamilyOptions*>(store->cf_options_[i].get()),
        store->handles_[i]));
    series_.push_back(std::make_unique<Series>(this, outputs_.back().get()));
  }
}

BulkWriter::~BulkWriter() {
  series_.clear();  // closes open files before they are removed
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string BulkWriter::NewPath(const char* family, const char* suffix) {
  return dir_ + "/" + family + "-" + std::to_string(next_file_++) + suffix;
}

absl::Status BulkWriter::AppendOrdered(BulkSink& sink) {
  if (!sink.status().ok()) return sink.status();
  const char* base = sink.ordered_bytes_.data();
  for (const BulkSink::Item& it : sink.ordered_) {
    const std::string_view key(base + it.offset, it.key_size);
    const std::string_view value(base + it.offset + it.key_size, it.value_size);
    if (absl::Status s = series_[it.cf]->Put(key, value); !s.ok()) return s;
  }
  sink.ordered_.clear();
  sink.ordered_bytes_.clear();
  return absl::OkStatus();
}

absl::Status BulkWriter::ForEachExactName(
    const std::function<void(std::string_view name, model::EntityId id)>& visit) const {
  const std::string lower(1, kNameTagExact);
  const std::string upper = PrefixUpperBound(lower);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(ro, store_->names_));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    auto id = DecodeId(View(it->value()));
    if (!id) return absl::DataLossError("corrupt name entry");
    visit(View(it->key()).substr(1), *id);
  }
  return FromRocksDb(it->status(), "scan names");
}

template <size_t K>
absl::Status BulkWriter::WriteKeyed(size_t cf, BulkSink::Keyed<K> BulkSink::*member) {
  std::vector<std::unique_ptr<bulk::KeyedCursor<K>>> cursors;
  for (const auto& sink : sinks_) {
    const BulkSink::Keyed<K>& f = sink.get()->*member;
    for (const bulk::RunFile& run : f.runs) {
      std::unique_ptr<bulk::KeyedCursor<K>> c;
      if (absl::Status s = bulk::KeyedCursor<K>::OpenFile(run, kRunReadBuffer, &c); !s.ok()) {
        return s;
      }
      cursors.push_back(std::move(c));
    }
    if (!f.entries.empty()) {
      cursors.push_back(std::make_unique<bulk::KeyedCursor<K>>(f.entries.data(), f.entries.size(),
                                                               &sink->values_));
    }
  }
  Series series(this, outputs_[cf].get());
  absl::Status s = bulk::MergeKeyed<K>(
      cursors, [&](std::string_view key, std::string_view value) { return series.Put(key, value); });
  if (!s.ok()) return s;
  return series.Finish();
}

absl::Status BulkWriter::WriteCells() {
  std::vector<std::unique_ptr<bulk::CellCursor>> cursors;
  for (const auto& sink : sinks_) {
    for (const bulk::RunFile& run : sink->cells_.runs) {
      std::unique_ptr<bulk::CellCursor> c;
      if (absl::Status s = bulk::CellCursor::OpenFile(run, kRunReadBuffer, &c); !s.ok()) return s;
      cursors.push_back(std::move(c));
    }
    const auto& cells = sink->cells_.cells;
    if (!cells.empty()) cursors.push_back(std::make_unique<bulk::CellCursor>(cells.data(), cells.size()));
  }
  Series series(this, outputs_[cf_.summaries].get());
  // A summary's key and value are encoded by key_codec, once per cell.
  absl::Status s = bulk::MergeCells(cursors, [&](const CellRecord& r) {
    const SummaryCell c = r.ToCell();
    return series.Put(SummaryKey(c), EncodeSummaryValue(c));
  });
  if (!s.ok()) return s;
  return series.Finish();
}

absl::Status BulkWriter::WriteKept(size_t cf) {
  struct Row {
    std::string_view key, value;
    size_t order;
  };
  std::vector<Row> rows;
  for (const auto& sink : sinks_) {
    const char* base = sink->kept_bytes_.data();
    for (const BulkSink::Item& it : sink->kept_) {
      if (it.cf != cf) continue;
      rows.push_back({{base + it.offset, it.key_size},
                      {base + it.offset + it.key_size, it.value_size},
                      rows.size()});
    }
  }
  if (rows.empty()) return absl::OkStatus();
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.key != b.key ? a.key < b.key : a.order < b.order;
  });
  Series series(this, outputs_[cf].get());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i + 1 < rows.size() && rows[i + 1].key == rows[i].key) continue;  // the last wins
    if (absl::Status s = series.Put(rows[i].key, rows[i].value); !s.ok()) return s;
  }
  return series.Finish();
}

absl::Status BulkWriter::Finish() {
  if (finished_) return absl::FailedPreconditionError("bulk load already finished");
  for (const auto& sink : sinks_) {
    if (!sink->status().ok()) return sink->status();
    if (!sink->ordered_.empty()) {
      return absl::FailedPreconditionError("bulk load: rows not appended with AppendOrdered");
    }
  }
  for (auto& series : series_) {
    if (absl::Status s = series->Finish(); !s.ok()) return s;
  }
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  auto t = Clock::now();
  const int threads = static_cast<int>(sinks_.size());
  // Sort what each sink still holds, in parallel.
  std::vector<std::function<absl::Status()>> tasks;
  for (const auto& sink : sinks_) {
    BulkSink* k = sink.get();
    auto sort = [](auto* entries) {
      bulk::SortEntries(entries);
      return absl::OkStatus();
    };
    tasks.push_back([k, sort] { return sort(&k->out_.entries); });
    tasks.push_back([k, sort] { return sort(&k->in_.entries); });
    tasks.push_back([k, sort] { return sort(&k->pair_.entries); });
    tasks.push_back([k, sort] { return sort(&k->idempotency_.entries); });
    tasks.push_back([k] {
      bulk::SortAndAddUp(&k->cells_.cells);
      return absl::OkStatus();
    });
  }
  if (absl::Status s = RunTasks(threads, tasks); !s.ok()) return s;

  stats_.sort_seconds = since(t);
  t = Clock::now();

  // Then merge and write each family, the largest first.
  tasks.clear();
  tasks.push_back([this] { return WriteKeyed(cf_.pair, &BulkSink::pair_); });
  tasks.push_back([this] { return WriteKeyed(cf_.out, &BulkSink::out_); });
  tasks.push_back([this] { return WriteKeyed(cf_.in, &BulkSink::in_); });
  tasks.push_back([this] { return WriteCells(); });
  tasks.push_back([this] { return WriteKeyed(cf_.idempotency, &BulkSink::idempotency_); });
  for (size_t cf : {cf_.names, cf_.documents, cf_.meta}) {
    tasks.push_back([this, cf] { return WriteKept(cf); });
  }
  if (absl::Status s = RunTasks(threads, tasks); !s.ok()) return s;
  for (const auto& sink : sinks_) {
    stats_.runs_spilled += sink->runs_;
    stats_.spilled_bytes += sink->spilled_bytes_;
  }
  stats_.merge_seconds = since(t);
  t = Clock::now();
  absl::Status s = Ingest();
  stats_.ingest_seconds = since(t);
  return s;
}

absl::Status BulkWriter::Ingest() {
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (auto& out : outputs_) {
    if (out->files().empty()) continue;
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = out->handle();
    arg.external_files = out->files();
    arg.options.move_files = true;
    // Nothing to be compatible with: RocksDB before 5.16 is not a reader.
    arg.options.write_global_seqno = false;
    stats_.sst_files += arg.external_files.size();
    args.push_back(std::move(arg));
  }
  finished_ = true;
  absl::Status s = args.empty() ? absl::OkStatus()
                                : FromRocksDb(store_->db_->IngestExternalFiles(args), "bulk ingest");
  // The run files, and SST files if ingestion failed.
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  return s;
}

}  // namespace entente::storage
