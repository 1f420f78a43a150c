#include "cli/format.h"

#include <cctype>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"

namespace entente::cli {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// "ENTITY_KIND_UNSPECIFIED" -> "", "COUNTRY" -> "country".
std::string LowerEnumName(const std::string& name) {
  if (name.empty() || name.find("UNSPECIFIED") != std::string::npos) return "";
  return absl::AsciiStrToLower(name);
}

}  // namespace

absl::StatusOr<v1::Date> ParseDate(std::string_view text) {
  const auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrFormat("'%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", std::string(text)));
  };
  const std::vector<absl::string_view> parts =
      absl::StrSplit(absl::string_view(text.data(), text.size()), '-');
  if (parts.size() > 3 || parts[0].size() != 4) return invalid();
  int fields[3] = {0, 0, 0};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!AllDigits(parts[i]) || parts[i].size() > 4 || (i > 0 && parts[i].size() > 2) ||
        !absl::SimpleAtoi(parts[i], &fields[i])) {
      return invalid();
    }
  }
  const auto [year, month, day] = fields;
  const bool month_ok = parts.size() < 2 || (month >= 1 && month <= 12);
  if (year < 1 || !month_ok) return invalid();
  if (parts.size() == 3 && (day < 1 || day > DaysInMonth(year, month))) return invalid();
  v1::Date date;
  date.set_year(year);
  if (parts.size() >= 2) date.set_month(month);
  if (parts.size() == 3) date.set_day(day);
  return date;
}

v1::Date EndOfPeriod(const v1::Date& date) {
  v1::Date end = date;
  if (date.month() == 0) end.set_month(12);
  if (date.day() == 0) end.set_day(DaysInMonth(end.year(), end.month()));
  return end;
}

std::string FormatDate(const v1::Date& date) {
  if (date.year() == 0) return "";
  if (date.month() == 0) return absl::StrFormat("%04d", date.year());
  if (date.day() == 0) return absl::StrFormat("%04d-%02d", date.year(), date.month());
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string FormatKind(v1::EntityKind kind) { return LowerEnumName(v1::EntityKind_Name(kind)); }

std::string FormatModality(v1::Modality modality) {
  return LowerEnumName(v1::Modality_Name(modality));
}

std::string FormatAction(const v1::Action& action) {
  if (action.cameo_code().empty()) return action.text();
  if (action.text().empty()) return "[" + action.cameo_code() + "]";
  return action.text() + " [" + action.cameo_code() + "]";
}

std::string FormatConfidence(const v1::Statement& statement) {
  return absl::StrFormat("%.2f", statement.has_confidence() ? statement.confidence() : 1.0);
}

std::string FormatRef(const v1::EntityRef& ref) {
  if (!ref.has_id() && !ref.has_name()) return "";
  if (!ref.has_id()) return ref.name();
  return absl::StrFormat("%s (#%d)", ref.name(), ref.id());
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  // Only a message with unknown enum values or invalid UTF-8 fails to print;
  // everything here comes from the server, which returns neither.
  if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) return "{}";
  return json;
}

std::string FormatMicros(int64_t micros) {
  if (micros == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromUnixMicros(micros),
                          absl::UTCTimeZone());
}

}  // namespace entente::cli
