// `alliesctl hours ...` and `alliesctl volunteers record-book`: the hours volunteers worked
// (allies.v1.ProjectService): entries under a volunteer, SUBMITTED -> APPROVED or REJECTED by
// staff (approved ones are final: a correction is a new entry naming the one it corrects), a
// volunteer's record book (личная книжка волонтёра) for a period, and the approved hours of a
// library's subtree as the CSV that Dobro.rf's upload takes.
#ifndef ALLIES_CLIENTS_ALLIESCTL_HOURS_H_
#define ALLIES_CLIENTS_ALLIESCTL_HOURS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/project.pb.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace allies::ctl {

void RegisterHoursCommands(CommandRegistry* registry);

// --hours: a decimal number of hours ("1.5", "1,5", "2", "-0.25" for a correction) as whole
// minutes (90, 90, 120, -15); a value that is not a whole number of minutes (1.01) is an error
// naming the flag.
absl::StatusOr<int32_t> ParseHoursFlag(absl::string_view flag, absl::string_view value);

// Minutes as decimal hours with a dot, rounded to two places (half away from zero), trailing
// zeros dropped: 150 -> "2.5", 60 -> "1", 20 -> "0.33", 100 -> "1.67", -30 -> "-0.5".
std::string DecimalHours(int64_t minutes);

// The requests the commands send (exposed for tests); errors are usage errors. Create and
// update take the time as --minutes or --hours (one of them; create needs one).
absl::StatusOr<allies::v1::CreateHoursRequest> BuildCreateHoursRequest(absl::string_view volunteer,
                                                                       const ParsedArgs& args);
absl::StatusOr<allies::v1::UpdateHoursRequest> BuildUpdateHoursRequest(absl::string_view name,
                                                                       const ParsedArgs& args);
// `hours reject`: --reason is required.
absl::StatusOr<allies::v1::RejectHoursRequest> BuildRejectHoursRequest(absl::string_view name,
                                                                       const ParsedArgs& args);
// `volunteers record-book NAME [--from DATE] [--to DATE]`.
absl::StatusOr<allies::v1::GetRecordBookRequest> BuildRecordBookRequest(absl::string_view volunteer,
                                                                        const ParsedArgs& args);
// `hours export PARENT --from DATE --to DATE`: PARENT a library (x, libraries/x) or - (every
// library the key reaches); --from and --to are required.
absl::StatusOr<allies::v1::ListApprovedHoursRequest> BuildApprovedHoursRequest(
    absl::string_view parent, const ParsedArgs& args);

// Columns NAME, DATE, MINUTES, HOURS, PROJECT, SOURCE, STATE, CORRECTS (and DELETED when any
// is).
Table HoursTable(const google::protobuf::RepeatedPtrField<allies::v1::HoursEntry>& hours);

// The record book as text: who, the period and the total, one line per entry (DATE, HOURS,
// PROJECT, DESCRIPTION, CONFIRMED BY, CORRECTS), the totals by year and project, the
// qualifications. The tables fit `table_width` (0: no limit; see RenderTable).
std::string RecordBookText(const allies::v1::RecordBook& book, size_t table_width = 0);
// The record book's entries for -o csv, one row per entry, in the columns of
// kRecordBookCsvColumns.
Table RecordBookCsvTable(const allies::v1::RecordBook& book);
inline constexpr char kRecordBookCsvColumns[] =
    "date,minutes,hours,project_title,project,description,confirmed_by_name,confirmed_by,"
    "confirm_time,corrects,entry";

// The CSV of `hours export` (for Dobro.rf), header first.
inline constexpr char kDobroCsvColumns[] =
    "dobro_id,family_name,given_name,patronymic,date,hours,project,organizer,description";
std::vector<std::string> DobroCsvHeader();
// A row's cells in kDobroCsvColumns order: the date YYYY-MM-DD, the hours by DecimalHours, the
// project's title (its name when it has none).
std::vector<std::string> DobroCsvCells(const allies::v1::ApprovedHoursRow& row);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_HOURS_H_
