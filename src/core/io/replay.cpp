#include "dqprep/io/replay.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "dqprep/io/temp_files.hpp"

namespace dqprep::io {

namespace {

std::string errno_text() { return std::strerror(errno); }

Status write_all(int fd, const char* p, size_t left, const std::string& temp) {
  while (left > 0) {
    ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Status::io("cannot spill to " + temp + ": " + errno_text());
    p += w;
    left -= static_cast<size_t>(w);
  }
  return {};
}

int64_t mtime_ns(const struct stat& st) { return int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec; }

}  // namespace

Result<std::unique_ptr<SpilledInput>> SpilledInput::copy(const std::string& path, const std::string& name) {
  int in = 0;
  if (path != "-") {
    do in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    while (in < 0 && errno == EINTR);
    if (in < 0) return Status::io("cannot open " + path + ": " + errno_text());
  }
  std::string temp = (std::filesystem::temp_directory_path() /
                      ("dqprep-" + std::to_string(::getpid()) + "-spill.XXXXXX")).string();
  int out = ::mkostemp(temp.data(), O_CLOEXEC);
  if (out < 0) {
    if (in != 0) ::close(in);
    return Status::io("cannot create a temporary file to hold " + name + ": " + errno_text());
  }
  temp_files::add(temp);
  std::unique_ptr<SpilledInput> spilled(new SpilledInput());
  spilled->path_ = temp;
  std::vector<char> block(1 << 20);
  Status status;
  while (status.ok()) {
    ssize_t n = ::read(in, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = Status::io(name + ": read failed: " + errno_text());
    } else if (n == 0) {
      break;
    } else {
      status = write_all(out, block.data(), static_cast<size_t>(n), temp);
    }
  }
  if (in != 0) ::close(in);
  if (::close(out) != 0 && status.ok()) status = Status::io("cannot spill to " + temp + ": " + errno_text());
  if (!status.ok()) return status;
  return spilled;
}

SpilledInput::~SpilledInput() {
  if (path_.empty()) return;
  ::unlink(path_.c_str());
  temp_files::forget(path_);
}

Result<std::unique_ptr<ReplayableInputs>> ReplayableInputs::open(const std::vector<std::string>& inputs) {
  std::unique_ptr<ReplayableInputs> r(new ReplayableInputs());
  const std::vector<std::string> given = inputs.empty() ? std::vector<std::string>{"-"} : inputs;
  bool stdin_seen = false;
  for (size_t i = 0; i < given.size(); ++i) {
    const std::string& in = given[i];
    const std::string name = in == "-" ? "<stdin>" : in;
    struct stat st {};
    if (in != "-") {
      if (::stat(in.c_str(), &st) != 0) return Status::io("cannot open " + in + ": " + errno_text());
      if (S_ISDIR(st.st_mode)) return Status::io("cannot read " + in + ": it is a directory");
    }
    if (in != "-" && S_ISREG(st.st_mode)) {
      r->paths_.push_back(in);
      r->names_.push_back(name);
      r->stamps_.push_back({i, st.st_dev, st.st_ino, st.st_size, mtime_ns(st)});
      continue;
    }
    if (in == "-") {
      if (stdin_seen) return Status::usage("standard input (-) can be given only once");
      stdin_seen = true;
    }
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<SpilledInput> spilled, SpilledInput::copy(in, name));
    r->paths_.push_back(spilled->path());
    r->names_.push_back(name);
    r->spills_.push_back(std::move(spilled));
  }
  return r;
}

Status ReplayableInputs::check_unchanged() const {
  for (const Stamp& s : stamps_) {
    const std::string& path = paths_[s.input];
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return Status::io(path + ": the input changed between two passes (" + errno_text() + ")");
    }
    if (st.st_dev != s.device || st.st_ino != s.inode || st.st_size != s.size || mtime_ns(st) != s.mtime_ns) {
      return Status::io(path + ": the input changed between two passes (size or modification time)");
    }
  }
  return {};
}

}  // namespace dqprep::io
