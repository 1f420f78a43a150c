#include "service/rpc_observer.h"

#include <google/protobuf/message_lite.h>
#include <grpc/grpc.h>
#include <grpcpp/server_context.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"

namespace entente::service {
namespace {

using Hook = grpc::experimental::InterceptionHookPoints;
using RpcType = grpc::experimental::ServerRpcInfo::Type;

// The grpc_type of the grpc_server_* metrics.
RpcKind KindOf(RpcType type) {
  switch (type) {
    case RpcType::UNARY:
      return RpcKind::kUnary;
    case RpcType::CLIENT_STREAMING:
      return RpcKind::kClientStream;
    case RpcType::SERVER_STREAMING:
      return RpcKind::kServerStream;
    case RpcType::BIDI_STREAMING:
      return RpcKind::kBidiStream;
  }
  return RpcKind::kUnary;
}

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

grpc::Status FromAbsl(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

// A watched stream holds a reference on its call, so that the watchdog may
// cancel it whatever the order in which gRPC tears the call down.
class WatchedStream {
 public:
  WatchedStream(StreamWatchdog* watchdog, grpc_call* call) : watchdog_(watchdog), stream_(call) {
    grpc_call_ref(call);
    watchdog_->Watch(&stream_);
  }
  ~WatchedStream() {
    Unwatch();
    grpc_call_unref(stream_.call);
  }
  void Touch() { stream_.Touch(); }
  // True if the watchdog ended the stream for being idle.
  bool Unwatch() {
    if (!unwatched_) {
      unwatched_ = true;
      ended_idle_ = watchdog_->Unwatch(&stream_);
    }
    return ended_idle_;
  }

 private:
  StreamWatchdog* const watchdog_;
  StreamWatchdog::Stream stream_;
  bool unwatched_ = false;
  bool ended_idle_ = false;
};

// One call. gRPC runs a call's interception hooks one batch at a time, so
// the members need no lock; the watchdog shares only WatchedStream.
//
// Every call passes through here, so what it does per call is kept small:
// no string is copied or built unless a log line is written (the peer is
// read only for logs and for Watch admission), and the metrics are counted
// into the method's counters without a lock (Metrics::MethodStats).
class RpcObserver : public grpc::experimental::Interceptor {
 public:
  RpcObserver(grpc::experimental::ServerRpcInfo* info, const RpcObserverOptions* options)
      : info_(info), options_(options), method_(info->method() ? info->method() : "") {}

  // A call that never reached PRE_SEND_STATUS (its client went away first)
  // is still counted.
  ~RpcObserver() override {
    if (started_ && !finished_) Finish(StatusSeen(nullptr, /*cancelled=*/true));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_INITIAL_METADATA) && !started_) {
      Start();
    }
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_MESSAGE) && started_) {
      Received(methods->GetRecvMessage());
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_MESSAGE) && stream_) {
      stream_->Touch();
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS) && started_ && !finished_) {
      grpc::Status sent = methods->GetSendStatus();
      if (request_malformed_ && sent.error_code() == grpc::StatusCode::INTERNAL) {
        // gRPC answers a request it could not parse with INTERNAL and no
        // message, as if the server were at fault: it is the caller's.
        sent = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            MalformedRequestMessage(std::string(method_)));
        methods->ModifySendStatus(sent);
      }
      Finish(StatusSeen(&sent, info_->server_context()->IsCancelled()));
    }
    methods->Proceed();
  }

 private:
  void Start() {
    started_ = true;
    start_ = std::chrono::steady_clock::now();
    grpc::ServerContextBase* ctx = info_->server_context();
    deadline_ = ctx->deadline();
    stats_ = options_->metrics->ForMethod(method_, KindOf(info_->type()));
    options_->metrics->StartRpc(stats_);
    class_ = CallClassOf(method_);
    // gRPC builds the peer string anew at each ctx->peer(): read it only
    // when it is used, by a log line or by the per-address Watch limit.
    if (class_ == CallClass::kHealthWatch || options_->log_format == LogFormat::kJson ||
        options_->log_requests) {
      peer_ = ctx->peer();
    }
    const absl::Status admitted = options_->admission->Acquire(class_, peer_);
    admitted_ = admitted.ok();
    if (!admitted_) {
      // Refused before the handler runs. The handler may still be entered,
      // but sees a cancelled call (handlers that write check
      // ServerContext::IsCancelled() first).
      Impose(FromAbsl(admitted));
      return;
    }
    if (info_->type() != RpcType::UNARY) {
      stream_ = std::make_unique<WatchedStream>(options_->watchdog, ctx->c_call());
    }
  }

  void Received(void* message) {
    if (message == nullptr) {
      // A unary or server-streaming call has exactly one request: without
      // it, gRPC could not parse the bytes. (For the other kinds, the end
      // of the client's stream looks the same.)
      const RpcType type = info_->type();
      request_malformed_ = type == RpcType::UNARY || type == RpcType::SERVER_STREAMING;
      return;
    }
    if (stream_) stream_->Touch();
    if (options_->max_message_bytes <= 0) return;
    // Every service of this server is generated from .proto files, so
    // every request is a protobuf message.
    auto* request = static_cast<google::protobuf::MessageLite*>(message);
    const size_t size = request->ByteSizeLong();
    if (size > static_cast<uint64_t>(options_->max_message_bytes)) {
      Impose(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          MessageSizeLimitMessage(size, options_->max_message_bytes)));
      // The message still reaches the handler, which may run before the
      // cancellation does (seen under load: an oversized batch refused to
      // its client, yet stored). Emptied, nothing of it can be acted on.
      request->Clear();
    }
  }

  // Fails the call for its client now, with `status`; the first such
  // status is what the client sees.
  void Impose(const grpc::Status& status) {
    if (imposed_) return;
    imposed_ = status;
    grpc_call_cancel_with_status(info_->server_context()->c_call(),
                                 static_cast<grpc_status_code>(status.error_code()),
                                 status.error_message().c_str(), nullptr);
  }

  // What the client received, given the status the handler sent (null if
  // none) and whether gRPC reports the call cancelled.
  grpc::Status StatusSeen(const grpc::Status* sent, bool cancelled) {
    const bool ended_idle = stream_ && stream_->Unwatch();
    if (imposed_) return *imposed_;
    if (ended_idle) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          options_->watchdog->IdleMessage());
    }
    if (sent != nullptr && !cancelled) return *sent;
    if (options_->shutting_down->load()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down");
    }
    // The client's deadline timer may fire, and cancel the call, a little
    // before the server's copy of the deadline (which starts when the call
    // arrives): a cut that close to the deadline is the deadline's.
    constexpr auto kDeadlineSlack = std::chrono::milliseconds(250);
    if (std::chrono::system_clock::now() + kDeadlineSlack >= deadline_) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded");
    }
    return grpc::Status(grpc::StatusCode::CANCELLED,
                        "cancelled by the client, or its connection was lost");
  }

  void Finish(const grpc::Status& status) {
    finished_ = true;
    if (admitted_) options_->admission->Release(class_, peer_);
    stream_.reset();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    options_->metrics->FinishRpc(stats_, static_cast<int>(status.error_code()), seconds);
    if (options_->log_format != LogFormat::kJson && !options_->log_requests) return;
    const char* code = CodeName(status.error_code());
    if (options_->log_format == LogFormat::kJson) {
      JsonLine line = JsonLine::Log(LevelOf(status.error_code()), "rpc");
      line.Str("rpc", method_).Str("peer", peer_).Str("code", code);
      line.Num("duration_ms", seconds * 1e3);
      if (!status.ok()) line.Str("error", status.error_message());
      Write(line.Finish());
    } else if (options_->log_requests) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.3f", seconds * 1e3);
      // The method name and the status message may repeat client input.
      std::string text = absl::StrCat("entente-server: rpc ", EscapeLogText(method_), " from ",
                                      EscapeLogText(peer_), " ", code, " ", ms, " ms");
      if (!status.ok()) absl::StrAppend(&text, ": ", EscapeLogText(status.error_message()));
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
  const std::string_view method_;  // gRPC's, alive as long as the call
  Metrics::MethodStats* stats_ = nullptr;
  std::string peer_;  // only when logged or needed for admission
  std::chrono::steady_clock::time_point start_;
  std::chrono::system_clock::time_point deadline_;
  CallClass class_ = CallClass::kAdmin;
  std::unique_ptr<WatchedStream> stream_;  // streaming calls only
  std::optional<grpc::Status> imposed_;
  bool started_ = false;
  bool admitted_ = false;
  bool request_malformed_ = false;
  bool finished_ = false;
};

}  // namespace

std::string MessageSizeLimitMessage(uint64_t size, int64_t limit) {
  return absl::StrCat("request message of ", size, " bytes is larger than the limit of ", limit,
                      " bytes set by --max_message_mb; send smaller messages (IngestStream "
                      "takes any number)");
}

std::string MalformedRequestMessage(const std::string& method) {
  return absl::StrCat("the request is not a valid message for ", method,
                      ": its bytes do not parse as the method's request type (malformed "
                      "protobuf, or a string field that is not valid UTF-8)");
}

grpc::experimental::Interceptor* RpcObserverFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcObserver(info, &options_);
}

}  // namespace entente::service
