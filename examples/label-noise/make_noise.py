#!/usr/bin/env python3
"""Seeded noise for a clean labelled training set: label flips, near-duplicates and junk.

usage: make_noise.py SEED FLIP DUP JUNK [KIND] < train.jsonl > noisy.jsonl
FLIP: share of records whose label is flipped. KIND random (the default): to any other class, drawn
at random. KIND systematic: to the class it is most confused with (the pairs in CONFUSABLE, from the
clean model's confusion matrix: plants and animals, people and artifacts, food taken for plants),
the hard case for a model, as an annotator who mixes up two classes. DUP: near-duplicates added, as a
share of the records (a copy with its case, punctuation and spacing changed, sometimes one word
more; it keeps the label of its source, flipped or not). JUNK: junk records added, as a share
(symbols, numbers and markup fragments with a random label). Each record gets "noise": "flip",
"dup", "junk" or "none", for the report; fastText never sees that field.
"""
import json
import random
import sys

seed, flip, dup, junk = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
kind = sys.argv[5] if len(sys.argv) > 5 else "random"
if kind not in ("random", "systematic"):
    sys.exit(f"make_noise.py: KIND must be random or systematic, not {kind!r}")
CONFUSABLE = {"noun.plant": "noun.animal", "noun.animal": "noun.plant", "noun.person": "noun.artifact",
              "noun.artifact": "noun.person", "noun.food": "noun.plant"}
rng = random.Random(seed)
records = [json.loads(line) for line in sys.stdin if line.strip()]
classes = sorted({r["label"] for r in records})
out = []
for r in records:
    r = dict(r)
    r["noise"] = "none"
    if rng.random() < flip:
        if kind == "systematic":
            r["label"] = CONFUSABLE[r["label"]]
        else:
            r["label"] = rng.choice([c for c in classes if c != r["label"]])
        r["noise"] = "flip"
    out.append(r)

def near_copy(text):
    words = text.split()
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(["the", "a", "very", "some", "also"]))
    text = " ".join(words)
    text = text.upper() if rng.random() < 0.3 else text.capitalize()
    return rng.choice(["", "  ", "\t"]) + text + rng.choice([".", "!", " ...", ";", ""])

for source in rng.sample(out, int(len(records) * dup)):
    copy = dict(source)
    copy["id"] = source["id"] + "-dup"
    copy["text"] = near_copy(source["text"])
    copy["noise"] = "dup"
    out.append(copy)

fragments = ["###", "&nbsp;", "<div>", "</td>", "{{", "}}", "|", "==", "~~", "%%", "0x3F", "404", "1999", "$$", "@@", "*", "//"]
for i in range(int(len(records) * junk)):
    text = " ".join(rng.choice(fragments) if rng.random() < 0.7 else str(rng.randrange(100000))
                    for _ in range(rng.randint(4, 14)))
    out.append({"id": f"junk{i}", "text": text, "label": rng.choice(classes), "noise": "junk"})
rng.shuffle(out)
for r in out:
    print(json.dumps(r, ensure_ascii=False))
