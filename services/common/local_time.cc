#include "services/common/local_time.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "api/errors.h"

namespace allies::services {

absl::StatusOr<absl::TimeZone> LibraryTimeZone(storage::Session& s, const std::string& library_id) {
  auto name = s.Run([&]() -> absl::StatusOr<std::string> {
    auto rs = s.Query("SELECT time_zone FROM libraries WHERE id = ?", library_id);
    if (!rs->next()) {
      return api::Error(absl::StatusCode::kNotFound, "LIBRARY_NOT_FOUND",
                        absl::StrCat("libraries/", library_id, " does not exist"));
    }
    return storage::GetString(*rs, 1);
  });
  if (!name.ok()) return name.status();
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(*name, &zone)) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "TIME_ZONE_UNKNOWN",
                      absl::StrCat("libraries/", library_id, " has time zone ", api::Quote(*name),
                                   ", which this server's zoneinfo does not know"));
  }
  return zone;
}

std::string FormatLocal(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M", t, zone);
}

std::optional<absl::CivilMinute> ParseLocal(absl::string_view text) {
  std::string s = absl::StrReplaceAll(text, {{" ", "T"}});
  if (s.size() == 19) {
    // Seconds are accepted when they are zero.
    if (s.substr(16) != ":00") return std::nullopt;
    s.resize(16);
  }
  absl::CivilMinute minute;
  if (s.size() != 16 || !absl::ParseCivilTime(s, &minute)) return std::nullopt;
  // ParseCivilTime normalizes ("24:00" becomes the next day): only what prints back the same.
  if (absl::FormatCivilTime(minute) != s) return std::nullopt;
  return minute;
}

absl::Time FromLocal(absl::CivilMinute local, absl::TimeZone zone) {
  return zone.At(absl::CivilSecond(local)).pre;
}

absl::CivilDay ToCivilDay(const google::type::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

void ToProtoDate(absl::CivilDay d, google::type::Date* out) {
  out->set_year(static_cast<int32_t>(d.year()));
  out->set_month(d.month());
  out->set_day(d.day());
}

}  // namespace allies::services
