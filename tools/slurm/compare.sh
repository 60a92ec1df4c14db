#!/usr/bin/env bash
# Checks the outputs of tools/slurm/pipeline.sh against the same chain run as one process over all
# shards: normalize | filter | dedup --mode near, then metrics and split --hash-mode over the whole.
# Every output must be the same bytes: each split (the shards' files concatenated in shard order),
# the rejects, the removed duplicates, the metrics report (but its seconds) and the dedup figures.
#
#   tools/slurm/compare.sh --out OUT --dqprep PATH [--normalize F] [--filter F] [--sign F]
#                          [--cluster F] [--metrics F] [--report F] [--split F] SHARD ...
# The flags are those given to pipeline.sh. Exits 1 at the first difference, naming it.
set -euo pipefail
out="" dqprep=dqprep
declare -A flags=([normalize]="" [filter]="" [sign]="" [cluster]="" [metrics]="" [report]="" [split]="")
shards=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --dqprep) dqprep=$2; shift 2 ;;
    --normalize | --filter | --sign | --cluster | --metrics | --report | --split) flags[${1#--}]=$2; shift 2 ;;
    *) shards+=("$1"); shift ;;
  esac
done
eval "normalize=(${flags[normalize]})"
eval "filter=(${flags[filter]})"
eval "dedup=(${flags[sign]} ${flags[cluster]})"
eval "metrics=(${flags[metrics]} ${flags[report]})"
eval "split=(${flags[split]})"
ref=$(mktemp -d)
trap 'rm -rf "$ref"' EXIT

"$dqprep" normalize -q "${normalize[@]}" "${shards[@]}" |
  "$dqprep" filter -q "${filter[@]}" --rejects "$ref/rejects.jsonl" |
  "$dqprep" dedup -q --mode near "${dedup[@]}" --removed "$ref/removed.jsonl" -o "$ref/dedup.jsonl" --stats "$ref/dedup.json"
"$dqprep" metrics -q "${metrics[@]}" "$ref/dedup.jsonl" --json "$ref/metrics.json" || true  # a failed --check is publish's business
"$dqprep" split -q --hash-mode "${split[@]}" --out-dir "$ref/splits" "$ref/dedup.jsonl"

differ() { echo "compare.sh: $* differs from the one-process run" >&2; exit 1; }
n=${#shards[@]}
parts=0
for f in "$ref"/splits/*; do
  name=$(basename "$f")
  for ((s = 0; s < n; s++)); do cat "$out/splits/shard-$s/$name"; done | cmp - "$f" || differ "split $name"
  parts=$((parts + 1))
done
[[ $parts -gt 0 ]] || differ "the splits (none in the one-process run)"
for ((s = 0; s < n; s++)); do ls "$out/splits/shard-$s" | cmp - <(ls "$ref/splits") || differ "the split files of shard $s"; done
for kind in rejects removed; do
  for ((s = 0; s < n; s++)); do cat "$out/$kind/shard-$s.jsonl"; done | cmp - "$ref/$kind.jsonl" || differ "$kind"
done
cmp <(jq -S 'del(.seconds)' "$out/report/metrics.json") <(jq -S 'del(.seconds)' "$ref/metrics.json") || differ "the metrics report"
for key in in clusters duplicates label_conflicts; do
  [[ $(jq .$key "$out/report/dedup.json") == $(jq .$key "$ref/dedup.json") ]] || differ "dedup's $key"
done
echo "compare.sh: $parts splits, rejects ($(cat "$ref/rejects.jsonl" | wc -l)), removed ($(cat "$ref/removed.jsonl" | wc -l)), metrics and dedup figures identical to one process"
