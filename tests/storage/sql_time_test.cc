#include "storage/sql_time.h"

#include <gtest/gtest.h>

#include <random>

namespace allies::storage {
namespace {

absl::Time Utc(int y, int mo, int d, int h, int mi, int s, int64_t micros = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()) +
         absl::Microseconds(micros);
}

TEST(SqlTimeTest, ParsesWhatTheServerSends) {
  EXPECT_EQ(FromSqlDatetime("2026-11-26 05:03:31"), Utc(2026, 11, 26, 5, 3, 31));
  EXPECT_EQ(FromSqlDatetime("2026-11-26 05:03:31.123456"), Utc(2026, 11, 26, 5, 3, 31, 123456));
  EXPECT_EQ(FromSqlDatetime("2026-11-26 05:03:31.5"), Utc(2026, 11, 26, 5, 3, 31, 500000));
  EXPECT_EQ(FromSqlDatetime("2026-11-26 05:03:31.000001"), Utc(2026, 11, 26, 5, 3, 31, 1));
  EXPECT_EQ(FromSqlDatetime("1970-01-01 00:00:00"), absl::UnixEpoch());
  EXPECT_EQ(FromSqlDatetime("1000-01-01 00:00:00"), Utc(1000, 1, 1, 0, 0, 0));
  EXPECT_EQ(FromSqlDatetime("9999-12-31 23:59:59.999999"), Utc(9999, 12, 31, 23, 59, 59, 999999));
  EXPECT_EQ(FromSqlDatetime("2024-02-29 12:00:00"), Utc(2024, 2, 29, 12, 0, 0));
}

TEST(SqlTimeTest, RefusesWhatIsNotADatetime) {
  for (const char* bad :
       {"", "2026-11-26", "2026-11-26T05:03:31", "2026-11-26 05:03:31.",
        "2026-11-26 05:03:31.1234567", "2026-11-26 05:03:31,5", "2026-13-01 00:00:00",
        "2026-00-10 00:00:00", "2026-02-30 00:00:00", "2025-02-29 00:00:00", "2026-11-26 24:00:00",
        "2026-11-26 23:60:00", "2026-11-26 23:59:60", "2026-1a-26 05:03:31",
        "2026-11-26 05:03:31.12x", "ёёёё-11-26 05:03"}) {
    EXPECT_EQ(FromSqlDatetime(bad), absl::InfinitePast()) << bad;
  }
}

TEST(SqlTimeTest, RoundTripsEveryMicrosecondItKeeps) {
  std::mt19937_64 rng(20261126);
  // From 1000-01-01 to 9999-12-31, the DATETIME range.
  std::uniform_int_distribution<int64_t> micros(-30610224000LL * 1000000, 253402300799LL * 1000000);
  for (int i = 0; i < 20000; ++i) {
    const absl::Time t = absl::FromUnixMicros(micros(rng));
    ASSERT_EQ(FromSqlDatetime(ToSqlDatetime(t)), t) << ToSqlDatetime(t);
    // Written as the general formatter writes it.
    ASSERT_EQ(ToSqlDatetime(t), absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone()));
  }
  EXPECT_EQ(ToSqlDatetime(absl::FromUnixMicros(-1)), "1969-12-31 23:59:59.999999");
}

}  // namespace
}  // namespace allies::storage
