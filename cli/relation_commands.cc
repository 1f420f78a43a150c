// entente timeline: the relation between two entities over time;
// entente profile: one entity's place in the graph.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/ascii.h"
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

constexpr int64_t kDefaultTimelineLimit = 10;
constexpr int kMaxPageSize = 1000;  // The server's limit.
constexpr int kDefaultTop = 10;
constexpr int kDefaultProfileEvidence = 3;
// The chart's bars take what the other columns leave, within these bounds.
constexpr int kMinBar = 10;
constexpr int kMaxBar = 50;
constexpr int kChartColumns = 70;

constexpr char kCooperationGlyph = '+';
constexpr char kConflictGlyph = '-';
constexpr char kUnclassifiedGlyph = '.';

std::string Message(const absl::Status& s) { return std::string(s.message()); }

absl::StatusOr<v1::Granularity> ParseGranularity(const std::string& text) {
  if (text == "day") return v1::DAY;
  if (text == "week") return v1::WEEK;
  if (text == "month") return v1::MONTH;
  if (text == "year") return v1::YEAR;
  return absl::InvalidArgumentError("--by: '" + text + "' is not day, week, month or year");
}

// A bucket's start as its period reads: "2024-10" for a month.
std::string BucketLabel(const v1::Date& start, v1::Granularity by) {
  v1::Date d = start;
  if (by == v1::MONTH || by == v1::YEAR) d.clear_day();
  if (by == v1::YEAR) d.clear_month();
  return FormatDate(d);
}

// "day", "week", "month" or "year".
std::string PeriodName(v1::Granularity by) {
  switch (by) {
    case v1::DAY:
      return "day";
    case v1::WEEK:
      return "week";
    case v1::YEAR:
      return "year";
    default:
      return "month";
  }
}

// `count` statements as `per_glyph` statements a character, split into
// cooperation, conflict and unclassified segments by cumulative rounding so
// that the segments add up to the whole bar.
std::string Bar(const v1::TimelineBucket& b, double per_glyph) {
  const uint64_t coop = b.verbal_cooperation() + b.material_cooperation();
  const uint64_t conflict = b.verbal_conflict() + b.material_conflict();
  const uint64_t total = coop + conflict + b.unclassified();
  if (total == 0) return "";
  const auto glyphs = [&](uint64_t n) { return static_cast<size_t>(std::lround(n / per_glyph)); };
  const size_t length = std::max<size_t>(1, glyphs(total));
  const auto share = [&](uint64_t n) {
    return static_cast<size_t>(std::lround(static_cast<double>(n) * length / total));
  };
  const size_t coop_len = share(coop);
  const size_t conflict_len = share(coop + conflict) - coop_len;
  return std::string(coop_len, kCooperationGlyph) + std::string(conflict_len, kConflictGlyph) +
         std::string(length - coop_len - conflict_len, kUnclassifiedGlyph);
}

// `counted`: the request asked for the buckets' sources (else "-").
std::string RenderChart(const v1::GetRelationTimelineResponse& first, v1::Granularity by,
                        uint64_t total, bool counted) {
  using Align = Table::Align;
  uint64_t most = 0;
  for (const auto& b : first.buckets()) most = std::max(most, b.total());
  const int bar_room = std::clamp(OutputWidth() - kChartColumns, kMinBar, kMaxBar);
  const double per_glyph =
      most <= static_cast<uint64_t>(bar_room) ? 1.0 : static_cast<double>(most) / bar_room;
  std::vector<Table::Column> columns = {
      {by == v1::WEEK ? "WEEK OF" : absl::AsciiStrToUpper(PeriodName(by))},
      {"TOTAL", Align::kRight}, {"VC", Align::kRight},  {"MC", Align::kRight},
      {"VX", Align::kRight},    {"MX", Align::kRight},  {"NONE", Align::kRight},
      {"A>B", Align::kRight},   {"B>A", Align::kRight}};
  if (counted) columns.push_back({"SOURCES", Align::kRight});
  columns.push_back({"GOLDSTEIN", Align::kRight});
  columns.push_back({""});
  Table chart(columns);
  for (const auto& b : first.buckets()) {
    const bool classified = b.total() > b.unclassified();
    std::vector<Table::Cell> row = {
        BucketLabel(b.start(), by),           FormatCount(b.total()),
        FormatCount(b.verbal_cooperation()),  FormatCount(b.material_cooperation()),
        FormatCount(b.verbal_conflict()),     FormatCount(b.material_conflict()),
        FormatCount(b.unclassified()),        FormatCount(b.a_to_b()),
        FormatCount(b.b_to_a())};
    if (counted) row.push_back(FormatCount(b.sources()));
    row.push_back(classified ? absl::StrFormat("%.1f", b.mean_goldstein()) : "-");
    row.push_back(Bar(b, per_glyph));
    chart.AddRow(std::move(row));
  }
  const int n = first.buckets_size();
  std::string out = absl::StrFormat("%s (A) and %s (B), by %s: %s statement%s in %d %s%s\n",
                                    Printable(first.a().name()), Printable(first.b().name()),
                                    PeriodName(by), FormatCount(total), total == 1 ? "" : "s", n,
                                    PeriodName(by), n == 1 ? "" : "s");
  if (n == 0) return out;
  out += "\n" + chart.Render();
  absl::StrAppendFormat(
      &out,
      "VC/MC verbal/material cooperation, VX/MX verbal/material conflict, NONE no CAMEO code.\n"
      "Bar: %c cooperation, %c conflict, %c unclassified; each character is %s.\n",
      kCooperationGlyph, kConflictGlyph, kUnclassifiedGlyph,
      per_glyph == 1.0 ? std::string("one statement")
                       : absl::StrFormat("about %.1f statements", per_glyph));
  return out;
}

int RunTimeline(const Context& ctx, const ParsedArgs& args) {
  const auto usage = [](const absl::Status& s) { return UsageError("timeline", Message(s)); };
  if (args.positional().size() != 2) return UsageError("timeline", "expected two NAMEs: A B");
  v1::GetRelationTimelineRequest request;
  auto a = ParseEntityArg(args, args.positional()[0]);
  if (!a.ok()) return usage(a.status());
  auto b = ParseEntityArg(args, args.positional()[1]);
  if (!b.ok()) return usage(b.status());
  *request.mutable_a() = *a;
  *request.mutable_b() = *b;
  request.set_name_resolution(ParseNameResolution(args));
  auto filter = ParseFilter(args);
  if (!filter.ok()) return usage(filter.status());
  *request.mutable_filter() = *filter;
  if (absl::Status s = SetAsOf(args, &request); !s.ok()) return usage(s);
  if (absl::Status s = SetRollup(args, &request); !s.ok()) return usage(s);
  auto by = ParseGranularity(args.Get("by", "month"));
  if (!by.ok()) return usage(by.status());
  request.set_granularity(*by);
  request.set_count_sources(args.Has("sources"));
  auto limit = ParseIntOption("limit", args.Get("limit", std::to_string(kDefaultTimelineLimit)), 0,
                              int64_t{1} << 40);
  if (!limit.ok()) return usage(limit.status());
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return usage(format.status());
  const bool json = args.Has("json");
  const bool csv = *format == OutputFormat::kCsv;
  // Only --json prints the aliases of A and B; it and CSV print the
  // statements' source, extractor and scores; the table shows the rest.
  request.set_entity_view(json ? v1::ENTITY_VIEW_FULL : v1::ENTITY_VIEW_BASIC);
  request.set_statement_view(json || csv ? v1::STATEMENT_VIEW_FULL : v1::STATEMENT_VIEW_BASIC);

  auto stub = v1::GraphService::NewStub(ctx.channel());
  v1::GetRelationTimelineResponse first;
  std::vector<v1::Statement> statements;
  int64_t count = 0;
  do {
    // Even with --limit 0 the first page is needed, for the buckets.
    request.set_page_size(static_cast<int>(std::clamp<int64_t>(*limit - count, 1, kMaxPageSize)));
    grpc::ClientContext call;
    Context::SetUnaryDeadline(&call);
    v1::GetRelationTimelineResponse response;
    grpc::Status status = stub->GetRelationTimeline(&call, request, &response);
    if (!status.ok()) return ctx.ReportError(status);
    auto* page = response.mutable_statements();
    const int keep = static_cast<int>(std::min<int64_t>(page->size(), *limit - count));
    page->DeleteSubrange(keep, page->size() - keep);
    count += keep;
    if (json) {
      absl::PrintF("%s\n", ToJson(response));
    } else {
      for (auto& s : *page) statements.push_back(std::move(s));
    }
    const bool is_first = request.page_token().empty();
    request.set_page_token(response.next_page_token());
    if (is_first) first = std::move(response);
  } while (count < *limit && !request.page_token().empty());
  if (json) return kExitOk;

  uint64_t total = 0;
  for (const auto& bucket : first.buckets()) total += bucket.total();
  if (csv) {
    // The statements the table lists under the chart; the chart's counts
    // are the buckets of --json.
    const StatementCsv writer;
    std::string out = writer.Header();
    for (const auto& s : statements) out += writer.Row(s);
    std::fputs(out.c_str(), stdout);
    absl::FPrintF(stderr, "%s of %s statement%s%s\n", FormatCount(count), FormatCount(total),
                  total == 1 ? "" : "s",
                  static_cast<uint64_t>(count) < total ? " (raise --limit for more)" : "");
    return kExitOk;
  }
  std::string out = RenderChart(first, *by, total, request.count_sources());
  if (!statements.empty()) {
    out += "\nNewest statements\n" + RenderStatements(statements, OutputWidth());
  }
  if (total > 0 && *limit > 0) {
    absl::StrAppendFormat(&out, "%s of %s statement%s shown%s\n", FormatCount(count),
                          FormatCount(total), total == 1 ? "" : "s",
                          static_cast<uint64_t>(count) < total ? " (raise --limit for more)" : "");
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

std::string Percent(uint64_t n, uint64_t total) {
  return total == 0 ? "" : absl::StrFormat("%3.0f%%", 100.0 * n / total);
}

std::string RenderProfile(const v1::GetEntityProfileResponse& p, bool with_sources) {
  const v1::Entity& e = p.entity();
  const std::pair<const char*, uint64_t> quads[] = {
      {"verbal cooperation", p.verbal_cooperation()},
      {"material cooperation", p.material_cooperation()},
      {"verbal conflict", p.verbal_conflict()},
      {"material conflict", p.material_conflict()},
      {"unclassified", p.unclassified()},
  };
  uint64_t total = 0;
  int count_width = 1;
  for (const auto& [name, n] : quads) {
    total += n;
    count_width = std::max(count_width, static_cast<int>(FormatCount(n).size()));
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", std::to_string(e.id())},
      {"name", e.name()},
      {"kind", FormatKind(e.kind())},
      {"statements",
       absl::StrFormat("%s out (as actor), %s in (as target)", FormatCount(p.out_statements()),
                       FormatCount(p.in_statements()))},
      {"degree", absl::StrFormat("%s out (distinct targets), %s in (distinct actors)",
                                 FormatCount(p.out_degree()), FormatCount(p.in_degree()))},
      {"first date", FormatDate(p.first_date())},
      {"last date", FormatDate(p.last_date())},
  };
  if (with_sources) {
    fields.emplace_back("sources", Counted(p.sources(), "independent source") + " (publishers)");
  }
  // One line per class, the label on the first only.
  for (size_t i = 0; i < std::size(quads); ++i) {
    const auto& [name, n] = quads[i];
    fields.emplace_back(
        i == 0 ? "quad mix" : "",
        absl::StrFormat("%-20s  %*s  %s", name, count_width, FormatCount(n), Percent(n, total)));
  }
  std::string out = RenderFields(fields, 2, OutputWidth());
  if (p.top_counterparts_size() == 0) return out;
  std::vector<Table::Column> columns = {{"NAME", Table::Align::kLeft, 60, true},
                                        {"OUT", Table::Align::kRight},
                                        {"IN", Table::Align::kRight},
                                        {"TOTAL", Table::Align::kRight}};
  if (with_sources) columns.push_back({"SOURCES", Table::Align::kRight});
  Table top(std::move(columns));
  for (const auto& c : p.top_counterparts()) {
    std::vector<Table::Cell> row = {c.entity().name(), FormatCount(c.out_count()),
                                    FormatCount(c.in_count()),
                                    FormatCount(c.out_count() + c.in_count())};
    if (with_sources) row.push_back(FormatCount(c.sources()));
    top.AddRow(std::move(row));
  }
  return out + "\nTop counterparts\n" + top.Render(OutputWidth());
}

// --format csv: the evidence behind the top counterparts, the profile's
// only list: for each, the newest `per_counterpart` statements between the
// entity and it (GetRelationTimeline, both ways, under the same --as-of and
// --rollup), one row each with the counterpart's id, name and statement
// count. The profile's own counts are in --json.
int PrintProfileCsv(const Context& ctx, const v1::GetEntityProfileRequest& profile_request,
                    const v1::GetEntityProfileResponse& profile, int per_counterpart) {
  const StatementCsv writer({"counterpart_id", "counterpart", "counterpart_count"});
  std::string out = writer.Header();
  auto stub = v1::GraphService::NewStub(ctx.channel());
  size_t rows = 0;
  for (const auto& c : profile.top_counterparts()) {
    v1::GetRelationTimelineRequest request;
    request.mutable_a()->set_id(profile.entity().id());
    request.mutable_b()->set_id(c.entity().id());
    request.set_granularity(v1::YEAR);  // Buckets are not used: the fewest.
    request.set_page_size(per_counterpart);
    request.set_entity_view(v1::ENTITY_VIEW_BASIC);
    request.set_statement_view(v1::STATEMENT_VIEW_FULL);
    request.set_rollup(profile_request.rollup());
    if (profile_request.has_as_of()) *request.mutable_as_of() = profile_request.as_of();
    grpc::ClientContext call;
    Context::SetUnaryDeadline(&call);
    v1::GetRelationTimelineResponse response;
    grpc::Status status = stub->GetRelationTimeline(&call, request, &response);
    if (!status.ok()) return ctx.ReportError(status, "fetching evidence: ");
    const std::vector<std::string> extra = {absl::StrCat(c.entity().id()), c.entity().name(),
                                            absl::StrCat(c.out_count() + c.in_count())};
    for (const auto& s : response.statements()) out += writer.Row(s, extra);
    rows += response.statements_size();
  }
  std::fputs(out.c_str(), stdout);
  absl::FPrintF(stderr, "%s with %s (raise --evidence or --top for more)\n",
                Counted(rows, "statement"),
                Counted(profile.top_counterparts_size(), "counterpart"));
  return kExitOk;
}

int RunProfile(const Context& ctx, const ParsedArgs& args) {
  if (args.positional().size() != 1) return UsageError("profile", "expected one NAME");
  v1::GetEntityProfileRequest request;
  auto entity = ParseEntityArg(args, args.positional()[0]);
  if (!entity.ok()) return UsageError("profile", Message(entity.status()));
  *request.mutable_entity() = *entity;
  request.set_name_resolution(ParseNameResolution(args));
  auto top = ParseIntOption("top", args.Get("top", std::to_string(kDefaultTop)), 1, 100);
  if (!top.ok()) return UsageError("profile", Message(top.status()));
  request.set_top(static_cast<int32_t>(*top));
  for (absl::Status s : {SetAsOf(args, &request), SetRollup(args, &request)}) {
    if (!s.ok()) return UsageError("profile", std::string(s.message()));
  }
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return UsageError("profile", Message(format.status()));
  auto evidence = ParseIntOption(
      "evidence", args.Get("evidence", std::to_string(kDefaultProfileEvidence)), 1, kMaxPageSize);
  if (!evidence.ok()) return UsageError("profile", Message(evidence.status()));
  if (args.Has("evidence") && *format != OutputFormat::kCsv) {
    return UsageError("profile", "--evidence needs --format csv");
  }
  request.set_count_sources(args.Has("sources"));
  // Only --json prints the aliases of the entity and its counterparts.
  request.set_entity_view(args.Has("json") ? v1::ENTITY_VIEW_FULL : v1::ENTITY_VIEW_BASIC);
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::GetEntityProfileResponse response;
  grpc::Status status = stub->GetEntityProfile(&call, request, &response);
  if (!status.ok()) return ctx.ReportError(status);
  if (*format == OutputFormat::kCsv) {
    return PrintProfileCsv(ctx, request, response, static_cast<int>(*evidence));
  }
  const std::string text =
      args.Has("json") ? ToJson(response) + "\n" : RenderProfile(response, request.count_sources());
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

Command TimelineCommand() {
  return {
      .name = "timeline",
      .synopsis = "timeline A B [options]",
      .summary = "The relation between two entities over time, as a chart and statements",
      .details =
          "Counts the statements between A and B, both ways, per day, week (ISO, from\n"
          "Monday), month or year: per quad class, per direction (A>B, B>A) and their\n"
          "mean Goldstein score (-10 conflict .. +10 cooperation), with a bar whose '+'\n"
          "part is cooperation and '-' part conflict. Then prints the newest statements.\n"
          "A and B are names or aliases, or ids with --id.\n"
          "--format csv prints only those newest statements (--limit of them), one CSV\n"
          "row each with the columns of `statements --format csv`; --json has the\n"
          "chart's counts.\n" +
          FilterDetails(),
      .options = WithFilterOptions(
          {
              {"by", "day|week|month|year", "the chart's period (default month)"},
              {"limit", "N",
               absl::StrCat("print the newest N statements (default ", kDefaultTimelineLimit,
                            "; 0 for none)")},
          },
          {
              {"sources", "",
               "count each period's independent sources (publishers) in a SOURCES\n"
               "column (reads every statement of the window)"},
              RollupOption(),
              AsOfOption(),
              {"id", "", "A and B are entity ids"},
              OutputFormatOption(),
              {"json", "", "print the server's answers as JSON lines (one per page)"},
          }),
      .examples =
          {
              "timeline Russia \"North Korea\" --by month",
              "timeline \"South Korea\" \"North Korea\" --by week --since 2024-10 --quad vx,mx",
              "timeline Russia Ukraine --by year --limit 0",
              "timeline \"South Korea\" \"North Korea\" --rollup country --by year",
              "timeline Russia \"North Korea\" --limit 500 --format csv > ru-nk.csv",
          },
      .run = RunTimeline,
  };
}

Command ProfileCommand() {
  return {
      .name = "profile",
      .synopsis =
          "profile NAME [--top N] [--sources] [--rollup country|parent] [--exact] [--id] "
          "[--format table|csv [--evidence N]] [--json]",
      .summary = "An entity's statements, degree, dates, quad mix and top counterparts",
      .details =
          "NAME is a name or alias, or an id with --id. The profile counts all of the\n"
          "entity's statements, from summaries the server keeps: the filter options of\n"
          "the other commands do not apply. With --rollup it profiles the entity's group\n"
          "today (a minister's country, say), counterparts as groups, counted from every\n"
          "member's statements rather than the summaries: slower on a large group.\n"
          "\n"
          "--format csv prints the evidence behind the top counterparts instead: for\n"
          "each, the --evidence newest statements between the entity and it (either\n"
          "way), one CSV row each with the columns of `statements --format csv` and\n"
          "counterpart_id, counterpart and counterpart_count (its statements with the\n"
          "entity). One more call per counterpart.\n",
      .options =
          {
              {"top", "N",
               absl::StrCat("list the N entities it has most statements with, 1..100 (default ",
                            kDefaultTop, ")")},
              {"sources", "",
               "count the independent sources (publishers) of the entity and of each\n"
               "counterpart (reads every statement of the entity, its whole history)"},
              RollupOption(),
              AsOfOption(),
              {"exact", "", "match NAME exactly, byte for byte, not by alias"},
              {"id", "", "NAME is an entity id"},
              OutputFormatOption(),
              {"evidence", "N",
               absl::StrCat("with --format csv: statements per counterpart, 1..1000 (default ",
                            kDefaultProfileEvidence, ")")},
              {"json", "", "print the server's answer as one JSON object"},
          },
      .examples = {"profile China --top 5", "profile \"North Korea\" --sources",
                   "profile \"North Korea\" --json", "profile Russia --rollup country",
                   "profile \"North Korea\" --top 20 --evidence 5 --format csv > nk-top.csv"},
      .run = RunProfile,
  };
}

}  // namespace entente::cli
