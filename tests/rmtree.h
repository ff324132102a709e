/* rmtree.h - removing a scratch folder and all it holds, for the Check suites
 * and the fuzz targets, which make files and must not leave them behind. */
#ifndef GB_RMTREE_H
#define GB_RMTREE_H

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

/* Removes path and everything below it; symbolic links are removed, not followed. */
static inline void
gb_test_rmtree(const char *path)
{
    GDir *d = g_file_test(path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open(path, 0, NULL);
    if (d != NULL) {
        const char *name;
        while ((name = g_dir_read_name(d)) != NULL) {
            char *child = g_build_filename(path, name, NULL);
            gb_test_rmtree(child);
            g_free(child);
        }
        g_dir_close(d);
        g_rmdir(path);
        return;
    }
    g_remove(path);
}

static char *gb__exit_scratch;

static inline void
gb__remove_exit_scratch(void)
{
    gb_test_rmtree(gb__exit_scratch);
}

/* A fresh folder prefix-XXXXXX in the system's temporary folder, removed with
 * all it holds when the process exits normally (kept after a crash, to look
 * at). For one folder a process: the fuzz targets. g_free the path. */
static inline char *
gb_test_exit_scratch(const char *prefix)
{
    char *tmpl = g_strdup_printf("%s-XXXXXX", prefix);
    char *dir = g_dir_make_tmp(tmpl, NULL);
    g_free(tmpl);
    if (dir == NULL)
        abort();
    gb__exit_scratch = g_strdup(dir);
    atexit(gb__remove_exit_scratch);
    return dir;
}

#endif
