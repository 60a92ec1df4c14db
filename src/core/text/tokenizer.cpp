#include "dqprep/text/tokenizer.hpp"

#include <sentencepiece_processor.h>

#include <cstdio>

#include "dqprep/io/io.hpp"
#include "dqprep/util/hash.hpp"

namespace dqprep::text {

Tokenizer::Tokenizer() : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::load(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::string bytes, io::read_bytes(path));
  std::unique_ptr<Tokenizer> t(new Tokenizer());
  sentencepiece::util::Status s = t->processor_->LoadFromSerializedProto(bytes);
  if (!s.ok()) {
    return Status::usage("--tokenizer " + path + ": not a SentencePiece model (" + s.ToString() + ")");
  }
  hash::Key128 key = hash::xxh3_128(bytes);
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(key.high),
                static_cast<unsigned long long>(key.low));
  t->digest_ = std::string("xxh3-128:") + hex;
  t->vocab_size_ = static_cast<uint64_t>(t->processor_->GetPieceSize());
  return t;
}

Status Tokenizer::count(std::string_view text, std::vector<int>& ids, uint64_t& tokens) const {
  ids.clear();
  sentencepiece::util::Status s = processor_->Encode(text, &ids);
  if (!s.ok()) return Status::bad_input("the tokenizer refuses the text: " + s.ToString());
  tokens = ids.size();
  return {};
}

}  // namespace dqprep::text
