// Conversions between absl time, our civil dates, and their protobuf forms.
#ifndef ALLIES_API_PROTO_TIME_H_
#define ALLIES_API_PROTO_TIME_H_

#include <google/protobuf/timestamp.pb.h>

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/errors.h"
#include "api/filter.h"
#include "google/type/date.pb.h"

namespace allies::api {

void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);
// INVALID_ARGUMENT on `field` for out-of-range seconds or nanos.
absl::Status CheckTimestamp(const google::protobuf::Timestamp& t, absl::string_view field);

void ToProtoDate(const Date& d, google::type::Date* out);
// "YYYY-MM-DD" of a google.type.Date.
std::string FormatDate(const google::type::Date& d);
// A full date (year, month and day all set and valid), or INVALID_ARGUMENT on `field`.
absl::StatusOr<Date> FromProtoDate(const google::type::Date& d, absl::string_view field);
// Adds a violation on `path` when an optional date that is set (`has`) is not a full date.
void CheckDate(FieldViolations& violations, const std::string& path, bool has,
               const google::type::Date& date);

}  // namespace allies::api

#endif  // ALLIES_API_PROTO_TIME_H_
