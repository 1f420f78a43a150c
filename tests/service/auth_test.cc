// Access control (service/auth.h): the method policy, the tokens file, and a
// real server on 127.0.0.1 with real certificates made by openssl.
#include "service/auth.h"

#include <fstream>

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <gtest/gtest.h>

#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "service/server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_certs.h"
#include "tests/testing/test_tokens.h"

namespace entente::service {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::kAdminToken;
using testing::kReaderToken;
using testing::kWriterToken;

// ---- The method policy ----

TEST(RuleForTest, MapsEachServiceToItsRole) {
  EXPECT_EQ(RuleFor("/entente.v1.GraphService/ListStatements").role, Role::kReader);
  EXPECT_EQ(RuleFor("/entente.v1.GraphService/Traverse").role, Role::kReader);
  EXPECT_EQ(RuleFor("/entente.v1.IngestService/Ingest").role, Role::kWriter);
  EXPECT_EQ(RuleFor("/entente.v1.IngestService/Retract").role, Role::kWriter);
  // Who is who: writes are a writer's, lists a reader's.
  EXPECT_EQ(RuleFor("/entente.v1.IngestService/MergeEntities").role, Role::kWriter);
  EXPECT_EQ(RuleFor("/entente.v1.IngestService/UnmergeEntities").role, Role::kWriter);
  EXPECT_EQ(RuleFor("/entente.v1.IngestService/SetMembership").role, Role::kWriter);
  EXPECT_EQ(RuleFor("/entente.v1.IngestService/RemoveMembership").role, Role::kWriter);
  EXPECT_EQ(RuleFor("/entente.v1.GraphService/ListMerges").role, Role::kReader);
  EXPECT_EQ(RuleFor("/entente.v1.GraphService/ListMemberships").role, Role::kReader);
  EXPECT_EQ(RuleFor("/entente.v1.AdminService/CreateBackup").role, Role::kAdmin);
  EXPECT_EQ(RuleFor("/grpc.health.v1.Health/Check").role, Role::kOpen);
  EXPECT_EQ(RuleFor("/grpc.health.v1.Health/Watch").role, Role::kOpen);
  EXPECT_EQ(RuleFor("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo").role,
            Role::kReader);
}

TEST(RuleForTest, AnythingElseNeedsAdmin) {
  for (const char* method : {"/entente.v1.NewService/Do", "/entente.v1.GraphServiceX/GetEntity",
                             "/entente.v1.GraphService/", "/grpc.health.v1.Health", "", "/",
                             "GraphService/ListStatements"}) {
    SCOPED_TRACE(method);
    EXPECT_EQ(RuleFor(method).role, Role::kAdmin);
    EXPECT_FALSE(RuleFor(method).explicit_rule);
  }
}

// Every service compiled into this binary (entente.v1, health, and any added
// later) must have an explicit rule: a new service would otherwise be
// admin-only by default, safe but probably not what its author meant.
TEST(RuleForTest, EveryMethodOfEveryCompiledServiceHasAnExplicitRule) {
  std::vector<std::string> files;
  ASSERT_TRUE(google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(
      &files));
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int entente_methods = 0;
  for (const std::string& name : files) {
    const auto* file = pool->FindFileByName(name);
    ASSERT_NE(file, nullptr) << name;
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const std::string path = "/" + service->full_name() + "/" + service->method(m)->name();
        EXPECT_TRUE(RuleFor(path).explicit_rule) << path << " has no rule in service/auth.cc";
        if (service->file()->package() == "entente.v1") ++entente_methods;
      }
    }
  }
  // Sanity: the enumeration saw GraphService and IngestService at least.
  EXPECT_GE(entente_methods, 10);
}

TEST(RoleTest, RolesAreOrdered) {
  EXPECT_LT(Role::kOpen, Role::kReader);
  EXPECT_LT(Role::kReader, Role::kWriter);
  EXPECT_LT(Role::kWriter, Role::kAdmin);
  EXPECT_EQ(RoleName(Role::kWriter), "writer");
}

// ---- The tokens file ----

TEST(TokenTableTest, ParsesRolesTokensNamesCommentsAndBlankLines) {
  auto table = TokenTable::Parse(
      "# tokens of the analysts\n"
      "\n"
      "reader  reader-token-0123456789   Alice Analyst\r\n"
      "   writer\twriter-token-0123456789\n"
      "admin admin-token-0123456789a ops\n",
      "tokens.txt");
  ASSERT_OK(table);
  EXPECT_EQ(table->size(), 3u);
  const TokenEntry* alice = table->Find("reader-token-0123456789");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->role, Role::kReader);
  EXPECT_EQ(alice->name, "Alice Analyst");
  const TokenEntry* writer = table->Find("writer-token-0123456789");
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(writer->role, Role::kWriter);
  EXPECT_EQ(writer->name, "");
  EXPECT_EQ(table->Find("admin-token-0123456789a")->role, Role::kAdmin);
}

TEST(TokenTableTest, FindsOnlyTheWholeToken) {
  auto table = TokenTable::Parse("reader reader-token-0123456789\n", "t");
  ASSERT_OK(table);
  EXPECT_EQ(table->Find("reader-token-012345678"), nullptr);
  EXPECT_EQ(table->Find("reader-token-01234567890"), nullptr);
  EXPECT_EQ(table->Find("Reader-token-0123456789"), nullptr);
  EXPECT_EQ(table->Find(""), nullptr);
  EXPECT_NE(table->Find("reader-token-0123456789"), nullptr);
}

TEST(TokenTableTest, RejectsAMalformedFileNamingTheLine) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"# ok\nreader\n", "t:2: want 'ROLE TOKEN [NAME]'"},
      {"reader reader-token-0123456789\nroot root-token-0123456789\n", "t:2: unknown role 'root'"},
      {"\n\nwriter short\n", "t:3: token shorter than 16 characters"},
      {"reader reader-token-0123456789\nadmin reader-token-0123456789\n", "t:2: token listed twice"},
      {"reader reader-token-01234\xc3\xa9" "6789\n", "t:1: token has a character other"},
      {"# only comments\n\n", "t: no tokens"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto table = TokenTable::Parse(c.text, "t");
    ASSERT_FALSE(table.ok());
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(table.status().message()), HasSubstr(c.error));
  }
}

TEST(TokenTableTest, ShortTokenErrorDoesNotEchoTheToken) {
  auto table = TokenTable::Parse("admin sekrit-abc\n", "t");
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(std::string(table.status().message()), Not(HasSubstr("sekrit")));
}

TEST(TokenTableTest, LoadNamesTheFlagAndFile) {
  auto table = TokenTable::Load("/nonexistent/tokens.txt");
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(std::string(table.status().message()),
              HasSubstr("--tokens_file /nonexistent/tokens.txt: cannot read"));
}

// ---- The decision for one call ----

class AuthorizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto table = TokenTable::Parse(std::string("reader ") + kReaderToken + "\nwriter " +
                                       kWriterToken + "\nadmin " + kAdminToken + "\n",
                                   "t");
    ASSERT_OK(table);
    tokens_ = std::move(*table);
  }
  absl::Status Check(const char* method, const std::string& authorization) {
    return Authorize(tokens_, method, authorization);
  }
  TokenTable tokens_;
};

TEST_F(AuthorizeTest, HealthNeedsNoToken) {
  EXPECT_OK(Check("/grpc.health.v1.Health/Check", ""));
}

TEST_F(AuthorizeTest, MissingMalformedOrUnknownTokenIsUnauthenticated) {
  for (const std::string& auth :
       {std::string(""), std::string(kReaderToken), "Basic " + std::string(kReaderToken),
        std::string("Bearer "), std::string("Bearer wrong-token-0123456789")}) {
    SCOPED_TRACE(auth);
    absl::Status s = Check("/entente.v1.GraphService/ListStatements", auth);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("0123456789")));
  }
}

TEST_F(AuthorizeTest, RolesIncludeTheOnesBelow) {
  const std::string reader = std::string("Bearer ") + kReaderToken;
  const std::string writer = std::string("bearer  ") + kWriterToken;
  const std::string admin = std::string("Bearer ") + kAdminToken;
  EXPECT_OK(Check("/entente.v1.GraphService/ListStatements", reader));
  EXPECT_OK(Check("/entente.v1.GraphService/ListStatements", writer));
  EXPECT_OK(Check("/entente.v1.IngestService/Ingest", writer));
  EXPECT_OK(Check("/entente.v1.IngestService/Retract", admin));
  EXPECT_OK(Check("/entente.v1.AdminService/CreateBackup", admin));
  EXPECT_OK(Check("/entente.v1.NoSuchService/Do", admin));

  absl::Status s = Check("/entente.v1.IngestService/Ingest", reader);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()), HasSubstr("requires role writer"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr(kReaderToken)));
  s = Check("/entente.v1.AdminService/Check", writer);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()), HasSubstr("requires role admin"));
  EXPECT_EQ(Check("/entente.v1.NoSuchService/Do", writer).code(),
            absl::StatusCode::kPermissionDenied);
}

// ---- Who called: the token's name, never the token ----

// A GraphService whose GetEntity answers with what its handler sees: the
// caller's name as `name`, and every metadata entry as an alias "KEY=VALUE".
class MetadataEcho final : public v1::GraphService::Service {
 public:
  grpc::Status GetEntity(grpc::ServerContext* ctx, const v1::GetEntityRequest*,
                         v1::Entity* out) override {
    out->set_name(CallerName(*ctx));
    for (const auto& [key, value] : ctx->client_metadata()) {
      out->add_aliases(std::string(key.data(), key.size()) + "=" +
                       std::string(value.data(), value.size()));
    }
    return grpc::Status::OK;
  }
};

TEST(CallerTest, HandlersSeeTheTokensNameAndNeverTheToken) {
  testing::TempDir dir;
  const std::string path = dir.Sub("tokens.txt");
  constexpr char kNamed[] = "writer-token-named-0123456789";
  std::ofstream(path) << "reader " << kReaderToken << "\nwriter " << kNamed << " Wendy W.\n";
  auto access = MakeServerAccess(AccessOptions{.tokens_file = path});
  ASSERT_OK(access);
  MetadataEcho echo;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", access->credentials, &port);
  builder.RegisterService(&echo);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<CallerInterceptorFactory>(access->tokens));
  builder.experimental().SetInterceptorCreators(std::move(factories));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  auto stub = v1::GraphService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  const auto seen = [&](const std::string& token, v1::Entity* out) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.AddMetadata(kCallerMetadataKey, "Mallory");  // what a client claims is dropped
    return stub->GetEntity(&ctx, v1::GetEntityRequest(), out);
  };
  v1::Entity named, unnamed;
  ASSERT_TRUE(seen(kNamed, &named).ok());
  ASSERT_TRUE(seen(kReaderToken, &unnamed).ok());
  EXPECT_EQ(named.name(), "Wendy W.");
  EXPECT_EQ(unnamed.name(), "");
  for (const v1::Entity* e : {&named, &unnamed}) {
    for (const std::string& entry : e->aliases()) {
      EXPECT_THAT(entry, Not(HasSubstr("authorization")));
      EXPECT_THAT(entry, Not(HasSubstr("0123456789")));
      EXPECT_THAT(entry, Not(HasSubstr("Mallory")));
    }
  }
  EXPECT_THAT(named.aliases(), ::testing::Contains(std::string(kCallerMetadataKey) + "=Wendy W."));
  server->Shutdown();
}

// ---- Where the server may listen ----

TEST(ListenTest, LoopbackAddresses) {
  for (const char* listen : {"127.0.0.1:50051", "127.1.2.3:0", "localhost:50051",
                             "LOCALHOST:1", "[::1]:50051", "[::ffff:127.0.0.1]:80",
                             "unix:/tmp/entente.sock"}) {
    EXPECT_TRUE(IsLoopbackListen(listen)) << listen;
  }
  for (const char* listen : {"0.0.0.0:50051", "[::]:50051", ":50051", "10.0.0.5:50051",
                             "128.0.0.1:1", "example.org:50051", "localhost.example.org:1",
                             "[::2]:50051"}) {
    EXPECT_FALSE(IsLoopbackListen(listen)) << listen;
  }
}

TEST(ListenTest, RemoteNeedsTlsAndTokensOrTheExplicitFlag) {
  AccessOptions o;
  EXPECT_OK(CheckListenAllowed("127.0.0.1:0", o));
  absl::Status s = CheckListenAllowed("0.0.0.0:50051", o);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--allow_insecure_remote"));
  o.tls_cert_file = "c.pem";
  EXPECT_FALSE(CheckListenAllowed("0.0.0.0:50051", o).ok()) << "TLS alone is not enough";
  o.tls_cert_file = "";
  o.tokens_file = "tokens";
  EXPECT_FALSE(CheckListenAllowed("0.0.0.0:50051", o).ok()) << "tokens alone are not enough";
  o.tls_cert_file = "c.pem";
  EXPECT_OK(CheckListenAllowed("0.0.0.0:50051", o));
  EXPECT_OK(CheckListenAllowed("0.0.0.0:50051", AccessOptions{.allow_insecure_remote = true}));
}

// ---- A real server with real certificates ----

class AuthServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = &testing::SharedTestCerts();
    tokens_file_ = new std::string(Sub("tokens.txt"));
    testing::WriteTokensFile(*tokens_file_);
  }
  static void TearDownTestSuite() { delete tokens_file_; }
  static std::string Sub(const std::string& name) { return certs_->dir + "/" + name; }

  void SetUp() override {
    ASSERT_EQ(certs_->error, "");
    auto store = storage::Store::Open(db_.path(), storage::StoreOptions());
    ASSERT_OK(store);
    store_ = std::move(*store);
    ingestor_ = std::make_unique<graph::Ingestor>(store_.get());
    ASSERT_OK(ingestor_->Init());
    reader_ = std::make_unique<graph::GraphReader>(store_.get());
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::milliseconds(100));
  }

  absl::Status Start(AccessOptions access) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.access = std::move(access);
    auto server = Server::Start(ingestor_.get(), reader_.get(), options);
    if (!server.ok()) return server.status();
    server_ = std::move(*server);
    return absl::OkStatus();
  }
  AccessOptions Tls() const {
    AccessOptions o;
    o.tls_cert_file = certs_->server_cert;
    o.tls_key_file = certs_->server_key;
    return o;
  }
  std::string Address() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  std::shared_ptr<grpc::Channel> Plaintext() const {
    return grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials());
  }
  // TLS trusting `ca`, with the client certificate `cert` if not empty.
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& ca, const std::string& cert = "",
                                            const std::string& key = "") const {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = testing::ReadFileOrEmpty(ca);
    if (!cert.empty()) {
      ssl.pem_cert_chain = testing::ReadFileOrEmpty(cert);
      ssl.pem_private_key = testing::ReadFileOrEmpty(key);
    }
    return grpc::CreateChannel(Address(), grpc::SslCredentials(ssl));
  }

  static grpc::Status List(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& token = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    v1::ListStatementsRequest req;
    req.mutable_entity()->set_name("Russia");
    v1::ListStatementsResponse resp;
    return v1::GraphService::NewStub(channel)->ListStatements(&ctx, req, &resp);
  }
  static grpc::Status Ingest(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& token, v1::IngestResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    v1::IngestRequest req;
    v1::Statement* s = req.add_statements();
    s->mutable_actor()->set_name("North Korea");
    s->mutable_action()->set_text("deployed troops to");
    s->mutable_action()->set_cameo_code("072");
    s->mutable_target()->set_name("Russia");
    s->mutable_date()->set_year(2024);
    s->mutable_date()->set_month(10);
    s->mutable_source()->set_document_id("doc");
    s->set_quote("troops");
    return v1::IngestService::NewStub(channel)->Ingest(&ctx, req, resp);
  }
  static grpc::Status Health(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    return grpc::health::v1::Health::NewStub(channel)->Check(&ctx, req, &resp);
  }
  // A call of a method no service implements.
  static grpc::Status CallUnknownMethod(const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& token) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.AddMetadata("authorization", "Bearer " + token);
    const grpc::internal::RpcMethod method("/entente.v1.NoSuchService/Do",
                                           grpc::internal::RpcMethod::NORMAL_RPC);
    v1::ListStatementsRequest req;
    v1::ListStatementsResponse resp;
    return grpc::internal::BlockingUnaryCall(channel.get(), method, &ctx, req, &resp);
  }

  // Token checks that must hold over any channel to a server with tokens.
  void ExpectTokenPolicy(const std::shared_ptr<grpc::Channel>& channel) {
    EXPECT_EQ(List(channel).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(List(channel, "not-a-valid-token-at-all").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_TRUE(List(channel, kReaderToken).ok()) << List(channel, kReaderToken).error_message();
    v1::IngestResponse resp;
    grpc::Status denied = Ingest(channel, kReaderToken, &resp);
    EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(denied.error_message(), HasSubstr("writer"));
    EXPECT_THAT(denied.error_message(), Not(HasSubstr(kReaderToken)));
    EXPECT_EQ(Ingest(channel, "", &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    grpc::Status written = Ingest(channel, kWriterToken, &resp);
    EXPECT_TRUE(written.ok()) << written.error_message();
    EXPECT_EQ(resp.accepted(), 1u);
    EXPECT_TRUE(Health(channel).ok()) << "health must need no token";
    EXPECT_EQ(CallUnknownMethod(channel, kWriterToken).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    // Past the policy, gRPC itself finds no such method.
    EXPECT_EQ(CallUnknownMethod(channel, kAdminToken).error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }

  testing::TempDir db_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<graph::Ingestor> ingestor_;
  std::unique_ptr<graph::GraphReader> reader_;
  std::unique_ptr<Server> server_;

  static const testing::TestCerts* certs_;
  static std::string* tokens_file_;
};

const testing::TestCerts* AuthServerTest::certs_ = nullptr;
std::string* AuthServerTest::tokens_file_ = nullptr;

TEST_F(AuthServerTest, TlsServesClientsThatTrustItsCaAndNoPlaintext) {
  ASSERT_OK(Start(Tls()));
  grpc::Status tls = List(TlsChannel(certs_->ca_cert));
  EXPECT_TRUE(tls.ok()) << tls.error_message();
  EXPECT_FALSE(List(Plaintext()).ok());
  EXPECT_FALSE(List(TlsChannel(certs_->other_ca_cert)).ok()) << "a client must verify the server";
}

TEST_F(AuthServerTest, MutualTlsNeedsAClientCertificateFromTheClientCa) {
  AccessOptions o = Tls();
  o.tls_client_ca_file = certs_->ca_cert;
  ASSERT_OK(Start(o));
  EXPECT_FALSE(List(TlsChannel(certs_->ca_cert)).ok()) << "no client certificate";
  EXPECT_FALSE(List(TlsChannel(certs_->ca_cert, certs_->stranger_cert, certs_->stranger_key)).ok())
      << "client certificate from another CA";
  grpc::Status good = List(TlsChannel(certs_->ca_cert, certs_->client_cert, certs_->client_key));
  EXPECT_TRUE(good.ok()) << good.error_message();
}

TEST_F(AuthServerTest, TokensOverTls) {
  AccessOptions o = Tls();
  o.tokens_file = *tokens_file_;
  ASSERT_OK(Start(o));
  ExpectTokenPolicy(TlsChannel(certs_->ca_cert));
}

TEST_F(AuthServerTest, TokensOverPlaintextOnLoopback) {
  AccessOptions o;
  o.tokens_file = *tokens_file_;
  ASSERT_OK(Start(o));
  ExpectTokenPolicy(Plaintext());
}

TEST_F(AuthServerTest, TokensWithMutualTls) {
  AccessOptions o = Tls();
  o.tls_client_ca_file = certs_->ca_cert;
  o.tokens_file = *tokens_file_;
  ASSERT_OK(Start(o));
  ExpectTokenPolicy(TlsChannel(certs_->ca_cert, certs_->client_cert, certs_->client_key));
}

TEST_F(AuthServerTest, WithoutTokensEverythingIsOpenOnLoopback) {
  ASSERT_OK(Start(AccessOptions()));
  EXPECT_TRUE(List(Plaintext()).ok());
  v1::IngestResponse resp;
  EXPECT_TRUE(Ingest(Plaintext(), "", &resp).ok());
}

TEST_F(AuthServerTest, StartRefusesBadFilesNamingFlagAndFile) {
  struct Case {
    AccessOptions options;
    std::string error;
  };
  const std::string missing = Sub("missing.pem");
  const std::string garbage = Sub("garbage.pem");
  std::ofstream(garbage) << "not a certificate\n";
  const std::string bad_tokens = Sub("bad-tokens.txt");
  std::ofstream(bad_tokens) << "# ok\nreader " << kReaderToken << "\nwriter short\n";
  std::vector<Case> cases;
  cases.push_back({AccessOptions{.tls_cert_file = certs_->server_cert},
                   "--tls_cert is set without --tls_key"});
  cases.push_back({AccessOptions{.tls_key_file = certs_->server_key},
                   "--tls_key is set without --tls_cert"});
  cases.push_back({AccessOptions{.tls_cert_file = missing, .tls_key_file = certs_->server_key},
                   "--tls_cert " + missing + ": cannot read"});
  cases.push_back({AccessOptions{.tls_cert_file = certs_->server_cert, .tls_key_file = missing},
                   "--tls_key " + missing + ": cannot read"});
  cases.push_back({AccessOptions{.tls_cert_file = garbage, .tls_key_file = certs_->server_key},
                   "--tls_cert " + garbage + ": not a PEM certificate"});
  cases.push_back(
      {AccessOptions{.tls_cert_file = certs_->server_cert, .tls_key_file = certs_->client_key},
       "--tls_key " + certs_->client_key + " does not match the certificate in --tls_cert " +
           certs_->server_cert});
  cases.push_back({AccessOptions{.tls_cert_file = certs_->server_cert,
                                 .tls_key_file = certs_->server_key,
                                 .tls_client_ca_file = garbage},
                   "--tls_client_ca " + garbage + ": not a PEM certificate"});
  cases.push_back({AccessOptions{.tls_client_ca_file = certs_->ca_cert},
                   "--tls_client_ca needs TLS"});
  cases.push_back({AccessOptions{.tokens_file = bad_tokens},
                   "--tokens_file " + bad_tokens + ":3: token shorter than 16"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    absl::Status s = Start(c.options);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.error));
  }
  absl::Status s = Start(AccessOptions{});
  EXPECT_OK(s);
}

}  // namespace
}  // namespace entente::service
