// The soak: many concurrent gRPC clients writing and reading against one
// running entente-server for a bounded time, to show that under sustained
// mixed load no call fails and the server's memory stays bounded
// (tests/load/soak_test.cc runs it in CI; bench/README.md lists figures).
#ifndef ENTENTE_BENCH_SOAK_H_
#define ENTENTE_BENCH_SOAK_H_

#include <string>
#include <vector>

namespace entente::bench {

// entente-bench soak --server HOST:PORT [--clients 16] [--seconds 20]
//                    [--writers N] [--entities 512] [--batch 50]
// Prints calls/s and p50/p95/p99 latency per kind of call and the errors by
// status code. Exit code 0 only if no call failed.
int RunSoak(const std::vector<std::string>& args);

}  // namespace entente::bench

#endif  // ENTENTE_BENCH_SOAK_H_
