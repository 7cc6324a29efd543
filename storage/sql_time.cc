#include "storage/sql_time.h"

#include <cstdio>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"

namespace allies::storage {

std::string ToSqlDatetime(absl::Time t) {
  // Every written row binds a few of these: formatted by hand (absl::FormatTime's general
  // formatter cost several percent of an import's CPU); years outside 0-9999 fall back to it.
  const absl::CivilSecond second = absl::ToCivilSecond(t, absl::UTCTimeZone());
  if (second.year() < 0 || second.year() > 9999) {
    return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
  }
  const int64_t micros =
      absl::ToInt64Microseconds(t - absl::FromCivil(second, absl::UTCTimeZone()));
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d %02d:%02d:%02d.%06d",
                static_cast<int>(second.year()), second.month(), second.day(), second.hour(),
                second.minute(), second.second(), static_cast<int>(micros));
  return buffer;
}

namespace {

// The value of the `n` decimal digits at s[at], or -1 if one is not a digit.
int Digits(absl::string_view s, size_t at, size_t n) {
  int value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

}  // namespace

absl::Time FromSqlDatetime(absl::string_view s) {
  // Every row read converts a few of these, so the form the server sends is parsed by hand:
  // "YYYY-MM-DD HH:MM:SS" and an optional fraction of up to 6 digits.
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':') {
    return absl::InfinitePast();
  }
  const int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  const int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59) {
    return absl::InfinitePast();
  }
  int64_t micros = 0;
  if (s.size() > 19) {
    const size_t digits = s.size() - 20;
    if (s[19] != '.' || digits == 0 || digits > 6) return absl::InfinitePast();
    const int fraction = Digits(s, 20, digits);
    if (fraction < 0) return absl::InfinitePast();
    micros = fraction;
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  const absl::CivilDay date(year, month, day);
  // CivilDay normalizes (Feb 30 -> Mar 2); a date that moved was not a real one.
  if (date.day() != day || date.month() != month) return absl::InfinitePast();
  const int64_t days = date - absl::CivilDay(1970, 1, 1);
  return absl::FromUnixMicros(((days * 24 + hour) * 60 + minute) * 60 * 1000000 +
                              int64_t{second} * 1000000 + micros);
}

absl::Time NowMicros() { return absl::FromUnixMicros(absl::ToUnixMicros(absl::Now())); }

}  // namespace allies::storage
