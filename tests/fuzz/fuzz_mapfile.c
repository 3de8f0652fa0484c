/* fuzz_mapfile.c - the map reader on damaged maps.  Mutated bytes would
 * almost never get past the CRCs, so the harness first recomputes every
 * checksum the input's own table describes: what is fuzzed is the
 * structural validation behind them (bounds, counts, stored indexes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mapfile/map.h"
#include "mapfix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *d = malloc(size ? size : 1);
    if (!d) return 0;
    memcpy(d, data, size);
    fix_checksums(d, size);
    int fd = memfd_create("fuzzmap", 0);
    if (fd < 0) abort();
    if (size && write(fd, d, size) != (ssize_t)size) abort();
    free(d);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    hv_map m;
    hv_err e;
    int rc = map_open(path, true, &m, &e);
    if (rc == HV_OK) {
        /* a map that opens must be safe to walk */
        volatile uint64_t sink = 0;
        for (uint32_t r = 0; r < m.n; r++) {
            hv_sv id = map_id(&m, r);
            sink += id.n + map_find(&m, id);
            sink += map_str(&m, m.library[r]).n;
            for (uint64_t k = m.edge_off[r]; k < m.edge_off[r + 1]; k++) sink += m.edges[k].parent;
            for (uint64_t i = m.tags.off[r]; i < m.tags.off[r + 1]; i++) sink += map_str(&m, m.tags.val[i]).n;
            if (m.cluster) sink += map_cluster_label(&m, m.cluster[r]).n;
            if (m.root) sink += map_id(&m, m.root[r]).n;
            for (uint32_t j = 0; j < m.k; j++) {
                uint32_t nb = m.knn_idx[(uint64_t)r * m.k + j];
                if (nb != UINT32_MAX) sink += map_id(&m, nb).n;
            }
        }
        map_close(&m);
    } else if (rc != HV_EINPUT && rc != HV_EIO && rc != HV_ENOMEM) {
        abort();
    }
    close(fd);
    return 0;
}
