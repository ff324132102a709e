/* mapkey.c - the key to the tile map's codes (see mapkey.h): a real table,
 * with a caption and row headers, that a reader or a screen reader can look a
 * code up in. The codes are the reference data's (tiles.csv, short). */
#include "output/mapkey.h"

#include "pipeline/text.h"

static gint
gb__by_code(gconstpointer pa, gconstpointer pb, gpointer user)
{
    const GbRef *ref = user;
    const GbAuthority *a = gb_ref_authority(ref, *(const int *)pa);
    const GbAuthority *b = gb_ref_authority(ref, *(const int *)pb);
    int c = g_ascii_strcasecmp(a->short_label, b->short_label);
    return c != 0 ? c : g_strcmp0(a->name, b->name);
}

GbTreeTable *
gb_map_key_table(const GbRef *ref, const GbLatest *l, const char *const *labels, int figure)
{
    static const char *const head[] = {"Code", "Authority", "Region", "Latest grade", NULL};
    static const double widths[] = {0.1, 0.4, 0.25, 0.25};
    static const char *const tidy_head[] = {"tile_code", "authority", "dfe_code", "ons_code",
                                            "region",    "as_at",     "grade",    NULL};
    char date[32], iso[11];
    gb_text_format_date_long(l->as_at, date, sizeof date);
    gb_text_format_date(l->as_at, iso);
    char *caption = g_strdup_printf("Key to figure %d: the code on each tile, the authority it "
                                    "stands for, its region and its latest grade as at %s",
                                    figure, date);
    GbTreeTable *t = gb_tree_table_new("map-key", caption, head, widths, TRUE);
    GbTreeTable *tidy = gb_tree_table_new("map-key", caption, tidy_head, NULL, FALSE);
    g_free(caption);
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        if (a->tile_q >= 0 && a->short_label != NULL && gb_ref_active_on(a, l->as_at))
            g_array_append_val(rows, i);
    }
    g_array_sort_with_data(rows, gb__by_code, (gpointer)ref);
    for (guint k = 0; k < rows->len; k++) {
        int i = g_array_index(rows, int, k);
        const GbAuthority *a = gb_ref_authority(ref, i);
        int level = g_array_index(l->grade_of, int, i);
        const char *grade =
            level >= 0 && level < GB_COMMON_LEVELS ? labels[level] : "not yet inspected";
        const char *region = g_ptr_array_index(ref->regions, a->region);
        gb_tree_cell(t, a->short_label, -1);
        gb_tree_cell(t, a->name, -1);
        gb_tree_cell(t, region, -1);
        gb_tree_cell(t, grade, level >= 0 ? level : -1);
        gb_tree_cell(tidy, a->short_label, -1);
        gb_tree_cell(tidy, a->name, -1);
        gb_tree_cell(tidy, a->code, -1);
        gb_tree_cell(tidy, a->ons->len > 0 ? g_ptr_array_index(a->ons, 0) : "", -1);
        gb_tree_cell(tidy, region, -1);
        gb_tree_cell(tidy, iso, -1);
        gb_tree_cell(tidy, grade, -1);
    }
    g_array_free(rows, TRUE);
    gb_tree_table_set_tidy(t, tidy);
    return t;
}
