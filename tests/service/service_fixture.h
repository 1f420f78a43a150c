// A real server on 127.0.0.1 (port 0) over a real RocksDB database in a
// temporary directory, with generated stubs, for the service tests.
#ifndef ENTENTE_TESTS_SERVICE_SERVICE_FIXTURE_H_
#define ENTENTE_TESTS_SERVICE_SERVICE_FIXTURE_H_

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "service/server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace entente::service {

// The statements of a JSON-lines file of tests/fixtures/: by default the seed
// story, tests/fixtures/seed-2024-10-22.jsonl; "claims-2024-10.jsonl" is the
// claims fixture (tests/fixtures/README.md).
inline std::vector<v1::Statement> LoadFixture(const std::string& name = "seed-2024-10-22.jsonl") {
  std::ifstream in(std::string(ENTENTE_FIXTURES_DIR) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<v1::Statement> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    v1::Statement s;
    auto st = google::protobuf::util::JsonStringToMessage(line, &s);
    EXPECT_TRUE(st.ok()) << st.ToString() << " in " << line;
    out.push_back(s);
  }
  return out;
}

// The field paths of the BadRequest carried by a status's details.
inline std::vector<std::string> BadRequestFields(const std::string& details) {
  google::rpc::Status st;
  EXPECT_TRUE(st.ParseFromString(details));
  std::vector<std::string> out;
  for (const auto& any : st.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) out.push_back(v.field());
  }
  return out;
}

class ServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open(dir_.path(), storage::StoreOptions());
    ASSERT_OK(store);
    store_ = std::move(*store);
    ingestor_ = std::make_unique<graph::Ingestor>(store_.get(), nullptr,
                                                  graph::Ingestor::Mode::kOnline, ClaimWindow());
    ASSERT_OK(ingestor_->Init());
    reader_ = std::make_unique<graph::GraphReader>(store_.get());
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    ConfigureServer(&options);
    auto server = Server::Start(ingestor_.get(), reader_.get(), options);
    ASSERT_OK(server);
    server_ = std::move(*server);
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(64 << 20);
    channel_ = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server_->port()),
                                         grpc::InsecureChannelCredentials(), args);
    ingest_ = v1::IngestService::NewStub(channel_);
    graph_ = v1::GraphService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::milliseconds(100));
  }

  // The claim window of the database (docs/claims.md); none keeps no claims.
  virtual std::optional<int32_t> ClaimWindow() const { return std::nullopt; }
  // Changes the server's options (tokens, say) before it starts.
  virtual void ConfigureServer(ServerOptions* options) {}

  v1::IngestResponse IngestSeed(const std::string& fixture = "seed-2024-10-22.jsonl") {
    v1::IngestRequest req;
    for (auto& s : LoadFixture(fixture)) *req.add_statements() = s;
    v1::IngestResponse resp;
    grpc::ClientContext ctx;
    grpc::Status st = ingest_->Ingest(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }

  entente::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<graph::Ingestor> ingestor_;
  std::unique_ptr<graph::GraphReader> reader_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::GraphService::Stub> graph_;
};

}  // namespace entente::service

#endif  // ENTENTE_TESTS_SERVICE_SERVICE_FIXTURE_H_
