// The gRPC side of the shared ICEWS benchmark: the same load and the same
// five query kinds as the in-process runner, through a running entente-server.
#ifndef ENTENTE_BENCH_GRPC_QUERIES_H_
#define ENTENTE_BENCH_GRPC_QUERIES_H_

#include <string>
#include <vector>

namespace entente::bench {

// entente-bench grpc-load --server HOST:PORT [--batch N] FILE...
int RunGrpcLoad(const std::vector<std::string>& args);

// entente-bench grpc-query --server HOST:PORT --queries FILE --out FILE [--clients N]
int RunGrpcQuery(const std::vector<std::string>& args);

}  // namespace entente::bench

#endif  // ENTENTE_BENCH_GRPC_QUERIES_H_
