/* sheet-private.h - what the workbook readers share: sheet.c (detection,
 * the row under construction, XML from a zip member), sheetods.c and
 * sheetxlsx.c. Not for other modules. */
#ifndef GB_SHEET_PRIVATE_H
#define GB_SHEET_PRIVATE_H

#include "pipeline/sheet.h"

#include <gsf/gsf.h>
#include <libxml/xmlreader.h>

/* The row under construction: one reusable buffer for every row. */
typedef struct {
    GbSheetAhead *ahead; /* reading ahead: rows and sheets go to it, no callback runs */
    guint64 overflow;    /* reading ahead: 1 + the column past the limit in this row, or 0 */
    const char *path;
    const GbSheetFns *fns;
    gpointer user;
    GbDiag *diag;
    char *sheet;
    gboolean skipping; /* the callbacks asked to pass this sheet by */
    guint64 row;       /* number of the next row */
    GString *buf;      /* cell texts, each followed by a NUL */
    GArray *offs;      /* gsize offset of each cell in buf */
    GArray *lens;      /* gsize */
    GByteArray *types;
    GPtrArray *ptrs;       /* char*, made at emit time */
    guint64 pending_empty; /* empty cells not yet materialised */
    GString *cell;         /* the cell being read */
} GbRowBuild;

/* Empties the row (the sheet and row number stay). */
void gb__sheet_rb_reset(GbRowBuild *rb);
/* Adds `repeat` copies of a cell; column is the 0-based column of the first. */
GbStatus gb__sheet_rb_cell(GbRowBuild *rb, const char *s, gsize len, guint8 type, guint64 repeat);
/* Hands the row to the callback `repeat` times (once when blank). */
GbStatus gb__sheet_rb_emit(GbRowBuild *rb, guint64 repeat);
/* A sheet starts (the callbacks may pass it by) or ends. */
GbStatus gb__sheet_rb_begin_sheet(GbRowBuild *rb, const char *name);
GbStatus gb__sheet_rb_end_sheet(GbRowBuild *rb);

/* Opens zip member name ("xl/workbook.xml"): a new reference for the
 * caller to unref, or NULL when absent. */
GsfInput *gb__sheet_member(GsfInfile *zip, const char *name);
/* A pull reader over bytes from read(ctx) or from a member, with libxml2's
 * first error collected into err; NULL when libxml2 cannot make one. */
xmlTextReaderPtr gb__sheet_xml_open_io(xmlInputReadCallback read, void *ctx, const char *member,
                                       GString *err);
xmlTextReaderPtr gb__sheet_xml_open(GsfInput *in, const char *member, GString *err);
/* Sets diag for malformed XML in member (naming the sheet when known);
 * returns GB_DATA. */
GbStatus gb__sheet_xml_failed(GbRowBuild *rb, const char *member, GString *err);

/* The readers: every sheet of the workbook, through rb's callbacks. */
GbStatus gb__sheet_ods_read(GsfInfile *zip, GbRowBuild *rb);
GbStatus gb__sheet_xlsx_read(GsfInfile *zip, GbRowBuild *rb);

#endif
