#pragma once
// A gzip stream deflated on several threads, as pigz does it: the uncompressed bytes are cut every
// member_bytes and each piece becomes a gzip member of its own (RFC 1952 allows any number of
// them; gzip -d, zcat, Python's gzip and dqprep read them as one stream). The cuts depend on the
// byte count only, never on the thread count or on how the bytes arrive, so the output is the
// same bytes for any number of threads.

#include <zlib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::io {

// Uncompressed bytes per member. Each member starts without history (deflate's 32 KiB window) and
// adds 18 bytes of header and trailer: on the bench corpus 1 MiB members make the file 0.3% larger
// than one stream (4 MiB: 0.08%, at four times the memory in flight).
inline constexpr size_t kGzipMemberBytes = size_t{1} << 20;

class ParallelGzip {
 public:
  // Deflates at level 6 on `threads` threads (at least one), started at the first member; with
  // none to be had, on the writing thread.
  explicit ParallelGzip(unsigned threads, size_t member_bytes = kGzipMemberBytes);
  ~ParallelGzip();
  ParallelGzip(const ParallelGzip&) = delete;
  ParallelGzip& operator=(const ParallelGzip&) = delete;

  // Takes `in` and appends to `out` the members finished so far, in order. Waits for the oldest
  // one while 2 x threads pieces are in flight, so memory stays bounded.
  Status write(std::string_view in, std::string& out);
  // Deflates what is left and appends every remaining member to `out`. A stream of no bytes is
  // one empty member: still a valid gzip file.
  Status finish(std::string& out);

 private:
  struct Piece {
    std::string input;
    std::string output;
    bool done = false;
    bool failed = false;
  };
  void start_threads();
  Status submit(std::string& out);
  // Appends the finished members at the front of the queue; `all`: waits for every one.
  Status collect(std::string& out, bool all);
  void work();

  const size_t member_bytes_;
  const unsigned threads_wanted_;
  const size_t max_in_flight_;
  std::string pending_;  // bytes of the next member, fewer than member_bytes_
  bool submitted_any_ = false;

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable piece_done_;
  std::deque<std::unique_ptr<Piece>> in_order_;  // submitted, not yet appended, in stream order
  std::deque<Piece*> waiting_;                   // not yet taken by a thread
  bool stopping_ = false;
  bool started_ = false;
  std::vector<std::thread> threads_;
  z_stream inline_{};  // deflates on the writing thread when no thread started
  bool inline_ready_ = false;
};

}  // namespace dqprep::io
