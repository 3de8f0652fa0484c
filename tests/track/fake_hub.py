#!/usr/bin/env python3
"""A fake Hugging Face Hub for the `hfviz track` checks (Python 3 stdlib only).

It serves the protocol of docs/tracking.md from a deterministic catalog of
fake models, and lets a test script the Hub's misbehaviour:

  GET  /api/models-tags-by-type     {"library": [{id,label,type}], "pipeline_tag": [...], "license": [...]}
  GET  /models-json?p=0&sort=trending&withCount=true[&library=L][&pipeline_tag=P]
                                   (numTotalItems only with withCount=true, as the Hub)
                                    {"models": [<= 30], "numItemsPerPage": 30, "numTotalItems": N, "pageIndex": 0}
  GET  /api/models?limit=K[&cursor=C]
                                    a JSON array of models, with a Link: <...>; rel="next" header until the end

Test-only endpoints (not counted in the statistics):

  GET  /__truth     {"total": N, "library": {value: n}, "pipeline": {value: n}}: what a poll must store
  GET  /__stats     {"counts": {kind: n}, "requests": [{t, method, path, kind, host, headers, fault}], "last_headers"}
  POST /__control   a JSON object, every member optional, applied in this order:
       "reset": true          clear the faults, the latency and the statistics (the catalog stays)
       "reset_stats": true    clear the statistics only
       "grow": N              add N models (the Hub grows)
       "latency": S           sleep S seconds before every answer
       "faults": [rule, ...]  replace the fault rules; "add_faults": [...] appends
    A rule: {"match": KIND, "value": V?, "skip": 0, "times": K|null, "fault": F, ...}
       KIND  tags | total | library | pipeline | counts (any /models-json) | list | list-next
             (a list page with a cursor) | any; "value" narrows library/pipeline to one value.
       skip  matching requests let through first; times: how many it hits (null: every one after).
       F     status        "status": 500, optional "retry_after": "1" (sent as is) or
                           "retry_after_in": 2 (an HTTP date that many seconds ahead)
             slow          sleep "seconds" (default 5) before answering normally
             malformed     the JSON cut in the middle, with a correct Content-Length
             short         Content-Length of the whole body, a third of it sent, then the connection closed
             drop_total    no numTotalItems member
             count         numTotalItems replaced by "count" (any JSON: -5, 12.5, "2500", 1e30 ...)
             foreign_next  the Link next URL on "host" ("{port}" is replaced), e.g. "localhost:{port}"
             json          the answer's JSON replaced by "body" (any JSON value)
             drop          the connection closed without an answer
    The first rule that matches a request and still has hits left applies.

usage: fake_hub.py --port 0 --port-file FILE [--models 2500] [--host 127.0.0.1] [--verbose]
"""
import argparse
import base64
import email.utils
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (id, label): "keras+tf" must be percent-encoded in a query ('+' decodes to a
# space otherwise, and "keras tf" matches nothing).
LIBRARIES = [
    ("transformers", "Transformers"),
    ("diffusers", "Diffusers"),
    ("sentence-transformers", "sentence-transformers"),
    ("keras+tf", "Keras (TF)"),
    ("open_clip", "OpenCLIP"),
    ("timm", "timm"),
    ("gguf", "GGUF"),
    ("stable-baselines3", "Stable-Baselines3"),
]
LIB_WEIGHTS = [30, 15, 10, 7, 5, 4, 3, 2]          # of 100; the other 24: null or missing
PIPELINES = [
    ("text-generation", "Text Generation"),
    ("text-classification", "Text Classification"),
    ("text-to-image", "Text-to-Image"),
    ("feature-extraction", "Feature Extraction"),
    ("image-classification", "Image Classification"),
    ("automatic-speech-recognition", "Automatic Speech Recognition"),
]
PIPE_WEIGHTS = [25, 14, 10, 8, 6, 5]               # of 100; the other 32: null or missing
ORGS = ["acme", "bigscience-ish", "Org_42", "unsloth-fake", "TheBlokeish", "sentence-transformers", "x.y"]
PAGE = 30        # numItemsPerPage of /models-json
MAX_LIMIT = 1000  # the largest page of /api/models


def pick(h, weights):
    """An index into weights for h in 0..99, or None (>= sum) and a 'missing'
    flag for the upper half of the rest."""
    acc = 0
    for i, w in enumerate(weights):
        acc += w
        if h < acc:
            return i, False
    rest = 100 - acc
    return None, h >= acc + rest // 2


def make_model(i):
    """Model number i: a pure function of i, so every run has the same catalog."""
    h1 = (i * 2654435761 + 12345) % 4294967296
    h2 = (i * 40503 + 977) % 65521
    lib, lib_missing = pick(h1 % 100, LIB_WEIGHTS)
    pipe, pipe_missing = pick(h2 % 100, PIPE_WEIGHTS)
    org = ORGS[i % len(ORGS)]
    m = {
        "_id": "%024x" % (0x65A0000000000000 + i),
        "id": "%s/model-%05d" % (org, i),
        "likes": (h1 >> 8) % 50,
        "downloads": (h1 >> 4) % 100000,
        "private": False,
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(1640995200 + i * 7919)),
        "tags": [],
    }
    if lib is not None:
        m["library_name"] = LIBRARIES[lib][0]
        m["tags"].append(LIBRARIES[lib][0])
    elif not lib_missing:
        m["library_name"] = None
    if pipe is not None:
        m["pipeline_tag"] = PIPELINES[pipe][0]
        m["tags"].append(PIPELINES[pipe][0])
    elif not pipe_missing:
        m["pipeline_tag"] = None
    m["modelId"] = m["id"]
    return m


class Hub:
    def __init__(self, n):
        self.lock = threading.Lock()
        self.models = [make_model(i) for i in range(n)]
        self.faults = []
        self.latency = 0.0
        self.reset_stats()

    def reset_stats(self):
        self.counts = {}
        self.requests = []
        self.last_headers = {}

    def truth(self):
        with self.lock:
            lib, pipe = {}, {}
            for m in self.models:
                if isinstance(m.get("library_name"), str):
                    lib[m["library_name"]] = lib.get(m["library_name"], 0) + 1
                if isinstance(m.get("pipeline_tag"), str):
                    pipe[m["pipeline_tag"]] = pipe.get(m["pipeline_tag"], 0) + 1
            return {"total": len(self.models), "library": lib, "pipeline": pipe}

    def control(self, cmd):
        with self.lock:
            if cmd.get("reset"):
                self.faults = []
                self.latency = 0.0
                self.reset_stats()
            if cmd.get("reset_stats"):
                self.reset_stats()
            n = int(cmd.get("grow") or 0)
            start = len(self.models)
            self.models.extend(make_model(i) for i in range(start, start + n))
            if "latency" in cmd:
                self.latency = float(cmd["latency"])
            if "faults" in cmd:
                self.faults = [dict(r, seen=0, hits=0) for r in cmd["faults"]]
            for r in cmd.get("add_faults") or []:
                self.faults.append(dict(r, seen=0, hits=0))
            return {"models": len(self.models), "faults": len(self.faults), "latency": self.latency}

    def fault_for(self, kind, value):
        """The rule that applies to this request (counting it), or None."""
        with self.lock:
            for r in self.faults:
                m = r.get("match", "any")
                if m == "counts":
                    ok = kind in ("total", "library", "pipeline")
                elif m == "list-next":
                    ok = kind == "list" and value == "next"
                else:
                    ok = m == "any" or m == kind
                if ok and r.get("value") is not None and m in ("library", "pipeline"):
                    ok = r["value"] == value
                if not ok:
                    continue
                r["seen"] += 1
                if r["seen"] <= int(r.get("skip", 0)):
                    continue
                if r.get("times") is not None and r["hits"] >= int(r["times"]):
                    continue
                r["hits"] += 1
                return dict(r)
            return None

    def log(self, entry):
        with self.lock:
            self.counts[entry["kind"]] = self.counts.get(entry["kind"], 0) + 1
            self.requests.append(entry)
            self.last_headers = entry["headers"]

    def count_matching(self, library, pipeline):
        with self.lock:
            sel = [m for m in self.models
                   if (library is None or m.get("library_name") == library)
                   and (pipeline is None or m.get("pipeline_tag") == pipeline)]
            return len(sel), sel[:PAGE]

    def page(self, offset, limit):
        with self.lock:
            return self.models[offset:offset + limit], offset + limit < len(self.models)


def encode_cursor(offset):
    raw = json.dumps({"$offset": offset, "sort": "_id"}).encode()
    return base64.b64encode(raw).decode()   # has '=' (and maybe '+', '/'): quoted into the URL


def decode_cursor(c):
    try:
        return int(json.loads(base64.b64decode(c.encode(), validate=True))["$offset"])
    except Exception:
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeHub/1.0"

    def setup(self):
        super().setup()
        # headers and body go out in two writes: without this, Nagle and the
        # client's delayed ACK cost 40 ms an answer on a kept-alive connection
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("fake_hub: " + (fmt % args) + "\n")

    # -- plumbing
    def send_body(self, status, body, ctype="application/json", headers=(), length=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_json(self, status, obj, headers=()):
        self.send_body(status, json.dumps(obj).encode(), headers=headers)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    # -- requests
    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/__control":
            try:
                cmd = json.loads(self.read_body() or b"{}")
                self.send_json(200, self.server.hub.control(cmd))
            except (ValueError, TypeError, AttributeError) as e:
                self.send_json(400, {"error": "bad control: %s" % e})
            return
        self.read_body()
        self.send_json(405, {"error": "method not allowed"})

    def do_GET(self):
        hub = self.server.hub
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        one = lambda k: q[k][0] if k in q else None
        if url.path == "/__truth":
            return self.send_json(200, hub.truth())
        if url.path == "/__stats":
            with hub.lock:
                return self.send_json(200, {"counts": hub.counts, "requests": hub.requests,
                                            "last_headers": hub.last_headers})
        # the Hub's endpoints
        value = None
        if url.path == "/api/models-tags-by-type":
            kind = "tags"
        elif url.path == "/models-json":
            if one("library") is not None:
                kind, value = "library", one("library")
            elif one("pipeline_tag") is not None:
                kind, value = "pipeline", one("pipeline_tag")
            else:
                kind = "total"
        elif url.path == "/api/models":
            kind, value = "list", ("next" if one("cursor") is not None else "first")
        else:
            kind = "other"
        rule = hub.fault_for(kind, value)
        hub.log({"t": time.time(), "method": self.command, "path": self.path, "kind": kind,
                 "host": self.headers.get("Host"), "headers": dict(self.headers.items()),
                 "fault": rule["fault"] if rule else None})
        if hub.latency:
            time.sleep(hub.latency)
        if rule and rule["fault"] == "slow":
            time.sleep(float(rule.get("seconds", 5)))
        if rule and rule["fault"] == "drop":
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.close_connection = True
            return
        if rule and rule["fault"] == "status":
            hdrs = []
            if "retry_after" in rule:
                hdrs.append(("Retry-After", str(rule["retry_after"])))
            if "retry_after_in" in rule:
                hdrs.append(("Retry-After", email.utils.formatdate(time.time() + float(rule["retry_after_in"]), usegmt=True)))
            st = int(rule["status"])
            return self.send_json(st, {"error": rule.get("body", "fake fault %d" % st)}, headers=hdrs)

        headers = []
        if kind == "tags":
            obj = {
                "library": [{"id": i, "label": l, "type": "library"} for i, l in LIBRARIES],
                "pipeline_tag": [{"id": i, "label": l, "type": "pipeline_tag", "subType": "nlp"} for i, l in PIPELINES],
                "license": [{"id": "mit", "label": "mit", "type": "license"},
                            {"id": "apache-2.0", "label": "apache-2.0", "type": "license"}],
                "region": [{"id": "us", "label": "🇺🇸 Region: US", "type": "region"}],
            }
        elif kind in ("total", "library", "pipeline"):
            n, first = hub.count_matching(one("library"), one("pipeline_tag"))
            obj = {"models": [{"id": m["id"], "author": m["id"].split("/")[0], "downloads": m["downloads"],
                               "likes": m["likes"], "pipeline_tag": m.get("pipeline_tag"), "private": False,
                               "repoType": "model", "isLikedByUser": False} for m in first],
                   "numItemsPerPage": PAGE, "numTotalItems": n, "pageIndex": int(one("p") or 0)}
            if one("withCount") != "true":  # as the Hub: the count only when asked for
                obj.pop("numTotalItems", None)
            if rule and rule["fault"] == "drop_total":
                obj.pop("numTotalItems", None)
            if rule and rule["fault"] == "count":
                obj["numTotalItems"] = rule.get("count")
        elif kind == "list":
            try:
                limit = max(1, min(MAX_LIMIT, int(one("limit") or MAX_LIMIT)))
            except ValueError:
                return self.send_json(400, {"error": "bad limit"})
            offset = 0
            if one("cursor") is not None:
                offset = decode_cursor(one("cursor"))
                if offset is None:
                    return self.send_json(400, {"error": "bad cursor"})
            items, more = hub.page(offset, limit)
            obj = items
            if more:
                host = "127.0.0.1:%d" % self.server.server_address[1]
                if rule and rule["fault"] == "foreign_next":
                    host = rule.get("host", "localhost:{port}").replace("{port}", str(self.server.server_address[1]))
                nxt = "http://%s/api/models?%s" % (host, urllib.parse.urlencode(
                    {"cursor": encode_cursor(offset + limit), "limit": limit}))
                headers.append(("Link", '<%s>; rel="next"' % nxt))
        else:
            return self.send_json(404, {"error": "Sorry, we can't find the page you are looking for."})

        if rule and rule["fault"] == "json":
            obj = rule.get("body")
        body = json.dumps(obj).encode()
        if rule and rule["fault"] == "malformed":
            body = body[: len(body) // 2]
        if rule and rule["fault"] == "short":
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body[: max(1, len(body) // 3)])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.close_connection = True
            return
        self.send_body(200, body, headers=headers)

    do_HEAD = do_GET


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--models", type=int, default=2500)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    srv = Server((a.host, a.port), Handler)
    srv.hub = Hub(a.models)
    srv.verbose = a.verbose
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, a.port_file)
    else:
        print(port, flush=True)
    try:
        srv.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
