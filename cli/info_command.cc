// entente info: what the server is and holds (GraphService.GetServerInfo):
// version and build, uptime, the database's size, the options a caller
// meets and where the server stands in the replicated log. For an operator
// at a terminal and for scripts (--json); the reader role may call it.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/table.h"
#include "entente/v1/graph.grpc.pb.h"

namespace entente::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string Bytes(uint64_t bytes) {
  if (bytes < 1024 * 1024) return absl::StrCat(bytes, " B");
  if (bytes < uint64_t{1} << 30) return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
  return absl::StrFormat("%.2f GiB", bytes / 1073741824.0);
}

// "3d 4h 5m 6s", largest unit first, units that are zero left out ("0s"
// for none).
std::string Uptime(int64_t seconds) {
  std::string out;
  const std::pair<int64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}};
  for (const auto& [size, name] : units) {
    if (seconds >= size) {
      absl::StrAppend(&out, seconds / size, name, " ");
      seconds %= size;
    }
  }
  if (seconds > 0 || out.empty()) absl::StrAppend(&out, seconds, "s");
  if (out.back() == ' ') out.pop_back();
  return out;
}

std::string Role(v1::ReplicationRole role) {
  switch (role) {
    case v1::REPLICATION_ROLE_STANDALONE:
      return "standalone";
    case v1::REPLICATION_ROLE_REPLICA:
      return "replica";
    default:
      return absl::StrCat("unknown (", static_cast<int>(role), ")");
  }
}

std::string Limit(uint64_t value, const std::string& text) { return value == 0 ? "none" : text; }

std::string RenderInfo(const v1::GetServerInfoResponse& r) {
  const v1::BuildInfo& b = r.build();
  const v1::DataStatistics& d = r.data();
  const v1::ServerSettings& s = r.settings();
  const v1::ReplicationInfo& rep = r.replication();
  Fields server = {
      {"version", absl::StrCat(r.version(), " (git ", b.git_commit(), ")")},
      {"build", absl::StrCat(b.build_type().empty() ? "(no build type)" : b.build_type(), ", ",
                             b.compiler(), ", gRPC ", b.grpc_version(), ", ", b.platform())},
      {"started", absl::StrCat(FormatMicros(r.start_time().seconds() * 1000000 +
                                            r.start_time().nanos() / 1000),
                               " (up ", Uptime(r.uptime_seconds()), ")")},
      {"database id", absl::StrCat(r.database_id())},
  };
  Fields data = {
      {"statements", absl::StrCat(d.statements(), " (", d.statements_ingested(), " ingested, ",
                                  d.statements_retracted(), " retracted)")},
      {"entities", absl::StrCat(d.entities())},
      {"documents", absl::StrCat("about ", d.documents_estimate(), " (RocksDB's estimate)")},
      {"disk", Bytes(d.disk_bytes())},
  };
  Fields settings = {
      {"claims", s.claims() ? absl::StrCat("kept, window ", s.claim_window_days(),
                                           s.claim_window_days() == 1 ? " day" : " days")
                            : "not kept"},
      {"query memory", Limit(s.query_memory_bytes(), Bytes(s.query_memory_bytes()))},
      {"max message", Bytes(s.max_message_bytes())},
      {"concurrent calls",
       Limit(s.max_concurrent_calls(), absl::StrCat(s.max_concurrent_calls(), " per role"))},
      {"stream idle", Limit(s.stream_idle_seconds(), Uptime(s.stream_idle_seconds()))},
  };
  Fields replication = {{"role", Role(rep.role())}};
  if (rep.role() == v1::REPLICATION_ROLE_REPLICA) {
    replication.insert(
        replication.end(),
        {
            {"stream", rep.stream()},
            {"node", rep.node()},
            {"applied", absl::StrCat(rep.applied_sequence())},
            {"stream last", absl::StrCat(rep.stream_sequence(),
                                         rep.connected() ? "" : " (as of the last contact)")},
            {"lag", rep.lag_known()
                        ? absl::StrCat(rep.lag(), " entries (health fails above ",
                                       Limit(rep.max_lag(), absl::StrCat(rep.max_lag())), ")")
                        : "unknown: JetStream not reached since the start"},
            {"connected", rep.connected() ? "yes" : "no"},
            {"retention",
             rep.behind_retention()
                 ? "BEHIND: the stream no longer holds the next entry; restore a newer backup"
                 : "the stream holds every entry this node needs"},
        });
  }
  std::string out;
  const int width = OutputWidth();
  for (const auto& [title, fields] :
       {std::pair{"Server", &server}, std::pair{"Data", &data}, std::pair{"Settings", &settings},
        std::pair{"Replication", &replication}}) {
    absl::StrAppend(&out, out.empty() ? "" : "\n", title, "\n", RenderFields(*fields, 2, width));
  }
  return out;
}

int RunInfo(const Context& ctx, const ParsedArgs& args) {
  if (!args.positional().empty()) return UsageError("info", "takes no arguments");
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::GetServerInfoResponse response;
  grpc::Status status = stub->GetServerInfo(&call, v1::GetServerInfoRequest(), &response);
  if (!status.ok()) return ctx.ReportError(status);
  const std::string text = args.Has("json") ? ToJson(response) + "\n" : RenderInfo(response);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

Command InfoCommand() {
  return {
      .name = "info",
      .synopsis = "info [--json]",
      .summary = "The server's version, uptime, data size, settings and replication lag",
      .details =
          "Asks the server what it is and holds (GraphService.GetServerInfo): its version\n"
          "and build, when it started, how many statements, entities and documents its\n"
          "database holds (documents are RocksDB's estimate), the options a caller meets\n"
          "(claims, query memory, message size), and with --replication the log's stream,\n"
          "this node's consumer, the sequence applied and the lag. Needs the reader role\n"
          "when the server checks tokens. See docs/protocol.md.\n",
      .options =
          {
              {"json", "", "print the server's answer as one JSON object"},
          },
      .examples = {"info", "--server db2.example:50051 info --json"},
      .run = RunInfo,
  };
}

}  // namespace entente::cli
