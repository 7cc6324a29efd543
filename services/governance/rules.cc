#include "services/governance/rules.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/proto_time.h"
#include "api/text.h"

namespace allies::services::governance {
namespace {

using v1::DecisionRule;
using v1::GovernanceRules;
using v1::Member;
using v1::StaffPosition;
using v1::Vote;

constexpr int kMaxSize = 100;
constexpr int kMaxTermMonths = 600;
constexpr int kMaxMeetingsPerYear = 52;
constexpr int kMaxShareDenominator = 100;
constexpr int kMaxKinds = 20;
constexpr size_t kMaxIdentifier = 40;
constexpr size_t kMaxDescription = 300;

// google.type.Date <-> absl::CivilDay. An unset date has year 0.
bool IsSet(const google::type::Date& d) { return d.year() != 0; }

absl::CivilDay ToCivilDay(const google::type::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// The first day `months` months after `start` that is outside a term starting on `start` and
// lasting at most that many months: the same day of the month `months` later, or the first day
// of the month after it when that month is too short (a 12-month term from 2024-02-29 may last
// through 2025-02-28, one from 2023-01-31 for a month through 2023-02-28).
absl::CivilDay TermLimit(absl::CivilDay start, int months) {
  const absl::CivilMonth month = absl::CivilMonth(start) + months;
  const absl::CivilDay same_day(month.year(), month.month(), start.day());
  if (same_day.month() == month.month()) return same_day;
  return absl::CivilDay(month + 1);
}

std::string FormatFraction(const v1::Fraction& f) {
  return absl::StrCat(f.numerator(), "/", f.denominator());
}

v1::Fraction MakeFraction(int numerator, int denominator) {
  v1::Fraction f;
  f.set_numerator(numerator);
  f.set_denominator(denominator);
  return f;
}

// max_share == nullptr: no cap.
void AddSeatKind(GovernanceRules& rules, const char* kind, const v1::Fraction* max_share,
                 bool may_not_chair, const char* description) {
  v1::SeatKind* seat = rules.add_seat_kinds();
  seat->set_seat_kind(kind);
  if (max_share != nullptr) *seat->mutable_max_share() = *max_share;
  seat->set_may_not_chair(may_not_chair);
  seat->set_description(description);
}

void AddQuestionKind(GovernanceRules& rules, const char* kind, DecisionRule rule,
                     bool chair_casting_vote, const char* description) {
  v1::QuestionKind* question = rules.add_question_kinds();
  question->set_question_kind(kind);
  question->set_decision_rule(rule);
  question->set_chair_casting_vote(chair_casting_vote);
  question->set_description(description);
}

void SetQuorum(GovernanceRules& rules, int numerator, int denominator, bool more_than,
               bool requires_all_notified) {
  *rules.mutable_quorum_share() = MakeFraction(numerator, denominator);
  rules.set_quorum_more_than(more_than);
  rules.set_quorum_requires_all_notified(requires_all_notified);
}

GovernanceRules Supervisory174Fz() {
  GovernanceRules r;
  r.set_preset(GovernanceRules::SUPERVISORY_174FZ);
  r.set_min_size(5);
  r.set_max_size(11);
  r.set_max_term_months(60);
  const v1::Fraction third = MakeFraction(1, 3);
  AddSeatKind(r, "STATE", &third, false, "state and municipal representatives");
  AddSeatKind(r, "EMPLOYEE", &third, true, "employees' representatives");
  AddSeatKind(r, "PUBLIC", nullptr, false, "public representatives");
  r.add_ineligible_positions(v1::HEAD);
  r.add_ineligible_positions(v1::DEPUTY_HEAD);
  r.set_meetings_per_year(4);
  SetQuorum(r, 1, 2, /*more_than=*/true, /*requires_all_notified=*/true);
  AddQuestionKind(r, "GENERAL", v1::MAJORITY_OF_ALL_MEMBERS, true,
                  "questions decided by a majority of all members");
  AddQuestionKind(r, "PROCEDURAL", v1::MAJORITY_OF_PRESENT, true,
                  "procedural questions of the meeting, decided by a majority of those present");
  AddQuestionKind(r, "MAJOR_DEAL", v1::TWO_THIRDS_OF_ALL_MEMBERS, false,
                  "major deals, approved by two thirds of all members");
  AddQuestionKind(r, "AUDIT", v1::TWO_THIRDS_OF_ALL_MEMBERS, false,
                  "the choice of the audit organization, by two thirds of all members");
  AddQuestionKind(r, "INTERESTED_PARTY_DEAL", v1::MAJORITY_OF_DISINTERESTED, false,
                  "interested-party deals, by a majority of the disinterested members");
  AddQuestionKind(r, "CHAIR_ELECTION", v1::MAJORITY_OF_ALL_MEMBERS, false,
                  "the election of the chair, by a majority of all members");
  return r;
}

GovernanceRules Trustee() {
  GovernanceRules r;
  r.set_preset(GovernanceRules::TRUSTEE);
  r.set_min_size(5);
  r.set_max_size(25);
  r.set_max_term_months(60);
  const v1::Fraction third = MakeFraction(1, 3);
  AddSeatKind(r, "PUBLIC", nullptr, false, "trustees from the public, partners and sponsors");
  AddSeatKind(r, "EMPLOYEE", &third, true, "employees' representatives");
  r.add_chair_ineligible_positions(v1::HEAD);
  r.set_meetings_per_year(2);
  SetQuorum(r, 1, 2, /*more_than=*/true, /*requires_all_notified=*/false);
  AddQuestionKind(r, "GENERAL", v1::MAJORITY_OF_PRESENT, true,
                  "questions decided by a majority of the members present");
  AddQuestionKind(r, "UNANIMOUS_MATTER", v1::UNANIMOUS, false,
                  "matters the regulation reserves to a unanimous decision");
  return r;
}

GovernanceRules ReaderCouncil() {
  GovernanceRules r;
  r.set_preset(GovernanceRules::READER_COUNCIL);
  r.set_min_size(3);
  r.set_max_size(25);
  r.set_max_term_months(36);
  const v1::Fraction third = MakeFraction(1, 3);
  AddSeatKind(r, "READER", nullptr, false, "readers of the library");
  AddSeatKind(r, "EMPLOYEE", &third, true, "employees' representatives");
  r.add_chair_ineligible_positions(v1::HEAD);
  r.set_meetings_per_year(2);
  SetQuorum(r, 1, 2, /*more_than=*/true, /*requires_all_notified=*/false);
  AddQuestionKind(r, "GENERAL", v1::MAJORITY_OF_PRESENT, true,
                  "questions decided by a majority of the members present");
  AddQuestionKind(r, "CHARTER_PROPOSAL", v1::TWO_THIRDS_OF_ALL_MEMBERS, false,
                  "proposals to change the library's charter, by two thirds of all members");
  return r;
}

// [A-Z0-9_]{1,40}.
bool IsIdentifier(absl::string_view s) {
  if (s.empty() || s.size() > kMaxIdentifier) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The identifier and description shared by seat kinds and question kinds; `seen` collects the
// identifiers of the list.
void CheckKindIdentity(absl::string_view path, absl::string_view id_field, absl::string_view kind,
                       absl::string_view description, std::set<std::string>& seen,
                       api::FieldViolations& v) {
  const std::string id_path = absl::StrCat(path, ".", id_field);
  if (kind.empty()) {
    v.Add(id_path, "is required");
  } else if (!IsIdentifier(kind)) {
    v.Add(id_path,
          absl::StrCat("must be 1-", kMaxIdentifier,
                       " upper-case Latin letters, digits and '_', got ", api::Quote(kind)));
  } else if (!seen.insert(std::string(kind)).second) {
    v.Add(id_path, absl::StrCat("repeats ", api::Quote(kind)));
  }
  api::CheckText(v, absl::StrCat(path, ".description"), description, kMaxDescription,
                 /*required=*/false);
}

void CheckPositions(const google::protobuf::RepeatedField<int>& positions, absl::string_view path,
                    api::FieldViolations& v) {
  for (int i = 0; i < positions.size(); ++i) {
    const int p = positions.Get(i);
    if (p == v1::STAFF_POSITION_UNSPECIFIED || !v1::StaffPosition_IsValid(p)) {
      v.Add(absl::StrCat(path, "[", i, "]"),
            "must be a staff position: NOT_STAFF, HEAD, DEPUTY_HEAD or EMPLOYEE");
    }
  }
}

bool Contains(const google::protobuf::RepeatedField<int>& positions, StaffPosition p) {
  return std::find(positions.begin(), positions.end(), p) != positions.end();
}

StaffPosition PositionOf(const Member& m) {
  return m.staff_position() == v1::STAFF_POSITION_UNSPECIFIED ? v1::NOT_STAFF : m.staff_position();
}

Member::Role RoleOf(const Member& m) {
  return m.role() == Member::ROLE_UNSPECIFIED ? Member::MEMBER : m.role();
}

const v1::SeatKind* FindSeatKind(const GovernanceRules& rules, absl::string_view kind) {
  for (const v1::SeatKind& s : rules.seat_kinds()) {
    if (s.seat_kind() == kind) return &s;
  }
  return nullptr;
}

bool HasCap(const v1::SeatKind& s) { return s.has_max_share() && s.max_share().denominator() > 0; }

int Cap(const v1::SeatKind& s, int seat_count) {
  return static_cast<int>(int64_t{seat_count} * s.max_share().numerator() /
                          s.max_share().denominator());
}

// How a member is named in messages: its resource name, or its person before it has one.
std::string Who(const Member& m) { return api::Quote(m.name().empty() ? m.person() : m.name()); }

std::string Names(const std::vector<const Member*>& members) {
  return absl::StrJoin(members, ", ", [](std::string* out, const Member* m) {
    absl::StrAppend(out, m->name().empty() ? m->person() : m->name());
  });
}

std::string QuotedNames(const std::vector<const Member*>& members) {
  return absl::StrJoin(members, ", ",
                       [](std::string* out, const Member* m) { absl::StrAppend(out, Who(*m)); });
}

absl::Status Failed(absl::string_view reason, const std::string& message,
                    const std::vector<std::pair<std::string, std::string>>& metadata) {
  return api::Error(absl::StatusCode::kFailedPrecondition, reason, message, metadata);
}

// The composition on one day; `in_office` are the members in office on it (not empty).
absl::Status CheckDay(const GovernanceRules& rules, int seat_count,
                      const std::vector<const Member*>& in_office, absl::CivilDay day) {
  const std::string date = FormatDay(day);

  for (const Member* m : in_office) {
    const StaffPosition position = PositionOf(*m);
    if (Contains(rules.ineligible_positions(), position)) {
      const std::string name = v1::StaffPosition_Name(position);
      return Failed(
          "MEMBER_INELIGIBLE",
          absl::StrCat("on ", date, " the body would include ", Who(*m), ", whose staff position ",
                       name, " the rules exclude from membership"),
          {{"date", date},
           {"member", m->name()},
           {"person", m->person()},
           {"staff_position", name}});
    }
  }

  for (const Member* m : in_office) {
    if (RoleOf(*m) != Member::CHAIR) continue;
    const v1::SeatKind* seat = FindSeatKind(rules, m->seat_kind());
    if (seat != nullptr && seat->may_not_chair()) {
      return Failed(
          "CHAIR_INELIGIBLE",
          absl::StrCat("on ", date, " ", Who(*m), " would chair the body, but members on ",
                       m->seat_kind(), " seats may not chair it"),
          {{"date", date},
           {"member", m->name()},
           {"role", "CHAIR"},
           {"seat_kind", m->seat_kind()}});
    }
    const StaffPosition position = PositionOf(*m);
    if (Contains(rules.chair_ineligible_positions(), position)) {
      const std::string name = v1::StaffPosition_Name(position);
      return Failed(
          "CHAIR_INELIGIBLE",
          absl::StrCat("on ", date, " ", Who(*m), " would chair the body with the staff position ",
                       name, ", which the rules exclude from the chair"),
          {{"date", date}, {"member", m->name()}, {"role", "CHAIR"}, {"staff_position", name}});
    }
  }

  const int count = static_cast<int>(in_office.size());
  if (count > seat_count) {
    return Failed(
        "BODY_FULL",
        absl::StrCat("on ", date, " the body would have ", count, " members in office; it has ",
                     seat_count, " seats"),
        {{"date", date}, {"count", absl::StrCat(count)}, {"limit", absl::StrCat(seat_count)}});
  }

  for (const v1::SeatKind& seat : rules.seat_kinds()) {
    if (!HasCap(seat)) continue;
    const int on_seat =
        static_cast<int>(std::count_if(in_office.begin(), in_office.end(), [&](const Member* m) {
          return m->seat_kind() == seat.seat_kind();
        }));
    const int cap = Cap(seat, seat_count);
    if (on_seat > cap) {
      return Failed("SEAT_CAP",
                    absl::StrCat("on ", date, " the body would have ", on_seat, " members on ",
                                 seat.seat_kind(), " seats; at most ", cap, " (",
                                 FormatFraction(seat.max_share()), " of ", seat_count, " seats)"),
                    {{"date", date},
                     {"seat_kind", seat.seat_kind()},
                     {"count", absl::StrCat(on_seat)},
                     {"limit", absl::StrCat(cap)}});
    }
  }

  for (Member::Role role : {Member::CHAIR, Member::DEPUTY_CHAIR, Member::SECRETARY}) {
    std::vector<const Member*> holders;
    for (const Member* m : in_office) {
      if (RoleOf(*m) == role) holders.push_back(m);
    }
    if (holders.size() > 1) {
      const std::string name = Member::Role_Name(role);
      return Failed(
          "ROLE_TAKEN",
          absl::StrCat("on ", date, " the body would have ", holders.size(),
                       " members in the role ", name, " (", QuotedNames(holders), "); at most 1"),
          {{"date", date},
           {"role", name},
           {"count", absl::StrCat(holders.size())},
           {"limit", "1"},
           {"members", Names(holders)}});
    }
  }

  std::vector<std::string> persons;  // in order of first appearance
  for (const Member* m : in_office) {
    if (m->person().empty()) continue;
    if (std::find(persons.begin(), persons.end(), m->person()) == persons.end()) {
      persons.push_back(m->person());
    }
  }
  for (const std::string& person : persons) {
    std::vector<const Member*> seats;
    for (const Member* m : in_office) {
      if (m->person() == person) seats.push_back(m);
    }
    if (seats.size() > 1) {
      return Failed(
          "PERSON_ALREADY_MEMBER",
          absl::StrCat("on ", date, " the person ", api::Quote(person), " would hold ",
                       seats.size(), " seats at once (", QuotedNames(seats), "); at most 1"),
          {{"date", date},
           {"person", person},
           {"count", absl::StrCat(seats.size())},
           {"limit", "1"},
           {"members", Names(seats)}});
    }
  }
  return absl::OkStatus();
}

}  // namespace

GovernanceRules Preset(GovernanceRules::Preset preset) {
  switch (preset) {
    case GovernanceRules::SUPERVISORY_174FZ:
      return Supervisory174Fz();
    case GovernanceRules::TRUSTEE:
      return Trustee();
    case GovernanceRules::READER_COUNCIL:
      return ReaderCouncil();
    default:
      return GovernanceRules();
  }
}

GovernanceRules ResolveRules(const GovernanceRules& given, GovernanceRules::Preset fallback) {
  // Complete rules (as Get returns them) are taken as they are: zeros and empty lists too.
  if (!given.seat_kinds().empty() && !given.question_kinds().empty() && given.has_quorum_share()) {
    GovernanceRules rules = given;
    if (rules.preset() == GovernanceRules::PRESET_UNSPECIFIED) rules.set_preset(fallback);
    return rules;
  }
  GovernanceRules rules =
      Preset(given.preset() != GovernanceRules::PRESET_UNSPECIFIED ? given.preset() : fallback);
  if (given.min_size() != 0) rules.set_min_size(given.min_size());
  if (given.max_size() != 0) rules.set_max_size(given.max_size());
  if (given.max_term_months() != 0) rules.set_max_term_months(given.max_term_months());
  if (given.meetings_per_year() != 0) rules.set_meetings_per_year(given.meetings_per_year());
  if (!given.seat_kinds().empty()) *rules.mutable_seat_kinds() = given.seat_kinds();
  if (!given.ineligible_positions().empty()) {
    *rules.mutable_ineligible_positions() = given.ineligible_positions();
  }
  if (!given.chair_ineligible_positions().empty()) {
    *rules.mutable_chair_ineligible_positions() = given.chair_ineligible_positions();
  }
  if (given.has_quorum_share()) {
    *rules.mutable_quorum_share() = given.quorum_share();
    rules.set_quorum_more_than(given.quorum_more_than());
    rules.set_quorum_requires_all_notified(given.quorum_requires_all_notified());
  }
  if (!given.question_kinds().empty()) *rules.mutable_question_kinds() = given.question_kinds();
  return rules;
}

void CheckRules(const GovernanceRules& rules, absl::string_view prefix, api::FieldViolations& v) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };

  if (rules.min_size() < 1 || rules.min_size() > kMaxSize) {
    v.Add(field("min_size"), absl::StrCat("must be 1-", kMaxSize, ", got ", rules.min_size()));
  }
  if (rules.max_size() < 1 || rules.max_size() > kMaxSize) {
    v.Add(field("max_size"), absl::StrCat("must be 1-", kMaxSize, ", got ", rules.max_size()));
  } else if (rules.max_size() < rules.min_size()) {
    v.Add(field("max_size"), absl::StrCat("must not be less than min_size (", rules.min_size(),
                                          "), got ", rules.max_size()));
  }
  if (rules.max_term_months() < 0 || rules.max_term_months() > kMaxTermMonths) {
    v.Add(field("max_term_months"), absl::StrCat("must be 0-", kMaxTermMonths,
                                                 " (0: no limit), got ", rules.max_term_months()));
  }
  if (rules.meetings_per_year() < 0 || rules.meetings_per_year() > kMaxMeetingsPerYear) {
    v.Add(field("meetings_per_year"),
          absl::StrCat("must be 0-", kMaxMeetingsPerYear, ", got ", rules.meetings_per_year()));
  }
  const v1::Fraction& quorum = rules.quorum_share();
  if (quorum.numerator() <= 0 || quorum.numerator() > quorum.denominator() ||
      quorum.denominator() > kMaxShareDenominator) {
    v.Add(field("quorum_share"),
          absl::StrCat("must be a share n/d with 0 < n <= d <= ", kMaxShareDenominator, ", got ",
                       FormatFraction(quorum)));
  }

  if (rules.seat_kinds().empty() || rules.seat_kinds_size() > kMaxKinds) {
    v.Add(field("seat_kinds"),
          absl::StrCat("must hold 1-", kMaxKinds, " seat kinds, got ", rules.seat_kinds_size()));
  }
  std::set<std::string> seen;
  for (int i = 0; i < rules.seat_kinds_size(); ++i) {
    const v1::SeatKind& seat = rules.seat_kinds(i);
    const std::string path = field(absl::StrCat("seat_kinds[", i, "]"));
    CheckKindIdentity(path, "seat_kind", seat.seat_kind(), seat.description(), seen, v);
    if (seat.has_max_share()) {
      const v1::Fraction& share = seat.max_share();
      if (share.denominator() <= 0 || share.denominator() > kMaxShareDenominator ||
          share.numerator() < 0 || share.numerator() > share.denominator()) {
        v.Add(path + ".max_share",
              absl::StrCat("must be a share n/d with 0 <= n <= d, 0 < d <= ", kMaxShareDenominator,
                           ", got ", FormatFraction(share)));
      }
    }
  }

  CheckPositions(rules.ineligible_positions(), field("ineligible_positions"), v);
  CheckPositions(rules.chair_ineligible_positions(), field("chair_ineligible_positions"), v);

  if (rules.question_kinds().empty() || rules.question_kinds_size() > kMaxKinds) {
    v.Add(field("question_kinds"), absl::StrCat("must hold 1-", kMaxKinds, " question kinds, got ",
                                                rules.question_kinds_size()));
  }
  seen.clear();
  for (int i = 0; i < rules.question_kinds_size(); ++i) {
    const v1::QuestionKind& question = rules.question_kinds(i);
    const std::string path = field(absl::StrCat("question_kinds[", i, "]"));
    CheckKindIdentity(path, "question_kind", question.question_kind(), question.description(), seen,
                      v);
    if (question.decision_rule() == v1::DECISION_RULE_UNSPECIFIED ||
        !v1::DecisionRule_IsValid(question.decision_rule())) {
      v.Add(path + ".decision_rule",
            "is required: MAJORITY_OF_PRESENT, MAJORITY_OF_ALL_MEMBERS, "
            "TWO_THIRDS_OF_ALL_MEMBERS, UNANIMOUS or MAJORITY_OF_DISINTERESTED");
    }
  }
}

void CheckSeatCount(const GovernanceRules& rules, int seat_count, api::FieldViolations& v) {
  if (seat_count < rules.min_size() || seat_count > rules.max_size()) {
    v.Add("seat_count", absl::StrCat("must be ", rules.min_size(), "-", rules.max_size(),
                                     " (the rules' sizes), got ", seat_count));
  }
}

absl::CivilDay LastDay(const Member& m) {
  if (IsSet(m.end_date())) return ToCivilDay(m.end_date());
  if (IsSet(m.term_end_date())) return ToCivilDay(m.term_end_date());
  return absl::CivilDay::max();
}

absl::CivilDay FirstDay(const Member& m) {
  // A member without a start (refused by CheckMember) is taken to be in office from always.
  return IsSet(m.term_start_date()) ? ToCivilDay(m.term_start_date()) : absl::CivilDay::min();
}

bool InOffice(const Member& m, absl::CivilDay day) {
  return FirstDay(m) <= day && day <= LastDay(m);
}

void CheckMember(const GovernanceRules& rules, const Member& m, api::FieldViolations& v) {
  if (m.seat_kind().empty()) {
    std::vector<std::string> kinds;
    for (const v1::SeatKind& s : rules.seat_kinds()) kinds.push_back(s.seat_kind());
    v.Add("member.seat_kind", absl::StrCat("is required: one of the rules' seat kinds (",
                                           absl::StrJoin(kinds, ", "), ")"));
  } else if (FindSeatKind(rules, m.seat_kind()) == nullptr) {
    std::vector<std::string> kinds;
    for (const v1::SeatKind& s : rules.seat_kinds()) kinds.push_back(s.seat_kind());
    v.Add("member.seat_kind",
          absl::StrCat("must be one of the rules' seat kinds (", absl::StrJoin(kinds, ", "),
                       "), got ", api::Quote(m.seat_kind())));
  }
  // An eligible position is the composition's rule (MEMBER_INELIGIBLE); here only its value.
  if (!v1::StaffPosition_IsValid(m.staff_position())) {
    v.Add(
        "member.staff_position",
        absl::StrCat("must be NOT_STAFF, HEAD, DEPUTY_HEAD or EMPLOYEE, got ", m.staff_position()));
  }
  if (!Member::Role_IsValid(m.role())) {
    v.Add("member.role",
          absl::StrCat("must be CHAIR, DEPUTY_CHAIR, SECRETARY or MEMBER, got ", m.role()));
  }

  const bool has_start = IsSet(m.term_start_date());
  const bool has_end = IsSet(m.term_end_date());
  const bool has_early_end = IsSet(m.end_date());
  const size_t before = v.items().size();
  api::CheckDate(v, "member.term_start_date", has_start, m.term_start_date());
  api::CheckDate(v, "member.term_end_date", has_end, m.term_end_date());
  api::CheckDate(v, "member.end_date", has_early_end, m.end_date());
  const bool dates_valid = v.items().size() == before;

  if (!has_start) v.Add("member.term_start_date", "is required");
  if (!has_end && rules.max_term_months() > 0) {
    v.Add("member.term_end_date", absl::StrCat("is required: the rules limit terms to ",
                                               rules.max_term_months(), " months"));
  }
  if (dates_valid && has_start && has_end) {
    const absl::CivilDay start = ToCivilDay(m.term_start_date());
    const absl::CivilDay end = ToCivilDay(m.term_end_date());
    if (end < start) {
      v.Add("member.term_end_date", absl::StrCat("must not be before term_start_date (",
                                                 FormatDay(start), "), got ", FormatDay(end)));
    } else if (rules.max_term_months() > 0) {
      const absl::CivilDay limit = TermLimit(start, rules.max_term_months());
      if (end >= limit) {
        v.Add("member.term_end_date",
              absl::StrCat("makes the term longer than ", rules.max_term_months(),
                           " months: a term from ", FormatDay(start), " may last through ",
                           FormatDay(limit - 1), ", got ", FormatDay(end)));
      }
    }
  }

  const bool has_reason = m.end_reason() != Member::END_REASON_UNSPECIFIED;
  if (has_early_end && !has_reason) {
    v.Add("member.end_reason", "is required with end_date");
  } else if (has_reason && !has_early_end) {
    v.Add("member.end_date", "is required with end_reason");
  }
  if (has_reason && !Member::EndReason_IsValid(m.end_reason())) {
    v.Add("member.end_reason", absl::StrCat("is not a known reason, got ", m.end_reason()));
  }
  if (dates_valid && has_early_end && has_start) {
    const absl::CivilDay end_date = ToCivilDay(m.end_date());
    const absl::CivilDay start = ToCivilDay(m.term_start_date());
    if (end_date < start) {
      v.Add("member.end_date", absl::StrCat("must be within the term: not before ",
                                            FormatDay(start), ", got ", FormatDay(end_date)));
    } else if (has_end && end_date > ToCivilDay(m.term_end_date())) {
      v.Add("member.end_date",
            absl::StrCat("must be within the term: not after ",
                         FormatDay(ToCivilDay(m.term_end_date())), ", got ", FormatDay(end_date)));
    }
  }
}

absl::Status CheckComposition(const GovernanceRules& rules, int seat_count,
                              const std::vector<Member>& members, absl::CivilDay from) {
  // The number in office rises only on first days, so those (and `from`) are the days to check.
  std::vector<absl::CivilDay> days = {from};
  for (const Member& m : members) {
    if (FirstDay(m) >= from) days.push_back(FirstDay(m));
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());

  for (absl::CivilDay day : days) {
    std::vector<const Member*> in_office;
    for (const Member& m : members) {
      if (InOffice(m, day)) in_office.push_back(&m);
    }
    if (in_office.empty()) continue;
    absl::Status status = CheckDay(rules, seat_count, in_office, day);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

Quorum ComputeQuorum(const GovernanceRules& rules,
                     const std::vector<v1::Meeting::Attendance>& attendance) {
  Quorum q;
  q.in_office = static_cast<int>(attendance.size());
  for (const v1::Meeting::Attendance& a : attendance) {
    if (a.presence() == v1::Meeting::PRESENT) ++q.present;
    if (a.has_notice_time()) ++q.notified;
  }
  if (q.in_office == 0) {
    q.explanation = "no members in office";
    return q;
  }
  const v1::Fraction& share = rules.quorum_share();
  const bool more_than = rules.quorum_more_than();
  bool present_enough = false;
  if (share.denominator() > 0) {
    const int64_t present = int64_t{q.present} * share.denominator();
    const int64_t needed = int64_t{q.in_office} * share.numerator();
    present_enough = more_than ? present > needed : present >= needed;
  }
  const bool notified_enough = !rules.quorum_requires_all_notified() || q.notified == q.in_office;
  q.reached = present_enough && notified_enough;

  q.explanation =
      absl::StrCat(q.present, " of ", q.in_office, " present (",
                   more_than ? "more than " : "at least ", FormatFraction(share), " needed)");
  if (rules.quorum_requires_all_notified()) {
    absl::StrAppend(&q.explanation, ", ", q.notified, " of ", q.in_office, " notified",
                    notified_enough ? "" : " (all needed)");
  }
  return q;
}

absl::Status Tally(const GovernanceRules& rules, absl::string_view question_kind, int in_office,
                   const std::vector<std::string>& present, absl::string_view chair,
                   const std::vector<Vote>& votes, v1::AgendaItem* item) {
  api::FieldViolations v;

  // An empty kind is the default, the rules' first.
  const v1::QuestionKind* kind = nullptr;
  for (const v1::QuestionKind& k : rules.question_kinds()) {
    if (question_kind.empty() || k.question_kind() == question_kind) {
      kind = &k;
      break;
    }
  }
  if (kind == nullptr) {
    std::vector<std::string> kinds;
    for (const v1::QuestionKind& k : rules.question_kinds()) kinds.push_back(k.question_kind());
    v.Add("question_kind",
          absl::StrCat("must be one of the rules' question kinds (", absl::StrJoin(kinds, ", "),
                       "), got ", api::Quote(question_kind)));
  } else if (kind->decision_rule() == v1::DECISION_RULE_UNSPECIFIED ||
             !v1::DecisionRule_IsValid(kind->decision_rule())) {
    v.Add("question_kind", absl::StrCat("the rules give the question kind ",
                                        api::Quote(kind->question_kind()), " no decision rule"));
  }

  const std::set<std::string> present_set(present.begin(), present.end());
  std::set<std::string> voted;
  int yes = 0, no = 0, abstain = 0, recused = 0;
  bool chair_yes = false;
  for (const Vote& vote : votes) {
    if (present_set.count(vote.member()) == 0) {
      v.Add("votes",
            absl::StrCat("a vote of ", api::Quote(vote.member()), ", who is not a member present"));
      continue;
    }
    if (!voted.insert(vote.member()).second) {
      v.Add("votes", absl::StrCat("more than one vote of ", api::Quote(vote.member())));
      continue;
    }
    switch (vote.choice()) {
      case Vote::YES:
        ++yes;
        if (!chair.empty() && vote.member() == chair) chair_yes = true;
        break;
      case Vote::NO:
        ++no;
        break;
      case Vote::ABSTAIN:
        ++abstain;
        break;
      case Vote::RECUSED:
        ++recused;
        break;
      default:
        v.Add("votes", absl::StrCat("the vote of ", api::Quote(vote.member()),
                                    " has no choice: YES, NO, ABSTAIN or RECUSED"));
    }
  }
  for (const std::string& member : present) {
    if (voted.count(member) == 0) {
      v.Add("votes", absl::StrCat("no vote of ", api::Quote(member), ", who is present"));
      voted.insert(member);  // once, even if listed twice
    }
  }
  if (!v.empty()) return v.ToStatus();

  const DecisionRule rule = kind->decision_rule();
  const int present_count = static_cast<int>(present_set.size());
  int base = 0;
  switch (rule) {
    case v1::MAJORITY_OF_PRESENT:
    case v1::UNANIMOUS:
      base = present_count - recused;
      break;
    default:  // MAJORITY_OF_ALL_MEMBERS, TWO_THIRDS_OF_ALL_MEMBERS, MAJORITY_OF_DISINTERESTED
      base = in_office - recused;
      break;
  }
  base = std::max(base, 0);

  int required = 0;
  bool adopted = false;
  bool casting = false;
  if (rule == v1::UNANIMOUS) {
    required = base;
    adopted = base > 0 && yes == base;
  } else if (rule == v1::TWO_THIRDS_OF_ALL_MEMBERS) {
    required = (2 * base + 2) / 3;
    adopted = base > 0 && 3 * yes >= 2 * base;
  } else {  // the majority rules
    required = base / 2 + 1;
    adopted = base > 0 && 2 * yes > base;
    if (!adopted && base > 0 && 2 * yes == base && kind->chair_casting_vote() && chair_yes) {
      adopted = true;
      casting = true;
    }
  }
  // With a base of 0 nothing adopts: at least one YES would be needed, and none is possible.
  required = std::max(required, 1);

  item->set_yes_count(yes);
  item->set_no_count(no);
  item->set_abstain_count(abstain);
  item->set_recused_count(recused);
  item->set_base(base);
  item->set_required_yes(required);
  item->set_casting_vote(casting);
  item->set_decision_rule(rule);
  item->set_outcome(adopted ? v1::AgendaItem::ADOPTED : v1::AgendaItem::REJECTED);
  return absl::OkStatus();
}

}  // namespace allies::services::governance
