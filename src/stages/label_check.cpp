// dqprep label-check: label validity, conflicts, annotator agreement, consensus, likely label errors.
//
// Two passes. Pass 1 reads every record on the worker threads into compact state (label text, an
// XXH3-128 key of the text, the ratings, the predicted probabilities), interned into ids on the
// writing thread in input order. Between the passes every global decision is taken (consensus,
// conflict groups, label issues, what each record gets). Pass 2 writes: untouched records as their
// original bytes, edited ones with the new values spliced in, dropped ones to --rejects.
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>
#include <numeric>

#include "dqprep/labels/agreement.hpp"
#include "dqprep/labels/dawid_skene.hpp"
#include "dqprep/labels/findings_text.hpp"
#include "dqprep/util/hash.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/labels/label_conflicts.hpp"
#include "dqprep/labels/label_issues.hpp"
#include "dqprep/labels/probabilities.hpp"
#include "dqprep/labels/label_vocabulary.hpp"
#include "dqprep/dedup/lsh.hpp"
#include "dqprep/dedup/minhash.hpp"
#include "dqprep/dedup/shingle.hpp"
#include "dqprep/io/state_bytes.hpp"
#include "dqprep/text/text_key.hpp"
#include "stages/label_check_review.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

namespace od = simdjson::ondemand;
using report::Json;

struct LabelCheckOptions {
  CommonOptions common;
  std::string rejects;
  std::string labels;
  bool drop_invalid = false;
  bool no_conflicts = false;
  bool normalize_key = false;
  bool near = false;
  size_t ngram = shingle::kDefaultNgram;
  uint32_t num_perm = minhash::kDefaultNumPerm;
  uint32_t bands = lsh::kDefaultBands;
  double threshold = 0.8;
  std::string resolve = "none";
  std::string conflicts;
  std::string annotations_field;
  bool long_form = false;
  std::string item_field;
  std::string annotator_field;
  std::string level = "nominal";
  std::string weights = "none";
  std::string consensus = "none";
  std::string probs_field;
  std::string classes;
  std::string method = "confident-learning";
  std::string joint_rule = "cleanlab";
  bool explain = false;
  bool drop = false;
  bool renormalize = false;
  bool relabel = false;
  double relabel_min = 0.5;
  double max_flag_rate = 0.5;
  bool force = false;
  size_t samples = 10;
  double max_conflict_rate = 0, min_agreement = 0, min_alpha = 0, max_issue_rate = 0, max_invalid_rate = 0;
  checks::GateFlags gates;
  bool review = false;
  // Set by setup: which flags were given.
  CLI::Option* level_opt = nullptr;
  CLI::Option* weights_opt = nullptr;
  CLI::Option* method_opt = nullptr;
  CLI::Option* joint_rule_opt = nullptr;
  CLI::Option* classes_opt = nullptr;
  CLI::Option* ngram_opt = nullptr;
  CLI::Option* num_perm_opt = nullptr;
  CLI::Option* bands_opt = nullptr;
  CLI::Option* threshold_opt = nullptr;
  CLI::Option* max_conflict_rate_opt = nullptr;
  CLI::Option* min_agreement_opt = nullptr;
  CLI::Option* min_alpha_opt = nullptr;
  CLI::Option* max_issue_rate_opt = nullptr;
  CLI::Option* max_invalid_rate_opt = nullptr;
  CLI::Option* max_flag_rate_opt = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Pass-1 state: one entry per record, appended to Emitter::state().

using state_bytes::put;
using state_bytes::put_bytes;

// The kind byte of a label in the state.
enum : uint8_t { kLabelNull = 0, kLabelEmpty = 1, kLabelString = 2, kLabelNumber = 3, kLabelBoolean = 4 };

labels::Kind to_kind(uint8_t k) {
  return k == kLabelNumber ? labels::Kind::number : k == kLabelBoolean ? labels::Kind::boolean : labels::Kind::string;
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Label values of the record (not of the ratings).
constexpr int32_t kMissingLabel = -1;
constexpr int32_t kEmptyLabel = -2;

// What the options make of the records, shared read-only by the workers.
// How the labels of rated records are settled (--consensus).
enum class ConsensusMethod { none, majority, dawid_skene };

struct Setup {
  Fields fields;
  bool conflicts = true;
  bool normalize_key = false;
  bool near = false;  // conflicts between near-duplicate texts: MinHash LSH
  size_t ngram = 0;
  uint32_t rows = 0;
  uint32_t bands = 0;
  std::unique_ptr<minhash::MinHasher> minhasher;
  bool long_form = false;
  ConsensusMethod consensus = ConsensusMethod::none;
  // The flags that choose a method, parsed once here.
  label_conflicts::Resolve resolve = label_conflicts::Resolve::none;
  agreement::Level level = agreement::Level::nominal;
  agreement::Weights weights = agreement::Weights::none;
  label_issues::Method method = label_issues::Method::confident_learning;
  label_issues::JointRule joint_rule = label_issues::JointRule::cleanlab;
  std::optional<record::Path> annotations, probs, item, annotator;
  bool renormalize = false;  // --renormalize: probabilities divided by their sum
  size_t num_classes = 0;
  bool label_top_level = false;  // the label path is one key: set_top_level can add it
};

// Reads what pass 1 needs of one record. Pass 2 runs it again on a line pass 1 found malformed, so
// that the line gets the same message.
class Collector {
 public:
  explicit Collector(const Setup& setup) : setup_(setup) {}

  record::Parser& parser() { return parser_; }

  // Appends the record's state to `buf`; on a bad_input error `buf` may hold a partial entry.
  Status collect(const stream::Line& line, std::string& buf) {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    put<uint64_t>(buf, line.index);
    bool label_exists = false;
    DQPREP_RETURN_IF_ERROR(read_label(buf, label_exists));
    if (setup_.long_form) {
      DQPREP_RETURN_IF_ERROR(read_name(*setup_.item, "item", buf));
      DQPREP_RETURN_IF_ERROR(read_name(*setup_.annotator, "annotator", buf));
    }
    if (setup_.conflicts) {
      Status s = joined_text(parser_, setup_.fields.text, strings_, joined_);
      if (!s.ok()) {
        return Status::bad_input(s.message() + " (conflicts compare texts; --no-conflicts checks labels without them)");
      }
      hash::Key128 key;
      if (setup_.normalize_key) {
        text::key_form(joined_, keyed_);
        key = hash::xxh3_128(keyed_);
      } else {
        key = hash::xxh3_128(joined_);
      }
      put(buf, key);
      if (setup_.near) near_state(key, buf);
    }
    uint32_t rated = 0;
    if (setup_.annotations) DQPREP_RETURN_IF_ERROR(read_annotations(buf, rated));
    if (setup_.consensus != ConsensusMethod::none && !setup_.label_top_level && !label_exists && (rated > 0 || setup_.long_form)) {
      return Status::bad_input("the record has no field '" + setup_.fields.label.text +
                               "' for the consensus label, and a nested field cannot be added; give a top-level "
                               "--label-field");
    }
    if (setup_.probs) DQPREP_RETURN_IF_ERROR(read_probs(buf));
    return {};
  }

 private:
  // The record's LSH band keys and MinHash signature. A text without words has no shingles: its
  // band keys come from its exact key, so that only identical texts are its candidates.
  void near_state(const hash::Key128& key, std::string& buf) {
    shingle::shingle_hashes(joined_, setup_.ngram, shingles_, hashes_);
    size_t perms = setup_.minhasher->num_perm();
    signature_.resize(perms);
    band_keys_.resize(setup_.bands);
    if (hashes_.empty()) {
      std::fill(signature_.begin(), signature_.end(), minhash::kEmptyValue);
      std::string_view bytes(reinterpret_cast<const char*>(&key), sizeof key);
      for (uint32_t b = 0; b < setup_.bands; ++b) band_keys_[b] = hash::xxh3_64(bytes, b);
    } else {
      setup_.minhasher->signature(hashes_, signature_);
      lsh::band_keys(signature_, setup_.rows, band_keys_);
    }
    state_bytes::put_array<uint64_t>(buf, band_keys_);
    state_bytes::put_array<uint32_t>(buf, signature_);
  }

  Status read_label(std::string& buf, bool& exists) {
    std::optional<std::string_view> raw;
    DQPREP_RETURN_IF_ERROR(parser_.raw_value(setup_.fields.label, raw));
    exists = raw.has_value();
    if (!raw || *raw == "null") {
      put<uint8_t>(buf, kLabelNull);
      return {};
    }
    char c = raw->front();
    if (c == '{' || c == '[') {
      return Status::bad_input("field '" + setup_.fields.label.text + "' is " + (c == '{' ? "an object" : "an array") +
                               ", not a label");
    }
    if (c == '"') {
      std::optional<std::string_view> text;
      DQPREP_RETURN_IF_ERROR(parser_.scalar_text(setup_.fields.label, text));
      if (blank(*text)) {
        put<uint8_t>(buf, kLabelEmpty);
        return {};
      }
      put<uint8_t>(buf, kLabelString);
      put_bytes(buf, *text);
    } else if (c == 't' || c == 'f') {
      put<uint8_t>(buf, kLabelBoolean);
      put_bytes(buf, *raw);
    } else {
      labels::canonical_number(*raw, number_);
      put<uint8_t>(buf, kLabelNumber);
      put_bytes(buf, number_);
    }
    return {};
  }

  // The item or annotator of a long-form line: a string or a number, required.
  Status read_name(const record::Path& path, const char* what, std::string& buf) {
    std::optional<std::string_view> text;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(path, text));
    if (!text) return Status::bad_input(std::string("missing ") + what + " field '" + path.text + "'");
    put_bytes(buf, *text);
    return {};
  }

  static Status json_error(simdjson::error_code e) {
    if (e == simdjson::MEMALLOC) throw std::bad_alloc();  // out of memory (exit 4), not bad input
    return Status::bad_input(std::string("bad JSON: ") + simdjson::error_message(e));
  }

  // A label inside the annotations: kind and text (valid until the next element is read).
  Status scalar_of(od::value v, const char* what, uint8_t& kind, std::string_view& text, std::string& number) {
    od::json_type t;
    if (auto e = v.type().get(t)) return json_error(e);
    switch (t) {
      case od::json_type::null: kind = kLabelNull; return {};
      case od::json_type::string:
        if (auto e = v.get_string().get(text)) return json_error(e);
        kind = blank(text) ? kLabelEmpty : kLabelString;
        return {};
      case od::json_type::number:
        labels::canonical_number(trim_right(v.raw_json_token()), number);
        text = number;
        kind = kLabelNumber;
        return {};
      case od::json_type::boolean:
        text = trim_right(v.raw_json_token());
        kind = kLabelBoolean;
        return {};
      default:
        return Status::bad_input("field '" + setup_.annotations->text + "': " + what + " is " +
                                 (t == od::json_type::object ? "an object" : "an array") + ", not a label");
    }
  }

  Status bad_shape(const char* found) const {
    return Status::bad_input("field '" + setup_.annotations->text + "' " + found +
                             "; it must be an array of labels (null = not rated) or of {\"annotator\", \"label\"} objects");
  }

  // Layout: u32 ratings, u32 empty ratings, then per rating: u8 form (0: position u32, 1: name str),
  // u8 label kind, label str.
  Status read_annotations(std::string& buf, uint32_t& rated) {
    std::optional<std::string_view> raw;
    DQPREP_RETURN_IF_ERROR(parser_.raw_value(*setup_.annotations, raw));
    size_t counts_at = buf.size();
    put<uint32_t>(buf, 0);
    put<uint32_t>(buf, 0);
    if (!raw || *raw == "null") return {};
    if (raw->front() != '[') return bad_shape("is not an array");
    // The raw array lies inside the line, which io::kPadding (>= SIMDJSON_PADDING) readable bytes follow.
    od::document doc;
    if (auto e = sub_.iterate(raw->data(), raw->size(), raw->size() + simdjson::SIMDJSON_PADDING).get(doc)) {
      return json_error(e);
    }
    od::array arr;
    if (auto e = doc.get_array().get(arr)) return json_error(e);
    uint32_t position = 0, empty = 0;
    int form = 0;  // 1: labels by position, 2: {annotator, label} objects
    for (auto element : arr) {
      od::value v;
      if (auto e = element.get(v)) return json_error(e);
      od::json_type t;
      if (auto e = v.type().get(t)) return json_error(e);
      uint8_t kind = kLabelNull;
      std::string_view label;
      if (t == od::json_type::object) {
        if (form == 1) return bad_shape("mixes labels and objects");
        form = 2;
        od::object obj;
        if (auto e = v.get_object().get(obj)) return json_error(e);
        od::value a;
        auto e = obj.find_field_unordered("annotator").get(a);
        if (e == simdjson::NO_SUCH_FIELD) return Status::bad_input("field '" + setup_.annotations->text + "': an element has no \"annotator\"");
        if (e) return json_error(e);
        uint8_t name_kind = kLabelNull;
        std::string_view name;
        DQPREP_RETURN_IF_ERROR(scalar_of(a, "an annotator", name_kind, name, name_number_));
        if (name_kind == kLabelNull || name_kind == kLabelEmpty) {
          return Status::bad_input("field '" + setup_.annotations->text + "': an annotator is null or empty");
        }
        name_ = name;  // the label's string may move the parser's string buffer on
        od::value l;
        e = obj.find_field_unordered("label").get(l);
        if (e && e != simdjson::NO_SUCH_FIELD) return json_error(e);
        if (!e) DQPREP_RETURN_IF_ERROR(scalar_of(l, "a label", kind, label, number_));
        if (kind == kLabelEmpty) ++empty;
        if (kind == kLabelNull || kind == kLabelEmpty) continue;
        put<uint8_t>(buf, 1);
        put_bytes(buf, name_);
      } else {
        if (form == 2) return bad_shape("mixes labels and objects");
        form = 1;
        DQPREP_RETURN_IF_ERROR(scalar_of(v, "an element", kind, label, number_));
        uint32_t p = position++;
        if (kind == kLabelEmpty) ++empty;
        if (kind == kLabelNull || kind == kLabelEmpty) continue;
        put<uint8_t>(buf, 0);
        put<uint32_t>(buf, p);
      }
      put<uint8_t>(buf, kind);
      put_bytes(buf, label);
      ++rated;
    }
    std::memcpy(buf.data() + counts_at, &rated, sizeof rated);
    std::memcpy(buf.data() + counts_at + sizeof rated, &empty, sizeof empty);
    return {};
  }

  Status read_probs(std::string& buf) {
    probs_.clear();
    bool found = false;
    DQPREP_RETURN_IF_ERROR(parser_.numbers(*setup_.probs, probs_, found));
    const std::string& name = setup_.probs->text;
    if (!found) return Status::bad_input("missing probabilities field '" + name + "'");
    if (probs_.size() != setup_.num_classes) {
      return Status::bad_input("field '" + name + "' holds " + std::to_string(probs_.size()) + " numbers; --classes names " +
                               std::to_string(setup_.num_classes) + " classes");
    }
    DQPREP_ASSIGN_OR_RETURN(double divisor, probabilities::divisor(probs_, setup_.renormalize));
    for (double& p : probs_) p = std::clamp(p / divisor, 0.0, 1.0);
    state_bytes::put_array<double>(buf, probs_);
    return {};
  }

  const Setup& setup_;
  record::Parser parser_;
  od::parser sub_;
  std::vector<record::StringValue> strings_;
  std::vector<double> probs_;
  std::string joined_, keyed_, number_, name_number_, name_;
  shingle::Scratch shingles_;
  std::vector<uint64_t> hashes_, band_keys_;
  std::vector<uint32_t> signature_;
};

class CollectProcessor : public stream::RecordProcessor {
 public:
  explicit CollectProcessor(const Setup& setup) : collector_(setup) {}
  Status process(const stream::Line& line, stream::Emitter& out) override {
    std::string& state = out.state();
    size_t mark = state.size();
    Status s = collector_.collect(line, state);
    if (!s.ok()) state.resize(mark);
    return s;
  }

 private:
  Collector collector_;
};

// ---------------------------------------------------------------------------------------------
// What pass 1 learned, interned on the writing thread in input order.

struct Analysis {
  const Setup* setup = nullptr;
  size_t declared = 0;  // labels given by --labels: ids 0..declared-1
  labels::Vocabulary labels, annotators, items;
  std::vector<int32_t> position_annotator;  // annotator id of each position of the positional form

  std::vector<uint8_t> present;  // per record: pass 1 read it (else it was malformed)
  std::vector<int32_t> given;    // per record: label id, kMissingLabel or kEmptyLabel
  std::vector<hash::Key128> keys;
  std::unique_ptr<lsh::Index> near_index;  // --near: band keys of the records with a text, in order
  std::vector<uint32_t> signatures;        // --near: their MinHash signatures
  std::vector<uint32_t> near_record;       // --near: the record of each index entry
  std::vector<uint64_t> band_buf;
  std::vector<double> probs;        // records x classes
  std::vector<uint32_t> item_of;    // long form: the item of each line
  std::vector<uint32_t> item_head;  // long form: the first line of each item
  agreement::RatingMatrix ratings;
  uint64_t rating_count = 0;
  uint64_t duplicate_ratings = 0;  // the same annotator twice on one item: the first rating counts
  uint64_t records = 0;
  uint64_t empty_ratings = 0;
  uint64_t invalid_ratings = 0;  // outside --labels: left out of the agreement figures
  std::vector<uint8_t> sighted;  // per label id: seen in the data (its kind is then the data's)

  void grow(uint64_t index) {
    if (index < present.size()) return;
    size_t n = static_cast<size_t>(index) + 1;
    present.resize(n, 0);
    given.resize(n, kMissingLabel);
    if (setup->conflicts) keys.resize(n);
    if (setup->probs) probs.resize(n * setup->num_classes, 0.0);
    if (setup->long_form) item_of.resize(n, 0);
  }

  int32_t intern_label(uint8_t kind, std::string_view text) {
    int32_t id = labels.intern(text, to_kind(kind));
    if (static_cast<size_t>(id) >= sighted.size()) sighted.resize(static_cast<size_t>(id) + 1, 0);
    if (!sighted[static_cast<size_t>(id)]) {
      sighted[static_cast<size_t>(id)] = 1;
      labels.set_kind(id, to_kind(kind));  // a declared label is written back as the data writes it
    }
    return id;
  }

  // Whether the data writes some label as a JSON number.
  bool numbers_seen() const {
    for (size_t id = 0; id < sighted.size(); ++id) {
      if (sighted[id] && labels.kind(static_cast<int32_t>(id)) == labels::Kind::number) return true;
    }
    return false;
  }

  // A label named on the command line (--labels, --classes) that the data may never show: a number
  // when its text is one and the data writes numeric labels as numbers.
  int32_t intern_declared(const std::string& text, bool numbers) {
    bool numeric = numbers && labels::numeric_value(text).has_value();
    int32_t id = labels.intern(text, numeric ? labels::Kind::number : labels::Kind::string);
    if (static_cast<size_t>(id) >= sighted.size() || !sighted[static_cast<size_t>(id)]) {
      labels.set_kind(id, numeric ? labels::Kind::number : labels::Kind::string);
    }
    return id;
  }

  Status consume(std::string_view state) {
    state_bytes::Reader r(state);
    while (!r.done()) {
      auto index = r.get<uint64_t>();
      if (index >= UINT32_MAX) return Status::usage("label-check holds at most 4294967294 records in one run");
      grow(index);
      present[index] = 1;
      ++records;
      auto kind = r.get<uint8_t>();
      if (kind == kLabelEmpty) given[index] = kEmptyLabel;
      else if (kind != kLabelNull) given[index] = intern_label(kind, r.get_bytes());
      if (setup->long_form) {
        std::string_view item = r.get_bytes();
        std::string_view annotator = r.get_bytes();
        size_t before = items.size();
        auto id = static_cast<uint32_t>(items.intern(item, labels::Kind::string));
        if (items.size() > before) item_head.push_back(static_cast<uint32_t>(index));
        item_of[index] = id;
        int32_t label = given[index];
        if (label >= 0) add_rating(id, static_cast<uint32_t>(annotators.intern(annotator, labels::Kind::string)), label);
        else if (label == kEmptyLabel) ++empty_ratings;
      }
      if (setup->conflicts) keys[index] = r.get<hash::Key128>();
      if (setup->near) {
        band_buf.resize(setup->bands);
        r.get_array(band_buf.data(), setup->bands);
        DQPREP_RETURN_IF_ERROR(near_index->add(band_buf));
        size_t perms = setup->minhasher->num_perm();
        size_t at = signatures.size();
        signatures.resize(at + perms);
        r.get_array(signatures.data() + at, perms);
        near_record.push_back(static_cast<uint32_t>(index));
      }
      if (setup->annotations) {
        auto n = r.get<uint32_t>();
        empty_ratings += r.get<uint32_t>();
        for (uint32_t k = 0; k < n; ++k) {
          auto form = r.get<uint8_t>();
          uint32_t annotator;
          if (form == 0) {
            auto position = r.get<uint32_t>();
            // Positions 0..p are named "0".."p" as soon as p is seen, so that they keep their order.
            while (position_annotator.size() <= position) {
              position_annotator.push_back(
                  annotators.intern(std::to_string(position_annotator.size()), labels::Kind::number));
            }
            annotator = static_cast<uint32_t>(position_annotator[position]);
          } else {
            annotator = static_cast<uint32_t>(annotators.intern(r.get_bytes(), labels::Kind::string));
          }
          auto label_kind = r.get<uint8_t>();
          add_rating(static_cast<uint32_t>(index), annotator, intern_label(label_kind, r.get_bytes()));
        }
      }
      if (setup->probs) {
        size_t k = setup->num_classes;
        r.get_array(probs.data() + index * k, k);
      }
    }
    return {};
  }

  void add_rating(uint32_t row, uint32_t annotator, int32_t label) {
    if (declared > 0 && static_cast<size_t>(label) >= declared) {
      ++invalid_ratings;
      return;
    }
    if (ratings.set(row, annotator, label)) ++rating_count;
    else ++duplicate_ratings;
  }
};

// ---------------------------------------------------------------------------------------------
// The decisions taken between the passes.

enum class Reject : uint8_t { none, missing_label, empty_label, invalid_label, conflict_tie, conflict, issue, merged };

const char* rule_name(Reject r) {
  switch (r) {
    case Reject::missing_label: return "missing_label";
    case Reject::empty_label: return "empty_label";
    case Reject::invalid_label: return "invalid_label";
    case Reject::conflict_tie: return "label_conflict_tie";
    case Reject::conflict: return "label_conflict";
    case Reject::issue: return "label_issue";
    case Reject::merged: return "merged_into_item";
    case Reject::none: break;
  }
  return "";
}

struct Decision {
  int32_t write_label = -1;  // a label id to write into the label field
  int32_t group = -1;        // the conflicting group the record belongs to
  Reject reject = Reject::none;
  bool confidence : 1 = false;  // write label_confidence
  bool issue : 1 = false;       // write _label_issue
  bool name : 1 = false;        // pass 2 reports the record's name (conflict listing, samples)
  bool item_head : 1 = false;   // long form with --consensus: the line that stands for its item
  int32_t relabeled_from = -1;  // --relabel: the label id replaced by write_label (to label_original)
};

using Notes = std::vector<std::pair<std::string, std::string>>;  // (figure, why it is null)

struct Plan {
  Analysis a;
  std::vector<Decision> decisions;
  std::vector<int32_t> effective;  // per record: the label after the consensus, before --resolve
  agreement::Ratings ratings;
  std::vector<int32_t> category_label;  // category id -> label id
  agreement::Consensus consensus;
  bool has_consensus = false;
  label_conflicts::Conflicts conflicts;
  std::vector<int32_t> class_of_label;  // label id -> class index of --classes, or -1
  std::vector<int32_t> class_label;     // class index -> label id
  label_issues::Findings findings;
  std::vector<uint64_t> issue_samples;  // flagged records listed in the summary, lowest score first
  Json figures = Json::object();
  Notes notes;
};

Json statistic(const agreement::Statistic& s, const std::string& name, Notes& notes) {
  if (!s.value) {
    notes.emplace_back(name, s.note);
    return nullptr;
  }
  return *s.value;
}

Json ratio(uint64_t num, uint64_t den, const std::string& name, const std::string& why, Notes& notes) {
  if (den == 0) {
    notes.emplace_back(name, why);
    return nullptr;
  }
  return static_cast<double>(num) / static_cast<double>(den);
}

// Categories of the agreement figures: the declared labels (in --labels order), or the labels the
// ratings use, by numeric value when they are all numbers, else in order of first sight.
Status build_categories(const LabelCheckOptions& o, const Setup& setup, Plan& p, const std::vector<int32_t>& cells,
                        std::vector<double>& values) {
  Analysis& a = p.a;
  bool need_order = setup.level != agreement::Level::nominal || setup.weights != agreement::Weights::none;
  std::vector<int32_t> used;
  if (a.declared > 0) {
    for (size_t i = 0; i < a.declared; ++i) used.push_back(static_cast<int32_t>(i));
  } else {
    std::vector<uint8_t> seen(a.labels.size(), 0);
    for (int32_t label : cells)
      if (label != agreement::kNotRated) seen[static_cast<size_t>(label)] = 1;
    for (size_t i = 0; i < seen.size(); ++i)
      if (seen[i]) used.push_back(static_cast<int32_t>(i));
  }
  bool all_numeric = true;
  std::string not_numeric;
  for (int32_t id : used) {
    if (!labels::numeric_value(a.labels.text(id))) {
      all_numeric = false;
      if (not_numeric.empty()) not_numeric = a.labels.text(id);
    }
  }
  if (a.declared == 0 && all_numeric) {
    std::stable_sort(used.begin(), used.end(), [&](int32_t x, int32_t y) {
      return *labels::numeric_value(a.labels.text(x)) < *labels::numeric_value(a.labels.text(y));
    });
  }
  if (need_order && a.declared == 0 && !all_numeric) {
    return Status::usage(std::string(setup.level != agreement::Level::nominal ? "--level " + o.level : "--weights " + o.weights) +
                         " needs ordered labels: numbers, or --labels in their order (found the label '" + not_numeric +
                         "')");
  }
  if (setup.level == agreement::Level::ratio && !all_numeric) {
    return Status::usage("--level ratio needs numeric labels (found the label '" + not_numeric + "')");
  }
  p.category_label = used;
  values.clear();
  if (setup.level == agreement::Level::interval || setup.level == agreement::Level::ratio) {
    for (size_t c = 0; c < used.size(); ++c) {
      // Non-numeric declared labels are equally spaced, one apart, in --labels order.
      values.push_back(all_numeric ? *labels::numeric_value(a.labels.text(used[c])) : static_cast<double>(c + 1));
    }
  }
  return {};
}

// {label: value}, in the order given, or by value when every label is a number.
Json label_map_json(std::vector<std::pair<int32_t, Json>> entries, const labels::Vocabulary& v) {
  bool numeric = std::all_of(entries.begin(), entries.end(),
                             [&](const auto& e) { return labels::numeric_value(v.text(e.first)).has_value(); });
  if (numeric) {
    std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
      return *labels::numeric_value(v.text(a.first)) < *labels::numeric_value(v.text(b.first));
    });
  }
  Json j = Json::object();
  for (const auto& [id, value] : entries) j[v.text(id)] = value;
  return j;
}

// Agreement, per-annotator figures and the consensus, from the ratings.
Status agreement_figures(const LabelCheckOptions& o, const Setup& setup, Plan& p) {
  Analysis& a = p.a;
  Json& f = p.figures;
  size_t rows = o.long_form ? a.items.size() : a.present.size();
  agreement::Ratings& r = p.ratings;
  r.num_items = rows;
  r.num_annotators = a.annotators.size();
  r.ratings = a.ratings.take(rows, r.num_annotators);
  std::vector<double> values;
  DQPREP_RETURN_IF_ERROR(build_categories(o, setup, p, r.ratings, values));
  r.num_categories = static_cast<int32_t>(p.category_label.size());
  std::vector<int32_t> category_of(a.labels.size(), -1);
  for (size_t c = 0; c < p.category_label.size(); ++c) category_of[static_cast<size_t>(p.category_label[c])] = static_cast<int32_t>(c);
  std::vector<uint64_t> rating_classes(p.category_label.size(), 0);
  for (int32_t& cell : r.ratings) {
    if (cell == agreement::kNotRated) continue;
    cell = category_of[static_cast<size_t>(cell)];
    ++rating_classes[static_cast<size_t>(cell)];
  }
  uint64_t rated_items = 0, compared_items = 0;
  for (size_t i = 0; i < r.num_items; ++i) {
    size_t n = 0;
    for (int32_t v : r.row(i)) n += v != agreement::kNotRated;
    rated_items += n > 0;
    compared_items += n > 1;
  }
  f["items"] = o.long_form ? a.items.size() : a.records;
  f["items_rated"] = rated_items;
  f["items_compared"] = compared_items;
  f["ratings"] = a.rating_count;
  f["annotator_count"] = a.annotators.size();
  f["empty_ratings"] = a.empty_ratings;
  f["invalid_ratings"] = a.invalid_ratings;
  f["duplicate_ratings"] = a.duplicate_ratings;
  std::vector<std::pair<int32_t, Json>> rc;
  for (size_t c = 0; c < rating_classes.size(); ++c) rc.emplace_back(p.category_label[c], rating_classes[c]);
  f["rating_classes"] = label_map_json(rc, a.labels);
  f["level"] = o.level;
  f["weights"] = o.weights;

  agreement::PercentAgreement pa = agreement::percent_agreement(r);
  Json percent = statistic(pa.agreement, "percent_agreement", p.notes);
  f["percent_agreement"] = percent;
  f["annotation_consistency"] = percent;
  agreement::Statistic cohen;
  if (r.num_annotators != 2) {
    cohen.note = "needs exactly two annotators; found " + std::to_string(r.num_annotators);
  } else {
    cohen = agreement::cohen_kappa(r, setup.weights);
  }
  f["cohen_kappa"] = statistic(cohen, "cohen_kappa", p.notes);
  f["fleiss_kappa"] = statistic(agreement::fleiss_kappa(r).kappa, "fleiss_kappa", p.notes);
  f["krippendorff_alpha"] = statistic(agreement::krippendorff_alpha(r, setup.level, values), "krippendorff_alpha", p.notes);

  // The consensus: the one asked for, or the majority vote for the per-annotator figures.
  dawid_skene::Model model;
  if (setup.consensus == ConsensusMethod::dawid_skene) {
    model = dawid_skene::fit(r);
    if (!model.note.empty()) p.notes.emplace_back("dawid_skene", model.note);
    else if (!model.converged) {
      p.notes.emplace_back("dawid_skene", "stopped after " + std::to_string(model.iterations) +
                                              " iterations without converging; the consensus is that of the last one");
    }
    p.consensus = model.consensus;
  } else {
    p.consensus = agreement::majority_consensus(r);
  }
  if (p.consensus.labels.size() != r.num_items) {  // nothing to fit: every item is unrated
    p.consensus.labels.assign(r.num_items, agreement::kNotRated);
    p.consensus.confidence.assign(r.num_items, 0.0);
  }
  p.has_consensus = setup.consensus != ConsensusMethod::none;
  std::vector<agreement::AnnotatorFigures> per = agreement::annotator_figures(r, p.consensus.labels);
  Json pj = Json::object();
  for (size_t k = 0; k < per.size(); ++k) {
    Json x;
    x["ratings"] = per[k].ratings_given;
    x["compared"] = per[k].compared;
    x["agreed"] = per[k].agreed;
    Notes ignored;
    x["agreement_with_consensus"] = statistic(per[k].agreement_with_consensus, "", ignored);
    pj[a.annotators.text(static_cast<int32_t>(k))] = x;
  }
  f["per_annotator_consensus"] = setup.consensus == ConsensusMethod::dawid_skene ? "dawid-skene" : "majority";
  f["per_annotator"] = pj;

  if (!p.has_consensus) return {};
  f["consensus"] = o.consensus;
  f["consensus_ties"] = p.consensus.tied_items;
  if (setup.consensus == ConsensusMethod::dawid_skene) {
    Json ds;
    ds["iterations"] = model.iterations;
    ds["converged"] = model.converged;
    ds["log_likelihood"] = std::isfinite(model.log_likelihood) ? Json(model.log_likelihood) : Json(nullptr);
    size_t k = p.category_label.size();
    Json priors = Json::object();
    for (size_t c = 0; c < model.class_priors.size(); ++c) priors[a.labels.text(p.category_label[c])] = model.class_priors[c];
    ds["class_priors"] = priors;
    Json anns = Json::object();
    for (size_t n = 0; n < model.confusion.size(); ++n) {
      Json x;
      x["accuracy"] = model.accuracies[n] ? Json(*model.accuracies[n]) : Json(nullptr);
      Json conf = Json::object();
      for (size_t t = 0; t < k && model.confusion[n].size() == k * k; ++t) {
        Json row = Json::object();
        for (size_t l = 0; l < k; ++l) row[a.labels.text(p.category_label[l])] = model.confusion[n][t * k + l];
        conf[a.labels.text(p.category_label[t])] = row;
      }
      x["confusion"] = conf;
      anns[a.annotators.text(static_cast<int32_t>(n))] = x;
    }
    ds["annotators"] = anns;
    f["dawid_skene"] = ds;
  }
  return {};
}

// The consensus label id of row i, or -1 when nobody rated it.
int32_t consensus_label(const Plan& p, size_t row) {
  int32_t c = p.consensus.labels[row];
  return c == agreement::kNotRated ? -1 : p.category_label[static_cast<size_t>(c)];
}

Status build_plan(const LabelCheckOptions& o, const Setup& setup, Plan& p) {
  Analysis& a = p.a;
  size_t n = a.present.size();
  Json& f = p.figures;
  p.decisions.assign(n, Decision{});

  // Declared labels the data never showed are written as the data writes its labels.
  bool numeric_data = a.numbers_seen();
  for (size_t id = 0; id < a.declared; ++id) a.intern_declared(a.labels.text(static_cast<int32_t>(id)), numeric_data);

  // Validity of the labels as given.
  uint64_t missing = 0, empty = 0, invalid = 0, labeled = 0;
  std::vector<uint64_t> class_counts(a.labels.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    if (!a.present[i]) continue;
    int32_t g = a.given[i];
    if (g == kMissingLabel) ++missing;
    else if (g == kEmptyLabel) ++empty;
    else {
      ++labeled;
      ++class_counts[static_cast<size_t>(g)];
      if (a.declared > 0 && static_cast<size_t>(g) >= a.declared) ++invalid;
    }
  }
  f["labeled"] = labeled;
  f["missing_labels"] = missing;
  f["empty_labels"] = empty;
  f["invalid_labels"] = invalid;
  f["invalid_rate"] = ratio(missing + empty + invalid, a.records, "invalid_rate", "no records", p.notes);
  std::vector<std::pair<int32_t, Json>> classes;
  for (size_t id = 0; id < class_counts.size(); ++id) {
    if (class_counts[id] > 0 || id < a.declared) classes.emplace_back(static_cast<int32_t>(id), class_counts[id]);
  }
  f["classes"] = label_map_json(classes, a.labels);
  if (a.declared > 0) {
    Json outside = Json::array();
    for (size_t id = a.declared; id < class_counts.size() && outside.size() < o.samples; ++id) {
      if (class_counts[id] > 0) outside.push_back(a.labels.text(static_cast<int32_t>(id)));
    }
    f["invalid_label_values"] = outside;
  }

  // Agreement and consensus.
  if (setup.annotations || setup.long_form) DQPREP_RETURN_IF_ERROR(agreement_figures(o, setup, p));

  // The label of each record after the consensus.
  p.effective = a.given;
  uint64_t changed = 0, unrated = 0, filled = 0;
  auto invalid_given = [&](size_t i) {
    int32_t g = a.given[i];
    return g < 0 || (a.declared > 0 && static_cast<size_t>(g) >= a.declared);
  };
  if (p.has_consensus && !setup.long_form) {
    for (size_t i = 0; i < n; ++i) {
      if (!a.present[i]) continue;
      int32_t c = consensus_label(p, i);
      if (c < 0) {
        ++unrated;
        continue;
      }
      Decision& d = p.decisions[i];
      d.confidence = true;
      if (c != a.given[i]) {
        ++changed;
        filled += invalid_given(i);
        d.write_label = c;
      }
      p.effective[i] = c;
    }
    f["consensus_changed"] = changed;
    f["consensus_filled"] = filled;
    f["consensus_unrated"] = unrated;
  }
  if (setup.long_form) {
    std::vector<uint8_t> head(n, 0);
    for (uint32_t line : a.item_head) head[line] = 1;
    for (size_t i = 0; i < n; ++i) {
      if (!a.present[i] || !p.has_consensus) continue;
      Decision& d = p.decisions[i];
      if (!head[i]) {
        d.reject = Reject::merged;
        continue;
      }
      d.item_head = true;
      int32_t c = consensus_label(p, a.item_of[i]);
      if (c >= 0) {
        d.confidence = true;
        d.write_label = c;
        p.effective[i] = c;
      }
    }
  }

  // --drop-invalid: the label each record would leave with is checked.
  if (o.drop_invalid) {
    for (size_t i = 0; i < n; ++i) {
      Decision& d = p.decisions[i];
      if (!a.present[i] || d.reject != Reject::none) continue;
      int32_t e = p.effective[i];
      if (e == kMissingLabel) d.reject = Reject::missing_label;
      else if (e == kEmptyLabel) d.reject = Reject::empty_label;
      else if (a.declared > 0 && static_cast<size_t>(e) >= a.declared) d.reject = Reject::invalid_label;
    }
  }

  // --near: records in one cluster of near-duplicate texts share a key.
  if (setup.near) {
    size_t perms = setup.minhasher->num_perm();
    auto signature = [&](uint32_t x) { return std::span<const uint32_t>(a.signatures.data() + x * perms, perms); };
    DQPREP_ASSIGN_OR_RETURN(std::vector<uint32_t> clusters,
                            lsh::cluster(*a.near_index, [&](uint32_t x, uint32_t y) -> Result<bool> {
                              return minhash::estimate_jaccard(signature(x), signature(y)) >= o.threshold;
                            }));
    for (size_t x = 0; x < clusters.size(); ++x) {
      a.keys[a.near_record[x]] = {a.near_record[clusters[x]], 1};
    }
    a.near_index.reset();
    std::vector<uint32_t>().swap(a.signatures);
  }

  // Conflicts: the same text key with different labels.
  if (setup.conflicts) {
    std::vector<label_conflicts::Entry> entries;
    for (size_t i = 0; i < n; ++i) {
      if (a.present[i] && p.effective[i] >= 0 && p.decisions[i].reject == Reject::none) {
        entries.push_back({a.keys[i], static_cast<uint32_t>(i), p.effective[i]});
      }
    }
    size_t candidates = entries.size();
    p.conflicts = label_conflicts::find(entries);
    std::vector<label_conflicts::Entry>().swap(entries);
    const label_conflicts::Conflicts& c = p.conflicts;
    uint64_t relabeled = 0;
    for (size_t g = 0; g < c.groups.size(); ++g) {
      const label_conflicts::Group& group = c.groups[g];
      for (size_t m = group.members_begin; m < group.members_end; ++m) {
        uint32_t i = c.members[m];
        Decision& d = p.decisions[i];
        d.group = static_cast<int32_t>(g);
        d.name = !o.conflicts.empty() || g < o.samples;
        const label_conflicts::Resolution r = label_conflicts::resolve(setup.resolve, group, p.effective[i]);
        switch (r.action) {
          case label_conflicts::Resolution::Action::drop: d.reject = Reject::conflict; break;
          case label_conflicts::Resolution::Action::drop_tie: d.reject = Reject::conflict_tie; break;
          case label_conflicts::Resolution::Action::relabel:
            d.write_label = r.label;
            d.confidence = false;  // the consensus confidence was for another label
            ++relabeled;
            break;
          case label_conflicts::Resolution::Action::keep: break;
        }
      }
    }
    f["conflict_key"] = setup.near ? "near" : o.normalize_key ? "normalized" : "exact";
    if (setup.near) {
      Json near;
      near["ngram"] = setup.ngram;
      near["num_perm"] = setup.minhasher->num_perm();
      near["bands"] = setup.bands;
      near["rows"] = setup.rows;
      near["threshold"] = o.threshold;
      f["near"] = near;
    }
    f["duplicate_groups"] = c.duplicate_groups;
    f["conflict_groups"] = c.groups.size();
    f["conflict_records"] = c.conflict_records();
    f["conflict_rate"] = ratio(c.conflict_records(), candidates, "conflict_rate", "no labeled records with a text", p.notes);
    f["resolve"] = std::string(label_conflicts::resolve_name(setup.resolve));
    f["relabeled"] = relabeled;
    f["conflict_samples"] = Json::array();  // filled after pass 2, which reads the members' ids
  }

  // Likely label errors from the predicted probabilities, on the labels as they will leave.
  if (setup.probs) {
    std::vector<std::string> classes_list = split_list(o.classes.empty() ? o.labels : o.classes);
    p.class_of_label.assign(a.labels.size(), -1);
    for (size_t k = 0; k < classes_list.size(); ++k) {
      int32_t id = a.intern_declared(classes_list[k], numeric_data);
      if (static_cast<size_t>(id) >= p.class_of_label.size()) p.class_of_label.resize(static_cast<size_t>(id) + 1, -1);
      p.class_of_label[static_cast<size_t>(id)] = static_cast<int32_t>(k);
      p.class_label.push_back(id);
    }
    std::vector<int32_t> given(n, label_issues::kMissing);
    uint64_t unscored = 0;
    for (size_t i = 0; i < n; ++i) {
      const Decision& d = p.decisions[i];
      if (!a.present[i] || d.reject != Reject::none) continue;
      int32_t label = d.write_label >= 0 ? d.write_label : p.effective[i];
      if (label >= 0 && p.class_of_label[static_cast<size_t>(label)] >= 0) given[i] = p.class_of_label[static_cast<size_t>(label)];
      else ++unscored;
    }
    DQPREP_ASSIGN_OR_RETURN(label_issues::Findings found,
                            label_issues::find_label_issues(given, a.probs, setup.num_classes, setup.method,
                                                            o.max_flag_rate, setup.joint_rule));
    p.findings = std::move(found);
    // Too weak a model to judge labels: accuracy (argmax = given label) below the majority-class
    // rate + 0.05, or an estimated noise rate (flags before --max-flag-rate / scored) above 0.5.
    // Then --drop and --relabel keep the flagged records (marked) unless --force.
    const auto& fd = p.findings;
    const double scored = static_cast<double>(fd.labeled);
    const double accuracy = fd.labeled ? static_cast<double>(fd.correct) / scored : 0.0;
    const double majority_rate = fd.labeled ? static_cast<double>(fd.majority) / scored : 0.0;
    const double noise_rate = fd.labeled ? static_cast<double>(fd.uncapped) / scored : 0.0;
    const bool weak = fd.labeled > 0 && (accuracy < majority_rate + 0.05 || noise_rate > 0.5);
    const bool hold = weak && (o.drop || o.relabel) && !o.force;
    if (weak) {
      char why[256];
      std::snprintf(why, sizeof why,
                    "label-check: the model looks too weak to judge labels (accuracy %.3f, majority-class rate %.3f, "
                    "estimated noise rate %.3f)",
                    accuracy, majority_rate, noise_rate);
      spdlog::warn("{}{}", why,
                   hold ? "; flagged records are kept, not dropped or relabeled (--force to act anyway)" : "");
    }
    uint64_t held = 0;
    std::vector<uint64_t> flagged;
    uint64_t relabeled = 0;
    for (size_t i = 0; i < n; ++i) {
      const label_issues::Issue& issue = p.findings.records[i];
      Decision& d = p.decisions[i];
      if (!a.present[i] || d.reject != Reject::none) continue;
      if (issue.flagged) flagged.push_back(i);
      if (issue.flagged && hold) {
        d.issue = true;
        ++held;
        continue;
      }
      // --relabel: the suggested class replaces the label when the model gives it --relabel-min.
      if (issue.flagged && o.relabel &&
          a.probs[i * setup.num_classes + static_cast<size_t>(issue.suggested)] >= o.relabel_min) {
        d.relabeled_from = d.write_label >= 0 ? d.write_label : p.effective[i];
        d.write_label = p.class_label[static_cast<size_t>(issue.suggested)];
        d.issue = true;
        ++relabeled;
      } else if (issue.flagged && o.drop) d.reject = Reject::issue;
      else if (issue.flagged || o.explain) d.issue = true;
    }
    std::stable_sort(flagged.begin(), flagged.end(),
                     [&](uint64_t x, uint64_t y) { return *p.findings.records[x].score < *p.findings.records[y].score; });
    flagged.resize(std::min(flagged.size(), o.samples));
    p.issue_samples = flagged;
    for (uint64_t i : flagged) p.decisions[i].name = true;
    f["issue_method"] = o.method;
    f["joint_rule"] = setup.method == label_issues::Method::confident_learning ? Json(o.joint_rule) : Json(nullptr);
    f["issues_scored"] = p.findings.labeled;
    f["issues_unscored"] = unscored;
    f["label_issues"] = p.findings.flagged;
    if (o.relabel) f["relabeled_issues"] = relabeled;
    f["issue_rate"] = ratio(p.findings.flagged, p.findings.labeled, "issue_rate", "no record has a label of --classes", p.notes);
    f["issues_uncapped"] = p.findings.uncapped;
    f["max_flag_rate"] = o.max_flag_rate;
    f["model_accuracy"] = ratio(p.findings.correct, p.findings.labeled, "model_accuracy", "no record has a label of --classes", p.notes);
    f["majority_rate"] = ratio(p.findings.majority, p.findings.labeled, "majority_rate", "no record has a label of --classes", p.notes);
    f["weak_model"] = weak;
    f["weak_model_kept"] = held;
    if (!p.findings.thresholds.empty()) {
      Json t = Json::object();
      for (size_t k = 0; k < p.findings.thresholds.size(); ++k) {
        // A class no record carries has an unreachable threshold (2): reported as null.
        double v = p.findings.thresholds[k];
        t[a.labels.text(p.class_label[k])] = v <= 1.0 ? Json(v) : Json(nullptr);
      }
      f["issue_thresholds"] = t;
    }
    f["issue_samples"] = Json::array();  // filled after pass 2
  }

  // The classes of the records that leave.
  std::vector<uint64_t> out_counts(a.labels.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    const Decision& d = p.decisions[i];
    if (!a.present[i] || d.reject != Reject::none) continue;
    int32_t label = d.write_label >= 0 ? d.write_label : a.given[i];
    if (label >= 0) ++out_counts[static_cast<size_t>(label)];
  }
  std::vector<std::pair<int32_t, Json>> out;
  for (size_t id = 0; id < out_counts.size(); ++id) {
    if (out_counts[id] > 0 || id < a.declared) out.emplace_back(static_cast<int32_t>(id), out_counts[id]);
  }
  f["classes_out"] = label_map_json(out, a.labels);
  return {};
}

// ---------------------------------------------------------------------------------------------
// Pass 2.

class WriteProcessor : public stream::RecordProcessor {
 public:
  WriteProcessor(const Setup& setup, const Plan& plan) : setup_(setup), plan_(plan), collector_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    uint64_t i = line.index;
    if (i >= plan_.a.present.size() || !plan_.a.present[i]) {
      scratch_.clear();
      Status s = collector_.collect(line, scratch_);
      if (s.ok()) return Status::io(std::string(line.source) + ": the input changed between the two passes");
      return s;
    }
    const Decision& d = plan_.decisions[i];
    bool edit = d.write_label >= 0 || d.confidence || d.issue || d.item_head || d.reject != Reject::none;
    if (!edit && !d.name) {
      out.keep(line.text);
      return {};
    }
    record::Parser& parser = collector_.parser();
    DQPREP_RETURN_IF_ERROR(parser.parse(line.text));
    if (d.name) {
      put<uint64_t>(out.state(), i);
      put_bytes(out.state(), record_name(parser, setup_.fields.id, line));
    }
    if (!edit) {
      out.keep(line.text);
      return {};
    }
    edits_.clear();
    const labels::Vocabulary& vocab = plan_.a.labels;
    if (d.reject != Reject::none) {
      value_ = "{\"rule\":";
      json_text::append_string(value_, rule_name(d.reject));
      switch (d.reject) {
        case Reject::invalid_label:
          value_ += ",\"value\":";
          vocab.append_json(plan_.effective[i], value_);
          break;
        case Reject::conflict:
        case Reject::conflict_tie:
          value_ += ",\"group\":";
          json_text::append_number(value_, static_cast<int64_t>(d.group));
          break;
        case Reject::issue: append_issue_fields(i, false); break;
        case Reject::merged:
          value_ += ",\"item\":";
          json_text::append_string(value_, plan_.a.items.text(static_cast<int32_t>(plan_.a.item_of[i])));
          break;
        default: break;
      }
      value_ += "}";
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser, "_reject", value_, edits_));
      record::apply_edits(line.text, edits_, edited_);
      out.reject(edited_, rule_name(d.reject));
      return {};
    }
    if (d.write_label >= 0) {
      value_.clear();
      vocab.append_json(d.write_label, value_);
      DQPREP_RETURN_IF_ERROR(set_value(parser, setup_.fields.label, value_));
    }
    if (d.relabeled_from >= 0) {
      value_.clear();
      vocab.append_json(d.relabeled_from, value_);
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser, "label_original", value_, edits_));
    }
    if (d.confidence) {
      size_t row = setup_.long_form ? plan_.a.item_of[i] : i;
      value_.clear();
      json_text::append_number(value_, plan_.consensus.confidence[row]);
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser, "label_confidence", value_, edits_));
    }
    if (d.item_head) DQPREP_RETURN_IF_ERROR(item_fields(parser, plan_.a.item_of[i]));
    if (d.issue) {
      value_.clear();
      append_issue_fields(i, true);
      value_[0] = '{';  // the fields start with a comma
      value_ += "}";
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser, "_label_issue", value_, edits_));
    }
    record::apply_edits(line.text, edits_, edited_);
    out.keep(edited_);
    return {};
  }

 private:
  // ,"score":S,"suggested":L[,"flagged":B]
  void append_issue_fields(uint64_t i, bool with_flag) {
    const label_issues::Issue& issue = plan_.findings.records[i];
    value_ += ",\"score\":";
    if (issue.score) json_text::append_number(value_, *issue.score);
    else value_ += "null";
    value_ += ",\"suggested\":";
    plan_.a.labels.append_json(plan_.class_label[static_cast<size_t>(issue.suggested)], value_);
    if (!with_flag) return;
    value_ += ",\"flagged\":";
    value_ += issue.flagged ? "true" : "false";
  }

  // Replaces the value at `path`, or adds it when the path is one top-level key.
  Status set_value(record::Parser& parser, const record::Path& path, const std::string& json) {
    if (path.is_top_level_key()) {
      return record::set_top_level(parser, path.steps[0].key, json, edits_);
    }
    std::optional<std::string_view> raw;
    DQPREP_RETURN_IF_ERROR(parser.raw_value(path, raw));
    if (!raw) return Status::bad_input("no field '" + path.text + "' to write into");
    edits_.push_back({static_cast<size_t>(raw->data() - parser.line().data()), raw->size(), json});
    return {};
  }

  // Long form: the line standing for an item names no single annotator, and lists them all.
  Status item_fields(record::Parser& parser, uint32_t item) {
    DQPREP_RETURN_IF_ERROR(set_value(parser, *setup_.annotator, "null"));
    std::string list = "[";
    const agreement::Ratings& r = plan_.ratings;
    for (size_t k = 0; k < r.num_annotators; ++k) {
      int32_t c = r.at(item, k);
      if (c == agreement::kNotRated) continue;
      if (list.size() > 1) list += ",";
      list += "{\"annotator\":";
      json_text::append_string(list, plan_.a.annotators.text(static_cast<int32_t>(k)));
      list += ",\"label\":";
      plan_.a.labels.append_json(plan_.category_label[static_cast<size_t>(c)], list);
      list += "}";
    }
    list += "]";
    return record::set_top_level(parser, "annotations", list, edits_);
  }

  const Setup& setup_;
  const Plan& plan_;
  Collector collector_;
  std::vector<record::Edit> edits_;
  std::string scratch_, value_, edited_;
};

// ---------------------------------------------------------------------------------------------

struct Names {
  std::vector<std::pair<uint64_t, std::string>> entries;  // in record order
  Status consume(std::string_view state) {
    state_bytes::Reader r(state);
    while (!r.done()) {
      auto index = r.get<uint64_t>();
      entries.emplace_back(index, std::string(r.get_bytes()));
    }
    return {};
  }
  const std::string& of(uint64_t index) const {
    auto it = std::lower_bound(entries.begin(), entries.end(), index,
                               [](const auto& e, uint64_t i) { return e.first < i; });
    return it->second;
  }
};

Json group_json(const Plan& p, const Names& names, size_t g, label_conflicts::Resolve resolve, size_t max_members) {
  const label_conflicts::Group& group = p.conflicts.groups[g];
  const labels::Vocabulary& v = p.a.labels;
  Json j;
  j["group"] = g;
  j["size"] = group.size();
  Json counts = Json::object();
  for (size_t k = group.counts_begin; k < group.counts_end; ++k) counts[v.text(p.conflicts.counts[k].label)] = p.conflicts.counts[k].count;
  j["labels"] = counts;
  j["majority"] = group.majority == label_conflicts::kTie ? Json(nullptr) : Json(v.text(group.majority));
  j["action"] = std::string(label_conflicts::group_action(resolve, group));
  Json members = Json::array();
  for (size_t m = group.members_begin; m < group.members_end && members.size() < max_members; ++m) {
    uint32_t i = p.conflicts.members[m];
    Json x;
    x["id"] = names.of(i);
    x["label"] = v.text(p.effective[i]);
    members.push_back(x);
  }
  j["members"] = members;
  return j;
}

Status write_conflicts(const std::string& path, const Plan& p, const Names& names, label_conflicts::Resolve resolve) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(path));
  for (size_t g = 0; g < p.conflicts.groups.size(); ++g) {
    DQPREP_RETURN_IF_ERROR(out->write(group_json(p, names, g, resolve, SIZE_MAX).dump() + "\n"));
  }
  return out->commit();
}

// The gates: --check/--warn/--checks, then each gate flag as the check it stands for.
Result<std::vector<checks::Check>> load_gates(const LabelCheckOptions& o) {
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> gates, checks::load(o.gates));
  const std::pair<const CLI::Option*, std::string> flags[] = {
      {o.max_invalid_rate_opt, "invalid_rate <= " + checks::number_text(o.max_invalid_rate)},
      {o.max_conflict_rate_opt, "conflict_rate <= " + checks::number_text(o.max_conflict_rate)},
      {o.min_agreement_opt, "percent_agreement >= " + checks::number_text(o.min_agreement)},
      {o.min_alpha_opt, "krippendorff_alpha >= " + checks::number_text(o.min_alpha)},
      {o.max_issue_rate_opt, "issue_rate <= " + checks::number_text(o.max_issue_rate)},
  };
  for (const auto& [opt, expression] : flags) {
    if (!opt || opt->count() == 0) continue;
    DQPREP_ASSIGN_OR_RETURN(checks::Check c, checks::parse(expression));
    gates.push_back(std::move(c));
  }
  return gates;
}

Status check_usage(const LabelCheckOptions& o) {
  bool annotated = !o.annotations_field.empty() || o.long_form;
  auto given = [](const CLI::Option* opt) { return opt && opt->count() > 0; };
  if (o.long_form) {
    if (o.item_field.empty() || o.annotator_field.empty()) return Status::usage("--long needs --item-field and --annotator-field");
    if (!o.annotations_field.empty()) return Status::usage("--long reads one rating a line: --annotations-field does not apply");
    if (!o.probs_field.empty()) return Status::usage("--probs-field does not apply to --long ratings");
  } else if (!o.item_field.empty() || !o.annotator_field.empty()) {
    return Status::usage("--item-field and --annotator-field need --long");
  }
  bool conflicts = !o.no_conflicts && !o.long_form;
  if (!conflicts && (o.resolve != "none" || !o.conflicts.empty() || o.normalize_key || o.near ||
                     given(o.max_conflict_rate_opt))) {
    return Status::usage(std::string("--resolve, --conflicts, --normalize-key, --near and --max-conflict-rate need "
                                     "conflict checks (") +
                         (o.long_form ? "not done on --long ratings" : "--no-conflicts turns them off") + ")");
  }
  if (o.near && o.normalize_key) {
    return Status::usage("--normalize-key applies to exact keys; --near compares the shingles of a normal form already");
  }
  if (!o.near && (given(o.ngram_opt) || given(o.num_perm_opt) || given(o.bands_opt) || given(o.threshold_opt))) {
    return Status::usage("--ngram, --num-perm, --bands and --threshold need --near");
  }
  if (!annotated) {
    if (o.consensus != "none") return Status::usage("--consensus needs --annotations-field PATH (or --long ratings)");
    if (given(o.level_opt) || given(o.weights_opt)) return Status::usage("--level and --weights need --annotations-field PATH (or --long ratings)");
    if (given(o.min_agreement_opt) || given(o.min_alpha_opt)) {
      return Status::usage("--min-agreement and --min-alpha need --annotations-field PATH (or --long ratings)");
    }
  }
  if (o.probs_field.empty()) {
    if (given(o.method_opt) || o.explain || o.drop || o.relabel || o.renormalize || given(o.max_issue_rate_opt) ||
        given(o.classes_opt) || given(o.max_flag_rate_opt) || o.force || given(o.joint_rule_opt)) {
      return Status::usage(
          "--method, --joint-rule, --classes, --explain, --drop, --relabel, --renormalize, --max-issue-rate, "
          "--max-flag-rate and --force need --probs-field PATH");
    }
  } else if (given(o.joint_rule_opt) && o.method != "confident-learning") {
    return Status::usage("--joint-rule applies to --method confident-learning only");
  } else if (o.classes.empty() && o.labels.empty()) {
    return Status::usage("--probs-field needs --classes A,B,... (the classes of the probabilities, in their order)");
  }
  for (const std::string* list : {&o.labels, &o.classes}) {
    if (list->empty()) continue;
    std::vector<std::string> items = split_list(*list);
    const char* flag = list == &o.labels ? "--labels" : "--classes";
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].empty()) return Status::usage(std::string(flag) + ": empty label in '" + *list + "'");
      for (size_t j = 0; j < i; ++j) {
        if (items[j] == items[i]) return Status::usage(std::string(flag) + ": '" + items[i] + "' is listed twice");
      }
    }
  }
  return {};
}

// The fixed --stats schema: every figure in every run, those of a check that did not run null
// with the reason in "notes"; "rules" lists the rules the flags can apply.
void fix_label_check_schema(const LabelCheckOptions& o, const Setup& setup, report::Summary& summary) {
  std::vector<SchemaField> schema;
  auto group = [&](bool on, const std::string& why, std::initializer_list<const char*> keys) {
    for (const char* key : keys) schema.push_back(on ? SchemaField{key} : not_applicable(key, why));
  };
  const bool rated = setup.annotations.has_value() || setup.long_form;
  const bool consensus = setup.consensus != ConsensusMethod::none;
  group(true, "", {"labeled", "missing_labels", "empty_labels", "invalid_labels", "invalid_rate", "classes"});
  group(!o.labels.empty(), "no --labels", {"invalid_label_values"});
  group(rated, "no ratings: give --annotations-field (or --long)",
        {"items", "items_rated", "items_compared", "ratings", "annotator_count", "empty_ratings", "invalid_ratings",
         "duplicate_ratings", "rating_classes", "level", "weights", "percent_agreement", "annotation_consistency",
         "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "per_annotator_consensus", "per_annotator"});
  group(consensus, "no --consensus", {"consensus", "consensus_ties"});
  group(setup.consensus == ConsensusMethod::dawid_skene, "--consensus is not dawid-skene", {"dawid_skene"});
  group(consensus && !setup.long_form, consensus ? "--long: the output holds one record per item" : "no --consensus",
        {"consensus_changed", "consensus_filled", "consensus_unrated"});
  const char* no_conflicts = setup.long_form ? "no conflict checks on --long ratings" : "--no-conflicts";
  group(setup.conflicts, no_conflicts, {"conflict_key"});
  group(setup.near, setup.conflicts ? "no --near" : no_conflicts, {"near"});
  group(setup.conflicts, no_conflicts,
        {"duplicate_groups", "conflict_groups", "conflict_records", "conflict_rate", "resolve", "relabeled",
         "conflict_samples"});
  const bool probs = setup.probs.has_value();
  const char* no_probs = "no --probs-field";
  group(probs, no_probs, {"issue_method", "joint_rule", "issues_scored", "issues_unscored", "label_issues"});
  group(probs && o.relabel, probs ? "no --relabel" : no_probs, {"relabeled_issues"});
  group(probs, no_probs,
        {"issue_rate", "issues_uncapped", "max_flag_rate", "model_accuracy", "majority_rate", "weak_model",
         "weak_model_kept"});
  const bool thresholds = probs && setup.method == label_issues::Method::confident_learning;
  group(thresholds, probs ? "only confident learning has thresholds" : no_probs, {"issue_thresholds"});
  group(probs, no_probs, {"issue_samples"});
  group(true, "", {"classes_out"});
  std::vector<std::string> rules;
  if (o.drop_invalid) rules.insert(rules.end(), {"missing_label", "empty_label", "invalid_label"});
  if (setup.resolve == label_conflicts::Resolve::majority) rules.emplace_back("label_conflict_tie");
  if (setup.resolve == label_conflicts::Resolve::drop) rules.emplace_back("label_conflict");
  if (o.drop) rules.emplace_back("label_issue");
  if (setup.long_form && consensus) rules.emplace_back("merged_into_item");
  fix_schema(summary, schema, rules);
}

Status run_label_check(const LabelCheckOptions& o) {
  if (o.review) {
    if ((!o.common.output.empty() && o.common.output != "-") || !o.rejects.empty()) {
      return Status::usage("--review reads review sheets and writes a report: no -o or --rejects");
    }
    return run_label_check_review(o.common, o.gates);
  }
  auto start = std::chrono::steady_clock::now();
  DQPREP_RETURN_IF_ERROR(check_usage(o));
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> gates, load_gates(o));
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  Setup setup;
  setup.fields = fields;
  setup.long_form = o.long_form;
  setup.conflicts = !o.no_conflicts && !o.long_form;
  setup.normalize_key = o.normalize_key;
  if (o.near) {
    DQPREP_ASSIGN_OR_RETURN(uint32_t rows, lsh::rows_per_band(o.num_perm, o.bands));
    setup.near = true;
    setup.ngram = o.ngram;
    setup.bands = o.bands;
    setup.rows = rows;
    setup.minhasher = std::make_unique<minhash::MinHasher>(o.num_perm, o.common.seed);
  }
  setup.consensus = o.consensus == "dawid-skene" ? ConsensusMethod::dawid_skene
                    : o.consensus == "majority"  ? ConsensusMethod::majority
                                                 : ConsensusMethod::none;
  DQPREP_ASSIGN_OR_RETURN(setup.resolve, label_conflicts::parse_resolve(o.resolve));
  DQPREP_ASSIGN_OR_RETURN(setup.level, agreement::parse_level(o.level));
  DQPREP_ASSIGN_OR_RETURN(setup.weights, agreement::parse_weights(o.weights));
  DQPREP_ASSIGN_OR_RETURN(setup.method, label_issues::parse_method(o.method));
  DQPREP_ASSIGN_OR_RETURN(setup.joint_rule, label_issues::parse_joint_rule(o.joint_rule));
  const record::Path& lp = setup.fields.label;
  setup.label_top_level = lp.is_top_level_key();
  auto path = [](const std::string& text, std::optional<record::Path>& out) -> Status {
    if (text.empty()) return {};
    DQPREP_ASSIGN_OR_RETURN(record::Path p, record::parse_path(text));
    out = p;
    return {};
  };
  DQPREP_RETURN_IF_ERROR(path(o.annotations_field, setup.annotations));
  DQPREP_RETURN_IF_ERROR(path(o.probs_field, setup.probs));
  setup.renormalize = o.renormalize;
  DQPREP_RETURN_IF_ERROR(path(o.item_field, setup.item));
  DQPREP_RETURN_IF_ERROR(path(o.annotator_field, setup.annotator));
  if (setup.probs) setup.num_classes = split_list(o.classes.empty() ? o.labels : o.classes).size();

  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> passes, open_passes(o.common, "label-check", o.rejects));

  // Pass 1: state only.
  Plan plan;
  Analysis& a = plan.a;
  a.setup = &setup;
  if (setup.near) a.near_index = std::make_unique<lsh::Index>(setup.bands);
  if (!o.labels.empty()) {
    for (const std::string& l : split_list(o.labels)) a.labels.intern(l, labels::Kind::string);
    a.declared = a.labels.size();
  }
  DQPREP_ASSIGN_OR_RETURN(report::Summary pass1, passes->collect(
      {[&] { return std::make_unique<CollectProcessor>(setup); }, [&](std::string_view state) { return a.consume(state); }}));
  DQPREP_RETURN_IF_ERROR(build_plan(o, setup, plan));

  // Pass 2: write.
  Names names;
  DQPREP_ASSIGN_OR_RETURN(report::Summary pass2,
                          passes->write([&] { return std::make_unique<WriteProcessor>(setup, plan); },
                                        [&](std::string_view state) { return names.consume(state); }));
  report::Summary summary = std::move(pass2);


  if (!o.conflicts.empty()) DQPREP_RETURN_IF_ERROR(write_conflicts(o.conflicts, plan, names, setup.resolve));
  Json& f = plan.figures;
  if (setup.conflicts) {
    Json samples = Json::array();
    for (size_t g = 0; g < plan.conflicts.groups.size() && g < o.samples; ++g) {
      samples.push_back(group_json(plan, names, g, setup.resolve, o.samples));
    }
    f["conflict_samples"] = samples;
  }
  if (setup.probs) {
    Json samples = Json::array();
    for (uint64_t i : plan.issue_samples) {
      const label_issues::Issue& issue = plan.findings.records[i];
      Json x;
      x["id"] = names.of(i);
      int32_t label = plan.decisions[i].write_label >= 0 ? plan.decisions[i].write_label : plan.effective[i];
      x["label"] = plan.a.labels.text(label);
      x["suggested"] = plan.a.labels.text(plan.class_label[static_cast<size_t>(issue.suggested)]);
      x["score"] = *issue.score;
      samples.push_back(x);
    }
    f["issue_samples"] = samples;
  }

  Json notes = Json::object();
  for (const auto& [name, why] : plan.notes) {
    notes[name] = notes.contains(name) ? notes[name].get<std::string>() + "; " + why : why;
  }
  f["notes"] = notes;
  summary.figures = f;
  fix_label_check_schema(o, setup, summary);
  summary.seconds = report::seconds_since(start);
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Outcome> outcomes, evaluate_gates(gates, summary));
  DQPREP_RETURN_IF_ERROR(finish(o.common, summary));
  if (!o.common.quiet) std::fputs(label_findings::text(report::to_json(summary)).c_str(), stderr);
  return checks::gate(outcomes);
}

}  // namespace

StageRunner setup_label_check(CLI::App& app) {
  auto o = std::make_shared<LabelCheckOptions>();
  CLI::App* sub = app.add_subcommand("label-check", "Label validity, conflicts, annotator agreement, consensus, likely label errors");
  sub->footer(
      "Reads every input twice (standard input is spilled to a temporary file). Records pass through byte\n"
      "for byte unless a label is rewritten (--consensus, --resolve majority) or a field is added\n"
      "(label_confidence, _label_issue). What it found goes to stderr after the summary line (-q: nothing).\n"
      "Gates exit 1 after the outputs are written. See docs/label-check.md.\n"
      "Examples:\n"
      "  dqprep label-check --labels pos,neg,neu --resolve majority --rejects rej.jsonl --stats s.json data.jsonl -o out.jsonl\n"
      "  dqprep label-check --annotations-field annotations --consensus dawid-skene --min-alpha 0.667 data.jsonl -o out.jsonl\n"
      "  dqprep label-check --probs-field probs --classes pos,neg,neu --drop --rejects issues.jsonl data.jsonl -o out.jsonl\n"
      "  dqprep label-check --review --stats review.json sheet-anna.jsonl sheet-ben.jsonl");
  add_common_options(*sub, o->common);
  sub->add_option("--rejects", o->rejects, "Dropped records, each with _reject: {rule, ...}")->type_name("FILE");
  sub->add_option("--labels", o->labels, "Allowed labels, comma-separated (their order is the order of ordinal labels)")
      ->check(utf8_text())
      ->type_name("A,B,...");
  sub->add_flag("--drop-invalid", o->drop_invalid, "Records whose label is missing, empty or outside --labels go to --rejects");
  sub->add_flag("--no-conflicts", o->no_conflicts, "Do not compare texts (records need no text field)");
  sub->add_flag("--normalize-key", o->normalize_key, "Conflicts ignore case, punctuation and white space of the text");
  sub->add_flag("--near", o->near, "Conflicts between near-duplicate texts too (MinHash LSH), not only identical ones");
  o->ngram_opt = sub->add_option("--ngram", o->ngram, "With --near: words per shingle")->check(whole_number())->check(CLI::Range(1, 1000))->capture_default_str();
  o->num_perm_opt = sub->add_option("--num-perm", o->num_perm, "With --near: MinHash permutations")->check(whole_number())
                        ->check(CLI::Range(1, 4096))
                        ->capture_default_str();
  o->bands_opt = sub->add_option("--bands", o->bands, "With --near: LSH bands (must divide --num-perm)")->check(whole_number())
                     ->check(CLI::Range(1, 4096))
                     ->capture_default_str();
  o->threshold_opt = sub->add_option("--threshold", o->threshold,
                                     "With --near: estimated Jaccard similarity a candidate pair must reach")
                         ->check(CLI::Range(0.0, 1.0))
                         ->capture_default_str();
  sub->add_option("--resolve", o->resolve,
                  "Conflicting groups: none (report), majority (relabel; a tie goes to --rejects), drop (all to --rejects)")
      ->check(CLI::IsMember({"none", "majority", "drop"}))
      ->capture_default_str();
  sub->add_option("--conflicts", o->conflicts, "Every conflicting group as JSON Lines: labels, majority, members")
      ->type_name("FILE");
  sub->add_option("--annotations-field", o->annotations_field,
                  "Per-record ratings: an array of labels (position = annotator, null = not rated) or of "
                  "{\"annotator\", \"label\"}")
      ->type_name("PATH");
  sub->add_flag("--long", o->long_form, "One rating a line: --item-field, --annotator-field, the label in --label-field");
  sub->add_option("--item-field", o->item_field, "With --long: the item a line rates")->type_name("PATH");
  sub->add_option("--annotator-field", o->annotator_field, "With --long: who rated it")->type_name("PATH");
  o->level_opt = sub->add_option("--level", o->level, "Krippendorff's alpha metric: nominal, ordinal, interval, ratio")
                     ->check(CLI::IsMember({"nominal", "ordinal", "interval", "ratio"}))
                     ->capture_default_str();
  o->weights_opt = sub->add_option("--weights", o->weights, "Cohen's kappa weights: none, linear, quadratic")
                       ->check(CLI::IsMember({"none", "linear", "quadratic"}))
                       ->capture_default_str();
  sub->add_option("--consensus", o->consensus,
                  "Write the consensus label to --label-field and label_confidence: none, majority, dawid-skene")
      ->check(CLI::IsMember({"none", "majority", "dawid-skene"}))
      ->capture_default_str();
  sub->add_flag("--renormalize", o->renormalize, "Accept probabilities that do not sum to 1: divide by their sum");
  sub->add_option("--probs-field", o->probs_field, "Out-of-sample predicted probabilities, in --classes order")
      ->type_name("PATH");
  o->classes_opt = sub->add_option("--classes", o->classes, "The classes of --probs-field, in order (default: --labels)")
                      ->check(utf8_text())
                       ->type_name("A,B,...");
  o->method_opt =
      sub->add_option("--method", o->method, "Likely label errors: confident-learning, self-confidence, normalized-margin")
          ->check(CLI::IsMember({"confident-learning", "self-confidence", "normalized-margin"}))
          ->capture_default_str();
  o->joint_rule_opt =
      sub->add_option("--joint-rule", o->joint_rule,
                      "Confident learning, a record above the threshold of 2+ classes counts toward: cleanlab (its "
                      "top class overall, as cleanlab's code), paper (the top one of those classes)")
          ->check(CLI::IsMember({"cleanlab", "paper"}))
          ->capture_default_str();
  sub->add_flag("--explain", o->explain, "Add _label_issue to every record with probabilities, not only flagged ones");
  sub->add_flag("--review", o->review,
                "The inputs are filled review sheets (dqprep sample --review): estimate the noise rate, the error "
                "rate per class and each flag's precision, with Wilson intervals, and the reviewers' agreement");
  sub->add_flag("--drop", o->drop, "Flagged records go to --rejects instead of the output");
  sub->add_flag("--relabel", o->relabel,
                "Flagged records whose suggested class has probability >= --relabel-min get it as label "
                "(the old one in label_original); with --drop the others go to --rejects");
  sub->add_option("--relabel-min", o->relabel_min, "With --relabel: the probability the suggested class needs")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  o->max_flag_rate_opt =
      sub->add_option("--max-flag-rate", o->max_flag_rate,
                      "Flag at most this share of the scored records, those of largest p_suggested - p_given (1: no cap)")
          ->check(CLI::Range(0.0, 1.0))
          ->capture_default_str();
  sub->add_flag("--force", o->force,
                "--drop and --relabel act even when the model looks too weak to judge labels (see --stats weak_model)");
  sub->add_option("--samples", o->samples, "Conflict groups and flagged records listed in --stats")->check(whole_number())->capture_default_str();
  o->max_invalid_rate_opt = sub->add_option("--max-invalid-rate", o->max_invalid_rate,
                                            "Gate (off unless given): share of records with a missing, empty or undeclared label")
                                ->check(CLI::Range(0.0, 1.0));
  o->max_conflict_rate_opt = sub->add_option("--max-conflict-rate", o->max_conflict_rate,
                                             "Gate (off unless given): share of labeled records in conflicting groups")
                                 ->check(CLI::Range(0.0, 1.0));
  o->min_agreement_opt = sub->add_option("--min-agreement", o->min_agreement, "Gate (off unless given): percent_agreement at least this")
                             ->check(CLI::Range(0.0, 1.0));
  o->min_alpha_opt = sub->add_option("--min-alpha", o->min_alpha, "Gate (off unless given): krippendorff_alpha at least this")
                         ->check(CLI::Range(-1.0, 1.0));
  o->max_issue_rate_opt = sub->add_option("--max-issue-rate", o->max_issue_rate, "Gate (off unless given): share of scored records flagged")
                              ->check(CLI::Range(0.0, 1.0));
  add_gate_flags(*sub, o->gates);
  return [o] { return run_label_check(*o); };
}

}  // namespace dqprep::stages
