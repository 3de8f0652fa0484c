/* names.h - model, author and dataset names in the Hub's styles.
 *
 * Every name is a pure function of (seed, index, a few stored traits), so a
 * parent's id can be rebuilt when a later row names it instead of being
 * kept in memory. */
#ifndef HV_SYNTH_NAMES_H
#define HV_SYNTH_NAMES_H

#include <stdint.h>

#include "core/buf.h"

/* Pools shared with the card writer. */
extern const char *const hv_synth_words[];
extern const unsigned hv_synth_words_n;
extern const char *const hv_synth_ds_words[];
extern const unsigned hv_synth_ds_words_n;

/* An author handle ("jdoe42", "tensor-lab"); idx is a Zipf rank. */
int synth_author(hv_buf *out, uint64_t seed, uint64_t idx);
/* The name part of a model that starts a family; pipeline may be NULL. */
int synth_root_name(hv_buf *out, uint64_t seed, uint64_t row, const char *pipeline);
/* The name part of a derivative of a family whose root is called stem.
 * kind is an hv_relation; lora_base picks FLUX/SD-style LoRA names. */
int synth_child_name(hv_buf *out, uint64_t seed, uint64_t row, int kind, const char *stem,
                     size_t stem_n, int lora_base);
/* A long-tail dataset id ("someone/word-corpus") for Zipf rank idx. */
int synth_tail_dataset(hv_buf *out, uint64_t seed, uint64_t idx);

#endif
