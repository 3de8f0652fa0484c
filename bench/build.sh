#!/bin/sh
# build.sh - the end-to-end benchmark: `hfviz build` on 1,860,411 synthetic
# modelbiome rows with cards (Parquet, from `hfviz synth`), every stage
# timed, peak RSS measured.  Target (issue #3): under 10 minutes wall and
# 12 GiB peak RSS on the 2-core machine.  See bench/README.md.
#
#   sh bench/build.sh            ROWS=200000 sh bench/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
HFVIZ=${HFVIZ:-$root/build/hfviz}
ROWS=${ROWS:-1860411}
SEED=${SEED:-1}
DATA=${DATA:-$here/data}
OUT=${OUT:-$here/out}
mkdir -p "$DATA" "$OUT"
[ -x "$HFVIZ" ] || { echo "bench: $HFVIZ not built (run make)" >&2; exit 1; }

pq="$DATA/synth-$ROWS-s$SEED.zstd.parquet"
[ -s "$pq" ] || "$HFVIZ" synth --rows "$ROWS" --seed "$SEED" --cards --format parquet --codec zstd -o "$pq"

map="$OUT/build-$ROWS.map"
/usr/bin/time -v -o "$OUT/build.time" "$HFVIZ" build "$pq" -o "$map" --no-cache 2> "$OUT/build.log" || {
    cat "$OUT/build.log" >&2
    exit 1
}
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/build.time")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/build.time")
echo "end-to-end build: $ROWS rows with cards, $(nproc) cores, $(date -u +%Y-%m-%d)"
grep -E '^stage [a-z0-9 ]+ +[0-9.]+ s' "$OUT/build.log"
echo "wall $wall, peak RSS $((rss / 1024)) MiB, map $(stat -c %s "$map" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
"$HFVIZ" info "$map" | head -12
