#pragma once
// What the dedup subcommands share (dedup, and dedup sign / cluster / apply): the options that
// shape a record's keys, the per-thread analysis of a record into a first-pass entry, the
// collection of those entries into clusters, and the writing pass that drops or marks duplicates.
// One code path for the one-process run and the sharded form, so their outputs are the same bytes.

#include <memory>
#include <new>
#include <string>
#include <vector>

#include "dqprep/dedup/dup_groups.hpp"
#include "dqprep/util/hash.hpp"
#include "dqprep/dedup/key_table.hpp"
#include "dqprep/dedup/lsh.hpp"
#include "dqprep/dedup/minhash.hpp"
#include "dqprep/dedup/shingle.hpp"
#include "dqprep/dedup/shingle_sets.hpp"
#include "dqprep/io/signature_file.hpp"
#include "dqprep/text/text_key.hpp"
#include "dqprep/util/mapped_allocator.hpp"
#include "stages/common.hpp"

namespace dqprep::stages::dedup {

enum class Mode { exact, near };

// The flags that decide a record's keys. A signature file records them; shards must agree.
struct KeyOptions {
  std::string mode = "exact";
  std::vector<std::string> key_paths;
  bool normalize_key = false;
  uint32_t ngram = static_cast<uint32_t>(shingle::kDefaultNgram);
  std::string shingle;  // --shingle word:N|char:N; empty: word:--ngram
  uint32_t num_perm = minhash::kDefaultNumPerm;
  uint32_t bands = lsh::kDefaultBands;
  bool verify_flag = false;  // --verify: the default, accepted so that older command lines still run
  bool no_verify = false;    // --no-verify: LSH candidates join unchecked
  const CLI::Option* ngram_flag = nullptr;  // set by add_key_options: whether --ngram was given

  // Near mode checks candidates by their shingle sets unless --no-verify.
  bool verify() const { return mode == "near" && !no_verify; }
};

// --mode, --key, --normalize-key, --ngram, --shingle, --num-perm, --bands, --verify, --no-verify.
void add_key_options(CLI::App& app, KeyOptions& o);

struct KeySetup {
  Mode mode = Mode::exact;
  Fields fields;
  std::vector<record::Path> key_paths;
  bool normalize_key = false;
  shingle::Shingling shingling;
  uint32_t rows = 8;
  std::shared_ptr<const minhash::MinHasher> hasher;  // near only
  signature_file::Layout layout;
  std::string params;  // what shaped the keys, as text (signature header)
};

// Checks the key options. names: entries carry the record's name; sets: its shingle set (near mode
// without --no-verify; in exact mode there is none).
Result<KeySetup> make_key_setup(const KeyOptions& key, const CommonOptions& common, bool names, bool sets);

// One per thread: a record's keys, text length, label, name and shingle set.
class Analyzer {
 public:
  explicit Analyzer(const KeySetup& setup);

  // parse() first; the others read the parsed record. A malformed record is a bad_input Status.
  Status parse(std::string_view line) { return parser_.parse(line); }
  Status text(std::string_view& out);
  // The exact key (XXH3-128 of the joined text or of the --key values) and the text length.
  Status exact_key(hash::Key128& key, uint32_t& length);
  // The band keys (keys.size() bands) and the text length; shingles() then holds the shingle set.
  Status near_keys(std::span<uint64_t> keys, uint32_t& length);
  const std::vector<uint64_t>& shingles() const { return shingles_; }
  // Hash of the label's JSON text; 0 when the record has none.
  uint64_t label_hash();
  // The record's name as JSON: its id (string, number or boolean, as written), else "FILE:LINE".
  void name(const stream::Line& line, std::string& out);
  record::Parser& parser() { return parser_; }

  // The record's whole first-pass entry, appended to out; for a malformed record a malformed entry,
  // and its Status is returned.
  Status append_entry(const stream::Line& line, std::string& out);

 private:
  Status analyze(const stream::Line& line, uint32_t& length);

  const KeySetup& setup_;
  record::Parser parser_;
  std::vector<record::StringValue> values_;
  std::string joined_, key_bytes_, name_, key_form_;
  shingle::Scratch scratch_;
  std::vector<uint64_t> shingles_;
  std::vector<uint32_t> signature_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> narrow_;

  // The --normalize-key form of text (text_key.hpp), or text itself.
  std::string_view key_text(std::string_view text) {
    if (!setup_.normalize_key) return text;
    text::key_form(text, key_form_);
    return key_form_;
  }
};

// Collects first-pass entries, on one thread and in input order, shard after shard (the
// one-process run is one shard), into what clustering needs: per record 8 bytes per band key
// (exact mode: a hash table of the 16-byte keys instead, 32-64 bytes per distinct key), 4 of text
// length, 8 of label hash, and when verifying 8 of shingle-set location. Near mode peaks while
// clustering, at 112 + 12 (+ 8) + 21 bytes per record for 14 bands (lsh.hpp: sort entries and
// union-find).
class Collector {
 public:
  // keys: false collects everything but the near mode's band keys (dedup cluster --edges, whose
  // buckets come from the partition jobs); cluster() then cannot be called.
  Collector(Mode mode, uint32_t keys_per_record, bool sets, bool keys = true);

  struct Shard {
    uint64_t positions = 0;     // entries
    uint32_t first_record = 0;  // records before this shard
    std::vector<std::pair<uint64_t, std::string>> malformed;  // position in the shard, message
  };

  void begin_shard();
  // set_location: where the entry's shingle set can be read (see shingle_sets::Verifier).
  Status add(const signature_file::Entry& entry, uint64_t set_location);

  uint32_t records() const { return static_cast<uint32_t>(lengths_.size()); }
  const std::vector<Shard>& shards() const { return shards_; }
  const std::vector<uint64_t>& set_locations() const { return set_locations_; }

  // For each record the smallest record of its cluster; frees the index. With a verifier, LSH
  // candidates join only when it confirms them.
  Result<std::vector<uint32_t>> cluster(const lsh::Verifier& verify);
  // The duplicate groups (after cluster()).
  dup_groups::Groups groups(std::span<const uint32_t> component_min, dup_groups::Keep keep) const;

 private:
  Mode mode_;
  bool sets_;
  bool keys_wanted_;
  std::vector<Shard> shards_;
  std::vector<uint32_t> lengths_;
  std::vector<uint64_t> labels_;
  std::vector<uint64_t> set_locations_;
  // Band keys in fixed-size chunks until cluster() moves them into an index of the exact size: a
  // growing vector would double (and momentarily triple) the largest structure of the run.
  std::vector<std::vector<uint64_t, MappedAllocator<uint64_t>>> key_chunks_;
  uint32_t bands_ = 0;
  KeyTable table_;
  std::vector<uint32_t> first_of_key_;
  std::vector<uint64_t> keys_;
};

// Records' positions: the k-th record of a shard sits at position k plus the number of malformed
// positions before it. Translates members' record indices (shard-local, increasing) to positions.
void to_positions(std::vector<dup_groups::Member>& members,
                  const std::vector<std::pair<uint64_t, std::string>>& malformed);

// What the writing pass does with each position of one input (shard).
struct Decisions {
  std::vector<dup_groups::Member> members;  // index = position; increasing
  std::vector<std::string> names;           // per group: the kept member's name (JSON)
  std::vector<std::pair<uint64_t, std::string>> malformed;  // by position

  const dup_groups::Member* find(uint64_t position) const;
  const std::string* malformed_at(uint64_t position) const;
};

// The writing pass: records outside any group pass unchanged; a group's kept member passes (with
// dup_cluster under --mark); the others are dropped with dup_of (to --removed), or kept with
// dup_cluster and dup_of under --mark. A position malformed in the first pass is reported again.
class MarkProcessor : public stream::RecordProcessor {
 public:
  MarkProcessor(const Decisions& decisions, bool mark, bool removed)
      : decisions_(decisions), mark_(mark), removed_(removed) {}
  Status process(const stream::Line& line, stream::Emitter& out) override;

 private:
  const Decisions& decisions_;
  bool mark_, removed_;
  record::Parser parser_;
  std::vector<record::Edit> edits_;
  std::string edited_;
};

// Reads the names of the kept members: state is u32 group, u32 size, name bytes.
class NameProcessor : public stream::RecordProcessor {
 public:
  NameProcessor(const KeySetup& setup, const Decisions& decisions) : analyzer_(setup), decisions_(decisions) {}
  Status process(const stream::Line& line, stream::Emitter& out) override;

 private:
  Analyzer analyzer_;
  const Decisions& decisions_;
  std::string name_;
};

// Takes the state of NameProcessor into decisions.names.
Status take_names(std::string_view state, Decisions& decisions);

// True for a line the stream driver skips (white space only).
bool is_blank_line(std::string_view line);

// The sharded form, nested under `dedup` (dedup_shards.cpp).
StageRunner setup_sign(CLI::App& dedup);
StageRunner setup_cluster(CLI::App& dedup);
StageRunner setup_apply(CLI::App& dedup);

}  // namespace dqprep::stages::dedup
