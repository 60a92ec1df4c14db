#pragma once
// The normal form behind `dedup --normalize-key`: two texts that differ only in case, punctuation,
// symbols, white space or Unicode compatibility forms get one exact-duplicate key.

#include <string>
#include <string_view>

#include "dqprep/normalize_text.hpp"
#include "dqprep/shingle.hpp"

namespace dqprep::exact_key {

// NFKC (compatibility forms fold: "ﬁ" -> "fi", full-width -> ASCII; control and invisible characters
// go), then the near-duplicate normal form of shingle.hpp (full case folding; punctuation, symbols,
// separators and controls are word breaks), then the word breaks themselves are dropped: what is
// left is the letters, digits and marks of the text, in order. "Hello, World!", "hello world" and
// "HELLO-WORLD" have one normal form, "helloworld". One per thread: it reuses its buffers.
class KeyNormalizer {
 public:
  // The normal form of text, valid until the next call.
  std::string_view normalize(std::string_view text);

 private:
  text::Normalizer unicode_;
  text::NormalizeOptions options_ = [] {
    text::NormalizeOptions o;
    o.form = text::UnicodeForm::nfkc;
    o.fold_whitespace = false;  // white space goes anyway
    return o;
  }();
  text::NormalizeCounts counts_;
  std::string nfkc_;
  shingle::Scratch scratch_;
  std::string out_;
};

}  // namespace dqprep::exact_key
