#pragma once
// filter --tokenizer MODEL --min-tokens N --max-tokens N: the context-length rule. A SentencePiece
// model counts the tokens of each text (the text fields joined with '\n', as every rule sees them);
// a text with fewer than --min-tokens or more than --max-tokens is dropped (rules min_tokens,
// max_tokens), after every other rule.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"
#include "dqprep/quality/quality.hpp"
#include "dqprep/text/tokenizer.hpp"

namespace dqprep::stages {

struct TokenFlags {
  std::string tokenizer;
  uint64_t min_tokens = 0, max_tokens = 0;
  CLI::Option* min_opt = nullptr;
  CLI::Option* max_opt = nullptr;
};

void add_token_flags(CLI::App& app, TokenFlags& flags);

class TokenRule {
 public:
  // nullopt without token flags; a usage error for --min-tokens/--max-tokens without --tokenizer,
  // --tokenizer without either, or a minimum above the maximum.
  static Result<std::optional<TokenRule>> from_flags(const TokenFlags& flags);

  // Appends the results of min_tokens and max_tokens (those given) for `text`. Thread-safe; `ids`
  // is the caller's scratch.
  Status evaluate(std::string_view text, std::vector<quality::RuleResult>& results, std::vector<int>& ids) const;
  bool has_min() const { return min_.has_value(); }
  bool has_max() const { return max_.has_value(); }

 private:
  std::shared_ptr<const text::Tokenizer> tokenizer_;
  std::optional<uint64_t> min_, max_;
};

}  // namespace dqprep::stages
