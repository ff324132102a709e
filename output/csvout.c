/* csvout.c - RFC 4180 fields and records, formula-safe (see csvout.h). */
#include "output/csvout.h"

#include "pipeline/text.h"

#include <string.h>

void
gb_csvout_field(GString *out, const char *s)
{
    gb_text_csv_field(out, s);
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
