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
  // gRPC sends the details as a trailer, and clients refuse trailers past
  // 8-16 KiB ("metadata size exceeds limit"): an Ingest of thousands of
  // invalid statements must still answer INVALID_ARGUMENT, so the details
  // stop at kMaxDetailBytes; the message counts every violation.
  constexpr size_t kMaxDetailBytes = 4096;
  for (const auto& v : violations) {
    if (bad.field_violations_size() > 0 &&
        bad.ByteSizeLong() + v.field.size() + v.description.size() + 8 > kMaxDetailBytes) {
      break;
    }
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
