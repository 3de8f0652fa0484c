/* modeltext.c - the recipe of modeltext.h, word by word.
 *
 * Everything is written lower-cased (ASCII), fields separated by one space,
 * in this order:
 *   1. the id: for the org and for the name, the whole part with its
 *      separators (- _ .) removed, so "meta-llama" gives the one token
 *      "metallama" that names the org (or the exact model name) as a unit;
 *      then its pieces split on - _ . ; then, for a piece with case or
 *      digit changes inside ("TheBloke", "Llama2", "7B"), its sub-words.
 *      The pieces keep "7b" and "llama2" whole, which matters because the
 *      tokenizer drops one-character words like the "b" of "7 b".
 *   2. the tags, minus base_model:* (they name the parent, not the model:
 *      a fine-tune's text should not contain its base's name twice over)
 *   3. pipeline, library, licenses, languages
 *   4. the card body (front matter dropped) cut to MODELTEXT_CARD_CHARS
 *      characters after leading whitespace, runs of whitespace folded to
 *      one space.  Malformed front matter cannot be told from body text,
 *      so such a card is used whole (the catalog counts them). */
#include "text/modeltext.h"

#include <stdbool.h>
#include <string.h>

#include "core/arena.h"
#include "ingest/frontmatter.h"

static inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }
static inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static inline bool is_lowerc(char c) { return c >= 'a' && c <= 'z'; }
static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool is_sep(char c) { return c == '-' || c == '_' || c == '.' || c == '/' || c == ' '; }

/* Append a separating space unless out is empty or already ends in one. */
static int space(hv_buf *out) {
    if (out->n == 0 || out->p[out->n - 1] == ' ') return 0;
    return hv_buf_putc(out, ' ');
}

static int put_lower(hv_buf *out, const char *p, size_t n) {
    if (space(out) || hv_buf_reserve(out, n)) return -1;
    for (size_t i = 0; i < n; i++) out->p[out->n + i] = lower(p[i]);
    out->n += n;
    return 0;
}

/* Is there a word boundary between p[i-1] and p[i] (case or digit change)? */
static bool boundary(const char *p, size_t n, size_t i) {
    char a = p[i - 1], b = p[i];
    if (is_lowerc(a) && is_upper(b)) return true;                                   /* theBloke */
    if (is_upper(a) && is_upper(b) && i + 1 < n && is_lowerc(p[i + 1])) return true; /* GPTNeo */
    bool ad = is_digit(a), bd = is_digit(b);
    bool al = is_upper(a) || is_lowerc(a), bl = is_upper(b) || is_lowerc(b);
    return (ad && bl) || (al && bd); /* llama2, 7b */
}

/* One id part (org or name): whole, pieces, sub-words. */
static int put_id_part(hv_buf *out, hv_sv part) {
    if (part.n == 0) return 0;
    /* whole, separators removed */
    if (space(out)) return -1;
    size_t npieces = 0;
    bool in_piece = false;
    for (size_t i = 0; i < part.n; i++) {
        if (is_sep(part.p[i])) {
            in_piece = false;
            continue;
        }
        if (!in_piece) npieces++;
        in_piece = true;
        if (hv_buf_putc(out, lower(part.p[i]))) return -1;
    }
    for (size_t i = 0; i < part.n;) {
        while (i < part.n && is_sep(part.p[i])) i++;
        size_t s = i;
        while (i < part.n && !is_sep(part.p[i])) i++;
        if (i == s) break;
        /* the piece itself, unless it is the whole part already written */
        if (npieces > 1 && put_lower(out, part.p + s, i - s)) return -1;
        size_t nb = 0;
        for (size_t j = s + 1; j < i; j++) nb += boundary(part.p + s, i - s, j - s);
        if (nb == 0) continue;
        size_t w = s;
        for (size_t j = s + 1; j <= i; j++)
            if (j == i || boundary(part.p + s, i - s, j - s)) {
                if (put_lower(out, part.p + w, j - w)) return -1;
                w = j;
            }
    }
    return 0;
}

static int put_list(hv_buf *out, const hv_catalog *c, const hv_csr *l, uint32_t row, bool skip_base) {
    for (uint64_t i = l->off[row]; i < l->off[row + 1]; i++) {
        hv_sv s = catalog_str(c, l->val[i]);
        if (skip_base && hv_sv_starts(s, "base_model:")) continue;
        if (s.n && put_lower(out, s.p, s.n)) return -1;
    }
    return 0;
}

/* The first max_chars characters of body, after leading whitespace, with
 * whitespace runs folded to one space. */
static int put_card(hv_buf *out, hv_sv body, size_t max_chars) {
    size_t i = 0, chars = 0;
    while (i < body.n && (body.p[i] == ' ' || body.p[i] == '\t' || body.p[i] == '\n' || body.p[i] == '\r')) i++;
    if (i >= body.n) return 0;
    if (space(out)) return -1;
    bool ws = false;
    for (; i < body.n; i++) {
        char ch = body.p[i];
        bool cont = ((unsigned char)ch & 0xC0) == 0x80;
        if (!cont) {
            if (chars == max_chars) break; /* stop before the next character starts */
            chars++;
        }
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
            ws = true;
            continue;
        }
        if (ws && hv_buf_putc(out, ' ')) return -1;
        ws = false;
        if (hv_buf_putc(out, lower(ch))) return -1;
    }
    return 0;
}

int modeltext_row(const hv_catalog *c, uint32_t row, hv_sv card, hv_buf *out, hv_err *e) {
    hv_buf_clear(out);
    if (!c || row >= c->n) return hv_errf(e, HV_EINPUT, "model text: row %u out of range", row);
    hv_sv id = catalog_id(c, row);
    const char *slash = id.n ? memchr(id.p, '/', id.n) : NULL;
    hv_sv org = slash ? hv_sv_make(id.p, (size_t)(slash - id.p)) : hv_sv_make(id.p, 0);
    hv_sv name = slash ? hv_sv_make(slash + 1, id.n - (size_t)(slash - id.p) - 1) : id;
    int fail = put_id_part(out, org) || put_id_part(out, name) || put_list(out, c, &c->tags, row, true);
    if (!fail && c->pipeline[row]) {
        hv_sv s = catalog_str(c, c->pipeline[row]);
        fail = put_lower(out, s.p, s.n);
    }
    if (!fail && c->library[row]) {
        hv_sv s = catalog_str(c, c->library[row]);
        fail = put_lower(out, s.p, s.n);
    }
    fail = fail || put_list(out, c, &c->licenses, row, false) || put_list(out, c, &c->languages, row, false);
    if (!fail && card.n) {
        hv_frontmatter fm;
        memset(&fm, 0, sizeof fm);
        hv_arena mem = {0};
        hv_err fe = {0, ""};
        /* on malformed front matter fm.body is the whole card */
        (void)frontmatter_parse(card, &fm, &mem, &fe);
        hv_sv body = fm.body.p ? fm.body : card;
        fail = put_card(out, body, MODELTEXT_CARD_CHARS);
        frontmatter_free(&fm);
        arena_free(&mem);
    }
    if (fail) return hv_errf(e, HV_ENOMEM, "model text: out of memory");
    /* no trailing space */
    while (out->n && out->p[out->n - 1] == ' ') out->n--;
    return HV_OK;
}
