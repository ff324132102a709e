/* sheet.h - stream the rows of a spreadsheet workbook (.ods or .xlsx).
 *
 * The container is opened with libgsf and each sheet's XML is streamed through
 * libxml2 (.ods: its SAX2 push parser; .xlsx: its xmlTextReader): no DOM is
 * built, so memory is bounded by the widest row (and, for .xlsx, the shared
 * strings), whatever the size of the sheets.
 * Cells come as typed: a date is given as YYYY-MM-DD whatever its display
 * format, a number in its shortest round-trip form, text as written. Repeated
 * empty rows and columns are never materialised. */
#ifndef GB_SHEET_H
#define GB_SHEET_H

#include "pipeline/status.h"

typedef enum {
    GB_SHEET_CSV, /* not a zip or OLE container: read as CSV */
    GB_SHEET_ODS,
    GB_SHEET_XLSX,
} GbSheetFormat;

typedef enum {
    GB_CELL_EMPTY,
    GB_CELL_TEXT,
    GB_CELL_NUMBER,
    GB_CELL_DATE, /* the text is YYYY-MM-DD */
    GB_CELL_BOOL,
} GbCellType;

#define GB_SHEET_MAX_COLUMNS 512  /* as the CSV reader's GB_CSV_MAX_FIELDS */
#define GB_SHEET_MAX_ROWS 1048576 /* the largest sheet either format allows */

/* One row of a sheet. Cells past the last non-empty one are not given; a row
 * with no non-empty cell has ncells 0 and stands for `repeat` blank rows. */
typedef struct {
    const char *path;
    const char *sheet;
    guint64 row;    /* 1-based spreadsheet row */
    guint64 repeat; /* blank rows this stands for (1 for others) */
    guint ncells;
    char *const *cells; /* NUL-terminated UTF-8 */
    const gsize *lens;
    const guint8 *types; /* GbCellType per cell */
} GbSheetRow;

typedef struct {
    /* Called at the start of each sheet, in workbook order; set *skip to pass
     * the sheet by. May be NULL. */
    GbStatus (*sheet_begin)(const char *path, const char *sheet, gpointer user, gboolean *skip,
                            GbDiag *diag);
    /* Called for every row; set *skip_rest to pass the rest of the sheet by. */
    GbStatus (*row)(const GbSheetRow *row, gpointer user, gboolean *skip_rest, GbDiag *diag);
    /* Says how many rows (XML rows: a repeated row counts once) of the sheet named
     * may be wanted, before its rows are read; the rest is passed by without
     * being parsed (.ods; an .xlsx sheet is a member of its own). NULL or
     * G_MAXUINT64: all. */
    guint64 (*keep_rows)(const char *path, const char *sheet, gpointer user);
    /* Called at the end of each sheet that was not skipped. May be NULL. */
    GbStatus (*sheet_end)(const char *path, const char *sheet, gpointer user, GbDiag *diag);
} GbSheetFns;

/* Tells a workbook from a CSV file by its first bytes and container. Returns
 * GB_OK with *fmt, GB_NOINPUT when path cannot be opened, or GB_DATA with one
 * line in diag for a workbook gradebrief cannot read: .xls, .numbers,
 * password-protected (ODS encryption or an OLE EncryptedPackage), a corrupt
 * zip, a zip that is neither ODS nor XLSX. */
GbStatus gb_sheet_detect(const char *path, GbSheetFormat *fmt, GbDiag *diag);

/* Reads every sheet of the workbook at path (fmt from gb_sheet_detect) and calls
 * fns for each, in order. A callback's status other than GB_OK stops the read
 * and is returned. Fails with GB_DATA on malformed XML, naming the sheet. */
GbStatus gb_sheet_read(const char *path, GbSheetFormat fmt, const GbSheetFns *fns, gpointer user,
                       GbDiag *diag);

/* An .ods whose content.xml is at least thread_bytes long (default 256 KiB; 0:
 * never) is inflated on a second thread while this one filters and parses;
 * every callback still runs on the calling thread, in the same order. For
 * tests, which read small workbooks both ways. */
void gb_sheet_configure(gsize thread_bytes);

/* Reading a workbook ahead: while the calling thread reads earlier files, an
 * .ods workbook is parsed on a thread of its own into its rows, kept (up to a
 * few MB; the thread then waits) until gb_sheet_read(path, fmt, fns, ...) is
 * called with the same path, format and fns->keep_rows. That call hands them
 * to its callbacks in the same order, with the same row numbers, messages and
 * outcome as reading the file then would have. Only keep_rows runs on the
 * thread, with keep_user: it must depend on nothing the other callbacks
 * change; sheet_begin must not pass sheets by (the rows of one it passes by
 * are dropped, but the sheet was parsed as one that is read). Returns NULL
 * (nothing started) for a format other than .ods. Free with
 * gb_sheet_ahead_free, after the gb_sheet_read or instead of it (the thread is
 * stopped). */
typedef struct GbSheetAhead GbSheetAhead;
GbSheetAhead *gb_sheet_ahead_start(const char *path, GbSheetFormat fmt, const GbSheetFns *fns,
                                   gpointer keep_user);
void gb_sheet_ahead_free(GbSheetAhead *a);

/* Writes the spreadsheet column name of 0-based column col ("A", "Z", "AA")
 * into buf (at least 8 bytes). This function can't fail. */
void gb_sheet_column_name(guint col, char buf[8]);

#endif
