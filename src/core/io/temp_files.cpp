#include "dqprep/io/temp_files.hpp"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace dqprep::io::temp_files {

namespace {

// A fixed table of paths, so that the signal handler reads it without locks or allocation (and
// nothing is left for a leak checker). A slot is free, being written, or ready. The states sit
// apart from the paths and both are zero at load (no constructor): a scan of the states touches
// one page, not the 512 of the paths, and a run that writes no file touches none.
enum SlotState : int { kFree = 0, kWriting = 1, kReady = 2 };
constexpr size_t kSlots = 512;
constinit std::atomic<int> states[kSlots];
char paths[kSlots][PATH_MAX];

}  // namespace

void add(const std::string& path) {
  if (path.size() >= PATH_MAX) return;
  for (size_t i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!states[i].compare_exchange_strong(expected, kWriting)) continue;
    std::memcpy(paths[i], path.c_str(), path.size() + 1);
    states[i].store(kReady);
    return;
  }
}

void forget(const std::string& path) {
  for (size_t i = 0; i < kSlots; ++i) {
    if (states[i].load() != kReady || path != paths[i]) continue;
    int expected = kReady;
    if (states[i].compare_exchange_strong(expected, kFree)) return;
  }
}

void remove_all() {
  for (size_t i = 0; i < kSlots; ++i) {
    int expected = kReady;
    if (!states[i].compare_exchange_strong(expected, kWriting)) continue;
    ::unlink(paths[i]);
    states[i].store(kFree);
  }
}

namespace {

void on_signal(int signo) {
  remove_all();
  ::signal(signo, SIG_DFL);
  ::raise(signo);
}

}  // namespace

void remove_on_signals() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signo, &action, nullptr);
}

}  // namespace dqprep::io::temp_files
