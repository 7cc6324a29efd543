#include "clients/alliesctl/governance.h"

#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "allies/v1/reader_council.grpc.pb.h"
#include "allies/v1/supervisory_board.grpc.pb.h"
#include "clients/alliesctl/consents.h"
#include "clients/alliesctl/libraries.h"
#include "google/protobuf/util/json_util.h"

namespace allies::ctl {
namespace {

using allies::v1::ActionItem;
using allies::v1::AgendaItem;
using allies::v1::Decision;
using allies::v1::GovernanceRules;
using allies::v1::Meeting;
using allies::v1::Member;
using allies::v1::ReaderCouncil;
using allies::v1::SupervisoryBoard;
using allies::v1::Vote;

// The collections below a body, as its resource names have them.
constexpr char kMembers[] = "members";
constexpr char kMeetings[] = "meetings";
constexpr char kDecisions[] = "decisions";

// The words of one kind of body in help texts and in its commands.
struct BodyWords {
  std::string resource;    // "boards": the command word.
  std::string collection;  // "supervisoryBoards": the collection in names.
  std::string noun;        // "board".
  std::string example_id;  // "b".
  // "libraries/x/supervisoryBoards/b": an example of a body's name.
  std::string Example() const { return absl::StrCat("libraries/x/", collection, "/", example_id); }
  // "boards", "reader councils".
  std::string Plural() const { return absl::StrCat(noun, "s"); }
};

std::string YesNo(bool value) { return value ? "yes" : "no"; }

// The text of FILE, or of stdin for "-".
absl::StatusOr<std::string> ReadFileFlag(absl::string_view flag, const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read ", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read ", path));
  return text;
}

// Each member named by --`flag` (repeatable or comma-separated), as a name under `body`.
std::vector<std::string> MembersOf(const ParsedArgs& args, absl::string_view flag,
                                   absl::string_view body) {
  std::vector<std::string> names;
  for (const std::string& word : args.GetList(flag)) {
    names.push_back(NameUnderBody(body, kMembers, word));
  }
  return names;
}

// A required text flag: given and not blank.
absl::StatusOr<std::string> RequiredText(const ParsedArgs& args, absl::string_view flag,
                                         absl::string_view what) {
  std::optional<std::string> value = args.Get(flag);
  if (!value.has_value() || absl::StripAsciiWhitespace(*value).empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " is required: ", what));
  }
  return *value;
}

// A FieldFlag::set for the identifiers of the rules (seat kinds, question kinds: upper-case
// Latin letters, digits and '_'), written in any case: "public" is PUBLIC.
std::function<absl::Status(const ParsedArgs& args, google::protobuf::Message* resource)>
UpperCaseSetter(std::string flag, std::string field) {
  return [flag = std::move(flag), field = std::move(field)](
             const ParsedArgs& args, google::protobuf::Message* resource) -> absl::Status {
    const google::protobuf::FieldDescriptor* descriptor =
        resource->GetDescriptor()->FindFieldByName(field);
    if (descriptor == nullptr) {
      return absl::InternalError(
          absl::StrCat(resource->GetDescriptor()->full_name(), " has no field ", field));
    }
    resource->GetReflection()->SetString(
        resource, descriptor,
        absl::AsciiStrToUpper(absl::StripAsciiWhitespace(args.Get(flag).value_or(""))));
    return absl::OkStatus();
  };
}

// ---- The body's fields and rules ----

std::vector<FieldFlag> BodyFieldFlags(bool board) {
  std::vector<FieldFlag> fields = {
      {"display-name", "display_name", "NAME",
       board ? "what it is called, e.g. \"Наблюдательный совет ЦБС\" (at most 300 characters)"
             : "what it is called, e.g. \"Читательский совет\" (at most 300 characters)",
       /*required=*/true},
      {"description", "description", "TEXT", "details (at most 10000 characters)"},
      {"seat-count", "seat_count", "N",
       "the seats the founder set, within the rules' --min-size and --max-size",
       /*required=*/true},
      {"established-date", "established_date", "DATE", "when it was established, YYYY-MM-DD"},
      {"regulation", "regulation", "TEXT",
       "the act that established it or approved its regulation (at most 500 characters)"},
  };
  if (board) {
    fields.insert(fields.begin() + 1,
                  {"kind", "kind", "KIND",
                   "SUPERVISORY (наблюдательный совет, 174-FZ; the default) or TRUSTEE "
                   "(попечительский совет); decides the default preset"});
  }
  return fields;
}

const std::vector<FieldFlag>& ReaderCouncilFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>(BodyFieldFlags(false));
  return *fields;
}

const std::vector<FieldFlag>& SupervisoryBoardFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>(BodyFieldFlags(true));
  return *fields;
}

// The numbers of GovernanceRules that flags set.
struct RulesNumber {
  const char* flag;
  const char* value_name;
  const char* help;
  void (GovernanceRules::*set)(int32_t);
};

const std::vector<RulesNumber>& RulesNumbers() {
  static const auto* const numbers = new std::vector<RulesNumber>{
      {"min-size", "N", "the fewest seats, 1-100", &GovernanceRules::set_min_size},
      {"max-size", "N", "the most seats, --min-size-100", &GovernanceRules::set_max_size},
      {"max-term-months", "MONTHS", "the longest term of a member, 1-600 months",
       &GovernanceRules::set_max_term_months},
      {"meetings-per-year", "N", "the meetings the body must hold a year, 1-52",
       &GovernanceRules::set_meetings_per_year},
  };
  return *numbers;
}

std::vector<FlagSpec> RulesFlagSpecs() {
  std::vector<FlagSpec> flags = {
      {"preset", '\0', true, "PRESET",
       absl::StrCat("the preset the rules start from: ",
                    EnumValueNames(*GovernanceRules::Preset_descriptor()),
                    " (default: the body's own); on update it replaces the rules")},
      {"rules-file", '\0', true, "FILE",
       "the rules as JSON (GovernanceRules, or a body as 'get -o json' prints it; - for "
       "stdin): seat kinds, question kinds, positions, every number"},
  };
  for (const RulesNumber& number : RulesNumbers()) {
    flags.push_back({number.flag, '\0', true, number.value_name, number.help});
  }
  flags.push_back({"quorum", '\0', true, "SHARE",
                   "the members in office who must be present: >1/2 (more than half), 2/3 (at "
                   "least two thirds)"});
  flags.push_back({"quorum-all-notified", '\0', false, "",
                   "the quorum also needs every member in office notified (174-FZ); "
                   "--quorum-all-notified=false turns it off"});
  return flags;
}

constexpr const char* kRulesFlags[] = {"preset",   "rules-file",         "min-size",
                                       "max-size", "max-term-months",    "meetings-per-year",
                                       "quorum",   "quorum-all-notified"};

constexpr char kRulesDetails[] =
    "Rules: the body's rules start from a preset (SUPERVISORY_174FZ for a supervisory board,\n"
    "TRUSTEE for a trustee board, READER_COUNCIL for a reader council; --preset picks\n"
    "another), each number replaceable by a flag; --rules-file sets everything else (seat\n"
    "kinds and their caps, question kinds and their decision rules, ineligible positions)\n"
    "as JSON, e.g. {\"minSize\": 7, \"maxSize\": 15} or what 'get -o json' prints. Rules\n"
    "given in part fill from the preset (0 there means \"the preset's\"); whole rules (update,\n"
    "or a complete --rules-file) are taken as they are, so 0 lifts a limit there.\n";

// GovernanceRules from JSON: the rules themselves, or a body holding them.
absl::StatusOr<GovernanceRules> ParseRulesJson(const std::string& text,
                                               const google::protobuf::Message* body_prototype) {
  GovernanceRules rules;
  google::protobuf::util::JsonParseOptions options;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &rules, options);
  if (status.ok()) return rules;
  if (body_prototype != nullptr) {
    std::unique_ptr<google::protobuf::Message> body(body_prototype->New());
    if (google::protobuf::util::JsonStringToMessage(text, body.get(), options).ok()) {
      const google::protobuf::FieldDescriptor* field =
          body->GetDescriptor()->FindFieldByName("rules");
      if (field != nullptr && body->GetReflection()->HasField(*body, field)) {
        rules.CopyFrom(body->GetReflection()->GetMessage(*body, field));
        return rules;
      }
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--rules-file: expected the rules as JSON, e.g. {\"minSize\": 7, "
                   "\"quorumShare\": {\"numerator\": 1, \"denominator\": 2}}: ",
                   std::string(status.message())));
}

// ---- Tables ----

template <typename Body, bool kHasKind>
const Columns<Body>& BodyColumns() {
  static const auto* const columns = [] {
    std::vector<std::string> headers = {"NAME",      "DISPLAY NAME", "SEATS",    "MEMBERS",
                                        "VACANCIES", "HELD",         "REQUIRED", "BEHIND"};
    if (kHasKind) headers.insert(headers.begin() + 2, "KIND");
    return new Columns<Body>{
        headers, [](const Body& body) -> std::vector<std::string> {
          std::vector<std::string> row = {body.name(),
                                          OrNone(body.display_name()),
                                          absl::StrCat(body.seat_count()),
                                          absl::StrCat(body.member_count()),
                                          absl::StrCat(body.vacancies()),
                                          absl::StrCat(body.meetings_held_this_year()),
                                          absl::StrCat(body.meetings_required_to_date()),
                                          YesNo(body.behind_schedule())};
          if constexpr (kHasKind) {
            row.insert(row.begin() + 2, EnumName(*Body::Kind_descriptor(), body.kind()));
          }
          return row;
        }};
  }();
  return *columns;
}

const Columns<Member>& MemberColumns() {
  static const auto* const columns = new Columns<Member>{
      {"NAME", "DISPLAY NAME", "SEAT KIND", "ROLE", "TERM START", "TERM END", "IN OFFICE"},
      [](const Member& member) -> std::vector<std::string> {
        return {member.name(),
                OrNone(member.display_name()),
                OrNone(member.seat_kind()),
                EnumName(*Member::Role_descriptor(), member.role()),
                OrNone(FormatDate(member.term_start_date())),
                OrNone(FormatDate(member.term_end_date())),
                YesNo(member.in_office())};
      }};
  return *columns;
}

const Columns<Meeting>& MeetingColumns() {
  static const auto* const columns = new Columns<Meeting>{
      {"NAME", "TITLE", "START", "STATE", "PRESENT", "NOTIFIED", "QUORUM"},
      [](const Meeting& meeting) -> std::vector<std::string> {
        // The library's local time when the server gave it (it does), else UTC.
        const std::string start = meeting.local_start_time().empty()
                                      ? FormatTimestamp(meeting.start_time())
                                      : meeting.local_start_time();
        return {meeting.name(),
                OrNone(meeting.title()),
                OrNone(start),
                EnumName(*Meeting::State_descriptor(), meeting.state()),
                absl::StrCat(meeting.present_count(), "/", meeting.members_in_office()),
                absl::StrCat(meeting.notified_count(), "/", meeting.members_in_office()),
                YesNo(meeting.quorum())};
      }};
  return *columns;
}

const Columns<AgendaItem>& AgendaItemColumns() {
  static const auto* const columns = new Columns<AgendaItem>{
      {"NAME", "#", "TITLE", "KIND", "OUTCOME", "YES", "NO", "ABSTAIN", "RECUSED", "NEEDED"},
      [](const AgendaItem& item) -> std::vector<std::string> {
        std::string needed;
        if (item.outcome() == AgendaItem::ADOPTED || item.outcome() == AgendaItem::REJECTED) {
          needed = absl::StrCat(item.required_yes(), " of ", item.base(),
                                item.casting_vote() ? ", chair's casting vote" : "");
        }
        return {item.name(),
                absl::StrCat(item.position()),
                OrNone(item.title()),
                OrNone(item.question_kind()),
                EnumName(*AgendaItem::Outcome_descriptor(), item.outcome()),
                absl::StrCat(item.yes_count()),
                absl::StrCat(item.no_count()),
                absl::StrCat(item.abstain_count()),
                absl::StrCat(item.recused_count()),
                OrNone(needed)};
      }};
  return *columns;
}

const Columns<Decision>& DecisionColumns() {
  static const auto* const columns =
      new Columns<Decision>{{"NAME", "DATE", "TITLE", "MINUTES APPROVED", "OPEN", "OVERDUE"},
                            [](const Decision& decision) -> std::vector<std::string> {
                              return {decision.name(),
                                      OrNone(FormatDate(decision.decision_date())),
                                      OrNone(decision.title()),
                                      YesNo(decision.minutes_approved()),
                                      absl::StrCat(decision.open_action_items()),
                                      absl::StrCat(decision.overdue_action_items())};
                            }};
  return *columns;
}

const Columns<ActionItem>& ActionItemColumns() {
  static const auto* const columns = new Columns<ActionItem>{
      {"NAME", "TITLE", "OWNER", "DUE", "STATE", "OVERDUE"},
      [](const ActionItem& item) -> std::vector<std::string> {
        return {item.name(),
                OrNone(item.title()),
                OrNone(item.owner_member().empty() ? item.owner() : item.owner_member()),
                OrNone(FormatDate(item.due_date())),
                EnumName(*ActionItem::State_descriptor(), item.state()),
                YesNo(item.overdue())};
      }};
  return *columns;
}

// ---- The fields below the body ----

const std::vector<FieldFlag>& MemberFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"person", "person", "PERSON",
       "who: a contact or a volunteer of the body's library (libraries/x/contacts/c, "
       "libraries/x/volunteers/v); their personal data stay there. Or give the person here: "
       "--family-name, --given-name, ... with their consent (--consent-purpose GOVERNANCE, "
       "--consent-method, ...)"},
      {"seat-kind", "seat_kind", "SEAT",
       "one of the rules' seat kinds, e.g. PUBLIC, STATE, EMPLOYEE (boards), READER (councils); "
       "any case",
       /*required=*/true, UpperCaseSetter("seat-kind", "seat_kind")},
      {"role", "role", "ROLE",
       absl::StrCat(EnumValueNames(*Member::Role_descriptor()), " (default MEMBER)")},
      {"staff-position", "staff_position", "POSITION",
       absl::StrCat("their position at the library: ",
                    EnumValueNames(*allies::v1::StaffPosition_descriptor()),
                    " (default NOT_STAFF)")},
      {"term-start-date", "term_start_date", "DATE", "the first day of the term, YYYY-MM-DD",
       /*required=*/true},
      {"term-end-date", "term_end_date", "DATE",
       "the last day of the term, YYYY-MM-DD (required when the rules limit terms)"},
      {"end-date", "end_date", "DATE",
       "an early end: the last day in office, YYYY-MM-DD (with --end-reason)"},
      {"end-reason", "end_reason", "REASON",
       absl::StrCat("why the term ended early: ", EnumValueNames(*Member::EndReason_descriptor()))},
      {"appointment-act", "appointment_act", "TEXT",
       "the act that appointed the member, e.g. \"Приказ № 17\" (at most 500 characters)"},
  };
  return *fields;
}

// A person given with a member (CreateMemberRequest.person_contact).
const std::vector<FieldFlag>& PersonContactFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"family-name", "family_name", "NAME",
       "a person given here instead of --person: their family name (recorded as a contact of "
       "the body's library, with the consent given by the --consent-* flags)"},
      {"given-name", "given_name", "NAME", "their given name"},
      {"patronymic", "patronymic", "NAME", "their patronymic"},
      {"email", "emails", "EMAIL", "their e-mail; repeatable or comma-separated"},
      {"phone", "phones", "PHONE", "their phone; repeatable or comma-separated"},
  };
  return *fields;
}

absl::Status SetMeetingStart(const ParsedArgs& args, google::protobuf::Message* message) {
  absl::StatusOr<LocalOrInstant> start = ParseLocalOrInstantFlag("start", *args.Get("start"));
  if (!start.ok()) return start.status();
  auto* meeting = static_cast<Meeting*>(message);
  if (start->instant.has_value()) {
    *meeting->mutable_start_time() = *start->instant;
    meeting->clear_local_start_time();
  } else {
    meeting->set_local_start_time(start->local);
    meeting->clear_start_time();
  }
  return absl::OkStatus();
}

std::vector<FieldFlag> MeetingFieldFlags(bool update) {
  std::vector<FieldFlag> fields = {
      {"title", "title", "TITLE",
       "what it is, e.g. \"Заседание за I квартал\" (at most 300 characters)",
       /*required=*/true},
      {"start", "start_time", "TIME",
       "when it starts: the library's local time YYYY-MM-DDTHH:MM (e.g. 2031-03-10T18:30), or "
       "RFC 3339 with a zone (2031-03-10T18:30:00+03:00, ...Z); its local date decides who is "
       "in office",
       /*required=*/true, SetMeetingStart},
      {"place", "place", "TEXT", "where (at most 500 characters)"},
      {"online-url", "online_url", "URL", "a link for an online meeting (http or https)"},
  };
  if (update) {
    fields.push_back({"minutes", "minutes", "TEXT",
                      "the minutes' text, while HELD (at most 100000 characters)"});
    fields.push_back({"minutes-file", "minutes", "FILE",
                      "the minutes from a UTF-8 text file (- for stdin), instead of --minutes",
                      /*required=*/false,
                      [](const ParsedArgs& args, google::protobuf::Message* meeting) {
                        absl::StatusOr<std::string> text =
                            ReadFileFlag("minutes-file", *args.Get("minutes-file"));
                        if (!text.ok()) return text.status();
                        static_cast<Meeting*>(meeting)->set_minutes(*text);
                        return absl::OkStatus();
                      }});
  }
  return fields;
}

const std::vector<FieldFlag>& CreateMeetingFields() {
  static const auto* const fields = new std::vector<FieldFlag>(MeetingFieldFlags(false));
  return *fields;
}

const std::vector<FieldFlag>& UpdateMeetingFields() {
  static const auto* const fields = new std::vector<FieldFlag>(MeetingFieldFlags(true));
  return *fields;
}

// What an agenda item or a decision concerns.
std::vector<FieldFlag> LinkFieldFlags(absl::string_view what) {
  const auto help = [what](absl::string_view noun, absl::string_view example) {
    return absl::StrCat("a ", noun, " the ", what, " concerns, ", example,
                        " of the same library; repeatable or comma-separated (\"\" clears)");
  };
  return {
      {"partner", "partners", "PARTNER", help("partner", "libraries/x/partners/p")},
      {"agreement", "agreements", "AGREEMENT", help("agreement", "libraries/x/agreements/a")},
      {"project", "projects", "PROJECT", help("project", "libraries/x/projects/p")},
      {"volunteer", "volunteers", "VOLUNTEER", help("volunteer", "libraries/x/volunteers/v")},
  };
}

const std::vector<FieldFlag>& AgendaItemFieldFlags() {
  static const auto* const fields = [] {
    auto* fields = new std::vector<FieldFlag>{
        {"title", "title", "TITLE",
         "the question, e.g. \"О сделке с ООО «Книжный дом»\" (at most 500 characters)",
         /*required=*/true},
        {"position", "position", "N", "its place on the agenda, 1-1000 (default: after the last)"},
        {"question-kind", "question_kind", "KIND",
         "one of the rules' question kinds, which decides the vote's rule, e.g. GENERAL, "
         "PROCEDURAL, MAJOR_DEAL, INTERESTED_PARTY_DEAL, in any case (default: the rules' "
         "first)",
         /*required=*/false, UpperCaseSetter("question-kind", "question_kind")},
        {"description", "description", "TEXT", "details (at most 10000 characters)"},
        {"amends-meeting", "amends_meeting", "MEETING",
         "an item approving a correction of an earlier meeting's approved minutes: that "
         "meeting (its id, or its name)"},
    };
    for (FieldFlag& link : LinkFieldFlags("item")) fields->push_back(std::move(link));
    return fields;
  }();
  return *fields;
}

const std::vector<FieldFlag>& DecisionFieldFlags() {
  static const auto* const fields = [] {
    auto* fields = new std::vector<FieldFlag>{
        {"agenda-item", "agenda_item", "ITEM",
         "the adopted agenda item it comes from, <body>/meetings/t/agendaItems/i",
         /*required=*/true},
        {"title", "title", "TITLE", "what was decided, in short (at most 300 characters)",
         /*required=*/true},
        {"text", "text", "TEXT", "the resolution (default: the motion; at most 10000 characters)"},
    };
    for (FieldFlag& link : LinkFieldFlags("decision (default: the agenda item's)")) {
      fields->push_back(std::move(link));
    }
    return fields;
  }();
  return *fields;
}

const std::vector<FieldFlag>& ActionItemFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"title", "title", "TITLE", "what is to be done (at most 500 characters)",
       /*required=*/true},
      {"owner-member", "owner_member", "MEMBER",
       "who is responsible: a member of the body (its id, or its name)"},
      {"owner", "owner", "NAME",
       "who is responsible, as text, when not a member (at most 300 characters); one of "
       "--owner-member and --owner is required"},
      {"due-date", "due_date", "DATE", "when it is due, YYYY-MM-DD"},
  };
  return *fields;
}

// ---- Commands ----

// The request of a List command below a body: its operand (a body, a library: every body of
// it, or -) completed by ListParentBelow with `collections`, and the shared list flags.
struct BelowFlags {
  std::vector<std::string> collections;
  template <typename Request>
  int operator()(Invocation& inv, Request& request) const {
    const std::vector<absl::string_view> words(collections.begin(), collections.end());
    request.set_parent(ListParentBelow(inv.operands().empty() ? "" : inv.operands()[0], words));
    return ApplyListFlags(inv, request);
  }
};

// The request of a list across a library's subtree (expiring terms, overdue action items): the
// library operand (default every library, "-") and the page flags.
struct SubtreeFlags {
  template <typename Request>
  int operator()(Invocation& inv, Request& request) const {
    request.set_parent(ListParent(inv));
    return ApplyPageFlags(inv, request);
  }
};

struct ExpiringTermsFlags {
  int operator()(Invocation& inv, allies::v1::ListExpiringTermsRequest& request) const {
    request.set_parent(ListParent(inv));
    if (std::optional<std::string> days = inv.args().Get("within-days")) {
      absl::StatusOr<int32_t> within = ParseInt32Flag("within-days", *days);
      if (!within.ok()) return inv.UsageError(within.status().message());
      request.set_within_days(*within);
    }
    return ApplyPageFlags(inv, request);
  }
};

// NamedCall's `more` for complete and drop: --reason.
struct Reason {
  template <typename Request>
  absl::Status operator()(const ParsedArgs& args, Request* request) const {
    if (std::optional<std::string> reason = args.Get("reason")) request->set_reason(*reason);
    return absl::OkStatus();
  }
};

// A command whose request is built from its first operand and the flags by `build`.
template <typename Request>
std::function<absl::StatusOr<Request>(Invocation&)> FromOperand(
    absl::StatusOr<Request> (*build)(absl::string_view, const ParsedArgs&)) {
  return [build](Invocation& inv) { return build(inv.operands()[0], inv.args()); };
}

template <typename Service>
void RegisterMembers(CommandRegistry* registry, const BodyWords& words) {
  using Stub = typename Service::Stub;
  const std::string resource = absl::StrCat(words.resource, " members");
  const std::string example = absl::StrCat(words.Example(), "/members/m");
  registry->AddResource(
      {resource, {"member"}, absl::StrCat("the ", words.noun, "'s members and their terms")});

  Command get = NewCommand(resource, "get", "NAME",
                           absl::StrCat("Show a member (", example, "), including a deleted one."));
  get.run = NamedCall<Service>(&Stub::GetMember, MemberColumns());
  registry->AddCommand(std::move(get));

  Command list =
      NewCommand(resource, "list", "[BODY]",
                 absl::StrCat("List the members of a ", words.noun, " (", words.Example(),
                              "; a library: of each of its ", words.Plural(),
                              "; default: every one you "
                              "may see)."));
  list.details =
      "Filter fields: person, seat_kind, staff_position, role, term_start_date,\n"
      "term_end_date, end_date, end_reason, in_office, create_time, update_time; e.g.\n"
      "--filter 'in_office = true AND role = CHAIR'. Sortable: term_start_date,\n"
      "term_end_date, role, create_time, update_time (default: name).\n";
  list.flags = ListFlagSpecs("members", /*filter_and_order=*/true);
  list.run = ListCall<Service>(
      &Stub::ListMembers,
      [](allies::v1::ListMembersResponse* page) { return page->mutable_members(); },
      MemberColumns(), "members", BelowFlags{{words.collection}});
  registry->AddCommand(std::move(list));

  Command create =
      NewCommand(resource, "create", "BODY",
                 absl::StrCat("Add a member to a ", words.noun,
                              "; --person, --seat-kind and --term-start-date are required."));
  create.details =
      "The composition is checked against the rules on every change: seat kinds and their\n"
      "caps, the seat count, who may be a member or chair, one chair (deputy chair,\n"
      "secretary) at a time, the longest term, one membership of a person at a time.\n"
      "Example:\n"
      "  alliesctl " +
      words.resource + " members create " + words.Example() +
      " --id ivanova\n"
      "    --person libraries/x/contacts/ivanova --seat-kind PUBLIC --role chair\n"
      "    --term-start-date 2031-01-01 --term-end-date 2035-12-31\n"
      "A person not yet recorded is given here, with their consent (152-FZ): the server\n"
      "records them as a contact of the body's library in the same transaction:\n"
      "  alliesctl " +
      words.resource + " members create " + words.Example() +
      " --family-name Иванова --given-name Анна\n"
      "    --email ivanova@example.ru --seat-kind PUBLIC --term-start-date 2031-01-01\n"
      "    --consent-purpose GOVERNANCE --consent-method paper --consent-document 5/2031\n";
  create.flags = CreateFlagSpecs("member", MemberFieldFlags());
  for (FlagSpec& spec : FieldFlagSpecs(PersonContactFieldFlags())) {
    create.flags.push_back(std::move(spec));
  }
  for (FlagSpec& spec : FieldFlagSpecs(InlineConsentFieldFlags())) {
    create.flags.push_back(std::move(spec));
  }
  create.run =
      Send<Service>(&Stub::CreateMember, FromOperand(&BuildCreateMemberRequest), MemberColumns());
  registry->AddCommand(std::move(create));

  Command update = NewCommand(resource, "update", "NAME",
                              "Update the fields given as flags (an empty value clears one).");
  update.details =
      "The update_mask holds exactly the field flags given. An early end of a term:\n"
      "--end-date (the last day in office) with --end-reason.\n";
  update.flags = UpdateFlagSpecs("member", MemberFieldFlags());
  update.run =
      Send<Service>(&Stub::UpdateMember, FromOperand(&BuildUpdateMemberRequest), MemberColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(resource, "delete", "NAME",
                           "Soft-delete a member recorded by mistake (an ended term is "
                           "--end-date on update).");
  del.flags = {EtagFlag("member")};
  del.run = NamedCall<Service>(&Stub::DeleteMember, MemberColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(resource, "undelete", "NAME", "Bring back a deleted member.");
  undelete.flags = {EtagFlag("member"), RequestIdFlag()};
  undelete.run = NamedCall<Service>(&Stub::UndeleteMember, MemberColumns());
  registry->AddCommand(std::move(undelete));

  Command expiring = NewCommand(
      resource, "expiring", "[LIBRARY]",
      absl::StrCat("Members of ", words.Plural(),
                   " whose terms end within --within-days, across a library's subtree (x, "
                   "libraries/x; default: every library you may see), soonest first."));
  expiring.flags = PageFlagSpecs("members");
  expiring.flags.push_back(
      {"within-days", '\0', true, "DAYS", "how far ahead to look, 0-366 (default 30)"});
  expiring.run = ListCall<Service>(
      &Stub::ListExpiringTerms,
      [](allies::v1::ListMembersResponse* page) { return page->mutable_members(); },
      MemberColumns(), "expiring terms", ExpiringTermsFlags());
  registry->AddCommand(std::move(expiring));
}

template <typename Service>
void RegisterMeetings(CommandRegistry* registry, const BodyWords& words) {
  using Stub = typename Service::Stub;
  const std::string resource = absl::StrCat(words.resource, " meetings");
  const std::string example = absl::StrCat(words.Example(), "/meetings/t");
  registry->AddResource({resource,
                         {"meeting"},
                         absl::StrCat("the ", words.noun,
                                      "'s meetings: PLANNED -> HELD -> MINUTES_APPROVED (locked); "
                                      "notices, attendance, quorum, minutes")});

  Command get = NewCommand(resource, "get", "NAME",
                           absl::StrCat("Show a meeting (", example,
                                        "), including a deleted one; "
                                        "-o yaml shows who was notified and present."));
  get.run = NamedCall<Service>(&Stub::GetMeeting, MeetingColumns());
  registry->AddCommand(std::move(get));

  Command list =
      NewCommand(resource, "list", "[BODY]",
                 absl::StrCat("List the meetings of a ", words.noun, " (", words.Example(),
                              "; a library: of each of its ", words.Plural(),
                              "; default: every one you "
                              "may see)."));
  list.details =
      "START is the library's local time; PRESENT and NOTIFIED count the members in office\n"
      "on the meeting's date. Filter fields: title, start_time, meeting_date, state, quorum,\n"
      "present_count, create_time, update_time; e.g. --filter 'state = HELD'. Sortable:\n"
      "start_time, meeting_date, state, create_time, update_time (default: name).\n";
  list.flags = ListFlagSpecs("meetings", /*filter_and_order=*/true);
  list.run = ListCall<Service>(
      &Stub::ListMeetings,
      [](allies::v1::ListMeetingsResponse* page) { return page->mutable_meetings(); },
      MeetingColumns(), "meetings", BelowFlags{{words.collection}});
  registry->AddCommand(std::move(list));

  Command create = NewCommand(
      resource, "create", "BODY",
      absl::StrCat("Plan a meeting of a ", words.noun, "; --title and --start are required."));
  create.details =
      "Its attendance lists the members in office on its local date; the quorum is computed\n"
      "from them and the body's rules. Example:\n"
      "  alliesctl " +
      words.resource + " meetings create " + words.Example() +
      " --id q1 --title \"Заседание\"\n"
      "    --start 2031-03-10T18:30 --place \"Читальный зал\"\n";
  create.flags = CreateFlagSpecs("meeting", CreateMeetingFields());
  create.run = Send<Service>(&Stub::CreateMeeting, FromOperand(&BuildCreateMeetingRequest),
                             MeetingColumns());
  registry->AddCommand(std::move(create));

  Command update = NewCommand(resource, "update", "NAME",
                              "Update the fields given as flags; the minutes while HELD.");
  update.details =
      "The update_mask holds exactly the field flags given. A PLANNED meeting may be moved\n"
      "(--start) and renamed; the minutes are written while it is HELD (--minutes, or\n"
      "--minutes-file protocol.txt); approved minutes are locked.\n";
  update.flags = UpdateFlagSpecs("meeting", UpdateMeetingFields());
  update.run = Send<Service>(&Stub::UpdateMeeting, FromOperand(&BuildUpdateMeetingRequest),
                             MeetingColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(resource, "delete", "NAME",
                           "Soft-delete a PLANNED meeting (with live agenda items only with "
                           "--force, which deletes them too).");
  del.flags = {EtagFlag("meeting"), {"force", '\0', false, "", "also delete its agenda items"}};
  del.run = NamedCall<Service>(&Stub::DeleteMeeting, MeetingColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(resource, "undelete", "NAME", "Bring back a deleted meeting.");
  undelete.flags = {EtagFlag("meeting"), RequestIdFlag()};
  undelete.run = NamedCall<Service>(&Stub::UndeleteMeeting, MeetingColumns());
  registry->AddCommand(std::move(undelete));

  const std::string member_help =
      "members by id (m1: <body>/members/m1) or name; repeatable or comma-separated";

  Command notify = NewCommand(resource, "notify", "MEETING",
                              "Record that the notices of a PLANNED meeting were sent (to every "
                              "member in office, or to --members).");
  notify.flags = {
      {"members", '\0', true, "MEMBERS",
       absl::StrCat("the members notified (default: every member in office): ", member_help)},
      {"time", '\0', true, "TIME",
       "when the notices were sent, RFC 3339 like 2031-03-01T12:00:00+03:00 "
       "(default: now)"},
      EtagFlag("meeting"),
      RequestIdFlag()};
  notify.run = Send<Service>(&Stub::RecordNotices, FromOperand(&BuildRecordNoticesRequest),
                             MeetingColumns());
  registry->AddCommand(std::move(notify));

  Command hold = NewCommand(resource, "hold", "MEETING",
                            "PLANNED -> HELD, with the members present (--present is required; "
                            "every other member in office is absent).");
  hold.flags = {
      {"present", '\0', true, "MEMBERS", absl::StrCat("the members present: ", member_help)},
      EtagFlag("meeting"),
      RequestIdFlag()};
  hold.run =
      Send<Service>(&Stub::HoldMeeting, FromOperand(&BuildHoldMeetingRequest), MeetingColumns());
  registry->AddCommand(std::move(hold));

  Command attend = NewCommand(resource, "attend", "MEETING",
                              "Change the attendance of a HELD meeting: members who arrived late "
                              "(--present) or left (--absent).");
  attend.flags = {{"present", '\0', true, "MEMBERS", absl::StrCat("now present: ", member_help)},
                  {"absent", '\0', true, "MEMBERS", absl::StrCat("now absent: ", member_help)},
                  EtagFlag("meeting"),
                  RequestIdFlag()};
  attend.run = Send<Service>(&Stub::RecordAttendance, FromOperand(&BuildRecordAttendanceRequest),
                             MeetingColumns());
  registry->AddCommand(std::move(attend));

  Command approve = NewCommand(resource, "approve-minutes", "MEETING",
                               "HELD -> MINUTES_APPROVED: the minutes (which need text) are "
                               "locked from then on.");
  approve.flags = {{"approved-at", '\0', true, "MEETING",
                    "the later meeting of the same body that approved them (its id, or its "
                    "name; optional)"},
                   EtagFlag("meeting"),
                   RequestIdFlag()};
  approve.run = Send<Service>(&Stub::ApproveMinutes, FromOperand(&BuildApproveMinutesRequest),
                              MeetingColumns());
  registry->AddCommand(std::move(approve));

  Command amend = NewCommand(resource, "amend-minutes", "MEETING",
                             "Add a correction to approved minutes (which stay as they were), "
                             "approved by an adopted agenda item of a later meeting.");
  amend.details =
      "The item is made with 'agenda create LATER_MEETING --amends-meeting MEETING' and\n"
      "adopted by a vote; then:\n"
      "  alliesctl " +
      words.resource +
      " meetings amend-minutes MEETING --text \"...\"\n"
      "    --agenda-item LATER_MEETING/agendaItems/i\n";
  amend.flags = {
      {"text", '\0', true, "TEXT", "the correction (required, at most 10000 characters)"},
      {"agenda-item", '\0', true, "ITEM",
       "the adopted agenda item approving it (required; its --amends-meeting names "
       "this meeting)"},
      EtagFlag("meeting"),
      RequestIdFlag()};
  amend.run =
      Send<Service>(&Stub::AmendMinutes, FromOperand(&BuildAmendMinutesRequest), MeetingColumns());
  registry->AddCommand(std::move(amend));
}

// `agenda vote`: the roll call of the flags, and with --others the members present not named
// (from the meeting's attendance).
template <typename Service>
int RunVote(Invocation& inv) {
  absl::StatusOr<allies::v1::RecordVotesRequest> request =
      BuildRecordVotesRequest(inv.operands()[0], inv.args());
  if (!request.ok()) return inv.UsageError(request.status().message());
  if (std::optional<std::string> others = inv.args().Get("others")) {
    absl::StatusOr<Vote::Choice> choice = ParseVoteChoice("others", *others);
    if (!choice.ok()) return inv.UsageError(choice.status().message());
    allies::v1::GetMeetingRequest get;
    get.set_name(MeetingOfAgendaItem(request->name()));
    Meeting meeting;
    if (int code = Call<Service>(inv, &Service::Stub::GetMeeting, get, &meeting); code != kExitOk) {
      return code;
    }
    AddOtherVotes(meeting, *choice, &*request);
  }
  return CallAndPrint<Service>(inv, &Service::Stub::RecordVotes, *request, AgendaItemColumns());
}

template <typename Service>
void RegisterAgenda(CommandRegistry* registry, const BodyWords& words) {
  using Stub = typename Service::Stub;
  const std::string resource = absl::StrCat(words.resource, " agenda");
  const std::string meeting = absl::StrCat(words.Example(), "/meetings/t");
  const std::string example = absl::StrCat(meeting, "/agendaItems/i");
  registry->AddResource(
      {resource,
       {"agenda-items", "agenda-item", "items"},
       "the agenda of a meeting: items, the motion put to the vote and the roll call"});

  Command get = NewCommand(resource, "get", "NAME",
                           absl::StrCat("Show an agenda item (", example,
                                        "), including a deleted one; -o yaml "
                                        "shows the roll call."));
  get.run = NamedCall<Service>(&Stub::GetAgendaItem, AgendaItemColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(resource, "list", "[MEETING]",
                            absl::StrCat("List the agenda of a meeting (", meeting,
                                         "; a body or a library: of each of its meetings)."));
  list.details =
      "Filter fields: position, title, question_kind, partners, agreements, projects,\n"
      "volunteers, outcome; e.g. --filter 'outcome = ADOPTED', 'partners:\n"
      "\"libraries/x/partners/p\"'. Sortable: position (the default), outcome, create_time,\n"
      "update_time.\n";
  list.flags = ListFlagSpecs("agenda items", /*filter_and_order=*/true);
  list.run = ListCall<Service>(
      &Stub::ListAgendaItems,
      [](allies::v1::ListAgendaItemsResponse* page) { return page->mutable_agenda_items(); },
      AgendaItemColumns(), "agenda items", BelowFlags{{words.collection, kMeetings}});
  registry->AddCommand(std::move(list));

  Command create = NewCommand(resource, "create", "MEETING",
                              "Put an item on a meeting's agenda; --title is required.");
  create.details =
      "The question kind decides how the vote is counted (the rules' question kinds and\n"
      "their decision rules: 'get -o yaml' on the body shows them).\n";
  create.flags = CreateFlagSpecs("agenda item", AgendaItemFieldFlags());
  create.run = Send<Service>(&Stub::CreateAgendaItem, FromOperand(&BuildCreateAgendaItemRequest),
                             AgendaItemColumns());
  registry->AddCommand(std::move(create));

  Command update = NewCommand(resource, "update", "NAME",
                              "Update the fields given as flags (an empty value clears one).");
  update.details = "The update_mask holds exactly the field flags given.\n";
  update.flags = UpdateFlagSpecs("agenda item", AgendaItemFieldFlags());
  update.run = Send<Service>(&Stub::UpdateAgendaItem, FromOperand(&BuildUpdateAgendaItemRequest),
                             AgendaItemColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(resource, "delete", "NAME", "Soft-delete an agenda item.");
  del.flags = {EtagFlag("agenda item")};
  del.run = NamedCall<Service>(&Stub::DeleteAgendaItem, AgendaItemColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(resource, "undelete", "NAME", "Bring back a deleted agenda item.");
  undelete.flags = {EtagFlag("agenda item"), RequestIdFlag()};
  undelete.run = NamedCall<Service>(&Stub::UndeleteAgendaItem, AgendaItemColumns());
  registry->AddCommand(std::move(undelete));

  const std::string members = "members by id (m1) or name; repeatable or comma-separated";
  Command vote = NewCommand(resource, "vote", "ITEM",
                            "Record the roll-call vote on an item's motion at a HELD meeting "
                            "with its quorum; the outcome follows the question kind's rule.");
  vote.details =
      "Every member present votes once: --for, --against, --abstain (not a YES: under a\n"
      "majority rule it weighs like NO) or --recused (interested in the question: leaves the\n"
      "base the rule counts against). Members are written by id,\n"
      "resolved in the item's body (m1 is <body>/members/m1), or by name. --others gives the\n"
      "members present not named a choice (for, against, abstain or recused; read from the\n"
      "meeting's attendance). Recorded again, the roll call replaces the earlier one while\n"
      "the item has no decision. (--yes is the erase commands' confirmation, hence --for.)\n"
      "Example:\n"
      "  alliesctl " +
      words.resource + " agenda vote " + example +
      "\n"
      "    --motion \"Одобрить сделку с ООО «Книжный дом»\" --for m1,m2,m3 --against m4\n"
      "    --abstain m5\n";
  vote.flags = {{"motion", '\0', true, "TEXT",
                 "the motion put to the vote (required, at most 10000 characters)"},
                {"for", '\0', true, "MEMBERS", absl::StrCat("who voted YES: ", members)},
                {"against", '\0', true, "MEMBERS", absl::StrCat("who voted NO: ", members)},
                {"abstain", '\0', true, "MEMBERS", absl::StrCat("who abstained: ", members)},
                {"recused", '\0', true, "MEMBERS",
                 absl::StrCat("who recused themselves (interested in the question): ", members)},
                {"others", '\0', true, "CHOICE",
                 "the choice of every member present not named: for, against, abstain or recused"},
                EtagFlag("agenda item"),
                RequestIdFlag()};
  vote.run = RunVote<Service>;
  registry->AddCommand(std::move(vote));
}

template <typename Service>
void RegisterDecisions(CommandRegistry* registry, const BodyWords& words) {
  using Stub = typename Service::Stub;
  const std::string resource = absl::StrCat(words.resource, " decisions");
  const std::string example = absl::StrCat(words.Example(), "/decisions/d");
  registry->AddResource({resource,
                         {"decision"},
                         absl::StrCat("the ", words.noun,
                                      "'s decisions of adopted motions, linked to partners, "
                                      "agreements, projects, volunteers")});

  Command get =
      NewCommand(resource, "get", "NAME",
                 absl::StrCat("Show a decision (", example, "), including a deleted one."));
  get.run = NamedCall<Service>(&Stub::GetDecision, DecisionColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(resource, "list", "[BODY]",
                            absl::StrCat("List the decisions of a ", words.noun, " (",
                                         words.Example(), "; a library: of each of its ",
                                         words.Plural(), "; default: every one you may see)."));
  list.details =
      "Filter fields: agenda_item, meeting, decision_date, title, partners, agreements,\n"
      "projects, volunteers, minutes_approved, open_action_items, overdue_action_items,\n"
      "create_time; e.g. a partner's decisions across the network: list - --filter\n"
      "'partners:\"libraries/x/partners/p\"'. Sortable: decision_date, title, create_time,\n"
      "update_time (default: name).\n";
  list.flags = ListFlagSpecs("decisions", /*filter_and_order=*/true);
  list.run = ListCall<Service>(
      &Stub::ListDecisions,
      [](allies::v1::ListDecisionsResponse* page) { return page->mutable_decisions(); },
      DecisionColumns(), "decisions", BelowFlags{{words.collection}});
  registry->AddCommand(std::move(list));

  Command create = NewCommand(resource, "create", "BODY",
                              "Record the decision of an adopted agenda item; --agenda-item and "
                              "--title are required.");
  create.details =
      "One live decision per item; its text defaults to the motion, its links to the item's.\n";
  create.flags = CreateFlagSpecs("decision", DecisionFieldFlags());
  create.run = Send<Service>(&Stub::CreateDecision, FromOperand(&BuildCreateDecisionRequest),
                             DecisionColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(resource, "update", "NAME",
                 "Update the fields given as flags: title, text and links while the meeting's "
                 "minutes are not approved, links after.");
  update.details = "The update_mask holds exactly the field flags given.\n";
  update.flags = UpdateFlagSpecs("decision", DecisionFieldFlags());
  update.run = Send<Service>(&Stub::UpdateDecision, FromOperand(&BuildUpdateDecisionRequest),
                             DecisionColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(resource, "delete", "NAME",
                           "Soft-delete a decision while its meeting's minutes are not approved "
                           "(with action items only with --force).");
  del.flags = {EtagFlag("decision"), {"force", '\0', false, "", "also delete its action items"}};
  del.run = NamedCall<Service>(&Stub::DeleteDecision, DecisionColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(resource, "undelete", "NAME", "Bring back a deleted decision.");
  undelete.flags = {EtagFlag("decision"), RequestIdFlag()};
  undelete.run = NamedCall<Service>(&Stub::UndeleteDecision, DecisionColumns());
  registry->AddCommand(std::move(undelete));
}

template <typename Service>
void RegisterActionItems(CommandRegistry* registry, const BodyWords& words) {
  using Stub = typename Service::Stub;
  const std::string resource = absl::StrCat(words.resource, " actions");
  const std::string decision = absl::StrCat(words.Example(), "/decisions/d");
  const std::string example = absl::StrCat(decision, "/actionItems/a");
  registry->AddResource({resource,
                         {"action-items", "action-item", "action"},
                         "the follow-up of decisions: action items OPEN -> DONE or DROPPED"});

  Command get =
      NewCommand(resource, "get", "NAME",
                 absl::StrCat("Show an action item (", example, "), including a deleted one."));
  get.run = NamedCall<Service>(&Stub::GetActionItem, ActionItemColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(resource, "list", "[DECISION]",
                            absl::StrCat("List the action items of a decision (", decision,
                                         "; a body or a library: of each of its decisions)."));
  list.details =
      "Filter fields: title, owner_member, owner, due_date, state, overdue, create_time,\n"
      "update_time; e.g. --filter 'state = OPEN'. Sortable: due_date, state, create_time,\n"
      "update_time (default: name). 'actions overdue' lists those past due.\n";
  list.flags = ListFlagSpecs("action items", /*filter_and_order=*/true);
  list.run = ListCall<Service>(
      &Stub::ListActionItems,
      [](allies::v1::ListActionItemsResponse* page) { return page->mutable_action_items(); },
      ActionItemColumns(), "action items", BelowFlags{{words.collection, kDecisions}});
  registry->AddCommand(std::move(list));

  Command create = NewCommand(resource, "create", "DECISION",
                              "Add an OPEN action item to a decision; --title and --owner-member "
                              "or --owner are required.");
  create.flags = CreateFlagSpecs("action item", ActionItemFieldFlags());
  create.run = Send<Service>(&Stub::CreateActionItem, FromOperand(&BuildCreateActionItemRequest),
                             ActionItemColumns());
  registry->AddCommand(std::move(create));

  Command update = NewCommand(resource, "update", "NAME",
                              "Update the fields given as flags (an empty value clears one).");
  update.details = "The update_mask holds exactly the field flags given.\n";
  update.flags = UpdateFlagSpecs("action item", ActionItemFieldFlags());
  update.run = Send<Service>(&Stub::UpdateActionItem, FromOperand(&BuildUpdateActionItemRequest),
                             ActionItemColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(resource, "delete", "NAME", "Soft-delete an action item.");
  del.flags = {EtagFlag("action item")};
  del.run = NamedCall<Service>(&Stub::DeleteActionItem, ActionItemColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(resource, "undelete", "NAME", "Bring back a deleted action item.");
  undelete.flags = {EtagFlag("action item"), RequestIdFlag()};
  undelete.run = NamedCall<Service>(&Stub::UndeleteActionItem, ActionItemColumns());
  registry->AddCommand(std::move(undelete));

  const std::vector<FlagSpec> move_flags = {
      {"reason", '\0', true, "TEXT", "a note (optional, at most 1000 characters)"},
      EtagFlag("action item"),
      RequestIdFlag()};
  Command complete = NewCommand(resource, "complete", "NAME", "OPEN -> DONE.");
  complete.flags = move_flags;
  complete.run = NamedCall<Service>(&Stub::CompleteActionItem, ActionItemColumns(), Reason());
  registry->AddCommand(std::move(complete));

  Command drop = NewCommand(resource, "drop", "NAME", "OPEN -> DROPPED (no longer to be done).");
  drop.flags = move_flags;
  drop.run = NamedCall<Service>(&Stub::DropActionItem, ActionItemColumns(), Reason());
  registry->AddCommand(std::move(drop));

  Command overdue = NewCommand(
      resource, "overdue", "[LIBRARY]",
      absl::StrCat("OPEN action items past their due date in the ", words.Plural(),
                   " of a library's subtree (x, libraries/x; default: every library you may "
                   "see), oldest due first."));
  overdue.flags = PageFlagSpecs("action items");
  overdue.run = ListCall<Service>(
      &Stub::ListOverdueActionItems,
      [](allies::v1::ListActionItemsResponse* page) { return page->mutable_action_items(); },
      ActionItemColumns(), "overdue action items", SubtreeFlags());
  registry->AddCommand(std::move(overdue));
}

// Everything below a body: the same commands for every governance service.
template <typename Service>
void RegisterBelowBody(CommandRegistry* registry, const BodyWords& words) {
  RegisterMembers<Service>(registry, words);
  RegisterMeetings<Service>(registry, words);
  RegisterAgenda<Service>(registry, words);
  RegisterDecisions<Service>(registry, words);
  RegisterActionItems<Service>(registry, words);
}

// ---- The bodies ----

// A governance service's own methods and messages, for the body commands.
struct ReaderCouncils {
  using Service = allies::v1::ReaderCouncilService;
  using Body = ReaderCouncil;
  using CreateRequest = allies::v1::CreateReaderCouncilRequest;
  using UpdateRequest = allies::v1::UpdateReaderCouncilRequest;
  using GetRequest = allies::v1::GetReaderCouncilRequest;
  using ListRequest = allies::v1::ListReaderCouncilsRequest;
  using ListResponse = allies::v1::ListReaderCouncilsResponse;
  static constexpr bool kHasKind = false;
  static constexpr char kField[] = "reader_council";
  static constexpr auto kGet = &Service::Stub::GetReaderCouncil;
  static constexpr auto kList = &Service::Stub::ListReaderCouncils;
  static constexpr auto kCreate = &Service::Stub::CreateReaderCouncil;
  static constexpr auto kUpdate = &Service::Stub::UpdateReaderCouncil;
  static constexpr auto kDelete = &Service::Stub::DeleteReaderCouncil;
  static constexpr auto kUndelete = &Service::Stub::UndeleteReaderCouncil;
  static BodyWords Words() { return {"reader-councils", "readerCouncils", "reader council", "c"}; }
  static Resource Describe() {
    return {"reader-councils",
            {"reader-council", "councils", "council"},
            "reader councils (читательские советы): members, meetings, votes, decisions; "
            "rules from the READER_COUNCIL preset"};
  }
  static constexpr char kCreateExample[] =
      "  alliesctl reader-councils create x --id chitateli --display-name \"Читательский "
      "совет\"\n    --seat-count 5 --max-term-months 24\n";
  static const std::vector<FieldFlag>& Fields() { return ReaderCouncilFieldFlags(); }
  static auto* Items(ListResponse* page) { return page->mutable_reader_councils(); }
  static Body* MutableBody(CreateRequest* request) { return request->mutable_reader_council(); }
  static Body* MutableBody(UpdateRequest* request) { return request->mutable_reader_council(); }
};

struct SupervisoryBoards {
  using Service = allies::v1::SupervisoryBoardService;
  using Body = SupervisoryBoard;
  using CreateRequest = allies::v1::CreateSupervisoryBoardRequest;
  using UpdateRequest = allies::v1::UpdateSupervisoryBoardRequest;
  using GetRequest = allies::v1::GetSupervisoryBoardRequest;
  using ListRequest = allies::v1::ListSupervisoryBoardsRequest;
  using ListResponse = allies::v1::ListSupervisoryBoardsResponse;
  static constexpr bool kHasKind = true;
  static constexpr char kField[] = "supervisory_board";
  static constexpr auto kGet = &Service::Stub::GetSupervisoryBoard;
  static constexpr auto kList = &Service::Stub::ListSupervisoryBoards;
  static constexpr auto kCreate = &Service::Stub::CreateSupervisoryBoard;
  static constexpr auto kUpdate = &Service::Stub::UpdateSupervisoryBoard;
  static constexpr auto kDelete = &Service::Stub::DeleteSupervisoryBoard;
  static constexpr auto kUndelete = &Service::Stub::UndeleteSupervisoryBoard;
  static BodyWords Words() { return {"boards", "supervisoryBoards", "board", "b"}; }
  static Resource Describe() {
    return {"boards",
            {"board", "supervisory-boards", "supervisory-board"},
            "supervisory boards (наблюдательные советы, 174-FZ) and trustee boards "
            "(попечительские советы): members, meetings, votes, decisions"};
  }
  // The 2025 draft of 174-FZ: 7-15 members.
  static constexpr char kCreateExample[] =
      "  alliesctl boards create x --id nabl --display-name \"Наблюдательный совет\"\n"
      "    --seat-count 9 --min-size 7 --max-size 15\n"
      "  alliesctl boards create x --id popech --kind trustee --display-name \"Попечительский "
      "совет\"\n    --seat-count 12 --quorum 2/3 --quorum-all-notified=false\n";
  static const std::vector<FieldFlag>& Fields() { return SupervisoryBoardFieldFlags(); }
  static auto* Items(ListResponse* page) { return page->mutable_supervisory_boards(); }
  static Body* MutableBody(CreateRequest* request) { return request->mutable_supervisory_board(); }
  static Body* MutableBody(UpdateRequest* request) { return request->mutable_supervisory_board(); }
};

template <typename Family>
const Columns<typename Family::Body>& BodyColumnsOf() {
  return BodyColumns<typename Family::Body, Family::kHasKind>();
}

template <typename Family>
absl::StatusOr<typename Family::CreateRequest> BuildCreateBody(absl::string_view library,
                                                               const ParsedArgs& args) {
  absl::StatusOr<typename Family::CreateRequest> request =
      BuildCreateRequest<typename Family::CreateRequest>(Family::Fields(), Family::kField,
                                                         std::string(library), args);
  if (!request.ok()) return request;
  if (HasRulesFlags(args)) {
    absl::StatusOr<GovernanceRules> rules =
        BuildRules(args, nullptr, &Family::Body::default_instance());
    if (!rules.ok()) return rules.status();
    *Family::MutableBody(&*request)->mutable_rules() = *std::move(rules);
  }
  return request;
}

template <typename Family>
absl::StatusOr<typename Family::UpdateRequest> BuildUpdateBody(absl::string_view name,
                                                               const ParsedArgs& args,
                                                               const GovernanceRules* current) {
  bool any_field = false;
  for (const FieldFlag& field : Family::Fields()) any_field |= args.Has(field.flag);
  typename Family::UpdateRequest request;
  if (any_field) {
    absl::Status status = FillUpdateRequest(Family::Fields(), Family::kField, name, args, &request);
    if (!status.ok()) return status;
  } else if (!HasRulesFlags(args)) {
    std::vector<std::string> flags;
    for (const FieldFlag& field : Family::Fields()) flags.push_back(absl::StrCat("--", field.flag));
    for (const char* flag : kRulesFlags) flags.push_back(absl::StrCat("--", flag));
    return absl::InvalidArgumentError(
        absl::StrCat("nothing to update: give at least one of ", absl::StrJoin(flags, ", ")));
  } else {
    Family::MutableBody(&request)->set_name(std::string(name));
    if (std::optional<std::string> etag = args.Get("etag")) {
      Family::MutableBody(&request)->set_etag(*etag);
    }
  }
  if (HasRulesFlags(args)) {
    const GovernanceRules none;
    absl::StatusOr<GovernanceRules> rules =
        BuildRules(args, RulesFlagsNeedCurrentRules(args) ? (current ? current : &none) : nullptr,
                   &Family::Body::default_instance());
    if (!rules.ok()) return rules.status();
    *Family::MutableBody(&request)->mutable_rules() = *std::move(rules);
    request.mutable_update_mask()->add_paths("rules");
  }
  return request;
}

// `update`: with number flags for the rules, the body's rules are read first and changed (the
// server replaces the rules whole), under the etag read unless --etag is given.
template <typename Family>
int RunBodyUpdate(Invocation& inv) {
  const std::string& name = inv.operands()[0];
  // The flags are checked before anything is sent.
  absl::StatusOr<typename Family::UpdateRequest> request =
      BuildUpdateBody<Family>(name, inv.args(), nullptr);
  if (!request.ok()) return inv.UsageError(request.status().message());
  if (RulesFlagsNeedCurrentRules(inv.args())) {
    typename Family::GetRequest get;
    get.set_name(name);
    typename Family::Body body;
    if (int code = Call<typename Family::Service>(inv, Family::kGet, get, &body); code != kExitOk) {
      return code;
    }
    request = BuildUpdateBody<Family>(name, inv.args(), &body.rules());
    if (!request.ok()) return inv.UsageError(request.status().message());
    if (!inv.args().Has("etag")) Family::MutableBody(&*request)->set_etag(body.etag());
  }
  return CallAndPrint<typename Family::Service>(inv, Family::kUpdate, *request,
                                                BodyColumnsOf<Family>());
}

struct BodyListFlags {
  template <typename Request>
  int operator()(Invocation& inv, Request& request) const {
    request.set_parent(ListParent(inv));
    request.set_subtree(inv.args().GetBool("subtree"));
    return ApplyListFlags(inv, request);
  }
};

template <typename Family>
void RegisterBody(CommandRegistry* registry) {
  using Service = typename Family::Service;
  const BodyWords words = Family::Words();
  const std::string& resource = words.resource;
  registry->AddResource(Family::Describe());

  Command get = NewCommand(resource, "get", "NAME",
                           absl::StrCat("Show a ", words.noun, " (", words.Example(),
                                        "), including a deleted one; -o yaml shows its rules."));
  get.run = NamedCall<Service>(Family::kGet, BodyColumnsOf<Family>());
  registry->AddCommand(std::move(get));

  Command list =
      NewCommand(resource, "list", "[LIBRARY]",
                 absl::StrCat("List the ", words.Plural(),
                              " of a library (default: of every library you may see, as with -)."));
  list.details = absl::StrCat(
      "HELD counts the meetings held this year, REQUIRED those the rules require by today;\n"
      "BEHIND says fewer were held. Filter fields: display_name, ",
      Family::kHasKind ? "kind, " : "",
      "seat_count, member_count,\n"
      "vacancies, meetings_held_this_year, behind_schedule, create_time, update_time; e.g.\n"
      "--filter 'behind_schedule = true'. Sortable: display_name, member_count, vacancies,\n"
      "create_time, update_time (default: name).\n");
  list.flags = ListFlagSpecs(words.Plural(), /*filter_and_order=*/true);
  list.flags.push_back({"subtree", '\0', false, "",
                        "with a LIBRARY: the bodies of its whole subtree (its branches too)"});
  list.run = ListCall<Service>(
      Family::kList, [](typename Family::ListResponse* page) { return Family::Items(page); },
      BodyColumnsOf<Family>(), resource, BodyListFlags());
  registry->AddCommand(std::move(list));

  Command create = NewCommand(resource, "create", "LIBRARY",
                              absl::StrCat("Create a ", words.noun,
                                           " of a library; --display-name and --seat-count are "
                                           "required."));
  create.details = absl::StrCat(kRulesDetails, "Example:\n", Family::kCreateExample);
  create.flags = CreateFlagSpecs(words.noun, Family::Fields());
  for (FlagSpec& flag : RulesFlagSpecs()) create.flags.push_back(std::move(flag));
  create.run = Send<Service>(
      Family::kCreate,
      [](Invocation& inv) { return BuildCreateBody<Family>(inv.operands()[0], inv.args()); },
      BodyColumnsOf<Family>());
  registry->AddCommand(std::move(create));

  Command update = NewCommand(resource, "update", "NAME",
                              "Update the fields given as flags, and the rules by the rules "
                              "flags; members are checked against the new rules.");
  update.details = absl::StrCat(
      "The update_mask holds exactly the field flags given, and \"rules\" for the rules\n"
      "flags: the server replaces the rules whole, so number flags change the current\n"
      "rules (read first, and sent back under the etag read unless --etag is given);\n"
      "--preset or --rules-file replace them (what they leave out comes from the preset).\n",
      kRulesDetails);
  update.flags = UpdateFlagSpecs(words.noun, Family::Fields());
  for (FlagSpec& flag : RulesFlagSpecs()) update.flags.push_back(std::move(flag));
  update.run = RunBodyUpdate<Family>;
  registry->AddCommand(std::move(update));

  Command del = NewCommand(resource, "delete", "NAME",
                           absl::StrCat("Soft-delete a ", words.noun,
                                        " (with live members, meetings or decisions only with "
                                        "--force, which deletes them too)."));
  del.flags = {EtagFlag(words.noun),
               {"force", '\0', false, "", "also delete its members, meetings and decisions"}};
  del.run = NamedCall<Service>(Family::kDelete, BodyColumnsOf<Family>());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(resource, "undelete", "NAME",
                                absl::StrCat("Bring back a deleted ", words.noun, "."));
  undelete.flags = {EtagFlag(words.noun), RequestIdFlag()};
  undelete.run = NamedCall<Service>(Family::kUndelete, BodyColumnsOf<Family>());
  registry->AddCommand(std::move(undelete));

  RegisterBelowBody<Service>(registry, words);
}

}  // namespace

std::string GovernanceBodyOf(absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() <= 4) return std::string(name);
  return absl::StrJoin(parts.begin(), parts.begin() + 4, "/");
}

std::string NameUnderBody(absl::string_view body, absl::string_view collection,
                          absl::string_view word) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(word);
  if (trimmed.empty() || absl::StrContains(trimmed, '/')) return std::string(trimmed);
  return absl::StrCat(GovernanceBodyOf(body), "/", collection, "/", trimmed);
}

absl::StatusOr<std::pair<allies::v1::Fraction, bool>> ParseQuorumFlag(absl::string_view flag,
                                                                      absl::string_view value) {
  absl::string_view text = absl::StripAsciiWhitespace(value);
  bool more_than = false;
  if (!absl::ConsumePrefix(&text, ">=") && absl::ConsumePrefix(&text, ">")) more_than = true;
  text = absl::StripAsciiWhitespace(text);
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  int numerator = 0;
  int denominator = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &numerator) ||
      !absl::SimpleAtoi(parts[1], &denominator) || numerator <= 0 || denominator > 100 ||
      numerator > denominator) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag,
        ": expected a share n/d (0 < n <= d <= 100) of the members in office, \">\" before it "
        "for \"more than\": >1/2, 2/3; got \"",
        value, "\""));
  }
  allies::v1::Fraction share;
  share.set_numerator(numerator);
  share.set_denominator(denominator);
  return std::make_pair(share, more_than);
}

std::string FormatQuorum(const GovernanceRules& rules) {
  if (!rules.has_quorum_share()) return "";
  return absl::StrCat(rules.quorum_more_than() ? ">" : "", rules.quorum_share().numerator(), "/",
                      rules.quorum_share().denominator(),
                      rules.quorum_requires_all_notified() ? " + all notified" : "");
}

bool HasRulesFlags(const ParsedArgs& args) {
  for (const char* flag : kRulesFlags) {
    if (args.Has(flag)) return true;
  }
  return false;
}

bool RulesFlagsNeedCurrentRules(const ParsedArgs& args) {
  return HasRulesFlags(args) && !args.Has("preset") && !args.Has("rules-file");
}

absl::StatusOr<GovernanceRules> BuildRules(const ParsedArgs& args, const GovernanceRules* current,
                                           const google::protobuf::Message* body_prototype) {
  GovernanceRules rules;
  // Whether the quorum's three fields are there to change one by one: a body's current rules
  // always have them.
  bool has_quorum = current != nullptr;
  if (current != nullptr) rules = *current;
  if (std::optional<std::string> path = args.Get("rules-file")) {
    absl::StatusOr<std::string> text = ReadFileFlag("rules-file", *path);
    if (!text.ok()) return text.status();
    absl::StatusOr<GovernanceRules> parsed = ParseRulesJson(*text, body_prototype);
    if (!parsed.ok()) return parsed.status();
    rules = *std::move(parsed);
    has_quorum = rules.has_quorum_share();
  }
  if (std::optional<std::string> preset = args.Get("preset")) {
    absl::StatusOr<int> number =
        ParseEnumFlag("preset", *GovernanceRules::Preset_descriptor(), *preset);
    if (!number.ok()) return number.status();
    rules.set_preset(static_cast<GovernanceRules::Preset>(*number));
  }
  for (const RulesNumber& number : RulesNumbers()) {
    std::optional<std::string> value = args.Get(number.flag);
    if (!value.has_value()) continue;
    absl::StatusOr<int32_t> parsed = ParseInt32Flag(number.flag, *value);
    if (!parsed.ok()) return parsed.status();
    // Complete rules (a body's current ones, or a whole rules file) are taken as they are, 0
    // included; partial ones fill from the preset, so there 0 would mean "the preset's".
    const bool complete =
        !args.Has("preset") &&
        (current != nullptr || (rules.has_quorum_share() && rules.seat_kinds_size() > 0 &&
                                rules.question_kinds_size() > 0));
    if (*parsed < 0 || (*parsed == 0 && !complete)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", number.flag, ": must be 1 or more here, got ", *parsed,
          " (rules given in part fill from the preset, where 0 means \"the preset's\"; set 0 "
          "with update, or in a whole --rules-file)"));
    }
    (rules.*number.set)(*parsed);
  }
  const bool quorum = args.Has("quorum");
  const bool notified = args.Has("quorum-all-notified");
  if (!has_quorum && quorum != notified) {
    return absl::InvalidArgumentError(
        "give --quorum and --quorum-all-notified (=true or =false) together: the server takes "
        "the quorum's share, \"more than\" and \"all notified\" together, so one alone would "
        "reset the other (174-FZ boards need every member notified)");
  }
  if (quorum) {
    absl::StatusOr<std::pair<allies::v1::Fraction, bool>> share =
        ParseQuorumFlag("quorum", *args.Get("quorum"));
    if (!share.ok()) return share.status();
    *rules.mutable_quorum_share() = share->first;
    rules.set_quorum_more_than(share->second);
  }
  if (notified) rules.set_quorum_requires_all_notified(args.GetBool("quorum-all-notified"));
  return rules;
}

absl::StatusOr<allies::v1::CreateReaderCouncilRequest> BuildCreateReaderCouncilRequest(
    absl::string_view library, const ParsedArgs& args) {
  return BuildCreateBody<ReaderCouncils>(library, args);
}

absl::StatusOr<allies::v1::UpdateReaderCouncilRequest> BuildUpdateReaderCouncilRequest(
    absl::string_view name, const ParsedArgs& args, const GovernanceRules* current) {
  return BuildUpdateBody<ReaderCouncils>(name, args, current);
}

absl::StatusOr<allies::v1::CreateSupervisoryBoardRequest> BuildCreateSupervisoryBoardRequest(
    absl::string_view library, const ParsedArgs& args) {
  return BuildCreateBody<SupervisoryBoards>(library, args);
}

absl::StatusOr<allies::v1::UpdateSupervisoryBoardRequest> BuildUpdateSupervisoryBoardRequest(
    absl::string_view name, const ParsedArgs& args, const GovernanceRules* current) {
  return BuildUpdateBody<SupervisoryBoards>(name, args, current);
}

absl::StatusOr<allies::v1::CreateMemberRequest> BuildCreateMemberRequest(absl::string_view body,
                                                                         const ParsedArgs& args) {
  absl::StatusOr<allies::v1::CreateMemberRequest> request =
      BuildCreateRequest<allies::v1::CreateMemberRequest>(MemberFieldFlags(), "member",
                                                          std::string(body), args);
  if (!request.ok()) return request;
  // A person given here: recorded by the server as a contact of the body's library, with the
  // consent given with it.
  std::vector<std::string> person_flags;
  for (const FieldFlag& field : PersonContactFieldFlags()) {
    if (args.Has(field.flag)) person_flags.push_back(absl::StrCat("--", field.flag));
  }
  if (args.Has("person") && !person_flags.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("give either --person (a contact or volunteer recorded before) or the person "
                     "here (",
                     absl::StrJoin(person_flags, ", "), "), not both"));
  }
  if (person_flags.empty()) {
    if (!args.Has("person")) {
      return absl::InvalidArgumentError(
          "--person is required (a contact or volunteer of the body's library), or the person "
          "given here: --family-name, --given-name, ... with their consent (--consent-purpose "
          "GOVERNANCE, --consent-method, ...)");
    }
    if (!InlineConsentFlagsGiven(args).empty()) {
      return absl::InvalidArgumentError(
          "the --consent-* flags go with a person given here (--family-name, ...); a contact or "
          "volunteer named by --person has their consent recorded already");
    }
    return request;
  }
  allies::v1::Contact* contact = request->mutable_person_contact();
  absl::Status applied = ApplyFieldFlags(PersonContactFieldFlags(), args, contact, nullptr);
  if (!applied.ok()) return applied;
  std::vector<std::string> name;
  for (const std::string& part :
       {contact->family_name(), contact->given_name(), contact->patronymic()}) {
    if (!part.empty()) name.push_back(part);
  }
  allies::v1::Consent consent;
  absl::StatusOr<bool> given = ApplyInlineConsent(args, "the person", {"ФИО", "контактные данные"},
                                                  absl::StrJoin(name, " "), &consent);
  if (!given.ok()) return given.status();
  if (!*given) {
    return absl::InvalidArgumentError(
        "a person given here needs their consent: --consent-purpose GOVERNANCE and "
        "--consent-method (no personal data without consent, 152-FZ art. 9)");
  }
  *request->mutable_consent() = std::move(consent);
  return request;
}

absl::StatusOr<allies::v1::UpdateMemberRequest> BuildUpdateMemberRequest(absl::string_view name,
                                                                         const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateMemberRequest>(MemberFieldFlags(), "member", name,
                                                             args);
}

absl::StatusOr<allies::v1::CreateMeetingRequest> BuildCreateMeetingRequest(absl::string_view body,
                                                                           const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateMeetingRequest>(CreateMeetingFields(), "meeting",
                                                              std::string(body), args);
}

absl::StatusOr<allies::v1::UpdateMeetingRequest> BuildUpdateMeetingRequest(absl::string_view name,
                                                                           const ParsedArgs& args) {
  if (args.Has("minutes") && args.Has("minutes-file")) {
    return absl::InvalidArgumentError("give the minutes as --minutes or --minutes-file, not both");
  }
  absl::StatusOr<allies::v1::UpdateMeetingRequest> request =
      BuildUpdateRequest<allies::v1::UpdateMeetingRequest>(UpdateMeetingFields(), "meeting", name,
                                                           args);
  if (!request.ok()) return request;
  // A local time is sent as local_start_time, and its mask path says so.
  for (std::string& path : *request->mutable_update_mask()->mutable_paths()) {
    if (path == "start_time" && !request->meeting().local_start_time().empty()) {
      path = "local_start_time";
    }
  }
  return request;
}

absl::StatusOr<allies::v1::RecordNoticesRequest> BuildRecordNoticesRequest(
    absl::string_view meeting, const ParsedArgs& args) {
  allies::v1::RecordNoticesRequest request;
  FillNamedRequest(meeting, args, &request);
  for (std::string& member : MembersOf(args, "members", meeting)) {
    request.add_members(std::move(member));
  }
  if (std::optional<std::string> time = args.Get("time")) {
    absl::StatusOr<google::protobuf::Timestamp> notice = ParseTimestampFlag("time", *time);
    if (!notice.ok()) return notice.status();
    *request.mutable_notice_time() = *notice;
  }
  return request;
}

absl::StatusOr<allies::v1::HoldMeetingRequest> BuildHoldMeetingRequest(absl::string_view meeting,
                                                                       const ParsedArgs& args) {
  allies::v1::HoldMeetingRequest request;
  FillNamedRequest(meeting, args, &request);
  for (std::string& member : MembersOf(args, "present", meeting)) {
    request.add_present(std::move(member));
  }
  if (request.present().empty()) {
    return absl::InvalidArgumentError(
        "--present is required: the members present (ids like m1, or names; comma-separated)");
  }
  return request;
}

absl::StatusOr<allies::v1::RecordAttendanceRequest> BuildRecordAttendanceRequest(
    absl::string_view meeting, const ParsedArgs& args) {
  allies::v1::RecordAttendanceRequest request;
  FillNamedRequest(meeting, args, &request);
  std::set<std::string> present;
  for (std::string& member : MembersOf(args, "present", meeting)) {
    present.insert(member);
    request.add_present(std::move(member));
  }
  for (std::string& member : MembersOf(args, "absent", meeting)) {
    if (present.count(member) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(member, " is given both --present and --absent"));
    }
    request.add_absent(std::move(member));
  }
  if (request.present().empty() && request.absent().empty()) {
    return absl::InvalidArgumentError(
        "give --present (arrived late) or --absent (left): the members whose attendance changed");
  }
  return request;
}

absl::StatusOr<allies::v1::ApproveMinutesRequest> BuildApproveMinutesRequest(
    absl::string_view meeting, const ParsedArgs& args) {
  allies::v1::ApproveMinutesRequest request;
  FillNamedRequest(meeting, args, &request);
  if (std::optional<std::string> at = args.Get("approved-at")) {
    request.set_approved_at(NameUnderBody(meeting, kMeetings, *at));
  }
  return request;
}

absl::StatusOr<allies::v1::AmendMinutesRequest> BuildAmendMinutesRequest(absl::string_view meeting,
                                                                         const ParsedArgs& args) {
  allies::v1::AmendMinutesRequest request;
  FillNamedRequest(meeting, args, &request);
  absl::StatusOr<std::string> text = RequiredText(args, "text", "the correction");
  if (!text.ok()) return text.status();
  request.set_text(*text);
  absl::StatusOr<std::string> item = RequiredText(
      args, "agenda-item", "the adopted agenda item of a later meeting that approved it");
  if (!item.ok()) return item.status();
  request.set_agenda_item(*item);
  return request;
}

absl::StatusOr<allies::v1::CreateAgendaItemRequest> BuildCreateAgendaItemRequest(
    absl::string_view meeting, const ParsedArgs& args) {
  absl::StatusOr<allies::v1::CreateAgendaItemRequest> request =
      BuildCreateRequest<allies::v1::CreateAgendaItemRequest>(AgendaItemFieldFlags(), "agenda_item",
                                                              std::string(meeting), args);
  if (!request.ok()) return request;
  AgendaItem* item = request->mutable_agenda_item();
  item->set_amends_meeting(NameUnderBody(request->parent(), kMeetings, item->amends_meeting()));
  return request;
}

absl::StatusOr<allies::v1::UpdateAgendaItemRequest> BuildUpdateAgendaItemRequest(
    absl::string_view name, const ParsedArgs& args) {
  absl::StatusOr<allies::v1::UpdateAgendaItemRequest> request =
      BuildUpdateRequest<allies::v1::UpdateAgendaItemRequest>(AgendaItemFieldFlags(), "agenda_item",
                                                              name, args);
  if (!request.ok()) return request;
  AgendaItem* item = request->mutable_agenda_item();
  item->set_amends_meeting(NameUnderBody(name, kMeetings, item->amends_meeting()));
  return request;
}

absl::StatusOr<Vote::Choice> ParseVoteChoice(absl::string_view flag, absl::string_view value) {
  const std::string choice = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  if (choice == "for" || choice == "yes") return Vote::YES;
  if (choice == "against" || choice == "no") return Vote::NO;
  if (choice == "abstain") return Vote::ABSTAIN;
  if (choice == "recused") return Vote::RECUSED;
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": expected for, against, abstain or recused, got \"", value, "\""));
}

absl::StatusOr<allies::v1::RecordVotesRequest> BuildRecordVotesRequest(absl::string_view item,
                                                                       const ParsedArgs& args) {
  allies::v1::RecordVotesRequest request;
  FillNamedRequest(item, args, &request);
  absl::StatusOr<std::string> motion = RequiredText(args, "motion", "the motion put to the vote");
  if (!motion.ok()) return motion.status();
  request.set_motion(*motion);
  const std::pair<const char*, Vote::Choice> flags[] = {{"for", Vote::YES},
                                                        {"against", Vote::NO},
                                                        {"abstain", Vote::ABSTAIN},
                                                        {"recused", Vote::RECUSED}};
  std::vector<std::pair<std::string, std::string>> named;  // member, the flag naming it
  for (const auto& [flag, choice] : flags) {
    for (std::string& member : MembersOf(args, flag, item)) {
      for (const auto& [earlier, by] : named) {
        if (earlier == member) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--", flag, ": ", member, " is already named by --", by, " (one vote per member)"));
        }
      }
      named.emplace_back(member, flag);
      Vote* vote = request.add_votes();
      vote->set_member(std::move(member));
      vote->set_choice(choice);
    }
  }
  const std::optional<std::string> others = args.Get("others");
  if (others.has_value()) {
    absl::StatusOr<Vote::Choice> choice = ParseVoteChoice("others", *others);
    if (!choice.ok()) return choice.status();
  }
  if (request.votes().empty() && !others.has_value()) {
    return absl::InvalidArgumentError(
        "give the roll call: --for, --against, --abstain and --recused name the members "
        "present (ids like m1, or names); --others CHOICE gives the rest a choice");
  }
  return request;
}

int AddOtherVotes(const Meeting& meeting, Vote::Choice choice,
                  allies::v1::RecordVotesRequest* request) {
  std::set<std::string> named;
  for (const Vote& vote : request->votes()) named.insert(vote.member());
  int added = 0;
  for (const Meeting::Attendance& attendance : meeting.attendance()) {
    if (attendance.presence() != Meeting::PRESENT || named.count(attendance.member()) != 0) {
      continue;
    }
    Vote* vote = request->add_votes();
    vote->set_member(attendance.member());
    vote->set_choice(choice);
    ++added;
  }
  return added;
}

std::string MeetingOfAgendaItem(absl::string_view item) {
  const size_t at = item.find("/agendaItems/");
  return std::string(at == absl::string_view::npos ? item : item.substr(0, at));
}

absl::StatusOr<allies::v1::CreateDecisionRequest> BuildCreateDecisionRequest(
    absl::string_view body, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateDecisionRequest>(DecisionFieldFlags(), "decision",
                                                               std::string(body), args);
}

absl::StatusOr<allies::v1::UpdateDecisionRequest> BuildUpdateDecisionRequest(
    absl::string_view name, const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateDecisionRequest>(DecisionFieldFlags(), "decision",
                                                               name, args);
}

absl::StatusOr<allies::v1::CreateActionItemRequest> BuildCreateActionItemRequest(
    absl::string_view decision, const ParsedArgs& args) {
  absl::StatusOr<allies::v1::CreateActionItemRequest> request =
      BuildCreateRequest<allies::v1::CreateActionItemRequest>(ActionItemFieldFlags(), "action_item",
                                                              std::string(decision), args);
  if (!request.ok()) return request;
  if (!args.Has("owner-member") && !args.Has("owner")) {
    return absl::InvalidArgumentError(
        "--owner-member (a member of the body) or --owner (a name) is required");
  }
  ActionItem* item = request->mutable_action_item();
  item->set_owner_member(NameUnderBody(request->parent(), kMembers, item->owner_member()));
  return request;
}

absl::StatusOr<allies::v1::UpdateActionItemRequest> BuildUpdateActionItemRequest(
    absl::string_view name, const ParsedArgs& args) {
  absl::StatusOr<allies::v1::UpdateActionItemRequest> request =
      BuildUpdateRequest<allies::v1::UpdateActionItemRequest>(ActionItemFieldFlags(), "action_item",
                                                              name, args);
  if (!request.ok()) return request;
  ActionItem* item = request->mutable_action_item();
  item->set_owner_member(NameUnderBody(name, kMembers, item->owner_member()));
  return request;
}

Table ReaderCouncilsTable(const google::protobuf::RepeatedPtrField<ReaderCouncil>& councils) {
  return BodyColumnsOf<ReaderCouncils>()(councils);
}

Table SupervisoryBoardsTable(const google::protobuf::RepeatedPtrField<SupervisoryBoard>& boards) {
  return BodyColumnsOf<SupervisoryBoards>()(boards);
}

Table MembersTable(const google::protobuf::RepeatedPtrField<Member>& members) {
  return MemberColumns()(members);
}

Table MeetingsTable(const google::protobuf::RepeatedPtrField<Meeting>& meetings) {
  return MeetingColumns()(meetings);
}

Table AgendaItemsTable(const google::protobuf::RepeatedPtrField<AgendaItem>& items) {
  return AgendaItemColumns()(items);
}

Table DecisionsTable(const google::protobuf::RepeatedPtrField<Decision>& decisions) {
  return DecisionColumns()(decisions);
}

Table ActionItemsTable(const google::protobuf::RepeatedPtrField<ActionItem>& items) {
  return ActionItemColumns()(items);
}

void RegisterGovernanceCommands(CommandRegistry* registry) {
  RegisterBody<ReaderCouncils>(registry);
  RegisterBody<SupervisoryBoards>(registry);
}

}  // namespace allies::ctl
