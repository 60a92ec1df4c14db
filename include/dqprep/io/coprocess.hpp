#pragma once
// A helper program run as a co-process that answers line for line (augment --exec): started with
// /bin/sh -c COMMAND, fed on its standard input, read from its standard output; its standard error
// is the caller's. Requests and answers travel at the same time (poll), so a helper that answers
// while it reads never deadlocks on full pipes, and one that stalls is caught by a timeout.
//
// Every failure (cannot start, exits or closes its output before answering, stalls) is an io
// Status whose message says what happened; the helper is killed (its whole process group) before
// it is returned. The core never prints: the caller adds the command and the record to the message.

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::coprocess {

class Coprocess {
 public:
  // Starts `command` under /bin/sh -c in a process group of its own (so that a kill reaches the
  // programs the shell starts too), with SIGPIPE at its default action.
  static Result<std::unique_ptr<Coprocess>> start(const std::string& command);
  // Closes the helper's input and gives it `grace_seconds` (set_grace) to exit, then kills it.
  ~Coprocess();
  Coprocess(const Coprocess&) = delete;
  Coprocess& operator=(const Coprocess&) = delete;

  // Checks one answer as soon as it arrives (its 0-based number, the line); an error ends the
  // exchange and kills the helper, so that garbage is reported at once, not after a timeout.
  using AnswerCheck = std::function<Status(size_t, const std::string&)>;

  // Writes `requests` (whole lines, each ending in '\n') and reads `count` answer lines into
  // `answers` (resized to count; terminators removed). Fails when neither a request byte is taken
  // nor an answer byte arrives for `timeout_seconds`, or the helper exits or closes its output first.
  // The longest answer line taken; a helper that sends more without a newline (one that streams
  // forever) fails the exchange.
  void set_max_answer_bytes(size_t n) { max_answer_bytes_ = n; }

  Status exchange(std::string_view requests, size_t count, double timeout_seconds, std::vector<std::string>& answers,
                  const AnswerCheck& check = {});

  // Kills the helper now (SIGKILL to its process group) and reaps it. Idempotent.
  void kill();

  void set_grace(double seconds) { grace_seconds_ = seconds; }
  pid_t pid() const { return pid_; }

 private:
  Coprocess() = default;
  // The helper's end: "exited with status N", "was killed by signal N"; waits at most wait_seconds.
  std::string reap(double wait_seconds);
  Status fail(std::string message);

  pid_t pid_ = -1;
  bool reaped_ = false;
  int to_child_ = -1;    // its standard input
  int from_child_ = -1;  // its standard output
  std::string pending_;  // bytes read past the last complete answer
  size_t max_answer_bytes_ = size_t{64} << 20;
  double grace_seconds_ = 2.0;
};

}  // namespace dqprep::coprocess
