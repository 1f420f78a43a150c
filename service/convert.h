// Conversions between the protocol (entente.v1) and the domain model.
#ifndef ENTENTE_SERVICE_CONVERT_H_
#define ENTENTE_SERVICE_CONVERT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "entente/v1/graph.pb.h"
#include "entente/v1/groups.pb.h"
#include "entente/v1/ingest.pb.h"
#include "entente/v1/statement.pb.h"
#include "graph/reader.h"
#include "model/types.h"

namespace entente::service {

model::StatementInput FromProto(const v1::Statement& s);
model::EntityRef FromProto(const v1::EntityRef& r);
model::Date FromProto(const v1::Date& d);
model::NameResolution FromProto(v1::NameResolution r);
model::Direction FromProto(v1::Direction d);
graph::EdgeFilter FromProto(const v1::EdgeFilter& f);
graph::Granularity FromProto(v1::Granularity g);
// InvalidArgument naming rollup for a value graph.proto does not define
// (proto3 keeps an unknown enum value as a number).
absl::StatusOr<model::Rollup> FromProto(v1::Rollup r);
// A violation of `field` when `name` is longer than any stored name can be
// (graph::kMaxNameBytes): refused before the server folds megabytes.
void CheckNameLength(const std::string& field, const std::string& name,
                     std::vector<model::FieldViolation>* out);
// Microseconds since the Unix epoch of a request's as_of; InvalidArgument
// (the caller names the field) outside years 1..9999 or with nanos outside
// 0..999,999,999.
absl::StatusOr<int64_t> MicrosOf(const google::protobuf::Timestamp& t);

// The time-respecting options of a FindPaths or Traverse request: none
// without temporal_mode; InvalidArgument naming start_date or max_gap_days
// if they come without it, or start_date if it is not a date. An unknown
// mode is passed on as one, for the reader to refuse naming temporal_mode.
absl::StatusOr<std::optional<graph::TemporalOptions>> TemporalFromProto(
    const v1::FindPathsRequest& req);
absl::StatusOr<std::optional<graph::TemporalOptions>> TemporalFromProto(
    const v1::TraverseRequest& req);
v1::Date DateProto(const model::Date& d);

// ENTITY_VIEW_BASIC leaves out the aliases; UNSPECIFIED is FULL.
void ToProto(const model::Entity& e, v1::Entity* out,
             v1::EntityView view = v1::ENTITY_VIEW_FULL);
// The statement detail a view needs read: kIndex for STATEMENT_VIEW_INDEX.
graph::StatementDetail DetailOf(v1::StatementView view);
// STATEMENT_VIEW_BASIC and _INDEX leave out what graph.proto says;
// UNSPECIFIED is FULL.
void ToProto(const graph::StatementView& v, v1::Statement* out,
             v1::StatementView view = v1::STATEMENT_VIEW_FULL);
// Who is who (groups.proto). `entities` holds every entity they name, as
// stored (graph::GroupsAnswer::entities); one missing is named by id only.
void ToProto(const model::Membership& m, const std::map<model::EntityId, model::Entity>& entities,
             v1::Membership* out);
void ToProto(const model::EntityMerge& m, const std::map<model::EntityId, model::Entity>& entities,
             v1::EntityMerge* out);

// The heap bytes a response message holds: what protobuf's SpaceUsedLong()
// reports, estimated from the fields these messages have instead of by
// reflection, which cost as much as building the message. For the query
// memory budget (graph/work_budget.h), which needs sizes within a few
// percent, not exact ones.
size_t HeapBytes(const v1::ListStatementsResponse& m);
size_t HeapBytes(const v1::TraverseResponse& m);
size_t HeapBytes(const v1::FindPathsResponse& m);
size_t HeapBytes(const v1::GetRelationTimelineResponse& m);

// Opaque page tokens of ListStatements and GetRelationTimeline. A token
// carries where the next page starts and a fingerprint of the request that
// asked for it (every field but page_size and page_token), so that it
// continues only that query.
// Presentation fields (page_size, page_token, entity_view, statement_view)
// are left out.
uint64_t PageFingerprint(const v1::ListStatementsRequest& request);
uint64_t PageFingerprint(const v1::GetRelationTimelineRequest& request);
std::string EncodePageToken(uint64_t fingerprint, const storage::EdgePosition& p);
// A change feed cursor (WatchStatementsRequest.cursor) of the database with
// `database_id`; empty decodes to the start. InvalidArgument (the caller
// names the field) if it is not one, or is another database's.
std::string EncodeFeedCursor(uint64_t database_id, const graph::FeedCursor& c);
absl::StatusOr<graph::FeedCursor> DecodeFeedCursor(const std::string& cursor, uint64_t database_id);
// InvalidArgument, saying why, when `token` is not one this service
// returned, or was returned for a request with another fingerprint.
absl::StatusOr<storage::EdgePosition> DecodePageToken(const std::string& token,
                                                      uint64_t fingerprint);

// The page tokens of ListClaims and ListMemberships: the fingerprint of the
// request (all but page_size and page_token) and how many items the pages
// before held.
uint64_t PageFingerprint(const v1::ListClaimsRequest& request);
uint64_t PageFingerprint(const v1::ListMembershipsRequest& request);
std::string EncodeOffsetPageToken(uint64_t fingerprint, uint64_t offset);
absl::StatusOr<uint64_t> DecodeOffsetPageToken(const std::string& token, uint64_t fingerprint);

void ToProto(const storage::ClaimRow& c, v1::Claim* out);

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_CONVERT_H_
