#include "service/metrics_http.h"

#include <httplib.h>

#include <string>
#include <utility>

namespace entente::service {
namespace {

constexpr char kPath[] = "/metrics";
// The Prometheus text exposition format.
constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Registers GET (and so HEAD) /metrics, and 405 for its other methods:
// cpp-httplib itself would answer those 404, as for an unknown path.
void AddRoutes(httplib::Server& server, std::function<std::string()> render) {
  server.Get(kPath, [render = std::move(render)](const httplib::Request&, httplib::Response& res) {
    res.set_content(render(), kContentType);
  });
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path != kPath || req.method == "GET" || req.method == "HEAD") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("GET or HEAD only\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, std::function<std::string()> render,
    const HttpServerOptions& options) {
  auto http = HttpServer::Start(
      listen, options, [&](httplib::Server& server) { AddRoutes(server, std::move(render)); });
  if (!http.ok()) {
    // Name the flag: an operator reads this as entente-server's exit message.
    return absl::Status(http.status().code(),
                        "--metrics_listen: " + std::string(http.status().message()));
  }
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(std::move(*http)));
}

}  // namespace entente::service
