// UTF-8 helpers shared by the server and the client: data is mostly Cyrillic, so lengths and
// widths are counted in code points, and text that leaves the process is valid UTF-8.
#ifndef ALLIES_API_UTF8_H_
#define ALLIES_API_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace allies::api {

// Decodes the sequence at text[*pos] and advances *pos past it. An invalid or truncated
// sequence (including overlong forms and surrogates) gives -1 and advances one byte.
int32_t DecodeUtf8(absl::string_view text, size_t* pos);

// Code points in text (an invalid byte counts as one).
size_t CharCount(absl::string_view text);

// At most the first max_chars code points of text (cut at a code point boundary).
std::string TruncateChars(absl::string_view text, size_t max_chars);

// text with every invalid byte replaced by U+FFFD.
std::string ToValidUtf8(absl::string_view text);

}  // namespace allies::api

#endif  // ALLIES_API_UTF8_H_
