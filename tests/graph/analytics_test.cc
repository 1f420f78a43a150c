// Every query type of GraphReader against the brute-force ReferenceGraph, on
// seeded random graphs and on ICEWS14. The hand-made cases are in
// analytics_edge_test.cc.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <random>
#include <set>

#include "graph/taxonomy.h"
#include "tests/graph/icews_data.h"
#include "tests/graph/random_graph.h"
#include "tests/graph/reference_check.h"
#include "tests/testing/status_matchers.h"

namespace entente::graph {
namespace {

struct Loaded {
  World world;
  std::vector<model::EntityId> isolated;
  absl::Status status;
};

class RandomGraphTest : public ::testing::TestWithParam<GraphSpec> {
 protected:
  // Each graph is built once and shared by the tests of its parameter.
  static void TearDownTestSuite() { loaded_.clear(); }

  void SetUp() override {
    std::unique_ptr<Loaded>& l = loaded_[GetParam().seed];
    if (!l) {
      l = std::make_unique<Loaded>();
      l->status = l->world.Open();
      if (l->status.ok()) {
        l->status = l->world.Load(RandomStatements(GetParam()), model::NameResolution::kExact);
      }
      if (l->status.ok()) l->isolated = Isolated(l->world);
    }
    ASSERT_OK(l->status);
    loaded_now_ = l.get();
  }

  void Check(const Budget& b, uint32_t salt) {
    CheckRandomQueries(loaded_now_->world, loaded_now_->isolated, GetParam().seed * 1000 + salt, b,
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  static inline std::map<uint32_t, std::unique_ptr<Loaded>> loaded_;
  Loaded* loaded_now_ = nullptr;
};

TEST_P(RandomGraphTest, TraverseMatchesReference) { Check({.traverse = 80, .limited = 60}, 1); }

TEST_P(RandomGraphTest, FindPathsMatchesReference) { Check({.paths = 120}, 2); }

TEST_P(RandomGraphTest, TimelineMatchesReference) { Check({.timeline = 80}, 3); }

TEST_P(RandomGraphTest, ProfileMatchesReference) { Check({.profile = 60}, 4); }

TEST_P(RandomGraphTest, ListStatementsMatchesReference) { Check({.list = 60}, 5); }

INSTANTIATE_TEST_SUITE_P(Seeds, RandomGraphTest,
                         ::testing::Values(GraphSpec{1, 30, 300}, GraphSpec{2, 60, 800},
                                           GraphSpec{3, 100, 1500}, GraphSpec{4, 150, 2200},
                                           GraphSpec{5, 200, 3000}),
                         [](const auto& info) { return "Seed" + std::to_string(info.param.seed); });

// -------------------------------------------------------------- ICEWS14

constexpr char kIcewsFile[] = "icews14_test.tsv";

class IcewsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    loaded_ = std::make_unique<Loaded>();
    auto statements = ReadIcews14(kIcewsFile);
    if (!statements.ok()) {
      loaded_->status = statements.status();
      return;
    }
    if (statements->size() != 8963) {
      loaded_->status = absl::DataLossError(std::to_string(statements->size()) +
                                            " ICEWS14 test lines, expected 8963");
      return;
    }
    loaded_->status = loaded_->world.Open();
    if (loaded_->status.ok()) {
      loaded_->status = loaded_->world.Load(*statements, model::NameResolution::kExact);
    }
    if (loaded_->status.ok()) loaded_->isolated = Isolated(loaded_->world);
  }
  static void TearDownTestSuite() { loaded_.reset(); }

  // Fails (never skips) every test when the data is missing.
  void SetUp() override { ASSERT_OK(loaded_->status); }

  void Check(const Budget& b, uint32_t seed) {
    CheckRandomQueries(
        loaded_->world, loaded_->isolated, seed, b,
        std::string("ICEWS14 ") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  static inline std::unique_ptr<Loaded> loaded_;
};

TEST_F(IcewsTest, LoadsEveryLineWithExactNames) {
  const World& w = loaded_->world;
  EXPECT_EQ(w.reference().statements().size(), 8963u);
  // Case-sensitive names are distinct entities.
  EXPECT_NE(w.IdOf("Ministry (Afghanistan)"), 0u);
  EXPECT_NE(w.IdOf("John Kerry"), 0u);
  EXPECT_NE(w.IdOf("John Kerry"), w.IdOf("Afghanistan"));
}

TEST_F(IcewsTest, TraverseMatchesReference) {
  Check({.traverse = 200, .traverse_depth_cap = 3, .limited = 100}, 11);
}

TEST_F(IcewsTest, FindPathsMatchesReference) { Check({.paths = 300, .max_hops_cap = 6}, 12); }

TEST_F(IcewsTest, TimelineMatchesReference) { Check({.timeline = 200}, 13); }

TEST_F(IcewsTest, ProfileMatchesReference) { Check({.profile = 200}, 14); }

TEST_F(IcewsTest, ListStatementsMatchesReference) { Check({.list = 200}, 15); }

}  // namespace
}  // namespace entente::graph
