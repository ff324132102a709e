/* csvread.h - stream a CSV file through libcsv, one record at a time.
 *
 * The reader owns the bytes: it strips a UTF-8 byte order mark, refuses UTF-16
 * and UTF-32, NUL bytes, invalid UTF-8, over-long fields and records and
 * over-wide records (each as soon as its bytes arrive), and knows on
 * which physical line and at which byte each record starts, which libcsv does not
 * track. Memory use is bounded by the block size and the longest record (and,
 * for a large file parsed on a second thread, by a few batches of records). */
#ifndef GB_CSVREAD_H
#define GB_CSVREAD_H

#include "pipeline/status.h"

#include <stdio.h>

#define GB_CSV_MAX_FIELD_BYTES (16 * 1024)
#define GB_CSV_MAX_FIELDS 512
#define GB_CSV_MAX_RECORD_BYTES (1024 * 1024) /* all the fields of one record */

typedef struct {
    const char *path;
    guint64 record; /* 1-based record number; the header is record 1 */
    guint64 line;   /* physical line on which the record starts (lines end
                       with LF, CRLF or a lone CR) */
    guint64 offset; /* byte offset of the record's first byte in the file */
    guint nfields;
    char *const *fields; /* each NUL-terminated, valid UTF-8, no inner NUL */
    const gsize *lens;
} GbCsvRecord;

/* Called once per record. The record and its fields are valid only during the
 * call. Return GB_OK to go on; any other status stops the read and is returned
 * by gb_csv_read() with whatever the callback put into diag. */
typedef GbStatus (*GbCsvRecordFn)(const GbCsvRecord *rec, gpointer user, GbDiag *diag);

/* Reads path and calls fn for every record, in order. Returns GB_OK, or
 * GB_NOINPUT (missing, unreadable, a directory), GB_DATA (empty, malformed,
 * wrong encoding, over a limit) or GB_IOERR with diag saying where and why. */
GbStatus gb_csv_read(const char *path, GbCsvRecordFn fn, gpointer user, GbDiag *diag);

/* Regular files of at least this many bytes (default 1 MiB) are parsed on a
 * thread of their own while fn runs on the calling one; same records, same
 * errors, same order. For tests, which read small files both ways. */
void gb_csv_set_pipe_threshold(gsize bytes);

/* For csvsplit.c: reads bytes [start, end) of the open file f (or, when mem is
 * not NULL, of the file's bytes mapped there: mem[0] is the byte at start) as
 * gb_csv_read() does, on the calling thread. start is 0 or just after a line end outside quotes
 * (a record boundary); *line is the line number to give the line starting there,
 * and becomes the number of the line after the part. Records are numbered from 1
 * in the part; the file-wide checks (empty, no records) are the caller's. The
 * records reach fn in small batches; records, errors and their order are
 * those of reading one at a time (a record that fn stops at wins over a later
 * parse error). */
GbStatus gb__csv_read_part(const char *path, FILE *f, const char *mem, guint64 start, guint64 end,
                           guint64 *line, GbCsvRecordFn fn, gpointer user, GbDiag *diag);

/* Finds the physical line and byte column where field `field` (0-based) of the
 * record starting at byte `offset` on line `line` begins. Used only to point at
 * problems, so it re-reads the record. Returns FALSE if it cannot tell, leaving
 * *out_line = line and *out_col = 1. */
gboolean gb_csv_locate(const char *path, guint64 offset, guint64 line, guint field,
                       guint64 *out_line, guint64 *out_col);

/* One column a table may have. */
typedef struct {
    const char *name; /* matched case- and space-insensitively */
    gboolean required;
} GbColumnSpec;

/* Maps the header record to specs: idx[i] becomes the field index of specs[i]
 * or -1 when absent. Fails with GB_DATA, pointing at the offending header cell,
 * on an empty, duplicate or (unless allow_unknown) unknown column, and at the
 * header line for a missing required one. */
GbStatus gb_csv_map_header(const GbCsvRecord *hdr, const GbColumnSpec *specs, guint n,
                           gboolean allow_unknown, int *idx, GbDiag *diag);

/* Reports, in diag, a problem with field `field` of rec, at its line and column. */
void gb_csv_diag_field(const GbCsvRecord *rec, guint field, GbDiag *diag, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

#endif
