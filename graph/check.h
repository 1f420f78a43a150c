// The consistency check of storage/check.h with the graph's CAMEO taxonomy,
// which decides the summary cell (root, Goldstein score) of each statement.
#ifndef ENTENTE_GRAPH_CHECK_H_
#define ENTENTE_GRAPH_CHECK_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "storage/check.h"
#include "storage/store.h"

namespace entente::graph {

// Reads one snapshot of `store`; lists at most `max_problems` problems
// (all are counted).
absl::StatusOr<storage::CheckReport> CheckStore(const storage::Store& store, size_t max_problems);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_CHECK_H_
