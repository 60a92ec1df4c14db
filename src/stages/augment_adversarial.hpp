#pragma once
// augment --adversarial: the stage side of adversarial::Attacker. The model (a fastText .bin of
// `dqprep model train`), each record's true label and the words kept for it, and the `aug` fields
// of an attacked copy: {"op": "adversarial", "source_id", "p_before", "p_after", "substitutions"}.

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dqprep/augment/adversarial.hpp"
#include "dqprep/augment/wordnet.hpp"
#include "dqprep/io/report.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/model/classifier.hpp"

namespace dqprep::stages::augment_adversarial {

struct Options {
  std::string model;      // --model
  double budget = 0.15;   // --budget
  std::string cue_words;  // --cue-words FILE: {"label": ["word", ...]}
};

// Whether the flags were given.
struct Flags {
  CLI::Option* model = nullptr;
  CLI::Option* budget = nullptr;
  CLI::Option* cue_words = nullptr;
};

// --adversarial, --model, --budget, --cue-words.
void add_flags(CLI::App& app, bool& on, Options& options, Flags& flags);
// Usage errors: --model missing, a flag of the attack without --adversarial, or `others` (flags of
// the other modes, given) with it.
Status validate(bool on, const Options& options, const Flags& flags, const std::vector<std::string>& others);
// The attack reads one text field: one field path, without [*].
Status check_fields(size_t paths, bool any_wildcard);

// The summary's "adversarial" object from the run's counters, and its stderr line.
report::Json figures(const report::Json& counters);
void print_line(const report::Json& figures);

// What every thread shares: the classifier and the words kept per label.
class Shared {
 public:
  static Result<std::unique_ptr<Shared>> load(const Options& options, const wordnet::Synonyms& synonyms);

  const model::Classifier& classifier() const { return classifier_; }
  const wordnet::Synonyms& synonyms() const { return *synonyms_; }
  const adversarial::Params& params() const { return params_; }
  // The model's index of a label, or -1.
  int label_index(const std::string& label) const;
  // The words never substituted in a record of this label: the words of the label's name (split at
  // characters that are not letters or digits: noun.animal -> noun, animal) and its --cue-words.
  const std::vector<std::string>& kept(const std::string& label) const;

 private:
  model::Classifier classifier_;
  const wordnet::Synonyms* synonyms_ = nullptr;
  adversarial::Params params_;
  std::unordered_map<std::string, int> index_;
  std::unordered_map<std::string, std::vector<std::string>> kept_;
  std::vector<std::string> none_;
};

// One thread's attacker.
class Maker {
 public:
  explicit Maker(const Shared& shared);

  // Attacks `text`, a record labelled `label`. True with the attacked text and the aug fields after
  // source_id (",\"p_before\":...") when a substitution lowered the probability of the label;
  // otherwise false with the summary figure that says why (no label, a label the model does not
  // know, no substitution).
  bool make(const std::optional<std::string>& label, std::string_view text, std::string& new_text,
            std::string& extra, std::string& why);
  const adversarial::Attack& last() const { return attack_; }
  // Whether the model's top class for the attacked text is another than the label.
  bool flipped() const { return flipped_; }

 private:
  const Shared& shared_;
  adversarial::Attacker attacker_;
  adversarial::Attack attack_;
  std::vector<double> probs_;
  bool flipped_ = false;
};

}  // namespace dqprep::stages::augment_adversarial
