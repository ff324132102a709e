/* manifest.c - the output manifest (see manifest.h). */
#include "output/manifest.h"

#include <stdio.h>
#include <string.h>

struct GbManifest {
    GKeyFile *kf;
};

GbManifest *
gb_manifest_parse(const char *text, gsize len, gboolean *corrupt)
{
    GbManifest *m = g_new0(GbManifest, 1);
    m->kf = g_key_file_new();
    gboolean bad = FALSE;
    if (text != NULL) {
        int version = 0;
        if (g_key_file_load_from_data(m->kf, text, len, G_KEY_FILE_NONE, NULL))
            version = g_key_file_get_integer(m->kf, "manifest", "version", NULL);
        /* Version 1 had no [outputs]: its files read as never verified, so
         * each is rewritten once. */
        if (version != 1 && version != 2) {
            bad = TRUE;
            g_key_file_free(m->kf);
            m->kf = g_key_file_new();
        }
    }
    if (corrupt != NULL)
        *corrupt = bad;
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
gb_manifest_get(const GbManifest *m, const char *name, GbManifestEntry *e)
{
    memset(e, 0, sizeof *e);
    char *input = g_key_file_get_string(m->kf, "files", name, NULL);
    if (input == NULL)
        return FALSE;
    g_strlcpy(e->input, input, sizeof e->input);
    g_free(input);
    char *out = g_key_file_get_string(m->kf, "outputs", name, NULL);
    char hex[65];
    guint64 size;
    if (out != NULL && sscanf(out, "%64[0-9a-f] %" G_GUINT64_FORMAT, hex, &size) == 2 &&
        strlen(hex) == 64) {
        memcpy(e->output, hex, sizeof hex);
        e->size = size;
    }
    g_free(out);
    e->pages = g_key_file_get_integer(m->kf, "pages", name, NULL);
    return TRUE;
}

void
gb_manifest_set(GbManifest *m, const char *name, const GbManifestEntry *e)
{
    g_key_file_set_string(m->kf, "files", name, e->input);
    char *out = g_strdup_printf("%s %" G_GUINT64_FORMAT, e->output, e->size);
    g_key_file_set_string(m->kf, "outputs", name, out);
    g_free(out);
    if (e->pages > 0)
        g_key_file_set_integer(m->kf, "pages", name, e->pages);
    else
        g_key_file_remove_key(m->kf, "pages", name, NULL);
}

char **
gb_manifest_names_with_input(const GbManifest *m, const char *input)
{
    GPtrArray *names = g_ptr_array_new();
    char **keys = g_key_file_get_keys(m->kf, "files", NULL, NULL);
    for (char **k = keys; k != NULL && *k != NULL; k++) {
        char *v = g_key_file_get_string(m->kf, "files", *k, NULL);
        if (g_strcmp0(v, input) == 0)
            g_ptr_array_add(names, g_strdup(*k));
        g_free(v);
    }
    g_strfreev(keys);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

char *
gb_manifest_to_data(const GbManifest *m, gsize *len)
{
    g_key_file_set_integer(m->kf, "manifest", "version", 2);
    g_key_file_set_comment(m->kf, NULL, NULL,
                           " gradebrief output manifest: what each file was made from and holds",
                           NULL);
    return g_key_file_to_data(m->kf, len, NULL);
}
