#include "api/contact_points.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
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
                  std::none_of(email.begin(), email.end(),
                               [](char c) {
                                 const auto u = static_cast<unsigned char>(c);
                                 return u <= 0x20 || u == 0x7f || c == '<' || c == '>' ||
                                        c == ',' || c == ';' || c == '"';
                               }) &&
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

// Letters of names: Latin (with its accented forms) and Cyrillic.
bool IsLetter(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x0400 && c <= 0x04FF);
}

std::string FromCodePoints(const std::vector<int32_t>& cps) {
  std::string out;
  for (int32_t c : cps) AppendUtf8(c, out);
  return out;
}

std::vector<int32_t> CodePoints(absl::string_view text) {
  std::vector<int32_t> out;
  for (size_t pos = 0; pos < text.size();) {
    const int32_t c = DecodeUtf8(text, &pos);
    if (c >= 0) out.push_back(c);
  }
  return out;
}

bool IsVowel(int32_t c) {
  static const std::u32string kVowels = U"аеиоуыэюяaeiouy";
  return kVowels.find(static_cast<char32_t>(c)) != std::u32string::npos;
}

// How a (folded) name part can begin a declined form of it. Words beginning with a stem are the
// person's; a part of one or two letters only matches itself.
struct NameMatcher {
  std::vector<std::string> stems;
  std::vector<std::string> whole;

  void Add(absl::string_view part) {
    const std::vector<int32_t> cps = CodePoints(FoldName(part));
    const size_t n = cps.size();
    if (n == 0) return;
    if (n < 3) {
      whole.push_back(FromCodePoints(cps));
      return;
    }
    // Endings change in declension: drop two letters of a long name, one of a shorter one.
    const size_t keep = n >= 6 ? n - 2 : n - 1;
    stems.push_back(FromCodePoints({cps.begin(), cps.begin() + keep}));
    // A fleeting vowel before the last consonant (Павел -> Павла, Орёл -> Орла, Лев -> Льва,
    // Заяц -> Зайца): the name without it, or with ь/й in its place.
    if (!IsVowel(cps[n - 1]) && IsVowel(cps[n - 2])) {
      std::vector<int32_t> without(cps.begin(), cps.end());
      without.erase(without.begin() + static_cast<long>(n - 2));
      if (without.size() >= 2) stems.push_back(FromCodePoints(without));
      std::vector<int32_t> soft(cps.begin(), cps.end());
      soft[n - 2] = cps[n - 2] == 0x044F /* я */ ? 0x0439 /* й */ : 0x044C /* ь */;
      stems.push_back(FromCodePoints(soft));
    }
  }

  bool Matches(const std::string& folded_word) const {
    for (const auto& w : whole) {
      if (folded_word == w) return true;
    }
    for (const auto& s : stems) {
      if (absl::StartsWith(folded_word, s)) return true;
    }
    return false;
  }
};

// The digits of a phone number as they may be written: with the country code, with a leading
// 8 for +7, or the ten national digits alone.
std::vector<std::string> PhoneForms(absl::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  std::vector<std::string> forms;
  if (digits.size() < 7) return forms;
  forms.push_back(digits);
  if (digits.size() == 11 && digits[0] == '7') {
    forms.push_back("8" + digits.substr(1));
    forms.push_back(digits.substr(1));
  }
  return forms;
}

bool IsPhoneChar(char c) {
  return absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '(' ||
         c == ')' || c == '.' || c == '+';
}

// Replaces every run of digits and separators whose digits are one of `forms`.
std::string ErasePhones(const std::string& text, const std::vector<std::string>& forms,
                        absl::string_view marker) {
  if (forms.empty()) return text;
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (!(absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '(')) {
      out += c;
      ++pos;
      continue;
    }
    size_t end = pos;
    while (end < text.size() && IsPhoneChar(text[end])) ++end;
    while (end > pos && !absl::ascii_isdigit(static_cast<unsigned char>(text[end - 1]))) --end;
    std::string digits;
    for (size_t i = pos; i < end; ++i) {
      if (absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) digits += text[i];
    }
    if (end > pos && std::find(forms.begin(), forms.end(), digits) != forms.end()) {
      out.append(marker.data(), marker.size());
      pos = end;
    } else {
      out += c;
      ++pos;
    }
  }
  return out;
}

// Replaces every occurrence of `value`, compared without regard to ASCII case.
std::string EraseIgnoringCase(const std::string& text, absl::string_view value,
                              absl::string_view marker) {
  if (value.empty()) return text;
  const std::string lower_text = absl::AsciiStrToLower(text);
  const std::string lower_value = absl::AsciiStrToLower(value);
  std::string out;
  size_t from = 0;
  for (size_t at = lower_text.find(lower_value); at != std::string::npos;
       at = lower_text.find(lower_value, from)) {
    out.append(text, from, at - from);
    out.append(marker.data(), marker.size());
    from = at + lower_value.size();
  }
  out.append(text, from, std::string::npos);
  return out;
}

}  // namespace

std::string ErasePersonalText(absl::string_view text, const std::vector<std::string>& names,
                              const std::vector<std::string>& values, absl::string_view marker) {
  std::string exact(text);
  std::vector<std::string> phone_forms;
  for (const std::string& v : values) {
    if (v.find('@') != std::string::npos) {
      exact = EraseIgnoringCase(exact, v, marker);
    } else {
      for (auto& form : PhoneForms(v)) phone_forms.push_back(std::move(form));
    }
  }
  exact = ErasePhones(exact, phone_forms, marker);
  NameMatcher matcher;
  for (const std::string& name : names) {
    // Split at bytes only: a typographic apostrophe (U+2019) becomes a plain one first.
    const std::string plain = absl::StrReplaceAll(name, {{"\u2019", "'"}});
    for (absl::string_view part :
         absl::StrSplit(plain, absl::ByAnyChar(" -'"), absl::SkipEmpty())) {
      matcher.Add(part);
    }
  }
  if (matcher.stems.empty() && matcher.whole.empty()) return exact;
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
    if (matcher.Matches(FoldName(word))) {
      out.append(marker.data(), marker.size());
    } else {
      out.append(word.data(), word.size());
    }
    pos = end;
  }
  return out;
}

}  // namespace allies::api
