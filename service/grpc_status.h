// The one place where absl statuses become gRPC statuses.
#ifndef ENTENTE_SERVICE_GRPC_STATUS_H_
#define ENTENTE_SERVICE_GRPC_STATUS_H_

#include <vector>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"
#include "model/types.h"

namespace entente::service {

// Same code (absl and gRPC codes are numerically equal), same message. Field
// violations carried by `s` (model::InvalidArgument) become a
// google.rpc.BadRequest in the status details.
grpc::Status ToGrpcStatus(const absl::Status& s);

// The google.rpc.Status of `s`: code, message, and a BadRequest in details
// when `s` carries field violations.
google::rpc::Status ToRpcStatus(const absl::Status& s);

// INVALID_ARGUMENT with a google.rpc.BadRequest listing `violations`.
grpc::Status BadRequest(const std::vector<model::FieldViolation>& violations);

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_GRPC_STATUS_H_
