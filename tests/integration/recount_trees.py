#!/usr/bin/env python3
"""recount_trees.py - an independent recount of the real family trees,
compared with what `hfviz info --json` prints.

It reads ../shared/data/real/hf_model_trees/{nodes.jsonl,edges.csv} with
Python's own json and csv modules and recomputes, with code that shares
nothing with hfviz: models, parents by relation, the paper's typed edges,
no-merge families (weakly connected components), max depth, and the
license / library / pipeline counts.  Two checks:
  1. hfviz on data/demo/models.jsonl  vs  nodes.jsonl + edges.csv
  2. hfviz on nodes.jsonl itself      vs  nodes.jsonl alone (tags only)
usage: recount_trees.py HFVIZ SHARED_TREES_DIR DEMO_FILE
"""
import collections
import csv
import json
import subprocess
import sys

hfviz, trees, demo = sys.argv[1:4]
RELS = ("finetune", "adapter", "quantized", "merge")
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: hfviz says {got!r}, recount says {want!r}")


URL = "https://huggingface.co/"


def load_nodes():
    # 71 nodes carry their id as a Hub URL (a crawl artifact); a model id is
    # what follows the URL prefix, as the Hub itself would name it
    with open(f"{trees}/nodes.jsonl", encoding="utf-8") as f:
        nodes = [json.loads(line) for line in f]
    for n in nodes:
        n["model_id"] = n["model_id"].removeprefix(URL)
    return nodes


def parents_from_tags(tags):
    out = collections.defaultdict(set)
    for t in tags or []:
        if not t.startswith("base_model:"):
            continue
        rest = t[len("base_model:"):]
        head, sep, tail = rest.partition(":")
        if sep and head in RELS:
            out[head].add(tail)
        elif rest:
            out["base"].add(rest)
    return out


def recount(ids, parents, nodes_by_id):
    # parents: child -> relation -> set(parent ids)
    edges = {}
    internal = collections.Counter()
    external = collections.Counter()
    for child, rels in parents.items():
        for rel, ps in rels.items():
            for p in ps:
                if p not in ids:
                    external[rel] += 1
                    continue
                if p == child:
                    continue
                internal[rel] += 1
                edges.setdefault((p, child), set()).add(rel)
    typed = {}
    for pair, rels in edges.items():
        for t in ("merge", "adapter", "quantized", "finetune"):
            if t in rels:
                typed[pair] = t
                break
        else:
            typed[pair] = "untyped"
    by_type = collections.Counter(typed.values())
    # families over no-merge edges
    adj = collections.defaultdict(list)
    kids = collections.defaultdict(list)
    indeg = collections.Counter()
    for (p, c), t in typed.items():
        if t == "merge":
            continue
        adj[p].append(c)
        adj[c].append(p)
        kids[p].append(c)
        indeg[c] += 1
    seen, sizes = set(), []
    for start in ids:
        if start in seen or start not in adj:
            continue
        stack, n = [start], 0
        seen.add(start)
        while stack:
            v = stack.pop()
            n += 1
            for w in adj[v]:
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
        sizes.append(n)
    sizes.sort(reverse=True)
    # longest path from a root (Kahn order)
    depth = {v: 0 for v in ids}
    pending = {v: indeg[v] for v in ids}
    queue = [v for v in ids if pending[v] == 0]
    for v in queue:
        for c in kids[v]:
            depth[c] = max(depth[c], depth[v] + 1)
            pending[c] -= 1
            if pending[c] == 0:
                queue.append(c)
    roots_with_children = sum(1 for v in ids if indeg[v] == 0 and kids[v])
    lic = collections.Counter()
    lib = collections.Counter()
    pipe = collections.Counter()
    for n in nodes_by_id.values():
        for l in {t[len("license:"):] for t in n.get("tags") or [] if t.startswith("license:")}:
            lic[l] += 1
        if n.get("library_name"):
            lib[n["library_name"]] += 1
        if n.get("pipeline_tag"):
            pipe[n["pipeline_tag"]] += 1
    return dict(edges=len(typed), by_type=by_type, internal=internal, external=external, sizes=sizes,
                max_depth=max(depth.values()) if depth else 0, roots=roots_with_children,
                lic=lic, lib=lib, pipe=pipe)


def top(counter, k=10):
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:k]


def compare(label, info, want, rows):
    check(f"{label} models", info["models"], rows)
    check(f"{label} duplicates", info["duplicates"], 0)
    check(f"{label} edges", info["edges"]["total"], want["edges"])
    for t in ("finetune", "adapter", "quantized", "merge", "untyped"):
        check(f"{label} {t} edges", info["edges"][t], want["by_type"].get(t, 0))
    for rel in RELS:
        check(f"{label} {rel} parents in dataset", info["parents"][rel]["internal"], want["internal"].get(rel, 0))
        check(f"{label} {rel} external parents", info["parents"][rel]["external"], want["external"].get(rel, 0))
    lin = info["lineage"]
    check(f"{label} families", lin["families"], len(want["sizes"]))
    check(f"{label} largest family sizes", [f["size"] for f in lin["largest_families"]], want["sizes"][:10])
    check(f"{label} max depth", lin["max_depth"], want["max_depth"])
    check(f"{label} roots with children", lin["roots_with_children"], want["roots"])
    for key, name in (("licenses", "lic"), ("libraries", "lib"), ("pipelines", "pipe")):
        got = [(t["value"], t["count"]) for t in info["facets"][key]["top"]]
        check(f"{label} top {key}", got, top(want[name]))
        check(f"{label} distinct {key}", info["facets"][key]["distinct"], len(want[name]))


def run_info(path):
    out = subprocess.run([hfviz, "info", "--json", path], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


nodes = load_nodes()
by_id = {n["model_id"]: n for n in nodes}

# 1. the demo: nodes + every edge of the trees
ids = set(by_id)
parents = collections.defaultdict(lambda: collections.defaultdict(set))
for n in nodes:
    for rel, ps in parents_from_tags(n.get("tags")).items():
        parents[n["model_id"]][rel] |= ps
with open(f"{trees}/edges.csv", encoding="utf-8", newline="") as f:
    for e in csv.DictReader(f):
        ids.update((e["parent"], e["child"]))
        parents[e["child"]][e["relation"]].add(e["parent"])
want = recount(ids, parents, by_id)
info = run_info(demo)
compare("demo", info, want, len(ids))
check("demo rows read", info["rows"], len(ids))
cards = sum(1 for n in nodes if n.get("has_card") and n.get("card_chars", 0) > 3)  # the paper's len > 3
check("demo models with a card", info["cards"]["with_card"], cards)

# 2. nodes.jsonl read directly (its own *_parent columns agree with its tags)
parents2 = collections.defaultdict(lambda: collections.defaultdict(set))
for n in nodes:
    for rel, ps in parents_from_tags(n.get("tags")).items():
        parents2[n["model_id"]][rel] |= ps
    for rel in RELS:
        parents2[n["model_id"]][rel] |= set(n.get(f"{rel}_parent") or [])
    parents2[n["model_id"]]["base"] |= set(n.get("base_model_declared") or [])
want2 = recount(set(by_id), parents2, by_id)
info2 = run_info(f"{trees}/nodes.jsonl")
compare("nodes.jsonl", info2, want2, len(by_id))

print(f"recount: demo {len(ids)} models, {want['edges']} edges ({dict(want['by_type'])}), "
      f"{len(want['sizes'])} families, largest {want['sizes'][:3]}, max depth {want['max_depth']}")
if failures:
    print("\n".join("FAIL " + f for f in failures))
    sys.exit(1)
print("recount agrees with hfviz info")
