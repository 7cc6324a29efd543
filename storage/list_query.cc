#include "storage/list_query.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "api/errors.h"

namespace allies::storage {
namespace {

const ColumnSpec* Find(const std::vector<ColumnSpec>& columns, const std::string& field) {
  for (const auto& c : columns) {
    if (c.field == field) return &c;
  }
  return nullptr;
}

const std::string& SortColumn(const ColumnSpec& c) {
  return c.sort_column.empty() ? c.column : c.sort_column;
}

const char* SqlComparator(api::Comparator c) {
  switch (c) {
    case api::Comparator::kEq:
      return "=";
    case api::Comparator::kNe:
      return "<>";
    case api::Comparator::kLt:
      return "<";
    case api::Comparator::kLe:
      return "<=";
    case api::Comparator::kGt:
      return ">";
    case api::Comparator::kGe:
      return ">=";
    case api::Comparator::kHas:
      return "LIKE";
  }
  return "=";
}

// LIKE pattern matching `text` anywhere, with LIKE's own characters escaped.
std::string ContainsPattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

SqlValue ToSqlValue(const api::FilterValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* t = std::get_if<absl::Time>(&v)) return *t;
  if (auto* x = std::get_if<double>(&v)) return *x;
  const auto& d = std::get<api::Date>(v);
  return api::FormatDate(d);
}

absl::Status Compile(const api::FilterExpr& e, const std::vector<ColumnSpec>& columns,
                     SqlClause& out) {
  switch (e.type) {
    case api::FilterExpr::Type::kAnd:
    case api::FilterExpr::Type::kOr: {
      out.sql += '(';
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out.sql += e.type == api::FilterExpr::Type::kAnd ? " AND " : " OR ";
        absl::Status status = Compile(*e.children[i], columns, out);
        if (!status.ok()) return status;
      }
      out.sql += ')';
      return absl::OkStatus();
    }
    case api::FilterExpr::Type::kNot: {
      // NOT over a NULL comparison is NULL; COALESCE makes "not matching" include NULLs.
      out.sql += "NOT COALESCE(";
      absl::Status status = Compile(*e.children[0], columns, out);
      out.sql += ", FALSE)";
      return status;
    }
    case api::FilterExpr::Type::kCompare:
      break;
  }
  const ColumnSpec* column = Find(columns, e.field->name);
  if (column == nullptr) {
    return absl::InternalError(absl::StrCat("no column for filter field ", e.field->name));
  }
  if (e.field->repeated) {
    out.sql += column->has_sql;
    out.params.push_back(ToSqlValue(e.value));
    return absl::OkStatus();
  }
  if (e.comparator == api::Comparator::kHas) {
    absl::StrAppend(&out.sql, column->column, " LIKE ?");
    out.params.push_back(ContainsPattern(std::get<std::string>(e.value)));
    return absl::OkStatus();
  }
  std::optional<std::string> e_value;  // a name value without its column's prefix
  if (e.field->kind == api::FieldKind::kName) {
    std::string value = std::get<std::string>(e.value);
    if (value.empty()) {  // "no such reference": NULL
      absl::StrAppend(&out.sql, column->column,
                      e.comparator == api::Comparator::kEq ? " IS NULL" : " IS NOT NULL");
      return absl::OkStatus();
    }
    if (absl::StartsWith(value, column->name_prefix)) value.erase(0, column->name_prefix.size());
    e_value = std::move(value);
  }
  const SqlValue param = e_value ? SqlValue(*e_value) : ToSqlValue(e.value);
  if (e.comparator == api::Comparator::kNe) {
    // "Not equal" includes rows without a value (NULL), as NOT does.
    absl::StrAppend(&out.sql, "(", column->column, " <> ? OR ", column->column, " IS NULL)");
  } else {
    absl::StrAppend(&out.sql, column->column, " ", SqlComparator(e.comparator), " ?");
  }
  out.params.push_back(param);
  return absl::OkStatus();
}

// A page-token key value back to a typed argument for its column.
absl::StatusOr<SqlValue> KeyValue(const api::FilterField& field, const std::string& text) {
  switch (field.kind) {
    case api::FieldKind::kInt:
    case api::FieldKind::kEnum:
    case api::FieldKind::kBool: {
      int64_t n = 0;
      if (!absl::SimpleAtoi(text, &n)) {
        return api::InvalidField("page_token", "is malformed", "INVALID_PAGE_TOKEN");
      }
      return SqlValue(n);
    }
    case api::FieldKind::kDouble: {
      double x = 0;
      if (!absl::SimpleAtod(text, &x)) {
        return api::InvalidField("page_token", "is malformed", "INVALID_PAGE_TOKEN");
      }
      return SqlValue(x);
    }
    case api::FieldKind::kTimestamp: {
      absl::Time t = FromSqlDatetime(text);
      if (t == absl::InfinitePast()) {
        return api::InvalidField("page_token", "is malformed", "INVALID_PAGE_TOKEN");
      }
      return SqlValue(t);
    }
    default:
      return SqlValue(text);
  }
}

}  // namespace

absl::StatusOr<SqlClause> CompileFilter(const api::FilterExpr* filter,
                                        const std::vector<ColumnSpec>& columns) {
  SqlClause out;
  if (filter == nullptr) return out;
  absl::Status status = Compile(*filter, columns, out);
  if (!status.ok()) return status;
  return out;
}

std::string OrderByClause(const std::vector<api::OrderTerm>& order,
                          const std::vector<ColumnSpec>& columns,
                          const std::vector<std::string>& id_columns) {
  std::vector<std::string> parts;
  for (const auto& term : order) {
    const ColumnSpec* column = Find(columns, term.field->name);
    if (column) parts.push_back(absl::StrCat(SortColumn(*column), term.descending ? " DESC" : ""));
  }
  for (const auto& id_column : id_columns) parts.push_back(id_column);
  return absl::StrCat("ORDER BY ", absl::StrJoin(parts, ", "));
}

absl::StatusOr<SqlClause> KeysetClause(const std::vector<api::OrderTerm>& order,
                                       const std::vector<ColumnSpec>& columns,
                                       const std::vector<std::string>& id_columns,
                                       const std::vector<std::string>& key) {
  SqlClause out;
  if (key.empty()) return out;
  if (key.size() != order.size() + id_columns.size()) {
    return api::InvalidField("page_token", "does not match the order", "INVALID_PAGE_TOKEN");
  }
  // (c1 > v1) OR (c1 = v1 AND c2 > v2) OR ... OR (c1 = v1 AND ... AND id > vid), with "<" for
  // descending terms.
  std::vector<std::string> names;
  std::vector<SqlValue> values;
  std::vector<bool> descending;
  for (size_t i = 0; i < order.size(); ++i) {
    const ColumnSpec* column = Find(columns, order[i].field->name);
    if (column == nullptr) return absl::InternalError("no column for sort field");
    auto value = KeyValue(*order[i].field, key[i]);
    if (!value.ok()) return value.status();
    names.push_back(SortColumn(*column));
    values.push_back(*value);
    descending.push_back(order[i].descending);
  }
  for (size_t i = 0; i < id_columns.size(); ++i) {
    names.push_back(id_columns[i]);
    values.push_back(key[order.size() + i]);
    descending.push_back(false);
  }
  std::vector<std::string> alternatives;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string alternative = "(";
    for (size_t j = 0; j < i; ++j) {
      absl::StrAppend(&alternative, names[j], " = ? AND ");
      out.params.push_back(values[j]);
    }
    absl::StrAppend(&alternative, names[i], descending[i] ? " < ?" : " > ?", ")");
    out.params.push_back(values[i]);
    alternatives.push_back(alternative);
  }
  out.sql = absl::StrCat("(", absl::StrJoin(alternatives, " OR "), ")");
  return out;
}

SqlClause AllOf(std::vector<SqlClause> clauses) {
  SqlClause out;
  for (auto& c : clauses) {
    if (c.sql.empty()) continue;
    if (!out.sql.empty()) out.sql += " AND ";
    out.sql += c.sql;
    for (auto& p : c.params) out.params.push_back(std::move(p));
  }
  return out;
}

}  // namespace allies::storage
