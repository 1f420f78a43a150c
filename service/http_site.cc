#include "service/http_site.h"

#include <arpa/inet.h>
#include <httplib.h>

#include <filesystem>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "service/metrics_http.h"

namespace entente::service {
namespace {

// 'unsafe-inline' styles only: sigma and chart libraries set style
// attributes. Workers from blob: URLs are how the ForceAtlas2 layout
// starts its worker.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; "
    "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

constexpr char kNotBuilt[] =
    "<!doctype html><title>Entente</title><p>The explorer is not installed on this server: "
    "build it (<code>make build</code>) or start entente-server with <code>--http_assets "
    "DIR</code>. The JSON API is at <a href=\"/v1\">/v1</a>, metrics at <a "
    "href=\"/metrics\">/metrics</a>.</p>\n";

bool IsApiPath(const std::string& path) { return path == "/v1" || absl::StartsWith(path, "/v1/"); }

void ServeApi(const HttpGateway& gateway, const httplib::Request& req, httplib::Response& res) {
  HttpCall call;
  call.method = req.method == "HEAD" ? "GET" : req.method;
  call.path = req.path;
  call.query = req.params;
  call.content_type = req.get_header_value("Content-Type");
  call.authorization = req.get_header_value("Authorization");
  call.timeout_ms = req.get_header_value("X-Entente-Timeout-Ms");
  call.body = req.body;
  HttpReply reply = gateway.Handle(call);
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_header("Cache-Control", "no-store");
  res.set_content(std::move(reply.body), reply.content_type);
}

}  // namespace

bool IsLiteralHost(absl::string_view host) {
  if (host.empty()) return true;
  if (host.front() == '[') {
    const size_t end = host.find(']');
    if (end == absl::string_view::npos) return false;
    in6_addr v6;
    return inet_pton(AF_INET6, std::string(host.substr(1, end - 1)).c_str(), &v6) == 1;
  }
  const std::string name(host.substr(0, host.find(':')));
  in_addr v4;
  return absl::EqualsIgnoreCase(name, "localhost") || inet_pton(AF_INET, name.c_str(), &v4) == 1;
}

absl::StatusOr<std::unique_ptr<HttpServer>> StartHttpSite(const HttpSiteOptions& options) {
  std::error_code ec;
  const bool have_assets = !options.assets_dir.empty() &&
                           std::filesystem::is_regular_file(
                               std::filesystem::path(options.assets_dir) / "index.html", ec);
  auto routes = [&](httplib::Server& server) {
    server.set_pre_routing_handler(
        [any_host = options.any_host](const httplib::Request& req, httplib::Response& res) {
          if (!any_host && !IsLiteralHost(req.get_header_value("Host"))) {
            res.status = 421;
            res.set_content("This server answers only to its IP address or localhost in Host.\n",
                            "text/plain");
            return httplib::Server::HandlerResponse::Handled;
          }
          if (RefuseOtherMetricsMethods(req, res)) return httplib::Server::HandlerResponse::Handled;
          if (IsApiPath(req.path) && req.method != "GET" && req.method != "HEAD" &&
              req.method != "POST") {
            res.status = 405;
            res.set_header("Allow", "GET, POST");
            res.set_content("GET or POST only\n", "text/plain");
            return httplib::Server::HandlerResponse::Handled;
          }
          return httplib::Server::HandlerResponse::Unhandled;
        });
    server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("X-Frame-Options", "DENY");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    });
    if (options.metrics) AddMetricsRoutes(server, options.metrics);
    if (options.gateway != nullptr) {
      const HttpGateway* gateway = options.gateway;
      const auto api = [gateway](const httplib::Request& req, httplib::Response& res) {
        ServeApi(*gateway, req, res);
      };
      server.Get(R"(/v1(/.*)?)", api);
      server.Post(R"(/v1(/.*)?)", api);
    }
    if (have_assets) {
      server.set_mount_point("/", options.assets_dir);
    } else {
      server.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.status = 404;
        res.set_content(kNotBuilt, "text/html; charset=utf-8");
      });
    }
  };
  auto http = HttpServer::Start(options.listen, options.http, routes);
  if (!http.ok()) {
    return absl::Status(http.status().code(),
                        "--http_listen: " + std::string(http.status().message()));
  }
  return http;
}

}  // namespace entente::service
