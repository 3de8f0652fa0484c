/* utf8.h - UTF-8 validation. */
#ifndef HV_UTF8_H
#define HV_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when p[0..n) is well-formed UTF-8 (no overlongs, no surrogates).
 * On failure *bad_at (if not NULL) gets the offset of the first bad byte. */
bool hv_utf8_valid(const char *p, size_t n, size_t *bad_at);

#endif
