/* history.c - the compute stage (stats.h), authority by authority: each
 * authority's judgements over time across regimes (its predecessors'
 * included), the moves between consecutive headline judgements, the latest
 * judgement of each as at a date, and how one authority compares with
 * England, its region and its statistical neighbours. Pure: reads the
 * table, returns plain structs, prints nothing. */
#include "pipeline/stats.h"

#include <stdlib.h>
#include <string.h>

/* Row indices sorted by authority, then date (year-only rows on 31 December). */
static guint32
gb__when(const GbRow *r)
{
    return r->date != 0 ? r->date : (guint32)r->year * 10000 + 1231;
}

/* A row's place within its authority: date, then judgement, then its index
 * (so the order is total and the same as a stable sort of the rows). */
typedef struct {
    guint64 key; /* when << 8 | judgement */
    guint idx;
} GbRowKey;

static int
gb__cmp_key(const void *pa, const void *pb)
{
    const GbRowKey *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Bucketed by authority in one pass, then each authority's rows (a few dozen)
 * sorted by a precomputed key: a whole-table sort with a comparator reading
 * both rows was half of what composing a pack cost (it runs twice a pack). */
static GArray *
gb__sorted_rows(const GbTable *t)
{
    guint nrows = t->rows->len, n = t->ref->authorities->len;
    guint *at = g_new0(guint, n + 1);
    for (guint i = 0; i < nrows; i++)
        at[gb_table_row(t, i)->authority + 1]++;
    for (guint a = 0; a < n; a++)
        at[a + 1] += at[a];
    GbRowKey *keys = g_new(GbRowKey, MAX(nrows, 1));
    guint *fill = g_memdup2(at, (n + 1) * sizeof *at);
    for (guint i = 0; i < nrows; i++) {
        const GbRow *r = gb_table_row(t, i);
        keys[fill[r->authority]++] =
            (GbRowKey){.key = (guint64)gb__when(r) << 8 | r->judgement, .idx = i};
    }
    /* Within an authority the rows are in index order; most data lists them
     * by date already, so a group is sorted only when it is not. */
    for (guint a = 0; a < n; a++) {
        guint i = at[a] + 1;
        while (i < at[a + 1] && keys[i - 1].key <= keys[i].key)
            i++;
        if (i < at[a + 1])
            qsort(keys + at[a], at[a + 1] - at[a], sizeof *keys, gb__cmp_key);
    }
    GArray *idx = g_array_sized_new(FALSE, FALSE, sizeof(guint), nrows);
    for (guint i = 0; i < nrows; i++)
        g_array_append_val(idx, keys[i].idx);
    g_free(fill);
    g_free(keys);
    g_free(at);
    return idx;
}

/* Rows grouped by authority in date order, and each authority's predecessors,
 * indexed once so histories cost their own length, not the table's. */
typedef struct {
    GArray *sorted;   /* guint row indices */
    guint *start;     /* per authority: first position in sorted; [n] = end */
    GPtrArray *preds; /* per authority: GArray of int, or NULL */
} GbHistoryIndex;

static void
gb__free_int_array(gpointer p)
{
    if (p != NULL)
        g_array_unref(p);
}

static void
gb__index_init(const GbTable *t, GbHistoryIndex *ix)
{
    guint n = t->ref->authorities->len;
    ix->sorted = gb__sorted_rows(t);
    ix->start = g_new0(guint, n + 1);
    for (guint i = 0; i < ix->sorted->len; i++)
        ix->start[gb_table_row(t, g_array_index(ix->sorted, guint, i))->authority + 1]++;
    for (guint a = 0; a < n; a++)
        ix->start[a + 1] += ix->start[a];
    ix->preds = g_ptr_array_new_full(n, gb__free_int_array);
    g_ptr_array_set_size(ix->preds, (gint)n);
    for (guint p = 0; p < n; p++) {
        const GArray *succ = gb_ref_authority(t->ref, (int)p)->successors;
        for (guint k = 0; k < succ->len; k++) {
            int s = g_array_index(succ, int, k);
            GArray *list = g_ptr_array_index(ix->preds, s);
            if (list == NULL) {
                list = g_array_new(FALSE, FALSE, sizeof(int));
                g_ptr_array_index(ix->preds, s) = list;
            }
            int pi = (int)p;
            g_array_append_val(list, pi);
        }
    }
}

static void
gb__index_clear(GbHistoryIndex *ix)
{
    g_array_free(ix->sorted, TRUE);
    g_free(ix->start);
    g_ptr_array_free(ix->preds, TRUE);
}

static gboolean
gb__headline_row(const GbTable *t, const GbRow *r, gpointer user)
{
    (void)user;
    int regime = gb_ref_judgement(t->ref, r->judgement)->regime;
    return r->judgement == gb_ref_headline_judgement(t->ref, regime);
}

static void
gb__add_history(const GbTable *t, const GbHistoryIndex *ix, int authority, int as, int depth,
                GbRowFilter keep, gpointer user, GArray *out)
{
    const GbRef *ref = t->ref;
    for (guint i = ix->start[authority]; i < ix->start[authority + 1]; i++) {
        const GbRow *r = gb_table_row(t, g_array_index(ix->sorted, guint, i));
        int regime = gb_ref_judgement(ref, r->judgement)->regime;
        if (!keep(t, r, user))
            continue;
        GbEvent e = {.year = r->year,
                     .date = r->date,
                     .regime = regime,
                     .judgement = r->judgement,
                     .grade = r->grade,
                     .common = gb_ref_grade(ref, regime, r->grade)->common,
                     .as_authority = as};
        g_array_append_val(out, e);
    }
    /* Predecessors' judgements, bounded in depth against a cycle in the data. */
    const GArray *preds = g_ptr_array_index(ix->preds, authority);
    for (guint k = 0; preds != NULL && k < preds->len && depth < 8; k++) {
        int p = g_array_index(preds, int, k);
        gb__add_history(t, ix, p, p, depth + 1, keep, user, out);
    }
}

static gint
gb__cmp_event(gconstpointer pa, gconstpointer pb)
{
    const GbEvent *a = pa, *b = pb;
    guint32 wa = a->date ? a->date : (guint32)a->year * 10000 + 1231;
    guint32 wb = b->date ? b->date : (guint32)b->year * 10000 + 1231;
    if (wa != wb)
        return wa < wb ? -1 : 1;
    if (a->regime != b->regime)
        return a->regime - b->regime;
    return a->judgement - b->judgement;
}

static GArray *
gb__history_of(const GbTable *t, const GbHistoryIndex *ix, int authority, GbRowFilter keep,
               gpointer user)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbEvent));
    gb__add_history(t, ix, authority, -1, 0, keep, user, out);
    g_array_sort(out, gb__cmp_event);
    return out;
}

struct GbHistories {
    const GbTable *table;
    GbHistoryIndex ix;
};

GbHistories *
gb_stats_histories_new(const GbTable *t)
{
    GbHistories *h = g_new0(GbHistories, 1);
    h->table = t;
    gb__index_init(t, &h->ix);
    return h;
}

GArray *
gb_stats_histories_get(const GbHistories *h, int authority)
{
    return gb__history_of(h->table, &h->ix, authority, gb__headline_row, NULL);
}

GArray *
gb_stats_histories_filter(const GbHistories *h, int authority, GbRowFilter keep, gpointer user)
{
    return gb__history_of(h->table, &h->ix, authority, keep, user);
}

void
gb_stats_histories_free(GbHistories *h)
{
    if (h == NULL)
        return;
    gb__index_clear(&h->ix);
    g_free(h);
}

GArray *
gb_stats_history(const GbTable *t, int authority)
{
    GbHistories *h = gb_stats_histories_new(t);
    GArray *out = gb_stats_histories_get(h, authority);
    gb_stats_histories_free(h);
    return out;
}

GbMoves *
gb_stats_moves(const GbTable *t)
{
    GbHistoryIndex ix;
    gb__index_init(t, &ix);
    GbMoves *mv = g_new0(GbMoves, 1);
    mv->moves = g_array_new(FALSE, TRUE, sizeof(GbMove));
    for (guint a = 0; a < t->ref->authorities->len; a++) {
        GArray *h = gb__history_of(t, &ix, (int)a, gb__headline_row, NULL);
        const GbEvent *prev = NULL;
        for (guint i = 0; i < h->len; i++) {
            const GbEvent *e = &g_array_index(h, GbEvent, i);
            if (e->common < 0)
                continue;
            /* A predecessor's own moves are counted once, under it. */
            if (prev != NULL && !(prev->as_authority >= 0 && e->as_authority >= 0)) {
                mv->transitions[prev->common][e->common]++;
                if (prev->common != e->common) {
                    GbMove m = {.authority = (int)a, .from = *prev, .to = *e};
                    g_array_append_val(mv->moves, m);
                }
            }
            prev = e;
        }
        g_array_free(h, TRUE);
    }
    gb__index_clear(&ix);
    return mv;
}

void
gb_stats_moves_free(GbMoves *mv)
{
    if (mv == NULL)
        return;
    g_array_free(mv->moves, TRUE);
    g_free(mv);
}

GbLatest *
gb_stats_latest(const GbTable *t, const char *judgement, guint32 as_at)
{
    const GbRef *ref = t->ref;
    GbLatest *l = g_new0(GbLatest, 1);
    l->as_at = as_at;
    l->judgement = judgement;
    guint n = ref->authorities->len;
    l->grade_of = g_array_sized_new(FALSE, FALSE, sizeof(int), n);
    GArray *when = g_array_sized_new(FALSE, TRUE, sizeof(guint32), n);
    g_array_set_size(when, n);
    g_array_set_size(l->grade_of, n);
    for (guint a = 0; a < n; a++)
        g_array_index(l->grade_of, int, a) =
            gb_ref_active_on(gb_ref_authority(ref, (int)a), as_at) ? -1 : -2;
    gboolean *wanted = g_new0(gboolean, ref->judgements->len);
    /* The wanted judgements in register order: a streaming table's cells are
     * offered authority by authority, each authority's in that order. */
    guint *wanted_list = g_new(guint, MAX(ref->judgements->len, 1)), nwanted = 0;
    for (guint j = 0; j < ref->judgements->len; j++) {
        const GbJudgement *jj = gb_ref_judgement(ref, (int)j);
        wanted[j] = strcmp(jj->id, judgement) == 0 && gb_ref_regime(ref, jj->regime)->graded;
        if (wanted[j])
            wanted_list[nwanted++] = j;
    }
    /* Offers each judgement: the latest on or before as_at wins. Rows when the
     * table has them, else the latest judgements a streaming table kept. */
#define GB__OFFER(a, j, w, grade)                                                                  \
    do {                                                                                           \
        int *g_ = &g_array_index(l->grade_of, int, (a));                                           \
        guint32 *best_ = &g_array_index(when, guint32, (a));                                       \
        if (wanted[(j)] && (w) <= as_at && *g_ != -2 && (w) >= *best_) {                           \
            *best_ = (w);                                                                          \
            *g_ = gb_ref_grade(ref, gb_ref_judgement(ref, (j))->regime, (grade))->common;          \
        }                                                                                          \
    } while (0)
    guint nj = ref->judgements->len;
    for (guint a = 0; t->streaming && a < n; a++) {
        const guint64 *cells = &t->latest[(gsize)a * nj];
        for (guint k = 0; k < nwanted; k++) {
            guint j = wanted_list[k];
            if (cells[j] != 0)
                GB__OFFER(a, j, (guint32)(cells[j] >> 8), (int)(gint8)(guint8)(cells[j] & 0xFF));
        }
    }
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        if (gb_table_row_selection(t, r) == NULL) /* as a streaming table's latest */
            GB__OFFER(r->authority, r->judgement, gb__when(r), r->grade);
    }
#undef GB__OFFER
    for (guint a = 0; a < n; a++) {
        int g = g_array_index(l->grade_of, int, a);
        if (g == -2)
            continue;
        l->authorities++;
        if (g < 0)
            l->not_inspected++;
        else
            l->count[g]++;
    }
    g_free(wanted);
    g_free(wanted_list);
    g_array_free(when, TRUE);
    return l;
}

void
gb_stats_latest_free(GbLatest *l)
{
    if (l == NULL)
        return;
    g_array_free(l->grade_of, TRUE);
    g_free(l);
}

void
gb_stats_compare(const GbTable *t, const GbLatest *l, int authority, GbComparison *c)
{
    const GbRef *ref = t->ref;
    const GbAuthority *a = gb_ref_authority(ref, authority);
    *c = (GbComparison){.authority = authority, .own = g_array_index(l->grade_of, int, authority)};
    for (guint i = 0; i < ref->authorities->len; i++) {
        int g = g_array_index(l->grade_of, int, i);
        if (g < 0)
            continue;
        gboolean better = c->own >= 0 && g < c->own;
        c->england[g]++;
        c->england_n++;
        c->better_england += better;
        if (gb_ref_authority(ref, (int)i)->region == a->region) {
            c->region[g]++;
            c->region_n++;
            c->better_region += better;
        }
        for (int k = 0; k < (int)G_N_ELEMENTS(a->neighbours); k++) {
            if (a->neighbours[k] == (int)i) {
                c->neighbours[g]++;
                c->neighbours_n++;
                c->better_neighbours += better;
            }
        }
    }
}
