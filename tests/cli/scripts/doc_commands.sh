# Every dqprep command shown in README.md, docs/*.md and the --help examples runs as documented
# (exit 0, or the exit code a usage-error example shows) on the files it names: no example can rot.
# tests/cli/helpers/doc_commands.py extracts and runs them, doc_fixtures.py makes the inputs; its
# SKIP list holds, with the reason, the few commands a test cannot run, and SHORTEN the flag values
# made smaller to keep the test fast. The docs_examples blocks are docs_examples.sh's to run.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
source "$(dirname "$0")/lib.sh"
mkdir -p bin fixtures
ln -s "$DQPREP" bin/dqprep
export PATH="$PWD/bin:$PATH"
(cd fixtures && python3 "$HELPERS/doc_fixtures.py" && cp "$HELPERS/upper.py" . &&
  dqprep model train -q --epoch 25 train.jsonl -o m.bin)
python3 "$HELPERS/doc_commands.py" "$REPO" fixtures > report.txt || { cat report.txt; fail "documented commands failed"; }
tail -2 report.txt
echo "doc_commands: ok"
