#include "service/graph_service.h"

#include "service/convert.h"
#include "service/grpc_status.h"

namespace entente::service {

grpc::Status GraphServiceImpl::GetEntity(grpc::ServerContext*, const v1::GetEntityRequest* req,
                                         v1::Entity* resp) {
  if ((req->id() != 0) == !req->name().empty()) {
    return BadRequest({{"id", "give exactly one of id and name"}});
  }
  model::EntityRef ref;
  ref.id = req->id();
  ref.name = req->name();
  auto e = reader_->FindEntity(ref, FromProto(req->name_resolution()));
  if (!e.ok()) return ToGrpcStatus(e.status());
  ToProto(*e, resp);
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::SearchEntities(grpc::ServerContext*,
                                              const v1::SearchEntitiesRequest* req,
                                              v1::SearchEntitiesResponse* resp) {
  if (req->prefix().empty()) return BadRequest({{"prefix", "is required"}});
  if (req->page_size() < 0 || req->page_size() > graph::kMaxPageSize) {
    return BadRequest({{"page_size", "must be in 0..1000"}});
  }
  auto found = reader_->SearchEntities(req->prefix(), req->page_size() == 0 ? 20 : req->page_size());
  if (!found.ok()) return ToGrpcStatus(found.status());
  for (const auto& e : *found) ToProto(e, resp->add_entities());
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::ListStatements(grpc::ServerContext*,
                                              const v1::ListStatementsRequest* req,
                                              v1::ListStatementsResponse* resp) {
  graph::StatementQuery q;
  q.entity = FromProto(req->entity());
  q.resolution = FromProto(req->name_resolution());
  q.direction = FromProto(req->direction());
  q.date_from = FromProto(req->date_from());
  q.date_to = FromProto(req->date_to());
  q.code_prefix = req->action_code_prefix();
  q.min_confidence = req->min_confidence();
  q.page_size = req->page_size() == 0 ? 50 : req->page_size();
  if (!req->page_token().empty()) {
    q.resume_after = DecodePageToken(req->page_token());
    if (!q.resume_after) {
      return BadRequest({{"page_token", "is not a token this service returned"}});
    }
  }
  auto page = reader_->ListStatements(q);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const auto& v : page->statements) ToProto(v, resp->add_statements());
  if (page->next) resp->set_next_page_token(EncodePageToken(*page->next));
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::GetStatement(grpc::ServerContext*,
                                            const v1::GetStatementRequest* req,
                                            v1::Statement* resp) {
  if (req->id() == 0) return BadRequest({{"id", "is required"}});
  auto v = reader_->GetStatement(req->id());
  if (!v.ok()) return ToGrpcStatus(v.status());
  ToProto(*v, resp);
  return grpc::Status::OK;
}

}  // namespace entente::service
