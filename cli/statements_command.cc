// entente statements: one entity's statements; entente statement: one in full.
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/csv.h"
#include "cli/filter_options.h"
#include "cli/format.h"
#include "cli/progress.h"
#include "cli/statement_table.h"
#include "cli/table.h"
#include "entente/v1/graph.grpc.pb.h"

namespace entente::cli {
namespace {

constexpr int64_t kDefaultLimit = 50;
constexpr int kMaxPageSize = 1000;  // The server's limit.
constexpr int kMaxQuoteWidth = 100;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// Fills the entity and filters of a ListStatementsRequest from the command
// line; InvalidArgument describes a usage error.
absl::Status BuildRequest(const ParsedArgs& args, v1::ListStatementsRequest* request) {
  if (args.positional().size() != 1) return absl::InvalidArgumentError("expected one NAME");
  auto entity = ParseEntityArg(args, args.positional()[0]);
  if (!entity.ok()) return entity.status();
  *request->mutable_entity() = *entity;
  request->set_name_resolution(ParseNameResolution(args));
  auto direction = ParseDirection(args.Get("direction", "both"));
  if (!direction.ok()) return direction.status();
  request->set_direction(*direction);
  auto filter = ParseFilter(args);
  if (!filter.ok()) return filter.status();
  *request->mutable_filter() = *filter;
  if (absl::Status s = SetRollup(args, request); !s.ok()) return s;
  return SetAsOf(args, request);
}

int RunStatements(const Context& ctx, const ParsedArgs& args) {
  v1::ListStatementsRequest request;
  if (absl::Status s = BuildRequest(args, &request); !s.ok()) {
    return UsageError("statements", Message(s));
  }
  auto limit = ParseIntOption("limit", args.Get("limit", std::to_string(kDefaultLimit)), 1,
                              int64_t{1} << 40);
  if (!limit.ok()) return UsageError("statements", Message(limit.status()));
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return UsageError("statements", Message(format.status()));
  const bool json = args.Has("json");
  const bool csv = *format == OutputFormat::kCsv;
  // The table shows what STATEMENT_VIEW_BASIC carries; --json and CSV (with
  // source, quad class and score) print all.
  request.set_statement_view(json || csv ? v1::STATEMENT_VIEW_FULL : v1::STATEMENT_VIEW_BASIC);
  const StatementCsv writer;
  if (csv) std::fputs(writer.Header().c_str(), stdout);
  auto stub = v1::GraphService::NewStub(ctx.channel());
  std::vector<v1::Statement> statements;
  int64_t count = 0;
  bool more = false;
  while (count < *limit) {
    request.set_page_size(static_cast<int>(std::min<int64_t>(*limit - count, kMaxPageSize)));
    grpc::ClientContext call;
    Context::SetUnaryDeadline(&call);
    v1::ListStatementsResponse response;
    grpc::Status status = stub->ListStatements(&call, request, &response);
    if (!status.ok()) return ctx.ReportError(status);
    for (auto& s : *response.mutable_statements()) {
      if (count == *limit) break;
      ++count;
      // JSON lines and CSV rows go out page by page; a table needs every row
      // for its widths.
      if (json) {
        absl::PrintF("%s\n", ToJson(s));
      } else if (csv) {
        std::fputs(writer.Row(s).c_str(), stdout);
      } else {
        statements.push_back(std::move(s));
      }
    }
    more = !response.next_page_token().empty();
    if (!more) break;
    request.set_page_token(response.next_page_token());
  }
  if (json) return kExitOk;
  if (!statements.empty()) std::fputs(RenderStatements(statements, OutputWidth()).c_str(), stdout);
  // Standard output holds only the CSV; the count goes to stderr then.
  absl::FPrintF(csv ? stderr : stdout, "%d statement%s%s\n", count, count == 1 ? "" : "s",
                more ? " (there are more: raise --limit)" : "");
  return kExitOk;
}

// The dataset's own coverage counts, said to be the dataset's; empty when
// not given.
std::string FormatReported(const v1::Statement& s) {
  if (!s.has_reported()) return "";
  const v1::ReportedCoverage& r = s.reported();
  return absl::StrFormat("%d mentions, %d sources, %d articles (as the dataset gives them)",
                         r.mentions(), r.sources(), r.articles());
}

std::string RenderStatement(const v1::Statement& s) {
  std::string out = absl::StrFormat("Statement %d\n", s.id());
  out += RenderFields(
      {
          {"date", FormatDate(s.date())},
          {"actor", FormatRef(s.actor())},
          {"action", FormatAction(s.action())},
          {"target", FormatRef(s.target())},
          {"modality", FormatModality(s.modality())},
          {"confidence", FormatConfidence(s)},
          {"said by", FormatRef(s.attributed_to())},
          {"extractor", absl::StrFormat("%s %s", s.extractor().name(), s.extractor().version())},
          {"ingested at", FormatMicros(s.ingested_at_micros())},
          {"idempotency key", s.idempotency_key()},
          {"reported", FormatReported(s)},
      },
      2, OutputWidth());
  const v1::Source& source = s.source();
  out += "Source\n" + RenderFields(
                          {
                              {"document", source.document_id()},
                              {"publisher", source.publisher()},
                              {"title", source.title()},
                              {"url", source.url()},
                              {"published", FormatDate(source.published())},
                          },
                          2, OutputWidth());
  out += "Quote\n";
  const int width = std::min(OutputWidth(), kMaxQuoteWidth) - 2;
  for (const auto& line : QuoteLines(s.quote(), width, SIZE_MAX)) out += "  " + line + "\n";
  if (s.quote().empty()) out += "  -\n";
  return out;
}

int RunStatement(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().size() != 1) return UsageError("statement", "expected one ID");
  auto id = ParseIdOption("id", args.positional()[0]);
  if (!id.ok()) return UsageError("statement", "ID must be a statement id (a positive number)");
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::GetStatementRequest request;
  request.set_id(*id);
  if (absl::Status s = SetAsOf(args, &request); !s.ok()) {
    return UsageError("statement", std::string(s.message()));
  }
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return UsageError("statement", Message(format.status()));
  v1::Statement statement;
  grpc::Status status = stub->GetStatement(&call, request, &statement);
  if (!status.ok()) return ctx.ReportError(status);
  const StatementCsv writer;
  const std::string text = args.Has("json")                ? ToJson(statement) + "\n"
                           : *format == OutputFormat::kCsv ? writer.Header() + writer.Row(statement)
                                                           : RenderStatement(statement);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

Command StatementsCommand() {
  return {
      .name = "statements",
      .synopsis = "statements NAME [options]",
      .summary = "List an entity's statements, newest first",
      .details =
          "NAME is an entity's name or alias (\"north korea\", \"PRK\"), or its id with --id.\n"
          "Prints a table with each statement's quote under it, JSON lines with --json,\n"
          "or with --format csv one CSV row per statement: id, date, actor, action code\n"
          "and text, quad class, Goldstein score, target, quote, source document (id,\n"
          "url, publisher, title, published), who says so, confidence, modality,\n"
          "extractor and ingestion time (docs/cli.md, \"CSV\").\n" +
          FilterDetails(),
      .options = WithFilterOptions(
          {
              {"direction", "out|in|both",
               "out: the entity is the actor; in: the target; both (default)"},
          },
          {
              {"limit", "N", "print at most N statements (default 50)"},
              RollupOption(),
              AsOfOption(),
              {"id", "", "NAME is an entity id"},
              OutputFormatOption(),
              {"json", "", "print one JSON object per line instead of a table"},
          }),
      .examples =
          {
              "statements Russia --direction out --since 2024-10",
              "statements \"north korea\" --code 07 --min-confidence 0.9",
              "statements China --quad vx,mx --modality asserted,denied --until 2024",
              "statements --id 4 --limit 1000 --json > statements.jsonl",
              "statements Russia --rollup country --code 19 --since 2014",
              "statements \"North Korea\" --limit 1000 --format csv > nk.csv",
          },
      .run = RunStatements,
  };
}

Command StatementCommand() {
  return {
      .name = "statement",
      .synopsis = "statement ID [--format table|csv] [--json]",
      .summary = "Show one statement with its source document and full quote",
      .details =
          "ID is a statement id, as in the first column of `entente statements`.\n"
          "--format csv prints it as a header and one row (the columns of\n"
          "`statements --format csv`).\n",
      .options = {AsOfOption(),
                  OutputFormatOption(),
                  {"json", "", "print the statement as one JSON object"}},
      .examples = {"statement 17", "statement 17 --json", "statement 17 --format csv"},
      .run = RunStatement,
  };
}

}  // namespace entente::cli
