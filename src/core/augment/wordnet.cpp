#include "dqprep/augment/wordnet.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <simdjson.h>

#include "dqprep/util/hash.hpp"

namespace dqprep::wordnet {

namespace {

constexpr uint32_t kEmpty = std::numeric_limits<uint32_t>::max();

// A read-only mapping of a whole file: the database is parsed in place, never copied line by line.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_ && size_) munmap(const_cast<char*>(data_), size_);
  }

  Status open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::io("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      int e = errno;
      ::close(fd);
      return Status::io("cannot stat " + path + ": " + std::strerror(e));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ == 0) {
      ::close(fd);
      return Status::io(path + " is empty");
    }
    void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    ::close(fd);
    if (p == MAP_FAILED) {
      size_ = 0;
      return Status::io("cannot map " + path + ": " + std::strerror(e));
    }
    data_ = static_cast<const char*>(p);
    return {};
  }
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// A cursor over the space-separated fields of one database line.
struct Fields {
  std::string_view line;
  size_t pos = 0;
  std::string_view next() {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    size_t start = pos;
    while (pos < line.size() && line[pos] != ' ') ++pos;
    return line.substr(start, pos - start);
  }
};

bool parse_uint(std::string_view s, int base, uint64_t& out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

// Lower-cases UTF-8: ASCII directly, other code points by utf8proc's simple case mapping; bytes
// that are not valid UTF-8 are copied as they are.
void lower_into(std::string_view s, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      out.push_back(s[i]);
      ++i;
      continue;
    }
    utf8proc_uint8_t buf[4];
    auto m = utf8proc_encode_char(utf8proc_tolower(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(m));
    i += static_cast<size_t>(n);
  }
}

}  // namespace

// Strings stored once, numbered in order of arrival; open addressing on XXH3, no allocation per
// string (the database has ~200k synonym links, each looked up several times while loading).
class Interner {
 public:
  Interner() : slots_(1024, kEmpty), mask_(1023) {}

  uint32_t intern(std::string_view s) {
    uint64_t h = hash::xxh3_64(s);
    uint64_t i = h & mask_;
    while (slots_[i] != kEmpty) {
      uint32_t id = slots_[i];
      if (hashes_[id] == h && get(id) == s) return id;
      i = (i + 1) & mask_;
    }
    auto id = static_cast<uint32_t>(hashes_.size());
    slots_[i] = id;
    hashes_.push_back(h);
    offsets_.push_back(static_cast<uint32_t>(chars_.size()));
    chars_ += s;
    offsets_.push_back(static_cast<uint32_t>(chars_.size()));
    if (hashes_.size() * 2 > slots_.size()) grow();
    return id;
  }
  std::string_view get(uint32_t id) const {
    return std::string_view(chars_).substr(offsets_[2 * id], offsets_[2 * id + 1] - offsets_[2 * id]);
  }
  size_t size() const { return hashes_.size(); }

 private:
  void grow() {
    slots_.assign(slots_.size() * 2, kEmpty);
    mask_ = slots_.size() - 1;
    for (uint32_t id = 0; id < hashes_.size(); ++id) {
      uint64_t i = hashes_[id] & mask_;
      while (slots_[i] != kEmpty) i = (i + 1) & mask_;
      slots_[i] = id;
    }
  }
  std::string chars_;
  std::vector<uint32_t> offsets_;  // begin, end per id
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> slots_;
  uint64_t mask_;
};

// Collects (word, synonym) links, then applies the rules of the header (no self, no repeat
// ignoring case, first occurrence first) and packs them.
class SynonymsBuilder {
 public:
  uint32_t entry(std::string_view lowercase_key) {
    uint32_t e = static_cast<uint32_t>(keys_.intern(lowercase_key));
    if (e == key_fold_.size()) key_fold_.push_back(folds_.intern(lowercase_key));
    return e;
  }

  void add(uint32_t entry, std::string_view synonym) {
    if (synonym.empty()) return;
    uint32_t id = texts_.intern(synonym);
    if (id == fold_of_.size()) {
      lower_into(synonym, folded_);
      fold_of_.push_back(folds_.intern(folded_));
    }
    if (fold_of_[id] == key_fold_[entry]) return;
    links_.push_back({entry, id});
  }

  Synonyms finish() {
    // Counting sort of the links by entry: stable, so each list keeps its order of arrival.
    std::vector<uint32_t> start(keys_.size() + 1, 0);
    for (const auto& l : links_) ++start[l.entry + 1];
    for (size_t e = 0; e < keys_.size(); ++e) start[e + 1] += start[e];
    std::vector<uint32_t> ids(links_.size());
    {
      std::vector<uint32_t> fill(start.begin(), start.end() - 1);
      for (const auto& l : links_) ids[fill[l.entry]++] = l.id;
    }
    Synonyms s;
    size_t total = 0;
    for (uint32_t id = 0; id < texts_.size(); ++id) total += texts_.get(id).size();
    s.arena_.reserve(total);
    std::vector<Synonyms::Span> span_of(texts_.size());
    for (uint32_t id = 0; id < texts_.size(); ++id) {
      std::string_view t = texts_.get(id);
      span_of[id] = {static_cast<uint32_t>(s.arena_.size()), static_cast<uint32_t>(t.size())};
      s.arena_ += t;
    }
    std::vector<uint32_t> seen_in(folds_.size(), kEmpty);  // fold -> last entry that listed it
    s.list_.reserve(ids.size());
    size_t num_entries = 0;
    for (uint32_t e = 0; e < keys_.size(); ++e) num_entries += start[e + 1] > start[e];
    size_t cap = 16;
    while (cap < num_entries * 2) cap <<= 1;
    s.slots_.assign(cap, Synonyms::Slot{});
    s.slot_mask_ = cap - 1;
    for (uint32_t e = 0; e < keys_.size(); ++e) {
      auto begin = static_cast<uint32_t>(s.list_.size());
      for (uint32_t k = start[e]; k < start[e + 1]; ++k) {
        uint32_t fold = fold_of_[ids[k]];
        if (seen_in[fold] == e) continue;
        seen_in[fold] = e;
        s.list_.push_back(span_of[ids[k]]);
      }
      auto count = static_cast<uint32_t>(s.list_.size()) - begin;
      std::string_view key = keys_.get(e);
      if (count == 0 || key.empty()) continue;
      s.insert_entry(key, begin, count);
    }
    return s;
  }

 private:
  struct Link {
    uint32_t entry, id;
  };
  Interner keys_, texts_, folds_;
  std::vector<uint32_t> key_fold_;
  std::vector<uint32_t> fold_of_;
  std::vector<Link> links_;
  std::string folded_;
};

Synonyms::Synonyms() : slots_(16), slot_mask_(15) {}

std::string_view Synonyms::key_of(const Slot& s) const {
  if (s.key_length <= kInlineKey) return {s.key, s.key_length};
  uint32_t offset;
  std::memcpy(&offset, s.key, sizeof offset);
  return {arena_.data() + offset, s.key_length};
}

void Synonyms::insert_entry(std::string_view key, uint32_t list_begin, uint32_t list_count) {
  uint64_t h = hash::xxh3_64(key);
  uint64_t i = h & slot_mask_;
  while (slots_[i].key_length != 0) i = (i + 1) & slot_mask_;
  Slot& s = slots_[i];
  s = {static_cast<uint32_t>(h >> 32), static_cast<uint32_t>(key.size()), list_begin, list_count, {}};
  if (key.size() <= kInlineKey) {
    std::memcpy(s.key, key.data(), key.size());
  } else {
    auto offset = static_cast<uint32_t>(arena_.size());
    arena_ += key;
    std::memcpy(s.key, &offset, sizeof offset);
  }
  ++num_words_;
}

Synonyms::List Synonyms::find(std::string_view lowercase_word) const {
  uint64_t h = hash::xxh3_64(lowercase_word);
  auto tag = static_cast<uint32_t>(h >> 32);
  for (uint64_t i = h & slot_mask_;; i = (i + 1) & slot_mask_) {
    const Slot& s = slots_[i];
    if (s.key_length == 0) return {};
    if (s.tag == tag && s.key_length == lowercase_word.size() && key_of(s) == lowercase_word)
      return {arena_.data(), list_.data() + s.list_begin, s.list_count};
  }
}

void Synonyms::normalize_key(std::string_view word, std::string& out) { lower_into(word, out); }

Result<Synonyms> Synonyms::load_wordnet(std::string_view dir) {
  static constexpr const char* kPos[] = {"noun", "verb", "adj", "adv"};
  SynonymsBuilder builder;
  std::string synonym;
  for (const char* pos : kPos) {
    std::string index_path = std::string(dir) + "/index." + pos;
    std::string data_path = std::string(dir) + "/data." + pos;
    MappedFile index_file, data_file;
    DQPREP_RETURN_IF_ERROR(index_file.open(index_path));
    DQPREP_RETURN_IF_ERROR(data_file.open(data_path));
    std::string_view index = index_file.view(), data = data_file.view();
    size_t line_no = 0;
    auto malformed = [&](const std::string& path, const char* what) {
      return Status::io(path + ":" + std::to_string(line_no) + ": malformed WordNet " + what);
    };
    size_t pos_in_index = 0;
    while (pos_in_index < index.size()) {
      size_t eol = index.find('\n', pos_in_index);
      if (eol == std::string_view::npos) eol = index.size();
      std::string_view line = index.substr(pos_in_index, eol - pos_in_index);
      pos_in_index = eol + 1;
      ++line_no;
      if (line.empty() || line[0] == ' ') continue;  // the licence header lines start with spaces
      Fields f{line};
      std::string_view lemma = f.next();
      if (lemma.find('_') != std::string_view::npos) continue;
      f.next();  // pos
      uint64_t synset_cnt, p_cnt, skip;
      if (!parse_uint(f.next(), 10, synset_cnt) || !parse_uint(f.next(), 10, p_cnt))
        return malformed(index_path, "index line");
      for (uint64_t k = 0; k < p_cnt; ++k) f.next();
      if (!parse_uint(f.next(), 10, skip) || !parse_uint(f.next(), 10, skip))
        return malformed(index_path, "index line");
      uint32_t entry = builder.entry(lemma);
      for (uint64_t k = 0; k < synset_cnt; ++k) {
        std::string_view off_text = f.next();
        uint64_t off;
        if (!parse_uint(off_text, 10, off) || off >= data.size())
          return malformed(index_path, "synset offset");
        // Only the fields before the gloss are read, so the end of the line is never searched for.
        Fields d{data.substr(off)};
        if (d.next() != off_text) return malformed(index_path, "synset offset (data file does not match)");
        d.next();  // lex_filenum
        d.next();  // ss_type
        uint64_t w_cnt;
        if (!parse_uint(d.next(), 16, w_cnt)) return malformed(data_path, "synset line");
        for (uint64_t w = 0; w < w_cnt; ++w) {
          std::string_view word = d.next();
          d.next();  // lex_id
          if (!word.empty() && word.back() == ')') {
            size_t paren = word.rfind('(');
            if (paren != std::string_view::npos && paren > 0) word = word.substr(0, paren);
          }
          synonym.assign(word);
          for (char& c : synonym)
            if (c == '_') c = ' ';
          builder.add(entry, synonym);
        }
      }
    }
  }
  return builder.finish();
}

Synonyms Synonyms::from_map(const std::map<std::string, std::vector<std::string>>& map) {
  SynonymsBuilder builder;
  std::string key;
  for (const auto& [word, list] : map) {
    lower_into(word, key);
    uint32_t entry = builder.entry(key);
    for (const auto& s : list) builder.add(entry, s);
  }
  return builder.finish();
}

Result<Synonyms> Synonyms::from_json(std::string_view json_text) {
  if (json_text.size() > std::numeric_limits<uint32_t>::max() / 2)  // offsets in the table are 32-bit
    return Status::usage("synonyms: the JSON file is larger than 2 GB");
  simdjson::padded_string padded(json_text);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root))
    return Status::usage(std::string("synonyms: invalid JSON: ") + simdjson::error_message(err));
  simdjson::dom::object object;
  if (root.get_object().get(object)) return Status::usage("synonyms: expected a JSON object word -> [synonyms]");
  SynonymsBuilder builder;
  std::string key;
  for (auto field : object) {
    simdjson::dom::array list;
    if (field.value.get_array().get(list))
      return Status::usage("synonyms: the value of \"" + std::string(field.key) + "\" is not an array");
    lower_into(field.key, key);
    uint32_t entry = builder.entry(key);
    for (auto item : list) {
      std::string_view s;
      if (item.get_string().get(s))
        return Status::usage("synonyms: \"" + std::string(field.key) + "\" has a synonym that is not a string");
      builder.add(entry, s);
    }
  }
  return builder.finish();
}

}  // namespace dqprep::wordnet
