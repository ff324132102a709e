/* briefdata.c - the data tables beside the briefing's figures (the HTML
 * shows them next to each chart; the PDF carries the same numbers in the
 * figures' alt text). Numbers from the compute stage and pipeline/summary.c. */
#include "output/briefing-private.h"

#include "pipeline/text.h"

static char *
gb__count_pct(guint count, guint base)
{
    return g_strdup_printf("%u (%.1f%%)", count, gb_summary_share(count, base));
}

/* ---- the figures' data ------------------------------------------------------ */

GbTreeTable *
gb__data_trend(const GbBriefing *b)
{
    static const char *const h[] = {"As at", "Authorities", "With a judgement", "Inadequate", NULL};
    GbTreeTable *g = gb_tree_table_new("trend-data",
                                       "Authorities whose most recent headline judgement was "
                                       "inadequate, as at each date (a position, computed from "
                                       "rows), of those with a judgement",
                                       h, NULL, TRUE);
    for (guint i = 0; b->positions != NULL && i < b->positions->len; i++) {
        const GbPosition *p = &g_array_index(b->positions, GbPosition, i);
        if (!gb_summary_position_covered(p))
            continue;
        char when[32];
        gb_text_format_date_long(p->as_at, when, sizeof when);
        gb_tree_cell(g, when, -1);
        gb_tree_cell_take(g, g_strdup_printf("%d", p->authorities), -1);
        gb_tree_cell_take(g, g_strdup_printf("%d", p->base), -1);
        gb_tree_cell_take(g, gb__count_pct((guint)p->count[GB_COMMON_LEVELS - 1], (guint)p->base),
                          -1);
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
        gb_tree_cell(g, b->labels[k], k);
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
gb__data_transitions(const GbBriefing *b)
{
    const char *h[GB_COMMON_LEVELS + 2] = {"From \\ to"};
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        h[k + 1] = b->labels[k];
    char *caption = g_strdup_printf("Moves between consecutive %s of each authority, each "
                                    "authority once, from a grade (rows) to a grade (columns)",
                                    b->mover_scope ? b->mover_scope : "judgements");
    GbTreeTable *g = gb_tree_table_new("transitions-data", caption, h, NULL, TRUE);
    g_free(caption);
    for (int a = 0; a < GB_COMMON_LEVELS; a++) {
        gb_tree_cell(g, b->labels[a], a);
        for (int c = 0; c < GB_COMMON_LEVELS; c++)
            gb_tree_cell_take(g, g_strdup_printf("%d", b->moved.matrix[a][c]), -1);
    }
    return g;
}
