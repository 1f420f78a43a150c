// MetricsHttpServer: a minimal HTTP/1.1 server for Prometheus scrapes, on
// its own port and threads so that a scrape never waits for, nor delays,
// gRPC calls.
//
// GET /metrics answers 200 with render()'s text (Content-Type
// "text/plain; version=0.0.4"); HEAD the same without a body; any other
// path 404, any other method on /metrics 405. One request per connection
// (Connection: close). A client gets kConnectionTimeout to send its request
// and read the answer, then is dropped, and a few workers serve
// connections in parallel, so a slow or broken client cannot hold up others.
#ifndef ENTENTE_SERVICE_METRICS_HTTP_H_
#define ENTENTE_SERVICE_METRICS_HTTP_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace entente::service {

class MetricsHttpServer {
 public:
  static constexpr std::chrono::milliseconds kConnectionTimeout{2000};
  static constexpr int kWorkers = 4;
  // Accepted connections waiting for a worker; more are closed at once.
  static constexpr size_t kMaxQueued = 64;

  // Listens on `listen` (HOST:PORT; port 0 picks a free one; [::1]:P for
  // IPv6). `render` is called on a worker thread for every scrape.
  // Unavailable if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& listen, std::function<std::string()> render);
  // Stops accepting, drops queued connections, joins the threads.
  ~MetricsHttpServer();

  int port() const { return port_; }

 private:
  MetricsHttpServer() = default;
  void AcceptLoop();
  void WorkerLoop();
  void Serve(int fd);

  std::function<std::string()> render_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: closing stops AcceptLoop's poll
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> queue_;
  bool stopping_ = false;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_METRICS_HTTP_H_
