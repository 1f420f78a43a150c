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

grpc::Status HealthServiceImpl::Check(grpc::ServerContext*,
                                      const grpc::health::v1::HealthCheckRequest* req,
                                      HealthCheckResponse* resp) {
  if (!Known(req->service())) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service " + req->service());
  }
  std::lock_guard<std::mutex> lock(mu_);
  resp->set_status(serving_ ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
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
  std::unique_lock<std::mutex> lock(mu_);
  const bool was_serving = serving_;
  resp.set_status(was_serving ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
  lock.unlock();
  if (!writer->Write(resp) || !was_serving) return grpc::Status::OK;
  // The only change there can be is to NOT_SERVING, at shutdown.
  lock.lock();
  while (serving_ && !ctx->IsCancelled()) {
    // Poll for cancellation: gRPC's sync API offers no wake-up on it.
    changed_.wait_for(lock, std::chrono::milliseconds(200));
  }
  if (!serving_ && !ctx->IsCancelled()) {
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
