#include "graph/analytics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "graph/taxonomy.h"

namespace entente::graph {
namespace {

// How often (in index entries and expanded nodes) a query looks at the StopFn.
constexpr int kStopCheckEvery = 1024;

absl::Status Stopped() {
  return absl::DeadlineExceededError("deadline exceeded or call cancelled");
}

// Asks the StopFn at a query's first step and then every kStopCheckEvery
// steps, counted over the whole query. (A count restarted per scan never
// reached the next check on a traversal of many nodes with few statements
// each, and a stop that had already fired went unseen on small queries.)
class StopCheck {
 public:
  explicit StopCheck(const StopFn& stop) : stop_(stop) {}
  // True once the StopFn has fired.
  bool Step() {
    if (!stop_ || --until_check_ > 0) return false;
    until_check_ = kStopCheckEvery;
    return stop_();
  }

 private:
  const StopFn& stop_;
  int until_check_ = 1;
};

// One statement seen from `node`: the other end, and whether `node` is its
// actor (forward) or its target.
struct Step {
  const model::EdgeEntry* entry;
  model::EntityId other;
  bool forward;
};

// Visits the statements of `node` that pass `filter`, out-edges first, each
// scan newest first, until `visit` returns false. Returns Stopped() if
// `stop` fires.
absl::Status ForEachStep(const storage::ReadView& view, model::EntityId node,
                         model::Direction direction, const CompiledFilter& filter, StopCheck* stop,
                         const std::function<bool(const Step&)>& visit) {
  if (stop->Step()) return Stopped();  // a node without statements is a step too
  for (auto dir : {model::Direction::kOut, model::Direction::kIn}) {
    if (direction != model::Direction::kBoth && direction != dir) continue;
    storage::EdgeScan scan;
    scan.direction = dir;
    scan.entity = node;
    scan.day_lo = filter.day_lo();
    scan.day_hi = filter.day_hi();
    auto it = view.ScanEdges(scan);
    for (; it->Valid(); it->Next()) {
      if (stop->Step()) return Stopped();
      const model::EdgeEntry& e = it->entry();
      if (!filter.Matches(e)) continue;
      if (!visit(Step{&e, e.counterpart, dir == model::Direction::kOut})) return it->status();
    }
    if (absl::Status s = it->status(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

double Goldstein(const std::string& code) { return Taxonomy::Get().GoldsteinOf(code); }

bool Classified(const std::string& code) { return Taxonomy::Get().Find(code) != nullptr; }

// Quad class (0 unclassified) of a summary's root index 1..20.
int QuadIndexOfRoot(uint8_t root) {
  if (root == 0) return 0;
  const char code[3] = {static_cast<char>('0' + root / 10), static_cast<char>('0' + root % 10), 0};
  return static_cast<int>(Taxonomy::Get().QuadOf(code));
}

}  // namespace

// ------------------------------------------------------------- Traverse

namespace {

// What one expansion follows: one statement (from the index) or one summary
// cell (every statement with one counterpart, CAMEO root and month).
struct Delta {
  model::EntityId other;
  bool forward;  // the expanded node is the actor
  uint64_t count;
  int32_t first_day;
  int32_t last_day;
  double goldstein_sum;
  uint64_t classified;
  model::StatementId statement;  // 0 for a cell
};

using DeltaFn = std::function<bool(const Delta&)>;

absl::Status ExpandFromIndex(const storage::ReadView& view, model::EntityId u,
                             model::Direction direction, const CompiledFilter& filter,
                             StopCheck* stop, const DeltaFn& visit) {
  return ForEachStep(view, u, direction, filter, stop, [&](const Step& step) {
    const model::EdgeEntry& e = *step.entry;
    const bool classified = Classified(e.cameo_code);
    return visit(Delta{step.other, step.forward, 1, e.day, e.day,
                       classified ? Goldstein(e.cameo_code) : 0, classified ? 1u : 0u,
                       e.statement});
  });
}

// A hub's statements over whole months come from its summary cells: one
// read per (counterpart, root, month) instead of one per statement. The
// cells of a node are added up per counterpart and visited most recent
// first, as the index path meets them, so max_fanout keeps the same kind of
// neighbours either way.
absl::Status ExpandFromSummaries(const storage::ReadView& view, model::EntityId u,
                                 model::Direction direction,
                                 const CompiledFilter::ForCells& cells, StopCheck* stop,
                                 const DeltaFn& visit) {
  if (stop->Step()) return Stopped();
  std::map<std::pair<model::EntityId, bool>, Delta> per_counterpart;
  for (auto dir : {model::Direction::kOut, model::Direction::kIn}) {
    if (direction != model::Direction::kBoth && direction != dir) continue;
    bool stopped = false;
    const bool forward = dir == model::Direction::kOut;
    const uint8_t which = forward ? storage::kSummaryOut : storage::kSummaryIn;
    absl::Status s = view.ScanSummaries(u, which, [&](const storage::SummaryCell& c) {
      if (stop->Step()) return !(stopped = true);
      if (c.month < cells.month_lo || c.month > cells.month_hi || !cells.roots[c.root]) return true;
      auto [it, fresh] = per_counterpart.try_emplace(
          {c.counterpart, forward}, Delta{c.counterpart, forward, 0, c.first_day, c.last_day, 0, 0, 0});
      Delta& d = it->second;
      d.count += c.count;
      d.first_day = std::min(d.first_day, c.first_day);
      d.last_day = std::max(d.last_day, c.last_day);
      d.goldstein_sum += c.goldstein_x10 / 10.0;
      d.classified += c.root != 0 ? c.count : 0;
      return true;
    });
    if (stopped) return Stopped();
    if (!s.ok()) return s;
  }
  std::vector<Delta> order;
  order.reserve(per_counterpart.size());
  for (auto& [key, d] : per_counterpart) order.push_back(d);
  std::stable_sort(order.begin(), order.end(), [](const Delta& a, const Delta& b) {
    return a.last_day != b.last_day ? a.last_day > b.last_day : a.other > b.other;
  });
  for (const Delta& d : order) {
    if (!visit(d)) break;
  }
  return absl::OkStatus();
}

// The newest statements of an edge that pass the filter, for edges built
// from summary cells.
absl::Status FillEvidence(const storage::ReadView& view, const CompiledFilter& filter, int limit,
                          AggregatedEdge* edge) {
  storage::EdgeScan scan;
  scan.entity = edge->actor;
  scan.pair_with = edge->target;
  scan.day_lo = filter.day_lo();
  scan.day_hi = filter.day_hi();
  auto it = view.ScanEdges(scan);
  for (; it->Valid() && static_cast<int>(edge->evidence.size()) < limit; it->Next()) {
    const model::EdgeEntry& e = it->entry();
    if (e.counterpart == edge->actor && filter.Matches(e)) edge->evidence.push_back(e.statement);
  }
  return it->status();
}

}  // namespace

absl::StatusOr<TraverseResult> Traverse(const storage::ReadView& view,
                                        const std::vector<model::EntityId>& seeds,
                                        model::Direction direction, const CompiledFilter& filter,
                                        const TraverseLimits& limits, const StopFn& stop) {
  TraverseResult out;
  std::unordered_map<model::EntityId, int> depth;
  std::map<std::pair<model::EntityId, model::EntityId>, AggregatedEdge> edges;
  // With BOTH, a statement between two expanded nodes is seen from each end:
  // it is taken from whichever was expanded first.
  std::unordered_set<model::EntityId> expanded;
  std::vector<model::EntityId> frontier;
  StopCheck check(stop);
  const std::optional<CompiledFilter::ForCells> cells = filter.ForSummaries();
  auto note = [&](const char* limit) {
    if (out.truncated.empty()) out.truncated = limit;
  };
  for (auto s : seeds) {
    if (depth.count(s)) continue;
    // Seeds count towards max_nodes too: more seeds than that are cut.
    if (static_cast<int>(out.nodes.size()) >= limits.max_nodes) {
      note("max_nodes");
      break;
    }
    depth.emplace(s, 0);
    out.nodes.push_back({s, 0});
    frontier.push_back(s);
  }
  for (int d = 0; d < limits.max_depth && !frontier.empty(); ++d) {
    std::vector<model::EntityId> next;
    for (model::EntityId u : frontier) {
      int taken = 0;
      auto visit = [&](const Delta& x) {
        if (direction == model::Direction::kBoth &&
            (expanded.count(x.other) || (x.other == u && !x.forward))) {
          return true;  // counted from the other end, or the self-loop's out side
        }
        auto it = depth.find(x.other);
        if (it == depth.end()) {
          if (taken >= limits.max_fanout) return note("max_fanout"), true;
          if (static_cast<int>(out.nodes.size()) >= limits.max_nodes) {
            return note("max_nodes"), true;
          }
          it = depth.emplace(x.other, d + 1).first;
          out.nodes.push_back({x.other, d + 1});
          next.push_back(x.other);
          ++taken;
        }
        const auto key = x.forward ? std::pair{u, x.other} : std::pair{x.other, u};
        auto e = edges.find(key);
        if (e == edges.end()) {
          if (static_cast<int>(edges.size()) >= limits.max_edges) return note("max_edges"), true;
          e = edges.emplace(key, AggregatedEdge{key.first, key.second, 0, x.first_day, x.last_day,
                                                0, 0, {}})
                  .first;
        }
        AggregatedEdge& agg = e->second;
        agg.count += x.count;
        agg.first_day = std::min(agg.first_day, x.first_day);
        agg.last_day = std::max(agg.last_day, x.last_day);
        agg.goldstein_sum += x.goldstein_sum;
        agg.classified += x.classified;
        if (x.statement != 0 && static_cast<int>(agg.evidence.size()) < limits.evidence_per_edge) {
          agg.evidence.push_back(x.statement);
        }
        return true;
      };
      absl::Status s = cells ? ExpandFromSummaries(view, u, direction, *cells, &check, visit)
                             : ExpandFromIndex(view, u, direction, filter, &check, visit);
      if (!s.ok()) return s;
      expanded.insert(u);
    }
    frontier = std::move(next);
  }
  // Evidence is newest first: from the index, every statement of an edge is
  // taken in the (newest-first) scan of whichever endpoint was expanded
  // first; from summaries, it is read afterwards, per edge.
  for (auto& [key, e] : edges) {
    if (cells && limits.evidence_per_edge > 0) {
      if (check.Step()) return Stopped();
      if (absl::Status s = FillEvidence(view, filter, limits.evidence_per_edge, &e); !s.ok()) {
        return s;
      }
    }
    out.edges.push_back(std::move(e));
  }
  return out;
}

// ------------------------------------------------------------ FindPaths

namespace {

// One side of a bidirectional search: distances from its end and, per
// node, the nodes one step closer to that end.
struct Side {
  model::EntityId start;
  model::Direction direction;  // the direction this side expands in
  std::unordered_map<model::EntityId, int> dist;
  std::unordered_map<model::EntityId, std::vector<model::EntityId>> parents;
  std::vector<model::EntityId> frontier;
  int depth = 0;
};

model::Direction Reverse(model::Direction d) {
  if (d == model::Direction::kOut) return model::Direction::kIn;
  if (d == model::Direction::kIn) return model::Direction::kOut;
  return d;
}

absl::Status ExpandLevel(const storage::ReadView& view, const CompiledFilter& filter,
                         StopCheck* stop, Side* side) {
  std::vector<model::EntityId> next;
  const int d = side->depth + 1;
  for (model::EntityId u : side->frontier) {
    absl::Status s = ForEachStep(view, u, side->direction, filter, stop, [&](const Step& step) {
      auto [it, inserted] = side->dist.emplace(step.other, d);
      if (inserted) next.push_back(step.other);
      if (it->second == d) {
        auto& p = side->parents[step.other];
        if (p.empty() || p.back() != u) p.push_back(u);
      }
      return true;
    });
    if (!s.ok()) return s;
  }
  for (auto& v : next) {
    auto& p = side->parents[v];
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end()), p.end());
  }
  side->frontier = std::move(next);
  side->depth = d;
  return absl::OkStatus();
}

// The statements of hop from->to that the search could have used.
absl::StatusOr<PathHop> HopEvidence(const storage::ReadView& view, model::EntityId from,
                                    model::EntityId to, model::Direction direction,
                                    const CompiledFilter& filter, int limit) {
  PathHop hop{from, to, 0, {}};
  storage::EdgeScan scan;
  scan.entity = from;
  scan.pair_with = to;
  scan.day_lo = filter.day_lo();
  scan.day_hi = filter.day_hi();
  auto it = view.ScanEdges(scan);
  for (; it->Valid(); it->Next()) {
    const model::EdgeEntry& e = it->entry();
    const bool forward = e.counterpart == from;  // counterpart is the actor
    if (direction == model::Direction::kOut && !forward) continue;
    if (direction == model::Direction::kIn && forward) continue;
    if (!filter.Matches(e)) continue;
    ++hop.count;
    if (static_cast<int>(hop.statements.size()) < limit) hop.statements.push_back(e.statement);
  }
  if (absl::Status s = it->status(); !s.ok()) return s;
  return hop;
}

}  // namespace

absl::StatusOr<PathsResult> FindPaths(const storage::ReadView& view, model::EntityId from,
                                      model::EntityId to, model::Direction direction,
                                      const CompiledFilter& filter, int max_hops, int max_paths,
                                      int evidence_per_hop, const StopFn& stop) {
  PathsResult out;
  Side fwd{from, direction, {{from, 0}}, {}, {from}, 0};
  Side bwd{to, Reverse(direction), {{to, 0}}, {}, {to}, 0};
  std::vector<model::EntityId> meet;
  StopCheck check(stop);
  while (fwd.depth + bwd.depth < max_hops && !fwd.frontier.empty() && !bwd.frontier.empty()) {
    Side& side = fwd.frontier.size() <= bwd.frontier.size() ? fwd : bwd;
    Side& other = &side == &fwd ? bwd : fwd;
    if (absl::Status s = ExpandLevel(view, filter, &check, &side); !s.ok()) return s;
    int best = INT32_MAX;
    for (model::EntityId v : side.frontier) {
      auto it = other.dist.find(v);
      if (it != other.dist.end()) best = std::min(best, side.depth + it->second);
    }
    if (best == INT32_MAX) continue;
    out.distance = best;
    for (model::EntityId v : side.frontier) {
      auto it = other.dist.find(v);
      if (it != other.dist.end() && side.depth + it->second == best) meet.push_back(v);
    }
    break;
  }
  if (out.distance < 0) return out;

  // The DAG of shortest paths: successors toward `to`, from both parent maps.
  std::unordered_map<model::EntityId, std::vector<model::EntityId>> succ;
  std::unordered_set<model::EntityId> done_f, done_b;
  std::vector<model::EntityId> stack(meet.begin(), meet.end());
  while (!stack.empty()) {  // forward half: parents point back toward `from`
    model::EntityId v = stack.back();
    stack.pop_back();
    if (!done_f.insert(v).second) continue;
    for (model::EntityId p : fwd.parents[v]) {
      succ[p].push_back(v);
      stack.push_back(p);
    }
  }
  stack.assign(meet.begin(), meet.end());
  while (!stack.empty()) {  // backward half: parents point on toward `to`
    model::EntityId v = stack.back();
    stack.pop_back();
    if (!done_b.insert(v).second) continue;
    for (model::EntityId p : bwd.parents[v]) {
      succ[v].push_back(p);
      stack.push_back(p);
    }
  }
  for (auto& [v, s] : succ) {
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
  }
  // Lexicographic depth-first enumeration, stopping at max_paths.
  std::vector<model::EntityId> path = {from};
  std::function<void()> dfs = [&] {
    if (static_cast<int>(out.paths.size()) >= max_paths) return;
    const model::EntityId v = path.back();
    if (static_cast<int>(path.size()) - 1 == out.distance) {
      if (v == to) out.paths.push_back(path);
      return;
    }
    for (model::EntityId n : succ[v]) {
      path.push_back(n);
      dfs();
      path.pop_back();
    }
  };
  dfs();
  for (const auto& p : out.paths) {
    std::vector<PathHop> hops;
    for (size_t i = 0; i + 1 < p.size(); ++i) {
      auto hop = HopEvidence(view, p[i], p[i + 1], direction, filter, evidence_per_hop);
      if (!hop.ok()) return hop.status();
      hops.push_back(std::move(*hop));
    }
    out.hops.push_back(std::move(hops));
  }
  return out;
}

// ------------------------------------------------------------- Timeline

int32_t BucketStart(int32_t day, Granularity g) {
  switch (g) {
    case Granularity::kDay:
      return day;
    case Granularity::kWeek: {
      // 1970-01-01 was a Thursday: day 4 after the Monday before it.
      const int32_t since_monday = ((day + 3) % 7 + 7) % 7;
      return day - since_monday;
    }
    case Granularity::kMonth: {
      const model::Date d = model::DateOfDay(day);
      return model::DaysFromCivil(d.year, d.month, 1);
    }
    case Granularity::kYear:
      return model::DaysFromCivil(model::DateOfDay(day).year, 1, 1);
  }
  return day;
}

absl::StatusOr<std::vector<TimelineBucket>> RelationTimeline(const storage::ReadView& view,
                                                             model::EntityId a, model::EntityId b,
                                                             const CompiledFilter& filter,
                                                             Granularity g, const StopFn& stop) {
  std::map<int32_t, TimelineBucket> buckets;
  storage::EdgeScan scan;
  scan.entity = a;
  scan.pair_with = b;
  scan.day_lo = filter.day_lo();
  scan.day_hi = filter.day_hi();
  scan.newest_first = false;
  StopCheck check(stop);
  if (check.Step()) return Stopped();
  auto it = view.ScanEdges(scan);
  for (; it->Valid(); it->Next()) {
    if (check.Step()) return Stopped();
    const model::EdgeEntry& e = it->entry();
    if (!filter.Matches(e)) continue;
    const int32_t start = BucketStart(e.day, g);
    TimelineBucket& bucket = buckets[start];
    bucket.start_day = start;
    ++bucket.total;
    ++bucket.by_quad[static_cast<int>(Taxonomy::Get().QuadOf(e.cameo_code))];
    if (Classified(e.cameo_code)) {
      bucket.goldstein_sum += Goldstein(e.cameo_code);
      ++bucket.classified;
    }
    ++(e.counterpart == a ? bucket.a_to_b : bucket.b_to_a);
  }
  if (absl::Status s = it->status(); !s.ok()) return s;
  std::vector<TimelineBucket> out;
  for (auto& [start, bucket] : buckets) out.push_back(bucket);
  return out;
}

// -------------------------------------------------------------- Profile

absl::StatusOr<EntityProfile> Profile(const storage::ReadView& view, model::EntityId entity,
                                      int top) {
  EntityProfile p;
  std::unordered_map<model::EntityId, CounterpartCount> counts;
  for (uint8_t dir : {storage::kSummaryOut, storage::kSummaryIn}) {
    absl::Status s = view.ScanSummaries(entity, dir, [&](const storage::SummaryCell& c) {
      CounterpartCount& cc = counts[c.counterpart];
      cc.id = c.counterpart;
      (dir == storage::kSummaryOut ? cc.out_count : cc.in_count) += c.count;
      (dir == storage::kSummaryOut ? p.out_statements : p.in_statements) += c.count;
      p.first_day = std::min(p.first_day.value_or(c.first_day), c.first_day);
      p.last_day = std::max(p.last_day.value_or(c.last_day), c.last_day);
      // A self-loop is one statement in both directions: count it once.
      if (dir == storage::kSummaryOut || c.counterpart != entity) {
        p.by_quad[QuadIndexOfRoot(c.root)] += c.count;
      }
      return true;
    });
    if (!s.ok()) return s;
  }
  for (const auto& [id, cc] : counts) {
    p.out_degree += cc.out_count > 0;
    p.in_degree += cc.in_count > 0;
    p.top.push_back(cc);
  }
  std::sort(p.top.begin(), p.top.end(), [](const CounterpartCount& x, const CounterpartCount& y) {
    const uint64_t tx = x.out_count + x.in_count, ty = y.out_count + y.in_count;
    return tx != ty ? tx > ty : x.id < y.id;
  });
  if (static_cast<int>(p.top.size()) > top) p.top.resize(top);
  return p;
}

}  // namespace entente::graph
