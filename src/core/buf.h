/* buf.h - a growable byte buffer with a size cap.
 *
 * Used as scratch space by parsers (unescaped strings land here) and to build
 * output.  Every buffer carries a maximum size so a hostile input cannot make
 * it grow without bound (curl's dynbuf does the same). */
#ifndef HV_BUF_H
#define HV_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct hv_buf {
    char *p;
    size_t n, cap;
    size_t max; /* 0 means HV_BUF_DEFAULT_MAX */
} hv_buf;

/* 1 GiB: far above any single field of the dataset (the longest real model
 * card is a few MB) yet small enough to fail cleanly on garbage. */
#define HV_BUF_DEFAULT_MAX ((size_t)1 << 30)

/* Each returns 0, or -1 if the allocation failed or the cap was reached. */
int hv_buf_reserve(hv_buf *b, size_t extra);
int hv_buf_append(hv_buf *b, const void *p, size_t n);
int hv_buf_putc(hv_buf *b, char c);
int hv_buf_printf(hv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append the UTF-8 encoding of code point cp (must be valid). */
int hv_buf_put_utf8(hv_buf *b, uint32_t cp);
static inline void hv_buf_clear(hv_buf *b) { b->n = 0; }
void hv_buf_free(hv_buf *b);

#endif
