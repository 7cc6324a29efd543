// Validation of user-supplied text fields.
#ifndef ALLIES_API_TEXT_H_
#define ALLIES_API_TEXT_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "api/errors.h"
#include "api/utf8.h"

namespace allies::api {

// Checks a free-text field: at most max_chars characters, no control characters (tabs and
// newlines are allowed when multiline). Adds violations on `field`.
void CheckText(FieldViolations& violations, absl::string_view field, absl::string_view value,
               size_t max_chars, bool required, bool multiline = false);

// Checks an optional http(s) URL of at most max_chars characters.
void CheckUrl(FieldViolations& violations, absl::string_view field, absl::string_view value,
              size_t max_chars);

}  // namespace allies::api

#endif  // ALLIES_API_TEXT_H_
