/* test_stats.c - the compute stage: rounding edge cases, the published
 * headline changes, reconciliation, latest-as-at boundaries, histories. */
#include "pipeline/load.h"
#include "pipeline/stats.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static const struct {
    const char *name;
    guint count[4];
    int n;
    int whole[4];
} rounding[] = {
    {"three equal thirds", {1, 1, 1}, 3, {34, 33, 33}},
    {"zero base", {0, 0, 0, 0}, 4, {0, 0, 0, 0}},
    {"one row", {0, 1, 0, 0}, 4, {0, 100, 0, 0}},
    {"apa 2007", {12, 90, 43, 5}, 4, {8, 60, 29, 3}},
    {"largest remainder wins", {1, 1, 4}, 3, {17, 17, 66}},
    {"two halves", {1, 1}, 2, {50, 50}},
    {"sevenths: the largest remainder gets the point", {1, 1, 1, 4}, 4, {15, 14, 14, 57}},
};

START_TEST(test_whole_percents)
{
    guint base = 0;
    for (int i = 0; i < rounding[_i].n; i++)
        base += rounding[_i].count[i];
    int whole[4] = {-1, -1, -1, -1};
    gb_stats_whole_percents(rounding[_i].count, rounding[_i].n, base, whole);
    int sum = 0;
    for (int i = 0; i < rounding[_i].n; i++) {
        ck_assert_msg(whole[i] == rounding[_i].whole[i], "%s: grade %d is %d", rounding[_i].name,
                      i, whole[i]);
        sum += whole[i];
    }
    ck_assert_int_eq(sum, base ? 100 : 0);
}
END_TEST

static GbRef *ref;
static GbLoader *loader;
static GbTable *table;

static void
setup(void)
{
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
    ck_assert_int_eq(gb_loader_new(ref, &loader, &d), GB_OK);
    table = gb_table_new(ref);
    ck_assert_int_eq(gb_load_all(loader, table, NULL, &d), GB_OK);
}

static void
teardown(void)
{
    gb_table_free(table);
    gb_loader_free(loader);
    gb_ref_free(ref);
}

static const GbChange *
find_change(const GbStats *s, const char *measure, int from, int to)
{
    for (guint i = 0; i < s->changes->len; i++) {
        const GbChange *c = &g_array_index(s->changes, GbChange, i);
        if (strcmp(c->from.measure, measure) == 0 && c->from.year == from && c->to.year == to &&
            strcmp(gb_ref_regime(ref, c->from.regime)->id, "apa") == 0)
            return c;
    }
    return NULL;
}

START_TEST(test_headline_changes)
{
    GbStats *s = gb_stats_compute(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    const GbChange *o = find_change(s, "outstanding", 2006, 2007);
    ck_assert_ptr_nonnull(o);
    ck_assert_double_eq_tol(o->from.percent, 16.0, 1e-9);
    ck_assert_double_eq_tol(o->to.percent, 9.0, 1e-9);
    ck_assert_double_eq_tol(o->points, -7.0, 1e-9);
    ck_assert_int_eq(o->from.series, GB_SERIES_PUBLISHED);
    const GbChange *g = find_change(s, "good_or_better", 2006, 2007);
    ck_assert_ptr_nonnull(g);
    ck_assert_double_eq_tol(g->points, -3.0, 1e-9);
    /* 2008 is a selection of two authorities: no change may be drawn from it. */
    ck_assert_ptr_null(find_change(s, "good_or_better", 2007, 2008));
    gb_stats_free(s);
}
END_TEST

START_TEST(test_reconciliation_2007)
{
    GbStats *s = gb_stats_compute(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    const GbReconciliation *found = NULL;
    for (guint i = 0; i < s->reconciliations->len; i++) {
        const GbReconciliation *r = &g_array_index(s->reconciliations, GbReconciliation, i);
        if (r->computed.year == 2007 && strcmp(r->computed.measure, "outstanding") == 0)
            found = r;
    }
    ck_assert_ptr_nonnull(found);
    ck_assert_int_eq(found->computed.count, 12);
    ck_assert_int_eq(found->computed.base, 150);
    ck_assert_double_eq_tol(found->computed.percent, 8.0, 1e-9);
    ck_assert_double_eq_tol(found->published.percent, 9.0, 1e-9);
    ck_assert_int_eq(found->published.base, 137);
    ck_assert_double_eq_tol(found->difference, 1.0, 1e-9);
    ck_assert_ptr_nonnull(found->reason);
    ck_assert_ptr_nonnull(strstr(found->reason, "137"));
    ck_assert_ptr_nonnull(strstr(found->reason, "150"));
    gb_stats_free(s);
}
END_TEST

static int
code_index(const char *code)
{
    GString *scratch = g_string_new(NULL);
    int a = gb_ref_find_authority(ref, code, strlen(code), 0, 20250101, scratch, NULL);
    g_string_free(scratch, TRUE);
    return a;
}

START_TEST(test_latest_as_at)
{
    GbLatest *l = gb_stats_latest(table, "overall_effectiveness", 20250331);
    ck_assert_int_eq(l->authorities, 153);
    ck_assert_int_eq(l->count[0], 36);
    ck_assert_int_eq(l->count[1], 67);
    ck_assert_int_eq(l->count[2], 31);
    ck_assert_int_eq(l->count[3], 19);
    ck_assert_int_eq(l->not_inspected, 0);
    gb_stats_latest_free(l);
}
END_TEST

static const struct {
    const char *name;
    const char *code;
    guint32 as_at;
    int grade; /* common level, -1 not inspected, -2 did not exist */
} boundaries[] = {
    {"judgement on the date counts", "919", 20181015, 1},  /* Hertfordshire ILACS good */
    {"the day before: the one before", "919", 20181014, 1}, /* SIF good, 2015 */
    {"abolished on the date: gone", "909", 20230401, -2},  /* Cumbria */
    {"the day before: still there", "909", 20230331, 2},    /* requires improvement 2022 */
    {"created on the date: counts", "942", 20230401, -1},  /* Cumberland, not yet inspected */
    {"before creation: not there", "942", 20230331, -2},
};

START_TEST(test_as_at_boundaries)
{
    GbLatest *l = gb_stats_latest(table, "overall_effectiveness", boundaries[_i].as_at);
    int a = code_index(boundaries[_i].code);
    ck_assert_int_ge(a, 0);
    ck_assert_msg(g_array_index(l->grade_of, int, a) == boundaries[_i].grade, "%s: got %d",
                  boundaries[_i].name, g_array_index(l->grade_of, int, a));
    gb_stats_latest_free(l);
}
END_TEST

START_TEST(test_history_and_moves)
{
    /* Hertfordshire: inadequate 2007 -> adequate (SLAC) 2010, a move up; its 2008
     * "adequate" is a reported statement, never counted. */
    GArray *h = gb_stats_history(table, code_index("919"));
    ck_assert_uint_ge(h->len, 2);
    const GbEvent *e0 = &g_array_index(h, GbEvent, 0), *e1 = &g_array_index(h, GbEvent, 1);
    ck_assert_int_eq(e0->year, 2007);
    ck_assert_int_eq(e0->common, 3);
    ck_assert_int_eq(e1->year, 2010);
    ck_assert_int_eq(e1->common, 2);
    g_array_free(h, TRUE);
    /* North Northamptonshire inherits Northamptonshire's history, marked as such. */
    h = gb_stats_history(table, code_index("940"));
    ck_assert_uint_ge(h->len, 2);
    ck_assert_str_eq(gb_ref_authority(ref, g_array_index(h, GbEvent, 0).as_authority)->name,
                     "Northamptonshire");
    ck_assert_int_eq(g_array_index(h, GbEvent, h->len - 1).as_authority, -1);
    g_array_free(h, TRUE);

    GbMoves *s = gb_stats_moves(table);
    gboolean herts = FALSE;
    for (guint i = 0; i < s->moves->len; i++) {
        const GbMove *m = &g_array_index(s->moves, GbMove, i);
        if (m->authority == code_index("919") && m->from.year == 2007 && m->to.year == 2010)
            herts = TRUE;
    }
    ck_assert(herts);
    ck_assert_int_ge(s->transitions[3][2], 1);
    gb_stats_moves_free(s);
}
END_TEST

START_TEST(test_common_scale_grouping)
{
    /* Without regime, ILACS and APA meet on the common scale: by year only. */
    GArray *ds = gb_stats_distributions(table, GB_BY_YEAR);
    const GbDistribution *d2007 = NULL;
    for (guint i = 0; i < ds->len; i++)
        if (g_array_index(ds, GbDistribution, i).year == 2007)
            d2007 = &g_array_index(ds, GbDistribution, i);
    ck_assert_ptr_nonnull(d2007);
    ck_assert_int_eq(d2007->regime, -1);
    ck_assert_uint_eq(d2007->base, 150);
    ck_assert_uint_eq(d2007->good_or_better, 102);
    g_array_free(ds, TRUE);
    /* By region: London's 2007 rows sum to London's 33 authorities. */
    ds = gb_stats_distributions(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT |
                                       GB_BY_REGION);
    guint london = 0;
    for (guint i = 0; i < ds->len; i++) {
        const GbDistribution *d = &g_array_index(ds, GbDistribution, i);
        if (d->year == 2007 &&
            strcmp(g_ptr_array_index(ref->regions, d->region), "London") == 0)
            london += d->base;
    }
    ck_assert_uint_eq(london, 33);
    g_array_free(ds, TRUE);
}
END_TEST

/* A streaming table (check; stats without --authority) keeps counts, not rows:
 * it must give the same figures as the table with every row. */
START_TEST(test_streaming_same_figures)
{
    GbDiag d = {0};
    GbLoader *l2;
    ck_assert_int_eq(gb_loader_new(ref, &l2, &d), GB_OK);
    GbTable *st = gb_table_new(ref);
    gb_table_set_streaming(st, 0);
    ck_assert_int_eq(gb_load_all(l2, st, NULL, &d), GB_OK);
    ck_assert_uint_eq(st->rows->len, 0);
    ck_assert_uint_eq(st->kept, table->rows->len);
    GbFileAccount a, b;
    gb_table_totals(table, &a);
    gb_table_totals(st, &b);
    ck_assert_uint_eq(a.merged, b.merged);
    ck_assert_uint_eq(a.used, b.used);
    const GbGroupBy bys[] = {GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT, GB_BY_YEAR,
                             GB_BY_REGION | GB_BY_REGIME, GB_BY_YEAR | GB_BY_REGION};
    for (gsize k = 0; k < G_N_ELEMENTS(bys); k++) {
        GArray *x = gb_stats_distributions(table, bys[k]), *y = gb_stats_distributions(st, bys[k]);
        ck_assert_uint_eq(x->len, y->len);
        for (guint i = 0; i < x->len; i++) {
            const GbDistribution *p = &g_array_index(x, GbDistribution, i);
            const GbDistribution *q = &g_array_index(y, GbDistribution, i);
            ck_assert(p->year == q->year && p->regime == q->regime &&
                      p->judgement == q->judgement && p->region == q->region);
            ck_assert(memcmp(p->count, q->count, sizeof p->count) == 0);
        }
        g_array_free(x, TRUE);
        g_array_free(y, TRUE);
    }
    GbLatest *lx = gb_stats_latest(table, "overall_effectiveness", 20250331);
    GbLatest *ly = gb_stats_latest(st, "overall_effectiveness", 20250331);
    ck_assert(memcmp(lx->count, ly->count, sizeof lx->count) == 0);
    ck_assert(memcmp(lx->grade_of->data, ly->grade_of->data, lx->grade_of->len * sizeof(int)) == 0);
    gb_stats_latest_free(lx);
    gb_stats_latest_free(ly);
    /* Duplicates are still found: one identical, one conflicting. */
    char *path = gb_test_file("dups.csv", "authority,date,regime,judgement,grade\n"
                                          "Barnet,2019-05-13,ilacs,leaders,Good\n"
                                          "Barnet,2019-05-13,ilacs,leaders,Inadequate\n"
                                          "Barnet,2019-09-01,ilacs,leaders,Inadequate\n", -1);
    ck_assert_int_eq(gb_load_file(l2, st, path, &d), GB_OK);
    const GbFileAccount *f = &g_array_index(st->files, GbFileAccount, st->files->len - 1);
    ck_assert_uint_eq(f->merged, 1);   /* the first repeats the Ofsted history */
    ck_assert_uint_eq(f->rejected, 1); /* the second conflicts with it */
    ck_assert_uint_eq(f->used, 1);     /* another date in the same year is a new judgement */
    g_free(path);
    gb_table_free(st);
    gb_loader_free(l2);
}
END_TEST

static Suite *
stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *pure = tcase_create("rounding");
    tcase_add_loop_test(pure, test_whole_percents, 0, G_N_ELEMENTS(rounding));
    suite_add_tcase(s, pure);
    TCase *tc = tcase_create("bundled");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_headline_changes);
    tcase_add_test(tc, test_reconciliation_2007);
    tcase_add_test(tc, test_latest_as_at);
    tcase_add_loop_test(tc, test_as_at_boundaries, 0, G_N_ELEMENTS(boundaries));
    tcase_add_test(tc, test_history_and_moves);
    tcase_add_test(tc, test_common_scale_grouping);
    tcase_add_test(tc, test_streaming_same_figures);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(stats_suite());
}
