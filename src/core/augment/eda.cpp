#include "dqprep/augment/eda.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "dqprep/augment/char_noise.hpp"
#include "dqprep/text/text.hpp"

namespace dqprep::eda {

namespace {

// eda.py's list ("" included), sorted.
constexpr std::array<std::string_view, 128> kStopWords = {
    "", "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "did", "do", "does", "doing", "don", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me",
    "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
    "or", "other", "our", "ours", "ourselves", "out", "over", "own", "s", "same", "she", "should",
    "so", "some", "such", "t", "than", "that", "the", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "you", "your", "yours", "yourself", "yourselves",
};
static_assert(std::is_sorted(kStopWords.begin(), kStopWords.end()));

// FNV-1a into a 512-slot table built at compile time: one probe for most words of a text.
constexpr uint32_t stop_hash(std::string_view w) {
  uint32_t h = 2166136261u;
  for (char c : w) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return h & 511u;
}
constexpr auto kStopTable = [] {
  std::array<uint8_t, 512> t{};
  t.fill(0xFF);
  for (size_t i = 0; i < kStopWords.size(); ++i) {
    uint32_t h = stop_hash(kStopWords[i]);
    while (t[h] != 0xFF) h = (h + 1) & 511u;
    t[h] = static_cast<uint8_t>(i);
  }
  return t;
}();
constexpr size_t kLongestStopWord = 10;

int32_t decode_at(std::string_view s, size_t i, size_t& len) {
  int32_t cp;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) {
    len = 1;
    return -1;
  }
  len = static_cast<size_t>(n);
  return cp;
}

bool is_affix_cp(int32_t cp) {
  if (cp < 0) return false;
  auto cat = utf8proc_category(cp);
  return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_SO;  // P* and S*
}

bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

enum class Case : uint8_t { as_is, capitalized, upper };

Case case_of(std::string_view core) {
  size_t letters = 0, lower = 0;
  bool first_upper = false;
  for (size_t i = 0; i < core.size();) {
    unsigned char c = static_cast<unsigned char>(core[i]);
    int32_t cp = c;
    size_t len = 1;
    if (c >= 0x80) cp = decode_at(core, i, len);
    bool is_up = cp >= 0 && (cp < 0x80 ? (c >= 'A' && c <= 'Z') : utf8proc_isupper(cp) != 0);
    bool is_low = cp >= 0 && (cp < 0x80 ? (c >= 'a' && c <= 'z') : utf8proc_islower(cp) != 0);
    if (is_up || is_low) {
      if (letters == 0) first_upper = is_up;
      ++letters;
      lower += is_low;
    }
    i += len;
  }
  if (letters >= 2 && lower == 0) return Case::upper;
  return first_upper ? Case::capitalized : Case::as_is;
}

void append_upper_cp(std::string& out, std::string_view s, size_t i, size_t& len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    out.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    len = 1;
    return;
  }
  int32_t cp = decode_at(s, i, len);
  if (cp < 0) {
    out.push_back(static_cast<char>(c));
    return;
  }
  utf8proc_uint8_t buf[4];
  auto m = utf8proc_encode_char(utf8proc_toupper(cp), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(m));
}

void append_cased(std::string& out, std::string_view word, Case c) {
  if (c == Case::as_is || word.empty()) {
    out += word;
    return;
  }
  size_t i = 0, len = 0;
  append_upper_cp(out, word, i, len);
  i += len;
  if (c == Case::capitalized) {
    out.append(word.data() + i, word.size() - i);
    return;
  }
  while (i < word.size()) {
    append_upper_cp(out, word, i, len);
    i += len;
  }
}

size_t count_newlines(std::string_view s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

std::string_view op_name(Op op) {
  switch (op) {
    case Op::synonym: return "synonym";
    case Op::insert: return "insert";
    case Op::swap: return "swap";
    case Op::deletion: return "delete";
    case Op::char_noise: return "char-noise";
  }
  return "?";
}

std::optional<Op> parse_op(std::string_view name) {
  if (name == "synonym") return Op::synonym;
  if (name == "insert") return Op::insert;
  if (name == "swap") return Op::swap;
  if (name == "delete") return Op::deletion;
  if (name == "char-noise" || name == "char_noise") return Op::char_noise;
  return std::nullopt;
}

Result<std::vector<Op>> parse_ops(std::string_view names) {
  std::vector<Op> ops;
  size_t start = 0;
  while (true) {
    size_t comma = names.find(',', start);
    std::string_view name = names.substr(start, comma == std::string_view::npos ? names.npos : comma - start);
    auto op = parse_op(name);
    if (!op)
      return Status::usage("unknown augmentation op '" + std::string(name) +
                           "' (expected synonym, insert, swap, delete, char-noise)");
    if (std::find(ops.begin(), ops.end(), *op) != ops.end())
      return Status::usage("augmentation op '" + std::string(name) + "' given twice");
    ops.push_back(*op);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ops;
}

bool is_stop_word(std::string_view lowercase_word) {
  if (lowercase_word.size() > kLongestStopWord) return false;
  for (uint32_t h = stop_hash(lowercase_word); kStopTable[h] != 0xFF; h = (h + 1) & 511u)
    if (kStopWords[kStopTable[h]] == lowercase_word) return true;
  return false;
}

Status validate(const Params& params) {
  if (!(params.alpha > 0.0 && params.alpha <= 1.0))
    return Status::usage("--alpha must be in (0, 1], got " + std::to_string(params.alpha));
  if (!(params.char_rate > 0.0 && params.char_rate <= 1.0))
    return Status::usage("--char-rate must be in (0, 1], got " + std::to_string(params.char_rate));
  return {};
}

Augmenter::Augmenter(const wordnet::Synonyms& synonyms, Params params)
    : synonyms_(synonyms), params_(params) {}

void token_spans(std::string_view text, std::vector<TokenSpan>& out) {
  out.clear();
  if (text.size() > std::numeric_limits<uint32_t>::max()) return;  // offsets are 32-bit: no words
  text::for_each_word(text, [&](std::string_view w) {
    auto start = static_cast<uint32_t>(w.data() - text.data());
    auto end = static_cast<uint32_t>(start + w.size());
    uint32_t cs = start, ce = end;
    while (cs < ce) {
      unsigned char c = static_cast<unsigned char>(text[cs]);
      if (c < 0x80) {
        if (is_ascii_alnum(c)) break;
        ++cs;
        continue;
      }
      size_t len;
      if (!is_affix_cp(decode_at(text, cs, len))) break;
      cs += static_cast<uint32_t>(len);
    }
    while (ce > cs) {
      unsigned char c = static_cast<unsigned char>(text[ce - 1]);
      if (c < 0x80) {
        if (is_ascii_alnum(c)) break;
        --ce;
        continue;
      }
      uint32_t b = ce - 1;  // back to the lead byte of the last code point
      while (b > cs && ce - b < 4 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
      size_t len;
      int32_t cp = decode_at(text.substr(0, ce), b, len);
      if (b + len != ce || !is_affix_cp(cp)) break;
      ce = b;
    }
    out.push_back({start, cs, ce, end});
  });
}

void append_in_case_of(std::string& out, std::string_view word, std::string_view like) {
  append_cased(out, word, case_of(like));
}

void Augmenter::tokenize(std::string_view text) {
  token_spans(text, tokens_);
  words_.clear();
  for (size_t i = 0; i < tokens_.size(); ++i)
    if (tokens_[i].is_word()) words_.push_back(static_cast<uint32_t>(i));
  looked_up_.assign(tokens_.size(), 0);
  memo_.resize(tokens_.size());
}

wordnet::Synonyms::List Augmenter::lookup(std::string_view text, uint32_t token) {
  if (looked_up_[token]) return memo_[token];
  looked_up_[token] = 1;
  const Token& t = tokens_[token];
  std::string_view core = text.substr(t.core_start, t.core_end - t.core_start);
  for (char c : core)
    if (c >= '0' && c <= '9') return memo_[token] = {};
  wordnet::Synonyms::normalize_key(core, key_);
  if (is_stop_word(key_)) return memo_[token] = {};
  return memo_[token] = synonyms_.find(key_);
}

size_t Augmenter::num_changes() const {
  return std::max<size_t>(1, static_cast<size_t>(std::llround(params_.alpha * static_cast<double>(words_.size()))));
}

void Augmenter::pick_sources(std::string_view text, size_t want, Rng& rng) {
  picks_.clear();
  lists_.clear();
  order_.assign(words_.begin(), words_.end());
  size_t w = order_.size();
  for (size_t k = 0; k < w && picks_.size() < want; ++k) {
    size_t j = k + static_cast<size_t>(rng.uniform(w - k));
    std::swap(order_[k], order_[j]);
    uint32_t tok = order_[k];
    auto list = lookup(text, tok);
    if (list.empty()) continue;
    picks_.push_back({tok, static_cast<uint32_t>(picks_.size()), tok, {}});
    lists_.push_back(list);
  }
}

void Augmenter::synonym_replacement(std::string_view text, Rng& rng, std::string& out) {
  pick_sources(text, num_changes(), rng);
  for (size_t p = 0; p < picks_.size(); ++p) picks_[p].synonym = lists_[p][rng.uniform(lists_[p].size())];
  std::sort(picks_.begin(), picks_.end(), [](const Pick& a, const Pick& b) { return a.slot < b.slot; });
  size_t last = 0;
  for (const Pick& p : picks_) {
    const Token& t = tokens_[p.token];
    out.append(text.data() + last, t.core_start - last);
    append_cased(out, p.synonym, case_of(text.substr(t.core_start, t.core_end - t.core_start)));
    last = t.core_end;
  }
  out.append(text.data() + last, text.size() - last);
}

void Augmenter::random_insertion(std::string_view text, Rng& rng, std::string& out) {
  size_t n = num_changes();
  pick_sources(text, n, rng);
  size_t found = picks_.size();
  if (found == 0) {
    out.assign(text);
    return;
  }
  for (size_t j = 0; j < n; ++j) {
    size_t src = j < found ? j : static_cast<size_t>(rng.uniform(found));
    if (j >= found) picks_.push_back({0, static_cast<uint32_t>(j), picks_[src].token, {}});
    Pick& p = picks_[j];
    p.synonym = lists_[src][rng.uniform(lists_[src].size())];
    p.slot = static_cast<uint32_t>(rng.uniform(tokens_.size() + 1));
  }
  std::sort(picks_.begin(), picks_.end(),
            [](const Pick& a, const Pick& b) { return a.slot != b.slot ? a.slot < b.slot : a.seq < b.seq; });
  size_t last = 0;
  for (const Pick& p : picks_) {
    const Token& src = tokens_[p.token];
    Case c = case_of(text.substr(src.core_start, src.core_end - src.core_start)) == Case::upper ? Case::upper
                                                                                                 : Case::as_is;
    if (p.slot < tokens_.size()) {
      size_t at = tokens_[p.slot].start;
      out.append(text.data() + last, at - last);
      last = at;
      append_cased(out, p.synonym, c);
      out.push_back(' ');
    } else {
      size_t at = tokens_.back().end;
      out.append(text.data() + last, at - last);
      last = at;
      out.push_back(' ');
      append_cased(out, p.synonym, c);
    }
  }
  out.append(text.data() + last, text.size() - last);
}

void Augmenter::random_swap(std::string_view text, Rng& rng, std::string& out) {
  size_t w = words_.size();
  if (w < 2) {
    out.assign(text);
    return;
  }
  order_.assign(words_.begin(), words_.end());
  size_t n = num_changes();
  for (size_t k = 0; k < n; ++k) {
    size_t a = static_cast<size_t>(rng.uniform(w));
    size_t b = static_cast<size_t>(rng.uniform(w - 1));
    if (b >= a) ++b;
    std::swap(order_[a], order_[b]);
  }
  size_t last = 0;
  for (size_t k = 0; k < w; ++k) {
    if (order_[k] == words_[k]) continue;
    const Token& at = tokens_[words_[k]];
    const Token& from = tokens_[order_[k]];
    out.append(text.data() + last, at.core_start - last);
    out.append(text.data() + from.core_start, from.core_end - from.core_start);
    last = at.core_end;
  }
  out.append(text.data() + last, text.size() - last);
}

void Augmenter::random_deletion(std::string_view text, Rng& rng, std::string& out) {
  if (words_.empty()) {
    out.assign(text);
    return;
  }
  keep_.assign(tokens_.size(), 1);
  size_t kept_words = 0;
  for (uint32_t t : words_) {
    keep_[t] = !rng.bernoulli(params_.alpha);
    kept_words += keep_[t];
  }
  if (kept_words == 0) keep_[words_[rng.uniform(words_.size())]] = 1;
  auto gap = [&](size_t j) {  // the white space before token j
    size_t from = j == 0 ? 0 : tokens_[j - 1].end;
    return text.substr(from, tokens_[j].start - from);
  };
  // Kept tokens are copied in runs with the white space between them; a gap is chosen only where
  // tokens were deleted.
  size_t none = tokens_.size(), prev = none, run_start = 0;
  for (size_t t = 0; t < tokens_.size(); ++t) {
    if (!keep_[t]) continue;
    if (prev == none && t > 0) {
      out.append(gap(0));
      run_start = tokens_[t].start;
    } else if (prev != none && t > prev + 1) {
      out.append(text.data() + run_start, tokens_[prev].end - run_start);
      std::string_view best = gap(prev + 1);
      size_t best_lines = count_newlines(best);
      for (size_t j = prev + 2; j <= t; ++j) {
        std::string_view g = gap(j);
        size_t lines = count_newlines(g);
        if (lines > best_lines) best = g, best_lines = lines;
      }
      out.append(best);
      run_start = tokens_[t].start;
    }
    prev = t;
  }
  out.append(text.data() + run_start, tokens_[prev].end - run_start);
  out.append(text.substr(tokens_.back().end));
}

bool Augmenter::transform(std::string_view text, Op op, Rng& rng, std::string& out) {
  out.clear();
  if (op == Op::char_noise) return char_noise::apply(text, params_.char_rate, rng, out) > 0;
  out.reserve(text.size() + text.size() / 4 + 16);
  switch (op) {
    case Op::synonym: synonym_replacement(text, rng, out); break;
    case Op::insert: random_insertion(text, rng, out); break;
    case Op::swap: random_swap(text, rng, out); break;
    case Op::deletion: random_deletion(text, rng, out); break;
    case Op::char_noise: break;
  }
  return out != text;
}

bool Augmenter::apply(std::string_view text, Op op, Rng& rng, std::string& out) {
  if (op != Op::char_noise) tokenize(text);
  return transform(text, op, rng, out);
}

void Augmenter::generate(std::string_view text, std::span<const Op> ops, int num_aug, Rng& rng,
                         std::vector<Variant>& out) {
  if (ops.empty() || num_aug <= 0) {
    out.clear();
    return;
  }
  size_t per_op = static_cast<size_t>(num_aug) / ops.size() + 1;
  labels_.clear();
  for (Op op : ops) labels_.insert(labels_.end(), per_op, op);
  for (size_t i = labels_.size() - 1; i > 0; --i) std::swap(labels_[i], labels_[rng.uniform(i + 1)]);
  labels_.resize(static_cast<size_t>(num_aug));
  generate_each(text, labels_, rng, out);
}

void Augmenter::generate_each(std::string_view text, std::span<const Op> ops, Rng& rng, std::vector<Variant>& out) {
  bool needs_words = std::any_of(ops.begin(), ops.end(), [](Op op) { return op != Op::char_noise; });
  if (needs_words) tokenize(text);
  out.resize(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    out[i].op = ops[i];
    out[i].changed = transform(text, ops[i], rng, out[i].text);
  }
}

std::string augment(std::string_view text, Op op, const Params& params, const wordnet::Synonyms& synonyms,
                    Rng& rng) {
  Augmenter augmenter(synonyms, params);
  std::string out;
  augmenter.apply(text, op, rng, out);
  return out;
}

}  // namespace dqprep::eda
