// `alliesctl volunteers ...`: a library's volunteers and their lifecycle
// (allies.v1.VolunteerService), including the personal-data requests: export and erase; a
// library's volunteers as CSV (import, export LIBRARY) are in volunteer_csv.h.
#ifndef ALLIES_CLIENTS_ALLIESCTL_VOLUNTEERS_H_
#define ALLIES_CLIENTS_ALLIESCTL_VOLUNTEERS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/volunteer.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterVolunteerCommands(CommandRegistry* registry);

// --availability "DAY HH:MM-HH:MM": a day of the week, 1 (Monday) to 7 (Sunday), and a time range
// in the library's local time, start before end: "1 09:00-13:00". Errors name the flag.
absl::StatusOr<allies::v1::WeeklyAvailability> ParseAvailabilityFlag(absl::string_view flag,
                                                                     absl::string_view value);
// --blackout "YYYY-MM-DD..YYYY-MM-DD" (both days included, end not before start), or one day
// "YYYY-MM-DD". Errors name the flag.
absl::StatusOr<allies::v1::DateRange> ParseBlackoutFlag(absl::string_view flag,
                                                        absl::string_view value);
// "1 09:00-13:00" and "2026-07-01..2026-07-14" (one day: "2026-07-01"), as the flags take them.
std::string FormatAvailability(const allies::v1::WeeklyAvailability& availability);
std::string FormatBlackout(const allies::v1::DateRange& range);

// The requests `volunteers create LIBRARY ...`, `volunteers update NAME ...` and
// `volunteers merge TARGET --source ...` send (exposed for tests). Errors are usage errors.
absl::StatusOr<allies::v1::CreateVolunteerRequest> BuildCreateVolunteerRequest(
    absl::string_view library, const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateVolunteerRequest> BuildUpdateVolunteerRequest(
    absl::string_view name, const ParsedArgs& args);
absl::StatusOr<allies::v1::MergeVolunteersRequest> BuildMergeVolunteersRequest(
    absl::string_view target, const ParsedArgs& args);

// Columns NAME, FAMILY NAME, GIVEN NAME, AGE, STATE (and DELETED when any is).
Table VolunteersTable(const google::protobuf::RepeatedPtrField<allies::v1::Volunteer>& volunteers);
// One row per volunteer of each group: GROUP (1, 2, ...), VOLUNTEER, REASONS.
Table VolunteerDuplicatesTable(const allies::v1::FindDuplicateVolunteersResponse& response);
// Everything ExportVolunteerData returned, a row each: TYPE, NAME, DETAILS.
Table VolunteerExportTable(const allies::v1::ExportVolunteerDataResponse& response);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_VOLUNTEERS_H_
