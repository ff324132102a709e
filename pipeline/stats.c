/* stats.c - the compute stage (see stats.h), over all authorities: the
 * distributions of the inspections made in each period, the published
 * figures as measures, changes between years and the reconciliation of
 * computed and published figures. history.c has the per-authority results.
 * Pure: reads the table, returns plain structs, prints nothing. */
#include "pipeline/stats.h"
#include "pipeline/summary.h"

#include "pipeline/text.h"

#include <math.h>
#include <string.h>

void
gb_stats_whole_percents(const guint *count, int n, guint base, int *whole)
{
    if (base == 0) {
        for (int i = 0; i < n; i++)
            whole[i] = 0;
        return;
    }
    /* Floors first, then hand the missing points to the largest remainders. */
    guint64 rem[GB_MAX_GRADES];
    int total = 0;
    for (int i = 0; i < n; i++) {
        guint64 scaled = (guint64)count[i] * 100;
        whole[i] = (int)(scaled / base);
        rem[i] = scaled % base;
        total += whole[i];
    }
    while (total < 100) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (best < 0 || rem[i] > rem[best])
                best = i;
        whole[best]++;
        rem[best] = 0;
        total++;
    }
}

/* Authorities active in a year, counted once per year: a table of years
 * seen so far (a handful), looked up in order, counted from each authority's
 * first and last years (found once: not a date test per authority and year). */
typedef struct {
    GArray *years, *counts; /* int, guint */
    int *first, *last;      /* per authority, made at the first count */
} GbActiveCache;

static guint
gb__active_in(const GbTable *t, GbActiveCache *c, int year)
{
    for (guint i = 0; i < c->years->len; i++)
        if (g_array_index(c->years, int, i) == year)
            return g_array_index(c->counts, guint, i);
    guint na = t->ref->authorities->len;
    if (c->first == NULL) {
        c->first = g_new(int, MAX(na, 1));
        c->last = g_new(int, MAX(na, 1));
        for (guint i = 0; i < na; i++)
            gb_ref_active_years(gb_ref_authority(t->ref, (int)i), &c->first[i], &c->last[i]);
    }
    guint n = 0;
    for (guint i = 0; i < na; i++)
        n += c->first[i] <= year && year <= c->last[i];
    g_array_append_val(c->years, year);
    g_array_append_val(c->counts, n);
    return n;
}

static void
gb__finish(const GbTable *t, GbDistribution *d, GbActiveCache *active)
{
    d->base = 0;
    for (int g = 0; g < d->ngrades; g++)
        d->base += d->count[g];
    for (int g = 0; g < d->ngrades; g++)
        d->percent[g] = d->base ? 100.0 * d->count[g] / d->base : 0.0;
    gb_stats_whole_percents(d->count, d->ngrades, d->base, d->whole);
    d->good_or_better = d->inadequate = 0;
    if (d->regime >= 0) {
        const GbRegime *r = gb_ref_regime(t->ref, d->regime);
        d->graded = r->graded;
        for (int g = 0; g < d->ngrades; g++) {
            const GbGrade *gr = gb_ref_grade(t->ref, d->regime, g);
            if (gr->good_or_better)
                d->good_or_better += d->count[g];
            if (gr->common == GB_COMMON_LEVELS - 1)
                d->inadequate += d->count[g];
        }
    } else {
        d->graded = TRUE;
        d->good_or_better = d->count[0] + d->count[1];
        d->inadequate = d->count[GB_COMMON_LEVELS - 1];
    }
    if (d->year >= 0) {
        guint32 end = t->cut ? t->cut : t->newest_date;
        guint32 y0 = (guint32)d->year * 10000;
        d->period_from = y0 + 101;
        d->period_to = y0 + 1231;
        if (end >= y0 + 101 && end < y0 + 1231) {
            d->partial = TRUE;
            d->period_to = end;
        }
        d->active += gb__active_in(t, active, d->year);
        if (d->regime >= 0 && d->judgement >= 0)
            d->selection = gb_ref_selection_note(t->ref, d->year, d->regime, d->judgement);
    }
}

static gint
gb__cmp_dist(gconstpointer pa, gconstpointer pb)
{
    const GbDistribution *a = pa, *b = pb;
    if (a->regime != b->regime)
        return a->regime - b->regime;
    if (a->judgement != b->judgement)
        return a->judgement - b->judgement;
    if (a->year != b->year)
        return a->year - b->year;
    return a->region - b->region;
}

/* The first judgement index with the same id as j (to pool across regimes). */
static int
gb__judgement_family(const GbRef *ref, int j)
{
    const char *id = gb_ref_judgement(ref, j)->id;
    for (int i = 0; i < j; i++)
        if (strcmp(gb_ref_judgement(ref, i)->id, id) == 0)
            return i;
    return j;
}

/* Groups being counted: the rows of a table (or a streaming table's counts)
 * go in one judgement at a time. */
typedef struct {
    const GbRef *ref;
    GbGroupBy by;
    gboolean common;
    int *jregime, *jfamily;
    GArray *out;
    GHashTable *groups;
    guint64 last_key;
    GbDistribution *last;
} GbGrouping;

static void
gb__group_add(GbGrouping *g, int j, int year, int region, int grade, guint count, guint32 date)
{
    const GbRef *ref = g->ref;
    int regime = g->jregime[j];
    if (g->common) {
        grade = gb_ref_grade(ref, regime, grade)->common;
        if (grade < 0)
            return;
        regime = -1;
    }
    int judgement = !(g->by & GB_BY_JUDGEMENT) ? -1 : g->common ? g->jfamily[j] : j;
    year = (g->by & GB_BY_YEAR) ? year : -1;
    region = (g->by & GB_BY_REGION) ? region : -1;
    guint64 key = ((guint64)(regime + 1) << 48) | ((guint64)(judgement + 1) << 32) |
                  ((guint64)(year + 1) << 8) | (guint64)(region + 1);
    if (key != g->last_key) {
        gpointer idx;
        if (!g_hash_table_lookup_extended(g->groups, GSIZE_TO_POINTER(key), NULL, &idx)) {
            GbDistribution d = {
                .year = year, .regime = regime, .judgement = judgement, .region = region};
            d.ngrades = g->common ? GB_COMMON_LEVELS : (int)gb_ref_regime(ref, regime)->grades->len;
            g_array_append_val(g->out, d);
            idx = GUINT_TO_POINTER(g->out->len);
            g_hash_table_insert(g->groups, GSIZE_TO_POINTER(key), idx);
        }
        g->last = &g_array_index(g->out, GbDistribution, GPOINTER_TO_UINT(idx) - 1);
        g->last_key = key;
    }
    g->last->count[grade] += count;
    if (date != 0) {
        if (g->last->first_date == 0 || date < g->last->first_date)
            g->last->first_date = date;
        g->last->last_date = MAX(g->last->last_date, date);
    }
}

static void
gb__group_count(int judgement, int year, int region, int grade, guint count, gpointer user)
{
    gb__group_add(user, judgement, year, region, grade, count, 0);
}

GArray *
gb_stats_distributions(const GbTable *t, GbGroupBy by)
{
    const GbRef *ref = t->ref;
    GbGrouping g = {.ref = ref,
                    .by = by,
                    .common = !(by & GB_BY_REGIME),
                    .out = g_array_new(FALSE, TRUE, sizeof(GbDistribution)),
                    .groups = g_hash_table_new(g_direct_hash, g_direct_equal),
                    .last_key = G_MAXUINT64};
    /* Per-row lookups of the regime and the judgement family, hoisted. */
    int nj = (int)ref->judgements->len;
    g.jregime = g_new(int, nj);
    g.jfamily = g_new(int, nj);
    for (int j = 0; j < nj; j++) {
        g.jregime[j] = gb_ref_judgement(ref, j)->regime;
        g.jfamily[j] = gb__judgement_family(ref, j);
    }
    if (t->streaming) {
        gb_table_foreach_count(t, gb__group_count, &g);
    } else {
        for (guint i = 0; i < t->rows->len; i++) {
            const GbRow *r = gb_table_row(t, i);
            gb__group_add(&g, r->judgement, r->year, gb_ref_authority(ref, r->authority)->region,
                          r->grade, 1, r->date);
        }
    }
    GbActiveCache active = {.years = g_array_new(FALSE, FALSE, sizeof(int)),
                            .counts = g_array_new(FALSE, FALSE, sizeof(guint))};
    for (guint i = 0; i < g.out->len; i++)
        gb__finish(t, &g_array_index(g.out, GbDistribution, i), &active);
    g_array_free(active.years, TRUE);
    g_array_free(active.counts, TRUE);
    g_free(active.first);
    g_free(active.last);
    g_array_sort(g.out, gb__cmp_dist);
    g_hash_table_destroy(g.groups);
    g_free(g.jregime);
    g_free(g.jfamily);
    return g.out;
}

char *
gb_stats_flow_label(const GbDistribution *d)
{
    GString *s = g_string_new(NULL);
    if (d->year >= 0)
        g_string_append_printf(s, "inspections made in %d", d->year);
    else
        g_string_append(s, "inspections made in every year of the data");
    g_string_append_printf(s, " (%u inspection%s", d->base, d->base == 1 ? "" : "s");
    if (d->partial) {
        char from[32], to[32];
        gb_text_format_date_long(d->period_from, from, sizeof from);
        gb_text_format_date_long(d->period_to, to, sizeof to);
        /* "1 January 2025" -> "1 January": the year is said once. */
        char *sp = strrchr(from, ' ');
        if (sp != NULL)
            *sp = '\0';
        g_string_append_printf(s, "; partial year: %s to %s", from, to);
    }
    g_string_append_c(s, ')');
    return g_string_free(s, FALSE);
}

/* Measures of one computed distribution: each grade's share and good or better. */
static void
gb__measures_of(const GbTable *t, const GbDistribution *d, GArray *out)
{
    if (d->base == 0 || d->regime < 0 || d->judgement < 0 || d->year < 0)
        return;
    for (int g = 0; g < d->ngrades; g++) {
        GbMeasure m = {.year = d->year,
                       .regime = d->regime,
                       .judgement = d->judgement,
                       .measure = gb_ref_grade(t->ref, d->regime, g)->id,
                       .series = GB_SERIES_COMPUTED,
                       .percent = d->percent[g],
                       .count = (int)d->count[g],
                       .base = (int)d->base,
                       .qualifier = "exact"};
        g_array_append_val(out, m);
    }
    if (d->graded) {
        GbMeasure m = {.year = d->year,
                       .regime = d->regime,
                       .judgement = d->judgement,
                       .measure = "good_or_better",
                       .series = GB_SERIES_COMPUTED,
                       .percent = 100.0 * d->good_or_better / d->base,
                       .count = (int)d->good_or_better,
                       .base = (int)d->base,
                       .qualifier = "exact"};
        g_array_append_val(out, m);
    }
}

static GArray *
gb__published(const GbTable *t)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbMeasure));
    for (guint i = 0; i < t->ref->headlines->len; i++) {
        const GbHeadline *h = &g_array_index(t->ref->headlines, GbHeadline, i);
        if (h->regime < 0 || (strcmp(h->measure, "share") != 0 && strcmp(h->measure, "count") != 0))
            continue;
        /* Nothing from after the as-at date: a year that begins after it. */
        if (t->cut != 0 && (guint32)h->year * 10000 + 101 > t->cut)
            continue;
        GbMeasure m = {.year = h->year,
                       .regime = h->regime,
                       .judgement = h->judgement,
                       .measure = h->grade,
                       .series = GB_SERIES_PUBLISHED,
                       .count = -1,
                       .base = h->base,
                       .qualifier = h->qualifier,
                       .source = h->source,
                       .headline = h};
        if (strcmp(h->unit, "percent") == 0) {
            m.percent = h->value;
        } else {
            m.count = (int)h->value;
            m.percent = h->base > 0 ? 100.0 * h->value / h->base : NAN;
        }
        g_array_append_val(out, m);
    }
    return out;
}

static gboolean
gb__same_scope(const GbMeasure *a, const GbMeasure *b)
{
    return a->regime == b->regime && a->judgement == b->judgement &&
           strcmp(a->measure, b->measure) == 0;
}

static gint
gb__cmp_measure(gconstpointer pa, gconstpointer pb)
{
    const GbMeasure *a = pa, *b = pb;
    if (a->regime != b->regime)
        return a->regime - b->regime;
    if (a->judgement != b->judgement)
        return a->judgement - b->judgement;
    int c = strcmp(a->measure, b->measure);
    if (c != 0)
        return c;
    if (a->year != b->year)
        return a->year - b->year;
    return (int)a->series - (int)b->series;
}

static gboolean
gb__comparable(const GbMeasure *m)
{
    return !isnan(m->percent) && g_strcmp0(m->qualifier, "exact") == 0;
}

/* Finds year's measure of series in block[0..n), or NULL. */
static const GbMeasure *
gb__pick(const GbMeasure *block, guint n, int year, GbSeries series)
{
    for (guint i = 0; i < n; i++)
        if (block[i].year == year && block[i].series == series && gb__comparable(&block[i]))
            return &block[i];
    return NULL;
}

/* Changes between consecutive years of each measure. Both ends come from the
 * same series: published where both years have a published figure (that is
 * what the sources compare), else computed where both have complete rows. */
static GArray *
gb__changes(GArray *measures)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbChange));
    g_array_sort(measures, gb__cmp_measure);
    const GbMeasure *all = (const GbMeasure *)(void *)measures->data;
    for (guint start = 0, end; start < measures->len; start = end) {
        for (end = start + 1; end < measures->len && gb__same_scope(&all[start], &all[end]);)
            end++;
        const GbMeasure *block = all + start;
        guint n = end - start;
        int prev_year = -1;
        for (guint i = 0; i < n; i++) {
            if (!gb__comparable(&block[i]) || block[i].year == prev_year)
                continue;
            int year = block[i].year;
            if (prev_year >= 0) {
                const GbMeasure *from = gb__pick(block, n, prev_year, GB_SERIES_PUBLISHED);
                const GbMeasure *to = gb__pick(block, n, year, GB_SERIES_PUBLISHED);
                if (from == NULL || to == NULL) {
                    from = gb__pick(block, n, prev_year, GB_SERIES_COMPUTED);
                    to = gb__pick(block, n, year, GB_SERIES_COMPUTED);
                }
                if (from != NULL && to != NULL) {
                    GbChange c = {.from = *from, .to = *to};
                    c.points = to->percent - from->percent;
                    g_array_append_val(out, c);
                }
            }
            prev_year = year;
        }
    }
    return out;
}

/* TRUE when the rows behind computed figure c came from the very source that
 * published p (a selection's own count of itself). */
static gboolean
gb__same_source(const GbTable *t, const GbMeasure *c, const GbMeasure *p)
{
    if (p->source == NULL || t->rows == NULL)
        return FALSE;
    gboolean any = FALSE;
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *row = gb_table_row(t, i);
        if (row->judgement != c->judgement || row->year != c->year)
            continue;
        if (strcmp(gb_table_row_source(t, row), p->source) != 0)
            return FALSE;
        any = TRUE;
    }
    return any;
}

/* TRUE when headline h is of the inspections of one whole calendar year and
 * of every row (kind=period, 1 January to 31 December, no group): what one
 * year's rows can be compared with. */
static gboolean
gb__of_calendar_year(const GbHeadline *h)
{
    return h != NULL && h->kind == GB_HEADLINE_PERIOD && h->group == NULL &&
           h->from == (guint32)h->year * 10000 + 101 && h->to == (guint32)h->year * 10000 + 1231;
}

static GArray *
gb__reconcile(const GbTable *t, GArray *distributions, GArray *published)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbReconciliation));
    GArray *computed = g_array_new(FALSE, TRUE, sizeof(GbMeasure));
    for (guint i = 0; i < distributions->len; i++)
        gb__measures_of(t, &g_array_index(distributions, GbDistribution, i), computed);
    for (guint i = 0; i < published->len; i++) {
        const GbMeasure *p = &g_array_index(published, GbMeasure, i);
        if (!gb__of_calendar_year(p->headline))
            continue; /* a position or another period: paired in gb_summary_*_pairs */
        for (guint k = 0; k < computed->len; k++) {
            const GbMeasure *c = &g_array_index(computed, GbMeasure, k);
            if (c->year != p->year || !gb__same_scope(c, p))
                continue;
            const char *sel = gb_ref_selection_note(t->ref, c->year, c->regime, c->judgement);
            if (sel != NULL && c->count == 0)
                continue; /* a selection says nothing about the grades it leaves out */
            GbReconciliation r = {.computed = *c, .published = *p, .selection = sel != NULL};
            r.like = p->base > 0 && p->base == c->base && (sel == NULL || gb__same_source(t, c, p));
            r.difference = isnan(p->percent) ? NAN : p->percent - c->percent;
            if (sel != NULL)
                r.reason =
                    g_strdup_printf("the %d rows name only some authorities: %s", c->base, sel);
            else if (p->base < 0)
                r.reason = g_strdup_printf("the published figure does not state its base; the "
                                           "computed one is of %d rows",
                                           c->base);
            else if (p->base != c->base)
                r.reason = g_strdup_printf("the published figure is of %d authorities, the "
                                           "computed one of the %d rows",
                                           p->base, c->base);
            g_array_append_val(out, r);
        }
    }
    g_array_free(computed, TRUE);
    return out;
}

GbStats *
gb_stats_compute(const GbTable *t, GbGroupBy by)
{
    GbStats *s = g_new0(GbStats, 1);
    s->distributions = gb_stats_distributions(t, by);
    GArray *yearly = (by == (GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT))
                         ? s->distributions
                         : gb_stats_distributions(t, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    s->published = gb__published(t);
    GArray *measures = g_array_new(FALSE, TRUE, sizeof(GbMeasure));
    for (guint i = 0; i < yearly->len; i++) {
        const GbDistribution *d = &g_array_index(yearly, GbDistribution, i);
        if (d->selection == NULL)
            gb__measures_of(t, d, measures);
    }
    g_array_append_vals(measures, s->published->data, s->published->len);
    s->changes = gb__changes(measures);
    s->reconciliations = gb__reconcile(t, yearly, s->published);
    /* A position needs every row up to its date: a streaming table has none. */
    s->position_pairs = t->rows != NULL ? gb_summary_position_pairs(t)
                                        : g_array_new(FALSE, TRUE, sizeof(GbPositionPair));
    s->group_pairs = gb_summary_group_pairs(t, s);
    g_array_free(measures, TRUE);
    if (yearly != s->distributions)
        g_array_free(yearly, TRUE);
    return s;
}

void
gb_stats_free(GbStats *s)
{
    if (s == NULL)
        return;
    g_array_free(s->distributions, TRUE);
    g_array_free(s->published, TRUE);
    g_array_free(s->changes, TRUE);
    for (guint i = 0; i < s->reconciliations->len; i++)
        g_free(g_array_index(s->reconciliations, GbReconciliation, i).reason);
    g_array_free(s->reconciliations, TRUE);
    g_array_free(s->position_pairs, TRUE);
    g_array_free(s->group_pairs, TRUE);
    g_free(s);
}
