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

// Found by the replication cluster test: an Ingest of 900 invalid statements
// failed with "received initial metadata size exceeds limit" on the client
// instead of INVALID_ARGUMENT.
TEST(GrpcStatusTest, ManyViolationsStayWithinWhatClientsAcceptAndAreCounted) {
  std::vector<model::FieldViolation> many;
  for (int i = 0; i < 900; ++i) {
    many.push_back({"statements[" + std::to_string(i) + "].date.month", "must be 1..12"});
  }
  const grpc::Status g = ToGrpcStatus(model::InvalidArgument(many));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), "statements[0].date.month: must be 1..12 (and 899 more)");
  // Sent base64-encoded: within gRPC's default 8 KiB for the trailers.
  EXPECT_LT(g.error_details().size() * 4 / 3, 8192u);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  google::rpc::BadRequest bad;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  EXPECT_GT(bad.field_violations_size(), 50);
  EXPECT_LT(bad.field_violations_size(), 900);
  EXPECT_EQ(bad.field_violations(0).field(), "statements[0].date.month");
}

}  // namespace
}  // namespace entente::service
