// HttpServer: an HTTP/1.1 side port of entente-server (today /metrics),
// built on cpp-httplib and bounded so that slow, idle or flooding clients
// cannot keep others from being served nor hold resources for long.
//
// Each connection is served on a thread of its own, up to
// HttpServerOptions::max_connections at once; past that, accepting pauses
// until a connection ends, and new ones wait in the kernel's listen queue.
// Every connection ends after one request, and whatever its client does at
// its first read or write past `connection_deadline` after it was accepted
// (so within connection_deadline + io_timeout): a client that trickles its
// request byte by byte (slowloris) or sends nothing holds its own thread for
// that long at most, never anybody else's. Requests larger than
// `max_request_bytes` are refused.
//
// Thread-safety: port() may be called from any thread. The handlers the
// routes register run on connection threads, several at once, so they must
// be thread-safe.
#ifndef ENTENTE_SERVICE_HTTP_SERVER_H_
#define ENTENTE_SERVICE_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace entente::service {

struct HttpServerOptions {
  // Connections served at once, one thread each. Past it, accepting pauses
  // until one ends (at most connection_deadline + io_timeout later).
  int max_connections = 256;
  // How long one read or write may wait for the client: a client that
  // connects and sends nothing is dropped after this.
  std::chrono::milliseconds io_timeout{1000};
  // A connection is closed this long after it was accepted, even if its
  // client is still (slowly) sending or reading. A request that has not
  // been answered by then gets no answer.
  std::chrono::milliseconds connection_deadline{2000};
  // Request line, headers and body together; a request whose body is
  // declared larger is answered 413, one that sends more is dropped.
  size_t max_request_bytes = 64 * 1024;
  // PEM: with a certificate and key, HTTPS only (TLS 1.2 or later); with a
  // client CA too, every client must present a certificate it signed.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  std::string tls_client_ca_pem;
};

class HttpServer {
 public:
  // Called once, before the port opens, to register handlers on the
  // cpp-httplib server (Get, set_pre_routing_handler, ...). Its timeouts,
  // limits and task queue are HttpServer's: do not change them.
  using Routes = std::function<void(httplib::Server&)>;

  // Listens on `listen` (HOST:PORT; port 0 picks a free one; [::1]:P for
  // IPv6; an empty HOST is every IPv4 address). InvalidArgument if `listen`
  // is not HOST:PORT or the TLS PEMs do not load, Unavailable naming the
  // address if it cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                           const HttpServerOptions& options,
                                                           const Routes& routes);
  // Stops accepting, cuts the connections still open at their next read or
  // write (within io_timeout) and joins every thread.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }

 private:
  class Listener;

  HttpServer() = default;

  std::unique_ptr<Listener> listener_;
  int port_ = 0;
  std::thread accept_thread_;  // runs the accept loop, which joins the connections' threads
  std::atomic<bool> accept_loop_ended_{false};
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_HTTP_SERVER_H_
