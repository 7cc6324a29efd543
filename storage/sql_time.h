// DATETIME(6) columns hold UTC; these convert to and from absl::Time.
#ifndef ALLIES_STORAGE_SQL_TIME_H_
#define ALLIES_STORAGE_SQL_TIME_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace allies::storage {

// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.
std::string ToSqlDatetime(absl::Time t);
// Parses the form above (fraction optional); InfinitePast() on garbage.
absl::Time FromSqlDatetime(absl::string_view s);
// Now, truncated to the microseconds a DATETIME(6) keeps.
absl::Time NowMicros();

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_SQL_TIME_H_
