#!/bin/sh
# run-real.sh - every `hfviz analyze` analysis on the real family trees of
# ../shared/data/real (the numbers of docs/science.md, "On the real trees").
#
#   sh scripts/science/run-real.sh [OUT]        (default OUT=/tmp/hfviz-real)
#
# Inputs (written by scripts/science/real-to-jsonl.py under OUT, never committed):
#   TREES = trees.jsonl + cards/            the 2,053 crawled tree nodes with their card text
#   FULL  = TREES + leaves.jsonl            + the 6,100 adapter/quantized/merge children the trees
#                                           list by id only (the all-relations graph)
#   RAW   = hf_model_trees/raw/*.json       the tree files read directly (Hub JSON, cards inline),
#                                           a cross-check of the converter
# Text results go to OUT/out/<name>.txt, JSON to OUT/out/<name>.json.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
real=${REAL:-$root/../shared/data/real}
out=${1:-/tmp/hfviz-real}
hfviz=${HFVIZ:-$root/build/hfviz}
samples=${SAMPLES:-5000}   # draws per similarity configuration (the paper's aug4 figures: 5000)

python3 "$here/real-to-jsonl.py" "$real" "$out"
mkdir -p "$out/out"
TREES="$out/trees.jsonl $out/cards"
FULL="$out/trees.jsonl $out/leaves.jsonl $out/cards"
RAW=$(ls "$real"/hf_model_trees/raw/*.json)

run() { # name input-set args...
    name=$1; shift; set_=$1; shift
    # shellcheck disable=SC2086
    "$hfviz" analyze $set_ "$@" > "$out/out/$name.txt"
    # shellcheck disable=SC2086
    "$hfviz" analyze $set_ "$@" --json > "$out/out/$name.json"
    echo "$name: hfviz analyze <$(echo "$set_" | wc -w) inputs> $*"
}

"$hfviz" info $FULL > "$out/out/info-full.txt"
# shellcheck disable=SC2086
"$hfviz" info $RAW > "$out/out/info-raw.txt"

# families: no-merge graph (default), fine-tune only, all relations; direct read as a check
run families-full         "$FULL" families --top 25
run families-full-ft      "$FULL" families --relations finetune --top 25
run families-full-all     "$FULL" families --relations all --top 25
run families-raw          "$RAW"  families --top 25

# drift: every trait, the paper's two graph variants (all relations; fine-tune only, HEAD)
for t in license language task library; do
    run "drift-$t-all"      "$FULL" drift --trait "$t" --relations all --top 20
    run "drift-$t-finetune" "$FULL" drift --trait "$t" --relations finetune --top 20
    run "drift-$t-raw"      "$RAW"  drift --trait "$t" --relations all --top 20
done
# the pairs behind the heaviest transitions
run pairs-license-llama2-apache "$FULL" drift --trait license --pairs llama2,apache-2.0 --limit 20
run pairs-license-gemma-apache  "$FULL" drift --trait license --pairs gemma,apache-2.0 --limit 20
run pairs-task-tg-tc            "$FULL" drift --trait task --pairs text-generation,text-classification --limit 20

# license audit
run license-all      "$FULL" license --top 25 --limit 200
run license-finetune "$FULL" license --relations finetune --top 25 --limit 200

# documentation drift: all relations (the paper's), fine-tune only, crawled nodes only
run docs-all      "$FULL"  docs
run docs-finetune "$FULL"  docs --relations finetune
run docs-trees    "$TREES" docs
run docs-raw      "$RAW"   docs

# similarity, fine-tune graph (the paper's aug4 figures), crawled nodes (every row has metadata)
run sim-meta          "$TREES" similarity --samples "$samples"
run sim-meta-strip    "$TREES" similarity --samples "$samples" --strip-ids
run sim-card          "$TREES" similarity --samples "$samples" --artifact card
run sim-card-nofm     "$TREES" similarity --samples "$samples" --artifact card --no-frontmatter
run sim-card-strip    "$TREES" similarity --samples "$samples" --artifact card --strip-ids
run sim-card-both     "$TREES" similarity --samples "$samples" --artifact card --strip-ids --no-frontmatter
# with the id-only leaves in the graph (random pairs then mostly id-only rows)
run sim-meta-full     "$FULL"  similarity --samples "$samples"
# direct read of the tree files
run sim-meta-raw      "$RAW"   similarity --samples "$samples"
run sim-card-raw      "$RAW"   similarity --samples "$samples" --artifact card

# diff of one real parent/child pair (a fine-tune edge, both with metadata and a card)
run diff-meta       "$TREES" diff --models google/gemma-7b,google/gemma-7b-it
run diff-meta-strip "$TREES" diff --models google/gemma-7b,google/gemma-7b-it --strip-ids
run diff-card       "$TREES" diff --models google/gemma-7b,google/gemma-7b-it --artifact card --no-frontmatter --max-chars 1000
