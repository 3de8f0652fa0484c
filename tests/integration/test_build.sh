#!/bin/sh
# hfviz build on the demo: a map that info/export can read, the stage cache,
# atomic writes, and refusal of damaged maps.
set -u
HFVIZ=${1:-build/hfviz}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

MAP="$TMP/demo.map"
"$HFVIZ" build data/demo/models.jsonl -o "$MAP" --threads 2 >"$TMP/build1.out" 2>&1 || { cat "$TMP/build1.out"; fail "build"; }
grep -q "stage knn" "$TMP/build1.out" || fail "no timing line for the knn stage"
"$HFVIZ" info --json "$MAP" > "$TMP/info.json" || fail "info MAP"
python3 - "$TMP/info.json" <<'PY' || fail "map description"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["models"] == 8153, d["models"]
assert d["edges"] == 8132, d["edges"]
assert d["layout_2d"] and d["layout_3d"]
assert d["knn_k"] == 30 and d["vector_dims"] == 96
assert 2 <= d["clusters"] <= 256
assert set(d["build"]["stage_seconds"]) >= {"ingest", "embed", "knn", "umap_2d", "umap_3d", "clusters"}
PY

# export: every model once, finite coordinates, the columns the issue names
"$HFVIZ" export "$MAP" --format csv -o "$TMP/map.csv" --vectors "$TMP/v.npy" || fail "export csv"
"$HFVIZ" export "$MAP" --format jsonl > "$TMP/map.jsonl" || fail "export jsonl"
python3 - "$TMP/map.csv" "$TMP/map.jsonl" "$TMP/v.npy" <<'PY' || fail "export contents"
import csv, json, math, struct, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 8153
for k in ("model_id", "x", "y", "z", "cluster", "family_root", "depth", "library", "pipeline", "license", "downloads", "likes"):
    assert k in rows[0], k
assert all(math.isfinite(float(r["x"])) and math.isfinite(float(r["y"])) for r in rows)
assert len({r["model_id"] for r in rows}) == 8153
# no point thrown far out: the demo's graph is in 22-26 pieces and its biggest
# starts packed; summed negative-sample pushes once threw 50 points up to
# 1,400 units out (a 1-99 % span of ~80)
for axes in (("x", "y"), ("x3", "y3", "z3")):
    pts = [[float(r[a]) for a in axes] for r in rows]
    span = 0
    med = []
    for c in range(len(axes)):
        v = sorted(p[c] for p in pts)
        span = max(span, v[len(v) * 99 // 100] - v[len(v) // 100])
        med.append(v[len(v) // 2])
    far = max(math.dist(p, med) for p in pts)
    assert far <= 1.5 * span, (axes, far, span)
byid = {r["model_id"]: r for r in rows}
assert byid["google/gemma-7b"]["depth"] == "0"
j = [json.loads(l) for l in open(sys.argv[2])]
assert len(j) == 8153 and j[0]["model_id"] == rows[0]["model_id"]
with open(sys.argv[3], "rb") as f:
    assert f.read(6) == b"\x93NUMPY"
    f.read(2)
    hl = struct.unpack("<H", f.read(2))[0]
    hdr = f.read(hl).decode()
    assert "'<f4'" in hdr and "(8153, 96)" in hdr, hdr
PY

# a rerun that changes only the layout reuses the embedding and the graph
"$HFVIZ" build data/demo/models.jsonl -o "$MAP" --threads 2 --min-dist 0.1 --dims 2 >"$TMP/build2.out" 2>&1 || fail "rebuild"
grep -q "embed .*(cached)" "$TMP/build2.out" || fail "embedding not reused from the cache"
grep -q "knn .*(cached)" "$TMP/build2.out" || fail "kNN graph not reused from the cache"
"$HFVIZ" info --json "$MAP" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["layout_2d"] and not d["layout_3d"]' \
    || fail "the rebuilt map has the new options"

# a failed build leaves the existing map as it was
cp "$MAP" "$TMP/before.map"
"$HFVIZ" build data/demo/models.jsonl tests/fixtures/csv/bad_rows.csv -o "$MAP" >"$TMP/build3.out" 2>&1
[ $? -eq 2 ] || fail "a build over bad input should exit 2"
grep -q "bad_rows.csv: row" "$TMP/build3.out" || fail "the error names the file and row"
cmp -s "$MAP" "$TMP/before.map" || fail "a failed build changed the existing map"
[ -e "$MAP.tmp" ] && fail "temp map left behind"

# damaged maps are refused with a reason
cp "$MAP" "$TMP/trunc.map"
truncate -s 100000 "$TMP/trunc.map"
"$HFVIZ" info "$TMP/trunc.map" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "truncated" "$TMP/err" || fail "truncated map: $(cat "$TMP/err")"
cp "$MAP" "$TMP/flip.map"
printf '\377\377\377\377' | dd of="$TMP/flip.map" bs=1 seek=300000 conv=notrunc 2>/dev/null
"$HFVIZ" info "$TMP/flip.map" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "checksum" "$TMP/err" || fail "corrupt map: $(cat "$TMP/err")"
"$HFVIZ" export "$TMP/trunc.map" >/dev/null 2>&1 && fail "export of a truncated map succeeded"

# bounded options
"$HFVIZ" build data/demo/models.jsonl -o "$TMP/x.map" --neighbors 100000 >/dev/null 2>&1
[ $? -eq 64 ] || fail "--neighbors out of range is a usage error"

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "build: all checks passed"
