#include "bench/soak.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "bench/workload.h"
#include "entente/v1/graph.grpc.pb.h"
#include "entente/v1/ingest.grpc.pb.h"

namespace entente::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum Kind { kIngest, kIngestStream, kList, kTraverse, kFindPaths, kTimeline, kKinds };
constexpr const char* kKindNames[kKinds] = {"Ingest",   "IngestStream", "ListStatements",
                                            "Traverse", "FindPaths",    "GetRelationTimeline"};

// Valid CAMEO codes, so that every written statement is accepted.
constexpr const char* kCodes[] = {"010", "020", "036", "040", "042",
                                  "043", "051", "057", "061", "071"};

// Writers add statements between nearby entities (i and i+1..i+kReach) over
// kYears, as news does: a sparse graph whose neighbourhoods, and so the cost
// of a Traverse, stay the same size however long the soak runs.
constexpr int kReach = 8;
constexpr int kYears = 2;

// A call that outlives this fails with DEADLINE_EXCEEDED and is counted,
// rather than hanging the soak.
constexpr auto kCallDeadline = std::chrono::seconds(10);

const char* CodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",          "CANCELLED",          "UNKNOWN",          "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",    "ALREADY_EXISTS",   "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",  "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",         "UNAVAILABLE",      "DATA_LOSS",
      "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "?";
}

struct Stats {
  std::array<std::vector<double>, kKinds> ms;  // latency of every call, errors included
  std::array<uint64_t, kKinds> errors{};
  std::map<std::string, uint64_t> by_code;  // status code, or what was wrong with an OK answer
  std::string first_error;
  uint64_t written = 0;

  void Fail(Kind kind, const std::string& code, const std::string& message) {
    ++errors[kind];
    ++by_code[code];
    if (first_error.empty()) first_error = std::string(kKindNames[kind]) + ": " + code + ": " +
                                           message;
  }
  // False (and counted) unless `s` is OK.
  bool Check(Kind kind, const grpc::Status& s) {
    if (s.ok()) return true;
    Fail(kind, CodeName(s.error_code()), s.error_message());
    return false;
  }
};

struct Setup {
  std::string server;
  std::string run;  // makes this run's idempotency keys and documents unique
  int entities = 512;
  int batch = 50;
  Clock::time_point end;
};

std::string EntityName(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "Soak entity %03d", i);
  return buf;
}

// Each client its own connection, as separate processes would have: a
// distinct channel argument keeps gRPC from sharing one.
std::shared_ptr<grpc::Channel> ClientChannel(const std::string& server, int client) {
  grpc::ChannelArguments args;
  args.SetInt("entente.soak.client", client);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
}

void SetDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
}

void FillStatement(int actor, int target, int day, const std::string& key,
                   const std::string& document, v1::Statement* s) {
  s->mutable_actor()->set_name(EntityName(actor));
  s->mutable_target()->set_name(EntityName(target));
  const char* code = kCodes[(actor + target + day) % std::size(kCodes)];
  s->mutable_action()->set_cameo_code(code);
  s->mutable_action()->set_text(std::string("soak action ") + code);
  s->mutable_date()->set_year(2023 + day / 336 % kYears);
  s->mutable_date()->set_month(1 + day / 28 % 12);
  s->mutable_date()->set_day(1 + day % 28);
  s->mutable_source()->set_document_id(document);
  s->set_confidence(0.5 + (day % 50) / 100.0);
  s->set_idempotency_key(key);
}

// A ring with chords: i -> i+1 and i -> i+7, so every entity has statements,
// every pair (i, i+1) a timeline, and every pair within 3 steps a path.
absl::Status Seed(const Setup& setup) {
  auto stub = v1::IngestService::NewStub(ClientChannel(setup.server, 0));
  v1::IngestRequest req;
  req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
  for (int i = 0; i < setup.entities; ++i) {
    for (int step : {1, 7}) {
      const int j = (i + step) % setup.entities;
      FillStatement(i, j, i * 11 + step,
                    "soak-" + setup.run + "-seed-" + std::to_string(i) + "-" + std::to_string(j),
                    "soak-" + setup.run + "-seed", req.add_statements());
    }
  }
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::IngestResponse resp;
  const grpc::Status s = stub->Ingest(&ctx, req, &resp);
  if (!s.ok()) {
    return absl::UnavailableError("seeding " + setup.server + ": " + CodeName(s.error_code()) +
                                  ": " + s.error_message());
  }
  if (resp.accepted() != static_cast<uint64_t>(req.statements_size())) {
    return absl::InternalError("seeding: " + std::to_string(resp.accepted()) + " of " +
                               std::to_string(req.statements_size()) + " accepted");
  }
  return absl::OkStatus();
}

class Writer {
 public:
  Writer(const Setup& setup, int client, Stats* stats)
      : setup_(setup), client_(client), stats_(stats), rng_(client),
        stub_(v1::IngestService::NewStub(ClientChannel(setup.server, client))) {}

  void Run() {
    for (uint64_t n = 0; Clock::now() < setup_.end; ++n) {
      const Kind kind = n % 2 == 0 ? kIngest : kIngestStream;
      const auto start = Clock::now();
      kind == kIngest ? Unary() : Stream();
      stats_->ms[kind].push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
  }

 private:
  void Fill(v1::IngestRequest* req) {
    req->set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    std::uniform_int_distribution<int> entity(0, setup_.entities - 1), reach(1, kReach),
        day(0, kYears * 336 - 1);
    for (int i = 0; i < setup_.batch; ++i) {
      const int a = entity(rng_);
      const int b = (a + reach(rng_)) % setup_.entities;
      FillStatement(a, b, day(rng_),
                    "soak-" + setup_.run + "-" + std::to_string(client_) + "-" +
                        std::to_string(seq_++),
                    "soak-" + setup_.run + "-w" + std::to_string(client_), req->add_statements());
    }
  }

  // Every statement carries a fresh key: anything but "all accepted" is
  // an error of the server.
  void CheckAccepted(Kind kind, const v1::IngestResponse& resp, uint64_t sent) {
    stats_->written += resp.accepted();
    if (resp.accepted() == sent) return;
    std::string why = std::to_string(resp.accepted()) + " of " + std::to_string(sent) +
                      " accepted, " + std::to_string(resp.duplicate()) + " duplicate";
    if (!resp.rejections().empty()) {
      why += "; " + resp.rejections(0).field() + ": " + resp.rejections(0).description();
    }
    stats_->Fail(kind, "NOT_ALL_ACCEPTED", why);
  }

  void Unary() {
    v1::IngestRequest req;
    Fill(&req);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::IngestResponse resp;
    if (stats_->Check(kIngest, stub_->Ingest(&ctx, req, &resp))) {
      CheckAccepted(kIngest, resp, req.statements_size());
    }
  }

  // A stream of four requests, as a client pushing a file does.
  void Stream() {
    constexpr int kMessages = 4;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::IngestResponse resp;
    auto writer = stub_->IngestStream(&ctx, &resp);
    uint64_t sent = 0;
    for (int m = 0; m < kMessages; ++m) {
      v1::IngestRequest req;
      Fill(&req);
      if (!writer->Write(req)) break;  // the status from Finish() says why
      sent += req.statements_size();
    }
    writer->WritesDone();
    if (stats_->Check(kIngestStream, writer->Finish())) {
      CheckAccepted(kIngestStream, resp, sent);
    }
  }

  const Setup& setup_;
  const int client_;
  Stats* stats_;
  std::mt19937 rng_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
  uint64_t seq_ = 0;
};

// Asks about seeded entities only, so every answer must be non-empty: an
// empty one is counted as an error (EMPTY_ANSWER) like a failed call.
class Reader {
 public:
  Reader(const Setup& setup, int client, Stats* stats)
      : setup_(setup), stats_(stats), rng_(client),
        stub_(v1::GraphService::NewStub(ClientChannel(setup.server, client))) {}

  void Run() {
    std::uniform_int_distribution<int> entity(0, setup_.entities - 1);
    for (uint64_t n = 0; Clock::now() < setup_.end; ++n) {
      const Kind kind = static_cast<Kind>(kList + n % 4);
      const int a = entity(rng_);
      const auto start = Clock::now();
      switch (kind) {
        case kList: List(a); break;
        case kTraverse: Traverse(a); break;
        case kFindPaths: FindPaths(a, (a + 1 + n % 3) % setup_.entities); break;
        default: Timeline(a, (a + 1) % setup_.entities); break;
      }
      stats_->ms[kind].push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
  }

 private:
  bool NonEmpty(Kind kind, bool non_empty, const std::string& what) {
    if (!non_empty) stats_->Fail(kind, "EMPTY_ANSWER", what);
    return non_empty;
  }

  bool List(int a) {
    v1::ListStatementsRequest req;
    req.mutable_entity()->set_name(EntityName(a));
    req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    req.set_direction(v1::BOTH);
    req.set_page_size(100);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::ListStatementsResponse resp;
    return stats_->Check(kList, stub_->ListStatements(&ctx, req, &resp)) &&
           NonEmpty(kList, resp.statements_size() > 0, "no statement of " + EntityName(a));
  }

  bool Traverse(int a) {
    v1::TraverseRequest req;
    req.add_seeds()->set_name(EntityName(a));
    req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    req.set_max_depth(2);
    req.set_direction(v1::BOTH);
    req.set_max_nodes(200);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    auto reader = stub_->Traverse(&ctx, req);
    v1::TraverseResponse chunk;
    int nodes = 0;
    while (reader->Read(&chunk)) nodes += chunk.nodes_size();
    return stats_->Check(kTraverse, reader->Finish()) &&
           NonEmpty(kTraverse, nodes > 1, "no neighbour of " + EntityName(a));
  }

  bool FindPaths(int a, int b) {
    v1::FindPathsRequest req;
    req.mutable_from()->set_name(EntityName(a));
    req.mutable_to()->set_name(EntityName(b));
    req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    req.set_max_hops(4);
    req.set_direction(v1::BOTH);
    req.set_max_paths(1);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::FindPathsResponse resp;
    return stats_->Check(kFindPaths, stub_->FindPaths(&ctx, req, &resp)) &&
           NonEmpty(kFindPaths, resp.distance() >= 1 && resp.paths_size() > 0,
                    "no path " + EntityName(a) + " - " + EntityName(b));
  }

  bool Timeline(int a, int b) {
    v1::GetRelationTimelineRequest req;
    req.mutable_a()->set_name(EntityName(a));
    req.mutable_b()->set_name(EntityName(b));
    req.set_name_resolution(v1::NAME_RESOLUTION_EXACT);
    req.set_page_size(100);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::GetRelationTimelineResponse resp;
    return stats_->Check(kTimeline, stub_->GetRelationTimeline(&ctx, req, &resp)) &&
           NonEmpty(kTimeline, resp.statements_size() > 0,
                    "no statement between " + EntityName(a) + " and " + EntityName(b));
  }

  const Setup& setup_;
  Stats* stats_;
  std::mt19937 rng_;
  std::unique_ptr<v1::GraphService::Stub> stub_;
};

void PrintSummary(const std::vector<Stats>& per_client, double secs, uint64_t seeded) {
  Stats all;
  for (const auto& s : per_client) {
    for (int k = 0; k < kKinds; ++k) {
      all.ms[k].insert(all.ms[k].end(), s.ms[k].begin(), s.ms[k].end());
      all.errors[k] += s.errors[k];
    }
    for (const auto& [code, n] : s.by_code) all.by_code[code] += n;
    if (all.first_error.empty()) all.first_error = s.first_error;
    all.written += s.written;
  }
  std::printf("%-20s %9s %9s %8s %8s %8s %7s\n", "kind", "calls", "calls/s", "p50 ms", "p95 ms",
              "p99 ms", "errors");
  uint64_t calls = 0, errors = 0;
  for (int k = 0; k < kKinds; ++k) {
    const auto& v = all.ms[k];
    calls += v.size();
    errors += all.errors[k];
    std::printf("%-20s %9zu %9.0f %8.2f %8.2f %8.2f %7llu\n", kKindNames[k], v.size(),
                v.size() / secs, Percentile(v, 50), Percentile(v, 95), Percentile(v, 99),
                static_cast<unsigned long long>(all.errors[k]));
  }
  std::printf("%-20s %9llu %9.0f %35llu\n", "all", static_cast<unsigned long long>(calls),
              calls / secs, static_cast<unsigned long long>(errors));
  std::printf("statements written: %llu (%.0f/s), plus %llu seeded\n",
              static_cast<unsigned long long>(all.written), all.written / secs,
              static_cast<unsigned long long>(seeded));
  std::printf("errors: %llu", static_cast<unsigned long long>(errors));
  const char* sep = " (";
  for (const auto& [code, n] : all.by_code) {
    std::printf("%s%s %llu", sep, code.c_str(), static_cast<unsigned long long>(n));
    sep = ", ";
  }
  std::printf("%s\n", errors ? ")" : "");
  if (errors) std::printf("first error: %s\n", all.first_error.c_str());
}

}  // namespace

int RunSoak(const std::vector<std::string>& args) {
  Setup setup;
  setup.server = Flag(args, "--server");
  int clients = 0, seconds = 0, writers = -1;
  try {
    clients = std::stoi(Flag(args, "--clients", "16"));
    seconds = std::stoi(Flag(args, "--seconds", "20"));
    writers = std::stoi(Flag(args, "--writers", std::to_string(std::max(1, clients / 4))));
    setup.entities = std::stoi(Flag(args, "--entities", "512"));
    setup.batch = std::stoi(Flag(args, "--batch", "50"));
  } catch (const std::exception&) {
    clients = 0;
  }
  if (setup.server.empty() || clients < 1 || seconds < 1 || writers < 0 || writers > clients ||
      setup.entities <= kReach || setup.batch < 1 || setup.batch > 2500) {
    std::cerr << "usage: entente-bench soak --server HOST:PORT [--clients 16] [--seconds 20]\n"
                 "         [--writers CLIENTS/4] [--entities 512 (> 8)] [--batch 50 (<= 2500)]\n"
                 "Writers alternate Ingest and IngestStream (4 messages) of --batch new\n"
                 "statements; readers cycle ListStatements, Traverse, FindPaths and\n"
                 "GetRelationTimeline on the seeded entities. Exit code 1 if any call failed.\n"
                 "Example: entente-bench soak --server 127.0.0.1:50051 --clients 16 --seconds 20\n";
    return 2;
  }
  // Unique per run, so that a second soak against the same database writes
  // new statements instead of duplicates.
  setup.run = std::to_string(getpid()) + "-" +
              std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  if (absl::Status s = Seed(setup); !s.ok()) {
    std::cerr << "entente-bench: " << s.message() << "\n";
    return 1;
  }
  std::printf("soak: %d clients (%d writers of %d statements per request, %d readers) for %d s "
              "against %s, %d entities\n",
              clients, writers, setup.batch, clients - writers, seconds, setup.server.c_str(),
              setup.entities);
  std::fflush(stdout);
  std::vector<Stats> stats(clients);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  setup.end = start + std::chrono::seconds(seconds);
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      if (c < writers) {
        Writer(setup, c + 1, &stats[c]).Run();
      } else {
        Reader(setup, c + 1, &stats[c]).Run();
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  PrintSummary(stats, secs, 2ull * setup.entities);
  for (const auto& s : stats) {
    for (uint64_t e : s.errors) {
      if (e) return 1;
    }
  }
  return 0;
}

}  // namespace entente::bench
