#!/usr/bin/env python3
"""make-demo.py - build data/demo/models.jsonl from the real Hugging Face
family trees in ../shared/data/real/hf_model_trees (see data/demo/README.md).

Every model of the trees becomes one JSON line with the dataset's own field
names.  Nodes carry their Hub metadata and tags; models that the trees list
only as adapter / quantized / merge leaves (no metadata crawled) carry just
their id and the typed parent the tree gives them.  Edges from edges.csv
that the child's tags do not already state go into the *_parent columns.
Card facts (length in characters and words, auto-generated flag, computed
as the paper does) come from the crawled card text; the text itself is not
included.  Deterministic: rows sorted by id.

usage: python3 scripts/demo/make-demo.py [SHARED_DIR] [OUT]
"""
import csv
import glob
import json
import os
import sys

shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../shared")
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../data/demo/models.jsonl")
trees = os.path.join(shared, "data/real/hf_model_trees")

URL = "https://huggingface.co/"
nodes = {}
url_nodes = {}
with open(os.path.join(trees, "nodes.jsonl"), encoding="utf-8") as f:
    for line in f:
        n = json.loads(line)
        if n["model_id"].startswith(URL):
            # 71 crawl artifacts: a child id written as its URL, no metadata, card "nan";
            # each is also present under its real id, so the real row is kept
            url_nodes[n["model_id"][len(URL):]] = n
        else:
            nodes[n["model_id"]] = n
for mid, n in url_nodes.items():
    if mid not in nodes:
        n["model_id"] = mid
        nodes[mid] = n

cards = {}
for path in sorted(glob.glob(os.path.join(trees, "raw/*.json"))):
    with open(path, encoding="utf-8") as f:
        for m in json.load(f)["models"]:
            card = m.get("card")
            if isinstance(card, str) and card and card != "nan":
                cards[m["model_id"]] = card

RELS = ("finetune", "adapter", "quantized", "merge")
extra = {}  # child -> relation -> [parents] from edges.csv not stated by tags
all_ids = set(nodes)
with open(os.path.join(trees, "edges.csv"), encoding="utf-8", newline="") as f:
    for e in csv.DictReader(f):
        p, c, rel = e["parent"], e["child"], e["relation"]
        p, c = p.removeprefix(URL), c.removeprefix(URL)
        all_ids.update((p, c))
        tags = nodes.get(c, {}).get("tags") or []
        if f"base_model:{rel}:{p}" in tags:
            continue
        lst = extra.setdefault(c, {}).setdefault(rel, [])
        if p not in lst:
            lst.append(p)


def iso(t):
    # "2025-01-29 08:29:22+00:00" -> "2025-01-29T08:29:22.000Z" (the Hub's form)
    if not t:
        return None
    return t[:10] + "T" + t[11:19] + ".000Z"


os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out + ".tmp", "w", encoding="utf-8") as f:
    for mid in sorted(all_ids):
        n = nodes.get(mid)
        row = {"model_id": mid}
        if n:
            if n.get("author") != "https:":  # the URL-form artifacts' author
                row["author"] = n.get("author")
            row["createdAt"] = iso(n.get("created_at"))
            for k in ("downloads", "likes", "library_name", "pipeline_tag"):
                row[k] = n.get(k)
            row["tags"] = n.get("tags") or []
        else:
            row["tags"] = []
        for rel in RELS:
            row[f"{rel}_parent"] = (extra.get(mid) or {}).get(rel, [])
        card = cards.get(mid) if mid in nodes else None
        if card is not None:
            low = card.lower()
            row["model_card_length_characters"] = len(card)
            row["model_card_length_words"] = len(card.split())
            row["model_card_automatically_generated"] = (
                "automatically generated" in low or "generated automatically" in low)
        row = {k: v for k, v in row.items() if v is not None}
        f.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
os.replace(out + ".tmp", out)
print(f"{out}: {len(all_ids)} models ({len(nodes)} with metadata, {len(cards)} with card facts, "
      f"{len(url_nodes)} ids given as URLs normalized)")
