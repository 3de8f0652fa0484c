/* json_record.h - one JSON object (a JSONL line, a Hub ModelInfo) into a
 * record.  Shared by jsonl.c and hubjson.c so both read the same keys the
 * same way.  Internal to src/ingest/. */
#ifndef HV_JSON_RECORD_H
#define HV_JSON_RECORD_H

#include <cjson/cJSON.h>

#include "ingest/fields.h"
#include "ingest/frontmatter.h"
#include "ingest/ingest.h"
#include "ingest/record.h"

/* Scratch reused across objects so a reader does not allocate per row. */
typedef struct hv_json_record {
    hv_frontmatter card_data; /* cardData given as YAML text */
} hv_json_record;

void json_record_free(hv_json_record *jr);

/* Fill r (already reset) from obj.  Unknown keys go to rep.  Views point
 * into obj and r->mem, so obj must outlive catalog_add.  HV_EINPUT with a
 * reason (no file or row: the caller adds them). */
int json_record_fill(hv_json_record *jr, hv_record *r, const cJSON *obj, hv_ingest_report *rep, hv_err *e);

/* Apply a JSON value to one column (strings, numbers, booleans, arrays). */
int json_record_set(hv_record *r, hv_column col, const char *key, const cJSON *v, hv_err *e);


#endif
