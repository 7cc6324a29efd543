#include "services/project/recurrence.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace allies::services {

void PrintTo(const RecurrenceRule& rule, std::ostream* os) { *os << FormatRecurrenceRule(rule); }

namespace {

// The expected dates below were read off a calendar (python3 -m calendar), not from the code.

absl::CivilDay Day(const char* text) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(text, &day)) << text;
  return day;
}

RecurrenceRule Rule(const char* text) {
  absl::StatusOr<RecurrenceRule> rule = ParseRecurrenceRule(text);
  EXPECT_TRUE(rule.ok()) << text << ": " << rule.status();
  return rule.ok() ? *rule : RecurrenceRule();
}

// The occurrences of `text` for a series from `start`, in [from, through], as YYYY-MM-DD.
std::vector<std::string> Expand(const char* text, const char* start, const char* from,
                                const char* through, size_t max = 100) {
  std::vector<std::string> out;
  for (absl::CivilDay day :
       ExpandRecurrence(Rule(text), Day(start), Day(from), Day(through), max)) {
    out.push_back(absl::FormatCivilTime(day));
  }
  return out;
}

using Dates = std::vector<std::string>;

TEST(ExpandRecurrenceTest, WeeklyOneDay) {
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=MO", "2027-01-04", "2027-01-01", "2027-01-31"),
            Dates({"2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25"}));
}

TEST(ExpandRecurrenceTest, WeeklySeveralDays) {
  EXPECT_EQ(
      Expand("FREQ=WEEKLY;BYDAY=FR,MO,WE", "2027-01-04", "2027-01-04", "2027-01-17"),
      Dates({"2027-01-04", "2027-01-06", "2027-01-08", "2027-01-11", "2027-01-13", "2027-01-15"}));
}

TEST(ExpandRecurrenceTest, IntervalCountsMondayWeeksFromTheWeekOfStart) {
  // Start Wednesday 2027-01-06: week 0 is Jan 4-10 (its Monday is before the start), then the
  // weeks of Jan 18 and Feb 1.
  EXPECT_EQ(Expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "2027-01-06", "2027-01-01", "2027-02-07"),
            Dates({"2027-01-07", "2027-01-18", "2027-01-21", "2027-02-01", "2027-02-04"}));
  // Start Sunday 2027-01-10 is still in week Jan 4-10: the next Monday, Jan 11, is week 1.
  EXPECT_EQ(Expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "2027-01-10", "2027-01-01", "2027-02-07"),
            Dates({"2027-01-18", "2027-02-01"}));
}

TEST(ExpandRecurrenceTest, UntilIsInclusive) {
  const Dates tuesdays = {"2027-01-05", "2027-01-12", "2027-01-19", "2027-01-26"};
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270126", "2027-01-05", "2027-01-01", "2027-12-31"),
            tuesdays);
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270126T235959Z", "2027-01-05", "2027-01-01",
                   "2027-12-31"),
            tuesdays);
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270125", "2027-01-05", "2027-01-01", "2027-12-31"),
            Dates({"2027-01-05", "2027-01-12", "2027-01-19"}));
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231", "2027-01-05", "2027-01-01", "2027-12-31"),
            Dates());
}

TEST(ExpandRecurrenceTest, CountCountsFromStartNotFromTheWindow) {
  // The series: Jan 4, 7, 11, 14, 18 (the 5th), then nothing.
  const char* rule = "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5";
  EXPECT_EQ(Expand(rule, "2027-01-04", "2027-01-01", "2027-12-31"),
            Dates({"2027-01-04", "2027-01-07", "2027-01-11", "2027-01-14", "2027-01-18"}));
  EXPECT_EQ(Expand(rule, "2027-01-04", "2027-01-12", "2027-12-31"),
            Dates({"2027-01-14", "2027-01-18"}));
  EXPECT_EQ(Expand(rule, "2027-01-04", "2027-01-19", "2027-12-31"), Dates());
  // A start that does not match is not counted: Wednesday Jan 6, then Mondays.
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=MO;COUNT=3", "2027-01-06", "2027-01-01", "2027-12-31"),
            Dates({"2027-01-11", "2027-01-18", "2027-01-25"}));
}

TEST(ExpandRecurrenceTest, MonthlySecondTuesdayForAYear) {
  EXPECT_EQ(
      Expand("FREQ=MONTHLY;BYDAY=2TU", "2027-01-01", "2027-01-01", "2027-12-31"),
      Dates({"2027-01-12", "2027-02-09", "2027-03-09", "2027-04-13", "2027-05-11", "2027-06-08",
             "2027-07-13", "2027-08-10", "2027-09-14", "2027-10-12", "2027-11-09", "2027-12-14"}));
}

TEST(ExpandRecurrenceTest, FifthWeekdayOnlyInMonthsThatHaveOne) {
  // 2027 has a fifth Thursday in April, July, September and December only.
  EXPECT_EQ(Expand("FREQ=MONTHLY;BYDAY=5TH", "2027-01-01", "2027-01-01", "2027-12-31"),
            Dates({"2027-04-29", "2027-07-29", "2027-09-30", "2027-12-30"}));
}

TEST(ExpandRecurrenceTest, LastFriday) {
  EXPECT_EQ(
      Expand("FREQ=MONTHLY;BYDAY=-1FR", "2027-01-01", "2027-01-01", "2027-12-31"),
      Dates({"2027-01-29", "2027-02-26", "2027-03-26", "2027-04-30", "2027-05-28", "2027-06-25",
             "2027-07-30", "2027-08-27", "2027-09-24", "2027-10-29", "2027-11-26", "2027-12-31"}));
}

TEST(ExpandRecurrenceTest, MonthDay31SkipsShorterMonths) {
  EXPECT_EQ(Expand("FREQ=MONTHLY;BYMONTHDAY=31", "2027-01-01", "2027-01-01", "2027-12-31"),
            Dates({"2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31", "2027-08-31",
                   "2027-10-31", "2027-12-31"}));
}

TEST(ExpandRecurrenceTest, LastDayOfTheMonthIncludingLeapFebruary) {
  EXPECT_EQ(
      Expand("FREQ=MONTHLY;BYMONTHDAY=-1", "2028-01-01", "2028-01-01", "2028-12-31"),
      Dates({"2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31", "2028-06-30",
             "2028-07-31", "2028-08-31", "2028-09-30", "2028-10-31", "2028-11-30", "2028-12-31"}));
  // 31 and -1 name the same day in a 31-day month: one occurrence.
  EXPECT_EQ(Expand("FREQ=MONTHLY;BYMONTHDAY=31,-1", "2027-01-01", "2027-01-01", "2027-02-28"),
            Dates({"2027-01-31", "2027-02-28"}));
}

TEST(ExpandRecurrenceTest, MonthlyIntervalWithSeveralDays) {
  // Every other month from January 2027; the first Monday of January (the 4th) is before start.
  EXPECT_EQ(
      Expand("FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO,-1FR", "2027-01-15", "2027-01-01", "2027-05-31"),
      Dates({"2027-01-29", "2027-03-01", "2027-03-26", "2027-05-03", "2027-05-28"}));
}

TEST(ExpandRecurrenceTest, StartThatDoesNotMatch) {
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=MO", "2027-01-06", "2027-01-01", "2027-01-20"),
            Dates({"2027-01-11", "2027-01-18"}));
  // January's second Tuesday (the 12th) is before the start.
  EXPECT_EQ(Expand("FREQ=MONTHLY;BYDAY=2TU", "2027-01-20", "2027-01-01", "2027-03-31"),
            Dates({"2027-02-09", "2027-03-09"}));
}

TEST(ExpandRecurrenceTest, MaxLimits) {
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=MO", "2027-01-04", "2027-01-01", "2027-12-31", 2),
            Dates({"2027-01-04", "2027-01-11"}));
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=MO", "2027-01-04", "2027-01-01", "2027-12-31", 0), Dates());
  EXPECT_EQ(Expand("FREQ=WEEKLY;BYDAY=MO", "2027-01-04", "2027-02-01", "2027-01-01"), Dates());
}

TEST(ExpandRecurrenceTest, FarWindowKeepsTheIntervalPhase) {
  EXPECT_EQ(Expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "2027-01-06", "2500-01-01", "2500-01-31"),
            Dates({"2500-01-04", "2500-01-07", "2500-01-18", "2500-01-21"}));
  EXPECT_EQ(Expand("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "2027-01-20", "2400-01-01", "2400-12-31"),
            Dates({"2400-01-11", "2400-04-11", "2400-07-11", "2400-10-10"}));
}

TEST(ExpandRecurrenceTest, RuleThatNeverMatchesEnds) {
  // Every 12 months from February: February never has a 30th.
  EXPECT_EQ(
      Expand("FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30", "2027-02-01", "2027-01-01", "9999-12-31"),
      Dates());
}

TEST(ParseRecurrenceRuleTest, NamesValuesAndOrderAreFree) {
  const RecurrenceRule rule =
      Rule("rrule:byday=we,Mo,WE;wkst=mo;freq=weekly;interval=2;until=20270131t120000z");
  EXPECT_EQ(rule.frequency, RecurrenceRule::Frequency::kWeekly);
  EXPECT_EQ(rule.interval, 2);
  EXPECT_EQ(rule.weekdays,
            std::vector<absl::Weekday>({absl::Weekday::monday, absl::Weekday::wednesday}));
  EXPECT_EQ(rule.until, absl::CivilDay(2027, 1, 31));
  EXPECT_EQ(rule.count, 0);

  const RecurrenceRule monthly = Rule("FREQ=MONTHLY;BYDAY=-1FR,+2TU,1MO;COUNT=1000");
  EXPECT_EQ(monthly.frequency, RecurrenceRule::Frequency::kMonthly);
  EXPECT_EQ(
      monthly.monthly_weekdays,
      (std::vector<std::pair<int, absl::Weekday>>{
          {1, absl::Weekday::monday}, {2, absl::Weekday::tuesday}, {-1, absl::Weekday::friday}}));
  EXPECT_EQ(monthly.count, 1000);
  EXPECT_EQ(Rule("FREQ=MONTHLY;BYMONTHDAY=-1,15,1,-2").month_days,
            std::vector<int>({1, 15, -1, -2}));
}

TEST(ParseRecurrenceRuleTest, FormatIsCanonicalAndRoundTrips) {
  const std::pair<const char*, const char*> cases[] = {
      {"FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"},
      {"byday=we,mo;interval=2;freq=weekly;until=20270131T090000Z",
       "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131"},
      {"FREQ=WEEKLY;INTERVAL=1;BYDAY=SU,SA", "FREQ=WEEKLY;BYDAY=SA,SU"},
      {"FREQ=MONTHLY;BYDAY=-1FR,2TU;COUNT=10", "FREQ=MONTHLY;BYDAY=2TU,-1FR;COUNT=10"},
      {"RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1,1,15;WKST=MO",
       "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1,15,-1"},
      {"FREQ=MONTHLY;INTERVAL=12;BYDAY=5SU;UNTIL=00010101",
       "FREQ=MONTHLY;INTERVAL=12;BYDAY=5SU;"
       "UNTIL=00010101"},
  };
  for (const auto& [text, canonical] : cases) {
    const RecurrenceRule rule = Rule(text);
    EXPECT_EQ(FormatRecurrenceRule(rule), canonical) << text;
    EXPECT_EQ(Rule(FormatRecurrenceRule(rule).c_str()), rule) << text;
  }

  RecurrenceRule built;
  built.frequency = RecurrenceRule::Frequency::kMonthly;
  built.interval = 6;
  built.month_days = {10, -3};
  built.count = 7;
  EXPECT_EQ(FormatRecurrenceRule(built), "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=10,-3;COUNT=7");
  EXPECT_EQ(Rule(FormatRecurrenceRule(built).c_str()), built);
  EXPECT_NE(Rule("FREQ=WEEKLY;BYDAY=MO"), Rule("FREQ=WEEKLY;BYDAY=TU"));
}

TEST(ParseRecurrenceRuleTest, RefusesWhatIsOutsideTheSubset) {
  struct Case {
    const char* text;
    std::vector<const char*> message_has;  // the part, the value, what is accepted
  };
  const Case cases[] = {
      {"", {"RRULE", "empty"}},
      {"FREQ=WEEKLY;BYDAY", {"RRULE", "\"BYDAY\"", "NAME=VALUE"}},
      {"FREQ=WEEKLY;BYDAY=MO;COLOR=RED", {"unknown part", "\"COLOR\"", "FREQ, INTERVAL"}},
      {"BYDAY=MO", {"FREQ", "missing", "FREQ=WEEKLY or FREQ=MONTHLY"}},
      {"FREQ=DAILY;BYDAY=MO", {"FREQ", "\"DAILY\"", "WEEKLY or MONTHLY"}},
      {"FREQ=YEARLY", {"FREQ", "\"YEARLY\"", "WEEKLY or MONTHLY"}},
      {"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1", {"BYSETPOS", "not supported", "BYMONTHDAY"}},
      {"FREQ=WEEKLY;BYDAY=MO;BYHOUR=9", {"BYHOUR", "not supported"}},
      {"FREQ=WEEKLY;BYDAY=MO;WKST=SU", {"WKST", "\"SU\"", "only MO"}},
      {"FREQ=WEEKLY;BYDAY=MO;BYDAY=TU", {"BYDAY", "\"TU\"", "once"}},
      {"FREQ=WEEKLY;freq=weekly;BYDAY=MO", {"FREQ", "once"}},
      {"FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131;COUNT=3", {"UNTIL", "COUNT", "not both"}},
      {"FREQ=WEEKLY", {"BYDAY", "missing", "weekdays"}},
      {"FREQ=WEEKLY;BYDAY=2TU", {"BYDAY", "\"2TU\"", "number", "MONTHLY"}},
      {"FREQ=WEEKLY;BYDAY=MO,,WE", {"BYDAY", "\"MO,,WE\"", "empty"}},
      {"FREQ=WEEKLY;BYDAY=MO;BYMONTHDAY=1", {"BYMONTHDAY", "\"1\"", "MONTHLY only"}},
      {"FREQ=MONTHLY", {"BYDAY", "BYMONTHDAY", "exactly one"}},
      {"FREQ=MONTHLY;BYDAY=2TU;BYMONTHDAY=1", {"BYDAY", "BYMONTHDAY", "exactly one"}},
      {"FREQ=MONTHLY;BYDAY=TU", {"BYDAY", "\"TU\"", "1 to 5 or -1 to -5"}},
      {"FREQ=MONTHLY;BYDAY=6TU", {"BYDAY", "\"6TU\"", "1 to 5 or -1 to -5"}},
      {"FREQ=MONTHLY;BYDAY=0TU", {"BYDAY", "\"0TU\"", "1 to 5 or -1 to -5"}},
      {"FREQ=MONTHLY;BYDAY=-6FR", {"BYDAY", "\"-6FR\"", "1 to 5 or -1 to -5"}},
      {"FREQ=MONTHLY;BYDAY=2XX", {"BYDAY", "\"2XX\"", "not a weekday"}},
      {"FREQ=MONTHLY;BYMONTHDAY=32", {"BYMONTHDAY", "\"32\"", "1 to 31"}},
      {"FREQ=MONTHLY;BYMONTHDAY=0", {"BYMONTHDAY", "\"0\"", "1 to 31"}},
      {"FREQ=MONTHLY;BYMONTHDAY=1,-32", {"BYMONTHDAY", "\"-32\"", "-1 to -31"}},
      {"FREQ=MONTHLY;BYMONTHDAY=1.5", {"BYMONTHDAY", "\"1.5\"", "1 to 31"}},
      {"FREQ=WEEKLY;BYDAY=MO;INTERVAL=0", {"INTERVAL", "\"0\"", "1 to 52"}},
      {"FREQ=WEEKLY;BYDAY=MO;INTERVAL=53", {"INTERVAL", "\"53\"", "1 to 52"}},
      {"FREQ=WEEKLY;BYDAY=MO;INTERVAL=-1", {"INTERVAL", "\"-1\"", "1 to 52"}},
      {"FREQ=MONTHLY;BYMONTHDAY=1;INTERVAL=13", {"INTERVAL", "\"13\"", "1 to 12"}},
      {"FREQ=MONTHLY;BYMONTHDAY=1;INTERVAL=TWO", {"INTERVAL", "\"TWO\"", "1 to 12"}},
      {"FREQ=WEEKLY;BYDAY=MO;COUNT=0", {"COUNT", "\"0\"", "1 to 1000"}},
      {"FREQ=WEEKLY;BYDAY=MO;COUNT=1001", {"COUNT", "\"1001\"", "1 to 1000"}},
      {"FREQ=WEEKLY;BYDAY=MO;COUNT=", {"COUNT", "\"\"", "1 to 1000"}},
      {"FREQ=WEEKLY;BYDAY=MO;UNTIL=2027-01-31", {"UNTIL", "\"2027-01-31\"", "YYYYMMDD"}},
      {"FREQ=WEEKLY;BYDAY=MO;UNTIL=20270230", {"UNTIL", "\"20270230\"", "YYYYMMDD"}},
      {"FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131T250000", {"UNTIL", "\"20270131T250000\"", "HHMMSS"}},
      {"FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131X000000Z", {"UNTIL", "\"20270131X000000Z\""}},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<RecurrenceRule> rule = ParseRecurrenceRule(c.text);
    ASSERT_FALSE(rule.ok()) << c.text;
    EXPECT_EQ(rule.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    for (const char* part : c.message_has) {
      EXPECT_NE(rule.status().message().find(part), absl::string_view::npos)
          << c.text << " -> " << rule.status().message() << " (expected " << part << ")";
    }
  }
  EXPECT_EQ(ParseRecurrenceRule("FREQ=WEEKLY;BYDAY=XX").status().message(),
            "BYDAY: \"XX\" is not a weekday (MO, TU, WE, TH, FR, SA, SU)");
}

TEST(DescribeRecurrenceRuleTest, PlainEnglish) {
  EXPECT_EQ(DescribeRecurrenceRule(Rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131")),
            "every 2 weeks on Monday and Wednesday until 2027-01-31");
  EXPECT_EQ(DescribeRecurrenceRule(Rule("FREQ=WEEKLY;BYDAY=FR,MO,WE;COUNT=10")),
            "every week on Monday, Wednesday and Friday, 10 times");
  EXPECT_EQ(DescribeRecurrenceRule(Rule("FREQ=MONTHLY;BYDAY=2TU")),
            "every month on the second Tuesday");
  EXPECT_EQ(DescribeRecurrenceRule(Rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO,-2FR,-1FR;COUNT=1")),
            "every 3 months on the first Monday, the last Friday and the second-to-last Friday, "
            "once");
  EXPECT_EQ(DescribeRecurrenceRule(Rule("FREQ=MONTHLY;BYMONTHDAY=1,2,3,11,22,-1,-2")),
            "every month on the 1st, the 2nd, the 3rd, the 11th, the 22nd, the last day and the "
            "2nd-to-last day");
}

}  // namespace
}  // namespace allies::services
