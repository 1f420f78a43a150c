// Clients of an HTTP port on 127.0.0.1 that are slow on purpose, for tests
// of the /metrics side port: a slowloris attack that runs on a thread of its
// own, and a scrape that gives up after a while and says how long it took.
#ifndef ENTENTE_TESTS_TESTING_SLOW_CLIENTS_H_
#define ENTENTE_TESTS_TESTING_SLOW_CLIENTS_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace entente::testing {

// A socket connected to 127.0.0.1:port, or -1. No test assertion: it also
// runs on SlowClients' thread, where a refused connection is just retried.
inline int TryConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    fd = -1;
  }
  return fd;
}

struct TimedResponse {
  std::string response;               // empty if the connection was refused or closed unanswered
  std::chrono::milliseconds elapsed;  // connect included
};

// GET /metrics, giving up after 5 s, so that a server which never answers
// fails the test instead of hanging it.
inline TimedResponse TimedScrape(int port) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  TimedResponse r;
  const int fd = TryConnect(port);
  if (fd >= 0) {
    timeval give_up{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &give_up, sizeof give_up);
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) r.response.append(buf, static_cast<size_t>(n));
    ::close(fd);
  }
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return r;
}

// A slowloris attack on 127.0.0.1:port, from construction to destruction:
// `slow` connections that each send a request that never ends ("GET /metrics
// HTTP/1.1\r\n", then header lines, no blank line) one byte per second, and
// `idle` connections that send nothing. A connection the server closes is
// opened again 50 ms later, so the server always faces about slow + idle of
// them. Openings are spread over the first second so that the server's
// timeouts do not close them all in the same instant.
class SlowClients {
 public:
  using Ms = std::chrono::milliseconds;

  SlowClients(int port, int slow, int idle) : port_(port), conns_(slow + idle) {
    const auto now = Clock::now();
    for (size_t i = 0; i < conns_.size(); ++i) {
      // Slow and idle ones alternate while both are left.
      conns_[i].slow = slow > 0 && (i % 2 == 0 || idle == 0);
      (conns_[i].slow ? slow : idle) -= 1;
      conns_[i].next = now + Ms(1000 * i / conns_.size());
    }
    thread_ = std::thread([this] { Run(); });
  }
  ~SlowClients() {
    stop_ = true;
    thread_.join();
    for (const Conn& c : conns_) {
      if (c.fd >= 0) ::close(c.fd);
    }
  }

  // Connections open now.
  int open() const { return open_; }
  // Connections opened so far, reopenings included.
  int opened() const { return opened_; }

  // Waits until each connection has been opened once, for at most `timeout`.
  bool AwaitStarted(Ms timeout) const {
    for (const auto end = Clock::now() + timeout; Clock::now() < end;) {
      if (opened_ >= static_cast<int>(conns_.size())) return true;
      std::this_thread::sleep_for(Ms(10));
    }
    return false;
  }

 private:
  using Clock = std::chrono::steady_clock;

  struct Conn {
    bool slow = false;
    int fd = -1;
    size_t sent = 0;         // bytes of the endless request sent so far
    Clock::time_point next;  // when to (re)open it, or to send its next byte
  };

  // Byte `i` of the request a slow connection sends.
  static char RequestByte(size_t i) {
    static const std::string kLine = "GET /metrics HTTP/1.1\r\n";
    static const std::string kHeader = "X-Slow: 1\r\n";
    return i < kLine.size() ? kLine[i] : kHeader[(i - kLine.size()) % kHeader.size()];
  }

  void Run() {
    std::vector<pollfd> fds(conns_.size());
    while (!stop_) {
      const auto now = Clock::now();
      int open = 0;
      for (size_t i = 0; i < conns_.size(); ++i) {
        Conn& c = conns_[i];
        if (c.fd < 0 && now >= c.next) {
          c.fd = TryConnect(port_);
          c.sent = 0;
          c.next = c.fd < 0 ? now + Ms(50) : now;  // a slow one sends its first byte at once
          if (c.fd >= 0) ++opened_;
        }
        if (c.fd >= 0 && c.slow && now >= c.next) {
          const char b = RequestByte(c.sent++);
          ::send(c.fd, &b, 1, MSG_NOSIGNAL);
          c.next = now + Ms(1000);
        }
        fds[i] = {c.fd, POLLIN, 0};  // poll skips a negative fd
        if (c.fd >= 0) ++open;
      }
      open_ = open;
      // Wakes when the server closes (or answers) one, or after 20 ms to
      // send the next bytes.
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      for (size_t i = 0; i < conns_.size(); ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        char buf[512];
        if (::recv(fds[i].fd, buf, sizeof buf, MSG_DONTWAIT) > 0) continue;  // an answer
        ::close(conns_[i].fd);  // closed by the server: open it again soon
        conns_[i].fd = -1;
        conns_[i].next = Clock::now() + Ms(50);
      }
    }
  }

  const int port_;
  std::vector<Conn> conns_;  // only thread_ touches it until it is joined
  std::atomic<bool> stop_{false};
  std::atomic<int> open_{0};
  std::atomic<int> opened_{0};
  std::thread thread_;
};

}  // namespace entente::testing

#endif  // ENTENTE_TESTS_TESTING_SLOW_CLIENTS_H_
