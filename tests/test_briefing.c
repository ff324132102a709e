/* test_briefing.c - `gradebrief build` end to end: the PDF's pages, metadata,
 * text, fonts, structure, alt text and language; byte-identical reruns; and a
 * failed run that leaves the earlier briefing untouched. */
#include "pdfinspect.h"
#include "pipeline/refdata.h"
#include "testutil.h"

#include <string.h>
#include <sys/wait.h>

static char *workdir, *pdf_path;

static int
run(const char *const *argv, char **out, char **err)
{
    return gb_test_run(workdir, argv, out, err);
}

/* The briefing is built once, in a fixture shared by the tests (no fork). */
static void
build_once(void)
{
    if (workdir != NULL)
        return;
    workdir = gb_test_tmpdir("gbbrief");
    pdf_path = g_build_filename(workdir, "out", "briefing.pdf", NULL);
    const char *argv[] = {GB_BINARY, "build", NULL};
    char *out, *err;
    int rc = run(argv, &out, &err);
    ck_assert_msg(rc == 0, "build failed (%d): %s", rc, err);
    g_free(out);
    g_free(err);
}

/* Runs prog with args, where "@" stands for the briefing's path. */
static char *
tool(const char *prog, const char *a1, const char *a2, int *rc)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)prog);
    const char *in[] = {a1, a2};
    for (int i = 0; i < 2; i++)
        if (in[i] != NULL)
            g_ptr_array_add(argv, (gpointer)(strcmp(in[i], "@") == 0 ? pdf_path : in[i]));
    g_ptr_array_add(argv, NULL);
    char *out, *err;
    *rc = run((const char *const *)argv->pdata, &out, &err);
    g_ptr_array_free(argv, TRUE);
    g_free(err);
    return out;
}

static char *
tool3(const char *prog, const char *a1, const char *a2, int *rc)
{
    const char *argv[] = {prog, a1, a2, pdf_path, NULL};
    char *out, *err;
    *rc = run(argv, &out, &err);
    g_free(err);
    return out;
}

/* Collapses runs of white space, so text wrapped in a cell still matches. */
static char *
squash(const char *s)
{
    GString *o = g_string_new(NULL);
    gboolean space = FALSE;
    for (const char *p = s; *p; p++) {
        if (g_ascii_isspace(*p)) {
            space = TRUE;
            continue;
        }
        if (space && o->len)
            g_string_append_c(o, ' ');
        space = FALSE;
        g_string_append_c(o, *p);
    }
    return g_string_free(o, FALSE);
}

START_TEST(test_info)
{
    build_once();
    int rc;
    char *info = tool(PDFINFO, "@", NULL, &rc);
    ck_assert_int_eq(rc, 0);
    const char *want[] = {"Title:           Children's services inspection outcomes in England",
                          "Author:          gradebrief",
                          "Creator:         gradebrief",
                          "Keywords:        Ofsted",
                          "Tagged:          yes",
                          "Page size:       595.276 x 841.89 pts (A4)"};
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(info, want[i]) != NULL, "pdfinfo lacks '%s':\n%s", want[i], info);
    const char *pages = strstr(info, "Pages:");
    ck_assert_ptr_nonnull(pages);
    int n = atoi(pages + 6);
    /* 43 with the 2009-2018 history (SLAC, CPI, SIF columns and moves). */
    ck_assert_msg(n >= 15 && n <= 60, "%d pages", n);
    g_free(info);
}
END_TEST

START_TEST(test_text)
{
    build_once();
    int rc;
    char *raw = tool(PDFTOTEXT, "@", "-", &rc);
    ck_assert_int_eq(rc, 0);
    char *text = squash(raw);
    const char *want[] = {
        "The share of councils judged outstanding for staying safe fell from 16% in 2006 to 9% "
        "in 2007, and the share judged good or better fell from 73% to 70%",
        /* The 2007 table's base (every council) and the published one (those
         * inspected) are each named with their own figure. */
        "In the APA table of 2007, which lists all 150 councils, 5 of 150 (3.3%) were judged "
        "inadequate for staying safe",
        "Hertfordshire, Isles of Scilly, Peterborough, Salford and Stoke-on-Trent",
        "are of the 137 of 150 councils it inspected that year",
        /* A rounded 9% of 137 is not subtracted from 8.0% of 150 (issue 15). */
        "gives 12 of 150 (8.0%) judged outstanding; Ofsted's published 9% is of the 137 it "
        "inspected and rounded to a whole percent",
        /* The outcome is the scale's own label (data/scales.csv), not a phrase in code. */
        "9 of 18 (50.0%) had areas for priority action",
        /* The selection's note runs on after a colon, in lower case. */
        "(a selection, not the year: the first 18 unannounced inspections published",
        /* Today's position opens the findings, N of BASE, with the change since a
         * year earlier; ILACS-only, so ILACS's "requires improvement". */
        "As at 31 March 2025, of the 153 authorities in England, 36 of 153 (23.5%) were judged "
        "outstanding for overall effectiveness, 67 of 153 (43.8%) good, 31 of 153 (20.3%) "
        "requires improvement and 19 of 153 (12.4%) inadequate",
        "A year earlier, as at 31 March 2024, 91 of 151 (60.3%) were good or outstanding",
        "matches Ofsted's own published position",
        /* Flows are labelled as such. */
        "Of the ILACS inspections made in 2024 (49 inspections), 39 of 49 (79.6%)",
        "Inspections made in 2025",
        "(11 inspections; partial year:",
        /* The trend is a position series. */
        "Share of authorities judged inadequate, as at 31 March each year",
        /* Movers like with like, each authority once. */
        "Between consecutive overall effectiveness judgements (SLAC, SIF or ILACS) of the same "
        "authority, each authority once",
        /* The cover and footers say what the data is (issue 18). */
        /* Ofsted's official statistics named first, press tables after (issue 15). */
        "Sources: Ofsted, LA inspection outcomes as at 31 March 2025; Ofsted, Children's social "
        "care data in England 2023 (official statistics); tables from press articles: BBC News",
        "Data: Ofsted, LA inspection outcomes as at 31 March 2025, and 3 other sources",
        /* 2,759 since the 2023 workbook brought the 2009-2018 history. */
        "Computed from 2,759 judgements",
        "rose from 538,000 in 2008 to 605,100 in 2012",
        "Contents",
        "Methodology and sources",
        /* Issue 12: the CPI inspections of 2012-13 from rows, paired with the
         * published figure of the same 50 and said to be equal. */
        "the child protection inspections (CPI) of 2012\u201313 (50 inspections, published 13 "
        "July 2012 to 16 August 2013) were 17 inadequate, 29 adequate, 4 good and 0 outstanding "
        "of 50, equal to the published figures for the same 50 inspections",
        "None: equal, the same 50 inspections",
        /* The 18 unannounced inspections the article lists, as it counts them:
         * the same thing, so compared (not "not compared"). */
        "9 of 18 (50.0%) 9 of 18 (50.0%) 0.0 points None: the same inspections, as the source "
        "that lists them counts them",
        /* Issue 15: the 2013 safeguarding position, with its base and kind,
         * reconciled with the annual report's published figures. */
        "As at 31 March 2013, 20 of 152 (13.2%) authorities were inadequate and 65 of 152 "
        "(42.8%) good or outstanding for safeguarding (each one's most recent judgement: a "
        "position), as in Ofsted's published position",
        "The position as at 31 March 2013, as published",
        "118 under SLAC and 34 under CP 2012; a position, not the inspections made in a year",
        "Yes: 42.8% is 40% to the nearest 10 points",
        /* The two 2013 figures name their judgement families and why they differ. */
        "The table of positions above counts each authority's most recent overall "
        "effectiveness judgement, 17 of 152 (11.2%) inadequate as at 31 March 2013; this "
        "position counts its most recent safeguarding judgement, the family Ofsted's annual "
        "report counted, 20 of 152 (13.2%) inadequate",
        /* Headline changes compare positions as at 31 March: a year earlier and
         * the first full year of ILACS, N of BASE (issue 15). */
        "England's position as at 31 March 2025 against earlier dates",
        "Good or better 69 of 152 (45.4%) 91 of 151 (60.3%) 103 of 153 (67.3%) +7.1 points "
        "+21.9 points",
        "Inadequate 22 of 152 (14.5%) 17 of 151 (11.3%) 19 of 153 (12.4%) +1.2 points \u22122.1 "
        "points",
        "104 under SIF and 48 under ILACS",
        "A secondary figure: the changes the sources published between two years",
        /* The authorities tables show dates, not years (issue 15), the current
         * regime and SIF first, then the earlier regimes. */
        "Barnet London Inadequate, 7 July 2017 Good, 13 May 2019 Good, 10 June 2024",
        "Bedfordshire (until 31 March 2009)",
        "Open Government Licence",
        "Page 2 of",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(text, want[i]) != NULL, "pdftotext lacks '%s'", want[i]);
    /* What a person reads has no internal ids, no ISO dates, no unlabelled
     * flows passed off as trends and no subtraction across bases (issues 15, 18). */
    const char *never[] = {
        "gradebrief bundled data", "overall_effectiveness", "staying_safe", "as at 2025-03-31",
        "2008-11-24", "-66.0 points", "\u221266.0 points", "differ by 1.0 points", "2759",
        "Sources: The Independent", "Counting the 34 councils in the 2013 table",
        "computed 12 of 34 (35.3%), published 20 of 152",
        /* No flow-to-flow changes in the headline changes. */
        "Inspections made in 2024: 39 of 49", "Headline shares, 2006 and 2007",
        "Data: The Independent", "Adequate / RI", "across regimes on the common four-level scale",
        /* Long file names break at '_', '-' or '.', never mid-word, and the
         * zero-width spaces that allow it are not in the text. */
        "Inspection_O utcomes", "\u200b",
        /* A regime of one year is "2013", not a span. */
        "2013\u20132013"};
    for (gsize i = 0; i < G_N_ELEMENTS(never); i++)
        ck_assert_msg(strstr(text, never[i]) == NULL, "pdftotext has '%s'", never[i]);
    /* Every authority's name, from the register, is in the table. */
    GbRef *ref;
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
    for (guint i = 0; i < ref->authorities->len; i++) {
        const char *name = gb_ref_authority(ref, (int)i)->name;
        ck_assert_msg(strstr(text, name) != NULL, "the briefing never names %s", name);
    }
    gb_ref_free(ref);
    g_free(text);
    g_free(raw);
}
END_TEST

START_TEST(test_checks)
{
    build_once();
    int rc;
    char *out = tool(QPDF, "--check", "@", &rc);
    ck_assert_msg(rc == 0, "qpdf --check exit %d:\n%s", rc, out);
    g_free(out);
    out = tool(PDFFONTS, "@", NULL, &rc);
    ck_assert_int_eq(rc, 0);
    char **lines = g_strsplit(out, "\n", -1);
    int fonts = 0;
    for (char **l = lines + 2; *l != NULL && **l; l++, fonts++)
        ck_assert_msg(strstr(*l, " yes yes yes ") != NULL,
                      "font not embedded as a subset "
                      "with ToUnicode: %s",
                      *l);
    ck_assert_int_gt(fonts, 0);
    g_strfreev(lines);
    g_free(out);
}
END_TEST

START_TEST(test_structure)
{
    build_once();
    int rc;
    char *out = tool(PDFINFO, "-struct", "@", &rc);
    ck_assert_int_eq(rc, 0);
    const char *want[] = {"Document", "Sect",  "H1", "H2", "P",   "Figure",
                          "Caption",  "Table", "TR", "TH", "TD",  "TOC",
                          "TOCI",     "Link",  "L",  "LI", "Lbl", "LBody"};
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++) {
        char *needle = g_strdup_printf("\n%*s%s", 0, "", want[i]);
        gboolean found = FALSE;
        char **lines = g_strsplit(out, "\n", -1);
        for (char **l = lines; *l != NULL && !found; l++) {
            char *t = g_strstrip(g_strdup(*l));
            found = g_str_has_prefix(t, want[i]) &&
                    (t[strlen(want[i])] == '\0' || t[strlen(want[i])] == ' ' ||
                     t[strlen(want[i])] == ':'); /* "TH:" when it has attributes */
            g_free(t);
        }
        g_strfreev(lines);
        ck_assert_msg(found, "no %s element in the structure tree", want[i]);
        g_free(needle);
    }
    g_free(out);
    /* Every Figure has /Alt, and the document its language. */
    char *bytes;
    gsize len;
    ck_assert(g_file_get_contents(pdf_path, &bytes, &len, NULL));
    int with, without;
    char *lang = NULL;
    gboolean display_title = FALSE;
    ck_assert(
        gb_test_pdf_inspect((const guint8 *)bytes, len, &with, &without, &lang, &display_title));
    ck_assert_int_ge(with, 6);
    ck_assert_int_eq(without, 0);
    ck_assert_str_eq(lang, "en-GB");
    ck_assert(display_title);
    g_free(lang);
    g_free(bytes);
    /* The outline has an entry per section. */
    out = tool3(QPDF, "--json", "--json-key=outlines", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(out, "1. Key findings"));
    ck_assert_ptr_nonnull(strstr(out, "Methodology and sources"));
    g_free(out);
}
END_TEST

START_TEST(test_companions)
{
    build_once();
    const char *files[] = {"charts/distribution.svg",
                           "charts/distribution.png",
                           "charts/map.svg",
                           "charts/map.png",
                           "tables/authorities.csv",
                           "tables/findings.csv",
                           "tables/reconciliation.csv",
                           "tables/distributions.csv"};
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *p = g_build_filename(workdir, "out", files[i], NULL);
        ck_assert_msg(g_file_test(p, G_FILE_TEST_IS_REGULAR), "%s missing", files[i]);
        g_free(p);
    }
    char *p = g_build_filename(workdir, "out", "tables", "distributions.csv", NULL), *csv;
    ck_assert(g_file_get_contents(p, &csv, NULL, NULL));
    /* Tidy and numeric: count, base and percent in their own columns (issue 15 §7). */
    ck_assert_ptr_nonnull(strstr(csv, "regime,year,kind,period_from,period_to,partial,series,"
                                      "grade,count,base,percent\r\n"));
    ck_assert_ptr_nonnull(strstr(csv, "APA,2007,inspections,2007-01-01,2007-12-31,false,"
                                      "computed,Outstanding,12,150,8.0\r\n"));
    ck_assert_ptr_nonnull(strstr(csv, "ILACS,2025,inspections,2025-01-01,2025-03-31,true,"
                                      "computed,Good or better,9,11,81.8\r\n"));
    ck_assert_ptr_null(strstr(csv, "%"));
    g_free(csv);
    g_free(p);
    /* Changes as numbers, authority rows with DfE and ONS codes, positions tidy. */
    static const struct {
        const char *file, *want;
    } tidy[] = {
        /* Positions as at 31 March, not flows (issue 15): a year earlier and 2019. */
        {"changes.csv", "family,measure,from_as_at,from_count,from_base,from_percent,to_as_at,"
                        "to_count,to_base,to_percent,change_points\r\n"},
        {"changes.csv", "Overall effectiveness,Good or better,2024-03-31,91,151,60.3,2025-03-31,"
                        "103,153,67.3,7.1\r\n"},
        {"changes.csv", "Overall effectiveness,Inadequate,2019-03-31,22,152,14.5,2025-03-31,19,"
                        "153,12.4,-2.1\r\n"},
        {"published-changes.csv", "APA,Outstanding,published,2006,,16.0,2007,137,9.0,-7.0\r\n"},
        {"authorities.csv", "Barnet,302,E09000003,London,,,ILACS,latest,Good,2024,2024-06-10\r\n"},
        {"movers.csv", "from_regime,from_grade,from_date,from_year,from_authority,to_regime,"},
        {"positions.csv",
         "2025-03-31,Overall effectiveness,England,153,153,Inadequate,19,12.4\r\n"},
        {"reconciliation.csv", "2007,APA,Inadequate,5,150,3.3,5,150,3.3,0.0,"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(tidy); i++) {
        p = g_build_filename(workdir, "out", "tables", tidy[i].file, NULL);
        ck_assert_msg(g_file_get_contents(p, &csv, NULL, NULL), "%s missing", tidy[i].file);
        ck_assert_msg(strstr(csv, tidy[i].want) != NULL, "%s lacks '%s'", tidy[i].file,
                      tidy[i].want);
        ck_assert_msg(strstr(csv, " points") == NULL && strstr(csv, "'") == NULL,
                      "%s has a change as text", tidy[i].file);
        g_free(csv);
        g_free(p);
    }
}
END_TEST

static gint
gb__cmp_path(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static GByteArray *
slurp_tree(const char *dir)
{
    /* Every file under dir, names and bytes, in name order; not the stat
     * cache (manifest.stat: inodes and times, the folder's own state). */
    GByteArray *all = g_byte_array_new();
    const char *subs[] = {"", "charts", "tables"};
    for (gsize s = 0; s < G_N_ELEMENTS(subs); s++) {
        char *d = g_build_filename(dir, subs[s], NULL);
        GDir *gd = g_dir_open(d, 0, NULL);
        GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
        const char *n;
        while (gd != NULL && (n = g_dir_read_name(gd)) != NULL)
            g_ptr_array_add(names, g_strdup(n));
        if (gd != NULL)
            g_dir_close(gd);
        g_ptr_array_sort(names, gb__cmp_path);
        for (guint i = 0; i < names->len; i++) {
            char *p = g_build_filename(d, g_ptr_array_index(names, i), NULL);
            char *bytes;
            gsize len;
            if (g_file_test(p, G_FILE_TEST_IS_REGULAR) &&
                strcmp(g_ptr_array_index(names, i), "manifest.stat") != 0 &&
                g_file_get_contents(p, &bytes, &len, NULL)) {
                g_byte_array_append(all, (const guint8 *)p + strlen(dir),
                                    (guint)strlen(p) - (guint)strlen(dir));
                g_byte_array_append(all, (const guint8 *)bytes, (guint)len);
                g_free(bytes);
            }
            g_free(p);
        }
        g_ptr_array_free(names, TRUE);
        g_free(d);
    }
    return all;
}

START_TEST(test_deterministic)
{
    build_once();
    char *first = g_build_filename(workdir, "out", NULL);
    char *second = g_build_filename(workdir, "again", NULL);
    const char *argv[] = {GB_BINARY, "build", "-o", "again", NULL};
    char *out, *err;
    ck_assert_int_eq(run(argv, &out, &err), 0);
    g_free(out);
    g_free(err);
    GByteArray *a = slurp_tree(first), *b = slurp_tree(second);
    ck_assert_msg(a->len == b->len && memcmp(a->data, b->data, a->len) == 0,
                  "two builds from the same data differ");
    g_byte_array_unref(a);
    g_byte_array_unref(b);
    g_free(first);
    g_free(second);
}
END_TEST

START_TEST(test_failed_run_keeps_previous)
{
    build_once();
    char *before;
    gsize before_len;
    ck_assert(g_file_get_contents(pdf_path, &before, &before_len, NULL));
    char *bad = g_build_filename(workdir, "bad.csv", NULL);
    ck_assert(g_file_set_contents(bad,
                                  "authority,year,regime,judgement,grade\n"
                                  "Barnet,2006,apa,staying_safe,Excellent\n",
                                  -1, NULL));
    const char *argv[] = {GB_BINARY, "build", "bad.csv", NULL};
    char *out, *err;
    ck_assert_int_eq(run(argv, &out, &err), 65);
    ck_assert_ptr_nonnull(strstr(err, "bad.csv:2:30: unknown grade"));
    char *after;
    gsize after_len;
    ck_assert(g_file_get_contents(pdf_path, &after, &after_len, NULL));
    ck_assert(before_len == after_len && memcmp(before, after, before_len) == 0);
    /* No temporary file left next to it. */
    char *dir = g_path_get_dirname(pdf_path);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    while ((n = g_dir_read_name(d)) != NULL)
        ck_assert_msg(strcmp(n, "briefing.pdf") == 0 || strcmp(n, "briefing.html") == 0 ||
                          strcmp(n, "briefing.docx") == 0 || strcmp(n, "charts") == 0 ||
                          strcmp(n, "tables") == 0 || strcmp(n, "manifest.ini") == 0 ||
                          strcmp(n, "manifest.stat") == 0 || strcmp(n, "figures.csv") == 0 ||
                          strcmp(n, "changes.csv") == 0,
                      "unexpected file %s in the output folder", n);
    g_dir_close(d);
    /* A bad config is refused before anything is written, with its line. */
    char *ini = g_build_filename(workdir, "b.ini", NULL);
    ck_assert(g_file_set_contents(ini, "[briefing]\ntitle=T\ncolour=red\n", -1, NULL));
    const char *argv2[] = {GB_BINARY, "build", "-c", "b.ini", NULL};
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(argv2, &out, &err), 65);
    ck_assert_ptr_nonnull(strstr(err, "b.ini:3:1: unknown key 'colour'"));
    g_free(out);
    g_free(err);
    ck_assert(g_file_set_contents(ini, "[briefing]\n# comment\npalette=sepia\n", -1, NULL));
    ck_assert_int_eq(run(argv2, &out, &err), 65);
    ck_assert_ptr_nonnull(strstr(err, "b.ini:3:1: palette 'sepia' is not default or greyscale"));
    g_free(out);
    g_free(err);
    ck_assert(g_file_set_contents(ini, "[briefing]\npage_size=A5\n", -1, NULL));
    ck_assert_int_eq(run(argv2, &out, &err), 65);
    ck_assert_ptr_nonnull(strstr(err, "b.ini:2:1: page_size 'A5' is not A4 or Letter"));
    g_free(out);
    g_free(err);
    g_free(ini);
    g_free(dir);
    g_free(bad);
    g_free(before);
    g_free(after);
}
END_TEST

/* briefing.html: from the same tree, every authority named, every figure
 * with its alt text and a data table; --formats html writes no PDF. */
START_TEST(test_html)
{
    build_once();
    char *path = g_build_filename(workdir, "out", "briefing.html", NULL), *page;
    ck_assert(g_file_get_contents(path, &page, NULL, NULL));
    int figures = 0, descs = 0, data = 0;
    for (const char *p = page; (p = strstr(p, "<figure ")) != NULL; p++)
        figures++;
    for (const char *p = page; (p = strstr(p, "<desc id=\"f")) != NULL; p++)
        descs++;
    for (const char *p = page; (p = strstr(p, "-data\">")) != NULL; p++)
        data++;
    ck_assert_int_eq(figures, 6);
    ck_assert_int_eq(descs, 6);
    /* Five figures' data tables inside them; the map's is its key, after it. */
    ck_assert_int_eq(data, 5);
    GbRef *ref;
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
    for (guint i = 0; i < ref->authorities->len; i++) {
        GString *esc = g_string_new(NULL);
        for (const char *c = gb_ref_authority(ref, (int)i)->name; *c; c++)
            if (*c == '&')
                g_string_append(esc, "&amp;");
            else
                g_string_append_c(esc, *c);
        ck_assert_msg(strstr(page, esc->str) != NULL, "the HTML never names %s", esc->str);
        g_string_free(esc, TRUE);
    }
    gb_ref_free(ref);
    ck_assert_ptr_null(strstr(page, "<script"));
    ck_assert_ptr_null(strstr(page, "http://www.w3.org/2000/svg\" width="));
    /* The authorities in two tables, each captioned with its regimes. */
    ck_assert_ptr_nonnull(strstr(page, "Every authority's latest headline judgement under SIF "
                                       "and ILACS, with its date"));
    ck_assert_ptr_nonnull(strstr(page, "Every authority's latest headline judgement under APA, "
                                       "Unannounced, SLAC, CP 2012 and TLAC, with its date"));
    /* The dumbbell's alt text: positions with their bases, not flows. */
    ck_assert_ptr_nonnull(strstr(page, "Since a year earlier, Good or better: 91 of 151 (60.3%) "
                                       "as at 31 March 2024, 103 of 153 (67.3%) as at 31 March "
                                       "2025 (+7.1 points)."));
    ck_assert_ptr_nonnull(strstr(page, "Since the baseline, Inadequate: 22 of 152 (14.5%) as at "
                                       "31 March 2019, 19 of 153 (12.4%) as at 31 March 2025 "
                                       "(-2.1 points)."));
    g_free(page);
    g_free(path);
    const char *argv[] = {GB_BINARY, "build", "-q", "--formats", "html", "-o", "h", NULL};
    char *out, *err;
    ck_assert_int_eq(run(argv, &out, &err), 0);
    g_free(out);
    g_free(err);
    char *h = g_build_filename(workdir, "h", "briefing.html", NULL);
    char *p = g_build_filename(workdir, "h", "briefing.pdf", NULL);
    ck_assert(g_file_test(h, G_FILE_TEST_IS_REGULAR));
    ck_assert(!g_file_test(p, G_FILE_TEST_EXISTS));
    g_free(h);
    g_free(p);
}
END_TEST

/* The text of page n of the briefing, white space collapsed. */
static char *
page_text(int n)
{
    char first[16];
    g_snprintf(first, sizeof first, "%d", n);
    const char *argv[] = {PDFTOTEXT, "-f", first, "-l", first, pdf_path, "-", NULL};
    char *out, *err;
    ck_assert_int_eq(run(argv, &out, &err), 0);
    g_free(err);
    char *s = squash(out);
    g_free(out);
    return s;
}

/* The tile codes have a key (issue 18): a table right after the map, with a
 * caption, column and row headers, in the HTML, the PDF and tables/; the map
 * stays whole on its page and the key starts there or on the next. */
START_TEST(test_map_key)
{
    build_once();
    char *path = g_build_filename(workdir, "out", "briefing.html", NULL), *page;
    ck_assert(g_file_get_contents(path, &page, NULL, NULL));
    const char *html[] = {
        "</figure>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
        "aria-labelledby=\"t-map-key-cap\">\n<table id=\"t-map-key\">",
        "<caption id=\"t-map-key-cap\">Key to figure 5: the code on each tile, the authority "
        "it stands for, its region and its latest grade as at 31 March 2025</caption>",
        "<tr><th scope=\"col\">Code</th><th scope=\"col\">Authority</th><th "
        "scope=\"col\">Region</th><th scope=\"col\">Latest grade</th></tr>",
        "<tr><th scope=\"row\">Nrt</th><td>North Tyneside</td><td>North East</td><td "
        "class=\"g0\">Outstanding</td></tr>",
        "<title>North Tyneside (Nrt): Outstanding</title>",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(html); i++)
        ck_assert_msg(strstr(page, html[i]) != NULL, "the HTML lacks %s", html[i]);
    /* One row a tile, the 153 authorities of 31 March 2025, none abolished. */
    const char *body = strstr(page, "<table id=\"t-map-key\">");
    const char *end = strstr(body, "</table>");
    int rows = 0;
    for (const char *p = body; (p = strstr(p, "<th scope=\"row\">")) != NULL && p < end; p++)
        rows++;
    ck_assert_int_eq(rows, 153);
    ck_assert(g_strstr_len(body, end - body, ">Cumbria<") == NULL);
    g_free(page);
    g_free(path);
    /* In the PDF: the page of the map's caption has the whole map (its title,
     * its legend), and the key's header row is on it or on the page after. */
    int rc;
    char *info = tool(PDFINFO, "@", NULL, &rc);
    int pages = atoi(strstr(info, "Pages:") + 6);
    g_free(info);
    int map_page = 0, key_page = 0;
    for (int n = 1; n <= pages && key_page == 0; n++) {
        char *t = page_text(n);
        if (strstr(t, "Figure 5: Latest overall effectiveness by authority, 31 March 2025")) {
            map_page = n;
            ck_assert_msg(strstr(t, "One hexagon per authority") != NULL &&
                              strstr(t, "Source: Ofsted. Tile layout") != NULL,
                          "page %d has the map's caption but not the whole map", n);
        }
        if (map_page > 0 && strstr(t, "Code Authority Region Latest grade") != NULL)
            key_page = n;
        if (map_page > 0 && key_page == 0)
            ck_assert_msg(n == map_page, "no key on page %d or %d", map_page, n);
        g_free(t);
    }
    ck_assert_msg(map_page > 0 && key_page > 0, "map on page %d, key on %d", map_page, key_page);
    char *raw = tool(PDFTOTEXT, "@", "-", &rc), *text = squash(raw);
    ck_assert_ptr_nonnull(strstr(text, "Nrt North Tyneside North East Outstanding"));
    ck_assert_ptr_nonnull(strstr(text, "Bar Barnet London Good"));
    g_free(text);
    g_free(raw);
    /* For analysts: the codes with the DfE and ONS codes and an ISO date. */
    char *csv_path = g_build_filename(workdir, "out", "tables", "map-key.csv", NULL), *csv;
    ck_assert(g_file_get_contents(csv_path, &csv, NULL, NULL));
    ck_assert(g_str_has_prefix(csv, "tile_code,authority,dfe_code,ons_code,region,as_at,grade"));
    ck_assert_ptr_nonnull(
        strstr(csv, "Nrt,North Tyneside,392,E08000022,North East,2025-03-31,Outstanding"));
    g_free(csv);
    g_free(csv_path);
}
END_TEST

/* No text in the briefing is smaller than 8 pt, the chart kit's least size
 * (GB_SIZE_SMALL): pdftotext -bbox gives each word's box, 8.93 pt tall at 8 pt
 * in the pinned font. A chart label shrunk to fit (the trend's regime names
 * once went to 6 pt) fails here. */
START_TEST(test_no_tiny_text)
{
    build_once();
    const char *argv[] = {PDFTOTEXT, "-bbox", pdf_path, "-", NULL};
    char *xml, *err;
    ck_assert_int_eq(run(argv, &xml, &err), 0);
    g_free(err);
    int words = 0;
    for (const char *p = xml; (p = strstr(p, "<word xMin=")) != NULL; p++) {
        const char *y0 = strstr(p, "yMin=\""), *y1 = strstr(p, "yMax=\"");
        ck_assert(y0 != NULL && y1 != NULL);
        double h = g_ascii_strtod(y1 + 6, NULL) - g_ascii_strtod(y0 + 6, NULL);
        const char *w = strchr(p, '>') + 1;
        ck_assert_msg(h >= 8.9, "a word %.2f pt tall, under 8 pt: %.20s", h, w);
        words++;
    }
    ck_assert_int_gt(words, 1000);
    g_free(xml);
}
END_TEST

static Suite *
briefing_suite(void)
{
    Suite *s = suite_create("briefing");
    TCase *tc = tcase_create("briefing");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_info);
    tcase_add_test(tc, test_text);
    tcase_add_test(tc, test_checks);
    tcase_add_test(tc, test_structure);
    tcase_add_test(tc, test_companions);
    tcase_add_test(tc, test_html);
    tcase_add_test(tc, test_map_key);
    tcase_add_test(tc, test_no_tiny_text);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_failed_run_keeps_previous);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(briefing_suite());
}
