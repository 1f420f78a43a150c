// Field violations carried inside an absl::Status, so that every layer can
// report *which* field of a request is wrong and the service layer can turn
// them into a google.rpc.BadRequest without knowing where they came from.
#ifndef ENTENTE_MODEL_VIOLATIONS_H_
#define ENTENTE_MODEL_VIOLATIONS_H_

#include <vector>

#include "absl/status/status.h"
#include "model/types.h"

namespace entente::model {

// INVALID_ARGUMENT whose message names the first violation and whose payload
// holds all of them. REQUIRES: !violations.empty()
absl::Status InvalidArgument(const std::vector<FieldViolation>& violations);

// The violations carried by `status`; empty if it carries none.
std::vector<FieldViolation> ViolationsOf(const absl::Status& status);

}  // namespace entente::model

#endif  // ENTENTE_MODEL_VIOLATIONS_H_
