/* testutil.h - helpers shared by the Check suites: temporary files and the
 * runner main() that refuses to pass when no test ran. */
#ifndef GB_TESTUTIL_H
#define GB_TESTUTIL_H

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

/* Writes len bytes of data to a new file in a fresh temporary folder; returns
 * its path (g_free it; the folder is left for the OS to clean). */
static inline char *
gb_test_file(const char *name, const char *data, gssize len)
{
    char *dir = g_dir_make_tmp("gbtest-XXXXXX", NULL);
    char *path = g_build_filename(dir, name, NULL);
    g_free(dir);
    if (!g_file_set_contents(path, data, len, NULL))
        abort();
    return path;
}

/* Runs suite s; fails when a test failed or none ran (a filter matching nothing). */
static inline int
gb_test_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr), ran = srunner_ntests_run(sr);
    srunner_free(sr);
    if (ran == 0) {
        fprintf(stderr, "no test ran\n");
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
