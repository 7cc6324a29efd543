#include "services/governance/governance_core.h"

#include <google/protobuf/message.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/fields.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/common/lifecycle.h"
#include "services/common/local_time.h"
#include "services/contact/contact_service.h"
#include "services/governance/rules.h"
#include "services/volunteer/ledger.h"
#include "storage/due.h"
#include "storage/partnership_tables.h"
#include "storage/scope.h"

namespace allies::services::governance {
namespace {

using google::protobuf::Message;
using v1::ActionItem;
using v1::AgendaItem;
using v1::Decision;
using v1::Meeting;
using v1::Member;

constexpr size_t kMaxTitle = 300;
constexpr size_t kMaxItemTitle = 500;
constexpr size_t kMaxText = 10000;
constexpr size_t kMaxMinutes = 100000;
constexpr size_t kMaxPlace = 500;
constexpr size_t kMaxReason = 1000;
constexpr int kMaxLinks = 50;
constexpr int kMaxPosition = 1000;
constexpr int kDefaultExpiringDays = 30;
constexpr int kMaxExpiringDays = 366;

using api::Precondition;

absl::Status Locked(const std::string& meeting) {
  return Precondition("MINUTES_APPROVED",
                      absl::StrCat("the minutes of ", meeting,
                                   " are approved and locked; a correction is an amendment "
                                   "approved by a later meeting (AmendMinutes)"),
                      {{"meeting", meeting}});
}

const Lifecycle& MeetingLifecycle() {
  static const Lifecycle* lifecycle = new Lifecycle(Meeting::descriptor(), "MEETING_STATE");
  return *lifecycle;
}

const Lifecycle& ActionItemLifecycle() {
  static const Lifecycle* lifecycle = new Lifecycle(ActionItem::descriptor(), "ACTION_ITEM_STATE");
  return *lifecycle;
}

// The body a key below it belongs to.
storage::ResourceKey BodyKey(const storage::ResourceKey& below) {
  return storage::ResourceKey(below.library_id, below.parents.at(0));
}

// The meeting an agenda item belongs to.
storage::ResourceKey MeetingKey(const storage::ResourceKey& item) {
  return storage::ResourceKey(item.library_id, item.parents.at(1), {item.parents.at(0)});
}

absl::CivilDay Day(const google::type::Date& d) { return ToCivilDay(d); }

// Checks the repeated links of an agenda item or decision.
template <typename M>
void CheckLinks(const M& m, const std::string& prefix, const std::vector<std::string>& fields,
                api::FieldViolations& v) {
  const std::pair<const char*, const google::protobuf::RepeatedPtrField<std::string>*> links[] = {
      {"partners", &m.partners()},
      {"agreements", &m.agreements()},
      {"projects", &m.projects()},
      {"volunteers", &m.volunteers()}};
  for (const auto& [field, values] : links) {
    if (api::HasPath(fields, field)) {
      api::CheckValues(v, absl::StrCat(prefix, ".", field), *values, kMaxLinks);
    }
  }
}

void CheckMemberFields(const Member& m, const std::vector<std::string>& fields,
                       api::FieldViolations& v) {
  if (api::HasPath(fields, "person")) {
    const std::vector<absl::string_view> parts = absl::StrSplit(m.person(), '/');
    if (m.person().empty()) {
      v.Add("member.person",
            "is required: a contact or volunteer of the body's library "
            "(\"libraries/{l}/contacts/{c}\" or \"libraries/{l}/volunteers/{v}\")");
    } else if (parts.size() != 4 || parts[0] != "libraries" ||
               (parts[2] != "contacts" && parts[2] != "volunteers")) {
      v.Add("member.person",
            absl::StrCat("must name a contact or a volunteer, got ", api::Quote(m.person())));
    }
  }
  if (api::HasPath(fields, "seat_kind") && m.seat_kind().empty()) {
    v.Add("member.seat_kind", "is required: one of the body's rules' seat kinds");
  }
  if (api::HasPath(fields, "term_start_date")) {
    if (!m.has_term_start_date()) {
      v.Add("member.term_start_date", "is required");
    } else {
      api::CheckDate(v, "member.term_start_date", true, m.term_start_date());
    }
  }
  if (api::HasPath(fields, "term_end_date")) {
    api::CheckDate(v, "member.term_end_date", m.has_term_end_date(), m.term_end_date());
  }
  if (api::HasPath(fields, "end_date")) {
    api::CheckDate(v, "member.end_date", m.has_end_date(), m.end_date());
  }
  if (api::HasPath(fields, "appointment_act")) {
    api::CheckText(v, "member.appointment_act", m.appointment_act(), 500, false);
  }
}

void CheckMeetingFields(const Meeting& m, const std::vector<std::string>& fields,
                        api::FieldViolations& v) {
  if (api::HasPath(fields, "title")) api::CheckText(v, "meeting.title", m.title(), kMaxTitle, true);
  if (api::HasPath(fields, "start_time") && !m.has_start_time() && m.local_start_time().empty()) {
    v.Add("meeting.start_time", "is required (or local_start_time, \"YYYY-MM-DDTHH:MM\")");
  }
  if (api::HasPath(fields, "start_time") && m.has_start_time()) {
    absl::Status ok = api::CheckTimestamp(m.start_time(), "meeting.start_time");
    if (!ok.ok()) v.AddFrom(ok, "meeting.start_time");
  }
  if (api::HasPath(fields, "local_start_time") && !m.local_start_time().empty() &&
      !ParseLocal(m.local_start_time())) {
    v.Add("meeting.local_start_time",
          absl::StrCat("must be \"YYYY-MM-DDTHH:MM\", got ", api::Quote(m.local_start_time())));
  }
  if (api::HasPath(fields, "place"))
    api::CheckText(v, "meeting.place", m.place(), kMaxPlace, false);
  if (api::HasPath(fields, "online_url")) {
    api::CheckUrl(v, "meeting.online_url", m.online_url(), 2000);
  }
  if (api::HasPath(fields, "minutes")) {
    api::CheckText(v, "meeting.minutes", m.minutes(), kMaxMinutes, false, true);
  }
}

void CheckAgendaItemFields(const AgendaItem& i, const std::vector<std::string>& fields,
                           api::FieldViolations& v) {
  if (api::HasPath(fields, "title")) {
    api::CheckText(v, "agenda_item.title", i.title(), kMaxItemTitle, true);
  }
  if (api::HasPath(fields, "description")) {
    api::CheckText(v, "agenda_item.description", i.description(), kMaxText, false, true);
  }
  if (api::HasPath(fields, "position") && (i.position() < 0 || i.position() > kMaxPosition)) {
    v.Add("agenda_item.position", absl::StrCat("must be 1-", kMaxPosition, " (0: after the last)"));
  }
  CheckLinks(i, "agenda_item", fields, v);
}

void CheckDecisionFields(const Decision& d, const std::vector<std::string>& fields,
                         api::FieldViolations& v) {
  if (api::HasPath(fields, "agenda_item") && d.agenda_item().empty()) {
    v.Add("decision.agenda_item",
          "is required: the adopted agenda item the decision comes from "
          "(\"{body}/meetings/{t}/agendaItems/{i}\")");
  }
  if (api::HasPath(fields, "title"))
    api::CheckText(v, "decision.title", d.title(), kMaxTitle, true);
  if (api::HasPath(fields, "text")) {
    api::CheckText(v, "decision.text", d.text(), kMaxText, false, true);
  }
  CheckLinks(d, "decision", fields, v);
}

void CheckActionItemFields(const ActionItem& a, const std::vector<std::string>& fields,
                           api::FieldViolations& v) {
  if (api::HasPath(fields, "title")) {
    api::CheckText(v, "action_item.title", a.title(), kMaxItemTitle, true);
  }
  if (api::HasPath(fields, "owner")) api::CheckText(v, "action_item.owner", a.owner(), 300, false);
  if (api::HasPath(fields, "due_date")) {
    api::CheckDate(v, "action_item.due_date", a.has_due_date(), a.due_date());
  }
}

// The members present at a meeting, by name.
std::vector<std::string> Present(const Meeting& m) {
  std::vector<std::string> out;
  for (const auto& a : m.attendance()) {
    if (a.presence() == Meeting::PRESENT) out.push_back(a.member());
  }
  return out;
}

}  // namespace

BodyRules RulesOf(const Message& body) {
  BodyRules out;
  const auto* d = body.GetDescriptor();
  const auto* r = body.GetReflection();
  out.name = r->GetString(body, d->FindFieldByName("name"));
  out.rules.CopyFrom(r->GetMessage(body, d->FindFieldByName("rules")));
  out.seat_count = r->GetInt32(body, d->FindFieldByName("seat_count"));
  return out;
}

void CheckBody(const Message& body, const std::vector<std::string>& fields,
               api::FieldViolations& v) {
  const auto* d = body.GetDescriptor();
  const auto* r = body.GetReflection();
  auto text = [&](const char* field) { return r->GetString(body, d->FindFieldByName(field)); };
  if (api::HasPath(fields, "display_name")) {
    api::CheckText(v, "display_name", text("display_name"), kMaxTitle, true);
  }
  if (api::HasPath(fields, "description")) {
    api::CheckText(v, "description", text("description"), kMaxText, false, true);
  }
  if (api::HasPath(fields, "regulation")) {
    api::CheckText(v, "regulation", text("regulation"), 500, false);
  }
  const BodyRules rules = RulesOf(body);
  // (The seat count against the rules is a rule across fields: check_record.)
  if (api::HasPath(fields, "rules")) CheckRules(rules.rules, "rules", v);
}

GovernanceCore::GovernanceCore(storage::ConnectionPool& pool,
                               const storage::GovernanceTables& tables)
    : pool_(pool),
      tables_(tables),
      members_(
          pool,
          [this] {
            ResourceRules<Member> rules;
            rules.table = tables_.members;
            rules.field = "member";
            rules.mutable_fields = {"person",   "seat_kind",       "staff_position",
                                    "role",     "term_start_date", "term_end_date",
                                    "end_date", "end_reason",      "appointment_act"};
            rules.normalize = [](Member& m) {
              m.set_seat_kind(std::string(absl::StripAsciiWhitespace(m.seat_kind())));
            };
            rules.defaults = [](const api::Call&, absl::Time, Member& m) {
              if (m.staff_position() == v1::STAFF_POSITION_UNSPECIFIED) {
                m.set_staff_position(v1::NOT_STAFF);
              }
              if (m.role() == Member::ROLE_UNSPECIFIED) m.set_role(Member::MEMBER);
            };
            rules.check = CheckMemberFields;
            rules.settle_create = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                         Member&) { return LockBody(ctx.session, BodyKey(key)); };
            rules.check_write = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                       const Member& m, const std::vector<std::string>&) {
              return CheckMemberWrite(ctx, key, m);
            };
            rules.after_write = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                       const Member* before, const Member& after) -> absl::Status {
              // A member brought back is checked as a new one would be.
              if (before != nullptr && before->has_delete_time() && !after.has_delete_time()) {
                absl::Status ok = CheckMemberWrite(ctx, key, after);
                if (!ok.ok()) return ok;
              }
              return ResyncMeetings(ctx, key);
            };
            return rules;
          }()),
      meetings_(pool,
                [this] {
                  ResourceRules<Meeting> rules;
                  rules.table = tables_.meetings;
                  rules.field = "meeting";
                  rules.mutable_fields = {"title", "start_time", "local_start_time",
                                          "place", "online_url", "minutes"};
                  rules.defaults = [](const api::Call&, absl::Time, Meeting& m) {
                    m.set_state(Meeting::PLANNED);
                  };
                  rules.check = CheckMeetingFields;
                  rules.updatable = [](const Meeting& current,
                                       const std::vector<std::string>& fields) -> absl::Status {
                    if (current.state() == Meeting::MINUTES_APPROVED) return Locked(current.name());
                    const Lifecycle& lifecycle = MeetingLifecycle();
                    if (api::HasPath(fields, "minutes") && current.state() != Meeting::HELD) {
                      return lifecycle.Wrong(current, "writing the minutes", {Meeting::HELD});
                    }
                    if ((api::HasPath(fields, "start_time") ||
                         api::HasPath(fields, "local_start_time")) &&
                        current.state() != Meeting::PLANNED) {
                      return lifecycle.Wrong(current, "moving the meeting", {Meeting::PLANNED});
                    }
                    return absl::OkStatus();
                  };
                  rules.settle_create = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                               Meeting& m) {
                    return SettleMeeting(ctx, key, m, !m.has_start_time());
                  };
                  rules.settle_update = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                               const Meeting&, Meeting& after,
                                               std::vector<std::string>& changed) -> absl::Status {
                    const bool local = api::HasPath(changed, "local_start_time") &&
                                       !api::HasPath(changed, "start_time");
                    if (!local && !api::HasPath(changed, "start_time")) return absl::OkStatus();
                    absl::Status ok = SettleMeeting(ctx, key, after, local);
                    if (!ok.ok()) return ok;
                    for (const char* path :
                         {"start_time", "local_start_time", "meeting_date", "attendance",
                          "members_in_office", "present_count", "notified_count", "quorum"}) {
                      if (!api::HasPath(changed, path)) changed.push_back(path);
                    }
                    return absl::OkStatus();
                  };
                  rules.before_delete = [](WriteContext&, const storage::ResourceKey&,
                                           const Meeting& m, bool) -> absl::Status {
                    if (m.state() == Meeting::MINUTES_APPROVED) return Locked(m.name());
                    if (m.state() != Meeting::PLANNED) {
                      return MeetingLifecycle().Wrong(m, "a delete", {Meeting::PLANNED});
                    }
                    return absl::OkStatus();
                  };
                  return rules;
                }()),
      agenda_items_(
          pool,
          [this] {
            ResourceRules<AgendaItem> rules;
            rules.table = tables_.agenda_items;
            rules.field = "agenda_item";
            rules.mutable_fields = {"position",    "title",      "question_kind",
                                    "description", "partners",   "agreements",
                                    "projects",    "volunteers", "amends_meeting"};
            rules.normalize = [](AgendaItem& i) {
              i.set_title(std::string(absl::StripAsciiWhitespace(i.title())));
            };
            rules.defaults = [](const api::Call&, absl::Time, AgendaItem& i) {
              i.set_outcome(AgendaItem::PENDING);
            };
            rules.check = CheckAgendaItemFields;
            rules.settle_create = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                         AgendaItem& i) { return SettleAgendaItem(ctx, key, i); };
            rules.check_write = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                       const AgendaItem& i,
                                       const std::vector<std::string>& changed) {
              return CheckAgendaItemWrite(ctx, key, i, changed);
            };
            // An item brought back changes its meeting: not once the minutes are approved.
            rules.after_write = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                       const AgendaItem* before,
                                       const AgendaItem& after) -> absl::Status {
              if (before == nullptr || !before->has_delete_time() || after.has_delete_time()) {
                return absl::OkStatus();
              }
              auto meeting = LoadMeeting(ctx.session, MeetingKey(key));
              if (!meeting.ok()) return meeting.status();
              if (meeting->state() == Meeting::MINUTES_APPROVED) return Locked(meeting->name());
              return absl::OkStatus();
            };
            rules.before_delete = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                         const AgendaItem& i, bool) -> absl::Status {
              auto meeting = LoadMeeting(ctx.session, MeetingKey(key));
              if (!meeting.ok()) return meeting.status();
              if (meeting->state() == Meeting::MINUTES_APPROVED) {
                return Locked(meeting->name());
              }
              auto decision = DecisionOf(ctx.session, i.name());
              if (!decision.ok()) return decision.status();
              if (!decision->empty()) {
                return Precondition("DECISION_EXISTS",
                                    absl::StrCat(*decision, " was taken on ", i.name(),
                                                 "; delete the decision first"),
                                    {{"decision", *decision}});
              }
              return absl::OkStatus();
            };
            return rules;
          }()),
      decisions_(
          pool,
          [this] {
            ResourceRules<Decision> rules;
            rules.table = tables_.decisions;
            rules.field = "decision";
            rules.mutable_fields = {"agenda_item", "title",    "text",      "partners",
                                    "agreements",  "projects", "volunteers"};
            rules.normalize = [](Decision& d) {
              d.set_title(std::string(absl::StripAsciiWhitespace(d.title())));
            };
            rules.check = CheckDecisionFields;
            rules.updatable = [](const Decision& current,
                                 const std::vector<std::string>& fields) -> absl::Status {
              if (api::HasPath(fields, "agenda_item")) {
                return Precondition("DECISION_SOURCE",
                                    absl::StrCat("the agenda item of ", current.name(),
                                                 " does not change; take a new decision"));
              }
              return absl::OkStatus();
            };
            rules.settle_create = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                         Decision& d) { return SettleDecision(ctx, key, d); };
            rules.check_write = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                       const Decision& d, const std::vector<std::string>& changed) {
              return CheckDecisionWrite(ctx, key, d, changed);
            };
            // A decision brought back after its minutes were approved would change them.
            rules.after_write = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                       const Decision* before,
                                       const Decision& after) -> absl::Status {
              if (before == nullptr || !before->has_delete_time() || after.has_delete_time()) {
                return absl::OkStatus();
              }
              return CheckDecisionWrite(ctx, key, after, {"title"});
            };
            rules.before_delete = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                         const Decision& d, bool force) {
              (void)force;  // a decision has no children to force
              return CheckDecisionWrite(ctx, key, d, {"title"});
            };
            return rules;
          }()),
      action_items_(
          pool,
          [this] {
            ResourceRules<ActionItem> rules;
            rules.table = tables_.action_items;
            rules.field = "action_item";
            rules.mutable_fields = {"title", "owner_member", "owner", "due_date"};
            rules.normalize = [](ActionItem& a) {
              a.set_title(std::string(absl::StripAsciiWhitespace(a.title())));
              a.set_owner(std::string(absl::StripAsciiWhitespace(a.owner())));
            };
            rules.defaults = [](const api::Call&, absl::Time, ActionItem& a) {
              a.set_state(ActionItem::OPEN);
            };
            rules.check = CheckActionItemFields;
            rules.check_record = [](const ActionItem& a, const std::vector<std::string>& known,
                                    api::FieldViolations& v) {
              if (api::HasPath(known, "owner") && api::HasPath(known, "owner_member") &&
                  a.owner().empty() && a.owner_member().empty()) {
                v.Add("action_item.owner",
                      "is required: a member of the body (owner_member) or a name (owner)");
              }
            };
            rules.check_write = [this](WriteContext&, const storage::ResourceKey& key,
                                       const ActionItem& a,
                                       const std::vector<std::string>& changed) -> absl::Status {
              if (!api::HasPath(changed, "owner_member") || a.owner_member().empty()) {
                return absl::OkStatus();
              }
              auto member =
                  tables_.members->ParseName(a.owner_member(), "action_item.owner_member");
              if (!member.ok()) return member.status();
              if (member->library_id != key.library_id ||
                  member->parents != std::vector<std::string>{key.parents.at(0)}) {
                return api::InvalidField("action_item.owner_member",
                                         "must be a member of the decision's body");
              }
              return absl::OkStatus();
            };
            rules.updatable = [](const ActionItem& current, const std::vector<std::string>&) {
              if (current.state() == ActionItem::OPEN) return absl::OkStatus();
              return ActionItemLifecycle().Wrong(current, "a change", {ActionItem::OPEN});
            };
            return rules;
          }()),
      contacts_(pool, ContactRules()),
      consents_(pool, ConsentRules()) {}

absl::Status GovernanceCore::CreateMember(const api::Call& call, const v1::CreateMemberRequest& r,
                                          Member* out) {
  if (!r.has_person_contact() && !r.has_consent()) {
    return members_.Create(call, r.parent(), r.member(), r.member_id(), r.request_id(), r, out);
  }
  // A person given here: a contact of the body's library with the consent, then the member.
  api::FieldViolations v;
  if (!r.has_person_contact()) v.Add("person_contact", "is required with consent");
  if (!r.has_consent()) {
    v.Add("consent",
          "is required with person_contact: no personal data without consent (152-FZ art. 9); "
          "give the person's consent covering GOVERNANCE");
  } else if (std::find(r.consent().purposes().begin(), r.consent().purposes().end(),
                       v1::Consent::GOVERNANCE) == r.consent().purposes().end()) {
    v.Add("consent.purposes", "must include GOVERNANCE (membership of a governance body)");
  }
  if (!r.consent().subject().empty()) {
    v.Add("consent.subject", "must be empty: the consent's subject is the new contact");
  }
  if (!r.member().person().empty()) {
    v.Add("member.person", "must be empty when the person is given (person_contact)");
  }
  auto body = tables_.members->ParseCreateParent(r.parent(), "parent");
  if (!body.ok()) v.AddFrom(body.status(), "parent");
  if (!v.empty()) return v.ToStatus();
  const absl::Time now = storage::NowMicros();
  v1::Contact contact;
  contacts_.Prepare(call, now, r.person_contact(), "", "person_contact", &contact, v);
  v1::Consent consent;
  consents_.Prepare(call, now, r.consent(), "", "consent", &consent, v);
  if (!v.empty()) return v.ToStatus();
  // The contact's id is chosen now, so that the member names it from the start.
  const std::string contact_id = api::GenerateResourceId();
  const storage::ResourceKey library(body->library_id, "");
  Member member = r.member();
  member.set_person(
      storage::ContactsTable().Name(storage::ResourceKey(body->library_id, contact_id)));
  return members_.Create(
      call, r.parent(), member, r.member_id(), r.request_id(), r, out, {}, {},
      [&](WriteContext& ctx, const storage::ResourceKey&, const Member&) -> absl::Status {
        v1::Contact created;
        absl::Status ok = contacts_.CreateIn(ctx, library, r.person_contact(), contact_id,
                                             "person_contact", &created);
        if (!ok.ok()) return ok;
        v1::Consent given = r.consent();
        given.set_subject(created.name());
        v1::Consent recorded;
        return consents_.CreateIn(ctx, library, given, "", "consent", &recorded);
      });
}

absl::Status GovernanceCore::LockBody(storage::Session& s, const storage::ResourceKey& body) {
  return s.Run([&]() -> absl::Status {
    s.Execute(absl::StrCat("UPDATE ", tables_.bodies->table(),
                           " SET composition_revision = composition_revision + 1 WHERE "
                           "library_id = ? AND id = ?"),
              body.library_id, body.id);
    return absl::OkStatus();
  });
}

absl::StatusOr<BodyRules> GovernanceCore::LoadBody(storage::Session& s,
                                                   const storage::ResourceKey& body, bool lock) {
  const storage::ResourceTable& table = *tables_.bodies;
  if (lock) {
    absl::Status ok = LockBody(s, body);
    if (!ok.ok()) return ok;
  }
  std::unique_ptr<Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(table.message())->New());
  storage::ResourceTable::Row row;
  absl::Status ok = table.Get(s, body, storage::Lock::kNone, &row, message.get());
  if (!ok.ok()) return ok;
  return RulesOf(*message);
}

absl::StatusOr<std::vector<Member>> GovernanceCore::ReadMembers(storage::Session& s,
                                                                const storage::ResourceKey& body) {
  storage::ResourceListQuery query;
  query.parent.library_id = body.library_id;
  query.parent.parents = {body.id};
  query.window.limit = 10000;
  std::deque<Member> read;
  auto rows = tables_.members->List(s, query, [&]() -> Message* {
    read.emplace_back();
    return &read.back();
  });
  if (!rows.ok()) return rows.status();
  return std::vector<Member>(read.begin(), read.end());
}

absl::Status GovernanceCore::CheckBodyWrite(WriteContext& ctx, const storage::ResourceKey& key,
                                            const Message& body) {
  if (ctx.creating) return absl::OkStatus();
  auto members = ReadMembers(ctx.session, key);
  if (!members.ok()) return members.status();
  auto zone = LibraryTimeZone(ctx.session, key.library_id);
  if (!zone.ok()) return zone.status();
  const BodyRules rules = RulesOf(body);
  // Every member still to serve against the new rules, each on its own and all together.
  const absl::CivilDay today = absl::ToCivilDay(ctx.now, *zone);
  api::FieldViolations v;
  for (const Member& m : *members) {
    if (LastDay(m) < today) continue;
    api::FieldViolations one;
    CheckMember(rules.rules, m, one);
    if (!one.empty()) {
      return Precondition("MEMBER_BREAKS_RULES",
                          absl::StrCat(m.name(), " would break the new rules: ",
                                       one.items().front().first, " ", one.items().front().second),
                          {{"member", m.name()}});
    }
  }
  return CheckComposition(rules.rules, rules.seat_count, *members, today);
}

absl::Status GovernanceCore::CheckMemberWrite(WriteContext& ctx, const storage::ResourceKey& key,
                                              const Member& member) {
  auto body = LoadBody(ctx.session, BodyKey(key), /*lock=*/true);
  if (!body.ok()) return body.status();
  api::FieldViolations v;
  CheckMember(body->rules, member, v);
  if (!v.empty()) return v.ToStatus();
  auto members = ReadMembers(ctx.session, BodyKey(key));
  if (!members.ok()) return members.status();
  const std::string name = tables_.members->Name(key);
  std::vector<Member> all;
  for (Member& m : *members) {
    if (m.name() != name) all.push_back(std::move(m));
  }
  all.push_back(member);
  all.back().set_name(name);
  return CheckComposition(body->rules, body->seat_count, all, FirstDay(member));
}

absl::Status GovernanceCore::ResyncMeetings(WriteContext& ctx,
                                            const storage::ResourceKey& member_key) {
  const storage::ResourceKey body = BodyKey(member_key);
  storage::ResourceListQuery query;
  query.parent.library_id = body.library_id;
  query.parent.parents = {body.id};
  query.condition = {"t.state IN (1, 2)", {}};
  query.window.limit = 10000;
  std::deque<Meeting> read;
  auto rows = tables_.meetings->List(ctx.session, query, [&]() -> Message* {
    read.emplace_back();
    return &read.back();
  });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::OkStatus();
  auto office = ReadOffice(ctx.session, body);
  if (!office.ok()) return office.status();
  for (size_t i = 0; i < rows->size(); ++i) {
    storage::ResourceTable::Row row;
    Meeting meeting;
    absl::Status ok =
        tables_.meetings->Get(ctx.session, (*rows)[i].key, storage::Lock::kUpdate, &row, &meeting);
    if (!ok.ok()) return ok;
    const std::vector<std::string> changed = Recount(*office, meeting);
    if (changed.empty()) continue;
    ok = meetings_.Save(ctx.session, row, meeting);
    if (ok.ok()) {
      ok = meetings_.Record(ctx, "UPDATE", row.key, meeting, changed,
                            api::FromTimestamp(meeting.update_time()));
    }
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

absl::Status GovernanceCore::SettleMeeting(WriteContext& ctx, const storage::ResourceKey& key,
                                           Meeting& meeting, bool resolve_local) {
  auto zone = LibraryTimeZone(ctx.session, key.library_id);
  if (!zone.ok()) return zone.status();
  if (resolve_local) {
    auto local = ParseLocal(meeting.local_start_time());
    if (!local) {
      return api::InvalidField("meeting.local_start_time",
                               absl::StrCat("must be \"YYYY-MM-DDTHH:MM\", got ",
                                            api::Quote(meeting.local_start_time())));
    }
    api::ToTimestamp(FromLocal(*local, *zone), meeting.mutable_start_time());
  }
  const absl::Time start = api::FromTimestamp(meeting.start_time());
  meeting.set_local_start_time(FormatLocal(start, *zone));
  ToProtoDate(absl::ToCivilDay(start, *zone), meeting.mutable_meeting_date());
  auto office = ReadOffice(ctx.session, BodyKey(key));
  if (!office.ok()) return office.status();
  Recount(*office, meeting);
  return absl::OkStatus();
}

absl::StatusOr<GovernanceCore::Office> GovernanceCore::ReadOffice(
    storage::Session& s, const storage::ResourceKey& body) {
  auto rules = LoadBody(s, body, /*lock=*/false);
  if (!rules.ok()) return rules.status();
  auto members = ReadMembers(s, body);
  if (!members.ok()) return members.status();
  return Office{std::move(rules->rules), *std::move(members)};
}

std::vector<std::string> GovernanceCore::Recount(const Office& office, Meeting& meeting) {
  const Meeting before = meeting;
  const absl::CivilDay day = Day(meeting.meeting_date());
  std::map<std::string, Meeting::Attendance> kept;
  for (const auto& a : meeting.attendance()) kept[a.member()] = a;
  google::protobuf::RepeatedPtrField<Meeting::Attendance> attendance;
  std::vector<std::string> in_office;
  for (const Member& m : office.members) {
    if (InOffice(m, day)) in_office.push_back(m.name());
  }
  std::sort(in_office.begin(), in_office.end());
  for (const std::string& name : in_office) {
    auto it = kept.find(name);
    Meeting::Attendance* a = attendance.Add();
    if (it != kept.end()) *a = it->second;
    a->set_member(name);
  }
  const Quorum quorum = ComputeQuorum(office.rules, {attendance.begin(), attendance.end()});
  *meeting.mutable_attendance() = attendance;
  meeting.set_members_in_office(quorum.in_office);
  meeting.set_present_count(quorum.present);
  meeting.set_notified_count(quorum.notified);
  meeting.set_quorum(quorum.reached);
  return api::ChangedFields(
      before, meeting,
      {"attendance", "members_in_office", "present_count", "notified_count", "quorum"});
}

absl::StatusOr<Meeting> GovernanceCore::LoadMeeting(storage::Session& s,
                                                    const storage::ResourceKey& key) {
  Meeting meeting;
  storage::ResourceTable::Row row;
  absl::Status ok = tables_.meetings->Get(s, key, storage::Lock::kNone, &row, &meeting);
  if (!ok.ok()) return ok;
  return meeting;
}

absl::Status GovernanceCore::ChangeMeeting(const api::Call& call, absl::string_view verb,
                                           absl::string_view name, absl::string_view etag,
                                           absl::string_view request_id, const Message& request,
                                           const MeetingChange& change, Meeting* out) {
  return meetings_.Change(
      call, verb, name, etag, request_id, request,
      [&](WriteContext& ctx, const storage::ResourceKey& key,
          Meeting& meeting) -> absl::StatusOr<std::vector<std::string>> {
        auto office = ReadOffice(ctx.session, BodyKey(key));
        if (!office.ok()) return office.status();
        std::vector<std::string> paths = Recount(*office, meeting);
        auto changed = change(ctx, key, meeting);
        if (!changed.ok()) return changed.status();
        // The quorum as the change left the attendance.
        std::vector<std::string> recounted = Recount(*office, meeting);
        for (const auto* more : {&*changed, &recounted}) {
          for (const std::string& p : *more) {
            if (!api::HasPath(paths, p)) paths.push_back(p);
          }
        }
        return paths;
      },
      out);
}

namespace {

// The attendance entry of `member` (INVALID_ARGUMENT on `field` when the member is not in
// office on the meeting's date).
absl::StatusOr<Meeting::Attendance*> EntryOf(Meeting& meeting, const std::string& member,
                                             const std::string& field) {
  for (auto& a : *meeting.mutable_attendance()) {
    if (a.member() == member) return &a;
  }
  return api::InvalidField(field, absl::StrCat(api::Quote(member), " is not a member in office on ",
                                               api::FormatDate(meeting.meeting_date())));
}

}  // namespace

absl::Status GovernanceCore::RecordNotices(const api::Call& call, const v1::RecordNoticesRequest& r,
                                           Meeting* out) {
  if (r.has_notice_time()) {
    absl::Status ok = api::CheckTimestamp(r.notice_time(), "notice_time");
    if (!ok.ok()) return ok;
  }
  return ChangeMeeting(
      call, "NOTIFY", r.name(), r.etag(), r.request_id(), r,
      [&](WriteContext& ctx, const storage::ResourceKey&,
          Meeting& meeting) -> absl::StatusOr<std::vector<std::string>> {
        if (meeting.state() == Meeting::MINUTES_APPROVED) return Locked(meeting.name());
        if (meeting.state() != Meeting::PLANNED) {
          return MeetingLifecycle().Wrong(meeting, "recording notices", {Meeting::PLANNED});
        }
        google::protobuf::Timestamp when;
        if (r.has_notice_time()) {
          when = r.notice_time();
        } else {
          api::ToTimestamp(ctx.now, &when);
        }
        if (r.members().empty()) {
          for (auto& a : *meeting.mutable_attendance()) *a.mutable_notice_time() = when;
        }
        for (int i = 0; i < r.members_size(); ++i) {
          auto entry = EntryOf(meeting, r.members(i), absl::StrCat("members[", i, "]"));
          if (!entry.ok()) return entry.status();
          *(*entry)->mutable_notice_time() = when;
        }
        return std::vector<std::string>{"attendance"};
      },
      out);
}

absl::Status GovernanceCore::HoldMeeting(const api::Call& call, const v1::HoldMeetingRequest& r,
                                         Meeting* out) {
  return ChangeMeeting(
      call, "HOLD", r.name(), r.etag(), r.request_id(), r,
      [&](WriteContext&, const storage::ResourceKey&,
          Meeting& meeting) -> absl::StatusOr<std::vector<std::string>> {
        if (meeting.state() == Meeting::MINUTES_APPROVED) return Locked(meeting.name());
        auto moved = MeetingLifecycle().Move(meeting, "holding", {Meeting::PLANNED}, Meeting::HELD);
        if (!moved.ok()) return moved;
        for (auto& a : *meeting.mutable_attendance()) a.set_presence(Meeting::ABSENT);
        for (int i = 0; i < r.present_size(); ++i) {
          auto entry = EntryOf(meeting, r.present(i), absl::StrCat("present[", i, "]"));
          if (!entry.ok()) return entry.status();
          (*entry)->set_presence(Meeting::PRESENT);
        }
        moved->push_back("attendance");
        return moved;
      },
      out);
}

absl::Status GovernanceCore::RecordAttendance(const api::Call& call,
                                              const v1::RecordAttendanceRequest& r, Meeting* out) {
  return ChangeMeeting(
      call, "ATTEND", r.name(), r.etag(), r.request_id(), r,
      [&](WriteContext&, const storage::ResourceKey&,
          Meeting& meeting) -> absl::StatusOr<std::vector<std::string>> {
        if (meeting.state() == Meeting::MINUTES_APPROVED) return Locked(meeting.name());
        if (meeting.state() != Meeting::HELD) {
          return MeetingLifecycle().Wrong(meeting, "recording attendance", {Meeting::HELD});
        }
        std::set<std::string> seen;
        for (const auto* list : {&r.present(), &r.absent()}) {
          const bool present = list == &r.present();
          for (int i = 0; i < list->size(); ++i) {
            const std::string field = absl::StrCat(present ? "present" : "absent", "[", i, "]");
            if (!seen.insert(list->Get(i)).second) {
              return api::InvalidField(
                  field, absl::StrCat(api::Quote(list->Get(i)), " is named more than once"));
            }
            auto entry = EntryOf(meeting, list->Get(i), field);
            if (!entry.ok()) return entry.status();
            (*entry)->set_presence(present ? Meeting::PRESENT : Meeting::ABSENT);
          }
        }
        return std::vector<std::string>{"attendance"};
      },
      out);
}

absl::Status GovernanceCore::ApproveMinutes(const api::Call& call,
                                            const v1::ApproveMinutesRequest& r, Meeting* out) {
  std::optional<storage::ResourceKey> approving;
  if (!r.approved_at().empty()) {
    auto key = tables_.meetings->ParseName(r.approved_at(), "approved_at");
    if (!key.ok()) return key.status();
    approving = *key;
  }
  return ChangeMeeting(
      call, "APPROVE_MINUTES", r.name(), r.etag(), r.request_id(), r,
      [&](WriteContext& ctx, const storage::ResourceKey& key,
          Meeting& meeting) -> absl::StatusOr<std::vector<std::string>> {
        if (meeting.state() == Meeting::MINUTES_APPROVED) return Locked(meeting.name());
        auto moved = MeetingLifecycle().Move(meeting, "approving the minutes", {Meeting::HELD},
                                             Meeting::MINUTES_APPROVED);
        if (!moved.ok()) return moved;
        if (meeting.minutes().empty()) {
          return Precondition("MINUTES_EMPTY", absl::StrCat(meeting.name(),
                                                            " has no minutes yet: write them first "
                                                            "(UpdateMeeting, minutes)"));
        }
        if (approving) {
          if (approving->library_id != key.library_id || approving->parents != key.parents ||
              approving->id == key.id) {
            return api::InvalidField("approved_at", "must be another meeting of the same body");
          }
          auto later = LoadMeeting(ctx.session, *approving);
          if (!later.ok()) return later.status();
          if (Day(later->meeting_date()) < Day(meeting.meeting_date()) ||
              later->state() == Meeting::PLANNED || later->has_delete_time()) {
            return Precondition(
                "APPROVING_MEETING",
                absl::StrCat(later->name(), " must be a later meeting of the body, held"),
                {{"meeting", later->name()}});
          }
          meeting.set_minutes_approved_at(later->name());
          moved->push_back("minutes_approved_at");
        }
        api::ToTimestamp(ctx.now, meeting.mutable_minutes_approve_time());
        moved->push_back("minutes_approve_time");
        return moved;
      },
      out);
}

absl::Status GovernanceCore::AmendMinutes(const api::Call& call, const v1::AmendMinutesRequest& r,
                                          Meeting* out) {
  api::FieldViolations v;
  api::CheckText(v, "text", r.text(), kMaxText, true, true);
  auto item_key = tables_.agenda_items->ParseName(r.agenda_item(), "agenda_item");
  if (!item_key.ok()) v.AddFrom(item_key.status(), "agenda_item");
  if (!v.empty()) return v.ToStatus();
  return meetings_.Change(
      call, "AMEND_MINUTES", r.name(), r.etag(), r.request_id(), r,
      [&](WriteContext& ctx, const storage::ResourceKey& key,
          Meeting& meeting) -> absl::StatusOr<std::vector<std::string>> {
        if (meeting.state() != Meeting::MINUTES_APPROVED) {
          return MeetingLifecycle().Wrong(meeting, "an amendment", {Meeting::MINUTES_APPROVED});
        }
        if (item_key->library_id != key.library_id ||
            item_key->parents.at(0) != key.parents.at(0)) {
          return api::InvalidField("agenda_item", "must be an agenda item of the same body");
        }
        AgendaItem item;
        storage::ResourceTable::Row row;
        absl::Status ok =
            tables_.agenda_items->Get(ctx.session, *item_key, storage::Lock::kShare, &row, &item);
        if (!ok.ok()) return ok;
        auto later = LoadMeeting(ctx.session, MeetingKey(*item_key));
        if (!later.ok()) return later.status();
        if (item.has_delete_time() || item.amends_meeting() != meeting.name() ||
            item.outcome() != AgendaItem::ADOPTED || later->name() == meeting.name() ||
            Day(later->meeting_date()) < Day(meeting.meeting_date())) {
          return Precondition("AMENDMENT_NOT_APPROVED",
                              absl::StrCat(item.name(),
                                           " must be an adopted item of a later meeting whose "
                                           "amends_meeting is ",
                                           meeting.name()),
                              {{"agenda_item", item.name()}});
        }
        for (const auto& a : meeting.amendments()) {
          if (a.agenda_item() == item.name()) {
            return api::Error(absl::StatusCode::kAlreadyExists, "AMENDMENT_EXISTS",
                              absl::StrCat(item.name(), " already amended ", meeting.name()),
                              {{"agenda_item", item.name()}});
          }
        }
        Meeting::Amendment* amendment = meeting.add_amendments();
        amendment->set_text(r.text());
        amendment->set_agenda_item(item.name());
        api::ToTimestamp(ctx.now, amendment->mutable_approve_time());
        return std::vector<std::string>{"amendments"};
      },
      out);
}

absl::Status GovernanceCore::SettleAgendaItem(WriteContext& ctx, const storage::ResourceKey& key,
                                              AgendaItem& item) {
  if (item.question_kind().empty()) {
    auto body = LoadBody(ctx.session, BodyKey(key), false);
    if (!body.ok()) return body.status();
    if (body->rules.question_kinds_size() > 0) {
      item.set_question_kind(body->rules.question_kinds(0).question_kind());
    }
  }
  if (item.position() == 0) {
    const storage::ResourceKey meeting = MeetingKey(key);
    return ctx.session.Run([&]() -> absl::Status {
      auto rs = ctx.session.Query(
          absl::StrCat("SELECT COALESCE(MAX(position), 0) FROM ", tables_.agenda_items->table(),
                       " WHERE library_id = ? AND body_id = ? AND meeting_id = ? AND "
                       "delete_time IS NULL"),
          meeting.library_id, meeting.parents.at(0), meeting.id);
      item.set_position(rs->next() ? rs->getInt(1) + 1 : 1);
      return absl::OkStatus();
    });
  }
  return absl::OkStatus();
}

absl::Status GovernanceCore::CheckAgendaItemWrite(WriteContext& ctx,
                                                  const storage::ResourceKey& key,
                                                  const AgendaItem& item,
                                                  const std::vector<std::string>& changed) {
  auto meeting = LoadMeeting(ctx.session, MeetingKey(key));
  if (!meeting.ok()) return meeting.status();
  if (meeting->state() == Meeting::MINUTES_APPROVED) return Locked(meeting->name());
  if (api::HasPath(changed, "question_kind")) {
    auto body = LoadBody(ctx.session, BodyKey(key), false);
    if (!body.ok()) return body.status();
    bool known = false;
    std::vector<std::string> kinds;
    for (const auto& k : body->rules.question_kinds()) {
      kinds.push_back(k.question_kind());
      known = known || k.question_kind() == item.question_kind();
    }
    if (!known) {
      return api::InvalidField(
          "agenda_item.question_kind",
          absl::StrCat("must be one of the body's question kinds (", absl::StrJoin(kinds, ", "),
                       "), got ", api::Quote(item.question_kind())));
    }
    if (!ctx.creating && item.votes_size() > 0) {
      return Precondition("VOTES_RECORDED",
                          absl::StrCat("the vote on ", item.name(),
                                       " is recorded; its question kind no longer changes"));
    }
  }
  if (api::HasPath(changed, "amends_meeting") && !item.amends_meeting().empty()) {
    auto amended = tables_.meetings->ParseName(item.amends_meeting(), "agenda_item.amends_meeting");
    if (!amended.ok()) return amended.status();
    if (amended->parents != std::vector<std::string>{key.parents.at(0)} ||
        amended->id == key.parents.at(1)) {
      return api::InvalidField("agenda_item.amends_meeting",
                               "must be an earlier meeting of the same body");
    }
    auto earlier = LoadMeeting(ctx.session, *amended);
    if (!earlier.ok()) return earlier.status();
    if (earlier->state() != Meeting::MINUTES_APPROVED) {
      return Precondition("MINUTES_NOT_APPROVED",
                          absl::StrCat("the minutes of ", earlier->name(),
                                       " are not approved yet: change them directly"),
                          {{"meeting", earlier->name()}});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GovernanceCore::DecisionOf(storage::Session& s,
                                                       const std::string& item) {
  return s.Run([&]() -> absl::StatusOr<std::string> {
    auto rs = s.Query(absl::StrCat("SELECT library_id, body_id, id FROM ",
                                   tables_.decisions->table(), " WHERE live_item = ?"),
                      item);
    if (!rs->next()) return std::string();
    return tables_.decisions->Name(
        storage::ResourceKey(rs->getString(1), rs->getString(3), {std::string(rs->getString(2))}));
  });
}

absl::Status GovernanceCore::RecordVotes(const api::Call& call, const v1::RecordVotesRequest& r,
                                         AgendaItem* out) {
  api::FieldViolations v;
  api::CheckText(v, "motion", r.motion(), kMaxText, true, true);
  if (!v.empty()) return v.ToStatus();
  return agenda_items_.Change(
      call, "VOTE", r.name(), r.etag(), r.request_id(), r,
      [&](WriteContext& ctx, const storage::ResourceKey& key,
          AgendaItem& item) -> absl::StatusOr<std::vector<std::string>> {
        auto meeting = LoadMeeting(ctx.session, MeetingKey(key));
        if (!meeting.ok()) return meeting.status();
        if (meeting->state() == Meeting::MINUTES_APPROVED) return Locked(meeting->name());
        if (meeting->state() != Meeting::HELD) {
          return MeetingLifecycle().Wrong(*meeting, "a vote", {Meeting::HELD});
        }
        if (!meeting->quorum()) {
          return Precondition(
              "NO_QUORUM",
              absl::StrCat(meeting->name(), " has no quorum: ", meeting->present_count(), " of ",
                           meeting->members_in_office(), " present, ", meeting->notified_count(),
                           " notified"),
              {{"meeting", meeting->name()}});
        }
        auto decision = DecisionOf(ctx.session, item.name());
        if (!decision.ok()) return decision.status();
        if (!decision->empty()) {
          return Precondition("DECISION_EXISTS",
                              absl::StrCat(*decision,
                                           " was taken on this vote; delete it to "
                                           "record the vote again"),
                              {{"decision", *decision}});
        }
        auto office = ReadOffice(ctx.session, BodyKey(key));
        if (!office.ok()) return office.status();
        const std::vector<std::string> present = Present(*meeting);
        std::string chair;
        for (const Member& m : office->members) {
          if (m.role() == Member::CHAIR && InOffice(m, Day(meeting->meeting_date())) &&
              std::find(present.begin(), present.end(), m.name()) != present.end()) {
            chair = m.name();
          }
        }
        std::vector<v1::Vote> votes(r.votes().begin(), r.votes().end());
        AgendaItem tallied = item;
        absl::Status ok = Tally(office->rules, item.question_kind(), meeting->members_in_office(),
                                present, chair, votes, &tallied);
        if (!ok.ok()) return ok;
        item = tallied;
        item.set_motion(r.motion());
        *item.mutable_votes() = {votes.begin(), votes.end()};
        return std::vector<std::string>{"motion",        "votes",        "outcome",
                                        "yes_count",     "no_count",     "abstain_count",
                                        "recused_count", "base",         "required_yes",
                                        "casting_vote",  "decision_rule"};
      },
      out);
}

absl::Status GovernanceCore::SettleDecision(WriteContext& ctx, const storage::ResourceKey& key,
                                            Decision& decision) {
  auto item_key = tables_.agenda_items->ParseName(decision.agenda_item(), "decision.agenda_item");
  if (!item_key.ok()) return item_key.status();
  if (item_key->library_id != key.library_id || item_key->parents.at(0) != key.parents.at(0)) {
    return api::InvalidField("decision.agenda_item", "must be an agenda item of the same body");
  }
  AgendaItem item;
  storage::ResourceTable::Row row;
  absl::Status ok =
      tables_.agenda_items->Get(ctx.session, *item_key, storage::Lock::kShare, &row, &item);
  if (ok.code() == absl::StatusCode::kNotFound) {
    return api::InvalidField("decision.agenda_item",
                             absl::StrCat(decision.agenda_item(), " does not exist"));
  }
  if (!ok.ok()) return ok;
  if (item.outcome() != AgendaItem::ADOPTED || item.has_delete_time()) {
    return Precondition(
        "MOTION_NOT_ADOPTED",
        absl::StrCat("the motion of ", item.name(), " is ",
                     item.has_delete_time() ? "deleted" : AgendaItem::Outcome_Name(item.outcome()),
                     "; a decision comes from an adopted motion"),
        {{"agenda_item", item.name()}});
  }
  auto taken = DecisionOf(ctx.session, item.name());
  if (!taken.ok()) return taken.status();
  if (!taken->empty()) {
    return api::Error(absl::StatusCode::kAlreadyExists, "DECISION_EXISTS",
                      absl::StrCat(*taken, " was already taken on ", item.name()),
                      {{"decision", *taken}});
  }
  auto meeting = LoadMeeting(ctx.session, MeetingKey(*item_key));
  if (!meeting.ok()) return meeting.status();
  decision.set_meeting(meeting->name());
  *decision.mutable_decision_date() = meeting->meeting_date();
  if (decision.text().empty()) decision.set_text(item.motion());
  if (decision.partners().empty() && decision.agreements().empty() && decision.projects().empty() &&
      decision.volunteers().empty()) {
    *decision.mutable_partners() = item.partners();
    *decision.mutable_agreements() = item.agreements();
    *decision.mutable_projects() = item.projects();
    *decision.mutable_volunteers() = item.volunteers();
  }
  return absl::OkStatus();
}

absl::Status GovernanceCore::CheckDecisionWrite(WriteContext& ctx, const storage::ResourceKey& key,
                                                const Decision& decision,
                                                const std::vector<std::string>& changed) {
  if (ctx.creating) return absl::OkStatus();
  if (!api::HasPath(changed, "title") && !api::HasPath(changed, "text")) return absl::OkStatus();
  auto meeting_key = tables_.meetings->ParseName(decision.meeting(), "decision.meeting");
  if (!meeting_key.ok()) return meeting_key.status();
  auto meeting = LoadMeeting(ctx.session, *meeting_key);
  if (!meeting.ok()) return meeting.status();
  if (meeting->state() == Meeting::MINUTES_APPROVED) return Locked(meeting->name());
  (void)key;
  return absl::OkStatus();
}

absl::Status GovernanceCore::MoveActionItem(const api::Call& call, absl::string_view verb,
                                            absl::string_view name, absl::string_view etag,
                                            const std::string& reason, absl::string_view request_id,
                                            const Message& request, ActionItem* out) {
  api::FieldViolations v;
  api::CheckText(v, "reason", reason, kMaxReason, false, true);
  if (!v.empty()) return v.ToStatus();
  const bool done = verb == "COMPLETE";
  return action_items_.Change(
      call, verb, name, etag, request_id, request,
      [&](WriteContext& ctx, const storage::ResourceKey&,
          ActionItem& item) -> absl::StatusOr<std::vector<std::string>> {
        auto moved =
            ActionItemLifecycle().Move(item, done ? "completion" : "dropping", {ActionItem::OPEN},
                                       done ? ActionItem::DONE : ActionItem::DROPPED);
        if (!moved.ok()) return moved;
        item.set_state_reason(reason);
        api::ToTimestamp(ctx.now, item.mutable_state_time());
        moved->push_back("state_reason");
        moved->push_back("state_time");
        return moved;
      },
      out);
}

absl::Status GovernanceCore::WithinSubtree(absl::string_view parent, absl::string_view below,
                                           ListArgs& args, std::string& list_parent) const {
  const std::string library = parent == "libraries/-" ? "-" : std::string(api::LibraryIdOf(parent));
  if (library.empty() || (library != "-" && parent != api::LibraryName(library))) {
    return api::InvalidField("parent",
                             absl::StrCat("must be \"libraries/{library}\" (its subtree) or "
                                          "\"libraries/-\", got ",
                                          api::Quote(parent)));
  }
  list_parent = absl::StrCat("libraries/-/", tables_.bodies->collection_path(), "/-", below);
  if (library != "-") args.WithinSubtree(library);
  return absl::OkStatus();
}

absl::Status GovernanceCore::ListExpiringTerms(const api::Call& call,
                                               const v1::ListExpiringTermsRequest& r,
                                               v1::ListMembersResponse* out) {
  int within = r.within_days() == 0 ? kDefaultExpiringDays : r.within_days();
  if (within < 0 || within > kMaxExpiringDays) {
    return api::InvalidField("within_days", absl::StrCat("must be 1-", kMaxExpiringDays,
                                                         " (0: ", kDefaultExpiringDays, ")"));
  }
  ListArgs args;
  args.method = "ListExpiringTerms";
  args.page_size = r.page_size();
  args.page_token = r.page_token();
  args.order_by = "term_end_date";
  args.condition = storage::due::TermsExpiringWithin(within);
  std::string parent;
  absl::Status ok = WithinSubtree(r.parent(), "", args, parent);
  if (!ok.ok()) return ok;
  args.parent = parent;
  args.context = absl::StrCat("within_days=", within, "|library=", r.parent());
  return members_.List(call, args, out->mutable_members(), out->mutable_next_page_token());
}

absl::Status GovernanceCore::ListOverdueActionItems(const api::Call& call,
                                                    const v1::ListOverdueActionItemsRequest& r,
                                                    v1::ListActionItemsResponse* out) {
  ListArgs args;
  args.method = "ListOverdueActionItems";
  args.page_size = r.page_size();
  args.page_token = r.page_token();
  args.order_by = "due_date";
  args.condition = storage::due::ActionItemsOverdue();
  std::string parent;
  absl::Status ok = WithinSubtree(r.parent(), "/decisions/-", args, parent);
  if (!ok.ok()) return ok;
  args.parent = parent;
  args.context = absl::StrCat("library=", r.parent());
  return action_items_.List(call, args, out->mutable_action_items(),
                            out->mutable_next_page_token());
}

}  // namespace allies::services::governance
