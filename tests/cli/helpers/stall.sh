#!/bin/sh
# An --exec helper that reads requests but never answers.
exec sleep 60.0417  # a duration no other process uses: the test looks for it
