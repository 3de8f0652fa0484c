/* map.h - what a map holds, written from the build's structs and read back
 * as typed pointers into the mmap'ed file (no copying, no parsing).
 *
 * Section names and contents are listed in docs/map-format.md.  Readers get
 * every array with its length checked against the model count, so a map
 * that opens is safe to index with any row < n. */
#ifndef HV_MAP_H
#define HV_MAP_H

#include <stdint.h>

#include "catalog/catalog.h"
#include "core/sv.h"
#include "mapfile/mapfile.h"

/* Everything the build hands to the writer.  NULL/0 parts are left out. */
typedef struct hv_map_parts {
    const hv_catalog *catalog;
    /* lineage (per row) and families */
    const uint32_t *depth, *root, *family;
    uint32_t nfamilies;
    const uint32_t *family_size, *family_root;
    uint32_t lineage_mask;
    /* embedding: n x dim, stored as f16 */
    const float *vectors;
    uint32_t dim;
    /* kNN graph: n x k */
    const uint32_t *knn_idx;
    const float *knn_dist;
    uint32_t k;
    /* layouts */
    const float *coords2d, *coords3d;
    /* clusters */
    const uint32_t *cluster;
    uint32_t nclusters;
    char *const *cluster_labels;
    const float *centroids; /* nclusters x dim */
    /* the card store file to embed, or NULL */
    const char *cardstore_path;
    /* build description (JSON text) */
    const char *meta_json;
    /* Sections owned by other modules (the search index, the embedder's
     * query model), written after the ones above; each module reads its
     * own back with mapfile_get(&map->file, ...). */
    int (*extra)(void *ud, hv_mapwriter *w, hv_err *e);
    void *extra_ud;
} hv_map_parts;

int map_write(const char *path, const hv_map_parts *parts, hv_err *e);

typedef struct hv_map_list {
    const uint64_t *off; /* n + 1 */
    const uint32_t *val;
} hv_map_list;

typedef struct hv_map {
    hv_mapfile file;
    uint32_t n;
    /* strings: the id pool (model ids, also of external parents) and the rest */
    uint32_t nids, nstrs;
    const uint64_t *ids_off, *strs_off;
    const char *ids_bytes, *strs_bytes;
    const uint32_t *row_id;   /* row -> id pool id */
    const uint32_t *id_row;   /* id pool id -> row or HV_NO_ROW */
    const uint32_t *id_hash;  /* open-addressing table of id pool ids */
    uint64_t id_hash_size;    /* power of two */
    /* catalog columns */
    const uint32_t *author, *pipeline, *library;
    const int64_t *likes, *downloads, *created_at;
    const double *trending;
    const uint8_t *has, *is_private, *has_card, *card_autogen, *card_frontmatter;
    const uint32_t *card_chars, *card_words, *card_ref;
    hv_map_list tags, licenses, languages, datasets, arxiv, regions;
    hv_map_list parents[HV_REL_COUNT]; /* id pool ids, as declared */
    const hv_edge *edges;
    uint64_t nedges;
    const uint64_t *edge_off;   /* n + 1 */
    hv_map_list edge_children;  /* parent row -> edge indices */
    /* lineage */
    const uint32_t *depth, *root, *family;
    uint32_t nfamilies;
    const uint32_t *family_size, *family_root;
    /* layouts (NULL when not built) */
    const float *coords2d, *coords3d;
    /* clusters (NULL / 0 when not built) */
    const uint32_t *cluster;
    uint32_t nclusters;
    const uint64_t *cluster_label_off;
    const char *cluster_label_bytes;
    const float *centroids;
    /* kNN graph (k = 0 when absent) */
    uint32_t k;
    const uint32_t *knn_idx;
    const float *knn_dist;
    /* embedding as IEEE half floats (dim = 0 when absent) */
    uint32_t dim;
    const uint16_t *vectors_f16;
    /* the embedded card store (size 0 when absent) */
    uint64_t cards_offset, cards_size;
    /* build description */
    hv_sv meta_json;
} hv_map;

int map_open(const char *path, bool verify, hv_map *m, hv_err *e);
void map_close(hv_map *m);

hv_sv map_id(const hv_map *m, uint32_t row);
hv_sv map_idpool(const hv_map *m, uint32_t id);
hv_sv map_str(const hv_map *m, uint32_t sid);
hv_sv map_cluster_label(const hv_map *m, uint32_t c);
/* Row of a model id, or HV_NO_ROW. */
uint32_t map_find(const hv_map *m, hv_sv id);
/* Row's embedding as float32 into out[dim]. */
void map_vector(const hv_map *m, uint32_t row, float *out);

uint16_t hv_f32_to_f16(float f);
float hv_f16_to_f32(uint16_t h);

#endif
