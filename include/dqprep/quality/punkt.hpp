#pragma once
// Sentence boundaries as NLTK's sent_tokenize finds them for English: the Punkt algorithm (Kiss and
// Strunk 2006) as NLTK 3.8-3.9 runs it, with the parameters of NLTK's English model (its
// abbreviations, collocations and frequent sentence starters, copied from the model).
//
// Reproduced: the candidate contexts (. ? ! followed by other punctuation or by white space and a
// token), the grouping of adjacent candidates in one word, Punkt's own word tokens, the first pass
// (sentence-end marks, ellipses, known abbreviations) and the second pass (collocations, frequent
// sentence starters after an abbreviation or ellipsis, initials and numbers), and the realignment
// of closing quotes and brackets. Not reproduced: the model's orthographic table (how often each
// word was seen capitalized or not, and where). In its place a lower-case next word never starts
// a sentence, and a capitalized one is taken for a sentence start only when it is one of the
// frequent sentence starters. So "Mr. Smith", "e.g. the" (a break in Punkt: "e.g" is not in its
// abbreviations), "J. Bach" and "in 2019. The" come out as in NLTK; an abbreviation followed by a
// capitalized word outside the starters ("Inc. Revenue") is not a break here, while the model may
// call it one.
//
// C4's sentence count (datatrove's C4QualityFilter: len(sent_tokenize(line))) and the final periods
// of NLTK's word_tokenize (which splits the period that ends each sentence) use it.

#include <string_view>
#include <vector>

namespace dqprep::quality {

struct Sentence {
  size_t begin = 0;  // byte offsets into the text
  size_t end = 0;
};

// The sentences of `text` as sent_tokenize returns them (spans, none empty), appended to `out`.
void punkt_sentences(std::string_view text, std::vector<Sentence>& out);

// Their number.
size_t punkt_sentence_count(std::string_view text);

}  // namespace dqprep::quality
