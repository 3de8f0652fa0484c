"""Core API checks: index, stats, points, models/count/facets/histogram/rows,
static files and traversal attempts, error paths, gzip, ETags, keep-alive,
CORS off by default, and 200 concurrent clients.

Expected values are recomputed here from data/demo/models.jsonl.
usage: check_core.py URL MODELS_JSONL MAP TMPDIR"""
import gzip
import json
import math
import struct
import sys
import threading
import urllib.parse
from collections import Counter

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from apitest import Api, assert_error, load_rows  # noqa: E402

base, rows_path = sys.argv[1], sys.argv[2]
api = Api(base)
rows = load_rows(rows_path)
N = len(rows)


def lib(r):
    return r.get("library_name") or None


def pipe(r):
    return r.get("pipeline_tag") or None


def licenses(r):
    return [t[len("license:"):] for t in r.get("tags", []) if t.startswith("license:")]


def is_base(r):
    if any(r.get(k) for k in ("finetune_parent", "adapter_parent", "quantized_parent", "merge_parent")):
        return False
    return not any(t.startswith("base_model:") for t in r.get("tags", []))


# ---- index and stats ----
idx = api.get("/api")
assert idx["models"] == N and len(idx["endpoints"]) >= 15
st = api.get("/api/stats")
assert st["models"] == N, st["models"]
assert st["edges"] == 8132, st["edges"]
assert st["layouts"] == [2, 3] and st["knn_k"] == 30
assert st["base_models"] == sum(is_base(r) for r in rows.values()), (st["base_models"], sum(is_base(r) for r in rows.values()))
want_libs = Counter(lib(r) for r in rows.values() if lib(r))
assert st["libraries"]["top"][0]["value"] == want_libs.most_common(1)[0][0]
assert st["libraries"]["top"][0]["count"] == want_libs.most_common(1)[0][1]
oa = api.get("/api/openapi.json")
assert oa["openapi"].startswith("3.")
for e in idx["endpoints"]:  # every listed route is documented
    path = e["endpoint"].split()[1].split("?")[0]
    assert path in oa["paths"], path

# ---- models: sort, paging, filters ----
m = api.get("/api/models", limit=1000)
assert m["total"] == N and len(m["models"]) == 1000
d = [x["downloads"] or 0 for x in m["models"]]
assert d == sorted(d, reverse=True)
top = max(rows.values(), key=lambda r: r.get("downloads", 0))
assert m["models"][0]["id"] == top["model_id"]
p1 = api.get("/api/models", limit=10)["models"]
p2 = api.get("/api/models", limit=10, offset=10)["models"]
p12 = api.get("/api/models", limit=20)["models"]
assert [x["id"] for x in p1 + p2] == [x["id"] for x in p12]
asc = api.get("/api/models", sort="likes", order="asc", limit=50)["models"]
assert [x["likes"] or 0 for x in asc] == sorted(x["likes"] or 0 for x in asc)
for x in m["models"][:50]:
    r = rows[x["id"]]
    assert x["downloads"] == r.get("downloads") and x["likes"] == r.get("likes"), x
    assert x["library"] == lib(r) and x["pipeline"] == pipe(r), (x, r)


def count(**f):
    return api.get("/api/models/count", **f)["count"]


def total(**f):
    return api.get("/api/models", limit=1, **f)["total"]


cases = [
    ({"library": "transformers"}, lambda r: lib(r) == "transformers"),
    ({"library": "transformers,diffusers"}, lambda r: lib(r) in ("transformers", "diffusers")),
    ({"pipeline": "text-generation"}, lambda r: pipe(r) == "text-generation"),
    ({"license": "apache-2.0"}, lambda r: "apache-2.0" in licenses(r)),
    ({"license": "none"}, lambda r: not licenses(r)),
    ({"min_downloads": 1000}, lambda r: r.get("downloads", 0) >= 1000),
    ({"min_likes": 10, "max_likes": 100}, lambda r: 10 <= r.get("likes", 0) <= 100),
    ({"base_only": "true"}, is_base),
    ({"q": "LLAMA"}, lambda r: "llama" in r["model_id"].lower()),
    ({"created_from": "2024-01", "created_to": "2024-06"},
     lambda r: "2024-01" <= (r.get("createdAt") or "")[:7] <= "2024-06" and r.get("createdAt")),
    ({"library": "transformers", "pipeline": "text-generation", "min_downloads": 10},
     lambda r: lib(r) == "transformers" and pipe(r) == "text-generation" and r.get("downloads", 0) >= 10),
    ({"library": "no-such-library"}, lambda r: False),
]
for f, pred in cases:
    want = sum(1 for r in rows.values() if pred(r))
    got = count(**f)
    assert got == want, (f, got, want)
    assert total(**f) == want, f
got = api.get("/api/models", library="transformers", limit=1000)["models"]
assert all(x["library"] == "transformers" for x in got)

# ---- rows by point index ----
some = api.get("/api/models", limit=3)["models"]
byrow = api.get("/api/rows", i=",".join(str(x["row"]) for x in some))["models"]
assert [x["id"] for x in byrow] == [x["id"] for x in some]
assert_error(api, f"/api/rows?i={N}", 400)
assert_error(api, "/api/rows?i=1,x", 400)
assert_error(api, "/api/rows", 400)

# ---- export by row numbers (a lasso selection) ----
h, b = api.post("/api/export", {"rows": [x["row"] for x in some] + [some[0]["row"]], "format": "json"})
d = json.loads(b)
assert [m["id"] for m in d["models"]] == [x["id"] for x in some] and d["duplicates"] == 1, d
st_, _, _ = api.raw("POST", "/api/export", body=json.dumps({"rows": [N]}), headers={"Content-Type": "application/json"})
assert st_ == 400
st_, _, _ = api.raw("POST", "/api/export", body=json.dumps({"rows": [1.5]}), headers={"Content-Type": "application/json"})
assert st_ == 400
st_, _, _ = api.raw("POST", "/api/export", body=json.dumps({"rows": [1], "ids": ["x"]}), headers={"Content-Type": "application/json"})
assert st_ == 400

# ---- facets: each facet counted under every clause but its own ----
fc = api.get("/api/facets", library="transformers", top=500)
assert fc["count"] == count(library="transformers")
libs = {v["value"]: v["count"] for v in fc["facets"]["library"]["values"]}
assert libs["diffusers"] == sum(1 for r in rows.values() if lib(r) == "diffusers")
pipes = {v["value"]: v["count"] for v in fc["facets"]["pipeline"]["values"]}
want = Counter(pipe(r) or "none" for r in rows.values() if lib(r) == "transformers")
assert pipes == dict(want), (pipes, want)
lic = {v["value"]: v["count"] for v in api.get("/api/facets", facets="license", top=500)["facets"]["license"]["values"]}
want = Counter()
for r in rows.values():
    want.update(licenses(r) or ["none"])
assert lic == dict(want)
assert_error(api, "/api/facets?facets=bogus", 400)

# ---- histogram ----
h = api.get("/api/histogram", field="downloads", bins=20)
assert h["log"] is True and h["count"] == N and sum(b["count"] for b in h["bins"]) == N
h = api.get("/api/histogram", field="likes", bins=10, log="false", library="transformers")
assert sum(b["count"] for b in h["bins"]) == count(library="transformers")
h = api.get("/api/histogram", field="created", bins=12)
assert h["count"] == sum(1 for r in rows.values() if r.get("createdAt"))
assert_error(api, "/api/histogram?field=nope", 400)
assert_error(api, "/api/histogram?bins=0", 400)
assert_error(api, "/api/histogram?bins=100000", 400)

# ---- points ----
st_, hd, body = api.raw("GET", "/api/points")
assert st_ == 200 and hd["content-type"] == "application/octet-stream"
assert body[:4] == b"HVPT"
ver, hl = struct.unpack("<II", body[4:12])
hdr = json.loads(body[12:12 + hl])
assert hdr["n"] == N and hdr["dims"] == 2
names = [b["name"] for b in hdr["buffers"]]
assert names[0] == "coords" and {"library", "pipeline", "license", "cluster", "depth", "downloads", "likes", "flags"} <= set(names)
per_point = sum(b["length"] for b in hdr["buffers"]) / N
assert per_point <= 16.0, per_point
buf = {b["name"]: b for b in hdr["buffers"]}
for b in hdr["buffers"]:
    assert b["offset"] % 4 == 0 and b["offset"] + b["length"] <= len(body)
libcodes = body[buf["library"]["offset"]:buf["library"]["offset"] + N]
dl = body[buf["downloads"]["offset"]:buf["downloads"]["offset"] + N]
flags = body[buf["flags"]["offset"]:buf["flags"]["offset"] + N]
dic = hdr["dictionaries"]["library"]
allrows = api.get("/api/models", limit=1000)["models"]
for x in allrows[:200]:
    code = libcodes[x["row"]]
    assert (dic[code] if code < 255 else "other") == (x["library"] or "none") or code == 255, (x, code)
    assert abs(dl[x["row"]] - round(math.log10(1 + (x["downloads"] or 0)) * 25.5)) <= 1
    assert bool(flags[x["row"]] & 1) == is_base(rows[x["id"]]), x["id"]
coords = struct.unpack_from(f"<{2 * N}f", body, buf["coords"]["offset"])
assert all(math.isfinite(c) for c in coords)
mn, mx = hdr["bounds"]["min"], hdr["bounds"]["max"]
assert abs(min(coords[0::2]) - mn[0]) < 1e-3 and abs(max(coords[1::2]) - mx[1]) < 1e-3
# ETag -> 304; gzip when asked; 3D; other fields; bad fields
etag = hd["etag"]
st_, _, _ = api.raw("GET", "/api/points", headers={"If-None-Match": etag})
assert st_ == 304
st_, hz, bz = api.raw("GET", "/api/points?dims=3", headers={"Accept-Encoding": "gzip"})
assert st_ == 200 and hz.get("content-encoding") == "gzip" and bz[:4] == b"HVPT"
h3 = json.loads(bz[12:12 + struct.unpack("<I", bz[8:12])[0]])
assert h3["dims"] == 3 and h3["buffers"][0]["length"] == 12 * N
st_, _, ba = api.raw("GET", "/api/points?fields=family,created,language")
ha = json.loads(ba[12:12 + struct.unpack("<I", ba[8:12])[0]])
assert [b["name"] for b in ha["buffers"]] == ["coords", "language", "family", "created"]
assert_error(api, "/api/points?fields=nope", 400)
assert_error(api, "/api/points?dims=4", 400)

# ---- JSON gzip ----
st_, hz, bz = api.raw("GET", "/api/models?limit=200", headers={"Accept-Encoding": "gzip"})
assert hz.get("content-encoding") == "gzip" and json.loads(bz)["total"] == N

# ---- errors ----
assert_error(api, "/api/models?limit=0", 400)
assert_error(api, "/api/models?limit=100000", 400)
assert_error(api, "/api/models?limit=abc", 400)
assert_error(api, "/api/models?offset=-1", 400)
assert_error(api, "/api/models?sort=nope", 400)
assert_error(api, "/api/models?min_downloads=1e3", 400)
assert_error(api, "/api/models?created_from=yesterday", 400)
assert_error(api, "/api/models?cluster=999999", 400)
assert_error(api, "/api/models?family=no/such-model", 404)
assert_error(api, "/api/models?q=" + "x" * 300, 400)
assert_error(api, "/api/nope", 404)
assert_error(api, "/api/model/no-such-org/no-such-model", 404)
st_, h, _ = api.raw("DELETE", "/api/models")
assert st_ == 405 and "GET" in h.get("allow", "")
many = "&".join(f"a{i}=1" for i in range(100))
assert_error(api, "/api/models?" + many, 400)
st_, _, _ = api.raw("POST", "/api/export", body=b"x" * (2 << 20), headers={"Content-Type": "application/json"})
assert st_ == 413, st_
# CORS is off unless --allow-origin
_, h, _ = api.raw("GET", "/api/stats", headers={"Origin": "http://evil.example"})
assert "access-control-allow-origin" not in h

# ---- static files and traversal ----
st_, h, b = api.raw("GET", "/")
assert st_ == 200 and b"hfviz test" in b and h["content-type"].startswith("text/html")
st_, h, b = api.raw("GET", "/assets/app.js", headers={"Accept-Encoding": "gzip"})
assert st_ == 200 and h.get("content-encoding") == "gzip" and b == b'console.log("app")'
assert "immutable" in h["cache-control"]
st_, h, b = api.raw("GET", "/assets/app.js")
assert st_ == 200 and "content-encoding" not in h
st_, _, b = api.raw("GET", "/families/some-route")
assert st_ == 200 and b"hfviz test" in b  # client-side route -> index.html
for bad in ["/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/..%2foutside%2fsecret.txt",
            "/assets/..%2f..%2foutside/secret.txt", "/index.html%00.js", "//etc/passwd", "/link.txt",
            "/.hidden", "/assets/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt", "/%5c..%5coutside"]:
    st_, _, b = api.raw("GET", bad)
    assert st_ in (400, 404), (bad, st_)
    assert b"secret" not in b, bad
st_, _, _ = api.raw("GET", "/nope.js")
assert st_ == 404

# ---- keep-alive: one connection for many requests ----
sock_before = api.conn.sock
for _ in range(5):
    api.get("/api/models/count")
assert api.conn.sock is sock_before, "connection was not kept alive"

# ---- 200 concurrent clients ----
errors = []


def client(i):
    try:
        c = Api(base)
        for j in range(5):
            path = ["/api/models?limit=5", "/api/models/count?library=transformers", "/api/stats",
                    "/api/facets?top=5", "/api/points"][(i + j) % 5]
            st__, _, _ = c.raw("GET", path)
            if st__ != 200:
                errors.append((path, st__))
    except Exception as e:  # noqa: BLE001
        errors.append(repr(e))


ts = [threading.Thread(target=client, args=(i,)) for i in range(200)]
for t in ts:
    t.start()
for t in ts:
    t.join()
assert not errors, errors[:5]
print("check_core: ok")
