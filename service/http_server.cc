#include "service/http_server.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <iterator>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"

namespace entente::service {
namespace {

using Clock = std::chrono::steady_clock;

// cpp-httplib 0.11.4 listens with a backlog of 5: a burst of connections
// (or accepting paused at max_connections) would then drop SYNs, and a
// client whose SYN is dropped retries only after a second.
constexpr int kListenBacklog = 128;

// cpp-httplib's task queue, replaced: its default is a pool of 8 threads,
// each held for as long as its client keeps sending, so eight slow clients
// stopped every other. Here each connection gets a thread of its own, up to
// `max`; past it enqueue() (called by the accept loop) waits for one to end,
// so the accept loop pauses and new connections wait in the listen queue.
class ConnectionThreads final : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(int max) : max_(std::max(max, 1)) {}
  ~ConnectionThreads() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    // Shared so that it can still run here if no thread can be started.
    auto job = std::make_shared<std::function<void()>>(std::move(fn));
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return running_ < max_; });
    JoinFinished();
    ++running_;
    threads_.emplace_back();
    const Threads::iterator self = std::prev(threads_.end());
    try {
      // The thread lists itself as finished under mu_, so never before
      // *self is assigned here.
      *self = std::thread([this, self, job] {
        (*job)();
        std::lock_guard<std::mutex> done(mu_);
        --running_;
        finished_.push_back(self);
        cv_.notify_all();
      });
    } catch (const std::system_error&) {
      // No thread to be had (RLIMIT_NPROC, memory): serve this connection
      // on the accept loop's thread rather than drop it unanswered.
      threads_.erase(self);
      --running_;
      lock.unlock();
      (*job)();
    }
  }

  // Waits for every connection to end (each does within
  // connection_deadline + io_timeout, sooner once the server is stopped).
  void shutdown() override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return running_ == 0; });
    JoinFinished();
  }

 private:
  using Threads = std::list<std::thread>;

  // Joins the threads that have finished their connection; they have left
  // mu_ and only return, so this waits for no client.
  void JoinFinished() {
    for (Threads::iterator it : finished_) {
      it->join();
      threads_.erase(it);
    }
    finished_.clear();
  }

  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;                          // guarded by mu_
  Threads threads_;                          // guarded by mu_
  std::vector<Threads::iterator> finished_;  // guarded by mu_: threads to join
};

// The connection's socket as cpp-httplib reads and writes it (timeouts of
// io_timeout per read or write), plus what a per-read timeout cannot give:
// an end to the whole connection at `deadline` (or when the server stops),
// and a cap on the bytes read. A client trickling a byte every half second
// never trips a per-read timeout; it trips the deadline at its next byte.
class BoundedStream final : public httplib::Stream {
 public:
  BoundedStream(httplib::Stream& socket, Clock::time_point deadline, size_t max_read,
                const std::atomic<::socket_t>& listening)
      : socket_(socket), deadline_(deadline), left_(max_read), listening_(listening) {}

  bool is_readable() const override { return !Ended() && socket_.is_readable(); }
  bool is_writable() const override { return !Ended() && socket_.is_writable(); }
  ssize_t read(char* ptr, size_t size) override {
    if (Ended() || left_ == 0) return -1;
    const ssize_t n = socket_.read(ptr, std::min(size, left_));
    if (n > 0) left_ -= static_cast<size_t>(n);
    return n;
  }
  ssize_t write(const char* ptr, size_t size) override {
    return Ended() ? -1 : socket_.write(ptr, size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    socket_.get_remote_ip_and_port(ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    socket_.get_local_ip_and_port(ip, port);
  }
  ::socket_t socket() const override { return socket_.socket(); }

 private:
  // httplib::Server::stop() marks the listening socket invalid.
  bool Ended() const { return listening_ == INVALID_SOCKET || Clock::now() >= deadline_; }

  httplib::Stream& socket_;
  const Clock::time_point deadline_;
  size_t left_;
  const std::atomic<::socket_t>& listening_;
};

absl::StatusOr<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError("HTTP address " + listen + " is not HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

}  // namespace

// cpp-httplib's server with HttpServer's bounds. It serves a connection in
// process_and_close_socket, a virtual (private in httplib::Server, which a
// subclass may still override) that cpp-httplib's own SSLServer overrides
// the same way: here one request (Connection: close) through a
// BoundedStream, then the socket is closed.
class HttpServer::Listener final : public httplib::Server {
 public:
  explicit Listener(const HttpServerOptions& options) : options_(options) {
    set_read_timeout(options.io_timeout);
    set_write_timeout(options.io_timeout);
    set_payload_max_length(options.max_request_bytes);
    set_tcp_nodelay(true);  // headers and body are two writes: no Nagle delay
    // cpp-httplib's default sets SO_REUSEPORT, with which a second server
    // (another entente-server) could bind the same port and split the
    // scrapes; SO_REUSEADDR only allows rebinding at once after a restart.
    set_socket_options([](::socket_t sock) {
      int one = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    });
    new_task_queue = [max = options.max_connections] { return new ConnectionThreads(max); };
  }

  // Binds; returns the port, or 0 if the address cannot be bound.
  int Bind(const std::string& host, int port) {
    // AI_PASSIVE: an empty host is every address.
    const int bound = port == 0 ? bind_to_any_port(host, AI_PASSIVE)
                                : (bind_to_port(host, port, AI_PASSIVE) ? port : -1);
    if (bound <= 0) return 0;
    ::listen(svr_sock_, kListenBacklog);  // on Linux, sets a listening socket's backlog anew
    return bound;
  }

 private:
  bool process_and_close_socket(::socket_t sock) override {
    const auto deadline = Clock::now() + options_.connection_deadline;
    bool ok = false;
    if (svr_sock_ != INVALID_SOCKET) {  // not stopped while it waited to be served
      const auto io_us =
          std::chrono::duration_cast<std::chrono::microseconds>(options_.io_timeout).count();
      // The one way cpp-httplib's header offers to wrap a socket in its own
      // SocketStream (buffered reads, per-read and per-write timeouts);
      // despite the name it is a plain stream, for servers too.
      ok = httplib::detail::process_client_socket(
          sock, io_us / 1000000, io_us % 1000000, io_us / 1000000, io_us % 1000000,
          [&](httplib::Stream& socket) {
            BoundedStream stream(socket, deadline, options_.max_request_bytes, svr_sock_);
            bool client_closed = false;
            return process_request(stream, /*close_connection=*/true, client_closed, nullptr);
          });
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }

  const HttpServerOptions options_;
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                              const HttpServerOptions& options,
                                                              const Routes& routes) {
  auto address = ParseListen(listen);
  if (!address.ok()) return address.status();
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->listener_ = std::make_unique<Listener>(options);
  routes(*s->listener_);
  s->port_ = s->listener_->Bind(address->first, address->second);
  if (s->port_ == 0) {
    return absl::UnavailableError("cannot listen for HTTP on " + listen +
                                  " (address in use or not valid?)");
  }
  s->accept_thread_ = std::thread([p = s.get()] {
    p->listener_->listen_after_bind();
    p->accept_loop_ended_ = true;
  });
  // httplib::Server::stop() does nothing until the accept loop has started:
  // wait for it, so that the destructor's stop() is never lost.
  while (!s->listener_->is_running() && !s->accept_loop_ended_) std::this_thread::yield();
  return s;
}

HttpServer::~HttpServer() {
  if (listener_) listener_->stop();
  if (accept_thread_.joinable()) accept_thread_.join();
}

}  // namespace entente::service
