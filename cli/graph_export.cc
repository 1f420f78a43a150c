#include "cli/graph_export.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/format.h"

namespace entente::cli {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

std::string NodeId(uint64_t id) { return absl::StrCat("n", id); }

// Means of scores with one decimal; three keep them readable and exact enough.
std::string FormatGoldstein(double g) { return absl::StrFormat("%.3f", g); }

// Adds a "#ID" node for every edge end the nodes do not list.
void AddMissingEnds(ExportGraph* graph) {
  std::set<uint64_t> known;
  for (const auto& n : graph->nodes) known.insert(n.id);
  for (const auto& e : graph->edges) {
    for (uint64_t id : {e.actor, e.target}) {
      if (known.insert(id).second) graph->nodes.push_back({id, absl::StrCat("#", id), "", -1});
    }
  }
}

void AppendGraphMlKey(std::string* out, const char* id, const char* domain, const char* name,
                      const char* type) {
  absl::StrAppendFormat(out, "  <key id=\"%s\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n",
                        id, domain, name, type);
}

void AppendGraphMlData(std::string* out, const char* key, std::string_view value) {
  absl::StrAppend(out, "      <data key=\"", key, "\">", EscapeXml(value), "</data>\n");
}

}  // namespace

ExportGraph GraphFromTraversal(const std::vector<v1::TraversedNode>& nodes,
                               const std::vector<v1::AggregatedEdge>& edges) {
  ExportGraph graph;
  for (const auto& n : nodes) {
    graph.nodes.push_back(
        {n.entity().id(), n.entity().name(), FormatKind(n.entity().kind()), n.depth()});
  }
  for (const auto& e : edges) {
    graph.edges.push_back({e.actor_id(), e.target_id(), e.count(), FormatDate(e.first_date()),
                           FormatDate(e.last_date()), e.mean_goldstein()});
  }
  AddMissingEnds(&graph);
  return graph;
}

ExportGraph GraphFromPaths(const v1::FindPathsResponse& response) {
  ExportGraph graph;
  std::map<uint64_t, size_t> node_index;
  std::map<std::pair<uint64_t, uint64_t>, size_t> edge_index;
  for (const v1::Path& path : response.paths()) {
    for (int i = 0; i < path.entities_size(); ++i) {
      const v1::Entity& e = path.entities(i);
      auto [it, added] = node_index.emplace(e.id(), graph.nodes.size());
      if (added) {
        graph.nodes.push_back({e.id(), e.name(), FormatKind(e.kind()), i});
      } else {
        graph.nodes[it->second].depth = std::min(graph.nodes[it->second].depth, i);
      }
    }
    for (const v1::PathHop& hop : path.hops()) {
      const auto key = std::make_pair(hop.from_id(), hop.to_id());
      if (!edge_index.emplace(key, graph.edges.size()).second) continue;
      ExportEdge edge{hop.from_id(), hop.to_id(), hop.count(), "", "", 0};
      double sum = 0;
      int classified = 0;
      for (const v1::Statement& s : hop.statements()) {
        const std::string date = FormatDate(s.date());
        // "2024-10" sorts before "2024-10-01", which is the order of first days.
        if (edge.first.empty() || date < edge.first) edge.first = date;
        if (edge.last.empty() || date > edge.last) edge.last = date;
        if (s.action().quad_class() != v1::QUAD_CLASS_UNSPECIFIED) {
          sum += s.action().goldstein();
          ++classified;
        }
      }
      if (classified > 0) edge.goldstein = sum / classified;
      graph.edges.push_back(std::move(edge));
    }
  }
  AddMissingEnds(&graph);
  return graph;
}

absl::StatusOr<ExportFormat> ParseExportFormat(std::string_view text) {
  if (text == "graphml") return ExportFormat::kGraphMl;
  if (text == "dot") return ExportFormat::kDot;
  if (text == "csv") return ExportFormat::kCsv;
  return absl::InvalidArgumentError("--format: '" + std::string(text) +
                                    "' is not one of graphml, dot, csv");
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F) {
          out += kReplacement;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string QuoteDot(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      continue;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string QuoteCsv(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ToGraphMl(const ExportGraph& graph) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
      "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
      "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  AppendGraphMlKey(&out, "entity_id", "node", "entity_id", "long");
  AppendGraphMlKey(&out, "name", "node", "name", "string");
  AppendGraphMlKey(&out, "kind", "node", "kind", "string");
  AppendGraphMlKey(&out, "depth", "node", "depth", "int");
  AppendGraphMlKey(&out, "count", "edge", "count", "long");
  AppendGraphMlKey(&out, "first", "edge", "first", "string");
  AppendGraphMlKey(&out, "last", "edge", "last", "string");
  AppendGraphMlKey(&out, "goldstein", "edge", "goldstein", "double");
  out += "  <graph id=\"entente\" edgedefault=\"directed\">\n";
  for (const auto& n : graph.nodes) {
    absl::StrAppend(&out, "    <node id=\"", NodeId(n.id), "\">\n");
    AppendGraphMlData(&out, "entity_id", absl::StrCat(n.id));
    AppendGraphMlData(&out, "name", n.name);
    AppendGraphMlData(&out, "kind", n.kind);
    AppendGraphMlData(&out, "depth", absl::StrCat(n.depth));
    out += "    </node>\n";
  }
  for (const auto& e : graph.edges) {
    absl::StrAppend(&out, "    <edge source=\"", NodeId(e.actor), "\" target=\"",
                    NodeId(e.target), "\">\n");
    AppendGraphMlData(&out, "count", absl::StrCat(e.count));
    AppendGraphMlData(&out, "first", e.first);
    AppendGraphMlData(&out, "last", e.last);
    AppendGraphMlData(&out, "goldstein", FormatGoldstein(e.goldstein));
    out += "    </edge>\n";
  }
  out += "  </graph>\n</graphml>\n";
  return out;
}

std::string ToDot(const ExportGraph& graph) {
  std::string out = "digraph entente {\n  node [shape=box];\n";
  for (const auto& n : graph.nodes) {
    absl::StrAppend(&out, "  ", NodeId(n.id), " [label=", QuoteDot(n.name),
                    ", kind=", QuoteDot(n.kind), ", depth=", n.depth, "];\n");
  }
  for (const auto& e : graph.edges) {
    absl::StrAppend(&out, "  ", NodeId(e.actor), " -> ", NodeId(e.target),
                    " [label=", QuoteDot(absl::StrCat(e.count)), ", count=", e.count,
                    ", first=", QuoteDot(e.first), ", last=", QuoteDot(e.last),
                    ", goldstein=", FormatGoldstein(e.goldstein), "];\n");
  }
  out += "}\n";
  return out;
}

std::string NodesCsv(const ExportGraph& graph) {
  std::string out = "id,name,kind,depth\r\n";
  for (const auto& n : graph.nodes) {
    absl::StrAppend(&out, n.id, ",", QuoteCsv(n.name), ",", QuoteCsv(n.kind), ",", n.depth,
                    "\r\n");
  }
  return out;
}

std::string EdgesCsv(const ExportGraph& graph) {
  std::map<uint64_t, std::string_view> names;
  for (const auto& n : graph.nodes) names[n.id] = n.name;
  std::string out = "actor_id,target_id,actor,target,count,first,last,goldstein\r\n";
  for (const auto& e : graph.edges) {
    absl::StrAppend(&out, e.actor, ",", e.target, ",", QuoteCsv(names[e.actor]), ",",
                    QuoteCsv(names[e.target]), ",", e.count, ",", QuoteCsv(e.first), ",",
                    QuoteCsv(e.last), ",", FormatGoldstein(e.goldstein), "\r\n");
  }
  return out;
}

}  // namespace entente::cli
