// Every query type of GraphReader against the brute-force ReferenceGraph, on
// seeded random graphs and on ICEWS14. The hand-made cases are in
// analytics_edge_test.cc.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <random>
#include <set>

#include "graph/taxonomy.h"
#include "tests/graph/query_maker.h"
#include "tests/graph/reference_check.h"
#include "tests/testing/status_matchers.h"

namespace entente::graph {
namespace {

// The seeded countries (ids from 1) that no statement mentions.
std::vector<model::EntityId> Isolated(const World& w) {
  std::set<model::EntityId> used;
  for (const auto& s : w.reference().statements()) used.insert({s.actor, s.target});
  std::vector<model::EntityId> out;
  for (model::EntityId id = 1; id <= 300; ++id) {
    if (!used.count(id) && w.reader().GetEntity(id).ok()) out.push_back(id);
  }
  return out;
}

// The queries one test runs, of each type.
struct Budget {
  int traverse = 0;
  int traverse_depth_cap = 3;
  int limited = 0;
  int paths = 0;
  int max_hops_cap = 5;
  int timeline = 0;
  int profile = 0;
  int list = 0;
};

// Runs `budget` random queries over `w`, stopping at the first failing one.
void CheckRandomQueries(const World& w, const std::vector<model::EntityId>& isolated, uint32_t seed,
                        const Budget& budget, const std::string& label) {
  QueryMaker make(w.reference(), isolated, seed);
  const GraphReader& r = w.reader();
  const ReferenceGraph& ref = w.reference();
  Tally t;
  for (int i = 0; i < budget.traverse && !::testing::Test::HasFailure(); ++i) {
    CheckTraverse(r, ref, make.Traverse(budget.traverse_depth_cap), &t);
  }
  for (int i = 0; i < budget.limited && !::testing::Test::HasFailure(); ++i) {
    CheckLimitedTraverse(r, ref, make.LimitedTraverse(), &t);
  }
  for (int i = 0; i < budget.paths && !::testing::Test::HasFailure(); ++i) {
    CheckPaths(r, ref, make.Path(budget.max_hops_cap), &t);
  }
  for (int i = 0; i < budget.timeline && !::testing::Test::HasFailure(); ++i) {
    CheckTimeline(r, ref, make.Timeline(), &t);
  }
  for (int i = 0; i < budget.profile && !::testing::Test::HasFailure(); ++i) {
    model::EntityId e;
    const int top = make.Profile(&e);
    CheckProfile(r, ref, e, top, &t);
  }
  for (int i = 0; i < budget.list && !::testing::Test::HasFailure(); ++i) {
    CheckList(r, ref, make.List(), &t);
  }
  std::cout << "[ compared ] " << label << ": " << t.ToString() << std::endl;
}

// ------------------------------------------------------- Random graphs

struct GraphSpec {
  uint32_t seed;
  int entities;
  int statements;
};

void PrintTo(const GraphSpec& s, std::ostream* os) {
  *os << "seed " << s.seed << ", " << s.entities << " entities, " << s.statements << " statements";
}

// Statements over two years (2023-2024) between `entities` entities, hubs
// among the low numbers: dates to the day, month or year, codes from the
// taxonomy, unknown to it or none (some classified by the lexicon from the
// action text), confidences, modalities, self-loops and repeated rows (kept
// apart by their idempotency keys).
std::vector<model::StatementInput> RandomStatements(const GraphSpec& spec) {
  std::mt19937 rng(spec.seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  auto entity = [&] {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return "E" + std::to_string(spec.seed) + "-" + std::to_string(int(spec.entities * u * u));
  };
  const auto& codes = Taxonomy::Get().codes();
  const auto& relations = Taxonomy::Get().relations();
  const int32_t first = model::DaysFromCivil(2023, 1, 1);
  const int32_t last = model::DaysFromCivil(2024, 12, 31);

  std::vector<model::StatementInput> out;
  for (int i = 0; i < spec.statements; ++i) {
    model::StatementInput in;
    if (!out.empty() && chance(0.05)) {
      in = out[uniform(0, out.size() - 1)];  // the same row again
    } else {
      in.actor.name = entity();
      in.target.name = chance(0.03) ? in.actor.name : entity();
      const int c = uniform(0, 99);
      in.action_text = "zq acted";  // unknown to the lexicon
      if (c < 80) {
        in.cameo_code = codes[uniform(0, codes.size() - 1)].code;
      } else if (c < 88) {
        auto it = relations.begin();
        std::advance(it, uniform(0, relations.size() - 1));
        in.action_text = it->first;  // the lexicon classifies it
      }
      const model::Date d = model::DateOfDay(uniform(first, last));
      const int p = uniform(0, 19);
      in.date = p < 16 ? d : p < 19 ? model::Date{d.year, d.month, 0} : model::Date{d.year, 0, 0};
      if (chance(0.9)) in.confidence = uniform(0, 20) / 20.0;
      in.modality = static_cast<model::Modality>(uniform(0, 4));
      in.source.document_id = "doc-" + std::to_string(uniform(0, 49));
    }
    in.idempotency_key = "random-" + std::to_string(spec.seed) + "-" + std::to_string(i);
    out.push_back(std::move(in));
  }
  return out;
}

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

// Subject, relation, object, YYYY-MM-DD per line; names are exact.
absl::StatusOr<std::vector<model::StatementInput>> ReadIcews(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError("cannot read " + path +
                               ": ICEWS14 comes from the shared folder beside the project "
                               "(set ENTENTE_SHARED_DIR when configuring)");
  }
  std::vector<model::StatementInput> out;
  std::string line;
  for (int n = 1; std::getline(file, line); ++n) {
    std::vector<std::string> cols;
    for (size_t at = 0;;) {
      const size_t tab = line.find('\t', at);
      cols.push_back(line.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    model::StatementInput in;
    if (cols.size() != 4 || !model::ParseDate(cols[3], &in.date)) {
      return absl::DataLossError(path + ":" + std::to_string(n) + ": not 4 columns with a date");
    }
    in.actor.name = cols[0];
    in.action_text = cols[1];
    in.cameo_code = Taxonomy::Get().CodeForRelation(cols[1]).value_or("");
    in.target.name = cols[2];
    in.source.document_id = kIcewsFile;
    in.idempotency_key = std::string(kIcewsFile) + ":" + std::to_string(n);
    out.push_back(std::move(in));
  }
  return out;
}

class IcewsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    loaded_ = std::make_unique<Loaded>();
    auto statements = ReadIcews(std::string(ENTENTE_SHARED_DATA_DIR "/icews14/") + kIcewsFile);
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
