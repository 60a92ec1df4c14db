#include "stages/label_check_review.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "dqprep/io/state_bytes.hpp"
#include "dqprep/labels/agreement.hpp"
#include "dqprep/model/evaluation.hpp"

namespace dqprep::stages {

namespace {

// One row of a sheet: a reviewer's verdict on one record.
struct Row {
  std::string id;
  std::string label;
  std::string stratum;
  std::string flag;
  uint64_t stratum_size = 0;  // 0: the sheet carries no _sample (then a simple random sample)
  std::string reviewer;
  int verdict = -1;  // -1 not reviewed, 0 ok, 1 wrong
};

class SheetProcessor : public stream::RecordProcessor {
 public:
  explicit SheetProcessor(const Fields& fields) : fields_(fields) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    static const record::Path verdict_path = *record::parse_path("verdict");
    static const record::Path correct_path = *record::parse_path("correct_label");
    static const record::Path reviewer_path = *record::parse_path("reviewer");
    static const record::Path stratum_path = *record::parse_path("_sample.stratum");
    static const record::Path flag_path = *record::parse_path("_sample.flag");
    static const record::Path size_path = *record::parse_path("_sample.stratum_size");
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    std::string id = record_name(parser_, fields_.id, line);
    std::optional<std::string_view> v;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(fields_.label, v));
    std::string label = v ? std::string(*v) : "";
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(verdict_path, v));
    std::string verdict = v ? std::string(*v) : "";
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(correct_path, v));
    std::string correct = v ? std::string(*v) : "";
    int code = -1;
    if (verdict == "ok") {
      code = 0;
    } else if (verdict == "wrong") {
      code = 1;
    } else if (!verdict.empty()) {
      return Status::bad_input("verdict must be ok, wrong or empty, not '" + verdict + "'");
    }
    if (!correct.empty() && correct != label) {
      if (code == 0) return Status::bad_input("verdict ok, but correct_label '" + correct + "' differs from the label");
      code = 1;  // a corrected label says the label was wrong
    }
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(reviewer_path, v));
    std::string reviewer = v ? std::string(*v) : "";
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(stratum_path, v));
    std::string stratum = v ? std::string(*v) : label;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(flag_path, v));
    std::string flag = v ? std::string(*v) : "none";
    std::optional<std::string_view> raw;
    DQPREP_RETURN_IF_ERROR(parser_.raw_value(size_path, raw));
    uint64_t size = 0;
    if (raw && *raw != "null") {
      std::string text(*raw);
      char* end = nullptr;
      errno = 0;
      unsigned long long n = std::strtoull(text.c_str(), &end, 10);
      if (errno || end != text.c_str() + text.size() || text.empty() || text[0] == '-' || n == 0) {
        return Status::bad_input("_sample.stratum_size must be a whole number >= 1, not " + text);
      }
      size = n;
    }
    std::string& s = out.state();
    for (const std::string* f : {&id, &label, &stratum, &flag, &reviewer}) state_bytes::put_bytes(s, *f);
    state_bytes::put(s, size);
    state_bytes::put(s, static_cast<int8_t>(code));
    return {};
  }

 private:
  const Fields& fields_;
  record::Parser parser_;
};

// A record's verdicts; its value is the share of its reviewers who found it wrong (a tie of two is 0.5).
struct Item {
  std::string label, stratum, flag;
  uint64_t stratum_size = 0;
  uint32_t ok = 0, wrong = 0;
  std::map<std::string, int> by_reviewer;  // the first verdict of each reviewer
};

// A proportion estimated from a stratified sample: sum over strata of W_h * p_h, W_h = N_h / N, p_h
// the mean value of the stratum's reviewed records. Its Wilson interval uses Kish's effective sample
// size, (sum w)^2 / sum w^2 with w = N_h / n_h per reviewed record: n for a simple random sample.
struct Estimate {
  uint64_t reviewed = 0;
  double value = 0;
  double effective_n = 0;
  model::Interval interval;
};

Estimate estimate(const std::vector<const Item*>& items) {
  std::map<std::string, std::pair<uint64_t, double>> strata;  // stratum -> (reviewed, sum of values)
  std::map<std::string, uint64_t> sizes;
  for (const Item* it : items) {
    auto& s = strata[it->stratum];
    ++s.first;
    s.second += static_cast<double>(it->wrong) / static_cast<double>(it->ok + it->wrong);
    sizes[it->stratum] = it->stratum_size;
  }
  Estimate e;
  double population = 0, weighted = 0, sum_w = 0, sum_w2 = 0;
  for (const auto& [name, s] : strata) {
    // Without _sample, each record stands for itself (N_h = n_h).
    double n_h = static_cast<double>(s.first);
    double size = sizes[name] ? static_cast<double>(sizes[name]) : n_h;
    population += size;
    weighted += size * s.second / n_h;
    double w = size / n_h;
    sum_w += w * n_h;
    sum_w2 += w * w * n_h;
    e.reviewed += s.first;
  }
  if (e.reviewed == 0) return e;
  e.value = weighted / population;
  e.effective_n = sum_w * sum_w / sum_w2;
  e.interval = model::wilson95_weighted(e.value, e.effective_n);
  return e;
}

report::Json to_json(const Estimate& e) {
  if (e.reviewed == 0) return {{"reviewed", 0}, {"rate", nullptr}, {"low", nullptr}, {"high", nullptr}};
  return {{"reviewed", e.reviewed}, {"rate", e.value}, {"low", e.interval.low}, {"high", e.interval.high},
          {"effective_n", e.effective_n}};
}

std::string describe(const Estimate& e) {
  if (e.reviewed == 0) return "no reviewed record";
  return fmt::format("{:.3f} [{:.3f}, {:.3f}] ({} reviewed)", e.value, e.interval.low, e.interval.high, e.reviewed);
}

}  // namespace

Status run_label_check_review(const CommonOptions& common, const checks::GateFlags& gate_flags) {
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> gates, checks::load(gate_flags));
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(common));
  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(common));
  so.output.clear();  // a report, no records

  std::map<std::string, Item> items;  // by record id
  std::vector<std::string> reviewers;
  std::unordered_map<std::string, size_t> reviewer_index;
  uint64_t rows = 0, unreviewed = 0, repeated = 0;
  so.consume_state = [&](std::string_view state) -> Status {
    state_bytes::Reader r(state);
    while (!r.done()) {
      std::string id(r.get_bytes());
      Item& it = items[id];
      it.label = r.get_bytes();
      it.stratum = r.get_bytes();
      it.flag = r.get_bytes();
      std::string reviewer(r.get_bytes());
      it.stratum_size = r.get<uint64_t>();
      int verdict = r.get<int8_t>();
      ++rows;
      if (verdict < 0) {
        ++unreviewed;
        continue;
      }
      if (!it.by_reviewer.emplace(reviewer, verdict).second) {
        ++repeated;  // the same reviewer twice on one record: the first verdict counts
        continue;
      }
      if (reviewer_index.emplace(reviewer, reviewers.size()).second) reviewers.push_back(reviewer);
      (verdict ? it.wrong : it.ok) += 1;
    }
    return {};
  };
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<SheetProcessor>(fields); }, "label-check review"));

  std::vector<const Item*> decided;
  std::map<std::string, std::vector<const Item*>> by_class, by_flag;
  uint64_t split = 0;
  for (const auto& [id, it] : items) {
    if (it.ok + it.wrong == 0) continue;
    if (it.ok && it.wrong) ++split;
    decided.push_back(&it);
    by_class[it.label].push_back(&it);
    if (it.flag != "none") by_flag[it.flag].push_back(&it);
  }

  // Every row read is taken into the report: nothing is dropped.
  summary.in = rows + summary.quarantined;
  summary.out = rows;
  report::Json& f = summary.figures;
  f["review_rows"] = rows;
  f["review_unreviewed_rows"] = unreviewed;
  f["review_repeated_rows"] = repeated;
  f["records_reviewed"] = decided.size();
  f["records_split"] = split;
  f["reviewers"] = reviewers;
  Estimate noise = estimate(decided);
  f["noise_rate"] = noise.reviewed ? report::Json(noise.value) : report::Json(nullptr);
  f["noise_rate_low"] = noise.reviewed ? report::Json(noise.interval.low) : report::Json(nullptr);
  f["noise_rate_high"] = noise.reviewed ? report::Json(noise.interval.high) : report::Json(nullptr);
  f["noise_rate_effective_n"] = noise.effective_n;
  report::Json per_class = report::Json::object();
  for (const auto& [label, list] : by_class) per_class[label] = to_json(estimate(list));
  f["error_rate_per_class"] = per_class;
  // A flag's precision: the share of the records it flagged that reviewers found wrong.
  report::Json per_flag = report::Json::object();
  for (const auto& [flag, list] : by_flag) per_flag[flag] = to_json(estimate(list));
  f["flag_precision"] = per_flag;

  // Agreement on the verdicts of records rated by two reviewers or more.
  agreement::Ratings ratings(0, reviewers.size(), 2);
  for (const auto& [id, it] : items) {
    if (it.by_reviewer.size() < 2) continue;
    ratings.ratings.resize((ratings.num_items + 1) * reviewers.size(), agreement::kNotRated);
    for (const auto& [reviewer, verdict] : it.by_reviewer) ratings.at(ratings.num_items, reviewer_index[reviewer]) = verdict;
    ++ratings.num_items;
  }
  f["items_rated_twice"] = ratings.num_items;
  auto statistic = [](const agreement::Statistic& s) { return s.value ? report::Json(*s.value) : report::Json(nullptr); };
  if (ratings.num_items > 0) {
    f["review_percent_agreement"] = statistic(agreement::percent_agreement(ratings).agreement);
    f["review_krippendorff_alpha"] = statistic(agreement::krippendorff_alpha(ratings, agreement::Level::nominal));
    if (reviewers.size() == 2) f["review_cohen_kappa"] = statistic(agreement::cohen_kappa(ratings));
  }

  if (!common.quiet) {
    spdlog::info("review: {} rows, {} records reviewed by {} reviewer(s) ({} with split verdicts), {} unreviewed rows",
                 rows, decided.size(), reviewers.size(), split, unreviewed);
    spdlog::info("estimated noise rate: {}", describe(noise));
    for (const auto& [label, list] : by_class) spdlog::info("  error rate of {}: {}", label, describe(estimate(list)));
    for (const auto& [flag, list] : by_flag) spdlog::info("  precision of flag {}: {}", flag, describe(estimate(list)));
    if (ratings.num_items > 0) {
      const report::Json& alpha = f["review_krippendorff_alpha"];
      spdlog::info("reviewer agreement on {} records rated twice or more: Krippendorff's alpha {}", ratings.num_items,
                   alpha.is_null() ? std::string("undefined") : fmt::format("{:.3f}", alpha.get<double>()));
    }
  }
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Outcome> outcomes, evaluate_gates(gates, summary));
  DQPREP_RETURN_IF_ERROR(finish(common, summary));
  return checks::gate(outcomes);
}

}  // namespace dqprep::stages
