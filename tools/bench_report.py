#!/usr/bin/env python3
"""The table of tools/bench.sh: reads its results directory (manifest.tsv, hyperfine JSON, peak RSS
files), prints seconds, MB/s, ratios, the share of the bound, peak RSS and the targets, and writes
summary.json beside them. MB is 10^6 bytes, for throughput and memory alike."""

import argparse
import json
import os
import platform
import statistics
import time


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 24)
            if not block:
                return n
            n += block.count(b"\n")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_case(res, name, status):
    with open(os.path.join(res, name + ".json")) as f:
        result = json.load(f)["results"][0]
    times = result["times"]
    rss_kb = 0
    rss_path = os.path.join(res, name + ".rss")
    if os.path.exists(rss_path):
        with open(rss_path) as f:
            rss_kb = max((int(x) for x in f.read().split() if x.isdigit()), default=0)
    med = statistics.median(times)
    return {"seconds": med, "min": min(times), "max": max(times), "runs": len(times),
            "spread": (max(times) - min(times)) / 2 / med if med else 0.0,
            "cpu_seconds": result["user"] + result["system"], "peak_rss_mb": rss_kb * 1024 / 1e6, "cached": status == "cached"}


def print_table(head, rows, left):
    """Columns padded to their widest cell, those in `left` to the left; a row of (name, status)
    prints as "name  (status)"."""
    widths = [max(len(head[i]), *(len(r[i]) for r in rows if len(r) > 2)) for i in range(len(head))]
    fmt = lambda r: "  ".join(r[i].ljust(widths[i]) if i in left else r[i].rjust(widths[i])
                              for i in range(len(r))).rstrip()
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(fmt(r) if len(r) > 2 else "%s  (%s)" % (r[0].ljust(widths[0]), r[1]))


def print_scaling(cases, by_name, mb):
    """The scaling table of --scaling: each -j1 case beside its CASE@jN runs."""
    threads = sorted({int(c["name"].rsplit("@j", 1)[1]) for c in cases if "@j" in c["name"] and "seconds" in c})
    bases = [c for c in cases if "seconds" in c and "@j" not in c["name"]
             and any(c["name"] + "@j%d" % n in by_name for n in threads)]
    if not bases:
        return
    reader = by_name.get("reader-plain")
    head = ["case", "MB/s -j1"] + ["MB/s -j%d (x)" % n for n in threads] + ["MB/CPU-s -j1", "reader feeds"]
    rows = []
    for c in bases:
        per_thread = mb / c["cpu_seconds"]
        row = [c["name"], "%.1f" % c["mb_per_s"]]
        for n in threads:
            s = by_name.get(c["name"] + "@j%d" % n)
            row.append("%.1f (%.2f)" % (s["mb_per_s"], c["seconds"] / s["seconds"]) if s else "-")
        row += ["%.1f" % per_thread, "%.0f workers" % (mb / reader["cpu_seconds"] / per_thread) if reader else "-"]
        rows.append(row)
    print("\nscaling: throughput (wall) at each -j, speed-up over -j1 in brackets; reader feeds: reader-plain's"
          " MB per CPU-second over the stage's at -j1, the -j at which one reader is the limit")
    print_table(head, rows, left={0})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--runs", type=int)
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--loads", help="1-minute load averages, one a line: before the runs, then after each round")
    ap.add_argument("--rss-check")
    ap.add_argument("--commit", default="unknown")
    a = ap.parse_args()

    size = os.path.getsize(a.corpus)
    mb = size / 1e6
    records = count_lines(a.corpus)
    cases = []
    with open(os.path.join(a.results, "manifest.tsv"), encoding="utf-8") as f:
        for line in f:
            name, status, target, cmd = line.rstrip("\n").split("\t", 3)
            c = {"name": name, "status": status, "target": target, "command": cmd}
            if status in ("ok", "cached"):
                c.update(load_case(a.results, name, status))
                c["mb_per_s"] = mb / c["seconds"]
            cases.append(c)
    by_name = {c["name"]: c for c in cases if "seconds" in c}

    def ratio(name, base):
        if name in by_name and base in by_name:
            return by_name[base]["seconds"] / by_name[name]["seconds"]
        return None

    def check_one(c, t):
        base, minimum = t.split(">=")
        minimum = float(minimum)
        value = c["mb_per_s"] if base == "MB/s" else ratio(c["name"], base)
        if value is None:
            return {"target": t, "value": None, "pass": None}
        # The same figure from CPU time: steadier than wall time on a busy machine, and fair when
        # both programs run on one core (it says nothing about -j2 against -j1).
        if base == "MB/s":
            cpu = mb / c["cpu_seconds"]
        else:
            cpu = by_name[base]["cpu_seconds"] / c["cpu_seconds"]
        return {"target": t, "value": value, "pass": value >= minimum, "cpu_value": cpu}

    # A case's targets: one or several, comma-separated.
    def check(c):
        if not c["target"] or "seconds" not in c:
            return []
        return [check_one(c, t) for t in c["target"].split(",")]

    print("corpus:  %s: %.1f MB, %d records (mean %.0f bytes)" % (os.path.basename(a.corpus), mb, records,
                                                                  size / max(records, 1)))
    loads = []
    if a.loads and os.path.exists(a.loads):
        with open(a.loads) as f:
            loads = [float(x) for x in f.read().split()]
    print("machine: %s, %d cores (nproc); 1-minute load average %s before the runs, %s over the rounds"
          % (cpu_model(), os.cpu_count(), "%.2f" % loads[0] if loads else "?",
             "%.2f-%.2f" % (min(loads[1:]), max(loads[1:])) if len(loads) > 1 else "?"))
    print("runs:    %s timed rounds (+%s warm-up; none for jq/mlr), median shown; commit %s; %s"
          % (a.runs, a.warmup, a.commit, time.strftime("%Y-%m-%d %H:%M")))
    print()
    head = ("case", "seconds", "+-%", "cpu s", "MB/s", "x jq", "x mlr", "% bound", "RSS MB", "target")
    rows = []
    not_run = {}
    for c in cases:
        if "seconds" not in c:
            if c["status"].startswith("failed"):
                rows.append((c["name"], c["status"]))
            else:
                not_run.setdefault(c["status"], []).append(c["name"])
            continue
        checks = check(c)
        c["check"] = checks
        tcol = "; ".join("%s: base not run" % r["target"] if r["value"] is None else
                         "%s: %.2f %s" % (r["target"], r["value"], "PASS" if r["pass"] else "FAIL")
                         for r in checks)
        jq, mlr, bound = ratio(c["name"], "jq"), ratio(c["name"], "mlr"), ratio(c["name"], "bare")
        rows.append((c["name"] + ("*" if c["cached"] else ""), "%.3f" % c["seconds"], "%.1f" % (100 * c["spread"]),
                     "%.3f" % c["cpu_seconds"], "%.1f" % c["mb_per_s"], "%.2f" % jq if jq else "-", "%.2f" % mlr if mlr else "-",
                     "%.1f" % (100 * bound) if bound else "-", "%.1f" % c["peak_rss_mb"], tcol))
    print_table(head, rows, left={0, 9})
    for status, names in not_run.items():
        print("%s: %s" % (status, ", ".join(names)))
    if any(c.get("cached") for c in cases):
        print("* reused from an earlier run over the same corpus (--skip-slow)")
    print("\nseconds: median wall time; +-%: half the range of the runs over the median; cpu s: mean user+system"
          " time of all threads; x jq, x mlr: throughput over that tool's; % bound: throughput over bare's;"
          " RSS: the peak of all runs. Targets are judged on wall time.")

    print("\ntargets:")
    for c in cases:
        for r in c.get("check") or []:
            if r["value"] is None:
                continue
            print("  %-20s %-20s %8.2f  %s   (from cpu s: %.2f)" % (c["name"], r["target"], r["value"],
                                                                "PASS" if r["pass"] else "FAIL", r["cpu_value"]))
    rss = None
    if a.rss_check and os.path.exists(a.rss_check):
        with open(a.rss_check) as f:
            rss = json.load(f)
        print("  %-20s %-20s %8.1f  %s   (tools/bench.sh --rss-check, %s, up to %.0f MB input)"
              % ("streaming RSS", "peak MB<%.0f, flat" % rss["limit_mb"], rss["peak_rss_mb"],
                 "PASS" if rss["pass"] else "FAIL", rss["date"], rss["bytes"] / 1e6))
    else:
        print("  peak RSS on 1 GB and 4 GB inputs: not measured yet (tools/bench.sh --rss-check)")
    print_scaling(cases, by_name, mb)

    summary = {"corpus": os.path.basename(a.corpus), "bytes": size, "records": records, "cpu": cpu_model(),
               "cores": os.cpu_count(), "load_1min": loads, "commit": a.commit,
               "runs": a.runs, "warmup": a.warmup, "cases": cases, "rss_check": rss}
    with open(os.path.join(a.results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
