#!/bin/sh
# hfviz serve on the demo map: every tests/serve/check_*.py runs against a
# real server on a free loopback port.  Each check gets the base URL, the
# demo's source rows (data/demo/models.jsonl) and the map's path, and
# recomputes what it expects from the source rows itself.  The hfviz binary
# comes fifth, for checks that build and serve a map of their own.
set -u
HFVIZ=${1:-build/hfviz}
TMP=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

MAP="$TMP/demo.map"
"$HFVIZ" build data/demo/models.jsonl -o "$MAP" --threads 2 >"$TMP/build.out" 2>&1 || { cat "$TMP/build.out"; echo "FAIL: build"; exit 1; }
mkdir -p "$TMP/web/assets" "$TMP/outside"
echo '<!doctype html><title>hfviz test</title>' > "$TMP/web/index.html"
echo 'console.log("app")' > "$TMP/web/assets/app.js"
printf 'console.log("app")' | gzip -c > "$TMP/web/assets/app.js.gz"
echo 'secret' > "$TMP/outside/secret.txt"
ln -s "$TMP/outside/secret.txt" "$TMP/web/link.txt"
"$HFVIZ" serve "$MAP" --port 0 --port-file "$TMP/port" --threads 4 --web "$TMP/web" >"$TMP/serve.out" 2>&1 &
PID=$!
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/port" ] || { cat "$TMP/serve.out"; echo "FAIL: server did not start"; exit 1; }
URL="http://127.0.0.1:$(cat "$TMP/port")"
for check in tests/serve/check_*.py; do
    python3 "$check" "$URL" data/demo/models.jsonl "$MAP" "$TMP" "$HFVIZ" || fail "$check"
done
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=""
[ "$rc" -eq 0 ] || fail "serve exited $rc after SIGTERM"
grep -q "stopping" "$TMP/serve.out" || fail "no clean stop on SIGTERM"
if grep -q "AddressSanitizer\|runtime error\|LeakSanitizer" "$TMP/serve.out"; then
    cat "$TMP/serve.out"
    fail "sanitizer report from the server"
fi
# CORS only when asked: preflight and the header on answers
"$HFVIZ" serve "$MAP" --port 0 --port-file "$TMP/port2" --allow-origin http://app.example >"$TMP/serve2.out" 2>&1 &
PID=$!
i=0
while [ ! -s "$TMP/port2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
URL2="http://127.0.0.1:$(cat "$TMP/port2")"
curl -s -i -X OPTIONS -H 'Origin: http://app.example' -H 'Access-Control-Request-Method: POST' "$URL2/api/export" > "$TMP/pre.txt"
head -1 "$TMP/pre.txt" | grep -q " 204" || fail "CORS preflight is not 204"
grep -qi "^Access-Control-Allow-Origin: http://app.example" "$TMP/pre.txt" || fail "no Allow-Origin on the preflight"
grep -qi "^Access-Control-Allow-Methods:.*POST" "$TMP/pre.txt" || fail "no Allow-Methods on the preflight"
curl -s -i "$URL2/api/stats" | grep -qi "^Access-Control-Allow-Origin: http://app.example" || fail "no Allow-Origin on a GET"
curl -s -I "$URL2/api/stats" | head -1 | grep -q " 200" || fail "HEAD /api/stats"
kill -TERM "$PID"; wait "$PID"; PID=""
# a map that is not one: a clear error and exit status 2, no crash
echo "not a map" > "$TMP/bad.map"
"$HFVIZ" serve "$TMP/bad.map" --port 0 > "$TMP/bad.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "serve of a bad map exited $rc, wanted 2"
grep -q "bad.map" "$TMP/bad.out" || fail "serve of a bad map does not name the file"
"$HFVIZ" serve "$MAP" --port 99999 > "$TMP/badport.out" 2>&1
[ $? -eq 64 ] || fail "--port 99999 accepted"
[ $fails -eq 0 ] && echo "serve: all checks passed"
exit $((fails > 0))
