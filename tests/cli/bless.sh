#!/usr/bin/env bash
# Re-blesses golden CLI cases: runs each case the way run_case.sh does and overwrites the expected
# files it already has with what the run produced. Use it after an intended change of output, then
# read the diff (git diff tests/cli/cases) before committing.
#
#   bash tests/cli/bless.sh [--dqprep BINARY] CASE ...
#   bash tests/cli/bless.sh [--dqprep BINARY] --all
#
# CASE is a case name (normalize_invalid_utf8), its test name (cli.normalize_invalid_utf8) or the
# path of a case directory. BINARY defaults to $DQPREP, then to build/dqprep of this repository.
#
# What is rewritten, and only when the case already has it (bless adds no new check):
#   expected_stdout   the standard output
#   expected_stderr   the standard error, with "seconds" figures masked as run_case.sh masks them
#   expected_exit     the exit code (always checked: a missing file means 0, so the file is
#                     created when the code is not 0)
#   expected_files/*  each file, copied from the scratch directory (missing there: an error)
# absent_files is only checked. Each blessed case is then run with run_case.sh; a case that still
# fails (output that changes from run to run, a file that should be absent) is reported.
# Prints the files that changed, as `git diff --stat` does. Exit code: 0 when every case was
# blessed and passes, 1 when one could not be, 2 on a usage error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cases_dir=$here/cases

usage() {
  echo "usage: bash tests/cli/bless.sh [--dqprep BINARY] CASE ... | --all" >&2
  exit 2
}

binary=${DQPREP:-$repo/build/dqprep}
all=0
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dqprep) [ $# -ge 2 ] || usage; binary=$2; shift 2 ;;
    --dqprep=*) binary=${1#--dqprep=}; shift ;;
    --all) all=1; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bless.sh: unknown option $1" >&2; usage ;;
    *) names+=("$1"); shift ;;
  esac
done
if [ $all -eq 1 ] && [ ${#names[@]} -gt 0 ]; then echo "bless.sh: --all takes no case names" >&2; usage; fi
if [ $all -eq 0 ] && [ ${#names[@]} -eq 0 ]; then usage; fi
if [ ! -x "$binary" ]; then
  echo "bless.sh: no dqprep binary at $binary (build it, or give --dqprep BINARY)" >&2
  exit 2
fi
# The command runs inside a scratch directory: the binary needs an absolute path.
DQPREP=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
export DQPREP

case_dirs=()
if [ $all -eq 1 ]; then
  for d in "$cases_dir"/*/; do case_dirs+=("${d%/}"); done
else
  for n in "${names[@]}"; do
    if [[ "$n" == */* ]]; then d=$n; else d=$cases_dir/${n#cli.}; fi
    if [ ! -f "$d/cmd" ]; then echo "bless.sh: no case at $d (no cmd file)" >&2; exit 2; fi
    case_dirs+=("$(cd "$d" && pwd)")
  done
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The name a changed file is shown under: relative to the repository when inside it.
shown() {
  case "$1" in
    "$repo"/*) echo "${1#"$repo"/}" ;;
    *) echo "$1" ;;
  esac
}

changed=()     # "path<TAB>insertions<TAB>deletions" or "path<TAB>Bin<TAB>old -> new bytes"
failed=()

# shellcheck disable=SC2094  # both only read the file
has_nul() { ! tr -d '\000' <"$1" | cmp -s - "$1"; }

# Overwrites $2 with $1 when they differ, and notes the change.
replace() {
  local new=$1 dest=$2 old=/dev/null ins del
  [ -f "$dest" ] && old=$dest
  if [ -f "$dest" ] && cmp -s "$new" "$dest"; then return 0; fi
  if has_nul "$new" || has_nul "$old"; then
    changed+=("$(shown "$dest")"$'\t'Bin$'\t'"$(stat -c %s "$old") -> $(stat -c %s "$new") bytes")
  else
    ins=$(diff -- "$old" "$new" | grep -c '^>')
    del=$(diff -- "$old" "$new" | grep -c '^<')
    changed+=("$(shown "$dest")"$'\t'"$ins"$'\t'"$del")
  fi
  mkdir -p "$(dirname "$dest")"
  cp -- "$new" "$dest"
}

bless_case() {
  local case_dir=$1 name work code stdin_file ok=1 f rel p
  name=$(basename "$case_dir")
  work=$scratch/$name
  rm -rf "$work"
  mkdir -p "$work"
  # Exactly as run_case.sh: a scratch copy of the case, cmd run with bash -c inside it.
  cp -r "$case_dir"/. "$work"/
  (
    cd "$work" || exit 1
    stdin_file=/dev/null
    [ -f stdin ] && stdin_file=stdin
    bash -c "$(cat cmd)" <"$stdin_file" >actual_stdout 2>actual_stderr
    echo $? >"$scratch/$name.code"
  )
  code=$(cat "$scratch/$name.code")

  if [ -f "$case_dir/expected_stdout" ]; then replace "$work/actual_stdout" "$case_dir/expected_stdout"; fi
  if [ -f "$case_dir/expected_stderr" ]; then
    sed -E 's/"seconds": ?[0-9.e+-]+/"seconds":X/g; s/in [0-9.]+ ?s\b/in Xs/g' "$work/actual_stderr" \
      >"$work/actual_stderr.masked"
    replace "$work/actual_stderr.masked" "$case_dir/expected_stderr"
  fi
  if [ -f "$case_dir/expected_exit" ] || [ "$code" != 0 ]; then
    # An unchanged code keeps the file as it is (run_case.sh ignores its white space).
    if [ ! -f "$case_dir/expected_exit" ] || [ "$(tr -d '[:space:]' <"$case_dir/expected_exit")" != "$code" ]; then
      echo "$code" >"$work/actual_exit"
      replace "$work/actual_exit" "$case_dir/expected_exit"
    fi
  fi
  if [ -d "$case_dir/expected_files" ]; then
    while IFS= read -r -d '' f; do
      rel=${f#"$case_dir"/expected_files/}
      if [ -f "$work/$rel" ]; then
        replace "$work/$rel" "$f"
      else
        echo "$name: the run wrote no $rel, which expected_files/ holds (left as it was)" >&2
        ok=0
      fi
    done < <(find "$case_dir/expected_files" -type f -print0 | sort -z)
  fi
  if [ -f "$case_dir/absent_files" ]; then
    while IFS= read -r p; do
      if [ -n "$p" ] && [ -e "$work/$p" ]; then echo "$name: the run wrote $p, which absent_files forbids" >&2; ok=0; fi
    done <"$case_dir/absent_files"
  fi
  if [ $ok -eq 1 ] && ! bash "$here/run_case.sh" "$DQPREP" "$case_dir" >"$scratch/$name.check" 2>&1; then
    echo "$name: still fails after blessing (does its output change from run to run?):" >&2
    head -20 "$scratch/$name.check" >&2
    ok=0
  fi
  [ $ok -eq 1 ] || failed+=("$name")
  rm -rf "$work"
}

for d in "${case_dirs[@]}"; do bless_case "$d"; done

# The `git diff --stat` form: name | count +++---, then the totals.
total_ins=0
total_del=0
width=0
for c in "${changed[@]+"${changed[@]}"}"; do
  p=${c%%$'\t'*}
  [ ${#p} -gt "$width" ] && width=${#p}
done
for c in "${changed[@]+"${changed[@]}"}"; do
  IFS=$'\t' read -r p ins del <<<"$c"
  if [ "$ins" = Bin ]; then
    printf ' %-*s | Bin %s\n' "$width" "$p" "$del"
    continue
  fi
  total_ins=$((total_ins + ins))
  total_del=$((total_del + del))
  n=$((ins + del))
  plus=$ins minus=$del
  if [ $n -gt 40 ]; then plus=$(((ins * 40 + n - 1) / n)); minus=$(((del * 40) / n)); fi
  bar=$(printf '%*s' "$plus" '' | tr ' ' '+')$(printf '%*s' "$minus" '' | tr ' ' '-')
  printf ' %-*s | %4d %s\n' "$width" "$p" "$n" "$bar"
done
files=${#changed[@]}
if [ "$files" -eq 0 ]; then
  echo "bless: ${#case_dirs[@]} case(s) run, no expected file changed"
else
  s=s; [ "$files" -eq 1 ] && s=
  si=s; [ $total_ins -eq 1 ] && si=
  sd=s; [ $total_del -eq 1 ] && sd=
  echo " $files file$s changed, $total_ins insertion$si(+), $total_del deletion$sd(-)"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "bless: ${#failed[@]} case(s) not blessed or still failing: ${failed[*]}" >&2
  exit 1
fi
exit 0
