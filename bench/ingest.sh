#!/bin/sh
# ingest.sh - the ingest benchmark: how fast `hfviz info` reads the dataset at
# full size, as CSV and as Parquet (zstd), next to DuckDB scanning the same
# files.  See bench/README.md for what is measured and the last numbers.
#
#   sh bench/ingest.sh                 (or: make bench)
#   ROWS=200000 sh bench/ingest.sh     smaller run
#   HFVIZ=build/hfviz  SEED=1  DATA=bench/data  SKIP_DUCKDB=1
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
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

csv="$DATA/synth-$ROWS-s$SEED.csv"
pq="$DATA/synth-$ROWS-s$SEED.zstd.parquet"

# 1. Inputs: generated once, kept in bench/data (gitignored).
gen() { # FILE FORMAT
    if [ -s "$1" ]; then
        echo "bench: using existing $1"
        return
    fi
    /usr/bin/time -v -o "$OUT/gen.time" "$HFVIZ" synth --rows "$ROWS" --seed "$SEED" --cards \
        --format "$2" --codec zstd -o "$1"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/gen.time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/gen.time")
    echo "bench: generated $1 in $wall, peak RSS $((rss / 1024)) MiB"
}
gen "$csv" csv
gen "$pq" parquet

# wall clock "h:mm:ss" or "m:ss.cc" to seconds
secs() { echo "$1" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'; }
size_mb() { echo "$(stat -c %s "$1")" | awk '{ printf "%.1f", $1 / 1e6 }'; }

results="$OUT/ingest.tsv"
printf 'tool\tformat\tfile_MB\twall_s\tMB_per_s\tkrows_per_s\tpeak_RSS_MiB\n' > "$results"

# 2. hfviz info, one run per format
run_hfviz() { # FILE FORMAT
    if ! /usr/bin/time -v -o "$OUT/info.time" "$HFVIZ" info "$1" > "$OUT/info-$2.txt" 2>&1; then
        echo "bench: hfviz info $1 failed (see $OUT/info-$2.txt)" >&2
        printf 'hfviz\t%s\t%s\tFAILED\t\t\t\n' "$2" "$(size_mb "$1")" >> "$results"
        return
    fi
    wall=$(secs "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/info.time")")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/info.time")
    mb=$(size_mb "$1")
    printf 'hfviz\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$mb" "$wall" \
        "$(awk -v m="$mb" -v w="$wall" 'BEGIN { printf "%.1f", (w > 0 ? m / w : 0) }')" \
        "$(awk -v r="$ROWS" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? r / w / 1000 : 0) }')" "$((rss / 1024))" >> "$results"
}
run_hfviz "$csv" csv
run_hfviz "$pq" parquet

# 3. DuckDB on the same files (node + @duckdb/node-api, installed into
#    bench/node_modules on first use; gitignored).
if [ "${SKIP_DUCKDB:-0}" != 1 ]; then
    # npm --prefix writes its package.json beside node_modules, so the
    # prefix lives inside bench/node_modules (gitignored) too.
    duck="$here/node_modules/.duckdb/node_modules/@duckdb/node-api"
    if [ ! -d "$duck" ]; then
        mkdir -p "$here/node_modules/.duckdb"
        npm install --prefix "$here/node_modules/.duckdb" --no-audit --no-fund --silent \
            @duckdb/node-api@1.4.4-r.4 || echo "bench: npm install @duckdb/node-api failed; skipping DuckDB" >&2
    fi
    if [ -d "$duck" ]; then
        for spec in "csv:$csv" "parquet:$pq"; do
            fmt=${spec%%:*}
            file=${spec#*:}
            if [ "$fmt" = csv ]; then
                src="read_csv('$file', header=true, quote='\"', escape='\"', max_line_size=100000000)"
            else
                src="read_parquet('$file')"
            fi
            # the query travels in the environment: no shell quoting inside JS
            DUCK="$duck" SQL="SELECT count(*) AS n, sum(length(modelCard)) AS card_chars, count(DISTINCT model_id) AS ids FROM $src" \
            /usr/bin/time -v -o "$OUT/duck.time" node -e '
const { DuckDBInstance } = require(process.env.DUCK);
(async () => {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const r = await con.runAndReadAll(process.env.SQL);
  console.log(JSON.stringify(r.getRowObjectsJson()[0]));
})().catch((e) => { console.error(e); process.exit(1); });' > "$OUT/duck-$fmt.txt" 2>&1 || {
                echo "bench: duckdb on $file failed (see $OUT/duck-$fmt.txt)" >&2
                continue
            }
            wall=$(secs "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/duck.time")")
            rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/duck.time")
            mb=$(size_mb "$file")
            printf 'duckdb\t%s\t%s\t%s\t%s\t%s\t%s\n' "$fmt" "$mb" "$wall" \
                "$(awk -v m="$mb" -v w="$wall" 'BEGIN { printf "%.1f", (w > 0 ? m / w : 0) }')" \
        "$(awk -v r="$ROWS" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? r / w / 1000 : 0) }')" "$((rss / 1024))" >> "$results"
        done
    fi
fi

# 4. Report, with hfviz/duckdb time ratios per format.
echo
echo "ingest benchmark: $ROWS rows with cards, seed $SEED, $(nproc) cores, $(date -u +%Y-%m-%d)"
column -t -s "$(printf '\t')" "$results" 2>/dev/null || cat "$results"
awk -F'\t' 'NR > 1 && $4 != "FAILED" { t[$1 "/" $2] = $4 }
    END { for (f in t) { split(f, a, "/"); if (a[1] == "hfviz" && ("duckdb/" a[2]) in t && t["duckdb/" a[2]] > 0)
              printf "hfviz / duckdb wall time, %s: %.2fx\n", a[2], t[f] / t["duckdb/" a[2]] } }' "$results"
echo "(raw: $results; outputs in $OUT)"
