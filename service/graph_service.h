// gRPC adapter of entente.v1.GraphService.
#ifndef ENTENTE_SERVICE_GRAPH_SERVICE_H_
#define ENTENTE_SERVICE_GRAPH_SERVICE_H_

#include "entente/v1/graph.grpc.pb.h"
#include "graph/reader.h"

namespace entente::service {

class ReplicatedWrites;  // service/replicated_writes.h
class ServerInfo;        // service/server_info.h

// Stateless: handlers run concurrently.
class GraphServiceImpl final : public v1::GraphService::Service {
 public:
  // `replicated`, if not null, is the replicated log that requests'
  // min_log_sequence waits for (--replication). `info`, if not null, is
  // what GetServerInfo answers (else UNIMPLEMENTED).
  explicit GraphServiceImpl(const graph::GraphReader* reader,
                            const ReplicatedWrites* replicated = nullptr,
                            const ServerInfo* info = nullptr)
      : reader_(reader), replicated_(replicated), info_(info) {}

  grpc::Status GetEntity(grpc::ServerContext* ctx, const v1::GetEntityRequest* req,
                         v1::Entity* resp) override;
  grpc::Status SearchEntities(grpc::ServerContext* ctx, const v1::SearchEntitiesRequest* req,
                              v1::SearchEntitiesResponse* resp) override;
  grpc::Status ListStatements(grpc::ServerContext* ctx, const v1::ListStatementsRequest* req,
                              v1::ListStatementsResponse* resp) override;
  grpc::Status GetStatement(grpc::ServerContext* ctx, const v1::GetStatementRequest* req,
                            v1::Statement* resp) override;
  grpc::Status Traverse(grpc::ServerContext* ctx, const v1::TraverseRequest* req,
                        grpc::ServerWriter<v1::TraverseResponse>* writer) override;
  grpc::Status FindPaths(grpc::ServerContext* ctx, const v1::FindPathsRequest* req,
                         v1::FindPathsResponse* resp) override;
  grpc::Status WatchStatements(grpc::ServerContext* ctx, const v1::WatchStatementsRequest* req,
                               grpc::ServerWriter<v1::WatchStatementsResponse>* writer) override;
  grpc::Status GetRelationTimeline(grpc::ServerContext* ctx,
                                   const v1::GetRelationTimelineRequest* req,
                                   v1::GetRelationTimelineResponse* resp) override;
  grpc::Status GetEntityProfile(grpc::ServerContext* ctx, const v1::GetEntityProfileRequest* req,
                                v1::GetEntityProfileResponse* resp) override;
  grpc::Status ListClaims(grpc::ServerContext* ctx, const v1::ListClaimsRequest* req,
                          v1::ListClaimsResponse* resp) override;
  grpc::Status GetClaim(grpc::ServerContext* ctx, const v1::GetClaimRequest* req,
                        v1::GetClaimResponse* resp) override;
  // In groups_service.cc, with the writes of who is who.
  grpc::Status ListMerges(grpc::ServerContext* ctx, const v1::ListMergesRequest* req,
                          v1::ListMergesResponse* resp) override;
  grpc::Status ListMemberships(grpc::ServerContext* ctx, const v1::ListMembershipsRequest* req,
                               v1::ListMembershipsResponse* resp) override;
  // In server_info.cc.
  grpc::Status GetServerInfo(grpc::ServerContext* ctx, const v1::GetServerInfoRequest* req,
                             v1::GetServerInfoResponse* resp) override;

 private:
  // OK once this server applied the log up to `min_log_sequence` (0: at
  // once); else the error the call returns.
  grpc::Status AwaitLog(const grpc::ServerContext& ctx, uint64_t min_log_sequence) const;

  const graph::GraphReader* const reader_;
  const ReplicatedWrites* const replicated_;
  const ServerInfo* const info_;
};

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_GRAPH_SERVICE_H_
