#include "graph/check.h"

#include <cmath>

#include "graph/taxonomy.h"

namespace entente::graph {

absl::StatusOr<storage::CheckReport> CheckStore(const storage::Store& store,
                                                size_t max_problems) {
  storage::CheckOptions options;
  options.max_problems = max_problems;
  // As graph::Ingestor files a statement in its summaries.
  options.classify = [](std::string_view code, uint8_t* root, int32_t* goldstein_x10) {
    *root = static_cast<uint8_t>(Taxonomy::RootIndex(code));
    *goldstein_x10 = static_cast<int32_t>(std::lround(Taxonomy::Get().GoldsteinOf(code) * 10));
  };
  return store.Check(options);
}

}  // namespace entente::graph
