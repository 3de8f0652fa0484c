#!/bin/sh
# bench/web/run.sh [MAP] - serve MAP (default: the 1.86M bench map) with the
# built web explorer and measure it in headless Chromium (bench/web/bench.mjs).
# Results: bench/out/web-bench.json; the numbers are in bench/web/README.md.
set -eu
MAP=${1:-bench/out/build-1860411.map}
[ -f "$MAP" ] || { echo "no map at $MAP (make bench builds it)"; exit 1; }
[ -f web/dist/index.html ] || { echo "web/dist is missing: run make web"; exit 1; }
mkdir -p bench/out
TMP=$(mktemp -d)
./build/hfviz serve "$MAP" --port 0 --port-file "$TMP/port" --web web/dist >"$TMP/serve.out" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$TMP/port")"
# The first /api/points request builds and compresses the default body; do it once outside the timing.
curl -s -H 'Accept-Encoding: gzip' "$URL/api/points?dims=2" -o /dev/null
node bench/web/bench.mjs "$URL" "${RUNS:-3}" | tee bench/out/web-bench.json
