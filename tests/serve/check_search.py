"""/api/search on the demo map: id matches of each kind against a Python
recount, ranking, typo tolerance, semantic search, modes and limits.
usage: check_search.py URL MODELS_JSONL MAP TMPDIR"""
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from apitest import Api, assert_error, load_rows  # noqa: E402

api = Api(sys.argv[1])
rows = load_rows(sys.argv[2])
ids = list(rows)


def search(q, **kw):
    return api.get("/api/search", q=q, **kw)


def dl(i):
    return rows[i].get("downloads", 0)


# exact (case-insensitive), first
r = search("META-LLAMA/LLAMA-2-7B-CHAT-HF", mode="id")
assert r["results"][0]["model"]["id"] == "meta-llama/Llama-2-7b-chat-hf" and r["results"][0]["match"] == "exact", r["results"][:2]
r = search("gemma-7b-it", mode="id")  # the name part of an id, exactly
assert r["results"][0]["model"]["id"] == "google/gemma-7b-it" and r["results"][0]["match"] == "exact", r["results"][:2]

# prefix matches: every id starting with the query, ranked by downloads
q = "thebloke/llama-2-7b"
r = search(q, mode="id", limit=100)
want = [i for i in ids if i.lower().startswith(q)]
got = [x["model"]["id"] for x in r["results"] if x["match"] in ("exact", "prefix") and not x["on_name"]]
assert set(got) == set(want[:100]) or len(want) > 100, (len(got), len(want))
pre = [x for x in r["results"] if x["match"] == "prefix"]
assert [x["model"]["downloads"] or 0 for x in pre] == sorted((x["model"]["downloads"] or 0 for x in pre), reverse=True)

# substring: ranked after prefixes; every hit contains the query
q = "gguf"
r = search(q, mode="id", limit=100)
assert len(r["results"]) == 100 or len(r["results"]) == sum(q in i.lower() for i in ids)
kinds = [x["match"] for x in r["results"]]
order = {"exact": 0, "prefix": 1, "substring": 2, "fuzzy": 3}
assert [order[k] for k in kinds] == sorted(order[k] for k in kinds), kinds
assert all(q in x["model"]["id"].lower() for x in r["results"] if x["match"] != "fuzzy")

# typo tolerance: a transposition, a deletion, a substitution
for typo, want_id in [("meta-llama/Llama-2-7b-caht-hf", "meta-llama/Llama-2-7b-chat-hf"),
                      ("google/gema-7b", "google/gemma-7b"),
                      ("deepseek-ai/DeepSek-R1", "deepseek-ai/DeepSeek-R1"),
                      ("microsoft/phi-3", "microsoft/phi-2")]:
    assert want_id in rows, want_id
    r = search(typo, mode="id", limit=50)
    got = [x["model"]["id"] for x in r["results"]]
    assert want_id in got, (typo, got[:10])

# semantic: free text lands on models about it
if True:
    r = search("quantized gguf llama chat", mode="semantic", limit=10)
    assert r["known_words"] > 0 and len(r["results"]) == 10
    assert all(x["match"] == "semantic" for x in r["results"])
    sims = [x["similarity"] for x in r["results"]]
    assert sims == sorted(sims, reverse=True) and all(-1.001 <= s <= 1.001 for s in sims)
    hits = [x["model"]["id"].lower() for x in r["results"]]
    assert sum(("gguf" in h or "llama" in h or "quant" in h) for h in hits) >= 5, hits
    r = search("zzqxjv wqpfkz", mode="semantic")
    assert r["known_words"] == 0 or r["results"] == [] or len(r["results"]) >= 0

# auto: id hits first, semantic fills up for text with spaces
r = search("stable diffusion image generation", limit=10)
assert len(r["results"]) == 10 and r["results"][-1]["match"] == "semantic"
r = search("google/gemma-7b", limit=5)
assert r["results"][0]["model"]["id"] == "google/gemma-7b"

# each model once
r = search("llama", limit=100)
got = [x["model"]["id"] for x in r["results"]]
assert len(got) == len(set(got))

# bounds and errors
assert len(search("a", limit=3)["results"]) <= 3
assert search("   ", mode="id")["results"] == []
assert_error(api, "/api/search", 400)
assert_error(api, "/api/search?q=x&limit=0", 400)
assert_error(api, "/api/search?q=x&limit=101", 400)
assert_error(api, "/api/search?q=x&mode=magic", 400)
assert_error(api, "/api/search?q=" + "a" * 201, 400)
print("check_search: ok")
