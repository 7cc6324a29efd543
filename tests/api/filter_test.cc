#include "api/filter.h"

#include <gtest/gtest.h>

#include "api/errors.h"
#include "google/rpc/error_details.pb.h"

namespace allies::api {
namespace {

const FilterSchema& Schema() {
  static const FilterSchema* schema = new FilterSchema{
      {"name", FieldKind::kName, false, true, {}},
      {"display_name", FieldKind::kString, false, true, {}},
      {"kind", FieldKind::kEnum, false, true, {{"REGIONAL", 1}, {"BRANCH", 4}}},
      {"employees", FieldKind::kInt, false, true, {}},
      {"active", FieldKind::kBool, false, false, {}},
      {"create_time", FieldKind::kTimestamp, false, true, {}},
      {"end_date", FieldKind::kDate, false, true, {}},
      {"tags", FieldKind::kString, true, false, {}},
      {"parent", FieldKind::kName, false, false, {}},
  };
  return *schema;
}

std::string Canonical(absl::string_view filter) {
  auto parsed = ParseFilter(filter, Schema());
  EXPECT_TRUE(parsed.ok()) << filter << ": " << parsed.status();
  return parsed.ok() ? CanonicalFilter(parsed->get()) : "<error>";
}

// The 1-based position an error names, from its ErrorInfo metadata.
int ErrorPosition(absl::string_view filter) {
  auto parsed = ParseFilter(filter, Schema());
  EXPECT_FALSE(parsed.ok()) << filter;
  if (parsed.ok()) return -1;
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(parsed.status()), "INVALID_FILTER");
  auto payload = parsed.status().GetPayload("type.googleapis.com/google.rpc.ErrorInfo");
  google::rpc::ErrorInfo info;
  info.ParseFromString(std::string(*payload));
  EXPECT_TRUE(parsed.status().GetPayload("type.googleapis.com/google.rpc.BadRequest").has_value());
  return std::stoi(info.metadata().at("position"));
}

TEST(FilterTest, EmptyIsNoFilter) {
  auto parsed = ParseFilter("  ", Schema());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->get(), nullptr);
}

TEST(FilterTest, Comparisons) {
  EXPECT_EQ(Canonical("display_name = \"Библиотека\""), "display_name=s20:Библиотека");
  EXPECT_EQ(Canonical("display_name='ёлка'"), "display_name=s8:ёлка");
  EXPECT_EQ(Canonical("display_name != x"), "display_name!=s1:x");
  EXPECT_EQ(Canonical("employees >= -5"), "employees>=i-5");
  EXPECT_EQ(Canonical("employees<10"), "employees<i10");
  EXPECT_EQ(Canonical("active = true"), "active=true");
  EXPECT_EQ(Canonical("kind = branch"), "kind=i4");
  EXPECT_EQ(Canonical("display_name: книг"), "display_name:s8:книг");
  EXPECT_EQ(Canonical("tags: \"дети\""), "tags:s8:дети");
  EXPECT_EQ(Canonical("end_date <= \"2027-01-31\""), "end_date<=d2027-01-31");
  EXPECT_EQ(Canonical("create_time > \"2026-11-26T10:00:00Z\""), "create_time>t1795687200000000");
  EXPECT_EQ(Canonical("create_time > \"2026-11-26\""), "create_time>t1795651200000000");
  EXPECT_EQ(Canonical("parent = \"libraries/x\""), "parent=s11:libraries/x");
  EXPECT_EQ(Canonical("parent = \"\""), "parent=s0:");
}

TEST(FilterTest, BooleanStructureAndPrecedence) {
  // OR binds tighter than AND (AIP-160); juxtaposition is AND.
  EXPECT_EQ(Canonical("kind = BRANCH AND active = true OR employees > 3"),
            "(AND kind=i4 (OR active=true employees>i3))");
  EXPECT_EQ(Canonical("kind = BRANCH active = true"), "(AND kind=i4 active=true)");
  EXPECT_EQ(Canonical("(kind = BRANCH AND active = true) OR employees > 3"),
            "(OR (AND kind=i4 active=true) employees>i3)");
  EXPECT_EQ(Canonical("NOT active = true"), "(NOT active=true)");
  EXPECT_EQ(Canonical("-active = true"), "(NOT active=true)");
  EXPECT_EQ(Canonical("NOT (kind = BRANCH OR kind = REGIONAL)"), "(NOT (OR kind=i4 kind=i1))");
  // Spacing does not change the meaning.
  EXPECT_EQ(Canonical("employees=1 AND kind=BRANCH"),
            Canonical("employees = 1  AND  kind = BRANCH"));
}

TEST(FilterTest, ErrorsNameThePosition) {
  EXPECT_EQ(ErrorPosition("colour = red"), 1);
  EXPECT_EQ(ErrorPosition("kind = BRANCH AND colour = red"), 19);
  EXPECT_EQ(ErrorPosition("kind = PURPLE"), 8);
  EXPECT_EQ(ErrorPosition("employees = many"), 13);
  EXPECT_EQ(ErrorPosition("active = yes"), 10);
  EXPECT_EQ(ErrorPosition("kind < BRANCH"), 6);
  EXPECT_EQ(ErrorPosition("employees: 3"), 10);
  EXPECT_EQ(ErrorPosition("tags = x"), 6);
  EXPECT_EQ(ErrorPosition("end_date = \"2027-02-30\""), 12);
  EXPECT_EQ(ErrorPosition("create_time > \"yesterday\""), 15);
  EXPECT_EQ(ErrorPosition("display_name = \"open"), 16);
  EXPECT_EQ(ErrorPosition("(kind = BRANCH"), 15);
  EXPECT_EQ(ErrorPosition("kind = BRANCH)"), 14);
  EXPECT_EQ(ErrorPosition("kind ="), 7);
  EXPECT_EQ(ErrorPosition("kind BRANCH"), 6);
  EXPECT_EQ(ErrorPosition("AND kind = BRANCH"), 1);
  EXPECT_EQ(ErrorPosition("kind = BRANCH AND"), 18);
  EXPECT_EQ(ErrorPosition("ёлка = 1"), 1);
  EXPECT_EQ(ErrorPosition("display_name ! x"), 14);
  EXPECT_EQ(ErrorPosition("display_name = x; DROP TABLE libraries"), 17);
  EXPECT_EQ(ErrorPosition("parent = notaname"), 10);
}

TEST(FilterTest, ErrorsNameTheField) {
  auto parsed = ParseFilter("kind = PURPLE", Schema());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("kind"), absl::string_view::npos);
  EXPECT_NE(parsed.status().message().find("REGIONAL"), absl::string_view::npos);
}

TEST(FilterTest, LimitsDepthAndSize) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "(";
  deep += "active = true";
  for (int i = 0; i < 100; ++i) deep += ")";
  EXPECT_FALSE(ParseFilter(deep, Schema()).ok());
  std::string many;
  for (int i = 0; i < 300; ++i) many += "active = true ";
  EXPECT_FALSE(ParseFilter(many, Schema()).ok());
  EXPECT_FALSE(ParseFilter(std::string(10000, ' '), Schema()).ok());
}

TEST(OrderByTest, ParsesSortableFields) {
  auto order = ParseOrderBy("display_name, create_time desc", Schema());
  ASSERT_TRUE(order.ok()) << order.status();
  ASSERT_EQ(order->size(), 2u);
  EXPECT_EQ((*order)[0].field->name, "display_name");
  EXPECT_FALSE((*order)[0].descending);
  EXPECT_TRUE((*order)[1].descending);
  EXPECT_EQ(CanonicalOrder(*order), "display_name,create_time desc,");
  EXPECT_TRUE(ParseOrderBy("", Schema())->empty());
  EXPECT_EQ(CanonicalOrder(*ParseOrderBy(" kind  asc ", Schema())), "kind,");
}

TEST(OrderByTest, Errors) {
  for (const char* bad :
       {"active", "tags", "colour", "kind up", "kind desc extra", ",", "kind, kind"}) {
    auto order = ParseOrderBy(bad, Schema());
    ASSERT_FALSE(order.ok()) << bad;
    EXPECT_EQ(ErrorReason(order.status()), "INVALID_ORDER_BY") << bad;
  }
}

}  // namespace
}  // namespace allies::api
