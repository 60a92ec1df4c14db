#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the dqprep pipeline over data/samples/
# into out/: normalize -> filter -> label-check -> dedup -> split, ending with the metrics report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh release
dq=build/dqprep
rm -rf out
mkdir -p out
labels=positive,negative,neutral

# 1. One spelling for every text and label; the broken line is kept aside, not lost.
$dq normalize data/samples/reviews.jsonl --label-case lower --label-map data/samples/label_map.json \
  --on-error quarantine --quarantine out/quarantine.jsonl --stats out/normalize.stats.json \
  -o out/1-normalized.jsonl
# 2. Rules for short records: too few words, a repeated phrase, a label outside the set.
$dq filter out/1-normalized.jsonl --min-words 3 --rule gopher_top_2gram=0.5 --labels "$labels" \
  --rejects out/filter.rejects.jsonl --stats out/filter.stats.json -o out/2-filtered.jsonl
# 3. Annotator agreement, and the same text with different labels mended by majority.
$dq label-check out/2-filtered.jsonl --labels "$labels" --annotations-field annotations \
  --resolve majority --rejects out/label-check.rejects.jsonl --stats out/label-check.stats.json \
  -o out/3-labels-checked.jsonl
# 4. Exact repeats dropped (to dedup.removed.jsonl, with dup_of); near duplicates kept but marked
#    (dup_cluster), so that the split keeps each group in one part.
$dq dedup out/3-labels-checked.jsonl --removed out/dedup.removed.jsonl --stats out/dedup.stats.json \
  -o out/4-deduped.jsonl
$dq dedup --mode near --mark out/4-deduped.jsonl --stats out/dedup-near.stats.json -o out/4-marked.jsonl
# 5. Train/val/test with class shares kept and duplicate groups never across splits.
$dq split --by group --stratify --group-field dup_cluster --check-leakage --out-dir out/splits \
  --stats out/split.stats.json out/4-marked.jsonl
# 6. The report and gate of the training split. The gates describe the sample: every declared class
#    is present, noise stays under 5%, the classes near balance (0.92). Annotator agreement on the
#    sample is low (0.56 of items unanimous), which the warn-level gate reports without failing.
$dq metrics out/splits/train.jsonl --labels "$labels" --annotations-field annotations \
  --check 'coverage == 1' --check 'noise_ratio <= 0.05' --check 'class_balance >= 0.9' \
  --warn 'annotation_consistency >= 0.8' \
  --json out/metrics.json --markdown out/metrics.md --junit out/metrics.junit.xml
# The other sample formats go through normalize too.
$dq normalize -q --format alpaca --unify-punct data/samples/instructions.jsonl -o out/instructions.jsonl
$dq normalize -q --format chat --strip-html --unify-punct data/samples/chat.jsonl -o out/chat.jsonl
$dq normalize -q --format pair data/samples/pairs.jsonl -o out/pairs.jsonl
echo "outputs in out/: splits/{train,val,test}.jsonl, *.rejects.jsonl, quarantine.jsonl, *.stats.json," \
  "metrics.{json,md,junit.xml}" >&2
