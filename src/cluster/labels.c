/* labels.c - a readable label per cluster from its models' terms.
 *
 * Class-based TF-IDF as BERTopic computes it (Grootendorst 2022): all the
 * models of a cluster form one document, and a term scores
 *     tf(t, c) * log(1 + A / f(t))
 * with tf the number of the cluster's models carrying t, f(t) the number of
 * models carrying t in all clusters, and A the mean number of terms per
 * cluster.  Plain TF-IDF over clusters would give log(k / clusters with t),
 * which is zero for a term every cluster has a little of; c-TF-IDF instead
 * weighs how concentrated the term is, so a tag with 300 models all in one
 * cluster beats a tag with 300 models spread over all of them.
 *
 * A model's terms are its tags, its pipeline_tag and its library_name
 * (those two are often among the tags too: a term counts once per model).
 * Left out, because they name a parent or a paper rather than what the
 * model is, or are on nearly every model:
 *  - tags with the prefixes base_model:, license:, region:, arxiv:,
 *    dataset:, doi:, deploy: (lineage, legal, hosting and citation facts;
 *    the map colours licenses and families separately);
 *  - two-letter language codes (en, fr, ...: the language facet shows them,
 *    and "en" alone would top most clusters);
 *  - the Hub's housekeeping tags (autotrain_compatible, endpoints_compatible,
 *    has_space, model-index, text-generation-inference);
 *  - any term carried by more than half of all models.
 * Ties are broken by byte order of the term, so labels are deterministic. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/languages.h"
#include "cluster/kmeans.h"

#define DEFAULT_NTERMS 3
#define SEP " \xc2\xb7 " /* " · " */

enum { T_UNSEEN = 0, T_KEEP = 1, T_SKIP = 2 };

static const char *const skip_prefix[] = {"base_model:", "license:", "region:", "arxiv:",
                                          "dataset:",    "doi:",     "deploy:"};
static const char *const skip_exact[] = {"autotrain_compatible", "endpoints_compatible", "has_space", "model-index",
                                         "text-generation-inference"};

static uint8_t classify(hv_sv t) {
    if (t.n == 0) return T_SKIP;
    for (size_t i = 0; i < sizeof skip_prefix / sizeof *skip_prefix; i++)
        if (hv_sv_starts(t, skip_prefix[i])) return T_SKIP;
    for (size_t i = 0; i < sizeof skip_exact / sizeof *skip_exact; i++)
        if (hv_sv_eq_cstr(t, skip_exact[i])) return T_SKIP;
    if (t.n == 2 && language_name(t)) return T_SKIP;
    return T_KEEP;
}

typedef struct lab_ctx {
    const hv_catalog *c;
    uint8_t *flag; /* per strs id: T_* */
    uint32_t *buf;
    size_t cap;
} lab_ctx;

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void consider(lab_ctx *lc, uint32_t sid, size_t *n) {
    if (sid == 0) return;
    if (lc->flag[sid] == T_UNSEEN) lc->flag[sid] = classify(catalog_str(lc->c, sid));
    if (lc->flag[sid] == T_KEEP) lc->buf[(*n)++] = sid;
}

/* The distinct kept terms of row r into lc->buf; returns their count or
 * (size_t)-1 when out of memory. */
static size_t row_terms(lab_ctx *lc, uint32_t r) {
    const hv_catalog *c = lc->c;
    size_t need = (size_t)csr_len(&c->tags, r) + 2;
    if (need > lc->cap) {
        size_t cap = need * 2;
        uint32_t *nb = realloc(lc->buf, cap * sizeof *nb);
        if (!nb) return (size_t)-1;
        lc->buf = nb, lc->cap = cap;
    }
    size_t n = 0;
    for (uint64_t i = c->tags.off[r]; i < c->tags.off[r + 1]; i++) consider(lc, c->tags.val[i], &n);
    consider(lc, c->pipeline[r], &n);
    consider(lc, c->library[r], &n);
    if (n > 1) {
        qsort(lc->buf, n, sizeof *lc->buf, cmp_u32);
        size_t u = 1;
        for (size_t i = 1; i < n; i++)
            if (lc->buf[i] != lc->buf[u - 1]) lc->buf[u++] = lc->buf[i];
        n = u;
    }
    return n;
}

typedef struct scored {
    uint32_t sid;
    double score;
} scored;

/* a ranks before b: higher score, then smaller string. */
static int ranks_before(const hv_catalog *c, scored a, scored b) {
    if (a.score != b.score) return a.score > b.score;
    hv_sv x = catalog_str(c, a.sid), y = catalog_str(c, b.sid);
    size_t m = x.n < y.n ? x.n : y.n;
    int d = m ? memcmp(x.p, y.p, m) : 0;
    return d ? d < 0 : x.n < y.n;
}

static char *join_label(const hv_catalog *c, const scored *top, uint32_t ntop, uint32_t cluster, const char *prefix) {
    if (ntop == 0) {
        char tmp[32];
        int len = snprintf(tmp, sizeof tmp, "cluster %u", cluster);
        char *s = malloc((size_t)len + 1);
        if (s) memcpy(s, tmp, (size_t)len + 1);
        return s;
    }
    size_t len = strlen(prefix);
    for (uint32_t i = 0; i < ntop; i++) len += catalog_str(c, top[i].sid).n + (i ? strlen(SEP) : 0);
    char *s = malloc(len + 1), *w = s;
    if (!s) return NULL;
    memcpy(w, prefix, strlen(prefix));
    w += strlen(prefix);
    for (uint32_t i = 0; i < ntop; i++) {
        if (i) memcpy(w, SEP, strlen(SEP)), w += strlen(SEP);
        hv_sv t = catalog_str(c, top[i].sid);
        if (t.n) memcpy(w, t.p, t.n);
        w += t.n;
    }
    *w = 0;
    return s;
}

void cluster_labels_free(char **labels, uint32_t k) {
    if (!labels) return;
    for (uint32_t i = 0; i < k; i++) free(labels[i]);
    free(labels);
}

int cluster_labels(const hv_catalog *c, const uint32_t *assign, uint32_t k, uint32_t nterms, char ***labels,
                   hv_err *e) {
    if (!labels) return hv_errf(e, HV_EINTERNAL, "cluster_labels: no output");
    *labels = NULL;
    if (!c || !c->finished) return hv_errf(e, HV_EINTERNAL, "cluster_labels: catalog not finished");
    if (k == 0) return hv_errf(e, HV_EINPUT, "cluster_labels: k = 0");
    if (c->n && !assign) return hv_errf(e, HV_EINPUT, "cluster_labels: no assignment");
    for (uint32_t r = 0; r < c->n; r++)
        if (assign[r] >= k) return hv_errf(e, HV_EINPUT, "cluster_labels: row %u in cluster %u of %u", r, assign[r], k);
    if (nterms == 0) nterms = DEFAULT_NTERMS;

    uint32_t T = strpool_count(c->strs);
    lab_ctx lc = {.c = c};
    lc.flag = calloc(T ? T : 1, 1);
    uint32_t *f = calloc(T ? T : 1, sizeof *f);   /* models carrying t */
    uint32_t *tf = calloc(T ? T : 1, sizeof *tf); /* models of the current cluster carrying t */
    uint32_t *touched = malloc((T ? T : 1) * sizeof *touched);
    uint64_t *start = calloc((size_t)k + 1, sizeof *start);
    uint32_t *order = malloc((c->n ? c->n : 1) * sizeof *order);
    scored *top = malloc(nterms * sizeof *top);
    char **out = calloc(k, sizeof *out);
    int rc = HV_OK;
    if (!lc.flag || !f || !tf || !touched || !start || !order || !top || !out) goto nomem;

    /* Pass 1: f(t) over all models, then drop the generic terms. */
    for (uint32_t r = 0; r < c->n; r++) {
        size_t nt = row_terms(&lc, r);
        if (nt == (size_t)-1) goto nomem;
        for (size_t i = 0; i < nt; i++) f[lc.buf[i]]++;
    }
    double total = 0;
    for (uint32_t t = 0; t < T; t++) {
        if (!f[t]) continue;
        if ((uint64_t)f[t] * 2 > c->n) lc.flag[t] = T_SKIP;
        else total += f[t];
    }
    double A = total / k;

    /* Rows grouped by cluster (counting sort, stable). */
    for (uint32_t r = 0; r < c->n; r++) start[assign[r] + 1]++;
    for (uint32_t j = 0; j < k; j++) start[j + 1] += start[j];
    for (uint32_t r = 0; r < c->n; r++) order[start[assign[r]]++] = r;
    for (uint32_t j = k; j > 0; j--) start[j] = start[j - 1];
    start[0] = 0;

    /* Pass 2: per cluster, count its terms and keep the nterms best. */
    for (uint32_t j = 0; j < k; j++) {
        uint32_t ntouched = 0, ntop = 0;
        for (uint64_t q = start[j]; q < start[j + 1]; q++) {
            size_t nt = row_terms(&lc, order[q]);
            if (nt == (size_t)-1) goto nomem;
            for (size_t i = 0; i < nt; i++)
                if (tf[lc.buf[i]]++ == 0) touched[ntouched++] = lc.buf[i];
        }
        for (uint32_t i = 0; i < ntouched; i++) {
            uint32_t t = touched[i];
            scored s = {t, (double)tf[t] * log(1.0 + A / (double)f[t])};
            tf[t] = 0;
            if (ntop == nterms && !ranks_before(c, s, top[ntop - 1])) continue;
            uint32_t at = ntop < nterms ? ntop++ : ntop - 1;
            while (at > 0 && ranks_before(c, s, top[at - 1])) top[at] = top[at - 1], at--;
            top[at] = s;
        }
        const char *prefix = "";
        if (ntop == 0) {
            /* no tag, pipeline or library at all (e.g. adapters listed by id
             * only): name the cluster by its most frequent authors instead */
            for (uint64_t q = start[j]; q < start[j + 1]; q++) {
                uint32_t a = c->author[order[q]];
                if (a && tf[a]++ == 0) touched[ntouched++] = a;
            }
            for (uint32_t i = 0; i < ntouched; i++) {
                uint32_t t = touched[i];
                scored s = {t, (double)tf[t]};
                tf[t] = 0;
                if (ntop == nterms && !ranks_before(c, s, top[ntop - 1])) continue;
                uint32_t at = ntop < nterms ? ntop++ : ntop - 1;
                while (at > 0 && ranks_before(c, s, top[at - 1])) top[at] = top[at - 1], at--;
                top[at] = s;
            }
            prefix = "by ";
        }
        if (!(out[j] = join_label(c, top, ntop, j, prefix))) goto nomem;
    }
    *labels = out;
    out = NULL;
    goto done;
nomem:
    rc = hv_errf(e, HV_ENOMEM, "cluster_labels: out of memory");
done:
    cluster_labels_free(out, k);
    free(lc.flag), free(lc.buf), free(f), free(tf), free(touched), free(start), free(order), free(top);
    return rc;
}
