// Writing a part of the graph (a traversal's neighbourhood, a set of paths)
// in formats other tools read: GraphML (networkx, Gephi, yEd), GEXF (Gephi,
// with dated edges for its timeline), Graphviz DOT, and CSV node and edge
// lists (RFC 4180).
#ifndef ENTENTE_CLI_GRAPH_EXPORT_H_
#define ENTENTE_CLI_GRAPH_EXPORT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/csv.h"
#include "entente/v1/graph.pb.h"

namespace entente::cli {

struct ExportNode {
  uint64_t id = 0;
  std::string name;
  std::string kind;  // "country", ...; "" when not known.
  int depth = 0;     // Steps from a seed (traversal) or from A (path).
};

// The statements from `actor` to `target`, aggregated.
struct ExportEdge {
  uint64_t actor = 0;
  uint64_t target = 0;
  uint64_t count = 0;
  std::string first;  // Dates as "2024-10-22" (or "2024-10", "2024"); "" if unknown.
  std::string last;
  double goldstein = 0;  // Mean over classified statements; 0 if none.
};

// Nodes in the server's order; every edge's ends are nodes.
struct ExportGraph {
  std::vector<ExportNode> nodes;
  std::vector<ExportEdge> edges;
};

// A traversal's answer. An edge whose end the answer does not list (never
// expected) gets a node named "#ID" at depth -1.
ExportGraph GraphFromTraversal(const std::vector<v1::TraversedNode>& nodes,
                               const std::vector<v1::AggregatedEdge>& edges);

// The entities and hops of all paths, each once. A node's depth is its
// fewest hops from A over the paths. A hop becomes an edge from its
// from-entity to its to-entity with the hop's count; first, last and
// goldstein describe the statements the answer carries (evidence_per_hop
// of them, the newest), not all `count`.
ExportGraph GraphFromPaths(const v1::FindPathsResponse& response);

enum class ExportFormat { kGraphMl, kGexf, kDot, kCsv };

// "graphml", "gexf", "dot" or "csv"; InvalidArgument naming --format and
// the allowed values otherwise.
absl::StatusOr<ExportFormat> ParseExportFormat(std::string_view text);

// A GraphML document: a directed graph, node ids "n" + entity id, with
// <key>s declaring the attributes and their types (node: label, entity_id
// long, name, kind, depth int; edge: weight double, count long, first,
// last, goldstein double). `label` (the name) and `weight` (the count) are
// the keys Gephi and yEd map to a node's label and an edge's weight without
// being told; the others stay as they were for existing readers.
std::string ToGraphMl(const ExportGraph& graph);

// A GEXF 1.2 document (the version Gephi 0.8 and later and networkx read)
// of a dynamic directed graph with timeformat "date", so that Gephi's
// timeline plays it. Nodes: id "n" + entity id, label the name, attributes
// entity_id, name, kind, depth, and the interval of their edges. Edges:
// weight the count, attributes count, first, last, goldstein, and start/end
// the first day of `first` and the last day of `last` (a statement dated
// 2024-10 may be any day of October; a traversal's edges carry the first
// day of their statements' periods, so there it ends on the 1st). Dates are
// per edge, not per statement: a traversal returns an edge's first and last
// date, not each statement's. An edge without dates, and a node without
// dated edges, has no interval (Gephi shows it at every time).
std::string ToGexf(const ExportGraph& graph);

// A Graphviz digraph: nodes "n" + entity id labelled with the name, edges
// labelled with the count; the other attributes as DOT attributes.
std::string ToDot(const ExportGraph& graph);

// CSV with a header row and CRLF line ends:
// id,name,kind,depth and actor_id,target_id,actor,target,count,first,last,goldstein.
std::string NodesCsv(const ExportGraph& graph);
std::string EdgesCsv(const ExportGraph& graph);

// Escapers, exposed for tests (CSV's QuoteCsv is in cli/csv.h). XML: &, <,
// >, " and ' as entities; control characters XML 1.0 forbids become U+FFFD.
// DOT: a double-quoted string with " and \ escaped and line breaks as \n.
std::string EscapeXml(std::string_view text);
std::string QuoteDot(std::string_view text);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_GRAPH_EXPORT_H_
