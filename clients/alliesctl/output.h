// Output formatting for alliesctl: output formats, a generic aligned table of
// string cells, and JSON rendering of protobuf messages.
#ifndef ALLIES_CLIENTS_ALLIESCTL_OUTPUT_H_
#define ALLIES_CLIENTS_ALLIESCTL_OUTPUT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace allies::ctl {

enum class OutputFormat { kTable, kJson, kYaml, kCsv };

// How a table shows an absent value; CSV leaves such cells empty.
inline constexpr char kEmptyCell[] = "<none>";

// Parses "table", "json", "yaml" or "csv" (case-insensitive).
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view value);
// The names accepted by ParseOutputFormat, for usage text: "table|json|yaml|csv".
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
// row stays on one line.
std::string RenderTable(const Table& table);

// "2024-05-01T12:34:56Z" (UTC, whole seconds); empty for an unset (zero)
// timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts);

// The message as JSON with lowerCamelCase field names, indented, ending with a
// newline.
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message);

// The same content as YAML (block style; strings in double quotes, as in JSON).
absl::StatusOr<std::string> MessageToYaml(const google::protobuf::Message& message);

// JSON text (as MessageToJson writes it) as YAML; INVALID_ARGUMENT if it is not JSON.
absl::StatusOr<std::string> JsonToYaml(absl::string_view json);

// The table as CSV (RFC 4180): header line, then rows; fields with commas, quotes or line
// breaks are quoted; kEmptyCell cells are written empty.
std::string RenderCsv(const Table& table);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_OUTPUT_H_
