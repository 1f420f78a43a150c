// entente-bench: the in-process side of the shared ICEWS benchmark.
//
//   entente-bench load --data DIR FILE...        load 4-column TSV files
//   entente-bench query --data DIR --queries Q --out ANSWERS
//   entente-bench grpc-load --server HOST:PORT [--batch N] FILE...
//   entente-bench grpc-query --server HOST:PORT --queries Q --out ANSWERS [--clients N]
//   entente-bench soak --server HOST:PORT [--clients 16] [--seconds 20]   (soak.h)
//
// `load` goes through the same Ingestor as the gRPC service (exact names,
// one idempotency key per file line, CAMEO code from the ICEWS relation).
// `query` answers queries.jsonl in file order after a warm-up on the first
// 10 of each kind, as ../shared/bench/README.md prescribes, and writes
// answers.jsonl with each query's latency. The grpc-* commands do the same
// through a running entente-server (grpc_queries.h).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "bench/bench_queries.h"
#include "formats/icews_tsv.h"
#include "bench/grpc_queries.h"
#include "bench/soak.h"
#include "bench/workload.h"
#include "graph/ingestor.h"
#include "graph/taxonomy.h"
#include "storage/store.h"

namespace entente::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const std::string& dir) {
  storage::StoreOptions options;
  options.block_cache_bytes = 64 << 20;
  return storage::Store::Open(dir, options);
}

int RunLoad(const std::vector<std::string>& args) {
  const std::string dir = Flag(args, "--data");
  const int batch_size = std::stoi(Flag(args, "--batch", "10000"));
  const auto files = Positional(args);
  if (dir.empty() || files.empty()) {
    std::cerr << "usage: entente-bench load --data DIR [--batch N] FILE...\n";
    return 2;
  }
  auto store = OpenStore(dir);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  graph::Ingestor ingestor(store->get());
  if (auto s = ingestor.Init(); !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  const auto start = Clock::now();
  auto counts = formats::LoadIcewsTsv(ingestor, files, batch_size);
  if (!counts.ok()) {
    std::cerr << "entente-bench: " << counts.status() << "\n";
    return 1;
  }
  if (auto s = (*store)->Flush(); !s.ok()) std::cerr << s << "\n";
  const double secs = Seconds(start);
  std::printf(
      "loaded %llu lines in %.2f s (%.0f events/s): accepted %llu, duplicate %llu, rejected "
      "%llu; disk %.1f MB\n",
      static_cast<unsigned long long>(counts->lines), secs, counts->lines / secs,
      static_cast<unsigned long long>(counts->accepted),
      static_cast<unsigned long long>(counts->duplicate),
      static_cast<unsigned long long>(counts->rejected), (*store)->ApproximateDiskBytes() / 1e6);
  return counts->rejected == 0 ? 0 : 1;
}

int RunQueries(const std::vector<std::string>& args) {
  const std::string dir = Flag(args, "--data"), queries = Flag(args, "--queries"),
                    out_path = Flag(args, "--out");
  if (dir.empty() || queries.empty() || out_path.empty()) {
    std::cerr << "usage: entente-bench query --data DIR --queries FILE --out FILE\n";
    return 2;
  }
  auto store = OpenStore(dir);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  graph::GraphReader reader(store->get());
  auto qs = LoadQueries(queries);
  if (!qs.ok()) {
    std::cerr << "entente-bench: " << qs.status() << "\n";
    return 1;
  }
  auto s = RunTimedPass(*qs, [&](const Query& q) { return Fetch(reader, q); }, out_path);
  if (!s.ok()) {
    std::cerr << "entente-bench: " << s << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace entente::bench

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::cerr << "usage:\n  entente-bench load --data DIR [--batch N] FILE...\n"
                 "  entente-bench query --data DIR --queries FILE --out FILE\n"
                 "  entente-bench grpc-load --server HOST:PORT [--batch N] FILE...\n"
                 "  entente-bench grpc-query --server HOST:PORT --queries FILE --out FILE "
                 "[--clients N]\n"
                 "  entente-bench soak --server HOST:PORT [--clients 16] [--seconds 20]\n";
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "load") return entente::bench::RunLoad(args);
  if (cmd == "query") return entente::bench::RunQueries(args);
  if (cmd == "grpc-load") return entente::bench::RunGrpcLoad(args);
  if (cmd == "grpc-query") return entente::bench::RunGrpcQuery(args);
  if (cmd == "soak") return entente::bench::RunSoak(args);
  std::cerr << "entente-bench: unknown command " << cmd << "\n";
  return 2;
}
