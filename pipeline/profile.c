/* profile.c - load and match wide-table profiles (see profile.h). */
#include "pipeline/profile.h"

#include "pipeline/text.h"

#include <string.h>

static const char *const gb__profile_keys[] = {
    "name",   "match",       "authority",  "date",   "year",
    "regime", "regime_from", "not_judged", "source", NULL,
};

static void
gb__profile_free(gpointer data)
{
    GbProfile *p = data;
    if (p == NULL)
        return;
    g_free(p->id);
    g_free(p->name);
    g_free(p->path);
    g_strfreev(p->match);
    g_free(p->authority_col);
    g_free(p->date_col);
    g_free(p->year_col);
    if (p->regime_from != NULL)
        g_array_free(p->regime_from, TRUE);
    if (p->not_judged != NULL)
        g_hash_table_destroy(p->not_judged);
    g_free(p->source);
    if (p->judgement_ids != NULL)
        g_array_free(p->judgement_ids, TRUE);
    if (p->judgement_cols != NULL)
        g_ptr_array_free(p->judgement_cols, TRUE);
    g_free(p);
}

static GbStatus
gb__bad(GbDiag *diag, const char *path, const char *text, const char *group, const char *key,
        const char *msg)
{
    guint64 line = text != NULL ? gb_text_key_line(text, group, key) : 0;
    gb_diag_set(diag, path, line, line ? 1 : 0, "%s", msg);
    return GB_DATA;
}

static GbStatus
gb__profile_parse(const GbRef *ref, const char *path, GbProfile **out, GbDiag *diag)
{
    GbStatus status = GB_OK;
    char *text = NULL, *msg = NULL;
    GError *err = NULL;
    GKeyFile *kf = g_key_file_new();
    GbProfile *p = g_new0(GbProfile, 1);
    p->path = g_strdup(path);
    char *base = g_path_get_basename(path);
    p->id = g_strndup(base, strlen(base) - strlen(".ini"));
    g_free(base);
    p->regime = -1;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        gb_diag_set(diag, path, 0, 0, "cannot read profile: %s", err->message);
        status = GB_NOINPUT;
        goto out;
    }
    if (!g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &err)) {
        gb_diag_set(diag, path, 0, 0, "not a valid profile: %s", err->message);
        status = GB_DATA;
        goto out;
    }
    if (!g_key_file_has_group(kf, "profile") || !g_key_file_has_group(kf, "judgements")) {
        status = gb__bad(diag, path, NULL, NULL, NULL,
                         "a profile needs a [profile] and a [judgements] group");
        goto out;
    }
    gsize ngroups;
    char **groups = g_key_file_get_groups(kf, &ngroups);
    for (gsize i = 0; i < ngroups && status == GB_OK; i++) {
        if (strcmp(groups[i], "profile") != 0 && strcmp(groups[i], "judgements") != 0) {
            msg = g_strdup_printf("unknown group [%s]; a profile has [profile] and "
                                  "[judgements]",
                                  groups[i]);
            status = gb__bad(diag, path, text, groups[i], NULL, msg);
        }
    }
    g_strfreev(groups);
    if (status != GB_OK)
        goto out;

    char **keys = g_key_file_get_keys(kf, "profile", NULL, NULL);
    for (char **k = keys; *k != NULL && status == GB_OK; k++) {
        if (!g_strv_contains(gb__profile_keys, *k)) {
            msg = g_strdup_printf("unknown key '%s' in [profile]", *k);
            status = gb__bad(diag, path, text, "profile", *k, msg);
        }
    }
    g_strfreev(keys);
    if (status != GB_OK)
        goto out;

    p->name = g_key_file_get_string(kf, "profile", "name", NULL);
    p->match = g_key_file_get_string_list(kf, "profile", "match", NULL, NULL);
    p->authority_col = g_key_file_get_string(kf, "profile", "authority", NULL);
    p->date_col = g_key_file_get_string(kf, "profile", "date", NULL);
    p->year_col = g_key_file_get_string(kf, "profile", "year", NULL);
    p->source = g_key_file_get_string(kf, "profile", "source", NULL);
    if (p->name == NULL || p->match == NULL || p->authority_col == NULL) {
        status =
            gb__bad(diag, path, text, "profile", NULL, "[profile] needs name, match and authority");
        goto out;
    }
    if (p->date_col == NULL && p->year_col == NULL) {
        status = gb__bad(diag, path, text, "profile", NULL, "[profile] needs date or year");
        goto out;
    }

    p->regime_from = g_array_new(FALSE, FALSE, sizeof(GbProfileEra));
    char *regime = g_key_file_get_string(kf, "profile", "regime", NULL);
    char **eras = g_key_file_get_string_list(kf, "profile", "regime_from", NULL, NULL);
    if (regime != NULL) {
        p->regime = gb_ref_find_regime(ref, g_strstrip(regime));
        if (p->regime < 0) {
            msg = g_strdup_printf("unknown regime '%s'", regime);
            status = gb__bad(diag, path, text, "profile", "regime", msg);
        }
    } else if (eras != NULL) {
        for (char **e = eras; *e != NULL && status == GB_OK; e++) {
            char **kv = g_strsplit(g_strstrip(*e), ":", 2);
            GbProfileEra era = {0};
            if (kv[0] == NULL || kv[1] == NULL || !gb_text_parse_date(kv[0], &era.from) ||
                (era.regime = gb_ref_find_regime(ref, kv[1])) < 0 ||
                (p->regime_from->len > 0 &&
                 era.from <=
                     g_array_index(p->regime_from, GbProfileEra, p->regime_from->len - 1).from)) {
                msg = g_strdup_printf("bad regime_from entry '%s' (expected "
                                      "YYYY-MM-DD:regime, dates ascending)",
                                      *e);
                status = gb__bad(diag, path, text, "profile", "regime_from", msg);
            } else {
                g_array_append_val(p->regime_from, era);
            }
            g_strfreev(kv);
        }
    } else {
        status =
            gb__bad(diag, path, text, "profile", NULL, "[profile] needs regime or regime_from");
    }
    g_free(regime);
    g_strfreev(eras);
    if (status != GB_OK)
        goto out;

    p->not_judged = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char **nj = g_key_file_get_string_list(kf, "profile", "not_judged", NULL, NULL);
    GString *key = g_string_new(NULL);
    for (char **v = nj; v != NULL && *v != NULL; v++) {
        gb_text_key(*v, strlen(*v), key);
        g_hash_table_add(p->not_judged, g_strdup(key->str));
    }
    g_strfreev(nj);

    p->judgement_ids = g_array_new(FALSE, FALSE, sizeof(int));
    p->judgement_cols = g_ptr_array_new_with_free_func(g_free);
    keys = g_key_file_get_keys(kf, "judgements", NULL, NULL);
    for (char **k = keys; *k != NULL && status == GB_OK; k++) {
        /* The judgement must exist in the fixed regime, or in some era's regime;
         * a row whose era lacks it is rejected when read. */
        int j = p->regime >= 0 ? gb_ref_find_judgement(ref, p->regime, *k) : -1;
        for (guint e = 0; p->regime < 0 && e < p->regime_from->len && j < 0; e++)
            j = gb_ref_find_judgement(ref, g_array_index(p->regime_from, GbProfileEra, e).regime,
                                      *k);
        if (j < 0) {
            msg = g_strdup_printf("unknown judgement '%s' for this profile's regime", *k);
            status = gb__bad(diag, path, text, "judgements", *k, msg);
            break;
        }
        g_array_append_val(p->judgement_ids, j);
        g_ptr_array_add(p->judgement_cols, g_key_file_get_string(kf, "judgements", *k, NULL));
    }
    g_strfreev(keys);
    g_string_free(key, TRUE);
    if (status == GB_OK && p->judgement_ids->len == 0)
        status = gb__bad(diag, path, text, "judgements", NULL, "[judgements] is empty");

out:
    g_free(msg);
    g_free(text);
    g_clear_error(&err);
    g_key_file_free(kf);
    if (status != GB_OK) {
        gb__profile_free(p);
        p = NULL;
    }
    *out = p;
    return status;
}

static gint
gb__cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GbStatus
gb_profile_load_all(const GbRef *ref, GPtrArray **out, GbDiag *diag)
{
    GPtrArray *profiles = g_ptr_array_new_with_free_func(gb__profile_free);
    *out = profiles;
    char *dir = g_build_filename(ref->datadir, "profiles", NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d == NULL) {
        g_free(dir);
        return GB_OK;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".ini"))
            g_ptr_array_add(names, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    g_free(dir);
    g_ptr_array_sort(names, gb__cmp_str);
    GbStatus status = GB_OK;
    for (guint i = 0; i < names->len && status == GB_OK; i++) {
        GbProfile *p;
        status = gb__profile_parse(ref, g_ptr_array_index(names, i), &p, diag);
        if (status == GB_OK)
            g_ptr_array_add(profiles, p);
    }
    g_ptr_array_free(names, TRUE);
    return status;
}

gboolean
gb_profile_matches(const GbProfile *p, GHashTable *header_keys)
{
    GString *key = g_string_new(NULL);
    gboolean ok = TRUE;
    for (char **m = p->match; *m != NULL && ok; m++) {
        gb_text_key(*m, strlen(*m), key);
        ok = g_hash_table_contains(header_keys, key->str);
    }
    g_string_free(key, TRUE);
    return ok;
}

int
gb_profile_regime(const GbProfile *p, int year, guint32 ymd)
{
    if (p->regime >= 0)
        return p->regime;
    guint32 when = ymd != 0 ? ymd : (guint32)year * 10000 + 1231;
    int regime = -1;
    for (guint e = 0; e < p->regime_from->len; e++) {
        const GbProfileEra *era = &g_array_index(p->regime_from, GbProfileEra, e);
        if (era->from <= when)
            regime = era->regime;
    }
    return regime;
}
