// The governance bodies' rules, pure: presets, the rules' own checks, composition, quorum and
// the outcome of a roll-call vote. No database: the service (governance_service) loads the
// members, attendance and votes and calls these; tests call them with plain messages.
#ifndef ALLIES_SERVICES_GOVERNANCE_RULES_H_
#define ALLIES_SERVICES_GOVERNANCE_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "allies/v1/governance.pb.h"
#include "api/errors.h"

namespace allies::services::governance {

// The preset's rules (every field filled; `preset` set to it). PRESET_UNSPECIFIED: empty rules.
v1::GovernanceRules Preset(v1::GovernanceRules::Preset preset);

// The rules a body is given. Complete rules (seat kinds, question kinds and a quorum share
// given: what Get returns, edited) are taken as they are, zeros and empty lists included (no
// term limit, no ineligible positions), `preset` kept as a label (`fallback` when unset).
// Otherwise the preset named in `given` (or `fallback` when it names none), then every field
// `given` sets (non-zero scalars, non-empty repeated fields, a set quorum_share) replacing the
// preset's. quorum_more_than and quorum_requires_all_notified are taken from `given` only when
// it sets quorum_share.
v1::GovernanceRules ResolveRules(const v1::GovernanceRules& given,
                                 v1::GovernanceRules::Preset fallback);

// The rules' own consistency, each violation under `prefix` ("rules.min_size"): sizes
// 1 <= min <= max <= 100; max_term_months 0-600; meetings_per_year 0-52; quorum_share
// 0 < n <= d <= 100; seat kinds and question kinds 1-20 each, identifiers [A-Z0-9_]{1,40}
// unique within their list, descriptions at most 300 characters; a seat kind's max_share
// 0 <= n <= d <= 100 when set (d > 0); every question kind has a decision rule; positions
// specified.
void CheckRules(const v1::GovernanceRules& rules, absl::string_view prefix,
                api::FieldViolations& v);

// The body's seat_count within its rules' sizes (INVALID_ARGUMENT on "seat_count").
void CheckSeatCount(const v1::GovernanceRules& rules, int seat_count, api::FieldViolations& v);

// A member's last day in office: end_date when set, else term_end_date; CivilDay::max() when
// neither is set.
absl::CivilDay LastDay(const v1::Member& m);
absl::CivilDay FirstDay(const v1::Member& m);
// Whether the member's term covers `day` (term_start_date <= day <= LastDay).
bool InOffice(const v1::Member& m, absl::CivilDay day);

// One member on its own against the rules (INVALID_ARGUMENT, every field at once): a seat kind
// of the rules, a staff position the rules do not exclude (INELIGIBLE -> FAILED_PRECONDITION
// below), term_start_date set, term_end_date >= term_start_date and required when
// max_term_months > 0, the term at most max_term_months long (term_end_date < start +
// max_term_months months), end_date and end_reason both or neither, end_date within the term.
void CheckMember(const v1::GovernanceRules& rules, const v1::Member& m, api::FieldViolations& v);

// The body's composition with `members` (the live members, the changed one among them as it
// will be written) against its rules and seat_count, on every day any of them is in office
// from `from` on. On the first day it fails, FAILED_PRECONDITION with reason:
//   MEMBER_INELIGIBLE     a member's staff position is in ineligible_positions;
//   CHAIR_INELIGIBLE      a CHAIR on a seat kind that may_not_chair, or whose position is in
//                         chair_ineligible_positions;
//   BODY_FULL             more members in office than seat_count;
//   SEAT_CAP              more members on a seat kind than its max_share of seat_count
//                         (rounded down);
//   ROLE_TAKEN            two CHAIRs (or DEPUTY_CHAIRs, or SECRETARYs) in office the same day;
//   PERSON_ALREADY_MEMBER the same person twice in office the same day;
// each with metadata naming the day ("date", YYYY-MM-DD), the seat kind or role, the count and
// the limit, and the message saying it in words. OK when all hold.
absl::Status CheckComposition(const v1::GovernanceRules& rules, int seat_count,
                              const std::vector<v1::Member>& members, absl::CivilDay from);

// The quorum of a meeting: the attendance of the members in office on its date (one entry per
// member; entries of others are ignored by the caller before).
struct Quorum {
  int in_office = 0;
  int present = 0;
  int notified = 0;
  bool reached = false;
  std::string explanation;  // in words: "7 of 11 present (more than 1/2 needed), all notified"
};
Quorum ComputeQuorum(const v1::GovernanceRules& rules,
                     const std::vector<v1::Meeting::Attendance>& attendance);

// The outcome of a roll call on a motion of `question_kind`.
//   in_office: members in office on the meeting's date; present: the members present;
//   chair: the CHAIR present (empty if none); votes: one per member present.
// Checks (INVALID_ARGUMENT, field "votes"): every vote names a member present, each once, with
// a choice; every member present votes; the question kind is one of the rules' (field
// "question_kind"). Fills `item`'s outcome, counts, base, required_yes, casting_vote and
// decision_rule. Base and required YES votes by rule (R = recused):
//   MAJORITY_OF_PRESENT        base = present - R,   adopted when 2 * yes > base
//   MAJORITY_OF_ALL_MEMBERS    base = in_office - R, adopted when 2 * yes > base
//   TWO_THIRDS_OF_ALL_MEMBERS  base = in_office - R, adopted when 3 * yes >= 2 * base
//   UNANIMOUS                  base = present - R,   adopted when yes == base > 0
//   MAJORITY_OF_DISINTERESTED  base = in_office - R, adopted when 2 * yes > base
// (required_yes: the least YES count that adopts). Under a majority rule with
// chair_casting_vote, a tie (2 * yes == base) is adopted when the chair voted YES
// (casting_vote = true). A base of 0 adopts nothing.
absl::Status Tally(const v1::GovernanceRules& rules, absl::string_view question_kind, int in_office,
                   const std::vector<std::string>& present, absl::string_view chair,
                   const std::vector<v1::Vote>& votes, v1::AgendaItem* item);

}  // namespace allies::services::governance

#endif  // ALLIES_SERVICES_GOVERNANCE_RULES_H_
