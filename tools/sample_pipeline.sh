#!/usr/bin/env bash
# The dqprep pipeline over data/samples/, with the binary and the output directory given:
#   bash tools/sample_pipeline.sh BINARY OUT
# normalize -> filter -> label-check -> dedup -> split, the metrics report and gate of the training
# split, a model trained on it and scored on the test split, and the HTML report of it all in
# OUT/report.html. tools/run_samples.sh (the main job) runs it after the build; the test
# script.report_chromium renders its page.
set -euo pipefail
dq=$1
out=$2
samples="$(cd "$(dirname "$0")/../data/samples" && pwd)"
rm -rf "$out"
mkdir -p "$out"
labels=positive,negative,neutral

# 1. One spelling for every text and label; the broken line is kept aside, not lost.
$dq normalize "$samples/reviews.jsonl" --label-case lower --label-map "$samples/label_map.json" \
  --on-error quarantine --quarantine "$out/quarantine.jsonl" --stats "$out/normalize.stats.json" \
  -o "$out/1-normalized.jsonl"
# 2. Rules for short records: too few words, a repeated phrase, a label outside the set.
$dq filter "$out/1-normalized.jsonl" --min-words 3 --rule gopher_top_2gram=0.5 --labels "$labels" \
  --rejects "$out/filter.rejects.jsonl" --stats "$out/filter.stats.json" -o "$out/2-filtered.jsonl"
# 3. Annotator agreement, and the same text with different labels mended by majority.
$dq label-check "$out/2-filtered.jsonl" --labels "$labels" --annotations-field annotations \
  --resolve majority --rejects "$out/label-check.rejects.jsonl" --stats "$out/label-check.stats.json" \
  -o "$out/3-labels-checked.jsonl"
# 4. Exact repeats dropped (to dedup.removed.jsonl, with dup_of); near duplicates kept but marked
#    (dup_cluster), so that the split keeps each group in one part. The reviews are short (~14
#    words): character 5-grams find their near copies, word 5-grams few (docs/dedup.md).
$dq dedup "$out/3-labels-checked.jsonl" --removed "$out/dedup.removed.jsonl" --stats "$out/dedup.stats.json" \
  -o "$out/4-deduped.jsonl"
$dq dedup --mode near --shingle char:5 --mark "$out/4-deduped.jsonl" --stats "$out/dedup-near.stats.json" -o "$out/4-marked.jsonl"
# 5. Train/val/test with class shares kept and duplicate groups never across splits.
$dq split --by group --stratify --group-field dup_cluster --check-leakage --out-dir "$out/splits" \
  --stats "$out/split.stats.json" "$out/4-marked.jsonl"
# 6. The report and gate of the training split. The gates describe the sample: every declared class
#    is present, noise stays under 5%, the classes near balance (0.92). Annotator agreement on the
#    sample is low (0.56 of items unanimous), which the warn-level gate reports without failing.
$dq metrics "$out/splits/train.jsonl" --labels "$labels" --annotations-field annotations \
  --check 'coverage == 1' --check 'noise_ratio <= 0.05' --check 'class_balance >= 0.9' \
  --warn 'annotation_consistency >= 0.8' \
  --json "$out/metrics.json" --markdown "$out/metrics.md" --junit "$out/metrics.junit.xml"
# 7. A classifier trained on the training split and scored on the test split, by source.
$dq model train -q --epoch 25 "$out/splits/train.jsonl" -o "$out/model.bin"
$dq model eval -q --model "$out/model.bin" --slice-field source --check 'macro_f1 >= 0.8' \
  --json "$out/model-eval.json" "$out/splits/test.jsonl"
# 8. The page: every report above in pipeline order, with examples of what each stage removed.
$dq report -o "$out/report.html" --title "dqprep sample pipeline: data/samples/reviews.jsonl" \
  "$out/normalize.stats.json" "$out/filter.stats.json" "$out/label-check.stats.json" \
  "$out/dedup.stats.json" "$out/dedup-near.stats.json" "$out/split.stats.json" \
  "$out/metrics.json" "$out/model-eval.json" \
  --rejects "$out/quarantine.jsonl" --rejects "$out/filter.rejects.jsonl" \
  --rejects "$out/label-check.rejects.jsonl" --rejects "$out/dedup.removed.jsonl"
# The other sample formats go through normalize too.
$dq normalize -q --format alpaca --unify-punct "$samples/instructions.jsonl" -o "$out/instructions.jsonl"
$dq normalize -q --format chat --strip-html --unify-punct "$samples/chat.jsonl" -o "$out/chat.jsonl"
$dq normalize -q --format pair "$samples/pairs.jsonl" -o "$out/pairs.jsonl"
