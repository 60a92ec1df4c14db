#include "stages/augment_adversarial.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/io/report.hpp"

namespace dqprep::stages::augment_adversarial {

namespace {

// The lower-cased runs of ASCII letters and digits of a label's name, and its words otherwise
// (a label in another script is kept whole, lower-cased as keys are).
std::vector<std::string> name_words(const std::string& label) {
  std::vector<std::string> out;
  std::string word, key;
  auto flush = [&] {
    if (word.empty()) return;
    wordnet::Synonyms::normalize_key(word, key);
    out.push_back(key);
    word.clear();
  };
  for (char c : label) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
      word += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace

void add_flags(CLI::App& app, bool& on, Options& o, Flags& flags) {
  app.add_flag("--adversarial", on,
               "Adversarial copies: greedy WordNet synonym substitutions that lower --model's probability of the "
               "record's label most, up to --budget of the words");
  flags.model = app.add_option("--model", o.model, "With --adversarial: the classifier attacked (model train's .bin)")
                    ->type_name("MODEL.bin");
  flags.budget = app.add_option("--budget", o.budget, "With --adversarial: share of the words that may be substituted")
                     ->capture_default_str();
  flags.cue_words = app.add_option("--cue-words", o.cue_words,
                                   "With --adversarial: JSON {\"label\": [\"word\", ...]}, words never substituted in "
                                   "records of that label (besides the label's own name words)")
                        ->type_name("FILE");
}

Status validate(bool on, const Options& o, const Flags& flags, const std::vector<std::string>& others) {
  if (!on) {
    for (CLI::Option* flag : {flags.model, flags.budget, flags.cue_words})
      if (flag->count()) return Status::usage(flag->get_name() + " needs --adversarial");
    return {};
  }
  if (!others.empty()) {
    return Status::usage("--adversarial makes one attacked copy per record; " + others.front() +
                         " belongs to another mode: run augment twice to combine");
  }
  if (o.model.empty()) return Status::usage("--adversarial needs --model MODEL.bin (dqprep model train)");
  if (!(o.budget > 0 && o.budget <= 1)) return Status::usage("--budget must be in (0, 1]");
  return {};
}

Status check_fields(size_t paths, bool any_wildcard) {
  if (paths != 1 || any_wildcard) {
    return Status::usage("--adversarial attacks one text field (the model reads it): give one --fields path without [*]");
  }
  return {};
}

report::Json figures(const report::Json& c) {
  auto n = [&](const char* key) -> uint64_t { return c.contains(key) ? c[key].get<uint64_t>() : 0; };
  uint64_t attacked = n("op:adversarial");
  report::Json j = report::Json::object();
  j["attacked"] = attacked;
  j["flipped"] = n("adversarial_flipped");
  j["unchanged"] = n("adversarial_unchanged");
  j["too_short"] = n("adversarial_too_short");
  j["no_label"] = n("adversarial_no_label");
  j["unknown_label"] = n("adversarial_unknown_label");
  j["substitutions"] = n("adversarial_substitutions");
  auto mean = [&](const char* key, double scale) {
    return attacked ? report::Json(static_cast<double>(n(key)) / scale / static_cast<double>(attacked)) : report::Json(nullptr);
  };
  j["mean_p_before"] = mean("adversarial_p_before_micro", 1e6);
  j["mean_p_after"] = mean("adversarial_p_after_micro", 1e6);
  j["mean_drop"] = attacked ? report::Json(j["mean_p_before"].get<double>() - j["mean_p_after"].get<double>())
                            : report::Json(nullptr);
  j["substituted_share"] = n("adversarial_words") ? report::Json(static_cast<double>(n("adversarial_substitutions")) /
                                                                 static_cast<double>(n("adversarial_words")))
                                                  : report::Json(nullptr);
  return j;
}

void print_line(const report::Json& j) {
  if (j["attacked"].get<uint64_t>() == 0) {
    spdlog::info("augment: adversarial: no copy ({} unchanged, {} too short, {} without a label, {} with a label the model lacks)",
                 j["unchanged"].get<uint64_t>(), j["too_short"].get<uint64_t>(), j["no_label"].get<uint64_t>(),
                 j["unknown_label"].get<uint64_t>());
    return;
  }
  spdlog::info(
      "augment: adversarial: {} copies, true-label probability {:.3f} -> {:.3f} on average (drop {:.3f}), {} "
      "flipped; {} unchanged, {} too short, {} without a label, {} with a label the model lacks",
      j["attacked"].get<uint64_t>(), j["mean_p_before"].get<double>(), j["mean_p_after"].get<double>(),
      j["mean_drop"].get<double>(), j["flipped"].get<uint64_t>(), j["unchanged"].get<uint64_t>(),
      j["too_short"].get<uint64_t>(), j["no_label"].get<uint64_t>(), j["unknown_label"].get<uint64_t>());
}

Result<std::unique_ptr<Shared>> Shared::load(const Options& o, const wordnet::Synonyms& synonyms) {
  if (!(o.budget > 0 && o.budget <= 1)) return Status::usage("--budget must be in (0, 1]");
  auto shared = std::make_unique<Shared>();
  DQPREP_ASSIGN_OR_RETURN(shared->classifier_, model::Classifier::load(o.model));
  shared->synonyms_ = &synonyms;
  shared->params_.budget = o.budget;
  const std::vector<std::string>& labels = shared->classifier_.labels();
  for (size_t i = 0; i < labels.size(); ++i) {
    shared->index_[labels[i]] = static_cast<int>(i);
    shared->kept_[labels[i]] = name_words(labels[i]);
  }
  if (!o.cue_words.empty()) {
    auto bad = [&](const std::string& why) { return Status::usage("--cue-words " + o.cue_words + ": " + why); };
    Result<std::string> text = io::read_file(o.cue_words);
    if (!text.ok()) return bad(text.status().message());
    report::Json j = report::Json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object {\"label\": [\"word\", ...]}");
    std::string key;
    for (const auto& [label, words] : j.items()) {
      if (!words.is_array()) return bad("the words of '" + label + "' are not an array");
      std::vector<std::string>& kept = shared->kept_[label];
      for (const report::Json& w : words) {
        if (!w.is_string()) return bad("a word of '" + label + "' is not a string");
        wordnet::Synonyms::normalize_key(w.get<std::string>(), key);
        kept.push_back(key);
      }
    }
  }
  return shared;
}

int Shared::label_index(const std::string& label) const {
  auto it = index_.find(label);
  return it == index_.end() ? -1 : it->second;
}

const std::vector<std::string>& Shared::kept(const std::string& label) const {
  auto it = kept_.find(label);
  return it == kept_.end() ? none_ : it->second;
}

Maker::Maker(const Shared& shared) : shared_(shared), attacker_(shared.synonyms(), shared.params()) {}

bool Maker::make(const std::optional<std::string>& label, std::string_view text, std::string& new_text,
                 std::string& extra, std::string& why) {
  flipped_ = false;
  if (!label) {
    why = "adversarial_no_label";
    return false;
  }
  int index = shared_.label_index(*label);
  if (index < 0) {
    why = "adversarial_unknown_label";
    return false;
  }
  const model::Classifier& classifier = shared_.classifier();
  auto p = [&](std::string_view t) {
    classifier.predict(t, probs_);
    return probs_[static_cast<size_t>(index)];
  };
  attacker_.attack(text, p, shared_.kept(*label), attack_);
  if (attack_.substitutions == 0) {
    why = attack_.budget == 0 ? "adversarial_too_short" : "adversarial_unchanged";
    return false;
  }
  classifier.predict(attack_.text, probs_);
  size_t top = static_cast<size_t>(std::max_element(probs_.begin(), probs_.end()) - probs_.begin());
  flipped_ = top != static_cast<size_t>(index);
  new_text = attack_.text;
  extra = ",\"p_before\":";
  json_text::append_number(extra, std::round(attack_.p_before * 1e6) / 1e6);
  extra += ",\"p_after\":";
  json_text::append_number(extra, std::round(attack_.p_after * 1e6) / 1e6);
  extra += ",\"substitutions\":";
  json_text::append_number(extra, static_cast<uint64_t>(attack_.substitutions));
  return true;
}

}  // namespace dqprep::stages::augment_adversarial
