// BulkLoader: the first load of millions of rows into a database without
// statements, offline (entente-admin import). It gives the database online
// ingest (graph::Ingestor, exact names) would give for the same rows in the
// same order: the same validation and rejections, entities (seeded countries
// first, then new names in order of first appearance, actor before target),
// statement ids in row order, idempotency keys, CAMEO classification,
// documents, indexes and summaries; duplicates (a key seen before) are
// counted and skipped. Everything becomes visible at once at the end, or
// nothing does (storage::BulkWriter).
//
// Rows come from a BulkSource in chunks of whole lines. Each worker thread
// takes the next chunk and
//   1. parses it (the source's Parse), in parallel with the others;
//   2. resolves it, chunks strictly in input order: validates rows (each
//      distinct name and action once), looks names up in an arena-backed
//      table, assigns entity and statement ids, detects duplicate keys;
//   3. builds its rows (storage::EmitStatementRows) into its own sink of the
//      BulkWriter, in parallel;
//   4. appends its statements and entities to their files, in input order.
// Memory: the BulkWriter's sort buffers (BulkLoadOptions::memory_bytes),
// one chunk per worker, the name table (about 50 bytes per distinct name)
// and, for key prefixes shared by several files, a bit per line.
//
// Thread-safety: one Load at a time; the loader makes its own threads.
#ifndef ENTENTE_GRAPH_BULK_LOADER_H_
#define ENTENTE_GRAPH_BULK_LOADER_H_

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
#include "storage/bulk_writer.h"
#include "storage/store.h"

namespace entente::graph {

// One input file of a bulk load and what its rows share.
struct BulkFile {
  std::string name;            // for messages (the path as given)
  std::string document_id;     // every row's source document
  std::string extractor_name;  // every row's extractor
  // A row's idempotency key is key_prefix followed by its line number in
  // decimal ("events.tsv:17"). Keys are equal only if prefix and line are,
  // so duplicates are rows of a prefix shared by several files.
  std::string key_prefix;
};

// One non-empty line of input, split but not validated. The views point
// into BulkChunk::bytes.
struct BulkRow {
  uint32_t line = 0;  // line index within the chunk, from 0
  int32_t error = -1;  // >= 0: malformed, BulkChunk::errors[error] says why
  std::string_view actor, action_text, cameo_code, target;
  model::Date date;
};

// Whole lines of one file.
struct BulkChunk {
  size_t file = 0;          // index in BulkSource::files()
  bool file_start = false;  // the file's first chunk: line numbers restart
  std::string bytes;
  uint32_t lines = 0;  // lines in `bytes`, empty ones too (set by Parse)
  std::vector<BulkRow> rows;
  std::vector<std::string> errors;
};

// Input of a bulk load in a format.
class BulkSource {
 public:
  virtual ~BulkSource() = default;
  virtual const std::vector<BulkFile>& files() const = 0;
  // Fills file, file_start and bytes with the next block of whole lines;
  // false after the last. Called by one thread at a time.
  virtual absl::StatusOr<bool> Read(BulkChunk* chunk) = 0;
  // Fills lines, rows and errors from bytes. Called by several threads at
  // once, each on its own chunk.
  virtual void Parse(BulkChunk* chunk) const = 0;
};

struct BulkLoadOptions {
  // Worker threads; 0: one per core.
  int threads = 0;
  // Sort buffers of all workers together (storage::BulkWriterOptions).
  // 96 MiB: ICEWS05-15 (0.5 M rows) loads in one or two runs, and a 10 M
  // row file loads at the same rate within 256 MB of resident memory.
  size_t memory_bytes = 96 << 20;
  // Run and SST files before ingestion; empty: the database directory.
  std::string temp_dir;
  // Entries per SST file at most (storage::BulkWriterOptions).
  uint64_t max_file_entries = storage::BulkWriterOptions().max_file_entries;
  // ingested_at of every statement, microseconds since the Unix epoch;
  // null: the system clock when Load starts.
  std::function<int64_t()> clock;
};

struct BulkLoadCounts {
  uint64_t lines = 0;  // non-empty lines read
  uint64_t accepted = 0;
  uint64_t duplicate = 0;
  uint64_t rejected = 0;  // malformed lines and invalid statements
  uint64_t entities = 0;  // created
  // Wall time reading, resolving and building rows; then sorting, merging,
  // writing and ingesting the files.
  double read_seconds = 0;
  double write_seconds = 0;
};

// A row not loaded: malformed (field empty, description the source's
// reason) or invalid (the first violated rule, as graph/validate.h names it:
// "actor.name", "is blank").
struct BulkRejection {
  const BulkFile* file = nullptr;
  uint64_t line = 0;
  bool malformed = false;
  std::string_view field;
  std::string_view description;
};

struct BulkProgress {
  uint64_t lines = 0;     // resolved so far
  bool writing = false;   // every row read; sorting and writing files
};

class BulkLoader {
 public:
  // Loads the id counters and seeds the countries as Ingestor::Init does.
  // FailedPrecondition if the database holds statements.
  static absl::StatusOr<std::unique_ptr<BulkLoader>> Open(storage::Store* store,
                                                          const BulkLoadOptions& options);
  ~BulkLoader();

  // Reads all of `source` and loads it. `reject` is called for each row not
  // loaded, in input order, from one thread at a time; `progress` (may be
  // null) from the calling thread about four times a second. On failure
  // (an unreadable file, a full disk) nothing is loaded.
  absl::StatusOr<BulkLoadCounts> Load(BulkSource& source,
                                      const std::function<void(const BulkRejection&)>& reject,
                                      const std::function<void(const BulkProgress&)>& progress);

  // Figures of the last Load's files.
  const storage::BulkWriterStats& writer_stats() const;
  int threads() const { return threads_; }

 private:
  class Run;
  BulkLoader(storage::Store* store, const BulkLoadOptions& options, int threads);

  storage::Store* const store_;
  const BulkLoadOptions options_;
  const int threads_;
  storage::BulkWriterStats stats_;
};

// The idempotency hash stored for a client key (storage::kIdempotencyHashSize
// bytes into `out`), as Ingestor stores it; without allocating.
void IdempotencyKeyHash(std::string_view key, char* out);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_BULK_LOADER_H_
