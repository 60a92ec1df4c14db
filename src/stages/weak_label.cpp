// dqprep weak-label: labeling functions (keyword and regex rules) vote for a label or abstain; the
// votes are combined by majority or by Dawid-Skene.
//
// Matching: the rules reading one field are matched in one pass over its text — one Aho-Corasick
// automaton over every keyword of every keyword rule (word_matcher: case-insensitive, on word
// boundaries, every occurrence), one RE2::Set over every regex rule.
// --model majority is one streaming pass. --model dawid-skene takes two: pass 1 interns each record's
// votes (the sorted list of rules that fired) as a pattern id — 4 bytes a record — and counts the
// patterns; the model is fitted on the distinct patterns weighted by their counts (the same model as
// on every record); pass 2 writes each record with its pattern's label.
#include <re2/re2.h>
#include <re2/set.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "dqprep/labels/dawid_skene.hpp"
#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/io/state_bytes.hpp"
#include "dqprep/text/word_matcher.hpp"
#include "stages/stages.hpp"
#include "stages/weak_label_rules.hpp"

namespace dqprep::stages {

namespace {

using weak_label::Group;
using weak_label::kBadRecord;
using weak_label::Label;
using weak_label::load_rules;
using weak_label::Rule;
using weak_label::RuleSet;

struct WeakLabelOptions {
  CommonOptions common;
  std::string rules;
  std::string model = "majority";
  std::string unlabeled;
  bool keep_unlabeled = false;
  std::string confidence_field = "label_confidence";
  std::string gold_field;
  bool analysis = false;
  int max_iterations = 100;
};

constexpr uint32_t kNoRecord = UINT32_MAX;  // record_pattern of a malformed line
constexpr int32_t kNoGold = -1;
constexpr int32_t kOtherGold = -2;  // a gold label no rule votes for

struct Setup {
  Fields fields;
  RuleSet rules;
  std::string label_key;
  std::string confidence_key;
  std::optional<record::Path> gold;
  bool keep_unlabeled = false;
  bool collect = false;  // hand each record's votes to the consumer (--analysis, dawid-skene)
  std::vector<std::string> class_figures;  // "class:<label>" per label: per-class counts
  // Dawid-Skene, between the passes: per record its pattern; per pattern the decision.
  std::vector<uint32_t> record_pattern;
  std::vector<int32_t> pattern_label;  // kNotRated: no label (no vote, or a tie)
  std::vector<double> pattern_confidence;
  std::vector<uint8_t> pattern_tied;
};

// Per-thread matching and writing.
class Voter {
 public:
  explicit Voter(const Setup& setup)
      : setup_(setup), stamp_(setup.rules.rules.size(), 0), counts_(setup.rules.labels.size(), 0) {}

  record::Parser& parser() { return parser_; }

  // The sorted ids of the rules that vote on the parsed record.
  Status vote(std::vector<uint16_t>& fired) {
    fired.clear();
    ++round_;
    for (const Group& g : setup_.rules.groups) {
      if (g.field) {
        strings_.clear();
        bool found = false;
        DQPREP_RETURN_IF_ERROR(parser_.strings(*g.field, strings_, found));
        if (strings_.empty()) continue;  // missing or null: its rules abstain
        text_.clear();
        for (size_t i = 0; i < strings_.size(); ++i) {
          if (i) text_.push_back('\n');
          text_.append(strings_[i].text);
        }
      } else {
        DQPREP_RETURN_IF_ERROR(joined_text(parser_, setup_.fields.text, strings_, text_));
      }
      if (g.keywords) {
        hits_.clear();
        g.keywords->find_all(text_, hits_);
        for (const word_matcher::Hit& h : hits_)
          for (uint16_t r : g.entry_rules[h.entry]) fire(r, fired);
      }
      if (g.regexes) {
        matched_.clear();
        RE2::Set::ErrorInfo info;
        if (g.regexes->Match(text_, &matched_, &info)) {
          for (int m : matched_) fire(g.regex_rules[static_cast<size_t>(m)], fired);
        } else if (info.kind != RE2::Set::kNoError) {
          // The DFA ran out of memory on this text: one regex at a time (slower, same answer).
          for (size_t m = 0; m < g.each_regex.size(); ++m)
            if (RE2::PartialMatch(text_, *g.each_regex[m])) fire(g.regex_rules[m], fired);
        }
      }
    }
    std::sort(fired.begin(), fired.end());
    return {};
  }

  struct Decision {
    int32_t label = agreement::kNotRated;
    double confidence = 0;
    bool tied = false;
  };

  // Majority vote: the label with the most votes; a tie abstains.
  Decision majority(const std::vector<uint16_t>& fired) {
    Decision d;
    if (fired.empty()) return d;
    for (uint16_t r : fired) ++counts_[static_cast<size_t>(setup_.rules.rules[r].label)];
    uint32_t best = 0;
    int32_t best_label = agreement::kNotRated;
    for (uint16_t r : fired) {
      auto l = setup_.rules.rules[r].label;
      uint32_t c = counts_[static_cast<size_t>(l)];
      if (c > best) {
        best = c;
        best_label = l;
        d.tied = false;
      } else if (c == best && l != best_label) {
        d.tied = true;
      }
    }
    for (uint16_t r : fired) counts_[static_cast<size_t>(setup_.rules.rules[r].label)] = 0;
    if (!d.tied) {
      d.label = best_label;
      d.confidence = static_cast<double>(best) / static_cast<double>(fired.size());
    }
    return d;
  }

  // The gold label of the parsed record: a label id, kOtherGold, or kNoGold.
  Status gold(int32_t& id) {
    id = kNoGold;
    if (!setup_.gold) return {};
    std::optional<std::string_view> g;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(*setup_.gold, g));
    if (!g) return {};
    gold_text_.assign(*g);
    auto it = setup_.rules.label_ids.find(gold_text_);
    id = it == setup_.rules.label_ids.end() ? kOtherGold : it->second;
    return {};
  }

  // Writes the parsed record with its decision, or sends it to --unlabeled.
  Status emit(const stream::Line& line, const Decision& d, int32_t gold, stream::Emitter& out) {
    if (gold != kNoGold) {
      out.count("gold_records");
      if (d.label >= 0) {
        out.count("gold_labeled");
        if (gold == d.label) out.count("gold_correct");
      }
    }
    if (d.label < 0) {
      const char* reason = d.tied ? "tied" : "unlabeled";
      out.count(reason);
      if (!setup_.keep_unlabeled) {
        out.reject(line.text, reason);
        return {};
      }
    } else {
      out.count("labeled");
      out.count(setup_.class_figures[static_cast<size_t>(d.label)]);
    }
    edits_.clear();
    value_.clear();
    if (d.label >= 0) {
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, setup_.label_key,
                                                   setup_.rules.labels[static_cast<size_t>(d.label)].json, edits_));
      json_text::append_number(value_, d.confidence);
    } else {
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, setup_.label_key, "null", edits_));
      value_ = "null";
    }
    DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, setup_.confidence_key, value_, edits_));
    record::apply_edits(line.text, edits_, edited_);
    out.keep(edited_);
    return {};
  }

 private:
  void fire(uint16_t rule, std::vector<uint16_t>& fired) {
    if (stamp_[rule] == round_) return;
    stamp_[rule] = round_;
    fired.push_back(rule);
  }

  const Setup& setup_;
  record::Parser parser_;
  std::vector<record::StringValue> strings_;
  std::string text_, gold_text_, value_, edited_;
  std::vector<word_matcher::Hit> hits_;
  std::vector<int> matched_;
  std::vector<uint64_t> stamp_;
  uint64_t round_ = 0;
  std::vector<uint32_t> counts_;
  std::vector<record::Edit> edits_;
};

// Appends a record's votes to the state: index, count (kBadRecord for a malformed line), rule ids,
// gold id.
void put_votes(std::string& s, uint64_t index, uint16_t n, const std::vector<uint16_t>& fired, int32_t gold) {
  state_bytes::put(s, index);
  state_bytes::put(s, n);
  if (n == kBadRecord) return;
  state_bytes::put_array<uint16_t>(s, fired);
  state_bytes::put(s, gold);
}

// --model majority: the only pass.
class MajorityProcessor : public stream::RecordProcessor {
 public:
  explicit MajorityProcessor(const Setup& setup) : setup_(setup), voter_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    Status s = read(line);
    if (!s.ok()) {
      if (setup_.collect) put_votes(out.state(), line.index, kBadRecord, fired_, kNoGold);
      return s;
    }
    if (setup_.collect) put_votes(out.state(), line.index, static_cast<uint16_t>(fired_.size()), fired_, gold_);
    if (!fired_.empty()) out.count("voted");
    return voter_.emit(line, voter_.majority(fired_), gold_, out);
  }

 private:
  Status read(const stream::Line& line) {
    DQPREP_RETURN_IF_ERROR(voter_.parser().parse(line.text));
    DQPREP_RETURN_IF_ERROR(voter_.vote(fired_));
    return voter_.gold(gold_);
  }

  const Setup& setup_;
  Voter voter_;
  std::vector<uint16_t> fired_;
  int32_t gold_ = kNoGold;
};

// --model dawid-skene, pass 1: votes only.
class CollectProcessor : public stream::RecordProcessor {
 public:
  explicit CollectProcessor(const Setup& setup) : voter_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    int32_t gold = kNoGold;
    Status s = voter_.parser().parse(line.text);
    if (s.ok()) s = voter_.vote(fired_);
    if (s.ok()) s = voter_.gold(gold);
    if (!s.ok()) {
      put_votes(out.state(), line.index, kBadRecord, fired_, kNoGold);
      return s;
    }
    put_votes(out.state(), line.index, static_cast<uint16_t>(fired_.size()), fired_, gold);
    return {};
  }

 private:
  Voter voter_;
  std::vector<uint16_t> fired_;
};

// --model dawid-skene, pass 2: each record gets its pattern's decision.
class WriteProcessor : public stream::RecordProcessor {
 public:
  explicit WriteProcessor(const Setup& setup) : setup_(setup), voter_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    if (line.index >= setup_.record_pattern.size()) return Status::io("the input changed between passes");
    uint32_t p = setup_.record_pattern[line.index];
    DQPREP_RETURN_IF_ERROR(voter_.parser().parse(line.text));
    if (p == kNoRecord) {
      // Malformed in pass 1: the same error again, for --on-error.
      DQPREP_RETURN_IF_ERROR(voter_.vote(fired_));
      int32_t gold = kNoGold;
      DQPREP_RETURN_IF_ERROR(voter_.gold(gold));
      return Status::io("the input changed between passes");
    }
    int32_t gold = kNoGold;
    DQPREP_RETURN_IF_ERROR(voter_.gold(gold));
    Voter::Decision d;
    d.label = setup_.pattern_label[p];
    d.confidence = setup_.pattern_confidence[p];
    d.tied = setup_.pattern_tied[p] != 0;
    if (d.label >= 0 || d.tied) out.count("voted");
    return voter_.emit(line, d, gold, out);
  }

 private:
  const Setup& setup_;
  Voter voter_;
  std::vector<uint16_t> fired_;
};

// What the consumer learns from the votes, in input order: per-rule analysis counts and, for
// Dawid-Skene, the patterns.
struct Tally {
  Tally(const Setup& for_setup, bool interning)
      : setup(for_setup),
        intern(interning),
        coverage(for_setup.rules.rules.size()),
        overlaps(coverage.size()),
        conflicts(coverage.size()),
        correct(coverage.size()),
        incorrect(coverage.size()) {}

  Status consume(std::string_view state) {
    state_bytes::Reader in(state);
    while (!in.done()) {
      const auto index = in.get<uint64_t>();
      const auto n = in.get<uint16_t>();
      if (intern && index > patterns_of.size()) patterns_of.resize(index, kNoRecord);
      if (n == kBadRecord) {
        if (intern) patterns_of.push_back(kNoRecord);
        continue;
      }
      std::string_view ids = in.get_raw(size_t{n} * sizeof(uint16_t));
      const auto gold = in.get<int32_t>();
      ++records;
      const auto* fired = reinterpret_cast<const unsigned char*>(ids.data());
      auto rule_at = [&](size_t j) {
        uint16_t r;
        std::memcpy(&r, fired + j * sizeof r, sizeof r);
        return r;
      };
      bool conflicted = false;
      for (size_t j = 1; j < n && !conflicted; ++j)
        conflicted = setup.rules.rules[rule_at(j)].label != setup.rules.rules[rule_at(0)].label;
      for (size_t j = 0; j < n; ++j) {
        uint16_t r = rule_at(j);
        ++coverage[r];
        if (n > 1) ++overlaps[r];
        if (conflicted) ++conflicts[r];
        if (gold == kNoGold) continue;
        if (gold == setup.rules.rules[r].label) {
          ++correct[r];
        } else {
          ++incorrect[r];
        }
      }
      if (!intern) continue;
      auto [it, fresh] = pattern_ids.emplace(std::string(ids), static_cast<uint32_t>(weights.size()));
      if (fresh) {
        for (size_t j = 0; j < n; ++j) {
          uint16_t r = rule_at(j);
          ratings.votes.push_back({r, setup.rules.rules[r].label});
        }
        ratings.offsets.push_back(ratings.votes.size());
        weights.push_back(0);
      }
      weights[it->second] += 1;
      patterns_of.push_back(it->second);
    }
    return {};
  }
  const Setup& setup;
  bool intern;
  uint64_t records = 0;  // well-formed records
  std::vector<uint64_t> coverage, overlaps, conflicts, correct, incorrect;
  // Dawid-Skene.
  std::unordered_map<std::string, uint32_t> pattern_ids;  // the rule ids' bytes -> pattern
  dawid_skene::SparseRatings ratings;
  std::vector<double> weights;
  std::vector<uint32_t> patterns_of;  // per record
};

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

report::Json analysis_json(const Setup& setup, const Tally& t, const dawid_skene::Model* model) {
  report::Json rows = report::Json::array();
  double n = static_cast<double>(t.records);
  for (size_t r = 0; r < setup.rules.rules.size(); ++r) {
    const Rule& rule = setup.rules.rules[r];
    report::Json row;
    row["name"] = rule.name;
    row["label"] = setup.rules.labels[static_cast<size_t>(rule.label)].text;
    row["votes"] = t.coverage[r];
    row["coverage"] = n > 0 ? report::Json(t.coverage[r] / n) : report::Json(nullptr);
    row["overlaps"] = n > 0 ? report::Json(t.overlaps[r] / n) : report::Json(nullptr);
    row["conflicts"] = n > 0 ? report::Json(t.conflicts[r] / n) : report::Json(nullptr);
    if (setup.gold) {
      row["correct"] = t.correct[r];
      row["incorrect"] = t.incorrect[r];
      uint64_t judged = t.correct[r] + t.incorrect[r];
      row["accuracy"] = judged ? report::Json(static_cast<double>(t.correct[r]) / static_cast<double>(judged))
                               : report::Json(nullptr);
    }
    if (model) {
      const auto& a = r < model->accuracies.size() ? model->accuracies[r] : std::nullopt;
      row["estimated_accuracy"] = a ? report::Json(*a) : report::Json(nullptr);
    }
    rows.push_back(row);
  }
  return rows;
}

void print_analysis(const report::Json& rows, bool gold, bool model) {
  size_t name_w = 4, label_w = 5;
  for (const auto& row : rows) {
    name_w = std::max(name_w, row["name"].get<std::string>().size());
    label_w = std::max(label_w, row["label"].get<std::string>().size());
  }
  auto num = [](const report::Json& v, int digits) { return v.is_null() ? std::string("-") : fixed(v.get<double>(), digits); };
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-*s  %-*s  %8s  %8s  %9s", static_cast<int>(name_w), "rule", static_cast<int>(label_w),
                "label", "coverage", "overlaps", "conflicts");
  out += buf;
  if (gold) out += "  correct  incorrect  accuracy";
  if (model) out += "  estimated_accuracy";
  out += "\n";
  for (const auto& row : rows) {
    std::snprintf(buf, sizeof buf, "%-*s  %-*s  %8s  %8s  %9s", static_cast<int>(name_w),
                  row["name"].get<std::string>().c_str(), static_cast<int>(label_w), row["label"].get<std::string>().c_str(),
                  num(row["coverage"], 3).c_str(), num(row["overlaps"], 3).c_str(), num(row["conflicts"], 3).c_str());
    out += buf;
    if (gold) {
      std::snprintf(buf, sizeof buf, "  %7llu  %9llu  %8s", static_cast<unsigned long long>(row["correct"].get<uint64_t>()),
                    static_cast<unsigned long long>(row["incorrect"].get<uint64_t>()), num(row["accuracy"], 3).c_str());
      out += buf;
    }
    if (model) {
      std::snprintf(buf, sizeof buf, "  %18s", num(row["estimated_accuracy"], 3).c_str());
      out += buf;
    }
    out += "\n";
  }
  std::fputs(out.c_str(), stderr);
}

Result<std::string> top_level_key(const std::string& path, const char* flag) {
  DQPREP_ASSIGN_OR_RETURN(record::Path p, record::parse_path(path));
  if (!p.is_top_level_key())
    return Status::usage(std::string(flag) + " must name a top-level field for weak-label, not '" + path + "'");
  return p.steps[0].key;
}

Status run_weak_label(const WeakLabelOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.max_iterations < 1) return Status::usage("--max-iterations must be at least 1");
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  Setup setup;
  setup.fields = fields;
  DQPREP_ASSIGN_OR_RETURN(std::string label_key, top_level_key(o.common.label_field, "--label-field"));
  setup.label_key = label_key;
  DQPREP_ASSIGN_OR_RETURN(std::string confidence_key, top_level_key(o.confidence_field, "--confidence-field"));
  setup.confidence_key = confidence_key;
  if (setup.confidence_key == setup.label_key)
    return Status::usage("--confidence-field must differ from --label-field");
  if (!o.gold_field.empty()) {
    DQPREP_ASSIGN_OR_RETURN(record::Path gold, record::parse_path(o.gold_field));
    setup.gold = gold;
  }
  DQPREP_ASSIGN_OR_RETURN(RuleSet rules, load_rules(o.rules));
  setup.rules = std::move(rules);
  for (const Label& l : setup.rules.labels) setup.class_figures.push_back("class:" + l.text);
  setup.keep_unlabeled = o.keep_unlabeled;
  const bool ds = o.model == "dawid-skene";
  setup.collect = o.analysis || ds;

  DQPREP_ASSIGN_OR_RETURN(stream::Options base, stream_options(o.common));
  Tally tally(setup, ds);
  dawid_skene::Model model;
  report::Summary summary;
  if (!ds) {
    stream::Options only = base;
    only.rejects = o.unlabeled;
    if (setup.collect) only.consume_state = [&](std::string_view s) { return tally.consume(s); };
    DQPREP_ASSIGN_OR_RETURN(
        report::Summary run,
        stream::run(only, [&] { return std::make_unique<MajorityProcessor>(setup); }, "weak-label"));
    summary = std::move(run);
  } else {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> passes, open_passes(o.common, "weak-label", o.unlabeled));
    // Pass 1: votes.
    DQPREP_ASSIGN_OR_RETURN(report::Summary pass1, passes->collect(
        {[&] { return std::make_unique<CollectProcessor>(setup); }, [&](std::string_view s) { return tally.consume(s); }}));

    tally.ratings.num_annotators = setup.rules.rules.size();
    tally.ratings.num_categories = static_cast<int32_t>(setup.rules.labels.size());
    tally.ratings.weights = tally.weights;
    tally.ratings.abstain_is_output = true;
    dawid_skene::Options ds_options;
    ds_options.max_iterations = o.max_iterations;
    model = dawid_skene::fit(tally.ratings, ds_options);
    if (model.note.empty() && !model.converged)
      spdlog::warn("weak-label: Dawid-Skene did not converge in {} iterations (--max-iterations)", model.iterations);
    size_t patterns = tally.weights.size(), k = setup.rules.labels.size();
    setup.pattern_label.assign(patterns, agreement::kNotRated);
    setup.pattern_confidence.assign(patterns, 0.0);
    setup.pattern_tied.assign(patterns, 0);
    if (model.note.empty()) {
      for (size_t p = 0; p < patterns; ++p) {
        if (tally.ratings.offsets[p + 1] == tally.ratings.offsets[p]) continue;  // no vote: unlabeled
        const double* post = &model.posteriors[p * k];
        int32_t best = model.consensus.labels[p];
        bool tied = false;
        for (size_t t = 0; t < k; ++t)
          if (static_cast<int32_t>(t) != best && post[t] == post[best]) tied = true;
        if (tied) {
          setup.pattern_tied[p] = 1;
          continue;
        }
        setup.pattern_label[p] = best;
        setup.pattern_confidence[p] = model.consensus.confidence[p];
      }
    }
    setup.record_pattern = std::move(tally.patterns_of);

    DQPREP_ASSIGN_OR_RETURN(report::Summary pass2,
                            passes->write([&] { return std::make_unique<WriteProcessor>(setup); }));
    summary = std::move(pass2);
    summary.seconds = report::seconds_since(start);
  }

  // Figures: flat keys; per-class counts under "classes".
  report::Json& f = summary.figures;
  report::Json counted = f;
  f = report::Json::object();
  f["model"] = o.model;
  f["rule_count"] = setup.rules.rules.size();
  auto count = [&](const char* key) -> uint64_t { return counted.contains(key) ? counted[key].get<uint64_t>() : 0; };
  uint64_t labeled = count("labeled"), unlabeled = count("unlabeled"), tied = count("tied");
  uint64_t records = labeled + unlabeled + tied;
  f["labeled"] = labeled;
  f["unlabeled"] = unlabeled;
  f["tied"] = tied;
  if (records) f["coverage"] = static_cast<double>(count("voted")) / static_cast<double>(records);
  else set_null(f, "coverage", "no records");
  if (setup.gold) {
    uint64_t judged = count("gold_labeled"), right = count("gold_correct");
    f["gold_records"] = count("gold_records");
    f["gold_labeled"] = judged;
    f["gold_correct"] = right;
    if (judged) f["accuracy"] = static_cast<double>(right) / static_cast<double>(judged);
    else set_null(f, "accuracy", "no record has both a gold label and a model label");
  }
  if (ds) {
    f["patterns"] = tally.weights.size();
    f["iterations"] = model.iterations;
    f["converged"] = model.converged;
    if (!model.note.empty()) {
      if (!f.contains("notes")) f["notes"] = report::Json::object();
      f["notes"]["model"] = model.note;
    }
    report::Json priors = report::Json::object();
    for (size_t c = 0; c < model.class_priors.size(); ++c) priors[setup.rules.labels[c].text] = model.class_priors[c];
    f["class_priors"] = priors;
  }
  report::Json classes = report::Json::object();
  for (size_t c = 0; c < setup.rules.labels.size(); ++c) classes[setup.rules.labels[c].text] = count(setup.class_figures[c].c_str());
  f["classes"] = classes;
  if (o.analysis) {
    report::Json rows = analysis_json(setup, tally, ds ? &model : nullptr);
    f["rules_analysis"] = rows;
    if (!o.common.quiet) print_analysis(rows, setup.gold.has_value(), ds);
  }
  // The fixed --stats schema: the figures of --gold-field, of dawid-skene and of --analysis null
  // without them.
  std::vector<SchemaField> schema{{"model"}, {"rule_count"}, {"labeled"}, {"unlabeled"}, {"tied"}, {"coverage"}};
  for (const char* key : {"gold_records", "gold_labeled", "gold_correct", "accuracy"}) {
    schema.push_back(setup.gold ? SchemaField{key} : not_applicable(key, "no --gold-field"));
  }
  for (const char* key : {"patterns", "iterations", "converged", "class_priors"}) {
    schema.push_back(ds ? SchemaField{key} : not_applicable(key, "--model is not dawid-skene"));
  }
  schema.push_back({"classes"});
  schema.push_back(o.analysis ? SchemaField{"rules_analysis"} : not_applicable("rules_analysis", "no --analysis"));
  fix_schema(summary, schema,
             setup.keep_unlabeled ? std::vector<std::string>{} : std::vector<std::string>{"tied", "unlabeled"});
  return finish(o.common, summary);
}

}  // namespace

StageRunner setup_weak_label(CLI::App& app) {
  auto o = std::make_shared<WeakLabelOptions>();
  CLI::App* sub = app.add_subcommand("weak-label", "Label records with keyword and regex rules, combined by vote or Dawid-Skene");
  sub->footer(
      "Rules file: a JSON array of {\"name\", \"label\", \"keywords\": [...]} (case-insensitive, on word\n"
      "boundaries, phrases allowed) or {\"name\", \"label\", \"regex\": \"...\"} (RE2), each with an optional\n"
      "\"field\" (a path; default the format's text). A rule votes for its label when it matches, else abstains.\n"
      "The label goes to --label-field with its confidence in --confidence-field; records no rule labels\n"
      "(or with tied votes) go to --unlabeled unchanged, or stay with null labels under --keep-unlabeled.\n"
      "Example:\n"
      "  dqprep weak-label --rules rules.json --model dawid-skene --analysis --unlabeled todo.jsonl in.jsonl -o labeled.jsonl");
  add_common_options(*sub, o->common);
  sub->add_option("--rules", o->rules, "JSON list of labeling functions")->type_name("FILE")->required();
  sub->add_option("--model", o->model, "How votes combine: majority (ties abstain) or dawid-skene")
      ->check(CLI::IsMember({"majority", "dawid-skene"}))
      ->capture_default_str();
  CLI::Option* unlabeled =
      sub->add_option("--unlabeled", o->unlabeled, "Where records without a label go (unchanged)")->type_name("FILE");
  sub->add_flag("--keep-unlabeled", o->keep_unlabeled, "Keep records without a label, with null label and confidence")
      ->excludes(unlabeled);
  sub->add_option("--confidence-field", o->confidence_field,
                  "Top-level field for the confidence (majority: winning share of votes; dawid-skene: posterior)")
      ->capture_default_str();
  sub->add_option("--gold-field", o->gold_field, "Gold labels to evaluate against (accuracy in the summary)")
      ->type_name("PATH");
  sub->add_flag("--analysis", o->analysis,
                "Per rule: coverage, overlaps, conflicts, accuracy against gold (table on stderr, rules_analysis in --stats)");
  sub->add_option("--max-iterations", o->max_iterations, "EM rounds at most (dawid-skene)")->capture_default_str();
  return [o] { return run_weak_label(*o); };
}

}  // namespace dqprep::stages
