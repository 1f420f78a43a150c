#include "cli/connection.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/client_interceptor.h"

namespace entente::cli {
namespace {

// Adds the token to every call's metadata. An interceptor rather than call
// credentials because gRPC sends call credentials over TLS only, and the
// server also accepts tokens over plaintext on loopback.
class BearerInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(const std::string& token) : header_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new BearerInterceptor(&header_);
  }

 private:
  // Outlives every interceptor: the channel owns this factory.
  const std::string header_;
};

absl::StatusOr<std::string> ReadPem(const char* option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, " ", path, ": cannot read: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ConnectionOptions ConnectionOptionsFrom(const ParsedArgs& args, std::string server) {
  ConnectionOptions o;
  o.server = std::move(server);
  o.tls_ca = args.Get("tls-ca");
  o.tls_cert = args.Get("tls-cert");
  o.tls_key = args.Get("tls-key");
  const char* env_token = std::getenv("ENTENTE_TOKEN");
  o.token = args.Get("token", env_token == nullptr ? "" : env_token);
  return o;
}

const std::vector<OptionSpec>& ConnectionOptionSpecs() {
  static const auto* specs = new std::vector<OptionSpec>{
      {"tls-ca", "FILE", "connect with TLS, trusting the CA certificate(s) in this PEM file"},
      {"tls-cert", "FILE", "client certificate (PEM) for servers that require one; implies TLS"},
      {"tls-key", "FILE", "private key (PEM) of --tls-cert"},
      {"token", "TOKEN", "bearer token (default: $ENTENTE_TOKEN, which stays out of ps)"},
  };
  return *specs;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const ConnectionOptions& o,
                                                           int max_receive_bytes) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::InvalidArgumentError(o.tls_cert.empty() ? "--tls-key needs --tls-cert"
                                                         : "--tls-cert needs --tls-key");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!o.tls_ca.empty() || !o.tls_cert.empty()) {
    grpc::SslCredentialsOptions ssl;
    // Without --tls-ca, gRPC trusts the system's roots.
    if (!o.tls_ca.empty()) {
      auto ca = ReadPem("tls-ca", o.tls_ca);
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = std::move(*ca);
    }
    if (!o.tls_cert.empty()) {
      auto cert = ReadPem("tls-cert", o.tls_cert);
      if (!cert.ok()) return cert.status();
      auto key = ReadPem("tls-key", o.tls_key);
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = std::move(*cert);
      ssl.pem_private_key = std::move(*key);
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_receive_bytes);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!o.token.empty()) {
    interceptors.push_back(std::make_unique<BearerInterceptorFactory>(o.token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(o.server, credentials, args,
                                                                 std::move(interceptors));
}

}  // namespace entente::cli
