/* text.c - lookup keys, dates, quoting (see text.h). */
#include "pipeline/text.h"

#include <stdlib.h>
#include <string.h>

/* The key of an ASCII s, in one pass: FALSE (out then holds nothing of use)
 * at the first byte over 0x7F. Written in place: the key is never longer
 * than s (a space only before a character, for at least one space of s). */
static gboolean
gb__ascii_key(const char *s, gsize len, GString *out)
{
    g_string_set_size(out, len);
    char *o = out->str;
    gsize k = 0;
    gboolean pending_space = FALSE;
    for (gsize i = 0; i < len; i++) {
        char c = s[i];
        if ((guchar)c >= 0x80)
            return FALSE;
        if (g_ascii_isspace(c)) {
            pending_space = k > 0;
            continue;
        }
        if (pending_space)
            o[k++] = ' ';
        pending_space = FALSE;
        o[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; /* g_ascii_tolower */
    }
    o[k] = '\0';
    out->len = k;
    return TRUE;
}

void
gb_text_key(const char *s, gsize len, GString *out)
{
    /* Nearly every key is ASCII: no separate scan for other bytes first
     * (loading a register of 22,000 authorities makes some 130,000 keys). */
    if (gb__ascii_key(s, len, out))
        return;
    g_string_truncate(out, 0);
    gboolean pending_space = FALSE;
    char *folded = g_utf8_casefold(s, (gssize)len);
    for (const char *p = folded; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c)) {
            pending_space = out->len > 0;
            continue;
        }
        if (pending_space)
            g_string_append_c(out, ' ');
        pending_space = FALSE;
        g_string_append_unichar(out, c);
    }
    g_free(folded);
}

/* TRUE when c would not show as itself on a terminal: controls, format
 * characters (zero-width joiners, bidi overrides, byte order marks), line and
 * paragraph separators and spaces other than U+0020, which pass for one. */
static gboolean
gb__invisible(gunichar c)
{
    switch (g_unichar_type(c)) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
        return TRUE;
    case G_UNICODE_SPACE_SEPARATOR:
        return c != ' ';
    default:
        return FALSE;
    }
}

static void
gb__append_escaped(GString *out, const char *s, gsize len, gboolean quotes)
{
    const char *end = s + len;
    for (const char *p = s; p < end;) {
        guchar c = (guchar)*p;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F)
                g_string_append_printf(out, "\\x%02X", c);
            else if (quotes && (c == '"' || c == '\\'))
                g_string_append_printf(out, "\\%c", c);
            else
                g_string_append_c(out, (char)c);
            p++;
            continue;
        }
        gunichar u = g_utf8_get_char_validated(p, end - p);
        if (u == (gunichar)-1 || u == (gunichar)-2) { /* not UTF-8: the byte itself */
            g_string_append_printf(out, "\\x%02X", c);
            p++;
            continue;
        }
        const char *next = g_utf8_next_char(p);
        if (gb__invisible(u))
            g_string_append_printf(out, u > 0xFFFF ? "\\U%08X" : "\\u%04X", (guint)u);
        else
            g_string_append_len(out, p, next - p);
        p = next;
    }
}

void
gb_text_append_escaped(GString *out, const char *s, gsize len)
{
    gb__append_escaped(out, s, len, TRUE);
}

void
gb_text_append_visible(GString *out, const char *s, gsize len)
{
    gb__append_escaped(out, s, len, FALSE);
}

void
gb_text_append_quoted(GString *out, const char *s, gsize len)
{
    const gsize max = 60;
    gsize n = len > max ? max : len;
    /* Do not cut a UTF-8 sequence in half. */
    while (n < len && n > 0 && ((guchar)s[n] & 0xC0) == 0x80)
        n--;
    g_string_append_c(out, '"');
    gb_text_append_escaped(out, s, n);
    g_string_append_c(out, '"');
    if (n < len)
        g_string_append_printf(out, "... (%" G_GSIZE_FORMAT " bytes)", len);
}

char *
gb_text_escape(const char *s)
{
    GString *out = g_string_sized_new(strlen(s) + 8);
    gb_text_append_escaped(out, s, strlen(s));
    return g_string_free(out, FALSE);
}

static gboolean
gb__digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!g_ascii_isdigit(s[i]))
            return FALSE;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return TRUE;
}

gboolean
gb_text_parse_date(const char *s, guint32 *ymd)
{
    int y, m, d;
    gsize len = strlen(s);
    if (len == 10 && s[4] == '-' && s[7] == '-') {
        if (!gb__digits(s, 4, &y) || !gb__digits(s + 5, 2, &m) || !gb__digits(s + 8, 2, &d))
            return FALSE;
    } else if (len == 10 && s[2] == '/' && s[5] == '/') {
        if (!gb__digits(s, 2, &d) || !gb__digits(s + 3, 2, &m) || !gb__digits(s + 6, 4, &y))
            return FALSE;
    } else {
        return FALSE;
    }
    if (y < 1900 || y > 2999 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return FALSE;
    *ymd = (guint32)(y * 10000 + m * 100 + d);
    return TRUE;
}

/* GLib makes the C locale g_ascii_strtoll parses in on its first call, under
 * the one lock every g_once_init_enter takes, and GLib 2.74's g_mutex_lock
 * leaves errno at EAGAIN when it had to wait for a lock. The first
 * g_ascii_string_to_signed of the process, which sets errno to 0 before the
 * parse and refuses the number when errno is set after it, then failed
 * whenever another thread was in a g_once at that moment (the fonts thread:
 * pango's types, the fallback fonts): about one build in 1,000 stopped at
 * scales.csv's first rank, "1". The locale is made here once, before any
 * parse that reads errno. */
static void
gb__c_locale_made(void)
{
    static gsize made = 0;
    if (g_once_init_enter(&made)) {
        (void)g_ascii_strtoll("0", NULL, 10);
        g_once_init_leave(&made, 1);
    }
}

gboolean
gb_text_parse_int(const char *s, gint64 lo, gint64 hi, gint64 *out)
{
    /* Years are the common case: four plain digits need no strtol. */
    if (g_ascii_isdigit(s[0]) && g_ascii_isdigit(s[1]) && g_ascii_isdigit(s[2]) &&
        g_ascii_isdigit(s[3]) && s[4] == '\0') {
        gint64 y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        if (y < lo || y > hi)
            return FALSE;
        *out = y;
        return TRUE;
    }
    gb__c_locale_made();
    gint64 v;
    if (!g_ascii_string_to_signed(s, 10, lo, hi, &v, NULL))
        return FALSE;
    *out = v;
    return TRUE;
}

void
gb_text_format_date(guint32 ymd, char buf[11])
{
    g_snprintf(buf, 11, "%04u-%02u-%02u", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

guint64
gb_text_key_line(const char *text, const char *group, const char *key)
{
    char **lines = g_strsplit(text, "\n", -1);
    guint64 found = 0;
    gboolean in_group = group == NULL;
    for (guint i = 0; lines[i] != NULL && found == 0; i++) {
        char *l = g_strstrip(lines[i]);
        if (l[0] == '[') {
            in_group = group != NULL && strncmp(l + 1, group, strlen(group)) == 0 &&
                       l[1 + strlen(group)] == ']';
            if (key == NULL && in_group)
                found = i + 1;
            continue;
        }
        if (key == NULL || !in_group || strncmp(l, key, strlen(key)) != 0)
            continue;
        const char *rest = l + strlen(key);
        while (*rest == ' ' || *rest == '\t')
            rest++;
        if (*rest == '=')
            found = i + 1;
    }
    g_strfreev(lines);
    return found;
}

void
gb_text_format_date_long(guint32 ymd, char *buf, gsize len)
{
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    guint m = ymd / 100 % 100;
    g_snprintf(buf, len, "%u %s %u", ymd % 100, m >= 1 && m <= 12 ? months[m - 1] : "?",
               ymd / 10000);
}

void
gb_text_csv_field(GString *out, const char *s)
{
    gboolean formula =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    /* A number such as -7.0 is data, not a formula. */
    if (s[0] == '-' || s[0] == '+') {
        char *end;
        g_ascii_strtod(s, &end);
        if (end != s && *end == '\0')
            formula = FALSE;
    }
    gboolean quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        g_string_append(out, s);
        return;
    }
    g_string_append_c(out, '"');
    if (formula)
        g_string_append_c(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}
