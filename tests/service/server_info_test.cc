// GetServerInfo (graph.proto) on a real server over a real RocksDB
// database: the version is the one compiled in, the statement counts follow
// ingest and retraction, a server without --replication says standalone,
// and the reader role may call it over gRPC and with GET over HTTP.
#include <gmock/gmock.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <string>

#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "graph/reader.h"
#include "server/version.h"
#include "tests/service/ops_fixture.h"
#include "tests/testing/test_tokens.h"

namespace entente::service {
namespace {

using ::testing::HasSubstr;

grpc::Status Info(const RunningServer& server, v1::GetServerInfoResponse* out,
                  const std::string& token = "") {
  grpc::ClientContext ctx;
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  return v1::GraphService::NewStub(server.NewChannel())
      ->GetServerInfo(&ctx, v1::GetServerInfoRequest(), out);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(ServerInfoTest, ReportsTheCompiledVersionAndCountsThatFollowIngestAndRetraction) {
  const int64_t before = NowSeconds();
  ServerOptions options;
  options.max_receive_message_bytes = 3 << 20;
  RunningServer server(options);
  ASSERT_TRUE(server.ok());

  v1::GetServerInfoResponse empty;
  ASSERT_TRUE(Info(server, &empty).ok());
  EXPECT_EQ(empty.version(), kVersion);
  EXPECT_EQ(empty.build().git_commit(), kGitCommit);
  EXPECT_EQ(empty.build().build_type(), kBuildType);
  EXPECT_EQ(empty.build().compiler(), kCompiler);
  EXPECT_EQ(empty.build().grpc_version(), grpc::Version());
  EXPECT_GE(empty.start_time().seconds(), before);
  EXPECT_LE(empty.start_time().seconds(), NowSeconds());
  EXPECT_GE(empty.uptime_seconds(), 0);
  auto id = graph::GraphReader(&server.store()).DatabaseId();
  ASSERT_TRUE(id.ok());
  EXPECT_NE(*id, 0u);
  EXPECT_EQ(empty.database_id(), *id);
  EXPECT_EQ(empty.data().statements(), 0u);
  EXPECT_EQ(empty.data().statements_ingested(), 0u);
  // Every database starts with the countries.
  EXPECT_GT(empty.data().entities(), 100u);
  EXPECT_EQ(empty.replication().role(), v1::REPLICATION_ROLE_STANDALONE);
  EXPECT_EQ(empty.replication().applied_sequence(), 0u);
  EXPECT_FALSE(empty.settings().claims());
  EXPECT_EQ(empty.settings().max_message_bytes(), 3u << 20);
  EXPECT_EQ(empty.settings().query_memory_bytes(), 0u);  // the reader has no budget

  constexpr int kStatements = 12;  // one document each (TestStatement)
  v1::IngestResponse ingested;
  ASSERT_TRUE(server.Ingest(0, kStatements, &ingested).ok());
  ASSERT_EQ(ingested.accepted(), kStatements);
  v1::GetServerInfoResponse full;
  ASSERT_TRUE(Info(server, &full).ok());
  EXPECT_EQ(full.data().statements(), kStatements);
  EXPECT_EQ(full.data().statements_ingested(), kStatements);
  EXPECT_EQ(full.data().statements_retracted(), 0u);
  EXPECT_EQ(full.data().entities(), empty.data().entities() + 2);  // Rutte and Yoon
  // An estimate: at least every document, not wildly more.
  EXPECT_GE(full.data().documents_estimate(), kStatements);
  EXPECT_LE(full.data().documents_estimate(), 2 * kStatements);
  EXPECT_EQ(full.database_id(), empty.database_id());

  v1::RetractRequest retract;
  retract.add_statement_ids(ingested.statement_ids(0));
  retract.add_statement_ids(ingested.statement_ids(1));
  retract.set_reason("test");
  v1::RetractResponse retracted;
  grpc::ClientContext ctx;
  ASSERT_TRUE(
      v1::IngestService::NewStub(server.NewChannel())->Retract(&ctx, retract, &retracted).ok());
  ASSERT_EQ(retracted.retracted(), 2u);
  v1::GetServerInfoResponse after;
  ASSERT_TRUE(Info(server, &after).ok());
  EXPECT_EQ(after.data().statements(), kStatements - 2);
  EXPECT_EQ(after.data().statements_ingested(), kStatements);
  EXPECT_EQ(after.data().statements_retracted(), 2u);
}

TEST(ServerInfoTest, TheReaderRoleMayCallItOverGrpcAndWithGetOverHttp) {
  testing::TempDir dir;
  const std::string tokens = dir.path() + "/tokens";
  testing::WriteTokensFile(tokens);
  ServerOptions options;
  options.access.tokens_file = tokens;
  options.http_listen = "127.0.0.1:0";
  RunningServer server(options);
  ASSERT_TRUE(server.ok());

  v1::GetServerInfoResponse info;
  const grpc::Status none = Info(server, &info);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const grpc::Status reader = Info(server, &info, testing::kReaderToken);
  ASSERT_TRUE(reader.ok()) << reader.error_message();
  EXPECT_EQ(info.version(), kVersion);

  httplib::Client client("127.0.0.1", server.server().http_port());
  client.set_read_timeout(std::chrono::seconds(30));
  auto index = client.Get("/v1");
  ASSERT_TRUE(index);
  // Listed, with GET allowed (a read of the reader role). The index is a
  // protobuf Struct, whose keys come in no fixed order: parse it.
  google::protobuf::Struct methods;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(index->body, &methods).ok())
      << index->body;
  int listed = 0;
  for (const auto& m : methods.fields().at("methods").list_value().values()) {
    const auto& f = m.struct_value().fields();
    if (f.at("path").string_value() != "/v1/GraphService/GetServerInfo") continue;
    ++listed;
    EXPECT_EQ(f.at("grpc").string_value(), "/entente.v1.GraphService/GetServerInfo");
    EXPECT_TRUE(f.at("get").bool_value());
    EXPECT_TRUE(f.at("served").bool_value());
  }
  EXPECT_EQ(listed, 1) << index->body;
  auto got = client.Get("/v1/GraphService/GetServerInfo",
                        {{"Authorization", std::string("Bearer ") + testing::kReaderToken}});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200) << got->body;
  EXPECT_THAT(got->body, HasSubstr(R"("role":"REPLICATION_ROLE_STANDALONE")"));
  EXPECT_THAT(got->body, HasSubstr(std::string(R"("version":")") + kVersion + "\""));
}

}  // namespace
}  // namespace entente::service
