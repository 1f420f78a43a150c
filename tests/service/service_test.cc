// The gRPC service on a real server on 127.0.0.1 (port 0) over a real
// RocksDB database, driven by generated stubs.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "service/convert.h"
#include "tests/service/service_fixture.h"

namespace entente::service {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

class ServiceTest : public ServiceFixture {
 protected:
  // Pyongyang Envoy -> Moscow Office on 2024-10-05 (the first hop), then
  // Moscow Office -> Kyiv Desk on the 1st (before it: unusable in time)
  // and on the 9th (after it).
  void IngestTimedChain() {
    v1::IngestRequest ingest;
    const auto add = [&](const char* actor, const char* target, int day) {
      v1::Statement s = Good();
      s.mutable_actor()->set_name(actor);
      s.mutable_target()->set_name(target);
      s.mutable_date()->set_day(day);
      s.set_quote(absl::StrCat(actor, " ", target, " ", day));
      *ingest.add_statements() = s;
    };
    add("Pyongyang Envoy", "Moscow Office", 5);
    add("Moscow Office", "Kyiv Desk", 1);
    add("Moscow Office", "Kyiv Desk", 9);
    v1::IngestResponse ingested;
    grpc::ClientContext ictx;
    ASSERT_TRUE(ingest_->Ingest(&ictx, ingest, &ingested).ok());
    ASSERT_EQ(ingested.accepted(), 3u);
  }

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

// The claims fixture: each statement's quote is in the document its
// source.document_id names, tests/fixtures/claims/<document_id>.txt, and
// every document has a publisher (claims count publishers as sources).
TEST_F(ServiceTest, ClaimsFixtureQuotesAreExactSubstringsOfTheirDocuments) {
  auto statements = LoadFixture("claims-2024-10.jsonl");
  ASSERT_EQ(statements.size(), 22u);
  std::map<std::string, std::string> documents;  // document_id -> its text
  for (const auto& s : statements) {
    const std::string& id = s.source().document_id();
    SCOPED_TRACE(id);
    if (!documents.count(id)) {
      std::ifstream in(std::string(ENTENTE_FIXTURES_DIR) + "/claims/" + id + ".txt");
      ASSERT_TRUE(in.good()) << "no tests/fixtures/claims/" << id << ".txt";
      documents[id].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      ASSERT_FALSE(documents[id].empty());
    }
    EXPECT_FALSE(s.source().publisher().empty());
    ASSERT_FALSE(s.quote().empty());
    EXPECT_NE(documents[id].find(s.quote()), std::string::npos) << s.quote();
  }
  EXPECT_EQ(documents.size(), 8u);
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

// Time-respecting paths on the wire: the used dates, the spans, and the
// options that refute a static path (docs/queries.md).
TEST_F(ServiceTest, TemporalFindPathsKeepsHopsInTimeOrder) {
  ASSERT_NO_FATAL_FAILURE(IngestTimedChain());

  const auto find = [&](const std::function<void(v1::FindPathsRequest*)>& set,
                        v1::FindPathsResponse* resp) {
    v1::FindPathsRequest req;
    req.mutable_from()->set_name("Pyongyang Envoy");
    req.mutable_to()->set_name("Kyiv Desk");
    req.set_direction(v1::OUT);
    set(&req);
    grpc::ClientContext ctx;
    return graph_->FindPaths(&ctx, req, resp);
  };
  v1::FindPathsResponse resp;
  ASSERT_TRUE(find([](auto* r) { r->set_temporal_mode(v1::TEMPORAL_MODE_EARLIEST_ARRIVAL); },
                   &resp)
                  .ok());
  ASSERT_EQ(resp.distance(), 2);
  ASSERT_EQ(resp.paths_size(), 1);
  const v1::Path& p = resp.paths(0);
  ASSERT_EQ(p.hops_size(), 2);
  EXPECT_EQ(p.hops(0).used_date().day(), 5);
  EXPECT_EQ(p.hops(1).used_date().day(), 9);
  EXPECT_EQ(p.hops(1).count(), 1u);  // the 1st cannot follow the 5th
  ASSERT_EQ(p.hops(1).statements_size(), 1);
  EXPECT_EQ(p.hops(1).statements(0).date().day(), 9);
  EXPECT_EQ(p.departure().day(), 5);
  EXPECT_EQ(p.arrival().day(), 9);
  EXPECT_EQ(resp.duration_days(), 4);

  // A gap of 3 days, or a start after the first hop, refutes the path the
  // static search still finds.
  v1::FindPathsResponse none;
  ASSERT_TRUE(find([](auto* r) {
                r->set_temporal_mode(v1::TEMPORAL_MODE_FASTEST);
                r->set_max_gap_days(3);
              },
                   &none)
                  .ok());
  EXPECT_EQ(none.distance(), -1);
  ASSERT_TRUE(find([](auto* r) {
                r->set_temporal_mode(v1::TEMPORAL_MODE_SHORTEST);
                *r->mutable_start_date() = DateProto({2024, 10, 6});
              },
                   &none)
                  .ok());
  EXPECT_EQ(none.distance(), -1);
  v1::FindPathsResponse stat;
  ASSERT_TRUE(find([](auto*) {}, &stat).ok());
  EXPECT_EQ(stat.distance(), 2);
  EXPECT_FALSE(stat.paths(0).hops(0).has_used_date());

  // Bad input names the field.
  const std::pair<std::function<void(v1::FindPathsRequest*)>, std::string> bad[] = {
      {[](auto* r) { r->set_max_gap_days(3); }, "max_gap_days"},
      {[](auto* r) { *r->mutable_start_date() = DateProto({2024, 10, 6}); }, "start_date"},
      {[](auto* r) {
         r->set_temporal_mode(v1::TEMPORAL_MODE_FASTEST);
         r->set_max_gap_days(-1);
       },
       "max_gap_days"},
      {[](auto* r) {
         r->set_temporal_mode(v1::TEMPORAL_MODE_FASTEST);
         *r->mutable_start_date() = DateProto({2024, 13, 1});
       },
       "start_date.month"},
      {[](auto* r) { r->set_temporal_mode(static_cast<v1::TemporalMode>(17)); }, "temporal_mode"},
      {[](auto* r) {
         r->set_temporal_mode(v1::TEMPORAL_MODE_LATEST_DEPARTURE);
         r->set_count_sources(true);
       },
       "count_sources"},
  };
  for (const auto& [set, field] : bad) {
    v1::FindPathsResponse r;
    grpc::Status st = find(set, &r);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre(field));
  }
}

// WatchStatements on the wire: the seed's 26 ingests, then a retraction
// with its reason, resumed from the first response's cursor; bad input
// names the field.
TEST_F(ServiceTest, WatchStatementsStreamsIngestsThenRetractionsAndNamesBadFields) {
  IngestSeed();
  const auto watch = [&](const std::function<void(v1::WatchStatementsRequest*)>& set,
                         std::vector<v1::WatchStatementsResponse>* out) {
    v1::WatchStatementsRequest req;
    req.set_stop_when_caught_up(true);
    set(&req);
    grpc::ClientContext ctx;
    auto reader = graph_->WatchStatements(&ctx, req);
    v1::WatchStatementsResponse resp;
    while (reader->Read(&resp)) out->push_back(resp);
    return reader->Finish();
  };
  std::vector<v1::WatchStatementsResponse> all;
  ASSERT_TRUE(watch([](auto*) {}, &all).ok());
  ASSERT_FALSE(all.empty());
  EXPECT_TRUE(all.back().caught_up());
  std::vector<uint64_t> ids;
  for (const auto& r : all) {
    for (const auto& c : r.changes()) {
      EXPECT_EQ(c.kind(), v1::StatementChange::INGESTED);
      EXPECT_FALSE(c.statement().quote().empty());
      ids.push_back(c.statement().id());
    }
  }
  ASSERT_EQ(ids.size(), 26u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));

  v1::RetractRequest retract;
  retract.add_statement_ids(ids[3]);
  retract.set_reason("wrong actor");
  v1::RetractResponse retracted;
  grpc::ClientContext rctx;
  ASSERT_TRUE(ingest_->Retract(&rctx, retract, &retracted).ok());
  std::vector<v1::WatchStatementsResponse> rest;
  ASSERT_TRUE(watch([&](auto* r) { r->set_cursor(all.back().cursor()); }, &rest).ok());
  std::vector<v1::StatementChange> changes;
  for (const auto& r : rest) changes.insert(changes.end(), r.changes().begin(), r.changes().end());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind(), v1::StatementChange::RETRACTED);
  EXPECT_EQ(changes[0].statement().id(), ids[3]);
  EXPECT_EQ(changes[0].retraction_reason(), "wrong actor");
  EXPECT_GT(changes[0].retracted_at_micros(), 0);

  const std::pair<std::function<void(v1::WatchStatementsRequest*)>, std::string> bad[] = {
      {[](auto* r) { r->set_cursor("not a cursor"); }, "cursor"},
      {[](auto* r) { r->mutable_filter()->set_min_sources(2); }, "filter.min_sources"},
      {[](auto* r) { r->mutable_filter()->add_code_prefixes("x"); }, "filter.code_prefixes[0]"},
  };
  for (const auto& [set, field] : bad) {
    std::vector<v1::WatchStatementsResponse> none;
    grpc::Status st = watch(set, &none);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre(field));
  }
  std::vector<v1::WatchStatementsResponse> none;
  EXPECT_EQ(watch([](auto* r) { r->mutable_entity()->set_name("Atlantis"); }, &none).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Time-respecting Traverse on the wire: Kyiv Desk is reached through the
// 9th (the 1st cannot follow the 5th), each node but the seed carries its
// arrival_date, and only the statements that end a time-respecting walk
// are counted. A gap of 3 days or a start after the 5th cuts Kyiv Desk
// off; bad input names the field, as for FindPaths.
TEST_F(ServiceTest, TemporalTraverseGivesArrivalDates) {
  ASSERT_NO_FATAL_FAILURE(IngestTimedChain());

  struct Reached {
    std::map<std::string, std::string> nodes;  // name -> "depth@day" ("depth" for a seed)
    std::map<std::string, uint64_t> counts;    // "actor>target" by id -> count
    grpc::Status status;
  };
  const auto traverse = [&](const std::function<void(v1::TraverseRequest*)>& set) {
    v1::TraverseRequest req;
    req.add_seeds()->set_name("Pyongyang Envoy");
    req.set_direction(v1::OUT);
    req.set_max_depth(3);
    set(&req);
    grpc::ClientContext ctx;
    auto reader = graph_->Traverse(&ctx, req);
    Reached out;
    v1::TraverseResponse chunk;
    while (reader->Read(&chunk)) {
      for (const auto& n : chunk.nodes()) {
        out.nodes[n.entity().name()] =
            absl::StrCat(n.depth(), n.has_arrival_date() ? absl::StrCat("@", n.arrival_date().day())
                                                         : std::string());
      }
      for (const auto& e : chunk.edges()) {
        out.counts[absl::StrCat(e.actor_id(), ">", e.target_id())] = e.count();
      }
    }
    out.status = reader->Finish();
    return out;
  };
  const auto earliest = [](v1::TraverseRequest* r) {
    r->set_temporal_mode(v1::TEMPORAL_MODE_EARLIEST_ARRIVAL);
  };
  Reached timed = traverse(earliest);
  ASSERT_TRUE(timed.status.ok()) << timed.status.error_message();
  EXPECT_THAT(timed.nodes,
              ElementsAre(std::pair<const std::string, std::string>("Kyiv Desk", "2@9"),
                          std::pair<const std::string, std::string>("Moscow Office", "1@5"),
                          std::pair<const std::string, std::string>("Pyongyang Envoy", "0")));
  uint64_t followed = 0;
  for (const auto& [edge, count] : timed.counts) followed += count;
  EXPECT_EQ(followed, 2u);  // the 5th and the 9th, not the 1st
  Reached fixed = traverse([](auto*) {});
  ASSERT_TRUE(fixed.status.ok());
  EXPECT_EQ(fixed.nodes["Kyiv Desk"], "2");  // static: no arrival
  // Another mode is the same traversal.
  Reached latest =
      traverse([](auto* r) { r->set_temporal_mode(v1::TEMPORAL_MODE_LATEST_DEPARTURE); });
  EXPECT_EQ(latest.nodes, timed.nodes);
  Reached gap = traverse([](auto* r) {
    r->set_temporal_mode(v1::TEMPORAL_MODE_SHORTEST);
    r->set_max_gap_days(3);
  });
  ASSERT_TRUE(gap.status.ok());
  EXPECT_EQ(gap.nodes.count("Kyiv Desk"), 0u);
  Reached late = traverse([](auto* r) {
    r->set_temporal_mode(v1::TEMPORAL_MODE_FASTEST);
    *r->mutable_start_date() = DateProto({2024, 10, 6});
  });
  ASSERT_TRUE(late.status.ok());
  EXPECT_EQ(late.nodes.size(), 1u);

  const std::pair<std::function<void(v1::TraverseRequest*)>, std::string> bad[] = {
      {[](auto* r) { r->set_max_gap_days(3); }, "max_gap_days"},
      {[](auto* r) {
         *r->mutable_start_date() = DateProto({2024, 10, 6});
       },
       "start_date"},
      {[&](auto* r) {
         earliest(r);
         r->set_max_gap_days(-1);
       },
       "max_gap_days"},
      {[](auto* r) { r->set_temporal_mode(static_cast<v1::TemporalMode>(17)); }, "temporal_mode"},
      {[&](auto* r) {
         earliest(r);
         r->set_count_sources(true);
       },
       "count_sources"},
  };
  for (const auto& [set, field] : bad) {
    grpc::Status st = traverse(set).status;
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre(field));
  }
}

// as_of on the wire: the seed as of an instant before it was ingested is
// empty; a timestamp outside years 1..9999 and claim criteria name their
// field.
TEST_F(ServiceTest, AsOfSeesNothingBeforeTheIngestAndNamesBadInput) {
  IngestSeed();
  v1::ListStatementsRequest req;
  req.mutable_entity()->set_name("North Korea");
  req.set_page_size(100);
  req.mutable_as_of()->set_seconds(946684800);  // 2000-01-01
  v1::ListStatementsResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->ListStatements(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.statements_size(), 0);
  req.mutable_as_of()->set_seconds(4102444800);  // 2100-01-01: everything
  grpc::ClientContext ctx2;
  ASSERT_TRUE(graph_->ListStatements(&ctx2, req, &resp).ok());
  EXPECT_GT(resp.statements_size(), 0);

  req.mutable_as_of()->set_seconds(300000000000);
  grpc::ClientContext ctx3;
  grpc::Status st = graph_->ListStatements(&ctx3, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("as_of"));
  req.mutable_as_of()->set_seconds(4102444800);
  req.mutable_as_of()->set_nanos(-1);
  grpc::ClientContext ctx4;
  st = graph_->ListStatements(&ctx4, req, &resp);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("as_of"));

  v1::GetStatementRequest one;
  one.set_id(1);
  one.mutable_as_of()->set_seconds(946684800);
  v1::Statement s;
  grpc::ClientContext ctx5;
  EXPECT_EQ(graph_->GetStatement(&ctx5, one, &s).error_code(), grpc::StatusCode::NOT_FOUND);
}

// ENTITY_VIEW_BASIC: the same entities without their aliases; FULL and
// unspecified: with them (countries have some: "DPRK", "PRK", ...).
TEST_F(ServiceTest, EntityViewBasicLeavesOutAliasesOnly) {
  IngestSeed();
  for (v1::EntityView view :
       {v1::ENTITY_VIEW_UNSPECIFIED, v1::ENTITY_VIEW_FULL, v1::ENTITY_VIEW_BASIC}) {
    SCOPED_TRACE(v1::EntityView_Name(view));
    const bool aliases = view != v1::ENTITY_VIEW_BASIC;

    v1::TraverseRequest treq;
    treq.add_seeds()->set_name("North Korea");
    treq.set_max_depth(1);
    treq.set_entity_view(view);
    grpc::ClientContext ctx;
    auto reader = graph_->Traverse(&ctx, treq);
    v1::TraverseResponse chunk;
    int nodes = 0;
    bool done = false;
    while (reader->Read(&chunk)) {
      for (const auto& n : chunk.nodes()) {
        ++nodes;
        EXPECT_FALSE(n.entity().name().empty());
        EXPECT_NE(n.entity().id(), 0u);
        if (n.entity().name() == "North Korea") {
          EXPECT_EQ(n.entity().country_code(), "PRK");
          EXPECT_EQ(n.entity().aliases_size() > 0, aliases);
        } else if (!aliases) {
          EXPECT_EQ(n.entity().aliases_size(), 0);
        }
      }
      done = chunk.done();
    }
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_TRUE(done);
    EXPECT_GT(nodes, 1);

    v1::FindPathsRequest preq;
    preq.mutable_from()->set_name("South Korea");
    preq.mutable_to()->set_name("Russia");
    preq.set_entity_view(view);
    v1::FindPathsResponse paths;
    grpc::ClientContext ctx2;
    ASSERT_TRUE(graph_->FindPaths(&ctx2, preq, &paths).ok());
    ASSERT_GT(paths.paths_size(), 0);
    EXPECT_EQ(paths.paths(0).entities(0).name(), "South Korea");
    EXPECT_EQ(paths.paths(0).entities(0).aliases_size() > 0, aliases);

    v1::GetRelationTimelineRequest lreq;
    lreq.mutable_a()->set_name("Russia");
    lreq.mutable_b()->set_name("North Korea");
    lreq.set_entity_view(view);
    v1::GetRelationTimelineResponse timeline;
    grpc::ClientContext ctx3;
    ASSERT_TRUE(graph_->GetRelationTimeline(&ctx3, lreq, &timeline).ok());
    EXPECT_EQ(timeline.a().name(), "Russia");
    EXPECT_EQ(timeline.b().country_code(), "PRK");
    EXPECT_EQ(timeline.a().aliases_size() > 0, aliases);
    EXPECT_GT(timeline.statements_size(), 0);

    v1::GetEntityProfileRequest freq;
    freq.mutable_entity()->set_name("North Korea");
    freq.set_entity_view(view);
    v1::GetEntityProfileResponse profile;
    grpc::ClientContext ctx4;
    ASSERT_TRUE(graph_->GetEntityProfile(&ctx4, freq, &profile).ok());
    EXPECT_EQ(profile.entity().aliases_size() > 0, aliases);
    ASSERT_GT(profile.top_counterparts_size(), 0);
  }
}

// STATEMENT_VIEW_BASIC: what a list shows, without source, extractor,
// ingest time, idempotency key and the code's class and score; the same
// statements in the same order as FULL, whose page tokens it may continue.
TEST_F(ServiceTest, StatementViewBasicKeepsWhatAListShows) {
  IngestSeed();
  auto page = [&](v1::StatementView view, const std::string& token,
                  v1::ListStatementsResponse* resp) {
    v1::ListStatementsRequest req;
    req.mutable_entity()->set_name("Russia");
    req.set_page_size(3);
    req.set_page_token(token);
    req.set_statement_view(view);
    grpc::ClientContext ctx;
    const grpc::Status st = graph_->ListStatements(&ctx, req, resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
  };
  v1::ListStatementsResponse full, basic, full2, basic2;
  page(v1::STATEMENT_VIEW_UNSPECIFIED, "", &full);
  page(v1::STATEMENT_VIEW_BASIC, "", &basic);
  ASSERT_EQ(full.statements_size(), 3);
  ASSERT_EQ(basic.statements_size(), 3);
  ASSERT_FALSE(basic.next_page_token().empty());
  for (int i = 0; i < 3; ++i) {
    const v1::Statement& f = full.statements(i);
    const v1::Statement& b = basic.statements(i);
    EXPECT_TRUE(f.has_source());
    EXPECT_TRUE(f.has_extractor());
    EXPECT_NE(f.ingested_at_micros(), 0);
    EXPECT_TRUE(f.action().has_quad_class());
    v1::Statement expected = f;  // FULL less what BASIC leaves out
    expected.clear_source();
    expected.clear_extractor();
    expected.clear_ingested_at_micros();
    expected.clear_idempotency_key();
    expected.mutable_action()->clear_code_source();
    expected.mutable_action()->clear_quad_class();
    expected.mutable_action()->clear_goldstein();
    EXPECT_EQ(b.SerializeAsString(), expected.SerializeAsString()) << b.DebugString();
    EXPECT_FALSE(b.quote().empty());
  }
  // STATEMENT_VIEW_INDEX: BASIC without the quote, read from the index.
  v1::ListStatementsResponse index;
  page(v1::STATEMENT_VIEW_INDEX, "", &index);
  ASSERT_EQ(index.statements_size(), 3);
  for (int i = 0; i < 3; ++i) {
    v1::Statement expected = basic.statements(i);
    expected.clear_quote();
    EXPECT_EQ(index.statements(i).SerializeAsString(), expected.SerializeAsString())
        << index.statements(i).DebugString();
  }
  EXPECT_EQ(index.next_page_token(), basic.next_page_token());
  // A token of either view continues the other.
  page(v1::STATEMENT_VIEW_FULL, basic.next_page_token(), &full2);
  page(v1::STATEMENT_VIEW_BASIC, full.next_page_token(), &basic2);
  ASSERT_GT(full2.statements_size(), 0);
  ASSERT_EQ(full2.statements_size(), basic2.statements_size());
  EXPECT_EQ(full2.statements(0).id(), basic2.statements(0).id());
  EXPECT_NE(full2.statements(0).id(), full.statements(2).id());
  EXPECT_NEAR(static_cast<double>(HeapBytes(basic)), basic.SpaceUsedLong(),
              basic.SpaceUsedLong() / 10.0);

  v1::FindPathsRequest preq;
  preq.mutable_from()->set_name("South Korea");
  preq.mutable_to()->set_name("Russia");
  preq.set_statement_view(v1::STATEMENT_VIEW_BASIC);
  v1::FindPathsResponse paths;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->FindPaths(&ctx, preq, &paths).ok());
  ASSERT_GT(paths.paths_size(), 0);
  const v1::Statement& hop = paths.paths(0).hops(0).statements(0);
  EXPECT_FALSE(hop.quote().empty());
  EXPECT_FALSE(hop.has_source());

  v1::GetRelationTimelineRequest lreq;
  lreq.mutable_a()->set_name("Russia");
  lreq.mutable_b()->set_name("North Korea");
  lreq.set_statement_view(v1::STATEMENT_VIEW_BASIC);
  v1::GetRelationTimelineResponse timeline;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(graph_->GetRelationTimeline(&ctx2, lreq, &timeline).ok());
  ASSERT_GT(timeline.statements_size(), 0);
  EXPECT_FALSE(timeline.statements(0).has_source());
  EXPECT_FALSE(timeline.statements(0).has_extractor());
  EXPECT_GT(timeline.buckets_size(), 0);

  lreq.set_statement_view(v1::STATEMENT_VIEW_INDEX);
  v1::GetRelationTimelineResponse indexed;
  grpc::ClientContext ctx3;
  ASSERT_TRUE(graph_->GetRelationTimeline(&ctx3, lreq, &indexed).ok());
  ASSERT_EQ(indexed.statements_size(), timeline.statements_size());
  for (int i = 0; i < indexed.statements_size(); ++i) {
    v1::Statement expected = timeline.statements(i);
    expected.clear_quote();
    EXPECT_EQ(indexed.statements(i).SerializeAsString(), expected.SerializeAsString());
  }
  EXPECT_EQ(indexed.buckets_size(), timeline.buckets_size());
}

// nodes_only: the same nodes at the same depths, and no edge.
TEST_F(ServiceTest, TraverseNodesOnlyReachesTheSameNodesWithoutEdges) {
  IngestSeed();
  auto traverse = [&](bool nodes_only, size_t* edges) {
    v1::TraverseRequest req;
    req.add_seeds()->set_name("North Korea");
    req.set_max_depth(2);
    req.set_nodes_only(nodes_only);
    grpc::ClientContext ctx;
    auto reader = graph_->Traverse(&ctx, req);
    v1::TraverseResponse chunk;
    std::map<std::string, int> depth;
    bool done = false;
    *edges = 0;
    while (reader->Read(&chunk)) {
      for (const auto& n : chunk.nodes()) depth[n.entity().name()] = n.depth();
      *edges += chunk.edges_size();
      done = chunk.done();
    }
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_TRUE(done);
    return depth;
  };
  size_t all_edges = 0, no_edges = 0;
  const auto all = traverse(false, &all_edges);
  const auto nodes = traverse(true, &no_edges);
  EXPECT_GT(all.size(), 3u);
  EXPECT_EQ(nodes, all);
  EXPECT_GT(all_edges, 0u);
  EXPECT_EQ(no_edges, 0u);
}

// entity_view, like page_size, is not part of the query a page token
// continues: a client may change it between pages.
TEST_F(ServiceTest, TimelinePageTokenHoldsAcrossEntityViews) {
  IngestSeed();
  v1::GetRelationTimelineRequest req;
  req.mutable_a()->set_name("Russia");
  req.mutable_b()->set_name("North Korea");
  req.set_page_size(2);
  std::vector<uint64_t> ids;
  for (int page = 0;; ++page) {
    req.set_entity_view(page % 2 == 0 ? v1::ENTITY_VIEW_FULL : v1::ENTITY_VIEW_BASIC);
    v1::GetRelationTimelineResponse resp;
    grpc::ClientContext ctx;
    const grpc::Status st = graph_->GetRelationTimeline(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    for (const auto& s : resp.statements()) ids.push_back(s.id());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(ids.size(), 4u);  // as the seed story's timeline test counts
}

// HeapBytes (service/convert.h) stands in for SpaceUsedLong() when a
// response is charged to the query memory budget: it must agree with it.
TEST_F(ServiceTest, HeapBytesAgreesWithSpaceUsed) {
  IngestSeed();
  auto near = [](size_t estimate, size_t space_used) {
    EXPECT_GE(estimate, space_used * 9 / 10);
    EXPECT_LE(estimate, space_used * 11 / 10);
  };
  v1::ListStatementsRequest lreq;
  lreq.mutable_entity()->set_name("Russia");
  v1::ListStatementsResponse list;
  grpc::ClientContext ctx;
  ASSERT_TRUE(graph_->ListStatements(&ctx, lreq, &list).ok());
  ASSERT_GT(list.statements_size(), 3);
  list.set_next_page_token("a token longer than fifteen bytes");
  near(HeapBytes(list), list.SpaceUsedLong());

  for (v1::EntityView view : {v1::ENTITY_VIEW_FULL, v1::ENTITY_VIEW_BASIC}) {
    v1::TraverseRequest treq;
    treq.add_seeds()->set_name("North Korea");
    treq.set_entity_view(view);
    grpc::ClientContext ctx2;
    auto reader = graph_->Traverse(&ctx2, treq);
    v1::TraverseResponse chunk;
    ASSERT_TRUE(reader->Read(&chunk));
    ASSERT_GT(chunk.nodes_size(), 2);
    ASSERT_GT(chunk.edges_size(), 2);
    near(HeapBytes(chunk), chunk.SpaceUsedLong());
    while (reader->Read(&chunk)) {
    }
    ASSERT_TRUE(reader->Finish().ok());

    v1::FindPathsRequest preq;
    preq.mutable_from()->set_name("South Korea");
    preq.mutable_to()->set_name("Russia");
    preq.set_max_paths(5);
    preq.set_entity_view(view);
    v1::FindPathsResponse paths;
    grpc::ClientContext ctx3;
    ASSERT_TRUE(graph_->FindPaths(&ctx3, preq, &paths).ok());
    ASSERT_GT(paths.paths_size(), 0);
    near(HeapBytes(paths), paths.SpaceUsedLong());

    v1::GetRelationTimelineRequest mreq;
    mreq.mutable_a()->set_name("Russia");
    mreq.mutable_b()->set_name("North Korea");
    mreq.set_entity_view(view);
    v1::GetRelationTimelineResponse timeline;
    grpc::ClientContext ctx4;
    ASSERT_TRUE(graph_->GetRelationTimeline(&ctx4, mreq, &timeline).ok());
    near(HeapBytes(timeline), timeline.SpaceUsedLong());
  }
}

}  // namespace
}  // namespace entente::service
