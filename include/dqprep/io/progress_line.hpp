#pragma once
// The progress line a stage shows on stderr when stderr is a terminal.

#include <string>

#include "dqprep/io/stream.hpp"

namespace dqprep::progress_line {

// "\r" + "pass 1 of 2: " (multi-pass stages; "pass 3: " when the count is not known) + "81920
// records, " (unless !with_records) + "27% of 45.6 MB, ETA 12s" when the input size is known, else
// "12.3 MB read", then "\033[K" (the rest of the terminal line cleared). The ETA assumes the rest of
// the pass goes at the speed so far; it is left out until 1% is done.
std::string text(const stream::Progress& p, bool with_records = true);

// "42s", "3m05s", "2h07m".
std::string duration(double seconds);

}  // namespace dqprep::progress_line
