// What the user is told when a call to the server fails.
#ifndef ENTENTE_CLI_RPC_ERROR_H_
#define ENTENTE_CLI_RPC_ERROR_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grpcpp/support/status.h"

namespace entente::cli {

// "INVALID_ARGUMENT"; the number for a code gRPC does not define.
std::string CodeName(grpc::StatusCode code);

// The google.rpc.BadRequest field violations the server attached to `status`
// (as a google.rpc.Status in error_details()), as (field, description) pairs.
// Empty when there are none or the details do not parse.
std::vector<std::pair<std::string, std::string>> FieldViolations(const grpc::Status& status);

// "entente: PREFIXCODE: message\n" followed by one "  FIELD: DESCRIPTION\n"
// per field violation. `prefix` is "" or ends in ": " ("ingest failed: ").
std::string FormatRpcError(const grpc::Status& status, std::string_view prefix = "");

// The text for a server that cannot be reached at `address`.
std::string FormatUnreachable(std::string_view address);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_RPC_ERROR_H_
