#include "tests/graph/query_maker.h"

#include <algorithm>
#include <iterator>
#include <string>

namespace entente::graph {

using model::EntityId;

QueryMaker::QueryMaker(const ReferenceGraph& ref, std::vector<EntityId> isolated, uint32_t seed)
    : ref_(ref),
      isolated_(std::move(isolated)),
      by_statements_(ref.EntitiesByStatements()),
      rng_(seed) {
  min_day_ = max_day_ = ref.statements().front().day;
  for (const auto& s : ref.statements()) {
    min_day_ = std::min(min_day_, s.day);
    max_day_ = std::max(max_day_, s.day);
  }
}

const RefStatement& QueryMaker::AnyStatement() {
  return ref_.statements()[Uniform(0, static_cast<int>(ref_.statements().size()) - 1)];
}

// The date holding `day`, to the day, month or year.
model::Date QueryMaker::DateAt(int32_t day) {
  const model::Date d = model::DateOfDay(day);
  const int p = Uniform(0, 9);
  if (p < 7) return d;
  if (p < 9) return {d.year, d.month, 0};
  return {d.year, 0, 0};
}

model::Direction QueryMaker::AnyDirection() { return static_cast<model::Direction>(Uniform(1, 3)); }

EdgeFilter QueryMaker::Filter() {
  EdgeFilter f;
  if (Chance(0.3)) return f;
  if (Chance(0.55)) {
    int32_t a = AnyStatement().day, b = AnyStatement().day;
    if (a > b) std::swap(a, b);
    switch (Uniform(0, 4)) {
      case 0:  // anywhere, to the day, month or year
        a = Uniform(min_day_ - 30, max_day_ + 30);
        b = Uniform(min_day_ - 30, max_day_ + 30);
        if (a > b) std::swap(a, b);
        f.date_from = DateAt(a);
        f.date_to = DateAt(b);
        break;
      case 1:  // one day holding a statement
        f.date_from = f.date_to = model::DateOfDay(a);
        break;
      case 2:  // both bounds on statements' days
        f.date_from = model::DateOfDay(a);
        f.date_to = model::DateOfDay(b);
        break;
      case 3:
        f.date_from = DateAt(a);
        break;
      default:
        f.date_to = DateAt(b);
        break;
    }
  }
  if (Chance(0.3)) {
    static const char* const kPrefixes[] = {"1", "19", "042", "0", "01", "2", "14", "190", "04"};
    for (int n = Uniform(1, 2); n > 0; --n) {
      const std::string& code = AnyStatement().code;
      if (code.empty() || Chance(0.6)) {
        f.code_prefixes.push_back(kPrefixes[Uniform(0, std::size(kPrefixes) - 1)]);
      } else {
        f.code_prefixes.push_back(code.substr(0, Uniform(1, code.size())));
      }
    }
  }
  if (Chance(0.15)) {
    for (int n = Uniform(1, 2); n > 0; --n) {
      f.quad_classes.push_back(static_cast<model::QuadClass>(Uniform(1, 4)));
    }
  }
  if (Chance(0.2))
    f.min_confidence = Chance(0.5) ? Uniform(0, 20) / 20.0 : AnyStatement().confidence;
  if (Chance(0.15)) {
    for (int n = Uniform(1, 2); n > 0; --n) {
      f.modalities.push_back(static_cast<model::Modality>(Uniform(0, 4)));
    }
  }
  if (Chance(0.2)) f.min_sources = Uniform(0, 4);
  if (Chance(0.15)) f.contested = Chance(0.5) ? Contested::kOnly : Contested::kExclude;
  return f;
}

EntityId QueryMaker::Entity() {
  const int p = Uniform(0, 99);
  if (p < 5 && !isolated_.empty()) return isolated_[Uniform(0, isolated_.size() - 1)];
  const int n = static_cast<int>(by_statements_.size());
  if (p < 35) return by_statements_[Uniform(0, std::min(n, 10) - 1)];
  return by_statements_[Uniform(0, n - 1)];
}

TraverseQuery QueryMaker::Traverse(int max_depth_cap) {
  TraverseQuery q;
  q.seeds.resize(Chance(0.8) ? 1 : Uniform(2, 4));
  for (auto& s : q.seeds) s.id = Entity();
  if (Chance(0.05)) q.seeds.push_back(q.seeds.front());  // a seed given twice
  q.direction = AnyDirection();
  q.filter = Filter();
  q.limits.max_depth = Uniform(1, max_depth_cap);
  q.limits.evidence_per_edge = Uniform(0, 5);
  q.count_sources = Chance(0.4);
  return q;
}

TraverseQuery QueryMaker::LimitedTraverse() {
  TraverseQuery q = Traverse(3);
  q.limits.max_nodes = Chance(0.5) ? Uniform(1, 40) : 100000;
  q.limits.max_edges = Chance(0.5) ? Uniform(1, 60) : 1000000;
  q.limits.max_fanout = Chance(0.5) ? Uniform(1, 8) : 1000000;
  return q;
}

PathQuery QueryMaker::Path(int max_hops_cap) {
  PathQuery q;
  q.from.id = Entity();
  // Half the time a few random steps away, so that paths exist.
  EntityId to = q.from.id;
  if (Chance(0.5)) {
    for (int steps = Uniform(1, 4); steps > 0; --steps) {
      std::vector<EntityId> next;
      for (const auto& s : ref_.statements()) {
        if (s.actor == to) next.push_back(s.target);
        if (s.target == to) next.push_back(s.actor);
      }
      if (next.empty()) break;
      to = next[Uniform(0, next.size() - 1)];
    }
  }
  while (to == q.from.id) to = Entity();
  q.to.id = to;
  q.direction = AnyDirection();
  q.filter = Filter();
  q.max_hops = Uniform(1, max_hops_cap);
  q.max_paths = Chance(0.5) ? Uniform(1, 3) : Uniform(1, 100);
  q.evidence_per_hop = Uniform(1, 5);
  q.count_sources = Chance(0.4);
  return q;
}

TimelineQuery QueryMaker::Timeline() {
  TimelineQuery q;
  const int p = Uniform(0, 9);  // mostly a dyad with statements
  if (p < 6) {
    const RefStatement& s = AnyStatement();
    q.a.id = s.actor;
    q.b.id = s.target;
    if (Chance(0.5)) std::swap(q.a, q.b);
  } else if (p < 7) {
    q.a.id = q.b.id = Entity();  // the entity's statements to itself
  } else if (p < 8) {
    q.a.id = by_statements_[Uniform(0, std::min<int>(by_statements_.size(), 5) - 1)];
    q.b.id = by_statements_[Uniform(0, std::min<int>(by_statements_.size(), 5) - 1)];
  } else {
    q.a.id = Entity();
    q.b.id = Entity();
  }
  q.filter = Filter();
  q.granularity = static_cast<Granularity>(Uniform(0, 3));
  q.page_size = Chance(0.9) ? Uniform(1, 20) : kMaxPageSize;
  q.count_sources = Chance(0.4);
  return q;
}

StatementQuery QueryMaker::List() {
  StatementQuery q;
  q.entity.id = Entity();
  q.direction = AnyDirection();
  q.filter = Filter();
  const int p = Uniform(0, 9);
  q.page_size = p < 5 ? Uniform(1, 10) : p < 9 ? Uniform(10, 100) : kMaxPageSize;
  return q;
}

int QueryMaker::Profile(EntityId* entity) {
  *entity = Entity();
  return Chance(0.3) ? Uniform(0, 5) : Uniform(0, 100);
}

}  // namespace entente::graph
