/* cardfacts.c - the card measures in two passes over the bytes, built for
 * speed: the full dataset has gigabytes of cards and every byte is looked
 * at here.  ASCII bytes take a table lookup; only the lead bytes of the few
 * multi-byte whitespace characters get decoded. */
#include "catalog/cardfacts.h"

#include <string.h>

/* ASCII whitespace as Python's str.isspace() sees it: \t\n\v\f\r, 0x1c-0x1f, ' ' */
static bool ascii_space(unsigned char c) { return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20); }

/* Multi-byte Python whitespace: U+0085, U+00A0, U+1680, U+2000-200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000.  s points at a lead byte, left bytes remain. */
static bool multibyte_space(const unsigned char *s, size_t left) {
    switch (s[0]) {
    case 0xC2: return left >= 2 && (s[1] == 0x85 || s[1] == 0xA0);
    case 0xE1: return left >= 3 && s[1] == 0x9A && s[2] == 0x80;
    case 0xE2:
        if (left < 3) return false;
        if (s[1] == 0x80) return s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF;
        return s[1] == 0x81 && s[2] == 0x9F;
    case 0xE3: return left >= 3 && s[1] == 0x80 && s[2] == 0x80;
    default: return false;
    }
}

static bool matches_ci(const char *p, const char *lower, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((char)(p[i] | 0x20) != lower[i]) return false;
    return true;
}

/* "automatically generated" or "generated automatically", ASCII case-folded:
 * find each "generated" and look around it. */
static bool autogen_phrase(const char *s, size_t n) {
    static const char GEN[] = "generated", AUTO[] = "automatically";
    const size_t g = sizeof GEN - 1, a = sizeof AUTO - 1;
    for (size_t i = 0; i + g <= n; i++) {
        if ((s[i] | 0x20) != 'g' || !matches_ci(s + i, GEN, g)) continue;
        if (i >= a + 1 && s[i - 1] == ' ' && matches_ci(s + i - a - 1, AUTO, a)) return true;
        if (i + g + 1 + a <= n && s[i + g] == ' ' && matches_ci(s + i + g + 1, AUTO, a)) return true;
    }
    return false;
}

void cardfacts_compute(hv_sv card, hv_cardfacts *out) {
    const unsigned char *s = (const unsigned char *)card.p;
    size_t n = card.n;
    uint64_t chars = 0, words = 0;
    bool in_word = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        bool sp;
        if (c < 0x80) {
            sp = ascii_space(c);
        } else if ((c & 0xC0) == 0x80) {
            continue; /* continuation byte: same character */
        } else {
            sp = multibyte_space(s + i, n - i);
        }
        chars++;
        words += !sp && !in_word;
        in_word = !sp;
    }
    out->chars = chars;
    out->words = words;
    out->autogen = autogen_phrase(card.p, n);
}
