// E-mail addresses, phone numbers and personal names: their canonical forms (so that the same
// address or number is stored alike and duplicates can be found) and their checks.
#ifndef ALLIES_API_CONTACT_POINTS_H_
#define ALLIES_API_CONTACT_POINTS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "api/errors.h"

namespace allies::api {

// Trimmed and lowercased ("  Ivanov@Example.RU " -> "ivanov@example.ru").
std::string NormalizeEmail(absl::string_view email);

// "+" and digits: separators (spaces, "-", ".", "(", ")") dropped, and a Russian national
// number ("8 (495) 123-45-67", 11 digits starting with 8) written as +7. Anything else is
// returned trimmed, for CheckPhone to refuse.
std::string NormalizePhone(absl::string_view phone);

// Violations for a non-empty value that is not a plausible address (local@domain.tld, at most
// 320 characters, no spaces) or number ("+" and 10-15 digits, after NormalizePhone).
void CheckEmail(FieldViolations& violations, absl::string_view field, absl::string_view email);
void CheckPhone(FieldViolations& violations, absl::string_view field, absl::string_view phone);

// A name folded for comparison: lowercase (Latin and Cyrillic), ё as е, runs of whitespace as
// one space, trimmed ("  Алёна   ИВАНОВА" -> "алена иванова").
std::string FoldName(absl::string_view name);

// `text` with a person's data replaced by `marker`: every exact occurrence of `values` (e-mail
// addresses, phone numbers), and every word that begins with the stem of one of `names` (the
// name without its last letters, so that declined forms go too: "Зябликова" also removes
// "Зябликовой"), compared folded.
std::string ErasePersonalText(absl::string_view text, const std::vector<std::string>& names,
                              const std::vector<std::string>& values, absl::string_view marker);

}  // namespace allies::api

#endif  // ALLIES_API_CONTACT_POINTS_H_
