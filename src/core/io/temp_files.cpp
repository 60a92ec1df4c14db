#include "dqprep/io/temp_files.hpp"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace dqprep::io::temp_files {

namespace {

// A fixed table of paths, so that the signal handler reads it without locks or allocation (and
// nothing is left for a leak checker). A slot is free, being written, or ready.
enum SlotState : int { kFree = 0, kWriting = 1, kReady = 2 };
struct Slot {
  std::atomic<int> state{kFree};
  char path[PATH_MAX];
};
constexpr size_t kSlots = 512;
Slot slots[kSlots];

}  // namespace

void add(const std::string& path) {
  if (path.size() >= PATH_MAX) return;
  for (Slot& slot : slots) {
    int expected = kFree;
    if (!slot.state.compare_exchange_strong(expected, kWriting)) continue;
    std::memcpy(slot.path, path.c_str(), path.size() + 1);
    slot.state.store(kReady);
    return;
  }
}

void forget(const std::string& path) {
  for (Slot& slot : slots) {
    if (slot.state.load() != kReady || path != slot.path) continue;
    int expected = kReady;
    if (slot.state.compare_exchange_strong(expected, kFree)) return;
  }
}

void remove_all() {
  for (Slot& slot : slots) {
    int expected = kReady;
    if (!slot.state.compare_exchange_strong(expected, kWriting)) continue;
    ::unlink(slot.path);
    slot.state.store(kFree);
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
