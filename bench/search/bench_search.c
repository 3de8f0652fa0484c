/* bench_search.c - build the id search index for every model of a map and
 * time queries against it.
 *
 * Usage: bench_search MAP [INDEX_OUT] [QUERIES_PER_CLASS] [CHECK]
 *   MAP                a map built by `hfviz build` (its ids and downloads)
 *   INDEX_OUT          where to write the index sections (default /tmp/hv_search_bench.map)
 *   QUERIES_PER_CLASS  default 2000
 *   CHECK              queries per class also answered by the linear scan and
 *                      compared (default 3; each scan costs ~0.2 s)
 * BUDGET=N in the environment sets the work budget (default: the library's).
 * Prints the build time, the index size per model, and per query class the
 * latency percentiles (one thread, machine otherwise idle), the mean work
 * units, how many answers were truncated by the work budget, and the mean
 * hit count.  Then the same mix from 2 threads at once (the box has 2). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "mapfile/map.h"
#include "search/search.h"

/* VmRSS or VmHWM of this process in MiB */
static double status_mib(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double v = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0) v = strtod(line + strlen(key) + 1, NULL) / 1024.0;
    if (f) fclose(f);
    return v;
}

static uint64_t rng_state = 0x5eed5eedULL;
static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static uint32_t below(uint32_t n) { return (uint32_t)(rnd() % n); }

static hv_sv map_id_cb(const void *m, uint32_t row) { return map_id(m, row); }

enum { C_COMMON, C_EXACT, C_PREFIX, C_NAMEPREFIX, C_FRAGMENT, C_TYPO, C_SHORT, C_NOMATCH, NCLASS };
static const char *const CLASS[] = {"common fragment", "exact id", "id prefix", "name prefix", "mid-id fragment",
                                    "typo (1-2 edits)", "1-3 chars", "no match"};
static const char *const COMMON[] = {
    "llama", "bert", "gguf", "lora", "mistral", "qwen", "instruct", "7b", "chat", "finetuned", "base", "v2",
    "gpt2", "whisper", "distilbert", "awq", "sft", "-4bit", "diffusion", "the", "model", "uncensored",
};

typedef struct query {
    char s[64];
    int cls;
    uint32_t src; /* the row the query was made from (UINT32_MAX: none) */
} query;

/* A query of class cls drawn from the map's ids. */
static void make_query(const hv_map *m, int cls, query *q) {
    q->cls = cls;
    q->src = below(m->n);
    hv_sv id = map_id(m, q->src);
    const char *slash = memchr(id.p, '/', id.n);
    hv_sv name = slash ? hv_sv_make(slash + 1, id.n - (size_t)(slash + 1 - id.p)) : id;
    size_t k;
    switch (cls) {
    case C_COMMON:
        q->src = UINT32_MAX;
        snprintf(q->s, sizeof q->s, "%s", COMMON[below(sizeof COMMON / sizeof COMMON[0])]);
        break;
    case C_EXACT:
        k = id.n < 63 ? id.n : 63;
        memcpy(q->s, id.p, k);
        q->s[k] = 0;
        break;
    case C_PREFIX:
        k = 3 + below(10);
        k = k < id.n ? k : id.n;
        memcpy(q->s, id.p, k);
        q->s[k] = 0;
        break;
    case C_NAMEPREFIX:
        k = 3 + below(10);
        k = k < name.n ? k : name.n;
        memcpy(q->s, name.p, k);
        q->s[k] = 0;
        break;
    case C_FRAGMENT: {
        k = 4 + below(7);
        if (k > id.n) k = id.n;
        size_t at = below((uint32_t)(id.n - k + 1));
        memcpy(q->s, id.p + at, k);
        q->s[k] = 0;
        break;
    }
    case C_TYPO: {
        k = 5 + below(12);
        if (k > name.n) k = name.n;
        char t[64];
        memcpy(t, name.p, k);
        int edits = k >= 8 ? 1 + (int)below(2) : 1;
        for (int ed = 0; ed < edits && k > 2; ed++) {
            size_t at = 1 + below((uint32_t)(k - 2));
            switch (below(4)) {
            case 0: t[at] = (char)('a' + below(26)); break;                      /* substitution */
            case 1: memmove(t + at, t + at + 1, k - at - 1); k--; break;          /* deletion */
            case 2: memmove(t + at + 1, t + at, k - at); t[at] = 'x'; k++; break; /* insertion */
            default: { char c = t[at]; t[at] = t[at + 1]; t[at + 1] = c; }       /* transposition */
            }
        }
        memcpy(q->s, t, k);
        q->s[k] = 0;
        break;
    }
    case C_SHORT: {
        q->src = UINT32_MAX;
        static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
        k = 1 + below(3);
        for (size_t i = 0; i < k; i++) q->s[i] = al[below(sizeof al - 1)];
        q->s[k] = 0;
        break;
    }
    default: {
        q->src = UINT32_MAX;
        static const char al[] = "qxzjkvwy";
        k = 5 + below(6);
        for (size_t i = 0; i < k; i++) q->s[i] = al[below(sizeof al - 1)];
        q->s[k] = 0;
        break;
    }
    }
}

typedef struct run_args {
    const hv_searchindex *ix;
    const hv_search_src *src;
    const query *qs;
    size_t nq;
    uint32_t limit;
    uint64_t budget; /* 0: the default */
    int pass;
    double *lat; /* seconds per query */
    uint64_t *work;
    uint8_t *trunc, *found; /* found: the source row is among the hits */
    uint32_t *nhits;
} run_args;

static void *run_queries(void *ud) {
    run_args *a = ud;
    hv_search_hit hits[HV_SEARCH_MAX_LIMIT];
    hv_search_opts o = {a->limit, a->budget};
    for (size_t i = 0; i < a->nq; i++) {
        hv_search_result r;
        hv_err e;
        double t0 = hv_now();
        int rc = search_ids(a->ix, a->src, a->qs[i].s, strlen(a->qs[i].s), &o, hits, &r, &e);
        double t = hv_now() - t0;
        /* with passes > 1, keep each query's fastest: its cost without the
         * noise of a shared 2-vCPU VM (the first pass warms the page cache) */
        a->lat[i] = a->pass == 0 || t < a->lat[i] ? t : a->lat[i];
        if (rc) {
            fprintf(stderr, "query '%s': %s\n", a->qs[i].s, e.msg);
            exit(1);
        }
        if (a->work) a->work[i] = r.work;
        if (a->trunc) a->trunc[i] = r.truncated;
        if (a->nhits) a->nhits[i] = r.n;
        if (a->found) {
            a->found[i] = 0;
            for (uint32_t j = 0; j < r.n; j++) a->found[i] |= hits[j].row == a->qs[i].src;
        }
    }
    return NULL;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void pct(double *v, size_t n, double *p50, double *p99, double *mx) {
    qsort(v, n, sizeof *v, cmp_d);
    *p50 = v[n / 2];
    *p99 = v[(size_t)((double)n * 0.99)];
    *mx = v[n - 1];
}

int main(int argc, char **argv) {
    const char *map_path = argc > 1 ? argv[1] : "bench/out/build-1860411.map";
    const char *out = argc > 2 ? argv[2] : "/tmp/hv_search_bench.map";
    size_t per = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000;
    size_t check = argc > 4 ? strtoul(argv[4], NULL, 10) : 3;
    uint64_t budget = getenv("BUDGET") ? strtoull(getenv("BUDGET"), NULL, 10) : 0; /* 0: the default */
    hv_err e;
    hv_map m;
    if (map_open(map_path, false, &m, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    hv_search_src src = search_src_map(&m);
    uint64_t idbytes = 0;
    for (uint32_t r = 0; r < m.n; r++) idbytes += map_id(&m, r).n;
    printf("map: %s, %u models, %.1f bytes per id\n", map_path, m.n, (double)idbytes / m.n);

    double rss0 = status_mib("VmRSS:");
    double t0 = hv_now();
    hv_mapwriter *w = mapwriter_create(out, &e);
    hv_search_input in = {m.n, map_id_cb, &m, m.downloads};
    if (!w || searchindex_write(w, &in, &e) || mapwriter_close(w, &e)) {
        fprintf(stderr, "build: %s\n", e.msg);
        return 1;
    }
    double build_s = hv_now() - t0;
    hv_mapfile f;
    t0 = hv_now();
    hv_searchindex ix;
    if (mapfile_open(out, false, &f, &e) || searchindex_open(&f, m.n, &ix, &e)) {
        fprintf(stderr, "open: %s\n", e.msg);
        return 1;
    }
    double open_s = hv_now() - t0;
    uint64_t total = 0;
    printf("build %.2f s (peak RSS %.0f MiB above the %.0f MiB before it; the map's ids are paged in first),"
           " open (checks) %.3f s\n", build_s, status_mib("VmHWM:") - rss0, rss0, open_s);
    printf("%-20s %12s %10s\n", "section", "bytes", "B/model");
    for (uint32_t i = 0; i < f.nsections; i++) {
        total += f.sections[i].size;
        printf("%-20s %12llu %10.2f\n", f.sections[i].name, (unsigned long long)f.sections[i].size,
               (double)f.sections[i].size / m.n);
    }
    uint64_t npost = 0;
    for (uint32_t g = 0; g < ix.ngrams; g++) npost += ix.gram_count[g];
    printf("%-20s %12llu %10.2f   (%u grams, %llu postings = %.1f per model, %.2f bits per posting)\n", "total",
           (unsigned long long)total, (double)total / m.n, ix.ngrams, (unsigned long long)npost, (double)npost / m.n,
           (double)f.sections[f.nsections - 1].size * 8 / (double)npost);

    size_t nq = per * NCLASS;
    query *qs = malloc(nq * sizeof *qs);
    for (size_t i = 0; i < nq; i++) make_query(&m, (int)(i % NCLASS), &qs[i]);
    double *lat = malloc(nq * sizeof *lat);
    uint64_t *work = malloc(nq * sizeof *work);
    uint8_t *trunc = malloc(nq), *found = malloc(nq);
    uint32_t *nh = malloc(nq * sizeof *nh);
    double *v = malloc(nq * sizeof *v);
    static const uint32_t limits[] = {20, 100};
    for (int li = 0; li < 2; li++) {
        run_args a = {&ix, &src, qs, nq, limits[li], budget, 0, lat, work, trunc, found, nh};
        run_queries(&a); /* warm the page cache */
        for (a.pass = 0; a.pass < 3; a.pass++) run_queries(&a);
        /* what the budget costs: the answer against the unlimited one, for
         * the first SAME queries of each class */
        enum { SAME = 60 };
        size_t same[NCLASS] = {0}, tried[NCLASS] = {0};
        for (size_t i = 0; i < nq && li == 0; i++) {
            if (tried[qs[i].cls] == SAME) continue;
            hv_search_hit h1[HV_SEARCH_MAX_LIMIT], h2[HV_SEARCH_MAX_LIMIT];
            hv_search_result r1, r2;
            hv_search_opts o1 = {limits[li], budget}, o2 = {limits[li], HV_SEARCH_WORK_UNLIMITED};
            search_ids(&ix, &src, qs[i].s, strlen(qs[i].s), &o1, h1, &r1, &e);
            search_ids(&ix, &src, qs[i].s, strlen(qs[i].s), &o2, h2, &r2, &e);
            bool eq = r1.n == r2.n;
            for (uint32_t j = 0; eq && j < r1.n; j++) eq = h1[j].row == h2[j].row;
            same[qs[i].cls] += eq;
            tried[qs[i].cls]++;
        }
        printf("\nlimit %u, one thread, %zu queries per class (latency in microseconds; found: the id the query\n"
               "was made from is among the hits; exact: the answer is the one an unlimited budget gives,\n"
               "on the first 60 queries of the class)\n", limits[li], per);
        printf("%-18s %8s %8s %8s %8s %8s %9s %6s %6s %6s\n", "class", "mean", "p50", "p99", "max", "work",
               "truncated", "hits", "found", li == 0 ? "exact" : "");
        for (int c = 0; c <= NCLASS; c++) {
            size_t k = 0, tr = 0, fd = 0, fdn = 0;
            double wsum = 0, hsum = 0, lsum = 0;
            for (size_t i = 0; i < nq; i++)
                if (c == NCLASS || qs[i].cls == c) {
                    v[k++] = lat[i] * 1e6;
                    lsum += lat[i] * 1e6;
                    wsum += (double)work[i];
                    hsum += nh[i];
                    tr += trunc[i];
                    if (qs[i].src != UINT32_MAX) fd += found[i], fdn++;
                }
            double p50, p99, mx;
            pct(v, k, &p50, &p99, &mx);
            char fs[16] = "-";
            if (fdn) snprintf(fs, sizeof fs, "%.0f%%", 100.0 * (double)fd / (double)fdn);
            char ss[16] = "";
            size_t st = 0, sn = 0;
            for (int cc = 0; cc < NCLASS; cc++)
                if (c == NCLASS || c == cc) st += tried[cc], sn += same[cc];
            if (st) snprintf(ss, sizeof ss, "%.0f%%", 100.0 * (double)sn / (double)st);
            printf("%-18s %8.1f %8.1f %8.1f %8.1f %8.0f %8.1f%% %6.1f %6s %6s\n", c == NCLASS ? "all" : CLASS[c],
                   lsum / k, p50, p99, mx, wsum / k, 100.0 * (double)tr / (double)k, hsum / k, fs, ss);
        }
    }
    /* the slowest queries (limit 100), to see what costs */
    size_t worst[8] = {0};
    for (size_t i = 0; i < nq; i++)
        for (int j = 0; j < 8; j++)
            if (lat[i] > lat[worst[j]]) {
                memmove(worst + j + 1, worst + j, (7 - (size_t)j) * sizeof *worst);
                worst[j] = i;
                break;
            }
    printf("slowest:");
    for (int j = 0; j < 8; j++) printf(" '%s' %.0fus%s", qs[worst[j]].s, lat[worst[j]] * 1e6, trunc[worst[j]] ? "(T)" : "");
    printf("\n");

    /* two threads at once */
    double *lat2 = malloc(nq * sizeof *lat2);
    run_args b[2] = {{&ix, &src, qs, nq / 2, 20, budget, 0, lat, NULL, NULL, NULL, NULL},
                     {&ix, &src, qs + nq / 2, nq - nq / 2, 20, budget, 0, lat2, NULL, NULL, NULL, NULL}};
    pthread_t th[2];
    t0 = hv_now();
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, run_queries, &b[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    double wall = hv_now() - t0;
    memcpy(lat + nq / 2, lat2, (nq - nq / 2) * sizeof *lat);
    double p50, p99, mx;
    for (size_t i = 0; i < nq; i++) v[i] = lat[i] * 1e6;
    pct(v, nq, &p50, &p99, &mx);
    printf("\nlimit 20, 2 threads at once: %.0f queries/s, p50 %.1f us, p99 %.1f us, max %.1f us\n", (double)nq / wall, p50, p99, mx);

    /* the index against the scan */
    size_t mism = 0, checked = 0;
    for (size_t i = 0; i < check * NCLASS && i < nq; i++) {
        hv_search_hit h1[HV_SEARCH_MAX_LIMIT], h2[HV_SEARCH_MAX_LIMIT];
        hv_search_result r1, r2;
        hv_search_opts o = {20, HV_SEARCH_WORK_UNLIMITED};
        search_ids(&ix, &src, qs[i].s, strlen(qs[i].s), &o, h1, &r1, &e);
        search_scan(&src, qs[i].s, strlen(qs[i].s), &o, h2, &r2, &e);
        checked++;
        bool same = r1.n == r2.n;
        for (uint32_t j = 0; same && j < r1.n; j++) same = h1[j].row == h2[j].row && h1[j].tier == h2[j].tier;
        if (!same) {
            mism++;
            printf("MISMATCH '%s': index %u hits, scan %u\n", qs[i].s, r1.n, r2.n);
        }
    }
    t0 = hv_now();
    hv_search_hit hs[HV_SEARCH_MAX_LIMIT];
    hv_search_result rs;
    hv_search_opts o = {20, 0};
    search_scan(&src, "llama", 5, &o, hs, &rs, &e);
    printf("index vs scan (unlimited budget): %zu queries, %zu differ; one scan takes %.0f ms\n", checked, mism,
           (hv_now() - t0) * 1e3);
    mapfile_close(&f);
    map_close(&m);
    if (!getenv("KEEP")) unlink(out);
    return mism != 0;
}
