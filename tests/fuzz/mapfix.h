/* mapfix.h - recompute a map's checksums from its own (possibly damaged)
 * table, so fuzzing and corpus replay reach the structural checks behind
 * the CRCs.  Test code only. */
#ifndef HV_MAPFIX_H
#define HV_MAPFIX_H

#include <stdint.h>
#include <string.h>
#include <zlib.h>

static inline uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static inline void fix_checksums(uint8_t *d, size_t n) {
    if (n < 64 || memcmp(d, "HFVIZMAP", 8)) return;
    uint32_t nsec = rd32(d + 12);
    uint64_t table = rd64(d + 24);
    if (table <= n && nsec <= (n - table) / 64) {
        for (uint32_t i = 0; i < nsec; i++) {
            uint8_t *en = d + table + 64 * (size_t)i;
            uint64_t off = rd64(en + 32), size = rd64(en + 40);
            if (off <= n && size <= n - off) wr32(en + 52, (uint32_t)crc32(0, d + off, (uInt)size));
        }
        wr32(d + 32, (uint32_t)crc32(0, d + table, (uInt)(64 * (size_t)nsec)));
    }
    wr32(d + 36, (uint32_t)crc32(0, d, 36));
}

#endif
