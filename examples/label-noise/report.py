#!/usr/bin/env python3
"""The report of the label-noise example: three accuracies on the clean test split, the share of
lost accuracy recovered, and what each preparation step removed, by kind of noise."""
import json
import os
import sys
from collections import Counter

out = sys.argv[1]
acc = {name: json.load(open(os.path.join(out, f"eval_{name}.json")))["accuracy"]
       for name in ("train", "noisy", "prepared")}
def kinds(path):
    if not os.path.exists(path):
        return Counter()
    return Counter(json.loads(l).get("noise", "none") for l in open(path) if l.strip())
noisy, prepared = kinds(os.path.join(out, "noisy.jsonl")), kinds(os.path.join(out, "prepared.jsonl"))
lost = acc["train"] - acc["noisy"]
recovered = (acc["prepared"] - acc["noisy"]) / lost if lost > 0 else float("nan")
print(f"accuracy on the clean test split ({json.load(open(os.path.join(out, 'eval_train.json')))['records_scored']} records):")
print(f"  clean training data      {acc['train']:.4f}")
print(f"  noisy training data      {acc['noisy']:.4f}")
print(f"  noisy, prepared by dqprep {acc['prepared']:.4f}")
print(f"  share of the lost accuracy recovered: {recovered:.2f}")
print("training records by kind of noise (noisy -> prepared):")
for kind in ("none", "flip", "dup", "junk"):
    print(f"  {kind:5} {noisy[kind]:6} -> {prepared[kind]:6}")
print(json.dumps({"clean": acc["train"], "noisy": acc["noisy"], "prepared": acc["prepared"],
                  "recovered": round(recovered, 4)}))
