#include "dqprep/io/csv.hpp"

#include <gtest/gtest.h>

namespace dqprep::csv {

namespace {

std::vector<Row> read(const std::vector<std::string>& lines, char delimiter = ',', uint64_t max = 1 << 20) {
  Reader reader(delimiter, max);
  std::vector<Row> rows;
  uint64_t n = 0;
  for (const std::string& l : lines) reader.feed(l, ++n, rows);
  reader.finish(rows);
  return rows;
}

using Fields = std::vector<std::string>;

}  // namespace

TEST(CsvReader, QuotedDelimitersQuotesAndLineBreaks) {
  std::vector<Row> rows = read({"a,b", "\"x, y\",\"say \"\"hi\"\"\"", "\"two", "", "lines\",z", " sp ,"});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(rows[1].fields, (Fields{"x, y", "say \"hi\""}));
  EXPECT_EQ(rows[2].fields, (Fields{"two\n\nlines", "z"}));
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[2].last_line, 5u);
  EXPECT_EQ(rows[2].raw, "\"two\n\nlines\",z");
  EXPECT_EQ(rows[3].fields, (Fields{" sp ", ""}));  // spaces are data; a trailing comma is an empty field
  for (const Row& r : rows) EXPECT_TRUE(r.error.empty()) << r.error;
}

TEST(CsvReader, EmptyLinesBetweenRecordsAreNoRecords) {
  Reader reader(',', 1 << 20);
  std::vector<Row> rows;
  reader.feed("", 1, rows);
  reader.feed("a", 2, rows);
  reader.feed("", 3, rows);
  reader.finish(rows);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(reader.empty_lines(), 2u);
}

TEST(CsvReader, MalformedQuotingIsOneBadRowAndReadingGoesOn) {
  std::vector<Row> rows = read({"a\"b,c", "\"x\"y,z", "ok,1"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NE(rows[0].error.find("malformed quoting"), std::string::npos);
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_EQ(rows[0].raw, "a\"b,c");
  EXPECT_NE(rows[1].error.find("malformed quoting"), std::string::npos);
  EXPECT_EQ(rows[2].fields, (Fields{"ok", "1"}));
  EXPECT_TRUE(rows[2].error.empty());
}

TEST(CsvReader, AQuoteOpenAtTheEndIsABadRowWithItsLines) {
  std::vector<Row> rows = read({"a,b", "\"open,c", "more"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[1].raw, "\"open,c\nmore");
  EXPECT_NE(rows[1].error.find("not closed"), std::string::npos);
}

TEST(CsvReader, ARecordPastTheLimitIsABadRow) {
  std::vector<Row> rows = read({"\"long", "long", "long", "x,y"}, ',', 8);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NE(rows[0].error.find("longer than 8 bytes"), std::string::npos);
  EXPECT_EQ(rows[0].raw, "\"long\nlong");
  EXPECT_EQ(rows[1].fields, (Fields{"long"}));  // reading restarts at the next line
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[2].fields, (Fields{"x", "y"}));
}

TEST(CsvWriter, TabDelimitedQuotesTabs) {
  std::string out;
  append_row(out, {"t\tab", "a,b"}, '\t');
  EXPECT_EQ(out, "\"t\tab\"\ta,b");
}

TEST(CsvReader, TabDelimited) {
  std::vector<Row> rows = read({"a\tb,c", "\"t\tab\"\t\"q\"\"\""}, '\t');
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b,c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"t\tab", "q\""}));
}

TEST(CsvWriter, QuotesOnlyWhereNeededAndReadsBack) {
  std::string out;
  append_row(out, {"plain", "a,b", "say \"x\"", "two\nlines", " edge", "", "t\tab"}, ',');
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\",\" edge\",,t\tab");  // a tab is data in CSV
  std::vector<std::string> lines = {"plain,\"a,b\",\"say \"\"x\"\"\",\"two", "lines\",\" edge\",,t\tab"};
  std::vector<Row> rows = read(lines);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"plain", "a,b", "say \"x\"", "two\nlines", " edge", "", "t\tab"}));
}

TEST(CsvWriter, OneEmptyFieldIsQuotedSoThatItIsARecord) {
  std::string out;
  append_row(out, {""}, ',');
  EXPECT_EQ(out, "\"\"");
  std::vector<Row> rows = read({out});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{""}));
}

}  // namespace dqprep::csv
