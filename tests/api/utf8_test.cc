#include "api/utf8.h"

#include <gtest/gtest.h>

namespace allies::api {
namespace {

TEST(Utf8Test, DecodesAndCounts) {
  size_t pos = 0;
  EXPECT_EQ(DecodeUtf8("ё", &pos), 0x451);
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(CharCount(""), 0u);
  EXPECT_EQ(CharCount("Ёлка"), 4u);
  EXPECT_EQ(CharCount("a€𝄞"), 3u);
}

TEST(Utf8Test, RejectsInvalidForms) {
  for (const std::string& bad :
       {std::string("\xff"), std::string("\xd0"), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"), std::string("\xe2\x82")}) {
    size_t pos = 0;
    EXPECT_EQ(DecodeUtf8(bad, &pos), -1);
    EXPECT_EQ(pos, 1u);
  }
}

TEST(Utf8Test, RepairsInvalidText) {
  EXPECT_EQ(ToValidUtf8("ёлка"), "ёлка");
  EXPECT_EQ(ToValidUtf8("a\xffz"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(ToValidUtf8("cut\xd0"), "cut\xEF\xBF\xBD");
}

}  // namespace
}  // namespace allies::api
