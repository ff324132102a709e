/* test_tree.c - the figures documents quote (pipeline/summary.c) with
 * hand-computed expectations, and the briefing's document tree (sections,
 * figures, table shapes, findings) from fixed data, without rendering; the
 * pack's tree (summary page per kind of authority, successors' "as NAME"
 * labels, the abolished pack) and the pure functions behind its first page. */
#include "output/briefing.h"
#include "output/html.h"
#include "output/pack.h"
#include "pipeline/load.h"
#include "pipeline/nextinspection.h"
#include "pipeline/packsummary.h"
#include "pipeline/summary.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

/* Four councils, two regimes: APA 2007 and ILACS 2019 and 2023. */
static const char fixture[] =
    "authority,year,regime,judgement,grade,date\n"
    "Leeds,2007,apa,staying_safe,Outstanding,\n"
    "Kent,2007,apa,staying_safe,Good,\n"
    "Hackney,2007,apa,staying_safe,Inadequate,\n"
    "Barnet,2007,apa,staying_safe,Inadequate,\n"
    "Leeds,2019,ilacs,overall_effectiveness,Outstanding,2019-03-01\n"
    "Leeds,2023,ilacs,overall_effectiveness,Good,2023-05-01\n"
    "Kent,2019,ilacs,overall_effectiveness,Requires improvement,2019-06-01\n"
    "Kent,2023,ilacs,overall_effectiveness,Good,2023-06-01\n"
    "Hackney,2019,ilacs,overall_effectiveness,Inadequate,2019-02-01\n";

static GbRef *ref;
static GbLoader *loader;
static GbTable *table;
static GbStats *stats;
static GbMoves *moves;
static GbLatest *latest;
static int apa, ilacs, unannounced, cp2012;

static void
setup(void)
{
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
    ck_assert_int_eq(gb_loader_new(ref, &loader, &d), GB_OK);
    table = gb_table_new(ref);
    char *path = gb_test_file("fixture.csv", fixture, -1);
    ck_assert_int_eq(gb_load_file(loader, table, path, &d), GB_OK);
    g_free(path);
    ck_assert_int_eq(table->rows->len, 9);
    stats = gb_stats_compute(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    moves = gb_stats_moves(table);
    latest = gb_stats_latest(table, "overall_effectiveness", 20250331);
    apa = gb_ref_find_regime(ref, "apa");
    ilacs = gb_ref_find_regime(ref, "ilacs");
    unannounced = gb_ref_find_regime(ref, "unannounced");
    cp2012 = gb_ref_find_regime(ref, "cp2012");
}

static void
teardown(void)
{
    gb_stats_latest_free(latest);
    gb_stats_moves_free(moves);
    gb_stats_free(stats);
    gb_table_free(table);
    gb_loader_free(loader);
    gb_ref_free(ref);
}

static int
authority(const char *name)
{
    GString *scratch = g_string_new(NULL);
    int a = gb_ref_find_authority(ref, name, strlen(name), 0, 20250331, scratch, NULL);
    g_string_free(scratch, TRUE);
    ck_assert_msg(a >= 0, "no authority %s", name);
    return a;
}

static const struct {
    const char *name;
    double count, base, share;
} shares[] = {
    {"a quarter", 1, 4, 25.0},
    {"none of none is 0, not NaN", 0, 0, 0.0},
    {"all", 153, 153, 100.0},
    {"36 of 153", 36, 153, 23.529411764705884},
};

START_TEST(test_share)
{
    ck_assert_msg(fabs(gb_summary_share(shares[_i].count, shares[_i].base) - shares[_i].share) <
                      1e-9,
                  "%s", shares[_i].name);
}
END_TEST

START_TEST(test_counts_and_names)
{
    int j = gb_ref_headline_judgement(ref, apa);
    const GbDistribution *d = gb_summary_distribution(stats, apa, j, 2007);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_null(gb_summary_distribution(stats, apa, j, 2006));
    guint common[GB_COMMON_LEVELS];
    gb_summary_common_counts(ref, d, common);
    const guint want[] = {1, 1, 0, 2};
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        ck_assert_uint_eq(common[k], want[k]);
    GPtrArray *names = gb_summary_names_at_level(table, j, 2007, 3);
    ck_assert_uint_eq(names->len, 2);
    ck_assert_str_eq(g_ptr_array_index(names, 0), "Barnet");
    ck_assert_str_eq(g_ptr_array_index(names, 1), "Hackney");
    g_ptr_array_free(names, TRUE);
    /* Worst first: the two inadequate, then good, then outstanding. */
    GPtrArray *rows = gb_summary_rows_worst_first(table, apa);
    ck_assert_uint_eq(rows->len, 4);
    const int grades[] = {3, 3, 1, 0};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(((const GbRow *)g_ptr_array_index(rows, i))->grade, grades[i]);
    g_ptr_array_free(rows, TRUE);
}
END_TEST

/* Published distributions of the bundled headlines.csv. */
static const struct {
    const char *name, *regime;
    int year, base;
    gboolean complete;
    guint count[4];
    guint want_base;
} published[] = {
    {"2012 framework, the 50 re-inspected", "cp2012", 2013, -1, TRUE, {0, 4, 29, 17}, 50},
    {"2012 framework, base 152 has one grade only", "cp2012", 2013, 152, FALSE, {0}, 0},
    {"unannounced 2009: both outcomes of 18", "unannounced", 2009, 18, TRUE, {9, 9}, 18},
    {"unannounced 2009, first base: the 9 spot checks, no other outcome of 9",
     "unannounced",
     2009,
     -1,
     FALSE,
     {0},
     0},
    {"APA 2007: shares, not counts", "apa", 2007, -1, FALSE, {0}, 0},
    {"no figures that year", "apa", 2005, -1, FALSE, {0}, 0},
};

START_TEST(test_published_counts)
{
    int r = gb_ref_find_regime(ref, published[_i].regime);
    guint count[GB_MAX_GRADES], base = 0;
    gboolean ok = gb_summary_published_counts(ref, stats, published[_i].year, r,
                                              gb_ref_headline_judgement(ref, r), published[_i].base,
                                              count, &base);
    ck_assert_msg(ok == published[_i].complete, "%s", published[_i].name);
    if (!ok)
        return;
    ck_assert_uint_eq(base, published[_i].want_base);
    for (guint g = 0; g < gb_ref_regime(ref, r)->grades->len; g++)
        ck_assert_msg(count[g] == published[_i].count[g], "%s: grade %u is %u", published[_i].name,
                      g, count[g]);
}
END_TEST

START_TEST(test_published_figures)
{
    /* The press's APA change, and the good-or-better change beside it. */
    const GbChange *o = NULL;
    for (guint i = 0; i < stats->changes->len; i++) {
        const GbChange *c = &g_array_index(stats->changes, GbChange, i);
        if (c->from.series == GB_SERIES_PUBLISHED && c->from.regime == apa &&
            strcmp(c->from.measure, "outstanding") == 0)
            o = c;
    }
    ck_assert_ptr_nonnull(o);
    const GbChange *gob = gb_summary_change_partner(stats, o, "good_or_better");
    ck_assert_ptr_nonnull(gob);
    ck_assert_double_eq_tol(gob->from.percent, 73, 1e-9);
    ck_assert_double_eq_tol(gob->to.percent, 70, 1e-9);
    ck_assert_ptr_null(gb_summary_change_partner(stats, o, "no_such_measure"));
    /* The first spot checks: 6 of 9. */
    const GbMeasure *early = gb_summary_smallest_published(stats, unannounced, "priority_action");
    ck_assert_ptr_nonnull(early);
    ck_assert_int_eq(early->count, 6);
    ck_assert_int_eq(early->base, 9);
    ck_assert_ptr_nonnull(gb_summary_published(stats, 2007, apa, "inspected", -1));
    ck_assert_ptr_null(gb_summary_published(stats, 2007, apa, "inspected", 99));
    /* Ofsted's position as at 31 March 2025: 36, 67, 31, 19 of 153. */
    int count[GB_COMMON_LEVELS], base;
    ck_assert(gb_summary_published_latest(ref, 2025, count, &base));
    ck_assert_int_eq(base, 153);
    const int want[] = {36, 67, 31, 19};
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        ck_assert_int_eq(count[k], want[k]);
    ck_assert(!gb_summary_latest_matches(latest, count, base));
    GbLatest same = {.authorities = 153, .count = {36, 67, 31, 19}};
    ck_assert(gb_summary_latest_matches(&same, count, base));
    ck_assert(!gb_summary_published_latest(ref, 2024, count, &base));
    /* Referrals 538,000 (2008) to 605,100 (2012): 12.47% more. */
    const GbHeadline *a, *z;
    double pct;
    ck_assert(gb_summary_context_change(ref, "referrals", &a, &z, &pct));
    ck_assert_int_eq(a->year, 2008);
    ck_assert_int_eq(z->year, 2012);
    ck_assert_double_eq_tol(pct, 100.0 * (605100 - 538000) / 538000, 1e-9);
    ck_assert(!gb_summary_context_change(ref, "no_such_series", &a, &z, &pct));
}
END_TEST

START_TEST(test_regimes_and_years)
{
    ck_assert_int_eq(gb_summary_current_regime(ref), ilacs);
    GArray *with = gb_summary_regimes_with_rows(table);
    ck_assert_uint_eq(with->len, 2);
    ck_assert_int_eq(g_array_index(with, int, 0), apa);
    ck_assert_int_eq(g_array_index(with, int, 1), ilacs);
    g_array_free(with, TRUE);
    int j = gb_ref_headline_judgement(ref, ilacs);
    const GbDistribution *first, *last;
    gb_summary_full_years(stats, ilacs, j, 2018, 2025, 2, &first, &last);
    ck_assert_int_eq(first->year, 2019); /* 3 inspections */
    ck_assert_int_eq(last->year, 2023);  /* 2 */
    gb_summary_full_years(stats, ilacs, j, 2018, 2025, 3, &first, &last);
    ck_assert(first == last && first->year == 2019);
    gb_summary_full_years(stats, ilacs, j, 2018, 2025, 4, &first, &last);
    ck_assert_ptr_null(first);
    ck_assert_str_eq(gb_summary_level_label(ref, ilacs, 2), "Requires improvement");
    ck_assert_str_eq(gb_summary_level_label(ref, apa, 2), "Adequate");
    ck_assert_ptr_null(gb_summary_level_label(ref, apa, -1));
    /* No grade of the unannounced scale is on the common scale: its labels. */
    ck_assert_str_eq(gb_summary_level_label(ref, unannounced, 0), ref->common_labels[0]);
    (void)cp2012;
}
END_TEST

/* One step up (Kent 2019 -> 2023), two down (Kent 2007 -> 2019, Leeds 2019 -> 2023). */
START_TEST(test_moves_and_history)
{
    int up, down;
    gb_summary_moves_up_down(moves, &up, &down);
    ck_assert_int_eq(up, 1);
    ck_assert_int_eq(down, 2);
    int leeds = authority("Leeds");
    int j = gb_ref_headline_judgement(ref, ilacs);
    GArray *dates = gb_summary_inspection_dates(table, leeds, j);
    ck_assert_uint_eq(dates->len, 2);
    ck_assert_uint_eq(g_array_index(dates, guint32, 0), 20190301);
    ck_assert_uint_eq(g_array_index(dates, guint32, 1), 20230501);
    g_array_free(dates, TRUE);
    ck_assert_int_eq(gb_summary_grade_on(table, leeds, j, 20230501), 1);
    ck_assert_int_eq(gb_summary_grade_on(table, leeds, j, 20200101), -1);
    GArray *hist = gb_stats_history(table, leeds);
    const GbEvent *before, *last;
    gb_summary_last_two(hist, ilacs, &before, &last);
    ck_assert_int_eq(before->year, 2019);
    ck_assert_int_eq(last->year, 2023);
    gb_summary_last_two(hist, apa, &before, &last);
    ck_assert_ptr_null(before);
    ck_assert_int_eq(last->year, 2007);
    g_array_free(hist, TRUE);
    ck_assert_int_eq(gb_summary_direction(2, 1), 1);
    ck_assert_int_eq(gb_summary_direction(1, 2), -1);
    ck_assert_int_eq(gb_summary_direction(1, 1), 0);
    const int c[] = {3, 4, 5, 6};
    ck_assert_int_eq(gb_summary_good_or_better(c), 7);
    const GbAuthority *au = gb_ref_authority(ref, leeds);
    int n = gb_summary_neighbour_count(au);
    ck_assert_int_gt(n, 0);
    ck_assert_int_le(n, (int)G_N_ELEMENTS(au->neighbours));
    ck_assert(gb_summary_is_neighbour(au, au->neighbours[0]));
    ck_assert(!gb_summary_is_neighbour(au, leeds));
    /* Cumbria was split in 2023: its successors name it as a predecessor. */
    int wc = authority("Westmorland and Furness");
    GArray *pred = gb_summary_predecessors(ref, wc);
    ck_assert_uint_ge(pred->len, 1);
    g_array_free(pred, TRUE);
}
END_TEST

/* ---- the tree ------------------------------------------------------------- */

static GbBriefing *
briefing(GbConfig *c, char **error)
{
    GbBriefingInput in = {.table = table,
                          .stats = stats,
                          .moves = moves,
                          .latest = latest,
                          .config = c,
                          .date = "2025-03-31"};
    return gb_briefing_new(&in, error);
}

static const GbTreeBlock *
block(const GbTreeSection *s, GbTreeBlockKind kind, int nth)
{
    for (guint i = 0; i < s->blocks->len; i++) {
        const GbTreeBlock *b = g_ptr_array_index(s->blocks, i);
        if (b->kind == kind && nth-- == 0)
            return b;
    }
    return NULL;
}

START_TEST(test_briefing_tree)
{
    GbConfig *c = gb_config_new();
    char *err = NULL;
    GbBriefing *b = briefing(c, &err);
    ck_assert_msg(b != NULL, "%s", err);
    const GbTree *t = gb_briefing_tree(b);
    ck_assert(t->cover);
    ck_assert_uint_eq(t->sections->len, c->sections->len);
    for (guint i = 0; i < t->sections->len; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        ck_assert_str_eq(s->id, g_ptr_array_index(c->sections, i));
        ck_assert_int_eq(s->number, (int)i + 1);
        ck_assert_uint_gt(s->blocks->len, 0);
    }
    /* Four figures, numbered in order, each with its alt text and a data table:
     * no position of the fixture's four authorities covers half of England,
     * so the trend of positions and the dumbbell of positions (the headline
     * changes) are left out and their sections say so. */
    int figures = 0;
    for (guint i = 0; i < t->sections->len; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        for (int k = 0; block(s, GB_BLOCK_FIGURE, k) != NULL; k++) {
            const GbTreeBlock *f = block(s, GB_BLOCK_FIGURE, k);
            ck_assert_int_eq(f->number, ++figures);
            ck_assert(f->alt != NULL && strlen(f->alt) > 40);
            /* The map's data is its key, a table of its own right after it
             * (so the PDF shows it too). */
            const GbTreeTable *data = f->table;
            if (data == NULL && strcmp(gb_chart_name(f->chart), "map") == 0) {
                guint at = 0;
                while (g_ptr_array_index(s->blocks, at) != f)
                    at++;
                ck_assert_uint_lt(at + 1, s->blocks->len);
                const GbTreeBlock *next = g_ptr_array_index(s->blocks, at + 1);
                ck_assert_int_eq(next->kind, GB_BLOCK_TABLE);
                data = next->table;
                ck_assert_str_eq(data->id, "map-key");
                ck_assert(data->row_headers);
            }
            ck_assert_ptr_nonnull(data);
            ck_assert_int_gt(gb_tree_table_rows(data), 0);
        }
    }
    ck_assert_int_eq(figures, 4);
    ck_assert_uint_eq(t->charts->len, 4);
    const GbTreeSection *changes = gb_tree_find_section(t, "changes");
    ck_assert_ptr_null(block(changes, GB_BLOCK_FIGURE, 0));
    char *changes_text = gb_tree_paragraph_text(block(changes, GB_BLOCK_PARAGRAPH, 0));
    ck_assert_str_eq(changes_text, "The data has no earlier position to compare today's with.");
    g_free(changes_text);
    /* Flows only as the secondary, labelled table of published changes. */
    const GbTreeTable *pub = block(changes, GB_BLOCK_TABLE, 0)->table;
    ck_assert_str_eq(pub->id, "published-changes");
    ck_assert_int_eq(gb_tree_table_rows(pub), 2);
    const GbTreeBlock *none = block(gb_tree_find_section(t, "inadequate"), GB_BLOCK_PARAGRAPH, 1);
    ck_assert_ptr_nonnull(none);
    char *none_text = gb_tree_paragraph_text(none);
    ck_assert_ptr_nonnull(strstr(none_text, "no position is shown"));
    g_free(none_text);
    /* The authorities table: name, region, APA, ILACS earlier and latest (only
     * the regimes with rows), a row per authority, names as row headers. */
    const GbTreeTable *a = block(gb_tree_find_section(t, "authorities"), GB_BLOCK_TABLE, 0)->table;
    ck_assert_int_eq(a->ncols, 5);
    ck_assert(a->row_headers);
    ck_assert_int_eq(gb_tree_table_rows(a), (int)ref->authorities->len);
    ck_assert_str_eq(gb_tree_table_cell(a, -1, 2)->text, "APA");
    ck_assert_str_eq(gb_tree_table_cell(a, -1, 3)->text, "ILACS earlier");
    ck_assert_str_eq(gb_tree_table_cell(a, -1, 4)->text, "ILACS latest");
    double sum = 0;
    for (int k = 0; k < a->ncols; k++)
        sum += a->widths[k];
    ck_assert_double_eq_tol(sum, 1.0, 1e-9);
    /* Dates for people (issue 15): the judgement's date written out, the year
     * alone where the source gives no date; authorities with the dates they
     * existed. */
    int leeds = 0, spans = 0;
    for (int r = 0; r < gb_tree_table_rows(a); r++) {
        const char *name = gb_tree_table_cell(a, r, 0)->text;
        spans += strcmp(name, "Bedfordshire (until 31 March 2009)") == 0 ||
                 strcmp(name, "Bedford (from 1 April 2009)") == 0;
        if (strcmp(name, "Leeds") == 0) {
            leeds++;
            ck_assert_str_eq(gb_tree_table_cell(a, r, 2)->text, "Outstanding, 2007");
            ck_assert_int_eq(gb_tree_table_cell(a, r, 2)->level, 0);
            ck_assert_str_eq(gb_tree_table_cell(a, r, 3)->text, "Outstanding, 1 March 2019");
            ck_assert_str_eq(gb_tree_table_cell(a, r, 4)->text, "Good, 1 May 2023");
            ck_assert_int_eq(gb_tree_table_cell(a, r, 4)->level, 1);
        }
    }
    ck_assert_int_eq(leeds, 1);
    ck_assert_int_eq(spans, 2);
    /* Three regime columns fit one table. */
    ck_assert_ptr_null(block(gb_tree_find_section(t, "authorities"), GB_BLOCK_TABLE, 1));
    /* The movers, like with like: within overall effectiveness (ILACS to
     * ILACS) only, so APA staying safe -> ILACS is no move: Kent up one
     * grade first, then Leeds down one; Hackney has one judgement. */
    const GbTreeTable *m = block(gb_tree_find_section(t, "movers"), GB_BLOCK_TABLE, 0)->table;
    ck_assert_int_eq(gb_tree_table_rows(m), 2);
    ck_assert_str_eq(gb_tree_table_cell(m, 0, 0)->text, "Kent");
    ck_assert_str_eq(gb_tree_table_cell(m, 0, 3)->text, "up 1");
    ck_assert_str_eq(gb_tree_table_cell(m, 0, 1)->text, "ILACS Requires improvement, 1 June 2019");
    ck_assert_str_eq(gb_tree_table_cell(m, 1, 0)->text, "Leeds");
    ck_assert_str_eq(gb_tree_table_cell(m, 1, 3)->text, "down 1");
    /* The findings, worded from the data. */
    const GbTreeBlock *f = block(gb_tree_find_section(t, "findings"), GB_BLOCK_LIST, 0);
    GString *all = g_string_new(NULL);
    for (guint i = 0; i < f->items->len; i++)
        g_string_append_printf(all, "%s\n", (char *)g_ptr_array_index(f->items, i));
    const char *want[] = {
        "which lists all 4 councils, 2 of 4 (50.0%) were judged inadequate for staying safe: "
        "Barnet and Hackney.",
        "17 were judged inadequate, 29 adequate, 4 good and none outstanding (as published)",
        /* Today's position opens the findings, with its base. */
        "As at 31 March 2025, of the 153 authorities in England, 0 of 3 (0.0%) were judged "
        "outstanding for overall effectiveness",
        "each authority once, 1 of 2 moves were up (0 by two or more grades), 1 down",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(all->str, want[i]) != NULL, "no finding '%s' in:\n%s", want[i],
                      all->str);
    /* Years of fewer than 20 inspections are not compared. */
    ck_assert_ptr_null(strstr(all->str, "ILACS inspections made in"));
    g_string_free(all, TRUE);
    gb_briefing_free(b);
    gb_config_free(c);
}
END_TEST

START_TEST(test_sections_registry)
{
    const char *const *ids = gb_briefing_section_ids();
    int n = 0;
    for (; ids[n] != NULL; n++)
        ck_assert(gb_briefing_has_section(ids[n]));
    ck_assert_int_eq(n, 10);
    ck_assert(!gb_briefing_has_section("nosuch"));
    ck_assert(!gb_briefing_has_section(NULL));
    /* Two sections, in the order given. */
    GbConfig *c = gb_config_new();
    g_ptr_array_set_size(c->sections, 0);
    g_ptr_array_add(c->sections, g_strdup("movers"));
    g_ptr_array_add(c->sections, g_strdup("findings"));
    char *err = NULL;
    GbBriefing *b = briefing(c, &err);
    ck_assert_ptr_nonnull(b);
    const GbTree *t = gb_briefing_tree(b);
    ck_assert_uint_eq(t->sections->len, 2);
    ck_assert_str_eq(((GbTreeSection *)g_ptr_array_index(t->sections, 0))->id, "movers");
    ck_assert_uint_eq(t->charts->len, 1);
    gb_briefing_free(b);
    /* An unknown one is an error, not a crash. */
    g_ptr_array_add(c->sections, g_strdup("nosuch"));
    ck_assert_ptr_null(briefing(c, &err));
    ck_assert_ptr_nonnull(strstr(err, "unknown section 'nosuch'"));
    g_free(err);
    gb_config_free(c);
}
END_TEST

/* The HTML of a small tree, without charts: well-formed and complete. */
START_TEST(test_html_of_tree)
{
    GbTree *t = gb_tree_new("T & <b>", NULL, "en-GB");
    GbTreeSection *s = gb_tree_section(t, "one", "One");
    gb_tree_heading(s, "Sub");
    GbTreeBlock *p = gb_tree_paragraph(s, "See ");
    gb_tree_run(p, GB_RUN_LINK, "two", "#s-two");
    static const char *const h[] = {"Name", "Grade", NULL};
    GbTreeTable *tb = gb_tree_table_new("names", "Names \"quoted\"", h, NULL, TRUE);
    gb_tree_cell(tb, "Leeds", -1);
    gb_tree_cell(tb, "Good", 1);
    gb_tree_add_table(s, tb);
    gb_tree_section(t, "two", "Two");
    GByteArray *html = gb_html_render(t, NULL);
    char *text = g_strndup((const char *)html->data, html->len);
    const char *want[] = {
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en-GB\" xml:lang=\"en-GB\">",
        "<title>T &amp; &lt;b&gt;</title>",
        "<a class=\"skip\" href=\"#main\">",
        "<li><a href=\"#s-one\">One</a></li>",
        "<h2 id=\"h-one\">1. One</h2>",
        "<h3>Sub</h3>",
        "<p>See <a href=\"#s-two\">two</a></p>",
        "<caption id=\"t-names-cap\">Names &quot;quoted&quot;</caption>",
        "<th scope=\"col\">Name</th>",
        "<th scope=\"row\">Leeds</th><td class=\"g1\">Good</td>",
        "tabindex=\"0\" aria-labelledby=\"t-names-cap\"",
        "@media print{@page{size:A4",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(text, want[i]) != NULL, "no '%s' in the HTML", want[i]);
    ck_assert_ptr_null(strstr(text, "<script"));
    g_free(text);
    g_byte_array_unref(html);
    gb_tree_free(t);
}
END_TEST

/* An SVG as cairo writes it gets a title, a description and stable ids. */
START_TEST(test_svg_file)
{
    const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                       "width=\"10pt\" height=\"5pt\" viewBox=\"0 0 10 5\">\n<g id=\"surface57\">"
                       "<use href=\"#surface57\"/></g><g id=\"surface90\"/></svg>\n";
    GByteArray in = {.data = (guint8 *)svg, .len = sizeof svg - 1};
    GByteArray *out = gb_html_svg_file(&in, "A & B", "Bars <of> grades");
    char *text = g_strndup((const char *)out->data, out->len);
    ck_assert_ptr_nonnull(strstr(text, "role=\"img\" aria-labelledby=\"title desc\">\n<title "
                                       "id=\"title\">A &amp; B</title>\n<desc id=\"desc\">Bars "
                                       "&lt;of&gt; grades</desc>"));
    ck_assert_ptr_nonnull(strstr(text, "id=\"surface1\"><use href=\"#surface1\"/>"));
    ck_assert_ptr_nonnull(strstr(text, "id=\"surface2\""));
    ck_assert_ptr_null(strstr(text, "surface57"));
    g_free(text);
    g_byte_array_unref(out);
}
END_TEST

/* ---- The packs' first page: pure functions ---- */

static const struct {
    const char *name;
    guint32 from;
    int months;
    guint32 want;
} add_months[] = {
    {"three years", 20240610, 36, 20270610},
    {"30 months crosses a year", 20231005, 30, 20260405},
    {"31 August + 6 is 28 February", 20250831, 6, 20260228},
    {"31 August + 6 in a leap year", 20230831, 6, 20240229},
    {"backwards", 20240315, -3, 20231215},
};

START_TEST(test_add_months)
{
    ck_assert_msg(gb_next_add_months(add_months[_i].from, add_months[_i].months) ==
                      add_months[_i].want,
                  "%s: %u", add_months[_i].name,
                  gb_next_add_months(add_months[_i].from, add_months[_i].months));
}
END_TEST

static const struct {
    const char *name, *csv;
    GbStatus want;
    const char *message;
} rule_files[] = {
    {"good",
     "regime,grade,next,months_from,months_to,rule,source\n"
     "ilacs,good,short,30,42,a rule,a source\nilacs,inadequate,standard,,,r,s\n",
     GB_OK, NULL},
    {"unknown kind",
     "regime,grade,next,months_from,months_to,rule,source\n"
     "ilacs,good,focused,30,42,r,s\n",
     GB_DATA, "expected short or standard"},
    {"reversed window",
     "regime,grade,next,months_from,months_to,rule,source\n"
     "ilacs,good,short,42,30,r,s\n",
     GB_DATA, "not before it"},
    {"half a window",
     "regime,grade,next,months_from,months_to,rule,source\n"
     "ilacs,good,short,30,,r,s\n",
     GB_DATA, "months_to must be empty"},
    {"a grade twice",
     "regime,grade,next,months_from,months_to,rule,source\n"
     "ilacs,good,short,30,42,r,s\nilacs,good,short,30,42,r,s\n",
     GB_DATA, "has a rule already"},
    {"two regimes",
     "regime,grade,next,months_from,months_to,rule,source\n"
     "ilacs,good,short,30,42,r,s\nsif,good,short,30,42,r,s\n",
     GB_DATA, "one regime"},
    {"no source",
     "regime,grade,next,months_from,months_to,rule,source\n"
     "ilacs,good,short,30,42,r,\n",
     GB_DATA, "its source"},
    {"not a number",
     "regime,grade,next,months_from,months_to,rule,source\n"
     "ilacs,good,short,thirty,42,r,s\n",
     GB_DATA, "months_from 'thirty'"},
};

START_TEST(test_next_rules)
{
    char *name = g_strdup_printf("rules-%d.csv", _i);
    char *path = gb_test_file(name, rule_files[_i].csv, -1);
    GbNextRules *r = NULL;
    GbDiag d = {0};
    GbStatus st = gb_next_rules_load(path, &r, &d);
    ck_assert_msg(st == rule_files[_i].want, "%s: %d %s", rule_files[_i].name, st,
                  d.message ? d.message : "");
    if (rule_files[_i].message != NULL) {
        ck_assert_ptr_null(r);
        ck_assert_msg(d.message && strstr(d.message, rule_files[_i].message), "%s: '%s'",
                      rule_files[_i].name, d.message ? d.message : "");
        ck_assert_int_eq(d.line, 2 + (strstr(rule_files[_i].name, "twice") ||
                                      strstr(rule_files[_i].name, "two")));
    } else {
        GbNextEstimate e;
        ck_assert(gb_next_estimate(r, "good", 20240610, 20250331, &e));
        ck_assert_uint_eq(e.from, 20261210);
        ck_assert_uint_eq(e.to, 20271210);
        ck_assert(!e.passed);
        ck_assert(gb_next_estimate(r, "good", 20200101, 20250331, &e));
        ck_assert(e.passed);
        ck_assert(gb_next_estimate(r, "inadequate", 20240610, 20250331, &e));
        ck_assert_uint_eq(e.from, 0);
        ck_assert_str_eq(e.rule->next, "standard");
        ck_assert(!gb_next_estimate(r, "outstanding", 20240610, 20250331, &e));
        ck_assert_ptr_null(e.rule);
    }
    gb_next_rules_free(r);
    gb_diag_clear(&d);
    g_free(path);
    g_free(name);
}
END_TEST

START_TEST(test_next_rules_bundled)
{
    /* The bundled table: every ILACS grade has its rule, with a source. */
    char *path = g_build_filename(GB_DATADIR, "ilacs-next.csv", NULL);
    GbNextRules *r = NULL;
    GbDiag d = {0};
    ck_assert_int_eq(gb_next_rules_load(path, &r, &d), GB_OK);
    const char *grades[] = {"outstanding", "good", "requires_improvement", "inadequate"};
    for (gsize i = 0; i < G_N_ELEMENTS(grades); i++) {
        const GbNextRule *x = gb_next_rule(r, grades[i]);
        ck_assert_msg(x != NULL, "no rule for %s", grades[i]);
        ck_assert_ptr_nonnull(strstr(x->source, "ILACS framework"));
        GString *scratch = g_string_new(NULL);
        ck_assert_int_ge(gb_ref_find_grade(ref, ilacs, grades[i], strlen(grades[i]), scratch), 0);
        g_string_free(scratch, TRUE);
    }
    ck_assert_str_eq(gb_next_rule(r, "good")->next, "short");
    ck_assert_str_eq(gb_next_rule(r, "requires_improvement")->next, "standard");
    gb_next_rules_free(r);
    g_free(path);
    char *missing = g_build_filename(GB_DATADIR, "no-such-rules.csv", NULL);
    ck_assert_int_eq(gb_next_rules_load(missing, &r, &d), GB_NOINPUT);
    gb_diag_clear(&d);
    g_free(missing);
}
END_TEST

START_TEST(test_pack_dates)
{
    GArray *d = gb_packsummary_dates(2018, 20250331);
    ck_assert_uint_eq(d->len, 8);
    ck_assert_uint_eq(g_array_index(d, guint32, 0), 20180331);
    ck_assert_uint_eq(g_array_index(d, guint32, 7), 20250331);
    g_array_free(d, TRUE);
    d = gb_packsummary_dates(2018, 20250930); /* not a 31 March: it ends the series */
    ck_assert_uint_eq(d->len, 9);
    ck_assert_uint_eq(g_array_index(d, guint32, 8), 20250930);
    g_array_free(d, TRUE);
    d = gb_packsummary_dates(2018, 20180330);
    ck_assert_uint_eq(d->len, 1);
    g_array_free(d, TRUE);
}
END_TEST

/* ---- The pack's tree ---- */

/* Leeds outstanding then good; Bradford inadequate; Northamptonshire's
 * inspection before it split, North Northamptonshire's own; Cumbria's before
 * it split, Westmorland and Furness's own. */
static const char pack_fixture[] =
    "authority,year,regime,judgement,grade,date\n"
    "Leeds,2019,ilacs,overall_effectiveness,Outstanding,2019-03-01\n"
    "Leeds,2019,ilacs,leaders,Outstanding,2019-03-01\n"
    "Leeds,2023,ilacs,overall_effectiveness,Good,2023-05-01\n"
    "Leeds,2023,ilacs,leaders,Outstanding,2023-05-01\n"
    "Bradford,2022,ilacs,overall_effectiveness,Inadequate,2022-11-21\n"
    "Bradford,2014,sif,care_leavers,Good,2014-05-23\n"
    "Northamptonshire,2019,ilacs,overall_effectiveness,Inadequate,2019-10-07\n"
    "Northamptonshire,2019,ilacs,leaders,Inadequate,2019-10-07\n"
    "North Northamptonshire,2022,ilacs,overall_effectiveness,Requires improvement,2022-10-03\n"
    "North Northamptonshire,2022,ilacs,leaders,Good,2022-10-03\n"
    "Cumbria,2022,ilacs,overall_effectiveness,Requires improvement,2022-09-20\n"
    "Westmorland and Furness,2024,apa,staying_safe,Good,\n";

typedef struct {
    GbTable *table;
    GbPackInput in;
    GPtrArray *standings;
    GbMovers *movers;
    GbNextRules *next;
    GbConfig *config;
} GbPackFixture;

static GbPackFixture pf;

static void
pack_setup(void)
{
    setup();
    GbDiag d = {0};
    pf.table = gb_table_new(ref);
    char *path = gb_test_file("packs.csv", pack_fixture, -1);
    ck_assert_int_eq(gb_load_file(loader, pf.table, path, &d), GB_OK);
    g_free(path);
    ck_assert(gb_pack_input_init(&pf.in, pf.table));
    for (int j = 0; j < pf.in.njudgements; j++)
        pf.in.latest[j] =
            gb_stats_latest(pf.table, gb_ref_judgement(ref, pf.in.judgements[j])->id, 20250331);
    pf.in.family = gb_ref_find_family(ref, "overall_effectiveness");
    GArray *dates = gb_packsummary_dates(2018, 20250331);
    pf.in.standings = pf.standings = gb_packsummary_standings(pf.table, pf.in.family, dates);
    g_array_free(dates, TRUE);
    pf.in.movers = pf.movers = gb_position_movers(pf.table, GB_MOVERS_FAMILY, 20250331);
    char *rules = g_build_filename(GB_DATADIR, "ilacs-next.csv", NULL);
    ck_assert_int_eq(gb_next_rules_load(rules, &pf.next, &d), GB_OK);
    g_free(rules);
    pf.in.next = pf.next;
    pf.in.config = pf.config = gb_config_new();
}

static void
pack_teardown(void)
{
    for (int j = 0; j < pf.in.njudgements; j++)
        gb_stats_latest_free((GbLatest *)pf.in.latest[j]);
    gb_pack_input_clear(&pf.in);
    g_ptr_array_free(pf.standings, TRUE);
    gb_position_movers_free(pf.movers);
    gb_next_rules_free(pf.next);
    gb_config_free(pf.config);
    gb_table_free(pf.table);
    teardown();
}

/* The text of every cell and paragraph of section s, one per line. */
static char *
section_text(const GbTreeSection *s)
{
    GString *all = g_string_new(NULL);
    for (guint i = 0; s != NULL && i < s->blocks->len; i++) {
        const GbTreeBlock *b = g_ptr_array_index(s->blocks, i);
        if (b->kind == GB_BLOCK_PARAGRAPH) {
            char *t = gb_tree_paragraph_text(b);
            g_string_append_printf(all, "%s\n", t);
            g_free(t);
        }
        const GbTreeTable *t = b->table;
        for (int r = -1; t != NULL && r < gb_tree_table_rows(t); r++)
            for (int c = 0; c < t->ncols; c++)
                g_string_append_printf(all, "%s\n", gb_tree_table_cell(t, r, c)->text);
        if (b->kind == GB_BLOCK_FIGURE)
            g_string_append_printf(all, "%s\n", b->alt);
    }
    return g_string_free(all, FALSE);
}

static const struct {
    const char *name, *authority;
    const char *sections; /* section ids, in order */
    const char *subtitle;
    const char *summary[4]; /* in the summary (or abolished) section */
    const char *history[3]; /* in the history section */
    const char *changes[2]; /* in the changes section */
    const char *absent;     /* nowhere in the summary */
} packs[] = {
    {"outstanding then good",
     "Leeds",
     "summary history stands peers changes sources",
     "data as at 31 March 2025",
     {"Summary", "1 May 2023", "Short inspection between November 2025 and November 2026",
      "None since 1 May 2023"},
     {"1 March 2019", NULL},
     {"Previous (1 March 2019)", "down"},
     "as Northamptonshire"},
    {"inadequate",
     "Bradford",
     "summary history stands peers changes sources",
     "data as at 31 March 2025",
     {"Inadequate", "no set window", "monitoring visits", "Bradford, outlined, is Inadequate"},
     {NULL},
     {"nothing to compare yet", NULL},
     "short inspection"},
    {"successor",
     "North Northamptonshire",
     "summary history stands peers changes sources",
     "data as at 31 March 2025",
     {"Standard inspection between April 2025 and April 2026", "Requires improvement",
      "Inadequate (as Northamptonshire)", "3 October 2022"},
     {"formed on 1 April 2021 from Northamptonshire", "7 October 2019 (as Northamptonshire)", NULL},
     {"Previous (7 October 2019, as Northamptonshire)", "up"},
     "did not exist"},
    {"successor with no inspection of its regime",
     "Westmorland and Furness",
     "summary history stands peers changes sources",
     "data as at 31 March 2025",
     {"Requires improvement", "ILACS, as Cumbria", "No estimate", NULL},
     {"20 September 2022 (as Cumbria)", NULL},
     {"no inspection under the current framework", NULL},
     NULL},
    {"abolished",
     "Cumbria",
     "abolished history sources",
     "abolished on 1 April 2023",
     {"ceased to exist on 1 April 2023", "Cumberland: children's services inspections",
      "Westmorland and Furness: children's services inspections", NULL},
     {"20 September 2022", NULL},
     {NULL},
     "0 of 0"},
};

START_TEST(test_pack_tree)
{
    int a = authority(packs[_i].authority);
    GbTree *t = gb_pack_tree(&pf.in, a);
    GString *ids = g_string_new(NULL);
    for (guint i = 0; i < t->sections->len; i++)
        g_string_append_printf(ids, "%s%s", i ? " " : "",
                               ((GbTreeSection *)g_ptr_array_index(t->sections, i))->id);
    ck_assert_str_eq(ids->str, packs[_i].sections);
    g_string_free(ids, TRUE);
    ck_assert_msg(strstr(t->subtitle, packs[_i].subtitle), "%s: subtitle %s", packs[_i].name,
                  t->subtitle);
    const GbTreeSection *first = g_ptr_array_index(t->sections, 0);
    char *text = section_text(first);
    for (int k = 0; k < 4 && packs[_i].summary[k]; k++)
        ck_assert_msg(strstr(text, packs[_i].summary[k]) ||
                          strstr(first->title, packs[_i].summary[k]),
                      "%s: summary lacks '%s':\n%s", packs[_i].name, packs[_i].summary[k], text);
    if (packs[_i].absent != NULL)
        ck_assert_msg(strstr(text, packs[_i].absent) == NULL, "%s: summary has '%s'",
                      packs[_i].name, packs[_i].absent);
    g_free(text);
    text = section_text(gb_tree_find_section(t, "history"));
    for (int k = 0; k < 3 && packs[_i].history[k]; k++)
        ck_assert_msg(strstr(text, packs[_i].history[k]), "%s: history lacks '%s':\n%s",
                      packs[_i].name, packs[_i].history[k], text);
    g_free(text);
    text = section_text(gb_tree_find_section(t, "changes"));
    for (int k = 0; k < 2 && packs[_i].changes[k]; k++)
        ck_assert_msg(strstr(text, packs[_i].changes[k]), "%s: changes lack '%s':\n%s",
                      packs[_i].name, packs[_i].changes[k], text);
    g_free(text);
    if (strcmp(first->id, "summary") == 0) {
        /* One page: the position series, the map beside it (which may be
         * drawn smaller to stay on the page), the timeline under the series. */
        ck_assert(first->page_after);
        const GbTreeBlock *pos = block(first, GB_BLOCK_FIGURE, 0);
        const GbTreeBlock *map = block(first, GB_BLOCK_FIGURE, 1);
        const GbTreeBlock *tl = block(first, GB_BLOCK_FIGURE, 2);
        ck_assert_str_eq(gb_chart_name(pos->chart), "position");
        ck_assert_str_eq(gb_chart_name(map->chart), "map");
        ck_assert_str_eq(gb_chart_name(tl->chart), "timeline");
        ck_assert(map->beside && !pos->beside && !pos->under);
        ck_assert(tl->under && !tl->beside && tl->width == pos->width);
        ck_assert(map->shrink && !pos->shrink && !tl->shrink);
        ck_assert(pos->width + map->width < 1.0);
        ck_assert_ptr_nonnull(strstr(map->alt, "outlined"));
        ck_assert_ptr_nonnull(pos->table);
        ck_assert_int_eq(gb_tree_table_rows(pos->table), 8); /* 31 March 2018 .. 2025 */
    } else {
        /* Abolished: links to its successors' packs, the HTML's and the PDF's. */
        int links = 0;
        for (guint i = 0; i < first->blocks->len; i++) {
            const GbTreeBlock *b = g_ptr_array_index(first->blocks, i);
            if (b->kind != GB_BLOCK_PARAGRAPH || b->runs->len != 1)
                continue;
            const GbTreeRun *r = &g_array_index(b->runs, GbTreeRun, 0);
            if (r->kind != GB_RUN_LINK)
                continue;
            ck_assert_str_eq(r->href,
                             links == 0 ? "cumberland.html" : "westmorland-and-furness.html");
            ck_assert_str_eq(r->print_href,
                             links == 0 ? "cumberland.pdf" : "westmorland-and-furness.pdf");
            links++;
        }
        ck_assert_int_eq(links, 2);
        ck_assert_ptr_null(gb_tree_find_section(t, "stands"));
    }
    gb_tree_free(t);
}
END_TEST

START_TEST(test_pack_years)
{
    /* North Northamptonshire: Northamptonshire stands in before April 2021. */
    GArray *y = gb_packsummary_years(pf.table, pf.standings, authority("North Northamptonshire"));
    ck_assert_uint_eq(y->len, 8);
    const GbPackYear *y2020 = &g_array_index(y, GbPackYear, 2);
    ck_assert_uint_eq(y2020->as_at, 20200331);
    ck_assert_int_eq(y2020->own, 3);
    ck_assert_int_eq(y2020->own_as, authority("Northamptonshire"));
    const GbPackYear *y2022 = &g_array_index(y, GbPackYear, 4); /* existed, not yet judged */
    ck_assert_int_eq(y2022->own, -1);
    ck_assert_int_eq(y2022->own_as, -1);
    const GbPackYear *y2025 = &g_array_index(y, GbPackYear, 7);
    ck_assert_int_eq(y2025->own, 2);
    ck_assert_uint_eq(y2025->own_when, 20221003);
    /* England as at 31 March 2025: Leeds good, Bradford inadequate, North
     * Northamptonshire and Cumbria's successors... Cumbria is gone: 3 judged. */
    ck_assert_int_eq(y2025->cmp[0].base, 3);
    ck_assert_int_eq(y2025->cmp[0].good_or_better, 1);
    ck_assert_int_eq(y2025->cmp[1].group, GB_GROUP_REGION);
    g_array_free(y, TRUE);
    /* Latest judgements: own first, a predecessor's where it has none. */
    int js[2] = {gb_ref_find_judgement(ref, ilacs, "overall_effectiveness"),
                 gb_ref_find_judgement(ref, ilacs, "leaders")};
    GbPackLatest l[2];
    gb_packsummary_latest(pf.table, authority("Westmorland and Furness"), js, 2, 20250331, l);
    ck_assert_int_eq(l[0].as_authority, authority("Cumbria"));
    ck_assert_uint_eq(l[0].date, 20220920);
    ck_assert_int_eq(l[1].grade, -1);
    gb_packsummary_latest(pf.table, authority("Leeds"), js, 2, 20230430, l);
    ck_assert_uint_eq(l[0].date, 20190301);
    ck_assert_int_eq(l[0].as_authority, -1);
    /* No ILACS care leavers judgement: the family's, from the SIF, as the
     * positions ("Where it stands") take it. */
    int cl[2] = {gb_ref_find_judgement(ref, ilacs, "care_leavers"), js[0]};
    gb_packsummary_latest(pf.table, authority("Bradford"), cl, 2, 20250331, l);
    ck_assert_int_eq(l[0].judgement, cl[0]);
    ck_assert_int_eq(l[0].judged,
                     gb_ref_find_judgement(ref, gb_ref_find_regime(ref, "sif"), "care_leavers"));
    ck_assert_uint_eq(l[0].date, 20140523);
    ck_assert_int_eq(l[0].level, 1);
    ck_assert_int_eq(l[1].judged, js[0]);
    ck_assert_uint_eq(l[1].date, 20221121);
    ck_assert(gb_packsummary_abolished(gb_ref_authority(ref, authority("Cumbria")), 20250331));
    ck_assert(!gb_packsummary_abolished(gb_ref_authority(ref, authority("Cumbria")), 20230331));
}
END_TEST

static Suite *
tree_suite(void)
{
    Suite *s = suite_create("tree");
    TCase *tc = tcase_create("summary");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_share, 0, G_N_ELEMENTS(shares));
    tcase_add_test(tc, test_counts_and_names);
    tcase_add_loop_test(tc, test_published_counts, 0, G_N_ELEMENTS(published));
    tcase_add_test(tc, test_published_figures);
    tcase_add_test(tc, test_regimes_and_years);
    tcase_add_test(tc, test_moves_and_history);
    suite_add_tcase(s, tc);
    tc = tcase_create("tree");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_briefing_tree);
    tcase_add_test(tc, test_sections_registry);
    tcase_add_test(tc, test_html_of_tree);
    tcase_add_test(tc, test_svg_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("packsummary");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_add_months, 0, G_N_ELEMENTS(add_months));
    tcase_add_loop_test(tc, test_next_rules, 0, G_N_ELEMENTS(rule_files));
    tcase_add_test(tc, test_next_rules_bundled);
    tcase_add_test(tc, test_pack_dates);
    suite_add_tcase(s, tc);
    tc = tcase_create("packtree");
    tcase_add_checked_fixture(tc, pack_setup, pack_teardown);
    tcase_add_loop_test(tc, test_pack_tree, 0, G_N_ELEMENTS(packs));
    tcase_add_test(tc, test_pack_years);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(tree_suite());
}
