// Reads as of an instant (issue 12; docs/queries.md, "As of an instant"):
// what the store knew at a transaction time. Statements ingested later are
// invisible; statements retracted later are visible.
//
// Ingest and retraction stamp their commits with a clock that never goes
// back (graph::Ingestor), and statement ids and retraction seqs are given
// in commit order, so "ingested by T" is "id at most W(T)" and "retracted by
// T" is "retraction seq at most S(T)": two binary searches, after which a
// read as of T costs what the same read now costs, plus the history
// family's entries in the window asked (storage::AsOf).
#ifndef ENTENTE_GRAPH_AS_OF_H_
#define ENTENTE_GRAPH_AS_OF_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace entente::graph {

// The bounds of what `view` knew at `micros` (since the Unix epoch, UTC):
// about 2 log2(statements) point reads.
absl::StatusOr<storage::AsOf> AsOfBounds(const storage::ReadView& view, int64_t micros);

// The time of the last commit `view` holds (its last statement's ingest or
// its last retraction); 0 if none. The Ingestor's clock starts there.
absl::StatusOr<int64_t> LastCommitMicros(const storage::ReadView& view);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_AS_OF_H_
