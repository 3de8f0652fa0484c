#!/bin/sh
# Build and run the id-search benchmark (see README.md).
#   sh bench/search/run.sh [MAP] [INDEX_OUT] [QUERIES_PER_CLASS] [CHECK]
# Compiles only the files it needs, so it works whatever state the rest of
# the tree is in.  MAP defaults to the end-to-end benchmark's map
# (sh bench/build.sh makes it).
set -eu
cd "$(dirname "$0")/../.."
out=bench/out
mkdir -p "$out"
cc -std=gnu17 -O2 -g -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter -Isrc -o "$out/bench_search" \
  bench/search/bench_search.c src/search/*.c src/mapfile/mapfile.c src/mapfile/map.c src/core/err.c \
  src/core/strpool.c src/core/arena.c src/core/sv.c src/ingest/record.c -lz -lm -lpthread
MAP=${1:-bench/out/build-1860411.map}
[ $# -gt 0 ] && shift
/usr/bin/time -v "$out/bench_search" "$MAP" "$@" 2>"$out/search.time" | tee "$out/search.txt"
grep -E "Elapsed|Maximum resident" "$out/search.time"
