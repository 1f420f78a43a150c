// gRPC's own log lines (gpr_log: its server, transport and resolver errors),
// which gRPC writes to stderr as plain text in a format of its own
// ("E1205 14:01:11.699 11486 chttp2_server.cc:1045] ...").
#ifndef ENTENTE_SERVICE_GRPC_LOG_H_
#define ENTENTE_SERVICE_GRPC_LOG_H_

#include "service/json_log.h"

namespace entente::service {

// With LogFormat::kJson, writes every log line of gRPC itself as one JSON
// object like the server's own, {"ts","level","msg","logger":"grpc","file",
// "line"} (level "error", "info" or "debug"), so that every line on stderr
// parses as JSON. Without GRPC_VERBOSITY in the environment only gRPC's
// errors are written, as gRPC does by default; GRPC_VERBOSITY=INFO or DEBUG
// (and GRPC_TRACE) show more, in the same JSON form. LogFormat::kText keeps
// gRPC's own format.
//
// Call once, early in main, before any gRPC object exists: gRPC reads its
// log function without a lock.
void RouteGrpcLogs(LogFormat format);

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_GRPC_LOG_H_
