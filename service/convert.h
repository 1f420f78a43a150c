// Conversions between the protocol (entente.v1) and the domain model.
#ifndef ENTENTE_SERVICE_CONVERT_H_
#define ENTENTE_SERVICE_CONVERT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

#include "entente/v1/graph.pb.h"
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
v1::Date DateProto(const model::Date& d);

void ToProto(const model::Entity& e, v1::Entity* out);
void ToProto(const graph::StatementView& v, v1::Statement* out);

// Opaque page tokens of ListStatements and GetRelationTimeline. A token
// carries where the next page starts and a fingerprint of the request that
// asked for it (every field but page_size and page_token), so that it
// continues only that query.
uint64_t PageFingerprint(const google::protobuf::Message& request);
std::string EncodePageToken(uint64_t fingerprint, const storage::EdgePosition& p);
// InvalidArgument, saying why, when `token` is not one this service
// returned, or was returned for a request with another fingerprint.
absl::StatusOr<storage::EdgePosition> DecodePageToken(const std::string& token,
                                                      uint64_t fingerprint);

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_CONVERT_H_
