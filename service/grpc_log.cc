#include "service/grpc_log.h"

#include <grpc/support/log.h>

#include <cstdlib>

namespace entente::service {
namespace {

const char* LevelName(gpr_log_severity severity) {
  switch (severity) {
    case GPR_LOG_SEVERITY_DEBUG:
      return "debug";
    case GPR_LOG_SEVERITY_INFO:
      return "info";
    case GPR_LOG_SEVERITY_ERROR:
      return "error";
  }
  return "error";
}

// gRPC calls this on whichever of its threads logs; WriteStderrLine writes
// the line with one write(2), so it never interleaves with the server's.
void WriteGrpcLineAsJson(gpr_log_func_args* args) {
  WriteStderrLine(JsonLine::Log(LevelName(args->severity), args->message ? args->message : "")
                      .Str("logger", "grpc")
                      .Str("file", args->file ? args->file : "")
                      .Int("line", args->line)
                      .Finish());
}

}  // namespace

void RouteGrpcLogs(LogFormat format) {
  if (format != LogFormat::kJson) return;
  // gRPC's own default (errors only), made explicit; GRPC_VERBOSITY, when
  // set, is left for gRPC to read.
  if (std::getenv("GRPC_VERBOSITY") == nullptr) gpr_set_log_verbosity(GPR_LOG_SEVERITY_ERROR);
  gpr_set_log_function(WriteGrpcLineAsJson);
}

}  // namespace entente::service
