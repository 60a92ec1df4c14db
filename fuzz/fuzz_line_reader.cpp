// Fuzzes the line reader on arbitrary bytes: plain, or behind gzip/zstd magic numbers. It must end
// with lines or a Status, never crash or hang.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "dqprep/io/io.hpp"

using namespace dqprep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    return 0;
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  Result<std::unique_ptr<io::LineReader>> reader = io::LineReader::open(path);
  if (reader.ok()) {
    std::string_view line;
    size_t total = 0;
    while (true) {
      Result<bool> more = (*reader)->next(line);
      if (!more.ok() || !*more) break;
      total += line.size();
      if (!line.empty() && (line.front() == '\n' || line.back() == '\n')) __builtin_trap();
    }
    (void)total;
  }
  close(fd);
  return 0;
}
