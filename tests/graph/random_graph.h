// Seeded random graphs and the random-query comparison with the reference
// that analytics_test.cc and retract_test.cc run on them.
#ifndef ENTENTE_TESTS_GRAPH_RANDOM_GRAPH_H_
#define ENTENTE_TESTS_GRAPH_RANDOM_GRAPH_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "model/types.h"
#include "tests/graph/reference_check.h"

namespace entente::graph {

// The queries one test runs, of each type.
struct Budget {
  int traverse = 0;
  int traverse_depth_cap = 3;
  int limited = 0;
  int paths = 0;
  int max_hops_cap = 5;
  int timeline = 0;
  int profile = 0;
  int list = 0;
};

struct GraphSpec {
  uint32_t seed;
  int entities;
  int statements;
};

void PrintTo(const GraphSpec& s, std::ostream* os);

// Statements over two years (2023-2024) between `entities` entities, hubs
// among the low numbers: dates to the day, month or year, codes from the
// taxonomy, unknown to it or none (some classified by the lexicon from the
// action text), confidences, modalities, self-loops and repeated rows (kept
// apart by their idempotency keys), from 50 documents "doc-0".."doc-49" of
// five publishers (some with none); some rows report an earlier one again a
// few days apart from another document, so that claims gather several
// statements and sources, and some are contested.
std::vector<model::StatementInput> RandomStatements(const GraphSpec& spec);

// Few statements between `entities` entities "T<seed>-0".. for the
// time-respecting path tests (whose reference enumerates every path): days
// within a few weeks around the turn of January 2024 so that hops often tie,
// mixed with dates to the month (December 2023, January or February 2024)
// and to the year (2023, 2024), whose periods overlap those days (mostly
// days for odd seeds, mostly months and years for even ones); codes
// from three roots, so that filters cut hops.
std::vector<model::StatementInput> RandomTemporalStatements(const GraphSpec& spec);

// The seeded countries (ids from 1) that no statement of `w` mentions.
std::vector<model::EntityId> Isolated(const World& w);

// Runs `budget` random queries over `w`, stopping at the first failing one.
void CheckRandomQueries(const World& w, const std::vector<model::EntityId>& isolated, uint32_t seed,
                        const Budget& budget, const std::string& label);

}  // namespace entente::graph

#endif  // ENTENTE_TESTS_GRAPH_RANDOM_GRAPH_H_
