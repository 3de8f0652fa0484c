/* record.h - one model as a reader hands it to the catalog.
 *
 * Every reader (parquet, csv, jsonl, hubjson, card files) fills an hv_record
 * and calls catalog_add().  Views point into the reader's buffers or into
 * rec->mem, and only need to live until catalog_add returns: the catalog
 * copies what it keeps.  A reader reuses one record for all rows, calling
 * record_reset() before each. */
#ifndef HV_RECORD_H
#define HV_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/sv.h"

/* Parent relations as the Hub's tags spell them:
 *   base_model:X              -> HV_REL_BASE (untyped)
 *   base_model:finetune:X     -> HV_REL_FINETUNE, and so on. */
typedef enum hv_relation {
    HV_REL_BASE = 0,
    HV_REL_FINETUNE,
    HV_REL_ADAPTER,
    HV_REL_QUANTIZED,
    HV_REL_MERGE,
    HV_REL_COUNT
} hv_relation;

const char *hv_relation_name(hv_relation r); /* "base", "finetune", ... */
/* HV_REL_COUNT when s is not a relation name. */
hv_relation hv_relation_parse(hv_sv s);

/* Which optional scalar fields are present (bits of hv_record.has). */
enum {
    HV_HAS_LIKES = 1u << 0,
    HV_HAS_DOWNLOADS = 1u << 1,
    HV_HAS_TRENDING = 1u << 2,
    HV_HAS_PRIVATE = 1u << 3,
    HV_HAS_CREATED = 1u << 4,
    HV_HAS_CARD = 1u << 5,       /* the input has a card column/field for this row */
    HV_HAS_CARD_FACTS = 1u << 6  /* card_chars/words/autogen given by the input */
};

typedef struct hv_record {
    hv_sv model_id;  /* required, non-empty */
    hv_sv author;    /* optional; derived from the id when empty */
    uint32_t has;    /* HV_HAS_* */
    int64_t likes, downloads;
    double trending;
    bool is_private;
    int64_t created_at; /* epoch seconds */
    hv_sv pipeline, library;
    hv_svlist tags;
    /* Columns that some files carry besides the tags (modelbiome derives them
     * from the tags; the demo trees carry parents only here).  The catalog
     * merges them with what the tags say.  languages may hold ISO codes or
     * names. */
    hv_svlist licenses, languages, datasets, arxiv, regions;
    hv_svlist parents[HV_REL_COUNT];
    hv_sv card; /* the model card text (README.md), when HV_HAS_CARD */
    int64_t card_chars, card_words; /* when HV_HAS_CARD_FACTS */
    bool card_autogen;
    hv_arena mem; /* scratch for unescaped strings; reset with the record */
} hv_record;

void record_reset(hv_record *r);
void record_free(hv_record *r);

#endif
