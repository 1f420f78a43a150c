// Writing a part of the graph (a traversal's neighbourhood, a set of paths)
// in formats other tools read: GraphML (networkx, Gephi, yEd), Graphviz DOT,
// and CSV node and edge lists (RFC 4180).
#ifndef ENTENTE_CLI_GRAPH_EXPORT_H_
#define ENTENTE_CLI_GRAPH_EXPORT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
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

enum class ExportFormat { kGraphMl, kDot, kCsv };

// "graphml", "dot" or "csv"; InvalidArgument naming --format otherwise.
absl::StatusOr<ExportFormat> ParseExportFormat(std::string_view text);

// A GraphML document: a directed graph, node ids "n" + entity id, with
// <key>s declaring the attributes and their types (node: entity_id long,
// name, kind, depth int; edge: count long, first, last, goldstein double).
std::string ToGraphMl(const ExportGraph& graph);

// A Graphviz digraph: nodes "n" + entity id labelled with the name, edges
// labelled with the count; the other attributes as DOT attributes.
std::string ToDot(const ExportGraph& graph);

// CSV with a header row and CRLF line ends:
// id,name,kind,depth and actor_id,target_id,actor,target,count,first,last,goldstein.
std::string NodesCsv(const ExportGraph& graph);
std::string EdgesCsv(const ExportGraph& graph);

// Escapers, exposed for tests. XML: &, <, >, " and ' as entities; control
// characters XML 1.0 forbids become U+FFFD. DOT: a double-quoted string with
// " and \ escaped and line breaks as \n. CSV: the field in double quotes
// (inner ones doubled) when it holds a comma, quote, CR or LF, else as is.
std::string EscapeXml(std::string_view text);
std::string QuoteDot(std::string_view text);
std::string QuoteCsv(std::string_view text);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_GRAPH_EXPORT_H_
