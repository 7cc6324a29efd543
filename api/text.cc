#include "api/text.h"

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

}  // namespace allies::api
