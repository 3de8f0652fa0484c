/* fuzz_parquet.c - libFuzzer target: open bytes as a Parquet file and read
 * every row of every column.  Any status is fine; a crash, a sanitizer
 * report, a leak or a runaway allocation is a bug. */
#include <stdint.h>
#include <stdlib.h>

#include "ingest/parquet/parquet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    pq_file *f = NULL;
    hv_err e = {0};
    if (pq_open_memory(data, size, "fuzz", &f, &e) != HV_OK) return 0;
    uint32_t nc = pq_num_columns(f);
    pq_cursor **cur = calloc(nc ? nc : 1, sizeof *cur);
    for (uint32_t i = 0; cur && i < nc; i++) cur[i] = pq_cursor_new(f, i);
    int rc = cur ? HV_OK : HV_ENOMEM;
    for (uint32_t rg = 0; rg < pq_num_row_groups(f) && !rc; rg++) {
        for (uint32_t i = 0; i < nc && !rc; i++) rc = pq_cursor_start(cur[i], rg, &e);
        for (int64_t r = 0; r < pq_row_group_rows(f, rg) && !rc; r++) {
            for (uint32_t i = 0; i < nc && !rc; i++) {
                pq_cell cell;
                rc = pq_cursor_next(cur[i], &cell, &e);
            }
        }
    }
    for (uint32_t i = 0; cur && i < nc; i++) pq_cursor_free(cur[i]);
    free(cur);
    pq_close(f);
    return 0;
}
