// gRPC adapter of entente.v1.IngestService.
#ifndef ENTENTE_SERVICE_INGEST_SERVICE_H_
#define ENTENTE_SERVICE_INGEST_SERVICE_H_

#include "entente/v1/ingest.grpc.pb.h"
#include "graph/ingestor.h"
#include "service/json_log.h"
#include "service/metrics.h"

namespace entente::service {

inline constexpr int kMaxStatementsPerRequest = 10000;
inline constexpr int kMaxStreamRejections = 1000;
inline constexpr int kMaxRetractIds = 10000;
inline constexpr int kMaxRetractDocuments = 100;

// Stateless: handlers run concurrently; the Ingestor serialises the writes.
class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  // `metrics`, if not null, counts the statements' outcomes; retractions are
  // logged to stderr in `log_format`.
  explicit IngestServiceImpl(graph::Ingestor* ingestor, Metrics* metrics = nullptr,
                             LogFormat log_format = LogFormat::kText)
      : ingestor_(ingestor), metrics_(metrics), log_format_(log_format) {}

  grpc::Status Ingest(grpc::ServerContext* ctx, const v1::IngestRequest* req,
                      v1::IngestResponse* resp) override;
  grpc::Status IngestStream(grpc::ServerContext* ctx,
                            grpc::ServerReader<v1::IngestRequest>* reader,
                            v1::IngestResponse* resp) override;
  grpc::Status Retract(grpc::ServerContext* ctx, const v1::RetractRequest* req,
                       v1::RetractResponse* resp) override;

 private:
  graph::Ingestor* const ingestor_;
  Metrics* const metrics_;
  const LogFormat log_format_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_INGEST_SERVICE_H_
