// Fuzzes the small configuration files and answers given to stages. The first byte chooses the
// parser; the rest is the file (or the answer line):
//   0 normalize --label-map FILE     (src/stages/parsers.hpp parse_label_map)
//   1 augment --synonyms FILE        (include/dqprep/augment/wordnet.hpp Synonyms::from_json), then
//                                    EDA synonym replacement and insertion with it over the keys
//   2 filter --drop-words FILE       (append_word_list_lines, text/word_matcher.hpp WordMatcher),
//                                    then the matcher over the file itself
//   3 augment --exec answer line     (src/stages/parsers.hpp ExecAnswerReader)
// Properties: a label map holds a string per key of the object; every synonym list is non-empty
// texts; word-matcher hits lie inside the text and name an entry, and count() agrees with find();
// an answer is a text, a decline or an io Status.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dqprep/augment/eda.hpp"
#include "dqprep/augment/wordnet.hpp"
#include "dqprep/text/word_matcher.hpp"
#include "dqprep/util/random.hpp"
#include "stages/parsers.hpp"

using namespace dqprep;

namespace {

void label_map(std::string_view text) {
  Result<stages::LabelMap> map = stages::parse_label_map(text, "fuzz.json");
  if (!map.ok()) {
    if (map.status().code() != StatusCode::usage) __builtin_trap();
    return;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) __builtin_trap();
  for (const auto& [raw, canonical] : map.value())
    if (!j.contains(raw)) __builtin_trap();
}

void synonyms(std::string_view text) {
  Result<wordnet::Synonyms> s = wordnet::Synonyms::from_json(text);
  if (!s.ok()) {
    if (s.status().code() != StatusCode::usage) __builtin_trap();
    return;
  }
  // The words to look up: the keys, when nlohmann reads the file as simdjson did (not always: a
  // lone surrogate escape, say); else the text itself.
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  std::string words = j.is_object() ? std::string() : std::string(text), key;
  if (!j.is_object()) j = nlohmann::json::object();
  for (const auto& [word, list] : j.items()) {
    wordnet::Synonyms::normalize_key(word, key);
    wordnet::Synonyms::List l = s->find(key);
    for (size_t i = 0; i < l.size(); ++i)
      if (l[i].empty()) __builtin_trap();
    words += word;
    words += ' ';
  }
  if (s->num_words() > s->num_links()) __builtin_trap();
  eda::Augmenter augmenter(*s, eda::Params{0.5, 0.1});
  Rng rng(7);
  std::string out;
  for (eda::Op op : {eda::Op::synonym, eda::Op::insert, eda::Op::swap, eda::Op::deletion})
    (void)augmenter.apply(words, op, rng, out);
}

void word_list(std::string_view text) {
  std::vector<std::string> lines;
  stages::append_word_list_lines(text, lines);
  for (const std::string& line : lines)
    if (line.find('\n') != std::string::npos) __builtin_trap();
  Result<word_matcher::WordMatcher> m = word_matcher::WordMatcher::create(lines);
  if (!m.ok()) {
    if (m.status().code() != StatusCode::usage) __builtin_trap();
    return;
  }
  if (m->entries().empty()) __builtin_trap();
  std::vector<word_matcher::Hit> hits, all;
  m->find(text, hits);
  m->find_all(text, all);
  for (const auto* list : {&hits, &all})
    for (const word_matcher::Hit& h : *list)
      if (h.entry >= m->entries().size() || h.length == 0 || h.offset + h.length > text.size()) __builtin_trap();
  for (size_t i = 1; i < hits.size(); ++i)
    if (hits[i].offset < hits[i - 1].offset + hits[i - 1].length) __builtin_trap();  // no overlap
  if (m->count(text) != hits.size() || all.size() < hits.size()) __builtin_trap();
  for (const std::string& e : m->entries()) {
    Result<std::string> again = word_matcher::WordMatcher::normalize_entry(e);
    if (!again.ok() || *again != e) __builtin_trap();  // entries are normal forms
  }
}

void exec_answer(std::string_view text) {
  static stages::ExecAnswerReader reader;  // one per thread in augment, reused from answer to answer
  bool declined = false;
  std::string out = "before";
  Status s = reader.read(0, std::string(text), declined, out);
  if (!s.ok() && s.code() != StatusCode::io) __builtin_trap();
  if (s.ok() && declined && out != "before") __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] & 3) {
    case 0: label_map(text); break;
    case 1: synonyms(text); break;
    case 2: word_list(text); break;
    case 3: exec_answer(text); break;
  }
  return 0;
}
