// entente-server: opens the database, serves gRPC until SIGTERM or SIGINT.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_format.h"
#include "graph/ingestor.h"
#include "graph/reader.h"
#include "graph/work_budget.h"
#include "model/claim.h"
#include "replication/log.h"
#include "server/flag_spelling.h"
#include "server/version.h"
#include "service/grpc_log.h"
#include "service/json_log.h"
#include "service/server.h"
#include "storage/key_codec.h"
#include "storage/store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "HOST:PORT to serve gRPC on; port 0 picks a free port (printed at start)");
ABSL_FLAG(std::string, data, "./data", "directory of the RocksDB database; created if missing");
ABSL_FLAG(int, block_cache_mb, 64, "RocksDB block cache, MiB: bounds the server's read memory");
ABSL_FLAG(bool, sync, false,
          "fsync the write-ahead log before acknowledging each write: survives power loss, "
          "not only a crash of the server; slower");
ABSL_FLAG(int, grace_ms, 5000, "on SIGTERM, how long in-flight calls may run before cancelled");
ABSL_FLAG(std::string, backup_dir, "",
          "directory of the backups AdminService.CreateBackup takes (entente admin backup); "
          "default: the --data directory's path followed by \"-backups\"");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain of the server: with --tls_key, serve TLS only (docs/security.md)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key (unencrypted) of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle: require every client to present a certificate signed by it "
          "(mutual TLS); needs --tls_cert");
ABSL_FLAG(std::string, tokens_file, "",
          "file of 'ROLE TOKEN [NAME]' lines, ROLE reader, writer or admin: every call except "
          "health checks then needs metadata 'authorization: Bearer TOKEN' of a role high "
          "enough (docs/security.md)");
ABSL_FLAG(bool, allow_insecure_remote, false,
          "listen on a non-loopback address without TLS and tokens, which is refused "
          "otherwise; only on a network you trust");
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT serving Prometheus metrics at GET /metrics (port 0 picks a free port, "
          "printed at start); empty: off. Example: 127.0.0.1:9464");
ABSL_FLAG(std::string, http_listen, "",
          "HOST:PORT serving HTTP: the explorer at /, the JSON API at /v1/... and /metrics "
          "(docs/http.md; port 0 picks a free port, printed at start); loopback only unless "
          "--allow_insecure_remote; empty: off. Example: 127.0.0.1:8080");
ABSL_FLAG(std::string, http_assets, "",
          "directory of the explorer's files served at / of --http_listen; default: web/dist "
          "of the build tree beside this binary, else share/entente/explorer of its install");
ABSL_FLAG(std::string, log_format, "text",
          "text: human-readable lines; json: one JSON object per line on stderr, including "
          "one per finished call (ts, level, msg, rpc, peer, code, duration_ms)");
ABSL_FLAG(bool, log_requests, false, "in text format, also log one line per finished call");
ABSL_FLAG(int, max_concurrent_streams, 256,
          "calls served at once over all connections, in each of the pools open, reader, "
          "writer and admin (so that one kind of caller cannot starve another); more fail at "
          "once with RESOURCE_EXHAUSTED (0: no limit)");
ABSL_FLAG(int, stream_idle_s, 300,
          "end a stream (IngestStream, health Watch, ...) with DEADLINE_EXCEEDED when no "
          "message has passed either way for this many seconds (0: never)");
ABSL_FLAG(int, max_message_mb, 64,
          "largest request message accepted, MiB; a larger one fails with RESOURCE_EXHAUSTED");
ABSL_FLAG(bool, claims, false,
          "a database this server creates keeps claims: which statements report the same "
          "event, by how many independent sources, contested or not (docs/claims.md). For now "
          "it halves the online ingest rate. No effect on an existing database: whether it "
          "keeps claims was decided when it was created");
ABSL_FLAG(int, claim_window_days, 1,
          "with --claims: how many days apart two reports of one action may be and still be "
          "one claim (0..31), fixed for the database when it is created");
ABSL_FLAG(int, query_memory_mb, 512,
          "memory that queries may hold at once over all calls, MiB: the search state and "
          "answers of Traverse, FindPaths, GetRelationTimeline, GetEntityProfile and "
          "ListStatements, and the responses built from them; a query that would pass it fails "
          "with RESOURCE_EXHAUSTED instead of growing the server (0: no limit). The block cache "
          "is apart (--block_cache_mb)");
// --- issue 15: the replicated write log (docs/scaling.md) ---
ABSL_FLAG(std::string, replication, "",
          "comma-separated nats://HOST:PORT URLs of a NATS JetStream cluster: writes go "
          "through a replicated log on it (stream --stream, 3 replicas) and every server "
          "applies them all (docs/scaling.md); empty: this server alone (the default)");
ABSL_FLAG(std::string, stream, "entente", "with --replication: the JetStream stream's name");
ABSL_FLAG(std::string, replication_node, "",
          "with --replication: this server's name in the log (its durable consumer), unique "
          "per server; default: node-, the database's id and a hash of host and --data");
ABSL_FLAG(uint64_t, max_lag, 1000,
          "with --replication: health answers NOT_SERVING while this server is more than this "
          "many log entries behind the stream (or has not reached JetStream since it started); "
          "reads are served either way; 0: lag never makes it NOT_SERVING");
ABSL_FLAG(absl::Duration, stream_max_age, absl::ZeroDuration(),
          "with --replication, when this server creates the stream: how long it keeps entries "
          "(e.g. 720h); 0: for ever. A node that falls further behind must be restored from a "
          "newer backup (docs/scaling.md)");
ABSL_FLAG(int, stream_replicas, 3,
          "with --replication, when this server creates the stream: on how many NATS servers "
          "it is kept (1-5). 3 survives one NATS server's loss; 1 is for a single NATS server "
          "in development, and loses acknowledged writes with its disk");
ABSL_FLAG(int64_t, stream_max_bytes, 0,
          "with --replication, when this server creates the stream: its size limit in bytes "
          "per NATS server, the oldest entries dropped beyond it; 0: no limit");
// --- end issue 15 ---

namespace {

entente::service::LogFormat g_log_format = entente::service::LogFormat::kText;

// Startup and shutdown messages: "entente-server: <text>", or in JSON
// {"ts", "level", "msg": text, fields...}; the same text either way, so
// what waits for "listening on HOST:PORT," reads both formats.
void Log(const char* level, const std::string& text,
         std::initializer_list<std::pair<const char*, std::string>> fields = {}) {
  if (g_log_format == entente::service::LogFormat::kText) {
    std::fprintf(stderr, "entente-server: %s\n", text.c_str());
    return;
  }
  auto line = entente::service::JsonLine::Log(level, text);
  for (const auto& [key, value] : fields) line.Str(key, value);
  entente::service::WriteStderrLine(line.Finish());
}

// Where the explorer's files are when --http_assets is not given: the
// build tree's web/dist (build/server/entente-server, build/web/dist), else
// an install's share/entente/explorer (bin/entente-server). "" if neither.
std::string DefaultHttpAssets() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const char* relative : {"../web/dist", "../share/entente/explorer"}) {
    const std::filesystem::path dir = (exe.parent_path() / relative).lexically_normal();
    if (std::filesystem::is_regular_file(dir / "index.html", ec)) return dir.string();
  }
  return "";
}

// Connects to --replication and reads where this store stands in the log.
absl::StatusOr<std::unique_ptr<entente::replication::Log>> OpenReplicationLog(
    const entente::storage::Store& store, entente::storage::LogApplied* applied) {
  auto servers = entente::replication::ParseServerList(absl::GetFlag(FLAGS_replication));
  if (!servers.ok()) return servers.status();
  entente::replication::LogOptions options;
  options.servers = *servers;
  options.stream = absl::GetFlag(FLAGS_stream);
  if (options.stream.empty() || options.stream.find_first_of(" .*>\t") != std::string::npos) {
    return absl::InvalidArgumentError("--stream must be a name without spaces, '.', '*' or '>'");
  }
  options.max_age = absl::ToChronoSeconds(absl::GetFlag(FLAGS_stream_max_age));
  options.max_bytes = absl::GetFlag(FLAGS_stream_max_bytes);
  if (options.max_age.count() < 0 || options.max_bytes < 0) {
    return absl::InvalidArgumentError(
        "--stream_max_age and --stream_max_bytes must not be negative");
  }
  options.replicas = absl::GetFlag(FLAGS_stream_replicas);
  if (options.replicas < 1 || options.replicas > 5) {
    return absl::InvalidArgumentError("--stream_replicas must be 1..5 (JetStream's limit)");
  }
  options.consumer = absl::GetFlag(FLAGS_replication_node);
  if (options.consumer.empty()) {
    // The database's id, kept across restarts, with this host and
    // directory: a copy of the store restored elsewhere (same database id)
    // is another node and must not share the consumer.
    auto id = store.GetMeta(entente::graph::kMetaDatabaseId);
    if (!id.ok()) return id.status();
    auto value = entente::storage::DecodeId(*id);
    if (!value) return absl::DataLossError("corrupt meta database_id");
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::error_code ec;
    const std::string place =
        std::string(host) + ":" + std::filesystem::absolute(absl::GetFlag(FLAGS_data), ec).string();
    uint32_t fnv = 2166136261u;  // FNV-1a: the same name at every start, in every build
    for (unsigned char c : place) fnv = (fnv ^ c) * 16777619u;
    options.consumer = absl::StrFormat("node-%016x-%08x", *value, fnv);
  }
  auto stamp = store.GetMeta(entente::storage::kMetaLogApplied);
  if (stamp.ok()) {
    auto decoded = entente::storage::DecodeLogApplied(*stamp);
    if (!decoded) return absl::DataLossError("corrupt meta log_applied_seq");
    *applied = *decoded;
  } else if (!absl::IsNotFound(stamp.status())) {
    return stamp.status();
  }
  return entente::replication::Log::Open(options);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Entente gRPC server.\n\n"
      "  entente-server [--listen HOST:PORT] [--data DIR] [--sync]\n\n"
      "Examples:\n  entente-server --listen 127.0.0.1:50051 --data ./data\n"
      "  entente-server --listen 0.0.0.0:50051 --tls_cert server.pem --tls_key server.key \\\n"
      "      --tokens_file tokens.txt\n"
      "  entente-server --metrics-listen 127.0.0.1:9464 --log-format json\n"
      "  entente-server --http-listen 127.0.0.1:8080   # explorer at http://127.0.0.1:8080/\n\n"
      "Long flags may be spelled with dashes or underscores: --block-cache-mb 64 is\n"
      "--block_cache_mb=64. See docs/operations.md for metrics, logs and limits.\n");
  // absl's --help lists only flags of a file named like the program
  // (entente-server.cc); ours are defined here.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return std::string_view(file.data(), file.size()).ends_with("server/main.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  usage_config.version_string = [] { return entente::VersionLine("entente-server"); };
  absl::SetFlagsUsageConfig(usage_config);
  entente::server::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(argc, argv);
  const std::string log_format = absl::GetFlag(FLAGS_log_format);
  if (log_format != "text" && log_format != "json") {
    std::fprintf(stderr, "entente-server: --log_format must be text or json, not '%s'\n",
                 log_format.c_str());
    return 2;
  }
  if (log_format == "json") g_log_format = entente::service::LogFormat::kJson;
  // gRPC's own lines too, so that with json every stderr line is JSON.
  entente::service::RouteGrpcLogs(g_log_format);
  const int max_message_mb = absl::GetFlag(FLAGS_max_message_mb);
  if (max_message_mb < 1 || max_message_mb > 2047) {
    std::fprintf(stderr, "entente-server: --max_message_mb must be in 1..2047, not %d\n",
                 max_message_mb);
    return 2;
  }
  const int query_memory_mb = absl::GetFlag(FLAGS_query_memory_mb);
  if (query_memory_mb < 0 || query_memory_mb > (1 << 20)) {
    std::fprintf(stderr,
                 "entente-server: --query_memory_mb must be in 0..1048576 (0: no limit), not %d\n",
                 query_memory_mb);
    return 2;
  }
  const int claim_window_days = absl::GetFlag(FLAGS_claim_window_days);
  if (claim_window_days < 0 || claim_window_days > entente::model::kMaxClaimWindowDays) {
    std::fprintf(stderr, "entente-server: --claim_window_days must be in 0..%d, not %d\n",
                 entente::model::kMaxClaimWindowDays, claim_window_days);
    return 2;
  }
  if (absl::GetFlag(FLAGS_stream_idle_s) < 0) {
    std::fprintf(stderr, "entente-server: --stream_idle_s must be 0 (never) or more, not %d\n",
                 absl::GetFlag(FLAGS_stream_idle_s));
    return 2;
  }

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string dir = absl::GetFlag(FLAGS_data);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    Log("error", "cannot create --data " + dir + ": " + ec.message());
    return 1;
  }
  entente::storage::StoreOptions store_options;
  store_options.block_cache_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_block_cache_mb)) << 20;
  store_options.sync = absl::GetFlag(FLAGS_sync);
  auto store = entente::storage::Store::Open(dir, store_options);
  if (!store.ok()) {
    Log("error", store.status().ToString());
    return 1;
  }
  std::optional<int32_t> claim_window;
  if (absl::GetFlag(FLAGS_claims)) claim_window = claim_window_days;
  // With --replication the Ingestor's clock is the log entry's time
  // (service/replicated_writes.h), so that every replica stores the same.
  const bool replicated = !absl::GetFlag(FLAGS_replication).empty();
  std::atomic<int64_t> entry_micros{0};
  entente::graph::Ingestor::Clock clock;
  if (replicated) clock = [&entry_micros] { return entry_micros.load(); };
  entente::graph::Ingestor ingestor(store->get(), clock, entente::graph::Ingestor::Mode::kOnline,
                                    claim_window);
  if (absl::Status s = ingestor.Init(); !s.ok()) {
    Log("error", s.ToString());
    return 1;
  }
  std::unique_ptr<entente::replication::Log> replication_log;
  entente::storage::LogApplied applied;
  if (replicated) {
    auto opened = OpenReplicationLog(**store, &applied);
    if (!opened.ok()) {
      Log("error", "--replication: " + opened.status().ToString());
      return 1;
    }
    replication_log = std::move(*opened);
  }
  // Shared by every query of every call (graph/work_budget.h).
  std::unique_ptr<entente::graph::WorkBudget> query_budget;
  if (query_memory_mb > 0) {
    query_budget =
        std::make_unique<entente::graph::WorkBudget>(static_cast<size_t>(query_memory_mb) << 20);
  }
  entente::graph::GraphReader reader(store->get(), query_budget.get());
  entente::service::ServerOptions server_options;
  server_options.listen = absl::GetFlag(FLAGS_listen);
  server_options.access.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  server_options.access.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  server_options.access.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  server_options.access.tokens_file = absl::GetFlag(FLAGS_tokens_file);
  server_options.access.allow_insecure_remote = absl::GetFlag(FLAGS_allow_insecure_remote);
  if (const std::string warning = entente::service::InsecureRemoteWarning(
          server_options.listen, server_options.access);
      !warning.empty()) {
    // In JSON mode every stderr line must parse, so the banner is text-only.
    if (g_log_format == entente::service::LogFormat::kJson) {
      Log("warning", warning);
    } else {
      std::fprintf(stderr, "\n*** entente-server: %s ***\n\n", warning.c_str());
    }
  }
  server_options.max_receive_message_bytes = max_message_mb << 20;
  server_options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  server_options.stream_idle = std::chrono::seconds(absl::GetFlag(FLAGS_stream_idle_s));
  server_options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  server_options.http_listen = absl::GetFlag(FLAGS_http_listen);
  server_options.http_assets = absl::GetFlag(FLAGS_http_assets);
  if (server_options.http_assets.empty()) server_options.http_assets = DefaultHttpAssets();
  server_options.store = store->get();
  server_options.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  if (server_options.backup_dir.empty()) {
    // Beside the database, not in it: RocksDB owns its directory.
    server_options.backup_dir = std::filesystem::path(dir).lexically_normal().string();
    while (server_options.backup_dir.size() > 1 && server_options.backup_dir.back() == '/') {
      server_options.backup_dir.pop_back();
    }
    server_options.backup_dir += "-backups";
  }
  server_options.log_format = g_log_format;
  server_options.log_requests = absl::GetFlag(FLAGS_log_requests);
  server_options.replication_log = replication_log.get();
  server_options.replication_clock = &entry_micros;
  server_options.replication_applied = applied;
  server_options.max_lag = absl::GetFlag(FLAGS_max_lag);
  auto server = entente::service::Server::Start(&ingestor, &reader, server_options);
  if (!server.ok()) {
    Log("error", server.status().ToString());
    return 1;
  }
  const std::string host = server_options.listen.substr(0, server_options.listen.rfind(':'));
  const std::string address = host + ":" + std::to_string((*server)->port());
  // Before "listening": that line tells scripts the server is ready.
  if ((*server)->metrics_port() != 0) {
    const std::string& m = server_options.metrics_listen;
    const std::string metrics = m.substr(0, m.rfind(':')) + ":" +
                                std::to_string((*server)->metrics_port());
    Log("info", "metrics on http://" + metrics + "/metrics",
        {{"metrics_listen", metrics}});
  }
  if ((*server)->http_port() != 0) {
    const std::string& h = server_options.http_listen;
    const std::string http =
        h.substr(0, h.rfind(':')) + ":" + std::to_string((*server)->http_port());
    Log("info", "http on http://" + http + "/ (explorer, /v1 JSON API, /metrics)",
        {{"http_listen", http}});
  }
  Log("info", "listening on " + address + ", data in " + dir,
      {{"listen", address}, {"data", dir}});

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    const std::string name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
    Log("info", name + " received, shutting down", {{"signal", name}});
    (*server)->Shutdown(std::chrono::milliseconds(absl::GetFlag(FLAGS_grace_ms)));
  });
  (*server)->Wait();
  stopper.join();
  // Before the server's services go: the follower applies through them.
  if (replication_log) replication_log->Stop();
  if (absl::Status s = (*store)->Flush(); !s.ok()) {
    Log("error", "flush: " + s.ToString());
    return 1;
  }
  Log("info", "stopped");
  return 0;
}
