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
grpc::Status Refused(grpc::ServerContext* ctx, bool replicated) {
  if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  // Not yet through the replicated log: written on this node alone, these
  // would fork it from the others (docs/scaling.md).
  if (replicated) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "the writes of who is who are not replicated yet: refused on a server "
                        "with --replication");
  }
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

grpc::Status IngestServiceImpl::SetMembership(grpc::ServerContext* ctx,
                                              const v1::SetMembershipRequest* req,
                                              v1::SetMembershipResponse* resp) {
  if (grpc::Status s = Refused(ctx, replicated_ != nullptr); !s.ok()) return s;
  Named named;
  auto m = MembershipOf(*reader_, *req, CallerName(*ctx), &named);
  if (!m.ok()) return ToGrpcStatus(m.status());
  auto recorded = ingestor_->SetMembership(*std::move(m));
  if (!recorded.ok()) return ToGrpcStatus(recorded.status());
  ToProto(*recorded, named, resp->mutable_membership());
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::RemoveMembership(grpc::ServerContext* ctx,
                                                 const v1::RemoveMembershipRequest* req,
                                                 v1::RemoveMembershipResponse*) {
  if (grpc::Status s = Refused(ctx, replicated_ != nullptr); !s.ok()) return s;
  Named named;
  model::EntityId member = 0, parent = 0;
  if (absl::Status s = ResolvePair(*reader_, req->name_resolution(), req->member(), "member",
                                   &member, req->parent(), "parent", &parent, {}, &named);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  return ToGrpcStatus(ingestor_->RemoveMembership(member, parent));
}

grpc::Status IngestServiceImpl::MergeEntities(grpc::ServerContext* ctx,
                                              const v1::MergeEntitiesRequest* req,
                                              v1::MergeEntitiesResponse* resp) {
  if (grpc::Status s = Refused(ctx, replicated_ != nullptr); !s.ok()) return s;
  Named named;
  model::EntityId from = 0, into = 0;
  if (absl::Status s = ResolvePair(*reader_, req->name_resolution(), req->from(), "from", &from,
                                   req->into(), "into", &into, {}, &named);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto merge = ingestor_->Merge(from, into, req->reason(), CallerName(*ctx));
  if (!merge.ok()) return ToGrpcStatus(merge.status());
  ToProto(*merge, named, resp->mutable_merge());
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::UnmergeEntities(grpc::ServerContext* ctx,
                                                const v1::UnmergeEntitiesRequest* req,
                                                v1::UnmergeEntitiesResponse* resp) {
  if (req->merge_id() == 0) {
    return BadRequest({{"merge_id", "is required: the id of a merge (ListMerges)"}});
  }
  if (grpc::Status s = Refused(ctx, replicated_ != nullptr); !s.ok()) return s;
  auto merge = ingestor_->Unmerge(req->merge_id(), CallerName(*ctx));
  if (!merge.ok()) return ToGrpcStatus(merge.status());
  auto named = NamesOf(*reader_, {merge->from, merge->into});
  if (!named.ok()) return ToGrpcStatus(named.status());
  ToProto(*merge, *named, resp->mutable_merge());
  return grpc::Status::OK;
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
