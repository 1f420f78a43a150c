// The shared benchmark's five query kinds (Q1-Q5), answered in-process
// through GraphReader. The encoding of the answers is in workload.h.
#ifndef ENTENTE_BENCH_BENCH_QUERIES_H_
#define ENTENTE_BENCH_BENCH_QUERIES_H_

#include "absl/status/statusor.h"
#include "bench/workload.h"
#include "graph/reader.h"

namespace entente::bench {

// The rows that answer `q`; an unknown entity gives the empty answer.
absl::StatusOr<Rows> Fetch(const graph::GraphReader& reader, const Query& q);

}  // namespace entente::bench

#endif  // ENTENTE_BENCH_BENCH_QUERIES_H_
