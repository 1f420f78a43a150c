#include "tests/graph/reference_graph.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <tuple>

#include "graph/taxonomy.h"

namespace entente::graph {
namespace {

using model::Direction;
using model::EntityId;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// A statement with a code in the CAMEO table counts towards Goldstein means.
bool Classified(const std::string& code) { return Taxonomy::Get().Find(code) != nullptr; }

// Breadth-first distances from `start` over `adj`, at most `max_depth`.
std::map<EntityId, int> Distances(const std::map<EntityId, std::set<EntityId>>& adj,
                                  const std::vector<EntityId>& starts, int max_depth) {
  std::map<EntityId, int> dist;
  std::deque<EntityId> queue;
  for (EntityId s : starts) {
    if (dist.emplace(s, 0).second) queue.push_back(s);
  }
  while (!queue.empty()) {
    const EntityId u = queue.front();
    queue.pop_front();
    const int d = dist[u];
    if (d == max_depth) continue;
    auto it = adj.find(u);
    if (it == adj.end()) continue;
    for (EntityId v : it->second) {
      if (dist.emplace(v, d + 1).second) queue.push_back(v);
    }
  }
  return dist;
}

Direction Reverse(Direction d) {
  if (d == Direction::kOut) return Direction::kIn;
  if (d == Direction::kIn) return Direction::kOut;
  return d;
}

// Whether `s` takes a walk along `direction` from `from` to `to`.
bool Supports(const RefStatement& s, EntityId from, EntityId to, Direction direction) {
  const bool forward = s.actor == from && s.target == to;
  const bool backward = s.actor == to && s.target == from;
  switch (direction) {
    case Direction::kOut:
      return forward;
    case Direction::kIn:
      return backward;
    case Direction::kBoth:
      return forward || backward;
  }
  return false;
}

// Adds a followed statement to its edge, as a traversal aggregates it.
void AddToEdge(const RefStatement& s, RefEdge* e) {
  if (e->count == 0) e->first_day = e->last_day = s.day;
  ++e->count;
  e->first_day = std::min(e->first_day, s.day);
  e->last_day = std::max(e->last_day, s.day);
  if (Classified(s.code)) {
    e->goldstein_sum += Taxonomy::Get().GoldsteinOf(s.code);
    ++e->classified;
  }
  e->statements.push_back(s.id);
}

// The claim subject (model::ClaimSubject) of a statement.
bool SameSubject(const RefStatement& a, const RefStatement& b) {
  return a.actor == b.actor && a.target == b.target && a.code == b.code &&
         (!a.code.empty() || a.action_text == b.action_text);
}

// ------------------------------------------------ Time-respecting paths
//
// Written from the definition in docs/queries.md, statement by statement.

// The clock before any hop when no start day is given: minus infinity.
constexpr int64_t kMinusInfinity = std::numeric_limits<int64_t>::min();

// A time-respecting walk: its entities and the day each hop used.
struct RefWalk {
  std::vector<EntityId> entities;
  std::vector<int64_t> days;  // t_1 .. t_k
};

// Whether statement `s` may be hop number `hop` (1-based) after clock
// `clock`, and if so the day it uses.
std::optional<int64_t> UsedDay(const RefStatement& s, int64_t clock, int hop,
                               const TemporalOptions& o) {
  if (s.last_day < clock) return std::nullopt;  // it ended before the clock
  if (hop >= 2 && o.max_gap_days && s.day - clock > *o.max_gap_days) return std::nullopt;
  return std::max<int64_t>(clock, s.day);
}

// The walk's rank, smaller first: (objective, hops, arrival).
std::tuple<int64_t, int64_t, int64_t> Rank(const RefWalk& w, TemporalMode m) {
  const int64_t hops = static_cast<int64_t>(w.days.size());
  const int64_t departure = w.days.front(), arrival = w.days.back();
  switch (m) {
    case TemporalMode::kEarliestArrival:
      return {arrival, hops, arrival};
    case TemporalMode::kLatestDeparture:
      return {-departure, hops, arrival};
    case TemporalMode::kFastest:
      return {arrival - departure, hops, arrival};
    case TemporalMode::kShortest:
      return {hops, hops, arrival};
  }
  return {};
}

// What a path must share with the best to be in the answer.
std::tuple<int64_t, int64_t, int64_t> AnswerRank(const RefWalk& w, TemporalMode m) {
  auto r = Rank(w, m);
  if (m != TemporalMode::kShortest) std::get<2>(r) = 0;
  return r;
}

// For one entity sequence, whether walk `a` represents it better than `b`.
bool Represents(const RefWalk& a, const RefWalk& b, TemporalMode m) {
  if (Rank(a, m) != Rank(b, m)) return Rank(a, m) < Rank(b, m);
  return a.days < b.days;
}
}  // namespace

void ReferenceGraph::Add(const RefStatement& s) {
  statements_.push_back(s);
  FindClaims(s);
}

void ReferenceGraph::Remove(const std::set<model::StatementId>& ids) {
  std::vector<RefStatement> gone;
  for (const RefStatement& s : statements_) {
    if (ids.count(s.id)) gone.push_back(s);
  }
  std::erase_if(statements_, [&](const RefStatement& s) { return ids.count(s.id) > 0; });
  for (const RefStatement& s : gone) FindClaims(s);
}

void ReferenceGraph::FindClaims(const RefStatement& like) {
  std::vector<RefStatement*> members;
  for (RefStatement& s : statements_) {
    if (SameSubject(s, like)) members.push_back(&s);
  }
  // Connected sets by repeated relabelling: slow and plain.
  std::vector<size_t> label(members.size());
  for (size_t i = 0; i < members.size(); ++i) label[i] = i;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < members.size(); ++i) {
      for (size_t j = 0; j < members.size(); ++j) {
        const model::DayRange a{members[i]->day, members[i]->last_day};
        const model::DayRange b{members[j]->day, members[j]->last_day};
        if (label[j] < label[i] && model::DaysMatch(a, b, claim_window_)) {
          label[i] = label[j];
          changed = true;
        }
      }
    }
  }
  for (size_t i = 0; i < members.size(); ++i) {
    std::set<std::string> sources;
    bool asserted = false, denied = false;
    for (size_t j = 0; j < members.size(); ++j) {
      if (label[j] != label[i]) continue;
      sources.insert(members[j]->source);
      asserted |= members[j]->modality == model::Modality::kAsserted;
      denied |= members[j]->modality == model::Modality::kDenied;
    }
    members[i]->claim_sources = sources.size();
    members[i]->claim_contested = asserted && denied;
  }
}

bool ReferenceGraph::Matches(const EdgeFilter& f, const RefStatement& s) {
  if (f.date_from.year != 0 && s.day < model::FirstDay(f.date_from)) return false;
  if (f.date_to.year != 0 && s.day > model::LastDay(f.date_to)) return false;
  if (!f.code_prefixes.empty() &&
      std::none_of(f.code_prefixes.begin(), f.code_prefixes.end(),
                   [&](const std::string& p) { return StartsWith(s.code, p); })) {
    return false;
  }
  if (!f.quad_classes.empty()) {
    const model::QuadClass q = Taxonomy::Get().QuadOf(s.code);
    if (std::find(f.quad_classes.begin(), f.quad_classes.end(), q) == f.quad_classes.end()) {
      return false;
    }
  }
  if (s.confidence < f.min_confidence) return false;
  if (!f.modalities.empty()) {
    bool any = false;
    for (model::Modality m : f.modalities) {
      any |= (m == model::Modality::kUnspecified ? model::Modality::kAsserted : m) == s.modality;
    }
    if (!any) return false;
  }
  if (f.min_sources > 1 && s.claim_sources < static_cast<uint64_t>(f.min_sources)) return false;
  if (f.contested == Contested::kOnly && !s.claim_contested) return false;
  if (f.contested == Contested::kExclude && s.claim_contested) return false;
  return true;
}

bool ReferenceGraph::NewerFirst(const RefStatement& a, const RefStatement& b) {
  return a.day != b.day ? a.day > b.day : a.id > b.id;
}

int32_t ReferenceGraph::BucketStartOf(int32_t day, Granularity g) {
  switch (g) {
    case Granularity::kDay:
      return day;
    case Granularity::kWeek: {
      constexpr int32_t kAMonday = 4;  // 1970-01-05
      return day - (((day - kAMonday) % 7) + 7) % 7;
    }
    case Granularity::kMonth: {
      const model::Date d = model::DateOfDay(day);
      return model::FirstDay({d.year, d.month, 0});
    }
    case Granularity::kYear:
      return model::FirstDay({model::DateOfDay(day).year, 0, 0});
  }
  return day;
}

std::vector<const RefStatement*> ReferenceGraph::Filtered(const EdgeFilter& f) const {
  std::vector<const RefStatement*> out;
  for (const RefStatement& s : statements_) {
    if (Matches(f, s)) out.push_back(&s);
  }
  std::sort(out.begin(), out.end(),
            [](const RefStatement* a, const RefStatement* b) { return NewerFirst(*a, *b); });
  return out;
}

std::vector<model::StatementId> ReferenceGraph::List(EntityId entity, Direction direction,
                                                     const EdgeFilter& f) const {
  std::vector<model::StatementId> out;
  for (const RefStatement* s : Filtered(f)) {
    const bool as_actor = s->actor == entity && direction != Direction::kIn;
    const bool as_target = s->target == entity && direction != Direction::kOut;
    if (as_actor || as_target) out.push_back(s->id);
  }
  return out;
}

std::map<EntityId, std::set<EntityId>> ReferenceGraph::Adjacency(Direction direction,
                                                                 const EdgeFilter& f) const {
  std::map<EntityId, std::set<EntityId>> adj;
  for (const RefStatement& s : statements_) {
    if (!Matches(f, s)) continue;
    if (direction != Direction::kIn) adj[s.actor].insert(s.target);
    if (direction != Direction::kOut) adj[s.target].insert(s.actor);
  }
  return adj;
}

RefTraverse ReferenceGraph::Traverse(const std::vector<EntityId>& seeds, Direction direction,
                                     const EdgeFilter& f, int max_depth) const {
  RefTraverse out;
  out.depth = Distances(Adjacency(direction, f), seeds, max_depth);
  auto expanded = [&](EntityId id) {
    auto it = out.depth.find(id);
    return it != out.depth.end() && it->second < max_depth;
  };
  for (const RefStatement* s : Filtered(f)) {  // newest first
    const bool followed = (direction != Direction::kIn && expanded(s->actor)) ||
                          (direction != Direction::kOut && expanded(s->target));
    if (!followed) continue;
    AddToEdge(*s, &out.edges[{s->actor, s->target}]);
  }
  return out;
}

RefPaths ReferenceGraph::Paths(EntityId from, EntityId to, Direction direction, const EdgeFilter& f,
                               int max_hops, int max_paths) const {
  RefPaths out;
  const auto adj = Adjacency(direction, f);
  const auto to_dist = Distances(Adjacency(Reverse(direction), f), {to}, max_hops);
  auto it = to_dist.find(from);
  if (it == to_dist.end()) return out;
  out.distance = it->second;
  // Depth first in id order, stepping only to nodes one hop closer to `to`:
  // exactly the shortest paths, in lexicographic order.
  std::vector<EntityId> path = {from};
  std::function<void()> walk = [&] {
    if (static_cast<int>(out.paths.size()) == max_paths) return;
    const int left = out.distance - static_cast<int>(path.size() - 1);
    if (left == 0) {
      out.paths.push_back(path);
      return;
    }
    auto next = adj.find(path.back());
    if (next == adj.end()) return;
    for (EntityId v : next->second) {
      auto d = to_dist.find(v);
      if (d == to_dist.end() || d->second != left - 1) continue;
      path.push_back(v);
      walk();
      path.pop_back();
    }
  };
  walk();
  const auto filtered = Filtered(f);
  for (const auto& p : out.paths) {
    std::vector<RefHop> hops;
    for (size_t i = 0; i + 1 < p.size(); ++i) {
      RefHop hop{p[i], p[i + 1], {}};
      for (const RefStatement* s : filtered) {
        if (Supports(*s, hop.from, hop.to, direction)) hop.statements.push_back(s->id);
      }
      hops.push_back(std::move(hop));
    }
    out.hops.push_back(std::move(hops));
  }
  return out;
}

RefTemporalPaths ReferenceGraph::TemporalPaths(EntityId from, EntityId to, Direction direction,
                                               const EdgeFilter& f, const TemporalOptions& o,
                                               int max_hops, int max_paths) const {
  const auto filtered = Filtered(f);  // newest first
  const int64_t start = o.start_day ? *o.start_day : kMinusInfinity;
  // Every simple time-respecting walk from `from` to `to`, best per entity sequence.
  std::map<std::vector<EntityId>, RefWalk> best;
  RefWalk walk{{from}, {}};
  std::function<void()> grow = [&] {
    const EntityId u = walk.entities.back();
    if (u == to) {
      auto [it, inserted] = best.try_emplace(walk.entities, walk);
      if (!inserted && Represents(walk, it->second, o.mode)) it->second = walk;
      return;
    }
    const int hop = static_cast<int>(walk.days.size()) + 1;
    if (hop > max_hops) return;
    const int64_t clock = walk.days.empty() ? start : walk.days.back();
    for (const RefStatement* s : filtered) {
      for (EntityId v : {s->actor, s->target}) {
        if (!Supports(*s, u, v, direction)) continue;
        if (std::find(walk.entities.begin(), walk.entities.end(), v) != walk.entities.end()) {
          continue;
        }
        const auto day = UsedDay(*s, clock, hop, o);
        if (!day) continue;
        walk.entities.push_back(v);
        walk.days.push_back(*day);
        grow();
        walk.entities.pop_back();
        walk.days.pop_back();
      }
    }
  };
  grow();
  RefTemporalPaths out;
  const RefWalk* first = nullptr;
  for (const auto& [entities, w] : best) {  // lexicographic: the first of a rank wins
    if (first == nullptr || Rank(w, o.mode) < Rank(*first, o.mode)) first = &w;
  }
  if (first == nullptr) return out;
  out.distance = static_cast<int>(first->days.size());
  out.departure = static_cast<int32_t>(first->days.front());
  out.arrival = static_cast<int32_t>(first->days.back());
  out.duration = out.arrival - out.departure;
  for (const auto& [entities, w] : best) {
    if (static_cast<int>(out.paths.size()) == max_paths) break;
    if (AnswerRank(w, o.mode) != AnswerRank(*first, o.mode)) continue;
    RefTemporalPath path{
        entities, {}, static_cast<int32_t>(w.days.front()), static_cast<int32_t>(w.days.back())};
    for (size_t i = 0; i < w.days.size(); ++i) {
      const int64_t clock = i == 0 ? start : w.days[i - 1];
      RefTemporalHop hop{entities[i], entities[i + 1], static_cast<int32_t>(w.days[i]), {}};
      for (const RefStatement* s : filtered) {
        if (!Supports(*s, hop.from, hop.to, direction)) continue;
        if (UsedDay(*s, clock, static_cast<int>(i) + 1, o) == w.days[i]) {
          hop.statements.push_back(s->id);
        }
      }
      path.hops.push_back(std::move(hop));
    }
    out.paths.push_back(std::move(path));
  }
  return out;
}

RefTemporalTraverse ReferenceGraph::TemporalTraverse(const std::vector<EntityId>& seeds,
                                                     Direction direction, const EdgeFilter& f,
                                                     const TemporalOptions& o,
                                                     int max_depth) const {
  const auto filtered = Filtered(f);  // newest first
  const int64_t start = o.start_day ? *o.start_day : kMinusInfinity;
  const bool walks = o.max_gap_days.has_value();
  RefTemporalTraverse out;
  for (EntityId s : seeds) out.depth[s] = 0;
  std::set<model::StatementId> followed;
  // Every hop from `u` after `clock` as hop number `hops` + 1: (statement, other end, day).
  auto hops_from = [&](EntityId u, int64_t clock, int hops) {
    std::vector<std::tuple<const RefStatement*, EntityId, int64_t>> next;
    for (const RefStatement* s : filtered) {
      for (EntityId v : {s->actor, s->target}) {
        if (!Supports(*s, u, v, direction)) continue;
        if (auto day = UsedDay(*s, clock, hops + 1, o)) next.emplace_back(s, v, *day);
        if (s->actor == s->target) break;  // a self-loop is one hop
      }
    }
    return next;
  };
  // Depth first along every walk (every simple path without a gap: `path`
  // holds its entities). A walk's future depends only on where it stands,
  // its clock and its hop count: each of those is explored once.
  std::set<std::tuple<EntityId, int64_t, int>> explored;
  std::vector<EntityId> path;
  std::function<void(EntityId, int64_t, int)> grow = [&](EntityId u, int64_t clock, int hops) {
    if (hops > 0) {
      auto [d, new_depth] = out.depth.try_emplace(u, hops);
      d->second = std::min(d->second, hops);
      if (d->second > 0) {
        auto [a, new_arrival] = out.arrival.try_emplace(u, static_cast<int32_t>(clock));
        a->second = std::min<int64_t>(a->second, clock);
      }
    }
    if (hops == max_depth) return;
    for (auto [s, v, day] : hops_from(u, clock, hops)) {
      followed.insert(s->id);  // the last hop of a walk of hops + 1 <= max_depth
      if (walks) {
        if (explored.insert({v, day, hops + 1}).second) grow(v, day, hops + 1);
      } else if (std::find(path.begin(), path.end(), v) == path.end()) {
        path.push_back(v);
        grow(v, day, hops + 1);
        path.pop_back();
      }
    }
  };
  for (EntityId s : seeds) {
    path = {s};
    grow(s, start, 0);
  }
  // Without a gap the simple paths gave depth and arrival; the statements
  // that end a walk need every walk.
  if (!walks) {
    explored.clear();
    std::function<void(EntityId, int64_t, int)> walk = [&](EntityId u, int64_t clock, int hops) {
      if (hops == max_depth) return;
      for (auto [s, v, day] : hops_from(u, clock, hops)) {
        followed.insert(s->id);
        if (explored.insert({v, day, hops + 1}).second) walk(v, day, hops + 1);
      }
    };
    for (EntityId s : seeds) walk(s, start, 0);
  }
  for (const RefStatement* s : filtered) {  // newest first
    if (followed.count(s->id)) AddToEdge(*s, &out.edges[{s->actor, s->target}]);
  }
  return out;
}

std::vector<model::StatementId> ReferenceGraph::DyadStatements(EntityId a, EntityId b,
                                                               const EdgeFilter& f) const {
  std::vector<model::StatementId> out;
  for (const RefStatement* s : Filtered(f)) {
    if (Supports(*s, a, b, Direction::kBoth)) out.push_back(s->id);
  }
  return out;
}

std::vector<TimelineBucket> ReferenceGraph::Timeline(EntityId a, EntityId b, const EdgeFilter& f,
                                                     Granularity g) const {
  std::map<int32_t, TimelineBucket> buckets;
  std::map<int32_t, std::set<std::string>> sources;
  for (const RefStatement& s : statements_) {
    if (!Matches(f, s) || !Supports(s, a, b, Direction::kBoth)) continue;
    const int32_t start = BucketStartOf(s.day, g);
    sources[start].insert(s.source);
    TimelineBucket& bucket = buckets[start];
    bucket.sources = sources[start].size();
    bucket.start_day = start;
    ++bucket.total;
    ++bucket.by_quad[static_cast<int>(Taxonomy::Get().QuadOf(s.code))];
    if (Classified(s.code)) {
      bucket.goldstein_sum += Taxonomy::Get().GoldsteinOf(s.code);
      ++bucket.classified;
    }
    ++(s.actor == a ? bucket.a_to_b : bucket.b_to_a);
  }
  std::vector<TimelineBucket> out;
  for (const auto& [start, bucket] : buckets) out.push_back(bucket);
  return out;
}

uint64_t ReferenceGraph::SourcesOf(const std::vector<model::StatementId>& ids) const {
  const std::set<model::StatementId> wanted(ids.begin(), ids.end());
  std::set<std::string> sources;
  for (const RefStatement& s : statements_) {
    if (wanted.count(s.id)) sources.insert(s.source);
  }
  return sources.size();
}

EntityProfile ReferenceGraph::Profile(EntityId entity, int top) const {
  EntityProfile p;
  std::map<EntityId, CounterpartCount> counts;
  std::set<std::string> sources;
  std::map<EntityId, std::set<std::string>> counterpart_sources;
  for (const RefStatement& s : statements_) {
    if (s.actor != entity && s.target != entity) continue;
    sources.insert(s.source);
    counterpart_sources[s.actor == entity ? s.target : s.actor].insert(s.source);
    if (s.actor == entity) {
      ++p.out_statements;
      counts[s.target].id = s.target;
      ++counts[s.target].out_count;
    }
    if (s.target == entity) {
      ++p.in_statements;
      counts[s.actor].id = s.actor;
      ++counts[s.actor].in_count;
    }
    ++p.by_quad[static_cast<int>(Taxonomy::Get().QuadOf(s.code))];  // a self-loop once
    p.first_day = std::min(p.first_day.value_or(s.day), s.day);
    p.last_day = std::max(p.last_day.value_or(s.day), s.day);
  }
  p.sources = sources.size();
  for (auto& [id, c] : counts) {
    p.out_degree += c.out_count > 0;
    p.in_degree += c.in_count > 0;
    c.sources = counterpart_sources[id].size();
    p.top.push_back(c);
  }
  std::stable_sort(p.top.begin(), p.top.end(), [](const auto& x, const auto& y) {
    return x.out_count + x.in_count > y.out_count + y.in_count;  // ties stay in id order
  });
  if (static_cast<int>(p.top.size()) > top) p.top.resize(top);
  return p;
}

std::vector<EntityId> ReferenceGraph::EntitiesByStatements() const {
  std::map<EntityId, int> n;
  for (const RefStatement& s : statements_) {
    ++n[s.actor];
    if (s.target != s.actor) ++n[s.target];
  }
  std::vector<EntityId> out;
  for (const auto& [id, count] : n) out.push_back(id);
  std::stable_sort(out.begin(), out.end(), [&](EntityId x, EntityId y) { return n[x] > n[y]; });
  return out;
}

}  // namespace entente::graph
