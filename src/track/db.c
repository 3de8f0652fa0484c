/* db.c - the model-count store: SQLite in WAL mode, STRICT tables, a schema
 * version in PRAGMA user_version and the migrations that reach it.
 *
 * Every write is one BEGIN IMMEDIATE transaction, so a reader (the server)
 * sees a snapshot whole or not at all, and a process killed mid-write
 * leaves what was committed before (SQLite's journal does the rest). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "track/track_int.h"

/* MIGRATIONS[v] takes a database from version v to v + 1. */
static const char *const MIGRATIONS[] = {
    /* 0 -> 1 */
    "CREATE TABLE snapshot ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT," /* ids never reused: a client can tell a new snapshot */
    "  taken_at INTEGER NOT NULL,"
    "  source TEXT NOT NULL CHECK (source IN ('hub', 'dataset')),"
    "  origin TEXT NOT NULL,"
    "  method TEXT NOT NULL,"
    "  total INTEGER NOT NULL CHECK (total >= 0),"
    "  requests INTEGER NOT NULL,"
    "  duration_ms INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX snapshot_time ON snapshot (source, taken_at);"
    "CREATE TABLE snapshot_count ("
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  facet TEXT NOT NULL CHECK (facet IN ('library', 'pipeline')),"
    "  value TEXT NOT NULL,"
    "  count INTEGER NOT NULL CHECK (count >= 0),"
    "  PRIMARY KEY (snapshot_id, facet, value)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE poll_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  origin TEXT NOT NULL,"
    "  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),"
    "  snapshot_id INTEGER,"
    "  requests INTEGER NOT NULL,"
    "  duration_ms INTEGER NOT NULL,"
    "  message TEXT NOT NULL"
    ") STRICT;",
};
#define NMIGRATIONS (sizeof MIGRATIONS / sizeof MIGRATIONS[0])
_Static_assert(NMIGRATIONS == TRACK_SCHEMA_VERSION, "one migration per schema version");

int tdb_fail(hv_tdb *db, hv_err *e, const char *what) {
    int rc = sqlite3_errcode(db->h);
    int code = (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) ? HV_EINPUT
               : rc == SQLITE_NOMEM                        ? HV_ENOMEM
                                                           : HV_EIO;
    if (rc == SQLITE_NOTADB) return hv_errf(e, code, "%s: not a SQLite database", db->path);
    return hv_errf(e, code, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
}

int tdb_exec(hv_tdb *db, const char *sql, hv_err *e) {
    if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK) return tdb_fail(db, e, sql);
    return 0;
}

int tdb_prepare(hv_tdb *db, const char *sql, sqlite3_stmt **st, hv_err *e) {
    if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK) return tdb_fail(db, e, "preparing a query");
    return 0;
}

static int user_version(hv_tdb *db, int64_t *v, hv_err *e) {
    sqlite3_stmt *st;
    if (tdb_prepare(db, "PRAGMA user_version", &st, e)) return e->code;
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return tdb_fail(db, e, "reading the schema version");
    return 0;
}

/* A version-0 database that already holds tables is someone else's file. */
static int foreign_tables(hv_tdb *db, char *names, size_t cap, hv_err *e) {
    sqlite3_stmt *st;
    if (tdb_prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", &st, e)) return -1;
    int n = 0;
    names[0] = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t used = strlen(names);
        if (used + 40 < cap) snprintf(names + used, cap - used, "%s%.32s", n ? ", " : "", t ? t : "");
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

/* Refuse a database this build must not touch, before anything is written:
 * a newer schema, or someone else's tables in a version-0 file. */
static int check_ours(hv_tdb *db, hv_err *e) {
    int64_t v;
    if (user_version(db, &v, e)) return e->code;
    if (v > TRACK_SCHEMA_VERSION)
        return hv_errf(e, HV_EINPUT,
                       "%s: model-count schema version %lld is newer than this hfviz understands (%d); "
                       "use a newer hfviz",
                       db->path, (long long)v, TRACK_SCHEMA_VERSION);
    if (v == 0) {
        char names[256];
        int n = foreign_tables(db, names, sizeof names, e);
        if (n < 0) return e->code;
        if (n > 0)
            return hv_errf(e, HV_EINPUT,
                           "%s: a SQLite database of something else (tables: %s), not a model-count database",
                           db->path, names);
    }
    return 0;
}

static int migrate(hv_tdb *db, hv_err *e) {
    int64_t v;
    if (user_version(db, &v, e)) return e->code;
    if (v == TRACK_SCHEMA_VERSION) return 0;
    if (tdb_exec(db, "BEGIN IMMEDIATE", e)) return e->code;
    if (user_version(db, &v, e)) goto fail; /* another process may have migrated meanwhile */
    for (; v < TRACK_SCHEMA_VERSION; v++)
        if (tdb_exec(db, MIGRATIONS[v], e)) goto fail;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", TRACK_SCHEMA_VERSION);
    if (tdb_exec(db, sql, e) || tdb_exec(db, "COMMIT", e)) goto fail;
    return 0;
fail:
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    return e->code ? e->code : HV_EIO;
}

int tdb_open(const char *path, hv_tdb **out, hv_err *e) {
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return hv_errf(e, HV_EINPUT, "%s: not a regular file", path);
    hv_tdb *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        free(db);
        return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    int rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
    if (rc != SQLITE_OK) {
        hv_errf(e, HV_EIO, "%s: cannot open: %s", path, db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        tdb_close(db);
        return e->code;
    }
    sqlite3_busy_timeout(db->h, 5000);
    sqlite3_extended_result_codes(db->h, 0);
    /* Read before writing anything: a file that is not SQLite, or not ours,
     * stays as it was. */
    if (check_ours(db, e) || tdb_exec(db, "PRAGMA journal_mode = WAL", e) ||
        tdb_exec(db, "PRAGMA foreign_keys = ON", e) || tdb_exec(db, "PRAGMA synchronous = NORMAL", e) ||
        migrate(db, e)) {
        tdb_close(db);
        return e->code;
    }
    *out = db;
    return 0;
}

void tdb_close(hv_tdb *db) {
    if (!db) return;
    if (db->h) sqlite3_close_v2(db->h);
    free(db->path);
    free(db);
}

const char *tdb_path(const hv_tdb *db) { return db->path; }

const char *tdb_name(const hv_tdb *db) {
    const char *slash = strrchr(db->path, '/');
    return slash ? slash + 1 : db->path;
}

/* Test hook (tests/track): die between the rows and the COMMIT. */
static void fault_before_commit(void) {
    const char *f = getenv("HFVIZ_FAULT");
    if (f && strcmp(f, "kill-before-commit") == 0) raise(SIGKILL);
}

/* The snapshot's row and its counts, inside the caller's transaction. */
static int insert_rows(hv_tdb *db, const hv_snapshot *s, sqlite3_stmt *snap, sqlite3_stmt *cnt, int64_t *id,
                       hv_err *e) {
    sqlite3_reset(snap);
    sqlite3_bind_int64(snap, 1, s->taken_at);
    sqlite3_bind_text(snap, 2, track_source_names[s->source], -1, SQLITE_STATIC);
    sqlite3_bind_text(snap, 3, s->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(snap, 4, s->method, -1, SQLITE_STATIC);
    sqlite3_bind_int64(snap, 5, s->total);
    sqlite3_bind_int64(snap, 6, s->requests);
    sqlite3_bind_int64(snap, 7, s->duration_ms);
    if (sqlite3_step(snap) != SQLITE_DONE) return tdb_fail(db, e, "storing a snapshot");
    *id = sqlite3_last_insert_rowid(db->h);
    for (int f = 0; f < TRACK_FACET_COUNT; f++) {
        const hv_counts *c = &s->by[f];
        for (uint32_t i = 0; i < c->n; i++) {
            if (c->items[i].count <= 0) continue;
            sqlite3_reset(cnt);
            sqlite3_bind_int64(cnt, 1, *id);
            sqlite3_bind_text(cnt, 2, track_facet_names[f], -1, SQLITE_STATIC);
            sqlite3_bind_text(cnt, 3, c->items[i].value, -1, SQLITE_STATIC);
            sqlite3_bind_int64(cnt, 4, c->items[i].count);
            if (sqlite3_step(cnt) != SQLITE_DONE) return tdb_fail(db, e, "storing a count");
        }
    }
    return 0;
}

static const char SQL_SNAP[] =
    "INSERT INTO snapshot (taken_at, source, origin, method, total, requests, duration_ms) VALUES (?,?,?,?,?,?,?)";
static const char SQL_COUNT[] = "INSERT INTO snapshot_count (snapshot_id, facet, value, count) VALUES (?,?,?,?)";

static int insert_many(hv_tdb *db, const char *replace_origin, const hv_snapshot *snaps, size_t n, int64_t *id,
                       hv_err *e) {
    sqlite3_stmt *snap = NULL, *cnt = NULL, *del = NULL;
    if (tdb_exec(db, "BEGIN IMMEDIATE", e)) return e->code;
    if (tdb_prepare(db, SQL_SNAP, &snap, e) || tdb_prepare(db, SQL_COUNT, &cnt, e)) goto fail;
    if (replace_origin) {
        if (tdb_prepare(db, "DELETE FROM snapshot WHERE source = 'dataset' AND origin = ?", &del, e)) goto fail;
        sqlite3_bind_text(del, 1, replace_origin, -1, SQLITE_STATIC);
        if (sqlite3_step(del) != SQLITE_DONE) {
            tdb_fail(db, e, "replacing the dataset's snapshots");
            goto fail;
        }
    }
    int64_t last = 0;
    for (size_t i = 0; i < n; i++)
        if (insert_rows(db, &snaps[i], snap, cnt, &last, e)) goto fail;
    fault_before_commit();
    if (tdb_exec(db, "COMMIT", e)) goto fail;
    sqlite3_finalize(snap);
    sqlite3_finalize(cnt);
    sqlite3_finalize(del);
    if (id) *id = last;
    return 0;
fail:
    sqlite3_finalize(snap);
    sqlite3_finalize(cnt);
    sqlite3_finalize(del);
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    return e->code ? e->code : HV_EIO;
}

int tdb_insert(hv_tdb *db, const hv_snapshot *s, int64_t *id, hv_err *e) { return insert_many(db, NULL, s, 1, id, e); }

int tdb_replace_dataset(hv_tdb *db, const char *origin, const hv_snapshot *snaps, size_t n, hv_err *e) {
    return insert_many(db, origin, snaps, n, NULL, e);
}

int tdb_log_poll(hv_tdb *db, int64_t at, const char *origin, bool ok, int64_t snapshot_id, int64_t requests,
                 int64_t duration_ms, const char *message, hv_err *e) {
    sqlite3_stmt *st;
    if (tdb_prepare(db,
                    "INSERT INTO poll_log (at, origin, ok, snapshot_id, requests, duration_ms, message) "
                    "VALUES (?,?,?,?,?,?,?)",
                    &st, e))
        return e->code;
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_text(st, 2, origin, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, ok ? 1 : 0);
    if (snapshot_id > 0)
        sqlite3_bind_int64(st, 4, snapshot_id);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int64(st, 5, requests);
    sqlite3_bind_int64(st, 6, duration_ms);
    sqlite3_bind_text(st, 7, message, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return tdb_fail(db, e, "writing the poll log");
    return 0;
}
