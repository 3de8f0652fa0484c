"""Small helpers the serve checks share: HTTP calls and the demo's rows."""
import gzip
import http.client
import json
import urllib.parse


class Api:
    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def raw(self, method, path, body=None, headers=None):
        """(status, headers dict lower-cased, body bytes); keeps the connection."""
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                hdrs = {k.lower(): v for k, v in r.getheaders()}
                if hdrs.get("content-encoding") == "gzip":
                    data = gzip.decompress(data)
                return r.status, hdrs, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise

    def get(self, path, status=200, **params):
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
        st, h, data = self.raw("GET", path)
        assert st == status, f"GET {path}: status {st}, wanted {status}: {data[:300]!r}"
        if h.get("content-type", "").startswith("application/json"):
            return json.loads(data)
        return data

    def post(self, path, obj, status=200, ctype="application/json"):
        body = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
        st, h, data = self.raw("POST", path, body=body, headers={"Content-Type": ctype})
        assert st == status, f"POST {path}: status {st}, wanted {status}: {data[:300]!r}"
        return h, data


def quote_id(model_id):
    """Ids go into paths with their '/' kept."""
    return urllib.parse.quote(model_id, safe="/")


def load_rows(path):
    """The demo's source rows by id."""
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                rows[r.get("id") or r.get("modelId") or r.get("model_id")] = r
    return rows


def assert_error(api, path, status):
    st, h, data = api.raw("GET", path)
    assert st == status, f"GET {path}: status {st}, wanted {status}: {data[:200]!r}"
    d = json.loads(data)
    assert "error" in d and "detail" in d, d
    return d
