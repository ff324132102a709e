/* profile.c - load and match wide-table profiles (see profile.h). */
#include "pipeline/profile.h"

#include "pipeline/text.h"

#include <string.h>

static const char *const gb__profile_keys[] = {
    "name",          "sheet",      "header_rows",  "match",  "authority",   "date",
    "year",          "date_kind",  "merge_window", "regime", "regime_from", "not_judged",
    "not_inspected", "date_order", "kind",         "source", "event",       "event_types",
    "theme",         "as_at",      NULL,
};

/* Keys of a [group ID] that are not judgement ids. */
static const char *const gb__group_keys[] = {
    "label", "date", "year", "date_kind", "regime", "regime_from", "source", "kind", NULL,
};

static const char *const gb__kind_names[] = {"published", "reported", "selection"};

const char *
gb_profile_kind_name(GbSourceKind kind)
{
    return (guint)kind < G_N_ELEMENTS(gb__kind_names) ? gb__kind_names[kind] : "published";
}

gboolean
gb_profile_parse_kind(const char *s, GbSourceKind *kind)
{
    for (guint i = 0; i < G_N_ELEMENTS(gb__kind_names); i++)
        if (g_ascii_strcasecmp(s, gb__kind_names[i]) == 0) {
            *kind = (GbSourceKind)i;
            return TRUE;
        }
    return FALSE;
}

static void
gb__group_free(gpointer data)
{
    GbProfileGroup *g = data;
    if (g == NULL)
        return;
    g_free(g->id);
    g_free(g->label);
    g_free(g->date_col);
    g_free(g->year_col);
    g_free(g->source);
    if (g->regime_from != NULL)
        g_array_free(g->regime_from, TRUE);
    if (g->judgement_ids != NULL)
        g_array_free(g->judgement_ids, TRUE);
    if (g->judgement_cols != NULL)
        g_ptr_array_free(g->judgement_cols, TRUE);
    g_free(g);
}

static void
gb__profile_free(gpointer data)
{
    GbProfile *p = data;
    if (p == NULL)
        return;
    g_free(p->id);
    g_free(p->name);
    g_free(p->path);
    g_strfreev(p->sheets);
    g_strfreev(p->match);
    if (p->match_keys != NULL)
        g_ptr_array_free(p->match_keys, TRUE);
    g_free(p->authority_col);
    g_free(p->event_col);
    g_strfreev(p->event_types);
    g_free(p->theme_col);
    g_free(p->as_at);
    if (p->not_judged != NULL)
        g_hash_table_destroy(p->not_judged);
    if (p->not_inspected != NULL)
        g_hash_table_destroy(p->not_inspected);
    g_free(p->source);
    if (p->groups != NULL)
        g_ptr_array_free(p->groups, TRUE);
    g_free(p);
}

typedef struct {
    const GbRef *ref;
    const char *path;
    const char *text;
    GKeyFile *kf;
    GbDiag *diag;
} GbParse;

static GbStatus gb__bad(const GbParse *ps, const char *group, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static GbStatus
gb__bad(const GbParse *ps, const char *group, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    guint64 line = group != NULL ? gb_text_key_line(ps->text, group, key) : 0;
    gb_diag_set(ps->diag, ps->path, line, line ? 1 : 0, "%s", msg);
    g_free(msg);
    return GB_DATA;
}

static char *
gb__str(const GbParse *ps, const char *group, const char *key)
{
    char *s = g_key_file_get_string(ps->kf, group, key, NULL);
    return s != NULL ? g_strstrip(s) : NULL;
}

static GbStatus
gb__uint(const GbParse *ps, const char *group, const char *key, guint lo, guint hi, guint *out)
{
    char *s = gb__str(ps, group, key);
    if (s == NULL)
        return GB_OK;
    gint64 v;
    GbStatus status = GB_OK;
    if (!gb_text_parse_int(s, lo, hi, &v))
        status = gb__bad(ps, group, key, "%s must be a whole number from %u to %u, not '%s'", key,
                         lo, hi, s);
    else
        *out = (guint)v;
    g_free(s);
    return status;
}

static GbStatus
gb__date_kind(const GbParse *ps, const char *group, GbDateKind *out)
{
    char *s = gb__str(ps, group, "date_kind");
    GbStatus status = GB_OK;
    if (s == NULL)
        return GB_OK;
    if (strcmp(s, "inspection") == 0)
        *out = GB_DATE_INSPECTION;
    else if (strcmp(s, "publication") == 0)
        *out = GB_DATE_PUBLICATION;
    else
        status = gb__bad(ps, group, "date_kind",
                         "date_kind must be inspection or publication, "
                         "not '%s'",
                         s);
    g_free(s);
    return status;
}

static GbStatus
gb__kind(const GbParse *ps, const char *group, GbSourceKind *out)
{
    char *s = gb__str(ps, group, "kind");
    GbStatus status = GB_OK;
    if (s != NULL && !gb_profile_parse_kind(s, out))
        status = gb__bad(ps, group, "kind",
                         "kind must be published, reported or selection, "
                         "not '%s'",
                         s);
    g_free(s);
    return status;
}

/* Reads regime or regime_from of `group` into g; with neither, g->regime stays -1
 * and the era list empty. */
static GbStatus
gb__regime(const GbParse *ps, const char *group, GbProfileGroup *g)
{
    GbStatus status = GB_OK;
    char *regime = gb__str(ps, group, "regime");
    char **eras = g_key_file_get_string_list(ps->kf, group, "regime_from", NULL, NULL);
    if (regime != NULL) {
        g->regime = gb_ref_find_regime(ps->ref, regime);
        if (g->regime < 0)
            status = gb__bad(ps, group, "regime", "unknown regime '%s'", regime);
    } else if (eras != NULL) {
        for (char **e = eras; *e != NULL && status == GB_OK; e++) {
            char **kv = g_strsplit(g_strstrip(*e), ":", 2);
            GbProfileEra era = {0};
            if (kv[0] == NULL || kv[1] == NULL || !gb_text_parse_date(kv[0], &era.from) ||
                (era.regime = gb_ref_find_regime(ps->ref, kv[1])) < 0 ||
                (g->regime_from->len > 0 &&
                 era.from <=
                     g_array_index(g->regime_from, GbProfileEra, g->regime_from->len - 1).from))
                status = gb__bad(ps, group, "regime_from",
                                 "bad regime_from entry '%s' (expected "
                                 "YYYY-MM-DD:regime, dates ascending)",
                                 *e);
            else
                g_array_append_val(g->regime_from, era);
            g_strfreev(kv);
        }
    }
    g_free(regime);
    g_strfreev(eras);
    return status;
}

static GbProfileGroup *
gb__group_new(const char *id)
{
    GbProfileGroup *g = g_new0(GbProfileGroup, 1);
    g->id = g_strdup(id);
    g->regime = -1;
    g->regime_from = g_array_new(FALSE, FALSE, sizeof(GbProfileEra));
    g->judgement_ids = g_array_new(FALSE, FALSE, sizeof(int));
    g->judgement_cols = g_ptr_array_new_with_free_func(g_free);
    return g;
}

/* Adds judgement `key` = column to g. The judgement must exist in g's fixed
 * regime, or in some era's regime; a row whose era lacks it is rejected when
 * read. */
static GbStatus
gb__group_judgement(const GbParse *ps, const char *group, const char *key, GbProfileGroup *g)
{
    int j = g->regime >= 0 ? gb_ref_find_judgement(ps->ref, g->regime, key) : -1;
    for (guint e = 0; g->regime < 0 && e < g->regime_from->len && j < 0; e++)
        j = gb_ref_find_judgement(ps->ref, g_array_index(g->regime_from, GbProfileEra, e).regime,
                                  key);
    if (j < 0)
        return gb__bad(ps, group, key, "unknown judgement '%s' for the regime of [%s]", key, group);
    g_array_append_val(g->judgement_ids, j);
    g_ptr_array_add(g->judgement_cols, gb__str(ps, group, key));
    return GB_OK;
}

/* Fills the settings a group may take from [profile]: date, year, date_kind,
 * regime, source, kind. */
static GbStatus
gb__group_settings(const GbParse *ps, const char *group, GbProfileGroup *g,
                   const GbProfileGroup *dflt)
{
    GbStatus status = GB_OK;
    g->label = gb__str(ps, group, "label");
    g->date_col = gb__str(ps, group, "date");
    g->year_col = gb__str(ps, group, "year");
    g->source = gb__str(ps, group, "source");
    if (dflt != NULL) {
        g->date_kind = dflt->date_kind;
        g->kind = dflt->kind;
        if (g->date_col == NULL && g->year_col == NULL) {
            g->date_col = g_strdup(dflt->date_col);
            g->year_col = g_strdup(dflt->year_col);
        }
        if (g->source == NULL)
            g->source = g_strdup(dflt->source);
    }
    if (status == GB_OK)
        status = gb__date_kind(ps, group, &g->date_kind);
    if (status == GB_OK)
        status = gb__kind(ps, group, &g->kind);
    if (status == GB_OK)
        status = gb__regime(ps, group, g);
    if (status == GB_OK && g->regime < 0 && g->regime_from->len == 0 && dflt != NULL) {
        g->regime = dflt->regime;
        g_array_append_vals(g->regime_from, dflt->regime_from->data, dflt->regime_from->len);
    }
    if (status == GB_OK && g->regime < 0 && g->regime_from->len == 0)
        status = gb__bad(ps, group, NULL,
                         "[%s] needs regime or regime_from (here or in "
                         "[profile])",
                         group);
    if (status == GB_OK && g->date_col == NULL && g->year_col == NULL)
        status = gb__bad(ps, group, NULL, "[%s] needs date or year (here or in [profile])", group);
    return status;
}

static GHashTable *
gb__key_set(const GbParse *ps, const char *key)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char **vals = g_key_file_get_string_list(ps->kf, "profile", key, NULL, NULL);
    GString *k = g_string_new(NULL);
    for (char **v = vals; v != NULL && *v != NULL; v++) {
        gb_text_key(*v, strlen(*v), k);
        g_hash_table_add(set, g_strdup(k->str));
    }
    g_string_free(k, TRUE);
    g_strfreev(vals);
    return set;
}

static char **
gb__list(const GbParse *ps, const char *key)
{
    char **v = g_key_file_get_string_list(ps->kf, "profile", key, NULL, NULL);
    for (char **s = v; s != NULL && *s != NULL; s++)
        g_strstrip(*s);
    return v;
}

/* Checks the profile's group names and the keys of [profile]; says which
 * kinds of judgement group it has. */
static GbStatus
gb__profile_check_groups(const GbParse *ps, char **groups, gsize ngroups, gboolean *has_judgements,
                         gboolean *has_groups)
{
    GbStatus status = GB_OK;
    *has_judgements = *has_groups = FALSE;
    for (gsize i = 0; i < ngroups && status == GB_OK; i++) {
        if (strcmp(groups[i], "judgements") == 0)
            *has_judgements = TRUE;
        else if (g_str_has_prefix(groups[i], "group ") && groups[i][6] != '\0')
            *has_groups = TRUE;
        else if (strcmp(groups[i], "profile") != 0)
            status = gb__bad(ps, groups[i], NULL,
                             "unknown group [%s]; a profile has [profile], "
                             "[judgements] and [group ID]",
                             groups[i]);
    }
    if (status == GB_OK &&
        (!g_key_file_has_group(ps->kf, "profile") || (!*has_judgements && !*has_groups)))
        status = gb__bad(ps, NULL, NULL,
                         "a profile needs a [profile] group and a [judgements] "
                         "or [group ID] group");
    char **keys = status == GB_OK ? g_key_file_get_keys(ps->kf, "profile", NULL, NULL) : NULL;
    for (char **k = keys; k != NULL && *k != NULL && status == GB_OK; k++)
        if (!g_strv_contains(gb__profile_keys, *k))
            status = gb__bad(ps, "profile", *k, "unknown key '%s' in [profile]", *k);
    g_strfreev(keys);
    return status;
}

/* Reads [profile]'s own settings into p. */
static GbStatus
gb__profile_settings(const GbParse *ps, GbProfile *p)
{
    p->name = gb__str(ps, "profile", "name");
    p->match = gb__list(ps, "match");
    p->sheets = gb__list(ps, "sheet");
    p->authority_col = gb__str(ps, "profile", "authority");
    p->event_col = gb__str(ps, "profile", "event");
    p->event_types = gb__list(ps, "event_types");
    p->theme_col = gb__str(ps, "profile", "theme");
    p->source = gb__str(ps, "profile", "source");
    p->as_at = gb__str(ps, "profile", "as_at");
    p->header_rows = GB_PROFILE_HEADER_ROWS;
    p->merge_window = GB_PROFILE_MERGE_WINDOW;
    if (p->name == NULL || p->match == NULL || p->authority_col == NULL)
        return gb__bad(ps, "profile", NULL, "[profile] needs name, match and authority");
    /* Every header looked at is matched against these: their keys once. */
    p->match_keys = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    GString *key = g_string_new(NULL);
    for (char **m = p->match; *m != NULL; m++) {
        char **alts = g_strsplit(*m, "|", -1);
        for (char **a = alts; *a != NULL; a++) {
            gb_text_key(*a, strlen(*a), key);
            g_free(*a);
            *a = g_strdup(key->str);
        }
        g_ptr_array_add(p->match_keys, alts);
    }
    g_string_free(key, TRUE);
    guint32 ymd;
    if (p->as_at != NULL && !gb_text_parse_date(p->as_at, &ymd))
        return gb__bad(ps, "profile", "as_at", "as_at must be a date YYYY-MM-DD, not '%s'",
                       p->as_at);
    if ((p->event_col == NULL) != (p->event_types == NULL))
        return gb__bad(ps, "profile", p->event_col ? "event" : "event_types",
                       "event and event_types go together");
    GbStatus status = gb__uint(ps, "profile", "header_rows", 1, 1000, &p->header_rows);
    if (status == GB_OK)
        status = gb__uint(ps, "profile", "merge_window", 0, 3660, &p->merge_window);
    if (status == GB_OK)
        status = gb__kind(ps, "profile", &p->kind);
    char *order = status == GB_OK ? gb__str(ps, "profile", "date_order") : NULL;
    if (order != NULL) {
        if (strcmp(order, "dmy") == 0)
            p->date_order = GB_ORDER_DMY;
        else if (strcmp(order, "mdy") == 0)
            p->date_order = GB_ORDER_MDY;
        else if (strcmp(order, "ymd") == 0)
            p->date_order = GB_ORDER_YMD;
        else
            status = gb__bad(ps, "profile", "date_order",
                             "date_order must be dmy, mdy or ymd, "
                             "not '%s'",
                             order);
        g_free(order);
    }
    if (status != GB_OK)
        return status;
    p->not_judged = gb__key_set(ps, "not_judged");
    p->not_inspected = gb__key_set(ps, "not_inspected");
    return GB_OK;
}

/* Makes p's groups: [judgements] under [profile]'s settings, then each
 * [group ID] over them. */
static GbStatus
gb__profile_groups(const GbParse *ps, GbProfile *p, char **groups, gsize ngroups,
                   gboolean has_judgements)
{
    /* The profile's own settings, the defaults of every group. */
    GbProfileGroup *dflt = gb__group_new("");
    dflt->date_col = gb__str(ps, "profile", "date");
    dflt->year_col = gb__str(ps, "profile", "year");
    dflt->source = g_strdup(p->source);
    dflt->kind = p->kind;
    GbStatus status = gb__date_kind(ps, "profile", &dflt->date_kind);
    if (status == GB_OK)
        status = gb__regime(ps, "profile", dflt);
    p->groups = g_ptr_array_new_with_free_func(gb__group_free);
    if (status == GB_OK && has_judgements) {
        if (dflt->regime < 0 && dflt->regime_from->len == 0)
            status = gb__bad(ps, "profile", NULL, "[profile] needs regime or regime_from");
        else if (dflt->date_col == NULL && dflt->year_col == NULL)
            status = gb__bad(ps, "profile", NULL, "[profile] needs date or year");
        char **keys = g_key_file_get_keys(ps->kf, "judgements", NULL, NULL);
        for (char **k = keys; status == GB_OK && k != NULL && *k != NULL; k++)
            status = gb__group_judgement(ps, "judgements", *k, dflt);
        g_strfreev(keys);
        if (status == GB_OK && dflt->judgement_ids->len == 0)
            status = gb__bad(ps, "judgements", NULL, "[judgements] is empty");
        if (status == GB_OK) {
            g_ptr_array_add(p->groups, dflt);
            dflt = NULL;
        }
    }
    for (gsize i = 0; i < ngroups && status == GB_OK; i++) {
        if (!g_str_has_prefix(groups[i], "group "))
            continue;
        GbProfileGroup *g = gb__group_new(groups[i] + 6);
        g_ptr_array_add(p->groups, g);
        const GbProfileGroup *base = dflt != NULL ? dflt : g_ptr_array_index(p->groups, 0);
        status = gb__group_settings(ps, groups[i], g, base);
        char **keys = status == GB_OK ? g_key_file_get_keys(ps->kf, groups[i], NULL, NULL) : NULL;
        for (char **k = keys; status == GB_OK && k != NULL && *k != NULL; k++)
            if (!g_strv_contains(gb__group_keys, *k))
                status = gb__group_judgement(ps, groups[i], *k, g);
        g_strfreev(keys);
        if (status == GB_OK && g->judgement_ids->len == 0)
            status = gb__bad(ps, groups[i], NULL, "[%s] names no judgement column", groups[i]);
    }
    gb__group_free(dflt);
    return status;
}

static GbStatus
gb__profile_body(const GbParse *ps, GbProfile *p)
{
    gsize ngroups;
    char **groups = g_key_file_get_groups(ps->kf, &ngroups);
    gboolean has_judgements, has_groups;
    GbStatus status = gb__profile_check_groups(ps, groups, ngroups, &has_judgements, &has_groups);
    if (status == GB_OK)
        status = gb__profile_settings(ps, p);
    if (status == GB_OK)
        status = gb__profile_groups(ps, p, groups, ngroups, has_judgements);
    g_strfreev(groups);
    return status;
}

static GbStatus
gb__profile_parse(const GbRef *ref, const char *path, GbProfile **out, GbDiag *diag)
{
    GbStatus status = GB_OK;
    char *text = NULL;
    GError *err = NULL;
    GKeyFile *kf = g_key_file_new();
    GbProfile *p = g_new0(GbProfile, 1);
    p->path = g_strdup(path);
    char *base = g_path_get_basename(path);
    p->id = g_strndup(base, strlen(base) - strlen(".ini"));
    g_free(base);

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        gb_diag_set(diag, path, 0, 0, "cannot read profile: %s", err->message);
        status = GB_NOINPUT;
    } else if (!g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &err)) {
        gb_diag_set(diag, path, 0, 0, "not a valid profile: %s", err->message);
        status = GB_DATA;
    } else {
        GbParse ps = {.ref = ref, .path = path, .text = text, .kf = kf, .diag = diag};
        status = gb__profile_body(&ps, p);
    }
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

int
gb_profile_column(const char *spec, GHashTable *header_keys)
{
    if (spec == NULL)
        return -1;
    char **alts = g_strsplit(spec, "|", -1);
    GString *key = g_string_new(NULL);
    int col = -1;
    for (char **a = alts; *a != NULL && col < 0; a++) {
        gb_text_key(*a, strlen(*a), key);
        col = (int)GPOINTER_TO_UINT(g_hash_table_lookup(header_keys, key->str)) - 1;
    }
    g_string_free(key, TRUE);
    g_strfreev(alts);
    return col;
}

guint
gb_profile_missing(const GbProfile *p, GHashTable *header_keys, GString *out)
{
    guint n = 0;
    for (guint i = 0; p->match[i] != NULL; i++) {
        gboolean found = FALSE;
        if (p->match_keys != NULL && i < p->match_keys->len) {
            for (char **k = g_ptr_array_index(p->match_keys, i); *k != NULL && !found; k++)
                found = g_hash_table_lookup(header_keys, *k) != NULL;
        } else {
            found = gb_profile_column(p->match[i], header_keys) >= 0;
        }
        if (found)
            continue;
        if (out != NULL)
            g_string_append_printf(out, "%s'%s'", n ? ", " : "", p->match[i]);
        n++;
    }
    return n;
}

gboolean
gb_profile_matches(const GbProfile *p, GHashTable *header_keys)
{
    return gb_profile_missing(p, header_keys, NULL) == 0;
}

gboolean
gb_profile_wants_sheet(const GbProfile *p, const char *sheet)
{
    return p->sheets == NULL || g_strv_contains((const char *const *)p->sheets, sheet);
}

int
gb_profile_regime(const GbProfileGroup *g, int year, guint32 ymd)
{
    if (g->regime >= 0)
        return g->regime;
    guint32 when = ymd != 0 ? ymd : (guint32)year * 10000 + 1231;
    int regime = -1;
    for (guint e = 0; e < g->regime_from->len; e++) {
        const GbProfileEra *era = &g_array_index(g->regime_from, GbProfileEra, e);
        if (era->from <= when)
            regime = era->regime;
    }
    return regime;
}
