#pragma once
// The catalog of the quality rules by name, and the rule set a user turns on: the presets at their
// published thresholds (--gopher, --c4, --fineweb), then single rules turned on, changed or off by
// name (`filter --rule NAME[=VALUE]`, `--disable-rule NAME`).
//
// Kinds of names:
// - threshold: a rule that drops a document (the names RuleResult reports, in evaluation order);
// - line_threshold / line_switch: a C4 rule that removes lines (with / without a threshold);
// - doc_switch: a C4 document rule without a threshold (c4_lorem_ipsum, c4_curly_bracket: any line);
// - setting: a parameter of a rule (fineweb_short_line_length), not a rule itself.
// Nothing is on in a fresh RuleSet: a rule runs only when its preset or its name turns it on.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dqprep/quality/quality.hpp"
#include "dqprep/quality/sft.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::quality {

enum class Preset : uint8_t { length, gopher, c4, fineweb, sft };
enum class RuleKind : uint8_t { threshold, line_threshold, line_switch, doc_switch, setting };

std::string_view preset_name(Preset preset);  // "length", "gopher", "c4", "fineweb", "sft"

struct RuleInfo {
  std::string_view name;
  Preset preset;
  RuleKind kind;
  Compare compare;            // how the value meets the threshold (threshold kinds)
  double published;           // the published threshold or setting; NaN: none (length rules)
  std::string_view summary;   // one line: what is measured
};

// Every name, in evaluation order within each preset; presets in the order length, sft, gopher, c4,
// fineweb (the order in which a record meets them).
std::span<const RuleInfo> rule_catalog();
const RuleInfo* find_rule(std::string_view name);

// The names, comma-separated, for messages.
std::string rule_names();

struct RuleSet {
  LengthOptions length;
  GopherQualityOptions gopher_quality;
  GopherRepetitionOptions gopher_repetition;
  C4Options c4;
  FineWebOptions fineweb;
  SftOptions sft;

  // Everything off.
  RuleSet();

  // Turns on every rule of `preset` at its published threshold (settings to their published values).
  void enable_preset(Preset preset);
  // Turns on `name` at `value`, or at its published threshold when no value is given. A usage error
  // for an unknown name (listing the valid ones), a value where none is taken (switches), no value
  // where there is no published one (length rules, settings), or a value that is not a number >= 0.
  Status set(std::string_view name, std::optional<double> value);
  // Parses "NAME" or "NAME=VALUE" (the --rule syntax) and calls set().
  Status set(std::string_view spec);
  // Turns `name` off: a usage error when it is unknown, not on, or a setting.
  Status disable(std::string_view name);

  bool is_on(std::string_view name) const;
  bool any(Preset preset) const;
  // Whether a C4 rule that removes (or edits) lines is on: C4 then rewrites the text.
  bool c4_edits_lines() const;
  bool any_on() const;
};

}  // namespace dqprep::quality
