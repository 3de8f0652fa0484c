/* le.h - little-endian integers in byte buffers (the on-disk formats we
 * write: the map file and the card store). */
#ifndef HV_LE_H
#define HV_LE_H

#include <stdint.h>

static inline void hv_le_put32(uint8_t *b, uint32_t v) { for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i)); }
static inline void hv_le_put64(uint8_t *b, uint64_t v) { for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i)); }
static inline uint32_t hv_le_get32(const uint8_t *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t hv_le_get64(const uint8_t *b) { return hv_le_get32(b) | (uint64_t)hv_le_get32(b + 4) << 32; }

#endif
