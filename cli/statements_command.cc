// entente statements: one entity's statements; entente statement: one in full.
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/table.h"
#include "entente/v1/graph.grpc.pb.h"

namespace entente::cli {
namespace {

constexpr int64_t kDefaultLimit = 50;
constexpr int kMaxPageSize = 1000;  // The server's limit.
constexpr int kMaxQuoteWidth = 100;
constexpr size_t kMaxQuoteLines = 3;
constexpr int kQuoteIndent = 4;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

absl::StatusOr<v1::Direction> ParseDirection(const std::string& text) {
  if (text == "out") return v1::OUT;
  if (text == "in") return v1::IN;
  if (text == "both") return v1::BOTH;
  return absl::InvalidArgumentError("--direction: '" + text + "' is not out, in or both");
}

// Fills the entity and filters of a ListStatementsRequest from the command
// line; InvalidArgument describes a usage error.
absl::Status BuildRequest(const ParsedArgs& args, v1::ListStatementsRequest* request) {
  if (args.positional().size() != 1) return absl::InvalidArgumentError("expected one NAME");
  const std::string& name = args.positional()[0];
  if (args.Has("id")) {
    auto id = ParseIdOption("id", name);
    if (!id.ok()) return absl::InvalidArgumentError("with --id, NAME must be an entity id");
    request->mutable_entity()->set_id(*id);
  } else {
    request->mutable_entity()->set_name(name);
  }
  request->set_name_resolution(args.Has("exact") ? v1::NAME_RESOLUTION_EXACT
                                                 : v1::NAME_RESOLUTION_ALIAS);
  auto direction = ParseDirection(args.Get("direction", "both"));
  if (!direction.ok()) return direction.status();
  request->set_direction(*direction);
  if (args.Has("since")) {
    auto date = ParseDate(args.Get("since"));
    if (!date.ok()) return absl::InvalidArgumentError("--since: " + Message(date.status()));
    *request->mutable_filter()->mutable_date_from() = *date;
  }
  if (args.Has("until")) {
    auto date = ParseDate(args.Get("until"));
    if (!date.ok()) return absl::InvalidArgumentError("--until: " + Message(date.status()));
    *request->mutable_filter()->mutable_date_to() = EndOfPeriod(*date);
  }
  if (!args.Get("code").empty()) request->mutable_filter()->add_code_prefixes(args.Get("code"));
  if (args.Has("min-confidence")) {
    auto x = ParseDoubleOption("min-confidence", args.Get("min-confidence"));
    if (!x.ok()) return x.status();
    request->mutable_filter()->set_min_confidence(*x);
  }
  return absl::OkStatus();
}

// The quote in double quotes, wrapped, at most kMaxQuoteLines lines.
std::vector<std::string> QuoteLines(const std::string& quote, int width, size_t max_lines) {
  if (quote.empty()) return {};
  std::vector<std::string> lines = WrapText("\"" + quote + "\"", width);
  if (lines.size() > max_lines) {
    lines.resize(max_lines);
    lines.back() = TruncateToWidth(lines.back() + " …", width);
  }
  return lines;
}

// The action text, with its CAMEO code as a tail that truncation keeps.
Table::Cell ActionCell(const v1::Action& action) {
  if (action.cameo_code().empty()) return action.text();
  const std::string code = "[" + action.cameo_code() + "]";
  return action.text().empty() ? Table::Cell(code) : Table::Cell(action.text(), " " + code);
}

std::string RenderStatements(const std::vector<v1::Statement>& statements) {
  using Align = Table::Align;
  Table table({{"ID", Align::kRight},
               {"DATE"},
               {"ACTOR", Align::kLeft, 30, true},
               {"ACTION", Align::kLeft, 45, true},
               {"TARGET", Align::kLeft, 30, true},
               {"MODALITY"},
               {"CONF", Align::kRight},
               {"SAID BY", Align::kLeft, 24, true}});
  const int width = OutputWidth();
  const int quote_width = std::min(width - kQuoteIndent, kMaxQuoteWidth);
  for (const auto& s : statements) {
    table.AddRow({std::to_string(s.id()), FormatDate(s.date()), s.actor().name(),
                  ActionCell(s.action()), s.target().name(), FormatModality(s.modality()),
                  FormatConfidence(s), s.attributed_to().name()});
    for (const auto& line : QuoteLines(s.quote(), quote_width, kMaxQuoteLines)) {
      table.AddNote(line, kQuoteIndent);
    }
  }
  return table.Render(width);
}

int RunStatements(const Context& ctx, const ParsedArgs& args) {
  v1::ListStatementsRequest request;
  if (absl::Status s = BuildRequest(args, &request); !s.ok()) {
    return UsageError("statements", Message(s));
  }
  auto limit = ParseIntOption("limit", args.Get("limit", std::to_string(kDefaultLimit)), 1,
                              int64_t{1} << 40);
  if (!limit.ok()) return UsageError("statements", Message(limit.status()));
  const bool json = args.Has("json");
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
      // JSON lines go out page by page; a table needs every row for its widths.
      if (json) {
        absl::PrintF("%s\n", ToJson(s));
      } else {
        statements.push_back(std::move(s));
      }
    }
    more = !response.next_page_token().empty();
    if (!more) break;
    request.set_page_token(response.next_page_token());
  }
  if (json) return kExitOk;
  if (!statements.empty()) std::fputs(RenderStatements(statements).c_str(), stdout);
  absl::PrintF("%d statement%s%s\n", count, count == 1 ? "" : "s",
               more ? " (there are more: raise --limit)" : "");
  return kExitOk;
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
  v1::Statement statement;
  grpc::Status status = stub->GetStatement(&call, request, &statement);
  if (!status.ok()) return ctx.ReportError(status);
  const std::string text = args.Has("json") ? ToJson(statement) + "\n" : RenderStatement(statement);
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
          "Prints a table with each statement's quote under it, or JSON lines with --json.\n"
          "DATE is YYYY, YYYY-MM or YYYY-MM-DD; --since starts at the first day of its\n"
          "period and --until ends at the last (--until 2024-10 includes 2024-10-31).\n",
      .options =
          {
              {"direction", "out|in|both",
               "out: the entity is the actor; in: the target; both (default)"},
              {"since", "DATE", "only statements dated on or after DATE"},
              {"until", "DATE", "only statements dated on or before the end of DATE"},
              {"code", "PREFIX", "only CAMEO codes starting with PREFIX (19 = fighting)"},
              {"min-confidence", "X", "only statements with confidence >= X (0..1)"},
              {"limit", "N", "print at most N statements (default 50)"},
              {"exact", "", "match NAME exactly, byte for byte, not by alias"},
              {"id", "", "NAME is an entity id"},
              {"json", "", "print one JSON object per line instead of a table"},
          },
      .examples =
          {
              "statements Russia --direction out --since 2024-10",
              "statements \"north korea\" --code 07 --min-confidence 0.9",
              "statements --id 4 --limit 1000 --json > statements.jsonl",
          },
      .run = RunStatements,
  };
}

Command StatementCommand() {
  return {
      .name = "statement",
      .synopsis = "statement ID [--json]",
      .summary = "Show one statement with its source document and full quote",
      .details = "ID is a statement id, as in the first column of `entente statements`.\n",
      .options = {{"json", "", "print the statement as one JSON object"}},
      .examples = {"statement 17", "statement 17 --json"},
      .run = RunStatement,
  };
}

}  // namespace entente::cli
