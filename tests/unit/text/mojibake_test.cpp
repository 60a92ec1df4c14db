#include "dqprep/text/mojibake.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dqprep/text/normalize_text.hpp"

namespace dqprep::text {
namespace {

std::string fixed(std::string_view s) {
  std::string out;
  fix_mojibake(s, out);
  return out;
}

nlohmann::json load_cases(const std::string& name) {
  std::ifstream in(std::string(DQPREP_TEST_DATA) + "/ftfy/" + name);
  std::stringstream buf;
  buf << in.rdbuf();
  return nlohmann::json::parse(buf.str());
}

// What ftfy's fix_encoding is expected to give for a case.
std::string expected(const nlohmann::json& c) {
  return c.contains("fixed-encoding") ? c["fixed-encoding"].get<std::string>() : c["fixed"].get<std::string>();
}

bool has_c1_control(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F)
      return true;
  return false;
}

class Mojibake : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(prepare_mojibake_repair().ok()) << prepare_mojibake_repair().message(); }
};

TEST_F(Mojibake, CorrectTextIsLeftAlone) {
  for (const char* s : {"", "plain ASCII: x = a & b; // 100%", "café crème brûlée", "naïve résumé",
                        "Дорога домой", "Οδός", "数据集", "5 € — “quoted” … ™ ©", "größer als 3²", "São Paulo",
                        "¿Qué tal? ¡Hola!", "emoji 😀 and ❤"}) {
    std::string out;
    EXPECT_FALSE(fix_mojibake(s, out)) << s;
    EXPECT_EQ(out, s);
  }
}

TEST_F(Mojibake, RepairsEachCodecAndLayers) {
  EXPECT_EQ(fixed("cafÃ© crÃ¨me"), "café crème");                         // Windows-1252
  EXPECT_EQ(fixed("It’s â€œgoodâ€\xC2\x9D"), "It’s “good”");           // Latin-1 (C1 control), in parts
  EXPECT_EQ(fixed("РџСЂРёРІРµС‚ вЂ” РјРёСЂ"), "Привет — мир");             // Windows-1251
  EXPECT_EQ(fixed("g√¢teaux r√©gime"), "gâteaux régime");                 // MacRoman
  EXPECT_EQ(fixed("├ñ ├Ñ ├º"), "ä å ç");                                  // CP437
  EXPECT_EQ(fixed("cafÃƒÂ©"), "café");                                     // twice
  EXPECT_EQ(fixed("Ã la mode"), "à la mode");                              // NBSP that became a space
  EXPECT_EQ(fixed("â€œ like this â€\xEF\xBF\xBD"), "“ like this \xEF\xBF\xBD");  // a byte lost to U+FFFD
  EXPECT_EQ(fixed("Hi guys í\xC2\xA0½í¸\xC2\x8D"), "Hi guys 😍");           // CESU-8
  EXPECT_EQ(fixed("Wait\xC2\x85 what\xC2\x94"), "Wait… what”");            // C1 controls alone
}

TEST_F(Mojibake, LinesAreRepairedOnTheirOwn) {
  // The first line's "€" cannot be re-encoded with the second line's mojibake as one text.
  EXPECT_EQ(fixed("Price: 5 €\nMenu: cafÃ© au lait\n"), "Price: 5 €\nMenu: café au lait\n");
}

TEST_F(Mojibake, OutputIsValidAndStable) {
  // The last one (found by fuzz_text_repair): "Р " is D0 20 in Windows-1251, and D0 A0 is "Р"
  // again; a round must not just take a space away, one a round.
  for (const char* s : {"cafÃ©", "\xC3\x83\xC2\xA0", "Ã\xC2\xA0", "â€", "í ½", "\xC2\x81\xC2\x8D", "ÃƒÂƒÃ‚Â",
                        "\xC3\x90                          \xEF\xBF\xBD\xEF\xBF\xBDt\xC3\xB1\xC2\xB3\xC2\x98"}) {
    std::string once = fixed(s);
    EXPECT_TRUE(is_valid_utf8(once)) << s;
    EXPECT_EQ(fixed(once), once) << s;
  }
}

// ftfy's negative cases: odd-looking correct text. The bar is no false positive: each must come
// out as ftfy's own expected encoding fix, which is the text unchanged, except that a C1 control
// (not text: U+0085 in one case) becomes its Windows-1252 character.
TEST_F(Mojibake, FtfyNegativeCasesAreNotTouched) {
  nlohmann::json cases = load_cases("negative.json");
  size_t untouched = 0, c1_only = 0;
  for (const auto& c : cases) {
    const std::string original = c["original"];
    const std::string out = fixed(original);
    EXPECT_EQ(out, expected(c)) << c["label"];
    if (out == original) {
      ++untouched;
    } else {
      EXPECT_TRUE(has_c1_control(original)) << c["label"] << ": changed without a C1 control";
      ++c1_only;
    }
  }
  std::cout << "[ftfy negative] " << untouched << " of " << cases.size() << " unchanged, " << c1_only
            << " changed only in their C1 controls\n";
  EXPECT_EQ(untouched + c1_only, cases.size());
}

// The UTF-8 bytes of `s` read as Latin-1: one more layer of mojibake.
std::string mangle_again(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

// ftfy's in-the-wild and synthetic cases that ftfy passes: the share whose expected encoding fix
// is reached exactly; and again with one more layer of Latin-1 mojibake on each (as ftfy's own
// test does).
void measure_pass_cases(bool extra_layer) {
  size_t total = 0, reached = 0;
  for (const char* file : {"in-the-wild.json", "synthetic.json"}) {
    size_t n = 0, ok = 0;
    for (const auto& c : load_cases(file)) {
      if (c["expect"] != "pass") continue;
      ++n;
      std::string original = c["original"];
      if (extra_layer) original = mangle_again(original);
      const std::string out = fixed(original);
      if (out == expected(c)) {
        ++ok;
      } else {
        std::cout << "  missed (" << file << "): " << c["label"].get<std::string>() << "\n    got      " << out
                  << "\n    expected " << expected(c) << "\n";
      }
    }
    std::cout << "[ftfy " << file << (extra_layer ? ", one more layer" : "") << "] " << ok << " of " << n
              << " reached\n";
    total += n;
    reached += ok;
  }
  double share = static_cast<double>(reached) / static_cast<double>(total);
  std::cout << "[ftfy pass cases" << (extra_layer ? ", one more layer" : "") << "] " << reached << " of " << total
            << " = " << share << "\n";
  EXPECT_EQ(total, 100u);
  EXPECT_GE(share, 0.85);
}

TEST_F(Mojibake, FtfyPassCasesReachTheirFix) { measure_pass_cases(false); }

TEST_F(Mojibake, FtfyPassCasesMangledOnceMoreReachTheirFix) { measure_pass_cases(true); }

}  // namespace
}  // namespace dqprep::text
