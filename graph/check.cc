#include "graph/check.h"

#include "graph/ingestor.h"

namespace entente::graph {

absl::StatusOr<storage::CheckReport> CheckStore(const storage::Store& store,
                                                size_t max_problems) {
  storage::CheckOptions options;
  options.max_problems = max_problems;
  // The cell a statement counts in, as graph::Ingestor files it.
  options.classify = [](std::string_view code, uint8_t* root, int32_t* goldstein_x10) {
    const SummaryShare share = SummaryShareOf(code);
    *root = share.root;
    *goldstein_x10 = share.goldstein_x10;
  };
  auto window = LoadClaimWindow(store);
  if (!window.ok()) return window.status();
  options.claim_window = *window;
  return store.Check(options);
}

}  // namespace entente::graph
