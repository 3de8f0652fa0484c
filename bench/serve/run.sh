#!/bin/sh
# run.sh - the server benchmark (issue #4): cold start, RSS, /api/points,
# and wrk at 64 connections on model details, search and similar, on the
# 1.86M-model map of bench/build.sh.  Server and client share the machine.
#
#   sh bench/serve/run.sh            MAP=other.map DURATION=10 sh bench/serve/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HFVIZ=${HFVIZ:-$root/build/hfviz}
MAP=${MAP:-$root/bench/out/build-1860411.map}
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-$(nproc)}
OUT=${OUT:-$root/bench/out/serve}
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -s "$MAP" ] || { echo "bench: no map at $MAP (run sh bench/build.sh first)" >&2; exit 1; }

PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; true' EXIT
start() {
    rm -f "$OUT/port"
    "$HFVIZ" serve "$MAP" --port 0 --port-file "$OUT/port" --threads "$THREADS" "$@" > "$OUT/serve.log" 2>&1 &
    PID=$!
}
now_ms() { date +%s%3N; }

echo "hfviz serve benchmark: $(basename "$MAP"), $(nproc) cores, $THREADS server threads, $(date -u +%Y-%m-%d)"

first_id=$("$HFVIZ" export "$MAP" --format csv 2>/dev/null | sed -n 2p | cut -d, -f1)
# 1. cold start: process start to the first answer (page cache dropped when we may)
for cache in cold warm; do
    if [ $cache = cold ]; then sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || cache="warm (could not drop caches)"; fi
    t0=$(now_ms)
    start
    while ! [ -s "$OUT/port" ] || ! curl -sf -o /dev/null "http://127.0.0.1:$(cat "$OUT/port")/api/model/$first_id"; do sleep 0.005; done
    t1=$(now_ms)
    curl -sf -o /dev/null "http://127.0.0.1:$(cat "$OUT/port")/api/models?limit=50"
    t2=$(now_ms)
    echo "cold start ($cache page cache): $((t1 - t0)) ms from exec to the first answer (/api/model/ID), $((t2 - t0)) ms to the first /api/models page; $(grep start-up "$OUT/serve.log" | sed 's/.*start-up: //')"
    URL="http://127.0.0.1:$(cat "$OUT/port")"
    echo "RSS after start: $(awk '/VmRSS/ { printf "%.0f MiB", $2 / 1024 }' /proc/$PID/status)"
    [ "$cache" = warm ] || { kill $PID; wait $PID 2>/dev/null || true; }
done

# 2. /api/points: server time (first = built, then cached), size
kill $PID; wait $PID 2>/dev/null || true
start --log
while ! [ -s "$OUT/port" ]; do sleep 0.01; done
URL="http://127.0.0.1:$(cat "$OUT/port")"
sleep 0.2
for i in 1 2 3; do curl -s -o /dev/null -w "points 2D: %{size_download} bytes, client %{time_total} s\n" "$URL/api/points"; done
curl -s -o /dev/null -w "points 2D gzip: %{size_download} bytes, client %{time_total} s (first: compresses)\n" -H 'Accept-Encoding: gzip' "$URL/api/points"
curl -s -o /dev/null -w "points 2D gzip: %{size_download} bytes, client %{time_total} s\n" -H 'Accept-Encoding: gzip' "$URL/api/points"
curl -s -o /dev/null -w "points 3D: %{size_download} bytes, client %{time_total} s\n" "$URL/api/points?dims=3"
echo "server times for /api/points (ms): $(grep 'GET /api/points' "$OUT/serve.log" | awk '{ printf "%s ", $(NF-1) }')"
echo "RSS after the points: $(awk '/VmRSS/ { printf "%.0f MiB", $2 / 1024 }' /proc/$PID/status)"

# 3. the original's worst case: 150k models as JSON (it took 14-33 s)
t0=$(now_ms)
for off in $(seq 0 1000 149000); do curl -s -o /dev/null "$URL/api/models?limit=1000&offset=$off"; done
t1=$(now_ms)
echo "150,000 models as JSON through /api/models (150 pages of 1000): $((t1 - t0)) ms"
curl -s -o "$OUT/export.json" -w "150,000 models as one JSON export: %{size_download} bytes in %{time_total} s\n" "$URL/api/export?format=json&limit=150000" || true
kill $PID; wait $PID 2>/dev/null || true

# 4. wrk, 64 connections: ids and queries sampled from the map, on a warm
# page cache (a server that has run for a while: the map's pages resident)
cat "$MAP" > /dev/null
start
while ! [ -s "$OUT/port" ]; do sleep 0.01; done
URL="http://127.0.0.1:$(cat "$OUT/port")"
sleep 0.2
ids="$OUT/ids.txt"
[ -s "$ids" ] || "$HFVIZ" export "$MAP" --format csv | awk -F, 'NR > 1 && NR % 19 == 0 { print $1 }' | head -100000 > "$ids"
awk '{ print "/api/model/" $0 }' "$ids" > "$OUT/p_model.txt"
awk '{ print "/api/model/" $0 "/similar?k=20" }' "$ids" > "$OUT/p_similar.txt"
# search: exact ids, name prefixes, fragments, typos, short queries
awk -F/ 'NR % 5 == 0 { print "/api/search?q=" $0 } NR % 5 == 1 { print "/api/search?q=" substr($2, 1, 6) }
         NR % 5 == 2 { print "/api/search?q=" substr($2, 3, 5) }
         NR % 5 == 3 { s = $2; print "/api/search?q=" substr(s, 1, 3) substr(s, 5) }
         NR % 5 == 4 { print "/api/search?q=" substr($2, 1, 2) }' "$ids" > "$OUT/p_search.txt"
printf '/api/search?q=llama\n/api/search?q=bert\n/api/search?q=gguf\n/api/search?q=lora\n/api/search?q=qwen2\n' >> "$OUT/p_search.txt"
# autocomplete asks for ids (mode=id); free text goes to the semantic search
sed 's/$/\&mode=id/' "$OUT/p_search.txt" > "$OUT/p_search_id.txt"
awk 'NR % 50 == 0 { split($0, a, "/"); print "/api/search?mode=semantic&q=" a[1] "%20model%20" substr(a[2], 1, 5) }' "$ids" > "$OUT/p_semantic.txt"
printf '/api/search?mode=semantic&q=text%%20to%%20speech\n/api/search?mode=semantic&q=llama%%20chat%%20quantized\n' >> "$OUT/p_semantic.txt"
for what in model similar search_id search semantic; do
    PATHS_FILE="$OUT/p_$what.txt" wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$here/paths.lua" "$URL" > "$OUT/wrk_$what.txt" 2>&1
    echo "wrk $what, $CONNS connections, ${DURATION}s: $(grep RESULT "$OUT/wrk_$what.txt" | sed 's/RESULT //')"
done
echo "RSS at the end: $(awk '/VmRSS/ { printf "%.0f MiB", $2 / 1024 }' /proc/$PID/status)"
