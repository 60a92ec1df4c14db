#include "dqprep/augment/eda.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace dqprep::eda {
namespace {

using wordnet::Synonyms;

const Synonyms& database() {
  static const Synonyms synonyms = [] {
    auto r = Synonyms::load_wordnet(DQPREP_WORDNET_DIR);
    if (!r.ok()) {
      ADD_FAILURE() << r.status().message();
      return Synonyms();
    }
    return std::move(r.value());
  }();
  return synonyms;
}

// English-like sentences: content words (most have WordNet synonyms), stop words, words without
// synonyms; some Capitalized, some ALL CAPS, some with punctuation attached.
std::string sentence(Rng& rng, size_t min_words, size_t max_words) {
  static const std::vector<std::string> content = {
      "quick", "brown", "fox", "jump", "lazy", "dog", "house", "car", "road", "city", "happy",
      "small", "big", "old", "young", "child", "teacher", "book", "paper", "market", "price",
      "strong", "weak", "bright", "dark", "water", "fire", "river", "mountain", "green", "walk",
      "talk", "run", "play", "work", "good", "bad", "long", "short", "fast", "slow", "light",
      "heavy", "clean", "cold", "warm", "friend", "story", "music", "garden"};
  static const std::vector<std::string> stop = {"the", "a", "of", "and", "is", "to", "in", "was", "very",
                                                "it", "that", "with", "for", "on", "he", "she", "not"};
  static const std::vector<std::string> other = {"dqprep", "xylq", "2019", "B2B", "zorbl"};
  size_t n = min_words + rng.uniform(max_words - min_words + 1);
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += rng.bernoulli(0.05) ? "\n" : " ";
    uint64_t r = rng.uniform(100);
    std::string w = r < 60 ? content[rng.uniform(content.size())]
                    : r < 95 ? stop[rng.uniform(stop.size())]
                             : other[rng.uniform(other.size())];
    uint64_t c = rng.uniform(100);
    if (c < 10) w[0] = static_cast<char>(std::toupper(w[0]));
    else if (c < 15) for (char& ch : w) ch = static_cast<char>(std::toupper(ch));
    uint64_t p = rng.uniform(100);
    if (p < 5) w += ",";
    else if (p < 8) w += ".";
    else if (p < 10) w = "(" + w + ")";
    s += w;
  }
  return s;
}

// A token split the way the tests' ASCII texts allow: leading and trailing non-alphanumerics.
struct Parts {
  std::string_view prefix, core, suffix;
};
Parts parts(std::string_view tok) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  size_t b = 0, e = tok.size();
  while (b < e && !alnum(tok[b])) ++b;
  while (e > b && !alnum(tok[e - 1])) --e;
  return {tok.substr(0, b), tok.substr(b, e - b), tok.substr(e)};
}

// Tokens and the white space between them: gaps[i] precedes tokens[i], gaps.back() ends the text.
struct Split {
  std::vector<std::string_view> tokens, gaps;
};
Split split(std::string_view s) {
  Split r;
  size_t i = 0;
  while (true) {
    size_t g = i;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    r.gaps.push_back(s.substr(g, i - g));
    if (i == s.size()) break;
    size_t t = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    r.tokens.push_back(s.substr(t, i - t));
  }
  return r;
}

size_t num_words(std::string_view s) {
  size_t n = 0;
  for (auto t : split(s).tokens) n += !parts(t).core.empty();
  return n;
}

size_t expected_n(size_t words, double alpha) {
  return std::max<size_t>(1, static_cast<size_t>(std::llround(alpha * static_cast<double>(words))));
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// The synonyms the rules allow for a core: none for stop words and words with digits.
Synonyms::List allowed(const Synonyms& syn, std::string_view core) {
  if (std::any_of(core.begin(), core.end(), [](char c) { return c >= '0' && c <= '9'; })) return {};
  std::string key = lower(core);
  if (is_stop_word(key)) return {};
  return syn.find(key);
}

// At least two letters, none in lower case.
bool all_caps(std::string_view core) {
  size_t letters = 0, lowers = 0;
  for (char c : core) {
    letters += std::isalpha(static_cast<unsigned char>(c)) != 0;
    lowers += std::islower(static_cast<unsigned char>(c)) != 0;
  }
  return letters >= 2 && lowers == 0;
}

std::string cased_like(std::string_view synonym, std::string_view core) {
  std::string r(synonym);
  if (all_caps(core)) {
    for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else if (!core.empty() && std::isupper(static_cast<unsigned char>(core[0])) && !r.empty()) {
    r[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(r[0])));
  }
  return r;
}

// Reads `out` as `in` with some word cores replaced by an allowed, correctly cased synonym and
// everything else byte for byte equal. Returns the number of replaced words, or -1 if impossible.
int replaced_words(std::string_view in, std::string_view out, const Synonyms& syn) {
  Split s = split(in);
  std::function<int(size_t, size_t)> walk = [&](size_t i, size_t pos) -> int {
    if (out.substr(pos, s.gaps[i].size()) != s.gaps[i]) return -1;
    pos += s.gaps[i].size();
    if (i == s.tokens.size()) return pos == out.size() ? 0 : -1;
    Parts p = parts(s.tokens[i]);
    if (out.substr(pos, p.prefix.size()) != p.prefix) return -1;
    pos += p.prefix.size();
    auto try_core = [&](std::string_view core, int cost) -> int {
      if (out.substr(pos, core.size()) != core || out.substr(pos + core.size(), p.suffix.size()) != p.suffix)
        return -1;
      int rest = walk(i + 1, pos + core.size() + p.suffix.size());
      return rest < 0 ? -1 : rest + cost;
    };
    int r = try_core(p.core, 0);
    if (r >= 0) return r;
    auto list = allowed(syn, p.core);
    for (size_t k = 0; k < list.size(); ++k) {
      r = try_core(cased_like(list[k], p.core), 1);
      if (r >= 0) return r;
    }
    return -1;
  };
  return walk(0, 0);
}

TEST(EdaSynonym, ReplacementsAreWordNetSynonymsAndAlphaSetsTheirShare) {
  for (double alpha : {0.1, 0.3}) {
    Augmenter aug(database(), {alpha, 0.05});
    Rng gen(11);
    double share = 0;
    const int kSentences = 2000;
    std::string out;
    for (int k = 0; k < kSentences; ++k) {
      std::string in = sentence(gen, 20, 40);
      Split s = split(in);
      size_t words = 0, candidates = 0;
      for (auto t : s.tokens) {
        Parts p = parts(t);
        words += !p.core.empty();
        candidates += !allowed(database(), p.core).empty();
      }
      Rng rng(3, static_cast<uint64_t>(k));
      bool changed = aug.apply(in, Op::synonym, rng, out);
      int replaced = replaced_words(in, out, database());
      ASSERT_GE(replaced, 0) << "in:  " << in << "\nout: " << out;
      ASSERT_EQ(static_cast<size_t>(replaced), std::min(expected_n(words, alpha), candidates)) << in;
      EXPECT_EQ(changed, replaced > 0);
      share += static_cast<double>(replaced) / static_cast<double>(words);
    }
    EXPECT_NEAR(share / kSentences, alpha, 0.01) << "alpha " << alpha;
  }
}

TEST(EdaSynonym, KeepsCaseAndAttachedPunctuation) {
  auto syn = Synonyms::from_map({{"quick", {"fast"}}, {"über", {"öl"}}, {"road", {"main street"}}});
  Rng rng(1);
  EXPECT_EQ(augment("Quick QUICK quick, (quick) «quick» Über ÜBER ROAD Road road.", Op::synonym, {1.0, 0.05}, syn, rng),
            "Fast FAST fast, (fast) «fast» Öl ÖL MAIN STREET Main street main street.");
}

TEST(EdaSynonym, StopWordsAndWordsWithDigitsAreNeverReplaced) {
  auto syn = Synonyms::from_map(
      {{"the", {"thee"}}, {"very", {"highly"}}, {"dog", {"hound"}}, {"b2b", {"trade"}}, {"2019", {"then"}}});
  Rng rng(2);
  EXPECT_EQ(augment("The dog and the very big dog B2B 2019", Op::synonym, {1.0, 0.05}, syn, rng),
            "The hound and the very big hound B2B 2019");
  EXPECT_TRUE(is_stop_word("the"));
  EXPECT_TRUE(is_stop_word("yourselves"));
  EXPECT_TRUE(is_stop_word("don"));
  EXPECT_FALSE(is_stop_word("dog"));
  EXPECT_FALSE(is_stop_word("The"));  // the caller lower-cases
}

TEST(EdaSynonym, NoSynonymGivesAnUnchangedVariant) {
  Augmenter aug(database());
  std::string out;
  Rng rng(4);
  EXPECT_FALSE(aug.apply("xylq zorbl, the 2019.", Op::synonym, rng, out));
  EXPECT_EQ(out, "xylq zorbl, the 2019.");
  EXPECT_FALSE(aug.apply("xylq zorbl", Op::insert, rng, out));
  EXPECT_EQ(out, "xylq zorbl");
  EXPECT_FALSE(aug.apply("", Op::deletion, rng, out));
  EXPECT_EQ(out, "");
}

TEST(EdaInsert, AddsExactlyNSynonymsOfWordsOfTheText) {
  auto syn = Synonyms::from_map({{"quick", {"fast", "speedy"}},
                                 {"dog", {"hound"}},
                                 {"house", {"home", "dwelling"}},
                                 {"the", {"thee"}}});
  const double alpha = 0.2;
  Augmenter aug(syn, {alpha, 0.05});
  std::string out;
  for (uint64_t k = 0; k < 500; ++k) {
    Rng gen(5, k);
    std::string in;
    size_t n_words = 5 + gen.uniform(30);
    static const char* words[] = {"the", "quick", "dog", "house", "runs", "QUICK", "Dog,", "far", "away."};
    for (size_t i = 0; i < n_words; ++i) (in += i ? " " : "") += words[gen.uniform(9)];
    Rng rng(6, k);
    aug.apply(in, Op::insert, rng, out);
    Split a = split(in), b = split(out);
    std::vector<std::string> sources;  // the synonyms a word of `in` allows, as they may be cased
    for (auto t : a.tokens) {
      Parts p = parts(t);
      auto list = allowed(syn, p.core);
      for (size_t i = 0; i < list.size(); ++i)
        sources.push_back(all_caps(p.core) ? cased_like(list[i], "XX") : std::string(list[i]));
    }
    // `in` is a subsequence of `out`; what is left are the inserted words.
    size_t i = 0;
    std::vector<std::string_view> inserted;
    for (auto t : b.tokens) {
      if (i < a.tokens.size() && t == a.tokens[i]) ++i;
      else inserted.push_back(t);
    }
    ASSERT_EQ(i, a.tokens.size()) << in << "\n" << out;
    size_t n = sources.empty() ? 0 : expected_n(num_words(in), alpha);
    ASSERT_EQ(inserted.size(), n) << in << "\n" << out;
    for (auto w : inserted) EXPECT_NE(std::find(sources.begin(), sources.end(), w), sources.end()) << w;
  }
}

TEST(EdaInsert, WordNetInsertionsComeFromTheSynonymsOfTheText) {
  Augmenter aug(database(), {0.2, 0.05});
  Rng gen(12);
  std::string out;
  for (uint64_t k = 0; k < 300; ++k) {
    std::string in = sentence(gen, 10, 30);
    Split a = split(in);
    std::vector<std::string> pieces;  // every word of every allowed synonym, in either case
    for (auto t : a.tokens) {
      auto list = allowed(database(), parts(t).core);
      for (size_t j = 0; j < list.size(); ++j)
        for (auto piece : split(list[j]).tokens) {
          pieces.emplace_back(piece);
          pieces.push_back(cased_like(piece, "XX"));
        }
    }
    Rng rng(13, k);
    aug.apply(in, Op::insert, rng, out);
    Split b = split(out);
    size_t i = 0, extra = 0;
    for (auto t : b.tokens) {
      if (i < a.tokens.size() && t == a.tokens[i]) {
        ++i;
      } else {
        ++extra;
        EXPECT_NE(std::find(pieces.begin(), pieces.end(), t), pieces.end()) << t << " in " << out;
      }
    }
    ASSERT_EQ(i, a.tokens.size());
    EXPECT_GE(extra, pieces.empty() ? 0 : expected_n(num_words(in), 0.2));
  }
}

TEST(EdaSwap, KeepsTheMultisetOfWordsAndThePunctuationInPlace) {
  const double alpha = 0.1;
  Augmenter aug(database(), {alpha, 0.05});
  Rng gen(21);
  std::string out;
  size_t changed = 0;
  for (uint64_t k = 0; k < 1000; ++k) {
    std::string in = sentence(gen, 1, 40);
    Rng rng(22, k);
    changed += aug.apply(in, Op::swap, rng, out);
    Split a = split(in), b = split(out);
    ASSERT_EQ(a.gaps, b.gaps);
    ASSERT_EQ(a.tokens.size(), b.tokens.size());
    std::vector<std::string_view> ca, cb;
    size_t moved = 0;
    for (size_t i = 0; i < a.tokens.size(); ++i) {
      Parts pa = parts(a.tokens[i]), pb = parts(b.tokens[i]);
      EXPECT_EQ(pa.prefix, pb.prefix);
      EXPECT_EQ(pa.suffix, pb.suffix);
      ca.push_back(pa.core);
      cb.push_back(pb.core);
      moved += pa.core != pb.core;
    }
    EXPECT_LE(moved, 2 * expected_n(num_words(in), alpha));
    std::sort(ca.begin(), ca.end());
    std::sort(cb.begin(), cb.end());
    ASSERT_EQ(ca, cb) << in << "\n" << out;
  }
  EXPECT_GT(changed, 900u);
  Rng rng(1);
  EXPECT_EQ(augment("Hello, world!", Op::swap, {}, database(), rng), "world, Hello!");
  EXPECT_EQ(augment("alone.", Op::swap, {}, database(), rng), "alone.");
}

TEST(EdaDelete, AlphaIsTheExpectedShareOfDeletedWords) {
  for (double alpha : {0.1, 0.3}) {
    Augmenter aug(database(), {alpha, 0.05});
    Rng gen(31);
    double share = 0;
    const int kSentences = 5000;
    std::string out;
    for (int k = 0; k < kSentences; ++k) {
      std::string in = sentence(gen, 20, 40);
      Rng rng(32, static_cast<uint64_t>(k));
      aug.apply(in, Op::deletion, rng, out);
      Split a = split(in), b = split(out);
      size_t i = 0;  // the kept tokens are a subsequence of the input's
      for (auto t : b.tokens) {
        while (i < a.tokens.size() && a.tokens[i] != t) ++i;
        ASSERT_LT(i, a.tokens.size()) << in << "\n" << out;
        ++i;
      }
      share += 1.0 - static_cast<double>(num_words(out)) / static_cast<double>(num_words(in));
    }
    EXPECT_NEAR(share / kSentences, alpha, 0.01) << "alpha " << alpha;
  }
}

TEST(EdaDelete, NeverDeletesEveryWordNorPunctuationTokens) {
  Augmenter aug(database(), {1.0, 0.05});
  std::map<std::string, int> kept;
  std::string out;
  for (uint64_t k = 0; k < 3000; ++k) {
    Rng rng(33, k);
    aug.apply("— one two — three four five —", Op::deletion, rng, out);
    std::vector<std::string_view> words;
    size_t dashes = 0;
    for (auto t : split(out).tokens) {
      if (t == "—") ++dashes;
      else words.push_back(t);
    }
    EXPECT_EQ(dashes, 3u) << out;
    ASSERT_EQ(words.size(), 1u) << out;
    ++kept[std::string(words[0])];
  }
  ASSERT_EQ(kept.size(), 5u);  // one word survives, each about as often
  for (const auto& [word, count] : kept) EXPECT_NEAR(count, 600, 120) << word;
}

TEST(EdaDelete, KeepsLineBreaks) {
  Augmenter aug(database(), {0.3, 0.05});
  std::string out;
  Rng gen(34);
  for (uint64_t k = 0; k < 300; ++k) {
    std::string lines[3];
    std::string in;
    for (int l = 0; l < 3; ++l) {
      lines[l] = sentence(gen, 12, 12);
      std::replace(lines[l].begin(), lines[l].end(), '\n', ' ');
      in += lines[l] + (l < 2 ? "\n\n" : "\n");
    }
    Rng rng(35, k);
    aug.apply(in, Op::deletion, rng, out);
    ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 5) << out;
    ASSERT_EQ(out.back(), '\n');
  }
  Rng rng(1);
  EXPECT_EQ(augment("  lead\n", Op::deletion, {0.5, 0.05}, database(), rng), "  lead\n");
}

// Invalid UTF-8, Unicode spaces and symbols at word edges: swap moves whole cores (the bytes are a
// permutation of the input's), deletion only drops bytes. Under DQPREP_SANITIZE this also checks
// that no op reads or writes out of bounds.
TEST(EdaRobustness, ArbitraryBytes) {
  auto syn = Synonyms::from_map({{"a", {"b"}}, {"\xC3", {"x"}}});
  Augmenter aug(syn, {0.5, 0.5});
  static const char* pieces[] = {"a", "\xC3", "\xA9", "\xE2\x80\x94", "\xE3\x80\x80", " ", "\n", ".", "\xF0\x9F\x98\x80",
                                 "\xFF", "Z", "\xC2\xA0", "\xE2\x80\xA8", "\xC2"};
  std::string out;
  for (uint64_t k = 0; k < 3000; ++k) {
    Rng gen(61, k);
    std::string in;
    for (uint64_t i = gen.uniform(30); i > 0; --i) in += pieces[gen.uniform(14)];
    Rng rng(62, k);
    aug.apply(in, Op::swap, rng, out);
    std::string a = in, b = out;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    ASSERT_EQ(a, b);
    aug.apply(in, Op::deletion, rng, out);
    ASSERT_LE(out.size(), in.size());
    aug.apply(in, Op::synonym, rng, out);
    aug.apply(in, Op::insert, rng, out);
    aug.apply(in, Op::char_noise, rng, out);
  }
}

TEST(EdaGenerate, MixesOpsLikeEdaAndReportsThem) {
  Augmenter aug(database());
  const Op four[] = {Op::synonym, Op::insert, Op::swap, Op::deletion};
  std::vector<Variant> out;
  std::map<Op, int> count;
  Rng gen(41);
  for (uint64_t k = 0; k < 2000; ++k) {
    std::string in = sentence(gen, 10, 30);
    Rng rng(42, k);
    aug.generate(in, four, 4, rng, out);
    ASSERT_EQ(out.size(), 4u);
    for (const auto& v : out) {
      ++count[v.op];
      EXPECT_EQ(v.changed, v.text != in);
    }
  }
  for (Op op : four) EXPECT_NEAR(count[op], 2000, 150) << op_name(op);

  const Op two[] = {Op::swap, Op::char_noise};
  Rng rng(43);
  aug.generate("one two three four five six", two, 3, rng, out);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& v : out) EXPECT_TRUE(v.op == Op::swap || v.op == Op::char_noise);
  const Op one[] = {Op::deletion};
  aug.generate("one two three", one, 4, rng, out);
  ASSERT_EQ(out.size(), 4u);
  for (const auto& v : out) EXPECT_EQ(v.op, Op::deletion);
  aug.generate("one two three", one, 0, rng, out);
  EXPECT_TRUE(out.empty());
}

TEST(EdaGenerate, SameSeedSameVariants) {
  Augmenter a(database()), b(database());
  const Op ops[] = {Op::synonym, Op::insert, Op::swap, Op::deletion, Op::char_noise};
  std::vector<Variant> va, vb, vc;
  Rng gen(51);
  size_t differ = 0;
  for (uint64_t k = 0; k < 50; ++k) {
    std::string in = sentence(gen, 10, 30);
    Rng r1(7, k), r2(7, k), r3(8, k);
    a.generate(in, ops, 6, r1, va);
    b.generate(in, ops, 6, r2, vb);
    a.generate(in, ops, 6, r3, vc);
    ASSERT_EQ(va.size(), vb.size());
    for (size_t i = 0; i < va.size(); ++i) {
      EXPECT_EQ(va[i].op, vb[i].op);
      EXPECT_EQ(va[i].text, vb[i].text);
    }
    for (size_t i = 0; i < va.size(); ++i) differ += va[i].text != vc[i].text;
  }
  EXPECT_GT(differ, 200u);
}

TEST(EdaGenerate, GenerateEachFollowsTheGivenOps) {
  // What augment does for a record with several text fields: the ops drawn for the first field
  // are applied, in order, to the others; each variant is what apply() gives with the same Rng.
  Augmenter a(database()), b(database());
  const Op ops[] = {Op::swap, Op::deletion, Op::synonym, Op::char_noise, Op::insert, Op::swap};
  std::vector<Variant> out;
  Rng gen(61);
  for (uint64_t k = 0; k < 200; ++k) {
    std::string in = sentence(gen, 5, 25);
    Rng r1(9, k), r2(9, k);
    a.generate_each(in, ops, r1, out);
    ASSERT_EQ(out.size(), std::size(ops));
    for (size_t i = 0; i < out.size(); ++i) {
      EXPECT_EQ(out[i].op, ops[i]);
      std::string expected;
      bool changed = b.apply(in, ops[i], r2, expected);
      EXPECT_EQ(out[i].text, expected);
      EXPECT_EQ(out[i].changed, changed);
    }
  }
  a.generate_each("anything", std::span<const Op>(), gen, out);
  EXPECT_TRUE(out.empty());
}

TEST(EdaOps, NamesParseAndValidate) {
  for (Op op : {Op::synonym, Op::insert, Op::swap, Op::deletion, Op::char_noise})
    EXPECT_EQ(parse_op(op_name(op)), op);
  EXPECT_EQ(op_name(Op::deletion), "delete");
  EXPECT_EQ(op_name(Op::char_noise), "char-noise");
  EXPECT_EQ(parse_op("char_noise"), Op::char_noise);
  auto ops = parse_ops("synonym,insert,swap,delete");
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(*ops, (std::vector<Op>{Op::synonym, Op::insert, Op::swap, Op::deletion}));
  for (const char* bad : {"", "synonym,", "foo", "swap,swap", "Synonym"}) {
    auto r = parse_ops(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::usage);
  }
  EXPECT_TRUE(validate({0.1, 0.05}).ok());
  EXPECT_TRUE(validate({1.0, 1.0}).ok());
  EXPECT_FALSE(validate({0.0, 0.05}).ok());
  EXPECT_FALSE(validate({1.5, 0.05}).ok());
  EXPECT_FALSE(validate({0.1, 0.0}).ok());
  EXPECT_FALSE(validate({std::nan(""), 0.05}).ok());
}

}  // namespace
}  // namespace dqprep::eda
