#!/bin/sh
# hfviz track, build --track-db and serve --db /api/model-count/*: a fake Hub
# on a free loopback port (tests/track/fake_hub.py) answers the protocol of
# docs/tracking.md and misbehaves on request; tests/track/check_track.py
# checks every stored snapshot against the fake's catalog, the demo's
# createdAt months and growth numbers computed by hand.  Python 3 stdlib only.
set -u
HFVIZ=${1:-build/hfviz}
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not found"
    exit 0
fi
if ! python3 -c 'import sqlite3, sys; sys.exit(sqlite3.sqlite_version_info < (3, 37, 0))' 2>/dev/null; then
    echo "SKIP: python3's sqlite3 is missing or older than 3.37 (STRICT tables)"
    exit 0
fi
TMP=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# the checker kills what it starts; run it in the background so a signal to
# this script reaches it through the trap above
python3 tests/track/check_track.py "$HFVIZ" &
PID=$!
wait "$PID"
rc=$?
PID=""
[ "$rc" -eq 0 ] && echo "track: all checks passed"
exit "$rc"
