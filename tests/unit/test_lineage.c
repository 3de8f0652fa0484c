/* test_lineage.c - families, depth, roots, cycles. */
#include <criterion/criterion.h>

#include "catalog/catalog.h"
#include "lineage/lineage.h"

static hv_record rec;

static void add(hv_catalog *c, const char *id, const char *tag1, const char *tag2) {
    record_reset(&rec);
    rec.model_id = hv_sv_cstr(id);
    if (tag1) hv_svlist_push(&rec.tags, hv_sv_cstr(tag1));
    if (tag2) hv_svlist_push(&rec.tags, hv_sv_cstr(tag2));
    hv_err e;
    cr_assert_eq(catalog_add(c, &rec, &e), HV_OK);
}

static void fini(void) { record_free(&rec); }
TestSuite(lineage, .fini = fini);

Test(lineage, depth_roots_and_families) {
    hv_catalog *c = catalog_new();
    add(c, "r/root", NULL, NULL);
    add(c, "a/1", "base_model:finetune:r/root", NULL);
    add(c, "a/2", "base_model:finetune:a/1", NULL);
    add(c, "a/3", "base_model:quantized:a/2", NULL);
    add(c, "b/1", "base_model:adapter:r/root", NULL);
    add(c, "x/root", NULL, NULL);
    add(c, "x/merge", "base_model:merge:x/root", "base_model:merge:a/1");
    add(c, "lonely/one", NULL, NULL);
    add(c, "cyc/a", "base_model:finetune:cyc/b", NULL);
    add(c, "cyc/b", "base_model:finetune:cyc/a", NULL);
    hv_err e;
    cr_assert_eq(catalog_finish(c, &e), HV_OK);
    hv_lineage l;
    cr_assert_eq(lineage_build(c, HV_LINEAGE_DEFAULT_MASK, &l, &e), HV_OK);
    uint32_t root = catalog_find(c, hv_sv_cstr("r/root"));
    uint32_t a3 = catalog_find(c, hv_sv_cstr("a/3"));
    cr_assert_eq(l.depth[a3], 3);
    cr_assert_eq(l.root[a3], root);
    cr_assert_eq(l.max_depth, 3);
    cr_assert_eq(l.family[a3], l.family[catalog_find(c, hv_sv_cstr("b/1"))]);
    uint32_t xm = catalog_find(c, hv_sv_cstr("x/merge"));
    cr_assert_neq(l.family[xm], l.family[root], "merges do not join families by default");
    cr_assert_eq(l.family_size[l.family[root]], 5);
    cr_assert_eq(l.family_root[l.family[a3]], root);
    cr_assert_eq(l.in_cycles, 2);
    cr_assert_eq(l.family_size[l.family[catalog_find(c, hv_sv_cstr("cyc/a"))]], 2);
    lineage_free(&l);

    cr_assert_eq(lineage_build(c, HV_LINEAGE_ALL_MASK, &l, &e), HV_OK);
    cr_assert_eq(l.family[xm], l.family[root], "with merges on, the merge joins both");
    cr_assert_eq(l.family_size[l.family[root]], 7);
    cr_assert_eq(l.depth[xm], 2, "longest path: r/root -> a/1 -> x/merge");
    lineage_free(&l);
    catalog_free(c);
}
