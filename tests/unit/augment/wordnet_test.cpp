#include "dqprep/augment/wordnet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace dqprep::wordnet {
namespace {

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

std::vector<std::string> as_vector(Synonyms::List list) {
  std::vector<std::string> v;
  for (size_t i = 0; i < list.size(); ++i) v.emplace_back(list[i]);
  return v;
}

bool has(const std::vector<std::string>& v, std::string_view w) { return std::find(v.begin(), v.end(), w) != v.end(); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Pairs read from the files by hand (grep of index.* and data.*):
//   data.adj 00979366 "quick speedy", 01270486 "flying quick fast", 00032733 "agile nimble quick spry",
//   data.adv 00105603 "promptly quickly quick", data.noun 02958343 "car auto automobile machine motorcar",
//   data.adj 00014358 "abounding galore(ip)".
TEST(WordnetSynonyms, KnownPairsFromTheDatabaseFiles) {
  const Synonyms& db = database();
  EXPECT_GT(db.num_words(), 50000u);
  auto quick = as_vector(db.find("quick"));
  EXPECT_TRUE(has(quick, "fast"));
  EXPECT_TRUE(has(quick, "nimble"));
  EXPECT_TRUE(has(quick, "quickly"));
  EXPECT_FALSE(has(quick, "quick"));
  // quick's only noun synset has no other lemma, it has no verb sense: its first adjective sense leads.
  ASSERT_FALSE(quick.empty());
  EXPECT_EQ(quick.front(), "speedy");
  EXPECT_EQ(quick.back(), "quickly");  // the adverb senses come last
  EXPECT_TRUE(has(as_vector(db.find("fast")), "quick"));
  auto car = as_vector(db.find("car"));
  EXPECT_TRUE(has(car, "automobile"));
  EXPECT_TRUE(has(car, "railway car"));  // a collocation, underscore turned into a space
  EXPECT_EQ(as_vector(db.find("abounding")), std::vector<std::string>{"galore"});  // "(ip)" dropped
  auto sun = as_vector(db.find("sun"));
  EXPECT_TRUE(has(sun, "Sunday"));  // case as in the data file
  EXPECT_FALSE(has(sun, "Sun"));    // the word itself, ignoring case
  EXPECT_TRUE(db.find("Quick").empty());
  EXPECT_TRUE(db.find("railway car").empty());
  EXPECT_TRUE(db.find("railway_car").empty());
  EXPECT_TRUE(db.find("qwzxv").empty());
}

// An independent, slow reading of the database with iostreams, for one lemma in 40: the loader must
// give exactly the lists this gives.
TEST(WordnetSynonyms, MatchesAPlainReadingOfTheFiles) {
  const std::string dir = DQPREP_WORDNET_DIR;
  const char* pos_names[] = {"noun", "verb", "adj", "adv"};
  std::map<std::string, std::vector<std::pair<int, std::vector<long>>>> senses;  // lemma -> (pos, offsets)
  for (int p = 0; p < 4; ++p) {
    std::ifstream index(dir + "/index." + pos_names[p]);
    ASSERT_TRUE(index) << pos_names[p];
    std::string line;
    while (std::getline(index, line)) {
      if (line.empty() || line[0] == ' ') continue;
      std::istringstream in(line);
      std::string lemma, pos;
      int synset_cnt, p_cnt, sense_cnt, tagsense_cnt;
      in >> lemma >> pos >> synset_cnt >> p_cnt;
      for (int k = 0; k < p_cnt; ++k) in >> pos;
      in >> sense_cnt >> tagsense_cnt;
      std::vector<long> offsets(static_cast<size_t>(synset_cnt));
      for (auto& o : offsets) in >> o;
      if (lemma.find('_') == std::string::npos) senses[lemma].emplace_back(p, offsets);
    }
  }
  std::ifstream data[4];
  for (int p = 0; p < 4; ++p) data[p].open(dir + "/data." + pos_names[p]);
  size_t checked = 0, seen = 0;
  bool saw_quick = false;
  for (const auto& [lemma, list] : senses) {
    if (seen++ % 40 != 0 && lemma != "quick") continue;
    saw_quick |= lemma == "quick";
    std::vector<std::string> expected;
    for (const auto& [p, offsets] : list) {
      for (long off : offsets) {
        data[p].clear();
        data[p].seekg(off);
        std::string line;
        std::getline(data[p], line);
        std::istringstream in(line);
        std::string offset, lex_filenum, ss_type, w_cnt_hex, word, lex_id;
        in >> offset >> lex_filenum >> ss_type >> w_cnt_hex;
        int w_cnt = std::stoi(w_cnt_hex, nullptr, 16);
        for (int w = 0; w < w_cnt; ++w) {
          in >> word >> lex_id;
          if (word.back() == ')') word = word.substr(0, word.rfind('('));
          std::replace(word.begin(), word.end(), '_', ' ');
          if (lower(word) == lemma) continue;
          bool dup = false;
          for (const auto& e : expected) dup |= lower(e) == lower(word);
          if (!dup) expected.push_back(word);
        }
      }
    }
    ASSERT_EQ(as_vector(database().find(lemma)), expected) << lemma;
    ++checked;
  }
  EXPECT_TRUE(saw_quick);
  EXPECT_GT(checked, 1500u);
}

TEST(WordnetSynonyms, MissingDirectoryIsAnIoError) {
  auto r = Synonyms::load_wordnet("/nonexistent/wordnet");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::io);
  EXPECT_NE(r.status().message().find("/nonexistent/wordnet/index.noun"), std::string::npos);
}

TEST(SynonymsJson, ListsKeepOrderDropSelfEmptyAndRepeats) {
  auto r = Synonyms::from_json(R"({"Hund": ["Köter", "hund", "köter", "", "Töle"], "hund": ["Töle", "Fiffi"],
                                   "ÄRGER": ["Wut"], "caf\u00e9": ["bistro"], "leer": []})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(as_vector(r->find("hund")), (std::vector<std::string>{"Köter", "Töle", "Fiffi"}));
  EXPECT_EQ(as_vector(r->find("ärger")), std::vector<std::string>{"Wut"});
  EXPECT_EQ(as_vector(r->find("café")), std::vector<std::string>{"bistro"});
  EXPECT_TRUE(r->find("Hund").empty());
  EXPECT_TRUE(r->find("leer").empty());
  EXPECT_EQ(r->num_words(), 3u);
  EXPECT_EQ(r->num_links(), 5u);
}

TEST(SynonymsJson, LongKeysAndMap) {
  std::string long_key(40, 'x');
  auto s = Synonyms::from_map({{long_key, {"y"}}, {"Quick", {"fast", "speedy"}}});
  EXPECT_EQ(as_vector(s.find(long_key)), std::vector<std::string>{"y"});
  EXPECT_EQ(as_vector(s.find("quick")), (std::vector<std::string>{"fast", "speedy"}));
  EXPECT_TRUE(s.find(std::string(39, 'x')).empty());
  EXPECT_TRUE(Synonyms().find("quick").empty());
}

TEST(SynonymsJson, MalformedInputIsAUsageError) {
  for (const char* bad : {R"([1, 2])", R"({"a": "b"})", R"({"a": [1]})", R"({"a": ["b"])", "", R"({"a": ["b"]} x)"}) {
    auto r = Synonyms::from_json(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::usage) << bad;
  }
}

TEST(SynonymsJson, NormalizeKeyLowersUnicode) {
  std::string out;
  Synonyms::normalize_key("ÄRGER", out);
  EXPECT_EQ(out, "ärger");
  Synonyms::normalize_key("Quick-Silver", out);
  EXPECT_EQ(out, "quick-silver");
  Synonyms::normalize_key("ПРИВЕТ", out);
  EXPECT_EQ(out, "привет");
  Synonyms::normalize_key("a\xFF" "B", out);  // an invalid byte is kept
  EXPECT_EQ(out, "a\xFF" "b");
}

}  // namespace
}  // namespace dqprep::wordnet
