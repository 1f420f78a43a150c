// Bulk (offline) loading gives the same graph as online ingest.
#include <gtest/gtest.h>

#include "graph/ingestor.h"
#include "graph/reader.h"
#include "tests/graph/test_statements.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::graph {
namespace {

using ::entente::testing::StatusIs;

std::vector<std::vector<model::StatementInput>> Batches() {
  std::vector<std::vector<model::StatementInput>> out(3);
  for (int i = 0; i < 90; ++i) {
    auto s = Stmt("A" + std::to_string(i % 7), "B" + std::to_string(i % 5),
                  {2024, 1 + i % 12, 1 + i % 28}, i % 3 ? "190" : "042");
    s.idempotency_key = "f:" + std::to_string(i % 80);  // 10 repeats, some across batches
    out[i / 30].push_back(s);
  }
  out[2].push_back(Stmt("Self", "Self"));
  return out;
}

struct Loaded {
  entente::testing::TempDir dir;
  std::unique_ptr<storage::Store> store;
  uint64_t accepted = 0, duplicate = 0;
};

void Load(Loaded* l, Ingestor::Mode mode) {
  auto store = storage::Store::Open(l->dir.path(), storage::StoreOptions());
  ASSERT_OK(store);
  l->store = std::move(*store);
  Ingestor ingestor(l->store.get(), [] { return int64_t{1}; }, mode);
  ASSERT_OK(ingestor.Init());
  for (const auto& batch : Batches()) {
    auto out = ingestor.Ingest(batch, model::NameResolution::kExact);
    ASSERT_OK(out);
    l->accepted += out->accepted;
    l->duplicate += out->duplicate;
  }
  if (mode == Ingestor::Mode::kBulk) {
    ASSERT_OK(ingestor.FinishBulk());
  }
}

std::vector<std::tuple<std::string, std::string, std::string, int32_t>> All(
    const GraphReader& reader, const std::string& name) {
  StatementQuery q;
  q.entity.name = name;
  q.resolution = model::NameResolution::kExact;
  q.page_size = 1000;
  auto page = reader.ListStatements(q);
  EXPECT_OK(page);
  std::vector<std::tuple<std::string, std::string, std::string, int32_t>> out;
  if (!page.ok()) return out;
  for (const auto& v : page->statements) {
    out.emplace_back(v.actor->name, v.statement.cameo_code, v.target->name,
                     model::FirstDay(v.statement.date));
  }
  return out;
}

TEST(BulkTest, SameGraphAsOnlineIngest) {
  Loaded online, bulk;
  Load(&online, Ingestor::Mode::kOnline);
  Load(&bulk, Ingestor::Mode::kBulk);
  EXPECT_EQ(bulk.accepted, online.accepted);
  EXPECT_EQ(bulk.duplicate, online.duplicate);
  EXPECT_EQ(bulk.duplicate, 10u);
  GraphReader a(online.store.get()), b(bulk.store.get());
  for (const std::string name : {"A0", "A3", "B4", "Self", "Russia"}) {
    EXPECT_EQ(All(a, name), All(b, name)) << name;
    model::EntityRef ref;
    ref.name = name;
    auto pa = a.Profile({.entity = ref, .resolution = model::NameResolution::kExact, .top = 10}, nullptr);
    auto pb = b.Profile({.entity = ref, .resolution = model::NameResolution::kExact, .top = 10}, nullptr);
    ASSERT_OK(pa);
    ASSERT_OK(pb);
    EXPECT_EQ(pa->profile.out_statements, pb->profile.out_statements) << name;
    EXPECT_EQ(pa->profile.in_statements, pb->profile.in_statements) << name;
    EXPECT_EQ(pa->profile.by_quad, pb->profile.by_quad) << name;
    EXPECT_EQ(pa->profile.first_day, pb->profile.first_day) << name;
  }
}

TEST(BulkTest, BulkDataSurvivesReopenAndOnlineIngestContinues) {
  Loaded bulk;
  Load(&bulk, Ingestor::Mode::kBulk);
  bulk.store.reset();
  auto store = storage::Store::Open(bulk.dir.path(), storage::StoreOptions());
  ASSERT_OK(store);
  Ingestor online(store->get());
  ASSERT_OK(online.Init());
  // A row loaded in bulk is a duplicate now; a new one gets a fresh id.
  auto again = Batches()[0][0];
  auto out = online.Ingest({again, Stmt("New", "A0")}, model::NameResolution::kExact);
  ASSERT_OK(out);
  EXPECT_EQ(out->duplicate, 1u);
  EXPECT_EQ(out->accepted, 1u);
  EXPECT_GT(out->ids[1], out->ids[0]);
}

TEST(BulkTest, RefusesADatabaseThatHasStatements) {
  Loaded online;
  Load(&online, Ingestor::Mode::kOnline);
  Ingestor bulk(online.store.get(), nullptr, Ingestor::Mode::kBulk);
  EXPECT_THAT(bulk.Init(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace entente::graph
