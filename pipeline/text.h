/* text.h - small text helpers shared by the stages: lookup keys, dates, and
 * quoting untrusted values for one-line messages. */
#ifndef GB_TEXT_H
#define GB_TEXT_H

#include <glib.h>

/* Writes into out the lookup key of s[0..len): case-folded, surrounding white
 * space dropped and inner runs of white space collapsed to one space, so that
 * " Kingston  upon THAMES" and "kingston upon thames" meet. out is reset first.
 * s must be valid UTF-8 and not out's own bytes. This function can't fail. */
void gb_text_key(const char *s, gsize len, GString *out);

/* Appends s[0..len) to out as a double-quoted string safe for a terminal:
 * escaped as gb_text_append_escaped does, and values over 60 bytes are cut
 * with "...". This function can't fail. */
void gb_text_append_quoted(GString *out, const char *s, gsize len);

/* Appends s[0..len) to out so that what a terminal shows is what the bytes
 * are: control characters as \xNN, characters that do not show as themselves
 * (zero-width and bidi format characters, spaces other than U+0020, line
 * separators, unassigned code points) as \uXXXX, bytes that are not UTF-8 as
 * \xNN, and '"' and '\\' with a backslash. This function can't fail. */
void gb_text_append_escaped(GString *out, const char *s, gsize len);
/* The same, but '"' and '\\' stay as they are: for file names and for whole
 * messages whose values are quoted already. This function can't fail. */
void gb_text_append_visible(GString *out, const char *s, gsize len);
/* gb_text_append_escaped of a NUL-terminated string, as a new string to g_free. */
char *gb_text_escape(const char *s);

/* Parses an ISO date "YYYY-MM-DD" or a UK date "DD/MM/YYYY" into
 * YYYYMMDD (e.g. 20250331). Returns FALSE for anything else, including
 * impossible days such as 2025-02-30. */
gboolean gb_text_parse_date(const char *s, guint32 *ymd);

/* Parses a whole decimal integer in [lo, hi]; FALSE on junk or overflow. */
gboolean gb_text_parse_int(const char *s, gint64 lo, gint64 hi, gint64 *out);

/* Formats YYYYMMDD as "YYYY-MM-DD" into buf (at least 11 bytes). */
void gb_text_format_date(guint32 ymd, char buf[11]);
/* Formats YYYYMMDD as "31 March 2025" into buf. */
void gb_text_format_date_long(guint32 ymd, char *buf, gsize len);

/* The 1-based line of "key =" inside [group] of a key file's text (with key
 * NULL: the line of [group]), or 0 when not found. For error messages. */
guint64 gb_text_key_line(const char *text, const char *group, const char *key);

/* Appends s to out as one RFC 4180 CSV field: quoted when it holds a comma,
 * quote, CR or LF, and prefixed with ' when it starts with = + - @, a tab or a
 * CR so that spreadsheets do not run it as a formula (a number such as -7.0 is
 * data and is left alone). The one rule for every CSV gradebrief writes: the
 * write stage's records (output/csvout.h) and `stats -f csv` both use it. This
 * function can't fail. */
void gb_text_csv_field(GString *out, const char *s);

#endif
