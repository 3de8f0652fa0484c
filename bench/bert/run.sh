#!/bin/sh
# bench/bert/run.sh - the BERT encoder's throughput with all-MiniLM-L6-v2's shape (random weights
# cost what real ones cost): 128-token texts, 1 and 2 threads (bert_bench: the forward pass alone),
# then `hfviz embed` end to end on 1,024 models with ~128-token cards, one process against
# `mpirun -np 2`.  Numbers go to bench/out/bert/; bench/bert/README.md has the last ones.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${N:-256}
PY=/usr/bin/python3 # Debian's python with numpy
mkdir -p bench/out/bert bench/data/bert
[ -f "$BUILD/libhvcore.a" ] || { cmake -S . -B "$BUILD" >/dev/null && cmake --build "$BUILD" -j2 --target hvcore hfviz; }
CC=$(command -v mpicc || echo gcc)
$CC -O2 -fopenmp -Isrc bench/bert/bert_bench.c "$BUILD/libhvcore.a" -o bench/out/bert/bert_bench -lcsv -llapacke \
    -lopenblas $(pkg-config --libs libcjson zlib libzstd liblz4 snappy libbrotlidec libbrotlienc libmicrohttpd \
    libdeflate sqlite3 libcurl libutf8proc) -lm
M=bench/data/bert/minilm
[ -f $M/model.safetensors ] || $PY bench/bert/make_model.py $M >/dev/null
echo "== forward pass, $N texts x 128 tokens ($(nproc) cores, $(date -u +%F))" | tee bench/out/bert/bench.log
for t in 1 2; do bench/out/bert/bert_bench $M "$N" 128 $t | tee -a bench/out/bert/bench.log; done

# end to end: 1,024 models whose text is ~128 word pieces
J=bench/data/bert/models-1024.jsonl
[ -f $J ] || $PY - "$J" <<'PY'
import json, random, sys
random.seed(7)
words = open("bench/data/bert/minilm/vocab.txt").read().split("\n")[5:400]
words = [w for w in words if w.isalpha() and len(w) > 2]
with open(sys.argv[1], "w") as f:
    for i in range(1024):
        card = " ".join(random.choice(words) for _ in range(110))
        f.write(json.dumps({"id": "org%d/model-%d" % (i % 37, i), "tags": ["transformers"], "card": card}) + "\n")
PY
HFVIZ=$BUILD/hfviz
t0=$(date +%s.%N)
$HFVIZ embed $J --model-dir $M -o bench/out/bert/one.npy 2>bench/out/bert/one.log
t1=$(date +%s.%N)
echo "hfviz embed, 1 process (2 threads): $(echo "$t1 - $t0" | bc) s" | tee -a bench/out/bert/bench.log
if command -v mpirun >/dev/null; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    t0=$(date +%s.%N)
    mpirun -np 2 $HFVIZ embed $J --model-dir $M -o bench/out/bert/two.npy 2>bench/out/bert/two.log
    t1=$(date +%s.%N)
    echo "mpirun -np 2 hfviz embed (1 thread each): $(echo "$t1 - $t0" | bc) s" | tee -a bench/out/bert/bench.log
    cmp -s bench/out/bert/one.npy bench/out/bert/two.npy && echo "outputs identical" | tee -a bench/out/bert/bench.log
fi
grep -h "encode" bench/out/bert/one.log bench/out/bert/two.log | tee -a bench/out/bert/bench.log
