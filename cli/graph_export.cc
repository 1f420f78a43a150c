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

// The attributes GraphML and GEXF give a node and an edge, by name, in the
// order of their declarations.
using Attributes = std::vector<std::pair<const char*, std::string>>;

Attributes NodeAttributes(const ExportNode& n) {
  return {{"entity_id", absl::StrCat(n.id)},
          {"name", n.name},
          {"kind", n.kind},
          {"depth", absl::StrCat(n.depth)}};
}

Attributes EdgeAttributes(const ExportEdge& e) {
  return {{"count", absl::StrCat(e.count)},
          {"first", e.first},
          {"last", e.last},
          {"goldstein", FormatGoldstein(e.goldstein)}};
}

void AppendGraphMlKey(std::string* out, const char* id, const char* domain, const char* name,
                      const char* type) {
  absl::StrAppendFormat(out, "  <key id=\"%s\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n",
                        id, domain, name, type);
}

void AppendGraphMlData(std::string* out, const char* key, std::string_view value) {
  absl::StrAppend(out, "      <data key=\"", key, "\">", EscapeXml(value), "</data>\n");
}

// The first (or, with `last`, the last) day of the period a date as
// FormatDate writes it stands for: "2024-10" -> 2024-10-01 or 2024-10-31.
// GEXF's timeformat "date" wants whole days; "" for no date.
std::string GexfDay(const std::string& date, bool last) {
  auto parsed = ParseDate(date);
  if (!parsed.ok()) return "";
  v1::Date day = last ? EndOfPeriod(*parsed) : *parsed;
  if (day.month() == 0) day.set_month(1);
  if (day.day() == 0) day.set_day(1);
  return FormatDate(day);
}

// start="..." end="..." for an interval, nothing without one.
std::string GexfInterval(const std::string& start, const std::string& end) {
  if (start.empty()) return "";
  return absl::StrCat(" start=\"", start, "\" end=\"", end, "\"");
}

void AppendGexfAttribute(std::string* out, const char* id, const char* type) {
  absl::StrAppendFormat(out, "      <attribute id=\"%s\" title=\"%s\" type=\"%s\"/>\n", id, id,
                        type);
}

void AppendGexfValue(std::string* out, const char* id, std::string_view value) {
  absl::StrAppend(out, "          <attvalue for=\"", id, "\" value=\"", EscapeXml(value), "\"/>\n");
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
  if (text == "gexf") return ExportFormat::kGexf;
  if (text == "dot") return ExportFormat::kDot;
  if (text == "csv") return ExportFormat::kCsv;
  return absl::InvalidArgumentError("--format: '" + std::string(text) +
                                    "' is not one of graphml, gexf, dot, csv");
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

std::string ToGraphMl(const ExportGraph& graph) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
      "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
      "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  // Gephi and yEd map `label` and `weight` by name; the rest are ours.
  AppendGraphMlKey(&out, "label", "node", "label", "string");
  AppendGraphMlKey(&out, "entity_id", "node", "entity_id", "long");
  AppendGraphMlKey(&out, "name", "node", "name", "string");
  AppendGraphMlKey(&out, "kind", "node", "kind", "string");
  AppendGraphMlKey(&out, "depth", "node", "depth", "int");
  AppendGraphMlKey(&out, "weight", "edge", "weight", "double");
  AppendGraphMlKey(&out, "count", "edge", "count", "long");
  AppendGraphMlKey(&out, "first", "edge", "first", "string");
  AppendGraphMlKey(&out, "last", "edge", "last", "string");
  AppendGraphMlKey(&out, "goldstein", "edge", "goldstein", "double");
  out += "  <graph id=\"entente\" edgedefault=\"directed\">\n";
  for (const auto& n : graph.nodes) {
    absl::StrAppend(&out, "    <node id=\"", NodeId(n.id), "\">\n");
    AppendGraphMlData(&out, "label", n.name);
    for (const auto& [key, value] : NodeAttributes(n)) AppendGraphMlData(&out, key, value);
    out += "    </node>\n";
  }
  for (const auto& e : graph.edges) {
    absl::StrAppend(&out, "    <edge source=\"", NodeId(e.actor), "\" target=\"",
                    NodeId(e.target), "\">\n");
    AppendGraphMlData(&out, "weight", absl::StrCat(e.count));
    for (const auto& [key, value] : EdgeAttributes(e)) AppendGraphMlData(&out, key, value);
    out += "    </edge>\n";
  }
  out += "  </graph>\n</graphml>\n";
  return out;
}

std::string ToGexf(const ExportGraph& graph) {
  // Each edge's days, and each node's span over the edges it is an end of,
  // so that a node appears on Gephi's timeline with its first edge.
  std::vector<std::pair<std::string, std::string>> days;
  std::map<uint64_t, std::pair<std::string, std::string>> spans;
  for (const auto& e : graph.edges) {
    days.emplace_back(GexfDay(e.first, false), GexfDay(e.last, true));
    const auto& [start, end] = days.back();
    if (start.empty() || end.empty()) continue;
    for (uint64_t id : {e.actor, e.target}) {
      auto [it, added] = spans.emplace(id, days.back());
      if (added) continue;
      it->second.first = std::min(it->second.first, start);
      it->second.second = std::max(it->second.second, end);
    }
  }
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gexf xmlns=\"http://www.gexf.net/1.2draft\"\n"
      "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
      "    xsi:schemaLocation=\"http://www.gexf.net/1.2draft "
      "http://www.gexf.net/1.2draft/gexf.xsd\"\n"
      "    version=\"1.2\">\n"
      "  <meta>\n    <creator>entente</creator>\n  </meta>\n"
      "  <graph mode=\"dynamic\" defaultedgetype=\"directed\" timeformat=\"date\">\n"
      "    <attributes class=\"node\" mode=\"static\">\n";
  AppendGexfAttribute(&out, "entity_id", "long");
  AppendGexfAttribute(&out, "name", "string");
  AppendGexfAttribute(&out, "kind", "string");
  AppendGexfAttribute(&out, "depth", "integer");
  out += "    </attributes>\n    <attributes class=\"edge\" mode=\"static\">\n";
  AppendGexfAttribute(&out, "count", "long");
  AppendGexfAttribute(&out, "first", "string");
  AppendGexfAttribute(&out, "last", "string");
  AppendGexfAttribute(&out, "goldstein", "double");
  out += "    </attributes>\n    <nodes>\n";
  for (const auto& n : graph.nodes) {
    auto span = spans.find(n.id);
    absl::StrAppend(
        &out, "      <node id=\"", NodeId(n.id), "\" label=\"", EscapeXml(n.name), "\"",
        span == spans.end() ? "" : GexfInterval(span->second.first, span->second.second),
        ">\n        <attvalues>\n");
    for (const auto& [key, value] : NodeAttributes(n)) AppendGexfValue(&out, key, value);
    out += "        </attvalues>\n      </node>\n";
  }
  out += "    </nodes>\n    <edges>\n";
  for (size_t i = 0; i < graph.edges.size(); ++i) {
    const ExportEdge& e = graph.edges[i];
    const auto& [start, end] = days[i];
    absl::StrAppend(&out, "      <edge id=\"e", i, "\" source=\"", NodeId(e.actor), "\" target=\"",
                    NodeId(e.target), "\" weight=\"", e.count, "\"",
                    end.empty() ? "" : GexfInterval(start, end), ">\n        <attvalues>\n");
    for (const auto& [key, value] : EdgeAttributes(e)) AppendGexfValue(&out, key, value);
    out += "        </attvalues>\n      </edge>\n";
  }
  out += "    </edges>\n  </graph>\n</gexf>\n";
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
