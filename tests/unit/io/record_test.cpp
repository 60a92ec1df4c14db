#include "dqprep/io/record.hpp"

#include <gtest/gtest.h>

#include "dqprep/io/io.hpp"

namespace dqprep::record {

namespace {

// A line with the padding the parser needs after it, as LineReader provides.
struct Padded {
  explicit Padded(std::string_view s) : buf(std::string(s) + std::string(io::kPadding, '\0')) {}
  std::string_view view() const { return std::string_view(buf.data(), buf.size() - io::kPadding); }
  std::string buf;
};

std::vector<std::string> texts(Parser& p, std::string_view path_text) {
  Result<Path> path = parse_path(path_text);
  EXPECT_TRUE(path.ok()) << path.status().message();
  std::vector<StringValue> values;
  bool found = false;
  Status s = p.strings(*path, values, found);
  EXPECT_TRUE(s.ok()) << s.message();
  std::vector<std::string> out;
  for (const StringValue& v : values) out.emplace_back(v.text);
  return out;
}

}  // namespace

TEST(ParsePath, Forms) {
  Result<Path> p = parse_path("messages[*].content");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->steps.size(), 3u);
  EXPECT_EQ(p->steps[0].key, "messages");
  EXPECT_EQ(p->steps[1].kind, PathStep::Kind::all);
  EXPECT_EQ(p->steps[2].key, "content");
  EXPECT_TRUE(p->has_wildcard());

  Result<Path> q = parse_path("a[-1][0].b");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->steps.size(), 4u);
  EXPECT_EQ(q->steps[1].index, -1);
  EXPECT_EQ(q->steps[2].index, 0);

  for (const char* bad : {"", "a.", ".a", "a[", "a[x]", "a[1]b", "a..b"}) {
    EXPECT_FALSE(parse_path(bad).ok()) << bad;
  }
}

TEST(Path, TextOfStepsReadsBackAsTheSamePath) {
  for (const char* text : {"label", "messages[*].content", "a[-1][0].b", "meta.source.name", "turns[2]"}) {
    Result<Path> p = parse_path(text);
    ASSERT_TRUE(p.ok()) << text;
    EXPECT_EQ(Path::text_of(p->steps), text);
    Path made = Path::from_steps(p->steps);
    EXPECT_EQ(made.text, text);
    EXPECT_EQ(made.steps.size(), p->steps.size());
  }
  EXPECT_EQ(Path::text_of({}), "");
}

TEST(Path, TopLevelKeyIsExactlyOneKeyStep) {
  EXPECT_TRUE(parse_path("label")->is_top_level_key());
  EXPECT_FALSE(parse_path("meta.label")->is_top_level_key());
  EXPECT_FALSE(parse_path("labels[0]")->is_top_level_key());
  EXPECT_FALSE(parse_path("labels[*]")->is_top_level_key());
  EXPECT_FALSE(Path().is_top_level_key());
}

TEST(Parser, FieldAccessByPath) {
  Padded line(R"({"id": 7, "text": "caf\u00e9 \"x\"", "m": [{"c": "a"}, {"c": null}, {"c": "b"}], "o": {"p": {"q": "deep"}}, "label": true})");
  Parser p;
  ASSERT_TRUE(p.parse(line.view()).ok());
  EXPECT_EQ(texts(p, "text"), std::vector<std::string>{"caf\u00e9 \"x\""});
  EXPECT_EQ(texts(p, "m[*].c"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(texts(p, "m[0].c"), std::vector<std::string>{"a"});
  EXPECT_EQ(texts(p, "m[-1].c"), std::vector<std::string>{"b"});
  EXPECT_EQ(texts(p, "m[5].c"), std::vector<std::string>{});
  EXPECT_EQ(texts(p, "o.p.q"), std::vector<std::string>{"deep"});
  EXPECT_EQ(texts(p, "missing"), std::vector<std::string>{});

  std::optional<std::string_view> v;
  ASSERT_TRUE(p.scalar_text(*parse_path("id"), v).ok());
  EXPECT_EQ(*v, "7");
  ASSERT_TRUE(p.scalar_text(*parse_path("label"), v).ok());
  EXPECT_EQ(*v, "true");
  ASSERT_TRUE(p.raw_value(*parse_path("o.p"), v).ok());
  EXPECT_EQ(*v, R"({"q": "deep"})");
}

TEST(Parser, RawValuesOfEveryMatchPointIntoTheLine) {
  Padded line(R"({"m": [{"c": "a\u00e9"}, {"c": null}, {"c": [ ]}, {"d": 1}, {"c": {"x": 2} }], "n": 3.50})");
  Parser p;
  ASSERT_TRUE(p.parse(line.view()).ok());
  std::vector<std::string_view> raw;
  ASSERT_TRUE(p.raw_values(*parse_path("m[*].c"), raw).ok());
  // Each view still reads correctly after another path was walked (unlike unescaped strings).
  ASSERT_TRUE(p.raw_values(*parse_path("n"), raw).ok());
  ASSERT_TRUE(p.raw_values(*parse_path("missing"), raw).ok());
  EXPECT_EQ(raw, (std::vector<std::string_view>{R"("a\u00e9")", "null", "[ ]", R"({"x": 2})", "3.50"}));
  for (std::string_view v : raw) {
    EXPECT_GE(v.data(), line.view().data());
    EXPECT_LE(v.data() + v.size(), line.view().data() + line.view().size());
  }
}

TEST(Parser, StringValueKnowsWhereItsTokenIs) {
  Padded line(R"({"a": 1, "text" :  "h\u00e9llo"  , "z": 2})");
  Parser p;
  ASSERT_TRUE(p.parse(line.view()).ok());
  std::vector<StringValue> values;
  bool found = false;
  ASSERT_TRUE(p.strings(*parse_path("text"), values, found).ok());
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(line.view().substr(values[0].offset, values[0].length), R"("h\u00e9llo")");
  EXPECT_EQ(values[0].text, "h\u00e9llo");
}

TEST(Parser, WrongTypeIsBadInput) {
  Padded line(R"({"text": 12})");
  Parser p;
  ASSERT_TRUE(p.parse(line.view()).ok());
  std::vector<StringValue> values;
  bool found = false;
  Status s = p.strings(*parse_path("text"), values, found);
  EXPECT_EQ(s.code(), StatusCode::bad_input);
  EXPECT_EQ(s.message(), "field 'text' is a number, not a string");
}

TEST(Parser, RejectsMalformedJsonAnywhereInTheLine) {
  Parser p;
  for (const char* bad : {R"({"text": "a", "x": tru})", R"({"text": "a"} {"b": 1})", R"({"text": "a")",
                          R"(["text"])", R"({"text": "a", "n": 1.2.3})", "{\"text\": \"a\xff\"}", "nope"}) {
    Padded line(bad);
    Status s = p.parse(line.view());
    EXPECT_EQ(s.code(), StatusCode::bad_input) << bad;
  }
  Padded good(R"({"text": "a", "deep": [1, {"x": [true, false, null, -1e5, "\n"]}]})");
  EXPECT_TRUE(p.parse(good.view()).ok());
}

// A line that is not JSON at all is "bad JSON", whatever its first letter: "nothing" is not null,
// "trash" not a boolean. A valid JSON value that is not an object is named by its type.
TEST(Parser, TellsBadJsonFromAValueThatIsNotAnObject) {
  Parser p;
  for (const char* bad : {"nothing", "n/a", "nulll", "null x", "trash", "true story", "f", "12abc", "-", "\"open"}) {
    Padded line(bad);
    Status s = p.parse(line.view());
    EXPECT_EQ(s.code(), StatusCode::bad_input) << bad;
    EXPECT_EQ(s.message().rfind("bad JSON: ", 0), 0u) << bad << ": " << s.message();
  }
  const std::pair<const char*, const char*> values[] = {{"null", "null"},       {" true ", "a boolean"},
                                                        {"false", "a boolean"}, {"-12.5e3", "a number"},
                                                        {"\"a\"", "a string"},  {"[1, {}]", "an array"}};
  for (const auto& [text, type] : values) {
    Padded line(text);
    Status s = p.parse(line.view());
    EXPECT_EQ(s.message(), std::string("a record must be a JSON object, not ") + type) << text;
  }
}

TEST(Parser, ScalarTextsListsEveryValueInOrder) {
  Padded line(R"({"a": ["x", 2, null, true, "y\u00e9"], "b": [{"l": "p"}, {"l": 3}, {}], "c": "one", "d": [[1]]})");
  Parser p;
  ASSERT_TRUE(p.parse(line.view()).ok());
  std::vector<std::optional<std::string_view>> v;
  ASSERT_TRUE(p.scalar_texts(*parse_path("a[*]"), v).ok());
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(*v[0], "x");
  EXPECT_EQ(*v[1], "2");
  EXPECT_FALSE(v[2].has_value());
  EXPECT_EQ(*v[3], "true");
  EXPECT_EQ(*v[4], "y\u00e9");  // all values of one call stay valid together
  v.clear();
  ASSERT_TRUE(p.scalar_texts(*parse_path("b[*].l"), v).ok());
  ASSERT_EQ(v.size(), 2u);  // the object without "l" adds nothing
  EXPECT_EQ(*v[0], "p");
  EXPECT_EQ(*v[1], "3");
  v.clear();
  ASSERT_TRUE(p.scalar_texts(*parse_path("c"), v).ok());
  ASSERT_EQ(v.size(), 1u);
  v.clear();
  ASSERT_TRUE(p.scalar_texts(*parse_path("missing[*]"), v).ok());
  EXPECT_TRUE(v.empty());
  Status s = p.scalar_texts(*parse_path("b[*]"), v);
  EXPECT_EQ(s.code(), StatusCode::bad_input);
  EXPECT_NE(s.message().find("an object"), std::string::npos) << s.message();
  EXPECT_EQ(p.scalar_texts(*parse_path("d[*]"), v).code(), StatusCode::bad_input);
}

TEST(Parser, NestingIsBoundedAt256Levels) {
  auto nested = [](int depth) {
    return "{\"text\":\"a\",\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  Parser p;
  Padded ok(nested(255));
  EXPECT_TRUE(p.parse(ok.view()).ok());
  Padded deep(nested(900));
  Status s = p.parse(deep.view());
  EXPECT_EQ(s.code(), StatusCode::bad_input);
  EXPECT_NE(s.message().find("too deep"), std::string::npos) << s.message();
}

TEST(Splice, EditsKeepUntouchedBytes) {
  Padded line(R"({"id": 1,   "text": "old",  "label": "x"})");
  Parser p;
  ASSERT_TRUE(p.parse(line.view()).ok());
  std::vector<StringValue> values;
  bool found = false;
  ASSERT_TRUE(p.strings(*parse_path("text"), values, found).ok());
  std::vector<Edit> edits{{values[0].offset, values[0].length, "\"new text\""}};
  ASSERT_TRUE(set_top_level(p, "label", "\"y\"", edits).ok());
  ASSERT_TRUE(set_top_level(p, "dup_of", "\"a:1\"", edits).ok());
  std::string out;
  apply_edits(line.view(), edits, out);
  EXPECT_EQ(out, R"({"id": 1,   "text": "new text",  "label": "y","dup_of":"a:1"})");
}

TEST(Splice, AppendToEmptyObject) {
  Padded line("{ \r\t}");
  Parser p;
  ASSERT_TRUE(p.parse(line.view()).ok());
  std::vector<Edit> edits;
  ASSERT_TRUE(set_top_level(p, "k", "1", edits).ok());
  std::string out;
  apply_edits(line.view(), edits, out);
  EXPECT_EQ(out, "{ \r\t\"k\":1}");  // found by fuzz_record: no comma after white space
}

}  // namespace dqprep::record
