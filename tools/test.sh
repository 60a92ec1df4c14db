#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit and CLI tests on the release build,
# the same under ASan+UBSan, and a short run of each fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh release
ctest --test-dir build --output-on-failure -j"$(nproc)"

bash tools/build.sh asan
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)"

bash tools/build.sh fuzz
for target in fuzz_record fuzz_line_reader; do
  corpus=$(mktemp -d)
  cp fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  echo "fuzzing $target for ${DQPREP_FUZZ_SECONDS:-30} s" >&2
  build-fuzz/fuzz/"$target" -max_total_time="${DQPREP_FUZZ_SECONDS:-30}" -rss_limit_mb=2048 -print_final_stats=0 \
    "$corpus" 2>fuzz-"$target".log || { tail -40 fuzz-"$target".log; exit 1; }
  rm -rf "$corpus" fuzz-"$target".log
done
echo "fuzz: 2 passed, 0 failed"
