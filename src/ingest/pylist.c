/* pylist.c - list cells: Python-list repr, JSON array, or a bare value.
 *
 * One grammar covers both spellings because a Python list of str and a JSON
 * array of strings differ only in the quote character and a few escapes:
 * Python has \x, \U, octal and \a/\v, JSON has \/ and surrogate pairs in
 * \uXXXX.  Accepting the union is safe: no real cell uses an escape in a way
 * where the two languages disagree.  Items are copied into the arena, never
 * left pointing into the cell, so a caller may reuse its cell buffer. */
#include "ingest/pylist.h"

#include <stdint.h>

/* A cell is at most a few KB in the dataset (tags of one model); a list of a
 * million items is garbage, and failing on it bounds the work per cell. */
#define PYLIST_MAX_ITEMS ((size_t)1 << 20)

typedef struct pl_parser {
    const char *base; /* start of the cell, for offsets in messages */
    const char *p, *end;
    hv_svlist *out;
    hv_arena *mem;
    hv_err *e;
} pl_parser;

static int fail(pl_parser *ps, const char *at, const char *what) {
    return hv_errf(ps->e, HV_EINPUT, "list cell: %s at byte %zu", what, (size_t)(at - ps->base));
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static void skip_ws(pl_parser *ps) {
    while (ps->p < ps->end && is_ws(*ps->p)) ps->p++;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Read exactly n hex digits at s (bounded by end); -1 if they are not there. */
static int64_t read_hex(const char *s, const char *end, int n) {
    if (end - s < n) return -1;
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        int h = hexval(s[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t put_utf8(char *d, uint32_t cp) {
    if (cp < 0x80) { d[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode one escape starting at s (just after the backslash) into d.
 * *adv gets the bytes consumed after the backslash, *dn the bytes written.
 * Every escape is at least as long as what it writes (\xHH: 4 -> <=2,
 * \uHHHH: 6 -> <=3, a surrogate pair: 12 -> 4, \UHHHHHHHH: 10 -> 4, octal
 * \ooo: 4 -> <=2), which lets the caller size the output by the input. */
static int decode_escape(pl_parser *ps, const char *s, char *d, size_t *adv, size_t *dn) {
    const char *end = ps->end;
    if (s >= end) return fail(ps, s - 1, "backslash at end of cell");
    char c = *s;
    int64_t cp = -1;
    size_t used = 1;
    switch (c) {
    case '\\': case '\'': case '"': case '/': d[0] = c; *dn = 1; *adv = 1; return HV_OK;
    case 'n': d[0] = '\n'; *dn = 1; *adv = 1; return HV_OK;
    case 't': d[0] = '\t'; *dn = 1; *adv = 1; return HV_OK;
    case 'r': d[0] = '\r'; *dn = 1; *adv = 1; return HV_OK;
    case 'b': d[0] = '\b'; *dn = 1; *adv = 1; return HV_OK;
    case 'f': d[0] = '\f'; *dn = 1; *adv = 1; return HV_OK;
    case 'a': d[0] = '\a'; *dn = 1; *adv = 1; return HV_OK;
    case 'v': d[0] = '\v'; *dn = 1; *adv = 1; return HV_OK;
    case 'x':
        cp = read_hex(s + 1, end, 2);
        if (cp < 0) return fail(ps, s - 1, "bad \\x escape");
        used = 3;
        break;
    case 'U':
        cp = read_hex(s + 1, end, 8);
        if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return fail(ps, s - 1, "bad \\U escape");
        used = 9;
        break;
    case 'u':
        cp = read_hex(s + 1, end, 4);
        if (cp < 0) return fail(ps, s - 1, "bad \\u escape");
        used = 5;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            /* JSON spells astral characters as a surrogate pair */
            int64_t lo = (end - s >= 11 && s[5] == '\\' && s[6] == 'u') ? read_hex(s + 7, end, 4) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail(ps, s - 1, "unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            used = 11;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail(ps, s - 1, "unpaired surrogate in \\u escape");
        }
        break;
    default:
        if (c >= '0' && c <= '7') {
            cp = 0;
            used = 0;
            while (used < 3 && s + used < end && s[used] >= '0' && s[used] <= '7') cp = cp * 8 + (s[used++] - '0');
            break;
        }
        /* Python keeps an unknown escape as backslash + character */
        d[0] = '\\';
        *dn = 1;
        *adv = 0;
        return HV_OK;
    }
    *dn = put_utf8(d, (uint32_t)cp);
    *adv = used;
    return HV_OK;
}

/* A quoted string at ps->p (on the quote); appends the unescaped item. */
static int parse_string(pl_parser *ps) {
    const char q = *ps->p;
    const char *start = ++ps->p;
    const char *s = start;
    bool escaped = false;
    while (s < ps->end && *s != q) {
        if (*s == '\\') {
            escaped = true;
            if (s + 1 >= ps->end) break;
            s += 2;
        } else {
            s++;
        }
    }
    if (s >= ps->end) return fail(ps, start - 1, "unterminated string");
    size_t rawlen = (size_t)(s - start);
    char *d = arena_alloc(ps->mem, rawlen + 1);
    if (!d) return hv_errf(ps->e, HV_ENOMEM, "list cell: out of memory");
    size_t n = 0;
    if (!escaped) {
        memcpy(d, start, rawlen);
        n = rawlen;
    } else {
        for (const char *r = start; r < s;) {
            if (*r != '\\') { d[n++] = *r++; continue; }
            size_t adv = 0, dn = 0;
            int rc = decode_escape(ps, r + 1, d + n, &adv, &dn);
            if (rc) return rc;
            n += dn;
            r += 1 + adv;
        }
    }
    d[n] = 0;
    ps->p = s + 1;
    if (ps->out->n >= PYLIST_MAX_ITEMS) return fail(ps, start, "too many items");
    if (hv_svlist_push(ps->out, hv_sv_make(d, n))) return hv_errf(ps->e, HV_ENOMEM, "list cell: out of memory");
    return HV_OK;
}

static bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-' || c == '+';
}

/* An unquoted token inside the list: None/nan/null are holes and are
 * skipped; numbers and booleans are kept as their text; anything else (a
 * nested list, a dict, a stray word) is not a list of strings. */
static int parse_bare(pl_parser *ps) {
    const char *s = ps->p;
    while (ps->p < ps->end && is_word_char(*ps->p)) ps->p++;
    hv_sv w = hv_sv_make(s, (size_t)(ps->p - s));
    if (w.n == 0) return fail(ps, s, *s == '[' || *s == '{' || *s == '(' ? "nested value in list" : "unexpected character");
    if (hv_sv_eq_cstr(w, "None") || hv_sv_eq_cstr(w, "nan") || hv_sv_eq_cstr(w, "NaN") || hv_sv_eq_cstr(w, "null"))
        return HV_OK;
    bool number = true;
    for (size_t i = 0; i < w.n; i++) {
        char c = w.p[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) number = false;
    }
    if (!number && !hv_sv_eq_cstr(w, "True") && !hv_sv_eq_cstr(w, "False") && !hv_sv_eq_cstr(w, "true") &&
        !hv_sv_eq_cstr(w, "false"))
        return fail(ps, s, "unquoted word in list");
    char *d = arena_strndup(ps->mem, w.p, w.n);
    if (!d) return hv_errf(ps->e, HV_ENOMEM, "list cell: out of memory");
    if (ps->out->n >= PYLIST_MAX_ITEMS) return fail(ps, s, "too many items");
    if (hv_svlist_push(ps->out, hv_sv_make(d, w.n))) return hv_errf(ps->e, HV_ENOMEM, "list cell: out of memory");
    return HV_OK;
}

static int parse_list(pl_parser *ps) {
    ps->p++; /* '[' */
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end) return fail(ps, ps->p, "missing ']'");
        if (*ps->p == ']') { ps->p++; break; }
        int rc = (*ps->p == '\'' || *ps->p == '"') ? parse_string(ps) : parse_bare(ps);
        if (rc) return rc;
        skip_ws(ps);
        if (ps->p >= ps->end) return fail(ps, ps->p, "missing ']'");
        if (*ps->p == ',') { ps->p++; continue; } /* also allows Python's trailing comma */
        if (*ps->p == ']') { ps->p++; break; }
        return fail(ps, ps->p, "expected ',' or ']'");
    }
    skip_ws(ps);
    if (ps->p != ps->end) return fail(ps, ps->p, "text after ']'");
    return HV_OK;
}

int pylist_parse(hv_sv cell, hv_svlist *out, hv_arena *mem, hv_err *e) {
    hv_sv t = hv_sv_trim(cell);
    if (t.n == 0 || hv_sv_eq_cstr(t, "nan") || hv_sv_eq_cstr(t, "NaN") || hv_sv_eq_cstr(t, "None") ||
        hv_sv_eq_cstr(t, "null"))
        return HV_OK;
    pl_parser ps = {cell.p, t.p, t.p + t.n, out, mem, e};
    if (t.p[0] == '[') return parse_list(&ps);
    /* a bare value is a one-item list: some exports write a lone license */
    char *d = arena_strndup(mem, t.p, t.n);
    if (!d) return hv_errf(e, HV_ENOMEM, "list cell: out of memory");
    if (hv_svlist_push(out, hv_sv_make(d, t.n))) return hv_errf(e, HV_ENOMEM, "list cell: out of memory");
    return HV_OK;
}
