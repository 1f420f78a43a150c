// ICEWS14-style files (subject, relation, object, YYYY-MM-DD per line) as
// statement inputs, for the tests that run on real data.
#ifndef ENTENTE_TESTS_GRAPH_ICEWS_DATA_H_
#define ENTENTE_TESTS_GRAPH_ICEWS_DATA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/types.h"

namespace entente::graph {

// The statements of the file `name` in the shared data folder's icews14/
// (ENTENTE_SHARED_DATA_DIR): names exact, the relation's CAMEO code,
// document `name`, an idempotency key per line. NotFound if the file is
// missing (the tests then fail, never skip); DataLoss on a bad line.
absl::StatusOr<std::vector<model::StatementInput>> ReadIcews14(const std::string& name);

}  // namespace entente::graph

#endif  // ENTENTE_TESTS_GRAPH_ICEWS_DATA_H_
