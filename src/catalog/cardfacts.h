/* cardfacts.h - what the paper measures of a model card.
 *
 *   chars   = len(str(card))          (Unicode code points)
 *   words   = len(card.split())       (runs of non-whitespace, Unicode spaces)
 *   autogen = "automatically generated" or "generated automatically" in
 *             card.lower()             (the Trainer template's phrase) */
#ifndef HV_CARDFACTS_H
#define HV_CARDFACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sv.h"

typedef struct hv_cardfacts {
    uint64_t chars, words;
    bool autogen;
} hv_cardfacts;

void cardfacts_compute(hv_sv card, hv_cardfacts *out);

#endif
