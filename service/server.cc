#include "service/server.h"

#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "replication/log.h"
#include "service/admin_service.h"
#include "service/admission.h"
#include "service/auth.h"
#include "service/graph_service.h"
#include "service/health_service.h"
#include "service/http_gateway.h"
#include "service/http_site.h"
#include "service/ingest_service.h"
#include "service/metrics.h"
#include "service/metrics_http.h"
#include "service/replicated_writes.h"
#include "service/rpc_observer.h"
#include "service/server_info.h"
#include "service/stream_watchdog.h"

namespace entente::service {
namespace {

// Threads the sync server keeps waiting for calls (see Start).
constexpr int kMaxIdleThreads = 32;

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(graph::Ingestor* ingestor,
                                                      const graph::GraphReader* reader,
                                                      const ServerOptions& options) {
  if (absl::Status allowed = CheckListenAllowed(options.listen, options.access); !allowed.ok()) {
    return allowed;
  }
  // The HTTP port has the gRPC port's TLS and tokens, so the same rule.
  if (!options.http_listen.empty()) {
    if (absl::Status allowed = CheckListenAllowed(options.http_listen, options.access);
        !allowed.ok()) {
      return absl::Status(allowed.code(), "--http_listen: " + std::string(allowed.message()));
    }
  }
  auto access = MakeServerAccess(options.access);
  if (!access.ok()) return access.status();
  std::unique_ptr<Server> s(new Server());
  std::function<bool()> ready;
  if (const replication::Log* log = options.replication_log; log != nullptr) {
    ready = [log, max_lag = options.max_lag] {
      const replication::LogState st = log->state();
      return st.known && !st.behind_retention && (max_lag == 0 || st.lag <= max_lag);
    };
  }
  s->health_ = std::make_unique<HealthServiceImpl>(std::move(ready));
  s->metrics_ = std::make_unique<Metrics>();
  if (options.replication_log != nullptr) {
    s->replicated_ = std::make_unique<ReplicatedWrites>(
        options.replication_log, ingestor, reader, s->metrics_.get(), options.replication_clock);
    const LogFormat format = options.log_format;
    if (absl::Status st =
            s->replicated_->Follow(options.replication_applied,
                                   [format](const std::string& line) {
                                     if (format == LogFormat::kJson) {
                                       WriteStderrLine(JsonLine::Log("warning", line).Finish());
                                     } else {
                                       WriteStderrLine("entente-server: " + line + "\n");
                                     }
                                   });
        !st.ok()) {
      return st;
    }
  }
  s->ingest_ = std::make_unique<IngestServiceImpl>(ingestor, reader, s->metrics_.get(),
                                                   options.log_format, s->replicated_.get());
  {
    ServerInfoOptions info;
    info.reader = reader;
    info.log = options.replication_log;
    info.max_lag = options.max_lag;
    info.max_message_bytes = options.max_receive_message_bytes;
    info.max_concurrent_calls = options.max_concurrent_streams;
    info.stream_idle = options.stream_idle;
    s->info_ = std::make_unique<ServerInfo>(info);
  }
  s->graph_ = std::make_unique<GraphServiceImpl>(reader, s->replicated_.get(), s->info_.get());
  if (options.store != nullptr) {
    s->admin_ = std::make_unique<AdminServiceImpl>(options.store, options.backup_dir);
  }

  AdmissionLimits limits;
  limits.per_pool = options.max_concurrent_streams;
  limits.watches_per_peer = options.max_watches_per_peer;
  limits.watches_total = options.max_watches;
  s->admission_ = std::make_unique<Admission>(limits);
  s->watchdog_ = std::make_unique<StreamWatchdog>(options.stream_idle);

  // gRPC 1.51 locks absl::Mutex many times per call, and Debian builds
  // Abseil with its debug-mode deadlock detection on: every lock then
  // records itself in a process-wide lock graph, under a global lock. That
  // was 15% of the instructions of an empty call and a point where all the
  // server's threads queue; a release build of Abseil does not do it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // The sync server runs each call on the thread that polled it, and keeps
  // at most MAX_POLLERS threads waiting for work: a thread that finishes a
  // call when that many already wait exits, and the next call that finds
  // too few waiting starts a new one. gRPC's default of 2 made every burst
  // of more than two concurrent calls create and destroy a thread per call
  // or so (246 threads for 750 queries from 4 clients). Idle threads cost
  // only their stacks' address space.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kMaxIdleThreads);
  builder.AddListeningPort(options.listen, access->credentials, &s->port_);
  // gRPC enables SO_REUSEPORT by default: a second server on a port in use
  // would start, and the kernel would split connections between two
  // servers with different data. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // The limit itself is the RpcObserver's, which reports what it refuses;
  // gRPC's, twice as high, only bounds what a connection may make us buffer.
  builder.SetMaxReceiveMessageSize(static_cast<int>(
      std::min<int64_t>(int64_t{options.max_receive_message_bytes} * 2, INT_MAX)));
  {
    RpcObserverOptions observer;
    observer.metrics = s->metrics_.get();
    observer.admission = s->admission_.get();
    observer.watchdog = s->watchdog_.get();
    observer.shutting_down = &s->shutting_down_;
    observer.max_message_bytes = options.max_receive_message_bytes;
    observer.log_format = options.log_format;
    observer.log_requests = options.log_requests;
    observer.log_sink = options.log_sink;
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(std::make_unique<RpcObserverFactory>(std::move(observer)));
    // Every call's token becomes its caller's name before a handler runs.
    factories.push_back(std::make_unique<CallerInterceptorFactory>(access->tokens));
    builder.experimental().SetInterceptorCreators(std::move(factories));
  }
  builder.RegisterService(s->health_.get());
  builder.RegisterService(s->ingest_.get());
  builder.RegisterService(s->graph_.get());
  if (s->admin_) builder.RegisterService(s->admin_.get());
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return absl::UnavailableError("cannot listen on " + options.listen +
                                  ": the address is in use (another entente-server?) or not "
                                  "valid here");
  }
  const Metrics* metrics = s->metrics_.get();
  const storage::Store* store = options.store;
  const replication::Log* log = options.replication_log;
  auto render_metrics = [metrics, store, log] {
    std::string text;
    metrics->Render(&text);
    if (store != nullptr) RenderStoreStats(store->Stats(), &text);
    if (log != nullptr) RenderLogState(log->state(), &text);
    RenderProcessStats(&text);
    return text;
  };
  if (!options.metrics_listen.empty()) {
    auto http = MetricsHttpServer::Start(options.metrics_listen, render_metrics);
    if (!http.ok()) return http.status();
    s->metrics_http_ = std::move(*http);
  }
  if (!options.http_listen.empty()) {
    HttpGatewayOptions gateway;
    grpc::ChannelArguments args;
    // The gateway answers what the server answers, of any size.
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    gateway.channel = s->server_->InProcessChannel(args);
    gateway.tokens = access->tokens;
    s->gateway_ = std::make_unique<HttpGateway>(std::move(gateway));
    HttpSiteOptions site;
    site.listen = options.http_listen;
    site.metrics = render_metrics;
    site.gateway = s->gateway_.get();
    site.assets_dir = options.http_assets;
    site.any_host = access->tokens != nullptr;
    // A query may run up to the gateway's deadline; requests carry JSON
    // statements, up to what an Ingest call sends in practice.
    site.http.connection_deadline = std::chrono::seconds(35);
    site.http.io_timeout = std::chrono::seconds(5);
    site.http.max_request_bytes = size_t{8} << 20;
    site.http.tls_cert_pem = access->tls_cert_pem;
    site.http.tls_key_pem = access->tls_key_pem;
    site.http.tls_client_ca_pem = access->tls_client_ca_pem;
    auto http = StartHttpSite(site);
    if (!http.ok()) return http.status();
    s->http_ = std::move(*http);
  }
  return s;
}

Server::Server() = default;

int Server::metrics_port() const { return metrics_http_ ? metrics_http_->port() : 0; }

int Server::http_port() const { return http_ ? http_->port() : 0; }

Server::~Server() {
  if (server_) Shutdown(std::chrono::milliseconds(0));
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  shutting_down_ = true;
  health_->SetNotServing();
  const auto deadline = std::chrono::system_clock::now() + grace;
  // grpc::Server::Shutdown(deadline) stops accepting and waits for the calls
  // in flight, but returns only once every connection is closed too, and a
  // connected idle client keeps its connection until the deadline forces it
  // closed: an idle client would hold every shutdown for the whole grace.
  // So it runs on its own thread while this one watches the calls in flight
  // (counted by the RpcObserver interceptor) and, once none are left,
  // closes the connections itself. Repeated until Shutdown returns, since
  // the first attempt may come before Shutdown has stopped the listener.
  std::atomic<bool> done = false;
  std::thread shutdown([&] {
    server_->Shutdown(deadline);
    done = true;
  });
  while (!done) {
    if (metrics_->in_flight() == 0 || std::chrono::system_clock::now() >= deadline) {
      grpc_server_cancel_all_calls(server_->c_server());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  shutdown.join();
}

void Server::Wait() { server_->Wait(); }

}  // namespace entente::service
