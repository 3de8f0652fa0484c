/* api_search.c - GET /api/search: model ids (src/search/) and free text
 * (the map's embedder query model, src/embed/embed_model.h).
 *
 *   mode=id        exact, prefix, substring, fuzzy matches of ids, ranked
 *                  by match tier then downloads (search.h)
 *   mode=semantic  the text embedded into the map's space, then the models
 *                  whose vectors are nearest (cosine)
 *   mode=auto      (default) the id matches first; when the query is free
 *                  text (a space inside: ids have none) or no id matches,
 *                  the semantic matches fill the list
 *
 * Nearest vectors: exact (every row, one dot product each) up to
 * SEMANTIC_EXACT_MAX rows or with exact=true; above that a best-first beam
 * search over the map's kNN graph, entered at the medoid of each of the
 * clusters whose centroids are nearest the query (the medoids are found on
 * the first semantic query, one pass over the vectors).  The dot product
 * reads the f16 vectors with F16C+AVX2+FMA where the CPU has them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "embed/bert/bert.h"
#include "embed/embed_model.h"
#include "search/search.h"
#include "serve/serve_int.h"

#define SEARCH_DEFAULT_LIMIT 20
/* Work budget of one id search (search.h): half the library's default.
 * Typing into a search box wants the answer now; at 1.86M synthetic ids this
 * keeps the p99 under 10 ms at 64 connections on 2 cores, and costs only
 * the hardest typo queries some completeness (bench/search/README.md: 48%
 * instead of 58% of synthetic typo answers equal the unlimited one; the
 * rest are the best matches among the most downloaded candidates). */
#define SEARCH_HTTP_BUDGET 15000
#define SEMANTIC_EXACT_MAX 200000u
#define SEMANTIC_ENTRY_CLUSTERS 8
#define SEMANTIC_EF 96
#define VISITED_CAP 16384 /* rows a beam search may look at */

struct hv_search_state {
    hv_searchindex ix;
    hv_search_src src;
    hv_embed_model model;
    bool has_model;
    hv_bert *bert; /* a map built with --embedder bert, served with --model-dir */
    bool simd;
    pthread_mutex_t lock;
    bool medoids_built;
    uint32_t *medoid; /* per cluster: the member nearest its centroid */
};

/* ---- f16 dot products ---- */
static float dot_f16_scalar(const uint16_t *a, const float *q, uint32_t d) {
    float s = 0;
    for (uint32_t i = 0; i < d; i++) s += hv_f16_to_f32(a[i]) * q[i];
    return s;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma,f16c"))) static float dot_f16_avx2(const uint16_t *a, const float *q, uint32_t d) {
    __m256 acc = _mm256_setzero_ps();
    uint32_t i = 0;
    for (; i + 8 <= d; i += 8) {
        __m256 x = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)(a + i)));
        acc = _mm256_fmadd_ps(x, _mm256_loadu_ps(q + i), acc);
    }
    float t[8];
    _mm256_storeu_ps(t, acc);
    float s = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
    for (; i < d; i++) s += hv_f16_to_f32(a[i]) * q[i];
    return s;
}
#endif

static inline float dot_row(const hv_search_state *st, const hv_map *m, uint32_t row, const float *q) {
    const uint16_t *a = m->vectors_f16 + (uint64_t)row * m->dim;
#if defined(__x86_64__) && defined(__GNUC__)
    if (st->simd) return dot_f16_avx2(a, q, m->dim);
#endif
    return dot_f16_scalar(a, q, m->dim);
}

int search_init(hv_server *s, hv_err *e) {
    hv_search_state *st = calloc(1, sizeof *st);
    if (!st) return hv_errf(e, HV_ENOMEM, "out of memory");
    s->search = st;
    pthread_mutex_init(&st->lock, NULL);
    const hv_map *m = &s->map;
    st->src = search_src_map(m);
    int rc = searchindex_open(&m->file, m->n, &st->ix, e);
    if (rc) return hv_err_prefix(e, "%s: search index", s->opts.map_path);
    bool present = false;
    if ((rc = embed_model_open(&m->file, &st->model, &present, e))) return hv_err_prefix(e, "%s", s->opts.map_path);
    st->has_model = present && m->dim && st->model.dims == m->dim && m->vectors_f16;
    if (!st->has_model && s->opts.model_dir) { /* the map's vectors came from this sentence-transformer */
        if ((rc = bert_load(s->opts.model_dir, &st->bert, e))) return hv_err_prefix(e, "--model-dir: ");
        if (!m->vectors_f16 || bert_info(st->bert)->hidden != m->dim)
            return hv_errf(e, HV_EUSAGE, "--model-dir %s gives %u dimensions; the map's vectors have %u%s",
                           s->opts.model_dir, bert_info(st->bert)->hidden, m->dim,
                           m->vectors_f16 ? "" : " (the map has no vectors: built with --no-vectors)");
        st->has_model = true;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    st->simd = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    return HV_OK;
}

void search_free(hv_server *s) {
    hv_search_state *st = s->search;
    if (!st) return;
    embed_model_free(&st->model);
    bert_free(st->bert);
    free(st->medoid);
    pthread_mutex_destroy(&st->lock);
    free(st);
    s->search = NULL;
}

/* ---- nearest rows to a unit query vector ---- */
typedef struct cand {
    float sim;
    uint32_t row;
} cand;

/* Keep the best `cap` of a stream in a min-heap on sim. */
static void heap_push(cand *h, uint32_t *n, uint32_t cap, cand c) {
    if (*n == cap) {
        if (c.sim <= h[0].sim) return;
        h[0] = c; /* replace the worst, sift down */
        for (uint32_t i = 0;;) {
            uint32_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < *n && h[l].sim < h[m].sim) m = l;
            if (r < *n && h[r].sim < h[m].sim) m = r;
            if (m == i) break;
            cand t = h[i];
            h[i] = h[m];
            h[m] = t;
            i = m;
        }
        return;
    }
    uint32_t i = (*n)++;
    h[i] = c;
    while (i && h[(i - 1) / 2].sim > h[i].sim) {
        cand t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static int cmp_cand_desc(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->sim != y->sim) return x->sim > y->sim ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static uint32_t nearest_exact(const hv_search_state *st, const hv_map *m, const float *q, uint32_t k, cand *out) {
    uint32_t n = 0;
    for (uint32_t r = 0; r < m->n; r++) heap_push(out, &n, k, (cand){dot_row(st, m, r, q), r});
    qsort(out, n, sizeof *out, cmp_cand_desc);
    return n;
}

static void build_medoids(hv_search_state *st, const hv_map *m) {
    pthread_mutex_lock(&st->lock);
    if (!st->medoids_built) {
        uint32_t *med = malloc((size_t)m->nclusters * sizeof *med);
        float *best = malloc((size_t)m->nclusters * sizeof *best);
        if (med && best) {
            for (uint32_t c = 0; c < m->nclusters; c++) med[c] = UINT32_MAX, best[c] = -INFINITY;
            for (uint32_t r = 0; r < m->n; r++) {
                uint32_t c = m->cluster[r];
                float d = dot_row(st, m, r, m->centroids + (size_t)c * m->dim);
                if (d > best[c]) best[c] = d, med[c] = r;
            }
            st->medoid = med;
            med = NULL;
        }
        free(med);
        free(best);
        st->medoids_built = true;
    }
    pthread_mutex_unlock(&st->lock);
}

/* Add row to the visited set; false when it was there. */
static bool mark(uint32_t *seen, uint32_t row, uint32_t *visits) {
    uint32_t h = (row * 2654435761u) & (VISITED_CAP * 2 - 1);
    for (; seen[h] != UINT32_MAX; h = (h + 1) & (VISITED_CAP * 2 - 1))
        if (seen[h] == row) return false;
    seen[h] = row;
    (*visits)++;
    return true;
}

void search_warm(hv_server *s) {
    const hv_map *m = &s->map;
    hv_search_state *st = s->search;
    if (st && st->has_model && m->n > SEMANTIC_EXACT_MAX && m->k && m->nclusters) build_medoids(st, m);
}

/* Best-first search of the kNN graph (the greedy search of HNSW's bottom
 * layer): expand the best unexpanded candidate until it is worse than the
 * worst of the ef best found. */
static uint32_t nearest_graph(hv_search_state *st, const hv_map *m, const float *q, uint32_t k, cand *out) {
    build_medoids(st, m);
    if (!st->medoid) return nearest_exact(st, m, q, k, out);
    uint32_t ef = k > SEMANTIC_EF ? k : SEMANTIC_EF;
    /* entry points: medoids of the clusters nearest the query */
    cand ent[SEMANTIC_ENTRY_CLUSTERS];
    uint32_t ne = 0;
    for (uint32_t c = 0; c < m->nclusters; c++) {
        if (st->medoid[c] == UINT32_MAX) continue;
        float sim = 0;
        for (uint32_t j = 0; j < m->dim; j++) sim += m->centroids[(size_t)c * m->dim + j] * q[j];
        heap_push(ent, &ne, SEMANTIC_ENTRY_CLUSTERS, (cand){sim, st->medoid[c]});
    }
    /* visited: open addressing over rows, sized for the bound on visits */
    uint32_t *seen = malloc(VISITED_CAP * 2 * sizeof *seen);
    cand *best = malloc(ef * sizeof *best), *todo = malloc(VISITED_CAP * sizeof *todo);
    if (!seen || !best || !todo) {
        free(seen), free(best), free(todo);
        return nearest_exact(st, m, q, k, out);
    }
    memset(seen, 0xFF, VISITED_CAP * 2 * sizeof *seen);
    uint32_t nbest = 0, ntodo = 0, visits = 0;
    for (uint32_t i = 0; i < ne; i++) {
        if (!mark(seen, ent[i].row, &visits)) continue;
        cand c = {dot_row(st, m, ent[i].row, q), ent[i].row};
        heap_push(best, &nbest, ef, c);
        todo[ntodo++] = c;
    }
    while (ntodo && visits < VISITED_CAP - m->k) {
        /* the best unexpanded candidate (todo is small: a linear pick) */
        uint32_t bi = 0;
        for (uint32_t i = 1; i < ntodo; i++)
            if (todo[i].sim > todo[bi].sim) bi = i;
        cand c = todo[bi];
        todo[bi] = todo[--ntodo];
        if (nbest == ef && c.sim < best[0].sim) break;
        const uint32_t *nb = m->knn_idx + (uint64_t)c.row * m->k;
        for (uint32_t j = 0; j < m->k; j++) {
            uint32_t r = nb[j];
            if (r >= m->n || !mark(seen, r, &visits)) continue;
            cand x = {dot_row(st, m, r, q), r};
            if (nbest < ef || x.sim > best[0].sim) {
                heap_push(best, &nbest, ef, x);
                if (ntodo < VISITED_CAP) todo[ntodo++] = x;
            }
        }
    }
    qsort(best, nbest, sizeof *best, cmp_cand_desc);
    uint32_t got = nbest < k ? nbest : k;
    memcpy(out, best, got * sizeof *out);
    free(seen), free(best), free(todo);
    return got;
}

/* ---- the endpoint ---- */
static const char *const MODES[] = {"auto", "id", "semantic", NULL};

void api_search(hv_server *s, const hv_req *rq, hv_resp *rs) {
    const char *q;
    uint32_t limit;
    int mode;
    bool exact;
    hv_search_state *st = s->search;
    const hv_map *m = &s->map;
    if (arg_str(rq, rs, "q", HV_SEARCH_MAX_QUERY, &q) ||
        arg_u32(rq, rs, "limit", SEARCH_DEFAULT_LIMIT, 1, HV_SEARCH_MAX_LIMIT, &limit) ||
        arg_enum(rq, rs, "mode", MODES, 0, &mode) || arg_bool(rq, rs, "exact", m->n <= SEMANTIC_EXACT_MAX, &exact))
        return;
    if (!q) {
        resp_error(rs, 400, "missing parameter", "q: the text to search for (at most %u bytes)", HV_SEARCH_MAX_QUERY);
        return;
    }
    bool can_semantic = st->has_model && (m->n <= SEMANTIC_EXACT_MAX || exact || (m->k && m->nclusters));
    if (mode == 2 && !can_semantic) {
        resp_error(rs, 400, "no semantic search",
                   "this map has no query model: a map built with --embedder bert is searched semantically when the "
                   "server gets the same model (--model-dir DIR); an older map needs a rebuild");
        return;
    }
    hv_search_hit hits[HV_SEARCH_MAX_LIMIT];
    hv_search_result res = {0};
    hv_err e = {0, ""};
    if (mode != 2) {
        hv_search_opts so = {limit, SEARCH_HTTP_BUDGET};
        int rc = search_ids(&st->ix, &st->src, q, strlen(q), &so, hits, &res, &e);
        if (rc) {
            resp_error(rs, rc == HV_ENOMEM ? 500 : 400, "bad query", "%s", e.msg);
            return;
        }
    }
    /* semantic matches fill the list */
    cand sem[2 * HV_SEARCH_MAX_LIMIT];
    uint32_t nsem = 0;
    int known = -1;
    hv_sv qt = hv_sv_trim(hv_sv_cstr(q));
    bool spaced = memchr(qt.p, ' ', qt.n) != NULL;
    bool want_sem = mode == 2 || (mode == 0 && can_semantic && qt.n && (res.n == 0 || spaced));
    if (want_sem) {
        float *qv = malloc((size_t)m->dim * sizeof *qv);
        if (!qv) {
            resp_error(rs, 500, "out of memory", "search");
            return;
        }
        if (st->bert) { /* the encoder: [CLS] pieces [SEP]; known = pieces other than [UNK] */
            uint32_t *ids = malloc(bert_info(st->bert)->max_len * sizeof *ids), k = 0;
            known = 0;
            if (ids && bert_tokenize(st->bert, q, strlen(q), ids, &k, &e) == 0 && k > 2) {
                const uint32_t *seq = ids;
                known = (int)k - 2;
                if (bert_embed_ids(st->bert, &seq, &k, 1, qv, &e)) known = 0;
                embed_unit_rows(qv, 1, m->dim); /* as the build made the map's vectors */
            }
            free(ids);
        } else {
            known = embed_query(&st->model, q, strlen(q), qv);
        }
        if (known > 0) {
            uint32_t want = limit + res.n; /* the id hits among them are dropped below */
            nsem = exact ? nearest_exact(st, m, qv, want, sem) : nearest_graph(st, m, qv, want, sem);
        }
        free(qv);
    }
    hv_jw w;
    resp_json(rs, &w);
    jw_obj(&w);
    jw_key(&w, "query");
    jw_cstr(&w, q);
    jw_key(&w, "mode");
    jw_cstr(&w, MODES[mode]);
    jw_key(&w, "index");
    jw_bool(&w, st->ix.present);
    jw_key(&w, "truncated");
    jw_bool(&w, res.truncated);
    if (known >= 0) {
        jw_key(&w, "known_words");
        jw_int(&w, known);
    }
    jw_key(&w, "results");
    jw_arr(&w);
    uint32_t out = 0;
    for (uint32_t i = 0; i < res.n && out < limit; i++, out++) {
        jw_obj(&w);
        jw_key(&w, "model");
        jw_model_brief(&w, m, hits[i].row);
        jw_key(&w, "match");
        jw_cstr(&w, search_kind_name((hv_search_kind)hits[i].kind));
        jw_key(&w, "on_name");
        jw_bool(&w, hits[i].on_name);
        jw_key(&w, "distance");
        jw_uint(&w, hits[i].distance);
        jw_key(&w, "score");
        jw_num(&w, hits[i].score);
        jw_obj_end(&w);
    }
    for (uint32_t i = 0; i < nsem && out < limit; i++) {
        bool dup = false;
        for (uint32_t j = 0; j < res.n && !dup; j++) dup = hits[j].row == sem[i].row;
        if (dup) continue;
        jw_obj(&w);
        jw_key(&w, "model");
        jw_model_brief(&w, m, sem[i].row);
        jw_key(&w, "match");
        jw_cstr(&w, "semantic");
        jw_key(&w, "similarity");
        jw_num(&w, sem[i].sim);
        jw_obj_end(&w);
        out++;
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    resp_json_done(rs, &w);
}
