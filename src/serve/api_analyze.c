/* api_analyze.c - GET /api/analyze/...: the analyses of src/science/
 * (docs/science.md) over the served map, as the same JSON documents
 * `hfviz analyze MAP <analysis> --json` prints.
 *
 *   /api/analyze/families     ?relations=&top=
 *   /api/analyze/drift        ?trait=&top_n=&top=&relations=
 *   /api/analyze/drift/pairs  ?trait=&from=&to=&limit=&relations=
 *   /api/analyze/license      ?relations=&limit=&top=
 *   /api/analyze/docs         ?relations=&family=
 *   /api/analyze/similarity   ?artifact=&samples=&bootstrap=&seed=&fit_max=&strip_ids=&no_frontmatter=&relations=
 *   /api/analyze/diff         ?a=&b=&artifact=&strip_ids=&no_frontmatter=&max_chars=
 *
 * Every parameter is bounded as the command line's option of the same
 * name.  An answer depends only on the map and its parameters, so it is
 * cached per map under its normalised parameter string (the key) and sent
 * with an ETag made from the map's and the key: a client holding it gets a
 * 304 without any work.  The cache is bounded (ANALYZE_CACHE_ENTRIES
 * entries, ANALYZE_CACHE_BYTES bytes).  The answer with every parameter at
 * its default ("pinned") is kept for the server's lifetime and sent from
 * the cache without a copy (rs->ext); other answers are evicted least
 * recently used first, so they are copied into the response under the
 * cache's lock.  A request for a key another thread is computing waits for
 * it instead of computing it twice.
 *
 * Card text comes from the server's card store under s->cards_lock (a
 * reader is not thread-safe).  A card similarity run holds the lock while
 * it reads its cards (seconds on a 1.86M-model map, once per parameter set);
 * a reader of its own, opened by path, could read a different file if the
 * map was replaced on disk since the server mapped it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "science/diff.h"
#include "science/docdrift.h"
#include "science/drift.h"
#include "science/families.h"
#include "science/license.h"
#include "science/similarity.h"
#include "science/simtext.h"
#include "serve/serve_int.h"

#define ANALYZE_CACHE_ENTRIES 64
#define ANALYZE_CACHE_BYTES ((size_t)64 << 20)
#define ANALYZE_ENTRY_MAX (ANALYZE_CACHE_BYTES / 4) /* a larger answer is sent, not kept */
/* similarity: draws x bootstrap resamples per request (the CLI allows 10^10) */
#define ANALYZE_SIM_WORK_MAX 20000000ull

typedef struct aentry {
    char *key;
    hv_buf body;
    bool ready, pinned;
    uint64_t used; /* tick of the last use (LRU) */
    struct aentry *next;
} aentry;

struct hv_analyze_cache {
    pthread_mutex_t lock;
    pthread_cond_t built; /* an entry left the building state */
    aentry *head;
    size_t nentries, bytes;
    uint64_t tick;
};

int analyze_init(hv_server *s, hv_err *e) {
    s->analyze = calloc(1, sizeof *s->analyze);
    if (!s->analyze) return hv_errf(e, HV_ENOMEM, "out of memory for the analysis cache");
    pthread_mutex_init(&s->analyze->lock, NULL);
    pthread_cond_init(&s->analyze->built, NULL);
    return HV_OK;
}

static void entry_free(aentry *x) {
    free(x->key);
    hv_buf_free(&x->body);
    free(x);
}

void analyze_free(hv_server *s) {
    hv_analyze_cache *c = s->analyze;
    if (!c) return;
    for (aentry *x = c->head, *nx; x; x = nx) {
        nx = x->next;
        entry_free(x);
    }
    pthread_cond_destroy(&c->built);
    pthread_mutex_destroy(&c->lock);
    free(c);
    s->analyze = NULL;
}

/* ---- the cache ---------------------------------------------------------- */

/* Unlink x (under the lock). */
static void entry_remove(hv_analyze_cache *c, aentry *x) {
    for (aentry **p = &c->head; *p; p = &(*p)->next) {
        if (*p != x) continue;
        *p = x->next;
        c->nentries--;
        if (x->ready) c->bytes -= x->body.n;
        return;
    }
}

/* Drop the least recently used ready, unpinned entry other than keep;
 * false when there is none. */
static bool evict_one(hv_analyze_cache *c, const aentry *keep) {
    aentry *victim = NULL;
    for (aentry *x = c->head; x; x = x->next)
        if (x != keep && x->ready && !x->pinned && (!victim || x->used < victim->used)) victim = x;
    if (!victim) return false;
    entry_remove(c, victim);
    entry_free(victim);
    return true;
}

/* Send a ready entry (under the lock): pinned ones are never freed while
 * the server runs, so the response points at them; others are copied. */
static int entry_send(aentry *x, hv_resp *rs) {
    if (x->pinned) {
        rs->ext = x->body.p;
        rs->ext_len = x->body.n;
        return 0;
    }
    hv_buf_clear(&rs->body);
    return hv_buf_append(&rs->body, x->body.p, x->body.n);
}

typedef int (*build_fn)(hv_server *s, const void *args, hv_buf *out, hv_err *e);

/* 64-bit FNV-1a of the key: the ETag's second half. */
static uint64_t key_hash(const char *k) {
    uint64_t h = 1469598103934665603ull;
    for (; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

/* If-None-Match holds etag (as http.c decides whether to send a 304). */
static bool etag_listed(const char *inm, const char *etag) {
    if (!inm) return false;
    if (strcmp(inm, "*") == 0) return true;
    size_t n = strlen(etag);
    for (const char *p = inm; (p = strstr(p, etag)) != NULL; p += n)
        if (p[n] == 0 || p[n] == ',' || p[n] == ' ') return true;
    return false;
}

static void answer_ok(hv_resp *rs, const char *etag) {
    rs->status = 200;
    rs->type = "application/json";
    memcpy(rs->etag, etag, strlen(etag) + 1);
    rs->cache = "public, no-cache"; /* keep it, but ask: the map may change under the same URL */
}

/* The ETag of key; true (and rs set for a 304) when the client has it. */
static bool not_modified(hv_server *s, const hv_req *rq, hv_resp *rs, const char *key, char etag[48]) {
    snprintf(etag, 48, "\"%s-a%016" PRIx64 "\"", s->etag_base, key_hash(key));
    if (!etag_listed(rq->if_none_match, etag)) return false;
    answer_ok(rs, etag);
    return true;
}

static void build_failed(hv_resp *rs, const hv_err *e) {
    resp_error(rs, 500, "analysis failed", "%s", e->msg[0] ? e->msg : "out of memory");
}

/* Answer key from the cache, computing it with fn(args) when absent. */
static void serve_cached(hv_server *s, hv_resp *rs, const char *key, const char *etag, bool pinned, build_fn fn,
                         const void *args) {
    hv_analyze_cache *c = s->analyze;
    hv_err e = {0, ""};
    if (!c) { /* no cache (unit tests of handlers): compute each time */
        hv_buf_clear(&rs->body);
        if (fn(s, args, &rs->body, &e)) { build_failed(rs, &e); return; }
        answer_ok(rs, etag);
        return;
    }
    pthread_mutex_lock(&c->lock);
    aentry *x;
    for (;;) {
        for (x = c->head; x && strcmp(x->key, key) != 0; x = x->next) {}
        if (!x || x->ready) break;
        pthread_cond_wait(&c->built, &c->lock); /* another thread is computing it */
    }
    if (x) {
        x->used = ++c->tick;
        int rc = entry_send(x, rs);
        pthread_mutex_unlock(&c->lock);
        if (rc) { resp_error(rs, 500, "out of memory", "copying a cached analysis"); return; }
        answer_ok(rs, etag);
        return;
    }
    /* absent: claim it (room permitting), compute outside the lock */
    while (c->nentries >= ANALYZE_CACHE_ENTRIES && evict_one(c, NULL)) {}
    aentry *mine = NULL;
    if (c->nentries < ANALYZE_CACHE_ENTRIES && (mine = calloc(1, sizeof *mine)) && (mine->key = strdup(key))) {
        mine->pinned = pinned;
        mine->body.max = SERVE_MAX_RESPONSE;
        mine->next = c->head;
        c->head = mine;
        c->nentries++;
    } else if (mine) {
        free(mine);
        mine = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    if (!mine) { /* every slot is being computed: answer without keeping it */
        hv_buf_clear(&rs->body);
        if (fn(s, args, &rs->body, &e)) { build_failed(rs, &e); return; }
        answer_ok(rs, etag);
        return;
    }
    int rc = fn(s, args, &mine->body, &e);
    pthread_mutex_lock(&c->lock);
    bool keep = rc == HV_OK && mine->body.n <= ANALYZE_ENTRY_MAX;
    if (keep) {
        mine->ready = true;
        c->bytes += mine->body.n;
        while (c->bytes > ANALYZE_CACHE_BYTES && evict_one(c, mine)) {}
        keep = c->bytes <= ANALYZE_CACHE_BYTES; /* else only answers kept for good are left */
    }
    if (!keep) {
        entry_remove(c, mine);
        pthread_cond_broadcast(&c->built);
        pthread_mutex_unlock(&c->lock);
        if (rc) {
            entry_free(mine);
            build_failed(rs, &e);
            return;
        }
        hv_buf_free(&rs->body); /* not kept: hand the body over */
        rs->body = mine->body;
        mine->body = (hv_buf){0};
        entry_free(mine);
        answer_ok(rs, etag);
        return;
    }
    mine->used = ++c->tick;
    rc = entry_send(mine, rs);
    pthread_cond_broadcast(&c->built);
    pthread_mutex_unlock(&c->lock);
    if (rc) { resp_error(rs, 500, "out of memory", "copying an analysis"); return; }
    answer_ok(rs, etag);
}

/* ---- parameters shared by the analyses ---------------------------------- */

/* relations: the words of `hfviz analyze --relations` (all, nomerge, or a
 * comma list of finetune, adapter, quantized, merge, untyped). */
static int arg_sci_relations(const hv_req *rq, hv_resp *rs, unsigned def, unsigned *out) {
    const char *v;
    if (arg_str(rq, rs, "relations", 200, &v)) return -1;
    if (!v) {
        *out = def;
        return 0;
    }
    hv_err e = {0, ""};
    unsigned m = 0;
    if (sci_relations_parse(v, &m, &e) || !m) {
        resp_error(rs, 400, "bad parameter", "relations: %s",
                   e.msg[0] ? e.msg + (strncmp(e.msg, "--relations: ", 13) ? 0 : 13) : "names no relation");
        return -1;
    }
    *out = m;
    return 0;
}

static const char *const ARTIFACTS[] = {"metadata", "card", NULL};

/* The card store is needed and holds text; else answer 409. */
static bool need_cards(hv_server *s, hv_resp *rs) {
    if (s->cards && cardstore_count(s->cards) > 0) return true;
    resp_error(rs, 409, "no card text", "this map holds no model cards (build it with card files or a modelCard "
                                        "column); use artifact=metadata");
    return false;
}

static int finish_json(hv_jw *w, hv_buf *out, hv_err *e) {
    if (w->failed || w->depth != 0) {
        hv_buf_clear(out);
        return hv_errf(e, HV_ENOMEM, "the answer is too large or out of memory");
    }
    return HV_OK;
}

/* ---- families ------------------------------------------------------------- */

typedef struct fam_args {
    sci_families_opts o;
} fam_args;

static int build_families(hv_server *s, const void *args, hv_buf *out, hv_err *e) {
    const fam_args *a = args;
    hv_sci_view v;
    sci_view_from_map(&s->map, &v);
    sci_families f;
    int rc = sci_families_run(&v, &a->o, &f, e);
    if (rc) return rc;
    hv_jw w;
    jw_init(&w, out);
    sci_families_json(&v, &f, &w);
    sci_families_free(&f);
    return finish_json(&w, out, e);
}

void api_analyze_families(hv_server *s, const hv_req *rq, hv_resp *rs) {
    fam_args a;
    sci_families_defaults(&a.o);
    unsigned def_mask = a.o.mask;
    uint32_t def_top = a.o.top;
    if (arg_sci_relations(rq, rs, def_mask, &a.o.mask) || arg_u32(rq, rs, "top", def_top, 1, SCI_TOP_MAX, &a.o.top))
        return;
    char key[96], etag[48];
    snprintf(key, sizeof key, "families r=%u top=%u", a.o.mask, a.o.top);
    if (not_modified(s, rq, rs, key, etag)) return;
    serve_cached(s, rs, key, etag, a.o.mask == def_mask && a.o.top == def_top, build_families, &a);
}

/* ---- drift ---------------------------------------------------------------- */

static const char *const TRAITS[] = {"license", "language", "task", "library", "all", NULL};

typedef struct drift_args {
    unsigned mask;
    int trait; /* SCI_TRAIT_COUNT = all */
    uint32_t top_n, top;
} drift_args;

/* As `hfviz analyze MAP drift --json`: one trait's document, or for all of
 * them {analysis, relations, traits: [...]}. */
static int build_drift(hv_server *s, const void *args, hv_buf *out, hv_err *e) {
    const drift_args *a = args;
    hv_sci_view v;
    sci_view_from_map(&s->map, &v);
    bool all = a->trait == SCI_TRAIT_COUNT;
    int t0 = all ? 0 : a->trait, t1 = all ? SCI_TRAIT_COUNT : a->trait + 1;
    hv_jw w;
    jw_init(&w, out);
    if (all) {
        char rel[96];
        sci_relations_name(a->mask, rel, sizeof rel);
        jw_obj(&w);
        jw_key(&w, "analysis");
        jw_cstr(&w, "drift");
        jw_key(&w, "relations");
        jw_cstr(&w, rel);
        jw_key(&w, "traits");
        jw_arr(&w);
    }
    for (int t = t0; t < t1; t++) {
        sci_drift_opts o;
        sci_drift_defaults(&o);
        o.mask = a->mask;
        o.trait = (sci_trait)t;
        o.top_n = a->top_n;
        o.top = a->top;
        sci_drift d;
        int rc = sci_drift_run(&v, &o, &d, e);
        if (rc) return rc;
        sci_drift_json(&v, &d, &w);
        sci_drift_free(&d);
    }
    if (all) {
        jw_arr_end(&w);
        jw_obj_end(&w);
    }
    return finish_json(&w, out, e);
}

void api_analyze_drift(hv_server *s, const hv_req *rq, hv_resp *rs) {
    drift_args a = {0};
    if (arg_enum(rq, rs, "trait", TRAITS, SCI_TRAIT_COUNT, &a.trait) ||
        arg_u32(rq, rs, "top_n", 20, 2, SCI_LOP_MAX, &a.top_n) ||
        arg_u32(rq, rs, "top", 10, 1, SCI_TOP_MAX, &a.top) || arg_sci_relations(rq, rs, SCI_REL_ALL, &a.mask))
        return;
    char key[96], etag[48];
    snprintf(key, sizeof key, "drift r=%u t=%d n=%u top=%u", a.mask, a.trait, a.top_n, a.top);
    if (not_modified(s, rq, rs, key, etag)) return;
    bool pinned = a.mask == SCI_REL_ALL && a.trait == SCI_TRAIT_COUNT && a.top_n == 20 && a.top == 10;
    serve_cached(s, rs, key, etag, pinned, build_drift, &a);
}

/* ---- drift pairs ---------------------------------------------------------- */

typedef struct pairs_args {
    sci_trait trait;
    unsigned mask;
    uint32_t from, to, limit;
    const char *from_name, *to_name;
} pairs_args;

/* As `hfviz analyze MAP drift --trait T --pairs FROM,TO --json`. */
static int build_pairs(hv_server *s, const void *args, hv_buf *out, hv_err *e) {
    const pairs_args *a = args;
    hv_sci_view v;
    sci_view_from_map(&s->map, &v);
    uint64_t *idx = malloc((a->limit ? a->limit : 1) * sizeof *idx);
    if (!idx) return hv_errf(e, HV_ENOMEM, "out of memory");
    size_t n;
    uint64_t total;
    int rc = sci_drift_pairs(&v, a->trait, a->mask, a->from, a->to, idx, a->limit, &n, &total, e);
    if (rc) {
        free(idx);
        return rc;
    }
    hv_jw w;
    jw_init(&w, out);
    sci_drift_pairs_json(&v, a->trait, a->mask, hv_sv_cstr(a->from_name), hv_sv_cstr(a->to_name), idx, n, total, &w);
    free(idx);
    return finish_json(&w, out, e);
}

void api_analyze_drift_pairs(hv_server *s, const hv_req *rq, hv_resp *rs) {
    pairs_args a = {0};
    int trait;
    if (arg_enum(rq, rs, "trait", TRAITS, -1, &trait)) return;
    if (trait < 0 || trait == SCI_TRAIT_COUNT)
        { resp_error(rs, 400, "bad parameter", "trait is required: one of license, language, task, library"); return; }
    a.trait = (sci_trait)trait;
    if (arg_str(rq, rs, "from", 200, &a.from_name) || arg_str(rq, rs, "to", 200, &a.to_name) ||
        arg_u32(rq, rs, "limit", 100, 0, 1000000, &a.limit) || arg_sci_relations(rq, rs, SCI_REL_ALL, &a.mask))
        return;
    if (!a.from_name || !a.to_name || !*a.from_name || !*a.to_name)
        { resp_error(rs, 400, "bad parameter", "from and to are required: two values of the trait"); return; }
    hv_buf key = {0};
    if (hv_buf_printf(&key, "pairs r=%u t=%d l=%u from=%zu:", a.mask, trait, a.limit, strlen(a.from_name)) ||
        hv_buf_append(&key, a.from_name, strlen(a.from_name)) || hv_buf_printf(&key, " to=%zu:", strlen(a.to_name)) ||
        hv_buf_append(&key, a.to_name, strlen(a.to_name)) || hv_buf_putc(&key, 0)) {
        hv_buf_free(&key);
        { resp_error(rs, 500, "out of memory", "drift pairs"); return; }
    }
    char etag[48];
    if (!not_modified(s, rq, rs, key.p, etag)) {
        hv_sci_view v;
        sci_view_from_map(&s->map, &v);
        a.from = sci_trait_find(&v, a.trait, hv_sv_cstr(a.from_name));
        a.to = sci_trait_find(&v, a.trait, hv_sv_cstr(a.to_name));
        if (!a.from || !a.to) {
            const char *bad = !a.from ? a.from_name : a.to_name;
            resp_error(rs, 404, "unknown trait value", "no model has %s '%.200s'", sci_trait_name(a.trait), bad);
        } else {
            serve_cached(s, rs, key.p, etag, false, build_pairs, &a);
        }
    }
    hv_buf_free(&key);
}

/* ---- license audit -------------------------------------------------------- */

typedef struct lic_args {
    sci_license_opts o;
} lic_args;

static int build_license(hv_server *s, const void *args, hv_buf *out, hv_err *e) {
    const lic_args *a = args;
    hv_sci_view v;
    sci_view_from_map(&s->map, &v);
    sci_license_audit au;
    int rc = sci_license_run(&v, &a->o, &au, e);
    if (rc) return rc;
    hv_jw w;
    jw_init(&w, out);
    sci_license_json(&v, &au, &w);
    sci_license_free(&au);
    return finish_json(&w, out, e);
}

void api_analyze_license(hv_server *s, const hv_req *rq, hv_resp *rs) {
    lic_args a;
    sci_license_defaults(&a.o);
    a.o.top = 10;
    a.o.limit = 100;
    if (arg_sci_relations(rq, rs, SCI_REL_ALL, &a.o.mask) || arg_u32(rq, rs, "limit", 100, 0, 1000000, &a.o.limit) ||
        arg_u32(rq, rs, "top", 10, 1, SCI_TOP_MAX, &a.o.top))
        return;
    char key[96], etag[48];
    snprintf(key, sizeof key, "license r=%u l=%u top=%u", a.o.mask, a.o.limit, a.o.top);
    if (not_modified(s, rq, rs, key, etag)) return;
    serve_cached(s, rs, key, etag, a.o.mask == SCI_REL_ALL && a.o.limit == 100 && a.o.top == 10, build_license, &a);
}

/* ---- documentation drift -------------------------------------------------- */

static int build_docs(hv_server *s, const void *args, hv_buf *out, hv_err *e) {
    const sci_docdrift_opts *o = args;
    hv_sci_view v;
    sci_view_from_map(&s->map, &v);
    sci_docdrift d;
    int rc = sci_docdrift_run(&v, o, &d, e);
    if (rc) {
        sci_docdrift_free(&d);
        return rc;
    }
    hv_jw w;
    jw_init(&w, out);
    sci_docdrift_json(&v, &d, &w);
    sci_docdrift_free(&d);
    return finish_json(&w, out, e);
}

/* ?relations=&family=ID (a model id, at most 512 bytes; 404 when unknown):
 * the family's edges only, with its generation profile. */
void api_analyze_docs(hv_server *s, const hv_req *rq, hv_resp *rs) {
    sci_docdrift_opts o = {SCI_REL_ALL, false, 0};
    const char *fam;
    if (arg_sci_relations(rq, rs, SCI_REL_ALL, &o.mask) || arg_str(rq, rs, "family", 512, &fam)) return;
    if (fam && *fam) {
        o.family_row = map_find(&s->map, hv_sv_cstr(fam));
        if (o.family_row == HV_NO_ROW) {
            resp_error(rs, 404, "unknown model", "family=%.200s: no such model in this map", fam);
            return;
        }
        o.family = true;
    }
    char key[64], etag[48];
    if (o.family) snprintf(key, sizeof key, "docs r=%u family=%u", o.mask, o.family_row);
    else snprintf(key, sizeof key, "docs r=%u", o.mask);
    if (not_modified(s, rq, rs, key, etag)) return;
    serve_cached(s, rs, key, etag, o.mask == SCI_REL_ALL && !o.family, build_docs, &o);
}

/* ---- similarity ------------------------------------------------------------ */

static int build_similarity(hv_server *s, const void *args, hv_buf *out, hv_err *e) {
    sci_similarity_opts o = *(const sci_similarity_opts *)args;
    hv_sci_view v;
    sci_view_from_map(&s->map, &v);
    sci_similarity *r = malloc(sizeof *r);
    if (!r) return hv_errf(e, HV_ENOMEM, "out of memory");
    int rc;
    if (o.artifact == SCI_ART_CARD) {
        o.cards = s->cards;
        pthread_mutex_lock(&s->cards_lock);
        rc = sci_similarity_run(&v, &o, r, e);
        pthread_mutex_unlock(&s->cards_lock);
    } else {
        o.cards = NULL;
        rc = sci_similarity_run(&v, &o, r, e);
    }
    if (rc) {
        free(r);
        return rc;
    }
    hv_jw w;
    jw_init(&w, out);
    sci_similarity_json(&v, r, &w);
    free(r);
    return finish_json(&w, out, e);
}

void api_analyze_similarity(hv_server *s, const hv_req *rq, hv_resp *rs) {
    sci_similarity_opts o, def;
    sci_similarity_defaults(&def);
    o = def;
    int art;
    int64_t seed;
    if (arg_enum(rq, rs, "artifact", ARTIFACTS, SCI_ART_METADATA, &art) ||
        arg_u32(rq, rs, "samples", def.samples, 1, 100000, &o.samples) ||
        arg_u32(rq, rs, "bootstrap", def.bootstrap, 0, 100000, &o.bootstrap) ||
        arg_i64(rq, rs, "seed", (int64_t)def.seed, 0, INT64_MAX, &seed) ||
        arg_u32(rq, rs, "fit_max", def.fit_max, 1000, 10000000, &o.fit_max) ||
        arg_bool(rq, rs, "strip_ids", false, &o.strip_ids) ||
        arg_bool(rq, rs, "no_frontmatter", false, &o.drop_frontmatter) ||
        arg_sci_relations(rq, rs, def.mask, &o.mask))
        return;
    o.artifact = (sci_artifact)art;
    o.seed = (uint64_t)seed;
    if ((uint64_t)o.samples * (o.bootstrap ? o.bootstrap : 1) > ANALYZE_SIM_WORK_MAX)
        { resp_error(rs, 400, "bad parameter",
                          "samples x bootstrap must be at most %llu (got %u x %u): ask the command line for more",
                          ANALYZE_SIM_WORK_MAX, o.samples, o.bootstrap); return; }
    if (o.artifact == SCI_ART_CARD && !need_cards(s, rs)) return;
    char key[160], etag[48];
    snprintf(key, sizeof key, "similarity r=%u a=%d n=%u b=%u seed=%" PRIu64 " fit=%u strip=%d nofm=%d", o.mask,
             art, o.samples, o.bootstrap, o.seed, o.fit_max, o.strip_ids, o.drop_frontmatter);
    if (not_modified(s, rq, rs, key, etag)) return;
    bool pinned = o.mask == def.mask && o.samples == def.samples && o.bootstrap == def.bootstrap &&
                  o.seed == def.seed && o.fit_max == def.fit_max && !o.strip_ids && !o.drop_frontmatter;
    serve_cached(s, rs, key, etag, pinned, build_similarity, &o);
}

/* ---- diff ------------------------------------------------------------------ */

typedef struct diff_args {
    uint32_t row[2];
    hv_sv id[2];
    sci_artifact artifact;
    bool strip_ids, drop_frontmatter;
    uint32_t max_chars;
} diff_args;

/* A model's text; *has false when the card artifact finds no card. */
static int diff_text(hv_server *s, const hv_sci_view *v, const diff_args *a, uint32_t row, hv_buf *out, bool *has,
                     hv_err *e) {
    *has = true;
    if (a->artifact == SCI_ART_METADATA)
        return sci_meta_text(v, row, a->strip_ids, out) ? hv_errf(e, HV_ENOMEM, "out of memory") : HV_OK;
    pthread_mutex_lock(&s->cards_lock);
    int rc = sci_card_full(s->cards, v, row, a->drop_frontmatter, out, has, e);
    pthread_mutex_unlock(&s->cards_lock);
    return rc;
}

/* As `hfviz analyze MAP diff --models A,B --json`. */
static int build_diff(hv_server *s, const void *args, hv_buf *out, hv_err *e) {
    const diff_args *a = args;
    hv_sci_view v;
    sci_view_from_map(&s->map, &v);
    hv_buf t[2] = {{0}, {0}};
    bool has[2] = {true, true};
    int rc = diff_text(s, &v, a, a->row[0], &t[0], &has[0], e);
    if (rc == HV_OK) rc = diff_text(s, &v, a, a->row[1], &t[1], &has[1], e);
    if (rc == HV_OK && (!has[0] || !has[1])) /* checked before; the store is read-only */
        rc = hv_errf(e, HV_EINPUT, "a model has no card");
    sci_diff d = {0};
    hv_sv ta = {0}, tb = {0};
    bool truncated = false;
    if (rc == HV_OK) {
        size_t la = sci_prefix_bytes(hv_sv_make(t[0].p, t[0].n), a->max_chars);
        size_t lb = sci_prefix_bytes(hv_sv_make(t[1].p, t[1].n), a->max_chars);
        truncated = la < t[0].n || lb < t[1].n;
        ta = hv_sv_make(t[0].p, la);
        tb = hv_sv_make(t[1].p, lb);
        rc = sci_diff_run(ta, tb, &d, e);
    }
    if (rc == HV_OK) {
        hv_jw w;
        jw_init(&w, out);
        sci_diff_json(&d, a->artifact == SCI_ART_CARD ? "card" : "metadata", a->id[0], a->id[1], ta, tb, truncated, &w);
        rc = finish_json(&w, out, e);
    }
    sci_diff_free(&d);
    hv_buf_free(&t[0]);
    hv_buf_free(&t[1]);
    return rc;
}

void api_analyze_diff(hv_server *s, const hv_req *rq, hv_resp *rs) {
    diff_args a = {0};
    int art;
    if (arg_enum(rq, rs, "artifact", ARTIFACTS, SCI_ART_METADATA, &art) ||
        arg_bool(rq, rs, "strip_ids", false, &a.strip_ids) ||
        arg_bool(rq, rs, "no_frontmatter", false, &a.drop_frontmatter) ||
        arg_u32(rq, rs, "max_chars", 2000, 1, SCI_DIFF_MAX, &a.max_chars))
        return;
    a.artifact = (sci_artifact)art;
    for (int k = 0; k < 2; k++) {
        a.row[k] = arg_model(s, rq, rs, k ? "b" : "a"); /* 400 missing, 404 unknown */
        if (a.row[k] == HV_NO_ROW) return;
        a.id[k] = map_id(&s->map, a.row[k]);
    }
    if (a.artifact == SCI_ART_CARD) {
        if (!need_cards(s, rs)) return;
        for (int k = 0; k < 2; k++)
            if (s->map.card_ref[a.row[k]] == HV_NO_ROW || s->map.card_ref[a.row[k]] >= cardstore_count(s->cards))
                { resp_error(rs, 404, "no model card", "%.*s has no model card in this map",
                                  (int)(a.id[k].n > 200 ? 200 : a.id[k].n), a.id[k].p); return; }
    }
    hv_buf key = {0};
    if (hv_buf_printf(&key, "diff a=%u b=%u art=%d strip=%d nofm=%d max=%u", a.row[0], a.row[1], art, a.strip_ids,
                      a.drop_frontmatter, a.max_chars) ||
        hv_buf_putc(&key, 0)) {
        hv_buf_free(&key);
        { resp_error(rs, 500, "out of memory", "diff"); return; }
    }
    char etag[48];
    if (!not_modified(s, rq, rs, key.p, etag)) serve_cached(s, rs, key.p, etag, false, build_diff, &a);
    hv_buf_free(&key);
}
