// entente watch: the change feed, as lines or JSON, resumable by cursor.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/csv.h"
#include "cli/filter_options.h"
#include "cli/format.h"
#include "cli/table.h"
#include "entente/v1/graph.grpc.pb.h"

namespace entente::cli {
namespace {

// "+ 42  2024-10-22  North Korea -> Russia: deployed troops to [072]", a
// retraction with "-" and its reason.
std::string ChangeLine(const v1::StatementChange& c) {
  const v1::Statement& s = c.statement();
  const bool retracted = c.kind() == v1::StatementChange::RETRACTED;
  std::string line =
      absl::StrFormat("%s %d  %s  %s -> %s: %s", retracted ? "-" : "+", s.id(),
                      FormatDate(s.date()), Printable(s.actor().name()),
                      Printable(s.target().name()), Printable(FormatAction(s.action())));
  if (retracted) {
    absl::StrAppend(&line, "  (retracted ", FormatMicros(c.retracted_at_micros()),
                    c.retraction_reason().empty() ? "" : ": " + Printable(c.retraction_reason()),
                    ")");
  }
  return line + "\n";
}

// The CSV writer of --format csv: the statement columns, then what
// happened to it and the cursor to resume after it.
const StatementCsv& ChangeCsv() {
  static const auto* writer =
      new StatementCsv({"change", "retracted_at", "retraction_reason", "cursor"});
  return *writer;
}

std::string ChangeRow(const v1::StatementChange& c) {
  const bool retracted = c.kind() == v1::StatementChange::RETRACTED;
  return ChangeCsv().Row(
      c.statement(), {retracted ? "retracted" : "ingested", FormatMicros(c.retracted_at_micros()),
                      c.retraction_reason(), c.cursor()});
}

// Prints one response; false if stdout is gone. With CSV, standard output
// holds only rows: the caught-up note goes to stderr.
bool Print(const v1::WatchStatementsResponse& r, bool json, bool csv) {
  for (const auto& c : r.changes()) {
    const std::string text = json ? ToJson(c) + "\n" : csv ? ChangeRow(c) : ChangeLine(c);
    if (std::fputs(text.c_str(), stdout) < 0) return false;
  }
  if (!json && r.caught_up()) {
    absl::FPrintF(csv ? stderr : stdout, "# caught up; resume with --from %s\n", r.cursor());
  }
  return std::fflush(stdout) == 0;
}

int RunWatch(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().size() > 1) return UsageError("watch", "expected at most one NAME");
  v1::WatchStatementsRequest request;
  if (args.positional().size() == 1) {
    auto entity = ParseEntityArg(args, args.positional()[0]);
    if (!entity.ok()) return UsageError("watch", std::string(entity.status().message()));
    *request.mutable_entity() = *entity;
    request.set_name_resolution(ParseNameResolution(args));
  }
  auto filter = ParseFilter(args);
  if (!filter.ok()) return UsageError("watch", std::string(filter.status().message()));
  *request.mutable_filter() = *filter;
  request.set_cursor(args.Get("from", ""));
  request.set_stop_when_caught_up(args.Has("once"));
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return UsageError("watch", std::string(format.status().message()));
  const bool json = args.Has("json");
  const bool csv = *format == OutputFormat::kCsv;
  request.set_statement_view(json || csv ? v1::STATEMENT_VIEW_FULL : v1::STATEMENT_VIEW_BASIC);
  if (csv) std::fputs(ChangeCsv().Header().c_str(), stdout);
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;  // no deadline: a watch lasts until stopped
  auto reader = stub->WatchStatements(&call, request);
  v1::WatchStatementsResponse response;
  std::string cursor = request.cursor();
  while (reader->Read(&response)) {
    cursor = response.cursor();
    if (!Print(response, json, csv)) {
      call.TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    return ctx.ReportError(status);
  }
  // JSON lines carry each change's cursor; the text says where to resume.
  if (!json) absl::FPrintF(stderr, "entente: watch ended; resume with --from %s\n", cursor);
  return kExitOk;
}

}  // namespace

Command WatchCommand() {
  return {
      .name = "watch",
      .synopsis =
          "watch [NAME] [--from CURSOR] [--once] [filter options] [--format table|csv] [--json]",
      .summary = "Follow statements as they are ingested and retracted",
      .details =
          "Prints every statement ingested (+) and retracted (-) after --from, oldest\n"
          "first, then new ones as they are committed, until interrupted. NAME limits\n"
          "it to the statements of one entity (as actor or target). Each caught-up\n"
          "moment prints a '# caught up' line with the cursor to resume from; with\n"
          "--json every change is one JSON line carrying its own cursor. Resuming from a\n"
          "cursor, after a disconnect or a server restart, misses nothing and repeats\n"
          "nothing. The claim criteria (--min-sources, --contested) do not apply here.\n"
          "--format csv prints a header, then one CSV row per change as it comes: the\n"
          "columns of `statements --format csv` and change (ingested or retracted),\n"
          "retracted_at, retraction_reason and cursor.\n" +
          FilterDetails(),
      .options = WithFilterOptions(
          {
              {"from", "CURSOR", "resume after this cursor (default: from the first statement)"},
              {"once", "", "stop once caught up instead of waiting for new changes"},
          },
          {
              {"id", "", "NAME is an entity id"},
              OutputFormatOption(),
              {"json", "", "print each change as one JSON line, with its cursor"},
          }),
      .examples =
          {
              "watch --once",
              "watch \"North Korea\" --quad mc",
              "watch --from ZjE6... --json",
              "watch \"North Korea\" --once --format csv > nk-feed.csv",
          },
      .run = RunWatch,
  };
}

}  // namespace entente::cli
