// Hand-made cases of the analyst's queries (graph/analytics.h through
// GraphReader): ties, bounds, directions, limits and deadlines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "graph/analytics.h"
#include "tests/graph/graph_fixture.h"

namespace entente::graph {
namespace {

using ::entente::testing::StatusIs;
using model::Direction;
using model::EntityId;
using model::StatementId;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class AnalyticsEdgeTest : public GraphFixture {
 protected:
  // Stores actor -> target (exact names) as a distinct statement.
  StatementId Add(const std::string& actor, const std::string& target,
                  model::Date date = {2024, 5, 1}, const std::string& code = "042") {
    auto in = Stmt(actor, target, date, code);
    in.action_text = "zq acted";  // unknown to the lexicon: an empty code stays empty
    in.idempotency_key = "edge-" + std::to_string(++keys_);
    auto out = MustIngest({in}, model::NameResolution::kExact);
    return out.ids.empty() ? 0 : out.ids[0];
  }
  EntityId Id(const std::string& name) { return IdOf(name, model::NameResolution::kExact); }

  PathsResult Paths(const std::string& from, const std::string& to, Direction d, int max_hops = 4,
                    int max_paths = 5, EdgeFilter f = {}) {
    PathQuery q;
    q.from.id = Id(from);
    q.to.id = Id(to);
    q.direction = d;
    q.max_hops = max_hops;
    q.max_paths = max_paths;
    q.filter = f;
    auto r = reader_->FindPaths(q, nullptr);
    EXPECT_OK(r);
    return r.ok() ? r->result : PathsResult{};
  }

  TraverseResult Traverse(const std::string& seed, Direction d, int depth,
                          TraverseLimits limits = {}, EdgeFilter f = {}) {
    TraverseQuery q;
    q.seeds.resize(1);
    q.seeds[0].id = Id(seed);
    q.direction = d;
    q.filter = f;
    q.limits = limits;
    q.limits.max_depth = depth;
    auto r = reader_->Traverse(q, nullptr);
    EXPECT_OK(r);
    return r.ok() ? r->result : TraverseResult{};
  }

  std::vector<StatementId> List(const std::string& entity, EdgeFilter f) {
    StatementQuery q;
    q.entity.id = Id(entity);
    q.filter = f;
    q.page_size = kMaxPageSize;
    auto page = reader_->ListStatements(q);
    EXPECT_OK(page);
    std::vector<StatementId> out;
    if (page.ok()) {
      for (const auto& v : page->statements) out.push_back(v.statement.id);
    }
    return out;
  }

  std::vector<EntityId> Ids(std::initializer_list<const char*> names) {
    std::vector<EntityId> out;
    for (const char* n : names) out.push_back(Id(n));
    return out;
  }

  static std::vector<std::pair<EntityId, EntityId>> Edges(const TraverseResult& r) {
    std::vector<std::pair<EntityId, EntityId>> out;
    for (const auto& e : r.edges) out.emplace_back(e.actor, e.target);
    return out;
  }

  static std::vector<std::pair<EntityId, int>> Nodes(const TraverseResult& r) {
    std::vector<std::pair<EntityId, int>> out;
    for (const auto& n : r.nodes) out.emplace_back(n.id, n.depth);
    std::sort(out.begin(), out.end());
    return out;
  }

  int keys_ = 0;
};

// ------------------------------------------------------------ FindPaths

TEST_F(AnalyticsEdgeTest, TiedShortestPathsComeInIdOrderCutAtMaxPaths) {
  // Via-3 is created first, so it has the lowest id of the three.
  for (const char* via : {"Via-3", "Via-2", "Via-1"}) Add("Src", via);
  for (const char* via : {"Via-1", "Via-2", "Via-3"}) Add(via, "Dst");
  PathsResult r = Paths("Src", "Dst", Direction::kOut, 4, 2);
  EXPECT_EQ(r.distance, 2);
  EXPECT_THAT(r.paths, ElementsAre(Ids({"Src", "Via-3", "Dst"}), Ids({"Src", "Via-2", "Dst"})));
  r = Paths("Src", "Dst", Direction::kOut, 4, 100);
  EXPECT_THAT(r.paths, ElementsAre(Ids({"Src", "Via-3", "Dst"}), Ids({"Src", "Via-2", "Dst"}),
                                   Ids({"Src", "Via-1", "Dst"})));
}

TEST_F(AnalyticsEdgeTest, TiesOverSeveralLevelsAreOrderedByTheWholePath) {
  // Src -> {Q, P} -> {R, S} -> T; by id Q comes before P, unlike by name.
  Add("Src", "Q");
  Add("Src", "P");
  Add("Q", "R");
  Add("P", "S");
  Add("P", "R");
  Add("S", "T");
  Add("R", "T");
  std::vector<std::vector<EntityId>> want = {
      Ids({"Src", "Q", "R", "T"}), Ids({"Src", "P", "S", "T"}), Ids({"Src", "P", "R", "T"})};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Paths("Src", "T", Direction::kBoth, 3, 100).paths, want);
  want.resize(2);
  EXPECT_EQ(Paths("Src", "T", Direction::kBoth, 3, 2).paths, want);
}

TEST_F(AnalyticsEdgeTest, PathMayUseAHopDatedBeforeThePreviousOne) {
  Add("A", "B", {2024, 5, 1});
  Add("B", "C", {2023, 1, 1});
  PathsResult r = Paths("A", "C", Direction::kOut);
  EXPECT_EQ(r.distance, 2);
  EXPECT_THAT(r.paths, ElementsAre(Ids({"A", "B", "C"})));
}

TEST_F(AnalyticsEdgeTest, PathsFollowTheDirection) {
  const StatementId ab1 = Add("A", "B", {2024, 5, 1});
  const StatementId ab2 = Add("A", "B", {2024, 5, 2});
  const StatementId ba = Add("B", "A", {2024, 5, 3});
  Add("C", "B");
  EXPECT_EQ(Paths("A", "C", Direction::kOut).distance, -1);
  EXPECT_EQ(Paths("C", "A", Direction::kOut).distance, 2);  // C -> B -> A
  EXPECT_EQ(Paths("A", "C", Direction::kIn).distance, 2);   // A <- B <- C
  EXPECT_EQ(Paths("C", "A", Direction::kIn).distance, -1);  // C is nobody's target
  EXPECT_EQ(Paths("A", "C", Direction::kBoth).distance, 2);
  // A hop counts the statements of the directions it may use.
  PathsResult out = Paths("A", "B", Direction::kOut);
  ASSERT_EQ(out.hops.size(), 1u);
  EXPECT_EQ(out.hops[0][0].count, 2u);
  EXPECT_THAT(out.hops[0][0].statements, ElementsAre(ab2, ab1));
  PathsResult in = Paths("A", "B", Direction::kIn);  // B is an actor towards A
  ASSERT_EQ(in.hops.size(), 1u);
  EXPECT_THAT(in.hops[0][0].statements, ElementsAre(ba));
  PathsResult both = Paths("A", "B", Direction::kBoth);
  ASSERT_EQ(both.hops.size(), 1u);
  EXPECT_EQ(both.hops[0][0].count, 3u);
  EXPECT_THAT(both.hops[0][0].statements, ElementsAre(ba, ab2, ab1));
}

TEST_F(AnalyticsEdgeTest, DistanceOfExactlyMaxHopsIsFoundOneMoreIsNot) {
  Add("N0", "N1");
  Add("N1", "N2");
  Add("N2", "N3");
  EXPECT_EQ(Paths("N0", "N3", Direction::kOut, 3).distance, 3);
  EXPECT_EQ(Paths("N0", "N3", Direction::kOut, 2).distance, -1);
  EXPECT_THAT(Paths("N0", "N3", Direction::kOut, 2).paths, IsEmpty());
  EXPECT_EQ(Paths("N3", "N0", Direction::kIn, 3).distance, 3);
  EXPECT_EQ(Paths("N0", "N1", Direction::kOut, 1).distance, 1);
}

TEST_F(AnalyticsEdgeTest, UnreachableTargetHasDistanceMinusOne) {
  Add("A", "B");
  Add("C", "D");
  EXPECT_EQ(Paths("A", "D", Direction::kBoth, 6).distance, -1);
  PathQuery q;
  q.from.id = Id("A");
  q.to.name = "Iceland";  // a country no statement mentions
  auto r = reader_->FindPaths(q, nullptr);
  ASSERT_OK(r);
  EXPECT_EQ(r->result.distance, -1);
  EXPECT_THAT(r->result.paths, IsEmpty());
}

TEST_F(AnalyticsEdgeTest, FilteredOutHopsAreNotUsed) {
  Add("A", "B", {2024, 5, 1}, "190");
  Add("B", "C", {2024, 5, 1}, "042");
  Add("A", "X", {2024, 5, 1}, "190");
  Add("X", "Y", {2024, 5, 1}, "190");
  Add("Y", "C", {2024, 5, 1}, "190");
  EdgeFilter f;
  f.code_prefixes = {"19"};
  PathsResult r = Paths("A", "C", Direction::kOut, 4, 5, f);
  EXPECT_EQ(r.distance, 3);
  EXPECT_THAT(r.paths, ElementsAre(Ids({"A", "X", "Y", "C"})));
}

// ------------------------------------------------------------- Traverse

TEST_F(AnalyticsEdgeTest, TraverseFollowsTheDirection) {
  Add("A", "B");
  Add("C", "A");
  Add("B", "D");
  const EntityId a = Id("A"), b = Id("B"), c = Id("C"), d = Id("D");
  auto sorted = [](std::vector<std::pair<EntityId, int>> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  TraverseResult out = Traverse("A", Direction::kOut, 2);
  EXPECT_EQ(Nodes(out), sorted({{a, 0}, {b, 1}, {d, 2}}));
  EXPECT_THAT(Edges(out), ElementsAre(std::pair(a, b), std::pair(b, d)));
  TraverseResult in = Traverse("A", Direction::kIn, 2);
  EXPECT_EQ(Nodes(in), sorted({{a, 0}, {c, 1}}));
  EXPECT_THAT(Edges(in), ElementsAre(std::pair(c, a)));
  TraverseResult both = Traverse("A", Direction::kBoth, 1);
  EXPECT_EQ(Nodes(both), sorted({{a, 0}, {b, 1}, {c, 1}}));
  EXPECT_EQ(Edges(both).size(), 2u);  // not B -> D: B is not expanded
}

TEST_F(AnalyticsEdgeTest, TraverseLeavesOutEdgesBetweenNodesAtMaxDepth) {
  Add("A", "B");
  Add("A", "C");
  Add("B", "C");
  for (Direction d : {Direction::kOut, Direction::kBoth}) {
    TraverseResult r = Traverse("A", d, 1);
    EXPECT_EQ(r.nodes.size(), 3u);
    EXPECT_THAT(Edges(r), ElementsAre(std::pair(Id("A"), Id("B")), std::pair(Id("A"), Id("C"))));
  }
}

TEST_F(AnalyticsEdgeTest, TraverseCountsASelfLoopOnce) {
  const StatementId loop = Add("A", "A", {2024, 5, 2});
  Add("A", "B");
  TraverseResult r = Traverse("A", Direction::kBoth, 2);
  ASSERT_EQ(r.edges.size(), 2u);
  EXPECT_EQ(r.edges[0].actor, r.edges[0].target);
  EXPECT_EQ(r.edges[0].count, 1u);
  EXPECT_THAT(r.edges[0].evidence, ElementsAre(loop));
  EXPECT_EQ(r.nodes.size(), 2u);
}

TEST_F(AnalyticsEdgeTest, EvidenceIsNewestFirstByDayThenId) {
  const StatementId s1 = Add("A", "B", {2024, 5, 2});
  const StatementId s2 = Add("A", "B", {2024, 5, 2});
  const StatementId s3 = Add("A", "B", {2024, 5, 2});
  const StatementId old = Add("A", "B", {2024, 5, 1});
  TraverseLimits limits;
  limits.evidence_per_edge = 3;
  TraverseResult r = Traverse("B", Direction::kIn, 1, limits);
  ASSERT_EQ(r.edges.size(), 1u);
  EXPECT_EQ(r.edges[0].count, 4u);
  EXPECT_THAT(r.edges[0].evidence, ElementsAre(s3, s2, s1));
  limits.evidence_per_edge = 10;
  r = Traverse("A", Direction::kBoth, 1, limits);
  ASSERT_EQ(r.edges.size(), 1u);
  EXPECT_THAT(r.edges[0].evidence, ElementsAre(s3, s2, s1, old));
  EXPECT_EQ(r.edges[0].first_day, model::DaysFromCivil(2024, 5, 1));
  EXPECT_EQ(r.edges[0].last_day, model::DaysFromCivil(2024, 5, 2));
}

class TraverseLimitTest : public AnalyticsEdgeTest {
 protected:
  // A hub with five leaves, one statement each.
  void SetUp() override {
    AnalyticsEdgeTest::SetUp();
    for (int i = 1; i <= 5; ++i) Add("Hub", "Leaf-" + std::to_string(i), {2024, 5, i});
  }
  TraverseResult With(int max_nodes, int max_edges, int max_fanout) {
    TraverseLimits l;
    l.max_nodes = max_nodes;
    l.max_edges = max_edges;
    l.max_fanout = max_fanout;
    return Traverse("Hub", Direction::kOut, 2, l);
  }
};

TEST_F(TraverseLimitTest, MaxNodesCountsTheSeed) {
  TraverseResult r = With(3, 100, 100);
  EXPECT_EQ(r.truncated, "max_nodes");
  EXPECT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.edges.size(), 2u);  // only to the nodes taken
  r = With(6, 100, 100);          // exactly enough
  EXPECT_EQ(r.truncated, "");
  EXPECT_EQ(r.nodes.size(), 6u);
}

TEST_F(TraverseLimitTest, MaxFanoutCutsNewNeighboursOfANode) {
  TraverseResult r = With(100, 100, 2);
  EXPECT_EQ(r.truncated, "max_fanout");
  EXPECT_EQ(r.nodes.size(), 3u);
  // The newest leaves are taken first.
  EXPECT_EQ(r.nodes[1].id, Id("Leaf-5"));
  EXPECT_EQ(r.nodes[2].id, Id("Leaf-4"));
  EXPECT_EQ(With(100, 100, 5).truncated, "");
}

TEST_F(TraverseLimitTest, MaxEdgesCutsAggregatedEdges) {
  TraverseResult r = With(100, 2, 100);
  EXPECT_EQ(r.truncated, "max_edges");
  EXPECT_EQ(r.edges.size(), 2u);
  EXPECT_EQ(With(100, 5, 100).truncated, "");
}

TEST_F(TraverseLimitTest, SeedsCountTowardsMaxNodes) {
  TraverseQuery q;
  for (const char* name : {"Leaf-1", "Leaf-2", "Leaf-3"}) {
    q.seeds.emplace_back();
    q.seeds.back().id = Id(name);
  }
  q.limits.max_nodes = 2;
  auto r = reader_->Traverse(q, nullptr);
  ASSERT_OK(r);
  EXPECT_EQ(r->result.truncated, "max_nodes");
  ASSERT_EQ(r->result.nodes.size(), 2u);
  EXPECT_EQ(r->result.nodes[0].id, Id("Leaf-1"));
  EXPECT_EQ(r->result.nodes[1].id, Id("Leaf-2"));
}

// --------------------------------------------------- Filters and windows

TEST_F(AnalyticsEdgeTest, WindowBoundsAreInclusive) {
  Add("X", "Y", {2024, 2, 29});
  const StatementId first = Add("X", "Y", {2024, 3, 1});
  const StatementId month = Add("X", "Y", {2024, 3, 0});  // sorts as March 1st
  const StatementId last = Add("X", "Y", {2024, 3, 31});
  const StatementId after = Add("X", "Y", {2024, 4, 1});
  EdgeFilter march;
  march.date_from = {2024, 3, 1};
  march.date_to = {2024, 3, 31};
  EXPECT_THAT(List("X", march), ElementsAre(last, month, first));
  TraverseResult r = Traverse("X", Direction::kOut, 1, {}, march);
  ASSERT_EQ(r.edges.size(), 1u);
  EXPECT_EQ(r.edges[0].count, 3u);
  EXPECT_EQ(r.edges[0].first_day, model::DaysFromCivil(2024, 3, 1));
  EXPECT_EQ(r.edges[0].last_day, model::DaysFromCivil(2024, 3, 31));
  PathsResult path = Paths("X", "Y", Direction::kOut, 1, 1, march);
  ASSERT_EQ(path.hops.size(), 1u);
  EXPECT_EQ(path.hops[0][0].count, 3u);

  EdgeFilter by_month;  // month precision: the whole month
  by_month.date_from = {2024, 3, 0};
  by_month.date_to = {2024, 3, 0};
  EXPECT_THAT(List("X", by_month), ElementsAre(last, month, first));
  EdgeFilter one_day;
  one_day.date_from = one_day.date_to = {2024, 3, 31};
  EXPECT_THAT(List("X", one_day), ElementsAre(last));
  one_day.date_from = one_day.date_to = {2024, 3, 1};
  EXPECT_THAT(List("X", one_day), ElementsAre(month, first));
  EdgeFilter from_april;
  from_april.date_from = {2024, 4, 1};
  EXPECT_THAT(List("X", from_april), ElementsAre(after));
  EdgeFilter outside;
  outside.date_from = {2024, 3, 2};
  outside.date_to = {2024, 3, 30};
  EXPECT_THAT(List("X", outside), IsEmpty());
  EXPECT_EQ(Paths("X", "Y", Direction::kOut, 1, 1, outside).distance, -1);
}

TEST_F(AnalyticsEdgeTest, CodePrefixesMatchLeadingDigitsAndNeverAnEmptyCode) {
  const StatementId c190 = Add("X", "Y", {2024, 5, 1}, "190");
  const StatementId c195 = Add("X", "Y", {2024, 5, 2}, "195");
  const StatementId c10 = Add("X", "Y", {2024, 5, 3}, "10");
  const StatementId c024 = Add("X", "Y", {2024, 5, 4}, "024");
  const StatementId c0241 = Add("X", "Y", {2024, 5, 5}, "0241");
  const StatementId c02 = Add("X", "Y", {2024, 5, 6}, "02");
  const StatementId none = Add("X", "Y", {2024, 5, 7}, "");
  auto prefixes = [&](std::vector<std::string> p) {
    EdgeFilter f;
    f.code_prefixes = std::move(p);
    return List("X", f);
  };
  EXPECT_THAT(prefixes({"19"}), ElementsAre(c195, c190));
  EXPECT_THAT(prefixes({"1"}), ElementsAre(c10, c195, c190));
  EXPECT_THAT(prefixes({"024"}), ElementsAre(c0241, c024));
  EXPECT_THAT(prefixes({"0"}), ElementsAre(c02, c0241, c024));
  EXPECT_THAT(prefixes({"195"}), ElementsAre(c195));
  EXPECT_THAT(prefixes({"190"}), ElementsAre(c190));
  EXPECT_THAT(prefixes({"024", "19"}), ElementsAre(c0241, c024, c195, c190));
  EXPECT_THAT(List("X", {}), ::testing::Contains(none));
  EdgeFilter quads;
  quads.quad_classes = {model::QuadClass::kVerbalCooperation, model::QuadClass::kMaterialConflict};
  EXPECT_THAT(List("X", quads), ElementsAre(c02, c0241, c024, c195, c190));
}

// ------------------------------------------- Empty answers and timelines

TEST_F(AnalyticsEdgeTest, EntityWithoutStatementsHasEmptyAnswers) {
  Add("A", "B");
  const EntityId iceland = IdOf("Iceland");
  TraverseQuery t;
  t.seeds.resize(1);
  t.seeds[0].id = iceland;
  t.limits.max_depth = 3;
  auto r = reader_->Traverse(t, nullptr);
  ASSERT_OK(r);
  EXPECT_EQ(r->result.nodes.size(), 1u);
  EXPECT_THAT(r->result.edges, IsEmpty());
  EXPECT_EQ(r->result.truncated, "");

  model::EntityRef ref;
  ref.id = iceland;
  auto p = reader_->Profile({.entity = ref, .resolution = model::NameResolution::kExact, .top = 10}, nullptr);
  ASSERT_OK(p);
  EXPECT_EQ(p->profile.out_statements + p->profile.in_statements, 0u);
  EXPECT_EQ(p->profile.out_degree + p->profile.in_degree, 0u);
  EXPECT_FALSE(p->profile.first_day.has_value());
  EXPECT_THAT(p->profile.top, IsEmpty());

  TimelineQuery tl;
  tl.a.id = iceland;
  tl.b.id = Id("A");
  auto timeline = reader_->Timeline(tl, nullptr);
  ASSERT_OK(timeline);
  EXPECT_THAT(timeline->buckets, IsEmpty());
  EXPECT_THAT(timeline->page.statements, IsEmpty());
  EXPECT_FALSE(timeline->page.next.has_value());
  EXPECT_THAT(List("Iceland", {}), IsEmpty());
}

TEST_F(AnalyticsEdgeTest, ProfileCountsASelfLoopOnceInTheQuadMix) {
  Add("A", "A", {2024, 5, 1}, "190");
  Add("A", "B", {2024, 6, 1}, "042");
  model::EntityRef ref;
  ref.id = Id("A");
  auto p = reader_->Profile({.entity = ref, .resolution = model::NameResolution::kExact, .top = 10}, nullptr);
  ASSERT_OK(p);
  EXPECT_EQ(p->profile.out_statements, 2u);
  EXPECT_EQ(p->profile.in_statements, 1u);
  EXPECT_EQ(p->profile.out_degree, 2u);
  EXPECT_EQ(p->profile.in_degree, 1u);
  EXPECT_EQ(p->profile.by_quad[4], 1u);
  EXPECT_EQ(p->profile.by_quad[1], 1u);
  ASSERT_EQ(p->profile.top.size(), 2u);
  EXPECT_EQ(p->profile.top[0].id, Id("A"));  // 1 out + 1 in
  EXPECT_EQ(p->profile.first_day, model::DaysFromCivil(2024, 5, 1));
  EXPECT_EQ(p->profile.last_day, model::DaysFromCivil(2024, 6, 1));
}

TEST(BucketStartTest, WeeksStartOnMondayMonthsAndYearsOnTheirFirstDay) {
  const int32_t monday = model::DaysFromCivil(2024, 10, 21);
  for (int d = 0; d < 7; ++d) EXPECT_EQ(BucketStart(monday + d, Granularity::kWeek), monday);
  EXPECT_EQ(BucketStart(monday - 1, Granularity::kWeek), monday - 7);
  // Before 1970: 1969-12-31 was a Wednesday.
  EXPECT_EQ(BucketStart(-1, Granularity::kWeek), model::DaysFromCivil(1969, 12, 29));
  EXPECT_EQ(BucketStart(model::DaysFromCivil(2024, 2, 29), Granularity::kMonth),
            model::DaysFromCivil(2024, 2, 1));
  EXPECT_EQ(BucketStart(model::DaysFromCivil(2024, 12, 31), Granularity::kYear),
            model::DaysFromCivil(2024, 1, 1));
  EXPECT_EQ(BucketStart(monday + 3, Granularity::kDay), monday + 3);
}

// ------------------------------------------------------------ Deadlines

TEST_F(AnalyticsEdgeTest, StopFnThatFiresEndsEveryQueryWithDeadlineExceeded) {
  Add("A", "B");
  Add("B", "C");
  const StopFn stop = [] { return true; };
  TraverseQuery t;
  t.seeds.resize(1);
  t.seeds[0].id = Id("A");
  EXPECT_THAT(reader_->Traverse(t, stop), StatusIs(absl::StatusCode::kDeadlineExceeded));
  PathQuery p;
  p.from.id = Id("A");
  p.to.id = Id("C");
  EXPECT_THAT(reader_->FindPaths(p, stop), StatusIs(absl::StatusCode::kDeadlineExceeded));
  TimelineQuery tl;
  tl.a.id = Id("A");
  tl.b.id = Id("B");
  EXPECT_THAT(reader_->Timeline(tl, stop), StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(AnalyticsEdgeTest, StopFnIsAskedAgainAcrossManySmallNodes) {
  // A tree of 1 + 40 + 1,200 nodes: no node has 1,024 statements, so only a
  // count kept across the whole traversal reaches the next check.
  std::vector<model::StatementInput> batch;
  for (int i = 0; i < 40; ++i) {
    const std::string mid = "Mid-" + std::to_string(i);
    batch.push_back(Stmt("Root", mid));
    for (int j = 0; j < 30; ++j) batch.push_back(Stmt(mid, mid + "-" + std::to_string(j)));
  }
  ASSERT_EQ(MustIngest(batch, model::NameResolution::kExact).accepted, batch.size());
  int asked = 0;
  const StopFn stop = [&] { return ++asked > 1; };  // fires after the first look
  TraverseQuery t;
  t.seeds.resize(1);
  t.seeds[0].id = Id("Root");
  t.direction = Direction::kBoth;
  t.limits.max_depth = 3;
  EXPECT_THAT(reader_->Traverse(t, stop), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_GE(asked, 2);
}

}  // namespace
}  // namespace entente::graph
