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

/* Runs gradebrief with args (NULL-terminated, after the program name). */
static void
run(GbExec *x, const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)GB_BINARY);
    for (const char *const *a = args; *a != NULL; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    GError *err = NULL;
    int wait;
    /* Commands that write (build) write under the working folder: a fresh one. */
    static char *cwd = NULL;
    if (cwd == NULL)
        cwd = gb_test_tmpdir("gbcli");
    gboolean ok = g_spawn_sync(cwd, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &x->out, &x->err, &wait, &err);
    ck_assert_msg(ok, "spawn: %s", err ? err->message : "");
    ck_assert_msg(WIFEXITED(wait), "gradebrief did not exit normally (signal?)");
    x->status = WEXITSTATUS(wait);
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
    const char *out, *err;  /* substrings expected, or NULL */
} cases[] = {
    {"help", {"--help", NULL}, 0, "Usage: gradebrief COMMAND", NULL},
    {"version", {"--version", NULL}, 0, "gradebrief 0.1.0", NULL},
    {"no command is build", {NULL}, 0, "wrote out/briefing.pdf", NULL},
    {"unknown command", {"frobnicate", NULL}, 64, NULL, "unknown command 'frobnicate'"},
    {"unknown option", {"check", "--frob", NULL}, 64, NULL, "Unknown option --frob"},
    {"check help", {"check", "--help", NULL}, 0, "Exit status", NULL},
    {"stats help documents csv", {"stats", "--help", NULL}, 0, "series,grade,count,base,percent",
     NULL},
    {"check bundled", {"check", NULL}, 0, "rejected 0;", NULL},
    {"missing data dir", {"check", "-d", "/nonexistent", NULL}, 66, NULL,
     "data directory does not exist"},
    {"missing file", {"check", "/nonexistent.csv", NULL}, 66, NULL,
     "gradebrief: /nonexistent.csv: cannot open"},
    {"bad --by", {"stats", "--by", "colour", NULL}, 64, NULL, "unknown group 'colour'"},
    {"bad --format", {"stats", "-f", "xml", NULL}, 64, NULL, "not table, csv or json"},
    {"bad --as-at", {"stats", "--as-at", "yesterday", NULL}, 64, NULL, "not a date"},
    {"unknown authority", {"stats", "--authority", "Gotham", NULL}, 64, NULL,
     "unknown authority \"Gotham\""},
    {"authority history", {"stats", "--authority", "Hertfordshire", NULL}, 0,
     "2010 (2010-11-19) SLAC Adequate  (up)", NULL},
    {"latest headline", {"stats", "--as-at", "2025-03-31", NULL}, 0,
     "153 authorities: 36 Outstanding, 67 Good, 31 Adequate / requires improvement, "
     "19 Inadequate",
     NULL},
    {"chart list", {"chart", "--list", NULL}, 0, "distribution\ncounts\ndumbbell\ntrend\nmap\n"
     "transitions\ntimeline\n", NULL},
    {"unknown chart", {"chart", "pie", NULL}, 64, NULL, "unknown chart 'pie'"},
    {"narrow trend ends", {"chart", "trend", "--width", "72", "-o", "narrow.svg", NULL}, 0, NULL,
     NULL},
    {"narrow timeline ends", {"chart", "timeline", "-a", "Leeds", "--width", "72", "-o",
                              "narrow.png", NULL}, 0, NULL, NULL},
    {"timeline needs an authority", {"chart", "timeline", NULL}, 64, NULL, "--authority"},
    {"PNG too large refused, no allocation", {"chart", "counts", "-f", "png", "--dpi", "1200",
                                             "--width", "5000", "--height", "5000", "-o",
                                             "huge.png", NULL},
     64, NULL, "would be 83333 x 83333 pixels; a PNG can be at most 32767 a side"},
    {"packs bad -j", {"packs", "-j", "0x", NULL}, 64, NULL, "Cannot parse integer"},
    {"build -o empty", {"build", "-o", "", NULL}, 64, NULL,
     "gradebrief build: -o: the output folder name is empty"},
    {"packs -o empty", {"packs", "-o", "", NULL}, 64, NULL,
     "gradebrief packs: -o: the output folder name is empty"},
    {"build -o - refused", {"build", "-o", "-", NULL}, 64, NULL, "only chart writes to standard"},
    {"packs -o - refused", {"packs", "-o", "-", NULL}, 64, NULL, "only chart writes to standard"},
    {"packs unknown authority", {"packs", "-a", "Gotham", NULL}, 64, NULL,
     "unknown authority \"Gotham\""},
    {"authority json", {"stats", "-a", "Hertfordshire", "-f", "json", "--as-at", "2025-03-31",
                        NULL}, 0, "\"judged_better\" : 0", NULL},
    {"authority csv", {"stats", "-a", "North Northamptonshire", "-f", "csv", NULL}, 0,
     "North Northamptonshire,940,E06000061,2007,,apa,staying_safe,good,Good,Northamptonshire\r\n",
     NULL},
    {"csv row", {"stats", "-f", "csv", NULL}, 0,
     "inspections,,,,,,,,,2007,2007-01-01,2007-12-31,no,apa,staying_safe,computed,outstanding,12,"
     "150,8.0,8,,\r\n", NULL},
    {"csv position", {"stats", "-f", "csv", NULL}, 0,
     "position,2025-03-31,overall_effectiveness,england,,,,,,,,,,,,computed,inadequate,19,153,"
     "12.4,12,153,\r\n", NULL},
    {"csv published", {"stats", "-f", "csv", NULL}, 0,
     "published,,,,,,,,,2006,,,,apa,staying_safe,published,outstanding,,,16.0,,,\r\n", NULL},
};

START_TEST(test_case)
{
    GbExec x;
    run(&x, cases[_i].args);
    ck_assert_msg(x.status == cases[_i].status, "%s: exit %d, stderr: %s", cases[_i].name,
                  x.status, x.err);
    if (cases[_i].out != NULL)
        ck_assert_msg(strstr(x.out, cases[_i].out) != NULL, "%s: stdout lacks '%s'",
                      cases[_i].name, cases[_i].out);
    if (cases[_i].err != NULL)
        ck_assert_msg(strstr(x.err, cases[_i].err) != NULL, "%s: stderr '%s'", cases[_i].name,
                      x.err);
    clear(&x);
}
END_TEST

START_TEST(test_bad_row_one_line)
{
    char *path = gb_test_file("bad.csv", "authority,year,regime,judgement,grade\n"
                                         "Barnet,2006,apa,staying_safe,Excellent\n", -1);
    const char *args[] = {"check", path, NULL};
    GbExec x;
    run(&x, args);
    ck_assert_int_eq(x.status, 65);
    char *want = g_strdup_printf("gradebrief: %s:2:30: unknown grade (field 'grade' = "
                                 "\"Excellent\"; expected one of apa: Outstanding, Good, "
                                 "Adequate, Inadequate)\n", path);
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
    JsonObject *g0 = json_array_get_object_element(json_object_get_array_member(first, "grades"), 0);
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

static Suite *
cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_case, 0, G_N_ELEMENTS(cases));
    tcase_add_test(tc, test_bad_row_one_line);
    tcase_add_test(tc, test_many_rejects_capped);
    tcase_add_test(tc, test_json_parses);
    tcase_add_test(tc, test_csv_parses_back);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(cli_suite());
}
