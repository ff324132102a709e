/* doc.h - a tagged, paginated A4 (or Letter) document on a cairo PDF surface.
 *
 * The same sequence of calls runs twice: a measuring pass (surface NULL) that
 * only lays out and counts pages, then the drawing pass, which knows the page
 * count ("Page N of M") and every section's page (the contents). Blocks are
 * measured with pango before they are placed; paragraphs split between lines
 * with no single line left alone at a page's foot or head; headings and table
 * header rows never end a page; tables repeat their header row. */
#ifndef GB_DOC_H
#define GB_DOC_H

#include "charts/chart.h"
#include "output/config.h"

typedef struct {
    double width, height;            /* points */
    double top, bottom, left, right; /* margins */
    const char *running_title;       /* header of every page but the cover */
    const char *footer_left;
    const GbBranding *branding; /* logo, accent, footer, marking; NULL: none */
} GbPageSetup;

typedef struct GbDoc GbDoc;

/* A table cell: text, and a grade level to colour it by (-1: none). */
typedef struct {
    const char *text;
    int level;
    gboolean bold;
} GbCell;

typedef struct {
    int ncols;
    const char *const *headers;
    const double *widths; /* fractions of the text width, summing to 1 */
    GArray *cells;        /* GbCell, row-major, ncols per row */
    gboolean row_headers; /* the first column's cells are TH */
} GbDocTable;

/* Starts a pass. surface NULL measures only. previous is the measuring pass
 * whose page numbers the drawing pass prints (NULL on the measuring pass). */
GbDoc *gb_doc_new(GbFonts *f, const GbPageSetup *setup, cairo_surface_t *surface,
                  const GbDoc *previous);
/* Ends the pass (closes every tag, ends the last page); returns the pages. */
int gb_doc_finish(GbDoc *d);
void gb_doc_free(GbDoc *d);

int gb_doc_pages(const GbDoc *d);
/* The page a section started on in this pass, or 0. */
int gb_doc_section_page(const GbDoc *d, const char *id);
/* Alt texts of the figures drawn, in order (owned by d). */
const GPtrArray *gb_doc_alts(const GbDoc *d);

/* The cover: no running header; the title block then lines of small print. */
void gb_doc_cover(GbDoc *d, const char *title, const char *subtitle, const char *const *lines);
/* A contents page listing sections (ids and titles), each entry a link. */
void gb_doc_contents(GbDoc *d, const char *const *ids, const char *const *titles, int n);
/* Compact documents (packs) run sections on without a page break each. */
void gb_doc_set_compact(GbDoc *d, gboolean compact);
/* A first page that opens with a title block (tagged H1) instead of a cover. */
void gb_doc_title(GbDoc *d, const char *title, const char *subtitle);
/* A numbered section on a new page: Sect, H2, a link target and a bookmark.
 * The document title is the one H1; headings inside sections are H3. */
void gb_doc_section(GbDoc *d, const char *id, const char *title);
void gb_doc_heading(GbDoc *d, const char *text);   /* H3, kept with what follows */
void gb_doc_paragraph(GbDoc *d, const char *text); /* P, justified */
void gb_doc_note(GbDoc *d, const char *text);      /* P, small and grey */
void gb_doc_bullets(GbDoc *d, const char *const *items, int n);
/* A chart at the full text width with a numbered caption, kept on one page:
 * Figure (the plot, with the chart's title and notes as P before and after
 * it), then its Caption as the Figure's sibling. */
void gb_doc_figure(GbDoc *d, const GbChart *chart, const char *caption);
/* Where a figure goes relative to the figures placed just before it: below
 * them all (as usual), beside them (right of the row, top-aligned), or under
 * the row's first column (a stack on the left, a tall figure beside it).
 * Beside and under fall back to below when the figure does not fit there. */
typedef enum { GB_DOC_BELOW, GB_DOC_BESIDE, GB_DOC_UNDER } GbDocPlace;
/* The same at width (a fraction of the text width, 0: all), placed so. With
 * shrink, a figure taller than the room left on the page is drawn as tall as
 * that room when its least height (gb_chart_min_height_for) fits in it. */
void gb_doc_figure_placed(GbDoc *d, const GbChart *chart, const char *caption, double width,
                          GbDocPlace place, gboolean shrink);
/* One line of text that is wholly a link to uri (P > Link, underlined). */
void gb_doc_link_line(GbDoc *d, const char *text, const char *uri);
/* Ends the page here (nothing when the cursor is already at a page's top). */
void gb_doc_page_break(GbDoc *d);
/* Table > THead > TR > TH, then TBody > TR > TH (row headers) | TD, in 9 pt;
 * the header row repeated after a page break is drawn outside any tag. */
void gb_doc_table(GbDoc *d, const GbDocTable *t);
void gb_doc_space(GbDoc *d, double points);

#endif
