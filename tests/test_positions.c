/* test_positions.c - positions as at a date per judgement family (boundaries,
 * 2013 and 2025, the 31 March series against an independent count of the
 * Ofsted sheet), comparators, movers like with like, the sources a cover
 * names, the 2012-13 child protection inspections and the 2013 safeguarding
 * reconciliation, the partial-year marker, the one as-at rule. */

#include "pipeline/load.h"
#include "pipeline/position.h"
#include "pipeline/stats.h"
#include "pipeline/summary.h"
#include "statsfixture.h"
#include "testutil.h"

#include <json-glib/json-glib.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- Positions as at a date ---- */

static int
family(const char *id)
{
    int f = gb_ref_find_family(ref, id);
    ck_assert_msg(f >= 0, "family %s", id);
    return f;
}

START_TEST(test_families_parsed)
{
    /* judgements.csv: each id DESIGN.md names has its family. */
    static const struct {
        const char *regime, *judgement, *family;
    } links[] = {
        {"apa", "staying_safe", "safeguarding"},
        {"slac", "overall_effectiveness", "safeguarding"},
        {"slac", "overall_effectiveness", "overall_effectiveness"},
        {"cp2012", "child_protection", "safeguarding"},
        {"sif", "overall_effectiveness", "overall_effectiveness"},
        {"ilacs", "overall_effectiveness", "overall_effectiveness"},
        {"ilacs", "help_and_protection", "safeguarding"},
        {"ilacs", "children_in_care", "looked_after"},
        {"ilacs", "care_leavers", "care_leavers"},
        {"ilacs", "leaders", "leadership"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(links); i++) {
        int j = gb_ref_find_judgement(ref, gb_ref_find_regime(ref, links[i].regime),
                                      links[i].judgement);
        ck_assert_int_ge(j, 0);
        ck_assert_msg(gb_ref_in_family(ref, j, family(links[i].family)), "%s/%s in %s",
                      links[i].regime, links[i].judgement, links[i].family);
        ck_assert_ptr_nonnull(gb_ref_judgement(ref, j)->note);
    }
    /* No family for the ungraded unannounced outcome, and ILACS OE is not safeguarding. */
    int u = gb_ref_find_judgement(ref, gb_ref_find_regime(ref, "unannounced"), "contact_referral");
    ck_assert_uint_eq(gb_ref_judgement(ref, u)->families, 0);
    int oe = gb_ref_find_judgement(ref, gb_ref_find_regime(ref, "ilacs"), "overall_effectiveness");
    ck_assert(!gb_ref_in_family(ref, oe, family("safeguarding")));
    GArray *fs = gb_position_families(ref);
    ck_assert_uint_eq(fs->len, 5);
    g_array_free(fs, TRUE);
}
END_TEST

START_TEST(test_position_2025)
{
    GbStanding *s = gb_position_standing(table, family("overall_effectiveness"), 20250331);
    GbPosition p;
    gb_position_count(table, s, GB_GROUP_ENGLAND, -1, &p);
    ck_assert_int_eq(p.authorities, 153);
    ck_assert_int_eq(p.base, 153);
    ck_assert_int_eq(p.count[0], 36);
    ck_assert_int_eq(p.count[1], 67);
    ck_assert_int_eq(p.count[2], 31);
    ck_assert_int_eq(p.count[3], 19);
    ck_assert_int_eq(p.good_or_better, 103);
    ck_assert_double_eq_tol(p.percent[3], 100.0 * 19 / 153, 1e-9);
    ck_assert_int_eq(p.whole[0] + p.whole[1] + p.whole[2] + p.whole[3], 100);
    ck_assert_int_eq(p.by_regime[gb_ref_find_regime(ref, "ilacs")], 153);
    /* Regions add up to England. */
    int sum = 0, base = 0;
    for (guint r = 0; r < ref->regions->len; r++) {
        GbPosition q;
        gb_position_count(table, s, GB_GROUP_REGION, (int)r, &q);
        sum += q.authorities;
        base += q.count[3];
    }
    ck_assert_int_eq(sum, 153);
    ck_assert_int_eq(base, 19);
    gb_position_standing_free(s);
}
END_TEST

/* Hand-computed from the ILACS sheet and the register (authorities.csv). They
 * hold whatever the data before ILACS (SLAC, SIF) says: where that matters,
 * only the date and regime of the judgement are checked. */
#define ANY_GRADE (-9)
static const struct {
    const char *name, *family, *code;
    guint32 as_at;
    int grade;      /* common level, -1 no judgement, -2 did not exist, ANY_GRADE */
    guint32 when;   /* the judgement's date, 0: not checked */
    guint32 before; /* the judgement's date is before this (not ILACS's), 0: not checked */
} fam_boundaries[] = {
    {"judgement on the date counts", "overall_effectiveness", "919", 20181015, 1, 20181015, 0},
    {"the day before it does not", "overall_effectiveness", "919", 20181014, ANY_GRADE, 0,
     20181015},
    {"safeguarding the day before: an earlier regime", "safeguarding", "919", 20181014, ANY_GRADE,
     0, 20181015},
    {"safeguarding on the date: ILACS", "safeguarding", "919", 20181015, 1, 20181015, 0},
    {"APA year-only counts from 31 December", "safeguarding", "919", 20071230, -1, 0, 0},
    {"... and on it", "safeguarding", "919", 20071231, 3, 20071231, 0},
    {"abolished on the date: gone", "overall_effectiveness", "909", 20230401, -2, 0, 0},
    {"abolished the day after: there", "overall_effectiveness", "909", 20230331, 2, 20220920, 0},
    {"successor created after the date: not there", "overall_effectiveness", "942", 20230331, -2, 0,
     0},
    {"successor created on the date: there, not judged", "overall_effectiveness", "942", 20230401,
     -1, 0, 0},
    {"successor does not inherit", "overall_effectiveness", "940", 20220101, -1, 0, 0},
    {"no selection row (Haringey 2008): its 2007 APA", "safeguarding", "309", 20090101, 1, 20071231,
     0},
};

START_TEST(test_position_boundaries)
{
    GbStanding *s =
        gb_position_standing(table, family(fam_boundaries[_i].family), fam_boundaries[_i].as_at);
    int a = code_index(fam_boundaries[_i].code);
    ck_assert_int_ge(a, 0);
    int grade = g_array_index(s->grade_of, int, a);
    guint32 when = g_array_index(s->when_of, guint32, a);
    if (fam_boundaries[_i].grade != ANY_GRADE)
        ck_assert_msg(grade == fam_boundaries[_i].grade, "%s: got %d", fam_boundaries[_i].name,
                      grade);
    if (fam_boundaries[_i].when != 0)
        ck_assert_msg(when == fam_boundaries[_i].when, "%s: dated %u", fam_boundaries[_i].name,
                      when);
    if (fam_boundaries[_i].before != 0) {
        ck_assert_msg(when < fam_boundaries[_i].before, "%s: dated %u", fam_boundaries[_i].name,
                      when);
        int j = g_array_index(s->judgement_of, int, a);
        ck_assert(j < 0 || gb_ref_judgement(ref, j)->regime != gb_ref_find_regime(ref, "ilacs"));
    }
    gb_position_standing_free(s);
}
END_TEST

/* The 31 March series counted independently: the ILACS sheet read with
 * plain C, each authority's latest inspection on or before the date. */
typedef struct {
    char code[16];
    guint32 date;
    int grade;
} SheetRow;

static int
sheet_split(char *line, char **cells, int max)
{
    int n = 0;
    char *p = line, *w = line;
    while (n < max) {
        cells[n++] = w;
        gboolean quoted = *p == '"';
        if (quoted)
            p++;
        for (;;) {
            if (quoted && *p == '"' && p[1] == '"') {
                *w++ = '"';
                p += 2;
            } else if (quoted && *p == '"') {
                quoted = FALSE;
                p++;
            } else if (!quoted && (*p == ',' || *p == '\n' || *p == '\r' || *p == '\0')) {
                break;
            } else {
                *w++ = *p++;
            }
        }
        char end = *p;
        *w++ = '\0';
        if (end != ',')
            break;
        w = ++p;
    }
    return n;
}

static GArray *
sheet_rows(void)
{
    /* A copy of Ofsted's sheet kept with the tests, whatever form data/ bundles it in. */
    FILE *f = fopen(GB_TESTS_DIR "/data/ofsted-ilacs-history-2018-2025.csv", "r");
    ck_assert_ptr_nonnull(f);
    char line[4096];
    char *cells[32];
    GArray *out = g_array_new(FALSE, TRUE, sizeof(SheetRow));
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f) != NULL) {
        int n = sheet_split(line, cells, 32);
        ck_assert_int_ge(n, 9);
        /* columns: 1 area code, 5 inspection date (YYYY-MM-DD), 8 overall effectiveness */
        SheetRow r = {0};
        g_strlcpy(r.code, cells[1], sizeof r.code);
        int y, m, d;
        ck_assert_int_eq(sscanf(cells[5], "%d-%d-%d", &y, &m, &d), 3);
        r.date = (guint32)(y * 10000 + m * 100 + d);
        const char *g = cells[8];
        r.grade = strcmp(g, "Outstanding") == 0                 ? 0
                  : strcmp(g, "Good") == 0                      ? 1
                  : strncmp(g, "Requires improvement", 20) == 0 ? 2
                  : strcmp(g, "Inadequate") == 0                ? 3
                                                                : -1;
        ck_assert_int_ge(r.grade, 0);
        g_array_append_val(out, r);
    }
    fclose(f);
    return out;
}

/* The three authorities of the sheet that no longer exist, and the day each
 * ceased (the reorganisation orders: Bournemouth 2019, Northamptonshire 2021,
 * Cumbria 2023). */
static guint32
sheet_abolished(const char *code)
{
    static const struct {
        const char *code;
        guint32 to;
    } gone[] = {{"E06000028", 20190401}, {"E10000021", 20210401}, {"E10000006", 20230401}};
    for (gsize i = 0; i < G_N_ELEMENTS(gone); i++)
        if (strcmp(gone[i].code, code) == 0)
            return gone[i].to;
    return 0;
}

static void
sheet_count(const GArray *rows, guint32 as_at, int count[4])
{
    memset(count, 0, 4 * sizeof(int));
    for (guint i = 0; i < rows->len; i++) {
        const SheetRow *r = &g_array_index(rows, SheetRow, i);
        guint32 to = sheet_abolished(r->code);
        if (r->date > as_at || (to != 0 && to <= as_at))
            continue;
        gboolean latest = TRUE;
        for (guint k = 0; k < rows->len && latest; k++) {
            const SheetRow *o = &g_array_index(rows, SheetRow, k);
            if (k != i && strcmp(o->code, r->code) == 0 && o->date <= as_at && o->date > r->date)
                latest = FALSE;
        }
        if (latest)
            count[r->grade]++;
    }
}

START_TEST(test_position_series_2019_2025)
{
    /* Authorities existing on 31 March, by hand from the reorganisations:
     * 152 in 2019; BCP and Dorset replace three on 1 April 2019 (151); the two
     * Northamptonshires one on 1 April 2021 (152); Cumberland and Westmorland
     * one on 1 April 2023 (153). */
    static const int existing[] = {152, 151, 151, 152, 152, 153, 153};
    GArray *dates = gb_position_annual_dates(table, 31, 3, 20250331);
    ck_assert_uint_eq(g_array_index(dates, guint32, 0), 20070331); /* from the first year */
    ck_assert_uint_eq(g_array_index(dates, guint32, dates->len - 1), 20250331);
    guint first = dates->len - 7;
    ck_assert_uint_eq(g_array_index(dates, guint32, first), 20190331);
    GArray *series = gb_position_series(table, family("overall_effectiveness"),
                                        &g_array_index(dates, guint32, first), 7, FALSE);
    ck_assert_uint_eq(series->len, 7);
    GArray *rows = sheet_rows();
    ck_assert_uint_eq(rows->len, 271);
    int ilacs = gb_ref_find_regime(ref, "ilacs");
    for (guint i = 0; i < 7; i++) {
        const GbPosition *p = &g_array_index(series, GbPosition, i);
        int want[4];
        sheet_count(rows, p->as_at, want);
        /* Authorities whose latest judgement is an ILACS one are those with an
         * ILACS inspection by then (ILACS came last); others' is older (SIF). */
        GbStanding *st = gb_position_standing(table, family("overall_effectiveness"), p->as_at);
        int got[4] = {0}, older = 0;
        for (guint a = 0; a < ref->authorities->len; a++) {
            int g = g_array_index(st->grade_of, int, a),
                j = g_array_index(st->judgement_of, int, a);
            if (g >= 0 && gb_ref_judgement(ref, j)->regime == ilacs)
                got[g]++;
            else if (g >= 0)
                older++;
        }
        gb_position_standing_free(st);
        for (int g = 0; g < 4; g++) {
            ck_assert_msg(got[g] == want[g], "as at %u grade %d: %d, sheet %d", p->as_at, g, got[g],
                          want[g]);
            ck_assert_int_ge(p->count[g], want[g]);
        }
        ck_assert_int_eq(p->by_regime[ilacs], want[0] + want[1] + want[2] + want[3]);
        ck_assert_int_eq(p->base, p->by_regime[ilacs] + older);
        ck_assert_int_eq(p->authorities, existing[i]);
    }
    /* By 2023 every authority had an ILACS inspection: the position is the sheet's. */
    for (guint i = 4; i < 7; i++) {
        const GbPosition *p = &g_array_index(series, GbPosition, i);
        int want[4];
        sheet_count(rows, p->as_at, want);
        ck_assert(memcmp(p->count, want, sizeof want) == 0);
    }
    /* 2019 mixes SIF and ILACS, which both say "Requires improvement". */
    gboolean mixed = FALSE;
    const GbPosition *p2019 = &g_array_index(series, GbPosition, 0);
    ck_assert_str_eq(gb_summary_position_label(ref, p2019, 2, &mixed), "Requires improvement");
    ck_assert(mixed);
    /* The last of them is Ofsted's published position. */
    const GbPosition *last = &g_array_index(series, GbPosition, 6);
    ck_assert_int_eq(last->count[0], 36);
    ck_assert_int_eq(last->count[3], 19);
    g_array_free(rows, TRUE);
    g_array_free(series, TRUE);
    /* By region: England first, then each region, date by date. */
    series = gb_position_series(table, family("overall_effectiveness"),
                                &g_array_index(dates, guint32, dates->len - 1), 1, TRUE);
    ck_assert_uint_eq(series->len, 1 + ref->regions->len);
    ck_assert_int_eq(g_array_index(series, GbPosition, 0).group, GB_GROUP_ENGLAND);
    ck_assert_int_eq(g_array_index(series, GbPosition, 1).group, GB_GROUP_REGION);
    g_array_free(series, TRUE);
    g_array_free(dates, TRUE);
}
END_TEST

START_TEST(test_comparators)
{
    int a = code_index("919"); /* Hertfordshire: ten neighbours in the DfE model */
    GbStanding *s = gb_position_standing(table, family("overall_effectiveness"), 20250331);
    GbPosition c[3];
    gb_position_comparators(table, s, a, c);
    ck_assert_int_eq(c[0].authorities, 153);
    ck_assert_int_eq(c[1].group, GB_GROUP_REGION);
    ck_assert_int_eq(c[1].region, gb_ref_authority(ref, a)->region);
    int listed = 0;
    for (int k = 0; k < 10; k++)
        listed += gb_ref_authority(ref, a)->neighbours[k] >= 0;
    ck_assert_int_eq(c[2].authorities, listed);
    ck_assert_int_eq(c[2].authority, a);
    /* The same through the old comparison, for the same date. */
    GbLatest *l = gb_stats_latest(table, "overall_effectiveness", 20250331);
    GbComparison old;
    gb_stats_compare(table, l, a, &old);
    ck_assert_int_eq(old.neighbours_n, c[2].base);
    ck_assert_int_eq(old.region_n, c[1].base);
    ck_assert(memcmp(old.neighbours, c[2].count, sizeof old.neighbours) == 0);
    gb_stats_latest_free(l);
    gb_position_standing_free(s);
}
END_TEST

/* ---- 2013: the safeguarding family's published position ---- */

static void
setup_2013(void)
{
    setup();
    GbDiag d = {0};
    ck_assert_int_eq(gb_load_file(loader, table,
                                  GB_TESTS_DIR "/data/ofsted-2023-safeguarding-2009-"
                                               "2013.csv",
                                  &d),
                     GB_OK);
}

static const GbHeadline *
headline(const char *id)
{
    for (guint i = 0; i < ref->headlines->len; i++)
        if (strcmp(g_array_index(ref->headlines, GbHeadline, i).id, id) == 0)
            return &g_array_index(ref->headlines, GbHeadline, i);
    ck_abort_msg("no headline %s", id);
    return NULL;
}

START_TEST(test_safeguarding_2013)
{
    /* SLAC safeguarding and CPI/CPRI rows of Ofsted's 2023 workbook (tests/data,
     * dated by publication): as at 31 March 2013 the latest of each of the 152
     * authorities. Counts by hand from the workbook: 5 outstanding, 60 good,
     * 67 adequate, 20 inadequate. */
    GbStanding *s = gb_position_standing(table, family("safeguarding"), 20130331);
    GbPosition p;
    gb_position_count(table, s, GB_GROUP_ENGLAND, -1, &p);
    ck_assert_int_eq(p.authorities, 152);
    ck_assert_int_eq(p.base, 152);
    ck_assert_int_eq(p.count[0], 5);
    ck_assert_int_eq(p.count[1], 60);
    ck_assert_int_eq(p.count[2], 67);
    ck_assert_int_eq(p.count[3], 20);
    /* Reconciled with headlines.csv: 20 of 152, "just four in 10" good or better. */
    const GbHeadline *inad = headline("ar2013-inadequate"),
                     *gob = headline("ar2013-good-or-better");
    ck_assert_int_eq(p.count[3], (int)inad->value);
    ck_assert_int_eq(p.authorities, inad->base);
    ck_assert_int_eq((int)lround(100.0 * p.good_or_better / p.base / 10) * 10, (int)gob->value);
    /* None of it is APA's any more, and the year-only list of 20 (dated 2013) is not counted. */
    ck_assert_int_eq(p.by_regime[gb_ref_find_regime(ref, "apa")], 0);
    gb_position_standing_free(s);
}
END_TEST

/* ---- Movers like with like ---- */

static const GbMover *
find_mover(const GbMovers *mv, const char *fam, const char *code, guint32 to_date)
{
    int a = code_index(code), f = fam ? family(fam) : -1;
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        if (m->authority == a && m->family == f && m->to.date == to_date)
            return m;
    }
    return NULL;
}

/* Hand-computed from the ILACS sheet (overall effectiveness). */
static const struct {
    const char *name, *code;
    guint32 from_date, to_date;
    int steps;
    gboolean from_predecessor, counted;
} movers[] = {
    {"Harrow good to inadequate", "310", 20200210, 20250120, -2, FALSE, TRUE},
    {"Leicestershire RI to outstanding", "855", 20190923, 20240422, 2, FALSE, TRUE},
    {"BCP inadequate to good", "839", 20211206, 20241202, 2, FALSE, TRUE},
    {"BCP from Bournemouth RI", "839", 20180716, 20211206, -1, TRUE, TRUE},
    {"North Northamptonshire from Northamptonshire", "940", 20190617, 20221003, 1, TRUE, TRUE},
    {"West Northamptonshire: the same judgement, not counted again", "941", 20190617, 20221003, 1,
     TRUE, FALSE},
    {"Cumberland from Cumbria", "942", 20220920, 20241007, 1, TRUE, TRUE},
    {"Westmorland and Furness from Cumbria, not counted again", "943", 20220920, 20240422, 1, TRUE,
     FALSE},
};

START_TEST(test_movers_cases)
{
    GbMovers *mv = gb_position_movers(table, GB_MOVERS_FAMILY, 20250331);
    const GbMover *m = find_mover(mv, "overall_effectiveness", movers[_i].code, movers[_i].to_date);
    ck_assert_msg(m != NULL, "%s: no move", movers[_i].name);
    ck_assert_uint_eq(m->from.date, movers[_i].from_date);
    ck_assert_int_eq(m->steps, movers[_i].steps);
    ck_assert_int_eq(m->from_predecessor, movers[_i].from_predecessor);
    ck_assert_int_eq(m->counted, movers[_i].counted);
    ck_assert(!m->cross_family);
    gb_position_movers_free(mv);
}
END_TEST

START_TEST(test_movers_like_with_like)
{
    GbMovers *mv = gb_position_movers(table, GB_MOVERS_FAMILY, 20250331);
    int apa = gb_ref_find_regime(ref, "apa"), ilacs = gb_ref_find_regime(ref, "ilacs");
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int counted = 0;
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        /* Within one family, adjacent regimes only: never APA 2007 -> ILACS. */
        ck_assert(gb_ref_in_family(ref, m->from.judgement, m->family));
        ck_assert(gb_ref_in_family(ref, m->to.judgement, m->family));
        ck_assert(!(m->from.regime == apa && m->to.regime == ilacs));
        ck_assert(gb_position_regimes_adjacent(ref, m->from.regime, m->to.regime));
        ck_assert_int_eq(m->steps, m->from.common - m->to.common);
        ck_assert(m->steps >= -3 && m->steps <= 3);
        /* Never from or to a selection (the year-only named lists of 2008, 2013). */
        ck_assert(!(m->from.date == 0 &&
                    gb_ref_selection_note(ref, m->from.year, m->from.regime, m->from.judgement)));
        ck_assert(!(m->to.date == 0 &&
                    gb_ref_selection_note(ref, m->to.year, m->to.regime, m->to.judgement)));
        /* Each authority once: no move is listed twice, nor under both a
         * predecessor and its successor. */
        char *key = g_strdup_printf("%d:%u:%d:%u:%d", m->family, m->from.date, m->from.judgement,
                                    m->to.date,
                                    m->to.as_authority >= 0 ? m->to.as_authority : m->authority);
        ck_assert_msg(!g_hash_table_contains(seen, key), "move %s twice", key);
        g_hash_table_add(seen, key);
        ck_assert(!(m->from.as_authority >= 0 && m->to.as_authority >= 0));
        counted += m->counted;
    }
    /* Harrow's safeguarding judgements: APA 2007, then (in this data) ILACS 2020;
     * not adjacent, so a gap, never a move. */
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        ck_assert(
            !(m->authority == code_index("310") && m->from.regime == apa && m->to.regime == ilacs));
    }
    /* Every selection row on or before the date, counted from coverage.csv directly. */
    guint selection = 0;
    for (guint i = 0; i < table->rows->len; i++) {
        const GbRow *r = gb_table_row(table, i);
        selection += r->date == 0 && gb_ref_selection_note(
                                         ref, r->year, gb_ref_judgement(ref, r->judgement)->regime,
                                         r->judgement) != NULL;
    }
    ck_assert_uint_eq(mv->selection_rows, selection);
    /* The matrices hold exactly the counted moves. */
    int in_matrices = 0;
    for (guint i = 0; i < mv->matrices->len; i++) {
        const GbTransitionMatrix *x = &g_array_index(mv->matrices, GbTransitionMatrix, i);
        int sum = 0;
        for (int p = 0; p < 4; p++)
            for (int q = 0; q < 4; q++)
                sum += x->count[p][q];
        ck_assert_int_eq(sum, x->pairs);
        ck_assert_int_eq(x->up + x->down + x->same, x->pairs);
        ck_assert(gb_position_regimes_adjacent(ref, x->from_regime, x->to_regime));
        in_matrices += x->pairs;
    }
    ck_assert_int_eq(in_matrices, counted);
    g_hash_table_destroy(seen);
    gb_position_movers_free(mv);
    /* --movers any: the old cross-framework comparison, labelled. */
    mv = gb_position_movers(table, GB_MOVERS_ANY, 20250331);
    const GbMover *x = find_mover(mv, NULL, "310", 20200210); /* Harrow's first ILACS */
    ck_assert_ptr_nonnull(x);
    ck_assert_int_ne(x->from.regime, ilacs); /* from whatever regime came before */
    int cross = 0;
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        gboolean shared = FALSE;
        for (guint f = 0; f < ref->families->len; f++)
            shared |= gb_ref_in_family(ref, m->from.judgement, (int)f) &&
                      gb_ref_in_family(ref, m->to.judgement, (int)f);
        ck_assert_int_eq(m->cross_family, !shared);
        ck_assert_int_eq(m->family, -1);
        cross += m->cross_family;
    }
    ck_assert_int_gt(cross, 0); /* APA staying safe -> ILACS overall effectiveness, at least */
    gb_position_movers_free(mv);
}
END_TEST

START_TEST(test_movers_as_at)
{
    /* Nothing after the as-at date: Harrow's 2025 move is not there on 31 December 2024. */
    GbMovers *mv = gb_position_movers(table, GB_MOVERS_FAMILY, 20241231);
    ck_assert_ptr_null(find_mover(mv, "overall_effectiveness", "310", 20250120));
    ck_assert_ptr_nonnull(find_mover(mv, "overall_effectiveness", "855", 20240422));
    gb_position_movers_free(mv);
}
END_TEST

/* ---- The sources a cover and footer name ---- */

/* The bundled data, in the order a cover names it: Ofsted's own workbooks
 * first (the 2025 publication, then the 2023 one), press tables after,
 * however many rows each holds (BBC's 150-row 2007 table has more rows than
 * some official sheets; the Independent's list of 20 is reported, never a row). */
static const struct {
    const char *title;
    gboolean official;
} want_sources[] = {
    {"Ofsted, LA inspection outcomes as at 31 March 2025", TRUE},
    {"Ofsted, Children's social care data in England 2023", TRUE},
    {"BBC News, Child safety records scrutinised", FALSE},
    {"Children & Young People Now, No-notice council inspections expose need for urgent action",
     FALSE},
};

START_TEST(test_data_sources)
{
    GArray *src = gb_summary_data_sources(table);
    ck_assert_uint_eq(src->len, G_N_ELEMENTS(want_sources));
    guint rows = 0;
    for (guint i = 0; i < src->len; i++) {
        const GbDataSource *d = &g_array_index(src, GbDataSource, i);
        ck_assert_msg(strcmp(d->title, want_sources[i].title) == 0, "source %u: %s", i, d->title);
        ck_assert_int_eq(d->official, want_sources[i].official);
        ck_assert_uint_gt(d->rows, 0);
        rows += d->rows;
    }
    ck_assert_uint_eq(g_array_index(src, GbDataSource, 0).published, 20250925);
    ck_assert_uint_eq(g_array_index(src, GbDataSource, 1).published, 20230706);
    ck_assert_uint_eq(g_array_index(src, GbDataSource, 2).rows, 150);
    ck_assert_uint_eq(g_array_index(src, GbDataSource, 3).rows, 18);
    /* Every row is behind exactly one source: counted by the row's own text. */
    guint named = 0;
    for (guint i = 0; i < table->rows->len; i++) {
        const char *t = gb_table_row_source(table, gb_table_row(table, i));
        named += t[0] != '\0' && strstr(t, "Independent") == NULL;
    }
    ck_assert_uint_eq(rows, named);
    g_array_free(src, TRUE);
}
END_TEST

/* ---- Issue 12: the child protection inspections of 2012-13 ---- */

START_TEST(test_cpi_pair)
{
    GbStats *st = gb_stats_compute(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    int cp = gb_ref_find_regime(ref, "cp2012");
    int j = gb_ref_find_judgement(ref, cp, "child_protection");
    /* Counted here from the rows' own group: CPI rows of 2012 and 2013 (the
     * workbook dates them by publication), and the CPRI re-inspection apart. */
    guint cpi[2] = {0}, cpri = 0, all2013 = 0, grade[4] = {0};
    for (guint i = 0; i < table->rows->len; i++) {
        const GbRow *r = gb_table_row(table, i);
        if (r->judgement != j)
            continue;
        const char *group = gb_table_row_group(table, r);
        all2013 += r->year == 2013;
        if (strcmp(group, "cpri") == 0)
            cpri++;
        if (strcmp(group, "cpi") != 0 || r->year < 2012 || r->year > 2013)
            continue;
        cpi[r->year - 2012]++;
        grade[r->grade]++;
    }
    /* 17 in 2012 and 33 in 2013; the 34 CP 2012 rows of 2013 hold one CPRI. */
    ck_assert_uint_eq(cpi[0], 17);
    ck_assert_uint_eq(cpi[1], 33);
    ck_assert_uint_eq(cpri, 1);
    ck_assert_uint_eq(all2013, 34);
    GArray *pairs = gb_summary_group_pairs(table, st);
    ck_assert_uint_eq(pairs->len, 1);
    const GbGroupPair *p = gb_summary_group_pair_for(pairs, 2013, cp);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->group, "cpi");
    ck_assert_uint_eq(p->base, 50);
    ck_assert_uint_eq(p->by_year[0], cpi[0]);
    ck_assert_uint_eq(p->by_year[1], cpi[1]);
    /* Scale order: outstanding, good, adequate, inadequate. */
    static const guint want[4] = {0, 4, 29, 17};
    for (int g = 0; g < 4; g++) {
        ck_assert_uint_eq(p->count[g], want[g]);
        ck_assert_uint_eq(p->count[g], grade[g]);
        ck_assert_uint_eq(p->published_count[g], want[g]); /* headlines.csv, LocalGov */
    }
    ck_assert(p->published);
    ck_assert_uint_eq(p->published_base, 50);
    ck_assert(p->equal);
    ck_assert_uint_eq(p->first_date, 20120713);
    ck_assert_uint_eq(p->last_date, 20130816);
    ck_assert_ptr_nonnull(strstr(p->published_source, "LocalGov"));
    ck_assert_ptr_null(gb_summary_group_pair_for(pairs, 2012, cp));
    g_array_free(pairs, TRUE);
    /* Cut before 2013: no published figure of 2013, so nothing to pair. */
    ck_assert(gb_table_cut(table, 20121231));
    gb_stats_free(st);
    st = gb_stats_compute(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    pairs = gb_summary_group_pairs(table, st);
    ck_assert_uint_eq(pairs->len, 1);
    ck_assert(!g_array_index(pairs, GbGroupPair, 0).published);
    ck_assert_uint_eq(g_array_index(pairs, GbGroupPair, 0).base, 17);
    ck_assert(!g_array_index(pairs, GbGroupPair, 0).equal);
    g_array_free(pairs, TRUE);
    gb_stats_free(st);
}
END_TEST

/* ---- The 2013 safeguarding position, as the briefing reconciles it ---- */

START_TEST(test_position_pairs_2013)
{
    /* The bundled data alone (the 2023 workbook's SLAC and CPI rows). */
    GArray *pairs = gb_summary_position_pairs(table);
    /* headlines.csv's kind=position rows: three of 31 March 2013, then Ofsted's
     * four of 31 March 2025. */
    ck_assert_uint_eq(pairs->len, 7);
    static const int want2025[] = {36, 67, 31, 19};
    for (guint i = 3; i < 7; i++) {
        const GbPositionPair *p = &g_array_index(pairs, GbPositionPair, i);
        ck_assert_uint_eq(p->as_at, 20250331);
        ck_assert_int_eq(p->family, family("overall_effectiveness"));
        ck_assert_int_eq(p->count, want2025[i - 3]);
        ck_assert_int_eq(p->position.base, 153);
        ck_assert(p->agrees);
    }
    g_array_set_size(pairs, 3);
    static const struct {
        const char *headline;
        int count;
    } want[] = {{"ar2013-inadequate", 20},
                {"ar2013-good-or-better", 5 + 60},
                {"ar2013-less-than-good", 67 + 20}};
    for (guint i = 0; i < pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(pairs, GbPositionPair, i);
        ck_assert_str_eq(p->headline->id, want[i].headline);
        ck_assert_uint_eq(p->as_at, 20130331);
        ck_assert_int_eq(p->family, family("safeguarding"));
        ck_assert_int_eq(p->count, want[i].count);
        ck_assert_int_eq(p->position.authorities, 152);
        ck_assert_int_eq(p->position.base, 152);
        ck_assert_msg(p->agrees, "%s: %d of 152", p->headline->id, p->count);
        /* The position the annual report describes: SLAC for most, CPI since 2012. */
        ck_assert_int_eq(p->position.by_regime[gb_ref_find_regime(ref, "slac")], 118);
        ck_assert_int_eq(p->position.by_regime[gb_ref_find_regime(ref, "cp2012")], 34);
        ck_assert_int_eq(p->position.count[0], 5);
        ck_assert_int_eq(p->position.count[1], 60);
        ck_assert_int_eq(p->position.count[2], 67);
        ck_assert_int_eq(p->position.count[3], 20);
        ck_assert_ptr_nonnull(strstr(p->headline->source, "Independent"));
    }
    /* SLAC and CP 2012 both say "Adequate": the mixed position keeps the name. */
    gboolean mixed = FALSE;
    const GbPosition *q = &g_array_index(pairs, GbPositionPair, 0).position;
    ck_assert_str_eq(gb_summary_position_label(ref, q, 2, &mixed), "Adequate");
    ck_assert(mixed);
    ck_assert_str_eq(gb_summary_position_label(ref, q, 3, NULL), "Inadequate");
    /* "Just four in 10": 42.8% rounds to 40 at the nearest ten, not at one. */
    const GbPositionPair *gob = &g_array_index(pairs, GbPositionPair, 1);
    ck_assert_int_eq(gob->rounding, 10);
    ck_assert_double_eq_tol(gob->percent, 100.0 * 65 / 152, 1e-9);
    g_array_free(pairs, TRUE);
    /* A day earlier there was no such position to compare: the pairs stay
     * while the date is in the data, and go with a cut before it. */
    ck_assert(gb_table_cut(table, 20130330));
    pairs = gb_summary_position_pairs(table);
    ck_assert_uint_eq(pairs->len, 0);
    g_array_free(pairs, TRUE);
}
END_TEST

/* ---- Flows: inspections made in a year, and the partial year ---- */

static const GbDistribution *
ilacs_year(const GArray *ds, int year)
{
    int ilacs = gb_ref_find_regime(ref, "ilacs");
    int oe = gb_ref_find_judgement(ref, ilacs, "overall_effectiveness");
    for (guint i = 0; i < ds->len; i++) {
        const GbDistribution *d = &g_array_index(ds, GbDistribution, i);
        if (d->regime == ilacs && d->judgement == oe && d->year == year)
            return d;
    }
    return NULL;
}

START_TEST(test_partial_year)
{
    GArray *ds = gb_stats_distributions(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    const GbDistribution *d25 = ilacs_year(ds, 2025), *d24 = ilacs_year(ds, 2024);
    ck_assert_ptr_nonnull(d25);
    /* Eleven inspections from 1 January; the data ends on 24 March. */
    ck_assert_uint_eq(d25->base, 11);
    ck_assert(d25->partial);
    ck_assert_uint_eq(d25->period_from, 20250101);
    ck_assert_uint_eq(d25->period_to, 20250324);
    ck_assert_uint_ge(d25->first_date, 20250101);
    ck_assert_uint_eq(d25->last_date, 20250324);
    ck_assert(!d24->partial);
    ck_assert_uint_eq(d24->period_to, 20241231);
    char *label = gb_stats_flow_label(d25);
    ck_assert_str_eq(label, "inspections made in 2025 (11 inspections; partial year: 1 January "
                            "to 24 March 2025)");
    g_free(label);
    label = gb_stats_flow_label(d24);
    ck_assert_pstr_eq(strstr(label, "partial"), NULL);
    ck_assert_ptr_nonnull(strstr(label, "inspections made in 2024 ("));
    g_free(label);
    g_array_free(ds, TRUE);
    /* Cut at the publication's 31 March: the period runs to it. */
    ck_assert(gb_table_cut(table, 20250331));
    ds = gb_stats_distributions(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    ck_assert_uint_eq(ilacs_year(ds, 2025)->period_to, 20250331);
    g_array_free(ds, TRUE);
    /* Cut in 2012: no inspections after, and no figure published for 2013. */
    ck_assert(gb_table_cut(table, 20121231));
    GbStats *st = gb_stats_compute(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    ck_assert_uint_gt(st->published->len, 0);
    for (guint i = 0; i < st->published->len; i++)
        ck_assert_int_le(g_array_index(st->published, GbMeasure, i).year, 2012);
    for (guint i = 0; i < st->distributions->len; i++)
        ck_assert_int_le(g_array_index(st->distributions, GbDistribution, i).year, 2012);
    gb_stats_free(st);
}
END_TEST

/* ---- The one as-at rule ---- */

START_TEST(test_as_at_rule)
{
    table->stated_as_at = 0; /* as if no publication read stated its date */
    GbAsAt a = gb_position_as_at(table, 0, 0);
    ck_assert_uint_eq(a.date, 20250324); /* the newest judgement */
    ck_assert_int_eq(a.source, GB_AS_AT_NEWEST);
    gb_table_state_as_at(table, 20250331);
    a = gb_position_as_at(table, 0, 0);
    ck_assert_uint_eq(a.date, 20250331);
    ck_assert_int_eq(a.source, GB_AS_AT_STATED);
    a = gb_position_as_at(table, 0, 20240331);
    ck_assert_int_eq(a.source, GB_AS_AT_CONFIG);
    a = gb_position_as_at(table, 20230331, 20240331);
    ck_assert_uint_eq(a.date, 20230331);
    ck_assert_int_eq(a.source, GB_AS_AT_OPTION);
    /* A row dated after the as-at date is left out and counted. */
    guint before = table->rows->len;
    ck_assert(gb_table_cut(table, 20241231));
    ck_assert_uint_eq(table->after, 11 * 5); /* 11 inspections of Jan-Mar 2025, 5 judgements each */
    ck_assert_uint_eq(table->after_first, 20250120);
    ck_assert_uint_eq(table->after_newest, 20250324);
    ck_assert_uint_lt(table->rows->len, before);
    GbFileAccount total;
    gb_table_totals(table, &total);
    ck_assert_uint_eq(total.after, 11 * 5); /* each file says how many of its own */
    for (guint i = 0; i < table->rows->len; i++)
        ck_assert_uint_le(gb_table_row_when(gb_table_row(table, i)), 20241231);
}
END_TEST

static Suite *
positions_suite(void)
{
    Suite *s = suite_create("positions");
    TCase *pos = tcase_create("positions");
    tcase_add_checked_fixture(pos, setup, teardown);
    tcase_set_timeout(pos, 60);
    tcase_add_test(pos, test_families_parsed);
    tcase_add_test(pos, test_position_2025);
    tcase_add_loop_test(pos, test_position_boundaries, 0, G_N_ELEMENTS(fam_boundaries));
    tcase_add_test(pos, test_position_series_2019_2025);
    tcase_add_test(pos, test_comparators);
    tcase_add_loop_test(pos, test_movers_cases, 0, G_N_ELEMENTS(movers));
    tcase_add_test(pos, test_movers_like_with_like);
    tcase_add_test(pos, test_movers_as_at);
    tcase_add_test(pos, test_partial_year);
    tcase_add_test(pos, test_as_at_rule);
    tcase_add_test(pos, test_data_sources);
    tcase_add_test(pos, test_cpi_pair);
    tcase_add_test(pos, test_position_pairs_2013);
    suite_add_tcase(s, pos);
    TCase *y13 = tcase_create("safeguarding-2013");
    tcase_add_checked_fixture(y13, setup_2013, teardown);
    tcase_set_timeout(y13, 30);
    tcase_add_test(y13, test_safeguarding_2013);
    suite_add_tcase(s, y13);
    return s;
}

int
main(void)
{
    return gb_test_main(positions_suite());
}
