#include "dqprep/io/record.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <new>

#include "dqprep/io/json_text.hpp"

namespace dqprep::record {

namespace od = simdjson::ondemand;
using simdjson::error_code;

bool Path::has_wildcard() const {
  for (const PathStep& s : steps) {
    if (s.kind == PathStep::Kind::all) return true;
  }
  return false;
}

std::string Path::text_of(const std::vector<PathStep>& steps) {
  std::string t;
  for (const PathStep& s : steps) {
    if (s.kind == PathStep::Kind::key) {
      if (!t.empty()) t += '.';
      t += s.key;
    } else if (s.kind == PathStep::Kind::index) {
      t += "[" + std::to_string(s.index) + "]";
    } else {
      t += "[*]";
    }
  }
  return t;
}

Path Path::from_steps(std::vector<PathStep> steps) {
  Path p;
  p.text = text_of(steps);
  p.steps = std::move(steps);
  return p;
}

Result<Path> parse_path(std::string_view text) {
  Path path;
  path.text = std::string(text);
  auto bad = [&](const std::string& why) {
    return Status::usage("bad field path '" + std::string(text) + "': " + why);
  };
  size_t i = 0;
  bool expect_key = true;
  while (i < text.size()) {
    if (text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos) return bad("'[' without ']'");
      std::string_view inside = text.substr(i + 1, close - i - 1);
      PathStep step;
      if (inside == "*") {
        step.kind = PathStep::Kind::all;
      } else {
        step.kind = PathStep::Kind::index;
        auto r = std::from_chars(inside.data(), inside.data() + inside.size(), step.index);
        if (inside.empty() || r.ec != std::errc() || r.ptr != inside.data() + inside.size()) {
          return bad("'[" + std::string(inside) + "]' is not an index, a negative index or *");
        }
      }
      path.steps.push_back(step);
      i = close + 1;
      expect_key = false;
      if (i < text.size() && text[i] == '.') {
        ++i;
        expect_key = true;
        if (i == text.size()) return bad("ends with '.'");
      }
      continue;
    }
    if (!expect_key) return bad("expected '.' or '[' after ']'");
    size_t end = text.find_first_of(".[", i);
    if (end == std::string_view::npos) end = text.size();
    if (end == i) return bad("empty key");
    PathStep step;
    step.key = std::string(text.substr(i, end - i));
    path.steps.push_back(step);
    i = end;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (i == text.size()) return bad("ends with '.'");
    }
    expect_key = i < text.size() && text[i - 1] == '.';
  }
  if (path.steps.empty()) return bad("empty path");
  return path;
}

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_json_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

const char* type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "unknown";
}

Status json_error(error_code e) {
  if (e == simdjson::MEMALLOC) throw std::bad_alloc();  // out of memory (exit 4), not bad input
  return Status::bad_input(std::string("bad JSON: ") + simdjson::error_message(e));
}

constexpr int kMaxDepth = 256;

// RFC 8259's number grammar. Any magnitude is valid JSON (2^64, 1e309, 30 digits): such a record
// is kept, and only a stage that needs the number's value says that it cannot hold it.
bool is_json_number(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

// What validation found besides simdjson's own errors.
struct Finding {
  error_code error = simdjson::SUCCESS;
  std::string duplicate_key;  // a key named twice in one object: reads and edits would disagree
};

// The keys of the objects being walked, one run per nesting level; reused across records.
thread_local std::vector<std::string_view> open_keys;

// Reads every value of the document once, so that malformed JSON anywhere in the line is found
// even where no stage looks.
error_code validate(od::value v, int depth, Finding& finding) {
  // Recursion is bounded here, not by simdjson's 1024 levels, so that a hostile line cannot exhaust
  // the stack of a worker thread (the fuzzer found it under ASan, whose frames are larger).
  if (depth > kMaxDepth) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  switch (type) {
    case od::json_type::object: {
      od::object obj;
      if (auto e = v.get_object().get(obj)) return e;
      const size_t first_key = open_keys.size();
      error_code result = simdjson::SUCCESS;
      for (auto field : obj) {
        std::string_view key;
        if ((result = field.unescaped_key().get(key))) break;
        if (finding.duplicate_key.empty() &&
            std::find(open_keys.begin() + static_cast<std::ptrdiff_t>(first_key), open_keys.end(), key) != open_keys.end()) {
          finding.duplicate_key = key;
        }
        open_keys.push_back(key);
        od::value child;
        if ((result = field.value().get(child))) break;
        if ((result = validate(child, depth + 1, finding))) break;
      }
      open_keys.resize(first_key);
      return result;
    }
    case od::json_type::array: {
      od::array arr;
      if (auto e = v.get_array().get(arr)) return e;
      for (auto element : arr) {
        od::value child;
        if (auto e = element.get(child)) return e;
        if (auto e = validate(child, depth + 1, finding)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      return v.get_string().get(s);
    }
    case od::json_type::number:
      return is_json_number(trim_right(v.raw_json_token())) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
    case od::json_type::boolean: {
      bool b;
      return v.get_bool().get(b);
    }
    case od::json_type::null: {
      bool is_null;
      if (auto e = v.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

}  // namespace

struct Parser::Impl {
  od::parser parser;
  od::document doc;
  // Only for lines that are not objects: the on-demand parser types a document by its first
  // character ("nothing" looks like null), so the whole line is parsed to tell bad JSON apart.
  std::unique_ptr<simdjson::dom::parser> whole;

  // Calls visit(value) for each value at path steps[i..]; stops at the first error visit returns.
  template <class Visit>
  Status walk(od::value v, const Path& path, size_t i, Visit& visit) {
    if (i == path.steps.size()) return visit(v);
    const PathStep& step = path.steps[i];
    if (step.kind == PathStep::Kind::key) {
      od::object obj;
      if (v.get_object().get(obj)) return {};  // not an object: the path does not exist
      od::value child;
      error_code e = obj.find_field_unordered(step.key).get(child);
      if (e == simdjson::NO_SUCH_FIELD) return {};
      if (e) return json_error(e);
      return walk(child, path, i + 1, visit);
    }
    od::array arr;
    if (v.get_array().get(arr)) return {};
    if (step.kind == PathStep::Kind::all) {
      for (auto element : arr) {
        od::value child;
        if (auto e = element.get(child)) return json_error(e);
        DQPREP_RETURN_IF_ERROR(walk(child, path, i + 1, visit));
      }
      return {};
    }
    int64_t index = step.index;
    if (index < 0) {
      size_t count = 0;
      if (auto e = arr.count_elements().get(count)) return json_error(e);
      index += static_cast<int64_t>(count);
      if (index < 0) return {};
    }
    int64_t k = 0;
    for (auto element : arr) {
      if (k++ == index) {
        od::value child;
        if (auto e = element.get(child)) return json_error(e);
        return walk(child, path, i + 1, visit);
      }
    }
    return {};
  }

  template <class Visit>
  Status each(const Path& path, Visit&& visit) {
    doc.rewind();
    od::value root;
    if (auto e = doc.get_value().get(root)) return json_error(e);
    return walk(root, path, 0, visit);
  }
};

Parser::Parser() : impl_(std::make_unique<Impl>()) {}
Parser::~Parser() = default;

Status Parser::parse(std::string_view line) {
  line_ = line;
  error_code e = impl_->parser.iterate(line.data(), line.size(), line.size() + simdjson::SIMDJSON_PADDING)
                     .get(impl_->doc);
  if (e) return json_error(e);
  od::json_type type;
  if (auto te = impl_->doc.type().get(type)) return json_error(te);
  if (type != od::json_type::object) {
    if (!impl_->whole) impl_->whole = std::make_unique<simdjson::dom::parser>();
    simdjson::dom::element element;
    if (auto de = impl_->whole->parse(line.data(), line.size()).get(element)) return json_error(de);
    return Status::bad_input(std::string("a record must be a JSON object, not ") + type_name(type));
  }
  od::value root;
  if (auto ve = impl_->doc.get_value().get(root)) return json_error(ve);
  Finding finding;
  open_keys.clear();
  if (auto ve = validate(root, 0, finding)) return json_error(ve);
  if (!finding.duplicate_key.empty()) {
    return Status::bad_input("key '" + finding.duplicate_key + "' appears twice in one object (which one counts is ambiguous)");
  }
  const char* trailing = nullptr;
  if (!impl_->doc.current_location().get(trailing)) {
    return Status::bad_input("bad JSON: more than one value on the line");
  }
  return {};
}

Status Parser::strings(const Path& path, std::vector<StringValue>& out, bool& found) {
  found = false;
  auto visit = [&](od::value v) -> Status {
    found = true;
    od::json_type type;
    if (auto e = v.type().get(type)) return json_error(e);
    if (type == od::json_type::null) return {};
    if (type != od::json_type::string) {
      return Status::bad_input("field '" + path.text + "' is " + type_name(type) + ", not a string");
    }
    std::string_view token = trim_right(v.raw_json_token());
    std::string_view text;
    if (auto e = v.get_string().get(text)) return json_error(e);
    out.push_back({static_cast<size_t>(token.data() - line_.data()), token.size(), text});
    return {};
  };
  return impl_->each(path, visit);
}

Status Parser::scalar_text(const Path& path, std::optional<std::string_view>& out) {
  out.reset();
  auto visit = [&](od::value v) -> Status {
    od::json_type type;
    if (auto e = v.type().get(type)) return json_error(e);
    switch (type) {
      case od::json_type::null: return {};
      case od::json_type::string: {
        std::string_view text;
        if (auto e = v.get_string().get(text)) return json_error(e);
        out = text;
        return {};
      }
      case od::json_type::number:
      case od::json_type::boolean: out = trim_right(v.raw_json_token()); return {};
      default: return Status::bad_input("field '" + path.text + "' is " + type_name(type) + ", not a label");
    }
  };
  return impl_->each(path, visit);
}

Status Parser::scalar_texts(const Path& path, std::vector<std::optional<std::string_view>>& out) {
  auto visit = [&](od::value v) -> Status {
    od::json_type type;
    if (auto e = v.type().get(type)) return json_error(e);
    switch (type) {
      case od::json_type::null: out.emplace_back(); return {};
      case od::json_type::string: {
        std::string_view text;
        if (auto e = v.get_string().get(text)) return json_error(e);
        out.emplace_back(text);
        return {};
      }
      case od::json_type::number:
      case od::json_type::boolean: out.emplace_back(trim_right(v.raw_json_token())); return {};
      default: return Status::bad_input("field '" + path.text + "' holds " + type_name(type) + ", not a label");
    }
  };
  return impl_->each(path, visit);
}

namespace {

Status raw_of(od::value v, std::string_view& out) {
  od::json_type type;
  if (auto e = v.type().get(type)) return json_error(e);
  if (type == od::json_type::object) {
    od::object obj;
    if (auto e = v.get_object().get(obj)) return json_error(e);
    if (auto e = obj.raw_json().get(out)) return json_error(e);
    out = trim_right(out);
  } else if (type == od::json_type::array) {
    od::array arr;
    if (auto e = v.get_array().get(arr)) return json_error(e);
    if (auto e = arr.raw_json().get(out)) return json_error(e);
    out = trim_right(out);
  } else {
    out = trim_right(v.raw_json_token());
  }
  return {};
}

}  // namespace

Status Parser::raw_value(const Path& path, std::optional<std::string_view>& out) {
  out.reset();
  auto visit = [&](od::value v) -> Status {
    std::string_view raw;
    DQPREP_RETURN_IF_ERROR(raw_of(v, raw));
    out = raw;
    return {};
  };
  return impl_->each(path, visit);
}

Status Parser::raw_values(const Path& path, std::vector<std::string_view>& out) {
  auto visit = [&](od::value v) -> Status {
    std::string_view raw;
    DQPREP_RETURN_IF_ERROR(raw_of(v, raw));
    out.push_back(raw);
    return {};
  };
  return impl_->each(path, visit);
}

Status Parser::numbers(const Path& path, std::vector<double>& out, bool& found) {
  found = false;
  auto number = [&](od::value v) -> Status {
    double d;
    if (v.get_double().get(d)) {
      std::string_view token = trim_right(v.raw_json_token());
      if (is_json_number(token)) {
        return Status::bad_input("field '" + path.text + "' holds " + std::string(token) +
                                 ", a number beyond the range of a double");
      }
      return Status::bad_input("field '" + path.text + "' holds a value that is not a number");
    }
    out.push_back(d);
    return {};
  };
  auto visit = [&](od::value v) -> Status {
    od::json_type type;
    if (auto e = v.type().get(type)) return json_error(e);
    if (type == od::json_type::null) return {};
    found = true;
    if (type != od::json_type::array) return number(v);
    od::array arr;
    if (auto e = v.get_array().get(arr)) return json_error(e);
    for (auto element : arr) {
      od::value child;
      if (auto e = element.get(child)) return json_error(e);
      DQPREP_RETURN_IF_ERROR(number(child));
    }
    return {};
  };
  return impl_->each(path, visit);
}

Status Parser::members(std::vector<Member>& out) {
  impl_->doc.rewind();
  od::object obj;
  if (auto e = impl_->doc.get_object().get(obj)) return json_error(e);
  for (auto field : obj) {
    Member m;
    if (auto e = field.unescaped_key().get(m.key)) return json_error(e);
    od::value v;
    if (auto e = field.value().get(v)) return json_error(e);
    od::json_type type;
    if (auto e = v.type().get(type)) return json_error(e);
    if (type == od::json_type::string) {
      m.is_string = true;
      m.raw = trim_right(v.raw_json_token());
      if (auto e = v.get_string().get(m.text)) return json_error(e);
    } else {
      DQPREP_RETURN_IF_ERROR(raw_of(v, m.raw));
    }
    out.push_back(m);
  }
  return {};
}

Status Parser::top_level_span(std::string_view key, std::optional<std::pair<size_t, size_t>>& out) {
  out.reset();
  impl_->doc.rewind();
  od::object obj;
  if (auto e = impl_->doc.get_object().get(obj)) return json_error(e);
  for (auto field : obj) {
    std::string_view k;
    if (auto e = field.unescaped_key().get(k)) return json_error(e);
    od::value v;
    if (auto e = field.value().get(v)) return json_error(e);
    if (k == key) {
      std::string_view raw;
      DQPREP_RETURN_IF_ERROR(raw_of(v, raw));
      out = std::make_pair(static_cast<size_t>(raw.data() - line_.data()), raw.size());
      // A later duplicate key wins in most readers; keep looking so it is the one replaced.
    }
  }
  return {};
}

void apply_edits(std::string_view line, std::vector<Edit>& edits, std::string& out) {
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
  out.clear();
  size_t pos = 0;
  for (const Edit& e : edits) {
    out.append(line.substr(pos, e.offset - pos));
    out.append(e.text);
    pos = e.offset + e.length;
  }
  out.append(line.substr(pos));
}

Status set_top_level(Parser& parser, std::string_view key, std::string_view json_value, std::vector<Edit>& edits) {
  std::optional<std::pair<size_t, size_t>> span;
  DQPREP_RETURN_IF_ERROR(parser.top_level_span(key, span));
  if (span) {
    edits.push_back({span->first, span->second, std::string(json_value)});
    return {};
  }
  std::string_view line = trim_right(parser.line());
  size_t close = line.size() - 1;  // parse() made sure the line is one object: it ends with '}'
  size_t before = close;
  while (before > 0 && is_json_space(line[before - 1])) --before;
  bool empty_object = before > 0 && line[before - 1] == '{';
  std::string text = empty_object ? "" : ",";
  json_text::append_string(text, key);
  text.push_back(':');
  text.append(json_value);
  edits.push_back({close, 0, std::move(text)});
  return {};
}

}  // namespace dqprep::record
