/* config.c - briefing.ini with GKeyFile (see config.h). */
#include "output/config.h"

#include "output/briefing.h"
#include "pipeline/text.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *const gb__keys[] = {
    "title",    "subtitle",  "organisation", "author",   "keywords", "font",
    "language", "page_size", "as_at",        "sections", "palette",  NULL,
};

/* The briefing's section registry decides (briefing.c). */
gboolean
gb_config_is_section(const char *id)
{
    return gb_briefing_has_section(id);
}

GbConfig *
gb_config_new(void)
{
    GbConfig *c = g_new0(GbConfig, 1);
    c->title = g_strdup("Children's services inspection outcomes");
    c->subtitle = g_strdup("Ofsted judgements of English local authorities' children's "
                           "services: distributions, changes and movers");
    c->organisation = g_strdup("gradebrief");
    c->author = g_strdup("gradebrief");
    c->keywords = g_strdup("Ofsted; children's services; inspection; ILACS; local authorities");
    c->font = g_strdup("Liberation Sans");
    c->palette = g_strdup("default");
    c->language = g_strdup("en-GB");
    c->page_width = 595.2756;
    c->page_height = 841.8898;
    c->sections = g_ptr_array_new_with_free_func(g_free);
    for (const char *const *i = gb_briefing_section_ids(); *i != NULL; i++)
        g_ptr_array_add(c->sections, g_strdup(*i));
    c->origins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return c;
}

const char *const *
gb_config_keys(void)
{
    return gb__keys;
}

const char *
gb_config_origin(const GbConfig *c, const char *key)
{
    return g_hash_table_lookup(c->origins, key);
}

void
gb_config_set_origin(GbConfig *c, const char *key, const char *origin)
{
    g_hash_table_replace(c->origins, g_strdup(key), g_strdup(origin));
}

char *
gb_config_value(const GbConfig *c, const char *key)
{
    const struct {
        const char *key;
        const char *value;
    } texts[] = {
        {"title", c->title},       {"subtitle", c->subtitle}, {"organisation", c->organisation},
        {"author", c->author},     {"keywords", c->keywords}, {"font", c->font},
        {"language", c->language}, {"palette", c->palette},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++)
        if (strcmp(key, texts[i].key) == 0)
            return g_strdup(texts[i].value);
    if (strcmp(key, "page_size") == 0)
        return g_strdup(c->page_width == 612 && c->page_height == 792 ? "Letter" : "A4");
    if (strcmp(key, "as_at") == 0) {
        if (c->as_at == 0)
            return NULL;
        char buf[11];
        gb_text_format_date(c->as_at, buf);
        return g_strdup(buf);
    }
    if (strcmp(key, "sections") == 0) {
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < c->sections->len; i++)
            g_string_append_printf(s, "%s%s", i ? ";" : "",
                                   (const char *)g_ptr_array_index(c->sections, i));
        return g_string_free(s, FALSE);
    }
    return NULL;
}

void
gb_config_free(GbConfig *c)
{
    if (c == NULL)
        return;
    g_free(c->title);
    g_free(c->subtitle);
    g_free(c->organisation);
    g_free(c->author);
    g_free(c->keywords);
    g_free(c->font);
    g_free(c->palette);
    g_free(c->language);
    g_ptr_array_free(c->sections, TRUE);
    g_hash_table_destroy(c->origins);
    g_free(c);
}

static GbStatus
gb__bad(GbDiag *diag, const char *path, const char *text, const char *key, const char *msg)
{
    guint64 line = gb_text_key_line(text, "briefing", key);
    gb_diag_set(diag, path, line, line ? 1 : 0, "%s", msg);
    return GB_DATA;
}

static void
gb__take(GKeyFile *kf, const char *key, char **field)
{
    char *v = g_key_file_get_string(kf, "briefing", key, NULL);
    if (v == NULL)
        return;
    g_free(*field);
    *field = g_strstrip(v);
}

/* The 1-based line and column of byte offset off in text. */
static void
gb__position(const char *text, gsize off, guint64 *line, guint64 *col)
{
    *line = 1;
    gsize start = 0;
    for (gsize i = 0; i < off; i++)
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    *col = off - start + 1;
}

/* GKeyFile says what is wrong with a line but not which line: the first
 * line whose text, with every line before it, no longer loads. */
static guint64
gb__bad_line(const char *text, gsize len)
{
    guint64 lo = 1, hi = 1;
    for (gsize i = 0; i < len; i++)
        hi += text[i] == '\n';
    GKeyFile *kf = g_key_file_new();
    while (lo < hi) { /* the prefix of lo - 1 lines loads; that of hi does not */
        guint64 mid = lo + (hi - lo) / 2, seen = 0;
        gsize cut = 0;
        while (cut < len && seen < mid)
            seen += text[cut++] == '\n';
        if (g_key_file_load_from_data(kf, text, cut, G_KEY_FILE_NONE, NULL))
            lo = mid + 1;
        else
            hi = mid;
    }
    g_key_file_free(kf);
    return lo;
}

/* The longest value each setting may have, in bytes. */
static gsize
gb__max_bytes(const char *key)
{
    if (strcmp(key, "title") == 0)
        return GB_CONFIG_MAX_TITLE_BYTES;
    if (strcmp(key, "subtitle") == 0 || strcmp(key, "keywords") == 0 ||
        strcmp(key, "sections") == 0)
        return GB_CONFIG_MAX_TEXT_BYTES;
    return GB_CONFIG_MAX_NAME_BYTES;
}

GbStatus
gb_config_check_value(const char *key, const char *value, char **message)
{
    gsize n = strlen(value), max = gb__max_bytes(key);
    if (n <= max)
        return GB_OK;
    *message = g_strdup_printf(
        "%s is %" G_GSIZE_FORMAT " bytes long; the limit is %" G_GSIZE_FORMAT, key, n, max);
    return GB_DATA;
}

GbStatus
gb_config_load(GbConfig *c, const char *path, GbDiag *diag)
{
    char *raw = NULL, *msg = NULL;
    const char *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    GKeyFile *kf = g_key_file_new();
    GbStatus status = GB_OK;
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        GStatBuf sb;
        if (g_stat(path, &sb) == 0 && sb.st_size > GB_CONFIG_MAX_FILE_BYTES) {
            gb_diag_set(diag, path, 0, 0,
                        "is %" G_GINT64_FORMAT " bytes; a settings file "
                        "can be at most %d (is this the right file?)",
                        (gint64)sb.st_size, GB_CONFIG_MAX_FILE_BYTES);
            status = GB_DATA;
            goto out;
        }
    }
    if (!g_file_get_contents(path, &raw, &len, &err)) {
        gb_diag_set(diag, path, 0, 0, "cannot read: %s", err->message);
        status = GB_NOINPUT;
        goto out;
    }
    text = raw;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* Notepad's byte order mark */
        text += 3;
        len -= 3;
    }
    guint64 line, col;
    const char *nul = memchr(text, '\0', len);
    if (nul != NULL) {
        gb__position(text, (gsize)(nul - text), &line, &col);
        gb_diag_set(diag, path, line, col,
                    "NUL byte: a settings file is UTF-8 text (is this a "
                    "binary or UTF-16 file?)");
        status = GB_DATA;
        goto out;
    }
    const char *bad;
    if (!g_utf8_validate_len(text, len, &bad)) {
        gb__position(text, (gsize)(bad - text), &line, &col);
        gb_diag_set(diag, path, line, col, "invalid UTF-8 (byte 0x%02X); save the file as UTF-8",
                    (guchar)*bad);
        status = GB_DATA;
        goto out;
    }
    if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &err)) {
        line = gb__bad_line(text, len);
        GString *m = g_string_new(NULL);
        gb_text_append_visible(m, err->message, strlen(err->message));
        gb_diag_set(diag, path, line, 1, "not a key file: %s", m->str);
        g_string_free(m, TRUE);
        status = GB_DATA;
        goto out;
    }
    gsize ngroups;
    char **groups = g_key_file_get_groups(kf, &ngroups);
    for (gsize i = 0; i < ngroups && status == GB_OK; i++) {
        if (strcmp(groups[i], "briefing") != 0) {
            guint64 gl = gb_text_key_line(text, groups[i], NULL);
            gb_diag_set(diag, path, gl, gl ? 1 : 0,
                        "unknown group [%s]; briefing.ini has one group, [briefing]", groups[i]);
            status = GB_DATA;
        }
    }
    g_strfreev(groups);
    if (status != GB_OK || !g_key_file_has_group(kf, "briefing"))
        goto out;
    char **keys = g_key_file_get_keys(kf, "briefing", NULL, NULL);
    for (char **k = keys; *k != NULL && status == GB_OK; k++) {
        if (!g_strv_contains(gb__keys, *k)) {
            msg = g_strdup_printf("unknown key '%s' (known: title, subtitle, organisation, "
                                  "author, keywords, font, language, page_size, as_at, "
                                  "sections, palette)",
                                  *k);
            status = gb__bad(diag, path, text, *k, msg);
        }
    }
    for (char **k = keys; *k != NULL && status == GB_OK; k++) {
        /* A bad escape ("\q") would silently leave the default in place. */
        char *v = g_key_file_get_string(kf, "briefing", *k, &err);
        if (v == NULL) {
            msg = g_strdup_printf("%s: %s", *k, err->message);
            status = gb__bad(diag, path, text, *k, msg);
        } else if (gb_config_check_value(*k, g_strstrip(v), &msg) != GB_OK) {
            status = gb__bad(diag, path, text, *k, msg);
        }
        g_free(v);
    }
    g_strfreev(keys);
    if (status != GB_OK)
        goto out;
    gb__take(kf, "title", &c->title);
    gb__take(kf, "subtitle", &c->subtitle);
    gb__take(kf, "organisation", &c->organisation);
    gb__take(kf, "author", &c->author);
    gb__take(kf, "keywords", &c->keywords);
    gb__take(kf, "font", &c->font);
    gb__take(kf, "language", &c->language);
    gb__take(kf, "palette", &c->palette);
    if (strcmp(c->palette, "default") != 0 && strcmp(c->palette, "greyscale") != 0) {
        msg = g_strdup_printf("palette '%s' is not default or greyscale", c->palette);
        status = gb__bad(diag, path, text, "palette", msg);
        goto out;
    }
    if (*c->title == '\0') {
        status = gb__bad(diag, path, text, "title", "title must not be empty");
        goto out;
    }
    char *size = g_key_file_get_string(kf, "briefing", "page_size", NULL);
    if (size != NULL) {
        g_strstrip(size);
        if (g_ascii_strcasecmp(size, "A4") == 0) {
            c->page_width = 595.2756;
            c->page_height = 841.8898;
        } else if (g_ascii_strcasecmp(size, "Letter") == 0) {
            c->page_width = 612;
            c->page_height = 792;
        } else {
            msg = g_strdup_printf("page_size '%s' is not A4 or Letter", size);
            status = gb__bad(diag, path, text, "page_size", msg);
        }
        g_free(size);
        if (status != GB_OK)
            goto out;
    }
    char *as_at = g_key_file_get_string(kf, "briefing", "as_at", NULL);
    if (as_at != NULL) {
        g_strstrip(as_at);
        if (!gb_text_parse_date(as_at, &c->as_at)) {
            msg = g_strdup_printf("as_at '%s' is not a date (YYYY-MM-DD)", as_at);
            status = gb__bad(diag, path, text, "as_at", msg);
        }
        g_free(as_at);
        if (status != GB_OK)
            goto out;
    }
    gsize n;
    char **sections = g_key_file_get_string_list(kf, "briefing", "sections", &n, NULL);
    if (sections != NULL) {
        g_ptr_array_set_size(c->sections, 0);
        for (gsize i = 0; i < n && status == GB_OK; i++) {
            char *id = g_strstrip(sections[i]);
            if (*id == '\0')
                continue;
            if (!gb_config_is_section(id)) {
                char *known = g_strjoinv(";", (char **)gb_briefing_section_ids());
                msg = g_strdup_printf("unknown section '%s' (sections: %s)", id, known);
                g_free(known);
                status = gb__bad(diag, path, text, "sections", msg);
            } else {
                for (guint k = 0; k < c->sections->len; k++)
                    if (strcmp(g_ptr_array_index(c->sections, k), id) == 0) {
                        msg = g_strdup_printf("section '%s' is listed twice", id);
                        status = gb__bad(diag, path, text, "sections", msg);
                    }
                g_ptr_array_add(c->sections, g_strdup(id));
            }
        }
        g_strfreev(sections);
    }
    if (status == GB_OK) {
        char **set = g_key_file_get_keys(kf, "briefing", NULL, NULL);
        for (char **k = set; *k != NULL; k++) {
            char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, path,
                                          gb_text_key_line(text, "briefing", *k));
            gb_config_set_origin(c, *k, where);
            g_free(where);
        }
        g_strfreev(set);
    }
out:
    g_free(msg);
    g_free(raw);
    g_clear_error(&err);
    g_key_file_free(kf);
    return status;
}
