// Conversions between entente.v1 values and the text a person types or reads.
#ifndef ENTENTE_CLI_FORMAT_H_
#define ENTENTE_CLI_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "entente/v1/statement.pb.h"

namespace entente::cli {

// Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" into a Date of that precision.
// InvalidArgument if the text has another shape or is not a calendar date
// (year 1..9999, day valid for its month).
absl::StatusOr<v1::Date> ParseDate(std::string_view text);

// The last day of the period a Date stands for: 2024 -> 2024-12-31,
// 2024-02 -> 2024-02-29; a full date is itself. Filters compare the first
// day of a statement's period, so "until 2024-10" must mean 2024-10-31 to
// include statements dated later in October.
v1::Date EndOfPeriod(const v1::Date& date);

// "2024-10-21", "2024-10" or "2024" by precision; "" for an unset date.
std::string FormatDate(const v1::Date& date);

// Enum values in lower case without their prefix ("country", "asserted");
// "" for UNSPECIFIED.
std::string FormatKind(v1::EntityKind kind);
std::string FormatModality(v1::Modality modality);

// "deployed troops to [072]"; the code alone when there is no text.
std::string FormatAction(const v1::Action& action);

// "0.95"; an unset confidence means 1.
std::string FormatConfidence(const v1::Statement& statement);

// "Russia (#45)"; "" for an unset ref.
std::string FormatRef(const v1::EntityRef& ref);

// The message in the protobuf JSON mapping, on one line.
std::string ToJson(const google::protobuf::Message& message);

// Microseconds since the Unix epoch as RFC 3339 UTC; "" for 0.
std::string FormatMicros(int64_t micros);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_FORMAT_H_
