// WorkBudget and WorkLease (graph/work_budget.h), and GraphReader's queries
// under a budget: the same answers while it suffices, ResourceExhausted
// naming --query_memory_mb when it does not, everything returned after, and
// charges that match what the queries really allocate.
#include "graph/work_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <new>
#include <random>
#include <thread>

#include "tests/graph/query_maker.h"
#include "tests/graph/random_graph.h"
#include "tests/graph/reference_check.h"
#include "tests/testing/status_matchers.h"

// ------------------------------------------------------- Heap counting
//
// To check the charges against real allocations, operator new and delete
// count malloc's chunk bytes (usable size plus its 8-byte header) on the
// thread of a HeapMeter. Sanitizers replace the allocator: there the
// counting is left out (ENTENTE_SANITIZER_MALLOC, graph/work_budget.h) and
// the test that needs it skips.

namespace {
thread_local bool t_counting = false;
thread_local int64_t t_live = 0;
thread_local int64_t t_peak = 0;
}  // namespace

#ifndef ENTENTE_SANITIZER_MALLOC
void* operator new(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  if (t_counting) {
    t_live += malloc_usable_size(p) + 8;
    t_peak = std::max(t_peak, t_live);
  }
  return p;
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept {
  if (p != nullptr && t_counting) t_live -= malloc_usable_size(p) + 8;
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, size_t) noexcept { operator delete(p); }
void operator delete[](void* p, size_t) noexcept { operator delete(p); }
#endif

namespace entente::graph {
namespace {

using ::entente::testing::StatusIs;
using ::testing::HasSubstr;

// Heap bytes allocated on this thread since construction: now and at most.
class HeapMeter {
 public:
  HeapMeter() {
    t_live = 0;
    t_peak = 0;
    t_counting = true;
  }
  ~HeapMeter() { t_counting = false; }
  int64_t live() const { return t_live; }
  int64_t peak() const { return t_peak; }
};

bool HeapCounting() {
#ifdef ENTENTE_SANITIZER_MALLOC
  return false;
#else
  return true;
#endif
}

// ----------------------------------------------------------- The budget

TEST(WorkBudgetTest, ChargesPastTheLimitAreRefusedNamingTheFlag) {
  WorkBudget budget(1 << 20, 4 << 10);
  WorkLease a(&budget);
  WorkLease b(&budget);
  ASSERT_OK(a.Charge(600 << 10));
  const absl::Status refused = b.Charge(600 << 10);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("--query_memory_mb"));
  EXPECT_EQ(b.charged(), 0u);  // the refused charge is not added
  EXPECT_EQ(budget.refusals(), 1u);
  EXPECT_LE(budget.reserved_bytes(), budget.limit_bytes());
  // What is left can still be had.
  EXPECT_OK(b.Charge(300 << 10));
}

TEST(WorkBudgetTest, DroppingOrReleasingReturnsCapacity) {
  WorkBudget budget(1 << 20, 4 << 10);
  {
    WorkLease a(&budget);
    ASSERT_OK(a.Charge(900 << 10));
    a.Release(800 << 10);
    EXPECT_EQ(a.charged(), 100u << 10);
    // At most two chunks of slack stay reserved beyond the charge.
    EXPECT_LE(budget.reserved_bytes(), (100u << 10) + 2 * budget.chunk_bytes());
    WorkLease b(&budget);
    EXPECT_OK(b.Charge(800 << 10));
  }
  EXPECT_EQ(budget.reserved_bytes(), 0u);
  WorkLease c(&budget);
  EXPECT_OK(c.Charge(1 << 20));  // the whole limit, once nobody holds any
}

TEST(WorkBudgetTest, MovedLeaseKeepsItsCharge) {
  WorkBudget budget(1 << 20, 4 << 10);
  WorkLease a(&budget);
  ASSERT_OK(a.Charge(500 << 10));
  WorkLease b = std::move(a);
  EXPECT_EQ(b.charged(), 500u << 10);
  EXPECT_GE(budget.reserved_bytes(), 500u << 10);
  b = WorkLease();
  EXPECT_EQ(budget.reserved_bytes(), 0u);
}

TEST(WorkBudgetTest, WithoutABudgetEveryChargeSucceedsAndIsCounted) {
  WorkLease lease;
  EXPECT_OK(lease.Charge(size_t{1} << 40));
  EXPECT_EQ(lease.charged(), size_t{1} << 40);
  EXPECT_FALSE(lease.limited());
  WorkLease on_null(nullptr);
  EXPECT_OK(on_null.Charge(size_t{1} << 40));
}

TEST(WorkBudgetTest, ConcurrentLeasesNeverHoldMoreThanTheLimit) {
  constexpr size_t kLimit = 4 << 20;
  WorkBudget budget(kLimit, 16 << 10);
  std::atomic<int64_t> charged_now = 0;  // over every lease
  std::atomic<bool> over = false;
  std::atomic<bool> done = false;
  std::thread monitor([&] {
    while (!done) {
      if (budget.reserved_bytes() > kLimit || charged_now > static_cast<int64_t>(kLimit)) {
        over = true;
      }
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int round = 0; round < 300; ++round) {
        WorkLease lease(&budget);
        // About 16 KiB net per step: a lease alone passes the limit within
        // a round, so refusals come whatever the threads' overlap.
        for (int step = 0; step < 400; ++step) {
          const size_t bytes = rng() % (64 << 10);
          if (rng() % 4 == 0) {
            // Counted off before it is handed back: once back, another
            // lease may take it and count it on before this thread would.
            const size_t back = std::min(bytes, lease.charged());
            charged_now -= back;
            lease.Release(back);
          } else if (lease.Charge(bytes).ok()) {
            charged_now += bytes;
          } else {
            break;  // a query gives up
          }
        }
        charged_now -= lease.charged();
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  monitor.join();
  EXPECT_FALSE(over);
  EXPECT_EQ(budget.reserved_bytes(), 0u);
  EXPECT_LE(budget.peak_bytes(), kLimit);
  EXPECT_GT(budget.refusals(), 0u);  // the limit was reached, so the test tested it
}

// ------------------------------------------------- Queries under a budget

// Same answers, field by field (entities and statements by id).
void ExpectSame(const TraverseAnswer& a, const TraverseAnswer& b) {
  ASSERT_EQ(a.result.nodes.size(), b.result.nodes.size());
  for (size_t i = 0; i < a.result.nodes.size(); ++i) {
    EXPECT_EQ(a.result.nodes[i].id, b.result.nodes[i].id);
    EXPECT_EQ(a.result.nodes[i].depth, b.result.nodes[i].depth);
  }
  ASSERT_EQ(a.result.edges.size(), b.result.edges.size());
  for (size_t i = 0; i < a.result.edges.size(); ++i) {
    const AggregatedEdge& x = a.result.edges[i];
    const AggregatedEdge& y = b.result.edges[i];
    EXPECT_EQ(std::tie(x.actor, x.target, x.count, x.first_day, x.last_day, x.classified),
              std::tie(y.actor, y.target, y.count, y.first_day, y.last_day, y.classified));
    EXPECT_DOUBLE_EQ(x.goldstein_sum, y.goldstein_sum);
    EXPECT_EQ(x.evidence, y.evidence);
  }
  EXPECT_EQ(a.result.truncated, b.result.truncated);
  EXPECT_EQ(a.entities.size(), b.entities.size());
}

void ExpectSame(const PathAnswer& a, const PathAnswer& b) {
  EXPECT_EQ(a.result.distance, b.result.distance);
  EXPECT_EQ(a.result.paths, b.result.paths);
  ASSERT_EQ(a.result.hops.size(), b.result.hops.size());
  for (size_t p = 0; p < a.result.hops.size(); ++p) {
    ASSERT_EQ(a.result.hops[p].size(), b.result.hops[p].size());
    for (size_t h = 0; h < a.result.hops[p].size(); ++h) {
      EXPECT_EQ(a.result.hops[p][h].count, b.result.hops[p][h].count);
      EXPECT_EQ(a.result.hops[p][h].statements, b.result.hops[p][h].statements);
    }
  }
  EXPECT_EQ(a.statements.size(), b.statements.size());
}

// A store with a random graph, read with and without a budget.
class BudgetedQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new World();
    ASSERT_OK(world_->Open());
    ASSERT_OK(world_->Load(RandomStatements({31, 150, 2500}), model::NameResolution::kExact));
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  // The entity with the most statements.
  static model::EntityId Hub() {
    std::map<model::EntityId, int> n;
    for (const auto& s : world_->reference().statements()) ++n[s.actor], ++n[s.target];
    return std::max_element(n.begin(), n.end(),
                            [](auto& x, auto& y) { return x.second < y.second; })
        ->first;
  }

  static TraverseQuery HubTraversal() {
    TraverseQuery q;
    q.seeds.push_back(model::EntityRef{Hub(), ""});
    q.limits = {.max_depth = 6,
                .max_nodes = 100000,
                .max_edges = 1000000,
                .max_fanout = 1000000,
                .evidence_per_edge = 5};
    return q;
  }

  static inline World* world_ = nullptr;
};

TEST_F(BudgetedQueryTest, UnderTheBudgetAnswersAsWithout) {
  WorkBudget budget(64 << 20);
  GraphReader budgeted(&world_->store(), &budget);
  const GraphReader& unbudgeted = world_->reader();
  QueryMaker make(world_->reference(), {}, 77);
  Tally tally;
  for (int i = 0; i < 40 && !HasFailure(); ++i) {
    TraverseQuery q = make.Traverse(4);
    auto a = unbudgeted.Traverse(q, nullptr);
    auto b = budgeted.Traverse(q, nullptr);
    ASSERT_OK(a);
    ASSERT_OK(b);
    ExpectSame(*a, *b);
    CheckTraverse(budgeted, world_->reference(), q, &tally);
  }
  for (int i = 0; i < 40 && !HasFailure(); ++i) {
    PathQuery q = make.Path(5);
    auto a = unbudgeted.FindPaths(q, nullptr);
    auto b = budgeted.FindPaths(q, nullptr);
    ASSERT_EQ(a.status(), b.status());
    if (a.ok()) ExpectSame(*a, *b);
    CheckPaths(budgeted, world_->reference(), q, &tally);
  }
  for (int i = 0; i < 20 && !HasFailure(); ++i) {
    CheckTimeline(budgeted, world_->reference(), make.Timeline(), &tally);
    model::EntityId e;
    const int top = make.Profile(&e);
    CheckProfile(budgeted, world_->reference(), e, top, &tally);
    CheckList(budgeted, world_->reference(), make.List(), &tally);
  }
  std::cout << "[ compared ] under a budget: " << tally.ToString() << std::endl;
  EXPECT_GT(budget.peak_bytes(), 0u);
  EXPECT_EQ(budget.reserved_bytes(), 0u);  // every call returned what it held
  EXPECT_EQ(budget.refusals(), 0u);
}

TEST_F(BudgetedQueryTest, OverTheBudgetEveryQueryIsRefusedNamingTheFlag) {
  WorkBudget budget(2 << 10, 1 << 10);
  GraphReader reader(&world_->store(), &budget);
  const model::EntityId hub = Hub();
  const model::EntityRef hub_ref{hub, ""};
  // The hub's busiest counterpart, for a pair with many statements.
  std::map<model::EntityId, int> with;
  for (const auto& s : world_->reference().statements()) {
    if (s.actor == hub && s.target != hub) ++with[s.target];
    if (s.target == hub && s.actor != hub) ++with[s.actor];
  }
  const model::EntityId other = std::max_element(with.begin(), with.end(), [](auto& x, auto& y) {
                                  return x.second < y.second;
                                })->first;

  auto expect_refused = [](const absl::Status& s) {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted));
    EXPECT_THAT(std::string(s.message()), HasSubstr("--query_memory_mb"));
  };
  expect_refused(reader.Traverse(HubTraversal(), nullptr).status());
  PathQuery path;
  path.from = hub_ref;
  path.to = model::EntityRef{world_->reference().statements().back().actor, ""};
  if (path.to.id == hub) path.to.id = world_->reference().statements().back().target;
  path.max_hops = 6;
  expect_refused(reader.FindPaths(path, nullptr).status());
  TimelineQuery timeline;
  timeline.a = hub_ref;
  timeline.b = model::EntityRef{other, ""};
  timeline.granularity = Granularity::kDay;
  timeline.page_size = 1000;
  expect_refused(reader.Timeline(timeline, nullptr).status());
  expect_refused(reader.Profile({.entity = hub_ref, .resolution = model::NameResolution::kExact, .top = 10}, nullptr).status());
  StatementQuery list;
  list.entity = hub_ref;
  list.page_size = 1000;
  expect_refused(reader.ListStatements(list).status());
  EXPECT_EQ(budget.reserved_bytes(), 0u);

  // The same queries pass on a reader without a budget.
  EXPECT_OK(world_->reader().Traverse(HubTraversal(), nullptr));
  EXPECT_OK(world_->reader().FindPaths(path, nullptr));
  EXPECT_OK(world_->reader().Timeline(timeline, nullptr));
}

TEST_F(BudgetedQueryTest, ACallersLeaseHoldsTheAnswerUntilDropped) {
  WorkBudget budget(64 << 20, 4 << 10);
  GraphReader reader(&world_->store(), &budget);
  {
    WorkLease lease = reader.NewLease();
    auto answer = reader.Traverse(HubTraversal(), nullptr, &lease);
    ASSERT_OK(answer);
    // The answer's nodes, edges and entities, at least.
    EXPECT_GE(lease.charged(), answer->result.nodes.size() * sizeof(ReachedNode) +
                                   answer->result.edges.size() * sizeof(AggregatedEdge) +
                                   answer->entities.size() * sizeof(model::Entity));
    EXPECT_GE(budget.reserved_bytes(), lease.charged());
    // The search state was scratch: the peak was higher than what is held.
    EXPECT_GT(budget.peak_bytes(), budget.reserved_bytes());
  }
  EXPECT_EQ(budget.reserved_bytes(), 0u);
}

TEST_F(BudgetedQueryTest, ConcurrentQueriesShareTheBudget) {
  // Enough for about two hub traversals at once, for six threads.
  WorkBudget probe(1 << 30, 4 << 10);
  ASSERT_OK(GraphReader(&world_->store(), &probe).Traverse(HubTraversal(), nullptr));
  WorkBudget budget(2 * probe.peak_bytes(), 4 << 10);
  GraphReader reader(&world_->store(), &budget);
  auto expected = reader.Traverse(HubTraversal(), nullptr);  // alone, it fits
  ASSERT_OK(expected);
  std::atomic<int> ok = 0;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        WorkLease lease = reader.NewLease();
        auto got = reader.Traverse(HubTraversal(), nullptr, &lease);
        if (got.ok()) {
          ExpectSame(*expected, *got);
          ++ok;
        } else {
          EXPECT_THAT(got, StatusIs(absl::StatusCode::kResourceExhausted));
          ++refused;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  // Which calls got through depends on the scheduling; that each either
  // answered in full or was refused does not.
  EXPECT_EQ(ok + refused, 30);
  EXPECT_LE(budget.peak_bytes(), budget.limit_bytes());
  EXPECT_EQ(budget.reserved_bytes(), 0u);
}

// ------------------------------------------- Charges against allocations

// A larger graph, so that what grows with the data outweighs the fixed
// costs of a call (snapshot, iterators).
class ChargeAccuracyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new World();
    ASSERT_OK(world_->Open());
    ASSERT_OK(world_->Load(RandomStatements({41, 1500, 15000}), model::NameResolution::kExact));
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  void SetUp() override {
    if (!HeapCounting()) GTEST_SKIP() << "the sanitizers' allocator is not counted";
  }

  struct Measure {
    int64_t peak_allocated;  // most heap held during the call
    int64_t held_allocated;  // by the answer on return
    int64_t peak_charged;
    int64_t held_charged;
  };

  // Runs `query` (reader, lease) -> StatusOr once to warm the block cache,
  // then again with the heap counted.
  template <typename Query>
  static Measure Run(const Query& query) {
    WorkBudget budget(1 << 30, 4 << 10);  // fine-grained: its peak follows the charges
    GraphReader reader(&world_->store(), &budget);
    {
      WorkLease warm = reader.NewLease();
      EXPECT_OK(query(reader, &warm));
    }
    WorkBudget fresh(1 << 30, 4 << 10);
    GraphReader measured(&world_->store(), &fresh);
    HeapMeter meter;
    WorkLease lease = measured.NewLease();
    auto answer = query(measured, &lease);
    EXPECT_OK(answer);
    return {meter.peak(), meter.live(), static_cast<int64_t>(fresh.peak_bytes()),
            static_cast<int64_t>(lease.charged())};
  }

  // Charged within [0.8, 1.5] of what was allocated, give or take the
  // fixed costs of a call that are not charged (iterators, the snapshot,
  // a few small vectors): estimates may err on the safe side, not far on
  // either.
  static void ExpectClose(const std::string& what, const Measure& m) {
    std::cout << "[ charges  ] " << what << ": peak allocated " << m.peak_allocated << ", charged "
              << m.peak_charged << "; held allocated " << m.held_allocated << ", charged "
              << m.held_charged << std::endl;
    constexpr int64_t kFixed = 16 << 10;
    EXPECT_GE(m.peak_charged, m.peak_allocated * 4 / 5 - kFixed) << what;
    EXPECT_LE(m.peak_charged, m.peak_allocated * 3 / 2 + kFixed) << what;
    EXPECT_GE(m.held_charged, m.held_allocated * 4 / 5 - kFixed) << what;
    EXPECT_LE(m.held_charged, m.held_allocated * 3 / 2 + kFixed) << what;
  }

  static model::EntityId Id(const std::string& name) { return world_->IdOf(name); }

  static inline World* world_ = nullptr;
};

TEST_F(ChargeAccuracyTest, Traverse) {
  TraverseQuery q;
  q.seeds.push_back(model::EntityRef{Id("E41-0"), ""});
  q.resolution = model::NameResolution::kExact;
  q.limits = {.max_depth = 6,
              .max_nodes = 100000,
              .max_edges = 1000000,
              .max_fanout = 1000000,
              .evidence_per_edge = 3};
  // Without a filter the expansion reads summaries; with a confidence
  // floor, the index.
  ExpectClose("Traverse from summaries",
              Run([&](const GraphReader& r, WorkLease* l) { return r.Traverse(q, nullptr, l); }));
  q.filter.min_confidence = 0.1;
  ExpectClose("Traverse from the index",
              Run([&](const GraphReader& r, WorkLease* l) { return r.Traverse(q, nullptr, l); }));
}

TEST_F(ChargeAccuracyTest, FindPaths) {
  PathQuery q;
  // Two of the least connected, four hops apart by 29 tied paths: both
  // searches hold wide neighbourhoods, the answer much evidence.
  q.from = model::EntityRef{Id("E41-1400"), ""};
  q.to = model::EntityRef{Id("E41-1300"), ""};
  q.max_hops = 6;
  q.max_paths = 100;
  q.evidence_per_hop = 100;
  ASSERT_NE(q.from.id, 0u);
  ASSERT_NE(q.to.id, 0u);
  ExpectClose("FindPaths",
              Run([&](const GraphReader& r, WorkLease* l) { return r.FindPaths(q, nullptr, l); }));
}

TEST_F(ChargeAccuracyTest, TimelineProfileAndList) {
  TimelineQuery t;
  t.a = model::EntityRef{Id("E41-0"), ""};
  t.b = model::EntityRef{Id("E41-1"), ""};
  t.granularity = Granularity::kDay;
  t.page_size = 1000;
  ExpectClose("Timeline",
              Run([&](const GraphReader& r, WorkLease* l) { return r.Timeline(t, nullptr, l); }));
  ExpectClose("Profile", Run([&](const GraphReader& r, WorkLease* l) {
                return r.Profile({.entity = t.a, .resolution = model::NameResolution::kExact, .top = 100}, nullptr, l);
              }));
  StatementQuery list;
  list.entity = t.a;
  list.page_size = 1000;
  ExpectClose("ListStatements",
              Run([&](const GraphReader& r, WorkLease* l) { return r.ListStatements(list, l); }));
}

}  // namespace
}  // namespace entente::graph
