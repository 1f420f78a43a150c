// The search runs in three passes, each exact:
//
// 1. StateGraph: a forward level search over states (entity, clock) from
//    (from, t_0), at most max_hops levels. A state's transitions are the
//    (neighbour, t_i) its statements allow; they depend on the clock but
//    not on the hops that led there, so each state is expanded once.
// 2. Backward over that graph: the earliest clock at `to` each state can
//    reach within r hops (walks, which may repeat entities: a bound for the
//    simple paths, which may not).
// 3. Enumerator: a depth-first walk of the simple entity paths, children in
//    id order (so paths come in lexicographic order), carrying per path the
//    (departure, clock) pairs it can be in, cutting pairs that another pair
//    of the same path dominates and prefixes whose bound from pass 2 cannot
//    reach the best found.
// Each answer path then gets its used days (the lexicographically smallest
// sequence among its best statement choices) and its hops' statements.
#include "graph/temporal_paths.h"

#include <algorithm>
#include <compare>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "graph/analytics.h"
#include "graph/stop_check.h"
#include "graph/validate.h"
#include "model/violations.h"

namespace entente::graph {
namespace {

using model::EntityId;

// The clock before the first hop when there is no start day: before every
// statement's last day, so that any first hop may follow it.
constexpr int32_t kNoClock = model::kMinDay - 1;
// A year, the longest period a date denotes, has at most 366 days: a
// statement whose first day is more than 365 days before t ended before t.
constexpr int32_t kLongestPeriodDays = 366;
constexpr int32_t kNever = std::numeric_limits<int32_t>::max();


int32_t Clamp(int64_t day) {
  return static_cast<int32_t>(std::clamp<int64_t>(day, kNoClock - kLongestPeriodDays, kNever));
}

// Counts search steps against TemporalOptions::max_work. `what` names the
// search and `depth` its field that bounds the hops, for the message.
class WorkMeter {
 public:
  WorkMeter(uint64_t limit, const char* what, const char* depth)
      : limit_(limit), what_(what), depth_(depth) {}
  absl::Status Add(uint64_t steps) {
    used_ += steps;
    if (used_ <= limit_) return absl::OkStatus();
    return absl::ResourceExhaustedError(
        std::string("the time-respecting ") + what_ +
        " passed its work limit: narrow the filter's window, give a start_day or a smaller "
        "max_gap_days, or lower " +
        depth_);
  }

 private:
  const uint64_t limit_;
  const char* const what_;
  const char* const depth_;
  uint64_t used_ = 0;
};

// What a search pays with: the caller's lease (or an unlimited one), the
// scratch charged to it, the StopFn's check and the work meter. Declare it
// before the search state, so that the scratch is released after it is
// freed.
struct Costs {
  Costs(WorkLease* lease, const StopFn& stop, uint64_t max_work, const char* what,
        const char* depth)
      : memory(lease != nullptr ? lease : &unlimited),
        scratch(memory),
        check(stop),
        work(max_work, what, depth) {}
  WorkLease unlimited;
  WorkLease* const memory;
  ScratchCharge scratch;
  StopCheck check;
  WorkMeter work;
};

// The one rule of the clock (docs/queries.md): statement [first, last] may
// be the next hop after clock t iff t <= last and, when the gap applies,
// first - t <= gap; the hop then uses max(t, first).
struct ClockRange {
  int64_t lo;  // the earliest clock it may follow
  int64_t hi;  // the latest
};
ClockRange FollowableClocks(int32_t first, int32_t last, std::optional<int32_t> gap) {
  return {gap ? int64_t{first} - *gap : std::numeric_limits<int64_t>::min(), last};
}

// Narrows `scan` to the entries that may follow one of the clocks [lo, hi]
// (FollowableClocks read backwards): first day at most 365 days before lo
// and, with a gap, at most `gap` days after hi; within the filter's window.
// False if no day is left.
bool FollowWindow(const CompiledFilter& filter, int32_t lo, int32_t hi, std::optional<int32_t> gap,
                  storage::EdgeScan* scan) {
  scan->day_lo = std::max(filter.day_lo(), Clamp(int64_t{lo} - (kLongestPeriodDays - 1)));
  scan->day_hi = filter.day_hi();
  if (gap) scan->day_hi = std::min(scan->day_hi, Clamp(int64_t{hi} + *gap));
  return scan->day_lo <= scan->day_hi;
}

// Calls `fn(entry, forward)` for each entry of `scan` (its entity and days
// set) along `direction` that passes the filter; forward: the entity is
// the statement's actor.
template <typename Fn>
absl::Status ForEachFollowable(const storage::ReadView& view, model::Direction direction,
                               const CompiledFilter& filter, StopCheck* stop,
                               storage::EdgeScan scan, const Fn& fn) {
  for (auto dir : {model::Direction::kOut, model::Direction::kIn}) {
    if (direction != model::Direction::kBoth && direction != dir) continue;
    scan.direction = dir;
    auto it = view.ScanEdges(scan);
    for (; it->Valid(); it->Next()) {
      if (stop->Step()) return Stopped();
      if (!filter.Matches(it->entry())) continue;
      if (absl::Status s = fn(it->entry(), dir == model::Direction::kOut); !s.ok()) return s;
    }
    if (absl::Status s = it->status(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// A statement's date from its index entry: a covering entry carries its
// precision; an older one (storage/key_codec.h) needs the statement.
absl::StatusOr<model::Date> DateOf(const storage::ReadView& view, const model::EdgeEntry& e) {
  if (e.covering) return model::DateOfFirstDay(e.day, e.precision);
  auto s = view.GetStatement(e.statement);
  if (!s.ok()) return s.status();
  return s->date;
}

// What every pass reads.
struct Search {
  const storage::ReadView& view;
  model::Direction direction;
  const CompiledFilter& filter;
  const TemporalOptions& options;
  EntityId from;
  EntityId to;
  int max_hops;
  StopCheck* stop;
  WorkMeter* work;
  WorkLease* memory;
};

// --------------------------------------------------------------- States

// Being at `entity` on day `clock`, and where one more hop can lead.
struct State {
  EntityId entity;
  int32_t clock;
  std::vector<uint32_t> next;  // state indices, sorted, distinct
};

struct StateKey {
  EntityId entity;
  int32_t clock;
  bool operator==(const StateKey&) const = default;
};
struct StateKeyHash {
  size_t operator()(const StateKey& k) const noexcept {
    return static_cast<size_t>((k.entity * 0x9E3779B97F4A7C15ull) ^ static_cast<uint32_t>(k.clock));
  }
};

// A state: its index entry, its place in states_ and in a level, and its
// row of earliest arrivals (charged per hop count in ComputeEarliest).
constexpr size_t kStateBytes = HashEntryBytes<std::pair<const StateKey, uint32_t>>() +
                               GrownVectorBytes<State>() + GrownVectorBytes<uint32_t>();
constexpr size_t kTransitionBytes = GrownVectorBytes<uint32_t>();

// Passes 1 and 2. State 0 is (from, t_0).
class StateGraph {
 public:
  StateGraph(const Search& s, ScratchCharge* scratch) : s_(s), scratch_(scratch) {}
  absl::Status Build();

  const State& state(uint32_t i) const { return states_[i]; }
  // The earliest clock at `to` that state i reaches in at most `hops` hops
  // (0..max_hops); kNever if none.
  int32_t EarliestAt(uint32_t i, int hops) const {
    return earliest_[static_cast<size_t>(i) * (s_.max_hops + 1) + hops];
  }
  // The fewest hops, at most `hops`, from state i to `to`; -1 if none.
  int FewestHops(uint32_t i, int hops) const;

 private:
  absl::StatusOr<uint32_t> Intern(EntityId entity, int32_t clock, std::vector<uint32_t>* fresh);
  absl::Status ExpandLevel(std::vector<uint32_t>* fresh);
  absl::Status ExpandEntity(const std::vector<uint32_t>& group, std::vector<uint32_t>* fresh);
  absl::Status Follow(const model::EdgeEntry& e, const std::vector<uint32_t>& group, bool gap,
                      std::vector<uint32_t>* fresh);
  absl::Status ComputeEarliest();

  const Search& s_;
  ScratchCharge* const scratch_;
  std::vector<State> states_;
  std::unordered_map<StateKey, uint32_t, StateKeyHash> index_;
  std::vector<int32_t> earliest_;  // per state, per hop count 0..max_hops
};

absl::Status StateGraph::Build() {
  std::vector<uint32_t> fresh;
  auto start = Intern(s_.from, s_.options.start_day.value_or(kNoClock), &fresh);
  if (!start.ok()) return start.status();
  // States first found at level max_hops end paths: no level expands them.
  for (int level = 0; level < s_.max_hops && !fresh.empty(); ++level) {
    if (absl::Status st = ExpandLevel(&fresh); !st.ok()) return st;
  }
  return ComputeEarliest();
}

absl::StatusOr<uint32_t> StateGraph::Intern(EntityId entity, int32_t clock,
                                            std::vector<uint32_t>* fresh) {
  auto [it, inserted] = index_.try_emplace(StateKey{entity, clock}, states_.size());
  if (!inserted) return it->second;
  absl::Status s = scratch_->Charge(kStateBytes);
  if (s.ok()) s = s_.work->Add(1);
  if (!s.ok()) return s;
  states_.push_back(State{entity, clock, {}});
  fresh->push_back(it->second);
  return it->second;
}

// Expands the states found at one level, one scan per entity for all its
// clocks; replaces `fresh` with the states found at the next.
absl::Status StateGraph::ExpandLevel(std::vector<uint32_t>* fresh) {
  std::vector<uint32_t> todo;
  todo.swap(*fresh);
  // A simple path ends at `to`: its states lead nowhere.
  std::erase_if(todo, [&](uint32_t i) { return states_[i].entity == s_.to; });
  std::sort(todo.begin(), todo.end(), [&](uint32_t a, uint32_t b) {
    return std::pair{states_[a].entity, states_[a].clock} <
           std::pair{states_[b].entity, states_[b].clock};
  });
  std::vector<uint32_t> group;
  for (size_t i = 0; i < todo.size(); ++i) {
    group.push_back(todo[i]);
    if (i + 1 < todo.size() && states_[todo[i + 1]].entity == states_[todo[i]].entity) continue;
    if (absl::Status s = ExpandEntity(group, fresh); !s.ok()) return s;
    group.clear();
  }
  return absl::OkStatus();
}

// `group`: states of one entity, by clock. Reads only the entries that can
// follow one of their clocks: ending on or after the earliest (first day
// at most 365 days before it) and, with a gap, starting at most g days
// after the latest; the rest of the entity's history is never read.
absl::Status StateGraph::ExpandEntity(const std::vector<uint32_t>& group,
                                      std::vector<uint32_t>* fresh) {
  if (s_.stop->Step()) return Stopped();
  const EntityId u = states_[group.front()].entity;
  // The start state, the only one at `from`, opens no gap.
  const bool gap = s_.options.max_gap_days.has_value() && u != s_.from;
  storage::EdgeScan scan;
  scan.entity = u;
  if (!FollowWindow(s_.filter, states_[group.front()].clock, states_[group.back()].clock,
                    gap ? s_.options.max_gap_days : std::nullopt, &scan)) {
    return absl::OkStatus();
  }
  absl::Status st = ForEachFollowable(
      s_.view, s_.direction, s_.filter, s_.stop, scan,
      [&](const model::EdgeEntry& e, bool) { return Follow(e, group, gap, fresh); });
  if (!st.ok()) return st;
  for (uint32_t i : group) {
    auto& next = states_[i].next;
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
  }
  return absl::OkStatus();
}

// Adds the transitions statement `e` gives the clocks of `group`: those t
// with t <= last(e) and, with a gap, first(e) - t <= g; each to
// (counterpart, max(t, first(e))). A simple path never steps onto an
// entity twice: not onto itself, nor back onto `from`.
absl::Status StateGraph::Follow(const model::EdgeEntry& e, const std::vector<uint32_t>& group,
                                bool gap, std::vector<uint32_t>* fresh) {
  const EntityId v = e.counterpart;
  if (v == states_[group.front()].entity || v == s_.from) return absl::OkStatus();
  auto date = DateOf(s_.view, e);
  if (!date.ok()) return date.status();
  const int32_t first = e.day;
  const int32_t last = model::LastDay(*date);
  const ClockRange range =
      FollowableClocks(first, last, gap ? s_.options.max_gap_days : std::nullopt);
  auto clock_below = [&](uint32_t i, int64_t day) { return states_[i].clock < day; };
  auto day_below = [&](int64_t day, uint32_t i) { return day < states_[i].clock; };
  auto begin = std::lower_bound(group.begin(), group.end(), range.lo, clock_below);
  auto end = std::upper_bound(group.begin(), group.end(), range.hi, day_below);
  for (auto i = begin; i < end; ++i) {
    auto target = Intern(v, std::max(states_[*i].clock, first), fresh);
    if (!target.ok()) return target.status();
    auto& next = states_[*i].next;
    if (!next.empty() && next.back() == *target) continue;
    absl::Status s = scratch_->Charge(kTransitionBytes);
    if (s.ok()) s = s_.work->Add(1);
    if (!s.ok()) return s;
    next.push_back(*target);
  }
  return absl::OkStatus();
}

// Pass 2: hop count by hop count, the earliest clock at `to` within r hops
// is the state's own (at `to`) or the best of its successors' within r - 1.
absl::Status StateGraph::ComputeEarliest() {
  const size_t width = s_.max_hops + 1;
  if (absl::Status s = scratch_->Charge(HeapBytes(states_.size() * width * sizeof(int32_t)));
      !s.ok()) {
    return s;
  }
  earliest_.assign(states_.size() * width, kNever);
  for (size_t i = 0; i < states_.size(); ++i) {
    if (states_[i].entity == s_.to) earliest_[i * width] = states_[i].clock;
  }
  for (size_t r = 1; r < width; ++r) {
    if (s_.stop->Step()) return Stopped();
    for (size_t i = 0; i < states_.size(); ++i) {
      int32_t best = earliest_[i * width + r - 1];
      for (uint32_t n : states_[i].next) best = std::min(best, earliest_[n * width + r - 1]);
      earliest_[i * width + r] = best;
    }
    if (absl::Status s = s_.work->Add(states_.size()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

int StateGraph::FewestHops(uint32_t i, int hops) const {
  for (int r = 0; r <= hops; ++r) {
    if (EarliestAt(i, r) != kNever) return r;
  }
  return -1;
}

// ---------------------------------------------------------- Enumeration

// A path's place in the mode's order: (primary, hops, arrival), smaller
// first; the primary objective is negated where larger is better.
struct Key {
  int64_t primary = 0;
  int hops = 0;
  int32_t arrival = 0;
  auto operator<=>(const Key&) const = default;
};

// One way a path prefix can stand: at a state, having departed on a day
// (t_1; unset before the first hop).
struct Pair {
  uint32_t state;
  int32_t departure;
};

struct Candidate {
  EntityId entity;
  int32_t clock;
  int32_t departure;
  uint32_t state;
};

struct Found {
  std::vector<EntityId> entities;
  Key key;  // the best over the path's statement choices
};

bool DepartureMatters(TemporalMode m) {
  return m == TemporalMode::kLatestDeparture || m == TemporalMode::kFastest;
}

// Pass 3. Finds, in lexicographic order, the paths of the answer (at most
// max_paths) and the best path under the whole order.
class Enumerator {
 public:
  Enumerator(const Search& s, const StateGraph& g, int max_paths)
      : s_(s), g_(g), max_paths_(max_paths) {}
  absl::Status Run() {
    path_ = {s_.from};
    return Extend({Pair{0, 0}});
  }
  const std::vector<Found>& answers() const { return answers_; }
  const Found& best() const { return best_; }

 private:
  absl::Status Extend(const std::vector<Pair>& pairs);
  absl::Status Candidates(const std::vector<Pair>& pairs, ScratchCharge* scratch,
                          std::vector<Candidate>* out) const;
  std::vector<Pair> Keep(const Candidate* begin, const Candidate* end) const;
  void Record(const std::vector<Pair>& pairs);
  Key KeyOf(const Pair& p, int hops) const;
  Key LowerBound(const Pair& p, int hops) const;
  // What decides membership of the answer: arrival only for kShortest.
  Key AnswerPart(Key k) const {
    if (s_.options.mode != TemporalMode::kShortest) k.arrival = 0;
    return k;
  }
  bool Hopeless(const Key& bound) const;
  bool OnPath(EntityId e) const { return std::find(path_.begin(), path_.end(), e) != path_.end(); }

  const Search& s_;
  const StateGraph& g_;
  const int max_paths_;
  std::vector<EntityId> path_;
  std::vector<Found> answers_;  // all with one AnswerPart, in lexicographic order
  Found best_;                  // entities empty until a path is found
};

absl::Status Enumerator::Extend(const std::vector<Pair>& pairs) {
  ScratchCharge scratch(s_.memory);  // before `next`: released after it is freed
  std::vector<Candidate> next;
  if (absl::Status s = Candidates(pairs, &scratch, &next); !s.ok()) return s;
  std::sort(next.begin(), next.end(), [](const Candidate& a, const Candidate& b) {
    return std::tuple{a.entity, a.clock, -int64_t{a.departure}} <
           std::tuple{b.entity, b.clock, -int64_t{b.departure}};
  });
  for (size_t i = 0, j = 0; i < next.size(); i = j) {
    while (j < next.size() && next[j].entity == next[i].entity) ++j;
    std::vector<Pair> kept = Keep(next.data() + i, next.data() + j);
    if (kept.empty()) continue;
    path_.push_back(next[i].entity);
    absl::Status s;
    if (next[i].entity == s_.to) {
      Record(kept);
    } else {
      s = Extend(kept);
    }
    path_.pop_back();
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// The pairs one hop on from `pairs`, onto entities off the path, from which
// `to` stays within reach of max_hops.
absl::Status Enumerator::Candidates(const std::vector<Pair>& pairs, ScratchCharge* scratch,
                                    std::vector<Candidate>* out) const {
  if (s_.stop->Step()) return Stopped();
  const int hops = static_cast<int>(path_.size());  // after the step
  for (const Pair& p : pairs) {
    for (uint32_t n : g_.state(p.state).next) {
      const State& to = g_.state(n);
      if (OnPath(to.entity) || g_.EarliestAt(n, s_.max_hops - hops) == kNever) continue;
      absl::Status s = scratch->Charge(GrownVectorBytes<Candidate>());
      if (s.ok()) s = s_.work->Add(1);
      if (!s.ok()) return s;
      out->push_back(Candidate{to.entity, to.clock, hops == 1 ? to.clock : p.departure, n});
    }
  }
  return absl::OkStatus();
}

// The pairs of one entity (sorted by clock, then latest departure first)
// worth going on with: not hopeless, and not dominated. Without a gap, an
// earlier clock is never worse (it may follow every statement a later one
// may, and each clock after it is no later), so a pair is kept only
// if it departs later than every pair with a smaller clock (later matters
// only for kLatestDeparture and kFastest). With a gap, a later clock may
// reach statements an earlier one may not: one pair per clock.
std::vector<Pair> Enumerator::Keep(const Candidate* begin, const Candidate* end) const {
  const bool gap = s_.options.max_gap_days.has_value();
  const bool departure_matters = DepartureMatters(s_.options.mode);
  const int hops = static_cast<int>(path_.size());
  std::vector<Pair> kept;
  int64_t latest = std::numeric_limits<int64_t>::min();
  for (const Candidate* c = begin; c != end; ++c) {
    const Pair p{c->state, c->departure};
    if (Hopeless(LowerBound(p, hops))) continue;
    if (gap) {
      if (kept.empty() || g_.state(kept.back().state).clock != c->clock) kept.push_back(p);
    } else if (departure_matters ? c->departure > latest : kept.empty()) {
      kept.push_back(p);
      latest = c->departure;
    }
  }
  return kept;
}

void Enumerator::Record(const std::vector<Pair>& pairs) {
  const int hops = static_cast<int>(path_.size()) - 1;
  Key key = KeyOf(pairs.front(), hops);
  for (const Pair& p : pairs) key = std::min(key, KeyOf(p, hops));
  if (best_.entities.empty() || key < best_.key) best_ = Found{path_, key};
  if (answers_.empty() || AnswerPart(key) < AnswerPart(answers_.front().key)) {
    answers_.clear();
    answers_.push_back(Found{path_, key});
  } else if (AnswerPart(key) == AnswerPart(answers_.front().key) &&
             static_cast<int>(answers_.size()) < max_paths_) {
    answers_.push_back(Found{path_, key});
  }
}

Key Enumerator::KeyOf(const Pair& p, int hops) const {
  const int32_t arrival = g_.state(p.state).clock;
  switch (s_.options.mode) {
    case TemporalMode::kEarliestArrival:
      return {arrival, hops, arrival};
    case TemporalMode::kLatestDeparture:
      return {-int64_t{p.departure}, hops, arrival};
    case TemporalMode::kFastest:
      return {int64_t{arrival} - p.departure, hops, arrival};
    case TemporalMode::kShortest:
      return {hops, hops, arrival};
  }
  return {};
}

// A key no completion of `p` (after `hops` hops) beats: each component is
// a lower bound (the arrival one given the fewest hops, which is all that
// can tie on hops), so the key is one in the lexicographic order too.
Key Enumerator::LowerBound(const Pair& p, int hops) const {
  const int left = g_.FewestHops(p.state, s_.max_hops - hops);
  const int32_t soonest = g_.EarliestAt(p.state, s_.max_hops - hops);
  const Key k = KeyOf(p, hops + left);
  Key bound{k.primary, hops + left, g_.EarliestAt(p.state, left)};
  if (s_.options.mode == TemporalMode::kEarliestArrival) bound.primary = soonest;
  if (s_.options.mode == TemporalMode::kFastest) bound.primary = int64_t{soonest} - p.departure;
  return bound;
}

// Whether a prefix whose completions are all at least `bound` can neither
// join the answer nor become the best path.
bool Enumerator::Hopeless(const Key& bound) const {
  if (answers_.empty()) return false;
  if (AnswerPart(bound) > AnswerPart(answers_.front().key)) return true;
  return static_cast<int>(answers_.size()) >= max_paths_ && bound >= best_.key;
}

// ---------------------------------------------------------------- Result

// The days a found path used: among its statement choices with its best
// key, the lexicographically smallest (t_1, ..., t_k). Layer i holds the
// path's states after i hops; `good[i]` those that still end on the key's
// arrival; then each day is the smallest good one after the previous.
absl::StatusOr<std::vector<int32_t>> UsedDays(const Search& s, const StateGraph& g,
                                              const Found& found) {
  const size_t k = found.entities.size() - 1;
  std::vector<std::vector<uint32_t>> layer(k + 1);
  layer[0] = {0};
  for (size_t i = 1; i <= k; ++i) {
    for (uint32_t p : layer[i - 1]) {
      for (uint32_t n : g.state(p).next) {
        if (g.state(n).entity == found.entities[i]) layer[i].push_back(n);
      }
    }
    std::sort(layer[i].begin(), layer[i].end());
    layer[i].erase(std::unique(layer[i].begin(), layer[i].end()), layer[i].end());
  }
  std::vector<std::vector<uint32_t>> good(k + 1);
  for (uint32_t n : layer[k]) {
    if (g.state(n).clock == found.key.arrival) good[k].push_back(n);
  }
  for (size_t i = k - 1; i >= 1; --i) {
    for (uint32_t n : layer[i]) {
      for (uint32_t m : g.state(n).next) {
        if (std::binary_search(good[i + 1].begin(), good[i + 1].end(), m)) {
          good[i].push_back(n);
          break;
        }
      }
    }
  }
  std::optional<int32_t> departure;  // what the key fixes t_1 to
  if (s.options.mode == TemporalMode::kLatestDeparture) departure = -found.key.primary;
  if (s.options.mode == TemporalMode::kFastest) departure = found.key.arrival - found.key.primary;
  std::vector<int32_t> days;
  uint32_t at = 0;
  for (size_t i = 1; i <= k; ++i) {
    std::optional<uint32_t> pick;
    for (uint32_t n : g.state(at).next) {
      if (!std::binary_search(good[i].begin(), good[i].end(), n)) continue;
      if (i == 1 && departure && g.state(n).clock != *departure) continue;
      if (!pick || g.state(n).clock < g.state(*pick).clock) pick = n;
    }
    if (!pick) return absl::InternalError("a found time-respecting path has no used days");
    days.push_back(g.state(*pick).clock);
    at = *pick;
  }
  return days;
}

// Hop u->v after clock `before` on `day`: every statement that gives it
// that day (the constraints then hold for all of them alike). Reads the
// pair's entries with first day in [before - 365, day].
absl::StatusOr<TemporalHop> HopOn(const Search& s, EntityId u, EntityId v, int32_t before,
                                  int32_t day, int limit) {
  TemporalHop hop{u, v, day, 0, {}};
  storage::EdgeScan scan;
  scan.entity = u;
  scan.pair_with = v;
  scan.day_lo = std::max(s.filter.day_lo(), Clamp(int64_t{before} - (kLongestPeriodDays - 1)));
  scan.day_hi = std::min(s.filter.day_hi(), day);
  auto it = s.view.ScanEdges(scan);
  for (; it->Valid(); it->Next()) {
    const model::EdgeEntry& e = it->entry();
    const bool forward = e.counterpart == u;  // counterpart is the actor
    if (s.direction == model::Direction::kOut && !forward) continue;
    if (s.direction == model::Direction::kIn && forward) continue;
    if (!s.filter.Matches(e)) continue;
    auto date = DateOf(s.view, e);
    if (!date.ok()) return date.status();
    if (model::LastDay(*date) < before || std::max(before, e.day) != day) continue;
    ++hop.count;
    if (static_cast<int>(hop.statements.size()) < limit) {
      hop.statements.push_back(HopStatement{e.statement, *date});
    }
  }
  if (absl::Status st = it->status(); !st.ok()) return st;
  return hop;
}

// The path of `found` with its used days and its hops' statements, charged
// to s.memory.
absl::StatusOr<TemporalPath> MakePath(const Search& s, const StateGraph& g, const Found& found,
                                      int evidence_per_hop) {
  auto days = UsedDays(s, g, found);
  if (!days.ok()) return days.status();
  TemporalPath path{found.entities, {}, days->front(), days->back()};
  size_t bytes = HeapBytes(path.entities.size() * sizeof(EntityId)) +
                 HeapBytes(days->size() * sizeof(TemporalHop));
  int32_t before = s.options.start_day.value_or(kNoClock);
  for (size_t i = 0; i < days->size(); ++i) {
    auto hop =
        HopOn(s, found.entities[i], found.entities[i + 1], before, (*days)[i], evidence_per_hop);
    if (!hop.ok()) return hop.status();
    bytes += HeapBytes(hop->statements.capacity() * sizeof(HopStatement));
    path.hops.push_back(std::move(*hop));
    before = (*days)[i];
  }
  if (absl::Status st = s.memory->Charge(bytes); !st.ok()) return st;
  return path;
}

absl::StatusOr<TemporalPathsResult> Answer(const Search& s, const StateGraph& g,
                                           const Enumerator& en, int evidence_per_hop) {
  TemporalPathsResult out;
  if (en.answers().empty()) return out;
  out.distance = en.answers().front().key.hops;
  auto best = MakePath(s, g, en.best(), 0);
  if (!best.ok()) return best.status();
  out.departure = best->departure;
  out.arrival = best->arrival;
  out.duration = best->arrival - best->departure;
  for (const Found& f : en.answers()) {
    auto path = MakePath(s, g, f, evidence_per_hop);
    if (!path.ok()) return path.status();
    out.paths.push_back(std::move(*path));
  }
  return out;
}

// -------------------------------------------------------------- Traverse
//
// A level search over the same states (entity, clock) as StateGraph's,
// from every seed's (seed, t_0), up to max_depth levels. Unlike
// FindPaths', it follows walks (entities and statements may repeat);
// docs/queries.md says why that is exact without a gap and what it means
// with one. Without a gap an earlier clock is never worse (it may follow
// every statement a later one may, to no later a clock), so an entity
// keeps only states earlier than all it has; with one, every state.

// A reached entity.
struct Reach {
  int depth;
  int32_t best_clock;              // its earliest state's (a seed's: t_0)
  std::optional<int32_t> arrival;  // the earliest after a hop; none for a seed
};

struct Walker {
  EntityId entity;
  int32_t clock;
};

struct EdgeRow {
  AggregatedEdge edge;
  std::vector<std::pair<int32_t, model::StatementId>> newest;  // (first day, id), newest first
};

using EdgeKey = std::pair<EntityId, EntityId>;  // (actor, target)

constexpr size_t kReachBytes = HashEntryBytes<std::pair<const EntityId, Reach>>();
constexpr size_t kWalkerBytes = GrownVectorBytes<Walker>() + HashEntryBytes<StateKey>();
constexpr size_t kFollowedBytes = HashEntryBytes<model::StatementId>();
constexpr size_t kEdgeRowBytes = MapEntryBytes<EdgeKey, EdgeRow>();

class TemporalTraversal {
 public:
  TemporalTraversal(const storage::ReadView& view, model::Direction direction,
                    const CompiledFilter& filter, const TemporalOptions& options,
                    const TraverseLimits& limits, StopCheck* stop, WorkMeter* work,
                    WorkLease* memory, ScratchCharge* scratch)
      : view_(view),
        direction_(direction),
        filter_(filter),
        options_(options),
        limits_(limits),
        stop_(stop),
        work_(work),
        memory_(memory),
        scratch_(scratch) {}

  absl::Status AddSeeds(const std::vector<EntityId>& seeds);
  absl::Status Run();
  absl::StatusOr<TraverseResult> Finish();

 private:
  absl::Status ExpandEntity(const Walker* begin, const Walker* end, int level,
                            std::vector<Walker>* next);
  absl::Status Follow(const model::EdgeEntry& e, bool forward, const Walker* begin,
                      const Walker* end, bool gap, int level, int* taken,
                      std::vector<Walker>* next);
  absl::StatusOr<bool> Arrive(EntityId v, int32_t clock, int depth, int* taken,
                              std::vector<Walker>* next);
  absl::Status AddToEdge(const model::EdgeEntry& e, EdgeKey key);
  void Note(const char* limit) {
    if (truncated_.empty()) truncated_ = limit;
  }

  const storage::ReadView& view_;
  const model::Direction direction_;
  const CompiledFilter& filter_;
  const TemporalOptions& options_;
  const TraverseLimits& limits_;
  StopCheck* const stop_;
  WorkMeter* const work_;
  WorkLease* const memory_;
  ScratchCharge* const scratch_;
  std::string truncated_;
  std::unordered_map<EntityId, Reach> reached_;
  std::unordered_set<StateKey, StateKeyHash> seen_;  // with a gap: every state found
  // With BOTH a statement is met from both ends, and at several clocks:
  // it counts once.
  std::unordered_set<model::StatementId> followed_;
  std::map<EdgeKey, EdgeRow> edges_;
  std::vector<Walker> frontier_;
};

absl::Status TemporalTraversal::AddSeeds(const std::vector<EntityId>& seeds) {
  const int32_t start = options_.start_day.value_or(kNoClock);
  for (EntityId s : seeds) {
    if (reached_.count(s)) continue;
    // Seeds count towards max_nodes too: more seeds than that are cut.
    if (static_cast<int>(reached_.size()) >= limits_.max_nodes) {
      Note("max_nodes");
      break;
    }
    if (absl::Status st = scratch_->Charge(kReachBytes + kWalkerBytes); !st.ok()) return st;
    reached_.emplace(s, Reach{0, start, std::nullopt});
    seen_.insert(StateKey{s, start});
    frontier_.push_back(Walker{s, start});
  }
  return absl::OkStatus();
}

// Level by level; one scan per entity and level for all its clocks.
absl::Status TemporalTraversal::Run() {
  for (int level = 0; level < limits_.max_depth && !frontier_.empty(); ++level) {
    std::sort(frontier_.begin(), frontier_.end(), [](const Walker& a, const Walker& b) {
      return std::pair{a.entity, a.clock} < std::pair{b.entity, b.clock};
    });
    std::vector<Walker> next;
    for (size_t i = 0, j = 0; i < frontier_.size(); i = j) {
      while (j < frontier_.size() && frontier_[j].entity == frontier_[i].entity) ++j;
      if (absl::Status s = ExpandEntity(&frontier_[i], frontier_.data() + j, level, &next);
          !s.ok()) {
        return s;
      }
    }
    frontier_ = std::move(next);
  }
  return absl::OkStatus();
}

// [begin, end): the states of one entity found at `level`, by clock. The
// seeds' start states (level 0) open no gap.
absl::Status TemporalTraversal::ExpandEntity(const Walker* begin, const Walker* end, int level,
                                             std::vector<Walker>* next) {
  if (stop_->Step()) return Stopped();
  const bool gap = options_.max_gap_days.has_value() && level > 0;
  storage::EdgeScan scan;
  scan.entity = begin->entity;
  if (!FollowWindow(filter_, begin->clock, (end - 1)->clock,
                    gap ? options_.max_gap_days : std::nullopt, &scan)) {
    return absl::OkStatus();
  }
  int taken = 0;  // new neighbours, against max_fanout
  return ForEachFollowable(view_, direction_, filter_, stop_, scan,
                           [&](const model::EdgeEntry& e, bool forward) {
                             return Follow(e, forward, begin, end, gap, level, &taken, next);
                           });
}

// Statement `e` after the clocks of [begin, end) that it may follow; it is
// followed if one may and the limits keep its other end.
absl::Status TemporalTraversal::Follow(const model::EdgeEntry& e, bool forward, const Walker* begin,
                                       const Walker* end, bool gap, int level, int* taken,
                                       std::vector<Walker>* next) {
  auto date = DateOf(view_, e);
  if (!date.ok()) return date.status();
  const ClockRange range =
      FollowableClocks(e.day, model::LastDay(*date), gap ? options_.max_gap_days : std::nullopt);
  const Walker* lo = std::lower_bound(begin, end, range.lo,
                                      [](const Walker& w, int64_t day) { return w.clock < day; });
  const Walker* hi = std::upper_bound(begin, end, range.hi,
                                      [](int64_t day, const Walker& w) { return day < w.clock; });
  if (!gap && lo < hi) hi = lo + 1;  // the earliest clock goes furthest
  bool kept = false;
  for (const Walker* w = lo; w < hi; ++w) {
    if (absl::Status s = work_->Add(1); !s.ok()) return s;
    auto arrived = Arrive(e.counterpart, std::max(w->clock, e.day), level + 1, taken, next);
    if (!arrived.ok()) return arrived.status();
    kept = kept || *arrived;
  }
  if (!kept) return absl::OkStatus();
  const EntityId u = begin->entity;
  return AddToEdge(e, forward ? EdgeKey{u, e.counterpart} : EdgeKey{e.counterpart, u});
}

// Entity v reached after `depth` hops on day `clock`: a new state unless
// an equal (or, without a gap, earlier) one exists. False if the limits
// keep v out.
absl::StatusOr<bool> TemporalTraversal::Arrive(EntityId v, int32_t clock, int depth, int* taken,
                                               std::vector<Walker>* next) {
  auto it = reached_.find(v);
  if (it == reached_.end()) {
    if (*taken >= limits_.max_fanout) return Note("max_fanout"), false;
    if (static_cast<int>(reached_.size()) >= limits_.max_nodes) return Note("max_nodes"), false;
    if (absl::Status s = scratch_->Charge(kReachBytes); !s.ok()) return s;
    it = reached_.emplace(v, Reach{depth, clock, clock}).first;
    ++*taken;
  } else if (options_.max_gap_days ? seen_.count(StateKey{v, clock}) > 0
                                   : clock >= it->second.best_clock) {
    return true;
  }
  Reach& r = it->second;
  r.best_clock = std::min(r.best_clock, clock);
  if (r.depth > 0) r.arrival = std::min(r.arrival.value_or(clock), clock);
  absl::Status s = scratch_->Charge(kWalkerBytes);
  if (s.ok()) s = work_->Add(1);
  if (!s.ok()) return s;
  if (options_.max_gap_days) seen_.insert(StateKey{v, clock});
  next->push_back(Walker{v, clock});
  return true;
}

absl::Status TemporalTraversal::AddToEdge(const model::EdgeEntry& e, EdgeKey key) {
  auto row = edges_.find(key);
  if (row == edges_.end()) {
    if (static_cast<int>(edges_.size()) >= limits_.max_edges)
      return Note("max_edges"), absl::OkStatus();
    if (absl::Status s = scratch_->Charge(kEdgeRowBytes); !s.ok()) return s;
    row = edges_.emplace(key, EdgeRow{AggregatedEdge{key.first, key.second}, {}}).first;
    row->second.newest.reserve(limits_.evidence_per_edge);
    const size_t bytes = row->second.newest.capacity() * sizeof(row->second.newest[0]);
    if (absl::Status s = scratch_->Charge(bytes == 0 ? 0 : HeapBytes(bytes)); !s.ok()) return s;
  }
  if (!followed_.insert(e.statement).second) return absl::OkStatus();
  if (absl::Status s = scratch_->Charge(kFollowedBytes); !s.ok()) return s;
  CountStatement(e, &row->second.edge);
  // Keeps the evidence_per_edge newest, whatever order they come in.
  auto& newest = row->second.newest;
  const std::pair<int32_t, model::StatementId> item{e.day, e.statement};
  auto at = std::lower_bound(newest.begin(), newest.end(), item, std::greater<>());
  if (at - newest.begin() >= limits_.evidence_per_edge) return absl::OkStatus();
  if (static_cast<int>(newest.size()) == limits_.evidence_per_edge) newest.pop_back();
  newest.insert(at, item);
  return absl::OkStatus();
}

// Nodes by depth, then id; edges by (actor, target); charged to memory_.
absl::StatusOr<TraverseResult> TemporalTraversal::Finish() {
  TraverseResult out;
  out.truncated = truncated_;
  size_t bytes = HeapBytes(reached_.size() * sizeof(ReachedNode)) +
                 HeapBytes(edges_.size() * sizeof(AggregatedEdge));
  out.nodes.reserve(reached_.size());
  for (const auto& [id, r] : reached_) out.nodes.push_back(ReachedNode{id, r.depth, r.arrival});
  std::sort(out.nodes.begin(), out.nodes.end(), [](const ReachedNode& a, const ReachedNode& b) {
    return std::pair{a.depth, a.id} < std::pair{b.depth, b.id};
  });
  out.edges.reserve(edges_.size());
  for (auto& [key, row] : edges_) {
    for (const auto& [day, id] : row.newest) row.edge.evidence.push_back(id);
    if (!row.edge.evidence.empty()) {
      bytes += HeapBytes(row.edge.evidence.capacity() * sizeof(model::StatementId));
    }
    out.edges.push_back(std::move(row.edge));
  }
  if (absl::Status s = memory_->Charge(bytes); !s.ok()) return s;
  return out;
}

}  // namespace

void ValidateTemporalOptions(const TemporalOptions& options,
                             std::vector<model::FieldViolation>* out) {
  if (!InRange(static_cast<int>(options.mode), 0, 3)) {
    out->push_back(
        {"temporal_mode", "must be EARLIEST_ARRIVAL, LATEST_DEPARTURE, FASTEST or SHORTEST"});
  }
  if (options.max_gap_days && *options.max_gap_days < 0) {
    out->push_back({"max_gap_days", "must be 0 or more"});
  }
  if (options.start_day && !InRange(*options.start_day, model::kMinDay, model::kMaxDay)) {
    out->push_back({"start_date", "must be a day of years 1..9999"});
  }
}

absl::StatusOr<TemporalPathsResult> FindTemporalPaths(const storage::ReadView& view, EntityId from,
                                                      EntityId to, model::Direction direction,
                                                      const CompiledFilter& filter,
                                                      const TemporalOptions& options, int max_hops,
                                                      int max_paths, int evidence_per_hop,
                                                      const StopFn& stop, WorkLease* memory) {
  std::vector<model::FieldViolation> violations;
  ValidatePathLimits(max_hops, max_paths, evidence_per_hop, &violations);
  ValidateTemporalOptions(options, &violations);
  if (from == to) violations.push_back({"to", "must differ from `from`"});
  if (!violations.empty()) return model::InvalidArgument(violations);
  Costs costs(memory, stop, options.max_work, "path search", "max_hops");
  const Search s{view, direction, filter,       options,     from,
                 to,   max_hops,  &costs.check, &costs.work, costs.memory};
  StateGraph graph(s, &costs.scratch);
  if (absl::Status st = graph.Build(); !st.ok()) return st;
  Enumerator enumerator(s, graph, max_paths);
  if (absl::Status st = enumerator.Run(); !st.ok()) return st;
  // A claim the filter could not read made its statements fail the filter.
  if (absl::Status st = filter.claims_status(); !st.ok()) return st;
  return Answer(s, graph, enumerator, evidence_per_hop);
}

}  // namespace entente::graph

namespace entente::graph {

absl::StatusOr<TraverseResult> TemporalTraverse(
    const storage::ReadView& view, const std::vector<EntityId>& seeds, model::Direction direction,
    const CompiledFilter& filter, const TemporalOptions& options, const TraverseLimits& limits,
    const StopFn& stop, WorkLease* memory) {
  std::vector<model::FieldViolation> violations;
  ValidateTemporalOptions(options, &violations);
  if (!violations.empty()) return model::InvalidArgument(violations);
  Costs costs(memory, stop, options.max_work, "traversal", "max_depth");
  TemporalTraversal t(view, direction, filter, options, limits, &costs.check, &costs.work,
                      costs.memory, &costs.scratch);
  if (absl::Status s = t.AddSeeds(seeds); !s.ok()) return s;
  if (absl::Status s = t.Run(); !s.ok()) return s;
  // A claim the filter could not read made its statements fail the filter.
  if (absl::Status s = filter.claims_status(); !s.ok()) return s;
  return t.Finish();
}

}  // namespace entente::graph
