// Real X.509 certificates for TLS tests, made by the openssl command in a
// directory of the caller's: a CA, a server certificate for 127.0.0.1 and
// localhost, a client certificate from that CA and one from another CA.
#ifndef ENTENTE_TESTS_TESTING_TEST_CERTS_H_
#define ENTENTE_TESTS_TESTING_TEST_CERTS_H_

#include <string>

namespace entente::testing {

struct TestCerts {
  std::string dir;
  std::string ca_cert;         // The CA that signed server and client.
  std::string server_cert;     // SAN IP:127.0.0.1, DNS:localhost.
  std::string server_key;
  std::string client_cert;     // Signed by ca_cert.
  std::string client_key;
  std::string stranger_cert;   // Signed by another CA, unknown to the server.
  std::string stranger_key;
  std::string other_ca_cert;   // The CA of stranger_cert.
  std::string error;           // Set when openssl failed; the paths are then useless.
};

// Makes the files in `dir` (which must exist).
TestCerts MakeTestCerts(const std::string& dir);

// MakeTestCerts once per test binary, in a directory removed at exit; tests
// may add their own files to its `dir`.
const TestCerts& SharedTestCerts();

// The file's contents ("" if unreadable).
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace entente::testing

#endif  // ENTENTE_TESTS_TESTING_TEST_CERTS_H_
