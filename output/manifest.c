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

/* ---- The stat cache ---- */

struct GbManifestStats {
    GHashTable *files; /* name -> GbStatRecord */
};

typedef struct {
    char output[65];
    GbFileStat st;
} GbStatRecord;

#define GB__STATS_HEADER "# gradebrief stat cache 1\n"

GbManifestStats *
gb_manifest_stats_parse(const char *text, gsize len)
{
    GbManifestStats *s = g_new0(GbManifestStats, 1);
    s->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (text == NULL || len < strlen(GB__STATS_HEADER) ||
        strncmp(text, GB__STATS_HEADER, strlen(GB__STATS_HEADER)) != 0 ||
        memchr(text, '\0', len) != NULL)
        return s; /* another version, or not ours: start afresh */
    char *copy = g_strndup(text, len);
    char **lines = g_strsplit(copy, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        GbStatRecord r;
        unsigned long long size, dev, ino;
        long long mt, ct;
        int at = 0;
        if (**l == '#' ||
            sscanf(*l, "%64[0-9a-f] %llu %lld %lld %llu %llu %n", r.output, &size, &mt, &ct, &dev,
                   &ino, &at) != 6 ||
            strlen(r.output) != 64 || at <= 0 || (*l)[at] == '\0')
            continue;
        r.st = (GbFileStat){size, dev, ino, mt, ct};
        g_hash_table_replace(s->files, g_strdup(*l + at), g_memdup2(&r, sizeof r));
    }
    g_strfreev(lines);
    g_free(copy);
    return s;
}

void
gb_manifest_stats_free(GbManifestStats *s)
{
    if (s == NULL)
        return;
    g_hash_table_destroy(s->files);
    g_free(s);
}

gboolean
gb_manifest_stats_get(const GbManifestStats *s, const char *name, char output[65], GbFileStat *st)
{
    const GbStatRecord *r = g_hash_table_lookup(s->files, name);
    if (r == NULL)
        return FALSE;
    memcpy(output, r->output, 65);
    *st = r->st;
    return TRUE;
}

void
gb_manifest_stats_set(GbManifestStats *s, const char *name, const char *output,
                      const GbFileStat *st)
{
    GbStatRecord *r = g_new0(GbStatRecord, 1);
    g_strlcpy(r->output, output, sizeof r->output);
    r->st = *st;
    g_hash_table_replace(s->files, g_strdup(name), r);
}

void
gb_manifest_stats_remove(GbManifestStats *s, const char *name)
{
    g_hash_table_remove(s->files, name);
}

void
gb_manifest_stats_prune(GbManifestStats *s, const GbManifest *m)
{
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, s->files);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        GbManifestEntry e;
        const GbStatRecord *r = v;
        if (!gb_manifest_get(m, k, &e) || strcmp(e.output, r->output) != 0 || e.size != r->st.size)
            g_hash_table_iter_remove(&it);
    }
}

static gint
gb__name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
gb_manifest_stats_to_data(const GbManifestStats *s, gsize *len)
{
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, s->files);
    while (g_hash_table_iter_next(&it, &k, NULL))
        g_ptr_array_add(names, k);
    g_ptr_array_sort(names, gb__name_cmp);
    GString *out = g_string_new(GB__STATS_HEADER);
    g_string_append(out, "# sha256 size mtime_ns ctime_ns dev inode name; a cache: delete "
                         "it freely\n");
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        const GbStatRecord *r = g_hash_table_lookup(s->files, n);
        /* A name with a line break cannot be read back: leave it out (hashed). */
        if (strchr(n, '\n') != NULL)
            continue;
        g_string_append_printf(out, "%s %llu %lld %lld %llu %llu %s\n", r->output,
                               (unsigned long long)r->st.size, (long long)r->st.mtime_ns,
                               (long long)r->st.ctime_ns, (unsigned long long)r->st.dev,
                               (unsigned long long)r->st.ino, n);
    }
    g_ptr_array_free(names, TRUE);
    *len = out->len;
    return g_string_free(out, FALSE);
}
