// /metrics: the registry's exposition text, and scrapes of a real server's
// side port over plain TCP after real gRPC calls, and while slow, idle or
// surplus connections press on it.
#include "service/metrics.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "service/metrics_http.h"
#include "tests/service/ops_fixture.h"
#include "tests/testing/http.h"
#include "tests/testing/slow_clients.h"

namespace entente::service {
namespace {

using ::entente::testing::ConnectLoopback;
using ::entente::testing::HttpExchange;
using ::entente::testing::SlowClients;
using ::entente::testing::TimedResponse;
using ::entente::testing::TimedScrape;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The value of the sample `series` (name and labels exactly as rendered).
std::optional<double> Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

std::string Body(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string Scrape(int port) {
  const std::string r =
      HttpExchange(port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_THAT(r, StartsWith("HTTP/1.1 200 OK\r\n"));
  return Body(r);
}

TEST(MetricsTest, RendersCountersAndACumulativeHistogram) {
  Metrics m;
  m.StartRpc(m.ForMethod("/p.S/A"));
  m.StartRpc(m.ForMethod("/p.S/A"));
  EXPECT_EQ(m.in_flight(), 2);
  m.FinishRpc("/p.S/A", "OK", 0.0003);  // in the 0.0005 bucket
  m.FinishRpc("/p.S/A", "NOT_FOUND", 3.0);
  m.StartRpc(m.ForMethod("/p.S/B"));
  m.AddStatements(5, 2, 1);
  std::string text;
  m.Render(&text);
  EXPECT_EQ(Sample(text, R"(entente_rpc_requests_total{method="/p.S/A",code="OK"})"), 1);
  EXPECT_EQ(Sample(text, R"(entente_rpc_requests_total{method="/p.S/A",code="NOT_FOUND"})"), 1);
  EXPECT_EQ(Sample(text, R"(entente_rpc_duration_seconds_bucket{method="/p.S/A",le="0.00025"})"),
            0);
  EXPECT_EQ(Sample(text, R"(entente_rpc_duration_seconds_bucket{method="/p.S/A",le="0.0005"})"),
            1);
  EXPECT_EQ(Sample(text, R"(entente_rpc_duration_seconds_bucket{method="/p.S/A",le="2.5"})"), 1);
  EXPECT_EQ(Sample(text, R"(entente_rpc_duration_seconds_bucket{method="/p.S/A",le="5"})"), 2);
  EXPECT_EQ(Sample(text, R"(entente_rpc_duration_seconds_bucket{method="/p.S/A",le="+Inf"})"), 2);
  EXPECT_EQ(Sample(text, R"(entente_rpc_duration_seconds_count{method="/p.S/A"})"), 2);
  EXPECT_DOUBLE_EQ(*Sample(text, R"(entente_rpc_duration_seconds_sum{method="/p.S/A"})"), 3.0003);
  EXPECT_EQ(Sample(text, "entente_rpc_in_flight"), 1);
  EXPECT_EQ(Sample(text, R"(entente_statements_ingested_total{result="accepted"})"), 5);
  EXPECT_EQ(Sample(text, R"(entente_statements_ingested_total{result="duplicate"})"), 2);
  EXPECT_EQ(Sample(text, R"(entente_statements_ingested_total{result="rejected"})"), 1);
  EXPECT_THAT(text, HasSubstr("# TYPE entente_rpc_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE entente_rpc_requests_total counter\n"));
}

// Method names are what callers send: past Metrics::kMaxMethods, new ones
// are counted together, so the map and the page stay bounded.
TEST(MetricsTest, MethodNamesPastTheBoundShareOneEntry) {
  Metrics m;
  const size_t names = Metrics::kMaxMethods + 50;
  for (size_t i = 0; i < names; ++i) {
    m.StartRpc(m.ForMethod("/x.Y/M" + std::to_string(i)));
    m.FinishRpc("/x.Y/M" + std::to_string(i), "UNIMPLEMENTED", 0.001);
  }
  m.StartRpc(m.ForMethod("/x.Y/M0"));
  m.FinishRpc("/x.Y/M0", "OK", 0.001);  // a name seen before keeps its entry
  std::string text;
  m.Render(&text);
  EXPECT_EQ(Sample(text, R"(entente_rpc_requests_total{method="/x.Y/M0",code="OK"})"), 1);
  EXPECT_EQ(Sample(text, R"x(entente_rpc_requests_total{method="(other)",code="UNIMPLEMENTED"})x"),
            50);
  EXPECT_FALSE(Sample(text, "entente_rpc_requests_total{method=\"/x.Y/M" +
                                std::to_string(Metrics::kMaxMethods) +
                                "\",code=\"UNIMPLEMENTED\"}")
                   .has_value());
  EXPECT_EQ(Sample(text, "entente_rpc_in_flight"), 0);
}

// The grpc_server_* series (go-grpc-prometheus' names, which the usual
// dashboards query) carry the same counts as the entente_rpc_* ones.
TEST(MetricsTest, RendersTheGrpcServerSeriesFromTheSameCounts) {
  Metrics m;
  for (int i = 0; i < 3; ++i) m.StartRpc(m.ForMethod("/p.S/Watch", RpcKind::kServerStream));
  m.FinishRpc("/p.S/Watch", "OK", 0.002);
  m.FinishRpc("/p.S/Watch", "CANCELLED", 7.0);
  m.StartRpc(m.ForMethod("/p.S/Put", RpcKind::kClientStream));
  m.FinishRpc("/p.S/Put", "OK", 0.01);
  std::string text;
  m.Render(&text);
  const std::string watch = R"(grpc_service="p.S",grpc_method="Watch",grpc_type="server_stream")";
  EXPECT_EQ(Sample(text, "grpc_server_started_total{" + watch + "}"), 3);
  EXPECT_EQ(Sample(text, "grpc_server_handled_total{" + watch + R"(,grpc_code="OK"})"), 1);
  EXPECT_EQ(Sample(text, "grpc_server_handled_total{" + watch + R"(,grpc_code="CANCELLED"})"), 1);
  EXPECT_FALSE(Sample(text, "grpc_server_handled_total{" + watch + R"(,grpc_code="UNKNOWN"})"));
  EXPECT_EQ(Sample(text, "grpc_server_handling_seconds_bucket{" + watch + R"(,le="0.001"})"), 0);
  EXPECT_EQ(Sample(text, "grpc_server_handling_seconds_bucket{" + watch + R"(,le="0.0025"})"), 1);
  EXPECT_EQ(Sample(text, "grpc_server_handling_seconds_bucket{" + watch + R"(,le="10"})"), 2);
  EXPECT_EQ(Sample(text, "grpc_server_handling_seconds_bucket{" + watch + R"(,le="+Inf"})"), 2);
  EXPECT_EQ(Sample(text, "grpc_server_handling_seconds_count{" + watch + "}"), 2);
  EXPECT_DOUBLE_EQ(*Sample(text, "grpc_server_handling_seconds_sum{" + watch + "}"), 7.002);
  const std::string put = R"(grpc_service="p.S",grpc_method="Put",grpc_type="client_stream")";
  EXPECT_EQ(Sample(text, "grpc_server_handled_total{" + put + R"(,grpc_code="OK"})"), 1);
  EXPECT_EQ(Sample(text, "entente_rpc_in_flight"), 1);  // one Watch still open
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_started_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_handled_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_handling_seconds histogram\n"));
}

TEST(MetricsTest, RendersTheStandardProcessMetrics) {
  std::string text;
  RenderProcessStats(&text);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  // This test process started before now, and not days ago.
  const std::optional<double> start = Sample(text, "process_start_time_seconds");
  ASSERT_TRUE(start.has_value()) << text;
  EXPECT_LE(*start, now + 1);
  EXPECT_GT(*start, now - 86400);
  // Burn some CPU: the counter moves.
  const double cpu = *Sample(text, "process_cpu_seconds_total");
  volatile double x = 0;
  const auto until = Clock::now() + milliseconds(300);
  while (Clock::now() < until) x = x + 1;
  std::string later;
  RenderProcessStats(&later);
  EXPECT_GT(*Sample(later, "process_cpu_seconds_total"), cpu + 0.1);
  EXPECT_GT(*Sample(text, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GE(*Sample(text, "process_virtual_memory_bytes"),
            *Sample(text, "process_resident_memory_bytes"));
  const double fds = *Sample(text, "process_open_fds");
  EXPECT_GE(fds, 3);  // stdin, stdout, stderr
  const int extra = open("/dev/null", O_RDONLY);
  ASSERT_GE(extra, 0);
  std::string with_extra;
  RenderProcessStats(&with_extra);
  close(extra);
  EXPECT_EQ(*Sample(with_extra, "process_open_fds"), fds + 1);
  EXPECT_GE(*Sample(text, "process_max_fds"), fds);
  for (const char* type :
       {"# TYPE process_cpu_seconds_total counter\n", "# TYPE process_start_time_seconds gauge\n",
        "# TYPE process_max_fds gauge\n"}) {
    EXPECT_THAT(text, HasSubstr(type));
  }
}

TEST(MetricsTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

class ScrapeTest : public ::testing::Test {
 protected:
  static ServerOptions Options() {
    ServerOptions o;
    o.metrics_listen = "127.0.0.1:0";
    return o;
  }
  RunningServer running_{Options()};
};

TEST_F(ScrapeTest, CountsCallsStatementsAndStorage) {
  ASSERT_TRUE(running_.ok());
  const int port = running_.server().metrics_port();
  ASSERT_NE(port, 0);
  ASSERT_NE(port, running_.server().port());

  v1::IngestResponse resp;
  ASSERT_TRUE(running_.Ingest(0, 3, &resp).ok());
  ASSERT_TRUE(running_.Ingest(0, 3, &resp).ok());
  EXPECT_EQ(resp.duplicate(), 3u);
  {  // One stream of two messages, one of them with a rejected statement.
    auto stub = v1::IngestService::NewStub(running_.NewChannel());
    grpc::ClientContext ctx;
    v1::IngestResponse stream_resp;
    auto writer = stub->IngestStream(&ctx, &stream_resp);
    v1::IngestRequest req;
    *req.add_statements() = TestStatement(10);
    ASSERT_TRUE(writer->Write(req));
    req.clear_statements();
    v1::Statement bad = TestStatement(11);
    bad.mutable_actor()->clear_name();
    *req.add_statements() = bad;
    ASSERT_TRUE(writer->Write(req));
    ASSERT_TRUE(writer->WritesDone());
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(stream_resp.rejected(), 1u);
  }
  {
    v1::GetStatementRequest req;  // id 0: INVALID_ARGUMENT
    v1::Statement s;
    grpc::ClientContext ctx;
    EXPECT_EQ(v1::GraphService::NewStub(running_.NewChannel())->GetStatement(&ctx, req, &s)
                  .error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  const std::string text = Scrape(port);
  const std::string ingest = R"(method="/entente.v1.IngestService/Ingest")";
  const std::string stream = R"(method="/entente.v1.IngestService/IngestStream")";
  EXPECT_EQ(Sample(text, "entente_rpc_requests_total{" + ingest + R"(,code="OK"})"), 2);
  EXPECT_EQ(Sample(text, "entente_rpc_requests_total{" + stream + R"(,code="OK"})"), 1);
  EXPECT_EQ(Sample(text, R"(entente_rpc_requests_total{method="/entente.v1.GraphService/GetStatement",code="INVALID_ARGUMENT"})"),
            1);
  EXPECT_EQ(Sample(text, "entente_rpc_duration_seconds_count{" + ingest + "}"), 2);
  EXPECT_EQ(Sample(text, "entente_rpc_duration_seconds_bucket{" + ingest + R"(,le="+Inf"})"), 2);
  EXPECT_GT(*Sample(text, "entente_rpc_duration_seconds_sum{" + ingest + "}"), 0);
  EXPECT_EQ(Sample(text, "entente_rpc_in_flight"), 0);
  // The same calls under go-grpc-prometheus' names, typed by the interceptor.
  const std::string grpc_ingest =
      R"(grpc_service="entente.v1.IngestService",grpc_method="Ingest",grpc_type="unary")";
  const std::string grpc_stream =
      R"(grpc_service="entente.v1.IngestService",grpc_method="IngestStream",)"
      R"(grpc_type="client_stream")";
  EXPECT_EQ(Sample(text, "grpc_server_started_total{" + grpc_ingest + "}"), 2);
  EXPECT_EQ(Sample(text, "grpc_server_handled_total{" + grpc_ingest + R"(,grpc_code="OK"})"), 2);
  EXPECT_EQ(Sample(text, "grpc_server_handled_total{" + grpc_stream + R"(,grpc_code="OK"})"), 1);
  EXPECT_EQ(Sample(text, R"(grpc_server_handled_total{grpc_service="entente.v1.GraphService",)"
                         R"(grpc_method="GetStatement",grpc_type="unary",)"
                         R"(grpc_code="INVALID_ARGUMENT"})"),
            1);
  EXPECT_EQ(Sample(text, "grpc_server_handling_seconds_count{" + grpc_ingest + "}"), 2);
  EXPECT_EQ(Sample(text, "grpc_server_handling_seconds_sum{" + grpc_ingest + "}"),
            Sample(text, "entente_rpc_duration_seconds_sum{" + ingest + "}"));
  EXPECT_EQ(Sample(text, R"(entente_statements_ingested_total{result="accepted"})"), 4);
  EXPECT_EQ(Sample(text, R"(entente_statements_ingested_total{result="duplicate"})"), 3);
  EXPECT_EQ(Sample(text, R"(entente_statements_ingested_total{result="rejected"})"), 1);
  // The writes sit in the memtable: RocksDB counts their keys and bytes.
  EXPECT_GT(*Sample(text, "entente_rocksdb_memtable_bytes"), 0);
  EXPECT_GT(*Sample(text, "entente_rocksdb_estimated_keys"), 0);
  EXPECT_EQ(Sample(text, "entente_rocksdb_block_cache_capacity_bytes"),
            storage::StoreOptions().block_cache_bytes);
  for (const char* name :
       {"entente_rocksdb_live_sst_bytes", "entente_rocksdb_total_sst_bytes",
        "entente_rocksdb_pending_compaction_bytes", "entente_rocksdb_running_compactions",
        "entente_rocksdb_compactions_total", "entente_rocksdb_compaction_written_bytes_total"}) {
    EXPECT_TRUE(Sample(text, name).has_value()) << name;
  }
  EXPECT_GT(*Sample(text, "process_resident_memory_bytes"), 1 << 20);
}

TEST_F(ScrapeTest, FlushedDataShowsInTheSstFigures) {
  ASSERT_TRUE(running_.ok());
  v1::IngestResponse resp;
  ASSERT_TRUE(running_.Ingest(0, 50, &resp).ok());
  const int port = running_.server().metrics_port();
  const std::string before = Scrape(port);
  EXPECT_EQ(Sample(before, "entente_rocksdb_live_sst_bytes"), 0);
  ASSERT_TRUE(running_.store().Flush().ok());
  const std::string after = Scrape(port);
  EXPECT_GT(*Sample(after, "entente_rocksdb_live_sst_bytes"), 0);
  EXPECT_GE(*Sample(after, "entente_rocksdb_total_sst_bytes"),
            *Sample(after, "entente_rocksdb_live_sst_bytes"));
  EXPECT_LT(*Sample(after, "entente_rocksdb_memtable_bytes"),
            *Sample(before, "entente_rocksdb_memtable_bytes"));
}

TEST_F(ScrapeTest, AnswersHeadersAndOtherPaths) {
  ASSERT_TRUE(running_.ok());
  const int port = running_.server().metrics_port();
  const std::string ok = HttpExchange(port, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_THAT(ok, HasSubstr("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  EXPECT_THAT(ok, HasSubstr("\r\nContent-Length: " + std::to_string(Body(ok).size()) + "\r\n"));
  EXPECT_THAT(HttpExchange(port, "GET /metrics?x=1 HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(HttpExchange(port, "GET / HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 404 "));
  EXPECT_THAT(HttpExchange(port, "GET /metricsx HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 404 "));
  EXPECT_THAT(HttpExchange(port, "POST /metrics HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 405 "));
  EXPECT_THAT(HttpExchange(port, "garbage\r\n\r\n"), StartsWith("HTTP/1.1 400 "));
  const std::string head = HttpExchange(port, "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_THAT(head, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_EQ(Body(head), "");
}

TEST_F(ScrapeTest, ClientsThatSendNothingDoNotStopOthersBeingServed) {
  ASSERT_TRUE(running_.ok());
  const int port = running_.server().metrics_port();
  // Silent or half-sent connections: each holds a thread of its own until
  // its read times out, so the scrape after them is answered at once, and
  // each is then closed.
  std::vector<int> stalled;
  for (int i = 0; i < 10; ++i) {
    stalled.push_back(ConnectLoopback(port));
    if (i % 2 == 0) ::send(stalled.back(), "GET /metr", 9, MSG_NOSIGNAL);
  }
  EXPECT_TRUE(Sample(Scrape(port), "entente_rpc_in_flight").has_value());
  // And the gRPC server never waited for any of it.
  v1::IngestResponse resp;
  EXPECT_TRUE(running_.Ingest(0, 1, &resp).ok());
  for (int fd : stalled) {
    char c;
    EXPECT_EQ(::recv(fd, &c, 1, 0), 0) << "a stalled connection is closed by the server";
    ::close(fd);
  }
}

// What docs/operations.md (Metrics) promises: 50 connections sending a
// request one byte per second and 50 sending nothing, opened again whenever
// the server closes them, do not delay a scrape past 1 s.
TEST_F(ScrapeTest, AnswersWithinASecondWhile100SlowOrIdleConnectionsAreOpen) {
  ASSERT_TRUE(running_.ok());
  const int port = running_.server().metrics_port();
  SlowClients attack(port, /*slow=*/50, /*idle=*/50);
  ASSERT_TRUE(attack.AwaitStarted(milliseconds(5000))) << attack.opened() << " opened";
  // Past the server's first read timeouts: the attack is in its steady
  // state, connections being closed and opened again.
  std::this_thread::sleep_for(milliseconds(1200));
  std::string figures;
  for (int i = 0; i < 5; ++i) {
    const int open = attack.open();
    const TimedResponse r = TimedScrape(port);
    EXPECT_THAT(r.response, StartsWith("HTTP/1.1 200 OK")) << "scrape " << i;
    EXPECT_TRUE(Sample(Body(r.response), "entente_rpc_in_flight").has_value()) << "scrape " << i;
    EXPECT_LT(r.elapsed, milliseconds(1000))
        << "scrape " << i << " with " << open << " slow or idle connections open";
    EXPECT_GE(open, 80) << "scrape " << i << ": the attack lost its connections";
    figures += " " + std::to_string(r.elapsed.count()) + " ms (" + std::to_string(open) + " open)";
    std::this_thread::sleep_for(milliseconds(300));
  }
  std::printf("scrapes under 50 slow + 50 idle connections:%s; %d connections opened in all\n",
              figures.c_str(), attack.opened());
}

// Limits small enough for a test to watch each act in about a second.
HttpServerOptions QuickOptions() {
  HttpServerOptions o;
  o.io_timeout = milliseconds(1000);
  o.connection_deadline = milliseconds(500);
  return o;
}

std::string Tiny() { return "tiny_metric 1\n"; }

TEST(MetricsHttpServerTest, CutsOffAClientThatTricklesItsRequest) {
  auto http = MetricsHttpServer::Start("127.0.0.1:0", Tiny, QuickOptions());
  ASSERT_TRUE(http.ok()) << http.status();
  const int fd = ConnectLoopback((*http)->port());
  const auto start = Clock::now();
  // A byte every 50 ms never lets a read time out (1 s): only the
  // connection's deadline (500 ms) can end it.
  std::string request = "GET /metrics HTTP/1.1\r\n";
  while (request.size() < 100) request += "X-Slow: 1\r\n";
  bool closed = false;
  for (size_t i = 0; i < request.size() && !closed; ++i) {
    pollfd p{fd, POLLIN, 0};
    closed = ::send(fd, &request[i], 1, MSG_NOSIGNAL) != 1 || ::poll(&p, 1, 50) > 0;
  }
  const auto elapsed = Clock::now() - start;
  EXPECT_TRUE(closed) << "still open after " << request.size() << " bytes";
  char c;
  EXPECT_LE(::recv(fd, &c, 1, 0), 0) << "closed without an answer";
  EXPECT_GE(elapsed, milliseconds(450));
  EXPECT_LT(elapsed, milliseconds(3000));
  ::close(fd);
}

TEST(MetricsHttpServerTest, PastTheBoundAConnectionWaitsForAFreeThread) {
  HttpServerOptions options = QuickOptions();
  options.max_connections = 2;
  options.io_timeout = milliseconds(500);
  auto http = MetricsHttpServer::Start("127.0.0.1:0", Tiny, options);
  ASSERT_TRUE(http.ok()) << http.status();
  const int port = (*http)->port();
  const auto start = Clock::now();
  // Both threads, taken by clients that send nothing; the scrape waits in
  // the listen queue until one of them is dropped (500 ms).
  const int idle[2] = {ConnectLoopback(port), ConnectLoopback(port)};
  const TimedResponse r = TimedScrape(port);
  const auto elapsed = Clock::now() - start;
  EXPECT_THAT(r.response, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(r.response, HasSubstr("tiny_metric 1\n"));
  EXPECT_GE(elapsed, milliseconds(450));
  EXPECT_LT(elapsed, milliseconds(3000));
  for (int fd : idle) ::close(fd);
}

TEST(MetricsHttpServerTest, ServesIpv6Loopback) {
  auto http = MetricsHttpServer::Start("[::1]:0", Tiny);
  if (!http.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << http.status();
  const std::string response =
      HttpExchange((*http)->port(), "GET /metrics HTTP/1.1\r\n\r\n", /*ipv6=*/true);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_EQ(Body(response), Tiny());
}

TEST(MetricsHttpServerTest, AnUnusableAddressIsAnError) {
  auto bad = MetricsHttpServer::Start("nonsense", [] { return std::string(); });
  EXPECT_FALSE(bad.ok());
  auto first = MetricsHttpServer::Start("127.0.0.1:0", [] { return std::string("x"); });
  ASSERT_TRUE(first.ok());
  auto second = MetricsHttpServer::Start("127.0.0.1:" + std::to_string((*first)->port()),
                                         [] { return std::string(); });
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(),
              HasSubstr("127.0.0.1:" + std::to_string((*first)->port())));
}

}  // namespace
}  // namespace entente::service
