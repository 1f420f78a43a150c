// entente neighbors: what a traversal from some entities reaches;
// entente path: the shortest paths between two entities.
#include <algorithm>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/csv.h"
#include "cli/filter_options.h"
#include "cli/format.h"
#include "cli/graph_requests.h"
#include "cli/progress.h"
#include "cli/statement_fetch.h"
#include "cli/table.h"
#include "entente/v1/graph.grpc.pb.h"

namespace entente::cli {
namespace {

// The server's defaults, shown in help and in messages.
constexpr int kDefaultDepth = 2;
constexpr int kDefaultHops = 4;
constexpr int kDefaultPaths = 5;
constexpr int kDefaultEvidence = 3;
constexpr int kMaxSeeds = 100;
constexpr int kMinQuoteWidth = 20;
constexpr int kQuoteIndent = 2;  // Under its statement.

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// Sets `*out` to the value of an optional integer option; leaves it (the
// server's default) when the option is not given.
absl::Status IntOption(const ParsedArgs& args, std::string_view name, int64_t min, int64_t max,
                       int32_t* out) {
  if (!args.Has(name)) return absl::OkStatus();
  auto value = ParseIntOption(name, args.Get(std::string(name)), min, max);
  if (!value.ok()) return value.status();
  *out = static_cast<int32_t>(*value);
  return absl::OkStatus();
}

std::string EvidenceCell(const v1::AggregatedEdge& edge) {
  std::string ids = absl::StrJoin(edge.evidence_statement_ids(), ",");
  if (edge.count() > static_cast<uint64_t>(edge.evidence_statement_ids_size())) ids += ",…";
  return ids;
}

// Which limit cut the traversal short, and how to lift it.
std::string TruncationNote(const std::string& limit) {
  if (limit == "max_nodes") return "truncated by max_nodes: raise --max-nodes for more";
  if (limit == "max_edges") return "truncated by max_edges: raise --max-edges for more";
  if (limit == "max_fanout") {
    return "truncated by max_fanout: an entity had more new neighbours than that; "
           "raise --max-fanout for more";
  }
  return "truncated by " + limit;
}

std::string RenderTraversal(std::vector<v1::TraversedNode> nodes,
                            std::vector<v1::AggregatedEdge> edges, const std::string& truncated,
                            bool with_sources, bool temporal) {
  using Align = Table::Align;
  const int width = OutputWidth();
  std::map<uint64_t, std::string> names;
  for (const auto& n : nodes) names[n.entity().id()] = n.entity().name();
  const auto name_of = [&](uint64_t id) {
    auto it = names.find(id);
    return it != names.end() ? it->second : absl::StrCat("#", id);
  };
  // Grouped by depth, in the server's (breadth-first) order within a depth.
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const auto& a, const auto& b) { return a.depth() < b.depth(); });
  std::vector<Table::Column> entity_columns = {
      {"DEPTH", Align::kRight}, {"ID", Align::kRight}, {"NAME", Align::kLeft, 60, true}, {"KIND"}};
  // A time-respecting traversal: the earliest day each entity was reached.
  if (temporal) entity_columns.push_back({"ARRIVED"});
  Table entities(entity_columns);
  int seeds = 0;
  for (const auto& n : nodes) {
    seeds += n.depth() == 0;
    std::vector<Table::Cell> row = {std::to_string(n.depth()), std::to_string(n.entity().id()),
                                    n.entity().name(), FormatKind(n.entity().kind())};
    if (temporal) row.push_back(n.has_arrival_date() ? FormatDate(n.arrival_date()) : "-");
    entities.AddRow(std::move(row));
  }
  // The busiest relations first.
  std::stable_sort(edges.begin(), edges.end(),
                   [](const auto& a, const auto& b) { return a.count() > b.count(); });
  std::vector<Table::Column> columns = {{"ACTOR", Align::kLeft, 30, true},
                                        {"TARGET", Align::kLeft, 30, true},
                                        {"COUNT", Align::kRight}};
  if (with_sources) columns.push_back({"SOURCES", Align::kRight});
  for (Table::Column c : {Table::Column{"FIRST"}, Table::Column{"LAST"},
                          Table::Column{"GOLDSTEIN", Align::kRight},
                          Table::Column{"EVIDENCE", Align::kLeft, 40, true}}) {
    columns.push_back(c);
  }
  Table links(columns);
  for (const auto& e : edges) {
    std::vector<Table::Cell> row = {name_of(e.actor_id()), name_of(e.target_id()),
                                    FormatCount(e.count())};
    if (with_sources) row.push_back(FormatCount(e.sources()));
    for (Table::Cell c : {Table::Cell(FormatDate(e.first_date())),
                          Table::Cell(FormatDate(e.last_date())),
                          Table::Cell(absl::StrFormat("%.1f", e.mean_goldstein())),
                          Table::Cell(EvidenceCell(e))}) {
      row.push_back(std::move(c));
    }
    links.AddRow(std::move(row));
  }
  std::string out = "Entities\n" + entities.Render(width);
  if (!edges.empty()) out += "\nEdges\n" + links.Render(width);
  absl::StrAppendFormat(&out, "\n%d entit%s (%d seed%s), %d edge%s\n", nodes.size(),
                        nodes.size() == 1 ? "y" : "ies", seeds, seeds == 1 ? "" : "s", edges.size(),
                        edges.size() == 1 ? "" : "s");
  if (!truncated.empty()) out += TruncationNote(truncated) + "\n";
  return out;
}

// --format csv: the evidence of each edge (its newest statements, at most
// --evidence of its `count`), fetched by id, the busiest edge first, each
// row with the edge it supports. Counts and the limit that cut the
// traversal go to stderr.
int PrintTraversalCsv(const Context& ctx, const v1::TraverseRequest& request,
                      const std::vector<v1::TraversedNode>& nodes,
                      std::vector<v1::AggregatedEdge> edges, const std::string& truncated) {
  std::stable_sort(edges.begin(), edges.end(),
                   [](const auto& a, const auto& b) { return a.count() > b.count(); });
  std::vector<uint64_t> ids;
  for (const auto& e : edges) {
    ids.insert(ids.end(), e.evidence_statement_ids().begin(), e.evidence_statement_ids().end());
  }
  std::map<uint64_t, v1::Statement> statements;
  grpc::Status status =
      FetchStatements(ctx, ids, request.has_as_of() ? &request.as_of() : nullptr, &statements);
  if (!status.ok()) return ctx.ReportError(status, "fetching evidence: ");
  std::map<uint64_t, std::string> names;
  for (const auto& n : nodes) names[n.entity().id()] = n.entity().name();
  const StatementCsv writer(
      {"edge_actor_id", "edge_actor", "edge_target_id", "edge_target", "edge_count"});
  std::string out = writer.Header();
  size_t rows = 0;
  uint64_t behind = 0;
  for (const auto& e : edges) {
    behind += e.count();
    const std::vector<std::string> edge = {absl::StrCat(e.actor_id()), names[e.actor_id()],
                                           absl::StrCat(e.target_id()), names[e.target_id()],
                                           absl::StrCat(e.count())};
    for (uint64_t id : e.evidence_statement_ids()) {
      auto it = statements.find(id);
      if (it == statements.end()) continue;  // Retracted since.
      out += writer.Row(it->second, edge);
      ++rows;
    }
  }
  std::fputs(out.c_str(), stdout);
  absl::FPrintF(stderr, "%s of the %s behind %s (raise --evidence for more per edge)\n",
                Counted(rows, "statement"), FormatCount(behind), Counted(edges.size(), "edge"));
  if (!truncated.empty()) absl::FPrintF(stderr, "%s\n", TruncationNote(truncated));
  return kExitOk;
}

int RunNeighbors(const Context& ctx, const ParsedArgs& args) {
  auto request = BuildTraverseRequest(args, args.positional());
  if (!request.ok()) return UsageError("neighbors", Message(request.status()));
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return UsageError("neighbors", Message(format.status()));
  request->set_count_sources(args.Has("sources"));
  const bool json = args.Has("json");
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  // The server bounds the work by the limits, so a unary deadline fits.
  Context::SetUnaryDeadline(&call);
  auto reader = stub->Traverse(&call, *request);
  std::vector<v1::TraversedNode> nodes;
  std::vector<v1::AggregatedEdge> edges;
  std::string truncated;
  v1::TraverseResponse chunk;
  while (reader->Read(&chunk)) {
    if (chunk.done()) truncated = chunk.truncated();
    if (json) {
      absl::PrintF("%s\n", ToJson(chunk));
      continue;
    }
    for (auto& n : *chunk.mutable_nodes()) nodes.push_back(std::move(n));
    for (auto& e : *chunk.mutable_edges()) edges.push_back(std::move(e));
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return ctx.ReportError(status);
  if (*format == OutputFormat::kCsv) {
    return PrintTraversalCsv(ctx, *request, nodes, std::move(edges), truncated);
  }
  if (!json) {
    std::fputs(
        RenderTraversal(std::move(nodes), std::move(edges), truncated, request->count_sources(),
                        request->temporal_mode() != v1::TEMPORAL_MODE_UNSPECIFIED)
            .c_str(),
        stdout);
  }
  return kExitOk;
}

// Two lines at `indent`: "2024-10-22  North Korea -> Russia: deployed troops
// to [072]", and under it the quote cut to one line of `width`.
std::string StatementLines(const v1::Statement& s, int indent, int width) {
  const std::string margin(indent, ' ');
  std::string out =
      absl::StrCat(margin, FormatDate(s.date()), "  ", Printable(s.actor().name()), " -> ",
                   Printable(s.target().name()), ": ", Printable(FormatAction(s.action())), "\n");
  if (!s.quote().empty()) {
    const int room = std::max(width - indent - kQuoteIndent, kMinQuoteWidth);
    absl::StrAppend(&out, margin, std::string(kQuoteIndent, ' '),
                    TruncateToWidth(Printable("\"" + s.quote() + "\""), room), "\n");
  }
  return out;
}

// [--start DATE] [--max-gap DAYS], which need --temporal, into `request`
// (a FindPathsRequest or a TraverseRequest).
template <typename Request>
absl::Status ParseClockOptions(const ParsedArgs& args, Request* request) {
  if (!args.Has("temporal")) {
    for (const char* flag : {"start", "max-gap"}) {
      if (args.Has(flag)) {
        return absl::InvalidArgumentError(absl::StrCat("--", flag, " needs --temporal"));
      }
    }
    return absl::OkStatus();
  }
  if (args.Has("start")) {
    auto start = ParseDate(args.Get("start", ""));
    if (!start.ok()) return absl::InvalidArgumentError("--start: " + Message(start.status()));
    *request->mutable_start_date() = *start;
  }
  if (args.Has("max-gap")) {
    int32_t gap = 0;
    if (absl::Status s = IntOption(args, "max-gap", 0, 36500, &gap); !s.ok()) return s;
    request->set_max_gap_days(gap);
  }
  return absl::OkStatus();
}

// --temporal MODE [--start DATE] [--max-gap DAYS] into `request`.
absl::Status ParseTemporalOptions(const ParsedArgs& args, v1::FindPathsRequest* request) {
  if (!args.Has("temporal")) return ParseClockOptions(args, request);
  static const std::pair<const char*, v1::TemporalMode> kModes[] = {
      {"earliest", v1::TEMPORAL_MODE_EARLIEST_ARRIVAL},
      {"latest", v1::TEMPORAL_MODE_LATEST_DEPARTURE},
      {"fastest", v1::TEMPORAL_MODE_FASTEST},
      {"shortest", v1::TEMPORAL_MODE_SHORTEST},
  };
  const std::string mode = args.Get("temporal", "");
  for (const auto& [name, value] : kModes) {
    if (mode == name) request->set_temporal_mode(value);
  }
  if (request->temporal_mode() == v1::TEMPORAL_MODE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("--temporal: '", mode, "' is not one of earliest, latest, fastest, shortest"));
  }
  return ParseClockOptions(args, request);
}

std::string RenderPaths(const v1::FindPathsResponse& response,
                        const v1::FindPathsRequest& request) {
  if (response.distance() < 0) {
    return absl::StrFormat("no path within %d hop%s\n", request.max_hops(),
                           request.max_hops() == 1 ? "" : "s");
  }
  const int width = OutputWidth();
  std::string out = absl::StrFormat("distance %d\n", response.distance());
  const bool temporal = request.temporal_mode() != v1::TEMPORAL_MODE_UNSPECIFIED;
  if (temporal) {
    absl::StrAppendFormat(&out, "best path: departs %s, arrives %s, %s\n",
                          FormatDate(response.departure()), FormatDate(response.arrival()),
                          Counted(response.duration_days(), "day"));
  }
  for (const v1::Path& path : response.paths()) {
    std::vector<std::string> names;
    for (const auto& e : path.entities()) names.push_back(Printable(e.name()));
    absl::StrAppend(&out, "\n", absl::StrJoin(names, " -> "));
    if (temporal) {
      absl::StrAppend(&out, "  (", FormatDate(path.departure()), " .. ", FormatDate(path.arrival()),
                      ")");
    }
    absl::StrAppend(&out, "\n");
    for (int h = 0; h < path.hops_size(); ++h) {
      const v1::PathHop& hop = path.hops(h);
      const bool named = h + 1 < path.entities_size();
      absl::StrAppendFormat(
          &out, "  %s%s -> %s: %s statement%s%s\n",
          temporal ? FormatDate(hop.used_date()) + "  " : "",
          named ? names[h] : absl::StrCat("#", hop.from_id()),
          named ? names[h + 1] : absl::StrCat("#", hop.to_id()), FormatCount(hop.count()),
          hop.count() == 1 ? "" : "s",
          request.count_sources()
              ? absl::StrFormat(" from %s independent source%s", FormatCount(hop.sources()),
                                hop.sources() == 1 ? "" : "s")
              : "");
      for (const auto& s : hop.statements()) absl::StrAppend(&out, StatementLines(s, 4, width));
      if (hop.count() > static_cast<uint64_t>(hop.statements_size())) {
        absl::StrAppendFormat(&out, "    … %s more\n",
                              FormatCount(hop.count() - hop.statements_size()));
      }
    }
  }
  if (response.paths_size() == request.max_paths()) {
    absl::StrAppendFormat(&out, "\nshowing %d %s paths; there may be more: raise --paths\n",
                          response.paths_size(), temporal ? "best" : "shortest");
  }
  return out;
}

// --format csv: each hop's statements (the newest --evidence of its count),
// path by path, each row with its path's and hop's number (from 1) and the
// hop's count. A statement that supports a hop of several paths has a row
// for each. How many paths, or that there are none, goes to stderr.
std::string PathsCsv(const v1::FindPathsResponse& response, const v1::FindPathsRequest& request) {
  const StatementCsv writer({"path", "hop", "hop_count"});
  std::string out = writer.Header();
  for (int p = 0; p < response.paths_size(); ++p) {
    const v1::Path& path = response.paths(p);
    for (int h = 0; h < path.hops_size(); ++h) {
      const v1::PathHop& hop = path.hops(h);
      for (const auto& s : hop.statements()) {
        out += writer.Row(s, {absl::StrCat(p + 1), absl::StrCat(h + 1), absl::StrCat(hop.count())});
      }
    }
  }
  if (response.distance() < 0) {
    absl::FPrintF(stderr, "no path within %s\n", Counted(request.max_hops(), "hop"));
  } else {
    absl::FPrintF(stderr, "%s of distance %d (raise --evidence for more statements per hop)\n",
                  Counted(response.paths_size(), "path"), response.distance());
  }
  return out;
}

int RunPath(const Context& ctx, const ParsedArgs& args) {
  auto request = BuildPathsRequest(args, args.positional());
  if (!request.ok()) return UsageError("path", Message(request.status()));
  auto format = ParseOutputFormat(args);
  if (!format.ok()) return UsageError("path", Message(format.status()));
  const bool csv = *format == OutputFormat::kCsv;
  request->set_count_sources(args.Has("sources"));
  // The text shows each statement's date, ends, action and quote: not its
  // source, extractor or Goldstein score (export and CSV, which do, keep
  // FULL).
  if (!args.Has("json") && !csv) request->set_statement_view(v1::STATEMENT_VIEW_BASIC);
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::FindPathsResponse response;
  grpc::Status status = stub->FindPaths(&call, *request, &response);
  if (!status.ok()) return ctx.ReportError(status);
  const std::string text = args.Has("json") ? ToJson(response) + "\n"
                           : csv            ? PathsCsv(response, *request)
                                            : RenderPaths(response, *request);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

const OptionSpec kDirectionOption = {
    "direction", "out|in|both", "out: follow actor -> target; in: target -> actor; both (default)"};

}  // namespace

absl::StatusOr<v1::TraverseRequest> BuildTraverseRequest(const ParsedArgs& args,
                                                         const std::vector<std::string>& names) {
  v1::TraverseRequest request;
  if (names.empty()) return absl::InvalidArgumentError("expected at least one NAME");
  if (names.size() > kMaxSeeds) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxSeeds, " NAMEs"));
  }
  for (const std::string& name : names) {
    auto seed = ParseEntityArg(args, name);
    if (!seed.ok()) return seed.status();
    *request.add_seeds() = *seed;
  }
  request.set_name_resolution(ParseNameResolution(args));
  auto direction = ParseDirection(args.Get("direction", "both"));
  if (!direction.ok()) return direction.status();
  request.set_direction(*direction);
  auto filter = ParseFilter(args);
  if (!filter.ok()) return filter.status();
  *request.mutable_filter() = *filter;
  if (absl::Status s = SetAsOf(args, &request); !s.ok()) return s;
  if (absl::Status s = SetRollup(args, &request); !s.ok()) return s;
  int32_t depth = kDefaultDepth;
  int32_t evidence = kDefaultEvidence;
  int32_t max_nodes = 0, max_edges = 0, max_fanout = 0;
  for (absl::Status s : {IntOption(args, "depth", 1, 6, &depth),
                         IntOption(args, "max-nodes", 1, 100'000, &max_nodes),
                         IntOption(args, "max-edges", 1, 1'000'000, &max_edges),
                         IntOption(args, "max-fanout", 1, 1'000'000, &max_fanout),
                         IntOption(args, "evidence", 1, 100, &evidence)}) {
    if (!s.ok()) return s;
  }
  request.set_max_depth(depth);
  request.set_max_nodes(max_nodes);
  request.set_max_edges(max_edges);
  request.set_max_fanout(max_fanout);
  request.set_evidence_per_edge(evidence);
  // Every mode gives the same traversal (docs/queries.md): the flag names none.
  if (args.Has("temporal")) request.set_temporal_mode(v1::TEMPORAL_MODE_EARLIEST_ARRIVAL);
  if (absl::Status s = ParseClockOptions(args, &request); !s.ok()) return s;
  // Only --json prints the entities' aliases; the tables and the export
  // formats show names, so the server leaves the aliases out.
  request.set_entity_view(args.Has("json") ? v1::ENTITY_VIEW_FULL : v1::ENTITY_VIEW_BASIC);
  return request;
}

absl::StatusOr<v1::FindPathsRequest> BuildPathsRequest(const ParsedArgs& args,
                                                       const std::vector<std::string>& names) {
  v1::FindPathsRequest request;
  if (names.size() != 2) return absl::InvalidArgumentError("expected two NAMEs: A B");
  auto from = ParseEntityArg(args, names[0]);
  if (!from.ok()) return from.status();
  auto to = ParseEntityArg(args, names[1]);
  if (!to.ok()) return to.status();
  *request.mutable_from() = *from;
  *request.mutable_to() = *to;
  request.set_name_resolution(ParseNameResolution(args));
  auto direction = ParseDirection(args.Get("direction", "both"));
  if (!direction.ok()) return direction.status();
  request.set_direction(*direction);
  auto filter = ParseFilter(args);
  if (!filter.ok()) return filter.status();
  *request.mutable_filter() = *filter;
  if (absl::Status s = SetAsOf(args, &request); !s.ok()) return s;
  if (absl::Status s = SetRollup(args, &request); !s.ok()) return s;
  int32_t hops = kDefaultHops, paths = kDefaultPaths, evidence = kDefaultEvidence;
  for (absl::Status s :
       {IntOption(args, "max-hops", 1, 6, &hops), IntOption(args, "paths", 1, 100, &paths),
        IntOption(args, "evidence", 1, 100, &evidence)}) {
    if (!s.ok()) return s;
  }
  request.set_max_hops(hops);
  request.set_max_paths(paths);
  request.set_evidence_per_hop(evidence);
  if (absl::Status s = ParseTemporalOptions(args, &request); !s.ok()) return s;
  // Only --json prints the entities' aliases (see BuildTraverseRequest).
  request.set_entity_view(args.Has("json") ? v1::ENTITY_VIEW_FULL : v1::ENTITY_VIEW_BASIC);
  return request;
}

Command NeighborsCommand() {
  return {
      .name = "neighbors",
      .synopsis = "neighbors NAME... [options]",
      .summary = "Entities reached from some entities, by depth, and the relations followed",
      .details =
          "Follows statements breadth first from each NAME (a name or alias, or an id with\n"
          "--id) up to --depth steps. Prints the entities reached with their depth (0 for\n"
          "a NAME), then the relations followed: statements from ACTOR to TARGET that pass\n"
          "the filter, with their count, first and last date, mean Goldstein score (-10\n"
          "conflict .. +10 cooperation) and the ids of the newest (see `entente statement\n"
          "ID`). Says which limit cut the answer short, if one did.\n"
          "\n"
          "With --temporal, only what time-respecting chains reach: each hop dated no\n"
          "earlier than the one before (as for `path --temporal`), and each entity shows\n"
          "the earliest day one arrived. --start DATE starts the clock; --max-gap DAYS\n"
          "bounds the days between two hops. docs/queries.md, \"Time-respecting paths\",\n"
          "\"Traverse\", has the exact rule.\n"
          "\n"
          "--format csv prints the statements behind the relations instead: for each\n"
          "relation, busiest first, its --evidence newest statements (one call each,\n"
          "many at a time), one CSV row each with the columns of `statements --format\n"
          "csv` and the relation's edge_actor_id, edge_actor, edge_target_id,\n"
          "edge_target and edge_count. For the graph itself, see `entente export`.\n" +
          FilterDetails(),
      .options = WithFilterOptions(
          {
              {"depth", "N",
               absl::StrCat("steps from the NAMEs, 1..6 (default ", kDefaultDepth, ")")},
              kDirectionOption,
          },
          {
              {"max-nodes", "N", "stop after N entities (server default 1,000)"},
              {"max-edges", "N", "stop after N relations (server default 10,000)"},
              {"max-fanout", "N", "new neighbours taken per entity (server default 1,000)"},
              {"evidence", "N",
               absl::StrCat("statement ids per relation, 1..100 (default ", kDefaultEvidence, ")")},
              {"sources", "",
               "count each relation's independent sources (publishers) too: reads\n"
               "every statement followed, so it is slower on busy entities"},
              {"temporal", "", "time-respecting chains only; not with --sources"},
              {"start", "DATE", "with --temporal: the first hop on or after DATE"},
              {"max-gap", "DAYS", "with --temporal: at most DAYS between two hops"},
              RollupOption(),
              AsOfOption(),
              {"id", "", "the NAMEs are entity ids"},
              OutputFormatOption(),
              {"json", "", "print the server's answer as JSON lines (one per chunk)"},
          }),
      .examples =
          {
              "neighbors \"North Korea\" --depth 2 --code 19 --since 2014",
              "neighbors Russia Ukraine --depth 1 --quad mx --direction out",
              "neighbors --id 4 --max-nodes 100 --json",
              "neighbors \"North Korea\" --depth 3 --temporal --start 2024-10 --max-gap 30",
              "neighbors Russia --depth 1 --rollup country --quad mx",
              "neighbors \"North Korea\" --depth 1 --evidence 20 --format csv > nk-evidence.csv",
          },
      .run = RunNeighbors,
  };
}

Command PathCommand() {
  return {
      .name = "path",
      .synopsis = "path A B [options]",
      .summary = "The shortest chains of relations linking two entities, with evidence",
      .details =
          "Finds the shortest paths from A to B (names or aliases, or ids with --id) over\n"
          "statements that pass the filter, at most --max-hops long. Prints the distance,\n"
          "then each path and under each hop its number of statements and the newest\n"
          "few (date, actor, action [CAMEO code], target, quote).\n"
          "\n"
          "With --temporal, only time-respecting paths: each hop dated no earlier than the\n"
          "one before (a statement dated to a month or year may be any day of it), the\n"
          "best by MODE: earliest (arrival), latest (departure), fastest (fewest days\n"
          "from first to last hop) or shortest (fewest hops). Each hop shows the day it\n"
          "used. --start DATE starts the clock; --max-gap DAYS bounds the days between\n"
          "two hops. docs/queries.md, \"Time-respecting paths\", has the exact rule.\n"
          "\n"
          "--format csv prints the statements shown per hop, one CSV row each with the\n"
          "columns of `statements --format csv` and the path (1, 2, ...), hop (1 from A)\n"
          "and hop_count; a statement on a hop of several paths has a row per path.\n" +
          FilterDetails(),
      .options = WithFilterOptions(
          {
              {"max-hops", "N", absl::StrCat("longest path, 1..6 (default ", kDefaultHops, ")")},
              {"paths", "K",
               absl::StrCat("at most K shortest paths, 1..100 (default ", kDefaultPaths, ")")},
              kDirectionOption,
          },
          {
              {"evidence", "N",
               absl::StrCat("statements shown per hop, 1..100 (default ", kDefaultEvidence, ")")},
              {"sources", "", "count each hop's independent sources (publishers) too"},
              {"temporal", "MODE",
               "time-respecting paths only: earliest, latest, fastest or shortest"},
              {"start", "DATE", "with --temporal: the first hop on or after DATE"},
              {"max-gap", "DAYS", "with --temporal: at most DAYS between two hops"},
              RollupOption(),
              AsOfOption(),
              {"id", "", "A and B are entity ids"},
              OutputFormatOption(),
              {"json", "", "print the server's answer as one JSON object"},
          }),
      .examples =
          {
              "path \"South Korea\" Russia --max-hops 3",
              "path \"Mark Rutte\" Ukraine --evidence 10 --format csv > rutte-ukraine.csv",
              "path \"Yoon Suk Yeol\" \"Kim Jong Un\" --paths 10 --since 2024-10",
              "path Russia NATO --direction out --quad vx,mx",
              "path \"North Korea\" Ukraine --temporal earliest --start 2024-10 --max-gap 30",
              "path \"Yoon Suk Yeol\" Russia --rollup country",
          },
      .run = RunPath,
  };
}

}  // namespace entente::cli
