/* summarypair.c - the figures documents quote (see summary.h), second half:
 * positions as at a date (the dates, a family's position on one, its labels,
 * movers' totals, the change between two) and the pairing of computed figures
 * with published ones (period groups, positions, headlines). */
#include "pipeline/summary.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

static gint
gb__cmp_u32(gconstpointer a, gconstpointer b)
{
    guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
    return x < y ? -1 : x > y;
}

GArray *
gb_summary_position_dates(const GbTable *t, guint32 as_at)
{
    GArray *d = gb_position_annual_dates(t, 31, 3, as_at);
    guint32 extra[2] = {as_at, gb_position_year_earlier(as_at)};
    for (int k = 0; k < 2; k++) {
        gboolean seen = FALSE;
        for (guint i = 0; i < d->len && !seen; i++)
            seen = g_array_index(d, guint32, i) == extra[k];
        if (!seen)
            g_array_append_val(d, extra[k]);
    }
    g_array_sort(d, gb__cmp_u32);
    return d;
}

const GbPosition *
gb_summary_position_on(const GArray *series, int family, guint32 date)
{
    for (guint i = 0; series != NULL && i < series->len; i++) {
        const GbPosition *p = &g_array_index(series, GbPosition, i);
        if (p->family == family && p->as_at == date && p->group == GB_GROUP_ENGLAND)
            return p;
    }
    return NULL;
}

const char *
gb_summary_position_label(const GbRef *ref, const GbPosition *p, int level, gboolean *mixed)
{
    int only = -1, regimes = 0;
    for (int r = 0; r < GB_POSITION_REGIMES && r < (int)ref->regimes->len; r++)
        if (p->by_regime[r] > 0) {
            only = r;
            regimes++;
        }
    if (mixed != NULL)
        *mixed = regimes > 1;
    if (level < 0 || level >= GB_COMMON_LEVELS)
        return NULL;
    if (regimes == 1)
        return gb_summary_level_label(ref, only, level);
    /* Mixed regimes that name the level alike (SLAC and CP 2012: "Adequate";
     * SIF and ILACS: "Requires improvement") keep their own name. */
    const char *same = NULL;
    for (int r = 0; r < GB_POSITION_REGIMES && r < (int)ref->regimes->len; r++) {
        if (p->by_regime[r] == 0)
            continue;
        const char *l = gb_summary_level_label(ref, r, level);
        if (same != NULL && g_strcmp0(same, l) != 0)
            return ref->common_labels[level];
        same = l;
    }
    return same != NULL ? same : ref->common_labels[level];
}

void
gb_summary_mover_totals(const GbMovers *mv, int family, GbMoverTotals *out)
{
    memset(out, 0, sizeof *out);
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        if (m->family != family || !m->counted || m->from.common < 0 || m->to.common < 0)
            continue;
        out->moves++;
        out->up += m->steps > 0;
        out->down += m->steps < 0;
        out->same += m->steps == 0;
        out->up_big += m->steps >= 2;
        out->down_big += m->steps <= -2;
        out->from_predecessor += m->from_predecessor;
        out->matrix[m->from.common][m->to.common]++;
    }
}

GArray *
gb_summary_mover_regimes(const GbMovers *mv, int family)
{
    guint64 seen = 0;
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        if (m->family == family && m->counted && m->from.regime >= 0 && m->from.regime < 64 &&
            m->to.regime >= 0 && m->to.regime < 64)
            seen |=
                (G_GUINT64_CONSTANT(1) << m->from.regime) | (G_GUINT64_CONSTANT(1) << m->to.regime);
    }
    GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
    for (int r = 0; r < 64; r++)
        if (seen >> r & 1u)
            g_array_append_val(out, r);
    return out;
}

void
gb_summary_change_positions(const GbRef *ref, const GArray *series, int family, guint32 as_at,
                            const GbPosition **now, const GbPosition **year_before,
                            const GbPosition **baseline)
{
    *now = *year_before = *baseline = NULL;
    if (series == NULL)
        return;
    const GbPosition *p = gb_summary_position_on(series, family, as_at);
    *now = p != NULL && gb_summary_position_covered(p) ? p : NULL;
    guint32 before = gb_position_year_earlier(as_at);
    p = gb_summary_position_on(series, family, before);
    *year_before = p != NULL && gb_summary_position_covered(p) ? p : NULL;
    int current = gb_summary_current_regime(ref);
    if (current < 0)
        return;
    guint32 base = (guint32)(gb_ref_regime(ref, current)->first_year + 1) * 10000 + 331;
    p = gb_summary_position_on(series, family, base);
    if (base < before && p != NULL && gb_summary_position_covered(p))
        *baseline = p;
}

void
gb_summary_position_change(const GbPosition *from, const GbPosition *to,
                           double points[GB_COMMON_LEVELS], double *good_or_better)
{
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        points[k] = to->percent[k] - from->percent[k];
    *good_or_better = gb_summary_share(to->good_or_better, to->base) -
                      gb_summary_share(from->good_or_better, from->base);
}

gboolean
gb_summary_position_covered(const GbPosition *p)
{
    return p->base > 0 && 2 * p->base >= p->authorities;
}

GArray *
gb_summary_group_pairs(const GbTable *t, const GbStats *s)
{
    const GbRef *ref = t->ref;
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbGroupPair));
    /* headlines.csv says which published figures are of a period and a
     * profile column group (kind=period, from, to, group): one pair for each
     * (regime, judgement, group, period), checked against the rows, never
     * fitted to them. */
    for (guint i = 0; i < ref->headlines->len; i++) {
        const GbHeadline *h = &g_array_index(ref->headlines, GbHeadline, i);
        if (h->kind != GB_HEADLINE_PERIOD || h->group == NULL || h->judgement < 0)
            continue;
        gboolean seen = FALSE;
        for (guint k = 0; k < out->len && !seen; k++) {
            const GbGroupPair *q = &g_array_index(out, GbGroupPair, k);
            seen = q->judgement == h->judgement && strcmp(q->group, h->group) == 0 &&
                   q->from == h->from && q->to == h->to;
        }
        if (seen)
            continue;
        int regime = h->regime, j = h->judgement;
        GbGroupPair p = {.regime = regime,
                         .judgement = j,
                         .group = h->group,
                         .from = h->from,
                         .to = h->to,
                         .from_year = (int)(h->from / 10000),
                         .to_year = (int)(h->to / 10000),
                         .published_year = h->year};
        /* "child_protection", "cpi" -> "child protection inspections (CPI)" */
        char *what = g_strdelimit(g_strdup(gb_ref_judgement(ref, j)->id), "_", ' ');
        char *grp = g_ascii_strup(h->group, -1);
        g_snprintf(p.label, sizeof p.label, "%s inspections (%s)", what, grp);
        g_free(what);
        g_free(grp);
        int ngrades = MIN((int)gb_ref_regime(ref, regime)->grades->len, GB_MAX_GRADES);
        for (guint k = 0; t->rows != NULL && k < t->rows->len; k++) {
            const GbRow *r = gb_table_row(t, k);
            /* A dated row counts when its date is in the period, a row with
             * only a year when its year is. */
            gboolean in = r->date != 0 ? r->date >= p.from && r->date <= p.to
                                       : r->year >= p.from_year && r->year <= p.to_year;
            if (r->judgement != j || !in || r->grade < 0 || r->grade >= ngrades ||
                strcmp(gb_table_row_group(t, r), p.group) != 0)
                continue;
            p.count[r->grade]++;
            p.base++;
            if (r->year - p.from_year < (int)G_N_ELEMENTS(p.by_year))
                p.by_year[r->year - p.from_year]++;
            if (r->date != 0 && (p.first_date == 0 || r->date < p.first_date))
                p.first_date = r->date;
            if (r->date > p.last_date)
                p.last_date = r->date;
        }
        if (p.base == 0)
            continue;
        p.published = gb_summary_published_counts(ref, s, p.published_year, regime, j, -1,
                                                  p.published_count, &p.published_base);
        for (guint k = 0; p.published && k < s->published->len; k++) {
            const GbMeasure *m = &g_array_index(s->published, GbMeasure, k);
            if (m->year == p.published_year && m->regime == regime && m->judgement == j &&
                m->base == (int)p.published_base && p.published_source == NULL)
                p.published_source = m->source;
        }
        p.equal = p.published && p.published_base == p.base &&
                  memcmp(p.count, p.published_count, sizeof p.count) == 0;
        g_array_append_val(out, p);
    }
    return out;
}

const GbGroupPair *
gb_summary_group_pair_for(const GArray *pairs, int year, int regime)
{
    for (guint i = 0; pairs != NULL && i < pairs->len; i++) {
        const GbGroupPair *p = &g_array_index(pairs, GbGroupPair, i);
        if (p->published && p->published_year == year && p->regime == regime)
            return p;
    }
    return NULL;
}

gboolean
gb_summary_group_paired(const GArray *pairs, const GbReconciliation *r)
{
    const GbGroupPair *p = gb_summary_group_pair_for(pairs, r->published.year, r->published.regime);
    return p != NULL && r->published.base == (int)p->published_base &&
           r->published.judgement == p->judgement;
}

/* The count of h's measure in p (a common level's grade id, good_or_better,
 * less_than_good), or -1. */
static int
gb__position_measure(const GbPosition *p, const GbHeadline *h)
{
    static const char *const levels[GB_COMMON_LEVELS][2] = {{"outstanding", NULL},
                                                            {"good", NULL},
                                                            {"adequate", "requires_improvement"},
                                                            {"inadequate", NULL}};
    if (strcmp(h->grade, "good_or_better") == 0)
        return p->good_or_better;
    if (strcmp(h->grade, "less_than_good") == 0)
        return p->base - p->good_or_better;
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        if (g_strcmp0(levels[k][0], h->grade) == 0 || g_strcmp0(levels[k][1], h->grade) == 0)
            return p->count[k];
    return -1;
}

GArray *
gb_summary_position_pairs(const GbTable *t)
{
    const GbRef *ref = t->ref;
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbPositionPair));
    /* headlines.csv says which published figures are positions, of which
     * family and on which date (kind=position, group, as_at). */
    for (guint i = 0; i < ref->headlines->len; i++) {
        const GbHeadline *h = &g_array_index(ref->headlines, GbHeadline, i);
        int family = h->family;
        guint32 as_at = h->as_at;
        if (h->kind != GB_HEADLINE_POSITION || family < 0 || (t->cut != 0 && as_at > t->cut))
            continue;
        GbStanding *st = gb_position_standing(t, family, as_at);
        if (st == NULL)
            continue;
        GbPositionPair p = {.headline = h,
                            .family = family,
                            .as_at = as_at,
                            .rounding = h->rounded_to > 1 ? h->rounded_to : 0};
        gb_position_count(t, st, GB_GROUP_ENGLAND, -1, &p.position);
        gb_position_standing_free(st);
        p.count = gb__position_measure(&p.position, h);
        if (p.count < 0 || p.position.base == 0)
            continue;
        p.percent = gb_summary_share(p.count, p.position.base);
        gboolean same_base = h->base < 0 || h->base == p.position.base;
        if (strcmp(h->unit, "count") == 0)
            p.agrees =
                same_base && p.count == (int)h->value && g_strcmp0(h->qualifier, "exact") == 0;
        else if (g_strcmp0(h->qualifier, "more_than") == 0)
            p.agrees = same_base && p.percent > h->value;
        else if (p.rounding > 0)
            p.agrees = same_base && lround(p.percent / p.rounding) * p.rounding == lround(h->value);
        else
            p.agrees = same_base && lround(p.percent) == lround(h->value);
        g_array_append_val(out, p);
    }
    return out;
}

gboolean
gb_summary_position_paired_measure(const GArray *pairs, const GbReconciliation *r)
{
    for (guint i = 0; pairs != NULL && i < pairs->len; i++) {
        const GbHeadline *h = g_array_index(pairs, GbPositionPair, i).headline;
        if (h->year == r->published.year && h->regime == r->published.regime &&
            h->base == r->published.base && strcmp(h->grade, r->published.measure) == 0)
            return TRUE;
    }
    return FALSE;
}

char *
gb_summary_source_for_people(const char *source)
{
    gsize n = strlen(source);
    guint32 ymd;
    if (n > 12 && source[n - 12] == ',' && source[n - 11] == ' ' &&
        gb_text_parse_date(source + n - 10, &ymd)) {
        char when[32];
        gb_text_format_date_long(ymd, when, sizeof when);
        return g_strdup_printf("%.*s, %s", (int)(n - 12), source, when);
    }
    return g_strdup(source);
}

gboolean
gb_summary_headline_paired(const GbStats *s, const GbHeadline *h)
{
    if (h->kind == GB_HEADLINE_POSITION)
        return gb_summary_position_paired(s->position_pairs, h);
    if (h->kind != GB_HEADLINE_PERIOD)
        return FALSE;
    if (h->group != NULL) {
        for (guint i = 0; i < s->group_pairs->len; i++) {
            const GbGroupPair *p = &g_array_index(s->group_pairs, GbGroupPair, i);
            if (p->published && p->judgement == h->judgement && strcmp(p->group, h->group) == 0 &&
                p->from == h->from && p->to == h->to)
                return TRUE;
        }
        return FALSE;
    }
    for (guint i = 0; i < s->reconciliations->len; i++) {
        const GbReconciliation *r = &g_array_index(s->reconciliations, GbReconciliation, i);
        if (r->published.headline == h && r->like)
            return TRUE;
    }
    return FALSE;
}

char *
gb_summary_headline_kind_text(const GbRef *ref, const GbHeadline *h)
{
    char a[32], z[32];
    switch (h->kind) {
    case GB_HEADLINE_POSITION: {
        gb_text_format_date_long(h->as_at, a, sizeof a);
        char *family =
            g_strdelimit(g_strdup(g_ptr_array_index(ref->families, h->family)), "_", ' ');
        char *out =
            g_strdup_printf("a position as at %s: each authority's latest %s judgement", a, family);
        g_free(family);
        return out;
    }
    case GB_HEADLINE_PERIOD:
        gb_text_format_date_long(h->from, a, sizeof a);
        gb_text_format_date_long(h->to, z, sizeof z);
        return h->group != NULL
                   ? g_strdup_printf("inspections made %s to %s (%s inspections)", a, z, h->group)
                   : g_strdup_printf("inspections made %s to %s", a, z);
    default:
        return g_strdup("published by its source only; not computed from these rows");
    }
}

gboolean
gb_summary_position_paired(const GArray *pairs, const GbHeadline *h)
{
    for (guint i = 0; pairs != NULL && i < pairs->len; i++)
        if (g_array_index(pairs, GbPositionPair, i).headline == h)
            return TRUE;
    return FALSE;
}
