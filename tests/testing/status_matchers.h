// StatusIs matcher and ASSERT_OK for absl::Status and StatusOr (absl
// 20220623 ships neither).
#ifndef ENTENTE_TESTS_TESTING_STATUS_MATCHERS_H_
#define ENTENTE_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace entente::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER_P(StatusIs, code, "has status code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code;
}

}  // namespace entente::testing

#define ASSERT_OK(expr)                                             \
  do {                                                              \
    const absl::Status _st = ::entente::testing::GetStatus(expr);   \
    ASSERT_TRUE(_st.ok()) << #expr << " failed: " << _st.ToString(); \
  } while (0)

#define EXPECT_OK(expr)                                             \
  do {                                                              \
    const absl::Status _st = ::entente::testing::GetStatus(expr);   \
    EXPECT_TRUE(_st.ok()) << #expr << " failed: " << _st.ToString(); \
  } while (0)

#endif  // ENTENTE_TESTS_TESTING_STATUS_MATCHERS_H_
