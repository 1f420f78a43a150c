// Retraction (Ingestor::Retract) on real stores: every query type against the
// brute-force reference of the statements that remain, summaries against a
// from-scratch rebuild, and nothing left of a graph retracted whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "graph/taxonomy.h"
#include "storage/key_codec.h"
#include "tests/graph/graph_fixture.h"
#include "tests/graph/random_graph.h"
#include "tests/graph/reference_check.h"
#include "tests/testing/status_matchers.h"

namespace entente::graph {
namespace {

using model::EntityId;
using model::StatementId;
using ::entente::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// Summary cells by storage::SummaryKey.
using Cells = std::map<std::string, storage::SummaryCell>;

// The summaries of `statements` built from nothing, as key_codec.h defines
// them: per (entity, direction, counterpart, CAMEO root, month) the count,
// first and last day and Goldstein sum in tenths.
Cells RebuildSummaries(const std::vector<RefStatement>& statements) {
  Cells out;
  for (const RefStatement& s : statements) {
    const model::Date d = model::DateOfDay(s.day);
    storage::SummaryCell c;
    c.root = static_cast<uint8_t>(Taxonomy::RootIndex(s.code));
    c.month = d.year * 12 + d.month - 1;
    for (auto [entity, dir, counterpart] : {std::tuple{s.actor, storage::kSummaryOut, s.target},
                                            std::tuple{s.target, storage::kSummaryIn, s.actor}}) {
      c.entity = entity;
      c.dir = dir;
      c.counterpart = counterpart;
      auto [it, fresh] = out.try_emplace(storage::SummaryKey(c), c);
      storage::SummaryCell& sum = it->second;
      if (fresh) sum.first_day = sum.last_day = s.day;
      ++sum.count;
      sum.first_day = std::min(sum.first_day, s.day);
      sum.last_day = std::max(sum.last_day, s.day);
      sum.goldstein_x10 += std::lround(Taxonomy::Get().GoldsteinOf(s.code) * 10);
    }
  }
  return out;
}

Cells StoredSummaries(const storage::Store& store, const std::set<EntityId>& entities) {
  Cells out;
  auto view = store.Latest();
  for (EntityId e : entities) {
    for (uint8_t dir : {storage::kSummaryOut, storage::kSummaryIn}) {
      EXPECT_OK(view->ScanSummaries(e, dir, [&](const storage::SummaryCell& c) {
        out.emplace(storage::SummaryKey(c), c);
        return true;
      }));
    }
  }
  return out;
}

std::string Describe(const storage::SummaryCell& c) {
  std::ostringstream o;
  o << "cell(entity " << c.entity << " dir " << int(c.dir) << " counterpart " << c.counterpart
    << " root " << int(c.root) << " month " << c.month << ")";
  return o.str();
}

std::string Value(const storage::SummaryCell& c) {
  std::ostringstream o;
  o << "count " << c.count << " days " << c.first_day << ".." << c.last_day << " goldstein_x10 "
    << c.goldstein_x10;
  return o.str();
}

// EXPECTs the same cells with the same values; lists the first differences.
void ExpectSameSummaries(const Cells& got, const Cells& want) {
  std::vector<std::string> diffs;
  for (const auto& [k, w] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      diffs.push_back(Describe(w) + " missing, want " + Value(w));
    } else if (Value(it->second) != Value(w)) {
      diffs.push_back(Describe(w) + " has " + Value(it->second) + ", want " + Value(w));
    }
  }
  for (const auto& [k, g] : got) {
    if (!want.count(k)) diffs.push_back(Describe(g) + " should not exist, has " + Value(g));
  }
  if (diffs.size() > 10) diffs.resize(10);
  EXPECT_THAT(diffs, IsEmpty()) << "of " << want.size() << " expected cells";
}

std::vector<RefStatement> ToRef(const std::vector<model::Statement>& stored) {
  std::vector<RefStatement> out;
  for (const auto& s : stored) {
    RefStatement r;
    r.id = s.id;
    r.actor = s.actor;
    r.target = s.target;
    r.day = model::FirstDay(s.date);
    r.code = s.cameo_code;
    out.push_back(r);
  }
  return out;
}

std::vector<model::Statement> AllStored(const storage::Store& store) {
  std::vector<model::Statement> out;
  EXPECT_OK(store.Latest()->ScanStatements([&](const model::Statement& s) {
    out.push_back(s);
    return true;
  }));
  return out;
}

// ------------------------------------------------------- Random graphs

class RetractGraphTest : public ::testing::TestWithParam<GraphSpec> {
 protected:
  void SetUp() override {
    ASSERT_OK(world_.Open());
    inputs_ = RandomStatements(GetParam());
    ASSERT_OK(world_.Load(inputs_, model::NameResolution::kExact));
    original_ = world_.reference().statements();
    ASSERT_EQ(original_.size(), inputs_.size());
    for (const auto& s : original_) {
      entities_.insert({s.actor, s.target});
      pairs_.emplace(std::min(s.actor, s.target), std::max(s.actor, s.target));
    }
    isolated_ = Isolated(world_);
  }

  // Retracts and EXPECTs exactly `want` retracted and the not-found lists.
  void Retract(const std::vector<StatementId>& ids, const std::vector<std::string>& documents,
               std::set<StatementId> want, const std::vector<StatementId>& ids_not_found,
               const std::vector<std::string>& documents_not_found) {
    auto out = world_.Retract(ids, documents);
    ASSERT_OK(out);
    EXPECT_THAT(out->retracted, ElementsAreArray(want.begin(), want.end()));
    EXPECT_THAT(out->ids_not_found, ElementsAreArray(ids_not_found));
    EXPECT_THAT(out->documents_not_found, ElementsAreArray(documents_not_found));
    for (StatementId id : want) {
      EXPECT_THAT(world_.reader().GetStatement(id), StatusIs(absl::StatusCode::kNotFound));
    }
  }

  // Every query type against the reference of what remains, and the
  // summaries against a rebuild.
  void CheckEverything(uint32_t salt, const std::string& label) {
    CheckRandomQueries(world_, isolated_, GetParam().seed * 1000 + salt,
                       {.traverse = 30, .limited = 20, .paths = 40, .timeline = 30, .profile = 40,
                        .list = 30},
                       label);
    ExpectSameSummaries(StoredSummaries(world_.store(), entities_),
                        RebuildSummaries(world_.reference().statements()));
  }

  World world_;
  std::vector<model::StatementInput> inputs_;
  std::vector<RefStatement> original_;  // in input order
  std::set<EntityId> entities_;
  std::set<std::pair<EntityId, EntityId>> pairs_;
  std::vector<EntityId> isolated_;
};

TEST_P(RetractGraphTest, QueriesAndSummariesMatchTheReferenceOfWhatRemains) {
  std::mt19937 rng(GetParam().seed);
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  const StatementId unknown = 1'000'000'000;

  // Two calls by id, the second repeating part of the first.
  std::vector<StatementId> a, b;
  for (const auto& s : original_) {
    if (chance(0.1)) a.push_back(s.id);
    else if (chance(0.1)) b.push_back(s.id);
  }
  ASSERT_FALSE(a.empty());
  std::shuffle(a.begin(), a.end(), rng);
  std::vector<StatementId> first = a;
  first.push_back(unknown);
  first.push_back(a[0]);  // twice in one call: retracted once
  Retract(first, {}, {a.begin(), a.end()}, {unknown}, {});
  std::vector<StatementId> second = b;
  second.insert(second.end(), a.begin(), a.begin() + std::min<size_t>(a.size(), 5));
  Retract(second, {}, {b.begin(), b.end()},
          {a.begin(), a.begin() + std::min<size_t>(a.size(), 5)}, {});
  CheckEverything(1, "after retracting by id");
  if (HasFailure()) return;

  // Whole documents, some of whose statements are already gone.
  const std::vector<std::string> docs = {"doc-3", "doc-17", "doc-42"};
  std::set<StatementId> gone(a.begin(), a.end());
  gone.insert(b.begin(), b.end());
  std::set<StatementId> of_docs;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const std::string& d = inputs_[i].source.document_id;
    if (std::find(docs.begin(), docs.end(), d) != docs.end() && !gone.count(original_[i].id)) {
      of_docs.insert(original_[i].id);
    }
  }
  ASSERT_FALSE(of_docs.empty());
  Retract({}, {docs[0], "no-such-doc", docs[1], docs[2], docs[0]}, of_docs, {}, {"no-such-doc"});
  for (const auto& d : docs) {
    EXPECT_THAT(world_.store().Latest()->GetDocument(d),
                StatusIs(absl::StatusCode::kNotFound));
  }
  // Again: nothing left to retract, and the documents are gone.
  Retract({}, docs, {}, {}, docs);
  CheckEverything(2, "after retracting documents");
  if (HasFailure()) return;

  // Reopened, the store answers the same, claims included.
  ASSERT_OK(world_.Reopen());
  CheckEverything(3, "after reopening");
  if (HasFailure()) return;

  // Replaying the original ingest brings nothing back: the keys stay
  // reserved.
  auto replay = world_.ingestor().Ingest(inputs_, model::NameResolution::kExact);
  ASSERT_OK(replay);
  EXPECT_EQ(replay->accepted, 0u);
  EXPECT_EQ(replay->duplicate, inputs_.size());
  EXPECT_EQ(AllStored(world_.store()).size(), world_.reference().statements().size());
  ExpectSameSummaries(StoredSummaries(world_.store(), entities_),
                      RebuildSummaries(world_.reference().statements()));
}

TEST_P(RetractGraphTest, RetractingEverythingLeavesNoEdgeNoSummaryNoStatement) {
  std::vector<StatementId> all;
  for (const auto& s : original_) all.push_back(s.id);
  std::shuffle(all.begin(), all.end(), std::mt19937(GetParam().seed));
  // Half by id, the rest by document.
  all.resize(all.size() / 2);
  Retract(all, {}, {all.begin(), all.end()}, {}, {});
  std::vector<std::string> docs;
  for (int d = 0; d < 50; ++d) docs.push_back("doc-" + std::to_string(d));
  std::set<StatementId> rest;
  for (const auto& s : world_.reference().statements()) rest.insert(s.id);
  auto out = world_.Retract({}, docs);
  ASSERT_OK(out);
  EXPECT_THAT(out->retracted, ElementsAreArray(rest.begin(), rest.end()));
  EXPECT_THAT(world_.reference().statements(), IsEmpty());

  auto view = world_.store().Latest();
  EXPECT_THAT(AllStored(world_.store()), IsEmpty());
  for (EntityId e : entities_) {
    for (auto dir : {model::Direction::kOut, model::Direction::kIn}) {
      storage::EdgeScan scan;
      scan.entity = e;
      scan.direction = dir;
      auto it = view->ScanEdges(scan);
      EXPECT_FALSE(it->Valid()) << "entity " << e << " still has statement " << it->entry().statement;
      EXPECT_OK(it->status());
    }
    StatementQuery q;
    q.entity.id = e;
    auto page = world_.reader().ListStatements(q);
    ASSERT_OK(page);
    EXPECT_THAT(page->statements, IsEmpty());
    auto profile = world_.reader().Profile({.entity = q.entity, .resolution = model::NameResolution::kExact, .top = 5}, nullptr);
    ASSERT_OK(profile);
    EXPECT_EQ(profile->profile.out_statements + profile->profile.in_statements, 0u);
    EXPECT_FALSE(profile->profile.first_day.has_value());
  }
  for (auto [lo, hi] : pairs_) {
    storage::EdgeScan scan;
    scan.entity = lo;
    scan.pair_with = hi;
    auto it = view->ScanEdges(scan);
    EXPECT_FALSE(it->Valid()) << "pair " << lo << "," << hi;
    EXPECT_OK(it->status());
  }
  EXPECT_THAT(StoredSummaries(world_.store(), entities_), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Seeds, RetractGraphTest,
                         ::testing::Values(GraphSpec{11, 30, 300}, GraphSpec{12, 100, 1500},
                                           GraphSpec{13, 150, 2500}),
                         [](const auto& info) { return "Seed" + std::to_string(info.param.seed); });

// ---------------------------------------------------------- Hand cases

class RetractTest : public GraphFixture {
 protected:
  StatementId Add(const std::string& actor, const std::string& target, model::Date date,
                  const std::string& doc = "doc-1") {
    auto in = Stmt(actor, target, date, "042");
    in.source.document_id = doc;
    in.idempotency_key = "hand-" + std::to_string(++keys_);
    auto out = MustIngest({in}, model::NameResolution::kExact);
    return out.ids.empty() ? 0 : out.ids[0];
  }

  std::vector<storage::SummaryCell> OutCells(const std::string& name) {
    std::vector<storage::SummaryCell> out;
    EXPECT_OK(store_->Latest()->ScanSummaries(
        IdOf(name, model::NameResolution::kExact), storage::kSummaryOut,
        [&](const storage::SummaryCell& c) {
          out.push_back(c);
          return true;
        }));
    return out;
  }

  int keys_ = 0;
};

TEST_F(RetractTest, FirstAndLastDayOfACellComeFromTheStatementsThatRemain) {
  const StatementId early = Add("A", "B", {2024, 5, 3});
  const StatementId mid = Add("A", "B", {2024, 5, 10});
  const StatementId late = Add("A", "B", {2024, 5, 28});
  ASSERT_EQ(OutCells("A").size(), 1u);
  EXPECT_EQ(OutCells("A")[0].first_day, model::DaysFromCivil(2024, 5, 3));

  ASSERT_OK(ingestor_->Retract({early, late}, {}));
  auto cells = OutCells("A");
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].count, 1u);
  EXPECT_EQ(cells[0].first_day, model::DaysFromCivil(2024, 5, 10));
  EXPECT_EQ(cells[0].last_day, model::DaysFromCivil(2024, 5, 10));
  EXPECT_EQ(cells[0].goldstein_x10, std::lround(Taxonomy::Get().GoldsteinOf("042") * 10));

  ASSERT_OK(ingestor_->Retract({mid}, {}));
  EXPECT_THAT(OutCells("A"), IsEmpty());
}

TEST_F(RetractTest, ANewStatementOfARetractedDocumentStoresTheDocumentAgain) {
  Add("A", "B", {2024, 5, 3}, "news-1");
  auto out = ingestor_->Retract({}, {"news-1"});
  ASSERT_OK(out);
  EXPECT_EQ(out->retracted.size(), 1u);
  EXPECT_THAT(store_->Latest()->GetDocument("news-1"),
              StatusIs(absl::StatusCode::kNotFound));
  const StatementId again = Add("A", "C", {2024, 5, 4}, "news-1");
  auto view = reader_->GetStatement(again);
  ASSERT_OK(view);
  EXPECT_EQ(view->source->document_id, "news-1");
  EXPECT_EQ(view->source->publisher, "News Today");
}

TEST_F(RetractTest, ADocumentWhoseStatementsWereRetractedByIdIsStillFoundOnce) {
  const StatementId id = Add("A", "B", {2024, 5, 3}, "news-2");
  ASSERT_OK(ingestor_->Retract({id}, {}));
  auto out = ingestor_->Retract({}, {"news-2"});
  ASSERT_OK(out);
  EXPECT_THAT(out->retracted, IsEmpty());
  EXPECT_THAT(out->documents_not_found, IsEmpty());
  out = ingestor_->Retract({}, {"news-2"});
  ASSERT_OK(out);
  EXPECT_THAT(out->documents_not_found, ElementsAre("news-2"));
}

TEST_F(RetractTest, RetractionSurvivesReopeningTheStore) {
  const StatementId keep = Add("A", "B", {2024, 5, 3});
  const StatementId drop = Add("A", "B", {2024, 6, 3});
  ASSERT_OK(ingestor_->Retract({drop}, {}));
  Reopen();
  EXPECT_OK(reader_->GetStatement(keep));
  EXPECT_THAT(reader_->GetStatement(drop),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(OutCells("A").size(), 1u);
}

// Retractions and ingests from two threads: whatever interleaving, the
// summaries equal a rebuild from the statements that are left, and every
// one of them is indexed.
TEST_F(RetractTest, ConcurrentIngestAndRetractionKeepSummariesExact) {
  const std::vector<model::StatementInput> inputs = RandomStatements({21, 40, 2000});
  std::atomic<bool> done = false;
  std::atomic<StatementId> highest = 0;
  std::thread writer([&] {
    for (size_t begin = 0; begin < inputs.size(); begin += 100) {
      std::vector<model::StatementInput> chunk(inputs.begin() + begin,
                                               inputs.begin() + begin + 100);
      auto out = ingestor_->Ingest(chunk, model::NameResolution::kExact);
      EXPECT_OK(out);
      if (out.ok()) highest = *std::max_element(out->ids.begin(), out->ids.end());
    }
    done = true;
  });
  std::mt19937 rng(21);
  int retracted = 0;
  while (!done) {
    const StatementId top = highest;
    if (top == 0) {
      std::this_thread::yield();
      continue;
    }
    std::vector<StatementId> ids;
    for (int i = 0; i < 20; ++i) {
      ids.push_back(std::uniform_int_distribution<StatementId>(1, top)(rng));
    }
    auto out = ingestor_->Retract(ids, {});
    EXPECT_OK(out);
    if (!out.ok()) break;
    retracted += out->retracted.size();
  }
  writer.join();
  EXPECT_GT(retracted, 0);

  const std::vector<model::Statement> left = AllStored(*store_);
  EXPECT_EQ(left.size() + retracted, inputs.size());
  std::set<EntityId> entities;
  for (const auto& s : left) entities.insert({s.actor, s.target});
  for (const auto& in : inputs) {
    entities.insert(IdOf(in.actor.name, model::NameResolution::kExact));
    entities.insert(IdOf(in.target.name, model::NameResolution::kExact));
  }
  ExpectSameSummaries(StoredSummaries(*store_, entities), RebuildSummaries(ToRef(left)));
  uint64_t indexed = 0;
  auto view = store_->Latest();
  for (EntityId e : entities) {
    storage::EdgeScan scan;
    scan.entity = e;
    auto it = view->ScanEdges(scan);
    for (; it->Valid(); it->Next()) ++indexed;
    EXPECT_OK(it->status());
  }
  EXPECT_EQ(indexed, left.size());
}

}  // namespace
}  // namespace entente::graph
