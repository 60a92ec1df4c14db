#include "dqprep/quality/langid.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dqprep::langid {
namespace {

struct Sample {
  const char* expected;
  const char* text;
};

// One sentence per language; Arabic and Hebrew are written right to left.
const Sample kSamples[] = {
    {"en", "The quick brown fox jumps over the lazy dog while the farmer watches from the porch."},
    {"fr", "Le renard brun rapide saute par-dessus le chien paresseux pendant que le fermier regarde."},
    {"de", "Der schnelle braune Fuchs springt über den faulen Hund, während der Bauer zuschaut."},
    {"es", "El rápido zorro marrón salta sobre el perro perezoso mientras el granjero observa."},
    {"ru", "Быстрая коричневая лиса прыгает через ленивую собаку, пока фермер наблюдает."},
    {"ar", "الثعلب البني السريع يقفز فوق الكلب الكسول بينما يراقب المزارع من الشرفة."},
    {"he", "עברית היא שפה שמית ממשפחת השפות האפרו-אסיאתיות. היא השפה הרשמית של מדינת ישראל ומדוברת על ידי מיליוני אנשים ברחבי העולם."},
    {"zh", "敏捷的棕色狐狸跳过了懒狗，农夫在门廊上看着。"},
    // Traditional Chinese: CLD2's "zh-Hant", reported as "zh".
    {"zh", "敏捷的棕色狐狸跳過了懶狗，農夫在門廊上看著。"},
    {"ja", "素早い茶色の狐が怠け者の犬を飛び越え、農夫がポーチから見ている。"},
    {"ko", "빠른 갈색 여우가 게으른 개를 뛰어넘고 농부는 현관에서 지켜본다."},
};

TEST(Langid, DetectsElevenSentencesInTenLanguages) {
  for (const Sample& s : kSamples) {
    Detection d = detect(s.text);
    EXPECT_EQ(d.code, s.expected) << s.text;
    EXPECT_TRUE(d.reliable) << s.text;
    EXPECT_GE(d.percent, 90) << s.text;
    EXPECT_DOUBLE_EQ(d.score, d.percent / 100.0) << s.text;
  }
}

TEST(Langid, UnknownAndEmpty) {
  Detection empty = detect("");
  EXPECT_EQ(empty.code, "un");
  EXPECT_EQ(empty.score, 0);
  Detection digits = detect("12345 67890 !!! ???");
  EXPECT_EQ(digits.code, "un");
  EXPECT_EQ(digits.score, 0);
}

TEST(Langid, ReadsOnlyThePrefixAndCutsOnACharacterBoundary) {
  // A German start and a long English tail: with a prefix of the German part only, German wins.
  std::string german = kSamples[2].text;
  std::string text = german;
  for (int i = 0; i < 50; ++i) text += std::string(" ") + kSamples[0].text;
  EXPECT_EQ(detect(text).code, "en");
  EXPECT_EQ(detect(text, german.size()).code, "de");
  // A cut inside the two-byte "\u00FC" backs up to before it rather than hand CLD2 half a character.
  size_t umlaut = german.find("\u00FC");
  Detection cut = detect(german, umlaut + 1);
  Detection before = detect(german.substr(0, umlaut));
  EXPECT_EQ(cut.code, before.code);
  EXPECT_EQ(cut.percent, before.percent);
  EXPECT_EQ(cut.reliable, before.reliable);
}

TEST(Langid, InvalidUtf8UsesTheValidPrefix) {
  std::string text = std::string(kSamples[1].text) + "\xff\xfe garbage";
  EXPECT_EQ(detect(text).code, "fr");
}

TEST(Langid, AcceptsByCodeAndThreshold) {
  Detection en = detect(kSamples[0].text);
  std::vector<std::string> english = {"en"};
  std::vector<std::string> others = {"de", "fr"};
  EXPECT_TRUE(accepts(en, english, 0.65));
  EXPECT_FALSE(accepts(en, others, 0.65));
  EXPECT_TRUE(accepts(en, english, en.score));
  EXPECT_FALSE(accepts(en, english, en.score + 0.001));
  // An unreliable guess is halved: it never reaches the default threshold.
  Detection unsure{"en", 0.5, 100, false};
  EXPECT_FALSE(accepts(unsure, english, 0.65));
  EXPECT_TRUE(accepts(unsure, english, 0.5));
}

TEST(Langid, UnknownIsACodeAndKeepUnknownKeepsWhatCld2CannotPlace) {
  EXPECT_EQ(*normalize_code("UN"), "un");
  Detection unknown = detect("ok");
  ASSERT_EQ(unknown.code, "un");
  std::vector<std::string> english = {"en"};
  std::vector<std::string> english_or_unknown = {"en", "un"};
  // "un" listed: an unknown text passes whatever the threshold (it scores 0).
  EXPECT_FALSE(accepts(unknown, english, 0.65));
  EXPECT_TRUE(accepts(unknown, english_or_unknown, 0.65));
  // keep_unknown: "un" and unreliable guesses pass, a reliable other language does not.
  EXPECT_TRUE(accepts(unknown, english, 0.65, true));
  Detection unsure_german{"de", 0.4, 80, false};
  EXPECT_FALSE(accepts(unsure_german, english, 0.65));
  EXPECT_TRUE(accepts(unsure_german, english, 0.65, true));
  Detection french = detect(kSamples[1].text);
  ASSERT_TRUE(french.reliable);
  EXPECT_FALSE(accepts(french, english, 0.65, true));
  EXPECT_TRUE(accepts(detect(kSamples[0].text), english, 0.65, true));
}

TEST(Langid, NormalizesAndValidatesCodes) {
  EXPECT_EQ(*normalize_code("EN"), "en");
  EXPECT_EQ(*normalize_code("iw"), "he");
  EXPECT_EQ(*normalize_code("he"), "he");
  EXPECT_EQ(*normalize_code("zh-TW"), "zh");
  EXPECT_EQ(*normalize_code("jw"), "jv");
  EXPECT_EQ(*normalize_code("haw"), "haw");
  EXPECT_FALSE(normalize_code("english").ok());
  EXPECT_FALSE(normalize_code("xx").ok());
  EXPECT_EQ(normalize_code("qq").status().code(), StatusCode::usage);

  Result<std::vector<std::string>> codes = parse_codes("en, de,FR,en");
  ASSERT_TRUE(codes.ok());
  EXPECT_EQ(*codes, (std::vector<std::string>{"en", "de", "fr"}));
  EXPECT_FALSE(parse_codes("en,,de").ok());
  EXPECT_FALSE(parse_codes("").ok());
  Result<std::vector<std::string>> bad = parse_codes("en,klingon");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("klingon"), std::string::npos);
}

}  // namespace
}  // namespace dqprep::langid
