#include "dqprep/model/classifier.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

namespace dqprep::model {
namespace {

TEST(Classifier, LabelsRoundTripThroughEscaping) {
  std::vector<std::string> labels = {"pos", "two words", "tab\there", "50%", "new\nline", std::string("nul\0x", 5), "é"};
  for (const std::string& label : labels) {
    std::string token = escape_label(label);
    EXPECT_EQ(token.find_first_of(std::string(" \t\n\r\v\f\0", 7)), std::string::npos) << label;
    EXPECT_EQ(unescape_label(token), label);
  }
  EXPECT_EQ(escape_label("noun.animal"), "noun.animal");
  EXPECT_EQ(escape_label("a b%"), "a%20b%25");
}

TEST(Classifier, TextIsOneLineWithoutLabels) {
  std::string out;
  append_text(out, "first line\nsecond __label__x and__label__y");
  EXPECT_EQ(out, "first line second \\__label__x and__label__y");
  out.clear();
  append_training_line(out, "a b", "hello\nworld");
  EXPECT_EQ(out, "__label__a%20b hello world\n");
}

std::vector<std::string> corpus() {
  std::vector<std::string> lines;
  for (int i = 0; i < 30; ++i) {
    append_training_line(lines.emplace_back(), "sport", "goal match team score " + std::to_string(i));
    append_training_line(lines.emplace_back(), "two words", "soup recipe oven garlic " + std::to_string(i));
  }
  return lines;
}

Result<Classifier> train_corpus(int seed) {
  std::vector<std::string> lines = corpus();
  TrainOptions o;
  o.epoch = 20;
  o.dim = 10;
  o.seed = seed;
  o.shuffle_seed = 7;
  return Classifier::train(lines.size(), [&](size_t i, std::string& out) { out += lines[i]; }, o);
}

TEST(Classifier, TrainsDeterministicallyAndPredictsFullVectors) {
  Result<Classifier> a = train_corpus(1);
  Result<Classifier> b = train_corpus(1);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(a->labels().size(), 2u);
  std::vector<double> pa, pb;
  a->predict("goal team", pa);
  b->predict("goal team", pb);
  EXPECT_EQ(pa, pb);
  EXPECT_NEAR(pa[0] + pa[1], 1.0, 1e-9);
  size_t sport = a->labels()[0] == "sport" ? 0 : 1;
  EXPECT_GT(pa[sport], 0.8);
  a->predict("garlic soup", pa);
  EXPECT_GT(pa[1 - sport], 0.8);
  EXPECT_EQ(a->labels()[1 - sport], "two words");  // unescaped
}

TEST(Classifier, SavesAndLoads) {
  Result<Classifier> a = train_corpus(2);
  ASSERT_TRUE(a.ok());
  std::string path = (std::filesystem::temp_directory_path() / "dqprep_classifier_test.bin").string();
  ASSERT_TRUE(a->save(path).ok());
  Result<Classifier> b = Classifier::load(path);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(a->labels(), b->labels());
  std::vector<double> pa, pb;
  a->predict("match oven", pa);
  b->predict("match oven", pb);
  EXPECT_EQ(pa, pb);
  std::remove(path.c_str());
  EXPECT_EQ(Classifier::load(path).status().code(), StatusCode::io);
}

TEST(Classifier, RejectsBadOptionsAndEmptyData) {
  TrainOptions o;
  o.loss = "hinge";
  EXPECT_EQ(validate(o).code(), StatusCode::usage);
  o = TrainOptions{};
  o.epoch = 0;
  EXPECT_EQ(validate(o).code(), StatusCode::usage);
  EXPECT_EQ(Classifier::train(0, [](size_t, std::string&) {}, TrainOptions{}).status().code(), StatusCode::bad_input);
}

}  // namespace
}  // namespace dqprep::model
