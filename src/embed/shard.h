/* shard.h - one embedding job over several processes (MPI), or one.
 *
 * `mpirun -np K hfviz embed ...` starts K copies; each reads the inputs,
 * takes its share of the rows (balanced by text length: the encoder's cost
 * grows with the tokens), embeds them, and rank 0 gathers every share into
 * the full matrix in row order.  Without mpirun (or in a build without MPI)
 * the same calls run as a single rank: shard_plan gives it every row and
 * shard_gather copies.  Every collective step first agrees on success, so a
 * rank that fails makes every rank stop with that rank's message. */
#ifndef HV_SHARD_H
#define HV_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct hv_shard {
    int rank, size;
    bool mpi; /* MPI_Init was called */
} hv_shard;

/* Start MPI when launched by mpirun (its environment says so), else one rank. */
int shard_init(int *argc, char ***argv, hv_shard *s, hv_err *e);
void shard_finalize(hv_shard *s);

/* Rows of this rank: n rows with cost[r] each, dealt so every rank's total
 * cost is about equal (largest first to the least loaded rank); *rows gets
 * this rank's rows in increasing order (free() it). */
int shard_plan(const hv_shard *s, const uint32_t *cost, uint32_t n, uint32_t **rows, uint32_t *nrows, hv_err *e);

/* All ranks: agree on success.  rc/e are this rank's outcome; on return every
 * rank has the first failing rank's code and message ("rank R: ...") or 0. */
int shard_agree(const hv_shard *s, int rc, hv_err *e);

/* Gather each rank's vectors (nrows x dim, rows[] as shard_plan gave) into
 * all (n x dim, rank 0 only; NULL elsewhere). */
int shard_gather(const hv_shard *s, const uint32_t *rows, uint32_t nrows, const float *vec, uint32_t dim, float *all,
                 uint32_t n, hv_err *e);

#endif
