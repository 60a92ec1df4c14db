// dqprep sample: a seeded stratified random sample, sized for a margin of error. With --review
// it is a review sheet: each sampled record gets its stratum and weight (_sample) and empty
// verdict columns for reviewers, which `label-check --review` reads back.
//
// Pass 1 finds each record's stratum and a random key (XXH3 of the seed and the record's
// position); the sample of a stratum is its n_h smallest keys. Pass 2 writes the records whose key
// is within their stratum's cut, in input order; the others go to --rest.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

#include "dqprep/io/json_text.hpp"
#include "dqprep/io/state_bytes.hpp"
#include "dqprep/util/hash.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

struct SampleOptions {
  CommonOptions common;
  std::vector<std::string> by;
  uint64_t n = 0;
  CLI::Option* n_opt = nullptr;
  double margin = 0.05;
  double confidence = 0.95;
  uint64_t min_per_stratum = 10;
  bool review = false;
  std::string rest;
};

struct Setup {
  std::vector<record::Path> by;       // empty: the default strata (label and automatic flag)
  record::Path label;
  bool review = false;
  uint64_t seed = 0;
};

// A position's key: the sample of a stratum is its records of smallest (key, position).
uint64_t sample_key(uint64_t seed, uint64_t position) {
  std::string bytes(16, '\0');
  std::memcpy(bytes.data(), &seed, 8);
  std::memcpy(bytes.data() + 8, &position, 8);
  return hash::xxh3_64(bytes, 0x73616d70);
}

// The automatic flag a record carries from an earlier stage: the rule of its _reject (filter,
// dedup, label-check --rejects files), a label issue (label-check --mark/--explain), a duplicate
// (dedup --mark), or none.
Status record_flag(record::Parser& parser, std::string& flag) {
  static const record::Path reject_rule = *record::parse_path("_reject.rule");
  static const record::Path label_issue = *record::parse_path("_label_issue");
  static const record::Path dup_of = *record::parse_path("dup_of");
  std::optional<std::string_view> value;
  DQPREP_RETURN_IF_ERROR(parser.scalar_text(reject_rule, value));
  if (value && !value->empty()) {
    flag = *value;
    return {};
  }
  std::optional<std::string_view> raw;
  DQPREP_RETURN_IF_ERROR(parser.raw_value(label_issue, raw));
  if (raw && *raw != "null") {
    flag = "label_issue";
    return {};
  }
  DQPREP_RETURN_IF_ERROR(parser.raw_value(dup_of, raw));
  flag = raw && *raw != "null" && *raw != "\"\"" ? "duplicate" : "none";
  return {};
}

// The stratum's name: the values of --by joined with " | ", or the label and the flag.
Status stratum_of(const Setup& setup, record::Parser& parser, std::string& name, std::string& flag) {
  name.clear();
  flag.clear();
  std::optional<std::string_view> value;
  if (setup.by.empty()) {
    DQPREP_RETURN_IF_ERROR(parser.scalar_text(setup.label, value));
    name = value ? std::string(*value) : "(no label)";
    DQPREP_RETURN_IF_ERROR(record_flag(parser, flag));
    name += " | ";
    name += flag;
    return {};
  }
  for (size_t i = 0; i < setup.by.size(); ++i) {
    DQPREP_RETURN_IF_ERROR(parser.scalar_text(setup.by[i], value));
    if (i) name += " | ";
    name += value ? std::string(*value) : "(missing)";
  }
  return record_flag(parser, flag);
}

class StratumProcessor : public stream::RecordProcessor {
 public:
  explicit StratumProcessor(const Setup& setup) : setup_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    DQPREP_RETURN_IF_ERROR(stratum_of(setup_, parser_, name_, flag_));
    state_bytes::put(out.state(), line.index);
    state_bytes::put_bytes(out.state(), name_);
    return {};
  }

 private:
  const Setup& setup_;
  record::Parser parser_;
  std::string name_, flag_;
};

struct Stratum {
  std::vector<std::pair<uint64_t, uint64_t>> keys;  // (key, position); after planning, cleared
  uint64_t size = 0;
  uint64_t sampled = 0;
  std::pair<uint64_t, uint64_t> cut{0, 0};  // the largest (key, position) sampled
};

struct Plan {
  std::map<std::string, Stratum> strata;  // by name: reports list them sorted
  uint64_t records = 0;
};

// The normal quantile of a two-sided confidence level (Acklam's rational approximation, good to
// 1e-9: more than enough for a sample size).
double z_of(double confidence) {
  double p = 1 - (1 - confidence) / 2;
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01,  -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  if (p > 0.97575) {
    double q = std::sqrt(-2 * std::log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Cochran's sample size for a proportion at its worst (p = 0.5), with the finite population
// correction: n0 = z^2 / (4 e^2), n = n0 / (1 + (n0 - 1) / N).
uint64_t size_for_margin(double margin, double confidence, uint64_t population) {
  double z = z_of(confidence);
  double n0 = z * z / (4 * margin * margin);
  double n = n0 / (1 + (n0 - 1) / static_cast<double>(population));
  return std::min<uint64_t>(population, static_cast<uint64_t>(std::ceil(n - 1e-9)));
}

// Proportional allocation by largest remainder, each stratum raised to min(size, floor).
void allocate(Plan& plan, uint64_t total, uint64_t floor) {
  std::vector<std::pair<double, Stratum*>> remainders;
  uint64_t given = 0;
  for (auto& [name, s] : plan.strata) {
    double exact = static_cast<double>(total) * static_cast<double>(s.size) / static_cast<double>(plan.records);
    s.sampled = static_cast<uint64_t>(exact);
    given += s.sampled;
    remainders.push_back({exact - static_cast<double>(s.sampled), &s});
  }
  // Ties keep the name order (std::map), so the allocation does not depend on anything else.
  std::stable_sort(remainders.begin(), remainders.end(), [](auto& x, auto& y) { return x.first > y.first; });
  for (size_t i = 0; given < total && i < remainders.size(); ++i, ++given) ++remainders[i].second->sampled;
  for (auto& [name, s] : plan.strata) s.sampled = std::min(s.size, std::max(s.sampled, floor));
}

class SampleProcessor : public stream::RecordProcessor {
 public:
  SampleProcessor(const Setup& setup, const Plan& plan) : setup_(setup), plan_(plan) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    DQPREP_RETURN_IF_ERROR(stratum_of(setup_, parser_, name_, flag_));
    auto it = plan_.strata.find(name_);
    if (it == plan_.strata.end()) return Status::io("the input changed between passes (a new stratum: " + name_ + ")");
    const Stratum& s = it->second;
    std::pair<uint64_t, uint64_t> key{sample_key(setup_.seed, line.index), line.index};
    if (s.sampled == 0 || key > s.cut) {
      out.reject(line.text, "not_sampled");
      return {};
    }
    if (!setup_.review) {
      out.keep(line.text);
      return {};
    }
    edits_.clear();
    value_ = "{\"stratum\":";
    json_text::append_string(value_, name_);
    value_ += ",\"flag\":";
    json_text::append_string(value_, flag_);
    value_ += ",\"stratum_size\":";
    json_text::append_number(value_, s.size);
    value_ += ",\"stratum_sampled\":";
    json_text::append_number(value_, s.sampled);
    value_ += '}';
    DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "_sample", value_, edits_));
    for (const char* column : {"verdict", "correct_label", "reviewer"}) {
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, column, "\"\"", edits_));
    }
    record::apply_edits(line.text, edits_, edited_);
    out.keep(edited_);
    return {};
  }

 private:
  const Setup& setup_;
  const Plan& plan_;
  record::Parser parser_;
  std::string name_, flag_, value_, edited_;
  std::vector<record::Edit> edits_;
};

Status run_sample(const SampleOptions& o) {
  if (!(o.margin > 0 && o.margin < 1)) return Status::usage("--margin must be between 0 and 1 (exclusive)");
  if (!(o.confidence > 0 && o.confidence < 1)) return Status::usage("--confidence must be between 0 and 1 (exclusive)");
  Setup setup;
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  setup.label = fields.label;
  setup.review = o.review;
  setup.seed = o.common.seed;
  for (const std::string& p : o.by) {
    Result<record::Path> path = record::parse_path(p);
    if (!path.ok()) return Status::usage("--by " + p + ": " + path.status().message());
    setup.by.push_back(*path);
  }

  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> passes, open_passes(o.common, "sample", o.rest));
  Plan plan;
  std::unordered_map<std::string, Stratum*> by_name;
  DQPREP_ASSIGN_OR_RETURN(
      report::Summary pass1,
      passes->collect({[&] { return std::make_unique<StratumProcessor>(setup); }, [&](std::string_view state) -> Status {
                         state_bytes::Reader r(state);
                         while (!r.done()) {
                           uint64_t position = r.get<uint64_t>();
                           std::string_view name = r.get_bytes();
                           auto it = by_name.find(std::string(name));
                           if (it == by_name.end()) {
                             Stratum* s = &plan.strata[std::string(name)];
                             it = by_name.emplace(std::string(name), s).first;
                           }
                           it->second->keys.push_back({sample_key(setup.seed, position), position});
                           ++it->second->size;
                           ++plan.records;
                         }
                         return {};
                       }}));
  (void)pass1;

  uint64_t target = 0;
  if (plan.records > 0) {
    target = o.n_opt->count() ? std::min(o.n, plan.records) : size_for_margin(o.margin, o.confidence, plan.records);
    allocate(plan, target, o.min_per_stratum);
  }
  for (auto& [name, s] : plan.strata) {
    if (s.sampled > 0) {
      auto nth = s.keys.begin() + static_cast<std::ptrdiff_t>(s.sampled - 1);
      std::nth_element(s.keys.begin(), nth, s.keys.end());
      s.cut = *nth;
    }
    std::vector<std::pair<uint64_t, uint64_t>>().swap(s.keys);
  }

  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          passes->write([&] { return std::make_unique<SampleProcessor>(setup, plan); }));
  report::Json& f = summary.figures;
  f["sample_target"] = target;
  f["sized_by"] = o.n_opt->count() ? "n" : "margin";
  if (!o.n_opt->count()) {
    f["margin"] = o.margin;
    f["confidence"] = o.confidence;
  }
  f["min_per_stratum"] = o.min_per_stratum;
  report::Json strata = report::Json::object();
  for (const auto& [name, s] : plan.strata) strata[name] = {{"size", s.size}, {"sampled", s.sampled}};
  f["strata"] = strata;
  const bool by_n = o.n_opt->count() > 0;
  fix_schema(summary,
             {{"sample_target"}, {"sized_by"},
              by_n ? not_applicable("margin", "sized by --n") : SchemaField{"margin"},
              by_n ? not_applicable("confidence", "sized by --n") : SchemaField{"confidence"},
              {"min_per_stratum"}, {"strata", report::Json::object()}},
             {"not_sampled"});
  return finish(o.common, summary);
}

}  // namespace

StageRunner setup_sample(CLI::App& app) {
  auto o = std::make_shared<SampleOptions>();
  CLI::App* sub = app.add_subcommand("sample", "A seeded stratified random sample, sized for a margin of error (--review: a review sheet)");
  sub->footer(
      "Strata: by default the label and the automatic flag a record carries (_reject.rule, label_issue from\n"
      "_label_issue, duplicate from dup_of, else none); --by PATH (repeatable) takes these fields' values instead.\n"
      "Size: --n N, or Cochran's n for --margin at --confidence (p = 0.5, finite population corrected),\n"
      "allocated in proportion to the strata, each raised to --min-per-stratum (or its size). The sample\n"
      "of a stratum is its records of smallest XXH3(seed, position): the same for any -j. Records are\n"
      "written in input order; the others go to --rest (rule not_sampled).\n"
      "--review adds _sample {stratum, flag, stratum_size, stratum_sampled} and empty verdict, correct_label\n"
      "and reviewer columns; reviewers fill verdict with ok or wrong, and label-check --review reads it back.\n"
      "Examples:\n"
      "  dqprep sample --review --margin 0.05 checked.jsonl -o review.jsonl\n"
      "  dqprep sample --n 200 --by meta.source --seed 7 data.jsonl -o sample.jsonl --rest rest.jsonl");
  add_common_options(*sub, o->common);
  sub->add_option("--by", o->by, "Stratify by this field's value (repeatable; default: label and flag)")
      ->type_name("PATH")
      ->allow_extra_args(false);
  o->n_opt = sub->add_option("--n", o->n, "Sample this many records in all (instead of --margin)")
                 ->check(whole_number())
                 ->type_name("N");
  sub->add_option("--margin", o->margin, "Margin of error of a proportion the sample should reach")->capture_default_str();
  sub->add_option("--confidence", o->confidence, "Confidence level of the margin")->capture_default_str();
  sub->add_option("--min-per-stratum", o->min_per_stratum, "Records each stratum gets at least (or all it has)")
      ->check(whole_number())
      ->capture_default_str();
  sub->add_flag("--review", o->review, "Write a review sheet: _sample and empty verdict, correct_label, reviewer");
  sub->add_option("--rest", o->rest, "Where the records not sampled go (unchanged, input order)")->type_name("FILE");
  return [o] { return run_sample(*o); };
}

}  // namespace dqprep::stages
