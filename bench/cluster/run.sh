#!/bin/sh
# Build and run the k-means timing driver (see README.md).  Compiles only the
# files it needs, so it works whatever state the rest of the tree is in.
#   sh bench/cluster/run.sh [n] [d] [threads] [k] [minibatch_above]
set -eu
cd "$(dirname "$0")/../.."
out=bench/out
mkdir -p "$out"
cc -std=gnu17 -O2 -fopenmp -D_GNU_SOURCE -Isrc -o "$out/bench_kmeans" bench/cluster/bench_kmeans.c \
  src/cluster/kmeans.c src/core/err.c src/core/progress.c -lopenblas -lm
/usr/bin/time -v "$out/bench_kmeans" "$@" 2>"$out/kmeans.time" | tee "$out/kmeans.tsv"
grep -E "Elapsed|Maximum resident|stage" "$out/kmeans.time"
