// grpc.health.v1.Health: SERVING for "" and every Entente service while the
// server runs and is ready, NOT_SERVING once it begins to shut down or while
// it is not ready (a replica lagging the log beyond --max_lag).
#ifndef ENTENTE_SERVICE_HEALTH_SERVICE_H_
#define ENTENTE_SERVICE_HEALTH_SERVICE_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "grpc/health/v1/health.grpc.pb.h"

namespace entente::service {

// Thread-safe. Watch streams end when the server shuts down.
class HealthServiceImpl final : public grpc::health::v1::Health::Service {
 public:
  // `ready`, if set, is asked at each Check and every 200 ms of a Watch
  // (which reports each change); it must be thread-safe and cheap.
  explicit HealthServiceImpl(std::function<bool()> ready = nullptr) : ready_(std::move(ready)) {}

  grpc::Status Check(grpc::ServerContext* ctx, const grpc::health::v1::HealthCheckRequest* req,
                     grpc::health::v1::HealthCheckResponse* resp) override;
  grpc::Status Watch(grpc::ServerContext* ctx, const grpc::health::v1::HealthCheckRequest* req,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

  // Every service reports NOT_SERVING from now on; wakes Watch calls.
  void SetNotServing();

 private:
  // Running and, if a readiness test is set, ready.
  bool Serving() const;

  const std::function<bool()> ready_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool serving_ = true;  // guarded by mu_; false from shutdown on
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_HEALTH_SERVICE_H_
