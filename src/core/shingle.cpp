#include "dqprep/shingle.hpp"

#include <algorithm>
#include <array>

#include <utf8proc.h>

#include "dqprep/hash.hpp"

namespace dqprep::shingle {
namespace {

// ASCII: letters and digits map to their lower case; every other ASCII character is punctuation,
// a symbol, white space or a control, so a word break (0).
constexpr std::array<char, 128> make_ascii_table() {
  std::array<char, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<char>(c - 'A' + 'a');
  return t;
}
constexpr std::array<char, 128> kAscii = make_ascii_table();

enum class Kind { word, word_break, ignored };

Kind classify(utf8proc_category_t category) {
  switch (category) {
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC: case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
      return Kind::word_break;
    // Invisible: a soft hyphen or joiner inside a word must not split it.
    case UTF8PROC_CATEGORY_CF:
      return Kind::ignored;
    default:
      return Kind::word;
  }
}

}  // namespace

void normalize(std::string_view text, Scratch& scratch) {
  std::string& out = scratch.text;
  std::vector<size_t>& starts = scratch.word_starts;
  out.clear();
  starts.clear();
  out.reserve(text.size());
  bool in_word = false;
  auto begin_word = [&] {
    if (in_word) return;
    if (!out.empty()) out.push_back(' ');
    starts.push_back(out.size());
    in_word = true;
  };

  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      char lower = kAscii[c];
      if (lower) {
        begin_word();
        out.push_back(lower);
      } else {
        in_word = false;
      }
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(n - i), &cp);
    if (len <= 0) {  // invalid UTF-8: a break, as the U+FFFD (a symbol) it stands for
      in_word = false;
      ++i;
      continue;
    }
    i += static_cast<size_t>(len);
    Kind kind = classify(utf8proc_category(cp));
    if (kind == Kind::word_break) {
      in_word = false;
    } else if (kind == Kind::word) {
      begin_word();
      utf8proc_int32_t folded[4];
      int boundclass = 0;
      utf8proc_ssize_t count = utf8proc_decompose_char(cp, folded, 4, UTF8PROC_CASEFOLD, &boundclass);
      if (count < 1 || count > 4) {  // not expected for a valid code point; keep it unfolded
        folded[0] = cp;
        count = 1;
      }
      for (utf8proc_ssize_t k = 0; k < count; ++k) {
        utf8proc_uint8_t bytes[4];
        utf8proc_ssize_t m = utf8proc_encode_char(folded[k], bytes);
        out.append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(m));
      }
    }
  }
}

void shingle_hashes(std::string_view text, size_t ngram, Scratch& scratch,
                    std::vector<uint64_t>& out) {
  out.clear();
  normalize(text, scratch);
  const std::vector<size_t>& starts = scratch.word_starts;
  const std::string_view norm = scratch.text;
  const size_t words = starts.size();
  if (words == 0) return;
  if (ngram == 0) ngram = 1;
  if (words <= ngram) {
    out.push_back(hash::xxh3_64(norm));
    return;
  }
  // The normal form separates words by one space, so an n-gram is a substring: no copy to hash it.
  auto word_end = [&](size_t w) { return w + 1 < words ? starts[w + 1] - 1 : norm.size(); };
  out.reserve(words - ngram + 1);
  for (size_t w = 0; w + ngram <= words; ++w) {
    size_t begin = starts[w];
    out.push_back(hash::xxh3_64(norm.substr(begin, word_end(w + ngram - 1) - begin)));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

double jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() && b.empty()) return 1.0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace dqprep::shingle
