// Output formatting for alliesctl: output formats, a generic aligned table of
// string cells (fitted to the terminal's width), JSON and YAML (yaml-cpp) rendering of
// protobuf messages, and the resource names of -o name.
#ifndef ALLIES_CLIENTS_ALLIESCTL_OUTPUT_H_
#define ALLIES_CLIENTS_ALLIESCTL_OUTPUT_H_

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "google/type/money.pb.h"

namespace allies::ctl {

// kName prints the resource names of a result, one per line; kDescribe is the view of
// `<resource> describe` (describe.h), not a value of -o.
enum class OutputFormat { kTable, kJson, kYaml, kCsv, kHtml, kName, kDescribe };

// How a table shows an absent value; CSV leaves such cells empty.
inline constexpr char kEmptyCell[] = "<none>";

// Parses "table", "json", "yaml", "csv", "html" or "name" (case-insensitive).
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view value);
// The names accepted by ParseOutputFormat, for usage text: "table|json|yaml|csv|html|name".
std::string OutputFormatNames();

// The number of terminal columns `text` occupies, assuming UTF-8: one per code
// point, except combining marks and zero-width characters (zero). Bytes that
// are not valid UTF-8 count one each.
size_t DisplayWidth(absl::string_view text);

// A table of string cells; every row should have headers.size() cells (short
// rows are padded with empty cells, extra cells are ignored).
struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

// Renders `table` with columns left-aligned by display width and separated by
// three spaces, one line per row, header first, no trailing spaces. Control
// characters inside cells (newlines, tabs) are replaced by spaces so that each
// row stays on one line. With a `max_width` (0: none) that the table exceeds, the
// widest columns shrink to a common width until the lines fit (no column below
// kMinColumnWidth, or its own width when that is less), and the cells longer than
// their column are cut with "…" (TruncateToWidth).
std::string RenderTable(const Table& table, size_t max_width = 0);

inline constexpr size_t kMinColumnWidth = 6;

// `text` cut to at most `width` display columns: unchanged when it fits, else its
// longest prefix of width - 1 followed by "…" (combining marks stay with their letter).
std::string TruncateToWidth(absl::string_view text, size_t width);

// The width tables are fitted to: $COLUMNS when it is a positive number, else the
// terminal's width when stdout is a terminal, else 0 (no limit: output to a file
// or a pipe is never cut).
size_t TableWidthFromEnvironment();

// "2024-05-01T12:34:56Z" (UTC, whole seconds); empty for an unset (zero)
// timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts);

// "2026-12-31"; empty for an unset (all zero) date.
std::string FormatDate(const google::type::Date& date);

// "150000.50 RUB", "1500 RUB" (fraction with trailing zeros dropped, at least two digits);
// empty for unset money (no currency, zero amount).
std::string FormatMoney(const google::type::Money& money);

// The name of enum value `number` of `type` ("BUSINESS"), or the number when it has none.
std::string EnumName(const google::protobuf::EnumDescriptor& type, int number);

// `value`, or kEmptyCell when it is empty.
std::string OrNone(std::string value);

// The delete_time of a resource message, formatted; empty when it has none (or no such field).
std::string DeleteTimeCell(const google::protobuf::Message& resource);

// How a table shows resource messages of type M: the headers and one row per message. Applied
// to messages, it adds a DELETED column when any of them has delete_time.
template <typename M>
struct Columns {
  std::vector<std::string> headers;
  std::function<std::vector<std::string>(const M&)> row;

  Table operator()(const google::protobuf::RepeatedPtrField<M>& items) const {
    Table table{headers, {}};
    bool any_deleted = false;
    for (const M& item : items) {
      table.rows.push_back(row(item));
      any_deleted |= !DeleteTimeCell(item).empty();
    }
    if (any_deleted) {
      table.headers.push_back("DELETED");
      for (int i = 0; i < items.size(); ++i) {
        table.rows[i].push_back(OrNone(DeleteTimeCell(items[i])));
      }
    }
    return table;
  }
  Table operator()(const M& item) const {
    google::protobuf::RepeatedPtrField<M> one;
    *one.Add() = item;
    return (*this)(one);
  }
};

// The message as JSON with lowerCamelCase field names, indented, ending with a
// newline.
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message);

// The same content as YAML, written by yaml-cpp: block style, the JSON mapping's
// field names and values, strings in double quotes (as in JSON), numbers and
// booleans plain, empty lists and objects as [] and {}.
absl::StatusOr<std::string> MessageToYaml(const google::protobuf::Message& message);

// The resource names in a result, for -o name: the message's own `name` when it has
// that text field (a Get, Create or Update result), else the `name` of each item of
// its message fields whose items have one (a List: every item, in order; none when
// the page is empty). INVALID_ARGUMENT when the message has no such field at all.
absl::StatusOr<std::vector<std::string>> ResourceNames(const google::protobuf::Message& message);

// The table as CSV (RFC 4180): header line, then rows; fields with commas, quotes or line
// breaks are quoted; kEmptyCell cells are written empty.
std::string RenderCsv(const Table& table);
// Text made safe inside HTML elements and double-quoted attributes (& < > ").
std::string HtmlEscape(absl::string_view text);
// The table as one self-contained HTML page titled `title`.
std::string RenderHtml(const Table& table, absl::string_view title);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_OUTPUT_H_
