/* docx.h - a document tree (tree.h) as a Word document (Office Open XML,
 * ECMA-376): real Heading 1-3 styles, so Word's navigation pane and table of
 * contents work; tables with a repeating header row and grade cells shaded and
 * written out; charts as pictures sized to the text width (300 dpi PNGs, or
 * SVGs with a PNG fallback when the caller has them), the alt
 * text as the picture's description (a one-page summary's figures, a section
 * with page_after, side by side in a layout table as the PDF places them, at
 * their print widths, their data tables moved to the end of the document);
 * the contents as a TOC field; en-GB.
 * The zip is made by minizip (each part deflated by libdeflate) with fixed
 * timestamps and a fixed entry order, in memory or straight into a write
 * set's temporary, and the XML by libxml2's text writer, so the same tree
 * gives the same bytes. */
#ifndef GB_DOCX_H
#define GB_DOCX_H

#include "output/tree.h"
#include "output/write.h"

typedef struct {
    const char *author; /* core properties; NULL for none */
    const char *subject;
    const char *keywords;
    const char *date;                       /* ISO 8601 date the document states; NULL for none */
    double page_width, page_height, margin; /* points */
    double dpi;                             /* chart pictures; 0 = 300 */
    const char *marking;                    /* protective marking on every page, or NULL */
    const char *footer;                     /* footer text, or NULL */
    /* The branding's accent (0..1 sRGB) for headings, the title and the
     * header's rule, as the PDF draws it; has_accent FALSE: the dark blue. */
    gboolean has_accent;
    double accent[3];
    /* The branding's logo (PNG or SVG bytes, NULL for none) and its alt text:
     * on the cover (a picture described by logo_alt) and at the right of the
     * running header (decorative), as the PDF places it. */
    GBytes *logo;
    gboolean logo_svg;
    const char *logo_alt;
    /* GByteArray*: each of the tree's charts as a PNG already drawn at the
     * text width (the briefing's chart files), or NULL to draw them at dpi.
     * Taken: each is moved out of its slot (left NULL) into the zip's part,
     * so its bytes are let go once zipped, not held to the end. A chart
     * placed twice is drawn again the second time. */
    GPtrArray *pictures;
    /* GByteArray*: beside pictures, each chart as an SVG at the same width
     * (the briefing's chart files), or NULL. A picture with an SVG is stored
     * as Word 2016+ stores an inserted SVG: the vector (asvg:svgBlip, drawn
     * and printed by Word 2016 and later) with the PNG as its fallback (the
     * a:blip older readers draw), so the PNG need not be 300 dpi. Taken
     * likewise. */
    GPtrArray *picture_svgs;
    /* Or, instead of both arrays, each chart's PNG and SVG read back as its
     * picture is zipped (the briefing's chart files, from the write set),
     * one at a time. */
    GbPictureFn picture;
    gpointer picture_user;
} GbDocxOptions;

/* Renders tree into a new byte array (*out, the caller frees it). Charts are
 * drawn with fonts f on this thread. Returns GB_OK, or GB_SOFTWARE with diag
 * set when a chart or the zip cannot be made. */
GbStatus gb_docx_render(const GbTree *tree, GbFonts *f, const GbDocxOptions *o, GByteArray **out,
                        GbDiag *diag);
/* gb_docx_render into file `to` of a write set (write.h) as the zip is made,
 * never held in memory; the caller then adds it (gb_write_add_stream) or,
 * when this fails, frees it. */
GbStatus gb_docx_render_to(const GbTree *tree, GbFonts *f, const GbDocxOptions *o,
                           GbWriteStream *to, GbDiag *diag);

#endif
