/* test_regen.c - incremental regeneration by content, changes.csv, branding:
 * the real binary on the bundled data with one inspection added as a FILE. */
#define _DEFAULT_SOURCE
#include "testutil.h"

#include <string.h>
#include <sys/stat.h>

static const char same_row[] = "authority,year,regime,judgement,grade,date\n"
                               "Barnet,2025,ilacs,overall_effectiveness,Good,2025-02-10\n";
static const char up_row[] = "authority,year,regime,judgement,grade,date\n"
                             "Barnet,2025,ilacs,overall_effectiveness,Outstanding,2025-02-10\n";

/* Every file under dir (relative name -> "mtime-ns size sha256"). */
static void
gb__snap_into(GHashTable *h, const char *dir, const char *rel)
{
    char *path = rel[0] ? g_build_filename(dir, rel, NULL) : g_strdup(dir);
    GDir *d = g_dir_open(path, 0, NULL);
    ck_assert_msg(d != NULL, "cannot open %s", path);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        char *r = rel[0] ? g_build_filename(rel, name, NULL) : g_strdup(name);
        char *p = g_build_filename(dir, r, NULL);
        struct stat st;
        ck_assert(lstat(p, &st) == 0);
        if (S_ISDIR(st.st_mode)) {
            gb__snap_into(h, dir, r);
            g_free(r);
        } else {
            gchar *data;
            gsize len;
            ck_assert(g_file_get_contents(p, &data, &len, NULL));
            char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len);
            g_hash_table_insert(h, r,
                                g_strdup_printf("%lld.%09ld %zu %s", (long long)st.st_mtim.tv_sec,
                                                st.st_mtim.tv_nsec, len, sum));
            g_free(sum);
            g_free(data);
        }
        g_free(p);
    }
    g_dir_close(d);
    g_free(path);
}

static GHashTable *
gb__snap(const char *dir)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    gb__snap_into(h, dir, "");
    return h;
}

static gint
gb__cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files that differ between two snapshots (new, gone or changed), sorted
 * and joined with ' '. */
static char *
gb__changed(GHashTable *a, GHashTable *b)
{
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, b);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (g_strcmp0(g_hash_table_lookup(a, k), v) != 0)
            g_ptr_array_add(names, k);
    g_hash_table_iter_init(&it, a);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (!g_hash_table_contains(b, k))
            g_ptr_array_add(names, k);
    g_ptr_array_sort(names, gb__cmp);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(s, "%s%s", i ? " " : "", (char *)g_ptr_array_index(names, i));
    g_ptr_array_free(names, TRUE);
    return g_string_free(s, FALSE);
}

/* The "file" rows of a changes.csv, sorted and joined with ' '. */
static char *
gb__listed(const char *csv)
{
    char **lines = g_strsplit(csv, "\r\n", -1);
    GPtrArray *names = g_ptr_array_new();
    for (char **l = lines; *l != NULL; l++)
        if (g_str_has_prefix(*l, "file,")) {
            char *end = strstr(*l + 5, ",");
            ck_assert(end != NULL);
            *end = '\0';
            g_ptr_array_add(names, *l + 5);
        }
    g_ptr_array_sort(names, gb__cmp);
    g_ptr_array_add(names, NULL);
    char *s = g_strjoinv(" ", (char **)names->pdata);
    g_ptr_array_free(names, TRUE);
    g_strfreev(lines);
    return s;
}

static int
gb__run(const char *const *argv, char **err)
{
    char *out = NULL, *e = NULL;
    int rc = gb_test_run(NULL, argv, &out, &e);
    g_free(out);
    if (err != NULL)
        *err = e;
    else
        g_free(e);
    return rc;
}

static char *
gb__read(const char *path)
{
    char *s = NULL;
    ck_assert_msg(g_file_get_contents(path, &s, NULL, NULL), "cannot read %s", path);
    return s;
}

/* Lets the file system's clock move on, so a rewrite shows in mtime. */
static void
gb__tick(void)
{
    g_usleep(20000);
}

START_TEST(test_packs_regen)
{
    char *dir = gb_test_tmpdir("regen-packs");
    char *out = g_build_filename(dir, "packs", NULL);
    char *same = g_build_filename(dir, "same.csv", NULL);
    char *up = g_build_filename(dir, "up.csv", NULL);
    char *ch = g_build_filename(dir, "changes-run.csv", NULL);
    ck_assert(g_file_set_contents(same, same_row, -1, NULL));
    ck_assert(g_file_set_contents(up, up_row, -1, NULL));
    const char *first[] = {GB_BINARY, "packs", "-q", "-o", out, NULL};
    ck_assert_int_eq(gb__run(first, NULL), 0);
    GHashTable *s0 = gb__snap(out);

    /* No change: nothing rewritten, not even the manifest; --changes says so. */
    gb__tick();
    const char *again[] = {GB_BINARY, "packs", "-q", "-o", out, "--changes", ch, NULL};
    ck_assert_int_eq(gb__run(again, NULL), 0);
    GHashTable *s1 = gb__snap(out);
    char *diff = gb__changed(s0, s1);
    ck_assert_msg(strcmp(diff, "") == 0, "a no-change run rewrote: %s", diff);
    g_free(diff);
    char *text = gb__read(ch);
    ck_assert_str_eq(text, "kind,item,from,to\r\n");
    g_free(text);

    /* A newer inspection with the grade Barnet already had: its pack alone. */
    gb__tick();
    const char *same_run[] = {GB_BINARY, "packs", "-q", same, "-o", out, "--changes", ch, NULL};
    ck_assert_int_eq(gb__run(same_run, NULL), 0);
    GHashTable *s2 = gb__snap(out);
    diff = gb__changed(s1, s2);
    ck_assert_str_eq(diff,
                     "barnet.docx barnet.html barnet.pdf changes.csv manifest.ini manifest.stat");
    g_free(diff);
    text = gb__read(ch);
    ck_assert_str_eq(text, "kind,item,from,to\r\nfile,barnet.docx,,rewritten\r\n"
                           "file,barnet.html,,rewritten\r\nfile,barnet.pdf,,rewritten\r\n");
    char *kept = g_build_filename(out, "changes.csv", NULL);
    char *stored = gb__read(kept);
    ck_assert_str_eq(stored, text);
    g_free(stored);
    g_free(text);

    /* Barnet up to outstanding: England's position moves, and every pack
     * shows it (the summary's position series and map), so every pack is
     * rewritten; the index, which shows no grade, is not. */
    gb__tick();
    const char *up_run[] = {GB_BINARY, "packs", "-q", up, "-o", out, "--changes", ch, NULL};
    ck_assert_int_eq(gb__run(up_run, NULL), 0);
    GHashTable *s3 = gb__snap(out);
    diff = gb__changed(s2, s3);
    text = gb__read(ch);
    ck_assert_msg(strstr(diff, "barnet.pdf") && strstr(diff, "bolton.pdf") &&
                      strstr(diff, "leeds.pdf") && strstr(diff, "hertfordshire.pdf"),
                  "%s", diff);
    ck_assert_msg(!strstr(diff, "index.csv"), "rewritten though nothing it shows moved: %s", diff);
    ck_assert(strstr(text, "figure,Barnet overall effectiveness,Good,Outstanding\r\n"));
    ck_assert(strstr(text, "figure,England overall effectiveness outstanding,36,37\r\n"));
    ck_assert(strstr(text, "figure,England overall effectiveness good,67,66\r\n"));
    ck_assert(strstr(text, "figure,London overall effectiveness outstanding,14,15\r\n"));
    /* changes.csv lists exactly the documents rewritten. */
    char *listed = gb__listed(text);
    GString *docs = g_string_new(NULL);
    char **parts = g_strsplit(diff, " ", -1);
    for (char **p = parts; *p != NULL; p++)
        if (strcmp(*p, "changes.csv") && strcmp(*p, "figures.csv") && strcmp(*p, "manifest.ini") &&
            strcmp(*p, "manifest.stat"))
            g_string_append_printf(docs, "%s%s", docs->len ? " " : "", *p);
    g_strfreev(parts);
    ck_assert_str_eq(listed, docs->str);
    ck_assert_msg(strstr(diff, "figures.csv") != NULL, "figures.csv kept: %s", diff);
    g_string_free(docs, TRUE);
    g_free(listed);
    g_free(text);
    g_free(diff);

    /* The PDF's date is the date it is as at, not the new inspection's. */
    char *pdf = g_build_filename(out, "barnet.pdf", NULL);
    const char *info[] = {PDFINFO, "-isodates", pdf, NULL};
    char *o = NULL;
    ck_assert_int_eq(gb_test_run(NULL, info, &o, NULL), 0);
    ck_assert_msg(strstr(o, "CreationDate:    2025-03-31T") &&
                      strstr(o, "ModDate:         2025-03-31T"),
                  "%s", o);
    g_free(o);
    g_free(pdf);

    /* And a rerun of that changes nothing again. */
    gb__tick();
    ck_assert_int_eq(gb__run(up_run, NULL), 0);
    GHashTable *s4 = gb__snap(out);
    diff = gb__changed(s3, s4);
    ck_assert_msg(strcmp(diff, "") == 0, "a no-change run rewrote: %s", diff);
    g_free(diff);
    for (GHashTable **h = (GHashTable *[]){s0, s1, s2, s3, s4, NULL}; *h != NULL; h++)
        g_hash_table_destroy(*h);
    g_free(kept);
    g_free(ch);
    g_free(same);
    g_free(up);
    g_free(out);
    g_free(dir);
}
END_TEST

START_TEST(test_build_regen)
{
    char *dir = gb_test_tmpdir("regen-build");
    char *out = g_build_filename(dir, "out", NULL);
    char *up = g_build_filename(dir, "up.csv", NULL);
    char *ch = g_build_filename(dir, "changes-run.csv", NULL);
    ck_assert(g_file_set_contents(up, up_row, -1, NULL));
    const char *first[] = {GB_BINARY, "build", "-q", "-o", out, NULL};
    ck_assert_int_eq(gb__run(first, NULL), 0);
    GHashTable *s0 = gb__snap(out);
    gb__tick();
    const char *again[] = {GB_BINARY, "build", "-q", "-o", out, "--changes", ch, NULL};
    ck_assert_int_eq(gb__run(again, NULL), 0);
    GHashTable *s1 = gb__snap(out);
    char *diff = gb__changed(s0, s1);
    ck_assert_msg(strcmp(diff, "") == 0, "a no-change build rewrote: %s", diff);
    g_free(diff);
    gb__tick();
    const char *up_run[] = {GB_BINARY, "build", "-q", up, "-o", out, "--changes", ch, NULL};
    ck_assert_int_eq(gb__run(up_run, NULL), 0);
    GHashTable *s2 = gb__snap(out);
    diff = gb__changed(s1, s2);
    ck_assert_msg(strstr(diff, "briefing.pdf") && strstr(diff, "briefing.html") &&
                      strstr(diff, "charts/map.svg") && strstr(diff, "figures.csv"),
                  "%s", diff);
    /* A table of years before 2025 shows nothing that moved (the dumbbell
     * chart now compares today's position, so it moves with it). */
    ck_assert_msg(strstr(diff, "charts/dumbbell.svg"), "%s", diff);
    ck_assert_msg(!strstr(diff, "tables/published-changes.csv"), "%s", diff);
    char *text = gb__read(ch);
    ck_assert(strstr(text, "figure,Barnet overall effectiveness,Good,Outstanding\r\n"));
    ck_assert(strstr(text, "figure,England overall effectiveness outstanding,36,37\r\n"));
    char *listed = gb__listed(text);
    ck_assert(strstr(listed, "briefing.pdf") && strstr(listed, "charts/map.svg"));
    /* Its own records are not listed (tables/changes.csv is a table of the briefing). */
    char **items = g_strsplit(listed, " ", -1);
    for (char **i = items; *i != NULL; i++)
        ck_assert_msg(strcmp(*i, "changes.csv") && strcmp(*i, "figures.csv") &&
                          strcmp(*i, "manifest.ini"),
                      "%s listed", *i);
    g_strfreev(items);
    g_free(listed);
    g_free(text);
    g_free(diff);
    g_hash_table_destroy(s0);
    g_hash_table_destroy(s1);
    g_hash_table_destroy(s2);
    g_free(ch);
    g_free(up);
    g_free(out);
    g_free(dir);
}
END_TEST

/* The map on every pack's first page shows grades only, no dates: a
 * re-inspection with the grade Barnet already had rewrites Barnet's pack and
 * the briefing, not Leeds's pack (another region, not a neighbour) nor
 * abolished Cumbria's (named with --authority); a different grade moves
 * England's figures, which Leeds's pack shows (its map and position series),
 * while Cumbria's shows neither. */
START_TEST(test_map_rule)
{
    char *dir = gb_test_tmpdir("regen-map");
    char *packs = g_build_filename(dir, "packs", NULL), *brief = g_build_filename(dir, "b", NULL);
    char *same = g_build_filename(dir, "same.csv", NULL),
         *up = g_build_filename(dir, "up.csv", NULL);
    ck_assert(g_file_set_contents(same, same_row, -1, NULL));
    ck_assert(g_file_set_contents(up, up_row, -1, NULL));
    const struct {
        const char *row;           /* the data update, NULL: none */
        const char *packs, *brief; /* the files rewritten, as gb__changed lists them */
    } steps[] = {
        {NULL, NULL, NULL},
        {same, "barnet.docx barnet.html barnet.pdf changes.csv manifest.ini manifest.stat",
         "briefing.pdf"},
        {up,
         "barnet.docx barnet.html barnet.pdf changes.csv figures.csv leeds.docx leeds.html "
         "leeds.pdf manifest.ini manifest.stat",
         "briefing.pdf"},
    };
    GHashTable *before = NULL, *bbefore = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(steps); i++) {
        const char *p[] = {GB_BINARY, "packs",   "-q", "-a",  "Barnet",     "-a", "Leeds",
                           "-a",      "Cumbria", "-o", packs, steps[i].row, NULL};
        const char *b[] = {GB_BINARY, "build", "-q", "-o", brief, steps[i].row, NULL};
        gb__tick();
        char *err = NULL;
        ck_assert_msg(gb__run(p, &err) == 0, "%s", err);
        g_free(err);
        ck_assert_int_eq(gb__run(b, NULL), 0);
        GHashTable *after = gb__snap(packs), *bafter = gb__snap(brief);
        if (before != NULL) {
            char *diff = gb__changed(before, after);
            ck_assert_msg(strcmp(diff, steps[i].packs) == 0, "step %zu rewrote %s", i, diff);
            g_free(diff);
            diff = gb__changed(bbefore, bafter);
            ck_assert_msg(strstr(diff, steps[i].brief) != NULL, "step %zu: briefing kept: %s", i,
                          diff);
            g_free(diff);
            g_hash_table_destroy(before);
            g_hash_table_destroy(bbefore);
        }
        before = after;
        bbefore = bafter;
    }
    g_hash_table_destroy(before);
    g_hash_table_destroy(bbefore);
    g_free(same);
    g_free(up);
    g_free(packs);
    g_free(brief);
    g_free(dir);
}
END_TEST

/* ---- Branding ---------------------------------------------------------- */

static const struct {
    const char *name;
    const char *branding; /* the [branding] group's lines */
    const char *err;      /* NULL: accepted */
} brand_cases[] = {
    {"marking", "marking=OFFICIAL\n", NULL},
    {"footer", "footer=Committee paper\n", NULL},
    {"accent dark", "accent=#25083a\n", NULL},
    {"accent short form", "accent=#203\n", NULL},
    {"svg logo", "logo=" GB_TESTS_DIR "/data/branding/wessex-logo.svg\nlogo_alt=Wessex\n", NULL},
    {"png logo", "logo=" GB_TESTS_DIR "/data/branding/wessex-logo.png\nlogo_alt=Wessex\n", NULL},
    /* What the accent is drawn next to: white only (headings, band, rules). */
    {"accent mid-blue", "accent=#1d70b8\n", NULL},
    {"accent council green", "accent=#00703c\n", NULL},
    {"accent dark green (beside no grade fill)", "accent=#1b5e20\n", NULL},
    {"accent pale yellow", "accent=#fff2a8\n",
     "ini:3:1: accent #fff2a8 has a contrast of 1.13:1 against white; headings in it need 4.5:1 "
     "(WCAG 2.2 text contrast, 1.4.3): choose a darker colour"},
    {"accent amber", "accent=#ffcc00\n", "accent #ffcc00 has a contrast of 1.51:1 against white"},
    {"accent light blue: a rule would pass, text not", "accent=#4c8cd9\n",
     "accent #4c8cd9 has a contrast of 3.46:1 against white; headings in it need 4.5:1"},
    {"accent not a colour", "accent=green\n", "accent 'green' is not a colour"},
    {"logo missing", "logo=nowhere.png\nlogo_alt=x\n", "logo: cannot read"},
    {"logo not an image", "logo=" GB_TESTS_DIR "/data/branding/briefing.ini\nlogo_alt=x\n",
     "is not a PNG or SVG file"},
    {"logo without alt", "logo=" GB_TESTS_DIR "/data/branding/wessex-logo.png\n",
     "logo needs logo_alt"},
    {"unknown key", "colour=#000000\n", "unknown key 'colour' in [branding]"},
};

START_TEST(test_branding_keys)
{
    char *dir = gb_test_tmpdir("brand");
    char *ini = g_build_filename(dir, "b.ini", NULL);
    char *body = g_strdup_printf("[briefing]\n[branding]\n%s", brand_cases[_i].branding);
    ck_assert(g_file_set_contents(ini, body, -1, NULL));
    char *out = g_build_filename(dir, "out", NULL);
    const char *argv[] = {GB_BINARY, "packs", "-q", "-a", "Barnet", "-c", ini, "-o", out, NULL};
    char *err = NULL;
    int rc = gb__run(argv, &err);
    if (brand_cases[_i].err == NULL) {
        ck_assert_msg(rc == 0, "%s: exit %d: %s", brand_cases[_i].name, rc, err);
    } else {
        ck_assert_msg(rc == 65, "%s: exit %d", brand_cases[_i].name, rc);
        ck_assert_msg(strstr(err, brand_cases[_i].err) != NULL, "%s: stderr %s",
                      brand_cases[_i].name, err);
        ck_assert(!g_file_test(out, G_FILE_TEST_EXISTS));
    }
    g_free(err);
    g_free(out);
    g_free(body);
    g_free(ini);
    g_free(dir);
}
END_TEST

/* librsvg is opened only for an SVG logo: without it, an SVG logo is refused
 * with a message saying what to install, and a PNG logo still works. */
START_TEST(test_logo_without_librsvg)
{
    g_setenv("GRADEBRIEF_RSVG", "/nonexistent/librsvg-2.so.2", TRUE);
    char *dir = gb_test_tmpdir("nolibrsvg");
    static const char *const logos[] = {"svg", "png"};
    for (gsize k = 0; k < G_N_ELEMENTS(logos); k++) {
        char *ini = g_build_filename(dir, "b.ini", NULL);
        char *body = g_strdup_printf("[briefing]\n[branding]\nlogo=" GB_TESTS_DIR
                                     "/data/branding/wessex-logo.%s\nlogo_alt=Wessex\n",
                                     logos[k]);
        ck_assert(g_file_set_contents(ini, body, -1, NULL));
        char *out = g_build_filename(dir, logos[k], NULL);
        const char *argv[] = {GB_BINARY, "build", "-q", "--formats", "pdf",
                              "-c",      ini,     "-o", out,         NULL};
        char *err = NULL;
        int rc = gb__run(argv, &err);
        if (k == 0) {
            ck_assert_msg(rc == 65, "svg: exit %d: %s", rc, err);
            ck_assert_msg(strstr(err, "an SVG logo needs librsvg (Debian: librsvg2-2), which "
                                      "cannot be loaded") != NULL,
                          "svg: stderr %s", err);
            ck_assert(!g_file_test(out, G_FILE_TEST_EXISTS));
        } else {
            ck_assert_msg(rc == 0, "png: exit %d: %s", rc, err);
        }
        g_free(err);
        g_free(out);
        g_free(body);
        g_free(ini);
    }
    g_free(dir);
}
END_TEST

/* The example council's briefing: the marking at the top and the bottom of
 * every page, the footer, the logo's alt text, the same in the HTML. */
START_TEST(test_branded_briefing)
{
    char *dir = gb_test_tmpdir("branded");
    const char *argv[] = {
        GB_BINARY, "build", "-q", "-c", GB_TESTS_DIR "/data/branding/briefing.ini",
        "-o",      dir,     NULL};
    ck_assert_int_eq(gb__run(argv, NULL), 0);
    char *pdf = g_build_filename(dir, "briefing.pdf", NULL);
    const char *info[] = {PDFINFO, pdf, NULL};
    char *o = NULL;
    ck_assert_int_eq(gb_test_run(NULL, info, &o, NULL), 0);
    const char *p = strstr(o, "Pages:");
    ck_assert(p != NULL);
    int pages = atoi(p + 6);
    ck_assert_int_gt(pages, 10);
    g_free(o);
    for (int page = 1; page <= pages; page++) {
        char num[16];
        g_snprintf(num, sizeof num, "%d", page);
        const char *tx[] = {PDFTOTEXT, "-f", num, "-l", num, "-layout", pdf, "-", NULL};
        ck_assert_int_eq(gb_test_run(NULL, tx, &o, NULL), 0);
        char *first = strstr(o, "OFFICIAL");
        ck_assert_msg(first && strstr(first + 8, "OFFICIAL"), "page %d: marking not twice", page);
        /* At the top and at the bottom: the first and the last text lines. */
        char *trim = g_strstrip(g_strdup(o));
        ck_assert_msg(g_str_has_suffix(trim, "OFFICIAL"), "page %d: ends '%s'", page,
                      trim + MAX(0, (int)strlen(trim) - 40));
        if (page > 1)
            ck_assert_msg(strstr(o, "Children's Services Scrutiny Committee, 9 December 2026"),
                          "page %d: no footer", page);
        g_free(trim);
        g_free(o);
    }
    /* The cover logo is a Figure whose alt text names the council. */
    char *qdf = g_build_filename(dir, "qdf.pdf", NULL);
    const char *q[] = {QPDF, "--qdf", "--object-streams=disable", pdf, qdf, NULL};
    ck_assert_int_eq(gb_test_run(NULL, q, NULL, NULL), 0);
    char *raw = gb__read(qdf);
    ck_assert(strstr(raw, "/Alt (Wessex County Council)") != NULL);
    g_free(raw);
    char *html = g_build_filename(dir, "briefing.html", NULL);
    char *h = gb__read(html);
    ck_assert(strstr(h, "<p class=\"marking marking-top\">OFFICIAL</p>"));
    ck_assert(strstr(h, "<p class=\"marking marking-bottom\">OFFICIAL</p>\n</footer>"));
    ck_assert(strstr(h, "<img class=\"logo\" src=\"data:image/svg+xml;base64,"));
    ck_assert(strstr(h, "alt=\"Wessex County Council\" width=\"240\" height=\"80\"/>"));
    ck_assert(strstr(h, "h1, h2 { color: #25083a; }"));
    ck_assert(strstr(h, "<footer>\n<p>Wessex County Council \u00b7 Children"));
    g_free(h);
    g_free(html);
    g_free(qdf);
    g_free(pdf);
    g_free(dir);
}
END_TEST

/* ---- Selection ---------------------------------------------------------- */

static const struct {
    const char *name;
    const char *args[6];
    int status;
    const char *says; /* in the PDF's text (status 0) or on stderr */
} select_cases[] = {
    {"ILACS since 2018",
     {"--regimes", "ilacs", "--from", "2018", NULL},
     0,
     "Left out: 150 judgements under APA (2007 to 2007); 18 judgements under Unannounced (2009 "
     "to 2009); 314 judgements under SLAC (2009 to 2012); 51 judgements under CP 2012 (2012 to "
     "2013); 5 judgements under TLAC (2013 to 2013); 1034 judgements under SIF (2014 to 2018); "
     "1572 in all."},
    {"up to 2020",
     {"--to", "2020", NULL},
     0,
     "Left out: 775 judgements under ILACS (2021 to 2025)"},
    {"unknown regime",
     {"--regimes", "ilacs,nope", NULL},
     64,
     "--regimes: unknown regime 'nope' (regimes: apa,"},
    {"from after to", {"--from", "2020", "--to", "2019", NULL}, 64, "--from 2020 is after --to"},
    {"bad date", {"--from", "last year", NULL}, 64, "--from: 'last year' is not a date"},
};

START_TEST(test_selection)
{
    char *dir = gb_test_tmpdir("select");
    GPtrArray *argv = g_ptr_array_new();
    const char *head[] = {GB_BINARY, "build", "-q", "-o", dir, "--formats", "pdf,html"};
    for (gsize i = 0; i < G_N_ELEMENTS(head); i++)
        g_ptr_array_add(argv, (gpointer)head[i]);
    for (const char *const *a = select_cases[_i].args; *a != NULL; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    char *err = NULL;
    int rc = gb__run((const char *const *)argv->pdata, &err);
    ck_assert_msg(rc == select_cases[_i].status, "%s: exit %d: %s", select_cases[_i].name, rc, err);
    if (rc != 0) {
        ck_assert_msg(strstr(err, select_cases[_i].says), "%s: %s", select_cases[_i].name, err);
    } else {
        char *pdf = g_build_filename(dir, "briefing.pdf", NULL);
        const char *tx[] = {PDFTOTEXT, "-raw", pdf, "-", NULL};
        char *o = NULL;
        ck_assert_int_eq(gb_test_run(NULL, tx, &o, NULL), 0);
        char *flat = g_strdelimit(o, "\n", ' ');
        ck_assert_msg(
            strstr(flat, "What this briefing leaves out") && strstr(flat, select_cases[_i].says),
            "%s: the methodology does not say '%s'", select_cases[_i].name, select_cases[_i].says);
        g_free(o);
        char *html = g_build_filename(dir, "briefing.html", NULL);
        char *h = gb__read(html);
        ck_assert(strstr(h, select_cases[_i].says) != NULL);
        g_free(h);
        g_free(html);
        g_free(pdf);
    }
    g_free(err);
    g_ptr_array_free(argv, TRUE);
    g_free(dir);
}
END_TEST

START_TEST(test_selection_keeps_only)
{
    char *dir = gb_test_tmpdir("select-only");
    const char *argv[] = {GB_BINARY,   "build", "-q",     "-o",   dir,
                          "--regimes", "ilacs", "--from", "2018", NULL};
    ck_assert_int_eq(gb__run(argv, NULL), 0);
    char *csv = g_build_filename(dir, "tables", "distributions.csv", NULL);
    char *t = gb__read(csv);
    ck_assert(strstr(t, "\nILACS,2018,") != NULL);
    ck_assert_msg(strstr(t, "APA") == NULL && strstr(t, "SIF") == NULL, "%s", t);
    g_free(t);
    g_free(csv);
    g_free(dir);
}
END_TEST

/* --to moves the as-at date to the period's end when it is earlier (--from
 * never moves it): the one date on the cover, in the sections, in the tables
 * and stamped on the PDF. */
static const struct {
    const char *name;
    const char *args[3];
    const char *long_date, *iso;
} as_at_cases[] = {
    {"--to a day", {"--to", "2020-03-31", NULL}, "31 March 2020", "2020-03-31"},
    {"--to a year", {"--to", "2019", NULL}, "31 December 2019", "2019-12-31"},
    {"--to after the as-at date", {"--to", "2030", NULL}, "31 March 2025", "2025-03-31"},
    {"--from", {"--from", "2018", NULL}, "31 March 2025", "2025-03-31"},
};

START_TEST(test_selection_as_at)
{
    char *dir = gb_test_tmpdir("select-as-at");
    const char *argv[] = {GB_BINARY,
                          "build",
                          "-q",
                          "-o",
                          dir,
                          "--formats",
                          "pdf,html",
                          as_at_cases[_i].args[0],
                          as_at_cases[_i].args[1],
                          NULL};
    char *err = NULL;
    ck_assert_msg(gb__run(argv, &err) == 0, "%s: %s", as_at_cases[_i].name, err);
    g_free(err);
    char *data_as_at = g_strdup_printf("Data as at %s", as_at_cases[_i].long_date);
    char *summary = g_strdup_printf("As at %s, of the", as_at_cases[_i].long_date);
    /* The cover and the summary section, in the PDF and the HTML. */
    char *pdf = g_build_filename(dir, "briefing.pdf", NULL);
    const char *tx[] = {PDFTOTEXT, "-raw", pdf, "-", NULL};
    char *o = NULL;
    ck_assert_int_eq(gb_test_run(NULL, tx, &o, NULL), 0);
    char *flat = g_strdelimit(o, "\n", ' ');
    ck_assert_msg(strstr(flat, data_as_at) && strstr(flat, summary), "%s: the PDF does not say %s",
                  as_at_cases[_i].name, as_at_cases[_i].long_date);
    g_free(o);
    char *html = g_build_filename(dir, "briefing.html", NULL);
    char *h = gb__read(html);
    ck_assert_msg(strstr(h, data_as_at) != NULL, "%s: the HTML", as_at_cases[_i].name);
    g_free(h);
    /* The positions table ends on that date. */
    char *csv = g_build_filename(dir, "tables", "positions.csv", NULL);
    char *t = gb__read(csv);
    char *last = g_strrstr(g_strchomp(t), "\n");
    ck_assert_ptr_nonnull(last);
    ck_assert_msg(g_str_has_prefix(last + 1, as_at_cases[_i].iso), "%s: positions.csv ends %s",
                  as_at_cases[_i].name, last + 1);
    g_free(t);
    /* And the PDF's creation date is it. */
    const char *info[] = {PDFINFO, "-isodates", pdf, NULL};
    ck_assert_int_eq(gb_test_run(NULL, info, &o, NULL), 0);
    char *created = g_strdup_printf("CreationDate:    %sT", as_at_cases[_i].iso);
    ck_assert_msg(strstr(o, created) != NULL, "%s: %s", as_at_cases[_i].name, o);
    g_free(created);
    g_free(o);
    g_free(csv);
    g_free(html);
    g_free(pdf);
    g_free(summary);
    g_free(data_as_at);
    g_free(dir);
}
END_TEST

static Suite *
regen_suite(void)
{
    Suite *s = suite_create("regen");
    TCase *tc = tcase_create("regen");
    tcase_set_timeout(tc, 600); /* five full packs runs, on a loaded machine */
    tcase_add_test(tc, test_packs_regen);
    tcase_add_test(tc, test_build_regen);
    tcase_add_test(tc, test_map_rule);
    suite_add_tcase(s, tc);
    TCase *tb = tcase_create("branding");
    tcase_set_timeout(tb, 120);
    tcase_add_loop_test(tb, test_branding_keys, 0, G_N_ELEMENTS(brand_cases));
    tcase_add_test(tb, test_branded_briefing);
    tcase_add_test(tb, test_logo_without_librsvg);
    suite_add_tcase(s, tb);
    TCase *ts = tcase_create("selection");
    tcase_set_timeout(ts, 120);
    tcase_add_loop_test(ts, test_selection, 0, G_N_ELEMENTS(select_cases));
    tcase_add_test(ts, test_selection_keeps_only);
    tcase_add_loop_test(ts, test_selection_as_at, 0, G_N_ELEMENTS(as_at_cases));
    suite_add_tcase(s, ts);
    return s;
}

int
main(void)
{
    return gb_test_main(regen_suite());
}
