#pragma once
// Token counts with a SentencePiece model (the tokenizer.model file that comes beside many models'
// weights): the unit fine-tuning is priced in and context lengths are measured in.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace dqprep::text {

class Tokenizer {
 public:
  // Reads the model (gzip or zstd compressed too). A file that is not a SentencePiece model is a
  // usage error naming `path`.
  static Result<std::unique_ptr<Tokenizer>> load(const std::string& path);
  ~Tokenizer();

  // The number of pieces `text` encodes into, as `spm_encode --output_format=id` gives them (no
  // BOS or EOS). Safe to call from any number of threads on one Tokenizer: Encode is const and
  // keeps no state between calls (the SentencePiece authors, google/sentencepiece issues 207 and
  // 657). `ids` is the caller's scratch buffer. A text SentencePiece refuses is a bad_input Status.
  Status count(std::string_view text, std::vector<int>& ids, uint64_t& tokens) const;

  // "xxh3-128:" and 32 hex digits of the model's bytes: what tells two models apart in a
  // partial state, whatever their file names.
  const std::string& digest() const { return digest_; }
  uint64_t vocab_size() const { return vocab_size_; }

 private:
  Tokenizer();
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
  std::string digest_;
  uint64_t vocab_size_ = 0;
};

}  // namespace dqprep::text
