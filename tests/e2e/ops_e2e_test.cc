// entente-server as operators run it: dashed flag names, JSON logs on
// stderr and a Prometheus scrape of its side port.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <set>
#include <sstream>

#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "tests/testing/http.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace entente {
namespace {

using ::testing::HasSubstr;

std::string HttpGet(int port, const std::string& path) {
  return testing::HttpExchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
}

TEST(OpsE2eTest, DashedFlagsJsonLogsAndMetrics) {
  testing::TempDir dir;
  testing::ServerProcess server(
      ENTENTE_SERVER_BIN, dir.path() + "/db",
      {"--log-format=json", "--metrics-listen", "127.0.0.1:0", "--block-cache-mb", "16",
       "--max_concurrent_streams=8", "--max-message-mb", "8"});
  ASSERT_NE(server.port(), 0) << server.log();
  std::smatch m;
  const std::string startup = server.log();
  ASSERT_TRUE(std::regex_search(startup, m, std::regex(R"(metrics on http://127\.0\.0\.1:(\d+)/metrics)")))
      << startup;
  const int metrics_port = std::stoi(m[1]);

  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  v1::IngestRequest req;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  R"({"statements":[{"actor":{"name":"Mark Rutte"},"action":{"text":"met","cameoCode":"040"},)"
                  R"("target":{"name":"Yoon Suk Yeol"},"date":{"year":2024,"month":10},)"
                  R"("source":{"documentId":"e2e-ops"},"quote":"Rutte met Yoon","confidence":0.9}]})",
                  &req)
                  .ok());
  v1::IngestResponse resp;
  grpc::ClientContext ingest_ctx;
  ASSERT_TRUE(v1::IngestService::NewStub(channel)->Ingest(&ingest_ctx, req, &resp).ok());
  v1::GetStatementRequest get;
  get.set_id(424242);
  v1::Statement s;
  grpc::ClientContext get_ctx;
  ASSERT_EQ(v1::GraphService::NewStub(channel)->GetStatement(&get_ctx, get, &s).error_code(),
            grpc::StatusCode::NOT_FOUND);

  const std::string scrape = HttpGet(metrics_port, "/metrics");
  EXPECT_THAT(scrape, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(scrape, HasSubstr("entente_rpc_requests_total{method=\"/entente.v1.IngestService/"
                                "Ingest\",code=\"OK\"} 1\n"));
  EXPECT_THAT(scrape, HasSubstr("entente_statements_ingested_total{result=\"accepted\"} 1\n"));
  // --block-cache-mb 16, spelled with dashes, reached RocksDB.
  EXPECT_THAT(scrape, HasSubstr("entente_rocksdb_block_cache_capacity_bytes 16777216\n"));
  EXPECT_THAT(HttpGet(metrics_port, "/"), HasSubstr("404 Not Found"));

  ASSERT_EQ(server.Stop(SIGTERM), 0) << server.log();
  // Every line on stderr is one JSON object.
  std::istringstream lines(server.log());
  std::string line;
  std::map<std::string, google::protobuf::Struct> rpcs;
  std::vector<std::string> messages;
  while (std::getline(lines, line)) {
    google::protobuf::Struct obj;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &obj).ok()) << line;
    const auto& f = obj.fields();
    ASSERT_TRUE(f.count("ts") && f.count("level") && f.count("msg")) << line;
    messages.push_back(f.at("msg").string_value());
    if (f.at("msg").string_value() == "rpc") rpcs[f.at("rpc").string_value()] = obj;
  }
  EXPECT_THAT(messages, ::testing::Contains(HasSubstr("listening on 127.0.0.1:")));
  EXPECT_THAT(messages, ::testing::Contains("SIGTERM received, shutting down"));
  EXPECT_EQ(messages.back(), "stopped");
  ASSERT_EQ(rpcs.count("/entente.v1.IngestService/Ingest"), 1u) << server.log();
  const auto& ingest = rpcs["/entente.v1.IngestService/Ingest"].fields();
  EXPECT_EQ(ingest.at("code").string_value(), "OK");
  EXPECT_THAT(ingest.at("peer").string_value(), HasSubstr("127.0.0.1:"));
  EXPECT_GT(ingest.at("duration_ms").number_value(), 0);
  const auto& get_line = rpcs["/entente.v1.GraphService/GetStatement"].fields();
  EXPECT_EQ(get_line.at("code").string_value(), "NOT_FOUND");
}

TEST(OpsE2eTest, HelpTeachesBothSpellingsAndBadValuesAreExplained) {
  const auto help = testing::Run({ENTENTE_SERVER_BIN, "--help"});
  EXPECT_THAT(help.out + help.err, HasSubstr("dashes or underscores"));
  EXPECT_THAT(help.out + help.err, HasSubstr("--metrics_listen"));
  testing::TempDir dir;
  const auto bad = testing::Run(
      {ENTENTE_SERVER_BIN, "--data", dir.path(), "--log-format", "yaml"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--log_format: 'yaml' is not one of text, json"));
}

// One line on stdout, exit 0, the same version and commit from all four
// programs (one generated header, server/version.h.in).
TEST(OpsE2eTest, EveryProgramPrintsTheProjectVersionAndCommit) {
  // The commit: `git describe --always --dirty` (a hash, or TAG-N-gHASH once
  // tagged), or "unknown" outside a checkout.
  const std::regex line(R"(([a-z-]+) (\S+) \(git ([^ ()]+)\)\n)");
  std::set<std::string> commits;
  for (const auto& [program, binary] : std::vector<std::pair<std::string, std::string>>{
           {"entente-server", ENTENTE_SERVER_BIN},
           {"entente", ENTENTE_CLI_BIN},
           {"entente-admin", ENTENTE_ADMIN_BIN},
           {"entente-healthcheck", ENTENTE_HEALTHCHECK_BIN}}) {
    const testing::RunResult r = testing::Run({binary, "--version"});
    EXPECT_EQ(r.exit_code, 0) << program << ": " << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(r.out, m, line)) << program << ": '" << r.out << "'";
    EXPECT_EQ(m[1], program);
    EXPECT_EQ(m[2], ENTENTE_PROJECT_VERSION) << program;
    commits.insert(m[3]);
  }
  EXPECT_EQ(commits.size(), 1u) << "the programs disagree on the commit";
}

// gRPC allows SO_REUSEPORT by default: a second server on a port in use
// would start and take half of the connections, with other data.
TEST(OpsE2eTest, ASecondServerOnAPortInUseExitsSayingSo) {
  testing::TempDir dir;
  testing::ServerProcess first(ENTENTE_SERVER_BIN, dir.path() + "/db1");
  ASSERT_NE(first.port(), 0) << first.log();
  // `timeout` ends it should it start serving after all (exit 124).
  const testing::RunResult second =
      testing::Run({"/usr/bin/timeout", "20", ENTENTE_SERVER_BIN, "--listen", first.address(), "--data",
                    dir.path() + "/db2"});
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_THAT(second.err, HasSubstr("cannot listen on " + first.address()));
  EXPECT_THAT(second.err, HasSubstr("in use"));
  EXPECT_EQ(first.Stop(SIGTERM), 0) << first.log();
}

// gRPC logs in its own text format ("E1205 14:01:11.699 ... chttp2_server.cc:
// 1045] ..."); failing to bind is one of its error lines. With
// --log_format json that line is JSON like the server's own.
TEST(OpsE2eTest, WithJsonLogsGrpcsOwnLinesAreJsonToo) {
  testing::TempDir dir;
  testing::ServerProcess first(ENTENTE_SERVER_BIN, dir.path() + "/db1");
  ASSERT_NE(first.port(), 0) << first.log();
  const testing::RunResult second =
      testing::Run({"/usr/bin/timeout", "20", ENTENTE_SERVER_BIN, "--listen", first.address(),
                    "--data", dir.path() + "/db2", "--log-format", "json"});
  EXPECT_EQ(second.exit_code, 1) << second.err;
  std::istringstream lines(second.err);
  std::string line;
  int grpc_lines = 0, lines_seen = 0;
  while (std::getline(lines, line)) {
    ++lines_seen;
    google::protobuf::Struct obj;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &obj).ok()) << line;
    const auto& f = obj.fields();
    ASSERT_TRUE(f.count("ts") && f.count("level") && f.count("msg")) << line;
    if (f.count("logger") && f.at("logger").string_value() == "grpc") {
      ++grpc_lines;
      EXPECT_EQ(f.at("level").string_value(), "error") << line;
      EXPECT_THAT(f.at("file").string_value(), HasSubstr(".cc")) << line;
      EXPECT_GT(f.at("line").number_value(), 0) << line;
    }
  }
  EXPECT_GE(lines_seen, 2) << second.err;
  // gRPC's own error, and ours after it.
  EXPECT_GE(grpc_lines, 1) << second.err;
  EXPECT_THAT(second.err, HasSubstr("Address already in use"));
  EXPECT_THAT(second.err, HasSubstr("cannot listen on " + first.address()));
  EXPECT_EQ(first.Stop(SIGTERM), 0) << first.log();
}

}  // namespace
}  // namespace entente
