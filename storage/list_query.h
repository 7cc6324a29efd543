// Generic List support for every repository: a parsed filter (api/filter.h) compiled to a
// parameterized WHERE clause, ORDER BY for any sortable fields, and keyset conditions that keep
// pagination exact under any order (the row's id breaks ties).
#ifndef ALLIES_STORAGE_LIST_QUERY_H_
#define ALLIES_STORAGE_LIST_QUERY_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "api/filter.h"
#include "storage/session.h"

namespace allies::storage {

// How an API field of a resource maps to SQL.
struct ColumnSpec {
  ColumnSpec(std::string field, std::string column, std::string name_prefix = "",
             std::string has_sql = "", std::string sort_column = "")
      : field(std::move(field)),
        column(std::move(column)),
        name_prefix(std::move(name_prefix)),
        has_sql(std::move(has_sql)),
        sort_column(std::move(sort_column)) {}

  std::string field;   // API field name, as in the resource's api::FilterSchema
  std::string column;  // SQL column (qualified when the query joins)
  // kName fields: the prefix stripped before comparing ("libraries/" for a parent id column).
  std::string name_prefix;
  // Repeated fields: an EXISTS(...) with one "?" for the value, e.g.
  // "EXISTS (SELECT 1 FROM partner_tags t WHERE t.partner_id = partners.id AND t.tag = ?)".
  std::string has_sql;
  // When set, what ORDER BY and keyset conditions use instead of `column` (e.g. a COALESCE
  // that gives NULLs a place in the order).
  std::string sort_column;
};

struct SqlClause {
  std::string sql;  // empty: no condition
  std::vector<SqlValue> params;
};

// WHERE condition for a filter (nullptr gives an empty clause). Every field of the filter must
// have a ColumnSpec; a missing one is INTERNAL (a programming error, not a user one).
absl::StatusOr<SqlClause> CompileFilter(const api::FilterExpr* filter,
                                        const std::vector<ColumnSpec>& columns);

// "ORDER BY c1 DESC, c2, id" (the id columns, ascending, break ties: the row's key, e.g.
// {"id"} or {"t.library_id", "t.id"}).
std::string OrderByClause(const std::vector<api::OrderTerm>& order,
                          const std::vector<ColumnSpec>& columns,
                          const std::vector<std::string>& id_columns);

// Rows strictly after `key` in that order; `key` holds one value per order term, then one per id
// column (as produced by the repository for the last row of a page). Empty key: no condition.
absl::StatusOr<SqlClause> KeysetClause(const std::vector<api::OrderTerm>& order,
                                       const std::vector<ColumnSpec>& columns,
                                       const std::vector<std::string>& id_columns,
                                       const std::vector<std::string>& key);

// What every List query shares: the compiled inputs of api::ParseList and the caller's scope.
struct ListWindow {
  const api::FilterExpr* filter = nullptr;  // fields as in the API (see the repository's Columns())
  std::vector<api::OrderTerm> order;        // then by id
  std::vector<std::string> after_key;       // keyset: SortKey() of the last row seen
  int limit = 50;
  std::optional<std::string> within;  // only this library's subtree
};

// Joins non-empty clauses with AND.
SqlClause AllOf(std::vector<SqlClause> clauses);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_LIST_QUERY_H_
