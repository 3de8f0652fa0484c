#!/usr/bin/env python3
"""recount_science.py - an independent recount of `hfviz analyze` on the demo.

It reads data/demo/models.jsonl with Python's json module and recomputes,
with code that shares nothing with hfviz (paper-analyses.md §1.3-1.4, §2.2-2.5):
the typed edges, families over the no-merge graph (count, sizes, max depth,
fertility), license/task/library drift over all edges (traffic, mutation
rate, transition weights counted as the paper's get_trait_graph does, with
its double counting), the license audit and the documentation drift means.
Languages are left out: naming them needs the ISO 639-1 table.
usage: recount_science.py HFVIZ DEMO_FILE
"""
import collections
import json
import subprocess
import sys

hfviz, demo = sys.argv[1:3]
RELS = ("finetune", "adapter", "quantized", "merge")
failures = []


def check(what, got, want, tol=None):
    ok = abs(got - want) <= tol if tol is not None else got == want
    if not ok:
        failures.append(f"{what}: hfviz says {got!r}, recount says {want!r}")


def analyze(*args):
    out = subprocess.run([hfviz, "analyze", demo, *args, "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


URL = "https://huggingface.co/"
rows = {}
with open(demo, encoding="utf-8") as f:
    for line in f:
        n = json.loads(line)
        rows[n["model_id"].removeprefix(URL)] = n

# parents: tags and the *_parent columns, union per relation
pairs = collections.defaultdict(set)
for cid, n in rows.items():
    for t in n.get("tags") or []:
        if not t.startswith("base_model:"):
            continue
        rest = t[len("base_model:"):]
        head, sep, tail = rest.partition(":")
        rel, p = (head, tail) if sep and head in RELS else ("base", rest)
        pairs[(p.removeprefix(URL), cid)].add(rel)
    for rel in RELS:
        for p in n.get(f"{rel}_parent") or []:
            pairs[(p.removeprefix(URL), cid)].add(rel)
edges = []  # (parent, child, type): the last match in finetune, quantized, adapter, merge
for (p, c), rels in pairs.items():
    if p not in rows or p == c:
        continue
    t = "untyped"
    for cand in ("finetune", "quantized", "adapter", "merge"):
        if cand in rels:
            t = cand
    edges.append((p, c, t))

# ---- families (no-merge) --------------------------------------------------
nm = [(p, c, t) for p, c, t in edges if t != "merge"]
kids = collections.defaultdict(list)
indeg = collections.Counter()
uf = {v: v for v in rows}


def find(x):
    while uf[x] != x:
        uf[x] = uf[uf[x]]
        x = uf[x]
    return x


for p, c, _ in nm:
    kids[p].append(c)
    indeg[c] += 1
    a, b = find(p), find(c)
    if a != b:
        uf[a] = b
size = collections.Counter(find(v) for v in rows)
fams = sorted((s for s in size.values() if s >= 2), reverse=True)
depth = {v: 0 for v in rows}
pending = {v: indeg[v] for v in rows}
queue = [v for v in rows if pending[v] == 0]
for v in queue:
    for c in kids[v]:
        depth[c] = max(depth[c], depth[v] + 1)
        pending[c] -= 1
        if pending[c] == 0:
            queue.append(c)
fam = analyze("families", "--top", "5")
check("families", fam["families"], len(fams))
check("models in families", fam["models_in_families"], sum(fams))
check("largest sizes", [x["size"] for x in fam["largest"]], fams[:5])
check("max depth", fam["max_depth"], max(depth.values()))
check("roots", fam["roots"], sum(1 for v in rows if indeg[v] == 0 and kids[v]))
check("models with a parent", fam["models_with_parent"], sum(1 for v in rows if indeg[v]))
for rel in RELS:
    es = [c for p, c, t in edges if t == rel]
    check(f"fertility {rel} edges", fam["fertility"][rel]["edges"], len(es))
    check(f"fertility {rel} fertile", fam["fertility"][rel]["fertile"], sum(1 for c in es if kids[c]))
months = collections.Counter(n["createdAt"][:7] for n in rows.values() if n.get("createdAt"))
check("dated models", fam["growth"]["all"][-1]["cumulative"], sum(months.values()))
check("first month", (fam["growth"]["all"][0]["month"], fam["growth"]["all"][0]["added"]), min(months.items()))

# ---- drift (all relations) -------------------------------------------------


def trait(n, name):
    if name == "license":
        return {t[len("license:"):] for t in n.get("tags") or [] if t.startswith("license:")}
    v = n.get("pipeline_tag" if name == "task" else "library_name")
    return {v} if v else set()


for name in ("license", "task", "library"):
    traffic, msum, w = 0, 0.0, collections.Counter()
    for p, c, _ in edges:
        P, C = trait(rows[p], name), trait(rows[c], name)
        if not P or not C:
            continue
        traffic += 1
        msum += len(P ^ C) / len(P | C)
        for a in C - P:
            for pt in P:
                w[(pt, a)] += 1
        for r in P - C:
            for ct in C:
                w[(r, ct)] += 1
    d = analyze("drift", "--trait", name, "--top", "1000")
    check(f"{name} traffic", d["traffic"], traffic)
    check(f"{name} mutation rate", d["mutation_rate"], msum / traffic, 1e-12)
    check(f"{name} graph edges", d["graph"]["edges"], len(w))
    check(f"{name} graph weight", d["graph"]["weight"], sum(w.values()))
    got = {(x["from"], x["to"]): x["weight"] for x in d["top_transitions"]}
    check(f"{name} transitions", got, dict(w))
    oriented = sum(1 for (a, b), x in w.items() if x > w.get((b, a), 0))
    check(f"{name} oriented edges", d["graph"]["oriented_edges"], oriented)
    if name == "task":
        # a single-valued change X -> Y adds 2 to w(X -> Y): the paper's double counting
        changed = sum(1 for p, c, _ in edges if trait(rows[p], name) and trait(rows[c], name)
                      and trait(rows[p], name) != trait(rows[c], name))
        check("task weight = 2 x changed edges", d["graph"]["weight"], 2 * changed)
        a, b = max(w, key=lambda k: (w[k], k))
        pr = json.loads(subprocess.run([hfviz, "analyze", demo, "drift", "--trait", "task", "--pairs", f"{a},{b}",
                                        "--json", "--limit", "100000"], check=True, capture_output=True,
                                       text=True).stdout)
        check("task pairs behind the heaviest transition", pr["total"], w[(a, b)] // 2)

# ---- license audit -----------------------------------------------------------
NC, COM = "non-commercial", "commercial"


def lclass(l):
    if l.startswith("cc-by-nc"):
        return 4
    if l in ("llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma"):
        return 3
    if l in ("openrail", "openrail++", "creativeml-openrail-m", "bigscience-openrail-m", "bigscience-bloom-rail-1.0",
             "bigcode-openrail-m"):
        return 2
    if l.startswith(("gpl", "agpl", "lgpl", "cc-by-sa")) or l in ("mpl-2.0", "epl-2.0", "osl-3.0", "eupl-1.1",
                                                                  "eupl-1.2", "odbl"):
        return 1
    if l.startswith("bsd") or l in ("apache-2.0", "mit", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "cc0-1.0",
                                    "cc", "unlicense", "artistic-2.0", "afl-3.0", "bsl-1.0", "wtfpl", "isc", "zlib",
                                    "postgresql", "ecl-2.0", "pddl", "odc-by", "ms-pl", "ncsa"):
        return 0
    return -1


judged = flagged = 0
for p, c, _ in edges:
    pc = max((lclass(l) for l in trait(rows[p], "license")), default=-1)
    cc = max((lclass(l) for l in trait(rows[c], "license")), default=-1)
    if pc >= 3 and cc >= 0:
        judged += 1
        flagged += cc < pc
lic = analyze("license", "--limit", "0")
check("license judged", lic["judged"], judged)
check("license flagged", lic["flagged"], flagged)

# ---- similarity: the pattern multiplicities of the fine-tune graph (§2.1) ----
ft = [(p, c) for p, c, t in edges if t == "finetune"]
kids_ft = collections.defaultdict(list)
par_ft = collections.defaultdict(list)
for p, c in ft:
    kids_ft[p].append(c)
    par_ft[c].append(p)


def od(v):
    return len(kids_ft[v])


N = len(rows)
want_inst = [N * (N - 1) // 2, len(ft),
             sum(k * (k - 1) // 2 for k in map(len, kids_ft.values())),
             sum(od(v) for u, v in ft),
             sum(k * (k - 1) * (k - 2) // 6 for k in map(len, kids_ft.values())),
             sum(od(v) * (od(v) - 1) // 2 for u, v in ft),
             sum(od(v) * (od(u) - 1) for u, v in ft if od(u) >= 2),
             sum(od(v) for u, v in ft if par_ft[u])]
sim = analyze("similarity", "--samples", "50", "--bootstrap", "10")
got_inst, seen = [], set()
for x in sim["configs"]:
    if x["pattern"] not in seen:
        seen.add(x["pattern"])
        got_inst.append(x["instances"])
check("similarity pattern multiplicities", got_inst, want_inst)

# ---- documentation drift -------------------------------------------------------


def chars(n):
    return n.get("model_card_length_characters") or 0


both = [(rows[p], rows[c]) for p, c, _ in edges if chars(rows[p]) > 3 and chars(rows[c]) > 3]
doc = analyze("docs")["overall"]
check("docs edges", doc["edges"], len(edges))
check("docs card edges", doc["card_chars"]["n"], len(both))
check("docs parent card mean", doc["card_chars"]["parent"], sum(chars(p) for p, _ in both) / len(both), 1e-6)
check("docs child card mean", doc["card_chars"]["child"], sum(chars(c) for _, c in both) / len(both), 1e-6)
check("docs child auto-generated", doc["auto_generated"]["child"],
      sum(bool(c.get("model_card_automatically_generated")) for _, c in both) / len(both), 1e-12)
check("docs child has card", doc["has_card"]["child"], sum(chars(rows[c]) > 3 for _, c, _ in edges) / len(edges),
      1e-12)

print(f"recount: {len(rows)} models, {len(edges)} edges, {len(fams)} families, license judged {judged} "
      f"flagged {flagged}, {len(both)} edges with both cards")
if failures:
    print("\n".join("FAIL " + f for f in failures))
    sys.exit(1)
print("recount agrees with hfviz analyze")
