// entente export: a neighbourhood or the paths between two entities as
// GraphML, GEXF, Graphviz DOT or CSV, for other tools.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/graph_export.h"
#include "cli/graph_requests.h"
#include "entente/v1/graph.grpc.pb.h"

namespace entente::cli {
namespace {

// The options of a query command without --json, which export replaces.
std::vector<OptionSpec> QueryOptions(const Command& command) {
  std::vector<OptionSpec> out;
  for (const auto& o : command.options) {
    if (o.name != "json") out.push_back(o);
  }
  return out;
}

// The options of `export`: its own, then those of neighbors and of path.
std::vector<OptionSpec> ExportOptions() {
  std::vector<OptionSpec> out = {
      {"format", "FORMAT", "graphml, gexf, dot or csv (required)"},
      {"out", "FILE|PREFIX",
       "write to FILE (default: standard output); for csv, write PREFIX-nodes.csv and\n"
       "PREFIX-edges.csv (required)"},
  };
  std::set<std::string> seen;
  for (const auto& o : out) seen.insert(o.name);
  for (const Command& c : {NeighborsCommand(), PathCommand()}) {
    for (auto& o : QueryOptions(c)) {
      if (seen.insert(o.name).second) out.push_back(std::move(o));
    }
  }
  return out;
}

// Usage error text if an option given is not one of `command`'s.
std::string ForeignOption(const ParsedArgs& args, const Command& command) {
  std::set<std::string> own = {"format", "out"};
  for (const auto& o : command.options) own.insert(o.name);
  for (const auto& o : ExportOptions()) {
    if (!own.count(o.name) && args.Has(o.name)) {
      return absl::StrCat("--", o.name, " does not apply to 'export ", command.name, "'");
    }
  }
  return "";
}

ExportGraph FetchNeighbors(const Context& ctx, const v1::TraverseRequest& request,
                           grpc::Status* status, std::string* truncated) {
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  auto reader = stub->Traverse(&call, request);
  std::vector<v1::TraversedNode> nodes;
  std::vector<v1::AggregatedEdge> edges;
  v1::TraverseResponse chunk;
  while (reader->Read(&chunk)) {
    if (chunk.done()) *truncated = chunk.truncated();
    for (auto& n : *chunk.mutable_nodes()) nodes.push_back(std::move(n));
    for (auto& e : *chunk.mutable_edges()) edges.push_back(std::move(e));
  }
  *status = reader->Finish();
  return GraphFromTraversal(nodes, edges);
}

ExportGraph FetchPaths(const Context& ctx, const v1::FindPathsRequest& request,
                       grpc::Status* status) {
  auto stub = v1::GraphService::NewStub(ctx.channel());
  grpc::ClientContext call;
  Context::SetUnaryDeadline(&call);
  v1::FindPathsResponse response;
  *status = stub->FindPaths(&call, request, &response);
  return GraphFromPaths(response);
}

// Writes `text` to `path`; false (after telling why on stderr) if it fails.
bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out.is_open()) out << text;
  if (!out.is_open() || !out.flush()) {
    absl::FPrintF(stderr, "entente: export: cannot write %s: %s\n", path, std::strerror(errno));
    return false;
  }
  return true;
}

// Writes the graph as asked; the names of the files written, or nothing on
// failure (after telling why).
std::vector<std::string> Write(const ExportGraph& graph, ExportFormat format,
                               const std::string& out) {
  if (format == ExportFormat::kCsv) {
    const std::string nodes = out + "-nodes.csv", edges = out + "-edges.csv";
    if (!WriteFile(nodes, NodesCsv(graph)) || !WriteFile(edges, EdgesCsv(graph))) return {};
    return {nodes, edges};
  }
  const std::string text = format == ExportFormat::kGraphMl ? ToGraphMl(graph)
                           : format == ExportFormat::kGexf  ? ToGexf(graph)
                                                            : ToDot(graph);
  if (out.empty() || out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return {"standard output"};
  }
  if (!WriteFile(out, text)) return {};
  return {out};
}

int RunExport(const Context& ctx, const ParsedArgs& args) {
  const auto& positional = args.positional();
  if (positional.empty() || (positional[0] != "neighbors" && positional[0] != "path")) {
    return UsageError("export", "expected 'neighbors NAME...' or 'path A B'");
  }
  if (!args.Has("format")) return UsageError("export", "--format is required");
  auto format = ParseExportFormat(args.Get("format"));
  if (!format.ok()) return UsageError("export", std::string(format.status().message()));
  const std::string out = args.Get("out");
  if (*format == ExportFormat::kCsv && (out.empty() || out == "-")) {
    return UsageError("export", "--format csv writes two files: give --out PREFIX");
  }
  const bool neighbors = positional[0] == "neighbors";
  const std::string foreign = ForeignOption(args, neighbors ? NeighborsCommand() : PathCommand());
  if (!foreign.empty()) return UsageError("export", foreign);
  const std::vector<std::string> names(positional.begin() + 1, positional.end());

  grpc::Status status;
  std::string truncated;
  ExportGraph graph;
  if (neighbors) {
    auto request = BuildTraverseRequest(args, names);
    if (!request.ok()) return UsageError("export", std::string(request.status().message()));
    graph = FetchNeighbors(ctx, *request, &status, &truncated);
  } else {
    auto request = BuildPathsRequest(args, names);
    if (!request.ok()) return UsageError("export", std::string(request.status().message()));
    graph = FetchPaths(ctx, *request, &status);
  }
  if (!status.ok()) return ctx.ReportError(status, "export failed: ");
  const std::vector<std::string> written = Write(graph, *format, out);
  if (written.empty()) return kExitRpcError;
  absl::FPrintF(stderr, "exported %d node%s and %d edge%s to %s\n", graph.nodes.size(),
                graph.nodes.size() == 1 ? "" : "s", graph.edges.size(),
                graph.edges.size() == 1 ? "" : "s", absl::StrJoin(written, " and "));
  if (!truncated.empty()) {
    absl::FPrintF(stderr, "truncated by %s: raise --%s for more\n", truncated,
                  truncated == "max_nodes"   ? "max-nodes"
                  : truncated == "max_edges" ? "max-edges"
                                             : "max-fanout");
  }
  return kExitOk;
}

}  // namespace

Command ExportCommand() {
  return {
      .name = "export",
      .synopsis =
          "export neighbors NAME... | path A B --format graphml|gexf|dot|csv "
          "[--out FILE] [options]",
      .summary =
          "Write a neighbourhood or the paths between two entities as GraphML, GEXF, DOT or CSV",
      .details =
          "'export neighbors' sends what `entente neighbors` sends (same options: --depth,\n"
          "--direction, the filter and the limits) and 'export path' what `entente path`\n"
          "sends (--max-hops, --paths, ...), and writes the answer as a graph:\n"
          "  nodes  the entities: id, name, kind, depth (steps from a NAME, or from A)\n"
          "  edges  ACTOR -> TARGET: count of statements, first and last date, mean\n"
          "         Goldstein score. For a path, an edge is a hop in the path's direction,\n"
          "         and the dates and score are those of the statements shown per hop\n"
          "         (--evidence), not of all `count`.\n"
          "Formats:\n"
          "  graphml  GraphML with typed attributes (networkx.read_graphml, Gephi, yEd);\n"
          "           'label' (the name) and 'weight' (the count) are what Gephi and\n"
          "           yEd show as a node's label and use as an edge's weight\n"
          "  gexf     GEXF 1.2, a dynamic graph for Gephi: each edge lives from the first\n"
          "           day of its first date to the last day of its last, each node from\n"
          "           its first edge to its last, so Gephi's timeline (Window > Timeline)\n"
          "           plays it. A path's 2024-10 ends on October 31; a neighbourhood's\n"
          "           dates are those of `neighbors`, the first day of their period\n"
          "  dot      a Graphviz digraph, labelled with names and counts (dot -Tsvg)\n"
          "  csv      PREFIX-nodes.csv (id,name,kind,depth) and PREFIX-edges.csv\n"
          "           (actor_id,target_id,actor,target,count,first,last,goldstein), RFC 4180\n"
          "Tells on stderr how many nodes and edges it wrote, and which limit cut a\n"
          "neighbourhood short, if one did.\n",
      .options = ExportOptions(),
      .examples =
          {
              "export neighbors \"North Korea\" --depth 2 --format graphml --out nk.graphml",
              "export neighbors Russia --depth 1 --quad mx --format dot | dot -Tsvg > ru.svg",
              "export neighbors China --depth 2 --since 2014 --format gexf --out china.gexf",
              "export path \"South Korea\" Russia --max-hops 3 --format csv --out kr-ru",
          },
      .run = RunExport,
  };
}

}  // namespace entente::cli
