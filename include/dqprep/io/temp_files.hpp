#pragma once
// The temporary files of a run (uncommitted outputs, spilled inputs), so that a signal or a fatal
// error can remove every one of them before the process ends.

#include <string>

namespace dqprep::io::temp_files {

// Registers `path` for removal. Up to 512 paths at a time are held; one beyond that (or longer than
// PATH_MAX) is still removed by its owner, only not on a signal.
void add(const std::string& path);
// The owner removed or committed it.
void forget(const std::string& path);
// Unlinks every registered path. Async-signal-safe.
void remove_all();

// SIGINT, SIGTERM and SIGHUP remove every registered file, then end the process by the same signal
// (so the shell sees 130, 143 or 129).
void remove_on_signals();

}  // namespace dqprep::io::temp_files
