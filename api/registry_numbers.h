// Russian registry numbers: ИНН (taxpayer number) and ОГРН/ОГРНИП (state registration number),
// with their check digits verified.
#ifndef ALLIES_API_REGISTRY_NUMBERS_H_
#define ALLIES_API_REGISTRY_NUMBERS_H_

#include "absl/strings/string_view.h"
#include "api/errors.h"

namespace allies::api {

// INN: 10 digits for an organization (one check digit), 12 for a person or an individual
// entrepreneur (two check digits).
bool IsValidInn(absl::string_view inn);

// OGRN: 13 digits for an organization; OGRNIP: 15 digits for an individual entrepreneur.
bool IsValidOgrn(absl::string_view ogrn);

// Add a violation on `field` naming what is wrong (length, non-digits, check digit). Empty is
// fine (the fields are optional).
void CheckInn(FieldViolations& violations, absl::string_view field, absl::string_view inn);
void CheckOgrn(FieldViolations& violations, absl::string_view field, absl::string_view ogrn);

}  // namespace allies::api

#endif  // ALLIES_API_REGISTRY_NUMBERS_H_
