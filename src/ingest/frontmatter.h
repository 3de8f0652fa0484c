/* frontmatter.h - the YAML front matter of a model card (README.md).
 *
 * Only the subset of YAML that cards use: block mappings of scalars, block
 * and flow sequences of scalars, plain / single- / double-quoted strings,
 * comments; nested mappings (model-index, widget) are skipped.  The block
 * may be preceded by whitespace; it may be absent. */
#ifndef HV_FRONTMATTER_H
#define HV_FRONTMATTER_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/sv.h"

typedef struct hv_frontmatter {
    bool present;    /* a --- ... --- block was found */
    hv_sv body;      /* the card after the block (the whole card when absent) */
    /* list fields: a scalar value becomes a one-item list */
    hv_svlist base_model, license, language, tags, datasets;
    hv_sv base_model_relation, library_name, pipeline_tag;
} hv_frontmatter;

/* Parse card into fm (lists are cleared first, strings live in mem or point
 * into card).  On malformed YAML returns HV_EINPUT with the line in e, and
 * fm->present is false, fm->body the whole card. */
int frontmatter_parse(hv_sv card, hv_frontmatter *fm, hv_arena *mem, hv_err *e);
/* The card after its front matter block, found as frontmatter_parse finds
 * it (BOM and blank lines first, "---" ... "---" or "..."); the whole card
 * when there is no closed block.  No YAML is parsed. */
hv_sv frontmatter_body(hv_sv card);
void frontmatter_free(hv_frontmatter *fm);

#endif
