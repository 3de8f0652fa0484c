/* record.c - reset and release of the per-reader record. */
#include "ingest/record.h"

static const char *const REL_NAMES[HV_REL_COUNT] = {"base", "finetune", "adapter", "quantized", "merge"};

const char *hv_relation_name(hv_relation r) { return r < HV_REL_COUNT ? REL_NAMES[r] : "?"; }

hv_relation hv_relation_parse(hv_sv s) {
    for (int r = 0; r < HV_REL_COUNT; r++)
        if (hv_sv_eq_cstr(s, REL_NAMES[r])) return (hv_relation)r;
    if (hv_sv_eq_cstr(s, "untyped")) return HV_REL_BASE;
    if (hv_sv_eq_cstr(s, "quantization") || hv_sv_eq_cstr(s, "quantize")) return HV_REL_QUANTIZED;
    if (hv_sv_eq_cstr(s, "fine-tune") || hv_sv_eq_cstr(s, "fine_tune")) return HV_REL_FINETUNE;
    return HV_REL_COUNT;
}

static hv_svlist *lists(hv_record *r, int i) {
    switch (i) {
    case 0: return &r->tags;
    case 1: return &r->licenses;
    case 2: return &r->languages;
    case 3: return &r->datasets;
    case 4: return &r->arxiv;
    case 5: return &r->regions;
    default: return &r->parents[i - 6];
    }
}
#define NLISTS (6 + HV_REL_COUNT)

void record_reset(hv_record *r) {
    for (int i = 0; i < NLISTS; i++) hv_svlist_clear(lists(r, i));
    r->model_id = r->author = r->pipeline = r->library = r->card = hv_sv_make(NULL, 0);
    r->has = 0;
    r->likes = r->downloads = r->created_at = r->card_chars = r->card_words = 0;
    r->trending = 0;
    r->is_private = r->card_autogen = false;
    arena_reset(&r->mem);
}

void record_free(hv_record *r) {
    for (int i = 0; i < NLISTS; i++) hv_svlist_free(lists(r, i));
    arena_free(&r->mem);
}
