#include "dqprep/split/timestamp.hpp"

#include <gtest/gtest.h>

namespace dqprep::timestamp {
namespace {

// Expected values from Python: (datetime.fromisoformat(s) - datetime(1970, 1, 1, tzinfo=utc)).total_seconds().
TEST(Timestamp, KnownValues) {
  EXPECT_EQ(parse_iso8601("1970-01-01"), 0.0);
  EXPECT_EQ(parse_iso8601("2024-02-29T12:34:56Z"), 1709210096.0);
  EXPECT_EQ(parse_iso8601("2024-02-29T12:34:56+02:00"), 1709202896.0);
  EXPECT_EQ(parse_iso8601("2024-02-29T12:34:56+0200"), 1709202896.0);
  EXPECT_EQ(parse_iso8601("2024-02-29T12:34:56+02"), 1709202896.0);
  EXPECT_EQ(parse_iso8601("1969-12-31T23:59:59.5Z"), -0.5);
  EXPECT_EQ(parse_iso8601("2000-03-01 00:00"), 951868800.0);
  EXPECT_EQ(parse_iso8601("1900-01-01T00:00:00-05:30"), -2208969000.0);
  EXPECT_EQ(parse_iso8601("0001-01-01"), -62135596800.0);
  EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59Z"), 253402300799.0);
  EXPECT_EQ(parse_iso8601("2021-03-04t05:06:07z"), 1614834367.0);
  EXPECT_DOUBLE_EQ(*parse_iso8601("2021-03-04T05:06:07,25"), 1614834367.25);
  // A naive time is UTC.
  EXPECT_EQ(parse_iso8601("2021-03-04T05:06:07"), parse_iso8601("2021-03-04T05:06:07Z"));
  // A leap second is the first second of the next minute.
  EXPECT_EQ(parse_iso8601("2016-12-31T23:59:60Z"), parse_iso8601("2017-01-01T00:00:00Z"));
}

TEST(Timestamp, DaysFromCivil) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  // Every day of 1600-2400 follows the one before.
  long long prev = days_from_civil(1599, 12, 31);
  for (int y = 1600; y <= 2400; ++y)
    for (unsigned m = 1; m <= 12; ++m) {
      unsigned len = m == 2 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28)
                            : (m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31);
      for (unsigned d = 1; d <= len; ++d) {
        long long now = days_from_civil(y, m, d);
        ASSERT_EQ(now, prev + 1) << y << "-" << m << "-" << d;
        prev = now;
      }
    }
}

TEST(Timestamp, Rejects) {
  for (const char* bad : {"", "2024", "2024-01", "24-01-01", "2024/01/01", "2024-13-01", "2024-00-10",
                          "2023-02-29", "2024-04-31", "2024-01-01T", "2024-01-01T24:00", "2024-01-01T12",
                          "2024-01-01T12:60", "2024-01-01T12:00:61", "2024-01-01T12:00:00.", "2024-01-01T12:00Zx",
                          "2024-01-01T12:00+2", "2024-01-01T12:00+24:00", "2024-01-01T12:00+02:60",
                          "2024-01-01x", " 2024-01-01", "2024-01-01 ", "1700000000", "yesterday"}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

TEST(Timestamp, OrderFollowsTime) {
  EXPECT_LT(*parse_iso8601("2024-01-01T10:00:00+02:00"), *parse_iso8601("2024-01-01T09:00:00Z"));
  EXPECT_LT(*parse_iso8601("2023-12-31T23:59:59.999Z"), *parse_iso8601("2024-01-01"));
}

}  // namespace
}  // namespace dqprep::timestamp
