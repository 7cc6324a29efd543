// List filters (AIP-160 subset): parsing and type checking against a per-resource field table.
//
//   filter     = [expression]
//   expression = sequence {"AND" sequence}
//   sequence   = factor {factor}              (juxtaposition means AND)
//   factor     = term {"OR" term}             (OR binds tighter than AND, as in AIP-160)
//   term       = ["NOT" | "-"] simple
//   simple     = "(" expression ")" | field comparator value
//   comparator = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
//   value      = "string" | 'string' | number | word (enum value, true, false)
//
// ":" (has) on a string is a case-insensitive substring match; on a repeated field it asks
// whether any element equals the value. Timestamps and dates are quoted strings
// ("2026-11-26T10:00:00Z", "2027-01-31"). The result is a typed tree that storage compiles to
// parameterized SQL: user text never reaches SQL as text.
#ifndef ALLIES_API_FILTER_H_
#define ALLIES_API_FILTER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace allies::api {

enum class FieldKind {
  kString,
  kInt,
  kDouble,  // a decimal number ("2.5")
  kBool,
  kEnum,       // compared by name, stored as its number
  kTimestamp,  // RFC 3339
  kDate,       // YYYY-MM-DD
  kName,       // a resource name such as "libraries/x"; compared as the name
};

// One filterable (and possibly sortable) field of a resource.
struct FilterField {
  std::string name;  // as in the API: "display_name"
  FieldKind kind = FieldKind::kString;
  bool repeated = false;
  bool sortable = false;
  // kEnum: value names with their numbers (the UNSPECIFIED value excluded).
  std::vector<std::pair<std::string, int>> enum_values;
};

using FilterSchema = std::vector<FilterField>;

enum class Comparator { kEq, kNe, kLt, kLe, kGt, kGe, kHas };

// A civil date (google.type.Date without the partial forms).
struct Date {
  int year = 0, month = 0, day = 0;
  bool operator==(const Date& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
};

// "YYYY-MM-DD": how dates are written in filters, page tokens and SQL.
std::string FormatDate(const Date& date);
// A real calendar date written "YYYY-MM-DD" (digits only), or nullopt.
std::optional<Date> ParseDate(absl::string_view text);

using FilterValue = std::variant<std::string, int64_t, bool, absl::Time, Date, double>;

struct FilterExpr {
  enum class Type { kAnd, kOr, kNot, kCompare };
  Type type = Type::kCompare;
  std::vector<std::unique_ptr<FilterExpr>> children;  // kAnd, kOr: two or more; kNot: one
  // kCompare:
  const FilterField* field = nullptr;
  Comparator comparator = Comparator::kEq;
  FilterValue value;  // kEnum values hold their number as int64_t
};

// Parses and type-checks `filter` against `schema` (which must outlive the result). An empty
// or blank filter gives nullptr. Errors are INVALID_ARGUMENT on field "filter" (reason
// INVALID_FILTER) naming the position (1-based character) and, when known, the field.
absl::StatusOr<std::unique_ptr<FilterExpr>> ParseFilter(absl::string_view filter,
                                                        const FilterSchema& schema);

struct OrderTerm {
  const FilterField* field = nullptr;
  bool descending = false;
};

// Parses "display_name, create_time desc" against the sortable fields of `schema`. Empty gives
// an empty list. A field may appear once. Errors are INVALID_ARGUMENT on field "order_by".
absl::StatusOr<std::vector<OrderTerm>> ParseOrderBy(absl::string_view order_by,
                                                    const FilterSchema& schema);

// A canonical text of a parsed filter / order (for page-token fingerprints): equal queries
// written differently ("a=1" and "a = 1") give the same text.
std::string CanonicalFilter(const FilterExpr* expr);
std::string CanonicalOrder(const std::vector<OrderTerm>& order);

}  // namespace allies::api

#endif  // ALLIES_API_FILTER_H_
