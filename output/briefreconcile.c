/* briefreconcile.c - the briefing's computed and published figures side by
 * side (see briefing-private.h): the reconciliation of one year's rows with
 * what was published for it, the published positions of earlier dates
 * against the positions computed on them (2013), and the published figures
 * of a period against the rows of the same inspections (CPI 2012-13). */
#include "output/briefing-private.h"

#include "charts/kit.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

gboolean
gb__reconciliation_paired(const GbBriefing *b, const GbReconciliation *r)
{
    return gb_summary_group_paired(b->group_pairs, r);
}

char *
gb__grade_counts_text(const GbRef *ref, int regime, const guint *count)
{
    const GbRegime *rg = gb_ref_regime(ref, regime);
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    for (int g = (int)rg->grades->len - 1; g >= 0; g--) {
        char *label = gb__lower(gb_ref_grade(ref, regime, g)->label);
        g_ptr_array_add(parts, g_strdup_printf("%u %s", count[g], label));
        g_free(label);
    }
    char *out = gb__join_and(parts);
    g_ptr_array_free(parts, TRUE);
    return out;
}

char *
gb__pair_period(const GbGroupPair *p)
{
    if (p->first_date == 0 || p->last_date == 0)
        return g_strdup_printf("%d\u2013%02d", p->from_year, p->to_year % 100);
    char a[32], z[32];
    gb_text_format_date_long(p->first_date, a, sizeof a);
    gb_text_format_date_long(p->last_date, z, sizeof z);
    return g_strdup_printf("%s to %s", a, z);
}

const char *
gb__pair_measure(const GbHeadline *h)
{
    if (strcmp(h->grade, "good_or_better") == 0)
        return "Good or better";
    if (strcmp(h->grade, "less_than_good") == 0)
        return "Less than good";
    if (strcmp(h->grade, "inadequate") == 0)
        return "Inadequate";
    if (strcmp(h->grade, "outstanding") == 0)
        return "Outstanding";
    if (strcmp(h->grade, "good") == 0)
        return "Good";
    if (strcmp(h->grade, "requires_improvement") == 0)
        return "Requires improvement";
    return h->grade;
}

char *
gb__pair_published(const GbHeadline *h)
{
    const char *q = strcmp(h->qualifier, "more_than") == 0 ? "more than "
                    : strcmp(h->qualifier, "approx") == 0  ? "about "
                                                           : "";
    char *base = h->base > 0 ? g_strdup_printf(" of %d", h->base) : g_strdup("");
    char *out = strcmp(h->unit, "percent") == 0 ? g_strdup_printf("%s%.0f%%%s", q, h->value, base)
                                                : g_strdup_printf("%s%.0f%s", q, h->value, base);
    g_free(base);
    return out;
}

/* ---- published positions against the rows ---- */

static char *
gb__pair_agreement(const GbPositionPair *p)
{
    const GbHeadline *h = p->headline;
    if (!p->agrees)
        return g_strdup_printf("No: %.1f%% of %d computed", p->percent, p->position.base);
    if (strcmp(h->unit, "count") == 0)
        return g_strdup("Yes: the same count of the same base");
    if (strcmp(h->qualifier, "more_than") == 0)
        return g_strdup_printf("Yes: %.1f%% is more than %.0f%%", p->percent, h->value);
    return g_strdup_printf("Yes: %.1f%% is %.0f%% to the nearest %d points", p->percent, h->value,
                           p->rounding > 0 ? p->rounding : 1);
}

char *
gb__position_regimes(const GbRef *ref, const GbPosition *p)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    for (int r = 0; r < GB_POSITION_REGIMES && r < (int)ref->regimes->len; r++)
        if (p->by_regime[r] > 0)
            g_ptr_array_add(parts, g_strdup_printf("%d under %s", p->by_regime[r],
                                                   gb_ref_regime(ref, r)->short_name));
    char *out = gb__join_and(parts);
    g_ptr_array_free(parts, TRUE);
    return out;
}

char *
gb__position_pairs_text(const GbBriefing *b, guint32 as_at)
{
    const GbRef *ref = b->ref;
    const GbPositionPair *first = NULL;
    gboolean all = TRUE;
    GPtrArray *sources = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(b->position_pairs, GbPositionPair, i);
        if (p->as_at != as_at)
            continue;
        first = first != NULL ? first : p;
        all = all && p->agrees;
        char *src = gb__source_for_people(p->headline->source);
        gboolean seen = FALSE;
        for (guint k = 0; k < sources->len && !seen; k++)
            seen = strcmp(g_ptr_array_index(sources, k), src) == 0;
        if (seen)
            g_free(src);
        else
            g_ptr_array_add(sources, src);
    }
    if (first == NULL) {
        g_ptr_array_free(sources, TRUE);
        return NULL;
    }
    const GbPosition *q = &first->position;
    char when[32];
    gb_text_format_date_long(as_at, when, sizeof when);
    char *regimes = gb__position_regimes(ref, q);
    GPtrArray *levels = g_ptr_array_new_with_free_func(g_free);
    for (int k = 0; k < GB_COMMON_LEVELS; k++) {
        char *label = gb__lower(gb_summary_position_label(ref, q, k, NULL));
        g_ptr_array_add(levels, g_strdup_printf("%d %s", q->count[k], label));
        g_free(label);
    }
    char *list = gb__join_and(levels);
    char *src = gb__join_and(sources);
    char *gob = gb__n_of(q->good_or_better, q->base);
    char *inad = gb__n_of(q->count[GB_COMMON_LEVELS - 1], q->base);
    char *out = g_strdup_printf(
        "As at %s, the most recent %s judgement of each of the %d authorities then in "
        "existence (%s; a position, not the inspections made in a year) was: %s, of a base "
        "of %d. That is %s inadequate and %s good or outstanding. Ofsted published "
        "this position (source: %s); the table sets each "
        "published figure beside the computed one%s.",
        when, (const char *)g_ptr_array_index(ref->families, first->family), q->authorities,
        regimes, list, q->base, inad, gob, src, all ? ", and they agree" : "");
    g_free(regimes);
    g_free(list);
    g_free(src);
    g_free(gob);
    g_free(inad);
    g_ptr_array_free(levels, TRUE);
    g_ptr_array_free(sources, TRUE);
    return out;
}

GbTreeTable *
gb__table_position_pairs(const GbBriefing *b, guint32 as_at)
{
    static const char *const h[] = {"Measure", "Computed position", "Published", "Agree", NULL};
    static const double w[] = {0.20, 0.24, 0.22, 0.34};
    char when[32];
    gb_text_format_date_long(as_at, when, sizeof when);
    char *caption = g_strdup_printf("England's position as at %s: computed from rows (count of "
                                    "the authorities with a judgement) and as published",
                                    when);
    char id[32];
    g_snprintf(id, sizeof id, "position-%u", as_at / 10000);
    GbTreeTable *g = gb_tree_table_new(id, caption, h, w, TRUE);
    g_free(caption);
    static const char *const th[] = {"as_at",           "family",         "measure",
                                     "computed_count",  "computed_base",  "computed_percent",
                                     "published_value", "published_unit", "published_base",
                                     "qualifier",       "agrees",         NULL};
    GbTreeTable *tidy = gb__tidy(id, th);
    int rows = 0;
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(b->position_pairs, GbPositionPair, i);
        if (p->as_at != as_at)
            continue;
        rows++;
        gb_tree_cell(g, gb__pair_measure(p->headline), -1);
        gb_tree_cell_take(g, gb__n_of(p->count, p->position.base), -1);
        gb_tree_cell_take(g, gb__pair_published(p->headline), -1);
        gb_tree_cell_take(g, gb__pair_agreement(p), -1);
        gb__t_date(tidy, p->as_at);
        gb_tree_cell(tidy, g_ptr_array_index(b->ref->families, p->family), -1);
        gb_tree_cell(tidy, p->headline->grade, -1);
        gb__t_int(tidy, p->count);
        gb__t_int(tidy, p->position.base);
        gb__t_num(tidy, p->percent, 1);
        gb__t_num(tidy, p->headline->value, 1);
        gb_tree_cell(tidy, p->headline->unit, -1);
        gb__t_num(tidy, p->headline->base > 0 ? p->headline->base : NAN, 0);
        gb_tree_cell(tidy, p->headline->qualifier, -1);
        gb_tree_cell(tidy, p->agrees ? "true" : "false", -1);
    }
    gb_tree_table_set_tidy(g, tidy);
    if (rows == 0) {
        gb_tree_table_free(g);
        return NULL;
    }
    return g;
}

/* TRUE when r's published figure is one of the published positions. */
static gboolean
gb__reconciliation_position(const GbBriefing *b, const GbReconciliation *r)
{
    return gb_summary_position_paired_measure(b->position_pairs, r);
}

/* TRUE when r's two figures measure the same thing (GbReconciliation.like). */
static gboolean
gb__reconciles_in(const GbTable *t, const GbReconciliation *r)
{
    (void)t;
    return r->like;
}
#define gb__reconciles(r) gb__reconciles_in(b->in.table, (r))

/* The reconciliation's rows of published positions against the position
 * computed on the same date (g: for people; tidy: for analysts). */
static void
gb__position_pair_rows(const GbBriefing *b, GbTreeTable *g, GbTreeTable *tidy)
{
    const GbRef *ref = b->ref;
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(b->position_pairs, GbPositionPair, i);
        char when[32];
        gb_text_format_date_long(p->as_at, when, sizeof when);
        gb_tree_cell_take(g, g_strdup_printf("%u", p->as_at / 10000), -1);
        GString *regimes = g_string_new(NULL);
        for (int r = 0; r < GB_POSITION_REGIMES && r < (int)ref->regimes->len; r++)
            if (p->position.by_regime[r] > 0)
                g_string_append_printf(regimes, "%s%s", regimes->len ? ", " : "",
                                       gb_ref_regime(ref, r)->short_name);
        gb_tree_cell_take(g, g_string_free(regimes, FALSE), -1);
        gb_tree_cell_take(g, g_strdup_printf("%s, as at %s", gb__pair_measure(p->headline), when),
                          -1);
        gb_tree_cell_take(g, gb__n_of(p->count, p->position.base), -1);
        gb_tree_cell_take(g, gb__pair_published(p->headline), -1);
        gboolean exact = strcmp(p->headline->unit, "count") == 0;
        char *pts = exact ? gb__points(0) : NULL;
        gb_tree_cell_take(g, pts ? g_strdup_printf("%s points", pts) : g_strdup(""), -1);
        g_free(pts);
        char *agree = gb__pair_agreement(p);
        gb_tree_cell_take(g, g_strdup_printf("%s; both are positions", agree), -1);
        gb__t_int(tidy, p->as_at / 10000);
        gb_tree_cell(tidy, g_ptr_array_index(ref->families, p->family), -1);
        gb_tree_cell(tidy, p->headline->grade, -1);
        gb__t_num(tidy, p->count, 0);
        gb__t_num(tidy, p->position.base, 0);
        gb__t_num(tidy, p->percent, 1);
        gb__t_num(tidy, exact ? p->headline->value : NAN, 0);
        gb__t_num(tidy, p->headline->base > 0 ? p->headline->base : NAN, 0);
        gb__t_num(tidy,
                  exact ? gb_summary_share(p->headline->value, p->headline->base)
                        : p->headline->value,
                  1);
        gb__t_num(tidy, exact ? 0.0 : NAN, 1);
        gb_tree_cell(tidy, p->agrees ? "" : agree, -1);
        g_free(agree);
    }
}

/* The reconciliation's rows of published figures of a period against the
 * rows of the same inspections. */
static void
gb__group_pair_rows(const GbBriefing *b, GbTreeTable *g, GbTreeTable *tidy)
{
    const GbRef *ref = b->ref;
    for (guint i = 0; b->group_pairs != NULL && i < b->group_pairs->len; i++) {
        const GbGroupPair *p = &g_array_index(b->group_pairs, GbGroupPair, i);
        if (!p->published)
            continue;
        const GbRegime *rg = gb_ref_regime(ref, p->regime);
        char *period = gb__pair_period(p);
        char *why = p->equal ? g_strdup_printf("None: equal, the same %u inspections (rows "
                                               "published %s)",
                                               p->base, period)
                             : g_strdup_printf("The published figures are of %u inspections, "
                                               "the rows of %u %s (published %s)",
                                               p->published_base, p->base, p->label, period);
        for (int k = (int)rg->grades->len - 1; k >= 0; k--) {
            double c = gb_summary_share(p->count[k], p->base);
            double q = gb_summary_share(p->published_count[k], p->published_base);
            gb_tree_cell_take(g, g_strdup_printf("%d\u2013%02d", p->from_year, p->to_year % 100),
                              -1);
            gb_tree_cell(g, rg->short_name, -1);
            gb_tree_cell_take(g,
                              g_strdup_printf("%s, inspections made %d\u2013%02d",
                                              gb_ref_grade(ref, p->regime, k)->label, p->from_year,
                                              p->to_year % 100),
                              -1);
            gb_tree_cell_take(g, gb__count_of_pct(p->count[k], p->base), -1);
            gb_tree_cell_take(g, gb__count_of_pct(p->published_count[k], p->published_base), -1);
            char *pts = gb__points(q - c);
            gb_tree_cell_take(g, g_strdup_printf("%s points", pts), -1);
            g_free(pts);
            gb_tree_cell(g, why, -1);
            gb__t_int(tidy, p->published_year);
            gb_tree_cell(tidy, rg->short_name, -1);
            gb_tree_cell(tidy, gb_ref_grade(ref, p->regime, k)->label, -1);
            gb__t_num(tidy, p->count[k], 0);
            gb__t_num(tidy, p->base, 0);
            gb__t_num(tidy, c, 1);
            gb__t_num(tidy, p->published_count[k], 0);
            gb__t_num(tidy, p->published_base, 0);
            gb__t_num(tidy, q, 1);
            gb__t_num(tidy, q - c, 1);
            gb_tree_cell(tidy, p->equal ? "" : why, -1);
        }
        g_free(why);
        g_free(period);
    }
}

GbTreeTable *
gb__table_reconciliation(const GbBriefing *b)
{
    static const char *const h[] = {"Year",      "Regime",     "Measure",         "Computed",
                                    "Published", "Difference", "Why they differ", NULL};
    static const double w[] = {0.09, 0.13, 0.14, 0.15, 0.15, 0.11, 0.23};
    GbTreeTable *g = gb_tree_table_new("reconciliation",
                                       "Computed and published figures that measure the same "
                                       "thing (the same year, measure and base)",
                                       h, w, TRUE);
    static const char *const th[] = {"year",
                                     "regime",
                                     "measure",
                                     "computed_count",
                                     "computed_base",
                                     "computed_percent",
                                     "published_count",
                                     "published_base",
                                     "published_percent",
                                     "difference_points",
                                     "reason",
                                     NULL};
    GbTreeTable *tidy = gb__tidy("reconciliation", th);
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->reconciliations->len; i++) {
        const GbReconciliation *r =
            &g_array_index(b->in.stats->reconciliations, GbReconciliation, i);
        if (!gb__reconciles(r) || gb__reconciliation_paired(b, r) ||
            gb__reconciliation_position(b, r))
            continue;
        gb_tree_cell_take(g, g_strdup_printf("%d", r->computed.year), -1);
        gb_tree_cell(g, gb_ref_regime(ref, r->computed.regime)->short_name, -1);
        /* The kind of figure, as the positions' rows say theirs. */
        gb_tree_cell_take(g,
                          g_strdup_printf("%s, inspections made in %d",
                                          gb__measure_name(ref, &r->computed), r->computed.year),
                          -1);
        gb_tree_cell_take(g, gb__measure_text(&r->computed), -1);
        gb_tree_cell_take(g, gb__measure_text(&r->published), -1);
        char *pts = isnan(r->difference) ? NULL : gb__points(r->difference);
        gb_tree_cell_take(g, pts ? g_strdup_printf("%s points", pts) : g_strdup(""), -1);
        g_free(pts);
        gb_tree_cell(g,
                     r->selection && r->difference == 0
                         ? "None: the same inspections, as the source that lists them counts them"
                     : r->reason && !r->selection ? r->reason
                     : r->difference == 0         ? "None: the same count of the same base"
                                                  : "The published share is rounded",
                     -1);
        gb__t_int(tidy, r->computed.year);
        gb_tree_cell(tidy, gb_ref_regime(ref, r->computed.regime)->short_name, -1);
        gb_tree_cell(tidy, gb__measure_name(ref, &r->computed), -1);
        gb__t_num(tidy, r->computed.count, 0);
        gb__t_num(tidy, r->computed.base, 0);
        gb__t_num(tidy, r->computed.percent, 1);
        gb__t_num(tidy, r->published.count >= 0 ? r->published.count : NAN, 0);
        gb__t_num(tidy, r->published.base, 0);
        gb__t_num(tidy, r->published.percent, 1);
        gb__t_num(tidy, r->difference, 1);
        gb_tree_cell(tidy, r->reason ? r->reason : "", -1);
    }
    gb__position_pair_rows(b, g, tidy);
    gb__group_pair_rows(b, g, tidy);
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GPtrArray *
gb__reconciliation_left_out(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < b->in.stats->reconciliations->len; i++) {
        const GbReconciliation *r =
            &g_array_index(b->in.stats->reconciliations, GbReconciliation, i);
        if (gb__reconciles(r) || gb__reconciliation_paired(b, r) ||
            gb__reconciliation_position(b, r))
            continue;
        char *c = gb__measure_text(&r->computed), *p = gb__measure_text(&r->published);
        char *name = gb__lower(gb__measure_name(ref, &r->computed));
        const char *why = r->selection ? "the rows name only some authorities (a selection), "
                                         "so a share of them is not a share of the councils"
                          : r->published.base > 0 ? "the two have different bases"
                                                  : "the published figure states no base";
        g_ptr_array_add(out, g_strdup_printf("%s %d, %s: computed %s, published %s; not "
                                             "compared because %s%s.",
                                             gb_ref_regime(ref, r->computed.regime)->short_name,
                                             r->computed.year, name, c, p, why,
                                             isnan(r->published.percent) || r->published.count >= 0
                                                 ? ""
                                                 : ", and the published share is rounded to "
                                                   "a whole percent"));
        g_free(c);
        g_free(p);
        g_free(name);
    }
    for (guint i = 0; b->group_pairs != NULL && i < b->group_pairs->len; i++) {
        const GbGroupPair *p = &g_array_index(b->group_pairs, GbGroupPair, i);
        const GbDistribution *d =
            gb_summary_distribution(b->in.stats, p->regime, p->judgement, p->published_year);
        if (!p->published || d == NULL)
            continue;
        g_ptr_array_add(out, g_strdup_printf("%s %d: the figures published for the %u %s are "
                                             "compared above with the rows of the same "
                                             "inspections, not with the %u rows of %s "
                                             "inspections made in %d, which are another set.",
                                             gb_ref_regime(ref, p->regime)->short_name,
                                             p->published_year, p->published_base, p->label,
                                             d->base, gb_ref_regime(ref, p->regime)->short_name,
                                             p->published_year));
    }
    return out;
}
