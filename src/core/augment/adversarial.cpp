#include "dqprep/augment/adversarial.hpp"

#include <algorithm>
#include <cmath>

namespace dqprep::adversarial {

namespace {

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool one_token(std::string_view s) {
  return !s.empty() && s.find_first_of(" \t\n\r\v\f") == std::string_view::npos;
}

}  // namespace

Attacker::Attacker(const wordnet::Synonyms& synonyms, Params params) : synonyms_(synonyms), params_(params) {}

void Attacker::build(std::string_view text, size_t at, std::string_view extra, bool drop) {
  built_.clear();
  size_t last = 0;
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const eda::TokenSpan& t = tokens_[i];
    if (i == at && drop) {
      built_.append(text.substr(last, t.start - last));
      last = t.end;
      continue;
    }
    std::string_view core = i == at ? extra : std::string_view(replaced_[i]);
    if (core.empty()) continue;
    built_.append(text.substr(last, t.core_start - last));
    built_.append(core);
    last = t.core_end;
  }
  built_.append(text.substr(last));
}

void Attacker::attack(std::string_view text, const TrueLabelProbability& p, const std::vector<std::string>& keep,
                      Attack& out) {
  eda::token_spans(text, tokens_);
  replaced_.assign(tokens_.size(), std::string());
  out = Attack{};
  for (const eda::TokenSpan& t : tokens_) out.words += t.is_word();
  out.budget = static_cast<size_t>(std::floor(params_.budget * static_cast<double>(out.words) + 1e-9));
  out.p_before = out.p_after = p(text);
  out.text.assign(text);
  if (out.budget == 0) return;

  // Candidates and their importance by deletion.
  struct Candidate {
    size_t token;
    double importance;
    wordnet::Synonyms::List synonyms;
  };
  std::vector<Candidate> candidates;
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const eda::TokenSpan& t = tokens_[i];
    if (!t.is_word()) continue;
    std::string_view core = text.substr(t.core_start, t.core_end - t.core_start);
    if (has_digit(core)) continue;
    wordnet::Synonyms::normalize_key(core, key_);
    if (eda::is_stop_word(key_) || std::find(keep.begin(), keep.end(), key_) != keep.end()) continue;
    wordnet::Synonyms::List list = synonyms_.find(key_);
    bool usable = false;
    for (size_t s = 0; s < list.size() && s < params_.max_synonyms && !usable; ++s) usable = one_token(list[s]);
    if (!usable) continue;
    build(text, i, {}, true);
    candidates.push_back({i, out.p_before - p(built_), list});
  }
  out.candidates = candidates.size();
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.importance > b.importance; });

  // Greedy substitution, most important word first.
  double current = out.p_before;
  for (const Candidate& c : candidates) {
    if (out.substitutions == out.budget) break;
    const eda::TokenSpan& t = tokens_[c.token];
    std::string_view core = text.substr(t.core_start, t.core_end - t.core_start);
    double best = current;
    std::string best_core;
    for (size_t s = 0; s < c.synonyms.size() && s < params_.max_synonyms; ++s) {
      std::string_view synonym = c.synonyms[s];
      if (!one_token(synonym)) continue;
      cased_.clear();
      eda::append_in_case_of(cased_, synonym, core);
      build(text, c.token, cased_, false);
      double q = p(built_);
      if (q < best) {
        best = q;
        best_core = cased_;
      }
    }
    if (best_core.empty()) continue;
    replaced_[c.token] = std::move(best_core);
    current = best;
    ++out.substitutions;
  }
  if (out.substitutions == 0) return;
  build(text, tokens_.size(), {}, false);
  out.text = built_;
  out.p_after = current;
}

}  // namespace dqprep::adversarial
