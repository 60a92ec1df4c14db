#!/usr/bin/env python3
"""A labelled text corpus from Debian's WordNet (wordnet-base): each noun synset's gloss, labelled
with its lexicographer file (noun.animal, noun.food, ...). Deterministic for a seed.

usage: wordnet_glosses.py PER_CLASS SEED [TRAIN_SHARE] > all.jsonl
Writes PER_CLASS records of each of five classes, shuffled, as {"id", "text", "label", "split"}:
the first TRAIN_SHARE (default 0.8) of each class are split "train", the rest "test".
"""
import json
import random
import sys

# Lexicographer file numbers of data.noun (WordNet's lexnames(5); Debian ships no lexnames file).
CLASSES = {5: "noun.animal", 6: "noun.artifact", 13: "noun.food", 18: "noun.person", 20: "noun.plant"}

per_class, seed = int(sys.argv[1]), int(sys.argv[2])
train_share = float(sys.argv[3]) if len(sys.argv) > 3 else 0.8
by_class = {name: [] for name in CLASSES.values()}
with open("/usr/share/wordnet/data.noun", encoding="utf-8", errors="replace") as f:
    for line in f:
        if line.startswith("  "):
            continue  # the licence header
        fields = line.split(" ")
        lex = int(fields[1])
        if lex not in CLASSES or "|" not in line:
            continue
        gloss = line.split("|", 1)[1].strip()
        by_class[CLASSES[lex]].append({"id": "n" + fields[0], "text": gloss, "label": CLASSES[lex]})
rng = random.Random(seed)
records = []
for name in sorted(by_class):
    items = by_class[name]
    rng.shuffle(items)
    if len(items) < per_class:
        sys.exit(f"only {len(items)} synsets in {name}")
    chosen = items[:per_class]
    cut = int(round(per_class * train_share))
    for i, r in enumerate(chosen):
        r["split"] = "train" if i < cut else "test"
    records.extend(chosen)
rng.shuffle(records)
for r in records:
    print(json.dumps(r, ensure_ascii=False))
