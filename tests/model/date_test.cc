#include "model/date.h"

#include <gtest/gtest.h>

namespace entente::model {
namespace {

TEST(DateTest, AcceptsDayMonthAndYearPrecision) {
  EXPECT_EQ(DateError({2024, 10, 21}), "");
  EXPECT_EQ(DateError({2024, 10, 0}), "");
  EXPECT_EQ(DateError({2024, 0, 0}), "");
  EXPECT_EQ(PrecisionOf({2024, 10, 21}), DatePrecision::kDay);
  EXPECT_EQ(PrecisionOf({2024, 10, 0}), DatePrecision::kMonth);
  EXPECT_EQ(PrecisionOf({2024, 0, 0}), DatePrecision::kYear);
}

TEST(DateTest, RejectsImpossibleDates) {
  EXPECT_NE(DateError({2024, 13, 45}), "");
  EXPECT_NE(DateError({2023, 2, 29}), "");  // not a leap year
  EXPECT_EQ(DateError({2024, 2, 29}), "");
  EXPECT_NE(DateError({1900, 2, 29}), "");  // century, not leap
  EXPECT_EQ(DateError({2000, 2, 29}), "");
  EXPECT_NE(DateError({0, 1, 1}), "");
  EXPECT_NE(DateError({10000, 1, 1}), "");
  EXPECT_NE(DateError({2024, 0, 5}), "");  // day without month
  EXPECT_NE(DateError({2024, 4, 31}), "");
  EXPECT_NE(DateError({2024, -1, 0}), "");
}

TEST(DateTest, DayNumbersMatchTheEpoch) {
  EXPECT_EQ(FirstDay({1970, 1, 1}), 0);
  EXPECT_EQ(FirstDay({1969, 12, 31}), -1);
  EXPECT_EQ(FirstDay({2024, 10, 21}), 20017);
  EXPECT_EQ(FirstDay({1, 1, 1}), kMinDay);
  EXPECT_EQ(LastDay({9999, 12, 31}), kMaxDay);
}

TEST(DateTest, PeriodsSpanTheirDays) {
  EXPECT_EQ(FirstDay({2024, 2, 0}), FirstDay({2024, 2, 1}));
  EXPECT_EQ(LastDay({2024, 2, 0}), FirstDay({2024, 2, 29}));
  EXPECT_EQ(FirstDay({2024, 0, 0}), FirstDay({2024, 1, 1}));
  EXPECT_EQ(LastDay({2024, 0, 0}), FirstDay({2024, 12, 31}));
}

TEST(DateTest, DayNumberRoundTripsOverTheWholeRange) {
  for (int32_t d = kMinDay; d <= kMaxDay; d += 97) {
    const Date date = DateOfDay(d);
    ASSERT_EQ(DateError(date), "") << d;
    ASSERT_EQ(FirstDay(date), d);
  }
}

TEST(DateTest, ParsesAndFormats) {
  Date d;
  ASSERT_TRUE(ParseDate("2024-10-21", &d));
  EXPECT_EQ(d, (Date{2024, 10, 21}));
  ASSERT_TRUE(ParseDate("2024-10", &d));
  EXPECT_EQ(d, (Date{2024, 10, 0}));
  ASSERT_TRUE(ParseDate("2024", &d));
  EXPECT_EQ(d, (Date{2024, 0, 0}));
  EXPECT_FALSE(ParseDate("2024-1-2", &d));
  EXPECT_FALSE(ParseDate("24-10-21", &d));
  EXPECT_FALSE(ParseDate("2024/10/21", &d));
  EXPECT_FALSE(ParseDate("", &d));
  EXPECT_EQ(FormatDate({2024, 10, 21}), "2024-10-21");
  EXPECT_EQ(FormatDate({2024, 10, 0}), "2024-10");
  EXPECT_EQ(FormatDate({812, 0, 0}), "0812");
}

TEST(DateTest, ADateIsRecoveredFromItsFirstDayAndPrecision) {
  for (int32_t year : {1, 1969, 1970, 2000, 2024, 9999}) {
    for (int32_t month = 0; month <= 12; ++month) {
      for (int32_t day : {0, 1, 15, 28}) {
        if (month == 0 && day != 0) continue;
        const Date d{year, month, day};
        ASSERT_EQ(DateError(d), "");
        EXPECT_EQ(DateOfFirstDay(FirstDay(d), PrecisionOf(d)), d) << FormatDate(d);
      }
    }
  }
}

}  // namespace
}  // namespace entente::model
