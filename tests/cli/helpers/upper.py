#!/usr/bin/env python3
# An --exec helper for the tests and the docs: answers each request with its text in upper case.
import json
import sys

for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.write(json.dumps({"text": request["text"].upper()}) + "\n")
    sys.stdout.flush()  # answer before reading on: dqprep waits for it
