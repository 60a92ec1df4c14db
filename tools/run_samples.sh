#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the dqprep pipeline over data/samples/
# into out/ (tools/sample_pipeline.sh: normalize -> filter -> label-check -> dedup -> split, the
# metrics report and gate, a model scored on the test split), ending with the HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh release
bash tools/sample_pipeline.sh build/dqprep out
echo "outputs in out/: splits/{train,val,test}.jsonl, *.rejects.jsonl, quarantine.jsonl, *.stats.json," \
  "metrics.{json,md,junit.xml}, model-eval.json" >&2
echo "the report: $PWD/out/report.html (open it in a browser)" >&2
