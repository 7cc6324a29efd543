#include "services/reminder/mime.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace allies::services::reminders {
namespace {

// Raw bytes per encoded word: base64 of 45 bytes is 60 characters, plus "=?UTF-8?B?" and "?="
// makes 72 (at most 75, RFC 2047 section 2).
constexpr size_t kWordBytes = 45;
constexpr size_t kBodyLine = 76;

bool PlainAscii(absl::string_view text) {
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) return false;
  }
  return !absl::StrContains(text, "=?");
}

// A header's address: what could break the header (line ends, angle brackets) is dropped.
std::string Address(absl::string_view address) {
  std::string out;
  for (char c : address) {
    if (c != '\r' && c != '\n' && c != '<' && c != '>') out += c;
  }
  return out;
}

}  // namespace

std::string EncodeHeaderText(absl::string_view text) {
  if (PlainAscii(text)) return std::string(text);
  std::string out;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = std::min(text.size(), begin + kWordBytes);
    // Back to a character boundary (a continuation byte is 10xxxxxx).
    while (end < text.size() && end > begin &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (end == begin) end = std::min(text.size(), begin + kWordBytes);  // not UTF-8: cut anyway
    if (!out.empty()) out += "\r\n ";
    absl::StrAppend(&out, "=?UTF-8?B?", absl::Base64Escape(text.substr(begin, end - begin)), "?=");
    begin = end;
  }
  return out;
}

std::string FormatMessage(const Message& m) {
  std::string out;
  absl::StrAppend(
      &out, "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", m.date, absl::UTCTimeZone()),
      "\r\n");
  if (m.from_name.empty()) {
    absl::StrAppend(&out, "From: <", Address(m.from), ">\r\n");
  } else {
    // A plain display name is quoted (it may hold commas); an encoded one may not be.
    const std::string name =
        PlainAscii(m.from_name)
            ? absl::StrCat("\"", absl::StrReplaceAll(m.from_name, {{"\\", "\\\\"}, {"\"", "\\\""}}),
                           "\"")
            : EncodeHeaderText(m.from_name);
    absl::StrAppend(&out, "From: ", name, " <", Address(m.from), ">\r\n");
  }
  absl::StrAppend(&out, "To: <", Address(m.to), ">\r\n");
  absl::StrAppend(&out, "Subject: ", EncodeHeaderText(m.subject), "\r\n");
  absl::StrAppend(&out, "Message-ID: ", Address(m.message_id).empty() ? "" : "<",
                  Address(m.message_id), Address(m.message_id).empty() ? "" : ">", "\r\n");
  if (!m.reminder.empty())
    absl::StrAppend(&out, "X-Allies-Reminder: ", Address(m.reminder), "\r\n");
  absl::StrAppend(&out,
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "\r\n");
  const std::string body =
      absl::Base64Escape(absl::StrReplaceAll(m.body, {{"\r\n", "\n"}, {"\n", "\r\n"}}));
  for (size_t i = 0; i < body.size(); i += kBodyLine) {
    absl::StrAppend(&out, body.substr(i, kBodyLine), "\r\n");
  }
  return out;
}

}  // namespace allies::services::reminders
