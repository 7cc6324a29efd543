#include "api/contact_points.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/utf8.h"

namespace allies::api {
namespace {

void AppendUtf8(int32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

int32_t FoldChar(int32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0x0410 && c <= 0x042F) c += 0x20;  // А-Я -> а-я
  if (c >= 0x0400 && c <= 0x040F) c += 0x50;  // Ѐ-Џ -> ѐ-џ
  if (c == 0x0451) return 0x0435;             // ё -> е
  return c;
}

bool IsSpace(int32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0; }

}  // namespace

std::string NormalizeEmail(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

std::string NormalizePhone(absl::string_view phone) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(phone);
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < trimmed.size(); ++i) {
    const char c = trimmed[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits += c;
    } else if (c == '+' && i == 0) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::string(trimmed);  // not a phone number; CheckPhone says so
    }
  }
  if (digits.empty()) return std::string(trimmed);
  if (!plus && digits.size() == 11 && digits[0] == '8') digits[0] = '7';
  if (!plus && digits.size() == 10 && digits[0] == '9') digits = "7" + digits;  // 9XX mobile
  return absl::StrCat("+", digits);
}

void CheckEmail(FieldViolations& violations, absl::string_view field, absl::string_view email) {
  if (email.empty()) return;
  const size_t at = email.find('@');
  const bool ok = email.size() <= 320 && at != absl::string_view::npos && at > 0 &&
                  email.find('@', at + 1) == absl::string_view::npos &&
                  email.find_first_of(" \t\r\n<>,;\"") == absl::string_view::npos &&
                  email.substr(at + 1).find('.') != absl::string_view::npos &&
                  email.back() != '.' && email[at + 1] != '.';
  if (!ok) {
    violations.Add(std::string(field),
                   absl::StrCat("is not an e-mail address (name@domain), got ", Quote(email)));
  }
}

void CheckPhone(FieldViolations& violations, absl::string_view field, absl::string_view phone) {
  if (phone.empty()) return;
  bool ok = phone.size() >= 11 && phone.size() <= 16 && phone[0] == '+';
  for (size_t i = 1; ok && i < phone.size(); ++i) {
    ok = absl::ascii_isdigit(static_cast<unsigned char>(phone[i]));
  }
  if (!ok) {
    violations.Add(std::string(field),
                   absl::StrCat("is not a phone number (10-15 digits, e.g. +7 495 123-45-67), got ",
                                Quote(phone)));
  }
}

std::string FoldName(absl::string_view name) {
  std::string out;
  size_t pos = 0;
  bool pending_space = false;
  while (pos < name.size()) {
    const int32_t c = DecodeUtf8(name, &pos);
    if (c < 0) continue;
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    AppendUtf8(FoldChar(c), out);
  }
  return out;
}

namespace {

bool IsLetter(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0x0400 && c <= 0x04FF);
}

// The stem a declined form of the name starts with ("" when too short to be safe).
std::string Stem(absl::string_view name) {
  const std::string folded = FoldName(name);
  const size_t chars = CharCount(folded);
  if (chars < 3) return "";
  const size_t drop = chars >= 6 ? 2 : 1;
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i + drop < chars; ++i) AppendUtf8(DecodeUtf8(folded, &pos), out);
  return out;
}

}  // namespace

std::string ErasePersonalText(absl::string_view text, const std::vector<std::string>& names,
                              const std::vector<std::string>& values, absl::string_view marker) {
  std::string exact(text);
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& v : sorted) {
    if (v.empty()) continue;
    for (size_t at = exact.find(v); at != std::string::npos; at = exact.find(v, at)) {
      exact.replace(at, v.size(), marker.data(), marker.size());
      at += marker.size();
    }
  }
  std::vector<std::string> stems;
  for (const std::string& name : names) {
    for (absl::string_view part : absl::StrSplit(name, ' ', absl::SkipEmpty())) {
      std::string stem = Stem(part);
      if (!stem.empty()) stems.push_back(std::move(stem));
    }
  }
  if (stems.empty()) return exact;
  std::string out;
  size_t pos = 0;
  while (pos < exact.size()) {
    const size_t start = pos;
    const int32_t c = DecodeUtf8(exact, &pos);
    if (!IsLetter(c)) {
      out.append(exact, start, pos - start);
      continue;
    }
    size_t end = pos;
    while (end < exact.size()) {
      size_t next = end;
      if (!IsLetter(DecodeUtf8(exact, &next))) break;
      end = next;
    }
    const absl::string_view word(exact.data() + start, end - start);
    const std::string folded = FoldName(word);
    const bool personal = std::any_of(stems.begin(), stems.end(), [&](const std::string& s) {
      return absl::StartsWith(folded, s);
    });
    if (personal) {
      out.append(marker.data(), marker.size());
    } else {
      out.append(word.data(), word.size());
    }
    pos = end;
  }
  return out;
}

}  // namespace allies::api
