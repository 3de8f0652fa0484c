#!/bin/sh
# `hfviz analyze` on the demo: every analysis in text, JSON and CSV, its
# numbers against an independent Python recount (recount_science.py), and
# bad usage / bad input failing with a clear message and the right status.
set -eu
HFVIZ=${1:-build/hfviz}
DEMO=data/demo/models.jsonl
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for a in families drift license docs similarity; do
    "$HFVIZ" analyze "$DEMO" "$a" > "$T/$a.txt" || fail "$a (text) exited $?"
    [ -s "$T/$a.txt" ] || fail "$a printed nothing"
    "$HFVIZ" analyze "$DEMO" "$a" --json > "$T/$a.json" || fail "$a --json"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["analysis"]==sys.argv[2], d["analysis"]' \
        "$T/$a.json" "$a" || fail "$a --json does not parse"
    "$HFVIZ" analyze "$DEMO" "$a" --csv > "$T/$a.csv" || fail "$a --csv"
    python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); assert len(r)>=2 and all(len(x)==len(r[0]) for x in r), r[:3]' \
        "$T/$a.csv" || fail "$a --csv is not a rectangular table"
done
grep -q "google/gemma-7b" "$T/families.txt" || fail "families: the largest family is not named"
grep -q "mutation rate" "$T/drift.txt" || fail "drift text"
grep -q "flagged" "$T/license.txt" || fail "license text"
grep -q "^  overall" "$T/docs.txt" || fail "docs text"
grep -q "uncle-nephew" "$T/similarity.txt" || fail "similarity text"
# the paper's headline on the demo: siblings are more alike than parent and child (TF-IDF, metadata)
python3 - "$T/similarity.json" <<'PY' || fail "similarity: siblings not above parent-child"
import json, sys
c = json.load(open(sys.argv[1]))["configs"]
sib = [x["tfidf"]["mean"] for x in c if x["pattern"] in ("trio_1", "quad_0") and x["relation"] == "siblings"]
duo = [x["tfidf"]["mean"] for x in c if x["pattern"] == "duo"][0]
assert all(s > duo for s in sib), (sib, duo)
PY
# card artifact on the real cards, when the shared data is there
CARDS=${HV_SHARED:-../shared}/data/real/model_cards/from_model_trees
if [ -d "$CARDS" ]; then
    "$HFVIZ" analyze "$DEMO" "$CARDS" similarity --artifact card --samples 200 --bootstrap 100 --json > "$T/simcard.json" \
        || fail "similarity --artifact card"
    "$HFVIZ" analyze "$DEMO" "$CARDS" diff --artifact card --no-frontmatter \
        --models google/gemma-7b,google/gemma-7b-it > "$T/diffcard.txt" || fail "diff --artifact card"
    grep -q "diff of the card" "$T/diffcard.txt" || fail "diff card text"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["artifact"]=="card" and d["eligible_documents"]>100 and d["configs"][1]["pairs"]>0, d["eligible_documents"]' \
        "$T/simcard.json" || fail "card similarity found no cards"
fi

# diff: the segments rebuild both texts, and their cost is the edit distance
# (recomputed here by the textbook DP over code points)
"$HFVIZ" analyze "$DEMO" diff --models google/gemma-7b,google/gemma-7b-it > "$T/diff.txt" || fail "diff"
grep -q "^+ -it" "$T/diff.txt" || fail "diff text"
"$HFVIZ" analyze "$DEMO" diff --models google/gemma-7b,google/gemma-7b-it --csv > "$T/diff.csv" || fail "diff --csv"
"$HFVIZ" analyze "$DEMO" diff --models google/gemma-7b,google/gemma-7b-it --json > "$T/diff.json" || fail "diff --json"
python3 - "$T/diff.json" <<'PY' || fail "diff: segments and distance disagree"
import json, sys
d = json.load(open(sys.argv[1]))
a = "".join(s["a"] for s in d["segments"])
b = "".join(s["b"] for s in d["segments"])
assert len(a) == d["a_chars"] and len(b) == d["b_chars"], (len(a), len(b))
assert a.startswith("{'id': 'google/gemma-7b'") and b.startswith("{'id': 'google/gemma-7b-it'")
prev = list(range(len(b) + 1))
for i, ca in enumerate(a, 1):
    cur = [i]
    for j, cb in enumerate(b, 1):
        cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
    prev = cur
assert prev[-1] == d["distance"], (prev[-1], d["distance"])
cost = sum(len(s["b"]) if s["op"] == "insert" else len(s["a"]) for s in d["segments"] if s["op"] != "equal")
assert cost == d["distance"], (cost, d["distance"])
assert abs(d["similarity"] - (1 - d["distance"] / max(len(a), len(b)))) < 1e-12
PY

# the paper's two graph variants, pairs behind a transition, fine-tune only
"$HFVIZ" analyze "$DEMO" drift --trait license --relations finetune --top-n 10 > "$T/ft.txt" || fail "drift finetune"
grep -q "over finetune edges" "$T/ft.txt" || fail "drift --relations finetune not applied"
"$HFVIZ" analyze "$DEMO" drift --trait license --pairs llama2,apache-2.0 > "$T/pairs.txt" || fail "--pairs"
grep -q "llama2 -> apache-2.0" "$T/pairs.txt" || fail "--pairs header"
grep -q "(finetune) \[llama2\] -> \[apache-2.0\]" "$T/pairs.txt" || fail "--pairs lists no pair"

# a map built from the demo gives the same documents as the demo itself
"$HFVIZ" build "$DEMO" -o "$T/demo.map" --dims 2 --epochs 10 --embed-dims 8 -k 5 --no-cache --no-vectors \
    --threads 2 > "$T/build.out" 2>&1 || { cat "$T/build.out"; fail "build"; }
for a in families drift license docs similarity; do
    "$HFVIZ" analyze "$T/demo.map" "$a" --json > "$T/$a.map.json" || fail "$a on the map"
    cmp -s "$T/$a.json" "$T/$a.map.json" || fail "$a: the map and the inputs disagree"
done

# independent recount
python3 tests/integration/recount_science.py "$HFVIZ" "$DEMO"

# bad usage and bad input
expect() { # STATUS PATTERN CMD...
    want=$1; pat=$2; shift 2
    set +e
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    set -e
    [ "$got" -eq "$want" ] || fail "'$*' exited $got, want $want ($(cat "$T/err"))"
    grep -q -- "$pat" "$T/err" || fail "'$*': stderr lacks '$pat': $(cat "$T/err")"
    [ ! -s "$T/out" ] || fail "'$*' printed on stdout"
}
expect 64 "unknown analysis 'nope'" "$HFVIZ" analyze "$DEMO" nope
expect 64 "give INPUT" "$HFVIZ" analyze families
expect 64 "top must be an integer in 1..1000" "$HFVIZ" analyze "$DEMO" families --top 0
expect 64 "top-n must be an integer in 2..20" "$HFVIZ" analyze "$DEMO" drift --top-n 21
expect 64 "unknown relation 'finetunes'" "$HFVIZ" analyze "$DEMO" drift --relations finetunes
expect 64 "burst-factor" "$HFVIZ" analyze "$DEMO" families --burst-factor 0.5
expect 64 "trait must be" "$HFVIZ" analyze "$DEMO" drift --trait color
expect 64 "pairs goes with drift and one --trait" "$HFVIZ" analyze "$DEMO" drift --pairs a,b
expect 64 "FROM,TO" "$HFVIZ" analyze "$DEMO" drift --trait license --pairs llama2
expect 64 "no model has license 'nope'" "$HFVIZ" analyze "$DEMO" drift --trait license --pairs nope,mit
expect 64 "exclude each other" "$HFVIZ" analyze "$DEMO" docs --json --csv
expect 64 "samples must be an integer in 1..100000" "$HFVIZ" analyze "$DEMO" similarity --samples 0
expect 64 "artifact must be metadata or card" "$HFVIZ" analyze "$DEMO" similarity --artifact readme
expect 64 "holds no model cards" "$HFVIZ" analyze "$T/demo.map" similarity --artifact card
expect 64 "holds no model cards" "$HFVIZ" analyze "$DEMO" similarity --artifact card
expect 64 "diff needs --models" "$HFVIZ" analyze "$DEMO" diff
expect 64 "no model 'nope/x'" "$HFVIZ" analyze "$DEMO" diff --models google/gemma-7b,nope/x
expect 64 "max-chars must be an integer in 1..10000" "$HFVIZ" analyze "$DEMO" diff --models a,b --max-chars 10001
expect 2 "missing.jsonl" "$HFVIZ" analyze "$T/missing.jsonl" families
printf '{"model_id": "a/b", "tags": []}\n{"model_id": "c/d", "tags": [}\n' > "$T/bad.jsonl"
expect 2 "bad.jsonl: row 2" "$HFVIZ" analyze "$T/bad.jsonl" families
"$HFVIZ" analyze --skip-bad-rows "$T/bad.jsonl" families > /dev/null || fail "--skip-bad-rows"
echo "test_analyze: ok"
