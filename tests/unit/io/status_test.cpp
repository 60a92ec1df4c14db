#include "dqprep/io/status.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace dqprep {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return Status::usage("not positive: " + std::to_string(v));
  return v;
}

Result<std::unique_ptr<int>> boxed(int v) {
  if (v < 0) return Status::io("negative");
  return std::make_unique<int>(v);
}

Result<int> sum_of(int a, int b) {
  DQPREP_ASSIGN_OR_RETURN(int x, parse_positive(a));
  DQPREP_ASSIGN_OR_RETURN(auto y, parse_positive(b));
  return x + y;
}

Status into_existing(std::vector<int>& out, int v) {
  int value = 0;
  DQPREP_ASSIGN_OR_RETURN(value, parse_positive(v));
  out.push_back(value);
  return {};
}

Result<int> unbox(int v) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<int> p, boxed(v));
  return *p;
}

}  // namespace

TEST(AssignOrReturn, DeclaresTheValueOrReturnsTheStatus) {
  Result<int> ok = sum_of(2, 3);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);

  Result<int> first = sum_of(-1, 3);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::usage);
  EXPECT_EQ(first.status().message(), "not positive: -1");

  Result<int> second = sum_of(1, 0);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), "not positive: 0");
}

TEST(AssignOrReturn, AssignsToAnExistingVariable) {
  std::vector<int> out;
  EXPECT_TRUE(into_existing(out, 7).ok());
  Status s = into_existing(out, -7);
  EXPECT_EQ(s.code(), StatusCode::usage);
  EXPECT_EQ(out, std::vector<int>{7});
}

TEST(AssignOrReturn, MovesMoveOnlyValues) {
  Result<int> ok = unbox(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  Result<int> bad = unbox(-4);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::io);
  EXPECT_EQ(bad.status().message(), "negative");
}

TEST(Result, FromAnErrorStatusKeepsIt) {
  Result<int> r(Status::bad_input("x"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::bad_input);
  EXPECT_EQ(r.status().message(), "x");
}

// A Result built from an ok Status has neither a value nor an error. Debug builds stop at the
// assert; release builds (NDEBUG) turn it into an io error, so that the run cannot exit 0 silently.
#ifdef NDEBUG
TEST(Result, FromAnOkStatusBecomesAnInternalError) {
  Result<int> r{Status()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::io);
  EXPECT_EQ(r.status().message(), "internal error: a result with neither a value nor an error");
}
#else
TEST(ResultDeathTest, FromAnOkStatusAsserts) {
  EXPECT_DEATH(
      {
        Result<int> r{Status()};
        (void)r;
      },
      "Result built from an ok Status");
}
#endif

}  // namespace dqprep
