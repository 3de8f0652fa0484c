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

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

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
    size_t i = 0;
    while (i + g <= n) {
        /* skip eight bytes at a time while none of them is 'g' or 'G' */
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            uint64_t x = (w | (ONES * 0x20)) ^ (ONES * 'g'); /* a zero byte where (b | 0x20) == 'g' */
            if (!((x - ONES) & ~x & HIGHS)) {
                i += 8;
                continue;
            }
        }
        if ((s[i] | 0x20) == 'g' && matches_ci(s + i, GEN, g)) {
            if (i >= a + 1 && s[i - 1] == ' ' && matches_ci(s + i - a - 1, AUTO, a)) return true;
            if (i + g + 1 + a <= n && s[i + g] == ' ' && matches_ci(s + i + g + 1, AUTO, a)) return true;
        }
        i++;
    }
    return false;
}

/* Bytes of w (all < 0x80) within [lo, hi]: 0x80 in each such byte. */
static uint64_t in_range(uint64_t w, unsigned lo, unsigned hi) {
    uint64_t ge_lo = w + ONES * (0x80 - lo);
    uint64_t gt_hi = w + ONES * (0x7F - hi);
    return ge_lo & ~gt_hi & HIGHS;
}

/* The high bit of each byte, gathered into an 8-bit mask (bit i = byte i). */
static unsigned gather(uint64_t m) { return (unsigned)((((m >> 7) & ONES) * 0x0102040810204080ULL) >> 56); }

void cardfacts_compute(hv_sv card, hv_cardfacts *out) {
    const unsigned char *s = (const unsigned char *)card.p;
    size_t n = card.n, i = 0;
    uint64_t chars = 0, words = 0;
    bool in_word = false;
    while (i < n) {
        /* eight ASCII bytes at a time: a word starts at a non-space byte
         * whose previous byte is a space (or the run begins outside a word) */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & HIGHS) break;
            unsigned sp = gather(in_range(w, 0x09, 0x0D) | in_range(w, 0x1C, 0x20));
            unsigned prev_sp = ((sp << 1) | (in_word ? 0u : 1u)) & 0xFFu;
            words += (uint64_t)__builtin_popcount(~sp & prev_sp & 0xFFu);
            in_word = !(sp & 0x80u);
            chars += 8;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = s[i];
        bool sp;
        if (c < 0x80) {
            sp = ascii_space(c);
        } else if ((c & 0xC0) == 0x80) {
            i++;
            continue; /* continuation byte: same character */
        } else {
            sp = multibyte_space(s + i, n - i);
        }
        i++;
        chars++;
        words += !sp && !in_word;
        in_word = !sp;
    }
    out->chars = chars;
    out->words = words;
    out->autogen = autogen_phrase(card.p, n);
}
