// How entente reaches the server: plaintext or TLS (trusting a CA, with a
// client certificate for mutual TLS), and a bearer token on every call.
// docs/security.md has the server side.
#ifndef ENTENTE_CLI_CONNECTION_H_
#define ENTENTE_CLI_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "grpcpp/channel.h"

namespace entente::cli {

struct ConnectionOptions {
  std::string server;    // HOST:PORT
  std::string tls_ca;    // PEM file of the CA to trust; set or tls_cert set: TLS.
  std::string tls_cert;  // PEM client certificate (mutual TLS), with tls_key.
  std::string tls_key;
  std::string token;     // Sent as "authorization: Bearer TOKEN" when set.
};

// --tls-ca, --tls-cert, --tls-key, --token (else $ENTENTE_TOKEN) from
// `args`, for `server`.
ConnectionOptions ConnectionOptionsFrom(const ParsedArgs& args, std::string server);

// The options above, for CommonOptions().
const std::vector<OptionSpec>& ConnectionOptionSpecs();

// A channel that connects lazily. InvalidArgument naming the option for an
// unreadable file, or a certificate without its key.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const ConnectionOptions& options,
                                                           int max_receive_bytes);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_CONNECTION_H_
