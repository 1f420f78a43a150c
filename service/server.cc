#include "service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include "service/auth.h"
#include "service/graph_service.h"
#include "service/health_service.h"
#include "service/ingest_service.h"

namespace entente::service {

absl::StatusOr<std::unique_ptr<Server>> Server::Start(graph::Ingestor* ingestor,
                                                      const graph::GraphReader* reader,
                                                      const ServerOptions& options) {
  if (absl::Status allowed = CheckListenAllowed(options.listen, options.access); !allowed.ok()) {
    return allowed;
  }
  auto credentials = MakeServerCredentials(options.access);
  if (!credentials.ok()) return credentials.status();
  std::unique_ptr<Server> s(new Server());
  s->health_ = std::make_unique<HealthServiceImpl>();
  s->ingest_ = std::make_unique<IngestServiceImpl>(ingestor);
  s->graph_ = std::make_unique<GraphServiceImpl>(reader);

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, *credentials, &s->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.RegisterService(s->health_.get());
  builder.RegisterService(s->ingest_.get());
  builder.RegisterService(s->graph_.get());
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return absl::UnavailableError("cannot listen on " + options.listen +
                                  " (address in use or not valid?)");
  }
  return s;
}

Server::~Server() {
  if (server_) Shutdown(std::chrono::milliseconds(0));
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  health_->SetNotServing();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
}

void Server::Wait() { server_->Wait(); }

}  // namespace entente::service
