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

// `text` with a person's data replaced by `marker`: its e-mail addresses (`values` with an "@",
// in any case), its phone numbers (the other `values`, however written: "+7 911 765-43-21",
// "8 (911) 7654321", "9117654321"), and every word that is a form of one of `names` (each part
// of a name, split at spaces, hyphens and apostrophes, without the letters declension changes:
// "Зябликова" also removes "Зябликовой", "Павел" also "Павла"), compared folded. Name parts
// of one or two letters only match themselves.
std::string ErasePersonalText(absl::string_view text, const std::vector<std::string>& names,
                              const std::vector<std::string>& values, absl::string_view marker);

}  // namespace allies::api

#endif  // ALLIES_API_CONTACT_POINTS_H_
