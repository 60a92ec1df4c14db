#!/bin/sh
# An --exec helper that answers with something that is not JSON.
while read -r line; do echo "not json"; done
