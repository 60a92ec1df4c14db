#include "dqprep/io/coprocess.hpp"

#include "dqprep/util/number_text.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

extern char** environ;

namespace dqprep::coprocess {

namespace {

std::string errno_text(int e) { return std::strerror(e); }

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string describe(int status) {
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    std::string s = "exited with status " + std::to_string(code);
    if (code == 127) s += " (command not found?)";
    if (code == 126) s += " (not executable?)";
    return s;
  }
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "ended";
}

std::string seconds_text(double s) { return util::number_text(s, 6); }

}  // namespace

Result<std::unique_ptr<Coprocess>> Coprocess::start(const std::string& command) {
  // O_CLOEXEC from the start: other threads may spawn helpers at the same moment, and no helper
  // may inherit another's pipe ends (it would never see end-of-file).
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return Status::io("cannot create a pipe: " + errno_text(errno));
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return Status::io("cannot create a pipe: " + errno_text(e));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);  // dqprep ignores SIGPIPE; the helper should not inherit that
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    return Status::io("cannot start /bin/sh: " + errno_text(rc));
  }
  std::unique_ptr<Coprocess> c(new Coprocess());
  c->pid_ = pid;
  c->to_child_ = in_pipe[1];
  c->from_child_ = out_pipe[0];
  ::fcntl(c->to_child_, F_SETFL, ::fcntl(c->to_child_, F_GETFL) | O_NONBLOCK);
  ::fcntl(c->from_child_, F_SETFL, ::fcntl(c->from_child_, F_GETFL) | O_NONBLOCK);
  return c;
}

Coprocess::~Coprocess() {
  close_fd(to_child_);  // end-of-file: a well-behaved helper exits now
  close_fd(from_child_);
  if (!reaped_ && pid_ > 0) {
    reap(grace_seconds_);
    if (!reaped_) kill();
  }
}

std::string Coprocess::reap(double wait_seconds) {
  if (reaped_ || pid_ <= 0) return "ended";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_seconds);
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return describe(status);
    }
    if (r < 0 && errno != EINTR) {
      reaped_ = true;
      return "ended";
    }
    if (std::chrono::steady_clock::now() >= deadline) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Coprocess::kill() {
  close_fd(to_child_);
  close_fd(from_child_);
  if (reaped_ || pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

Status Coprocess::fail(std::string message) {
  kill();
  return Status::io(std::move(message));
}

Status Coprocess::exchange(std::string_view requests, size_t count, double timeout_seconds,
                           std::vector<std::string>& answers, const AnswerCheck& check) {
  answers.resize(count);
  if (to_child_ < 0 || from_child_ < 0) return Status::io("the helper is not running");
  size_t written = 0, got = 0;
  // Answers already read past the previous exchange's last one belong to this one.
  auto take_lines = [&]() -> Status {
    size_t start = 0;
    Status status;
    while (got < count && status.ok()) {
      size_t nl = pending_.find('\n', start);
      if (nl == std::string::npos) break;
      size_t end = nl > start && pending_[nl - 1] == '\r' ? nl - 1 : nl;
      answers[got].assign(pending_, start, end - start);
      if (check) status = check(got, answers[got]);
      ++got;
      start = nl + 1;
    }
    pending_.erase(0, start);
    if (!status.ok()) kill();
    return status;
  };
  DQPREP_RETURN_IF_ERROR(take_lines());
  const auto timeout = std::chrono::duration<double>(timeout_seconds);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[1 << 16];
  while (got < count || written < requests.size()) {
    pollfd fds[2];
    nfds_t n = 0;
    int write_slot = -1, read_slot = -1;
    if (written < requests.size()) {
      write_slot = static_cast<int>(n);
      fds[n++] = {to_child_, POLLOUT, 0};
    }
    if (got < count) {
      read_slot = static_cast<int>(n);
      fds[n++] = {from_child_, POLLIN, 0};
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    int wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    int ready = ::poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return fail("poll: " + errno_text(errno));
    }
    if (ready == 0) {
      return fail("gave no answer within " + seconds_text(timeout_seconds) + " s (--exec-timeout); killed it");
    }
    if (read_slot >= 0 && (fds[read_slot].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t r = ::read(from_child_, buffer, sizeof buffer);
      if (r < 0 && errno != EAGAIN && errno != EINTR) return fail("cannot read its output: " + errno_text(errno));
      if (r == 0) {
        std::string how = reap(timeout_seconds);
        if (how.empty()) how = "closed its output";
        return fail(how + " after " + std::to_string(got) + " of " + std::to_string(count) + " answers");
      }
      if (r > 0) {
        pending_.append(buffer, static_cast<size_t>(r));
        DQPREP_RETURN_IF_ERROR(take_lines());
        if (pending_.size() > max_answer_bytes_) {
          return fail("sent an answer longer than " + std::to_string(max_answer_bytes_) + " bytes (--exec-max-bytes); killed it");
        }
        deadline = std::chrono::steady_clock::now() + timeout;  // progress restarts the clock
      }
    }
    if (write_slot >= 0 && (fds[write_slot].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = ::write(to_child_, requests.data() + written, requests.size() - written);
      if (w < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        if (errno == EPIPE) {
          std::string how = reap(timeout_seconds);
          if (how.empty()) how = "closed its input";
          return fail(how + " before reading every request");
        }
        return fail("cannot write to it: " + errno_text(errno));
      }
      written += static_cast<size_t>(w);
      deadline = std::chrono::steady_clock::now() + timeout;
    }
  }
  return {};
}

}  // namespace dqprep::coprocess
