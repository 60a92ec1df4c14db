#!/usr/bin/env bash
# The sharded dqprep pipeline over N input shards, on a Slurm cluster or on one machine with GNU
# parallel (docs/scale-out.md):
#
#   prep[N] -> sign[N] -> partition[P] -> union -> apply[N] -> metrics[N] + split[N] -> publish
#
# prep: normalize | filter; sign: dedup sign; partition: dedup cluster --partition I/P; union: dedup
# cluster --edges; apply: dedup apply; metrics: metrics --partial; split: split --hash-mode;
# publish: metrics merge and the output directory. Each step is one job (an array job over the
# shards or partitions, one task each); under Slurm each waits for the one before with
# --dependency=afterok and --kill-on-invalid-dep=yes, so a failed task cancels every job after it
# instead of leaving them pending. This script submits the chain, polls squeue until no job of it is
# left, and exits 0 only when the output directory is complete; it appears (renamed into place) only
# when every job succeeded. The body of each job is tools/slurm/step.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() {
  cat <<'USAGE'
usage: tools/slurm/pipeline.sh --work DIR --out DIR [options] SHARD ...

  SHARD ...             the input shards (JSONL, gzip or zstd), in order
  --work DIR            intermediate files, job logs (DIR/logs), summaries (DIR/stats); on a
                        shared file system under Slurm. Made if missing; must be empty
  --out DIR             the outputs: splits/shard-I/, rejects/, removed/, report/; must not exist
  --runner R            slurm (sbatch, poll squeue) or parallel (GNU parallel on this machine)   [slurm]
  --dqprep PATH         the dqprep binary (the same path on every node)                          [dqprep on PATH]
  --partitions P        jobs of the cluster step (dedup cluster --partition I/P)                 [8]
  --jobs J              parallel: jobs at once                                                   [nproc]
  --normalize FLAGS     flags of dqprep normalize (one string of shell words: quotes work)       []
  --filter FLAGS        flags of dqprep filter                                                   []
  --sign FLAGS          flags of dqprep dedup sign (besides --mode near)                         []
  --cluster FLAGS       flags of the union step (dedup cluster --edges): --keep, --threshold ... []
  --apply FLAGS         flags of dqprep dedup apply (--on-error as --sign's)                     []
  --metrics FLAGS       flags of dqprep metrics --partial                                        []
  --report FLAGS        flags of dqprep metrics merge (--check ... gates the publish step)       []
  --split FLAGS         flags of dqprep split --hash-mode (--ratios, --names, --id-field ...)    []
  --sbatch FLAGS        sbatch flags for every job (--partition=, --account=, --time= ...)       []
  --sbatch-STEP FLAGS   sbatch flags for one step (prep, sign, partition, union, apply, metrics,
                        split, publish), after --sbatch: e.g. --sbatch-partition "--mem=4G"
  --poll SECONDS        slurm: seconds between two looks at squeue                               [5]
  --timeout SECONDS     give up (and scancel the chain) after this long; 0 = never               [0]
USAGE
}

work="" out="" runner=slurm dqprep=dqprep partitions=8 jobs=$(nproc) poll=5 timeout=0
declare -A flags=([normalize]="" [filter]="" [sign]="" [cluster]="" [apply]="" [metrics]="" [report]="" [split]="")
declare -A sbatch_step=()
sbatch_all=""
shards=()
steps=(prep sign partition union apply metrics split publish)
while [[ $# -gt 0 ]]; do
  case $1 in
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --runner) runner=$2; shift 2 ;;
    --dqprep) dqprep=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --poll) poll=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --normalize | --filter | --sign | --cluster | --apply | --metrics | --report | --split)
      flags[${1#--}]=$2; shift 2 ;;
    --sbatch) sbatch_all=$2; shift 2 ;;
    --sbatch-*)
      s=${1#--sbatch-}
      [[ " ${steps[*]} " == *" $s "* ]] || { echo "pipeline.sh: no step '$s' (${steps[*]})" >&2; exit 2; }
      sbatch_step[$s]=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --*) echo "pipeline.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) shards+=("$1"); shift ;;
  esac
done
die() { echo "pipeline.sh: $*" >&2; exit 2; }
[[ -n $work && -n $out ]] || die "--work DIR and --out DIR are required (--help)"
[[ ${#shards[@]} -gt 0 ]] || die "no input shards"
[[ $runner == slurm || $runner == parallel ]] || die "--runner is slurm or parallel, not '$runner'"
[[ $partitions =~ ^[1-9][0-9]*$ ]] || die "--partitions takes a positive whole number"
[[ $poll =~ ^[0-9]+([.][0-9]+)?$ && $timeout =~ ^[0-9]+$ ]] || die "--poll and --timeout take seconds"
[[ ! -e $out ]] || die "$out exists: the output directory must not"
dqprep_path=$(command -v "$dqprep") || die "no dqprep at '$dqprep'"
dqprep=$(cd "$(dirname "$dqprep_path")" && pwd)/$(basename "$dqprep_path")
mkdir -p "$work"
[[ -z $(ls -A "$work") ]] || die "$work is not empty: give each run its own work directory"
work=$(cd "$work" && pwd)
out=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")
for s in "${shards[@]}"; do
  [[ -r $s ]] || die "cannot read shard $s"
  echo "$(cd "$(dirname "$s")" && pwd)/$(basename "$s")"
done >"$work/shards.txt"
n=${#shards[@]}
mkdir -p "$work"/{logs,stats,clean,rejects,sig,edges,dedup,removed,states,splits}
{
  printf 'DQPREP=%q\nOUT=%q\nSHARDS=%q\nPARTITIONS=%q\n' "$dqprep" "$out" "$n" "$partitions"
  for k in normalize filter sign cluster apply metrics report split; do
    printf '%s_FLAGS=%q\n' "${k^^}" "${flags[$k]}"
  done
} >"$work/pipeline.conf"

# The tasks of each step: an array over the shards, over the partitions, or one job.
tasks() {
  case $1 in
    partition) echo "$partitions" ;;
    union | publish) echo 1 ;;
    *) echo "$n" ;;
  esac
}
# Which steps each step waits for.
after() {
  case $1 in
    prep) ;;
    sign) echo prep ;;
    partition) echo sign ;;
    union) echo partition ;;
    apply) echo union ;;
    metrics | split) echo apply ;;
    publish) echo metrics split ;;
  esac
}
start=$(date +%s)
finish() {
  if [[ -d $out && -f $work/done/publish.0 ]]; then
    echo "pipeline.sh: done in $(( $(date +%s) - start )) s: $out"
    exit 0
  fi
  echo "pipeline.sh: FAILED after $(( $(date +%s) - start )) s; no output written. Failed tasks:" >&2
  ls "$work/failed" 2>/dev/null | sed 's/^/  /' >&2 || true
  echo "  (job logs: $work/logs)" >&2
  exit 1
}

if [[ $runner == parallel ]]; then
  command -v parallel >/dev/null || die "GNU parallel is not installed (apt-get install parallel)"
  deadline=()
  [[ $timeout -gt 0 ]] && deadline=(timeout "$timeout")
  for step in "${steps[@]}"; do
    # One step at a time: each waits for all of the one before (the afterok of the Slurm chain).
    "${deadline[@]}" parallel --halt now,fail=1 -j "$jobs" \
      "bash $(printf %q "$here/step.sh") $(printf %q "$work") $step {} > $(printf %q "$work/logs")/$step-{}.out 2>&1" \
      ::: $(seq 0 $(( $(tasks $step) - 1 ))) ||
      finish
  done
  finish
fi

command -v sbatch >/dev/null && command -v squeue >/dev/null || die "sbatch and squeue are needed (Slurm's client)"
tag="dqp$$-$RANDOM"
declare -A ids=()
submitted=()
for step in "${steps[@]}"; do
  dep=()
  deps=$(for d in $(after $step); do printf ':%s' "${ids[$d]}"; done)
  [[ -n $deps ]] && dep=(--dependency="afterok$deps" --kill-on-invalid-dep=yes)
  array=()
  log="$work/logs/$step-0.out"
  count=$(tasks $step)
  if [[ $step != union && $step != publish ]]; then
    array=(--array="0-$((count - 1))")
    log="$work/logs/$step-%a.out"
  fi
  read -r -a extra <<<"$sbatch_all ${sbatch_step[$step]:-}"
  ids[$step]=$(sbatch --parsable --job-name="$tag-$step" "${array[@]}" "${dep[@]}" \
    --output="$log" "${extra[@]}" \
    --wrap="bash $(printf %q "$here/step.sh") $(printf %q "$work") $step \${SLURM_ARRAY_TASK_ID:-0}")
  ids[$step]=${ids[$step]%%;*}
  submitted+=("${ids[$step]}")
  echo "pipeline.sh: $step: job ${ids[$step]} ($count task$([[ $count -gt 1 ]] && echo s))"
done
cancel() { scancel "${submitted[@]}" 2>/dev/null || true; }
trap 'cancel; exit 143' TERM INT HUP
# Poll squeue (sbatch --wait polls slowly) until no job of this chain is left.
while true; do
  left=$(squeue -h -o '%j' | grep -c "^$tag-" || true)
  [[ $left -eq 0 ]] && break
  if [[ $timeout -gt 0 && $(( $(date +%s) - start )) -ge $timeout ]]; then
    echo "pipeline.sh: timed out after $timeout s; cancelling the chain" >&2
    cancel
    finish
  fi
  sleep "$poll"
done
finish
