// entente-healthcheck: asks a running entente-server's grpc.health.v1.Health
// whether it is SERVING; the exit code is the answer. It exists because the
// runtime image has no other gRPC client (no Python, no grpc_health_probe in
// Debian) and because Kubernetes' built-in gRPC probes cannot speak TLS, so a
// server with --tls_cert needs an exec probe that can (deploy/README.md).
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>

#include "grpc/health/v1/health.grpc.pb.h"
#include "server/flags.h"
#include "server/version.h"

namespace {

// Exit codes, as grpc_health_probe's so that orchestrator docs apply.
constexpr int kServing = 0;
constexpr int kUsage = 1;
constexpr int kUnreachable = 2;
constexpr int kRpcFailed = 3;
constexpr int kNotServing = 4;

struct Flags {
  std::string server = "127.0.0.1:50051";
  std::string service;
  int timeout_ms = 3000;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_server_name;
};

void AddFlags(CLI::App* app, Flags* f) {
  using entente::flags::AddInt;
  using entente::flags::AddText;
  AddText(app, "server", &f->server, "HOST:PORT", "HOST:PORT of the entente-server to ask");
  AddText(app, "service", &f->service, "NAME",
          "service to ask about: empty for the whole server, or entente.v1.IngestService, "
          "entente.v1.GraphService");
  AddInt(app, "timeout_ms", &f->timeout_ms, 1, 24 * 3600 * 1000, "MS",
         "give up (exit 3) after this long, connection included");
  AddText(app, "tls_ca", &f->tls_ca, "FILE",
          "PEM file of the CA that signed the server's certificate: connect with TLS. Empty: "
          "plaintext, unless --tls_cert is given");
  AddText(app, "tls_cert", &f->tls_cert, "FILE",
          "PEM client certificate, for a server started with --tls_client_ca (implies TLS)");
  AddText(app, "tls_key", &f->tls_key, "FILE", "PEM private key of --tls_cert");
  AddText(app, "tls_server_name", &f->tls_server_name, "NAME",
          "name to verify the server's certificate against, when --server is an address the "
          "certificate does not name (e.g. 127.0.0.1 inside the container)");
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app;
  entente::flags::Configure(&app, entente::VersionLine("entente-healthcheck"));
  AddFlags(&app, &flags);
  const auto help = [](const CLI::App& asked) {
    return entente::flags::Help(
        asked,
        "Exits 0 if entente-server answers SERVING to a gRPC health check.\n\n"
        "  entente-healthcheck [--server HOST:PORT] [--tls_ca CA.pem [--tls_server_name NAME]]\n\n"
        "Exit codes: 0 serving, 1 bad flags or unreadable file, 2 cannot connect,\n"
        "3 the call failed, 4 not serving (shutting down, or unknown --service).\n"
        "Long flags may be spelled with dashes or underscores: --timeout-ms 500 is\n"
        "--timeout_ms=500 (docs/flags.md).\n\n"
        "Examples:\n"
        "  entente-healthcheck --server 127.0.0.1:50051\n"
        "  entente-healthcheck --tls_ca /etc/entente/tls/ca.crt "
        "--tls_server_name entente.example.org\n");
  };
  // Bad flags exit 1, not 2 as in the other programs: 2 is "cannot connect"
  // in grpc_health_probe's codes, which probes and their docs expect.
  if (auto exit = entente::flags::Parse(&app, argc, argv, {"entente-healthcheck", help, kUsage})) {
    return *exit;
  }
  const std::string& server = flags.server;
  const std::string &ca = flags.tls_ca, &cert = flags.tls_cert, &key = flags.tls_key;
  if (cert.empty() != key.empty()) {
    std::fprintf(stderr, "entente-healthcheck: --tls_cert and --tls_key go together\n");
    return kUsage;
  }

  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  if (!ca.empty() || !cert.empty()) {
    grpc::SslCredentialsOptions ssl;
    for (const auto& [flag, path, into] :
         {std::tuple{"--tls_ca", ca, &ssl.pem_root_certs},
          std::tuple{"--tls_cert", cert, &ssl.pem_cert_chain},
          std::tuple{"--tls_key", key, &ssl.pem_private_key}}) {
      if (!path.empty() && !ReadFile(path, into)) {
        std::fprintf(stderr, "entente-healthcheck: cannot read %s %s\n", flag, path.c_str());
        return kUsage;
      }
    }
    credentials = grpc::SslCredentials(ssl);
    if (const std::string name = flags.tls_server_name; !name.empty()) {
      args.SetSslTargetNameOverride(name);
    }
  }
  auto channel = grpc::CreateCustomChannel(server, credentials, args);
  const auto deadline =
      std::chrono::system_clock::now() + std::chrono::milliseconds(flags.timeout_ms);
  if (!channel->WaitForConnected(deadline)) {
    std::fprintf(stderr, "entente-healthcheck: cannot connect to %s\n", server.c_str());
    return kUnreachable;
  }
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(deadline);
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(flags.service);
  grpc::health::v1::HealthCheckResponse resp;
  const grpc::Status status = stub->Check(&ctx, req, &resp);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    std::fprintf(stderr, "entente-healthcheck: %s\n", status.error_message().c_str());
    return kNotServing;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "entente-healthcheck: health check failed: %s\n",
                 status.error_message().c_str());
    return kRpcFailed;
  }
  const auto& name = grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status());
  std::printf("%s\n", name.c_str());
  return resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? kServing
                                                                         : kNotServing;
}
