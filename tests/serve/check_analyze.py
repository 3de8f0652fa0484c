#!/usr/bin/env python3
"""The analyses as endpoints: every /api/analyze/... answer equals the JSON
document `hfviz analyze MAP <analysis> --json` prints with the same options
(the binary is run here), parameters are bounded (400), unknown models and
trait values are 404, card analyses on a map without cards are 409, and
answers carry an ETag that gets a 304.  The card artifact is checked on a
small synthetic map with cards, built and served here.

usage: check_analyze.py URL MODELS_JSONL MAP TMPDIR HFVIZ"""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse

from apitest import Api, assert_error

if len(sys.argv) < 6:
    print("analyze checks skipped: no hfviz binary given")
    sys.exit(0)
url, mp, tmp, hfviz = sys.argv[1], sys.argv[3], sys.argv[4], os.path.abspath(sys.argv[5])
api = Api(url)
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {str(got)[:300]}, want {str(want)[:300]}")


def cli(map_path, analysis, *opts):
    r = subprocess.run([hfviz, "analyze", map_path, analysis, "--json", *opts], capture_output=True)
    assert r.returncode == 0, f"hfviz analyze {analysis} {opts}: exit {r.returncode}: {r.stderr[:300]!r}"
    return r.stdout


def get_raw(a, path, params, headers=None):
    q = path + ("?" + urllib.parse.urlencode(params) if params else "")
    return a.raw("GET", q, headers=headers)


def same(a, map_path, path, params, analysis, *opts):
    """The endpoint's body is the command's document, byte for byte (less its final newline)."""
    st, h, body = get_raw(a, path, params)
    what = f"{path}?{urllib.parse.urlencode(params)}"
    if st != 200:
        failures.append(f"{what}: status {st}: {body[:200]!r}")
        return None
    want = cli(map_path, analysis, *opts)
    check(f"{what} = hfviz analyze {analysis} {' '.join(opts)}", body, want.rstrip(b"\n"))
    check(f"{what} content type", h.get("content-type"), "application/json")
    check(f"{what} has an ETag", bool(h.get("etag")), True)
    return json.loads(body)


A = "/api/analyze"

# ---- each endpoint = the command, defaults and options ----
same(api, mp, f"{A}/families", {}, "families")
same(api, mp, f"{A}/families", {"relations": "finetune", "top": 5}, "families", "--relations", "finetune",
     "--top", "5")
same(api, mp, f"{A}/families", {"relations": "all", "top": 1000}, "families", "--relations", "all", "--top", "1000")
d = same(api, mp, f"{A}/drift", {}, "drift")
check("drift all: four traits", [t["trait"] for t in d["traits"]], ["license", "language", "task", "library"])
same(api, mp, f"{A}/drift", {"trait": "license"}, "drift", "--trait", "license")
same(api, mp, f"{A}/drift", {"trait": "language", "top_n": 8, "top": 3, "relations": "finetune,adapter"}, "drift",
     "--trait", "language", "--top-n", "8", "--top", "3", "--relations", "finetune,adapter")
same(api, mp, f"{A}/drift", {"trait": "all", "top_n": 2, "relations": "nomerge"}, "drift", "--top-n", "2",
     "--relations", "nomerge")
p = same(api, mp, f"{A}/drift/pairs", {"trait": "license", "from": "llama2", "to": "apache-2.0"}, "drift",
         "--trait", "license", "--pairs", "llama2,apache-2.0")
check("drift pairs llama2 -> apache-2.0 found", p and p["total"] > 0, True)
same(api, mp, f"{A}/drift/pairs", {"trait": "license", "from": "llama2", "to": "apache-2.0", "limit": 3,
                                   "relations": "finetune"},
     "drift", "--trait", "license", "--pairs", "llama2,apache-2.0", "--limit", "3", "--relations", "finetune")
same(api, mp, f"{A}/drift/pairs", {"trait": "task", "from": "text-generation", "to": "text-classification",
                                   "limit": 0}, "drift", "--trait", "task", "--pairs",
     "text-generation,text-classification", "--limit", "0")
same(api, mp, f"{A}/license", {}, "license")
same(api, mp, f"{A}/license", {"limit": 3, "top": 2, "relations": "finetune"}, "license", "--limit", "3", "--top",
     "2", "--relations", "finetune")
same(api, mp, f"{A}/docs", {}, "docs")
same(api, mp, f"{A}/docs", {"relations": "finetune,quantized"}, "docs", "--relations", "finetune,quantized")
fam = same(api, mp, f"{A}/docs", {"family": "google/gemma-7b"}, "docs", "--family", "google/gemma-7b")
if fam is not None:
    f = fam.get("family") or {}
    check("docs family root", f.get("root"), "google/gemma-7b")
    check("docs family profile depths", [x["depth"] for x in f.get("profile", [])], list(range(f.get("max_depth", -1) + 1)))
    check("docs family models add up", sum(x["models"] for x in f.get("profile", [])), f.get("models"))
same(api, mp, f"{A}/docs", {"family": "google/gemma-7b-it", "relations": "nomerge"}, "docs", "--family",
     "google/gemma-7b-it", "--relations", "nomerge")
same(api, mp, f"{A}/similarity", {}, "similarity")
same(api, mp, f"{A}/similarity", {"samples": 200, "bootstrap": 100, "seed": 7, "strip_ids": "true"}, "similarity",
     "--samples", "200", "--bootstrap", "100", "--seed", "7", "--strip-ids")
same(api, mp, f"{A}/similarity", {"samples": 50, "bootstrap": 0, "relations": "all", "fit_max": 1000},
     "similarity", "--samples", "50", "--bootstrap", "0", "--relations", "all", "--fit-max", "1000")
same(api, mp, f"{A}/diff", {"a": "google/gemma-7b", "b": "google/gemma-7b-it"}, "diff", "--models",
     "google/gemma-7b,google/gemma-7b-it")
same(api, mp, f"{A}/diff", {"a": "google/gemma-7b", "b": "google/gemma-7b-it", "strip_ids": "1", "max_chars": 100},
     "diff", "--models", "google/gemma-7b,google/gemma-7b-it", "--strip-ids", "--max-chars", "100")

# ---- bounds and errors ----
for path, params, status in [
    ("families", {"top": 0}, 400), ("families", {"top": 1001}, 400), ("families", {"relations": "bogus"}, 400),
    ("families", {"relations": ""}, 400), ("families", {"relations": "x" * 300}, 400),
    ("drift", {"trait": "x"}, 400), ("drift", {"top_n": 1}, 400), ("drift", {"top_n": 21}, 400),
    ("drift", {"top": "ten"}, 400),
    ("drift/pairs", {"from": "llama2", "to": "mit"}, 400),
    ("drift/pairs", {"trait": "all", "from": "llama2", "to": "mit"}, 400),
    ("drift/pairs", {"trait": "license", "to": "mit"}, 400),
    ("drift/pairs", {"trait": "license", "from": "llama2", "to": ""}, 400),
    ("drift/pairs", {"trait": "license", "from": "llama2", "to": "mit", "limit": -1}, 400),
    ("drift/pairs", {"trait": "license", "from": "llama2", "to": "mit", "limit": 1000001}, 400),
    ("drift/pairs", {"trait": "license", "from": "no-such-license", "to": "mit"}, 404),
    ("drift/pairs", {"trait": "license", "from": "x" * 201, "to": "mit"}, 400),
    ("license", {"limit": 1000001}, 400), ("license", {"top": 0}, 400), ("docs", {"relations": "merge,nope"}, 400),
    ("docs", {"family": "no/such-model"}, 404), ("docs", {"family": "x" * 513}, 400),
    ("similarity", {"samples": 0}, 400), ("similarity", {"samples": 100001}, 400),
    ("similarity", {"bootstrap": 100001}, 400), ("similarity", {"samples": 100000, "bootstrap": 1000}, 400),
    ("similarity", {"seed": -1}, 400), ("similarity", {"fit_max": 999}, 400), ("similarity", {"artifact": "x"}, 400),
    ("similarity", {"strip_ids": "maybe"}, 400), ("similarity", {"artifact": "card"}, 409),
    ("diff", {"b": "google/gemma-7b"}, 400), ("diff", {"a": "google/gemma-7b"}, 400),
    ("diff", {"a": "google/gemma-7b", "b": "no/such-model"}, 404),
    ("diff", {"a": "google/gemma-7b", "b": "google/gemma-7b-it", "max_chars": 0}, 400),
    ("diff", {"a": "google/gemma-7b", "b": "google/gemma-7b-it", "max_chars": 10001}, 400),
    ("diff", {"a": "google/gemma-7b", "b": "google/gemma-7b-it", "artifact": "card"}, 409),
]:
    assert_error(api, f"{A}/{path}?" + urllib.parse.urlencode(params), status)
st, h, _ = api.raw("POST", f"{A}/families", body="{}", headers={"Content-Type": "application/json"})
check("POST families", st, 405)
st, h, body = api.raw("HEAD", f"{A}/docs")
check("HEAD docs", (st, body), (200, b""))

# ---- ETag and 304; the cache answers again with the same bytes ----
for path, params in [("families", {}), ("drift", {"trait": "task"}), ("similarity", {"samples": 20}),
                     ("diff", {"a": "google/gemma-7b", "b": "google/gemma-7b-it"})]:
    st, h, body = get_raw(api, f"{A}/{path}", params)
    etag = h.get("etag", "")
    check(f"{path} {params} cache-control", h.get("cache-control"), "public, no-cache")
    st2, h2, body2 = get_raw(api, f"{A}/{path}", params, {"If-None-Match": etag})
    check(f"{path} {params} If-None-Match -> 304", (st2, body2), (304, b""))
    st3, h3, body3 = get_raw(api, f"{A}/{path}", params)
    check(f"{path} {params} again, from the cache", (st3, h3.get("etag"), body3), (200, etag, body))
    st4, _, _ = get_raw(api, f"{A}/{path}", params, {"If-None-Match": '"something-else"'})
    check(f"{path} {params} other ETag -> 200", st4, 200)
_, h1, _ = get_raw(api, f"{A}/license", {})
_, h2, _ = get_raw(api, f"{A}/license", {"limit": 5})
check("other parameters, other ETag", h1.get("etag") != h2.get("etag"), True)
_, h3, _ = get_raw(api, f"{A}/license", {"relations": "all", "limit": 100, "top": 10})
check("explicit defaults, the same ETag", h3.get("etag"), h1.get("etag"))

# ---- more keys than the cache holds (64): evictions, answers still right ----
want = {lim: cli(mp, "license", "--limit", str(lim)).rstrip(b"\n") for lim in (0, 7, 69)}
for lim in range(70):
    st, _, body = get_raw(api, f"{A}/license", {"limit": lim})
    if st != 200 or (lim in want and body != want[lim]):
        failures.append(f"license limit={lim} after evictions: status {st}")
for lim in want:  # evicted or not, the same answer
    st, _, body = get_raw(api, f"{A}/license", {"limit": lim})
    check(f"license limit={lim} again", (st, body), (200, want[lim]))
st, _, body = get_raw(api, f"{A}/families", {})
check("pinned default still served", (st, body), (200, cli(mp, "families").rstrip(b"\n")))

# ---- concurrent requests for one new key: one answer for all ----
results = []


def fetch():
    a = Api(url)
    results.append(get_raw(a, f"{A}/similarity", {"samples": 300, "bootstrap": 200, "seed": 99})[::2])


threads = [threading.Thread(target=fetch) for _ in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
want = cli(mp, "similarity", "--samples", "300", "--bootstrap", "200", "--seed", "99").rstrip(b"\n")
check("6 concurrent similarity requests", [(s, b == want) for s, b in results], [(200, True)] * 6)

# ---- the card artifact on a synthetic map with cards ----
work = os.path.join(tmp, "analyze")
os.makedirs(work, exist_ok=True)
data, cmap = os.path.join(work, "cards.parquet"), os.path.join(work, "cards.map")
subprocess.run([hfviz, "synth", "--rows", "1500", "--seed", "11", "-o", data], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.run([hfviz, "build", data, "-o", cmap, "--threads", "2", "--no-cache", "--dims", "2", "--epochs", "50"],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
portfile = os.path.join(work, "port")
log = open(os.path.join(work, "serve.out"), "w")
srv = subprocess.Popen([hfviz, "serve", cmap, "--port", "0", "--port-file", portfile, "--threads", "3"],
                       stdout=log, stderr=subprocess.STDOUT)
try:
    for _ in range(100):
        if os.path.exists(portfile) and os.path.getsize(portfile):
            break
        time.sleep(0.1)
    capi = Api(f"http://127.0.0.1:{open(portfile).read().strip()}")
    s = same(capi, cmap, f"{A}/similarity", {"artifact": "card", "samples": 150, "bootstrap": 50}, "similarity",
             "--artifact", "card", "--samples", "150", "--bootstrap", "50")
    check("card similarity has pairs", s and sum(c["pairs"] for c in s["configs"]) > 0, True)
    same(capi, cmap, f"{A}/similarity", {"artifact": "card", "samples": 100, "bootstrap": 20,
                                         "no_frontmatter": "true", "relations": "all"},
         "similarity", "--artifact", "card", "--samples", "100", "--bootstrap", "20", "--no-frontmatter",
         "--relations", "all")
    # a parent and a child that both have a card, and a model without one
    models = capi.get("/api/models", limit=1000, sort="downloads")["models"]
    with_card, without = [], []
    for m in models:
        det = capi.get("/api/model/" + urllib.parse.quote(m["id"], safe="/"))
        (with_card if det["card"].get("text_available") else without).append(m["id"])
        if len(with_card) >= 2 and without:
            break
    a, b = with_card[0], with_card[1]
    same(capi, cmap, f"{A}/diff", {"a": a, "b": b, "artifact": "card", "max_chars": 300}, "diff", "--models",
         f"{a},{b}", "--artifact", "card", "--max-chars", "300")
    same(capi, cmap, f"{A}/diff", {"a": a, "b": b, "artifact": "card", "no_frontmatter": "yes"}, "diff", "--models",
         f"{a},{b}", "--artifact", "card", "--no-frontmatter")
    if without:
        d = assert_error(capi, f"{A}/diff?" + urllib.parse.urlencode({"a": a, "b": without[0], "artifact": "card"}),
                         404)
        check("diff without a card names the model", without[0] in d["detail"], True)
    else:
        failures.append("the synthetic map has no model without a card")
finally:
    srv.terminate()
    srv.wait()
    log.close()
if "Sanitizer" in open(os.path.join(work, "serve.out")).read() or "runtime error" in open(
        os.path.join(work, "serve.out")).read():
    failures.append("sanitizer report from the card map's server: " + open(os.path.join(work, "serve.out")).read()[-2000:])

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("analyze: endpoints match hfviz analyze --json; bounds, errors, ETag/304, cache, cards checked")
