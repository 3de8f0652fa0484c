/* test_mapfile.c - the map file: sections round trip, every part of a map
 * round trips, and damaged maps are refused with a reason. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/cardstore.h"
#include "catalog/catalog.h"
#include "mapfile/map.h"
#include "mapfile/mapfile.h"

static char path[64];

static void setup(void) {
    snprintf(path, sizeof path, "/tmp/hv_map_test_%d.map", (int)getpid());
    unlink(path);
}
static void teardown(void) { unlink(path); }
TestSuite(mapfile, .init = setup, .fini = teardown);

static void write_simple(void) {
    hv_err e;
    hv_mapwriter *w = mapwriter_create(path, &e);
    cr_assert_not_null(w, "%s", e.msg);
    uint32_t a[5] = {1, 2, 3, 4, 5};
    double d[3] = {0.5, -1, 1e300};
    cr_assert_eq(mapwriter_add(w, "ints", a, 4, 5, &e), HV_OK);
    cr_assert_eq(mapwriter_add(w, "doubles", d, 8, 3, &e), HV_OK);
    cr_assert_eq(mapwriter_add(w, "empty", NULL, 4, 0, &e), HV_OK);
    cr_assert_eq(mapwriter_add(w, "ints", a, 4, 5, &e), HV_EINTERNAL, "names are unique");
    cr_assert_eq(mapwriter_close(w, &e), HV_OK, "%s", e.msg);
}

Test(mapfile, sections_round_trip_aligned) {
    write_simple();
    hv_mapfile m;
    hv_err e;
    cr_assert_eq(mapfile_open(path, true, &m, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(m.nsections, 3);
    const void *v;
    uint64_t n;
    cr_assert_eq(mapfile_get(&m, "ints", 4, 5, &v, &n, &e), HV_OK);
    cr_assert_eq(((const uint32_t *)v)[4], 5);
    cr_assert_eq((uintptr_t)v % 64, 0, "sections start on 64-byte boundaries");
    cr_assert_eq(mapfile_get(&m, "doubles", 8, UINT64_MAX, &v, &n, &e), HV_OK);
    cr_assert_eq(((const double *)v)[2], 1e300);
    cr_assert_eq(mapfile_get(&m, "ints", 8, UINT64_MAX, &v, &n, &e), HV_EINPUT, "element size is checked");
    cr_assert_eq(mapfile_get(&m, "ints", 4, 6, &v, &n, &e), HV_EINPUT, "count is checked");
    cr_assert_eq(mapfile_get(&m, "missing", 4, UINT64_MAX, &v, &n, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "missing"));
    mapfile_close(&m);
    cr_assert(mapfile_sniff(path));
}

static void flip_byte(long off) {
    FILE *f = fopen(path, "r+b");
    fseek(f, off, off < 0 ? SEEK_END : SEEK_SET);
    int c = fgetc(f);
    fseek(f, -1, SEEK_CUR);
    fputc(c ^ 0x40, f);
    fclose(f);
}

Test(mapfile, damaged_maps_are_refused_with_a_reason) {
    hv_mapfile m;
    hv_err e;
    write_simple();
    flip_byte(70); /* inside the first section */
    cr_assert_eq(mapfile_open(path, false, &m, &e), HV_OK, "without verify the data is not read");
    mapfile_close(&m);
    cr_assert_eq(mapfile_open(path, true, &m, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "checksum") && strstr(e.msg, "ints"), "%s", e.msg);

    write_simple();
    flip_byte(-10); /* the section table */
    cr_assert_eq(mapfile_open(path, false, &m, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "table"), "%s", e.msg);

    write_simple();
    flip_byte(9); /* the version, under the header checksum */
    cr_assert_eq(mapfile_open(path, false, &m, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "header"), "%s", e.msg);

    write_simple();
    cr_assert_eq(truncate(path, 200), 0);
    cr_assert_eq(mapfile_open(path, false, &m, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "truncated"), "%s", e.msg);

    FILE *f = fopen(path, "wb");
    fputs("not a map at all, just some text that is long enough to hold a header....", f);
    fclose(f);
    cr_assert_eq(mapfile_open(path, false, &m, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "magic"), "%s", e.msg);
    cr_assert_not(mapfile_sniff(path));
}

Test(mapfile, failed_write_leaves_the_old_map_alone) {
    write_simple();
    hv_err e;
    hv_mapwriter *w = mapwriter_create(path, &e);
    uint32_t x = 7;
    mapwriter_add(w, "other", &x, 4, 1, &e);
    mapwriter_abort(w);
    char tmp[80];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    cr_assert_eq(access(tmp, F_OK), -1, "temp file removed");
    hv_mapfile m;
    cr_assert_eq(mapfile_open(path, true, &m, &e), HV_OK, "the earlier map is intact");
    cr_assert_not_null(mapfile_find(&m, "ints"));
    mapfile_close(&m);
}

Test(mapfile, half_floats_round_trip) {
    float xs[] = {0.0f, 1.0f, -1.0f, 0.333333f, 1e-5f, 65504.0f, -0.7071068f};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        float y = hv_f16_to_f32(hv_f32_to_f16(xs[i]));
        cr_assert(fabsf(y - xs[i]) <= fabsf(xs[i]) * 1e-3f + 1e-7f, "%g -> %g", xs[i], y);
    }
    cr_assert(isinf(hv_f16_to_f32(hv_f32_to_f16(1e9f))));
}

static hv_record rec;

static void add_model(hv_catalog *c, const char *id, const char *tag1, const char *tag2) {
    record_reset(&rec);
    rec.model_id = hv_sv_cstr(id);
    if (tag1) hv_svlist_push(&rec.tags, hv_sv_cstr(tag1));
    if (tag2) hv_svlist_push(&rec.tags, hv_sv_cstr(tag2));
    rec.downloads = (int64_t)strlen(id);
    rec.has |= HV_HAS_DOWNLOADS;
    hv_err e;
    cr_assert_eq(catalog_add(c, &rec, &e), HV_OK, "%s", e.msg);
}

Test(mapfile, every_part_of_a_map_round_trips) {
    hv_catalog *c = catalog_new();
    add_model(c, "org/base", "license:mit", "en");
    add_model(c, "org/child", "base_model:finetune:org/base", "license:apache-2.0");
    add_model(c, "x/adapter", "base_model:adapter:org/child", "base_model:adapter:gone/model");
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    uint32_t n = c->n;
    uint32_t depth[3] = {0, 1, 2}, root[3] = {0, 0, 0}, family[3] = {0, 0, 0}, fsize[1] = {3}, froot[1] = {0};
    float vec[3 * 4] = {1, 0, 0, 0, 0.6f, 0.8f, 0, 0, 0, 0, 1, 0};
    uint32_t kidx[3 * 2] = {1, 2, 0, 2, 1, UINT32_MAX};
    float kdist[3 * 2] = {0.4f, 1, 0.4f, 0.2f, 0.2f, INFINITY};
    float c2[3 * 2] = {0, 1, 2, 3, 4, 5}, c3[3 * 3] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t cl[3] = {0, 0, 1};
    char l0[] = "llm · mit", l1[] = "adapter";
    char *labels[2] = {l0, l1};
    char store[80];
    snprintf(store, sizeof store, "%s.cards", path);
    hv_cardstore_writer *cw = cardstore_create(store, &e);
    uint32_t entry;
    cardstore_put(cw, hv_sv_cstr("# card of org/base"), &entry, &e);
    cr_assert_eq(cardstore_close(cw, &e), HV_OK);
    hv_map_parts parts = {.catalog = c, .depth = depth, .root = root, .family = family, .nfamilies = 1,
                          .family_size = fsize, .family_root = froot, .lineage_mask = 15, .vectors = vec, .dim = 4,
                          .knn_idx = kidx, .knn_dist = kdist, .k = 2, .coords2d = c2, .coords3d = c3,
                          .cluster = cl, .nclusters = 2, .cluster_labels = labels, .cardstore_path = store,
                          .meta_json = "{\"embedder\":\"test\"}"};
    cr_assert_eq(map_write(path, &parts, &e), HV_OK, "%s", e.msg);
    unlink(store);
    hv_map m;
    cr_assert_eq(map_open(path, true, &m, &e), HV_OK, "%s", e.msg);
    cr_assert_eq(m.n, n);
    for (uint32_t r = 0; r < n; r++) {
        cr_assert(hv_sv_eq(map_id(&m, r), catalog_id(c, r)));
        cr_assert_eq(map_find(&m, catalog_id(c, r)), r);
        cr_assert_eq(m.downloads[r], c->downloads[r]);
        cr_assert_eq(m.licenses.off[r + 1] - m.licenses.off[r], csr_len(&c->licenses, r));
    }
    cr_assert_eq(map_find(&m, hv_sv_cstr("gone/model")), HV_NO_ROW, "an external parent is a name, not a row");
    cr_assert_eq(map_find(&m, hv_sv_cstr("nobody/here")), HV_NO_ROW);
    cr_assert_eq(m.nedges, c->nedges);
    cr_assert_eq(m.edges[0].type, c->edges[0].type);
    cr_assert_eq(m.parents[HV_REL_ADAPTER].off[n], 2, "declared parents, external ones included");
    cr_assert_eq(m.depth[2], 2);
    cr_assert_eq(m.family_size[0], 3);
    cr_assert_eq(m.coords3d[8], 8);
    cr_assert_eq(m.coords2d[5], 5);
    cr_assert_eq(m.k, 2);
    cr_assert_eq(m.knn_idx[5], UINT32_MAX);
    cr_assert(isinf(m.knn_dist[5]));
    cr_assert_eq(m.nclusters, 2);
    cr_assert(hv_sv_eq_cstr(map_cluster_label(&m, 0), "llm · mit"));
    float v[4];
    map_vector(&m, 1, v);
    cr_assert(fabsf(v[1] - 0.8f) < 1e-3f);
    cr_assert(hv_sv_eq_cstr(m.meta_json, "{\"embedder\":\"test\"}"));
    hv_cardstore *cs = cardstore_open_at(path, m.cards_offset, m.cards_size, &e);
    cr_assert_not_null(cs, "%s", e.msg);
    hv_buf b = {0};
    cr_assert_eq(cardstore_get(cs, 0, &b, &e), HV_OK);
    cr_assert_str_eq(b.p, "# card of org/base");
    hv_buf_free(&b);
    cardstore_close_reader(cs);
    map_close(&m);

    /* a consistent-looking but wrong section is caught by the range checks */
    hv_mapfile mf;
    cr_assert_eq(mapfile_open(path, false, &mf, &e), HV_OK);
    const hv_section *s = mapfile_find(&mf, "lineage.family");
    uint64_t off = s->offset;
    mapfile_close(&mf);
    FILE *f = fopen(path, "r+b");
    fseek(f, (long)off, SEEK_SET);
    uint32_t bad = 99;
    fwrite(&bad, 4, 1, f);
    fclose(f);
    cr_assert_eq(map_open(path, false, &m, &e), HV_EINPUT);
    cr_assert(strstr(e.msg, "lineage.family"), "%s", e.msg);
    catalog_free(c);
    record_free(&rec);
}
