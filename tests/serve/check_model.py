#!/usr/bin/env python3
"""One model: /api/model/{id} (details), /path, /similar, /api/distance, and
the per-model routes' error paths, against the demo's source rows.

usage: check_model.py URL MODELS_JSONL MAP TMPDIR [HFVIZ]"""
import random
import sys
import urllib.parse

from apitest import Api, assert_error, quote_id
from demo_ref import NO_MERGE, Demo, hub_time

url, jsonl = sys.argv[1], sys.argv[2]
api = Api(url)
demo = Demo(jsonl)
rows = demo.rows
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def model(mid, action="", status=200, **params):
    return api.get(f"/api/model/{quote_id(mid)}" + (f"/{action}" if action else ""), status, **params)


def uniq(seq):
    out = []
    for x in seq:
        if x not in out:
            out.append(x)
    return out


# ---- a sample: big roots, deep models, multi-parent models, id-only rows ----
rng = random.Random(7)
multi = sorted(c for c in rows if len(demo.parents[c]) >= 2)  # merges (check_fixture.py has more)
deep = sorted(c for c in rows if demo.depth[c] >= 3)
id_only = sorted(c for c, r in rows.items() if "downloads" not in r)
assert multi and deep and id_only, "the demo should have multi-parent, deep and id-only models"
sample = ["google/gemma-7b", "meta-llama/Llama-2-7b-chat-hf", "microsoft/phi-2"] + multi[:5] + deep[:5] + id_only[:3]
sample += rng.sample(sorted(rows), 40)
sample = uniq(sample)

# ---- details ----
for mid in sample:
    r, d = rows[mid], model(mid)
    check(f"{mid} id", d["id"], mid)
    check(f"{mid} hub_url", d["hub_url"], "https://huggingface.co/" + mid)
    if "author" in r:
        check(f"{mid} author", d["author"], r["author"])
    check(f"{mid} library", d["library"], r.get("library_name"))
    check(f"{mid} pipeline", d["pipeline"], r.get("pipeline_tag"))
    check(f"{mid} downloads", d["downloads"], r.get("downloads"))  # unknown is null, not 0
    check(f"{mid} likes", d["likes"], r.get("likes"))
    check(f"{mid} created_at", d["created_at"], hub_time(r.get("createdAt")))
    tags = uniq(r.get("tags") or [])
    check(f"{mid} tags", d["tags"], tags)
    for key, prefix in (("licenses", "license:"), ("datasets", "dataset:"), ("regions", "region:")):
        check(f"{mid} {key}", d[key], uniq(t[len(prefix):] for t in tags if t.startswith(prefix)))
    ax = uniq(t[len("arxiv:"):] for t in tags if t.startswith("arxiv:"))
    check(f"{mid} arxiv", d["arxiv"], [{"id": a, "url": "https://arxiv.org/abs/" + a} for a in ax])
    chars = r.get("model_card_length_characters")
    has_card = chars is not None and chars > 3
    check(f"{mid} has_card", d["card"]["has_card"], has_card)
    check(f"{mid} card chars", d["card"]["chars"], chars if has_card else None)
    check(f"{mid} card words", d["card"]["words"], r.get("model_card_length_words") if has_card else None)
    check(f"{mid} auto_generated", d["card"]["auto_generated"], bool(r.get("model_card_automatically_generated")))
    check(f"{mid} text_available", d["card"]["text_available"], False)  # the demo has no card text
    for rel in ("base", "finetune", "adapter", "quantized", "merge"):
        got = {(p["id"], p["in_map"]) for p in d["parents"][rel]}
        check(f"{mid} {rel} parents", got, {(p, p in rows) for p in demo.declared[mid].get(rel, ())})
    want_children = {t: 0 for t in ("base", "finetune", "adapter", "quantized", "merge")}
    for _, t in demo.children[mid]:
        want_children[t] += 1
    want_children["total"] = len(demo.children[mid])
    check(f"{mid} children", d["children"], want_children)
    check(f"{mid} depth", d["depth"], demo.depth[mid])
    fam = demo.family(mid)
    check(f"{mid} family size", d["family"]["size"], len(fam))
    froot = d["family"]["root"]
    if froot not in fam or demo.indeg[froot] != 0:
        failures.append(f"{mid}: family root {froot} is not a root of its family")
    check(f"{mid} family relations", d["family"]["relations"], list(NO_MERGE))
    root = d["root"]
    if root != mid and root not in demo.walk(mid, up=True):
        failures.append(f"{mid}: root {root} is not an ancestor")
    check(f"{mid} root depth", demo.depth.get(root), 0)
    if not (isinstance(d["cluster"]["id"], int) and isinstance(d["cluster"]["label"], str)):
        failures.append(f"{mid}: cluster {d['cluster']!r}")
    check(f"{mid} coords", (len(d["coords2d"]), len(d["coords3d"])), (2, 3))

# ---- path: the longest chain to a root, consistent with depth ----
for mid in sample + deep:
    p = model(mid, "path")
    path = [n["id"] for n in p["path"]]
    check(f"{mid} path depth", p["depth"], demo.depth[mid])
    check(f"{mid} path hops", (p["hops"], len(path) - 1), (demo.depth[mid], demo.depth[mid]))
    check(f"{mid} path starts", path[0], mid)
    for i, (child, parent) in enumerate(zip(path, path[1:])):
        t = demo.edges.get((parent, child), (None,))[0]
        if t not in NO_MERGE:
            failures.append(f"{mid} path: {parent} -> {child} is not a lineage edge")
        check(f"{mid} path via", p["path"][i + 1]["via"], t)
        check(f"{mid} path generation", p["path"][i + 1]["generation"], -(i + 1))
        check(f"{mid} path depth step", demo.depth[parent], demo.depth[child] - 1)
    last = path[-1]
    if any(t in NO_MERGE for _, t in demo.parents[last]):
        failures.append(f"{mid} path ends at {last}, which has parents")
    check(f"{mid} ends_at_root", p["ends_at_root"], last == p["root"])

# ---- similar ----
for mid in sample[:15]:
    s = model(mid, "similar")
    check(f"{mid} similar default k", (s["k"], len(s["neighbors"]) <= 10), (10, True))
    s = model(mid, "similar", k=30)
    nb = s["neighbors"]
    check(f"{mid} similar k", s["graph_k"], 30)
    if len(nb) > 30 or any(n["id"] == mid for n in nb) or len({n["id"] for n in nb}) != len(nb):
        failures.append(f"{mid} similar: bad neighbour list")
    sims = [n["similarity"] for n in nb]
    check(f"{mid} similar sorted", sims, sorted(sims, reverse=True))
    for n in nb:
        if abs(n["similarity"] - (1 - n["distance"])) > 1e-3:
            failures.append(f"{mid} similar: similarity {n['similarity']} != 1 - {n['distance']}")
    for n in nb[:3]:  # the graph's float distance agrees with the stored f16 vectors
        dd = api.get("/api/distance", a=mid, b=n["id"])
        if abs(dd["cosine_similarity"] - n["similarity"]) > 5e-3:
            failures.append(f"{mid} ~ {n['id']}: distance says {dd['cosine_similarity']}, graph {n['similarity']}")
for bad in ("0", "31", "-1", "abc", "1.5", ""):
    assert_error(api, f"/api/model/google/gemma-7b/similar?k={urllib.parse.quote(bad)}", 400)

# ---- distance: symmetric, self 1, relations from the family graph ----
INVERSE = {"parent": "child", "child": "parent", "ancestor": "descendant", "descendant": "ancestor",
           "sibling": "sibling", "cousin": "cousin", "aunt_or_uncle": "niece_or_nephew",
           "niece_or_nephew": "aunt_or_uncle", "related": "related", "unrelated": "unrelated", "self": "self"}


def kinship(a, b):
    """(name, generations up from a, from b) as the API defines them."""
    if a == b:
        return "self", 0, 0
    anc_a, anc_b = demo.walk(a, up=True), demo.walk(b, up=True)
    if b in anc_a:
        return ("parent" if anc_a[b] == 1 else "ancestor"), anc_a[b], 0
    if a in anc_b:
        return ("child" if anc_b[a] == 1 else "descendant"), 0, anc_b[a]
    common = [(anc_a[c] + anc_b[c], -min(anc_a[c], anc_b[c]), anc_a[c], anc_b[c]) for c in anc_a if c in anc_b]
    if not common:
        return ("related" if demo.family_of[a] == demo.family_of[b] else "unrelated"), None, None
    _, _, ua, ub = min(common)
    name = ("sibling" if ua == ub == 1 else "aunt_or_uncle" if ub == 1 else "niece_or_nephew" if ua == 1
            else "cousin")
    return name, ua, ub


gemma_kids = sorted(c for c, t in demo.children["google/gemma-7b"] if t in NO_MERGE)
pairs = [("google/gemma-7b", "google/gemma-7b-it"), (gemma_kids[0], gemma_kids[1]),
         ("google/gemma-7b", "meta-llama/Llama-2-7b-chat-hf")]
for d in deep[:4]:
    pairs.append((d, sorted(demo.family(d))[0]))
    anc = demo.walk(d, up=True)
    top = max(anc, key=lambda x: (anc[x], x))
    pairs.append((d, top))
    # a cousin-ish pair: another descendant of d's top ancestor
    others = sorted(x for x in demo.walk(top, up=False) if x != d)
    pairs.append((d, others[len(others) // 2]))
for _ in range(30):  # random pairs inside one family
    fam = sorted(demo.family(rng.choice(sample)))
    pairs.append((rng.choice(fam), rng.choice(fam)))
seen_names = set()
for a, b in pairs:
    ab = api.get("/api/distance", a=a, b=b)
    ba = api.get("/api/distance", a=b, b=a)
    name, ua, ub = kinship(a, b)
    seen_names.add(name)
    check(f"{a} ~ {b} relation", (ab["relation"], ab["generations_up_from_a"], ab["generations_up_from_b"]),
          (name, ua, ub))
    check(f"{b} ~ {a} relation inverse", ba["relation"], INVERSE[ab["relation"]])
    check(f"{a} ~ {b} symmetric", (ab["cosine_similarity"], ab["map_distance_2d"], ab["map_distance_3d"], ab["hops"]),
          (ba["cosine_similarity"], ba["map_distance_2d"], ba["map_distance_3d"], ba["hops"]))
    same = demo.family_of[a] == demo.family_of[b]
    check(f"{a} ~ {b} same_family", ab["same_family"], same)
    check(f"{a} ~ {b} hops", ab["hops"], demo.undirected_hops(a, b) if same else None)
    check(f"{a} ~ {b} ids", (ab["a"]["id"], ab["b"]["id"]), (a, b))
for want in ("child", "parent", "sibling", "ancestor", "unrelated"):
    if want not in seen_names and INVERSE[want] not in seen_names:
        failures.append(f"distance: the pairs never produced relation {want}")
for mid in sample[:10]:
    d = api.get("/api/distance", a=mid, b=mid)
    if abs(d["cosine_similarity"] - 1.0) > 1e-6 or d["map_distance_2d"] != 0 or d["relation"] != "self" or d["hops"] != 0:
        failures.append(f"self distance of {mid}: {d}")
assert_error(api, "/api/distance?a=google/gemma-7b", 400)
assert_error(api, "/api/distance?b=google/gemma-7b", 400)
assert_error(api, "/api/distance?a=&b=google/gemma-7b", 400)
assert_error(api, "/api/distance?a=google/gemma-7b&b=no/such-model", 404)
assert_error(api, "/api/distance?a=no/such-model&b=google/gemma-7b", 404)

# ---- routes: ids with '/', percent-encoding, trailing slashes, errors ----
check("percent-encoded id", api.get("/api/model/google%2Fgemma-7b")["id"], "google/gemma-7b")
check("percent-encoded action", api.get("/api/model/google%2Fgemma-7b%2Fpath")["id"], "google/gemma-7b")
check("trailing slash", api.get("/api/model/google/gemma-7b/")["id"], "google/gemma-7b")
check("trailing slash action", api.get("/api/model/google/gemma-7b/similar/")["id"], "google/gemma-7b")
assert_error(api, "/api/model/", 400)
assert_error(api, "/api/model/no/such-model", 404)
assert_error(api, "/api/model/no/such-model/path", 404)
assert_error(api, "/api/model/google/gemma-7b/bogus", 404)
assert_error(api, "/api/model/google/card", 404)  # "google" is no model, so no action on it
assert_error(api, "/api/model/google%00/gemma-7b", 404)
st, h, _ = api.raw("POST", "/api/model/google/gemma-7b", body="{}")
check("POST on a model", st, 405)
st, h, body = api.raw("HEAD", "/api/model/google/gemma-7b")
check("HEAD on a model", (st, body), (200, b""))
d = assert_error(api, "/api/model/google/gemma-7b/card", 404)  # the demo map has no card text
if "card" not in d["detail"]:
    failures.append(f"card 404 detail says nothing about cards: {d}")
check("card bad format", assert_error(api, "/api/model/google/gemma-7b/card?format=html", 400)["error"], "bad parameter")

print(f"model checks: {len(sample)} models, {len(pairs)} pairs, relations seen {sorted(seen_names)}")
if failures:
    print("\n".join("FAIL " + f for f in failures[:50]))
    print(f"{len(failures)} failures")
    sys.exit(1)
print("model checks passed")
