#include "graph/reader.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/key_codec.h"
#include "tests/graph/graph_fixture.h"

namespace entente::graph {
namespace {

using ::entente::testing::StatusIs;

class ReaderTest : public GraphFixture {
 protected:
  StatementQuery Query(const std::string& name) {
    StatementQuery q;
    q.entity.name = name;
    return q;
  }
  std::vector<model::StatementId> Ids(const StatementPage& p) {
    std::vector<model::StatementId> out;
    for (const auto& v : p.statements) out.push_back(v.statement.id);
    return out;
  }
};

TEST_F(ReaderTest, ListsNewestFirstInBothDirections) {
  auto out = MustIngest({Stmt("North Korea", "Russia", {2024, 10, 1}),
                         Stmt("Russia", "North Korea", {2024, 10, 5}),
                         Stmt("Russia", "Ukraine", {2024, 9, 0}, "190"),
                         Stmt("China", "North Korea", {2023, 0, 0})});
  auto page = reader_->ListStatements(Query("Russia"));
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ::testing::ElementsAre(out.ids[1], out.ids[0], out.ids[2]));
  EXPECT_FALSE(page->next.has_value());
  EXPECT_EQ(page->statements[1].actor->name, "North Korea");
  EXPECT_EQ(page->statements[1].target->name, "Russia");

  auto q = Query("Russia");
  q.direction = model::Direction::kOut;
  EXPECT_THAT(Ids(*reader_->ListStatements(q)), ::testing::ElementsAre(out.ids[1], out.ids[2]));
  q.direction = model::Direction::kIn;
  EXPECT_THAT(Ids(*reader_->ListStatements(q)), ::testing::ElementsAre(out.ids[0]));
}

// StatementDetail::kIndex answers from the index entries alone what they
// hold, as kFull does; an entry written before entries were covering is
// read whole.
TEST_F(ReaderTest, AnIndexListSaysWhatTheFullListSaysOfWhatItHolds) {
  auto claimed = Stmt("Russia", "Ukraine", {2024, 2, 0}, "190");
  claimed.attributed_to.name = "David Lammy";
  claimed.modality = model::Modality::kDenied;
  claimed.confidence = 0.7;  // not a float: the index view says 0.7 too
  auto out = MustIngest({Stmt("North Korea", "Russia", {2024, 10, 1}), claimed,
                         Stmt("Russia", "Russia", {2023, 0, 0}, ""),
                         Stmt("China", "Russia", {2024, 10, 0}, "072")});
  for (auto dir : {model::Direction::kBoth, model::Direction::kOut, model::Direction::kIn}) {
    auto q = Query("Russia");
    q.direction = dir;
    auto full = reader_->ListStatements(q);
    q.detail = StatementDetail::kIndex;
    auto index = reader_->ListStatements(q);
    ASSERT_OK(full);
    ASSERT_OK(index);
    ASSERT_EQ(Ids(*index), Ids(*full));
    for (size_t i = 0; i < full->statements.size(); ++i) {
      const StatementView& f = full->statements[i];
      const StatementView& x = index->statements[i];
      SCOPED_TRACE(f.statement.id);
      EXPECT_EQ(x.statement.date, f.statement.date);
      EXPECT_EQ(x.actor->name, f.actor->name);
      EXPECT_EQ(x.target->name, f.target->name);
      EXPECT_EQ(x.attributed_to == nullptr, f.attributed_to == nullptr);
      if (f.attributed_to) EXPECT_EQ(x.attributed_to->name, f.attributed_to->name);
      EXPECT_EQ(x.statement.action_text, f.statement.action_text);
      EXPECT_EQ(x.statement.cameo_code, f.statement.cameo_code);
      EXPECT_EQ(x.statement.modality, f.statement.modality);
      EXPECT_EQ(x.statement.confidence, f.statement.confidence);
      EXPECT_EQ(x.source, nullptr) << "an index list reads no source";
      EXPECT_EQ(x.statement.quote, "");
    }
  }
  // An out_edges entry as it was written before entries were covering.
  auto whole = reader_->GetStatement(out.ids[1]);
  ASSERT_OK(whole);
  const model::Statement s = whole->statement;
  model::EdgeEntry older;
  older.counterpart = s.target;
  older.cameo_code = s.cameo_code;
  older.confidence = static_cast<float>(s.confidence);
  older.modality = s.modality;
  ASSERT_OK(store_->PutRawForTest("out_edges", storage::EdgeKey(s.actor, model::FirstDay(s.date), s.id),
                                  storage::EncodeEdgeValue(older)));
  auto q = Query("Russia");
  q.direction = model::Direction::kOut;
  q.detail = StatementDetail::kIndex;
  auto mixed = reader_->ListStatements(q);
  ASSERT_OK(mixed);
  ASSERT_EQ(Ids(*mixed), (std::vector<model::StatementId>{out.ids[1], out.ids[2]}));
  EXPECT_EQ(mixed->statements[0].statement.quote, "Russia and Ukraine") << "read whole";
  EXPECT_NE(mixed->statements[0].source, nullptr);
  EXPECT_EQ(mixed->statements[1].source, nullptr);
}

TEST_F(ReaderTest, FiltersByWindowCodePrefixAndConfidence) {
  auto low = Stmt("Russia", "Ukraine", {2024, 2, 24}, "195");
  low.confidence = 0.3;
  auto out = MustIngest({Stmt("Russia", "Ukraine", {2024, 2, 23}, "0241"), low,
                         Stmt("Russia", "Ukraine", {2024, 3, 1}, "190"),
                         Stmt("Russia", "Ukraine", {2024, 2, 0}, "")});
  auto q = Query("Russia");
  q.filter.date_from = {2024, 2, 24};
  q.filter.date_to = {2024, 2, 0};  // through the end of February
  EXPECT_THAT(Ids(*reader_->ListStatements(q)), ::testing::ElementsAre(out.ids[1]));
  q = Query("Russia");
  q.filter.code_prefixes = {"19"};
  EXPECT_THAT(Ids(*reader_->ListStatements(q)), ::testing::ElementsAre(out.ids[2], out.ids[1]));
  q.filter.min_confidence = 0.5;
  EXPECT_THAT(Ids(*reader_->ListStatements(q)), ::testing::ElementsAre(out.ids[2]));
  // A month-precision date sorts as its first day.
  q = Query("Russia");
  q.filter.date_to = {2024, 2, 1};
  EXPECT_THAT(Ids(*reader_->ListStatements(q)), ::testing::ElementsAre(out.ids[3]));
}

TEST_F(ReaderTest, PagesCoverEverythingOnceWithoutAnEmptyLastPage) {
  std::vector<model::StatementInput> batch;
  for (int i = 0; i < 25; ++i) {
    batch.push_back(Stmt("Russia", "X" + std::to_string(i % 3), {2024, 1, 1 + i % 4}));
    batch.back().quote = "out " + std::to_string(i);  // distinct: not duplicates
  }
  for (int i = 0; i < 5; ++i) batch.push_back(Stmt("Y" + std::to_string(i), "Russia", {2024, 1, 2}));
  ASSERT_EQ(MustIngest(batch).accepted, 30u);
  auto q = Query("Russia");
  q.page_size = 7;
  std::vector<model::StatementId> all;
  int pages = 0;
  while (true) {
    auto page = reader_->ListStatements(q);
    ASSERT_OK(page);
    ++pages;
    ASSERT_FALSE(page->statements.empty());
    for (auto id : Ids(*page)) all.push_back(id);
    if (!page->next) break;
    q.resume_after = page->next;
  }
  EXPECT_EQ(pages, 5);  // 30 statements, 7 a page: 7+7+7+7+2
  EXPECT_EQ(all.size(), 30u);
  EXPECT_EQ(std::set<model::StatementId>(all.begin(), all.end()).size(), 30u);
}

TEST_F(ReaderTest, SelfLoopAppearsOnce) {
  auto out = MustIngest({Stmt("Russia", "Russia")});
  auto page = reader_->ListStatements(Query("Russia"));
  EXPECT_THAT(Ids(*page), ::testing::ElementsAre(out.ids[0]));
}

TEST_F(ReaderTest, EntityWithoutStatementsListsNothing) {
  auto page = reader_->ListStatements(Query("Iceland"));
  ASSERT_OK(page);
  EXPECT_TRUE(page->statements.empty());
}

TEST_F(ReaderTest, UnknownEntityIsNotFoundAndBadFiltersAreInvalid) {
  EXPECT_THAT(reader_->ListStatements(Query("Atlantis")), StatusIs(absl::StatusCode::kNotFound));
  auto q = Query("Russia");
  q.filter.date_from = {2024, 13, 1};
  EXPECT_THAT(reader_->ListStatements(q), StatusIs(absl::StatusCode::kInvalidArgument));
  q = Query("Russia");
  q.filter.date_from = {2024, 5, 1};
  q.filter.date_to = {2024, 4, 1};
  EXPECT_THAT(reader_->ListStatements(q), StatusIs(absl::StatusCode::kInvalidArgument));
  q = Query("Russia");
  q.filter.code_prefixes = {"1x"};
  EXPECT_THAT(reader_->ListStatements(q), StatusIs(absl::StatusCode::kInvalidArgument));
  q = Query("Russia");
  q.page_size = 0;
  EXPECT_THAT(reader_->ListStatements(q), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ReaderTest, SearchFindsNamesAndAliasesByFoldedPrefix) {
  MustIngest({Stmt("Kor Group", "Russia")});
  auto found = reader_->SearchEntities("north k", 10);
  ASSERT_OK(found);
  ASSERT_FALSE(found->empty());
  EXPECT_EQ((*found)[0].name, "North Korea");
  found = reader_->SearchEntities("KOR", 100);
  std::set<std::string> names;
  for (const auto& e : *found) names.insert(e.name);
  EXPECT_TRUE(names.count("South Korea"));
  EXPECT_TRUE(names.count("Kor Group"));
  EXPECT_EQ(names.size(), found->size());  // each entity once
  EXPECT_EQ(reader_->SearchEntities("kor", 1)->size(), 1u);
}

}  // namespace
}  // namespace entente::graph
