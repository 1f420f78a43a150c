// The requests of `entente neighbors` and `entente path`, built from their
// options, for the commands that send the same requests (`entente export`).
#ifndef ENTENTE_CLI_GRAPH_REQUESTS_H_
#define ENTENTE_CLI_GRAPH_REQUESTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "entente/v1/graph.pb.h"

namespace entente::cli {

// The Traverse request of `neighbors` for the seeds `names` (names, or ids
// with --id) and the options in `args`. InvalidArgument naming the option
// or argument that is wrong.
absl::StatusOr<v1::TraverseRequest> BuildTraverseRequest(const ParsedArgs& args,
                                                         const std::vector<std::string>& names);

// The FindPaths request of `path` from names[0] to names[1]; InvalidArgument
// unless there are exactly two names and the options are valid.
absl::StatusOr<v1::FindPathsRequest> BuildPathsRequest(const ParsedArgs& args,
                                                       const std::vector<std::string>& names);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_GRAPH_REQUESTS_H_
