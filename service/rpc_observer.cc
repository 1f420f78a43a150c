#include "service/rpc_observer.h"

#include <grpc/grpc.h>
#include <grpcpp/server_context.h>

#include <chrono>
#include <cstdio>

namespace entente::service {
namespace {

using Hook = grpc::experimental::InterceptionHookPoints;

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

// Server faults are errors; a caller's mistakes and cancellations only
// warnings, so that alerting on "error" means the server needs attention.
const char* LevelOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "info";
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS: return "error";
    default: return "warn";
  }
}

class RpcObserver : public grpc::experimental::Interceptor {
 public:
  RpcObserver(grpc::experimental::ServerRpcInfo* info, const RpcObserverOptions* options)
      : info_(info), options_(options), method_(info->method() ? info->method() : "") {}

  // A call that never reached PRE_SEND_STATUS (its client went away first)
  // is still counted, as CANCELLED.
  ~RpcObserver() override {
    if (started_ && !finished_) Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client gone"));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_INITIAL_METADATA) && !started_) {
      Start();
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS) && started_ && !finished_) {
      Finish(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void Start() {
    started_ = true;
    start_ = std::chrono::steady_clock::now();
    grpc::ServerContextBase* ctx = info_->server_context();
    peer_ = ctx->peer();
    in_flight_ = options_->metrics->TryStartRpc(options_->max_concurrent_calls);
    if (!in_flight_) {
      // Refused before the handler runs. The whole call fails now with this
      // status; the handler may still be entered, but sees a cancelled call
      // (handlers that write check ServerContext::IsCancelled() first).
      const std::string message = ConcurrencyLimitMessage(options_->max_concurrent_calls);
      grpc_call_cancel_with_status(ctx->c_call(), GRPC_STATUS_RESOURCE_EXHAUSTED,
                                   message.c_str(), nullptr);
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, message));
    }
  }

  void Finish(const grpc::Status& status) {
    finished_ = true;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const char* code = CodeName(status.error_code());
    options_->metrics->FinishRpc(method_, code, seconds, in_flight_);
    if (options_->log_format == LogFormat::kJson) {
      JsonLine line = JsonLine::Log(LevelOf(status.error_code()), "rpc");
      line.Str("rpc", method_).Str("peer", peer_).Str("code", code);
      line.Num("duration_ms", seconds * 1e3);
      if (!status.ok()) line.Str("error", status.error_message());
      Write(line.Finish());
    } else if (options_->log_requests) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.3f", seconds * 1e3);
      std::string text = "entente-server: rpc " + method_ + " from " + peer_ + " " + code + " " +
                         ms + " ms";
      if (!status.ok()) text += ": " + status.error_message();
      Write(text + "\n");
    }
  }

  void Write(const std::string& line) const {
    if (options_->log_sink) {
      options_->log_sink(line);
    } else {
      WriteStderrLine(line);
    }
  }

  grpc::experimental::ServerRpcInfo* const info_;
  const RpcObserverOptions* const options_;
  const std::string method_;
  std::string peer_;
  std::chrono::steady_clock::time_point start_;
  bool started_ = false;
  bool in_flight_ = false;
  bool finished_ = false;
};

}  // namespace

std::string ConcurrencyLimitMessage(int limit) {
  return "server busy: " + std::to_string(limit) +
         " calls already in flight, the limit set by --max_concurrent_streams; retry with "
         "backoff";
}

grpc::experimental::Interceptor* RpcObserverFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcObserver(info, &options_);
}

}  // namespace entente::service
