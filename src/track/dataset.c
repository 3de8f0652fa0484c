/* dataset.c - a dataset's own counts by createdAt month: one snapshot per
 * calendar month, counting the models created up to its last second, in
 * total and by library and pipeline (docs/tracking.md, "Dataset snapshots").
 * One pass over the rows into a month x value table, then running sums. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "track/track_int.h"

#define MAX_MONTHS 1200 /* a century of history; older dates are data errors */

static int64_t month_end(int64_t month) { /* last second of month (months since 1970-01) */
    int64_t y = 1970 + (month + 1) / 12;
    unsigned m = (unsigned)((month + 1) % 12) + 1;
    return hv_days_from_civil(y, m, 1) * 86400 - 1;
}

int track_dataset_snapshots(const hv_map *m, const char *origin, hv_snapshot **out, size_t *n, uint64_t *undated,
                            hv_err *e) {
    *out = NULL;
    *n = 0;
    *undated = 0;
    const uint32_t *col[TRACK_FACET_COUNT] = {m->library, m->pipeline};
    int64_t lo = INT64_MAX, hi = INT64_MIN, newest = 0;
    for (uint32_t r = 0; r < m->n; r++) {
        int64_t t = m->created_at[r];
        if (t <= 0) continue;
        int64_t mi = hv_month_index(t);
        if (mi < lo) lo = mi;
        if (mi > hi) hi = mi;
        if (t > newest) newest = t;
    }
    if (lo == INT64_MAX) {
        *undated = m->n;
        return 0;
    }
    if (hi - lo + 1 > MAX_MONTHS) lo = hi - MAX_MONTHS + 1; /* older models count from the first month */
    size_t nmonths = (size_t)(hi - lo + 1);
    /* compact value index per facet: strs id -> 1 + k (0 = not seen) */
    uint32_t *idx[TRACK_FACET_COUNT] = {0}, nval[TRACK_FACET_COUNT] = {0};
    uint32_t *vals[TRACK_FACET_COUNT] = {0};
    int64_t *cnt[TRACK_FACET_COUNT] = {0};
    int64_t *total = calloc(nmonths, sizeof *total);
    hv_snapshot *snaps = NULL;
    int rc = 0;
    if (!total) goto oom;
    for (int f = 0; f < TRACK_FACET_COUNT; f++) {
        idx[f] = calloc(m->nstrs + 1, sizeof *idx[f]);
        vals[f] = malloc((m->nstrs + 1) * sizeof *vals[f]);
        if (!idx[f] || !vals[f]) goto oom;
        for (uint32_t r = 0; r < m->n; r++) {
            uint32_t sid = col[f][r];
            if (sid && sid < m->nstrs && !idx[f][sid]) {
                vals[f][nval[f]++] = sid;
                idx[f][sid] = nval[f];
            }
        }
        cnt[f] = calloc(nmonths * (nval[f] ? nval[f] : 1), sizeof *cnt[f]);
        if (!cnt[f]) goto oom;
    }
    for (uint32_t r = 0; r < m->n; r++) {
        int64_t t = m->created_at[r];
        if (t <= 0) {
            (*undated)++;
            continue;
        }
        int64_t mi = hv_month_index(t) - lo;
        if (mi < 0) mi = 0;
        total[mi]++;
        for (int f = 0; f < TRACK_FACET_COUNT; f++) {
            uint32_t sid = col[f][r];
            if (sid && sid < m->nstrs) cnt[f][(size_t)mi * nval[f] + idx[f][sid] - 1]++;
        }
    }
    snaps = calloc(nmonths, sizeof *snaps);
    if (!snaps) goto oom;
    int64_t run = 0;
    for (size_t k = 0; k < nmonths; k++) {
        hv_snapshot *s = &snaps[k];
        snapshot_init(s);
        s->source = TRACK_SOURCE_DATASET;
        s->method = "created_at";
        snprintf(s->origin, sizeof s->origin, "%s", origin);
        s->taken_at = k + 1 == nmonths ? newest : month_end(lo + (int64_t)k);
        run += total[k];
        s->total = run;
        for (int f = 0; f < TRACK_FACET_COUNT; f++) {
            for (uint32_t v = 0; v < nval[f]; v++) {
                if (k) cnt[f][k * nval[f] + v] += cnt[f][(k - 1) * nval[f] + v];
                int64_t c = cnt[f][k * nval[f] + v];
                if (!c) continue;
                hv_sv name = map_str(m, vals[f][v]);
                if (counts_add(&s->by[f], name.p, name.n, c)) goto oom;
            }
        }
    }
    *out = snaps;
    *n = nmonths;
    snaps = NULL;
    goto done;
oom:
    rc = hv_errf(e, HV_ENOMEM, "out of memory counting the dataset by month");
done:
    if (snaps) {
        for (size_t k = 0; k < nmonths; k++) snapshot_free(&snaps[k]);
        free(snaps);
    }
    for (int f = 0; f < TRACK_FACET_COUNT; f++) {
        free(idx[f]);
        free(vals[f]);
        free(cnt[f]);
    }
    free(total);
    return rc;
}

int track_record_dataset(const char *db_path, const hv_map *m, const char *map_path, size_t *nsnap,
                         uint64_t *undated, hv_err *e) {
    const char *slash = strrchr(map_path, '/');
    const char *origin = slash ? slash + 1 : map_path;
    double t0 = hv_now();
    hv_snapshot *snaps;
    size_t n;
    int rc = track_dataset_snapshots(m, origin, &snaps, &n, undated, e);
    if (rc) return rc;
    int64_t ms = (int64_t)((hv_now() - t0) * 1e3);
    for (size_t k = 0; k < n; k++) snaps[k].duration_ms = ms;
    hv_tdb *db;
    rc = tdb_open(db_path, &db, e);
    if (!rc) {
        rc = tdb_replace_dataset(db, origin, snaps, n, e);
        tdb_close(db);
    }
    for (size_t k = 0; k < n; k++) snapshot_free(&snaps[k]);
    free(snaps);
    *nsnap = n;
    return rc;
}
