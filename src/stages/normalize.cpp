// dqprep normalize: Unicode and white-space clean-up of the text fields and labels.
#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/text/mojibake.hpp"
#include "dqprep/text/normalize_text.hpp"
#include "dqprep/text/redact.hpp"
#include "stages/parsers.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

struct NormalizeOptions {
  CommonOptions common;
  std::string form = "nfkc";
  bool keep_whitespace = false;
  bool keep_control = false;
  bool lowercase = false;
  bool strip_html = false;
  bool unify_punct = false;
  bool fix_mojibake = false;
  std::string redact;
  std::string label_map;
  std::string label_case = "keep";
};

struct Setup {
  Fields fields;
  text::NormalizeOptions text;
  LabelMap label_map;
  std::unordered_set<std::string> canonical_labels;  // the values of label_map
  bool label_lower = false;
  bool touch_labels = false;
  std::unique_ptr<redact::Detector> redactor;        // --redact
  record::Path redacted = *record::parse_path("_redacted");
};

class NormalizeProcessor : public stream::RecordProcessor {
 public:
  explicit NormalizeProcessor(const Setup& setup) : setup_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    std::string_view raw = line.text;
    if (!text::is_valid_utf8(raw)) {
      size_t replaced = text::repair_utf8(raw, repaired_);
      out.count("invalid_utf8", replaced);
      repaired_.append(io::kPadding, '\0');
      raw = std::string_view(repaired_.data(), repaired_.size() - io::kPadding);
    }
    DQPREP_RETURN_IF_ERROR(parser_.parse(raw));
    edits_.clear();
    found_.fill(0);
    for (const record::Path& path : setup_.fields.text) {
      values_.clear();
      bool found = false;
      DQPREP_RETURN_IF_ERROR(parser_.strings(path, values_, found));
      if (!found) return Status::bad_input("missing text field '" + path.text + "'");
      for (const record::StringValue& v : values_) {
        const uint64_t repaired = counts_.mojibake_fixed;
        bool changed = text::normalize(v.text, setup_.text, normalized_, counts_);
        if (counts_.mojibake_fixed != repaired) out.count("mojibake_fixed");
        std::string_view result = changed ? std::string_view(normalized_) : v.text;
        if (setup_.redactor && setup_.redactor->redact(result, redacted_, found_, hits_) > 0) {
          result = redacted_;
          changed = true;
        }
        if (!changed) continue;
        record::Edit edit{v.offset, v.length, {}};
        json_text::append_string(edit.text, result);
        edits_.push_back(std::move(edit));
        out.count("changed_fields");
      }
    }
    if (setup_.touch_labels) DQPREP_RETURN_IF_ERROR(normalize_label(out));
    if (setup_.redactor) DQPREP_RETURN_IF_ERROR(mark_redacted(out));
    if (edits_.empty() && raw.data() == line.text.data()) {
      out.keep(raw);
      return {};
    }
    record::apply_edits(raw, edits_, edited_);
    out.count("changed_records");
    out.keep(edited_);
    return {};
  }

 private:
  // Label text: normalized like the texts, lowercased with --label-case lower, then mapped.
  Status normalize_label(stream::Emitter& out) {
    std::optional<std::string_view> label, raw_label;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(setup_.fields.label, label));
    if (!label) return {};
    DQPREP_RETURN_IF_ERROR(parser_.raw_value(setup_.fields.label, raw_label));
    std::string value(*label);
    const uint64_t repaired = counts_.mojibake_fixed;
    text::normalize(value, setup_.text, normalized_, counts_);
    if (counts_.mojibake_fixed != repaired) out.count("mojibake_fixed");
    value = setup_.label_lower ? text::lowercase(normalized_) : normalized_;
    if (!setup_.label_map.empty()) {
      auto it = setup_.label_map.find(value);
      if (it == setup_.label_map.end()) it = setup_.label_map.find(std::string(*label));
      if (it != setup_.label_map.end()) {
        value = it->second;
        out.count("labels_mapped");
      } else if (!setup_.canonical_labels.count(value)) {
        out.count("labels_unmapped");
      }
    }
    if (value == *label) return {};  // unchanged; a number or boolean label stays one
    record::Edit edit{static_cast<size_t>(raw_label->data() - parser_.line().data()), raw_label->size(), {}};
    json_text::append_string(edit.text, value);
    edits_.push_back(std::move(edit));
    out.count("changed_labels");
    return {};
  }

  // _redacted: what this record had redacted, by kind; added to the object an earlier run wrote
  // (whose other members are kept).
  Status mark_redacted(stream::Emitter& out) {
    uint64_t total = 0;
    for (uint64_t n : found_) total += n;
    if (total == 0) return {};
    out.count("redacted_records");
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    std::optional<std::string_view> earlier;
    DQPREP_RETURN_IF_ERROR(parser_.raw_value(setup_.redacted, earlier));
    if (earlier && earlier->front() == '{') {
      counts = nlohmann::ordered_json::parse(*earlier, nullptr, false);  // valid: the line parsed
    }
    for (size_t k = 0; k < redact::kKinds; ++k) {
      if (found_[k] == 0) continue;
      const std::string name(redact::kind_name(static_cast<redact::Kind>(k)));
      std::string figure = "redacted_";
      figure += name;
      out.count(figure, found_[k]);
      nlohmann::ordered_json& n = counts[name];
      n = (n.is_number_unsigned() ? n.get<uint64_t>() : 0) + found_[k];
    }
    return record::set_top_level(parser_, "_redacted", counts.dump(), edits_);
  }

  const Setup& setup_;
  record::Parser parser_;
  std::vector<record::StringValue> values_;
  std::vector<record::Edit> edits_;
  std::vector<redact::Hit> hits_;
  redact::Counts found_{};
  std::string repaired_, normalized_, redacted_, edited_;
  text::NormalizeCounts counts_;
};

Result<LabelMap> load_label_map(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_file(path));
  return parse_label_map(text, path);
}

Status run_normalize(const NormalizeOptions& o) {
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  Setup setup;
  setup.fields = fields;
  setup.text.form = o.form == "nfc" ? text::UnicodeForm::nfc
                    : o.form == "none" ? text::UnicodeForm::none
                                       : text::UnicodeForm::nfkc;
  setup.text.fold_whitespace = !o.keep_whitespace;
  setup.text.remove_control = !o.keep_control;
  setup.text.lowercase = o.lowercase;
  setup.text.strip_html = o.strip_html;
  setup.text.unify_punct = o.unify_punct;
  setup.text.fix_mojibake = o.fix_mojibake;
  if (o.fix_mojibake) DQPREP_RETURN_IF_ERROR(text::prepare_mojibake_repair());
  if (!o.label_map.empty()) {
    DQPREP_ASSIGN_OR_RETURN(LabelMap map, load_label_map(o.label_map));
    setup.label_map = std::move(map);
    for (const auto& [raw, canonical] : setup.label_map) setup.canonical_labels.insert(canonical);
  }
  if (!o.redact.empty()) {
    DQPREP_ASSIGN_OR_RETURN(redact::KindSet kinds, redact::parse_kinds("--redact", o.redact));
    setup.redactor = std::make_unique<redact::Detector>(kinds);
  }
  setup.label_lower = o.label_case == "lower";
  setup.touch_labels = setup.label_lower || !setup.label_map.empty();

  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  return run_streaming(o.common, so, [&] { return std::make_unique<NormalizeProcessor>(setup); }, "normalize",
                       [&](report::Summary& s) {
                         const char* no_labels = "labels untouched: give --label-map or --label-case lower";
                         std::vector<SchemaField> schema{
                             {"invalid_utf8"},
                             {"changed_fields"},
                             {"changed_records"},
                             setup.touch_labels ? SchemaField{"changed_labels"} : not_applicable("changed_labels", no_labels),
                             setup.label_map.empty() ? not_applicable("labels_mapped", "no --label-map")
                                                     : SchemaField{"labels_mapped"},
                             setup.label_map.empty() ? not_applicable("labels_unmapped", "no --label-map")
                                                     : SchemaField{"labels_unmapped"},
                             o.fix_mojibake ? SchemaField{"mojibake_fixed"}
                                            : not_applicable("mojibake_fixed", "no --fix-mojibake")};
                         // --redact: the records changed and the items of each kind; every kind
                         // present, 0 for a kind asked for and not found, null for one not asked for.
                         schema.push_back(setup.redactor ? SchemaField{"redacted_records"}
                                                         : not_applicable("redacted_records", "no --redact"));
                         for (size_t k = 0; k < redact::kKinds; ++k) {
                           const auto kind = static_cast<redact::Kind>(k);
                           std::string key = "redacted_" + std::string(redact::kind_name(kind));
                           schema.push_back(setup.redactor && redact::has(setup.redactor->kinds(), kind)
                                                ? SchemaField{key}
                                                : not_applicable(key, "not in --redact"));
                         }
                         fix_schema(s, schema);
                         return Status();
                       });
}

}  // namespace

Result<LabelMap> parse_label_map(std::string_view text, const std::string& path) {
  if (json_text::nesting_depth(text) > json_text::kMaxConfigDepth) {
    return Status::usage("--label-map " + path + ": nested deeper than " + std::to_string(json_text::kMaxConfigDepth) +
                         " levels");
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::usage("--label-map " + path + ": expected a JSON object {\"raw label\": \"canonical label\", ...}");
  }
  LabelMap map;
  for (const auto& [raw, canonical] : j.items()) {
    if (!canonical.is_string()) {
      return Status::usage("--label-map " + path + ": the value of '" + raw + "' is not a string");
    }
    map[raw] = canonical.get<std::string>();
  }
  return map;
}

StageRunner setup_normalize(CLI::App& app) {
  auto o = std::make_shared<NormalizeOptions>();
  CLI::App* sub = app.add_subcommand("normalize", "Unicode and white-space clean-up of the text fields and labels");
  sub->footer(
      "Fields other than the text fields (and the label, with --label-map or --label-case) pass through\n"
      "byte for byte. Invalid UTF-8 is replaced by U+FFFD and counted (invalid_utf8).\n"
      "Example:\n"
      "  dqprep normalize --format chat --unify-punct --label-case lower raw.jsonl.gz -o clean.jsonl");
  add_common_options(*sub, o->common);
  sub->add_option("--form", o->form, "Unicode normalization form: nfc, nfkc or none")
      ->check(CLI::IsMember({"nfc", "nfkc", "none"}))
      ->capture_default_str();
  sub->add_flag("--keep-whitespace", o->keep_whitespace, "Do not fold runs of white space or trim");
  sub->add_flag("--keep-control", o->keep_control, "Keep control and zero-width characters");
  sub->add_flag("--lowercase", o->lowercase, "Lowercase the texts (full Unicode)");
  sub->add_flag("--strip-html", o->strip_html, "Remove HTML tags and decode character references");
  sub->add_flag("--unify-punct", o->unify_punct, "Curly quotes, dashes and ellipsis to ASCII");
  sub->add_flag("--fix-mojibake", o->fix_mojibake,
                "Repair UTF-8 read as Windows-125x, Latin-1, MacRoman or CP437 (\"cafÃ©\" -> \"café\"), as ftfy");
  sub->add_option("--redact", o->redact,
                  "Replace personal data by placeholders (<EMAIL>, ...) and count it in _redacted: a list of "
                  "email, phone, ip, url, credit-card, iban, api-key, or all")
      ->type_name("KINDS");
  sub->add_option("--label-map", o->label_map, "JSON object mapping raw labels to canonical ones")
      ->type_name("FILE");
  sub->add_option("--label-case", o->label_case, "keep or lower: the case of labels")
      ->check(CLI::IsMember({"keep", "lower"}))
      ->capture_default_str();
  return [o] { return run_normalize(*o); };
}

}  // namespace dqprep::stages
