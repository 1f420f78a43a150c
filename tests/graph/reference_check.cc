#include "tests/graph/reference_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>

#include "graph/taxonomy.h"
#include "tests/testing/status_matchers.h"

namespace entente::graph {
namespace {

using model::EntityId;
using model::StatementId;

constexpr int64_t kNow = 1729555200000000;  // 2024-10-22T00:00:00Z

template <typename T>
std::string Join(const std::vector<T>& v, size_t max = 12) {
  std::ostringstream out;
  out << "{";
  for (size_t i = 0; i < v.size() && i < max; ++i) out << (i ? "," : "") << v[i];
  if (v.size() > max) out << ",... (" << v.size() << ")";
  out << "}";
  return out.str();
}

std::vector<StatementId> Prefix(const std::vector<StatementId>& v, int n) {
  return {v.begin(), v.begin() + std::min<size_t>(v.size(), std::max(n, 0))};
}

const char* Name(model::Direction d) {
  return d == model::Direction::kOut ? "OUT" : d == model::Direction::kIn ? "IN" : "BOTH";
}

const char* Name(Granularity g) {
  switch (g) {
    case Granularity::kDay:
      return "day";
    case Granularity::kWeek:
      return "week";
    case Granularity::kMonth:
      return "month";
    case Granularity::kYear:
      return "year";
  }
  return "?";
}

std::string DateText(const model::Date& d) { return d.year == 0 ? "open" : model::FormatDate(d); }

std::string Describe(const TraverseQuery& q) {
  std::vector<EntityId> seeds;
  for (const auto& s : q.seeds) seeds.push_back(s.id);
  std::ostringstream out;
  out << "Traverse seeds=" << Join(seeds) << " " << Name(q.direction)
      << " depth=" << q.limits.max_depth << " nodes=" << q.limits.max_nodes
      << " edges=" << q.limits.max_edges << " fanout=" << q.limits.max_fanout
      << " evidence=" << q.limits.evidence_per_edge << (q.count_sources ? " sources" : "") << " "
      << Describe(q.filter);
  return out.str();
}

std::string Describe(const PathQuery& q) {
  std::ostringstream out;
  out << "FindPaths " << q.from.id << "->" << q.to.id << " " << Name(q.direction)
      << " max_hops=" << q.max_hops << " max_paths=" << q.max_paths
      << " evidence=" << q.evidence_per_hop << (q.count_sources ? " sources" : "") << " "
      << Describe(q.filter);
  return out.str();
}

std::string Describe(const TimelineQuery& q) {
  std::ostringstream out;
  out << "Timeline " << q.a.id << "~" << q.b.id << " by " << Name(q.granularity)
      << " page=" << q.page_size << (q.count_sources ? " sources" : "") << " "
      << Describe(q.filter);
  return out.str();
}

std::string Describe(const StatementQuery& q) {
  std::ostringstream out;
  out << "ListStatements " << q.entity.id << " " << Name(q.direction) << " page=" << q.page_size
      << " " << Describe(q.filter);
  return out.str();
}

// The seeds first, each once (at most max_nodes of them), at depth 0; then
// depths never decrease.
void ExpectNodeOrder(const TraverseResult& got, const TraverseQuery& q) {
  std::vector<EntityId> distinct;
  for (const auto& s : q.seeds) {
    if (std::find(distinct.begin(), distinct.end(), s.id) == distinct.end()) {
      distinct.push_back(s.id);
    }
  }
  if (static_cast<int>(distinct.size()) > q.limits.max_nodes) {
    EXPECT_EQ(got.truncated, "max_nodes") << "more seeds than max_nodes";
    distinct.resize(q.limits.max_nodes);
  }
  ASSERT_GE(got.nodes.size(), distinct.size());
  for (size_t i = 0; i < distinct.size(); ++i) {
    EXPECT_EQ(got.nodes[i].id, distinct[i]);
    EXPECT_EQ(got.nodes[i].depth, 0);
  }
  for (size_t i = 1; i < got.nodes.size(); ++i) {
    EXPECT_LE(got.nodes[i - 1].depth, got.nodes[i].depth) << "nodes not by depth at " << i;
  }
}

std::map<EntityId, int> DepthOf(const TraverseResult& got) {
  std::map<EntityId, int> out;
  for (const auto& n : got.nodes) {
    EXPECT_TRUE(out.emplace(n.id, n.depth).second) << "node " << n.id << " twice";
  }
  return out;
}

void ExpectSameDepths(const std::map<EntityId, int>& got, const std::map<EntityId, int>& want) {
  EXPECT_EQ(got.size(), want.size()) << "reached nodes";
  int reported = 0;
  for (const auto& [id, depth] : want) {
    auto it = got.find(id);
    if (it == got.end() || it->second != depth) {
      ADD_FAILURE() << "node " << id << ": depth " << depth << " expected, got "
                    << (it == got.end() ? std::string("none") : std::to_string(it->second));
      if (++reported == 5) return;
    }
  }
  for (const auto& [id, depth] : got) {
    if (!want.count(id) && ++reported <= 5) ADD_FAILURE() << "node " << id << " not reachable";
  }
}

void ExpectSameEdge(const AggregatedEdge& got, const RefEdge& want, int evidence) {
  SCOPED_TRACE("edge " + std::to_string(got.actor) + "->" + std::to_string(got.target));
  EXPECT_EQ(got.count, want.count);
  EXPECT_EQ(got.first_day, want.first_day);
  EXPECT_EQ(got.last_day, want.last_day);
  EXPECT_EQ(got.classified, want.classified);
  EXPECT_NEAR(got.goldstein_sum, want.goldstein_sum, 1e-9);
  EXPECT_EQ(got.evidence, Prefix(want.statements, evidence))
      << "all, newest first: " << Join(want.statements);
}

// The whole answer equals the reference's.
void ExpectSameTraverse(const TraverseResult& got, const RefTraverse& want,
                        const TraverseQuery& q, const ReferenceGraph& ref) {
  ExpectNodeOrder(got, q);
  ExpectSameDepths(DepthOf(got), want.depth);
  EXPECT_EQ(got.edges.size(), want.edges.size()) << "edges";
  for (size_t i = 0; i < got.edges.size(); ++i) {
    const AggregatedEdge& e = got.edges[i];
    if (i > 0) {
      EXPECT_LT(std::pair(got.edges[i - 1].actor, got.edges[i - 1].target),
                std::pair(e.actor, e.target))
          << "edges not by (actor, target)";
    }
    auto it = want.edges.find({e.actor, e.target});
    if (it == want.edges.end()) {
      ADD_FAILURE() << "edge " << e.actor << "->" << e.target << " not expected";
      continue;
    }
    ExpectSameEdge(e, it->second, q.limits.evidence_per_edge);
    EXPECT_EQ(e.sources, q.count_sources ? ref.SourcesOf(it->second.statements) : 0)
        << "edge " << e.actor << "->" << e.target;
    if (::testing::Test::HasFailure()) return;
  }
}

std::vector<EntityId> SeedIds(const TraverseQuery& q) {
  std::vector<EntityId> out;
  for (const auto& s : q.seeds) out.push_back(s.id);
  return out;
}

// Whether statement `v` takes the hop from -> to along `direction`, its
// entities seen as `group_of` sees them if set.
bool Supports(const StatementView& v, const PathHop& hop, model::Direction direction,
              const GroupFn& group_of) {
  EntityId actor = v.statement.actor;
  EntityId target = v.statement.target;
  if (group_of) {
    const int32_t day = model::FirstDay(v.statement.date);
    actor = group_of(actor, day);
    target = group_of(target, day);
  }
  const bool forward = actor == hop.from && target == hop.to;
  const bool backward = actor == hop.to && target == hop.from;
  if (direction == model::Direction::kOut) return forward;
  if (direction == model::Direction::kIn) return backward;
  return forward || backward;
}

std::vector<StatementId> Ids(const StatementPage& page) {
  std::vector<StatementId> out;
  for (const auto& v : page.statements) out.push_back(v.statement.id);
  return out;
}

// Pages through `query` (a ListStatements or Timeline), checking that each
// page but the last is full and the last one is not empty.
template <typename Query, typename PageOf>
std::optional<std::vector<StatementId>> AllPages(Query q, const PageOf& page_of) {
  std::vector<StatementId> all;
  for (int pages = 0;; ++pages) {
    const std::optional<StatementPage> page = page_of(q);
    if (!page) return std::nullopt;
    const auto ids = Ids(*page);
    all.insert(all.end(), ids.begin(), ids.end());
    if (!page->next) {
      if (pages > 0) {
        EXPECT_FALSE(ids.empty()) << "empty last page";
      }
      return all;
    }
    EXPECT_EQ(static_cast<int>(ids.size()), q.page_size) << "short page before the last";
    EXPECT_EQ(page->next->statement, ids.back());
    if (::testing::Test::HasFailure()) return std::nullopt;
    q.resume_after = page->next;
  }
}

}  // namespace

std::string Describe(const EdgeFilter& f) {
  std::ostringstream out;
  out << "filter[";
  if (f.date_from.year != 0 || f.date_to.year != 0) {
    out << " window=" << DateText(f.date_from) << ".." << DateText(f.date_to);
  }
  if (!f.code_prefixes.empty()) out << " codes=" << Join(f.code_prefixes);
  if (!f.quad_classes.empty()) {
    std::vector<int> q;
    for (auto c : f.quad_classes) q.push_back(static_cast<int>(c));
    out << " quads=" << Join(q);
  }
  if (f.min_confidence != 0) out << " min_confidence=" << f.min_confidence;
  if (!f.modalities.empty()) {
    std::vector<int> m;
    for (auto c : f.modalities) m.push_back(static_cast<int>(c));
    out << " modalities=" << Join(m);
  }
  if (f.min_sources != 0) out << " min_sources=" << f.min_sources;
  if (f.contested != Contested::kAny) {
    out << " contested=" << (f.contested == Contested::kOnly ? "only" : "exclude");
  }
  out << " ]";
  return out.str();
}

std::string Tally::ToString() const {
  std::ostringstream out;
  out << "traverse=" << traverse << " traverse_limited=" << traverse_limited << " paths=" << paths
      << " timeline=" << timeline << " profile=" << profile << " list=" << list
      << " | nodes=" << nodes << " edges=" << edges << " truncated=" << truncated
      << " paths_found=" << paths_found << " tied=" << tied << " buckets=" << buckets
      << " statements=" << statements;
  return out.str();
}

// ---------------------------------------------------------------- World

absl::Status World::Open() {
  auto store = storage::Store::Open(dir_.path(), storage::StoreOptions());
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  // Every world keeps claims, so every random comparison covers them.
  ingestor_ = std::make_unique<Ingestor>(store_.get(), [] { return kNow; }, Ingestor::Mode::kOnline,
                                         model::kDefaultClaimWindowDays);
  if (absl::Status s = ingestor_->Init(); !s.ok()) return s;
  reader_ = std::make_unique<GraphReader>(store_.get());
  return absl::OkStatus();
}

absl::Status World::Reopen() {
  reader_.reset();
  ingestor_.reset();
  store_.reset();
  auto store = storage::Store::Open(dir_.path(), storage::StoreOptions());
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  ingestor_ = std::make_unique<Ingestor>(store_.get(), [] { return kNow; });
  if (absl::Status s = ingestor_->Init(); !s.ok()) return s;
  reader_ = std::make_unique<GraphReader>(store_.get());
  return absl::OkStatus();
}

absl::Status World::Load(const std::vector<model::StatementInput>& batch,
                         model::NameResolution resolution) {
  auto resolve = [&](const model::EntityRef& ref) -> absl::StatusOr<EntityId> {
    if (ref.id != 0) return ref.id;
    auto it = ids_.find(ref.name);
    if (it != ids_.end()) return it->second;
    auto e = reader_->FindEntity(ref, resolution);
    if (!e.ok()) return e.status();
    ids_.emplace(ref.name, e->id);
    return e->id;
  };
  constexpr size_t kChunk = 1000;
  for (size_t begin = 0; begin < batch.size(); begin += kChunk) {
    const std::vector<model::StatementInput> chunk(
        batch.begin() + begin, batch.begin() + std::min(batch.size(), begin + kChunk));
    auto out = ingestor_->Ingest(chunk, resolution, begin);
    if (!out.ok()) return out.status();
    if (out->accepted != chunk.size()) {
      std::string why = out->rejections.empty() ? "duplicates"
                                                : out->rejections[0].violations[0].field + " " +
                                                      out->rejections[0].violations[0].description;
      return absl::InternalError("not all statements accepted: " + why);
    }
    for (size_t i = 0; i < chunk.size(); ++i) {
      const model::StatementInput& in = chunk[i];
      RefStatement s;
      s.id = out->ids[i];
      auto actor = resolve(in.actor);
      if (!actor.ok()) return actor.status();
      auto target = resolve(in.target);
      if (!target.ok()) return target.status();
      s.actor = *actor;
      s.target = *target;
      s.day = model::FirstDay(in.date);
      s.last_day = model::LastDay(in.date);
      s.action_text = in.action_text;
      // Documents are stored once, by the first statement naming them.
      auto doc = publishers_.try_emplace(in.source.document_id, in.source.publisher).first;
      s.source = model::IndependentSourceOf(in.source.document_id, doc->second);
      // As the Ingestor documents: a given code is kept, else the lexicon's.
      s.code = !in.cameo_code.empty() ? in.cameo_code
                                      : Taxonomy::Get().Classify(in.action_text).value_or("");
      s.confidence = in.confidence.value_or(1.0);
      s.modality =
          in.modality == model::Modality::kUnspecified ? model::Modality::kAsserted : in.modality;
      reference_.Add(s);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RetractOutcome> World::Retract(const std::vector<StatementId>& ids,
                                              const std::vector<std::string>& documents) {
  auto out = ingestor_->Retract(ids, documents);
  if (out.ok()) reference_.Remove({out->retracted.begin(), out->retracted.end()});
  // A document retracted is forgotten: the next statement naming it stores it anew.
  if (out.ok()) {
    for (const std::string& d : documents) publishers_.erase(d);
  }
  return out;
}

EntityId World::IdOf(const std::string& name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? 0 : it->second;
}

// --------------------------------------------------------------- Checks

void CheckTraverse(const GraphReader& reader, const ReferenceGraph& ref, const TraverseQuery& query,
                   Tally* tally) {
  TraverseQuery q = query;
  q.limits.max_nodes = 100000;
  q.limits.max_edges = 1000000;
  q.limits.max_fanout = 1000000;
  SCOPED_TRACE(Describe(q));
  auto got = reader.Traverse(q, nullptr);
  ASSERT_OK(got);
  ++tally->traverse;
  tally->nodes += got->result.nodes.size();
  tally->edges += got->result.edges.size();
  EXPECT_EQ(got->result.truncated, "");
  ExpectSameTraverse(got->result,
                     ref.Traverse(SeedIds(q), q.direction, q.filter, q.limits.max_depth), q, ref);
  for (const auto& n : got->result.nodes) EXPECT_TRUE(got->entities.count(n.id)) << n.id;
}

void CheckLimitedTraverse(const GraphReader& reader, const ReferenceGraph& ref,
                          const TraverseQuery& q, Tally* tally) {
  SCOPED_TRACE(Describe(q));
  auto got = reader.Traverse(q, nullptr);
  ASSERT_OK(got);
  ++tally->traverse_limited;
  const TraverseResult& r = got->result;
  const RefTraverse want = ref.Traverse(SeedIds(q), q.direction, q.filter, q.limits.max_depth);
  if (r.truncated.empty()) {  // nothing was cut: the whole answer
    ExpectSameTraverse(r, want, q, ref);
    return;
  }
  ++tally->truncated;
  EXPECT_TRUE(r.truncated == "max_nodes" || r.truncated == "max_edges" ||
              r.truncated == "max_fanout")
      << r.truncated;
  ExpectNodeOrder(r, q);
  EXPECT_LE(static_cast<int>(r.nodes.size()), q.limits.max_nodes);
  EXPECT_LE(static_cast<int>(r.edges.size()), q.limits.max_edges);
  // A cut answer is part of the whole one; a node may be found later.
  const std::map<EntityId, int> depth = DepthOf(r);
  for (const auto& [id, d] : depth) {
    auto it = want.depth.find(id);
    ASSERT_NE(it, want.depth.end()) << "node " << id << " not reachable";
    EXPECT_GE(d, it->second) << "node " << id;
    EXPECT_LE(d, q.limits.max_depth) << "node " << id;
  }
  for (const AggregatedEdge& e : r.edges) {
    auto it = want.edges.find({e.actor, e.target});
    ASSERT_NE(it, want.edges.end()) << "edge " << e.actor << "->" << e.target;
    EXPECT_TRUE(depth.count(e.actor) && depth.count(e.target)) << "edge to a node not reached";
    EXPECT_LE(e.count, it->second.count);
    EXPECT_LE(e.classified, it->second.classified);
    EXPECT_GE(e.first_day, it->second.first_day);
    EXPECT_LE(e.last_day, it->second.last_day);
  }
}

void CheckPaths(const GraphReader& reader, const ReferenceGraph& ref, const PathQuery& q,
                Tally* tally, const GroupFn& group_of) {
  SCOPED_TRACE(Describe(q));
  auto got = reader.FindPaths(q, nullptr);
  ASSERT_OK(got);
  ++tally->paths;
  const PathsResult& r = got->result;
  const RefPaths want =
      ref.Paths(q.from.id, q.to.id, q.direction, q.filter, q.max_hops, q.max_paths);
  EXPECT_EQ(r.distance, want.distance);
  ASSERT_EQ(r.paths, want.paths);
  tally->paths_found += r.distance >= 0;
  tally->tied += r.paths.size() > 1;
  ASSERT_EQ(r.hops.size(), r.paths.size());
  for (size_t i = 0; i < r.paths.size(); ++i) {
    ASSERT_EQ(r.hops[i].size(), r.paths[i].size() - 1) << "path " << i;
    for (size_t j = 0; j < r.hops[i].size(); ++j) {
      const PathHop& hop = r.hops[i][j];
      const RefHop& w = want.hops[i][j];
      SCOPED_TRACE("path " + std::to_string(i) + " hop " + std::to_string(j));
      EXPECT_EQ(hop.from, w.from);
      EXPECT_EQ(hop.to, w.to);
      EXPECT_EQ(hop.count, w.statements.size());
      EXPECT_EQ(hop.sources, q.count_sources ? ref.SourcesOf(w.statements) : 0);
      EXPECT_EQ(hop.statements, Prefix(w.statements, q.evidence_per_hop))
          << "all, newest first: " << Join(w.statements);
      for (StatementId id : hop.statements) {
        auto v = got->statements.find(id);
        ASSERT_NE(v, got->statements.end()) << "statement " << id << " not loaded";
        EXPECT_TRUE(Supports(v->second, hop, q.direction, group_of)) << "statement " << id;
      }
    }
    for (EntityId id : r.paths[i]) EXPECT_TRUE(got->entities.count(id)) << id;
  }
}

void CheckTimeline(const GraphReader& reader, const ReferenceGraph& ref, const TimelineQuery& q,
                   Tally* tally) {
  SCOPED_TRACE(Describe(q));
  auto got = reader.Timeline(q, nullptr);
  ASSERT_OK(got);
  ++tally->timeline;
  const auto want = ref.Timeline(q.a.id, q.b.id, q.filter, q.granularity);
  ASSERT_EQ(got->buckets.size(), want.size());
  tally->buckets += want.size();
  for (size_t i = 0; i < want.size(); ++i) {
    const TimelineBucket& g = got->buckets[i];
    const TimelineBucket& w = want[i];
    SCOPED_TRACE("bucket " + model::FormatDate(model::DateOfDay(w.start_day)));
    EXPECT_EQ(g.start_day, w.start_day);
    EXPECT_EQ(g.total, w.total);
    EXPECT_EQ(g.by_quad, w.by_quad);
    EXPECT_NEAR(g.goldstein_sum, w.goldstein_sum, 1e-9);
    EXPECT_EQ(g.classified, w.classified);
    EXPECT_EQ(g.a_to_b, w.a_to_b);
    EXPECT_EQ(g.b_to_a, w.b_to_a);
    EXPECT_EQ(g.sources, q.count_sources ? w.sources : 0);
  }
  const auto statements = ref.DyadStatements(q.a.id, q.b.id, q.filter);
  tally->statements += statements.size();
  EXPECT_EQ(Ids(got->page), Prefix(statements, q.page_size));
  EXPECT_EQ(got->page.next.has_value(), static_cast<int>(statements.size()) > q.page_size);
  auto all = AllPages(q, [&](const TimelineQuery& page_query) -> std::optional<StatementPage> {
    auto a = reader.Timeline(page_query, nullptr);
    EXPECT_OK(a);
    if (!a.ok()) return std::nullopt;
    if (page_query.resume_after) {
      EXPECT_TRUE(a->buckets.empty()) << "buckets after page 1";
    }
    return a->page;
  });
  if (all) {
    EXPECT_EQ(*all, statements);
  }
}

namespace {

// `got` against the reference's answer for one entity.
void CompareProfile(const ProfileAnswer& got, EntityId entity, const EntityProfile& want,
                    bool count_sources) {
  const EntityProfile& p = got.profile;
  EXPECT_EQ(got.entity.id, entity);
  EXPECT_EQ(p.sources, count_sources ? want.sources : 0);
  EXPECT_EQ(p.out_statements, want.out_statements);
  EXPECT_EQ(p.in_statements, want.in_statements);
  EXPECT_EQ(p.out_degree, want.out_degree);
  EXPECT_EQ(p.in_degree, want.in_degree);
  EXPECT_EQ(p.first_day, want.first_day);
  EXPECT_EQ(p.last_day, want.last_day);
  EXPECT_EQ(p.by_quad, want.by_quad);
  ASSERT_EQ(p.top.size(), want.top.size());
  for (size_t i = 0; i < want.top.size(); ++i) {
    EXPECT_EQ(p.top[i].id, want.top[i].id) << "top " << i;
    EXPECT_EQ(p.top[i].out_count, want.top[i].out_count) << "top " << i;
    EXPECT_EQ(p.top[i].in_count, want.top[i].in_count) << "top " << i;
    EXPECT_EQ(p.top[i].sources, count_sources ? want.top[i].sources : 0) << "top " << i;
    EXPECT_TRUE(got.counterparts.count(p.top[i].id)) << "top " << i;
  }
}

}  // namespace

void CheckProfile(const GraphReader& reader, const ReferenceGraph& ref, EntityId entity, int top,
                  Tally* tally, model::Rollup rollup) {
  const EntityProfile want = ref.Profile(entity, top);
  for (bool count_sources : {false, true}) {
    SCOPED_TRACE("Profile " + std::to_string(entity) + " top=" + std::to_string(top) +
                 (count_sources ? " count_sources" : ""));
    ProfileQuery q;
    q.entity.id = entity;
    q.resolution = model::NameResolution::kExact;
    q.top = top;
    q.count_sources = count_sources;
    q.rollup = rollup;
    auto got = reader.Profile(q, nullptr);
    ASSERT_OK(got);
    ++tally->profile;
    CompareProfile(*got, entity, want, count_sources);
  }
}

void CheckList(const GraphReader& reader, const ReferenceGraph& ref, const StatementQuery& q,
               Tally* tally) {
  SCOPED_TRACE(Describe(q));
  auto all = AllPages(q, [&](const StatementQuery& page_query) -> std::optional<StatementPage> {
    auto page = reader.ListStatements(page_query);
    EXPECT_OK(page);
    if (!page.ok()) return std::nullopt;
    return *page;
  });
  ++tally->list;
  if (all) {
    const auto want = ref.List(q.entity.id, q.direction, q.filter);
    tally->statements += want.size();
    EXPECT_EQ(*all, want);
  }
}

}  // namespace entente::graph
