#!/usr/bin/env python3
"""Checks of `hfviz track`, `hfviz build --track-db` and the /api/model-count/*
routes of `hfviz serve` against docs/tracking.md and docs/api.md.

usage: check_track.py HFVIZ [--only SUBSTR[,SUBSTR...]] [--keep] [--seed N]

Python 3 stdlib only.  A fake Hub (tests/track/fake_hub.py) runs on a free
loopback port; every expected number is computed here, from the fake Hub's
catalog (GET /__truth), from data/demo/models.jsonl, or by hand from the
formulas of docs/tracking.md (OLS and Student t table included).  Each check
prints "ok" or "FAIL"; the exit status is 1 when any failed.  Every process
started here is killed at exit, and the temporary folder removed (--keep
leaves it).
"""
import argparse
import atexit
import datetime
import http.client
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEMO = os.path.join(REPO, "data", "demo", "models.jsonl")

HFVIZ = None
TMP = None
PROCS = []
CHECKS = []
RNG = random.Random()


# --------------------------------------------------------------------------
# plumbing

def check(name):
    def deco(f):
        CHECKS.append((name, f))
        return f
    return deco


def child_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_TOKEN", "HFVIZ_FAULT") and "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def spawn(args, env=None, **kw):
    p = subprocess.Popen(args, env=env or child_env(), stdout=kw.pop("stdout", subprocess.PIPE),
                         stderr=kw.pop("stderr", subprocess.PIPE), **kw)
    PROCS.append(p)
    return p


def kill_all():
    for p in PROCS:
        if p.poll() is None:
            try:
                p.kill()
                p.wait(5)
            except Exception:
                pass


class Result:
    def __init__(self, rc, out, err, secs):
        self.rc, self.out, self.err, self.secs = rc, out, err, secs

    def __repr__(self):
        return "exit %s after %.1f s; stdout %r; stderr %r" % (self.rc, self.secs, self.out[-600:], self.err[-600:])


def run(args, env=None, timeout=60):
    """Run hfviz ARGS; a run past timeout is killed and reported as rc None."""
    t0 = time.time()
    p = spawn([HFVIZ] + [str(a) for a in args], env=env)
    try:
        out, err = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = None
    return Result(rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.time() - t0)


def wait_file(path, proc, secs=15):
    t_end = time.time() + secs
    while time.time() < t_end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                s = f.read().strip()
            if s.isdigit():
                return int(s)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.poll() is not None and proc.stderr else ""
    raise AssertionError("no port in %s (exit %s) %s" % (path, proc.poll(), err[-800:]))


def http_req(base, method, path, body=None, headers=None, timeout=30):
    host, port = base.split("//")[1].split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def get_json(base, path, status=200):
    st, h, data = http_req(base, "GET", path)
    assert st == status, "GET %s: %d, wanted %d: %r" % (path, st, status, data[:300])
    return json.loads(data) if data else None


def tmp(name):
    return os.path.join(TMP, name)


def fresh(name):
    p = tmp(name)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(p + suffix):
            os.remove(p + suffix)
    return p


def foreign_db(name, *statements):
    """A fresh SQLite file made by someone else: path and its exact bytes."""
    db = fresh(name)
    con = sqlite3.connect(db)
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()
    with open(db, "rb") as f:
        return db, f.read()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


# --------------------------------------------------------------------------
# the fake Hub

class FakeHub:
    def __init__(self):
        pf = tmp("hub.port")
        if os.path.exists(pf):
            os.remove(pf)
        self.proc = spawn([sys.executable, os.path.join(HERE, "fake_hub.py"), "--port", "0", "--port-file", pf],
                          stdout=subprocess.DEVNULL)
        self.port = wait_file(pf, self.proc)
        self.url = "http://127.0.0.1:%d" % self.port
        self.host = "127.0.0.1:%d" % self.port

    def control(self, **cmd):
        st, _, data = http_req(self.url, "POST", "/__control", json.dumps(cmd), {"Content-Type": "application/json"})
        assert st == 200, data
        return json.loads(data)

    def reset(self, **cmd):
        return self.control(reset=True, **cmd)

    def stats(self):
        return get_json(self.url, "/__stats")

    def truth(self):
        return get_json(self.url, "/__truth")


HUB = None


def hub():
    global HUB
    if HUB is None:
        HUB = FakeHub()
    return HUB


# --------------------------------------------------------------------------
# the database

def q(db, sql, args=()):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def dump(db):
    """The snapshot and snapshot_count tables, complete and ordered."""
    return (q(db, "SELECT * FROM snapshot ORDER BY id"),
            q(db, "SELECT * FROM snapshot_count ORDER BY snapshot_id, facet, value"))


def snapshots(db):
    """[{id, taken_at, source, origin, method, total, requests, duration_ms, library: {}, pipeline: {}}]"""
    cols = ("id", "taken_at", "source", "origin", "method", "total", "requests", "duration_ms")
    out = []
    for row in q(db, "SELECT %s FROM snapshot ORDER BY taken_at, id" % ", ".join(cols)):
        s = dict(zip(cols, row))
        s["library"], s["pipeline"] = {}, {}
        for facet, value, count in q(db, "SELECT facet, value, count FROM snapshot_count WHERE snapshot_id = ?", (s["id"],)):
            s[facet][value] = count
        out.append(s)
    return out


def polls(db):
    cols = ("id", "at", "origin", "ok", "snapshot_id", "requests", "duration_ms", "message")
    return [dict(zip(cols, r)) for r in q(db, "SELECT %s FROM poll_log ORDER BY id" % ", ".join(cols))]


def integrity(db):
    r = q(db, "PRAGMA integrity_check")
    assert r == [("ok",)], "integrity_check: %r" % r
    r = q(db, "PRAGMA foreign_key_check")
    assert r == [], "foreign_key_check: %r" % r
    tables = q(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('snapshot', 'snapshot_count', 'poll_log')")
    assert len(tables) in (0, 3), "a schema half made: %r" % tables
    if not tables:
        return
    orphans = q(db, "SELECT count(*) FROM snapshot_count WHERE snapshot_id NOT IN (SELECT id FROM snapshot)")
    assert orphans == [(0,)], "count rows without a snapshot: %r" % orphans


def assert_matches_truth(s, truth, what="snapshot"):
    assert s["total"] == truth["total"], "%s total %d, the hub holds %d" % (what, s["total"], truth["total"])
    for facet in ("library", "pipeline"):
        assert s[facet] == truth[facet], "%s %s counts %r, wanted %r" % (what, facet, s[facet], truth[facet])


def track(db, *extra, env=None, timeout=60, once=True, hub_url=None):
    args = ["track", "--db", db, "--hub", hub_url or hub().url]
    if once:
        args.append("--once")
    args += ["--delay", "0", "--timeout", "2s"] + [str(a) for a in extra]
    return run(args, env=env, timeout=timeout)


BASELINE = None


def baseline_copy(name):
    """A database holding one good hub snapshot (taken an hour ago, so a new
    poll never shares its second) and its poll-log row."""
    global BASELINE
    if BASELINE is None:
        db = fresh("baseline.db")
        hub().reset()
        r = track(db)
        assert r.rc == 0, "baseline poll: %r" % r
        con = sqlite3.connect(db)
        con.execute("UPDATE snapshot SET taken_at = taken_at - 3600")
        con.commit()
        con.close()
        BASELINE = db
    dst = fresh(name)
    src = sqlite3.connect(BASELINE)
    out = sqlite3.connect(dst)
    src.backup(out)
    out.execute("PRAGMA journal_mode=WAL").fetchall()
    out.close()
    src.close()
    return dst


# --------------------------------------------------------------------------
# (1) a poll stores exactly the Hub's counts

def requests_of(st, kind=None):
    return [r for r in st["requests"] if kind is None or r["kind"] == kind]


def query_of(path):
    from urllib.parse import urlsplit, parse_qs
    return parse_qs(urlsplit(path).query, keep_blank_values=True)


@check("poll --method counts (the default): the right snapshot, every value percent-encoded")
def _():
    h = hub()
    h.reset()
    truth = h.truth()
    assert truth["total"] == 2500 and truth["library"]["keras+tf"] == 172, truth  # the fake's catalog
    db = fresh("counts.db")
    t0 = int(time.time())
    r = track(db)
    t1 = int(time.time()) + 1
    assert r.rc == 0, r
    st = h.stats()
    snaps = snapshots(db)
    assert len(snaps) == 1, snaps
    s = snaps[0]
    assert_matches_truth(s, truth)
    assert (s["source"], s["origin"], s["method"]) == ("hub", h.url, "counts"), s
    n = 1 + 1 + len(truth["library"]) + len(truth["pipeline"])
    assert st["counts"] == {"tags": 1, "total": 1, "library": 8, "pipeline": 6}, st["counts"]
    assert s["requests"] == n == len(st["requests"]), "requests %d, the hub served %d, wanted %d" % (s["requests"], len(st["requests"]), n)
    assert t0 <= s["taken_at"] <= t1, (t0, s["taken_at"], t1)
    assert s["duration_ms"] >= 0
    libs = sorted(query_of(x["path"])["library"][0] for x in requests_of(st, "library"))
    assert libs == sorted(truth["library"]), "library values as the hub decoded them: %r" % libs
    pipes = sorted(query_of(x["path"])["pipeline_tag"][0] for x in requests_of(st, "pipeline"))
    assert pipes == sorted(truth["pipeline"]), pipes
    for x in st["requests"]:
        assert x["method"] == "GET", x
        if x["kind"] in ("total", "library", "pipeline"):
            qq = query_of(x["path"])
            assert qq.get("p") == ["0"] and qq.get("sort") == ["trending"] and qq.get("withCount") == ["true"], \
                "missing p=0&sort=trending&withCount=true: %s" % x["path"]
        assert x["host"] == h.host, x
        hdr = {k.lower(): v for k, v in x["headers"].items()}
        assert "authorization" not in hdr, "Authorization sent without HF_TOKEN: %r" % hdr
        assert "hfviz" in hdr.get("user-agent", "").lower(), "User-Agent %r does not name hfviz" % hdr.get("user-agent")
    p = polls(db)
    assert len(p) == 1 and p[0]["ok"] == 1 and p[0]["snapshot_id"] == s["id"] and p[0]["origin"] == h.url, p
    assert p[0]["requests"] == n, p
    assert p[0]["message"].startswith("ok") and "2,500" in p[0]["message"], p[0]["message"]


@check("poll --method list: the right snapshot, Link pages followed as given")
def _():
    h = hub()
    h.reset()
    truth = h.truth()
    db = fresh("list.db")
    r = track(db, "--method", "list")
    assert r.rc == 0, r
    st = h.stats()
    s = snapshots(db)
    assert len(s) == 1, s
    s = s[0]
    assert_matches_truth(s, truth)
    assert (s["source"], s["origin"], s["method"]) == ("hub", h.url, "list"), s
    paths = [x["path"] for x in st["requests"]]
    assert st["counts"] == {"list": 3}, st["counts"]
    assert paths[0] == "/api/models?limit=1000", paths
    for i, p in enumerate(paths[1:], 1):
        assert p.startswith("/api/models?cursor=") and p.endswith("&limit=1000") and "%3D" in p, "page %d: %s" % (i, p)
    assert s["requests"] == 3, s
    assert all(x["host"] == h.host for x in st["requests"]), st["requests"]
    p = polls(db)
    assert len(p) == 1 and p[0]["ok"] == 1 and p[0]["snapshot_id"] == s["id"] and p[0]["requests"] == 3, p


@check("the Hub grows: both methods see the same new counts")
def _():
    h = hub()
    h.reset(grow=137)
    truth = h.truth()
    assert truth["total"] == 2637, truth
    for method in ("counts", "list"):
        db = fresh("grow-%s.db" % method)
        r = track(db, "--method", method)
        assert r.rc == 0, (method, r)
        s = snapshots(db)
        assert len(s) == 1, s
        assert_matches_truth(s[0], truth, method)


@check("HF_TOKEN: every request carries Authorization: Bearer")
def _():
    h = hub()
    h.reset()
    db = fresh("token.db")
    r = track(db, env=child_env(HF_TOKEN="hf_fake_Token123"))
    assert r.rc == 0, r
    reqs = h.stats()["requests"]
    assert reqs
    for x in reqs:
        hdr = {k.lower(): v for k, v in x["headers"].items()}
        assert hdr.get("authorization") == "Bearer hf_fake_Token123", x
    assert "hf_fake_Token123" not in r.out + r.err, "the token is printed"


@check("--quiet (in the docs' synopsis) is accepted")
def _():
    h = hub()
    h.reset()
    db = fresh("quiet.db")
    r = track(db, "--quiet")
    assert r.rc == 0, r


@check("--delay spaces consecutive requests")
def _():
    h = hub()
    h.reset()
    db = fresh("delay.db")
    r = run(["track", "--db", db, "--hub", h.url, "--once", "--method", "list", "--delay", "300ms", "--timeout", "2s"])
    assert r.rc == 0, r
    ts = [x["t"] for x in h.stats()["requests"]]
    assert len(ts) == 3, ts
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    assert min(gaps) >= 0.25, "gaps between requests %r with --delay 300ms" % gaps


# --------------------------------------------------------------------------
# (2) faults

def gap_after_fault(st, fault):
    reqs = st["requests"]
    for i, x in enumerate(reqs):
        if x["fault"] == fault[0] and x["kind"] == fault[1]:
            nxt = [y for y in reqs[i + 1:] if y["kind"] == x["kind"] and y["path"] == x["path"]]
            assert nxt, "the faulted request was not retried: %r" % [(y["kind"], y["fault"]) for y in reqs]
            return nxt[0]["t"] - x["t"]
    raise AssertionError("the fault never applied")


TRANSIENT = [
    # name, rule, extra args, minimal wait after the fault (s)
    ("one HTTP 500", {"match": "total", "fault": "status", "status": 500, "times": 1}, [], 0),
    ("one HTTP 503 on a library", {"match": "library", "value": "keras+tf", "fault": "status", "status": 503, "times": 1}, [], 0),
    ("one 429 Retry-After: 1", {"match": "tags", "fault": "status", "status": 429, "retry_after": "1", "times": 1}, [], 0.9),
    ("one 429 Retry-After: <HTTP date>", {"match": "pipeline", "fault": "status", "status": 429, "retry_after_in": 2, "times": 1}, [], 0.9),
    ("one body cut short (list)", {"match": "list-next", "fault": "short", "times": 1}, ["--method", "list"], 0),
    ("one body cut short (counts)", {"match": "total", "fault": "short", "times": 1}, [], 0),
    # libcurl itself resends a request once when a reused connection closes
    # without an answer; the second close (a fresh connection) reaches hfviz
    ("a connection closed without an answer", {"match": "library", "value": "timm", "fault": "drop", "times": 2}, [], 0),
    ("one answer slower than --timeout", {"match": "total", "fault": "slow", "seconds": 3.5, "times": 1}, [], 1.8),
]

for _name, _rule, _extra, _wait in TRANSIENT:
    def _make(name, rule, extra, wait):
        @check("transient fault, retried: " + name)
        def _():
            h = hub()
            db = baseline_copy("transient.db")
            h.reset(faults=[rule])
            truth = h.truth()
            before = snapshots(db)
            r = track(db, "--max-wait", "2s", *extra)
            st = h.stats()
            assert r.rc == 0, r
            assert sum(1 for x in st["requests"] if x["fault"]) == rule["times"], [(x["kind"], x["fault"]) for x in st["requests"]]
            after = snapshots(db)
            assert len(after) == len(before) + 1, after
            new = after[-1]
            assert_matches_truth(new, truth)
            served = len(st["requests"]) - (1 if rule["fault"] == "drop" else 0)
            assert new["requests"] == served, "requests column %d, the hub served %d" % (new["requests"], len(st["requests"]))
            gap = gap_after_fault(st, (rule["fault"], "list" if rule["match"].startswith("list") else rule["match"]))
            assert gap >= wait, "retried %.2f s after the fault, wanted >= %.1f s" % (gap, wait)
            if rule.get("retry_after"):
                assert gap < 4, "waited %.1f s for Retry-After: %s" % (gap, rule["retry_after"])
            p = polls(db)
            assert p[-1]["ok"] == 1 and p[-1]["snapshot_id"] == new["id"], p[-1]
            integrity(db)
    _make(_name, _rule, _extra, _wait)


PERSISTENT = [
    # name, rule(s), extra args, words one of which the message names, requests of the faulted kind
    ("HTTP 404 (not retried)", [{"match": "library", "value": "timm", "fault": "status", "status": 404}], [], ["404"], ("library/timm", 1)),
    ("HTTP 403 (not retried)", [{"match": "total", "fault": "status", "status": 403}], [], ["403"], ("total", 1)),
    ("malformed JSON (not retried)", [{"match": "total", "fault": "malformed"}], [], ["json", "pars"], ("total", 1)),
    ("malformed JSON on a list page", [{"match": "list-next", "fault": "malformed"}], ["--method", "list"], ["json", "pars"], ("list", 2)),
    ("a list page that is not an array", [{"match": "list", "fault": "json", "body": {"error": "nope"}}], ["--method", "list"], ["array", "json"], ("list", 1)),
    ("tags without a library member", [{"match": "tags", "fault": "json", "body": {"pipeline_tag": []}}], [], ["library"], ("tags", 1)),
    ("numTotalItems missing", [{"match": "pipeline", "value": "text-to-image", "fault": "drop_total"}], [], ["numtotalitems"], ("pipeline/text-to-image", 1)),
    ("numTotalItems negative", [{"match": "total", "fault": "count", "count": -5}], [], ["numtotalitems", "negative"], ("total", 1)),
    ("numTotalItems not an integer (12.5)", [{"match": "library", "value": "gguf", "fault": "count", "count": 12.5}], [], ["numtotalitems", "integer"], ("library/gguf", 1)),
    ("numTotalItems a string", [{"match": "total", "fault": "count", "count": "2500"}], [], ["numtotalitems", "integer"], ("total", 1)),
    ("numTotalItems beyond 64 bits", [{"match": "total", "fault": "count", "count": 99999999999999999999}], [], ["numtotalitems", "range", "integer", "large"], ("total", 1)),
    ("429 with Retry-After: 3600 > --max-wait", [{"match": "total", "fault": "status", "status": 429, "retry_after": "3600"}], [], ["retry-after", "max-wait"], ("total", 1)),
    ("a next link on another host (localhost)", [{"match": "list", "fault": "foreign_next", "host": "localhost:{port}"}], ["--method", "list"], ["host"], ("list", 1)),
    ("a next link on another host (userinfo trick)", [{"match": "list", "fault": "foreign_next", "host": "127.0.0.1:{port}@localhost:{port}"}], ["--method", "list"], ["host"], ("list", 1)),
    ("retries exhausted (HTTP 500 every time)", [{"match": "total", "fault": "status", "status": 500}], ["--retries", "2", "--max-wait", "1s"], ["500"], ("total", 3)),
    ("--max-requests below what a poll needs", [], ["--max-requests", "5"], ["request"], ("any", range(1, 6))),
]

for _name, _rules, _extra, _words, _count in PERSISTENT:
    def _make(name, rules, extra, words, count):
        @check("failed poll, nothing stored: " + name)
        def _():
            h = hub()
            db = baseline_copy("persistent.db")
            h.reset(faults=rules)
            before = dump(db)
            log_before = polls(db)
            r = track(db, *extra, timeout=30)
            st = h.stats()
            assert r.rc == 1, "wanted exit 1: %r" % r
            assert r.secs < 10, "took %.1f s" % r.secs
            if "--max-wait" in extra:  # two waits of at most --max-wait 1s each
                assert r.secs < 4, "took %.1f s with --retries 2 --max-wait 1s" % r.secs
            after = dump(db)
            assert after == before, "the snapshot tables changed: %r" % ((after[0][len(before[0]):],))
            log = polls(db)
            assert len(log) == len(log_before) + 1, log
            row = log[-1]
            assert row["ok"] == 0 and row["snapshot_id"] is None, row
            assert row["origin"] == h.url, row
            msg = row["message"].lower()
            assert any(w in msg for w in words), "poll-log message %r names none of %r" % (row["message"], words)
            assert any(w in r.err.lower() for w in words), "stderr %r names none of %r" % (r.err, words)
            kind, n = count
            kind, _, value = kind.partition("/")
            seen = [x for x in st["requests"] if kind == "any" or (x["kind"] == kind and (not value or value in x["path"]))]
            assert len(seen) == n or (isinstance(n, range) and len(seen) in n), "%d %s requests, wanted %s: %r" % (len(seen), count[0], n, [x["path"] for x in st["requests"]])
            assert row["requests"] == len(st["requests"]), "poll-log requests %d, the hub served %d" % (row["requests"], len(st["requests"]))
            assert all(x["host"] == h.host for x in st["requests"]), "a request went to %r" % [x["host"] for x in st["requests"]]
            integrity(db)
    _make(_name, _rules, _extra, _words, _count)


@check("an unreachable hub fails the poll (exit 1), logged")
def _():
    s = __import__("socket").socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    db = baseline_copy("unreachable.db")
    before = dump(db)
    r = track(db, "--retries", "1", "--max-wait", "200ms", hub_url="http://127.0.0.1:%d" % port, timeout=30)
    assert r.rc == 1, r
    assert dump(db) == before
    p = polls(db)
    assert p[-1]["ok"] == 0 and p[-1]["snapshot_id"] is None and p[-1]["message"], p[-1]


# --------------------------------------------------------------------------
# (3) crash safety

@check("HFVIZ_FAULT=kill-before-commit: killed, nothing half-stored, the next poll works")
def _():
    h = hub()
    db = baseline_copy("kill.db")
    h.reset()
    truth = h.truth()
    before = dump(db)
    r = track(db, env=child_env(HFVIZ_FAULT="kill-before-commit"))
    assert r.rc == -signal.SIGKILL, "wanted death by SIGKILL: %r" % r
    assert h.stats()["counts"].get("total") == 1, "the poll did not run"
    integrity(db)
    assert dump(db) == before, "rows of the killed transaction are visible"
    r = track(db)
    assert r.rc == 0, r
    integrity(db)
    s = snapshots(db)
    assert len(s) == 2, s
    for x in s:
        assert_matches_truth(x, truth)


@check("SIGKILL at random moments of a polling loop: the database stays whole")
def _():
    h = hub()
    h.reset(latency=0.02)
    truth = h.truth()
    db = fresh("loop.db")
    durations = [RNG.uniform(0.1, 1.6) for _ in range(5)] + [2.2]
    for d in durations:
        p = spawn([HFVIZ, "track", "--db", db, "--hub", h.url, "--interval", "1s", "--delay", "0", "--timeout", "2s"],
                  env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(d)
        assert p.poll() is None, "the tracker exited by itself (%s)" % p.returncode
        p.kill()
        p.wait()
        if os.path.exists(db):
            integrity(db)
        time.sleep(0.5)
    h.reset()
    s = snapshots(db)
    assert s, "no snapshot in %.1f s of polling" % sum(durations)
    for x in s:
        assert_matches_truth(x, truth, "snapshot %d" % x["id"])
    ids = {x["id"] for x in s}
    for row in polls(db):
        if row["ok"]:
            assert row["snapshot_id"] in ids, row
    print("    %d snapshots after kills at %s s" % (len(s), ", ".join("%.2f" % d for d in durations)))


@check("--interval 1s polls again and again; SIGTERM stops it cleanly")
def _():
    h = hub()
    h.reset()
    db = fresh("interval.db")
    p = spawn([HFVIZ, "track", "--db", db, "--hub", h.url, "--interval", "1s", "--delay", "0"],
              env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t_end = time.time() + 8
    n = 0
    while time.time() < t_end and p.poll() is None:
        if os.path.exists(db):
            try:
                n = q(db, "SELECT count(*) FROM snapshot")[0][0]
            except sqlite3.Error:
                n = 0
        if n >= 2:
            break
        time.sleep(0.1)
    assert p.poll() is None, "the tracker exited: %s %r" % (p.returncode, p.stderr.read())
    assert n >= 2, "%d snapshots after 8 s of --interval 1s" % n
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(5)
    except subprocess.TimeoutExpired:
        raise AssertionError("still running 5 s after SIGTERM")
    assert rc == 0, "exit %s after SIGTERM: %r" % (rc, p.stderr.read())
    assert time.time() - t0 < 3, "took %.1f s to stop" % (time.time() - t0)
    integrity(db)
    s = snapshots(db)
    assert len({x["taken_at"] for x in s}) == len(s)


# --------------------------------------------------------------------------
# (4) growth statistics by hand

T975 = [None, 12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252,
        2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546,
        2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610,
        2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456]

DAY = 86400
T0 = 1735689600  # 2025-01-01T00:00:00Z
HUB_ORIGIN = "https://huggingface.co"
# (seconds from T0, total, libraries, pipelines): gguf leaves the last
# snapshot, diffusers is missing from the one the 30-day window starts at,
# timm and feature-extraction appear only at the end.
HUB_SNAPS = [
    (-40 * DAY + 3 * 3600, 1000000, {"transformers": 400000, "diffusers": 30000, "gguf": 5000}, {"text-generation": 200000, "text-to-image": 50000}),
    (-31 * DAY, 1010000, {"transformers": 404000, "gguf": 5100}, {"text-generation": 202000, "text-to-image": 50500}),
    (-29 * DAY - 12 * 3600, 1020000, {"transformers": 408000, "diffusers": 31000, "gguf": 5200}, {"text-generation": 204500, "text-to-image": 50900}),
    (-20 * DAY, 1031000, {"transformers": 412500, "diffusers": 31500, "gguf": 5300}, {"text-generation": 206000, "text-to-image": 51200}),
    (-10 * DAY + 7 * 3600, 1040500, {"transformers": 416800, "diffusers": 32000, "gguf": 5350}, {"text-generation": 208100, "text-to-image": 51700}),
    (0, 1052000, {"transformers": 421000, "diffusers": 32500, "timm": 700}, {"text-generation": 210000, "text-to-image": 52000, "feature-extraction": 3000}),
]
DATASET_SNAPS = [
    (-60 * DAY, 900000, {"transformers": 350000}, {"text-generation": 150000}),
    (-45 * DAY + 59, 950000, {"transformers": 380000, "diffusers": 1000}, {"text-generation": 170000}),
]


def insert(db, source, origin, method, snaps):
    con = sqlite3.connect(db, timeout=10)
    ids = []
    with con:
        for dt, total, libs, pipes in snaps:
            cur = con.execute("INSERT INTO snapshot (taken_at, source, origin, method, total, requests, duration_ms) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)",
                              (T0 + dt, source, origin, method, total, 16 if source == "hub" else 0, 1234))
            ids.append(cur.lastrowid)
            for facet, d in (("library", libs), ("pipeline", pipes)):
                for v, c in d.items():
                    con.execute("INSERT INTO snapshot_count VALUES (?, ?, ?, ?)", (cur.lastrowid, facet, v, c))
    con.close()
    return ids


def expect_growth(snaps, days, forecast_days=None, model="linear", top=10, source="hub"):
    snaps = sorted(snaps)
    end = snaps[-1]
    cutoff = end[0] - days * DAY
    older = [s for s in snaps if s[0] <= cutoff]
    start = older[-1] if older else snaps[0]
    elapsed = (end[0] - start[0]) / DAY
    g = end[1] - start[1]
    out = {
        "source": source, "days": days, "window_covered": bool(older),
        "start": {"taken_at": iso(T0 + start[0]), "total": start[1]},
        "end": {"taken_at": iso(T0 + end[0]), "total": end[1]},
        "elapsed_days": elapsed, "total_growth": g, "daily_growth_avg": g / elapsed,
        "growth_rate_percent": 100 * g / start[1] if start[1] else None,
        "daily_growth_rate_percent": 100 * ((end[1] / start[1]) ** (1 / elapsed) - 1) if start[1] else None,
    }
    for key, i in (("by_library", 2), ("by_pipeline", 3)):
        rows = []
        for v in set(start[i]) | set(end[i]):
            a, b = start[i].get(v, 0), end[i].get(v, 0)
            rows.append({"value": v, "start": a, "end": b, "growth": b - a, "daily_growth_avg": (b - a) / elapsed,
                         "growth_rate_percent": 100 * (b - a) / a if a else None})
        rows.sort(key=lambda r: -r["growth"])
        assert len({r["growth"] for r in rows}) == len(rows), "ties in the hand-made data"
        out[key] = rows[:top]
    window = [s for s in snaps if start[0] <= s[0] <= end[0]]
    out["snapshots_used"] = len(window)
    n = len(window)
    fd = days if forecast_days is None else forecast_days
    if n < 3:
        out["forecast"] = None
        return out
    xs = [(s[0] - end[0]) / DAY for s in window]   # days; the origin does not change the answer
    ys = [float(s[1]) if model == "linear" else math.log(s[1]) for s in window]
    xb, yb = sum(xs) / n, sum(ys) / n
    sxx = sum((x - xb) ** 2 for x in xs)
    b = sum((x - xb) * (y - yb) for x, y in zip(xs, ys)) / sxx
    a = yb - b * xb
    sse = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    s = math.sqrt(sse / (n - 2))
    x0 = fd
    yh = a + b * x0
    half = T975[n - 2] * s * math.sqrt(1 + 1 / n + (x0 - xb) ** 2 / sxx)
    f = {"model": model, "horizon_days": fd, "at": iso(T0 + end[0] + fd * DAY), "confidence": 0.95, "points": n,
         "slope_per_day": b}
    if model == "linear":
        f.update(total=yh, lower=yh - half, upper=yh + half)
    else:
        f.update(total=math.exp(yh), lower=math.exp(yh - half), upper=math.exp(yh + half))
    out["forecast"] = f
    return out


def compare(got, want, path="$"):
    if isinstance(want, dict):
        assert isinstance(got, dict), "%s: %r, wanted an object" % (path, got)
        for k, v in want.items():
            assert k in got, "%s: no member %r in %r" % (path, k, sorted(got))
            compare(got[k], v, path + "." + k)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), "%s: %r, wanted %r" % (path, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            compare(g, w, "%s[%d]" % (path, i))
    elif want is None:
        assert got is None, "%s: %r, wanted null" % (path, got)
    elif isinstance(want, bool):
        assert got is want, "%s: %r, wanted %r" % (path, got, want)
    elif isinstance(want, int) and not isinstance(want, bool) and "forecast" not in path:
        assert got == want and not isinstance(got, bool), "%s: %r, wanted %r" % (path, got, want)
    elif isinstance(want, (int, float)):
        assert isinstance(got, (int, float)) and not isinstance(got, bool), "%s: %r, wanted %r" % (path, got, want)
        assert abs(got - want) <= 1e-5 * abs(want) + 1e-9, "%s: %r, wanted %r" % (path, got, want)
    else:
        assert got == want, "%s: %r, wanted %r" % (path, got, want)


GROWTH_DB = None


def growth_db():
    """A database made by hfviz (the schema) and filled here by hand."""
    global GROWTH_DB
    if GROWTH_DB is None:
        db = fresh("growth.db")
        r = run(["track", "--db", db, "--report"])
        assert r.rc not in (0, None, 64) and os.path.exists(db), "--report on an empty database: %r" % r
        assert_insufficient(r)
        assert q(db, "PRAGMA user_version") == [(1,)], q(db, "PRAGMA user_version")
        assert q(db, "PRAGMA journal_mode") == [("wal",)], q(db, "PRAGMA journal_mode")
        for (sql,) in q(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('snapshot', 'snapshot_count', 'poll_log')"):
            assert "STRICT" in sql.upper(), sql
        assert len(q(db, "SELECT name FROM sqlite_master WHERE name IN ('snapshot', 'snapshot_count', 'poll_log')")) == 3
        insert(db, "hub", HUB_ORIGIN, "counts", HUB_SNAPS)
        insert(db, "dataset", "demo.map", "created_at", DATASET_SNAPS)
        GROWTH_DB = db
    return GROWTH_DB


def assert_insufficient(r, count=None):
    """--report with too little data: a message that says so and what is there
    (the API's 409 says "insufficient data"; the CLI may word it its own way)."""
    msg = (r.out + r.err).lower()
    assert "insufficient data" in msg or "needs two" in msg, "no 'insufficient data' message: %r" % r
    assert "snapshot" in msg, r
    if count is not None:
        assert count in msg, "the message does not say what is there (%s): %r" % (count, r)


def report(db, *args):
    r = run(["track", "--db", db, "--report"] + list(args))
    assert r.rc == 0, "--report %s: %r" % (" ".join(args), r)
    return json.loads(r.out), r.out


GROWTH_CASES = [
    # CLI args, API query, expect_growth kwargs
    ([], "", dict(days=30)),
    (["--days", "30"], "?days=30", dict(days=30)),
    (["--days", "60"], "?days=60", dict(days=60)),
    (["--days", "5"], "?days=5", dict(days=5)),
    (["--days", "20", "--forecast-days", "90"], "?days=20&forecast_days=90", dict(days=20, forecast_days=90)),
    (["--days", "35", "--model", "exponential"], "?days=35&model=exponential", dict(days=35, model="exponential")),
    (["--source", "hub", "--days", "12", "--forecast-days", "7", "--model", "linear"], "?source=hub&days=12&forecast_days=7&model=linear",
     dict(days=12, forecast_days=7)),
    (["--source", "dataset", "--days", "30"], "?source=dataset&days=30", dict(days=30, source="dataset")),
]


for _args, _query, _kw in GROWTH_CASES:
    def _make(args, kw):
        @check("growth by hand: --report %s" % " ".join(args))
        def _():
            db = growth_db()
            got, _ = report(db, *args)
            kw2 = dict(kw)
            src = kw2.pop("source", "hub")
            data = HUB_SNAPS if src == "hub" else DATASET_SNAPS
            want = expect_growth(data, source=src, **kw2)
            compare(got, want)
            if want["forecast"] is None:
                assert got.get("forecast_note"), "forecast null without a forecast_note: %r" % got
            for key in ("by_library", "by_pipeline"):
                for row in got[key]:
                    assert set(row) >= {"value", "start", "end", "growth", "daily_growth_avg", "growth_rate_percent"}, row
    _make(_args, _kw)


@check("growth: the hub's numbers by hand, spelled out")
def _():
    got, _ = report(growth_db())
    # 30 days back from 2025-01-01 is 2024-12-02; the newest snapshot at or
    # before is 2024-12-01 (31 days): elapsed 31 days, not 30.
    assert got["start"]["taken_at"] == "2024-12-01T00:00:00Z" and got["window_covered"] is True, got["start"]
    assert abs(got["elapsed_days"] - 31) < 1e-9 and got["total_growth"] == 42000, got
    assert abs(got["daily_growth_avg"] - 42000 / 31) < 1e-6, got["daily_growth_avg"]
    assert abs(got["growth_rate_percent"] - 100 * 42000 / 1010000) < 1e-7, got["growth_rate_percent"]
    assert abs(got["daily_growth_rate_percent"] - 100 * ((1052000 / 1010000) ** (1 / 31) - 1)) < 1e-8
    libs = [(r["value"], r["start"], r["end"], r["growth"]) for r in got["by_library"]]
    assert libs == [("diffusers", 0, 32500, 32500), ("transformers", 404000, 421000, 17000),
                    ("timm", 0, 700, 700), ("gguf", 5100, 0, -5100)], libs
    rates = [r["growth_rate_percent"] for r in got["by_library"]]
    assert rates[0] is None and rates[2] is None and rates[3] == -100, rates
    assert abs(rates[1] - 100 * 17000 / 404000) < 1e-6, rates
    assert got["snapshots_used"] == 5 and got["forecast"]["points"] == 5, got
    got60, _ = report(growth_db(), "--days", "60")
    assert got60["window_covered"] is False and got60["start"]["total"] == 1000000, got60
    assert abs(got60["elapsed_days"] - 39.875) < 1e-9, got60["elapsed_days"]


@check("growth: too little data is an error naming it (one snapshot; two at the same second)")
def _():
    db = fresh("one.db")
    r = run(["track", "--db", db, "--report"])
    assert r.rc not in (0, None, 64)
    insert(db, "hub", HUB_ORIGIN, "counts", HUB_SNAPS[:1])
    r = run(["track", "--db", db, "--report"])
    assert r.rc not in (0, None, 64), "one snapshot: %r" % r
    assert_insufficient(r, "1")
    # two dataset snapshots of two origins at one second
    insert(db, "dataset", "a.map", "created_at", DATASET_SNAPS[:1])
    insert(db, "dataset", "b.map", "created_at", DATASET_SNAPS[:1])
    r = run(["track", "--db", db, "--report", "--source", "dataset"])
    assert r.rc not in (0, None, 64), "two snapshots at one second: %r" % r
    assert_insufficient(r)


@check("the schema of docs/tracking.md: STRICT, CHECKs, primary keys, cascade")
def _():
    db = fresh("schema.db")
    run(["track", "--db", db, "--report"])
    assert q(db, "PRAGMA user_version") == [(1,)]
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = ON")
    ins = "INSERT INTO snapshot (taken_at, source, origin, method, total, requests, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"
    with con:
        sid = con.execute(ins, (T0, "hub", HUB_ORIGIN, "counts", 10, 16, 5)).lastrowid
        con.execute("INSERT INTO snapshot_count VALUES (?, 'library', 'x', 3)", (sid,))
    refused = {
        "source 'web'": (ins, (T0 + 1, "web", HUB_ORIGIN, "counts", 11, 16, 5)),
        "a negative total": (ins, (T0 + 2, "hub", HUB_ORIGIN, "counts", -1, 16, 5)),
        "a text taken_at (STRICT)": (ins, ("soon", "hub", HUB_ORIGIN, "counts", 1, 16, 5)),
        "facet 'license'": ("INSERT INTO snapshot_count VALUES (?, 'license', 'mit', 1)", (sid,)),
        "a negative count": ("INSERT INTO snapshot_count VALUES (?, 'pipeline', 'p', -1)", (sid,)),
        "a duplicate count row": ("INSERT INTO snapshot_count VALUES (?, 'library', 'x', 4)", (sid,)),
        "poll_log ok = 2": ("INSERT INTO poll_log (at, origin, ok, requests, duration_ms, message) VALUES (1, 'o', 2, 0, 0, 'm')", ()),
    }
    accepted = []
    for what, (sql, args) in refused.items():
        try:
            with con:
                con.execute(sql, args)
            accepted.append(what)
        except sqlite3.IntegrityError:
            pass
    with con:  # two polls within one second are two snapshots; another origin or source too
        con.execute(ins, (T0, "hub", HUB_ORIGIN, "list", 11, 3, 5))
        con.execute(ins, (T0, "dataset", HUB_ORIGIN, "created_at", 11, 0, 0))
        con.execute(ins, (T0, "hub", "http://mirror.example", "counts", 11, 16, 5))
        con.execute("DELETE FROM snapshot WHERE id = ?", (sid,))
    left = con.execute("SELECT count(*) FROM snapshot_count WHERE snapshot_id = ?", (sid,)).fetchone()[0]
    con.close()
    assert not accepted, "the schema accepts: %s" % "; ".join(accepted)
    assert left == 0, "ON DELETE CASCADE: count rows left"


@check("three --once polls of one hub within a second: three whole snapshots, a sound database")
def _():
    h = hub()
    h.reset()
    db = fresh("samesecond.db")
    rs = [track(db) for _ in range(3)]
    for r in rs:
        assert r.rc == 0, r
    integrity(db)
    s = snapshots(db)
    log = polls(db)
    assert len(log) == 3 and sum(p["ok"] for p in log) == len(s) == 3, (log, s)


@check("growth: the default source is dataset when there is no hub snapshot")
def _():
    db = fresh("dsonly.db")
    run(["track", "--db", db, "--report"])
    insert(db, "dataset", "demo.map", "created_at", DATASET_SNAPS)
    got, _ = report(db)
    compare(got, expect_growth(DATASET_SNAPS, days=30, source="dataset"))


# --------------------------------------------------------------------------
# (5) a dataset's own counts by createdAt month

def parse_created(s):
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    return int(datetime.datetime.fromisoformat(s).timestamp())


def demo_expected():
    rows = [json.loads(l) for l in open(DEMO, encoding="utf-8") if l.strip()]
    dated = [(parse_created(r["createdAt"]), r) for r in rows if r.get("createdAt")]
    undated = len(rows) - len(dated)
    dated.sort(key=lambda x: x[0])
    first = datetime.datetime.fromtimestamp(dated[0][0], datetime.timezone.utc)
    newest = dated[-1][0]
    y, m = first.year, first.month
    out = []
    while True:
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        month_end = int(datetime.datetime(ny, nm, 1, tzinfo=datetime.timezone.utc).timestamp()) - 1
        at = min(month_end, newest)
        sel = [r for t, r in dated if t <= at]
        lib, pipe = {}, {}
        for r in sel:
            for key, d in (("library_name", lib), ("pipeline_tag", pipe)):
                v = r.get(key)
                if isinstance(v, str) and v.strip():
                    d[v.strip()] = d.get(v.strip(), 0) + 1
        out.append({"taken_at": at, "total": len(sel), "library": lib, "pipeline": pipe})
        if at == newest:
            break
        y, m = ny, nm
    return out, undated


DEMO_MAP = None


def demo_map_with_track_db():
    global DEMO_MAP
    if DEMO_MAP is None:
        mp = tmp("demo.map")
        db = fresh("dataset.db")
        r = run(["build", DEMO, "-o", mp, "--threads", "2", "--dims", "2", "--epochs", "30", "--no-cache", "--track-db", db],
                timeout=300)
        assert r.rc == 0, "build --track-db: %r" % r
        DEMO_MAP = (mp, db, r)
    return DEMO_MAP


def check_dataset_snaps(db, want, origin):
    got = [s for s in snapshots(db) if s["source"] == "dataset"]
    assert len(got) == len(want), "%d dataset snapshots, wanted %d (one per month %s .. %s)" % (
        len(got), len(want), iso(want[0]["taken_at"]), iso(want[-1]["taken_at"]))
    for g, w in zip(got, want):
        where = "snapshot at %s" % iso(w["taken_at"])
        assert (g["origin"], g["method"], g["requests"]) == (origin, "created_at", 0), (where, g)
        assert g["taken_at"] == w["taken_at"], "%s: taken_at %s" % (where, iso(g["taken_at"]))
        assert g["total"] == w["total"], "%s: total %d, wanted %d" % (where, g["total"], w["total"])
        for facet in ("library", "pipeline"):
            gf = {k: v for k, v in g[facet].items() if v}
            assert gf == w[facet], "%s: %s %r, wanted %r" % (where, facet, gf, w[facet])


@check("build --track-db: one snapshot a createdAt month, recounted from the demo's source")
def _():
    mp, db, r = demo_map_with_track_db()
    want, undated = demo_expected()
    assert len(want) == 38 and want[-1]["total"] == 1970, (len(want), want[-1]["total"])  # 2022-03 .. 2025-04
    check_dataset_snaps(db, want, "demo.map")
    out = r.out + r.err
    assert "6,183" in out or "6183" in out, "the build does not say how many models had no createdAt (%d)" % undated
    integrity(db)


@check("track --dataset MAP: the same snapshots, recording again replaces them")
def _():
    mp, _, _ = demo_map_with_track_db()
    want, undated = demo_expected()
    db = fresh("dataset2.db")
    for _ in range(2):
        r = run(["track", "--db", db, "--dataset", mp])
        assert r.rc == 0, r
        assert "6,183" in r.out + r.err or "6183" in r.out + r.err, r
        check_dataset_snaps(db, want, "demo.map")
    # a hub snapshot beside them is left alone
    insert(db, "hub", HUB_ORIGIN, "counts", HUB_SNAPS[:1])
    r = run(["track", "--db", db, "--dataset", mp])
    assert r.rc == 0, r
    check_dataset_snaps(db, want, "demo.map")
    assert len([s for s in snapshots(db) if s["source"] == "hub"]) == 1
    # killed before its commit: the old snapshots are all there
    before = dump(db)
    r = run(["track", "--db", db, "--dataset", mp], env=child_env(HFVIZ_FAULT="kill-before-commit"))
    integrity(db)
    if r.rc == -signal.SIGKILL:
        assert dump(db) == before, "a killed --dataset left a partial replacement"
    else:
        assert r.rc == 0, r
        print("    note: HFVIZ_FAULT=kill-before-commit does not apply to --dataset (exit %s)" % r.rc)
    check_dataset_snaps(db, want, "demo.map")


# --------------------------------------------------------------------------
# (6) the server

class Serve:
    def __init__(self, mp, *args):
        pf = tmp("serve.port")
        if os.path.exists(pf):
            os.remove(pf)
        self.log = open(tmp("serve.log"), "ab")
        self.proc = spawn([HFVIZ, "serve", mp, "--port", "0", "--port-file", pf, "--threads", "4"] + list(args),
                          stdout=self.log, stderr=self.log)
        self.port = wait_file(pf, self.proc)
        self.url = "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("serve did not stop on SIGTERM")
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        if self.proc.poll() is None:
            self.stop()


def assert_error(base, method, path, status, word=None):
    st, h, data = http_req(base, method, path)
    assert st == status, "%s %s: %d, wanted %d: %r" % (method, path, st, status, data[:300])
    d = json.loads(data)
    assert "error" in d, d
    if word:
        assert word in json.dumps(d).lower(), "%s %s: %r does not say %r" % (method, path, d, word)
    return d


@check("serve --db: /growth is byte for byte --report")
def _():
    mp, _, _ = demo_map_with_track_db()
    db = growth_db()
    with Serve(mp, "--db", db) as s:
        for args, query, _kw in GROWTH_CASES:
            st, h, body = http_req(s.url, "GET", "/api/model-count/growth" + query)
            assert st == 200, (query, st, body[:300])
            assert h.get("content-type", "").startswith("application/json"), h
            assert "no-store" in h.get("cache-control", ""), "growth%s: Cache-Control %r" % (query, h.get("cache-control"))
            _, cli = report(db, *args)
            assert body.rstrip(b"\n") == cli.encode().rstrip(b"\n"), "growth%s:\nAPI %r\nCLI %r" % (query, body[:400], cli[:400])
        got = get_json(s.url, "/api/model-count/growth?top=2")
        assert [r["value"] for r in got["by_library"]] == ["diffusers", "transformers"], got["by_library"]
        assert [r["value"] for r in got["by_pipeline"]] == ["text-generation", "feature-extraction"], got["by_pipeline"]


@check("serve --db: /latest, /status")
def _():
    mp, _, _ = demo_map_with_track_db()
    db = growth_db()
    with Serve(mp, "--db", db) as s:
        st, h, body = http_req(s.url, "GET", "/api/model-count/latest")
        assert st == 200 and "no-store" in h.get("cache-control", ""), (st, h)
        d = json.loads(body)
        ids = q(db, "SELECT id FROM snapshot WHERE source = 'hub' ORDER BY taken_at DESC LIMIT 1")[0][0]
        compare(d, {"id": ids, "taken_at": "2025-01-01T00:00:00Z", "source": "hub", "origin": HUB_ORIGIN, "method": "counts",
                    "total": 1052000, "requests": 16, "duration_ms": 1234,
                    "by_library": [{"value": "transformers", "count": 421000}, {"value": "diffusers", "count": 32500},
                                   {"value": "timm", "count": 700}],
                    "by_pipeline": [{"value": "text-generation", "count": 210000}, {"value": "text-to-image", "count": 52000},
                                    {"value": "feature-extraction", "count": 3000}]})
        assert abs(d["age_seconds"] - (time.time() - T0)) < 30, d["age_seconds"]
        d = get_json(s.url, "/api/model-count/latest?source=dataset")
        assert d["source"] == "dataset" and d["total"] == 950000 and d["taken_at"] == iso(T0 - 45 * DAY + 59), d
        d = get_json(s.url, "/api/model-count/latest?source=hub")
        assert d["total"] == 1052000, d
        d = get_json(s.url, "/api/model-count/status")
        assert d["hub"] is None and d["allow_record"] is False and d["polling"] is False, d
        assert d["snapshots"] == {"hub": 6, "dataset": 2}, d
        assert d["last_poll"] is None, d
        assert isinstance(d["db"], str) and d["db"].endswith("growth.db"), d
    empty = fresh("empty-serve.db")
    with Serve(mp, "--db", empty) as s:
        assert_error(s.url, "GET", "/api/model-count/latest", 404, "no snapshot")
        assert_error(s.url, "GET", "/api/model-count/growth", 409, "insufficient data")
        d = get_json(s.url, "/api/model-count/status")
        assert d["snapshots"] == {"hub": 0, "dataset": 0}, d
    assert q(empty, "PRAGMA user_version") == [(1,)], "serve --db did not create the schema"


@check("serve --db: GET /api and /api/openapi.json list the model-count routes")
def _():
    mp, _, _ = demo_map_with_track_db()
    with Serve(mp, "--db", growth_db()) as s:
        listed = json.dumps(get_json(s.url, "/api"))
        spec = get_json(s.url, "/api/openapi.json")
        for r in ("status", "latest", "history", "growth", "record"):
            path = "/api/model-count/" + r
            assert path in listed, "GET /api does not list %s" % path
            assert path in spec.get("paths", {}), "openapi.json has no %s" % path
        assert "post" in spec["paths"]["/api/model-count/record"], spec["paths"]["/api/model-count/record"]


@check("serve --db: /history (sources, from/to inclusive, facets, values, top, limit thinning)")
def _():
    mp, _, _ = demo_map_with_track_db()
    db = growth_db()
    hub_t = [T0 + x[0] for x in HUB_SNAPS]
    ds_t = [T0 + x[0] for x in DATASET_SNAPS]
    with Serve(mp, "--db", db) as s:
        d = get_json(s.url, "/api/model-count/history")
        assert d["source"] == "all" and d["count"] == 8 and d["thinned"] is False and d["series"] is None, d
        assert [x["taken_at"] for x in d["snapshots"]] == [iso(t) for t in sorted(hub_t + ds_t)], d["snapshots"]
        assert [x["source"] for x in d["snapshots"]] == ["dataset"] * 2 + ["hub"] * 6
        assert [x["total"] for x in d["snapshots"]] == [900000, 950000] + [x[1] for x in HUB_SNAPS]
        for x in d["snapshots"]:
            assert set(x) >= {"id", "taken_at", "source", "total"}, x
        st, h, body = http_req(s.url, "GET", "/api/model-count/history")
        assert "no-store" in h.get("cache-control", ""), h
        cli = run(["track", "--db", db, "--history"])
        assert cli.rc == 0 and cli.out.encode().rstrip(b"\n") == body.rstrip(b"\n"), "--history != /history: %r" % cli
        d = get_json(s.url, "/api/model-count/history?source=hub")
        assert d["source"] == "hub" and d["count"] == 6, d
        d = get_json(s.url, "/api/model-count/history?source=dataset")
        assert d["count"] == 2 and all(x["source"] == "dataset" for x in d["snapshots"]), d
        # 2024-12-01T00:00:00 .. 2024-12-22T07:00:00 are in; 'to' is a whole day
        d = get_json(s.url, "/api/model-count/history?from=2024-12-01&to=2024-12-22")
        assert [x["total"] for x in d["snapshots"]] == [1010000, 1020000, 1031000, 1040500], d
        d = get_json(s.url, "/api/model-count/history?from=2024-12-02&to=2024-12")
        assert [x["total"] for x in d["snapshots"]] == [1020000, 1031000, 1040500], d
        d = get_json(s.url, "/api/model-count/history?to=2024-11-30")
        assert [x["total"] for x in d["snapshots"]] == [900000, 950000, 1000000], d
        cli = run(["track", "--db", db, "--history", "--from", "2024-12-01", "--to", "2024-12-22"])
        body = http_req(s.url, "GET", "/api/model-count/history?from=2024-12-01&to=2024-12-22")[2]
        assert cli.rc == 0 and cli.out.encode().rstrip(b"\n") == body.rstrip(b"\n"), cli
        # series: the top values of the newest snapshot in the range, zeros where missing
        d = get_json(s.url, "/api/model-count/history?source=hub&facet=library")
        ser = d["series"]
        assert ser["facet"] == "library" and ser["values"] == ["transformers", "diffusers", "timm"], ser
        assert ser["counts"] == [[x[2].get(v, 0) for x in HUB_SNAPS] for v in ser["values"]], ser
        d = get_json(s.url, "/api/model-count/history?source=hub&facet=library&to=2024-12-31")
        assert d["series"]["values"] == ["transformers", "diffusers", "gguf"], d["series"]
        d = get_json(s.url, "/api/model-count/history?source=hub&facet=library&values=gguf,timm,nosuch")
        assert d["series"]["values"] == ["gguf", "timm", "nosuch"], d["series"]
        assert d["series"]["counts"] == [[5000, 5100, 5200, 5300, 5350, 0], [0] * 5 + [700], [0] * 6], d["series"]
        d = get_json(s.url, "/api/model-count/history?facet=pipeline&top=1")
        assert d["series"]["values"] == ["text-generation"], d["series"]
        assert d["series"]["counts"] == [[150000, 170000] + [x[3]["text-generation"] for x in HUB_SNAPS]], d["series"]
        # thinning: first and last kept
        d = get_json(s.url, "/api/model-count/history?source=hub&limit=3&facet=pipeline")
        snaps = d["snapshots"]
        assert d["thinned"] is True and len(snaps) == 3, d
        assert snaps[0]["taken_at"] == iso(hub_t[0]) and snaps[-1]["taken_at"] == iso(hub_t[-1]), snaps
        assert snaps[1]["taken_at"] in [iso(t) for t in hub_t[1:-1]], snaps
        assert d["count"] in (3, 6), d["count"]
        assert all(len(row) == 3 for row in d["series"]["counts"]), d["series"]
        d = get_json(s.url, "/api/model-count/history?source=hub&limit=6")
        assert d["thinned"] is False and len(d["snapshots"]) == 6, d


BAD_PARAMS = [
    "/api/model-count/latest?source=nope",
    "/api/model-count/history?source=nope",
    "/api/model-count/history?facet=license",
    "/api/model-count/history?facet=library&top=0",
    "/api/model-count/history?facet=library&top=51",
    "/api/model-count/history?facet=library&top=x",
    "/api/model-count/history?limit=1",
    "/api/model-count/history?limit=20001",
    "/api/model-count/history?limit=-5",
    "/api/model-count/history?from=yesterday",
    "/api/model-count/history?to=2024-13-01",
    "/api/model-count/history?facet=library&values=" + ",".join("v%d" % i for i in range(33)),
    "/api/model-count/growth?days=0",
    "/api/model-count/growth?days=3651",
    "/api/model-count/growth?days=ten",
    "/api/model-count/growth?days=1.5",
    "/api/model-count/growth?top=0",
    "/api/model-count/growth?top=101",
    "/api/model-count/growth?forecast_days=0",
    "/api/model-count/growth?forecast_days=3651",
    "/api/model-count/growth?model=cubic",
    "/api/model-count/growth?source=nope",
]


@check("serve --db: every parameter out of bounds is a 400 naming it; edges are accepted")
def _():
    mp, _, _ = demo_map_with_track_db()
    with Serve(mp, "--db", growth_db()) as s:
        for path in BAD_PARAMS:
            d = assert_error(s.url, "GET", path, 400)
            name = path.split("?")[1].split("&")[-1].split("=")[0]
            assert name in json.dumps(d), "%s: the error %r does not name %r" % (path, d, name)
        for path in ("/api/model-count/growth?days=1", "/api/model-count/growth?days=3650&top=100&forecast_days=3650",
                     "/api/model-count/history?limit=2", "/api/model-count/history?limit=20000&facet=library&top=50",
                     "/api/model-count/history?facet=library&values=" + ",".join("v%d" % i for i in range(32)),
                     "/api/model-count/history?facet=pipeline&top=1"):
            st, _, body = http_req(s.url, "GET", path)
            assert st == 200, "%s: %d %r" % (path, st, body[:200])
        st, _, _ = http_req(s.url, "POST", "/api/model-count/record")
        assert st == 403, "record without --allow-record: %d" % st


@check("serve without --db: the model-count routes are 404 'no model-count database'")
def _():
    mp, _, _ = demo_map_with_track_db()
    with Serve(mp) as s:
        for m, p in (("GET", "/api/model-count/status"), ("GET", "/api/model-count/latest"),
                     ("GET", "/api/model-count/history"), ("GET", "/api/model-count/growth"),
                     ("POST", "/api/model-count/record")):
            d = assert_error(s.url, m, p, 404)
            assert d["error"] == "no model-count database", (p, d)
        assert http_req(s.url, "GET", "/api/stats")[0] == 200


@check("serve --allow-record --hub: POST /record polls in the background (202, 409 while running)")
def _():
    mp, _, _ = demo_map_with_track_db()
    h = hub()
    db = fresh("record.db")
    # without --allow-record: 403 and no traffic to the hub
    h.reset()
    with Serve(mp, "--db", db, "--hub", h.url) as s:
        assert_error(s.url, "POST", "/api/model-count/record", 403)
        status_no_record = get_json(s.url, "/api/model-count/status")
        assert status_no_record["allow_record"] is False, status_no_record
    assert h.stats()["requests"] == [], "a request reached the hub without --allow-record"
    h.reset(latency=0.15)
    truth = h.truth()
    with Serve(mp, "--db", db, "--hub", h.url, "--allow-record") as s:
        st, _, body = http_req(s.url, "POST", "/api/model-count/record")
        assert st == 202 and json.loads(body)["status"] == "started", (st, body)
        st2, _, body2 = http_req(s.url, "POST", "/api/model-count/record")
        assert st2 == 409, "a second record while one runs: %d %r" % (st2, body2)
        d = get_json(s.url, "/api/model-count/status")
        assert d["polling"] is True and d["allow_record"] is True, d
        t_end = time.time() + 30
        while d["polling"] and time.time() < t_end:
            time.sleep(0.2)
            d = get_json(s.url, "/api/model-count/status")
        assert not d["polling"], "still polling after 30 s"
        lp = d["last_poll"]
        assert lp and lp["ok"] in (True, 1) and lp["origin"] == h.url and lp["requests"] == 16, d
        assert d["snapshots"] == {"hub": 1, "dataset": 0}, d
        latest = get_json(s.url, "/api/model-count/latest")
        assert latest["total"] == truth["total"] and latest["source"] == "hub" and latest["origin"] == h.url, latest
        assert {r["value"]: r["count"] for r in latest["by_library"]} == truth["library"], latest
        counts = [r["count"] for r in latest["by_library"]]
        assert counts == sorted(counts, reverse=True), counts
    h.reset()
    s = snapshots(db)
    assert len(s) == 1 and s[0]["method"] == "counts", s
    assert_matches_truth(s[0], truth)
    assert d["hub"] == h.url, "/status with --hub %s --allow-record: hub %r" % (h.url, d["hub"])
    assert status_no_record["hub"] == h.url, "/status with --hub %s (no --allow-record): hub %r" % (h.url, status_no_record["hub"])


# --------------------------------------------------------------------------
# (7) bad input

@check("a --db that is not SQLite: exit 2 naming it, the file untouched, no request")
def _():
    h = hub()
    h.reset()
    bad = tmp("notadb.db")
    content = b"this is not a database, it is a text file\n" * 200
    with open(bad, "wb") as f:
        f.write(content)
    for args in (["--once", "--hub", h.url, "--delay", "0"], ["--report"], ["--history"]):
        r = run(["track", "--db", bad] + args, timeout=20)
        assert r.rc == 2, "%s: %r" % (args, r)
        assert "notadb.db" in r.err, "the message does not name the file: %r" % r.err
        with open(bad, "rb") as f:
            assert f.read() == content, "the file changed"
    assert not os.path.exists(bad + "-wal") or os.path.getsize(bad + "-wal") == 0
    assert h.stats()["requests"] == [], "the hub was polled with a bad database"
    mp, _, _ = demo_map_with_track_db()
    r = run(["serve", mp, "--port", "0", "--db", bad], timeout=10)
    assert r.rc == 2 and "notadb.db" in r.err, "serve --db with a bad database: %r" % r


@check("a database from a newer hfviz (user_version 2): exit 2, untouched")
def _():
    h = hub()
    h.reset()
    db, content = foreign_db(
        "newer.db", "CREATE TABLE snapshot (id INTEGER PRIMARY KEY, taken_at INTEGER NOT NULL, something_new TEXT)",
        "PRAGMA user_version = 2")
    for args in (["--once", "--hub", h.url, "--delay", "0"], ["--report"]):
        r = run(["track", "--db", db] + args, timeout=20)
        assert r.rc == 2, "%s: %r" % (args, r)
        assert "version" in r.err.lower() or "newer" in r.err.lower(), r.err
    with open(db, "rb") as f:
        assert f.read() == content, "the file changed"
    assert q(db, "PRAGMA user_version") == [(2,)]
    assert h.stats()["requests"] == [], "the hub was polled with a bad database"


@check("a SQLite database of something else: exit 2, untouched, no request")
def _():
    h = hub()
    h.reset()
    db, content = foreign_db("other-app.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
                             "INSERT INTO users (name) VALUES ('ada')")
    r = run(["track", "--db", db, "--once", "--hub", h.url, "--delay", "0"], timeout=20)
    assert r.rc == 2 and "other-app.db" in r.err, r
    assert h.stats()["requests"] == [], "the hub was polled with a bad database"
    assert q(db, "SELECT name FROM sqlite_master WHERE type = 'table'") == [("users",)], "tables were added"
    with open(db, "rb") as f:
        assert f.read() == content, "the file changed (journal mode or header bytes)"


@check("usage errors exit 64: bad --interval, --hub, --method, durations")
def _():
    h = hub()
    h.reset()
    db = fresh("usage.db")
    cases = [["--interval", v] for v in ("0s", "500ms", "31d", "abc", "10", "1x", "-5m", "", "1.5.3s", "99999999999999999999d")]
    cases += [["--once", "--hub", v] for v in ("ftp://example.com", "example.com", "http://", "", "127.0.0.1:8000")]
    cases += [["--once", "--method", "both"], ["--once", "--timeout", "soon"], ["--once", "--retries", "-1"],
              ["--once", "--delay", "1y"], ["--once", "--interval", "1h"], ["--report", "--days", "0"],
              ["--report", "--days", "3651"], ["--report", "--model", "cubic"], ["--report", "--source", "web"],
              ["--once", "--no-such-option"]]
    bad = []
    for c in cases:
        args = ["track", "--db", db] + c
        if "--hub" not in c:
            args[3:3] = ["--hub", h.url]
        r = run(args, timeout=5)
        if r.rc != 64 or not r.err.strip():
            bad.append("%s: %r" % (" ".join(c), r))
    assert not bad, "not usage errors:\n     " + "\n     ".join(bad)
    assert h.stats()["requests"] == [], "a usage error polled the hub"


@check("without --db: the database is $XDG_DATA_HOME/hfviz/model-counts.db, else ~/.local/share/hfviz/")
def _():
    h = hub()
    h.reset()
    for var in ("XDG_DATA_HOME", "HOME"):
        home = os.path.join(TMP, "home-" + var)
        env = child_env()
        env.pop("XDG_DATA_HOME", None)
        env[var] = home
        r = run(["track", "--once", "--hub", h.url, "--delay", "0"], env=env, timeout=20)
        assert r.rc == 0, r
        want = os.path.join(home, "hfviz" if var == "XDG_DATA_HOME" else ".local/share/hfviz", "model-counts.db")
        assert os.path.exists(want), "no %s" % want
        assert len(snapshots(want)) == 1


# --------------------------------------------------------------------------

def main():
    global HFVIZ, TMP
    ap = argparse.ArgumentParser()
    ap.add_argument("hfviz")
    ap.add_argument("--only", default="")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    HFVIZ = os.path.abspath(a.hfviz)
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    RNG.seed(seed)
    TMP = tempfile.mkdtemp(prefix="hfviz-track-")
    atexit.register(kill_all)
    if not a.keep:
        atexit.register(lambda: shutil.rmtree(TMP, ignore_errors=True))
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *x: sys.exit(130))
    r = run(["track", "--help"], timeout=10)
    if r.rc is None or "unknown command" in r.err:
        print("FAIL: %s has no 'track' command: %r" % (HFVIZ, r))
        return 1
    only = [s for s in a.only.split(",") if s]
    fails = 0
    t_start = time.time()
    print("track checks (seed %d, temp %s)" % (seed, TMP))
    for name, f in CHECKS:
        if only and not any(s in name for s in only):
            continue
        t0 = time.time()
        try:
            f()
            print("ok   %-100s %5.1f s" % (name, time.time() - t0), flush=True)
        except Exception as e:
            fails += 1
            print("FAIL %s (%.1f s)\n     %s" % (name, time.time() - t0, str(e)[:3000]), flush=True)
            if not isinstance(e, AssertionError):
                traceback.print_exc()
    print("%s: %d failed, %.1f s" % ("track checks", fails, time.time() - t_start))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
