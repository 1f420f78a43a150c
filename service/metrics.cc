#include "service/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <sstream>
#include <vector>

namespace entente::service {
namespace {

void Header(std::string* out, const char* name, const char* type, const char* help) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// The shortest text that reads back as `v` (0.00025, not
// 0.00025000000000000001), so bucket labels look as written.
std::string Number(double v) {
  char buf[64];
  // Whole numbers as integers: %.1g would write 10 as 1e+01.
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

void Sample(std::string* out, const char* name, uint64_t value) {
  out->append(name).append(" ").append(std::to_string(value)).append("\n");
}

void Gauge(std::string* out, const char* name, const char* help, uint64_t value) {
  Header(out, name, "gauge", help);
  Sample(out, name, value);
}

void Counter(std::string* out, const char* name, const char* help, uint64_t value) {
  Header(out, name, "counter", help);
  Sample(out, name, value);
}

// grpc_service="entente.v1.GraphService",grpc_method="GetEntity",
// grpc_type="unary" for "/entente.v1.GraphService/GetEntity". A name of
// another shape (the shared entry of unregistered names) is the service and
// the method both.
std::string GrpcLabels(const std::string& full_method, RpcKind kind) {
  std::string_view service = full_method, method = full_method;
  const size_t slash = full_method.find('/', 1);
  if (full_method.size() > 1 && full_method[0] == '/' && slash != std::string::npos) {
    service = std::string_view(full_method).substr(1, slash - 1);
    method = std::string_view(full_method).substr(slash + 1);
  }
  return "grpc_service=\"" + EscapeLabelValue(service) + "\",grpc_method=\"" +
         EscapeLabelValue(method) + "\",grpc_type=\"" + RpcKindName(kind) + "\"";
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '"') {
      out.append("\\\"");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const char* RpcCodeName(int code) {
  static constexpr const char* kNames[kRpcCodeCount] = {
      "OK",        "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  return code >= 0 && code < kRpcCodeCount ? kNames[code] : "UNKNOWN";
}

const char* RpcKindName(RpcKind kind) {
  switch (kind) {
    case RpcKind::kUnary:
      return "unary";
    case RpcKind::kClientStream:
      return "client_stream";
    case RpcKind::kServerStream:
      return "server_stream";
    case RpcKind::kBidiStream:
      return "bidi_stream";
  }
  return "unary";
}

Metrics::MethodStats* Metrics::ForMethod(std::string_view method, RpcKind kind) {
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = methods_.find(method);
    if (it != methods_.end()) return it->second.get();
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  // The method is the path a caller sent, registered or not: past
  // kMaxMethods names, new ones share one entry, so that no caller can grow
  // this map, or /metrics, without bound.
  if (methods_.size() >= kMaxMethods && methods_.find(method) == methods_.end()) {
    method = kOtherMethods;
  }
  auto& stats = methods_[std::string(method)];
  if (stats == nullptr) {
    stats = std::make_unique<MethodStats>();
    stats->kind = kind;
  }
  return stats.get();
}

void Metrics::FinishRpc(MethodStats* m, int code, double seconds) {
  size_t bucket = 0;
  while (bucket < kRpcDurationBuckets.size() && seconds > kRpcDurationBuckets[bucket]) ++bucket;
  if (code < 0 || code >= kRpcCodeCount) code = 2;  // UNKNOWN
  m->requests[code].fetch_add(1, std::memory_order_relaxed);
  if (bucket < m->buckets.size()) m->buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  m->sum.fetch_add(seconds, std::memory_order_relaxed);
  m->count.fetch_add(1, std::memory_order_relaxed);
  // Last: a call is in flight until everything about it is counted.
  in_flight_.fetch_sub(1, std::memory_order_release);
}

void Metrics::FinishRpc(std::string_view method, std::string_view code, double seconds) {
  int c = 2;  // UNKNOWN
  for (int i = 0; i < kRpcCodeCount; ++i) {
    if (code == RpcCodeName(i)) c = i;
  }
  FinishRpc(ForMethod(method), c, seconds);
}

void Metrics::AddStatements(uint64_t accepted, uint64_t duplicate, uint64_t rejected) {
  accepted_.fetch_add(accepted, std::memory_order_relaxed);
  duplicate_.fetch_add(duplicate, std::memory_order_relaxed);
  rejected_.fetch_add(rejected, std::memory_order_relaxed);
}

void Metrics::Render(std::string* out) const {
  // A snapshot of each method's counters. A call finishing meanwhile may be
  // counted in some of them and not yet in others, as between two scrapes.
  struct Snapshot {
    RpcKind kind = RpcKind::kUnary;
    uint64_t started = 0;
    std::array<uint64_t, kRpcCodeCount> requests{};
    std::array<uint64_t, kRpcDurationBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  std::map<std::string, Snapshot> methods;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    for (const auto& [name, m] : methods_) {
      Snapshot& s = methods[name];
      s.kind = m->kind;
      s.started = m->started.load();
      for (int c = 0; c < kRpcCodeCount; ++c) s.requests[c] = m->requests[c].load();
      for (size_t i = 0; i < s.buckets.size(); ++i) s.buckets[i] = m->buckets[i].load();
      s.count = m->count.load();
      s.sum = m->sum.load();
    }
  }
  // The two families of each kind differ only in name and labels.
  const auto method_label = [](const std::string& method, const Snapshot&) {
    return "method=\"" + EscapeLabelValue(method) + "\"";
  };
  const auto grpc_labels = [](const std::string& method, const Snapshot& m) {
    return GrpcLabels(method, m.kind);
  };
  const auto requests = [&](const char* name, const char* code_label, const auto& labels) {
    for (const auto& [method, m] : methods) {
      // By code name, as before the counters were kept by number.
      std::map<std::string_view, uint64_t> by_name;
      for (int c = 0; c < kRpcCodeCount; ++c) {
        if (m.requests[c] > 0) by_name[RpcCodeName(c)] = m.requests[c];
      }
      for (const auto& [code, n] : by_name) {
        out->append(name)
            .append("{")
            .append(labels(method, m))
            .append(",")
            .append(code_label)
            .append("=\"")
            .append(code)
            .append("\"} ")
            .append(std::to_string(n))
            .append("\n");
      }
    }
  };
  const auto histogram = [&](const std::string& name, const auto& labels) {
    for (const auto& [method, h] : methods) {
      if (h.count == 0) continue;
      const std::string label = labels(method, h);
      uint64_t cumulative = 0;
      for (size_t i = 0; i < h.buckets.size(); ++i) {
        cumulative += h.buckets[i];
        out->append(name + "_bucket{" + label + ",le=\"" + Number(kRpcDurationBuckets[i]) + "\"} " +
                    std::to_string(cumulative) + "\n");
      }
      out->append(name + "_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n");
      out->append(name + "_sum{" + label + "} " + Number(h.sum) + "\n");
      out->append(name + "_count{" + label + "} " + std::to_string(h.count) + "\n");
    }
  };

  Header(out, "entente_rpc_requests_total", "counter",
         "Finished gRPC calls by full method name and status code; a stream counts once.");
  requests("entente_rpc_requests_total", "code", method_label);
  Header(out, "entente_rpc_duration_seconds", "histogram",
         "Time from a call's arrival to its status being sent, by full method name.");
  histogram("entente_rpc_duration_seconds", method_label);

  // The same calls under go-grpc-prometheus' names and labels.
  Header(out, "grpc_server_started_total", "counter",
         "gRPC calls started on the server, by service, method and type.");
  for (const auto& [method, m] : methods) {
    out->append("grpc_server_started_total{" + grpc_labels(method, m) + "} " +
                std::to_string(m.started) + "\n");
  }
  Header(out, "grpc_server_handled_total", "counter",
         "gRPC calls completed on the server, by service, method, type and status code "
         "(entente_rpc_requests_total under go-grpc-prometheus' labels).");
  requests("grpc_server_handled_total", "grpc_code", grpc_labels);
  Header(out, "grpc_server_handling_seconds", "histogram",
         "Time from a call's arrival to its status being sent, by service, method and type "
         "(entente_rpc_duration_seconds under go-grpc-prometheus' labels).");
  histogram("grpc_server_handling_seconds", grpc_labels);

  Gauge(out, "entente_rpc_in_flight", "gRPC calls being served now.",
        static_cast<uint64_t>(std::max<int64_t>(0, in_flight())));
  Header(out, "entente_statements_ingested_total", "counter",
         "Statements received by Ingest and IngestStream, by outcome: accepted (stored), "
         "duplicate (already stored; idempotent retry) or rejected (invalid).");
  const std::pair<const char*, uint64_t> results[] = {
      {"accepted", accepted_.load()}, {"duplicate", duplicate_.load()},
      {"rejected", rejected_.load()}};
  for (const auto& [result, n] : results) {
    out->append("entente_statements_ingested_total{result=\"")
        .append(result)
        .append("\"} ")
        .append(std::to_string(n))
        .append("\n");
  }
}

void RenderStoreStats(const storage::StoreStats& s, std::string* out) {
  Gauge(out, "entente_rocksdb_live_sst_bytes",
        "Bytes of the SST files of the database's current version.", s.live_sst_bytes);
  Gauge(out, "entente_rocksdb_total_sst_bytes",
        "Bytes of all SST files, including obsolete ones still held by snapshots or iterators.",
        s.total_sst_bytes);
  Gauge(out, "entente_rocksdb_memtable_bytes", "Bytes of all memtables (active and immutable).",
        s.memtable_bytes);
  Gauge(out, "entente_rocksdb_estimated_keys", "RocksDB's estimate of the number of keys.",
        s.estimated_keys);
  Gauge(out, "entente_rocksdb_pending_compaction_bytes",
        "Bytes RocksDB estimates compaction must rewrite to settle the LSM tree.",
        s.pending_compaction_bytes);
  Gauge(out, "entente_rocksdb_running_compactions", "Compactions running now.",
        s.running_compactions);
  Gauge(out, "entente_rocksdb_running_flushes", "Memtable flushes running now.",
        s.running_flushes);
  Gauge(out, "entente_rocksdb_block_cache_usage_bytes", "Bytes held in the block cache.",
        s.block_cache_usage_bytes);
  Gauge(out, "entente_rocksdb_block_cache_capacity_bytes", "Capacity of the block cache.",
        s.block_cache_capacity_bytes);
  Counter(out, "entente_rocksdb_compactions_total",
          "Compactions (and memtable flushes, which RocksDB counts with them) finished since "
          "the server started.",
          s.compactions_completed);
  Counter(out, "entente_rocksdb_compaction_read_bytes_total",
          "Bytes read by compactions since the server started.", s.compaction_bytes_read);
  Counter(out, "entente_rocksdb_compaction_written_bytes_total",
          "Bytes written by compactions and flushes since the server started.",
          s.compaction_bytes_written);
}

void RenderLogState(const replication::LogState& st, std::string* out) {
  Gauge(out, "entente_replication_applied_sequence",
        "The last entry of the replicated log applied to this node's store.", st.applied);
  Gauge(out, "entente_replication_stream_sequence",
        "The replicated log's last entry, as this node last saw it.", st.stream_last);
  Gauge(out, "entente_replication_lag_entries",
        "Entries of the replicated log not yet applied here (stream minus applied sequence).",
        st.lag);
  Gauge(out, "entente_replication_connected", "1 while this node's NATS connection is up.",
        st.connected ? 1 : 0);
  Gauge(out, "entente_replication_lag_known",
        "1 once this node has heard from JetStream since it started, so the lag is a measure.",
        st.known ? 1 : 0);
}

void RenderProcessStats(std::string* out) {
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  // /proc/self/stat: the fields after the command's closing parenthesis
  // (which may itself hold spaces or parentheses), from field 3 (state) on:
  // utime and stime (14, 15) and starttime (22), in clock ticks.
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren != std::string::npos) {
    std::istringstream fields(stat.substr(paren + 1));
    std::vector<std::string> f;
    for (std::string field; fields >> field;) f.push_back(field);
    if (f.size() > 19) {
      const double cpu =
          (std::strtod(f[11].c_str(), nullptr) + std::strtod(f[12].c_str(), nullptr)) / ticks;
      Header(out, "process_cpu_seconds_total", "counter",
             "Total user and system CPU time spent in seconds.");
      out->append("process_cpu_seconds_total " + Number(cpu) + "\n");
      // The start is in ticks since boot; /proc/stat's btime is the boot in
      // seconds since the epoch.
      std::ifstream proc_stat("/proc/stat");
      for (std::string key; proc_stat >> key;) {
        if (key != "btime") {
          proc_stat.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
          continue;
        }
        double boot = 0;
        if (proc_stat >> boot) {
          Header(out, "process_start_time_seconds", "gauge",
                 "Start time of the process since unix epoch in seconds.");
          out->append("process_start_time_seconds " +
                      Number(boot + std::strtod(f[19].c_str(), nullptr) / ticks) + "\n");
        }
        break;
      }
    }
  }
  uint64_t pages_total = 0, pages_resident = 0;
  std::ifstream statm("/proc/self/statm");
  if (statm >> pages_total >> pages_resident) {
    Gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
          pages_resident * page);
    Gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", pages_total * page);
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    uint64_t fds = 0;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++fds;
    }
    closedir(d);
    Gauge(out, "process_open_fds", "Number of open file descriptors.",
          fds - 1);  // minus the listing's own
  }
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    Gauge(out, "process_max_fds", "Maximum number of open file descriptors.", files.rlim_cur);
  }
}

}  // namespace entente::service
