/* tables.h - the calibration tables hfviz synth samples from.
 *
 * The numbers live in tables.c, which scripts/synth/make-tables.py generates
 * from shared/data/real/aggregates (exact counts over the 1.86M-row dataset)
 * and the paper's published shares.  They are compiled in so the binary
 * needs nothing outside itself. */
#ifndef HV_SYNTH_TABLES_H
#define HV_SYNTH_TABLES_H

#include <stddef.h>
#include <stdint.h>

typedef struct hv_synth_weighted {
    const char *name;
    uint32_t weight; /* a count or parts per million; only ratios matter */
} hv_synth_weighted;

typedef struct hv_synth_language {
    const char *code; /* the 2-letter tag */
    const char *name; /* the languages column's spelling (pycountry) */
    uint32_t count;
} hv_synth_language;

typedef struct hv_synth_famous {
    const char *id;
    uint32_t family_size; /* at 1,860,411 rows; scaled with the row count */
    const char *license, *pipeline, *library, *language, *arch;
    uint8_t adapter_heavy; /* LoRA bases: most children are adapters */
    uint8_t multilingual;
} hv_synth_famous;

#define HV_SYNTH_REAL_ROWS 1860411u

extern const hv_synth_weighted hv_synth_licenses[];
extern const size_t hv_synth_licenses_n;
extern const hv_synth_language hv_synth_languages[];
extern const size_t hv_synth_languages_n;
extern const hv_synth_weighted hv_synth_libraries[];
extern const size_t hv_synth_libraries_n;
extern const hv_synth_weighted hv_synth_pipelines[];
extern const size_t hv_synth_pipelines_n;
extern const hv_synth_weighted hv_synth_datasets[];
extern const size_t hv_synth_datasets_n;
extern const uint32_t hv_synth_datasets_tail_ppm;
extern const hv_synth_weighted hv_synth_arxiv[];
extern const size_t hv_synth_arxiv_n;
extern const hv_synth_famous hv_synth_famous_bases[];
extern const size_t hv_synth_famous_bases_n;

#endif
