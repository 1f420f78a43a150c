// The HTTP/JSON port (--http_listen): every GraphService method answers over
// HTTP what it answers over gRPC, with the same tokens and roles, errors as
// google.rpc.Status JSON with the HTTP status of their code, and the
// browser-facing guards of service/http_site.h. A real server on 127.0.0.1
// with a real RocksDB, called with cpp-httplib's client.
#include "service/http_gateway.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/codegen/sync_stream.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "service/http_site.h"
#include "tests/service/ops_fixture.h"
#include "tests/testing/test_certs.h"
#include "tests/testing/test_tokens.h"

namespace entente::service {
namespace {

namespace pb = google::protobuf;
using ::testing::HasSubstr;

// The seed story's statements, as a client would send them.
v1::IngestRequest SeedRequest() {
  v1::IngestRequest req;
  std::ifstream in(std::string(ENTENTE_FIXTURES_DIR) + "/seed-2024-10-22.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    EXPECT_TRUE(pb::util::JsonStringToMessage(line, req.add_statements()).ok()) << line;
  }
  EXPECT_GT(req.statements_size(), 20);
  return req;
}

ServerOptions HttpOptions(const std::string& tokens_file = "") {
  ServerOptions options;
  options.http_listen = "127.0.0.1:0";
  options.access.tokens_file = tokens_file;
  return options;
}

class HttpTest : public ::testing::Test {
 protected:
  void Ingest(RunningServer& server, const std::string& token = "") {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", std::string("Bearer ") + token);
    v1::IngestResponse resp;
    const grpc::Status s =
        v1::IngestService::NewStub(server.NewChannel())->Ingest(&ctx, SeedRequest(), &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  static httplib::Client Client(RunningServer& server) {
    httplib::Client client("127.0.0.1", server.server().http_port());
    client.set_read_timeout(std::chrono::seconds(30));
    return client;
  }

  static httplib::Result Post(RunningServer& server, const std::string& path,
                              const std::string& json, const httplib::Headers& headers = {}) {
    return Client(server).Post(path.c_str(), headers, json, "application/json");
  }

  // The google.rpc.Status of an error answer.
  static google::rpc::Status StatusOf(const httplib::Result& r) {
    google::rpc::Status status;
    EXPECT_TRUE(r) << "no answer";
    if (r) {
      EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
      EXPECT_TRUE(pb::util::JsonStringToMessage(r->body, &status).ok()) << r->body;
    }
    return status;
  }

  static std::vector<std::string> ViolatedFields(const google::rpc::Status& status) {
    std::vector<std::string> fields;
    for (const auto& any : status.details()) {
      google::rpc::BadRequest bad;
      if (any.UnpackTo(&bad)) {
        for (const auto& v : bad.field_violations()) fields.push_back(v.field());
      }
    }
    return fields;
  }
};

// The same request (JSON) to GraphService over gRPC and over HTTP: the
// answers, read back into messages, are equal. Server-streaming answers
// are compared message by message.
void ExpectSameAnswer(RunningServer& server, const pb::MethodDescriptor* method,
                      const std::string& request_json) {
  SCOPED_TRACE(method->full_name() + " " + request_json);
  const pb::Message* prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(method->input_type());
  std::unique_ptr<pb::Message> request(prototype->New());
  ASSERT_TRUE(pb::util::JsonStringToMessage(request_json, request.get()).ok());
  const std::string path = "/" + method->service()->full_name() + "/" + method->name();
  auto channel = server.NewChannel();
  grpc::ClientContext ctx;
  std::vector<std::unique_ptr<pb::Message>> expected;
  const pb::Message* out_prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(method->output_type());
  grpc::Status status;
  if (method->server_streaming()) {
    const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING);
    std::unique_ptr<grpc::ClientReader<pb::Message>> reader(
        grpc::internal::ClientReaderFactory<pb::Message>::Create(channel.get(), rpc, &ctx,
                                                                 *request));
    for (std::unique_ptr<pb::Message> m(out_prototype->New()); reader->Read(m.get());
         m.reset(out_prototype->New())) {
      expected.push_back(std::move(m));
    }
    status = reader->Finish();
  } else {
    const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
    expected.emplace_back(out_prototype->New());
    status = grpc::internal::BlockingUnaryCall<pb::Message, pb::Message>(
        channel.get(), rpc, &ctx, *request, expected[0].get());
  }
  httplib::Client client("127.0.0.1", server.server().http_port());
  auto r = client.Post(("/v1/" + method->service()->name() + "/" + method->name()).c_str(),
                       request_json, "application/json");
  ASSERT_TRUE(r);
  if (!status.ok()) {
    // The same error: code, message and details.
    EXPECT_EQ(r->status,
              HttpGateway::HttpStatusOf(static_cast<absl::StatusCode>(status.error_code())));
    google::rpc::Status got;
    ASSERT_TRUE(pb::util::JsonStringToMessage(r->body, &got).ok()) << r->body;
    EXPECT_EQ(got.code(), status.error_code());
    EXPECT_EQ(got.message(), status.error_message());
    return;
  }
  ASSERT_EQ(r->status, 200) << r->body;
  // A stream's answer is an array; a unary one, the message.
  std::vector<std::string> jsons;
  if (method->server_streaming()) {
    pb::Value array;
    ASSERT_TRUE(pb::util::JsonStringToMessage(r->body, &array).ok()) << r->body;
    ASSERT_TRUE(array.has_list_value()) << r->body;
    for (const auto& v : array.list_value().values()) {
      std::string json;
      ASSERT_TRUE(pb::util::MessageToJsonString(v, &json).ok());
      jsons.push_back(json);
    }
  } else {
    jsons.push_back(r->body);
  }
  ASSERT_EQ(jsons.size(), expected.size());
  for (size_t i = 0; i < jsons.size(); ++i) {
    std::unique_ptr<pb::Message> got(out_prototype->New());
    ASSERT_TRUE(pb::util::JsonStringToMessage(jsons[i], got.get()).ok()) << jsons[i];
    // Equivalent: the JSON prints every field, so a proto2 field the server
    // left unset (statement.proto) comes back set to its default.
    pb::util::MessageDifferencer differ;
    differ.set_message_field_comparison(pb::util::MessageDifferencer::EQUIVALENT);
    // GetServerInfo's uptime may tick between the two calls.
    if (const auto* uptime = got->GetDescriptor()->FindFieldByName("uptime_seconds")) {
      differ.IgnoreField(uptime);
    }
    EXPECT_TRUE(differ.Compare(*got, *expected[i]))
        << "HTTP: " << got->DebugString() << "\ngRPC: " << expected[i]->DebugString();
  }
}

TEST_F(HttpTest, EveryGraphServiceMethodAnswersAsOverGrpc) {
  RunningServer server(HttpOptions());
  ASSERT_TRUE(server.ok());
  ASSERT_NE(server.server().http_port(), 0);
  Ingest(server);
  // A request of substance for every method, so that a method added later
  // fails here until it is given one (or listed as not served).
  const std::map<std::string, std::vector<std::string>> requests = {
      {"GetEntity", {R"({"name":"North Korea"})", R"({"id":"1"})"}},
      {"SearchEntities", {R"({"prefix":"north k"})", R"({"prefix":"Rus","page_size":1})"}},
      {"ListStatements",
       {R"({"entity":{"name":"North Korea"},"filter":{"quad_classes":["MATERIAL_COOPERATION"]}})",
        R"({"entity":{"name":"Russia"},"page_size":2})"}},
      {"GetStatement", {R"({"id":"3"})"}},
      {"Traverse",
       {R"({"seeds":[{"name":"North Korea"}],"max_depth":2})",
        R"({"seeds":[{"name":"Russia"}],"max_depth":1,"nodes_only":true})"}},
      {"FindPaths", {R"({"from":{"name":"Mark Rutte"},"to":{"name":"Ukraine"}})"}},
      {"GetRelationTimeline", {R"({"a":{"name":"North Korea"},"b":{"name":"Russia"}})"}},
      {"GetEntityProfile", {R"({"entity":{"name":"Russia"}})"}},
      {"ListClaims", {R"({"entity":{"name":"North Korea"}})"}},
      {"GetClaim", {R"({"id":"1"})"}},  // no claims here: NOT_FOUND both ways
      {"ListMerges", {"{}"}},
      {"ListMemberships", {R"({"entity":{"name":"Russia"}})"}},
      {"GetServerInfo", {"{}"}},
  };
  const pb::ServiceDescriptor* graph =
      pb::DescriptorPool::generated_pool()->FindServiceByName("entente.v1.GraphService");
  for (int i = 0; i < graph->method_count(); ++i) {
    const pb::MethodDescriptor* m = graph->method(i);
    if (m->name() == "WatchStatements") continue;  // a feed: 501, tested below
    auto it = requests.find(m->name());
    ASSERT_NE(it, requests.end()) << m->name() << " has no request in this test";
    for (const std::string& json : it->second) ExpectSameAnswer(server, m, json);
  }
}

TEST_F(HttpTest, GetTakesFieldsAsQueryParameters) {
  RunningServer server(HttpOptions());
  ASSERT_TRUE(server.ok());
  Ingest(server);
  auto client = Client(server);
  auto get =
      client.Get("/v1/GraphService/Traverse?seeds.name=ignored&max_depth=1");  // seeds is repeated
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 400);
  EXPECT_THAT(ViolatedFields(StatusOf(get)), ::testing::ElementsAre("seeds.name"));

  auto search = client.Get("/v1/GraphService/SearchEntities?prefix=North%20K&page_size=5");
  ASSERT_TRUE(search);
  ASSERT_EQ(search->status, 200) << search->body;
  v1::SearchEntitiesResponse by_get, by_post;
  ASSERT_TRUE(pb::util::JsonStringToMessage(search->body, &by_get).ok());
  auto post =
      Post(server, "/v1/GraphService/SearchEntities", R"({"prefix":"North K","pageSize":5})");
  ASSERT_TRUE(post);
  ASSERT_TRUE(pb::util::JsonStringToMessage(post->body, &by_post).ok());
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(by_get, by_post));
  EXPECT_GT(by_get.entities_size(), 0) << search->body;

  // Nested singular messages by dotted path; enums by name; repeated by
  // repetition.
  auto listed = client.Get(
      "/v1/GraphService/ListStatements?entity.name=North%20Korea&filter.quad_classes="
      "MATERIAL_COOPERATION&filter.quad_classes=VERBAL_COOPERATION&page_size=50");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  v1::ListStatementsResponse statements;
  ASSERT_TRUE(pb::util::JsonStringToMessage(listed->body, &statements).ok());
  EXPECT_GT(statements.statements_size(), 0);

  for (const char* bad : {"/v1/GraphService/SearchEntities?page_size=many",
                          "/v1/GraphService/SearchEntities?no_such_field=1",
                          "/v1/GraphService/ListStatements?direction=SIDEWAYS",
                          "/v1/GraphService/ListStatements?entity=Russia"}) {
    auto r = client.Get(bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad << " " << r->body;
    EXPECT_EQ(ViolatedFields(StatusOf(r)).size(), 1u) << bad << " " << r->body;
  }
}

TEST_F(HttpTest, ErrorsAreStatusJsonWithTheHttpStatusOfTheirCode) {
  RunningServer server(HttpOptions());
  ASSERT_TRUE(server.ok());
  Ingest(server);
  // The service's own validation, BadRequest naming the field.
  auto invalid = Post(server, "/v1/GraphService/FindPaths",
                      R"({"from":{"name":"Mark Rutte"},"to":{"name":"Ukraine"},"max_hops":99})");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 400);
  const google::rpc::Status status = StatusOf(invalid);
  EXPECT_EQ(status.code(), 3);
  EXPECT_THAT(ViolatedFields(status), ::testing::Contains("max_hops"));

  auto missing = Post(server, "/v1/GraphService/GetEntity", R"({"name":"Atlantis"})");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(StatusOf(missing).code(), 5);

  // Bad JSON, unknown fields, wrong types: 400 naming the body.
  for (const char* body :
       {"{", R"({"prefix":)", R"({"prefx":"x"})", R"({"page_size":"x"})", "[]"}) {
    auto r = Post(server, "/v1/GraphService/SearchEntities", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_THAT(ViolatedFields(StatusOf(r)), ::testing::ElementsAre("body")) << body;
  }
  auto empty = Post(server, "/v1/GraphService/ListMerges", "");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200) << "an empty body is the empty request";

  auto client = Client(server);
  auto unknown = Post(server, "/v1/GraphService/NoSuchMethod", "{}");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto feed = Post(server, "/v1/GraphService/WatchStatements", "{}");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->status, 501);
  EXPECT_THAT(StatusOf(feed).message(), HasSubstr("gRPC"));
  auto text = client.Post("/v1/GraphService/SearchEntities", "{}", "text/plain");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 415);
  auto put = client.Put("/v1/GraphService/SearchEntities", "{}", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  // A GET must not write: a browser sends one wherever a page points it.
  auto get_write = client.Get("/v1/IngestService/Retract?statement_ids=1");
  ASSERT_TRUE(get_write);
  EXPECT_EQ(get_write->status, 405);
  EXPECT_EQ(get_write->get_header_value("Allow"), "POST");
  auto timeout = client.Post("/v1/GraphService/ListMerges", {{"X-Entente-Timeout-Ms", "soon"}},
                             "{}", "application/json");
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->status, 400);
  EXPECT_THAT(ViolatedFields(StatusOf(timeout)), ::testing::ElementsAre("X-Entente-Timeout-Ms"));

  auto index = client.Get("/v1");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_THAT(index->body, HasSubstr("\"/v1/GraphService/Traverse\""));
}

TEST_F(HttpTest, WritesGoThroughTheSameServiceAndAreReadBack) {
  RunningServer server(HttpOptions());
  ASSERT_TRUE(server.ok());
  std::string body;
  ASSERT_TRUE(pb::util::MessageToJsonString(SeedRequest(), &body).ok());
  auto ingest = Post(server, "/v1/IngestService/Ingest", body);
  ASSERT_TRUE(ingest);
  ASSERT_EQ(ingest->status, 200) << ingest->body;
  v1::IngestResponse resp;
  ASSERT_TRUE(pb::util::JsonStringToMessage(ingest->body, &resp).ok());
  EXPECT_EQ(resp.accepted(), static_cast<uint64_t>(SeedRequest().statements_size()));
  // An invalid statement: its fields named, as over gRPC, and nothing
  // written.
  auto bad = Post(server, "/v1/IngestService/Ingest", R"({"statements":[{"actor":{"name":"X"}}]})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_THAT(ViolatedFields(StatusOf(bad)), ::testing::Contains("statements[0].target"));
  auto x = Post(server, "/v1/GraphService/GetEntity", R"({"name":"X"})");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->status, 404) << x->body;
  auto found = Post(server, "/v1/GraphService/GetEntity", R"({"name":"North Korea"})");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 200) << found->body;
}

TEST_F(HttpTest, TokensAndRolesAreThoseOfTheGrpcPort) {
  testing::TempDir dir;
  const std::string tokens = dir.path() + "/tokens";
  std::ofstream(tokens) << "reader " << testing::kReaderToken << " Alice\nwriter "
                        << testing::kWriterToken << " Bob\nadmin " << testing::kAdminToken << "\n";
  RunningServer server(HttpOptions(tokens));
  ASSERT_TRUE(server.ok());
  Ingest(server, testing::kWriterToken);
  const auto bearer = [](const char* token) {
    return httplib::Headers{{"Authorization", std::string("Bearer ") + token}};
  };
  const std::string search = R"({"prefix":"North"})";
  auto none = Post(server, "/v1/GraphService/SearchEntities", search);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  auto wrong =
      Post(server, "/v1/GraphService/SearchEntities", search, bearer("not-a-token-0123456789"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto reader =
      Post(server, "/v1/GraphService/SearchEntities", search, bearer(testing::kReaderToken));
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 200) << reader->body;
  // A reader may not write, a writer may not administer.
  auto denied = Post(server, "/v1/IngestService/Retract", R"({"statement_ids":["1"]})",
                     bearer(testing::kReaderToken));
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  EXPECT_THAT(StatusOf(denied).message(), HasSubstr("writer"));
  auto admin = Post(server, "/v1/AdminService/ListBackups", "{}", bearer(testing::kWriterToken));
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403);
  auto admin_ok = Post(server, "/v1/AdminService/ListBackups", "{}", bearer(testing::kAdminToken));
  ASSERT_TRUE(admin_ok);
  EXPECT_EQ(admin_ok->status, 200) << admin_ok->body;
  // The write records the token's name, as over gRPC.
  auto merge = Post(server, "/v1/IngestService/MergeEntities",
                    R"({"from":{"name":"Europe"},"into":{"name":"NATO"},"reason":"test"})",
                    bearer(testing::kWriterToken));
  ASSERT_TRUE(merge);
  EXPECT_EQ(merge->status, 200) << merge->body;
  auto merges = Post(server, "/v1/GraphService/ListMerges", "{}", bearer(testing::kReaderToken));
  ASSERT_TRUE(merges);
  EXPECT_THAT(merges->body, HasSubstr(R"("merged_by":"Bob")"));
  // /metrics and / stay open, as the metrics port is.
  auto metrics = Client(server).Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->body, HasSubstr("/entente.v1.GraphService/SearchEntities"));
}

TEST_F(HttpTest, BrowserGuards) {
  RunningServer server(HttpOptions());
  ASSERT_TRUE(server.ok());
  auto client = Client(server);
  // DNS rebinding: a page of evil.example whose name resolves to 127.0.0.1.
  auto rebound =
      client.Get("/v1/GraphService/SearchEntities?prefix=N", {{"Host", "evil.example:8080"}});
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 421);
  for (const char* host : {"localhost:1", "127.0.0.1:8080", "[::1]:80", "127.0.0.1"}) {
    EXPECT_TRUE(IsLiteralHost(host)) << host;
  }
  for (const char* host : {"evil.example", "localhost.evil.example:80", "[evil]:80", "1.2.3"}) {
    EXPECT_FALSE(IsLiteralHost(host)) << host;
  }
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->get_header_value("Content-Security-Policy"), HasSubstr("script-src 'self'"));
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  auto post_metrics = client.Post("/metrics", "x", "text/plain");
  ASSERT_TRUE(post_metrics);
  EXPECT_EQ(post_metrics->status, 405);
}

// Browsers accept Brotli, which cpp-httplib compresses at 0.3 MB/s: they
// get gzip, and a client that takes neither an answer as it is.
TEST_F(HttpTest, CompressesWithGzipNotBrotli) {
  RunningServer server(HttpOptions());
  ASSERT_TRUE(server.ok());
  Ingest(server);
  auto client = Client(server);
  client.set_decompress(false);
  const std::string path = "/v1/GraphService/ListStatements?entity.name=North%20Korea";
  auto plain = client.Get(path.c_str());
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->status, 200);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  auto browser = client.Get(path.c_str(), {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(browser);
  EXPECT_EQ(browser->get_header_value("Content-Encoding"), "gzip");
  EXPECT_LT(browser->body.size(), plain->body.size());
  auto brotli_only = client.Get(path.c_str(), {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(brotli_only);
  EXPECT_FALSE(brotli_only->has_header("Content-Encoding"));
  EXPECT_EQ(brotli_only->body, plain->body);
}

TEST_F(HttpTest, ServesTheExplorerFilesAndRefusesPathsOutsideThem) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/index.html") << "<!doctype html><title>explorer</title>";
  std::ofstream(dir.path() + "/app.js") << "console.log(1)";
  ServerOptions options = HttpOptions();
  options.http_assets = dir.path();
  RunningServer server(options);
  ASSERT_TRUE(server.ok());
  auto client = Client(server);
  auto index = client.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_THAT(index->body, HasSubstr("<title>explorer</title>"));
  auto js = client.Get("/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_THAT(js->get_header_value("Content-Type"), HasSubstr("javascript"));
  auto escape = client.Get("/../tokens");
  ASSERT_TRUE(escape);
  EXPECT_NE(escape->status, 200);
}

TEST(HttpListenTest, HasTheRuleOfTheGrpcPort) {
  ServerOptions options = HttpOptions();
  options.listen = "127.0.0.1:0";
  options.http_listen = "0.0.0.0:0";
  const auto started = Server::Start(nullptr, nullptr, options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(started.status().message()), HasSubstr("--http_listen"));
}

// With the gRPC port's certificate, the HTTP port speaks HTTPS only; with a
// client CA, only to clients with a certificate it signed.
TEST_F(HttpTest, ServesHttpsWithTheServersCertificate) {
  const testing::TestCerts& certs = testing::SharedTestCerts();
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  for (const bool mutual : {false, true}) {
    SCOPED_TRACE(mutual ? "mutual TLS" : "TLS");
    ServerOptions options = HttpOptions();
    options.access.tls_cert_file = certs.server_cert;
    options.access.tls_key_file = certs.server_key;
    if (mutual) options.access.tls_client_ca_file = certs.ca_cert;
    RunningServer server(options);
    ASSERT_TRUE(server.ok());
    const int port = server.server().http_port();
    httplib::SSLClient https("127.0.0.1", port, mutual ? certs.client_cert : "",
                             mutual ? certs.client_key : "");
    https.set_ca_cert_path(certs.ca_cert.c_str());
    https.enable_server_certificate_verification(true);
    auto r = https.Post("/v1/GraphService/SearchEntities", R"({"prefix":"x"})", "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200) << r->body;
    auto metrics = https.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    // Plain HTTP to the TLS port gets no answer.
    httplib::Client plain("127.0.0.1", port);
    plain.set_read_timeout(std::chrono::seconds(3));
    auto p = plain.Get("/v1");
    EXPECT_TRUE(!p || p->status != 200);
    if (mutual) {
      httplib::SSLClient stranger("127.0.0.1", port, certs.stranger_cert, certs.stranger_key);
      stranger.set_ca_cert_path(certs.ca_cert.c_str());
      auto s = stranger.Get("/v1");
      EXPECT_FALSE(s) << "a client of another CA was answered";
      httplib::SSLClient anonymous("127.0.0.1", port);
      anonymous.set_ca_cert_path(certs.ca_cert.c_str());
      EXPECT_FALSE(anonymous.Get("/v1")) << "a client without certificate was answered";
    }
  }
}

TEST(HttpStatusTest, MapsEveryCode) {
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpGateway::HttpStatusOf(absl::StatusCode::kDataLoss), 500);
}

}  // namespace
}  // namespace entente::service
