#include "api/text.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/utf8.h"

namespace allies::api {

void CheckText(FieldViolations& violations, absl::string_view field, absl::string_view value,
               size_t max_chars, bool required, bool multiline) {
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    violations.Add(std::string(field), "is required");
    return;
  }
  const size_t chars = CharCount(value);
  if (chars > max_chars) {
    violations.Add(std::string(field),
                   absl::StrCat("must be at most ", max_chars, " characters, got ", chars));
    return;
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      if (multiline && (c == '\n' || c == '\t' || c == '\r')) continue;
      violations.Add(std::string(field), "must not contain control characters");
      return;
    }
  }
}

void CheckUrl(FieldViolations& violations, absl::string_view field, absl::string_view value,
              size_t max_chars) {
  if (value.empty()) return;
  CheckText(violations, field, value, max_chars, /*required=*/false);
  absl::string_view rest;
  if (absl::StartsWithIgnoreCase(value, "https://")) {
    rest = value.substr(8);
  } else if (absl::StartsWithIgnoreCase(value, "http://")) {
    rest = value.substr(7);
  } else {
    violations.Add(std::string(field), "must be an http:// or https:// URL");
    return;
  }
  if (rest.empty() || rest.front() == '/' || absl::StrContains(value, ' ')) {
    violations.Add(std::string(field), "must be an http:// or https:// URL with a host");
  }
}

void CheckValues(FieldViolations& violations, absl::string_view field,
                 const google::protobuf::RepeatedPtrField<std::string>& values, int max,
                 const std::function<void(FieldViolations&, absl::string_view path,
                                          absl::string_view value)>& check) {
  if (values.size() > max) {
    violations.Add(std::string(field), absl::StrCat("at most ", max, ", got ", values.size()));
  }
  std::set<std::string> seen;
  for (int i = 0; i < values.size(); ++i) {
    const std::string item = absl::StrCat(field, "[", i, "]");
    if (values[i].empty()) {
      violations.Add(item, "must not be empty");
    } else if (!seen.insert(values[i]).second) {
      violations.Add(item, absl::StrCat(Quote(values[i]), " is listed twice"));
    } else if (check) {
      check(violations, item, values[i]);
    }
  }
}

bool IsClockTime(absl::string_view t) {
  if (t.size() != 5 || t[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  return h < 24 && m < 60;
}

}  // namespace allies::api
