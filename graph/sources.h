// The distinct independent sources next to a query's counts (docs/claims.md):
// how many publishers stand behind an edge, a hop or a bucket, rather than
// how many statements.
#ifndef ENTENTE_GRAPH_SOURCES_H_
#define ENTENTE_GRAPH_SOURCES_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "model/types.h"
#include "storage/store.h"

namespace entente::graph {

// Numbers the independent sources (model::IndependentSourceOf) of
// statements: equal numbers, equal sources, exactly (no hashing). One per
// query: it reads each statement's record for its document, and each
// document once.
//
// Thread-safety: none; a query runs on one thread.
class SourceCounter {
 public:
  // `view` must outlive the counter.
  explicit SourceCounter(const storage::ReadView& view) : view_(view) {}

  absl::StatusOr<uint32_t> SourceOf(model::StatementId id);

 private:
  const storage::ReadView& view_;
  std::unordered_map<std::string, uint32_t> by_document_;
  std::unordered_map<std::string, uint32_t> numbers_;  // by source
};

// How many distinct numbers `ids` holds (sorts it).
uint64_t CountDistinct(std::vector<uint32_t>* ids);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_SOURCES_H_
