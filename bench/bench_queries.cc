#include "bench/bench_queries.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/sha.h>

namespace entente::bench {
namespace {

using Event = std::tuple<std::string, std::string, std::string, std::string>;  // d, s, r, o

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Canonical order: date, subject, relation, object (byte order).
std::string EventListAnswer(std::vector<Event> events, bool months) {
  std::sort(events.begin(), events.end());
  std::string concat;
  std::map<std::string, int> per_month;
  for (const auto& [d, s, r, o] : events) {
    concat += s + "\t" + r + "\t" + o + "\t" + d + "\n";
    ++per_month[d.substr(0, 7)];
  }
  std::string json = "{\"count\": " + std::to_string(events.size()) + ", \"hash\": \"" +
                     Sha256Hex(concat) + "\"";
  if (months) {
    json += ", \"months\": [";
    bool first = true;
    for (const auto& [m, n] : per_month) {
      json += (first ? "[\"" : ", [\"") + m + "\", " + std::to_string(n) + "]";
      first = false;
    }
    json += "]";
  }
  return json + "}";
}

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
  return {model::FormatDate(v.statement.date), v.actor.name, v.statement.action_text,
          v.target.name};
}

// Every statement of one entity in one direction within the window.
absl::StatusOr<std::vector<Event>> Events(const graph::GraphReader& reader, const Query& q,
                                          model::Direction dir) {
  graph::StatementQuery sq;
  sq.entity = Ref(q.entity);
  sq.resolution = model::NameResolution::kExact;
  sq.direction = dir;
  sq.filter = Window(q);
  sq.page_size = graph::kMaxPageSize;
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

absl::StatusOr<Query> ParseQuery(const std::string& line) {
  google::protobuf::Struct s;
  auto st = google::protobuf::util::JsonStringToMessage(line, &s);
  if (!st.ok()) return absl::InvalidArgumentError(std::string(st.message()));
  Query q;
  const auto& f = s.fields();
  auto str = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second.string_value();
  };
  q.id = str("id");
  q.kind = str("kind");
  q.entity = str("entity");
  q.a = str("a");
  q.b = str("b");
  q.t0 = str("t0");
  q.t1 = str("t1");
  if (auto it = f.find("max_hops"); it != f.end()) q.max_hops = static_cast<int>(it->second.number_value());
  if (auto it = f.find("relations"); it != f.end()) {
    for (const auto& v : it->second.list_value().values()) q.relations.push_back(v.string_value());
  }
  return q;
}

absl::StatusOr<std::string> Answer(const graph::GraphReader& reader, const Query& q) {
  if (q.kind == "Q1") {
    auto events = Events(reader, q, model::Direction::kOut);
    if (!events.ok()) return events.status();
    return EventListAnswer(std::move(*events), false);
  }
  if (q.kind == "Q2") {
    auto events = Events(reader, q, model::Direction::kIn);
    if (!events.ok()) return events.status();
    const std::set<std::string> wanted(q.relations.begin(), q.relations.end());
    std::vector<Event> kept;
    for (auto& e : *events) {
      if (wanted.count(std::get<2>(e))) kept.push_back(std::move(e));
    }
    return EventListAnswer(std::move(kept), false);
  }
  if (q.kind == "Q3") {
    graph::TraverseQuery tq;
    tq.seeds = {Ref(q.entity)};
    tq.resolution = model::NameResolution::kExact;
    tq.direction = model::Direction::kOut;
    tq.filter = Window(q);
    tq.limits = {2, 100000, 1000000, 1000000, 0};
    auto r = reader.Traverse(tq, nullptr);
    std::vector<std::string> names;
    if (r.ok()) {
      for (const auto& n : r->result.nodes) {
        if (n.depth > 0) names.push_back(r->entities.at(n.id).name);
      }
    } else if (!absl::IsNotFound(r.status())) {
      return r.status();
    }
    std::sort(names.begin(), names.end());
    std::string concat;
    for (const auto& n : names) concat += n + "\n";
    return "{\"count\": " + std::to_string(names.size()) + ", \"hash\": \"" + Sha256Hex(concat) +
           "\"}";
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
    int dist = -1;
    if (r.ok()) {
      dist = r->result.distance;
    } else if (!absl::IsNotFound(r.status())) {
      return r.status();
    }
    return "{\"dist\": " + std::to_string(dist) + "}";
  }
  if (q.kind == "Q5") {
    graph::TimelineQuery tq;
    tq.a = Ref(q.a);
    tq.b = Ref(q.b);
    tq.resolution = model::NameResolution::kExact;
    tq.filter = Window(q);
    tq.page_size = graph::kMaxPageSize;
    std::vector<Event> events;
    while (true) {
      auto r = reader.Timeline(tq, nullptr);
      if (absl::IsNotFound(r.status())) break;
      if (!r.ok()) return r.status();
      for (const auto& v : r->page.statements) events.push_back(ToEvent(v));
      if (!r->page.next) break;
      tq.resume_after = r->page.next;
    }
    return EventListAnswer(std::move(events), true);
  }
  return absl::InvalidArgumentError("unknown query kind " + q.kind);
}

}  // namespace entente::bench
