#include "api/log.h"

#include <gtest/gtest.h>

namespace allies::api {
namespace {

std::string Json(absl::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

TEST(LogTest, EscapesJson) {
  EXPECT_EQ(Json("plain"), "\"plain\"");
  EXPECT_EQ(Json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Json("line\nnext\t"), "\"line\\nnext\\t\"");
  EXPECT_EQ(Json(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(Json("Библиотека ё"), "\"Библиотека ё\"");
  EXPECT_EQ(Json("bad\xff"), "\"bad\\ufffd\"");
  EXPECT_EQ(Json("cut\xd0"), "\"cut\\ufffd\"");
}

TEST(LogTest, ValuesRenderByType) {
  std::string out;
  LogValue("text").AppendTo(out);
  LogValue(42).AppendTo(out);
  LogValue(1.5).AppendTo(out);
  LogValue(true).AppendTo(out);
  EXPECT_EQ(out, "\"text\"421.500true");
}

}  // namespace
}  // namespace allies::api
