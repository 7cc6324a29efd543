// `alliesctl reader-councils ...` and `alliesctl boards ...`: a library's governance bodies
// (allies.v1.ReaderCouncilService, allies.v1.SupervisoryBoardService). Each body has its rules
// as data (a preset with any number replaced). Below the body both services have the same
// methods, with the same names and requests (governance.proto), so the commands below it are
// written once, as a template over the generated stub, and registered under each body:
//   <body> members    members and their terms; expiring: terms that end soon
//   <body> meetings   PLANNED -> HELD -> MINUTES_APPROVED: notices, attendance, quorum, minutes
//   <body> agenda     agenda items and the roll-call vote on each item's motion
//   <body> decisions  decisions of adopted motions, with their links
//   <body> actions    the decisions' action items: OPEN -> DONE | DROPPED; overdue ones
// Members (and meetings, where a flag names one) may be written as their id alone: "m1" is
// "<body>/members/m1" of the body the command's operand is under.
#ifndef ALLIES_CLIENTS_ALLIESCTL_GOVERNANCE_H_
#define ALLIES_CLIENTS_ALLIESCTL_GOVERNANCE_H_

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/governance.pb.h"
#include "allies/v1/reader_council.pb.h"
#include "allies/v1/supervisory_board.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterGovernanceCommands(CommandRegistry* registry);

// The body a governance name is under: "libraries/x/supervisoryBoards/b" for
// "libraries/x/supervisoryBoards/b/meetings/t/agendaItems/i" (its first four words); the name
// itself when it has fewer.
std::string GovernanceBodyOf(absl::string_view name);

// A name written short under `body`: a word without "/" is `body`/`collection`/word ("m1" ->
// "<body>/members/m1"); anything else is kept as it is (a full name).
std::string NameUnderBody(absl::string_view body, absl::string_view collection,
                          absl::string_view word);

// ---- Rules ----

// --quorum: "1/2" (at least half of the members in office present) or ">1/2" (more than half);
// ">=1/2" is "1/2". The share is n/d with 0 < n <= d <= 100. Returns the share and "more than".
absl::StatusOr<std::pair<allies::v1::Fraction, bool>> ParseQuorumFlag(absl::string_view flag,
                                                                      absl::string_view value);
// The rules' quorum as --quorum takes it (">1/2", "2/3"), with "+ all notified" when the rules
// need every member notified; empty when the rules have no quorum share.
std::string FormatQuorum(const allies::v1::GovernanceRules& rules);

// Whether any of the rules flags is given: --preset, --rules-file, --min-size, --max-size,
// --max-term-months, --meetings-per-year, --quorum, --quorum-all-notified.
bool HasRulesFlags(const ParsedArgs& args);
// Whether the rules flags change the body's current rules (an update with number flags but
// neither --preset nor --rules-file), which the command then reads first.
bool RulesFlagsNeedCurrentRules(const ParsedArgs& args);

// The rules the rules flags give. They start from `current` (the body's rules, for an update
// that needs them) or from nothing (the server fills what is left from the preset); then
// --rules-file (GovernanceRules as JSON, or a body as `get -o json` prints it, whose rules are
// taken; "-" is stdin) replaces them, --preset sets the preset, and each number flag replaces its
// number. The server takes the quorum's share, "more than" and "all notified" together: without
// `current`, --quorum and --quorum-all-notified go together (unless the file has the quorum).
// The numbers must be 1 or more: the server reads 0 as "the preset's". Errors name the flag.
absl::StatusOr<allies::v1::GovernanceRules> BuildRules(
    const ParsedArgs& args, const allies::v1::GovernanceRules* current,
    const google::protobuf::Message* body_prototype = nullptr);

// ---- The requests the commands send (exposed for tests); errors are usage errors ----

// `reader-councils create LIBRARY` / `boards create LIBRARY`: --display-name and --seat-count
// are required; the rules flags set rules. Update: the fields given and "rules" when a rules
// flag is (from `current`, the body's rules, when RulesFlagsNeedCurrentRules).
absl::StatusOr<allies::v1::CreateReaderCouncilRequest> BuildCreateReaderCouncilRequest(
    absl::string_view library, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateReaderCouncilRequest> BuildUpdateReaderCouncilRequest(
    absl::string_view name, const ParsedArgs& args,
    const allies::v1::GovernanceRules* current = nullptr);
absl::StatusOr<allies::v1::CreateSupervisoryBoardRequest> BuildCreateSupervisoryBoardRequest(
    absl::string_view library, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateSupervisoryBoardRequest> BuildUpdateSupervisoryBoardRequest(
    absl::string_view name, const ParsedArgs& args,
    const allies::v1::GovernanceRules* current = nullptr);

absl::StatusOr<allies::v1::CreateMemberRequest> BuildCreateMemberRequest(absl::string_view body,
                                                                         const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateMemberRequest> BuildUpdateMemberRequest(absl::string_view name,
                                                                         const ParsedArgs& args);

// Meetings: --start is the library's local time (local_start_time) or RFC 3339 (start_time);
// an update's mask names which. --minutes or --minutes-file (not both) write the minutes.
absl::StatusOr<allies::v1::CreateMeetingRequest> BuildCreateMeetingRequest(absl::string_view body,
                                                                           const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateMeetingRequest> BuildUpdateMeetingRequest(absl::string_view name,
                                                                           const ParsedArgs& args);
// `meetings notify MEETING [--members M,...] [--time RFC3339]`.
absl::StatusOr<allies::v1::RecordNoticesRequest> BuildRecordNoticesRequest(
    absl::string_view meeting, const ParsedArgs& args);
// `meetings hold MEETING --present M,...` (required).
absl::StatusOr<allies::v1::HoldMeetingRequest> BuildHoldMeetingRequest(absl::string_view meeting,
                                                                       const ParsedArgs& args);
// `meetings attend MEETING [--present M,...] [--absent M,...]` (one of them at least).
absl::StatusOr<allies::v1::RecordAttendanceRequest> BuildRecordAttendanceRequest(
    absl::string_view meeting, const ParsedArgs& args);
// `meetings approve-minutes MEETING [--approved-at MEETING]`.
absl::StatusOr<allies::v1::ApproveMinutesRequest> BuildApproveMinutesRequest(
    absl::string_view meeting, const ParsedArgs& args);
// `meetings amend-minutes MEETING --text TEXT --agenda-item ITEM` (both required).
absl::StatusOr<allies::v1::AmendMinutesRequest> BuildAmendMinutesRequest(absl::string_view meeting,
                                                                         const ParsedArgs& args);

// Agenda items: --amends-meeting may be a meeting's id in the same body.
absl::StatusOr<allies::v1::CreateAgendaItemRequest> BuildCreateAgendaItemRequest(
    absl::string_view meeting, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateAgendaItemRequest> BuildUpdateAgendaItemRequest(
    absl::string_view name, const ParsedArgs& args);

// A vote's choice as the vote flags name it: for (or yes), against (or no), abstain, recused;
// case-insensitive.
absl::StatusOr<allies::v1::Vote::Choice> ParseVoteChoice(absl::string_view flag,
                                                         absl::string_view value);
// `agenda vote ITEM --motion TEXT --for M,... --against M,... --abstain M,... --recused M,...`:
// one vote per member named (ids resolved against the item's body), in that order; --motion is
// required, a member named twice is an error, and so are no votes at all unless --others is
// given (a choice, checked here; AddOtherVotes applies it).
absl::StatusOr<allies::v1::RecordVotesRequest> BuildRecordVotesRequest(absl::string_view item,
                                                                       const ParsedArgs& args);
// --others CHOICE: a vote of `choice` for each member present at `meeting` not yet in the roll
// call. Returns how many were added.
int AddOtherVotes(const allies::v1::Meeting& meeting, allies::v1::Vote::Choice choice,
                  allies::v1::RecordVotesRequest* request);
// The meeting an agenda item is on (the name up to "/agendaItems/").
std::string MeetingOfAgendaItem(absl::string_view item);

absl::StatusOr<allies::v1::CreateDecisionRequest> BuildCreateDecisionRequest(
    absl::string_view body, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateDecisionRequest> BuildUpdateDecisionRequest(
    absl::string_view name, const ParsedArgs& args);

// Action items: --owner-member may be a member's id in the decision's body.
absl::StatusOr<allies::v1::CreateActionItemRequest> BuildCreateActionItemRequest(
    absl::string_view decision, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateActionItemRequest> BuildUpdateActionItemRequest(
    absl::string_view name, const ParsedArgs& args);

// ---- Tables ----

// Columns NAME, DISPLAY NAME, SEATS, MEMBERS, VACANCIES, HELD (meetings this year), REQUIRED
// (by today), BEHIND, PRESET, QUORUM (and DELETED when any is); boards have KIND after DISPLAY
// NAME.
Table ReaderCouncilsTable(
    const google::protobuf::RepeatedPtrField<allies::v1::ReaderCouncil>& councils);
Table SupervisoryBoardsTable(
    const google::protobuf::RepeatedPtrField<allies::v1::SupervisoryBoard>& boards);
// Columns NAME, DISPLAY NAME, SEAT KIND, ROLE, TERM START, TERM END, IN OFFICE.
Table MembersTable(const google::protobuf::RepeatedPtrField<allies::v1::Member>& members);
// Columns NAME, TITLE, START (local), STATE, PRESENT (of those in office), NOTIFIED, QUORUM.
Table MeetingsTable(const google::protobuf::RepeatedPtrField<allies::v1::Meeting>& meetings);
// Columns NAME, #, TITLE, KIND, OUTCOME, YES, NO, ABSTAIN, RECUSED, NEEDED ("3 of 5": the YES
// votes the rule needed of its base).
Table AgendaItemsTable(const google::protobuf::RepeatedPtrField<allies::v1::AgendaItem>& items);
// Columns NAME, DATE, TITLE, MINUTES APPROVED, OPEN (action items), OVERDUE.
Table DecisionsTable(const google::protobuf::RepeatedPtrField<allies::v1::Decision>& decisions);
// Columns NAME, TITLE, OWNER (the member, or the owner's name), DUE, STATE, OVERDUE.
Table ActionItemsTable(const google::protobuf::RepeatedPtrField<allies::v1::ActionItem>& items);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_GOVERNANCE_H_
