#!/usr/bin/env bash
# One job of the sharded pipeline (tools/slurm/pipeline.sh submits them; docs/scale-out.md):
#   step.sh WORK STEP [INDEX]
# WORK is the pipeline's work directory, where pipeline.sh wrote pipeline.conf (the binary, the
# flags of each stage, the shard count) and shards.txt (one input a line). INDEX is the shard (or
# the cluster partition) of an array job: the argument, else $SLURM_ARRAY_TASK_ID. Each step reads
# the outputs of the steps before it and writes its own under WORK; only `publish` writes the output
# directory, and it appears whole (renamed into place) or not at all. A step that fails leaves
# WORK/failed/STEP.INDEX with its exit code.
set -euo pipefail
work=$1
step=$2
index=${3:-${SLURM_ARRAY_TASK_ID:-}}
# shellcheck source=/dev/null
source "$work/pipeline.conf"
# Flags are given as one string per stage, split into words as the shell would (quotes work).
eval "normalize_flags=($NORMALIZE_FLAGS)"
eval "filter_flags=($FILTER_FLAGS)"
eval "sign_flags=($SIGN_FLAGS)"
eval "cluster_flags=($CLUSTER_FLAGS)"
eval "apply_flags=($APPLY_FLAGS)"
eval "metrics_flags=($METRICS_FLAGS)"
eval "report_flags=($REPORT_FLAGS)"
eval "split_flags=($SPLIT_FLAGS)"

mark_failed() {
  local code=$?
  mkdir -p "$work/failed"
  echo "$code" >"$work/failed/$step.${index:-0}"
  [[ $step != publish ]] || rm -rf "$OUT.partial"
}
trap mark_failed ERR

shard_input() { sed -n "$(($1 + 1))p" "$work/shards.txt"; }
signatures() { for ((s = 0; s < SHARDS; s++)); do echo "$work/sig/$s.sig"; done; }

case $step in
  prep)  # normalize | filter: one shard -> WORK/clean/I.jsonl (dropped records -> WORK/rejects/I.jsonl)
    input=$(shard_input "$index")
    "$DQPREP" normalize -q "${normalize_flags[@]}" --stats "$work/stats/normalize.$index.json" "$input" |
      "$DQPREP" filter -q "${filter_flags[@]}" --rejects "$work/rejects/$index.jsonl" \
        --stats "$work/stats/filter.$index.json" -o "$work/clean/$index.jsonl"
    ;;
  sign)  # dedup sign: WORK/clean/I.jsonl -> WORK/sig/I.sig
    "$DQPREP" dedup sign -q --mode near "${sign_flags[@]}" "$work/clean/$index.jsonl" -o "$work/sig/$index.sig" \
      --stats "$work/stats/sign.$index.json"
    ;;
  partition)  # dedup cluster --partition I/P: every signature file -> WORK/edges/I.edges
    mapfile -t sigs < <(signatures)
    "$DQPREP" dedup cluster -q --partition "$index/$PARTITIONS" "${sigs[@]}" -o "$work/edges/$index.edges" \
      --stats "$work/stats/partition.$index.json"
    ;;
  union)  # dedup cluster --edges: every edge and signature file -> WORK/clusters.bin
    mapfile -t sigs < <(signatures)
    edges=()
    for ((p = 0; p < PARTITIONS; p++)); do edges+=(--edges "$work/edges/$p.edges"); done
    "$DQPREP" dedup cluster -q "${cluster_flags[@]}" "${edges[@]}" "${sigs[@]}" -o "$work/clusters.bin" \
      --stats "$work/stats/dedup.json"
    ;;
  apply)  # dedup apply: WORK/clean/I.jsonl + clusters -> WORK/dedup/I.jsonl (duplicates -> WORK/removed/I.jsonl)
    "$DQPREP" dedup apply -q "${apply_flags[@]}" --clusters "$work/clusters.bin" --shard "$index" \
      --removed "$work/removed/$index.jsonl" "$work/clean/$index.jsonl" -o "$work/dedup/$index.jsonl" \
      --stats "$work/stats/apply.$index.json"
    ;;
  metrics)  # metrics --partial: WORK/dedup/I.jsonl -> WORK/states/I.state
    "$DQPREP" metrics -q --partial "${metrics_flags[@]}" "$work/dedup/$index.jsonl" -o "$work/states/$index.state"
    ;;
  split)  # split --hash-mode: WORK/dedup/I.jsonl -> WORK/splits/I/NAME.jsonl
    "$DQPREP" split -q --hash-mode "${split_flags[@]}" --out-dir "$work/splits/$index" "$work/dedup/$index.jsonl" \
      --stats "$work/stats/split.$index.json"
    ;;
  publish)  # metrics merge, then OUT whole: splits, rejects, removed, reports
    partial="$OUT.partial"
    rm -rf "$partial"
    mkdir -p "$partial/splits" "$partial/rejects" "$partial/removed" "$partial/report"
    states=()
    # Hard links where WORK and OUT share a file system (no copy of the data), else copies; WORK
    # keeps its files, so that a failed publish can run again.
    link() { cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"; }
    for ((s = 0; s < SHARDS; s++)); do
      states+=("$work/states/$s.state")
      link "$work/splits/$s" "$partial/splits/shard-$s"
      link "$work/rejects/$s.jsonl" "$partial/rejects/shard-$s.jsonl"
      link "$work/removed/$s.jsonl" "$partial/removed/shard-$s.jsonl"
    done
    "$DQPREP" metrics merge -q "${report_flags[@]}" "${states[@]}" --json "$partial/report/metrics.json" \
      --markdown "$partial/report/metrics.md"
    cp "$work/stats/dedup.json" "$partial/report/dedup.json"
    # Every stage's records in and out, summed over its jobs.
    for stage in normalize filter sign dedup apply split; do
      jq -s --arg stage "$stage" '{stage: $stage, jobs: length, in: (map(.in) | add), out: (map(.out) | add),
          rejected: (map(.rejected) | add), quarantined: (map(.quarantined) | add)}' "$work/stats/$stage".*json
    done | jq -s '.' >"$partial/report/stages.json"
    mv -T "$partial" "$OUT"
    ;;
  *)
    echo "step.sh: unknown step '$step'" >&2
    exit 2
    ;;
esac
mkdir -p "$work/done"
: >"$work/done/$step.${index:-0}"
