// Statements as a client may send them (protobuf wire bytes, or the JSON
// mapping when the input starts with '{') through the conversion and
// validation every ingest runs, graph/validate.*, with the name folding and
// date arithmetic it relies on. Never a crash; and a statement validation
// accepts has what ingest assumes of it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "entente/v1/statement.pb.h"
#include "fuzz/check.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "graph/names.h"
#include "graph/taxonomy.h"
#include "graph/validate.h"
#include "model/date.h"
#include "service/convert.h"

namespace {

using entente::model::Date;
namespace graph = entente::graph;
namespace model = entente::model;
namespace v1 = entente::v1;

// Every violation names a real field of entente.v1.Statement, so a client
// can point at it ("source.published.month").
bool IsStatementFieldPath(const std::string& path) {
  const google::protobuf::Descriptor* message = v1::Statement::descriptor();
  size_t start = 0;
  while (true) {
    if (message == nullptr) return false;
    const size_t dot = path.find('.', start);
    const std::string name = path.substr(start, dot == std::string::npos ? dot : dot - start);
    const google::protobuf::FieldDescriptor* field = message->FindFieldByName(name);
    if (field == nullptr) return false;
    if (dot == std::string::npos) return true;
    message = field->message_type();
    start = dot + 1;
  }
}

// The date arithmetic storage keys are made of, on any date DateError accepts.
void CheckValidDate(const Date& d) {
  const int32_t first = model::FirstDay(d);
  const int32_t last = model::LastDay(d);
  FUZZ_CHECK(model::kMinDay <= first && first <= last && last <= model::kMaxDay);
  const Date first_date = model::DateOfDay(first);
  const Date last_date = model::DateOfDay(last);
  FUZZ_CHECK(first_date.year == d.year && last_date.year == d.year);
  if (d.month != 0) FUZZ_CHECK(first_date.month == d.month && last_date.month == d.month);
  if (d.day != 0) FUZZ_CHECK(first_date == d && first == last);
  FUZZ_CHECK(model::FirstDay(first_date) == first);
  Date parsed;
  FUZZ_CHECK(model::ParseDate(model::FormatDate(d), &parsed) && parsed == d);
}

// Folding must be total on UTF-8 and give what alias keys are made of.
void CheckFold(const std::string& name) {
  const std::string folded = graph::FoldName(name);
  if (!graph::IsValidUtf8(name)) {
    FUZZ_CHECK(folded.empty());
    return;
  }
  FUZZ_CHECK(graph::IsValidUtf8(folded));
  FUZZ_CHECK(folded.empty() || (folded.front() != ' ' && folded.back() != ' '));
  FUZZ_CHECK(folded.find("  ") == std::string::npos);
}

void CheckAcceptedRef(const model::EntityRef& ref) {
  if (ref.name.empty()) return;
  FUZZ_CHECK(ref.id == 0);
  FUZZ_CHECK(ref.name.size() <= graph::kMaxNameBytes && graph::IsValidUtf8(ref.name));
  // Resolution by alias looks the folded name up: it must not be empty, nor
  // hold the 0x00 that ends it in alias keys (storage/key_codec.h).
  const std::string folded = graph::FoldName(ref.name);
  FUZZ_CHECK(!folded.empty() && folded.find('\0') == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  v1::Statement proto;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!bytes.empty() && bytes[0] == '{') {
    if (!google::protobuf::util::JsonStringToMessage(std::string(bytes), &proto).ok()) return -1;
  } else if (!proto.ParseFromArray(data, static_cast<int>(size))) {
    return -1;
  }
  const model::StatementInput s = entente::service::FromProto(proto);

  std::vector<model::FieldViolation> violations;
  graph::ValidateStatement(s, "", &violations);
  for (const auto& v : violations) {
    FUZZ_CHECK(!v.description.empty());
    FUZZ_CHECK(IsStatementFieldPath(v.field));
  }

  // Total functions on whatever came in.
  for (const Date& d : {s.date, s.source.published}) {
    if (model::DateError(d).empty()) CheckValidDate(d);
  }
  for (const std::string* name : {&s.actor.name, &s.target.name, &s.attributed_to.name}) {
    CheckFold(*name);
  }
  Date parsed;
  if (model::ParseDate(s.source.title, &parsed) && model::DateError(parsed).empty()) {
    CheckValidDate(parsed);
  }

  if (!violations.empty()) return 0;
  // Accepted: what ingest takes for granted.
  FUZZ_CHECK(model::DateError(s.date).empty());
  FUZZ_CHECK(s.source.published == Date{} || model::DateError(s.source.published).empty());
  FUZZ_CHECK(s.actor.given() && s.target.given());
  CheckAcceptedRef(s.actor);
  CheckAcceptedRef(s.target);
  CheckAcceptedRef(s.attributed_to);
  FUZZ_CHECK(!s.action_text.empty() || !s.cameo_code.empty());
  if (!s.cameo_code.empty()) {
    FUZZ_CHECK(graph::IsCameoCodeSyntax(s.cameo_code));
    // Edge values store the code's length in one byte.
    FUZZ_CHECK(graph::Taxonomy::Get().Find(s.cameo_code) != nullptr && s.cameo_code.size() <= 4);
  }
  FUZZ_CHECK(!s.source.document_id.empty());
  FUZZ_CHECK(!s.confidence || (*s.confidence >= 0.0 && *s.confidence <= 1.0));
  // Enum values reach disk: only the ones the protocol defines.
  FUZZ_CHECK(v1::Modality_IsValid(proto.modality()));
  FUZZ_CHECK(v1::EntityKind_IsValid(proto.actor().kind()));
  FUZZ_CHECK(v1::EntityKind_IsValid(proto.target().kind()));
  FUZZ_CHECK(v1::EntityKind_IsValid(proto.attributed_to().kind()));
  return 0;
}
