#!/usr/bin/env python3
"""gen-openapi.py - write src/serve/openapi.json, the OpenAPI 3 document the
server serves at /api/openapi.json.  docs/api.md is the prose; this is the
machine-readable list of paths and parameters with their bounds.
tests/serve/check_core.py checks that every route the server lists is here.

usage: python3 scripts/gen-openapi.py > src/serve/openapi.json"""
import json


def p(name, typ="string", desc="", minimum=None, maximum=None, enum=None, default=None, required=False,
      where="query"):
    schema = {"type": typ}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    if enum:
        schema["enum"] = enum
    if default is not None:
        schema["default"] = default
    return {"name": name, "in": where, "required": required or where == "path", "description": desc,
            "schema": schema}


ID = p("id", desc="model id; contains '/', which is kept as is in the path", where="path")
FILTERS = [
    p("min_downloads", "integer", "downloads at least", 0),
    p("max_downloads", "integer", "downloads at most", 0),
    p("min_likes", "integer", "likes at least", 0),
    p("max_likes", "integer", "likes at most", 0),
    p("library", desc="comma list (any of, at most 32); 'none' = without"),
    p("pipeline", desc="comma list (any of, at most 32); 'none' = without"),
    p("license", desc="comma list (any of, at most 32); 'none' = without"),
    p("language", desc="comma list of language names (any of, at most 32); 'none' = without"),
    p("base_only", "boolean", "only models that declare no parent"),
    p("max_depth", "integer", "generations below the root", 0, 1000000),
    p("created_from", desc="YYYY-MM, YYYY-MM-DD or a timestamp"),
    p("created_to", desc="YYYY-MM, YYYY-MM-DD or a timestamp (the whole month/day included)"),
    p("cluster", "integer", "cluster number", 0),
    p("family", desc="the family of this model id"),
    p("q", desc="case-insensitive substring of the id (at most 200 bytes)"),
]
REL = p("relations", desc="comma list of base, finetune, adapter, quantized, merge, or all; "
                          "default: the map's lineage relations")
JSON = {"application/json": {}}
ERR = {"400": {"description": "bad parameter: {error, detail}"},
       "404": {"description": "unknown model or no such thing: {error, detail}"}}


def op(summary, params=(), content=None, extra=None):
    o = {"summary": summary, "parameters": list(params),
         "responses": {"200": {"description": "OK", "content": content or JSON}, **ERR}}
    if extra:
        o["responses"].update(extra)
    return {"get": o}


paths = {
    "/api": op("the endpoint list"),
    "/api/openapi.json": op("this document"),
    "/api/stats": op("overview of the map (cached, ETag)"),
    "/api/points": op("binary coordinates and attributes of every model (docs/api.md: HVPT format)", [
        p("dims", "integer", "layout", 2, 3, default=2),
        p("fields", desc="comma list of library, pipeline, license, language, cluster, family, depth, "
                         "downloads, likes, trending, created, flags; or default, all")],
        {"application/octet-stream": {}}, {"304": {"description": "not modified (If-None-Match)"}}),
    "/api/rows": op("brief models by row number (index into /api/points)", [
        p("i", desc="comma list of row numbers, at most 1000", required=True)]),
    "/api/models": op("filtered, sorted, paged models", FILTERS + [
        p("sort", enum=["downloads", "likes", "trending", "created"], default="downloads"),
        p("order", enum=["desc", "asc"], default="desc"),
        p("limit", "integer", "page size", 1, 1000, default=50),
        p("offset", "integer", "first row of the page", 0)]),
    "/api/models/count": op("how many models pass the filters", FILTERS),
    "/api/facets": op("value counts per facet, each under every filter but its own", FILTERS + [
        p("facets", desc="comma list of library, pipeline, license, language (default all)"),
        p("top", "integer", "values per facet", 1, 500, default=50)]),
    "/api/histogram": op("histogram of a numeric field under the filters", FILTERS + [
        p("field", enum=["downloads", "likes", "trending", "created", "depth", "card_chars", "card_words"],
          default="downloads"),
        p("bins", "integer", "number of bins", 1, 200, default=50),
        p("log", "boolean", "bins over log10(1 + v) (default for downloads and likes)")]),
    "/api/search": op("model ids (exact, prefix, substring, fuzzy) and semantic search", [
        p("q", desc="query, at most 200 bytes", required=True),
        p("limit", "integer", "results", 1, 100, default=20),
        p("mode", enum=["auto", "id", "semantic"], default="auto"),
        p("exact", "boolean", "semantic: compare with every model (default up to 200,000 models)")]),
    "/api/model/{id}": op("every field of one model", [ID]),
    "/api/model/{id}/card": op("the model card", [ID, p("format", enum=["json", "raw"], default="json")],
                               {"application/json": {}, "text/markdown": {}}),
    "/api/model/{id}/family": op("ancestors and descendants with typed edges", [
        ID, p("max_depth", "integer", "generations each way", 1, 50, default=50),
        p("limit", "integer", "nodes", 1, 5000, default=1000), REL,
        p("direction", enum=["both", "up", "down"], default="both")],
        extra={"409": {"description": "the map has no lineage"}}),
    "/api/model/{id}/path": op("lineage to the root (the longest chain)", [ID, REL],
                               extra={"409": {"description": "the map has no lineage"}}),
    "/api/model/{id}/similar": op("nearest models in the kNN graph", [
        ID, p("k", "integer", "neighbours, up to the map's k", 1, 1000)],
        extra={"409": {"description": "the map has no kNN graph"}}),
    "/api/distance": op("how alike two models are", [
        p("a", desc="model id", required=True), p("b", desc="model id", required=True), REL]),
    "/api/clusters": op("clusters: label, size, centroids, top tags/libraries/pipelines (cached, ETag)"),
    "/api/families/top": op("largest families", [
        p("limit", "integer", "families", 1, 1000, default=50),
        p("by", enum=["size", "downloads", "depth"], default="size"),
        p("min_size", "integer", "smallest family listed", 1, default=2), REL]),
    "/api/families/stats": op("family size/depth distributions, or one family's growth", [
        p("family", desc="a member's model id (optional)"), REL]),
    "/api/network/family/{id}": op("a family as a network (JSON or GraphML)", [
        ID, p("format", enum=["json", "graphml"], default="json"),
        p("max_nodes", "integer", "nodes", 1, 20000, default=5000), REL],
        {"application/json": {}, "application/graphml+xml": {}}),
    "/api/network/derivatives": op("edges among the filtered models", FILTERS + [
        REL, p("max_edges", "integer", "edges", 1, 50000, default=10000),
        p("format", enum=["json", "graphml"], default="json")],
        {"application/json": {}, "application/graphml+xml": {}}),
}
SCI_REL = p("relations", desc="edges used, as `hfviz analyze --relations`: all, nomerge, or a comma list of "
                              "finetune, adapter, quantized, merge, untyped")
SCI_TOP = p("top", "integer", "entries per list", 1, 1000, default=10)
ART = p("artifact", enum=["metadata", "card"], default="metadata")
STRIP = p("strip_ids", "boolean", "leave out the model's own id and its base_model: tags", default=False)
NOFM = p("no_frontmatter", "boolean", "drop the cards' YAML front matter", default=False)
TRAIT = ["license", "language", "task", "library"]
CACHED = {"304": {"description": "not modified (If-None-Match)"}}
NOCARDS = {"409": {"description": "artifact=card on a map without card text"}}
paths.update({
    "/api/analyze/families": op("families: roots, size and depth distributions, largest families, fertility, "
                                "growth and bursts (as hfviz analyze MAP families --json; cached, ETag)",
                                [SCI_REL, SCI_TOP], extra=CACHED),
    "/api/analyze/drift": op("trait drift: mutation rate, transition graph, optimal orderings (as hfviz analyze "
                             "MAP drift --json; cached, ETag)", [
        p("trait", enum=TRAIT + ["all"], default="all"),
        p("top_n", "integer", "traits ordered", 2, 20, default=20), SCI_TOP, SCI_REL], extra=CACHED),
    "/api/analyze/drift/pairs": op("the parent->child pairs behind the transition from -> to (cached, ETag)", [
        p("trait", enum=TRAIT, required=True),
        p("from", desc="a value of the trait (at most 200 bytes)", required=True),
        p("to", desc="a value of the trait (at most 200 bytes)", required=True),
        p("limit", "integer", "pairs listed", 0, 1000000, default=100), SCI_REL], extra=CACHED),
    "/api/analyze/license": op("license audit: children less restrictive than a commercial or non-commercial "
                               "parent (cached, ETag)", [
        SCI_REL, p("limit", "integer", "flagged pairs listed", 0, 1000000, default=100), SCI_TOP], extra=CACHED),
    "/api/analyze/docs": op("documentation drift, parent vs child (cached, ETag); with family, only that "
                            "family's edges and its generation profile per depth", [
        SCI_REL, p("family", desc="a model id (at most 512 bytes): restrict to its family (weakly connected "
                                  "under relations) and add the generation profile; 404 when unknown")],
        extra={**CACHED, "404": {"description": "family names no model of this map"}}),
    "/api/analyze/similarity": op("similarity of related models: 24 pattern configurations x 3 measures with "
                                  "bootstrap CIs (cached, ETag); samples x bootstrap at most 20,000,000", [
        ART, p("samples", "integer", "draws per configuration", 1, 100000, default=1000),
        p("bootstrap", "integer", "bootstrap resamples", 0, 100000, default=1000),
        p("seed", "integer", "random seed", 0, default=42),
        p("fit_max", "integer", "documents the vocabulary is fit on", 1000, 10000000, default=200000),
        STRIP, NOFM, p("relations", desc="edges used (default finetune), as for the other analyses")],
        extra={**CACHED, **NOCARDS}),
    "/api/analyze/diff": op("character-level alignment of two models' metadata strings or cards (cached, ETag)", [
        p("a", desc="model id", required=True), p("b", desc="model id", required=True), ART, STRIP, NOFM,
        p("max_chars", "integer", "characters of each text compared", 1, 10000, default=2000)],
        extra={**CACHED, **NOCARDS}),
})
NODB = {"404": {"description": "no model-count database (the server runs without --db) or no snapshot"}}
SOURCE = p("source", enum=["hub", "dataset"], desc="hub polls or the dataset's monthly counts")
paths.update({
    "/api/model-count/status": op("the model-count database: snapshots per source, the last poll", [], None, NODB),
    "/api/model-count/latest": op("the newest snapshot with its counts by library and pipeline", [SOURCE], None,
                                  NODB),
    "/api/model-count/history": op("snapshots in time order, with per-value series of a facet", [
        p("from", desc="YYYY-MM, YYYY-MM-DD or a timestamp"),
        p("to", desc="YYYY-MM, YYYY-MM-DD or a timestamp (the whole month/day included)"),
        p("source", enum=["hub", "dataset", "all"], default="all"),
        p("facet", enum=["library", "pipeline"]),
        p("values", desc="comma list of facet values (at most 32); default: the top values"),
        p("top", "integer", "values of the newest snapshot when values is absent", 1, 50, default=10),
        p("limit", "integer", "snapshots at most (a longer range is thinned evenly)", 2, 20000, default=2000)],
        None, NODB),
    "/api/model-count/growth": op("growth over a window (elapsed time between snapshots), by library and "
                                  "pipeline, with a forecast and its 95% interval", [
        p("days", "integer", "window", 1, 3650, default=30), SOURCE,
        p("top", "integer", "values per facet, by growth", 1, 100, default=10),
        p("forecast_days", "integer", "forecast horizon (default: days)", 1, 3650),
        p("model", enum=["linear", "exponential"], default="linear")],
        None, {**NODB, "409": {"description": "insufficient data: fewer than two snapshots"}}),
})
paths["/api/model-count/record"] = {"post": {
    "summary": "start one poll of the --hub in the background (only with --allow-record)",
    "responses": {"202": {"description": "started"}, "403": {"description": "the server runs without --allow-record"},
                  "404": NODB["404"], "409": {"description": "a poll is running"}}}}
export_get = op("filtered models as CSV or JSON", FILTERS + [
    p("format", enum=["csv", "json"], default="csv"), p("fields", desc="comma list of fields"),
    p("limit", "integer", "rows (most downloaded first)", 1, 200000)],
    {"text/csv": {}, "application/json": {}})
paths["/api/export"] = {
    "get": export_get["get"],
    "post": {
        "summary": "ids, rows or a filter as CSV or JSON (body at most 1 MiB, 100,000 ids, 200,000 rows)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "ids": {"type": "array", "items": {"type": "string"}, "maxItems": 100000},
                "rows": {"type": "array", "items": {"type": "integer", "minimum": 0}, "maxItems": 100000,
                         "description": "row numbers as /api/points orders them (a lasso selection)"},
                "filter": {"type": "object"},
                "format": {"type": "string", "enum": ["csv", "json"]},
                "fields": {"type": "array", "items": {"type": "string"}},
                "limit": {"type": "integer", "minimum": 1, "maximum": 200000}}}}}},
        "responses": {"200": {"description": "OK", "content": {"text/csv": {}, "application/json": {}}},
                      "400": ERR["400"], "413": {"description": "body over 1 MiB"}}},
}
doc = {
    "openapi": "3.0.3",
    "info": {"title": "hfviz", "version": "1",
             "description": "The Hugging Face model map: docs/api.md has the details, limits and formats."},
    "paths": paths,
}
print(json.dumps(doc, indent=1))
