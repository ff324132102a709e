/* briefing.c - what the national briefing says, computed from data
 * (see briefing.h). Every number here comes from the compute stage; the
 * sentences only choose words ("fell", "rose") from the signs. */
#include "output/briefing.h"

#include "output/pdf.h"
#include "output/chartfile.h"
#include "output/csvout.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

/* A table of text: the same grid goes into the PDF and into tables/ *.csv. */
typedef struct {
    char *name;                /* csv file stem */
    int ncols;
    GPtrArray *headers;        /* char* */
    double widths[12];
    GPtrArray *cells;          /* char*, row-major */
    GArray *levels;            /* int per cell: common level to colour by, -1 none */
} GbGrid;

struct GbBriefing {
    GbBriefingInput in;
    const GbRef *ref;
    GPtrArray *charts;         /* GbChart*, by name below */
    GPtrArray *grids;          /* GbGrid* */
    GPtrArray *findings;       /* char* sentences */
    char *as_at_text;          /* "24 March 2025" */
};

static GbGrid *
gb__grid_new(const char *name, const char *const *headers, const double *widths)
{
    GbGrid *g = g_new0(GbGrid, 1);
    g->name = g_strdup(name);
    g->headers = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; headers[i] != NULL; i++) {
        g_ptr_array_add(g->headers, g_strdup(headers[i]));
        g->widths[i] = widths[i];
        g->ncols++;
    }
    g->cells = g_ptr_array_new_with_free_func(g_free);
    g->levels = g_array_new(FALSE, FALSE, sizeof(int));
    return g;
}

static void
gb__grid_free(gpointer p)
{
    GbGrid *g = p;
    g_free(g->name);
    g_ptr_array_free(g->headers, TRUE);
    g_ptr_array_free(g->cells, TRUE);
    g_array_free(g->levels, TRUE);
    g_free(g);
}

/* Appends a cell (takes text) coloured by level. */
static void
gb__cell(GbGrid *g, char *text, int level)
{
    g_ptr_array_add(g->cells, text);
    g_array_append_val(g->levels, level);
}

static int
gb__rows(const GbGrid *g)
{
    return (int)g->cells->len / g->ncols;
}

static GbGrid *
gb__grid(const GbBriefing *b, const char *name)
{
    for (guint i = 0; i < b->grids->len; i++) {
        GbGrid *g = g_ptr_array_index(b->grids, i);
        if (strcmp(g->name, name) == 0)
            return g;
    }
    return NULL;
}

static const GbChart *
gb__chart(const GbBriefing *b, const char *name)
{
    for (guint i = 0; i < b->charts->len; i++)
        if (strcmp(gb_chart_name(g_ptr_array_index(b->charts, i)), name) == 0)
            return g_ptr_array_index(b->charts, i);
    return NULL;
}

static const char *
gb__grade_label(const GbRef *ref, int regime, int grade)
{
    return gb_ref_grade(ref, regime, grade)->label;
}

static char *
gb__lower(const char *s)
{
    return g_utf8_strdown(s, -1);
}

/* "A, B and C" from names. */
static char *
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

static gint
gb__cmp_names(gconstpointer a, gconstpointer b)
{
    return g_utf8_collate(*(char *const *)a, *(char *const *)b);
}

static const GbDistribution *
gb__dist(const GbBriefing *b, int regime, int judgement, int year)
{
    for (guint i = 0; i < b->in.stats->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(b->in.stats->distributions, GbDistribution, i);
        if (d->regime == regime && d->judgement == judgement && d->year == year)
            return d;
    }
    return NULL;
}

static const GbMeasure *
gb__published(const GbBriefing *b, int year, int regime, const char *measure, int base)
{
    for (guint i = 0; i < b->in.stats->published->len; i++) {
        const GbMeasure *m = &g_array_index(b->in.stats->published, GbMeasure, i);
        if (m->year == year && m->regime == regime && strcmp(m->measure, measure) == 0 &&
            (base < 0 || m->base == base))
            return m;
    }
    return NULL;
}

/* ---- key findings --------------------------------------------------------- */

static void
gb__findings(GbBriefing *b)
{
    const GbRef *ref = b->ref;
    GPtrArray *f = b->findings;
    /* 1. Changes the sources published for consecutive years, by pairs of years. */
    for (guint i = 0; i < b->in.stats->changes->len; i++) {
        const GbChange *c = &g_array_index(b->in.stats->changes, GbChange, i);
        if (c->from.series != GB_SERIES_PUBLISHED || strcmp(c->from.measure, "outstanding") != 0)
            continue;
        const GbChange *gob = NULL;
        for (guint k = 0; k < b->in.stats->changes->len; k++) {
            const GbChange *o = &g_array_index(b->in.stats->changes, GbChange, k);
            if (o->from.series == GB_SERIES_PUBLISHED && o->from.year == c->from.year &&
                o->to.year == c->to.year && o->from.regime == c->from.regime &&
                strcmp(o->from.measure, "good_or_better") == 0)
                gob = o;
        }
        char *judgement = gb__lower(gb_ref_judgement(ref, c->from.judgement)->label);
        GString *s = g_string_new(NULL);
        g_string_append_printf(s, "The share of councils judged outstanding for %s %s from "
                               "%.0f%% in %d to %.0f%% in %d",
                               judgement, c->points < 0 ? "fell" : c->points > 0 ? "rose" : "was unchanged",
                               c->from.percent, c->from.year, c->to.percent, c->to.year);
        if (gob != NULL)
            g_string_append_printf(s, ", and the share judged good or better %s from %.0f%% "
                                   "to %.0f%%", gob->points < 0 ? "fell" : "rose",
                                   gob->from.percent, gob->to.percent);
        g_string_append_printf(s, " (%s, as published).",
                               gb_ref_regime(ref, c->from.regime)->name);
        g_ptr_array_add(f, g_string_free(s, FALSE));
        g_free(judgement);
    }
    /* 2. Who was inadequate in the complete APA table, and how many were inspected. */
    for (guint r = 0; r < ref->regimes->len; r++) {
        int j = gb_ref_headline_judgement(ref, (int)r);
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        if (strcmp(rg->id, "apa") != 0)
            continue;
        for (int y = rg->first_year; y <= rg->last_year; y++) {
            const GbDistribution *d = gb__dist(b, (int)r, j, y);
            if (d == NULL || d->selection != NULL)
                continue;
            GPtrArray *names = g_ptr_array_new();
            for (guint i = 0; i < b->in.table->rows->len; i++) {
                const GbRow *row = gb_table_row(b->in.table, i);
                if (row->judgement == j && row->year == y &&
                    gb_ref_grade(ref, (int)r, row->grade)->common == 3)
                    g_ptr_array_add(names, gb_ref_authority(ref, row->authority)->name);
            }
            g_ptr_array_sort(names, gb__cmp_names);
            char *list = gb__join_and(names);
            const GbMeasure *insp = gb__published(b, y, (int)r, "inspected", -1);
            GString *s = g_string_new(NULL);
            if (insp != NULL)
                g_string_append_printf(s, "Ofsted inspected %d of the %d councils in %d. ",
                                       insp->count, insp->base, y);
            g_string_append_printf(s, "In %d, %u of %u councils were judged inadequate for %s",
                                   y, d->inadequate, d->base, "staying safe");
            if (names->len > 0)
                g_string_append_printf(s, ": %s", list);
            g_string_append_c(s, '.');
            g_ptr_array_add(f, g_string_free(s, FALSE));
            g_free(list);
            g_ptr_array_free(names, TRUE);
        }
    }
    /* 3. The reconciliation that the press figures need. */
    for (guint i = 0; i < b->in.stats->reconciliations->len; i++) {
        const GbReconciliation *r = &g_array_index(b->in.stats->reconciliations,
                                                   GbReconciliation, i);
        if (strcmp(r->computed.measure, "outstanding") != 0 || r->reason == NULL ||
            r->selection || r->published.base < 0)
            continue;
        g_ptr_array_add(f, g_strdup_printf(
                               "Counting the %d councils in the %d table gives %d judged "
                               "outstanding (%.1f%%); the published %.0f%% is of the %d "
                               "inspected, so the two differ by %.1f points.",
                               r->computed.base, r->computed.year, r->computed.count,
                               r->computed.percent, r->published.percent, r->published.base,
                               fabs(r->difference)));
    }
    /* 4. Unannounced inspections. */
    int ua = gb_ref_find_regime(ref, "unannounced");
    if (ua >= 0) {
        int j = gb_ref_headline_judgement(ref, ua);
        for (int y = gb_ref_regime(ref, ua)->first_year; y <= b->in.table->max_year; y++) {
            const GbDistribution *d = gb__dist(b, ua, j, y);
            int pa = -1;
            for (guint g = 0; d != NULL && g < gb_ref_regime(ref, ua)->grades->len; g++)
                if (strcmp(gb_ref_grade(ref, ua, (int)g)->id, "priority_action") == 0)
                    pa = (int)g;
            if (d == NULL || pa < 0)
                continue;
            g_ptr_array_add(f, g_strdup_printf("Of the %u councils given unannounced "
                                               "inspections in %d, %u had at least one area for "
                                               "priority action.", d->base, y, d->count[pa]));
        }
    }
    /* 5. Published distributions with no rows behind them (2012 framework). */
    int cp = gb_ref_find_regime(ref, "cp2012");
    if (cp >= 0) {
        const GbRegime *rg = gb_ref_regime(ref, cp);
        for (int y = rg->first_year; y <= rg->last_year; y++) {
            GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
            int base = -1, found = 0;
            for (int g = (int)rg->grades->len - 1; g >= 0; g--) {
                const GbMeasure *m = NULL;
                for (guint i = 0; i < b->in.stats->published->len && m == NULL; i++) {
                    const GbMeasure *x = &g_array_index(b->in.stats->published, GbMeasure, i);
                    if (x->year == y && x->regime == cp &&
                        strcmp(x->measure, gb_ref_grade(ref, cp, g)->id) == 0 && x->count >= 0 &&
                        (base < 0 || x->base == base))
                        m = x;
                }
                if (m == NULL)
                    continue;
                base = m->base;
                char *label = gb__lower(gb_ref_grade(ref, cp, g)->label);
                char count[16] = "none";
                if (m->count > 0)
                    g_snprintf(count, sizeof count, "%d", m->count);
                g_ptr_array_add(parts, g_strdup_printf(found ? "%s %s" : "%s were judged %s",
                                                       count, label));
                g_free(label);
                found++;
            }
            if (found == (int)rg->grades->len) {
                char *list = gb__join_and(parts);
                g_ptr_array_add(f, g_strdup_printf("Of %d councils re-inspected under the 2012 "
                                                   "child protection framework, %s (as "
                                                   "published).", base, list));
                g_free(list);
            }
            g_ptr_array_free(parts, TRUE);
        }
    }
    /* 6. The latest position. */
    const GbLatest *l = b->in.latest;
    char not_yet[64] = "";
    if (l->not_inspected > 0)
        g_snprintf(not_yet, sizeof not_yet, "; %d not yet inspected", l->not_inspected);
    g_ptr_array_add(f, g_strdup_printf("As at %s, of the %d authorities, %d (%.1f%%) were "
                                       "judged outstanding for overall effectiveness, %d "
                                       "(%.1f%%) good, %d (%.1f%%) requires improvement and %d "
                                       "(%.1f%%) inadequate%s.",
                                       b->as_at_text, l->authorities, l->count[0],
                                       100.0 * l->count[0] / MAX(l->authorities, 1), l->count[1],
                                       100.0 * l->count[1] / MAX(l->authorities, 1), l->count[2],
                                       100.0 * l->count[2] / MAX(l->authorities, 1), l->count[3],
                                       100.0 * l->count[3] / MAX(l->authorities, 1),
                                       not_yet));
    /* 6b. The published position for the same year, if any, against ours. */
    int published[GB_COMMON_LEVELS] = {-1, -1, -1, -1}, pub_base = -1, pub_year = 0;
    for (guint i = 0; i < ref->headlines->len; i++) {
        const GbHeadline *h = &g_array_index(ref->headlines, GbHeadline, i);
        if (strcmp(h->measure, "latest") != 0 || h->regime < 0 ||
            (guint32)h->year != l->as_at / 10000)
            continue;
        for (guint k = 0; k < gb_ref_regime(ref, h->regime)->grades->len; k++)
            if (strcmp(gb_ref_grade(ref, h->regime, (int)k)->id, h->grade) == 0)
                published[gb_ref_grade(ref, h->regime, (int)k)->common] = (int)h->value;
        pub_base = h->base;
        pub_year = h->year;
    }
    if (pub_base > 0 && published[0] >= 0 && published[1] >= 0 && published[2] >= 0 &&
        published[3] >= 0) {
        gboolean same = pub_base == l->authorities;
        for (int k = 0; k < GB_COMMON_LEVELS; k++)
            same = same && published[k] == l->count[k];
        g_ptr_array_add(f, g_strdup_printf(
                               "%s Ofsted's own published position for %d (%d, %d, %d and %d "
                               "of %d authorities).",
                               same ? "These counts, computed from the inspection history, "
                                      "match"
                                    : "These counts, computed from the inspection history, "
                                      "differ from",
                               pub_year, published[0], published[1], published[2],
                               published[3], pub_base));
    }
    /* 7. ILACS: first and last full year. */
    int il = gb_ref_find_regime(ref, "ilacs");
    if (il >= 0) {
        int j = gb_ref_headline_judgement(ref, il);
        const GbDistribution *first = NULL, *last = NULL;
        for (int y = gb_ref_regime(ref, il)->first_year; y <= b->in.table->max_year; y++) {
            const GbDistribution *d = gb__dist(b, il, j, y);
            if (d == NULL || d->base < 20)
                continue; /* part years with few inspections say little */
            if (first == NULL)
                first = d;
            last = d;
        }
        if (first != NULL && last != NULL && first != last)
            g_ptr_array_add(f, g_strdup_printf(
                                   "Of the ILACS inspections made in %d, %.1f%% found overall "
                                   "effectiveness good or outstanding (%u of %u), against "
                                   "%.1f%% in %d (%u of %u).",
                                   last->year, 100.0 * last->good_or_better / last->base,
                                   last->good_or_better, last->base,
                                   100.0 * first->good_or_better / first->base, first->year,
                                   first->good_or_better, first->base));
    }
    /* 8. Movers. */
    int up = 0, down = 0;
    for (int a = 0; a < GB_COMMON_LEVELS; a++)
        for (int c = 0; c < GB_COMMON_LEVELS; c++) {
            up += c < a ? b->in.moves->transitions[a][c] : 0;
            down += c > a ? b->in.moves->transitions[a][c] : 0;
        }
    g_ptr_array_add(f, g_strdup_printf("Between consecutive graded judgements of the same "
                                       "authority, across regimes on the common four-level "
                                       "scale, %d were a step up and %d a step down.", up, down));
}

/* ---- tables ---------------------------------------------------------------- */

static char *
gb__count_pct(guint count, guint base)
{
    return g_strdup_printf("%u (%.1f%%)", count, base ? 100.0 * count / base : 0.0);
}

static void
gb__grid_distributions(GbBriefing *b)
{
    static const char *const h[] = {"Regime", "Year", "Series", "Base", "Outstanding", "Good",
                                    "Adequate / RI", "Inadequate", "Good or better", NULL};
    static const double w[] = {0.10, 0.07, 0.11, 0.07, 0.13, 0.13, 0.13, 0.13, 0.13};
    GbGrid *g = gb__grid_new("distributions", h, w);
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(b->in.stats->distributions, GbDistribution, i);
        if (!d->graded || d->judgement != gb_ref_headline_judgement(ref, d->regime) ||
            d->base == 0 || d->selection != NULL)
            continue;
        gb__cell(g, g_strdup(gb_ref_regime(ref, d->regime)->short_name), -1);
        gb__cell(g, g_strdup_printf("%d", d->year), -1);
        gb__cell(g, g_strdup("rows"), -1);
        gb__cell(g, g_strdup_printf("%u", d->base), -1);
        guint common[GB_COMMON_LEVELS] = {0};
        for (int k = 0; k < d->ngrades; k++) {
            int c = gb_ref_grade(ref, d->regime, k)->common;
            if (c >= 0)
                common[c] += d->count[k];
        }
        for (int c = 0; c < GB_COMMON_LEVELS; c++)
            gb__cell(g, gb__count_pct(common[c], d->base), -1);
        gb__cell(g, gb__count_pct(d->good_or_better, d->base), -1);
    }
    /* Published distributions: complete counts on one base. */
    for (guint i = 0; i < b->in.stats->published->len; i++) {
        const GbMeasure *m = &g_array_index(b->in.stats->published, GbMeasure, i);
        if (m->count < 0 || strcmp(m->measure, "outstanding") != 0 || m->base <= 0)
            continue;
        const GbRegime *rg = gb_ref_regime(ref, m->regime);
        int counts[GB_COMMON_LEVELS] = {-1, -1, -1, -1};
        for (guint k = 0; k < rg->grades->len; k++) {
            const GbMeasure *x = gb__published(b, m->year, m->regime, gb_ref_grade(ref, m->regime, (int)k)->id, m->base);
            if (x != NULL && x->count >= 0)
                counts[gb_ref_grade(ref, m->regime, (int)k)->common] = x->count;
        }
        if (counts[0] < 0 || counts[1] < 0 || counts[2] < 0 || counts[3] < 0)
            continue;
        gb__cell(g, g_strdup(rg->short_name), -1);
        gb__cell(g, g_strdup_printf("%d", m->year), -1);
        gb__cell(g, g_strdup("published"), -1);
        gb__cell(g, g_strdup_printf("%d", m->base), -1);
        for (int c = 0; c < GB_COMMON_LEVELS; c++)
            gb__cell(g, gb__count_pct((guint)counts[c], (guint)m->base), -1);
        gb__cell(g, gb__count_pct((guint)(counts[0] + counts[1]), (guint)m->base), -1);
    }
    g_ptr_array_add(b->grids, g);
}

static char *
gb__measure_text(const GbMeasure *m)
{
    if (isnan(m->percent))
        return g_strdup_printf("%d", m->count);
    const char *q = g_strcmp0(m->qualifier, "more_than") == 0 ? "more than "
                    : g_strcmp0(m->qualifier, "approx") == 0 ? "about "
                                                              : "";
    if (m->count >= 0 && m->base > 0)
        return g_strdup_printf("%s%d of %d (%.1f%%)", q, m->count, m->base, m->percent);
    if (m->base > 0)
        return g_strdup_printf("%s%.*f%% of %d", q, m->series == GB_SERIES_PUBLISHED ? 0 : 1,
                               m->percent, m->base);
    return g_strdup_printf("%s%.0f%%", q, m->percent);
}

static const char *
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

static void
gb__grid_changes(GbBriefing *b)
{
    static const char *const h[] = {"Regime", "Measure", "From", "To", "Change", "Series", NULL};
    static const double w[] = {0.10, 0.22, 0.22, 0.22, 0.12, 0.12};
    GbGrid *g = gb__grid_new("changes", h, w);
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->changes->len; i++) {
        const GbChange *c = &g_array_index(b->in.stats->changes, GbChange, i);
        /* The headline judgement of each regime and the headline measures only;
         * `gradebrief stats` lists every change. */
        if (c->from.judgement != gb_ref_headline_judgement(ref, c->from.regime) ||
            (strcmp(c->from.measure, "outstanding") != 0 &&
             strcmp(c->from.measure, "good_or_better") != 0 &&
             strcmp(c->from.measure, "inadequate") != 0))
            continue;
        gb__cell(g, g_strdup(gb_ref_regime(ref, c->from.regime)->short_name), -1);
        gb__cell(g, g_strdup(gb__measure_name(ref, &c->from)), -1);
        char *a = gb__measure_text(&c->from), *z = gb__measure_text(&c->to);
        gb__cell(g, g_strdup_printf("%d: %s", c->from.year, a), -1);
        gb__cell(g, g_strdup_printf("%d: %s", c->to.year, z), -1);
        g_free(a);
        g_free(z);
        gb__cell(g, g_strdup_printf("%+.1f points", c->points), -1);
        gb__cell(g, g_strdup(c->from.series == GB_SERIES_PUBLISHED ? "published" : "computed"),
                 -1);
    }
    g_ptr_array_add(b->grids, g);
}

static void
gb__grid_reconciliation(GbBriefing *b)
{
    static const char *const h[] = {"Year", "Regime", "Measure", "Computed", "Published",
                                    "Difference", "Why they differ", NULL};
    static const double w[] = {0.07, 0.09, 0.13, 0.17, 0.15, 0.11, 0.28};
    GbGrid *g = gb__grid_new("reconciliation", h, w);
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->reconciliations->len; i++) {
        const GbReconciliation *r = &g_array_index(b->in.stats->reconciliations,
                                                   GbReconciliation, i);
        gb__cell(g, g_strdup_printf("%d", r->computed.year), -1);
        gb__cell(g, g_strdup(gb_ref_regime(ref, r->computed.regime)->short_name), -1);
        gb__cell(g, g_strdup(gb__measure_name(ref, &r->computed)), -1);
        gb__cell(g, gb__measure_text(&r->computed), -1);
        gb__cell(g, gb__measure_text(&r->published), -1);
        gb__cell(g, isnan(r->difference) ? g_strdup("") : g_strdup_printf("%+.1f points", r->difference), -1);
        gb__cell(g, g_strdup(r->reason ? r->reason : "same base"), -1);
    }
    g_ptr_array_add(b->grids, g);
}

typedef struct {
    const GbAuthority *authority;
    char *key;               /* g_utf8_collate_key of its name */
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

/* Every authority's latest headline judgement in each regime. */
static void
gb__grid_authorities(GbBriefing *b)
{
    static const char *const h[] = {"Authority", "Region", "APA", "Unannounced", "CP 2012",
                                    "ILACS earlier", "ILACS latest", NULL};
    static const double w[] = {0.19, 0.14, 0.13, 0.14, 0.12, 0.14, 0.14};
    GbGrid *g = gb__grid_new("authorities", h, w);
    const GbRef *ref = b->ref;
    static const char *const regimes[] = {"apa", "unannounced", "cp2012", "ilacs"};
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
    for (guint i = 0; i < n; i++) {
        const GbAuthority *au = order[i].authority;
        int a = (int)(au - (const GbAuthority *)(void *)ref->authorities->data);
        GArray *h2 = gb_stats_histories_get(histories, a);
        char *name = au->to ? g_strdup_printf("%s (until %u)", au->name, au->to / 10000)
                            : au->from ? g_strdup_printf("%s (from %u)", au->name, au->from / 10000)
                                       : g_strdup(au->name);
        gb__cell(g, name, -1);
        gb__cell(g, g_strdup(g_ptr_array_index(ref->regions, au->region)), -1);
        for (gsize r = 0; r < G_N_ELEMENTS(regimes); r++) {
            int regime = gb_ref_find_regime(ref, regimes[r]);
            const GbEvent *last = NULL, *before = NULL;
            for (guint k = 0; k < h2->len; k++) {
                const GbEvent *e = &g_array_index(h2, GbEvent, k);
                if (e->regime != regime || e->as_authority >= 0)
                    continue;
                before = last;
                last = e;
            }
            gboolean ilacs = strcmp(regimes[r], "ilacs") == 0;
            const GbEvent *cells[2] = {ilacs ? before : last, ilacs ? last : NULL};
            for (int k = 0; k < (ilacs ? 2 : 1); k++) {
                const GbEvent *e = cells[k];
                if (e == NULL) {
                    gb__cell(g, g_strdup(""), -1);
                    continue;
                }
                gb__cell(g, g_strdup_printf("%s (%d)", gb__grade_label(ref, e->regime, e->grade),
                                            e->year), e->common);
            }
        }
        g_array_free(h2, TRUE);
    }
    gb_stats_histories_free(histories);
    for (guint a = 0; a < n; a++)
        g_free(order[a].key);
    g_free(order);
    g_ptr_array_add(b->grids, g);
}

static char *
gb__event_text(const GbRef *ref, const GbEvent *e)
{
    return g_strdup_printf("%s %s, %d%s%s", gb_ref_regime(ref, e->regime)->short_name,
                           gb__grade_label(ref, e->regime, e->grade), e->year,
                           e->as_authority >= 0 ? " as " : "",
                           e->as_authority >= 0 ? gb_ref_authority(ref, e->as_authority)->name : "");
}

static void
gb__grid_movers(GbBriefing *b)
{
    static const char *const h[] = {"Authority", "From", "To", "Move", NULL};
    static const double w[] = {0.28, 0.30, 0.30, 0.12};
    GbGrid *g = gb__grid_new("movers", h, w);
    const GbRef *ref = b->ref;
    for (int dir = 0; dir < 2; dir++) {
        for (guint i = 0; i < b->in.moves->moves->len; i++) {
            const GbMove *m = &g_array_index(b->in.moves->moves, GbMove, i);
            gboolean up = m->to.common < m->from.common;
            if (up != (dir == 0))
                continue;
            gb__cell(g, g_strdup(gb_ref_authority(ref, m->authority)->name), -1);
            gb__cell(g, gb__event_text(ref, &m->from), m->from.common);
            gb__cell(g, gb__event_text(ref, &m->to), m->to.common);
            gb__cell(g, g_strdup(up ? "up" : "down"), -1);
        }
    }
    g_ptr_array_add(b->grids, g);
}

static void
gb__grid_unannounced(GbBriefing *b)
{
    static const char *const h[] = {"Authority", "Year", "Outcome", NULL};
    static const double w[] = {0.40, 0.15, 0.45};
    GbGrid *g = gb__grid_new("unannounced", h, w);
    const GbRef *ref = b->ref;
    int ua = gb_ref_find_regime(ref, "unannounced");
    GPtrArray *rows = g_ptr_array_new();
    for (guint i = 0; i < b->in.table->rows->len; i++) {
        const GbRow *r = gb_table_row(b->in.table, i);
        if (gb_ref_judgement(ref, r->judgement)->regime == ua)
            g_ptr_array_add(rows, (gpointer)r);
    }
    for (int pass = 1; pass >= 0; pass--) /* priority action first */
        for (guint i = 0; i < rows->len; i++) {
            const GbRow *r = g_ptr_array_index(rows, i);
            if (r->grade != pass)
                continue;
            gb__cell(g, g_strdup(gb_ref_authority(ref, r->authority)->name), -1);
            gb__cell(g, g_strdup_printf("%d", r->year), -1);
            gb__cell(g, g_strdup(gb__grade_label(ref, ua, r->grade)), -1);
        }
    g_ptr_array_free(rows, TRUE);
    g_ptr_array_add(b->grids, g);
}

static void
gb__grid_published(GbBriefing *b)
{
    static const char *const h[] = {"Year", "Figure", "Value", "Source", NULL};
    static const double w[] = {0.07, 0.43, 0.17, 0.33};
    GbGrid *g = gb__grid_new("published", h, w);
    for (guint i = 0; i < b->ref->headlines->len; i++) {
        const GbHeadline *hl = &g_array_index(b->ref->headlines, GbHeadline, i);
        gb__cell(g, g_strdup_printf("%d", hl->year), -1);
        gb__cell(g, g_strdup(hl->description), -1);
        const char *q = strcmp(hl->qualifier, "more_than") == 0 ? "more than "
                        : strcmp(hl->qualifier, "approx") == 0  ? "about "
                                                                : "";
        char num[48];
        gb_format_number(hl->value, hl->value == floor(hl->value) ? 0 : 1, num, sizeof num);
        char *value = strcmp(hl->unit, "percent") == 0 ? g_strdup_printf("%s%s%%", q, num)
                      : strcmp(hl->unit, "gbp") == 0   ? g_strdup_printf("%s\u00a3%s", q, num)
                      : hl->base > 0 ? g_strdup_printf("%s%s of %d", q, num, hl->base)
                                     : g_strdup_printf("%s%s", q, num);
        gb__cell(g, value, -1);
        gb__cell(g, g_strdup(hl->source), -1);
    }
    g_ptr_array_add(b->grids, g);
}

static void
gb__grid_accounting(GbBriefing *b)
{
    static const char *const h[] = {"Input file", "Layout", "Rows", "Used", "Merged",
                                    "Rejected", "Judgements", "Not judged", NULL};
    static const double w[] = {0.30, 0.17, 0.07, 0.07, 0.08, 0.08, 0.12, 0.11};
    GbGrid *g = gb__grid_new("accounting", h, w);
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
        gb__cell(g, i < t->files->len ? g_path_get_basename(a->path) : g_strdup("Total"), -1);
        gb__cell(g, g_strdup(a->layout ? a->layout : ""), -1);
        guint64 v[] = {a->rows, a->used, a->merged, a->rejected, a->judgements, a->not_judged};
        for (gsize k = 0; k < G_N_ELEMENTS(v); k++)
            gb__cell(g, g_strdup_printf("%" G_GUINT64_FORMAT, v[k]), -1);
    }
    g_ptr_array_add(b->grids, g);
}

static void
gb__grid_regimes(GbBriefing *b)
{
    static const char *const h[] = {"Regime", "Years", "Grades, best first", "On the common scale", NULL};
    static const double w[] = {0.30, 0.11, 0.30, 0.29};
    GbGrid *g = gb__grid_new("regimes", h, w);
    const GbRef *ref = b->ref;
    for (guint r = 0; r < ref->regimes->len; r++) {
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        gb__cell(g, g_strdup_printf("%s (%s)", rg->name, rg->short_name), -1);
        gb__cell(g, rg->last_year ? g_strdup_printf("%d\u2013%d", rg->first_year, rg->last_year)
                                  : g_strdup_printf("%d\u2013", rg->first_year), -1);
        GString *scale = g_string_new(NULL), *common = g_string_new(NULL);
        for (guint k = 0; k < rg->grades->len; k++) {
            const GbGrade *gr = gb_ref_grade(ref, (int)r, (int)k);
            g_string_append_printf(scale, "%s%s", k ? "; " : "", gr->label);
            g_string_append_printf(common, "%s%s", k ? "; " : "",
                                   gr->common >= 0 ? ref->common_labels[gr->common] : "not graded");
        }
        gb__cell(g, g_string_free(scale, FALSE), -1);
        gb__cell(g, g_string_free(common, FALSE), -1);
    }
    g_ptr_array_add(b->grids, g);
}

/* ---- assembly -------------------------------------------------------------- */

GbBriefing *
gb_briefing_new(const GbBriefingInput *in, char **error)
{
    GbBriefing *b = g_new0(GbBriefing, 1);
    b->in = *in;
    b->ref = in->table->ref;
    b->charts = g_ptr_array_new_with_free_func((GDestroyNotify)gb_chart_free);
    b->grids = g_ptr_array_new_with_free_func(gb__grid_free);
    b->findings = g_ptr_array_new_with_free_func(g_free);
    char when[32];
    gb_text_format_date_long(in->latest->as_at, when, sizeof when);
    b->as_at_text = g_strdup(when);
    static const char *const names[] = {"distribution", "dumbbell", "trend", "counts", "map",
                                        "transitions"};
    GbChartInput ci = {.table = in->table, .stats = in->stats, .moves = in->moves,
                       .latest = in->latest, .authority = -1};
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        GbChart *c = gb_chart_new(names[i], &ci, error);
        if (c == NULL) {
            char *e = g_strdup_printf("chart '%s': %s", names[i], *error);
            g_free(*error);
            *error = e;
            gb_briefing_free(b);
            return NULL;
        }
        g_ptr_array_add(b->charts, c);
    }
    gb__findings(b);
    gb__grid_distributions(b);
    gb__grid_changes(b);
    gb__grid_unannounced(b);
    gb__grid_authorities(b);
    gb__grid_movers(b);
    gb__grid_published(b);
    gb__grid_reconciliation(b);
    gb__grid_accounting(b);
    gb__grid_regimes(b);
    return b;
}

void
gb_briefing_free(GbBriefing *b)
{
    if (b == NULL)
        return;
    g_ptr_array_free(b->charts, TRUE);
    g_ptr_array_free(b->grids, TRUE);
    g_ptr_array_free(b->findings, TRUE);
    g_free(b->as_at_text);
    g_free(b);
}

static void
gb__table(GbDoc *d, const GbGrid *g, double size)
{
    GArray *cells = g_array_new(FALSE, FALSE, sizeof(GbCell));
    for (guint i = 0; i < g->cells->len; i++) {
        GbCell c = {.text = g_ptr_array_index(g->cells, i),
                    .level = g_array_index(g->levels, int, i)};
        g_array_append_val(cells, c);
    }
    GbDocTable t = {.ncols = g->ncols, .headers = (const char *const *)g->headers->pdata,
                    .widths = g->widths, .cells = cells, .size = size};
    gb_doc_table(d, &t);
    g_array_free(cells, TRUE);
}

static const char *
gb__section_title(const char *id)
{
    static const char *const map[][2] = {
        {"findings", "Key findings"},
        {"distributions", "Grade distributions by year and regime"},
        {"changes", "Headline changes"},
        {"inadequate", "Inadequate judgements over time"},
        {"unannounced", "Unannounced inspections"},
        {"map", "Latest grades across England"},
        {"authorities", "Every authority's judgements"},
        {"movers", "Who moved up or down"},
        {"context", "Context figures"},
        {"methodology", "Methodology and sources"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(map); i++)
        if (strcmp(map[i][0], id) == 0)
            return map[i][1];
    return id;
}

static void
gb__section(GbBriefing *b, GbDoc *d, const char *id)
{
    const GbRef *ref = b->ref;
    gb_doc_section(d, id, gb__section_title(id));
    if (strcmp(id, "findings") == 0) {
        gb_doc_bullets(d, (const char *const *)b->findings->pdata, (int)b->findings->len);
        gb_doc_note(d, "Figures marked \"as published\" are the inspectorate's own, as the "
                       "press reported them; all others are computed by gradebrief from one "
                       "row per authority and judgement. The methodology section reconciles "
                       "the two where both exist.");
    } else if (strcmp(id, "distributions") == 0) {
        gb_doc_paragraph(d, "Each bar splits one year's headline judgements by grade. The "
                            "inspection regime changed every few years and with it the grade "
                            "scale; grades are shown on a common four-level scale, on which "
                            "\"adequate\" (before 2013) and \"requires improvement\" (since) "
                            "share the third level. Years whose rows name only some authorities "
                            "(2008, and the inadequate councils named in 2013) are left out of "
                            "the chart; for 2013 the published counts of the 50 councils "
                            "re-inspected are shown instead.");
        gb_doc_figure(d, gb__chart(b, "distribution"), gb_chart_title(gb__chart(b, "distribution")));
        gb_doc_heading(d, "Counts and shares");
        gb__table(d, gb__grid(b, "distributions"), 7.5);
    } else if (strcmp(id, "changes") == 0) {
        gb_doc_paragraph(d, "Changes are in percentage points between consecutive years of the "
                            "same regime. Both ends of a change come from the same series: the "
                            "published figures where both years have one, otherwise the "
                            "figures computed from rows.");
        gb_doc_figure(d, gb__chart(b, "dumbbell"), gb_chart_title(gb__chart(b, "dumbbell")));
        gb__table(d, gb__grid(b, "changes"), 7.5);
    } else if (strcmp(id, "inadequate") == 0) {
        gb_doc_paragraph(d, "The share of each year's headline judgements that were inadequate. "
                            "Years without data are gaps, not zeros: the regimes between 2009 "
                            "and 2017 are represented here only by published counts.");
        gb_doc_figure(d, gb__chart(b, "trend"), gb_chart_title(gb__chart(b, "trend")));
    } else if (strcmp(id, "unannounced") == 0) {
        gb_doc_paragraph(d, "From 2009 Ofsted made unannounced inspections of councils' contact, "
                            "referral and assessment arrangements. They give no grade: a council "
                            "has \"areas for priority action\" or only \"areas for "
                            "development\". Early press reports called the former \"serious "
                            "concerns\".");
        const GbMeasure *early = NULL;
        int ua = gb_ref_find_regime(ref, "unannounced");
        for (guint i = 0; i < b->in.stats->published->len; i++) {
            const GbMeasure *m = &g_array_index(b->in.stats->published, GbMeasure, i);
            if (m->regime == ua && strcmp(m->measure, "priority_action") == 0 &&
                (early == NULL || m->base < early->base))
                early = m;
        }
        if (early != NULL) {
            char *p = g_strdup_printf("Before the reports were published, %d of the first %d "
                                      "councils spot-checked were reported to have serious "
                                      "concerns (%.0f%%).", early->count, early->base,
                                      early->percent);
            gb_doc_paragraph(d, p);
            g_free(p);
        }
        gb__table(d, gb__grid(b, "unannounced"), 8.5);
    } else if (strcmp(id, "map") == 0) {
        gb_doc_figure(d, gb__chart(b, "counts"), gb_chart_title(gb__chart(b, "counts")));
        gb_doc_figure(d, gb__chart(b, "map"), gb_chart_title(gb__chart(b, "map")));
    } else if (strcmp(id, "authorities") == 0) {
        gb_doc_paragraph(d, "Every children's services authority since 2006, with its latest "
                            "headline judgement in each regime (and, for ILACS, the one before). "
                            "Abolished authorities are marked with the year they ceased; their "
                            "successors' histories include their judgements. Cells are "
                            "coloured by grade on the common scale and the grade is written out.");
        gb__table(d, gb__grid(b, "authorities"), 7);
    } else if (strcmp(id, "movers") == 0) {
        gb_doc_figure(d, gb__chart(b, "transitions"), gb_chart_title(gb__chart(b, "transitions")));
        gb_doc_heading(d, "Every move, improvements first");
        gb__table(d, gb__grid(b, "movers"), 7);
    } else if (strcmp(id, "context") == 0) {
        GString *s = g_string_new(NULL);
        const GbHeadline *r0 = NULL, *r1 = NULL;
        for (guint i = 0; i < ref->headlines->len; i++) {
            const GbHeadline *h = &g_array_index(ref->headlines, GbHeadline, i);
            if (strcmp(h->grade, "referrals") != 0)
                continue;
            if (r0 == NULL || h->year < r0->year)
                r0 = h;
            if (r1 == NULL || h->year > r1->year)
                r1 = h;
        }
        if (r0 != NULL && r1 != NULL && r0 != r1) {
            char a[32], z[32];
            gb_format_number(r0->value, 0, a, sizeof a);
            gb_format_number(r1->value, 0, z, sizeof z);
            g_string_append_printf(s, "The number of children referred to social services rose "
                                   "from %s in %d to %s in %d, %.1f%% more.", a, r0->year, z,
                                   r1->year, 100.0 * (r1->value - r0->value) / r0->value);
            gb_doc_paragraph(d, s->str);
        }
        g_string_free(s, TRUE);
        gb_doc_heading(d, "Every published figure");
        gb__table(d, gb__grid(b, "published"), 7);
    } else if (strcmp(id, "methodology") == 0) {
        gb_doc_heading(d, "Regimes and their scales");
        gb_doc_paragraph(d, "Ofsted's inspection framework for children's services changed every "
                            "few years, and with it the grade scale. To compare across regimes, "
                            "each grade is mapped to a common four-level scale: outstanding, "
                            "good, adequate or requires improvement, and inadequate. The "
                            "unannounced inspections of 2009 gave no grade and stay outside it.");
        gb__table(d, gb__grid(b, "regimes"), 7.5);
        gb_doc_heading(d, "Computed and published figures");
        gb_doc_paragraph(d, "Where a year has both rows and a published figure, both are shown "
                            "with their bases. They differ when the published figure is of "
                            "those inspected and the rows cover every council, or when the rows "
                            "name only some councils.");
        gb__table(d, gb__grid(b, "reconciliation"), 7);
        gb_doc_heading(d, "What was read");
        gb_doc_paragraph(d, "Every input row is accounted for: used, merged as an identical "
                            "duplicate of a row already read (the latest-judgements sheet "
                            "repeats the inspection history), or rejected. Cells that mean "
                            "\"not judged\" (care leavers before 2023) are counted, not used.");
        gb__table(d, gb__grid(b, "accounting"), 7);
        gb_doc_heading(d, "Sources and licences");
        GPtrArray *sources = g_ptr_array_new();
        for (guint i = 0; i < b->in.table->sources->len; i++) {
            const char *s = g_ptr_array_index(b->in.table->sources, i);
            if (strchr(s, '/') == NULL) /* a file path stands in for rows with no source */
                g_ptr_array_add(sources, (gpointer)s);
        }
        for (guint i = 0; i < ref->headlines->len; i++) {
            const char *s = g_array_index(ref->headlines, GbHeadline, i).source;
            gboolean seen = FALSE;
            for (guint k = 0; k < sources->len && !seen; k++)
                seen = strcmp(g_ptr_array_index(sources, k), s) == 0;
            if (!seen)
                g_ptr_array_add(sources, (gpointer)s);
        }
        g_ptr_array_sort(sources, gb__cmp_names);
        gb_doc_bullets(d, (const char *const *)sources->pdata, (int)sources->len);
        g_ptr_array_free(sources, TRUE);
        gb_doc_paragraph(d, "Ofsted data: \u00a9 Crown copyright, Open Government Licence v3.0. "
                            "DfE statistical neighbours model 2025. Tile map layout: ODI Leeds "
                            "hex map of English upper-tier authorities (MIT licence), updated "
                            "for the 2021 and 2023 reorganisations. Press articles: only names "
                            "and figures are reproduced.");
    }
}

static void
gb__compose(GbBriefing *b, GbDoc *d)
{
    const GbConfig *c = b->in.config;
    char *asat = g_strdup_printf("Data as at %s", b->as_at_text);
    char *rows = g_strdup_printf("Computed from %u judgements of %u authorities, and %u "
                                 "published figures", b->in.table->rows->len,
                                 b->ref->authorities->len, b->ref->headlines->len);
    const char *lines[] = {c->organisation, asat, rows, NULL};
    gb_doc_cover(d, c->title, c->subtitle, lines);
    GPtrArray *titles = g_ptr_array_new();
    for (guint i = 0; i < c->sections->len; i++)
        g_ptr_array_add(titles, (gpointer)gb__section_title(g_ptr_array_index(c->sections, i)));
    gb_doc_contents(d, (const char *const *)c->sections->pdata,
                    (const char *const *)titles->pdata, (int)c->sections->len);
    for (guint i = 0; i < c->sections->len; i++)
        gb__section(b, d, g_ptr_array_index(c->sections, i));
    g_ptr_array_free(titles, TRUE);
    g_free(asat);
    g_free(rows);
}

static void
gb__compose_cb(GbDoc *d, gpointer user)
{
    gb__compose(user, d);
}

GbStatus
gb_briefing_pdf_start(GbBriefing *b, GbFonts *f, GbPdfJob **job, int *pages, GbDiag *diag)
{
    const GbConfig *c = b->in.config;
    GbPageSetup setup = {.width = c->page_width, .height = c->page_height, .top = 62,
                         .bottom = 56, .left = 56.7, .right = 56.7,
                         .running_title = c->title, .footer_left = c->organisation};
    GbPdfMeta meta = {.title = c->title, .author = c->author, .subject = c->subtitle,
                      .keywords = c->keywords, .date = b->in.date, .language = c->language};
    return gb_pdf_render_start(f, &setup, &meta, FALSE, gb__compose_cb, b, job, pages, diag);
}


/* SVG group ids come from a counter global to the process (surfaceN), so the
 * same chart gets other ids in another run; number them in order instead. */
static GByteArray *
gb__normalise_svg(GByteArray *svg)
{
    GRegex *re = g_regex_new("surface[0-9]+", 0, 0, NULL);
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GString *out = g_string_sized_new(svg->len);
    GMatchInfo *mi;
    const char *text = (const char *)svg->data;
    gssize len = (gssize)svg->len;
    gint last = 0;
    g_regex_match_full(re, text, len, 0, 0, &mi, NULL);
    while (g_match_info_matches(mi)) {
        gint s, e;
        g_match_info_fetch_pos(mi, 0, &s, &e);
        g_string_append_len(out, text + last, s - last);
        char *id = g_strndup(text + s, (gsize)(e - s));
        gpointer n = g_hash_table_lookup(ids, id);
        if (n == NULL) {
            n = GUINT_TO_POINTER(g_hash_table_size(ids) + 1);
            g_hash_table_insert(ids, id, n);
        } else {
            g_free(id);
        }
        g_string_append_printf(out, "surface%u", GPOINTER_TO_UINT(n));
        last = e;
        g_match_info_next(mi, NULL);
    }
    g_string_append_len(out, text + last, len - last);
    g_match_info_free(mi);
    g_regex_unref(re);
    g_hash_table_destroy(ids);
    GByteArray *b = g_byte_array_new_take((guint8 *)out->str, out->len);
    g_string_free(out, FALSE);
    return b;
}

GbStatus
gb_briefing_files(GbBriefing *b, GbFonts *f, GPtrArray *names, GPtrArray *bytes, GbDiag *diag)
{
    /* The chart files, on as many threads as there are cores (this one with f). */
    const GbChartFileOptions opts[] = {{.format = GB_FORMAT_SVG, .width = 481.9},
                                       {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = 150}};
    GPtrArray *made;
    GbStatus st = gb_chartfile_render_all(b->charts, opts, 2, f, b->in.config->font,
                                          (int)g_get_num_processors(), &made, diag);
    if (st != GB_OK)
        return st;
    for (guint i = 0; i < made->len; i++) {
        const GbChart *c = g_ptr_array_index(b->charts, i / 2);
        GByteArray *out = g_byte_array_ref(g_ptr_array_index(made, i));
        if (opts[i % 2].format == GB_FORMAT_SVG) {
            GByteArray *norm = gb__normalise_svg(out);
            g_byte_array_unref(out);
            out = norm;
        }
        g_ptr_array_add(names, g_strdup_printf("charts/%s.%s", gb_chart_name(c),
                                               i % 2 == 0 ? "svg" : "png"));
        g_ptr_array_add(bytes, out);
    }
    g_ptr_array_unref(made);
    for (guint i = 0; i < b->grids->len; i++) {
        const GbGrid *g = g_ptr_array_index(b->grids, i);
        GString *s = g_string_new(NULL);
        for (int k = 0; k < g->ncols; k++) {
            if (k)
                g_string_append_c(s, ',');
            gb_csvout_field(s, g_ptr_array_index(g->headers, k));
        }
        g_string_append(s, "\r\n");
        for (int r = 0; r < gb__rows(g); r++) {
            for (int k = 0; k < g->ncols; k++) {
                if (k)
                    g_string_append_c(s, ',');
                gb_csvout_field(s, g_ptr_array_index(g->cells, (guint)(r * g->ncols + k)));
            }
            g_string_append(s, "\r\n");
        }
        g_ptr_array_add(names, g_strdup_printf("tables/%s.csv", g->name));
        gsize len = s->len;
        g_ptr_array_add(bytes, g_byte_array_new_take((guint8 *)g_string_free(s, FALSE), len));
    }
    /* And the findings, one sentence a line. */
    GString *s = g_string_new("finding\r\n");
    for (guint i = 0; i < b->findings->len; i++) {
        gb_csvout_field(s, g_ptr_array_index(b->findings, i));
        g_string_append(s, "\r\n");
    }
    g_ptr_array_add(names, g_strdup("tables/findings.csv"));
    gsize len = s->len;
    g_ptr_array_add(bytes, g_byte_array_new_take((guint8 *)g_string_free(s, FALSE), len));
    return GB_OK;
}
