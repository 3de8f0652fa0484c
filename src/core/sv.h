/* sv.h - string views and small growable lists of them.
 *
 * A view points into memory someone else owns; the owner is named at each API
 * that hands one out.  Views are not NUL-terminated. */
#ifndef HV_SV_H
#define HV_SV_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct hv_sv {
    const char *p;
    size_t n;
} hv_sv;

static inline hv_sv hv_sv_make(const char *p, size_t n) { hv_sv s = {p, n}; return s; }
static inline hv_sv hv_sv_cstr(const char *p) { hv_sv s = {p, p ? strlen(p) : 0}; return s; }
static inline bool hv_sv_eq(hv_sv a, hv_sv b) { return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0); }
static inline bool hv_sv_eq_cstr(hv_sv a, const char *b) { return hv_sv_eq(a, hv_sv_cstr(b)); }
static inline bool hv_sv_starts(hv_sv a, const char *prefix) {
    size_t n = strlen(prefix);
    return a.n >= n && memcmp(a.p, prefix, n) == 0;
}
/* Trim ASCII whitespace at both ends. */
hv_sv hv_sv_trim(hv_sv s);
/* Case-insensitive ASCII equality. */
bool hv_sv_ieq(hv_sv a, const char *b);

/* A list of views; the list owns its array, not the bytes. */
typedef struct hv_svlist {
    hv_sv *v;
    size_t n, cap;
} hv_svlist;

/* Returns 0, or -1 when out of memory. */
int hv_svlist_push(hv_svlist *l, hv_sv s);
static inline void hv_svlist_clear(hv_svlist *l) { l->n = 0; }
void hv_svlist_free(hv_svlist *l);
bool hv_svlist_contains(const hv_svlist *l, hv_sv s);

#endif
