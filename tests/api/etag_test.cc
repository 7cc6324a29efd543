#include "api/etag.h"

#include <gtest/gtest.h>

#include "api/errors.h"

namespace allies::api {
namespace {

TEST(EtagTest, ChangesWithRevisionAndTime) {
  absl::Time t = absl::FromUnixMicros(1795653163340589);
  EXPECT_EQ(ComputeEtag(1, t), ComputeEtag(1, t));
  EXPECT_NE(ComputeEtag(1, t), ComputeEtag(2, t));
  EXPECT_NE(ComputeEtag(1, t), ComputeEtag(1, t + absl::Microseconds(1)));
}

TEST(EtagTest, CheckAcceptsEmptyAndCurrent) {
  EXPECT_TRUE(CheckEtag("", "1-a", "libraries/x").ok());
  EXPECT_TRUE(CheckEtag("1-a", "1-a", "libraries/x").ok());
  absl::Status stale = CheckEtag("1-a", "2-b", "libraries/x");
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale), "ETAG_MISMATCH");
}

}  // namespace
}  // namespace allies::api
