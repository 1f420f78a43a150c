// The server's limits over real gRPC on 127.0.0.1: each one, when exceeded,
// fails the call with a status that says which limit, and never stores
// part of a refused request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "graph/validate.h"
#include "service/ingest_service.h"
#include <grpcpp/generic/generic_stub.h>

#include "service/rpc_observer.h"
#include "tests/service/ops_fixture.h"
#include "tests/service/service_fixture.h"

namespace entente::service {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ServerOptions WithMaxConcurrent(int n) {
  ServerOptions o;
  o.max_concurrent_streams = n;
  return o;
}

// Holds one writer call in flight: an IngestStream that has sent nothing
// yet, so its handler waits in Read() until the stream is cancelled.
class HeldWrite {
 public:
  explicit HeldWrite(const RunningServer& running)
      : stub_(v1::IngestService::NewStub(running.NewChannel())) {
    writer_ = stub_->IngestStream(&ctx_, &resp_);
  }
  ~HeldWrite() {
    ctx_.TryCancel();
    writer_->Finish().error_code();
  }

 private:
  std::unique_ptr<v1::IngestService::Stub> stub_;
  grpc::ClientContext ctx_;
  v1::IngestResponse resp_;
  std::unique_ptr<grpc::ClientWriter<v1::IngestRequest>> writer_;
};

// Holds one reader call in flight: a reflection stream (reflection needs
// the reader role), open until cancelled.
class HeldRead {
 public:
  explicit HeldRead(const RunningServer& running) : stub_(running.NewChannel()) {
    stream_ = stub_.PrepareCall(&ctx_, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                &cq_);
    stream_->StartCall(Tag(1));
    void* tag;
    bool ok;
    started_ = cq_.Next(&tag, &ok) && ok;
  }
  ~HeldRead() {
    ctx_.TryCancel();
    grpc::Status status;
    stream_->Finish(&status, Tag(2));
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok) && tag != Tag(2)) {
    }
    cq_.Shutdown();
    while (cq_.Next(&tag, &ok)) {
    }
  }
  bool started() const { return started_; }

 private:
  static void* Tag(intptr_t n) { return reinterpret_cast<void*>(n); }
  grpc::GenericStub stub_;
  grpc::ClientContext ctx_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> stream_;
  bool started_ = false;
};

grpc::Status GetRussia(const RunningServer& running) {
  grpc::ClientContext ctx;
  v1::GetEntityRequest req;
  req.set_name("Russia");
  v1::Entity resp;
  return v1::GraphService::NewStub(running.NewChannel())->GetEntity(&ctx, req, &resp);
}

TEST(ConcurrencyLimitTest, ACallOverItsPoolsLimitIsRefusedNamingItAndWritesNothing) {
  RunningServer running(WithMaxConcurrent(1));
  ASSERT_TRUE(running.ok());
  v1::IngestResponse resp;
  {
    HeldWrite held(running);
    ASSERT_TRUE(running.AwaitInFlight(1));

    const grpc::Status refused = running.Ingest(0, 1, &resp);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(refused.error_message(), HasSubstr("1 writer calls already in flight"));
    EXPECT_THAT(refused.error_message(), HasSubstr("--max_concurrent_streams"));

    // A stream is refused the same way.
    auto stub = v1::IngestService::NewStub(running.NewChannel());
    grpc::ClientContext ctx;
    v1::IngestResponse stream_resp;
    auto writer = stub->IngestStream(&ctx, &stream_resp);
    v1::IngestRequest req;
    *req.add_statements() = TestStatement(1);
    writer->Write(req);
    writer->WritesDone();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

    // Reads have a pool of their own.
    EXPECT_TRUE(GetRussia(running).ok());
  }
  ASSERT_TRUE(running.AwaitInFlight(0));
  // Below the limit again; and the refused calls stored nothing: these are
  // new statements, not duplicates.
  ASSERT_TRUE(running.Ingest(0, 2, &resp).ok());
  EXPECT_EQ(resp.accepted(), 2u);
  EXPECT_EQ(resp.duplicate(), 0u);

  std::string text;
  running.server().metrics().Render(&text);
  EXPECT_THAT(text, HasSubstr("entente_rpc_requests_total{method=\"/entente.v1.IngestService/"
                              "Ingest\",code=\"RESOURCE_EXHAUSTED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("entente_rpc_requests_total{method=\"/entente.v1.IngestService/"
                              "IngestStream\",code=\"RESOURCE_EXHAUSTED\"} 1\n"));
}

TEST(ConcurrencyLimitTest, ReadersCannotStarveWriters) {
  RunningServer running(WithMaxConcurrent(2));
  ASSERT_TRUE(running.ok());
  HeldRead a(running), b(running);
  ASSERT_TRUE(a.started() && b.started());
  ASSERT_TRUE(running.AwaitInFlight(2));
  const grpc::Status refused = GetRussia(running);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("2 reader calls already in flight"));
  v1::IngestResponse resp;
  EXPECT_TRUE(running.Ingest(0, 1, &resp).ok());
}

TEST(ConcurrencyLimitTest, ZeroMeansNoLimit) {
  RunningServer running(WithMaxConcurrent(0));
  ASSERT_TRUE(running.ok());
  HeldWrite a(running), b(running), c(running);
  ASSERT_TRUE(running.AwaitInFlight(3));
  v1::IngestResponse resp;
  EXPECT_TRUE(running.Ingest(0, 1, &resp).ok());
}

TEST(MessageSizeLimitTest, ARequestAboveMaxReceiveMessageBytesIsResourceExhausted) {
  ServerOptions o;
  o.max_receive_message_bytes = 1 << 20;
  RunningServer running(o);
  ASSERT_TRUE(running.ok());
  auto stub = v1::IngestService::NewStub(running.NewChannel());
  const std::string quote(15000, 'q');  // under the quote limit
  auto request_of = [&](int statements) {
    v1::IngestRequest req;
    for (int i = 0; i < statements; ++i) {
      *req.add_statements() = TestStatement(i);
      req.mutable_statements(i)->set_quote(quote + std::to_string(i));
    }
    return req;
  };
  v1::IngestResponse resp;
  grpc::ClientContext small_ctx;
  ASSERT_TRUE(stub->Ingest(&small_ctx, request_of(60), &resp).ok());  // ~0.9 MiB
  EXPECT_EQ(resp.accepted(), 60u);
  grpc::ClientContext big_ctx;
  const auto big = request_of(80);  // ~1.2 MiB
  ASSERT_GT(big.ByteSizeLong(), 1u << 20);
  const grpc::Status st = stub->Ingest(&big_ctx, big, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(st.error_message(), HasSubstr("1048576"));
}

TEST(BatchLimitTest, MoreStatementsThanAllowedInOneIngestIsInvalidArgument) {
  RunningServer running{ServerOptions()};
  ASSERT_TRUE(running.ok());
  v1::IngestResponse resp;
  const grpc::Status st = running.Ingest(0, kMaxStatementsPerRequest + 1, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()), ElementsAre("statements"));
  EXPECT_THAT(st.error_message(), HasSubstr("IngestStream"));
}

TEST(StringLimitTest, EachOverlongStringIsNamed) {
  RunningServer running{ServerOptions()};
  ASSERT_TRUE(running.ok());
  auto stub = v1::IngestService::NewStub(running.NewChannel());
  v1::IngestRequest req;
  *req.add_statements() = TestStatement(0);
  req.mutable_statements(0)->set_quote(std::string(graph::kMaxQuoteBytes + 1, 'q'));
  req.mutable_statements(0)->mutable_actor()->set_name(std::string(graph::kMaxNameBytes + 1, 'n'));
  req.mutable_statements(0)->mutable_source()->set_url(
      std::string(graph::kMaxOtherStringBytes + 1, 'u'));
  v1::IngestResponse resp;
  grpc::ClientContext ctx;
  const grpc::Status st = stub->Ingest(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(st.error_details()),
              ::testing::UnorderedElementsAre("statements[0].actor.name", "statements[0].quote",
                                              "statements[0].source.url"));
}

TEST(StringLimitTest, OverlongQueryNamesAreNamed) {
  RunningServer running{ServerOptions()};
  ASSERT_TRUE(running.ok());
  auto graph = v1::GraphService::NewStub(running.NewChannel());
  const std::string huge(graph::kMaxNameBytes + 1, 'x');
  // The fields the status names for a call of `rpc` with `req`.
  auto fields_of = [&](auto rpc, const auto& req, auto resp) {
    grpc::ClientContext ctx;
    const grpc::Status st = ((*graph).*rpc)(&ctx, req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    return BadRequestFields(st.error_details());
  };
  v1::SearchEntitiesRequest search;
  search.set_prefix(huge);
  EXPECT_THAT(fields_of(&v1::GraphService::Stub::SearchEntities, search,
                        v1::SearchEntitiesResponse()),
              ElementsAre("prefix"));
  v1::GetEntityRequest get;
  get.set_name(huge);
  EXPECT_THAT(fields_of(&v1::GraphService::Stub::GetEntity, get, v1::Entity()),
              ElementsAre("name"));
  v1::ListStatementsRequest list;
  list.mutable_entity()->set_name(huge);
  EXPECT_THAT(fields_of(&v1::GraphService::Stub::ListStatements, list,
                        v1::ListStatementsResponse()),
              ElementsAre("entity.name"));
  v1::FindPathsRequest paths;
  paths.mutable_from()->set_name("NATO");
  paths.mutable_to()->set_name(huge);
  EXPECT_THAT(fields_of(&v1::GraphService::Stub::FindPaths, paths, v1::FindPathsResponse()),
              ElementsAre("to.name"));
}

// A stream whose client neither finishes nor goes away must not hold a
// server thread past its deadline; nor once the client cancels.
TEST(DeadlineTest, AnIngestStreamPastItsDeadlineOrCancelledStopsOnTheServer) {
  RunningServer running{ServerOptions()};
  ASSERT_TRUE(running.ok());
  auto stub = v1::IngestService::NewStub(running.NewChannel());
  v1::IngestRequest req;
  *req.add_statements() = TestStatement(0);
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    v1::IngestResponse resp;
    auto writer = stub->IngestStream(&ctx, &resp);
    ASSERT_TRUE(writer->Write(req));
    ASSERT_TRUE(running.AwaitInFlight(1));
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    EXPECT_TRUE(running.AwaitInFlight(0));
  }
  {
    grpc::ClientContext ctx;
    v1::IngestResponse resp;
    auto writer = stub->IngestStream(&ctx, &resp);
    ASSERT_TRUE(writer->Write(req));
    ASSERT_TRUE(running.AwaitInFlight(1));
    ctx.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
    EXPECT_TRUE(running.AwaitInFlight(0));
  }
}

}  // namespace
}  // namespace entente::service
