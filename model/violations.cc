#include "model/violations.h"

#include <cstdint>
#include <string>

#include "absl/strings/cord.h"

namespace entente::model {
namespace {

constexpr char kPayloadUrl[] = "type.entente.dev/entente.FieldViolations";

void PutString(std::string* out, const std::string& s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  out->append(reinterpret_cast<const char*>(&n), sizeof n);
  out->append(s);
}

bool GetString(const std::string& in, size_t* pos, std::string* s) {
  uint32_t n;
  if (*pos + sizeof n > in.size()) return false;
  in.copy(reinterpret_cast<char*>(&n), sizeof n, *pos);
  *pos += sizeof n;
  if (*pos + n > in.size()) return false;
  s->assign(in, *pos, n);
  *pos += n;
  return true;
}

}  // namespace

absl::Status InvalidArgument(const std::vector<FieldViolation>& violations) {
  std::string message = violations.front().field + ": " + violations.front().description;
  if (violations.size() > 1) {
    message += " (and " + std::to_string(violations.size() - 1) + " more)";
  }
  absl::Status st = absl::InvalidArgumentError(message);
  std::string payload;
  for (const auto& v : violations) {
    PutString(&payload, v.field);
    PutString(&payload, v.description);
  }
  st.SetPayload(kPayloadUrl, absl::Cord(payload));
  return st;
}

std::vector<FieldViolation> ViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kPayloadUrl);
  if (!payload) return out;
  const std::string in(*payload);
  size_t pos = 0;
  FieldViolation v;
  while (GetString(in, &pos, &v.field) && GetString(in, &pos, &v.description)) out.push_back(v);
  return out;
}

}  // namespace entente::model
