#include "service/health_service.h"

#include <chrono>
#include <string>
#include <thread>

namespace entente::service {
namespace {

using grpc::health::v1::HealthCheckResponse;

bool Known(const std::string& service) {
  return service.empty() || service == "entente.v1.IngestService" ||
         service == "entente.v1.GraphService";
}

}  // namespace

bool HealthServiceImpl::Serving() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!serving_) return false;
  }
  return ready_ == nullptr || ready_();
}

grpc::Status HealthServiceImpl::Check(grpc::ServerContext*,
                                      const grpc::health::v1::HealthCheckRequest* req,
                                      HealthCheckResponse* resp) {
  if (!Known(req->service())) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service " + req->service());
  }
  resp->set_status(Serving() ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
  return grpc::Status::OK;
}

grpc::Status HealthServiceImpl::Watch(grpc::ServerContext* ctx,
                                      const grpc::health::v1::HealthCheckRequest* req,
                                      grpc::ServerWriter<HealthCheckResponse>* writer) {
  HealthCheckResponse resp;
  if (!Known(req->service())) {
    resp.set_status(HealthCheckResponse::SERVICE_UNKNOWN);
    writer->Write(resp);
    // Per the protocol an unknown service does not end the call; there is
    // nothing further to report, so wait for the client to go away.
    while (!ctx->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return grpc::Status::OK;
  }
  // Reports the status, then each change of it, until shutdown (after which
  // it cannot change back) or the client's cancellation.
  bool reported = Serving();
  resp.set_status(reported ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
  if (!writer->Write(resp)) return grpc::Status::OK;
  std::unique_lock<std::mutex> lock(mu_);
  while (serving_ && !ctx->IsCancelled()) {
    // Poll for cancellation and readiness: gRPC's sync API offers no
    // wake-up on the one, and the other is a figure, not an event.
    changed_.wait_for(lock, std::chrono::milliseconds(200));
    lock.unlock();
    const bool now = Serving();
    if (now != reported && !ctx->IsCancelled()) {
      reported = now;
      resp.set_status(now ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
      if (!writer->Write(resp)) return grpc::Status::OK;
    }
    lock.lock();
  }
  if (!serving_ && reported && !ctx->IsCancelled()) {
    lock.unlock();
    resp.set_status(HealthCheckResponse::NOT_SERVING);
    writer->Write(resp);
  }
  return grpc::Status::OK;
}

void HealthServiceImpl::SetNotServing() {
  std::lock_guard<std::mutex> lock(mu_);
  serving_ = false;
  changed_.notify_all();
}

}  // namespace entente::service
