#include "dqprep/metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "dqprep/metrics/checks.hpp"
#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/text/redact.hpp"
#include "dqprep/util/hash.hpp"

namespace dqprep::metrics {

using report::Json;
using stats::Figure;

std::string pii_counter(std::string_view kind) {
  std::string name = "pii:";
  name += kind;
  return name;
}

std::string class_sketch(std::string_view base, std::string_view label) {
  std::string name(base);
  name.push_back(':');
  name.append(label);
  return name;
}

// ---- Config -----------------------------------------------------------------------------------

std::vector<std::string> Config::tracked_fields() const {
  std::vector<std::string> fields;
  auto add = [&](const std::string& f) {
    if (!f.empty() && std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
  };
  for (const std::string& t : text_fields) add(t);
  add(label_field);
  add(id_field);
  add(coverage_field);
  add(annotations_field);
  return fields;
}

nlohmann::json Config::to_json() const {
  nlohmann::json j = {{"format", format},
          {"text_fields", text_fields},
          {"label_field", label_field},
          {"id_field", id_field},
          {"labels", labels},
          {"coverage_field", coverage_field},
          {"domain", domain},
          {"noise_field", noise_field},
          {"annotations_field", annotations_field},
          {"turns", turns},
          {"lang", lang},
          {"lang_threshold", lang_threshold},
          {"near", near},
          {"ngram", ngram},
          {"num_perm", num_perm},
          {"bands", bands},
          {"seed", seed},
          {"tokenizer", tokenizer},
          {"tokenizer_vocab", tokenizer_vocab},
          {"split_field", split_field}};
  if (pii) j["pii"] = true;  // only when on: the states of earlier versions stay the same bytes
  if (near_verify) {         // likewise: an unverified state has the config of an earlier version's
    j["near_verify"] = true;
    j["near_threshold"] = near_threshold;
  }
  return j;
}

Result<Config> Config::from_json(const nlohmann::json& j) {
  Config c;
  try {
    c.format = j.at("format").get<std::string>();
    c.text_fields = j.at("text_fields").get<std::vector<std::string>>();
    c.label_field = j.at("label_field").get<std::string>();
    c.id_field = j.at("id_field").get<std::string>();
    c.labels = j.at("labels").get<std::vector<std::string>>();
    c.coverage_field = j.at("coverage_field").get<std::string>();
    c.domain = j.at("domain").get<std::vector<std::string>>();
    c.noise_field = j.at("noise_field").get<std::string>();
    c.annotations_field = j.at("annotations_field").get<std::string>();
    c.turns = j.at("turns").get<bool>();
    c.lang = j.at("lang").get<bool>();
    c.lang_threshold = j.at("lang_threshold").get<double>();
    c.near = j.at("near").get<bool>();
    c.ngram = j.at("ngram").get<uint32_t>();
    c.num_perm = j.at("num_perm").get<uint32_t>();
    c.bands = j.at("bands").get<uint32_t>();
    c.seed = j.at("seed").get<uint64_t>();
    // Absent from the states of versions before --tokenizer: nothing measured.
    c.tokenizer = j.value("tokenizer", std::string());
    c.tokenizer_vocab = j.value("tokenizer_vocab", uint64_t{0});
    c.split_field = j.value("split_field", std::string());
    c.pii = j.value("pii", false);
    // Absent from unverified states and from those of versions before the verification.
    c.near_verify = j.value("near_verify", false);
    c.near_threshold = j.value("near_threshold", 0.8);
  } catch (const nlohmann::json::exception& e) {
    return Status::bad_input(std::string("config: ") + e.what());
  }
  if (c.near && (c.bands == 0 || c.num_perm % c.bands != 0))
    return Status::bad_input("config: bands must divide num_perm");
  if (c.near_verify && !c.near) return Status::bad_input("config: near_verify without near");
  if (!(c.near_threshold > 0 && c.near_threshold <= 1)) return Status::bad_input("config: near_threshold outside (0, 1]");
  return c;
}

// ---- summary ----------------------------------------------------------------------------------

namespace {

Json value_of(const Figure& f) { return f.value ? Json(*f.value) : Json(nullptr); }

uint64_t counter(const stats::PartialState& s, std::string_view name) {
  auto it = s.counters.find(name);
  return it == s.counters.end() ? 0 : it->second;
}

Json quantiles(const stats::PartialState& s, std::string_view name) {
  auto it = s.sketches.find(name);
  stats::Quantiles q = it == s.sketches.end() ? stats::QuantileSketch{}.summary() : it->second.summary();
  Json j;
  j["min"] = value_of(q.min);
  j["p10"] = value_of(q.p10);
  j["p50"] = value_of(q.p50);
  j["p90"] = value_of(q.p90);
  j["max"] = value_of(q.max);
  return j;
}

// A token figure: how many values (records or turns), their total and mean, and their quantiles.
Json token_figure(const stats::PartialState& s, std::string_view name) {
  auto it = s.sketches.find(name);
  uint64_t n = it == s.sketches.end() ? 0 : it->second.count();
  uint64_t total = counter(s, name);
  Json j = {{"count", n}, {"total", total}};
  j["mean"] = n ? Json(static_cast<double>(total) / static_cast<double>(n)) : Json(nullptr);
  j.update(quantiles(s, name));
  return j;
}

Json string_list(const std::vector<std::string>& v) {
  Json j = Json::array();
  for (const std::string& s : v) j.push_back(s);
  return j;
}

}  // namespace

Result<report::Summary> summarize(const RunState& run, const ReportOptions& options) {
  const Config& c = run.config;
  const stats::PartialState& s = run.state;
  report::Summary sum;
  sum.stage = "metrics";
  const uint64_t malformed = s.noise_count(stats::NoiseSource::malformed);
  const uint64_t parsed = counter(s, kParsed);
  sum.in = s.n;
  sum.quarantined = malformed;
  sum.out = s.n - malformed;
  sum.empty_lines = counter(s, kEmptyLines);
  sum.seconds = run.seconds;

  Json& f = sum.figures;
  Json notes = Json::object();
  auto put = [&](const std::string& key, const Figure& fig) {
    f[key] = value_of(fig);
    if (!fig.defined()) notes[key] = fig.note;
  };

  const bool labelled = !c.label_field.empty();
  const Figure unlabeled = Figure::undefined("--unlabeled: labels are not read");
  stats::ClassDistribution d;
  if (labelled) d = stats::class_distribution(s.classes, c.labels);

  Figure label_coverage = unlabeled;
  stats::Coverage label_cov;
  if (labelled) {
    if (c.labels.empty()) {
      label_coverage = Figure::undefined("no declared label domain: give --labels A,B,...");
    } else {
      label_cov = stats::coverage(s.classes, c.labels);
      label_coverage = label_cov.coverage;
    }
  }
  Figure field_coverage = Figure::undefined("no --coverage-field");
  stats::Coverage field_cov;
  if (!c.coverage_field.empty()) {
    field_cov = stats::coverage(s.values, c.domain);
    field_coverage = field_cov.coverage;
  }

  Figure consistency = Figure::undefined("no --annotations-field");
  if (!c.annotations_field.empty())
    consistency = stats::ratio(counter(s, kAgreeing), counter(s, kAnnotated), "no item has two or more annotations");

  Figure near_ratio = Figure::undefined("not measured: give --near");
  std::optional<uint64_t> near_duplicates;
  if (c.near) {
    if (run.near.size() != s.keyed)
      return Status::bad_input("near-duplicate keys for " + std::to_string(run.near.size()) + " records, " +
                               std::to_string(s.keyed) + " records with text");
    lsh::Verifier verify;
    std::unique_ptr<shingle_sets::Verifier> verifier;
    if (c.near_verify && run.near.size() > 0) {
      if (!run.sets || run.set_at.size() != run.near.size())
        return Status::bad_input("shingle sets for " + std::to_string(run.set_at.size()) + " records, " +
                                 std::to_string(run.near.size()) + " records with text");
      DQPREP_RETURN_IF_ERROR(run.sets->flush());
      verifier = std::make_unique<shingle_sets::Verifier>(std::vector<int>{run.sets->fd()}, run.set_at, c.near_threshold);
      verify = [&](uint32_t a, uint32_t b) { return verifier->similar(a, b); };
    }
    DQPREP_ASSIGN_OR_RETURN(std::vector<uint32_t> clusters, lsh::cluster(run.near, verify));
    uint64_t later_members = 0;
    for (uint32_t i = 0; i < clusters.size(); ++i) later_members += clusters[i] != i;
    near_duplicates = later_members;
    near_ratio = stats::ratio(later_members, s.n, "no records");
  }

  f["version"] = kReportVersion;
  f["n"] = s.n;
  put("class_balance", labelled ? d.class_balance : unlabeled);
  put("coverage", c.coverage_field.empty() ? label_coverage : field_coverage);
  put("noise_ratio", s.noise_ratio());
  put("annotation_consistency", consistency);
  put("duplicate_ratio", s.duplicate_ratio());
  put("near_duplicate_ratio", near_ratio);
  put("normalized_entropy", labelled ? d.normalized_entropy : unlabeled);
  put("imbalance_ratio", labelled ? d.imbalance_ratio : unlabeled);
  put("label_coverage", label_coverage);
  put("field_coverage", field_coverage);

  f["num_classes"] = d.classes.size();
  f["labelled"] = d.n;
  if (d.classes.empty()) {
    f["min_class_count"] = nullptr;
    f["max_class_count"] = nullptr;
    const std::string why = labelled ? "no classes" : unlabeled.note;
    notes["min_class_count"] = why;
    notes["max_class_count"] = why;
  } else {
    auto [lo, hi] = std::minmax_element(d.classes.begin(), d.classes.end(),
                                        [](const auto& a, const auto& b) { return a.count < b.count; });
    f["min_class_count"] = lo->count;
    f["max_class_count"] = hi->count;
  }
  f["noisy"] = s.noisy();
  f["duplicates"] = s.duplicates();
  if (near_duplicates) {
    f["near_duplicates"] = *near_duplicates;
  } else {
    f["near_duplicates"] = nullptr;
    notes["near_duplicates"] = near_ratio.note;
  }
  if (c.near && c.near_verify) {
    f["near_threshold"] = c.near_threshold;
  } else {
    f["near_threshold"] = nullptr;
    notes["near_threshold"] = c.near ? "--no-verify: LSH candidates are counted unchecked" : near_ratio.note;
  }
  f["annotated_items"] = counter(s, kAnnotated);
  f["agreeing_items"] = counter(s, kAgreeing);

  Json noise = Json::object();
  for (size_t i = 0; i < stats::kNoiseSources; ++i) {
    auto source = static_cast<stats::NoiseSource>(i);
    noise[std::string(stats::noise_source_name(source))] = s.noise_count(source);
  }
  noise["duplicate"] = s.duplicates();
  f["noise"] = std::move(noise);

  Json classes = Json::object(), shares = Json::object(), by_class = Json::object();
  bool empty_class = false;
  for (const stats::ClassShare& cs : d.classes) {
    classes[cs.label] = cs.count;
    shares[cs.label] = value_of(cs.share);
    by_class[cs.label] = {{"chars", quantiles(s, class_sketch(kCharsSketch, cs.label))},
                          {"words", quantiles(s, class_sketch(kWordsSketch, cs.label))}};
    empty_class = empty_class || cs.count == 0;
  }
  if (!d.classes.empty() && d.n == 0) notes["class_share"] = "no records in the classes";
  if (empty_class) notes["lengths_by_class"] = "a class with no records has no lengths";
  f["classes"] = std::move(classes);
  f["class_share"] = std::move(shares);
  Json undeclared = Json::object();
  for (const auto& [label, n] : d.undeclared) undeclared[label] = n;
  f["undeclared_classes"] = std::move(undeclared);

  f["label_coverage_missing"] = string_list(label_cov.missing);
  f["field_coverage_missing"] = string_list(field_cov.missing);
  if (c.coverage_field.empty()) {
    f["field_values_outside_domain"] = nullptr;
    notes["field_values_outside_domain"] = field_coverage.note;
  } else {
    f["field_values_outside_domain"] = field_cov.outside;
  }
  Json small = Json::array();
  if (options.min_per_class > 0)
    for (const stats::ClassShare& cs : d.classes)
      if (cs.count < options.min_per_class) small.push_back(cs.label);
  f["small_classes"] = std::move(small);
  f["min_per_class"] = options.min_per_class;

  Json missing = Json::object();
  for (const std::string& field : c.tracked_fields()) {
    auto it = s.missing_fields.find(field);
    missing[field] = value_of(stats::ratio(it == s.missing_fields.end() ? 0 : it->second, parsed, ""));
  }
  if (parsed == 0) notes["missing_fields"] = "no record parsed";
  f["missing_fields"] = std::move(missing);

  f["lengths"] = {{"chars", quantiles(s, kCharsSketch)}, {"words", quantiles(s, kWordsSketch)}};
  if (parsed == 0) notes["lengths"] = "no record parsed";
  f["lengths_by_class"] = std::move(by_class);
  if (c.turns) {
    f["turns"] = quantiles(s, kTurnsSketch);
    if (parsed == 0) notes["turns"] = "no record parsed";
  } else {
    f["turns"] = nullptr;
    notes["turns"] = "not a conversation: no text field with [*] (formats chat, sharegpt)";
  }
  if (c.lang) {
    uint64_t total = 0;
    std::vector<std::pair<std::string, uint64_t>> langs(s.languages.begin(), s.languages.end());
    for (const auto& [code, n] : langs) total += n;
    std::stable_sort(langs.begin(), langs.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    Json shares_by_lang = Json::object();
    for (const auto& [code, n] : langs) shares_by_lang[code] = static_cast<double>(n) / static_cast<double>(total);
    f["languages"] = std::move(shares_by_lang);
  } else {
    f["languages"] = nullptr;
    notes["languages"] = "not measured: give --lang";
  }
  const std::vector<std::string> token_keys = {"tokenizer", "tokens", "tokens_by_class", "tokens_by_split", "tokens_per_turn"};
  if (c.tokenizer.empty()) {
    for (const std::string& key : token_keys) {
      f[key] = nullptr;
      notes[key] = "not measured: give --tokenizer MODEL";
    }
  } else {
    f["tokenizer"] = {{"digest", c.tokenizer}, {"vocab_size", c.tokenizer_vocab}};
    f["tokens"] = token_figure(s, kTokens);
    if (parsed == 0) notes["tokens"] = "no record parsed";
    Json token_classes = Json::object();
    for (const stats::ClassShare& cs : d.classes) token_classes[cs.label] = token_figure(s, class_sketch(kTokens, cs.label));
    f["tokens_by_class"] = std::move(token_classes);
    if (c.split_field.empty()) {
      f["tokens_by_split"] = nullptr;
      notes["tokens_by_split"] = "no --split-field";
    } else {
      Json by_split = Json::object();
      const std::string prefix = class_sketch(kSplitTokens, "");
      for (const auto& [name, sketch] : s.sketches)
        if (name.compare(0, prefix.size(), prefix) == 0) by_split[name.substr(prefix.size())] = token_figure(s, name);
      f["tokens_by_split"] = std::move(by_split);
    }
    if (c.turns) {
      f["tokens_per_turn"] = token_figure(s, kTurnTokens);
    } else {
      f["tokens_per_turn"] = nullptr;
      notes["tokens_per_turn"] = "not a conversation: no text field with [*] (formats chat, sharegpt)";
    }
  }
  if (c.pii) {
    Json pii = Json::object();
    pii["any"] = value_of(stats::ratio(counter(s, kPiiAny), parsed, ""));
    for (size_t k = 0; k < redact::kKinds; ++k) {
      std::string_view kind = redact::kind_name(static_cast<redact::Kind>(k));
      pii[std::string(kind)] = value_of(stats::ratio(counter(s, pii_counter(kind)), parsed, ""));
    }
    if (parsed == 0) notes["pii"] = "no record parsed";
    f["pii"] = std::move(pii);
  } else {
    f["pii"] = nullptr;
    notes["pii"] = "not measured: give --pii";
  }
  f["notes"] = std::move(notes);
  return sum;
}

const std::map<std::string, std::string, std::less<>>& check_aliases() {
  static const std::map<std::string, std::string, std::less<>> aliases = {{"class_count", "classes"}};
  return aliases;
}

// ---- rendering --------------------------------------------------------------------------------

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// A ratio or figure with 4 decimals, a count as an integer, null as "-".
std::string num(const Json& j) {
  if (j.is_null()) return "-";
  if (j.is_number_integer() || j.is_number_unsigned()) return j.dump();
  if (j.is_number()) return fmt("%.4f", j.get<double>());
  return j.dump();
}

// A length: an integer when it is one (values below 256 always are), else one decimal.
std::string length(const Json& j) {
  if (j.is_null()) return "-";
  double v = j.get<double>();
  return v == std::floor(v) ? fmt("%.0f", v) : fmt("%.1f", v);
}

uint64_t count(const Json& report, const char* key) {
  const Json& j = report.contains(key) ? report[key] : Json();
  return j.is_number() ? j.get<uint64_t>() : 0;
}

std::string note_of(const Json& report, const std::string& key) {
  if (report.contains("notes") && report["notes"].contains(key)) return report["notes"][key].get<std::string>();
  return "";
}

std::string join_names(const Json& list, size_t limit = 8) {
  std::string out;
  size_t k = 0;
  for (const Json& v : list) {
    if (k == limit) {
      out += ", ... (" + std::to_string(list.size()) + " in all)";
      break;
    }
    if (k++) out += ", ";
    out += v.get<std::string>();
  }
  return out;
}

std::string plural(uint64_t n, const std::string& noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

// What a headline figure is made of, in words.
std::string explain(const Json& r, const std::string& key) {
  if (r[key].is_null()) return note_of(r, key);
  const uint64_t n = count(r, "n");
  if (key == "class_balance") return std::to_string(count(r, "num_classes")) + " classes, " + std::to_string(count(r, "labelled")) + " labelled records";
  if (key == "coverage" || key == "label_coverage" || key == "field_coverage") {
    bool field = key == "field_coverage" || (key == "coverage" && !r["field_coverage"].is_null());
    const Json& missing = r[field ? "field_coverage_missing" : "label_coverage_missing"];
    std::string s = field ? "values of the field" : "declared labels";
    return s + (missing.empty() ? ", none missing" : "; missing: " + join_names(missing));
  }
  if (key == "noise_ratio") return std::to_string(count(r, "noisy")) + " of " + std::to_string(n) + " records";
  if (key == "annotation_consistency")
    return std::to_string(count(r, "agreeing_items")) + " of " + std::to_string(count(r, "annotated_items")) + " items agree";
  if (key == "duplicate_ratio") return plural(count(r, "duplicates"), "exact repeat");
  if (key == "near_duplicate_ratio") {
    const Json t = r.contains("near_threshold") ? r["near_threshold"] : Json();
    return plural(count(r, "near_duplicates"), "near repeat") +
           (t.is_number() ? " (Jaccard >= " + util::number_text(t.get<double>()) + ")" : " (LSH candidates, unverified)");
  }
  return "";
}

const char* const kHeadline[] = {"class_balance",      "coverage",        "noise_ratio",
                                 "annotation_consistency", "duplicate_ratio", "near_duplicate_ratio",
                                 "normalized_entropy", "imbalance_ratio"};

std::string pad(std::string s, size_t width, bool right = false) {
  // Width in code points, so that accented class names line up.
  size_t cps = 0;
  for (char c : s) cps += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (cps >= width) return s;
  std::string fill(width - cps, ' ');
  return right ? fill + s : s + fill;
}

std::string md_cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out.push_back(c);
  }
  return out;
}

std::string noise_breakdown(const Json& r) {
  std::string s;
  for (const auto& [source, n] : r["noise"].items()) {
    if (!s.empty()) s += ", ";
    s += source + " " + n.dump();
  }
  return s;
}

std::string missing_breakdown(const Json& r) {
  std::string s;
  for (const auto& [field, ratio] : r["missing_fields"].items()) {
    if (!s.empty()) s += ", ";
    s += field + " " + num(ratio);
  }
  return s;
}

std::string language_breakdown(const Json& r, size_t limit = 10) {
  std::string s;
  size_t k = 0;
  for (const auto& [code, share] : r["languages"].items()) {
    if (k++ == limit) {
      s += ", ...";
      break;
    }
    if (!s.empty()) s += ", ";
    s += code + " " + num(share);
  }
  return s;
}

// "123456 in all, mean 12.3 a record; train 100000, test 23456" (the totals per split, when given).
std::string token_totals(const Json& r) {
  const Json& t = r["tokens"];
  std::string s = t["total"].dump() + " in all";
  if (!t["mean"].is_null()) s += ", mean " + fmt("%.1f", t["mean"].get<double>()) + " a record";
  if (r["tokens_by_split"].is_object() && !r["tokens_by_split"].empty()) {
    std::string splits;
    for (const auto& [name, q] : r["tokens_by_split"].items()) splits += (splits.empty() ? "" : ", ") + name + " " + q["total"].dump();
    s += "; " + splits;
  }
  return s;
}

std::string pii_breakdown(const Json& r) {
  std::string s;
  for (const auto& [kind, share] : r["pii"].items()) {
    if (!s.empty()) s += ", ";
    s += kind + " " + num(share);
  }
  return s;
}

}  // namespace

std::vector<std::string> warnings(const Json& r) {
  std::vector<std::string> out;
  uint64_t min = count(r, "min_per_class");
  for (const Json& label : r["small_classes"]) {
    std::string l = label.get<std::string>();
    out.push_back("class '" + l + "' has " + plural(r["classes"][l].get<uint64_t>(), "record") + ", fewer than --min-per-class " +
                  std::to_string(min));
  }
  return out;
}

namespace {
// The actual value of a check: six significant digits (the exit message has every digit).
std::string actual_text(const Json& c) {
  if (c["actual"].is_null()) return "null (" + c.value("note", std::string()) + ")";
  return util::number_text(c["actual"].get<double>(), 6);
}
}  // namespace

std::string table(const Json& r) {
  std::string t = "metrics: " + std::to_string(count(r, "n")) + " records, " + std::to_string(count(r, "quarantined")) +
                  " malformed, " + std::to_string(count(r, "empty_lines")) + " empty lines in " +
                  fmt("%.2f", r.value("seconds", 0.0)) + " s\n";
  for (const char* key : kHeadline) {
    std::string why = explain(r, key);
    t += "  " + pad(key, 24) + pad(num(r[key]), 8, true) + (why.empty() ? "" : "   " + why) + "\n";
  }
  t += "  noise by source: " + noise_breakdown(r) + "\n";
  if (!r["missing_fields"].empty()) t += "  missing fields: " + missing_breakdown(r) + "\n";
  if (r["languages"].is_object()) t += "  languages: " + language_breakdown(r) + "\n";
  if (r["pii"].is_object()) t += "  personal data (share of records): " + pii_breakdown(r) + "\n";

  if (!r["classes"].empty()) {
    size_t w = 5;
    for (const auto& [label, n] : r["classes"].items()) w = std::max(w, std::min<size_t>(label.size(), 40));
    t += "\n  " + pad("class", w) + pad("count", 10, true) + pad("share", 9, true) + pad("chars p50", 11, true) +
         pad("words p50", 11, true) + "\n";
    for (const auto& [label, n] : r["classes"].items()) {
      const Json& q = r["lengths_by_class"][label];
      t += "  " + pad(label, w) + pad(n.dump(), 10, true) + pad(num(r["class_share"][label]), 9, true) +
           pad(length(q["chars"]["p50"]), 11, true) + pad(length(q["words"]["p50"]), 11, true) + "\n";
    }
    if (!r["undeclared_classes"].empty()) {
      std::string s;
      for (const auto& [label, n] : r["undeclared_classes"].items()) s += (s.empty() ? "" : ", ") + label + " " + n.dump();
      t += "  labels outside --labels: " + s + "\n";
    }
  }

  t += "\n  " + pad("length", 8);
  for (const char* q : {"min", "p10", "p50", "p90", "max"}) t += pad(q, 9, true);
  t += "\n";
  auto row = [&](const std::string& name, const Json& q) {
    t += "  " + pad(name, 8);
    for (const char* k : {"min", "p10", "p50", "p90", "max"}) t += pad(length(q[k]), 9, true);
    t += "\n";
  };
  row("chars", r["lengths"]["chars"]);
  row("words", r["lengths"]["words"]);
  if (r["turns"].is_object()) row("turns", r["turns"]);
  if (r.contains("tokens") && r["tokens"].is_object()) {
    row("tokens", r["tokens"]);
    if (r["tokens_per_turn"].is_object()) row("tok/turn", r["tokens_per_turn"]);
    t += "  tokens: " + token_totals(r) + "\n";
  }

  if (r.contains("checks") && !r["checks"].empty()) {
    t += "\n  checks\n";
    for (const Json& c : r["checks"]) {
      bool passed = c["passed"].get<bool>();
      std::string status = passed ? "ok" : c["level"] == "warn" ? "WARN" : "FAIL";
      std::string actual = actual_text(c);
      t += "  " + pad(status, 6) + pad(c["check"].get<std::string>(), 40) + " actual " + actual + "\n";
    }
  }
  for (const std::string& w : warnings(r)) t += "warning: " + w + "\n";
  return t;
}

std::string markdown(const Json& r) {
  std::string m = "## dqprep metrics\n\n";
  m += "**" + std::to_string(count(r, "n")) + " records** (" + std::to_string(count(r, "quarantined")) + " malformed, " +
       std::to_string(count(r, "empty_lines")) + " empty lines)\n\n";

  if (r.contains("checks") && !r["checks"].empty()) {
    size_t failed = 0, warned = 0;
    for (const Json& c : r["checks"])
      if (!c["passed"].get<bool>()) (c["level"] == "warn" ? warned : failed)++;
    m += "### Checks: " + std::string(failed ? "❌ " + std::to_string(failed) + " failed" : "✅ all passed");
    if (warned) m += ", ⚠️ " + std::to_string(warned) + " warning" + (warned > 1 ? "s" : "");
    m += "\n\n|  | check | actual | level |\n|---|---|---:|---|\n";
    for (const Json& c : r["checks"]) {
      bool passed = c["passed"].get<bool>();
      std::string icon = passed ? "✅" : c["level"] == "warn" ? "⚠️" : "❌";
      std::string text = c["check"].get<std::string>();
      std::replace(text.begin(), text.end(), '`', '\'');
      std::string actual = actual_text(c);
      m += "| " + icon + " | `" + md_cell(text) + "` | " + md_cell(actual) + " | " + c["level"].get<std::string>() + " |\n";
    }
    m += "\n";
  }

  m += "### Quality\n\n| metric | value | |\n|---|---:|---|\n";
  for (const char* key : kHeadline) m += "| " + std::string(key) + " | " + num(r[key]) + " | " + md_cell(explain(r, key)) + " |\n";
  m += "\nNoise by source: " + md_cell(noise_breakdown(r)) + ".\n";
  if (!r["missing_fields"].empty()) m += "Missing fields: " + md_cell(missing_breakdown(r)) + ".\n";
  if (r["languages"].is_object()) m += "Languages: " + md_cell(language_breakdown(r)) + ".\n";
  if (r["pii"].is_object()) m += "Personal data (share of records): " + md_cell(pii_breakdown(r)) + ".\n";

  if (!r["classes"].empty()) {
    m += "\n### Classes\n\n| class | count | share | chars p50 | words p50 |\n|---|---:|---:|---:|---:|\n";
    for (const auto& [label, n] : r["classes"].items()) {
      const Json& q = r["lengths_by_class"][label];
      m += "| " + md_cell(label) + " | " + n.dump() + " | " + num(r["class_share"][label]) + " | " +
           length(q["chars"]["p50"]) + " | " + length(q["words"]["p50"]) + " |\n";
    }
  }

  m += "\n### Lengths\n\n|  | min | p10 | p50 | p90 | max |\n|---|---:|---:|---:|---:|---:|\n";
  auto row = [&](const std::string& name, const Json& q) {
    m += "| " + name;
    for (const char* k : {"min", "p10", "p50", "p90", "max"}) m += " | " + length(q[k]);
    m += " |\n";
  };
  row("chars", r["lengths"]["chars"]);
  row("words", r["lengths"]["words"]);
  if (r["turns"].is_object()) row("turns", r["turns"]);
  if (r.contains("tokens") && r["tokens"].is_object()) {
    row("tokens", r["tokens"]);
    if (r["tokens_per_turn"].is_object()) row("tokens per turn", r["tokens_per_turn"]);
    m += "\nTokens: " + md_cell(token_totals(r)) + ".\n";
  }

  std::vector<std::string> warns = warnings(r);
  if (!warns.empty()) {
    m += "\n### Warnings\n\n";
    for (const std::string& w : warns) m += "- " + md_cell(w) + "\n";
  }
  return m;
}

// ---- partial-state files ----------------------------------------------------------------------

namespace {

void put_le(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t get_le(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// The counters of metrics that count records, checked as PartialState::validate checks its own.
Status validate_counters(const stats::PartialState& s) {
  if (counter(s, kParsed) > s.n || counter(s, kAnnotated) > s.n || counter(s, kAgreeing) > counter(s, kAnnotated))
    return Status::bad_input("partial state: more parsed or annotated records than records");
  for (const auto& [name, n] : s.counters)
    if (name.rfind("pii:", 0) == 0 && n > counter(s, kParsed))
      return Status::bad_input("partial state: more records with personal data than parsed records");
  return {};
}

}  // namespace

Status write_partial(const std::string& path, const RunState& run) {
  nlohmann::json state = run.state.to_json();
  state["keys"]["hex"] = "";
  std::string keys = run.state.keys.to_bytes();
  std::string bands;
  bands.reserve(static_cast<size_t>(run.near.size()) * run.near.bands() * 8);
  for (uint32_t r = 0; r < run.near.size(); ++r)
    for (uint64_t k : run.near.keys(r)) put_le(bands, k);
  if (run.config.near_verify && (!run.sets || run.set_at.size() != run.near.size()))
    return Status::io("metrics: the shingle sets of the state are incomplete");
  const uint64_t set_bytes = run.config.near_verify ? run.sets->size() : 0;
  // The format and version first, so that the first bytes of a file say what it is.
  Json header;
  header["format"] = kPartialFormat;
  header["version"] = kPartialVersion;
  header["blocks"] = {{"keys", keys.size()}, {"bands", bands.size()}, {"sets", set_bytes}};
  header["config"] = Json::parse(run.config.to_json().dump());
  header["state"] = Json::parse(state.dump());
  const std::string header_line = header.dump() + "\n";
  hash::Xxh3Stream checksum;
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(path));
  for (std::string_view part : {std::string_view(header_line), std::string_view(keys), std::string_view(bands)}) {
    checksum.update(part);
    DQPREP_RETURN_IF_ERROR(out->write(part));
  }
  // The sets go from the temporary file to the state as they are: they are in record order.
  if (set_bytes) {
    DQPREP_RETURN_IF_ERROR(run.sets->read_all([&](std::string_view chunk) {
      checksum.update(chunk);
      return out->write(chunk);
    }));
  }
  std::string trailer;
  put_le(trailer, checksum.digest());
  DQPREP_RETURN_IF_ERROR(out->write(trailer));
  return out->commit();
}

Result<RunState> read_partial(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::string bytes, io::read_bytes(path));
  return parse_partial(bytes, path);
}

Result<RunState> parse_partial(std::string_view bytes, const std::string& path) {
  auto damaged = [&](const std::string& why) {
    return Status::bad_input(path + ": damaged partial-state file (" + why + ")");
  };
  const std::string_view data = bytes;
  const size_t nl = data.find('\n');
  const std::string_view first_line = data.substr(0, nl);
  if (json_text::nesting_depth(first_line) > json_text::kMaxConfigDepth) return damaged("a header nested too deep");
  nlohmann::json header = nlohmann::json::parse(first_line, nullptr, false);
  const bool ours = header.is_object() && header.contains("format") && header["format"] == kPartialFormat;
  // The writer puts the format first: a header line that names it but does not parse is damaged.
  if (!ours && first_line.substr(0, 64).find(kPartialFormat) == std::string_view::npos)
    return Status::bad_input(path + ": not a metrics partial state (made by `dqprep metrics --partial -o FILE`)");
  if (nl == std::string_view::npos) return damaged("truncated: its header line does not end");
  if (!ours) return damaged("its header line is not valid JSON");
  const nlohmann::json version = header.contains("version") ? header["version"] : nlohmann::json();
  if (version == 1)
    return Status::bad_input(path + ": written by an older dqprep (format version 1); re-create it with "
                             "`dqprep metrics --partial`");
  if (version != kPartialVersion && version != 2)
    return damaged("format version " + version.dump() + ", this dqprep reads versions 2 and " +
                   std::to_string(kPartialVersion) + "; or written by a newer dqprep");
  if (data.size() < nl + 1 + 8) return damaged("truncated: no checksum");
  const std::string_view content = data.substr(0, data.size() - 8);
  if (get_le(data.data() + content.size()) != hash::xxh3_64(content)) return damaged("its checksum does not match");

  uint64_t key_bytes = 0, band_bytes = 0, set_bytes = 0;
  try {
    key_bytes = header.at("blocks").at("keys").get<uint64_t>();
    band_bytes = header.at("blocks").at("bands").get<uint64_t>();
    // Version 2 has no sets block.
    if (version != 2) set_bytes = header.at("blocks").at("sets").get<uint64_t>();
  } catch (const nlohmann::json::exception&) {
    return damaged("the header has no valid \"blocks\"");
  }
  std::string_view rest = content.substr(nl + 1);
  // No sums: they could wrap around.
  if (key_bytes > rest.size() || band_bytes > rest.size() - key_bytes ||
      set_bytes != rest.size() - key_bytes - band_bytes)
    return damaged("the blocks hold " + std::to_string(rest.size()) + " bytes, the header says otherwise (keys " +
                   std::to_string(key_bytes) + ", bands " + std::to_string(band_bytes) + ", sets " +
                   std::to_string(set_bytes) + ")");

  RunState run;
  Result<Config> config = Config::from_json(header.contains("config") ? header["config"] : nlohmann::json());
  if (!config.ok()) return damaged(config.status().message());
  run.config = std::move(*config);
  Result<stats::PartialState> state = stats::PartialState::from_json(header.contains("state") ? header["state"] : nlohmann::json());
  if (!state.ok()) return damaged(state.status().message());
  run.state = std::move(*state);
  Result<stats::KeySet> keys = stats::KeySet::from_bytes(rest.substr(0, key_bytes));
  if (!keys.ok()) return damaged(keys.status().message());
  // "keys" is an object (PartialState::from_json checked); its count may be anything JSON holds.
  const nlohmann::json& key_info = header["state"]["keys"];
  const bool count_ok = !key_info.contains("count") ? keys->size() == 0
                        : key_info["count"].is_number_unsigned() && key_info["count"].get<uint64_t>() == keys->size();
  if (!count_ok) return damaged("the key block does not hold the number of keys of the header");
  run.state.keys = std::move(*keys);
  Status valid = run.state.validate();
  if (valid.ok()) valid = validate_counters(run.state);
  if (!valid.ok()) return damaged(valid.message());

  run.near = lsh::Index(run.config.near ? run.config.bands : 0);
  std::string_view band_block = rest.substr(key_bytes, band_bytes);
  if (!run.config.near && !band_block.empty()) return damaged("band keys without --near");
  if (run.config.near) {
    const size_t row_bytes = static_cast<size_t>(run.config.bands) * 8;
    if (band_block.size() % row_bytes != 0 || band_block.size() / row_bytes != run.state.keyed)
      return damaged("the band block does not hold one row of keys a record with text");
    std::vector<uint64_t> row(run.config.bands);
    for (size_t pos = 0; pos < band_block.size(); pos += row_bytes) {
      for (uint32_t b = 0; b < run.config.bands; ++b) row[b] = get_le(band_block.data() + pos + 8 * b);
      DQPREP_RETURN_IF_ERROR(run.near.add(row));
    }
  }

  std::string_view set_block = rest.substr(key_bytes + band_bytes);
  if (!run.config.near_verify && !set_block.empty()) return damaged("shingle sets without near_verify");
  if (run.config.near_verify) {
    // Each record with text has one set: u32 n, then n increasing u32.
    run.set_at.reserve(std::min<uint64_t>(run.state.keyed, set_block.size() / sizeof(uint32_t)));
    for (size_t pos = 0; pos < set_block.size();) {
      if (run.set_at.size() == run.state.keyed) return damaged("more shingle sets than records with text");
      uint32_t n = 0;
      if (set_block.size() - pos < sizeof n) return damaged("a shingle set is cut short");
      std::memcpy(&n, set_block.data() + pos, sizeof n);
      if ((set_block.size() - pos - sizeof n) / sizeof(uint32_t) < n) return damaged("a shingle set is cut short");
      const char* at = set_block.data() + pos + sizeof n;
      uint32_t previous = 0;
      for (uint32_t k = 0; k < n; ++k) {
        uint32_t v;
        std::memcpy(&v, at + size_t{k} * sizeof v, sizeof v);
        if (k > 0 && v <= previous) return damaged("a shingle set is not sorted and unique");
        previous = v;
      }
      run.set_at.push_back(pos);
      pos += sizeof n + size_t{n} * sizeof(uint32_t);
    }
    if (run.set_at.size() != run.state.keyed) return damaged("fewer shingle sets than records with text");
    run.sets = std::make_shared<shingle_sets::Spill>();
    DQPREP_RETURN_IF_ERROR(run.sets->open());
    DQPREP_RETURN_IF_ERROR(run.sets->append_block(set_block).status());
    DQPREP_RETURN_IF_ERROR(run.sets->finish());
  }
  return run;
}

Status merge(RunState& into, const RunState& later, std::string_view later_name) {
  if (!(into.config == later.config)) {
    nlohmann::json a = into.config.to_json(), b = later.config.to_json();
    std::string differs;
    // Over the keys of both: a state leaves out what it did not measure (near_threshold).
    for (const auto& [key, value] : a.items())
      if (!b.contains(key) || b[key] != value) differs += (differs.empty() ? "" : ", ") + key;
    for (const auto& [key, value] : b.items())
      if (!a.contains(key)) differs += (differs.empty() ? "" : ", ") + key;
    return Status::usage(std::string(later_name) + ": made with other options than the first partial state (" +
                         differs + " differ); merge only the partials of one configuration");
  }
  // Every count of a valid state is at most its n, the counters aside: when these sums fit, all do.
  bool overflows = later.state.n > UINT64_MAX - into.state.n;
  for (const auto& [name, c] : later.state.counters) overflows = overflows || c > UINT64_MAX - counter(into.state, name);
  if (overflows)
    return Status::bad_input(std::string(later_name) + ": damaged partial-state file (its counts overflow the merge)");
  into.state.merge(later.state);
  for (uint32_t r = 0; r < later.near.size(); ++r) DQPREP_RETURN_IF_ERROR(into.near.add(later.near.keys(r)));
  if (into.config.near_verify) {
    if (into.set_at.size() + later.set_at.size() != into.near.size() || (!later.set_at.empty() && !later.sets))
      return Status::bad_input(std::string(later_name) + ": damaged partial-state file (shingle sets missing)");
    // A copy of a RunState shares its file: `into` gets one of its own before it grows.
    if (!into.sets || into.sets.use_count() > 1 || into.sets == later.sets) {
      auto own = std::make_shared<shingle_sets::Spill>();
      DQPREP_RETURN_IF_ERROR(own->open());
      if (into.sets) DQPREP_RETURN_IF_ERROR(into.sets->copy_to(*own));
      into.sets = std::move(own);
    }
    const uint64_t base = into.sets->size();
    if (later.sets) DQPREP_RETURN_IF_ERROR(later.sets->copy_to(*into.sets));
    DQPREP_RETURN_IF_ERROR(into.sets->finish());
    const size_t n = later.set_at.size();
    for (size_t i = 0; i < n; ++i) into.set_at.push_back(base + later.set_at[i]);
  }
  return {};
}

}  // namespace dqprep::metrics
