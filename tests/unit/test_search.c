/* test_search.c - the id search: every match kind and its rank, case and
 * separators, typos, limits and bad queries, the index against the linear
 * scan on random ids and queries, the map round trip (also through
 * map_write's extra-sections hook), and damaged sections refused. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "mapfile/map.h"
#include "search/search.h"

static char path[64];

static void setup(void) {
    snprintf(path, sizeof path, "/tmp/hv_search_test_%d.map", (int)getpid());
    unlink(path);
}
static void teardown(void) { unlink(path); }
TestSuite(search, .init = setup, .fini = teardown);

/* ---- a set of ids with an index in a map file ---- */

typedef struct fixture {
    uint32_t n;
    uint64_t *off;
    char *bytes;
    int64_t *dl;
    hv_search_src src;
    hv_mapfile f;
    hv_searchindex ix;
    bool open;
} fixture;

static void fx_strings(fixture *fx, const char *const *ids, const int64_t *dl, uint32_t n) {
    memset(fx, 0, sizeof *fx);
    fx->n = n;
    fx->off = malloc(((size_t)n + 1) * sizeof *fx->off);
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++) total += strlen(ids[i]);
    fx->bytes = malloc(total + 1);
    fx->dl = malloc(((size_t)n + 1) * sizeof *fx->dl);
    size_t at = 0;
    for (uint32_t i = 0; i < n; i++) {
        fx->off[i] = at;
        memcpy(fx->bytes + at, ids[i], strlen(ids[i]));
        at += strlen(ids[i]);
        fx->dl[i] = dl ? dl[i] : 0;
    }
    fx->off[n] = at;
    fx->src = (hv_search_src){n, fx->off, fx->bytes, NULL, fx->dl};
}

/* Write the index (and one unrelated section) to path and open it. */
static void fx_index(fixture *fx) {
    hv_err e;
    hv_mapwriter *w = mapwriter_create(path, &e);
    cr_assert_not_null(w, "%s", e.msg);
    uint32_t other[3] = {7, 8, 9};
    cr_assert_eq(mapwriter_add(w, "other", other, 4, 3, &e), HV_OK);
    hv_search_input in = {fx->n, search_src_id_cb, &fx->src, fx->dl};
    cr_assert_eq(searchindex_write(w, &in, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(mapwriter_close(w, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(mapfile_open(path, true, &fx->f, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(searchindex_open(&fx->f, fx->n, &fx->ix, &e), HV_OK, "%s", e.msg);
    cr_assert(fx->ix.present);
    fx->open = true;
}

static void fx_free(fixture *fx) {
    if (fx->open) mapfile_close(&fx->f);
    free(fx->off);
    free(fx->bytes);
    free(fx->dl);
}

static const char *id_of(const fixture *fx, uint32_t row) {
    static char buf[4][600];
    static int k;
    hv_sv s = search_src_id(&fx->src, row);
    char *b = buf[k++ & 3];
    snprintf(b, sizeof buf[0], "%.*s", (int)s.n, s.p);
    return b;
}

/* Search with the index; fails the test on an error. */
static uint32_t find(fixture *fx, const char *q, uint32_t limit, hv_search_hit *hits) {
    hv_search_opts o = {limit, HV_SEARCH_WORK_UNLIMITED};
    hv_search_result r;
    hv_err e;
    cr_assert_eq(search_ids(&fx->ix, &fx->src, q, strlen(q), &o, hits, &r, &e), HV_OK, "'%s': %s", q, e.msg);
    cr_assert(!r.truncated);
    return r.n;
}

/* The tier at which id appears in the hits, or -1. */
static int tier_of(const fixture *fx, const hv_search_hit *h, uint32_t n, const char *id) {
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(id_of(fx, h[i].row), id) == 0) return h[i].tier;
    return -1;
}

/* ---- match kinds and ranking ---- */

Test(search, every_kind_in_rank_order) {
    const char *ids[] = {
        "bert",                  /* 0 exact id */
        "google/bert",           /* 1 exact name */
        "bert-base-uncased",     /* 2 id prefix */
        "google/bert-large",     /* 3 name prefix */
        "x/distilbert-base",     /* 4 substring */
        "berta/thing",           /* 5 id prefix */
        "y/roberta",             /* 6 substring */
        "nothing/here",          /* 7 no match */
    };
    int64_t dl[] = {1, 2, 3, 4, 500, 6, 7, 1000000};
    fixture fx;
    fx_strings(&fx, ids, dl, 8);
    fx_index(&fx);
    hv_search_hit h[20];
    uint32_t n = find(&fx, "bert", 20, h);
    cr_assert_eq(n, 7);
    const char *want[] = {"bert", "google/bert", "berta/thing", "bert-base-uncased", "google/bert-large",
                          "x/distilbert-base", "y/roberta"};
    int tiers[] = {0, 1, 2, 2, 3, 4, 4};
    hv_search_kind kinds[] = {HV_SEARCH_EXACT, HV_SEARCH_EXACT, HV_SEARCH_PREFIX, HV_SEARCH_PREFIX,
                              HV_SEARCH_PREFIX, HV_SEARCH_SUBSTRING, HV_SEARCH_SUBSTRING};
    for (uint32_t i = 0; i < n; i++) {
        cr_assert_str_eq(id_of(&fx, h[i].row), want[i], "hit %u", i);
        cr_assert_eq(h[i].tier, tiers[i], "hit %u", i);
        cr_assert_eq(h[i].kind, kinds[i], "hit %u", i);
        if (i) cr_assert(h[i].score <= h[i - 1].score, "scores follow the order");
    }
    cr_assert(h[1].on_name && h[4].on_name && !h[0].on_name && !h[2].on_name);
    cr_assert_str_eq(search_kind_name(HV_SEARCH_FUZZY), "fuzzy");
    fx_free(&fx);
}

Test(search, downloads_then_id_break_ties) {
    const char *ids[] = {"b/llama-b", "a/llama-a", "c/llama-c", "d/llama-d"};
    int64_t dl[] = {10, 10, 99, -1};
    fixture fx;
    fx_strings(&fx, ids, dl, 4);
    fx_index(&fx);
    hv_search_hit h[10];
    cr_assert_eq(find(&fx, "llama", 10, h), 4);
    cr_assert_str_eq(id_of(&fx, h[0].row), "c/llama-c");
    cr_assert_str_eq(id_of(&fx, h[1].row), "a/llama-a", "equal downloads: id order");
    cr_assert_str_eq(id_of(&fx, h[2].row), "b/llama-b");
    cr_assert_str_eq(id_of(&fx, h[3].row), "d/llama-d");
    cr_assert_eq(find(&fx, "llama", 2, h), 2, "limit cuts the least downloaded");
    cr_assert_str_eq(id_of(&fx, h[1].row), "a/llama-a");
    fx_free(&fx);
}

Test(search, case_separators_and_utf8) {
    const char *ids[] = {
        "Meta-Llama/Llama-2-7B-Chat", "TheBloke/llama_2.gguf", "user/模型-v1", "café/crème-brûlée", "org/Q4_K.M-x",
    };
    fixture fx;
    fx_strings(&fx, ids, NULL, 5);
    fx_index(&fx);
    hv_search_hit h[10];
    uint32_t n = find(&fx, "LLAMA", 10, h);
    cr_assert_eq(n, 2);
    cr_assert_eq(tier_of(&fx, h, n, "Meta-Llama/Llama-2-7B-Chat"), 3, "name prefix, whatever the case");
    cr_assert_eq(tier_of(&fx, h, n, "TheBloke/llama_2.gguf"), 3);
    n = find(&fx, "meta-llama/llama-2-7b-chat", 10, h);
    cr_assert_eq(n, 1);
    cr_assert_eq(h[0].tier, 0);
    cr_assert_eq(find(&fx, "_2.gg", 10, h), 1);
    cr_assert_eq(find(&fx, "q4_k.m", 10, h), 1);
    cr_assert_eq(h[0].tier, 3);
    cr_assert_eq(find(&fx, "/cr", 10, h), 1, "'/' inside a query");
    cr_assert_eq(h[0].tier, 4);
    n = find(&fx, "模型", 10, h); /* 6 bytes of UTF-8 */
    cr_assert_eq(n, 1);
    cr_assert_eq(h[0].tier, 3);
    cr_assert_eq(find(&fx, "型-v1", 10, h), 1);
    n = find(&fx, "\xc3\xa9", 10, h); /* "é": a 2-byte query */
    cr_assert_eq(n, 1);
    cr_assert_str_eq(id_of(&fx, h[0].row), "café/crème-brûlée");
    cr_assert_eq(find(&fx, ".", 10, h), 2, "a 1-byte query");
    cr_assert_eq(find(&fx, "É", 10, h), 0, "only ASCII folds");
    cr_assert_eq(find(&fx, "  crème  ", 10, h), 1, "whitespace around is trimmed");
    fx_free(&fx);
}

Test(search, a_model_is_reported_once_at_its_best) {
    const char *ids[] = {"bert/bert", "bert/bert-x", "Bert/BERT"};
    fixture fx;
    fx_strings(&fx, ids, NULL, 3);
    fx_index(&fx);
    hv_search_hit h[10];
    uint32_t n = find(&fx, "bert", 10, h);
    cr_assert_eq(n, 3);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) cr_assert_neq(h[i].row, h[j].row);
    cr_assert_eq(tier_of(&fx, h, n, "bert/bert"), 1, "exact name beats id prefix");
    cr_assert_eq(tier_of(&fx, h, n, "Bert/BERT"), 1);
    cr_assert_eq(tier_of(&fx, h, n, "bert/bert-x"), 2);
    n = find(&fx, "BERT/bert", 10, h);
    cr_assert_eq(n, 3);
    cr_assert_eq(tier_of(&fx, h, n, "bert/bert"), 0, "case variants are both exact");
    cr_assert_eq(tier_of(&fx, h, n, "Bert/BERT"), 0);
    cr_assert_eq(tier_of(&fx, h, n, "bert/bert-x"), 2);
    fx_free(&fx);
}

/* ---- typos ---- */

Test(search, typos_within_one_or_two_edits) {
    const char *ids[] = {"openai/whisper-large-v3", "openai/whisper", "x/whimsy", "mistralai/Mistral-7B-v0.1"};
    int64_t dl[] = {100, 50, 1, 10};
    fixture fx;
    fx_strings(&fx, ids, dl, 4);
    fx_index(&fx);
    hv_search_hit h[10];
    struct { const char *q; int dist; } cases[] = {
        {"wihsper", 1},            /* transposition */
        {"whsper", 1},             /* deletion */
        {"whisxper", 1},           /* insertion */
        {"whisqer", 1},            /* substitution */
        {"whsiper-lareg", 2},      /* two transpositions, 13 bytes */
        {"openai/wisper-large", 1},/* on the whole id */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint32_t n = find(&fx, cases[c].q, 10, h);
        cr_assert(n >= 1, "'%s'", cases[c].q);
        cr_assert_eq(h[0].kind, HV_SEARCH_FUZZY, "'%s'", cases[c].q);
        cr_assert_eq(h[0].distance, cases[c].dist, "'%s': %u", cases[c].q, h[0].distance);
        cr_assert(strstr(id_of(&fx, h[0].row), "whisper"), "'%s' -> %s", cases[c].q, id_of(&fx, h[0].row));
    }
    uint32_t n = find(&fx, "mistrl", 10, h);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(id_of(&fx, h[0].row), "mistralai/Mistral-7B-v0.1");
    cr_assert(h[0].on_name == 0 || h[0].on_name == 1);
    /* a typo of a name prefix reports on_name */
    n = find(&fx, "mistarl-7b", 10, h);
    cr_assert_eq(n, 1);
    cr_assert(h[0].on_name);
    cr_assert_eq(find(&fx, "wsh", 10, h), 0, "3 bytes: no typo matching");
    cr_assert_eq(find(&fx, "whizzzzz", 10, h), 0, "too far");
    /* an exact match means no typo search */
    n = find(&fx, "openai/whisper", 10, h);
    cr_assert_eq(h[0].tier, 0);
    for (uint32_t i = 0; i < n; i++) cr_assert(h[i].kind != HV_SEARCH_FUZZY);
    fx_free(&fx);
}

/* ---- limits and bad queries ---- */

Test(search, limits_and_bad_queries) {
    const char *ids[] = {"a/b", "c/d"};
    fixture fx;
    fx_strings(&fx, ids, NULL, 2);
    fx_index(&fx);
    hv_search_hit h[HV_SEARCH_MAX_LIMIT];
    hv_search_result r;
    hv_err e;
    hv_search_opts o = {10, 0};
    cr_assert_eq(search_ids(&fx.ix, &fx.src, "   \t\n", 5, &o, h, &r, &e), HV_OK);
    cr_assert_eq(r.n, 0, "whitespace only: no hits");
    cr_assert_eq(search_ids(&fx.ix, &fx.src, NULL, 0, &o, h, &r, &e), HV_OK);
    cr_assert_eq(r.n, 0);
    char big[HV_SEARCH_MAX_QUERY + 2];
    memset(big, 'a', sizeof big);
    cr_assert_eq(search_ids(&fx.ix, &fx.src, big, HV_SEARCH_MAX_QUERY, &o, h, &r, &e), HV_OK, "the longest query");
    cr_assert_eq(search_ids(&fx.ix, &fx.src, big, HV_SEARCH_MAX_QUERY + 1, &o, h, &r, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "201 bytes") && strstr(e.msg, "200"), "%s", e.msg);
    cr_assert_eq(search_scan(&fx.src, big, HV_SEARCH_MAX_QUERY + 1, &o, h, &r, &e), HV_EINPUT);
    o.limit = 0;
    cr_assert_eq(search_ids(&fx.ix, &fx.src, "a", 1, &o, h, &r, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "limit"), "%s", e.msg);
    o.limit = HV_SEARCH_MAX_LIMIT + 1;
    cr_assert_eq(search_ids(&fx.ix, &fx.src, "a", 1, &o, h, &r, &e), HV_EINPUT);
    o.limit = HV_SEARCH_MAX_LIMIT;
    cr_assert_eq(search_ids(&fx.ix, &fx.src, "/", 1, &o, h, &r, &e), HV_OK);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(search_ids(&fx.ix, &fx.src, "a\0b", 3, &o, h, &r, &e), HV_OK, "any bytes are a query");
    cr_assert_eq(search_ids(NULL, &fx.src, "c", 1, &o, h, &r, &e), HV_OK, "no index: the scan answers");
    cr_assert_eq(r.n, 1);
    fx_free(&fx);
}

/* ---- the index against the scan ---- */

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static const char *const WORDS[] = {
    "llama", "bert", "base", "gguf", "lora", "qwen", "mistral", "chat", "7b", "v2", "instruct", "tiny", "t5",
    "whisper", "sd", "xl", "lab", "ai", "ml", "q4", "k", "m", "de", "ja", "ø", "模型", "é", "x",
};

static void random_id(char *out, size_t cap) {
    size_t n = 0;
    int parts = 1 + (int)rnd(4);
    bool slash = rnd(10) != 0;
    for (int p = 0; p < parts; p++) {
        const char *w = WORDS[rnd(sizeof WORDS / sizeof WORDS[0])];
        for (const char *c = w; *c && n + 2 < cap; c++) {
            char ch = *c;
            if (ch >= 'a' && ch <= 'z' && rnd(6) == 0) ch = (char)(ch - 32);
            out[n++] = ch;
        }
        if (rnd(3) == 0 && n + 2 < cap) out[n++] = (char)('0' + rnd(10));
        if (p + 1 < parts && n + 2 < cap) {
            static const char seps[] = "--__./";
            char s = slash && p == 0 ? '/' : seps[rnd(5)];
            out[n++] = s;
        }
    }
    out[n] = 0;
}

static void random_query(fixture *fx, char *q, size_t cap) {
    const char *id = id_of(fx, rnd(fx->n));
    size_t len = strlen(id), k;
    switch (rnd(7)) {
    case 0: /* a substring, case flipped */
    case 1: {
        size_t a = rnd((uint32_t)len), b = a + 1 + rnd(12);
        if (b > len) b = len;
        k = b - a;
        memcpy(q, id + a, k);
        for (size_t i = 0; i < k; i++)
            if (rnd(4) == 0 && q[i] >= 'a' && q[i] <= 'z') q[i] = (char)(q[i] - 32);
        q[k] = 0;
        break;
    }
    case 2: /* a prefix of the id or the name */
        k = 1 + rnd((uint32_t)len);
        memcpy(q, id, k);
        q[k] = 0;
        break;
    case 3: /* the whole id */
        snprintf(q, cap, "%s", id);
        break;
    case 4:
    case 5: { /* a typo of a prefix */
        const char *s = strrchr(id, '/');
        const char *base = s && rnd(2) ? s + 1 : id;
        k = strlen(base);
        if (k > 4 + rnd(12)) k = 4 + rnd(12);
        char t[64];
        memcpy(t, base, k);
        int edits = 1 + (int)rnd(2);
        for (int e = 0; e < edits && k >= 3; e++) {
            size_t at = rnd((uint32_t)(k - 1));
            switch (rnd(4)) {
            case 0: t[at] = (char)('a' + rnd(26)); break;
            case 1: memmove(t + at, t + at + 1, k - at - 1); k--; break;
            case 2: memmove(t + at + 1, t + at, k - at); t[at] = 'q'; k++; break;
            default: { char c = t[at]; t[at] = t[at + 1]; t[at + 1] = c; }
            }
        }
        memcpy(q, t, k);
        q[k] = 0;
        break;
    }
    default: { /* random letters */
        static const char al[] = "abcdeiklmnorstuvxyz0123456789-_./ ";
        k = 1 + rnd(9);
        for (size_t i = 0; i < k; i++) q[i] = al[rnd(sizeof al - 1)];
        q[k] = 0;
    }
    }
}

static void same_hits(const fixture *fx, const char *q, const hv_search_hit *a, uint32_t na, const hv_search_hit *b,
                      uint32_t nb) {
    cr_assert_eq(na, nb, "'%s': index %u hits, scan %u", q, na, nb);
    for (uint32_t i = 0; i < na; i++) {
        cr_assert_eq(a[i].row, b[i].row, "'%s' hit %u: index %s (tier %u), scan %s (tier %u)", q, i, id_of(fx, a[i].row),
                     a[i].tier, id_of(fx, b[i].row), b[i].tier);
        cr_assert_eq(a[i].tier, b[i].tier, "'%s' hit %u", q, i);
        cr_assert_eq(a[i].kind, b[i].kind);
        cr_assert_eq(a[i].distance, b[i].distance, "'%s' hit %u", q, i);
        cr_assert_eq(a[i].on_name, b[i].on_name, "'%s' hit %u %s", q, i, id_of(fx, a[i].row));
        cr_assert_eq(a[i].score, b[i].score);
    }
}

Test(search, index_matches_the_scan_on_random_ids, .timeout = 120) {
    enum { N = 4000, Q = 2500 };
    static char store[N][80];
    if (getenv("HV_SEARCH_TEST_SEED")) rng = strtoull(getenv("HV_SEARCH_TEST_SEED"), NULL, 10) | 1; /* to explore */
    static const char *ids[N];
    static int64_t dl[N];
    for (uint32_t i = 0; i < N; i++) {
        random_id(store[i], sizeof store[i]);
        ids[i] = store[i];
        dl[i] = rnd(4) == 0 ? 0 : (int64_t)rnd(50); /* many ties */
    }
    ids[17] = ids[5]; /* the same id twice (a table, not a catalog) */
    fixture fx;
    fx_strings(&fx, ids, dl, N);
    fx_index(&fx);
    hv_search_hit a[HV_SEARCH_MAX_LIMIT], b[HV_SEARCH_MAX_LIMIT];
    static const uint32_t limits[] = {1, 3, 10, 20, 100};
    uint32_t kinds[4] = {0}, truncated = 0;
    for (int i = 0; i < Q; i++) {
        char q[128];
        random_query(&fx, q, sizeof q);
        hv_search_opts o = {limits[rnd(5)], HV_SEARCH_WORK_UNLIMITED};
        hv_search_result ra, rb;
        hv_err e;
        cr_assert_eq(search_ids(&fx.ix, &fx.src, q, strlen(q), &o, a, &ra, &e), HV_OK, "%s", e.msg);
        cr_assert_eq(search_scan(&fx.src, q, strlen(q), &o, b, &rb, &e), HV_OK, "%s", e.msg);
        cr_assert(!ra.truncated);
        same_hits(&fx, q, a, ra.n, b, rb.n);
        for (uint32_t j = 0; j < ra.n; j++) kinds[a[j].kind]++;
        /* the default budget: the same answer whenever it did not run out */
        o.budget = 0;
        cr_assert_eq(search_ids(&fx.ix, &fx.src, q, strlen(q), &o, a, &ra, &e), HV_OK);
        if (!ra.truncated) same_hits(&fx, q, a, ra.n, b, rb.n);
        truncated += ra.truncated;
        /* a tiny budget still answers, marked truncated */
        o.budget = 50;
        cr_assert_eq(search_ids(&fx.ix, &fx.src, q, strlen(q), &o, a, &ra, &e), HV_OK);
        cr_assert(ra.n <= o.limit);
    }
    for (int k = 0; k < 4; k++) cr_assert(kinds[k] > 50, "kind %d seen %u times", k, kinds[k]);
    /* a sanity bound (the small random vocabulary makes typos costly): seeds
     * 1-40 truncate 3.5-5.6% of these queries, mostly 4-byte typos walking
     * every rank */
    cr_assert(truncated < Q / 8, "%u of %d truncated", truncated, Q);
    if (getenv("HV_SEARCH_TEST_SEED")) cr_log_info("%u of %d truncated", truncated, Q);
    fx_free(&fx);
}

/* ---- concurrency ---- */

typedef struct thread_arg {
    fixture *fx;
    int seed, bad;
} thread_arg;

static const char *const TQ[] = {"llama", "q4", "ba", "b", "mistral-chat", "qwen/", "bert-bse", "模型", "zz", "lora-7b"};

static void *hammer(void *ud) {
    thread_arg *t = ud;
    hv_search_hit a[20], b[20];
    for (int i = 0; i < 300; i++) {
        const char *q = TQ[(i + t->seed) % 10];
        hv_search_opts o = {20, 0};
        hv_search_result ra, rb;
        hv_err e;
        search_ids(&t->fx->ix, &t->fx->src, q, strlen(q), &o, a, &ra, &e);
        search_scan(&t->fx->src, q, strlen(q), &o, b, &rb, &e);
        if (ra.n != rb.n || (ra.n && memcmp(a, b, ra.n * sizeof *a) != 0)) t->bad++;
    }
    return NULL;
}

Test(search, threads_search_at_once) {
    enum { N = 800 };
    static char store[N][80];
    static const char *ids[N];
    for (uint32_t i = 0; i < N; i++) {
        random_id(store[i], sizeof store[i]);
        ids[i] = store[i];
    }
    fixture fx;
    fx_strings(&fx, ids, NULL, N);
    fx_index(&fx);
    pthread_t th[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){&fx, i * 3, 0};
        pthread_create(&th[i], NULL, hammer, &args[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(args[i].bad, 0);
    }
    fx_free(&fx);
}

/* ---- the map: round trips, absence, damage ---- */

Test(search, empty_table) {
    fixture fx;
    fx_strings(&fx, NULL, NULL, 0);
    fx_index(&fx);
    hv_search_hit h[5];
    cr_assert_eq(find(&fx, "anything", 5, h), 0);
    fx_free(&fx);
}

static hv_record rec;

static void add_model(hv_catalog *c, const char *id, int64_t downloads) {
    record_reset(&rec);
    rec.model_id = hv_sv_cstr(id);
    rec.downloads = downloads;
    rec.has |= HV_HAS_DOWNLOADS;
    hv_err e;
    cr_assert_eq(catalog_add(c, &rec, &e), HV_OK, "%s", e.msg);
}

Test(search, written_by_the_map_hook_and_read_back) {
    hv_catalog *c = catalog_new();
    add_model(c, "meta-llama/Llama-2-7b-hf", 900);
    add_model(c, "TheBloke/Llama-2-7B-GGUF", 500);
    add_model(c, "google-bert/bert-base-uncased", 1000);
    add_model(c, "bert-base-uncased", 2000);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    hv_map_parts parts = {.catalog = c, .meta_json = "{}", .extra = searchindex_map_extra, .extra_ud = c};
    cr_assert_eq(map_write(path, &parts, &e), HV_OK, "%s", e.msg);
    hv_map m;
    cr_assert_eq(map_open(path, true, &m, &e), HV_OK, "%s", e.msg);
    hv_searchindex ix;
    cr_assert_eq(searchindex_open(&m.file, m.n, &ix, &e), HV_OK, "%s", e.msg);
    cr_assert(ix.present);
    hv_search_src src = search_src_map(&m);
    hv_search_hit h[10];
    hv_search_result r;
    hv_search_opts o = {10, 0};
    cr_assert_eq(search_ids(&ix, &src, "BERT-base-uncased", 17, &o, h, &r, &e), HV_OK);
    cr_assert_eq(r.n, 2);
    cr_assert(hv_sv_eq_cstr(map_id(&m, h[0].row), "bert-base-uncased"));
    cr_assert_eq(h[0].tier, 0);
    cr_assert(hv_sv_eq_cstr(map_id(&m, h[1].row), "google-bert/bert-base-uncased"));
    cr_assert_eq(h[1].tier, 1);
    cr_assert_eq(search_ids(&ix, &src, "llama-2", 7, &o, h, &r, &e), HV_OK);
    cr_assert_eq(r.n, 2);
    cr_assert(hv_sv_eq_cstr(map_id(&m, h[0].row), "meta-llama/Llama-2-7b-hf"), "more downloads first");
    map_close(&m);
    catalog_free(c);
    record_free(&rec);
}

Test(search, absent_sections_fall_back_to_the_scan) {
    hv_err e;
    hv_mapwriter *w = mapwriter_create(path, &e);
    uint32_t x = 1;
    cr_assert_eq(mapwriter_add(w, "other", &x, 4, 1, &e), HV_OK);
    cr_assert_eq(mapwriter_close(w, &e), HV_OK);
    hv_mapfile f;
    cr_assert_eq(mapfile_open(path, true, &f, &e), HV_OK);
    hv_searchindex ix;
    cr_assert_eq(searchindex_open(&f, 10, &ix, &e), HV_OK);
    cr_assert(!ix.present);
    const char *ids[] = {"a/llama", "b/bert"};
    fixture fx;
    fx_strings(&fx, ids, NULL, 2);
    hv_search_hit h[5];
    hv_search_result r;
    hv_search_opts o = {5, 0};
    cr_assert_eq(search_ids(&ix, &fx.src, "LLAMA", 5, &o, h, &r, &e), HV_OK);
    cr_assert_eq(r.n, 1);
    cr_assert_eq(h[0].row, 0);
    mapfile_close(&f);
    fx_free(&fx);
}

static const char *const SECTIONS[] = {
    "search.meta", "search.rank", "search.text.off", "search.text", "search.by_id", "search.by_id.min",
    "search.by_name", "search.by_name.min", "search.gram.key", "search.gram.block", "search.gram.count",
    "search.block.first", "search.block.bits", "search.post",
};

/* Write the index of ids, leaving out section `skip` (or none), then open. */
static int open_damaged(fixture *fx, const char *skip, void (*patch)(const hv_mapfile *f), hv_err *e) {
    hv_err e2;
    hv_mapwriter *w = mapwriter_create("/tmp/hv_search_whole.map", &e2);
    hv_search_input in = {fx->n, search_src_id_cb, &fx->src, fx->dl};
    cr_assert_eq(searchindex_write(w, &in, &e2), HV_OK);
    cr_assert_eq(mapwriter_close(w, &e2), HV_OK);
    hv_mapfile whole;
    cr_assert_eq(mapfile_open("/tmp/hv_search_whole.map", false, &whole, &e2), HV_OK);
    /* copy it section by section, as a map missing or altering one */
    w = mapwriter_create(path, &e2);
    for (uint32_t i = 0; i < whole.nsections; i++) {
        const hv_section *s = &whole.sections[i];
        if (skip && strcmp(s->name, skip) == 0) continue;
        cr_assert_eq(mapwriter_add(w, s->name, whole.base + s->offset, s->elem_size, s->count, &e2), HV_OK);
    }
    cr_assert_eq(mapwriter_close(w, &e2), HV_OK);
    mapfile_close(&whole);
    unlink("/tmp/hv_search_whole.map");
    hv_mapfile f;
    cr_assert_eq(mapfile_open(path, false, &f, &e2), HV_OK);
    if (patch) {
        patch(&f);
        mapfile_close(&f);
        cr_assert_eq(mapfile_open(path, false, &f, &e2), HV_OK);
    }
    hv_searchindex ix;
    int rc = searchindex_open(&f, fx->n, &ix, e);
    if (rc == HV_OK) { /* queries must stay in bounds whatever the data */
        const char *qs[] = {"llama", "a", "ab", "bert-base", "mistrl-7b", "qwen2.5-7b-instrct", "x/y"};
        for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
            hv_search_hit h[50];
            hv_search_result r;
            hv_search_opts o = {50, HV_SEARCH_WORK_UNLIMITED};
            cr_assert_eq(search_ids(&ix, &fx->src, qs[i], strlen(qs[i]), &o, h, &r, &e2), HV_OK);
            for (uint32_t j = 0; j < r.n; j++) cr_assert(h[j].row < fx->n);
        }
    }
    mapfile_close(&f);
    return rc;
}

/* Overwrite bytes of a section in the file (mapfile_open without verify
 * does not read the data, so only the index's own checks stand guard). */
static void poke(const hv_mapfile *f, const char *section, uint64_t at, const void *bytes, size_t n) {
    const hv_section *s = mapfile_find(f, section);
    cr_assert_not_null(s, "%s", section);
    cr_assert(at + n <= s->size);
    FILE *fp = fopen(path, "r+b");
    fseek(fp, (long)(s->offset + at), SEEK_SET);
    fwrite(bytes, 1, n, fp);
    fclose(fp);
}

static void bad_rank(const hv_mapfile *f) { uint32_t v = 1u << 30; poke(f, "search.rank", 4, &v, 4); }
static void dup_rank(const hv_mapfile *f) {
    const hv_section *s = mapfile_find(f, "search.rank");
    uint32_t v;
    memcpy(&v, f->base + s->offset, 4);
    poke(f, "search.rank", 4, &v, 4);
}
static void bad_version(const hv_mapfile *f) { uint32_t v = 99; poke(f, "search.meta", 0, &v, 4); }
static void bad_n(const hv_mapfile *f) { uint32_t v = 5; poke(f, "search.meta", 4, &v, 4); }
static void bad_key_order(const hv_mapfile *f) { uint32_t v = 0; poke(f, "search.gram.key", 8, &v, 4); }
static void bad_width(const hv_mapfile *f) {
    uint64_t v;
    memcpy(&v, f->base + mapfile_find(f, "search.block.bits")->offset, 8);
    v = (v & ~63ull) | 40;
    poke(f, "search.block.bits", 0, &v, 8);
}
static void bad_bitoff(const hv_mapfile *f) { uint64_t v = (uint64_t)1 << 50; poke(f, "search.block.bits", 8, &v, 8); }
static void bad_count(const hv_mapfile *f) { uint32_t v = 100000; poke(f, "search.gram.count", 0, &v, 4); }
static void bad_first(const hv_mapfile *f) { uint32_t v = 1u << 31; poke(f, "search.block.first", 0, &v, 4); }
static void bad_text_off(const hv_mapfile *f) { uint32_t v = 1u << 31; poke(f, "search.text.off", 8, &v, 4); }
static void bad_by_id(const hv_mapfile *f) { uint32_t v = 1u << 31; poke(f, "search.by_id", 0, &v, 4); }
static void bad_by_name_min(const hv_mapfile *f) { uint32_t v = 1u << 31; poke(f, "search.by_name.min", 0, &v, 4); }
/* damage the packed deltas and the sorted order: the checks cannot see it,
 * queries must still stay in bounds */
static void garbage_postings(const hv_mapfile *f) {
    const hv_section *s = mapfile_find(f, "search.post");
    uint8_t junk[256];
    memset(junk, 0xFF, sizeof junk);
    uint64_t end = s->size - 8; /* the spare word stays zero */
    for (uint64_t at = 0; at < end; at += sizeof junk)
        poke(f, "search.post", at, junk, end - at < sizeof junk ? (size_t)(end - at) : sizeof junk);
}
static void shuffled_sort(const hv_mapfile *f) {
    uint32_t v[2] = {3, 0};
    poke(f, "search.by_id", 0, v, 8);
    poke(f, "search.by_name", 40, v, 8);
    uint32_t m = 0;
    poke(f, "search.by_id.min", 0, &m, 4);
}

Test(search, damaged_sections_are_refused_with_their_name) {
    enum { N = 300 };
    static char store[N][80];
    static const char *ids[N];
    for (uint32_t i = 0; i < N; i++) {
        random_id(store[i], sizeof store[i]);
        ids[i] = store[i];
    }
    fixture fx;
    fx_strings(&fx, ids, NULL, N);
    hv_err e;
    cr_assert_eq(open_damaged(&fx, NULL, NULL, &e), HV_OK, "the copy itself is fine: %s", e.msg);
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++) {
        cr_assert_eq(open_damaged(&fx, SECTIONS[i], NULL, &e), HV_EINPUT, "without %s", SECTIONS[i]);
        cr_assert(strstr(e.msg, SECTIONS[i]), "%s", e.msg);
    }
    struct { void (*patch)(const hv_mapfile *); const char *section; } cases[] = {
        {bad_rank, "search.rank"},         {dup_rank, "search.rank"},
        {bad_version, "version"},          {bad_n, "search.meta"},
        {bad_key_order, "search.gram.key"},{bad_width, "search.block.bits"},
        {bad_bitoff, "search.block.bits"}, {bad_count, "search.gram.count"},
        {bad_first, "search.block.first"}, {bad_text_off, "search.text.off"},
        {bad_by_id, "search.by_id"},       {bad_by_name_min, "search.by_name.min"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(open_damaged(&fx, NULL, cases[i].patch, &e), HV_EINPUT, "case %zu", i);
        cr_assert(strstr(e.msg, cases[i].section), "case %zu: %s", i, e.msg);
    }
    cr_assert_eq(open_damaged(&fx, NULL, garbage_postings, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(open_damaged(&fx, NULL, shuffled_sort, &e), HV_OK, "%s", e.msg);
    /* a map whose element sizes are wrong */
    hv_mapwriter *w = mapwriter_create(path, &e);
    uint64_t meta[2] = {0, 0};
    cr_assert_eq(mapwriter_add(w, "search.meta", meta, 8, 2, &e), HV_OK);
    cr_assert_eq(mapwriter_close(w, &e), HV_OK);
    hv_mapfile f;
    hv_searchindex ix;
    cr_assert_eq(mapfile_open(path, true, &f, &e), HV_OK);
    cr_assert_eq(searchindex_open(&f, 1, &ix, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "search.meta"), "%s", e.msg);
    mapfile_close(&f);
    fx_free(&fx);
}
