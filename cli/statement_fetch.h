// Fetching statements by id, for the commands whose answer names its
// evidence by id only (a traversal's edges) and whose --format csv prints
// the statements themselves.
#ifndef ENTENTE_CLI_STATEMENT_FETCH_H_
#define ENTENTE_CLI_STATEMENT_FETCH_H_

#include <cstdint>
#include <map>
#include <vector>

#include "cli/commands.h"
#include "entente/v1/statement.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/support/status.h"

namespace entente::cli {

// Calls GetStatement for each of `ids` (as of `as_of` when not null), a few
// dozen calls in flight at a time so that a remote server's round trips
// overlap, and puts the answers in `out` by id. An id the server no longer
// has (NOT_FOUND: retracted since the answer that named it) is left out.
// Returns the first other failure, after which no further call is started.
grpc::Status FetchStatements(const Context& ctx, const std::vector<uint64_t>& ids,
                             const google::protobuf::Timestamp* as_of,
                             std::map<uint64_t, v1::Statement>* out);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_STATEMENT_FETCH_H_
