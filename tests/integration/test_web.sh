#!/bin/sh
# The web explorer end to end: build the demo map, serve it with the built
# app (hfviz serve --web web/dist) on a free port, and drive Debian's
# chromium with playwright-core through web/e2e/e2e.mjs (map pixels, hover,
# search, details, family tree, filter counts, URL state, lasso + export,
# charts, families, 3D, the model counter and growth page).  The server gets a
# model-count database with the demo's monthly counts (hfviz track --dataset);
# a second server without --db checks the page's "no database" state.
# Screenshots land in build/web-artifacts/.
# Without node, web/node_modules or chromium it says "skipped: ..." and passes.
set -u
HFVIZ=${1:-build/hfviz}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 || { echo "skipped: node is not installed (the web explorer needs Node.js >= 20.19)"; exit 0; }
[ -f web/node_modules/playwright-core/package.json ] || { echo "skipped: web/node_modules is missing (run: sh scripts/install-web-deps.sh)"; exit 0; }
[ -x "$CHROMIUM" ] || { echo "skipped: $CHROMIUM is missing (run: sh scripts/install-web-deps.sh --with-browser, or apt-get install chromium)"; exit 0; }

# Build web/dist when it is missing or older than its sources.
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/package-lock.json web/vite.config.ts -newer web/dist/index.html 2>/dev/null | head -1)" ]; then
    (cd web && npm run --silent build >/dev/null 2>&1) || { echo "FAIL: npm run build in web/"; (cd web && npm run build 2>&1 | tail -30); exit 1; }
fi

TMP=$(mktemp -d)
PID=""
PID2=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$PID2" ] && kill "$PID2" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
ART=build/web-artifacts
mkdir -p "$ART"
"$HFVIZ" build data/demo/models.jsonl -o "$TMP/demo.map" --threads 2 >"$TMP/build.out" 2>&1 || { cat "$TMP/build.out"; echo "FAIL: build"; exit 1; }
"$HFVIZ" track --db "$TMP/counts.db" --dataset "$TMP/demo.map" >"$TMP/track.out" 2>&1 || { cat "$TMP/track.out"; echo "FAIL: track --dataset"; exit 1; }
"$HFVIZ" serve "$TMP/demo.map" --port 0 --port-file "$TMP/port" --threads 4 --web web/dist --db "$TMP/counts.db" >"$TMP/serve.out" 2>&1 &
PID=$!
"$HFVIZ" serve "$TMP/demo.map" --port 0 --port-file "$TMP/port2" --threads 2 --web web/dist >"$TMP/serve2.out" 2>&1 &
PID2=$!
i=0
while { [ ! -s "$TMP/port" ] || [ ! -s "$TMP/port2" ]; } && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/port" ] || { cat "$TMP/serve.out"; echo "FAIL: server did not start"; exit 1; }
[ -s "$TMP/port2" ] || { cat "$TMP/serve2.out"; echo "FAIL: the server without --db did not start"; exit 1; }
URL="http://127.0.0.1:$(cat "$TMP/port")"
NODB_URL="http://127.0.0.1:$(cat "$TMP/port2")"
CHROMIUM="$CHROMIUM" NODB_URL="$NODB_URL" HFVIZ_BIN="$HFVIZ" COUNT_DB="$TMP/counts.db" \
    timeout 600 node web/e2e/e2e.mjs "$URL" "$ART"
rc=$?
[ $rc -eq 0 ] || { echo "server log:"; tail -20 "$TMP/serve.out"; }
exit $rc
