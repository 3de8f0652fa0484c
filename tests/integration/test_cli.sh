#!/bin/sh
# The command line as a user meets it: help, exit statuses, error messages
# that name the file and the row or byte offset, --skip-bad-rows, shards,
# the card store, and no partial output after a failure.
set -u
HFVIZ=${1:-build/hfviz}
FX=tests/fixtures
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
pass() { :; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS GREP-PATTERN -- ARGS...: exit status and a stderr/stdout match
expect() {
    want=$1; pattern=$2; shift 3
    "$HFVIZ" "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "hfviz $*: exit $got, want $want ($(head -c 300 "$TMP/err"))"
    if [ -n "$pattern" ] && ! grep -q -- "$pattern" "$TMP/out" "$TMP/err"; then
        fail "hfviz $*: output lacks '$pattern': $(head -c 300 "$TMP/err")"
    fi
}

expect 0 "usage: hfviz COMMAND" -- --help
expect 0 "usage: hfviz info" -- info --help
expect 0 "usage: hfviz synth" -- synth --help
expect 64 "unknown command" -- frobnicate
expect 64 "no input files" -- info
expect 64 "--top must be" -- info --top 0 data/demo/models.jsonl
expect 2 "nope.csv" -- info "$TMP/nope.csv"

# bad input: file, place and reason; exit 2; stdout stays empty
expect 2 "bad_rows.csv: row" -- info $FX/csv/bad_rows.csv
[ -s "$TMP/out" ] && fail "partial output on stdout after a failed read"
expect 2 "unterminated_quote.csv" -- info $FX/csv/unterminated_quote.csv
expect 2 "no_model_id.csv" -- info $FX/csv/no_model_id.csv
expect 2 "broken_line.jsonl: row" -- info $FX/jsonl/broken_line.jsonl
expect 2 "UTF-8" -- info $FX/jsonl/invalid_utf8.jsonl
expect 2 "bad_codec.parquet" -- info $FX/parquet/bad_codec.parquet
expect 2 "byte offset" -- info $FX/parquet/bad_page_overrun.parquet
expect 2 "no model_id column" -- info $FX/parquet/no_model_id.parquet
head -c 3000 $FX/parquet/hub_pylist_snappy.parquet > "$TMP/truncated.parquet"
expect 2 "truncated.parquet" -- info "$TMP/truncated.parquet"
printf 'PAR1garbage' > "$TMP/magic.parquet"
expect 2 "magic.parquet" -- info --format parquet "$TMP/magic.parquet"

# --skip-bad-rows goes on and says how many and why
expect 0 "skipped" -- info --skip-bad-rows $FX/csv/bad_rows.csv
"$HFVIZ" info --json --skip-bad-rows $FX/csv/bad_rows.csv > "$TMP/skip.json" 2>/dev/null
python3 - "$TMP/skip.json" <<'PY' || fail "--skip-bad-rows JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["files"][0]
assert d["rows_skipped"] > 0 and f["rows_skipped"] == d["rows_skipped"], d
assert len(f["skip_reasons"]) == min(f["rows_skipped"], 20) and all("row" in r for r in f["skip_reasons"]), f
PY

# no partial card store after a failure; a complete one after success
expect 2 "" -- info --cards "$TMP/cards.store" data/demo/models.jsonl $FX/csv/bad_rows.csv
[ -e "$TMP/cards.store" ] || [ -e "$TMP/cards.store.tmp" ] && fail "card store left behind after a failure"
if [ -d ../shared/data/real/model_cards/from_model_trees ]; then
    expect 0 "with front matter" -- info --cards "$TMP/cards.store" data/demo/models.jsonl ../shared/data/real/model_cards/from_model_trees
    [ -s "$TMP/cards.store" ] || fail "no card store written"
    [ -e "$TMP/cards.store.tmp" ] && fail "card store temp file left"
else
    echo "SKIP: card store on real cards (../shared absent)"
fi

# shards: two files into one catalog, duplicates counted, last wins
head -4000 data/demo/models.jsonl > "$TMP/a.jsonl"
tail -n +3000 data/demo/models.jsonl > "$TMP/b.jsonl"
"$HFVIZ" info --json "$TMP/a.jsonl" "$TMP/b.jsonl" > "$TMP/shards.json" || fail "shards"
"$HFVIZ" info --json data/demo/models.jsonl > "$TMP/whole.json" || fail "whole"
python3 - "$TMP/shards.json" "$TMP/whole.json" <<'PY' || fail "shards differ from the whole file"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["duplicates"] == 1001, a["duplicates"]
for k in ("models", "edges", "parents", "lineage", "facets", "cards"):
    assert a[k] == b[k], k
PY

# unknown columns are reported
expect 0 "unknown columns" -- info $FX/csv/unknown_columns.csv

# synth writes nothing partial and is deterministic
"$HFVIZ" synth --rows 2000 --seed 7 -o "$TMP/s1.csv" 2>/dev/null || fail "synth csv"
"$HFVIZ" synth --rows 2000 --seed 7 -o "$TMP/s2.csv" 2>/dev/null || fail "synth csv again"
cmp -s "$TMP/s1.csv" "$TMP/s2.csv" || fail "synth is not deterministic"
"$HFVIZ" synth --rows 2000 --seed 7 --format parquet -o "$TMP/s1.parquet" 2>/dev/null || fail "synth parquet"
"$HFVIZ" info --json "$TMP/s1.csv" > "$TMP/c.json" && "$HFVIZ" info --json "$TMP/s1.parquet" > "$TMP/p.json" || fail "info on synth"
python3 - "$TMP/c.json" "$TMP/p.json" <<'PY' || fail "CSV and Parquet of the same rows give different catalogs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["models"] == 2000
for k in ("models", "edges", "parents", "lineage", "facets", "cards", "created_at"):
    assert a[k] == b[k], (k, a[k], b[k])
PY

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "cli: all checks passed"
