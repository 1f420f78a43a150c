#include "service/grpc_status.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "model/violations.h"

namespace entente::service {

google::rpc::Status ToRpcStatus(const absl::Status& s) {
  google::rpc::Status out;
  out.set_code(static_cast<int>(s.code()));
  out.set_message(std::string(s.message()));
  std::vector<model::FieldViolation> violations = model::ViolationsOf(s);
  if (violations.empty()) return out;
  google::rpc::BadRequest bad;
  for (const auto& v : violations) {
    auto* fv = bad.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  out.add_details()->PackFrom(bad);
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  const int code = static_cast<int>(s.code());
  // absl has no codes beyond UNAUTHENTICATED (16); anything else is a bug.
  const auto grpc_code = code >= 0 && code <= grpc::StatusCode::UNAUTHENTICATED
                             ? static_cast<grpc::StatusCode>(code)
                             : grpc::StatusCode::UNKNOWN;
  const std::string message(s.message());
  if (model::ViolationsOf(s).empty()) return grpc::Status(grpc_code, message);
  return grpc::Status(grpc_code, message, ToRpcStatus(s).SerializeAsString());
}

grpc::Status BadRequest(const std::vector<model::FieldViolation>& violations) {
  return ToGrpcStatus(model::InvalidArgument(violations));
}

}  // namespace entente::service
