/* manifest.c - the output manifest (see manifest.h). */
#include "output/manifest.h"

struct GbManifest {
    GKeyFile *kf;
};

GbManifest *
gb_manifest_load(const char *dir, gboolean *corrupt)
{
    GbManifest *m = g_new0(GbManifest, 1);
    m->kf = g_key_file_new();
    char *path = g_build_filename(dir, "manifest.ini", NULL);
    gboolean bad = FALSE;
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        if (!g_key_file_load_from_file(m->kf, path, G_KEY_FILE_NONE, NULL) ||
            g_key_file_get_integer(m->kf, "manifest", "version", NULL) != 1) {
            bad = TRUE;
            g_key_file_free(m->kf);
            m->kf = g_key_file_new();
        }
    }
    if (corrupt != NULL)
        *corrupt = bad;
    g_free(path);
    return m;
}

void
gb_manifest_free(GbManifest *m)
{
    if (m == NULL)
        return;
    g_key_file_free(m->kf);
    g_free(m);
}

gboolean
gb_manifest_fresh(const GbManifest *m, const char *dir, const char *name, const char *hash)
{
    char *had = g_key_file_get_string(m->kf, "files", name, NULL);
    gboolean fresh = had != NULL && g_strcmp0(had, hash) == 0;
    g_free(had);
    if (fresh) {
        char *path = g_build_filename(dir, name, NULL);
        fresh = g_file_test(path, G_FILE_TEST_IS_REGULAR);
        g_free(path);
    }
    return fresh;
}

void
gb_manifest_set(GbManifest *m, const char *name, const char *hash, int pages)
{
    g_key_file_set_string(m->kf, "files", name, hash);
    if (pages > 0)
        g_key_file_set_integer(m->kf, "pages", name, pages);
}

int
gb_manifest_pages(const GbManifest *m, const char *name)
{
    return g_key_file_get_integer(m->kf, "pages", name, NULL);
}

GbStatus
gb_manifest_save(const GbManifest *m, const char *dir, GbDiag *diag)
{
    g_key_file_set_integer(m->kf, "manifest", "version", 1);
    g_key_file_set_comment(m->kf, NULL, NULL,
                           " gradebrief output manifest: what each file was made from", NULL);
    gsize len;
    char *text = g_key_file_to_data(m->kf, &len, NULL);
    char *path = g_build_filename(dir, "manifest.ini", NULL);
    GError *err = NULL;
    GbStatus status = GB_OK;
    if (!g_file_set_contents(path, text, (gssize)len, &err)) {
        gb_diag_set(diag, path, 0, 0, "cannot write: %s", err->message);
        g_error_free(err);
        status = GB_CANTCREAT;
    }
    g_free(path);
    g_free(text);
    return status;
}
