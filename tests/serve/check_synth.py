#!/usr/bin/env python3
"""Every endpoint on a small synthetic map (hfviz synth, 3,000 models with
cards): built and served here, answers checked against `hfviz export` of the
same map and against each other (totals, family sizes, card text present).

usage: check_synth.py URL MODELS_JSONL MAP TMPDIR HFVIZ"""
import csv
import json
import os
import signal
import subprocess
import sys
import time

from apitest import Api, assert_error, quote_id

if len(sys.argv) < 6:
    print("synthetic-map checks skipped: no hfviz binary given")
    sys.exit(0)
tmp, hfviz = sys.argv[4], os.path.abspath(sys.argv[5])
work = os.path.join(tmp, "synth")
os.makedirs(work, exist_ok=True)
data, mp = os.path.join(work, "synth.parquet"), os.path.join(work, "synth.map")
N = 3000
subprocess.run([hfviz, "synth", "--rows", str(N), "--seed", "7", "--format", "parquet", "-o", data], check=True,
               stdout=subprocess.DEVNULL)
subprocess.run([hfviz, "build", data, "-o", mp, "--threads", "2", "--no-cache"], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
table = os.path.join(work, "synth.csv")
subprocess.run([hfviz, "export", mp, "--format", "csv", "-o", table], check=True)
rows = {r["model_id"]: r for r in csv.DictReader(open(table, newline="", encoding="utf-8"))}
assert len(rows) == N

portfile = os.path.join(work, "port")
if os.path.exists(portfile):
    os.remove(portfile)
log = open(os.path.join(work, "serve.out"), "w")
srv = subprocess.Popen([hfviz, "serve", mp, "--port", "0", "--port-file", portfile, "--threads", "3"],
                       stdout=log, stderr=subprocess.STDOUT)
try:
    for _ in range(100):
        if os.path.exists(portfile) and os.path.getsize(portfile):
            break
        time.sleep(0.1)
    api = Api(f"http://127.0.0.1:{open(portfile).read().strip()}")

    st = api.get("/api/stats")
    assert st["models"] == N and st["has_cards"] is True and st["layouts"] == [2, 3]
    assert api.get("/api/models/count")["count"] == N
    libs = {}
    for r in rows.values():
        libs[r["library"] or "none"] = libs.get(r["library"] or "none", 0) + 1
    fc = api.get("/api/facets", facets="library", top=500)["facets"]["library"]["values"]
    assert {v["value"]: v["count"] for v in fc} == libs, "library facet vs export"
    top = api.get("/api/models", limit=5)["models"]
    assert [m["downloads"] or 0 for m in top] == sorted((int(r["downloads"] or 0) for r in rows.values()), reverse=True)[:5]

    # per-model routes on a spread of models
    fam_sizes = {}
    cards = 0
    for i, (mid, r) in enumerate(rows.items()):
        if i % 150:
            continue
        q = quote_id(mid)
        d = api.get(f"/api/model/{q}")
        assert d["id"] == mid and d["row"] >= 0
        assert d["depth"] == int(r["depth"]) and d["family"]["root"] == r["family_root"], (mid, d["family"], r)
        assert (d["cluster"]["id"] if d["cluster"] else None) == int(r["cluster"])
        fam_sizes[d["family"]["root"]] = d["family"]["size"]
        sim = api.get(f"/api/model/{q}/similar", k=5)["neighbors"]
        assert len(sim) == 5 and all(0 <= n["similarity"] <= 1.0001 for n in sim)
        p = api.get(f"/api/model/{q}/path")
        assert p["hops"] == d["depth"] and p["path"][-1]["id"] == d["root"]
        f = api.get(f"/api/model/{q}/family", limit=5000)
        assert any(n["id"] == mid for n in f["nodes"])
        net = api.get(f"/api/network/family/{q}", max_nodes=20000)
        if not net["truncated"]:
            assert len(net["nodes"]) == d["family"]["size"]
        if d["card"]["has_card"] and d["card"]["text_available"]:
            c = api.get(f"/api/model/{q}/card")
            assert len(c["text"]) > 0
            cards += 1
        dist = api.get("/api/distance", a=mid, b=sim[0]["id"])
        assert abs(dist["cosine_similarity"] - sim[0]["similarity"]) < 2e-2, (dist["cosine_similarity"], sim[0])
    assert cards > 3, cards
    # a family's size equals the models the export lists under its root
    for root, size in fam_sizes.items():
        assert size == sum(1 for r in rows.values() if r["family_root"] == root), root

    cl = api.get("/api/clusters")
    assert sum(c["size"] for c in cl["clusters"]) == N
    ft = api.get("/api/families/top", limit=10)["families"]
    assert ft == sorted(ft, key=lambda f: -f["size"])
    for f in ft[:3]:
        assert f["size"] == sum(1 for r in rows.values() if r["family_root"] == f["root"]), f["root"]
    fs = api.get("/api/families/stats")
    assert sum(b["models"] for b in fs["size_distribution"]) == N
    h = api.get("/api/histogram", field="created", bins=24)
    assert h["count"] + h["missing"] == N
    s = api.get("/api/search", q=next(iter(rows)), mode="id")
    assert s["results"][0]["model"]["id"] == next(iter(rows)) and s["index"] is True
    s = api.get("/api/search", q="text generation chat model", mode="semantic", limit=5)
    assert len(s["results"]) == 5
    der = api.get("/api/network/derivatives", min_downloads=1, max_edges=500)
    assert der["edges_total"] >= len(der["edges"])
    _, body = api.post("/api/export", {"ids": list(rows)[:100], "format": "json"})
    assert json.loads(body)["count"] == 100
    _, pts = api.raw("GET", "/api/points?dims=3")[1:]
    assert pts[:4] == b"HVPT"
    assert_error(api, "/api/model/none/such", 404)
finally:
    srv.send_signal(signal.SIGTERM)
    rc = srv.wait(timeout=30)
    log.close()
text = open(os.path.join(work, "serve.out")).read()
assert rc == 0, f"serve exited {rc}"
assert "AddressSanitizer" not in text and "runtime error" not in text, text[-2000:]
print(f"synthetic-map checks: {N} models, {len(fam_sizes)} families and {cards} cards looked at")
