/* test_html.c - the HTML contract of tests/html/README.md, checked on the file
 * parsed as XML by libxml2 (XML_PARSE_NONET): a parse error, such as an element
 * left open, is a failure; the rest is XPath over the tree.
 *
 * The checks live in tests/html/ (htmlcheck.h); this file runs them. Modes:
 * - files (argv[1..], two or more): one test per file with every check.
 * - a file (argv[1], or GB_HTML_FILE): every check on that file. GB_HTML_KIND
 *   adds the checks of what it is: "briefing" (every authority that exists
 *   today is a row header), "pack" (its authority named in the h1, its ten
 *   statistical neighbours row headers; the authority is the row of index.csv
 *   beside the file whose file has the same stem). Both: when the PDF made
 *   with it lies beside it (NAME.pdf), its Figures' /Alt texts are the HTML
 *   figures' <desc> texts, in order (one document tree, two renderers).
 * - no file: the checks' own tests. The fixtures under tests/html/fixture pass
 *   every check, and each mutation of them (an unclosed element, an svg
 *   without desc, a remote image...) fails the check it names. */
#include "html/htmlcheck.h"
#include "testutil.h"

#include <string.h>

/* ---- file mode ---- */

static const char *the_file, *the_kind;

START_TEST(t_file_check)
{
    GbHtml *h = html_load(the_file);
    char *p = html_run_check(h, html_checks[_i].fn);
    ck_assert_msg(p == NULL, "[%s] FAIL %s: %s", html_checks[_i].name, the_file, p);
    html_free(h);
}
END_TEST

START_TEST(t_file_kind_check)
{
    if (strcmp(html_kind_checks[_i].kind, the_kind) != 0)
        return;
    char *authority = NULL;
    if (strcmp(the_kind, "pack") == 0) {
        authority = html_pack_authority(the_file);
        ck_assert_msg(authority != NULL, "[%s] FAIL %s: no row for it in index.csv beside it",
                      html_kind_checks[_i].name, the_file);
    }
    GbHtml *h = html_load(the_file);
    ck_assert_msg(h->doc != NULL, "[%s] FAIL %s: not parsed", html_kind_checks[_i].name, the_file);
    char *p = html_kind_checks[_i].fn(h, authority);
    ck_assert_msg(p == NULL, "[%s] FAIL %s: %s", html_kind_checks[_i].name, the_file, p);
    html_free(h);
    g_free(authority);
}
END_TEST

/* Several files (a whole packs run): one test per file, each parsed once and
 * given every check, failing with the list of checks it failed. */
static char **the_files;

START_TEST(t_files_all_checks)
{
    const char *file = the_files[_i];
    GbHtml *h = html_load(file);
    GString *failed = g_string_new(NULL);
    /* A file that does not parse fails `wellformed` alone, not every check. */
    for (gsize k = 0; k < (h->doc ? html_n_checks : 1); k++) {
        char *p = html_run_check(h, html_checks[k].fn);
        if (p != NULL)
            g_string_append_printf(failed, "\n  [%s] FAIL %s", html_checks[k].name, p);
        g_free(p);
    }
    char *authority = strcmp(the_kind, "pack") == 0 ? html_pack_authority(file) : NULL;
    for (gsize k = 0; k < html_n_kind_checks && h->doc != NULL; k++) {
        if (strcmp(html_kind_checks[k].kind, the_kind) != 0)
            continue;
        char *p = strcmp(the_kind, "pack") == 0 && authority == NULL
                      ? g_strdup("no row for it in index.csv beside it")
                      : html_kind_checks[k].fn(h, authority);
        if (p != NULL)
            g_string_append_printf(failed, "\n  [%s] FAIL %s", html_kind_checks[k].name, p);
        g_free(p);
    }
    ck_assert_msg(failed->len == 0, "%s:%s", file, failed->str);
    g_string_free(failed, TRUE);
    g_free(authority);
    html_free(h);
}
END_TEST

/* ---- self-test mode: the fixtures pass, each mutation fails its check ---- */

#define FIXTURE GB_TESTS_DIR "/html/fixture/sample.html"
#define PACK_FIXTURE GB_TESTS_DIR "/html/fixture/packs/barnet.html"

START_TEST(t_fixture_passes)
{
    const char *files[] = {FIXTURE, PACK_FIXTURE};
    for (gsize f = 0; f < G_N_ELEMENTS(files); f++) {
        GbHtml *h = html_load(files[f]);
        char *p = html_run_check(h, html_checks[_i].fn);
        ck_assert_msg(p == NULL, "[%s] FAIL on the fixture %s: %s", html_checks[_i].name, files[f],
                      p);
        html_free(h);
    }
}
END_TEST

START_TEST(t_pack_fixture_passes)
{
    char *authority = html_pack_authority(PACK_FIXTURE);
    ck_assert_str_eq(authority, "Barnet");
    GbHtml *h = html_load(PACK_FIXTURE);
    for (gsize k = 0; k < html_n_kind_checks; k++) {
        if (strcmp(html_kind_checks[k].kind, "pack") != 0)
            continue;
        char *p = html_kind_checks[k].fn(h, authority);
        ck_assert_msg(p == NULL, "[%s] FAIL on the pack fixture: %s", html_kind_checks[k].name, p);
    }
    html_free(h);
    g_free(authority);
}
END_TEST

/* A fixture with up to two edits (each replaces the first occurrence of from,
 * which must be there) must fail `check`. */
static const struct {
    const char *name, *file;
    const char *from, *to, *from2, *to2;
    const char *check;
} mutations[] = {
    {"unclosed li", FIXTURE, "<li><a href=\"#findings\">1. Key findings</a></li>",
     "<li><a href=\"#findings\">1. Key findings</a>", NULL, NULL, "wellformed"},
    {"unclosed td", FIXTURE, "<td>London</td>", "<td>London", NULL, NULL, "wellformed"},
    {"html-only entity", FIXTURE, "1. Key findings</h2>", "1.&nbsp;Key findings</h2>", NULL, NULL,
     "wellformed"},
    {"bare ampersand", FIXTURE, "(Crown copyright,", "(Crown copyright & OGL,", NULL, NULL,
     "wellformed"},
    {"no xhtml namespace", FIXTURE, " xmlns=\"http://www.w3.org/1999/xhtml\"", "", NULL, NULL,
     "namespace"},
    {"svg outside its namespace", FIXTURE, "<svg xmlns=\"http://www.w3.org/2000/svg\"", "<svg",
     NULL, NULL, "namespace"},
    {"lang en", FIXTURE, "lang=\"en-GB\" xml:lang", "lang=\"en\" xml:lang", NULL, NULL, "lang"},
    {"no lang", FIXTURE, "lang=\"en-GB\" xml:lang", "xml:lang", NULL, NULL, "lang"},
    {"empty title", FIXTURE,
     "<title>Children's services inspections in England: briefing "
     "(fixture)</title>",
     "<title> </title>", NULL, NULL, "head"},
    {"no charset", FIXTURE, "<meta charset=\"utf-8\" />", "", NULL, NULL, "head"},
    {"no viewport", FIXTURE, "<meta name=\"viewport\"", "<meta name=\"generator\"", NULL, NULL,
     "head"},
    {"skip link to nowhere", FIXTURE, "href=\"#main\"", "href=\"#content\"", NULL, NULL,
     "skip-link"},
    {"main without its id", FIXTURE, "<main id=\"main\">", "<main>", NULL, NULL, "skip-link"},
    {"skip link not first", FIXTURE, "<a class=\"skip\"",
     "<a href=\"#findings\">x</a><a class=\"skip\"", NULL, NULL, "skip-link"},
    {"section not in contents", FIXTURE,
     "<li><a href=\"#methodology\">4. Methodology and sources</a></li>", "", NULL, NULL,
     "contents"},
    {"no nav", FIXTURE, "<nav aria-labelledby=\"contents-title\">", "<div>", "</nav>", "</div>",
     "contents"},
    {"contents link dangling", FIXTURE, "href=\"#authorities\"", "href=\"#authority\"", NULL, NULL,
     "links"},
    {"labelledby dangling", FIXTURE, "aria-labelledby=\"findings-h\"",
     "aria-labelledby=\"findings-heading\"", NULL, NULL, "links"},
    {"duplicate id", FIXTURE, "id=\"figure-1\"", "id=\"findings\"", NULL, NULL, "links"},
    {"two h1", FIXTURE, "<h2 id=\"findings-h\">1. Key findings</h2>",
     "<h1 id=\"findings-h\">1. Key findings</h1>", NULL, NULL, "headings"},
    {"skipped level", FIXTURE, "<h3>ILACS overall effectiveness</h3>",
     "<h4>ILACS overall effectiveness</h4>", NULL, NULL, "headings"},
    {"empty heading", FIXTURE, "<h3>ILACS overall effectiveness</h3>", "<h3> </h3>", NULL, NULL,
     "headings"},
    {"svg without role", FIXTURE, "role=\"img\" viewBox", "viewBox", NULL, NULL, "figures"},
    {"svg without desc", FIXTURE, "<desc id=\"figure-1-desc\">", "<metadata id=\"figure-1-desc\">",
     "2025: outstanding 24, good 79, requires improvement 40, inadequate 10 of 153.</desc>",
     "</metadata>", "figures"},
    {"alt text without numbers", FIXTURE, "Stacked bars, one a year. 2023:",
     "Stacked bars, one a year.</desc><desc>2023:", NULL, NULL, "figures"},
    {"svg not named by its title", FIXTURE, "aria-labelledby=\"figure-1-title figure-1-desc\"",
     "aria-labelledby=\"figure-1-desc\"", NULL, NULL, "figures"},
    {"figure without caption", FIXTURE, "<figcaption>", "<p>", "</figcaption>", "</p>", "figures"},
    {"figure without data table", FIXTURE, "</figcaption>\n<div class=\"scroll\"",
     "</figcaption>\n</figure>\n<p>x</p>\n<div class=\"scroll\"", "</div>\n</figure>", "</div>",
     "figures"},
    {"figure with a picture, not svg", FIXTURE, "<figure id=\"figure-1\">",
     "<figure id=\"figure-0\"><img alt=\"Chart: 67% good or better in 2025\" src=\"data:,\" />"
     "<figcaption>Figure 0: a picture</figcaption></figure>\n<figure id=\"figure-1\">",
     NULL, NULL, "figures"},
    {"grade 2 cell that says inadequate", FIXTURE, "<td class=\"grade-3\">Inadequate (2024)</td>",
     "<td class=\"grade-2\">Inadequate (2024)</td>", NULL, NULL, "grades"},
    {"table without caption", FIXTURE,
     "<caption id=\"authorities-caption\">Latest headline judgement of each authority in each "
     "regime</caption>",
     "", NULL, NULL, "tables"},
    {"column header without scope", FIXTURE, "<th scope=\"col\">Region</th>", "<th>Region</th>",
     NULL, NULL, "tables"},
    {"row without row header", FIXTURE, "<tr><th scope=\"row\">Barnet</th>", "<tr><td>Barnet</td>",
     NULL, NULL, "tables"},
    {"row header scoped as column", FIXTURE, "<th scope=\"row\">2024</th>",
     "<th scope=\"col\">2024</th>", NULL, NULL, "tables"},
    {"no thead", FIXTURE, "<thead>\n<tr><th scope=\"col\">Authority</th>",
     "<tbody>\n<tr><th scope=\"col\">Authority</th>", "ILACS latest</th></tr>\n</thead>",
     "ILACS latest</th></tr>\n</tbody>", "tables"},
    {"grade by colour alone", FIXTURE, "<td class=\"grade-3\">Inadequate (2024)</td>",
     "<td class=\"grade-3\"></td>", NULL, NULL, "grades"},
    {"grade that says another", FIXTURE, "<td class=\"grade-3\">Inadequate (2024)</td>",
     "<td class=\"grade-3\">Good (2024)</td>", NULL, NULL, "grades"},
    {"short grade class, wrong words", FIXTURE, "<td class=\"grade-3\">Inadequate (2024)</td>",
     "<td class=\"g1\">Inadequate (2024)</td>", NULL, NULL, "grades"},
    {"grade level out of range", FIXTURE, "<td class=\"grade-3\">", "<td class=\"grade-7\">", NULL,
     NULL, "grades"},
    {"script", FIXTURE, "</footer>", "</footer>\n<script>document.title = 'x';</script>", NULL,
     NULL, "no-script"},
    {"event handler", FIXTURE, "<body>", "<body onload=\"go()\">", NULL, NULL, "no-script"},
    {"javascript link", FIXTURE, "href=\"https://www.gov.uk/", "href=\"JavaScript:void(0)//", NULL,
     NULL, "no-script"},
    {"remote image", FIXTURE, "</footer>",
     "<p><img src=\"https://example.org/chart.png\" alt=\"chart\" /></p></footer>", NULL, NULL,
     "self-contained"},
    {"local image", FIXTURE, "</footer>", "<p><img src=\"chart.png\" alt=\"chart\" /></p></footer>",
     NULL, NULL, "self-contained"},
    {"stylesheet link", FIXTURE, "</title>", "</title>\n<link rel=\"stylesheet\" href=\"b.css\" />",
     NULL, NULL, "self-contained"},
    {"css import", FIXTURE, "/* A hand-written", "@import url(\"b.css\");\n/* A hand-written", NULL,
     NULL, "self-contained"},
    {"css url", FIXTURE, ".grade-0 { background: #c6dbef; }",
     ".grade-0 { background: url('stripes.png'); }", NULL, NULL, "self-contained"},
    {"svg image", FIXTURE, "<g stroke=\"#ffffff\"",
     "<image href=\"bars.png\" width=\"1\" height=\"1\" /><g stroke=\"#ffffff\"", NULL, NULL,
     "self-contained"},
    {"iframe", FIXTURE, "</footer>", "<iframe title=\"map\"></iframe></footer>", NULL, NULL,
     "self-contained"},
    {"no print rule", FIXTURE, "@media print {", "@media screen and (min-width: 1px) {", NULL, NULL,
     "print-css"},
    {"letter paper", FIXTURE, "size: A4;", "size: letter;", NULL, NULL, "print-css"},
    {"style outside head", FIXTURE, "<style>", "</head><body><style>", "</style>\n</head>\n<body>",
     "</style>", "print-css"},
    {"region without a name", FIXTURE, "tabindex=\"0\" aria-labelledby=\"authorities-caption\"",
     "tabindex=\"0\"", NULL, NULL, "scroll-regions"},
    {"region without role", FIXTURE, "role=\"region\" tabindex=\"0\" aria-labelledby=\"auth",
     "tabindex=\"0\" aria-labelledby=\"auth", NULL, NULL, "scroll-regions"},
    {"positive tabindex", FIXTURE, "tabindex=\"0\" aria-labelledby=\"authorities-caption\"",
     "tabindex=\"2\" aria-labelledby=\"authorities-caption\"", NULL, NULL, "scroll-regions"},
    {"pack h1 names another", PACK_FIXTURE, "<h1>Barnet:", "<h1>Barnsley:", NULL, NULL, "pack-h1"},
    {"pack neighbour as a data cell", PACK_FIXTURE, "<tr><th scope=\"row\">Harrow</th>",
     "<tr><td>Harrow</td>", NULL, NULL, "pack-neighbours"},
    {"pack neighbour missing", PACK_FIXTURE,
     "<tr><th scope=\"row\">Ealing</th><td>neighbour 10, Close</td><td class=\"grade-1\">Good</td>"
     "</tr>",
     "", NULL, NULL, "pack-neighbours"},
};

static char *
replace_first(char *s, const char *from, const char *to, const char *name)
{
    char *at = strstr(s, from);
    ck_assert_msg(at != NULL, "mutation %s: \"%s\" is not in the fixture", name, from);
    char *out = g_strdup_printf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    g_free(s);
    return out;
}

START_TEST(t_mutation_fails)
{
    gsize len;
    char *s = html_read_file(mutations[_i].file, &len);
    s = replace_first(s, mutations[_i].from, mutations[_i].to, mutations[_i].name);
    if (mutations[_i].from2)
        s = replace_first(s, mutations[_i].from2, mutations[_i].to2, mutations[_i].name);
    GbHtml *h = html_parse(s, strlen(s), mutations[_i].name);
    char *p = NULL;
    const char *check = mutations[_i].check;
    /* Only a mutation aimed at well-formedness may break the parse: any other
     * would fail its check for the wrong reason. */
    if (strcmp(check, "wellformed") != 0)
        ck_assert_msg(h->doc != NULL && h->parse_errors->len == 0,
                      "mutation %s broke the parse: %s", mutations[_i].name, h->parse_errors->str);
    if (g_str_has_prefix(check, "pack-")) {
        ck_assert_msg(h->doc != NULL, "mutation %s: not parsed", mutations[_i].name);
        for (gsize k = 0; k < html_n_kind_checks; k++)
            if (strcmp(html_kind_checks[k].name, check) == 0)
                p = html_kind_checks[k].fn(h, "Barnet");
    } else {
        p = html_run_check(h, html_check_named(check));
    }
    ck_assert_msg(p != NULL, "mutation \"%s\" passed the %s check", mutations[_i].name, check);
    if (g_getenv("GB_HTML_VERBOSE"))
        fprintf(stderr, "%s -> [%s] %s\n", mutations[_i].name, check, p);
    g_free(p);
    html_free(h);
    g_free(s);
}
END_TEST

/* index.csv beside a pack: the row whose file has the pack's stem. */
static const struct {
    const char *name, *index, *pack, *want;
} index_cases[] = {
    {"plain", "authority,dfe_code,ons_code,file,pages\nBarnet,302,E09000003,barnet.pdf,2\n",
     "barnet.html", "Barnet"},
    {"quoted name with a comma",
     "authority,dfe_code,ons_code,file,pages\r\nBarnet,302,E09000003,barnet.pdf,2\r\n"
     "\"Bournemouth, Christchurch and Poole\",839,E06000058,"
     "bournemouth-christchurch-and-poole.pdf,3\r\n",
     "bournemouth-christchurch-and-poole.html", "Bournemouth, Christchurch and Poole"},
    {"columns in another order", "file,html,authority\nbarnet.pdf,barnet.html,Barnet\n",
     "barnet.html", "Barnet"},
    {"no row for it", "authority,dfe_code,ons_code,file,pages\nBarnet,302,E09000003,barnet.pdf,2\n",
     "barnsley.html", NULL},
    {"no file column", "authority,pages\nBarnet,2\n", "barnet.html", NULL},
};

START_TEST(t_pack_index)
{
    char *index = gb_test_file("index.csv", index_cases[_i].index, -1);
    char *dir = g_path_get_dirname(index);
    char *pack = g_build_filename(dir, index_cases[_i].pack, NULL);
    char *got = html_pack_authority(pack);
    ck_assert_msg(g_strcmp0(got, index_cases[_i].want) == 0, "%s: got %s", index_cases[_i].name,
                  got ? got : "(none)");
    g_free(got);
    g_free(pack);
    g_free(dir);
    g_free(index);
}
END_TEST

/* The real PDF's alt texts, compared with an HTML that has them as <desc>
 * (passes), one changed (fails), one missing (fails). */
START_TEST(t_alts_against_real_pdf)
{
    char *dir = gb_test_tmpdir("alts");
    const char *argv[] = {GB_BINARY, "build", "-q", "-o", dir, NULL};
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(gb_test_run(NULL, argv, &out, &err), 0);
    char *pdf = g_build_filename(dir, "briefing.pdf", NULL);
    GPtrArray *alts = html_pdf_alts(pdf);
    ck_assert_msg(alts != NULL && alts->len >= 3, "%s: %u figures", pdf, alts ? alts->len : 0);
    for (int variant = 0; variant < 3; variant++) {
        GString *html = g_string_new("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>");
        for (guint i = 0; i < alts->len; i++) {
            if (variant == 2 && i == 1)
                continue;
            char *esc = g_markup_escape_text(g_ptr_array_index(alts, i), -1);
            g_string_append_printf(html,
                                   "<figure><svg xmlns=\"http://www.w3.org/2000/svg\"><desc>\n"
                                   "%s%s</desc></svg></figure>",
                                   esc, variant == 1 && i == 2 ? " (changed)" : "");
            g_free(esc);
        }
        g_string_append(html, "</body></html>");
        GbHtml *h = html_parse(html->str, html->len, "alts.html");
        char *p = html_compare_alts(h, alts, pdf);
        if (variant == 0)
            ck_assert_msg(p == NULL, "the PDF's own alts: %s", p);
        else
            ck_assert_msg(p != NULL, "variant %d passed", variant);
        g_free(p);
        html_free(h);
        g_string_free(html, TRUE);
    }
    g_ptr_array_unref(alts);
    g_free(pdf);
    g_free(out);
    g_free(err);
    g_free(dir);
}
END_TEST

/* The grade-cells check fails a page with no grade class, and passes one
 * with either spelling. */
START_TEST(t_grade_cells_needed)
{
    static const struct {
        const char *cell;
        gboolean pass;
    } cases[] = {{"<td>Good</td>", FALSE},
                 {"<td class=\"num\">Good</td>", FALSE},
                 {"<td class=\"num g1\">Good</td>", TRUE},
                 {"<td class=\"grade-1\">Good</td>", TRUE}};
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *html = g_strdup_printf("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><table>"
                                     "<tr>%s</tr></table></body></html>",
                                     cases[i].cell);
        GbHtml *h = html_parse(html, strlen(html), "cells.html");
        char *p = html_check_has_grade_cells(h, NULL);
        ck_assert_msg((p == NULL) == cases[i].pass, "%s: %s", cases[i].cell, p ? p : "passed");
        g_free(p);
        html_free(h);
        g_free(html);
    }
}
END_TEST

/* The briefing's authority check, on a list of names: present, with a note in
 * brackets, and missing. */
static const struct {
    const char *name;
    const char *names[3];
    gboolean pass;
} authority_cases[] = {
    {"all present", {"Barnet", "Hertfordshire", NULL}, TRUE},
    {"with a bracketed note", {"Westmorland and Furness", "Cumbria", NULL}, TRUE},
    {"one missing", {"Barnet", "Enfield", NULL}, FALSE},
    {"a prefix is not a name", {"Barn", NULL, NULL}, FALSE},
    {"a data cell is not a row header", {"London", NULL, NULL}, FALSE},
};

START_TEST(t_authority_list)
{
    GbHtml *h = html_load(FIXTURE);
    int n = 0;
    while (n < 3 && authority_cases[_i].names[n] != NULL)
        n++;
    char *p = html_missing_row_headers(h, authority_cases[_i].names, n, "authority");
    ck_assert_msg((p == NULL) == authority_cases[_i].pass, "%s: %s", authority_cases[_i].name,
                  p ? p : "passed");
    g_free(p);
    html_free(h);
}
END_TEST

/* The real briefing check fails the fixture, which holds four authorities. */
START_TEST(t_briefing_check_fails_fixture)
{
    GbHtml *h = html_load(FIXTURE);
    char *p = html_check_briefing_authorities(h, NULL);
    ck_assert_msg(p != NULL && strstr(p, "\"Barking and Dagenham\"") != NULL, "%s",
                  p ? p : "passed");
    ck_assert_msg(strstr(p, "\"Barnet\"") == NULL, "%s", p);
    g_free(p);
    html_free(h);
}
END_TEST

static Suite *
html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create(the_files ? "files" : the_file ? "file" : "contract");
    if (the_files != NULL) {
        tcase_add_loop_test(tc, t_files_all_checks, 0, (int)g_strv_length(the_files));
    } else if (the_file != NULL) {
        tcase_add_loop_test(tc, t_file_check, 0, html_n_checks);
        tcase_add_loop_test(tc, t_file_kind_check, 0, html_n_kind_checks);
    } else {
        tcase_add_loop_test(tc, t_fixture_passes, 0, html_n_checks);
        tcase_add_test(tc, t_pack_fixture_passes);
        tcase_add_loop_test(tc, t_mutation_fails, 0, G_N_ELEMENTS(mutations));
        tcase_add_loop_test(tc, t_authority_list, 0, G_N_ELEMENTS(authority_cases));
        tcase_add_loop_test(tc, t_pack_index, 0, G_N_ELEMENTS(index_cases));
        tcase_add_test(tc, t_alts_against_real_pdf);
        tcase_add_test(tc, t_grade_cells_needed);
        tcase_add_test(tc, t_briefing_check_fails_fixture);
    }
    suite_add_tcase(s, tc);
    return s;
}

int
main(int argc, char **argv)
{
    the_file = argc > 1 ? argv[1] : g_getenv("GB_HTML_FILE");
    the_kind = g_getenv("GB_HTML_KIND") ? g_getenv("GB_HTML_KIND") : "page";
    if (argc > 2)
        the_files = argv + 1; /* NULL-terminated, as argv is */
    for (int i = 1; i < MAX(argc, 2); i++) {
        const char *f = argc > 1 ? argv[i] : the_file;
        if (f != NULL && !g_file_test(f, G_FILE_TEST_EXISTS)) {
            fprintf(stderr, "test_html: %s: no such file (did the build fixture run?)\n", f);
            return EXIT_FAILURE;
        }
    }
    if (the_files != NULL)
        printf("test_html: %d files (%s)\n", argc - 1, the_kind);
    else if (the_file != NULL)
        printf("test_html: %s (%s)\n", the_file, the_kind);
    return gb_test_main(html_suite());
}
