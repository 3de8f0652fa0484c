/* cardfacts.c - one pass per measure over the card bytes (UTF-8). */
#include "catalog/cardfacts.h"

#include <string.h>

/* Python's str.isspace() code points, as str.split() uses them. */
static bool is_py_space(uint32_t c) {
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

static const char *find_ci(const char *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    if (m > n) return NULL;
    const char first = needle[0];
    for (size_t i = 0; i + m <= n; i++) {
        char c = hay[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != first) continue;
        size_t k = 1;
        for (; k < m; k++) {
            char d = hay[i + k];
            if (d >= 'A' && d <= 'Z') d = (char)(d + 32);
            if (d != needle[k]) break;
        }
        if (k == m) return hay + i;
    }
    return NULL;
}

void cardfacts_compute(hv_sv card, hv_cardfacts *out) {
    const unsigned char *s = (const unsigned char *)card.p;
    size_t n = card.n, i = 0;
    uint64_t chars = 0, words = 0;
    bool in_word = false;
    while (i < n) {
        uint32_t c = s[i];
        size_t len = 1;
        if (c >= 0xF0 && i + 3 < n) { c = ((c & 7u) << 18) | ((s[i + 1] & 63u) << 12) | ((s[i + 2] & 63u) << 6) | (s[i + 3] & 63u); len = 4; }
        else if (c >= 0xE0 && i + 2 < n) { c = ((c & 15u) << 12) | ((s[i + 1] & 63u) << 6) | (s[i + 2] & 63u); len = 3; }
        else if (c >= 0xC0 && i + 1 < n) { c = ((c & 31u) << 6) | (s[i + 1] & 63u); len = 2; }
        i += len;
        chars++;
        bool sp = is_py_space(c);
        if (!sp && !in_word) words++;
        in_word = !sp;
    }
    out->chars = chars;
    out->words = words;
    out->autogen = find_ci(card.p, n, "automatically generated") || find_ci(card.p, n, "generated automatically");
}
