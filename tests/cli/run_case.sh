#!/usr/bin/env bash
# Runs one golden CLI case. A case is a directory holding:
#   cmd              one shell line; $DQPREP is the binary; it runs inside a scratch copy of the case
#   stdin            (optional) fed to the command
#   expected_stdout  (optional) compared byte for byte
#   expected_stderr  (optional) compared byte for byte, after "seconds" figures are masked
#   expected_exit    (optional, default 0)
#   expected_files/  (optional) each file must exist in the scratch dir with the same bytes
#   absent_files     (optional) one path a line that must not exist after the run
set -u
DQPREP=$1
case_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$case_dir"/. "$work"/
cd "$work" || exit 1
export DQPREP
stdin_file=/dev/null
[ -f stdin ] && stdin_file=stdin
bash -c "$(cat cmd)" <"$stdin_file" >actual_stdout 2>actual_stderr
code=$?
fail=0
want_code=0
[ -f expected_exit ] && want_code=$(tr -d '[:space:]' <expected_exit)
if [ "$code" != "$want_code" ]; then
  echo "exit code: got $code, want $want_code"; fail=1
fi
if [ -f expected_stdout ] && ! cmp -s expected_stdout actual_stdout; then
  echo "stdout differs:"; diff expected_stdout actual_stdout | head -40; fail=1
fi
if [ -f expected_stderr ]; then
  sed -E 's/"seconds": ?[0-9.e+-]+/"seconds":X/g; s/in [0-9.]+ ?s\b/in Xs/g' actual_stderr >actual_stderr.masked
  if ! cmp -s expected_stderr actual_stderr.masked; then
    echo "stderr differs:"; diff expected_stderr actual_stderr.masked | head -40; fail=1
  fi
fi
if [ -d expected_files ]; then
  while IFS= read -r -d '' f; do
    rel=${f#expected_files/}
    if ! cmp -s "$f" "$rel"; then echo "file $rel differs or is missing"; diff "$f" "$rel" | head -20; fail=1; fi
  done < <(find expected_files -type f -print0)
fi
if [ -f absent_files ]; then
  while IFS= read -r p; do
    [ -n "$p" ] && [ -e "$p" ] && { echo "file $p should not exist"; fail=1; }
  done <absent_files
fi
if [ $fail -ne 0 ]; then
  echo "--- stderr was:"; head -20 actual_stderr
fi
exit $fail
