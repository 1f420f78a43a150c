// QueryMaker: seeded random queries of every type for the comparisons of
// reference_check.h. Queries give every entity by id.
#ifndef ENTENTE_TESTS_GRAPH_QUERY_MAKER_H_
#define ENTENTE_TESTS_GRAPH_QUERY_MAKER_H_

#include <cstdint>
#include <random>
#include <vector>

#include "graph/filter.h"
#include "graph/reader.h"
#include "model/types.h"
#include "tests/graph/reference_graph.h"

namespace entente::graph {

// Makes random queries over the statements of a reference graph: entities
// often hubs, sometimes without statements (`isolated`), filters with
// windows (single days, bounds equal to statement dates, month and year
// precision), code prefixes, quad classes, confidences and modalities.
// Seeded, so a failing query comes back on the next run.
class QueryMaker {
 public:
  QueryMaker(const ReferenceGraph& ref, std::vector<model::EntityId> isolated, uint32_t seed);

  EdgeFilter Filter();
  model::EntityId Entity();
  // Default limits; CheckTraverse lifts them.
  TraverseQuery Traverse(int max_depth_cap);
  // Small max_nodes, max_edges and max_fanout, which often cut the answer.
  TraverseQuery LimitedTraverse();
  PathQuery Path(int max_hops_cap);
  TimelineQuery Timeline();
  StatementQuery List();
  int Profile(model::EntityId* entity);  // returns `top`

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  const RefStatement& AnyStatement();
  model::Date DateAt(int32_t day);
  model::Direction AnyDirection();

  const ReferenceGraph& ref_;
  std::vector<model::EntityId> isolated_;
  std::vector<model::EntityId> by_statements_;  // hubs first
  std::mt19937 rng_;
  int32_t min_day_ = 0;
  int32_t max_day_ = 0;
};

}  // namespace entente::graph

#endif  // ENTENTE_TESTS_GRAPH_QUERY_MAKER_H_
