// Access control of entente-server: TLS, bearer tokens with roles, and which
// role each gRPC method needs. The whole policy lives here; docs/security.md
// describes it for operators.
//
// How every call is checked: by an AuthMetadataProcessor installed on the
// server's credentials, which gRPC runs on each call's initial metadata
// (":path" and "authorization") before any service code, for every method of
// every service, registered or not. That makes "deny by default" a property
// of the transport: a service added later needs no hook to be protected,
// only a rule below if it should be open to less than admin.
//
// Why not the alternatives: gRPC 1.51 server interceptors cannot fail a call
// with a status of our choosing, and a check inside each handler is one
// forgotten line away from an open method. The C++ InsecureServerCredentials()
// aborts on SetAuthMetadataProcessor, so for plaintext the processor is
// attached through the C core API to grpc_insecure_server_credentials_create(),
// whose server auth filter runs it like for TLS (see AccessCredentials in
// auth.cc). Tokens therefore work with and without TLS.
//
// Who called (the token's name, which merges and memberships record,
// groups.proto): the processor cannot hand it to the call, since the auth
// context it may write to is the connection's, shared by every call on it,
// and it cannot add metadata. So it leaves a valid token in the call's metadata, and the
// CallerInterceptor below, which runs on each call before its handler,
// replaces it with the name: handlers read CallerName() and never see a
// token.
#ifndef ENTENTE_SERVICE_AUTH_H_
#define ENTENTE_SERVICE_AUTH_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/server_interceptor.h"

namespace grpc {
class ServerContextBase;
class ServerCredentials;
}

namespace entente::service {

// Ordered: each role may do what the ones below it may.
enum class Role { kOpen = 0, kReader = 1, kWriter = 2, kAdmin = 3 };

// "open", "reader", "writer", "admin".
absl::string_view RoleName(Role role);

struct MethodRule {
  Role role = Role::kAdmin;
  // False when no rule names the method's service and the admin default
  // applied.
  bool explicit_rule = false;
};

// The role `full_method` ("/package.Service/Method") needs. Methods of
// services without a rule need admin: deny by default.
MethodRule RuleFor(absl::string_view full_method);

// One line of a tokens file.
struct TokenEntry {
  Role role = Role::kReader;
  std::string token;
  std::string name;  // Who holds it, for logs; may be empty.
};

// The tokens file, parsed. Format (docs/security.md):
//   # comment
//   ROLE TOKEN [NAME]
// ROLE is reader, writer or admin; TOKEN at least 16 characters of printable
// ASCII without spaces; NAME the rest of the line. Blank lines are ignored.
class TokenTable {
 public:
  // InvalidArgument naming `source` and the line number for a malformed
  // line, a short token, an unknown role or a token listed twice.
  static absl::StatusOr<TokenTable> Parse(absl::string_view text, absl::string_view source);
  // Reads and parses `path`; the error names the flag --tokens_file.
  static absl::StatusOr<TokenTable> Load(const std::string& path);

  // The entry whose token equals `token`, or null. Compares against every
  // entry in time that depends only on the length of `token` and the table's
  // size, so the answer time does not tell how much of a guess was right.
  const TokenEntry* Find(absl::string_view token) const;
  size_t size() const { return entries_.size(); }

 private:
  std::vector<TokenEntry> entries_;
};

inline constexpr size_t kMinTokenLength = 16;

// The entry of the token that `authorization` ("Bearer TOKEN", the call's
// authorization metadata) presents, or null if it presents none of
// `tokens`.
const TokenEntry* TokenOf(const TokenTable& tokens, absl::string_view authorization);

// The decision for one call: OK, UNAUTHENTICATED (no or unknown token) or
// PERMISSION_DENIED (naming the role needed). `authorization` is the value
// of the call's authorization metadata ("" when absent). Never echoes the
// token.
absl::Status Authorize(const TokenTable& tokens, absl::string_view full_method,
                       absl::string_view authorization);

// What the server's listening port requires. Paths are PEM files; empty
// means the feature is off.
struct AccessOptions {
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;  // Set: clients must present a cert it signed.
  std::string tokens_file;         // Set: every call but health needs a token.
  // Serve on an address other than loopback without TLS and tokens.
  bool allow_insecure_remote = false;
};

// True for 127.0.0.0/8, ::1 and localhost, given "HOST:PORT" or
// "[V6]:PORT".
bool IsLoopbackListen(absl::string_view listen);

// FailedPrecondition explaining the rule when `listen` is not loopback and
// TLS or tokens are missing, unless allow_insecure_remote.
absl::Status CheckListenAllowed(absl::string_view listen, const AccessOptions& options);

// The warning to print when --allow_insecure_remote is what lets the server
// listen on `listen`; "" when it is not needed.
std::string InsecureRemoteWarning(absl::string_view listen, const AccessOptions& options);

// What the listening port checks: its credentials (TLS when a cert is
// given, tokens when a tokens file is) and the tokens they check, which the
// CallerInterceptorFactory needs too (null without a tokens file).
struct ServerAccess {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::shared_ptr<const TokenTable> tokens;
  // The PEM files' contents, for the HTTP port's TLS (http_server.h); empty
  // without TLS or without mutual TLS.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  std::string tls_client_ca_pem;
};

// InvalidArgument naming the flag and file for a missing, unreadable or
// malformed file, a key that does not match its certificate, or a cert
// without key (or the reverse).
absl::StatusOr<ServerAccess> MakeServerAccess(const AccessOptions& options);

// The metadata key under which the CallerInterceptor gives handlers the
// caller's token name. A client's own entries of it are removed.
inline constexpr char kCallerMetadataKey[] = "entente-caller";

// On every call, before its handler: removes the authorization metadata
// (the token, checked already by the credentials' processor) and any
// kCallerMetadataKey the client sent, and puts the name of the call's token
// under kCallerMetadataKey. `tokens` null (no tokens file): no name.
class CallerInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallerInterceptorFactory(std::shared_ptr<const TokenTable> tokens)
      : tokens_(std::move(tokens)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const std::shared_ptr<const TokenTable> tokens_;
};

// The name of the token the call was made with: "" when the server checks
// no tokens or the token's line names no one. For what a write records as
// its author (merges, memberships).
std::string CallerName(const grpc::ServerContextBase& ctx);

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_AUTH_H_
