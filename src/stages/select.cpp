// dqprep select: active learning — the --k records most worth annotating, ranked by the uncertainty
// of predicted class probabilities, optionally weighted by information density and kept free of
// near duplicates; or a weighted sample that favours sparse regions (P(x) ~ u(x) / density(x)^beta);
// or, with a labelled set L, greedy picks far from L and each other (x* = argmax u(x) d(x, L + S)^beta,
// k-center greedy for --strategy coreset).
//
// Passes over the input (stdin is spilled to a file first):
//   1. score: each record's kind (candidate, no probabilities, malformed) and uncertainty; without
//      --density or --diverse a bounded heap keeps the k best (score, index) pairs. With --density
//      it also draws the seeded sample of the pool the densities are measured against.
//   2. density (--density): each candidate's uncertainty x (mean similarity to the sample)^beta;
//      --sampling inverse-density: its weight u / density^beta and Efraimidis-Spirakis key instead.
//   (--labelled, coreset) pass 1 also keeps each candidate's payload and distance to L; then k greedy
//      picks, each a scan of the payloads (in memory or a temporary file); then pass 4.
//   3. signatures (--diverse): MinHash signatures of a window of the ranking, walked in rank order;
//      another window (twice as large) only when near duplicates used up the first.
//   4. write: the selected records, buffered (k lines), then written in rank order; every other
//      record goes to --rest unchanged, in input order.
// State kept between passes: one byte per record, 40 bytes per candidate with --diverse, the k
// selected lines, and the sample (--density-sample signatures or vectors).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/dedup/lsh.hpp"
#include "dqprep/dedup/minhash.hpp"
#include "dqprep/labels/probabilities.hpp"
#include "dqprep/io/fixed_records.hpp"
#include "dqprep/select/greedy_cover.hpp"
#include "dqprep/select/weighted_sampling.hpp"
#include "dqprep/util/random.hpp"
#include "dqprep/dedup/shingle.hpp"
#include "dqprep/io/state_bytes.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

struct SelectOptions {
  CommonOptions common;
  std::string probs_field;
  std::string strategy = "least-confidence";
  uint64_t k = 100;
  std::string rest;
  std::string missing = "exclude";
  bool renormalize = false;
  bool density = false;
  std::string sampling = "top";
  double beta = 1.0;
  std::string embedding_field;
  uint64_t density_sample = 1000;
  uint32_t density_ngram = 1;
  bool diverse = false;
  std::vector<std::string> labelled;
  double diverse_threshold = 0.8;
  uint32_t ngram = 5;
  uint32_t num_perm = minhash::kDefaultNumPerm;
};

enum class Strategy { least_confidence, margin, entropy, coreset };

// What pass 1 learns about each record (one byte per record).
enum Kind : uint8_t { kCandidate = 0, kMissing = 1, kBad = 2 };

// A record's place in the ranking: --missing first records before all, then the higher score,
// then input order.
struct Ranked {
  double score = 0;        // what the ranking uses: uncertainty x density^beta, or a sampling key
  double uncertainty = 0;  // from the probabilities alone
  double density = 1;
  double weight = 0;       // --sampling inverse-density: the record's sampling weight
  uint64_t index = 0;
  bool first = false;  // no probabilities, ranked first (--missing first)
};

bool better(const Ranked& a, const Ranked& b) {
  if (a.first != b.first) return a.first;
  if (!a.first && a.score != b.score) return a.score > b.score;
  return a.index < b.index;
}

// The k best seen so far; the worst of them on top.
class BoundedHeap {
 public:
  explicit BoundedHeap(size_t k) : k_(k) {}
  void offer(const Ranked& r) {
    if (heap_.size() < k_) {
      heap_.push(r);
    } else if (better(r, heap_.top())) {
      heap_.pop();
      heap_.push(r);
    }
  }
  // The kept entries, best first.
  std::vector<Ranked> take() {
    std::vector<Ranked> out;
    out.reserve(heap_.size());
    while (!heap_.empty()) {
      out.push_back(heap_.top());
      heap_.pop();
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

 private:
  struct Worse {
    bool operator()(const Ranked& a, const Ranked& b) const { return better(a, b); }
  };
  size_t k_;
  std::priority_queue<Ranked, std::vector<Ranked>, Worse> heap_;
};

using state_bytes::put;

std::string number_text(double v) { return util::number_text(v, 6); }

// Uncertainty of one probability vector (higher = more worth annotating). A single value p is one
// class of two: (p, 1 - p).
Status uncertainty(std::vector<double>& p, Strategy strategy, bool renormalize, double& out) {
  if (p.empty()) return Status::bad_input("the probability array is empty");
  if (p.size() == 1) {
    if (!(p[0] >= 0 && p[0] <= 1)) return Status::bad_input("a single probability must be in [0, 1], not " + number_text(p[0]));
    p.push_back(1.0 - p[0]);
  }
  // Used as given unless --renormalize: a sum within the tolerance is taken as 1.
  DQPREP_ASSIGN_OR_RETURN(double scale, probabilities::divisor(p, renormalize));
  double top = 0, second = 0, entropy = 0;
  for (double x : p) {
    double q = x / scale;
    if (q > top) {
      second = top;
      top = q;
    } else if (q > second) {
      second = q;
    }
    if (q > 0) entropy -= q * std::log(q);
  }
  switch (strategy) {
    case Strategy::least_confidence: out = 1.0 - top; break;
    case Strategy::margin: out = 1.0 - (top - second); break;
    case Strategy::entropy: out = entropy; break;
    case Strategy::coreset: out = 1; break;  // uses no probabilities
  }
  return {};
}

// How similar two records are: MinHash Jaccard estimate of their word n-gram sets, or the cosine
// of their embeddings (negative cosines count as 0).
struct Similarity {
  std::optional<record::Path> embedding;
  size_t dim = 0;  // of every embedding: that of the first candidate carrying one
  std::unique_ptr<minhash::MinHasher> hasher;
  uint32_t ngram = 1;
  size_t payload_bytes() const { return embedding ? dim * sizeof(float) : hasher->num_perm() * sizeof(uint32_t); }
  // The similarity of two payloads (signatures or unit vectors), in [0, 1].
  double between(const uint8_t* a, const uint8_t* b) const {
    if (embedding) {
      const float* x = reinterpret_cast<const float*>(a);
      const float* y = reinterpret_cast<const float*>(b);
      double dot = 0;
      for (size_t d = 0; d < dim; ++d) dot += static_cast<double>(x[d]) * y[d];
      return std::max(0.0, dot);
    }
    size_t p = hasher->num_perm();
    return minhash::estimate_jaccard(std::span(reinterpret_cast<const uint32_t*>(a), p),
                                     std::span(reinterpret_cast<const uint32_t*>(b), p));
  }
};

struct Setup {
  Fields fields;
  bool has_probs = true;  // false: pure coverage sampling, every record a candidate
  record::Path probs;
  Strategy strategy = Strategy::least_confidence;
  bool renormalize = false;
  bool missing_first = false;
  bool density = false;  // densities are measured (--density or --sampling inverse-density)
  bool inverse = false;  // --sampling inverse-density: weight u x density^-beta, sampled
  bool diverse = false;
  bool cover = false;    // --labelled or --strategy coreset: greedy picks far from L and each other
  double beta = 1;
  uint64_t seed = 0;
  size_t sample_size = 0;
  Similarity density_sim;                            // --density
  std::unique_ptr<minhash::MinHasher> diverse_hasher;  // --diverse
  uint32_t ngram = 5;
  // Pass 1 draws the sample as the candidates of smallest seeded key; a key above this cannot be
  // in it any more (the consumer lowers it as the sample fills), so workers skip its payload.
  std::atomic<uint64_t> sample_threshold{UINT64_MAX};

  // Between passes (read-only while a pass runs).
  std::vector<uint8_t> kinds;                        // per record
  std::vector<uint8_t> sample;                       // sample payloads, back to back
  size_t sample_count = 0;
  std::unordered_set<uint64_t> sample_members;       // --sampling: record indices in the sample
  std::vector<uint8_t> labelled;                     // --labelled: the payloads, back to back
  size_t labelled_count = 0;
  std::unordered_map<uint64_t, uint32_t> window;     // --diverse: record index -> window position
  std::unordered_map<uint64_t, uint32_t> selected;   // record index -> position in `selection`
  std::vector<Ranked> selection;                     // rank order
};

// Per-thread reading of one record.
class RecordView {
 public:
  explicit RecordView(const Setup& setup) : setup_(setup) {}

  // Parses the record and checks everything later passes read from it: the probabilities, and
  // the text or embedding when the record is ranked and density or diversity needs them.
  Status classify(const stream::Line& line, Kind& kind, double& u) {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    kind = kCandidate;
    u = 1;  // pure coverage: every record is a candidate of equal uncertainty
    if (setup_.has_probs) {
      probs_.clear();
      bool found = false;
      DQPREP_RETURN_IF_ERROR(parser_.numbers(setup_.probs, probs_, found));
      kind = found ? kCandidate : kMissing;
      u = 0;
      if (found) DQPREP_RETURN_IF_ERROR(uncertainty(probs_, setup_.strategy, setup_.renormalize, u));
    }
    bool ranked = kind == kCandidate || setup_.missing_first;
    if (setup_.diverse && ranked) DQPREP_RETURN_IF_ERROR(text());
    if ((setup_.density || setup_.cover) && kind == kCandidate) {
      if (setup_.density_sim.embedding) {
        DQPREP_RETURN_IF_ERROR(embedding());
      } else if (!setup_.diverse) {
        DQPREP_RETURN_IF_ERROR(text());
      }
    }
    return {};
  }

  // The parsed record's uncertainty again (classify() accepted it).
  double again_uncertainty() {
    if (!setup_.has_probs) return 1;
    probs_.clear();
    bool found = false;
    double u = 0;
    if (parser_.numbers(setup_.probs, probs_, found).ok() && found)
      (void)uncertainty(probs_, setup_.strategy, setup_.renormalize, u);
    return u;
  }

  // The payload density compares: a signature of the text or the unit embedding, into `out`.
  Status density_payload(std::string& out) {
    const Similarity& sim = setup_.density_sim;
    if (sim.embedding) {
      DQPREP_RETURN_IF_ERROR(embedding());
      state_bytes::put_array<float>(out, unit_);
      return {};
    }
    DQPREP_RETURN_IF_ERROR(text());
    signature(*sim.hasher, sim.ngram);
    state_bytes::put_array<uint32_t>(out, signature_);
    return {};
  }

  // The distance 1 - similarity from the payload to the nearest labelled record (1 without any).
  double labelled_distance(std::string_view payload) const {
    const Similarity& sim = setup_.density_sim;
    const size_t bytes = sim.payload_bytes();
    const auto* x = reinterpret_cast<const uint8_t*>(payload.data());
    double best = 0;
    for (size_t j = 0; j < setup_.labelled_count && best < 1; ++j)
      best = std::max(best, sim.between(x, setup_.labelled.data() + j * bytes));
    return 1.0 - best;
  }

  // Mean similarity of the parsed record to the sample; with `with_self`, to the sample and the
  // record itself (similarity 1), i.e. (total + 1) / (n + 1), never 0.
  Status density(double& out, bool with_self = false) {
    const Similarity& sim = setup_.density_sim;
    size_t n = setup_.sample_count;
    double total = 0;
    const uint8_t* x = nullptr;
    if (sim.embedding) {
      DQPREP_RETURN_IF_ERROR(embedding());
      x = reinterpret_cast<const uint8_t*>(unit_.data());
    } else {
      DQPREP_RETURN_IF_ERROR(text());
      signature(*sim.hasher, sim.ngram);
      x = reinterpret_cast<const uint8_t*>(signature_.data());
    }
    const size_t bytes = sim.payload_bytes();
    for (size_t j = 0; j < n; ++j) total += sim.between(x, setup_.sample.data() + j * bytes);
    double count = static_cast<double>(n);
    if (with_self) {
      total += 1;
      count += 1;
    }
    out = count > 0 ? std::min(1.0, total / count) : 0.0;
    return {};
  }

  // The --diverse signature of the parsed record.
  Status diverse_signature(std::string& out) {
    DQPREP_RETURN_IF_ERROR(text());
    signature(*setup_.diverse_hasher, setup_.ngram);
    state_bytes::put_array<uint32_t>(out, signature_);
    return {};
  }

  record::Parser& parser() { return parser_; }

 private:
  Status text() { return joined_text(parser_, setup_.fields.text, strings_, text_); }

  Status embedding() {
    const Similarity& sim = setup_.density_sim;
    vector_.clear();
    bool found = false;
    DQPREP_RETURN_IF_ERROR(parser_.numbers(*sim.embedding, vector_, found));
    if (!found) return Status::bad_input("missing embedding field '" + sim.embedding->text + "'");
    if (vector_.size() != sim.dim) {
      return Status::bad_input("the embedding has " + std::to_string(vector_.size()) + " numbers, not " +
                               std::to_string(sim.dim) + " like the first one");
    }
    double norm = 0;
    for (double x : vector_) {
      if (!std::isfinite(x)) return Status::bad_input("the embedding holds a number that is not finite");
      norm += x * x;
    }
    if (!(norm > 0)) return Status::bad_input("the embedding is all zeros (no direction to compare)");
    norm = std::sqrt(norm);
    unit_.resize(vector_.size());
    for (size_t d = 0; d < vector_.size(); ++d) unit_[d] = static_cast<float>(vector_[d] / norm);
    return {};
  }

  void signature(const minhash::MinHasher& hasher, uint32_t ngram) {
    shingle::shingle_hashes(text_, ngram, scratch_, shingles_);
    signature_.resize(hasher.num_perm());
    hasher.signature(shingles_, signature_);
  }

  const Setup& setup_;
  record::Parser parser_;
  std::vector<double> probs_, vector_;
  std::vector<float> unit_;
  std::vector<record::StringValue> strings_;
  std::string text_;
  shingle::Scratch scratch_;
  std::vector<uint64_t> shingles_;
  std::vector<uint32_t> signature_;
};

// Pass 1. State per record: index, kind, uncertainty, and a sample flag (+ key and payload).
class ScoreProcessor : public stream::RecordProcessor {
 public:
  explicit ScoreProcessor(const Setup& setup) : setup_(setup), view_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    std::string& s = out.state();
    put(s, line.index);
    Kind kind = kBad;
    double u = 0;
    Status status = view_.classify(line, kind, u);
    if (!status.ok()) {
      put(s, static_cast<uint8_t>(kBad));
      return status;
    }
    put(s, static_cast<uint8_t>(kind));
    put(s, u);
    bool offer = false;
    uint64_t key = 0;
    if (setup_.density && kind == kCandidate) {
      key = Rng(setup_.seed, line.index).next_u64();
      offer = key <= setup_.sample_threshold.load(std::memory_order_relaxed);
    }
    put(s, static_cast<uint8_t>(offer));
    if (offer) {
      put(s, key);
      DQPREP_RETURN_IF_ERROR(view_.density_payload(s));
    }
    if (setup_.cover && kind == kCandidate) {
      payload_.clear();
      DQPREP_RETURN_IF_ERROR(view_.density_payload(payload_));
      put(s, view_.labelled_distance(payload_));
      state_bytes::put_raw(s, payload_);
    }
    return {};
  }

 private:
  const Setup& setup_;
  RecordView view_;
  std::string payload_;
};

// The --labelled records: each one's payload (signature or unit vector).
class LabelledProcessor : public stream::RecordProcessor {
 public:
  explicit LabelledProcessor(const Setup& setup) : view_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(view_.parser().parse(line.text));
    return view_.density_payload(out.state());
  }

 private:
  RecordView view_;
};

// Pass 2 (--density). State per candidate: index, score, uncertainty, density.
class DensityProcessor : public stream::RecordProcessor {
 public:
  explicit DensityProcessor(const Setup& setup) : setup_(setup), view_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    if (line.index >= setup_.kinds.size()) return Status::io("the input changed between passes");
    if (setup_.kinds[line.index] != kCandidate) return {};
    DQPREP_RETURN_IF_ERROR(view_.parser().parse(line.text));
    double u = view_.again_uncertainty();
    double d = 0;
    double score = 0, weight = 0;
    if (setup_.inverse) {
      // A record outside the sample counts itself, so that its density is never 0.
      DQPREP_RETURN_IF_ERROR(view_.density(d, !setup_.sample_members.count(line.index)));
      weight = u * std::pow(d, -setup_.beta);
      score = weighted_sampling::log_key(weighted_sampling::uniform_of(setup_.seed, line.index), weight);
    } else {
      DQPREP_RETURN_IF_ERROR(view_.density(d));
      score = u * std::pow(d, setup_.beta);
    }
    std::string& s = out.state();
    put(s, line.index);
    put(s, score);
    put(s, u);
    put(s, d);
    put(s, weight);
    return {};
  }

 private:
  const Setup& setup_;
  RecordView view_;
};

// Pass 3 (--diverse). State per window record: index and signature.
class SignatureProcessor : public stream::RecordProcessor {
 public:
  explicit SignatureProcessor(const Setup& setup) : setup_(setup), view_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    if (!setup_.window.count(line.index)) return {};
    DQPREP_RETURN_IF_ERROR(view_.parser().parse(line.text));
    std::string& s = out.state();
    put(s, line.index);
    return view_.diverse_signature(s);
  }

 private:
  const Setup& setup_;
  RecordView view_;
};

// Pass 4. Selected records become state (position, length, bytes); the others go to --rest.
class WriteProcessor : public stream::RecordProcessor {
 public:
  explicit WriteProcessor(const Setup& setup) : setup_(setup), view_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    if (line.index >= setup_.kinds.size()) return Status::io("the input changed between passes");
    auto it = setup_.selected.find(line.index);
    if (it == setup_.selected.end()) {
      switch (setup_.kinds[line.index]) {
        case kCandidate: out.reject(line.text, "not_selected"); return {};
        case kMissing: out.reject(line.text, setup_.missing_first ? "not_selected" : "no_probs"); return {};
        default: {
          Kind kind;
          double u;
          Status s = view_.classify(line, kind, u);
          return s.ok() ? Status::io("the input changed between passes") : s;
        }
      }
    }
    const Ranked& r = setup_.selection[it->second];
    DQPREP_RETURN_IF_ERROR(view_.parser().parse(line.text));
    value_ = "{\"score\":";
    if (r.first) {
      value_ += "null";
    } else {
      json_text::append_number(value_, setup_.inverse ? r.weight : r.score);
    }
    value_ += ",\"rank\":";
    json_text::append_number(value_, static_cast<uint64_t>(it->second) + 1);
    if (setup_.cover) {
      value_ += ",\"distance\":";
      json_text::append_number(value_, r.density);
      if (setup_.has_probs) {
        value_ += ",\"uncertainty\":";
        json_text::append_number(value_, r.uncertainty);
      }
    }
    if (setup_.density && !r.first) {
      if (setup_.has_probs) {
        value_ += ",\"uncertainty\":";
        json_text::append_number(value_, r.uncertainty);
      }
      value_ += ",\"density\":";
      json_text::append_number(value_, r.density);
    }
    value_ += "}";
    edits_.clear();
    DQPREP_RETURN_IF_ERROR(record::set_top_level(view_.parser(), "_select", value_, edits_));
    record::apply_edits(line.text, edits_, edited_);
    std::string& s = out.state();
    put(s, static_cast<uint64_t>(it->second));
    put(s, static_cast<uint64_t>(edited_.size()));
    state_bytes::put_raw(s, edited_);
    return {};
  }

 private:
  const Setup& setup_;
  RecordView view_;
  std::string value_, edited_;
  std::vector<record::Edit> edits_;
};

// The dimension of the embeddings: that of the first candidate record that has one (malformed
// lines are left to pass 1).
Result<size_t> embedding_dim(const io::ReplayableInputs& inputs, const record::Path* probs, const record::Path& embedding) {
  record::Parser parser;
  std::vector<double> values;
  for (const std::string& path : inputs.paths()) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, io::LineReader::open(path));
    std::string_view line;
    while (true) {
      Result<bool> more = reader->next(line);
      if (!more.ok() || !*more) break;
      if (!parser.parse(line).ok()) continue;
      bool found = false;
      values.clear();
      if (probs && (!parser.numbers(*probs, values, found).ok() || !found)) continue;
      values.clear();
      if (!parser.numbers(embedding, values, found).ok() || !found) continue;
      return values.size();
    }
  }
  return size_t{0};
}

// The smallest number of bands dividing num_perm with more bands than the positions two signatures
// at the threshold may disagree on: a pair whose estimate reaches the threshold then agrees on a
// whole band (pigeonhole), so looking only at pairs that share a band key misses none.
uint32_t exact_bands(uint32_t num_perm, double threshold) {
  double may_differ = std::floor((1.0 - threshold) * num_perm + 1e-9);
  for (uint32_t b = 1; b <= num_perm; ++b)
    if (num_perm % b == 0 && b > may_differ) return b;
  return num_perm;
}

// Chosen records' signatures, looked up by band key.
class ChosenSet {
 public:
  ChosenSet(uint32_t num_perm, double threshold)
      : num_perm_(num_perm), bands_(exact_bands(num_perm, threshold)), threshold_(threshold), keys_(bands_) {}

  bool near_duplicate(std::span<const uint32_t> sig) {
    lsh::band_keys(sig, num_perm_ / bands_, keys_);
    ++stamp_;
    for (uint64_t key : keys_) {
      auto it = buckets_.find(key);
      if (it == buckets_.end()) continue;
      for (uint32_t c : it->second) {
        if (seen_[c] == stamp_) continue;
        seen_[c] = stamp_;
        if (minhash::estimate_jaccard(sig, signature(c)) >= threshold_) return true;
      }
    }
    return false;
  }

  void add(std::span<const uint32_t> sig) {
    auto c = static_cast<uint32_t>(seen_.size());
    signatures_.insert(signatures_.end(), sig.begin(), sig.end());
    seen_.push_back(0);
    lsh::band_keys(sig, num_perm_ / bands_, keys_);
    for (uint64_t key : keys_) {
      std::vector<uint32_t>& members = buckets_[key];
      if (members.empty() || members.back() != c) members.push_back(c);
    }
  }

 private:
  std::span<const uint32_t> signature(uint32_t c) const { return {signatures_.data() + size_t{c} * num_perm_, num_perm_}; }

  uint32_t num_perm_, bands_;
  double threshold_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> signatures_;
  std::vector<uint64_t> seen_;
  uint64_t stamp_ = 0;
  std::unordered_map<uint64_t, std::vector<uint32_t>> buckets_;
};

// What pass 1 keeps of each candidate for the greedy cover: its position, weight u, distance to the
// labelled set, and its payload (in memory up to 64 MiB, then in a temporary file).
struct CoverPool {
  explicit CoverPool(size_t payload_bytes) : payloads(payload_bytes) {}
  std::vector<uint64_t> index;
  std::vector<double> weight, distance;
  io::FixedRecords payloads;
};

// x* = argmax u(x) d(x, L ∪ S)^beta, k times: after each pick, one scan of the pool's payloads
// lowers every distance to the pick's.
Status choose_cover(Setup& setup, CoverPool& pool, uint64_t k) {
  DQPREP_RETURN_IF_ERROR(pool.payloads.finish());
  const Similarity& sim = setup.density_sim;
  greedy_cover::GreedyCover cover(std::move(pool.weight), std::move(pool.distance), setup.beta);
  std::vector<uint8_t> picked(pool.payloads.record_bytes());
  const size_t bytes = picked.size();
  while (setup.selection.size() < k) {
    std::optional<greedy_cover::Pick> p = cover.pick();
    if (!p) break;
    Ranked r;
    r.score = p->score;
    r.uncertainty = cover.weight(p->position);
    r.density = p->distance;
    r.index = pool.index[p->position];
    setup.selection.push_back(r);
    if (setup.selection.size() == k) break;
    DQPREP_RETURN_IF_ERROR(pool.payloads.read(p->position, picked.data()));
    DQPREP_RETURN_IF_ERROR(pool.payloads.for_each([&](size_t first, const uint8_t* data, size_t count) {
      for (size_t c = 0; c < count; ++c) {
        if (!cover.chosen(first + c))
          cover.lower(first + c, 1.0 - sim.between(data + c * bytes, picked.data()));
      }
    }));
  }
  return {};
}

// The --labelled files' payloads, into setup.labelled; malformed lines fail the run under
// --on-error fail and are skipped (counted) otherwise.
Result<report::Json> load_labelled(const SelectOptions& o, Setup& setup) {
  DQPREP_ASSIGN_OR_RETURN(stream::Options base, stream_options(o.common));
  stream::Options so;
  so.inputs = o.labelled;
  so.write_records = false;
  so.on_error = base.on_error == stream::ErrorPolicy::fail ? stream::ErrorPolicy::fail : stream::ErrorPolicy::skip;
  so.threads = base.threads;
  so.max_line_bytes = base.max_line_bytes;
  const size_t bytes = setup.density_sim.payload_bytes();
  so.consume_state = [&](std::string_view state) -> Status {
    setup.labelled.insert(setup.labelled.end(), state.begin(), state.end());
    setup.labelled_count = setup.labelled.size() / bytes;
    return {};
  };
  const Setup& shared = setup;
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<LabelledProcessor>(shared); }, "select"));
  report::Json f;
  f["skipped"] = summary.quarantined;
  return f;
}

Status check_options(const SelectOptions& o, const CLI::App& app) {
  bool inverse = o.sampling == "inverse-density";
  bool coreset = o.strategy == "coreset";
  bool cover = coreset || !o.labelled.empty();
  if (coreset && !o.probs_field.empty()) {
    return Status::usage("--strategy coreset uses no probabilities: drop --probs-field (or weight by distance with "
                         "--labelled and an uncertainty strategy)");
  }
  if (o.probs_field.empty() && !inverse && !coreset) {
    return Status::usage("--probs-field is required (except with --sampling inverse-density or --strategy coreset)");
  }
  if (inverse && o.density) {
    return Status::usage("--density weights by density, --sampling inverse-density by its inverse: give one of them");
  }
  if (cover && (o.density || inverse || o.diverse || o.missing == "first")) {
    return Status::usage(std::string(coreset ? "--strategy coreset" : "--labelled") +
                         " picks greedily far from the labelled set and the records chosen: it does not combine "
                         "with --density, --sampling inverse-density, --diverse or --missing first");
  }
  bool weighted = o.density || inverse || cover;
  for (const char* flag : {"--beta", "--embedding-field"}) {
    if (app.get_option(flag)->count() && !weighted)
      return Status::usage(std::string(flag) + " needs --density, --sampling inverse-density, --labelled or --strategy coreset");
  }
  for (const std::string& path : o.labelled) {
    if (path == "-") return Status::usage("--labelled needs files (standard input is for the pool)");
  }
  if (o.k == 0) return Status::usage("--k must be at least 1");
  if (!std::isfinite(o.beta) || o.beta < 0) return Status::usage("--beta must be a number >= 0");
  if (o.density_sample == 0) return Status::usage("--density-sample must be at least 1");
  if (!(o.diverse_threshold > 0 && o.diverse_threshold <= 1))
    return Status::usage("--diverse-threshold must be in (0, 1]");
  if (o.ngram == 0 || o.density_ngram == 0) return Status::usage("--ngram and --density-ngram must be at least 1");
  if (o.num_perm == 0) return Status::usage("--num-perm must be at least 1");
  return {};
}

Status run_select(const SelectOptions& o, const CLI::App& app) {
  const auto start = std::chrono::steady_clock::now();
  DQPREP_RETURN_IF_ERROR(check_options(o, app));
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  Setup setup;
  setup.fields = fields;
  setup.has_probs = !o.probs_field.empty();
  if (setup.has_probs) {
    DQPREP_ASSIGN_OR_RETURN(record::Path probs, record::parse_path(o.probs_field));
    setup.probs = probs;
  }
  setup.strategy = o.strategy == "margin"    ? Strategy::margin
                   : o.strategy == "entropy" ? Strategy::entropy
                   : o.strategy == "coreset" ? Strategy::coreset
                                             : Strategy::least_confidence;
  setup.renormalize = o.renormalize;
  setup.missing_first = o.missing == "first";
  setup.inverse = o.sampling == "inverse-density";
  setup.density = o.density || setup.inverse;
  setup.diverse = o.diverse;
  setup.cover = setup.strategy == Strategy::coreset || !o.labelled.empty();
  setup.beta = o.beta;
  setup.seed = o.common.seed;
  setup.sample_size = o.density_sample;
  setup.ngram = o.ngram;
  if (!o.embedding_field.empty()) {
    DQPREP_ASSIGN_OR_RETURN(record::Path emb, record::parse_path(o.embedding_field));
    setup.density_sim.embedding = emb;
  } else if (setup.density || setup.cover) {
    setup.density_sim.hasher = std::make_unique<minhash::MinHasher>(o.num_perm, o.common.seed);
    setup.density_sim.ngram = o.density_ngram;
  }
  if (o.diverse) setup.diverse_hasher = std::make_unique<minhash::MinHasher>(o.num_perm, o.common.seed);

  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> opened, open_passes(o.common, "select", o.rest));
  stream::Passes& passes = *opened;
  passes.plan(o.diverse ? 0 : o.density ? 3 : 2);  // --diverse: a pass per window of candidates
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> output, io::OutputFile::open(o.common.output, thread_count(o.common)));
  if (setup.density_sim.embedding) {
    DQPREP_ASSIGN_OR_RETURN(size_t dim, embedding_dim(passes.inputs(), setup.has_probs ? &setup.probs : nullptr,
                                                      *setup.density_sim.embedding));
    setup.density_sim.dim = dim;
  }
  report::Json labelled_figures;
  // An embedding pool without a candidate has no dimension to check the labelled vectors against,
  // and nothing to pick.
  if (!o.labelled.empty() && (!setup.density_sim.embedding || setup.density_sim.dim > 0)) {
    DQPREP_ASSIGN_OR_RETURN(labelled_figures, load_labelled(o, setup));
  }

  // Pass 1.
  BoundedHeap heap(o.k);
  std::vector<Ranked> all;  // --diverse: every ranked record
  uint64_t candidates = 0, missing = 0;
  auto rank = [&](const Ranked& r) {
    if (o.diverse) {
      all.push_back(r);
    } else {
      heap.offer(r);
    }
  };
  // The sample: max-heap on (key, index) of payload slots.
  const size_t payload = setup.density ? setup.density_sim.payload_bytes() : 0;
  std::vector<std::pair<std::pair<uint64_t, uint64_t>, size_t>> sample_heap;
  std::vector<std::string> slots;
  CoverPool cover_pool(setup.cover ? setup.density_sim.payload_bytes() : 1);
  auto consume_scores = [&](std::string_view state) -> Status {
    state_bytes::Reader in(state);
    while (!in.done()) {
      auto index = in.get<uint64_t>();
      auto kind = in.get<uint8_t>();
      if (index > setup.kinds.size()) setup.kinds.resize(index, kBad);
      setup.kinds.push_back(kind);
      if (kind == kBad) continue;
      auto u = in.get<double>();
      bool offered = in.get<uint8_t>() != 0;
      if (kind == kCandidate) {
        ++candidates;
        if (!setup.density && !setup.cover) rank(Ranked{u, u, 1.0, 0.0, index, false});
      } else {
        ++missing;
        if (setup.missing_first) rank(Ranked{0, 0, 1.0, 0.0, index, true});
      }
      if (setup.cover && kind == kCandidate) {
        cover_pool.index.push_back(index);
        cover_pool.weight.push_back(u);
        cover_pool.distance.push_back(in.get<double>());
        DQPREP_RETURN_IF_ERROR(cover_pool.payloads.append(in.get_raw(cover_pool.payloads.record_bytes()).data()));
      }
      if (!offered) continue;
      auto key = in.get<uint64_t>();
      std::string_view bytes = in.get_raw(payload);
      std::pair<uint64_t, uint64_t> id{key, index};
      if (sample_heap.size() == setup.sample_size) {
        if (!(id < sample_heap.front().first)) continue;
        std::pop_heap(sample_heap.begin(), sample_heap.end());
        size_t slot = sample_heap.back().second;
        slots[slot].assign(bytes);
        sample_heap.back() = {id, slot};
      } else {
        slots.emplace_back(bytes);
        sample_heap.push_back({id, slots.size() - 1});
      }
      std::push_heap(sample_heap.begin(), sample_heap.end());
      if (sample_heap.size() == setup.sample_size)
        setup.sample_threshold.store(sample_heap.front().first.first, std::memory_order_relaxed);
    }
    return {};
  };
  DQPREP_ASSIGN_OR_RETURN(report::Summary pass1,
                          passes.collect({[&] { return std::make_unique<ScoreProcessor>(setup); }, consume_scores}));

  // Pass 2: density (and, sampling, each record's weight and key).
  uint64_t zero_weight = 0;
  if (setup.density) {
    std::sort(sample_heap.begin(), sample_heap.end());
    setup.sample_count = sample_heap.size();
    setup.sample.reserve(setup.sample_count * payload);
    for (const auto& [id, slot] : sample_heap) {
      setup.sample.insert(setup.sample.end(), slots[slot].begin(), slots[slot].end());
      if (setup.inverse) setup.sample_members.insert(id.second);
    }
    slots.clear();
    auto consume_density = [&](std::string_view state) -> Status {
      state_bytes::Reader in(state);
      while (!in.done()) {
        Ranked r;
        r.index = in.get<uint64_t>();
        r.score = in.get<double>();
        r.uncertainty = in.get<double>();
        r.density = in.get<double>();
        r.weight = in.get<double>();
        if (setup.inverse && !(r.weight > 0)) {
          ++zero_weight;  // never drawn: goes to --rest as not_selected
          continue;
        }
        rank(r);
      }
      return {};
    };
    DQPREP_ASSIGN_OR_RETURN(
        report::Summary pass2,
        passes.collect({[&] { return std::make_unique<DensityProcessor>(setup); }, consume_density}));
  }

  // Pass 3: walk the ranking, skipping near duplicates of records already chosen.
  uint64_t skipped = 0, windows = 0;
  if (setup.cover) {
    DQPREP_RETURN_IF_ERROR(choose_cover(setup, cover_pool, o.k));
  } else if (o.diverse) {
    std::sort(all.begin(), all.end(), better);
    ChosenSet chosen(o.num_perm, o.diverse_threshold);
    std::vector<uint32_t> signatures;
    size_t lo = 0, width = std::max<size_t>(2 * std::min<size_t>(o.k, all.size()), 64);
    while (setup.selection.size() < o.k && lo < all.size()) {
      size_t hi = std::min(all.size(), lo + width);
      setup.window.clear();
      for (size_t i = lo; i < hi; ++i) setup.window.emplace(all[i].index, static_cast<uint32_t>(i - lo));
      signatures.assign((hi - lo) * o.num_perm, 0);
      auto consume_signatures = [&](std::string_view state) -> Status {
        state_bytes::Reader in(state);
        while (!in.done()) {
          auto index = in.get<uint64_t>();
          in.get_array(signatures.data() + size_t{setup.window.at(index)} * o.num_perm, o.num_perm);
        }
        return {};
      };
      DQPREP_ASSIGN_OR_RETURN(
          report::Summary pass3,
          passes.collect({[&] { return std::make_unique<SignatureProcessor>(setup); }, consume_signatures}));
      ++windows;
      for (size_t i = lo; i < hi && setup.selection.size() < o.k; ++i) {
        std::span<const uint32_t> sig(signatures.data() + (i - lo) * o.num_perm, o.num_perm);
        if (chosen.near_duplicate(sig)) {
          ++skipped;
          continue;
        }
        chosen.add(sig);
        setup.selection.push_back(all[i]);
      }
      lo = hi;
      width *= 2;
    }
    setup.window.clear();
    all = {};
  } else {
    setup.selection = heap.take();
  }
  for (size_t i = 0; i < setup.selection.size(); ++i) setup.selected.emplace(setup.selection[i].index, static_cast<uint32_t>(i));

  // Pass 4: write.
  std::vector<std::string> lines(setup.selection.size());
  stream::Options last = passes.writing();
  last.write_records = false;  // the selected records are written in rank order below
  last.consume_state = [&](std::string_view state) -> Status {
    state_bytes::Reader in(state);
    while (!in.done()) {
      auto position = in.get<uint64_t>();
      auto size = in.get<uint64_t>();
      lines[position].assign(in.get_raw(size));
    }
    return {};
  };
  DQPREP_ASSIGN_OR_RETURN(report::Summary pass4,
                          passes.run(last, [&] { return std::make_unique<WriteProcessor>(setup); }));
  for (const std::string& line : lines) {
    DQPREP_RETURN_IF_ERROR(output->write(line));
    DQPREP_RETURN_IF_ERROR(output->write("\n"));
  }
  DQPREP_RETURN_IF_ERROR(output->commit());

  report::Summary summary = std::move(pass4);
  summary.in += lines.size();
  summary.out += lines.size();
  summary.seconds = report::seconds_since(start);
  report::Json& f = summary.figures;
  if (setup.has_probs || setup.strategy == Strategy::coreset) f["strategy"] = o.strategy;
  else set_null(f, "strategy", "no --probs-field: no uncertainty to rank by");
  f["k"] = o.k;
  f["candidates"] = candidates;
  f["missing_probs"] = missing;
  f["selected"] = lines.size();
  std::optional<double> lowest;
  for (const Ranked& r : setup.selection) {
    double shown = setup.inverse ? r.weight : r.score;
    if (!r.first) lowest = lowest ? std::min(*lowest, shown) : shown;
  }
  if (lowest) f["lowest_selected_score"] = *lowest;
  else set_null(f, "lowest_selected_score", "no record selected by its score");
  if (setup.density) f["density_sample"] = setup.sample_count;
  if (setup.cover) {
    f["labelled"] = setup.labelled_count;
    if (!o.labelled.empty()) f["labelled_skipped"] = labelled_figures.value("skipped", uint64_t{0});
    f["payloads_spilled"] = cover_pool.payloads.spilled();
  }
  if (setup.inverse) {
    f["sampling"] = o.sampling;
    f["zero_weight"] = zero_weight;
  }
  if (o.diverse) {
    f["near_duplicates_skipped"] = skipped;
    f["diverse_windows"] = windows;
  }
  f["passes"] = passes.passes_run();
  // The fixed --stats schema: what --density or --diverse measure is null without them.
  fix_schema(summary,
             {{"strategy"}, {"k"}, {"candidates"}, {"missing_probs"}, {"selected"}, {"lowest_selected_score"},
              setup.density ? SchemaField{"density_sample"} : not_applicable("density_sample", "no --density"),
              o.diverse ? SchemaField{"near_duplicates_skipped"} : not_applicable("near_duplicates_skipped", "no --diverse"),
              o.diverse ? SchemaField{"diverse_windows"} : not_applicable("diverse_windows", "no --diverse"),
              setup.cover ? SchemaField{"labelled"} : not_applicable("labelled", "no --labelled or coreset"),
              !o.labelled.empty() ? SchemaField{"labelled_skipped"} : not_applicable("labelled_skipped", "no --labelled"),
              setup.cover ? SchemaField{"payloads_spilled"} : not_applicable("payloads_spilled", "no --labelled or coreset"),
              setup.inverse ? SchemaField{"sampling"} : not_applicable("sampling", "no --sampling"),
              setup.inverse ? SchemaField{"zero_weight"} : not_applicable("zero_weight", "no --sampling"),
              {"passes"}},
             setup.missing_first ? std::vector<std::string>{"not_selected"}
                                 : std::vector<std::string>{"not_selected", "no_probs"});
  return finish(o.common, summary);
}

}  // namespace

StageRunner setup_select(CLI::App& app) {
  auto o = std::make_shared<SelectOptions>();
  CLI::App* sub = app.add_subcommand("select", "Active learning: the records most worth annotating");
  sub->footer(
      "Uncertainty of the probabilities (higher first): least-confidence 1 - max p, margin 1 - (p1 - p2),\n"
      "entropy -sum p ln p; ties keep input order. The k selected records are written in rank order with\n"
      "\"_select\": {\"score\", \"rank\"}; all others go to --rest unchanged, in input order.\n"
      "--sampling inverse-density draws a weighted sample instead, P(x) ~ u(x) / density(x)^beta (u = 1 without\n"
      "--probs-field), by Efraimidis-Spirakis keys v^(1/w): score is the weight, rank the draw order.\n"
      "--labelled L.jsonl picks k times x* = argmax u(x) d(x, L + S)^beta, S the records chosen, d = 1 - similarity;\n"
      "--strategy coreset: u = 1 (k-center greedy).\n"
      "Example:\n"
      "  dqprep select --probs-field probs --strategy margin --k 500 --diverse pool.jsonl -o batch.jsonl --rest pool2.jsonl");
  add_common_options(*sub, o->common);
  sub->add_option("--probs-field", o->probs_field, "Predicted class probabilities (an array; a number p means (p, 1-p))")
      ->type_name("PATH");
  sub->add_option("--strategy", o->strategy,
                  "least-confidence, margin or entropy; coreset: k-center greedy, farthest from --labelled and the "
                  "records chosen")
      ->check(CLI::IsMember({"least-confidence", "margin", "entropy", "coreset"}))
      ->capture_default_str();
  sub->add_option("--labelled", o->labelled,
                  "Records already labelled (repeatable): pick greedily far from them and from each other, "
                  "x* = argmax u(x) d(x, L+S)^beta")
      ->type_name("FILE")
      ->allow_extra_args(false);  // one file an occurrence: a following INPUT is the pool
  sub->add_option("--k", o->k, "How many records to select")->check(whole_number())->capture_default_str();
  sub->add_option("--rest", o->rest, "Where the records not selected go (unchanged, input order)")->type_name("FILE");
  sub->add_option("--missing", o->missing,
                  "Records without probabilities: exclude (to --rest, counted as no_probs) or first (ranked first)")
      ->check(CLI::IsMember({"exclude", "first"}))
      ->capture_default_str();
  sub->add_flag("--renormalize", o->renormalize, "Accept probabilities that do not sum to 1: divide by their sum");
  sub->add_flag("--density", o->density, "Weight by information density: score x (mean similarity to the pool)^beta");
  sub->add_option("--sampling", o->sampling,
                  "top: the k best scores; inverse-density: a weighted sample, P(x) ~ u(x) / density(x)^beta "
                  "(u = 1 without --probs-field)")
      ->check(CLI::IsMember({"top", "inverse-density"}))
      ->capture_default_str();
  sub->add_option("--beta", o->beta, "Exponent of the density")->capture_default_str();
  sub->add_option("--embedding-field", o->embedding_field, "Density by cosine over this vector instead of MinHash of the text")
      ->type_name("PATH");
  sub->add_option("--density-sample", o->density_sample, "Pool records (seeded sample) each density is measured against")->check(whole_number())
      ->capture_default_str();
  sub->add_option("--density-ngram", o->density_ngram, "Word n-grams of the density's MinHash similarity")->check(whole_number())
      ->capture_default_str();
  CLI::Option* diverse = sub->add_flag("--diverse", o->diverse, "No two selected records are near duplicates (MinHash)");
  sub->add_option("--diverse-threshold", o->diverse_threshold, "Jaccard estimate at which two records are near duplicates")
      ->needs(diverse)
      ->capture_default_str();
  sub->add_option("--ngram", o->ngram, "Word n-grams of the --diverse MinHash signatures")->check(whole_number())->capture_default_str();
  sub->add_option("--num-perm", o->num_perm, "MinHash functions per signature (--density, --diverse)")->check(whole_number())->capture_default_str();
  return [o, sub] { return run_select(*o, *sub); };
}

}  // namespace dqprep::stages
