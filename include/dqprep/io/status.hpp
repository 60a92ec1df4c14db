#pragma once
// The error type of the core library. The core never exits and never prints; it returns a Status
// (or a Result<T>) and src/main.cpp alone turns it into a message and an exit code.

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace dqprep {

// The values are the process exit codes (docs/usage.md, "Exit codes").
enum class StatusCode {
  ok = 0,
  check_failed = 1,  // a quality gate failed
  usage = 2,         // a bad flag value, an impossible combination
  bad_input = 3,     // malformed input data under --on-error fail
  io = 4,            // cannot open / read / write, disk full
  pipe_closed = 5,   // downstream closed its end: not an error, the run ends quietly with 0
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status usage(std::string m) { return {StatusCode::usage, std::move(m)}; }
  static Status bad_input(std::string m) { return {StatusCode::bad_input, std::move(m)}; }
  static Status io(std::string m) { return {StatusCode::io, std::move(m)}; }
  static Status check_failed(std::string m) { return {StatusCode::check_failed, std::move(m)}; }
  static Status pipe_closed() { return {StatusCode::pipe_closed, "downstream pipe closed"}; }

  bool ok() const { return code_ == StatusCode::ok; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::ok;
  std::string message_;
};

// The Status of a Result built from an ok Status, which has neither a value nor an error.
inline Status no_value_error() {
  return Status::io("internal error: a result with neither a value nor an error");
}

// A value or the Status that explains why there is none.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}
  // The status must be an error. An ok status is a bug of the caller: debug builds stop here, and
  // release builds turn it into an io error, so that the run fails instead of exiting 0 silently.
  Result(Status status) : status_(std::move(status)) {
    assert(!status_.ok() && "Result built from an ok Status");
    if (status_.ok()) status_ = no_value_error();
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace dqprep

// Returns the Status of an expression from the enclosing function when it is not ok.
#define DQPREP_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::dqprep::Status dqprep_status_ = (expr); \
    if (!dqprep_status_.ok()) return dqprep_status_; \
  } while (0)

#define DQPREP_STATUS_CONCAT_INNER_(a, b) a##b
#define DQPREP_STATUS_CONCAT_(a, b) DQPREP_STATUS_CONCAT_INNER_(a, b)

// Evaluates an expression that yields a Result<T>. When it holds an error, returns its Status from
// the enclosing function; otherwise moves the value into lhs, which may be a declaration:
//   DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_file(path));
//   DQPREP_ASSIGN_OR_RETURN(auto rows, lsh::rows_per_band(num_perm, bands));
// A type with a comma in it (std::map<K, V>) needs `auto`. The macro expands to more than one
// statement: it cannot be the body of an if or a loop without braces.
#define DQPREP_ASSIGN_OR_RETURN(lhs, ...) \
  DQPREP_ASSIGN_OR_RETURN_IMPL_(DQPREP_STATUS_CONCAT_(dqprep_result_, __LINE__), lhs, __VA_ARGS__)
#define DQPREP_ASSIGN_OR_RETURN_IMPL_(result, lhs, ...) \
  auto result = (__VA_ARGS__);                          \
  if (!result.ok()) return result.status();             \
  lhs = std::move(*result)
