// HealthServiceImpl with a readiness test (a replica lagging the log,
// service/server.cc): Check and Watch follow it, on a real gRPC server.
#include "service/health_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

namespace entente::service {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class HealthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    health_ = std::make_unique<HealthServiceImpl>([this] { return ready_.load(); });
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(health_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    stub_ = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    health_->SetNotServing();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  HealthCheckResponse::ServingStatus Check() {
    HealthCheckResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->Check(&ctx, HealthCheckRequest(), &resp).ok());
    return resp.status();
  }

  std::atomic<bool> ready_{false};
  std::unique_ptr<HealthServiceImpl> health_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
};

TEST_F(HealthServiceTest, CheckFollowsReadiness) {
  EXPECT_EQ(Check(), HealthCheckResponse::NOT_SERVING);
  ready_ = true;
  EXPECT_EQ(Check(), HealthCheckResponse::SERVING);
  ready_ = false;
  EXPECT_EQ(Check(), HealthCheckResponse::NOT_SERVING);
  ready_ = true;
  health_->SetNotServing();  // shutting down outranks ready
  EXPECT_EQ(Check(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthServiceTest, WatchReportsEachChangeUntilShutdown) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto reader = stub_->Watch(&ctx, HealthCheckRequest());
  HealthCheckResponse resp;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
  ready_ = true;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  ready_ = false;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
  ready_ = true;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  health_->SetNotServing();
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&resp));  // and the stream ends
  EXPECT_TRUE(reader->Finish().ok());
}

}  // namespace
}  // namespace entente::service
