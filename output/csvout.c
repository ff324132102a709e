/* csvout.c - RFC 4180 fields and records, formula-safe (see csvout.h). */
#include "output/csvout.h"

#include <string.h>

void
gb_csvout_field(GString *out, const char *s)
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

void
gb_csvout_row(GString *out, const char *const *cells, gsize n)
{
    for (gsize i = 0; i < n; i++) {
        if (i)
            g_string_append_c(out, ',');
        gb_csvout_field(out, cells[i]);
    }
    g_string_append(out, "\r\n");
}
