/* test_asat.c - the one as-at date end to end (issue 15 §4): a copy of the
 * bundled data folder with an inspection made after the publication's 31
 * March (Barnet, 10 June 2025) added to its grades/; the real binary builds
 * the briefing and a pack from it, and the text of each PDF (pdftotext) and
 * each HTML file is scanned for every date it writes. Nothing dated after the
 * as-at date may appear, the run must report the left-out judgements, and
 * stats, chart, build and packs must agree on the date. */
#include "testutil.h"

#include <json-glib/json-glib.h>

#include <string.h>

#define AS_AT 20250331u

/* The five ILACS judgements of one inspection after the as-at date. */
static const char june[] = "authority,date,regime,judgement,grade\n"
                           "Barnet,2025-06-10,ilacs,overall_effectiveness,Inadequate\n"
                           "Barnet,2025-06-10,ilacs,leaders,Inadequate\n"
                           "Barnet,2025-06-10,ilacs,help_and_protection,Inadequate\n"
                           "Barnet,2025-06-10,ilacs,children_in_care,Requires improvement\n"
                           "Barnet,2025-06-10,ilacs,care_leavers,Good\n";

static const char *const warning = "5 judgements dated after the as-at date 2025-03-31 "
                                   "(briefing.ini) left out: 2025-06-10 to 2025-06-10";

static void
copy_tree(const char *from, const char *to)
{
    ck_assert_int_eq(g_mkdir_with_parents(to, 0755), 0);
    GDir *d = g_dir_open(from, 0, NULL);
    ck_assert_ptr_nonnull(d);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        char *a = g_build_filename(from, name, NULL), *b = g_build_filename(to, name, NULL);
        if (g_file_test(a, G_FILE_TEST_IS_DIR)) {
            copy_tree(a, b);
        } else {
            char *bytes;
            gsize len;
            ck_assert(g_file_get_contents(a, &bytes, &len, NULL));
            ck_assert(g_file_set_contents(b, bytes, (gssize)len, NULL));
            g_free(bytes);
        }
        g_free(a);
        g_free(b);
    }
    g_dir_close(d);
}

/* Text with tags removed and entities of the few kinds written decoded,
 * white space collapsed (pdftotext wraps lines; HTML has markup). */
static char *
plain(const char *s, gboolean html)
{
    GString *o = g_string_new(NULL);
    gboolean tag = FALSE, space = FALSE;
    for (const char *p = s; *p; p++) {
        if (html && *p == '<') {
            tag = TRUE;
            continue;
        }
        if (html && tag) {
            if (*p == '>') {
                tag = FALSE;
                space = TRUE;
            }
            continue;
        }
        if (html && *p == '&') {
            static const struct {
                const char *ent, *text;
            } ents[] = {{"&amp;", "&"}, {"&nbsp;", " "}, {"&#160;", " "}};
            gboolean done = FALSE;
            for (gsize k = 0; k < G_N_ELEMENTS(ents) && !done; k++)
                if (g_str_has_prefix(p, ents[k].ent)) {
                    g_string_append(o, ents[k].text);
                    p += strlen(ents[k].ent) - 1;
                    done = TRUE;
                }
            if (done)
                continue;
        }
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

static const char *const months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

/* A source cited with its publication date: "Ofsted, LA inspection outcomes
 * as at 31 March 2025 (...), 25 September 2025". A publication is dated when
 * it appeared, after the date its figures are as at; that is the one date
 * after the as-at date a document may write, and only right after the title
 * of the publication it dates. */
static gboolean
citation(const char *text, const char *at)
{
    static const char *const title = "Ofsted, LA inspection outcomes as at 31 March 2025";
    const char *from = at - MIN((gsize)(at - text), (gsize)120);
    char *before = g_strndup(from, (gsize)(at - from));
    gboolean ok = strstr(before, title) != NULL &&
                  (g_str_has_suffix(before, "), ") || g_str_has_suffix(before, "2025, "));
    g_free(before);
    return ok;
}

/* The pack's estimate of its next inspection ("Next inspection (estimate)
 * Short inspection between December 2026 and December 2027") is the one
 * forward date a document may write: labelled an estimate, from the rule of
 * the framework, not data dated after the as-at date. */
static gboolean
estimate(const char *text, const char *at)
{
    const char *from = at - MIN((gsize)(at - text), (gsize)100);
    char *before = g_strndup(from, (gsize)(at - from));
    const char *label = strstr(before, "Next inspection (estimate)");
    gboolean ok = label != NULL && strchr(label, '.') == NULL;
    g_free(before);
    return ok;
}

typedef struct {
    int dates;     /* every date read */
    int citations; /* publication dates of sources (allowed) */
    GString *after;
} DateScan;

static void
scan_found(DateScan *sc, const char *text, const char *at, gsize len, guint32 ymd)
{
    sc->dates++;
    if (ymd <= AS_AT)
        return;
    if (citation(text, at) || estimate(text, at)) {
        sc->citations++;
        return;
    }
    const char *from = at - MIN((gsize)(at - text), (gsize)60);
    g_string_append_printf(sc->after, "\n  '%.*s' after: ...%.*s", (int)len, at, (int)(at - from),
                           from);
}

/* Every date in text: "10 June 2025", "June 2025" (the 1st), "2025-06-10",
 * "10/06/2025", and, with years, a year standing alone. */
static void
scan_dates(const char *text, gboolean years, DateScan *sc)
{
    for (const char *p = text; *p; p++) {
        if (p != text && g_ascii_isalnum(p[-1]))
            continue;
        int d = 0, m = 0, y = 0, used = 0;
        char month[16]; /* only its size: the longest month name */
        if (sscanf(p, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && used == 10 && y >= 1900) {
            scan_found(sc, text, p, (gsize)used, (guint32)(y * 10000 + m * 100 + d));
            p += used - 1;
            continue;
        }
        if (sscanf(p, "%2d/%2d/%4d%n", &d, &m, &y, &used) == 3 && y >= 1900) {
            scan_found(sc, text, p, (gsize)used, (guint32)(y * 10000 + m * 100 + d));
            p += used - 1;
            continue;
        }
        /* "[D ]Month YYYY" */
        const char *q = p;
        d = 0;
        if (g_ascii_isdigit(q[0]) && (q[1] == ' ' || (g_ascii_isdigit(q[1]) && q[2] == ' '))) {
            d = atoi(q);
            q += q[1] == ' ' ? 2 : 3;
        }
        gsize wl = 0;
        while (g_ascii_isalpha(q[wl]) && wl < sizeof month - 1)
            wl++;
        int k = -1;
        for (int i = 0; wl > 0 && i < 12; i++)
            if (strlen(months[i]) == wl && strncmp(q, months[i], wl) == 0)
                k = i;
        if (k >= 0 && q[wl] == ' ' && sscanf(q + wl + 1, "%4d%n", &y, &used) == 1 && used == 4 &&
            !g_ascii_isdigit(q[wl + 5]) && (d == 0 || d <= 31)) {
            gsize len = (gsize)(q + wl + 5 - p);
            scan_found(sc, text, p, len, (guint32)(y * 10000 + (k + 1) * 100 + (d ? d : 1)));
            p += len - 1;
            continue;
        }
        /* A year alone, wholly after the as-at date's year (a year alone is
         * not after 31 March of its own year); not a number with a comma. */
        if (years && g_ascii_isdigit(*p) && sscanf(p, "%4d%n", &y, &used) == 1 && used == 4 &&
            !g_ascii_isdigit(p[4]) && !(p[4] == ',' && g_ascii_isdigit(p[5])) && y >= 2000 &&
            y < 2100) {
            if ((guint32)y > AS_AT / 10000)
                scan_found(sc, text, p, 4, (guint32)y * 10000 + 101);
            p += 3;
        }
    }
}

static char *
pdf_text(const char *dir, const char *pdf)
{
    const char *argv[] = {PDFTOTEXT, pdf, "-", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(dir, argv, &out, &err), 0);
    g_free(err);
    char *t = plain(out, FALSE);
    g_free(out);
    return t;
}

static char *
html_text(const char *path)
{
    char *bytes;
    ck_assert_msg(g_file_get_contents(path, &bytes, NULL, NULL), "%s missing", path);
    char *t = plain(bytes, TRUE);
    g_free(bytes);
    return t;
}

/* The scanner finds what it must (so a clean document is not a blind one). */
static const struct {
    const char *name, *text;
    int dates, after;
} scanner[] = {
    {"a day after", "inspected on 10 June 2025 and", 1, 1},
    {"the as-at date itself", "as at 31 March 2025.", 1, 0},
    {"a month after", "in June 2025 the", 1, 1},
    {"ISO", "2025-06-10", 1, 1},
    {"slashes", "10/06/2025", 1, 1},
    {"a later year alone", "2012 2018 2026 Source", 1, 1},
    {"a citation's date",
     "Ofsted, LA inspection outcomes as at 31 March 2025 (latest judgements), 25 September 2025", 2,
     0},
    {"the same date, not a citation", "published 25 September 2025", 1, 1},
    {"numbers are not years", "2,759 judgements of 153", 0, 0},
    {"the next inspection's estimate",
     "Next inspection (estimate) Short inspection between December 2026 and December 2027", 2, 0},
    {"a later date after the estimate's sentence",
     "Next inspection (estimate) Short inspection. Inspected in June 2025", 1, 1},
};

START_TEST(test_scanner)
{
    DateScan sc = {.after = g_string_new(NULL)};
    scan_dates(scanner[_i].text, TRUE, &sc);
    int after = 0;
    for (const char *p = sc.after->str; (p = strstr(p, "\n  '")) != NULL; p++)
        after++;
    ck_assert_msg(sc.dates == scanner[_i].dates && after == scanner[_i].after,
                  "%s: %d dates, %d after%s", scanner[_i].name, sc.dates, after, sc.after->str);
    g_string_free(sc.after, TRUE);
}
END_TEST

static void
check_document(const char *what, const char *text, gboolean years, const char *want)
{
    DateScan sc = {.after = g_string_new(NULL)};
    scan_dates(text, years, &sc);
    ck_assert_msg(sc.after->len == 0, "%s writes dates after the as-at date:%s", what,
                  sc.after->str);
    ck_assert_msg(sc.dates > 10, "%s: only %d dates read", what, sc.dates);
    ck_assert_msg(strstr(text, want) != NULL, "%s lacks '%s'", what, want);
    g_string_free(sc.after, TRUE);
}

START_TEST(test_after_as_at_end_to_end)
{
    char *dir = gb_test_tmpdir("asat-e2e");
    char *data = g_build_filename(dir, "data", NULL);
    copy_tree(GB_DATADIR, data);
    char *extra = g_build_filename(data, "grades", "june-2025.csv", NULL);
    ck_assert(g_file_set_contents(extra, june, -1, NULL));
    char *out, *err;

    /* build: the briefing, PDF and HTML. */
    const char *build[] = {GB_BINARY, "build", "-q", "-d", "data", "-o", "brief", NULL};
    ck_assert_int_eq(gb_test_run(dir, build, &out, &err), 0);
    ck_assert_msg(strstr(err, warning) != NULL, "build does not report it: %s", err);
    g_free(out);
    g_free(err);
    char *pdf = g_build_filename(dir, "brief", "briefing.pdf", NULL);
    char *text = pdf_text(dir, pdf);
    check_document("briefing.pdf", text, TRUE, "Data as at 31 March 2025");
    /* The document says that rows were left out, without their dates. */
    ck_assert_ptr_nonnull(strstr(text, "5 judgements dated after 31 March 2025, the date this "
                                       "briefing is as at, were left out of every figure"));
    /* Barnet's latest is its 2024 inspection, as at 31 March. */
    ck_assert_ptr_nonnull(strstr(text, "Good, 10 June 2024"));
    g_free(text);
    char *html = g_build_filename(dir, "brief", "briefing.html", NULL);
    text = html_text(html);
    check_document("briefing.html", text, TRUE, "Data as at 31 March 2025");
    g_free(text);

    /* packs: Barnet's own pack, whose authority has the June inspection. */
    const char *packs[] = {GB_BINARY, "packs", "-q", "-d",     "data",
                           "-o",      "packs", "-a", "Barnet", NULL};
    ck_assert_int_eq(gb_test_run(dir, packs, &out, &err), 0);
    ck_assert_msg(strstr(err, warning) != NULL, "packs does not report it: %s", err);
    g_free(out);
    g_free(err);
    char *ppdf = g_build_filename(dir, "packs", "barnet.pdf", NULL);
    text = pdf_text(dir, ppdf);
    /* Years alone are not checked in the pack: its timeline's axis runs to a
     * tick after the last year (charts/timeline.c), which is no date of data. */
    check_document("barnet.pdf", text, FALSE, "31 March 2025");
    ck_assert_ptr_null(strstr(text, "June 2025"));
    g_free(text);
    char *phtml = g_build_filename(dir, "packs", "barnet.html", NULL);
    text = html_text(phtml);
    check_document("barnet.html", text, TRUE, "31 March 2025");
    g_free(text);

    /* stats and chart: the same date, and the same report. */
    const char *stats[] = {GB_BINARY, "stats", "-d", "data", "-f", "json", NULL};
    ck_assert_int_eq(gb_test_run(dir, stats, &out, &err), 0);
    ck_assert_msg(strstr(err, warning) != NULL, "stats does not report it: %s", err);
    JsonParser *parser = json_parser_new();
    ck_assert(json_parser_load_from_data(parser, out, -1, NULL));
    JsonObject *at =
        json_object_get_object_member(json_node_get_object(json_parser_get_root(parser)), "as_at");
    ck_assert_str_eq(json_object_get_string_member(at, "date"), "2025-03-31");
    ck_assert_str_eq(json_object_get_string_member(at, "source"), "briefing.ini");
    ck_assert_int_eq(json_object_get_int_member(at, "left_out_after"), 5);
    g_object_unref(parser);
    g_free(out);
    g_free(err);
    const char *chart[] = {GB_BINARY, "chart", "counts", "-d", "data", "-o", "c.svg", NULL};
    ck_assert_int_eq(gb_test_run(dir, chart, &out, &err), 0);
    ck_assert_msg(strstr(err, warning) != NULL, "chart does not report it: %s", err);
    g_free(out);
    g_free(err);
    char *svg = g_build_filename(dir, "c.svg", NULL);
    ck_assert(g_file_test(svg, G_FILE_TEST_IS_REGULAR));
    g_free(svg);
    g_free(phtml);
    g_free(ppdf);
    g_free(html);
    g_free(pdf);
    g_free(extra);
    g_free(data);
    g_free(dir);
}
END_TEST

static Suite *
asat_suite(void)
{
    Suite *s = suite_create("asat");
    TCase *sc = tcase_create("scanner");
    tcase_add_loop_test(sc, test_scanner, 0, G_N_ELEMENTS(scanner));
    suite_add_tcase(s, sc);
    TCase *e2e = tcase_create("end-to-end");
    tcase_set_timeout(e2e, 240);
    tcase_add_test(e2e, test_after_as_at_end_to_end);
    suite_add_tcase(s, e2e);
    return s;
}

int
main(void)
{
    return gb_test_main(asat_suite());
}
