#include "clients/alliesctl/projects.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "allies/v1/project.grpc.pb.h"
#include "allies/v1/volunteer.pb.h"
#include "clients/alliesctl/libraries.h"

namespace allies::ctl {
namespace {

using allies::v1::Project;
using allies::v1::ProjectService;
using allies::v1::Schedule;
using allies::v1::Shift;
using allies::v1::Signup;

constexpr char kProjects[] = "projects";
constexpr char kShifts[] = "shifts";
constexpr char kSchedules[] = "schedules";
constexpr char kSignups[] = "signups";
constexpr int kDefaultWithinHours = 24;

// ---- Projects ----

// The settable fields of Project, as flags of create and update.
const std::vector<FieldFlag>& ProjectFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"title", "title", "TITLE",
       "what the project is, e.g. \"Громкие чтения\" (at most 300 "
       "characters)",
       /*required=*/true},
      {"description", "description", "TEXT", "details (at most 10000 characters)"},
      {"partner", "partner", "PARTNER",
       "the partner it is run with, libraries/x/partners/y of the same library"},
      {"agreement", "agreement", "AGREEMENT",
       "the agreement it is run under, libraries/x/agreements/y of the same library"},
      {"branch", "branch", "LIBRARY",
       "the library or branch where it happens, x or libraries/x (default: its own library)",
       /*required=*/false,
       [](const ParsedArgs& args, google::protobuf::Message* project) {
         static_cast<Project*>(project)->set_branch(NormalizeLibraryName(*args.Get("branch")));
         return absl::OkStatus();
       }},
      {"skill", "skills", "TAG",
       "a skill wanted, e.g. \"чтение вслух\" (at most 50); repeatable or comma-separated"},
      {"minimum-age", "minimum_age", "YEARS",
       "the youngest volunteer it takes, 0 (none) - 100, by age on the shift's date"},
      {"required-qualification", "required_qualifications", "KIND",
       absl::StrCat("a qualification every volunteer needs, valid until the shift ends: ",
                    EnumValueNames(*allies::v1::Qualification::Kind_descriptor()),
                    "; repeatable or comma-separated")},
      {"start-date", "start_date", "DATE", "when it starts, YYYY-MM-DD"},
      {"end-date", "end_date", "DATE", "when it ends, YYYY-MM-DD, not before --start-date"},
  };
  return *fields;
}

const Columns<Project>& ProjectColumns() {
  static const auto* const columns = new Columns<Project>{
      {"NAME", "TITLE", "STATE", "START DATE", "END DATE"},
      [](const Project& project) -> std::vector<std::string> {
        return {project.name(), OrNone(project.title()),
                EnumName(*Project::State_descriptor(), project.state()),
                OrNone(FormatDate(project.start_date())), OrNone(FormatDate(project.end_date()))};
      }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateProjectRequest> CreateProjectRequest(Invocation& inv) {
  return BuildCreateProjectRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdateProjectRequest> UpdateProjectRequest(Invocation& inv) {
  return BuildUpdateProjectRequest(inv.operands()[0], inv.args());
}

// NamedCall's `more` for the lifecycle moves: --reason, kept as state_reason.
struct StateReason {
  template <typename Request>
  absl::Status operator()(const ParsedArgs& args, Request* request) const {
    if (std::optional<std::string> reason = args.Get("reason")) request->set_reason(*reason);
    return absl::OkStatus();
  }
};

absl::Status CancellationReason(const ParsedArgs& args, allies::v1::CancelProjectRequest* request) {
  std::optional<std::string> reason = args.Get("reason");
  if (!reason.has_value() || absl::StripAsciiWhitespace(*reason).empty()) {
    return absl::InvalidArgumentError("--reason is required: why the project is cancelled");
  }
  request->set_reason(*reason);
  return absl::OkStatus();
}

// Confirmation may go past an overlapping shift of the volunteer with --overlap-reason.
absl::Status ConfirmationReasons(const ParsedArgs& args,
                                 allies::v1::ConfirmSignupRequest* request) {
  if (std::optional<std::string> reason = args.Get("reason")) request->set_reason(*reason);
  if (std::optional<std::string> overlap = args.Get("overlap-reason")) {
    request->set_overlap_reason(*overlap);
  }
  return absl::OkStatus();
}

std::vector<FlagSpec> LifecycleFlags(absl::string_view noun) {
  return {{"reason", '\0', true, "TEXT", "why (optional, at most 1000 characters)"},
          EtagFlag(noun),
          RequestIdFlag()};
}

// ---- Shifts ----

// The settable fields of Shift, as flags of create and update.
const std::vector<FieldFlag>& ShiftFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"start", "start_time", "TIME",
       "when it starts: the library's local time YYYY-MM-DDTHH:MM (e.g. 2026-12-05T10:00), or "
       "RFC 3339 with a zone (2026-12-05T10:00:00+10:00, ...Z)",
       /*required=*/true,
       [](const ParsedArgs& args, google::protobuf::Message* shift) {
         return SetShiftTime("start", *args.Get("start"), /*start=*/true,
                             static_cast<Shift*>(shift));
       }},
      {"end", "end_time", "TIME", "when it ends, as --start: after it, at most 7 days later",
       /*required=*/true,
       [](const ParsedArgs& args, google::protobuf::Message* shift) {
         return SetShiftTime("end", *args.Get("end"), /*start=*/false, static_cast<Shift*>(shift));
       }},
      {"capacity", "capacity", "N", "places: 1-10000 people (a sign-up takes its party size)",
       /*required=*/true},
      {"waitlist", "waitlist_mode", "MODE",
       "beyond the capacity: AUTO (waitlisted, freed places go to the waitlist at once; the "
       "default), MANUAL (waitlisted, confirmed by hand) or NONE (refused: SHIFT_FULL)"},
      {"place", "place", "TEXT", "where (at most 1000 characters)"},
      {"notes", "notes", "TEXT", "notes (at most 10000 characters)"},
  };
  return *fields;
}

const Columns<Shift>& ShiftColumns() {
  static const auto* const columns = new Columns<Shift>{
      {"NAME", "START", "END", "TIME ZONE", "CAPACITY", "CONFIRMED", "LEFT", "WAITLIST"},
      [](const Shift& shift) -> std::vector<std::string> {
        // Local times when the server gave them (it does, from the library's zone), else UTC.
        const std::string start = shift.local_start_time().empty()
                                      ? FormatTimestamp(shift.start_time())
                                      : shift.local_start_time();
        const std::string end = shift.local_end_time().empty() ? FormatTimestamp(shift.end_time())
                                                               : shift.local_end_time();
        return {shift.name(),
                OrNone(start),
                OrNone(end),
                OrNone(shift.time_zone()),
                absl::StrCat(shift.capacity()),
                absl::StrCat(shift.confirmed_count()),
                absl::StrCat(shift.places_left()),
                absl::StrCat(shift.waitlist_length())};
      }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateShiftRequest> CreateShiftRequest(Invocation& inv) {
  return BuildCreateShiftRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdateShiftRequest> UpdateShiftRequest(Invocation& inv) {
  return BuildUpdateShiftRequest(inv.operands()[0], inv.args());
}

// The request of a List command under a project: the parent of ShiftListParent and the shared
// list flags.
struct ShiftListFlags {
  int operator()(Invocation& inv, allies::v1::ListShiftsRequest& request) const {
    request.set_parent(ShiftListParent(inv.operands().empty() ? "" : inv.operands()[0]));
    return ApplyListFlags(inv, request);
  }
};

int UpcomingFlags(Invocation& inv, allies::v1::ListUpcomingShiftsRequest& request) {
  absl::StatusOr<allies::v1::ListUpcomingShiftsRequest> built =
      BuildUpcomingShiftsRequest(inv.args());
  if (!built.ok()) return inv.UsageError(built.status().message());
  request = *std::move(built);
  return ApplyPageFlags(inv, request);
}

// ---- Schedules ----

// The settable fields of Schedule, as flags of create and update.
const std::vector<FieldFlag>& ScheduleFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"rule", "rule", "RRULE",
       "how the shifts recur (RFC 5545 RRULE subset): FREQ=WEEKLY;BYDAY=MO,WE (INTERVAL=2: "
       "every other week) or FREQ=MONTHLY;BYDAY=2TU, BYDAY=-1FR or BYMONTHDAY=1,-1; optional "
       "UNTIL=YYYYMMDD or COUNT=N",
       /*required=*/true},
      {"start-date", "start_date", "DATE",
       "the series' first day (the library's local date), YYYY-MM-DD",
       /*required=*/true},
      {"start-time", "start_time", "HH:MM",
       "when each shift starts, the library's local time (e.g. 10:00)",
       /*required=*/true,
       [](const ParsedArgs& args, google::protobuf::Message* schedule) {
         absl::StatusOr<std::string> time =
             ParseClockTimeFlag("start-time", *args.Get("start-time"));
         if (!time.ok()) return time.status();
         static_cast<Schedule*>(schedule)->set_start_time(*time);
         return absl::OkStatus();
       }},
      {"duration-minutes", "duration_minutes", "MINUTES", "how long each shift lasts, 1-1440",
       /*required=*/true},
      {"capacity", "capacity", "N", "each shift's places: 1-10000 people", /*required=*/true},
      {"waitlist-mode", "waitlist_mode", "MODE",
       "each shift's waitlist: AUTO (the default), MANUAL or NONE, as on 'shifts create "
       "--waitlist'"},
      {"place", "place", "TEXT", "where (at most 1000 characters)"},
      {"notes", "notes", "TEXT", "each shift's notes (at most 10000 characters)"},
      {"horizon-days", "horizon_days", "DAYS",
       "how far ahead the shifts exist, 7-366 days (default 90); the server extends them hourly"},
  };
  return *fields;
}

const Columns<Schedule>& ScheduleColumns() {
  static const auto* const columns = new Columns<Schedule>{
      {"NAME", "RULE", "START", "TIME", "MINUTES", "CAPACITY", "THROUGH", "KEPT"},
      [](const Schedule& schedule) -> std::vector<std::string> {
        return {schedule.name(),
                OrNone(schedule.rule_description().empty() ? schedule.rule()
                                                           : schedule.rule_description()),
                OrNone(FormatDate(schedule.start_date())),
                OrNone(schedule.start_time()),
                absl::StrCat(schedule.duration_minutes()),
                absl::StrCat(schedule.capacity()),
                OrNone(FormatDate(schedule.generated_through())),
                absl::StrCat(schedule.kept_shifts_size())};
      }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateScheduleRequest> CreateScheduleRequest(Invocation& inv) {
  return BuildCreateScheduleRequest(inv.operands()[0], inv.args());
}

// `schedules update`: the schedule, then a note on stderr naming the shifts the change left as
// they were.
int RunScheduleUpdate(Invocation& inv) {
  absl::StatusOr<allies::v1::UpdateScheduleRequest> request =
      BuildUpdateScheduleRequest(inv.operands()[0], inv.args());
  if (!request.ok()) return inv.UsageError(request.status().message());
  Schedule schedule;
  if (int code =
          Call<ProjectService>(inv, &ProjectService::Stub::UpdateSchedule, *request, &schedule);
      code != kExitOk) {
    return code;
  }
  const int printed = inv.Print(schedule, ScheduleColumns()(schedule));
  const std::string note = KeptShiftsNote(schedule);
  if (!note.empty()) inv.err() << note << "\n";
  return printed;
}

struct ScheduleListFlags {
  int operator()(Invocation& inv, allies::v1::ListSchedulesRequest& request) const {
    request.set_parent(ShiftListParent(inv.operands().empty() ? "" : inv.operands()[0]));
    return ApplyListFlags(inv, request);
  }
};

// ---- Sign-ups ----

// The settable fields of Signup, as flags of create.
const std::vector<FieldFlag>& SignupFieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"volunteer", "volunteer", "VOLUNTEER",
       "the volunteer, libraries/x/volunteers/y of the shift's library: ACTIVE, with a consent "
       "to volunteer work in force on the shift's day",
       /*required=*/true},
      {"party-size", "party_size", "N", "the volunteer and who comes with them, 1-20 (default 1)"},
      {"source", "source", "SOURCE",
       "STAFF (the default), SELF_SERVICE or IMPORT (an IMPORT may record a shift that has "
       "ended); an INTEGRATION key's sign-ups are always SELF_SERVICE"},
      {"overlap-reason", "overlap_reason", "TEXT",
       "confirm despite another confirmed shift of the volunteer at the same time, for this "
       "reason (logged; at most 1000 characters)"},
      {"notes", "notes", "TEXT", "notes (at most 1000 characters)"},
  };
  return *fields;
}

const Columns<Signup>& SignupColumns() {
  static const auto* const columns = new Columns<Signup>{
      {"NAME", "VOLUNTEER", "PARTY", "SOURCE", "STATE"},
      [](const Signup& signup) -> std::vector<std::string> {
        return {signup.name(), OrNone(signup.volunteer()), absl::StrCat(signup.party_size()),
                EnumName(*Signup::Source_descriptor(), signup.source()),
                EnumName(*Signup::State_descriptor(), signup.state())};
      }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateSignupRequest> CreateSignupRequest(Invocation& inv) {
  return BuildCreateSignupRequest(inv.operands()[0], inv.args());
}

struct SignupListFlags {
  int operator()(Invocation& inv, allies::v1::ListSignupsRequest& request) const {
    request.set_parent(SignupListParent(inv.operands().empty() ? "" : inv.operands()[0]));
    return ApplyListFlags(inv, request);
  }
};

void RegisterProjects(CommandRegistry* registry) {
  registry->AddResource(
      {kProjects, {"project"}, "volunteer projects: PLANNED -> ACTIVE -> COMPLETED, or CANCELLED"});

  Command get = NewCommand(kProjects, "get", "NAME",
                           "Show a project (libraries/x/projects/y), including a deleted one.");
  get.run = NamedCall<ProjectService>(&ProjectService::Stub::GetProject, ProjectColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kProjects, "list", "[LIBRARY]",
                            "List the projects of a library (default: of every library you may "
                            "see, as with -).");
  list.details =
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr. Filter fields: title, partner, agreement, branch, skills,\n"
      "minimum_age, required_qualifications, start_date, end_date, state, create_time,\n"
      "update_time; e.g. --filter 'state = ACTIVE', 'skills: \"чтение\"'.\n"
      "Sortable: title, minimum_age, start_date, end_date, state, create_time, update_time.\n";
  list.flags = ListFlagSpecs("projects", /*filter_and_order=*/true);
  list.run = ListCall<ProjectService>(
      &ProjectService::Stub::ListProjects,
      [](allies::v1::ListProjectsResponse* page) { return page->mutable_projects(); },
      ProjectColumns(), "projects");
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kProjects, "create", "LIBRARY",
                              "Create a PLANNED project in a library; --title is required.");
  create.details =
      "Example:\n"
      "  alliesctl projects create obl --id readings --title \"Громкие чтения\"\n"
      "    --skill \"чтение вслух\" --minimum-age 14 --start-date 2026-12-01\n"
      "Shifts take sign-ups while the project is PLANNED or ACTIVE.\n";
  create.flags = CreateFlagSpecs("project", ProjectFieldFlags());
  create.run = Send<ProjectService>(&ProjectService::Stub::CreateProject, CreateProjectRequest,
                                    ProjectColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kProjects, "update", "NAME",
                 "Update the fields given as flags (an empty value clears the field).");
  update.details =
      "The update_mask holds exactly the field flags given; --skill and\n"
      "--required-qualification replace the whole list (\"\" clears it). Only PLANNED and\n"
      "ACTIVE projects change.\n";
  update.flags = UpdateFlagSpecs("project", ProjectFieldFlags());
  update.run = Send<ProjectService>(&ProjectService::Stub::UpdateProject, UpdateProjectRequest,
                                    ProjectColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kProjects, "delete", "NAME",
                           "Soft-delete a project (with live shifts, only with --force, which "
                           "deletes them too).");
  del.flags = {EtagFlag("project"),
               {"force", '\0', false, "", "also delete its live shifts and their sign-ups"}};
  del.run = NamedCall<ProjectService>(&ProjectService::Stub::DeleteProject, ProjectColumns());
  registry->AddCommand(std::move(del));

  Command undelete =
      NewCommand(kProjects, "undelete", "NAME", "Bring back a deleted project (not its shifts).");
  undelete.flags = {EtagFlag("project"), RequestIdFlag()};
  undelete.run =
      NamedCall<ProjectService>(&ProjectService::Stub::UndeleteProject, ProjectColumns());
  registry->AddCommand(std::move(undelete));

  Command activate = NewCommand(kProjects, "activate", "NAME", "PLANNED -> ACTIVE.");
  activate.flags = LifecycleFlags("project");
  activate.run = NamedCall<ProjectService>(&ProjectService::Stub::ActivateProject, ProjectColumns(),
                                           StateReason());
  registry->AddCommand(std::move(activate));

  Command complete = NewCommand(kProjects, "complete", "NAME", "ACTIVE -> COMPLETED.");
  complete.flags = LifecycleFlags("project");
  complete.run = NamedCall<ProjectService>(&ProjectService::Stub::CompleteProject, ProjectColumns(),
                                           StateReason());
  registry->AddCommand(std::move(complete));

  Command cancel = NewCommand(kProjects, "cancel", "NAME",
                              "PLANNED or ACTIVE -> CANCELLED; --reason is required.");
  cancel.flags = {{"reason", '\0', true, "TEXT", "why (required, at most 1000 characters)"},
                  EtagFlag("project"),
                  RequestIdFlag()};
  cancel.run = NamedCall<ProjectService>(&ProjectService::Stub::CancelProject, ProjectColumns(),
                                         CancellationReason);
  registry->AddCommand(std::move(cancel));
}

void RegisterShifts(CommandRegistry* registry) {
  registry->AddResource({kShifts,
                         {"shift"},
                         "a project's shifts: times in the library's time zone, places, "
                         "waitlist"});

  Command get =
      NewCommand(kShifts, "get", "NAME",
                 "Show a shift (libraries/x/projects/p/shifts/s), including a deleted one.");
  get.run = NamedCall<ProjectService>(&ProjectService::Stub::GetShift, ShiftColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kShifts, "list", "[PROJECT]",
                            "List the shifts of a project (libraries/x/projects/p; - for either "
                            "id; default: of every project you may see), soonest first.");
  list.details =
      "A library alone (x or libraries/x) lists the shifts of all its projects. START and\n"
      "END are in the library's time zone (TIME ZONE); LEFT is the places left, WAITLIST\n"
      "the sign-ups waiting. Without --all, one page is printed. Filter fields: e.g.\n"
      "--filter 'start_time >= \"2026-12-01T00:00:00Z\" AND places_left > 0',\n"
      "'waitlist_mode = NONE'. Sortable: start_time, end_time, capacity, confirmed_count,\n"
      "places_left, create_time.\n";
  list.flags = ListFlagSpecs("shifts", /*filter_and_order=*/true);
  list.run = ListCall<ProjectService>(
      &ProjectService::Stub::ListShifts,
      [](allies::v1::ListShiftsResponse* page) { return page->mutable_shifts(); }, ShiftColumns(),
      "shifts", ShiftListFlags());
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kShifts, "create", "PROJECT",
                              "Create a shift of a PLANNED or ACTIVE project "
                              "(libraries/x/projects/p); --start, --end and --capacity are "
                              "required.");
  create.details =
      "--start and --end without a zone are the library's local time (libraries update\n"
      "--time-zone sets it; default Europe/Moscow); with Z or an offset they are exact\n"
      "instants. Example:\n"
      "  alliesctl shifts create obl/projects/readings --start 2026-12-05T10:00\n"
      "    --end 2026-12-05T13:00 --capacity 5 --waitlist auto --place \"Читальный зал\"\n";
  create.flags = CreateFlagSpecs("shift", ShiftFieldFlags());
  create.run =
      Send<ProjectService>(&ProjectService::Stub::CreateShift, CreateShiftRequest, ShiftColumns());
  registry->AddCommand(std::move(create));

  Command update = NewCommand(kShifts, "update", "NAME",
                              "Update the fields given as flags (times as on create).");
  update.details =
      "The update_mask holds exactly the field flags given (local_start_time and\n"
      "local_end_time for local times). The capacity never goes below the places\n"
      "confirmed; raised in AUTO mode, the waitlist moves up. A shift moves only where its\n"
      "confirmed volunteers have no other shift at that time.\n";
  update.flags = UpdateFlagSpecs("shift", ShiftFieldFlags());
  update.run =
      Send<ProjectService>(&ProjectService::Stub::UpdateShift, UpdateShiftRequest, ShiftColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kShifts, "delete", "NAME",
                           "Soft-delete a shift (with live sign-ups, only with --force).");
  del.flags = {EtagFlag("shift"), {"force", '\0', false, "", "also delete its live sign-ups"}};
  del.run = NamedCall<ProjectService>(&ProjectService::Stub::DeleteShift, ShiftColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(kShifts, "undelete", "NAME", "Bring back a deleted shift.");
  undelete.flags = {EtagFlag("shift"), RequestIdFlag()};
  undelete.run = NamedCall<ProjectService>(&ProjectService::Stub::UndeleteShift, ShiftColumns());
  registry->AddCommand(std::move(undelete));

  Command upcoming = NewCommand(kShifts, "upcoming", "",
                                "List live shifts starting from now to --within-hours ahead, "
                                "soonest first.");
  upcoming.details =
      "--parent x (or libraries/x) covers the library and the libraries under it;\n"
      "--parent libraries/x/projects/p one project; --volunteer only the shifts the\n"
      "volunteer is CONFIRMED for (with or without --parent).\n";
  upcoming.flags = PageFlagSpecs("shifts");
  upcoming.flags.push_back({"parent", '\0', true, "PARENT",
                            "a library (x, libraries/x: with its subtree), - for every library "
                            "you may see, or a project libraries/x/projects/p"});
  upcoming.flags.push_back({"volunteer", '\0', true, "VOLUNTEER",
                            "only the shifts this volunteer (libraries/x/volunteers/y) is "
                            "CONFIRMED for"});
  upcoming.flags.push_back(
      {"within-hours", '\0', true, "HOURS",
       absl::StrCat("how far ahead to look, 1-8784 (default ", kDefaultWithinHours, ")")});
  upcoming.run = ListCall<ProjectService>(
      &ProjectService::Stub::ListUpcomingShifts,
      [](allies::v1::ListShiftsResponse* page) { return page->mutable_shifts(); }, ShiftColumns(),
      "upcoming shifts", UpcomingFlags);
  registry->AddCommand(std::move(upcoming));
}

void RegisterSchedules(CommandRegistry* registry) {
  registry->AddResource({kSchedules,
                         {"schedule"},
                         "a project's recurring shifts: a rule in the library's local time, "
                         "shifts made ahead to a horizon"});

  Command get =
      NewCommand(kSchedules, "get", "NAME",
                 "Show a schedule (libraries/x/projects/p/schedules/r), including a deleted one.");
  get.run = NamedCall<ProjectService>(&ProjectService::Stub::GetSchedule, ScheduleColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kSchedules, "list", "[PROJECT]",
                            "List the schedules of a project (libraries/x/projects/p; - for either "
                            "id; default: of every project you may see).");
  list.details =
      "A library alone (x or libraries/x) lists the schedules of all its projects. RULE is\n"
      "the rule in words, START the series' first day and TIME its local start time,\n"
      "THROUGH the last day its shifts exist for, KEPT how many shifts the last change left\n"
      "as they were (they have sign-ups; -o json names them). A schedule's shifts:\n"
      "  alliesctl shifts list PROJECT --filter 'schedule = \"NAME\"'\n"
      "Sortable: start_date, generated_through.\n";
  list.flags = ListFlagSpecs("schedules", /*filter_and_order=*/true);
  list.run = ListCall<ProjectService>(
      &ProjectService::Stub::ListSchedules,
      [](allies::v1::ListSchedulesResponse* page) { return page->mutable_schedules(); },
      ScheduleColumns(), "schedules", ScheduleListFlags());
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kSchedules, "create", "PROJECT",
                              "Create a recurring schedule of a project (libraries/x/projects/p) "
                              "and its shifts up to the horizon; --rule, --start-date, "
                              "--start-time, --duration-minutes and --capacity are required.");
  create.details =
      "Dates and times are the library's local ones (libraries update --time-zone sets its\n"
      "zone; default Europe/Moscow), so a shift at 10:00 stays at 10:00 across a change of\n"
      "daylight saving time. Example, every Saturday at 11:00 for two hours:\n"
      "  alliesctl schedules create obl/projects/readings --rule 'FREQ=WEEKLY;BYDAY=SA'\n"
      "    --start-date 2026-12-05 --start-time 11:00 --duration-minutes 120 --capacity 5\n"
      "The second Tuesday of each month: --rule 'FREQ=MONTHLY;BYDAY=2TU'.\n";
  create.flags = CreateFlagSpecs("schedule", ScheduleFieldFlags());
  create.run = Send<ProjectService>(&ProjectService::Stub::CreateSchedule, CreateScheduleRequest,
                                    ScheduleColumns());
  registry->AddCommand(std::move(create));

  Command update = NewCommand(kSchedules, "update", "NAME",
                              "Update the fields given as flags; the change is carried to the "
                              "future shifts without sign-ups.");
  update.details =
      "The update_mask holds exactly the field flags given. Future shifts of the series\n"
      "without sign-ups are moved, added or deleted as the new settings say; those with\n"
      "sign-ups keep their time and capacity, and are named on stderr (\"kept as they were\")\n"
      "for you to move or cancel by hand.\n";
  update.flags = UpdateFlagSpecs("schedule", ScheduleFieldFlags());
  update.run = RunScheduleUpdate;
  registry->AddCommand(std::move(update));

  Command del =
      NewCommand(kSchedules, "delete", "NAME",
                 "End a series: its future shifts are deleted (those with sign-ups only with "
                 "--force); past shifts stay.");
  del.flags = {EtagFlag("schedule"),
               {"force", '\0', false, "", "also delete its future shifts that have sign-ups"}};
  del.run = NamedCall<ProjectService>(&ProjectService::Stub::DeleteSchedule, ScheduleColumns());
  registry->AddCommand(std::move(del));
}

void RegisterSignups(CommandRegistry* registry) {
  registry->AddResource({kSignups,
                         {"signup", "sign-ups"},
                         "volunteers' sign-ups for shifts: REQUESTED, CONFIRMED, WAITLISTED -> "
                         "COMPLETED, NO_SHOW, CANCELED"});

  Command get = NewCommand(
      kSignups, "get", "NAME",
      "Show a sign-up (libraries/x/projects/p/shifts/s/signups/u), including a deleted one.");
  get.run = NamedCall<ProjectService>(&ProjectService::Stub::GetSignup, SignupColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kSignups, "list", "[SHIFT]",
                            "List the sign-ups of a shift (libraries/x/projects/p/shifts/s; - for "
                            "any id; default: of every shift you may see).");
  list.details =
      "A project lists the sign-ups of each of its shifts, a library (x or libraries/x)\n"
      "those of all its projects. Filter fields: volunteer, state, source, party_size,\n"
      "waitlist_time, create_time, update_time; e.g. --filter 'volunteer =\n"
      "\"libraries/x/volunteers/y\" AND state = CONFIRMED'. Sortable: state, waitlist_time,\n"
      "create_time, update_time (default create_time).\n";
  list.flags = ListFlagSpecs("sign-ups", /*filter_and_order=*/true);
  list.run = ListCall<ProjectService>(
      &ProjectService::Stub::ListSignups,
      [](allies::v1::ListSignupsResponse* page) { return page->mutable_signups(); },
      SignupColumns(), "sign-ups", SignupListFlags());
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kSignups, "create", "SHIFT",
                              "Sign a volunteer up for a shift (libraries/x/projects/p/shifts/s); "
                              "--volunteer is required.");
  create.details =
      "CONFIRMED when the party fits; else WAITLISTED (waitlist AUTO or MANUAL) or refused\n"
      "with SHIFT_FULL (NONE). With --request-only it is REQUESTED and takes no place until\n"
      "'signups confirm'. The volunteer must be ACTIVE, with a consent to volunteer work in\n"
      "force on the shift's day, old enough for the project and with the qualifications it\n"
      "requires; a shift that has ended takes only --source import.\n";
  create.flags = CreateFlagSpecs("sign-up", SignupFieldFlags());
  create.flags.push_back(
      {"request-only", '\0', false, "", "record the request (REQUESTED) without taking a place"});
  create.run = Send<ProjectService>(&ProjectService::Stub::CreateSignup, CreateSignupRequest,
                                    SignupColumns());
  registry->AddCommand(std::move(create));

  Command confirm = NewCommand(kSignups, "confirm", "NAME",
                               "REQUESTED or WAITLISTED -> CONFIRMED, when the party fits.");
  confirm.flags = LifecycleFlags("sign-up");
  confirm.flags.push_back({"overlap-reason", '\0', true, "TEXT",
                           "confirm despite another confirmed shift of the volunteer at the "
                           "same time, for this reason (logged)"});
  confirm.run = NamedCall<ProjectService>(&ProjectService::Stub::ConfirmSignup, SignupColumns(),
                                          ConfirmationReasons);
  registry->AddCommand(std::move(confirm));

  Command waitlist = NewCommand(kSignups, "waitlist", "NAME", "REQUESTED -> WAITLISTED.");
  waitlist.flags = LifecycleFlags("sign-up");
  waitlist.run = NamedCall<ProjectService>(&ProjectService::Stub::WaitlistSignup, SignupColumns(),
                                           StateReason());
  registry->AddCommand(std::move(waitlist));

  Command cancel = NewCommand(kSignups, "cancel", "NAME",
                              "REQUESTED, WAITLISTED or CONFIRMED -> CANCELED (in AUTO mode the "
                              "freed places go to the waitlist).");
  cancel.flags = LifecycleFlags("sign-up");
  cancel.run = NamedCall<ProjectService>(&ProjectService::Stub::CancelSignup, SignupColumns(),
                                         StateReason());
  registry->AddCommand(std::move(cancel));

  Command complete = NewCommand(kSignups, "complete", "NAME",
                                "CONFIRMED -> COMPLETED, once the shift has started.");
  complete.flags = LifecycleFlags("sign-up");
  complete.run = NamedCall<ProjectService>(&ProjectService::Stub::CompleteSignup, SignupColumns(),
                                           StateReason());
  registry->AddCommand(std::move(complete));

  Command no_show =
      NewCommand(kSignups, "no-show", "NAME", "CONFIRMED -> NO_SHOW, once the shift has started.");
  no_show.flags = LifecycleFlags("sign-up");
  no_show.run = NamedCall<ProjectService>(&ProjectService::Stub::MarkSignupNoShow, SignupColumns(),
                                          StateReason());
  registry->AddCommand(std::move(no_show));
}

}  // namespace

std::string ShiftListParent(absl::string_view operand) {
  return ListParentBelow(operand, {"projects"});
}

std::string SignupListParent(absl::string_view operand) {
  return ListParentBelow(operand, {"projects", "shifts"});
}

absl::Status SetShiftTime(absl::string_view flag, absl::string_view value, bool start,
                          Shift* shift) {
  absl::StatusOr<LocalOrInstant> time = ParseLocalOrInstantFlag(flag, value);
  if (!time.ok()) return time.status();
  if (time->instant.has_value()) {
    if (start) {
      *shift->mutable_start_time() = *time->instant;
      shift->clear_local_start_time();
    } else {
      *shift->mutable_end_time() = *time->instant;
      shift->clear_local_end_time();
    }
    return absl::OkStatus();
  }
  if (start) {
    shift->set_local_start_time(time->local);
    shift->clear_start_time();
  } else {
    shift->set_local_end_time(time->local);
    shift->clear_end_time();
  }
  return absl::OkStatus();
}

absl::StatusOr<allies::v1::CreateProjectRequest> BuildCreateProjectRequest(
    absl::string_view library, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateProjectRequest>(ProjectFieldFlags(), "project",
                                                              std::string(library), args);
}

absl::StatusOr<allies::v1::UpdateProjectRequest> BuildUpdateProjectRequest(absl::string_view name,
                                                                           const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateProjectRequest>(ProjectFieldFlags(), "project", name,
                                                              args);
}

absl::StatusOr<allies::v1::CreateShiftRequest> BuildCreateShiftRequest(absl::string_view project,
                                                                       const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateShiftRequest>(ShiftFieldFlags(), "shift",
                                                            std::string(project), args);
}

absl::StatusOr<allies::v1::UpdateShiftRequest> BuildUpdateShiftRequest(absl::string_view name,
                                                                       const ParsedArgs& args) {
  absl::StatusOr<allies::v1::UpdateShiftRequest> request =
      BuildUpdateRequest<allies::v1::UpdateShiftRequest>(ShiftFieldFlags(), "shift", name, args);
  if (!request.ok()) return request;
  // A local time is sent as local_*_time, and its mask path says so.
  for (std::string& path : *request->mutable_update_mask()->mutable_paths()) {
    if (path == "start_time" && !request->shift().local_start_time().empty()) {
      path = "local_start_time";
    } else if (path == "end_time" && !request->shift().local_end_time().empty()) {
      path = "local_end_time";
    }
  }
  return request;
}

absl::StatusOr<std::string> ParseClockTimeFlag(absl::string_view flag, absl::string_view value) {
  const absl::string_view text = absl::StripAsciiWhitespace(value);
  const std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  int hour = -1;
  int minute = -1;
  const bool digits = parts.size() == 2 && !parts[0].empty() && parts[0].size() <= 2 &&
                      parts[1].size() == 2 && std::all_of(text.begin(), text.end(), [](char c) {
                        return absl::ascii_isdigit(c) || c == ':';
                      });
  if (!digits || !absl::SimpleAtoi(parts[0], &hour) || !absl::SimpleAtoi(parts[1], &minute) ||
      hour > 23 || minute > 59) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, ": expected a local time of day HH:MM (00:00-23:59), got \"", value, "\""));
  }
  return absl::StrFormat("%02d:%02d", hour, minute);
}

std::string KeptShiftsNote(const Schedule& schedule) {
  if (schedule.kept_shifts().empty()) return "";
  return absl::StrCat(
      "note: kept as they were (they have sign-ups): ", absl::StrJoin(schedule.kept_shifts(), ", "),
      "; move or cancel them by hand ('shifts update', 'signups cancel')");
}

absl::StatusOr<allies::v1::CreateScheduleRequest> BuildCreateScheduleRequest(
    absl::string_view project, const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateScheduleRequest>(ScheduleFieldFlags(), "schedule",
                                                               std::string(project), args);
}

absl::StatusOr<allies::v1::UpdateScheduleRequest> BuildUpdateScheduleRequest(
    absl::string_view name, const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateScheduleRequest>(ScheduleFieldFlags(), "schedule",
                                                               name, args);
}

absl::StatusOr<allies::v1::CreateSignupRequest> BuildCreateSignupRequest(absl::string_view shift,
                                                                         const ParsedArgs& args) {
  absl::StatusOr<allies::v1::CreateSignupRequest> request =
      BuildCreateRequest<allies::v1::CreateSignupRequest>(SignupFieldFlags(), "signup",
                                                          std::string(shift), args);
  if (!request.ok()) return request;
  request->set_request_only(args.GetBool("request-only"));
  return request;
}

absl::StatusOr<allies::v1::ListUpcomingShiftsRequest> BuildUpcomingShiftsRequest(
    const ParsedArgs& args) {
  allies::v1::ListUpcomingShiftsRequest request;
  if (std::optional<std::string> parent = args.Get("parent")) {
    request.set_parent(NormalizeLibraryName(*parent));
  }
  if (std::optional<std::string> volunteer = args.Get("volunteer")) {
    request.set_volunteer(*volunteer);
  }
  if (request.parent().empty() && request.volunteer().empty()) request.set_parent("libraries/-");
  request.set_within_hours(kDefaultWithinHours);
  if (std::optional<std::string> hours = args.Get("within-hours")) {
    absl::StatusOr<int32_t> within = ParseInt32Flag("within-hours", *hours);
    if (!within.ok()) return within.status();
    request.set_within_hours(*within);
  }
  return request;
}

Table ProjectsTable(const google::protobuf::RepeatedPtrField<Project>& projects) {
  return ProjectColumns()(projects);
}

Table ShiftsTable(const google::protobuf::RepeatedPtrField<Shift>& shifts) {
  return ShiftColumns()(shifts);
}

Table SchedulesTable(const google::protobuf::RepeatedPtrField<Schedule>& schedules) {
  return ScheduleColumns()(schedules);
}

Table SignupsTable(const google::protobuf::RepeatedPtrField<Signup>& signups) {
  return SignupColumns()(signups);
}

void RegisterProjectCommands(CommandRegistry* registry) {
  RegisterProjects(registry);
  RegisterShifts(registry);
  RegisterSchedules(registry);
  RegisterSignups(registry);
}

}  // namespace allies::ctl
