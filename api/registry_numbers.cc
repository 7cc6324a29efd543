#include "api/registry_numbers.h"

#include <cstdint>
#include <initializer_list>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace allies::api {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return !s.empty();
}

int Digit(absl::string_view s, size_t i) { return s[i] - '0'; }

// (Σ weight_i · digit_i mod 11) mod 10, over the first weights.size() digits.
int InnCheckDigit(absl::string_view s, std::initializer_list<int> weights) {
  int sum = 0;
  size_t i = 0;
  for (int w : weights) sum += w * Digit(s, i++);
  return sum % 11 % 10;
}

// The number formed by the first n digits, modulo m.
int64_t PrefixModulo(absl::string_view s, size_t n, int64_t m) {
  int64_t r = 0;
  for (size_t i = 0; i < n; ++i) r = (r * 10 + Digit(s, i)) % m;
  return r;
}

}  // namespace

bool IsValidInn(absl::string_view inn) {
  if (!AllDigits(inn)) return false;
  if (inn.size() == 10) {
    return InnCheckDigit(inn, {2, 4, 10, 3, 5, 9, 4, 6, 8}) == Digit(inn, 9);
  }
  if (inn.size() == 12) {
    return InnCheckDigit(inn, {7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == Digit(inn, 10) &&
           InnCheckDigit(inn, {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == Digit(inn, 11);
  }
  return false;
}

bool IsValidOgrn(absl::string_view ogrn) {
  if (!AllDigits(ogrn)) return false;
  if (ogrn.size() == 13) return PrefixModulo(ogrn, 12, 11) % 10 == Digit(ogrn, 12);
  if (ogrn.size() == 15) return PrefixModulo(ogrn, 14, 13) % 10 == Digit(ogrn, 14);
  return false;
}

void CheckInn(FieldViolations& violations, absl::string_view field, absl::string_view inn) {
  if (inn.empty()) return;
  if (!AllDigits(inn) || (inn.size() != 10 && inn.size() != 12)) {
    violations.Add(
        std::string(field),
        absl::StrCat("an INN is 10 digits (organization) or 12 (individual), got ", Quote(inn)));
  } else if (!IsValidInn(inn)) {
    violations.Add(std::string(field),
                   absl::StrCat("the check digit of INN ", inn, " is wrong (mistyped?)"));
  }
}

void CheckOgrn(FieldViolations& violations, absl::string_view field, absl::string_view ogrn) {
  if (ogrn.empty()) return;
  if (!AllDigits(ogrn) || (ogrn.size() != 13 && ogrn.size() != 15)) {
    violations.Add(std::string(field),
                   absl::StrCat("an OGRN is 13 digits (organization) or 15 (OGRNIP of an "
                                "individual entrepreneur), got ",
                                Quote(ogrn)));
  } else if (!IsValidOgrn(ogrn)) {
    violations.Add(std::string(field),
                   absl::StrCat("the check digit of OGRN ", ogrn, " is wrong (mistyped?)"));
  }
}

}  // namespace allies::api
