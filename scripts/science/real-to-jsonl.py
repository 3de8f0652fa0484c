#!/usr/bin/env python3
"""real-to-jsonl.py - turn the real family trees of ../shared/data/real/hf_model_trees into
hfviz inputs under a temporary folder (python3 stdlib only; nothing here is committed).

Writes, under OUT (default /tmp/hfviz-real):
  trees.jsonl   the 2,053 crawled tree nodes, one row each, with the dataset's field names
                (model_id, author, createdAt, downloads, likes, library_name, pipeline_tag, tags,
                *_parent).  The 71 nodes the source names by URL (crawl failed, no metadata) are
                named by their id and get the tree parent edges.csv gives them; edges.csv edges
                that a node's base_model: tags do not state go into its *_parent columns.
  leaves.jsonl  the 6,171 models the trees list only as adapter / quantized / merge children
                (never crawled): id and typed parent only, as on the paper's graph where such
                a child would be a full row.  Add it for the all-relations graph.
  cards/        <owner>__<name>.md for every crawled node with a card (the v2 files' `card`
                field; "N/A" is no card), so hfviz joins the text to the rows.

Same mapping as scripts/demo/make-demo.py (which writes trees + leaves as one file, without
card text).  Deterministic: rows sorted by id.

usage: python3 scripts/science/real-to-jsonl.py [REAL_DIR] [OUT]
"""
import csv
import glob
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
real = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../../shared/data/real")
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/hfviz-real"
trees = os.path.join(real, "hf_model_trees")
URL = "https://huggingface.co/"
RELS = ("finetune", "adapter", "quantized", "merge")

nodes, url_nodes = {}, {}
with open(os.path.join(trees, "nodes.jsonl"), encoding="utf-8") as f:
    for line in f:
        n = json.loads(line)
        if n["model_id"].startswith(URL):
            url_nodes[n["model_id"][len(URL):]] = n
        else:
            nodes[n["model_id"]] = n
for mid, n in url_nodes.items():
    if mid not in nodes:
        n = dict(n, model_id=mid, author=None)
        nodes[mid] = n

cards = {}
for path in sorted(glob.glob(os.path.join(trees, "raw/*.json"))):
    with open(path, encoding="utf-8") as f:
        for m in json.load(f)["models"]:
            mid = m["model_id"].removeprefix(URL)
            card = m.get("card")
            if isinstance(card, str) and len(card) > 3 and card not in ("nan", "N/A"):
                cards[mid] = card

extra, leaves = {}, {}
with open(os.path.join(trees, "edges.csv"), encoding="utf-8", newline="") as f:
    for e in csv.DictReader(f):
        p, c, rel = e["parent"].removeprefix(URL), e["child"].removeprefix(URL), e["relation"]
        tags = nodes.get(c, {}).get("tags") or []
        if c in nodes and f"base_model:{rel}:{p}" in tags:
            continue
        dst = extra if c in nodes else leaves
        lst = dst.setdefault(c, {}).setdefault(rel, [])
        if p not in lst:
            lst.append(p)
for p_rels in list(leaves.values()):
    for lst in p_rels.values():
        for p in lst:
            if p not in nodes and p not in leaves:
                leaves[p] = {}  # a parent known only as a leaf id


def iso(t):
    return t[:10] + "T" + t[11:19] + ".000Z" if t else None


os.makedirs(os.path.join(out, "cards"), exist_ok=True)
with open(os.path.join(out, "trees.jsonl"), "w", encoding="utf-8") as f:
    for mid in sorted(nodes):
        n = nodes[mid]
        row = {"model_id": mid, "author": n.get("author"), "createdAt": iso(n.get("created_at"))}
        for k in ("downloads", "likes", "library_name", "pipeline_tag"):
            row[k] = n.get(k)
        row["tags"] = n.get("tags") or []
        for rel in RELS:
            row[f"{rel}_parent"] = (extra.get(mid) or {}).get(rel, [])
        f.write(json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False) + "\n")
with open(os.path.join(out, "leaves.jsonl"), "w", encoding="utf-8") as f:
    for mid in sorted(leaves):
        row = {"model_id": mid, "tags": []}
        for rel in RELS:
            row[f"{rel}_parent"] = leaves[mid].get(rel, [])
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
for mid, card in cards.items():
    with open(os.path.join(out, "cards", mid.replace("/", "__") + ".md"), "w", encoding="utf-8") as f:
        f.write(card)
print(f"{out}: trees.jsonl {len(nodes)} models ({len(url_nodes)} URL-named renamed, "
      f"{sum(len(v) for r in extra.values() for v in r.values())} edges beyond tags), "
      f"leaves.jsonl {len(leaves)} id-only children, cards/ {len(cards)} cards")
