// entente admin check|backup|backups: AdminService of a running server.
#include <cstdio>
#include <ctime>

#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/table.h"
#include "entente/v1/admin.grpc.pb.h"

namespace entente::cli {
namespace {

// A whole-database check of a large database takes minutes, not the 30 s
// of other calls.
constexpr auto kCheckDeadline = std::chrono::minutes(30);
constexpr auto kBackupDeadline = std::chrono::minutes(30);

std::string KindName(v1::ProblemKind kind) {
  std::string name = v1::ProblemKind_Name(kind);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::string Hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) absl::StrAppendFormat(&out, "%02x", c);
  return out;
}

std::string When(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

int Check(const Context& ctx, const ParsedArgs& args) {
  auto max = ParseIntOption("max-problems", args.Get("max-problems", "20"), 1, 10000);
  if (!max.ok()) return UsageError("admin", std::string(max.status().message()));
  v1::CheckRequest request;
  request.set_max_problems(static_cast<int>(*max));
  auto stub = v1::AdminService::NewStub(ctx.channel());
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + kCheckDeadline);
  v1::CheckResponse r;
  grpc::Status status = stub->Check(&call, request, &r);
  if (!status.ok()) return ctx.ReportError(status, "check failed: ");
  if (args.Has("json")) {
    absl::PrintF("%s\n", ToJson(r));
    return r.consistent() ? kExitOk : kExitRpcError;
  }
  absl::PrintF(
      "checked %d statements, %d out_edges, %d in_edges, %d pair_edges, %d summary cells, "
      "%d entities, %d names, %d documents, %d idempotency keys, %d claims in %.2f s: ",
      r.statements(), r.out_edges(), r.in_edges(), r.pair_edges(), r.summaries(), r.entities(),
      r.names(), r.documents(), r.idempotency_keys(), r.claims(), r.elapsed_micros() / 1e6);
  if (r.consistent()) {
    absl::PrintF("consistent\n");
    return kExitOk;
  }
  absl::PrintF("%d problem%s\n", r.problems_total(), r.problems_total() == 1 ? "" : "s");
  for (const auto& c : r.problem_counts()) absl::PrintF("  %s: %d\n", KindName(c.kind()), c.count());
  for (const auto& p : r.problems()) {
    absl::PrintF("%s %s key %s: %s\n", KindName(p.kind()), p.column_family(), Hex(p.key()),
                 p.description());
  }
  if (static_cast<uint64_t>(r.problems_size()) < r.problems_total()) {
    absl::PrintF("(%d more not listed; see --max-problems)\n",
                 r.problems_total() - r.problems_size());
  }
  return kExitRpcError;
}

int Backup(const Context& ctx, const ParsedArgs& args) {
  auto stub = v1::AdminService::NewStub(ctx.channel());
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + kBackupDeadline);
  v1::Backup b;
  grpc::Status status = stub->CreateBackup(&call, v1::CreateBackupRequest(), &b);
  if (!status.ok()) return ctx.ReportError(status, "backup failed: ");
  if (args.Has("json")) {
    absl::PrintF("%s\n", ToJson(b));
  } else {
    absl::PrintF("backup %d taken %s: %.1f MB in %d files, in %s (on the server)\n", b.id(),
                 When(b.created_unix_seconds()), b.size_bytes() / 1e6, b.file_count(),
                 b.backup_dir());
  }
  return kExitOk;
}

int Backups(const Context& ctx, const ParsedArgs& args) {
  auto stub = v1::AdminService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::ListBackupsResponse r;
  grpc::Status status = stub->ListBackups(&call, v1::ListBackupsRequest(), &r);
  if (!status.ok()) return ctx.ReportError(status);
  if (args.Has("json")) {
    for (const auto& b : r.backups()) absl::PrintF("%s\n", ToJson(b));
    return kExitOk;
  }
  if (r.backups_size() > 0) {
    Table table({{"ID", Table::Align::kRight},
                 {"TAKEN (UTC)"},
                 {"SIZE MB", Table::Align::kRight},
                 {"FILES", Table::Align::kRight}});
    for (const auto& b : r.backups()) {
      table.AddRow({std::to_string(b.id()), When(b.created_unix_seconds()),
                    absl::StrFormat("%.1f", b.size_bytes() / 1e6), std::to_string(b.file_count())});
    }
    std::fputs(table.Render(OutputWidth()).c_str(), stdout);
  }
  absl::PrintF("%d backup%s%s\n", r.backups_size(), r.backups_size() == 1 ? "" : "s",
               r.backups_size() > 0 ? " in " + r.backups(0).backup_dir() + " (on the server)"
                                    : "");
  return kExitOk;
}

int RunAdmin(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().size() != 1) {
    return UsageError("admin", "expected one of: check, backup, backups");
  }
  const std::string& what = args.positional()[0];
  if (what == "check") return Check(ctx, args);
  if (what == "backup") return Backup(ctx, args);
  if (what == "backups") return Backups(ctx, args);
  return UsageError("admin", "unknown admin command '" + what + "' (check, backup, backups)");
}

}  // namespace

Command AdminCommand() {
  return {
      .name = "admin",
      .synopsis = "admin check|backup|backups [--max-problems N] [--json]",
      .summary = "Check the database's consistency; take and list online backups",
      .details =
          "check    reads one snapshot of the whole database and verifies that every\n"
          "         statement has its index entries, that summaries match them, and that\n"
          "         referenced entities, documents and statements exist. Exit status 0 if\n"
          "         consistent, 1 with the problems listed. Runs alongside ingest.\n"
          "backup   adds a backup of the live database to the server's --backup_dir\n"
          "         (default: beside --data, \"<data>-backups\"): every write acknowledged\n"
          "         before it is in it. Restore it offline with entente-admin restore.\n"
          "backups  lists the backups: id, time, size.\n"
          "These need the admin role when the server checks tokens. See docs/durability.md.\n",
      .options =
          {
              {"max-problems", "N", "check: list at most N problems, 1..10000 (default 20)"},
              {"json", "", "print the response as JSON"},
          },
      .examples = {"admin check", "admin backup", "admin backups",
                   "--server db.example:50051 admin check --max-problems 100"},
      .run = RunAdmin,
  };
}

}  // namespace entente::cli
