#include "dqprep/io/temp_files.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace dqprep::io::temp_files {

namespace {

// A fixed table of owned C strings, so that the signal handler reads it without locks or
// allocation. A forgotten slot's string is leaked rather than freed: the handler may be reading it.
constexpr size_t kSlots = 512;
std::atomic<char*> slots[kSlots];

}  // namespace

void add(const std::string& path) {
  char* copy = ::strdup(path.c_str());
  if (!copy) return;
  for (std::atomic<char*>& slot : slots) {
    char* empty = nullptr;
    if (slot.compare_exchange_strong(empty, copy)) return;
  }
  std::free(copy);
}

void forget(const std::string& path) {
  for (std::atomic<char*>& slot : slots) {
    char* p = slot.load();
    if (p && path == p && slot.compare_exchange_strong(p, nullptr)) return;
  }
}

void remove_all() {
  for (std::atomic<char*>& slot : slots) {
    char* p = slot.exchange(nullptr);
    if (p) ::unlink(p);
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
