/* sv.c - string view helpers. */
#include "core/sv.h"

#include <stdlib.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

hv_sv hv_sv_trim(hv_sv s) {
    while (s.n && is_space(s.p[0])) { s.p++; s.n--; }
    while (s.n && is_space(s.p[s.n - 1])) s.n--;
    return s;
}

bool hv_sv_ieq(hv_sv a, const char *b) {
    size_t n = strlen(b);
    if (a.n != n) return false;
    for (size_t i = 0; i < n; i++) {
        char x = a.p[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

int hv_svlist_push(hv_svlist *l, hv_sv s) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        hv_sv *v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

void hv_svlist_free(hv_svlist *l) {
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

bool hv_svlist_contains(const hv_svlist *l, hv_sv s) {
    for (size_t i = 0; i < l->n; i++)
        if (hv_sv_eq(l->v[i], s)) return true;
    return false;
}
