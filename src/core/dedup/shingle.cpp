#include "dqprep/dedup/shingle.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>

#include <utf8proc.h>

#include "dqprep/util/hash.hpp"

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

// What a code point becomes in the normal form: a word break, nothing, or (folded) word bytes.
struct Folded {
  Kind kind = Kind::word;
  uint8_t size = 0;    // bytes of the case-folded UTF-8, for Kind::word
  char bytes[6] = {};  // below U+0800, a fold is at most 3 two-byte code points (tested)
};

// Case folding writes at most 3 bytes per input byte: U+0390 (2 bytes) folds to 3 two-byte code
// points; nothing expands more (checked over every code point by the tests).
constexpr size_t kMaxGrowth = 3;

Kind fold(utf8proc_int32_t cp, char* out, size_t& size) {
  Kind kind = classify(utf8proc_category(cp));
  size = 0;
  if (kind != Kind::word) return kind;
  utf8proc_int32_t folded[4];
  int boundclass = 0;
  utf8proc_ssize_t count = utf8proc_decompose_char(cp, folded, 4, UTF8PROC_CASEFOLD, &boundclass);
  if (count < 1 || count > 4) {  // not expected for a valid code point; keep it unfolded
    folded[0] = cp;
    count = 1;
  }
  for (utf8proc_ssize_t k = 0; k < count; ++k) {
    size += static_cast<size_t>(utf8proc_encode_char(folded[k], reinterpret_cast<utf8proc_uint8_t*>(out + size)));
  }
  return kind;
}

// Two-byte sequences (U+0080..U+07FF: Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic) looked up
// in a table built once, instead of three utf8proc calls per character.
struct TwoByteTable {
  std::array<Folded, 0x800> entries;
  TwoByteTable() {
    for (utf8proc_int32_t cp = 0x80; cp < 0x800; ++cp) {
      Folded& f = entries[static_cast<size_t>(cp)];
      char bytes[16];
      size_t size = 0;
      f.kind = fold(cp, bytes, size);
      f.size = static_cast<uint8_t>(size);
      std::memcpy(f.bytes, bytes, std::min(size, sizeof f.bytes));
    }
  }
};

const TwoByteTable& two_byte_table() {
  static const TwoByteTable table;
  return table;
}

// Sorts hashes into out. They are uniform, so a counting pass on the top bits puts about one value
// in each of >= n buckets and insertion sort finishes each bucket: expected O(n), several times
// faster than std::sort at a few hundred shingles. A crowded bucket (one shingle repeated) falls
// back to std::sort, so the worst case stays O(n log n).
void sort_hashes(const std::vector<uint64_t>& hashes, std::vector<uint32_t>& buckets,
                 std::vector<uint64_t>& out) {
  const size_t n = hashes.size();
  if (n < 32) {
    out.assign(hashes.begin(), hashes.end());
    std::sort(out.begin(), out.end());
    return;
  }
  out.resize(n);
  const int bits = std::bit_width(n - 1);
  const int shift = 64 - bits;
  buckets.assign((size_t{1} << bits) + 1, 0);
  for (uint64_t h : hashes) ++buckets[(h >> shift) + 1];
  for (size_t b = 1; b < buckets.size(); ++b) buckets[b] += buckets[b - 1];
  for (uint64_t h : hashes) out[buckets[h >> shift]++] = h;
  // Bucket b now spans [buckets[b - 1], buckets[b]) (from 0 for b = 0).
  uint32_t begin = 0;
  for (size_t b = 0; b + 1 < buckets.size(); ++b) {
    const uint32_t end = buckets[b];
    if (end - begin > 32) {
      std::sort(out.begin() + begin, out.begin() + end);
    } else {
      for (uint32_t i = begin + 1; i < end; ++i) {
        uint64_t v = out[i];
        uint32_t j = i;
        for (; j > begin && out[j - 1] > v; --j) out[j] = out[j - 1];
        out[j] = v;
      }
    }
    begin = end;
  }
}

}  // namespace

void normalize(std::string_view text, Scratch& scratch) {
  // Writing through a pointer into a buffer of kMaxGrowth * n bytes needs no capacity check per
  // byte: a space is only written in place of a break of 1 byte or more.
  std::vector<char>& buffer = scratch.buffer;
  std::vector<size_t>& starts = scratch.word_starts;
  starts.clear();
  if (buffer.size() < kMaxGrowth * text.size()) buffer.resize(kMaxGrowth * text.size());
  char* const base = buffer.data();
  char* w = base;
  bool in_word = false;
  auto begin_word = [&] {
    if (in_word) return;
    if (w != base) *w++ = ' ';
    starts.push_back(static_cast<size_t>(w - base));
    in_word = true;
  };
  auto emit = [&](Kind kind, const char* bytes, size_t size) {
    if (kind == Kind::word_break) {
      in_word = false;
    } else if (kind == Kind::word) {
      begin_word();
      std::memcpy(w, bytes, size);
      w += size;
    }
  };

  const TwoByteTable& table = two_byte_table();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      if (!kAscii[c]) {
        in_word = false;
        ++i;
        continue;
      }
      begin_word();
      do {
        *w++ = kAscii[c];
        if (++i == n) break;
        c = p[i];
      } while (c < 0x80 && kAscii[c]);
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
      const Folded& f = table.entries[((c & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu)];
      emit(f.kind, f.bytes, f.size);
      i += 2;
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
    char bytes[16];
    size_t size = 0;
    Kind kind = fold(cp, bytes, size);
    emit(kind, bytes, size);
  }
  scratch.text = std::string_view(base, static_cast<size_t>(w - base));
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
  std::vector<uint64_t>& hashes = scratch.hashes;
  hashes.clear();
  for (size_t w = 0; w + ngram <= words; ++w) {
    size_t begin = starts[w];
    hashes.push_back(hash::xxh3_64(norm.substr(begin, word_end(w + ngram - 1) - begin)));
  }
  sort_hashes(hashes, scratch.buckets, out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

void char_shingle_hashes(std::string_view text, size_t n, Scratch& scratch, std::vector<uint64_t>& out) {
  out.clear();
  normalize(text, scratch);
  const std::string_view norm = scratch.text;
  if (norm.empty()) return;
  if (n == 0) n = 1;
  // Byte offsets of the code points: the normal form is valid UTF-8 (invalid bytes became breaks).
  std::vector<size_t>& starts = scratch.word_starts;
  starts.clear();
  for (size_t i = 0; i < norm.size(); ++i) {
    if ((static_cast<unsigned char>(norm[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  const size_t chars = starts.size();
  if (chars <= n) {
    out.push_back(hash::xxh3_64(norm));
    return;
  }
  std::vector<uint64_t>& hashes = scratch.hashes;
  hashes.clear();
  for (size_t c = 0; c + n <= chars; ++c) {
    size_t end = c + n < chars ? starts[c + n] : norm.size();
    hashes.push_back(hash::xxh3_64(norm.substr(starts[c], end - starts[c])));
  }
  sort_hashes(hashes, scratch.buckets, out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

std::string Shingling::text() const {
  return std::string(unit == Unit::word ? "word:" : "char:") + std::to_string(n);
}

Result<Shingling> parse_shingling(std::string_view flag, std::string_view text) {
  Shingling s;
  size_t colon = text.find(':');
  std::string_view unit = text.substr(0, colon);
  std::string_view count = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  auto bad = [&] {
    return Status::usage(std::string(flag) + " '" + std::string(text) +
                         "': give word:N (N words) or char:N (N characters), N from 1 to 1000");
  };
  if (unit == "word") s.unit = Shingling::Unit::word;
  else if (unit == "char") s.unit = Shingling::Unit::character;
  else return bad();
  if (count.empty() || count.size() > 4 || count.find_first_not_of("0123456789") != std::string_view::npos) return bad();
  s.n = static_cast<size_t>(std::stoul(std::string(count)));
  if (s.n < 1 || s.n > 1000) return bad();
  return s;
}

void hashes(std::string_view text, const Shingling& how, Scratch& scratch, std::vector<uint64_t>& out) {
  if (how.unit == Shingling::Unit::character) char_shingle_hashes(text, how.n, scratch, out);
  else shingle_hashes(text, how.n, scratch, out);
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
