#include "clients/alliesctl/output.h"

#include <algorithm>
#include <cstdint>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/utf8.h"
#include "google/protobuf/util/json_util.h"

namespace allies::ctl {
namespace {

bool IsZeroWidth(int32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) ||  // Combining diacritical marks (й as и + U+0306).
         (cp >= 0x0483 && cp <= 0x0489) ||  // Combining Cyrillic.
         (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
         (cp >= 0x200B && cp <= 0x200F) ||  // Zero-width space, joiners, direction marks.
         cp == 0xFEFF;
}

// Replaces ASCII control characters by spaces.
std::string SanitizeCell(absl::string_view cell) {
  std::string out(cell);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view value) {
  const std::string lower = absl::AsciiStrToLower(value);
  if (lower == "table") return OutputFormat::kTable;
  if (lower == "json") return OutputFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown output format \"", value, "\" (want ", OutputFormatNames(), ")"));
}

std::string OutputFormatNames() { return "table|json"; }

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const int32_t cp = api::DecodeUtf8(text, &pos);
    if (cp < 0 || !IsZeroWidth(cp)) ++width;
  }
  return width;
}

std::string RenderTable(const Table& table) {
  const size_t columns = table.headers.size();
  if (columns == 0) return "";
  std::vector<std::vector<std::string>> lines;
  lines.reserve(table.rows.size() + 1);
  lines.push_back(table.headers);
  for (const std::vector<std::string>& row : table.rows) {
    std::vector<std::string> line(columns);
    for (size_t i = 0; i < columns && i < row.size(); ++i) line[i] = SanitizeCell(row[i]);
    lines.push_back(std::move(line));
  }
  std::vector<size_t> widths(columns, 0);
  for (const auto& line : lines) {
    for (size_t i = 0; i < columns; ++i) widths[i] = std::max(widths[i], DisplayWidth(line[i]));
  }
  std::string out;
  for (const auto& line : lines) {
    std::string text;
    for (size_t i = 0; i < columns; ++i) {
      text += line[i];
      if (i + 1 < columns) text.append(widths[i] - DisplayWidth(line[i]) + 3, ' ');
    }
    // Trailing empty cells would leave trailing spaces.
    text.erase(text.find_last_not_of(' ') + 1);
    out += text;
    out += '\n';
  }
  return out;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  const std::time_t seconds = static_cast<std::time_t>(ts.seconds());
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) return absl::StrCat(ts.seconds());
  char buffer[64];
  const size_t n = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buffer, n);
}

absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = false;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot render JSON: ", std::string(status.message())));
  }
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

}  // namespace allies::ctl
