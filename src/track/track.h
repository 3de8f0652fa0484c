/* track.h - model-count tracking: snapshots of how many models a Hub holds
 * (in total, by library, by pipeline), stored in SQLite, and the growth
 * statistics computed from them.  docs/tracking.md is the specification.
 *
 * Files:
 *   db.c       the SQLite store: schema, migrations, one transaction a snapshot
 *   snapshot.c a snapshot in memory (value -> count tables)
 *   hub.c      one poll of a Hub-compatible API over libcurl
 *   dataset.c  a map's counts by createdAt month
 *   growth.c   latest / history / growth answers as JSON (CLI and API) */
#ifndef HV_TRACK_H
#define HV_TRACK_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/jsonw.h"
#include "mapfile/map.h"

#define TRACK_SCHEMA_VERSION 1
#define TRACK_DEFAULT_HUB "https://huggingface.co"
/* A query that found nothing to answer (no snapshot; too few for growth):
 * the message says what is there.  Distinct from the HV_E* codes. */
#define TRACK_NO_DATA (-1)
/* track_poll_store: the poll failed (logged; nothing stored). */
#define TRACK_POLL_FAILED (-2)

enum { TRACK_SOURCE_HUB, TRACK_SOURCE_DATASET, TRACK_SOURCE_COUNT };
enum { TRACK_FACET_LIBRARY, TRACK_FACET_PIPELINE, TRACK_FACET_COUNT };
extern const char *const track_source_names[TRACK_SOURCE_COUNT + 1];
extern const char *const track_facet_names[TRACK_FACET_COUNT + 1];

/* ---- a snapshot in memory (snapshot.c) ---- */
typedef struct hv_count {
    char *value;
    int64_t count;
} hv_count;

typedef struct hv_counts { /* value -> count, open addressing */
    hv_count *items;       /* n used, in insertion order */
    uint32_t n, cap;
    uint32_t *slot;        /* index + 1 into items, 0 = empty; nslot a power of 2 */
    uint32_t nslot;
} hv_counts;

typedef struct hv_snapshot {
    int64_t taken_at; /* Unix seconds */
    int source;       /* TRACK_SOURCE_* */
    const char *method; /* static: "counts", "list", "created_at" */
    char origin[512];
    int64_t total;
    int64_t requests, duration_ms;
    hv_counts by[TRACK_FACET_COUNT];
} hv_snapshot;

void snapshot_init(hv_snapshot *s);
void snapshot_free(hv_snapshot *s);
/* Add delta to value's count (created at 0); -1 when out of memory. */
int counts_add(hv_counts *c, const char *value, size_t len, int64_t delta);
/* Set value's count; 1 when the value was already there (count replaced). */
int counts_set(hv_counts *c, const char *value, int64_t count);
int64_t counts_get(const hv_counts *c, const char *value); /* 0 when absent */
void counts_free(hv_counts *c);

/* ---- the database (db.c) ---- */
typedef struct hv_tdb hv_tdb;
/* Open (creating it when missing) and bring the schema up to date.  A file
 * that is not SQLite, or a schema newer than this build, is HV_EINPUT. */
int tdb_open(const char *path, hv_tdb **out, hv_err *e);
void tdb_close(hv_tdb *db);
const char *tdb_path(const hv_tdb *db);
/* The file name without its folder (what answers to clients show). */
const char *tdb_name(const hv_tdb *db);
/* Store one snapshot and its counts in one transaction (zero counts are
 * not stored); *id gets its row id. */
int tdb_insert(hv_tdb *db, const hv_snapshot *s, int64_t *id, hv_err *e);
/* Replace every dataset snapshot of origin by snaps[0..n) (one transaction). */
int tdb_replace_dataset(hv_tdb *db, const char *origin, const hv_snapshot *snaps, size_t n, hv_err *e);
/* One poll-log row (snapshot_id <= 0: none). */
int tdb_log_poll(hv_tdb *db, int64_t at, const char *origin, bool ok, int64_t snapshot_id, int64_t requests,
                 int64_t duration_ms, const char *message, hv_err *e);

/* ---- answers as JSON (growth.c); each writes one JSON value ---- */
typedef struct hv_growth_opts {
    int source;            /* TRACK_SOURCE_*, or -1: hub when it has snapshots, else dataset */
    uint32_t days;         /* window, 1..3650 */
    uint32_t top;          /* values per facet, 1..100 */
    uint32_t forecast_days;/* 1..3650 */
    bool exponential;      /* forecast model */
} hv_growth_opts;

#define TRACK_HISTORY_MAX_VALUES 32
typedef struct hv_history_opts {
    int source;            /* -1: all */
    int64_t from, to;      /* inclusive, Unix seconds */
    int facet;             /* TRACK_FACET_*, or -1: no series */
    const char *values[TRACK_HISTORY_MAX_VALUES];
    uint32_t nvalues;      /* 0: the top values of the newest snapshot */
    uint32_t top;          /* 1..50 */
    uint32_t limit;        /* 2..20000 snapshots */
} hv_history_opts;

/* The newest snapshot (source -1: any).  TRACK_NO_DATA when there is none. */
int track_latest_json(hv_tdb *db, int source, int64_t now, hv_jw *w, hv_err *e);
int track_history_json(hv_tdb *db, const hv_history_opts *o, hv_jw *w, hv_err *e);
/* TRACK_NO_DATA ("insufficient data: ...") under two snapshots. */
int track_growth_json(hv_tdb *db, const hv_growth_opts *o, hv_jw *w, hv_err *e);
/* The members "snapshots": {"hub": n, "dataset": n} and "last_poll" of the
 * status object (the caller opens and closes it). */
int track_status_fields(hv_tdb *db, hv_jw *w, hv_err *e);
/* The two-sided 95 % Student t quantile t(0.975, df), df >= 1. */
double track_t975(double df);

/* ---- polling a Hub (hub.c) ---- */
enum { TRACK_METHOD_COUNTS, TRACK_METHOD_LIST };
typedef struct hv_poll_opts {
    const char *hub;      /* base URL, no trailing slash needed */
    int method;           /* TRACK_METHOD_* */
    double timeout_s;     /* per request */
    int retries;          /* per request */
    double max_wait_s;    /* longest wait before a retry */
    double delay_s;       /* between requests */
    uint32_t max_requests;/* per poll */
    const char *token;    /* bearer token or NULL */
    bool verbose;         /* a line per request on stderr */
    volatile sig_atomic_t *stop; /* set -> give up soon (NULL: never) */
} hv_poll_opts;

/* One poll into s (source hub).  Nothing is stored. */
int track_poll(const hv_poll_opts *o, hv_snapshot *s, hv_err *e);
/* Poll, store the snapshot (one transaction) and log the poll either way.
 * *id gets the snapshot's id.  TRACK_POLL_FAILED when the Hub's answers
 * failed (e says why; the failure is in the poll log), HV_E* when the
 * database did. */
int track_poll_store(hv_tdb *db, const hv_poll_opts *o, int64_t *id, hv_err *e);

/* ---- a dataset's own counts (dataset.c) ---- */
/* One snapshot per createdAt month of the map's models (see the doc);
 * *undated gets the number of models without a creation time. */
int track_dataset_snapshots(const hv_map *m, const char *origin, hv_snapshot **out, size_t *n, uint64_t *undated,
                            hv_err *e);
/* Both steps and tdb_replace_dataset: what `build --track-db` runs. */
int track_record_dataset(const char *db_path, const hv_map *m, const char *map_path, size_t *nsnap,
                         uint64_t *undated, hv_err *e);

#endif
