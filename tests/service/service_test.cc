// The gRPC service on a real server on 127.0.0.1 (port 0) over a real
// RocksDB database, driven by generated stubs.
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/service/service_fixture.h"

namespace entente::service {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

class ServiceTest : public ServiceFixture {
 protected:
  v1::Statement Good() {
    v1::Statement s;
    s.mutable_actor()->set_name("Russia");
    s.mutable_action()->set_text("threatened");
    s.mutable_target()->set_name("Ukraine");
    s.mutable_date()->set_year(2024);
    s.mutable_date()->set_month(10);
    s.mutable_date()->set_day(21);
    s.mutable_source()->set_document_id("doc");
    s.set_quote("a quote");
    return s;
  }

  // Sends `bad` alone and returns the fields its BadRequest names; also
  // sends it between two good statements and checks that only it is
  // rejected, under the same field.
  std::vector<std::string> RejectedFields(const v1::Statement& bad) {
    v1::IngestRequest single;
    *single.add_statements() = bad;
    v1::IngestResponse resp;
    grpc::ClientContext ctx;
    grpc::Status st = ingest_->Ingest(&ctx, single, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
    std::vector<std::string> fields = BadRequestFields(st.error_details());

    v1::IngestRequest batch;
    auto g1 = Good();
    g1.set_quote("first " + std::to_string(++counter_));
    auto g2 = Good();
    g2.set_quote("second " + std::to_string(counter_));
    *batch.add_statements() = g1;
    *batch.add_statements() = bad;
    *batch.add_statements() = g2;
    v1::IngestResponse batch_resp;
    grpc::ClientContext ctx2;
    st = ingest_->Ingest(&ctx2, batch, &batch_resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(batch_resp.accepted(), 2u);
    EXPECT_EQ(batch_resp.rejected(), 1u);
    EXPECT_EQ(batch_resp.statement_ids_size(), 3);
    if (batch_resp.rejections_size() == 1) {
      const auto& r = batch_resp.rejections(0);
      EXPECT_EQ(r.index(), 1u);
      EXPECT_EQ(r.status().code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(BadRequestFields(r.status().SerializeAsString()).at(0), r.field());
      // The same field as when sent alone, at its index in the batch.
      if (!fields.empty()) {
        EXPECT_EQ(r.field(), "statements[1]" + fields[0].substr(fields[0].find(']') + 1));
      }
    } else {
      ADD_FAILURE() << "expected one rejection";
    }
    return fields;
  }

  int counter_ = 0;
};

TEST_F(ServiceTest, SeedStoryAnswersWhoSentTroopsToRussia) {
  auto seed = LoadFixture();
  auto resp = IngestSeed();
  EXPECT_EQ(resp.accepted(), seed.size());
  EXPECT_EQ(resp.rejected(), 0u);

  v1::ListStatementsRequest req;
  req.mutable_entity()->set_name("russia");
  req.set_direction(v1::IN);
  v1::ListStatementsResponse list;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->ListStatements(&ctx, req, &list).ok());
  bool found = false;
  for (const auto& s : list.statements()) {
    if (s.actor().name() == "North Korea" && s.action().text().find("troops") != std::string::npos) {
      found = true;
      EXPECT_EQ(s.target().name(), "Russia");
      EXPECT_NE(s.quote().find("troop"), std::string::npos) << s.quote();
      EXPECT_EQ(s.source().publisher(), "News Today");
      EXPECT_GT(s.ingested_at_micros(), 0);
    }
  }
  EXPECT_TRUE(found) << "no troop deployment from North Korea among " << list.statements_size();
}

TEST_F(ServiceTest, IngestingTheSeedTwiceStoresItOnce) {
  auto first = IngestSeed();
  auto again = IngestSeed();
  EXPECT_EQ(again.accepted(), 0u);
  EXPECT_EQ(again.duplicate(), first.accepted());
  for (int i = 0; i < first.statement_ids_size(); ++i) {
    EXPECT_EQ(again.statement_ids(i), first.statement_ids(i));
  }
}

TEST_F(ServiceTest, FixtureQuotesAreExactSubstringsOfTheArticle) {
  std::ifstream in(std::string(ENTENTE_FIXTURES_DIR) + "/news-today-2024-10-22.txt");
  const std::string article((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(article.empty());
  auto seed = LoadFixture();
  ASSERT_GE(seed.size(), 15u);
  for (const auto& s : seed) {
    ASSERT_FALSE(s.quote().empty());
    EXPECT_NE(article.find(s.quote()), std::string::npos) << s.quote();
  }
}

TEST_F(ServiceTest, EachBadInputIsInvalidArgumentNamingItsField) {
  v1::Statement s = Good();
  s.mutable_actor()->clear_name();
  EXPECT_THAT(RejectedFields(s), ElementsAre("statements[0].actor"));

  s = Good();
  s.mutable_target()->clear_name();
  s.mutable_target()->set_id(987654321);
  EXPECT_THAT(RejectedFields(s), ElementsAre("statements[0].target.id"));

  s = Good();
  s.mutable_date()->set_month(13);
  s.mutable_date()->set_day(45);
  EXPECT_THAT(RejectedFields(s), ElementsAre("statements[0].date.month"));

  s = Good();
  s.set_confidence(1.5);
  EXPECT_THAT(RejectedFields(s), ElementsAre("statements[0].confidence"));

  s = Good();
  s.set_quote(std::string(10 << 20, 'q'));
  EXPECT_THAT(RejectedFields(s), ElementsAre("statements[0].quote"));

  s = Good();
  s.set_quote("invalid \xC3\x28 utf-8");
  EXPECT_THAT(RejectedFields(s), ElementsAre("statements[0].quote"));

  s = Good();
  s.mutable_actor()->set_name("bad \xFF name");
  EXPECT_THAT(RejectedFields(s), ElementsAre("statements[0].actor.name"));
}

TEST_F(ServiceTest, SingleBadStatementNamesIndexZero) {
  v1::IngestRequest req;
  auto s = Good();
  s.set_confidence(-1);
  *req.add_statements() = s;
  v1::IngestResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = ingest_->Ingest(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("statements[0].confidence"));
  // And the server is alive.
  v1::GetEntityRequest get;
  get.set_name("Russia");
  v1::Entity e;
  grpc::ClientContext ctx2;
  EXPECT_TRUE(graph_->GetEntity(&ctx2, get, &e).ok());
}

TEST_F(ServiceTest, StreamCountsAcrossMessages) {
  auto writer_ctx = std::make_unique<grpc::ClientContext>();
  v1::IngestResponse resp;
  auto writer = ingest_->IngestStream(writer_ctx.get(), &resp);
  for (int m = 0; m < 3; ++m) {
    v1::IngestRequest req;
    for (int i = 0; i < 100; ++i) {
      auto s = Good();
      s.set_quote("quote " + std::to_string(m * 100 + i));
      if (m == 2 && i == 7) s.set_confidence(7);
      *req.add_statements() = s;
    }
    ASSERT_TRUE(writer->Write(req));
  }
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(resp.accepted(), 299u);
  EXPECT_EQ(resp.rejected(), 1u);
  ASSERT_EQ(resp.rejections_size(), 1);
  EXPECT_EQ(resp.rejections(0).index(), 207u);
  EXPECT_EQ(resp.rejections(0).field(), "statements[207].confidence");
}

TEST_F(ServiceTest, ListStatementsPaginatesWithTokens) {
  IngestSeed();
  v1::ListStatementsRequest req;
  req.mutable_entity()->set_name("North Korea");
  req.set_page_size(4);
  std::set<uint64_t> seen;
  int pages = 0;
  do {
    v1::ListStatementsResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(graph_->ListStatements(&ctx, req, &resp).ok());
    for (const auto& s : resp.statements()) EXPECT_TRUE(seen.insert(s.id()).second);
    req.set_page_token(resp.next_page_token());
    ++pages;
  } while (!req.page_token().empty());
  EXPECT_GT(pages, 1);
  v1::ListStatementsRequest all;
  all.mutable_entity()->set_name("North Korea");
  all.set_page_size(1000);
  v1::ListStatementsResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->ListStatements(&ctx, all, &resp).ok());
  EXPECT_EQ(seen.size(), static_cast<size_t>(resp.statements_size()));
}

TEST_F(ServiceTest, QueryErrorsNameTheField) {
  v1::ListStatementsRequest req;
  req.mutable_entity()->set_name("Russia");
  req.set_page_token("not-a-token");
  v1::ListStatementsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->ListStatements(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("page_token"));

  req.clear_page_token();
  req.mutable_filter()->mutable_date_from()->set_year(2024);
  req.mutable_filter()->mutable_date_from()->set_month(13);
  grpc::ClientContext ctx2;
  st = graph_->ListStatements(&ctx2, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("filter.date_from.month"));

  v1::ListStatementsRequest unknown;
  unknown.mutable_entity()->set_name("Atlantis");
  grpc::ClientContext ctx3;
  EXPECT_EQ(graph_->ListStatements(&ctx3, unknown, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServiceTest, GetStatementReturnsEvidenceAndSource) {
  auto resp = IngestSeed();
  v1::GetStatementRequest req;
  req.set_id(resp.statement_ids(0));
  v1::Statement s;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->GetStatement(&ctx, req, &s).ok());
  EXPECT_FALSE(s.quote().empty());
  EXPECT_EQ(s.source().document_id(), LoadFixture()[0].source().document_id());
  EXPECT_EQ(s.source().title(), LoadFixture()[0].source().title());
  req.set_id(999999);
  grpc::ClientContext ctx2;
  EXPECT_EQ(graph_->GetStatement(&ctx2, req, &s).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServiceTest, SearchAndGetEntity) {
  v1::SearchEntitiesRequest req;
  req.set_prefix("north ko");
  v1::SearchEntitiesResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->SearchEntities(&ctx, req, &resp).ok());
  ASSERT_GT(resp.entities_size(), 0);
  EXPECT_EQ(resp.entities(0).name(), "North Korea");
  EXPECT_EQ(resp.entities(0).kind(), v1::COUNTRY);
  EXPECT_EQ(resp.entities(0).country_code(), "PRK");

  v1::GetEntityRequest get;
  get.set_name("DPRK");
  v1::Entity e;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(graph_->GetEntity(&ctx2, get, &e).ok());
  EXPECT_EQ(e.id(), resp.entities(0).id());
  EXPECT_THAT(e.aliases(), Contains("PRK"));
}

TEST_F(ServiceTest, HealthAnswersServing) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const std::string service : {"", "entente.v1.IngestService", "entente.v1.GraphService"}) {
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(service);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(health->Check(&ctx, req, &resp).ok()) << service;
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  grpc::health::v1::HealthCheckRequest req;
  req.set_service("nope");
  grpc::health::v1::HealthCheckResponse resp;
  grpc::ClientContext ctx;
  EXPECT_EQ(health->Check(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServiceTest, TraverseStreamsNodesAndEdgesWithEvidence) {
  IngestSeed();
  v1::TraverseRequest req;
  req.add_seeds()->set_name("North Korea");
  req.set_max_depth(1);
  req.mutable_filter()->add_code_prefixes("06");
  grpc::ClientContext ctx;
  auto reader = graph_->Traverse(&ctx, req);
  v1::TraverseResponse chunk;
  std::map<std::string, int> depth;
  std::vector<v1::AggregatedEdge> edges;
  bool done = false;
  while (reader->Read(&chunk)) {
    for (const auto& n : chunk.nodes()) depth[n.entity().name()] = n.depth();
    for (const auto& e : chunk.edges()) edges.push_back(e);
    done = chunk.done();
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_TRUE(done);
  EXPECT_EQ(depth["North Korea"], 0);
  EXPECT_EQ(depth["Russia"], 1);
  EXPECT_EQ(depth.size(), 2u);  // only military cooperation (06x) was followed
  ASSERT_FALSE(edges.empty());
  for (const auto& e : edges) {
    EXPECT_GT(e.count(), 0u);
    EXPECT_FALSE(e.evidence_statement_ids().empty());
  }
}

TEST_F(ServiceTest, FindPathsConnectsSouthKoreaToRussiaWithEvidence) {
  IngestSeed();
  v1::FindPathsRequest req;
  req.mutable_from()->set_name("South Korea");
  req.mutable_to()->set_name("Russia");
  v1::FindPathsResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->FindPaths(&ctx, req, &resp).ok());
  ASSERT_GT(resp.distance(), 0);
  ASSERT_GT(resp.paths_size(), 0);
  const v1::Path& p = resp.paths(0);
  EXPECT_EQ(p.entities(0).name(), "South Korea");
  EXPECT_EQ(p.entities(p.entities_size() - 1).name(), "Russia");
  EXPECT_EQ(p.hops_size(), resp.distance());
  for (const auto& hop : p.hops()) {
    EXPECT_GT(hop.count(), 0u);
    ASSERT_GT(hop.statements_size(), 0);
    EXPECT_FALSE(hop.statements(0).quote().empty());
  }
}

TEST_F(ServiceTest, TimelineAndProfileOfTheSeedStory) {
  IngestSeed();
  v1::GetRelationTimelineRequest req;
  req.mutable_a()->set_name("Russia");
  req.mutable_b()->set_name("North Korea");
  req.set_granularity(v1::MONTH);
  v1::GetRelationTimelineResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->GetRelationTimeline(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.buckets_size(), 1);  // everything is in October 2024
  const auto& b = resp.buckets(0);
  EXPECT_EQ(b.start().month(), 10);
  EXPECT_EQ(b.total(), static_cast<uint64_t>(resp.statements_size()));
  EXPECT_EQ(b.a_to_b() + b.b_to_a(), b.total());
  EXPECT_GT(b.material_cooperation(), 0u);

  v1::GetEntityProfileRequest preq;
  preq.mutable_entity()->set_name("North Korea");
  v1::GetEntityProfileResponse profile;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(graph_->GetEntityProfile(&ctx2, preq, &profile).ok());
  EXPECT_GT(profile.in_statements(), 0u);
  EXPECT_GT(profile.out_statements(), 0u);
  ASSERT_GT(profile.top_counterparts_size(), 0);
  EXPECT_EQ(profile.first_date().year(), 2024);
}

TEST_F(ServiceTest, NewQueriesRejectBadInputByField) {
  v1::FindPathsRequest req;
  req.mutable_from()->set_name("Russia");
  req.mutable_to()->set_name("Ukraine");
  req.set_max_hops(9);
  v1::FindPathsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = graph_->FindPaths(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("max_hops"));

  v1::TraverseRequest treq;
  treq.add_seeds()->set_name("Russia");
  treq.mutable_filter()->add_code_prefixes("x9");
  grpc::ClientContext ctx2;
  auto reader = graph_->Traverse(&ctx2, treq);
  v1::TraverseResponse chunk;
  while (reader->Read(&chunk)) {
  }
  st = reader->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("filter.code_prefixes[0]"));
}

}  // namespace
}  // namespace entente::service
