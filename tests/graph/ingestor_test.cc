#include "graph/ingestor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/graph/graph_fixture.h"

namespace entente::graph {
namespace {

using ::entente::testing::StatusIs;
using model::NameResolution;

class IngestorTest : public GraphFixture {};

TEST_F(IngestorTest, CountriesAreSeededWithTheirAliases) {
  const model::EntityId russia = IdOf("Russia");
  ASSERT_NE(russia, 0u);
  EXPECT_EQ(IdOf("Russian Federation"), russia);
  EXPECT_EQ(IdOf("RUS"), russia);
  EXPECT_EQ(IdOf("russian   federation"), russia);
  EXPECT_EQ(IdOf("North Korea"), IdOf("Democratic People's Republic of Korea"));
  EXPECT_EQ(IdOf("north korea"), IdOf("PRK"));
  EXPECT_NE(IdOf("North Korea"), IdOf("South Korea"));
  auto e = reader_->GetEntity(russia);
  ASSERT_OK(e);
  EXPECT_EQ(e->kind, model::EntityKind::kCountry);
  EXPECT_EQ(e->country_code, "RUS");
  EXPECT_EQ(IdOf("Russia", NameResolution::kExact), russia);
}

TEST_F(IngestorTest, SelfLoopOnANewNameCreatesOneEntity) {
  for (auto r : {NameResolution::kExact, NameResolution::kAlias}) {
    const std::string name = r == NameResolution::kExact ? "Loop Exact" : "Loop Alias";
    auto out = MustIngest({Stmt(name, name)}, r);
    ASSERT_EQ(out.accepted, 1u);
    auto s = reader_->GetStatement(out.ids[0]);
    ASSERT_OK(s);
    EXPECT_EQ(s->statement.actor, s->statement.target) << name;
    EXPECT_EQ(s->statement.actor, IdOf(name, r)) << name;
  }
}

TEST_F(IngestorTest, AliasResolutionFoldsNamesExactResolutionDoesNot) {
  auto out = MustIngest({Stmt("Alpha Group", "beta"), Stmt("ALPHA  group", "Beta")});
  EXPECT_EQ(out.accepted, 2u);
  EXPECT_EQ(IdOf("alpha group"), IdOf("Alpha Group"));
  auto e = reader_->GetEntity(IdOf("alpha group"));
  EXPECT_EQ(e->name, "Alpha Group");  // kept as first given

  out = MustIngest({Stmt("gamma", "x"), Stmt("Gamma", "x")}, NameResolution::kExact);
  EXPECT_EQ(out.accepted, 2u);
  EXPECT_NE(IdOf("gamma", NameResolution::kExact), IdOf("Gamma", NameResolution::kExact));
  // Under alias resolution the first of them is the one "GAMMA" names, also
  // once the ingestor has cached names.
  auto alias = MustIngest({Stmt("GAMMA", "x"), Stmt("gAmMa", "y")});
  for (auto id : alias.ids) {
    EXPECT_EQ(reader_->GetStatement(id)->actor->id, IdOf("gamma", NameResolution::kExact));
  }
}

TEST_F(IngestorTest, ExactResolutionIgnoresAliases) {
  auto out = MustIngest({Stmt("Russian Federation", "Russia")}, NameResolution::kExact);
  ASSERT_EQ(out.accepted, 1u);
  auto v = reader_->GetStatement(out.ids[0]);
  ASSERT_OK(v);
  EXPECT_EQ(v->actor->name, "Russian Federation");  // its own entity, name kept
  EXPECT_NE(v->actor->id, v->target->id);
  EXPECT_EQ(v->target->name, "Russia");              // the country itself
  EXPECT_EQ(v->target->kind, model::EntityKind::kCountry);
}

TEST_F(IngestorTest, TheSameStatementTwiceIsStoredOnce) {
  auto first = MustIngest({Stmt("North Korea", "Russia")});
  ASSERT_EQ(first.accepted, 1u);
  auto same = Stmt("north korea", "Russian Federation");
  same.quote = Stmt("North Korea", "Russia").quote;
  auto again = MustIngest({same});
  EXPECT_EQ(again.accepted, 0u);
  EXPECT_EQ(again.duplicate, 1u);
  EXPECT_EQ(again.ids[0], first.ids[0]);
  // Within one batch too.
  auto twice = MustIngest({Stmt("A", "B"), Stmt("A", "B")});
  EXPECT_EQ(twice.accepted, 1u);
  EXPECT_EQ(twice.duplicate, 1u);
  EXPECT_EQ(twice.ids[0], twice.ids[1]);
}

TEST_F(IngestorTest, ClientKeysKeepIdenticalRowsApartAndMakeResendsDuplicates) {
  auto row1 = Stmt("A", "B");
  row1.idempotency_key = "events.tsv:1";
  auto row2 = Stmt("A", "B");
  row2.idempotency_key = "events.tsv:2";
  auto out = MustIngest({row1, row2}, NameResolution::kExact);
  EXPECT_EQ(out.accepted, 2u);
  EXPECT_NE(out.ids[0], out.ids[1]);
  Reopen();
  auto resend = MustIngest({row2, row1}, NameResolution::kExact);
  EXPECT_EQ(resend.duplicate, 2u);
  EXPECT_EQ(resend.ids[0], out.ids[1]);
}

TEST_F(IngestorTest, ResentKeyNamingANewEntityCreatesNothing) {
  auto s = Stmt("A", "B");
  s.idempotency_key = "k1";
  MustIngest({s});
  s.target.name = "Brand New";
  auto out = MustIngest({s});
  EXPECT_EQ(out.duplicate, 1u);
  model::EntityRef ref;
  ref.name = "Brand New";
  EXPECT_THAT(reader_->FindEntity(ref, NameResolution::kAlias),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IngestorTest, BadStatementIsRejectedOthersStored) {
  auto bad = Stmt("Fresh Actor", "Russia", {2024, 13, 45});
  auto out = MustIngest({Stmt("A", "B"), bad, Stmt("C", "D")});
  EXPECT_EQ(out.accepted, 2u);
  EXPECT_EQ(out.rejected, 1u);
  ASSERT_EQ(out.rejections.size(), 1u);
  EXPECT_EQ(out.rejections[0].index, 1u);
  EXPECT_EQ(out.rejections[0].violations[0].field, "statements[1].date.month");
  EXPECT_EQ(out.ids[1], 0u);
  // Nothing of the rejected statement was written, not even its new actor.
  model::EntityRef ref;
  ref.name = "Fresh Actor";
  EXPECT_THAT(reader_->FindEntity(ref, NameResolution::kAlias),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IngestorTest, UnknownEntityIdIsRejectedByField) {
  auto s = Stmt("A", "B");
  s.target.name.clear();
  s.target.id = 999999;
  auto out = MustIngest({s}, NameResolution::kAlias);
  EXPECT_EQ(out.rejected, 1u);
  EXPECT_EQ(out.rejections[0].violations[0].field, "statements[0].target.id");
  model::EntityRef ref;
  ref.name = "A";
  EXPECT_THAT(reader_->FindEntity(ref, NameResolution::kAlias),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IngestorTest, KnownEntityIdResolves) {
  auto s = Stmt("A", "B");
  s.target.name.clear();
  s.target.id = IdOf("Ukraine");
  auto out = MustIngest({s});
  ASSERT_EQ(out.accepted, 1u);
  auto v = reader_->GetStatement(out.ids[0]);
  ASSERT_OK(v);
  EXPECT_EQ(v->target->name, "Ukraine");
}

TEST_F(IngestorTest, IdsAreNeverReusedAcrossReopen) {
  auto a = MustIngest({Stmt("A", "B")});
  Reopen();
  auto b = MustIngest({Stmt("C", "D")});
  EXPECT_GT(b.ids[0], a.ids[0]);
  EXPECT_GT(IdOf("C"), IdOf("B"));
}

TEST_F(IngestorTest, ServerSetsIngestTimeAndDefaults) {
  auto s = Stmt("A", "B");
  s.confidence.reset();
  s.modality = model::Modality::kUnspecified;
  auto out = MustIngest({s});
  auto v = reader_->GetStatement(out.ids[0]);
  ASSERT_OK(v);
  EXPECT_EQ(v->statement.ingested_at_micros, now_);
  EXPECT_EQ(v->statement.confidence, 1.0);
  EXPECT_EQ(v->statement.modality, model::Modality::kAsserted);
  EXPECT_EQ(v->source->publisher, "News Today");
}

TEST_F(IngestorTest, AttributionResolvesToAnEntity) {
  auto s = Stmt("Russia", "North Korea");
  s.attributed_to.name = "David Lammy";
  s.attributed_to.kind = model::EntityKind::kPerson;
  auto out = MustIngest({s});
  auto v = reader_->GetStatement(out.ids[0]);
  ASSERT_OK(v);
  ASSERT_NE(v->attributed_to, nullptr);
  EXPECT_EQ(v->attributed_to->name, "David Lammy");
  EXPECT_EQ(v->attributed_to->kind, model::EntityKind::kPerson);
}

}  // namespace
}  // namespace entente::graph
