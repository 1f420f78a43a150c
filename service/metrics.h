// Metrics: what the server counts about its calls and ingest, rendered in
// the Prometheus text exposition format (version 0.0.4) for /metrics.
//
// Every call is rendered twice from the same counters: as entente_rpc_*
// (labelled by full method name) and as the grpc_server_* series of
// go-grpc-prometheus and its ports (grpc_service, grpc_method, grpc_type,
// grpc_code), which the usual gRPC dashboards and alerts query.
//
// Thread-safe. Kept free of gRPC so that it is cheap to test and to feed
// from any layer's hook (the RPC interceptor, the ingest service).
#ifndef ENTENTE_SERVICE_METRICS_H_
#define ENTENTE_SERVICE_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "replication/log.h"
#include "storage/store.h"

namespace entente::service {

// Upper bounds of entente_rpc_duration_seconds, from 0.1 ms (a cached
// GetStatement) to 10 s (a deep Traverse or a large ingest stream).
inline constexpr std::array<double, 16> kRpcDurationBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1,     2.5,   5,     10};

// The status codes entente_rpc_requests_total counts, by number (OK = 0 ..
// UNAUTHENTICATED = 16), and their names.
inline constexpr int kRpcCodeCount = 17;
const char* RpcCodeName(int code);

// Which side of a call streams: the grpc_type label ("unary",
// "client_stream", "server_stream", "bidi_stream").
enum class RpcKind : uint8_t { kUnary, kClientStream, kServerStream, kBidiStream };
const char* RpcKindName(RpcKind kind);

class Metrics {
 public:
  // Methods counted apart at most; calls of any further method names are
  // counted together under kOtherMethods.
  static constexpr size_t kMaxMethods = 256;
  static constexpr std::string_view kOtherMethods = "(other)";

  // One method's counters. Created at the method's first call and kept for
  // the life of the Metrics, so that a call updates them without a lock,
  // an allocation or a string: RpcObserver looks its method's up once per
  // call (ForMethod) and counts into it (FinishRpc).
  class MethodStats {
   private:
    friend class Metrics;
    RpcKind kind = RpcKind::kUnary;  // of the first call; constant after ForMethod
    std::atomic<uint64_t> started{0};
    std::array<std::atomic<uint64_t>, kRpcCodeCount> requests{};  // by status code
    std::array<std::atomic<uint64_t>, kRpcDurationBuckets.size()> buckets{};  // not cumulative
    std::atomic<uint64_t> count{0};
    std::atomic<double> sum{0};
  };

  // A call of `method` (from ForMethod) arrived: it is counted as started
  // and is in flight until FinishRpc. (Whether it is admitted is
  // service/admission.h's decision; a refused call is in flight until its
  // refusal is sent.) Lock-free.
  void StartRpc(MethodStats* method) {
    method->started.fetch_add(1, std::memory_order_relaxed);
    in_flight_.fetch_add(1, std::memory_order_relaxed);
  }
  // The counters of `method` (e.g. "/entente.v1.GraphService/GetEntity"),
  // created if new with `kind` (the entry of kOtherMethods keeps the kind
  // of its first call). Takes a shared lock: concurrent calls do not wait
  // for each other.
  MethodStats* ForMethod(std::string_view method, RpcKind kind = RpcKind::kUnary);
  // A call started by StartRpc ended with status `code` (0..16; anything
  // else counts as UNKNOWN) after `seconds`. Lock-free.
  void FinishRpc(MethodStats* method, int code, double seconds);
  // The same by name: `code` is a status code name ("OK", "NOT_FOUND").
  void FinishRpc(std::string_view method, std::string_view code, double seconds);
  int64_t in_flight() const { return in_flight_.load(std::memory_order_acquire); }

  void AddStatements(uint64_t accepted, uint64_t duplicate, uint64_t rejected);

  // Appends every metric recorded so far.
  void Render(std::string* out) const;

 private:
  std::atomic<int64_t> in_flight_{0};
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> duplicate_{0};
  std::atomic<uint64_t> rejected_{0};
  mutable std::shared_mutex mu_;  // guards the map, not the counters
  std::map<std::string, std::unique_ptr<MethodStats>, std::less<>> methods_;
};

// Appends the RocksDB figures of `stats` as entente_rocksdb_* gauges and
// counters.
void RenderStoreStats(const storage::StoreStats& stats, std::string* out);

// Appends where this node stands in the replicated log (--replication):
// entente_replication_applied_sequence, _stream_sequence, _lag_entries,
// _connected and _lag_known gauges.
void RenderLogState(const replication::LogState& state, std::string* out);

// Appends the standard process metrics of Prometheus' client libraries, from
// Linux /proc: process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds and
// process_start_time_seconds. A figure /proc does not give is left out.
void RenderProcessStats(std::string* out);

// `value` escaped for use inside a label's double quotes.
std::string EscapeLabelValue(std::string_view value);

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_METRICS_H_
