#include "model/violations.h"

#include <gtest/gtest.h>

namespace entente::model {
namespace {

TEST(ViolationsTest, RoundTripThroughStatus) {
  absl::Status s = InvalidArgument({{"statements[2].date.month", "month 13 is not in 1..12"},
                                    {"statements[2].confidence", "must be in 0..1"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "statements[2].date.month: month 13 is not in 1..12 (and 1 more)");
  auto v = ViolationsOf(s);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "statements[2].date.month");
  EXPECT_EQ(v[1].field, "statements[2].confidence");
  EXPECT_EQ(v[1].description, "must be in 0..1");
}

TEST(ViolationsTest, PlainStatusCarriesNone) {
  EXPECT_TRUE(ViolationsOf(absl::InvalidArgumentError("x")).empty());
  EXPECT_TRUE(ViolationsOf(absl::OkStatus()).empty());
}

}  // namespace
}  // namespace entente::model
