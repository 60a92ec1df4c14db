#!/bin/sh
# An --exec helper that answers one request, then fails.
read -r line
echo '{"text": "first answer"}'
echo "crash.sh: giving up" >&2
exit 7
