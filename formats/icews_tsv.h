// The 4-column ICEWS TSV of ../shared/data (subject, relation, object,
// YYYY-MM-DD; no header; names are byte-exact identifiers) as statements.
#ifndef ENTENTE_FORMATS_ICEWS_TSV_H_
#define ENTENTE_FORMATS_ICEWS_TSV_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "model/types.h"

namespace entente::formats {

// Calls `row` for each line of `path` as a statement: action text the
// relation, CAMEO code from the ICEWS relation table, document the file's
// base name, idempotency key "<base name>:<line>" (so identical lines stay
// distinct events and a re-import adds nothing). A malformed line goes to
// `bad` with its number and why, and is skipped. Returning false from `row`
// stops the read. NotFound if the file cannot be read.
absl::Status ReadIcewsTsv(
    const std::string& path, const std::function<bool(model::StatementInput&&)>& row,
    const std::function<void(uint64_t line, const std::string& why)>& bad);

}  // namespace entente::formats

#endif  // ENTENTE_FORMATS_ICEWS_TSV_H_
