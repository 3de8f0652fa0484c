#!/bin/sh
# The counts `hfviz info` prints for the real trees agree with an
# independent recount of the source files (tests/integration/recount_trees.py).
set -eu
HFVIZ=${1:-build/hfviz}
TREES=${HV_SHARED:-../shared}/data/real/hf_model_trees
if [ ! -f "$TREES/nodes.jsonl" ]; then
    echo "SKIP: $TREES not found (the shared real data is absent)"
    exit 0
fi
python3 tests/integration/recount_trees.py "$HFVIZ" "$TREES" data/demo/models.jsonl
