/* info_map.c - `hfviz info MAP`: what a map file holds, after checking
 * every section's checksum. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/cardstore.h"
#include "cli/commands.h"
#include "mapfile/map.h"

typedef struct cluster_size {
    uint32_t c, size;
} cluster_size;

static int cmp_size(const void *a, const void *b) {
    const cluster_size *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c;
}

int cmd_info_map(const char *path, bool json) {
    hv_err e = {0, ""};
    hv_map m;
    int rc = map_open(path, true, &m, &e);
    if (rc) {
        fprintf(stderr, "hfviz info: %s\n", e.msg);
        return hv_exit_status(rc);
    }
    uint64_t by_type[HV_REL_COUNT] = {0};
    for (uint64_t k = 0; k < m.nedges; k++) by_type[m.edges[k].type]++;
    uint32_t families = 0, max_depth = 0;
    for (uint32_t f = 0; f < m.nfamilies; f++) families += m.family_size[f] >= 2;
    for (uint32_t r = 0; m.depth && r < m.n; r++) if (m.depth[r] > max_depth) max_depth = m.depth[r];
    uint32_t ncards = 0;
    if (m.cards_size) {
        hv_cardstore *cs = cardstore_open_at(path, m.cards_offset, m.cards_size, &e);
        if (!cs) {
            fprintf(stderr, "hfviz info: %s: embedded card store: %s\n", path, e.msg);
            map_close(&m);
            return 2;
        }
        ncards = cardstore_count(cs);
        cardstore_close_reader(cs);
    }
    cluster_size *cs = calloc(m.nclusters ? m.nclusters : 1, sizeof *cs);
    for (uint32_t c = 0; c < m.nclusters; c++) cs[c].c = c;
    for (uint32_t r = 0; m.cluster && r < m.n; r++) cs[m.cluster[r]].size++;
    qsort(cs, m.nclusters, sizeof *cs, cmp_size);
    cJSON *meta = cJSON_ParseWithLength(m.meta_json.p, m.meta_json.n);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", path);
        cJSON_AddNumberToObject(o, "version", m.file.version);
        cJSON_AddNumberToObject(o, "bytes", (double)m.file.size);
        cJSON_AddNumberToObject(o, "models", m.n);
        cJSON_AddNumberToObject(o, "edges", (double)m.nedges);
        cJSON *et = cJSON_AddObjectToObject(o, "edges_by_type");
        for (int t = 0; t < HV_REL_COUNT; t++)
            cJSON_AddNumberToObject(et, t == HV_REL_BASE ? "untyped" : hv_relation_name((hv_relation)t), (double)by_type[t]);
        cJSON_AddNumberToObject(o, "families", families);
        cJSON_AddNumberToObject(o, "max_depth", max_depth);
        cJSON_AddNumberToObject(o, "clusters", m.nclusters);
        cJSON_AddNumberToObject(o, "knn_k", m.k);
        cJSON_AddNumberToObject(o, "vector_dims", m.dim);
        cJSON_AddBoolToObject(o, "layout_2d", m.coords2d != NULL);
        cJSON_AddBoolToObject(o, "layout_3d", m.coords3d != NULL);
        cJSON_AddNumberToObject(o, "cards", ncards);
        cJSON *cl = cJSON_AddArrayToObject(o, "largest_clusters");
        for (uint32_t i = 0; i < m.nclusters && i < 10; i++) {
            cJSON *c = cJSON_CreateObject();
            hv_sv l = map_cluster_label(&m, cs[i].c);
            char *ls = strndup(l.p, l.n);
            cJSON_AddNumberToObject(c, "cluster", cs[i].c);
            cJSON_AddNumberToObject(c, "size", cs[i].size);
            cJSON_AddStringToObject(c, "label", ls ? ls : "");
            free(ls);
            cJSON_AddItemToArray(cl, c);
        }
        cJSON *secs = cJSON_AddArrayToObject(o, "sections");
        for (uint32_t i = 0; i < m.file.nsections; i++) {
            cJSON *s = cJSON_CreateObject();
            cJSON_AddStringToObject(s, "name", m.file.sections[i].name);
            cJSON_AddNumberToObject(s, "count", (double)m.file.sections[i].count);
            cJSON_AddNumberToObject(s, "elem_size", m.file.sections[i].elem_size);
            cJSON_AddNumberToObject(s, "bytes", (double)m.file.sections[i].size);
            cJSON_AddItemToArray(secs, s);
        }
        if (meta) cJSON_AddItemToObject(o, "build", cJSON_Duplicate(meta, 1));
        char *txt = cJSON_Print(o);
        if (txt) puts(txt);
        free(txt);
        cJSON_Delete(o);
    } else {
        printf("hfviz map %s: version %u, %.1f MB, %u sections, checksums ok\n", path, m.file.version,
               (double)m.file.size / 1e6, m.file.nsections);
        printf("  models %u, edges %" PRIu64 " (finetune %" PRIu64 ", adapter %" PRIu64 ", quantized %" PRIu64
               ", merge %" PRIu64 ", untyped %" PRIu64 ")\n",
               m.n, m.nedges, by_type[HV_REL_FINETUNE], by_type[HV_REL_ADAPTER], by_type[HV_REL_QUANTIZED],
               by_type[HV_REL_MERGE], by_type[HV_REL_BASE]);
        printf("  families (size >= 2) %u, max depth %u\n", families, max_depth);
        printf("  layouts: %s%s; kNN graph k = %u; vectors: %u dims (f16); model cards: %u\n",
               m.coords2d ? "2D" : "", m.coords3d ? (m.coords2d ? " + 3D" : "3D") : (m.coords2d ? "" : "none"), m.k,
               m.dim, ncards);
        if (meta) {
            cJSON *st = cJSON_GetObjectItem(meta, "stage_seconds"), *it;
            if (st) {
                printf("  build stages:");
                cJSON_ArrayForEach(it, st) printf(" %s %.1f s;", it->string, it->valuedouble);
                printf("\n");
            }
            cJSON *emb = cJSON_GetObjectItem(meta, "embedder"), *md = cJSON_GetObjectItem(meta, "model_dir");
            if (cJSON_IsString(emb))
                printf("  embedder: %s%s%s\n", emb->valuestring, cJSON_IsString(md) ? ", model " : "",
                       cJSON_IsString(md) ? md->valuestring : "");
            cJSON *opts = cJSON_GetObjectItem(meta, "options");
            char *os = opts ? cJSON_PrintUnformatted(opts) : NULL;
            if (os) printf("  options: %s\n", os);
            free(os);
        }
        printf("  clusters: %u, largest:\n", m.nclusters);
        for (uint32_t i = 0; i < m.nclusters && i < 10; i++) {
            hv_sv l = map_cluster_label(&m, cs[i].c);
            printf("    %4u  %8u models  %.*s\n", cs[i].c, cs[i].size, (int)l.n, l.p);
        }
        printf("  sections:\n");
        for (uint32_t i = 0; i < m.file.nsections; i++)
            printf("    %-22s %12" PRIu64 " x %u bytes\n", m.file.sections[i].name, m.file.sections[i].count,
                   m.file.sections[i].elem_size);
    }
    cJSON_Delete(meta);
    free(cs);
    map_close(&m);
    return 0;
}
