// ReferenceGraph: a plain in-memory list of statements with brute-force
// answers to every query of graph/reader.h, written from the contracts in
// proto/entente/v1/graph.proto and graph/analytics.h, not from the
// implementation. Correctness tests compare GraphReader against it.
//
// Every answer rescans all statements, so it is slow but obviously right:
// use it on test-sized graphs (thousands of statements) only.
//
// Thread-safety: const methods may run concurrently; Add() may not.
#ifndef ENTENTE_TESTS_GRAPH_REFERENCE_GRAPH_H_
#define ENTENTE_TESTS_GRAPH_REFERENCE_GRAPH_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "graph/analytics.h"
#include "graph/filter.h"
#include "model/types.h"

namespace entente::graph {

// A statement as the queries see it.
struct RefStatement {
  model::StatementId id = 0;
  model::EntityId actor = 0;
  model::EntityId target = 0;
  int32_t day = 0;   // first day of the statement's date
  std::string code;  // as stored; empty: unclassified
  double confidence = 1.0;
  model::Modality modality = model::Modality::kAsserted;  // as stored (never unspecified)
};

// Every statement from one actor to one target that a traversal followed.
struct RefEdge {
  uint64_t count = 0;
  int32_t first_day = 0;
  int32_t last_day = 0;
  double goldstein_sum = 0;
  uint64_t classified = 0;                     // statements with a code in the table
  std::vector<model::StatementId> statements;  // all of them, newest first
};

struct RefTraverse {
  std::map<model::EntityId, int> depth;  // every reached node
  std::map<std::pair<model::EntityId, model::EntityId>, RefEdge> edges;
};

struct RefHop {
  model::EntityId from = 0;
  model::EntityId to = 0;
  std::vector<model::StatementId> statements;  // all that support it, newest first
};

struct RefPaths {
  int distance = -1;                                // -1: none within max_hops
  std::vector<std::vector<model::EntityId>> paths;  // lexicographic, at most max_paths
  std::vector<std::vector<RefHop>> hops;            // per path
};

class ReferenceGraph {
 public:
  void Add(const RefStatement& s) { statements_.push_back(s); }
  // Forgets the statements `ids` (a retraction).
  void Remove(const std::set<model::StatementId>& ids) {
    std::erase_if(statements_, [&](const RefStatement& s) { return ids.count(s.id) > 0; });
  }
  const std::vector<RefStatement>& statements() const { return statements_; }

  // The contract of EdgeFilter (filter.proto): the inclusive window on the
  // first day, code prefixes, quad classes, minimum confidence and
  // modalities (unspecified standing for asserted), each non-empty one.
  static bool Matches(const EdgeFilter& f, const RefStatement& s);
  // True if `a` sorts before `b` newest first: by day, then id, descending.
  static bool NewerFirst(const RefStatement& a, const RefStatement& b);
  // Weeks start on Monday, months and years on their first day.
  static int32_t BucketStartOf(int32_t day, Granularity g);

  // The statements passing `f`, newest first.
  std::vector<const RefStatement*> Filtered(const EdgeFilter& f) const;

  // ListStatements: `entity`'s statements in `direction` that pass `f`,
  // newest first, a self-loop once.
  std::vector<model::StatementId> List(model::EntityId entity, model::Direction direction,
                                       const EdgeFilter& f) const;

  // Traverse without limits: depth is the BFS distance (<= max_depth) along
  // `direction`; the edges are the filtered statements with an endpoint
  // expanded (depth < max_depth) in the direction followed.
  RefTraverse Traverse(const std::vector<model::EntityId>& seeds, model::Direction direction,
                       const EdgeFilter& f, int max_depth) const;

  // Every shortest path within max_hops, in lexicographic order of the id
  // sequences, cut at max_paths; each hop with all its statements.
  RefPaths Paths(model::EntityId from, model::EntityId to, model::Direction direction,
                 const EdgeFilter& f, int max_hops, int max_paths) const;

  // The buckets between a and b (both directions), oldest first, and the
  // statements themselves, newest first.
  std::vector<TimelineBucket> Timeline(model::EntityId a, model::EntityId b, const EdgeFilter& f,
                                       Granularity g) const;
  std::vector<model::StatementId> DyadStatements(model::EntityId a, model::EntityId b,
                                                 const EdgeFilter& f) const;

  // The unfiltered profile; `top` counterparts by out + in desc, then id.
  EntityProfile Profile(model::EntityId entity, int top) const;

  // Entities that occur in a statement, most statements first.
  std::vector<model::EntityId> EntitiesByStatements() const;

 private:
  // Neighbours of each node along `direction` over the filtered statements.
  std::map<model::EntityId, std::set<model::EntityId>> Adjacency(model::Direction direction,
                                                                 const EdgeFilter& f) const;

  std::vector<RefStatement> statements_;
};

}  // namespace entente::graph

#endif  // ENTENTE_TESTS_GRAPH_REFERENCE_GRAPH_H_
