// Claims through gRPC on the claims fixture (tests/fixtures/README.md,
// "claims-2024-10.jsonl"): the corroborated and contested claim of the
// deployment, GetClaim's sides, min_sources and contested changing a path,
// a neighbourhood and a list, and the errors a caller can make.
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/service/service_fixture.h"

namespace entente::service {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ClaimsServiceTest : public ServiceFixture {
 protected:
  std::optional<int32_t> ClaimWindow() const override { return 1; }

  void SetUp() override {
    ServiceFixture::SetUp();
    ingested_ = IngestSeed("claims-2024-10.jsonl");
    ASSERT_EQ(ingested_.accepted(), 22u);
  }

  // The id of the fixture's statement on `line` (1-based).
  uint64_t Line(int line) const { return ingested_.statement_ids(line - 1); }

  v1::Entity Entity(const std::string& name) {
    v1::GetEntityRequest req;
    req.set_name(name);
    v1::Entity e;
    grpc::ClientContext ctx;
    EXPECT_TRUE(graph_->GetEntity(&ctx, req, &e).ok()) << name;
    return e;
  }

  // The names the traversal from `seed` reaches at depth 1, both directions.
  std::set<std::string> Neighbours(const std::string& seed, int min_sources) {
    v1::TraverseRequest req;
    req.add_seeds()->set_name(seed);
    req.set_max_depth(1);
    req.mutable_filter()->set_min_sources(min_sources);
    grpc::ClientContext ctx;
    auto reader = graph_->Traverse(&ctx, req);
    std::set<std::string> out;
    v1::TraverseResponse chunk;
    while (reader->Read(&chunk)) {
      for (const auto& n : chunk.nodes()) {
        if (n.depth() == 1) out.insert(n.entity().name());
      }
    }
    EXPECT_TRUE(reader->Finish().ok());
    return out;
  }

  // The names along the first shortest path, or empty if none.
  std::vector<std::string> Path(const std::string& from, const std::string& to,
                                int min_sources) {
    v1::FindPathsRequest req;
    req.mutable_from()->set_name(from);
    req.mutable_to()->set_name(to);
    req.set_max_hops(3);
    req.mutable_filter()->set_min_sources(min_sources);
    v1::FindPathsResponse resp;
    grpc::ClientContext ctx;
    grpc::Status st = graph_->FindPaths(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> names;
    if (resp.paths_size() == 0) return names;
    for (const auto& e : resp.paths(0).entities()) names.push_back(e.name());
    return names;
  }

  v1::IngestResponse ingested_;
};

TEST_F(ClaimsServiceTest, TheDeploymentIsOneCorroboratedContestedClaim) {
  v1::ListClaimsRequest req;
  req.mutable_entity()->set_name("North Korea");
  req.mutable_other()->set_name("Russia");
  v1::ListClaimsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->ListClaims(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  // Both directions: the deployment (18-20 Oct), the Kursk reports of
  // 23 Oct three days later (a claim of its own), and Russia's side.
  ASSERT_EQ(resp.total(), 3u);
  const v1::Claim& c = resp.claims(0);  // most sources first
  EXPECT_EQ(c.id(), Line(1));
  EXPECT_EQ(c.actor_id(), Entity("North Korea").id());
  EXPECT_EQ(c.target_id(), Entity("Russia").id());
  EXPECT_EQ(c.cameo_code(), "072");
  EXPECT_EQ(c.statements(), 9u);
  EXPECT_EQ(c.documents(), 5u);
  EXPECT_EQ(c.sources(), 4u);  // two documents of one publisher count once
  EXPECT_EQ(c.asserted(), 5u);
  EXPECT_EQ(c.denied(), 3u);
  EXPECT_EQ(c.intended(), 1u);
  EXPECT_TRUE(c.contested());
  EXPECT_EQ(c.first_date().day(), 18);
  EXPECT_EQ(c.last_date().day(), 20);
  // The other two: one source each side, none contested.
  EXPECT_FALSE(resp.claims(1).contested());
  EXPECT_EQ(resp.claims(2).sources(), 1u);

  req.set_contested_only(true);
  grpc::ClientContext ctx2;
  ASSERT_TRUE(graph_->ListClaims(&ctx2, req, &resp).ok());
  ASSERT_EQ(resp.claims_size(), 1);
  EXPECT_EQ(resp.claims(0).id(), Line(1));
}

TEST_F(ClaimsServiceTest, GetClaimShowsWhoAssertsAndWhoDenies) {
  v1::GetClaimRequest req;
  req.set_id(Line(1));
  v1::GetClaimResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->GetClaim(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.claim().sources(), 4u);
  ASSERT_EQ(resp.asserting_size(), 5);
  ASSERT_EQ(resp.denying_size(), 3);
  ASSERT_EQ(resp.other_size(), 1);
  std::set<uint64_t> denying;
  for (const auto& s : resp.denying()) {
    denying.insert(s.id());
    EXPECT_FALSE(s.quote().empty());
    EXPECT_FALSE(s.source().publisher().empty());
  }
  EXPECT_EQ(denying, (std::set<uint64_t>{Line(8), Line(10), Line(11)}));
  // Oldest first.
  for (int i = 1; i < resp.asserting_size(); ++i) {
    EXPECT_LE(resp.asserting(i - 1).date().day(), resp.asserting(i).date().day());
  }
  std::set<std::string> names;
  for (const auto& e : resp.entities()) names.insert(e.name());
  EXPECT_TRUE(names.count("David Lammy"));  // a claimant
  EXPECT_TRUE(names.count("North Korea"));

  req.set_max_statements(2);
  grpc::ClientContext ctx2;
  ASSERT_TRUE(graph_->GetClaim(&ctx2, req, &resp).ok());
  EXPECT_EQ(resp.asserting_size(), 2);
  EXPECT_TRUE(resp.truncated());
}

TEST_F(ClaimsServiceTest, AStatementThatIsNotAClaimIdSaysWhichClaimHoldsIt) {
  v1::GetClaimRequest req;
  req.set_id(Line(3));
  v1::GetClaimResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->GetClaim(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(st.error_message(), HasSubstr("claim " + std::to_string(Line(1))));

  req.set_id(1'000'000);
  grpc::ClientContext ctx2;
  EXPECT_EQ(graph_->GetClaim(&ctx2, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ClaimsServiceTest, MinSourcesChangesAPathAndANeighbourhood) {
  // United Kingdom -> Russia directly rests on one publisher (line 17).
  EXPECT_THAT(Path("United Kingdom", "Russia", 0), ElementsAre("United Kingdom", "Russia"));
  EXPECT_THAT(Path("United Kingdom", "Russia", 2),
              ElementsAre("United Kingdom", "South Korea", "Russia"));
  EXPECT_TRUE(Path("United Kingdom", "Russia", 3).empty());

  EXPECT_EQ(Neighbours("Russia", 1),
            (std::set<std::string>{"North Korea", "South Korea", "United Kingdom"}));
  EXPECT_EQ(Neighbours("Russia", 2), (std::set<std::string>{"North Korea", "South Korea"}));
}

// Next to the counts, with count_sources: how many publishers, not how
// many articles or statements.
TEST_F(ClaimsServiceTest, CountsComeWithTheirIndependentSources) {
  v1::TraverseRequest traverse;
  traverse.add_seeds()->set_name("North Korea");
  traverse.set_max_depth(1);
  traverse.set_direction(v1::OUT);
  traverse.set_count_sources(true);
  grpc::ClientContext ctx;
  auto reader = graph_->Traverse(&ctx, traverse);
  v1::TraverseResponse chunk;
  const uint64_t russia = Entity("Russia").id();
  uint64_t count = 0, sources = 0;
  while (reader->Read(&chunk)) {
    for (const auto& e : chunk.edges()) {
      if (e.target_id() == russia) count = e.count(), sources = e.sources();
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(count, 11u);   // the deployment's 9 and the Kursk reports' 2
  EXPECT_EQ(sources, 4u);  // from 8 documents of 4 publishers

  v1::FindPathsRequest path;
  path.mutable_from()->set_name("United Kingdom");
  path.mutable_to()->set_name("Russia");
  path.mutable_filter()->set_min_sources(2);
  path.set_count_sources(true);
  v1::FindPathsResponse paths;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(graph_->FindPaths(&ctx2, path, &paths).ok());
  ASSERT_EQ(paths.paths_size(), 1);
  for (const auto& hop : paths.paths(0).hops()) {
    EXPECT_EQ(hop.count(), 2u);
    EXPECT_EQ(hop.sources(), 2u);
  }
  path.set_count_sources(false);  // not asked: not counted
  grpc::ClientContext ctx3;
  ASSERT_TRUE(graph_->FindPaths(&ctx3, path, &paths).ok());
  EXPECT_EQ(paths.paths(0).hops(0).sources(), 0u);

  v1::GetRelationTimelineRequest timeline;
  timeline.mutable_a()->set_name("North Korea");
  timeline.mutable_b()->set_name("Russia");
  timeline.set_count_sources(true);
  v1::GetRelationTimelineResponse buckets;
  grpc::ClientContext ctx4;
  ASSERT_TRUE(graph_->GetRelationTimeline(&ctx4, timeline, &buckets).ok());
  ASSERT_EQ(buckets.buckets_size(), 1);  // October
  EXPECT_EQ(buckets.buckets(0).total(), 13u);
  EXPECT_EQ(buckets.buckets(0).sources(), 4u);
}

TEST_F(ClaimsServiceTest, ContestedCriterionSplitsTheStatements) {
  auto list = [&](v1::ContestedCriterion c) {
    v1::ListStatementsRequest req;
    req.mutable_entity()->set_name("North Korea");
    req.mutable_filter()->set_contested(c);
    req.set_page_size(100);
    v1::ListStatementsResponse resp;
    grpc::ClientContext ctx;
    grpc::Status st = graph_->ListStatements(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::set<uint64_t> ids;
    for (const auto& s : resp.statements()) ids.insert(s.id());
    return ids;
  };
  const auto all = list(v1::CONTESTED_ANY);
  const auto only = list(v1::CONTESTED_ONLY);
  const auto exclude = list(v1::CONTESTED_EXCLUDE);
  std::set<uint64_t> deployment;
  for (int line : {1, 3, 5, 7, 8, 10, 11, 12, 14}) deployment.insert(Line(line));
  EXPECT_EQ(only, deployment);
  EXPECT_EQ(only.size() + exclude.size(), all.size());
  for (uint64_t id : exclude) EXPECT_FALSE(only.count(id));
}

TEST_F(ClaimsServiceTest, EverythingAClaimantClaimsAndAboutWhom) {
  v1::ListClaimsRequest req;
  req.mutable_claimant()->set_name("David Lammy");
  req.set_order(v1::CLAIM_ORDER_RECENT);
  v1::ListClaimsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->ListClaims(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  // Lines 9, 14, 15, 16, 17 and 18 are attributed to him: the deployment
  // (14), the UK's cooperation with South Korea (9 and 16), his
  // denunciation of North Korea (15), sanctions on Russia (17) and arms for
  // Ukraine (18).
  std::set<uint64_t> ids;
  for (const auto& c : resp.claims()) ids.insert(c.id());
  EXPECT_EQ(ids, (std::set<uint64_t>{Line(1), Line(9), Line(15), Line(17), Line(18)}));
  std::set<std::string> about;
  for (const auto& e : resp.entities()) about.insert(e.name());
  EXPECT_TRUE(about.count("Ukraine") && about.count("Russia") && about.count("South Korea"));
  // His profile: 5 claims, the deployment contested, and corroborated the
  // deployment and the UK-South Korea cooperation (2 publishers each).
  const v1::ClaimantProfile& profile = resp.claimant_profile();
  EXPECT_EQ(profile.claims(), 5u);
  EXPECT_EQ(profile.contested(), 1u);
  EXPECT_EQ(profile.corroborated(), 2u);
  // About: the United Kingdom (3 claims), North Korea (2), then Russia (2),
  // South Korea and Ukraine (1 each); he himself is left out.
  ASSERT_GE(profile.about_size(), 2);
  EXPECT_EQ(profile.about(0).entity_id(), Entity("United Kingdom").id());
  EXPECT_EQ(profile.about(0).claims(), 3u);
  for (const auto& a : profile.about()) {
    EXPECT_NE(a.entity_id(), Entity("David Lammy").id());
  }

  req.mutable_entity()->set_name("North Korea");  // only those about North Korea
  grpc::ClientContext ctx2;
  ASSERT_TRUE(graph_->ListClaims(&ctx2, req, &resp).ok());
  ids.clear();
  for (const auto& c : resp.claims()) ids.insert(c.id());
  EXPECT_EQ(ids, (std::set<uint64_t>{Line(1), Line(15)}));

  req.mutable_other()->set_name("Russia");
  grpc::ClientContext ctx3;
  st = graph_->ListClaims(&ctx3, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("other"));
}

TEST_F(ClaimsServiceTest, PagesOfClaimsCoverEveryClaimOnce) {
  v1::ListClaimsRequest req;
  req.mutable_entity()->set_name("North Korea");
  req.set_order(v1::CLAIM_ORDER_RECENT);
  req.set_page_size(2);
  std::set<uint64_t> seen;
  uint64_t total = 0;
  int pages = 0;
  do {
    v1::ListClaimsResponse resp;
    grpc::ClientContext ctx;
    grpc::Status st = graph_->ListClaims(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    total = resp.total();
    for (const auto& c : resp.claims()) EXPECT_TRUE(seen.insert(c.id()).second) << c.id();
    req.set_page_token(resp.next_page_token());
    ++pages;
  } while (!req.page_token().empty() && pages < 20);
  // The deployment, Kursk, Russia's side, Lammy's and Austin's claims.
  EXPECT_EQ(total, 5u);
  EXPECT_EQ(seen.size(), total);
  EXPECT_EQ(pages, 3);

  req.set_page_token("bm90IG91cnM");
  v1::ListClaimsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->ListClaims(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("page_token"));
}

TEST_F(ClaimsServiceTest, BadCriteriaNameTheField) {
  v1::ListStatementsRequest req;
  req.mutable_entity()->set_name("Russia");
  req.mutable_filter()->set_min_sources(-1);
  v1::ListStatementsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->ListStatements(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("filter.min_sources"));

  req.mutable_filter()->clear_min_sources();
  req.mutable_filter()->set_contested(static_cast<v1::ContestedCriterion>(7));
  grpc::ClientContext ctx2;
  st = graph_->ListStatements(&ctx2, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("filter.contested"));

  // Unknown values in the lists are refused too, not dropped (which would
  // widen the filter to every modality or quad class).
  req.mutable_filter()->clear_contested();
  req.mutable_filter()->add_modalities(v1::DENIED);
  req.mutable_filter()->add_modalities(static_cast<v1::Modality>(9));
  req.mutable_filter()->add_quad_classes(static_cast<v1::QuadClass>(12));
  grpc::ClientContext ctx_lists;
  st = graph_->ListStatements(&ctx_lists, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()),
              ElementsAre("filter.quad_classes[0]", "filter.modalities[1]"));

  v1::ListClaimsRequest claims;
  claims.mutable_entity()->set_name("Russia");
  claims.set_min_sources(-2);
  v1::ListClaimsResponse claims_resp;
  grpc::ClientContext ctx3;
  st = graph_->ListClaims(&ctx3, claims, &claims_resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("min_sources"));

  claims.set_min_sources(0);
  claims.set_order(static_cast<v1::ClaimOrder>(9));
  grpc::ClientContext ctx4;
  st = graph_->ListClaims(&ctx4, claims, &claims_resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("order"));

  claims.set_order(v1::CLAIM_ORDER_SOURCES);
  claims.mutable_entity()->set_name("Atlantis");
  grpc::ClientContext ctx5;
  EXPECT_EQ(graph_->ListClaims(&ctx5, claims, &claims_resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// A database made without claims says so instead of answering wrongly.
class NoClaimsServiceTest : public ServiceFixture {};

TEST_F(NoClaimsServiceTest, ClaimCriteriaNeedADatabaseThatKeepsClaims) {
  IngestSeed();
  v1::ListStatementsRequest req;
  req.mutable_entity()->set_name("Russia");
  req.mutable_filter()->set_min_sources(2);
  v1::ListStatementsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->ListStatements(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(st.error_message(), HasSubstr("--claims"));

  // min_sources 1 narrows nothing and needs no claims.
  req.mutable_filter()->set_min_sources(1);
  grpc::ClientContext ctx2;
  EXPECT_TRUE(graph_->ListStatements(&ctx2, req, &resp).ok());

  v1::ListClaimsRequest claims;
  claims.mutable_entity()->set_name("Russia");
  v1::ListClaimsResponse claims_resp;
  grpc::ClientContext ctx3;
  EXPECT_EQ(graph_->ListClaims(&ctx3, claims, &claims_resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace entente::service
