/* ingest.h - read dataset files of every supported format into a catalog.
 *
 * ingest_file() sniffs the format (Parquet magic, JSON array, JSON lines,
 * CSV, Markdown card) and calls the reader.  A reader reports a bad row as
 * HV_EINPUT with "FILE: row N: reason" (or "byte offset N" where rows do not
 * exist yet, e.g. a Parquet footer); with opts->skip_bad_rows it records the
 * reason in the report and goes on. */
#ifndef HV_INGEST_H
#define HV_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "core/err.h"

typedef enum hv_format {
    HV_FMT_AUTO = 0,
    HV_FMT_PARQUET,
    HV_FMT_CSV,
    HV_FMT_JSONL,
    HV_FMT_HUBJSON, /* a JSON array of Hub ModelInfo objects */
    HV_FMT_CARD,    /* a README.md model card, or a folder of <owner>__<name>.md */
    HV_FMT_COUNT
} hv_format;

const char *ingest_format_name(hv_format f);
hv_format ingest_format_parse(const char *name); /* HV_FMT_COUNT if unknown */

typedef struct hv_ingest_opts {
    bool skip_bad_rows;
    hv_format format; /* HV_FMT_AUTO: sniff */
} hv_ingest_opts;

#define HV_REPORT_MAX_REASONS 20
#define HV_REPORT_MAX_UNKNOWN 64

/* What one file contributed; owned by the caller, freed with
 * ingest_report_free. */
typedef struct hv_ingest_report {
    char *path;
    hv_format format;
    uint64_t bytes;        /* file size */
    uint64_t rows;         /* rows seen */
    uint64_t rows_added;   /* rows handed to the catalog */
    uint64_t rows_skipped; /* bad rows skipped (--skip-bad-rows) */
    char *skip_reasons[HV_REPORT_MAX_REASONS]; /* the first few, with row */
    size_t n_skip_reasons;
    char *unknown_columns[HV_REPORT_MAX_UNKNOWN];
    size_t n_unknown_columns;
    double seconds;
} hv_ingest_report;

void ingest_report_init(hv_ingest_report *rep, const char *path, hv_format f);
void ingest_report_free(hv_ingest_report *rep);
/* Record an unknown column name (deduplicated, capped). */
void ingest_report_unknown(hv_ingest_report *rep, hv_sv name);
/* Count a skipped row and keep its reason if there is room. */
void ingest_report_skip(hv_ingest_report *rep, const char *reason);

/* A row-level failure: either skip it (returns HV_OK, counted in rep) or
 * fail with "PATH: row N: reason" (returns HV_EINPUT).  e holds the reason
 * on entry.  Readers call this for every bad row. */
int ingest_bad_row(const hv_ingest_opts *o, hv_ingest_report *rep, uint64_t row, hv_err *e);

/* Sniff the format of a file from its first bytes and its name. */
hv_format ingest_sniff(const char *path, hv_err *e);

int ingest_file(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e);

/* The readers (one file each under src/ingest/). */
int ingest_parquet(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e);
int ingest_csv(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e);
int ingest_jsonl(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e);
int ingest_hubjson(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e);
int ingest_cards(hv_catalog *c, const char *path, const hv_ingest_opts *o, hv_ingest_report *rep, hv_err *e);

#endif
