#include "dqprep/io/format.hpp"

#include <gtest/gtest.h>

namespace dqprep::format {

TEST(Format, PresetsOfTheCliContract) {
  EXPECT_EQ(preset("alpaca")->text_paths, (std::vector<std::string>{"instruction", "input", "output"}));
  EXPECT_EQ(preset("chat")->text_paths, std::vector<std::string>{"messages[*].content"});
  EXPECT_EQ(preset("sharegpt")->text_paths, std::vector<std::string>{"conversations[*].value"});
  EXPECT_EQ(preset("pair")->text_paths, (std::vector<std::string>{"source", "target"}));
  EXPECT_EQ(preset("prompt-completion")->text_paths, (std::vector<std::string>{"prompt", "completion"}));
  EXPECT_EQ(preset("text")->label_path, "label");
  EXPECT_EQ(preset_names().size(), 6u);
}

TEST(Format, UnknownNameIsAUsageErrorListingTheKnownOnes) {
  Result<Format> f = preset("jsonl");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::usage);
  EXPECT_EQ(f.status().message(),
            "unknown format 'jsonl' (known: text, alpaca, chat, sharegpt, pair, prompt-completion)");
}

}  // namespace dqprep::format
