/* jsonw.h - a streaming JSON writer into an hv_buf.
 *
 * The writer puts commas and colons itself: call jw_key before each value
 * inside an object, nothing before values inside an array.  Strings are
 * escaped as RFC 8259 asks (control characters as \u00XX); bytes that are
 * not valid UTF-8 become U+FFFD, so the output always parses.  Doubles that
 * are not finite are written as null.  Any failure to grow the buffer (its
 * cap) sets jw->failed; the text is then incomplete and must not be sent.
 *
 * Bulk numeric output goes through here too: jw_num prints with %.9g
 * (float precision), jw_num17 with %.17g (round-trips a double). */
#ifndef HV_JSONW_H
#define HV_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/sv.h"

#define JW_MAX_DEPTH 64

typedef struct hv_jw {
    hv_buf *b;
    uint32_t depth;
    bool failed;
    bool after_key;
    bool need_comma[JW_MAX_DEPTH + 1];
} hv_jw;

void jw_init(hv_jw *w, hv_buf *b);

void jw_obj(hv_jw *w);
void jw_obj_end(hv_jw *w);
void jw_arr(hv_jw *w);
void jw_arr_end(hv_jw *w);
void jw_key(hv_jw *w, const char *key);

void jw_str(hv_jw *w, hv_sv s);
void jw_cstr(hv_jw *w, const char *s); /* NULL -> null */
void jw_int(hv_jw *w, int64_t v);
void jw_uint(hv_jw *w, uint64_t v);
void jw_num(hv_jw *w, double v);
void jw_num17(hv_jw *w, double v);
void jw_bool(hv_jw *w, bool v);
void jw_null(hv_jw *w);
/* Already-encoded JSON text, inserted as one value. */
void jw_raw(hv_jw *w, hv_sv json);

/* Escape s as the inside of a JSON string (no quotes) onto b. */
int jw_escape(hv_buf *b, hv_sv s);

#endif
