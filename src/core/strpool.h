/* strpool.h - string interning: each distinct string stored once, named by a
 * dense uint32 id.
 *
 * Id 0 is always the empty string, so 0 can mean "none" in catalog columns.
 * Returned views stay valid until strpool_free (bytes live in stable chunks). */
#ifndef HV_STRPOOL_H
#define HV_STRPOOL_H

#include <stdint.h>

#include "core/sv.h"

typedef struct hv_strpool hv_strpool;

hv_strpool *strpool_new(void);
void strpool_free(hv_strpool *sp); /* accepts NULL */

/* Intern s; *id gets its id.  Returns 0, or -1 when out of memory. */
int strpool_intern(hv_strpool *sp, hv_sv s, uint32_t *id);
/* 1 and *id when s is interned, else 0. */
int strpool_find(const hv_strpool *sp, hv_sv s, uint32_t *id);
hv_sv strpool_get(const hv_strpool *sp, uint32_t id);
uint32_t strpool_count(const hv_strpool *sp);
/* Bytes held (strings + index), for memory reports. */
size_t strpool_bytes(const hv_strpool *sp);

uint64_t hv_hash_bytes(const void *p, size_t n);

#endif
