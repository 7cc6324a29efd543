// libFuzzer target: erasing a person's data from free text (and the folding and contact-point
// normalization it builds on) never crashes, hangs or leaks, keeps valid UTF-8 valid, and leaves
// no whole occurrence of an erased e-mail behind.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "api/contact_points.h"
#include "api/utf8.h"

namespace {

bool IsValidUtf8(const std::string& s) { return allies::api::ToValidUtf8(s) == s; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Input: "name|value|text" (the first two separators split it).
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t a = input.find('|');
  const size_t b = a == std::string::npos ? std::string::npos : input.find('|', a + 1);
  const std::string name = a == std::string::npos ? input : input.substr(0, a);
  const std::string value =
      a == std::string::npos ? "" : input.substr(a + 1, b == std::string::npos ? b : b - a - 1);
  const std::string text = b == std::string::npos ? "" : input.substr(b + 1);

  const std::string folded = allies::api::FoldName(name);
  if (IsValidUtf8(name) && !IsValidUtf8(folded)) std::abort();
  (void)allies::api::NormalizePhone(value);
  (void)allies::api::NormalizeEmail(value);

  const std::string erased = allies::api::ErasePersonalText(text, {name}, {value}, "[erased]");
  if (IsValidUtf8(text) && IsValidUtf8(name) && IsValidUtf8(value) && !IsValidUtf8(erased)) {
    std::abort();
  }
  // (A value with "[" or "]" may re-form across a marker's edge; not a leak.)
  if (value.find('@') != std::string::npos && value.find_first_of("[]") == std::string::npos &&
      absl::AsciiStrToLower(erased).find(absl::AsciiStrToLower(value)) != std::string::npos) {
    std::abort();
  }
  return 0;
}
