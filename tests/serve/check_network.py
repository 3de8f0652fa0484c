#!/usr/bin/env python3
"""Graphs: /api/network/family/{id} and /api/network/derivatives, as JSON
and GraphML, against the demo's source rows.

usage: check_network.py URL MODELS_JSONL MAP TMPDIR [HFVIZ]"""
import datetime
import sys
import xml.etree.ElementTree as ET

from apitest import Api, assert_error, quote_id
from demo_ref import NO_MERGE, Demo

url, jsonl = sys.argv[1], sys.argv[2]
api = Api(url)
demo = Demo(jsonl)
rows = demo.rows
failures = []
ALL = NO_MERGE + ("merge",)
G = "{http://graphml.graphdrawing.org/xmlns}"


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def when(mid):
    s = rows[mid].get("createdAt")
    return datetime.datetime.fromisoformat(s[:19]) if s else None


def check_edge(what, e):
    p, c = e["source"], e["target"]
    t, rels = demo.edges.get((p, c), (None, set()))
    check(f"{what} {p}->{c} type", e["type"], t)
    check(f"{what} {p}->{c} declared_as", set(e["declared_as"]), rels)
    for key, field in (("delta_likes", "likes"), ("delta_downloads", "downloads")):
        want = rows[c][field] - rows[p][field] if field in rows[c] and field in rows[p] else None
        check(f"{what} {p}->{c} {key}", e[key], want)
    tp, tc = when(p), when(c)
    if tp and tc:
        want = (tc - tp).total_seconds() / 86400
        if e["delta_days"] is None or abs(e["delta_days"] - want) > 1e-3:
            failures.append(f"{what} {p}->{c} delta_days {e['delta_days']}, want {want}")
    else:
        check(f"{what} {p}->{c} delta_days", e["delta_days"], None)


def component(mid, mask):
    seen, stack = {mid}, [mid]
    while stack:
        v = stack.pop()
        for w, t in demo.parents[v] + demo.children[v]:
            if t in mask and w not in seen:
                seen.add(w)
                stack.append(w)
    return seen


def parse_graphml(data, what):
    root = ET.fromstring(data)
    keys = {k.get("id"): (k.get("for"), k.get("attr.type")) for k in root.findall(f"{G}key")}
    graph = root.find(f"{G}graph")
    check(f"{what} edgedefault", graph.get("edgedefault"), "directed")
    nodes = {n.get("id"): {d.get("key"): d.text for d in n.findall(f"{G}data")} for n in graph.findall(f"{G}node")}
    edges = [(e.get("source"), e.get("target"), {d.get("key"): d.text for d in e.findall(f"{G}data")})
             for e in graph.findall(f"{G}edge")]
    for el, kind in [(d, "node") for n in nodes.values() for d in n] + [(d, "edge") for *_, a in edges for d in a]:
        if keys.get(el, (None,))[0] != kind:
            failures.append(f"{what}: data key {el} is not declared for {kind}s")
    for s, t, _ in edges:
        if s not in nodes or t not in nodes:
            failures.append(f"{what}: edge {s}->{t} names a node that is not in the graph")
    return nodes, edges


# ---- /api/network/family/{id} ----
for mid in ("microsoft/phi-2", "meta-llama/Llama-2-7b-chat-hf", "deepseek-ai/DeepSeek-R1"):
    d = api.get(f"/api/network/family/{quote_id(mid)}")
    fam = demo.family(mid)
    check(f"{mid} network nodes", {n["id"] for n in d["nodes"]}, fam)
    check(f"{mid} network first node", d["nodes"][0]["id"], mid)
    check(f"{mid} network family_size", (d["family_size"], d["truncated"]), (len(fam), False))
    want = {(p, c, t) for (p, c), (t, _) in demo.edges.items() if p in fam and c in fam and t in NO_MERGE}
    check(f"{mid} network edges", {(e["source"], e["target"], e["type"]) for e in d["edges"]}, want)
    for e in d["edges"]:
        check_edge(f"{mid} network", e)
    # every edge type: the component through merges too
    d = api.get(f"/api/network/family/{quote_id(mid)}", relations="all")
    comp = component(mid, ALL)
    check(f"{mid} network relations=all nodes", {n["id"] for n in d["nodes"]}, comp)
    want = {(p, c, t) for (p, c), (t, _) in demo.edges.items() if p in comp and c in comp}
    check(f"{mid} network relations=all edges", {(e["source"], e["target"], e["type"]) for e in d["edges"]}, want)
    # GraphML: the same graph
    st, h, data = api.raw("GET", f"/api/network/family/{quote_id(mid)}?format=graphml")
    check(f"{mid} graphml status", st, 200)
    check(f"{mid} graphml type", h.get("content-type", "").split(";")[0], "application/graphml+xml")
    check(f"{mid} graphml attachment", h.get("content-disposition", "").startswith("attachment; filename="), True)
    nodes, edges = parse_graphml(data, f"{mid} graphml")
    check(f"{mid} graphml nodes", set(nodes), fam)
    check(f"{mid} graphml edges", {(s, t, a["type"]) for s, t, a in edges},
          {(p, c, t) for (p, c), (t, _) in demo.edges.items() if p in fam and c in fam and t in NO_MERGE})
    for n, a in nodes.items():
        if "downloads" in rows[n]:
            check(f"{mid} graphml {n} downloads", a.get("downloads"), str(rows[n]["downloads"]))
        elif "downloads" in a:
            failures.append(f"{mid} graphml {n}: an unknown download count is written")
    for s, t, a in edges:
        if "likes" in rows[s] and "likes" in rows[t]:
            check(f"{mid} graphml delta_likes", a.get("delta_likes"), str(rows[t]["likes"] - rows[s]["likes"]))

d = api.get("/api/network/family/google/gemma-7b", max_nodes=10)
check("gemma network truncated", (len(d["nodes"]), d["truncated"], d["nodes"][0]["id"]), (10, True, "google/gemma-7b"))
ids = {n["id"] for n in d["nodes"]}
for e in d["edges"]:
    if e["source"] not in ids or e["target"] not in ids:
        failures.append(f"truncated network: edge {e['source']}->{e['target']} leaves the nodes")
check("gemma network truncated edges", len(d["edges"]), 9)  # a star: the root and 9 of its children
check("percent-encoded network id", api.get("/api/network/family/google%2Fgemma-7b", max_nodes=1)["id"],
      "google/gemma-7b")
check("network trailing slash", api.get("/api/network/family/google/gemma-7b/", max_nodes=1)["id"], "google/gemma-7b")
for q in ("max_nodes=0", "max_nodes=20001", "format=xml", "relations=siblings"):
    assert_error(api, f"/api/network/family/google/gemma-7b?{q}", 400)
assert_error(api, "/api/network/family/no/such-model", 404)
assert_error(api, "/api/network/family/google/gemma-7b/card", 404)  # no actions under /network/family
assert_error(api, "/api/network/family/", 400)

# ---- /api/network/derivatives ----
d = api.get("/api/network/derivatives", max_edges=50000)
check("derivatives all", (d["edges_total"], len(d["edges"]), d["truncated"], d["filtered"]),
      (len(demo.edges), len(demo.edges), False, False))
check("derivatives all edges", {(e["source"], e["target"], e["type"]) for e in d["edges"]},
      {(p, c, t) for (p, c), (t, _) in demo.edges.items()})
check("derivatives nodes", {n["id"] for n in d["nodes"]}, {x for pc in demo.edges for x in pc})
for e in d["edges"][:500]:
    check_edge("derivatives", e)
down = [rows[e["target"]].get("downloads", 0) for e in d["edges"]]
check("derivatives ordered by child downloads", down, sorted(down, reverse=True))


def lib(m):
    return rows[m].get("library_name")


d = api.get("/api/network/derivatives", library="transformers", max_edges=50000)
want = {(p, c, t) for (p, c), (t, _) in demo.edges.items() if lib(p) == "transformers" and lib(c) == "transformers"}
check("derivatives library", {(e["source"], e["target"], e["type"]) for e in d["edges"]}, want)
check("derivatives library total", (d["edges_total"], d["filtered"]), (len(want), True))
d = api.get("/api/network/derivatives", library="transformers", relations="finetune", max_edges=5)
wantf = {x for x in want if x[2] == "finetune"}
check("derivatives finetune", (d["edges_total"], len(d["edges"]), d["truncated"]), (len(wantf), 5, len(wantf) > 5))
for e in d["edges"]:
    if (e["source"], e["target"], e["type"]) not in wantf:
        failures.append(f"derivatives finetune: unexpected edge {e}")
st, h, data = api.raw("GET", "/api/network/derivatives?min_likes=10&format=graphml")
check("derivatives graphml", (st, h.get("content-type", "").split(";")[0]), (200, "application/graphml+xml"))
nodes, edges = parse_graphml(data, "derivatives graphml")
liked = {m for m, r in rows.items() if r.get("likes", 0) >= 10}
check("derivatives graphml edges", {(s, t) for s, t, _ in edges},
      {(p, c) for (p, c) in demo.edges if p in liked and c in liked})
for q in ("max_edges=0", "max_edges=50001", "format=csv", "min_likes=-1", "relations=x", "created_from=2024-13"):
    assert_error(api, f"/api/network/derivatives?{q}", 400)

print("network checks: family graphs, derivatives, GraphML")
if failures:
    print("\n".join("FAIL " + f for f in failures[:50]))
    print(f"{len(failures)} failures")
    sys.exit(1)
print("network checks passed")
