#pragma once
// The rules file of weak-label (--rules FILE): a JSON array of keyword and regex rules, parsed and
// compiled into matchers grouped by the field they read. Outside weak_label.cpp so that the fuzz
// target fuzz_rules (fuzz/) can link it.

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dqprep/io/record.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/text/word_matcher.hpp"

namespace dqprep::stages::weak_label {

inline constexpr uint16_t kBadRecord = UINT16_MAX;  // vote count in the state of a malformed line

struct Label {
  std::string text;  // identity: a string's text, or a number's JSON text
  std::string json;  // written to the label field
};

struct Rule {
  std::string name;
  int32_t label = 0;
};

// The rules that read one field, matched together.
struct Group {
  std::optional<record::Path> field;  // empty: the format's text fields
  std::optional<word_matcher::WordMatcher> keywords;
  std::vector<std::vector<uint16_t>> entry_rules;  // keyword entry -> rules listing it
  std::unique_ptr<RE2::Set> regexes;
  std::vector<uint16_t> regex_rules;           // set index -> rule
  std::vector<std::unique_ptr<RE2>> each_regex;  // when the set's DFA runs out of memory
};

struct RuleSet {
  std::vector<Rule> rules;
  std::vector<Label> labels;
  std::unordered_map<std::string, int32_t> label_ids;
  std::vector<Group> groups;
};

// Parses the text of a rules file; `path` names it in messages ("--rules PATH: ..."). Every error
// is a usage Status.
Result<RuleSet> parse_rules(std::string_view text, const std::string& path);

// Reads the file at `path` and parses it.
Result<RuleSet> load_rules(const std::string& path);

}  // namespace dqprep::stages::weak_label
