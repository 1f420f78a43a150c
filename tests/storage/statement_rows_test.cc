// The rows of one statement (storage/statement_rows.h): one per family, each
// key decoding back to the statement, and the summary rule.
#include "storage/statement_rows.h"

#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "storage/record_codec.h"

namespace entente::storage {
namespace {

struct Collected : StatementRowSink {
  void Row(StatementFamily f, std::string_view key, std::string_view value) override {
    rows.emplace(f, std::pair{std::string(key), std::string(value)});
  }
  void Cell(const SummaryCell& c) override { cells.push_back(c); }
  std::map<StatementFamily, std::pair<std::string, std::string>> rows;
  std::vector<SummaryCell> cells;
};

model::Statement Example() {
  model::Statement s;
  s.id = 42;
  s.actor = 7;
  s.target = 3;
  s.action_text = "deployed troops to";
  s.cameo_code = "072";
  s.date = {2024, 10, 0};  // month precision: indexed at its first day
  s.document_id = "doc";
  s.confidence = 0.75;
  s.modality = model::Modality::kDenied;
  s.reported = {10, 1, 9};  // GDELT's NumMentions, NumSources, NumArticles
  return s;
}

TEST(StatementRowsTest, OneRowPerFamilyWhoseKeysAndValuesDecodeToTheStatement) {
  const model::Statement s = Example();
  const std::string hash(kIdempotencyHashSize, 'h');
  Collected got;
  EmitStatementRows(s, hash, {7, -20}, &got);
  ASSERT_EQ(got.rows.size(), 5u);
  const int32_t day = model::FirstDay(s.date);

  EXPECT_EQ(DecodeStatementKey(got.rows[StatementFamily::kStatements].first), s.id);
  model::Statement back;
  ASSERT_TRUE(DecodeStatement(got.rows[StatementFamily::kStatements].second, &back));
  EXPECT_EQ(back.action_text, s.action_text);
  EXPECT_EQ(back.modality, s.modality);
  EXPECT_EQ(back.reported, s.reported);

  struct Edge {
    StatementFamily family;
    model::EntityId entity;
    model::EntityId counterpart;
  };
  for (const Edge& e : {Edge{StatementFamily::kOutEdges, 7, 3}, Edge{StatementFamily::kInEdges, 3, 7}}) {
    auto key = DecodeEdgeKey(got.rows[e.family].first);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->entity, e.entity);
    EXPECT_EQ(key->day, day);
    EXPECT_EQ(key->statement, s.id);
    model::EdgeEntry entry;
    ASSERT_TRUE(DecodeEdgeValue(got.rows[e.family].second, &entry));
    EXPECT_EQ(entry.counterpart, e.counterpart);
    EXPECT_EQ(entry.cameo_code, "072");
    EXPECT_FLOAT_EQ(entry.confidence, 0.75f);
    EXPECT_EQ(entry.modality, model::Modality::kDenied);
  }
  auto pair = DecodePairKey(got.rows[StatementFamily::kPairEdges].first);
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->lo, 3u);
  EXPECT_EQ(pair->hi, 7u);
  model::EdgeEntry pair_entry;
  ASSERT_TRUE(DecodeEdgeValue(got.rows[StatementFamily::kPairEdges].second, &pair_entry));
  EXPECT_EQ(pair_entry.counterpart, 7u) << "a pair entry names the actor";
  EXPECT_EQ(got.rows[StatementFamily::kIdempotency].first, hash);
  EXPECT_EQ(DecodeId(got.rows[StatementFamily::kIdempotency].second), s.id);

  ASSERT_EQ(got.cells.size(), 2u);
  for (const SummaryCell& c : got.cells) {
    EXPECT_EQ(c.count, 1u);
    EXPECT_EQ(c.first_day, day);
    EXPECT_EQ(c.last_day, day);
    EXPECT_EQ(c.root, 7);
    EXPECT_EQ(c.goldstein_x10, -20);
    EXPECT_EQ(c.month, SummaryMonth(s.date));
  }
  EXPECT_EQ(got.cells[0].entity, 7u);
  EXPECT_EQ(got.cells[0].dir, kSummaryOut);
  EXPECT_EQ(got.cells[1].entity, 3u);
  EXPECT_EQ(got.cells[1].dir, kSummaryIn);
}

TEST(StatementRowsTest, ASummaryCellCountsDaysAndGoldsteinInAnyOrder) {
  SummaryCell c;
  AddToSummary(&c, 20, 5);
  AddToSummary(&c, 10, -3);
  AddToSummary(&c, 30, 1);
  EXPECT_EQ(c.count, 3u);
  EXPECT_EQ(c.first_day, 10);
  EXPECT_EQ(c.last_day, 30);
  EXPECT_EQ(c.goldstein_x10, 3);
}

}  // namespace
}  // namespace entente::storage
