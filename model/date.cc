#include "model/date.h"

#include <cstdio>

namespace entente::model {
namespace {

bool IsLeap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int32_t DaysInMonth(int32_t y, int32_t m) {
  static constexpr int32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::string DateError(const Date& d) {
  if (d.year < 1 || d.year > 9999) return "year " + std::to_string(d.year) + " is not in 1..9999";
  if (d.month < 0 || d.month > 12) return "month " + std::to_string(d.month) + " is not in 1..12";
  if (d.month == 0) {
    return d.day == 0 ? "" : "day must be 0 when month is 0 (year precision)";
  }
  if (d.day < 0 || d.day > DaysInMonth(d.year, d.month)) {
    return "day " + std::to_string(d.day) + " is not in 1.." +
           std::to_string(DaysInMonth(d.year, d.month)) + " for " + FormatDate({d.year, d.month, 0});
  }
  return "";
}

DatePrecision PrecisionOf(const Date& d) {
  if (d.month == 0) return DatePrecision::kYear;
  if (d.day == 0) return DatePrecision::kMonth;
  return DatePrecision::kDay;
}

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
int32_t DaysFromCivil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date DateOfDay(int32_t z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  const int32_t d = doy - (153 * mp + 2) / 5 + 1;
  const int32_t m = mp < 10 ? mp + 3 : mp - 9;
  return Date{yoe + era * 400 + (m <= 2), m, d};
}

Date DateOfFirstDay(int32_t first_day, DatePrecision precision) {
  Date d = DateOfDay(first_day);
  if (precision != DatePrecision::kDay) d.day = 0;
  if (precision == DatePrecision::kYear) d.month = 0;
  return d;
}

int32_t FirstDay(const Date& d) {
  return DaysFromCivil(d.year, d.month == 0 ? 1 : d.month, d.day == 0 ? 1 : d.day);
}

int32_t LastDay(const Date& d) {
  if (d.month == 0) return DaysFromCivil(d.year, 12, 31);
  if (d.day == 0) return DaysFromCivil(d.year, d.month, DaysInMonth(d.year, d.month));
  return DaysFromCivil(d.year, d.month, d.day);
}

std::string FormatDate(const Date& d) {
  char buf[32];
  if (d.month == 0) {
    std::snprintf(buf, sizeof buf, "%04d", d.year);
  } else if (d.day == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  }
  return buf;
}

bool ParseDate(const std::string& text, Date* out) {
  auto digits = [&](size_t pos, size_t n, int32_t* v) {
    if (pos + n > text.size()) return false;
    int32_t r = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      r = r * 10 + (text[i] - '0');
    }
    *v = r;
    return true;
  };
  Date d;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return false;
  if (!digits(0, 4, &d.year)) return false;
  if (text.size() >= 7 && (text[4] != '-' || !digits(5, 2, &d.month))) return false;
  if (text.size() == 10 && (text[7] != '-' || !digits(8, 2, &d.day))) return false;
  *out = d;
  return true;
}

}  // namespace entente::model
