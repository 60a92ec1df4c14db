#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the dqprep pipeline over data/samples/,
# writing into out/ and ending with the report of the last stage.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh release
dq=build/dqprep
mkdir -p out
$dq normalize data/samples/reviews.jsonl --label-case lower --label-map data/samples/label_map.json \
  --on-error quarantine --quarantine out/quarantine.jsonl --stats out/normalize.stats.json \
  -o out/reviews.normalized.jsonl
echo "normalized records: out/reviews.normalized.jsonl; malformed lines: out/quarantine.jsonl" >&2
cat out/normalize.stats.json
