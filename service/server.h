// Server: Entente's gRPC server with its services, health checking and
// reflection, on a graph that the caller owns.
#ifndef ENTENTE_SERVICE_SERVER_H_
#define ENTENTE_SERVICE_SERVER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "graph/ingestor.h"
#include "graph/reader.h"
#include "service/json_log.h"
#include "storage/store.h"
#include "service/auth.h"

namespace entente::replication {
class Log;  // replication/log.h
}  // namespace entente::replication

namespace grpc {
class Server;
}

namespace entente::service {

class Admission;
class HealthServiceImpl;
class StreamWatchdog;
class IngestServiceImpl;
class GraphServiceImpl;
class ServerInfo;
class AdminServiceImpl;
class ReplicatedWrites;
class Metrics;
class MetricsHttpServer;
class HttpGateway;
class HttpServer;

struct ServerOptions {
  // host:port; port 0 picks a free one (see Server::port()).
  std::string listen = "127.0.0.1:50051";
  // Largest request accepted, in bytes. Above gRPC's 4 MiB default so that
  // an oversized field reaches validation and is named in the error, rather
  // than failing the whole call with RESOURCE_EXHAUSTED. Checked by the
  // RpcObserver, which counts and logs what it refuses; gRPC itself drops
  // requests over twice this size before any Entente code sees them.
  int max_receive_message_bytes = 64 << 20;
  // Calls served at once over all connections in each pool of
  // service/admission.h (open, reader, writer, admin; gRPC's own stream
  // limit is per connection). Above it a call fails at once with
  // RESOURCE_EXHAUSTED naming the limit. <= 0: no limit.
  int max_concurrent_streams = 256;
  // Health Watch streams at once per client address and in all (Watch needs
  // no token, so it has a small pool of its own).
  int max_watches_per_peer = 4;
  int max_watches = 64;
  // A stream with no message either way for this long is ended with
  // DEADLINE_EXCEEDED (service/stream_watchdog.h). <= 0: never.
  std::chrono::milliseconds stream_idle = std::chrono::minutes(5);
  // HOST:PORT of the Prometheus endpoint GET /metrics (port 0: a free one,
  // see metrics_port()); empty: none.
  std::string metrics_listen;
  // HOST:PORT of the HTTP port of /metrics, the JSON API (/v1/...) and the
  // explorer (service/http_site.h; port 0: a free one, see http_port());
  // empty: none. With the gRPC port's TLS (HTTPS) and tokens, and the same
  // rule on where it may listen.
  std::string http_listen;
  // The explorer's files, served at / of http_listen.
  std::string http_assets;
  // Whose RocksDB figures /metrics reports; none if null. Must outlive the
  // Server.
  const storage::Store* store = nullptr;
  // kJson: one JSON line per finished call on stderr (and see
  // log_requests for kText).
  LogFormat log_format = LogFormat::kText;
  bool log_requests = false;
  // Receives the per-call log lines instead of stderr (tests).
  std::function<void(const std::string&)> log_sink;
  // TLS, tokens and the non-loopback rule (service/auth.h); all off by
  // default, which Start() allows on loopback only.
  AccessOptions access;
  // With `store` set, AdminService (check, online backup) is served on it and
  // backs up into this directory (created at the first backup).
  std::string backup_dir;
  // --replication (docs/scaling.md): if set, Ingest, IngestStream and
  // Retract go through this replicated log, which Start() follows from
  // `replication_applied` (the store's storage::kMetaLogApplied) on; the
  // Ingestor's clock must read `replication_clock`. Both must outlive the
  // Server.
  replication::Log* replication_log = nullptr;
  std::atomic<int64_t>* replication_clock = nullptr;
  storage::LogApplied replication_applied;
  // With replication_log: health is NOT_SERVING while this node is more
  // than this many log entries behind the stream, or does not know yet how
  // far behind it is (just started, JetStream not reached); 0: never for
  // lag. Reads are served either way.
  uint64_t max_lag = 1000;
};

class Server {
 public:
  // Starts serving. `ingestor` and `reader` must outlive the Server.
  // Unavailable if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(graph::Ingestor* ingestor,
                                                       const graph::GraphReader* reader,
                                                       const ServerOptions& options);
  ~Server();

  int port() const { return port_; }
  // The port of /metrics; 0 if ServerOptions::metrics_listen was empty.
  int metrics_port() const;
  // The port of http_listen; 0 if ServerOptions::http_listen was empty.
  int http_port() const;
  // What /metrics reports of the calls (without the RocksDB figures).
  const Metrics& metrics() const { return *metrics_; }
  // Stops accepting calls, lets in-flight ones finish until `grace` has
  // passed, then cancels the rest.
  void Shutdown(std::chrono::milliseconds grace);
  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  Server();
  // Before server_: its interceptors use them until it is destroyed.
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Admission> admission_;
  std::unique_ptr<StreamWatchdog> watchdog_;
  std::atomic<bool> shutting_down_ = false;
  std::unique_ptr<HealthServiceImpl> health_;
  std::unique_ptr<ReplicatedWrites> replicated_;  // with ServerOptions::replication_log
  std::unique_ptr<IngestServiceImpl> ingest_;
  std::unique_ptr<ServerInfo> info_;  // before graph_, which answers with it
  std::unique_ptr<GraphServiceImpl> graph_;
  std::unique_ptr<AdminServiceImpl> admin_;  // null without ServerOptions::store
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::unique_ptr<MetricsHttpServer> metrics_http_;
  // After server_, whose in-process channel the gateway calls: destroyed
  // before it.
  std::unique_ptr<HttpGateway> gateway_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_SERVER_H_
