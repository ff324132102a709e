/* briefdata.c - the data tables beside the briefing's figures (the HTML
 * shows them next to each chart; the PDF carries the same numbers in the
 * figures' alt text). Numbers from the compute stage and pipeline/summary.c. */
#include "output/briefing-private.h"

static char *
gb__count_pct(guint count, guint base)
{
    return g_strdup_printf("%u (%.1f%%)", count, gb_summary_share(count, base));
}

/* ---- the figures' data ------------------------------------------------------ */

GbTreeTable *
gb__data_trend(const GbBriefing *b)
{
    static const char *const h[] = {"Regime", "Year", "Judgements", "Inadequate", NULL};
    GbTreeTable *g = gb_tree_table_new("trend-data",
                                       "Inadequate among the headline judgements "
                                       "made in each year (inspections in a period, computed "
                                       "from rows)",
                                       h, NULL, TRUE);
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(b->in.stats->distributions, GbDistribution, i);
        if (!d->graded || d->judgement != gb_ref_headline_judgement(ref, d->regime) ||
            d->base == 0 || d->selection != NULL)
            continue;
        gb_tree_cell(g, gb_ref_regime(ref, d->regime)->short_name, -1);
        gb_tree_cell_take(g, g_strdup_printf("%d", d->year), -1);
        gb_tree_cell_take(g, g_strdup_printf("%u", d->base), -1);
        gb_tree_cell_take(g, gb__count_pct(d->inadequate, d->base), -1);
    }
    return g;
}

GbTreeTable *
gb__data_counts(const GbBriefing *b)
{
    static const char *const h[] = {"Latest grade", "Authorities", "Share", NULL};
    char *caption = g_strdup_printf("Authorities by latest grade: the position as at %s, of "
                                    "the %d in existence then",
                                    b->as_at_text, b->in.latest->authorities);
    GbTreeTable *g = gb_tree_table_new("counts-data", caption, h, NULL, TRUE);
    g_free(caption);
    const GbLatest *l = b->in.latest;
    for (int k = 0; k < GB_COMMON_LEVELS; k++) {
        gb_tree_cell(g,
                     b->current >= 0 ? gb_summary_level_label(b->ref, b->current, k)
                                     : b->ref->common_labels[k],
                     k);
        gb_tree_cell_take(g, g_strdup_printf("%d", l->count[k]), -1);
        gb_tree_cell_take(
            g, g_strdup_printf("%.1f%%", gb_summary_share(l->count[k], l->authorities)), -1);
    }
    gb_tree_cell(g, "Not yet inspected", -1);
    gb_tree_cell_take(g, g_strdup_printf("%d", l->not_inspected), -1);
    gb_tree_cell_take(
        g, g_strdup_printf("%.1f%%", gb_summary_share(l->not_inspected, l->authorities)), -1);
    return g;
}

GbTreeTable *
gb__data_map(const GbBriefing *b)
{
    static const char *const h[] = {"Authority", "Region", "Latest grade", NULL};
    char *caption =
        g_strdup_printf("Each authority's latest grade: the position as at %s", b->as_at_text);
    GbTreeTable *g = gb_tree_table_new("map-data", caption, h, NULL, TRUE);
    g_free(caption);
    const GbRef *ref = b->ref;
    const GbLatest *l = b->in.latest;
    for (guint a = 0; a < ref->authorities->len; a++) {
        int level = g_array_index(l->grade_of, int, a);
        if (level == -2)
            continue; /* not in existence on the date */
        const GbAuthority *au = gb_ref_authority(ref, (int)a);
        gb_tree_cell(g, au->name, -1);
        gb_tree_cell(g, g_ptr_array_index(ref->regions, au->region), -1);
        gb_tree_cell(g,
                     level < 0         ? "not yet inspected"
                     : b->current >= 0 ? gb_summary_level_label(ref, b->current, level)
                                       : ref->common_labels[level],
                     level);
    }
    return g;
}

GbTreeTable *
gb__data_transitions(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    const char *h[GB_COMMON_LEVELS + 2] = {"From \\ to"};
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        h[k + 1] = ref->common_labels[k];
    GbTreeTable *g = gb_tree_table_new("transitions-data",
                                       "Moves between consecutive graded "
                                       "judgements of each authority, all years, from a level "
                                       "(rows) to a level (columns)",
                                       h, NULL, TRUE);
    for (int a = 0; a < GB_COMMON_LEVELS; a++) {
        gb_tree_cell(g, ref->common_labels[a], a);
        for (int c = 0; c < GB_COMMON_LEVELS; c++)
            gb_tree_cell_take(g, g_strdup_printf("%d", b->in.moves->transitions[a][c]), -1);
    }
    return g;
}
