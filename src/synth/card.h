/* card.h - synthetic model cards (README.md text) in the Hub's shapes.
 *
 * A card starts with YAML front matter that agrees with its row (license,
 * base_model, datasets, language, library, pipeline) and then takes one of
 * the shapes the real cards show: the Trainer template, the huggingface_hub
 * default template (which links arXiv 1910.09700, hence the row's tag), a
 * GGUF conversion stub, a mergekit stub, or free-form text of heavy-tailed
 * length.  Text includes commas, double quotes, code blocks, tables and
 * non-ASCII lines, so CSV quoting and UTF-8 handling get exercised. */
#ifndef HV_SYNTH_CARD_H
#define HV_SYNTH_CARD_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/sv.h"

typedef enum synth_card_kind {
    SYNTH_CARD_FREE,
    SYNTH_CARD_TRAINER, /* "generated automatically according to ... the Trainer" */
    SYNTH_CARD_HUB,     /* "This model card has been automatically generated." */
    SYNTH_CARD_GGUF,
    SYNTH_CARD_MERGEKIT,
    SYNTH_CARD_STUB     /* front matter and a title only */
} synth_card_kind;

typedef struct synth_card_ctx {
    hv_sv id, name;
    const hv_sv *bases; /* parents as named in the tags */
    size_t n_bases;
    int relation;       /* hv_relation, or -1 */
    const char *license, *pipeline, *library; /* NULL when absent */
    const char *const *langs; /* 2-letter codes */
    size_t n_langs;
    const hv_sv *datasets;
    size_t n_datasets;
    synth_card_kind kind;
    size_t target;      /* free-form: approximate length in bytes */
    uint64_t seed, row;
    hv_sv opening;      /* planted text the body opens with, right after the
                         * front matter's closing line (free-form only); empty: none */
} synth_card_ctx;

/* Append the card to out.  Returns 0, or -1 when out of memory. */
int synth_card_write(hv_buf *out, const synth_card_ctx *c);

#endif
