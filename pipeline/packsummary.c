/* packsummary.c - the figures of a pack's first page (see packsummary.h). */
#include "pipeline/packsummary.h"

#include "pipeline/summary.h"

GArray *
gb_packsummary_dates(int first_year, guint32 as_at)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(guint32));
    for (int y = first_year; (guint32)y * 10000 + 331 <= as_at; y++) {
        guint32 d = (guint32)y * 10000 + 331;
        g_array_append_val(out, d);
    }
    if (as_at % 10000 != 331 && as_at != 0)
        g_array_append_val(out, as_at);
    return out;
}

GPtrArray *
gb_packsummary_standings(const GbTable *t, int family, const GArray *dates)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)gb_position_standing_free);
    for (guint i = 0; i < dates->len; i++) {
        GbStanding *s = gb_position_standing(t, family, g_array_index(dates, guint32, i));
        if (s == NULL) {
            g_ptr_array_free(out, TRUE);
            return NULL;
        }
        g_ptr_array_add(out, s);
    }
    return out;
}

GArray *
gb_packsummary_years(const GbTable *t, const GPtrArray *standings, int authority)
{
    const GbRef *ref = t->ref;
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbPackYear));
    GArray *pred = gb_summary_predecessors(ref, authority);
    for (guint i = 0; i < standings->len; i++) {
        const GbStanding *s = g_ptr_array_index(standings, i);
        GbPackYear y = {.as_at = s->as_at, .own_as = -1, .own_regime = -1};
        int who = authority;
        y.own = g_array_index(s->grade_of, int, authority);
        for (guint k = 0; y.own == -2 && k < pred->len; k++) {
            int p = g_array_index(pred, int, k);
            if (g_array_index(s->grade_of, int, p) >= -1) {
                who = p;
                y.own = g_array_index(s->grade_of, int, p);
                y.own_as = p;
            }
        }
        if (y.own >= 0) {
            y.own_when = g_array_index(s->when_of, guint32, who);
            y.own_regime = gb_ref_judgement(ref, g_array_index(s->judgement_of, int, who))->regime;
        }
        gb_position_comparators(t, s, authority, y.cmp);
        g_array_append_val(out, y);
    }
    g_array_free(pred, TRUE);
    return out;
}

void
gb_packsummary_latest(const GbTable *t, int authority, const int *judgements, int n, guint32 as_at,
                      GbPackLatest *out)
{
    const GbRef *ref = t->ref;
    GArray *pred = gb_summary_predecessors(ref, authority);
    for (int k = 0; k < n; k++)
        out[k] = (GbPackLatest){.judgement = judgements[k],
                                .judged = judgements[k],
                                .grade = -1,
                                .level = -1,
                                .as_authority = -1};
    /* Own rows first; a predecessor's only where there is no own row. */
    gboolean *own = g_new0(gboolean, MAX(n, 1));
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        int as = -1;
        if (r->authority != authority) {
            for (guint p = 0; p < pred->len && as < 0; p++)
                if (g_array_index(pred, int, p) == r->authority)
                    as = r->authority;
            if (as < 0)
                continue;
        }
        guint32 when = gb_table_row_when(r);
        if (when > as_at)
            continue;
        for (int k = 0; k < n; k++) {
            if (judgements[k] != r->judgement || (as >= 0 && own[k]))
                continue;
            GbPackLatest *o = &out[k];
            gboolean first_own = as < 0 && !own[k];
            if (!first_own && o->grade >= 0 && when <= o->date)
                continue;
            int regime = gb_ref_judgement(ref, r->judgement)->regime;
            o->grade = r->grade;
            o->level = gb_ref_grade(ref, regime, r->grade)->common;
            o->date = when;
            o->as_authority = as;
            if (as < 0)
                own[k] = TRUE;
        }
    }
    /* Not judged under the regime: its own latest of the same family (a care
     * leavers judgement under the SIF), as the positions take it (never a
     * predecessor's: they do not either). */
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        guint32 when = gb_table_row_when(r);
        guint32 fam = gb_ref_judgement(ref, r->judgement)->families;
        if (r->authority != authority || when > as_at || fam == 0)
            continue;
        for (int k = 0; k < n; k++) {
            GbPackLatest *o = &out[k];
            if (own[k] || (o->as_authority >= 0 && o->judged == o->judgement) ||
                (gb_ref_judgement(ref, judgements[k])->families & fam) == 0 ||
                (o->grade >= 0 && when <= o->date))
                continue;
            int regime = gb_ref_judgement(ref, r->judgement)->regime;
            o->judged = r->judgement;
            o->grade = r->grade;
            o->level = gb_ref_grade(ref, regime, r->grade)->common;
            o->date = when;
        }
    }
    g_free(own);
    g_array_free(pred, TRUE);
}

const GbMover *
gb_packsummary_move_into(const GbMovers *mv, int authority, int family, guint32 to)
{
    for (guint i = 0; mv != NULL && i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        guint32 when = m->to.date ? m->to.date : (guint32)m->to.year * 10000 + 1231;
        if (m->authority == authority && m->family == family && when == to &&
            m->to.as_authority < 0)
            return m;
    }
    return NULL;
}

gboolean
gb_packsummary_abolished(const GbAuthority *a, guint32 as_at)
{
    return a->to != 0 && a->to <= as_at;
}

/* By date, then in the order read (g_array_sort is not stable). */
static gint
gb__cmp_visit(gconstpointer a, gconstpointer b, gpointer data)
{
    const GbTable *t = data;
    guint i = *(const guint *)a, k = *(const guint *)b;
    const GbVisit *x = &g_array_index(t->visits, GbVisit, i);
    const GbVisit *y = &g_array_index(t->visits, GbVisit, k);
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return i < k ? -1 : i > k;
}

GArray *
gb_packsummary_visits(const GbTable *t, int authority, guint32 since, guint32 as_at)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; t->visits != NULL && i < t->visits->len; i++) {
        const GbVisit *v = &g_array_index(t->visits, GbVisit, i);
        if ((int)v->authority == authority && v->date > since && v->date <= as_at)
            g_array_append_val(out, i);
    }
    g_array_sort_with_data(out, gb__cmp_visit, (gpointer)t);
    return out;
}

gboolean
gb_packsummary_visit_span(const GbTable *t, guint32 *first, guint32 *last)
{
    *first = *last = 0;
    for (guint i = 0; t->visits != NULL && i < t->visits->len; i++) {
        guint32 d = g_array_index(t->visits, GbVisit, i).date;
        if (d == 0)
            continue;
        *first = *first == 0 ? d : MIN(*first, d);
        *last = MAX(*last, d);
    }
    return *first != 0;
}

GArray *
gb_packsummary_inspections(const GbTable *t, int authority, int judgement)
{
    const GbRef *ref = t->ref;
    const GbAuthority *au = gb_ref_authority(ref, authority);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(GbPackInspection));
    GArray *pred = gb_summary_predecessors(ref, authority);
    for (guint k = 0; k < pred->len; k++) {
        int a = g_array_index(pred, int, k);
        GArray *d = gb_summary_inspection_dates(t, a, judgement);
        for (guint i = 0; i < d->len; i++) {
            GbPackInspection x = {a, g_array_index(d, guint32, i)};
            if (au->from == 0 || x.date < au->from)
                g_array_append_val(out, x);
        }
        g_array_free(d, TRUE);
    }
    g_array_free(pred, TRUE);
    GArray *own = gb_summary_inspection_dates(t, authority, judgement);
    for (guint i = 0; i < own->len; i++) {
        GbPackInspection x = {authority, g_array_index(own, guint32, i)};
        g_array_append_val(out, x);
    }
    g_array_free(own, TRUE);
    return out;
}

void
gb_packsummary_previous(const GbMovers *mv, int authority, int family, int regime,
                        const GArray *dates, GbPackPrevious *out)
{
    *out = (GbPackPrevious){.who = authority};
    if (dates->len == 0)
        return;
    out->last = g_array_index(dates, guint32, dates->len - 1);
    out->move = gb_packsummary_move_into(mv, authority, family, out->last);
    const GbMover *m = out->move;
    if (dates->len >= 2) {
        out->prev = g_array_index(dates, guint32, dates->len - 2);
    } else if (m != NULL && m->from_predecessor && m->from.regime == regime) {
        out->who = m->from.as_authority;
        out->prev = m->from.date ? m->from.date : (guint32)m->from.year * 10000 + 1231;
    }
}
