/* cardstore.h - model-card text kept on disk, not in RAM.
 *
 * Cards are appended in order and packed into zstd-compressed blocks of
 * about 256 KiB; an index gives each entry's block, offset and length, so
 * one card costs one block decompression to read.
 *
 * File layout (little-endian):
 *   "HVCARDS1"                                   8 bytes
 *   compressed blocks, back to back
 *   block table: nblocks x {u64 file_off, u32 csize, u32 rawsize}
 *   entry index: nentries x {u32 block, u32 offset, u32 len}
 *   footer: u64 blocks_off, u64 nblocks, u64 index_off, u64 nentries, "HVCARDS1"
 * The writer writes PATH.tmp and renames it on close, so a failed run
 * leaves no partial store behind. */
#ifndef HV_CARDSTORE_H
#define HV_CARDSTORE_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/sv.h"

typedef struct hv_cardstore_writer hv_cardstore_writer;
typedef struct hv_cardstore hv_cardstore;

hv_cardstore_writer *cardstore_create(const char *path, hv_err *e);
/* Append a card; *entry gets its number (0, 1, 2, ...). */
int cardstore_put(hv_cardstore_writer *w, hv_sv card, uint32_t *entry, hv_err *e);
/* Flush, write the index, rename into place; frees w. */
int cardstore_close(hv_cardstore_writer *w, hv_err *e);
/* Discard everything written (removes the temp file); frees w. */
void cardstore_abort(hv_cardstore_writer *w);

hv_cardstore *cardstore_open(const char *path, hv_err *e);
/* A store embedded in a larger file (a map) at [base, base + size). */
hv_cardstore *cardstore_open_at(const char *path, uint64_t base, uint64_t size, hv_err *e);
uint32_t cardstore_count(const hv_cardstore *s);
/* Copy entry's text into out (cleared first). */
int cardstore_get(hv_cardstore *s, uint32_t entry, hv_buf *out, hv_err *e);
void cardstore_close_reader(hv_cardstore *s); /* accepts NULL */

#endif
