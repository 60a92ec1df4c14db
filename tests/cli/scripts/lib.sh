# Helpers for the end-to-end scripts: sourced, not run (it has no .sh test of its own).
set -euo pipefail
DQPREP=$1
DATA=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [[ "$1" == "$2" ]] || fail "$3: got '$1', want '$2'"; }
# A deterministic mixed corpus: ASCII, accents, CJK, HTML, white space, controls.
make_corpus() {
  python3 - "$1" <<'PY'
import json, random, sys
rng = random.Random(1)
words = ["alpha", "beta", "Gamma", "caf\u00e9", "na\u00efve", "\u6570\u636e", "<b>bold</b>", "\u201cq\u201d",
         "tab\there", "x\u200by", "\uff21\uff22", "end.", "&amp;", "  ", "\u00a0"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 60000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        f.write(json.dumps({"id": i, "text": text, "label": rng.choice(["a", "B", "c "]), "meta": {"n": i}}) + "\n")
PY
}
