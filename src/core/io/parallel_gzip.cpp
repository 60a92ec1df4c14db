#include "dqprep/io/parallel_gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <exception>
#include <new>

namespace dqprep::io {

namespace {

// One whole gzip member of `in` (zlib's header: no name, no time stamp).
bool deflate_member(z_stream& z, const std::string& in, std::string& out) {
  if (deflateReset(&z) != Z_OK) return false;
  out.resize(deflateBound(&z, in.size()));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  // deflateBound leaves room for the whole member, so one call ends it.
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) return false;
  out.resize(out.size() - z.avail_out);
  return true;
}

}  // namespace

ParallelGzip::ParallelGzip(unsigned threads, size_t member_bytes)
    : member_bytes_(member_bytes), threads_wanted_(std::max(1u, threads)), max_in_flight_(2 * size_t{threads_wanted_}) {
  pending_.reserve(member_bytes_);
}

ParallelGzip::~ParallelGzip() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& t : threads_) t.join();
  if (inline_ready_) deflateEnd(&inline_);
}

// At the first member, not when the output opens: the stage's own threads start first. The bytes
// do not depend on the thread count, so when the system runs out of threads the ones started do the
// work, and with none the writing thread deflates each member itself.
void ParallelGzip::start_threads() {
  started_ = true;
  try {
    for (unsigned i = 0; i < threads_wanted_; ++i) threads_.emplace_back([this] { work(); });
  } catch (const std::exception&) {  // std::system_error, or std::bad_alloc for the thread's state
  }
  if (threads_.empty()) {
    inline_ready_ = deflateInit2(&inline_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
}

void ParallelGzip::work() {
  z_stream z{};
  const bool ready = deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  while (true) {
    Piece* piece;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
      if (stopping_) break;
      piece = waiting_.front();
      waiting_.pop_front();
    }
    bool ok = false;
    try {
      ok = ready && deflate_member(z, piece->input, piece->output);
    } catch (const std::bad_alloc&) {
      // The writing thread reports it: zlib fails only for want of memory too.
    }
    std::string().swap(piece->input);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      piece->done = true;
      piece->failed = !ok;
    }
    piece_done_.notify_all();
  }
  if (ready) deflateEnd(&z);
}

Status ParallelGzip::write(std::string_view in, std::string& out) {
  while (!in.empty()) {
    const size_t take = std::min(in.size(), member_bytes_ - pending_.size());
    pending_.append(in.substr(0, take));
    in.remove_prefix(take);
    if (pending_.size() == member_bytes_) DQPREP_RETURN_IF_ERROR(submit(out));
  }
  return {};
}

Status ParallelGzip::finish(std::string& out) {
  if (!pending_.empty() || !submitted_any_) DQPREP_RETURN_IF_ERROR(submit(out));
  return collect(out, true);
}

Status ParallelGzip::submit(std::string& out) {
  if (!started_) start_threads();
  auto piece = std::make_unique<Piece>();
  piece->input.swap(pending_);
  pending_.reserve(member_bytes_);
  submitted_any_ = true;
  if (threads_.empty()) {
    piece->failed = !inline_ready_ || !deflate_member(inline_, piece->input, piece->output);
    piece->done = true;
    std::string().swap(piece->input);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      in_order_.push_back(std::move(piece));
    }
    return collect(out, false);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiting_.push_back(piece.get());
    in_order_.push_back(std::move(piece));
  }
  work_ready_.notify_one();
  return collect(out, false);
}

Status ParallelGzip::collect(std::string& out, bool all) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!in_order_.empty()) {
    Piece& oldest = *in_order_.front();
    if (!oldest.done) {
      if (!all && in_order_.size() < max_in_flight_) break;
      piece_done_.wait(lock, [&] { return oldest.done; });
    }
    if (oldest.failed) return Status::io("gzip compression failed: out of memory");
    out.append(oldest.output);
    in_order_.pop_front();
  }
  return {};
}

}  // namespace dqprep::io
