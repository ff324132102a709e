/* writeutil.h - what test_write and test_writecrash share: a folder's
 * listing, reading and putting back a file, and writing one version of the
 * outputs into a folder. */
#ifndef GB_WRITEUTIL_H
#define GB_WRITEUTIL_H

#include "output/manifest.h"
#include "output/write.h"
#include "testutil.h"

#include <string.h>
#include <sys/stat.h>

/* A listing of everything under dir: "rel kind sha256" per entry, sorted,
 * links shown with their target, never followed. The stat cache is listed
 * without its bytes (inodes and times: it differs whenever a file is put
 * back, and from one folder to another). */
static inline void
gb__tree_into(const char *root, const char *rel, GPtrArray *lines)
{
    char *dir = *rel ? g_build_filename(root, rel, NULL) : g_strdup(root);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        char *r = *rel ? g_build_filename(rel, name, NULL) : g_strdup(name);
        char *p = g_build_filename(root, r, NULL);
        struct stat st;
        ck_assert_int_eq(lstat(p, &st), 0);
        if (S_ISLNK(st.st_mode)) {
            char *to = g_file_read_link(p, NULL);
            g_ptr_array_add(lines, g_strdup_printf("%s link %s", r, to));
            g_free(to);
        } else if (S_ISDIR(st.st_mode)) {
            g_ptr_array_add(lines, g_strdup_printf("%s/ folder", r));
            gb__tree_into(root, r, lines);
        } else if (S_ISREG(st.st_mode) && strcmp(r, "manifest.stat") == 0) {
            g_ptr_array_add(lines, g_strdup_printf("%s cache", r));
        } else if (S_ISREG(st.st_mode)) {
            char *bytes;
            gsize len;
            ck_assert(g_file_get_contents(p, &bytes, &len, NULL));
            char *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)bytes, len);
            g_ptr_array_add(lines, g_strdup_printf("%s file %s", r, h));
            g_free(h);
            g_free(bytes);
        } else {
            g_ptr_array_add(lines, g_strdup_printf("%s other %o", r, st.st_mode & S_IFMT));
        }
        g_free(p);
        g_free(r);
    }
    if (d != NULL)
        g_dir_close(d);
    g_free(dir);
}

static inline gint
gb__strcmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline char *
tree(const char *dir)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    gb__tree_into(dir, "", lines);
    g_ptr_array_sort(lines, gb__strcmp);
    g_ptr_array_add(lines, NULL);
    char *s = g_strjoinv("\n", (char **)lines->pdata);
    g_ptr_array_free(lines, TRUE);
    return s;
}

static inline char *
slurp(const char *dir, const char *rel)
{
    char *p = g_build_filename(dir, rel, NULL), *text = NULL;
    g_file_get_contents(p, &text, NULL, NULL);
    g_free(p);
    return text;
}

static inline void
put(const char *dir, const char *rel, const char *text)
{
    char *p = g_build_filename(dir, rel, NULL);
    char *parent = g_path_get_dirname(p);
    ck_assert_int_eq(g_mkdir_with_parents(parent, 0777), 0);
    ck_assert(g_file_set_contents(p, text, -1, NULL));
    g_free(parent);
    g_free(p);
}

/* The files of one run: version v of each. */
static const char *const files[] = {"briefing.pdf", "charts/map.svg", "charts/map.png",
                                    "tables/movers.csv", "index.csv"};

static inline GbStatus
write_version(const char *dir, int v, guint flags, GbDiag *d)
{
    GbWriteSet *w;
    GbStatus st = gb_write_open(dir, flags, &w, d);
    if (st != GB_OK)
        return st;
    char input[16];
    g_snprintf(input, sizeof input, "v%d", v);
    for (gsize i = 0; i < G_N_ELEMENTS(files) && st == GB_OK; i++) {
        char *body = g_strdup_printf("%s version %d %s\n", files[i], v,
                                     v % 2 ? "odd, and a little longer" : "even");
        st = gb_write_add(w, files[i], (guint8 *)body, strlen(body), input, i == 0 ? 3 : 0, d);
        g_free(body);
    }
    if (st == GB_OK)
        st = gb_write_commit(w, d);
    gb_write_free(w);
    return st;
}

/* Fault injection: the n-th write, fsync or rename fails. */

#endif
