/* position.c - positions as at a date, the as-at rule, movers like with like
 * (see position.h). Pure: reads the table, returns plain structs. */
#include "pipeline/position.h"

#include <string.h>

GbAsAt
gb_position_as_at(const GbTable *t, guint32 option, guint32 config)
{
    if (option != 0)
        return (GbAsAt){option, GB_AS_AT_OPTION};
    if (config != 0)
        return (GbAsAt){config, GB_AS_AT_CONFIG};
    if (gb_table_stated_as_at(t) != 0)
        return (GbAsAt){gb_table_stated_as_at(t), GB_AS_AT_STATED};
    if (t->newest_date != 0)
        return (GbAsAt){t->newest_date, GB_AS_AT_NEWEST};
    return (GbAsAt){(guint32)MAX(t->max_year, 1900) * 10000 + 1231, GB_AS_AT_NONE};
}

const char *
gb_position_as_at_source(GbAsAtSource s)
{
    switch (s) {
    case GB_AS_AT_OPTION:
        return "--as-at";
    case GB_AS_AT_CONFIG:
        return "briefing.ini";
    case GB_AS_AT_STATED:
        return "the date the publication states";
    case GB_AS_AT_NEWEST:
        return "the newest judgement date in the data";
    case GB_AS_AT_NONE:
        break;
    }
    return "the end of the newest year in the data";
}

/* Judgement j counts for family f: in the family and graded. */
static gboolean
gb__family_judgement(const GbRef *ref, int j, int f)
{
    return gb_ref_in_family(ref, j, f) &&
           gb_ref_regime(ref, gb_ref_judgement(ref, j)->regime)->graded;
}

/* Offers one judgement to authority a's standing: the latest on or before
 * as_at wins; on the same date the later judgement in the register. */
static void
gb__offer(const GbRef *ref, GbStanding *s, int a, int j, guint32 when, int grade)
{
    int *g = &g_array_index(s->grade_of, int, a);
    guint32 *best = &g_array_index(s->when_of, guint32, a);
    int *bj = &g_array_index(s->judgement_of, int, a);
    if (*g == -2 || when > s->as_at || when < *best || (when == *best && j < *bj))
        return;
    int common = gb_ref_grade(ref, gb_ref_judgement(ref, j)->regime, grade)->common;
    if (common < 0)
        return;
    *best = when;
    *bj = j;
    *g = common;
}

GbStanding *
gb_position_standing(const GbTable *t, int family, guint32 as_at)
{
    const GbRef *ref = t->ref;
    /* A streaming table kept each judgement's latest as at its own date only. */
    if (t->streaming && t->stream_as_at != as_at &&
        !((t->stream_as_at == 0 || t->stream_as_at >= t->newest_when) && as_at >= t->newest_when))
        return NULL;
    guint n = ref->authorities->len, nj = ref->judgements->len;
    GbStanding *s = g_new0(GbStanding, 1);
    s->as_at = as_at;
    s->family = family;
    s->grade_of = g_array_sized_new(FALSE, FALSE, sizeof(int), n);
    s->when_of = g_array_sized_new(FALSE, TRUE, sizeof(guint32), n);
    s->judgement_of = g_array_sized_new(FALSE, FALSE, sizeof(int), n);
    g_array_set_size(s->when_of, n);
    g_array_set_size(s->grade_of, n);
    g_array_set_size(s->judgement_of, n);
    int *grade_of = (int *)(void *)s->grade_of->data,
        *judgement_of = (int *)(void *)s->judgement_of->data;
    for (guint a = 0; a < n; a++) {
        grade_of[a] = gb_ref_active_on(gb_ref_authority(ref, (int)a), as_at) ? -1 : -2;
        judgement_of[a] = -1;
    }
    gboolean *wanted = g_new0(gboolean, nj);
    /* The family's judgements, in register order: a streaming table's cells
     * are offered authority by authority, each authority's in that order. */
    guint *fam = g_new(guint, MAX(nj, 1)), nfam = 0;
    for (guint j = 0; j < nj; j++) {
        wanted[j] = gb__family_judgement(ref, (int)j, family);
        if (wanted[j])
            fam[nfam++] = j;
    }
    if (t->streaming) {
        for (guint a = 0; a < n; a++) {
            const guint64 *cells = &t->latest[(gsize)a * nj];
            for (guint k = 0; k < nfam; k++)
                if (cells[fam[k]] != 0)
                    gb__offer(ref, s, (int)a, (int)fam[k], (guint32)(cells[fam[k]] >> 8),
                              (int)(gint8)(guint8)(cells[fam[k]] & 0xFF));
        }
    }
    g_free(fam);
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        if (wanted[r->judgement] && gb_table_row_selection(t, r) == NULL)
            gb__offer(ref, s, r->authority, r->judgement, gb_table_row_when(r), r->grade);
    }
    g_free(wanted);
    return s;
}

void
gb_position_standing_free(GbStanding *s)
{
    if (s == NULL)
        return;
    g_array_free(s->grade_of, TRUE);
    g_array_free(s->when_of, TRUE);
    g_array_free(s->judgement_of, TRUE);
    g_free(s);
}

static void
gb__tally(const GbRef *ref, const GbStanding *s, int a, GbPosition *p)
{
    int g = g_array_index(s->grade_of, int, a);
    if (g == -2)
        return;
    p->authorities++;
    if (g < 0)
        return;
    p->count[g]++;
    p->base++;
    int regime = gb_ref_judgement(ref, g_array_index(s->judgement_of, int, a))->regime;
    if (regime < GB_POSITION_REGIMES)
        p->by_regime[regime]++;
    guint32 when = g_array_index(s->when_of, guint32, a);
    if (p->oldest == 0 || when < p->oldest)
        p->oldest = when;
}

void
gb_position_count(const GbTable *t, const GbStanding *s, GbGroupKind kind, int key, GbPosition *out)
{
    const GbRef *ref = t->ref;
    *out = (GbPosition){
        .as_at = s->as_at, .family = s->family, .group = kind, .region = -1, .authority = -1};
    if (kind == GB_GROUP_NEIGHBOURS) {
        out->authority = key;
        const GbAuthority *au = gb_ref_authority(ref, key);
        for (int k = 0; k < (int)G_N_ELEMENTS(au->neighbours); k++)
            if (au->neighbours[k] >= 0)
                gb__tally(ref, s, au->neighbours[k], out);
    } else {
        if (kind == GB_GROUP_REGION)
            out->region = key;
        for (guint a = 0; a < ref->authorities->len; a++)
            if (kind == GB_GROUP_ENGLAND || gb_ref_authority(ref, (int)a)->region == key)
                gb__tally(ref, s, (int)a, out);
    }
    out->not_judged = out->authorities - out->base;
    out->good_or_better = out->count[0] + out->count[1];
    guint counts[GB_COMMON_LEVELS];
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        counts[g] = (guint)out->count[g];
        out->percent[g] = out->base ? 100.0 * out->count[g] / out->base : 0.0;
    }
    gb_stats_whole_percents(counts, GB_COMMON_LEVELS, (guint)out->base, out->whole);
}

void
gb_position_comparators(const GbTable *t, const GbStanding *s, int authority, GbPosition out[3])
{
    gb_position_count(t, s, GB_GROUP_ENGLAND, -1, &out[0]);
    gb_position_count(t, s, GB_GROUP_REGION, gb_ref_authority(t->ref, authority)->region, &out[1]);
    gb_position_count(t, s, GB_GROUP_NEIGHBOURS, authority, &out[2]);
}

GArray *
gb_position_series(const GbTable *t, int family, const guint32 *dates, guint n, gboolean by_region)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbPosition));
    for (guint i = 0; i < n; i++) {
        GbStanding *s = gb_position_standing(t, family, dates[i]);
        if (s == NULL) {
            g_array_free(out, TRUE);
            return NULL;
        }
        GbPosition p;
        gb_position_count(t, s, GB_GROUP_ENGLAND, -1, &p);
        g_array_append_val(out, p);
        for (guint r = 0; by_region && r < t->ref->regions->len; r++) {
            gb_position_count(t, s, GB_GROUP_REGION, (int)r, &p);
            g_array_append_val(out, p);
        }
        gb_position_standing_free(s);
    }
    return out;
}

GArray *
gb_position_annual_dates(const GbTable *t, int day, int month, guint32 as_at)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(guint32));
    if (t->min_year > t->max_year)
        return out;
    for (int y = t->min_year; y <= (int)(as_at / 10000); y++) {
        guint32 d = (guint32)y * 10000 + (guint32)month * 100 + (guint32)day;
        if (d <= as_at && g_date_valid_dmy((GDateDay)day, (GDateMonth)month, (GDateYear)y))
            g_array_append_val(out, d);
    }
    return out;
}

guint32
gb_position_year_earlier(guint32 ymd)
{
    guint32 y = ymd / 10000 - 1, md = ymd % 10000;
    if (md == 229)
        md = 228;
    return y * 10000 + md;
}

GArray *
gb_position_families(const GbRef *ref)
{
    guint32 used = 0;
    for (guint j = 0; j < ref->judgements->len; j++) {
        const GbJudgement *jj = gb_ref_judgement(ref, (int)j);
        if (gb_ref_regime(ref, jj->regime)->graded)
            used |= jj->families;
    }
    GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
    for (int f = 0; f < (int)ref->families->len; f++)
        if (used >> f & 1u)
            g_array_append_val(out, f);
    return out;
}

/* ---- Movers ---- */

gboolean
gb_position_regimes_adjacent(const GbRef *ref, int a, int b)
{
    if (a == b)
        return TRUE;
    const GbRegime *ra = gb_ref_regime(ref, a), *rb = gb_ref_regime(ref, b);
    int a_last = ra->last_year ? ra->last_year : G_MAXINT - 1;
    int b_last = rb->last_year ? rb->last_year : G_MAXINT - 1;
    return rb->first_year <= a_last + 1 && ra->first_year <= b_last + 1;
}

typedef struct {
    GbMoversMode mode;
    int family;
    guint32 as_at;
} GbMoverFilter;

static gboolean
gb__mover_row(const GbTable *t, const GbRow *r, gpointer user)
{
    GbMoverFilter *f = user;
    const GbRef *ref = t->ref;
    int regime = gb_ref_judgement(ref, r->judgement)->regime;
    if (gb_table_row_when(r) > f->as_at || !gb_ref_regime(ref, regime)->graded)
        return FALSE;
    gboolean wanted = f->mode == GB_MOVERS_ANY
                          ? r->judgement == gb_ref_headline_judgement(ref, regime)
                          : gb_ref_in_family(ref, r->judgement, f->family);
    if (!wanted || gb_table_row_selection(t, r) != NULL)
        return FALSE;
    return gb_ref_grade(ref, regime, r->grade)->common >= 0;
}

static GbTransitionMatrix *
gb__matrix(GArray *matrices, int family, int from, int to)
{
    for (guint i = 0; i < matrices->len; i++) {
        GbTransitionMatrix *m = &g_array_index(matrices, GbTransitionMatrix, i);
        if (m->family == family && m->from_regime == from && m->to_regime == to)
            return m;
    }
    GbTransitionMatrix m = {.family = family, .from_regime = from, .to_regime = to};
    g_array_append_val(matrices, m);
    return &g_array_index(matrices, GbTransitionMatrix, matrices->len - 1);
}

static gint
gb__cmp_matrix(gconstpointer pa, gconstpointer pb)
{
    const GbTransitionMatrix *a = pa, *b = pb;
    if (a->family != b->family)
        return a->family - b->family;
    if (a->from_regime != b->from_regime)
        return a->from_regime - b->from_regime;
    return a->to_regime - b->to_regime;
}

/* The moves of one authority in one family (or across, in GB_MOVERS_ANY). */
static void
gb__authority_moves(const GbTable *t, const GbHistories *h, int a, GbMoverFilter *f,
                    GHashTable *used_from, GbMovers *mv)
{
    const GbRef *ref = t->ref;
    GArray *ev = gb_stats_histories_filter(h, a, gb__mover_row, f);
    for (guint i = 1; i < ev->len; i++) {
        const GbEvent *p = &g_array_index(ev, GbEvent, i - 1), *e = &g_array_index(ev, GbEvent, i);
        /* A predecessor's own moves are counted once, under it. */
        if (p->as_authority >= 0 && e->as_authority >= 0)
            continue;
        if (f->mode == GB_MOVERS_FAMILY &&
            !gb_position_regimes_adjacent(ref, p->regime, e->regime)) {
            mv->gaps++;
            continue;
        }
        GbMover m = {.authority = a,
                     .family = f->mode == GB_MOVERS_FAMILY ? f->family : -1,
                     .from = *p,
                     .to = *e,
                     .steps = p->common - e->common,
                     .from_predecessor = p->as_authority >= 0,
                     .counted = TRUE};
        if (f->mode == GB_MOVERS_ANY)
            m.cross_family = (gb_ref_judgement(ref, p->judgement)->families &
                              gb_ref_judgement(ref, e->judgement)->families) == 0;
        if (m.from_predecessor) {
            /* One predecessor judgement, several successors: counted for the first. */
            char *key = g_strdup_printf("%d:%d:%u:%d", m.family, p->as_authority,
                                        p->date ? p->date : (guint)p->year, p->judgement);
            if (g_hash_table_contains(used_from, key)) {
                m.counted = FALSE;
                g_free(key);
            } else {
                g_hash_table_add(used_from, key);
            }
        }
        g_array_append_val(mv->moves, m);
        if (!m.counted)
            continue;
        GbTransitionMatrix *x = gb__matrix(mv->matrices, m.family, p->regime, e->regime);
        x->count[p->common][e->common]++;
        x->pairs++;
        x->up += m.steps > 0;
        x->down += m.steps < 0;
        x->same += m.steps == 0;
    }
    g_array_free(ev, TRUE);
}

GbMovers *
gb_position_movers(const GbTable *t, GbMoversMode mode, guint32 as_at)
{
    const GbRef *ref = t->ref;
    GbMovers *mv = g_new0(GbMovers, 1);
    mv->mode = mode;
    mv->as_at = as_at;
    mv->moves = g_array_new(FALSE, TRUE, sizeof(GbMover));
    mv->matrices = g_array_new(FALSE, TRUE, sizeof(GbTransitionMatrix));
    GbHistories *h = gb_stats_histories_new(t);
    GHashTable *used_from = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GArray *families = gb_position_families(ref);
    guint rounds = mode == GB_MOVERS_ANY ? 1 : families->len;
    for (guint k = 0; k < rounds; k++) {
        GbMoverFilter f = {.mode = mode,
                           .as_at = as_at,
                           .family = mode == GB_MOVERS_ANY ? -1 : g_array_index(families, int, k)};
        for (guint a = 0; a < ref->authorities->len; a++)
            gb__authority_moves(t, h, (int)a, &f, used_from, mv);
    }
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        mv->selection_rows += gb_table_row_when(r) <= as_at && gb_table_row_selection(t, r);
    }
    g_array_sort(mv->matrices, gb__cmp_matrix);
    g_array_free(families, TRUE);
    g_hash_table_destroy(used_from);
    gb_stats_histories_free(h);
    return mv;
}

void
gb_position_movers_free(GbMovers *mv)
{
    if (mv == NULL)
        return;
    g_array_free(mv->moves, TRUE);
    g_array_free(mv->matrices, TRUE);
    g_free(mv);
}
