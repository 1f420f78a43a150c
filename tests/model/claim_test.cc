#include "model/claim.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace entente::model {
namespace {

DayRange Day(int y, int m, int d) { return DayRangeOf(Date{y, m, d}); }
DayRange Month(int y, int m) { return DayRangeOf(Date{y, m, 0}); }
DayRange Year(int y) { return DayRangeOf(Date{y, 0, 0}); }

// Claims by brute force: the connected components of DaysMatch over every
// pair, found with a union-find; each claim's indices ascending, claims in
// order of their smallest first day (ties: smallest index).
std::set<std::vector<size_t>> ComponentsByPairs(const std::vector<DayRange>& days, int window) {
  std::vector<size_t> parent(days.size());
  std::iota(parent.begin(), parent.end(), size_t{0});
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (size_t i = 0; i < days.size(); ++i) {
    for (size_t j = i + 1; j < days.size(); ++j) {
      if (DaysMatch(days[i], days[j], window)) parent[find(i)] = find(j);
    }
  }
  std::map<size_t, std::vector<size_t>> by_root;
  for (size_t i = 0; i < days.size(); ++i) by_root[find(i)].push_back(i);
  std::set<std::vector<size_t>> out;
  for (auto& [root, members] : by_root) out.insert(members);
  return out;
}

TEST(ClaimSubjectTest, CodeDecidesWhenPresentTextOtherwise) {
  Statement a;
  a.actor = 7;
  a.target = 9;
  a.cameo_code = "1711";
  a.action_text = "sent troops to";
  Statement b = a;
  b.action_text = "deployed soldiers in";
  EXPECT_EQ(ClaimSubjectOf(a), ClaimSubjectOf(b));
  b.cameo_code = "171";
  EXPECT_NE(ClaimSubjectOf(a), ClaimSubjectOf(b));

  Statement u = a;
  u.cameo_code.clear();
  Statement v = u;
  EXPECT_EQ(ClaimSubjectOf(u), ClaimSubjectOf(v));
  v.action_text = "Sent troops to";  // byte for byte: case matters
  EXPECT_NE(ClaimSubjectOf(u), ClaimSubjectOf(v));
  // An unclassified statement never shares a subject with a coded one.
  EXPECT_NE(ClaimSubjectOf(u), ClaimSubjectOf(a));

  Statement reversed = a;
  std::swap(reversed.actor, reversed.target);
  EXPECT_NE(ClaimSubjectOf(a), ClaimSubjectOf(reversed));
}

TEST(DaysMatchTest, DayPrecisionWithinTheWindow) {
  EXPECT_TRUE(DaysMatch(Day(2024, 10, 18), Day(2024, 10, 19), 1));
  EXPECT_TRUE(DaysMatch(Day(2024, 10, 19), Day(2024, 10, 18), 1));
  EXPECT_FALSE(DaysMatch(Day(2024, 10, 18), Day(2024, 10, 20), 1));
  EXPECT_TRUE(DaysMatch(Day(2024, 10, 18), Day(2024, 10, 20), 2));
  EXPECT_TRUE(DaysMatch(Day(2024, 10, 18), Day(2024, 10, 18), 0));
  EXPECT_FALSE(DaysMatch(Day(2024, 10, 18), Day(2024, 10, 19), 0));
  // Across a month and a year boundary alike.
  EXPECT_TRUE(DaysMatch(Day(2024, 12, 31), Day(2025, 1, 1), 1));
}

TEST(DaysMatchTest, CoarseDatesMatchEveryDayOfTheirPeriod) {
  EXPECT_TRUE(DaysMatch(Month(2024, 10), Day(2024, 10, 1), 0));
  EXPECT_TRUE(DaysMatch(Month(2024, 10), Day(2024, 10, 31), 0));
  EXPECT_FALSE(DaysMatch(Month(2024, 10), Day(2024, 11, 1), 0));
  EXPECT_TRUE(DaysMatch(Month(2024, 10), Day(2024, 11, 1), 1));
  EXPECT_FALSE(DaysMatch(Month(2024, 10), Day(2024, 11, 2), 1));
  EXPECT_TRUE(DaysMatch(Year(2024), Month(2024, 2), 0));
  EXPECT_TRUE(DaysMatch(Year(2024), Day(2024, 12, 31), 0));
  EXPECT_FALSE(DaysMatch(Year(2024), Day(2025, 1, 2), 1));
  EXPECT_EQ(Month(2024, 2), (DayRange{FirstDay({2024, 2, 1}), FirstDay({2024, 2, 29})}));
}

TEST(GroupIntoClaimsTest, ChainsJoinAndGapsSplit) {
  // 18, 19, 20 chain with window 1; 23 stands alone; the month-precision
  // report of October then joins everything of October.
  std::vector<DayRange> days = {Day(2024, 10, 20), Day(2024, 10, 18), Day(2024, 10, 23),
                                Day(2024, 10, 19)};
  EXPECT_EQ(GroupIntoClaims(days, 1), (std::vector<std::vector<size_t>>{{0, 1, 3}, {2}}));
  EXPECT_EQ(GroupIntoClaims(days, 0),
            (std::vector<std::vector<size_t>>{{1}, {3}, {0}, {2}}));
  days.push_back(Month(2024, 10));
  EXPECT_EQ(GroupIntoClaims(days, 1), (std::vector<std::vector<size_t>>{{0, 1, 2, 3, 4}}));
  EXPECT_TRUE(GroupIntoClaims({}, 1).empty());
}

TEST(GroupIntoClaimsTest, LongPeriodFirstDoesNotEndTheChainEarly) {
  // The year starts first and lasts longest: a later short report still
  // belongs to it although the report before it ended long ago.
  std::vector<DayRange> days = {Year(2024), Day(2024, 1, 5), Day(2024, 11, 30)};
  EXPECT_EQ(GroupIntoClaims(days, 0), (std::vector<std::vector<size_t>>{{0, 1, 2}}));
}

// The sweep against every pair, on random mixes of precisions, windows and
// clustered dates, with ties and duplicates.
TEST(GroupIntoClaimsTest, SweepEqualsPairwiseComponentsOnRandomSets) {
  std::mt19937 rng(20241022);
  for (int round = 0; round < 3000; ++round) {
    const int window = std::uniform_int_distribution<int>(0, 4)(rng);
    const int n = std::uniform_int_distribution<int>(0, 40)(rng);
    const int span_days = std::uniform_int_distribution<int>(1, 900)(rng);
    std::vector<DayRange> days;
    for (int i = 0; i < n; ++i) {
      const int32_t day = FirstDay({2022, 1, 1}) +
                          std::uniform_int_distribution<int>(0, span_days)(rng);
      const Date d = DateOfDay(day);
      switch (std::uniform_int_distribution<int>(0, 9)(rng)) {
        case 0:
          days.push_back(Year(d.year));
          break;
        case 1:
        case 2:
          days.push_back(Month(d.year, d.month));
          break;
        default:
          days.push_back(Day(d.year, d.month, d.day));
      }
    }
    const std::vector<std::vector<size_t>> claims = GroupIntoClaims(days, window);
    const std::set<std::vector<size_t>> got(claims.begin(), claims.end());
    ASSERT_EQ(got, ComponentsByPairs(days, window)) << "round " << round;
    ASSERT_EQ(got.size(), claims.size()) << "a statement in two claims, round " << round;
    for (size_t c = 1; c < claims.size(); ++c) {
      auto first_of = [&](const std::vector<size_t>& claim) {
        int32_t first = days[claim[0]].first;
        for (size_t i : claim) first = std::min(first, days[i].first);
        return first;
      };
      ASSERT_LT(first_of(claims[c - 1]), first_of(claims[c])) << "round " << round;
    }
  }
}

TEST(IndependentSourceTest, OnePublisherIsOneSourceAndADocumentWithoutOneIsItsOwn) {
  EXPECT_EQ(IndependentSourceOf("yonhap-1", "Yonhap"), IndependentSourceOf("yonhap-2", "Yonhap"));
  EXPECT_NE(IndependentSourceOf("yonhap-1", "Yonhap"), IndependentSourceOf("yonhap-1", "yonhap"));
  EXPECT_NE(IndependentSourceOf("a", ""), IndependentSourceOf("b", ""));
  EXPECT_EQ(IndependentSourceOf("a", ""), IndependentSourceOf("a", ""));
  // A publisher spelled like another document's id is still a publisher.
  EXPECT_NE(IndependentSourceOf("x", "Reuters"), IndependentSourceOf("Reuters", ""));
}

TEST(IsContestedTest, NeedsBothSides) {
  EXPECT_FALSE(IsContested(0, 0));
  EXPECT_FALSE(IsContested(40, 0));
  EXPECT_FALSE(IsContested(0, 1));
  EXPECT_TRUE(IsContested(40, 1));
}

}  // namespace
}  // namespace entente::model
