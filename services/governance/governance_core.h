// The governance core: what reader councils and supervisory boards share (members, meetings,
// agenda items and their votes, decisions, action items), over one family's tables. The two
// services (governance_service.h) each hold one core and differ only in their body message;
// the rules themselves are data on the body (GovernanceRules) judged by rules.h.
//
// Where each rule lives:
//   - composition (seat kinds and caps, seat_count, eligibility, one chair, terms): checked by
//     CheckComposition on every member write and every body write, in the write's transaction,
//     after the body row is written first (LockBody), so two changes never both pass;
//   - quorum: computed by ComputeQuorum whenever a meeting's attendance or the members in
//     office on its date change (Recount; member writes resync the body's open
//     meetings), stored with the meeting, never typed;
//   - outcomes: Tally, when a roll call is recorded (RecordVotes), only at a HELD meeting with
//     its quorum;
//   - locked minutes: every write path of a meeting, its agenda items and its decisions' texts
//     refuses a meeting in MINUTES_APPROVED (FAILED_PRECONDITION MINUTES_APPROVED); only
//     AmendMinutes adds to it, from an adopted item of a later meeting.
#ifndef ALLIES_SERVICES_GOVERNANCE_GOVERNANCE_CORE_H_
#define ALLIES_SERVICES_GOVERNANCE_GOVERNANCE_CORE_H_

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "allies/v1/consent.pb.h"
#include "allies/v1/contact.pb.h"
#include "allies/v1/governance.pb.h"
#include "api/rpc.h"
#include "services/common/resource_methods.h"
#include "storage/governance_tables.h"

namespace allies::services::governance {

// What a body's rules are judged on.
struct BodyRules {
  std::string name;
  v1::GovernanceRules rules;
  int seat_count = 0;
};

// The rules of a body message (ReaderCouncil, SupervisoryBoard), read by reflection: every body
// message has `rules`, `seat_count`, `display_name`, `description`, `regulation`.
BodyRules RulesOf(const google::protobuf::Message& body);

// The checks of a body message without the database (every violation under `prefix`).
void CheckBody(const google::protobuf::Message& body, const std::vector<std::string>& fields,
               api::FieldViolations& v);

class GovernanceCore {
 public:
  GovernanceCore(storage::ConnectionPool& pool, const storage::GovernanceTables& tables);

  const storage::GovernanceTables& tables() const { return tables_; }

  // A body's write (create or update) against its members from today on.
  absl::Status CheckBodyWrite(WriteContext& ctx, const storage::ResourceKey& key,
                              const google::protobuf::Message& body);

  // Members.
  ResourceMethods<v1::Member>& members() { return members_; }
  // A member of an existing person, or of one given with it (person_contact and consent).
  absl::Status CreateMember(const api::Call& call, const v1::CreateMemberRequest& r,
                            v1::Member* out);
  absl::Status ListExpiringTerms(const api::Call& call, const v1::ListExpiringTermsRequest& r,
                                 v1::ListMembersResponse* out);
  // Meetings.
  ResourceMethods<v1::Meeting>& meetings() { return meetings_; }
  absl::Status RecordNotices(const api::Call& call, const v1::RecordNoticesRequest& r,
                             v1::Meeting* out);
  absl::Status HoldMeeting(const api::Call& call, const v1::HoldMeetingRequest& r,
                           v1::Meeting* out);
  absl::Status RecordAttendance(const api::Call& call, const v1::RecordAttendanceRequest& r,
                                v1::Meeting* out);
  absl::Status ApproveMinutes(const api::Call& call, const v1::ApproveMinutesRequest& r,
                              v1::Meeting* out);
  absl::Status AmendMinutes(const api::Call& call, const v1::AmendMinutesRequest& r,
                            v1::Meeting* out);
  // Agenda items.
  ResourceMethods<v1::AgendaItem>& agenda_items() { return agenda_items_; }
  absl::Status RecordVotes(const api::Call& call, const v1::RecordVotesRequest& r,
                           v1::AgendaItem* out);
  // Decisions and action items.
  ResourceMethods<v1::Decision>& decisions() { return decisions_; }
  ResourceMethods<v1::ActionItem>& action_items() { return action_items_; }
  absl::Status MoveActionItem(const api::Call& call, absl::string_view verb, absl::string_view name,
                              absl::string_view etag, const std::string& reason,
                              absl::string_view request_id,
                              const google::protobuf::Message& request, v1::ActionItem* out);
  absl::Status ListOverdueActionItems(const api::Call& call,
                                      const v1::ListOverdueActionItemsRequest& r,
                                      v1::ListActionItemsResponse* out);

  // A library's subtree (or "libraries/-") as a List over `collection` below it: the parent
  // with "-" for every level, and the subtree's condition added to `args`.
  absl::Status WithinSubtree(absl::string_view parent, absl::string_view below, ListArgs& args,
                             std::string& list_parent) const;

 private:
  // The body a key below it belongs to ({library, body id}); with `lock`, its row written first
  // (composition_revision): the order of every change checking its composition.
  absl::StatusOr<BodyRules> LoadBody(storage::Session& s, const storage::ResourceKey& body,
                                     bool lock);
  // Writes the body's row (composition_revision) and so holds its exclusive lock from here on.
  // First in a member's create, before the parent check reads the body with a shared lock: two
  // creates that both held the shared lock and then both asked for the exclusive one deadlocked
  // each other (measured: 16 concurrent creates failed after six attempts under load).
  absl::Status LockBody(storage::Session& s, const storage::ResourceKey& body);
  // The body's live members (those whose term ended included).
  absl::StatusOr<std::vector<v1::Member>> ReadMembers(storage::Session& s,
                                                      const storage::ResourceKey& body);
  absl::Status CheckMemberWrite(WriteContext& ctx, const storage::ResourceKey& key,
                                const v1::Member& member);
  // After a member's write: the body's PLANNED and HELD meetings see who is in office.
  absl::Status ResyncMeetings(WriteContext& ctx, const storage::ResourceKey& member_key);

  // A meeting's start (local time given or not), local date, and attendance with its quorum.
  absl::Status SettleMeeting(WriteContext& ctx, const storage::ResourceKey& key,
                             v1::Meeting& meeting, bool resolve_local);
  // What a meeting's attendance is judged on: the body's rules and its live members, read once
  // per change.
  struct Office {
    v1::GovernanceRules rules;
    std::vector<v1::Member> members;
  };
  absl::StatusOr<Office> ReadOffice(storage::Session& s, const storage::ResourceKey& body);
  // Attendance: one entry per member in office on the meeting's date (keeping what was
  // recorded), and the quorum computed from it; the paths that changed.
  static std::vector<std::string> Recount(const Office& office, v1::Meeting& meeting);
  // A meeting's change by a custom method, on its attendance as it stands.
  using MeetingChange = std::function<absl::StatusOr<std::vector<std::string>>(
      WriteContext&, const storage::ResourceKey&, v1::Meeting&)>;
  absl::Status ChangeMeeting(const api::Call& call, absl::string_view verb, absl::string_view name,
                             absl::string_view etag, absl::string_view request_id,
                             const google::protobuf::Message& request, const MeetingChange& change,
                             v1::Meeting* out);
  absl::StatusOr<v1::Meeting> LoadMeeting(storage::Session& s, const storage::ResourceKey& key);

  absl::Status CheckAgendaItemWrite(WriteContext& ctx, const storage::ResourceKey& key,
                                    const v1::AgendaItem& item,
                                    const std::vector<std::string>& changed);
  absl::Status SettleAgendaItem(WriteContext& ctx, const storage::ResourceKey& key,
                                v1::AgendaItem& item);
  // The live decision taken on an agenda item, if any.
  absl::StatusOr<std::string> DecisionOf(storage::Session& s, const std::string& item);

  absl::Status SettleDecision(WriteContext& ctx, const storage::ResourceKey& key,
                              v1::Decision& decision);
  absl::Status CheckDecisionWrite(WriteContext& ctx, const storage::ResourceKey& key,
                                  const v1::Decision& decision,
                                  const std::vector<std::string>& changed);

  storage::ConnectionPool& pool_;
  const storage::GovernanceTables& tables_;
  ResourceMethods<v1::Member> members_;
  ResourceMethods<v1::Meeting> meetings_;
  ResourceMethods<v1::AgendaItem> agenda_items_;
  ResourceMethods<v1::Decision> decisions_;
  ResourceMethods<v1::ActionItem> action_items_;
  // A person given with a member: the contacts' and the consent ledger's own rules.
  ResourceMethods<v1::Contact> contacts_;
  ResourceMethods<v1::Consent> consents_;
};

}  // namespace allies::services::governance

#endif  // ALLIES_SERVICES_GOVERNANCE_GOVERNANCE_CORE_H_
