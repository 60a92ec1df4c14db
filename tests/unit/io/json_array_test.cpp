#include "dqprep/io/json_array.hpp"

#include <simdjson.h>

#include <gtest/gtest.h>

#include <vector>

namespace dqprep::json_array {

namespace {

struct Seen {
  std::string raw;
  uint64_t line;
  std::string error;
};

std::vector<Seen> elements(std::string_view text) {
  std::string padded(text);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  std::vector<Seen> out;
  Status s = each_element(std::string_view(padded.data(), text.size()), [&](const Element& e) {
    out.push_back({std::string(e.raw), e.line, e.error});
    return Status();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

}  // namespace

TEST(JsonArray, ElementsWithTheirFirstLines) {
  std::vector<Seen> e = elements("[\n  {\"a\": 1,\n   \"b\": [1, 2]},\n  \"text\", 3,\n  {}\n]\n");
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].raw, "{\"a\": 1,\n   \"b\": [1, 2]}");
  EXPECT_EQ(e[0].line, 2u);
  EXPECT_EQ(e[1].raw, "\"text\"");
  EXPECT_EQ(e[1].line, 4u);
  EXPECT_EQ(e[2].raw, "3");
  EXPECT_EQ(e[3].raw, "{}");
  EXPECT_EQ(e[3].line, 5u);
  for (const Seen& s : e) EXPECT_TRUE(s.error.empty());
}

TEST(JsonArray, EmptyArrayAndBlankTextHaveNoElements) {
  EXPECT_TRUE(elements("[]").empty());
  EXPECT_TRUE(elements(" \n ").empty());
}

TEST(JsonArray, NotAnArrayIsOneBadElementAtLineOne) {
  std::vector<Seen> e = elements("{\"a\": 1}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].line, 1u);
  EXPECT_NE(e[0].error.find("not a JSON array"), std::string::npos);
}

TEST(JsonArray, AMissingCommaEndsWithTheRestAsOneBadElement) {
  std::vector<Seen> e = elements("[{\"a\": 1},\n{\"b\": 2}\n{\"c\": 3}]");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_TRUE(e[1].error.empty());
  EXPECT_FALSE(e[2].error.empty());
  EXPECT_EQ(e[2].line, 3u);
  EXPECT_EQ(e[2].raw, "{\"c\": 3}]");
}

}  // namespace dqprep::json_array
