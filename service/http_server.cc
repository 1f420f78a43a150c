#include "service/http_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <csignal>
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

#include "absl/strings/match.h"
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

// A TLS connection as cpp-httplib reads and writes a stream. Its header
// does not export the SSL stream it uses itself (its SSLServer serves
// connections its own way, which HttpServer's bounds replace), hence this
// one: the socket has SO_RCVTIMEO and SO_SNDTIMEO of io_timeout, so every
// SSL_read, SSL_write and the handshake end within it.
class TlsStream final : public httplib::Stream {
 public:
  TlsStream(SSL* ssl, ::socket_t sock, int timeout_ms)
      : ssl_(ssl), sock_(sock), timeout_ms_(timeout_ms) {}

  bool is_readable() const override { return SSL_pending(ssl_) > 0 || Poll(POLLIN); }
  bool is_writable() const override { return Poll(POLLOUT); }
  ssize_t read(char* ptr, size_t size) override {
    if (SSL_pending(ssl_) == 0 && !Poll(POLLIN)) return -1;
    const int n = SSL_read(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT_MAX)));
    return n > 0 ? n : -1;
  }
  ssize_t write(const char* ptr, size_t size) override {
    const int n = SSL_write(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT_MAX)));
    return n > 0 ? n : -1;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      Describe(addr, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      Describe(addr, ip, port);
  }
  ::socket_t socket() const override { return sock_; }

 private:
  bool Poll(short events) const {
    pollfd p{sock_, events, 0};
    return ::poll(&p, 1, timeout_ms_) > 0 && (p.revents & events) != 0;
  }
  static void Describe(const sockaddr_storage& addr, std::string& ip, int& port) {
    char text[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET) {
      const auto& v4 = reinterpret_cast<const sockaddr_in&>(addr);
      ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
      port = ntohs(v4.sin_port);
    } else if (addr.ss_family == AF_INET6) {
      const auto& v6 = reinterpret_cast<const sockaddr_in6&>(addr);
      ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
      port = ntohs(v6.sin6_port);
    }
    ip = text;
  }

  SSL* const ssl_;
  const ::socket_t sock_;
  const int timeout_ms_;
};

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtx = std::unique_ptr<SSL_CTX, SslCtxFree>;

// The first error OpenSSL queued, as text.
std::string OpenSslError() {
  char text[256] = "unknown error";
  if (const unsigned long e = ERR_get_error(); e != 0) ERR_error_string_n(e, text, sizeof text);
  ERR_clear_error();
  return text;
}

// The server context of `options`' PEMs: TLS 1.2 or later, the
// certificate chain and key, and the client CA if any.
absl::StatusOr<SslCtx> MakeSslCtx(const HttpServerOptions& options) {
  SslCtx ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return absl::InternalError("TLS: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  auto bio = [](const std::string& pem) {
    return std::unique_ptr<BIO, decltype(&BIO_free)>(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  };
  auto cert_bio = bio(options.tls_cert_pem);
  X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr || SSL_CTX_use_certificate(ctx.get(), cert) != 1) {
    X509_free(cert);
    return absl::InvalidArgumentError("HTTP TLS certificate: " + OpenSslError());
  }
  X509_free(cert);
  // The rest of the PEM is the chain.
  while (X509* extra = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx.get(), extra) != 1) {
      X509_free(extra);
      return absl::InvalidArgumentError("HTTP TLS certificate chain: " + OpenSslError());
    }
  }
  ERR_clear_error();  // the end of the PEM reads as an error
  auto key_bio = bio(options.tls_key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr || SSL_CTX_use_PrivateKey(ctx.get(), key) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError("HTTP TLS key: " + OpenSslError());
  }
  EVP_PKEY_free(key);
  if (!options.tls_client_ca_pem.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
    auto ca_bio = bio(options.tls_client_ca_pem);
    int added = 0;
    while (X509* ca = PEM_read_bio_X509(ca_bio.get(), nullptr, nullptr, nullptr)) {
      added += X509_STORE_add_cert(store, ca) == 1;
      X509_free(ca);
    }
    ERR_clear_error();
    if (added == 0) return absl::InvalidArgumentError("HTTP TLS client CA: no certificate");
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return ctx;
}

// Run on each request once its headers are read. cpp-httplib compresses an
// answer with Brotli at its highest quality whenever the client accepts it,
// as every browser does: about 0.3 MB/s, so a 6 MB JSON answer took 19 s to
// reach Chromium. gzip at zlib's default level keeps up with the network, so
// a client that takes gzip gets gzip, and one that takes only Brotli gets
// the answer as it is.
void NoBrotli(httplib::Request& req) {
  const std::string accepted = req.get_header_value("Accept-Encoding");
  req.headers.erase("Accept-Encoding");
  if (absl::StrContains(accepted, "gzip")) req.headers.emplace("Accept-Encoding", "gzip");
}

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
  Listener(const HttpServerOptions& options, SslCtx tls) : options_(options), tls_(std::move(tls)) {
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
    if (tls_ && svr_sock_ != INVALID_SOCKET) {
      ok = ServeTls(sock, deadline);
    } else if (svr_sock_ != INVALID_SOCKET) {  // not stopped while it waited to be served
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
            return process_request(stream, /*close_connection=*/true, client_closed, NoBrotli);
          });
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }

  // One request over TLS, bounded as a plain one.
  bool ServeTls(::socket_t sock, Clock::time_point deadline) {
    const auto io_ms = options_.io_timeout.count();
    const timeval tv{static_cast<time_t>(io_ms / 1000),
                     static_cast<suseconds_t>(io_ms % 1000 * 1000)};
    ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(tls_.get()), &SSL_free);
    if (!ssl || SSL_set_fd(ssl.get(), sock) != 1 || SSL_accept(ssl.get()) != 1) {
      ERR_clear_error();  // a client that fails the handshake gets no answer
      return false;
    }
    TlsStream socket(ssl.get(), sock, static_cast<int>(io_ms));
    BoundedStream stream(socket, deadline, options_.max_request_bytes, svr_sock_);
    bool client_closed = false;
    const bool ok = process_request(stream, /*close_connection=*/true, client_closed, NoBrotli);
    SSL_shutdown(ssl.get());
    ERR_clear_error();
    return ok;
  }

  const HttpServerOptions options_;
  const SslCtx tls_;  // null: plain HTTP
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                              const HttpServerOptions& options,
                                                              const Routes& routes) {
  auto address = ParseListen(listen);
  if (!address.ok()) return address.status();
  SslCtx tls;
  if (!options.tls_cert_pem.empty()) {
    auto ctx = MakeSslCtx(options);
    if (!ctx.ok()) return ctx.status();
    tls = std::move(*ctx);
    // SSL_write to a client that has gone writes to a closed socket, which
    // raises SIGPIPE; cpp-httplib's plain writes pass MSG_NOSIGNAL instead.
    std::signal(SIGPIPE, SIG_IGN);
  }
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->listener_ = std::make_unique<Listener>(options, std::move(tls));
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
