// Who is who (groups.proto): the writes of IngestService (memberships,
// merges) and the lists of GraphService. Entities are named as stored
// (GraphReader::FindStoredEntity: never a merge's survivor in place of the
// entity named, never created); the graph layer (graph/ingestor.h) checks
// everything else, and its field violations and NOT_FOUND messages name the
// request's fields. This file only converts.
#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/violations.h"
#include "service/auth.h"
#include "service/convert.h"
#include "service/graph_service.h"
#include "service/grpc_status.h"
#include "service/ingest_service.h"
#include "service/replicated_writes.h"

namespace entente::service {
namespace {

constexpr size_t kMaxOriginBytes = 200;
constexpr int kDefaultMembershipPage = 1000;
constexpr int kMaxMembershipPage = 10000;
// Who set a membership when neither the request nor a token says.
constexpr char kDefaultOrigin[] = "rpc";

// The entities a write names, for its response.
using Named = std::map<model::EntityId, model::Entity>;

// A call refused by the concurrency limit (service/rpc_observer.cc) is
// already failed for its client: it must not write.
grpc::Status Refused(grpc::ServerContext* ctx) {
  if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  return grpc::Status::OK;
}

// The violations of the EntityRef `field`, which must name an entity.
void CheckRef(const std::string& field, const v1::EntityRef& ref,
              std::vector<model::FieldViolation>* out) {
  if (ref.id() == 0 && ref.name().empty()) {
    out->push_back({field, "is required: give an id or a name"});
  }
  CheckNameLength(field + ".name", ref.name(), out);
}

// A date with a month or day but no year: the graph would read year 0 as
// an open end and drop the rest.
void CheckYear(const std::string& field, bool set, const v1::Date& d,
               std::vector<model::FieldViolation>* out) {
  if (set && d.year() == 0 && (d.month() != 0 || d.day() != 0)) {
    out->push_back({field, "has a month or day but no year; leave it unset for an open end"});
  }
}

// The stored entity `ref` names, added to `named`, its id in `*id`;
// NOT_FOUND naming `field` if there is none.
absl::Status Resolve(const graph::GraphReader& reader, const v1::EntityRef& ref,
                     v1::NameResolution resolution, const std::string& field, Named* named,
                     model::EntityId* id) {
  auto e = reader.FindStoredEntity(FromProto(ref), FromProto(resolution));
  if (absl::IsNotFound(e.status())) {
    return absl::NotFoundError(absl::StrCat(field, ": ", e.status().message()));
  }
  if (!e.ok()) return e.status();
  *id = e->id;
  (*named)[e->id] = *std::move(e);
  return absl::OkStatus();
}

// The two entities a write names, resolved into `named` (their ids in
// `*a_id` and `*b_id`): INVALID_ARGUMENT with `violations` (the request's
// others) and those of the refs, else NOT_FOUND naming an unknown one.
absl::Status ResolvePair(const graph::GraphReader& reader, v1::NameResolution resolution,
                         const v1::EntityRef& a, const char* a_field, model::EntityId* a_id,
                         const v1::EntityRef& b, const char* b_field, model::EntityId* b_id,
                         std::vector<model::FieldViolation> violations, Named* named) {
  CheckRef(a_field, a, &violations);
  CheckRef(b_field, b, &violations);
  if (!violations.empty()) return model::InvalidArgument(violations);
  absl::Status s = Resolve(reader, a, resolution, a_field, named, a_id);
  return s.ok() ? Resolve(reader, b, resolution, b_field, named, b_id) : s;
}

// The stored entities `ids`, for a response that names them.
absl::StatusOr<Named> NamesOf(const graph::GraphReader& reader,
                              std::initializer_list<model::EntityId> ids) {
  Named named;
  for (model::EntityId id : ids) {
    model::EntityRef ref;
    ref.id = id;
    auto e = reader.FindStoredEntity(ref, model::NameResolution::kExact);
    if (!e.ok()) return e.status();
    named[id] = *std::move(e);
  }
  return named;
}

// The membership a SetMembershipRequest asks for, its entities resolved
// into `named`; a violation or NOT_FOUND naming the field.
absl::StatusOr<model::Membership> MembershipOf(const graph::GraphReader& reader,
                                               const v1::SetMembershipRequest& req,
                                               const std::string& caller, Named* named) {
  std::vector<model::FieldViolation> violations;
  CheckYear("since", req.has_since(), req.since(), &violations);
  CheckYear("until", req.has_until(), req.until(), &violations);
  if (req.origin().size() > kMaxOriginBytes) {
    violations.push_back({"origin", absl::StrCat("is longer than ", kMaxOriginBytes, " bytes")});
  }
  model::Membership m;
  if (absl::Status s = ResolvePair(reader, req.name_resolution(), req.member(), "member", &m.member,
                                   req.parent(), "parent", &m.parent, std::move(violations), named);
      !s.ok()) {
    return s;
  }
  m.role = req.role();
  m.since = FromProto(req.since());
  m.until = FromProto(req.until());
  m.origin = !req.origin().empty() ? req.origin() : !caller.empty() ? caller : kDefaultOrigin;
  return m;
}

}  // namespace

namespace {

// Whether a failed write of who is who is the store's failure (the
// replicated log's follower retries those) rather than the request's answer.
bool StoreFailure(const absl::Status& s) {
  return absl::IsInternal(s) || absl::IsDataLoss(s) || absl::IsUnavailable(s) ||
         absl::IsUnknown(s) || absl::IsAborted(s);
}

// The answer of a write that failed: OK to go on (the call's answer is
// set), or the store's failure.
absl::Status Answer(const absl::Status& s, grpc::Status* answer) {
  if (StoreFailure(s)) return s;
  *answer = ToGrpcStatus(s);
  return absl::OkStatus();
}

}  // namespace

absl::Status SetMembershipLocally(graph::Ingestor* ingestor, const graph::GraphReader& reader,
                                  const v1::SetMembershipRequest& req, const std::string& caller,
                                  grpc::Status* answer, v1::SetMembershipResponse* resp) {
  *answer = grpc::Status::OK;
  Named named;
  auto m = MembershipOf(reader, req, caller, &named);
  if (!m.ok()) return Answer(m.status(), answer);
  auto recorded = ingestor->SetMembership(*std::move(m));
  if (!recorded.ok()) return Answer(recorded.status(), answer);
  ToProto(*recorded, named, resp->mutable_membership());
  return absl::OkStatus();
}

absl::Status RemoveMembershipLocally(graph::Ingestor* ingestor, const graph::GraphReader& reader,
                                     const v1::RemoveMembershipRequest& req, const std::string&,
                                     grpc::Status* answer, v1::RemoveMembershipResponse*) {
  *answer = grpc::Status::OK;
  Named named;
  model::EntityId member = 0, parent = 0;
  if (absl::Status s = ResolvePair(reader, req.name_resolution(), req.member(), "member", &member,
                                   req.parent(), "parent", &parent, {}, &named);
      !s.ok()) {
    return Answer(s, answer);
  }
  if (absl::Status s = ingestor->RemoveMembership(member, parent); !s.ok()) {
    return Answer(s, answer);
  }
  return absl::OkStatus();
}

absl::Status MergeEntitiesLocally(graph::Ingestor* ingestor, const graph::GraphReader& reader,
                                  const v1::MergeEntitiesRequest& req, const std::string& caller,
                                  grpc::Status* answer, v1::MergeEntitiesResponse* resp) {
  *answer = grpc::Status::OK;
  Named named;
  model::EntityId from = 0, into = 0;
  if (absl::Status s = ResolvePair(reader, req.name_resolution(), req.from(), "from", &from,
                                   req.into(), "into", &into, {}, &named);
      !s.ok()) {
    return Answer(s, answer);
  }
  auto merge = ingestor->Merge(from, into, req.reason(), caller);
  if (!merge.ok()) return Answer(merge.status(), answer);
  ToProto(*merge, named, resp->mutable_merge());
  return absl::OkStatus();
}

absl::Status UnmergeEntitiesLocally(graph::Ingestor* ingestor, const graph::GraphReader& reader,
                                    const v1::UnmergeEntitiesRequest& req,
                                    const std::string& caller, grpc::Status* answer,
                                    v1::UnmergeEntitiesResponse* resp) {
  *answer = grpc::Status::OK;
  auto merge = ingestor->Unmerge(req.merge_id(), caller);
  if (!merge.ok()) return Answer(merge.status(), answer);
  auto named = NamesOf(reader, {merge->from, merge->into});
  if (!named.ok()) return Answer(named.status(), answer);
  ToProto(*merge, *named, resp->mutable_merge());
  return absl::OkStatus();
}

// Each handler: through the replicated log with --replication, else here.
template <typename Req, typename Resp, typename Local>
grpc::Status GroupWrite(grpc::ServerContext* ctx, ReplicatedWrites* replicated,
                        graph::Ingestor* ingestor, const graph::GraphReader& reader, const Req& req,
                        Resp* resp, Local local) {
  if (grpc::Status s = Refused(ctx); !s.ok()) return s;
  if (replicated != nullptr) return replicated->GroupWrite(ctx, CallerName(*ctx), req, resp);
  grpc::Status answer;
  if (absl::Status s = local(ingestor, reader, req, CallerName(*ctx), &answer, resp); !s.ok()) {
    return ToGrpcStatus(s);
  }
  return answer;
}

grpc::Status IngestServiceImpl::SetMembership(grpc::ServerContext* ctx,
                                              const v1::SetMembershipRequest* req,
                                              v1::SetMembershipResponse* resp) {
  return GroupWrite(ctx, replicated_, ingestor_, *reader_, *req, resp, SetMembershipLocally);
}

grpc::Status IngestServiceImpl::RemoveMembership(grpc::ServerContext* ctx,
                                                 const v1::RemoveMembershipRequest* req,
                                                 v1::RemoveMembershipResponse* resp) {
  return GroupWrite(ctx, replicated_, ingestor_, *reader_, *req, resp, RemoveMembershipLocally);
}

grpc::Status IngestServiceImpl::MergeEntities(grpc::ServerContext* ctx,
                                              const v1::MergeEntitiesRequest* req,
                                              v1::MergeEntitiesResponse* resp) {
  return GroupWrite(ctx, replicated_, ingestor_, *reader_, *req, resp, MergeEntitiesLocally);
}

grpc::Status IngestServiceImpl::UnmergeEntities(grpc::ServerContext* ctx,
                                                const v1::UnmergeEntitiesRequest* req,
                                                v1::UnmergeEntitiesResponse* resp) {
  if (req->merge_id() == 0) {
    return BadRequest({{"merge_id", "is required: the id of a merge (ListMerges)"}});
  }
  return GroupWrite(ctx, replicated_, ingestor_, *reader_, *req, resp, UnmergeEntitiesLocally);
}

grpc::Status GraphServiceImpl::ListMerges(grpc::ServerContext*, const v1::ListMergesRequest*,
                                          v1::ListMergesResponse* resp) {
  // Id 0 names no entity, so no membership: only the merges and the
  // entities they name are read.
  auto groups = reader_->ListGroups(model::EntityId{0});
  if (!groups.ok()) return ToGrpcStatus(groups.status());
  for (const model::EntityMerge& m : groups->merges)
    ToProto(m, groups->entities, resp->add_merges());
  return grpc::Status::OK;
}

grpc::Status GraphServiceImpl::ListMemberships(grpc::ServerContext*,
                                               const v1::ListMembershipsRequest* req,
                                               v1::ListMembershipsResponse* resp) {
  std::vector<model::FieldViolation> violations;
  if (req->has_entity()) CheckRef("entity", req->entity(), &violations);
  if (req->page_size() < 0 || req->page_size() > kMaxMembershipPage) {
    violations.push_back({"page_size", absl::StrCat("must be in 0..", kMaxMembershipPage)});
  }
  if (!violations.empty()) return BadRequest(violations);
  const uint64_t fingerprint = PageFingerprint(*req);
  uint64_t offset = 0;
  if (!req->page_token().empty()) {
    auto decoded = DecodeOffsetPageToken(req->page_token(), fingerprint);
    if (!decoded.ok()) return BadRequest({{"page_token", std::string(decoded.status().message())}});
    offset = *decoded;
  }
  std::optional<model::EntityId> entity;
  if (req->has_entity()) {
    Named named;
    model::EntityId id = 0;
    if (absl::Status s =
            Resolve(*reader_, req->entity(), req->name_resolution(), "entity", &named, &id);
        !s.ok()) {
      return ToGrpcStatus(s);
    }
    entity = id;
  }
  auto groups = reader_->ListGroups(entity);
  if (!groups.ok()) return ToGrpcStatus(groups.status());
  const std::vector<model::Membership>& all = groups->memberships;
  const uint64_t page = req->page_size() == 0 ? kDefaultMembershipPage : req->page_size();
  const uint64_t end = std::min<uint64_t>(all.size(), offset + page);
  for (uint64_t i = offset; i < end; ++i) {
    ToProto(all[i], groups->entities, resp->add_memberships());
  }
  if (end < all.size()) resp->set_next_page_token(EncodeOffsetPageToken(fingerprint, end));
  return grpc::Status::OK;
}

}  // namespace entente::service
