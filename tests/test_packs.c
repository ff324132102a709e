/* test_packs.c - per-authority packs: slugs, content, -j determinism, and the
 * incremental cases (edit a row, add an authority, change the config, delete an
 * output, corrupt the manifest). Runs the real binary. */
#include "output/slug.h"
#include "testutil.h"

#include <string.h>
#include <sys/wait.h>
#include <utime.h>

static int
run(const char *cwd, const char *const *argv, char **out, char **err)
{
    return gb_test_run(cwd, argv, out, err);
}

START_TEST(test_slugs)
{
    GbRef *ref;
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < ref->authorities->len; i++) {
        char *slug = gb_slug_authority(ref, (int)i);
        for (const char *p = slug; *p; p++)
            ck_assert_msg(g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '-', "unsafe slug %s",
                          slug);
        ck_assert(slug[0] != '-' && slug[strlen(slug) - 1] != '-');
        ck_assert_msg(g_hash_table_add(seen, slug), "two authorities share the slug %s", slug);
        /* Every alias makes a safe slug as well. */
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        for (guint k = 0; k < a->aliases->len; k++) {
            char *s = gb_slug(g_ptr_array_index(a->aliases, k));
            ck_assert(strchr(s, '/') == NULL && strchr(s, '.') == NULL && *s != '\0');
            g_free(s);
        }
    }
    char *s = gb_slug("../../etc/passwd");
    ck_assert_str_eq(s, "etc-passwd");
    g_free(s);
    s = gb_slug("Kingston upon Thames");
    ck_assert_str_eq(s, "kingston-upon-thames");
    g_free(s);
    s = gb_slug("///");
    ck_assert_str_eq(s, "authority");
    g_free(s);
    g_hash_table_destroy(seen);
    gb_ref_free(ref);
}
END_TEST

static char *
text_of(const char *pdf)
{
    const char *argv[] = {PDFTOTEXT, pdf, "-", NULL};
    char *out, *err;
    ck_assert_int_eq(run(NULL, argv, &out, &err), 0);
    g_free(err);
    GString *o = g_string_new(NULL); /* white space collapsed */
    for (const char *p = out; *p; p++) {
        if (g_ascii_isspace(*p)) {
            if (o->len && o->str[o->len - 1] != ' ')
                g_string_append_c(o, ' ');
        } else {
            g_string_append_c(o, *p);
        }
    }
    g_free(out);
    return g_string_free(o, FALSE);
}

/* The text of one page, whitespace folded. */
static char *
page_text(const char *pdf, int page)
{
    char num[16];
    g_snprintf(num, sizeof num, "%d", page);
    const char *argv[] = {PDFTOTEXT, "-f", num, "-l", num, pdf, "-", NULL};
    char *out, *err;
    ck_assert_int_eq(run(NULL, argv, &out, &err), 0);
    g_free(err);
    GString *o = g_string_new(NULL);
    for (const char *p = out; *p; p++) {
        if (g_ascii_isspace(*p)) {
            if (o->len && o->str[o->len - 1] != ' ')
                g_string_append_c(o, ' ');
        } else {
            g_string_append_c(o, *p);
        }
    }
    g_free(out);
    return g_string_free(o, FALSE);
}

static int
pages_of(const char *pdf)
{
    const char *argv[] = {PDFINFO, pdf, NULL};
    char *out, *err;
    ck_assert_int_eq(run(NULL, argv, &out, &err), 0);
    const char *p = strstr(out, "Pages:");
    int n = p ? atoi(p + 6) : 0;
    g_free(out);
    g_free(err);
    return n;
}

START_TEST(test_content)
{
    char *dir = gb_test_tmpdir("gbpacks");
    const char *argv[] = {GB_BINARY,
                          "packs",
                          "-q",
                          "-o",
                          "p",
                          "-a",
                          "Hertfordshire",
                          "-a",
                          "North Northamptonshire",
                          "-a",
                          "Barnsley",
                          NULL};
    char *out, *err;
    ck_assert_msg(run(dir, argv, &out, &err) == 0, "%s", err);
    g_free(out);
    g_free(err);
    const struct {
        const char *file, *want[4];
    } cases[] = {
        {"hertfordshire.pdf",
         {"Hertfordshire: children's services inspections", "Where it stands",
          "Since the previous inspection", "East of England"}},
        {"north-northamptonshire.pdf",
         {"North Northamptonshire was formed on 1 April 2021 from Northamptonshire",
          "Inadequate (as Northamptonshire)", "West Northamptonshire", "East Midlands"}},
        {"barnsley.pdf",
         {"DfE code 370", "Yorkshire and the Humber", "statistical neighbours", NULL}},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *pdf = g_build_filename(dir, "p", cases[i].file, NULL);
        int n = pages_of(pdf);
        ck_assert_msg(n >= 2 && n <= 4, "%s has %d pages", cases[i].file, n);
        char *text = text_of(pdf);
        for (int k = 0; k < 4 && cases[i].want[k]; k++)
            ck_assert_msg(strstr(text, cases[i].want[k]) != NULL, "%s lacks '%s'", cases[i].file,
                          cases[i].want[k]);
        g_free(text);
        g_free(pdf);
    }
    /* The first page is the summary: judgements, estimate, visits, the three figures. */
    const struct {
        const char *file, *want[6];
    } firsts[] = {
        {"hertfordshire.pdf",
         {"Summary as at 31 March 2025", "Next inspection (estimate)",
          "Focused and monitoring visits", "Position as at 31 March, 2018\u2013",
          "Hertfordshire outlined", "Hertfordshire: inspection judgements over time"}},
        {"north-northamptonshire.pdf",
         {"Summary as at 31 March 2025", "Requires improvement", "Source: Ofsted's ILACS framework",
          "as Northamptonshire, before North Northamptonshire existed",
          "North Northamptonshire outlined", "inspection judgements over time"}},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(firsts); i++) {
        char *pdf = g_build_filename(dir, "p", firsts[i].file, NULL);
        char *text = page_text(pdf, 1);
        for (int k = 0; k < 6; k++)
            ck_assert_msg(strstr(text, firsts[i].want[k]) != NULL, "%s page 1 lacks '%s':\n%s",
                          firsts[i].file, firsts[i].want[k], text);
        /* The detail starts on page 2. */
        ck_assert_ptr_null(strstr(text, "Where it stands"));
        g_free(text);
        g_free(pdf);
    }
    char *index = g_build_filename(dir, "p", "index.csv", NULL), *csv;
    ck_assert(g_file_get_contents(index, &csv, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(csv, "authority,dfe_code,ons_code,file,pages\r\n"));
    ck_assert_ptr_nonnull(strstr(csv, "North Northamptonshire,940,E06000061,"
                                      "north-northamptonshire.pdf,"));
    g_free(csv);
    g_free(index);
    g_free(dir);
}
END_TEST

static gboolean same_file(const char *a, const char *b);

/* --formats: HTML and Word beside each PDF by default, one format alone on
 * request, an unknown one refused. */
START_TEST(test_formats)
{
    char *dir = gb_test_tmpdir("gbpackfmt");
    const char *both[] = {GB_BINARY, "packs", "-q", "-o", "b", "-a", "Leeds", NULL};
    const char *html[] = {GB_BINARY, "packs", "-q",        "-o",   "h",
                          "-a",      "Leeds", "--formats", "html", NULL};
    const char *bad[] = {GB_BINARY, "packs", "-q", "-o", "x", "--formats", "pdf,odt", NULL};
    char *out, *err;
    ck_assert_msg(run(dir, both, &out, &err) == 0, "%s", err);
    g_free(out);
    g_free(err);
    ck_assert_msg(run(dir, html, &out, &err) == 0, "%s", err);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(dir, bad, &out, &err), 64);
    ck_assert_ptr_nonnull(strstr(err, "--formats: unknown format 'odt'"));
    g_free(out);
    g_free(err);
    const struct {
        const char *path;
        gboolean exists;
    } files[] = {
        {"b/leeds.pdf", TRUE},  {"b/leeds.html", TRUE}, {"b/leeds.docx", TRUE},
        {"h/leeds.html", TRUE}, {"h/leeds.pdf", FALSE}, {"h/leeds.docx", FALSE},
        {"x", FALSE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *p = g_build_filename(dir, files[i].path, NULL);
        ck_assert_msg(g_file_test(p, G_FILE_TEST_EXISTS) == files[i].exists, "%s %s", files[i].path,
                      files[i].exists ? "missing" : "written");
        g_free(p);
    }
    /* The same page whichever formats were asked for; its figure has alt text
     * and a data table, and every neighbour is named. */
    char *a = g_build_filename(dir, "b", "leeds.html", NULL);
    char *b = g_build_filename(dir, "h", "leeds.html", NULL), *page;
    ck_assert(same_file(a, b));
    ck_assert(g_file_get_contents(a, &page, NULL, NULL));
    const char *want[] = {"<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en-GB\"",
                          "Leeds: children's services inspections",
                          "role=\"img\"",
                          "<desc id=\"f1-desc\">",
                          "<table id=\"figure-1-data\">",
                          "<th scope=\"row\">",
                          "Where it stands"};
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(page, want[i]) != NULL, "leeds.html lacks '%s'", want[i]);
    ck_assert_ptr_null(strstr(page, "<script"));
    g_free(page);
    g_free(a);
    g_free(b);
    g_free(dir);
}
END_TEST

static gboolean
same_file(const char *a, const char *b)
{
    char *x = NULL, *y = NULL;
    gsize lx, ly;
    gboolean same = g_file_get_contents(a, &x, &lx, NULL) &&
                    g_file_get_contents(b, &y, &ly, NULL) && lx == ly && memcmp(x, y, lx) == 0;
    g_free(x);
    g_free(y);
    return same;
}

START_TEST(test_jobs_identical)
{
    char *dir = gb_test_tmpdir("gbpacks");
    const char *names[] = {"Leeds", "Kent", "Dorset", "Cumberland", "City of London", "Wigan"};
    for (int j = 1; j <= 2; j++) {
        GPtrArray *argv = g_ptr_array_new();
        g_ptr_array_add(argv, (gpointer)GB_BINARY);
        g_ptr_array_add(argv, (gpointer) "packs");
        g_ptr_array_add(argv, (gpointer) "-q");
        g_ptr_array_add(argv, (gpointer) "-j");
        g_ptr_array_add(argv, (gpointer)(j == 1 ? "1" : "2"));
        g_ptr_array_add(argv, (gpointer) "-o");
        g_ptr_array_add(argv, (gpointer)(j == 1 ? "one" : "two"));
        for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
            g_ptr_array_add(argv, (gpointer) "-a");
            g_ptr_array_add(argv, (gpointer)names[i]);
        }
        g_ptr_array_add(argv, NULL);
        char *out, *err;
        ck_assert_int_eq(run(dir, (const char *const *)argv->pdata, &out, &err), 0);
        g_free(out);
        g_free(err);
        g_ptr_array_free(argv, TRUE);
    }
    const char *files[] = {"leeds.pdf",          "kent.pdf",  "dorset-838.pdf", "cumberland.pdf",
                           "city-of-london.pdf", "wigan.pdf", "index.csv"};
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *a = g_build_filename(dir, "one", files[i], NULL);
        char *b = g_build_filename(dir, "two", files[i], NULL);
        ck_assert_msg(same_file(a, b), "%s differs between -j1 and -j2", files[i]);
        g_free(a);
        g_free(b);
    }
    g_free(dir);
}
END_TEST

/* Runs packs for a fixed set in dir and returns "N written, M up to date". */
static char *
packs(const char *dir, const char *const *extra)
{
    GPtrArray *argv = g_ptr_array_new();
    const char *base[] = {GB_BINARY, "packs", "-o", "p",      "-a", "Leeds",
                          "-a",      "Kent",  "-a", "Barnet", "-a", "Wigan"};
    for (gsize i = 0; i < G_N_ELEMENTS(base); i++)
        g_ptr_array_add(argv, (gpointer)base[i]);
    for (const char *const *e = extra; e && *e; e++)
        g_ptr_array_add(argv, (gpointer)*e);
    g_ptr_array_add(argv, NULL);
    char *out, *err;
    int rc = run(dir, (const char *const *)argv->pdata, &out, &err);
    ck_assert_msg(rc == 0, "packs failed: %s", err);
    g_ptr_array_free(argv, TRUE);
    g_free(err);
    char *line = g_strdup(g_strstrip(out));
    g_free(out);
    return line;
}

static gint64
mtime_of(const char *dir, const char *file)
{
    char *p = g_build_filename(dir, "p", file, NULL);
    GStatBuf st;
    ck_assert_int_eq(g_stat(p, &st), 0);
    g_free(p);
    return (gint64)st.st_mtime;
}

START_TEST(test_incremental)
{
    char *dir = gb_test_tmpdir("gbpacks");
    char *r = packs(dir, NULL);
    ck_assert_str_eq(r, "4 written, 0 up to date (p)");
    g_free(r);
    /* Nothing changed: nothing written, files untouched. */
    char *leeds = g_build_filename(dir, "p", "leeds.pdf", NULL);
    ck_assert_int_eq(g_utime(leeds, &(struct utimbuf){1000000000, 1000000000}), 0);
    r = packs(dir, NULL);
    ck_assert_str_eq(r, "0 written, 4 up to date (p)");
    g_free(r);
    ck_assert_int_eq(mtime_of(dir, "leeds.pdf"), 1000000000);
    /* An edited row (a new old judgement for Leeds): only Leeds's pack. */
    char *row = g_build_filename(dir, "row.csv", NULL);
    ck_assert(g_file_set_contents(row,
                                  "authority,year,regime,judgement,grade\n"
                                  "Leeds,2006,apa,staying_safe,Good\n",
                                  -1, NULL));
    const char *with_row[] = {"row.csv", NULL};
    r = packs(dir, with_row);
    ck_assert_str_eq(r, "1 written, 3 up to date (p)");
    g_free(r);
    ck_assert_int_ne(mtime_of(dir, "leeds.pdf"), 1000000000);
    /* A deleted output is made again, alone. */
    char *kent = g_build_filename(dir, "p", "kent.pdf", NULL);
    ck_assert_int_eq(g_unlink(kent), 0);
    r = packs(dir, with_row);
    ck_assert_str_eq(r, "1 written, 3 up to date (p)");
    g_free(r);
    ck_assert(g_file_test(kent, G_FILE_TEST_IS_REGULAR));
    /* Other settings change every pack. */
    char *ini = g_build_filename(dir, "b.ini", NULL);
    ck_assert(g_file_set_contents(ini, "[briefing]\norganisation=Test Council\n", -1, NULL));
    const char *with_ini[] = {"row.csv", "-c", "b.ini", NULL};
    r = packs(dir, with_ini);
    ck_assert_str_eq(r, "4 written, 0 up to date (p)");
    g_free(r);
    /* A corrupt manifest means a full rebuild, not a crash and not a wrong skip. */
    char *manifest = g_build_filename(dir, "p", "manifest.ini", NULL);
    ck_assert(g_file_set_contents(manifest, "\x01garbage[[[\n", -1, NULL));
    r = packs(dir, with_ini);
    ck_assert_str_eq(r, "4 written, 0 up to date (p)");
    g_free(r);
    /* --force rewrites everything. */
    const char *forced[] = {"row.csv", "-c", "b.ini", "--force", NULL};
    r = packs(dir, forced);
    ck_assert_str_eq(r, "4 written, 0 up to date (p)");
    g_free(r);
    g_free(manifest);
    g_free(ini);
    g_free(kent);
    g_free(row);
    g_free(leeds);
    g_free(dir);
}
END_TEST

START_TEST(test_new_authority)
{
    /* A data folder with one more authority: it gets its pack and an index line. */
    char *dir = gb_test_tmpdir("gbpacks");
    char *data = g_build_filename(dir, "data", NULL);
    const char *copy[] = {"cp", "-r", GB_DATADIR, data, NULL};
    char *out, *err;
    ck_assert_int_eq(run(NULL, copy, &out, &err), 0);
    g_free(out);
    g_free(err);
    char *reg = g_build_filename(data, "authorities.csv", NULL), *text;
    ck_assert(g_file_get_contents(reg, &text, NULL, NULL));
    char *more = g_strconcat(text, "999,Testshire,E06999999,,South East,,,\n", NULL);
    ck_assert(g_file_set_contents(reg, more, -1, NULL));
    const char *argv[] = {GB_BINARY, "packs", "-q",        "-d", "data", "-o",
                          "p",       "-a",    "Testshire", "-a", "Kent", NULL};
    ck_assert_int_eq(run(dir, argv, &out, &err), 0);
    char *pdf = g_build_filename(dir, "p", "testshire.pdf", NULL);
    ck_assert(g_file_test(pdf, G_FILE_TEST_IS_REGULAR));
    char *t = text_of(pdf);
    ck_assert_ptr_nonnull(strstr(t, "no inspection under the current framework"));
    g_free(t);
    g_free(pdf);
    g_free(out);
    g_free(err);
    g_free(more);
    g_free(text);
    g_free(reg);
    g_free(data);
    g_free(dir);
}
END_TEST

/* The years on the timeline of a pack's first page, as pdftotext reads them
 * between the chart's subtitle and its source line ("CP 2012" is a regime,
 * not a year label), as "2007 2008 ..." in order. */
static char *
timeline_years(const char *pdf)
{
    const char *argv[] = {PDFTOTEXT, "-f", "1", "-l", "1", pdf, "-", NULL};
    char *out, *err;
    ck_assert_int_eq(run(NULL, argv, &out, &err), 0);
    g_free(err);
    /* The map beside the timeline may come between them in the text: its
     * source note (which names the years of two reorganisations) is cut out. */
    char *map_note = strstr(out, "Source: Ofsted. Tile layout");
    char *map_end = map_note ? strstr(map_note, "reorganisations.") : NULL;
    if (map_end != NULL)
        memset(map_note, ' ', (gsize)(map_end - map_note));
    const char *from = strstr(out, "on the common scale");
    const char *to = from ? strstr(from, "Source: Ofsted; press") : NULL;
    ck_assert_msg(from != NULL && to != NULL, "%s: no timeline on page 1", pdf);
    gboolean seen[3000] = {FALSE};
    for (const char *p = from; p + 4 <= to; p++) {
        if (!g_ascii_isdigit(p[0]) || !g_ascii_isdigit(p[1]) || !g_ascii_isdigit(p[2]) ||
            !g_ascii_isdigit(p[3]) || (p > from && g_ascii_isalnum(p[-1])) ||
            g_ascii_isalnum(p[4]) || (p - from >= 3 && strncmp(p - 3, "CP ", 3) == 0))
            continue;
        int y = atoi(p);
        if (y >= 1900 && y < 3000)
            seen[y] = TRUE;
    }
    g_free(out);
    GString *s = g_string_new(NULL);
    for (int y = 1900; y < 3000; y++)
        if (seen[y])
            g_string_append_printf(s, "%s%d", s->len ? " " : "", y);
    return g_string_free(s, FALSE);
}

/* One timeline axis in every pack (issue 18): the same years, from the data's
 * first to the as-at year, for a long history, an abolished authority named
 * with --authority, a successor and one formed in 2023. */
START_TEST(test_timeline_axis)
{
    char *dir = gb_test_tmpdir("gbpackaxis");
    const char *argv[] = {GB_BINARY,
                          "packs",
                          "-q",
                          "--formats",
                          "pdf",
                          "-o",
                          "p",
                          "-a",
                          "Barnet",
                          "-a",
                          "Cumbria",
                          "-a",
                          "North Northamptonshire",
                          "-a",
                          "Westmorland and Furness",
                          NULL};
    char *out, *err;
    ck_assert_msg(run(dir, argv, &out, &err) == 0, "%s", err);
    g_free(out);
    g_free(err);
    const char *files[] = {"barnet.pdf", "cumbria.pdf", "north-northamptonshire.pdf",
                           "westmorland-and-furness.pdf"};
    /* The same span in every pack; the labels between follow the chart's
     * width (every year at full width, as on an abolished authority's pack,
     * every other year beside the map on a first page). */
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *pdf = g_build_filename(dir, "p", files[i], NULL);
        char *years = timeline_years(pdf);
        ck_assert_msg(g_str_has_prefix(years, "2007 ") && g_str_has_suffix(years, " 2025"),
                      "%s: the axis reads '%s', not 2007 to 2025", files[i], years);
        g_free(years);
        g_free(pdf);
    }
    g_free(dir);
}
END_TEST

/* An abolished authority: a pack only when named, saying when it ended and
 * linking its successors' packs (PDF to PDF, HTML to HTML). */
START_TEST(test_abolished)
{
    char *dir = gb_test_tmpdir("gbpacksab");
    const char *argv[] = {GB_BINARY, "packs", "-q", "-o", "p", "-a", "Cumbria", NULL};
    char *out, *err;
    ck_assert_msg(run(dir, argv, &out, &err) == 0, "%s", err);
    g_free(out);
    g_free(err);
    char *pdf = g_build_filename(dir, "p", "cumbria.pdf", NULL);
    char *text = text_of(pdf);
    const char *want[] = {"abolished on 1 April 2023", "Cumbria ceased to exist on 1 April 2023",
                          "Cumberland: children's services inspections",
                          "Westmorland and Furness: children's services inspections"};
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(text, want[i]) != NULL, "cumbria.pdf lacks '%s'", want[i]);
    const char *never[] = {"data as at", "0 of 0", "Where it stands", "Neighbours"};
    for (gsize i = 0; i < G_N_ELEMENTS(never); i++)
        ck_assert_msg(strstr(text, never[i]) == NULL, "cumbria.pdf has '%s'", never[i]);
    g_free(text);
    const char *urls[] = {PDFINFO, "-url", pdf, NULL};
    ck_assert_int_eq(run(NULL, urls, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "cumberland.pdf"));
    ck_assert_ptr_nonnull(strstr(out, "westmorland-and-furness.pdf"));
    g_free(out);
    g_free(err);
    char *html = g_build_filename(dir, "p", "cumbria.html", NULL), *page;
    ck_assert(g_file_get_contents(html, &page, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(page, "href=\"cumberland.html\""));
    ck_assert_ptr_nonnull(strstr(page, "href=\"westmorland-and-furness.html\""));
    g_free(page);
    g_free(html);
    g_free(pdf);
    g_free(dir);
}
END_TEST

/* Every page of a pack names the data it shows, as the briefing's footer does
 * (it once said only "Made with gradebrief"), in the PDF and in Word. */
START_TEST(test_footer_names_data)
{
    char *dir = gb_test_tmpdir("gbpacksfoot");
    const char *argv[] = {GB_BINARY, "packs", "-q", "--formats", "pdf",
                          "-o",      "p",     "-a", "Barnet",    NULL};
    char *out, *err;
    ck_assert_msg(run(dir, argv, &out, &err) == 0, "%s", err);
    g_free(out);
    g_free(err);
    char *pdf = g_build_filename(dir, "p", "barnet.pdf", NULL);
    int pages = pages_of(pdf);
    for (int i = 1; i <= pages; i++) {
        char *text = page_text(pdf, i);
        ck_assert_msg(strstr(text, "Data: Ofsted, LA inspection outcomes as at 31 March 2025") !=
                          NULL,
                      "page %d of barnet.pdf does not name its data: %s", i, text);
        ck_assert_msg(strstr(text, "Made with gradebrief") == NULL, "page %d: %s", i, text);
        g_free(text);
    }
    g_free(pdf);
    g_free(dir);
}
END_TEST

static Suite *
packs_suite(void)
{
    Suite *s = suite_create("packs");
    TCase *tc = tcase_create("packs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_slugs);
    tcase_add_test(tc, test_content);
    tcase_add_test(tc, test_formats);
    tcase_add_test(tc, test_jobs_identical);
    tcase_add_test(tc, test_incremental);
    tcase_add_test(tc, test_new_authority);
    tcase_add_test(tc, test_timeline_axis);
    tcase_add_test(tc, test_abolished);
    tcase_add_test(tc, test_footer_names_data);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(packs_suite());
}
