// What the in-process and the gRPC runners of the shared ICEWS benchmark
// (../shared/bench/README.md) have in common: the queries, the canonical
// answer encoding, the timed pass, and the small command-line helpers.
#ifndef ENTENTE_BENCH_WORKLOAD_H_
#define ENTENTE_BENCH_WORKLOAD_H_

#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"

namespace entente::bench {

struct Query {
  std::string id;
  std::string kind;  // "Q1".."Q5"
  std::string entity, a, b;
  std::vector<std::string> relations;
  std::string t0, t1;  // YYYY-MM-DD, inclusive
  int max_hops = 4;
};

// One event as (d, s, r, o): sorting these gives the canonical order.
using Event = std::tuple<std::string, std::string, std::string, std::string>;

// The rows of one answer as they reached the client, before encoding:
// `events` for Q1, Q2 and Q5, `names` for Q3, `dist` for Q4.
struct Rows {
  std::vector<Event> events;
  std::vector<std::string> names;
  int dist = -1;
};

// The CAMEO codes the ICEWS loaders give the relations `relations` (the
// relation table first, then the lexicon, as formats::ReadIcewsTsv and the
// ingestor do), without repeats; empty if any relation gets none, since its
// statements are unclassified and a code filter would drop them. A Q2 sends
// them as code prefixes so the server skips other relations' index entries
// before reading any statement; the client still keeps only exact relations,
// because several relations share a code.
std::vector<std::string> CodesOfRelations(const std::vector<std::string>& relations);

// Parses one line of queries.jsonl.
absl::StatusOr<Query> ParseQuery(const std::string& line);

// Every query of a queries.jsonl file, in file order.
absl::StatusOr<std::vector<Query>> LoadQueries(const std::string& path);

// The "answer" object of answers.jsonl for `q`, as JSON: sorts `rows` into
// the canonical order and hashes them.
std::string EncodeAnswer(const Query& q, Rows rows);

// Nearest-rank percentile, as the shared benchlib.py.
double Percentile(std::vector<double> v, double p);

// Fetches the rows of one query; the part of a query that is timed.
using Fetcher = std::function<absl::StatusOr<Rows>(const Query&)>;

// Runs the measurement of the shared README: an untimed warm-up on the first
// 10 queries of each kind, then one timed pass over all of them in file
// order. Writes answers.jsonl with each query's latency in "ms" to
// `out_path` and prints the p50/p95 table to stdout.
absl::Status RunTimedPass(const std::vector<Query>& queries, const Fetcher& fetch,
                          const std::string& out_path);

// Command-line helpers: the value after `name`, or `def`.
std::string Flag(const std::vector<std::string>& args, const std::string& name,
                 const std::string& def = "");
// The arguments that are neither a --flag nor its value.
std::vector<std::string> Positional(const std::vector<std::string>& args);

}  // namespace entente::bench

#endif  // ENTENTE_BENCH_WORKLOAD_H_
