// dqprep augment: new records by EDA text operations and character noise, by Gaussian noise or
// mixup of a numeric vector, or by an external program; class balancing by oversampling.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "dqprep/augment/balance.hpp"
#include "dqprep/io/coprocess.hpp"
#include "dqprep/augment/eda.hpp"
#include "dqprep/util/hash.hpp"
#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/io/progress_line.hpp"
#include "dqprep/augment/numeric_aug.hpp"
#include "dqprep/util/random.hpp"
#include "dqprep/io/state_bytes.hpp"
#include "dqprep/augment/wordnet.hpp"
#include "stages/augment_adversarial.hpp"
#include "stages/model/model_shared.hpp"
#include "stages/parsers.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

constexpr uint32_t kNoClass = 0xFFFFFFFFu;
// Balancing asks each record for an exact number of new records. Variants that come out unchanged
// or repeat an earlier one are made again, in rounds, until `want` are made or a budget of attempts
// is spent: 10 * want + 40 (a short text has few distinct variants, found late by random draws);
// 2 * want + 2 for --exec, where each attempt costs a call of the helper.
class Rounds {
 public:
  Rounds(bool balance, bool exec, uint64_t want)
      : budget_(!balance ? want : exec ? 2 * want + 2 : 10 * want + 40) {}
  // The number of variants to try in the next round (0: stop).
  uint64_t next(uint64_t made, uint64_t want) {
    if (made >= want || tried_ >= budget_) return 0;
    uint64_t n = std::min(want - made, budget_ - tried_);
    tried_ += n;
    return n;
  }

 private:
  uint64_t budget_;
  uint64_t tried_ = 0;
};

struct AugmentOptions {
  CommonOptions common;
  std::string ops = "synonym,insert,swap,delete";
  double alpha = 0.1;
  uint64_t num_aug = 4;
  double char_rate = 0.05;
  std::string synonyms;
  std::vector<std::string> fields;
  std::string roles;
  std::string role_key;
  bool no_original = false;
  std::string rejects;
  bool balance = false;
  uint64_t target_per_class = 0;
  double max_ratio = 0;
  std::string numeric_field;
  double gaussian = 0;
  double mixup = 0;
  std::string mixup_labels = "hard";
  uint64_t mixup_pool = 1000;
  std::string exec;
  double exec_timeout = 30;
  uint64_t exec_max_bytes = uint64_t{64} << 20;
  bool adversarial = false;
  augment_adversarial::Options adversarial_options;
  augment_adversarial::Flags adversarial_flags;
  // Whether these were given on the command line.
  CLI::Option* ops_flag = nullptr;
  CLI::Option* num_aug_flag = nullptr;
  CLI::Option* target_flag = nullptr;
  CLI::Option* ratio_flag = nullptr;
  CLI::Option* char_rate_flag = nullptr;
  CLI::Option* alpha_flag = nullptr;
  CLI::Option* synonyms_flag = nullptr;
};

enum class Mode { eda, gaussian, mixup, exec, adversarial };

// One text field to augment. A path with [*] is visited element by element, so that each element
// can be filtered by its role and named exactly ("messages[2].content") in --exec requests.
struct FieldSpec {
  record::Path path;
  bool per_element = false;
  std::vector<record::PathStep> array_steps;  // before the [*]
  std::vector<record::PathStep> rest_steps;   // after it
  record::Path array;                         // the array itself (presence check)
};

// What the first pass learns (two-pass runs: --balance, --mixup), read-only in the second.
struct Collected {
  std::vector<std::string> class_names;
  std::unordered_map<std::string, uint32_t> class_ids;
  std::vector<uint64_t> class_counts;
  std::vector<uint32_t> class_of;  // per record index; kNoClass: no label, or not read
  std::vector<uint32_t> per_record;  // --balance: the record's rank in its class, then its new records
  balance::Plan plan;
  numeric_aug::PartnerPool pool{0, 0};
};

struct Setup {
  Fields fields;
  std::vector<FieldSpec> specs;
  bool filter_roles = false;
  std::vector<std::string> roles;
  std::string role_key;
  Mode mode = Mode::eda;
  std::vector<eda::Op> ops;
  eda::Params params;
  const wordnet::Synonyms* synonyms = nullptr;
  uint64_t num_aug = 4;
  bool keep_original = true;
  bool write_rejects = false;
  uint64_t seed = 0;
  record::Path numeric;
  double sigma = 0;
  double mixup_alpha = 0;
  bool soft_labels = false;
  std::string exec;
  double exec_timeout = 30;
  uint64_t exec_max_bytes = uint64_t{64} << 20;
  bool balance = false;
  bool two_pass = false;
  const Collected* collected = nullptr;
  const augment_adversarial::Shared* adversarial = nullptr;
};

using state_bytes::put;

// The record's id as JSON text (a string or number id as it is written), else "FILE:LINE".
void source_id(record::Parser& parser, const record::Path& id_path, const stream::Line& line, std::string& out) {
  std::optional<std::string_view> raw;
  out.clear();
  if (parser.raw_value(id_path, raw).ok() && raw && !raw->empty()) {
    char c = raw->front();
    if (c == '"' || c == '-' || (c >= '0' && c <= '9')) {
      out.assign(*raw);
      return;
    }
  }
  std::string name(line.source);
  name += ':';
  name += std::to_string(line.number);
  json_text::append_string(out, name);
}

// The first pass: each record's label (and, for mixup, its vector and id) handed to the writing
// thread in input order.
class CollectProcessor : public stream::RecordProcessor {
 public:
  explicit CollectProcessor(const Setup& setup) : setup_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    std::optional<std::string_view> label;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(setup_.fields.label, label));
    if (!label && setup_.soft_labels) {
      return Status::bad_input("no label in '" + setup_.fields.label.text + "' (--mixup-labels soft needs one)");
    }
    bool mixup = setup_.mode == Mode::mixup;
    if (mixup) {
      values_.clear();
      bool found = false;
      DQPREP_RETURN_IF_ERROR(parser_.numbers(setup_.numeric, values_, found));
      if (!found) return Status::bad_input("missing numeric field '" + setup_.numeric.text + "'");
      source_id(parser_, setup_.fields.id, line, name_);
    }
    std::string& s = out.state();
    put<uint64_t>(s, line.index);
    put<uint32_t>(s, label ? static_cast<uint32_t>(label->size()) : kNoClass);
    if (label) state_bytes::put_raw(s, *label);
    if (mixup) {
      put<uint32_t>(s, static_cast<uint32_t>(values_.size()));
      state_bytes::put_array<double>(s, values_);
      state_bytes::put_bytes(s, name_);
    }
    return {};
  }

 private:
  const Setup& setup_;
  record::Parser parser_;
  std::vector<double> values_;
  std::string name_;
};

Status consume_collected(const Setup& setup, Collected& c, std::string_view state) {
  std::vector<double> values;
  state_bytes::Reader s(state);
  while (!s.done()) {
    uint64_t index = s.get<uint64_t>();
    uint32_t label_length = s.get<uint32_t>();
    uint32_t class_id = kNoClass;
    if (label_length != kNoClass) {
      std::string label(s.get_raw(label_length));
      auto it = c.class_ids.find(label);
      if (it == c.class_ids.end()) {
        it = c.class_ids.emplace(label, static_cast<uint32_t>(c.class_names.size())).first;
        c.class_names.push_back(label);
        c.class_counts.push_back(0);
      }
      class_id = it->second;
    }
    if (c.class_of.size() <= index) c.class_of.resize(index + 1, kNoClass);
    c.class_of[index] = class_id;
    if (setup.balance && class_id != kNoClass) {
      if (c.per_record.size() <= index) c.per_record.resize(index + 1, 0);
      c.per_record[index] = static_cast<uint32_t>(c.class_counts[class_id]);  // the rank, for now
    }
    if (class_id != kNoClass) ++c.class_counts[class_id];
    if (setup.mode == Mode::mixup) {
      uint32_t dims = s.get<uint32_t>();
      values.resize(dims);
      s.get_array(values.data(), dims);
      std::string_view name = s.get_bytes();
      uint32_t group = setup.soft_labels ? numeric_aug::PartnerPool::kAnyClass : class_id;
      c.pool.offer(group, class_id, index, values, name);
    }
  }
  return {};
}

struct TextTarget {
  size_t offset = 0;  // of the JSON string token in the line
  size_t length = 0;
  // A copy: the parser's unescaped strings live only until its next look-up.
  std::string text;
  std::string name;  // the field's path, elements numbered (--exec requests)
};

class AugmentProcessor : public stream::RecordProcessor {
 public:
  explicit AugmentProcessor(const Setup& setup)
      : setup_(setup), augmenter_(*setup.synonyms, setup.params) {
    for (eda::Op op : setup.ops) op_keys_[static_cast<size_t>(op)] = "op:" + std::string(eda::op_name(op));
    if (setup.adversarial) adversarial_ = std::make_unique<augment_adversarial::Maker>(*setup.adversarial);
  }

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    // Everything that can find the record malformed comes before anything is written for it.
    if (setup_.mode == Mode::gaussian || setup_.mode == Mode::mixup) {
      DQPREP_RETURN_IF_ERROR(read_numbers());
    } else {
      DQPREP_RETURN_IF_ERROR(collect_targets());
    }
    if (setup_.mode == Mode::adversarial) DQPREP_RETURN_IF_ERROR(model_stage::read_label(parser_, setup_.fields.label, label_));
    uint32_t class_id = kNoClass;
    if (setup_.two_pass && line.index < setup_.collected->class_of.size()) {
      class_id = setup_.collected->class_of[line.index];
    }
    uint64_t want = setup_.num_aug;
    if (setup_.balance) {
      const std::vector<uint32_t>& k = setup_.collected->per_record;
      want = class_id != kNoClass && line.index < k.size() ? k[line.index] : 0;
      if (class_id == kNoClass) out.count("unlabeled");
    }

    if (want > 0) {
      // Where aug (and label_weights) go: the value replaced, or the key appended before the '}'.
      source_id(parser_, setup_.fields.id, line, id_);
      edits_.clear();
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "aug", "", edits_));
      aug_edit_ = std::move(edits_.back());
      if (setup_.soft_labels) {
        DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "label_weights", "", edits_));
        label_weights_edit_ = std::move(edits_.back());
      }
    }

    if (setup_.keep_original) {
      out.keep(line.text);
    } else {
      reject_original(line, out);
    }
    uint64_t made = 0;
    if (want > 0) {
      kept_keys_.clear();
      Rng rng(setup_.seed, line.index);
      switch (setup_.mode) {
        case Mode::eda: made = make_eda(line, want, rng, out); break;
        case Mode::gaussian: made = make_gaussian(line, want, rng, out); break;
        case Mode::mixup: made = make_mixup(line, want, class_id, rng, out); break;
        case Mode::adversarial: made = make_adversarial(line, out); break;
        case Mode::exec: {
          DQPREP_ASSIGN_OR_RETURN(uint64_t n, make_exec(line, want, rng, out));
          made = n;
          break;
        }
      }
      // Balancing upsamples by "copy or transform": what no new variant could be made for is
      // filled with copies of the source, so that the class reaches its target exactly.
      if (setup_.balance && made < want) {
        for (uint64_t i = made; i < want; ++i) {
          pieces_.clear();  // the source as it is; emit adds the aug field
          emit(line, "copy", {}, out);
        }
        out.count("op:copy", want - made);
        made = want;
      }
      if (made) out.count("augmented", made);
    }
    if (setup_.balance && class_id != kNoClass) {
      out.count("class_out:" + std::to_string(class_id), (setup_.keep_original ? 1 : 0) + made);
    }
    return {};
  }

 private:
  void reject_original(const stream::Line& line, stream::Emitter& out) {
    if (!setup_.write_rejects) {
      out.reject(line.text, "no_original");
      return;
    }
    edits_.clear();
    if (!record::set_top_level(parser_, "_reject", "{\"rule\":\"no_original\"}", edits_).ok()) {
      out.reject(line.text, "no_original");
      return;
    }
    record::apply_edits(line.text, edits_, edited_);
    out.reject(edited_, "no_original");
  }

  Status collect_targets() {
    targets_used_ = 0;
    for (const FieldSpec& spec : setup_.specs) {
      if (!spec.per_element) {
        values_.clear();
        bool found = false;
        DQPREP_RETURN_IF_ERROR(parser_.strings(spec.path, values_, found));
        if (!found) return Status::bad_input("missing text field '" + spec.path.text + "'");
        for (const record::StringValue& v : values_) add_target(v, spec.path.text);
        continue;
      }
      std::optional<std::string_view> array;
      DQPREP_RETURN_IF_ERROR(parser_.raw_value(spec.array, array));
      if (!array) return Status::bad_input("missing text field '" + spec.path.text + "'");
      if (*array == "null") continue;
      if (array->front() != '[') {
        return Status::bad_input("field '" + spec.array.text + "' is not an array (in '" + spec.path.text + "')");
      }
      for (size_t i = 0;; ++i) {
        const ElementPaths& e = element_paths(spec, i);
        std::optional<std::string_view> element;
        DQPREP_RETURN_IF_ERROR(parser_.raw_value(e.element, element));
        if (!element) break;
        if (setup_.filter_roles) {
          std::optional<std::string_view> role;
          DQPREP_RETURN_IF_ERROR(parser_.scalar_text(e.role, role));
          if (!role || std::find(setup_.roles.begin(), setup_.roles.end(), *role) == setup_.roles.end()) continue;
        }
        values_.clear();
        bool found = false;
        DQPREP_RETURN_IF_ERROR(parser_.strings(e.content, values_, found));
        for (const record::StringValue& v : values_) add_target(v, e.content.text);
      }
    }
    return {};
  }

  void add_target(const record::StringValue& v, const std::string& name) {
    if (targets_used_ == targets_.size()) targets_.emplace_back();
    TextTarget& t = targets_[targets_used_++];
    t.offset = v.offset;
    t.length = v.length;
    t.text.assign(v.text);
    if (setup_.mode == Mode::exec) t.name = name;
  }

  struct ElementPaths {
    record::Path element, content, role;
  };
  const ElementPaths& element_paths(const FieldSpec& spec, size_t i) {
    size_t spec_index = static_cast<size_t>(&spec - setup_.specs.data());
    if (element_paths_.size() <= spec_index) element_paths_.resize(setup_.specs.size());
    std::vector<ElementPaths>& cache = element_paths_[spec_index];
    while (cache.size() <= i) {
      std::vector<record::PathStep> steps = spec.array_steps;
      record::PathStep index;
      index.kind = record::PathStep::Kind::index;
      index.index = static_cast<int64_t>(cache.size());
      steps.push_back(index);
      ElementPaths e;
      e.element = record::Path::from_steps(steps);
      std::vector<record::PathStep> content = steps;
      content.insert(content.end(), spec.rest_steps.begin(), spec.rest_steps.end());
      e.content = record::Path::from_steps(content);
      record::PathStep role;
      role.key = setup_.role_key;
      steps.push_back(role);
      e.role = record::Path::from_steps(steps);
      cache.push_back(std::move(e));
    }
    return cache[i];
  }

  Status read_numbers() {
    numbers_.clear();
    bool found = false;
    DQPREP_RETURN_IF_ERROR(parser_.numbers(setup_.numeric, numbers_, found));
    if (!found) return Status::bad_input("missing numeric field '" + setup_.numeric.text + "'");
    std::optional<std::string_view> raw;
    DQPREP_RETURN_IF_ERROR(parser_.raw_value(setup_.numeric, raw));
    numeric_offset_ = static_cast<size_t>(raw->data() - parser_.line().data());
    numeric_length_ = raw->size();
    numeric_is_array_ = raw->front() == '[';
    return {};
  }

  // True (and remembers it) when a variant whose new values hash to `key` differs from every
  // variant already written for the record. Hashes, not copies of the texts: a 64-bit collision
  // among a record's few variants (odds about n^2 / 2^65) would only drop one variant.
  bool is_new(uint64_t key) {
    if (std::find(kept_keys_.begin(), kept_keys_.end(), key) != kept_keys_.end()) return false;
    kept_keys_.push_back(key);
    return true;
  }
  static uint64_t combine(uint64_t h, std::string_view text) {
    return hash::xxh3_64(text, h + 0x9e3779b97f4a7c15ULL);
  }

  // Writes the record with pieces_ spliced in and aug = {"op": op, "source_id": id, extra}. A text
  // piece is escaped straight into the output line: no intermediate copy of a variant.
  void emit(const stream::Line& line, std::string_view op, std::string_view extra, stream::Emitter& out) {
    aug_text_.assign(aug_edit_.text);
    aug_text_ += "{\"op\":\"";
    aug_text_ += op;
    aug_text_ += "\",\"source_id\":";
    aug_text_ += id_;
    aug_text_ += extra;
    aug_text_ += '}';
    pieces_.push_back({aug_edit_.offset, aug_edit_.length, aug_text_, false});
    std::stable_sort(pieces_.begin(), pieces_.end(), [](const Piece& a, const Piece& b) { return a.offset < b.offset; });
    edited_.clear();
    size_t pos = 0;
    for (const Piece& p : pieces_) {
      edited_.append(line.text.substr(pos, p.offset - pos));
      if (p.as_string) {
        json_text::append_string(edited_, p.text);
      } else {
        edited_.append(p.text);
      }
      pos = p.offset + p.length;
    }
    edited_.append(line.text.substr(pos));
    out.keep(edited_);
  }

  std::string_view variant_text(size_t f, size_t i) const {
    return variants_[f][i].changed ? std::string_view(variants_[f][i].text) : std::string_view(targets_[f].text);
  }
  // Whether EDA variant i repeats one already written for the record: compared with those of this
  // round directly, with those of earlier rounds (--balance) by hash.
  bool is_new_variant(size_t i) {
    for (size_t j : kept_round_) {
      bool same = true;
      for (size_t f = 0; f < targets_used_ && same; ++f) same = variant_text(f, i) == variant_text(f, j);
      if (same) return false;
    }
    if (!kept_keys_.empty()) {
      uint64_t key = 0;
      for (size_t f = 0; f < targets_used_; ++f) key = combine(key, variant_text(f, i));
      if (std::find(kept_keys_.begin(), kept_keys_.end(), key) != kept_keys_.end()) return false;
    }
    return true;
  }

  uint64_t make_eda(const stream::Line& line, uint64_t want, Rng& rng, stream::Emitter& out) {
    if (targets_used_ == 0) {
      out.count("no_text");
      return 0;
    }
    if (variants_.size() < targets_used_) variants_.resize(targets_used_);
    uint64_t made = 0;
    Rounds rounds(setup_.balance, setup_.mode == Mode::exec, want);
    for (uint64_t n; (n = rounds.next(made, want)) > 0;) {
      kept_round_.clear();
      augmenter_.generate(targets_[0].text, setup_.ops, static_cast<int>(n), rng, variants_[0]);
      if (targets_used_ > 1) {
        labels_.clear();
        for (const eda::Variant& v : variants_[0]) labels_.push_back(v.op);
        for (size_t f = 1; f < targets_used_; ++f) augmenter_.generate_each(targets_[f].text, labels_, rng, variants_[f]);
      }
      for (size_t i = 0; i < variants_[0].size(); ++i) {
        bool changed = false;
        for (size_t f = 0; f < targets_used_; ++f) changed |= variants_[f][i].changed;
        if (!changed) {
          out.count("unchanged_variants");
          continue;
        }
        if (!is_new_variant(i)) {
          out.count("duplicate_variants");
          continue;
        }
        kept_round_.push_back(i);
        pieces_.clear();
        for (size_t f = 0; f < targets_used_; ++f) {
          if (variants_[f][i].changed) pieces_.push_back({targets_[f].offset, targets_[f].length, variants_[f][i].text, true});
        }
        eda::Op op = variants_[0][i].op;
        emit(line, eda::op_name(op), {}, out);
        out.count(op_keys_[static_cast<size_t>(op)]);
        ++made;
      }
      if (setup_.balance && made < want) {  // another round may follow: remember this one's variants
        for (size_t j : kept_round_) {
          uint64_t key = 0;
          for (size_t f = 0; f < targets_used_; ++f) key = combine(key, variant_text(f, j));
          kept_keys_.push_back(key);
        }
      }
    }
    return made;
  }

  void write_numbers(const std::vector<double>& values, std::string& text) {
    text.clear();
    if (!numeric_is_array_ && values.size() == 1) {
      json_text::append_number(text, values[0]);
      return;
    }
    text.push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) text.push_back(',');
      json_text::append_number(text, values[i]);
    }
    text.push_back(']');
  }

  // Emits the record with the numeric field set to new_numbers_ unless it is unchanged or a repeat.
  bool emit_numbers(const stream::Line& line, std::string_view op, std::string_view extra,
                    const std::string* label_weights, stream::Emitter& out) {
    if (new_numbers_ == numbers_) {
      out.count("unchanged_variants");
      return false;
    }
    write_numbers(new_numbers_, number_text_);
    if (!is_new(combine(0, number_text_))) {
      out.count("duplicate_variants");
      return false;
    }
    pieces_.clear();
    pieces_.push_back({numeric_offset_, numeric_length_, number_text_, false});
    if (label_weights) {
      label_weights_text_.assign(label_weights_edit_.text);
      label_weights_text_ += *label_weights;
      pieces_.push_back({label_weights_edit_.offset, label_weights_edit_.length, label_weights_text_, false});
    }
    emit(line, op, extra, out);
    out.count(std::string("op:") + std::string(op));
    return true;
  }

  uint64_t make_gaussian(const stream::Line& line, uint64_t want, Rng& rng, stream::Emitter& out) {
    uint64_t made = 0;
    Rounds rounds(setup_.balance, setup_.mode == Mode::exec, want);
    for (uint64_t n; (n = rounds.next(made, want)) > 0;) {
      for (uint64_t i = 0; i < n; ++i) {
        numeric_aug::gaussian(numbers_, setup_.sigma, rng, new_numbers_);
        made += emit_numbers(line, "gaussian", {}, nullptr, out);
      }
    }
    return made;
  }

  uint64_t make_mixup(const stream::Line& line, uint64_t want, uint32_t class_id, Rng& rng, stream::Emitter& out) {
    const numeric_aug::PartnerPool& pool = setup_.collected->pool;
    uint32_t group = setup_.soft_labels ? numeric_aug::PartnerPool::kAnyClass : class_id;
    uint64_t made = 0;
    Rounds rounds(setup_.balance, setup_.mode == Mode::exec, want);
    numeric_aug::PartnerPool::Partner partner;
    for (uint64_t n; (n = rounds.next(made, want)) > 0;) {
      for (uint64_t i = 0; i < n; ++i) {
        if (!pool.draw(group, numbers_.size(), line.index, rng, partner)) {
          out.count("mixup_no_partner");
          return made;
        }
        double lambda = rng.beta(setup_.mixup_alpha, setup_.mixup_alpha);
        numeric_aug::mix(numbers_, partner.values, lambda, new_numbers_);
        extra_ = ",\"partner_id\":";
        extra_ += partner.name;
        extra_ += ",\"lambda\":";
        json_text::append_number(extra_, lambda);
        const std::string* weights = nullptr;
        if (setup_.soft_labels) {
          const std::vector<std::string>& names = setup_.collected->class_names;
          weights_.clear();
          weights_ += '{';
          json_text::append_string(weights_, names[class_id]);
          weights_ += ':';
          if (partner.class_id == class_id) {
            weights_ += '1';
          } else {
            json_text::append_number(weights_, lambda);
            weights_ += ',';
            json_text::append_string(weights_, names[partner.class_id]);
            weights_ += ':';
            json_text::append_number(weights_, 1.0 - lambda);
          }
          weights_ += '}';
          weights = &weights_;
        }
        made += emit_numbers(line, "mixup", extra_, weights, out);
      }
    }
    return made;
  }

  // One attacked copy (--adversarial), made by augment_adversarial::Maker.
  uint64_t make_adversarial(const stream::Line& line, stream::Emitter& out) {
    if (targets_used_ == 0) {
      out.count("no_text");
      return 0;
    }
    std::string why;
    if (!adversarial_->make(label_, targets_[0].text, adversarial_text_, extra_, why)) {
      out.count(why);
      return 0;
    }
    const adversarial::Attack& a = adversarial_->last();
    pieces_.clear();
    pieces_.push_back({targets_[0].offset, targets_[0].length, adversarial_text_, true});
    emit(line, "adversarial", extra_, out);
    out.count("op:adversarial");
    out.count("adversarial_substitutions", a.substitutions);
    out.count("adversarial_words", a.words);
    out.count("adversarial_p_before_micro", static_cast<uint64_t>(std::llround(a.p_before * 1e6)));
    out.count("adversarial_p_after_micro", static_cast<uint64_t>(std::llround(a.p_after * 1e6)));
    if (adversarial_->flipped()) out.count("adversarial_flipped");
    return 1;
  }

  Status exec_error(const stream::Line& line, const std::string& what) {
    if (helper_) helper_->kill();
    helper_.reset();
    return Status::io("--exec '" + setup_.exec + "': " + what + " (record " + std::string(line.source) + ":" +
                      std::to_string(line.number) + ")");
  }

  Result<uint64_t> make_exec(const stream::Line& line, uint64_t want, Rng& rng, stream::Emitter& out) {
    if (targets_used_ == 0) {
      out.count("no_text");
      return uint64_t{0};
    }
    if (!helper_) {
      Result<std::unique_ptr<coprocess::Coprocess>> started = coprocess::Coprocess::start(setup_.exec);
      if (!started.ok()) return exec_error(line, started.status().message());
      helper_ = std::move(*started);
      helper_->set_grace(setup_.exec_timeout);
      helper_->set_max_answer_bytes(setup_.exec_max_bytes);
    }
    const size_t fields = targets_used_;
    uint64_t made = 0, variant = 0;
    Rounds rounds(setup_.balance, setup_.mode == Mode::exec, want);
    for (uint64_t n; (n = rounds.next(made, want)) > 0;) {
      requests_.clear();
      for (uint64_t i = 0; i < n; ++i, ++variant) {
        uint64_t seed = rng.next_u64() >> 12;  // exact in a double, for helpers in any language
        for (size_t f = 0; f < fields; ++f) {
          requests_ += "{\"id\":";
          requests_ += id_;
          requests_ += ",\"field\":";
          json_text::append_string(requests_, targets_[f].name);
          requests_ += ",\"variant\":";
          json_text::append_number(requests_, variant);
          requests_ += ",\"seed\":";
          json_text::append_number(requests_, seed);
          requests_ += ",\"text\":";
          json_text::append_string(requests_, targets_[f].text);
          requests_ += "}\n";
        }
      }
      out.count("exec_requests", n * fields);
      if (answer_texts_.size() < n * fields) answer_texts_.resize(n * fields);
      if (answer_null_.size() < n * fields) answer_null_.resize(n * fields);
      auto check = [&](size_t a, const std::string& answer) -> Status {
        bool declined = false;
        DQPREP_RETURN_IF_ERROR(answer_reader_.read(a, answer, declined, answer_texts_[a]));
        answer_null_[a] = declined;
        return {};
      };
      Status s = helper_->exchange(requests_, n * fields, setup_.exec_timeout, answers_, check);
      if (!s.ok()) return exec_error(line, "the helper " + s.message());
      for (uint64_t i = 0; i < n; ++i) {
        bool declined = false, changed = false;
        uint64_t key = 0;
        for (size_t f = 0; f < fields; ++f) {
          size_t a = i * fields + f;
          if (answer_null_[a]) declined = true;
          else changed |= answer_texts_[a] != targets_[f].text;
          key = combine(key, answer_texts_[a]);
        }
        if (declined) {
          out.count("exec_declined");
          continue;
        }
        if (!changed) {
          out.count("unchanged_variants");
          continue;
        }
        if (!is_new(key)) {
          out.count("duplicate_variants");
          continue;
        }
        pieces_.clear();
        for (size_t f = 0; f < fields; ++f) {
          const std::string& t = answer_texts_[i * fields + f];
          if (t != targets_[f].text) pieces_.push_back({targets_[f].offset, targets_[f].length, t, true});
        }
        emit(line, "exec", {}, out);
        out.count("op:exec");
        ++made;
      }
    }
    return made;
  }

  const Setup& setup_;
  record::Parser parser_;
  eda::Augmenter augmenter_;
  std::array<std::string, 5> op_keys_;
  std::vector<record::StringValue> values_;
  std::vector<TextTarget> targets_;
  size_t targets_used_ = 0;
  std::vector<std::vector<ElementPaths>> element_paths_;
  std::vector<std::vector<eda::Variant>> variants_;
  std::vector<eda::Op> labels_;
  std::vector<record::Edit> edits_;
  // A replacement of line[offset, offset + length) by text, as it is or as a JSON string.
  struct Piece {
    size_t offset, length;
    std::string_view text;
    bool as_string;
  };
  std::vector<Piece> pieces_;
  std::vector<size_t> kept_round_;
  std::string aug_text_, label_weights_text_;
  record::Edit aug_edit_, label_weights_edit_;
  std::vector<uint64_t> kept_keys_;
  std::string id_, edited_, extra_, weights_, number_text_;
  std::vector<double> numbers_, new_numbers_;
  size_t numeric_offset_ = 0, numeric_length_ = 0;
  bool numeric_is_array_ = true;
  // --exec
  std::unique_ptr<coprocess::Coprocess> helper_;
  ExecAnswerReader answer_reader_;
  std::string requests_;
  std::vector<std::string> answers_, answer_texts_;
  std::vector<uint8_t> answer_null_;
  // --adversarial
  std::unique_ptr<augment_adversarial::Maker> adversarial_;
  std::optional<std::string> label_;
  std::string adversarial_text_;
};

// The fields augmented when --fields is not given: the format's prompts, not its answers.
std::vector<std::string> default_fields(const CommonOptions& common, const format::Format& fmt) {
  if (!common.text_fields.empty()) return common.text_fields;
  if (fmt.name == "alpaca") return {"instruction", "input"};
  if (fmt.name == "pair") return {"source"};
  if (fmt.name == "prompt-completion") return {"prompt"};
  return fmt.text_paths;  // text; chat and sharegpt with the role filter
}

std::string number_text(double x) { return util::number_text(x, 6); }

Status validate_options(const AugmentOptions& o) {
  if (!(o.alpha > 0 && o.alpha <= 1)) return Status::usage("--alpha must be in (0, 1], got " + number_text(o.alpha));
  if (!(o.char_rate > 0 && o.char_rate <= 1)) {
    return Status::usage("--char-rate must be in (0, 1], got " + number_text(o.char_rate));
  }
  bool numeric = !o.numeric_field.empty();
  bool exec = !o.exec.empty();
  if (numeric && exec) return Status::usage("--numeric-field and --exec exclude each other: run augment twice");
  if ((numeric || exec) && o.ops_flag->count()) {
    return Status::usage(std::string("--ops chooses text operations; ") + (numeric ? "--numeric-field" : "--exec") +
                         " replaces them: run augment twice to combine");
  }
  if (numeric && o.gaussian > 0 && o.mixup > 0) return Status::usage("--gaussian and --mixup exclude each other");
  if (numeric && !(o.gaussian > 0) && !(o.mixup > 0)) {
    return Status::usage("--numeric-field needs --gaussian SIGMA or --mixup ALPHA (both > 0)");
  }
  if (!numeric && (o.gaussian != 0 || o.mixup != 0)) {
    return Status::usage("--gaussian and --mixup need --numeric-field PATH");
  }
  if (o.gaussian < 0 || o.mixup < 0) return Status::usage("--gaussian and --mixup must be > 0");
  if (o.mixup_labels == "soft" && !(o.mixup > 0)) return Status::usage("--mixup-labels needs --mixup ALPHA");
  if (o.balance && o.num_aug_flag->count()) {
    return Status::usage("--num-aug and --balance exclude each other: balancing decides how many records each source makes");
  }
  if (!o.balance && (o.target_flag->count() || o.ratio_flag->count())) {
    return Status::usage("--target-per-class and --max-ratio need --balance");
  }
  if (o.ratio_flag->count() && !(o.max_ratio > 0)) return Status::usage("--max-ratio must be > 0");
  if (o.target_flag->count() && o.target_per_class == 0) return Status::usage("--target-per-class must be >= 1");
  if (!(o.exec_timeout > 0)) return Status::usage("--exec-timeout must be > 0 seconds");
  if (o.mixup_pool == 0) return Status::usage("--mixup-pool must be >= 1");
  if (o.num_aug == 0 || o.num_aug > 100000) return Status::usage("--num-aug must be in [1, 100000]");
  return {};
}

void print_lines(const Setup& setup, const report::Json& j) {
  std::string ops;
  for (const auto& [name, n] : j["ops"].items()) {
    ops += (ops.empty() ? "" : ", ") + name + " " + std::to_string(n.get<uint64_t>());
  }
  spdlog::info("augment: out = {} originals + {} new ({}); {} unchanged and {} duplicate variants dropped",
               j["originals_out"].get<uint64_t>(), j["augmented"].get<uint64_t>(), ops,
               j["unchanged_variants"].get<uint64_t>(), j["duplicate_variants"].get<uint64_t>());
  if (!setup.balance) return;
  auto classes = [](const report::Json& c) {
    std::string s;
    for (const auto& [name, n] : c.items()) s += (s.empty() ? "" : ", ") + name + " " + std::to_string(n.get<uint64_t>());
    return s.empty() ? std::string("none") : s;
  };
  spdlog::info("augment: classes before: {}; after: {} (target {})", classes(j["classes_before"]),
               classes(j["classes_after"]), j["balance_target"].get<uint64_t>());
  if (j["copies"].get<uint64_t>() > 0) {
    spdlog::warn("augment: {} of {} new records made by copying their source (aug.op \"copy\"): some texts are "
                 "too short or have no synonyms to vary",
                 j["copies"].get<uint64_t>(), j["augmented"].get<uint64_t>());
  }
  if (j["unlabeled"].get<uint64_t>() > 0) {
    spdlog::warn("augment: {} records have no label in '{}' and were not balanced", j["unlabeled"].get<uint64_t>(),
                 setup.fields.label.text);
  }
}

Status run_augment(AugmentOptions& o) {
  auto start = std::chrono::steady_clock::now();
  DQPREP_RETURN_IF_ERROR(validate_options(o));
  {
    std::vector<std::string> others;  // flags of the other modes, which --adversarial replaces
    if (!o.exec.empty()) others.push_back("--exec");
    if (!o.numeric_field.empty()) others.push_back("--numeric-field");
    if (o.balance) others.push_back("--balance");
    for (CLI::Option* flag : {o.ops_flag, o.num_aug_flag, o.alpha_flag, o.char_rate_flag})
      if (flag->count()) others.push_back(flag->get_name());
    DQPREP_RETURN_IF_ERROR(augment_adversarial::validate(o.adversarial, o.adversarial_options, o.adversarial_flags, others));
  }
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  Setup setup;
  setup.fields = fields;
  setup.mode = o.adversarial            ? Mode::adversarial
               : !o.exec.empty()        ? Mode::exec
               : o.numeric_field.empty() ? Mode::eda
               : o.gaussian > 0          ? Mode::gaussian
                                         : Mode::mixup;
  setup.params.alpha = o.alpha;
  setup.params.char_rate = o.char_rate;
  DQPREP_RETURN_IF_ERROR(eda::validate(setup.params));
  setup.num_aug = o.num_aug;
  setup.keep_original = !o.no_original;
  setup.write_rejects = !o.rejects.empty();
  setup.seed = o.common.seed;
  setup.sigma = o.gaussian;
  setup.mixup_alpha = o.mixup;
  setup.soft_labels = o.mixup_labels == "soft";
  setup.exec = o.exec;
  setup.exec_timeout = o.exec_timeout;
  setup.exec_max_bytes = o.exec_max_bytes;
  setup.balance = o.balance;
  setup.two_pass = o.balance || setup.mode == Mode::mixup;

  if (setup.mode == Mode::eda) {
    DQPREP_ASSIGN_OR_RETURN(std::vector<eda::Op> ops, eda::parse_ops(o.ops));
    setup.ops = ops;
  } else if (setup.mode == Mode::adversarial && !o.char_rate_flag->count() && !o.alpha_flag->count()) {
    // --synonyms replaces WordNet for the attack too
  } else if (o.synonyms_flag->count() || o.char_rate_flag->count() || o.alpha_flag->count()) {
    return Status::usage("--alpha, --char-rate and --synonyms apply to the text operations (--ops) only");
  }
  if (setup.mode == Mode::gaussian || setup.mode == Mode::mixup) {
    DQPREP_ASSIGN_OR_RETURN(record::Path p, record::parse_path(o.numeric_field));
    setup.numeric = p;
  }

  // The fields to augment, and the role filter of chat-like formats.
  std::vector<std::string> paths = o.fields.empty() ? default_fields(o.common, setup.fields.format) : o.fields;
  const std::string& fmt = setup.fields.format.name;
  setup.role_key = !o.role_key.empty() ? o.role_key : fmt == "sharegpt" ? "from" : "role";
  std::string roles = !o.roles.empty() ? o.roles : fmt == "chat" ? "user" : fmt == "sharegpt" ? "human" : "all";
  setup.filter_roles = roles != "all";
  setup.roles = split_list(roles, EmptyItems::drop);
  if (setup.filter_roles && setup.roles.empty()) return Status::usage("--roles: give role names or 'all'");
  bool any_wildcard = false;
  for (const std::string& p : paths) {
    DQPREP_ASSIGN_OR_RETURN(record::Path path, record::parse_path(p));
    FieldSpec spec;
    spec.path = path;
    for (size_t i = 0; i < path.steps.size(); ++i) {
      if (path.steps[i].kind != record::PathStep::Kind::all) continue;
      spec.per_element = true;
      spec.array_steps.assign(path.steps.begin(), path.steps.begin() + static_cast<long>(i));
      spec.rest_steps.assign(path.steps.begin() + static_cast<long>(i) + 1, path.steps.end());
      spec.array = record::Path::from_steps(spec.array_steps);
      break;
    }
    any_wildcard |= spec.per_element;
    setup.specs.push_back(std::move(spec));
  }
  if (setup.filter_roles && !o.roles.empty() && !any_wildcard && setup.mode != Mode::gaussian &&
      setup.mode != Mode::mixup) {
    return Status::usage("--roles filters the elements of a [*] path (messages[*].content); no field path has one");
  }
  if (setup.filter_roles && !any_wildcard) setup.filter_roles = false;

  // Synonyms only when an op needs them: swap, delete and char-noise run without WordNet.
  wordnet::Synonyms synonyms;
  bool needs_synonyms = false;
  for (eda::Op op : setup.ops) needs_synonyms |= op == eda::Op::synonym || op == eda::Op::insert;
  needs_synonyms |= setup.mode == Mode::adversarial;
  if (!o.synonyms.empty()) {
    DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_file(o.synonyms));
    Result<wordnet::Synonyms> s = wordnet::Synonyms::from_json(text);
    if (!s.ok()) return Status::usage("--synonyms " + o.synonyms + ": " + s.status().message());
    synonyms = std::move(*s);
  } else if (needs_synonyms) {
    Result<wordnet::Synonyms> s = wordnet::Synonyms::load_wordnet();
    if (!s.ok()) {
      return Status::io("cannot read WordNet (" + s.status().message() +
                        "); install wordnet-base, or give --synonyms FILE");
    }
    synonyms = std::move(*s);
  }
  setup.synonyms = &synonyms;
  std::unique_ptr<augment_adversarial::Shared> adversarial;
  if (setup.mode == Mode::adversarial) {
    DQPREP_RETURN_IF_ERROR(augment_adversarial::check_fields(setup.specs.size(), any_wildcard));
    DQPREP_ASSIGN_OR_RETURN(adversarial, augment_adversarial::Shared::load(o.adversarial_options, synonyms));
    setup.adversarial = adversarial.get();
  }

  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  if (so.progress) {
    // The driver's record count would include the new records; show input bytes only.
    so.progress = [](const stream::Progress& p) { std::fputs(progress_line::text(p, false).c_str(), stderr); };
  }
  so.rejects = o.rejects;
  if (setup.mode == Mode::exec) so.batch_lines = 64;

  // Two-pass runs: the first pass reads labels (and vectors for mixup).
  Collected collected;
  collected.pool = numeric_aug::PartnerPool(o.mixup_pool, o.common.seed);
  std::unique_ptr<stream::Passes> passes;
  if (setup.two_pass) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> opened, stream::Passes::open(so, "augment"));
    passes = std::move(opened);
    DQPREP_ASSIGN_OR_RETURN(
        report::Summary pass1,
        passes->collect({[&] { return std::make_unique<CollectProcessor>(setup); },
                         [&](std::string_view state) { return consume_collected(setup, collected, state); }}));
    if (setup.balance) {
      std::optional<uint64_t> target;
      if (o.target_flag->count()) target = o.target_per_class;
      std::optional<double> ratio;
      if (o.ratio_flag->count()) ratio = o.max_ratio;
      collected.plan = balance::plan(collected.class_counts, target, ratio);
      for (size_t i = 0; i < collected.per_record.size(); ++i) {
        uint32_t c = i < collected.class_of.size() ? collected.class_of[i] : kNoClass;
        if (c == kNoClass) continue;
        uint64_t k = balance::share(collected.plan.add[c], collected.class_counts[c], collected.per_record[i]);
        collected.per_record[i] = static_cast<uint32_t>(std::min<uint64_t>(k, 0xFFFFFFFFu));
      }
    }
    setup.collected = &collected;
  }

  const stream::ProcessorFactory augmenter = [&] { return std::make_unique<AugmentProcessor>(setup); };
  DQPREP_ASSIGN_OR_RETURN(report::Summary result,
                          passes ? passes->write(augmenter) : stream::run(so, augmenter, "augment"));
  report::Summary summary = result;

  // New records are additions: the driver counted them as records out of records in.
  const report::Json& raw = summary.figures;
  auto figure = [&](const std::string& key) -> uint64_t {
    return raw.contains(key) ? raw[key].get<uint64_t>() : 0;
  };
  uint64_t augmented = figure("augmented");
  summary.in -= augmented;
  report::Json j = report::Json::object();
  j["invariant"] = "in = originals_out + rejected + quarantined; out = originals_out + augmented";
  j["originals_out"] = summary.out - augmented;
  j["augmented"] = augmented;
  j["copies"] = figure("op:copy");
  j["unchanged_variants"] = figure("unchanged_variants");
  j["duplicate_variants"] = figure("duplicate_variants");
  report::Json ops = report::Json::object();
  if (setup.mode == Mode::eda) {
    for (eda::Op op : setup.ops) ops[std::string(eda::op_name(op))] = figure("op:" + std::string(eda::op_name(op)));
  } else {
    const char* name = setup.mode == Mode::gaussian      ? "gaussian"
                       : setup.mode == Mode::mixup       ? "mixup"
                       : setup.mode == Mode::adversarial ? "adversarial"
                                                         : "exec";
    ops[name] = figure(std::string("op:") + name);
  }
  if (setup.balance) ops["copy"] = figure("op:copy");
  j["ops"] = ops;
  if (setup.mode == Mode::eda || setup.mode == Mode::exec || setup.mode == Mode::adversarial) j["no_text"] = figure("no_text");
  if (setup.mode == Mode::adversarial) j["adversarial"] = augment_adversarial::figures(raw);
  if (setup.mode == Mode::exec) {
    j["exec_requests"] = figure("exec_requests");
    j["exec_declined"] = figure("exec_declined");
  }
  if (setup.mode == Mode::mixup) {
    j["mixup_no_partner"] = figure("mixup_no_partner");
    j["mixup_pool_held"] = collected.pool.held();
  }
  if (setup.balance) {
    j["balance_target"] = collected.plan.target;
    report::Json before = report::Json::object(), after = report::Json::object();
    // Classes in order of first appearance in the input.
    for (size_t c = 0; c < collected.class_names.size(); ++c) {
      before[collected.class_names[c]] = collected.class_counts[c];
      after[collected.class_names[c]] = figure("class_out:" + std::to_string(c));
    }
    j["classes_before"] = before;
    j["classes_after"] = after;
    j["unlabeled"] = figure("unlabeled");
  }
  summary.figures = j;
  // The fixed --stats schema: the figures of another mode, or of --balance, null.
  const bool text = setup.mode == Mode::eda || setup.mode == Mode::exec || setup.mode == Mode::adversarial;
  const bool exec = setup.mode == Mode::exec, mixup = setup.mode == Mode::mixup;
  std::vector<SchemaField> schema{{"invariant"}, {"originals_out"}, {"augmented"}, {"copies"}, {"unchanged_variants"},
                                  {"duplicate_variants"}, {"ops"}};
  schema.push_back(text ? SchemaField{"no_text"} : not_applicable("no_text", "--numeric-field: no text is augmented"));
  for (const char* key : {"exec_requests", "exec_declined"}) {
    schema.push_back(exec ? SchemaField{key} : not_applicable(key, "no --exec"));
  }
  schema.push_back(setup.mode == Mode::adversarial ? SchemaField{"adversarial"}
                                                   : not_applicable("adversarial", "no --adversarial"));
  for (const char* key : {"mixup_no_partner", "mixup_pool_held"}) {
    schema.push_back(mixup ? SchemaField{key} : not_applicable(key, "no --mixup"));
  }
  for (const char* key : {"balance_target", "classes_before", "classes_after", "unlabeled"}) {
    schema.push_back(setup.balance ? SchemaField{key} : not_applicable(key, "no --balance"));
  }
  fix_schema(summary, schema, setup.keep_original ? std::vector<std::string>{} : std::vector<std::string>{"no_original"});
  summary.seconds = report::seconds_since(start);
  DQPREP_RETURN_IF_ERROR(finish(o.common, summary));
  if (!o.common.quiet) print_lines(setup, summary.figures);
  if (!o.common.quiet && setup.mode == Mode::adversarial) augment_adversarial::print_line(summary.figures["adversarial"]);
  return {};
}

}  // namespace

ExecAnswerReader::ExecAnswerReader() : text_path_(*record::parse_path("text")) {}

Status ExecAnswerReader::read(size_t number, const std::string& answer, bool& declined, std::string& text) {
  padded_.assign(answer);
  padded_.append(io::kPadding, '\0');
  std::string_view view(padded_.data(), answer.size());
  values_.clear();
  bool found = false;
  Status ok = parser_.parse(view);
  if (ok.ok()) ok = parser_.strings(text_path_, values_, found);
  if (!ok.ok() || !found) {
    return Status::io("wrote answer " + std::to_string(number + 1) + " that is not a JSON object with a string \"text\" (" +
                      (ok.ok() ? std::string("no \"text\" field") : ok.message()) + "): " + answer.substr(0, 120));
  }
  declined = values_.empty();
  if (!values_.empty()) text.assign(values_[0].text);
  return {};
}

StageRunner setup_augment(CLI::App& app) {
  auto o = std::make_shared<AugmentOptions>();
  CLI::App* sub = app.add_subcommand(
      "augment", "Add records by EDA text operations, class balancing, numeric noise, external programs");
  sub->footer(
      "Each new record is its source with the augmented text (or vector) spliced in and\n"
      "\"aug\": {\"op\", \"source_id\"} added; label and other fields are kept. Originals come first,\n"
      "each followed by its new records. Summary: in = originals_out + rejected + quarantined,\n"
      "out = originals_out + augmented. Augment the training split only (docs/augment.md).\n"
      "Fields augmented by default: text; alpaca instruction+input; chat user turns; sharegpt human\n"
      "turns; pair source; prompt-completion prompt.\n"
      "--exec protocol: one JSON request a line {\"id\",\"field\",\"variant\",\"seed\",\"text\"}, one JSON\n"
      "answer a line {\"text\": \"...\"} (null: no variant). A helper that fails, stalls or answers\n"
      "garbage ends the run with exit 4; one helper runs per worker thread.\n"
      "Example:\n"
      "  dqprep split --by stratified --out-dir splits/ data.jsonl\n"
      "  dqprep augment --ops synonym,swap --alpha 0.1 --num-aug 4 splits/train.jsonl -o train.aug.jsonl");
  add_common_options(*sub, o->common);
  o->ops_flag = sub->add_option("--ops", o->ops, "Text operations: synonym, insert, swap, delete, char-noise")
                    ->type_name("LIST")
                    ->capture_default_str();
  o->alpha_flag = sub->add_option("--alpha", o->alpha,
                                  "Share of words changed (synonym/insert/swap); deletion probability")
                      ->capture_default_str();
  o->num_aug_flag =
      sub->add_option("--num-aug", o->num_aug, "New records per original (ops mixed as EDA does)")
          ->check(whole_number())->capture_default_str();
  o->char_rate_flag =
      sub->add_option("--char-rate", o->char_rate, "char-noise: probability per letter or digit")->capture_default_str();
  o->synonyms_flag = sub->add_option("--synonyms", o->synonyms, "JSON {word: [synonyms]} instead of WordNet")
                         ->type_name("FILE");
  sub->add_option("--fields", o->fields, "Text fields to augment (repeatable; default: the format's prompts)")
      ->type_name("PATH");
  sub->add_option("--roles", o->roles,
                  "Roles whose turns are augmented in [*] paths, or all (default: chat user, sharegpt human)")
      ->type_name("LIST");
  sub->add_option("--role-key", o->role_key, "The key naming a turn's role (default: chat role, sharegpt from)")
      ->type_name("KEY");
  sub->add_flag("--no-original", o->no_original, "Write only the new records (originals to --rejects)");
  sub->add_option("--rejects", o->rejects, "With --no-original: the originals, with _reject")->type_name("FILE");
  sub->add_flag("--balance", o->balance,
                "Oversample minority classes up to the majority count exactly (two passes); a record that cannot "
                "be varied enough is copied (aug.op \"copy\")");
  o->target_flag = sub->add_option("--target-per-class", o->target_per_class,
                                   "With --balance: records per class wanted (default: the majority count)")
                       ->check(whole_number())
                       ->type_name("N");
  o->ratio_flag = sub->add_option("--max-ratio", o->max_ratio, "With --balance: at most R new records per original")
                      ->type_name("R");
  sub->add_option("--numeric-field", o->numeric_field, "An array of numbers to augment instead of the text")
      ->type_name("PATH");
  sub->add_option("--gaussian", o->gaussian, "x' = x + e, e ~ N(0, SIGMA^2) per element")->type_name("SIGMA");
  sub->add_option("--mixup", o->mixup, "x' = l*x1 + (1-l)*x2, l ~ Beta(ALPHA, ALPHA) (two passes)")
      ->type_name("ALPHA");
  sub->add_option("--mixup-labels", o->mixup_labels,
                  "hard: partner from the same class; soft: from any class, label_weights written")
      ->check(CLI::IsMember({"hard", "soft"}))
      ->capture_default_str();
  sub->add_option("--mixup-pool", o->mixup_pool, "Partner vectors kept per class and length (a seeded reservoir)")
      ->check(whole_number())
      ->capture_default_str();
  sub->add_option("--exec", o->exec, "A program (run by /bin/sh -c) that rewrites texts, JSON Lines in and out")
      ->type_name("CMD");
  sub->add_option("--exec-max-bytes", o->exec_max_bytes, "Longest answer line taken from the helper; a longer one fails the run")
      ->check(whole_number())
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 34))
      ->capture_default_str();
  sub->add_option("--exec-timeout", o->exec_timeout, "Seconds the helper may stall before the run fails")
      ->capture_default_str();
  augment_adversarial::add_flags(*sub, o->adversarial, o->adversarial_options, o->adversarial_flags);
  return [o] { return run_augment(*o); };
}

}  // namespace dqprep::stages
