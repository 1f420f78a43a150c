// The consistency check (storage/check.h through graph/check.h): it passes
// on databases built by online ingest and by a bulk load of a seeded random
// graph, and reports each kind of corruption planted through the store's
// test-only raw hooks.
#include "graph/check.h"

#include <random>

#include <gtest/gtest.h>

#include "graph/ingestor.h"
#include "storage/key_codec.h"
#include "tests/graph/test_statements.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::graph {
namespace {

using storage::CheckReport;
using storage::ProblemKind;

std::vector<model::StatementInput> Random(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  auto pick = [&](int k) { return static_cast<int>(rng() % k); };
  const char* codes[] = {"010", "042", "057", "062", "072", "112", "173", "190", "195", ""};
  std::vector<model::StatementInput> out;
  for (int i = 0; i < n; ++i) {
    // Hubs among the low numbers, some self-loops.
    const int a = pick(3) == 0 ? pick(3) : pick(40);
    const int b = pick(20) == 0 ? a : pick(40);
    model::Date date{2023 + pick(2), pick(4) == 0 ? 0 : 1 + pick(12), 0};
    if (date.month != 0 && pick(2) == 0) date.day = 1 + pick(28);
    auto s = Stmt("E" + std::to_string(a), "E" + std::to_string(b), date, codes[pick(10)]);
    if (s.cameo_code.empty()) s.action_text = "met with";
    s.confidence = 0.05 * (1 + pick(20));
    s.modality = static_cast<model::Modality>(1 + pick(4));
    s.source.document_id = "doc-" + std::to_string(pick(30));
    s.idempotency_key = "k:" + std::to_string(i);
    if (pick(10) == 0) s.attributed_to.name = "E" + std::to_string(pick(40));
    out.push_back(std::move(s));
  }
  return out;
}

class CheckTest : public ::testing::Test {
 protected:
  void Load(Ingestor::Mode mode, uint32_t seed, int n) {
    auto store = storage::Store::Open(dir_.path(), storage::StoreOptions());
    ASSERT_OK(store);
    store_ = std::move(*store);
    Ingestor ingestor(store_.get(), [] { return int64_t{1}; }, mode);
    ASSERT_OK(ingestor.Init());
    const auto all = Random(seed, n);
    std::mt19937 rng(seed);
    for (size_t i = 0; i < all.size();) {
      const size_t size = std::min<size_t>(all.size() - i, 1 + rng() % 60);
      std::vector<model::StatementInput> batch(all.begin() + i, all.begin() + i + size);
      auto out = ingestor.Ingest(batch, model::NameResolution::kExact);
      ASSERT_OK(out);
      ASSERT_EQ(out->accepted, size);
      i += size;
    }
    if (mode == Ingestor::Mode::kBulk) {
      ASSERT_OK(ingestor.FinishBulk());
    }
  }

  CheckReport Check() {
    auto r = CheckStore(*store_, 50);
    EXPECT_OK(r);
    return r.ok() ? *r : CheckReport{};
  }

  model::Statement Get(model::StatementId id) {
    auto s = store_->Latest()->GetStatement(id);
    EXPECT_OK(s);
    return s.ok() ? *s : model::Statement{};
  }

  static uint64_t Count(const CheckReport& r, ProblemKind k) {
    return r.problems_by_kind[static_cast<int>(k)];
  }

  entente::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(CheckTest, OnlineIngestOfARandomGraphIsConsistent) {
  Load(Ingestor::Mode::kOnline, 7, 800);
  const CheckReport r = Check();
  EXPECT_TRUE(r.consistent()) << storage::FormatCheckReport(r);
  EXPECT_EQ(r.checked.statements, 800u);
  EXPECT_EQ(r.checked.out_edges, 800u);
  EXPECT_EQ(r.checked.in_edges, 800u);
  EXPECT_EQ(r.checked.pair_edges, 800u);
  EXPECT_EQ(r.checked.idempotency_keys, 800u);
  EXPECT_EQ(r.checked.documents, 30u);
  EXPECT_GT(r.checked.summaries, 100u);
  EXPECT_GT(r.checked.entities, 249u);  // the seeded countries and E0..E39
  EXPECT_GT(r.checked.names, r.checked.entities);
}

TEST_F(CheckTest, BulkLoadOfARandomGraphIsConsistent) {
  Load(Ingestor::Mode::kBulk, 11, 1500);
  const CheckReport r = Check();
  EXPECT_TRUE(r.consistent()) << storage::FormatCheckReport(r);
  EXPECT_EQ(r.checked.statements, 1500u);
  EXPECT_EQ(r.checked.pair_edges, 1500u);
}

TEST_F(CheckTest, WhatRetractionLeavesBehindIsConsistent) {
  Load(Ingestor::Mode::kOnline, 12, 400);
  Ingestor ingestor(store_.get(), [] { return int64_t{2}; });
  ASSERT_OK(ingestor.Init());
  // Some statements by id (their keys stay reserved) and a whole document.
  auto out = ingestor.Retract({3, 50, 51, 52, 399}, {"doc-7"});
  ASSERT_OK(out);
  ASSERT_GT(out->retracted.size(), 5u);
  const CheckReport r = Check();
  EXPECT_TRUE(r.consistent()) << storage::FormatCheckReport(r);
  EXPECT_EQ(r.checked.statements, 400u - out->retracted.size());
  EXPECT_EQ(r.checked.out_edges, r.checked.statements);
  EXPECT_EQ(r.checked.idempotency_keys, 400u);
  EXPECT_EQ(r.checked.documents, 29u);
}

TEST_F(CheckTest, ReportsADeletedIndexEntry) {
  Load(Ingestor::Mode::kOnline, 3, 200);
  const model::Statement s = Get(17);
  ASSERT_OK(store_->DeleteRawForTest(
      "in_edges", storage::EdgeKey(s.target, model::FirstDay(s.date), 17)));
  const CheckReport r = Check();
  EXPECT_EQ(Count(r, ProblemKind::kMissingIndexEntry), 1u) << storage::FormatCheckReport(r);
  bool found = false;
  for (const auto& p : r.problems) {
    if (p.kind != ProblemKind::kMissingIndexEntry) continue;
    found = true;
    EXPECT_EQ(p.statement_id, 17u);
    EXPECT_EQ(p.column_family, "in_edges");
    EXPECT_EQ(p.key, storage::EdgeKey(s.target, model::FirstDay(s.date), 17));
  }
  EXPECT_TRUE(found);
  // The target's summary no longer matches what its entries imply.
  EXPECT_EQ(Count(r, ProblemKind::kSummaryMismatch) + Count(r, ProblemKind::kOrphanSummary), 1u)
      << storage::FormatCheckReport(r);
  EXPECT_EQ(Count(r, ProblemKind::kOrphanIndexEntry), 0u);
}

TEST_F(CheckTest, ReportsAnOrphanIndexEntry) {
  Load(Ingestor::Mode::kOnline, 4, 200);
  const model::Statement s = Get(5);
  model::EdgeEntry e;
  e.counterpart = s.target;
  e.cameo_code = s.cameo_code;
  ASSERT_OK(store_->PutRawForTest("out_edges",
                                  storage::EdgeKey(s.actor, model::FirstDay(s.date), 999999),
                                  storage::EncodeEdgeValue(e)));
  const CheckReport r = Check();
  EXPECT_EQ(r.problems_total, 1u) << storage::FormatCheckReport(r);
  EXPECT_EQ(Count(r, ProblemKind::kOrphanIndexEntry), 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].statement_id, 999999u);
  EXPECT_EQ(r.problems[0].column_family, "out_edges");
}

TEST_F(CheckTest, ReportsAnIndexEntryThatDisagreesWithItsStatement) {
  Load(Ingestor::Mode::kOnline, 5, 100);
  const model::Statement s = Get(9);
  model::EdgeEntry e;
  e.counterpart = s.actor;
  e.cameo_code = s.cameo_code;
  e.modality = s.modality;
  e.confidence = static_cast<float>(s.confidence) + 0.5f;  // not what the statement says
  ASSERT_OK(store_->PutRawForTest(
      "pair_edges",
      storage::PairKey(std::min(s.actor, s.target), std::max(s.actor, s.target),
                       model::FirstDay(s.date), 9),
      storage::EncodeEdgeValue(e)));
  const CheckReport r = Check();
  EXPECT_EQ(Count(r, ProblemKind::kIndexMismatch), 1u) << storage::FormatCheckReport(r);
  // The statement's own pair entry is then missing: it was replaced.
  EXPECT_EQ(Count(r, ProblemKind::kMissingIndexEntry), 1u);
}

TEST_F(CheckTest, ReportsAPerturbedSummaryCell) {
  Load(Ingestor::Mode::kOnline, 6, 300);
  const model::Statement s = Get(1);
  storage::SummaryCell cell;
  ASSERT_OK(store_->Latest()->ScanSummaries(s.actor, storage::kSummaryOut,
                                            [&](const storage::SummaryCell& c) {
                                              cell = c;
                                              return false;
                                            }));
  ASSERT_GT(cell.count, 0u);
  cell.goldstein_x10 += 1;
  ASSERT_OK(store_->PutRawForTest("summaries", storage::SummaryKey(cell),
                                  storage::EncodeSummaryValue(cell)));
  CheckReport r = Check();
  EXPECT_EQ(r.problems_total, 1u) << storage::FormatCheckReport(r);
  EXPECT_EQ(Count(r, ProblemKind::kSummaryMismatch), 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].key, storage::SummaryKey(cell));

  // A cell removed, and one no statement implies.
  ASSERT_OK(store_->DeleteRawForTest("summaries", storage::SummaryKey(cell)));
  cell.counterpart = 123456;
  ASSERT_OK(store_->PutRawForTest("summaries", storage::SummaryKey(cell),
                                  storage::EncodeSummaryValue(cell)));
  r = Check();
  EXPECT_EQ(r.problems_total, 2u) << storage::FormatCheckReport(r);
  EXPECT_EQ(Count(r, ProblemKind::kMissingSummary), 1u);
  EXPECT_EQ(Count(r, ProblemKind::kOrphanSummary), 1u);
}

TEST_F(CheckTest, ReportsMissingReferencesAndDanglingIdempotencyKeys) {
  Load(Ingestor::Mode::kOnline, 8, 100);
  const model::Statement s = Get(3);
  ASSERT_OK(store_->DeleteRawForTest("documents", s.document_id));
  ASSERT_OK(store_->PutRawForTest("idempotency", std::string(16, 'x'),
                                  storage::EncodeId(5000000)));
  const CheckReport r = Check();
  EXPECT_GE(Count(r, ProblemKind::kMissingDocument), 1u) << storage::FormatCheckReport(r);
  EXPECT_EQ(Count(r, ProblemKind::kDanglingIdempotencyKey), 1u);
  EXPECT_EQ(r.problems_total, Count(r, ProblemKind::kMissingDocument) + 1);
}

TEST_F(CheckTest, ADeletedStatementLeavesOrphanEntriesNotAHalfStatement) {
  Load(Ingestor::Mode::kOnline, 9, 100);
  ASSERT_OK(store_->DeleteRawForTest("statements", storage::StatementKey(42)));
  const CheckReport r = Check();
  // Its out, in and pair entries; its idempotency key stays reserved (as
  // after a retraction), which is not a problem.
  EXPECT_EQ(Count(r, ProblemKind::kOrphanIndexEntry), 3u) << storage::FormatCheckReport(r);
  EXPECT_EQ(Count(r, ProblemKind::kDanglingIdempotencyKey), 0u);
  EXPECT_EQ(r.checked.statements, 99u);
}

TEST_F(CheckTest, ListsAtMostMaxProblemsButCountsThemAll) {
  Load(Ingestor::Mode::kOnline, 10, 120);
  for (model::StatementId id = 1; id <= 100; ++id) {
    ASSERT_OK(store_->DeleteRawForTest("statements", storage::StatementKey(id)));
  }
  const CheckReport r = Check();
  EXPECT_EQ(Count(r, ProblemKind::kOrphanIndexEntry), 300u);
  EXPECT_EQ(r.problems.size(), 50u);
  EXPECT_NE(storage::FormatCheckReport(r).find("more not listed"), std::string::npos);
}

}  // namespace
}  // namespace entente::graph
