#include "bench/grpc_queries.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "bench/workload.h"
#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"
#include "formats/icews_tsv.h"
#include "graph/taxonomy.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace entente::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxReceiveBytes = 64 << 20;  // as the CLI and the server
constexpr int kMaxBatch = 10000;            // the server's limit per request

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// A channel of its own: a distinct argument keeps gRPC from sharing one
// connection between the channels of several client threads. Retries are
// off: gRPC's retry filter copies every call's messages in case it must
// resend them, and nothing here would be retried (a failed query fails
// the run). Any client may set the same (bench/README.md, gRPC).
std::shared_ptr<grpc::Channel> Connect(const std::string& server, int client = 0) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  args.SetInt("entente.bench.client", client);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
}

// Once per process, before any channel: see service/server.cc. Debian's
// Abseil checks every absl::Mutex lock for deadlocks under a global lock,
// and gRPC locks many per call, on the client side too.
void QuietMutexes() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

bool ParseDay(const std::string& s, v1::Date* d) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  try {
    d->set_year(std::stoi(s.substr(0, 4)));
    d->set_month(std::stoi(s.substr(5, 2)));
    d->set_day(std::stoi(s.substr(8, 2)));
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

std::string FormatDay(const v1::Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.year(), d.month(), d.day());
  return buf;
}

Event ToEvent(const v1::Statement& s) {
  return {FormatDay(s.date()), s.actor().name(), s.action().text(), s.target().name()};
}

void SetWindow(const Query& q, v1::EdgeFilter* f) {
  ParseDay(q.t0, f->mutable_date_from());
  ParseDay(q.t1, f->mutable_date_to());
}

// NOT_FOUND (an unknown entity) is the empty answer; other errors fail.
absl::Status Check(const grpc::Status& s) {
  if (s.ok() || s.error_code() == grpc::StatusCode::NOT_FOUND) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

// Each response is parsed into a protobuf arena that starts in a buffer the
// fetcher keeps (scratch_), so that reading a response of a few hundred
// strings costs no malloc and no free per string; the arena is dropped
// whole once the rows are copied out.
class GrpcFetcher {
 public:
  explicit GrpcFetcher(const std::shared_ptr<grpc::Channel>& channel, bool sizes = false)
      : stub_(v1::GraphService::NewStub(channel)), sizes_(sizes), scratch_(kScratchBytes) {}

  // With `sizes`: the serialized bytes of the responses of the last Fetch.
  uint64_t last_bytes() const { return bytes_; }

  absl::StatusOr<Rows> Fetch(const Query& q) {
    bytes_ = 0;
    Rows rows;
    absl::Status s;
    if (q.kind == "Q1") {
      s = Statements(q, v1::OUT, nullptr, &rows.events);
    } else if (q.kind == "Q2") {
      const std::set<std::string> wanted(q.relations.begin(), q.relations.end());
      s = Statements(q, v1::IN, &wanted, &rows.events);
    } else if (q.kind == "Q3") {
      s = Reach(q, &rows.names);
    } else if (q.kind == "Q4") {
      s = Distance(q, &rows.dist);
    } else if (q.kind == "Q5") {
      s = Timeline(q, &rows.events);
    } else {
      s = absl::InvalidArgumentError("unknown query kind " + q.kind);
    }
    if (!s.ok()) return s;
    return rows;
  }

 private:
  // Q1, Q2: every page of the entity's statements in one direction, kept if
  // their relation is in `wanted` (when given).
  absl::Status Statements(const Query& q, v1::Direction dir, const std::set<std::string>* wanted,
                          std::vector<Event>* out) {
    v1::ListStatementsRequest req;
    req.mutable_entity()->set_name(q.entity);
    req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    req.set_direction(dir);
    SetWindow(q, req.mutable_filter());
    if (wanted != nullptr) {
      for (const auto& code : CodesOfRelations(q.relations)) {
        req.mutable_filter()->add_code_prefixes(code);
      }
    }
    req.set_page_size(1000);
    // Date, ends and action are all a row needs.
    req.set_statement_view(v1::STATEMENT_VIEW_INDEX);
    while (true) {
      google::protobuf::Arena arena(ArenaOptions());
      auto& resp = *google::protobuf::Arena::CreateMessage<v1::ListStatementsResponse>(&arena);
      grpc::ClientContext ctx;
      const grpc::Status s = stub_->ListStatements(&ctx, req, &resp);
      if (!s.ok()) return Check(s);
      Count(resp);
      out->reserve(out->size() + resp.statements_size());
      for (const auto& st : resp.statements()) {
        if (wanted == nullptr || wanted->count(st.action().text())) out->push_back(ToEvent(st));
      }
      if (resp.next_page_token().empty()) return absl::OkStatus();
      req.set_page_token(resp.next_page_token());
    }
  }

  // Q3: the nodes reached by 1 or 2 outgoing edges, the seed excluded.
  absl::Status Reach(const Query& q, std::vector<std::string>* names) {
    v1::TraverseRequest req;
    req.add_seeds()->set_name(q.entity);
    req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    req.set_max_depth(2);
    req.set_direction(v1::OUT);
    SetWindow(q, req.mutable_filter());
    req.set_max_nodes(100000);
    req.set_max_edges(1000000);
    req.set_max_fanout(1000000);
    // Names only, and no edges: Q3 asks who is within reach.
    req.set_entity_view(v1::ENTITY_VIEW_BASIC);
    req.set_nodes_only(true);
    google::protobuf::Arena arena(ArenaOptions());
    auto& chunk = *google::protobuf::Arena::CreateMessage<v1::TraverseResponse>(&arena);
    grpc::ClientContext ctx;
    auto reader = stub_->Traverse(&ctx, req);
    while (reader->Read(&chunk)) {
      Count(chunk);
      for (const auto& n : chunk.nodes()) {
        if (n.depth() > 0) names->push_back(n.entity().name());
      }
    }
    const grpc::Status s = reader->Finish();
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) names->clear();
    return Check(s);
  }

  // Q4: the undirected hop distance, or -1.
  absl::Status Distance(const Query& q, int* dist) {
    v1::FindPathsRequest req;
    req.mutable_from()->set_name(q.a);
    req.mutable_to()->set_name(q.b);
    req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    req.set_max_hops(q.max_hops);
    req.set_direction(v1::BOTH);
    SetWindow(q, req.mutable_filter());
    req.set_max_paths(1);
    req.set_evidence_per_hop(1);
    req.set_entity_view(v1::ENTITY_VIEW_BASIC);
    req.set_statement_view(v1::STATEMENT_VIEW_INDEX);
    google::protobuf::Arena arena(ArenaOptions());
    auto& resp = *google::protobuf::Arena::CreateMessage<v1::FindPathsResponse>(&arena);
    grpc::ClientContext ctx;
    const grpc::Status s = stub_->FindPaths(&ctx, req, &resp);
    Count(resp);
    *dist = s.ok() ? resp.distance() : -1;
    return Check(s);
  }

  // Q5: every page of the dyad's statements, both directions.
  absl::Status Timeline(const Query& q, std::vector<Event>* out) {
    v1::GetRelationTimelineRequest req;
    req.mutable_a()->set_name(q.a);
    req.mutable_b()->set_name(q.b);
    req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    SetWindow(q, req.mutable_filter());
    req.set_page_size(1000);
    req.set_entity_view(v1::ENTITY_VIEW_BASIC);
    req.set_statement_view(v1::STATEMENT_VIEW_INDEX);
    while (true) {
      google::protobuf::Arena arena(ArenaOptions());
      auto& resp =
          *google::protobuf::Arena::CreateMessage<v1::GetRelationTimelineResponse>(&arena);
      grpc::ClientContext ctx;
      const grpc::Status s = stub_->GetRelationTimeline(&ctx, req, &resp);
      if (!s.ok()) return Check(s);
      Count(resp);
      out->reserve(out->size() + resp.statements_size());
      for (const auto& st : resp.statements()) out->push_back(ToEvent(st));
      if (resp.next_page_token().empty()) return absl::OkStatus();
      req.set_page_token(resp.next_page_token());
    }
  }

  void Count(const google::protobuf::MessageLite& m) {
    if (sizes_) bytes_ += m.ByteSizeLong();
  }

  // The first block of each call's arena; larger responses get more blocks
  // from malloc.
  static constexpr size_t kScratchBytes = 256 << 10;
  google::protobuf::ArenaOptions ArenaOptions() {
    google::protobuf::ArenaOptions o;
    o.initial_block = scratch_.data();
    o.initial_block_size = scratch_.size();
    return o;
  }

  std::unique_ptr<v1::GraphService::Stub> stub_;
  const bool sizes_;
  uint64_t bytes_ = 0;
  std::vector<char> scratch_;
};

// The floor of a call: `n` grpc.health.v1.Health/Check calls (after 100
// untimed), each timed as a query is. Prints p50 and p95.
void MeasureEmptyCalls(const std::shared_ptr<grpc::Channel>& channel, int n) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  std::vector<double> ms;
  for (int i = 0; i < n + 100; ++i) {
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    const auto t = Clock::now();
    const grpc::Status s = stub->Check(&ctx, req, &resp);
    const double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    if (!s.ok()) {
      std::printf("empty call: grpc.health.v1.Health/Check failed: %s\n", s.error_message().c_str());
      return;
    }
    if (i >= 100) ms.push_back(elapsed);
  }
  std::printf("empty call (grpc.health.v1.Health/Check, %d calls): p50 %.3f ms, p95 %.3f ms\n", n,
              Percentile(ms, 50), Percentile(ms, 95));
}

// N clients, each with its own channel, split the queries round-robin and
// answer them as fast as they can: once through the list, or, with
// `seconds` > 0, round and round until that long has passed. Prints the
// total queries/s.
int RunThroughput(const std::string& server, const std::vector<Query>& qs, int clients,
                  double seconds = 0) {
  std::atomic<uint64_t> failed{0}, answered{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      GrpcFetcher fetcher(Connect(server, c + 1));
      do {
        for (size_t i = c; i < qs.size(); i += clients) {
          if (!fetcher.Fetch(qs[i]).ok()) ++failed;
          ++answered;
          if (seconds > 0 && Seconds(start) >= seconds) return;
        }
      } while (seconds > 0);
    });
  }
  for (auto& t : threads) t.join();
  const double secs = Seconds(start);
  std::printf("throughput: %d clients, %llu queries in %.2f s = %.0f queries/s, %llu failed\n",
              clients, static_cast<unsigned long long>(answered.load()), secs,
              answered.load() / secs, static_cast<unsigned long long>(failed.load()));
  return failed == 0 ? 0 : 1;
}

}  // namespace

int RunGrpcLoad(const std::vector<std::string>& args) {
  const std::string server = Flag(args, "--server");
  const int batch_size = std::min(std::stoi(Flag(args, "--batch", "10000")), kMaxBatch);
  const auto files = Positional(args);
  if (server.empty() || files.empty() || batch_size < 1) {
    std::cerr << "usage: entente-bench grpc-load --server HOST:PORT [--batch N] FILE...\n";
    return 2;
  }
  QuietMutexes();
  auto stub = v1::IngestService::NewStub(Connect(server));
  grpc::ClientContext ctx;
  v1::IngestResponse resp;
  auto writer = stub->IngestStream(&ctx, &resp);
  const bool tty = isatty(2);
  const auto start = Clock::now();
  uint64_t lines = 0, bad = 0;
  v1::IngestRequest req;
  req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
  bool broken = false;
  auto flush = [&]() {
    if (broken || req.statements_size() == 0) return;
    broken = !writer->Write(req);
    req.clear_statements();
    if (tty) std::fprintf(stderr, "\r%llu lines, %.0f/s ", (unsigned long long)lines,
                          lines / Seconds(start));
  };
  for (const auto& path : files) {
    absl::Status read = formats::ReadIcewsTsv(
        path,
        [&](uint64_t, model::StatementInput&& in) {
          ++lines;
          // The same statement the in-process loader stores, code included.
          v1::Statement* s = req.add_statements();
          s->mutable_actor()->set_name(in.actor.name);
          s->mutable_action()->set_text(in.action_text);
          if (!in.cameo_code.empty()) s->mutable_action()->set_cameo_code(in.cameo_code);
          s->mutable_target()->set_name(in.target.name);
          s->mutable_date()->set_year(in.date.year);
          s->mutable_date()->set_month(in.date.month);
          s->mutable_date()->set_day(in.date.day);
          s->mutable_source()->set_document_id(in.source.document_id);
          s->mutable_extractor()->set_name(in.extractor_name);
          s->set_idempotency_key(in.idempotency_key);
          if (req.statements_size() == batch_size) flush();
          return !broken;
        },
        [&](uint64_t lineno, const std::string& why) {
          ++lines;
          ++bad;
          std::cerr << path << ":" << lineno << ": " << why << "\n";
        });
    if (!read.ok()) {
      std::cerr << "entente-bench: " << read.message() << "\n";
      return 1;
    }
    if (broken) break;
  }
  flush();
  if (!broken) writer->WritesDone();
  const grpc::Status status = writer->Finish();
  const double secs = Seconds(start);
  if (tty) std::fprintf(stderr, "\r");
  if (!status.ok()) {
    std::cerr << "entente-bench: IngestStream failed: " << status.error_message() << "\n";
    return 1;
  }
  for (const auto& r : resp.rejections()) {
    std::cerr << "rejected #" << r.index() << ": " << r.field() << ": " << r.description() << "\n";
  }
  const uint64_t rejected = resp.rejected() + bad;
  std::printf(
      "loaded %llu lines in %.2f s (%.0f events/s): accepted %llu, duplicate %llu, rejected "
      "%llu\n",
      static_cast<unsigned long long>(lines), secs, lines / secs,
      static_cast<unsigned long long>(resp.accepted()),
      static_cast<unsigned long long>(resp.duplicate()), static_cast<unsigned long long>(rejected));
  return rejected == 0 ? 0 : 1;
}

int RunGrpcQuery(const std::vector<std::string>& args) {
  const std::string server = Flag(args, "--server"), queries = Flag(args, "--queries"),
                    out_path = Flag(args, "--out");
  const int clients = std::stoi(Flag(args, "--clients", "1"));
  const int floor_calls = std::stoi(Flag(args, "--floor", "1000"));
  const bool sizes = std::find(args.begin(), args.end(), "--sizes") != args.end();
  // --seconds S: only the throughput phase, for S seconds (processes started
  // together against several servers then overlap for all of it).
  const double seconds = std::stod(Flag(args, "--seconds", "0"));
  if (server.empty() || queries.empty() || (out_path.empty() && seconds <= 0) || clients < 1 ||
      floor_calls < 0 || seconds < 0) {
    std::cerr << "usage: entente-bench grpc-query --server HOST:PORT --queries FILE --out FILE "
                 "[--clients N] [--floor N] [--sizes]\n"
                 "       entente-bench grpc-query --server HOST:PORT --queries FILE --seconds S "
                 "[--clients N]\n";
    return 2;
  }
  auto qs = LoadQueries(queries);
  if (!qs.ok()) {
    std::cerr << "entente-bench: " << qs.status() << "\n";
    return 1;
  }
  if (seconds > 0) {
    QuietMutexes();
    return RunThroughput(server, *qs, clients, seconds);
  }
  QuietMutexes();
  auto channel = Connect(server);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    std::cerr << "entente-bench: cannot reach " << server << "\n";
    return 1;
  }
  if (floor_calls > 0) MeasureEmptyCalls(channel, floor_calls);
  GrpcFetcher fetcher(channel, sizes);
  std::map<std::string, std::map<std::string, double>> bytes;  // kind -> id -> bytes (--sizes)
  auto s = RunTimedPass(
      *qs,
      [&](const Query& q) {
        auto rows = fetcher.Fetch(q);
        if (sizes) bytes[q.kind][q.id] = static_cast<double>(fetcher.last_bytes());
        return rows;
      },
      out_path);
  if (!s.ok()) {
    std::cerr << "entente-bench: " << s << "\n";
    return 1;
  }
  if (sizes) {
    // The serialized size of each query's responses (all pages or chunks).
    std::printf("| kind | response bytes p50 | p95 | max |\n|---|---|---|---|\n");
    for (auto& [kind, by_id] : bytes) {
      std::vector<double> v;
      for (const auto& [id, n] : by_id) v.push_back(n);
      const double max = *std::max_element(v.begin(), v.end());
      std::printf("| %s | %.0f | %.0f | %.0f |\n", kind.c_str(), Percentile(v, 50),
                  Percentile(v, 95), max);
    }
  }
  std::fflush(stdout);
  return clients > 1 ? RunThroughput(server, *qs, clients) : 0;
}

}  // namespace entente::bench
