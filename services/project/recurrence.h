// Recurring shifts: the subset of RFC 5545 recurrence rules (RRULE) we accept, and their
// expansion into local calendar dates. Pure: no time zones, no times of day.
#ifndef ALLIES_SERVICES_PROJECT_RECURRENCE_H_
#define ALLIES_SERVICES_PROJECT_RECURRENCE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace allies::services {

// Most occurrences a rule's COUNT may ask for.
inline constexpr int kMaxRecurrenceCount = 1000;

struct RecurrenceRule {
  enum class Frequency { kWeekly, kMonthly };
  Frequency frequency = Frequency::kWeekly;
  int interval = 1;  // INTERVAL, 1..52 (weeks) or 1..12 (months)
  // WEEKLY: BYDAY=MO,WE (sorted Monday-first, unique).
  std::vector<absl::Weekday> weekdays;
  // MONTHLY: BYDAY=2TU,-1FR, the n-th weekday of the month (n in 1..5 or -1..-5); a month
  // without a 5th Tuesday has no occurrence for 5TU.
  std::vector<std::pair<int, absl::Weekday>> monthly_weekdays;
  // MONTHLY: BYMONTHDAY=1,15,-1 (1..31, -1..-31); a month lacking the day is skipped.
  std::vector<int> month_days;
  std::optional<absl::CivilDay> until;  // UNTIL (inclusive)
  int count = 0;                        // COUNT (0: none); at most one of until/count
};

bool operator==(const RecurrenceRule& a, const RecurrenceRule& b);
bool operator!=(const RecurrenceRule& a, const RecurrenceRule& b);

// Parses "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131" and the like: parts in any order,
// names and values case-insensitive, an optional "RRULE:" prefix. UNTIL is a date YYYYMMDD or
// a date-time YYYYMMDDTHHMMSS[Z] of which the date is taken as written (a UTC "Z" time is not
// converted to a local date). WKST may be given, but only as MO. The lists come out sorted
// (weekdays Monday-first; numbers 1, 2, ... then -1, -2, ...; n-th weekdays by n, then weekday)
// without duplicates. Anything outside the subset is InvalidArgumentError with a message that
// names the part, the bad value and what is accepted.
absl::StatusOr<RecurrenceRule> ParseRecurrenceRule(absl::string_view text);

// The canonical text: FREQ, INTERVAL if > 1, BYDAY / BYMONTHDAY, then UNTIL (YYYYMMDD) or
// COUNT. ParseRecurrenceRule(FormatRecurrenceRule(r)) == r for every rule Parse returns.
std::string FormatRecurrenceRule(const RecurrenceRule& rule);

// The occurrence dates of `rule` for a series starting on `start` (DTSTART's date) that fall in
// [from, through], in order, at most `max` of them.
//
// Only dates that match the rule are occurrences: `start` itself is one only if it matches.
// RFC 5545 leaves a DTSTART that does not match the rule undefined (and its COUNT includes
// DTSTART regardless); this is our reading. COUNT counts from `start`, so a window that begins
// later still ends at the COUNT-th occurrence of the whole series. WEEKLY INTERVAL counts
// Monday-based weeks from the week containing `start` (week 0); MONTHLY INTERVAL counts months
// from start's month.
std::vector<absl::CivilDay> ExpandRecurrence(const RecurrenceRule& rule, absl::CivilDay start,
                                             absl::CivilDay from, absl::CivilDay through,
                                             size_t max);

// One line of English for people: "every 2 weeks on Monday and Wednesday until 2027-01-31",
// "every month on the second Tuesday, 10 times".
std::string DescribeRecurrenceRule(const RecurrenceRule& rule);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_PROJECT_RECURRENCE_H_
