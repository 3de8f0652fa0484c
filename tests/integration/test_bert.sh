#!/bin/sh
# The BERT encoder from the command line: `hfviz embed --model-dir` and
# `hfviz build --embedder bert`, bad model folders (exit 2, the file named),
# and `mpirun -np 2 hfviz embed` against the single-process output (equal),
# with a failing rank failing the job.  The model is the small random-weight
# fixture of scripts/make-bert-fixture.py (tests/fixtures/bert/tiny-mean);
# the numbers themselves are checked by tests/unit/test_bert.c.
set -u
HFVIZ=${1:-build/hfviz}
HFVIZ=$(cd "$(dirname "$HFVIZ")" && pwd)/$(basename "$HFVIZ")
MODEL=$(pwd)/tests/fixtures/bert/tiny-mean
DATA=$(pwd)/data/demo/models.jsonl
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# a small input: the first 600 demo models
head -n 600 "$DATA" > "$TMP/models.jsonl"

# one process
"$HFVIZ" embed "$TMP/models.jsonl" --model-dir "$MODEL" -o "$TMP/one.npy" 2>"$TMP/err1" ||
    fail "embed --model-dir: exit $? ($(tail -3 "$TMP/err1"))"
[ -s "$TMP/one.npy" ] || fail "embed wrote no vectors"
python3 - "$TMP/one.npy" <<'EOF' || fail "one.npy is not 600 x 32 unit vectors"
import struct, sys, math
b = open(sys.argv[1], "rb").read()
assert b[:6] == b"\x93NUMPY"
hl = struct.unpack("<H", b[8:10])[0]
hdr = b[10:10 + hl].decode()
assert "'shape': (600, 32)" in hdr, hdr
v = struct.unpack("<%df" % (600 * 32), b[10 + hl:])
for r in range(600):
    n = math.sqrt(sum(x * x for x in v[r * 32:(r + 1) * 32]))
    assert abs(n - 1) < 1e-5, (r, n)
EOF

# usage and bad folders: exit 64 / 2, the reason named, no output left behind
"$HFVIZ" embed "$TMP/models.jsonl" --embedder bert -o "$TMP/x.npy" 2>"$TMP/err"
[ $? -eq 64 ] && grep -q "model-dir" "$TMP/err" || fail "--embedder bert without --model-dir: $(cat "$TMP/err")"
"$HFVIZ" embed "$TMP/models.jsonl" --model-dir "$TMP/nothing" -o "$TMP/x.npy" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "$TMP/nothing" "$TMP/err" || fail "missing model folder: $(cat "$TMP/err")"
cp -r "$MODEL" "$TMP/broken"
head -c 5000 "$MODEL/model.safetensors" > "$TMP/broken/model.safetensors"
"$HFVIZ" embed "$TMP/models.jsonl" --model-dir "$TMP/broken" -o "$TMP/x.npy" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "model.safetensors" "$TMP/err" || fail "truncated safetensors: $(cat "$TMP/err")"
printf '{"model_type": "gpt2"}' > "$TMP/broken/config.json"
"$HFVIZ" embed "$TMP/models.jsonl" --model-dir "$TMP/broken" -o "$TMP/x.npy" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "gpt2" "$TMP/err" || fail "unknown architecture: $(cat "$TMP/err")"
[ -e "$TMP/x.npy" ] && fail "a failed embed left x.npy"

# a map built with the encoder
"$HFVIZ" build "$TMP/models.jsonl" --model-dir "$MODEL" -o "$TMP/bert.map" --no-cache 2>"$TMP/errb" ||
    fail "build --model-dir: exit $? ($(tail -3 "$TMP/errb"))"
"$HFVIZ" info "$TMP/bert.map" > "$TMP/info" 2>&1 || fail "info of the bert map"
grep -q "vectors: 32 dims" "$TMP/info" || fail "the bert map's vectors: $(grep vectors "$TMP/info")"
grep -q "embedder: bert, model $MODEL" "$TMP/info" || fail "info does not name the embedder: $(grep embedder "$TMP/info")"
"$HFVIZ" build "$TMP/models.jsonl" --model-dir "$MODEL" --embed-dims 64 -o "$TMP/no.map" 2>"$TMP/err"
[ $? -eq 64 ] && grep -q "32 dimensions" "$TMP/err" || fail "--embed-dims against the model's: $(cat "$TMP/err")"

# vectors made apart (e.g. under mpirun) into a map; they must match the inputs row by row
"$HFVIZ" build "$TMP/models.jsonl" --vectors "$TMP/one.npy" -o "$TMP/given.map" --no-cache 2>"$TMP/errg" ||
    fail "build --vectors: exit $? ($(tail -3 "$TMP/errg"))"
"$HFVIZ" info "$TMP/given.map" 2>&1 | grep -q "vectors: 32 dims" || fail "the map from given vectors"
head -n 599 "$TMP/models.jsonl" > "$TMP/fewer.jsonl"
"$HFVIZ" build "$TMP/fewer.jsonl" --vectors "$TMP/one.npy" -o "$TMP/x.map" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "600 rows, but the inputs hold 599" "$TMP/err" || fail "vectors of other inputs: $(cat "$TMP/err")"
cp "$TMP/one.npy" "$TMP/other.npy"
sed '7s/.*/someone\/else/' "$TMP/one.ids.txt" > "$TMP/other.ids.txt"
"$HFVIZ" build "$TMP/models.jsonl" --vectors "$TMP/other.npy" -o "$TMP/x.map" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "line 7 is 'someone/else'" "$TMP/err" || fail "ids that differ: $(cat "$TMP/err")"
[ -e "$TMP/x.map" ] && fail "a refused build wrote x.map"

# MPI: two ranks give what one process gives; a failing rank fails the job
if command -v mpirun >/dev/null 2>&1 && ldd "$HFVIZ" | grep -q libmpi; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    export OMPI_MCA_btl_vader_single_copy_mechanism=none
    (cd "$TMP" && timeout 120 mpirun -np 2 "$HFVIZ" embed "$TMP/models.jsonl" --model-dir "$MODEL" \
        -o "$TMP/two.npy") >"$TMP/mpi.out" 2>&1 || fail "mpirun -np 2: exit $? ($(tail -5 "$TMP/mpi.out"))"
    grep -q "rank 1 of 2 embeds" "$TMP/mpi.out" || fail "rank 1 did not report its share: $(tail -5 "$TMP/mpi.out")"
    python3 - "$TMP/one.npy" "$TMP/two.npy" <<'EOF' || fail "mpirun -np 2 output differs from one process"
import sys
a, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
if a != b:
    import struct
    hl = struct.unpack("<H", a[8:10])[0]
    n = (len(a) - 10 - hl) // 4
    x = struct.unpack("<%df" % n, a[10 + hl:]); y = struct.unpack("<%df" % n, b[10 + hl:])
    d = max(abs(p - q) for p, q in zip(x, y))
    print("not bitwise equal; max abs diff %g" % d)
    assert d <= 1e-6
EOF
    cmp -s "$TMP/one.ids.txt" "$TMP/two.ids.txt" || fail "mpirun ids differ"
    (cd "$TMP" && HFVIZ_FAULT=fail-rank-1 timeout 120 mpirun -np 2 -x HFVIZ_FAULT "$HFVIZ" embed "$TMP/models.jsonl" \
        --model-dir "$MODEL" -o "$TMP/three.npy") >"$TMP/mpi.out" 2>&1
    rc=$?
    [ $rc -ne 0 ] || fail "a failing rank did not fail the job"
    grep -q "rank 1 of 2: failed on purpose" "$TMP/mpi.out" || fail "no clear message for the failed rank: $(tail -5 "$TMP/mpi.out")"
    [ -e "$TMP/three.npy" ] && fail "a failed MPI job wrote three.npy"
else
    echo "test_bert: mpirun or an MPI build missing: the MPI checks are skipped (apt-get install openmpi-bin libopenmpi-dev)"
fi

[ $fails -eq 0 ] && echo "test_bert: all checks passed"
exit $((fails > 0))
