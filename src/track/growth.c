/* growth.c - the answers of the model-count database as JSON: the newest
 * snapshot, the history (with per-value series), the growth over a window
 * with a forecast, the poll status.  The CLI (`hfviz track --report`) and
 * the server (the /api/model-count routes) print these same bytes.  Formulas:
 * docs/tracking.md, "Growth statistics". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track/track_int.h"

/* ---- Student's t quantile (the forecast's interval) ---- */

/* Continued fraction of the regularized incomplete beta (modified Lentz). */
static double beta_cf(double a, double b, double x) {
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15) break;
    }
    return h;
}

static double inc_beta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1) / (a + b + 2)) return exp(lbt) * beta_cf(a, b, x) / a;
    return 1 - exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

static double t_cdf(double t, double df) { /* t >= 0 */
    return 1 - 0.5 * inc_beta(df / 2, 0.5, df / (df + t * t));
}

double track_t975(double df) {
    if (!(df >= 1)) return NAN;
    double lo = 0, hi = 700; /* t(0.975, 1) = 12.7 */
    for (int i = 0; i < 200 && hi - lo > 1e-13; i++) {
        double mid = (lo + hi) / 2;
        if (t_cdf(mid, df) < 0.975)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

/* ---- shared pieces ---- */

typedef struct snaprow {
    int64_t id, taken_at, total;
    int source;
    char origin[256];
} snaprow;

static int source_index(const char *s) {
    for (int i = 0; i < TRACK_SOURCE_COUNT; i++)
        if (s && strcmp(s, track_source_names[i]) == 0) return i;
    return 0;
}

static void jw_t(hv_jw *w, int64_t t) {
    char buf[32];
    hv_format_time(t, buf);
    jw_cstr(w, buf);
}

/* The snapshots matching (source or -1, origin or NULL, from..to) in time order. */
static int load_rows(hv_tdb *db, int source, const char *origin, int64_t from, int64_t to, snaprow **out, size_t *n,
                     hv_err *e) {
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (tdb_prepare(db,
                    "SELECT id, taken_at, source, origin, total FROM snapshot "
                    "WHERE taken_at BETWEEN ?1 AND ?2 AND (?3 IS NULL OR source = ?3) AND (?4 IS NULL OR origin = ?4) "
                    "ORDER BY taken_at, id",
                    &st, e))
        return e->code;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    if (source >= 0) sqlite3_bind_text(st, 3, track_source_names[source], -1, SQLITE_STATIC);
    if (origin) sqlite3_bind_text(st, 4, origin, -1, SQLITE_STATIC);
    size_t cap = 0;
    snaprow *rows = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            snaprow *r = realloc(rows, cap * sizeof *r);
            if (!r) {
                free(rows);
                sqlite3_finalize(st);
                return hv_errf(e, HV_ENOMEM, "out of memory");
            }
            rows = r;
        }
        snaprow *r = &rows[(*n)++];
        r->id = sqlite3_column_int64(st, 0);
        r->taken_at = sqlite3_column_int64(st, 1);
        r->source = source_index((const char *)sqlite3_column_text(st, 2));
        const char *o = (const char *)sqlite3_column_text(st, 3);
        snprintf(r->origin, sizeof r->origin, "%s", o ? o : "");
        r->total = sqlite3_column_int64(st, 4);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(rows);
        *n = 0;
        return tdb_fail(db, e, "reading snapshots");
    }
    *out = rows;
    return 0;
}

/* One snapshot's counts of a facet into c. */
static int load_counts(hv_tdb *db, int64_t id, int facet, hv_counts *c, hv_err *e) {
    sqlite3_stmt *st;
    if (tdb_prepare(db, "SELECT value, count FROM snapshot_count WHERE snapshot_id = ? AND facet = ?", &st, e))
        return e->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, track_facet_names[facet], -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v && counts_add(c, v, strlen(v), sqlite3_column_int64(st, 1))) {
            sqlite3_finalize(st);
            return hv_errf(e, HV_ENOMEM, "out of memory");
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : tdb_fail(db, e, "reading counts");
}

static int cmp_count_desc(const void *a, const void *b) {
    const hv_count *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

/* ---- latest ---- */

int track_latest_json(hv_tdb *db, int source, int64_t now, hv_jw *w, hv_err *e) {
    sqlite3_stmt *st;
    if (tdb_prepare(db,
                    "SELECT id, taken_at, source, origin, method, total, requests, duration_ms FROM snapshot "
                    "WHERE (?1 IS NULL OR source = ?1) ORDER BY taken_at DESC, id DESC LIMIT 1",
                    &st, e))
        return e->code;
    if (source >= 0) sqlite3_bind_text(st, 1, track_source_names[source], -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return tdb_fail(db, e, "reading the newest snapshot");
        hv_errf(e, 0, "no %s%ssnapshot is stored in %s yet", source >= 0 ? track_source_names[source] : "",
                source >= 0 ? " " : "", tdb_name(db));
        return TRACK_NO_DATA;
    }
    int64_t id = sqlite3_column_int64(st, 0), t = sqlite3_column_int64(st, 1);
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, id);
    jw_key(w, "taken_at");
    jw_t(w, t);
    jw_key(w, "age_seconds");
    jw_int(w, now > t ? now - t : 0);
    static const char *const text_cols[] = {NULL, NULL, "source", "origin", "method"};
    for (int c = 2; c <= 4; c++) {
        jw_key(w, text_cols[c]);
        jw_cstr(w, (const char *)sqlite3_column_text(st, c));
    }
    jw_key(w, "total");
    jw_int(w, sqlite3_column_int64(st, 5));
    jw_key(w, "requests");
    jw_int(w, sqlite3_column_int64(st, 6));
    jw_key(w, "duration_ms");
    jw_int(w, sqlite3_column_int64(st, 7));
    sqlite3_finalize(st);
    static const char *const keys[TRACK_FACET_COUNT] = {"by_library", "by_pipeline"};
    for (int f = 0; f < TRACK_FACET_COUNT; f++) {
        hv_counts c = {0};
        if (load_counts(db, id, f, &c, e)) {
            counts_free(&c);
            return e->code;
        }
        qsort(c.items, c.n, sizeof *c.items, cmp_count_desc);
        jw_key(w, keys[f]);
        jw_arr(w);
        for (uint32_t i = 0; i < c.n; i++) {
            jw_obj(w);
            jw_key(w, "value");
            jw_cstr(w, c.items[i].value);
            jw_key(w, "count");
            jw_int(w, c.items[i].count);
            jw_obj_end(w);
        }
        jw_arr_end(w);
        counts_free(&c);
    }
    jw_obj_end(w);
    return 0;
}

/* ---- history ---- */

static int count_of(hv_tdb *db, sqlite3_stmt *st, int64_t id, int facet, const char *value, int64_t *out,
                    hv_err *e) {
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, track_facet_names[facet], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        return 0;
    }
    *out = 0;
    return rc == SQLITE_DONE ? 0 : tdb_fail(db, e, "reading a count");
}

int track_history_json(hv_tdb *db, const hv_history_opts *o, hv_jw *w, hv_err *e) {
    snaprow *rows;
    size_t n;
    if (load_rows(db, o->source, NULL, o->from, o->to, &rows, &n, e)) return e->code;
    /* thin evenly to the limit, first and last kept */
    size_t keep = n > o->limit ? o->limit : n;
    if (keep < n)
        for (size_t i = 0; i < keep; i++) rows[i] = rows[(size_t)((double)i * (double)(n - 1) / (double)(keep - 1) + 0.5)];
    jw_obj(w);
    jw_key(w, "source");
    jw_cstr(w, o->source >= 0 ? track_source_names[o->source] : "all");
    jw_key(w, "from");
    if (o->from > INT64_MIN) jw_t(w, o->from); else jw_null(w);
    jw_key(w, "to");
    if (o->to < INT64_MAX) jw_t(w, o->to); else jw_null(w);
    jw_key(w, "count");
    jw_uint(w, keep);
    jw_key(w, "thinned");
    jw_bool(w, keep < n);
    jw_key(w, "snapshots");
    jw_arr(w);
    for (size_t i = 0; i < keep; i++) {
        jw_obj(w);
        jw_key(w, "id");
        jw_int(w, rows[i].id);
        jw_key(w, "taken_at");
        jw_t(w, rows[i].taken_at);
        jw_key(w, "source");
        jw_cstr(w, track_source_names[rows[i].source]);
        jw_key(w, "origin");
        jw_cstr(w, rows[i].origin);
        jw_key(w, "total");
        jw_int(w, rows[i].total);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "series");
    int rc = 0;
    if (o->facet < 0) {
        jw_null(w);
    } else {
        /* the values: given, else the top of the newest snapshot in range */
        hv_counts top = {0};
        const char *values[TRACK_HISTORY_MAX_VALUES > 50 ? TRACK_HISTORY_MAX_VALUES : 50];
        uint32_t nv = 0;
        if (o->nvalues) {
            for (uint32_t i = 0; i < o->nvalues; i++) values[nv++] = o->values[i];
        } else if (keep) {
            rc = load_counts(db, rows[keep - 1].id, o->facet, &top, e);
            if (!rc) {
                qsort(top.items, top.n, sizeof *top.items, cmp_count_desc);
                for (uint32_t i = 0; i < top.n && nv < o->top; i++) values[nv++] = top.items[i].value;
            }
        }
        sqlite3_stmt *st = NULL;
        if (!rc)
            rc = tdb_prepare(db, "SELECT count FROM snapshot_count WHERE snapshot_id = ? AND facet = ? AND value = ?",
                             &st, e);
        if (!rc) {
            jw_obj(w);
            jw_key(w, "facet");
            jw_cstr(w, track_facet_names[o->facet]);
            jw_key(w, "values");
            jw_arr(w);
            for (uint32_t v = 0; v < nv; v++) jw_cstr(w, values[v]);
            jw_arr_end(w);
            jw_key(w, "counts");
            jw_arr(w);
            for (uint32_t v = 0; v < nv && !rc; v++) {
                jw_arr(w);
                for (size_t i = 0; i < keep && !rc; i++) {
                    int64_t c;
                    rc = count_of(db, st, rows[i].id, o->facet, values[v], &c, e);
                    jw_int(w, c);
                }
                jw_arr_end(w);
            }
            jw_arr_end(w);
            jw_obj_end(w);
        }
        sqlite3_finalize(st);
        counts_free(&top);
    }
    jw_obj_end(w);
    free(rows);
    return rc;
}

/* ---- growth ---- */

static int64_t count_snapshots(hv_tdb *db, int source) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM snapshot WHERE source = ?", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, track_source_names[source], -1, SQLITE_STATIC);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

typedef struct vgrowth {
    const char *value;
    int64_t start, end;
} vgrowth;

static int cmp_growth(const void *a, const void *b) {
    const vgrowth *x = a, *y = b;
    int64_t gx = x->end - x->start, gy = y->end - y->start;
    if (gx != gy) return gx > gy ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1;
    return strcmp(x->value, y->value);
}

static void jw_rate(hv_jw *w, double start, double end, double days) {
    jw_key(w, "growth_rate_percent");
    if (start > 0) jw_num(w, 100.0 * (end - start) / start); else jw_null(w);
}

static int facet_growth(hv_tdb *db, int facet, int64_t sid, int64_t eid, double days, uint32_t top, hv_jw *w,
                        hv_err *e) {
    hv_counts a = {0}, b = {0};
    vgrowth *g = NULL;
    int rc = load_counts(db, sid, facet, &a, e);
    if (!rc) rc = load_counts(db, eid, facet, &b, e);
    if (!rc && !(g = malloc(((size_t)a.n + b.n + 1) * sizeof *g))) rc = hv_errf(e, HV_ENOMEM, "out of memory");
    if (rc) goto done;
    size_t n = 0;
    for (uint32_t i = 0; i < b.n; i++) g[n++] = (vgrowth){b.items[i].value, counts_get(&a, b.items[i].value), b.items[i].count};
    for (uint32_t i = 0; i < a.n; i++) /* values gone by the end: they fell to 0 */
        if (!counts_get(&b, a.items[i].value) && a.items[i].count) g[n++] = (vgrowth){a.items[i].value, a.items[i].count, 0};
    qsort(g, n, sizeof *g, cmp_growth);
    jw_arr(w);
    for (size_t i = 0; i < n && i < top; i++) {
        jw_obj(w);
        jw_key(w, "value");
        jw_cstr(w, g[i].value);
        jw_key(w, "start");
        jw_int(w, g[i].start);
        jw_key(w, "end");
        jw_int(w, g[i].end);
        jw_key(w, "growth");
        jw_int(w, g[i].end - g[i].start);
        jw_key(w, "daily_growth_avg");
        jw_num(w, (double)(g[i].end - g[i].start) / days);
        jw_rate(w, (double)g[i].start, (double)g[i].end, days);
        jw_obj_end(w);
    }
    jw_arr_end(w);
done:
    free(g);
    counts_free(&a);
    counts_free(&b);
    return rc;
}

/* OLS of y on x over rows[lo..hi] and the prediction at x0 (days after end). */
static void forecast(hv_jw *w, const snaprow *rows, size_t lo, size_t hi, const hv_growth_opts *o) {
    size_t n = hi - lo + 1;
    const char *why = NULL;
    if (n < 3) why = "a forecast needs 3 snapshots in the window at least";
    for (size_t i = lo; !why && o->exponential && i <= hi; i++)
        if (rows[i].total <= 0) why = "the exponential model needs totals above 0";
    double xbar = 0, ybar = 0, sxx = 0, sxy = 0, sse = 0;
    int64_t t_end = rows[hi].taken_at;
    if (!why) {
        for (size_t i = lo; i <= hi; i++) {
            xbar += (double)(rows[i].taken_at - t_end) / 86400.0;
            ybar += o->exponential ? log((double)rows[i].total) : (double)rows[i].total;
        }
        xbar /= (double)n;
        ybar /= (double)n;
        for (size_t i = lo; i <= hi; i++) {
            double x = (double)(rows[i].taken_at - t_end) / 86400.0 - xbar;
            double y = (o->exponential ? log((double)rows[i].total) : (double)rows[i].total) - ybar;
            sxx += x * x;
            sxy += x * y;
        }
        if (!(sxx > 0)) why = "the snapshots in the window were all taken at the same time";
    }
    jw_key(w, "forecast");
    if (why) {
        jw_null(w);
        jw_key(w, "forecast_note");
        jw_cstr(w, why);
        return;
    }
    double b = sxy / sxx, a = ybar - b * xbar;
    for (size_t i = lo; i <= hi; i++) {
        double x = (double)(rows[i].taken_at - t_end) / 86400.0;
        double y = o->exponential ? log((double)rows[i].total) : (double)rows[i].total;
        double r = y - (a + b * x);
        sse += r * r;
    }
    double s = sqrt(sse / (double)(n - 2));
    double x0 = (double)o->forecast_days;
    double yhat = a + b * x0;
    double half = track_t975((double)(n - 2)) * s * sqrt(1 + 1.0 / (double)n + (x0 - xbar) * (x0 - xbar) / sxx);
    double lo_v = yhat - half, hi_v = yhat + half;
    if (o->exponential) {
        yhat = exp(yhat);
        lo_v = exp(lo_v);
        hi_v = exp(hi_v);
    }
    jw_obj(w);
    jw_key(w, "model");
    jw_cstr(w, o->exponential ? "exponential" : "linear");
    jw_key(w, "horizon_days");
    jw_uint(w, o->forecast_days);
    jw_key(w, "at");
    jw_t(w, t_end + (int64_t)o->forecast_days * 86400);
    jw_key(w, "total");
    jw_num(w, yhat);
    jw_key(w, "lower");
    jw_num(w, lo_v);
    jw_key(w, "upper");
    jw_num(w, hi_v);
    jw_key(w, "confidence");
    jw_num(w, 0.95);
    jw_key(w, "points");
    jw_uint(w, n);
    jw_key(w, "slope_per_day");
    jw_num(w, b);
    jw_obj_end(w);
    jw_key(w, "forecast_note");
    jw_null(w);
}

int track_growth_json(hv_tdb *db, const hv_growth_opts *o, hv_jw *w, hv_err *e) {
    int source = o->source;
    if (source < 0) source = count_snapshots(db, TRACK_SOURCE_HUB) > 0 ? TRACK_SOURCE_HUB : TRACK_SOURCE_DATASET;
    /* the newest snapshot's origin: growth never mixes two hubs or two datasets */
    snaprow *all;
    size_t n;
    if (load_rows(db, source, NULL, INT64_MIN, INT64_MAX, &all, &n, e)) return e->code;
    char origin[256] = "";
    if (n) snprintf(origin, sizeof origin, "%s", all[n - 1].origin);
    free(all);
    snaprow *rows;
    if (load_rows(db, source, n ? origin : NULL, INT64_MIN, INT64_MAX, &rows, &n, e)) return e->code;
    if (n < 2 || rows[0].taken_at == rows[n - 1].taken_at) {
        hv_errf(e, 0,
                "growth needs two %s snapshots taken at different times%s%s; the database %s has %zu", track_source_names[source],
                origin[0] ? " of " : "", origin, tdb_name(db), n);
        free(rows);
        return TRACK_NO_DATA;
    }
    size_t end = n - 1, start = 0;
    int64_t cutoff = rows[end].taken_at - (int64_t)o->days * 86400;
    bool covered = false;
    for (size_t i = end + 1; i-- > 0;)
        if (rows[i].taken_at <= cutoff) {
            start = i;
            covered = true;
            break;
        }
    if (rows[start].taken_at == rows[end].taken_at) { /* several at the end's second */
        while (start > 0 && rows[start].taken_at == rows[end].taken_at) start--;
    }
    double days = (double)(rows[end].taken_at - rows[start].taken_at) / 86400.0;
    int64_t s0 = rows[start].total, s1 = rows[end].total;
    jw_obj(w);
    jw_key(w, "source");
    jw_cstr(w, track_source_names[source]);
    jw_key(w, "origin");
    jw_cstr(w, origin);
    jw_key(w, "days");
    jw_uint(w, o->days);
    jw_key(w, "window_covered");
    jw_bool(w, covered);
    jw_key(w, "snapshots_used");
    jw_uint(w, end - start + 1);
    static const char *const ends[2] = {"start", "end"};
    for (int k = 0; k < 2; k++) {
        const snaprow *r = &rows[k ? end : start];
        jw_key(w, ends[k]);
        jw_obj(w);
        jw_key(w, "id");
        jw_int(w, r->id);
        jw_key(w, "taken_at");
        jw_t(w, r->taken_at);
        jw_key(w, "total");
        jw_int(w, r->total);
        jw_obj_end(w);
    }
    jw_key(w, "elapsed_days");
    jw_num(w, days);
    jw_key(w, "total_growth");
    jw_int(w, s1 - s0);
    jw_key(w, "daily_growth_avg");
    jw_num(w, (double)(s1 - s0) / days);
    jw_rate(w, (double)s0, (double)s1, days);
    jw_key(w, "daily_growth_rate_percent");
    if (s0 > 0 && s1 > 0)
        jw_num(w, 100.0 * (pow((double)s1 / (double)s0, 1.0 / days) - 1));
    else
        jw_null(w);
    int rc = 0;
    static const char *const keys[TRACK_FACET_COUNT] = {"by_library", "by_pipeline"};
    for (int f = 0; f < TRACK_FACET_COUNT && !rc; f++) {
        jw_key(w, keys[f]);
        rc = facet_growth(db, f, rows[start].id, rows[end].id, days, o->top, w, e);
    }
    if (!rc) forecast(w, rows, start, end, o);
    jw_obj_end(w);
    free(rows);
    return rc;
}

/* ---- status ---- */

int track_status_fields(hv_tdb *db, hv_jw *w, hv_err *e) {
    jw_key(w, "snapshots");
    jw_obj(w);
    for (int s = 0; s < TRACK_SOURCE_COUNT; s++) {
        int64_t n = count_snapshots(db, s);
        if (n < 0) return tdb_fail(db, e, "counting snapshots");
        jw_key(w, track_source_names[s]);
        jw_int(w, n);
    }
    jw_obj_end(w);
    sqlite3_stmt *st;
    if (tdb_prepare(db,
                    "SELECT at, origin, ok, requests, duration_ms, message FROM poll_log ORDER BY id DESC LIMIT 1",
                    &st, e))
        return e->code;
    jw_key(w, "last_poll");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        jw_obj(w);
        jw_key(w, "at");
        jw_t(w, sqlite3_column_int64(st, 0));
        jw_key(w, "origin");
        jw_cstr(w, (const char *)sqlite3_column_text(st, 1));
        jw_key(w, "ok");
        jw_bool(w, sqlite3_column_int(st, 2) != 0);
        jw_key(w, "requests");
        jw_int(w, sqlite3_column_int64(st, 3));
        jw_key(w, "duration_ms");
        jw_int(w, sqlite3_column_int64(st, 4));
        jw_key(w, "message");
        jw_cstr(w, (const char *)sqlite3_column_text(st, 5));
        jw_obj_end(w);
    } else {
        jw_null(w);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : tdb_fail(db, e, "reading the poll log");
}
