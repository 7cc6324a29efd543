#include "api/names.h"

#include <gtest/gtest.h>

#include <set>

#include "api/errors.h"

namespace allies::api {
namespace {

TEST(NamesTest, ValidIds) {
  EXPECT_TRUE(IsValidResourceId("a"));
  EXPECT_TRUE(IsValidResourceId("oblast-lib-1"));
  EXPECT_TRUE(IsValidResourceId(std::string(63, 'z')));
  EXPECT_FALSE(IsValidResourceId(""));
  EXPECT_FALSE(IsValidResourceId(std::string(64, 'z')));
  EXPECT_FALSE(IsValidResourceId("1abc"));
  // A number: a yearly report's year.
  EXPECT_TRUE(IsValidResourceId("2026"));
  EXPECT_TRUE(IsValidResourceId("1"));
  EXPECT_FALSE(IsValidResourceId("02026")) << "no leading zero: one name per number";
  EXPECT_FALSE(IsValidResourceId("0"));
  EXPECT_FALSE(IsValidResourceId("2026-"));
  EXPECT_FALSE(IsValidResourceId(std::string(19, '9')));
  EXPECT_FALSE(IsValidResourceId("Abc"));
  EXPECT_FALSE(IsValidResourceId("ab_c"));
  EXPECT_FALSE(IsValidResourceId("-ab"));
  EXPECT_FALSE(IsValidResourceId("библиотека"));
}

TEST(NamesTest, GeneratedIdsAreValidAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = GenerateResourceId();
    EXPECT_TRUE(IsValidResourceId(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(NamesTest, ParsesAndFormatsNestedNames) {
  NamePattern pattern("libraries/{library}/partners/{partner}");
  auto ids = pattern.Parse("libraries/oblast/partners/bank-1", "name");
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::vector<std::string>{"oblast", "bank-1"}));
  EXPECT_EQ(pattern.Format({"oblast", "bank-1"}), "libraries/oblast/partners/bank-1");
}

TEST(NamesTest, RejectsMalformedNamesWithFieldViolation) {
  for (const char* bad :
       {"", "libraries", "libraries/", "library/x", "libraries/X", "libraries/x/extra",
        "libraries/x/", "/libraries/x", "libraries/библиотека"}) {
    auto id = ParseLibraryName(bad, "name");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorReason(id.status()), "INVALID_RESOURCE_NAME");
  }
  auto id = ParseLibraryName("libraries/cbs-2", "name");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "cbs-2");
  EXPECT_EQ(LibraryName("cbs-2"), "libraries/cbs-2");
}

TEST(NamesTest, LibraryIdOfAResourceName) {
  EXPECT_EQ(LibraryIdOf("libraries/city"), "city");
  EXPECT_EQ(LibraryIdOf("libraries/city/partners/bank"), "city");
  EXPECT_EQ(LibraryIdOf("libraries/city/projects/p/shifts/s"), "city");
  for (const char* bad : {"", "libraries", "libraries/city/partners", "apiKeys/k", "x/city"}) {
    EXPECT_EQ(LibraryIdOf(bad), "") << bad;
  }
}

}  // namespace
}  // namespace allies::api
