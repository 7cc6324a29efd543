#include "services/project/recurrence.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace allies::services {
namespace {

using Frequency = RecurrenceRule::Frequency;

constexpr absl::string_view kWeekdayCodes[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr absl::string_view kWeekdayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday"};
constexpr absl::string_view kAcceptedParts =
    "the accepted parts are FREQ, INTERVAL, BYDAY, BYMONTHDAY, UNTIL, COUNT and WKST";
constexpr absl::string_view kWeekdayList = "MO, TU, WE, TH, FR, SA, SU";

// absl::Weekday counts from Monday = 0.
int Index(absl::Weekday day) { return static_cast<int>(day); }

// Sort key for the signed lists: 1, 2, ... before -1, -2, ...
int SignedKey(int n) { return n > 0 ? n : 1000 - n; }

// A user's value in a message: quoted, escaped, and cut if long.
std::string Quote(absl::string_view value) {
  constexpr size_t kMax = 40;
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, kMax)),
                      value.size() > kMax ? "...\"" : "\"");
}

absl::Status Invalid(absl::string_view part, absl::string_view value, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(part, ": ", Quote(value), " ", what));
}

// Decimal digits with an optional sign when `signed_ok`; nullopt unless 1..4 digits.
std::optional<int> ParseNumber(absl::string_view s, bool signed_ok) {
  int sign = 1;
  if (signed_ok && !s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 4) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return sign * n;
}

std::optional<absl::Weekday> ParseWeekday(absl::string_view code) {
  for (int i = 0; i < 7; ++i) {
    if (code == kWeekdayCodes[i]) return static_cast<absl::Weekday>(i);
  }
  return std::nullopt;
}

// YYYYMMDD, or YYYYMMDDTHHMMSS with an optional Z (upper-cased).
std::optional<absl::CivilDay> ParseUntil(absl::string_view s) {
  if (s.size() != 8 && s.size() != 15 && !(s.size() == 16 && s.back() == 'Z')) {
    return std::nullopt;
  }
  const auto digits = [&](size_t pos, size_t len) {
    return ParseNumber(s.substr(pos, len), false);
  };
  const auto year = digits(0, 4), month = digits(4, 2), day = digits(6, 2);
  if (!year || !month || !day) return std::nullopt;
  const absl::CivilDay date(*year, *month, *day);
  // CivilDay normalizes (Feb 30 -> Mar 2); a date that moved was not a real one.
  if (date.month() != *month || date.day() != *day) return std::nullopt;
  if (s.size() > 8) {
    const auto hour = digits(9, 2), minute = digits(11, 2), second = digits(13, 2);
    if (s[8] != 'T' || !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) {
      return std::nullopt;
    }
  }
  return date;
}

absl::Status ParseByDay(absl::string_view value, RecurrenceRule& rule) {
  const bool weekly = rule.frequency == Frequency::kWeekly;
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    if (item.empty()) return Invalid("BYDAY", value, "has an empty item (e.g. BYDAY=MO,WE)");
    const absl::string_view number = item.substr(0, item.size() - std::min<size_t>(item.size(), 2));
    const auto day = ParseWeekday(item.substr(number.size()));
    if (!day) return Invalid("BYDAY", item, absl::StrCat("is not a weekday (", kWeekdayList, ")"));
    if (weekly) {
      if (!number.empty()) {
        return Invalid("BYDAY", item,
                       "has a number, which only FREQ=MONTHLY accepts (FREQ=WEEKLY takes plain "
                       "weekdays, e.g. BYDAY=MO,WE)");
      }
      rule.weekdays.push_back(*day);
      continue;
    }
    const auto n = ParseNumber(number, true);
    if (!n || *n == 0 || *n > 5 || *n < -5) {
      return Invalid("BYDAY", item,
                     "is not an n-th weekday of the month: FREQ=MONTHLY needs a number from 1 to 5 "
                     "or -1 to -5 before the weekday (2TU is the second Tuesday, -1FR the last "
                     "Friday)");
    }
    rule.monthly_weekdays.emplace_back(*n, *day);
  }
  return absl::OkStatus();
}

absl::Status ParseByMonthDay(absl::string_view value, RecurrenceRule& rule) {
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    const auto n = ParseNumber(item, true);
    if (!n || *n == 0 || *n > 31 || *n < -31) {
      return Invalid("BYMONTHDAY", item,
                     "is not a day of the month (1 to 31, or -1 to -31 counting back from the "
                     "month's last day)");
    }
    rule.month_days.push_back(*n);
  }
  return absl::OkStatus();
}

template <typename T, typename Less>
void SortUnique(std::vector<T>& v, Less less) {
  std::sort(v.begin(), v.end(), less);
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// The dates a rule names in the week starting on `monday`, in order.
std::vector<absl::CivilDay> WeekDates(const std::vector<absl::Weekday>& weekdays,
                                      absl::CivilDay monday) {
  std::vector<absl::CivilDay> dates;
  for (absl::Weekday day : weekdays) dates.push_back(monday + Index(day));
  return dates;
}

// The dates a rule names in `month`, in order, each once (BYMONTHDAY=31,-1 may name one twice).
std::vector<absl::CivilDay> MonthDates(const RecurrenceRule& rule, absl::CivilMonth month) {
  const absl::CivilDay first(month);
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  std::vector<absl::CivilDay> dates;
  const auto add = [&](absl::CivilDay day) {
    if (day >= first && day <= last) dates.push_back(day);
  };
  for (int n : rule.month_days) add(n > 0 ? first + (n - 1) : last + (n + 1));
  for (const auto& [n, day] : rule.monthly_weekdays) {
    const int64_t weeks = n > 0 ? n - 1 : n + 1;  // 64 bits: a hand-made n may be huge
    if (n > 0) add(first + (Index(day) - Index(absl::GetWeekday(first)) + 7) % 7 + 7 * weeks);
    if (n < 0) add(last - (Index(absl::GetWeekday(last)) - Index(day) + 7) % 7 + 7 * weeks);
  }
  SortUnique(dates, std::less<>());
  return dates;
}

std::string Ordinal(int n) {
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return absl::StrCat(n, suffix);
}

// "A", "A and B", "A, B and C".
std::string EnglishList(const std::vector<std::string>& items) {
  if (items.size() < 2) return absl::StrJoin(items, "");
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "), " and ", items.back());
}

}  // namespace

bool operator==(const RecurrenceRule& a, const RecurrenceRule& b) {
  return a.frequency == b.frequency && a.interval == b.interval && a.weekdays == b.weekdays &&
         a.monthly_weekdays == b.monthly_weekdays && a.month_days == b.month_days &&
         a.until == b.until && a.count == b.count;
}

bool operator!=(const RecurrenceRule& a, const RecurrenceRule& b) { return !(a == b); }

absl::StatusOr<RecurrenceRule> ParseRecurrenceRule(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (absl::StartsWithIgnoreCase(text, "RRULE:")) text.remove_prefix(6);
  if (text.empty()) {
    return absl::InvalidArgumentError("RRULE: empty; give e.g. FREQ=WEEKLY;BYDAY=MO,WE");
  }
  std::map<std::string, std::string> parts;  // upper-cased name -> upper-cased value
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      return Invalid("RRULE", part,
                     "is not a part NAME=VALUE (parts are separated by ';', e.g. "
                     "FREQ=WEEKLY;BYDAY=MO)");
    }
    const std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(part.substr(0, eq)));
    if (name == "BYSECOND" || name == "BYMINUTE" || name == "BYHOUR" || name == "BYWEEKNO" ||
        name == "BYYEARDAY" || name == "BYMONTH" || name == "BYSETPOS") {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": not supported (", kAcceptedParts, ")"));
    }
    if (name != "FREQ" && name != "INTERVAL" && name != "BYDAY" && name != "BYMONTHDAY" &&
        name != "UNTIL" && name != "COUNT" && name != "WKST") {
      return absl::InvalidArgumentError(
          absl::StrCat("RRULE: unknown part ", Quote(name), " (", kAcceptedParts, ")"));
    }
    const std::string value =
        absl::AsciiStrToUpper(absl::StripAsciiWhitespace(part.substr(eq + 1)));
    if (!parts.emplace(name, value).second) {
      return Invalid(name, value, "is a second value: each part may be given once");
    }
  }
  const auto given = [&](const char* name) { return parts.count(name) > 0; };

  RecurrenceRule rule;
  if (!given("FREQ")) {
    return absl::InvalidArgumentError("FREQ: missing; give FREQ=WEEKLY or FREQ=MONTHLY");
  }
  const std::string& freq = parts["FREQ"];
  if (freq != "WEEKLY" && freq != "MONTHLY") {
    return Invalid("FREQ", freq, "is not supported (WEEKLY or MONTHLY)");
  }
  rule.frequency = freq == "WEEKLY" ? Frequency::kWeekly : Frequency::kMonthly;
  const bool weekly = rule.frequency == Frequency::kWeekly;

  if (given("INTERVAL")) {
    const int most = weekly ? 52 : 12;
    const auto n = ParseNumber(parts["INTERVAL"], false);
    if (!n || *n < 1 || *n > most) {
      return Invalid("INTERVAL", parts["INTERVAL"],
                     absl::StrCat("is not a whole number from 1 to ", most,
                                  weekly ? " (weeks)" : " (months)"));
    }
    rule.interval = *n;
  }
  if (given("WKST") && parts["WKST"] != "MO") {
    return Invalid("WKST", parts["WKST"], "is not supported (only MO: weeks start on Monday)");
  }
  if (given("BYDAY")) {
    if (absl::Status s = ParseByDay(parts["BYDAY"], rule); !s.ok()) return s;
  }
  if (given("BYMONTHDAY")) {
    if (weekly) {
      return Invalid("BYMONTHDAY", parts["BYMONTHDAY"],
                     "is for FREQ=MONTHLY only (FREQ=WEEKLY takes BYDAY, e.g. BYDAY=MO,WE)");
    }
    if (absl::Status s = ParseByMonthDay(parts["BYMONTHDAY"], rule); !s.ok()) return s;
  }
  if (weekly && !given("BYDAY")) {
    return absl::InvalidArgumentError(
        "BYDAY: missing; FREQ=WEEKLY needs the weekdays to be given (e.g. BYDAY=MO,WE)");
  }
  if (!weekly && given("BYDAY") == given("BYMONTHDAY")) {
    return absl::InvalidArgumentError(
        "BYDAY, BYMONTHDAY: FREQ=MONTHLY takes exactly one of them (e.g. BYDAY=2TU or "
        "BYMONTHDAY=15)");
  }
  if (given("UNTIL") && given("COUNT")) {
    return absl::InvalidArgumentError("UNTIL, COUNT: give one of them, not both");
  }
  if (given("UNTIL")) {
    rule.until = ParseUntil(parts["UNTIL"]);
    if (!rule.until) {
      return Invalid("UNTIL", parts["UNTIL"],
                     "is not a date YYYYMMDD or a date-time YYYYMMDDTHHMMSS[Z] (e.g. 20270131)");
    }
  }
  if (given("COUNT")) {
    const auto n = ParseNumber(parts["COUNT"], false);
    if (!n || *n < 1 || *n > kMaxRecurrenceCount) {
      return Invalid("COUNT", parts["COUNT"],
                     absl::StrCat("is not a whole number from 1 to ", kMaxRecurrenceCount));
    }
    rule.count = *n;
  }

  SortUnique(rule.weekdays, std::less<>());
  SortUnique(rule.month_days, [](int a, int b) { return SignedKey(a) < SignedKey(b); });
  SortUnique(rule.monthly_weekdays, [](const auto& a, const auto& b) {
    return std::make_pair(SignedKey(a.first), a.second) <
           std::make_pair(SignedKey(b.first), b.second);
  });
  return rule;
}

std::string FormatRecurrenceRule(const RecurrenceRule& rule) {
  const bool weekly = rule.frequency == Frequency::kWeekly;
  std::string out = weekly ? "FREQ=WEEKLY" : "FREQ=MONTHLY";
  if (rule.interval > 1) absl::StrAppend(&out, ";INTERVAL=", rule.interval);
  std::vector<std::string> days;
  for (absl::Weekday day : rule.weekdays) days.emplace_back(kWeekdayCodes[Index(day)]);
  for (const auto& [n, day] : rule.monthly_weekdays) {
    days.push_back(absl::StrCat(n, kWeekdayCodes[Index(day)]));
  }
  if (!days.empty()) absl::StrAppend(&out, ";BYDAY=", absl::StrJoin(days, ","));
  if (!rule.month_days.empty()) {
    absl::StrAppend(&out, ";BYMONTHDAY=", absl::StrJoin(rule.month_days, ","));
  }
  if (rule.until) {
    absl::StrAppend(&out, ";UNTIL=", absl::Dec(rule.until->year(), absl::kZeroPad4),
                    absl::Dec(rule.until->month(), absl::kZeroPad2),
                    absl::Dec(rule.until->day(), absl::kZeroPad2));
  }
  if (rule.count > 0) absl::StrAppend(&out, ";COUNT=", rule.count);
  return out;
}

std::vector<absl::CivilDay> ExpandRecurrence(const RecurrenceRule& rule, absl::CivilDay start,
                                             absl::CivilDay from, absl::CivilDay through,
                                             size_t max) {
  std::vector<absl::CivilDay> out;
  if (rule.interval < 1 || max == 0 || from > through) return out;
  const absl::CivilDay last = rule.until && *rule.until < through ? *rule.until : through;
  const bool weekly = rule.frequency == Frequency::kWeekly;
  std::vector<absl::Weekday> weekdays = rule.weekdays;
  SortUnique(weekdays, std::less<>());

  // Period 0 is start's week (from its Monday) or start's month; every interval-th one counts.
  const absl::CivilDay week0 = start - Index(absl::GetWeekday(start));
  const absl::CivilMonth month0(start);
  int64_t period = 0;
  if (rule.count == 0 && from > start) {
    // Without COUNT nothing before the window matters: begin with the period holding `from`.
    const int64_t to_from = weekly ? (from - week0) / 7 : absl::CivilMonth(from) - month0;
    period = to_from - to_from % rule.interval;
  }
  int counted = 0;
  int empty_periods = 0;
  for (;; period += rule.interval) {
    const absl::CivilDay begin = weekly ? week0 + 7 * period : absl::CivilDay(month0 + period);
    if (begin > last) break;
    const std::vector<absl::CivilDay> dates =
        weekly ? WeekDates(weekdays, begin) : MonthDates(rule, absl::CivilMonth(begin));
    // A monthly rule may name no day of some months (5TH, BYMONTHDAY=31). The calendar repeats
    // every 400 years (4800 months), so 4800 empty periods in a row mean it never matches.
    if (dates.empty()) {
      if (++empty_periods == 4800) break;
      continue;
    }
    empty_periods = 0;
    for (absl::CivilDay date : dates) {
      if (date < start) continue;
      if (date > last || (rule.count > 0 && ++counted > rule.count)) return out;
      if (date >= from) {
        out.push_back(date);
        if (out.size() == max) return out;
      }
    }
  }
  return out;
}

std::string DescribeRecurrenceRule(const RecurrenceRule& rule) {
  constexpr absl::string_view kNth[] = {"first", "second", "third", "fourth", "fifth"};
  const bool weekly = rule.frequency == Frequency::kWeekly;
  std::string out = "every ";
  if (rule.interval > 1) absl::StrAppend(&out, rule.interval, " ");
  absl::StrAppend(&out, weekly ? "week" : "month", rule.interval > 1 ? "s" : "");
  std::vector<std::string> days;
  for (absl::Weekday day : rule.weekdays) days.emplace_back(kWeekdayNames[Index(day)]);
  for (const auto& [n, day] : rule.monthly_weekdays) {
    const absl::string_view name = kWeekdayNames[Index(day)];
    if (n == -1) {
      days.push_back(absl::StrCat("the last ", name));
    } else if (n < -1 && n >= -5) {
      days.push_back(absl::StrCat("the ", kNth[-n - 1], "-to-last ", name));
    } else if (n >= 1 && n <= 5) {
      days.push_back(absl::StrCat("the ", kNth[n - 1], " ", name));
    }
  }
  for (int n : rule.month_days) {
    if (n == -1) {
      days.push_back("the last day");
    } else if (n < 0) {
      days.push_back(absl::StrCat("the ", Ordinal(-n), "-to-last day"));
    } else {
      days.push_back(absl::StrCat("the ", Ordinal(n)));
    }
  }
  if (!days.empty()) absl::StrAppend(&out, " on ", EnglishList(days));
  if (rule.until) absl::StrAppend(&out, " until ", absl::FormatCivilTime(*rule.until));
  if (rule.count == 1) absl::StrAppend(&out, ", once");
  if (rule.count > 1) absl::StrAppend(&out, ", ", rule.count, " times");
  return out;
}

}  // namespace allies::services
