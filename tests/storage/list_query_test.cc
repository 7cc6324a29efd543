// The SQL a List compiles to: filters as parameterized WHERE clauses (every kind of field,
// repeated ones, names, NOT and OR), ORDER BY with the key's columns, and keyset conditions that
// page exactly under any order. No database: the text and the bound values are checked.
#include "storage/list_query.h"

#include <gtest/gtest.h>

#include "api/errors.h"

namespace allies::storage {
namespace {

const api::FilterSchema& Schema() {
  static const auto* schema = new api::FilterSchema{
      {"title", api::FieldKind::kString, false, true, {}},
      {"pages", api::FieldKind::kInt, false, true, {}},
      {"rating", api::FieldKind::kDouble, false, true, {}},
      {"kind", api::FieldKind::kEnum, false, true, {{"OPEN", 1}, {"CLOSED", 2}}},
      {"parent", api::FieldKind::kName, false, false, {}},
      {"tags", api::FieldKind::kString, true, false, {}},
      {"done", api::FieldKind::kBool, false, false, {}},
      {"due", api::FieldKind::kDate, false, true, {}},
      {"seen", api::FieldKind::kTimestamp, false, true, {}},
  };
  return *schema;
}

const std::vector<ColumnSpec>& Columns() {
  static const auto* columns = new std::vector<ColumnSpec>{
      {"title", "t.title"},
      {"pages", "t.pages"},
      {"rating", "t.rating", "", "", "COALESCE(t.rating, 0)"},
      {"kind", "t.kind"},
      {"parent", "t.parent_id", "libraries/"},
      {"tags", "", "", "EXISTS (SELECT 1 FROM v WHERE v.value = ?)"},
      {"done", "t.done"},
      {"due", "t.due"},
      {"seen", "t.seen"},
  };
  return *columns;
}

SqlClause Compiled(const std::string& filter) {
  auto parsed = api::ParseFilter(filter, Schema());
  EXPECT_TRUE(parsed.ok()) << filter << ": " << parsed.status();
  if (!parsed.ok()) return {};
  auto clause = CompileFilter(parsed->get(), Columns());
  EXPECT_TRUE(clause.ok()) << clause.status();
  return clause.ok() ? *clause : SqlClause{};
}

std::string Text(const SqlValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return "s:" + *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return "i:" + std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return "d:" + std::to_string(*d);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "b:1" : "b:0";
  if (std::holds_alternative<absl::Time>(v)) return "t";
  return "null";
}

std::vector<std::string> Params(const SqlClause& c) {
  std::vector<std::string> out;
  for (const auto& v : c.params) out.push_back(Text(v));
  return out;
}

TEST(ListQueryTest, FiltersCompileToParameters) {
  SqlClause c = Compiled("title = \"Ёлка\" AND pages >= 10 OR rating < 2.5");
  // OR binds tighter than AND (AIP-160).
  EXPECT_EQ(c.sql, "(t.title = ? AND (t.pages >= ? OR t.rating < ?))");
  EXPECT_EQ(Params(c), (std::vector<std::string>{"s:Ёлка", "i:10", "d:2.500000"}));

  c = Compiled("title: \"50%_off\\\\\"");
  EXPECT_EQ(c.sql, "t.title LIKE ?");
  EXPECT_EQ(Params(c), std::vector<std::string>{"s:%50\\%\\_off\\\\%"});

  c = Compiled("kind = CLOSED AND tags: \"детская\" AND done = true");
  EXPECT_EQ(c.sql, "(t.kind = ? AND EXISTS (SELECT 1 FROM v WHERE v.value = ?) AND t.done = ?)");
  EXPECT_EQ(Params(c), (std::vector<std::string>{"i:2", "s:детская", "b:1"}));

  // Names are compared without their prefix; the empty name is "none".
  c = Compiled("parent = \"libraries/oblast\"");
  EXPECT_EQ(c.sql, "t.parent_id = ?");
  EXPECT_EQ(Params(c), std::vector<std::string>{"s:oblast"});
  EXPECT_EQ(Compiled("parent = \"\"").sql, "t.parent_id IS NULL");
  EXPECT_EQ(Compiled("parent != \"\"").sql, "t.parent_id IS NOT NULL");

  // "Not equal" and NOT include rows without a value.
  EXPECT_EQ(Compiled("title != \"x\"").sql, "(t.title <> ? OR t.title IS NULL)");
  EXPECT_EQ(Compiled("NOT pages = 3").sql, "NOT COALESCE(t.pages = ?, FALSE)");
  EXPECT_EQ(Params(Compiled("due < \"2027-01-31\"")), std::vector<std::string>{"s:2027-01-31"});
  EXPECT_EQ(Params(Compiled("seen > \"2026-11-26T10:00:00Z\"")), std::vector<std::string>{"t"});
  EXPECT_TRUE(CompileFilter(nullptr, Columns())->sql.empty());
}

TEST(ListQueryTest, AFilterFieldWithoutAColumnIsAnInternalError) {
  auto parsed = api::ParseFilter("pages = 1", Schema());
  ASSERT_TRUE(parsed.ok());
  auto clause = CompileFilter(parsed->get(), {{"title", "t.title"}});
  EXPECT_EQ(clause.status().code(), absl::StatusCode::kInternal);
}

std::vector<api::OrderTerm> Order(const std::string& order_by) {
  auto order = api::ParseOrderBy(order_by, Schema());
  EXPECT_TRUE(order.ok()) << order.status();
  return order.ok() ? *order : std::vector<api::OrderTerm>{};
}

TEST(ListQueryTest, OrderByEndsWithTheKey) {
  const std::vector<std::string> key = {"t.library_id", "t.shelf_id", "t.id"};
  EXPECT_EQ(OrderByClause(Order("rating desc, title"), Columns(), key),
            "ORDER BY COALESCE(t.rating, 0) DESC, t.title, t.library_id, t.shelf_id, t.id");
  EXPECT_EQ(OrderByClause({}, Columns(), key), "ORDER BY t.library_id, t.shelf_id, t.id");
}

TEST(ListQueryTest, KeysetConditionsPageExactlyUnderAnyOrder) {
  const std::vector<std::string> key = {"t.library_id", "t.id"};
  EXPECT_TRUE(KeysetClause(Order("pages"), Columns(), key, {})->sql.empty());
  auto c = KeysetClause(Order("pages desc"), Columns(), key, {"7", "city", "b"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->sql,
            "((t.pages < ?) OR (t.pages = ? AND t.library_id > ?) OR "
            "(t.pages = ? AND t.library_id = ? AND t.id > ?))");
  EXPECT_EQ(Params(*c), (std::vector<std::string>{"i:7", "i:7", "s:city", "i:7", "s:city", "s:b"}));
  c = KeysetClause(Order("rating"), Columns(), key, {"2.5", "city", "b"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sql.substr(0, 28), "((COALESCE(t.rating, 0) > ?)");
  EXPECT_EQ(Params(*c)[0], "d:2.500000");
  // A key of the wrong shape or type is the caller's bad token.
  EXPECT_EQ(api::ErrorReason(KeysetClause(Order("pages"), Columns(), key, {"x", "y"}).status()),
            "INVALID_PAGE_TOKEN");
  EXPECT_EQ(
      api::ErrorReason(KeysetClause(Order("pages"), Columns(), key, {"many", "c", "b"}).status()),
      "INVALID_PAGE_TOKEN");
}

TEST(ListQueryTest, AllOfJoinsWhatIsThere) {
  SqlClause c = AllOf({{"a = ?", {int64_t{1}}}, {}, {"b = ?", {std::string("x")}}});
  EXPECT_EQ(c.sql, "a = ? AND b = ?");
  EXPECT_EQ(Params(c), (std::vector<std::string>{"i:1", "s:x"}));
  EXPECT_TRUE(AllOf({{}, {}}).sql.empty());
}

}  // namespace
}  // namespace allies::storage
