// Time-respecting paths: paths whose hops follow one another in time, in
// the four kinds of Wu et al. (PVLDB 2014, "Path problems in temporal
// graphs"). docs/queries.md, "Time-respecting paths", is the contract;
// in short:
//
// A statement s covers the days [first(s), last(s)] of its date's period (a
// month- or year-precision date stands for an unknown day in it). The
// path's clock starts at t_0 = start_day (or minus infinity); hop i may use
// s_i if last(s_i) >= t_{i-1}, and then happened on t_i = max(t_{i-1},
// first(s_i)), the earliest day it can have. With max_gap_days g, hops
// after the first also need first(s_i) - t_{i-1} <= g. departure = t_1,
// arrival = t_k, duration = arrival - departure.
//
// Like graph/analytics.h, the search runs on one ReadView, honours a
// StopFn, and charges its working set and its result to `memory`.
#ifndef ENTENTE_GRAPH_TEMPORAL_PATHS_H_
#define ENTENTE_GRAPH_TEMPORAL_PATHS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/analytics.h"
#include "graph/filter.h"
#include "graph/work_budget.h"
#include "model/types.h"
#include "storage/store.h"

namespace entente::graph {

// What a time-respecting path search optimises. Ties, in this order: fewer
// hops, earlier arrival, then the entity ids in lexicographic order.
enum class TemporalMode {
  kEarliestArrival = 0,  // the smallest arrival
  kLatestDeparture = 1,  // the largest departure
  kFastest = 2,          // the smallest duration
  kShortest = 3,         // the fewest hops (then the earliest arrival)
};

struct TemporalOptions {
  TemporalMode mode = TemporalMode::kEarliestArrival;
  // Day number (days since 1970-01-01) the clock starts at; none: no bound.
  std::optional<int32_t> start_day;
  // Most days between the days two consecutive hops used, >= 0; none: any.
  std::optional<int32_t> max_gap_days;
  // Search steps (states found, transitions and path extensions) before
  // the search gives up with ResourceExhausted: with a gap the problem is
  // NP-hard, and this bounds its cost where the memory budget does not.
  uint64_t max_work = 20'000'000;
};

// One statement that supports a hop on its used day, with its own date.
struct HopStatement {
  model::StatementId id = 0;
  model::Date date;
};

struct TemporalHop {
  model::EntityId from = 0;
  model::EntityId to = 0;
  int32_t day = 0;                       // the day the hop used (t_i)
  uint64_t count = 0;                    // statements that give this hop that day
  std::vector<HopStatement> statements;  // newest first, at most evidence_per_hop
};

struct TemporalPath {
  std::vector<model::EntityId> entities;  // from ... to
  std::vector<TemporalHop> hops;
  int32_t departure = 0;  // t_1
  int32_t arrival = 0;    // t_k
};

struct TemporalPathsResult {
  int distance = -1;  // hops of the paths; -1: no path within max_hops
  // The best path's (the first under the mode's order, which `paths` may
  // have cut): its departure, arrival and duration in days. The mode's
  // optimum is one of them (for kShortest, `distance`).
  int32_t departure = 0;
  int32_t arrival = 0;
  int32_t duration = 0;
  // Every path reaching the mode's optimum with the fewest hops among those
  // (kShortest: and the earliest arrival), in lexicographic order of their
  // ids, at most max_paths.
  std::vector<TemporalPath> paths;
};

// Appends the violations of `options`, each named as its field of
// FindPathsRequest: temporal_mode, max_gap_days (>= 0), start_date (within
// years 1..9999). The path limits are ValidatePathLimits'.
void ValidateTemporalOptions(const TemporalOptions& options,
                             std::vector<model::FieldViolation>* out);

// The time-respecting paths from `from` to `to` (from != to) of at most
// `max_hops` hops along `direction` (OUT actor->target, IN target->actor,
// BOTH either) whose every statement passes `filter`. InvalidArgument if
// ValidatePathLimits or ValidateTemporalOptions finds anything, or from ==
// to; ResourceExhausted,
// naming what to narrow, past `memory`'s budget or options.max_work.
// Expanding an entity at clock t reads only its index entries that can
// follow t: first day in [t - 365, t + max_gap_days] within the filter's
// window.
absl::StatusOr<TemporalPathsResult> FindTemporalPaths(
    const storage::ReadView& view, model::EntityId from, model::EntityId to,
    model::Direction direction, const CompiledFilter& filter, const TemporalOptions& options,
    int max_hops, int max_paths, int evidence_per_hop, const StopFn& stop,
    WorkLease* memory = nullptr);

// Time-respecting Traverse (docs/queries.md, "Time-respecting paths",
// "Traverse"): from `seeds` (distinct, existing ids) along `direction`,
// over time-respecting walks (entities may repeat) of at most max_depth
// hops whose statements pass `filter`, with the clock and gap above
// (options.mode does not matter: the answer is the same for all four).
// Each reached node has the fewest hops of such a walk and, unless a seed,
// the earliest day such a walk arrives (ReachedNode::arrival_day); without
// a gap both equal those of simple paths. An edge counts the statements
// that are the last hop of such a walk, its evidence their newest. Nodes
// come by depth, then id. The limits cut as Traverse's do (`truncated`);
// InvalidArgument if ValidateTemporalOptions finds anything,
// ResourceExhausted past `memory`'s budget or options.max_work. Reads an
// entity's index entries that can follow its clocks, as FindTemporalPaths.
absl::StatusOr<TraverseResult> TemporalTraverse(
    const storage::ReadView& view, const std::vector<model::EntityId>& seeds,
    model::Direction direction, const CompiledFilter& filter, const TemporalOptions& options,
    const TraverseLimits& limits, const StopFn& stop, WorkLease* memory = nullptr);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_TEMPORAL_PATHS_H_
