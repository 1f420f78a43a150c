#include "graph/analytics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "graph/stop_check.h"
#include "graph/validate.h"
#include "graph/taxonomy.h"

namespace entente::graph {
namespace {

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

// One statement as an expansion follows it.
Delta DeltaOf(const model::EdgeEntry& e, bool forward) {
  const bool classified = Classified(e.cameo_code);
  const double goldstein = classified ? Goldstein(e.cameo_code) : 0;
  return Delta{e.counterpart,        forward,    1, e.day, e.day, goldstein,
               classified ? 1u : 0u, e.statement};
}

// Adds what `x` followed to its edge (evidence and sources are the caller's).
void Accumulate(const Delta& x, AggregatedEdge* agg) {
  if (agg->count == 0) agg->first_day = x.first_day, agg->last_day = x.last_day;
  agg->count += x.count;
  agg->first_day = std::min(agg->first_day, x.first_day);
  agg->last_day = std::max(agg->last_day, x.last_day);
  agg->goldstein_sum += x.goldstein_sum;
  agg->classified += x.classified;
}

absl::Status ExpandFromIndex(const storage::ReadView& view, model::EntityId u,
                             model::Direction direction, const CompiledFilter& filter,
                             StopCheck* stop, const DeltaFn& visit) {
  return ForEachStep(view, u, direction, filter, stop,
                     [&](const Step& step) { return visit(DeltaOf(*step.entry, step.forward)); });
}

// An aggregated edge's (actor, target), and its hash: noexcept and cheap,
// so that std::unordered_map keeps no hash code per entry (the charge below
// counts none).
using EdgeKey = std::pair<model::EntityId, model::EntityId>;
struct EdgeKeyHash {
  size_t operator()(const EdgeKey& k) const noexcept {
    return static_cast<size_t>((k.first * 0x9E3779B97F4A7C15ull) ^ k.second);
  }
};

// What a Traverse holds per element (graph/work_budget.h for the model).
// A reached node: its depth entry, its place in the result and in a
// frontier; an expanded node: its entry in `expanded`.
constexpr size_t kNodeScratchBytes =
    HashEntryBytes<std::pair<const model::EntityId, int>>() + GrownVectorBytes<model::EntityId>();
constexpr size_t kNodeResultBytes = GrownVectorBytes<ReachedNode>();
constexpr size_t kExpandedBytes = HashEntryBytes<model::EntityId>();
// An edge: its hash entry and bucket during the search and its pointer in
// Finish's sort, then its place in the result (reserved exactly); its
// evidence is charged as its vector grows.
constexpr size_t kEdgeScratchBytes =
    HashEntryBytes<std::pair<const EdgeKey, AggregatedEdge>>() + 2 * sizeof(void*);
constexpr size_t kEdgeResultBytes = sizeof(AggregatedEdge);
// With sources counted: an edge's entry in edge_sources_ (its numbers are
// charged as they grow).
constexpr size_t kEdgeSourcesBytes =
    HashEntryBytes<std::pair<const EdgeKey, std::vector<uint32_t>>>();
// One counterpart of a node expanded from summaries: its place in the
// visiting order.
constexpr size_t kCounterpartBytes = GrownVectorBytes<Delta>();

// The heap a vector of T takes at `capacity`.
template <typename T>
size_t VectorHeapBytes(size_t capacity) {
  return capacity == 0 ? 0 : HeapBytes(capacity * sizeof(T));
}
size_t IdVectorBytes(size_t capacity) { return VectorHeapBytes<model::StatementId>(capacity); }

// Appends `id` to `ids`, charging `memory` (a WorkLease or ScratchCharge)
// when the vector reallocates.
template <typename T, typename Charger>
absl::Status PushId(T id, std::vector<T>* ids, Charger* memory) {
  const size_t before = ids->capacity();
  ids->push_back(id);
  if (ids->capacity() == before) return absl::OkStatus();
  const size_t grown = VectorHeapBytes<T>(ids->capacity()) - VectorHeapBytes<T>(before);
  return memory->Charge(grown);
}

// Adds the source of `statement` to `ids`, charging the growth to `memory`.
template <typename Charger>
absl::Status AddSource(SourceCounter* sources, model::StatementId statement,
                       std::vector<uint32_t>* ids, Charger* memory) {
  auto n = sources->SourceOf(statement);
  if (!n.ok()) return n.status();
  return PushId(*n, ids, memory);
}

// A hub's statements over whole months come from its summary cells: one
// read per (counterpart, root, month) instead of one per statement. The
// cells of a node are added up per counterpart and visited most recent
// first, as the index path meets them, so max_fanout keeps the same kind of
// neighbours either way.
absl::Status ExpandFromSummaries(const storage::ReadView& view, model::EntityId u,
                                 model::Direction direction, const CompiledFilter::ForCells& cells,
                                 StopCheck* stop, WorkLease* memory, const DeltaFn& visit) {
  if (stop->Step()) return Stopped();
  ScratchCharge scratch(memory);
  // A node's cells come in key order (summaries: entity | dir | counterpart
  // | root | month), so one counterpart's cells of one direction are
  // adjacent and add up into the last Delta. A group's come member by
  // member (storage::ReadView::ScanSummaries): their Deltas are found by
  // counterpart.
  std::vector<Delta> order;
  std::unordered_map<model::EntityId, size_t> grouped;  // counterpart -> its Delta
  for (auto dir : {model::Direction::kOut, model::Direction::kIn}) {
    if (direction != model::Direction::kBoth && direction != dir) continue;
    bool stopped = false;
    absl::Status charged;
    const bool forward = dir == model::Direction::kOut;
    const uint8_t which = forward ? storage::kSummaryOut : storage::kSummaryIn;
    const size_t first = order.size();
    grouped.clear();
    absl::Status s = view.ScanSummaries(u, which, [&](const storage::SummaryCell& c) {
      if (stop->Step()) return !(stopped = true);
      if (c.month < cells.month_lo || c.month > cells.month_hi || !cells.roots[c.root]) return true;
      size_t at = order.size() - 1;
      if (order.size() == first || order.back().other != c.counterpart) {
        auto found = view.groups() != nullptr ? grouped.find(c.counterpart) : grouped.end();
        if (found != grouped.end()) {
          at = found->second;
        } else {
          if (charged = scratch.Charge(kCounterpartBytes); !charged.ok()) return false;
          order.push_back(Delta{c.counterpart, forward, 0, c.first_day, c.last_day, 0, 0, 0});
          at = order.size() - 1;
          if (view.groups() != nullptr) grouped.emplace(c.counterpart, at);
        }
      }
      Delta& d = order[at];
      d.count += c.count;
      d.first_day = std::min(d.first_day, c.first_day);
      d.last_day = std::max(d.last_day, c.last_day);
      d.goldstein_sum += c.goldstein_x10 / 10.0;
      d.classified += c.root != 0 ? c.count : 0;
      return true;
    });
    if (stopped) return Stopped();
    if (!charged.ok()) return charged;
    if (!s.ok()) return s;
  }
  // Newest first; a counterpart met both ways (kBoth) gives its incoming
  // side first.
  std::sort(order.begin(), order.end(), [](const Delta& a, const Delta& b) {
    if (a.last_day != b.last_day) return a.last_day > b.last_day;
    if (a.other != b.other) return a.other > b.other;
    return a.forward < b.forward;
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

// One Traverse call: the breadth-first search, level by level, and what it
// has charged. The search state is scratch, released when the Traversal is
// destroyed; the result stays charged to the caller's lease.
class Traversal {
 public:
  Traversal(const storage::ReadView& view, model::Direction direction, const CompiledFilter& filter,
            const TraverseLimits& limits, const StopFn& stop, WorkLease* memory,
            SourceCounter* sources)
      : view_(view),
        direction_(direction),
        filter_(filter),
        limits_(limits),
        sources_(sources),
        // Summary cells know no statements, hence no sources, and only the
        // present, hence nothing as of an instant. An edge built from cells
        // reads its evidence from its pair, which costs a whole group's
        // statements under roll-up: a rolled-up traversal reads the index.
        cells_(sources != nullptr || view.IndexOnly() ||
                       (view.groups() != nullptr && view.groups()->Large())
                   ? std::nullopt
                   : filter.ForSummaries()),
        check_(stop),
        memory_(memory != nullptr ? memory : &unlimited_),
        scratch_(memory_) {}

  absl::Status AddSeeds(const std::vector<model::EntityId>& seeds);
  // Expands the frontier level by level up to max_depth.
  absl::Status Run();
  // Moves the edges into the result, reading the evidence of edges built
  // from summaries.
  absl::StatusOr<TraverseResult> Finish();

 private:
  absl::Status Expand(model::EntityId u, int d, std::vector<model::EntityId>* next);
  // Follows one statement or cell from `u` at depth `d`. False stops the
  // expansion of `u`: a charge failed, and status_ says why.
  bool Follow(model::EntityId u, int d, const Delta& x, int* taken,
              std::vector<model::EntityId>* next);
  // Charges a new node's or edge's scratch and result share.
  bool ChargeElement(size_t scratch, size_t result);
  void Note(const char* limit) {
    if (out_.truncated.empty()) out_.truncated = limit;
  }

  const storage::ReadView& view_;
  const model::Direction direction_;
  const CompiledFilter& filter_;
  const TraverseLimits& limits_;
  SourceCounter* const sources_;  // null: not counted
  const std::optional<CompiledFilter::ForCells> cells_;
  StopCheck check_;
  WorkLease unlimited_;  // when the caller gave no lease
  WorkLease* const memory_;
  ScratchCharge scratch_;  // before the containers: released after they are freed
  absl::Status status_;    // the charge that failed
  TraverseResult out_;
  std::unordered_map<model::EntityId, int> depth_;
  // By (actor, target); Finish puts them in that order.
  std::unordered_map<EdgeKey, AggregatedEdge, EdgeKeyHash> edges_;
  // With sources_: each edge's source numbers, repeats included.
  std::unordered_map<EdgeKey, std::vector<uint32_t>, EdgeKeyHash> edge_sources_;
  // With BOTH, a statement between two expanded nodes is seen from each end:
  // it is taken from whichever was expanded first.
  std::unordered_set<model::EntityId> expanded_;
  std::vector<model::EntityId> frontier_;
};

absl::Status Traversal::AddSeeds(const std::vector<model::EntityId>& seeds) {
  for (auto s : seeds) {
    if (depth_.count(s)) continue;
    // Seeds count towards max_nodes too: more seeds than that are cut.
    if (static_cast<int>(out_.nodes.size()) >= limits_.max_nodes) {
      Note("max_nodes");
      break;
    }
    if (!ChargeElement(kNodeScratchBytes, kNodeResultBytes)) return status_;
    depth_.emplace(s, 0);
    out_.nodes.push_back({s, 0});
    frontier_.push_back(s);
  }
  return absl::OkStatus();
}

absl::Status Traversal::Run() {
  for (int d = 0; d < limits_.max_depth && !frontier_.empty(); ++d) {
    std::vector<model::EntityId> next;
    for (model::EntityId u : frontier_) {
      if (absl::Status s = Expand(u, d, &next); !s.ok()) return s;
    }
    frontier_ = std::move(next);
  }
  return absl::OkStatus();
}

absl::Status Traversal::Expand(model::EntityId u, int d, std::vector<model::EntityId>* next) {
  int taken = 0;
  const DeltaFn visit = [&](const Delta& x) { return Follow(u, d, x, &taken, next); };
  absl::Status s = cells_
                       ? ExpandFromSummaries(view_, u, direction_, *cells_, &check_, memory_, visit)
                       : ExpandFromIndex(view_, u, direction_, filter_, &check_, visit);
  if (s.ok()) s = status_;
  if (s.ok()) s = scratch_.Charge(kExpandedBytes);
  if (!s.ok()) return s;
  expanded_.insert(u);
  return absl::OkStatus();
}

bool Traversal::Follow(model::EntityId u, int d, const Delta& x, int* taken,
                       std::vector<model::EntityId>* next) {
  if (direction_ == model::Direction::kBoth &&
      (expanded_.count(x.other) || (x.other == u && !x.forward))) {
    return true;  // counted from the other end, or the self-loop's out side
  }
  if (!depth_.count(x.other)) {
    if (*taken >= limits_.max_fanout) return Note("max_fanout"), true;
    if (static_cast<int>(out_.nodes.size()) >= limits_.max_nodes) {
      return Note("max_nodes"), true;
    }
    if (!ChargeElement(kNodeScratchBytes, kNodeResultBytes)) return false;
    depth_.emplace(x.other, d + 1);
    out_.nodes.push_back({x.other, d + 1});
    next->push_back(x.other);
    ++*taken;
  }
  const auto key = x.forward ? std::pair{u, x.other} : std::pair{x.other, u};
  auto e = edges_.find(key);
  if (e == edges_.end()) {
    if (static_cast<int>(edges_.size()) >= limits_.max_edges) return Note("max_edges"), true;
    if (!ChargeElement(kEdgeScratchBytes, kEdgeResultBytes)) return false;
    e = edges_
            .emplace(key,
                     AggregatedEdge{key.first, key.second, 0, x.first_day, x.last_day, 0, 0, {}})
            .first;
  }
  AggregatedEdge& agg = e->second;
  Accumulate(x, &agg);
  if (x.statement != 0 && static_cast<int>(agg.evidence.size()) < limits_.evidence_per_edge) {
    status_ = PushId(x.statement, &agg.evidence, memory_);
  }
  if (status_.ok() && sources_ != nullptr) {
    auto [ids, inserted] = edge_sources_.try_emplace(key);
    if (inserted) status_ = scratch_.Charge(kEdgeSourcesBytes);
    if (status_.ok()) status_ = AddSource(sources_, x.statement, &ids->second, &scratch_);
  }
  return status_.ok();
}

bool Traversal::ChargeElement(size_t scratch, size_t result) {
  status_ = scratch_.Charge(scratch);
  if (status_.ok()) status_ = memory_->Charge(result);
  return status_.ok();
}

absl::StatusOr<TraverseResult> Traversal::Finish() {
  // Evidence is newest first: from the index, every statement of an edge is
  // taken in the (newest-first) scan of whichever endpoint was expanded
  // first; from summaries, it is read afterwards, per edge.
  std::vector<AggregatedEdge*> sorted;
  sorted.reserve(edges_.size());
  for (auto& [key, e] : edges_) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const AggregatedEdge* a, const AggregatedEdge* b) {
    return std::pair{a->actor, a->target} < std::pair{b->actor, b->target};
  });
  out_.edges.reserve(edges_.size());
  for (AggregatedEdge* e : sorted) {
    if (cells_ && limits_.evidence_per_edge > 0) {
      if (check_.Step()) return Stopped();
      if (absl::Status s = FillEvidence(view_, filter_, limits_.evidence_per_edge, e); !s.ok()) {
        return s;
      }
      if (absl::Status s = memory_->Charge(IdVectorBytes(e->evidence.capacity())); !s.ok()) {
        return s;
      }
    }
    if (sources_ != nullptr) {
      auto ids = edge_sources_.find({e->actor, e->target});
      if (ids != edge_sources_.end()) e->sources = CountDistinct(&ids->second);
    }
    out_.edges.push_back(std::move(*e));
  }
  return std::move(out_);
}

}  // namespace

void CountStatement(const model::EdgeEntry& e, AggregatedEdge* edge) {
  Accumulate(DeltaOf(e, true), edge);
}

absl::StatusOr<TraverseResult> Traverse(const storage::ReadView& view,
                                        const std::vector<model::EntityId>& seeds,
                                        model::Direction direction, const CompiledFilter& filter,
                                        const TraverseLimits& limits, const StopFn& stop,
                                        WorkLease* memory, SourceCounter* sources) {
  Traversal t(view, direction, filter, limits, stop, memory, sources);
  if (absl::Status s = t.AddSeeds(seeds); !s.ok()) return s;
  if (absl::Status s = t.Run(); !s.ok()) return s;
  return t.Finish();
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

// The successors of each node of the shortest-path DAG, toward `to`.
using Successors = std::unordered_map<model::EntityId, std::vector<model::EntityId>>;

// What a path search holds per element (graph/work_budget.h). A node
// reached from one end: its distance, its parents entry and its place in a
// frontier. A node of the shortest-path DAG: its entry in a visited set and
// in Successors. Id vectors (parents, successors, stack) are charged as they
// grow.
constexpr size_t kPathNodeBytes =
    HashEntryBytes<std::pair<const model::EntityId, int>>() +
    HashEntryBytes<std::pair<const model::EntityId, std::vector<model::EntityId>>>() +
    GrownVectorBytes<model::EntityId>();
constexpr size_t kDagVisitBytes = HashEntryBytes<model::EntityId>();
constexpr size_t kDagEntryBytes = HashEntryBytes<Successors::value_type>();

model::Direction Reverse(model::Direction d) {
  if (d == model::Direction::kOut) return model::Direction::kIn;
  if (d == model::Direction::kIn) return model::Direction::kOut;
  return d;
}

absl::Status ExpandLevel(const storage::ReadView& view, const CompiledFilter& filter,
                         StopCheck* stop, ScratchCharge* scratch, Side* side) {
  std::vector<model::EntityId> next;
  const int d = side->depth + 1;
  absl::Status charged;
  for (model::EntityId u : side->frontier) {
    absl::Status s = ForEachStep(view, u, side->direction, filter, stop, [&](const Step& step) {
      auto it = side->dist.find(step.other);
      if (it == side->dist.end()) {
        if (charged = scratch->Charge(kPathNodeBytes); !charged.ok()) return false;
        it = side->dist.emplace(step.other, d).first;
        next.push_back(step.other);
      }
      if (it->second == d) {
        auto& p = side->parents[step.other];
        if (p.empty() || p.back() != u) charged = PushId(u, &p, scratch);
      }
      return charged.ok();
    });
    if (s.ok()) s = charged;
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

// Adds one half of the shortest-path DAG to `succ`: from the nodes where
// the searches met back along `side`'s parents. The forward side's parents
// lead back toward `from`, so its links are reversed; the backward side's
// lead on toward `to`.
absl::Status AddDagHalf(const Side& side, bool forward, const std::vector<model::EntityId>& meet,
                        ScratchCharge* scratch, Successors* succ) {
  std::unordered_set<model::EntityId> done;
  std::vector<model::EntityId> stack(meet.begin(), meet.end());
  while (!stack.empty()) {
    const model::EntityId v = stack.back();
    stack.pop_back();
    if (done.count(v)) continue;
    if (absl::Status s = scratch->Charge(kDagVisitBytes); !s.ok()) return s;
    done.insert(v);
    auto parents = side.parents.find(v);
    if (parents == side.parents.end()) continue;
    for (model::EntityId p : parents->second) {
      auto [entry, inserted] = succ->try_emplace(forward ? p : v);
      absl::Status s = inserted ? scratch->Charge(kDagEntryBytes) : absl::OkStatus();
      if (s.ok()) s = PushId(forward ? v : p, &entry->second, scratch);
      if (s.ok()) s = PushId(p, &stack, scratch);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

// Appends to `paths`, in lexicographic order, the paths of `distance` hops
// from path->back() to `to` along `succ`, until there are `max_paths`.
void EnumeratePaths(const Successors& succ, model::EntityId to, int distance, int max_paths,
                    std::vector<model::EntityId>* path,
                    std::vector<std::vector<model::EntityId>>* paths) {
  if (static_cast<int>(paths->size()) >= max_paths) return;
  const model::EntityId v = path->back();
  if (static_cast<int>(path->size()) - 1 == distance) {
    if (v == to) paths->push_back(*path);
    return;
  }
  auto next = succ.find(v);
  if (next == succ.end()) return;
  for (model::EntityId n : next->second) {
    path->push_back(n);
    EnumeratePaths(succ, to, distance, max_paths, path, paths);
    path->pop_back();
  }
}

// The statements of hop from->to that the search could have used.
absl::StatusOr<PathHop> HopEvidence(const storage::ReadView& view, model::EntityId from,
                                    model::EntityId to, model::Direction direction,
                                    const CompiledFilter& filter, int limit, SourceCounter* sources,
                                    WorkLease* memory) {
  PathHop hop{from, to, 0, {}, 0};
  ScratchCharge scratch(memory);  // before `ids`: released after it is freed
  std::vector<uint32_t> ids;
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
    if (sources != nullptr) {
      if (absl::Status s = AddSource(sources, e.statement, &ids, &scratch); !s.ok()) return s;
    }
  }
  if (absl::Status s = it->status(); !s.ok()) return s;
  if (sources != nullptr) hop.sources = CountDistinct(&ids);
  return hop;
}

// The hops of each path, with their evidence, charged to `memory`.
absl::Status AddHops(const storage::ReadView& view, model::Direction direction,
                     const CompiledFilter& filter, int evidence_per_hop, SourceCounter* sources,
                     WorkLease* memory, PathsResult* out) {
  for (const auto& p : out->paths) {
    std::vector<PathHop> hops;
    for (size_t i = 0; i + 1 < p.size(); ++i) {
      auto hop =
          HopEvidence(view, p[i], p[i + 1], direction, filter, evidence_per_hop, sources, memory);
      if (!hop.ok()) return hop.status();
      const size_t bytes = GrownVectorBytes<PathHop>() + IdVectorBytes(hop->statements.capacity());
      if (absl::Status s = memory->Charge(bytes); !s.ok()) return s;
      hops.push_back(std::move(*hop));
    }
    out->hops.push_back(std::move(hops));
  }
  return absl::OkStatus();
}

}  // namespace

void ValidatePathLimits(int max_hops, int max_paths, int evidence_per_hop,
                        std::vector<model::FieldViolation>* out) {
  if (!InRange(max_hops, 1, 6)) out->push_back({"max_hops", "must be in 1..6"});
  if (!InRange(max_paths, 1, 100)) out->push_back({"max_paths", "must be in 1..100"});
  if (!InRange(evidence_per_hop, 1, 100)) {
    out->push_back({"evidence_per_hop", "must be in 1..100"});
  }
}

absl::StatusOr<PathsResult> FindPaths(const storage::ReadView& view, model::EntityId from,
                                      model::EntityId to, model::Direction direction,
                                      const CompiledFilter& filter, int max_hops, int max_paths,
                                      int evidence_per_hop, const StopFn& stop, WorkLease* memory,
                                      SourceCounter* sources) {
  WorkLease unlimited;
  if (memory == nullptr) memory = &unlimited;
  ScratchCharge scratch(memory);  // before the search state: released after it is freed
  PathsResult out;
  Side fwd{from, direction, {{from, 0}}, {}, {from}, 0};
  Side bwd{to, Reverse(direction), {{to, 0}}, {}, {to}, 0};
  std::vector<model::EntityId> meet;
  StopCheck check(stop);
  while (fwd.depth + bwd.depth < max_hops && !fwd.frontier.empty() && !bwd.frontier.empty()) {
    Side& side = fwd.frontier.size() <= bwd.frontier.size() ? fwd : bwd;
    Side& other = &side == &fwd ? bwd : fwd;
    if (absl::Status s = ExpandLevel(view, filter, &check, &scratch, &side); !s.ok()) return s;
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

  Successors succ;
  if (absl::Status s = AddDagHalf(fwd, true, meet, &scratch, &succ); !s.ok()) return s;
  if (absl::Status s = AddDagHalf(bwd, false, meet, &scratch, &succ); !s.ok()) return s;
  for (auto& [v, s] : succ) {
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
  }
  std::vector<model::EntityId> path = {from};
  EnumeratePaths(succ, to, out.distance, max_paths, &path, &out.paths);
  if (absl::Status s = AddHops(view, direction, filter, evidence_per_hop, sources, memory, &out);
      !s.ok()) {
    return s;
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
                                                             Granularity g, const StopFn& stop,
                                                             WorkLease* memory,
                                                             SourceCounter* sources) {
  WorkLease unlimited;
  if (memory == nullptr) memory = &unlimited;
  // A bucket: its map entry while scanning, then its place in the answer.
  constexpr size_t kBucketScratchBytes = MapEntryBytes<int32_t, TimelineBucket>();
  ScratchCharge scratch(memory);  // before `buckets`: released after it is freed
  std::map<int32_t, TimelineBucket> buckets;
  // With `sources`: each bucket's source numbers, repeats included.
  std::map<int32_t, std::vector<uint32_t>> bucket_sources;
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
    auto slot = buckets.find(start);
    if (slot == buckets.end()) {
      absl::Status s = scratch.Charge(kBucketScratchBytes);
      if (s.ok()) s = memory->Charge(sizeof(TimelineBucket));
      if (!s.ok()) return s;
      slot = buckets.emplace(start, TimelineBucket{}).first;
    }
    TimelineBucket& bucket = slot->second;
    bucket.start_day = start;
    ++bucket.total;
    ++bucket.by_quad[static_cast<int>(Taxonomy::Get().QuadOf(e.cameo_code))];
    if (Classified(e.cameo_code)) {
      bucket.goldstein_sum += Goldstein(e.cameo_code);
      ++bucket.classified;
    }
    ++(e.counterpart == a ? bucket.a_to_b : bucket.b_to_a);
    if (sources != nullptr) {
      auto [ids, inserted] = bucket_sources.try_emplace(start);
      absl::Status s = inserted ? scratch.Charge(MapEntryBytes<int32_t, std::vector<uint32_t>>())
                                : absl::OkStatus();
      if (s.ok()) s = AddSource(sources, e.statement, &ids->second, &scratch);
      if (!s.ok()) return s;
    }
  }
  if (absl::Status s = it->status(); !s.ok()) return s;
  std::vector<TimelineBucket> out;
  out.reserve(buckets.size());
  for (auto& [start, bucket] : buckets) {
    if (sources != nullptr) bucket.sources = CountDistinct(&bucket_sources[start]);
    out.push_back(bucket);
  }
  return out;
}

// -------------------------------------------------------------- Profile

namespace {

// Visits every index entry of `entity`, out then in (a self-loop in
// both), with whether it is out, until `visit` fails.
absl::Status ForEachEntryOf(
    const storage::ReadView& view, model::EntityId entity, const StopFn& stop,
    const std::function<absl::Status(const model::EdgeEntry&, bool out)>& visit) {
  StopCheck check(stop);
  for (model::Direction d : {model::Direction::kOut, model::Direction::kIn}) {
    storage::EdgeScan scan;
    scan.direction = d;
    scan.entity = entity;
    auto it = view.ScanEdges(scan);
    for (; it->Valid(); it->Next()) {
      if (check.Step()) return Stopped();
      if (absl::Status s = visit(it->entry(), d == model::Direction::kOut); !s.ok()) return s;
    }
    if (absl::Status s = it->status(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// EntityProfile::sources and each top counterpart's, from every index entry
// of `entity` (a self-loop is met twice; distinct counts do not mind).
absl::Status CountProfileSources(const storage::ReadView& view, model::EntityId entity,
                                 const StopFn& stop, WorkLease* memory, SourceCounter* sources,
                                 EntityProfile* p) {
  ScratchCharge scratch(memory);  // before the id lists: released after they are freed
  std::vector<uint32_t> all;
  std::unordered_map<model::EntityId, std::vector<uint32_t>> by_counterpart;
  for (const CounterpartCount& c : p->top) by_counterpart[c.id];
  absl::Status s = ForEachEntryOf(view, entity, stop, [&](const model::EdgeEntry& e, bool) {
    auto n = sources->SourceOf(e.statement);
    if (!n.ok()) return n.status();
    if (absl::Status st = PushId(*n, &all, &scratch); !st.ok()) return st;
    auto slot = by_counterpart.find(e.counterpart);
    if (slot == by_counterpart.end()) return absl::OkStatus();
    return PushId(*n, &slot->second, &scratch);
  });
  if (!s.ok()) return s;
  p->sources = CountDistinct(&all);
  for (CounterpartCount& c : p->top) c.sources = CountDistinct(&by_counterpart[c.id]);
  return absl::OkStatus();
}

// A counterpart: its entry in a profile's counts and its place in the
// ranking (cut to `top` before returning, so all of it is scratch).
constexpr size_t kCounterpartScratchBytes =
    HashEntryBytes<std::pair<const model::EntityId, CounterpartCount>>() + sizeof(CounterpartCount);

// Statements of the profiled entity with one counterpart in one direction:
// a summary cell's, or one index entry's.
struct ProfileShare {
  model::EntityId counterpart = 0;
  bool out = false;
  uint64_t count = 0;
  int32_t first_day = 0;
  int32_t last_day = 0;
  int quad = 0;  // QuadClass index, 0 unclassified
};

// Adds `s` to `counts` and `p`, charging a new counterpart to `scratch`.
absl::Status AddToProfile(const ProfileShare& s, model::EntityId entity, ScratchCharge* scratch,
                          std::unordered_map<model::EntityId, CounterpartCount>* counts,
                          EntityProfile* p) {
  auto slot = counts->find(s.counterpart);
  if (slot == counts->end()) {
    if (absl::Status st = scratch->Charge(kCounterpartScratchBytes); !st.ok()) return st;
    slot = counts->emplace(s.counterpart, CounterpartCount{}).first;
  }
  CounterpartCount& cc = slot->second;
  cc.id = s.counterpart;
  (s.out ? cc.out_count : cc.in_count) += s.count;
  (s.out ? p->out_statements : p->in_statements) += s.count;
  p->first_day = std::min(p->first_day.value_or(s.first_day), s.first_day);
  p->last_day = std::max(p->last_day.value_or(s.last_day), s.last_day);
  // A self-loop is one statement in both directions: count it once.
  if (s.out || s.counterpart != entity) p->by_quad[s.quad] += s.count;
  return absl::OkStatus();
}

// The counts of the summaries, from the index entries instead: for a view
// as of an instant, which summaries (kept for the present) cannot answer.
// Costs the entity's statements.
absl::Status CountFromIndex(const storage::ReadView& view, model::EntityId entity,
                            const StopFn& stop, ScratchCharge* scratch,
                            std::unordered_map<model::EntityId, CounterpartCount>* counts,
                            EntityProfile* p) {
  return ForEachEntryOf(view, entity, stop, [&](const model::EdgeEntry& e, bool out) {
    const int quad = static_cast<int>(Taxonomy::Get().QuadOf(e.cameo_code));
    return AddToProfile({e.counterpart, out, 1, e.day, e.day, quad}, entity, scratch, counts, p);
  });
}

}  // namespace

absl::StatusOr<EntityProfile> Profile(const storage::ReadView& view, model::EntityId entity,
                                      int top, const StopFn& stop, WorkLease* memory,
                                      SourceCounter* sources) {
  WorkLease unlimited;
  if (memory == nullptr) memory = &unlimited;
  ScratchCharge scratch(memory);  // before `counts`: released after it is freed
  EntityProfile p;
  std::unordered_map<model::EntityId, CounterpartCount> counts;
  absl::Status charged;
  for (uint8_t dir : {storage::kSummaryOut, storage::kSummaryIn}) {
    if (view.IndexOnly()) break;  // counted from the index below
    absl::Status s = view.ScanSummaries(entity, dir, [&](const storage::SummaryCell& c) {
      charged = AddToProfile({c.counterpart, dir == storage::kSummaryOut, c.count, c.first_day,
                              c.last_day, QuadIndexOfRoot(c.root)},
                             entity, &scratch, &counts, &p);
      return charged.ok();
    });
    if (s.ok()) s = charged;
    if (!s.ok()) return s;
  }
  if (view.IndexOnly()) {
    if (absl::Status s = CountFromIndex(view, entity, stop, &scratch, &counts, &p); !s.ok()) {
      return s;
    }
  }
  p.top.reserve(counts.size());
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
  p.top.shrink_to_fit();  // a hub's profile keeps `top` counterparts, not all of them
  if (sources != nullptr) {
    if (absl::Status s = CountProfileSources(view, entity, stop, memory, sources, &p); !s.ok()) {
      return s;
    }
  }
  return p;
}

}  // namespace entente::graph
