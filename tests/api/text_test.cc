#include "api/text.h"

#include <gtest/gtest.h>

namespace allies::api {
namespace {

TEST(TextTest, CountsCharactersNotBytes) {
  EXPECT_EQ(CharCount(""), 0u);
  EXPECT_EQ(CharCount("abc"), 3u);
  EXPECT_EQ(CharCount("ёлка"), 4u);
  EXPECT_EQ(CharCount("Ё€𝄞"), 3u);
}

TEST(TextTest, LengthLimitIsInCharacters) {
  std::string cyrillic;
  for (int i = 0; i < 300; ++i) cyrillic += "ё";  // 600 bytes, 300 characters
  FieldViolations ok;
  CheckText(ok, "f", cyrillic, 300, true);
  EXPECT_TRUE(ok.empty());
  FieldViolations too_long;
  CheckText(too_long, "f", cyrillic + "a", 300, true);
  EXPECT_FALSE(too_long.empty());
}

TEST(TextTest, RequiredAndControlCharacters) {
  FieldViolations empty, blank, control, multiline_ok, multiline_bad;
  CheckText(empty, "f", "", 10, true);
  CheckText(blank, "f", "   ", 10, true);
  CheckText(control, "f", "a\nb", 10, false);
  CheckText(multiline_ok, "f", "a\nb\tc", 10, false, true);
  CheckText(multiline_bad, "f", std::string("a\0b", 3), 10, false, true);
  EXPECT_FALSE(empty.empty());
  EXPECT_FALSE(blank.empty());
  EXPECT_FALSE(control.empty());
  EXPECT_TRUE(multiline_ok.empty());
  EXPECT_FALSE(multiline_bad.empty());
}

TEST(TextTest, Urls) {
  for (const char* good : {"", "https://lib.ru", "http://библиотека.рф/о-нас"}) {
    FieldViolations v;
    CheckUrl(v, "website", good, 2000);
    EXPECT_TRUE(v.empty()) << good;
  }
  for (const char* bad : {"lib.ru", "ftp://lib.ru", "https://", "https:///path", "http://a b"}) {
    FieldViolations v;
    CheckUrl(v, "website", bad, 2000);
    EXPECT_FALSE(v.empty()) << bad;
  }
}

}  // namespace
}  // namespace allies::api
