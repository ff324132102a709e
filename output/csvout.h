/* csvout.h - the one CSV writer: every CSV file gradebrief writes (tables/,
 * packs/index.csv) is built here, field by field, RFC 4180 with CRLF. */
#ifndef GB_CSVOUT_H
#define GB_CSVOUT_H

#include <glib.h>

/* Appends s to out as one RFC 4180 CSV field: quoted when it holds a comma,
 * quote, CR or LF, and prefixed with ' when it starts with = + - @, a tab or a
 * CR so that spreadsheets do not run it as a formula (a number such as -7.0 is
 * data and is left alone). This function can't fail. */
void gb_csvout_field(GString *out, const char *s);

/* Appends the n cells as one record ending in CRLF. This function can't fail. */
void gb_csvout_row(GString *out, const char *const *cells, gsize n);

#endif
