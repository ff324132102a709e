/* testutil.h - helpers shared by the Check suites: temporary folders (all in
 * one scratch folder per run, removed when the run ends) and the runner main()
 * that refuses to pass when no test ran. */
#ifndef GB_TESTUTIL_H
#define GB_TESTUTIL_H

#include "rmtree.h"

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* The run's scratch folder, made by gb_test_main before any test runs (tests
 * run in forked children, which inherit it). */
static char *gb__test_root;

/* A fresh folder named prefix-XXXXXX in the run's scratch folder (or in the
 * system's temporary folder when there is none). g_free the path; the folder
 * goes with the scratch folder. */
static inline char *
gb_test_tmpdir(const char *prefix)
{
    char *tmpl = g_strdup_printf("%s/%s-XXXXXX",
                                 gb__test_root != NULL ? gb__test_root : g_get_tmp_dir(), prefix);
    if (g_mkdtemp(tmpl) == NULL)
        abort();
    return tmpl;
}

/* Writes len bytes of data to a new file in a fresh temporary folder; returns
 * its path (g_free it). */
static inline char *
gb_test_file(const char *name, const char *data, gssize len)
{
    char *dir = gb_test_tmpdir("gbtest");
    char *path = g_build_filename(dir, name, NULL);
    g_free(dir);
    if (!g_file_set_contents(path, data, len, NULL))
        abort();
    return path;
}

/* Runs argv (a program on PATH or a path) in cwd (NULL: here), captures its
 * output, and returns its exit status; fails the test if it did not exit. */
static inline int
gb_test_run(const char *cwd, const char *const *argv, char **out, char **err)
{
    int wait;
    GError *e = NULL;
    ck_assert_msg(g_spawn_sync(cwd, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err,
                               &wait, &e),
                  "spawn %s: %s", argv[0], e ? e->message : "");
    ck_assert_msg(WIFEXITED(wait), "%s did not exit normally (signal %d)", argv[0], WTERMSIG(wait));
    return WEXITSTATUS(wait);
}

/* Runs suite s; fails when a test failed or none ran (a filter matching nothing). */
static inline int
gb_test_main(Suite *s)
{
    gb__test_root = g_dir_make_tmp("gradebrief-tests-XXXXXX", NULL);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr), ran = srunner_ntests_run(sr);
    srunner_free(sr);
    /* Kept when asked, to look at what a failing test left. */
    if (gb__test_root != NULL && g_getenv("GB_KEEP_TMP") == NULL)
        gb_test_rmtree(gb__test_root);
    else if (gb__test_root != NULL)
        fprintf(stderr, "test files kept in %s\n", gb__test_root);
    g_free(gb__test_root);
    if (ran == 0) {
        fprintf(stderr, "no test ran\n");
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
