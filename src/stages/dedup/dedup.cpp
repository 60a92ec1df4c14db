// dqprep dedup: exact and near-duplicate removal (or marking), and decontamination against
// reference files, in one process. The sharded form (dedup sign / cluster / apply) is in
// dedup_shards.cpp; both share dedup_records.hpp.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include <spdlog/spdlog.h>

#include "dqprep/io/json_text.hpp"
#include "dqprep/io/state_bytes.hpp"
#include "stages/dedup/dedup_records.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

using dedup::Analyzer;
using dedup::KeySetup;
using dedup::Mode;

struct DedupOptions {
  CommonOptions common;
  dedup::KeyOptions key;
  std::string keep = "first";
  double threshold = 0.8;
  bool mark = false;
  std::string removed;
  std::vector<std::string> against;
  uint32_t ngram_overlap = 0;  // 0: off
  uint32_t overlap_min_words = 8;
  bool curve = false;
};

using state_bytes::put;
using state_bytes::put_bytes;

void set_ratio(report::Json& figures, uint64_t duplicates, uint64_t records) {
  if (records == 0) {
    set_null(figures, "duplicate_ratio", "no records");
  } else {
    figures["duplicate_ratio"] = static_cast<double>(duplicates) / static_cast<double>(records);
  }
}

// The fixed --stats schema of dedup, whichever way it ran: within the input (one pass or two) or
// against references (--against). What the other way measures is null.
Status finish_dedup(const DedupOptions& o, report::Summary& summary, Mode mode, bool against, bool verified) {
  const char* within = "--against: the records are compared with the references, not with each other";
  const char* unverified = against ? within
                           : mode == Mode::exact ? "exact mode: equal keys need no check"
                                                 : "--no-verify: LSH candidates join unchecked";
  const char* no_refs = "no --against";
  std::vector<SchemaField> schema{{"mode"}};
  for (const char* key : {"clusters", "duplicates"}) schema.push_back(against ? not_applicable(key, within) : SchemaField{key});
  schema.push_back({"removed"});
  schema.push_back(against ? not_applicable("duplicate_ratio", within) : SchemaField{"duplicate_ratio"});
  schema.push_back(against ? not_applicable("label_conflicts", within) : SchemaField{"label_conflicts"});
  for (const char* key : {"pairs_verified", "pairs_rejected"}) {
    schema.push_back(verified ? SchemaField{key} : not_applicable(key, unverified));
  }
  for (const char* key : {"references", "references_malformed", "contaminated"}) {
    schema.push_back(against ? SchemaField{key} : not_applicable(key, no_refs));
  }
  schema.push_back(o.ngram_overlap ? SchemaField{"references_too_short"}
                                   : not_applicable("references_too_short", "no --ngram-overlap"));
  fix_schema(summary, schema, {against ? (o.ngram_overlap ? "ngram_overlap" : "contaminated") : "duplicate"});
  return finish(o.common, summary);
}

// ---------------------------------------------------------------------------------------------
// Exact, --keep first, no --mark: one pass. Workers compute the keys; the writing thread decides,
// in input order, with a hash table of the keys seen (in_order hook of the stream driver).

class ExactStreamProcessor : public stream::RecordProcessor {
 public:
  ExactStreamProcessor(const KeySetup& setup, bool removed) : analyzer_(setup), removed_(removed) {}

  // State per record: key (16), label (8), where the line is (in the batch, which in_order sees
  // before it is written: no copy); with --removed also the record's name and where dup_of goes in
  // its line (offset, length, the bytes before the name).
  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(analyzer_.parse(line.text));
    hash::Key128 key;
    uint32_t length = 0;
    DQPREP_RETURN_IF_ERROR(analyzer_.exact_key(key, length));
    std::string& state = out.state();
    put(state, key.low);
    put(state, key.high);
    put(state, analyzer_.label_hash());
    put(state, line.text.data());
    put(state, line.text.size());
    if (removed_) {
      analyzer_.name(line, name_);
      put_bytes(state, name_);
      edits_.clear();
      DQPREP_RETURN_IF_ERROR(record::set_top_level(analyzer_.parser(), "dup_of", "", edits_));
      put<uint32_t>(state, static_cast<uint32_t>(edits_[0].offset));
      put<uint32_t>(state, static_cast<uint32_t>(edits_[0].length));
      put_bytes(state, edits_[0].text);
    }
    return {};
  }

 private:
  Analyzer analyzer_;
  bool removed_;
  std::string name_;
  std::vector<record::Edit> edits_;
};

class ExactStreamDecider {
 public:
  explicit ExactStreamDecider(bool removed) : removed_(removed) {}

  Status decide(stream::Emitter& batch) {
    state_bytes::Reader c(batch.state());
    while (!c.done()) {
      hash::Key128 key{c.get<uint64_t>(), c.get<uint64_t>()};
      const uint64_t label = c.get<uint64_t>();
      const char* data = c.get<const char*>();
      const std::string_view line(data, c.get<size_t>());
      std::string_view name, prefix;
      uint32_t offset = 0, length = 0;
      if (removed_) {
        name = c.get_bytes();
        offset = c.get<uint32_t>();
        length = c.get<uint32_t>();
        prefix = c.get_bytes();
      }
      bool inserted = false;
      const uint32_t g = table_.find_or_insert(key, static_cast<uint32_t>(groups_.size()), inserted);
      if (inserted) {
        if (groups_.size() == UINT32_MAX) return Status::usage("more than 2^32 - 1 distinct records in one dedup run");
        groups_.push_back({label, names_.size(), static_cast<uint32_t>(name.size()), 0, 0});
        names_.append(name);
        batch.keep(line);
        continue;
      }
      Group& group = groups_[g];
      ++duplicates_;
      if (!group.repeated) {
        group.repeated = 1;
        ++clusters_;
      }
      if (label != 0) {
        if (group.label == 0) {
          group.label = label;
        } else if (label != group.label && !group.conflict) {
          group.conflict = 1;
          ++label_conflicts_;
        }
      }
      if (!removed_) {
        batch.reject(line, "duplicate");
        continue;
      }
      edited_.assign(line.substr(0, offset));
      edited_.append(prefix);
      edited_.append(names_, group.name_at, group.name_size);
      edited_.append(line.substr(offset + length));
      batch.reject(edited_, "duplicate");
    }
    return {};
  }

  uint64_t duplicates_ = 0, clusters_ = 0, label_conflicts_ = 0;

 private:
  struct Group {
    uint64_t label;
    uint64_t name_at;
    uint32_t name_size;
    uint8_t repeated;
    uint8_t conflict;
  };
  bool removed_;
  KeyTable table_;
  std::vector<Group> groups_;
  std::string names_;
  std::string edited_;
};

Status run_exact_streaming(const DedupOptions& o, const KeySetup& setup, std::chrono::steady_clock::time_point start) {
  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.rejects = o.removed;
  const bool removed = !o.removed.empty();
  ExactStreamDecider decider(removed);
  so.in_order = [&](stream::Emitter& batch) { return decider.decide(batch); };
  DQPREP_ASSIGN_OR_RETURN(
      report::Summary summary,
      stream::run(so, [&] { return std::make_unique<ExactStreamProcessor>(setup, removed); }, "dedup"));
  report::Json& f = summary.figures;
  f = report::Json::object();
  f["mode"] = "exact";
  f["clusters"] = decider.clusters_;
  f["duplicates"] = decider.duplicates_;
  f["removed"] = summary.rejected;
  set_ratio(f, decider.duplicates_, summary.in - summary.quarantined);
  f["label_conflicts"] = decider.label_conflicts_;
  summary.seconds = report::seconds_since(start);
  return finish_dedup(o, summary, setup.mode, false, false);
}

// ---------------------------------------------------------------------------------------------
// Two passes: entries (keys, length, label) in input order -> clusters -> the writing pass.

class EntryProcessor : public stream::RecordProcessor {
 public:
  explicit EntryProcessor(const KeySetup& setup) : analyzer_(setup) {}
  Status process(const stream::Line& line, stream::Emitter& out) override {
    return analyzer_.append_entry(line, out.state());
  }

 private:
  Analyzer analyzer_;
};

Status run_two_pass(const DedupOptions& o, const KeySetup& setup, dup_groups::Keep keep,
                    std::chrono::steady_clock::time_point start) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> passes, open_passes(o.common, "dedup", o.removed));
  if (o.mark || !o.removed.empty()) passes->plan(3);  // a pass for the names of the kept copies
  const bool verify = setup.layout.sets;

  // Pass 1: entries. Malformed records are only noted here; the writing pass reports them.
  dedup::Collector collector(setup.mode, setup.layout.keys, verify);
  collector.begin_shard();
  // The shingle sets, to check the candidates: a temporary file, 8 bytes of location a record.
  shingle_sets::Spill spill;
  if (verify) DQPREP_RETURN_IF_ERROR(spill.open());
  auto consume_entries = [&](std::string_view state) -> Status {
    size_t pos = 0;
    signature_file::Entry entry;
    while (pos < state.size()) {
      DQPREP_ASSIGN_OR_RETURN(size_t size, signature_file::decode(state, pos, setup.layout, entry));
      if (size == 0) return Status::io("first pass: a cut-short entry");
      uint64_t location = 0;
      if (verify && !entry.malformed) {
        uint32_t count;
        std::memcpy(&count, state.data() + entry.set_at, sizeof count);
        location = spill.append(state.substr(entry.set_at, sizeof count + size_t{count} * sizeof(uint32_t)));
        DQPREP_RETURN_IF_ERROR(spill.flush_if_full());
      }
      DQPREP_RETURN_IF_ERROR(collector.add(entry, location));
      pos += size;
    }
    return {};
  };
  DQPREP_ASSIGN_OR_RETURN(report::Summary first,
                          passes->collect({[&] { return std::make_unique<EntryProcessor>(setup); }, consume_entries}));

  // Clusters and groups.
  std::unique_ptr<shingle_sets::Verifier> verifier;
  lsh::Verifier verify_fn;
  if (verify) {
    DQPREP_RETURN_IF_ERROR(spill.finish());
    verifier = std::make_unique<shingle_sets::Verifier>(std::vector<int>{spill.fd()}, collector.set_locations(), o.threshold);
    verify_fn = [&](uint32_t a, uint32_t b) { return verifier->similar(a, b); };
  }
  DQPREP_ASSIGN_OR_RETURN(std::vector<uint32_t> components, collector.cluster(verify_fn));
  dup_groups::Groups groups = collector.groups(components, keep);
  const uint64_t records = collector.records();
  components.clear();
  components.shrink_to_fit();

  dedup::Decisions decisions;
  decisions.members = std::move(groups.members);
  decisions.malformed = collector.shards()[0].malformed;
  dedup::to_positions(decisions.members, decisions.malformed);
  decisions.names.resize(groups.kept.size());

  // Names of the kept members, when dup_cluster or dup_of will show them.
  if ((o.mark || !o.removed.empty()) && !groups.kept.empty()) {
    stream::Options pn = passes->collecting();
    pn.on_error = stream::ErrorPolicy::skip;
    pn.consume_state = [&](std::string_view state) { return dedup::take_names(state, decisions); };
    DQPREP_ASSIGN_OR_RETURN(report::Summary names,
                            passes->run(pn, [&] { return std::make_unique<dedup::NameProcessor>(setup, decisions); }));
  }

  // The writing pass.
  const bool mark = o.mark, removed = !o.removed.empty();
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary, passes->write([&] {
    return std::make_unique<dedup::MarkProcessor>(decisions, mark, removed);
  }));
  report::Json& f = summary.figures;
  f = report::Json::object();
  f["mode"] = setup.mode == Mode::near ? "near" : "exact";
  f["clusters"] = groups.kept.size();
  f["duplicates"] = groups.duplicates;
  f["removed"] = summary.rejected;
  set_ratio(f, groups.duplicates, records);
  f["label_conflicts"] = groups.label_conflicts;
  if (verifier) {
    f["pairs_verified"] = verifier->checked();
    f["pairs_rejected"] = verifier->rejected();
  }
  summary.seconds = report::seconds_since(start);
  return finish_dedup(o, summary, setup.mode, false, verifier != nullptr);
}

// ---------------------------------------------------------------------------------------------
// Decontamination: each input record is checked against the records of --against files.

struct References {
  Mode mode = Mode::exact;
  std::vector<std::string> names;  // JSON
  // exact
  KeyTable keys;
  // near: (band, key, reference) sorted; shingle sets (stored form) unless --no-verify
  struct BandEntry {
    uint32_t band;
    uint64_t key;
    uint32_t ref;
    auto operator<=>(const BandEntry&) const = default;
  };
  std::vector<BandEntry> bands;
  std::vector<std::vector<uint32_t>> sets;
  // --ngram-overlap: per n-gram size, the hashes of the references' n-grams -> first reference
  std::map<uint32_t, HashTable64> ngrams;
  uint64_t malformed = 0;
  uint64_t too_short = 0;
};

class ReferenceProcessor : public stream::RecordProcessor {
 public:
  ReferenceProcessor(const KeySetup& setup, uint32_t overlap, bool verify)
      : analyzer_(setup), setup_(setup), overlap_(overlap), verify_(verify), keys_(setup.layout.keys) {}

  // State: name, then exact: key (16); near: keys, [set]; overlap: u32 words, u32 n, n x u64.
  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(analyzer_.parse(line.text));
    analyzer_.name(line, name_);
    std::string& state = out.state();
    uint32_t length = 0;
    if (overlap_) {
      std::string_view text;
      DQPREP_RETURN_IF_ERROR(analyzer_.text(text));
      shingle::shingle_hashes(text, overlap_, scratch_, hashes_);
      put_bytes(state, name_);
      put<uint32_t>(state, static_cast<uint32_t>(scratch_.word_starts.size()));
      put<uint32_t>(state, static_cast<uint32_t>(hashes_.size()));
      state_bytes::put_array<uint64_t>(state, hashes_);
    } else if (setup_.mode == Mode::exact) {
      hash::Key128 key;
      DQPREP_RETURN_IF_ERROR(analyzer_.exact_key(key, length));
      put_bytes(state, name_);
      put(state, key.low);
      put(state, key.high);
    } else {
      DQPREP_RETURN_IF_ERROR(analyzer_.near_keys(keys_, length));
      put_bytes(state, name_);
      state_bytes::put_array<uint64_t>(state, keys_);
      if (verify_) {
        shingle_sets::narrow(analyzer_.shingles(), set_);
        shingle_sets::append_stored(state, set_);
      }
    }
    return {};
  }

 private:
  Analyzer analyzer_;
  const KeySetup& setup_;
  uint32_t overlap_;
  bool verify_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> set_;
  std::string name_;
  shingle::Scratch scratch_;
  std::vector<uint64_t> hashes_;
};

Status load_references(const DedupOptions& o, const KeySetup& setup, References& refs) {
  DQPREP_ASSIGN_OR_RETURN(stream::Options base, stream_options(o.common));
  stream::Options so;
  so.inputs = o.against;
  so.write_records = false;
  so.on_error = base.on_error == stream::ErrorPolicy::fail ? stream::ErrorPolicy::fail : stream::ErrorPolicy::skip;
  so.threads = base.threads;
  refs.mode = setup.mode;
  const uint32_t bands = setup.layout.keys;
  so.consume_state = [&](std::string_view state) -> Status {
    state_bytes::Reader c(state);
    while (!c.done()) {
      if (refs.names.size() == UINT32_MAX) return Status::usage("more than 2^32 - 1 reference records");
      const uint32_t ref = static_cast<uint32_t>(refs.names.size());
      refs.names.emplace_back(c.get_bytes());
      bool inserted = false;
      if (o.ngram_overlap) {
        const uint32_t words = c.get<uint32_t>();
        const uint32_t n = c.get<uint32_t>();
        // A reference shorter than N words is looked for whole; a very short one would match
        // everywhere, so below --overlap-min-words it is only counted.
        const uint32_t size = words >= o.ngram_overlap ? o.ngram_overlap : words;
        if (words < o.ngram_overlap && words < o.overlap_min_words) {
          if (words > 0) ++refs.too_short;
          c.get_raw(size_t{n} * sizeof(uint64_t));
          continue;
        }
        HashTable64& table = refs.ngrams[size];
        for (uint32_t k = 0; k < n; ++k) table.find_or_insert(c.get<uint64_t>(), ref, inserted);
      } else if (setup.mode == Mode::exact) {
        hash::Key128 key{c.get<uint64_t>(), c.get<uint64_t>()};
        refs.keys.find_or_insert(key, ref, inserted);
      } else {
        for (uint32_t b = 0; b < bands; ++b) refs.bands.push_back({b, c.get<uint64_t>(), ref});
        if (o.key.verify()) {
          const uint32_t n = c.get<uint32_t>();
          std::vector<uint32_t> set(n);
          c.get_array(set.data(), n);
          refs.sets.push_back(std::move(set));
        }
      }
    }
    return {};
  };
  DQPREP_ASSIGN_OR_RETURN(
      report::Summary summary,
      stream::run(
          so, [&] { return std::make_unique<ReferenceProcessor>(setup, o.ngram_overlap, o.key.verify()); }, "dedup"));
  refs.malformed = summary.quarantined;
  std::sort(refs.bands.begin(), refs.bands.end());
  return {};
}

class AgainstProcessor : public stream::RecordProcessor {
 public:
  AgainstProcessor(const KeySetup& setup, const References& refs, const DedupOptions& o)
      : analyzer_(setup), refs_(refs), o_(o), keys_(setup.layout.keys) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(analyzer_.parse(line.text));
    uint32_t match = UINT32_MAX;
    DQPREP_RETURN_IF_ERROR(find_match(match));
    if (match == UINT32_MAX) {
      out.keep(line.text);
      return {};
    }
    out.count("contaminated");
    const std::string_view rule = o_.ngram_overlap ? "ngram_overlap" : "contaminated";
    if (!o_.mark && o_.removed.empty()) {
      out.reject(line.text, rule);
      return {};
    }
    edits_.clear();
    DQPREP_RETURN_IF_ERROR(record::set_top_level(analyzer_.parser(), "dup_of", refs_.names[match], edits_));
    record::apply_edits(line.text, edits_, edited_);
    if (o_.mark) {
      out.keep(edited_);
    } else {
      out.reject(edited_, rule);
    }
    return {};
  }

 private:
  // The first reference (in reference order) this record duplicates, or overlaps.
  Status find_match(uint32_t& match) {
    uint32_t length = 0;
    if (o_.ngram_overlap) {
      std::string_view text;
      DQPREP_RETURN_IF_ERROR(analyzer_.text(text));
      for (const auto& [n, table] : refs_.ngrams) {
        shingle::shingle_hashes(text, n, scratch_, hashes_);
        for (uint64_t h : hashes_) {
          if (const uint32_t* ref = table.find(h)) match = std::min(match, *ref);
        }
      }
      return {};
    }
    if (refs_.mode == Mode::exact) {
      hash::Key128 key;
      DQPREP_RETURN_IF_ERROR(analyzer_.exact_key(key, length));
      if (const uint32_t* ref = refs_.keys.find(key)) match = *ref;
      return {};
    }
    DQPREP_RETURN_IF_ERROR(analyzer_.near_keys(keys_, length));
    candidates_.clear();
    for (uint32_t b = 0; b < keys_.size(); ++b) {
      References::BandEntry lo{b, keys_[b], 0};
      for (auto it = std::lower_bound(refs_.bands.begin(), refs_.bands.end(), lo);
           it != refs_.bands.end() && it->band == b && it->key == keys_[b]; ++it) {
        candidates_.push_back(it->ref);
      }
    }
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    const bool verify = o_.key.verify();
    if (verify && !candidates_.empty()) shingle_sets::narrow(analyzer_.shingles(), set_);
    for (uint32_t ref : candidates_) {
      if (!verify || shingle_sets::jaccard(set_, refs_.sets[ref]) >= o_.threshold) {
        match = ref;
        return {};
      }
    }
    return {};
  }

  Analyzer analyzer_;
  const References& refs_;
  const DedupOptions& o_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> candidates_;
  std::vector<uint32_t> set_;
  shingle::Scratch scratch_;
  std::vector<uint64_t> hashes_;
  std::vector<record::Edit> edits_;
  std::string edited_;
};

Status run_against(const DedupOptions& o, const KeySetup& setup, std::chrono::steady_clock::time_point start) {
  References refs;
  DQPREP_RETURN_IF_ERROR(load_references(o, setup, refs));
  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.rejects = o.removed;
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<AgainstProcessor>(setup, refs, o); }, "dedup"));
  report::Json& f = summary.figures;
  const uint64_t contaminated = f.contains("contaminated") ? f["contaminated"].get<uint64_t>() : 0;
  f = report::Json::object();
  f["mode"] = o.ngram_overlap ? "ngram-overlap" : setup.mode == Mode::near ? "near" : "exact";
  f["references"] = refs.names.size();
  f["references_malformed"] = refs.malformed;
  if (o.ngram_overlap) f["references_too_short"] = refs.too_short;
  f["contaminated"] = contaminated;
  f["removed"] = summary.rejected;
  summary.seconds = report::seconds_since(start);
  return finish_dedup(o, summary, setup.mode, true, false);
}

// ---------------------------------------------------------------------------------------------

// The S-curve of the banding: the chance that a pair of Jaccard similarity s becomes a candidate.
Status print_curve(const DedupOptions& o) {
  DQPREP_ASSIGN_OR_RETURN(uint32_t rows, lsh::rows_per_band(o.key.num_perm, o.key.bands));
  const double half = std::pow(1.0 / o.key.bands, 1.0 / rows);
  std::string out = "bands " + std::to_string(o.key.bands) + " x rows " + std::to_string(rows) +
                    ": P(candidate) = 1 - (1 - s^" + std::to_string(rows) + ")^" + std::to_string(o.key.bands) +
                    "; threshold (1/b)^(1/r) = " + std::to_string(half).substr(0, 5) + "\n\n| Jaccard s | P(candidate) |\n|---|---|\n";
  for (double s : {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0}) {
    char line[64];
    std::snprintf(line, sizeof line, "| %.2f | %.4f |\n", s, lsh::candidate_probability(s, o.key.bands, rows));
    out += line;
  }
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> file, io::OutputFile::open(o.common.output));
  DQPREP_RETURN_IF_ERROR(file->write(out));
  return file->commit();
}

Status run_dedup(const DedupOptions& o, bool keep_given, bool threshold_given) {
  const auto start = std::chrono::steady_clock::now();
  if (o.curve) return print_curve(o);
  if (!(o.threshold > 0.0 && o.threshold <= 1.0)) {
    return Status::usage("--threshold must be in (0, 1], not " + util::number_text(o.threshold, 6));
  }
  if (o.mark && !o.removed.empty()) {
    return Status::usage("--removed gets the records dropped as duplicates; with --mark none is dropped");
  }
  for (const std::string& ref : o.against) {
    if (ref == "-") return Status::usage("--against needs files (standard input is for the records to check)");
  }
  if (o.ngram_overlap && o.against.empty()) {
    return Status::usage("--ngram-overlap needs --against FILE: the reference records whose n-grams are looked for");
  }
  if (!o.against.empty() && keep_given) {
    return Status::usage("--keep chooses among duplicates within the input; --against only checks records against the references");
  }
  if (o.ngram_overlap && o.key.mode == "near") {
    return Status::usage("--ngram-overlap is a test of its own: give it without --mode near");
  }
  if (o.ngram_overlap && (o.key.normalize_key || !o.key.key_paths.empty())) {
    return Status::usage("--ngram-overlap compares the text fields: --key and --normalize-key do not apply");
  }
  if (threshold_given && o.key.no_verify) {
    spdlog::warn("dqprep dedup: --threshold is the Jaccard cut-off of the verification; with --no-verify the bands alone decide");
  }
  // Names are read in a pass of their own, only for the kept members of groups (see run_two_pass).
  DQPREP_ASSIGN_OR_RETURN(KeySetup setup,
                          dedup::make_key_setup(o.key, o.common, /*names=*/false, o.key.verify() && o.against.empty()));
  if (!o.against.empty()) return run_against(o, setup, start);
  DQPREP_ASSIGN_OR_RETURN(dup_groups::Keep keep, dup_groups::parse_keep(o.keep));
  if (setup.mode == Mode::exact && keep == dup_groups::Keep::first && !o.mark) return run_exact_streaming(o, setup, start);
  return run_two_pass(o, setup, keep, start);
}

}  // namespace

StageRunner setup_dedup(CLI::App& app) {
  auto o = std::make_shared<DedupOptions>();
  CLI::App* sub = app.add_subcommand("dedup", "Remove or mark exact and near duplicates; decontaminate against other files");
  sub->footer(
      "Exact mode with --keep first (and no --mark) streams in one pass; the other modes read the input\n"
      "twice (standard input is spilled to a temporary file). Near mode checks each LSH candidate pair by\n"
      "the exact Jaccard of the shingle sets (>= --threshold; kept in a temporary file, 4 bytes a shingle);\n"
      "--no-verify joins candidates unchecked. See docs/dedup.md.\n"
      "Sharded form (the same result as one process over all shards): dqprep dedup sign|cluster|apply --help\n"
      "Examples:\n"
      "  dqprep dedup --mode near --removed dups.jsonl train.jsonl -o train.dedup.jsonl\n"
      "  dqprep dedup --mode near --mark train.jsonl -o train.marked.jsonl\n"
      "  dqprep dedup --against test.jsonl --ngram-overlap=13 train.jsonl -o train.clean.jsonl");
  add_common_options(*sub, o->common);
  dedup::add_key_options(*sub, o->key);
  CLI::Option* keep = sub->add_option("--keep", o->keep, "Which member of a duplicate group stays: first or longest (text bytes)")
                          ->check(CLI::IsMember({"first", "longest"}))
                          ->capture_default_str();
  CLI::Option* threshold =
      sub->add_option("--threshold", o->threshold, "near: Jaccard similarity from which candidates are duplicates (not with --no-verify)")
          ->capture_default_str();
  sub->add_flag("--mark", o->mark, "Keep every record; add dup_cluster (all members) and dup_of (the others)");
  sub->add_option("--removed", o->removed, "Write dropped records here, with dup_of")->type_name("FILE");
  sub->add_option("--against", o->against,
                  "Drop records duplicating a record of FILE instead (decontamination; repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  sub->add_option("--ngram-overlap", o->ngram_overlap,
                  "With --against: drop records sharing a word N-gram with them; bare: N = 13 (else write --ngram-overlap=N)")
      ->check(whole_number())
      ->type_name("[N]")
      ->expected(0, 1)
      ->default_str("13")
      ->check(CLI::Range(1u, 1000u));
  sub->add_flag("--curve", o->curve,
                "Print the chance of becoming a candidate per Jaccard for --bands/--num-perm, and exit");
  sub->add_option("--overlap-min-words", o->overlap_min_words,
                  "--ngram-overlap: references shorter than N words are looked for whole if they have this many")
      ->check(whole_number())
      ->capture_default_str();
  StageRunner sign = dedup::setup_sign(*sub);
  StageRunner cluster = dedup::setup_cluster(*sub);
  StageRunner apply = dedup::setup_apply(*sub);
  return [o, sub, keep, threshold, sign, cluster, apply]() -> Status {
    for (CLI::App* nested : sub->get_subcommands()) {
      for (const CLI::Option* opt : sub->get_options()) {
        if (opt->count() > 0) {
          return Status::usage("'" + opt->get_name() + "' belongs after 'dedup " + nested->get_name() +
                               "', not before it");
        }
      }
      if (nested->get_name() == "sign") return sign();
      if (nested->get_name() == "cluster") return cluster();
      return apply();
    }
    return run_dedup(*o, keep->count() > 0, threshold->count() > 0);
  };
}

}  // namespace dqprep::stages
