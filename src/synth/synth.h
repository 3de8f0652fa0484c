/* synth.h - a generator of modelbiome-shaped rows, for scale work.
 *
 * The real dataset (1.86M models, 22 columns, model cards) is not reachable
 * from a build machine, so hfviz synth imitates it at any size: family trees
 * with heavy-tailed sizes and the paper's edge-type mix, license / task /
 * library / language shares sampled from the real aggregates (tables.c), and
 * model cards in the shapes the Hub holds (Trainer and Hub templates,
 * free-form text, GGUF and mergekit stubs).
 *
 * Rows come out one at a time and in order.  Per row the generator keeps
 * 20 bytes (the family structure: parent, root, traits) and 16-32 bytes of
 * id-hash set (ids must be unique), about 75 MiB at 1.86M rows; it holds
 * one row of text at a time, never the whole file.  Row i depends only on the seed, the row count
 * and rows before it, so the output is byte-identical for the same options. */
#ifndef HV_SYNTH_H
#define HV_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sv.h"

/* The dataset's 22 columns, in the export's order. */
enum {
    HV_SC_MODEL_ID, HV_SC_LIKES, HV_SC_TRENDING, HV_SC_PRIVATE, HV_SC_DOWNLOADS,
    HV_SC_TAGS, HV_SC_PIPELINE, HV_SC_LIBRARY, HV_SC_CREATED, HV_SC_REGIONS,
    HV_SC_LICENSES, HV_SC_ARXIV, HV_SC_DATASETS, HV_SC_PARENT, HV_SC_FINETUNE,
    HV_SC_QUANTIZED, HV_SC_ADAPTER, HV_SC_MERGE, HV_SC_LANGUAGES, HV_SC_CARD,
    HV_SC_RETRIES, HV_SC_EXCEPTION,
    HV_SYNTH_NCOLS
};

typedef enum hv_synth_type { HV_ST_STRING, HV_ST_INT64, HV_ST_DOUBLE, HV_ST_BOOL } hv_synth_type;

typedef struct hv_synth_coldef {
    const char *name;
    hv_synth_type type;
} hv_synth_coldef;

extern const hv_synth_coldef hv_synth_columns[HV_SYNTH_NCOLS];

typedef struct hv_synth_cell {
    bool null;
    int64_t i;
    double d;
    bool b;
    hv_sv s; /* points into the generator; valid until the next row */
} hv_synth_cell;

/* What the generator decided for a row, for tests and the summary line. */
typedef struct hv_synth_facts {
    int relation;               /* hv_relation of its parents, or -1 for none */
    uint32_t n_parents;         /* parents named in its tags */
    uint32_t n_parents_in_file; /* of those, rows of this file (edges) */
    uint64_t family_root;       /* row index of the root of its family */
    int famous;                 /* index into hv_synth_famous_bases, or -1 */
    bool card_autogen;          /* the card carries an auto-generated marker */
} hv_synth_facts;

typedef struct hv_synth_row {
    uint64_t index;
    hv_synth_cell cell[HV_SYNTH_NCOLS];
    hv_synth_facts facts;
} hv_synth_row;

/* Planted effects: known answers for the analyses of src/science/ to
 * recover (docs/science.md, "Planted effects").  All off (zeroed) by default;
 * with all off the output is byte-identical to a generator without them.
 * Each plant draws from streams of its own, so a planted file differs from
 * the unplanted one only where the plant acts.
 *  - license_mutation: a child whose first in-file parent states a license
 *    states one too: a different license (drawn from the license table)
 *    with probability mutation_p, else the parent's.  Over non-merge edges
 *    the license mutation rate is then mutation_p.
 *  - drift: a child of a parent licensed drift_from states drift_to with
 *    probability drift_p, else drift_from (a known drift direction; it
 *    takes precedence over license_mutation on those edges).
 *  - card_gap: every row gets a free-form card (not auto-generated) whose
 *    body opens with a 512-character block: 448 CJK characters with a
 *    space at every 8th position.  The first k = round(gap * 512) CJK
 *    characters (and the spaces among them) are drawn from a stream keyed by
 *    the row's first in-file parent, so siblings share them; the rest from
 *    the row's own stream (roots: a stream of their own, unlike their
 *    children's).  With the front matter dropped, the normalized Levenshtein
 *    similarity of the first 512 characters is then 64/512 for unrelated,
 *    parent-child and other non-sibling pairs and (64 + k)/512 for siblings:
 *    a sibling minus parent-child gap of k/512 ~ gap (at most 448/512). */
typedef struct hv_synth_plant {
    bool license_mutation;
    double mutation_p;
    bool drift;
    const char *drift_from, *drift_to; /* license names of the tables */
    double drift_p;
    bool card_gap;
    double gap;
} hv_synth_plant;

#define HV_SYNTH_GAP_MAX (448.0 / 512.0)

typedef struct hv_synth_opts {
    uint64_t rows;
    uint64_t seed;
    bool cards; /* false: modelCard is null in every row (metadata-only files) */
    hv_synth_plant plant;
} hv_synth_opts;

typedef struct hv_synth_gen hv_synth_gen;

/* NULL and e filled when rows is 0 or too large, or memory runs out. */
hv_synth_gen *synth_gen_new(const hv_synth_opts *o, hv_err *e);
void synth_gen_free(hv_synth_gen *g); /* accepts NULL */

/* Fill row with the next row.  Returns HV_OK with *more = true, HV_OK with
 * *more = false after the last row, or an error code. */
int synth_gen_next(hv_synth_gen *g, hv_synth_row *row, bool *more, hv_err *e);

/* Output. */
typedef enum hv_synth_format { HV_SYNTH_CSV, HV_SYNTH_PARQUET } hv_synth_format;

typedef struct hv_synth_write_opts {
    hv_synth_opts gen;
    hv_synth_format format;
    int codec;               /* hv_pq_codec (parquet only) */
    uint32_t row_group_rows; /* parquet only; 0 means 65536 */
} hv_synth_write_opts;

typedef struct hv_synth_stats {
    uint64_t rows, bytes;
    uint64_t cards, autogen_cards;
    uint64_t edges[5];          /* by hv_relation: rows-of-this-file parents */
    uint64_t external_parents;  /* parents named in tags but not rows */
} hv_synth_stats;

/* Write the whole file to path (created or truncated).  On error the
 * partial file is left for the caller to remove. */
int synth_write_file(const hv_synth_write_opts *o, const char *path, hv_synth_stats *st,
                     hv_err *e);

/* Append the Python repr of s ('...' or "..." as Python picks) to out. */
struct hv_buf;
int synth_pyrepr_str(struct hv_buf *out, hv_sv s);

#endif
