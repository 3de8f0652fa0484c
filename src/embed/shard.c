/* shard.c - the row split and the gather of a multi-process embedding
 * (embed/shard.h).  MPI only when hfviz was built with it (HV_HAVE_MPI) and
 * launched by mpirun; otherwise one rank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed/shard.h"

#ifdef HV_HAVE_MPI
#include <mpi.h>
#endif

int shard_init(int *argc, char ***argv, hv_shard *s, hv_err *e) {
    s->rank = 0;
    s->size = 1;
    s->mpi = false;
#ifdef HV_HAVE_MPI
    /* mpirun (Open MPI, MPICH/Hydra, PMIx launchers) sets one of these */
    if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK")) {
        if (MPI_Init(argc, argv) != MPI_SUCCESS) return hv_errf(e, HV_EINTERNAL, "MPI_Init failed");
        MPI_Comm_rank(MPI_COMM_WORLD, &s->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &s->size);
        s->mpi = true;
    }
#else
    (void)argc;
    (void)argv;
    (void)e;
#endif
    return 0;
}

void shard_finalize(hv_shard *s) {
#ifdef HV_HAVE_MPI
    if (s->mpi) MPI_Finalize();
#endif
    s->mpi = false;
}

typedef struct rc_pair {
    uint32_t cost, row;
} rc_pair;

static int by_cost_desc(const void *a, const void *b) {
    const rc_pair *x = a, *y = b;
    if (x->cost != y->cost) return x->cost > y->cost ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int by_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int shard_plan(const hv_shard *s, const uint32_t *cost, uint32_t n, uint32_t **rows, uint32_t *nrows, hv_err *e) {
    *rows = malloc(((size_t)n + 1) * sizeof **rows);
    if (!*rows) return hv_errf(e, HV_ENOMEM, "out of memory planning the shards");
    *nrows = 0;
    if (s->size <= 1) {
        for (uint32_t r = 0; r < n; r++) (*rows)[r] = r;
        *nrows = n;
        return 0;
    }
    rc_pair *p = malloc(((size_t)n + 1) * sizeof *p);
    uint64_t *load = calloc((size_t)s->size, sizeof *load);
    if (!p || !load) {
        free(p);
        free(load);
        free(*rows);
        *rows = NULL;
        return hv_errf(e, HV_ENOMEM, "out of memory planning the shards");
    }
    for (uint32_t r = 0; r < n; r++) p[r] = (rc_pair){cost[r] + 1, r};
    qsort(p, n, sizeof *p, by_cost_desc);
    for (uint32_t i = 0; i < n; i++) { /* largest first, to the least loaded rank (lowest rank on ties) */
        int best = 0;
        for (int k = 1; k < s->size; k++)
            if (load[k] < load[best]) best = k;
        load[best] += p[i].cost;
        if (best == s->rank) (*rows)[(*nrows)++] = p[i].row;
    }
    qsort(*rows, *nrows, sizeof **rows, by_u32);
    free(p);
    free(load);
    return 0;
}

int shard_agree(const hv_shard *s, int rc, hv_err *e) {
#ifdef HV_HAVE_MPI
    if (s->mpi && s->size > 1) {
        int mine = rc ? s->rank : s->size, first;
        MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        if (first == s->size) return 0;
        int code = rc;
        char msg[HV_ERR_LEN];
        snprintf(msg, sizeof msg, "%s", rc ? e->msg : "");
        MPI_Bcast(&code, 1, MPI_INT, first, MPI_COMM_WORLD);
        MPI_Bcast(msg, HV_ERR_LEN, MPI_CHAR, first, MPI_COMM_WORLD);
        msg[HV_ERR_LEN - 1] = 0;
        return hv_errf(e, code ? code : HV_EINTERNAL, "rank %d of %d: %s", first, s->size, msg);
    }
#else
    (void)s;
#endif
    return rc;
}

#define BLOCK ((size_t)1 << 22) /* elements per message: MPI counts are ints */

int shard_gather(const hv_shard *s, const uint32_t *rows, uint32_t nrows, const float *vec, uint32_t dim, float *all,
                 uint32_t n, hv_err *e) {
    if (s->rank == 0)
        for (uint32_t i = 0; i < nrows; i++) memcpy(all + (size_t)rows[i] * dim, vec + (size_t)i * dim, dim * sizeof *all);
#ifdef HV_HAVE_MPI
    if (s->mpi && s->size > 1) {
        if (s->rank != 0) {
            MPI_Send(&nrows, 1, MPI_UINT32_T, 0, 1, MPI_COMM_WORLD);
            for (size_t off = 0; off < nrows; off += BLOCK)
                MPI_Send(rows + off, (int)(nrows - off < BLOCK ? nrows - off : BLOCK), MPI_UINT32_T, 0, 2,
                         MPI_COMM_WORLD);
            size_t total = (size_t)nrows * dim;
            for (size_t off = 0; off < total; off += BLOCK)
                MPI_Send(vec + off, (int)(total - off < BLOCK ? total - off : BLOCK), MPI_FLOAT, 0, 3, MPI_COMM_WORLD);
            return 0;
        }
        int rc = 0;
        for (int r = 1; r < s->size; r++) {
            uint32_t m;
            MPI_Recv(&m, 1, MPI_UINT32_T, r, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            uint32_t *rr = malloc(((size_t)m + 1) * sizeof *rr);
            float *vv = malloc(((size_t)m * dim + 1) * sizeof *vv);
            if (!rr || !vv) { /* keep receiving (the senders block otherwise), then fail */
                rc = hv_errf(e, HV_ENOMEM, "out of memory gathering rank %d's vectors", r);
                free(rr);
                free(vv);
                rr = malloc(BLOCK * sizeof *rr);
                vv = malloc(BLOCK * sizeof *vv);
                if (!rr || !vv) return rc; /* nothing left to try */
                for (size_t off = 0; off < m; off += BLOCK)
                    MPI_Recv(rr, (int)(m - off < BLOCK ? m - off : BLOCK), MPI_UINT32_T, r, 2, MPI_COMM_WORLD,
                             MPI_STATUS_IGNORE);
                for (size_t off = 0, t = (size_t)m * dim; off < t; off += BLOCK)
                    MPI_Recv(vv, (int)(t - off < BLOCK ? t - off : BLOCK), MPI_FLOAT, r, 3, MPI_COMM_WORLD,
                             MPI_STATUS_IGNORE);
                free(rr);
                free(vv);
                continue;
            }
            for (size_t off = 0; off < m; off += BLOCK)
                MPI_Recv(rr + off, (int)(m - off < BLOCK ? m - off : BLOCK), MPI_UINT32_T, r, 2, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
            size_t total = (size_t)m * dim;
            for (size_t off = 0; off < total; off += BLOCK)
                MPI_Recv(vv + off, (int)(total - off < BLOCK ? total - off : BLOCK), MPI_FLOAT, r, 3, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
            for (uint32_t i = 0; i < m && !rc; i++) {
                if (rr[i] >= n) {
                    rc = hv_errf(e, HV_EINTERNAL, "rank %d sent row %u of %u", r, rr[i], n);
                    break;
                }
                memcpy(all + (size_t)rr[i] * dim, vv + (size_t)i * dim, dim * sizeof *all);
            }
            free(rr);
            free(vv);
        }
        return rc;
    }
#else
    (void)n;
    (void)e;
#endif
    return 0;
}
