#!/usr/bin/env python3
"""Families: /api/model/{id}/family, /api/families/top, /api/families/stats
and /api/clusters, against a recount from the demo's source rows.

usage: check_family.py URL MODELS_JSONL MAP TMPDIR [HFVIZ]"""
import collections
import sys

from apitest import Api, assert_error, quote_id
from demo_ref import NO_MERGE, Demo

url, jsonl = sys.argv[1], sys.argv[2]
api = Api(url)
demo = Demo(jsonl)
rows = demo.rows
failures = []
ALL = NO_MERGE + ("merge",)


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def family(mid, status=200, **params):
    return api.get(f"/api/model/{quote_id(mid)}/family", status, **params)


def expect_family(mid, d, mask, max_depth, dirs=("up", "down")):
    """Nodes and generations when nothing was truncated."""
    want = {mid: 0}
    if "up" in dirs:
        want.update({a: -g for a, g in demo.walk(mid, True, mask, max_depth).items()})
    if "down" in dirs:
        want.update({c: g for c, g in demo.walk(mid, False, mask, max_depth).items()})
    got = {n["id"]: n["generation"] for n in d["nodes"]}
    check(f"{mid} family nodes ({','.join(mask)}, depth {max_depth}, {dirs})", got, want)
    edges = {(e["parent"], e["child"], e["type"]) for e in d["edges"]}
    want_edges = {(p, c, t) for (p, c), (t, _) in demo.edges.items() if t in mask and p in want and c in want}
    check(f"{mid} family edges", edges, want_edges)
    gens = [n["generation"] for n in d["nodes"]]
    check(f"{mid} family order", gens, sorted(gens))
    check(f"{mid} ancestors/descendants", (d["ancestors"], d["descendants"]),
          (sum(g < 0 for g in want.values()), sum(g > 0 for g in want.values())))


# ---- one model's family ----
deep = sorted(c for c in rows if demo.depth[c] >= 3)
for mid in ["meta-llama/Llama-2-7b-chat-hf", "microsoft/phi-2", "deepseek-ai/DeepSeek-R1"] + deep[:6]:
    d = family(mid, limit=5000, max_depth=50)
    check(f"{mid} truncated", (d["truncated"], d["truncated_by"]), (False, []))
    check(f"{mid} relations", d["relations"], list(NO_MERGE))
    expect_family(mid, d, NO_MERGE, 50)
    d = family(mid, limit=5000, max_depth=1)
    expect_family(mid, d, NO_MERGE, 1)
    deeper = any(g > 1 for g in demo.walk(mid, False).values()) or any(g > 1 for g in demo.walk(mid, True).values())
    check(f"{mid} max_depth=1 truncated", "max_depth" in d["truncated_by"], deeper)
    expect_family(mid, family(mid, limit=5000, direction="up"), NO_MERGE, 50, ("up",))
    expect_family(mid, family(mid, limit=5000, direction="down"), NO_MERGE, 50, ("down",))
    expect_family(mid, family(mid, limit=5000, relations="finetune,quantized"), ("finetune", "quantized"), 50)

# merges: a model with several (merge) parents, and with relations=all
merged = sorted(c for c in rows if len(demo.parents[c]) >= 2)
for mid in merged:
    d = family(mid, relations="all", limit=5000)
    check(f"{mid} relations=all", d["relations"], list(ALL))
    expect_family(mid, d, ALL, 50)
    parents = {e["parent"] for e in d["edges"] if e["child"] == mid}
    check(f"{mid} several parents", parents, {p for p, _ in demo.parents[mid]})

# a family larger than the limit: truncated, generations still exact (breadth first)
d = family("google/gemma-7b")
check("gemma default limit", (len(d["nodes"]), d["limit"], d["truncated"], d["truncated_by"]),
      (1000, 1000, True, ["limit"]))
down = demo.walk("google/gemma-7b", False)
for n in d["nodes"][1:]:
    if down.get(n["id"]) != n["generation"]:
        failures.append(f"gemma truncated family: {n['id']} generation {n['generation']}, want {down.get(n['id'])}")
gens = [n["generation"] for n in d["nodes"]]
if max(gens) > 1 and len([g for g in down.values() if g == 1]) > 999:
    failures.append("gemma truncated family: a generation-2 node came before all of generation 1")

for q in ("max_depth=0", "max_depth=51", "max_depth=x", "limit=0", "limit=5001", "relations=cousins",
          "relations=", "direction=sideways"):
    assert_error(api, f"/api/model/google/gemma-7b/family?{q}", 400)
assert_error(api, "/api/model/no/such-model/family", 404)

# ---- /api/families/top ----
sizes = sorted((len(f) for f in demo.families if len(f) >= 2), reverse=True)
fam_by_root = {}
top = api.get("/api/families/top", limit=1000)
check("top families_total", top["families_total"], len(sizes))
check("top models_total", top["models_total"], sum(sizes))
check("top sizes", [f["size"] for f in top["families"]], sizes)
for f in top["families"]:
    root = f["root"]
    fam = demo.family(root)
    if demo.indeg[root] != 0:
        failures.append(f"top: root {root} has parents")
    check(f"top {root} size", f["size"], len(fam))
    check(f"top {root} root_model", f["root_model"]["id"], root)
    check(f"top {root} max_depth", f["max_depth"], max(demo.depth[m] for m in fam))
    check(f"top {root} downloads", f["downloads"], sum(rows[m].get("downloads", 0) for m in fam))
    check(f"top {root} likes", f["likes"], sum(rows[m].get("likes", 0) for m in fam))
    want = collections.Counter(t for (p, c), (t, _) in demo.edges.items() if p in fam and c in fam)
    want = {t: want.get(t, 0) for t in ALL}
    want["total"] = sum(want.values())
    check(f"top {root} edges", f["edges"], want)
    fam_by_root[root] = f
for by, key in (("downloads", "downloads"), ("depth", "max_depth")):
    t = api.get("/api/families/top", by=by, limit=10)
    vals = [f[key] for f in t["families"]]
    check(f"top by {by} sorted", vals, sorted(vals, reverse=True))
    best = sorted((f[key] for f in fam_by_root.values()), reverse=True)[:10]
    check(f"top by {by} values", vals, best)
t = api.get("/api/families/top", min_size=100, limit=3)
check("top min_size", ([f["size"] for f in t["families"]], t["families_total"]),
      (sizes[:3], sum(s >= 100 for s in sizes)))
for q in ("limit=0", "limit=1001", "by=age", "min_size=0", "min_size=-1"):
    assert_error(api, f"/api/families/top?{q}", 400)

# ---- /api/families/stats ----
st = api.get("/api/families/stats")
check("stats families", st["families"], len(demo.families))
check("stats families_with_edges", st["families_with_edges"], len(sizes))
check("stats models", st["models"], len(rows))
check("stats largest", st["largest"]["size"], sizes[0])
check("stats max_depth", st["max_depth"], max(demo.depth.values()))
bins = collections.Counter()
for f in demo.families:
    b = len(f).bit_length() - 1
    bins[(1 << b, (2 << b) - 1)] += 1
check("stats size bins", {(b["min"], b["max"]): b["families"] for b in st["size_distribution"]}, dict(bins))
check("stats bin models", sum(b["models"] for b in st["size_distribution"]), len(rows))
deepest = collections.Counter(max(demo.depth[m] for m in f) for f in demo.families if len(f) >= 2)
check("stats depth distribution", {b["depth"]: b["families"] for b in st["depth_distribution"] if b["families"]},
      dict(deepest))
for mid in ("google/gemma-7b", "microsoft/phi-2", deep[0]):
    fs = api.get("/api/families/stats", family=mid)
    fam = demo.family(mid)
    check(f"stats {mid} size", fs["family"]["size"], len(fam))
    check(f"stats {mid} depths", {b["depth"]: b["models"] for b in fs["depth_distribution"] if b["models"]},
          dict(collections.Counter(demo.depth[m] for m in fam)))
    months = collections.Counter(rows[m]["createdAt"][:7] for m in fam if rows[m].get("createdAt"))
    check(f"stats {mid} unknown created", fs["created_unknown"], len(fam) - sum(months.values()))
    check(f"stats {mid} growth", {g["month"]: g["new"] for g in fs["growth"] if g["new"]}, dict(months))
    cum = [g["cumulative"] for g in fs["growth"]]
    check(f"stats {mid} cumulative", cum[-1] if cum else 0, sum(months.values()))
    ms = [g["month"] for g in fs["growth"]]
    contiguous = all((int(b[:4]) * 12 + int(b[5:])) - (int(a[:4]) * 12 + int(a[5:])) == 1 for a, b in zip(ms, ms[1:]))
    check(f"stats {mid} months contiguous", contiguous, True)
assert_error(api, "/api/families/stats?family=no/such-model", 404)
assert_error(api, "/api/families/stats?family=", 400)

# ---- /api/clusters ----
st, h, body = api.raw("GET", "/api/clusters")
import json  # noqa: E402  (only here)
cl = json.loads(body)
etag = h.get("etag")
check("clusters etag", bool(etag), True)
check("clusters cache-control", h.get("cache-control", "").startswith("public"), True)
st2, h2, body2 = api.raw("GET", "/api/clusters", headers={"If-None-Match": etag})
check("clusters 304", (st2, body2), (304, b""))
st3, _, body3 = api.raw("GET", "/api/clusters")
check("clusters stable", body3, body)
check("clusters n", cl["n"], len(rows))
check("clusters sizes", sum(c["size"] for c in cl["clusters"]), len(rows))
check("clusters ids", [c["id"] for c in cl["clusters"]], list(range(cl["nclusters"])))
ex = api.post("/api/export", {"filter": {}, "format": "json", "fields": ["id", "cluster", "x", "y"]})[1]
members = collections.defaultdict(list)
for m in json.loads(ex)["models"]:
    members[m["cluster"]].append(m)


def top_counts(values):
    c = collections.Counter(v for v in values if v)
    return [{"value": v, "count": n} for v, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0].encode()))[:10]]


SKIP = ("base_model:", "region:", "license:", "dataset:", "arxiv:", "doi:")
for c in cl["clusters"]:
    ms = members[c["id"]]
    check(f"cluster {c['id']} size", c["size"], len(ms))
    if not ms:  # k-means can leave a cluster empty: no centre then
        check(f"empty cluster {c['id']}", (c["centroid2d"], c["median2d"], c["top"]["tags"]), (None, None, []))
        continue
    cx = sum(m["x"] for m in ms) / len(ms)
    cy = sum(m["y"] for m in ms) / len(ms)
    if abs(c["centroid2d"][0] - cx) > 1e-3 * (1 + abs(cx)) or abs(c["centroid2d"][1] - cy) > 1e-3 * (1 + abs(cy)):
        failures.append(f"cluster {c['id']} centroid {c['centroid2d']} != ({cx}, {cy})")
    xs = sorted(m["x"] for m in ms)
    if abs(c["median2d"][0] - xs[len(xs) // 2]) > 1e-4 * (1 + abs(cx)):
        failures.append(f"cluster {c['id']} median x {c['median2d'][0]} != {xs[len(xs) // 2]}")
    check(f"cluster {c['id']} 3d", len(c["centroid3d"]), 3)
    src = [rows[m["id"]] for m in ms]
    check(f"cluster {c['id']} libraries", c["top"]["libraries"], top_counts(r.get("library_name") for r in src))
    check(f"cluster {c['id']} pipelines", c["top"]["pipelines"], top_counts(r.get("pipeline_tag") for r in src))
    tags = [t for r in src for t in dict.fromkeys(r.get("tags") or [])
            if not t.startswith(SKIP) and t not in (r.get("library_name"), r.get("pipeline_tag"))]
    check(f"cluster {c['id']} tags", c["top"]["tags"], top_counts(tags))

print(f"family checks: {len(fam_by_root)} families, {len(cl['clusters'])} clusters")
if failures:
    print("\n".join("FAIL " + f for f in failures[:50]))
    print(f"{len(failures)} failures")
    sys.exit(1)
print("family checks passed")
