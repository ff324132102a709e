/* docx-private.h - what docx.c (the document body) and docxpart.c (the
 * package, styles and the zip) share: the state of one rendering and the thin
 * XML-writing helpers that make the part builders read like the XML. */
#ifndef GB_DOCX_PRIVATE_H
#define GB_DOCX_PRIVATE_H

#include "output/docx.h"
#include "output/write.h"

#include <libxml/xmlwriter.h>

#define GB__NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define GB__NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define GB__NS_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define GB__REL_BASE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define GB__CT_BASE "application/vnd.openxmlformats-officedocument.wordprocessingml."
#define GB__EMU_PER_PT 12700.0
#define GB__TWIPS_PER_PT 20.0

/* One part of the package, in the order it goes into the zip. */
typedef struct GbDocxZip GbDocxZip;

typedef struct {
    char *name;
    GByteArray *bytes; /* NULL once zipped */
    GBytes *read;      /* or a file's bytes read back (a chart file), likewise */
    gboolean stored;   /* already compressed (PNG) */
} GbDocxPart;

/* The state of one rendering: the writer of the part being made, the
 * relationships the document collects (pictures, links), and the parts. */
typedef struct {
    xmlTextWriterPtr w;
    GByteArray *part; /* the bytes of the part being made, as the writer writes them */
    const GbTree *tree;
    const GbDocxOptions *o;
    GbFonts *fonts;
    double text_width; /* points */
    GPtrArray *rels;   /* char*: "Id\tType\tTarget\tExternal?" */
    GArray *parts;     /* GbDocxPart: their names (the bytes are zipped as added) */
    GbDocxZip *zip;
    int pictures;
    gboolean svgs; /* pictures may have SVG parts: their content type is listed */
    int bookmarks;
    /* The figures of a one-page summary (a section with page_after) whose
     * data tables go to the end of the document, so the summary stays on its
     * page (const GbTreeBlock*, not owned). */
    GPtrArray *deferred;
    /* The logo drawn for the cover and for the running header (NULL: no
     * logo), each at 300 dpi for its size in points: only whether there is
     * one is read once its part is zipped (and its bytes let go). */
    GByteArray *logo_png[2];
    double logo_size[2][2];
    GbStatus status;
    GbDiag *diag;
} GbDocx;

enum { GB__LOGO_COVER, GB__LOGO_HEADER };

void gb__docx_open(GbDocx *x, const char *name);
void gb__docx_close(GbDocx *x);
void gb__docx_attr(GbDocx *x, const char *name, const char *value);
void gb__docx_attrf(GbDocx *x, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* <name w:val="value"/> (no attribute when value is NULL). */
void gb__docx_val(GbDocx *x, const char *name, const char *value);
void gb__docx_text(GbDocx *x, const char *s);
/* Appends s (NULL: "") to xml escaped as gb__docx_text escapes it. */
void gb__docx_escape(GString *xml, const char *s);
/* Writes len bytes of xml (whole elements, balanced) as they are into the
 * element open, as its content. */
void gb__docx_raw(GbDocx *x, const char *xml, gsize len);
void gb__docx_run(GbDocx *x, const char *text, gboolean bold, gboolean italic, const char *style);
void gb__docx_para_begin(GbDocx *x, const char *style, gboolean keep_next);
void gb__docx_para(GbDocx *x, const char *style, const char *text);
void gb__docx_field(GbDocx *x, const char *instr, const char *cached);
void gb__docx_tab(GbDocx *x);
/* Opens a paragraph (the caller closes it) in style with one right tab stop at
 * the text's right edge, leader "dot" or NULL. */
void gb__docx_right_tab(GbDocx *x, const char *style, const char *leader);
/* A run holding an inline picture: relationship rid (a PNG), w x h points,
 * drawing id, name, description (alt text); decorative marks it so (Word
 * 2019's mark; the description is then empty). svg_rid, when not NULL, names
 * the same picture as an SVG, which Word 2016+ draws instead of the PNG. */
void gb__docx_inline(GbDocx *x, const char *rid, const char *svg_rid, double w, double h, int id,
                     const char *name, const char *descr, gboolean decorative);
void gb__docx_part_begin(GbDocx *x);
void gb__docx_part_end(GbDocx *x, const char *name);
/* Adds a document relationship; returns its id ("rId7"), which the caller frees. */
char *gb__docx_rel(GbDocx *x, const char *type, const char *target, gboolean external);

/* Makes [Content_Types].xml, the package relationships and the properties:
 * the first parts of the zip. */
void gb__docx_package(GbDocx *x);
/* Makes the styles, settings, numbering, header, footer and the document's
 * relationships: the parts after the document. */
void gb__docx_parts(GbDocx *x);
/* The zip the parts go into as they are made (docxpart.c): into memory, or
 * into to (not NULL), never held. gb__docx_zip_add zips one part and lets go
 * of its bytes (NULL then), and does nothing more once one failed;
 * gb__docx_zip_end finishes it (*out its bytes when it was in memory, out
 * may be NULL otherwise) and frees z: GB_OK, or GB_SOFTWARE with diag set. */
GbDocxZip *gb__docx_zip_new(GbWriteStream *to);
void gb__docx_zip_add(GbDocxZip *z, GbDocxPart *p);
GbStatus gb__docx_zip_end(GbDocxZip *z, GByteArray **out, GbDiag *diag);
/* Files part p (its name and bytes taken) after those made before it, and
 * zips it. */
void gb__docx_part_add(GbDocx *x, const GbDocxPart *p);

#endif
