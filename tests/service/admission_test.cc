// Admission pools (service/admission.h) on their own: which pool a method
// draws from, each pool's limit, and the per-address bound on Watch.
#include "service/admission.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace entente::service {
namespace {

using ::testing::HasSubstr;

TEST(AdmissionTest, EachMethodDrawsFromThePoolOfTheRoleItNeeds) {
  EXPECT_EQ(CallClassOf("/entente.v1.GraphService/Traverse"), CallClass::kReader);
  EXPECT_EQ(CallClassOf("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
            CallClass::kReader);
  EXPECT_EQ(CallClassOf("/entente.v1.IngestService/IngestStream"), CallClass::kWriter);
  EXPECT_EQ(CallClassOf("/entente.v1.AdminService/Check"), CallClass::kAdmin);
  EXPECT_EQ(CallClassOf("/entente.v1.NoSuchService/Do"), CallClass::kAdmin);
  EXPECT_EQ(CallClassOf("/grpc.health.v1.Health/Check"), CallClass::kOpen);
  EXPECT_EQ(CallClassOf("/grpc.health.v1.Health/Watch"), CallClass::kHealthWatch);
}

TEST(AdmissionTest, PeerHostDropsThePortOnly) {
  EXPECT_EQ(PeerHost("ipv4:127.0.0.1:5555"), "ipv4:127.0.0.1");
  EXPECT_EQ(PeerHost("ipv6:[::1]:5555"), "ipv6:[::1]");
  EXPECT_EQ(PeerHost("ipv6:[::1]"), "ipv6:[::1]");
  EXPECT_EQ(PeerHost("unix:/tmp/s"), "unix:/tmp/s");
  EXPECT_EQ(PeerHost(""), "");
}

TEST(AdmissionTest, APoolRefusesPastItsLimitAndOtherPoolsAreUnaffected) {
  AdmissionLimits limits;
  limits.per_pool = 2;
  Admission a(limits);
  const std::string peer = "ipv4:10.0.0.1:1";
  ASSERT_TRUE(a.Acquire(CallClass::kReader, peer).ok());
  ASSERT_TRUE(a.Acquire(CallClass::kReader, peer).ok());
  const absl::Status refused = a.Acquire(CallClass::kReader, peer);
  EXPECT_TRUE(absl::IsResourceExhausted(refused));
  EXPECT_THAT(refused.message(), HasSubstr("2 reader calls already in flight"));
  EXPECT_THAT(refused.message(), HasSubstr("--max_concurrent_streams"));
  EXPECT_EQ(a.in_use(CallClass::kReader), 2);
  EXPECT_TRUE(a.Acquire(CallClass::kWriter, peer).ok());
  EXPECT_TRUE(a.Acquire(CallClass::kOpen, peer).ok());
  a.Release(CallClass::kReader, peer);
  EXPECT_TRUE(a.Acquire(CallClass::kReader, peer).ok());
}

TEST(AdmissionTest, ZeroMeansNoLimit) {
  AdmissionLimits limits;
  limits.per_pool = 0;
  Admission a(limits);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(a.Acquire(CallClass::kWriter, "p").ok());
  EXPECT_EQ(a.in_use(CallClass::kWriter), 1000);
}

TEST(AdmissionTest, WatchStreamsAreBoundedPerAddressAndInAll) {
  AdmissionLimits limits;
  limits.watches_per_peer = 2;
  limits.watches_total = 3;
  Admission a(limits);
  // Two ports of one address are one client.
  ASSERT_TRUE(a.Acquire(CallClass::kHealthWatch, "ipv4:10.0.0.1:1").ok());
  ASSERT_TRUE(a.Acquire(CallClass::kHealthWatch, "ipv4:10.0.0.1:2").ok());
  const absl::Status third = a.Acquire(CallClass::kHealthWatch, "ipv4:10.0.0.1:3");
  EXPECT_TRUE(absl::IsResourceExhausted(third));
  EXPECT_THAT(third.message(), HasSubstr("Watch"));
  ASSERT_TRUE(a.Acquire(CallClass::kHealthWatch, "ipv4:10.0.0.2:1").ok());
  // The total is reached: a fourth address is refused too.
  EXPECT_FALSE(a.Acquire(CallClass::kHealthWatch, "ipv4:10.0.0.3:1").ok());
  a.Release(CallClass::kHealthWatch, "ipv4:10.0.0.1:9");
  EXPECT_TRUE(a.Acquire(CallClass::kHealthWatch, "ipv4:10.0.0.3:1").ok());
  EXPECT_EQ(a.in_use(CallClass::kHealthWatch), 3);
  // Watch streams never count against the other pools.
  EXPECT_EQ(a.in_use(CallClass::kOpen), 0);
}

TEST(AdmissionTest, ConcurrentAcquiresNeverPassTheLimit) {
  AdmissionLimits limits;
  limits.per_pool = 50;
  Admission a(limits);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (a.Acquire(CallClass::kReader, "p").ok()) ++admitted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 50);
  EXPECT_EQ(a.in_use(CallClass::kReader), 50);
}

}  // namespace
}  // namespace entente::service
