#pragma once
// Rules for instruction-tuning (SFT) records: each role's text is judged on its own, never the
// prompt and the answer joined (the web presets drop "What is 2+2?" -> "4" as too short and
// "Name a painting by Leonardo." -> "The Mona Lisa is a painting by Leonardo." as repetitive).
//
// A record is a list of turns, each a role and a text: an Alpaca record is a user turn (instruction
// and input) and an assistant turn (output); a chat or ShareGPT record its messages. A prompt is a
// user turn; its answer the assistant turn right after it. Rule names in evaluation order (every
// value is a number; a rule passes by its comparison with the threshold):
// sft_turn_order         turns out of order (<= 0): after leading system turns, user and assistant
//                        alternate starting with the user; a tool turn may follow an assistant or
//                        tool turn; a system turn later on, an unknown role, two users or two
//                        assistants in a row each count one
// sft_final_turn         1 when the last turn is the assistant's, else 0 (>= 1)
// sft_empty_prompt       user turns with no text (missing, null, "" or white space only) (<= 0)
// sft_empty_answer       assistant turns with no text (<= 0)
// sft_code_fence         turns with an odd number of ``` or ~~~ fence lines (<= 0)
// sft_truncated_answer   answers that stop mid-sentence (<= 0): ending in , ; : ( [ { or a dash,
//                        ending without sentence punctuation on a word that cannot end a sentence
//                        (the, and, of, to, with, because, ...), or a prose line with a finished
//                        sentence followed by an unfinished one
// sft_refusal            refusal phrases in the answers ("I'm sorry, but I can't", "I cannot
//                        help with", ...) (<= 0)
// sft_boilerplate        AI boilerplate in the answers ("as an AI language model", "my knowledge
//                        cutoff", ...) (<= 0)
// sft_answer_repetition  the largest share of an answer's characters in repeated word 10-grams
//                        (Gopher's gopher_dup_10gram on the answer alone) (<= 0.1): looping output
// sft_restated_prompt    how much an answer only restates its prompt (<= 0.8): when every content
//                        word of the answer is in the prompt, the share of the prompt's content
//                        words it repeats, else 0 (the largest value over the pairs); 0 for a
//                        yes/no question ("Is the sky blue?" -> "The sky is blue." answers it)
// sft_answer_ratio_min   code points of an answer / of its prompt, the smallest over the pairs (>= 0.02)
// sft_answer_ratio_max   the same, the largest (<= 500)
// The thresholds are dqprep's own, chosen on the hand-made set in examples/sft (docs/filter.md).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "dqprep/quality/quality.hpp"

namespace dqprep::quality {

enum class Role : uint8_t { system, user, assistant, tool, unknown };

// A role as chat and ShareGPT data name it, case-insensitively: user/human/prompter;
// assistant/gpt/bot/model/chatgpt/bard; system; tool/function/ipython/observation; else unknown.
Role role_from_name(std::string_view name);

struct Turn {
  Role role = Role::unknown;
  std::string_view text;  // empty when missing or null
};

struct SftOptions {
  Limit turn_order{true, 0};
  Limit final_turn{true, 1};
  Limit empty_prompt{true, 0};
  Limit empty_answer{true, 0};
  Limit code_fence{true, 0};
  Limit truncated_answer{true, 0};
  Limit refusal{true, 0};
  Limit boilerplate{true, 0};
  Limit answer_repetition{true, 0.1};
  Limit restated_prompt{true, 0.8};
  Limit min_answer_ratio{true, 0.02};
  Limit max_answer_ratio{true, 500};
};

// The measures behind the rules, for one text or one prompt-answer pair (exposed for tests).
size_t count_fence_lines(std::string_view text);
bool looks_truncated(std::string_view answer);
double restatement(std::string_view prompt, std::string_view answer);

class SftFilter {
 public:
  explicit SftFilter(SftOptions options = {});
  const SftOptions& options() const { return options_; }
  // Not thread-safe (scratch buffers): one instance per thread.
  bool evaluate(std::span<const Turn> turns, bool explain, std::vector<RuleResult>& out);

 private:
  SftOptions options_;
  GopherFilter repetition_;  // only gopher_dup_10gram on, measured on each answer
  std::vector<RuleResult> scratch_;
};

}  // namespace dqprep::quality
