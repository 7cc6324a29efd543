#include "services/governance/rules.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "api/errors.h"
#include "google/rpc/error_details.pb.h"

namespace allies::services::governance {
namespace {

using v1::AgendaItem;
using v1::GovernanceRules;
using v1::Meeting;
using v1::Member;
using v1::Vote;

// ---------------------------------------------------------------------------------------------
// Helpers. The expected numbers below are worked out by hand from 174-FZ and the presets'
// regulations, not read back from the code.

absl::CivilDay Day(const char* text) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(text, &day)) << text;
  return day;
}

google::type::Date Date(const char* text) {
  const absl::CivilDay day = Day(text);
  google::type::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::map<std::string, std::string> Metadata(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.ErrorInfo");
  if (payload) {
    EXPECT_TRUE(info.ParseFromString(std::string(*payload)));
  }
  return {info.metadata().begin(), info.metadata().end()};
}

// The fields of an INVALID_ARGUMENT status's violations, in order.
std::vector<std::string> Fields(const absl::Status& status) {
  api::FieldViolations v;
  v.AddFrom(status, "(no field)");
  std::vector<std::string> fields;
  for (const auto& [field, description] : v.items()) fields.push_back(field);
  return fields;
}

std::vector<std::string> Fields(const api::FieldViolations& v) { return Fields(v.ToStatus()); }

std::string Descriptions(const api::FieldViolations& v) {
  std::string out;
  for (const auto& [field, description] : v.items()) {
    absl::StrAppend(&out, field, ": ", description, "\n");
  }
  return out;
}

using Strings = std::vector<std::string>;

// The 2025 draft of 174-FZ, as data over the 174-FZ preset: 7-15 members, state and municipal
// seats at most 1/2, employees at most 1/4.
GovernanceRules Draft2025() {
  GovernanceRules given;
  given.set_min_size(7);
  given.set_max_size(15);
  v1::SeatKind* state = given.add_seat_kinds();
  state->set_seat_kind("STATE");
  state->mutable_max_share()->set_numerator(1);
  state->mutable_max_share()->set_denominator(2);
  state->set_description("представители государства и муниципалитетов");
  v1::SeatKind* employee = given.add_seat_kinds();
  employee->set_seat_kind("EMPLOYEE");
  employee->mutable_max_share()->set_numerator(1);
  employee->mutable_max_share()->set_denominator(4);
  employee->set_may_not_chair(true);
  employee->set_description("представители работников библиотеки");
  v1::SeatKind* pub = given.add_seat_kinds();
  pub->set_seat_kind("PUBLIC");
  pub->set_description("представители общественности");
  return ResolveRules(given, GovernanceRules::SUPERVISORY_174FZ);
}

// ---------------------------------------------------------------------------------------------
// Presets.

TEST(PresetTest, Supervisory174Fz) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(r.preset(), GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(r.min_size(), 5);
  EXPECT_EQ(r.max_size(), 11);
  EXPECT_EQ(r.max_term_months(), 60);
  EXPECT_EQ(r.meetings_per_year(), 4);
  ASSERT_EQ(r.seat_kinds_size(), 3);
  EXPECT_EQ(r.seat_kinds(0).seat_kind(), "STATE");
  EXPECT_EQ(r.seat_kinds(0).max_share().numerator(), 1);
  EXPECT_EQ(r.seat_kinds(0).max_share().denominator(), 3);
  EXPECT_FALSE(r.seat_kinds(0).may_not_chair());
  EXPECT_EQ(r.seat_kinds(1).seat_kind(), "EMPLOYEE");
  EXPECT_EQ(r.seat_kinds(1).max_share().numerator(), 1);
  EXPECT_EQ(r.seat_kinds(1).max_share().denominator(), 3);
  EXPECT_TRUE(r.seat_kinds(1).may_not_chair());
  EXPECT_EQ(r.seat_kinds(2).seat_kind(), "PUBLIC");
  EXPECT_FALSE(r.seat_kinds(2).has_max_share());
  for (const auto& s : r.seat_kinds()) EXPECT_FALSE(s.description().empty()) << s.seat_kind();
  ASSERT_EQ(r.ineligible_positions_size(), 2);
  EXPECT_EQ(r.ineligible_positions(0), v1::HEAD);
  EXPECT_EQ(r.ineligible_positions(1), v1::DEPUTY_HEAD);
  EXPECT_EQ(r.chair_ineligible_positions_size(), 0);
  EXPECT_EQ(r.quorum_share().numerator(), 1);
  EXPECT_EQ(r.quorum_share().denominator(), 2);
  EXPECT_TRUE(r.quorum_more_than());
  EXPECT_TRUE(r.quorum_requires_all_notified());

  const std::vector<std::tuple<std::string, v1::DecisionRule, bool>> expected = {
      {"GENERAL", v1::MAJORITY_OF_ALL_MEMBERS, true},
      {"PROCEDURAL", v1::MAJORITY_OF_PRESENT, true},
      {"MAJOR_DEAL", v1::TWO_THIRDS_OF_ALL_MEMBERS, false},
      {"AUDIT", v1::TWO_THIRDS_OF_ALL_MEMBERS, false},
      {"INTERESTED_PARTY_DEAL", v1::MAJORITY_OF_DISINTERESTED, false},
      {"CHAIR_ELECTION", v1::MAJORITY_OF_ALL_MEMBERS, false},
  };
  ASSERT_EQ(r.question_kinds_size(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& q = r.question_kinds(static_cast<int>(i));
    EXPECT_EQ(q.question_kind(), std::get<0>(expected[i]));
    EXPECT_EQ(q.decision_rule(), std::get<1>(expected[i])) << q.question_kind();
    EXPECT_EQ(q.chair_casting_vote(), std::get<2>(expected[i])) << q.question_kind();
    EXPECT_FALSE(q.description().empty()) << q.question_kind();
  }
}

TEST(PresetTest, Trustee) {
  const GovernanceRules r = Preset(GovernanceRules::TRUSTEE);
  EXPECT_EQ(r.preset(), GovernanceRules::TRUSTEE);
  EXPECT_EQ(r.min_size(), 5);
  EXPECT_EQ(r.max_size(), 25);
  EXPECT_EQ(r.max_term_months(), 60);
  EXPECT_EQ(r.meetings_per_year(), 2);
  ASSERT_EQ(r.seat_kinds_size(), 2);
  EXPECT_EQ(r.seat_kinds(0).seat_kind(), "PUBLIC");
  EXPECT_FALSE(r.seat_kinds(0).has_max_share());
  EXPECT_EQ(r.seat_kinds(1).seat_kind(), "EMPLOYEE");
  EXPECT_EQ(r.seat_kinds(1).max_share().numerator(), 1);
  EXPECT_EQ(r.seat_kinds(1).max_share().denominator(), 3);
  EXPECT_TRUE(r.seat_kinds(1).may_not_chair());
  EXPECT_EQ(r.ineligible_positions_size(), 0);
  ASSERT_EQ(r.chair_ineligible_positions_size(), 1);
  EXPECT_EQ(r.chair_ineligible_positions(0), v1::HEAD);
  EXPECT_EQ(r.quorum_share().numerator(), 1);
  EXPECT_EQ(r.quorum_share().denominator(), 2);
  EXPECT_TRUE(r.quorum_more_than());
  EXPECT_FALSE(r.quorum_requires_all_notified());
  ASSERT_EQ(r.question_kinds_size(), 2);
  EXPECT_EQ(r.question_kinds(0).question_kind(), "GENERAL");
  EXPECT_EQ(r.question_kinds(0).decision_rule(), v1::MAJORITY_OF_PRESENT);
  EXPECT_TRUE(r.question_kinds(0).chair_casting_vote());
  EXPECT_EQ(r.question_kinds(1).question_kind(), "UNANIMOUS_MATTER");
  EXPECT_EQ(r.question_kinds(1).decision_rule(), v1::UNANIMOUS);
}

TEST(PresetTest, ReaderCouncil) {
  const GovernanceRules r = Preset(GovernanceRules::READER_COUNCIL);
  EXPECT_EQ(r.preset(), GovernanceRules::READER_COUNCIL);
  EXPECT_EQ(r.min_size(), 3);
  EXPECT_EQ(r.max_size(), 25);
  EXPECT_EQ(r.max_term_months(), 36);
  EXPECT_EQ(r.meetings_per_year(), 2);
  ASSERT_EQ(r.seat_kinds_size(), 2);
  EXPECT_EQ(r.seat_kinds(0).seat_kind(), "READER");
  EXPECT_FALSE(r.seat_kinds(0).has_max_share());
  EXPECT_EQ(r.seat_kinds(1).seat_kind(), "EMPLOYEE");
  EXPECT_EQ(r.seat_kinds(1).max_share().numerator(), 1);
  EXPECT_EQ(r.seat_kinds(1).max_share().denominator(), 3);
  EXPECT_TRUE(r.seat_kinds(1).may_not_chair());
  ASSERT_EQ(r.chair_ineligible_positions_size(), 1);
  EXPECT_EQ(r.chair_ineligible_positions(0), v1::HEAD);
  EXPECT_TRUE(r.quorum_more_than());
  EXPECT_FALSE(r.quorum_requires_all_notified());
  ASSERT_EQ(r.question_kinds_size(), 2);
  EXPECT_EQ(r.question_kinds(0).question_kind(), "GENERAL");
  EXPECT_EQ(r.question_kinds(0).decision_rule(), v1::MAJORITY_OF_PRESENT);
  EXPECT_TRUE(r.question_kinds(0).chair_casting_vote());
  EXPECT_EQ(r.question_kinds(1).question_kind(), "CHARTER_PROPOSAL");
  EXPECT_EQ(r.question_kinds(1).decision_rule(), v1::TWO_THIRDS_OF_ALL_MEMBERS);
}

TEST(PresetTest, UnspecifiedIsEmpty) {
  const GovernanceRules r = Preset(GovernanceRules::PRESET_UNSPECIFIED);
  EXPECT_EQ(r.ByteSizeLong(), 0u);
}

TEST(PresetTest, EveryPresetPassesItsOwnChecks) {
  for (auto p : {GovernanceRules::SUPERVISORY_174FZ, GovernanceRules::TRUSTEE,
                 GovernanceRules::READER_COUNCIL}) {
    api::FieldViolations v;
    CheckRules(Preset(p), "rules", v);
    EXPECT_TRUE(v.empty()) << GovernanceRules::Preset_Name(p) << "\n" << Descriptions(v);
  }
  api::FieldViolations v;
  CheckRules(Draft2025(), "rules", v);
  EXPECT_TRUE(v.empty()) << Descriptions(v);
}

// ---------------------------------------------------------------------------------------------
// ResolveRules.

TEST(ResolveRulesTest, FallbackPresetWhenNoneNamed) {
  const GovernanceRules r = ResolveRules(GovernanceRules(), GovernanceRules::READER_COUNCIL);
  EXPECT_EQ(r.SerializeAsString(), Preset(GovernanceRules::READER_COUNCIL).SerializeAsString());
}

TEST(ResolveRulesTest, NamedPresetWinsOverFallback) {
  GovernanceRules given;
  given.set_preset(GovernanceRules::TRUSTEE);
  const GovernanceRules r = ResolveRules(given, GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(r.preset(), GovernanceRules::TRUSTEE);
  EXPECT_EQ(r.max_size(), 25);
}

TEST(ResolveRulesTest, GivenFieldsReplaceThePresets) {
  const GovernanceRules r = Draft2025();
  EXPECT_EQ(r.preset(), GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(r.min_size(), 7);
  EXPECT_EQ(r.max_size(), 15);
  ASSERT_EQ(r.seat_kinds_size(), 3);
  EXPECT_EQ(r.seat_kinds(0).max_share().denominator(), 2);
  EXPECT_EQ(r.seat_kinds(1).max_share().denominator(), 4);
  // Untouched: the preset's.
  EXPECT_EQ(r.max_term_months(), 60);
  EXPECT_EQ(r.meetings_per_year(), 4);
  EXPECT_EQ(r.ineligible_positions_size(), 2);
  EXPECT_EQ(r.question_kinds_size(), 6);
  EXPECT_TRUE(r.quorum_more_than());
  EXPECT_TRUE(r.quorum_requires_all_notified());
}

TEST(ResolveRulesTest, CompleteRulesAreTakenAsTheyAreZerosIncluded) {
  GovernanceRules given = Preset(GovernanceRules::SUPERVISORY_174FZ);
  given.set_max_term_months(0);  // no term limit
  given.clear_ineligible_positions();
  given.set_meetings_per_year(0);
  const GovernanceRules r = ResolveRules(given, GovernanceRules::READER_COUNCIL);
  EXPECT_EQ(r.max_term_months(), 0);
  EXPECT_EQ(r.ineligible_positions_size(), 0);
  EXPECT_EQ(r.meetings_per_year(), 0);
  EXPECT_EQ(r.preset(), GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(r.min_size(), 5);
  // Without a quorum share the rules are partial: the preset fills the zeros.
  given.clear_quorum_share();
  EXPECT_EQ(ResolveRules(given, GovernanceRules::READER_COUNCIL).max_term_months(), 60);
}

TEST(ResolveRulesTest, QuorumFlagsTakenOnlyWithQuorumShare) {
  GovernanceRules given;
  given.set_quorum_more_than(false);  // alone: ignored (false is also the unset value)
  GovernanceRules r = ResolveRules(given, GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_TRUE(r.quorum_more_than());
  EXPECT_TRUE(r.quorum_requires_all_notified());

  given.mutable_quorum_share()->set_numerator(2);
  given.mutable_quorum_share()->set_denominator(3);
  r = ResolveRules(given, GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(r.quorum_share().numerator(), 2);
  EXPECT_EQ(r.quorum_share().denominator(), 3);
  EXPECT_FALSE(r.quorum_more_than());
  EXPECT_FALSE(r.quorum_requires_all_notified());
}

TEST(ResolveRulesTest, QuestionKindsAndPositionsReplacedWhole) {
  GovernanceRules given;
  v1::QuestionKind* q = given.add_question_kinds();
  q->set_question_kind("BUDGET");
  q->set_decision_rule(v1::MAJORITY_OF_PRESENT);
  q->set_description("утверждение сметы");
  given.add_chair_ineligible_positions(v1::EMPLOYEE);
  const GovernanceRules r = ResolveRules(given, GovernanceRules::TRUSTEE);
  ASSERT_EQ(r.question_kinds_size(), 1);
  EXPECT_EQ(r.question_kinds(0).question_kind(), "BUDGET");
  ASSERT_EQ(r.chair_ineligible_positions_size(), 1);
  EXPECT_EQ(r.chair_ineligible_positions(0), v1::EMPLOYEE);
}

// ---------------------------------------------------------------------------------------------
// CheckRules and CheckSeatCount.

TEST(CheckRulesTest, SizesTermsMeetingsAndQuorum) {
  GovernanceRules r = Preset(GovernanceRules::TRUSTEE);
  r.set_min_size(0);
  r.set_max_size(101);
  r.set_max_term_months(601);
  r.set_meetings_per_year(53);
  r.mutable_quorum_share()->set_numerator(3);
  r.mutable_quorum_share()->set_denominator(2);
  api::FieldViolations v;
  CheckRules(r, "rules", v);
  EXPECT_EQ(Fields(v), Strings({"rules.min_size", "rules.max_size", "rules.max_term_months",
                                "rules.meetings_per_year", "rules.quorum_share"}));

  r = Preset(GovernanceRules::TRUSTEE);
  r.set_min_size(9);
  r.set_max_size(7);
  r.clear_quorum_share();
  v = api::FieldViolations();
  CheckRules(r, "body.rules", v);
  EXPECT_EQ(Fields(v), Strings({"body.rules.max_size", "body.rules.quorum_share"}));
}

TEST(CheckRulesTest, BoundariesAccepted) {
  GovernanceRules r = Preset(GovernanceRules::TRUSTEE);
  r.set_min_size(1);
  r.set_max_size(100);
  r.set_max_term_months(600);
  r.set_meetings_per_year(0);
  r.mutable_quorum_share()->set_numerator(100);
  r.mutable_quorum_share()->set_denominator(100);
  r.mutable_seat_kinds(1)->mutable_max_share()->set_numerator(0);
  api::FieldViolations v;
  CheckRules(r, "rules", v);
  EXPECT_TRUE(v.empty()) << Descriptions(v);
}

TEST(CheckRulesTest, SeatKinds) {
  GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  r.mutable_seat_kinds(0)->set_seat_kind("state");
  r.mutable_seat_kinds(1)->set_seat_kind("PUBLIC");  // the same as the third
  r.mutable_seat_kinds(1)->mutable_max_share()->set_denominator(0);
  // 300 Cyrillic letters (600 bytes) fit, 301 do not: the limit counts characters.
  std::string description;
  for (int i = 0; i < 300; ++i) description += "ж";
  r.mutable_seat_kinds(2)->set_description(description);
  api::FieldViolations v;
  CheckRules(r, "rules", v);
  EXPECT_EQ(Fields(v), Strings({"rules.seat_kinds[0].seat_kind", "rules.seat_kinds[1].max_share",
                                "rules.seat_kinds[2].seat_kind"}))
      << Descriptions(v);

  r.mutable_seat_kinds(2)->set_description(description + "ж");
  v = api::FieldViolations();
  CheckRules(r, "rules", v);
  EXPECT_EQ(Fields(v).back(), "rules.seat_kinds[2].description");

  r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  r.mutable_seat_kinds(0)->set_seat_kind(std::string(41, 'A'));
  r.mutable_seat_kinds(1)->set_seat_kind("");
  r.mutable_seat_kinds(2)->mutable_max_share()->set_numerator(2);
  r.mutable_seat_kinds(2)->mutable_max_share()->set_denominator(1);
  v = api::FieldViolations();
  CheckRules(r, "rules", v);
  EXPECT_EQ(Fields(v), Strings({"rules.seat_kinds[0].seat_kind", "rules.seat_kinds[1].seat_kind",
                                "rules.seat_kinds[2].max_share"}));

  r.clear_seat_kinds();
  v = api::FieldViolations();
  CheckRules(r, "rules", v);
  EXPECT_EQ(Fields(v), Strings({"rules.seat_kinds"}));
  for (int i = 0; i < 21; ++i) {
    v1::SeatKind* s = r.add_seat_kinds();
    s->set_seat_kind(absl::StrCat("KIND_", i));
  }
  v = api::FieldViolations();
  CheckRules(r, "rules", v);
  EXPECT_EQ(Fields(v), Strings({"rules.seat_kinds"}));
}

TEST(CheckRulesTest, QuestionKindsAndPositions) {
  GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  r.mutable_question_kinds(1)->set_decision_rule(v1::DECISION_RULE_UNSPECIFIED);
  r.mutable_question_kinds(2)->set_question_kind("GENERAL");
  r.mutable_question_kinds(3)->set_question_kind("ПРОВЕРКА");
  r.add_ineligible_positions(v1::STAFF_POSITION_UNSPECIFIED);
  r.add_chair_ineligible_positions(v1::STAFF_POSITION_UNSPECIFIED);
  api::FieldViolations v;
  CheckRules(r, "rules", v);
  EXPECT_EQ(
      Fields(v),
      Strings({"rules.ineligible_positions[2]", "rules.chair_ineligible_positions[0]",
               "rules.question_kinds[1].decision_rule", "rules.question_kinds[2].question_kind",
               "rules.question_kinds[3].question_kind"}))
      << Descriptions(v);

  r.clear_question_kinds();
  r.clear_ineligible_positions();
  r.clear_chair_ineligible_positions();
  v = api::FieldViolations();
  CheckRules(r, "rules", v);
  EXPECT_EQ(Fields(v), Strings({"rules.question_kinds"}));
}

TEST(CheckSeatCountTest, WithinThePresetsSizes) {
  const GovernanceRules supervisory = Preset(GovernanceRules::SUPERVISORY_174FZ);
  for (int seats : {5, 9, 11}) {
    api::FieldViolations v;
    CheckSeatCount(supervisory, seats, v);
    EXPECT_TRUE(v.empty()) << seats;
  }
  for (int seats : {0, 4, 12}) {
    api::FieldViolations v;
    CheckSeatCount(supervisory, seats, v);
    EXPECT_EQ(Fields(v), Strings({"seat_count"})) << seats;
  }
  api::FieldViolations v;
  CheckSeatCount(Preset(GovernanceRules::READER_COUNCIL), 3, v);
  CheckSeatCount(Preset(GovernanceRules::TRUSTEE), 25, v);
  EXPECT_TRUE(v.empty());
  CheckSeatCount(Preset(GovernanceRules::READER_COUNCIL), 2, v);
  CheckSeatCount(Preset(GovernanceRules::TRUSTEE), 26, v);
  EXPECT_EQ(Fields(v), Strings({"seat_count", "seat_count"}));
}

TEST(CheckSeatCountTest, Draft2025ChangesTheSizes) {
  api::FieldViolations v;
  CheckSeatCount(Preset(GovernanceRules::SUPERVISORY_174FZ), 5, v);
  CheckSeatCount(Draft2025(), 13, v);
  EXPECT_TRUE(v.empty());
  CheckSeatCount(Draft2025(), 5, v);
  CheckSeatCount(Preset(GovernanceRules::SUPERVISORY_174FZ), 13, v);
  EXPECT_EQ(Fields(v), Strings({"seat_count", "seat_count"}));
}

// ---------------------------------------------------------------------------------------------
// Members: terms and CheckMember.

constexpr char kBody[] = "libraries/l1/supervisoryBoards/b1";
constexpr char kTermStart[] = "2026-07-01";
constexpr char kTermEnd[] = "2031-06-30";  // the longest 60-month term from kTermStart
constexpr char kFrom[] = "2027-01-10";

Member NewMember(int i, const std::string& seat_kind, const char* start = kTermStart,
                 const char* end = kTermEnd) {
  Member m;
  m.set_name(absl::StrCat(kBody, "/members/m", i));
  m.set_person(absl::StrCat("libraries/l1/contacts/c", i));
  m.set_seat_kind(seat_kind);
  m.set_staff_position(v1::NOT_STAFF);
  m.set_role(Member::MEMBER);
  if (start != nullptr) *m.mutable_term_start_date() = Date(start);
  if (end != nullptr) *m.mutable_term_end_date() = Date(end);
  return m;
}

std::vector<std::string> CheckMemberFields(const GovernanceRules& rules, const Member& m) {
  api::FieldViolations v;
  CheckMember(rules, m, v);
  return Fields(v);
}

TEST(MemberTermTest, FirstAndLastDays) {
  Member m = NewMember(1, "PUBLIC", "2026-07-01", "2031-06-30");
  EXPECT_EQ(FirstDay(m), Day("2026-07-01"));
  EXPECT_EQ(LastDay(m), Day("2031-06-30"));
  EXPECT_FALSE(InOffice(m, Day("2026-06-30")));
  EXPECT_TRUE(InOffice(m, Day("2026-07-01")));
  EXPECT_TRUE(InOffice(m, Day("2031-06-30")));
  EXPECT_FALSE(InOffice(m, Day("2031-07-01")));

  // An early end is the last day in office.
  *m.mutable_end_date() = Date("2028-03-14");
  m.set_end_reason(Member::RESIGNED);
  EXPECT_EQ(LastDay(m), Day("2028-03-14"));
  EXPECT_TRUE(InOffice(m, Day("2028-03-14")));
  EXPECT_FALSE(InOffice(m, Day("2028-03-15")));

  // No end at all: in office from the start on.
  m = NewMember(2, "READER", "2026-07-01", nullptr);
  EXPECT_EQ(LastDay(m), absl::CivilDay::max());
  EXPECT_TRUE(InOffice(m, Day("2126-07-01")));
}

TEST(CheckMemberTest, AValidMember) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "STATE")), Strings());
  Member ended = NewMember(2, "PUBLIC");
  *ended.mutable_end_date() = Date("2028-01-31");
  ended.set_end_reason(Member::ABSENCE);
  EXPECT_EQ(CheckMemberFields(r, ended), Strings());
  // Ineligibility is the composition's (MEMBER_INELIGIBLE), not an invalid argument.
  Member head = NewMember(3, "PUBLIC");
  head.set_staff_position(v1::HEAD);
  EXPECT_EQ(CheckMemberFields(r, head), Strings());
}

TEST(CheckMemberTest, SeatKindMustBeTheRules) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "READER")), Strings({"member.seat_kind"}));
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "")), Strings({"member.seat_kind"}));
  EXPECT_EQ(CheckMemberFields(Preset(GovernanceRules::READER_COUNCIL),
                              NewMember(1, "READER", "2026-07-01", "2029-06-30")),
            Strings());
}

TEST(CheckMemberTest, TermAtMost60MonthsUnder174Fz) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  // 2026-07-01 + 60 months = 2031-07-01: the term must end before it.
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2026-07-01", "2031-06-30")), Strings());
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2026-07-01", "2031-07-01")),
            Strings({"member.term_end_date"}));
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2026-07-01", "2036-06-30")),
            Strings({"member.term_end_date"}));
  // The reader council's 36 months.
  const GovernanceRules council = Preset(GovernanceRules::READER_COUNCIL);
  EXPECT_EQ(CheckMemberFields(council, NewMember(1, "READER", "2026-07-01", "2029-06-30")),
            Strings());
  EXPECT_EQ(CheckMemberFields(council, NewMember(1, "READER", "2026-07-01", "2029-07-01")),
            Strings({"member.term_end_date"}));
}

TEST(CheckMemberTest, TermLimitFromTheEndOfAMonth) {
  GovernanceRules r = Preset(GovernanceRules::TRUSTEE);
  r.set_max_term_months(12);
  // From 29 February: a year runs through 28 February.
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2028-02-29", "2029-02-28")), Strings());
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2028-02-29", "2029-03-01")),
            Strings({"member.term_end_date"}));
  r.set_max_term_months(1);
  // From 31 January: a month runs through the end of February.
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2027-01-31", "2027-02-28")), Strings());
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2027-01-31", "2027-03-01")),
            Strings({"member.term_end_date"}));
}

TEST(CheckMemberTest, TermDates) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", nullptr, "2030-01-01")),
            Strings({"member.term_start_date"}));
  // Required when the rules limit terms...
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2026-07-01", nullptr)),
            Strings({"member.term_end_date"}));
  // ...and optional when they do not.
  GovernanceRules unlimited = r;
  unlimited.set_max_term_months(0);
  EXPECT_EQ(CheckMemberFields(unlimited, NewMember(1, "PUBLIC", "2026-07-01", nullptr)), Strings());
  EXPECT_EQ(CheckMemberFields(unlimited, NewMember(1, "PUBLIC", "2026-07-01", "2096-07-01")),
            Strings());
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2026-07-01", "2026-06-30")),
            Strings({"member.term_end_date"}));
  // A one-day term.
  EXPECT_EQ(CheckMemberFields(r, NewMember(1, "PUBLIC", "2026-07-01", "2026-07-01")), Strings());

  Member bad = NewMember(1, "PUBLIC");
  bad.mutable_term_start_date()->set_day(31);  // 2026-07-31: still valid
  bad.mutable_term_end_date()->set_month(2);
  bad.mutable_term_end_date()->set_day(30);  // 2031-02-30: not a date
  EXPECT_EQ(CheckMemberFields(r, bad), Strings({"member.term_end_date"}));
}

TEST(CheckMemberTest, EarlyEndAndItsReason) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Member m = NewMember(1, "PUBLIC");
  *m.mutable_end_date() = Date("2028-01-31");
  EXPECT_EQ(CheckMemberFields(r, m), Strings({"member.end_reason"}));
  m.clear_end_date();
  m.set_end_reason(Member::HEALTH);
  EXPECT_EQ(CheckMemberFields(r, m), Strings({"member.end_date"}));

  m.set_end_reason(Member::REMOVED);
  *m.mutable_end_date() = Date("2026-06-30");  // before the term
  EXPECT_EQ(CheckMemberFields(r, m), Strings({"member.end_date"}));
  *m.mutable_end_date() = Date("2031-07-01");  // after it
  EXPECT_EQ(CheckMemberFields(r, m), Strings({"member.end_date"}));
  *m.mutable_end_date() = Date(kTermStart);  // both ends are within
  EXPECT_EQ(CheckMemberFields(r, m), Strings());
  *m.mutable_end_date() = Date(kTermEnd);
  EXPECT_EQ(CheckMemberFields(r, m), Strings());
}

TEST(CheckMemberTest, EveryViolationAtOnce) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Member m = NewMember(1, "NOBODY", nullptr, nullptr);
  m.set_end_reason(Member::DEATH);
  EXPECT_EQ(CheckMemberFields(r, m), Strings({"member.seat_kind", "member.term_start_date",
                                              "member.term_end_date", "member.end_date"}));
}

// ---------------------------------------------------------------------------------------------
// CheckComposition.

// A body's members, numbered m0, m1, ... (persons c0, c1, ...).
class Body {
 public:
  // `n` members on `seat_kind`; returns the last.
  Member& Add(const std::string& seat_kind, int n = 1, const char* start = kTermStart,
              const char* end = kTermEnd) {
    for (int i = 0; i < n; ++i) {
      members_.push_back(NewMember(static_cast<int>(members_.size()), seat_kind, start, end));
    }
    return members_.back();
  }
  Member& operator[](int i) { return members_[i]; }
  const std::vector<Member>& members() const { return members_; }
  std::string name(int i) const { return members_[i].name(); }

 private:
  std::vector<Member> members_;
};

absl::Status Check(const GovernanceRules& rules, int seats, const Body& body,
                   const char* from = kFrom) {
  return CheckComposition(rules, seats, body.members(), Day(from));
}

#define EXPECT_REASON(status, reason)                                  \
  do {                                                                 \
    const absl::Status _s = (status);                                  \
    EXPECT_EQ(_s.code(), absl::StatusCode::kFailedPrecondition) << _s; \
    EXPECT_EQ(api::ErrorReason(_s), reason) << _s;                     \
  } while (0)

TEST(CompositionTest, Supervisory174FzFullBoard) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("STATE", 3);
  body.Add("EMPLOYEE", 3);
  body.Add("PUBLIC", 5).set_role(Member::CHAIR);
  body[0].set_role(Member::DEPUTY_CHAIR);
  body[3].set_role(Member::SECRETARY);
  EXPECT_TRUE(Check(r, 11, body).ok()) << Check(r, 11, body);
}

TEST(CompositionTest, NoMembersIsFine) {
  EXPECT_TRUE(Check(Preset(GovernanceRules::SUPERVISORY_174FZ), 5, Body()).ok());
}

TEST(CompositionTest, SeatCapsFor5And9And11Seats) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  // A third, rounded down.
  for (const auto& [seats, cap] : std::vector<std::pair<int, int>>{{5, 1}, {9, 3}, {11, 3}}) {
    for (const char* kind : {"STATE", "EMPLOYEE"}) {
      SCOPED_TRACE(absl::StrCat(kind, " on ", seats, " seats"));
      Body at_cap;
      at_cap.Add(kind, cap);
      at_cap.Add("PUBLIC", seats - cap);
      EXPECT_TRUE(Check(r, seats, at_cap).ok()) << Check(r, seats, at_cap);

      Body over;
      over.Add(kind, cap + 1);
      over.Add("PUBLIC", seats - cap - 1);
      const absl::Status s = Check(r, seats, over);
      EXPECT_REASON(s, "SEAT_CAP");
      const auto md = Metadata(s);
      EXPECT_EQ(md.at("date"), kFrom);
      EXPECT_EQ(md.at("seat_kind"), kind);
      EXPECT_EQ(md.at("count"), absl::StrCat(cap + 1));
      EXPECT_EQ(md.at("limit"), absl::StrCat(cap));
    }
  }
}

TEST(CompositionTest, SeatCapMessage) {
  Body body;
  body.Add("STATE", 4);
  body.Add("PUBLIC", 7);
  const absl::Status s = Check(Preset(GovernanceRules::SUPERVISORY_174FZ), 11, body);
  EXPECT_EQ(s.message(),
            "on 2027-01-10 the body would have 4 members on STATE seats; at most 3 (1/3 of 11 "
            "seats)");
}

TEST(CompositionTest, PublicSeatsHaveNoCap) {
  Body body;
  body.Add("PUBLIC", 11);
  EXPECT_TRUE(Check(Preset(GovernanceRules::SUPERVISORY_174FZ), 11, body).ok());
}

TEST(CompositionTest, SeatCapOnALaterDay) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("STATE", 2);
  body.Add("STATE", 1, kTermStart, "2027-05-31");
  body.Add("PUBLIC", 5);
  // A successor the day after: still three.
  body.Add("STATE", 1, "2027-06-01", "2032-05-31");
  EXPECT_TRUE(Check(r, 11, body).ok()) << Check(r, 11, body);
  // A successor a day early: four on 2027-05-31.
  body.Add("STATE", 1, "2027-05-31", "2032-05-30");
  const absl::Status s = Check(r, 11, body);
  EXPECT_REASON(s, "SEAT_CAP");
  EXPECT_EQ(Metadata(s).at("date"), "2027-05-31");
}

TEST(CompositionTest, HeadAndDeputyMayNotBeMembersUnder174Fz) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  for (auto position : {v1::HEAD, v1::DEPUTY_HEAD}) {
    Body body;
    body.Add("PUBLIC", 4);
    body.Add("EMPLOYEE").set_staff_position(position);
    const absl::Status s = Check(r, 5, body);
    EXPECT_REASON(s, "MEMBER_INELIGIBLE");
    const auto md = Metadata(s);
    EXPECT_EQ(md.at("date"), kFrom);
    EXPECT_EQ(md.at("member"), body.name(4));
    EXPECT_EQ(md.at("staff_position"), v1::StaffPosition_Name(position));
  }
  // Other employees may.
  Body body;
  body.Add("PUBLIC", 4);
  body.Add("EMPLOYEE").set_staff_position(v1::EMPLOYEE);
  EXPECT_TRUE(Check(r, 5, body).ok());
}

TEST(CompositionTest, TheHeadMayBeATrusteeButNotItsChair) {
  const GovernanceRules r = Preset(GovernanceRules::TRUSTEE);
  Body body;
  body.Add("PUBLIC", 4);
  body.Add("PUBLIC").set_staff_position(v1::HEAD);
  EXPECT_TRUE(Check(r, 5, body).ok()) << Check(r, 5, body);
  body[4].set_role(Member::CHAIR);
  const absl::Status s = Check(r, 5, body);
  EXPECT_REASON(s, "CHAIR_INELIGIBLE");
  EXPECT_EQ(Metadata(s).at("staff_position"), "HEAD");
  EXPECT_EQ(Metadata(s).at("role"), "CHAIR");
}

TEST(CompositionTest, AnEmployeeRepresentativeMayNotChair) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("PUBLIC", 4);
  body.Add("EMPLOYEE").set_role(Member::DEPUTY_CHAIR);  // a deputy may be one
  EXPECT_TRUE(Check(r, 5, body).ok());
  body[4].set_role(Member::CHAIR);
  const absl::Status s = Check(r, 5, body);
  EXPECT_REASON(s, "CHAIR_INELIGIBLE");
  const auto md = Metadata(s);
  EXPECT_EQ(md.at("seat_kind"), "EMPLOYEE");
  EXPECT_EQ(md.at("member"), body.name(4));
  // The same in a reader council.
  Body council;
  council.Add("READER", 2);
  council.Add("EMPLOYEE").set_role(Member::CHAIR);
  EXPECT_REASON(Check(Preset(GovernanceRules::READER_COUNCIL), 3, council), "CHAIR_INELIGIBLE");
}

TEST(CompositionTest, BodyFull) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("PUBLIC", 5);
  EXPECT_TRUE(Check(r, 5, body).ok());
  body.Add("PUBLIC", 1, "2027-03-01", "2032-02-29");
  const absl::Status s = Check(r, 5, body);
  EXPECT_REASON(s, "BODY_FULL");
  const auto md = Metadata(s);
  EXPECT_EQ(md.at("date"), "2027-03-01");
  EXPECT_EQ(md.at("count"), "6");
  EXPECT_EQ(md.at("limit"), "5");
  // Six seats take them.
  EXPECT_TRUE(Check(r, 6, body).ok());
}

TEST(CompositionTest, ChairsWithOverlappingTermsButNotConsecutiveOnes) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("PUBLIC", 3);
  body.Add("PUBLIC", 1, kTermStart, "2027-12-31").set_role(Member::CHAIR);
  body.Add("PUBLIC", 1, "2028-01-01", "2032-12-31").set_role(Member::CHAIR);
  EXPECT_TRUE(Check(r, 5, body).ok()) << Check(r, 5, body);

  // The first chair stays a day longer.
  *body[3].mutable_term_end_date() = Date("2028-01-01");
  absl::Status s = Check(r, 5, body);
  EXPECT_REASON(s, "ROLE_TAKEN");
  auto md = Metadata(s);
  EXPECT_EQ(md.at("date"), "2028-01-01");
  EXPECT_EQ(md.at("role"), "CHAIR");
  EXPECT_EQ(md.at("count"), "2");
  EXPECT_EQ(md.at("limit"), "1");

  // An early end before the successor's start settles it.
  *body[3].mutable_end_date() = Date("2027-12-31");
  body[3].set_end_reason(Member::RESIGNED);
  EXPECT_TRUE(Check(r, 5, body).ok()) << Check(r, 5, body);

  // Two secretaries at once.
  body[0].set_role(Member::SECRETARY);
  body[1].set_role(Member::SECRETARY);
  s = Check(r, 5, body);
  EXPECT_REASON(s, "ROLE_TAKEN");
  EXPECT_EQ(Metadata(s).at("role"), "SECRETARY");
  EXPECT_EQ(Metadata(s).at("date"), kFrom);
}

TEST(CompositionTest, ThePersonOnlyOnceAtATime) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("PUBLIC", 4);
  body.Add("STATE", 1, "2027-02-01", "2032-01-31").set_person(body[0].person());
  absl::Status s = Check(r, 5, body);
  EXPECT_REASON(s, "PERSON_ALREADY_MEMBER");
  const auto md = Metadata(s);
  EXPECT_EQ(md.at("date"), "2027-02-01");
  EXPECT_EQ(md.at("person"), body[0].person());
  EXPECT_EQ(md.at("count"), "2");

  // A second term after the first: fine.
  *body[0].mutable_term_end_date() = Date("2027-01-31");
  EXPECT_TRUE(Check(r, 5, body).ok()) << Check(r, 5, body);
}

TEST(CompositionTest, PastMembersAreIgnored) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("PUBLIC", 5);
  // A former head whose term ended the day before `from`, and a former employee chair.
  Member& head = body.Add("PUBLIC", 1, "2021-01-10", "2027-01-09");
  head.set_staff_position(v1::HEAD);
  body.Add("EMPLOYEE", 1, "2021-01-10", "2026-01-09").set_role(Member::CHAIR);
  EXPECT_TRUE(Check(r, 5, body).ok()) << Check(r, 5, body);
  // Checked from a day they were in office, they count.
  EXPECT_REASON(Check(r, 5, body, "2027-01-09"), "MEMBER_INELIGIBLE");
}

TEST(CompositionTest, AFutureIneligibleMemberIsReportedOnItsFirstDay) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("PUBLIC", 4);
  body.Add("PUBLIC", 1, "2027-09-01", "2032-08-31").set_staff_position(v1::DEPUTY_HEAD);
  const absl::Status s = Check(r, 5, body);
  EXPECT_REASON(s, "MEMBER_INELIGIBLE");
  EXPECT_EQ(Metadata(s).at("date"), "2027-09-01");
  EXPECT_NE(s.message().find("DEPUTY_HEAD"), absl::string_view::npos) << s;
}

TEST(CompositionTest, TheFirstFailingDayThenTheHeadersOrder) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Body body;
  body.Add("PUBLIC", 5);
  body.Add("PUBLIC", 1, "2027-03-01", "2032-02-29");  // BODY_FULL on 03-01
  body.Add("PUBLIC", 1, "2027-02-01", "2032-01-31").set_role(Member::CHAIR);
  body.Add("PUBLIC", 1, "2027-02-01", "2032-01-31").set_role(Member::CHAIR);  // and ROLE_TAKEN
  // On 2027-02-01: 7 members on 5 seats and two chairs; BODY_FULL comes first.
  absl::Status s = Check(r, 5, body);
  EXPECT_REASON(s, "BODY_FULL");
  EXPECT_EQ(Metadata(s).at("date"), "2027-02-01");
  // With enough seats, the two chairs.
  s = Check(r, 11, body);
  EXPECT_REASON(s, "ROLE_TAKEN");
  EXPECT_EQ(Metadata(s).at("date"), "2027-02-01");
  // An ineligible member from `from` on comes before all of them.
  body[0].set_staff_position(v1::HEAD);
  s = Check(r, 5, body);
  EXPECT_REASON(s, "MEMBER_INELIGIBLE");
  EXPECT_EQ(Metadata(s).at("date"), kFrom);
}

TEST(CompositionTest, Draft2025ChangesTheOutcomeOfTheSameComposition) {
  const GovernanceRules law = Preset(GovernanceRules::SUPERVISORY_174FZ);
  const GovernanceRules draft = Draft2025();

  // 11 seats: four state representatives are too many today (at most 3), not under the draft
  // (at most 5).
  Body state;
  state.Add("STATE", 4);
  state.Add("EMPLOYEE", 2);
  state.Add("PUBLIC", 5);
  EXPECT_REASON(Check(law, 11, state), "SEAT_CAP");
  EXPECT_TRUE(Check(draft, 11, state).ok()) << Check(draft, 11, state);
  // Six are too many under the draft too.
  state[6].set_seat_kind("STATE");
  state[7].set_seat_kind("STATE");
  const absl::Status s = Check(draft, 11, state);
  EXPECT_REASON(s, "SEAT_CAP");
  EXPECT_EQ(Metadata(s).at("limit"), "5");
  EXPECT_EQ(s.message(),
            "on 2027-01-10 the body would have 6 members on STATE seats; at most 5 (1/2 of 11 "
            "seats)");

  // Three employees' representatives: allowed today (at most 3), not under the draft (at
  // most 2).
  Body employees;
  employees.Add("STATE", 3);
  employees.Add("EMPLOYEE", 3);
  employees.Add("PUBLIC", 5);
  EXPECT_TRUE(Check(law, 11, employees).ok()) << Check(law, 11, employees);
  EXPECT_REASON(Check(draft, 11, employees), "SEAT_CAP");
  EXPECT_EQ(Metadata(Check(draft, 11, employees)).at("seat_kind"), "EMPLOYEE");
}

// ---------------------------------------------------------------------------------------------
// ComputeQuorum.

// `in_office` entries: the first `present` present, the first `notified` notified.
std::vector<Meeting::Attendance> Attendance(int in_office, int present, int notified) {
  std::vector<Meeting::Attendance> out;
  for (int i = 0; i < in_office; ++i) {
    Meeting::Attendance a;
    a.set_member(absl::StrCat(kBody, "/members/m", i));
    a.set_presence(i < present ? Meeting::PRESENT : Meeting::ABSENT);
    if (i < notified) a.mutable_notice_time()->set_seconds(1'800'000'000);
    out.push_back(a);
  }
  return out;
}

TEST(QuorumTest, Supervisory174Fz) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  Quorum q = ComputeQuorum(r, Attendance(11, 6, 11));
  EXPECT_TRUE(q.reached);
  EXPECT_EQ(q.in_office, 11);
  EXPECT_EQ(q.present, 6);
  EXPECT_EQ(q.notified, 11);
  EXPECT_EQ(q.explanation, "6 of 11 present (more than 1/2 needed), 11 of 11 notified");

  q = ComputeQuorum(r, Attendance(11, 5, 11));
  EXPECT_FALSE(q.reached);
  EXPECT_EQ(q.present, 5);

  // Everyone must be notified, even those absent.
  q = ComputeQuorum(r, Attendance(11, 6, 10));
  EXPECT_FALSE(q.reached);
  EXPECT_EQ(q.notified, 10);
  EXPECT_NE(q.explanation.find("10 of 11 notified"), std::string::npos) << q.explanation;

  // Exactly half is not more than half.
  EXPECT_FALSE(ComputeQuorum(r, Attendance(10, 5, 10)).reached);
  EXPECT_TRUE(ComputeQuorum(r, Attendance(10, 6, 10)).reached);
  EXPECT_TRUE(ComputeQuorum(r, Attendance(5, 3, 5)).reached);
}

TEST(QuorumTest, TrusteeNeedsNoNotices) {
  const GovernanceRules r = Preset(GovernanceRules::TRUSTEE);
  Quorum q = ComputeQuorum(r, Attendance(5, 3, 0));
  EXPECT_TRUE(q.reached);
  EXPECT_EQ(q.explanation, "3 of 5 present (more than 1/2 needed)");
  EXPECT_FALSE(ComputeQuorum(r, Attendance(5, 2, 5)).reached);
  EXPECT_FALSE(ComputeQuorum(r, Attendance(4, 2, 4)).reached);
}

TEST(QuorumTest, ReaderCouncilAtLeastVariants) {
  const GovernanceRules preset = Preset(GovernanceRules::READER_COUNCIL);
  EXPECT_FALSE(ComputeQuorum(preset, Attendance(4, 2, 4)).reached);
  EXPECT_TRUE(ComputeQuorum(preset, Attendance(4, 3, 0)).reached);

  // "At least half": a council that set its quorum so.
  GovernanceRules given;
  given.mutable_quorum_share()->set_numerator(1);
  given.mutable_quorum_share()->set_denominator(2);
  given.set_quorum_more_than(false);
  GovernanceRules r = ResolveRules(given, GovernanceRules::READER_COUNCIL);
  Quorum q = ComputeQuorum(r, Attendance(4, 2, 0));
  EXPECT_TRUE(q.reached);
  EXPECT_EQ(q.explanation, "2 of 4 present (at least 1/2 needed)");
  EXPECT_FALSE(ComputeQuorum(r, Attendance(4, 1, 4)).reached);
  EXPECT_FALSE(ComputeQuorum(r, Attendance(5, 2, 5)).reached);
  EXPECT_TRUE(ComputeQuorum(r, Attendance(5, 3, 5)).reached);

  // "At least two thirds".
  given.mutable_quorum_share()->set_numerator(2);
  given.mutable_quorum_share()->set_denominator(3);
  r = ResolveRules(given, GovernanceRules::READER_COUNCIL);
  EXPECT_TRUE(ComputeQuorum(r, Attendance(9, 6, 0)).reached);
  EXPECT_FALSE(ComputeQuorum(r, Attendance(9, 5, 0)).reached);
  EXPECT_TRUE(ComputeQuorum(r, Attendance(3, 2, 0)).reached);
}

TEST(QuorumTest, NobodyInOffice) {
  const Quorum q = ComputeQuorum(Preset(GovernanceRules::TRUSTEE), {});
  EXPECT_FALSE(q.reached);
  EXPECT_EQ(q.in_office, 0);
  EXPECT_FALSE(q.explanation.empty());
}

TEST(QuorumTest, AMemberWhoseTermEndedTheDayBeforeDoesNotCount) {
  const GovernanceRules r = Preset(GovernanceRules::SUPERVISORY_174FZ);
  const absl::CivilDay meeting = Day("2027-03-15");
  Body body;
  body.Add("PUBLIC", 10);
  // Resigned the day before; never notified of this meeting.
  Member& former = body.Add("PUBLIC");
  *former.mutable_end_date() = Date("2027-03-14");
  former.set_end_reason(Member::RESIGNED);
  // Starts the day after.
  body.Add("PUBLIC", 1, "2027-03-16", "2032-03-15");

  std::vector<Meeting::Attendance> attendance;
  for (const Member& m : body.members()) {
    if (!InOffice(m, meeting)) continue;
    Meeting::Attendance a;
    a.set_member(m.name());
    a.set_presence(attendance.size() < 6 ? Meeting::PRESENT : Meeting::ABSENT);
    a.mutable_notice_time()->set_seconds(1'800'000'000);
    attendance.push_back(a);
  }
  const Quorum q = ComputeQuorum(r, attendance);
  EXPECT_EQ(q.in_office, 10);
  EXPECT_EQ(q.notified, 10);
  EXPECT_TRUE(q.reached) << q.explanation;
  // Counted, the former member would have cost the quorum (6 of 11, 10 of 11 notified).
  EXPECT_FALSE(ComputeQuorum(r, Attendance(11, 6, 10)).reached);
}

// ---------------------------------------------------------------------------------------------
// Tally.

// A roll call: one member present per letter of `roll` (Y, N, A, R: YES, NO, ABSTAIN, RECUSED),
// named m0, m1, ...; the chair is member `chair` (-1: no chair present).
struct RollCall {
  absl::Status status;
  AgendaItem item;
};

std::string MemberName(int i) { return absl::StrCat(kBody, "/members/m", i); }

Vote::Choice ChoiceOf(char c) {
  switch (c) {
    case 'Y':
      return Vote::YES;
    case 'N':
      return Vote::NO;
    case 'A':
      return Vote::ABSTAIN;
    case 'R':
      return Vote::RECUSED;
    default:
      return Vote::CHOICE_UNSPECIFIED;
  }
}

RollCall Roll(const GovernanceRules& rules, const char* question_kind, int in_office,
              absl::string_view roll, int chair = -1) {
  std::vector<std::string> present;
  std::vector<Vote> votes;
  for (size_t i = 0; i < roll.size(); ++i) {
    present.push_back(MemberName(static_cast<int>(i)));
    Vote vote;
    vote.set_member(present.back());
    vote.set_choice(ChoiceOf(roll[i]));
    votes.push_back(vote);
  }
  RollCall out;
  out.status = Tally(rules, question_kind, in_office, present,
                     chair >= 0 ? MemberName(chair) : std::string(), votes, &out.item);
  return out;
}

#define EXPECT_ADOPTED(call)                                                         \
  do {                                                                               \
    const RollCall _c = (call);                                                      \
    ASSERT_TRUE(_c.status.ok()) << _c.status;                                        \
    EXPECT_EQ(_c.item.outcome(), AgendaItem::ADOPTED) << _c.item.ShortDebugString(); \
  } while (0)

#define EXPECT_REJECTED(call)                                                         \
  do {                                                                                \
    const RollCall _c = (call);                                                       \
    ASSERT_TRUE(_c.status.ok()) << _c.status;                                         \
    EXPECT_EQ(_c.item.outcome(), AgendaItem::REJECTED) << _c.item.ShortDebugString(); \
  } while (0)

const GovernanceRules& Supervisory() {
  static const GovernanceRules* rules =
      new GovernanceRules(Preset(GovernanceRules::SUPERVISORY_174FZ));
  return *rules;
}

TEST(TallyTest, FillsCountsBaseAndRule) {
  const RollCall c = Roll(Supervisory(), "GENERAL", 11, "YYYYYYNNAR", 0);
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_EQ(c.item.yes_count(), 6);
  EXPECT_EQ(c.item.no_count(), 2);
  EXPECT_EQ(c.item.abstain_count(), 1);
  EXPECT_EQ(c.item.recused_count(), 1);
  EXPECT_EQ(c.item.base(), 10);  // 11 in office, 1 recused
  EXPECT_EQ(c.item.required_yes(), 6);
  EXPECT_EQ(c.item.decision_rule(), v1::MAJORITY_OF_ALL_MEMBERS);
  EXPECT_FALSE(c.item.casting_vote());
  EXPECT_EQ(c.item.outcome(), AgendaItem::ADOPTED);
  EXPECT_EQ(c.item.votes_size(), 0);  // the caller's to record
}

TEST(TallyTest, MajorityOfAllMembersCountsThoseAbsent) {
  // 7 of 11 present: 6 YES adopt (more than 5.5), 5 do not even though 5 of 7 present is a
  // majority of those present.
  RollCall c = Roll(Supervisory(), "GENERAL", 11, "YYYYYYN", 0);
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.base(), 11);
  EXPECT_EQ(c.item.required_yes(), 6);
  EXPECT_REJECTED(Roll(Supervisory(), "GENERAL", 11, "YYYYYNN", 0));
  EXPECT_REJECTED(Roll(Supervisory(), "GENERAL", 11, "YYYYYAA", 0));
}

TEST(TallyTest, MajorityTieAndTheChairsCastingVote) {
  // 10 in office, all present: 5 YES of 10 is a tie.
  RollCall c = Roll(Supervisory(), "GENERAL", 10, "YYYYYNNNNN", 0);  // the chair says YES
  EXPECT_ADOPTED(c);
  EXPECT_TRUE(c.item.casting_vote());
  EXPECT_EQ(c.item.required_yes(), 6);
  c = Roll(Supervisory(), "GENERAL", 10, "YYYYYNNNNN", 9);  // the chair says NO
  EXPECT_REJECTED(c);
  EXPECT_FALSE(c.item.casting_vote());
  c = Roll(Supervisory(), "GENERAL", 10, "YYYYYNNNNN");  // no chair present
  EXPECT_REJECTED(c);
  EXPECT_FALSE(c.item.casting_vote());
  // A tie with abstentions: 4 YES, 4 NO... is no tie of the base (10): rejected.
  EXPECT_REJECTED(Roll(Supervisory(), "GENERAL", 10, "YYYYNNNNAA", 0));
  // The chair recused: no casting vote (base 9, 4.5 is not reachable as a tie).
  EXPECT_REJECTED(Roll(Supervisory(), "GENERAL", 10, "RYYYYNNNNN", 0));
}

TEST(TallyTest, NoCastingVoteInTheChairsElection) {
  const RollCall c = Roll(Supervisory(), "CHAIR_ELECTION", 10, "YYYYYNNNNN", 0);
  EXPECT_REJECTED(c);
  EXPECT_FALSE(c.item.casting_vote());
  EXPECT_ADOPTED(Roll(Supervisory(), "CHAIR_ELECTION", 10, "YYYYYYNNNN", 0));
}

TEST(TallyTest, MajorityOfPresent) {
  // Procedural, 6 of 11 present: base 6.
  RollCall c = Roll(Supervisory(), "PROCEDURAL", 11, "YYYYNN", 0);
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.base(), 6);
  EXPECT_EQ(c.item.required_yes(), 4);
  c = Roll(Supervisory(), "PROCEDURAL", 11, "YYYNNN", 0);  // tie, the chair YES
  EXPECT_ADOPTED(c);
  EXPECT_TRUE(c.item.casting_vote());
  EXPECT_REJECTED(Roll(Supervisory(), "PROCEDURAL", 11, "YYYNNN", 5));  // the chair NO
  EXPECT_REJECTED(Roll(Supervisory(), "PROCEDURAL", 11, "YYYAAA", 3));  // the chair abstains
  // A recusal leaves the base: 3 of 5.
  c = Roll(Supervisory(), "PROCEDURAL", 11, "YYYNNR", 5);
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.base(), 5);
  EXPECT_EQ(c.item.required_yes(), 3);
  EXPECT_FALSE(c.item.casting_vote());
}

TEST(TallyTest, TrusteeAndReaderCouncilGeneralQuestions) {
  const GovernanceRules trustee = Preset(GovernanceRules::TRUSTEE);
  EXPECT_ADOPTED(Roll(trustee, "GENERAL", 25, "YYN"));
  EXPECT_REJECTED(Roll(trustee, "GENERAL", 25, "YNA"));
  RollCall c = Roll(trustee, "GENERAL", 25, "YYNN", 1);
  EXPECT_ADOPTED(c);
  EXPECT_TRUE(c.item.casting_vote());
  EXPECT_REJECTED(Roll(trustee, "GENERAL", 25, "YYNN", 2));

  const GovernanceRules council = Preset(GovernanceRules::READER_COUNCIL);
  c = Roll(council, "GENERAL", 7, "YYNNAA", 0);  // 2 of 6: no tie
  EXPECT_REJECTED(c);
  EXPECT_EQ(c.item.required_yes(), 4);
  EXPECT_ADOPTED(Roll(council, "GENERAL", 7, "YYYNNN", 0));
}

TEST(TallyTest, TwoThirdsAtExactThresholds) {
  // Base 9: 6 adopt, 5 do not.
  RollCall c = Roll(Supervisory(), "MAJOR_DEAL", 9, "YYYYYYNNN");
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.base(), 9);
  EXPECT_EQ(c.item.required_yes(), 6);
  EXPECT_EQ(c.item.decision_rule(), v1::TWO_THIRDS_OF_ALL_MEMBERS);
  EXPECT_REJECTED(Roll(Supervisory(), "MAJOR_DEAL", 9, "YYYYYNNNN"));
  // Base 11: 8 adopt (22 > 22 is false, but 24 >= 22), 7 do not (21 < 22).
  c = Roll(Supervisory(), "AUDIT", 11, "YYYYYYYY");
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.required_yes(), 8);
  EXPECT_REJECTED(Roll(Supervisory(), "AUDIT", 11, "YYYYYYYNNNN"));
  // Of all members: 7 of 7 present is not enough when 11 are in office.
  EXPECT_REJECTED(Roll(Supervisory(), "AUDIT", 11, "YYYYYYY"));
  // Recusals leave the base: 11 - 2 = 9.
  c = Roll(Supervisory(), "MAJOR_DEAL", 11, "RRYYYYYYN");
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.base(), 9);
  // No casting vote under two thirds: 5 of 10 with the chair YES.
  c = Roll(Supervisory(), "MAJOR_DEAL", 10, "YYYYYNNNNN", 0);
  EXPECT_REJECTED(c);
  EXPECT_FALSE(c.item.casting_vote());
  EXPECT_EQ(c.item.required_yes(), 7);
  // The reader council's charter proposals, 12 in office: 8 of 12.
  EXPECT_ADOPTED(
      Roll(Preset(GovernanceRules::READER_COUNCIL), "CHARTER_PROPOSAL", 12, "YYYYYYYYNN"));
  EXPECT_REJECTED(
      Roll(Preset(GovernanceRules::READER_COUNCIL), "CHARTER_PROPOSAL", 12, "YYYYYYYNNN"));
}

TEST(TallyTest, CastingVoteOnlyUnderMajorityRules) {
  // Rules that set chair_casting_vote on two-thirds and unanimous questions: no tie to break.
  GovernanceRules r = Supervisory();
  r.mutable_question_kinds(2)->set_chair_casting_vote(true);  // MAJOR_DEAL
  RollCall c = Roll(r, "MAJOR_DEAL", 6, "YYYNNN", 0);
  EXPECT_REJECTED(c);
  EXPECT_FALSE(c.item.casting_vote());
  GovernanceRules trustee = Preset(GovernanceRules::TRUSTEE);
  trustee.mutable_question_kinds(1)->set_chair_casting_vote(true);  // UNANIMOUS_MATTER
  c = Roll(trustee, "UNANIMOUS_MATTER", 5, "YN", 0);
  EXPECT_REJECTED(c);
  EXPECT_FALSE(c.item.casting_vote());
}

TEST(TallyTest, MajorityOfDisinterested) {
  // 11 in office, 3 recused: base 8; 5 YES adopt, 4 do not.
  RollCall c = Roll(Supervisory(), "INTERESTED_PARTY_DEAL", 11, "RRRYYYYYN", 3);
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.base(), 8);
  EXPECT_EQ(c.item.required_yes(), 5);
  EXPECT_EQ(c.item.decision_rule(), v1::MAJORITY_OF_DISINTERESTED);
  c = Roll(Supervisory(), "INTERESTED_PARTY_DEAL", 11, "RRRYYYYNN", 3);
  EXPECT_REJECTED(c);  // a tie, and the preset gives no casting vote here
  EXPECT_FALSE(c.item.casting_vote());
  EXPECT_REJECTED(Roll(Supervisory(), "INTERESTED_PARTY_DEAL", 11, "RRRYYYY", 3));

  // Rules that give the chair a casting vote here decide the same tie.
  GovernanceRules r = Supervisory();
  r.mutable_question_kinds(4)->set_chair_casting_vote(true);
  c = Roll(r, "INTERESTED_PARTY_DEAL", 11, "RRRYYYYNN", 3);
  EXPECT_ADOPTED(c);
  EXPECT_TRUE(c.item.casting_vote());
}

TEST(TallyTest, UnanimousBlockedByAnAbstention) {
  const GovernanceRules r = Preset(GovernanceRules::TRUSTEE);
  RollCall c = Roll(r, "UNANIMOUS_MATTER", 9, "YYYYY", 0);
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.base(), 5);
  EXPECT_EQ(c.item.required_yes(), 5);
  EXPECT_EQ(c.item.decision_rule(), v1::UNANIMOUS);
  EXPECT_REJECTED(Roll(r, "UNANIMOUS_MATTER", 9, "YYYYA", 0));
  EXPECT_REJECTED(Roll(r, "UNANIMOUS_MATTER", 9, "YYYYN", 0));
  // A recusal leaves the base: 4 of 4.
  c = Roll(r, "UNANIMOUS_MATTER", 9, "YYYYR", 0);
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.base(), 4);
}

TEST(TallyTest, ABaseOfZeroAdoptsNothing) {
  const GovernanceRules trustee = Preset(GovernanceRules::TRUSTEE);
  RollCall c = Roll(trustee, "UNANIMOUS_MATTER", 5, "RRR", 0);
  EXPECT_REJECTED(c);
  EXPECT_EQ(c.item.base(), 0);
  EXPECT_GE(c.item.required_yes(), 1);
  EXPECT_REJECTED(Roll(trustee, "GENERAL", 5, "RR", 0));
  EXPECT_REJECTED(Roll(Supervisory(), "INTERESTED_PARTY_DEAL", 3, "RRR", 0));
}

TEST(TallyTest, EmptyQuestionKindIsTheFirst) {
  const RollCall c = Roll(Supervisory(), "", 11, "YYYYYYN", 0);
  EXPECT_ADOPTED(c);
  EXPECT_EQ(c.item.decision_rule(), v1::MAJORITY_OF_ALL_MEMBERS);
}

std::vector<Vote> Votes(const std::vector<std::pair<int, Vote::Choice>>& votes) {
  std::vector<Vote> out;
  for (const auto& [member, choice] : votes) {
    Vote v;
    v.set_member(MemberName(member));
    v.set_choice(choice);
    out.push_back(v);
  }
  return out;
}

TEST(TallyTest, InvalidVotes) {
  const std::vector<std::string> present = {MemberName(0), MemberName(1), MemberName(2)};
  auto tally = [&](const std::vector<Vote>& votes, const char* kind = "GENERAL") {
    AgendaItem item;
    absl::Status s = Tally(Supervisory(), kind, 11, present, MemberName(0), votes, &item);
    EXPECT_EQ(item.outcome(), AgendaItem::OUTCOME_UNSPECIFIED) << "filled on error";
    return s;
  };
  const auto yes = Vote::YES;

  // A member not present.
  absl::Status s = tally(Votes({{0, yes}, {1, yes}, {2, yes}, {7, yes}}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), Strings({"votes"}));
  EXPECT_NE(s.message().find(MemberName(7)), absl::string_view::npos) << s;

  // The same member twice.
  s = tally(Votes({{0, yes}, {1, yes}, {1, Vote::NO}, {2, yes}}));
  EXPECT_EQ(Fields(s), Strings({"votes"}));
  EXPECT_NE(s.message().find(MemberName(1)), absl::string_view::npos) << s;

  // A member present who did not vote.
  s = tally(Votes({{0, yes}, {1, yes}}));
  EXPECT_EQ(Fields(s), Strings({"votes"}));
  EXPECT_NE(s.message().find(MemberName(2)), absl::string_view::npos) << s;

  // A vote without a choice.
  s = tally(Votes({{0, yes}, {1, yes}, {2, Vote::CHOICE_UNSPECIFIED}}));
  EXPECT_EQ(Fields(s), Strings({"votes"}));
  EXPECT_NE(s.message().find(MemberName(2)), absl::string_view::npos) << s;

  // A question kind the rules do not have.
  s = tally(Votes({{0, yes}, {1, yes}, {2, yes}}), "CHARTER_PROPOSAL");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), Strings({"question_kind"}));

  // Everything at once.
  s = tally(Votes({{0, yes}, {0, yes}, {5, Vote::NO}}), "NO_SUCH_KIND");
  EXPECT_EQ(Fields(s), Strings({"question_kind", "votes", "votes", "votes", "votes"})) << s;
}

}  // namespace
}  // namespace allies::services::governance
