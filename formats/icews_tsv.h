// The 4-column ICEWS TSV of ../shared/data (subject, relation, object,
// YYYY-MM-DD; no header; names are byte-exact identifiers) as statements.
//
// A line is split on '\n' (a trailing '\r' is cut; empty lines are skipped
// but counted) into exactly 4 tab-separated fields, nothing trimmed (names
// may hold any other byte). A row's statement: actor the subject, action
// text the relation, CAMEO code from the ICEWS relation table (none if the
// relation is not in it), target the object, the date, document the file's
// base name, extractor "icews-tsv", idempotency key "<base name>:<line>" (so
// identical lines stay distinct events and a re-import adds nothing).
#ifndef ENTENTE_FORMATS_ICEWS_TSV_H_
#define ENTENTE_FORMATS_ICEWS_TSV_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/bulk_loader.h"
#include "graph/ingestor.h"
#include "model/types.h"

namespace entente::formats {

// ICEWS files as the input of graph::BulkLoader: read in chunks of about
// `chunk_bytes` of whole lines, parsed in parallel.
class IcewsTsvSource : public graph::BulkSource {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;

  // NotFound if a file cannot be opened for reading (checked for every file
  // before anything is read).
  static absl::StatusOr<std::unique_ptr<IcewsTsvSource>> Open(
      const std::vector<std::string>& paths, size_t chunk_bytes = kChunkBytes);
  ~IcewsTsvSource() override;

  const std::vector<graph::BulkFile>& files() const override { return files_; }
  // NotFound if a file cannot be read (e.g. it is a directory).
  absl::StatusOr<bool> Read(graph::BulkChunk* chunk) override;
  // Malformed lines ("not 4 tab-separated fields", "date \"...\" is not
  // YYYY-MM-DD") become rows with an error.
  void Parse(graph::BulkChunk* chunk) const override;

 private:
  IcewsTsvSource(std::vector<graph::BulkFile> files, size_t chunk_bytes);

  const std::vector<graph::BulkFile> files_;
  const size_t chunk_bytes_;
  size_t next_file_ = 0;
  size_t current_ = 0;
  int fd_ = -1;
  size_t read_bytes_ = 0;  // per read() of the current file: a chunk, or less for a small file
  bool file_start_ = false;
  std::string carry_;  // bytes after the last whole line read
};

// Calls `row` for each line of `path` as a statement (see above). A
// malformed line goes to `bad` with its number and why, and is skipped.
// Returning false from `row` stops the read. NotFound if the file cannot be
// read.
absl::Status ReadIcewsTsv(
    const std::string& path, const std::function<bool(uint64_t line, model::StatementInput&&)>& row,
    const std::function<void(uint64_t line, const std::string& why)>& bad);

struct LoadCounts {
  uint64_t lines = 0;  // non-empty lines read
  uint64_t accepted = 0;
  uint64_t duplicate = 0;
  uint64_t rejected = 0;  // malformed lines and invalid statements
};

// Reads `files` with ReadIcewsTsv and ingests them through `ingestor` in
// batches of `batch_size`, with exact names. Malformed lines and the first 10
// rejected statements go to stderr as FILE:LINE: why; a progress line too
// when stderr is a terminal. Fails on the first unreadable file or failed
// batch (counts so far are lost with it).
absl::StatusOr<LoadCounts> LoadIcewsTsv(graph::Ingestor& ingestor,
                                        const std::vector<std::string>& files, int batch_size);

}  // namespace entente::formats

#endif  // ENTENTE_FORMATS_ICEWS_TSV_H_
