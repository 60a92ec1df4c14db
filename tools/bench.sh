#!/usr/bin/env bash
# shellcheck disable=SC2016  # the case commands are single-quoted on purpose: they expand at run time
# The bench harness: runs each case over the same JSONL corpus (output to /dev/null) and prints
# seconds, MB/s, ratios against jq and Miller, the share of the bare simdjson bound, peak RSS, and
# PASS/FAIL against the targets of the issues. See docs/performance.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: tools/bench.sh [options] [CASE ...]

  CASE ...        case names or globs ('filter-*'); default: every case whose program is built.
                  bare, bare-stream, jq and mlr always run (the ratios need them), and the base of
                  each selected case's target.
  --size-mb N     corpus size in MB (10^6 bytes), made by tools/gen_corpus.py    (200)
  --seed N        corpus seed                                                    (1)
  --corpus FILE   use this JSONL file instead of a generated corpus
  --real KIND     real text (issue 18) instead: a corpus made by tools/gen_real_text.py
                  (short: WordNet glosses, ~230 B records; long: changelogs, HTML and
                  licences, ~5 KB records) of --size-mb; the cases default to the
                  record path (bare, jq, passthrough, normalize-j1, filter-gopher) and
                  passthrough and normalize-j1 get the targets of issue 18. Give it
                  twice (--real short --real long) for one report per corpus
  --build DIR     the CMake build directory holding dqprep and bare_parse        (build)
  --no-build      do not (re)build the binaries, take them as they are
  --runs N        timed runs per case, in rounds of one run of each case      (3)
  --warmup N      untimed rounds before them; jq and mlr get none: the file is
                  already in the page cache by then                             (1)
  --skip-slow     reuse the last figures of jq and mlr (the reference tools) for
                  the same corpus and command, when there are some
  --quick         smoke run: a 20 MB corpus, 2 runs, no warm-up (start-up costs
                  skew its ratios: quote the 200 MB figures)
  --scaling       also run each selected -j1 case at -j2, -j4, ... and -j$(nproc) (named
                  CASE@jN) and print the scaling table: MB/s and speed-up at each -j, and
                  how many workers the reader (reader-plain) feeds at that stage's speed
  --rss-check     make (or take) a 1000 MB corpus and four copies of it (4 GB); run
                  `dqprep normalize` and `dqprep filter` once over each under /usr/bin/time:
                  peak RSS must stay under 100 MB and not grow with the input
  -h, --help      this text

Corpus and results go to bench-data/ (or $DQPREP_BENCH_DATA), which git ignores.
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${DQPREP_BENCH_DATA:-$ROOT/bench-data}
SIZE_MB=200
SEED=1
CORPUS=""
BUILD=$ROOT/build
DO_BUILD=1
RUNS=3
WARMUP=1
SKIP_SLOW=0
RSS_CHECK=0
SCALING=0
PATTERNS=()
REAL=()
ARGS=("$@")

while (($#)); do
  case $1 in
    --size-mb) SIZE_MB=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --corpus) CORPUS=$2; shift ;;
    --real) [[ $2 == short || $2 == long ]] || { echo "bench.sh: --real short|long" >&2; exit 2; }
            REAL+=("$2"); shift ;;
    --build) BUILD=$2; shift ;;
    --no-build) DO_BUILD=0 ;;
    --runs) RUNS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --skip-slow) SKIP_SLOW=1 ;;
    --quick) SIZE_MB=20; RUNS=2; WARMUP=0 ;;
    --scaling) SCALING=1 ;;
    --rss-check) RSS_CHECK=1; SIZE_MB=1000 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "bench.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) PATTERNS+=("$1") ;;
  esac
  shift
done
BUILD=$(cd "$BUILD" 2>/dev/null && pwd || echo "$BUILD")

# Several --real corpora: one run of this script per corpus, the binaries built once.
if ((${#REAL[@]} > 1)); then
  rest=()
  for ((k = 0; k < ${#ARGS[@]}; k++)); do
    if [[ ${ARGS[k]} == --real ]]; then ((++k)); else rest+=("${ARGS[k]}"); fi
  done
  no_build=()
  for kind in "${REAL[@]}"; do
    "${BASH_SOURCE[0]}" "${rest[@]}" "${no_build[@]}" --real "$kind"
    no_build=(--no-build)
    echo
  done
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# The cases: one line each.
#   bench_case NAME 'COMMAND' ['TARGET']    a program under test
#   ref_case   NAME 'COMMAND' ['TARGET']    a reference tool (jq, mlr): --skip-slow may reuse it
# COMMAND runs under sh with stdout to /dev/null; in it $IN is the corpus, $DQ the dqprep binary,
# $BARE the bound (tools/bare_parse.cpp), $DATA the bench-data directory (weak-rules.json is
# there). Keep COMMAND in single quotes so those expand at run time.
# TARGET is BASE>=MIN: this case's throughput over BASE's is at least MIN, where BASE is another
# case; or MB/s>=MIN for an absolute throughput. It is checked and printed PASS/FAIL.
# A dqprep case whose subcommand is not built yet is listed as "not built" and skipped.
# Output must go to stdout, never `-o /dev/null`: an atomic output renames a temp file onto it.
declare -a ORDER=()
declare -A CMD=() TARGET=() IS_REF=()
bench_case() { ORDER+=("$1"); CMD[$1]=$2; TARGET[$1]=${3:-}; }
ref_case() { bench_case "$@"; IS_REF[$1]=1; }

bench_case bare               '$BARE $IN'
# The same work reading 1 MiB blocks, as a streaming stage reads: no file-sized buffer to fault in
# (which on the bench VM costs more than the parse), each block parsed while in the cache. Stricter.
bench_case bare-stream        '$BARE $IN --stream'
bench_case bare-hash          '$BARE $IN --hash'
# The reading thread alone (tools/reader_ceiling.cpp: read, cut lines, batch; no parsing), on the
# corpus as it is and compressed ($IN.gz, $IN.zst: made once). A stage whose -j workers together
# need more MB/s than this is fed by the reader, not by its workers.
bench_case reader-plain       '$READER $IN'                                                        'MB/s>=1500'
bench_case reader-gz          '$READER $IN.gz'
bench_case reader-zst         '$READER $IN.zst'
ref_case   jq                 'jq -c . $IN'
ref_case   mlr                'mlr --ijsonl --ojsonl cat $IN'
bench_case dqprep-passthrough '$DQ normalize -j1 --form none --keep-whitespace --keep-control $IN' 'bare>=0.5'
bench_case normalize-j1       '$DQ normalize -j1 $IN'                                              'jq>=8'
bench_case normalize-j2       '$DQ normalize -j2 $IN'                                              'normalize-j1>=1.6'
# Compressed outputs (a file in $DATA: the suffix chooses the compression): -j also sets the
# compressing threads, so on 2 cores the gzip case should scale as normalize does.
bench_case normalize-gz-j1    '$DQ normalize -j1 $IN -o $DATA/bench-out.jsonl.gz'
bench_case normalize-gz-j2    '$DQ normalize -j2 $IN -o $DATA/bench-out.jsonl.gz'                  'normalize-gz-j1>=1.6'
bench_case normalize-zst-j1   '$DQ normalize -j1 $IN -o $DATA/bench-out.jsonl.zst'
bench_case normalize-zst-j2   '$DQ normalize -j2 $IN -o $DATA/bench-out.jsonl.zst'
# Compressed inputs ($IN.gz, $IN.zst, as for the reader cases): one thread decompresses.
bench_case normalize-gzin-j1  '$DQ normalize -j1 $IN.gz'
bench_case normalize-gzin-j2  '$DQ normalize -j2 $IN.gz'
bench_case normalize-zstin-j1 '$DQ normalize -j1 $IN.zst'
bench_case normalize-zstin-j2 '$DQ normalize -j2 $IN.zst'
# The other stages, with the targets of issues 3-9. A new case or variant is one more line.
bench_case dedup-exact        '$DQ dedup -j1 $IN'                                                  'bare-hash>=0.6'
bench_case dedup-near         '$DQ dedup -j1 --mode near $IN'                                      'MB/s>=70'
bench_case dedup-near-noverify '$DQ dedup -j1 --mode near --no-verify $IN'                        'MB/s>=60'
ref_case   jq-length          'jq -c "select((.text|length) >= 1000)" $IN'
bench_case filter-length      '$DQ filter -j1 --min-chars 1000 $IN'                                'jq-length>=10'
bench_case filter-gopher      '$DQ filter -j1 --gopher $IN'                                        'MB/s>=50'
bench_case filter-lang        '$DQ filter -j1 --lang en $IN'                                       'MB/s>=30'
bench_case split-stratified   '$DQ split -j1 --by stratified --assign-field split $IN'             'bare>=0.4'
bench_case augment-eda        '$DQ augment -j1 --ops synonym,insert,swap,delete --num-aug 4 $IN'   'MB/s>=40'
bench_case metrics            '$DQ metrics -j1 $IN'                                                'bare-hash>=0.6'
bench_case label-check        '$DQ label-check -j1 --annotations-field annotations $IN'
bench_case select             '$DQ select -j1 --probs-field probs --k 1000 $IN'                    'MB/s>=100'
bench_case weak-label         '$DQ weak-label -j1 --rules $DATA/weak-rules.json $IN'               'MB/s>=50'
# Training, against fastText's own CLI on the same records ($IN.ft: label and text in fastText's
# format, made once). Both train one thread at fastText's supervised defaults; the CLI also writes
# a .vec file, dqprep also parses the JSON and shuffles (issue 13: within 10%).
ref_case   fasttext-train     'fasttext supervised -input $IN.ft -output $DATA/bench-ft -thread 1 -lr 0.1 -verbose 0'
bench_case model-train        '$DQ model train -q --seed 1 $IN -o $DATA/bench-dq.bin'                'fasttext-train>=0.9'
# Real text (issue 18): the record path's cases, with that issue's targets (TARGET may list
# several, comma-separated).
if ((${#REAL[@]})); then
  TARGET[dqprep-passthrough]='bare>=0.9,bare-stream>=0.9'
  TARGET[normalize-j1]='bare>=0.6,bare-stream>=0.6,jq>=8'
  ((${#PATTERNS[@]})) || PATTERNS=(dqprep-passthrough normalize-j1 filter-gopher)
fi
# ---------------------------------------------------------------------------------------------

# --scaling: every -j1 case also runs at -j2, -j4, ... and -j$(nproc), as CASE@jN. The stages that
# spend their time computing, not reading, must gain 1.8x from a second thread (issue 18).
CPU_HEAVY=" dedup-near filter-gopher filter-lang augment-eda weak-label "
if ((SCALING)); then
  THREADS=()
  for ((n = 2; n < $(nproc); n *= 2)); do THREADS+=("$n"); done
  (($(nproc) > 1)) && THREADS+=("$(nproc)")
  BASE_ORDER=("${ORDER[@]}")
  ORDER=()
  for name in "${BASE_ORDER[@]}"; do
    ORDER+=("$name")
    [[ ${CMD[$name]} == *' -j1 '* ]] || continue
    for n in "${THREADS[@]}"; do
      target=""
      [[ $n == 2 && $CPU_HEAVY == *" $name "* ]] && target="$name>=1.8"
      bench_case "$name@j$n" "${CMD[$name]/ -j1 / -j$n }" "$target"
    done
  done
fi

RSS_LIMIT_MB=100

log() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 4; }

declare -A PACKAGE=([hyperfine]=hyperfine [jq]=jq [mlr]=miller [python3]=python3 [fasttext]=fasttext)
for tool in "${!PACKAGE[@]}"; do
  command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install ${PACKAGE[$tool]})"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (Debian: apt-get install time)"

# --- binaries ---------------------------------------------------------------------------------
if ((DO_BUILD)); then
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null || die "cmake configure failed"
  fi
  cmake --build "$BUILD" -j2 --target bare_parse reader_ceiling >/dev/null || die "cannot build bare_parse and reader_ceiling"
  if ! cmake --build "$BUILD" -j2 --target dqprep >"$BUILD/bench-build.log" 2>&1; then
    log "dqprep does not build (see $BUILD/bench-build.log): its cases are skipped"
  fi
fi
BARE=$BUILD/bare_parse
READER=$BUILD/reader_ceiling
DQ=$BUILD/dqprep
[[ -x $BARE ]] || die "no $BARE (build the target bare_parse, or give --build DIR)"

# --- corpus -----------------------------------------------------------------------------------
mkdir -p "$DATA"
if [[ -z $CORPUS && ${#REAL[@]} -eq 1 ]]; then
  CORPUS=$DATA/real-${REAL[0]}-${SIZE_MB}mb-s${SEED}.jsonl
  if [[ ! -s $CORPUS ]]; then
    log "making $CORPUS"
    python3 "$ROOT/tools/gen_real_text.py" --kind "${REAL[0]}" --size-mb "$SIZE_MB" --seed "$SEED" -o "$CORPUS"
  fi
elif [[ -z $CORPUS ]]; then
  CORPUS=$DATA/corpus-${SIZE_MB}mb-s${SEED}.jsonl
  if [[ ! -s $CORPUS ]]; then
    log "making $CORPUS"
    python3 "$ROOT/tools/gen_corpus.py" --size-mb "$SIZE_MB" --seed "$SEED" --out "$CORPUS" \
      --weak-rules "$DATA/weak-rules.json"
  fi
fi
[[ -s $CORPUS ]] || die "no corpus $CORPUS"
[[ -s $DATA/weak-rules.json ]] ||
  python3 "$ROOT/tools/gen_corpus.py" --size-mb 0 --weak-rules "$DATA/weak-rules.json" 2>/dev/null >/dev/null
IN=$(cd "$(dirname "$CORPUS")" && pwd)/$(basename "$CORPUS")
export IN DQ BARE READER DATA

machine_line() {
  printf 'machine: %s, %s cores; load average %s\n' \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# --- peak RSS on 1 GB and 4 GB inputs --------------------------------------------------------
# Streaming stages must hold the same memory whatever the input's size: each runs once over the
# 1000 MB corpus and once over four copies of it, at -j$(nproc), under /usr/bin/time.
if ((RSS_CHECK)); then
  [[ -x $DQ ]] || die "no $DQ: --rss-check needs dqprep"
  BIG=$DATA/$(basename "$IN" .jsonl)-4x.jsonl
  if [[ ! -s $BIG ]]; then
    log "making $BIG (the corpus four times)"
    cat "$IN" "$IN" "$IN" "$IN" >"$BIG.tmp" && mv "$BIG.tmp" "$BIG"
  fi
  machine_line
  mkdir -p "$DATA/results"
  out=$(mktemp)
  for stage in 'normalize' 'filter --min-chars 200'; do
    for file in "$IN" "$BIG"; do
      log "dqprep $stage -j$(nproc) over $file, once, under /usr/bin/time"
      # shellcheck disable=SC2086  # $stage is a subcommand and its options
      /usr/bin/time -f "$stage	$(stat -c %s "$file")	%e	%M" -a -o "$out" "$DQ" $stage -q -j"$(nproc)" "$file" >/dev/null
    done
  done
  python3 - "$DATA/results/rss-check.json" "$out" "$RSS_LIMIT_MB" "$(nproc)" <<'EOF'
import json, sys, time
path, runs_path, limit, threads = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
runs = []
for line in open(runs_path):
    stage, size, secs, kb = line.rstrip("\n").split("\t")
    runs.append({"command": "dqprep %s -j%s" % (stage, threads), "bytes": int(size), "seconds": float(secs),
                 "peak_rss_kb": int(kb), "peak_rss_mb": round(int(kb) * 1024 / 1e6, 1)})
ok = True
for small, big in zip(runs[0::2], runs[1::2]):
    # Flat: under the limit at both sizes, and the 4 GB run within 10% (or 5 MB) of the 1 GB run.
    flat = big["peak_rss_mb"] <= max(small["peak_rss_mb"] * 1.1, small["peak_rss_mb"] + 5)
    passed = small["peak_rss_mb"] < limit and big["peak_rss_mb"] < limit and flat
    ok = ok and passed
    for r in (small, big):
        print("%s over %.0f MB: %.1f s, %.1f MB/s, peak RSS %.1f MB" % (r["command"], r["bytes"] / 1e6, r["seconds"],
              r["bytes"] / 1e6 / r["seconds"], r["peak_rss_mb"]))
    print("  %s: %s (limit %.0f MB at both sizes; 4 GB within 10%% or 5 MB of 1 GB)" % (small["command"],
          "PASS" if passed else "FAIL", limit))
rec = {"runs": runs, "limit_mb": limit, "pass": ok, "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
       "bytes": max(r["bytes"] for r in runs), "date": time.strftime("%Y-%m-%d %H:%M")}
json.dump(rec, open(path, "w"), indent=1)
EOF
  rm -f "$out"
  exit 0
fi

# The corpus in the other forms some cases read (made once; --rss-check needs none of them).
if [[ ! -s $IN.ft ]] && command -v fasttext >/dev/null; then
  jq -r '"__label__" + .label + " " + (.text | gsub("\n"; " "))' "$IN" >"$IN.ft"
fi
[[ -s $IN.gz ]] || gzip -6 -n -c "$IN" >"$IN.gz"
if [[ ! -s $IN.zst ]] && command -v zstd >/dev/null; then zstd -q -3 -c "$IN" >"$IN.zst"; fi

# --- which cases -----------------------------------------------------------------------------
# A subcommand that is not built yet says so on stderr and exits 2 (issue 2); --help alone would
# succeed for it, so run it on an empty input.
dq_stage_built() {
  local err
  [[ -x $DQ ]] || return 1
  err=$("$DQ" "$1" </dev/null 2>&1 >/dev/null) && return 0
  [[ $err != *"not built"* ]]
}
declare -A STATUS=()
for name in "${ORDER[@]}"; do
  cmd=${CMD[$name]}
  STATUS[$name]=ok
  if [[ $cmd == '$DQ '* ]]; then
    sub=${cmd#\$DQ }
    sub=${sub%% *}
    if [[ ! -x $DQ ]]; then
      STATUS[$name]="dqprep not built"
    elif ! dq_stage_built "$sub"; then
      STATUS[$name]="dqprep $sub not built"
    fi
  fi
done

# A selected case that can run pulls in the base of its target (normalize-j2 needs normalize-j1).
declare -A WANT=()
select_case() {
  local name=$1 base targets
  [[ -n ${WANT[$name]:-} ]] && return 0
  WANT[$name]=1
  [[ ${STATUS[$name]} == ok ]] || return 0
  local target
  IFS=, read -ra targets <<<"${TARGET[$name]}"
  for target in "${targets[@]}"; do
    base=${target%%>=*}
    if [[ -n $base && $base != MB/s && -n ${CMD[$base]:-} ]]; then select_case "$base"; fi
  done
  return 0
}
for name in "${ORDER[@]}"; do
  if ((${#PATTERNS[@]} == 0)); then
    # By default every program under test; other reference runs only as some target's base.
    [[ -z ${IS_REF[$name]:-} ]] && select_case "$name"
    continue
  fi
  for p in "${PATTERNS[@]}"; do
    # shellcheck disable=SC2053
    [[ $name == $p ]] && select_case "$name"
  done
done
if ((SCALING)); then
  for name in "${ORDER[@]}"; do
    [[ $name == *@j* && -n ${WANT[${name%@j*}]:-} ]] && select_case "$name"
  done
fi
((${#WANT[@]})) || die "no case matches: ${PATTERNS[*]} (cases: ${ORDER[*]})"
for name in bare bare-stream jq mlr; do select_case "$name"; done

# --- run ------------------------------------------------------------------------------------
tag=$(basename "$IN")
tag=${tag%.jsonl}
RES=$DATA/results/$tag
mkdir -p "$RES"
MANIFEST=$RES/manifest.tsv
: >"$MANIFEST"
LOADS=$RES/load.txt
cut -d' ' -f1 /proc/loadavg >"$LOADS"

declare -A FINAL=()
RUNL=()
for name in "${ORDER[@]}"; do
  [[ -n ${WANT[$name]:-} ]] || continue
  cmd=${CMD[$name]}
  status=${STATUS[$name]}
  [[ $status == ok ]] || status="skipped: $status"
  if [[ $status == ok && -n ${IS_REF[$name]:-} ]] && ((SKIP_SLOW)) &&
     [[ -s $RES/$name.json && -s $RES/$name.rss && "$(cat "$RES/$name.cmd" 2>/dev/null)" == "$cmd" ]]; then
    status=cached
    log "$name: reusing $RES/$name.json"
  fi
  if [[ $status == ok ]]; then
    RUNL+=("$name")
    rm -f "$RES/$name".*
  fi
  FINAL[$name]=$status
done

fail_case() {
  local name=$1 why
  why=$(sh -c "${CMD[$name]}" 2>&1 >/dev/null | tail -n 2 | tr '\n\t' '  ' || true)
  FINAL[$name]="failed: ${why:-see $RES/$name.log}"
  rm -f "$RES/$name".r*.json
}

# Warm-up rounds: page cache, CPU frequency, allocator. jq and mlr get none: by their turn the file
# is in the page cache, and each of their runs takes seconds.
for ((w = 1; w <= WARMUP; w++)); do
  for name in "${RUNL[@]}"; do
    [[ -z ${IS_REF[$name]:-} && ${FINAL[$name]} == ok ]] || continue
    log "warm-up $w: $name"
    sh -c "${CMD[$name]}" >/dev/null 2>"$RES/$name.log" || fail_case "$name"
  done
done

# Timed runs in rounds, one run of each case per round, so that the load other users put on the
# machine falls on every case alike rather than on whichever case ran during a burst. hyperfine
# times each run; /usr/bin/time around it gives the peak RSS without an extra run (its own cost,
# one fork and wait, is far below the spread of the timings).
for ((r = 1; r <= RUNS; r++)); do
  for name in "${RUNL[@]}"; do
    [[ ${FINAL[$name]} == ok ]] || continue
    log "run $r/$RUNS: $name: ${CMD[$name]}"
    export CASE_CMD=${CMD[$name]} RSS_FILE=$RES/$name.rss
    hyperfine --style basic --runs 1 --command-name "$name" --export-json "$RES/$name.r$r.json" \
      '/usr/bin/time -f %M -a -o "$RSS_FILE" sh -c "$CASE_CMD"' >>"$RES/$name.log" 2>&1 || fail_case "$name"
  done
  cut -d' ' -f1 /proc/loadavg >>"$LOADS"
done
for name in "${RUNL[@]}"; do
  [[ ${FINAL[$name]} == ok ]] || continue
  jq -s '{results: [{command: .[0].results[0].command, times: [.[].results[0].times[]],
                     user: ([.[].results[0].user] | add / length),
                     system: ([.[].results[0].system] | add / length)}]}' \
    "$RES/$name".r*.json >"$RES/$name.json"
  rm -f "$RES/$name".r*.json
  printf '%s\n' "${CMD[$name]}" >"$RES/$name.cmd"
done
for name in "${ORDER[@]}"; do
  [[ -n ${WANT[$name]:-} ]] || continue
  printf '%s\t%s\t%s\t%s\n' "$name" "${FINAL[$name]}" "${TARGET[$name]}" "${CMD[$name]}" >>"$MANIFEST"
done

python3 "$ROOT/tools/bench_report.py" --results "$RES" --corpus "$IN" --runs "$RUNS" --warmup "$WARMUP" \
  --loads "$LOADS" --rss-check "$DATA/results/rss-check.json" \
  --commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
