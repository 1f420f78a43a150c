// Micro-benchmarks (Google Benchmark) of the pieces every query leans on:
// the key codec, a date-window scan on a hub, and one traversal step.
//
//   cmake -S . -B build -DENTENTE_BUILD_BENCH=ON && cmake --build build -t entente-micro-bench
//   build/bench/entente-micro-bench
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "graph/analytics.h"
#include "graph/ingestor.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace entente::bench {
namespace {

void BM_EdgeKeyEncode(benchmark::State& state) {
  uint64_t i = 0;
  for (auto _ : state) {
    ++i;
    benchmark::DoNotOptimize(storage::EdgeKey(42, static_cast<int32_t>(i % 4000), i));
  }
}
BENCHMARK(BM_EdgeKeyEncode);

void BM_EdgeKeyDecode(benchmark::State& state) {
  const std::string key = storage::EdgeKey(42, 20017, 123456);
  for (auto _ : state) benchmark::DoNotOptimize(storage::DecodeEdgeKey(key));
}
BENCHMARK(BM_EdgeKeyDecode);

// A hub with 50,000 statements over 11 years, to 2,000 counterparts.
class Hub {
 public:
  static Hub& Get() {
    static Hub* hub = new Hub();
    return *hub;
  }
  storage::Store* store() { return store_.get(); }
  model::EntityId id() const { return hub_; }

 private:
  Hub() {
    char tmpl[] = "/tmp/entente-micro-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::move(*storage::Store::Open(dir_, storage::StoreOptions()));
    graph::Ingestor ingestor(store_.get());
    if (!ingestor.Init().ok()) std::abort();
    for (int b = 0; b < 5; ++b) {
      std::vector<model::StatementInput> batch;
      for (int i = b * 10000; i < (b + 1) * 10000; ++i) {
        model::StatementInput s;
        s.actor.name = "Hub";
        s.target.name = "C" + std::to_string(i % 2000);
        s.action_text = "Consult";
        s.cameo_code = "040";
        s.date = model::DateOfDay(model::DaysFromCivil(2005, 1, 1) + i % 4000);
        s.source.document_id = "d";
        s.idempotency_key = std::to_string(i);
        batch.push_back(std::move(s));
      }
      if (!ingestor.Ingest(batch, model::NameResolution::kExact).ok()) std::abort();
    }
    hub_ = *store_->Latest()->FindExactName("Hub");
  }
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  model::EntityId hub_ = 0;
};

// The statements of one 30-day window of the hub: only the window is read.
void BM_HubWindowScan30Days(benchmark::State& state) {
  Hub& hub = Hub::Get();
  const int32_t lo = model::DaysFromCivil(2010, 3, 1);
  int64_t entries = 0;
  for (auto _ : state) {
    storage::EdgeScan scan;
    scan.entity = hub.id();
    scan.day_lo = lo;
    scan.day_hi = lo + 29;
    auto view = hub.store()->Latest();
    for (auto it = view->ScanEdges(scan); it->Valid(); it->Next()) ++entries;
  }
  state.counters["entries/scan"] =
      benchmark::Counter(static_cast<double>(entries), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_HubWindowScan30Days);

// One traversal step from the hub: from the index (a window that is not
// whole months) and from the summaries (whole months).
void BM_TraverseStepFromIndex(benchmark::State& state) {
  Hub& hub = Hub::Get();
  graph::EdgeFilter f;
  f.date_from = {2005, 1, 2};
  const graph::CompiledFilter filter(f);
  graph::TraverseLimits limits;
  limits.max_depth = 1;
  limits.max_nodes = 100000;
  for (auto _ : state) {
    auto view = hub.store()->Snapshot();
    benchmark::DoNotOptimize(
        graph::Traverse(*view, {hub.id()}, model::Direction::kOut, filter, limits, nullptr));
  }
}
BENCHMARK(BM_TraverseStepFromIndex)->Unit(benchmark::kMillisecond);

void BM_TraverseStepFromSummaries(benchmark::State& state) {
  Hub& hub = Hub::Get();
  const graph::CompiledFilter filter(graph::EdgeFilter{});
  graph::TraverseLimits limits;
  limits.max_depth = 1;
  limits.max_nodes = 100000;
  limits.evidence_per_edge = 0;
  for (auto _ : state) {
    auto view = hub.store()->Snapshot();
    benchmark::DoNotOptimize(
        graph::Traverse(*view, {hub.id()}, model::Direction::kOut, filter, limits, nullptr));
  }
}
BENCHMARK(BM_TraverseStepFromSummaries)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace entente::bench

BENCHMARK_MAIN();
