#include "dqprep/exact_key.hpp"

namespace dqprep::exact_key {

namespace {

bool is_ascii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

}  // namespace

std::string_view KeyNormalizer::normalize(std::string_view text) {
  // NFKC of ASCII is the identity, and the normal form below breaks words at ASCII controls anyway.
  if (is_ascii(text)) {
    shingle::normalize(text, scratch_);
  } else {
    unicode_.run(text, options_, nfkc_, counts_);
    shingle::normalize(nfkc_, scratch_);
  }
  const std::string_view words = scratch_.text;
  out_.resize(words.size());
  size_t n = 0;
  for (char c : words) {
    if (c != ' ') out_[n++] = c;  // the normal form's only space is its one-byte word break
  }
  out_.resize(n);
  return out_;
}

}  // namespace dqprep::exact_key
