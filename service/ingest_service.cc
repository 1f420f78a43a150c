#include "service/ingest_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/violations.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "service/replicated_writes.h"

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

// Every violation of the RetractRequest contract (ingest.proto).
std::vector<model::FieldViolation> CheckRetract(const v1::RetractRequest& req) {
  constexpr size_t kMaxDocumentIdBytes = 2048;
  constexpr size_t kMaxReasonBytes = 1024;
  std::vector<model::FieldViolation> out;
  if (req.statement_ids_size() == 0 && req.document_ids_size() == 0) {
    out.push_back({"statement_ids", "give at least one statement id or document id"});
  }
  if (req.statement_ids_size() > kMaxRetractIds) {
    out.push_back({"statement_ids", "has " + std::to_string(req.statement_ids_size()) +
                                        " ids; at most " + std::to_string(kMaxRetractIds) +
                                        " per request"});
  }
  if (req.document_ids_size() > kMaxRetractDocuments) {
    out.push_back({"document_ids", "has " + std::to_string(req.document_ids_size()) +
                                       " documents; at most " +
                                       std::to_string(kMaxRetractDocuments) + " per request"});
  }
  for (int i = 0; i < req.statement_ids_size(); ++i) {
    if (req.statement_ids(i) == 0) {
      out.push_back({"statement_ids[" + std::to_string(i) + "]", "0 is not a statement id"});
    }
  }
  for (int i = 0; i < req.document_ids_size(); ++i) {
    const std::string field = "document_ids[" + std::to_string(i) + "]";
    if (req.document_ids(i).empty()) out.push_back({field, "must not be empty"});
    if (req.document_ids(i).size() > kMaxDocumentIdBytes) {
      out.push_back({field, "is longer than " + std::to_string(kMaxDocumentIdBytes) + " bytes"});
    }
  }
  if (req.reason().size() > kMaxReasonBytes) {
    out.push_back({"reason", "is longer than " + std::to_string(kMaxReasonBytes) + " bytes"});
  }
  return out;
}

}  // namespace

absl::Status IngestLocally(graph::Ingestor* ingestor, Metrics* metrics,
                           const v1::IngestRequest& req, const IngestPart& part,
                           grpc::Status* answer, v1::IngestResponse* resp) {
  auto outcome = Apply(ingestor, req, part.resolution, part.index_base);
  if (!outcome.ok()) return outcome.status();
  Count(metrics, *outcome);
  *answer = grpc::Status::OK;
  if (!part.whole_call) {
    AddTo(*outcome, kMaxStreamRejections, resp);
    return absl::OkStatus();
  }
  if (!part.one_of_several && !outcome->rejections.empty() &&
      outcome->rejected == static_cast<uint64_t>(req.statements_size())) {
    // Nothing was stored: fail the call, naming every violation.
    std::vector<model::FieldViolation> all;
    for (const auto& r : outcome->rejections) {
      all.insert(all.end(), r.violations.begin(), r.violations.end());
    }
    *answer = BadRequest(all);
    return absl::OkStatus();
  }
  AddTo(*outcome, SIZE_MAX, resp);
  for (auto id : outcome->ids) resp->add_statement_ids(id);
  return absl::OkStatus();
}

absl::Status RetractLocally(graph::Ingestor* ingestor, const v1::RetractRequest& req,
                            v1::RetractResponse* resp) {
  const std::vector<model::StatementId> ids(req.statement_ids().begin(), req.statement_ids().end());
  const std::vector<std::string> documents(req.document_ids().begin(), req.document_ids().end());
  auto outcome = ingestor->Retract(ids, documents, req.reason());
  if (!outcome.ok()) return outcome.status();
  resp->set_retracted(outcome->retracted.size());
  for (auto id : outcome->retracted) resp->add_retracted_ids(id);
  for (auto id : outcome->ids_not_found) resp->add_not_found_statement_ids(id);
  for (const auto& d : outcome->documents_not_found) resp->add_not_found_document_ids(d);
  return absl::OkStatus();
}

grpc::Status IngestServiceImpl::Ingest(grpc::ServerContext* ctx, const v1::IngestRequest* req,
                                       v1::IngestResponse* resp) {
  // A call refused by the concurrency limit (service/rpc_observer.cc) is
  // already failed for its client: it must not write.
  if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  if (grpc::Status s = CheckSize(*req); !s.ok()) return s;
  const IngestPart part{FromProto(req->name_resolution()), 0, true};
  if (replicated_ != nullptr) return replicated_->Ingest(ctx, *req, part, resp);
  grpc::Status answer;
  if (absl::Status st = IngestLocally(ingestor_, metrics_, *req, part, &answer, resp); !st.ok()) {
    return ToGrpcStatus(st);
  }
  return answer;
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
    const IngestPart part{resolution, index_base, false};
    if (replicated_ != nullptr) {
      if (grpc::Status s = replicated_->Ingest(ctx, req, part, resp); !s.ok()) return s;
    } else {
      grpc::Status answer;
      if (absl::Status st = IngestLocally(ingestor_, metrics_, req, part, &answer, resp);
          !st.ok()) {
        return ToGrpcStatus(st);
      }
    }
    index_base += req.statements_size();
  }
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::Retract(grpc::ServerContext* ctx, const v1::RetractRequest* req,
                                        v1::RetractResponse* resp) {
  if (auto violations = CheckRetract(*req); !violations.empty()) return BadRequest(violations);
  // A call its client has already given up on must not delete anything.
  if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  if (replicated_ != nullptr) {
    if (grpc::Status s = replicated_->Retract(ctx, *req, resp); !s.ok()) return s;
  } else if (absl::Status st = RetractLocally(ingestor_, *req, resp); !st.ok()) {
    return ToGrpcStatus(st);
  }
  // Deleting data is rare and cannot be undone: an operator reading the
  // server's log should see who asked, how much went and why (with
  // replication, the log of the server that took the call).
  if (resp->retracted_ids_size() > 0) {
    const auto& ids = resp->retracted_ids();
    if (log_format_ == LogFormat::kJson) {
      WriteStderrLine(JsonLine::Log("info", "retracted")
                          .Str("peer", ctx->peer())
                          .Int("statements", static_cast<int64_t>(ids.size()))
                          .Int("first_id", static_cast<int64_t>(ids.Get(0)))
                          .Int("last_id", static_cast<int64_t>(ids.Get(ids.size() - 1)))
                          .Str("reason", req->reason())
                          .Finish());
    } else {
      // One log line per retraction, whatever the client wrote.
      WriteStderrLine(absl::StrCat(
          "entente-server: ", ctx->peer(), " retracted ", ids.size(), " statement(s) (ids ",
          ids.Get(0), "..", ids.Get(ids.size() - 1), ")",
          req->reason().empty() ? "" : ", reason: ", EscapeLogText(req->reason()), "\n"));
    }
  }
  return grpc::Status::OK;
}

}  // namespace entente::service
