#include "clients/alliesctl/output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "api/proto_time.h"
#include "api/utf8.h"
#include "google/protobuf/util/json_util.h"
#include "yaml-cpp/yaml.h"

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
  if (lower == "yaml") return OutputFormat::kYaml;
  if (lower == "csv") return OutputFormat::kCsv;
  if (lower == "html") return OutputFormat::kHtml;
  if (lower == "name") return OutputFormat::kName;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown output format \"", value, "\" (want ", OutputFormatNames(), ")"));
}

std::string OutputFormatNames() { return "table|json|yaml|csv|html|name"; }

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const int32_t cp = api::DecodeUtf8(text, &pos);
    if (cp < 0 || !IsZeroWidth(cp)) ++width;
  }
  return width;
}

std::string TruncateToWidth(absl::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  const size_t room = width - 1;  // For the "…".
  size_t used = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = pos;
    const int32_t cp = api::DecodeUtf8(text, &next);
    const size_t w = cp < 0 || !IsZeroWidth(cp) ? 1 : 0;
    if (used + w > room) break;
    used += w;
    pos = next;
  }
  return absl::StrCat(text.substr(0, pos), "…");
}

size_t TableWidthFromEnvironment() {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    int width = 0;
    if (absl::SimpleAtoi(columns, &width) && width > 0) return static_cast<size_t>(width);
  }
  winsize size{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 0;
}

namespace {

// The widths of the columns of a table that must fit in `max_width`: the widest
// shrink to the largest common width that makes the lines fit, none below
// kMinColumnWidth.
void FitWidths(size_t max_width, std::vector<size_t>& widths) {
  const size_t separators = 3 * (widths.size() - 1);
  size_t total = separators;
  for (size_t width : widths) total += width;
  if (max_width == 0 || total <= max_width) return;
  const size_t excess = total - max_width;
  const size_t widest = *std::max_element(widths.begin(), widths.end());
  size_t cap = kMinColumnWidth;
  for (size_t c = widest; c > kMinColumnWidth; --c) {
    size_t removed = 0;
    for (size_t width : widths) removed += width > c ? width - c : 0;
    if (removed >= excess) {
      cap = c;
      break;
    }
  }
  for (size_t& width : widths) width = std::min(width, cap);
}

}  // namespace

std::string RenderTable(const Table& table, size_t max_width) {
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
  const std::vector<size_t> natural = widths;
  FitWidths(max_width, widths);
  std::string out;
  for (auto& line : lines) {
    std::string text;
    for (size_t i = 0; i < columns; ++i) {
      if (widths[i] < natural[i]) line[i] = TruncateToWidth(line[i], widths[i]);
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

std::string FormatDate(const google::type::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "";
  return api::FormatDate(date);
}

std::string FormatMoney(const google::type::Money& money) {
  if (money.currency_code().empty() && money.units() == 0 && money.nanos() == 0) return "";
  const bool negative = money.units() < 0 || money.nanos() < 0;
  const uint64_t units = money.units() < 0 ? 0 - static_cast<uint64_t>(money.units())
                                           : static_cast<uint64_t>(money.units());
  std::string amount = absl::StrCat(negative ? "-" : "", units);
  if (money.nanos() != 0) {
    std::string fraction =
        absl::StrFormat("%09d", money.nanos() < 0 ? -money.nanos() : money.nanos());
    while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
    absl::StrAppend(&amount, ".", fraction);
  }
  return money.currency_code().empty() ? amount : absl::StrCat(amount, " ", money.currency_code());
}

std::string EnumName(const google::protobuf::EnumDescriptor& type, int number) {
  const google::protobuf::EnumValueDescriptor* value = type.FindValueByNumber(number);
  return value != nullptr ? value->name() : absl::StrCat(number);
}

std::string OrNone(std::string value) { return value.empty() ? kEmptyCell : std::move(value); }

std::string DeleteTimeCell(const google::protobuf::Message& resource) {
  const google::protobuf::FieldDescriptor* field =
      resource.GetDescriptor()->FindFieldByName("delete_time");
  if (field == nullptr || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE ||
      field->message_type() != google::protobuf::Timestamp::descriptor() ||
      !resource.GetReflection()->HasField(resource, field)) {
    return "";
  }
  google::protobuf::Timestamp time;
  time.CopyFrom(resource.GetReflection()->GetMessage(resource, field));
  return FormatTimestamp(time);
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

namespace {

// A JSON object key as YAML writes it: plain when it is an identifier (as the
// JSON names of fields are), else in double quotes (map keys: "123" or "true"
// must stay text).
void EmitYamlKey(const std::string& key, YAML::Emitter& out) {
  bool plain = !key.empty() && (absl::ascii_isalpha(key[0]) || key[0] == '_');
  for (char c : key) plain = plain && (absl::ascii_isalnum(c) || c == '_');
  const bool keyword = key == "true" || key == "false" || key == "null" || key == "yes" ||
                       key == "no" || key == "on" || key == "off" || key == "y" || key == "n";
  if (plain && !keyword) {
    out << key;
  } else {
    out << YAML::DoubleQuoted << key;
  }
}

// Writes a node read from JSON: yaml-cpp tags a quoted scalar "!" (a JSON
// string, written in double quotes again) and a plain one "?" (a number, true,
// false), which is written as it was.
void EmitYaml(const YAML::Node& node, YAML::Emitter& out) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      if (node.size() == 0) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& entry : node) {
        out << YAML::Key;
        EmitYamlKey(entry.first.Scalar(), out);
        out << YAML::Value;
        EmitYaml(entry.second, out);
      }
      out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      if (node.size() == 0) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : node) EmitYaml(item, out);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") {
        out << YAML::DoubleQuoted << node.Scalar();
      } else {
        out << node.Scalar();
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out << YAML::Null;
      break;
  }
}

std::string CsvField(const std::string& cell) {
  if (cell == kEmptyCell) return "";
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

absl::StatusOr<std::string> MessageToYaml(const google::protobuf::Message& message) {
  // Through the JSON mapping, so that YAML shows what JSON shows (names, enums,
  // timestamps, 64-bit numbers as text); JSON is YAML, which yaml-cpp reads.
  absl::StatusOr<std::string> json = MessageToJson(message);
  if (!json.ok()) return json.status();
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetNullFormat(YAML::LowerNull);
  try {
    EmitYaml(YAML::Load(*json), out);
  } catch (const YAML::Exception& e) {
    return absl::InternalError(absl::StrCat("cannot render YAML: ", e.what()));
  }
  if (!out.good()) {
    return absl::InternalError(absl::StrCat("cannot render YAML: ", out.GetLastError()));
  }
  return absl::StrCat(out.c_str(), "\n");
}

absl::StatusOr<std::vector<std::string>> ResourceNames(const google::protobuf::Message& message) {
  using google::protobuf::FieldDescriptor;
  const auto name_of = [](const google::protobuf::Descriptor& type) -> const FieldDescriptor* {
    const FieldDescriptor* name = type.FindFieldByName("name");
    return name != nullptr && !name->is_repeated() &&
                   name->cpp_type() == FieldDescriptor::CPPTYPE_STRING
               ? name
               : nullptr;
  };
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  std::vector<std::string> names;
  if (const FieldDescriptor* name = name_of(*message.GetDescriptor())) {
    if (!reflection.GetString(message, name).empty()) {
      names.push_back(reflection.GetString(message, name));
    }
    return names;
  }
  bool holds_names = false;
  for (int i = 0; i < message.GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* field = message.GetDescriptor()->field(i);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
    const FieldDescriptor* name = name_of(*field->message_type());
    if (name == nullptr) continue;
    holds_names = true;
    const auto add = [&](const google::protobuf::Message& item) {
      const std::string value = item.GetReflection()->GetString(item, name);
      if (!value.empty()) names.push_back(value);
    };
    if (field->is_repeated()) {
      for (int j = 0; j < reflection.FieldSize(message, field); ++j) {
        add(reflection.GetRepeatedMessage(message, field, j));
      }
    } else if (reflection.HasField(message, field)) {
      add(reflection.GetMessage(message, field));
    }
  }
  if (!holds_names) {
    return absl::InvalidArgumentError(
        absl::StrCat("-o name: a ", message.GetDescriptor()->name(), " holds no resource names"));
  }
  return names;
}

std::string RenderCsv(const Table& table) {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < table.headers.size(); ++i) {
      if (i > 0) out += ',';
      if (i < cells.size()) out += CsvField(cells[i]);
    }
    out += "\r\n";
  };
  line(table.headers);
  for (const auto& row : table.rows) line(row);
  return out;
}

std::string HtmlEscape(absl::string_view text) {
  return absl::StrReplaceAll(text,
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string RenderHtml(const Table& table, absl::string_view title) {
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", HtmlEscape(title),
      "</title><style>body{font-family:sans-serif}table{border-collapse:collapse}"
      "td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}</style></head><body>\n<h1>",
      HtmlEscape(title), "</h1>\n<table><tr>");
  for (const std::string& h : table.headers) absl::StrAppend(&html, "<th>", HtmlEscape(h), "</th>");
  absl::StrAppend(&html, "</tr>\n");
  for (const auto& row : table.rows) {
    absl::StrAppend(&html, "<tr>");
    for (const std::string& cell : row) absl::StrAppend(&html, "<td>", HtmlEscape(cell), "</td>");
    absl::StrAppend(&html, "</tr>\n");
  }
  absl::StrAppend(&html, "</table>\n</body></html>\n");
  return html;
}

}  // namespace allies::ctl
