#include "api/pagination.h"

#include <gtest/gtest.h>

#include "api/errors.h"

namespace allies::api {
namespace {

TEST(PageSizeTest, DefaultsCapsAndRejectsNegative) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(1), 1);
  EXPECT_EQ(*EffectivePageSize(1000), 1000);
  EXPECT_EQ(*EffectivePageSize(1001), kMaxPageSize);
  auto negative = EffectivePageSize(-1);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, RoundTrips) {
  std::vector<std::string> key = {"oblast", "Библиотека ёлки", "", std::string(300, 'x')};
  std::string token = EncodePageToken("q1", key);
  auto decoded = DecodePageToken(token, "q1");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, key);
}

TEST(PageTokenTest, EmptyTokenIsFirstPage) {
  auto decoded = DecodePageToken("", "q1");
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->empty());
}

TEST(PageTokenTest, RejectsTokenOfAnotherQuery) {
  std::string token = EncodePageToken("parent=a", {"x"});
  auto decoded = DecodePageToken(token, "parent=b");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(decoded.status()), "INVALID_PAGE_TOKEN");
}

TEST(PageTokenTest, RejectsEveryAlteredCharacter) {
  std::string token = EncodePageToken("q", {"library-1"});
  for (size_t i = 0; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodePageToken(altered, "q").ok()) << i;
  }
  EXPECT_FALSE(DecodePageToken(token.substr(0, token.size() - 1), "q").ok());
  EXPECT_FALSE(DecodePageToken(token + "A", "q").ok());
  EXPECT_FALSE(DecodePageToken("not a token!", "q").ok());
  EXPECT_FALSE(DecodePageToken("AAAA", "q").ok());
}

}  // namespace
}  // namespace allies::api
