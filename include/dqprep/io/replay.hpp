#pragma once
// Inputs that a multi-pass stage reads more than once. A regular file is reread, and checked for
// change between passes; anything else — standard input, /dev/stdin, /dev/fd/N from a process
// substitution, a FIFO, a character device — can be read only once, so it is spilled to a
// temporary file first and every pass reads the copy.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::io {

// A copy of an input that cannot be reread, in $TMPDIR as dqprep-<pid>-spill.XXXXXX; the file is
// removed when this is destroyed.
class SpilledInput {
 public:
  // Copies `path` ("-": standard input) byte for byte (compressed input stays compressed).
  static Result<std::unique_ptr<SpilledInput>> copy(const std::string& path, const std::string& name);
  ~SpilledInput();
  const std::string& path() const { return path_; }

 private:
  SpilledInput() = default;
  std::string path_;
};

class ReplayableInputs {
 public:
  // `inputs` as the user gave them ("-" or none: standard input, which may be named once).
  static Result<std::unique_ptr<ReplayableInputs>> open(const std::vector<std::string>& inputs);

  // What each pass opens, and the names its messages use (the user's, never a spill's).
  const std::vector<std::string>& paths() const { return paths_; }
  const std::vector<std::string>& names() const { return names_; }

  // An I/O error naming the first reread file whose size or modification time differs from when
  // it was opened.
  Status check_unchanged() const;

 private:
  struct Stamp {
    size_t input = 0;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
  };
  std::vector<std::unique_ptr<SpilledInput>> spills_;
  std::vector<std::string> paths_;
  std::vector<std::string> names_;
  std::vector<Stamp> stamps_;
};

}  // namespace dqprep::io
