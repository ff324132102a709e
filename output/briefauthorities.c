/* briefauthorities.c - the briefing's tables of every authority's
 * judgements (see briefing-private.h): its latest grade in each regime with
 * the date, one table or two when the columns would be too narrow. */
#include "output/briefing-private.h"

#include "charts/kit.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

typedef struct {
    const GbAuthority *authority;
    char *key; /* g_utf8_collate_key of its name */
} GbNameOrder;

static int
gb__cmp_name_order(const void *pa, const void *pb)
{
    const GbNameOrder *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c != 0)
        return c;
    /* One name, two authorities: the one that ended first comes first. */
    const GbAuthority *x = a->authority, *y = b->authority;
    if (x->to == y->to)
        return x < y ? -1 : x > y;
    if (x->to == 0)
        return 1;
    if (y->to == 0)
        return -1;
    return x->to < y->to ? -1 : 1;
}

/* "Good, 12 March 2014" (the year alone for a judgement published with no date). */
static void
gb__event_cell(GbTreeTable *g, const GbRef *ref, const GbEvent *e)
{
    if (e == NULL) {
        gb_tree_cell(g, "", -1);
        return;
    }
    char when[32];
    if (e->date)
        gb_text_format_date_long(e->date, when, sizeof when);
    else
        g_snprintf(when, sizeof when, "%d", e->year);
    gb_tree_cell_take(
        g, g_strdup_printf("%s, %s", gb_ref_grade(ref, e->regime, e->grade)->label, when),
        e->common);
}

/* "Bedfordshire (until 31 March 2009)", "Bedford (from 1 April 2009)". */
static char *
gb__authority_span(const GbAuthority *au)
{
    char when[32];
    if (au->to) {
        GDate d;
        g_date_clear(&d, 1);
        g_date_set_dmy(&d, (GDateDay)(au->to % 100), (GDateMonth)(au->to / 100 % 100),
                       (GDateYear)(au->to / 10000));
        g_date_subtract_days(&d, 1);
        guint32 last = (guint32)g_date_get_year(&d) * 10000 + (guint32)g_date_get_month(&d) * 100 +
                       g_date_get_day(&d);
        gb_text_format_date_long(last, when, sizeof when);
        return g_strdup_printf("%s (until %s)", au->name, when);
    }
    if (au->from) {
        gb_text_format_date_long(au->from, when, sizeof when);
        return g_strdup_printf("%s (from %s)", au->name, when);
    }
    return g_strdup(au->name);
}

/* Every authority's latest headline judgement in regimes[first..last) (the
 * current regime's last two), with its date, as table `id`. */
static GbTreeTable *
gb__authorities_part(const GbBriefing *b, const GArray *regimes, guint first, guint last,
                     const char *id, const GbNameOrder *order, GbHistories *histories)
{
    const GbRef *ref = b->ref;
    GPtrArray *h = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(h, g_strdup("Authority"));
    g_ptr_array_add(h, g_strdup("Region"));
    for (guint r = first; r < last; r++) {
        int regime = g_array_index(regimes, int, r);
        const char *name = gb_ref_regime(ref, regime)->short_name;
        g_ptr_array_add(names, g_strdup(name));
        if (regime == b->current) {
            g_ptr_array_add(h, g_strdup_printf("%s earlier", name));
            g_ptr_array_add(h, g_strdup_printf("%s latest", name));
        } else {
            g_ptr_array_add(h, g_strdup(name));
        }
    }
    int ncols = (int)h->len;
    g_ptr_array_add(h, NULL);
    double *w = g_new(double, ncols);
    /* Wide enough for "West Northamptonshire" on one line. */
    w[0] = ncols > 6 ? 0.21 : 0.23;
    w[1] = ncols > 6 ? 0.09 : 0.11;
    for (int c = 2; c < ncols; c++)
        w[c] = (1.0 - w[0] - w[1]) / (ncols - 2);
    char *list = gb__join_and(names);
    char *caption = g_strdup_printf("Every authority's latest headline judgement under %s, "
                                    "with its date",
                                    list);
    GbTreeTable *g = gb_tree_table_new(id, caption, (const char *const *)h->pdata, w, TRUE);
    g_free(caption);
    g_free(list);
    g_free(w);
    g_ptr_array_free(h, TRUE);
    g_ptr_array_free(names, TRUE);
    static const char *const th[] = {"authority",   "dfe_code",  "ons_code", "region",
                                     "active_from", "active_to", "regime",   "which",
                                     "grade",       "year",      "date",     NULL};
    GbTreeTable *tidy = gb__tidy(id, th);
    guint n = ref->authorities->len;
    for (guint i = 0; i < n; i++) {
        const GbAuthority *au = order[i].authority;
        int a = (int)(au - (const GbAuthority *)(void *)ref->authorities->data);
        GArray *hist = gb_stats_histories_get(histories, a);
        gb_tree_cell_take(g, gb__authority_span(au), -1);
        gb_tree_cell(g, g_ptr_array_index(ref->regions, au->region), -1);
        for (guint r = first; r < last; r++) {
            int regime = g_array_index(regimes, int, r);
            const GbEvent *latest, *before;
            gb_summary_last_two(hist, regime, &before, &latest);
            if (regime == b->current)
                gb__event_cell(g, ref, before);
            gb__event_cell(g, ref, latest);
            const GbEvent *ev[2] = {latest, regime == b->current ? before : NULL};
            for (int e = 0; e < 2; e++) {
                if (ev[e] == NULL)
                    continue;
                gb__t_authority(tidy, ref, a);
                gb_tree_cell(tidy, g_ptr_array_index(ref->regions, au->region), -1);
                gb__t_date(tidy, au->from);
                gb__t_date(tidy, au->to);
                gb_tree_cell(tidy, gb_ref_regime(ref, regime)->short_name, -1);
                gb_tree_cell(tidy, e == 0 ? "latest" : "earlier", -1);
                gb_tree_cell(tidy, gb_ref_grade(ref, ev[e]->regime, ev[e]->grade)->label, -1);
                gb__t_int(tidy, ev[e]->year);
                gb__t_date(tidy, ev[e]->date);
            }
        }
        g_array_free(hist, TRUE);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GPtrArray *
gb__tables_authorities(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    GArray *regimes = gb_summary_regimes_with_rows(b->in.table);
    /* By name (collation keys made once), then the older of two authorities
     * with one name first. */
    guint n = ref->authorities->len;
    GbNameOrder *order = g_new(GbNameOrder, n);
    for (guint a = 0; a < n; a++) {
        order[a].authority = gb_ref_authority(ref, (int)a);
        order[a].key = g_utf8_collate_key(order[a].authority->name, -1);
    }
    qsort(order, n, sizeof *order, gb__cmp_name_order);
    GbHistories *histories = gb_stats_histories_new(b->in.table);
    /* Columns wide enough for a grade and a date written out: more than five
     * regime columns are two tables, first the current regime and those whose
     * years touch it (SIF before ILACS: today's judgements and the ones they
     * followed), then the earlier regimes. */
    int columns = 0;
    for (guint r = 0; r < regimes->len; r++)
        columns += g_array_index(regimes, int, r) == b->current ? 2 : 1;
    guint split = 0;
    if (columns > 5 && b->current >= 0) {
        split = regimes->len;
        while (split > 0 && gb_position_regimes_adjacent(
                                ref, g_array_index(regimes, int, split - 1), b->current))
            split--;
        if (split == regimes->len)
            split = 0; /* the current regime has no rows: one table */
    }
    GPtrArray *out = g_ptr_array_new();
    g_ptr_array_add(out, gb__authorities_part(b, regimes, split, regimes->len, "authorities", order,
                                              histories));
    if (split > 0)
        g_ptr_array_add(out, gb__authorities_part(b, regimes, 0, split, "authorities-earlier",
                                                  order, histories));
    gb_stats_histories_free(histories);
    for (guint a = 0; a < n; a++)
        g_free(order[a].key);
    g_free(order);
    g_array_free(regimes, TRUE);
    return out;
}
