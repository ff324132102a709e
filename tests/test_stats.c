/* test_stats.c - the compute stage: rounding edge cases, the published
 * headline changes, reconciliation, latest-as-at boundaries, histories, the
 * streaming table's figures; one as-at date across commands and the stats
 * options through the real binary. Positions as at a date, movers and the
 * 2013 reconciliation are in test_positions.c. */

#include "pipeline/load.h"
#include "pipeline/position.h"
#include "pipeline/stats.h"
#include "pipeline/summary.h"
#include "statsfixture.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <math.h>
#include <stdio.h>
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
        ck_assert_msg(whole[i] == rounding[_i].whole[i], "%s: grade %d is %d", rounding[_i].name, i,
                      whole[i]);
        sum += whole[i];
    }
    ck_assert_int_eq(sum, base ? 100 : 0);
}
END_TEST

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

/* gb_ref_active_years against gb_ref_active_in: the counts of active
 * authorities per year use the first, and must say what the second says for
 * every year, at the edges of a year (1 January, 2 January, 31 December). */
static const struct {
    const char *name;
    guint32 from, to;
} active_years[] = {
    {"open both ends", 0, 0},
    {"from 1 January", 20150101, 0},
    {"from 31 December", 20151231, 0},
    {"from mid-year", 20150601, 0},
    {"to 1 January", 0, 20190101},
    {"to 2 January", 0, 20190102},
    {"to 31 December", 0, 20191231},
    {"to mid-year", 0, 20190401},
    {"one day", 20170301, 20170302},
    {"1 January to 1 January", 20170101, 20180101},
    {"31 December to 1 January", 20171231, 20180101},
    {"ends the day it starts", 20170101, 20170101},
};

START_TEST(test_active_years)
{
    GbAuthority a = {.from = active_years[_i].from, .to = active_years[_i].to};
    int first, last;
    gb_ref_active_years(&a, &first, &last);
    for (int y = 2005; y <= 2025; y++)
        ck_assert_msg(gb_ref_active_in(&a, y) == (first <= y && y <= last),
                      "%s: year %d: active_in %d, years %d..%d", active_years[_i].name, y,
                      gb_ref_active_in(&a, y), first, last);
}
END_TEST

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
    {"judgement on the date counts", "919", 20181015, 1},   /* Hertfordshire ILACS good */
    {"the day before: the one before", "919", 20181014, 1}, /* SIF good, 2015 */
    {"abolished on the date: gone", "909", 20230401, -2},   /* Cumbria */
    {"the day before: still there", "909", 20230331, 2},    /* requires improvement 2022 */
    {"created on the date: counts", "942", 20230401, -1},   /* Cumberland, not yet inspected */
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
    ds = gb_stats_distributions(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT | GB_BY_REGION);
    guint london = 0;
    for (guint i = 0; i < ds->len; i++) {
        const GbDistribution *d = &g_array_index(ds, GbDistribution, i);
        if (d->year == 2007 && strcmp(g_ptr_array_index(ref->regions, d->region), "London") == 0)
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
    /* Positions of every family from the latest judgements a streaming table keeps. */
    GArray *fs = gb_position_families(ref);
    for (guint k = 0; k < fs->len; k++) {
        int f = g_array_index(fs, int, k);
        GbStanding *sx = gb_position_standing(table, f, 20250331);
        GbStanding *sy = gb_position_standing(st, f, 20250331);
        ck_assert_ptr_nonnull(sy);
        ck_assert(memcmp(sx->grade_of->data, sy->grade_of->data, sx->grade_of->len * sizeof(int)) ==
                  0);
        ck_assert(
            memcmp(sx->when_of->data, sy->when_of->data, sx->when_of->len * sizeof(guint32)) == 0);
        gb_position_standing_free(sx);
        gb_position_standing_free(sy);
    }
    g_array_free(fs, TRUE);
    /* ... but only for the dates it can answer. */
    ck_assert_ptr_null(gb_position_standing(st, 0, 20200331));
    /* Once read it can be cut only where nothing is dated after: a date known
     * only then (a publication's own) means reading it again. */
    ck_assert(!gb_table_cut(st, 20241231));
    ck_assert_uint_eq(st->after, 0);
    ck_assert(gb_table_cut(st, 20250331));
    ck_assert_uint_eq(st->cut, 20250331);
    GbStanding *after_cut = gb_position_standing(st, 0, 20250331);
    ck_assert_ptr_nonnull(after_cut);
    gb_position_standing_free(after_cut);
    /* Duplicates are still found: one identical, one conflicting. */
    char *path = gb_test_file("dups.csv",
                              "authority,date,regime,judgement,grade\n"
                              "Barnet,2019-05-13,ilacs,leaders,Good\n"
                              "Barnet,2019-05-13,ilacs,leaders,Inadequate\n"
                              "Barnet,2019-09-01,ilacs,leaders,Inadequate\n",
                              -1);
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

/* ---- One as-at date across commands (the real binary) ---- */

static JsonObject *
json_position(JsonObject *root, const char *fam, const char *as_at)
{
    JsonArray *ps = json_object_get_array_member(root, "positions");
    for (guint i = 0; i < json_array_get_length(ps); i++) {
        JsonObject *p = json_array_get_object_element(ps, i);
        if (strcmp(json_object_get_string_member(p, "family"), fam) == 0 &&
            strcmp(json_object_get_string_member(p, "group"), "england") == 0 &&
            strcmp(json_object_get_string_member(p, "as_at"), as_at) == 0)
            return p;
    }
    ck_abort_msg("no position %s %s", fam, as_at);
    return NULL;
}

static int
json_grade_count(JsonObject *p, int g)
{
    JsonArray *gs = json_object_get_array_member(p, "grades");
    return (int)json_object_get_int_member(json_array_get_object_element(gs, (guint)g), "count");
}

static gboolean
tree_contains(const char *dir, const char *needle)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    ck_assert_ptr_nonnull(d);
    gboolean found = FALSE;
    const char *name;
    while (!found && (name = g_dir_read_name(d)) != NULL) {
        char *path = g_build_filename(dir, name, NULL);
        char *text = NULL;
        gsize len;
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            found = tree_contains(path, needle);
        else if (g_file_get_contents(path, &text, &len, NULL))
            found = g_strstr_len(text, (gssize)len, needle) != NULL;
        g_free(text);
        g_free(path);
    }
    g_dir_close(d);
    return found;
}

START_TEST(test_cli_one_as_at)
{
    /* Barnet inspected in June 2025, after the publication's 31 March (the
     * bundled briefing.ini's as_at): every command leaves it out and says so. */
    char *dir = gb_test_tmpdir("asat");
    char *june = g_build_filename(dir, "june.csv", NULL);
    ck_assert(g_file_set_contents(june,
                                  "authority,date,regime,judgement,grade\n"
                                  "Barnet,2025-06-10,ilacs,overall_effectiveness,"
                                  "Inadequate\n",
                                  -1, NULL));
    const char *warning = "1 judgement dated after the as-at date 2025-03-31 (briefing.ini) "
                          "left out: 2025-06-10 to 2025-06-10";
    char *out, *err;
    const char *json[] = {GB_BINARY, "stats", "-f", "json", june, NULL};
    ck_assert_int_eq(gb_test_run(dir, json, &out, &err), 0);
    ck_assert_msg(strstr(err, warning) != NULL, "stats stderr: %s", err);
    JsonParser *parser = json_parser_new();
    ck_assert(json_parser_load_from_data(parser, out, -1, NULL));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonObject *at = json_object_get_object_member(root, "as_at");
    ck_assert_str_eq(json_object_get_string_member(at, "date"), "2025-03-31");
    ck_assert_str_eq(json_object_get_string_member(at, "source"), "briefing.ini");
    ck_assert_int_eq(json_object_get_int_member(at, "left_out_after"), 1);
    ck_assert_int_eq(
        json_grade_count(json_position(root, "overall_effectiveness", "2025-03-31"), 3), 19);
    ck_assert_int_eq(
        json_object_get_int_member(json_object_get_object_member(root, "latest"), "authorities"),
        153);
    /* The June date appears only where the left-out row is reported. */
    int seen = 0;
    for (const char *q = out; (q = strstr(q, "2025-06-10")) != NULL; q++)
        seen++;
    ck_assert_int_eq(seen, 2); /* left_out_first, left_out_newest */
    g_object_unref(parser);
    g_free(out);
    g_free(err);

    /* --as-at overrides: on 30 June the row counts (20 inadequate) and nothing is left out. */
    const char *later[] = {GB_BINARY, "stats", "-f", "json", "--as-at", "2025-06-30", june, NULL};
    ck_assert_int_eq(gb_test_run(dir, later, &out, &err), 0);
    ck_assert_ptr_null(strstr(err, "left out"));
    parser = json_parser_new();
    ck_assert(json_parser_load_from_data(parser, out, -1, NULL));
    root = json_node_get_object(json_parser_get_root(parser));
    ck_assert_int_eq(
        json_grade_count(json_position(root, "overall_effectiveness", "2025-06-30"), 3), 20);
    g_object_unref(parser);
    g_free(out);
    g_free(err);

    /* The authority, the movers, a chart and the briefing: the same date. */
    const char *authority[] = {GB_BINARY, "stats", "-a", "Barnet", june, NULL};
    ck_assert_int_eq(gb_test_run(dir, authority, &out, &err), 0);
    /* For people: the judgement's name and the date written out (issue 18). */
    ck_assert_ptr_nonnull(strstr(out, "Latest Overall effectiveness as at 31 March 2025: Good"));
    ck_assert_ptr_null(strstr(out, "2025-06-10"));
    ck_assert_ptr_nonnull(strstr(err, warning));
    g_free(out);
    g_free(err);
    const char *mv[] = {GB_BINARY, "stats", "--movers", "family", "-f", "csv", june, NULL};
    ck_assert_int_eq(gb_test_run(dir, mv, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "overall_effectiveness,Harrow,310,E09000015,"));
    ck_assert_ptr_null(strstr(out, "2025-06-10"));
    g_free(out);
    g_free(err);
    const char *chart[] = {GB_BINARY, "chart", "map", "-o", "map.svg", june, NULL};
    ck_assert_int_eq(gb_test_run(dir, chart, &out, &err), 0);
    ck_assert_msg(strstr(err, warning) != NULL, "chart stderr: %s", err);
    g_free(out);
    g_free(err);
    const char *build[] = {GB_BINARY, "build", "-q", "-o", "brief", june, NULL};
    ck_assert_int_eq(gb_test_run(dir, build, &out, &err), 0);
    ck_assert_msg(strstr(err, warning) != NULL, "build stderr: %s", err);
    char *tables = g_build_filename(dir, "brief", "tables", NULL);
    ck_assert(!tree_contains(tables, "2025-06-10"));
    g_free(tables);
    g_free(out);
    g_free(err);
    char *pdf = g_build_filename(dir, "brief", "briefing.pdf", NULL);
    const char *text[] = {PDFTOTEXT, pdf, "-", NULL};
    ck_assert_int_eq(gb_test_run(dir, text, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "31 March 2025"));
    ck_assert_ptr_null(strstr(out, "June 2025"));
    ck_assert_ptr_null(strstr(out, "2025-06-10"));
    g_free(out);
    g_free(err);
    g_free(pdf);
    g_free(june);
    g_free(dir);
}
END_TEST

static const struct {
    guint32 in, out;
} year_earlier[] = {
    {20250331, 20240331},
    {20240229, 20230228},
    {20250101, 20240101},
};

START_TEST(test_year_earlier)
{
    ck_assert_uint_eq(gb_position_year_earlier(year_earlier[_i].in), year_earlier[_i].out);
}
END_TEST

/* The stats options, through the real binary. */
static const struct {
    const char *name;
    const char *args[10];
    int status;
    const char *out, *err; /* substrings expected, or NULL */
    const char *absent;    /* a substring stdout must not have, or NULL */
} stats_cli[] = {
    /* Like with like: the CPI figures of May 2012 to September 2013 against the
     * CPI rows of that period, never against the rows of 2013. */
    {"table: CPI period paired with its own rows",
     {"stats", "--as-at", "2013-03-31,2025-03-31", NULL},
     0,
     "  1 May 2012 to 30 September 2013, child protection inspections (CPI), Inadequate: 17 of 50 "
     "(34.0%) computed vs 17 of 50 published\n",
     NULL,
     "computed vs 34.0% (17 of 50) published"},
    {"table: one date cannot compute the period",
     {"stats", NULL},
     0,
     "Effectiveness of child protection, Inadequate: 34.0% (17 of 50) published: not computed "
     "from these rows\n",
     NULL,
     "computed vs 34.0% (17 of 50) published"},
    {"series in CSV, 31 March 2019",
     {"stats", "-f", "csv", "--as-at-series", "31-03", NULL},
     0,
     "position,2019-03-31,overall_effectiveness,england,,,,,,,,,,,,computed,",
     NULL,
     NULL},
    {"series change in points",
     {"stats", "-f", "csv", "--family", "overall_effectiveness", "--as-at", "2024-03-31,2025-03-31",
      NULL},
     0,
     "position,2025-03-31,overall_effectiveness,england,,,,,,,,,,,,computed,inadequate,19,153,"
     "12.4,12,153,1.2\r\n",
     NULL,
     NULL},
    {"by region",
     {"stats", "-f", "csv", "--by", "region", "--family", "safeguarding", NULL},
     0,
     "position,2025-03-31,safeguarding,region,London,",
     NULL,
     NULL},
    {"standings with codes",
     {"stats", "-f", "csv", "--by", "authority", "--family", "overall_effectiveness", NULL},
     0,
     "standing,2025-03-31,overall_effectiveness,authority,London,Barnet,302,E09000003,2024-06-10,"
     "2024,,,,ilacs,overall_effectiveness,computed,good,",
     NULL,
     NULL},
    {"partial year marked",
     {"stats", NULL},
     0,
     "[partial year: 1 January 2025 to 31 March 2025]",
     NULL,
     NULL},
    {"movers csv with steps",
     {"stats", "--movers", "family", "-f", "csv", NULL},
     0,
     "overall_effectiveness,Harrow,310,E09000015,London,Harrow,2020-02-10,2020,ilacs,"
     "overall_effectiveness,good,2025-01-20,2025,ilacs,overall_effectiveness,inadequate,-2,no,"
     "yes,no\r\n",
     NULL,
     NULL},
    {"movers any labelled", {"stats", "--movers", "any", NULL}, 0, "[across families]", NULL, NULL},
    {"authority comparators",
     {"stats", "-a", "Hertfordshire", NULL},
     0,
     "    Statistical neighbours    10 of  10 judged:",
     NULL,
     NULL},
    /* The table a person reads: the reference data's names in full (issue 15). */
    {"table: position columns named in full",
     {"stats", NULL},
     0,
     "Authorities With a judgement",
     NULL,
     " exist "},
    {"table: regime and judgement by name",
     {"stats", NULL},
     0,
     "\nAnnual performance assessment: Staying safe\n  Year   Region",
     NULL,
     "apa / staying_safe"},
    {"table: grade labels never cut",
     {"stats", NULL},
     0,
     " Areas for development only Areas for priority action",
     NULL,
     "Areas for developmen "},
    {"table: published figures by name",
     {"stats", NULL},
     0,
     "  2007 Annual performance assessment, Staying safe, Inadequate: 3.3% (5 of 150) published; "
     "inspections made 1 January 2007 to 31 December 2007\n",
     NULL,
     "good or better"},
    {"table: changes are flows, named",
     {"stats", NULL},
     0,
     "Changes between the inspections made in consecutive years (flows, not England's position",
     NULL,
     "latest under"},
    {"table: transition matrices with the levels' names in full",
     {"stats", "--movers", "family", NULL},
     0,
     "  from \\ to                         Outstanding         Good Adequate / requires "
     "improvement   Inadequate\n",
     NULL,
     "Adequate / r "},
    {"bad series",
     {"stats", "--as-at-series", "31-13", NULL},
     64,
     NULL,
     "not a day and month",
     NULL},
    {"bad date in a list",
     {"stats", "--as-at", "2025-03-31,soon", NULL},
     64,
     NULL,
     "'soon' is not a date",
     NULL},
    {"bad movers", {"stats", "--movers", "sideways", NULL}, 64, NULL, "not family or any", NULL},
    {"unknown family",
     {"stats", "--family", "cooking", NULL},
     64,
     NULL,
     "unknown family 'cooking' (use safeguarding, overall_effectiveness",
     NULL},
};

START_TEST(test_stats_cli)
{
    const char *argv[12] = {GB_BINARY};
    for (int k = 0; stats_cli[_i].args[k] != NULL; k++)
        argv[k + 1] = stats_cli[_i].args[k];
    char *out, *err;
    int status = gb_test_run(NULL, argv, &out, &err);
    ck_assert_msg(status == stats_cli[_i].status, "%s: exit %d: %s", stats_cli[_i].name, status,
                  err);
    if (stats_cli[_i].out != NULL)
        ck_assert_msg(strstr(out, stats_cli[_i].out) != NULL, "%s: stdout lacks '%s'",
                      stats_cli[_i].name, stats_cli[_i].out);
    if (stats_cli[_i].err != NULL)
        ck_assert_msg(strstr(err, stats_cli[_i].err) != NULL, "%s: stderr '%s'", stats_cli[_i].name,
                      err);
    if (stats_cli[_i].absent != NULL)
        ck_assert_msg(strstr(out, stats_cli[_i].absent) == NULL, "%s: stdout has '%s'",
                      stats_cli[_i].name, stats_cli[_i].absent);
    g_free(out);
    g_free(err);
}
END_TEST

/* The briefing's reconciliation (tables/reconciliation.csv) and `stats -f
 * csv`'s pair the same figures: (computed count, base, percent, published
 * count, base, percent) of every pair, as sorted lists. */
static gint
cmp_strp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
briefing_pairs(const char *csv)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    char **lines = g_strsplit(csv, "\n", -1);
    for (int i = 1; lines[i] != NULL; i++) {
        g_strchomp(lines[i]);
        char **f = g_strsplit(lines[i], ",", 10);
        if (g_strv_length(f) >= 10)
            g_ptr_array_add(out,
                            g_strjoinv(",", (char *[]){f[3], f[4], f[5], f[6], f[7], f[8], NULL}));
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_ptr_array_sort(out, cmp_strp);
    return out;
}

static GPtrArray *
stats_pairs(const char *csv)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    char **lines = g_strsplit(csv, "\n", -1);
    char *computed = NULL;
    for (int i = 1; lines[i] != NULL; i++) {
        g_strchomp(lines[i]);
        char **f = g_strsplit(lines[i], ",", -1);
        if (g_strv_length(f) > 19 && strcmp(f[0], "reconciliation") == 0) {
            char *three = g_strjoin(",", f[17], f[18], f[19], NULL);
            if (strcmp(f[15], "computed") == 0) {
                g_free(computed);
                computed = three;
            } else {
                ck_assert_ptr_nonnull(computed);
                g_ptr_array_add(out, g_strjoin(",", computed, three, NULL));
                g_free(three);
                g_free(computed);
                computed = NULL;
            }
        }
        g_strfreev(f);
    }
    g_free(computed);
    g_strfreev(lines);
    g_ptr_array_sort(out, cmp_strp);
    return out;
}

START_TEST(test_briefing_and_stats_reconcile_alike)
{
    char *dir = gb_test_tmpdir("recon");
    char *brief = g_build_filename(dir, "brief", NULL);
    const char *build[] = {GB_BINARY, "build", "-q", "-o", brief, NULL};
    char *out, *err;
    ck_assert_msg(gb_test_run(NULL, build, &out, &err) == 0, "build: %s", err);
    g_free(out);
    g_free(err);
    char *path = g_build_filename(brief, "tables", "reconciliation.csv", NULL), *text;
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    GPtrArray *b = briefing_pairs(text);
    g_free(text);
    /* The briefing's dates: its as-at date and the 2013 annual report's. */
    const char *stats[] = {GB_BINARY, "stats", "-f", "csv", "--as-at", "2013-03-31,2025-03-31",
                           NULL};
    ck_assert_msg(gb_test_run(NULL, stats, &out, &err) == 0, "stats: %s", err);
    GPtrArray *s = stats_pairs(out);
    g_free(out);
    g_free(err);
    ck_assert_uint_eq(b->len, 14); /* 3 yearly, 3 + 4 positions, 4 CPI grades */
    ck_assert_uint_eq(s->len, b->len);
    for (guint i = 0; i < b->len; i++)
        ck_assert_str_eq(g_ptr_array_index(s, i), g_ptr_array_index(b, i));
    g_ptr_array_free(b, TRUE);
    g_ptr_array_free(s, TRUE);
    g_free(path);
    g_free(brief);
    g_free(dir);
}
END_TEST

/* The rows of kind `kind` of `stats -f csv` output, sorted. */
static GPtrArray *
csv_kind_rows(const char *csv, const char *kind)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    char **lines = g_strsplit(csv, "\n", -1);
    char *prefix = g_strconcat(kind, ",", NULL);
    for (char **l = lines; *l != NULL; l++)
        if (g_str_has_prefix(*l, prefix))
            g_ptr_array_add(rows, g_strdup(*l));
    g_free(prefix);
    g_strfreev(lines);
    g_ptr_array_sort(rows, cmp_strp);
    return rows;
}

/* The bench's data at a small size (tests/bench/gen-data): a register of
 * 22,000 authorities, so that the streaming table's cells are one mapped block,
 * and a grades file over the size that is read in parts on every core, with
 * parts read ahead while the register loads. On every core and on one (taskset),
 * the same output and messages; and the same inspection figures as the table
 * that keeps every row (--as-at: positions need rows). */
START_TEST(test_big_register_split)
{
    char *dir = gb_test_tmpdir("bigreg");
    char *out, *err;
    const char *gen[] = {"sh", GB_TESTS_DIR "/bench/gen-data", "60000", dir, NULL};
    ck_assert_msg(gb_test_run(NULL, gen, &out, &err) == 0, "gen-data: %s", err);
    g_free(out);
    g_free(err);
    char *grades = g_build_filename(dir, "grades", "synthetic.csv", NULL);
    GStatBuf sb;
    ck_assert(g_stat(grades, &sb) == 0);
    ck_assert_msg(sb.st_size > 4 * 1024 * 1024, "%s is %lld bytes: not split", grades,
                  (long long)sb.st_size);
    const char *all[] = {GB_BINARY, "stats", "-d", dir, "-f", "csv", NULL};
    const char *one[] = {"taskset", "-c", "0", GB_BINARY, "stats", "-d", dir, "-f", "csv", NULL};
    const char *rows[] = {GB_BINARY, "stats",   "-d",         dir, "-f",
                          "csv",     "--as-at", "2025-12-31", NULL};
    char *out2, *err2, *out3, *err3;
    ck_assert_msg(gb_test_run(NULL, all, &out, &err) == 0, "stats: %s", err);
    ck_assert_msg(gb_test_run(NULL, one, &out2, &err2) == 0, "stats on one core: %s", err2);
    ck_assert_msg(gb_test_run(NULL, rows, &out3, &err3) == 0, "stats --as-at: %s", err3);
    ck_assert_str_eq(out, out2);
    ck_assert_str_eq(err, err2);
    GPtrArray *a = csv_kind_rows(out, "inspections"), *b = csv_kind_rows(out3, "inspections");
    ck_assert_uint_gt(a->len, 100);
    ck_assert_uint_eq(a->len, b->len);
    for (guint i = 0; i < a->len; i++)
        ck_assert_str_eq(g_ptr_array_index(a, i), g_ptr_array_index(b, i));
    g_ptr_array_free(a, TRUE);
    g_ptr_array_free(b, TRUE);
    g_free(out);
    g_free(err);
    g_free(out2);
    g_free(err2);
    g_free(out3);
    g_free(err3);
    g_free(grades);
    g_free(dir);
}
END_TEST

static Suite *
stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *pure = tcase_create("rounding");
    tcase_add_loop_test(pure, test_whole_percents, 0, G_N_ELEMENTS(rounding));
    tcase_add_loop_test(pure, test_year_earlier, 0, G_N_ELEMENTS(year_earlier));
    tcase_add_loop_test(pure, test_active_years, 0, G_N_ELEMENTS(active_years));
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
    TCase *cli = tcase_create("one-as-at");
    tcase_set_timeout(cli, 120);
    tcase_add_test(cli, test_cli_one_as_at);
    tcase_add_loop_test(cli, test_stats_cli, 0, G_N_ELEMENTS(stats_cli));
    tcase_add_test(cli, test_briefing_and_stats_reconcile_alike);
    tcase_add_test(cli, test_big_register_split);
    suite_add_tcase(s, cli);
    return s;
}

int
main(void)
{
    return gb_test_main(stats_suite());
}
