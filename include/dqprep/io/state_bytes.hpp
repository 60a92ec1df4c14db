#pragma once

// Compact per-record state as bytes: what a two-pass stage's workers append to
// stream::Emitter::state() and its writing thread reads back in Options::consume_state. Values are
// copied as their in-memory bytes (the same process writes and reads them); byte strings carry a
// uint32 length prefix. The reader trusts its input: it reads what the writer put, in that order.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace dqprep::state_bytes {

template <class T>
concept Plain = std::is_trivially_copyable_v<T>;

template <Plain T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Bytes without a length prefix (the reader must know the size).
inline void put_raw(std::string& out, std::string_view bytes) { out.append(bytes); }

// An array of values without a count (the reader must know it).
template <Plain T>
void put_array(std::string& out, std::span<const T> values) {
  out.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

// Bytes with a uint32 length prefix.
inline void put_bytes(std::string& out, std::string_view bytes) {
  put(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  template <Plain T>
  T get() {
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }

  // n bytes written with put_raw.
  std::string_view get_raw(size_t n) {
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }

  // n values written with put_array, copied to out.
  template <Plain T>
  void get_array(T* out, size_t n) {
    if (n) std::memcpy(out, data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
  }

  // Bytes written with put_bytes.
  std::string_view get_bytes() { return get_raw(get<uint32_t>()); }

  bool done() const { return pos_ >= data_.size(); }
  size_t remaining() const { return pos_ >= data_.size() ? 0 : data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace dqprep::state_bytes
