#include "service/ingest_service.h"

#include <vector>

#include "model/violations.h"
#include "service/convert.h"
#include "service/grpc_status.h"

namespace entente::service {
namespace {

grpc::Status CheckSize(const v1::IngestRequest& req) {
  if (req.statements_size() <= kMaxStatementsPerRequest) return grpc::Status::OK;
  return BadRequest({{"statements", "has " + std::to_string(req.statements_size()) +
                                        " statements; at most " +
                                        std::to_string(kMaxStatementsPerRequest) +
                                        " per request (use IngestStream for more)"}});
}

absl::StatusOr<graph::IngestOutcome> Apply(graph::Ingestor* ingestor,
                                           const v1::IngestRequest& req,
                                           model::NameResolution resolution,
                                           uint64_t index_base) {
  std::vector<model::StatementInput> batch;
  batch.reserve(req.statements_size());
  for (const auto& s : req.statements()) batch.push_back(FromProto(s));
  return ingestor->Ingest(batch, resolution, index_base);
}

// Adds the counts and, up to `max_rejections` in all, the rejections.
void AddTo(const graph::IngestOutcome& outcome, size_t max_rejections, v1::IngestResponse* resp) {
  resp->set_accepted(resp->accepted() + outcome.accepted);
  resp->set_duplicate(resp->duplicate() + outcome.duplicate);
  resp->set_rejected(resp->rejected() + outcome.rejected);
  for (const auto& r : outcome.rejections) {
    if (static_cast<size_t>(resp->rejections_size()) >= max_rejections) break;
    auto* out = resp->add_rejections();
    out->set_index(r.index);
    out->set_field(r.violations.front().field);
    out->set_description(r.violations.front().description);
    *out->mutable_status() = ToRpcStatus(model::InvalidArgument(r.violations));
  }
}

void Count(Metrics* metrics, const graph::IngestOutcome& outcome) {
  if (metrics != nullptr) {
    metrics->AddStatements(outcome.accepted, outcome.duplicate, outcome.rejected);
  }
}

}  // namespace

grpc::Status IngestServiceImpl::Ingest(grpc::ServerContext* ctx, const v1::IngestRequest* req,
                                       v1::IngestResponse* resp) {
  // A call refused by the concurrency limit (service/rpc_observer.cc) is
  // already failed for its client: it must not write.
  if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  if (grpc::Status s = CheckSize(*req); !s.ok()) return s;
  auto outcome = Apply(ingestor_, *req, FromProto(req->name_resolution()), 0);
  if (!outcome.ok()) return ToGrpcStatus(outcome.status());
  Count(metrics_, *outcome);
  if (!outcome->rejections.empty() &&
      outcome->rejected == static_cast<uint64_t>(req->statements_size())) {
    // Nothing was stored: fail the call, naming every violation.
    std::vector<model::FieldViolation> all;
    for (const auto& r : outcome->rejections) {
      all.insert(all.end(), r.violations.begin(), r.violations.end());
    }
    return BadRequest(all);
  }
  AddTo(*outcome, SIZE_MAX, resp);
  for (auto id : outcome->ids) resp->add_statement_ids(id);
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::IngestStream(grpc::ServerContext* ctx,
                                             grpc::ServerReader<v1::IngestRequest>* reader,
                                             v1::IngestResponse* resp) {
  v1::IngestRequest req;
  uint64_t index_base = 0;
  bool first = true;
  model::NameResolution resolution = model::NameResolution::kAlias;
  while (reader->Read(&req)) {
    if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    if (first) resolution = FromProto(req.name_resolution());
    first = false;
    if (grpc::Status s = CheckSize(req); !s.ok()) return s;
    auto outcome = Apply(ingestor_, req, resolution, index_base);
    if (!outcome.ok()) return ToGrpcStatus(outcome.status());
    Count(metrics_, *outcome);
    AddTo(*outcome, kMaxStreamRejections, resp);
    index_base += req.statements_size();
  }
  return grpc::Status::OK;
}

}  // namespace entente::service
