#include "clients/alliesctl/volunteers.h"

#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "allies/v1/volunteer.grpc.pb.h"
#include "clients/alliesctl/consents.h"
#include "clients/alliesctl/libraries.h"
#include "clients/alliesctl/volunteer_csv.h"

namespace allies::ctl {
namespace {

using allies::v1::Activity;
using allies::v1::Consent;
using allies::v1::DateRange;
using allies::v1::Volunteer;
using allies::v1::VolunteerService;
using allies::v1::WeeklyAvailability;

constexpr char kResource[] = "volunteers";

// What an inline consent covers when no --consent-category is given.
const std::vector<std::string>& DefaultConsentCategories() {
  static const auto* const categories =
      new std::vector<std::string>{"ФИО", "дата рождения", "контактные данные"};
  return *categories;
}

// "H:MM" or "HH:MM" (00:00-23:59) as "HH:MM", or nullopt.
std::optional<std::string> ParseClock(absl::string_view text) {
  const size_t colon = text.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (i != colon && !absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return std::nullopt;
    }
  }
  int hours = 0;
  int minutes = 0;
  if (!absl::SimpleAtoi(text.substr(0, colon), &hours) ||
      !absl::SimpleAtoi(text.substr(colon + 1), &minutes) || hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  return absl::StrFormat("%02d:%02d", hours, minutes);
}

// --availability, repeatable or comma-separated; every occurrence together replaces the list
// ("" clears it).
absl::Status SetAvailability(const ParsedArgs& args, google::protobuf::Message* message) {
  auto* volunteer = static_cast<Volunteer*>(message);
  volunteer->clear_availability();
  for (const std::string& value : args.GetList("availability")) {
    absl::StatusOr<WeeklyAvailability> parsed = ParseAvailabilityFlag("availability", value);
    if (!parsed.ok()) return parsed.status();
    *volunteer->add_availability() = *std::move(parsed);
  }
  return absl::OkStatus();
}

// --blackout, repeatable or comma-separated; every occurrence together replaces the list ("" clears
// it).
absl::Status SetBlackouts(const ParsedArgs& args, google::protobuf::Message* message) {
  auto* volunteer = static_cast<Volunteer*>(message);
  volunteer->clear_blackouts();
  for (const std::string& value : args.GetList("blackout")) {
    absl::StatusOr<DateRange> parsed = ParseBlackoutFlag("blackout", value);
    if (!parsed.ok()) return parsed.status();
    *volunteer->add_blackouts() = *std::move(parsed);
  }
  return absl::OkStatus();
}

std::string ChannelNames() { return EnumValueNames(*Volunteer::Channel_descriptor()); }

// The settable fields of Volunteer, as flags of create and update.
const std::vector<FieldFlag>& FieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"family-name", "family_name", "NAME", "family name (at most 100 characters)",
       /*required=*/true},
      {"given-name", "given_name", "NAME", "given name (at most 100 characters)",
       /*required=*/true},
      {"patronymic", "patronymic", "NAME", "patronymic (at most 100 characters)"},
      {"birth-date", "birth_date", "DATE",
       "birth date, YYYY-MM-DD (the age rules depend on it: under 18, a representative gives "
       "the consent)",
       /*required=*/true},
      {"email", "emails", "EMAIL", "e-mail address (at most 10); repeatable or comma-separated"},
      {"phone", "phones", "PHONE",
       "phone number (at most 10), stored as + and digits; repeatable or comma-separated"},
      {"city", "city", "CITY", "city (at most 100 characters)"},
      {"skill", "skills", "TAG",
       "a skill, e.g. \"ремонт книг\" (at most 50); repeatable or comma-separated"},
      {"interest", "interests", "TAG", "an interest (at most 50); repeatable or comma-separated"},
      {"language", "languages", "LANGUAGE",
       "a language, an ISO 639-1 code or a name (\"ru\", \"татарский\"; at most 20); repeatable "
       "or comma-separated"},
      {"availability", "availability", "\"DAY HH:MM-HH:MM\"",
       "a weekly time available, library's local time: day 1 (Monday) - 7 (Sunday) and a time "
       "range, e.g. \"1 09:00-13:00\" (at most 50); repeatable or comma-separated",
       /*required=*/false, SetAvailability},
      {"blackout", "blackouts", "DATE..DATE",
       "dates not available, both included, e.g. \"2026-07-01..2026-07-14\", or one day "
       "\"2026-07-01\" (at most 50); repeatable or comma-separated",
       /*required=*/false, SetBlackouts},
      {"preferred-channel", "preferred_channel", "CHANNEL", ChannelNames()},
      {"opt-out", "opt_outs", "CHANNEL",
       absl::StrCat("a channel the volunteer asked not to be contacted by: ", ChannelNames(),
                    "; repeatable or comma-separated")},
      {"dobro-id", "dobro_id", "ID",
       "the Dobro.rf (ЕИС «Добровольчество») id: 4-12 digits or the profile URL "
       "https://dobro.ru/volunteer/{id}"},
      {"guardian", "guardian", "CONTACT",
       "for a minor: the parent or guardian, libraries/x/contacts/y of the same library"},
      {"notes", "notes", "TEXT", "notes (at most 10000 characters)"},
  };
  return *fields;
}

std::string FullName(const Volunteer& volunteer) {
  std::vector<std::string> parts;
  for (const std::string& part :
       {volunteer.family_name(), volunteer.given_name(), volunteer.patronymic()}) {
    if (!part.empty()) parts.push_back(part);
  }
  return absl::StrJoin(parts, " ");
}

std::string AgeCell(const Volunteer& volunteer) {
  // No birth date: withheld (need to know) or erased.
  return volunteer.has_birth_date() ? absl::StrCat(volunteer.age()) : kEmptyCell;
}

const Columns<Volunteer>& VolunteerColumns() {
  static const auto* const columns = new Columns<Volunteer>{
      {"NAME", "FAMILY NAME", "GIVEN NAME", "AGE", "STATE"},
      [](const Volunteer& volunteer) -> std::vector<std::string> {
        return {volunteer.name(), OrNone(volunteer.family_name()), OrNone(volunteer.given_name()),
                AgeCell(volunteer), EnumName(*Volunteer::State_descriptor(), volunteer.state())};
      }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateVolunteerRequest> CreateRequest(Invocation& inv) {
  return BuildCreateVolunteerRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdateVolunteerRequest> UpdateRequest(Invocation& inv) {
  return BuildUpdateVolunteerRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::MergeVolunteersRequest> MergeRequest(Invocation& inv) {
  return BuildMergeVolunteersRequest(inv.operands()[0], inv.args());
}

// NamedCall's `more` for the lifecycle moves: --reason, kept as state_reason.
struct StateReason {
  template <typename Request>
  absl::Status operator()(const ParsedArgs& args, Request* request) const {
    if (std::optional<std::string> reason = args.Get("reason")) request->set_reason(*reason);
    return absl::OkStatus();
  }
};

// Erasure cannot be undone, so it needs --yes.
absl::Status Confirmed(const ParsedArgs& args, allies::v1::EraseVolunteerRequest*) {
  if (args.GetBool("yes")) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "erasing a volunteer cannot be undone: the person's data is destroyed everywhere it is "
      "held (the volunteer, the activities that mention it, stored responses) and a destruction "
      "record is written; pass --yes to confirm (consider 'volunteers export' first)");
}

int RunDuplicates(Invocation& inv) {
  allies::v1::FindDuplicateVolunteersRequest request;
  request.set_parent(NormalizeLibraryName(inv.operands()[0]));
  allies::v1::FindDuplicateVolunteersResponse response;
  if (int code = Call<VolunteerService>(inv, &VolunteerService::Stub::FindDuplicateVolunteers,
                                        request, &response);
      code != kExitOk) {
    return code;
  }
  return PrintListPage(inv, response, VolunteerDuplicatesTable(response), response.groups().empty(),
                       "", "duplicate volunteers");
}

std::vector<FlagSpec> LifecycleFlags() {
  return {{"reason", '\0', true, "TEXT", "why (optional, at most 1000 characters)"},
          EtagFlag("volunteer"),
          RequestIdFlag()};
}

}  // namespace

absl::StatusOr<WeeklyAvailability> ParseAvailabilityFlag(absl::string_view flag,
                                                         absl::string_view value) {
  const auto error = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ", why, " in \"", value,
                     "\" (want \"DAY HH:MM-HH:MM\", DAY 1 = Monday ... 7 = Sunday, e.g. "
                     "\"1 09:00-13:00\")"));
  };
  absl::string_view text = absl::StripAsciiWhitespace(value);
  const size_t space = text.find_first_of(" \t");
  if (space == absl::string_view::npos) return error("expected a day and a time range");
  const absl::string_view day_text = text.substr(0, space);
  std::string range;
  for (char c : text.substr(space + 1)) {
    if (c != ' ' && c != '\t') range.push_back(c);
  }
  int day = 0;
  if (!absl::SimpleAtoi(day_text, &day) || day < 1 || day > 7) {
    return error(absl::StrCat("the day of the week must be 1-7, got \"", day_text, "\""));
  }
  const std::vector<std::string> times = absl::StrSplit(range, '-');
  if (times.size() != 2) return error("expected a time range HH:MM-HH:MM");
  const std::optional<std::string> start = ParseClock(times[0]);
  const std::optional<std::string> end = ParseClock(times[1]);
  if (!start) return error(absl::StrCat("bad start time \"", times[0], "\""));
  if (!end) return error(absl::StrCat("bad end time \"", times[1], "\""));
  if (*start >= *end) return error("the start time must be before the end time");
  WeeklyAvailability availability;
  availability.set_day_of_week(day);
  availability.set_start_time(*start);
  availability.set_end_time(*end);
  return availability;
}

absl::StatusOr<DateRange> ParseBlackoutFlag(absl::string_view flag, absl::string_view value) {
  const absl::string_view text = absl::StripAsciiWhitespace(value);
  const size_t dots = text.find("..");
  const absl::string_view first =
      absl::StripAsciiWhitespace(dots == absl::string_view::npos ? text : text.substr(0, dots));
  const absl::string_view last =
      absl::StripAsciiWhitespace(dots == absl::string_view::npos ? text : text.substr(dots + 2));
  const absl::StatusOr<google::type::Date> start = ParseDateFlag(flag, first);
  const absl::StatusOr<google::type::Date> end = ParseDateFlag(flag, last);
  if (!start.ok() || !end.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": expected \"YYYY-MM-DD..YYYY-MM-DD\" (or one day YYYY-MM-DD), ",
                     "e.g. \"2026-07-01..2026-07-14\", got \"", value, "\""));
  }
  if (std::make_tuple(end->year(), end->month(), end->day()) <
      std::make_tuple(start->year(), start->month(), start->day())) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": the end ", FormatDate(*end),
                                                   " is before the start ", FormatDate(*start)));
  }
  DateRange range;
  *range.mutable_start_date() = *start;
  *range.mutable_end_date() = *end;
  return range;
}

std::string FormatAvailability(const WeeklyAvailability& availability) {
  return absl::StrCat(availability.day_of_week(), " ", availability.start_time(), "-",
                      availability.end_time());
}

std::string FormatBlackout(const DateRange& range) {
  const std::string start = FormatDate(range.start_date());
  const std::string end = FormatDate(range.end_date());
  return start == end ? start : absl::StrCat(start, "..", end);
}

absl::StatusOr<allies::v1::CreateVolunteerRequest> BuildCreateVolunteerRequest(
    absl::string_view library, const ParsedArgs& args) {
  absl::StatusOr<allies::v1::CreateVolunteerRequest> request =
      BuildCreateRequest<allies::v1::CreateVolunteerRequest>(FieldFlags(), "volunteer",
                                                             std::string(library), args);
  if (!request.ok()) return request;
  // The consent given with the application: an existing one, or described by the flags.
  const std::vector<std::string> inline_flags = InlineConsentFlagsGiven(args);
  const std::optional<std::string> existing = args.Get("consent");
  if (existing.has_value() && !inline_flags.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("give either --consent NAME (a consent recorded before) or the consent "
                     "given with the application (--consent-purpose, --consent-method, ...), "
                     "not both; got --consent and ",
                     absl::StrJoin(inline_flags, ", ")));
  }
  if (existing.has_value()) {
    request->set_consent_name(*existing);
  } else {
    Consent consent;
    absl::StatusOr<bool> given =
        ApplyInlineConsent(args, "the application", DefaultConsentCategories(),
                           FullName(request->volunteer()), &consent);
    if (!given.ok()) return given.status();
    if (*given) *request->mutable_consent() = std::move(consent);
  }
  // Neither: the server refuses (no personal data without consent) and says why.
  return request;
}

absl::StatusOr<allies::v1::UpdateVolunteerRequest> BuildUpdateVolunteerRequest(
    absl::string_view name, const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateVolunteerRequest>(FieldFlags(), "volunteer", name,
                                                                args);
}

absl::StatusOr<allies::v1::MergeVolunteersRequest> BuildMergeVolunteersRequest(
    absl::string_view target, const ParsedArgs& args) {
  allies::v1::MergeVolunteersRequest request;
  request.set_target(std::string(target));
  for (const std::string& source : args.GetList("source")) request.add_sources(source);
  if (request.sources().empty()) {
    return absl::InvalidArgumentError("--source is required: the volunteers to merge into TARGET");
  }
  if (std::optional<std::string> rid = args.Get("request-id")) request.set_request_id(*rid);
  return request;
}

Table VolunteersTable(const google::protobuf::RepeatedPtrField<Volunteer>& volunteers) {
  return VolunteerColumns()(volunteers);
}

Table VolunteerDuplicatesTable(const allies::v1::FindDuplicateVolunteersResponse& response) {
  Table table;
  table.headers = {"GROUP", "VOLUNTEER", "REASONS"};
  for (int i = 0; i < response.groups_size(); ++i) {
    const allies::v1::VolunteerDuplicateGroup& group = response.groups(i);
    for (const std::string& volunteer : group.volunteers()) {
      table.rows.push_back(
          {absl::StrCat(i + 1), volunteer, OrNone(absl::StrJoin(group.reasons(), ", "))});
    }
  }
  return table;
}

Table VolunteerExportTable(const allies::v1::ExportVolunteerDataResponse& response) {
  Table table;
  table.headers = {"TYPE", "NAME", "DETAILS"};
  const Volunteer& volunteer = response.volunteer();
  std::vector<std::string> details;
  if (std::string name = FullName(volunteer); !name.empty()) details.push_back(std::move(name));
  if (volunteer.has_birth_date()) details.push_back(FormatDate(volunteer.birth_date()));
  details.push_back(EnumName(*Volunteer::State_descriptor(), volunteer.state()));
  table.rows.push_back({"volunteer", volunteer.name(), absl::StrJoin(details, ", ")});
  std::set<std::string> listed;
  for (const Consent& consent : response.consents()) {
    listed.insert(consent.name());
    table.rows.push_back({"consent", consent.name(),
                          absl::StrCat(OrNone(PurposesCell(consent)), " ",
                                       EnumName(*Consent::State_descriptor(), consent.state()))});
  }
  for (const Activity& activity : response.activities()) {
    const std::string what = activity.kind() == Activity::SYSTEM
                                 ? absl::StrCat(activity.verb(), " ", activity.resource())
                                 : activity.subject();
    table.rows.push_back({"activity", activity.name(),
                          absl::StrCat(EnumName(*Activity::Kind_descriptor(), activity.kind()), " ",
                                       FormatTimestamp(activity.occurred_time()), " ", what)});
  }
  for (const std::string& name : response.referenced_by()) {
    if (listed.count(name) == 0) table.rows.push_back({"referenced by", name, kEmptyCell});
  }
  for (const std::string& value : response.former_values()) {
    table.rows.push_back({"former value", kEmptyCell, value});
  }
  return table;
}

void RegisterVolunteerCommands(CommandRegistry* registry) {
  registry->AddResource({kResource,
                         {"volunteer"},
                         "volunteers (personal data, held under consent): APPLICANT -> ACTIVE "
                         "<-> PAUSED -> INACTIVE"});

  Command get = NewCommand(kResource, "get", "NAME",
                           "Show a volunteer (libraries/x/volunteers/y), including a deleted one.");
  get.details =
      "Keys that do not manage volunteers get the personal fields cleared\n"
      "(personalDataWithheld in -o json).\n";
  get.run = NamedCall<VolunteerService>(&VolunteerService::Stub::GetVolunteer, VolunteerColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kResource, "list", "[LIBRARY]",
                            "List the volunteers of a library (default: of every library you may "
                            "see, as with -).");
  list.details =
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr. Filter fields: every field, e.g. --filter 'state = ACTIVE',\n"
      "'skills: \"ремонт\"', 'age < 18', 'family_name = \"Петрова\"'.\n"
      "Sortable: name, family_name, given_name, birth_date, state, create_time, update_time.\n";
  list.flags = ListFlagSpecs("volunteers", /*filter_and_order=*/true);
  list.run = ListCall<VolunteerService>(
      &VolunteerService::Stub::ListVolunteers,
      [](allies::v1::ListVolunteersResponse* page) { return page->mutable_volunteers(); },
      VolunteerColumns(), "volunteers");
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kResource, "create", "LIBRARY",
                              "Record a volunteer's application (APPLICANT) with its consent; "
                              "--family-name, --given-name and --birth-date are required.");
  create.details =
      "No personal data without consent (152-FZ): give either --consent NAME, a consent\n"
      "recorded before without a subject ('consents create'), or the consent given with the\n"
      "application: --consent-purpose (at least VOLUNTEER_WORK) and --consent-method, with\n"
      "--consent-document for PAPER. Its subject name is the volunteer's full name; its data\n"
      "categories default to \"ФИО\", \"дата рождения\", \"контактные данные\". Under 18 the\n"
      "consent is given by a representative: --representative, --representative-relation\n"
      "and --representative-document (and --guardian names them as a contact).\n"
      "Example:\n"
      "  alliesctl volunteers create obl --family-name Петрова --given-name Анна\n"
      "    --birth-date 2001-04-12 --phone \"+7 900 123-45-67\" --skill \"ремонт книг\"\n"
      "    --availability \"1 09:00-13:00\" --availability \"6 10:00-14:00\"\n"
      "    --blackout 2026-07-01..2026-07-14 --consent-purpose VOLUNTEER_WORK,COMMUNICATION\n"
      "    --consent-method paper --consent-document 17/2026\n";
  create.flags = CreateFlagSpecs("volunteer", FieldFlags());
  create.flags.push_back({"consent", '\0', true, "CONSENT",
                          "an ACTIVE consent of the library with no subject yet, "
                          "libraries/x/consents/y, which becomes the volunteer's"});
  for (FlagSpec& spec : FieldFlagSpecs(InlineConsentFieldFlags())) {
    create.flags.push_back(std::move(spec));
  }
  create.run = Send<VolunteerService>(&VolunteerService::Stub::CreateVolunteer, CreateRequest,
                                      VolunteerColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kResource, "update", "NAME",
                 "Update the fields given as flags (an empty value clears the field).");
  update.details =
      "The update_mask holds exactly the field flags given. Repeatable flags (--email,\n"
      "--phone, --skill, --availability, --blackout, ...) replace the whole list (\"\" clears\n"
      "it). At least one field flag is required. An erased volunteer cannot be updated.\n";
  update.flags = UpdateFlagSpecs("volunteer", FieldFlags());
  update.run = Send<VolunteerService>(&VolunteerService::Stub::UpdateVolunteer, UpdateRequest,
                                      VolunteerColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kResource, "delete", "NAME", "Soft-delete a volunteer.");
  del.flags = {EtagFlag("volunteer")};
  del.run =
      NamedCall<VolunteerService>(&VolunteerService::Stub::DeleteVolunteer, VolunteerColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(kResource, "undelete", "NAME", "Bring back a deleted volunteer.");
  undelete.flags = {EtagFlag("volunteer"), RequestIdFlag()};
  undelete.run =
      NamedCall<VolunteerService>(&VolunteerService::Stub::UndeleteVolunteer, VolunteerColumns());
  registry->AddCommand(std::move(undelete));

  Command activate = NewCommand(
      kResource, "activate", "NAME",
      "APPLICANT or INACTIVE -> ACTIVE (needs a consent in force covering VOLUNTEER_WORK).");
  activate.flags = LifecycleFlags();
  activate.run = NamedCall<VolunteerService>(&VolunteerService::Stub::ActivateVolunteer,
                                             VolunteerColumns(), StateReason());
  registry->AddCommand(std::move(activate));

  Command pause = NewCommand(kResource, "pause", "NAME", "ACTIVE -> PAUSED.");
  pause.flags = LifecycleFlags();
  pause.run = NamedCall<VolunteerService>(&VolunteerService::Stub::PauseVolunteer,
                                          VolunteerColumns(), StateReason());
  registry->AddCommand(std::move(pause));

  Command resume = NewCommand(kResource, "resume", "NAME",
                              "PAUSED -> ACTIVE (needs a consent in force covering "
                              "VOLUNTEER_WORK).");
  resume.flags = LifecycleFlags();
  resume.run = NamedCall<VolunteerService>(&VolunteerService::Stub::ResumeVolunteer,
                                           VolunteerColumns(), StateReason());
  registry->AddCommand(std::move(resume));

  Command deactivate =
      NewCommand(kResource, "deactivate", "NAME", "APPLICANT, ACTIVE or PAUSED -> INACTIVE.");
  deactivate.flags = LifecycleFlags();
  deactivate.run = NamedCall<VolunteerService>(&VolunteerService::Stub::DeactivateVolunteer,
                                               VolunteerColumns(), StateReason());
  registry->AddCommand(std::move(deactivate));

  Command duplicates = NewCommand(kResource, "duplicates", "LIBRARY",
                                  "Find groups of live volunteers of a library that are likely "
                                  "the same person.");
  duplicates.details =
      "Volunteers are grouped by the same e-mail, the same phone, or the same full name (case,\n"
      "spaces and ё/е folded) and birth date; REASONS says which. Merge a group with\n"
      "'volunteers merge'.\n";
  duplicates.run = RunDuplicates;
  registry->AddCommand(std::move(duplicates));

  Command merge = NewCommand(kResource, "merge", "TARGET",
                             "Merge the --source volunteers into TARGET, which remains.");
  merge.details =
      "In one transaction: every reference to a source moves to TARGET, TARGET's empty\n"
      "fields are filled from the sources (lists are united), the sources' consents become\n"
      "TARGET's, and the sources are soft-deleted. All must be of one library.\n";
  merge.flags = {{"source", '\0', true, "NAME",
                  "a volunteer to merge into TARGET (at least one, at most 50); repeatable or "
                  "comma-separated"},
                 RequestIdFlag()};
  merge.run = Send<VolunteerService>(&VolunteerService::Stub::MergeVolunteers, MergeRequest,
                                     VolunteerColumns());
  registry->AddCommand(std::move(merge));

  Command export_data = NewCommand(
      kResource, "export", "LIBRARY|NAME",
      "Export a library's volunteers as CSV (LIBRARY), or everything held on one volunteer "
      "(NAME, libraries/x/volunteers/y).");
  export_data.details =
      "LIBRARY (x or libraries/x): every live volunteer of the library as CSV (UTF-8, ';',\n"
      "RFC 4180 quoting) on stdout or into --file: the columns 'volunteers import' reads,\n"
      "named in English, lists joined with |, and consent_number, consent_date (its day, UTC),\n"
      "consent_valid_until and the representative from the volunteer's latest ACTIVE consent\n"
      "covering VOLUNTEER_WORK. Importing the file into another library recreates the\n"
      "volunteers; one whose consent has no document number (an electronic one) is exported\n"
      "with an empty consent_number, which the import refuses (a warning names them).\n"
      "Erased volunteers are left out.\n"
      "NAME: the record, its consents, the activities about it, what refers to it and the\n"
      "values it was known by. The table lists what is held; -o json or -o yaml gives all of\n"
      "it (for a subject access request under 152-FZ).\n"
      "Example:\n"
      "  alliesctl volunteers export obl --file volunteers.csv\n"
      "  alliesctl volunteers import gorod volunteers.csv\n";
  export_data.flags = {
      {"file", '\0', true, "OUT.csv", "with LIBRARY: write the CSV here (default: stdout)"}};
  export_data.run = [](Invocation& inv) {
    // A volunteer's name has a collection part; a library's does not.
    if (absl::StrContains(inv.operands()[0], "/volunteers/")) {
      if (inv.args().Has("file")) {
        return inv.UsageError(
            "--file goes with a library's CSV export; one volunteer's data is printed");
      }
      return NamedCall<VolunteerService>(&VolunteerService::Stub::ExportVolunteerData,
                                         VolunteerExportTable)(inv);
    }
    return RunVolunteerCsvExport(inv);
  };
  registry->AddCommand(std::move(export_data));

  Command erase = NewCommand(kResource, "erase", "NAME",
                             "Erase a volunteer's personal data everywhere; cannot be undone.");
  erase.details =
      "Destroys the person's data in the volunteer, the activities that mention it and\n"
      "stored responses, keeps the record, its links and its hours for statistics, and\n"
      "writes a destruction record ('consents destructions'). It cannot be undone, so it\n"
      "needs --yes.\n";
  erase.flags = {{"yes", '\0', false, "", "confirm the erasure (required)"},
                 EtagFlag("volunteer"),
                 RequestIdFlag()};
  erase.run = NamedCall<VolunteerService>(&VolunteerService::Stub::EraseVolunteer,
                                          VolunteerColumns(), Confirmed);
  registry->AddCommand(std::move(erase));

  registry->AddCommand(VolunteerImportCommand());
}

}  // namespace allies::ctl
