/* fields.h - the dataset's column names and how a text cell becomes a field.
 *
 * Real files spell columns differently (model_id / modelId / id, createdAt /
 * created_at / creation_time, library_name / library, pipeline_tag / task).
 * fields_column() maps a header name to one hv_column; fields_set_text()
 * parses a cell given as text (CSV, Parquet strings, JSON strings) into the
 * record: numbers, booleans, timestamps, and list cells in any of the
 * three shapes (Python-list repr, JSON array, bare scalar). */
#ifndef HV_FIELDS_H
#define HV_FIELDS_H

#include "core/err.h"
#include "ingest/record.h"

typedef enum hv_column {
    HV_COL_UNKNOWN = 0,
    HV_COL_IGNORED,  /* known and deliberately unused (e.g. _id, last_modified) */
    HV_COL_MODEL_ID,
    HV_COL_AUTHOR,
    HV_COL_LIKES,
    HV_COL_DOWNLOADS,
    HV_COL_TRENDING,
    HV_COL_PRIVATE,
    HV_COL_CREATED_AT,
    HV_COL_PIPELINE,
    HV_COL_LIBRARY,
    HV_COL_TAGS,
    HV_COL_LICENSES,
    HV_COL_LANGUAGES,
    HV_COL_DATASETS,
    HV_COL_ARXIV,
    HV_COL_REGIONS,
    HV_COL_PARENT_BASE,     /* parent_model, base_model, base_model_declared */
    HV_COL_PARENT_FINETUNE,
    HV_COL_PARENT_ADAPTER,
    HV_COL_PARENT_QUANTIZED,
    HV_COL_PARENT_MERGE,
    HV_COL_CARD,            /* modelCard, card, model_card */
    HV_COL_CARD_CHARS,
    HV_COL_CARD_WORDS,
    HV_COL_CARD_AUTOGEN,
    HV_COL_COUNT
} hv_column;

hv_column fields_column(hv_sv name);
const char *fields_column_name(hv_column c); /* canonical (modelbiome) name */
/* True for columns that hold lists (tags, licenses, parents, ...). */
bool fields_is_list(hv_column c);

/* Parse one text cell into r.  A null cell is simply not passed.  The empty
 * string, "nan", "None" and "null" mean absent for scalars.  Returns HV_OK or
 * HV_EINPUT with a reason in e (the caller adds file and row). */
int fields_set_text(hv_record *r, hv_column c, hv_sv text, hv_err *e);

/* Append one list item (from a native list column or a JSON array). */
int fields_push_item(hv_record *r, hv_column c, hv_sv item, hv_err *e);
/* Scalars from native typed columns. */
int fields_set_int(hv_record *r, hv_column c, int64_t v, hv_err *e);
int fields_set_double(hv_record *r, hv_column c, double v, hv_err *e);
int fields_set_bool(hv_record *r, hv_column c, bool v, hv_err *e);
/* Epoch seconds (Parquet timestamps after unit conversion). */
int fields_set_time(hv_record *r, hv_column c, int64_t epoch_s, hv_err *e);

#endif
