#!/bin/sh
# hfviz synth --plant-*: the options end to end (parse, write, read back with
# hfviz analyze).  tests/unit/test_science_planted.c holds the full checks of
# recovery with their tolerances (docs/science.md, "Planted effects"); this
# checks that the command-line options reach the generator and that bad
# values are usage errors.
set -u
HFVIZ=${1:-build/hfviz}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$HFVIZ" synth --rows 30000 --seed 5 --no-cards --plant-license-mutation 0.3 -o "$TMP/mut.csv" 2>/dev/null ||
    fail "synth --plant-license-mutation"
"$HFVIZ" analyze "$TMP/mut.csv" drift --trait license --relations nomerge --json > "$TMP/mut.json" ||
    fail "analyze drift on the mutation plant"
python3 - "$TMP/mut.json" <<'EOF' || fail "license mutation rate not recovered"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["traffic"] >= 5000 and abs(d["mutation_rate"] - 0.3) <= 0.03, (d["traffic"], d["mutation_rate"])
EOF

"$HFVIZ" synth --rows 30000 --seed 8 --no-cards --plant-drift apache-2.0,cc-by-nc-4.0,0.4 -o "$TMP/drift.csv" \
    2>/dev/null || fail "synth --plant-drift"
"$HFVIZ" analyze "$TMP/drift.csv" drift --trait license --relations nomerge --json > "$TMP/drift.json" ||
    fail "analyze drift on the drift plant"
python3 - "$TMP/drift.json" <<'EOF' || fail "planted drift direction not the heaviest transition"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["top_transitions"][0]
assert (t["from"], t["to"]) == ("apache-2.0", "cc-by-nc-4.0") and t["weight"] >= 10 * t["reverse"], t
EOF

"$HFVIZ" synth --rows 2000 --seed 9 --plant-card-gap 0.25 -o "$TMP/gap.csv" 2>/dev/null || fail "synth --plant-card-gap"
"$HFVIZ" analyze "$TMP/gap.csv" similarity --artifact card --no-frontmatter --samples 200 --bootstrap 0 --json \
    > "$TMP/gap.json" || fail "analyze similarity on the card plant"
python3 - "$TMP/gap.json" <<'EOF' || fail "planted card gap not recovered"
import json, sys
d = json.load(open(sys.argv[1]))
def mean(rel):
    xs = [c["levenshtein"]["mean"] for c in d["configs"] if c["relation"] == rel and c["pairs"] >= 50]
    return sum(xs) / len(xs)
gap = mean("siblings") - mean("parent-child")
assert abs(gap - round(0.25 * 512) / 512) <= 0.01, gap
EOF

# the plant reaches the file (test_synth and the unit test check that without one nothing changes)
"$HFVIZ" synth --rows 3000 --seed 5 --no-cards -o "$TMP/a.csv" 2>/dev/null
"$HFVIZ" synth --rows 3000 --seed 5 --no-cards --plant-license-mutation 0.3 -o "$TMP/b.csv" 2>/dev/null
cmp -s "$TMP/a.csv" "$TMP/b.csv" && fail "the mutation plant changed nothing"

for bad in "--plant-license-mutation 1.5" "--plant-license-mutation x" "--plant-drift mit,0.5" \
    "--plant-drift no-such-license,mit,0.5" "--plant-drift mit,mit,0.5" "--plant-drift mit,apache-2.0,2" \
    "--plant-card-gap 0.9" "--plant-card-gap -0.1"; do
    # shellcheck disable=SC2086
    "$HFVIZ" synth --rows 10 -o "$TMP/bad.csv" $bad 2>/dev/null
    rc=$?
    [ "$rc" -eq 64 ] || fail "synth $bad exited $rc, wanted 64"
done
"$HFVIZ" synth --rows 10 -o "$TMP/bad.csv" --no-cards --plant-card-gap 0.3 2>/dev/null
[ $? -eq 64 ] || fail "--plant-card-gap without cards accepted"
[ -e "$TMP/bad.csv" ] && fail "a refused run left a file"

[ $fails -eq 0 ] && echo "synth planted: all checks passed"
exit $((fails > 0))
