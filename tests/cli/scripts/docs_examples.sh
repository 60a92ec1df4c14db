# The examples of the docs run as written: every ```sh block right after a line
# "<!-- docs_examples -->" in docs/*.md, each document's blocks in order in a fresh directory,
# with `dqprep` on the PATH. A command that fails fails the test.
DOCS=$(cd "$(dirname "$0")/../../../docs" && pwd)
source "$(dirname "$0")/lib.sh"
mkdir -p bin && ln -s "$DQPREP" bin/dqprep
export PATH="$PWD/bin:$PATH"
ran=0
for doc in "$DOCS"/*.md; do
  script=$(awk '/^<!-- docs_examples -->$/ {armed = 1; next}
                armed && /^```sh$/ {inside = 1; armed = 0; next}
                inside && /^```$/ {inside = 0; next}
                inside {print}
                {armed = 0}' "$doc")
  [[ -n "$script" ]] || continue
  dir=$(mktemp -d "$WORK/doc.XXXXXX")
  (cd "$dir" && bash -euo pipefail -c "$script" > out.txt 2>&1) || {
    cat "$dir/out.txt" >&2
    fail "an example of $(basename "$doc") failed"
  }
  ran=$((ran + 1))
done
[[ $ran -ge 3 ]] || fail "only $ran documents with examples"
echo "docs_examples: ok ($ran documents)"
