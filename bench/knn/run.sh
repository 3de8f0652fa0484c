#!/bin/sh
# run.sh - the kNN-graph benchmark: hfviz's NN-descent against its own
# exact search, pynndescent and hnswlib on the same vectors (k=30), plus one
# run of hfviz at the full dataset size.  See bench/knn/README.md.
#
#   sh bench/knn/run.sh                  everything (~10 min on 2 cores)
#   N=50000 SKIP_FULL=1 sh bench/knn/run.sh      quicker
# Knobs: N (sample size, 200000), FULL_N (1860411), D (96), K (30), THREADS
# (2), SEED (1), BUILD (folder holding libhvcore.a, default build),
# DATA (bench/data/knn), OUT (bench/out/knn), SKIP_FULL=1, SKIP_PY=1,
# SKIP_HNSW=1, REUSE_TRUTH=1 (keep an existing ground-truth file).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${N:-200000}
FULL_N=${FULL_N:-1860411}
D=${D:-96}
K=${K:-30}
THREADS=${THREADS:-2}
SEED=${SEED:-1}
BUILD=${BUILD:-$root/build}
DATA=${DATA:-$root/bench/data/knn}
OUT=${OUT:-$root/bench/out/knn}
PY=/usr/bin/python3 # Debian's: numpy, pynndescent 0.5.8 (not a pyenv python)
mkdir -p "$DATA" "$OUT"

lib="$BUILD/libhvcore.a"
[ -f "$lib" ] || { echo "bench: $lib missing (run make, or set BUILD=)" >&2; exit 1; }
nm "$lib" 2>/dev/null | grep -q ' T knn_nndescent$' || { echo "bench: $lib has no knn module (rebuild)" >&2; exit 1; }

# 1. the drivers (bench-only code, not part of the product)
gcc -O2 -Wall -Wextra -I"$root/src" "$here/knn_bench.c" -o "$OUT/knn_bench" "$lib" \
    -lcjson -lcsv -lz -lzstd -llz4 -lsnappy -lbrotlidec -lbrotlienc -llapacke -lopenblas -lm -fopenmp
if [ -z "${SKIP_HNSW:-}" ]; then
    # -march=native: hnswlib picks its AVX-512 distance code only when the
    # compiler may use it; give it its best case
    g++ -O3 -march=native -fopenmp -I"$here" "$here/hnsw_bench.cpp" -o "$OUT/hnsw_bench"
fi

# 2. vectors (kept in bench/data, gitignored; delete to regenerate)
vec() { # N -> path
    f="$DATA/vec-$1-d$D-s$SEED.npy"
    [ -s "$f" ] || $PY "$here/gen_vectors.py" "$1" "$D" "$SEED" "$f"
    echo "$f"
}
x=$(vec "$N")
truth="$DATA/truth-$N-d$D-s$SEED-k$K.npy"
res="$OUT/results.tsv"
printf 'tool\tsetting\tn\tseconds\trecall\tpeak_rss_mib\n' >"$res"

# 3. exact ground truth (our blocked-GEMM search), timed
if [ -n "${REUSE_TRUTH:-}" ] && [ -s "$truth" ]; then
    echo "bench: reusing $truth"
else
    "$OUT/knn_bench" exact "$x" "$truth" k="$K" threads="$THREADS" | tee -a "$res"
fi

# 4. ours: defaults, then a faster and a more thorough setting
ours() { "$OUT/knn_bench" nnd "$x" truth="$truth" k="$K" threads="$THREADS" seed="$SEED" "$@" | tee -a "$res"; }
ours label=default
ours label="fast: trees=4 cand=20" trees=4 cand=20
ours label="thorough: cand=40 delta=0.0002" cand=40 delta=0.0002

# 5. pynndescent (numba warmed up first) and hnswlib
[ -n "${SKIP_PY:-}" ] || $PY "$here/pynnd_bench.py" "$x" "$truth" "$K" "$THREADS" | tee -a "$res"
[ -n "${SKIP_HNSW:-}" ] || "$OUT/hnsw_bench" "$x" "$truth" "$K" "$THREADS" 16 200 31 60 120 | tee -a "$res"

# 6. ours at the full dataset size, under /usr/bin/time -v
if [ -z "${SKIP_FULL:-}" ]; then
    xf=$(vec "$FULL_N")
    /usr/bin/time -v -o "$OUT/full.time" "$OUT/knn_bench" nnd "$xf" k="$K" threads="$THREADS" seed="$SEED" \
        label=full | tee -a "$res"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/full.time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/full.time")
    echo "bench: full size n=$FULL_N: wall $wall, peak RSS $((rss / 1024)) MiB (incl. the $((FULL_N * D * 4 / 1048576)) MiB input)"
fi

# 7. summary: every row's time relative to our default run
echo
awk -F'\t' 'NR > 1 && $1 == "hfviz-nnd" && $2 == "default" { base = $4 }
    { rows[NR] = $0; t[NR] = $4 }
    END { for (i = 1; i <= NR; i++) {
        if (i == 1) { print rows[i] "\tx_ours_default"; continue }
        printf "%s\t%.2f\n", rows[i], (base > 0 ? t[i] / base : 0) } }' "$res" | column -t -s "$(printf '\t')"
