// A plain HTTP/1.1 client over TCP on loopback, for tests of the /metrics
// side port: raw sockets, so tests can also send malformed or partial
// requests.
#ifndef ENTENTE_TESTS_TESTING_HTTP_H_
#define ENTENTE_TESTS_TESTING_HTTP_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

namespace entente::testing {

// A connected socket to 127.0.0.1:port (or [::1]:port); the caller closes
// it.
inline int ConnectLoopback(int port, bool ipv6 = false) {
  if (ipv6) {
    int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<uint16_t>(port));
    a.sin6_addr = in6addr_loopback;
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

// Sends `request` as is and reads the whole response (the server closes).
inline std::string HttpExchange(int port, const std::string& request, bool ipv6 = false) {
  int fd = ConnectLoopback(port, ipv6);
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

}  // namespace entente::testing

#endif  // ENTENTE_TESTS_TESTING_HTTP_H_
