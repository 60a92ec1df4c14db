#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit and CLI tests on the release build,
# the Slurm recipe on a real Slurm, the unit and CLI tests under ASan+UBSan, and a short run of each
# fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --test
bash tools/build.sh release
ctest --test-dir build --output-on-failure -j"$(nproc)"
# The Slurm recipe on a real single-node Slurm (tools/slurm/test_slurm.sh; ~1 minute). The outer
# limit ends a hung run; the test stops the daemons it started whatever happens.
timeout -k 20 600 bash tools/slurm/test_slurm.sh build/dqprep

bash tools/build.sh asan
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)"

bash tools/build.sh fuzz
# Every fuzz target for DQPREP_FUZZ_SECONDS each (fuzz/README.md), from a copy of its seed corpus.
fuzz_targets=(fuzz_record fuzz_line_reader fuzz_checks fuzz_rules fuzz_binary_files fuzz_edge_file fuzz_timestamp
              fuzz_config_json fuzz_lists fuzz_report fuzz_csv fuzz_text_repair)
fuzz_seconds=${DQPREP_FUZZ_SECONDS:-20}
fuzz_passed=0
for target in "${fuzz_targets[@]}"; do
  corpus=$(mktemp -d)
  cp fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  echo "fuzzing $target for $fuzz_seconds s" >&2
  build-fuzz/fuzz/"$target" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=0 \
    "$corpus" 2>fuzz-"$target".log || {
      tail -40 fuzz-"$target".log
      echo "fuzz: $fuzz_passed passed, 1 failed ($target)"
      exit 1
    }
  rm -rf "$corpus" fuzz-"$target".log
  fuzz_passed=$((fuzz_passed + 1))
done
echo "fuzz: $fuzz_passed passed, 0 failed"
