#include "dqprep/io/stream.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"

namespace dqprep::stream {

void Emitter::keep(std::string_view record) {
  out_.append(record);
  out_.push_back('\n');
  ++kept_;
}

void Emitter::reject(std::string_view record, std::string_view rule) {
  rejects_.append(record);
  rejects_.push_back('\n');
  ++rejected_;
  auto it = rules_.find(rule);
  if (it == rules_.end()) it = rules_.emplace(std::string(rule), 0).first;
  ++it->second;
}

std::string quarantine_record(std::string_view source, uint64_t line_number, std::string_view message,
                              std::string_view raw) {
  std::string q = "{\"_error\":{\"file\":";
  json_text::append_string(q, source);
  q += ",\"line\":";
  json_text::append_number(q, line_number);
  q += ",\"message\":";
  json_text::append_string(q, message);
  q += "},\"raw\":";
  json_text::append_string(q, raw);
  q += "}\n";
  return q;
}

namespace {

// Enough records per batch to amortize the hand-offs, small enough to keep memory flat.
constexpr size_t kBatchBytes = 1 << 20;
constexpr size_t kBatchLines = 8192;

struct LineSlot {
  const char* text;  // into one of the batch's blocks
  size_t length;
  uint64_t number;
  uint32_t source;
};

struct Batch {
  uint64_t seq = 0;
  uint64_t first_index = 0;
  uint64_t empty_lines = 0;
  uint64_t input_bytes = 0;
  uint64_t file_position = 0;  // bytes of the input files consumed when the batch was cut
  // The reader's blocks that hold the lines: the workers read them where they were read.
  std::vector<std::shared_ptr<const char[]>> blocks;
  std::vector<LineSlot> lines;
  size_t line_bytes = 0;
  // Results.
  Emitter emitter;
  std::string quarantine;
  uint64_t quarantined = 0;
  Status error;  // ends the run after this batch's results before it are written
};

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

class Driver {
 public:
  Driver(const Options& options, const ProcessorFactory& make_processor)
      : options_(options), make_processor_(make_processor) {
    for (const std::string& in : options.inputs) names_.push_back(in == "-" ? "<stdin>" : in);
    if (names_.empty()) names_.push_back("<stdin>");
    for (size_t i = 0; i < options.names.size() && i < names_.size(); ++i) names_[i] = options.names[i];
    if (options.progress) {
      for (size_t i = 0; i < names_.size(); ++i) {
        std::optional<uint64_t> size = io::LineReader::file_size(options.inputs.empty() ? "-" : options.inputs[i]);
        if (!size) {
          input_sizes_.clear();
          break;
        }
        input_sizes_.push_back(*size);
      }
    }
  }

  Result<report::Summary> run(const std::string& stage) {
    auto start = std::chrono::steady_clock::now();
    start_ = start;
    report::Summary summary;
    summary.stage = stage;

    std::unique_ptr<io::OutputFile> out, rejects, quarantine;
    if (options_.write_records) {
      DQPREP_ASSIGN_OR_RETURN(auto o, io::OutputFile::open(options_.output, options_.threads));
      out = std::move(o);
    }
    if (!options_.rejects.empty()) {
      DQPREP_ASSIGN_OR_RETURN(auto r, io::OutputFile::open(options_.rejects, options_.threads));
      rejects = std::move(r);
    }
    if (options_.on_error == ErrorPolicy::quarantine && !options_.quarantine.empty()) {
      DQPREP_ASSIGN_OR_RETURN(auto q, io::OutputFile::open(options_.quarantine, options_.threads));
      quarantine = std::move(q);
    }

    // A system out of threads runs on the workers that started: the bytes do not depend on their
    // number. Without the reader or any worker, the run is out of memory.
    Threads threads(*this);
    Status status;
    try {
      threads.reader = std::thread([this] { read_all(); });
      for (unsigned i = 0; i < std::max(1u, options_.threads); ++i) threads.workers.emplace_back([this] { work(); });
    } catch (const std::exception& e) {  // std::system_error, or std::bad_alloc for the thread's state
      if (threads.workers.empty()) status = Status(StatusCode::io, std::string("out of memory: cannot start a thread: ") + e.what());
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      max_in_flight_ = 2 * threads.workers.size() + 2;
      changed_.notify_all();
    }
    if (status.ok()) status = write_all(out.get(), rejects.get(), quarantine.get(), summary);
    threads.stop();

    // Standard output keeps the records before a failure, as any filter does; files stay atomic.
    if (out && (status.ok() || options_.output.empty() || options_.output == "-")) {
      Status committed = out->commit();
      if (status.ok()) status = committed;
    }
    if (status.ok() && rejects) status = rejects->commit();
    if (status.ok() && quarantine) status = quarantine->commit();
    if (!status.ok()) return status;
    summary.seconds = report::seconds_since(start);
    return summary;
  }

 private:
  // The reader and the workers, stopped and joined however run() ends: an exception on this thread
  // (std::bad_alloc) must not destroy a running std::thread, which would abort the process.
  struct Threads {
    explicit Threads(Driver& owner) : driver(owner) {}
    ~Threads() { stop(); }
    void stop() {
      driver.cancel();
      if (reader.joinable()) reader.join();
      for (std::thread& w : workers) {
        if (w.joinable()) w.join();
      }
    }
    Driver& driver;
    std::thread reader;
    std::vector<std::thread> workers;
  };

  void cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }

  // Hands a filled batch to the workers, waiting while too many are in flight.
  bool publish(std::unique_ptr<Batch> batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || produced_ - written_ < max_in_flight_; });
    if (cancelled_) return false;
    batch->seq = produced_++;
    todo_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }

  // A failed allocation on the reader or a worker ends the run (write_all reports it). Nothing on
  // the failing thread allocates to say so: an exception escaping a thread would abort.
  void fail_out_of_memory() {
    out_of_memory_ = true;
    cancel();
  }

  void read_all() {
    try {
      read_batches();
    } catch (const std::bad_alloc&) {
      fail_out_of_memory();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    reading_done_ = true;
    changed_.notify_all();
  }

  void read_batches() {
    uint64_t index = 0;
    const size_t batch_lines = options_.batch_lines ? options_.batch_lines : kBatchLines;
    const uint64_t max_line_bytes = options_.max_line_bytes ? options_.max_line_bytes : io::kDefaultMaxLineBytes;
    auto new_batch = [&]() {
      auto b = std::make_unique<Batch>();
      b->lines.reserve(std::min(batch_lines, kBatchLines));
      b->first_index = index;
      return b;
    };
    auto batch = new_batch();
    uint64_t files_done = 0;  // sizes of the inputs read to their end
    auto flush = [&]() {
      bool ok = publish(std::move(batch));
      batch = new_batch();
      return ok;
    };
    for (uint32_t source = 0; source < names_.size(); ++source) {
      const std::string path = options_.inputs.empty() ? "-" : options_.inputs[source];
      Result<std::unique_ptr<io::LineReader>> reader = io::LineReader::open(path);
      if (!reader.ok()) {
        batch->error = reader.status();
        break;
      }
      (*reader)->set_max_line_bytes(max_line_bytes);
      auto bad_line = [&](const Status& s, uint64_t number) {
        return s.code() == StatusCode::bad_input
                   ? Status::bad_input(names_[source] + ":" + std::to_string(number) + ": " + s.message())
                   : s;
      };
      uint64_t lines_before = 0;  // lines of this input in the blocks before
      uint64_t bytes_before = 0;
      io::LineBlock block;
      while (batch->error.ok()) {
        Result<bool> more = (*reader)->next_block(block);
        if (!more.ok()) {
          batch->error = bad_line(more.status(), lines_before + 1);
          break;
        }
        if (!*more) break;
        if (batch->blocks.empty() || batch->blocks.back() != block.storage) batch->blocks.push_back(block.storage);
        io::BlockLines lines(block.bytes, lines_before, max_line_bytes);
        std::string_view line;
        while (true) {
          Result<bool> next = lines.next(line);
          if (!next.ok()) {
            batch->error = bad_line(next.status(), lines.line_number());
            break;
          }
          if (!*next) break;
          if (is_blank(line)) {
            ++batch->empty_lines;
            continue;
          }
          batch->lines.push_back({line.data(), line.size(), lines.line_number(), source});
          batch->line_bytes += line.size() + 1;
          ++index;
          if (batch->line_bytes >= kBatchBytes || batch->lines.size() >= batch_lines) {
            batch->input_bytes = (*reader)->bytes_read() - bytes_before;
            bytes_before = (*reader)->bytes_read();
            if (!input_sizes_.empty()) batch->file_position = files_done + (*reader)->file_offset().value_or(0);
            if (!flush()) return;
            batch->blocks.push_back(block.storage);
          }
        }
        lines_before = lines.line_number();
      }
      batch->input_bytes += (*reader)->bytes_read() - bytes_before;
      if (!input_sizes_.empty()) {
        files_done += input_sizes_[source];
        batch->file_position = files_done;
      }
      if (!batch->error.ok()) break;
    }
    flush();
  }

  void work() {
    try {
      std::unique_ptr<RecordProcessor> processor = make_processor_();
      while (true) {
        std::unique_ptr<Batch> batch;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          changed_.wait(lock, [&] { return cancelled_ || !todo_.empty() || reading_done_; });
          if (cancelled_ || todo_.empty()) return;
          batch = std::move(todo_.front());
          todo_.pop_front();
        }
        process(*processor, *batch);
        std::lock_guard<std::mutex> lock(mutex_);
        uint64_t seq = batch->seq;
        done_.emplace(seq, std::move(batch));
        changed_.notify_all();
      }
    } catch (const std::bad_alloc&) {
      fail_out_of_memory();
    }
  }

  void process(RecordProcessor& processor, Batch& batch) {
    // Most stages keep most records as they are: sized up front, the output is copied once, not
    // again at each doubling.
    if (options_.write_records) batch.emitter.out_.reserve(batch.line_bytes + (batch.line_bytes >> 4));
    for (size_t i = 0; i < batch.lines.size(); ++i) {
      const LineSlot& slot = batch.lines[i];
      Line line{std::string_view(slot.text, slot.length), names_[slot.source], slot.number, batch.first_index + i};
      Status s = processor.process(line, batch.emitter);
      if (s.ok()) continue;
      if (s.code() != StatusCode::bad_input) {
        batch.error = s;
        return;
      }
      if (options_.on_error == ErrorPolicy::fail) {
        batch.error = Status::bad_input(std::string(line.source) + ":" + std::to_string(line.number) + ": " + s.message());
        return;
      }
      ++batch.quarantined;
      if (options_.on_error == ErrorPolicy::quarantine) {
        batch.quarantine += quarantine_record(line.source, line.number, s.message(), line.text);
      }
    }
  }

  Status write_all(io::OutputFile* out, io::OutputFile* rejects, io::OutputFile* quarantine, report::Summary& summary) {
    uint64_t bytes = 0;
    if (out) DQPREP_RETURN_IF_ERROR(out->write(options_.preamble));
    while (true) {
      std::unique_ptr<Batch> batch;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return cancelled_ || done_.count(written_) || (reading_done_ && written_ == produced_); });
        if (out_of_memory_) return Status(StatusCode::io, "out of memory");
        auto it = done_.find(written_);
        if (it == done_.end()) return cancelled_ ? Status(StatusCode::io, "cancelled") : Status{};
        batch = std::move(it->second);
        done_.erase(it);
        ++written_;
        changed_.notify_all();
      }
      if (options_.in_order) DQPREP_RETURN_IF_ERROR(options_.in_order(batch->emitter));
      const Emitter& e = batch->emitter;
      if (out) DQPREP_RETURN_IF_ERROR(out->write(e.out_));
      if (options_.consume_state) DQPREP_RETURN_IF_ERROR(options_.consume_state(e.state_));
      if (rejects) DQPREP_RETURN_IF_ERROR(rejects->write(e.rejects_));
      if (quarantine) DQPREP_RETURN_IF_ERROR(quarantine->write(batch->quarantine));
      summary.out += e.kept_;
      summary.rejected += e.rejected_;
      summary.quarantined += batch->quarantined;
      summary.in += e.kept_ + e.rejected_ + batch->quarantined;
      summary.empty_lines += batch->empty_lines;
      summary.lines_read += batch->lines.size();
      for (const auto& [rule, n] : e.rules_) summary.rules[rule] += n;
      for (const auto& [figure, n] : e.counters_) {
        uint64_t before = summary.figures.contains(figure) ? summary.figures[figure].get<uint64_t>() : 0;
        summary.figures[figure] = before + n;
      }
      bytes += batch->input_bytes;
      if (options_.progress) {
        Progress p;
        p.records = summary.lines_read;  // a collecting pass keeps no record, but reads them
        p.bytes = bytes;
        for (uint64_t size : input_sizes_) p.total += size;
        p.position = std::min(batch->file_position, p.total);
        p.seconds = report::seconds_since(start_);
        p.pass = options_.pass;
        p.passes = options_.passes;
        options_.progress(p);
      }
      if (!batch->error.ok()) return batch->error;
    }
  }

  const Options& options_;
  const ProcessorFactory& make_processor_;
  std::vector<std::string> names_;
  uint64_t max_in_flight_ = 2;  // until the workers have started: then 2 per worker + 2
  std::vector<uint64_t> input_sizes_;  // with progress: each input's size, or empty when one has none
  std::chrono::steady_clock::time_point start_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> todo_;
  std::map<uint64_t, std::unique_ptr<Batch>> done_;
  uint64_t produced_ = 0;
  uint64_t written_ = 0;
  bool reading_done_ = false;
  bool cancelled_ = false;
  std::atomic<bool> out_of_memory_{false};
};

Result<report::Summary> run(const Options& options, const ProcessorFactory& make_processor, const std::string& stage) {
  Driver driver(options, make_processor);
  return driver.run(stage);
}

}  // namespace dqprep::stream
