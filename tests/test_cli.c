/* test_cli.c - end to end: run the real binary (no shell) and check exit
 * codes, the one-line error on stderr, and what stdout says. */
#include "testutil.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

typedef struct {
    int status;
    char *out, *err;
} GbExec;

/* argv (its binary first) run in dir with environment env (NULL: this
 * process's): its output, errors and exit status in x. */
static void
run_at(GbExec *x, const char *dir, char **env, const char *const *argv)
{
    GError *err = NULL;
    int wait;
    gboolean ok = g_spawn_sync(dir, (char **)argv, env, G_SPAWN_DEFAULT, NULL, NULL, &x->out,
                               &x->err, &wait, &err);
    ck_assert_msg(ok, "spawn: %s", err ? err->message : "");
    ck_assert_msg(WIFEXITED(wait), "%s did not exit normally (signal?)", argv[0]);
    x->status = WEXITSTATUS(wait);
}

/* Runs gradebrief with args (NULL-terminated, after the program name). */
static void
run(GbExec *x, const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)GB_BINARY);
    for (const char *const *a = args; *a != NULL; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    /* Commands that write (build) write under the working folder: a fresh one. */
    static char *cwd = NULL;
    if (cwd == NULL)
        cwd = gb_test_tmpdir("gbcli");
    run_at(x, cwd, NULL, (const char *const *)argv->pdata);
    g_ptr_array_free(argv, TRUE);
}

static void
clear(GbExec *x)
{
    g_free(x->out);
    g_free(x->err);
}

static int
count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static const struct {
    const char *name;
    const char *args[16];
    int status;
    const char *out, *err; /* substrings expected, or NULL */
} cases[] = {
    {"help", {"--help", NULL}, 0, "Usage: gradebrief COMMAND", NULL},
    {"help lists config", {"--help", NULL}, 0, "config [-c FILE] [-d DIR]", NULL},
    {"build help says -c layers",
     {"build", "--help", NULL},
     0,
     "read over DATADIR/briefing.ini",
     NULL},
    {"config takes no files", {"config", "x.csv", NULL}, 64, NULL, "config takes no FILE"},
    {"config missing -c",
     {"config", "-c", "/nonexistent.ini", NULL},
     66,
     NULL,
     "/nonexistent.ini: cannot read"},
    {"version", {"--version", NULL}, 0, "gradebrief 0.2.0", NULL},
    {"no command is build", {NULL}, 0, "wrote out/briefing.pdf", NULL},
    {"build names every document", {"build", "--force", NULL}, 0, " KB), .html, .docx: ", NULL},
    {"build names what it wrote",
     {"build", "--force", "--formats", "docx,html", NULL},
     0,
     "wrote out/briefing.html, .docx: ",
     NULL},
    {"unknown command", {"frobnicate", NULL}, 64, NULL, "unknown command 'frobnicate'"},
    {"timings give each stage's own peak",
     {"build", "--force", "-q", "--timings", "--formats", "pdf", NULL},
     0,
     NULL,
     " MB (stage "},
    {"unknown option", {"check", "--frob", NULL}, 64, NULL, "Unknown option --frob"},
    {"check help", {"check", "--help", NULL}, 0, "Exit status", NULL},
    {"stats help documents csv",
     {"stats", "--help", NULL},
     0,
     "series,grade,count,base,percent",
     NULL},
    {"check bundled", {"check", NULL}, 0, "rejected 0;", NULL},
    {"missing data dir",
     {"check", "-d", "/nonexistent", NULL},
     66,
     NULL,
     "data directory does not exist"},
    {"missing file",
     {"check", "/nonexistent.csv", NULL},
     66,
     NULL,
     "gradebrief: /nonexistent.csv: cannot open"},
    {"bad --by", {"stats", "--by", "colour", NULL}, 64, NULL, "unknown group 'colour'"},
    {"bad --format", {"stats", "-f", "xml", NULL}, 64, NULL, "not table, csv or json"},
    {"bad --as-at", {"stats", "--as-at", "yesterday", NULL}, 64, NULL, "not a date"},
    {"unknown authority",
     {"stats", "--authority", "Gotham", NULL},
     64,
     NULL,
     "unknown authority \"Gotham\""},
    {"authority history",
     {"stats", "--authority", "Hertfordshire", NULL},
     0,
     "19 November 2010 SLAC Adequate  (up)",
     NULL},
    {"latest headline",
     {"stats", "--as-at", "2025-03-31", NULL},
     0,
     /* The judgement's name, the date written out and ILACS's own label for an
      * ILACS-only position (issue 18), not overall_effectiveness, 2025-03-31 and
      * "Adequate / requires improvement". */
     "Latest Overall effectiveness as at 31 March 2025: 153 authorities: 36 Outstanding, "
     "67 Good, 31 Requires improvement, 19 Inadequate",
     NULL},
    {"chart list",
     {"chart", "--list", NULL},
     0,
     "distribution\ncounts\ndumbbell\ntrend\nmap\n"
     "transitions\ntimeline\n",
     NULL},
    {"unknown chart", {"chart", "pie", NULL}, 64, NULL, "unknown chart 'pie'"},
    {"narrow trend ends",
     {"chart", "trend", "--width", "72", "-o", "narrow.svg", NULL},
     0,
     NULL,
     NULL},
    {"narrow timeline ends",
     {"chart", "timeline", "-a", "Leeds", "--width", "72", "-o", "narrow.png", NULL},
     0,
     NULL,
     NULL},
    {"timeline needs an authority", {"chart", "timeline", NULL}, 64, NULL, "--authority"},
    {"map takes no authority",
     {"chart", "map", "-a", "Hertfordshire", NULL},
     64,
     NULL,
     "gradebrief chart: chart 'map' does not take --authority (timeline and position take it)\n"},
    {"trend takes no as-at",
     {"chart", "trend", "--as-at", "2025-03-31", NULL},
     64,
     NULL,
     "gradebrief chart: chart 'trend' does not take --as-at (counts and map take it)\n"},
    {"timeline takes no as-at",
     {"chart", "timeline", "-a", "Leeds", "--as-at", "2025-03-31", NULL},
     64,
     NULL,
     "does not take --as-at"},
    {"map takes as-at",
     {"chart", "map", "--as-at", "2024-03-31", "-o", "map.svg", NULL},
     0,
     NULL,
     NULL},
    {"chart help says which take what",
     {"chart", "--help", NULL},
     0,
     "timeline (needs --authority)",
     NULL},
    {"trend too low",
     {"chart", "trend", "--height", "100", "-o", "low.svg", NULL},
     64,
     NULL,
     "gradebrief chart: --height 100: chart 'trend' needs at least 256 points at width 481.9; "
     "without --height it is 314\n"},
    {"trend at its least height",
     {"chart", "trend", "--height", "256", "-o", "low.svg", NULL},
     0,
     NULL,
     NULL},
    {"counts too low",
     {"chart", "counts", "--height", "174", "-o", "low.svg", NULL},
     64,
     NULL,
     "needs at least 175 points"},
    {"counts at its least height",
     {"chart", "counts", "--height", "175", "-o", "low.svg", NULL},
     0,
     NULL,
     NULL},
    {"map too low",
     {"chart", "map", "--height", "200", "-o", "low.svg", NULL},
     64,
     NULL,
     "chart 'map' needs at least 213 points at width 481.9; without --height it is 476"},
    /* Smaller tiles, each still with its code (the pack's summary draws it so). */
    {"map drawn smaller",
     {"chart", "map", "--height", "300", "-o", "low.svg", NULL},
     0,
     NULL,
     NULL},
    {"narrow map lower",
     {"chart", "map", "--width", "240", "--height", "322", "-o", "low.svg", NULL},
     0,
     NULL,
     NULL},
    {"PNG too large refused, no allocation",
     {"chart", "counts", "-f", "png", "--dpi", "1200", "--width", "5000", "--height", "5000", "-o",
      "huge.png", NULL},
     64,
     NULL,
     "would be 83333 x 83333 pixels; a PNG can be at most 32767 a side"},
    {"packs bad -j", {"packs", "-j", "0x", NULL}, 64, NULL, "Cannot parse integer"},
    {"build -o empty",
     {"build", "-o", "", NULL},
     64,
     NULL,
     "gradebrief build: -o: the output folder name is empty"},
    {"packs -o empty",
     {"packs", "-o", "", NULL},
     64,
     NULL,
     "gradebrief packs: -o: the output folder name is empty"},
    {"build -o - refused", {"build", "-o", "-", NULL}, 64, NULL, "only chart writes to standard"},
    {"packs -o - refused", {"packs", "-o", "-", NULL}, 64, NULL, "only chart writes to standard"},
    {"packs unknown authority",
     {"packs", "-a", "Gotham", NULL},
     64,
     NULL,
     "unknown authority \"Gotham\""},
    {"authority json",
     {"stats", "-a", "Hertfordshire", "-f", "json", "--as-at", "2025-03-31", NULL},
     0,
     "\"judged_better\" : 0",
     NULL},
    {"authority csv",
     {"stats", "-a", "North Northamptonshire", "-f", "csv", NULL},
     0,
     "North Northamptonshire,940,E06000061,2007,,apa,staying_safe,good,Good,Northamptonshire\r\n",
     NULL},
    {"csv row",
     {"stats", "-f", "csv", NULL},
     0,
     "inspections,,,,,,,,,2007,2007-01-01,2007-12-31,no,apa,staying_safe,computed,outstanding,12,"
     "150,8.0,8,,\r\n",
     NULL},
    {"csv position",
     {"stats", "-f", "csv", NULL},
     0,
     "position,2025-03-31,overall_effectiveness,england,,,,,,,,,,,,computed,inadequate,19,153,"
     "12.4,12,153,\r\n",
     NULL},
    {"csv published",
     {"stats", "-f", "csv", NULL},
     0,
     "published,,,,,,,,,2006,,,,apa,staying_safe,published,outstanding,,,16.0,,,\r\n",
     NULL},
};

START_TEST(test_case)
{
    GbExec x;
    run(&x, cases[_i].args);
    ck_assert_msg(x.status == cases[_i].status, "%s: exit %d, stderr: %s", cases[_i].name, x.status,
                  x.err);
    if (cases[_i].out != NULL)
        ck_assert_msg(strstr(x.out, cases[_i].out) != NULL, "%s: stdout lacks '%s'", cases[_i].name,
                      cases[_i].out);
    if (cases[_i].err != NULL)
        ck_assert_msg(strstr(x.err, cases[_i].err) != NULL, "%s: stderr '%s'", cases[_i].name,
                      x.err);
    clear(&x);
}
END_TEST

START_TEST(test_bad_row_one_line)
{
    char *path = gb_test_file("bad.csv",
                              "authority,year,regime,judgement,grade\n"
                              "Barnet,2006,apa,staying_safe,Excellent\n",
                              -1);
    const char *args[] = {"check", path, NULL};
    GbExec x;
    run(&x, args);
    ck_assert_int_eq(x.status, 65);
    char *want = g_strdup_printf("gradebrief: %s:2:30: unknown grade (field 'grade' = "
                                 "\"Excellent\"; expected one of apa: Outstanding, Good, "
                                 "Adequate, Inadequate)\n",
                                 path);
    ck_assert_msg(strstr(x.err, want) != NULL, "stderr: %s", x.err);
    ck_assert_ptr_nonnull(strstr(x.out, "rejected 1;"));
    /* stats refuses data with rejects, and names the way out. */
    clear(&x);
    const char *stats[] = {"stats", path, NULL};
    run(&x, stats);
    ck_assert_int_eq(x.status, 65);
    ck_assert_ptr_nonnull(strstr(x.err, "--keep-going"));
    clear(&x);
    const char *keep[] = {"stats", "--keep-going", path, NULL};
    run(&x, keep);
    ck_assert_int_eq(x.status, 0);
    clear(&x);
    g_free(want);
    g_free(path);
}
END_TEST

/* A user's -c file layers over the data folder's briefing.ini: what it does
 * not set keeps the folder's value (as_at above all), and config says where
 * each value came from. */
START_TEST(test_config_layers)
{
    char *user = gb_test_file("mine.ini", "# only the title\n[briefing]\ntitle=My own title\n", -1);
    const char *show[] = {"config", "-c", user, NULL};
    GbExec x;
    run(&x, show);
    ck_assert_msg(x.status == 0, "config: %d %s", x.status, x.err);
    char *want = g_strdup_printf("# %s:3\ntitle=My own title\n", user);
    ck_assert_msg(strstr(x.out, want) != NULL, "config said: %s", x.out);
    ck_assert_msg(strstr(x.out, "/briefing.ini:13\nas_at=2025-03-31\n") != NULL, "%s", x.out);
    ck_assert_msg(strstr(x.out, "/briefing.ini:17\nfont=Liberation Sans\n") != NULL, "%s", x.out);
    /* What config prints is itself a settings file that gives the same settings. */
    char *again = gb_test_file("again.ini", x.out, -1);
    clear(&x);
    const char *reread[] = {"config", "-c", again, NULL};
    run(&x, reread);
    ck_assert_msg(x.status == 0, "config of its own output: %d %s", x.status, x.err);
    char *want2 = g_strdup_printf("# %s:", again);
    ck_assert_ptr_nonnull(strstr(x.out, want2));
    ck_assert_ptr_nonnull(strstr(x.out, "\ntitle=My own title\n"));
    ck_assert_ptr_nonnull(strstr(x.out, "\nas_at=2025-03-31\n"));
    clear(&x);
    /* A data folder without briefing.ini: every key its default, as_at unset. */
    char *bare = gb_test_tmpdir("bare");
    const char *none[] = {"config", "-d", bare, NULL};
    run(&x, none);
    ck_assert_int_eq(x.status, 0);
    ck_assert_ptr_nonnull(strstr(x.out, "# default\nfont=Liberation Sans\n"));
    ck_assert_ptr_nonnull(strstr(x.out, "as_at is not set: the newest judgement date"));
    ck_assert_ptr_null(strstr(x.out, "\nas_at="));
    clear(&x);
    const char *gone[] = {"config", "-d", "/nonexistent", NULL};
    run(&x, gone);
    ck_assert_int_eq(x.status, 66);
    clear(&x);
    /* build with the same file: the title is the user's, the date the folder's
     * (it was the newest judgement date, 24 March 2025, when -c replaced it). */
    char *outdir = gb_test_tmpdir("layered");
    const char *build[] = {"build", "-q", "-c", user, "-o", outdir, NULL};
    run(&x, build);
    ck_assert_msg(x.status == 0, "build: %d %s", x.status, x.err);
    clear(&x);
    char *pdf = g_build_filename(outdir, "briefing.pdf", NULL);
    const char *totext[] = {PDFTOTEXT, pdf, "-", NULL};
    char *text = NULL;
    ck_assert_int_eq(gb_test_run(NULL, totext, &text, NULL), 0);
    ck_assert_msg(strstr(text, "My own title") != NULL, "no title in the PDF");
    ck_assert_msg(strstr(text, "Data as at 31 March 2025") != NULL, "the folder's as_at was lost");
    ck_assert_msg(strstr(text, "as at 24 March 2025") == NULL, "the newest date was used");
    g_free(text);
    g_free(pdf);
    g_free(outdir);
    g_free(bare);
    g_free(want);
    g_free(want2);
    g_free(again);
    g_free(user);
}
END_TEST

/* The man page's data update, run as it says: its long-format row, check,
 * packs, and the lines it quotes from each. */
/* The line build prints adds up: a fresh folder is all written and nothing up
 * to date; after one output is damaged, one is written and the rest are up to
 * date (it once printed 4294967294 up to date: a count of other files taken
 * from the written ones). */
static void
build_counts(const char *dir, guint *written, guint *fresh)
{
    const char *argv[] = {GB_BINARY, "build", "--formats", "html", "-o", "out", NULL};
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(gb_test_run(dir, argv, &out, &err), 0);
    const char *at = strstr(out, ": ");
    ck_assert_msg(at != NULL && sscanf(at, ": %u written, %u up to date", written, fresh) == 2,
                  "%s", out);
    g_free(out);
    g_free(err);
}

START_TEST(test_build_counts)
{
    char *dir = gb_test_tmpdir("counts");
    guint written, fresh;
    build_counts(dir, &written, &fresh);
    ck_assert_uint_gt(written, 1);
    ck_assert_uint_eq(fresh, 0);
    guint total = written;
    char *html = g_build_filename(dir, "out", "briefing.html", NULL);
    ck_assert(g_file_set_contents(html, "damaged", -1, NULL));
    build_counts(dir, &written, &fresh);
    ck_assert_uint_eq(written, 1);
    ck_assert_uint_gt(fresh, 0);
    ck_assert_uint_le(written + fresh, total);
    g_free(html);
    g_free(dir);
}
END_TEST

START_TEST(test_man_example)
{
    char *man = NULL;
    ck_assert(g_file_get_contents(GB_TESTS_DIR "/../man/gradebrief.1", &man, NULL, NULL));
    const char *quoted[] = {
        ".B gradebrief check new.csv\n",
        ".B gradebrief packs new.csv \\-\\-authority Hertfordshire\n",
        "\"rows read 887 = used 678 + merged 209 + rejected 0; 2760 judgements kept\"",
        "\"gradebrief: new.csv:2:48: unknown grade (field 'grade' = \\(dqExcellent\\(dq; "
        "expected one of ilacs: Outstanding, Good, Requires improvement, Inadequate)\"",
        "\"1 written, 0 up to date (out/packs)\"",
        "\"0 written, 1 up to date\"",
        ".B gradebrief config\n",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(quoted); i++)
        ck_assert_msg(strstr(man, quoted[i]) != NULL, "the man page lacks %s", quoted[i]);
    /* The row is the one under DATA, between .nf and .fi, with roff's \- as -. */
    const char *data = strstr(man, ".SH DATA");
    ck_assert_ptr_nonnull(data);
    const char *nf = strstr(data, ".nf\n"), *fi = strstr(data, "\n.fi\n");
    ck_assert(nf != NULL && fi != NULL && nf < fi);
    char *block = g_strndup(nf + 4, (gsize)(fi - nf - 4));
    char **parts = g_strsplit(block, "\\-", -1);
    char *csv = g_strjoinv("-", parts);
    g_strfreev(parts);
    ck_assert_str_eq(csv, "authority,year,regime,judgement,grade,date,source\n"
                          "Hertfordshire,2025,ilacs,overall_effectiveness,Good,2025-06-16,"
                          "Ofsted ILACS report");
    char *dir = gb_test_tmpdir("manex");
    char *path = g_build_filename(dir, "new.csv", NULL);
    char *text = g_strconcat(csv, "\n", NULL);
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    const char *check[] = {GB_BINARY, "check", "new.csv", NULL};
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(gb_test_run(dir, check, &out, &err), 0);
    ck_assert_msg(strstr(out, "rows read 887 = used 678 + merged 209 + rejected 0; 2760 "
                              "judgements kept") != NULL,
                  "%s", out);
    g_free(out);
    g_free(err);
    const char *packs[] = {GB_BINARY, "packs", "new.csv", "--authority", "Hertfordshire", NULL};
    ck_assert_int_eq(gb_test_run(dir, packs, &out, &err), 0);
    ck_assert_msg(strstr(out, "1 written, 0 up to date (out/packs)") != NULL, "%s", out);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(gb_test_run(dir, packs, &out, &err), 0);
    ck_assert_msg(strstr(out, "0 written, 1 up to date") != NULL, "%s", out);
    g_free(out);
    g_free(err);
    /* With Excellent for Good: the one line the page quotes, exit 65. */
    char *bad = g_strconcat(csv, "\n", NULL);
    char *at = strstr(bad, ",Good,");
    ck_assert_ptr_nonnull(at);
    char *swapped = g_strdup_printf("%.*s,Excellent,%s", (int)(at - bad), bad, at + 6);
    ck_assert(g_file_set_contents(path, swapped, -1, NULL));
    ck_assert_int_eq(gb_test_run(dir, check, &out, &err), 65);
    ck_assert_msg(strstr(err, "gradebrief: new.csv:2:48: unknown grade (field 'grade' = "
                              "\"Excellent\"; expected one of ilacs: Outstanding, Good, "
                              "Requires improvement, Inadequate)\n") != NULL,
                  "%s", err);
    g_free(out);
    g_free(err);
    g_free(swapped);
    g_free(bad);
    g_free(text);
    g_free(path);
    g_free(dir);
    g_free(csv);
    g_free(block);
    g_free(man);
}
END_TEST

START_TEST(test_many_rejects_capped)
{
    GString *s = g_string_new("authority,year,regime,judgement,grade\n");
    for (int i = 0; i < 100; i++)
        g_string_append(s, "Nowhere,2006,apa,staying_safe,Good\n");
    char *path = gb_test_file("many.csv", s->str, (gssize)s->len);
    const char *args[] = {"check", path, NULL};
    GbExec x;
    run(&x, args);
    ck_assert_int_eq(x.status, 65);
    ck_assert_int_le(count_lines(x.err), 22);
    ck_assert_ptr_nonnull(strstr(x.err, "... and 80 more rejected rows"));
    ck_assert_ptr_nonnull(strstr(x.out, "+ rejected 100;"));
    clear(&x);
    g_free(path);
    g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_json_parses)
{
    const char *args[] = {"stats", "-f", "json", NULL};
    GbExec x;
    run(&x, args);
    ck_assert_int_eq(x.status, 0);
    JsonParser *p = json_parser_new();
    ck_assert(json_parser_load_from_data(p, x.out, -1, NULL));
    JsonObject *root = json_node_get_object(json_parser_get_root(p));
    JsonArray *ds = json_object_get_array_member(root, "distributions");
    JsonObject *first = json_array_get_object_element(ds, 0);
    ck_assert_str_eq(json_object_get_string_member(first, "regime"), "apa");
    ck_assert_int_eq(json_object_get_int_member(first, "year"), 2007);
    JsonObject *g0 =
        json_array_get_object_element(json_object_get_array_member(first, "grades"), 0);
    ck_assert_int_eq(json_object_get_int_member(g0, "count"), 12);
    ck_assert_double_eq_tol(json_object_get_double_member(g0, "percent"), 8.0, 1e-9);
    JsonObject *latest = json_object_get_object_member(root, "latest");
    ck_assert_int_eq(json_object_get_int_member(latest, "authorities"), 153);
    g_object_unref(p);
    clear(&x);
}
END_TEST

START_TEST(test_csv_parses_back)
{
    /* Every CSV line has the header's 23 fields (no field holds a comma here). */
    const char *args[] = {"stats", "-f", "csv", "--by", "year,regime,judgement,region", NULL};
    GbExec x;
    run(&x, args);
    ck_assert_int_eq(x.status, 0);
    char **lines = g_strsplit(x.out, "\r\n", -1);
    ck_assert_str_eq(lines[0], "kind,as_at,family,group,region,authority,dfe_code,ons_code,date,"
                               "year,period_from,period_to,partial,regime,judgement,series,grade,"
                               "count,base,percent,percent_whole,authorities,change_points");
    int n = 0;
    for (char **l = lines; *l != NULL && **l != '\0'; l++, n++) {
        char **f = g_strsplit(*l, ",", -1);
        ck_assert_msg(g_strv_length(f) == 23, "line %d: %s", n, *l);
        g_strfreev(f);
    }
    ck_assert_int_gt(n, 100);
    g_strfreev(lines);
    clear(&x);
}
END_TEST

/* GnuTLS (libqpdf's) is never initialised (cli/main.c): its initialisation
 * would log its first line with GNUTLS_DEBUG_LEVEL set. A build runs the
 * finishing pass (libqpdf) without it. */
START_TEST(test_gnutls_skipped)
{
    const char *version[] = {GB_BINARY, "--version", NULL};
    const char *build[] = {GB_BINARY, "build", "-q",         "--force", "--formats",
                           "pdf",     "-o",    "gnutls-out", NULL};
    const char *const *runs[] = {version, build};
    char *dir = gb_test_tmpdir("gbtls");
    char **env = g_environ_setenv(g_get_environ(), "GNUTLS_DEBUG_LEVEL", "2", TRUE);
    for (gsize i = 0; i < G_N_ELEMENTS(runs); i++) {
        GbExec x;
        run_at(&x, dir, env, runs[i]);
        ck_assert_msg(x.status == 0, "%s: %s", runs[i][1], x.err);
        ck_assert_msg(strstr(x.err, "Enabled GnuTLS") == NULL, "%s: GnuTLS initialised: %s",
                      runs[i][1], x.err);
        clear(&x);
    }
    g_strfreev(env);
    g_free(dir);
}
END_TEST

/* libqpdf is opened by the finishing pass (output/qpdfload.c), not at
 * startup: LD_DEBUG=files shows every library the loader opens. */
START_TEST(test_qpdf_opened_late)
{
    const char *version[] = {GB_BINARY, "--version", NULL};
    const char *build[] = {GB_BINARY, "build", "-q",       "--force", "--formats",
                           "pdf",     "-o",    "late-out", NULL};
    const char *const *runs[] = {version, build};
    gboolean opened[] = {FALSE, TRUE};
    char *dir = gb_test_tmpdir("gbqpdf");
    char **env = g_environ_setenv(g_get_environ(), "LD_DEBUG", "files", TRUE);
    for (gsize i = 0; i < G_N_ELEMENTS(runs); i++) {
        GbExec x;
        run_at(&x, dir, env, runs[i]);
        ck_assert_msg(x.status == 0, "%s: %s", runs[i][1], x.out);
        ck_assert_msg((strstr(x.err, "file=libqpdf.so") != NULL) == opened[i], "%s: libqpdf %s",
                      runs[i][1], opened[i] ? "never opened" : "opened");
        clear(&x);
    }
    g_strfreev(env);
    g_free(dir);
}
END_TEST

/* libqpdf that cannot be opened: one line, EX_SOFTWARE, the earlier build's
 * files as they were. */
static const struct {
    const char *name;
    const char *lib; /* GRADEBRIEF_QPDF */
    const char *err;
} qpdf_missing[] = {
    {"no such file", "/nonexistent/libqpdf.so.29", "/nonexistent/libqpdf.so.29: cannot open"},
    {"not libqpdf", "libz.so.1", "libz.so.1 has no qpdf_init"},
};

START_TEST(test_qpdf_missing)
{
    const char *build[] = {GB_BINARY, "build", "-q",       "--force", "--formats",
                           "pdf",     "-o",    "qpdf-out", NULL};
    char *dir = gb_test_tmpdir("gbnoqpdf");
    char *pdf = g_build_filename(dir, "qpdf-out", "briefing.pdf", NULL);
    GbExec x;
    run_at(&x, dir, NULL, build);
    ck_assert_msg(x.status == 0, "first build: %s", x.err);
    clear(&x);
    gchar *before = NULL, *after = NULL;
    gsize n_before = 0, n_after = 0;
    ck_assert(g_file_get_contents(pdf, &before, &n_before, NULL));
    char **env = g_environ_setenv(g_get_environ(), "GRADEBRIEF_QPDF", qpdf_missing[_i].lib, TRUE);
    run_at(&x, dir, env, build);
    ck_assert_msg(x.status == 70, "%s: exit %d: %s", qpdf_missing[_i].name, x.status, x.err);
    ck_assert_msg(count_lines(x.err) == 1 && strstr(x.err, "needs libqpdf") != NULL &&
                      strstr(x.err, qpdf_missing[_i].err) != NULL,
                  "%s: %s", qpdf_missing[_i].name, x.err);
    ck_assert(g_file_get_contents(pdf, &after, &n_after, NULL));
    ck_assert_msg(n_after == n_before && memcmp(before, after, n_before) == 0, "%s: PDF changed",
                  qpdf_missing[_i].name);
    clear(&x);
    g_free(before);
    g_free(after);
    g_strfreev(env);
    g_free(pdf);
    g_free(dir);
}
END_TEST

static Suite *
cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_case, 0, G_N_ELEMENTS(cases));
    tcase_add_test(tc, test_bad_row_one_line);
    tcase_add_test(tc, test_many_rejects_capped);
    tcase_add_test(tc, test_config_layers);
    tcase_add_test(tc, test_man_example);
    tcase_add_test(tc, test_build_counts);
    tcase_add_test(tc, test_json_parses);
    tcase_add_test(tc, test_csv_parses_back);
    tcase_add_test(tc, test_gnutls_skipped);
    tcase_add_test(tc, test_qpdf_opened_late);
    tcase_add_loop_test(tc, test_qpdf_missing, 0, G_N_ELEMENTS(qpdf_missing));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(cli_suite());
}
