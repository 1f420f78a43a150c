// IngestService.Retract over gRPC on a real server and database: retracted
// statements leave every answer, stay retracted when re-ingested, and bad
// requests name their field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service/ingest_service.h"
#include "tests/service/service_fixture.h"

namespace entente::service {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

constexpr char kSeedDocument[] = "newstoday-2024-10-22-yoon-nato";

class RetractServiceTest : public ServiceFixture {
 protected:
  grpc::Status Retract(const std::vector<uint64_t>& ids, const std::vector<std::string>& docs,
                       v1::RetractResponse* resp) {
    v1::RetractRequest req;
    for (auto id : ids) req.add_statement_ids(id);
    for (const auto& d : docs) req.add_document_ids(d);
    req.set_reason("test");
    grpc::ClientContext ctx;
    return ingest_->Retract(&ctx, req, resp);
  }

  // Ids of every statement with `name` as actor or target.
  std::vector<uint64_t> Listed(const std::string& name) {
    v1::ListStatementsRequest req;
    req.mutable_entity()->set_name(name);
    req.set_page_size(1000);
    v1::ListStatementsResponse list;
    grpc::ClientContext ctx;
    grpc::Status st = graph_->ListStatements(&ctx, req, &list);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<uint64_t> out;
    for (const auto& s : list.statements()) out.push_back(s.id());
    return out;
  }

  grpc::StatusCode Get(uint64_t id) {
    v1::GetStatementRequest req;
    req.set_id(id);
    v1::Statement s;
    grpc::ClientContext ctx;
    return graph_->GetStatement(&ctx, req, &s).error_code();
  }

  uint64_t Profiled(const std::string& name) {
    v1::GetEntityProfileRequest req;
    req.mutable_entity()->set_name(name);
    v1::GetEntityProfileResponse resp;
    grpc::ClientContext ctx;
    grpc::Status st = graph_->GetEntityProfile(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.out_statements() + resp.in_statements();
  }
};

TEST_F(RetractServiceTest, RetractedStatementsAndDocumentsLeaveEveryAnswer) {
  const auto seed = LoadFixture();
  const v1::IngestResponse ingested = IngestSeed();
  ASSERT_EQ(ingested.statement_ids_size(), static_cast<int>(seed.size()));
  // A second document, which must survive the first one's retraction.
  v1::IngestRequest other;
  auto* s = other.add_statements();
  s->mutable_actor()->set_name("Russia");
  s->mutable_action()->set_cameo_code("111");
  s->mutable_target()->set_name("Ukraine");
  s->mutable_date()->set_year(2024);
  s->mutable_source()->set_document_id("other-doc");
  v1::IngestResponse other_resp;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(ingest_->Ingest(&ctx, other, &other_resp).ok());
  }
  const uint64_t kept = other_resp.statement_ids(0);

  // Statement 3: North Korea deployed troops to Russia.
  const uint64_t troops = ingested.statement_ids(3);
  ASSERT_EQ(seed[3].action().text(), "deployed troops to");
  const std::vector<uint64_t> russia_before = Listed("Russia");
  const uint64_t russia_profile = Profiled("Russia");
  ASSERT_THAT(russia_before, ::testing::Contains(troops));
  v1::RetractResponse resp;
  grpc::Status st = Retract({troops, 999999}, {}, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.retracted(), 1u);
  EXPECT_THAT(resp.retracted_ids(), ElementsAre(troops));
  EXPECT_THAT(resp.not_found_statement_ids(), ElementsAre(999999u));
  EXPECT_EQ(Get(troops), grpc::StatusCode::NOT_FOUND);
  std::vector<uint64_t> russia_after = Listed("Russia");
  EXPECT_EQ(russia_after.size(), russia_before.size() - 1);
  EXPECT_THAT(russia_after, ::testing::Not(::testing::Contains(troops)));
  EXPECT_EQ(Profiled("Russia"), russia_profile - 1);

  // Twice: nothing to do, not an error.
  st = Retract({troops}, {}, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.retracted(), 0u);
  EXPECT_THAT(resp.not_found_statement_ids(), ElementsAre(troops));

  // The whole document: the other 25 statements.
  st = Retract({}, {kSeedDocument}, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  std::vector<uint64_t> rest;
  for (auto id : ingested.statement_ids()) {
    if (id != troops) rest.push_back(id);
  }
  EXPECT_EQ(resp.retracted(), rest.size());
  EXPECT_THAT(resp.retracted_ids(), UnorderedElementsAreArray(rest));
  for (auto id : rest) EXPECT_EQ(Get(id), grpc::StatusCode::NOT_FOUND) << id;
  EXPECT_THAT(Listed("Russia"), ElementsAre(kept));
  EXPECT_THAT(Listed("NATO"), IsEmpty());
  EXPECT_EQ(Profiled("NATO"), 0u);
  EXPECT_EQ(Get(kept), grpc::StatusCode::OK);
  st = Retract({}, {kSeedDocument}, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_THAT(resp.not_found_document_ids(), ElementsAre(kSeedDocument));

  // Replaying the original ingest: every statement a duplicate of its
  // retracted id, none back.
  const v1::IngestResponse replay = IngestSeed();
  EXPECT_EQ(replay.accepted(), 0u);
  EXPECT_EQ(replay.duplicate(), seed.size());
  EXPECT_THAT(replay.statement_ids(), ::testing::ElementsAreArray(ingested.statement_ids()));
  EXPECT_THAT(Listed("Russia"), ElementsAre(kept));
}

TEST_F(RetractServiceTest, EachRetractionIsLoggedOnOneLineWithPeerCountAndReason) {
  const v1::IngestResponse ingested = IngestSeed();
  const std::string id = std::to_string(ingested.statement_ids(2));
  v1::RetractRequest req;
  req.add_statement_ids(ingested.statement_ids(2));
  req.set_reason("wrong actor\nentente-server: forged line");
  v1::RetractResponse resp;
  grpc::ClientContext ctx;
  ::testing::internal::CaptureStderr();
  grpc::Status st = ingest_->Retract(&ctx, req, &resp);
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(st.ok()) << st.error_message();
  // The newline is written as an escape: the forged line stays inside the
  // real one.
  EXPECT_THAT(log, ::testing::HasSubstr("retracted 1 statement(s) (ids " + id + ".." + id +
                                        "), reason: wrong actor\\nentente-server: forged line\n"));
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
  EXPECT_THAT(log, ::testing::HasSubstr("127.0.0.1"));
}

TEST_F(RetractServiceTest, BadRequestsAreInvalidArgumentNamingTheField) {
  v1::RetractResponse resp;
  grpc::Status st = Retract({}, {}, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("statement_ids"));

  const v1::IngestResponse ingested = IngestSeed();
  st = Retract({ingested.statement_ids(0), 7, 0}, {"fine", ""}, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()),
              ElementsAre("statement_ids[2]", "document_ids[1]"));
  // A bad request retracts nothing, not even its good ids.
  EXPECT_EQ(Get(ingested.statement_ids(0)), grpc::StatusCode::OK);

  v1::RetractRequest req;
  req.add_statement_ids(1);
  req.set_reason(std::string(2000, 'x'));
  grpc::ClientContext ctx;
  st = ingest_->Retract(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("reason"));

  std::vector<uint64_t> many(kMaxRetractIds + 1, 5);
  st = Retract(many, {}, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("statement_ids"));
}

}  // namespace
}  // namespace entente::service
