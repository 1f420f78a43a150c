// Calendar dates with day, month or year precision, and their mapping to a
// day number for ordering and windows.
#ifndef ENTENTE_MODEL_DATE_H_
#define ENTENTE_MODEL_DATE_H_

#include <cstdint>
#include <string>

namespace entente::model {

// As google.type.Date: month 0 means the whole year, day 0 the whole month.
// year 0 means "no date" where a date is optional.
struct Date {
  int32_t year = 0;
  int32_t month = 0;
  int32_t day = 0;

  bool operator==(const Date&) const = default;
};

enum class DatePrecision { kDay, kMonth, kYear };

// Returns an empty string if `d` is a valid date with year 1..9999, else why
// not, e.g. "month 13 is not in 1..12".
std::string DateError(const Date& d);

DatePrecision PrecisionOf(const Date& d);

// Days since 1970-01-01 of the first day of the period `d` denotes.
// REQUIRES: DateError(d).empty()
int32_t FirstDay(const Date& d);

// Days since 1970-01-01 of the last day of the period `d` denotes.
// REQUIRES: DateError(d).empty()
int32_t LastDay(const Date& d);

// The day-precision date of a day number.
Date DateOfDay(int32_t days);

// The date of `precision` whose first day is `first_day` (the inverse of
// FirstDay for the dates of that precision).
Date DateOfFirstDay(int32_t first_day, DatePrecision precision);

// Days since 1970-01-01 of a valid proleptic Gregorian date.
int32_t DaysFromCivil(int32_t y, int32_t m, int32_t d);

// "2024-10-21", "2024-10" or "2024".
std::string FormatDate(const Date& d);

// Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD". Returns false on bad syntax; the
// result may still fail DateError (e.g. "2024-13-45").
bool ParseDate(const std::string& text, Date* out);

// Smallest and largest day numbers of years 1 and 9999.
inline constexpr int32_t kMinDay = -719162;  // 0001-01-01
inline constexpr int32_t kMaxDay = 2932896;  // 9999-12-31

}  // namespace entente::model

#endif  // ENTENTE_MODEL_DATE_H_
