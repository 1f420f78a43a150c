// Checks GraphReader against ReferenceGraph: a world holding the same
// statements in a real store and in the reference, and one Check function
// per query type that runs a query on both and EXPECTs the same answer
// (gtest failures name the query). tests/graph/query_maker.h makes them.
#ifndef ENTENTE_TESTS_GRAPH_REFERENCE_CHECK_H_
#define ENTENTE_TESTS_GRAPH_REFERENCE_CHECK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "graph/ingestor.h"
#include "graph/reader.h"
#include "storage/store.h"
#include "tests/graph/reference_graph.h"
#include "tests/testing/temp_dir.h"

namespace entente::graph {

// A fresh store (with its seeded countries) and a reference graph, fed the
// same statements.
class World {
 public:
  absl::Status Open();

  // Ingests `batch` with `resolution` and adds every accepted statement to
  // the reference, its code as the Ingestor stores it (the given one, else
  // the lexicon's). Fails unless all are accepted.
  absl::Status Load(const std::vector<model::StatementInput>& batch,
                    model::NameResolution resolution);

  // Closes the store and opens it again, as a restarted server would (the
  // store keeps its claims and their window without being asked).
  absl::Status Reopen();

  // The id of a name given to Load(); 0 if unknown.
  model::EntityId IdOf(const std::string& name) const;

  // Retracts through the Ingestor and removes what it says it retracted
  // from the reference.
  absl::StatusOr<RetractOutcome> Retract(const std::vector<model::StatementId>& ids,
                                         const std::vector<std::string>& documents);

  Ingestor& ingestor() { return *ingestor_; }
  const storage::Store& store() const { return *store_; }
  const GraphReader& reader() const { return *reader_; }
  const ReferenceGraph& reference() const { return reference_; }

 private:
  entente::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<GraphReader> reader_;
  ReferenceGraph reference_;
  std::map<std::string, model::EntityId> ids_;
  // Each document's publisher, as its first statement gave it.
  std::map<std::string, std::string> publishers_;
};

// How many queries each Check ran, and how much their answers held (so a
// test that compares only empty answers shows).
struct Tally {
  int traverse = 0;
  int traverse_limited = 0;
  int paths = 0;
  int timeline = 0;
  int profile = 0;
  int list = 0;
  uint64_t nodes = 0;       // reached by the unlimited traversals
  uint64_t edges = 0;       // of the unlimited traversals
  int truncated = 0;        // limited traversals cut short
  int paths_found = 0;      // path queries with a distance
  int tied = 0;             // path queries with more than one path
  uint64_t buckets = 0;     // of the timelines
  uint64_t statements = 0;  // listed by ListStatements and timelines
  std::string ToString() const;
};

// Each runs `q` on `reader` and on `ref` and EXPECTs equal answers. The
// seeds, entities and pairs of the queries must be given by id.
void CheckTraverse(const GraphReader& reader, const ReferenceGraph& ref, const TraverseQuery& q,
                   Tally* tally);
// With limits that may cut the answer: it stays within them and within the
// reference, names a limit whenever it is incomplete, and is the whole
// reference answer when it names none.
void CheckLimitedTraverse(const GraphReader& reader, const ReferenceGraph& ref,
                          const TraverseQuery& q, Tally* tally);
// The group a raw entity stands for on a day (graph/groups.h), for checks
// of queries under roll-up, whose hops join groups while their statements
// name who acted.
using GroupFn = std::function<model::EntityId(model::EntityId raw, int32_t day)>;
void CheckPaths(const GraphReader& reader, const ReferenceGraph& ref, const PathQuery& q,
                Tally* tally, const GroupFn& group_of = nullptr);
void CheckTimeline(const GraphReader& reader, const ReferenceGraph& ref, const TimelineQuery& q,
                   Tally* tally);
void CheckProfile(const GraphReader& reader, const ReferenceGraph& ref, model::EntityId entity,
                  int top, Tally* tally, model::Rollup rollup = model::Rollup::kNone);
// Pages through every statement; `q.resume_after` must be empty.
void CheckList(const GraphReader& reader, const ReferenceGraph& ref, const StatementQuery& q,
               Tally* tally);

std::string Describe(const EdgeFilter& f);

}  // namespace entente::graph

#endif  // ENTENTE_TESTS_GRAPH_REFERENCE_CHECK_H_
