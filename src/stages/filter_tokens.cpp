#include "stages/filter_tokens.hpp"

#include "stages/common.hpp"

namespace dqprep::stages {

void add_token_flags(CLI::App& app, TokenFlags& f) {
  app.add_option("--tokenizer", f.tokenizer, "A SentencePiece model: counts the tokens of --min-tokens/--max-tokens")
      ->type_name("MODEL");
  f.min_opt = app.add_option("--min-tokens", f.min_tokens, "With --tokenizer: drop texts with fewer tokens (rule min_tokens)")
                  ->check(whole_number())
                  ->type_name("N");
  f.max_opt = app.add_option("--max-tokens", f.max_tokens, "With --tokenizer: drop texts with more tokens (rule max_tokens)")
                  ->check(whole_number())
                  ->type_name("N");
}

Result<std::optional<TokenRule>> TokenRule::from_flags(const TokenFlags& f) {
  const bool min = f.min_opt && f.min_opt->count(), max = f.max_opt && f.max_opt->count();
  if (f.tokenizer.empty()) {
    if (min || max) return Status::usage("--min-tokens and --max-tokens need --tokenizer MODEL");
    return std::optional<TokenRule>();
  }
  if (!min && !max) return Status::usage("--tokenizer needs --min-tokens N or --max-tokens N");
  if (min && max && f.min_tokens > f.max_tokens) return Status::usage("--min-tokens is above --max-tokens");
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<text::Tokenizer> tokenizer, text::Tokenizer::load(f.tokenizer));
  TokenRule rule;
  rule.tokenizer_ = std::move(tokenizer);
  if (min) rule.min_ = f.min_tokens;
  if (max) rule.max_ = f.max_tokens;
  return std::optional<TokenRule>(std::move(rule));
}

Status TokenRule::evaluate(std::string_view text, std::vector<quality::RuleResult>& results,
                           std::vector<int>& ids) const {
  uint64_t tokens = 0;
  DQPREP_RETURN_IF_ERROR(tokenizer_->count(text, ids, tokens));
  const double n = static_cast<double>(tokens);
  if (min_) results.push_back({"min_tokens", n, static_cast<double>(*min_), quality::Compare::at_least, tokens >= *min_});
  if (max_) results.push_back({"max_tokens", n, static_cast<double>(*max_), quality::Compare::at_most, tokens <= *max_});
  return {};
}

}  // namespace dqprep::stages
