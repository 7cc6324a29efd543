#include "clients/alliesctl/output.h"

#include <algorithm>
#include <cstdint>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "api/proto_time.h"
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
  if (lower == "yaml") return OutputFormat::kYaml;
  if (lower == "csv") return OutputFormat::kCsv;
  if (lower == "html") return OutputFormat::kHtml;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown output format \"", value, "\" (want ", OutputFormatNames(), ")"));
}

std::string OutputFormatNames() { return "table|json|yaml|csv|html"; }

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

// A small JSON reader that writes YAML as it goes. Strings are copied in their JSON form
// (double-quoted, JSON escapes), which YAML reads the same way.
class JsonToYamlWriter {
 public:
  explicit JsonToYamlWriter(absl::string_view json) : in_(json) {}

  absl::StatusOr<std::string> Run() {
    SkipSpace();
    if (!Value(0, /*inline_start=*/true)) return Error();
    SkipSpace();
    if (pos_ != in_.size()) return Error();
    if (out_.empty() || out_.back() != '\n') out_ += '\n';
    return out_;
  }

 private:
  absl::Status Error() const {
    return absl::InvalidArgumentError(absl::StrCat("not JSON at byte ", pos_));
  }
  void SkipSpace() {
    while (pos_ < in_.size() && absl::ascii_isspace(in_[pos_])) ++pos_;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < in_.size() && in_[pos_] == c;
  }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  // A quoted JSON key without the quotes when it is a plain identifier (as proto field names
  // are); anything else (map keys) stays quoted.
  static std::string PlainKey(const std::string& quoted) {
    const absl::string_view inner(quoted.data() + 1, quoted.size() - 2);
    bool plain = !inner.empty() && (absl::ascii_isalpha(inner[0]) || inner[0] == '_');
    for (char ch : inner) plain = plain && (absl::ascii_isalnum(ch) || ch == '_');
    return plain ? std::string(inner) : quoted;
  }
  void Indent(int depth) { out_.append(static_cast<size_t>(depth) * 2, ' '); }

  bool String(std::string& text) {
    if (!Peek('"')) return false;
    const size_t start = pos_++;
    while (pos_ < in_.size() && in_[pos_] != '"') pos_ += in_[pos_] == '\\' ? 2 : 1;
    if (pos_ >= in_.size()) return false;
    ++pos_;
    text.assign(in_.data() + start, pos_ - start);
    return true;
  }

  // Writes a value whose key (or "- ") is already on the current line.
  bool Value(int depth, bool inline_start) {
    SkipSpace();
    if (pos_ >= in_.size()) return false;
    const char c = in_[pos_];
    if (c == '{') {
      ++pos_;
      if (Eat('}')) {
        out_ += inline_start ? "{}\n" : " {}\n";
        return true;
      }
      if (!inline_start) out_ += '\n';
      bool first = true;
      do {
        std::string key;
        if (!String(key) || !Eat(':')) return false;
        if (!(first && inline_start && depth > 0 && list_item_)) Indent(depth);
        first = false;
        list_item_ = false;
        out_ += PlainKey(key);
        out_ += ':';
        if (!Value(depth + 1, false)) return false;
      } while (Eat(','));
      return Eat('}');
    }
    if (c == '[') {
      ++pos_;
      if (Eat(']')) {
        out_ += inline_start ? "[]\n" : " []\n";
        return true;
      }
      if (!inline_start) out_ += '\n';
      do {
        Indent(depth > 0 ? depth - 1 : 0);
        out_ += "- ";
        list_item_ = true;
        if (!Value(depth, true)) return false;
      } while (Eat(','));
      return Eat(']');
    }
    // A scalar: string, number, true, false or null, copied as is.
    std::string scalar;
    if (c == '"') {
      if (!String(scalar)) return false;
    } else {
      const size_t start = pos_;
      while (pos_ < in_.size() && !absl::ascii_isspace(in_[pos_]) && in_[pos_] != ',' &&
             in_[pos_] != '}' && in_[pos_] != ']') {
        ++pos_;
      }
      if (pos_ == start) return false;
      scalar.assign(in_.data() + start, pos_ - start);
    }
    list_item_ = false;
    if (!inline_start) out_ += ' ';
    out_ += scalar;
    out_ += '\n';
    return true;
  }

  absl::string_view in_;
  size_t pos_ = 0;
  std::string out_;
  bool list_item_ = false;  // the next mapping key continues a "- " line
};

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

absl::StatusOr<std::string> JsonToYaml(absl::string_view json) {
  return JsonToYamlWriter(json).Run();
}

absl::StatusOr<std::string> MessageToYaml(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = MessageToJson(message);
  if (!json.ok()) return json.status();
  return JsonToYaml(*json);
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

}  // namespace allies::ctl

namespace allies::ctl {

std::string RenderHtml(const Table& table, absl::string_view title) {
  auto escape = [](absl::string_view text) {
    return absl::StrReplaceAll(text,
                               {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
  };
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", escape(title),
      "</title><style>body{font-family:sans-serif}table{border-collapse:collapse}"
      "td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}</style></head><body>\n<h1>",
      escape(title), "</h1>\n<table><tr>");
  for (const std::string& h : table.headers) absl::StrAppend(&html, "<th>", escape(h), "</th>");
  absl::StrAppend(&html, "</tr>\n");
  for (const auto& row : table.rows) {
    absl::StrAppend(&html, "<tr>");
    for (const std::string& cell : row) absl::StrAppend(&html, "<td>", escape(cell), "</td>");
    absl::StrAppend(&html, "</tr>\n");
  }
  absl::StrAppend(&html, "</table>\n</body></html>\n");
  return html;
}

}  // namespace allies::ctl
