// What a hostile or careless caller can do to a real server on 127.0.0.1,
// with tokens configured where it matters (docs/security.md, "What the
// server promises"): each test here failed before the defect it names was
// fixed.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <gtest/gtest.h>

#include <cmath>
#include <mutex>

#include "entente/v1/admin.grpc.pb.h"
#include "service/rpc_observer.h"
#include "tests/service/ops_fixture.h"
#include "tests/service/service_fixture.h"
#include "tests/testing/test_tokens.h"

namespace entente::service {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::kAdminToken;
using testing::kReaderToken;
using testing::kWriterToken;

// A tokens file with one token of each role, for the server's lifetime.
class TokensFile {
 public:
  TokensFile() { testing::WriteTokensFile(path()); }
  std::string path() const { return dir_.path() + "/tokens.txt"; }

 private:
  testing::TempDir dir_;
};

ServerOptions WithTokens(const TokensFile& tokens) {
  ServerOptions o;
  o.access.tokens_file = tokens.path();
  return o;
}

void Authorize(grpc::ClientContext* ctx, const std::string& token) {
  ctx->AddMetadata("authorization", "Bearer " + token);
}

grpc::Status ListRussia(const RunningServer& running, const std::string& token) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token.empty()) Authorize(&ctx, token);
  v1::ListStatementsRequest req;
  req.mutable_entity()->set_name("Russia");
  v1::ListStatementsResponse resp;
  return v1::GraphService::NewStub(running.NewChannel())->ListStatements(&ctx, req, &resp);
}

grpc::Status IngestOne(const RunningServer& running, const std::string& token, int n) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token.empty()) Authorize(&ctx, token);
  v1::IngestRequest req;
  *req.add_statements() = TestStatement(n);
  v1::IngestResponse resp;
  return v1::IngestService::NewStub(running.NewChannel())->Ingest(&ctx, req, &resp);
}

grpc::Status HealthCheck(const RunningServer& running) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::health::v1::HealthCheckResponse resp;
  return grpc::health::v1::Health::NewStub(running.NewChannel())
      ->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &resp);
}

// The count of entente_rpc_requests_total{method, code}, 0 if absent.
uint64_t Requests(const RunningServer& running, const std::string& method,
                  const std::string& code) {
  std::string text;
  const_cast<RunningServer&>(running).server().metrics().Render(&text);
  const std::string key = "entente_rpc_requests_total{method=\"" + method + "\",code=\"" + code +
                          "\"} ";
  const size_t at = text.find(key);
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + key.size()));
}

// A health Watch without token or deadline, as a flood would open it.
class OpenWatch {
 public:
  explicit OpenWatch(std::shared_ptr<grpc::Channel> channel)
      : stub_(grpc::health::v1::Health::NewStub(std::move(channel))) {
    reader_ = stub_->Watch(&ctx_, grpc::health::v1::HealthCheckRequest());
    grpc::health::v1::HealthCheckResponse first;
    serving_ = reader_->Read(&first);
    if (!serving_) {
      status_ = reader_->Finish();
      finished_ = true;
    }
  }
  ~OpenWatch() {
    if (finished_) return;
    ctx_.TryCancel();
    reader_->Finish().error_code();
  }
  bool serving() const { return serving_; }
  const grpc::Status& refusal() const { return status_; }

 private:
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<grpc::health::v1::HealthCheckResponse>> reader_;
  grpc::Status status_;
  bool serving_ = false;
  bool finished_ = false;
};

// ---- 1. Unauthenticated Watch streams cannot take anyone's slots ----

TEST(WatchFloodTest, WatchStreamsWithoutTokenLeaveEveryoneElsesCallsAnswered) {
  TokensFile tokens;
  const ServerOptions options = WithTokens(tokens);
  RunningServer running(options);
  ASSERT_TRUE(running.ok());
  // The probe that stopped the server: 300 Watch streams, no token, no
  // deadline, over 10 connections (more than --max_concurrent_streams).
  std::vector<std::unique_ptr<OpenWatch>> flood;
  int serving = 0;
  for (int c = 0; c < 10; ++c) {
    auto channel = running.NewChannel();
    for (int i = 0; i < 30; ++i) {
      flood.push_back(std::make_unique<OpenWatch>(channel));
      if (flood.back()->serving()) {
        ++serving;
      } else {
        EXPECT_EQ(flood.back()->refusal().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
        EXPECT_THAT(flood.back()->refusal().error_message(), HasSubstr("Watch"));
      }
    }
  }
  // All from one address: only its share of Watch streams is served.
  EXPECT_EQ(serving, options.max_watches_per_peer);

  // Everyone else is still answered: a reader, a writer, a health check.
  const grpc::Status read = ListRussia(running, kReaderToken);
  EXPECT_TRUE(read.ok()) << read.error_message();
  const grpc::Status write = IngestOne(running, kWriterToken, 1);
  EXPECT_TRUE(write.ok()) << write.error_message();
  EXPECT_TRUE(HealthCheck(running).ok());

  // The served watches give their slots back when they end.
  flood.clear();
  ASSERT_TRUE(running.AwaitInFlight(0));
  EXPECT_TRUE(OpenWatch(running.NewChannel()).serving());
}

// ---- The idle limit ----

TEST(StreamIdleTest, AStreamWithNoMessageForTheIdleLimitIsEndedAndCounted) {
  ServerOptions options;
  options.stream_idle = std::chrono::milliseconds(300);
  RunningServer running(options);
  ASSERT_TRUE(running.ok());
  auto ingest = v1::IngestService::NewStub(running.NewChannel());
  v1::IngestRequest req;

  // A stream that writes once, then nothing, with no deadline.
  {
    grpc::ClientContext ctx;
    v1::IngestResponse resp;
    auto writer = ingest->IngestStream(&ctx, &resp);
    *req.add_statements() = TestStatement(1);
    ASSERT_TRUE(writer->Write(req));
    const grpc::Status st = writer->Finish();  // waits: the client never half-closes
    EXPECT_EQ(st.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    EXPECT_THAT(st.error_message(), HasSubstr("--stream_idle_s"));
  }
  // A health Watch, which only ever sends on a change.
  {
    auto health = grpc::health::v1::Health::NewStub(running.NewChannel());
    grpc::ClientContext ctx;
    auto reader = health->Watch(&ctx, grpc::health::v1::HealthCheckRequest());
    grpc::health::v1::HealthCheckResponse r;
    ASSERT_TRUE(reader->Read(&r));
    EXPECT_FALSE(reader->Read(&r));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  // A stream that keeps writing lives past the limit.
  {
    grpc::ClientContext ctx;
    v1::IngestResponse resp;
    auto writer = ingest->IngestStream(&ctx, &resp);
    for (int i = 0; i < 8; ++i) {
      req.mutable_statements(0)->CopyFrom(TestStatement(100 + i));
      ASSERT_TRUE(writer->Write(req));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    writer->WritesDone();
    const grpc::Status st = writer->Finish();
    EXPECT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.accepted(), 8u);
  }
  EXPECT_EQ(Requests(running, "/entente.v1.IngestService/IngestStream", "DEADLINE_EXCEEDED"), 1u);
  EXPECT_EQ(Requests(running, "/grpc.health.v1.Health/Watch", "DEADLINE_EXCEEDED"), 1u);
  EXPECT_EQ(Requests(running, "/entente.v1.IngestService/IngestStream", "OK"), 1u);
}

// ---- 6. A cut call is counted with the status its client saw ----

TEST(CutCallTest, EachCutCallIsCountedAndLoggedWithTheStatusItsClientSaw) {
  std::mutex mu;
  std::vector<std::string> lines;
  ServerOptions options;
  options.max_receive_message_bytes = 1 << 20;
  options.log_format = LogFormat::kJson;
  options.log_sink = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(line);
  };
  RunningServer running(options);
  ASSERT_TRUE(running.ok());
  auto ingest = v1::IngestService::NewStub(running.NewChannel());
  v1::IngestRequest small;
  *small.add_statements() = TestStatement(0);
  v1::IngestRequest big;  // ~1.2 MiB: over the limit, under twice it
  for (int i = 0; i < 80; ++i) {
    *big.add_statements() = TestStatement(1000 + i);
    big.mutable_statements(i)->set_quote(std::string(15000, 'q') + std::to_string(i));
  }
  ASSERT_GT(big.ByteSizeLong(), 1u << 20);
  v1::IngestResponse resp;

  {  // A stream with one message over the limit.
    grpc::ClientContext ctx;
    auto writer = ingest->IngestStream(&ctx, &resp);
    writer->Write(small);
    writer->Write(big);
    writer->WritesDone();
    const grpc::Status st = writer->Finish();
    EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(st.error_message(), HasSubstr("--max_message_mb"));
  }
  {  // A unary call over the limit.
    grpc::ClientContext ctx;
    EXPECT_EQ(ingest->Ingest(&ctx, big, &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  {  // A stream its client cancels.
    grpc::ClientContext ctx;
    auto writer = ingest->IngestStream(&ctx, &resp);
    ASSERT_TRUE(writer->Write(small));
    ASSERT_TRUE(running.AwaitInFlight(1));
    ctx.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  {  // A stream past its deadline.
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
    auto writer = ingest->IngestStream(&ctx, &resp);
    ASSERT_TRUE(writer->Write(small));
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  ASSERT_TRUE(running.AwaitInFlight(0));
  // Nothing of the oversized messages was stored.
  grpc::ClientContext list_ctx;
  v1::ListStatementsRequest list;
  list.mutable_entity()->set_name("Mark Rutte");
  list.set_page_size(1000);
  v1::ListStatementsResponse listed;
  ASSERT_TRUE(
      v1::GraphService::NewStub(running.NewChannel())->ListStatements(&list_ctx, list, &listed).ok());
  for (const auto& s : listed.statements()) {
    EXPECT_THAT(s.source().document_id(), Not(HasSubstr("ops-test-10"))) << "from the big message";
  }
  // A stream still open when the server shuts down.
  grpc::ClientContext open_ctx;
  auto open = ingest->IngestStream(&open_ctx, &resp);
  ASSERT_TRUE(open->Write(small));
  ASSERT_TRUE(running.AwaitInFlight(1));
  running.Stop();
  EXPECT_EQ(open->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);

  const std::string stream = "/entente.v1.IngestService/IngestStream";
  EXPECT_EQ(Requests(running, stream, "RESOURCE_EXHAUSTED"), 1u);
  EXPECT_EQ(Requests(running, stream, "CANCELLED"), 1u);
  EXPECT_EQ(Requests(running, stream, "DEADLINE_EXCEEDED"), 1u);
  EXPECT_EQ(Requests(running, stream, "UNAVAILABLE"), 1u);
  EXPECT_EQ(Requests(running, stream, "OK"), 0u);
  EXPECT_EQ(Requests(running, "/entente.v1.IngestService/Ingest", "RESOURCE_EXHAUSTED"), 1u);
  std::lock_guard<std::mutex> lock(mu);
  int stream_lines = 0;
  for (const std::string& line : lines) {
    if (line.find(stream) == std::string::npos) continue;
    ++stream_lines;
    EXPECT_THAT(line, Not(HasSubstr("\"code\":\"OK\""))) << line;
  }
  EXPECT_EQ(stream_lines, 4);
}

// ---- 7. Bytes that do not parse are the caller's error ----

grpc::Status CallWithBytes(const RunningServer& running, const std::string& method,
                           const std::string& bytes) {
  grpc::ClientContext ctx;
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  return grpc::internal::BlockingUnaryCall(
      running.NewChannel().get(),
      grpc::internal::RpcMethod(method.c_str(), grpc::internal::RpcMethod::NORMAL_RPC), &ctx,
      request, &response);
}

TEST(MalformedRequestTest, BytesThatDoNotParseAreInvalidArgumentNotInternal) {
  RunningServer running{ServerOptions()};
  ASSERT_TRUE(running.ok());
  const std::string get_entity = "/entente.v1.GraphService/GetEntity";
  // name = "Chin\xff": not UTF-8 in a proto3 string.
  const std::string invalid_utf8("\x12\x05""Chin\xff\x18\x01", 9);
  const std::string not_protobuf("\xff\xff\xff\xff\xff", 5);
  for (const std::string& bytes : {invalid_utf8, not_protobuf}) {
    const grpc::Status st = CallWithBytes(running, get_entity, bytes);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(st.error_message(), MalformedRequestMessage(get_entity));
  }
  EXPECT_EQ(Requests(running, get_entity, "INVALID_ARGUMENT"), 2u);
  EXPECT_EQ(Requests(running, get_entity, "INTERNAL"), 0u);
  // The same valid bytes still work.
  EXPECT_EQ(CallWithBytes(running, get_entity, std::string("\x12\x05""China", 7)).error_code(),
            grpc::StatusCode::OK);
}

// ---- 5. Two authorization headers ----

TEST(AuthorizationHeaderTest, ACallWithTwoAuthorizationHeadersIsRefused) {
  TokensFile tokens;
  RunningServer running(WithTokens(tokens));
  ASSERT_TRUE(running.ok());
  {  // (reader, admin): the admin token must not win.
    grpc::ClientContext ctx;
    Authorize(&ctx, kReaderToken);
    Authorize(&ctx, kAdminToken);
    v1::CheckRequest req;
    v1::CheckResponse resp;
    const grpc::Status st =
        v1::AdminService::NewStub(running.NewChannel())->Check(&ctx, req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_THAT(st.error_message(), HasSubstr("exactly one"));
  }
  {  // (bad, good) on a reader's call.
    grpc::ClientContext ctx;
    Authorize(&ctx, "not-a-token-of-this-server");
    Authorize(&ctx, kReaderToken);
    v1::GetEntityRequest req;
    req.set_name("Russia");
    v1::Entity resp;
    EXPECT_EQ(v1::GraphService::NewStub(running.NewChannel())->GetEntity(&ctx, req, &resp)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_TRUE(ListRussia(running, kReaderToken).ok());
}

// ---- 4. Client input cannot forge a text log line ----

TEST(TextLogTest, ANewlineInClientInputIsEscapedNotALineOfItsOwn) {
  std::mutex mu;
  std::string log;
  ServerOptions options;
  options.log_requests = true;
  options.log_sink = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mu);
    log += line;
  };
  RunningServer running(options);
  ASSERT_TRUE(running.ok());
  const std::string forged =
      "entente-server: rpc /entente.v1.AdminService/CreateBackup from ipv4:10.0.0.1:1 OK 0.100 ms";
  grpc::ClientContext ctx;
  v1::GetEntityRequest req;
  req.set_name("Nowhere\n" + forged);
  v1::Entity resp;
  const grpc::Status st =
      v1::GraphService::NewStub(running.NewChannel())->GetEntity(&ctx, req, &resp);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_THAT(st.error_message(), HasSubstr(forged)) << "the status repeats the name";
  running.Stop();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_THAT(log, HasSubstr("Nowhere\\n" + forged));
  EXPECT_THAT(log, Not(HasSubstr("\n" + forged)));
}

// ---- Smaller defects of the query side ----

class QueryInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(running_.ok());
    v1::IngestRequest req;
    for (const v1::Statement& s : LoadFixture()) *req.add_statements() = s;
    grpc::ClientContext ctx;
    v1::IngestResponse resp;
    ASSERT_TRUE(v1::IngestService::NewStub(running_.NewChannel())->Ingest(&ctx, req, &resp).ok());
    graph_ = v1::GraphService::NewStub(running_.NewChannel());
  }
  grpc::Status List(const v1::ListStatementsRequest& req, v1::ListStatementsResponse* resp) {
    grpc::ClientContext ctx;
    return graph_->ListStatements(&ctx, req, resp);
  }

  RunningServer running_{ServerOptions()};
  std::unique_ptr<v1::GraphService::Stub> graph_;
};

TEST_F(QueryInputTest, ASearchPrefixWithNothingToMatchIsInvalidArgument) {
  for (const char* prefix : {" ", "   ", "\u00a0"}) {
    grpc::ClientContext ctx;
    v1::SearchEntitiesRequest req;
    req.set_prefix(prefix);
    v1::SearchEntitiesResponse resp;
    const grpc::Status st = graph_->SearchEntities(&ctx, req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "'" << prefix << "'";
    EXPECT_THAT(BadRequestFields(st.error_details()), ::testing::ElementsAre("prefix"));
    EXPECT_EQ(resp.entities_size(), 0);
  }
}

TEST_F(QueryInputTest, APageTokenContinuesOnlyTheQueryThatReturnedIt) {
  v1::ListStatementsRequest russia;
  russia.mutable_entity()->set_name("Russia");
  russia.set_page_size(1);
  v1::ListStatementsResponse first;
  ASSERT_TRUE(List(russia, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListStatementsRequest next = russia;
  next.set_page_token(first.next_page_token());
  next.set_page_size(5);  // the page size may change
  v1::ListStatementsResponse second;
  EXPECT_TRUE(List(next, &second).ok());

  // Another entity, another direction or another filter: refused.
  v1::ListStatementsRequest china = next;
  china.mutable_entity()->set_name("North Korea");
  v1::ListStatementsRequest out = next;
  out.set_direction(v1::OUT);
  v1::ListStatementsRequest filtered = next;
  filtered.mutable_filter()->add_code_prefixes("06");
  for (const auto* other : {&china, &out, &filtered}) {
    v1::ListStatementsResponse resp;
    const grpc::Status st = List(*other, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(BadRequestFields(st.error_details()), ::testing::ElementsAre("page_token"));
    EXPECT_THAT(st.error_message(), HasSubstr("another query"));
  }

  // GetRelationTimeline's tokens likewise.
  v1::GetRelationTimelineRequest pair;
  pair.mutable_a()->set_name("Russia");
  pair.mutable_b()->set_name("North Korea");
  pair.set_page_size(1);
  v1::GetRelationTimelineResponse timeline;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(graph_->GetRelationTimeline(&ctx, pair, &timeline).ok());
  }
  ASSERT_FALSE(timeline.next_page_token().empty());
  pair.set_page_token(timeline.next_page_token());
  pair.mutable_b()->set_name("Ukraine");
  grpc::ClientContext ctx;
  EXPECT_EQ(graph_->GetRelationTimeline(&ctx, pair, &timeline).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(QueryInputTest, NegativeZeroConfidenceIsStoredAsZero) {
  auto ingest = v1::IngestService::NewStub(running_.NewChannel());
  v1::IngestRequest req;
  *req.add_statements() = TestStatement(7);
  req.mutable_statements(0)->set_confidence(-0.0);
  v1::IngestResponse first;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(ingest->Ingest(&ctx, req, &first).ok());
  }
  ASSERT_EQ(first.accepted(), 1u);
  // +0.0 is the same statement: a duplicate, not a second one.
  req.mutable_statements(0)->set_confidence(0.0);
  v1::IngestResponse again;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(ingest->Ingest(&ctx, req, &again).ok());
  }
  EXPECT_EQ(again.duplicate(), 1u);
  grpc::ClientContext ctx;
  v1::GetStatementRequest get;
  get.set_id(first.statement_ids(0));
  v1::Statement stored;
  ASSERT_TRUE(graph_->GetStatement(&ctx, get, &stored).ok());
  EXPECT_EQ(stored.confidence(), 0.0);
  EXPECT_FALSE(std::signbit(stored.confidence()));
}

}  // namespace
}  // namespace entente::service
