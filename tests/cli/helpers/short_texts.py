#!/usr/bin/env python3
"""Near duplicates of short texts: a corpus of WordNet noun glosses (Debian's wordnet-base) of 12 to
25 words with planted one-word edits, and the scoring of a `dqprep dedup --mode near --mark` run
against brute-force Jaccard.

usage: short_texts.py make N PLANTED SEED [GLOSSES [EDITS]] > corpus.jsonl
       short_texts.py score corpus.jsonl marked.jsonl word:N|char:N THRESHOLD

make: N distinct texts of GLOSSES glosses each (1); PLANTED of them get a copy with 1 to EDITS (1)
words substituted (by a word of another gloss), deleted or inserted; records shuffled. Each copy
has "planted_from": the source id. With GLOSSES 4 and EDITS 3 (texts of ~70 words) the planted
pairs' Jaccard of word 5-grams spreads over both sides of 0.8.

score: prints, for the shingling given, the pairs whose exact Jaccard (every pair, brute force) is
>= THRESHOLD; the recall of dedup on them (share in one dup_cluster) and its precision (share of
the pairs sharing a dup_cluster with Jaccard >= THRESHOLD); and the planted pairs caught. The normal
form is dqprep's (include/dqprep/dedup/shingle.hpp): case folded; letters, marks and numbers kept;
format characters dropped; anything else a word break; words joined by one space.
"""
import json
import random
import sys
import unicodedata
from collections import defaultdict


def glosses():
    out, seen = [], set()
    with open("/usr/share/wordnet/data.noun", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("  ") or "|" not in line:
                continue
            g = line.split("|", 1)[1].strip().split(";")[0].strip()
            if 12 <= len(g.split()) <= 25 and g not in seen:
                seen.add(g)
                out.append(g)
    return out


def make(n, planted, seed, per_text=1, max_edits=1):
    rng = random.Random(seed)
    pool = glosses()
    rng.shuffle(pool)
    used = n * per_text
    base = [" ".join(pool[i * per_text:(i + 1) * per_text]) for i in range(n)]
    vocab = [w for g in pool[used:used + 2000] for w in g.split() if w.isalpha() and len(w) > 2]
    recs = [{"id": "g%d" % i, "text": t} for i, t in enumerate(base)]
    for i in rng.sample(range(n), planted):
        words = base[i].split()
        edits = []
        # randint only for several edits: the corpora of one edit stay those of the figures in docs
        for _ in range(rng.randint(1, max_edits) if max_edits > 1 else 1):
            k = rng.randrange(len(words))
            edit = rng.choice(["substitute", "delete", "insert"])
            if edit == "substitute":
                words[k] = rng.choice(vocab)
            elif edit == "delete":
                del words[k]
            else:
                words.insert(k, rng.choice(vocab))
            edits.append(edit)
        recs.append({"id": "p%d" % i, "text": " ".join(words), "planted_from": "g%d" % i, "edit": ",".join(edits)})
    rng.shuffle(recs)
    for r in recs:
        print(json.dumps(r))


def normal_form(text):
    out = []
    for ch in text.casefold():
        cat = unicodedata.category(ch)
        if cat == "Cf":
            continue
        out.append(ch if cat[0] in "LMN" else " ")
    return " ".join("".join(out).split())


def shingles(text, how):
    unit, n = how.split(":")
    n = int(n)
    norm = normal_form(text)
    if not norm:
        return frozenset()
    items = norm.split(" ") if unit == "word" else list(norm)
    if len(items) <= n:
        return frozenset([norm])
    sep = " " if unit == "word" else ""
    return frozenset(sep.join(items[i:i + n]) for i in range(len(items) - n + 1))


def score(corpus, marked, how, threshold):
    recs = [json.loads(l) for l in open(corpus)]
    out = [json.loads(l) for l in open(marked)]
    assert [r["id"] for r in recs] == [o["id"] for o in out], "the marked output is not the corpus in order"
    cluster = [o.get("dup_cluster", "self:" + o["id"]) for o in out]
    sets = [shingles(r["text"], how) for r in recs]
    sizes = [len(s) for s in sets]
    truth = set()
    for a in range(len(sets)):
        sa, na = sets[a], sizes[a]
        for b in range(a + 1, len(sets)):
            common = len(sa & sets[b])
            if common and common / (na + sizes[b] - common) >= threshold:
                truth.add((a, b))
    members = defaultdict(list)
    for i, c in enumerate(cluster):
        members[c].append(i)
    predicted = {(m[x], m[y]) for m in members.values() for x in range(len(m)) for y in range(x + 1, len(m))}
    found = len(truth & predicted)
    index = {r["id"]: i for i, r in enumerate(recs)}
    planted = [(index[r["planted_from"]], i) for i, r in enumerate(recs) if "planted_from" in r]
    caught = sum(cluster[a] == cluster[b] for a, b in planted)
    recall = found / len(truth) if truth else 1.0
    precision = found / len(predicted) if predicted else 1.0
    print(json.dumps({"shingle": how, "threshold": threshold, "records": len(recs), "pairs_at_threshold": len(truth),
                      "pairs_in_clusters": len(predicted), "recall": round(recall, 4), "precision": round(precision, 4),
                      "planted": len(planted), "planted_caught": caught}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(*(int(a) for a in sys.argv[2:7]))
    else:
        score(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
