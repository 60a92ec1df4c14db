#include "dqprep/io/progress_line.hpp"

#include <gtest/gtest.h>

namespace dqprep::progress_line {
namespace {

TEST(ProgressLine, PercentAndEtaWhenTheSizeIsKnown) {
  stream::Progress p;
  p.records = 81920;
  p.bytes = 30'000'000;
  p.position = 12'000'000;
  p.total = 48'000'000;
  p.seconds = 4;  // a quarter in 4 s: 12 s to go
  EXPECT_EQ(text(p), "\r81920 records, 25% of 48.0 MB, ETA 12s\033[K");
  p.pass = 1;
  p.passes = 2;
  EXPECT_EQ(text(p), "\rpass 1 of 2: 81920 records, 25% of 48.0 MB, ETA 12s\033[K");
  p.passes = 0;
  EXPECT_EQ(text(p, false), "\rpass 1: 25% of 48.0 MB, ETA 12s\033[K");
  p.position = p.total;
  EXPECT_EQ(text(p, false), "\rpass 1: 100% of 48.0 MB\033[K");  // done: no ETA
  p.position = 100;
  EXPECT_EQ(text(p, false), "\rpass 1: 0% of 48.0 MB\033[K");  // too early to guess
}

TEST(ProgressLine, BytesReadWhenTheSizeIsNotKnown) {
  stream::Progress p;
  p.records = 12;
  p.bytes = 1'250'000;
  EXPECT_EQ(text(p), "\r12 records, 1.2 MB read\033[K");
  p.pass = 2;
  p.passes = 2;
  EXPECT_EQ(text(p), "\rpass 2 of 2: 12 records, 1.2 MB read\033[K");
}

TEST(ProgressLine, Durations) {
  EXPECT_EQ(duration(0.4), "0s");
  EXPECT_EQ(duration(59.4), "59s");
  EXPECT_EQ(duration(185), "3m05s");
  EXPECT_EQ(duration(7620), "2h07m");
}

}  // namespace
}  // namespace dqprep::progress_line
