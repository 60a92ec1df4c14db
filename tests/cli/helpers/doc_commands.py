#!/usr/bin/env python3
"""Every dqprep command that README.md, docs/*.md and the --help examples show, run on the files of
doc_fixtures.py, so that no example can rot. For tests/cli/scripts/doc_commands.sh.

usage: doc_commands.py REPO FIXTURES   (dqprep must be on PATH; prints each command and its exit
code; exits 1 when one ends otherwise than documented)

A command is a line of a code block (fenced, or indented by four spaces) that runs dqprep, with its
continuation lines (a trailing backslash), the "$ " of a prompt removed; synopsis lines (an
optional part in brackets or an upper-case placeholder: "dqprep dedup [options] [INPUT ...]",
"dqprep metrics diff OLD.json NEW.json [--check EXPR]") and printed output ("dqprep split: 2
checks failed:") are not commands. Make recipes ($< and $@) are run by examples_makefile.sh instead, and the ```sh blocks
that follow a line "<!-- docs_examples -->" by docs_examples.sh: they make their own inputs (a
printf, an spm_train) and run as a script in order, so their commands are listed here as left to
docs_examples.sh, not run a second time out of context (nor counted as skipped). The commands of one
document (or of one subcommand's --help) run in order in one copy of the fixtures, so that a
command can read what an earlier one wrote (split, then augment splits/train.jsonl).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO, FIXTURES = sys.argv[1], os.path.abspath(sys.argv[2])

# Commands documented to fail, with the exit code they show.
EXPECTED_EXIT = {
    "dqprep filter --min-word 3 data.jsonl": 2,  # usage.md: an unknown flag
    "dqprep filtr data.jsonl": 2,  # usage.md: an unknown command
    # metrics.md: the output shown ends with "dqprep metrics: 2 checks failed" (a gate's exit 1).
    "dqprep metrics diff main.json pr.json --check 'class_balance >= -0.02' --check 'n >= 0.95x'": 1,
}

# Commands that cannot run in a test, and why. Keep it short: add a fixture file instead when
# the command only needs an input.
SKIP = {
    # The bench harness's 12 844-record corpus and a timing: a performance measurement, not an example.
    "dqprep augment -q -j1 --ops synonym,insert,swap,delete --num-aug 4 c1to10k.jsonl > /dev/null",
}

# Flag values too costly for a test, replaced as written here in every command that has them (the
# command is printed as run). Each keeps the example's code path and only makes it smaller.
SHORTEN = {
    # model.md, model train --help: the search runs for its whole duration; 2 s still runs trials.
    "--autotune-duration 60": "--autotune-duration 2",
    # filter.md: word bigrams bring fastText's 2 M-bucket hash table, an 800 MB model file (model.md
    # says so) that takes 12 s to write and read here; 10 000 buckets keep the bigrams.
    "--word-ngrams 2 ": "--word-ngrams 2 --bucket 10000 ",
}

# Variables the commands use, as a shell would have them: the shard of a loop, the task of a
# Slurm array.
ENV = {"i": "0", "SLURM_ARRAY_TASK_ID": "1"}

# A synopsis, not a command: an optional part in brackets ("[options]", "[-o FILE]", "[--check EXPR]",
# "[INPUT ...]"), a "<command>", or an upper-case placeholder ("OLD.json", "SHARD", "STATE", "FILE";
# not a "$VARIABLE", a "--classes A,B,C" or an "ENV=value").
SYNOPSIS = re.compile(r"\[(-{1,2}[a-z]|[A-Z]{2}|[a-z ]*options\])|<[a-z]+>|(?<![\w$/{.-])[A-Z][A-Z0-9_]+(\.[a-z]+)?(?![\w=])")
OUTPUT = re.compile(r"^dqprep [a-z-]+( [a-z]+)?: ")


def code_lines(path):
    """(line number, text, block kind) of the lines of code blocks; the kind of a block that
    docs_examples.sh runs is "docs_examples"."""
    fence, in_indent, prev_blank = None, False, True
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        if fence is not None:
            if line.strip().startswith("```"):
                fence = None
            else:
                yield n, line, fence
            continue
        m = re.match(r"\s*```(\w*)", line)
        if m:
            fence = m.group(1) or "text"
            if line == "```sh" and n >= 2 and lines[n - 2] == "<!-- docs_examples -->":
                fence = "docs_examples"  # docs_examples.sh's test: the same two lines
            continue
        if line.startswith("    ") and (prev_blank or in_indent):
            in_indent = True
            yield n, line[4:], "indented"
        elif line.strip():
            in_indent = False
        prev_blank = not line.strip()


def commands_of_doc(path):
    """(line number, command, whether docs_examples.sh runs it)."""
    pending = None
    for n, line, kind in code_lines(path):
        if kind in ("make", "makefile", "json", "python", "yaml", "toml"):
            continue
        text = line.strip()
        if pending is not None:
            pending[1] += " " + text.rstrip("\\").strip()
            if not text.endswith("\\"):
                yield tuple(pending)
                pending = None
            continue
        if text.startswith("$ "):
            text = text[2:]
        if text.startswith("#") or not re.search(r"(^|[|;&(]\s*|\s)dqprep\s", text):
            continue
        if SYNOPSIS.search(text) or OUTPUT.match(text):
            continue
        if text.endswith("\\"):
            pending = [n, text.rstrip("\\").strip(), kind == "docs_examples"]
        else:
            yield n, text, kind == "docs_examples"


def subcommands(prefix=()):
    """Every subcommand, from the "Subcommands:" lists of --help."""
    out = subprocess.run(["dqprep", *prefix, "--help"], capture_output=True, text=True).stdout
    names, listing = [], False
    for line in out.split("\n"):
        if line.startswith("Subcommands:"):
            listing = True
            continue
        if listing:
            m = re.match(r"  ([a-z-]+)\s", line)
            if not m:
                break
            names.append(prefix + (m.group(1),))
    found = []
    for name in names:
        found.append(name)
        found += subcommands(name)
    return found


def commands_of_help(name):
    out = subprocess.run(["dqprep", *name, "--help"], capture_output=True, text=True).stdout
    pending, examples = None, False
    for line in out.split("\n"):
        if re.match(r"(Examples?|Sharded)\b", line):
            examples = True
        if not examples:
            continue
        text = re.sub(r"^Sharded:\s*", "", line.strip())
        text = re.split(r"\s{3,}\(", text)[0]  # "   (one per shard), then": prose after the command
        if pending is not None:
            pending += " " + text.rstrip("\\").strip()
            if not text.endswith("\\"):
                yield pending
                pending = None
            continue
        if not text.startswith("dqprep "):
            continue
        if text.endswith("\\"):
            pending = text.rstrip("\\").strip()
        else:
            yield text


groups = []
for doc in ["README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(REPO, "docs")) if f.endswith(".md")):
    groups.append((doc, [("%s:%d" % (doc, n), c, elsewhere) for n, c, elsewhere in commands_of_doc(os.path.join(REPO, doc))]))
# The examples of a command and of its subcommands share a copy: "dedup sign", then "dedup cluster"
# reads the signature files, "dedup apply" the cluster file.
help_groups = {}
for name in subcommands():
    label = "dqprep %s --help" % " ".join(name)
    help_groups.setdefault(name[0], []).extend((label, c, False) for c in commands_of_help(name))
groups += [("dqprep %s --help" % name, commands) for name, commands in help_groups.items()]

failed, ran, skipped, elsewhere = 0, 0, 0, 0
env = dict(os.environ, **ENV)
for group, commands in groups:
    if not commands:
        continue
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(FIXTURES, work, dirs_exist_ok=True)
        for where, command, by_docs_examples in commands:
            if by_docs_examples:
                elsewhere += 1
                print("docs_examples.sh %s: %s" % (where, command))
                continue
            if command in SKIP:
                skipped += 1
                print("skip %s: %s" % (where, command))
                continue
            want = EXPECTED_EXIT.get(command, 0)
            for flag, shorter in SHORTEN.items():
                command = command.replace(flag, shorter)
            start = time.monotonic()
            run = subprocess.run(["bash", "-c", "set -o pipefail; " + command], cwd=work, env=env,
                                 capture_output=True, text=True, timeout=300)
            seconds = time.monotonic() - start
            ran += 1
            status = "ok" if run.returncode == want else "FAIL"
            print("%s %s (exit %d, %.1f s): %s" % (status, where, run.returncode, seconds, command))
            if run.returncode != want:
                failed += 1
                print("    expected exit %d; stderr: %s" % (want, run.stderr.strip()[-600:].replace("\n", "\n    ")))
print("doc_commands: %d commands of docs_examples blocks left to docs_examples.sh" % elsewhere)
print("doc_commands: %d commands run, %d skipped, %d failed" % (ran, skipped, failed))
sys.exit(1 if failed else 0)
