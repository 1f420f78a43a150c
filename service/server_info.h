// ServerInfo: what GetServerInfo (graph.proto) answers about this server:
// version and build, start time, the database's figures, the options a
// caller meets and where the server stands in the replicated log.
//
// Everything it reads is cheap and already kept (graph::GraphReader::
// Statistics, replication::Log::state), so dashboards may poll it.
//
// Thread-safety: immutable after construction; Fill may run on several
// threads at once.
#ifndef ENTENTE_SERVICE_SERVER_INFO_H_
#define ENTENTE_SERVICE_SERVER_INFO_H_

#include <chrono>
#include <cstdint>

#include "absl/status/status.h"
#include "entente/v1/graph.pb.h"
#include "graph/reader.h"

namespace entente::replication {
class Log;  // replication/log.h
}  // namespace entente::replication

namespace entente::service {

struct ServerInfoOptions {
  // Must outlive the ServerInfo; required.
  const graph::GraphReader* reader = nullptr;
  // The replicated log (--replication), whose state() is reported; null:
  // a standalone server. Must outlive the ServerInfo.
  const replication::Log* log = nullptr;
  uint64_t max_lag = 0;  // ServerOptions::max_lag
  // The limits ServerOptions sets, as a caller meets them.
  int64_t max_message_bytes = 0;
  int max_concurrent_calls = 0;
  std::chrono::milliseconds stream_idle{0};
};

class ServerInfo {
 public:
  // The server's start time is the construction's.
  explicit ServerInfo(const ServerInfoOptions& options);

  // The whole answer, as of now. An error only when the store cannot be
  // read (DataLoss for a corrupt meta row).
  absl::Status Fill(v1::GetServerInfoResponse* out) const;

 private:
  const ServerInfoOptions options_;
  const std::chrono::system_clock::time_point start_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_SERVER_INFO_H_
