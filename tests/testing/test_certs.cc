#include "tests/testing/test_certs.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace entente::testing {
namespace {

constexpr char kOpenssl[] = "/usr/bin/openssl";

// Runs openssl; appends its complaint to `error` on failure.
bool Openssl(std::vector<std::string> args, std::string* error) {
  if (!error->empty()) return false;
  args.insert(args.begin(), kOpenssl);
  RunResult r = Run(args);
  if (r.exit_code == 0) return true;
  *error = "openssl " + args[1] + " failed (" + std::to_string(r.exit_code) + "): " + r.err;
  return false;
}

// EC P-256 keys: quick to generate, and gRPC's TLS accepts them.
const std::vector<std::string> kNewKey = {"-newkey", "ec", "-pkeyopt",
                                          "ec_paramgen_curve:prime256v1", "-nodes"};

void MakeCa(const std::string& cert, const std::string& key, const std::string& name,
            std::string* error) {
  std::vector<std::string> args = {"req", "-x509"};
  args.insert(args.end(), kNewKey.begin(), kNewKey.end());
  args.insert(args.end(), {"-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name});
  Openssl(args, error);
}

void MakeLeaf(const std::string& dir, const std::string& stem, const std::string& cn,
              const std::string& extensions, const std::string& ca_cert,
              const std::string& ca_key, int serial, std::string* error) {
  const std::string ext = dir + "/" + stem + ".ext";
  std::ofstream(ext) << extensions;
  std::vector<std::string> req = {"req", "-new"};
  req.insert(req.end(), kNewKey.begin(), kNewKey.end());
  req.insert(req.end(), {"-keyout", dir + "/" + stem + ".key", "-out", dir + "/" + stem + ".csr",
                         "-subj", "/CN=" + cn});
  Openssl(req, error);
  Openssl({"x509", "-req", "-in", dir + "/" + stem + ".csr", "-CA", ca_cert, "-CAkey", ca_key,
           "-set_serial", std::to_string(serial), "-days", "2", "-extfile", ext, "-out",
           dir + "/" + stem + ".pem"},
          error);
}

}  // namespace

TestCerts MakeTestCerts(const std::string& dir) {
  TestCerts c;
  c.dir = dir;
  c.ca_cert = dir + "/ca.pem";
  c.other_ca_cert = dir + "/other-ca.pem";
  c.server_cert = dir + "/server.pem";
  c.server_key = dir + "/server.key";
  c.client_cert = dir + "/client.pem";
  c.client_key = dir + "/client.key";
  c.stranger_cert = dir + "/stranger.pem";
  c.stranger_key = dir + "/stranger.key";
  MakeCa(c.ca_cert, dir + "/ca.key", "Entente Test CA", &c.error);
  MakeCa(c.other_ca_cert, dir + "/other-ca.key", "Some Other CA", &c.error);
  MakeLeaf(dir, "server", "localhost",
           "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n", c.ca_cert,
           dir + "/ca.key", 2, &c.error);
  MakeLeaf(dir, "client", "entente-client", "extendedKeyUsage=clientAuth\n", c.ca_cert,
           dir + "/ca.key", 3, &c.error);
  MakeLeaf(dir, "stranger", "entente-client", "extendedKeyUsage=clientAuth\n", c.other_ca_cert,
           dir + "/other-ca.key", 4, &c.error);
  return c;
}

const TestCerts& SharedTestCerts() {
  static TempDir dir;
  static const TestCerts certs = MakeTestCerts(dir.path());
  return certs;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace entente::testing
