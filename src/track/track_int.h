/* track_int.h - what the files of src/track/ share among themselves. */
#ifndef HV_TRACK_INT_H
#define HV_TRACK_INT_H

#include <stdio.h>

#include <sqlite3.h>

#include "core/timeparse.h"
#include "track/track.h"

struct hv_tdb {
    sqlite3 *h;
    char *path;
};

/* Fill e from the connection's last error ("FILE: what: sqlite message"). */
int tdb_fail(hv_tdb *db, hv_err *e, const char *what);
int tdb_exec(hv_tdb *db, const char *sql, hv_err *e);
int tdb_prepare(hv_tdb *db, const char *sql, sqlite3_stmt **st, hv_err *e);

#endif
