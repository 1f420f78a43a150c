// FindTemporalPaths and TemporalTraverse (graph/temporal_paths.h): hand-made
// cases whose answers are worked out in the comments, then random temporal
// graphs compared query by query with the brute-force
// ReferenceGraph::TemporalPaths and ReferenceGraph::TemporalTraverse.
#include "graph/temporal_paths.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "graph/analytics.h"
#include "graph/reader.h"
#include "model/violations.h"
#include "tests/graph/icews_data.h"
#include "tests/graph/random_graph.h"
#include "tests/graph/reference_check.h"
#include "tests/graph/test_statements.h"
#include "tests/testing/status_matchers.h"

namespace entente::graph {
namespace {

using entente::testing::StatusIs;
using model::Direction;
using model::EntityId;

// Day numbers of January 2024 and after: Jan(1) is 2024-01-01.
int32_t Jan(int d) { return model::DaysFromCivil(2024, 1, 1) + d - 1; }
model::Date DateOf(int32_t day) { return model::DateOfDay(day); }

TemporalOptions Mode(TemporalMode m) {
  TemporalOptions o;
  o.mode = m;
  return o;
}

class TemporalPathsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(world_.Open()); }

  // actor -> target on `date`, each statement its own row.
  void Add(const std::string& actor, const std::string& target, model::Date date,
           const std::string& code = "042") {
    model::StatementInput in = Stmt(actor, target, date, code);
    in.idempotency_key = "row-" + std::to_string(++rows_);
    ASSERT_OK(world_.Load({in}, model::NameResolution::kExact));
  }

  absl::StatusOr<TemporalPathsResult> Find(const std::string& from, const std::string& to,
                                           const TemporalOptions& o, Direction d = Direction::kOut,
                                           const EdgeFilter& f = {}, int max_hops = 6,
                                           int max_paths = 10) {
    auto view = world_.store().Snapshot();
    return FindTemporalPaths(*view, world_.IdOf(from), world_.IdOf(to), d, CompiledFilter(f), o,
                             max_hops, max_paths, 10, nullptr);
  }

  // The paths as names joined by '-', e.g. "S-A-T".
  std::vector<std::string> Names(const TemporalPathsResult& r) const {
    std::vector<std::string> out;
    for (const auto& p : r.paths) {
      std::string s;
      for (EntityId id : p.entities) s += (s.empty() ? "" : "-") + NameOf(id);
      out.push_back(s);
    }
    return out;
  }

  std::vector<int32_t> Days(const TemporalPath& p) const {
    std::vector<int32_t> out;
    for (const auto& h : p.hops) out.push_back(h.day);
    return out;
  }

  std::string NameOf(EntityId id) const {
    auto e = world_.reader().GetEntity(id);
    return e.ok() ? e->name : "?";
  }

  World world_;
  int rows_ = 0;
};

// A -> B on Mar 10 and B -> C on Mar 1 make a static path A-B-C that time
// refutes (B met C before A met B); A-D-C (Mar 5, Mar 6) respects it.
TEST_F(TemporalPathsTest, TimeRefutesAStaticPath) {
  Add("A", "B", {2024, 3, 10});
  Add("B", "C", {2024, 3, 1});
  Add("A", "D", {2024, 3, 5});
  Add("D", "C", {2024, 3, 6});
  auto view = world_.store().Snapshot();
  auto fixed = FindPaths(*view, world_.IdOf("A"), world_.IdOf("C"), Direction::kOut,
                         CompiledFilter({}), 6, 10, 10, nullptr);
  ASSERT_OK(fixed);
  ASSERT_EQ(fixed->paths.size(), 2u);  // both, static
  auto r = Find("A", "C", Mode(TemporalMode::kEarliestArrival));
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"A-D-C"});
  EXPECT_EQ(r->distance, 2);
  EXPECT_EQ(r->arrival, model::DaysFromCivil(2024, 3, 6));
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(Days(r->paths[0]), (std::vector<int32_t>{model::DaysFromCivil(2024, 3, 5),
                                                     model::DaysFromCivil(2024, 3, 6)}));
}

// Without B -> C's alternative there is no time-respecting path at all.
TEST_F(TemporalPathsTest, NoPathWhenEveryRouteGoesBackInTime) {
  Add("A", "B", {2024, 3, 10});
  Add("B", "C", {2024, 3, 1});
  for (auto m : {TemporalMode::kEarliestArrival, TemporalMode::kLatestDeparture,
                 TemporalMode::kFastest, TemporalMode::kShortest}) {
    auto r = Find("A", "C", Mode(m));
    ASSERT_OK(r);
    EXPECT_EQ(r->distance, -1);
    EXPECT_TRUE(r->paths.empty());
  }
}

// Four routes from S to T (days of January 2024):
//   S-A-E-T  1, 2, 3    arrival 3, departure 1, duration 2, 3 hops
//   S-B-T    30, 40     arrival 40, departure 30, duration 10
//   S-C-D-T  10, 10, 11 arrival 11, departure 10, duration 1
//   S-G-T    6, 8       arrival 8, departure 6, duration 2
// Earliest arrival: S-A-E-T (3). Latest departure: S-B-T (30). Fastest:
// S-C-D-T (1). Shortest: two hops, the earlier arrival: S-G-T (8).
class FourRoutes : public TemporalPathsTest {
 protected:
  void SetUp() override {
    TemporalPathsTest::SetUp();
    for (auto [a, b, d] : std::vector<std::tuple<const char*, const char*, int>>{{"S", "A", 1},
                                                                                 {"A", "E", 2},
                                                                                 {"E", "T", 3},
                                                                                 {"S", "B", 30},
                                                                                 {"B", "T", 40},
                                                                                 {"S", "C", 10},
                                                                                 {"C", "D", 10},
                                                                                 {"D", "T", 11},
                                                                                 {"S", "G", 6},
                                                                                 {"G", "T", 8}}) {
      Add(a, b, DateOf(Jan(d)));
    }
  }
};

TEST_F(FourRoutes, EarliestArrival) {
  auto r = Find("S", "T", Mode(TemporalMode::kEarliestArrival));
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-A-E-T"});
  EXPECT_EQ(r->distance, 3);
  EXPECT_EQ(r->arrival, Jan(3));
  EXPECT_EQ(r->departure, Jan(1));
  EXPECT_EQ(r->duration, 2);
}

TEST_F(FourRoutes, LatestDeparture) {
  auto r = Find("S", "T", Mode(TemporalMode::kLatestDeparture));
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-B-T"});
  EXPECT_EQ(r->departure, Jan(30));
  EXPECT_EQ(r->arrival, Jan(40));
}

TEST_F(FourRoutes, Fastest) {
  auto r = Find("S", "T", Mode(TemporalMode::kFastest));
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-C-D-T"});
  EXPECT_EQ(r->duration, 1);
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(Days(r->paths[0]), (std::vector<int32_t>{Jan(10), Jan(10), Jan(11)}));
}

TEST_F(FourRoutes, Shortest) {
  auto r = Find("S", "T", Mode(TemporalMode::kShortest));
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-G-T"});
  EXPECT_EQ(r->distance, 2);
  EXPECT_EQ(r->arrival, Jan(8));
}

// Two hops at most leave S-A-E-T and S-C-D-T out: the earliest arrival is
// then S-G-T's.
TEST_F(FourRoutes, MaxHopsBoundsTheSearch) {
  auto r = Find("S", "T", Mode(TemporalMode::kEarliestArrival), Direction::kOut, {}, 2);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-G-T"});
}

// S-X-T (1, 5) and S-Y-T (2, 5) both arrive on the 5th with two hops: both
// are earliest-arrival answers, in id order (X was named first); S-Z-W-T
// (1, 2, 5) ties on arrival but has more hops. X -> T has two statements on
// the 5th: both are the hop's, newest (the higher id) first. The best path
// under the whole order is S-X-T.
TEST_F(TemporalPathsTest, TiesListEveryPathAndEveryEquivalentStatement) {
  Add("S", "X", DateOf(Jan(1)));
  Add("S", "Y", DateOf(Jan(2)));
  Add("X", "T", DateOf(Jan(5)));
  Add("X", "T", DateOf(Jan(5)));
  Add("Y", "T", DateOf(Jan(5)));
  Add("S", "Z", DateOf(Jan(1)));
  Add("Z", "W", DateOf(Jan(2)));
  Add("W", "T", DateOf(Jan(5)));
  auto r = Find("S", "T", Mode(TemporalMode::kEarliestArrival));
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"S-X-T", "S-Y-T"}));
  EXPECT_EQ(r->departure, Jan(1));
  ASSERT_EQ(r->paths.size(), 2u);
  const TemporalHop& hop = r->paths[0].hops[1];
  EXPECT_EQ(hop.count, 2u);
  ASSERT_EQ(hop.statements.size(), 2u);
  EXPECT_GT(hop.statements[0].id, hop.statements[1].id);
  EXPECT_EQ(hop.statements[0].date, DateOf(Jan(5)));
  // Cut at one path: the first in id order.
  auto one = Find("S", "T", Mode(TemporalMode::kEarliestArrival), Direction::kOut, {}, 6, 1);
  ASSERT_OK(one);
  EXPECT_EQ(Names(*one), std::vector<std::string>{"S-X-T"});
  // Latest departure: S-Y-T leaves on the 2nd, after S-X-T and S-Z-W-T.
  auto late = Find("S", "T", Mode(TemporalMode::kLatestDeparture));
  ASSERT_OK(late);
  EXPECT_EQ(Names(*late), std::vector<std::string>{"S-Y-T"});
}

// A month-precision date stands for an unknown day in its month: M -> T
// dated March 2024 may follow S -> M on March 20 (it may have happened on
// the 20th or later), and is used on the 20th; N -> T, dated March too,
// cannot follow S -> N on April 2.
TEST_F(TemporalPathsTest, AMonthMayFollowADayInIt) {
  Add("S", "M", {2024, 3, 20});
  Add("M", "T", {2024, 3, 0});
  Add("S", "N", {2024, 4, 2});
  Add("N", "T", {2024, 3, 0});
  auto r = Find("S", "T", Mode(TemporalMode::kLatestDeparture));
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-M-T"});
  ASSERT_EQ(r->paths.size(), 1u);
  const int32_t mar20 = model::DaysFromCivil(2024, 3, 20);
  EXPECT_EQ(Days(r->paths[0]), (std::vector<int32_t>{mar20, mar20}));
  ASSERT_EQ(r->paths[0].hops[1].statements.size(), 1u);
  EXPECT_EQ(r->paths[0].hops[1].statements[0].date, (model::Date{2024, 3, 0}));
}

// Years: S -> W dated 2023 is used on its first day, 2023-01-01, then
// W -> T on 2023-02-01; Y -> T dated 2024 may follow S -> Y on 2024-12-31,
// 365 days after the year's first (the longest reach back a scan needs);
// Z -> T dated 2024 ended before S -> Z on 2025-01-05. Earliest arrival:
// S-W-T; latest departure: S-Y-T.
TEST_F(TemporalPathsTest, YearPrecisionMixesWithDays) {
  Add("S", "W", {2023, 0, 0});
  Add("W", "T", {2023, 2, 1});
  Add("S", "Y", {2024, 12, 31});
  Add("Y", "T", {2024, 0, 0});
  Add("S", "Z", {2025, 1, 5});
  Add("Z", "T", {2024, 0, 0});
  auto early = Find("S", "T", Mode(TemporalMode::kEarliestArrival));
  ASSERT_OK(early);
  EXPECT_EQ(Names(*early), std::vector<std::string>{"S-W-T"});
  ASSERT_EQ(early->paths.size(), 1u);
  EXPECT_EQ(Days(early->paths[0]), (std::vector<int32_t>{model::DaysFromCivil(2023, 1, 1),
                                                         model::DaysFromCivil(2023, 2, 1)}));
  EXPECT_EQ(early->paths[0].hops[0].statements[0].date, (model::Date{2023, 0, 0}));
  auto late = Find("S", "T", Mode(TemporalMode::kLatestDeparture));
  ASSERT_OK(late);
  EXPECT_EQ(Names(*late), std::vector<std::string>{"S-Y-T"});
  EXPECT_EQ(late->arrival, model::DaysFromCivil(2024, 12, 31));
}

// S-A-T waits 10 days at A; S-B-C-T waits 3 at B and 3 at C. Gap 2: no
// path; gap 3: S-B-C-T only; gap 10: both, and the shortest is S-A-T.
TEST_F(TemporalPathsTest, MaxGapBoundsTheWaitBetweenHops) {
  Add("S", "A", DateOf(Jan(1)));
  Add("A", "T", DateOf(Jan(11)));
  Add("S", "B", DateOf(Jan(1)));
  Add("B", "C", DateOf(Jan(4)));
  Add("C", "T", DateOf(Jan(7)));
  TemporalOptions o = Mode(TemporalMode::kShortest);
  o.max_gap_days = 2;
  auto r = Find("S", "T", o);
  ASSERT_OK(r);
  EXPECT_EQ(r->distance, -1);
  o.max_gap_days = 3;
  r = Find("S", "T", o);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-B-C-T"});
  o.max_gap_days = 10;
  r = Find("S", "T", o);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-A-T"});
  // The start day opens no gap: a start 100 days earlier changes nothing.
  o.max_gap_days = 3;
  o.start_day = Jan(1) - 100;
  r = Find("S", "T", o);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-B-C-T"});
}

// The gap runs from the previous hop's used day to the statement's first
// day: a month that began before that day opens none, even with gap 0.
TEST_F(TemporalPathsTest, AMonthAlreadyUnderWayOpensNoGap) {
  Add("S", "A", {2024, 3, 5});
  Add("A", "T", {2024, 3, 0});
  TemporalOptions o = Mode(TemporalMode::kEarliestArrival);
  o.max_gap_days = 0;
  auto r = Find("S", "T", o);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-A-T"});
  EXPECT_EQ(r->arrival, model::DaysFromCivil(2024, 3, 5));
}

// S-A-T (Jan 10, Jan 20) ends before a start on Jan 15; S-C-T starts with a
// January month, which may hold the 15th: its first hop uses the start
// day. S-B-T (Feb 1, Feb 5) arrives later.
TEST_F(TemporalPathsTest, StartDayStartsTheClock) {
  Add("S", "A", DateOf(Jan(10)));
  Add("A", "T", DateOf(Jan(20)));
  Add("S", "B", {2024, 2, 1});
  Add("B", "T", {2024, 2, 5});
  Add("S", "C", {2024, 1, 0});
  Add("C", "T", DateOf(Jan(25)));
  TemporalOptions o = Mode(TemporalMode::kEarliestArrival);
  auto r = Find("S", "T", o);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-A-T"});
  o.start_day = Jan(15);
  r = Find("S", "T", o);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-C-T"});
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(Days(r->paths[0]), (std::vector<int32_t>{Jan(15), Jan(25)}));
  o.start_day = Jan(26);
  r = Find("S", "T", o);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-B-T"});
}

// A -> B (1st), C -> B (2nd), D -> C (3rd). IN goes from target to actor:
// B-C-D. OUT finds nothing from B. BOTH goes A-B-C-D forward in time, and
// D-C-B-A would go back in time.
TEST_F(TemporalPathsTest, InAndBothDirections) {
  Add("A", "B", DateOf(Jan(1)));
  Add("C", "B", DateOf(Jan(2)));
  Add("D", "C", DateOf(Jan(3)));
  auto in = Find("B", "D", Mode(TemporalMode::kEarliestArrival), Direction::kIn);
  ASSERT_OK(in);
  EXPECT_EQ(Names(*in), std::vector<std::string>{"B-C-D"});
  auto out = Find("B", "D", Mode(TemporalMode::kEarliestArrival), Direction::kOut);
  ASSERT_OK(out);
  EXPECT_EQ(out->distance, -1);
  auto both = Find("A", "D", Mode(TemporalMode::kEarliestArrival), Direction::kBoth);
  ASSERT_OK(both);
  EXPECT_EQ(Names(*both), std::vector<std::string>{"A-B-C-D"});
  EXPECT_EQ(both->arrival, Jan(3));
  auto back = Find("D", "A", Mode(TemporalMode::kEarliestArrival), Direction::kBoth);
  ASSERT_OK(back);
  EXPECT_EQ(back->distance, -1);
}

// S-A-T (1st, 2nd) has a conflict code on its first hop; S-B-T (5th, 6th)
// is all consultations. A filter on "04" or a window from the 3rd leaves
// only S-B-T.
TEST_F(TemporalPathsTest, TheFilterAppliesToEveryHop) {
  Add("S", "A", DateOf(Jan(1)), "190");
  Add("A", "T", DateOf(Jan(2)));
  Add("S", "B", DateOf(Jan(5)));
  Add("B", "T", DateOf(Jan(6)));
  auto all = Find("S", "T", Mode(TemporalMode::kEarliestArrival));
  ASSERT_OK(all);
  EXPECT_EQ(Names(*all), std::vector<std::string>{"S-A-T"});
  EdgeFilter codes;
  codes.code_prefixes = {"04"};
  auto r = Find("S", "T", Mode(TemporalMode::kEarliestArrival), Direction::kOut, codes);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-B-T"});
  EdgeFilter window;
  window.date_from = DateOf(Jan(3));
  r = Find("S", "T", Mode(TemporalMode::kEarliestArrival), Direction::kOut, window);
  ASSERT_OK(r);
  EXPECT_EQ(Names(*r), std::vector<std::string>{"S-B-T"});
}

TEST_F(TemporalPathsTest, BadArgumentsNameTheirField) {
  Add("S", "T", DateOf(Jan(1)));
  TemporalOptions o;
  o.max_gap_days = -1;
  auto r = Find("S", "T", o);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_FALSE(model::ViolationsOf(r.status()).empty());
  EXPECT_EQ(model::ViolationsOf(r.status())[0].field, "max_gap_days");
  for (int hops : {0, 7}) {
    r = Find("S", "T", {}, Direction::kOut, {}, hops);
    ASSERT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(model::ViolationsOf(r.status())[0].field, "max_hops");
  }
  r = Find("S", "S", {});
  ASSERT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(model::ViolationsOf(r.status())[0].field, "to");
  o = {};
  o.mode = static_cast<TemporalMode>(9);
  r = Find("S", "T", o);
  ASSERT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(model::ViolationsOf(r.status())[0].field, "temporal_mode");
}

TEST_F(TemporalPathsTest, LimitsStopTheSearch) {
  for (int i = 0; i < 20; ++i) Add("S", "H" + std::to_string(i), DateOf(Jan(1 + i)));
  for (int i = 0; i < 20; ++i) Add("H" + std::to_string(i), "T", DateOf(Jan(21 + i)));
  TemporalOptions o;
  o.max_work = 10;
  EXPECT_THAT(Find("S", "T", o), StatusIs(absl::StatusCode::kResourceExhausted));
  auto view = world_.store().Snapshot();
  WorkBudget budget(4096, 4096);
  WorkLease lease(&budget);
  EXPECT_THAT(FindTemporalPaths(*view, world_.IdOf("S"), world_.IdOf("T"), Direction::kOut,
                                CompiledFilter({}), {}, 6, 10, 10, nullptr, &lease),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(FindTemporalPaths(*view, world_.IdOf("S"), world_.IdOf("T"), Direction::kOut,
                                CompiledFilter({}), {}, 6, 10, 10, [] { return true; }),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  auto fine = Find("S", "T", {});
  ASSERT_OK(fine);
  EXPECT_EQ(Names(*fine), std::vector<std::string>{"S-H0-T"});
}

// ------------------------------------------------------------- Traverse

class TemporalTraverseTest : public TemporalPathsTest {
 protected:
  absl::StatusOr<TraverseResult> Walk(const std::vector<std::string>& seeds,
                                      const TemporalOptions& o, int max_depth = 3,
                                      Direction d = Direction::kOut,
                                      const TraverseLimits& base = {}, WorkLease* lease = nullptr,
                                      const StopFn& stop = nullptr) {
    std::vector<EntityId> ids;
    for (const auto& s : seeds) ids.push_back(world_.IdOf(s));
    TraverseLimits limits = base;
    limits.max_depth = max_depth;
    auto view = world_.store().Snapshot();
    return TemporalTraverse(*view, ids, d, CompiledFilter({}), o, limits, stop, lease);
  }

  // "name:depth" or "name:depth@day-of-January-2024" per node, in order.
  std::vector<std::string> Nodes(const TraverseResult& r) const {
    std::vector<std::string> out;
    for (const auto& n : r.nodes) {
      out.push_back(NameOf(n.id) + ":" + std::to_string(n.depth) +
                    (n.arrival_day ? "@" + std::to_string(*n.arrival_day - Jan(0)) : ""));
    }
    return out;
  }

  // Nodes() of a walk with no other options, or the error.
  std::vector<std::string> NodesOf(const std::vector<std::string>& seeds, const TemporalOptions& o,
                                   int max_depth = 3) {
    auto r = Walk(seeds, o, max_depth);
    if (!r.ok()) return {r.status().ToString()};
    return Nodes(*r);
  }

  // "actor>target*count" per edge.
  std::vector<std::string> Edges(const TraverseResult& r) const {
    std::vector<std::string> out;
    for (const auto& e : r.edges) {
      out.push_back(NameOf(e.actor) + ">" + NameOf(e.target) + "*" + std::to_string(e.count));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

// Days are of January 2024 (Jan(d)); a node's "@n" is its arrival's day n.
// A->B 10, B->C 1, A->D 5, D->C 6, C->E 2. Statically E is 3 hops from A.
// In time: B at 10 cannot go on to C (1); C is reached through D on the
// 6th, and C->E on the 2nd cannot follow. B->C and C->E are not followed.
TEST_F(TemporalTraverseTest, TimeCutsTheNeighbourhood) {
  Add("A", "B", DateOf(Jan(10)));
  Add("B", "C", DateOf(Jan(1)));
  Add("A", "D", DateOf(Jan(5)));
  Add("D", "C", DateOf(Jan(6)));
  Add("C", "E", DateOf(Jan(2)));
  auto r = Walk({"A"}, Mode(TemporalMode::kEarliestArrival));
  ASSERT_OK(r);
  EXPECT_EQ(Nodes(*r), (std::vector<std::string>{"A:0", "B:1@10", "D:1@5", "C:2@6"}));
  EXPECT_EQ(Edges(*r), (std::vector<std::string>{"A>B*1", "A>D*1", "D>C*1"}));
  EXPECT_TRUE(r->truncated.empty());
  // Every mode gives the same traversal.
  for (int m = 1; m < 4; ++m) {
    auto same = Walk({"A"}, Mode(static_cast<TemporalMode>(m)));
    ASSERT_OK(same);
    EXPECT_EQ(Nodes(*same), Nodes(*r));
  }
}

// The depth is the fewest hops, the arrival the earliest day within
// max_depth, which may take more hops: X is one hop away (S->X on the
// 10th) but arrives on the 3rd through S-A-B-X (1, 2, 3). With max_depth
// 2, S-A-B-X is too long: X arrives on the 10th.
TEST_F(TemporalTraverseTest, ArrivalMayTakeMoreHopsThanDepth) {
  Add("S", "X", DateOf(Jan(10)));
  Add("S", "A", DateOf(Jan(1)));
  Add("A", "B", DateOf(Jan(2)));
  Add("B", "X", DateOf(Jan(3)));
  EXPECT_EQ(NodesOf({"S"}, {}, 3), (std::vector<std::string>{"S:0", "X:1@3", "A:1@1", "B:2@2"}));
  auto r = Walk({"S"}, {}, 2);
  ASSERT_OK(r);
  EXPECT_EQ(Nodes(*r), (std::vector<std::string>{"S:0", "X:1@10", "A:1@1", "B:2@2"}));
  // B->X is followed only when B may still take a hop: not at max_depth 2.
  EXPECT_EQ(Edges(*r), (std::vector<std::string>{"A>B*1", "S>A*1", "S>X*1"}));
}

// With a gap the traversal follows walks, which may come back through an
// entity: S->X 1, X->A 2, A->X 5, X->B 9, gap 4. S-X-B waits 8 days at X;
// the walk S-X-A-X-B waits 1, 3 and 4 days: B is reached at depth 4 on
// the 9th. No simple path reaches B (docs/queries.md says why walks).
TEST_F(TemporalTraverseTest, WithAGapWalksMayComeBack) {
  Add("S", "X", DateOf(Jan(1)));
  Add("X", "A", DateOf(Jan(2)));
  Add("A", "X", DateOf(Jan(5)));
  Add("X", "B", DateOf(Jan(9)));
  TemporalOptions o;
  o.max_gap_days = 4;
  auto r = Walk({"S"}, o, 4);
  ASSERT_OK(r);
  EXPECT_EQ(Nodes(*r), (std::vector<std::string>{"S:0", "X:1@1", "A:2@2", "B:4@9"}));
  EXPECT_EQ(Edges(*r), (std::vector<std::string>{"A>X*1", "S>X*1", "X>A*1", "X>B*1"}));
  EXPECT_EQ(NodesOf({"S"}, o, 3), (std::vector<std::string>{"S:0", "X:1@1", "A:2@2"}));
  // No gap: S-X-B.
  EXPECT_EQ(NodesOf({"S"}, {}, 4), (std::vector<std::string>{"S:0", "X:1@1", "A:2@2", "B:2@9"}));
}

// The start day starts the clock and opens no gap: with a start on the
// 15th, S->A (10th) ended before it; S->B dated January 2024 may hold the
// 15th and is used then; B->C on the 20th follows within a gap of 5.
TEST_F(TemporalTraverseTest, StartDayAndGap) {
  Add("S", "A", DateOf(Jan(10)));
  Add("S", "B", {2024, 1, 0});
  Add("B", "C", DateOf(Jan(20)));
  TemporalOptions o;
  o.start_day = Jan(15);
  o.max_gap_days = 5;
  EXPECT_EQ(NodesOf({"S"}, o), (std::vector<std::string>{"S:0", "B:1@15", "C:2@20"}));
  o.max_gap_days = 4;
  EXPECT_EQ(NodesOf({"S"}, o), (std::vector<std::string>{"S:0", "B:1@15"}));
  // Without a start the month is used on its first day, and C is 19 days on.
  o.start_day.reset();
  EXPECT_EQ(NodesOf({"S"}, o), (std::vector<std::string>{"S:0", "A:1@10", "B:1@1"}));
}

// Two seeds: each is depth 0 with no arrival, even when a hop from the
// other reaches it. BOTH counts a statement once although both its ends
// are expanded, and a repeated statement once each.
TEST_F(TemporalTraverseTest, SeedsAndBothDirections) {
  Add("P", "Q", DateOf(Jan(1)));
  Add("P", "Q", DateOf(Jan(2)));
  Add("R", "Q", DateOf(Jan(3)));
  Add("P", "R", DateOf(Jan(4)));
  auto r = Walk({"P", "Q"}, {}, 2, Direction::kBoth);
  ASSERT_OK(r);
  EXPECT_EQ(Nodes(*r), (std::vector<std::string>{"P:0", "Q:0", "R:1@3"}));
  EXPECT_EQ(Edges(*r), (std::vector<std::string>{"P>Q*2", "P>R*1", "R>Q*1"}));
  ASSERT_EQ(r->edges.size(), 3u);
  EXPECT_EQ(r->edges[0].evidence.size(), 2u);
  EXPECT_GT(r->edges[0].evidence[0], r->edges[0].evidence[1]);  // newest first
}

TEST_F(TemporalTraverseTest, LimitsCutAndSayWhich) {
  for (int i = 0; i < 5; ++i) Add("S", "H" + std::to_string(i), DateOf(Jan(1 + i)));
  for (int i = 0; i < 5; ++i) Add("H" + std::to_string(i), "T", DateOf(Jan(10 + i)));
  TraverseLimits l;
  l.max_nodes = 3;
  auto r = Walk({"S"}, {}, 2, Direction::kOut, l);
  ASSERT_OK(r);
  EXPECT_EQ(r->nodes.size(), 3u);
  EXPECT_EQ(r->truncated, "max_nodes");
  l = {};
  l.max_fanout = 2;
  r = Walk({"S"}, {}, 2, Direction::kOut, l);
  ASSERT_OK(r);
  EXPECT_EQ(r->truncated, "max_fanout");
  EXPECT_EQ(r->nodes.size(), 4u);  // S, two H, T
  l = {};
  l.max_edges = 4;
  r = Walk({"S"}, {}, 2, Direction::kOut, l);
  ASSERT_OK(r);
  EXPECT_EQ(r->truncated, "max_edges");
  EXPECT_EQ(r->edges.size(), 4u);
  l = {};
  l.evidence_per_edge = 0;
  r = Walk({"S"}, {}, 2, Direction::kOut, l);
  ASSERT_OK(r);
  EXPECT_TRUE(r->truncated.empty());
  EXPECT_TRUE(r->edges[0].evidence.empty());
  TemporalOptions o;
  o.max_work = 3;
  EXPECT_THAT(Walk({"S"}, o, 2), StatusIs(absl::StatusCode::kResourceExhausted));
  WorkBudget budget(512, 512);
  WorkLease lease(&budget);
  EXPECT_THAT(Walk({"S"}, {}, 2, Direction::kOut, {}, &lease),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(Walk({"S"}, {}, 2, Direction::kOut, {}, nullptr, [] { return true; }),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  o = {};
  o.max_gap_days = -1;
  auto bad = Walk({"S"}, o);
  ASSERT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(model::ViolationsOf(bad.status())[0].field, "max_gap_days");
}

// Through GraphReader: `temporal` switches Traverse to the time-respecting
// one; count_sources cannot go with it.
TEST_F(TemporalTraverseTest, ReaderTakesTheTemporalOptions) {
  Add("A", "B", DateOf(Jan(10)));
  Add("B", "C", DateOf(Jan(1)));
  TraverseQuery q;
  q.seeds = {model::EntityRef{world_.IdOf("A")}};
  q.direction = Direction::kOut;
  auto fixed = world_.reader().Traverse(q, nullptr);
  ASSERT_OK(fixed);
  EXPECT_EQ(fixed->result.nodes.size(), 3u);
  q.temporal = TemporalOptions{};
  auto timed = world_.reader().Traverse(q, nullptr);
  ASSERT_OK(timed);
  EXPECT_EQ(Nodes(timed->result), (std::vector<std::string>{"A:0", "B:1@10"}));
  EXPECT_EQ(timed->entities.size(), 2u);
  q.count_sources = true;
  auto bad = world_.reader().Traverse(q, nullptr);
  ASSERT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(model::ViolationsOf(bad.status())[0].field, "count_sources");
}

// ------------------------------------------------- Random, vs reference

const char* Name(TemporalMode m) {
  static const char* const kNames[] = {"EARLIEST_ARRIVAL", "LATEST_DEPARTURE", "FASTEST",
                                       "SHORTEST"};
  return kNames[static_cast<int>(m)];
}

struct TemporalQuery {
  EntityId from = 0;
  EntityId to = 0;
  Direction direction = Direction::kOut;
  EdgeFilter filter;
  TemporalOptions options;
  int max_hops = 3;
  int max_paths = 3;
  int evidence_per_hop = 2;

  std::string Describe() const {
    std::ostringstream out;
    out << "TemporalPaths " << from << "->" << to << " "
        << (direction == Direction::kOut  ? "OUT"
            : direction == Direction::kIn ? "IN"
                                          : "BOTH")
        << " " << Name(options.mode) << " max_hops=" << max_hops << " max_paths=" << max_paths
        << " evidence=" << evidence_per_hop;
    if (options.start_day) out << " start=" << model::FormatDate(DateOf(*options.start_day));
    if (options.max_gap_days) out << " gap=" << *options.max_gap_days;
    out << " " << graph::Describe(filter);
    return out.str();
  }
};

struct TemporalTally {
  int queries = 0;
  int found = 0;       // with a path
  int tied = 0;        // with more than one path
  int cut = 0;         // whose paths max_paths cut
  int shared_day = 0;  // with a hop given by several statements
};

void ExpectSameHop(const TemporalHop& got, const RefTemporalHop& want, int evidence,
                   const ReferenceGraph& ref) {
  EXPECT_EQ(got.from, want.from);
  EXPECT_EQ(got.to, want.to);
  EXPECT_EQ(got.day, want.day);
  EXPECT_EQ(got.count, want.statements.size());
  std::vector<model::StatementId> ids;
  for (const auto& s : got.statements) ids.push_back(s.id);
  const size_t n = std::min<size_t>(want.statements.size(), evidence);
  EXPECT_EQ(ids,
            std::vector<model::StatementId>(want.statements.begin(), want.statements.begin() + n));
  for (const auto& s : got.statements) {
    for (const RefStatement& r : ref.statements()) {
      if (r.id != s.id) continue;
      EXPECT_EQ(model::FirstDay(s.date), r.day) << "statement " << s.id;
      EXPECT_EQ(model::LastDay(s.date), r.last_day) << "statement " << s.id;
    }
  }
}

void CheckTemporal(const storage::Store& store, const ReferenceGraph& ref, const TemporalQuery& q,
                   TemporalTally* tally) {
  SCOPED_TRACE(q.Describe());
  auto view = store.Snapshot();
  CompiledFilter filter(q.filter);
  if (filter.needs_claims()) filter.UseClaims(*view);
  auto got = FindTemporalPaths(*view, q.from, q.to, q.direction, filter, q.options, q.max_hops,
                               q.max_paths, q.evidence_per_hop, nullptr);
  ASSERT_OK(got);
  const RefTemporalPaths want =
      ref.TemporalPaths(q.from, q.to, q.direction, q.filter, q.options, q.max_hops, q.max_paths);
  ++tally->queries;
  ASSERT_EQ(got->distance, want.distance);
  if (want.distance < 0) return;
  ++tally->found;
  tally->tied += want.paths.size() > 1;
  tally->cut += static_cast<int>(want.paths.size()) == q.max_paths;
  EXPECT_EQ(got->departure, want.departure);
  EXPECT_EQ(got->arrival, want.arrival);
  EXPECT_EQ(got->duration, want.duration);
  ASSERT_EQ(got->paths.size(), want.paths.size());
  for (size_t i = 0; i < want.paths.size(); ++i) {
    SCOPED_TRACE("path " + std::to_string(i));
    EXPECT_EQ(got->paths[i].entities, want.paths[i].entities);
    EXPECT_EQ(got->paths[i].departure, want.paths[i].departure);
    EXPECT_EQ(got->paths[i].arrival, want.paths[i].arrival);
    ASSERT_EQ(got->paths[i].hops.size(), want.paths[i].hops.size());
    for (size_t h = 0; h < want.paths[i].hops.size(); ++h) {
      ExpectSameHop(got->paths[i].hops[h], want.paths[i].hops[h], q.evidence_per_hop, ref);
      tally->shared_day += want.paths[i].hops[h].statements.size() > 1;
    }
  }
}

class RandomTemporalTest : public ::testing::TestWithParam<GraphSpec> {
 protected:
  void SetUp() override {
    ASSERT_OK(world_.Open());
    ASSERT_OK(world_.Load(RandomTemporalStatements(GetParam()), model::NameResolution::kExact));
    for (int i = 0; i < GetParam().entities; ++i) {
      const EntityId id =
          world_.IdOf("T" + std::to_string(GetParam().seed) + "-" + std::to_string(i));
      if (id != 0) ids_.push_back(id);
    }
    ASSERT_GE(ids_.size(), 2u);
  }

  TemporalQuery Make(std::mt19937* rng) {
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(*rng); };
    TemporalQuery q;
    q.from = ids_[uniform(0, ids_.size() - 1)];
    do q.to = ids_[uniform(0, ids_.size() - 1)];
    while (q.to == q.from);
    q.direction = static_cast<Direction>(uniform(1, 3));
    q.options.mode = static_cast<TemporalMode>(uniform(0, 3));
    if (uniform(0, 2) == 0) q.options.max_gap_days = uniform(0, 12);
    // Start days in and around the statements' weeks, and on month starts.
    if (uniform(0, 2) == 0) {
      static const int32_t kStarts[] = {model::DaysFromCivil(2024, 1, 1),
                                        model::DaysFromCivil(2024, 2, 1),
                                        model::DaysFromCivil(2023, 12, 31)};
      q.options.start_day = uniform(0, 1) ? model::DaysFromCivil(2024, 1, 18) + uniform(0, 25)
                                          : kStarts[uniform(0, 2)];
    }
    if (uniform(0, 4) == 0) q.filter.code_prefixes = {uniform(0, 1) ? "04" : "19"};
    if (uniform(0, 4) == 0)
      q.filter.date_from = DateOf(model::DaysFromCivil(2024, 1, 15) + uniform(0, 25));
    if (uniform(0, 5) == 0) q.filter.min_confidence = 0.5;
    q.max_hops = uniform(1, 4);
    q.max_paths = uniform(1, 4);
    q.evidence_per_hop = uniform(1, 3);
    return q;
  }

  void CheckQueries(int n, uint32_t salt, TemporalTally* tally) {
    std::mt19937 rng(GetParam().seed * 7919 + salt);
    for (int i = 0; i < n && !::testing::Test::HasFailure(); ++i) {
      CheckTemporal(world_.store(), world_.reference(), Make(&rng), tally);
    }
  }

  World world_;
  std::vector<EntityId> ids_;
};

TEST_P(RandomTemporalTest, MatchesReference) {
  TemporalTally tally;
  CheckQueries(300, 1, &tally);
  std::cout << "[ compared ] " << tally.queries << " queries, " << tally.found << " with paths, "
            << tally.tied << " tied, " << tally.cut << " cut, " << tally.shared_day
            << " hops with several statements" << std::endl;
  // The graphs are made for answers: a comparison of empty answers proves
  // nothing.
  EXPECT_GT(tally.found, tally.queries / 5);
}

TEST_P(RandomTemporalTest, MatchesReferenceAfterReopen) {
  ASSERT_OK(world_.Reopen());
  TemporalTally tally;
  CheckQueries(150, 2, &tally);
  EXPECT_GT(tally.found, tally.queries / 5);
}

// Every mode on the same query, with and without gap and start day.
TEST_P(RandomTemporalTest, EveryModeOnTheSameQueries) {
  std::mt19937 rng(GetParam().seed);
  TemporalTally tally;
  for (int i = 0; i < 40 && !HasFailure(); ++i) {
    TemporalQuery q = Make(&rng);
    for (auto gap : {std::optional<int32_t>{}, std::optional<int32_t>{3}}) {
      for (auto start : {std::optional<int32_t>{}, std::optional<int32_t>{Jan(25)}}) {
        for (int m = 0; m < 4; ++m) {
          q.options.mode = static_cast<TemporalMode>(m);
          q.options.max_gap_days = gap;
          q.options.start_day = start;
          CheckTemporal(world_.store(), world_.reference(), q, &tally);
        }
      }
    }
  }
  EXPECT_GT(tally.found, tally.queries / 10);
}

// Random temporal graphs against ReferenceGraph::TemporalTraverse: every
// node's depth and arrival, every edge's count, days, Goldstein sum and
// newest evidence.
void CheckTemporalTraverse(const storage::Store& store, const ReferenceGraph& ref,
                           const std::vector<EntityId>& seeds, const TemporalQuery& q,
                           int max_depth, int evidence, int* reached) {
  SCOPED_TRACE(q.Describe() + " seeds=" + std::to_string(seeds.size()) +
               " depth=" + std::to_string(max_depth));
  auto view = store.Snapshot();
  CompiledFilter filter(q.filter);
  if (filter.needs_claims()) filter.UseClaims(*view);
  TraverseLimits limits{max_depth, 100000, 1000000, 1000000, evidence};
  auto got = TemporalTraverse(*view, seeds, q.direction, filter, q.options, limits, nullptr);
  ASSERT_OK(got);
  EXPECT_TRUE(got->truncated.empty());
  const RefTemporalTraverse want =
      ref.TemporalTraverse(seeds, q.direction, q.filter, q.options, max_depth);
  std::map<EntityId, int> depth;
  std::map<EntityId, int32_t> arrival;
  for (const auto& n : got->nodes) {
    depth[n.id] = n.depth;
    if (n.arrival_day) arrival[n.id] = *n.arrival_day;
  }
  EXPECT_EQ(depth, want.depth);
  EXPECT_EQ(arrival, want.arrival);
  *reached += static_cast<int>(want.arrival.size());
  for (size_t i = 1; i < got->nodes.size(); ++i) {
    EXPECT_LT(std::pair(got->nodes[i - 1].depth, got->nodes[i - 1].id),
              std::pair(got->nodes[i].depth, got->nodes[i].id));
  }
  ASSERT_EQ(got->edges.size(), want.edges.size());
  size_t i = 0;
  for (const auto& [key, e] : want.edges) {
    const AggregatedEdge& g = got->edges[i++];
    SCOPED_TRACE("edge " + std::to_string(key.first) + "->" + std::to_string(key.second));
    EXPECT_EQ(std::pair(g.actor, g.target), key);
    EXPECT_EQ(g.count, e.count);
    EXPECT_EQ(g.first_day, e.first_day);
    EXPECT_EQ(g.last_day, e.last_day);
    EXPECT_NEAR(g.goldstein_sum, e.goldstein_sum, 1e-9);
    EXPECT_EQ(g.classified, e.classified);
    const size_t n = std::min<size_t>(e.statements.size(), evidence);
    EXPECT_EQ(g.evidence,
              std::vector<model::StatementId>(e.statements.begin(), e.statements.begin() + n));
  }
}

TEST_P(RandomTemporalTest, TraverseMatchesReference) {
  std::mt19937 rng(GetParam().seed * 31 + 5);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int reached = 0, queries = 0;
  for (int i = 0; i < 150 && !HasFailure(); ++i) {
    const TemporalQuery q = Make(&rng);
    std::vector<EntityId> seeds = {q.from};
    if (uniform(0, 3) == 0) seeds.push_back(q.to);
    CheckTemporalTraverse(world_.store(), world_.reference(), seeds, q, uniform(1, 4),
                          uniform(0, 3), &reached);
    ++queries;
  }
  std::cout << "[ compared ] traverse: " << queries << " queries, " << reached << " nodes reached"
            << std::endl;
  EXPECT_GT(reached, queries);
}

// With and without gap and start day on the same seeds, after reopening.
TEST_P(RandomTemporalTest, TraverseMatchesReferenceAfterReopen) {
  ASSERT_OK(world_.Reopen());
  std::mt19937 rng(GetParam().seed * 17 + 3);
  int reached = 0;
  for (int i = 0; i < 25 && !HasFailure(); ++i) {
    TemporalQuery q = Make(&rng);
    for (auto gap :
         {std::optional<int32_t>{}, std::optional<int32_t>{0}, std::optional<int32_t>{4}}) {
      for (auto start : {std::optional<int32_t>{}, std::optional<int32_t>{Jan(20)}}) {
        q.options.max_gap_days = gap;
        q.options.start_day = start;
        CheckTemporalTraverse(world_.store(), world_.reference(), {q.from}, q, 3, 2, &reached);
      }
    }
  }
  EXPECT_GT(reached, 50);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomTemporalTest,
                         ::testing::Values(GraphSpec{11, 6, 30}, GraphSpec{12, 8, 45},
                                           GraphSpec{13, 10, 60}, GraphSpec{14, 12, 70},
                                           GraphSpec{15, 7, 50}, GraphSpec{16, 9, 80},
                                           GraphSpec{18, 7, 90}),
                         [](const auto& info) { return "Seed" + std::to_string(info.param.seed); });

// -------------------------------------------------------------- ICEWS14

// ICEWS14's test split (8,963 statements of 2014, dates to the day): real
// hubs and real fan-out. Against the reference in windows of days (which
// keep its enumeration small), and the cost of whole-year searches.
class IcewsTemporalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = std::make_unique<World>();
    auto statements = ReadIcews14("icews14_test.tsv");
    status_ = statements.status();
    if (status_.ok()) status_ = world_->Open();
    if (status_.ok()) status_ = world_->Load(*statements, model::NameResolution::kExact);
  }
  static void TearDownTestSuite() { world_.reset(); }
  void SetUp() override { ASSERT_OK(status_); }

  static inline std::unique_ptr<World> world_;
  static inline absl::Status status_;
};

TEST_F(IcewsTemporalTest, WindowsMatchReference) {
  const std::vector<EntityId> by_statements = world_->reference().EntitiesByStatements();
  std::mt19937 rng(2014);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto entity = [&] {  // mostly hubs
    return by_statements[uniform(0, uniform(0, 5) ? 30 : by_statements.size() - 1)];
  };
  TemporalTally tally;
  for (int i = 0; i < 400 && !HasFailure(); ++i) {
    TemporalQuery q;
    q.from = entity();
    do q.to = entity();
    while (q.to == q.from);
    q.direction = static_cast<Direction>(uniform(1, 3));
    q.options.mode = static_cast<TemporalMode>(uniform(0, 3));
    const int32_t first = model::DaysFromCivil(2014, 1, 1) + uniform(0, 350);
    q.filter.date_from = DateOf(first);
    q.filter.date_to = DateOf(first + uniform(20, 60));
    if (uniform(0, 2) == 0) q.options.max_gap_days = uniform(0, 3);
    if (uniform(0, 2) == 0) q.options.start_day = first + uniform(0, 5);
    q.max_hops = uniform(2, 3);
    q.max_paths = uniform(1, 5);
    CheckTemporal(world_->store(), world_->reference(), q, &tally);
  }
  std::cout << "[ compared ] ICEWS14: " << tally.queries << " queries, " << tally.found
            << " with paths, " << tally.tied << " tied" << std::endl;
  EXPECT_GT(tally.found, 60);
}

// Time-respecting traversals from hubs in windows of days, against the
// reference (at most 2 hops: its simple-path enumeration is exponential).
TEST_F(IcewsTemporalTest, TraverseWindowsMatchReference) {
  const std::vector<EntityId> by_statements = world_->reference().EntitiesByStatements();
  std::mt19937 rng(2015);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int reached = 0;
  for (int i = 0; i < 60 && !HasFailure(); ++i) {
    TemporalQuery q;
    q.from = by_statements[uniform(0, uniform(0, 3) ? 30 : by_statements.size() - 1)];
    q.direction = static_cast<Direction>(uniform(1, 3));
    const int32_t first = model::DaysFromCivil(2014, 1, 1) + uniform(0, 350);
    q.filter.date_from = DateOf(first);
    q.filter.date_to = DateOf(first + uniform(10, 30));
    if (uniform(0, 1) == 0) q.options.max_gap_days = uniform(0, 3);
    if (uniform(0, 2) == 0) q.options.start_day = first + uniform(0, 5);
    CheckTemporalTraverse(world_->store(), world_->reference(), {q.from}, q, uniform(1, 2), 3,
                          &reached);
  }
  std::cout << "[ compared ] ICEWS14 traverse: 60 queries, " << reached << " nodes reached"
            << std::endl;
  EXPECT_GT(reached, 200);
}

// Whole-year time-respecting traversals from hubs: what each costs.
TEST_F(IcewsTemporalTest, WholeYearTraversalsStayBounded) {
  const std::vector<EntityId> hubs = world_->reference().EntitiesByStatements();
  auto view = world_->store().Snapshot();
  for (auto [hub, depth] : std::vector<std::pair<size_t, int>>{{0, 2}, {0, 3}, {20, 3}, {300, 4}}) {
    for (auto gap : {std::optional<int32_t>{}, std::optional<int32_t>{7}}) {
      TemporalOptions o;
      o.max_gap_days = gap;
      TraverseLimits limits{depth, 100000, 1000000, 1000000, 3};
      WorkBudget budget(size_t{256} << 20);
      WorkLease lease(&budget);
      const auto start = std::chrono::steady_clock::now();
      auto r = TemporalTraverse(*view, {hubs[hub]}, Direction::kBoth, CompiledFilter({}), o, limits,
                                nullptr, &lease);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
      std::cout << "[ cost     ] traverse " << hub << " depth=" << depth << (gap ? " gap=7" : "")
                << ": " << ms << " ms, peak " << (budget.peak_bytes() >> 10) << " KiB, "
                << (r.ok() ? std::to_string(r->nodes.size()) + " nodes, " +
                                 std::to_string(r->edges.size()) + " edges"
                           : r.status().ToString())
                << std::endl;
      if (!r.ok()) EXPECT_THAT(r, StatusIs(absl::StatusCode::kResourceExhausted));
    }
  }
}

// Whole-year searches between hubs at 4 and 6 hops, every mode, with and
// without a gap: each answers or says which limit it passed, and the
// answer holds together (hops follow the clock). Prints what each cost.
TEST_F(IcewsTemporalTest, WholeYearSearchesStayBounded) {
  const std::vector<EntityId> hubs = world_->reference().EntitiesByStatements();
  auto view = world_->store().Snapshot();
  for (auto [from, to, max_hops] : std::vector<std::tuple<size_t, size_t, int>>{
           {0, 300, 4}, {0, 300, 6}, {20, 1500, 6}, {2, 1, 6}}) {
    for (auto gap : {std::optional<int32_t>{}, std::optional<int32_t>{7}}) {
      for (int m = 0; m < 4; ++m) {
        TemporalOptions o;
        o.mode = static_cast<TemporalMode>(m);
        o.max_gap_days = gap;
        WorkBudget budget(size_t{256} << 20);
        WorkLease lease(&budget);
        const auto start = std::chrono::steady_clock::now();
        auto r = FindTemporalPaths(*view, hubs[from], hubs[to], Direction::kBoth,
                                   CompiledFilter({}), o, max_hops, 10, 3, nullptr, &lease);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
        std::cout << "[ cost     ] " << from << "->" << to << " " << Name(o.mode)
                  << " max_hops=" << max_hops << (gap ? " gap=7" : "") << ": " << ms << " ms, peak "
                  << (budget.peak_bytes() >> 10) << " KiB, "
                  << (r.ok() ? "distance " + std::to_string(r->distance) : r.status().ToString())
                  << std::endl;
        if (!r.ok()) {
          EXPECT_THAT(r, StatusIs(absl::StatusCode::kResourceExhausted));
          continue;
        }
        for (const auto& p : r->paths) {
          for (size_t h = 1; h < p.hops.size(); ++h) {
            EXPECT_LE(p.hops[h - 1].day, p.hops[h].day);
            if (gap) {
              EXPECT_LE(p.hops[h].day - p.hops[h - 1].day, *gap);
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace entente::graph
