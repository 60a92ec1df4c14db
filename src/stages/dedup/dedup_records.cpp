#include "stages/dedup/dedup_records.hpp"

#include <algorithm>
#include <cstring>

#include "dqprep/io/json_text.hpp"

namespace dqprep::stages::dedup {

void add_key_options(CLI::App& app, KeyOptions& o) {
  app.add_option("--mode", o.mode, "exact (XXH3-128 of the text) or near (MinHash LSH over word n-grams)")
      ->check(CLI::IsMember({"exact", "near"}))
      ->capture_default_str();
  app.add_option("--key", o.key_paths, "exact: key on this field instead of the text (repeatable)")
      ->type_name("PATH")
      ->allow_extra_args(false);
  app.add_flag("--normalize-key", o.normalize_key,
               "exact: ignore case, punctuation, white space and Unicode compatibility forms (symbols count)");
  o.ngram_flag = app.add_option("--ngram", o.ngram, "near: words per shingle (--shingle word:N)")->capture_default_str();
  app.add_option("--shingle", o.shingle,
                 "near: what a shingle is, word:N (N words) or char:N (N characters: for short texts)")
      ->type_name("word:N|char:N");
  app.add_option("--num-perm", o.num_perm, "near: MinHash values per signature")->capture_default_str();
  app.add_option("--bands", o.bands, "near: LSH bands (rows per band = num-perm / bands)")->capture_default_str();
  app.add_flag("--verify", o.verify_flag, "near: check LSH candidates by their true Jaccard: the default, accepted for older command lines");
  app.add_flag("--no-verify", o.no_verify, "near: join LSH candidates unchecked (faster; pairs below --threshold join too)");
}

Result<KeySetup> make_key_setup(const KeyOptions& key, const CommonOptions& common, bool names, bool sets) {
  KeySetup s;
  s.mode = key.mode == "near" ? Mode::near : Mode::exact;
  if (key.verify_flag && key.no_verify) return Status::usage("--verify and --no-verify: give one of them");
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(common));
  s.fields = fields;
  if (s.mode == Mode::near) {
    if (!key.key_paths.empty()) return Status::usage("--key applies to --mode exact (near mode compares the text fields)");
    if (key.normalize_key) {
      return Status::usage("--normalize-key applies to --mode exact (near mode always normalizes the text)");
    }
    if (key.ngram == 0) return Status::usage("--ngram must be at least 1");
    if (!key.shingle.empty()) {
      if (key.ngram_flag && key.ngram_flag->count() > 0) {
        return Status::usage("--ngram N is --shingle word:N: give one of them");
      }
      DQPREP_ASSIGN_OR_RETURN(s.shingling, shingle::parse_shingling("--shingle", key.shingle));
    } else {
      s.shingling.n = key.ngram;
    }
    DQPREP_ASSIGN_OR_RETURN(uint32_t rows, lsh::rows_per_band(key.num_perm, key.bands));
    s.rows = rows;
    s.hasher = std::make_shared<minhash::MinHasher>(key.num_perm, common.seed);
    s.layout.keys = key.bands;
  } else {
    if (key.verify_flag) return Status::usage("--verify applies to --mode near (exact keys need no verification)");
    if (key.no_verify) return Status::usage("--no-verify applies to --mode near (exact keys need no verification)");
    if (!key.shingle.empty()) return Status::usage("--shingle applies to --mode near");
    for (const std::string& p : key.key_paths) {
      DQPREP_ASSIGN_OR_RETURN(record::Path path, record::parse_path(p));
      s.key_paths.push_back(path);
    }
    s.normalize_key = key.normalize_key;
    s.layout.keys = 2;
  }
  s.layout.names = names;
  s.layout.sets = sets && s.mode == Mode::near;
  // Everything that changes a key, a length or a label hash: shards signed differently cannot mix.
  std::string text;
  for (const record::Path& p : s.fields.text) text += (text.empty() ? "" : ",") + p.text;
  s.params = "mode=" + key.mode + " text=" + text + " label=" + s.fields.label.text;
  if (s.mode == Mode::near) {
    // Word shingles keep the header of files signed before --shingle existed.
    const shingle::Shingling& sh = s.shingling;
    s.params += " ngram=" + (sh.unit == shingle::Shingling::Unit::word ? std::to_string(sh.n) : sh.text()) +
                " num_perm=" + std::to_string(key.num_perm) +
                " bands=" + std::to_string(key.bands) + " seed=" + std::to_string(common.seed);
  } else {
    std::string keys;
    for (const std::string& p : key.key_paths) keys += (keys.empty() ? "" : ",") + p;
    s.params += " key=" + keys + " normalize_key=" + (key.normalize_key ? "1" : "0");
  }
  return s;
}

Analyzer::Analyzer(const KeySetup& setup)
    : setup_(setup), signature_(setup.hasher ? setup.hasher->num_perm() : 0), keys_(setup.layout.keys) {}

Status Analyzer::text(std::string_view& out) {
  // The common case, one text value, is used where the parser left it: no copy.
  if (setup_.fields.text.size() == 1) {
    const record::Path& path = setup_.fields.text[0];
    values_.clear();
    bool found = false;
    DQPREP_RETURN_IF_ERROR(parser_.strings(path, values_, found));
    if (!found) return Status::bad_input("missing text field '" + path.text + "'");
    if (values_.size() == 1) {
      out = values_[0].text;
      return {};
    }
  }
  DQPREP_RETURN_IF_ERROR(joined_text(parser_, setup_.fields.text, values_, joined_));
  out = joined_;
  return {};
}

namespace {

uint32_t clamp32(size_t n) { return static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX)); }

// A key value with its type and size in front, so that values never run into each other.
void append_key_value(std::string& out, char type, std::string_view value) {
  out.push_back(type);
  uint32_t size = clamp32(value.size());
  out.append(reinterpret_cast<const char*>(&size), sizeof size);
  out.append(value);
}

}  // namespace

Status Analyzer::exact_key(hash::Key128& key, uint32_t& length) {
  if (setup_.key_paths.empty()) {
    std::string_view joined;
    DQPREP_RETURN_IF_ERROR(text(joined));
    length = clamp32(joined.size());
    key = hash::xxh3_128(key_text(joined));
    return {};
  }
  key_bytes_.clear();
  for (const record::Path& path : setup_.key_paths) {
    if (path.has_wildcard()) {
      values_.clear();
      bool found = false;
      DQPREP_RETURN_IF_ERROR(parser_.strings(path, values_, found));
      if (!found) return Status::bad_input("missing key field '" + path.text + "'");
      for (const record::StringValue& v : values_) {
        append_key_value(key_bytes_, 's', key_text(v.text));
      }
    } else {
      std::optional<std::string_view> raw;
      DQPREP_RETURN_IF_ERROR(parser_.raw_value(path, raw));
      if (!raw) return Status::bad_input("missing key field '" + path.text + "'");
      if (raw->front() == '"') {
        std::optional<std::string_view> s;
        DQPREP_RETURN_IF_ERROR(parser_.scalar_text(path, s));
        append_key_value(key_bytes_, 's', key_text(*s));
      } else {
        append_key_value(key_bytes_, 'r', *raw);  // numbers, booleans, null, objects, arrays: as written
      }
    }
    key_bytes_.push_back(';');
  }
  key = hash::xxh3_128(key_bytes_);
  // --keep longest still compares the text; a record keyed by other fields may have none.
  std::string_view joined;
  length = text(joined).ok() ? clamp32(joined.size()) : 0;
  return {};
}

Status Analyzer::near_keys(std::span<uint64_t> keys, uint32_t& length) {
  std::string_view joined;
  DQPREP_RETURN_IF_ERROR(text(joined));
  length = clamp32(joined.size());
  shingle::hashes(joined, setup_.shingling, scratch_, shingles_);
  setup_.hasher->signature(shingles_, signature_);
  lsh::band_keys(signature_, setup_.rows, keys);
  return {};
}

uint64_t Analyzer::label_hash() {
  std::optional<std::string_view> raw;
  if (!parser_.raw_value(setup_.fields.label, raw).ok() || !raw || *raw == "null") return 0;
  uint64_t h = hash::xxh3_64(*raw);
  return h ? h : 1;
}

void Analyzer::name(const stream::Line& line, std::string& out) {
  out.clear();
  std::optional<std::string_view> raw;
  if (parser_.raw_value(setup_.fields.id, raw).ok() && raw && *raw != "null" && raw->front() != '{' &&
      raw->front() != '[') {
    out.assign(*raw);
    return;
  }
  json_text::append_string(out, std::string(line.source) + ":" + std::to_string(line.number));
}

Status Analyzer::analyze(const stream::Line& line, uint32_t& length) {
  DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
  if (setup_.mode == Mode::near) {
    DQPREP_RETURN_IF_ERROR(near_keys(keys_, length));
    if (setup_.layout.sets) shingle_sets::narrow(shingles_, narrow_);
  } else {
    hash::Key128 key;
    DQPREP_RETURN_IF_ERROR(exact_key(key, length));
    keys_[0] = key.low;
    keys_[1] = key.high;
  }
  if (setup_.layout.names) name(line, name_);
  return {};
}

Status Analyzer::append_entry(const stream::Line& line, std::string& out) {
  const uint64_t line_hash = hash::xxh3_64(line.text);
  uint32_t length = 0;
  Status s = analyze(line, length);
  if (!s.ok()) {
    if (s.code() == StatusCode::bad_input) signature_file::append_malformed(out, line_hash, s.message());
    return s;
  }
  signature_file::append_record(out, setup_.layout, line_hash, length, label_hash(), keys_, name_, narrow_);
  return {};
}

namespace {
constexpr size_t kChunkBytes = size_t{8} << 20;
}  // namespace

Collector::Collector(Mode mode, uint32_t keys_per_record, bool sets, bool keys)
    : mode_(mode), sets_(sets), keys_wanted_(keys), bands_(mode == Mode::near ? keys_per_record : 0), keys_(keys_per_record) {}

void Collector::begin_shard() {
  Shard shard;
  shard.first_record = records();
  shards_.push_back(std::move(shard));
}

Status Collector::add(const signature_file::Entry& entry, uint64_t set_location) {
  Shard& shard = shards_.back();
  const uint64_t position = shard.positions++;
  if (entry.malformed) {
    shard.malformed.emplace_back(position, std::string(entry.message));
    return {};
  }
  if (records() == UINT32_MAX) return Status::usage("more than 2^32 - 1 records in one dedup run: use the sharded form");
  const uint32_t record = records();
  if (keys_wanted_ && mode_ == Mode::near) {
    const size_t chunk_keys = kChunkBytes / sizeof(uint64_t) / bands_ * bands_;
    if (key_chunks_.empty() || key_chunks_.back().size() == chunk_keys) {
      key_chunks_.emplace_back();
      key_chunks_.back().reserve(chunk_keys);
    }
    for (size_t k = 0; k < bands_; ++k) key_chunks_.back().push_back(entry.key(k));
  } else if (keys_wanted_) {
    bool inserted = false;
    first_of_key_.push_back(table_.find_or_insert({entry.key(0), entry.key(1)}, record, inserted));
  }
  lengths_.push_back(entry.length);
  labels_.push_back(entry.label);
  if (sets_) set_locations_.push_back(set_location);
  return {};
}

Result<std::vector<uint32_t>> Collector::cluster(const lsh::Verifier& verify) {
  if (mode_ == Mode::exact) {
    table_ = KeyTable();
    return std::move(first_of_key_);
  }
  lengths_.shrink_to_fit();
  labels_.shrink_to_fit();
  set_locations_.shrink_to_fit();
  lsh::Index index(bands_);
  index.reserve(records());
  for (auto& chunk : key_chunks_) {
    for (size_t at = 0; at < chunk.size(); at += bands_) {
      DQPREP_RETURN_IF_ERROR(index.add(std::span<const uint64_t>(chunk.data() + at, bands_)));
    }
    std::vector<uint64_t, MappedAllocator<uint64_t>>().swap(chunk);
  }
  key_chunks_.clear();

  return lsh::cluster(index, verify);
}

dup_groups::Groups Collector::groups(std::span<const uint32_t> component_min, dup_groups::Keep keep) const {
  std::vector<uint64_t> priority;
  if (keep == dup_groups::Keep::longest) priority.assign(lengths_.begin(), lengths_.end());
  return dup_groups::resolve(component_min, priority, labels_);
}

void to_positions(std::vector<dup_groups::Member>& members,
                  const std::vector<std::pair<uint64_t, std::string>>& malformed) {
  size_t before = 0;
  for (dup_groups::Member& m : members) {
    while (before < malformed.size() && malformed[before].first <= m.index + before) ++before;
    m.index += before;
  }
}

const dup_groups::Member* Decisions::find(uint64_t position) const {
  auto it = std::lower_bound(members.begin(), members.end(), position,
                             [](const dup_groups::Member& m, uint64_t p) { return m.index < p; });
  return it != members.end() && it->index == position ? &*it : nullptr;
}

const std::string* Decisions::malformed_at(uint64_t position) const {
  if (malformed.empty()) return nullptr;
  auto it = std::lower_bound(malformed.begin(), malformed.end(), position,
                             [](const std::pair<uint64_t, std::string>& m, uint64_t p) { return m.first < p; });
  return it != malformed.end() && it->first == position ? &it->second : nullptr;
}

Status MarkProcessor::process(const stream::Line& line, stream::Emitter& out) {
  if (const std::string* why = decisions_.malformed_at(line.index)) return Status::bad_input(*why);
  const dup_groups::Member* m = decisions_.find(line.index);
  if (!m) {
    out.keep(line.text);
    return {};
  }
  if (!m->kept) out.count("duplicates");
  if (!mark_ && (m->kept || !removed_)) {
    if (m->kept) {
      out.keep(line.text);
    } else {
      out.reject(line.text, "duplicate");
    }
    return {};
  }
  DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
  const std::string& name = decisions_.names[m->group];
  edits_.clear();
  if (mark_) DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "dup_cluster", name, edits_));
  if (!m->kept) DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "dup_of", name, edits_));
  record::apply_edits(line.text, edits_, edited_);
  if (mark_ || m->kept) {
    out.keep(edited_);
  } else {
    out.reject(edited_, "duplicate");
  }
  return {};
}

Status NameProcessor::process(const stream::Line& line, stream::Emitter& out) {
  const dup_groups::Member* m = decisions_.find(line.index);
  if (!m || !m->kept) return {};
  DQPREP_RETURN_IF_ERROR(analyzer_.parse(line.text));
  analyzer_.name(line, name_);
  std::string& state = out.state();
  uint32_t head[2] = {m->group, clamp32(name_.size())};
  state.append(reinterpret_cast<const char*>(head), sizeof head);
  state.append(name_);
  return {};
}

Status take_names(std::string_view state, Decisions& decisions) {
  size_t pos = 0;
  while (pos < state.size()) {
    uint32_t head[2];
    if (state.size() - pos < sizeof head) return Status::io("names pass: a cut-short entry");
    std::memcpy(head, state.data() + pos, sizeof head);
    pos += sizeof head;
    if (head[0] >= decisions.names.size() || state.size() - pos < head[1]) {
      return Status::io("names pass: a bad entry");
    }
    decisions.names[head[0]].assign(state.substr(pos, head[1]));
    pos += head[1];
  }
  return {};
}

bool is_blank_line(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace dqprep::stages::dedup
