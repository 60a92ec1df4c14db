#pragma once
// The record-loop driver of every streaming stage: reads the inputs in batches, runs the stage on
// worker threads, writes results in input order (so output is identical for any thread count),
// applies the --on-error policy and counts.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/report.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::stream {

enum class ErrorPolicy { fail, skip, quarantine };

// One non-empty input line.
struct Line {
  std::string_view text;    // without its terminator; io::kPadding readable bytes follow it
  std::string_view source;  // the input's name for messages
  uint64_t number = 0;      // 1-based line number in that input
  uint64_t index = 0;       // 0-based position among all records of the run (seeds per-record choices)
};

// Collects what a stage decides about the records of one batch.
class Emitter {
 public:
  // Writes `record` (one JSON line, no newline) to the output.
  void keep(std::string_view record);
  // Drops a record because of `rule`; `record` goes to --rejects when given (with its reason
  // already added by the stage).
  void reject(std::string_view record, std::string_view rule);
  // Adds to a figure of the stage's own (summed over the run into Summary::figures).
  void count(const std::string& figure, uint64_t n = 1) { counters_[figure] += n; }
  // Bytes for the stage's own consumer (Options::consume_state), handed over in input order: how
  // the first pass of a two-pass stage collects compact per-record state on worker threads.
  std::string& state() { return state_; }

 private:
  friend class Driver;
  std::string out_;
  std::string rejects_;
  std::string state_;
  uint64_t kept_ = 0;
  uint64_t rejected_ = 0;
  std::map<std::string, uint64_t, std::less<>> rules_;
  std::map<std::string, uint64_t> counters_;
};

// A stage's per-thread worker. process() returns bad_input for a malformed record (the driver
// then applies --on-error); any other error ends the run.
class RecordProcessor {
 public:
  virtual ~RecordProcessor() = default;
  virtual Status process(const Line& line, Emitter& out) = 0;
};

using ProcessorFactory = std::function<std::unique_ptr<RecordProcessor>()>;

// What the progress callback is told after each batch.
struct Progress {
  uint64_t records = 0;  // records (non-empty lines) read so far in this pass
  uint64_t bytes = 0;    // input bytes read, decompressed
  // Bytes of the input files consumed as they are stored (compressed or not), and their total
  // size; total is 0 when some input has no size (a pipe, a terminal).
  uint64_t position = 0;
  uint64_t total = 0;
  double seconds = 0;  // since the pass began
  // This pass (from 1) and how many the run has (0: not known); pass 0: a one-pass stage.
  int pass = 0;
  int passes = 0;
};

struct Options {
  std::vector<std::string> inputs;  // files or "-"; empty means standard input
  std::vector<std::string> names;   // names for messages when not the paths (a spilled stdin)
  bool write_records = true;        // false: a first pass that only collects state
  std::string output;               // "" or "-": standard output
  std::string preamble;             // bytes written to the output before the records (a CSV header)
  std::string rejects;              // "": dropped records are only counted
  std::string quarantine;           // with ErrorPolicy::quarantine
  ErrorPolicy on_error = ErrorPolicy::fail;
  unsigned threads = 1;
  // The longest input line (0: io::kDefaultMaxLineBytes); a longer one is bad input.
  uint64_t max_line_bytes = 0;
  // Records per batch (0: the default, 8192). Fewer spread a slow stage (one that waits on an
  // external program) over the threads even for a small input.
  size_t batch_lines = 0;
  // Called on the writing thread after each batch.
  std::function<void(const Progress&)> progress;
  // Which pass of a multi-pass stage this is, for progress (set by stream::Passes).
  int pass = 0;
  int passes = 0;
  // Called on the writing thread, in input order, with each batch's Emitter::state() bytes.
  std::function<Status(std::string_view state)> consume_state;
  // Called on the writing thread, in input order, with each batch's Emitter before its records are
  // written: a stage whose decision about a record depends on the records before it (exact dedup
  // keeping the first occurrence, in one pass) makes it here, from what its workers put in
  // state(), by calling keep() or reject(). The workers did the costly part in parallel. The
  // Line::text views of the batch's records are still valid while in_order runs.
  std::function<Status(Emitter& batch)> in_order;
};

// Runs the stage over the inputs. The outputs are committed only when the run succeeds. A
// bad_input Status carries "FILE:LINE: message".
Result<report::Summary> run(const Options& options, const ProcessorFactory& make_processor,
                            const std::string& stage);

// The quarantine line of a malformed input line.
std::string quarantine_record(std::string_view source, uint64_t line_number, std::string_view message,
                              std::string_view raw);

}  // namespace dqprep::stream
