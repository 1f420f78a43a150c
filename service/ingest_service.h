// gRPC adapter of entente.v1.IngestService.
#ifndef ENTENTE_SERVICE_INGEST_SERVICE_H_
#define ENTENTE_SERVICE_INGEST_SERVICE_H_

#include "entente/v1/ingest.grpc.pb.h"
#include "graph/ingestor.h"
#include "graph/reader.h"
#include "service/json_log.h"
#include "service/metrics.h"

namespace entente::service {

inline constexpr int kMaxStatementsPerRequest = 10000;
inline constexpr int kMaxStreamRejections = 1000;
inline constexpr int kMaxRetractIds = 10000;
inline constexpr int kMaxRetractDocuments = 100;

class ReplicatedWrites;  // service/replicated_writes.h

// How one IngestRequest is applied: a whole Ingest call, or one message of
// an IngestStream (its rejections counted from index_base, at most
// kMaxStreamRejections kept, no statement ids, never failed for its
// rejections).
struct IngestPart {
  model::NameResolution resolution = model::NameResolution::kAlias;
  uint64_t index_base = 0;
  bool whole_call = true;
  // Of a whole call, one of the parts the replicated log split it into
  // (service/replicated_writes.h): answered like a whole call (ids, every
  // rejection) but never failed, since the call's other parts may store.
  bool one_of_several = false;
};

// The writes of Ingest and Retract on this server's store, shared by the
// handlers (without replication) and the replicated log's follower
// (service/replicated_writes.h), which must give every node the same
// result. `*answer` is the call's status (OK, or INVALID_ARGUMENT when every
// statement of a whole call was rejected). Not OK if the store failed:
// nothing was stored then.
absl::Status IngestLocally(graph::Ingestor* ingestor, Metrics* metrics,
                           const v1::IngestRequest& req, const IngestPart& part,
                           grpc::Status* answer, v1::IngestResponse* resp);
absl::Status RetractLocally(graph::Ingestor* ingestor, const v1::RetractRequest& req,
                            v1::RetractResponse* resp);

// The writes of who is who on this server's store (groups_service.cc), as
// IngestLocally; `caller` is the name the call's token gives (the origin of
// a membership, who merged). The request's answer, errors included, in
// `*answer`; not OK only if the store failed.
absl::Status SetMembershipLocally(graph::Ingestor* ingestor, const graph::GraphReader& reader,
                                  const v1::SetMembershipRequest& req, const std::string& caller,
                                  grpc::Status* answer, v1::SetMembershipResponse* resp);
absl::Status RemoveMembershipLocally(graph::Ingestor* ingestor, const graph::GraphReader& reader,
                                     const v1::RemoveMembershipRequest& req,
                                     const std::string& caller, grpc::Status* answer,
                                     v1::RemoveMembershipResponse* resp);
absl::Status MergeEntitiesLocally(graph::Ingestor* ingestor, const graph::GraphReader& reader,
                                  const v1::MergeEntitiesRequest& req, const std::string& caller,
                                  grpc::Status* answer, v1::MergeEntitiesResponse* resp);
absl::Status UnmergeEntitiesLocally(graph::Ingestor* ingestor, const graph::GraphReader& reader,
                                    const v1::UnmergeEntitiesRequest& req,
                                    const std::string& caller, grpc::Status* answer,
                                    v1::UnmergeEntitiesResponse* resp);

// Stateless: handlers run concurrently; the Ingestor serialises the writes.
class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  // `reader` resolves the names that the writes of who is who give.
  // `metrics`, if not null, counts the statements' outcomes; retractions are
  // logged to stderr in `log_format`.
  // `replicated`, if not null, takes every write through the replicated
  // log (--replication).
  IngestServiceImpl(graph::Ingestor* ingestor, const graph::GraphReader* reader,
                    Metrics* metrics = nullptr, LogFormat log_format = LogFormat::kText,
                    ReplicatedWrites* replicated = nullptr)
      : ingestor_(ingestor),
        reader_(reader),
        metrics_(metrics),
        log_format_(log_format),
        replicated_(replicated) {}

  grpc::Status Ingest(grpc::ServerContext* ctx, const v1::IngestRequest* req,
                      v1::IngestResponse* resp) override;
  grpc::Status IngestStream(grpc::ServerContext* ctx,
                            grpc::ServerReader<v1::IngestRequest>* reader,
                            v1::IngestResponse* resp) override;
  grpc::Status Retract(grpc::ServerContext* ctx, const v1::RetractRequest* req,
                       v1::RetractResponse* resp) override;
  // Who is who (groups.proto), in groups_service.cc.
  grpc::Status SetMembership(grpc::ServerContext* ctx, const v1::SetMembershipRequest* req,
                             v1::SetMembershipResponse* resp) override;
  grpc::Status RemoveMembership(grpc::ServerContext* ctx, const v1::RemoveMembershipRequest* req,
                                v1::RemoveMembershipResponse* resp) override;
  grpc::Status MergeEntities(grpc::ServerContext* ctx, const v1::MergeEntitiesRequest* req,
                             v1::MergeEntitiesResponse* resp) override;
  grpc::Status UnmergeEntities(grpc::ServerContext* ctx, const v1::UnmergeEntitiesRequest* req,
                               v1::UnmergeEntitiesResponse* resp) override;

 private:
  graph::Ingestor* const ingestor_;
  const graph::GraphReader* const reader_;
  Metrics* const metrics_;
  const LogFormat log_format_;
  ReplicatedWrites* const replicated_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_INGEST_SERVICE_H_
