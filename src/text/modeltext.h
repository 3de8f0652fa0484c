/* modeltext.h - the text that stands for a model when it is embedded.
 *
 * Recipe (documented in docs/architecture.md): the id split into words
 * (org and name, on / - _ . and case changes), the tags (minus the
 * base_model: ones, which name the parent, not the model), pipeline,
 * library, licenses, languages, and the first MODELTEXT_CARD_CHARS
 * characters of the model card's body (front matter dropped). */
#ifndef HV_MODELTEXT_H
#define HV_MODELTEXT_H

#include "catalog/catalog.h"
#include "core/buf.h"
#include "core/err.h"

#define MODELTEXT_CARD_CHARS 512

/* Append row's text to out (cleared first).  card: the row's card text, or
 * an empty view when it has none / the card store is absent. */
int modeltext_row(const hv_catalog *c, uint32_t row, hv_sv card, hv_buf *out, hv_err *e);

#endif
