#include "api/proto_time.h"

#include "absl/strings/str_format.h"
#include "api/errors.h"

namespace allies::api {

void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::Status CheckTimestamp(const google::protobuf::Timestamp& t, absl::string_view field) {
  // 0001-01-01 .. 9999-12-31, as google.protobuf.Timestamp defines.
  if (t.seconds() < -62135596800 || t.seconds() > 253402300799 || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return InvalidField(std::string(field), "is not a valid timestamp");
  }
  return absl::OkStatus();
}

void ToProtoDate(const Date& d, google::type::Date* out) {
  out->set_year(d.year);
  out->set_month(d.month);
  out->set_day(d.day);
}

std::string FormatDate(const google::type::Date& d) {
  return FormatDate(Date{d.year(), d.month(), d.day()});
}

absl::StatusOr<Date> FromProtoDate(const google::type::Date& d, absl::string_view field) {
  const absl::CivilDay day(d.year(), d.month(), d.day());
  if (d.year() < 1 || d.year() > 9999 || day.year() != d.year() || day.month() != d.month() ||
      day.day() != d.day()) {
    return InvalidField(std::string(field), absl::StrFormat("is not a valid date (%d-%d-%d)",
                                                            d.year(), d.month(), d.day()));
  }
  return Date{d.year(), d.month(), d.day()};
}

void CheckDate(FieldViolations& violations, const std::string& path, bool has,
               const google::type::Date& date) {
  if (!has) return;
  auto parsed = FromProtoDate(date, path);
  if (!parsed.ok()) violations.AddFrom(parsed.status(), path);
}

}  // namespace allies::api
