// A real Entente server on 127.0.0.1 (port 0) over a fresh RocksDB database,
// started with the options a test chooses, for the observability and limit
// tests.
#ifndef ENTENTE_TESTS_SERVICE_OPS_FIXTURE_H_
#define ENTENTE_TESTS_SERVICE_OPS_FIXTURE_H_

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "service/metrics.h"
#include "service/server.h"
#include "tests/testing/temp_dir.h"

namespace entente::service {

// Statement `n` of a family of valid, distinct statements.
inline v1::Statement TestStatement(int n) {
  const std::string json =
      R"({"actor":{"name":"Mark Rutte","kind":"PERSON"},"action":{"text":"met","cameoCode":"040"},)"
      R"("target":{"name":"Yoon Suk Yeol","kind":"PERSON"},"date":{"year":2024,"month":10},)"
      R"("source":{"documentId":"ops-test-)" +
      std::to_string(n) + R"("},"quote":"Rutte met Yoon, time )" + std::to_string(n) +
      R"(.","modality":"ASSERTED","confidence":0.9})";
  v1::Statement s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &s).ok()) << json;
  return s;
}

class RunningServer {
 public:
  // `options.listen` and `options.store` are set here.
  explicit RunningServer(ServerOptions options) {
    auto store = storage::Store::Open(dir_.path(), storage::StoreOptions());
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    ingestor_ = std::make_unique<graph::Ingestor>(store_.get());
    EXPECT_TRUE(ingestor_->Init().ok());
    reader_ = std::make_unique<graph::GraphReader>(store_.get());
    options.listen = "127.0.0.1:0";
    options.store = store_.get();
    auto server = Server::Start(ingestor_.get(), reader_.get(), options);
    EXPECT_TRUE(server.ok()) << server.status();
    if (server.ok()) server_ = std::move(*server);
  }
  ~RunningServer() { Stop(); }

  // Lets calls finish; afterwards every call's log line is written.
  void Stop() {
    if (server_ && !stopped_) {
      server_->Shutdown(std::chrono::milliseconds(2000));
      server_->Wait();
    }
    stopped_ = true;
  }

  bool ok() const { return server_ != nullptr; }
  Server& server() { return *server_; }
  storage::Store& store() { return *store_; }
  // A new connection each time (its own HTTP/2 stream limit).
  std::shared_ptr<grpc::Channel> NewChannel() const {
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(-1);
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server_->port()),
                                     grpc::InsecureChannelCredentials(), args);
  }

  // Waits until the server counts `n` calls in flight (a count only the
  // server can see; bounded so a bug fails the test instead of hanging it).
  bool AwaitInFlight(int64_t n) const {
    for (int i = 0; i < 2000; ++i) {
      if (server_->metrics().in_flight() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  // Ingests statements [first, first + count) in one call.
  grpc::Status Ingest(int first, int count, v1::IngestResponse* resp) const {
    v1::IngestRequest req;
    for (int i = first; i < first + count; ++i) *req.add_statements() = TestStatement(i);
    grpc::ClientContext ctx;
    return v1::IngestService::NewStub(NewChannel())->Ingest(&ctx, req, resp);
  }

 private:
  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<graph::Ingestor> ingestor_;
  std::unique_ptr<graph::GraphReader> reader_;
  std::unique_ptr<Server> server_;
  bool stopped_ = false;
};

}  // namespace entente::service

#endif  // ENTENTE_TESTS_SERVICE_OPS_FIXTURE_H_
