// The bound of the bench harness: the least work any stage must do. Reads JSONL from a file,
// parses each line with simdjson On-Demand, reads the "text" field (hashing it with XXH3 when
// given --hash, so that exact dedup and metrics have a fair bound), and writes the line to stdout.
#include <simdjson.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  bool hash = argc > 2 && std::strcmp(argv[2], "--hash") == 0;
  if (argc < 2) {
    std::fprintf(stderr, "usage: bare_parse FILE [--hash]\n");
    return 2;
  }
  auto json = simdjson::padded_string::load(argv[1]);
  if (json.error()) {
    std::fprintf(stderr, "bare_parse: cannot read %s\n", argv[1]);
    return 4;
  }
  const simdjson::padded_string& buf = json.value();
  simdjson::ondemand::parser parser;
  std::vector<char> out;
  out.reserve(1 << 20);
  uint64_t checksum = 0;
  const char* p = buf.data();
  const char* end = p + buf.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    if (!nl) nl = end;
    size_t len = nl - p;
    if (len) {
      // The rest of the padded buffer follows the line, so the padding requirement holds.
      auto doc = parser.iterate(p, len, len + simdjson::SIMDJSON_PADDING);
      std::string_view text;
      if (doc.error() || doc["text"].get_string().get(text)) {
        std::fprintf(stderr, "bare_parse: bad line\n");
        return 3;
      }
      if (hash) checksum ^= XXH3_64bits(text.data(), text.size());
      out.insert(out.end(), p, nl);
      out.push_back('\n');
      if (out.size() >= (1 << 20)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
    p = nl + 1;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fprintf(stderr, "%llx\n", static_cast<unsigned long long>(checksum));
  return 0;
}
