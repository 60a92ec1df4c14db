#include "dqprep/augment/char_noise.hpp"

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <algorithm>
#include <set>
#include <vector>

namespace dqprep::char_noise {
namespace {

std::string english(Rng& rng, size_t bytes) {
  static const char* words[] = {"The",    "quick", "brown", "fox",   "jumps",  "over",    "the",
                                "lazy",   "dog,",  "and",   "42",    "modern", "clients", "(really)",
                                "willow", "room.", "HTTP",  "2024!", "I",      "ll"};
  std::string s;
  while (s.size() < bytes) (s += s.empty() ? "" : " ") += words[rng.uniform(20)];
  return s;
}

// Code points of s; an invalid sequence makes the test fail.
std::vector<int32_t> code_points(std::string_view s) {
  std::vector<int32_t> cps;
  for (size_t i = 0; i < s.size();) {
    int32_t cp;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      ADD_FAILURE() << "invalid UTF-8 at byte " << i;
      return cps;
    }
    cps.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return cps;
}

bool letter_or_digit(int32_t cp) {
  auto c = utf8proc_category(cp);
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
         (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

// What is left when letters and digits are removed: noise must never change it.
std::vector<int32_t> skeleton(std::string_view s) {
  auto cps = code_points(s);
  cps.erase(std::remove_if(cps.begin(), cps.end(), letter_or_digit), cps.end());
  return cps;
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), on code points.
size_t osa_distance(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

TEST(CharNoise, RateIsTheShareOfEditedLettersAndDigits) {
  Rng gen(1);
  std::string text = english(gen, 400000);
  size_t eligible = static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }));
  for (double rate : {0.05, 0.2}) {
    Rng rng(2);
    std::string out;
    size_t edits = apply(text, rate, rng, out);
    // A transposition or a two-letter confusion takes the next character without a draw of its
    // own, which lowers the share by less than 2% of it at 0.2.
    EXPECT_NEAR(static_cast<double>(edits) / static_cast<double>(eligible), rate, rate * 0.03) << "rate " << rate;
  }
}

TEST(CharNoise, EditsAreSmallAndTouchOnlyLettersAndDigits) {
  Rng gen(3);
  size_t with_edits = 0;
  for (uint64_t k = 0; k < 2000; ++k) {
    std::string in = english(gen, 40);
    Rng rng(4, k);
    std::string out;
    size_t edits = apply(in, 0.1, rng, out);
    ASSERT_EQ(skeleton(in), skeleton(out)) << in << " -> " << out;
    size_t d = osa_distance(code_points(in), code_points(out));
    if (edits == 0) {
      EXPECT_EQ(in, out);
    } else {
      ++with_edits;
      // One edit is one operation, or two for the confusions rn <-> m, cl <-> d, vv <-> w.
      EXPECT_GE(d, 1u) << in << " -> " << out;
      EXPECT_LE(d, 2 * edits) << in << " -> " << out;
    }
  }
  EXPECT_GT(with_edits, 1500u);
}

TEST(CharNoise, MultibyteTextStaysValidUtf8) {
  const std::string in = "Größe café naïve Привет мир 東京タワー 😀 ÆØÅ ½ 123 — “quoted” ñandú";
  std::set<int32_t> input_cps;
  for (int32_t cp : code_points(in)) input_cps.insert(cp);
  size_t changed = 0;
  for (uint64_t k = 0; k < 1000; ++k) {
    Rng rng(5, k);
    std::string out = apply(in, 0.5, rng);
    changed += out != in;
    ASSERT_EQ(skeleton(in), skeleton(out)) << out;
    for (int32_t cp : code_points(out))
      if (cp >= 0x80) ASSERT_TRUE(input_cps.count(cp)) << "new code point U+" << std::hex << cp << " in " << out;
  }
  EXPECT_EQ(changed, 1000u);
}

TEST(CharNoise, KeepsCaseAndLeavesOtherCharactersAlone) {
  size_t lower_letters = 0;
  for (uint64_t k = 0; k < 200; ++k) {
    Rng rng(6, k);
    std::string out = apply("THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG", 1.0, rng);
    for (char c : out) {
      if (std::islower(static_cast<unsigned char>(c))) {
        EXPECT_EQ(c, 'l');  // the OCR confusion I -> l is the only way to lower case
        ++lower_letters;
      }
    }
  }
  EXPECT_LT(lower_letters, 100u);
  Rng rng(7);
  std::string out;
  EXPECT_EQ(apply(" ,.;!? -- «» … 😀\n\t", 1.0, rng, out), 0u);
  EXPECT_EQ(out, " ,.;!? -- «» … 😀\n\t");
  EXPECT_EQ(apply("\xFF\xFE broken", 0.0001, rng, out), 0u);
  EXPECT_EQ(out, "\xFF\xFE broken");
}

TEST(CharNoise, KeyboardNeighboursAndOcrConfusions) {
  // Every single-letter result for 'g' is a QWERTY neighbour (ftyhbv), an OCR confusion (9, q),
  // a deletion or an insertion "g?" of a neighbour.
  std::set<std::string> seen;
  for (uint64_t k = 0; k < 2000; ++k) {
    Rng rng(8, k);
    seen.insert(apply("g", 1.0, rng));
  }
  std::set<std::string> allowed = {"f", "t", "y", "h", "b", "v", "9", "q", "",
                                   "gf", "gt", "gy", "gh", "gb", "gv"};
  for (const auto& s : seen) EXPECT_TRUE(allowed.count(s)) << "'" << s << "'";
  EXPECT_GE(seen.size(), 14u);
  std::set<std::string> rn;
  for (uint64_t k = 0; k < 4000; ++k) {
    Rng rng(9, k);
    rn.insert(apply("rn", 1.0, rng));
  }
  EXPECT_TRUE(rn.count("m"));   // OCR
  EXPECT_TRUE(rn.count("nr"));  // transposition
}

TEST(CharNoise, SameSeedSameOutput) {
  Rng gen(10);
  std::string in = english(gen, 2000);
  Rng a(11), b(11), c(12);
  std::string x = apply(in, 0.05, a), y = apply(in, 0.05, b), z = apply(in, 0.05, c);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
}

}  // namespace
}  // namespace dqprep::char_noise
