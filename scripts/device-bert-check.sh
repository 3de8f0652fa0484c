#!/bin/sh
# device-bert-check.sh - run on a machine with PyTorch and transformers (the `device` tool's GPU
# machine has both): regenerate the BERT fixture with transformers' BertModel + BertTokenizer as the
# reference.  make-bert-fixture.py asserts that its PyTorch port and its tokenizer port agree with
# transformers (max abs diff < 1e-5, equal ids) before it writes anything, so a pass here means the
# committed expected.json files (made by the port) are transformers' numbers too.  The new files are
# written to $OUT/bert (or /tmp/bert-fixture) for comparison with tests/fixtures/bert.
set -eu
cd "$(dirname "$0")/.."
OUT_DIR=${OUT:-/tmp}/bert
python3 -c "import torch, transformers; print('torch', torch.__version__, 'transformers', transformers.__version__)"
python3 scripts/make-bert-fixture.py "$OUT_DIR"
python3 - "$OUT_DIR" tests/fixtures/bert <<'PY'
import json, sys
new, old = sys.argv[1], sys.argv[2]
for m in ("tiny-mean", "tiny-cls-f16", "minilm-l6-shape"):
    a = json.load(open("%s/%s/expected.json" % (new, m)))
    b = json.load(open("%s/%s/expected.json" % (old, m)))
    assert a["ids"] == b["ids"], m + ": token ids differ from the committed fixture"
    d = max(abs(x - y) for ra, rb in zip(a["embeddings"], b["embeddings"]) for x, y in zip(ra, rb))
    print("%s: reference %s; max abs diff to the committed fixture %.3g" % (m, a["reference"], d))
    assert d < 1e-5, m
PY
