#!/usr/bin/env python3
"""What the demo cannot show, on a small map built here: model-card text
(the demo has none), ids that end in an action word ("acme/card") or have
no '/' ("gpt2"), a model with several parents (the path takes the longest
chain), and CSV quoting of commas, quotes and line breaks.

It builds the map with the hfviz binary (5th argument), serves it on a free
port, checks, stops it, and fails if the server printed a sanitizer report.

usage: check_fixture.py URL MODELS_JSONL MAP TMPDIR HFVIZ"""
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

from apitest import Api, assert_error

if len(sys.argv) < 6:
    print("fixture checks skipped: no hfviz binary given")
    sys.exit(0)
tmp, hfviz = sys.argv[4], os.path.abspath(sys.argv[5])
work = os.path.join(tmp, "fixture")
os.makedirs(os.path.join(work, "cards"), exist_ok=True)
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


# A diamond with a longer side: C has parents A, B (depth 1) and F (depth 2),
# so C's depth is 3 and its path to a root goes C -> F -> E -> R2.
MODELS = [
    {"model_id": "fx/R", "downloads": 100, "likes": 10, "createdAt": "2024-01-01T00:00:00.000Z"},
    {"model_id": "fx/A", "downloads": 50, "likes": 5, "createdAt": "2024-02-01T00:00:00.000Z",
     "tags": ["base_model:finetune:fx/R"]},
    {"model_id": "fx/B", "downloads": 40, "likes": 4, "tags": ["base_model:adapter:fx/R"]},
    {"model_id": "fx/R2", "downloads": 10},
    {"model_id": "fx/E", "finetune_parent": ["fx/R2"]},
    {"model_id": "fx/F", "quantized_parent": ["fx/E"]},
    {"model_id": "fx/C", "downloads": 7, "likes": 1, "createdAt": "2024-03-01T12:00:00.000Z",
     "finetune_parent": ["fx/A", "fx/B", "fx/F"]},
    {"model_id": "fx/D", "adapter_parent": ["fx/C"]},
    {"model_id": "acme/card", "downloads": 3, "library_name": "transformers"},
    {"model_id": "acme/family", "downloads": 2, "finetune_parent": ["acme/card"]},
    {"model_id": "gpt2", "downloads": 1000, "likes": 99},
    {"model_id": "gpt2-child/x", "tags": ["base_model:gpt2"]},
    {"model_id": "acme/quoting", "tags": ["a,b", "say \"hi\"", "two\nlines", "ünïcode", "plain"]},
    {"model_id": "solo/nocard", "downloads": 0},
]
CARDS = {
    "acme/card": "# Ünïcödé card ✓\n\nText with \"quotes\", <tags> & a tab\there.\n",
    "gpt2": "---\nlicense: mit\n---\n\n# GPT-2\n\nA one-part id's card.\n",
    "fx/C": "# C\n" + "many words " * 2000,
}
with open(os.path.join(work, "models.jsonl"), "w", encoding="utf-8") as f:
    for m in MODELS:
        f.write(json.dumps(m) + "\n")
for mid, text in CARDS.items():
    with open(os.path.join(work, "cards", mid.replace("/", "__") + ".md"), "w", encoding="utf-8", newline="") as f:
        f.write(text)

mapfile = os.path.join(work, "fixture.map")
b = subprocess.run([hfviz, "build", os.path.join(work, "models.jsonl"), os.path.join(work, "cards"), "-o", mapfile,
                    "--threads", "1"], capture_output=True, text=True)
if b.returncode != 0:
    print(b.stdout, b.stderr)
    print("FAIL fixture build")
    sys.exit(1)
port_file, log = os.path.join(work, "port"), os.path.join(work, "serve.out")
with open(log, "w") as out:
    srv = subprocess.Popen([hfviz, "serve", mapfile, "--port", "0", "--port-file", port_file, "--threads", "2"],
                           stdout=out, stderr=subprocess.STDOUT)
try:
    for _ in range(100):
        if os.path.exists(port_file) and os.path.getsize(port_file):
            break
        time.sleep(0.1)
    api = Api("http://127.0.0.1:" + open(port_file).read().strip())

    # ---- cards ----
    for mid, text in CARDS.items():
        path = "/api/model/" + mid + "/card"
        d = api.get(path)
        check(f"{mid} card text", d["text"], text)
        check(f"{mid} card chars", (d["id"], d["chars"], d["bytes"]), (mid, len(text), len(text.encode())))
        st, h, raw = api.raw("GET", path + "?format=raw")
        check(f"{mid} raw card", (st, h.get("content-type"), raw.decode()),
              (200, "text/markdown; charset=utf-8", text))
        check(f"{mid} text_available", api.get("/api/model/" + mid)["card"]["text_available"], True)
    d = assert_error(api, "/api/model/solo/nocard/card", 404)
    check("no card detail", "solo/nocard" in d["detail"], True)
    check("no card flag", api.get("/api/model/solo/nocard")["card"]["text_available"], False)

    # ---- ids that look like routes ----
    check("model named card", api.get("/api/model/acme/card")["id"], "acme/card")
    check("card of a model named card", api.get("/api/model/acme/card/card")["text"], CARDS["acme/card"])
    check("model named family", api.get("/api/model/acme/family")["id"], "acme/family")
    fam = api.get("/api/model/acme/family/family")
    check("family of a model named family", {n["id"]: n["generation"] for n in fam["nodes"]},
          {"acme/family": 0, "acme/card": -1})
    check("family of a model named card", {n["id"] for n in api.get("/api/model/acme/card/family")["nodes"]},
          {"acme/card", "acme/family"})
    check("percent-encoded model named card", api.get("/api/model/acme%2Fcard")["id"], "acme/card")
    check("one-part id", api.get("/api/model/gpt2")["id"], "gpt2")
    check("one-part id card", api.get("/api/model/gpt2/card")["text"], CARDS["gpt2"])
    check("one-part id trailing slash", api.get("/api/model/gpt2/")["id"], "gpt2")
    check("one-part id family", {n["id"] for n in api.get("/api/model/gpt2/family")["nodes"]}, {"gpt2", "gpt2-child/x"})
    check("one-part id network", api.get("/api/network/family/gpt2")["family_size"], 2)
    check("one-part id in distance", api.get("/api/distance", a="gpt2", b="gpt2-child/x")["relation"], "child")
    assert_error(api, "/api/model/acme", 404)
    assert_error(api, "/api/model/acme/path/path/path", 404)

    # ---- several parents ----
    c = api.get("/api/model/fx/C")
    check("C parents", {r: sorted(p["id"] for p in ps) for r, ps in c["parents"].items() if ps},
          {"finetune": ["fx/A", "fx/B", "fx/F"]})
    check("C depth", c["depth"], 3)
    p = api.get("/api/model/fx/C/path")
    check("C path (the longest chain)", [(n["id"], n["via"]) for n in p["path"]],
          [("fx/C", None), ("fx/F", "finetune"), ("fx/E", "quantized"), ("fx/R2", "finetune")])
    check("C path root", (p["hops"], p["ends_at_root"]), (3, p["root"] == "fx/R2"))
    fam = api.get("/api/model/fx/D/family")
    check("D ancestors", {n["id"]: n["generation"] for n in fam["nodes"]},
          {"fx/D": 0, "fx/C": -1, "fx/A": -2, "fx/B": -2, "fx/F": -2, "fx/R": -3, "fx/E": -3, "fx/R2": -4})
    check("D family edges", len(fam["edges"]), 8)
    check("A ~ B", api.get("/api/distance", a="fx/A", b="fx/B")["relation"], "sibling")
    d = api.get("/api/distance", a="fx/D", b="fx/R")
    check("D ~ R", (d["relation"], d["generations_up_from_a"], d["hops"]), ("ancestor", 3, 3))
    d = api.get("/api/distance", a="fx/A", b="fx/F")
    check("A ~ F", (d["relation"], d["common_ancestor"], d["hops"]), ("related", None, 2))  # co-parents of C
    top = api.get("/api/families/top")["families"]
    check("fixture families", sorted((f["root"], f["size"]) for f in top),
          sorted([(top[0]["root"], 8), ("acme/card", 2), ("gpt2", 2)]))
    check("diamond family root", top[0]["root"] in ("fx/R", "fx/R2"), True)
    net = api.get("/api/network/family/fx/C")
    e = {(x["source"], x["target"]): x for x in net["edges"]}
    check("delta likes", e[("fx/A", "fx/C")]["delta_likes"], -4)
    check("delta days", e[("fx/A", "fx/C")]["delta_days"], 29.5)
    check("delta unknown", (e[("fx/B", "fx/C")]["delta_days"], e[("fx/F", "fx/C")]["delta_likes"]), (None, None))

    # ---- CSV quoting ----
    _, data = api.post("/api/export", {"ids": ["acme/quoting", "gpt2"], "fields": ["id", "tags", "downloads"]})
    text = data.decode()
    check("csv quoted field", '"a,b;say ""hi"";two\nlines;ünïcode;plain"' in text, True)
    table = list(csv.reader(io.StringIO(text, newline="")))
    check("csv parsed", table, [["id", "tags", "downloads"],
                                ["acme/quoting", "a,b;say \"hi\";two\nlines;ünïcode;plain", ""],
                                ["gpt2", "", "1000"]])
    _, data = api.post("/api/export", {"ids": ["acme/quoting"], "format": "json", "fields": ["tags"]})
    check("json tags", json.loads(data)["models"][0]["tags"], ["a,b", "say \"hi\"", "two\nlines", "ünïcode", "plain"])
finally:
    srv.send_signal(signal.SIGTERM)
    try:
        srv.wait(timeout=20)
    except subprocess.TimeoutExpired:
        srv.kill()
        failures.append("fixture server did not stop on SIGTERM")
report = open(log, encoding="utf-8", errors="replace").read()
if "Sanitizer" in report or "runtime error" in report:
    failures.append("fixture server printed a sanitizer report:\n" + report[-4000:])

print("fixture checks: cards, route-like ids, several parents, CSV quoting")
if failures:
    print("\n".join("FAIL " + f for f in failures[:50]))
    sys.exit(1)
print("fixture checks passed")
