#!/usr/bin/env python3
"""Makes a JSONL corpus of real text from what Debian 12 ships, for the bench (issue 18).

  --kind long   ~5 KB e-mail-like records: entries of the Debian and upstream changelogs
                (real names with non-ASCII letters, e-mail addresses, long lines), fragments of
                the HTML documentation (tags, entities) and of the copyright files, of the
                packages tools/setup.sh installs (SOURCE_PACKAGES below). label: the kind of
                source (changelog-debian, changelog, html, copyright).
  --kind short  ~230 B records: WordNet glosses (/usr/share/wordnet/data.*, from wordnet-base),
                "lemma, lemma: gloss; gloss". label: the lexicographer file (noun.artifact, ...).

Records are {"id": ..., "text": ..., "label": ...}, one a line, written until the file holds
--size-mb * 10^6 bytes. The source material repeats as often as needed; each record joins
pieces drawn by a seeded generator, so that exact dedup does not collapse the repeats. Same
seed, same installed packages: same bytes. The sources used are listed on stderr.
"""
import argparse
import gzip
import json
import os
import random
import re
import sys

DOC = "/usr/share/doc"
WORDNET = "/usr/share/wordnet"

# The packages of tools/setup.sh (main list) and the essential or build-essential ones they pull
# in, so that a fresh Debian 12 set up by that script has every one of them.
SOURCE_PACKAGES = """
build-essential cmake cmake-data pkg-config libcli11-dev nlohmann-json3-dev libsimdjson-dev
libxxhash-dev libspdlog-dev libgtest-dev libutf8proc-dev zlib1g-dev libzstd-dev libcld2-dev
libre2-dev wordnet-base libfasttext-dev fasttext libcsv-dev libsentencepiece-dev clang jq miller
hyperfine time python3 python3.11 zstd parallel gcc-12 g++-12 cpp-12 binutils make perl libc6
libc6-dev coreutils bash dpkg tar gzip base-passwd
""".split()

# WordNet's lexicographer files, by number (lexnames(5WN)).
LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute
noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group
noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession
noun.process noun.quantity noun.relation noun.shape noun.state noun.substance noun.time
verb.body verb.change verb.cognition verb.communication verb.competition verb.consumption
verb.contact verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social
verb.stative verb.weather adj.ppl""".split()


def read_text(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # old changelogs: the letters as their authors meant them


def changelog_entries(text, debian):
    """Debian changelog: one entry per version (header to trailer line). Upstream: paragraphs
    joined up to ~1.5 KB."""
    if debian:
        entries = re.split(r"\n(?=\S[^\n]*\([^)\n]*\)[^\n]*;\s*urgency=)", text)
        return [e.strip("\n") for e in entries if e.strip()]
    paras = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    out, cur = [], ""
    for p in paras:
        cur = cur + "\n\n" + p if cur else p
        if len(cur) > 1500:
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def chunks(text, size):
    """Pieces of about `size` bytes, cut at line ends."""
    out, cur = [], []
    n = 0
    for line in text.splitlines(keepends=True):
        cur.append(line)
        n += len(line)
        if n >= size:
            out.append("".join(cur))
            cur, n = [], 0
    if cur and n > size // 4:
        out.append("".join(cur))
    return out


def long_pool():
    pool = {"changelog-debian": [], "changelog": [], "html": [], "copyright": []}
    used = []
    for pkg in SOURCE_PACKAGES:
        d = os.path.join(DOC, pkg)
        if not os.path.isdir(d) or os.path.islink(d):
            continue
        used.append(pkg)
        for name in ("changelog.Debian.gz", "changelog.gz", "copyright"):
            path = os.path.join(d, name)
            if not os.path.isfile(path):
                continue
            text = read_text(path)
            if name == "copyright":
                pool["copyright"] += chunks(text, 1500)
            else:
                pool["changelog-debian" if "Debian" in name else "changelog"] += \
                    changelog_entries(text, "Debian" in name)
        for root, dirs, files in os.walk(d):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(".html"):
                    pool["html"] += chunks(read_text(os.path.join(root, f)), 1500)
    missing = sorted(set(SOURCE_PACKAGES) - set(used))
    return pool, used, missing


def short_pool():
    by_lex = {}
    for pos in ("noun", "verb", "adj", "adv"):
        path = os.path.join(WORDNET, "data." + pos)
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  ") or " | " not in line:
                    continue
                head, gloss = line.split(" | ", 1)
                fields = head.split()
                lex = LEXNAMES[int(fields[1])] if int(fields[1]) < len(LEXNAMES) else fields[1]
                count = int(fields[3], 16)
                words = [w.replace("_", " ") for w in fields[4:4 + 2 * count:2]]
                by_lex.setdefault(lex, []).append((words, gloss.strip()))
    return by_lex


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, required=True, help="output size in 10^6 bytes")
    ap.add_argument("--kind", choices=("short", "long"), required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    target = int(args.size_mb * 1e6)

    if args.kind == "long":
        pool, used, missing = long_pool()
        kinds = [k for k in sorted(pool) if pool[k]]
        if not kinds:
            sys.exit("gen_real_text: no changelog, copyright or HTML under %s" % DOC)
        # Mostly changelogs (the e-mail-like text), some HTML and licences.
        weights = {"changelog-debian": 5, "changelog": 3, "html": 1, "copyright": 1}
        print("gen_real_text: long records from %d packages (%s); %s" % (
            len(used), " ".join(used),
            ", ".join("%d %s pieces" % (len(pool[k]), k) for k in kinds)), file=sys.stderr)
        if missing:
            print("gen_real_text: no doc folder of its own (absent, or a link): %s" % " ".join(missing), file=sys.stderr)
    else:
        by_lex = short_pool()
        lexes = sorted(by_lex)
        lex_weights = [len(by_lex[k]) for k in lexes]
        print("gen_real_text: short records from %d WordNet glosses" % sum(lex_weights),
              file=sys.stderr)

    written = 0
    rid = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        while written < target:
            if args.kind == "long":
                kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
                want = int(rng.lognormvariate(8.2, 0.45))  # median ~3.6 KB, records ~5 KB with the escapes
                parts, n = [], 0
                while n < want:
                    piece = rng.choice(pool[kind])
                    parts.append(piece)
                    n += len(piece.encode("utf-8")) + 2
                text = "\n\n".join(parts)
                label = kind
            else:
                lex = rng.choices(lexes, lex_weights)[0]
                want = rng.randint(70, 200)
                words, gloss = rng.choice(by_lex[lex])
                text = ", ".join(words) + ": " + gloss
                while len(text) < want:
                    _, more = rng.choice(by_lex[lex])
                    text += "; " + more
                label = lex
            rid += 1
            line = json.dumps({"id": rid, "text": text, "label": label}, ensure_ascii=False)
            out.write(line + "\n")
            written += len(line.encode("utf-8")) + 1
    print("gen_real_text: %s: %d records, %d bytes" % (args.out, rid, written), file=sys.stderr)


if __name__ == "__main__":
    main()
