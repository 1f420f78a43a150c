// Access control of the built binaries: entente-server's TLS and token flags
// and where it agrees to listen, and the entente CLI's --tls-* and --token,
// with certificates made by openssl for the test.
#include <stdlib.h>

#include <fstream>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_certs.h"

namespace entente {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kReaderToken[] = "reader-token-e2e-0123456789";
constexpr char kWriterToken[] = "writer-token-e2e-0123456789";

class AuthE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = &testing::SharedTestCerts();
    tokens_ = new std::string(Sub("tokens.txt"));
    std::ofstream(*tokens_) << "# e2e\nreader " << kReaderToken << " reader bot\nwriter "
                            << kWriterToken << " loader\n";
  }
  static void TearDownTestSuite() { delete tokens_; }
  static std::string Sub(const std::string& name) { return certs_->dir + "/" + name; }
  void SetUp() override { ASSERT_EQ(certs_->error, ""); }

  std::vector<std::string> TlsAndTokens() const {
    return {"--tls_cert", certs_->server_cert, "--tls_key", certs_->server_key, "--tokens_file",
            *tokens_};
  }
  // Runs the CLI with `args` then `extra` (connection options).
  static testing::RunResult Cli(std::vector<std::string> args,
                                const std::vector<std::string>& extra) {
    args.insert(args.begin(), ENTENTE_CLI_BIN);
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::Run(args);
  }
  static bool HealthOk(const std::string& address) {
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    return grpc::health::v1::Health::NewStub(channel)->Check(&ctx, req, &resp).ok();
  }

  testing::TempDir data_;
  static const testing::TestCerts* certs_;
  static std::string* tokens_;
};

const testing::TestCerts* AuthE2eTest::certs_ = nullptr;
std::string* AuthE2eTest::tokens_ = nullptr;

TEST_F(AuthE2eTest, RefusesToListenBeyondLoopbackWithoutTlsAndTokens) {
  auto r = testing::Run({ENTENTE_SERVER_BIN, "--listen", "0.0.0.0:0", "--data", data_.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("refusing to serve on 0.0.0.0:0"));
  EXPECT_THAT(r.err, HasSubstr("--allow_insecure_remote"));

  // TLS alone is not enough.
  r = testing::Run({ENTENTE_SERVER_BIN, "--listen", "0.0.0.0:0", "--data", data_.path(),
                    "--tls_cert", certs_->server_cert, "--tls_key", certs_->server_key});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("refusing to serve on 0.0.0.0:0"));
}

TEST_F(AuthE2eTest, ListensBeyondLoopbackWithAllowInsecureRemoteAndWarns) {
  testing::ServerProcess server(ENTENTE_SERVER_BIN, data_.path(),
                                {"--listen", "0.0.0.0:0", "--allow_insecure_remote"});
  ASSERT_NE(server.port(), 0);
  EXPECT_TRUE(HealthOk(server.address()));
  EXPECT_EQ(server.Stop(SIGTERM), 0);
  EXPECT_THAT(server.log(), HasSubstr("WARNING: --allow_insecure_remote"));
}

TEST_F(AuthE2eTest, ListensBeyondLoopbackWithTlsAndTokensWithoutWarning) {
  std::vector<std::string> flags = {"--listen", "0.0.0.0:0"};
  for (const std::string& f : TlsAndTokens()) flags.push_back(f);
  testing::ServerProcess server(ENTENTE_SERVER_BIN, data_.path(), flags);
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(server.Stop(SIGTERM), 0);
  EXPECT_THAT(server.log(), Not(HasSubstr("WARNING")));
}

TEST_F(AuthE2eTest, BadTlsOrTokenFlagsStopTheServerNamingFlagAndFile) {
  const std::string bad_tokens = Sub("bad-tokens.txt");
  std::ofstream(bad_tokens) << "reader " << kReaderToken << "\nsuperuser " << kWriterToken
                            << "\n";
  struct Case {
    std::vector<std::string> flags;
    std::string error;
  };
  const Case cases[] = {
      {{"--tls_cert", certs_->server_cert}, "--tls_cert is set without --tls_key"},
      {{"--tls_cert", Sub("nope.pem"), "--tls_key", certs_->server_key},
       "--tls_cert " + Sub("nope.pem") + ": cannot read"},
      {{"--tls_cert", certs_->server_cert, "--tls_key", certs_->stranger_key},
       "--tls_key " + certs_->stranger_key + " does not match"},
      {{"--tokens_file", bad_tokens}, bad_tokens + ":2: unknown role 'superuser'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    std::vector<std::string> argv = {ENTENTE_SERVER_BIN, "--listen", "127.0.0.1:0", "--data",
                                     data_.path()};
    argv.insert(argv.end(), c.flags.begin(), c.flags.end());
    auto r = testing::Run(argv);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr(c.error));
    EXPECT_THAT(r.err, Not(HasSubstr(kWriterToken)));
  }
}

TEST_F(AuthE2eTest, CliUsesTlsAndTokens) {
  testing::ServerProcess server(ENTENTE_SERVER_BIN, data_.path(), TlsAndTokens());
  ASSERT_NE(server.port(), 0);
  const std::vector<std::string> tls = {"--server", server.address(), "--tls-ca",
                                        certs_->ca_cert};
  const std::string seed = std::string(ENTENTE_FIXTURES_DIR) + "/seed-2024-10-22.jsonl";

  auto r = Cli({"statements", "Russia"}, tls);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED"));

  std::vector<std::string> reader = tls;
  reader.insert(reader.end(), {"--token", kReaderToken});
  r = Cli({"ingest", seed}, reader);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(r.err, HasSubstr("writer"));

  // The token from the environment.
  setenv("ENTENTE_TOKEN", kWriterToken, 1);
  r = Cli({"ingest", seed}, tls);
  unsetenv("ENTENTE_TOKEN");
  EXPECT_EQ(r.exit_code, 0) << r.err;

  r = Cli({"statements", "Russia"}, reader);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("North Korea"));

  // Plaintext to a TLS server fails.
  r = Cli({"statements", "Russia", "--server", server.address(), "--token", kReaderToken}, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

TEST_F(AuthE2eTest, CliPresentsItsClientCertificateForMutualTls) {
  testing::ServerProcess server(
      ENTENTE_SERVER_BIN, data_.path(),
      {"--tls_cert", certs_->server_cert, "--tls_key", certs_->server_key, "--tls_client_ca",
       certs_->ca_cert});
  ASSERT_NE(server.port(), 0);
  const std::vector<std::string> tls = {"--server", server.address(), "--tls-ca",
                                        certs_->ca_cert};
  std::vector<std::string> client = tls;
  client.insert(client.end(),
                {"--tls-cert", certs_->client_cert, "--tls-key", certs_->client_key});
  auto r = Cli({"ingest", std::string(ENTENTE_FIXTURES_DIR) + "/seed-2024-10-22.jsonl"}, client);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"statements", "Russia"}, client);
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // Russia has statements now: a failure can only be the connection's.
  EXPECT_EQ(Cli({"statements", "Russia"}, tls).exit_code, 1) << "no client certificate";

  std::vector<std::string> stranger = tls;
  stranger.insert(stranger.end(),
                  {"--tls-cert", certs_->stranger_cert, "--tls-key", certs_->stranger_key});
  EXPECT_EQ(Cli({"statements", "Russia"}, stranger).exit_code, 1) << "certificate of another CA";

  r = Cli({"statements", "Russia", "--tls-cert", certs_->client_cert}, tls);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--tls-cert needs --tls-key"));
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace entente
