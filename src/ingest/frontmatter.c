/* frontmatter.c - the YAML subset of model-card front matter.
 *
 * Cards carry a flat mapping of a few keys we want (base_model, license,
 * tags, ...) next to deep structures we do not (model-index, widget).  A full
 * YAML parser would be a large dependency for eight keys, so this reads the
 * top-level mapping line by line and parses only the values of wanted keys;
 * everything indented under another key is skipped without being parsed.
 * Values are taken as text, as the Hub's tags spell them: no YAML type
 * resolution (a `language: no` stays "no"), which is what the catalog wants.
 *
 * The block is found the way the Hub finds it: optional BOM and whitespace,
 * a line "---", then everything up to the next line "---" (or "...").  A
 * card whose block never closes has no front matter. */
#include "ingest/frontmatter.h"

#include <stdint.h>

/* Real front matter is at most a few tens of KB (the largest of 1,583 real
 * cards is 13 KB, mostly model-index); refusing beyond this bounds the work
 * and the memory a hostile card can claim. */
#define FM_MAX_BLOCK ((size_t)4 << 20)
/* A wanted list with more items than this is garbage, not a card. */
#define FM_MAX_ITEMS ((size_t)1 << 16)

typedef enum fm_key {
    K_NONE = 0,
    K_BASE_MODEL,
    K_LICENSE,
    K_LANGUAGE,
    K_TAGS,
    K_DATASETS,
    K_RELATION,
    K_LIBRARY,
    K_PIPELINE
} fm_key;

typedef struct fm_parser {
    const char *blk, *end; /* the block between the --- lines */
    size_t first_line;     /* line number of the block's first line in the card */
    hv_frontmatter *fm;
    hv_arena *mem;
    hv_err *e;
    fm_key key;            /* the key whose value is being read */
} fm_parser;

static bool is_sp(char c) { return c == ' ' || c == '\t'; }

static const char *eol(const char *p, const char *end) {
    const char *q = memchr(p, '\n', (size_t)(end - p));
    return q ? q : end;
}
static const char *next_line(const char *p, const char *end) {
    const char *q = eol(p, end);
    return q < end ? q + 1 : end;
}

static size_t line_no(const fm_parser *ps, const char *at) {
    size_t n = ps->first_line;
    for (const char *p = ps->blk; p < at; p++) n += *p == '\n';
    return n;
}

static int fail(fm_parser *ps, const char *at, const char *what) {
    return hv_errf(ps->e, HV_EINPUT, "front matter line %zu: %s", line_no(ps, at), what);
}

/* Indentation of the line at p, or -1 when it is blank or only a comment. */
static int line_indent(const char *p, const char *end) {
    const char *q = p;
    while (q < end && is_sp(*q)) q++;
    if (q >= end || *q == '\n' || *q == '\r' || *q == '#') return -1;
    return (int)(q - p);
}

/* First content line at or after p (skipping blank and comment lines). */
static const char *skip_blank_lines(const char *p, const char *end) {
    while (p < end && line_indent(p, end) < 0) p = next_line(p, end);
    return p;
}

/* Skip every line more indented than `indent` (a nested block). */
static const char *skip_deeper(const char *p, const char *end, int indent) {
    while (p < end) {
        int ind = line_indent(p, end);
        if (ind >= 0 && ind <= indent) break;
        p = next_line(p, end);
    }
    return p;
}

static hv_svlist *target_list(fm_parser *ps) {
    switch (ps->key) {
    case K_BASE_MODEL: return &ps->fm->base_model;
    case K_LICENSE: return &ps->fm->license;
    case K_LANGUAGE: return &ps->fm->language;
    case K_TAGS: return &ps->fm->tags;
    case K_DATASETS: return &ps->fm->datasets;
    default: return NULL;
    }
}
static hv_sv *target_scalar(fm_parser *ps) {
    switch (ps->key) {
    case K_RELATION: return &ps->fm->base_model_relation;
    case K_LIBRARY: return &ps->fm->library_name;
    case K_PIPELINE: return &ps->fm->pipeline_tag;
    default: return NULL;
    }
}

/* Deliver one scalar of the current key.  A null (~, null, empty) is not a
 * value.  Scalar keys keep the last value, as YAML keeps the last duplicate. */
static int emit(fm_parser *ps, const char *at, hv_sv v, bool quoted) {
    if (!quoted && (v.n == 0 || hv_sv_eq_cstr(v, "~") || hv_sv_eq_cstr(v, "null") || hv_sv_eq_cstr(v, "Null") ||
                    hv_sv_eq_cstr(v, "NULL")))
        return HV_OK;
    hv_svlist *l = target_list(ps);
    if (l) {
        if (l->n >= FM_MAX_ITEMS) return fail(ps, at, "too many list items");
        if (hv_svlist_push(l, v)) return hv_errf(ps->e, HV_ENOMEM, "front matter: out of memory");
        return HV_OK;
    }
    hv_sv *s = target_scalar(ps);
    if (s) *s = v;
    return HV_OK;
}

static int oom(fm_parser *ps) { return hv_errf(ps->e, HV_ENOMEM, "front matter: out of memory"); }

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t put_utf8(char *d, uint32_t cp) {
    if (cp < 0x80) { d[0] = (char)cp; return 1; }
    if (cp < 0x800) { d[0] = (char)(0xC0 | (cp >> 6)); d[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | (cp >> 12)); d[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (cp >> 18)); d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A quoted scalar at *pp (on the quote).  It may span lines: YAML folds a
 * line break into a space, and n empty lines into n newlines. */
static int parse_quoted(fm_parser *ps, const char **pp, hv_sv *out) {
    const char *p = *pp;
    const char q = *p++;
    const char *start = p;
    /* find the closing quote first, to size the output */
    const char *s = p;
    for (;;) {
        if (s >= ps->end) return fail(ps, start - 1, "unterminated quoted string");
        if (q == '"' && *s == '\\') { s += 2; continue; }
        if (*s == q) {
            if (q == '\'' && s + 1 < ps->end && s[1] == '\'') { s += 2; continue; }
            break;
        }
        s++;
    }
    /* \L and \P write 3 bytes for 2, the only escapes longer than their
     * spelling, so twice the raw length is always enough */
    char *d = arena_alloc(ps->mem, 2 * (size_t)(s - start) + 1);
    if (!d) return oom(ps);
    size_t n = 0;
    for (const char *r = start; r < s;) {
        char c = *r;
        if (c == '\n' || c == '\r') {
            /* fold: drop trailing blanks, count empty lines, drop indentation */
            while (n && is_sp(d[n - 1])) n--;
            size_t breaks = 0;
            while (r < s && (*r == '\n' || *r == '\r' || is_sp(*r))) {
                if (*r == '\n') breaks++;
                r++;
            }
            if (breaks <= 1) d[n++] = ' ';
            else for (size_t i = 1; i < breaks; i++) d[n++] = '\n';
            continue;
        }
        if (q == '\'' && c == '\'') { d[n++] = '\''; r += 2; continue; }
        if (q == '"' && c == '\\') {
            r++;
            char x = *r++;
            int64_t cp = -1;
            int digits = 0;
            switch (x) {
            case '0': d[n++] = '\0'; break;
            case 'a': d[n++] = '\a'; break;
            case 'b': d[n++] = '\b'; break;
            case 't': case '\t': d[n++] = '\t'; break;
            case 'n': d[n++] = '\n'; break;
            case 'v': d[n++] = '\v'; break;
            case 'f': d[n++] = '\f'; break;
            case 'r': d[n++] = '\r'; break;
            case 'e': d[n++] = '\x1b'; break;
            case ' ': case '"': case '/': case '\\': d[n++] = x; break;
            case 'N': n += put_utf8(d + n, 0x85); break;
            case '_': n += put_utf8(d + n, 0xA0); break;
            case 'L': n += put_utf8(d + n, 0x2028); break;
            case 'P': n += put_utf8(d + n, 0x2029); break;
            case 'x': digits = 2; break;
            case 'u': digits = 4; break;
            case 'U': digits = 8; break;
            case '\r': case '\n':
                /* an escaped line break joins the lines without a space */
                while (r < s && (*r == '\n' || *r == '\r' || is_sp(*r))) r++;
                break;
            default: return fail(ps, r - 2, "bad escape in double-quoted string");
            }
            if (digits) {
                if (s - r < digits) return fail(ps, r - 2, "bad escape in double-quoted string");
                cp = 0;
                for (int i = 0; i < digits; i++) {
                    int h = hexval(r[i]);
                    if (h < 0) return fail(ps, r - 2, "bad escape in double-quoted string");
                    cp = cp * 16 + h;
                }
                if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                    return fail(ps, r - 2, "escape is not a character");
                r += digits;
                n += put_utf8(d + n, (uint32_t)cp);
            }
            continue;
        }
        d[n++] = c;
        r++;
    }
    d[n] = 0;
    *out = hv_sv_make(d, n);
    *pp = s + 1;
    return HV_OK;
}

/* After a value: only blanks or a comment may follow on its line. */
static int expect_line_end(fm_parser *ps, const char **pp) {
    const char *p = *pp;
    while (p < ps->end && (is_sp(*p) || *p == '\r')) p++;
    if (p < ps->end && *p != '\n' && *p != '#') return fail(ps, p, "text after value");
    *pp = next_line(p, ps->end);
    return HV_OK;
}

/* Skip a balanced flow collection ([...] or {...}) at p, quotes respected. */
static int skip_flow(fm_parser *ps, const char **pp) {
    const char *p = *pp;
    size_t depth = 0;
    while (p < ps->end) {
        char c = *p;
        if (c == '[' || c == '{') depth++;
        else if (c == ']' || c == '}') {
            if (--depth == 0) { *pp = p + 1; return HV_OK; }
        } else if ((c == '"' || c == '\'') && (p == *pp || strchr("[{,: \t\r\n", p[-1]))) {
            /* a quote starts a quoted scalar only where a scalar starts;
             * inside a plain scalar ("it's") it is an ordinary character */
            hv_sv dummy;
            fm_key k = ps->key;
            ps->key = K_NONE;
            int rc = parse_quoted(ps, &p, &dummy);
            ps->key = k;
            if (rc) return rc;
            continue;
        } else if (c == '#' && p > *pp && (is_sp(p[-1]) || p[-1] == '\n')) {
            p = eol(p, ps->end);
            continue;
        }
        p++;
    }
    return fail(ps, *pp, "unterminated flow collection");
}

/* A flow sequence [a, "b", c] at *pp, possibly over several lines. */
static int parse_flow_seq(fm_parser *ps, const char **pp) {
    const char *open = *pp;
    const char *p = open + 1;
    for (;;) {
        while (p < ps->end && (is_sp(*p) || *p == '\n' || *p == '\r')) p++;
        if (p < ps->end && *p == '#') { p = eol(p, ps->end); continue; }
        if (p >= ps->end) return fail(ps, open, "unterminated flow sequence");
        if (*p == ']') { p++; break; }
        if (*p == ',') return fail(ps, p, "empty item in flow sequence");
        if (*p == '"' || *p == '\'') {
            hv_sv v;
            const char *at = p;
            int rc = parse_quoted(ps, &p, &v);
            if (rc || (rc = emit(ps, at, v, true))) return rc;
        } else if (*p == '[' || *p == '{') {
            int rc = skip_flow(ps, &p); /* a nested collection is not a scalar item */
            if (rc) return rc;
        } else {
            /* plain scalar: up to , ] or a comment; line breaks fold to spaces */
            const char *s = p;
            while (p < ps->end && *p != ',' && *p != ']' && !(*p == '#' && is_sp(p[-1]))) p++;
            const char *e = p;
            while (e > s && (is_sp(e[-1]) || e[-1] == '\n' || e[-1] == '\r')) e--;
            hv_sv v = hv_sv_make(s, (size_t)(e - s));
            if (memchr(v.p, '\n', v.n)) {
                char *d = arena_alloc(ps->mem, v.n + 1);
                if (!d) return oom(ps);
                size_t n = 0;
                for (size_t i = 0; i < v.n; i++) {
                    char c = v.p[i];
                    if (c == '\n' || c == '\r' || is_sp(c)) {
                        if (n && d[n - 1] != ' ') d[n++] = ' ';
                    } else {
                        d[n++] = c;
                    }
                }
                v = hv_sv_make(d, n);
            }
            int rc = emit(ps, s, v, false);
            if (rc) return rc;
        }
        while (p < ps->end && (is_sp(*p) || *p == '\n' || *p == '\r')) p++;
        if (p < ps->end && *p == '#') { p = eol(p, ps->end); continue; }
        if (p >= ps->end) return fail(ps, open, "unterminated flow sequence");
        if (*p == ',') { p++; continue; }
        if (*p == ']') { p++; break; }
        return fail(ps, p, "expected ',' or ']' in flow sequence");
    }
    *pp = p;
    return HV_OK;
}

/* A block scalar (| or >) after a key at indent `indent`; *pp is on the
 * indicator.  Read for wanted keys, skipped for others. */
static int parse_block_scalar(fm_parser *ps, const char **pp, int indent) {
    const char *p = *pp;
    bool folded = *p == '>';
    char chomp = 'c';
    int explicit_ind = 0;
    p++;
    for (int i = 0; i < 2 && p < ps->end; i++) {
        if (*p == '-' || *p == '+') chomp = *p++;
        else if (*p >= '1' && *p <= '9') explicit_ind = *p++ - '0';
    }
    int rc = expect_line_end(ps, &p);
    if (rc) return rc;
    /* the content: blank lines and lines more indented than the key */
    const char *start = p;
    int content_ind = explicit_ind ? indent + explicit_ind : -1;
    const char *q = p;
    while (q < ps->end) {
        const char *s = q;
        while (s < ps->end && *s == ' ') s++;
        bool blank = s >= ps->end || *s == '\n' || *s == '\r';
        int ind = (int)(s - q);
        if (!blank) {
            if (ind <= indent) break;
            if (content_ind < 0) content_ind = ind;
            if (ind < content_ind) break;
        }
        q = next_line(q, ps->end);
    }
    *pp = q;
    if (!target_list(ps) && !target_scalar(ps)) return HV_OK;
    if (content_ind < 0) return emit(ps, start, hv_sv_make("", 0), true);
    char *d = arena_alloc(ps->mem, (size_t)(q - start) + 1);
    if (!d) return oom(ps);
    size_t n = 0;
    bool prev_text = false;
    for (const char *l = start; l < q; l = next_line(l, q)) {
        const char *le = eol(l, q);
        if (le > l && le[-1] == '\r') le--;
        const char *s = l;
        while (s < le && *s == ' ' && (int)(s - l) < content_ind) s++;
        bool blank = s >= le;
        if (folded && prev_text && !blank && !is_sp(*s) && n && d[n - 1] == '\n') d[n - 1] = ' ';
        memcpy(d + n, s, (size_t)(le - s));
        n += (size_t)(le - s);
        d[n++] = '\n';
        prev_text = !blank && !is_sp(*s);
    }
    if (chomp != '+') {
        while (n && d[n - 1] == '\n') n--;
        if (chomp == 'c' && n) d[n++] = '\n';
    }
    d[n] = 0;
    return emit(ps, start, hv_sv_make(d, n), true);
}

/* A plain scalar from p to the end of its line (a " #" starts a comment),
 * continued by following lines more indented than `indent`. */
static int parse_plain(fm_parser *ps, const char **pp, int indent) {
    const char *s = *pp;
    const char *le = eol(s, ps->end);
    const char *e = s;
    for (const char *c = s; c < le; c++) {
        if (*c == '#' && c > s && is_sp(c[-1])) break;
        e = c + 1;
    }
    while (e > s && (is_sp(e[-1]) || e[-1] == '\r')) e--;
    const char *p = next_line(le, ps->end);
    /* continuation lines fold into one space each */
    const char *cont = p;
    size_t extra = 0;
    while (cont < ps->end) {
        int ind = line_indent(cont, ps->end);
        if (ind < 0) {
            /* a comment line ends a plain scalar; a blank line may not */
            const char *t = cont;
            while (t < ps->end && is_sp(*t)) t++;
            if (t < ps->end && *t == '#') break;
            cont = next_line(cont, ps->end);
            continue;
        }
        if (ind <= indent) break;
        extra++;
        cont = next_line(cont, ps->end);
    }
    hv_sv v = hv_sv_make(s, (size_t)(e - s));
    if (extra) {
        if (!target_list(ps) && !target_scalar(ps)) { *pp = cont; return HV_OK; }
        char *d = arena_alloc(ps->mem, (size_t)(cont - s) + 1);
        if (!d) return oom(ps);
        size_t n = v.n;
        memcpy(d, v.p, v.n);
        size_t empties = 0;
        for (const char *l = p; l < cont; l = next_line(l, cont)) {
            const char *a = l, *b = eol(l, cont);
            while (a < b && is_sp(*a)) a++;
            const char *z = b;
            for (const char *c = a; c < b; c++)
                if (*c == '#' && c > a && is_sp(c[-1])) { z = c; break; }
            while (z > a && (is_sp(z[-1]) || z[-1] == '\r')) z--;
            if (z == a) { empties++; continue; }
            if (empties) while (empties--) d[n++] = '\n';
            else d[n++] = ' ';
            empties = 0;
            memcpy(d + n, a, (size_t)(z - a));
            n += (size_t)(z - a);
        }
        d[n] = 0;
        v = hv_sv_make(d, n);
    }
    *pp = cont;
    return emit(ps, s, v, false);
}

/* Skip YAML node properties (&anchor, !tag) before a value. */
static const char *skip_props(const char *p, const char *end) {
    while (p < end && (*p == '&' || *p == '!')) {
        while (p < end && !is_sp(*p) && *p != '\n') p++;
        while (p < end && is_sp(*p)) p++;
    }
    return p;
}

/* Does the text from p to the end of the line look like "key: ..." (an
 * implicit mapping entry)? Quoted keys count. */
static bool looks_like_mapping(const char *p, const char *end) {
    const char *le = eol(p, end);
    if (p < le && (*p == '"' || *p == '\'')) {
        char q = *p++;
        while (p < le && *p != q) p += (*p == '\\' && q == '"') ? 2 : 1;
        if (p >= le) return false;
        p++;
        while (p < le && is_sp(*p)) p++;
        return p < le && *p == ':';
    }
    for (const char *c = p; c < le; c++) {
        if (*c == '#' && c > p && is_sp(c[-1])) return false;
        if (*c == ':' && (c + 1 == le || is_sp(c[1]) || c[1] == '\r')) return true;
    }
    return false;
}

/* A value that starts at p, inside a node indented `indent`; *pp ends at
 * the start of the next unread line. */
static int parse_value(fm_parser *ps, const char **pp, int indent);

/* A block sequence whose dashes sit at column `ind`, starting at line p. */
static int parse_block_seq(fm_parser *ps, const char **pp, int ind) {
    const char *p = *pp;
    while (p < ps->end) {
        int li = line_indent(p, ps->end);
        if (li < 0) { p = next_line(p, ps->end); continue; }
        if (li != ind) {
            if (li > ind) { p = next_line(p, ps->end); continue; } /* rest of a nested item */
            break;
        }
        const char *c = p + li;
        if (!(*c == '-' && (c + 1 >= ps->end || is_sp(c[1]) || c[1] == '\n' || c[1] == '\r'))) break;
        c++;
        while (c < ps->end && is_sp(*c)) c++;
        c = skip_props(c, ps->end);
        if (c >= ps->end || *c == '\n' || *c == '\r' || *c == '#') {
            /* "-" alone: the item is on the following, deeper lines */
            const char *nl = skip_blank_lines(next_line(c, ps->end), ps->end);
            int ni = nl < ps->end ? line_indent(nl, ps->end) : -1;
            if (ni > ind && !looks_like_mapping(nl + ni, ps->end) && nl[ni] != '-') {
                const char *v = nl + ni;
                int rc = parse_value(ps, &v, ind);
                if (rc) return rc;
                p = v;
            } else {
                p = skip_deeper(next_line(c, ps->end), ps->end, ind);
            }
            continue;
        }
        if ((*c == '-' && (c + 1 >= ps->end || is_sp(c[1]))) || *c == '[' || *c == '{' ||
            looks_like_mapping(c, ps->end)) {
            /* a nested sequence or a mapping item: not a scalar, skip it */
            if (*c == '[' || *c == '{') {
                int rc = skip_flow(ps, &c);
                if (rc) return rc;
            }
            p = skip_deeper(next_line(c, ps->end), ps->end, ind);
            continue;
        }
        int rc = parse_value(ps, &c, ind);
        if (rc) return rc;
        p = c;
    }
    *pp = p;
    return HV_OK;
}

static int parse_value(fm_parser *ps, const char **pp, int indent) {
    const char *p = skip_props(*pp, ps->end);
    if (p >= ps->end || *p == '\n' || *p == '\r' || *p == '#') {
        /* nothing on the key's line: a block sequence, a nested mapping, or null */
        const char *nl = skip_blank_lines(next_line(p, ps->end), ps->end);
        if (nl >= ps->end) { *pp = nl; return HV_OK; }
        int ni = line_indent(nl, ps->end);
        const char *c = nl + ni;
        bool dash = *c == '-' && (c + 1 >= ps->end || is_sp(c[1]) || c[1] == '\n' || c[1] == '\r');
        if (dash && ni >= indent) return *pp = nl, parse_block_seq(ps, pp, ni);
        if (ni > indent && !looks_like_mapping(c, ps->end)) {
            /* a scalar on the next line */
            *pp = c;
            return parse_value(ps, pp, indent);
        }
        *pp = skip_deeper(nl, ps->end, indent); /* nested mapping (or null) */
        return HV_OK;
    }
    switch (*p) {
    case '[': {
        int rc = target_list(ps) || target_scalar(ps) ? parse_flow_seq(ps, &p) : skip_flow(ps, &p);
        if (rc) return rc;
        *pp = p;
        return expect_line_end(ps, pp);
    }
    case '{': {
        int rc = skip_flow(ps, &p);
        if (rc) return rc;
        *pp = p;
        return expect_line_end(ps, pp);
    }
    case '"': case '\'': {
        hv_sv v;
        const char *at = p;
        int rc = parse_quoted(ps, &p, &v);
        if (rc) return rc;
        *pp = p;
        if ((rc = expect_line_end(ps, pp))) return rc;
        return emit(ps, at, v, true);
    }
    case '|': case '>':
        *pp = p;
        return parse_block_scalar(ps, pp, indent);
    case '*':
        /* an alias: we keep no anchors, so its value is unknown */
        *pp = next_line(p, ps->end);
        return HV_OK;
    default:
        *pp = p;
        return parse_plain(ps, pp, indent);
    }
}

static fm_key key_of(hv_sv k) {
    if (hv_sv_eq_cstr(k, "base_model")) return K_BASE_MODEL;
    if (hv_sv_eq_cstr(k, "license")) return K_LICENSE;
    if (hv_sv_eq_cstr(k, "language")) return K_LANGUAGE;
    if (hv_sv_eq_cstr(k, "tags")) return K_TAGS;
    if (hv_sv_eq_cstr(k, "datasets")) return K_DATASETS;
    if (hv_sv_eq_cstr(k, "base_model_relation")) return K_RELATION;
    if (hv_sv_eq_cstr(k, "library_name")) return K_LIBRARY;
    if (hv_sv_eq_cstr(k, "pipeline_tag")) return K_PIPELINE;
    return K_NONE;
}

/* The top-level mapping: one "key: value" per line at the base indent. */
static int parse_mapping(fm_parser *ps) {
    const char *p = ps->blk;
    int base = -1;
    while (p < ps->end) {
        int ind = line_indent(p, ps->end);
        if (ind < 0) { p = next_line(p, ps->end); continue; }
        if (base < 0) base = ind;
        if (ind > base) { p = next_line(p, ps->end); continue; } /* under a skipped key */
        if (ind < base) return fail(ps, p, "line is less indented than the mapping");
        const char *c = p + ind;
        const char *le = eol(c, ps->end);
        hv_sv key;
        const char *after;
        if (*c == '"' || *c == '\'') {
            const char *q = c;
            ps->key = K_NONE;
            int rc = parse_quoted(ps, &q, &key);
            if (rc) return rc;
            while (q < le && is_sp(*q)) q++;
            if (q >= le || *q != ':') return fail(ps, c, "expected ':' after quoted key");
            after = q + 1;
        } else {
            const char *colon = NULL;
            for (const char *x = c; x < le; x++) {
                if (*x == '#' && x > c && is_sp(x[-1])) break;
                if (*x == ':' && (x + 1 == le || is_sp(x[1]) || x[1] == '\r')) { colon = x; break; }
            }
            if (!colon) {
                if (*c == '-' && (c + 1 == le || is_sp(c[1])))
                    return fail(ps, c, "sequence item outside a key");
                return fail(ps, c, "expected 'key: value'");
            }
            const char *ke = colon;
            while (ke > c && is_sp(ke[-1])) ke--;
            key = hv_sv_make(c, (size_t)(ke - c));
            after = colon + 1;
        }
        while (after < le && is_sp(*after)) after++;
        ps->key = key_of(key);
        /* YAML keeps the last of duplicate keys */
        hv_svlist *l = target_list(ps);
        if (l) hv_svlist_clear(l);
        hv_sv *s = target_scalar(ps);
        if (s) *s = hv_sv_make("", 0);
        const char *v = after;
        int rc = parse_value(ps, &v, base);
        if (rc) return rc;
        p = v;
    }
    return HV_OK;
}

static void clear(hv_frontmatter *fm, hv_sv card) {
    fm->present = false;
    fm->body = card;
    hv_svlist_clear(&fm->base_model);
    hv_svlist_clear(&fm->license);
    hv_svlist_clear(&fm->language);
    hv_svlist_clear(&fm->tags);
    hv_svlist_clear(&fm->datasets);
    fm->base_model_relation = fm->library_name = fm->pipeline_tag = hv_sv_make("", 0);
}

/* A delimiter line: exactly `mark` then optional blanks. */
static bool is_delim(const char *p, const char *end, const char *mark) {
    if (end - p < 3 || memcmp(p, mark, 3) != 0) return false;
    p += 3;
    while (p < end && (is_sp(*p) || *p == '\r')) p++;
    return p >= end || *p == '\n';
}

hv_sv frontmatter_body(hv_sv card) {
    const char *p = card.p, *end = card.p + card.n;
    if (!p) return card;
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    while (p < end && (is_sp(*p) || *p == '\n' || *p == '\r')) p++;
    if (!is_delim(p, end, "---")) return card;
    const char *q = next_line(p, end);
    while (q < end && !is_delim(q, end, "---") && !is_delim(q, end, "...")) q = next_line(q, end);
    if (q >= end) return card; /* never closed: no front matter */
    const char *body = next_line(q, end);
    return hv_sv_make(body, (size_t)(end - body));
}

int frontmatter_parse(hv_sv card, hv_frontmatter *fm, hv_arena *mem, hv_err *e) {
    clear(fm, card);
    const char *p = card.p, *end = card.p + card.n;
    if (!p) return HV_OK;
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    size_t line = 1;
    while (p < end && (is_sp(*p) || *p == '\n' || *p == '\r')) line += *p++ == '\n';
    if (!is_delim(p, end, "---")) return HV_OK;
    const char *blk = next_line(p, end);
    const char *q = blk;
    while (q < end && !is_delim(q, end, "---") && !is_delim(q, end, "...")) {
        q = next_line(q, end);
        if ((size_t)(q - blk) > FM_MAX_BLOCK)
            return hv_errf(e, HV_EINPUT, "front matter longer than %zu bytes", FM_MAX_BLOCK);
    }
    if (q >= end) return HV_OK; /* never closed: the Hub sees no front matter either */
    fm_parser ps = {blk, q, line + 1, fm, mem, e, K_NONE};
    int rc = parse_mapping(&ps);
    if (rc) {
        clear(fm, card);
        return rc;
    }
    fm->present = true;
    fm->body = hv_sv_make(next_line(q, end), (size_t)(end - next_line(q, end)));
    return HV_OK;
}

void frontmatter_free(hv_frontmatter *fm) {
    hv_svlist_free(&fm->base_model);
    hv_svlist_free(&fm->license);
    hv_svlist_free(&fm->language);
    hv_svlist_free(&fm->tags);
    hv_svlist_free(&fm->datasets);
}
