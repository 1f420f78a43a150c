// BulkWriter: builds a database's SST files directly (RocksDB
// SstFileWriter) and ingests them all at once, for a first load of millions
// of statements (graph::BulkLoader, and Ingestor's bulk mode through
// Store::Stage). Nothing is visible until Finish() succeeds; if it fails or
// is never called, the database is as it was.
//
// Memory is bounded, whatever the size of the load:
// - statements and entities arrive in id order (AppendOrdered) and go
//   straight to their files;
// - the index, idempotency and summary rows are kept per sink, in buffers
//   of options.memory_bytes / options.sinks together (storage/bulk_runs.h:
//   keys and summary cells as fixed-size records, values in an arena); full
//   buffers are sorted and written to run files (summary cells of one key
//   added up first), and Finish() merges the runs of every sink, one family
//   per thread;
// - entity names, documents and meta rows (a few per entity or file) stay
//   in memory until Finish().
// Output files are cut at options.max_file_entries, so that a file's bloom
// filter, built in memory, stays small.
//
// Thread-safety: each BulkSink is used by one thread at a time; AppendOrdered
// by one thread at a time, in key order; Finish once, after every sink is
// done. The Store must outlive the writer and receive no other writes.
#ifndef ENTENTE_STORAGE_BULK_WRITER_H_
#define ENTENTE_STORAGE_BULK_WRITER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/types.h"
#include "storage/bulk_runs.h"
#include "storage/statement_rows.h"

namespace entente::storage {

class Store;
class BulkWriter;

struct BulkWriterOptions {
  // Sort buffers of every sink together, in bytes (about 300 bytes a
  // statement). Past it, sorted runs are written to temp_dir.
  size_t memory_bytes = 128 << 20;
  // Sinks, one per thread that adds rows; Finish() sorts and writes with as
  // many threads.
  int sinks = 1;
  // Where run files and SST files are written before ingestion (a new
  // subdirectory of it, removed at the end). Empty: the database directory,
  // so that ingestion moves the files instead of copying them.
  std::string temp_dir;
  // Entries per SST file at most.
  uint64_t max_file_entries = 1 << 21;
};

struct BulkWriterStats {
  uint64_t sst_files = 0;       // ingested
  uint64_t runs_spilled = 0;    // sorted runs written to run files
  uint64_t spilled_bytes = 0;
  // Wall time of Finish(): sorting what memory holds, merging and writing
  // the files, ingesting them.
  double sort_seconds = 0;
  double merge_seconds = 0;
  double ingest_seconds = 0;
};

// Receives the rows of one thread. Rows of statements and entities are kept
// in arrival order until BulkWriter::AppendOrdered; the others are sorted.
// Errors (a run that cannot be written, a row that does not fit) are kept
// and returned by status(), AppendOrdered and Finish.
class BulkSink final : public StatementRowSink {
 public:
  ~BulkSink() override;
  BulkSink(const BulkSink&) = delete;
  BulkSink& operator=(const BulkSink&) = delete;

  // StatementRowSink: a statement's rows (EmitStatementRows).
  void Row(StatementFamily family, std::string_view key, std::string_view value) override;
  void Cell(const SummaryCell& cell) override;

  // REQUIRES: ids in ascending order across AppendOrdered calls.
  void PutEntity(const model::Entity& e);
  void PutExactName(std::string_view name, model::EntityId id);
  void PutAlias(std::string_view folded, model::EntityId id);
  void PutDocument(const model::Document& d);
  // Among rows of one key added through one sink, the last wins.
  void PutMeta(std::string_view name, std::string_view value);

  // Writes the sorted runs now if the buffers have room for fewer than
  // `statements` more statements.
  void SpillIfFull(size_t statements);
  absl::Status status() const { return status_; }

 private:
  friend class BulkWriter;
  friend class Store;
  template <size_t K>
  struct Keyed {
    bulk::Region<bulk::KeyEntry<K>> entries;  // values in values_
    std::vector<bulk::RunFile> runs;
  };
  struct Cells {
    bulk::Region<bulk::CellRecord> cells;
    std::vector<bulk::RunFile> runs;
  };
  // A row of a family kept whole (ordered, or sorted in memory only).
  struct Item {
    uint32_t cf;
    uint64_t offset;
    uint32_t key_size;
    uint32_t value_size;
  };

  BulkSink(BulkWriter* writer, size_t budget_bytes);
  // A row of column family `cf` (Store handle index), as Store::Stage sees
  // it in a write batch.
  void Put(size_t cf, std::string_view key, std::string_view value);
  void AddItem(std::vector<Item>* items, std::string* bytes, size_t cf, std::string_view key,
               std::string_view value);
  template <size_t K>
  void AddKeyed(Keyed<K>* f, std::string_view key, std::string_view value, const char* what);
  // Bytes of the sort buffers in use.
  size_t used_bytes() const;
  template <size_t K>
  absl::Status SpillKeyed(Keyed<K>* f, const char* name);
  void Spill();
  void Fail(absl::Status s);

  BulkWriter* const writer_;
  const size_t budget_;  // bytes of sort buffers
  Keyed<kEdgeKeySize> out_, in_;
  Keyed<kPairKeySize> pair_;
  Keyed<kIdempotencyHashSize> idempotency_;
  Cells cells_;
  bulk::ValueArena values_;
  std::vector<Item> ordered_;  // statements, entities
  std::string ordered_bytes_;
  std::vector<Item> kept_;  // names, documents, meta: sorted at Finish
  std::string kept_bytes_;
  uint64_t runs_ = 0;
  uint64_t spilled_bytes_ = 0;
  absl::Status status_;
};

class BulkWriter {
 public:
  // Fails if the temporary directory cannot be made.
  static absl::StatusOr<std::unique_ptr<BulkWriter>> Start(Store* store,
                                                           const BulkWriterOptions& options);
  // Without a successful Finish(), removes every file it wrote.
  ~BulkWriter();
  BulkWriter(const BulkWriter&) = delete;
  BulkWriter& operator=(const BulkWriter&) = delete;

  int sinks() const { return static_cast<int>(sinks_.size()); }
  // REQUIRES: 0 <= i < sinks()
  BulkSink& sink(int i) { return *sinks_[i]; }

  // Writes the statements and entities `sink` received since the last call
  // to their files, and forgets them. InvalidArgument if a key is not after
  // the last one written to its family.
  absl::Status AppendOrdered(BulkSink& sink);

  // Sorts and merges everything else, writes it and ingests every file in
  // one IngestExternalFiles call.
  absl::Status Finish();

  // Visits every exact name the database holds (key_codec.h names 0x01).
  absl::Status ForEachExactName(
      const std::function<void(std::string_view name, model::EntityId id)>& visit) const;

  const BulkWriterStats& stats() const { return stats_; }
  const std::string& temp_dir() const { return dir_; }

 private:
  friend class BulkSink;
  class Output;
  class Series;
  BulkWriter(Store* store, const BulkWriterOptions& options, std::string dir);
  std::string NewPath(const char* family, const char* suffix);
  template <size_t K>
  absl::Status WriteKeyed(size_t cf, BulkSink::Keyed<K> BulkSink::*member);
  absl::Status WriteCells();
  absl::Status WriteKept(size_t cf);
  absl::Status Ingest();

  // Store handle indices of the column families.
  struct Families {
    size_t meta, statements, out, in, entities, names, documents, idempotency, pair, summaries;
  };

  Store* const store_;
  const BulkWriterOptions options_;
  const std::string dir_;
  Families cf_{};
  std::vector<std::unique_ptr<BulkSink>> sinks_;
  std::vector<std::unique_ptr<Output>> outputs_;  // per column family
  // Per column family, the files of AppendOrdered (statements, entities).
  std::vector<std::unique_ptr<Series>> series_;
  std::atomic<uint64_t> next_file_{0};
  bool finished_ = false;
  BulkWriterStats stats_;
};

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_BULK_WRITER_H_
