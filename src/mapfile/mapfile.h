/* mapfile.h - the map file: one versioned, mmap-able file that `hfviz
 * build` writes and `hfviz serve` / `info` / `export` read.
 *
 * Layout (little-endian; docs/map-format.md has the section list):
 *   header, 64 bytes:
 *     "HFVIZMAP" | u32 version | u32 nsections | u64 file_size |
 *     u64 table_offset | u32 table_crc | u32 header_crc (of bytes 0..39) | 16 reserved
 *   sections, each starting on a 64-byte boundary
 *   section table: nsections x 64-byte entries
 *     char name[32] (NUL-padded) | u64 offset | u64 size | u32 elem_size | u32 crc32 | u64 count
 * Sections are plain arrays (elem_size bytes each, count of them) or blobs
 * (elem_size 1).  Every section and the table carry a CRC-32 (zlib's).
 *
 * The writer writes PATH.tmp, fsyncs it and renames it over PATH, so a
 * failed build never damages an existing map. */
#ifndef HV_MAPFILE_H
#define HV_MAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define HV_MAP_MAGIC "HFVIZMAP"
#define HV_MAP_VERSION 1u
#define HV_MAP_NAME_LEN 32

typedef struct hv_mapwriter hv_mapwriter;

hv_mapwriter *mapwriter_create(const char *path, hv_err *e);
/* Append a section; count elements of elem_size bytes at data. */
int mapwriter_add(hv_mapwriter *w, const char *name, const void *data, size_t elem_size, uint64_t count, hv_err *e);
/* Append a section streamed in pieces: begin, write* , end. */
int mapwriter_begin(hv_mapwriter *w, const char *name, size_t elem_size, hv_err *e);
int mapwriter_write(hv_mapwriter *w, const void *data, size_t n, hv_err *e);
int mapwriter_end(hv_mapwriter *w, hv_err *e);
/* Write the table and header, fsync, rename into place; frees w. */
int mapwriter_close(hv_mapwriter *w, hv_err *e);
/* Give up: remove the temp file; frees w (accepts NULL). */
void mapwriter_abort(hv_mapwriter *w);

typedef struct hv_section {
    char name[HV_MAP_NAME_LEN + 1];
    uint64_t offset, size, count;
    uint32_t elem_size, crc;
} hv_section;

typedef struct hv_mapfile {
    char *path;
    const uint8_t *base; /* the whole file, mmap'ed read-only */
    uint64_t size;
    uint32_t version;
    hv_section *sections;
    uint32_t nsections;
} hv_mapfile;

/* Open and validate the header and table (bounds, overlaps, CRC of the
 * table).  With verify, also check every section's CRC (reads the file). */
int mapfile_open(const char *path, bool verify, hv_mapfile *m, hv_err *e);
void mapfile_close(hv_mapfile *m);
/* True when the file at path starts with the map magic. */
bool mapfile_sniff(const char *path);

/* The section called name, or NULL. */
const hv_section *mapfile_find(const hv_mapfile *m, const char *name);
/* Pointer to a section's data, checking element size and (if want_count is
 * not UINT64_MAX) its count; HV_EINPUT naming the section otherwise. */
int mapfile_get(const hv_mapfile *m, const char *name, size_t elem_size, uint64_t want_count, const void **data,
                uint64_t *count, hv_err *e);

#endif
