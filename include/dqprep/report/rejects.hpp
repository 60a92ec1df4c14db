#pragma once
// What `dqprep report` takes from the files of rejected records (`--rejects` of filter, label-check,
// split, augment; `dedup --removed`; `--quarantine`): how many records each reason holds, a few
// examples of each, and, for dedup's records (`dup_of`), the duplicate clusters, largest first.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/record.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::report {

// The reason of a rejected record: its `_reject.rule`; `malformed` for a quarantine line (`_error`);
// `duplicate` for a record dedup removed (`dup_of`).
inline constexpr std::string_view kMalformedReason = "malformed";
inline constexpr std::string_view kDuplicateReason = "duplicate";

struct RejectExample {
  std::string id;      // the record's "id" as text, or FILE:LINE
  std::string detail;  // the `_reject` object, "dup_of NAME", or the quarantine message
  std::string text;    // the record's "text" (or the quarantined raw line, or the record), cut short
};

struct RejectedReason {
  std::string reason;
  bool from_dedup = false;  // a `dup_of` record: dedup names no rule (duplicate, contaminated, ngram_overlap)
  uint64_t records = 0;
  std::vector<RejectExample> examples;  // the first ones, in file order
};

struct DuplicateCluster {
  std::string kept;           // the dup_of value: the record dedup kept
  uint64_t removed = 0;       // records removed as its duplicates
  std::vector<std::string> texts;  // the first removed texts, cut short
};

struct RejectsSummary {
  std::string name;
  uint64_t records = 0;
  std::vector<RejectedReason> reasons;     // in order of first sight
  std::vector<DuplicateCluster> clusters;  // largest first (ties: first seen), at most max_clusters
  uint64_t cluster_count = 0;              // all distinct dup_of values
};

// Folds the lines of one file; `add` takes each line (followed by io::kPadding readable bytes, as
// LineReader gives them) with its 1-based number. A line that is not a JSON object, or has none of
// `_reject.rule`, `_error`, `dup_of`, is bad input: "NAME:LINE: message".
class RejectsReader {
 public:
  RejectsReader(std::string name, size_t examples_per_reason, size_t max_clusters);
  Status add(std::string_view line, uint64_t line_number);
  RejectsSummary finish();

 private:
  struct ClusterFacts {
    uint64_t removed = 0;
    uint64_t first_seen = 0;
    std::vector<std::string> texts;
  };
  std::string name_;
  size_t examples_per_reason_, max_clusters_;
  RejectsSummary summary_;
  std::map<std::string, size_t, std::less<>> reason_index_;
  std::map<std::string, ClusterFacts, std::less<>> clusters_;
  record::Parser parser_;
  record::Path rule_path_, error_message_path_, raw_path_, dup_of_path_, id_path_, text_path_;
  std::vector<record::StringValue> strings_;
};

// Reads a whole file (or "-"; compressed or not) with RejectsReader.
Result<RejectsSummary> read_rejects(const std::string& path, size_t examples_per_reason, size_t max_clusters);

// At most `max_chars` code points of a record's text, for an example.
inline constexpr size_t kExampleChars = 240;

}  // namespace dqprep::report
