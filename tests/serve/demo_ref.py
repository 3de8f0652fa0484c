"""The demo's lineage recomputed from its source rows with plain Python, for
the serve checks to compare answers against (shares nothing with hfviz).

Follows docs/paper-analyses.md §1 as tests/integration/recount_trees.py
does: parents from `base_model:` tags and the *_parent columns, one edge per
(parent, child) pair whose parent is a row, typed by the first of merge,
adapter, quantized, finetune that names the pair ("base" when only the
untyped tag does); families are weakly connected components of the
no-merge graph, depth the longest path from a root (Kahn order)."""
import collections
import json

RELS = ("finetune", "adapter", "quantized", "merge")
ALIASES = {"quantization": "quantized", "quantize": "quantized", "fine-tune": "finetune", "fine_tune": "finetune"}
URL_PREFIXES = ("https://huggingface.co/", "http://huggingface.co/", "huggingface.co/")
NO_MERGE = ("base", "finetune", "adapter", "quantized")


def norm_id(s):
    s = s.strip()
    for p in URL_PREFIXES:
        if s.startswith(p):
            return s[len(p):]
    return s


def declared_parents(row):
    """relation -> set of parent ids, as the row declares them."""
    out = collections.defaultdict(set)
    for t in row.get("tags") or []:
        if not t.startswith("base_model:"):
            continue
        rest = t[len("base_model:"):]
        head, sep, tail = rest.partition(":")
        rel = ALIASES.get(head, head)
        if sep and rel in RELS:
            rest = tail
        else:
            rel = "base"
        rest = norm_id(rest)
        if rest:
            out[rel].add(rest)
    for rel in RELS:
        for p in row.get(f"{rel}_parent") or []:
            p = norm_id(p)
            if p:
                out[rel].add(p)
    return out


class Demo:
    def __init__(self, path):
        self.rows = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    self.rows[norm_id(r["model_id"])] = r
        self.declared = {i: declared_parents(r) for i, r in self.rows.items()}
        # edges: (parent, child) -> (type, set of relations naming it)
        pairs = collections.defaultdict(set)
        for child, rels in self.declared.items():
            for rel, ps in rels.items():
                for p in ps:
                    if p in self.rows and p != child:
                        pairs[(p, child)].add(rel)
        self.edges = {}
        for pair, rels in pairs.items():
            t = next((t for t in ("merge", "adapter", "quantized", "finetune") if t in rels), "base")
            self.edges[pair] = (t, rels)
        self.parents = collections.defaultdict(list)   # child -> [(parent, type)]
        self.children = collections.defaultdict(list)  # parent -> [(child, type)]
        for (p, c), (t, _) in self.edges.items():
            self.parents[c].append((p, t))
            self.children[p].append((c, t))
        self._lineage()

    def _lineage(self, mask=NO_MERGE):
        adj = collections.defaultdict(list)
        indeg = collections.Counter()
        for (p, c), (t, _) in self.edges.items():
            if t in mask:
                adj[p].append(c)
                adj[c].append(p)
                indeg[c] += 1
        self.family_of, self.families = {}, []
        for start in sorted(self.rows):
            if start in self.family_of:
                continue
            members, stack = [], [start]
            self.family_of[start] = len(self.families)
            while stack:
                v = stack.pop()
                members.append(v)
                for w in adj[v]:
                    if w not in self.family_of:
                        self.family_of[w] = len(self.families)
                        stack.append(w)
            self.families.append(set(members))
        self.depth = {v: 0 for v in self.rows}
        pending = {v: indeg[v] for v in self.rows}
        queue = [v for v in self.rows if pending[v] == 0]
        for v in queue:
            for c, t in self.children[v]:
                if t not in mask:
                    continue
                self.depth[c] = max(self.depth[c], self.depth[v] + 1)
                pending[c] -= 1
                if pending[c] == 0:
                    queue.append(c)
        self.indeg = indeg

    def family(self, model):
        return self.families[self.family_of[model]]

    def walk(self, start, up, mask=NO_MERGE, max_hops=10**9):
        """Fewest hops from start to each ancestor (up) or descendant."""
        seen = {start: 0}
        frontier = [start]
        while frontier:
            nxt = []
            for v in frontier:
                if seen[v] >= max_hops:
                    continue
                for w, t in (self.parents[v] if up else self.children[v]):
                    if t in mask and w not in seen:
                        seen[w] = seen[v] + 1
                        nxt.append(w)
            frontier = nxt
        del seen[start]
        return seen

    def undirected_hops(self, a, b, mask=NO_MERGE):
        seen = {a: 0}
        frontier = [a]
        while frontier:
            nxt = []
            for v in frontier:
                if v == b:
                    return seen[v]
                for w, t in self.parents[v] + self.children[v]:
                    if t in mask and w not in seen:
                        seen[w] = seen[v] + 1
                        nxt.append(w)
            frontier = nxt
        return seen.get(b)


def hub_time(s):
    """'2025-01-29T08:29:22.000Z' -> '2025-01-29T08:29:22Z' (what the API writes)."""
    if not s:
        return None
    return s[:19] + "Z"
