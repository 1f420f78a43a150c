#include "bench/bench_queries.h"

#include <set>

namespace entente::bench {
namespace {

model::Date ParseDay(const std::string& s) {
  model::Date d;
  model::ParseDate(s, &d);
  return d;
}

graph::EdgeFilter Window(const Query& q) {
  graph::EdgeFilter f;
  f.date_from = ParseDay(q.t0);
  f.date_to = ParseDay(q.t1);
  return f;
}

model::EntityRef Ref(const std::string& name) {
  model::EntityRef r;
  r.name = name;
  return r;
}

Event ToEvent(const graph::StatementView& v) {
  return {model::FormatDate(v.statement.date), v.actor->name, v.statement.action_text,
          v.target->name};
}

// Every statement of one entity in one direction within the window (and
// with one of `codes`, when given).
absl::StatusOr<std::vector<Event>> Events(const graph::GraphReader& reader, const Query& q,
                                          model::Direction dir,
                                          std::vector<std::string> codes = {}) {
  graph::StatementQuery sq;
  sq.entity = Ref(q.entity);
  sq.resolution = model::NameResolution::kExact;
  sq.direction = dir;
  sq.filter = Window(q);
  sq.filter.code_prefixes = std::move(codes);
  sq.page_size = graph::kMaxPageSize;
  // An event is (s, r, o, d): what the index entries hold.
  sq.detail = graph::StatementDetail::kIndex;
  std::vector<Event> out;
  while (true) {
    auto page = reader.ListStatements(sq);
    if (absl::IsNotFound(page.status())) return out;
    if (!page.ok()) return page.status();
    for (const auto& v : page->statements) out.push_back(ToEvent(v));
    if (!page->next) return out;
    sq.resume_after = page->next;
  }
}

}  // namespace

absl::StatusOr<Rows> Fetch(const graph::GraphReader& reader, const Query& q) {
  Rows rows;
  if (q.kind == "Q1") {
    auto events = Events(reader, q, model::Direction::kOut);
    if (!events.ok()) return events.status();
    rows.events = std::move(*events);
    return rows;
  }
  if (q.kind == "Q2") {
    auto events = Events(reader, q, model::Direction::kIn, CodesOfRelations(q.relations));
    if (!events.ok()) return events.status();
    const std::set<std::string> wanted(q.relations.begin(), q.relations.end());
    for (auto& e : *events) {
      if (wanted.count(std::get<2>(e))) rows.events.push_back(std::move(e));
    }
    return rows;
  }
  if (q.kind == "Q3") {
    graph::TraverseQuery tq;
    tq.seeds = {Ref(q.entity)};
    tq.resolution = model::NameResolution::kExact;
    tq.direction = model::Direction::kOut;
    tq.filter = Window(q);
    tq.limits = {2, 100000, 1000000, 1000000, 0};
    auto r = reader.Traverse(tq, nullptr);
    if (r.ok()) {
      for (const auto& n : r->result.nodes) {
        if (n.depth > 0) rows.names.push_back(r->entities.at(n.id).name);
      }
    } else if (!absl::IsNotFound(r.status())) {
      return r.status();
    }
    return rows;
  }
  if (q.kind == "Q4") {
    graph::PathQuery pq;
    pq.from = Ref(q.a);
    pq.to = Ref(q.b);
    pq.resolution = model::NameResolution::kExact;
    pq.direction = model::Direction::kBoth;
    pq.filter = Window(q);
    pq.max_hops = q.max_hops;
    pq.max_paths = 1;
    pq.evidence_per_hop = 1;
    auto r = reader.FindPaths(pq, nullptr);
    if (r.ok()) {
      rows.dist = r->result.distance;
    } else if (!absl::IsNotFound(r.status())) {
      return r.status();
    }
    return rows;
  }
  if (q.kind == "Q5") {
    graph::TimelineQuery tq;
    tq.a = Ref(q.a);
    tq.b = Ref(q.b);
    tq.resolution = model::NameResolution::kExact;
    tq.filter = Window(q);
    tq.page_size = graph::kMaxPageSize;
    tq.detail = graph::StatementDetail::kIndex;
    while (true) {
      auto r = reader.Timeline(tq, nullptr);
      if (absl::IsNotFound(r.status())) break;
      if (!r.ok()) return r.status();
      for (const auto& v : r->page.statements) rows.events.push_back(ToEvent(v));
      if (!r->page.next) break;
      tq.resume_after = r->page.next;
    }
    return rows;
  }
  return absl::InvalidArgumentError("unknown query kind " + q.kind);
}

}  // namespace entente::bench
