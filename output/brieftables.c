/* brieftables.c - the briefing's tables (see briefing-private.h) and the
 * wording they share with the findings (brieffindings.c), the reconciliation
 * (briefreconcile.c) and the authorities (briefauthorities.c). Every number
 * comes from the compute stage or pipeline/summary.c; these functions choose
 * words from signs and write the figures out. Regime and grade names come
 * from the reference data. */
#include "output/briefing-private.h"

#include "charts/kit.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

char *
gb__lower(const char *s)
{
    return g_utf8_strdown(s, -1);
}

char *
gb__join_and(GPtrArray *names)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++) {
        if (i > 0)
            g_string_append(s, i + 1 == names->len ? " and " : ", ");
        g_string_append(s, g_ptr_array_index(names, i));
    }
    return g_string_free(s, FALSE);
}

/* The common level of a measure that names a grade, or -1. */
int
gb__measure_level(const GbRef *ref, const GbMeasure *m)
{
    if (m->regime < 0)
        return -1;
    const GbRegime *r = gb_ref_regime(ref, m->regime);
    for (guint g = 0; g < r->grades->len; g++)
        if (strcmp(gb_ref_grade(ref, m->regime, (int)g)->id, m->measure) == 0)
            return gb_ref_grade(ref, m->regime, (int)g)->common;
    return -1;
}

/* "1,377": the one style for people's numbers. */
char *
gb__num(double v)
{
    char buf[48];
    gb_format_number(v, 0, buf, sizeof buf);
    return g_strdup(buf);
}

/* "N of BASE (P%)", with thousands separators. */
char *
gb__n_of(int count, int base)
{
    char n[32], d[32];
    gb_format_number(count, 0, n, sizeof n);
    gb_format_number(base, 0, d, sizeof d);
    return g_strdup_printf("%s of %s (%.1f%%)", n, d, gb_summary_share(count, base));
}

/* A signed change in points, with a true minus sign: "+1.1", "\u22127.0". */
char *
gb__points(double p)
{
    char buf[32];
    gb_format_number(p, 1, buf, sizeof buf);
    return p > 0 && strcmp(buf, "0.0") != 0 ? g_strdup_printf("+%s", buf) : g_strdup(buf);
}

/* ---- tables ---------------------------------------------------------------- */

/* "17 of 50 (34.0%)". */
char *
gb__count_of_pct(guint count, guint base)
{
    return g_strdup_printf("%u of %u (%.1f%%)", count, base, gb_summary_share(count, base));
}

static char *
gb__count_pct(guint count, guint base)
{
    return g_strdup_printf("%u (%.1f%%)", count, gb_summary_share(count, base));
}

/* ---- tidy tables for tables/ *.csv: numbers as numbers, ISO dates ---- */

GbTreeTable *
gb__tidy(const char *id, const char *const *headers)
{
    return gb_tree_table_new(id, id, headers, NULL, FALSE);
}

void
gb__t_int(GbTreeTable *t, long v)
{
    gb_tree_cell_take(t, g_strdup_printf("%ld", v), -1);
}

/* A number with `decimals` places, C locale; empty for NaN or a negative count. */
void
gb__t_num(GbTreeTable *t, double v, int decimals)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (isnan(v)) {
        gb_tree_cell(t, "", -1);
        return;
    }
    char fmt[8];
    g_snprintf(fmt, sizeof fmt, "%%.%df", decimals);
    gb_tree_cell(t, g_ascii_formatd(buf, sizeof buf, fmt, v), -1);
}

void
gb__t_date(GbTreeTable *t, guint32 ymd)
{
    char buf[11] = "";
    if (ymd)
        gb_text_format_date(ymd, buf);
    gb_tree_cell(t, buf, -1);
}

/* An authority's name, DfE and ONS codes: three cells. */
void
gb__t_authority(GbTreeTable *t, const GbRef *ref, int a)
{
    const GbAuthority *au = gb_ref_authority(ref, a);
    gb_tree_cell(t, au->name, -1);
    gb_tree_cell(t, au->code, -1);
    gb_tree_cell(t, au->ons != NULL && au->ons->len > 0 ? g_ptr_array_index(au->ons, 0) : "", -1);
}

GbTreeTable *
gb__table_distributions(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    /* The third level's name: the regimes' own where one name serves all. */
    const char *h[] = {
        "Regime",     "What is counted", "Outstanding", "Good", ref->common_labels[2],
        "Inadequate", "Good or better",  NULL};
    static const double w[] = {0.09, 0.25, 0.13, 0.11, 0.15, 0.13, 0.14};
    GbTreeTable *g = gb_tree_table_new("distributions",
                                       "Headline judgements of the inspections made in each "
                                       "year (a flow, not a position): count of base (share)",
                                       h, w, TRUE);
    static const char *const th[] = {"regime",    "year",    "kind",    "period_from",
                                     "period_to", "partial", "series",  "grade",
                                     "count",     "base",    "percent", NULL};
    GbTreeTable *tidy = gb__tidy("distributions", th);
    for (guint i = 0; i < b->in.stats->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(b->in.stats->distributions, GbDistribution, i);
        if (!d->graded || d->judgement != gb_ref_headline_judgement(ref, d->regime) ||
            d->base == 0 || d->selection != NULL)
            continue;
        gb_tree_cell(g, gb_ref_regime(ref, d->regime)->short_name, -1);
        char *label = gb_stats_flow_label(d);
        label[0] = g_ascii_toupper(label[0]);
        gb_tree_cell_take(g, label, -1);
        guint common[GB_COMMON_LEVELS];
        gb_summary_common_counts(ref, d, common);
        for (int c = 0; c < GB_COMMON_LEVELS; c++)
            gb_tree_cell_take(g, gb__count_pct(common[c], d->base), -1);
        gb_tree_cell_take(g, gb__count_pct(d->good_or_better, d->base), -1);
        for (int c = 0; c <= GB_COMMON_LEVELS; c++) {
            gb_tree_cell(tidy, gb_ref_regime(ref, d->regime)->short_name, -1);
            gb__t_int(tidy, d->year);
            gb_tree_cell(tidy, "inspections", -1);
            gb__t_date(tidy, d->period_from);
            gb__t_date(tidy, d->period_to);
            gb_tree_cell(tidy, d->partial ? "true" : "false", -1);
            gb_tree_cell(tidy, "computed", -1);
            guint n = c < GB_COMMON_LEVELS ? common[c] : d->good_or_better;
            gb_tree_cell(tidy, c < GB_COMMON_LEVELS ? ref->common_labels[c] : "Good or better", -1);
            gb__t_int(tidy, n);
            gb__t_int(tidy, d->base);
            gb__t_num(tidy, gb_summary_share(n, d->base), 1);
        }
    }
    /* Published distributions: complete counts on one base. */
    for (guint i = 0; i < b->in.stats->published->len; i++) {
        const GbMeasure *m = &g_array_index(b->in.stats->published, GbMeasure, i);
        if (m->count < 0 || m->base <= 0 || gb__measure_level(ref, m) != 0 ||
            !gb_ref_regime(ref, m->regime)->graded)
            continue;
        guint count[GB_MAX_GRADES], base;
        if (!gb_summary_published_counts(ref, b->in.stats, m->year, m->regime, m->judgement,
                                         m->base, count, &base))
            continue;
        GbDistribution d = {.regime = m->regime,
                            .ngrades = (int)gb_ref_regime(ref, m->regime)->grades->len};
        memcpy(d.count, count, sizeof count);
        guint common[GB_COMMON_LEVELS];
        gb_summary_common_counts(ref, &d, common);
        gb_tree_cell(g, gb_ref_regime(ref, m->regime)->short_name, -1);
        const GbGroupPair *pair = gb_summary_group_pair_for(b->group_pairs, m->year, m->regime);
        if (pair != NULL && pair->published_base == base) {
            char *period = gb__pair_period(pair);
            char *label = g_strdup_printf("%s of %d\u2013%02d", pair->label, pair->from_year,
                                          pair->to_year % 100);
            label[0] = g_ascii_toupper(label[0]);
            gb_tree_cell_take(g, g_strdup_printf("%s, as published (%u inspections)", label, base),
                              -1);
            for (int c = 0; c < GB_COMMON_LEVELS; c++)
                gb_tree_cell_take(g, gb__count_pct(common[c], base), -1);
            gb_tree_cell_take(g, gb__count_pct(common[0] + common[1], base), -1);
            /* ... and the same inspections counted from rows, beside it. */
            GbDistribution rows = {.regime = m->regime,
                                   .ngrades = (int)gb_ref_regime(ref, m->regime)->grades->len};
            memcpy(rows.count, pair->count, sizeof rows.count);
            guint rc[GB_COMMON_LEVELS];
            gb_summary_common_counts(ref, &rows, rc);
            gb_tree_cell(g, gb_ref_regime(ref, m->regime)->short_name, -1);
            gb_tree_cell_take(g,
                              g_strdup_printf("%s, from rows (%u inspections, published %s)", label,
                                              pair->base, period),
                              -1);
            for (int c = 0; c < GB_COMMON_LEVELS; c++)
                gb_tree_cell_take(g, gb__count_pct(rc[c], pair->base), -1);
            gb_tree_cell_take(g, gb__count_pct(rc[0] + rc[1], pair->base), -1);
            g_free(label);
            g_free(period);
        } else {
            gb_tree_cell_take(g,
                              g_strdup_printf("Inspections made in %d, as published (%u "
                                              "inspections)",
                                              m->year, base),
                              -1);
            for (int c = 0; c < GB_COMMON_LEVELS; c++)
                gb_tree_cell_take(g, gb__count_pct(common[c], base), -1);
            gb_tree_cell_take(g, gb__count_pct(common[0] + common[1], base), -1);
        }
        for (int c = 0; c <= GB_COMMON_LEVELS; c++) {
            gb_tree_cell(tidy, gb_ref_regime(ref, m->regime)->short_name, -1);
            gb__t_int(tidy, m->year);
            gb_tree_cell(tidy, "inspections", -1);
            gb_tree_cell(tidy, "", -1);
            gb_tree_cell(tidy, "", -1);
            gb_tree_cell(tidy, "", -1);
            gb_tree_cell(tidy, "published", -1);
            guint n = c < GB_COMMON_LEVELS ? common[c] : common[0] + common[1];
            gb_tree_cell(tidy, c < GB_COMMON_LEVELS ? ref->common_labels[c] : "Good or better", -1);
            gb__t_int(tidy, n);
            gb__t_int(tidy, base);
            gb__t_num(tidy, gb_summary_share(n, base), 1);
        }
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

char *
gb__measure_text(const GbMeasure *m)
{
    if (isnan(m->percent))
        return g_strdup_printf("%d", m->count);
    const char *q = g_strcmp0(m->qualifier, "more_than") == 0 ? "more than "
                    : g_strcmp0(m->qualifier, "approx") == 0  ? "about "
                                                              : "";
    if (m->count >= 0 && m->base > 0)
        return g_strdup_printf("%s%d of %d (%.1f%%)", q, m->count, m->base, m->percent);
    if (m->base > 0)
        return g_strdup_printf("%s%.*f%% of %d", q, m->series == GB_SERIES_PUBLISHED ? 0 : 1,
                               m->percent, m->base);
    return g_strdup_printf("%s%.0f%%", q, m->percent);
}

const char *
gb__measure_name(const GbRef *ref, const GbMeasure *m)
{
    if (strcmp(m->measure, "good_or_better") == 0)
        return "Good or better";
    if (strcmp(m->measure, "inspected") == 0)
        return "Inspected";
    const GbRegime *r = gb_ref_regime(ref, m->regime);
    for (guint g = 0; g < r->grades->len; g++)
        if (strcmp(g_array_index(r->grades, GbGrade, g).id, m->measure) == 0)
            return g_array_index(r->grades, GbGrade, g).label;
    return m->measure;
}

/* England's position now against a year earlier and the baseline (the
 * current regime's first full year): N of BASE (P%) at every grade, and the
 * changes in percentage points. */
GbTreeTable *
gb__table_changes(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    const GbPosition *now, *before, *base;
    gb_summary_change_positions(ref, b->positions, b->family, b->as_at, &now, &before, &base);
    const GbPosition *cols[3] = {base, before, now};
    GPtrArray *h = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(h, g_strdup("Measure"));
    for (int c = 0; c < 3; c++)
        if (cols[c] != NULL) {
            char when[32];
            gb_text_format_date_long(cols[c]->as_at, when, sizeof when);
            g_ptr_array_add(h, g_strdup_printf("As at %s", when));
        }
    if (now != NULL && before != NULL)
        g_ptr_array_add(h, g_strdup("Change since a year earlier"));
    if (now != NULL && base != NULL)
        g_ptr_array_add(h, g_strdup_printf("Change since %u", base->as_at / 10000));
    int ncols = (int)h->len;
    g_ptr_array_add(h, NULL);
    double *w = g_new(double, ncols);
    int nval = (before != NULL) + (base != NULL) + (now != NULL);
    w[0] = 0.20;
    for (int c = 1; c < ncols; c++)
        w[c] = c <= nval ? 0.56 / MAX(nval, 1) : 0.24 / MAX(ncols - 1 - nval, 1);
    int j = gb_ref_headline_judgement(ref, b->current);
    char *judgement = gb__lower(j >= 0 ? gb_ref_judgement(ref, j)->label : "headline");
    char *caption = g_strdup_printf("England's position at each date: each authority's most "
                                    "recent %s judgement, count of the authorities with one "
                                    "(share), and the changes in percentage points",
                                    judgement);
    GbTreeTable *g = gb_tree_table_new("changes", caption, (const char *const *)h->pdata, w, TRUE);
    g_free(caption);
    g_free(w);
    g_ptr_array_free(h, TRUE);
    static const char *const th[] = {"family",    "measure",      "from_as_at",    "from_count",
                                     "from_base", "from_percent", "to_as_at",      "to_count",
                                     "to_base",   "to_percent",   "change_points", NULL};
    GbTreeTable *tidy = gb__tidy("changes", th);
    for (int lv = 0; now != NULL && lv <= GB_COMMON_LEVELS; lv++) {
        /* The four levels, then good or better. */
        const char *name = lv < GB_COMMON_LEVELS ? b->labels[lv] : "Good or better";
        gb_tree_cell(g, name, lv < GB_COMMON_LEVELS ? lv : -1);
        for (int c = 0; c < 3; c++) {
            const GbPosition *p = cols[c];
            if (p == NULL)
                continue;
            int n = lv < GB_COMMON_LEVELS ? p->count[lv] : p->good_or_better;
            gb_tree_cell_take(g, gb__n_of(n, p->base), -1);
        }
        const GbPosition *from[2] = {before, base};
        for (int c = 0; c < 2; c++) {
            const GbPosition *p = from[c];
            if (p == NULL)
                continue;
            int n0 = lv < GB_COMMON_LEVELS ? p->count[lv] : p->good_or_better;
            int n1 = lv < GB_COMMON_LEVELS ? now->count[lv] : now->good_or_better;
            double pts = gb_summary_share(n1, now->base) - gb_summary_share(n0, p->base);
            char *v = gb__points(pts);
            gb_tree_cell_take(g, g_strdup_printf("%s points", v), -1);
            g_free(v);
            gb_tree_cell(tidy, j >= 0 ? gb_ref_judgement(ref, j)->label : "", -1);
            gb_tree_cell(tidy, name, -1);
            gb__t_date(tidy, p->as_at);
            gb__t_int(tidy, n0);
            gb__t_int(tidy, p->base);
            gb__t_num(tidy, gb_summary_share(n0, p->base), 1);
            gb__t_date(tidy, now->as_at);
            gb__t_int(tidy, n1);
            gb__t_int(tidy, now->base);
            gb__t_num(tidy, gb_summary_share(n1, now->base), 1);
            gb__t_num(tidy, pts, 1);
        }
    }
    g_free(judgement);
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

/* The changes the sources published between two years (shares of the
 * councils inspected in each year, as published): a secondary figure. */
GbTreeTable *
gb__table_published_changes(const GbBriefing *b)
{
    static const char *const h[] = {"Regime", "Measure", "From", "To", "Change", NULL};
    static const double w[] = {0.10, 0.22, 0.26, 0.26, 0.16};
    GbTreeTable *g = gb_tree_table_new("published-changes",
                                       "Secondary: changes Ofsted published between the "
                                       "inspections of two years (a flow: the councils "
                                       "inspected each year), as published",
                                       h, w, TRUE);
    static const char *const th[] = {"regime",     "measure",       "series",  "from_year",
                                     "from_base",  "from_percent",  "to_year", "to_base",
                                     "to_percent", "change_points", NULL};
    GbTreeTable *tidy = gb__tidy("published-changes", th);
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->changes->len; i++) {
        const GbChange *c = &g_array_index(b->in.stats->changes, GbChange, i);
        if (c->from.series != GB_SERIES_PUBLISHED || c->to.series != GB_SERIES_PUBLISHED)
            continue;
        gb_tree_cell(g, gb_ref_regime(ref, c->from.regime)->short_name, -1);
        gb_tree_cell(g, gb__measure_name(ref, &c->from), -1);
        const GbMeasure *ends[2] = {&c->from, &c->to};
        for (int e = 0; e < 2; e++) {
            char *v = gb__measure_text(ends[e]);
            gb_tree_cell_take(g, g_strdup_printf("Inspections of %d: %s", ends[e]->year, v), -1);
            g_free(v);
        }
        char *pts = gb__points(c->points);
        gb_tree_cell_take(g, g_strdup_printf("%s points", pts), -1);
        g_free(pts);
        gb_tree_cell(tidy, gb_ref_regime(ref, c->from.regime)->short_name, -1);
        gb_tree_cell(tidy, gb__measure_name(ref, &c->from), -1);
        gb_tree_cell(tidy, "published", -1);
        for (int e = 0; e < 2; e++) {
            gb__t_int(tidy, ends[e]->year);
            gb__t_num(tidy, ends[e]->base > 0 ? ends[e]->base : NAN, 0);
            gb__t_num(tidy, ends[e]->percent, 1);
        }
        gb__t_num(tidy, c->points, 1);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

static char *
gb__event_text(const GbRef *ref, const GbEvent *e)
{
    char when[32];
    if (e->date)
        gb_text_format_date_long(e->date, when, sizeof when);
    else
        g_snprintf(when, sizeof when, "%d", e->year);
    return g_strdup_printf("%s %s, %s%s%s", gb_ref_regime(ref, e->regime)->short_name,
                           gb_ref_grade(ref, e->regime, e->grade)->label, when,
                           e->as_authority >= 0 ? ", as predecessor " : "",
                           e->as_authority >= 0 ? gb_ref_authority(ref, e->as_authority)->name
                                                : "");
}

GbTreeTable *
gb__table_movers(const GbBriefing *b)
{
    static const char *const h[] = {"Authority", "From", "To", "Grades moved", NULL};
    static const double w[] = {0.26, 0.30, 0.30, 0.14};
    char *caption = g_strdup_printf("Every move up or down between consecutive %s of the same "
                                    "authority, each authority once, improvements first",
                                    b->mover_scope ? b->mover_scope : "judgements");
    GbTreeTable *g = gb_tree_table_new("movers", caption, h, w, TRUE);
    g_free(caption);
    const GbRef *ref = b->ref;
    if (b->movers == NULL)
        return g;
    /* Up by three steps first, down by three last. */
    for (int steps = 3; steps >= -3; steps--) {
        if (steps == 0)
            continue;
        for (guint i = 0; i < b->movers->moves->len; i++) {
            const GbMover *m = &g_array_index(b->movers->moves, GbMover, i);
            if (m->family != b->family || !m->counted || m->steps != steps)
                continue;
            gb_tree_cell(g, gb_ref_authority(ref, m->authority)->name, -1);
            gb_tree_cell_take(g, gb__event_text(ref, &m->from), m->from.common);
            gb_tree_cell_take(g, gb__event_text(ref, &m->to), m->to.common);
            gb_tree_cell_take(g, g_strdup_printf("%s %d", steps > 0 ? "up" : "down", ABS(steps)),
                              -1);
        }
    }
    /* Every counted pair, the same grade included, for analysts. */
    static const char *const th[] = {"authority",      "dfe_code",   "ons_code",  "family",
                                     "from_regime",    "from_grade", "from_date", "from_year",
                                     "from_authority", "to_regime",  "to_grade",  "to_date",
                                     "to_year",        "steps",      NULL};
    GbTreeTable *tidy = gb__tidy("movers", th);
    for (guint i = 0; i < b->movers->moves->len; i++) {
        const GbMover *m = &g_array_index(b->movers->moves, GbMover, i);
        if (m->family != b->family || !m->counted)
            continue;
        gb__t_authority(tidy, ref, m->authority);
        gb_tree_cell(tidy, gb_ref_judgement(ref, gb_ref_headline_judgement(ref, b->current))->label,
                     -1);
        const GbEvent *ev[2] = {&m->from, &m->to};
        for (int e = 0; e < 2; e++) {
            gb_tree_cell(tidy, gb_ref_regime(ref, ev[e]->regime)->short_name, -1);
            gb_tree_cell(tidy, gb_ref_grade(ref, ev[e]->regime, ev[e]->grade)->label, -1);
            gb__t_date(tidy, ev[e]->date);
            gb__t_int(tidy, ev[e]->year);
            if (e == 0)
                gb_tree_cell(tidy,
                             ev[e]->as_authority >= 0
                                 ? gb_ref_authority(ref, ev[e]->as_authority)->name
                                 : "",
                             -1);
        }
        gb__t_int(tidy, m->steps);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GbTreeTable *
gb__table_unannounced(const GbBriefing *b)
{
    static const char *const h[] = {"Authority", "Year", "Outcome", NULL};
    static const double w[] = {0.40, 0.15, 0.45};
    GbTreeTable *g = gb_tree_table_new("unannounced",
                                       "Every inspection, the worst outcome "
                                       "first",
                                       h, w, TRUE);
    const GbRef *ref = b->ref;
    if (b->ungraded < 0)
        return g;
    GPtrArray *rows = gb_summary_rows_worst_first(b->in.table, b->ungraded);
    for (guint i = 0; i < rows->len; i++) {
        const GbRow *r = g_ptr_array_index(rows, i);
        gb_tree_cell(g, gb_ref_authority(ref, r->authority)->name, -1);
        gb_tree_cell_take(g, g_strdup_printf("%d", r->year), -1);
        gb_tree_cell(g, gb_ref_grade(ref, b->ungraded, r->grade)->label, -1);
    }
    static const char *const th[] = {"authority", "dfe_code", "ons_code", "year",
                                     "date",      "outcome",  NULL};
    GbTreeTable *tidy = gb__tidy("unannounced", th);
    for (guint i = 0; i < rows->len; i++) {
        const GbRow *r = g_ptr_array_index(rows, i);
        gb__t_authority(tidy, ref, r->authority);
        gb__t_int(tidy, r->year);
        gb__t_date(tidy, r->date);
        gb_tree_cell(tidy, gb_ref_grade(ref, b->ungraded, r->grade)->label, -1);
    }
    gb_tree_table_set_tidy(g, tidy);
    g_ptr_array_free(rows, TRUE);
    return g;
}

GbTreeTable *
gb__table_published(const GbBriefing *b)
{
    static const char *const h[] = {"Year", "Figure", "Value", "Source", NULL};
    static const double w[] = {0.07, 0.43, 0.17, 0.33};
    GbTreeTable *g = gb_tree_table_new("published", "Every published figure", h, w, TRUE);
    static const char *const th[] = {"year", "figure",    "value",  "unit",
                                     "base", "qualifier", "source", NULL};
    GbTreeTable *tidy = gb__tidy("published", th);
    for (guint i = 0; i < b->ref->headlines->len; i++) {
        const GbHeadline *hl = &g_array_index(b->ref->headlines, GbHeadline, i);
        gb_tree_cell_take(g, g_strdup_printf("%d", hl->year), -1);
        gb_tree_cell(g, hl->description, -1);
        const char *q = strcmp(hl->qualifier, "more_than") == 0 ? "more than "
                        : strcmp(hl->qualifier, "approx") == 0  ? "about "
                                                                : "";
        char num[48];
        gb_format_number(hl->value, hl->value == floor(hl->value) ? 0 : 1, num, sizeof num);
        char *value = strcmp(hl->unit, "percent") == 0 ? g_strdup_printf("%s%s%%", q, num)
                      : strcmp(hl->unit, "gbp") == 0   ? g_strdup_printf("%s\u00a3%s", q, num)
                      : hl->base > 0 ? g_strdup_printf("%s%s of %d", q, num, hl->base)
                                     : g_strdup_printf("%s%s", q, num);
        gb_tree_cell_take(g, value, -1);
        gb_tree_cell_take(g, gb__source_for_people(hl->source), -1);
        gb__t_int(tidy, hl->year);
        gb_tree_cell(tidy, hl->description, -1);
        gb__t_num(tidy, hl->value, hl->value == floor(hl->value) ? 0 : 1);
        gb_tree_cell(tidy, hl->unit, -1);
        gb__t_num(tidy, hl->base > 0 ? hl->base : NAN, 0);
        gb_tree_cell(tidy, hl->qualifier, -1);
        gb_tree_cell(tidy, hl->source, -1);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

/* A name for a narrow cell: a zero-width space (U+200B) after each '_', '-'
 * and '.' lets a long name break there, never mid-word; not before a short
 * extension ("safe.csv" stays whole). Takes name. */
static char *
gb__breakable_take(char *name)
{
    GString *s = g_string_sized_new(strlen(name) + 16);
    for (const char *p = name; *p != '\0'; p++) {
        g_string_append_c(s, *p);
        gboolean ext = *p == '.' && strlen(p + 1) <= 4;
        if ((*p == '_' || *p == '-' || *p == '.') && p[1] != '\0' && !ext)
            g_string_append(s, "\u200b");
    }
    g_free(name);
    return g_string_free(s, FALSE);
}

GbTreeTable *
gb__table_accounting(const GbBriefing *b)
{
    static const char *const h[] = {"Input file", "Layout",     "Rows",       "Used", "Merged",
                                    "Rejected",   "Judgements", "Not judged", NULL};
    static const double w[] = {0.24, 0.14, 0.08, 0.08, 0.09, 0.11, 0.14, 0.12};
    GbTreeTable *g =
        gb_tree_table_new("accounting", "What happened to every input row", h, w, TRUE);
    static const char *const th[] = {"file",     "layout",     "rows",       "used", "merged",
                                     "rejected", "judgements", "not_judged", NULL};
    GbTreeTable *tidy = gb__tidy("accounting", th);
    const GbTable *t = b->in.table;
    for (guint i = 0; i <= t->files->len; i++) {
        GbFileAccount total;
        const GbFileAccount *a;
        if (i < t->files->len) {
            a = &g_array_index(t->files, GbFileAccount, i);
        } else {
            gb_table_totals(t, &total);
            a = &total;
        }
        gb_tree_cell_take(g,
                          i < t->files->len ? gb__breakable_take(g_path_get_basename(a->path))
                                            : g_strdup("Total"),
                          -1);
        gb_tree_cell_take(g, gb__breakable_take(g_strdup(a->layout ? a->layout : "")), -1);
        guint64 v[] = {a->rows, a->used, a->merged, a->rejected, a->judgements, a->not_judged};
        for (gsize k = 0; k < G_N_ELEMENTS(v); k++)
            gb_tree_cell_take(g, gb__num((double)v[k]), -1);
        gb_tree_cell_take(tidy,
                          i < t->files->len ? g_path_get_basename(a->path) : g_strdup("Total"), -1);
        gb_tree_cell(tidy, a->layout ? a->layout : "", -1);
        for (gsize k = 0; k < G_N_ELEMENTS(v); k++)
            gb_tree_cell_take(tidy, g_strdup_printf("%" G_GUINT64_FORMAT, v[k]), -1);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GbTreeTable *
gb__table_regimes(const GbBriefing *b)
{
    static const char *const h[] = {"Regime", "Years", "Grades, best first", "On the common scale",
                                    NULL};
    static const double w[] = {0.30, 0.11, 0.30, 0.29};
    GbTreeTable *g =
        gb_tree_table_new("regimes", "Inspection regimes and their grade scales", h, w, TRUE);
    const GbRef *ref = b->ref;
    for (guint r = 0; r < ref->regimes->len; r++) {
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        gb_tree_cell_take(g, g_strdup_printf("%s (%s)", rg->name, rg->short_name), -1);
        gb_tree_cell_take(g,
                          rg->last_year == rg->first_year ? g_strdup_printf("%d", rg->first_year)
                          : rg->last_year
                              ? g_strdup_printf("%d\u2013%d", rg->first_year, rg->last_year)
                              : g_strdup_printf("%d\u2013", rg->first_year),
                          -1);
        GString *scale = g_string_new(NULL), *common = g_string_new(NULL);
        for (guint k = 0; k < rg->grades->len; k++) {
            const GbGrade *gr = gb_ref_grade(ref, (int)r, (int)k);
            g_string_append_printf(scale, "%s%s", k ? "; " : "", gr->label);
            g_string_append_printf(common, "%s%s", k ? "; " : "",
                                   gr->common >= 0 ? ref->common_labels[gr->common] : "not graded");
        }
        gb_tree_cell_take(g, g_string_free(scale, FALSE), -1);
        gb_tree_cell_take(g, g_string_free(common, FALSE), -1);
    }
    return g;
}

GbTreeTable *
gb__table_positions(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    const char *h[] = {"As at",      "Authorities", "With a judgement", b->labels[0], b->labels[1],
                       b->labels[2], b->labels[3],  "Good or better",   NULL};
    static const double w[] = {0.13, 0.12, 0.11, 0.13, 0.12, 0.14, 0.12, 0.13};
    int j = gb_ref_headline_judgement(ref, b->current);
    char *judgement = gb__lower(gb_ref_judgement(ref, j)->label);
    char *caption = g_strdup_printf("England's position as at each date: each authority's most "
                                    "recent %s judgement, count of those with one (share)",
                                    judgement);
    GbTreeTable *g = gb_tree_table_new("positions", caption, h, w, TRUE);
    g_free(caption);
    static const char *const th[] = {"as_at", "family", "group",   "authorities", "base",
                                     "grade", "count",  "percent", NULL};
    GbTreeTable *tidy = gb__tidy("positions", th);
    for (guint i = 0; b->positions != NULL && i < b->positions->len; i++) {
        const GbPosition *p = &g_array_index(b->positions, GbPosition, i);
        if (!gb_summary_position_covered(p))
            continue;
        char when[32];
        gb_text_format_date_long(p->as_at, when, sizeof when);
        gb_tree_cell(g, when, -1);
        gb_tree_cell_take(g, gb__num(p->authorities), -1);
        gb_tree_cell_take(g, gb__num(p->base), -1);
        for (int k = 0; k <= GB_COMMON_LEVELS; k++) {
            int n = k < GB_COMMON_LEVELS ? p->count[k] : p->good_or_better;
            gb_tree_cell_take(g, gb__count_pct((guint)n, (guint)p->base), -1);
            gb__t_date(tidy, p->as_at);
            gb_tree_cell(tidy, gb_ref_judgement(ref, j)->label, -1);
            gb_tree_cell(tidy, "England", -1);
            gb__t_int(tidy, p->authorities);
            gb__t_int(tidy, p->base);
            gb_tree_cell(tidy, k < GB_COMMON_LEVELS ? b->labels[k] : "Good or better", -1);
            gb__t_int(tidy, n);
            gb__t_num(tidy, gb_summary_share(n, p->base), 1);
        }
    }
    g_free(judgement);
    gb_tree_table_set_tidy(g, tidy);
    return g;
}
