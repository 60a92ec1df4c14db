#include "dqprep/quality/sft.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dqprep/quality/navigation_lines.hpp"

namespace dqprep::quality {
namespace {

RuleResult rule_of(const std::vector<RuleResult>& results, std::string_view rule) {
  for (const RuleResult& r : results)
    if (r.rule == rule) return r;
  ADD_FAILURE() << "rule " << rule << " not measured";
  return {};
}

std::vector<RuleResult> measure(const std::vector<Turn>& turns) {
  SftFilter filter;
  std::vector<RuleResult> out;
  filter.evaluate(turns, true, out);
  return out;
}

std::vector<Turn> pair(std::string_view prompt, std::string_view answer) {
  return {{Role::user, prompt}, {Role::assistant, answer}};
}

std::string first_failure(const std::vector<Turn>& turns) {
  SftFilter filter;
  std::vector<RuleResult> out;
  if (filter.evaluate(turns, false, out)) return "";
  return std::string(out.back().rule);
}

TEST(Sft, RoleNames) {
  EXPECT_EQ(role_from_name("user"), Role::user);
  EXPECT_EQ(role_from_name("Human"), Role::user);
  EXPECT_EQ(role_from_name("gpt"), Role::assistant);
  EXPECT_EQ(role_from_name("assistant"), Role::assistant);
  EXPECT_EQ(role_from_name("system"), Role::system);
  EXPECT_EQ(role_from_name("function"), Role::tool);
  EXPECT_EQ(role_from_name("narrator"), Role::unknown);
}

// The two records of issue 14 that the web presets dropped: judged role by role they pass.
TEST(Sft, ShortAnswersAndAnswersThatNameTheirSubjectPass) {
  EXPECT_EQ(first_failure(pair("What is 2+2?", "4")), "");
  EXPECT_EQ(first_failure(pair("Name a famous painting by Leonardo da Vinci.",
                               "The Mona Lisa is a famous painting by Leonardo da Vinci.")),
            "");
  EXPECT_EQ(first_failure(pair("Which option is correct?", "A")), "");
}

TEST(Sft, TurnOrderAndFinalTurn) {
  std::vector<Turn> good = {{Role::system, "Be brief."}, {Role::user, "Hi"}, {Role::assistant, "Hello!"},
                            {Role::user, "Bye"}, {Role::assistant, "Goodbye!"}};
  EXPECT_EQ(rule_of(measure(good), "sft_turn_order").value, 0);
  EXPECT_EQ(rule_of(measure(good), "sft_final_turn").value, 1);
  // Two users in a row, then two assistants in a row: two violations.
  std::vector<Turn> doubled = {{Role::user, "Hi"}, {Role::user, "Hello?"}, {Role::assistant, "Yes."},
                               {Role::assistant, "Anything else?"}};
  EXPECT_EQ(rule_of(measure(doubled), "sft_turn_order").value, 2);
  // Starting with the assistant (one violation; the turns after it alternate), a system turn in the
  // middle (the assistant after it is still in turn), an unknown role.
  EXPECT_EQ(rule_of(measure({{Role::assistant, "Hi"}, {Role::user, "Hey"}, {Role::assistant, "Yes?"}}), "sft_turn_order").value, 1);
  EXPECT_EQ(rule_of(measure({{Role::user, "a"}, {Role::system, "b"}, {Role::assistant, "c"}}), "sft_turn_order").value, 1);
  EXPECT_EQ(first_failure({{Role::unknown, "The user enters."}, {Role::user, "Hi"}, {Role::assistant, "Hello"}}),
            "sft_turn_order");
  // A tool turn after an assistant turn and before the next assistant turn is in order.
  EXPECT_EQ(rule_of(measure({{Role::user, "Weather?"}, {Role::assistant, "Calling the tool."}, {Role::tool, "18 C"},
                             {Role::assistant, "It is 18 degrees."}}),
                    "sft_turn_order")
                .value,
            0);
  // No final assistant turn: a question left open, or no turn at all.
  EXPECT_EQ(first_failure({{Role::user, "Hi"}}), "sft_final_turn");
  EXPECT_EQ(first_failure({}), "sft_final_turn");
}

TEST(Sft, EmptyPromptAndAnswer) {
  EXPECT_EQ(first_failure(pair("What is the capital of Italy?", " \n\t")), "sft_empty_answer");
  EXPECT_EQ(first_failure(pair("", "Paris is the capital of France.")), "sft_empty_prompt");
  EXPECT_EQ(rule_of(measure(pair("", "")), "sft_empty_answer").value, 1);
}

TEST(Sft, CodeFences) {
  EXPECT_EQ(count_fence_lines("```python\nx = 1\n```\ntext\n  ~~~\n"), 3u);
  EXPECT_EQ(first_failure(pair("Write a function.", "```python\ndef f():\n    return 1")), "sft_code_fence");
  EXPECT_EQ(first_failure(pair("Write a function.", "```python\ndef f():\n    return 1\n```")), "");
  // An inline ``` in a sentence is not a fence line.
  EXPECT_EQ(first_failure(pair("How do I show code in Markdown?", "Wrap it in ``` fences on lines of their own.")), "");
}

TEST(Sft, TruncatedAnswers) {
  EXPECT_TRUE(looks_truncated("Regular exercise strengthens the heart, improves mood,"));
  EXPECT_TRUE(looks_truncated("Here are the steps:"));
  EXPECT_TRUE(looks_truncated("Plants absorb light in their chloroplasts, where chlorophyll captures energy and"));
  EXPECT_TRUE(looks_truncated("It evolved over millions of years. Small differences accumul"));
  EXPECT_TRUE(looks_truncated("Pack sunscreen, a hat and -"));
  EXPECT_TRUE(looks_truncated("They work with doctors and ("));
  // Finished answers without a final period: a word, a list, code, a hashtag, "Vitamin A".
  EXPECT_FALSE(looks_truncated("Paris"));
  EXPECT_FALSE(looks_truncated("- Flour\n- Milk\n- Eggs"));
  EXPECT_FALSE(looks_truncated("```bash\nwc -l *.txt\n```"));
  EXPECT_FALSE(looks_truncated("Our bakery opens Saturday. Stop by! #SupportLocal"));
  EXPECT_FALSE(looks_truncated("Carrots are rich in vitamin A"));
  EXPECT_FALSE(looks_truncated("N/A"));
  EXPECT_FALSE(looks_truncated("Dr. Smith said hi"));  // "Dr." is not a finished sentence
}

TEST(Sft, RefusalAndBoilerplateOnlyInAnswers) {
  EXPECT_EQ(first_failure(pair("Write a story about a dragon.", "I'm sorry, but I can't help with that.")),
            "sft_refusal");
  EXPECT_EQ(first_failure(pair("Write a poem.", "I\u2019m sorry, but I cannot fulfill this request.")), "sft_refusal");
  EXPECT_EQ(first_failure(pair("Do you like music?", "As an AI language model, I don't have preferences.")),
            "sft_boilerplate");
  // The same words in the prompt are the user's business.
  EXPECT_EQ(first_failure(pair("As an AI language model, what would you name a cat?", "Whiskers")), "");
  // Declining an invitation is not refusing the request.
  EXPECT_EQ(first_failure(pair("Write a short email declining a meeting.",
                               "Hi Dan,\n\nI'm sorry, but I can't attend on Thursday. Could you share the notes?\n\nPriya")),
            "");
}

TEST(Sft, AnswerRepetition) {
  std::string loop;
  for (int i = 0; i < 5; ++i) loop += "The capital of Australia is Canberra. ";
  EXPECT_EQ(first_failure(pair("What is the capital of Australia?", loop)), "sft_answer_repetition");
  // The prompt repeated in the answer is not looping: only the answer is measured.
  EXPECT_EQ(rule_of(measure(pair("Correct the grammar: she go to the market every morning with her two dogs",
                                 "She goes to the market every morning with her two dogs.")),
                    "sft_answer_repetition")
                .value,
            0);
}

TEST(Sft, RestatedPrompt) {
  // Every content word of the answer is in the prompt, and it repeats all of them.
  EXPECT_DOUBLE_EQ(restatement("Explain why the sky is blue.", "The sky is blue."), 1.0);
  EXPECT_EQ(first_failure(pair("Explain why the sky is blue.", "The sky is blue.")), "sft_restated_prompt");
  // A yes/no question answered with its own words is answered, not restated.
  EXPECT_DOUBLE_EQ(restatement("Is Paris the capital of France?", "Paris is the capital of France."), 0.0);
  EXPECT_DOUBLE_EQ(restatement("Why is the sky blue?", "The sky is blue."), 1.0);
  // The answer adds a word: 0.
  EXPECT_DOUBLE_EQ(restatement("Name a famous painting by Leonardo da Vinci.",
                               "The Mona Lisa is a famous painting by Leonardo da Vinci."),
                   0.0);
  // A word picked out of the prompt is not a restatement of it: 1 of 4 content words.
  EXPECT_DOUBLE_EQ(restatement("Repeat the word 'hello' three times.", "hello hello hello"), 0.25);
  // "rewrite" only frames the request: 3 of passive, voice, cat, chased, mouse.
  EXPECT_DOUBLE_EQ(restatement("Rewrite in the passive voice: The cat chased the mouse.", "The mouse was chased by the cat."),
                   3.0 / 5);
}

TEST(Sft, AnswerPromptLengthRatio) {
  std::string long_prompt = "Summarize the following article in three sentences. " + std::string(600, 'x');
  EXPECT_EQ(first_failure(pair(long_prompt, "N/A")), "sft_answer_ratio_min");
  std::string runaway;
  for (int i = 0; i < 30; ++i) runaway += "Tell me what you need, item " + std::to_string(i) + ". ";
  EXPECT_EQ(first_failure(pair("?", runaway)), "sft_answer_ratio_max");
  auto results = measure({{Role::user, "Hi"}, {Role::assistant, "Hello!"}, {Role::user, "What is 12 squared?"},
                          {Role::assistant, "144"}});
  EXPECT_DOUBLE_EQ(rule_of(results, "sft_answer_ratio_max").value, 3.0);
  EXPECT_DOUBLE_EQ(rule_of(results, "sft_answer_ratio_min").value, 3.0 / 19);
}

TEST(NavigationLines, MenusBreadcrumbsAndChrome) {
  // normalize --strip-html of <nav><a>Help</a> | <a>Blog</a> | <a>Shop</a></nav>: five words, all menu.
  EXPECT_DOUBLE_EQ(count_navigation_lines("Help | Blog | Shop").share(), 1.0);
  EXPECT_DOUBLE_EQ(count_navigation_lines("Home \u00BB Shoes \u00BB Running").share(), 1.0);
  // A stripped <ul> of links, a skip link and a copyright line.
  NavigationLines page = count_navigation_lines("Home\nProducts\nContact us\n\nSkip to content\n\n\u00A9 2024 Acme Inc. All rights reserved.");
  EXPECT_EQ(page.lines, 5u);
  EXPECT_EQ(page.navigation, 5u);
  // Prose, a short answer and a bulleted list are not navigation.
  EXPECT_DOUBLE_EQ(count_navigation_lines("The river flows to the sea. It is long and wide.").share(), 0.0);
  EXPECT_DOUBLE_EQ(count_navigation_lines("Paris").share(), 0.0);
  EXPECT_DOUBLE_EQ(count_navigation_lines("- apples\n- pears\n- plums").share(), 0.0);
  // "It was great | really." ends a sentence in an item: not a menu bar.
  EXPECT_DOUBLE_EQ(count_navigation_lines("It was great | really good.").share(), 0.0);
  // Half the lines: a page with an article under its menu.
  EXPECT_DOUBLE_EQ(count_navigation_lines("Help | Blog | Shop\nOur new store opens on Monday in the old mill.").share(), 0.5);
}

TEST(NavigationLines, TheRuleStopsWhatMinWordsLetsThrough) {
  LengthOptions o;
  o.min_words = {true, 3};
  o.max_nav_lines.enabled = true;
  LengthFilter filter(o);
  std::vector<RuleResult> out;
  EXPECT_FALSE(filter.evaluate("Help | Blog | Shop", false, out));
  EXPECT_EQ(out.back().rule, "nav_lines");
  EXPECT_TRUE(out.front().passed);  // min_words: 5 white-space separated words
}

}  // namespace
}  // namespace dqprep::quality
