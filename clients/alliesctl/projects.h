// `alliesctl projects ...`, `alliesctl shifts ...`, `alliesctl schedules ...` and `alliesctl
// signups ...`: volunteer work (allies.v1.ProjectService): a library's projects (PLANNED ->
// ACTIVE -> COMPLETED, or CANCELLED), their shifts, read in the library's time zone, recurring
// schedules that make shifts ahead, and volunteers' sign-ups for them (REQUESTED, CONFIRMED,
// WAITLISTED -> COMPLETED, NO_SHOW or CANCELED).
#ifndef ALLIES_CLIENTS_ALLIESCTL_PROJECTS_H_
#define ALLIES_CLIENTS_ALLIESCTL_PROJECTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/project.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterProjectCommands(CommandRegistry* registry);

// The parent of `shifts list`: a project (libraries/x/projects/p, or x/projects/p), "-" for
// either id; a library alone (x, libraries/x or -) means every project of it. Empty:
// libraries/-/projects/-.
std::string ShiftListParent(absl::string_view operand);
// The parent of `signups list`: a shift (libraries/x/projects/p/shifts/s); a project means each
// of its shifts, a library each shift of each of its projects. Empty:
// libraries/-/projects/-/shifts/-.
std::string SignupListParent(absl::string_view operand);

// --start / --end of a shift: RFC 3339 with a zone ("2026-12-01T10:00:00+03:00", "...Z") sets
// start_time / end_time; without one, "YYYY-MM-DDTHH:MM" (or "YYYY-MM-DD HH:MM", seconds only
// ":00") is the library's local time and sets local_start_time / local_end_time, which the
// server reads in the library's time zone. Errors name the flag.
absl::Status SetShiftTime(absl::string_view flag, absl::string_view value, bool start,
                          allies::v1::Shift* shift);

// A local time of day written HH:MM (or H:MM), 00:00-23:59, as "HH:MM"; errors name the flag.
absl::StatusOr<std::string> ParseClockTimeFlag(absl::string_view flag, absl::string_view value);

// What `schedules update` prints on stderr when the change left shifts with sign-ups as they
// were (kept_shifts): "note: ... kept as they were (they have sign-ups): NAME, ..."; empty when
// it left none.
std::string KeptShiftsNote(const allies::v1::Schedule& schedule);

// The requests the create and update commands send (exposed for tests). Errors are usage
// errors. A shift's update_mask names local_start_time / local_end_time for local times.
absl::StatusOr<allies::v1::CreateProjectRequest> BuildCreateProjectRequest(
    absl::string_view library, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateProjectRequest> BuildUpdateProjectRequest(absl::string_view name,
                                                                           const ParsedArgs& args);
absl::StatusOr<allies::v1::CreateShiftRequest> BuildCreateShiftRequest(absl::string_view project,
                                                                       const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateShiftRequest> BuildUpdateShiftRequest(absl::string_view name,
                                                                       const ParsedArgs& args);
// Schedules: --start-time is checked as HH:MM.
absl::StatusOr<allies::v1::CreateScheduleRequest> BuildCreateScheduleRequest(
    absl::string_view project, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateScheduleRequest> BuildUpdateScheduleRequest(
    absl::string_view name, const ParsedArgs& args);
absl::StatusOr<allies::v1::CreateSignupRequest> BuildCreateSignupRequest(absl::string_view shift,
                                                                         const ParsedArgs& args);
// `shifts upcoming`: --parent (a library, x or libraries/x, or a project), --volunteer and
// --within-hours (the page flags aside).
absl::StatusOr<allies::v1::ListUpcomingShiftsRequest> BuildUpcomingShiftsRequest(
    const ParsedArgs& args);

// Columns NAME, TITLE, STATE, START DATE, END DATE (and DELETED when any is).
Table ProjectsTable(const google::protobuf::RepeatedPtrField<allies::v1::Project>& projects);
// Columns NAME, START, END (local), TIME ZONE, CAPACITY, CONFIRMED, LEFT, WAITLIST (and DELETED
// when any is).
Table ShiftsTable(const google::protobuf::RepeatedPtrField<allies::v1::Shift>& shifts);
// Columns NAME, RULE (in words), START (date), TIME, MINUTES, CAPACITY, THROUGH (generated
// through), KEPT (how many kept_shifts) (and DELETED when any is).
Table SchedulesTable(const google::protobuf::RepeatedPtrField<allies::v1::Schedule>& schedules);
// Columns NAME, VOLUNTEER, PARTY, SOURCE, STATE (and DELETED when any is).
Table SignupsTable(const google::protobuf::RepeatedPtrField<allies::v1::Signup>& signups);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_PROJECTS_H_
