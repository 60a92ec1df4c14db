#!/usr/bin/env bash
# Configures and builds one flavour of dqprep: release (default, in build/), asan (ASan+UBSan, in
# build-asan/) or fuzz (clang + libFuzzer, in build-fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
jobs=$(nproc)
case "$flavour" in
  release) cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
           cmake --build build -j"$jobs" ;;
  asan)    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDQPREP_SANITIZE=ON >/dev/null
           cmake --build build-asan -j"$jobs" ;;
  fuzz)    CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDQPREP_FUZZ=ON \
             -DDQPREP_BUILD_TESTS=OFF >/dev/null
           # The targets of fuzz/CMakeLists.txt; tools/test.sh runs each (fuzz/README.md).
           cmake --build build-fuzz -j"$jobs" --target fuzz_record fuzz_line_reader fuzz_checks fuzz_rules \
             fuzz_binary_files fuzz_edge_file fuzz_timestamp fuzz_config_json fuzz_lists fuzz_report fuzz_csv \
             fuzz_text_repair ;;
  *) echo "usage: tools/build.sh [release|asan|fuzz]" >&2; exit 2 ;;
esac
