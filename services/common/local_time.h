// A library's local time: shifts and meetings are stored in UTC and read in the time zone of
// their library (Library.time_zone, an IANA name; absl reads the system's zoneinfo).
#ifndef ALLIES_SERVICES_COMMON_LOCAL_TIME_H_
#define ALLIES_SERVICES_COMMON_LOCAL_TIME_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/type/date.pb.h"
#include "storage/session.h"

namespace allies::services {

// The time zone of `library_id` (FAILED_PRECONDITION when its name no longer loads).
absl::StatusOr<absl::TimeZone> LibraryTimeZone(storage::Session& s, const std::string& library_id);

// "YYYY-MM-DDTHH:MM" in `zone`.
std::string FormatLocal(absl::Time t, absl::TimeZone zone);
// "YYYY-MM-DDTHH:MM" (or with ":SS", or a space for "T"); nullopt when it is not one.
std::optional<absl::CivilMinute> ParseLocal(absl::string_view text);
// The instant a local time names in `zone` (in a gap, the time before the transition applies).
absl::Time FromLocal(absl::CivilMinute local, absl::TimeZone zone);

absl::CivilDay ToCivilDay(const google::type::Date& d);
void ToProtoDate(absl::CivilDay d, google::type::Date* out);

}  // namespace allies::services

#endif  // ALLIES_SERVICES_COMMON_LOCAL_TIME_H_
