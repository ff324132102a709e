/* slug.c - file names from authority names (see slug.h). */
#include "output/slug.h"

#include <string.h>

char *
gb_slug(const char *s)
{
    /* Transliterate to ASCII first (Ã© -> e), then keep [a-z0-9], hyphens between. */
    char *ascii = g_str_to_ascii(s, "C");
    GString *out = g_string_new(NULL);
    gboolean hyphen = FALSE;
    for (const char *p = ascii; *p && out->len < 80; p++) {
        char c = g_ascii_tolower(*p);
        if (g_ascii_isalnum(c)) {
            if (hyphen && out->len > 0)
                g_string_append_c(out, '-');
            hyphen = FALSE;
            g_string_append_c(out, c);
        } else {
            hyphen = TRUE;
        }
    }
    g_free(ascii);
    if (out->len == 0)
        g_string_assign(out, "authority");
    return g_string_free(out, FALSE);
}

char *
gb_slug_authority(const GbRef *ref, int a)
{
    char *mine = gb_slug(gb_ref_authority(ref, a)->name);
    for (guint i = 0; i < ref->authorities->len; i++) {
        if ((int)i == a)
            continue;
        char *other = gb_slug(gb_ref_authority(ref, (int)i)->name);
        gboolean clash = strcmp(other, mine) == 0;
        g_free(other);
        if (clash) {
            char *both = g_strdup_printf("%s-%s", mine, gb_ref_authority(ref, a)->code);
            g_free(mine);
            char *safe = gb_slug(both); /* codes come from data: slug them too */
            g_free(both);
            return safe;
        }
    }
    return mine;
}
