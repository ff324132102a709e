/* test_locale.c - output is byte-identical under any locale: `stats` in every
 * format and every file of `build`, run under C and under de_DE.UTF-8 (decimal
 * comma, its own collation), which is generated here with localedef into the
 * scratch folder (LOCPATH), so no system locale is needed. Exits 77 (skipped)
 * only when no such locale can be generated. */
#include "testutil.h"

#include <string.h>

static char *locpath;

/* Runs gradebrief args in cwd under locale (NULL: C); returns its stdout. */
static char *
run_under(const char *locale, const char *cwd, const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)GB_BINARY);
    for (const char *const *a = args; *a != NULL; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    char **env = g_get_environ();
    env = g_environ_setenv(env, "LC_ALL", locale != NULL ? locale : "C", TRUE);
    env = g_environ_setenv(env, "LOCPATH", locpath, TRUE);
    char *out = NULL, *err = NULL;
    int wait;
    ck_assert(g_spawn_sync(cwd, (char **)argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                           &wait, NULL));
    ck_assert_msg(WIFEXITED(wait) && WEXITSTATUS(wait) == 0, "%s: %s", args[0], err);
    g_free(err);
    g_strfreev(env);
    g_ptr_array_free(argv, TRUE);
    return out;
}

static const struct {
    const char *name;
    const char *args[8];
} outputs[] = {
    {"stats table", {"stats", NULL}},
    {"stats csv", {"stats", "-f", "csv", NULL}},
    {"stats json", {"stats", "-f", "json", NULL}},
    {"stats by region", {"stats", "--by", "year,region", "-f", "csv", NULL}},
    {"authority json", {"stats", "-a", "Hertfordshire", "-f", "json", NULL}},
    {"authority table", {"stats", "-a", "Leeds", NULL}},
    {"check accounting", {"check", NULL}},
};

START_TEST(test_stdout_same)
{
    char *c = run_under(NULL, NULL, outputs[_i].args);
    char *de = run_under("de_DE.UTF-8", NULL, outputs[_i].args);
    ck_assert_msg(strcmp(c, de) == 0, "%s differs under de_DE.UTF-8", outputs[_i].name);
    g_free(c);
    g_free(de);
}
END_TEST

/* Every file under dir, relative names, sorted. */
static void
list_files(const char *dir, const char *rel, GPtrArray *out)
{
    char *path = rel[0] ? g_build_filename(dir, rel, NULL) : g_strdup(dir);
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        char *r = rel[0] ? g_build_filename(rel, name, NULL) : g_strdup(name);
        char *full = g_build_filename(dir, r, NULL);
        if (g_file_test(full, G_FILE_TEST_IS_DIR))
            list_files(dir, r, out);
        else
            g_ptr_array_add(out, g_strdup(r));
        g_free(full);
        g_free(r);
    }
    if (d != NULL)
        g_dir_close(d);
    g_free(path);
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_build_same)
{
    char *dir = gb_test_tmpdir("gblocale");
    const char *c_args[] = {"build", "-q", "-o", "c", NULL};
    const char *de_args[] = {"build", "-q", "-o", "de", NULL};
    g_free(run_under(NULL, dir, c_args));
    g_free(run_under("de_DE.UTF-8", dir, de_args));
    char *cdir = g_build_filename(dir, "c", NULL), *ddir = g_build_filename(dir, "de", NULL);
    GPtrArray *cf = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *df = g_ptr_array_new_with_free_func(g_free);
    list_files(cdir, "", cf);
    list_files(ddir, "", df);
    g_ptr_array_sort(cf, cmp_str);
    g_ptr_array_sort(df, cmp_str);
    ck_assert_uint_eq(cf->len, df->len);
    ck_assert_uint_gt(cf->len, 10);
    for (guint i = 0; i < cf->len; i++) {
        const char *name = g_ptr_array_index(cf, i);
        ck_assert_str_eq(name, g_ptr_array_index(df, i));
        if (strcmp(name, "manifest.ini") == 0 || strcmp(name, "manifest.stat") == 0)
            continue; /* names the folder it is in; the stat cache: its inodes and times */
        char *a = g_build_filename(cdir, name, NULL), *b = g_build_filename(ddir, name, NULL);
        char *ta, *tb;
        gsize la, lb;
        ck_assert(g_file_get_contents(a, &ta, &la, NULL));
        ck_assert(g_file_get_contents(b, &tb, &lb, NULL));
        ck_assert_msg(la == lb && memcmp(ta, tb, la) == 0, "%s differs under de_DE.UTF-8", name);
        g_free(ta);
        g_free(tb);
        g_free(a);
        g_free(b);
    }
    g_ptr_array_free(cf, TRUE);
    g_ptr_array_free(df, TRUE);
    g_free(cdir);
    g_free(ddir);
    g_free(dir);
}
END_TEST

/* The test means something only if the locale really formats "8,0". */
static gboolean
locale_works(void)
{
    const char *argv[] = {"localedef", "-i", "de_DE", "-f", "UTF-8", NULL, NULL};
    char *target = g_build_filename(locpath, "de_DE.UTF-8", NULL);
    argv[5] = target;
    int wait;
    gboolean ok =
        g_spawn_sync(NULL, (char **)argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &wait, NULL) &&
        g_file_test(target, G_FILE_TEST_IS_DIR);
    g_free(target);
    if (!ok)
        return FALSE;
    char **env = g_get_environ();
    env = g_environ_setenv(env, "LC_ALL", "de_DE.UTF-8", TRUE);
    env = g_environ_setenv(env, "LOCPATH", locpath, TRUE);
    const char *pf[] = {"printf", "%.1f", "8", NULL};
    char *out = NULL;
    ok = g_spawn_sync(NULL, (char **)pf, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &wait,
                      NULL) &&
         out != NULL && strcmp(out, "8,0") == 0;
    g_free(out);
    g_strfreev(env);
    return ok;
}

int
main(void)
{
    /* The locale goes in a folder of its own that outlives the forked tests. */
    locpath = g_dir_make_tmp("gradebrief-locale-XXXXXX", NULL);
    if (locpath == NULL || !locale_works()) {
        fprintf(stderr, "no de_DE.UTF-8 locale could be generated (localedef and the "
                        "locales package's sources are needed): skipped\n");
        if (locpath != NULL)
            gb_test_rmtree(locpath);
        return 77;
    }
    Suite *s = suite_create("locale");
    TCase *tc = tcase_create("locale");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_stdout_same, 0, G_N_ELEMENTS(outputs));
    tcase_add_test(tc, test_build_same);
    suite_add_tcase(s, tc);
    int rc = gb_test_main(s);
    gb_test_rmtree(locpath);
    g_free(locpath);
    return rc;
}
