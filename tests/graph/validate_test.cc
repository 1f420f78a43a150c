#include "graph/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/graph/test_statements.h"

namespace entente::graph {
namespace {

std::vector<std::string> Fields(const model::StatementInput& in) {
  std::vector<model::FieldViolation> v;
  ValidateStatement(in, "statements[0].", &v);
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.field);
  return out;
}

TEST(ValidateTest, AcceptsAGoodStatement) { EXPECT_THAT(Fields(Stmt("Russia", "Ukraine")), ::testing::IsEmpty()); }

TEST(ValidateTest, NamesEachOffendingField) {
  using ::testing::ElementsAre;
  auto in = Stmt("", "Ukraine");
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].actor"));
  in = Stmt("   ", "Ukraine");
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].actor.name"));
  in = Stmt("Russia", "Ukr\nane");
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].target.name"));
  in = Stmt("Russia", "Ukraine", {2024, 13, 45});
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].date.month"));
  in = Stmt("Russia", "Ukraine", {2023, 2, 29});
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].date.day"));
  in = Stmt("Russia", "Ukraine", {0, 0, 0});
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].date"));
  in = Stmt("Russia", "Ukraine");
  in.confidence = 1.5;
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].confidence"));
  in.confidence = std::nan("");
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].confidence"));
  in = Stmt("Russia", "Ukraine");
  in.quote = std::string(10 << 20, 'x');
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].quote"));
  in = Stmt("Russia", "Ukraine");
  in.quote = "bad \xC3\x28 bytes";
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].quote"));
  in = Stmt("Russia", "Ukraine");
  in.cameo_code = "19a";
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].action.cameo_code"));
  in.cameo_code = "1999";  // the right shape, but not in the CAMEO table
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].action.cameo_code"));
  in.cameo_code.clear();
  in.action_text.clear();
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].action"));
  in = Stmt("Russia", "Ukraine");
  in.source.document_id.clear();
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].source.document_id"));
  in = Stmt("Russia", "Ukraine");
  in.actor.id = 5;
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].actor"));
  in = Stmt("Russia", "Ukraine");
  in.attributed_to.name = std::string(600, 'a');
  EXPECT_THAT(Fields(in), ElementsAre("statements[0].attributed_to.name"));
}

TEST(ValidateTest, ReportsEveryViolationOfOneStatement) {
  auto in = Stmt("", "Ukraine", {2024, 13, 1});
  in.confidence = -0.1;
  EXPECT_THAT(Fields(in), ::testing::UnorderedElementsAre("statements[0].actor",
                                                          "statements[0].date.month",
                                                          "statements[0].confidence"));
}

}  // namespace
}  // namespace entente::graph
