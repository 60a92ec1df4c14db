// The bound of the bench harness: the least work any stage must do. Reads JSONL from a file,
// parses each line with simdjson On-Demand, reads the "text" field (hashing it with XXH3 when
// given --hash, so that exact dedup and metrics have a fair bound), and writes the line to stdout.
// By default the file is loaded whole (simdjson's padded_string::load), as the bound was first
// measured; with --stream it is read in blocks of 1 MiB, as a streaming program must read it: no
// buffer of the file's size to fault in, and each block parsed while it is in the cache.
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Bound {
  bool hash = false;
  simdjson::ondemand::parser parser;
  std::vector<char> out;
  uint64_t checksum = 0;

  // Parses and writes the lines of [p, end); the bytes after `end` are readable padding. Returns
  // where an unfinished last line starts (end when `last` or when every line is whole), or null for
  // a bad line.
  const char* lines(const char* p, const char* end, bool last) {
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      if (!nl) {
        if (!last) return p;  // a line the next read completes
        nl = end;
      }
      size_t len = nl - p;
      if (len) {
        // The rest of the buffer and its padding follow the line, so the padding requirement holds.
        auto doc = parser.iterate(p, len, len + simdjson::SIMDJSON_PADDING);
        std::string_view text;
        if (doc.error() || doc["text"].get_string().get(text)) return nullptr;
        if (hash) checksum ^= XXH3_64bits(text.data(), text.size());
        out.insert(out.end(), p, nl);
        out.push_back('\n');
        if (out.size() >= (1 << 20)) {
          std::fwrite(out.data(), 1, out.size(), stdout);
          out.clear();
        }
      }
      p = nl < end ? nl + 1 : end;
    }
    return end;
  }
};

int fail(int code, const char* what, const char* file) {
  std::fprintf(stderr, "bare_parse: %s %s\n", what, file);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bare_parse FILE [--hash] [--stream]\n");
    return 2;
  }
  const char* file = argv[1];
  Bound bound;
  bool stream = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--hash") == 0) bound.hash = true;
    if (std::strcmp(argv[i], "--stream") == 0) stream = true;
  }
  bound.out.reserve(1 << 20);
  if (!stream) {
    auto json = simdjson::padded_string::load(file);
    if (json.error()) return fail(4, "cannot read", file);
    const simdjson::padded_string& buf = json.value();
    if (!bound.lines(buf.data(), buf.data() + buf.size(), true)) return fail(3, "bad line in", file);
  } else {
    int fd = ::open(file, O_RDONLY);
    if (fd < 0) return fail(4, "cannot read", file);
    constexpr size_t kBlock = 1 << 20;
    std::vector<char> buf(kBlock + simdjson::SIMDJSON_PADDING);
    size_t filled = 0;
    bool eof = false;
    while (!eof || filled > 0) {
      if (!eof) {
        if (buf.size() - simdjson::SIMDJSON_PADDING - filled < kBlock / 2) buf.resize(buf.size() * 2);
        ssize_t n = ::read(fd, buf.data() + filled, buf.size() - simdjson::SIMDJSON_PADDING - filled);
        if (n < 0) return fail(4, "cannot read", file);
        if (n == 0) eof = true;
        filled += static_cast<size_t>(n);
      }
      const char* end = buf.data() + filled;
      const char* rest = bound.lines(buf.data(), end, eof);
      if (!rest) return fail(3, "bad line in", file);
      filled = static_cast<size_t>(end - rest);
      std::memmove(buf.data(), rest, filled);
    }
    ::close(fd);
  }
  std::fwrite(bound.out.data(), 1, bound.out.size(), stdout);
  std::fprintf(stderr, "%llx\n", static_cast<unsigned long long>(bound.checksum));
  return 0;
}
