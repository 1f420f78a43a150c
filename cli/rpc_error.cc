#include "cli/rpc_error.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cli/table.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace entente::cli {

std::string CodeName(grpc::StatusCode code) {
  // gRPC and absl share google/rpc/code.proto's numbering; only absl can
  // name the codes.
  const int n = static_cast<int>(code);
  if (n < 0 || n > static_cast<int>(grpc::StatusCode::UNAUTHENTICATED)) return std::to_string(n);
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(n));
}

std::vector<std::pair<std::string, std::string>> FieldViolations(const grpc::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return out;
  }
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.Is<google::rpc::BadRequest>() || !any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) out.emplace_back(v.field(), v.description());
  }
  return out;
}

std::string FormatRpcError(const grpc::Status& status, std::string_view prefix) {
  std::string out = absl::StrCat("entente: ", std::string(prefix), CodeName(status.error_code()),
                                 ": ", Printable(status.error_message()), "\n");
  for (const auto& [field, description] : FieldViolations(status)) {
    absl::StrAppend(&out, "  ", Printable(field), ": ", Printable(description), "\n");
  }
  return out;
}

std::string FormatUnreachable(std::string_view address) {
  return absl::StrCat("entente: cannot reach the server at ", std::string(address),
                      " (is entente-server running?)\n");
}

}  // namespace entente::cli
