/* jsonw.c - see jsonw.h. */
#include "core/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void jw_init(hv_jw *w, hv_buf *b) {
    memset(w, 0, sizeof *w);
    w->b = b;
}

static void put(hv_jw *w, const char *p, size_t n) {
    if (!w->failed && hv_buf_append(w->b, p, n)) w->failed = true;
}

/* Separator before a value or a key at the current level. */
static void sep(hv_jw *w) {
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->need_comma[w->depth]) put(w, ",", 1);
    w->need_comma[w->depth] = true;
}

static void open_(hv_jw *w, char c) {
    sep(w);
    put(w, &c, 1);
    if (w->depth >= JW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    w->depth++;
    w->need_comma[w->depth] = false;
}

static void close_(hv_jw *w, char c) {
    if (w->depth == 0) {
        w->failed = true;
        return;
    }
    w->depth--;
    put(w, &c, 1);
}

void jw_obj(hv_jw *w) { open_(w, '{'); }
void jw_obj_end(hv_jw *w) { close_(w, '}'); }
void jw_arr(hv_jw *w) { open_(w, '['); }
void jw_arr_end(hv_jw *w) { close_(w, ']'); }

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
    unsigned c = p[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

int jw_escape(hv_buf *b, hv_sv s) {
    const unsigned char *p = (const unsigned char *)s.p;
    size_t i = 0, run = 0; /* bytes [i - run, i) are pending verbatim */
    static const char hex[] = "0123456789abcdef";
    while (i < s.n) {
        unsigned c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++, run++;
            continue;
        }
        if (c >= 0x80) {
            size_t len = utf8_seq(p + i, s.n - i);
            if (len) {
                i += len, run += len;
                continue;
            }
        }
        if (run && hv_buf_append(b, p + i - run, run)) return -1;
        run = 0;
        char esc[8];
        size_t en = 2;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            if (c < 0x20) {
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                en = 6;
            } else { /* a byte that starts no valid UTF-8 sequence */
                memcpy(esc, "\xEF\xBF\xBD", 3);
                en = 3;
            }
        }
        if (hv_buf_append(b, esc, en)) return -1;
        i++;
    }
    if (run && hv_buf_append(b, p + i - run, run)) return -1;
    return 0;
}

static void str_(hv_jw *w, hv_sv s) {
    put(w, "\"", 1);
    if (!w->failed && jw_escape(w->b, s)) w->failed = true;
    put(w, "\"", 1);
}

void jw_key(hv_jw *w, const char *key) {
    sep(w);
    str_(w, hv_sv_cstr(key));
    put(w, ":", 1);
    w->after_key = true;
}

void jw_str(hv_jw *w, hv_sv s) {
    sep(w);
    str_(w, s);
}

void jw_cstr(hv_jw *w, const char *s) {
    if (!s) {
        jw_null(w);
        return;
    }
    jw_str(w, hv_sv_cstr(s));
}

/* Decimal digits of v, written backwards from end; returns the start.
 * (snprintf costs more than the rest of a small object.) */
static char *utoa_back(uint64_t v, char *end) {
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

void jw_int(hv_jw *w, int64_t v) {
    char t[24], *e = t + sizeof t;
    char *p = utoa_back(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, e);
    if (v < 0) *--p = '-';
    sep(w);
    put(w, p, (size_t)(e - p));
}

void jw_uint(hv_jw *w, uint64_t v) {
    char t[24], *e = t + sizeof t;
    char *p = utoa_back(v, e);
    sep(w);
    put(w, p, (size_t)(e - p));
}

static void num_(hv_jw *w, double v, const char *fmt) {
    if (!isfinite(v)) {
        jw_null(w);
        return;
    }
    char t[40];
    int n = snprintf(t, sizeof t, fmt, v);
    sep(w);
    put(w, t, (size_t)n);
}

/* %.9g without snprintf for the common range: 9 significant digits of
 * |v| in [1e-4, 1e9), trailing zeros dropped.  snprintf costs ~0.3 us a
 * number, more than the rest of a small object; the digits are the same
 * except that %.9g may print an exponent where this prints zeros. */
void jw_num(hv_jw *w, double v) {
    static const double P10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                 1e10, 1e11, 1e12, 1e13};
    double a = fabs(v);
    if (!isfinite(v) || a >= 1e9 || (a < 1e-4 && a != 0)) {
        num_(w, v, "%.9g");
        return;
    }
    if (a == 0) {
        jw_int(w, 0);
        return;
    }
    int ip = 0; /* digits before the point (<= 0 below 1) */
    while (ip < 9 && a >= P10[ip]) ip++;
    int lead0 = 0; /* zeros right after the point, for a < 1 */
    if (ip == 0)
        while (a * P10[lead0 + 1] < 1) lead0++;
    int dec = ip > 0 ? 9 - ip : 9 + lead0; /* digits after the point */
    /* below 1e13, exact in a double; a carry into a tenth digit (0.9999999999)
     * still prints the right value */
    double scaled = round(a * P10[dec]);
    uint64_t u = (uint64_t)scaled;
    char t[40], *e = t + sizeof t, *p = e;
    /* fraction digits, dropping trailing zeros */
    int d = dec;
    while (d > 0 && u % 10 == 0) u /= 10, d--;
    for (int i = 0; i < d; i++) *--p = (char)('0' + u % 10), u /= 10;
    if (d > 0) *--p = '.';
    p = utoa_back(u, p);
    if (v < 0) *--p = '-';
    sep(w);
    put(w, p, (size_t)(e - p));
}
void jw_num17(hv_jw *w, double v) { num_(w, v, "%.17g"); }

void jw_bool(hv_jw *w, bool v) {
    sep(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(hv_jw *w) {
    sep(w);
    put(w, "null", 4);
}

void jw_raw(hv_jw *w, hv_sv json) {
    sep(w);
    put(w, json.p, json.n);
}
