#!/bin/sh
# run.sh FUZZ_SECONDS - build every tests/fuzz/fuzz_*.c with libFuzzer and
# run each for FUZZ_SECONDS on a scratch copy of its seed corpus.
# Exits non-zero when any target crashes; crash inputs stay in build-fuzz/.
# ONLY=name runs one target (e.g. ONLY=mapfile).
set -u
SECONDS_EACH=${1:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/build-fuzz"
CC=${CC:-clang}
mkdir -p "$OUT"
cd "$ROOT" || exit 2

SRCS=$(find src -name '*.c' ! -path 'src/cli/main.c' | sort)
LIBS="$(pkg-config --libs libcjson zlib libzstd liblz4 snappy libbrotlidec libbrotlienc libmicrohttpd libdeflate \
    sqlite3 libcurl libutf8proc) -lcsv -llapacke -lopenblas -lm -fopenmp"
CFLAGS="-std=gnu17 -D_GNU_SOURCE -Isrc -I/usr/include -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

# the project sources once, instrumented; an object is rebuilt when its
# source or any header is newer
mkdir -p "$OUT/obj"
OBJS=""
for s in $SRCS; do
    o="$OUT/obj/$(echo "$s" | tr / _).o"
    if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ -n "$(find src -name '*.h' -newer "$o" | head -1)" ]; then
        $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$s" -o "$o" || { echo "run.sh: cannot build $s" >&2; exit 2; }
    fi
    OBJS="$OBJS $o"
done

# the OpenAPI document the server compiles in (CMakeLists.txt does the same)
gen="$OUT/gen/openapi_json.c"
if [ ! -f "$gen" ] || [ src/serve/openapi.json -nt "$gen" ]; then
    mkdir -p "$OUT/gen"
    cmake -DIN=src/serve/openapi.json -DOUT="$gen" -DNAME=hv_openapi_json -P cmake/embed.cmake ||
        { echo "run.sh: cannot embed the OpenAPI document" >&2; exit 2; }
    $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$gen" -o "$OUT/obj/openapi_json.o" || exit 2
fi
OBJS="$OBJS $OUT/obj/openapi_json.o"

status=0
for t in tests/fuzz/fuzz_${ONLY:-*}.c; do
    name=$(basename "$t" .c)
    corpus_name=${name#fuzz_}
    bin="$OUT/$name"
    $CC $CFLAGS "$t" $OBJS $LIBS -o "$bin" || { echo "run.sh: cannot build $name" >&2; status=1; continue; }
    work="$OUT/corpus-$corpus_name"
    rm -rf "$work"
    mkdir -p "$work" "$OUT/crashes-$corpus_name"
    [ -d "tests/fuzz/corpus/$corpus_name" ] && cp -r "tests/fuzz/corpus/$corpus_name/." "$work/"
    echo "== $name: ${SECONDS_EACH}s"
    if ! "$bin" "$work" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$OUT/crashes-$corpus_name/" -print_final_stats=1 2>"$OUT/$name.log"; then
        echo "run.sh: $name FAILED; see $OUT/$name.log and $OUT/crashes-$corpus_name/" >&2
        tail -40 "$OUT/$name.log" >&2
        status=1
    else
        grep -E 'stat::number_of_executed_units|cov:' "$OUT/$name.log" | tail -2
    fi
done
exit $status
