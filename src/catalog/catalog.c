/* catalog.c - building the columnar model table, one record at a time.
 *
 * Every list field is parsed once here, at ingest: tags are interned and the
 * fields the paper derives from them (licenses, languages, datasets, arXiv
 * ids, regions, parents by relation) are split off into their own columns.
 * A later record with an id already seen supersedes the earlier row; the
 * superseded rows are dropped by catalog_finish (catalog_finish.c). */
#include "catalog/catalog.h"

#include <stdlib.h>
#include <string.h>

#include "catalog/cardfacts.h"
#include "catalog/cardstore.h"
#include "catalog/catalog_int.h"
#include "catalog/languages.h"
#include "core/utf8.h"
#include "ingest/frontmatter.h"

/* Hub ids are at most 96 characters; a longer "id" is a parse gone wrong. */
#define MAX_ID_BYTES 512
/* Longest tag/list item kept; real tags are short, this bounds garbage. */
#define MAX_ITEM_BYTES 4096
/* Rows are counted in uint32 with HV_NO_ROW reserved. */
#define MAX_ROWS (UINT32_MAX - 2)

static int u32vec_push(u32vec *v, uint32_t x) {
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        uint32_t *p = realloc(v->v, cap * sizeof *p);
        if (!p) return -1;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n++] = x;
    return 0;
}

static int u32vec_add_unique(u32vec *v, uint32_t x) {
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i] == x) return 0;
    return u32vec_push(v, x);
}

hv_catalog *catalog_new(void) {
    hv_catalog *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->ids = strpool_new();
    c->strs = strpool_new();
    c->scratch = calloc(1, sizeof(build_scratch));
    if (!c->ids || !c->strs || !c->scratch) {
        catalog_free(c);
        return NULL;
    }
    return c;
}

void csr_free(hv_csr *l) {
    free(l->off);
    free(l->val);
    memset(l, 0, sizeof *l);
}

static void scratch_free(build_scratch *s) {
    if (!s) return;
    free(s->tags.v);
    free(s->lic.v);
    free(s->lang.v);
    free(s->ds.v);
    free(s->ax.v);
    free(s->rg.v);
    for (int r = 0; r < HV_REL_COUNT; r++) free(s->par[r].v);
    frontmatter_free(&s->fm);
    arena_free(&s->fm_mem);
    record_free(&s->card_rec);
    free(s);
}

void catalog_free(hv_catalog *c) {
    if (!c) return;
    strpool_free(c->ids);
    strpool_free(c->strs);
    free(c->row_of_id);
    void **cols[] = {(void **)&c->model_id, (void **)&c->author, (void **)&c->has, (void **)&c->likes,
                     (void **)&c->downloads, (void **)&c->created_at, (void **)&c->trending,
                     (void **)&c->is_private, (void **)&c->pipeline, (void **)&c->library,
                     (void **)&c->has_card, (void **)&c->card_autogen, (void **)&c->card_frontmatter,
                     (void **)&c->card_chars, (void **)&c->card_words, (void **)&c->card_ref,
                     (void **)&c->superseded, (void **)&c->edges, (void **)&c->edge_off};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) free(*cols[i]);
    hv_csr *lists[] = {&c->tags, &c->licenses, &c->languages, &c->datasets, &c->arxiv, &c->regions, &c->edge_children};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) csr_free(lists[i]);
    for (int r = 0; r < HV_REL_COUNT; r++) {
        csr_free(&c->parents[r]);
        csr_free(&c->parent_rows[r]);
        csr_free(&c->children[r]);
    }
    scratch_free(c->scratch);
    free(c);
}

void catalog_set_cardstore(hv_catalog *c, hv_cardstore_writer *w) { c->cards = w; }

/* Grow every per-row column to hold `need` rows. */
int catalog_ensure_rows(hv_catalog *c, uint32_t need) {
    if (need <= c->cap) return 0;
    uint32_t cap = c->cap ? c->cap : 1024;
    while (cap < need) cap = cap > UINT32_MAX / 2 ? UINT32_MAX - 1 : cap * 2;
    struct { void **p; size_t size; } cols[] = {
        {(void **)&c->model_id, 4}, {(void **)&c->author, 4}, {(void **)&c->has, 1}, {(void **)&c->likes, 8},
        {(void **)&c->downloads, 8}, {(void **)&c->created_at, 8}, {(void **)&c->trending, 8},
        {(void **)&c->is_private, 1}, {(void **)&c->pipeline, 4}, {(void **)&c->library, 4},
        {(void **)&c->has_card, 1}, {(void **)&c->card_autogen, 1}, {(void **)&c->card_frontmatter, 1},
        {(void **)&c->card_chars, 4}, {(void **)&c->card_words, 4}, {(void **)&c->card_ref, 4},
        {(void **)&c->superseded, 1},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        void *p = realloc(*cols[i].p, (size_t)cap * cols[i].size);
        if (!p) return -1;
        *cols[i].p = p;
    }
    hv_csr *lists[] = {&c->tags, &c->licenses, &c->languages, &c->datasets, &c->arxiv, &c->regions,
                       &c->parents[0], &c->parents[1], &c->parents[2], &c->parents[3], &c->parents[4]};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        bool first = lists[i]->off == NULL;
        uint64_t *p = realloc(lists[i]->off, ((size_t)cap + 1) * sizeof *p);
        if (!p) return -1;
        lists[i]->off = p;
        if (first) p[0] = 0;
    }
    c->cap = cap;
    return 0;
}

int csr_append_row(hv_csr *l, uint32_t row, const uint32_t *vals, size_t n) {
    if (l->nval + n > l->capval) {
        uint64_t cap = l->capval ? l->capval : 4096;
        while (cap < l->nval + n) cap *= 2;
        uint32_t *p = realloc(l->val, cap * sizeof *p);
        if (!p) return -1;
        l->val = p;
        l->capval = cap;
    }
    if (n) memcpy(l->val + l->nval, vals, n * sizeof *vals);
    l->nval += n;
    l->off[row + 1] = l->nval;
    return 0;
}

static int ensure_id_map(hv_catalog *c) {
    uint32_t need = strpool_count(c->ids);
    if (need <= c->row_of_id_cap) return 0;
    uint32_t cap = c->row_of_id_cap ? c->row_of_id_cap : 1024;
    while (cap < need) cap *= 2;
    uint32_t *p = realloc(c->row_of_id, (size_t)cap * sizeof *p);
    if (!p) return -1;
    for (uint32_t i = c->row_of_id_cap; i < cap; i++) p[i] = HV_NO_ROW;
    c->row_of_id = p;
    c->row_of_id_cap = cap;
    return 0;
}

/* A model id as the Hub names it: trimmed, and without the Hub URL prefix
 * some crawls write ("https://huggingface.co/org/name" is org/name).  Every
 * id the catalog takes, a row's or a parent's, goes through here. */
static hv_sv normalize_id(hv_sv id) {
    static const char *const prefixes[] = {"https://huggingface.co/", "http://huggingface.co/", "huggingface.co/"};
    id = hv_sv_trim(id);
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (hv_sv_starts(id, prefixes[i])) {
            size_t n = strlen(prefixes[i]);
            return hv_sv_make(id.p + n, id.n - n);
        }
    return id;
}

static int check_text(hv_sv s, const char *what, hv_err *e) {
    size_t bad;
    if (!hv_utf8_valid(s.p, s.n, &bad))
        return hv_errf(e, HV_EINPUT, "%s: invalid UTF-8 at byte %zu", what, bad);
    return HV_OK;
}

static int check_item(hv_sv s, const char *what, hv_err *e) {
    if (s.n > MAX_ITEM_BYTES) return hv_errf(e, HV_EINPUT, "%s: item of %zu bytes (limit %d)", what, s.n, MAX_ITEM_BYTES);
    return check_text(s, what, e);
}

static hv_sv strip_prefix(hv_sv s, const char *prefix) {
    size_t n = strlen(prefix);
    if (s.n > n && memcmp(s.p, prefix, n) == 0) return hv_sv_make(s.p + n, s.n - n);
    return s;
}

#define TRY(x) do { if (x) return hv_errf(e, HV_ENOMEM, "out of memory"); } while (0)

/* Split one tag into the derived columns it implies. */
static int derive_from_tag(hv_catalog *c, build_scratch *s, hv_sv tag, hv_err *e) {
    uint32_t id;
    if (hv_sv_starts(tag, "license:")) {
        TRY(strpool_intern(c->strs, strip_prefix(tag, "license:"), &id));
        TRY(u32vec_add_unique(&s->lic, id));
    } else if (hv_sv_starts(tag, "dataset:")) {
        TRY(strpool_intern(c->strs, strip_prefix(tag, "dataset:"), &id));
        TRY(u32vec_add_unique(&s->ds, id));
    } else if (hv_sv_starts(tag, "arxiv:")) {
        TRY(strpool_intern(c->strs, strip_prefix(tag, "arxiv:"), &id));
        TRY(u32vec_add_unique(&s->ax, id));
    } else if (hv_sv_starts(tag, "region:")) {
        TRY(strpool_intern(c->strs, strip_prefix(tag, "region:"), &id));
        TRY(u32vec_add_unique(&s->rg, id));
    } else if (hv_sv_starts(tag, "base_model:")) {
        hv_sv rest = strip_prefix(tag, "base_model:");
        hv_relation rel = HV_REL_BASE;
        const char *colon = memchr(rest.p, ':', rest.n);
        if (colon) {
            hv_relation r = hv_relation_parse(hv_sv_make(rest.p, (size_t)(colon - rest.p)));
            if (r != HV_REL_COUNT && r != HV_REL_BASE) {
                rel = r;
                rest = hv_sv_make(colon + 1, rest.n - (size_t)(colon + 1 - rest.p));
            }
        }
        rest = normalize_id(rest);
        if (rest.n) {
            TRY(strpool_intern(c->ids, rest, &id));
            TRY(u32vec_add_unique(&s->par[rel], id));
        }
    } else if (tag.n == 2) {
        const char *name = language_name(tag);
        if (name) {
            TRY(strpool_intern(c->strs, hv_sv_cstr(name), &id));
            TRY(u32vec_add_unique(&s->lang, id));
        }
    }
    return HV_OK;
}

/* Intern a list's items into v; model ids (is_id) are normalised. */
static int add_list(hv_strpool *pool, u32vec *v, const hv_svlist *l, const char *prefix, bool is_id, const char *what,
                    hv_err *e) {
    for (size_t i = 0; i < l->n; i++) {
        hv_sv it = is_id ? normalize_id(l->v[i]) : hv_sv_trim(l->v[i]);
        if (prefix) it = strip_prefix(it, prefix);
        if (!it.n) continue;
        int rc = check_item(it, what, e);
        if (rc) return rc;
        uint32_t id;
        TRY(strpool_intern(pool, it, &id));
        TRY(u32vec_add_unique(v, id));
    }
    return HV_OK;
}

static int add_languages(hv_catalog *c, u32vec *v, const hv_svlist *l, hv_err *e) {
    for (size_t i = 0; i < l->n; i++) {
        hv_sv it = hv_sv_trim(l->v[i]);
        if (!it.n) continue;
        int rc = check_item(it, "languages", e);
        if (rc) return rc;
        const char *name = language_name(it);
        uint32_t id;
        TRY(strpool_intern(c->strs, name ? hv_sv_cstr(name) : it, &id));
        TRY(u32vec_add_unique(v, id));
    }
    return HV_OK;
}

static uint32_t intern_or_zero(hv_strpool *p, hv_sv s, int *fail) {
    s = hv_sv_trim(s);
    if (!s.n) return 0;
    uint32_t id = 0;
    if (strpool_intern(p, s, &id)) *fail = 1;
    return id;
}

/* Front-matter fields fill what the tags and columns left silent. */
static int merge_frontmatter(hv_catalog *c, build_scratch *s, const hv_frontmatter *fm, uint32_t *pipeline,
                             uint32_t *library, hv_err *e) {
    int rc = HV_OK;
    if (s->lic.n == 0 && (rc = add_list(c->strs, &s->lic, &fm->license, "license:", false, "card license", e))) return rc;
    if (s->lang.n == 0 && (rc = add_languages(c, &s->lang, &fm->language, e))) return rc;
    if (s->ds.n == 0 && (rc = add_list(c->strs, &s->ds, &fm->datasets, "dataset:", false, "card datasets", e))) return rc;
    if (s->tags.n == 0 && (rc = add_list(c->strs, &s->tags, &fm->tags, NULL, false, "card tags", e))) return rc;
    int fail = 0;
    if (!*pipeline) *pipeline = intern_or_zero(c->strs, fm->pipeline_tag, &fail);
    if (!*library) *library = intern_or_zero(c->strs, fm->library_name, &fail);
    if (fail) return hv_errf(e, HV_ENOMEM, "out of memory");
    size_t nparents = 0;
    for (int r = 0; r < HV_REL_COUNT; r++) nparents += s->par[r].n;
    if (nparents == 0 && fm->base_model.n) {
        hv_relation rel = HV_REL_BASE;
        if (fm->base_model_relation.n) {
            hv_relation r = hv_relation_parse(hv_sv_trim(fm->base_model_relation));
            if (r != HV_REL_COUNT) rel = r;
        }
        if ((rc = add_list(c->ids, &s->par[rel], &fm->base_model, NULL, true, "card base_model", e))) return rc;
    }
    return HV_OK;
}

static int add_record(hv_catalog *c, const hv_record *r, hv_err *e) {
    if (c->finished) return hv_errf(e, HV_EINTERNAL, "catalog_add after catalog_finish");
    build_scratch *s = c->scratch;
    hv_sv id = normalize_id(r->model_id);
    if (id.n == 0) return hv_errf(e, HV_EINPUT, "missing model_id");
    if (id.n > MAX_ID_BYTES) return hv_errf(e, HV_EINPUT, "model_id of %zu bytes (limit %d)", id.n, MAX_ID_BYTES);
    for (size_t i = 0; i < id.n; i++)
        if ((unsigned char)id.p[i] < 0x20 || id.p[i] == 0x7f)
            return hv_errf(e, HV_EINPUT, "model_id contains control character 0x%02x", (unsigned char)id.p[i]);
    int rc;
    if ((rc = check_text(id, "model_id", e))) return rc;
    if ((rc = check_item(r->author, "author", e)) || (rc = check_item(r->pipeline, "pipeline_tag", e)) ||
        (rc = check_item(r->library, "library_name", e)))
        return rc;
    if (c->n >= MAX_ROWS) return hv_errf(e, HV_ENOMEM, "too many rows (limit %u)", MAX_ROWS);

    s->tags.n = s->lic.n = s->lang.n = s->ds.n = s->ax.n = s->rg.n = 0;
    for (int k = 0; k < HV_REL_COUNT; k++) s->par[k].n = 0;

    for (size_t i = 0; i < r->tags.n; i++) {
        hv_sv t = hv_sv_trim(r->tags.v[i]);
        if (!t.n) continue;
        if ((rc = check_item(t, "tags", e))) return rc;
        uint32_t tid;
        TRY(strpool_intern(c->strs, t, &tid));
        TRY(u32vec_push(&s->tags, tid));
        if ((rc = derive_from_tag(c, s, t, e))) return rc;
    }
    if ((rc = add_list(c->strs, &s->lic, &r->licenses, "license:", false, "licenses", e)) ||
        (rc = add_languages(c, &s->lang, &r->languages, e)) ||
        (rc = add_list(c->strs, &s->ds, &r->datasets, "dataset:", false, "datasets", e)) ||
        (rc = add_list(c->strs, &s->ax, &r->arxiv, "arxiv:", false, "arxiv_papers", e)) ||
        (rc = add_list(c->strs, &s->rg, &r->regions, "region:", false, "regions", e)))
        return rc;
    for (int k = 0; k < HV_REL_COUNT; k++)
        if ((rc = add_list(c->ids, &s->par[k], &r->parents[k], NULL, true, "parents", e))) return rc;

    int fail = 0;
    uint32_t pipeline = intern_or_zero(c->strs, r->pipeline, &fail);
    uint32_t library = intern_or_zero(c->strs, r->library, &fail);
    uint32_t author;
    if (r->author.n) {
        author = intern_or_zero(c->strs, r->author, &fail);
    } else {
        const char *slash = memchr(id.p, '/', id.n);
        author = slash ? intern_or_zero(c->strs, hv_sv_make(id.p, (size_t)(slash - id.p)), &fail) : 0;
    }
    if (fail) return hv_errf(e, HV_ENOMEM, "out of memory");

    /* the card: facts, front matter, text to the store */
    hv_cardfacts facts = {0, 0, false};
    bool card_text = (r->has & HV_HAS_CARD) && r->card.n > 0;
    bool fm_present = false;
    uint32_t card_ref = HV_NO_ROW;
    if (card_text) {
        if ((rc = check_text(r->card, "modelCard", e))) return rc;
        cardfacts_compute(r->card, &facts);
        hv_err fe;
        arena_reset(&s->fm_mem);
        if (frontmatter_parse(r->card, &s->fm, &s->fm_mem, &fe) == HV_OK) {
            fm_present = s->fm.present;
            if (fm_present && (rc = merge_frontmatter(c, s, &s->fm, &pipeline, &library, e))) return rc;
        } else {
            c->cards_bad_frontmatter++;
        }
    } else if (r->has & HV_HAS_CARD_FACTS) {
        facts.chars = (uint64_t)r->card_chars;
        facts.words = (uint64_t)r->card_words;
        facts.autogen = r->card_autogen;
    }

    /* all checks passed: from here on the row is committed */
    if (card_text && c->cards && (rc = cardstore_put(c->cards, r->card, &card_ref, e))) return rc;
    uint32_t idn;
    TRY(strpool_intern(c->ids, id, &idn));
    TRY(ensure_id_map(c));
    TRY(catalog_ensure_rows(c, c->n + 1));
    uint32_t row = c->n;
    if (c->row_of_id[idn] != HV_NO_ROW) {
        c->superseded[c->row_of_id[idn]] = 1;
        c->duplicates++;
    }
    c->model_id[row] = idn;
    c->author[row] = author;
    c->has[row] = (uint8_t)(r->has & (HV_HAS_LIKES | HV_HAS_DOWNLOADS | HV_HAS_TRENDING | HV_HAS_PRIVATE | HV_HAS_CREATED));
    c->likes[row] = (r->has & HV_HAS_LIKES) ? r->likes : 0;
    c->downloads[row] = (r->has & HV_HAS_DOWNLOADS) ? r->downloads : 0;
    c->created_at[row] = (r->has & HV_HAS_CREATED) ? r->created_at : 0;
    c->trending[row] = (r->has & HV_HAS_TRENDING) ? r->trending : 0;
    c->is_private[row] = r->is_private;
    c->pipeline[row] = pipeline;
    c->library[row] = library;
    /* The paper's rule: has_model_card := len(str(card)) > 3, because the
     * dataset stores a missing card as the string 'nan'.  Applied to text
     * and to given facts alike so every source agrees. */
    c->has_card[row] = facts.chars > 3;
    c->card_autogen[row] = facts.autogen;
    c->card_frontmatter[row] = fm_present;
    c->card_chars[row] = facts.chars > UINT32_MAX ? UINT32_MAX : (uint32_t)facts.chars;
    c->card_words[row] = facts.words > UINT32_MAX ? UINT32_MAX : (uint32_t)facts.words;
    c->card_ref[row] = card_ref;
    c->superseded[row] = 0;
    TRY(csr_append_row(&c->tags, row, s->tags.v, s->tags.n));
    TRY(csr_append_row(&c->licenses, row, s->lic.v, s->lic.n));
    TRY(csr_append_row(&c->languages, row, s->lang.v, s->lang.n));
    TRY(csr_append_row(&c->datasets, row, s->ds.v, s->ds.n));
    TRY(csr_append_row(&c->arxiv, row, s->ax.v, s->ax.n));
    TRY(csr_append_row(&c->regions, row, s->rg.v, s->rg.n));
    for (int k = 0; k < HV_REL_COUNT; k++) TRY(csr_append_row(&c->parents[k], row, s->par[k].v, s->par[k].n));
    c->row_of_id[idn] = row;
    c->n++;
    c->rows_added++;
    return HV_OK;
}

int catalog_add(hv_catalog *c, const hv_record *r, hv_err *e) { return add_record(c, r, e); }

static int push_views(hv_svlist *l, const hv_strpool *pool, const hv_csr *csr, uint32_t row) {
    for (uint64_t i = csr->off[row]; i < csr->off[row + 1]; i++)
        if (hv_svlist_push(l, strpool_get(pool, csr->val[i]))) return -1;
    return 0;
}

int catalog_add_card(hv_catalog *c, hv_sv model_id, hv_sv card, hv_err *e) {
    build_scratch *s = c->scratch;
    hv_record *r = &s->card_rec;
    record_reset(r);
    uint32_t row = catalog_find(c, model_id);
    r->model_id = model_id;
    r->card = card;
    r->has = HV_HAS_CARD;
    if (row != HV_NO_ROW) {
        /* rebuild the existing row with the card added; the old row is
         * superseded, which is a merge, not a duplicate in the data */
        r->model_id = strpool_get(c->ids, c->model_id[row]);
        r->author = strpool_get(c->strs, c->author[row]);
        r->has |= c->has[row];
        r->likes = c->likes[row];
        r->downloads = c->downloads[row];
        r->created_at = c->created_at[row];
        r->trending = c->trending[row];
        r->is_private = c->is_private[row];
        r->pipeline = strpool_get(c->strs, c->pipeline[row]);
        r->library = strpool_get(c->strs, c->library[row]);
        int fail = push_views(&r->tags, c->strs, &c->tags, row) | push_views(&r->licenses, c->strs, &c->licenses, row) |
                   push_views(&r->languages, c->strs, &c->languages, row) |
                   push_views(&r->datasets, c->strs, &c->datasets, row) | push_views(&r->arxiv, c->strs, &c->arxiv, row) |
                   push_views(&r->regions, c->strs, &c->regions, row);
        for (int k = 0; k < HV_REL_COUNT; k++) fail |= push_views(&r->parents[k], c->ids, &c->parents[k], row);
        if (fail) return hv_errf(e, HV_ENOMEM, "out of memory");
    }
    int rc = add_record(c, r, e);
    if (rc == HV_OK && row != HV_NO_ROW) c->duplicates--;
    return rc;
}

uint32_t catalog_find(const hv_catalog *c, hv_sv model_id) {
    uint32_t id;
    if (!strpool_find(c->ids, normalize_id(model_id), &id) || id >= c->row_of_id_cap) return HV_NO_ROW;
    return c->row_of_id[id];
}

size_t catalog_bytes(const hv_catalog *c) {
    size_t b = strpool_bytes(c->ids) + strpool_bytes(c->strs) + (size_t)c->row_of_id_cap * 4;
    b += (size_t)c->cap * (4 + 4 + 1 + 8 + 8 + 8 + 8 + 1 + 4 + 4 + 1 + 1 + 1 + 4 + 4 + 4 + 1);
    const hv_csr *lists[] = {&c->tags, &c->licenses, &c->languages, &c->datasets, &c->arxiv, &c->regions, &c->edge_children};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) b += lists[i]->capval * 4 + ((size_t)c->cap + 1) * 8;
    for (int r = 0; r < HV_REL_COUNT; r++)
        b += (c->parents[r].capval + c->parent_rows[r].capval + c->children[r].capval) * 4 + 3 * ((size_t)c->cap + 1) * 8;
    b += c->nedges * sizeof(hv_edge);
    return b;
}
