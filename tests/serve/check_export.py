#!/usr/bin/env python3
"""POST/GET /api/export: ids or a filter, CSV or JSON, against the demo's
source rows; and every way a request can be wrong.

usage: check_export.py URL MODELS_JSONL MAP TMPDIR [HFVIZ]"""
import csv
import io
import json
import random
import sys

from apitest import Api
from demo_ref import Demo, hub_time

url, jsonl = sys.argv[1], sys.argv[2]
api = Api(url)
demo = Demo(jsonl)
rows = demo.rows
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def post(body, status=200, raw=False):
    h, data = api.post("/api/export", body, status=status)
    if status != 200:
        d = json.loads(data)
        assert "error" in d and "detail" in d, d
        return h, d
    return h, data


def want_value(mid, field):
    r = rows[mid]
    tags = list(dict.fromkeys(r.get("tags") or []))
    if field == "id":
        return mid
    if field == "hub_url":
        return "https://huggingface.co/" + mid
    if field in ("downloads", "likes"):
        return r.get(field)
    if field == "library":
        return r.get("library_name")
    if field == "pipeline":
        return r.get("pipeline_tag")
    if field == "created_at":
        return hub_time(r.get("createdAt"))
    if field == "tags":
        return tags
    if field == "licenses":
        return [t[8:] for t in tags if t.startswith("license:")]
    if field == "depth":
        return demo.depth[mid]
    if field == "family_size":
        return len(demo.family(mid))
    if field.endswith("_parents"):
        return sorted(demo.declared[mid].get(field[:-len("_parents")], ()))
    raise KeyError(field)


FIELDS = ["id", "downloads", "likes", "library", "pipeline", "created_at", "tags", "licenses", "depth",
          "family_size", "finetune_parents", "adapter_parents", "hub_url"]
rng = random.Random(11)
ids = rng.sample(sorted(rows), 300) + ["google/gemma-7b"]

# ---- ids -> JSON ----
h, data = post({"ids": ids + ["no/such-model", ids[0], "another/missing"], "format": "json", "fields": FIELDS})
check("json disposition", h.get("content-disposition"), 'attachment; filename="hfviz-export.json"')
d = json.loads(data)
check("json count", d["count"], len(ids))
check("json missing", d["missing"], ["no/such-model", "another/missing"])
check("json duplicates", d["duplicates"], 1)
check("json fields", d["fields"], FIELDS)
check("json order", [m["id"] for m in d["models"]], ids)
for m in d["models"]:
    for f in FIELDS:
        got = sorted(m[f]) if f.endswith("_parents") else m[f]
        check(f"json {m['id']} {f}", got, want_value(m["id"], f))

# ---- ids -> CSV (RFC 4180), also as a bare array ----
h, data = post({"ids": ids, "fields": FIELDS})
check("csv type", h.get("content-type", "").split(";")[0], "text/csv")
check("csv disposition", h.get("content-disposition"), 'attachment; filename="hfviz-export.csv"')
text = data.decode("utf-8")
check("csv line ends", text.count("\r\n") >= len(ids) + 1, True)
table = list(csv.reader(io.StringIO(text, newline="")))
check("csv header", table[0], FIELDS)
check("csv rows", len(table) - 1, len(ids))
for line in table[1:]:
    mid = line[0]
    for f, v in zip(FIELDS, line):
        want = want_value(mid, f)
        if isinstance(want, list):
            got = v.split(";") if v else []
            if f.endswith("_parents"):
                got = sorted(got)
        elif want is None:
            got = v if v else None
        elif isinstance(want, int):
            got = int(v)
        else:
            got = v
        check(f"csv {mid} {f}", got, want)
h, data = post(ids[:5])
check("bare array", [r[0] for r in csv.reader(io.StringIO(data.decode(), newline=""))][1:], ids[:5])
h, data = post({"ids": ids[:3]})
check("default fields", next(csv.reader(io.StringIO(data.decode()))),
      ["id", "author", "library", "pipeline", "downloads", "likes", "trending", "created_at", "licenses", "tags",
       "depth", "family_root", "cluster"])

# ---- a filter, in the body and in the query ----
want = sorted((m for m, r in rows.items() if r.get("library_name") in ("transformers", "diffusers")
               and r.get("likes", 0) >= 50), key=lambda m: -rows[m].get("downloads", 0))
h, data = post({"filter": {"library": ["transformers", "diffusers"], "min_likes": 50}, "format": "json",
                "fields": ["id", "downloads"]})
d = json.loads(data)
check("filter body ids", {m["id"] for m in d["models"]}, set(want))
check("filter body order", [m["downloads"] for m in d["models"]], sorted((rows[m].get("downloads") for m in want),
                                                                          reverse=True))
check("filter body total", (d["count"], d["total"], d["truncated"]), (len(want), len(want), False))
d = api.get("/api/export", library="transformers,diffusers", min_likes=50, format="json", fields="id,downloads")
check("filter query ids", {m["id"] for m in d["models"]}, set(want))
d = api.get("/api/export", library="transformers,diffusers", min_likes=50, format="json", limit=3)
check("filter limit", (d["count"], d["total"], d["truncated"]), (3, len(want), True))
h, data = post({"filter": {"family": "microsoft/phi-2", "base_only": False, "max_depth": 1}, "format": "json",
                "fields": "id,depth", "limit": 5000})
d = json.loads(data)
check("filter family", {m["id"] for m in d["models"]}, {m for m in demo.family("microsoft/phi-2") if demo.depth[m] <= 1})
d = api.get("/api/export", format="json", fields="id")
check("export everything", d["count"], len(rows))

# ---- errors ----
bad = [
    ("{\"ids\": [\"a\",}", 400, "byte 13"),      # 0-based: the offending "}"
    ("{\"ids\": [\"a\"]} trailing", 400, "byte 15"),
    ("", 400, None),
    ("\"just a string\"", 400, None),
    ({"ids": "google/gemma-7b"}, 400, None),
    ({"ids": [1, 2]}, 400, "ids[0]"),
    ({"ids": ["a"], "filter": {}}, 400, None),
    ({"ids": ["a"], "format": "xml"}, 400, None),
    ({"ids": ["a"], "fields": ["id", "password"]}, 400, "password"),
    ({"ids": ["a"], "fields": "id,nope"}, 400, "nope"),
    ({"ids": ["a"], "colour": "red"}, 400, "colour"),
    ({"filter": {"library": "x", "shoe_size": 3}}, 400, "shoe_size"),
    ({"filter": {"min_likes": -5}}, 400, "min_likes"),
    ({"filter": {"library": {"x": 1}}}, 400, None),
    ({"filter": "library=x"}, 400, None),
    ({"filter": {}, "limit": 0}, 400, None),
    ({"filter": {}, "limit": 1.5}, 400, None),
    ({"ids": ["m"] * 100001}, 400, "100000"),
    ({}, 400, None),
]
for body, status, needle in bad:
    _, d = post(body, status=status)
    if needle and needle not in d["detail"]:
        failures.append(f"export error for {str(body)[:60]!r}: detail {d['detail']!r} lacks {needle!r}")
st, h, data = api.raw("POST", "/api/export", body=b"x" * ((1 << 20) + 10), headers={"Content-Type": "application/json"})
check("body over 1 MiB", st, 413)
for q in ("format=xml", "limit=0", "limit=200001", "fields=id,zzz", "min_downloads=abc"):
    st, _, data = api.raw("GET", "/api/export?" + q)
    check(f"GET export {q}", st, 400)
st, _, _ = api.raw("PUT", "/api/export", body="{}")
check("PUT export", st, 405)

print(f"export checks: {len(ids)} ids, filter of {len(want)}")
if failures:
    print("\n".join("FAIL " + f for f in failures[:50]))
    print(f"{len(failures)} failures")
    sys.exit(1)
print("export checks passed")
