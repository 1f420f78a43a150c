// The 4-column ICEWS TSV of ../shared/data (subject, relation, object,
// YYYY-MM-DD; no header; names are byte-exact identifiers) as statements.
#ifndef ENTENTE_FORMATS_ICEWS_TSV_H_
#define ENTENTE_FORMATS_ICEWS_TSV_H_

#include <cstdint>
#include <functional>
#include <string>

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/ingestor.h"
#include "model/types.h"

namespace entente::formats {

// Calls `row` for each line of `path` as a statement: action text the
// relation, CAMEO code from the ICEWS relation table, document the file's
// base name, idempotency key "<base name>:<line>" (so identical lines stay
// distinct events and a re-import adds nothing). A malformed line goes to
// `bad` with its number and why, and is skipped. Returning false from `row`
// stops the read. NotFound if the file cannot be read.
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
