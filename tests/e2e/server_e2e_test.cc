// The built entente-server binary, started as a process, driven over
// loopback gRPC.
#include <signal.h>

#include <fstream>

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace entente {
namespace {

using ::testing::Contains;

std::shared_ptr<grpc::Channel> Connect(const testing::ServerProcess& server) {
  return grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
}

v1::Statement Statement(int i) {
  v1::Statement s;
  s.mutable_actor()->set_name("North Korea");
  s.mutable_action()->set_text("deployed troops to");
  s.mutable_action()->set_cameo_code("072");
  s.mutable_target()->set_name("Russia");
  s.mutable_date()->set_year(2024);
  s.mutable_date()->set_month(10);
  s.mutable_source()->set_document_id("doc");
  s.set_quote("quote " + std::to_string(i));
  return s;
}

uint64_t CountStatements(std::shared_ptr<grpc::Channel> channel, const std::string& name) {
  auto graph = v1::GraphService::NewStub(channel);
  v1::ListStatementsRequest req;
  req.mutable_entity()->set_name(name);
  req.set_page_size(1000);
  uint64_t n = 0;
  do {
    v1::ListStatementsResponse resp;
    grpc::ClientContext ctx;
    grpc::Status st = graph->ListStatements(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    if (!st.ok()) return n;
    n += resp.statements_size();
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  return n;
}

TEST(ServerE2eTest, ReflectionListsAndDescribesTheServices) {
  testing::TempDir dir;
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir.Sub("db"));
  ASSERT_NE(server.port(), 0) << server.log();
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(Connect(server));
  grpc::ClientContext ctx;
  auto stream = stub->ServerReflectionInfo(&ctx);
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("");
  ASSERT_TRUE(stream->Write(req));
  grpc::reflection::v1alpha::ServerReflectionResponse resp;
  ASSERT_TRUE(stream->Read(&resp));
  std::vector<std::string> names;
  for (const auto& s : resp.list_services_response().service()) names.push_back(s.name());
  EXPECT_THAT(names, Contains("entente.v1.IngestService"));
  EXPECT_THAT(names, Contains("entente.v1.GraphService"));
  EXPECT_THAT(names, Contains("grpc.health.v1.Health"));
  // A client without our .proto files can get them from the server.
  for (const char* symbol : {"entente.v1.GraphService", "grpc.health.v1.Health"}) {
    grpc::reflection::v1alpha::ServerReflectionRequest file_req;
    file_req.set_file_containing_symbol(symbol);
    ASSERT_TRUE(stream->Write(file_req));
    ASSERT_TRUE(stream->Read(&resp));
    EXPECT_GT(resp.file_descriptor_response().file_descriptor_proto_size(), 0) << symbol;
  }
  stream->WritesDone();
  stream->Finish().IgnoreError();
}

TEST(ServerE2eTest, HealthServesUntilSigtermThenExitsCleanly) {
  testing::TempDir dir;
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir.Sub("db"));
  ASSERT_NE(server.port(), 0) << server.log();
  auto health = grpc::health::v1::Health::NewStub(Connect(server));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(health->Check(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
  EXPECT_NE(server.log().find("stopped"), std::string::npos) << server.log();
}

TEST(ServerE2eTest, AcknowledgedStatementsSurviveKill9) {
  testing::TempDir dir;
  uint64_t acknowledged = 0;
  {
    testing::ServerProcess server(ENTENTE_SERVER_BIN, dir.Sub("db"));
    ASSERT_NE(server.port(), 0) << server.log();
    auto ingest = v1::IngestService::NewStub(Connect(server));
    for (int batch = 0; batch < 5; ++batch) {
      v1::IngestRequest req;
      for (int i = 0; i < 200; ++i) *req.add_statements() = Statement(batch * 200 + i);
      v1::IngestResponse resp;
      grpc::ClientContext ctx;
      ASSERT_TRUE(ingest->Ingest(&ctx, req, &resp).ok());
      acknowledged += resp.accepted();
    }
    EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  }
  testing::ServerProcess again(ENTENTE_SERVER_BIN, dir.Sub("db"));
  ASSERT_NE(again.port(), 0) << again.log();
  EXPECT_EQ(acknowledged, 1000u);
  // Every statement is there and indexed both ways.
  EXPECT_EQ(CountStatements(Connect(again), "North Korea"), acknowledged);
  EXPECT_EQ(CountStatements(Connect(again), "Russia"), acknowledged);
}

TEST(ServerE2eTest, OfflineImportIsServedAfterwards) {
  testing::TempDir dir;
  const std::string tsv = dir.Sub("events.tsv");
  {
    std::ofstream out(tsv);
    out << "North Korea\tProvide military aid\tRussia\t2024-10-01\n"
        << "North Korea\tProvide military aid\tRussia\t2024-10-01\n"  // a second event
        << "Russia\tConsult\tNorth Korea\t2024-10-02\n"
        << "broken line\n";
  }
  auto r = testing::Run({ENTENTE_ADMIN_BIN, "import", "--data", dir.Sub("db"), tsv});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // one line was rejected
  EXPECT_NE(r.out.find("accepted 3"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("events.tsv:4"), std::string::npos) << r.err;
  testing::ServerProcess server(ENTENTE_SERVER_BIN, dir.Sub("db"));
  ASSERT_NE(server.port(), 0) << server.log();
  EXPECT_EQ(CountStatements(Connect(server), "North Korea"), 3u);
  // A second offline import into a database with statements is refused.
  server.Stop(SIGTERM);
  r = testing::Run({ENTENTE_ADMIN_BIN, "import", "--data", dir.Sub("db"), tsv});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("without statements"), std::string::npos) << r.err;
}

TEST(ServerE2eTest, RefusesABadDataDirectoryWithAMessage) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("file")) << "not a directory";
  auto r = testing::Run({ENTENTE_SERVER_BIN, "--listen", "127.0.0.1:0", "--data", dir.Sub("file")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("entente-server:"), std::string::npos) << r.err;
}

TEST(ServerE2eTest, HelpTeachesTheFlags) {
  auto r = testing::Run({ENTENTE_SERVER_BIN, "--help"});
  EXPECT_NE(r.out.find("--listen"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("--data"), std::string::npos);
}

}  // namespace
}  // namespace entente
