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
#include "graph/temporal_paths.h"
#include "model/claim.h"
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
  // For claims (docs/claims.md): the last day of the date's period, the
  // action text (the subject of an unclassified statement) and the
  // independent source (model::IndependentSourceOf of its document).
  int32_t last_day = 0;
  std::string action_text;
  std::string source;
  // Set by the ReferenceGraph: the independent sources of the statement's
  // claim, and whether that claim is contested.
  uint64_t claim_sources = 0;
  bool claim_contested = false;
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

// Time-respecting paths (graph/temporal_paths.h, docs/queries.md).
struct RefTemporalHop {
  model::EntityId from = 0;
  model::EntityId to = 0;
  int32_t day = 0;                             // the day the hop used
  std::vector<model::StatementId> statements;  // all that give it that day, newest first
};

struct RefTemporalPath {
  std::vector<model::EntityId> entities;
  std::vector<RefTemporalHop> hops;
  int32_t departure = 0;
  int32_t arrival = 0;
};

struct RefTemporalPaths {
  int distance = -1;  // -1: none within max_hops
  // Of the first path in the mode's order.
  int32_t departure = 0;
  int32_t arrival = 0;
  int32_t duration = 0;
  std::vector<RefTemporalPath> paths;  // lexicographic, at most max_paths
};

// A time-respecting traversal (graph/temporal_paths.h, TemporalTraverse).
struct RefTemporalTraverse {
  std::map<model::EntityId, int> depth;        // every reached node
  std::map<model::EntityId, int32_t> arrival;  // every reached node but the seeds
  std::map<std::pair<model::EntityId, model::EntityId>, RefEdge> edges;
};

class ReferenceGraph {
 public:
  // Claims group statements within `window_days` (model::DaysMatch).
  explicit ReferenceGraph(int32_t claim_window_days = model::kDefaultClaimWindowDays)
      : claim_window_(claim_window_days) {}

  // Adds `s` and finds the claims of its subject again.
  void Add(const RefStatement& s);
  // Forgets the statements `ids` (a retraction) and finds the claims of
  // their subjects again.
  void Remove(const std::set<model::StatementId>& ids);
  const std::vector<RefStatement>& statements() const { return statements_; }

  // The contract of EdgeFilter (filter.proto): the inclusive window on the
  // first day, code prefixes, quad classes, minimum confidence and
  // modalities (unspecified standing for asserted), each non-empty one;
  // and the claim criteria: at least min_sources independent sources in
  // the statement's claim, contested or not.
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

  // Every simple path of statements up to max_hops, its clock applied as
  // docs/queries.md defines it; each entity sequence represented by its
  // best statement choice (then its smallest used days); the sequences
  // that tie with the best on the mode's objective and hops (kShortest:
  // and arrival), in lexicographic order, cut at max_paths.
  RefTemporalPaths TemporalPaths(model::EntityId from, model::EntityId to,
                                 model::Direction direction, const EdgeFilter& f,
                                 const TemporalOptions& o, int max_hops, int max_paths) const;

  // Time-respecting Traverse without limits, from docs/queries.md: depth
  // and arrival over every simple time-respecting path from a seed without
  // a gap, over every walk with one (a walk may repeat entities and
  // statements); edges from every statement that is the last hop of a walk
  // of at most max_depth hops.
  RefTemporalTraverse TemporalTraverse(const std::vector<model::EntityId>& seeds,
                                       model::Direction direction, const EdgeFilter& f,
                                       const TemporalOptions& o, int max_depth) const;

  // The distinct independent sources of the statements `ids`.
  uint64_t SourcesOf(const std::vector<model::StatementId>& ids) const;

  // The buckets between a and b (both directions), oldest first, with their
  // distinct sources, and the statements themselves, newest first.
  std::vector<TimelineBucket> Timeline(model::EntityId a, model::EntityId b, const EdgeFilter& f,
                                       Granularity g) const;
  std::vector<model::StatementId> DyadStatements(model::EntityId a, model::EntityId b,
                                                 const EdgeFilter& f) const;

  // The unfiltered profile; `top` counterparts by out + in desc, then id.
  // With the sources of the entity and of each counterpart (the statements
  // between them, both directions).
  EntityProfile Profile(model::EntityId entity, int top) const;

  // Entities that occur in a statement, most statements first.
  std::vector<model::EntityId> EntitiesByStatements() const;

 private:
  // Neighbours of each node along `direction` over the filtered statements.
  std::map<model::EntityId, std::set<model::EntityId>> Adjacency(model::Direction direction,
                                                                 const EdgeFilter& f) const;

  // Sets claim_sources and claim_contested on every statement of
  // `like`'s subject, grouping them by brute force: every pair that
  // DaysMatch is linked, and a claim is a connected set.
  void FindClaims(const RefStatement& like);

  int32_t claim_window_;
  std::vector<RefStatement> statements_;
};

}  // namespace entente::graph

#endif  // ENTENTE_TESTS_GRAPH_REFERENCE_GRAPH_H_
