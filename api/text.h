// Validation of user-supplied text fields.
#ifndef ALLIES_API_TEXT_H_
#define ALLIES_API_TEXT_H_

#include <google/protobuf/repeated_field.h>

#include <cstddef>
#include <functional>
#include <string>

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

// Checks a list of values (tags, e-mails): at most `max` of them, none empty, none twice; each
// then goes to `check` with its path ("volunteer.skills[2]") when given.
void CheckValues(FieldViolations& violations, absl::string_view field,
                 const google::protobuf::RepeatedPtrField<std::string>& values, int max,
                 const std::function<void(FieldViolations&, absl::string_view path,
                                          absl::string_view value)>& check = {});

// "HH:MM", 00:00-23:59 (a time of day on a clock: availability, a schedule's start).
bool IsClockTime(absl::string_view t);

}  // namespace allies::api

#endif  // ALLIES_API_TEXT_H_
