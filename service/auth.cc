#include "service/auth.h"

#include <arpa/inet.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_context.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace entente::service {
namespace {

struct ServiceRule {
  absl::string_view prefix;  // "/package.Service/"
  Role role;
};

// The policy. A service not listed here needs admin.
constexpr ServiceRule kServiceRules[] = {
    // Load balancers and orchestrators probe health without credentials.
    {"/grpc.health.v1.Health/", Role::kOpen},
    {"/grpc.reflection.v1alpha.ServerReflection/", Role::kReader},
    {"/grpc.reflection.v1.ServerReflection/", Role::kReader},
    {"/entente.v1.GraphService/", Role::kReader},
    {"/entente.v1.IngestService/", Role::kWriter},
    {"/entente.v1.AdminService/", Role::kAdmin},
};

absl::StatusOr<Role> ParseRole(absl::string_view text) {
  if (text == "reader") return Role::kReader;
  if (text == "writer") return Role::kWriter;
  if (text == "admin") return Role::kAdmin;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role '", text, "' (want reader, writer or admin)"));
}

// The first space- or tab-separated field of `*rest`, which loses it and
// the blanks around it.
absl::string_view NextField(absl::string_view* rest) {
  const size_t end = std::min(rest->find_first_of(" \t"), rest->size());
  const absl::string_view field = rest->substr(0, end);
  *rest = absl::StripLeadingAsciiWhitespace(rest->substr(end));
  return field;
}

// Equality in time that depends only on `presented.size()`.
bool ConstantTimeEquals(absl::string_view expected, absl::string_view presented) {
  unsigned char diff = expected.size() == presented.size() ? 0 : 1;
  for (size_t i = 0; i < presented.size(); ++i) {
    const unsigned char e =
        i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    diff |= e ^ static_cast<unsigned char>(presented[i]);
  }
  return diff == 0;
}

absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " ", path, ": cannot read: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": read error"));
  }
  return text.str();
}

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no PEM data found";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

BioPtr MemBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

absl::StatusOr<X509Ptr> ParseCert(absl::string_view flag, const std::string& path,
                                  const std::string& pem) {
  BioPtr bio = MemBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " ", path, ": not a PEM certificate: ", OpenSslError()));
  }
  return cert;
}

// Checked here rather than left to gRPC, which would only fail to bind the
// port without saying which file is wrong.
absl::Status CheckKeyPair(const AccessOptions& o, const std::string& cert_pem,
                          const std::string& key_pem) {
  auto cert = ParseCert("--tls_cert", o.tls_cert_file, cert_pem);
  if (!cert.ok()) return cert.status();
  BioPtr bio = MemBio(key_pem);
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls_key ", o.tls_key_file, ": not an unencrypted PEM private key: ", OpenSslError()));
  }
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("--tls_key ", o.tls_key_file,
                                                   " does not match the certificate in --tls_cert ",
                                                   o.tls_cert_file));
  }
  return absl::OkStatus();
}

absl::string_view SliceView(const grpc_slice& s) {
  return absl::string_view(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(s)),
                          GRPC_SLICE_LENGTH(s));
}

// The token of "Bearer TOKEN" (the scheme in any case, blanks around), or
// UNAUTHENTICATED saying what the value should be.
absl::StatusOr<absl::string_view> BearerToken(absl::string_view authorization) {
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || !absl::StartsWithIgnoreCase(value, kScheme)) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer TOKEN'");
  }
  return absl::StripLeadingAsciiWhitespace(value.substr(kScheme.size()));
}

using SharedTokens = std::shared_ptr<const TokenTable>;

// The C processor gRPC's server auth filter runs on every call.
void ProcessCall(void* state, grpc_auth_context* /*context*/, const grpc_metadata* md,
                 size_t num_md, grpc_process_auth_metadata_done_cb done, void* user_data) {
  const TokenTable* tokens = static_cast<const SharedTokens*>(state)->get();
  absl::string_view path;
  // Every authorization header, to be consumed: with two, which one a
  // check reads is a guess, and the other would reach the handlers.
  std::vector<grpc_metadata> authorization_md;
  for (size_t i = 0; i < num_md; ++i) {
    const absl::string_view key = SliceView(md[i].key);
    if (key == ":path") {
      path = SliceView(md[i].value);
    } else if (key == "authorization") {
      authorization_md.push_back(md[i]);
    }
  }
  absl::Status status;
  if (authorization_md.size() > 1) {
    status = absl::UnauthenticatedError(
        absl::StrCat("the call has ", authorization_md.size(),
                     " 'authorization' metadata entries; send exactly one 'Bearer TOKEN'"));
  } else {
    // Without :path the method is unknown, which the policy treats as admin.
    status = Authorize(*tokens, path,
                       authorization_md.empty() ? "" : SliceView(authorization_md[0].value));
  }
  const std::string message(status.message());
  // A refused call's tokens are consumed here. An admitted call's one token
  // stays, for the CallerInterceptor to turn into the caller's name before
  // any handler runs (see auth.h): no service or log sees it either way.
  const size_t consumed = status.ok() ? 0 : authorization_md.size();
  done(user_data, authorization_md.data(), consumed, nullptr, 0,
       static_cast<grpc_status_code>(status.code()), status.ok() ? nullptr : message.c_str());
}

void DestroyTokens(void* state) { delete static_cast<SharedTokens*>(state); }

// ServerCredentials over a core grpc_server_credentials that we build
// ourselves, so that the token processor can be attached to plaintext
// credentials too (see auth.h for why).
class AccessCredentials final : public grpc::ServerCredentials {
 public:
  // The base class constructor initialises gRPC, which must precede any
  // core credentials call: hence they are made here, not by the caller.
  AccessCredentials(const std::string* cert_pem, const std::string* key_pem,
                    const std::string* client_ca_pem, SharedTokens tokens) {
    if (cert_pem == nullptr) {
      core_ = grpc_insecure_server_credentials_create();
    } else {
      grpc_ssl_pem_key_cert_pair pair{key_pem->c_str(), cert_pem->c_str()};
      core_ = grpc_ssl_server_credentials_create_ex(
          client_ca_pem == nullptr ? nullptr : client_ca_pem->c_str(), &pair, 1,
          client_ca_pem == nullptr ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                   : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY,
          nullptr);
    }
    if (tokens != nullptr) {
      grpc_server_credentials_set_auth_metadata_processor(
          core_, grpc_auth_metadata_processor{&ProcessCall, &DestroyTokens,
                                              new SharedTokens(std::move(tokens))});
    }
  }
  ~AccessCredentials() override { grpc_server_credentials_release(core_); }

  void SetAuthMetadataProcessor(const std::shared_ptr<grpc::AuthMetadataProcessor>&) override {
    // The token policy is fixed when the credentials are made; a second
    // processor would replace it silently.
    std::abort();
  }

 private:
  int AddPortToServer(const std::string& addr, grpc_server* server) override {
    return grpc_server_add_http2_port(server, addr.c_str(), core_);
  }

  grpc_server_credentials* core_ = nullptr;
};

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOpen:
      return "open";
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "admin";
}

MethodRule RuleFor(absl::string_view full_method) {
  for (const ServiceRule& rule : kServiceRules) {
    if (absl::StartsWith(full_method, rule.prefix) && full_method.size() > rule.prefix.size()) {
      return MethodRule{rule.role, true};
    }
  }
  return MethodRule{Role::kAdmin, false};
}

absl::StatusOr<TokenTable> TokenTable::Parse(absl::string_view text, absl::string_view source) {
  TokenTable table;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", what));
    };
    absl::string_view rest = line;
    const absl::string_view role_text = NextField(&rest);
    const absl::string_view token = NextField(&rest);
    if (token.empty()) return error("want 'ROLE TOKEN [NAME]'");
    auto role = ParseRole(role_text);
    if (!role.ok()) return error(role.status().message());
    if (token.size() < kMinTokenLength) {
      return error(absl::StrCat("token shorter than ", kMinTokenLength, " characters"));
    }
    for (char c : token) {
      if (c < 0x21 || c > 0x7e) return error("token has a character other than printable ASCII");
    }
    for (const TokenEntry& e : table.entries_) {
      if (e.token == token) return error("token listed twice");
    }
    TokenEntry entry;
    entry.role = *role;
    entry.token = std::string(token);
    entry.name = std::string(rest);
    table.entries_.push_back(std::move(entry));
  }
  if (table.entries_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": no tokens (want lines of 'ROLE TOKEN [NAME]')"));
  }
  return table;
}

absl::StatusOr<TokenTable> TokenTable::Load(const std::string& path) {
  auto text = ReadFlagFile("--tokens_file", path);
  if (!text.ok()) return text.status();
  return Parse(*text, absl::StrCat("--tokens_file ", path));
}

const TokenEntry* TokenTable::Find(absl::string_view token) const {
  // No early exit: every entry is compared whatever matches.
  const TokenEntry* found = nullptr;
  for (const TokenEntry& e : entries_) {
    if (ConstantTimeEquals(e.token, token)) found = &e;
  }
  return found;
}

absl::Status Authorize(const TokenTable& tokens, absl::string_view full_method,
                       absl::string_view authorization) {
  const MethodRule rule = RuleFor(full_method);
  if (rule.role == Role::kOpen) return absl::OkStatus();
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "this server requires a token: send metadata 'authorization: Bearer TOKEN' "
        "(entente --token, or $ENTENTE_TOKEN)");
  }
  auto token = BearerToken(authorization);
  if (!token.ok()) return token.status();
  const TokenEntry* entry = tokens.Find(*token);
  if (entry == nullptr) return absl::UnauthenticatedError("the bearer token is not valid");
  if (entry->role < rule.role) {
    return absl::PermissionDeniedError(absl::StrCat(full_method, " requires role ",
                                                    RoleName(rule.role), "; the token's role is ",
                                                    RoleName(entry->role)));
  }
  return absl::OkStatus();
}

bool IsLoopbackListen(absl::string_view listen) {
  // A Unix socket cannot be reached from another machine.
  if (absl::StartsWith(listen, "unix:")) return true;
  std::string host;
  if (absl::StartsWith(listen, "[")) {
    const size_t end = listen.find(']');
    if (end == absl::string_view::npos) return false;
    host = std::string(listen.substr(1, end - 1));
  } else {
    const size_t colon = listen.rfind(':');
    host = std::string(colon == absl::string_view::npos ? listen : listen.substr(0, colon));
  }
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

absl::Status CheckListenAllowed(absl::string_view listen, const AccessOptions& options) {
  if (IsLoopbackListen(listen) || options.allow_insecure_remote) return absl::OkStatus();
  if (!options.tls_cert_file.empty() && !options.tokens_file.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "refusing to serve on ", listen,
      ", which is not a loopback address, without both TLS (--tls_cert, --tls_key) and tokens "
      "(--tokens_file): anyone who can reach it could read and write the graph. Configure "
      "both, listen on 127.0.0.1, or pass --allow_insecure_remote if the network itself is "
      "trusted (see docs/security.md)"));
}

std::string InsecureRemoteWarning(absl::string_view listen, const AccessOptions& options) {
  AccessOptions without_flag = options;
  without_flag.allow_insecure_remote = false;
  if (!options.allow_insecure_remote || CheckListenAllowed(listen, without_flag).ok()) return "";
  return absl::StrCat(
      "WARNING: --allow_insecure_remote: serving on ", listen, " without ",
      options.tls_cert_file.empty() ? "TLS" : "", 
      options.tls_cert_file.empty() && options.tokens_file.empty() ? " and without " : "",
      options.tokens_file.empty() ? "tokens" : "",
      ": anyone who can reach this address can read",
      options.tokens_file.empty() ? " and change the graph" : " the traffic and steal tokens",
      ". Use only on a network you trust.");
}

absl::StatusOr<ServerAccess> MakeServerAccess(const AccessOptions& o) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError(o.tls_cert_file.empty()
                                          ? "--tls_key is set without --tls_cert"
                                          : "--tls_cert is set without --tls_key");
  }
  if (!o.tls_client_ca_file.empty() && o.tls_cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca needs TLS: set --tls_cert and --tls_key too");
  }
  std::string cert_pem, key_pem, client_ca_pem;
  if (!o.tls_cert_file.empty()) {
    auto cert = ReadFlagFile("--tls_cert", o.tls_cert_file);
    if (!cert.ok()) return cert.status();
    auto key = ReadFlagFile("--tls_key", o.tls_key_file);
    if (!key.ok()) return key.status();
    cert_pem = std::move(*cert);
    key_pem = std::move(*key);
    if (absl::Status s = CheckKeyPair(o, cert_pem, key_pem); !s.ok()) return s;
  }
  if (!o.tls_client_ca_file.empty()) {
    auto ca = ReadFlagFile("--tls_client_ca", o.tls_client_ca_file);
    if (!ca.ok()) return ca.status();
    client_ca_pem = std::move(*ca);
    auto parsed = ParseCert("--tls_client_ca", o.tls_client_ca_file, client_ca_pem);
    if (!parsed.ok()) return parsed.status();
  }
  ServerAccess access;
  if (!o.tokens_file.empty()) {
    auto table = TokenTable::Load(o.tokens_file);
    if (!table.ok()) return table.status();
    access.tokens = std::make_shared<const TokenTable>(std::move(*table));
  }
  const bool tls = !o.tls_cert_file.empty();
  access.credentials = std::make_shared<AccessCredentials>(
      tls ? &cert_pem : nullptr, tls ? &key_pem : nullptr,
      o.tls_client_ca_file.empty() ? nullptr : &client_ca_pem, access.tokens);
  access.tls_cert_pem = std::move(cert_pem);
  access.tls_key_pem = std::move(key_pem);
  access.tls_client_ca_pem = std::move(client_ca_pem);
  return access;
}

const TokenEntry* TokenOf(const TokenTable& tokens, absl::string_view authorization) {
  auto token = BearerToken(authorization);
  return token.ok() ? tokens.Find(*token) : nullptr;
}

namespace {

constexpr absl::string_view kAuthorizationKey = "authorization";

// See CallerInterceptorFactory.
class CallerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit CallerInterceptor(const TokenTable* tokens) : tokens_(tokens) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_INITIAL_METADATA)) {
      Identify(methods->GetRecvInitialMetadata());
    }
    methods->Proceed();
  }

 private:
  // `md` is the map the handler's ServerContext::client_metadata() gives.
  void Identify(std::multimap<grpc::string_ref, grpc::string_ref>* md) {
    if (md == nullptr) return;
    const auto [begin, end] =
        md->equal_range(grpc::string_ref(kAuthorizationKey.data(), kAuthorizationKey.size()));
    // The processor admits a call with at most one token.
    if (tokens_ != nullptr && begin != end && std::next(begin) == end) {
      const grpc::string_ref value = begin->second;
      if (const TokenEntry* e = TokenOf(*tokens_, absl::string_view(value.data(), value.size()))) {
        name_ = e->name;
      }
    }
    md->erase(begin, end);
    md->erase(grpc::string_ref(kCallerMetadataKey));
    // The map holds references: name_ lives as long as the call.
    if (!name_.empty()) md->emplace(grpc::string_ref(kCallerMetadataKey), grpc::string_ref(name_));
  }

  const TokenTable* const tokens_;  // null: no tokens
  std::string name_;
};

}  // namespace

grpc::experimental::Interceptor* CallerInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* /*info*/) {
  return new CallerInterceptor(tokens_.get());
}

std::string CallerName(const grpc::ServerContextBase& ctx) {
  const auto& md = ctx.client_metadata();
  const auto it = md.find(grpc::string_ref(kCallerMetadataKey));
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

}  // namespace entente::service
