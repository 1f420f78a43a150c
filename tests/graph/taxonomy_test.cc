#include "graph/taxonomy.h"

#include <gtest/gtest.h>

namespace entente::graph {
namespace {

const Taxonomy& Tax() { return Taxonomy::Get(); }

// "01" for 1.
std::string RootCode(int index) {
  return {static_cast<char>('0' + index / 10), static_cast<char>('0' + index % 10)};
}

TEST(TaxonomyTest, TablesAreComplete) {
  EXPECT_EQ(Tax().codes().size(), 312u);  // 311 GDELT codes and ICEWS's 1213
  EXPECT_EQ(Tax().relations().size(), 255u);
  EXPECT_GE(Tax().lexicon().size(), 60u);
}

TEST(TaxonomyTest, RootsHaveQuadClasses) {
  for (int i = 1; i <= 20; ++i) {
    const std::string root = RootCode(i);
    ASSERT_NE(Tax().Find(root), nullptr) << root;
    const QuadClass want = i <= 5    ? QuadClass::kVerbalCooperation
                           : i <= 9  ? QuadClass::kMaterialCooperation
                           : i <= 14 ? QuadClass::kVerbalConflict
                                     : QuadClass::kMaterialConflict;
    EXPECT_EQ(Tax().QuadOf(root), want) << root;
  }
}

TEST(TaxonomyTest, EveryCodeAgreesWithItsRoot) {
  for (const CameoCode& c : Tax().codes()) {
    EXPECT_EQ(c.root, c.code.substr(0, 2)) << c.code;
    EXPECT_NE(c.quad, QuadClass::kUnknown) << c.code;
    EXPECT_EQ(c.quad, Tax().QuadOf(c.code)) << c.code;
    EXPECT_FALSE(c.name.empty()) << c.code;
  }
}

TEST(TaxonomyTest, QuadOfNonCodesIsUnknown) {
  for (const char* code : {"", "0", "00", "21", "99", "1a", "abc", "01234"}) {
    EXPECT_EQ(Tax().QuadOf(code), QuadClass::kUnknown) << code;
  }
  // A sub-code missing from the table still has its root's class.
  EXPECT_EQ(Tax().Find("1999"), nullptr);
  EXPECT_EQ(Tax().QuadOf("1999"), QuadClass::kMaterialConflict);
}

TEST(TaxonomyTest, RootIndex) {
  EXPECT_EQ(Taxonomy::RootIndex("01"), 1);
  EXPECT_EQ(Taxonomy::RootIndex("010"), 1);
  EXPECT_EQ(Taxonomy::RootIndex("1384"), 13);
  EXPECT_EQ(Taxonomy::RootIndex("20"), 20);
  EXPECT_EQ(Taxonomy::RootIndex(""), 0);
  EXPECT_EQ(Taxonomy::RootIndex("00"), 0);
  EXPECT_EQ(Taxonomy::RootIndex("21"), 0);
  EXPECT_EQ(Taxonomy::RootIndex("x1"), 0);
}

TEST(TaxonomyTest, GoldsteinOfKnownCodes) {
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf("190"), -10);
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf("010"), 0);
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf("042"), 1.9);
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf("057"), 8);
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf("130"), -4.4);
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf("016"), -5);   // ICEWS; GDELT says -2
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf("1213"), -4);  // not in GDELT at all
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf("999"), 0);
  EXPECT_DOUBLE_EQ(Tax().GoldsteinOf(""), 0);
}

TEST(TaxonomyTest, FindKeepsLeadingZeros) {
  ASSERT_NE(Tax().Find("010"), nullptr);
  EXPECT_EQ(Tax().Find("010")->name, "Make statement");
  ASSERT_NE(Tax().Find("10"), nullptr);
  EXPECT_EQ(Tax().Find("10")->name, "DEMAND");
  EXPECT_EQ(Tax().Find("0"), nullptr);
}

TEST(TaxonomyTest, CodeForRelationCoversEveryIcewsRelation) {
  for (const auto& [relation, code] : Tax().relations()) {
    const CameoCode* c = Tax().Find(code);
    ASSERT_NE(c, nullptr) << relation;
    EXPECT_EQ(c->name, relation);
    EXPECT_EQ(Tax().CodeForRelation(relation), code);
  }
  EXPECT_EQ(Tax().CodeForRelation("Make statement"), "010");
  EXPECT_EQ(Tax().CodeForRelation("Consult"), "040");
  EXPECT_EQ(Tax().CodeForRelation("fight with small arms and light weapons"), "193");
  // Byte for byte, unlike Classify().
  EXPECT_EQ(Tax().CodeForRelation("make statement"), std::nullopt);
  EXPECT_EQ(Tax().CodeForRelation("attacked"), std::nullopt);
}

TEST(TaxonomyTest, RelationNamesClassifyToTheirCodes) {
  for (const auto& [relation, code] : Tax().relations()) {
    EXPECT_EQ(Tax().Classify(relation), code) << relation;
  }
}

TEST(TaxonomyTest, KnownPhrasesClassify) {
  const std::pair<const char*, const char*> cases[] = {
      {"condemned", "111"},
      {"denounced", "111"},
      {"criticized", "111"},
      {"accused", "112"},
      {"praised", "051"},
      {"met with", "040"},
      {"held talks with", "046"},
      {"discussed by telephone", "041"},
      {"held talks over the phone with", "041"},
      {"visited", "042"},
      {"hosted", "043"},
      {"agreed to exchange delegations with", "036"},
      {"threatened", "130"},
      {"attacked", "190"},
      {"sanctioned", "163"},
      {"cooperated militarily with", "062"},
      {"provided military aid to", "072"},
      {"demanded", "100"},
      {"rejected", "120"},
      {"expelled", "166"},
      {"expelled diplomats of", "161"},
      {"deployed troops to", "154"},
      {"signed an agreement with", "057"},
  };
  for (const auto& [phrase, code] : cases) EXPECT_EQ(Tax().Classify(phrase), code) << phrase;
}

TEST(TaxonomyTest, TrailingPrepositionIsOptional) {
  EXPECT_EQ(Tax().Classify("condemned"), "111");
  EXPECT_EQ(Tax().Classify("condemned on"), "111");
  EXPECT_EQ(Tax().Classify("attacked at"), "190");
  EXPECT_EQ(Tax().Classify("praised for"), "051");
  // Only one, and only from the list.
  EXPECT_EQ(Tax().Classify("attacked by"), std::nullopt);
  EXPECT_EQ(Tax().Classify("met with with"), std::nullopt);
}

TEST(TaxonomyTest, LeadingAuxiliariesAreDropped) {
  EXPECT_EQ(Tax().Classify("has condemned"), "111");
  EXPECT_EQ(Tax().Classify("had reportedly attacked"), "190");
  EXPECT_EQ(Tax().Classify("reportedly met with"), "040");
  EXPECT_EQ(Tax().Classify("have signed an agreement with"), "057");
  EXPECT_EQ(Tax().Classify("was visiting"), "042");
  EXPECT_EQ(Tax().Classify("are negotiating with"), "046");
}

TEST(TaxonomyTest, PassivesStayUnclassified) {
  // The subject of a passive is the target: classifying it would reverse
  // the edge.
  EXPECT_EQ(Tax().Classify("was attacked"), std::nullopt);
  EXPECT_EQ(Tax().Classify("was attacked by"), std::nullopt);
  EXPECT_EQ(Tax().Classify("is sanctioned by"), std::nullopt);
  EXPECT_EQ(Tax().Classify("has been attacked"), std::nullopt);
}

TEST(TaxonomyTest, FutureIsIntentOrThreat) {
  EXPECT_EQ(Tax().Classify("will attack"), "1384");
  EXPECT_EQ(Tax().Classify("would invade"), std::nullopt);  // "invade" is not known
  EXPECT_EQ(Tax().Classify("will visit"), "036");
  EXPECT_EQ(Tax().Classify("will meet with"), "036");
  EXPECT_EQ(Tax().Classify("will sign an agreement with"), "032");
  EXPECT_EQ(Tax().Classify("will provide military aid to"), "033");
  EXPECT_EQ(Tax().Classify("would impose sanctions on"), "131");
  EXPECT_EQ(Tax().Classify("will deploy troops to"), "138");
  // Verbal acts keep their code.
  EXPECT_EQ(Tax().Classify("will condemn"), "111");
  EXPECT_EQ(Tax().Classify("will reject"), "120");
  EXPECT_EQ(Tax().Classify("will threaten"), "130");
}

TEST(TaxonomyTest, UnknownPhraseStaysUnclassified) {
  for (const char* phrase :
       {"", "   ", "ate lunch with", "has", "will", "with", "fought alongside",
        "demand withdrawal" /* GDELT's old 106, see below */, "bad \xFF utf8"}) {
    EXPECT_EQ(Tax().Classify(phrase), std::nullopt) << phrase;
  }
}

TEST(TaxonomyTest, LexiconCodesExist) {
  for (const LexiconEntry& e : Tax().lexicon()) {
    const CameoCode* c = Tax().Find(e.code);
    ASSERT_NE(c, nullptr) << e.phrase << " -> " << e.code;
    EXPECT_GT(e.code.size(), 2u) << e.phrase << ": ICEWS never uses a bare root";
  }
}

TEST(TaxonomyTest, LexiconRowsAreNotShadowed) {
  // An earlier source (ICEWS names) or an earlier row claiming the same
  // folded phrase with another code would make a row dead.
  for (const LexiconEntry& e : Tax().lexicon()) {
    EXPECT_EQ(Tax().Classify(e.phrase), e.code) << e.phrase;
  }
}

TEST(TaxonomyTest, FoldingIgnoresCaseAndSpaces) {
  EXPECT_EQ(Tax().Classify("  HELD   TALKS\xC2\xA0With "), "046");
  EXPECT_EQ(Tax().Classify("Condemned"), "111");
  EXPECT_EQ(Tax().Classify("MAKE STATEMENT"), "010");
  EXPECT_EQ(Tax().Classify("Fight With Small Arms And Light Weapons"), "193");
  EXPECT_EQ(Tax().Classify("Has\tReportedly  ATTACKED"), "190");
}

TEST(TaxonomyTest, RootHeadingsMeanTheResidualCode) {
  EXPECT_EQ(Tax().Classify("CONSULT"), "040");
  EXPECT_EQ(Tax().Classify("make public statement"), "010");
  EXPECT_EQ(Tax().Classify("exhibit force posture"), "150");
  EXPECT_EQ(Tax().Classify("fight"), "190");
}

TEST(TaxonomyTest, GdeltLabelsFollowIcewsNumbering) {
  // GDELT labels 106 "Demand withdrawal" and 108 "Demand meeting,
  // negotiation"; ICEWS and CAMEO 1.1b3 number them otherwise.
  EXPECT_EQ(Tax().Classify("Demand meeting, negotiation"), "106");
  EXPECT_EQ(Tax().Classify("Demand mediation"), "108");
  // GDELT wording where ICEWS words it differently.
  EXPECT_EQ(Tax().Classify("Threaten to use military force"), "138");
  EXPECT_EQ(Tax().Classify("Allow delivery of humanitarian aid"), "0863");
  EXPECT_EQ(Tax().Classify("Appeal"), "020");  // ", not specified below" dropped
}

}  // namespace
}  // namespace entente::graph
