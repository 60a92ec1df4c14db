#include "dqprep/io/report.hpp"

#include <gtest/gtest.h>

namespace dqprep::report {

TEST(Summary, JsonKeysInContractOrderAndBalance) {
  Summary s;
  s.stage = "filter";
  s.in = 10;
  s.out = 6;
  s.rejected = 3;
  s.quarantined = 1;
  s.rules["min_words"] = 3;
  s.figures["changed_records"] = 2;
  EXPECT_TRUE(s.balances());
  Json j = to_json(s);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"stage", "in", "out", "rejected", "quarantined", "seconds", "empty_lines",
                                            "changed_records", "notes", "rules"}));
  EXPECT_EQ(j["rules"]["min_words"], 3);
  EXPECT_EQ(to_line(s), "filter: 10 in, 6 out, 3 rejected, 1 quarantined in 0.00 s; min_words: 3");
  s.out = 7;
  EXPECT_FALSE(s.balances());
}

}  // namespace dqprep::report
