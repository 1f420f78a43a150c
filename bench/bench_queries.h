// The shared benchmark's five query kinds (Q1-Q5), answered in-process
// through GraphReader, and their canonical answer encoding.
#ifndef ENTENTE_BENCH_BENCH_QUERIES_H_
#define ENTENTE_BENCH_BENCH_QUERIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/reader.h"

namespace entente::bench {

struct Query {
  std::string id;
  std::string kind;  // "Q1".."Q5"
  std::string entity, a, b;
  std::vector<std::string> relations;
  std::string t0, t1;  // YYYY-MM-DD, inclusive
  int max_hops = 4;
};

// Parses one line of queries.jsonl.
absl::StatusOr<Query> ParseQuery(const std::string& line);

// Answers `q` and returns the "answer" object of answers.jsonl as JSON.
absl::StatusOr<std::string> Answer(const graph::GraphReader& reader, const Query& q);

}  // namespace entente::bench

#endif  // ENTENTE_BENCH_BENCH_QUERIES_H_
