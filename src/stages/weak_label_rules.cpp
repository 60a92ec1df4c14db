#include "stages/weak_label_rules.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"

namespace dqprep::stages::weak_label {

namespace {

using Json = nlohmann::json;

std::string describe(const Json& j) {
  std::string s = j.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

}  // namespace

Result<RuleSet> parse_rules(std::string_view text, const std::string& path) {
  const std::string where = "--rules " + path + ": ";
  if (json_text::nesting_depth(text) > json_text::kMaxConfigDepth) {
    return Status::usage(where + "nested deeper than " + std::to_string(json_text::kMaxConfigDepth) + " levels");
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
    return Status::usage(where + "not valid JSON (" + e.what() + ")");
  }
  if (!doc.is_array()) return Status::usage(where + "expected a JSON array of rules, not " + std::string(doc.type_name()));
  if (doc.empty()) return Status::usage(where + "the list of rules is empty");
  // Rule ids and vote counts are uint16_t, and a count of kBadRecord marks a malformed line in the
  // votes state: with kBadRecord rules, a record on which all of them fire would read as malformed.
  if (doc.size() >= kBadRecord) return Status::usage(where + "more than 65534 rules");

  RuleSet set;
  std::unordered_map<std::string, size_t> names;
  std::unordered_map<std::string, size_t> group_of;  // field path text ("" = text) -> group
  struct Pending {
    std::vector<std::string> keywords;
    std::vector<std::pair<std::string, uint16_t>> regexes;
    std::vector<std::pair<std::string, uint16_t>> keyword_rules;  // (normalized keyword, rule)
  };
  std::vector<Pending> pending;
  for (size_t i = 0; i < doc.size(); ++i) {
    const Json& r = doc[i];
    std::string at = where + "rules[" + std::to_string(i) + "]";
    if (!r.is_object()) return Status::usage(at + ": expected an object, not " + describe(r));
    if (!r.contains("name") || !r["name"].is_string() || r["name"].get<std::string>().empty())
      return Status::usage(at + ": needs \"name\": a non-empty string");
    Rule rule;
    rule.name = r["name"].get<std::string>();
    at += " (" + rule.name + ")";
    if (!names.emplace(rule.name, i).second)
      return Status::usage(at + ": the name is also that of rules[" + std::to_string(names[rule.name]) + "]");
    for (const auto& [key, value] : r.items()) {
      if (key != "name" && key != "label" && key != "keywords" && key != "regex" && key != "field")
        return Status::usage(at + ": unknown key \"" + key + "\" (known: name, label, keywords, regex, field)");
    }
    if (!r.contains("label")) return Status::usage(at + ": needs \"label\": the label it votes for");
    const Json& label = r["label"];
    Label l;
    if (label.is_string()) {
      l.text = label.get<std::string>();
    } else if (label.is_number() || label.is_boolean()) {
      l.text = label.dump();
    } else {
      return Status::usage(at + ": \"label\" must be a string, number or boolean, not " + describe(label));
    }
    l.json = label.dump();
    auto [it, fresh] = set.label_ids.emplace(l.text, static_cast<int32_t>(set.labels.size()));
    if (fresh) set.labels.push_back(l);
    rule.label = it->second;

    bool has_keywords = r.contains("keywords"), has_regex = r.contains("regex");
    if (has_keywords == has_regex) return Status::usage(at + ": needs exactly one of \"keywords\" and \"regex\"");
    std::string field;
    if (r.contains("field")) {
      if (!r["field"].is_string()) return Status::usage(at + ": \"field\" must be a path string");
      field = r["field"].get<std::string>();
      Result<record::Path> p = record::parse_path(field);
      if (!p.ok()) return Status::usage(at + ": \"field\": " + p.status().message());
    }
    auto [g, new_group] = group_of.emplace(field, set.groups.size());
    if (new_group) {
      Group group;
      if (!field.empty()) group.field = *record::parse_path(field);
      set.groups.push_back(std::move(group));
      pending.emplace_back();
    }
    const auto id = static_cast<uint16_t>(i);
    if (has_keywords) {
      const Json& kw = r["keywords"];
      if (!kw.is_array() || kw.empty()) return Status::usage(at + ": \"keywords\" must be a non-empty array of strings");
      for (size_t k = 0; k < kw.size(); ++k) {
        if (!kw[k].is_string()) return Status::usage(at + ": keywords[" + std::to_string(k) + "] is not a string");
        Result<std::string> normal = word_matcher::WordMatcher::normalize_entry(kw[k].get<std::string>());
        if (!normal.ok() || normal->empty())
          return Status::usage(at + ": keywords[" + std::to_string(k) + "] is blank or not valid UTF-8");
        pending[g->second].keywords.push_back(kw[k].get<std::string>());
        pending[g->second].keyword_rules.emplace_back(*normal, id);
      }
    } else {
      if (!r["regex"].is_string() || r["regex"].get<std::string>().empty())
        return Status::usage(at + ": \"regex\" must be a non-empty string");
      std::string pattern = r["regex"].get<std::string>();
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(pattern, options);
      if (!re.ok()) return Status::usage(at + ": bad regex: " + re.error());
      pending[g->second].regexes.emplace_back(pattern, id);
    }
    set.rules.push_back(std::move(rule));
  }

  for (size_t gi = 0; gi < set.groups.size(); ++gi) {
    Group& group = set.groups[gi];
    Pending& p = pending[gi];
    if (!p.keywords.empty()) {
      Result<word_matcher::WordMatcher> m = word_matcher::WordMatcher::create(p.keywords);
      if (!m.ok()) return Status::usage(where + m.status().message());
      group.keywords.emplace(std::move(*m));
      std::unordered_map<std::string, size_t> entry;
      const std::vector<std::string>& entries = group.keywords->entries();
      for (size_t e = 0; e < entries.size(); ++e) entry.emplace(entries[e], e);
      group.entry_rules.assign(entries.size(), {});
      for (const auto& [normal, rule] : p.keyword_rules) {
        std::vector<uint16_t>& rules = group.entry_rules[entry.at(normal)];
        if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
      }
    }
    if (!p.regexes.empty()) {
      RE2::Options options;
      options.set_log_errors(false);
      options.set_max_mem(int64_t{256} << 20);
      group.regexes = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
      for (const auto& [pattern, rule] : p.regexes) {
        std::string error;
        if (group.regexes->Add(pattern, &error) < 0)
          return Status::usage(where + "rule " + set.rules[rule].name + ": bad regex: " + error);
        group.regex_rules.push_back(rule);
        group.each_regex.push_back(std::make_unique<RE2>(pattern, options));
      }
      if (!group.regexes->Compile()) return Status::usage(where + "the regex rules need more memory than RE2 allows");
    }
  }
  return set;
}

Result<RuleSet> load_rules(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_file(path));
  return parse_rules(text, path);
}

}  // namespace dqprep::stages::weak_label
