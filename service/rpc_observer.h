// A gRPC server interceptor that sees every call of every service, including
// services added later: it admits or refuses each call (service/admission.h),
// enforces the request size limit, puts streams under the idle watchdog
// (service/stream_watchdog.h), and when the call ends records in Metrics
// and in the per-call log line the status its client actually received.
//
// That status is not always the one the handler returned: a stream cut by
// its client, by its deadline or by shutdown ends with the handler seeing
// only a failed Read(), and a call this interceptor refused or cut is failed
// for its client before the handler returns. Recording what the client saw
// is what makes the RESOURCE_EXHAUSTED and server-fault alerts of
// docs/operations.md mean what they say.
#ifndef ENTENTE_SERVICE_RPC_OBSERVER_H_
#define ENTENTE_SERVICE_RPC_OBSERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include <grpcpp/support/server_interceptor.h>

#include "service/admission.h"
#include "service/json_log.h"
#include "service/metrics.h"
#include "service/stream_watchdog.h"

namespace entente::service {

struct RpcObserverOptions {
  Metrics* metrics = nullptr;         // required
  Admission* admission = nullptr;     // required
  StreamWatchdog* watchdog = nullptr; // required
  // Set once the server begins to shut down: calls cut after that were cut
  // by the shutdown (their clients see UNAVAILABLE).
  const std::atomic<bool>* shutting_down = nullptr;  // required
  // Largest request message, in its serialized size; larger ones fail with
  // RESOURCE_EXHAUSTED naming --max_message_mb. <= 0: no limit here.
  int64_t max_message_bytes = 0;
  LogFormat log_format = LogFormat::kText;
  // A line per finished call. Always on in LogFormat::kJson.
  bool log_requests = false;
  // Receives each log line (with its newline); default: stderr.
  std::function<void(const std::string&)> log_sink;
};

// The message of the RESOURCE_EXHAUSTED status of a request over the size
// limit.
std::string MessageSizeLimitMessage(uint64_t size, int64_t limit);

// The message of the INVALID_ARGUMENT status of a request whose bytes are
// not a valid message of the method's request type.
std::string MalformedRequestMessage(const std::string& method);

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
