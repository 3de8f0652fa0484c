#!/bin/sh
# run.sh - time every `hfviz analyze` analysis on the 1.86M-row synthetic
# input, from the map file and from the Parquet file (ingest included).
# usage: bench/science/run.sh [HFVIZ] ; writes bench/science/results.tsv
set -eu
cd "$(dirname "$0")/../.."
HFVIZ=${1:-build/hfviz}
MAP=bench/out/build-1860411.map
PARQUET=bench/data/synth-1860411-s1.zstd.parquet
OUT=bench/science/results.tsv
printf 'source\tanalysis\tseconds\tmax_rss_kb\n' > "$OUT.tmp"
for src in "$MAP" "$PARQUET"; do
    [ -f "$src" ] || { echo "missing $src (see bench/README.md)" >&2; exit 1; }
    for a in families drift license docs similarity similarity-card; do
        args=$a
        [ "$a" = similarity-card ] && args="similarity --artifact card"
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %M" -o /tmp/hv_sci_time.$$ "$HFVIZ" analyze "$src" $args --json > /dev/null
        read -r secs rss < /tmp/hv_sci_time.$$
        printf '%s\t%s\t%s\t%s\n' "$(basename "$src")" "$a" "$secs" "$rss" >> "$OUT.tmp"
    done
done
rm -f /tmp/hv_sci_time.$$
mv "$OUT.tmp" "$OUT"
cat "$OUT"
