// The per-call log lines of real calls, as the interceptor writes them.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <regex>
#include <vector>

#include "tests/service/ops_fixture.h"

namespace entente::service {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class LoggedServer {
 public:
  LoggedServer(LogFormat format, bool log_requests) : running_(Options(format, log_requests)) {}

  // Every line logged; complete once Stop() has returned.
  std::vector<std::string> StopAndTakeLines() {
    running_.Stop();
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }
  RunningServer& running() { return running_; }

 private:
  ServerOptions Options(LogFormat format, bool log_requests) {
    ServerOptions o;
    o.log_format = format;
    o.log_requests = log_requests;
    o.log_sink = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    };
    return o;
  }
  std::mutex mu_;
  std::vector<std::string> lines_;
  RunningServer running_;  // last: stopped before lines_ goes
};

// Two OK calls (unary and a stream) and one failing call.
void MakeCalls(RunningServer& running) {
  v1::IngestResponse resp;
  ASSERT_TRUE(running.Ingest(0, 2, &resp).ok());
  auto ingest = v1::IngestService::NewStub(running.NewChannel());
  grpc::ClientContext stream_ctx;
  auto writer = ingest->IngestStream(&stream_ctx, &resp);
  v1::IngestRequest req;
  *req.add_statements() = TestStatement(5);
  ASSERT_TRUE(writer->Write(req));
  ASSERT_TRUE(writer->Write(req));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  v1::GetStatementRequest get;
  get.set_id(999999);
  v1::Statement s;
  grpc::ClientContext ctx;
  ASSERT_EQ(v1::GraphService::NewStub(running.NewChannel())->GetStatement(&ctx, get, &s)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(RpcLogTest, JsonFormatWritesOneParseableObjectPerFinishedCall) {
  LoggedServer logged(LogFormat::kJson, /*log_requests=*/false);
  ASSERT_TRUE(logged.running().ok());
  MakeCalls(logged.running());
  const auto lines = logged.StopAndTakeLines();
  ASSERT_EQ(lines.size(), 3u);
  std::map<std::string, google::protobuf::Struct> by_rpc;
  for (const auto& line : lines) {
    ASSERT_EQ(line.find('\n'), line.size() - 1) << line;
    google::protobuf::Struct obj;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &obj).ok()) << line;
    by_rpc[obj.fields().at("rpc").string_value()] = obj;
  }
  const auto& ok = by_rpc.at("/entente.v1.IngestService/Ingest").fields();
  EXPECT_TRUE(std::regex_match(ok.at("ts").string_value(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << ok.at("ts").string_value();
  EXPECT_EQ(ok.at("level").string_value(), "info");
  EXPECT_EQ(ok.at("msg").string_value(), "rpc");
  EXPECT_EQ(ok.at("code").string_value(), "OK");
  EXPECT_THAT(ok.at("peer").string_value(), StartsWith("ipv4:127.0.0.1:"));
  EXPECT_GT(ok.at("duration_ms").number_value(), 0);
  EXPECT_EQ(ok.count("error"), 0u);

  const auto& stream = by_rpc.at("/entente.v1.IngestService/IngestStream").fields();
  EXPECT_EQ(stream.at("code").string_value(), "OK");  // once per stream, not per message

  const auto& failed = by_rpc.at("/entente.v1.GraphService/GetStatement").fields();
  EXPECT_EQ(failed.at("code").string_value(), "NOT_FOUND");
  EXPECT_EQ(failed.at("level").string_value(), "warn");
  EXPECT_THAT(failed.at("error").string_value(), HasSubstr("999999"));
}

TEST(RpcLogTest, TextFormatLogsCallsOnlyWhenAsked) {
  {
    LoggedServer quiet(LogFormat::kText, /*log_requests=*/false);
    ASSERT_TRUE(quiet.running().ok());
    MakeCalls(quiet.running());
    EXPECT_TRUE(quiet.StopAndTakeLines().empty());
  }
  LoggedServer chatty(LogFormat::kText, /*log_requests=*/true);
  ASSERT_TRUE(chatty.running().ok());
  MakeCalls(chatty.running());
  const auto lines = chatty.StopAndTakeLines();
  ASSERT_EQ(lines.size(), 3u);
  std::string all;
  for (const auto& l : lines) all += l;
  EXPECT_TRUE(std::regex_search(
      all, std::regex(R"(entente-server: rpc /entente\.v1\.IngestService/Ingest from ipv4:127\.0\.0\.1:\d+ OK \d+\.\d{3} ms\n)")))
      << all;
  EXPECT_THAT(all, HasSubstr(" NOT_FOUND "));
}

}  // namespace
}  // namespace entente::service
