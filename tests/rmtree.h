/* rmtree.h - removing a scratch folder and all it holds, for the Check suites
 * and the fuzz targets, which make files and must not leave them behind. */
#ifndef GB_RMTREE_H
#define GB_RMTREE_H

#include <glib.h>
#include <glib/gstdio.h>

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

#endif
