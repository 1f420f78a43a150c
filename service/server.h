// Server: Entente's gRPC server with its services, health checking and
// reflection, on a graph that the caller owns.
#ifndef ENTENTE_SERVICE_SERVER_H_
#define ENTENTE_SERVICE_SERVER_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "graph/ingestor.h"
#include "graph/reader.h"
#include "service/auth.h"

namespace grpc {
class Server;
}

namespace entente::service {

class HealthServiceImpl;
class IngestServiceImpl;
class GraphServiceImpl;

struct ServerOptions {
  // host:port; port 0 picks a free one (see Server::port()).
  std::string listen = "127.0.0.1:50051";
  // Largest request accepted, in bytes. Above gRPC's 4 MiB default so that
  // an oversized field reaches validation and is named in the error, rather
  // than failing the whole call with RESOURCE_EXHAUSTED.
  int max_receive_message_bytes = 64 << 20;
  // TLS, tokens and the non-loopback rule (service/auth.h); all off by
  // default, which Start() allows on loopback only.
  AccessOptions access;
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
  // Stops accepting calls, lets in-flight ones finish until `grace` has
  // passed, then cancels the rest.
  void Shutdown(std::chrono::milliseconds grace);
  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  Server() = default;
  std::unique_ptr<HealthServiceImpl> health_;
  std::unique_ptr<IngestServiceImpl> ingest_;
  std::unique_ptr<GraphServiceImpl> graph_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_SERVER_H_
