// The analyst's questions over the graph: neighbourhoods (Traverse), paths
// (FindPaths), dyad timelines and entity profiles. Each runs on one
// ReadView (snapshot) and honours a StopFn for deadlines and cancellation.
//
// Each charges its working set and its result to `memory` as they grow
// (graph/work_budget.h) and fails with ResourceExhausted when the lease's
// budget cannot cover them. What it frees before returning it releases, so
// on return the lease holds what the result holds. Null: nothing is
// charged.
#ifndef ENTENTE_GRAPH_ANALYTICS_H_
#define ENTENTE_GRAPH_ANALYTICS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/filter.h"
#include "graph/sources.h"
#include "graph/work_budget.h"
#include "model/types.h"
#include "storage/store.h"

namespace entente::graph {

// ------------------------------------------------------------- Traverse

struct TraverseLimits {
  int max_depth = 2;          // 1..6
  int max_nodes = 1000;       // reached entities, seeds included
  int max_edges = 10000;      // aggregated (actor, target) edges
  int max_fanout = 1000;      // new neighbours taken per expanded node
  int evidence_per_edge = 3;  // newest statement ids kept per edge
};

struct ReachedNode {
  model::EntityId id = 0;
  int depth = 0;
  // Time-respecting traversals (graph/temporal_paths.h) only, not for
  // seeds: the earliest day a hop reached the node.
  std::optional<int32_t> arrival_day;
};

struct AggregatedEdge {
  model::EntityId actor = 0;
  model::EntityId target = 0;
  uint64_t count = 0;
  int32_t first_day = 0;
  int32_t last_day = 0;
  double goldstein_sum = 0;
  uint64_t classified = 0;  // statements with a CAMEO code (for the mean)
  std::vector<model::StatementId> evidence;  // newest first
  uint64_t sources = 0;  // distinct independent sources of the count; 0 if not counted
};

struct TraverseResult {
  std::vector<ReachedNode> nodes;     // by depth, then discovery order
  std::vector<AggregatedEdge> edges;  // by (actor, target)
  std::string truncated;              // the limit that cut it short, or empty
};

// Breadth first from `seeds` (distinct, existing ids) along `direction`.
// Expanding a node scans only its statements inside the filter's window.
// With `sources` (for `view`), each edge's distinct independent sources are
// counted too, from every followed statement (never from summaries).
absl::StatusOr<TraverseResult> Traverse(const storage::ReadView& view,
                                        const std::vector<model::EntityId>& seeds,
                                        model::Direction direction, const CompiledFilter& filter,
                                        const TraverseLimits& limits, const StopFn& stop,
                                        WorkLease* memory = nullptr,
                                        SourceCounter* sources = nullptr);

// Adds one followed statement (its index entry) to `edge` as Traverse
// does: its count, first and last day, Goldstein sum and classified count.
// Evidence and sources are the caller's.
void CountStatement(const model::EdgeEntry& e, AggregatedEdge* edge);

// ------------------------------------------------------------ FindPaths

struct PathHop {
  model::EntityId from = 0;
  model::EntityId to = 0;
  uint64_t count = 0;                          // statements supporting the hop
  std::vector<model::StatementId> statements;  // newest first, at most the evidence limit
  uint64_t sources = 0;  // distinct independent sources of the count; 0 if not counted
  // Time-respecting paths (graph/temporal_paths.h) only: the day the hop
  // used; `count` and `statements` are then those that give it that day.
  std::optional<int32_t> used_day;
};

// A time-respecting path's first and last used days.
struct PathSpan {
  int32_t departure = 0;
  int32_t arrival = 0;
};

struct PathsResult {
  int distance = -1;  // -1: no path within max_hops
  std::vector<std::vector<model::EntityId>> paths;  // each from ... to
  std::vector<std::vector<PathHop>> hops;           // per path
  // Time-respecting paths only: each path's span, and the best path's
  // (graph/temporal_paths.h, TemporalPathsResult).
  std::vector<PathSpan> spans;
  std::optional<PathSpan> best;
};

// Appends the violations of a path search's limits, each naming its field:
// max_hops (1..6), max_paths and evidence_per_hop (1..100).
void ValidatePathLimits(int max_hops, int max_paths, int evidence_per_hop,
                        std::vector<model::FieldViolation>* out);

// Shortest paths from `from` to `to` (from != to) of at most `max_hops`
// hops, at most `max_paths` of them in lexicographic order of their ids.
// OUT follows actor->target, IN target->actor, BOTH either. Searches from
// both ends at once, expanding the smaller frontier. With `sources`, each
// hop's distinct independent sources are counted too.
absl::StatusOr<PathsResult> FindPaths(const storage::ReadView& view, model::EntityId from,
                                      model::EntityId to, model::Direction direction,
                                      const CompiledFilter& filter, int max_hops, int max_paths,
                                      int evidence_per_hop, const StopFn& stop,
                                      WorkLease* memory = nullptr,
                                      SourceCounter* sources = nullptr);

// ------------------------------------------------------------- Timeline

enum class Granularity { kDay, kWeek, kMonth, kYear };

struct TimelineBucket {
  int32_t start_day = 0;
  uint64_t total = 0;
  std::array<uint64_t, 5> by_quad{};  // index: QuadClass (0 unclassified)
  double goldstein_sum = 0;
  uint64_t classified = 0;
  uint64_t a_to_b = 0;
  uint64_t b_to_a = 0;
  uint64_t sources = 0;  // distinct independent sources of the total; 0 if not counted
};

// First day of the bucket holding `day` (weeks start on Monday).
int32_t BucketStart(int32_t day, Granularity g);

// Buckets of every statement between a and b (both directions) that passes
// the filter, oldest first; with `sources`, each bucket's distinct
// independent sources too.
absl::StatusOr<std::vector<TimelineBucket>> RelationTimeline(const storage::ReadView& view,
                                                             model::EntityId a, model::EntityId b,
                                                             const CompiledFilter& filter,
                                                             Granularity g, const StopFn& stop,
                                                             WorkLease* memory = nullptr,
                                                             SourceCounter* sources = nullptr);

// -------------------------------------------------------------- Profile

struct CounterpartCount {
  model::EntityId id = 0;
  uint64_t out_count = 0;
  uint64_t in_count = 0;
  uint64_t sources = 0;  // distinct independent sources of out+in; 0 if not counted
};

struct EntityProfile {
  uint64_t out_statements = 0;
  uint64_t in_statements = 0;
  uint64_t out_degree = 0;
  uint64_t in_degree = 0;
  std::optional<int32_t> first_day;
  std::optional<int32_t> last_day;
  std::vector<CounterpartCount> top;  // by out+in desc, then id
  std::array<uint64_t, 5> by_quad{};  // both directions
  uint64_t sources = 0;               // distinct independent sources of all; 0 if not counted
};

// From the summaries: reads one cell per (counterpart, root, month), never
// the statements. With `sources`, it then also reads every statement of the
// entity (both index directions, the whole history) and its document, to
// count the distinct independent sources of the entity and of each of the
// `top` counterparts: a cost of the entity's statements, not its cells.
absl::StatusOr<EntityProfile> Profile(const storage::ReadView& view, model::EntityId entity,
                                      int top, const StopFn& stop, WorkLease* memory = nullptr,
                                      SourceCounter* sources = nullptr);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_ANALYTICS_H_
