// MetricsHttpServer: the Prometheus endpoint of entente-server, on its own
// port and threads so that a scrape never waits for, nor delays, gRPC calls.
//
// GET /metrics answers 200 with render()'s text (Content-Type
// "text/plain; version=0.0.4; charset=utf-8"); HEAD the same without a
// body; any other path 404, any other method on /metrics 405. One request
// per connection (Connection: close). It is an HttpServer, so slow, idle or
// too many clients are bounded as http_server.h says: with the default
// options a scrape is answered at once while up to 255 other connections
// stall.
//
// Thread-safety: render() is called on a connection thread for every scrape,
// possibly on several at once.
#ifndef ENTENTE_SERVICE_METRICS_HTTP_H_
#define ENTENTE_SERVICE_METRICS_HTTP_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/http_server.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace entente::service {

// Registers GET (and so HEAD) /metrics answering render()'s text on an HTTP
// server being set up (also the --http_listen one, service/http_site.h).
void AddMetricsRoutes(httplib::Server& server, std::function<std::string()> render);
// For a pre-routing handler: answers 405 and returns true for a method other
// than GET or HEAD on /metrics.
bool RefuseOtherMetricsMethods(const httplib::Request& req, httplib::Response& res);

class MetricsHttpServer {
 public:
  // Listens on `listen` (HOST:PORT; port 0 picks a free one; [::1]:P for
  // IPv6). InvalidArgument if it is not HOST:PORT, Unavailable naming the
  // address if it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& listen, std::function<std::string()> render,
      const HttpServerOptions& options = HttpServerOptions());
  // Stops accepting and joins every thread (within the options' io_timeout).
  ~MetricsHttpServer() = default;

  int port() const { return http_->port(); }

 private:
  explicit MetricsHttpServer(std::unique_ptr<HttpServer> http) : http_(std::move(http)) {}

  std::unique_ptr<HttpServer> http_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_METRICS_HTTP_H_
