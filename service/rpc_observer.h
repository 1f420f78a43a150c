// A gRPC server interceptor that sees every call of every service, including
// services added later: it counts calls in flight and refuses those above
// the server's limit, records each finished call in Metrics, and writes the
// per-call log line.
#ifndef ENTENTE_SERVICE_RPC_OBSERVER_H_
#define ENTENTE_SERVICE_RPC_OBSERVER_H_

#include <functional>
#include <string>

#include <grpcpp/support/server_interceptor.h>

#include "service/json_log.h"
#include "service/metrics.h"

namespace entente::service {

struct RpcObserverOptions {
  Metrics* metrics = nullptr;  // required
  // Calls in flight at once over all connections; <= 0: no limit.
  int max_concurrent_calls = 0;
  LogFormat log_format = LogFormat::kText;
  // A line per finished call. Always on in LogFormat::kJson.
  bool log_requests = false;
  // Receives each log line (with its newline); default: stderr.
  std::function<void(const std::string&)> log_sink;
};

// The message of the RESOURCE_EXHAUSTED status of a refused call.
std::string ConcurrencyLimitMessage(int limit);

class RpcObserverFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcObserverFactory(RpcObserverOptions options) : options_(std::move(options)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const RpcObserverOptions options_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_RPC_OBSERVER_H_
