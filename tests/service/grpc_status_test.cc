#include "service/grpc_status.h"

#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "model/violations.h"

namespace entente::service {
namespace {

TEST(GrpcStatusTest, EveryAbslCodeMapsToTheSameGrpcCode) {
  for (int code = 0; code <= 16; ++code) {
    const absl::Status s(static_cast<absl::StatusCode>(code), code == 0 ? "" : "msg");
    const grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    if (code != 0) {
      EXPECT_EQ(g.error_message(), "msg");
    }
    EXPECT_TRUE(g.error_details().empty());
  }
}

TEST(GrpcStatusTest, ViolationsBecomeABadRequest) {
  const grpc::Status g = ToGrpcStatus(model::InvalidArgument(
      {{"statements[1].confidence", "must be in 0..1"}, {"statements[1].quote", "too long"}}));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  EXPECT_EQ(details.code(), 3);
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).field(), "statements[1].confidence");
  EXPECT_EQ(bad.field_violations(1).description(), "too long");
}

}  // namespace
}  // namespace entente::service
