#include "graph/validate.h"

#include <cmath>

#include "graph/names.h"
#include "graph/taxonomy.h"

namespace entente::graph {
namespace {

using model::FieldViolation;

void Add(std::vector<FieldViolation>* out, std::string field, std::string description) {
  out->push_back({std::move(field), std::move(description)});
}

// Returns false (and records why) if `s` is not valid UTF-8 or too long.
bool CheckString(std::string_view s, size_t max_bytes, const std::string& field,
                 std::vector<FieldViolation>* out) {
  if (s.size() > max_bytes) {
    Add(out, field,
        "is " + std::to_string(s.size()) + " bytes; at most " + std::to_string(max_bytes) +
            " allowed");
    return false;
  }
  if (!IsValidUtf8(s)) {
    Add(out, field, "is not valid UTF-8");
    return false;
  }
  return true;
}

bool HasControlCharacter(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Whether a name has nothing but white space. Most names have an ASCII
// letter or digit, which settles it without Unicode folding.
bool IsBlank(std::string_view name) {
  for (unsigned char c : name) {
    if (c < 0x80 && c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return FoldName(name).empty();
}

void ValidateRef(const model::EntityRef& ref, bool required, const std::string& field,
                 std::vector<FieldViolation>* out) {
  if (!ref.given()) {
    if (required) Add(out, field, "is required: give an entity id or a name");
    return;
  }
  if (ref.id != 0 && !ref.name.empty()) {
    Add(out, field, "give either id or name, not both");
    return;
  }
  if (ref.id != 0) return;
  if (!CheckString(ref.name, kMaxNameBytes, field + ".name", out)) return;
  if (HasControlCharacter(ref.name)) {
    Add(out, field + ".name", "contains a control character (tab, newline, NUL...)");
  } else if (IsBlank(ref.name)) {
    Add(out, field + ".name", "is blank");
  }
}

}  // namespace

bool IsCameoCodeSyntax(std::string_view code) {
  if (code.size() < 2 || code.size() > 4) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void ValidateDate(const model::Date& d, bool required, const std::string& field,
                  std::vector<FieldViolation>* out) {
  if (d.year == 0 && d.month == 0 && d.day == 0) {
    if (required) Add(out, field, "is required");
    return;
  }
  const std::string why = model::DateError(d);
  if (why.empty()) return;
  // Name the component at fault, so a client can point at it.
  std::string component = ".year";
  if (d.year >= 1 && d.year <= 9999) component = (d.month < 0 || d.month > 12) ? ".month" : ".day";
  Add(out, field + component, why);
}

void ValidateStatement(const model::StatementInput& s, const std::string& prefix,
                       std::vector<FieldViolation>* out) {
  ValidateRef(s.actor, true, prefix + "actor", out);
  ValidateRef(s.target, true, prefix + "target", out);
  ValidateRef(s.attributed_to, false, prefix + "attributed_to", out);

  if (s.action_text.empty() && s.cameo_code.empty()) {
    Add(out, prefix + "action", "is required: give action.text or action.cameo_code");
  }
  CheckString(s.action_text, kMaxActionTextBytes, prefix + "action.text", out);
  if (!s.cameo_code.empty() && !IsCameoCodeSyntax(s.cameo_code)) {
    Add(out, prefix + "action.cameo_code", "must be 2 to 4 digits, e.g. \"042\"");
  } else if (!s.cameo_code.empty() && Taxonomy::Get().Find(s.cameo_code) == nullptr) {
    // Summaries and filters work by CAMEO root: a code outside the table
    // would be counted differently by each.
    Add(out, prefix + "action.cameo_code", "is not a CAMEO code (see reference/cameo/)");
  }

  ValidateDate(s.date, true, prefix + "date", out);

  if (s.source.document_id.empty()) {
    Add(out, prefix + "source.document_id", "is required");
  } else if (CheckString(s.source.document_id, kMaxOtherStringBytes,
                         prefix + "source.document_id", out) &&
             HasControlCharacter(s.source.document_id)) {
    Add(out, prefix + "source.document_id", "contains a control character");
  }
  CheckString(s.source.url, kMaxOtherStringBytes, prefix + "source.url", out);
  CheckString(s.source.publisher, kMaxOtherStringBytes, prefix + "source.publisher", out);
  CheckString(s.source.title, kMaxOtherStringBytes, prefix + "source.title", out);
  ValidateDate(s.source.published, false, prefix + "source.published", out);

  CheckString(s.quote, kMaxQuoteBytes, prefix + "quote", out);
  if (s.confidence && !(*s.confidence >= 0.0 && *s.confidence <= 1.0)) {
    Add(out, prefix + "confidence", "must be in 0..1");
  }
  CheckString(s.extractor_name, kMaxOtherStringBytes, prefix + "extractor.name", out);
  CheckString(s.extractor_version, kMaxOtherStringBytes, prefix + "extractor.version", out);
  CheckString(s.idempotency_key, kMaxIdempotencyKeyBytes, prefix + "idempotency_key", out);
}

}  // namespace entente::graph
