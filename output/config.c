/* config.c - briefing.ini with GKeyFile (see config.h). */
#include "output/config.h"

#include "charts/kit.h"
#include "output/briefing.h"
#include "output/logo.h"
#include "pipeline/text.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const gb__keys[] = {
    "title",    "subtitle",  "organisation", "author",   "keywords", "font",
    "language", "page_size", "as_at",        "sections", "palette",  NULL,
};

static const char *const gb__branding_keys[] = {
    "logo", "logo_alt", "accent", "footer", "marking", NULL,
};

const char *const *
gb_config_branding_keys(void)
{
    return gb__branding_keys;
}

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
    GbBranding *b = &c->branding;
    g_free(b->logo);
    if (b->logo_data != NULL)
        g_bytes_unref(b->logo_data);
    g_free(b->logo_alt);
    g_free(b->accent_text);
    g_free(b->footer);
    g_free(b->marking);
    g_free(c);
}

static gboolean
gb__hex_colour(const char *s, double rgb[3])
{
    gsize n = strlen(s);
    if (s[0] != '#' || (n != 7 && n != 4))
        return FALSE;
    for (gsize i = 1; i < n; i++)
        if (!g_ascii_isxdigit(s[i]))
            return FALSE;
    for (int k = 0; k < 3; k++) {
        int v = n == 7
                    ? g_ascii_xdigit_value(s[1 + 2 * k]) * 16 + g_ascii_xdigit_value(s[2 + 2 * k])
                    : g_ascii_xdigit_value(s[1 + k]) * 17;
        rgb[k] = v / 255.0;
    }
    return TRUE;
}

/* Everything the accent is drawn next to, in every renderer, and the contrast
 * WCAG 2.2 asks for there. PDF (doc.c): the cover title and section headings
 * are accent text on the white page (1.4.3; 4.5:1, so that a heading under
 * large-text size passes too); the cover band across the top edge and the
 * running header's rule are accent shapes bordered by white (1.4.11; 3:1).
 * HTML (html.c): h1 and h2 in the accent on the page's #fff, and a 6 px
 * accent rule above the header, on white. Word: the accent is not used. The
 * accent is never drawn on or beside a grade fill (charts and grade cells
 * take their colours from the palette, parted from headings and rules by the
 * page's white), so no fill is held against it. A renderer that puts the
 * accent beside something new adds its pair here. */
static const struct {
    const char *what;
    GbRgb against;
    const char *against_name;
    double ratio;
    const char *criterion;
} gb__accent_pairs[] = {
    {"headings in it", {1, 1, 1}, "white", GB_ACCENT_TEXT_CONTRAST, "text contrast, 1.4.3"},
    {"its cover band and header rules",
     {1, 1, 1},
     "white",
     GB_ACCENT_SHAPE_CONTRAST,
     "non-text contrast, 1.4.11"},
};

GbStatus
gb_config_check_accent(const char *accent, const char *palette, double rgb[3], char **message)
{
    (void)palette; /* no renderer draws the accent beside a grade fill */
    if (!gb__hex_colour(accent, rgb)) {
        *message = g_strdup_printf("accent '%s' is not a colour (#RRGGBB, e.g. #1b5e7a)", accent);
        return GB_DATA;
    }
    GbRgb a = {rgb[0], rgb[1], rgb[2]};
    for (gsize i = 0; i < G_N_ELEMENTS(gb__accent_pairs); i++) {
        double r = gb_palette_contrast(a, gb__accent_pairs[i].against);
        /* Two decimals, rounded down, so a refusal never prints the ratio it needs. */
        if (r < gb__accent_pairs[i].ratio) {
            *message = g_strdup_printf(
                "accent %s has a contrast of %.2f:1 against %s; %s need %.1f:1 (WCAG 2.2 %s): "
                "choose a darker colour",
                accent, floor(r * 100) / 100, gb__accent_pairs[i].against_name,
                gb__accent_pairs[i].what, gb__accent_pairs[i].ratio, gb__accent_pairs[i].criterion);
            return GB_DATA;
        }
    }
    return GB_OK;
}

void
gb_config_branding_digest(const GbConfig *c, GbDigest *h)
{
    const GbBranding *b = &c->branding;
    const char *texts[] = {b->logo_alt, b->accent_text, b->footer, b->marking};
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        gb_digest_update(h, (const guchar *)"\x1f", 1);
        if (texts[i] != NULL)
            gb_digest_update(h, (const guchar *)texts[i], strlen(texts[i]));
    }
    if (b->logo_data != NULL) {
        gsize n;
        const guchar *d = g_bytes_get_data(b->logo_data, &n);
        gb_digest_update(h, (const guchar *)"logo", 4);
        gb_digest_update(h, d, n);
    }
}

/* Decodes a logo's bytes (a PNG, or an SVG) to check them and learn their
 * size; the message (g_free) says why not. */
static char *
gb__logo_check(const guint8 *d, gsize n, gboolean *svg, int *w, int *h)
{
    static const guint8 png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    *svg = !(n >= 8 && memcmp(d, png, 8) == 0);
    if (*svg && g_strstr_len((const char *)d, (gssize)MIN(n, 4096), "<svg") == NULL)
        return g_strdup("is not a PNG or SVG file");
    GBytes *bytes = g_bytes_new_static(d, n);
    double lw = 0, lh = 0;
    char *why = NULL;
    cairo_surface_t *s = gb_logo_surface(bytes, *svg, &lw, &lh, &why);
    g_bytes_unref(bytes);
    cairo_surface_destroy(s);
    *w = (int)(lw + 0.5);
    *h = (int)(lh + 0.5);
    return why;
}

/* Reads [branding] from kf over c. */
static GbStatus
gb__branding_load(GbConfig *c, GKeyFile *kf, const char *path, const char *text, GbDiag *diag)
{
    if (!g_key_file_has_group(kf, "branding"))
        return GB_OK;
    GbBranding *b = &c->branding;
    GbStatus st = GB_OK;
    char **keys = g_key_file_get_keys(kf, "branding", NULL, NULL);
    char *msg = NULL;
    for (char **k = keys; *k != NULL && st == GB_OK; k++) {
        guint64 line = gb_text_key_line(text, "branding", *k);
        char *v = NULL;
        if (!g_strv_contains(gb__branding_keys, *k)) {
            msg = g_strdup_printf("unknown key '%s' in [branding] (known: logo, logo_alt, accent, "
                                  "footer, marking)",
                                  *k);
        } else if ((v = g_key_file_get_string(kf, "branding", *k, NULL)) == NULL) {
            msg = g_strdup_printf("%s: not a readable value", *k);
        } else if (strlen(g_strstrip(v)) > GB_CONFIG_MAX_NAME_BYTES) {
            msg = g_strdup_printf("%s is %" G_GSIZE_FORMAT " bytes long; the limit is %d", *k,
                                  strlen(v), GB_CONFIG_MAX_NAME_BYTES);
        } else if (strcmp(*k, "accent") == 0) {
            char *why = NULL;
            if (gb_config_check_accent(v, c->palette, b->accent, &why) != GB_OK) {
                msg = why;
            } else {
                b->has_accent = TRUE;
                g_free(b->accent_text);
                b->accent_text = g_strdup(v);
            }
        } else if (strcmp(*k, "logo") == 0) {
            char *dir = g_path_get_dirname(path);
            char *file = g_path_is_absolute(v) ? g_strdup(v) : g_build_filename(dir, v, NULL);
            g_free(dir);
            gchar *data = NULL;
            gsize n = 0;
            GError *err = NULL;
            GStatBuf sb;
            gboolean svg = FALSE;
            int w = 0, h = 0;
            char *why = NULL;
            if (g_stat(file, &sb) == 0 && sb.st_size > GB_CONFIG_MAX_LOGO_BYTES)
                msg = g_strdup_printf("logo %s is %" G_GINT64_FORMAT " bytes; at most %d", file,
                                      (gint64)sb.st_size, GB_CONFIG_MAX_LOGO_BYTES);
            else if (!g_file_get_contents(file, &data, &n, &err))
                msg = g_strdup_printf("logo: cannot read: %s", err->message);
            else if ((why = gb__logo_check((const guint8 *)data, n, &svg, &w, &h)) != NULL)
                msg = g_strdup_printf("logo %s: %s", file, why);
            g_free(why);
            g_clear_error(&err);
            if (msg == NULL) {
                g_free(b->logo);
                b->logo = file;
                file = NULL;
                if (b->logo_data != NULL)
                    g_bytes_unref(b->logo_data);
                b->logo_data = g_bytes_new_take(data, n);
                data = NULL;
                b->logo_svg = svg;
                b->logo_width = w;
                b->logo_height = h;
            }
            g_free(data);
            g_free(file);
        } else {
            char **field = strcmp(*k, "logo_alt") == 0 ? &b->logo_alt
                           : strcmp(*k, "footer") == 0 ? &b->footer
                                                       : &b->marking;
            g_free(*field);
            *field = *v != '\0' ? g_strdup(v) : NULL;
        }
        g_free(v);
        if (msg != NULL) {
            gb_diag_set(diag, path, line, line ? 1 : 0, "%s", msg);
            g_clear_pointer(&msg, g_free);
            st = GB_DATA;
        } else {
            char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, path, line);
            char *key = g_strdup_printf("branding.%s", *k);
            gb_config_set_origin(c, key, where);
            g_free(key);
            g_free(where);
        }
    }
    g_strfreev(keys);
    if (st == GB_OK && b->logo != NULL && b->logo_alt == NULL) {
        guint64 line = gb_text_key_line(text, "branding", "logo");
        gb_diag_set(diag, path, line, line ? 1 : 0,
                    "logo needs logo_alt, its alt text (what a screen reader says for it)");
        st = GB_DATA;
    }
    return st;
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

/* Reads the settings file at path into *raw (g_free it, also on failure),
 * with *text and *len past a byte order mark; fails on a file too large to
 * be settings, a NUL byte or invalid UTF-8, naming the place. */
static GbStatus
gb__config_read(const char *path, char **raw, const char **text, gsize *len, GbDiag *diag)
{
    GError *err = NULL;
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        GStatBuf sb;
        if (g_stat(path, &sb) == 0 && sb.st_size > GB_CONFIG_MAX_FILE_BYTES) {
            gb_diag_set(diag, path, 0, 0,
                        "is %" G_GINT64_FORMAT " bytes; a settings file "
                        "can be at most %d (is this the right file?)",
                        (gint64)sb.st_size, GB_CONFIG_MAX_FILE_BYTES);
            return GB_DATA;
        }
    }
    if (!g_file_get_contents(path, raw, len, &err)) {
        gb_diag_set(diag, path, 0, 0, "cannot read: %s", err->message);
        g_clear_error(&err);
        return GB_NOINPUT;
    }
    *text = *raw;
    if (*len >= 3 && memcmp(*text, "\xEF\xBB\xBF", 3) == 0) { /* Notepad's byte order mark */
        *text += 3;
        *len -= 3;
    }
    guint64 line, col;
    const char *nul = memchr(*text, '\0', *len);
    if (nul != NULL) {
        gb__position(*text, (gsize)(nul - *text), &line, &col);
        gb_diag_set(diag, path, line, col,
                    "NUL byte: a settings file is UTF-8 text (is this a "
                    "binary or UTF-16 file?)");
        return GB_DATA;
    }
    const char *bad;
    if (!g_utf8_validate_len(*text, *len, &bad)) {
        gb__position(*text, (gsize)(bad - *text), &line, &col);
        gb_diag_set(diag, path, line, col, "invalid UTF-8 (byte 0x%02X); save the file as UTF-8",
                    (guchar)*bad);
        return GB_DATA;
    }
    return GB_OK;
}

/* Parses text into kf; fails on what is not a key file, or a group other
 * than [briefing] and [branding], with its line. */
static GbStatus
gb__config_parse(GKeyFile *kf, const char *path, const char *text, gsize len, GbDiag *diag)
{
    GError *err = NULL;
    if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &err)) {
        guint64 line = gb__bad_line(text, len);
        GString *m = g_string_new(NULL);
        gb_text_append_visible(m, err->message, strlen(err->message));
        gb_diag_set(diag, path, line, 1, "not a key file: %s", m->str);
        g_string_free(m, TRUE);
        g_clear_error(&err);
        return GB_DATA;
    }
    GbStatus status = GB_OK;
    gsize ngroups;
    char **groups = g_key_file_get_groups(kf, &ngroups);
    for (gsize i = 0; i < ngroups && status == GB_OK; i++) {
        if (strcmp(groups[i], "briefing") != 0 && strcmp(groups[i], "branding") != 0) {
            guint64 gl = gb_text_key_line(text, groups[i], NULL);
            gb_diag_set(diag, path, gl, gl ? 1 : 0,
                        "unknown group [%s]; briefing.ini has the groups [briefing] and "
                        "[branding]",
                        groups[i]);
            status = GB_DATA;
        }
    }
    g_strfreev(groups);
    return status;
}

/* Fails on an unknown key of [briefing], a value that is not a string (a
 * bad escape such as "\q" would silently leave the default in place) or one
 * over its length limit. */
static GbStatus
gb__briefing_keys(GKeyFile *kf, const char *path, const char *text, GbDiag *diag)
{
    GbStatus status = GB_OK;
    char *msg = NULL;
    GError *err = NULL;
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
    g_free(msg);
    g_clear_error(&err);
    return status;
}

/* Takes [briefing]'s texts, palette, page size and as-at date into c. */
static GbStatus
gb__briefing_values(GbConfig *c, GKeyFile *kf, const char *path, const char *text, GbDiag *diag)
{
    GbStatus status = GB_OK;
    char *msg = NULL;
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
        g_free(msg);
        return status;
    }
    if (*c->title == '\0')
        return gb__bad(diag, path, text, "title", "title must not be empty");
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
        if (status != GB_OK) {
            g_free(msg);
            return status;
        }
    }
    char *as_at = g_key_file_get_string(kf, "briefing", "as_at", NULL);
    if (as_at != NULL) {
        g_strstrip(as_at);
        if (!gb_text_parse_date(as_at, &c->as_at)) {
            msg = g_strdup_printf("as_at '%s' is not a date (YYYY-MM-DD)", as_at);
            status = gb__bad(diag, path, text, "as_at", msg);
        }
        g_free(as_at);
    }
    g_free(msg);
    return status;
}

/* Takes [briefing]'s sections list into c: known sections, each once. */
static GbStatus
gb__briefing_sections(GbConfig *c, GKeyFile *kf, const char *path, const char *text, GbDiag *diag)
{
    GbStatus status = GB_OK;
    char *msg = NULL;
    gsize n;
    char **sections = g_key_file_get_string_list(kf, "briefing", "sections", &n, NULL);
    if (sections == NULL)
        return GB_OK;
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
                    g_free(msg);
                    msg = g_strdup_printf("section '%s' is listed twice", id);
                    status = gb__bad(diag, path, text, "sections", msg);
                }
            g_ptr_array_add(c->sections, g_strdup(id));
        }
    }
    g_strfreev(sections);
    g_free(msg);
    return status;
}

GbStatus
gb_config_load(GbConfig *c, const char *path, GbDiag *diag)
{
    char *raw = NULL;
    const char *text = NULL;
    gsize len = 0;
    GKeyFile *kf = g_key_file_new();
    GbStatus status = gb__config_read(path, &raw, &text, &len, diag);
    if (status == GB_OK)
        status = gb__config_parse(kf, path, text, len, diag);
    if (status == GB_OK && g_key_file_has_group(kf, "briefing")) {
        status = gb__briefing_keys(kf, path, text, diag);
        if (status == GB_OK)
            status = gb__briefing_values(c, kf, path, text, diag);
        if (status == GB_OK)
            status = gb__briefing_sections(c, kf, path, text, diag);
        if (status == GB_OK) {
            /* Where each key the file sets came from, for `gradebrief config`. */
            char **set = g_key_file_get_keys(kf, "briefing", NULL, NULL);
            for (char **k = set; *k != NULL; k++) {
                char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, path,
                                              gb_text_key_line(text, "briefing", *k));
                gb_config_set_origin(c, *k, where);
                g_free(where);
            }
            g_strfreev(set);
        }
    }
    if (status == GB_OK)
        status = gb__branding_load(c, kf, path, text, diag);
    g_free(raw);
    g_key_file_free(kf);
    return status;
}
