// Claims through the Ingestor (issue 11): a store made online by an
// Ingestor asked to keep them keeps them from its first statement; ingest
// and retraction keep them exact across batches (a document's publisher
// known from an earlier batch); check finds each kind of damage; a store
// made without claims, or bulk-loaded, keeps none. The rule itself is
// tested in tests/model/claim_test.cc, the bookkeeping on random batches in
// tests/storage/claim_book_test.cc.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "graph/check.h"
#include "graph/ingestor.h"
#include "storage/check.h"
#include "storage/claim_book.h"
#include "tests/graph/graph_fixture.h"
#include "tests/graph/test_statements.h"

namespace entente::graph {
namespace {

class ClaimsIngestTest : public GraphFixture {
 protected:
  // A store made by an Ingestor that keeps claims (GraphFixture's does not).
  void SetUp() override {
    ingestor_.reset();
    store_.reset();
    auto s = storage::Store::Open(dir_.Sub("claims"), storage::StoreOptions());
    ASSERT_OK(s);
    store_ = std::move(*s);
    ingestor_ = std::make_unique<Ingestor>(store_.get(), [this] { return now_; },
                                           Ingestor::Mode::kOnline,
                                           model::kDefaultClaimWindowDays);
    ASSERT_OK(ingestor_->Init());
  }

  // Reopens the store; the window is the store's, whatever the Ingestor is
  // asked for.
  void ReopenWithoutAskingForClaims() {
    ingestor_.reset();
    store_.reset();
    auto s = storage::Store::Open(dir_.Sub("claims"), storage::StoreOptions());
    ASSERT_OK(s);
    store_ = std::move(*s);
    ingestor_ = std::make_unique<Ingestor>(store_.get(), [this] { return now_; });
    ASSERT_OK(ingestor_->Init());
  }

  // Every stored claim, by its id.
  std::map<model::StatementId, storage::ClaimRow> Claims() {
    std::map<model::StatementId, storage::ClaimRow> out;
    auto view = store_->Latest();
    EXPECT_OK(view->ScanClaims([&](const storage::ClaimRow& c) {
      out.emplace(c.id, c);
      return true;
    }));
    return out;
  }

  // A report of North Korea sending troops to Russia by `publisher`.
  static model::StatementInput Report(const std::string& document, const std::string& publisher,
                                      model::Date date, model::Modality modality) {
    model::StatementInput in = Stmt("North Korea", "Russia", date, "1711");
    in.action_text = "sent troops to";
    in.source.document_id = document;
    in.source.publisher = publisher;
    in.modality = modality;
    return in;
  }
};

TEST_F(ClaimsIngestTest, ReportsOfOneEventAreOneClaimWithItsIndependentSources) {
  ASSERT_OK(LoadClaimWindow(*store_));
  EXPECT_EQ(*LoadClaimWindow(*store_), model::kDefaultClaimWindowDays);
  const auto asserted = model::Modality::kAsserted;
  auto first = MustIngest({Report("yonhap-1", "Yonhap", {2024, 10, 18}, asserted),
                           Report("yonhap-2", "Yonhap", {2024, 10, 19}, asserted)});
  // A later batch: a document stored before keeps its publisher, even when
  // the statement repeats it without one; a denial; a report two days
  // after the last is another claim.
  model::StatementInput again = Report("yonhap-1", "", {2024, 10, 18}, asserted);
  again.quote = "another sentence of the same article";
  auto second = MustIngest({again,
                            Report("kcna-1", "KCNA", {2024, 10, 19}, model::Modality::kDenied),
                            Report("no-publisher", "", {2024, 10, 18}, asserted),
                            Report("tass-1", "TASS", {2024, 10, 22}, asserted)});
  ASSERT_EQ(second.accepted, 4u);

  const auto claims = Claims();
  ASSERT_EQ(claims.size(), 2u);
  const storage::ClaimRow& c = claims.at(first.ids[0]);
  EXPECT_EQ(c.statements, 5u);
  EXPECT_EQ(c.documents, 4u);  // yonhap-1 twice
  EXPECT_EQ(c.sources, 3u);    // Yonhap, KCNA, and the document without a publisher
  EXPECT_EQ(c.modalities[0], 4u);
  EXPECT_EQ(c.modalities[1], 1u);
  EXPECT_TRUE(model::IsContested(c.modalities[0], c.modalities[1]));
  EXPECT_EQ(c.first_day, model::FirstDay({2024, 10, 18}));
  EXPECT_EQ(c.last_day, model::FirstDay({2024, 10, 19}));
  const storage::ClaimRow& later = claims.at(second.ids[3]);
  EXPECT_EQ(later.statements, 1u);
  EXPECT_EQ(later.sources, 1u);

  // A report of the 20th and 21st bridges the two claims; retracting it
  // splits them again, and retracting the first statement gives the claim
  // the id of the next.
  auto bridge = MustIngest({Report("reuters-1", "Reuters", {2024, 10, 20}, asserted),
                            Report("reuters-2", "Reuters", {2024, 10, 21}, asserted)});
  ASSERT_EQ(Claims().size(), 1u);
  EXPECT_EQ(Claims().at(first.ids[0]).sources, 5u);
  ASSERT_OK(ingestor_->Retract({bridge.ids[0]}, {}));
  ASSERT_EQ(Claims().size(), 2u);
  EXPECT_EQ(Claims().at(first.ids[0]).statements, 5u);
  // The 21st and the 22nd, under the id of the 22nd: stored before the 21st.
  EXPECT_EQ(Claims().at(second.ids[3]).statements, 2u);
  ASSERT_OK(ingestor_->Retract({first.ids[0]}, {}));
  EXPECT_EQ(Claims().count(first.ids[0]), 0u);
  EXPECT_EQ(Claims().at(first.ids[1]).statements, 4u);

  ReopenWithoutAskingForClaims();
  EXPECT_EQ(Claims().at(first.ids[1]).statements, 4u);
  ASSERT_OK(ingestor_->Retract({}, {"yonhap-2", "kcna-1", "no-publisher", "yonhap-1"}));
  EXPECT_EQ(Claims().count(first.ids[1]), 0u);
  EXPECT_EQ(Claims().size(), 1u);
}

TEST_F(ClaimsIngestTest, CheckRecomputesClaimsAndFindsEveryKindOfDamage) {
  const auto asserted = model::Modality::kAsserted;
  model::StatementInput denial = Report("kcna-1", "KCNA", {2024, 10, 19}, model::Modality::kDenied);
  denial.attributed_to.name = "North Korea";
  auto out = MustIngest({Report("yonhap-1", "Yonhap", {2024, 10, 18}, asserted), denial,
                         Report("tass-1", "TASS", {2024, 10, 25}, asserted),
                         Stmt("Russia", "North Korea", {2024, 10, 0})});
  ASSERT_OK(ingestor_->Retract({out.ids[2]}, {}));
  // The claimant's row: its claims are one scan away.
  std::vector<model::StatementId> of_north_korea;
  const model::EntityId north_korea = Claims().at(out.ids[0]).subject.actor;
  ASSERT_OK(store_->Latest()->ScanClaimantRows(north_korea,
                                               [&](model::EntityId, model::StatementId claim) {
                                                 of_north_korea.push_back(claim);
                                                 return true;
                                               }));
  EXPECT_EQ(of_north_korea, std::vector<model::StatementId>{out.ids[0]});
  auto clean = CheckStore(*store_, 100);
  ASSERT_OK(clean);
  EXPECT_TRUE(clean->consistent()) << storage::FormatCheckReport(*clean);
  EXPECT_EQ(clean->checked.claims, 2u);

  const auto kinds = [&](auto damage) {
    damage();
    auto report = CheckStore(*store_, 100);
    EXPECT_OK(report);
    return report.ok() ? report->problems_by_kind : decltype(report->problems_by_kind){};
  };
  const storage::ClaimRow claim = Claims().at(out.ids[0]);
  const std::string key = storage::ClaimKey(claim.subject, claim.first_day);
  auto idx = [](storage::ProblemKind k) { return static_cast<size_t>(k); };

  storage::ClaimRow wrong = claim;
  wrong.sources = 5;
  auto found = kinds([&] {
    ASSERT_OK(store_->PutRawForTest("claims", key, storage::EncodeClaimValue(wrong)));
  });
  EXPECT_EQ(found[idx(storage::ProblemKind::kClaimMismatch)], 1u);
  found = kinds([&] {
    ASSERT_OK(store_->PutRawForTest("claims", key, storage::EncodeClaimValue(claim)));
    ASSERT_OK(store_->PutRawForTest(
        "claims", storage::ClaimMemberKey(claim.id, storage::ClaimSet::kSource, "pYonhap"),
        storage::EncodeClaimMemberCount(2)));
  });
  EXPECT_EQ(found[idx(storage::ProblemKind::kClaimMismatch)], 1u) << "a member count";
  found = kinds([&] {
    ASSERT_OK(store_->PutRawForTest(
        "claims", storage::ClaimMemberKey(claim.id, storage::ClaimSet::kSource, "pYonhap"),
        storage::EncodeClaimMemberCount(1)));
    ASSERT_OK(store_->DeleteRawForTest("claims", key));
  });
  EXPECT_EQ(found[idx(storage::ProblemKind::kMissingClaim)], 1u);
  found = kinds([&] {
    ASSERT_OK(store_->PutRawForTest("claims", key, storage::EncodeClaimValue(claim)));
    storage::ClaimRow ghost = claim;
    ghost.id = 999;
    ghost.first_day = ghost.last_day = model::FirstDay({2020, 1, 1});
    ASSERT_OK(store_->PutRawForTest("claims", storage::ClaimKey(ghost.subject, ghost.first_day),
                                    storage::EncodeClaimValue(ghost)));
    ASSERT_OK(store_->PutRawForTest(
        "claims", storage::ClaimMemberKey(998, storage::ClaimSet::kDocument, "x"),
        storage::EncodeClaimMemberCount(1)));
  });
  EXPECT_EQ(found[idx(storage::ProblemKind::kOrphanClaim)], 2u);
  EXPECT_EQ(found[idx(storage::ProblemKind::kMissingClaim)], 0u);
  EXPECT_EQ(found[idx(storage::ProblemKind::kClaimMismatch)], 0u);

  // A claimant row gone, and one for a claimant the claim does not have.
  const std::string claimant_row = storage::ClaimantKey(storage::EncodeId(north_korea), claim.id);
  found = kinds([&] { ASSERT_OK(store_->DeleteRawForTest("claims", claimant_row)); });
  EXPECT_EQ(found[idx(storage::ProblemKind::kClaimMismatch)], 1u) << "a missing claimant row";
  found = kinds([&] {
    ASSERT_OK(store_->PutRawForTest("claims", claimant_row, ""));
    ASSERT_OK(store_->PutRawForTest("claims", storage::ClaimantKey(storage::EncodeId(77), claim.id),
                                    ""));
  });
  EXPECT_EQ(found[idx(storage::ProblemKind::kOrphanClaim)], 3u) << "an orphan claimant row";
  EXPECT_EQ(found[idx(storage::ProblemKind::kClaimMismatch)], 0u);
}

TEST_F(ClaimsIngestTest, AStoreMadeWithoutClaimsKeepsNone) {
  auto s = storage::Store::Open(dir_.Sub("plain"), storage::StoreOptions());
  ASSERT_OK(s);
  {
    Ingestor plain(s->get());
    ASSERT_OK(plain.Init());
  }
  // Asking later does not change what the store was made with.
  Ingestor online(s->get(), nullptr, Ingestor::Mode::kOnline, 1);
  ASSERT_OK(online.Init());
  ASSERT_OK(online.Ingest({Stmt("North Korea", "Russia")}, model::NameResolution::kAlias));
  auto window = LoadClaimWindow(**s);
  ASSERT_OK(window);
  EXPECT_FALSE(window->has_value());
  EXPECT_TRUE((*s)->Latest()->ScanClaims([](const storage::ClaimRow&) {
    ADD_FAILURE() << "a claim in a store made without claims";
    return false;
  }).ok());
}

TEST_F(ClaimsIngestTest, ABulkLoadedStoreKeepsNoClaims) {
  auto s = storage::Store::Open(dir_.Sub("bulk"), storage::StoreOptions());
  ASSERT_OK(s);
  Ingestor bulk(s->get(), nullptr, Ingestor::Mode::kBulk, 1);
  ASSERT_OK(bulk.Init());
  ASSERT_OK(bulk.Ingest({Stmt("North Korea", "Russia")}, model::NameResolution::kAlias));
  ASSERT_OK(bulk.FinishBulk());
  auto window = LoadClaimWindow(**s);
  ASSERT_OK(window);
  EXPECT_FALSE(window->has_value());
  // Online ingest into it leaves the claims family alone.
  Ingestor online(s->get(), nullptr, Ingestor::Mode::kOnline, 1);
  ASSERT_OK(online.Init());
  ASSERT_OK(online.Ingest({Stmt("North Korea", "Russia", {2024, 10, 23})},
                          model::NameResolution::kAlias));
  size_t claims = 0;
  ASSERT_OK((*s)->Latest()->ScanClaims([&](const storage::ClaimRow&) {
    ++claims;
    return true;
  }));
  EXPECT_EQ(claims, 0u);
}

}  // namespace
}  // namespace entente::graph
