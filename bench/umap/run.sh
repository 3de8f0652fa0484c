#!/bin/sh
# UMAP benchmark: hfviz (knn_build + umap_layout) vs umap-learn 0.5.3.
#   sh bench/umap/run.sh              both sizes, both implementations
#   SIZES=50000 sh bench/umap/run.sh  one size
#   SKIP_UMAP_LEARN=1 ...             only ours (reuses earlier umap-learn layouts)
#   REPS=3 ...                        ours three times per size (this VM's timings vary ±20 %)
# Inputs go to bench/data/umap/, layouts and logs to bench/out/umap/.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SIZES=${SIZES:-"50000 200000"}
THREADS=${THREADS:-2}
PY=/usr/bin/python3 # Debian's python with umap-learn, not the pyenv one on PATH
mkdir -p bench/data/umap bench/out/umap

[ -f "$BUILD/libhvcore.a" ] || { cmake -S . -B "$BUILD" >/dev/null && cmake --build "$BUILD" -j2 --target hvcore; }
gcc -O2 -fopenmp -Isrc bench/umap/umap_bench.c "$BUILD/libhvcore.a" -o bench/out/umap/umap_bench \
    -lcjson -lcsv -lz -lzstd -llz4 -lsnappy -lbrotlidec -lbrotlienc -llapacke -lopenblas -lm

for n in $SIZES; do
    in=bench/data/umap/vec-$n.npy
    [ -f "$in" ] || $PY bench/umap/bench.py gen "$n" "$in"
    for r in $(seq "${REPS:-1}"); do
        bench/out/umap/umap_bench "$in" bench/out/umap/hfviz-$n.npy 2 "$THREADS" 200 42 | tee -a bench/out/umap/hfviz.log
        $PY bench/umap/bench.py quality "$in" bench/out/umap/hfviz-$n.npy | tee -a bench/out/umap/quality.log
    done
    if [ "${SKIP_UMAP_LEARN:-0}" != 1 ]; then
        for m in parallel seeded; do
            $PY bench/umap/bench.py umap "$in" bench/out/umap/umaplearn-$m-$n.npy $m 2>/dev/null |
                tee -a bench/out/umap/umaplearn.log
        done
    fi
    for m in parallel seeded; do
        f=bench/out/umap/umaplearn-$m-$n.npy
        [ -f "$f" ] && $PY bench/umap/bench.py quality "$in" "$f" | tee -a bench/out/umap/quality.log
    done
done
