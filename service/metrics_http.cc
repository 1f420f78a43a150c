#include "service/metrics_http.h"

#include <httplib.h>

#include <string>
#include <utility>

namespace entente::service {
namespace {

constexpr char kPath[] = "/metrics";
// The Prometheus text exposition format.
constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

void AddMetricsRoutes(httplib::Server& server, std::function<std::string()> render) {
  server.Get(kPath, [render = std::move(render)](const httplib::Request&, httplib::Response& res) {
    res.set_content(render(), kContentType);
  });
}

bool RefuseOtherMetricsMethods(const httplib::Request& req, httplib::Response& res) {
  // Before routing, since cpp-httplib would answer 404 as for an unknown
  // path, or read the body of a POST first.
  if (req.path != kPath || req.method == "GET" || req.method == "HEAD") return false;
  res.status = 405;
  res.set_header("Allow", "GET, HEAD");
  res.set_content("GET or HEAD only\n", "text/plain");
  return true;
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, std::function<std::string()> render,
    const HttpServerOptions& options) {
  auto http = HttpServer::Start(listen, options, [&](httplib::Server& server) {
    AddMetricsRoutes(server, std::move(render));
    server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      return RefuseOtherMetricsMethods(req, res) ? httplib::Server::HandlerResponse::Handled
                                                 : httplib::Server::HandlerResponse::Unhandled;
    });
  });
  if (!http.ok()) {
    // Name the flag: an operator reads this as entente-server's exit message.
    return absl::Status(http.status().code(),
                        "--metrics_listen: " + std::string(http.status().message()));
  }
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(std::move(*http)));
}

}  // namespace entente::service
