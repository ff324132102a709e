/* doc-private.h - what doc.c shares with its table layout (doctable.c). */
#ifndef GB_DOC_PRIVATE_H
#define GB_DOC_PRIVATE_H

#include "output/accessible.h"
#include "output/doc.h"

#define GB__BODY 10.0
#define GB__LEADING 1.25
#define GB__NOTE 8.0

cairo_t *gb__doc_cr(const GbDoc *d);  /* NULL on the measuring pass */
double gb__doc_left(const GbDoc *d);  /* the left margin */
double gb__doc_width(const GbDoc *d); /* the text width */
double gb__doc_bottom(const GbDoc *d);
double gb__doc_top(const GbDoc *d); /* where a fresh page's cursor starts */
double *gb__doc_y(GbDoc *d);        /* the cursor, points from the page top */
gboolean gb__doc_at_top(const GbDoc *d);
void gb__doc_need(GbDoc *d, double h); /* a new page unless h fits */
void gb__doc_new_page(GbDoc *d);
/* A layout (justified only across a wide measure), cached as doc.c caches its own; unref it. */
PangoLayout *gb__doc_layout(GbDoc *d, const char *text, double size, gboolean bold, double width,
                            gboolean justify);
/* Wrap modes of a layout: the fonts' default (between words, a word too long
 * for its line broken between characters), only between words (a table
 * cell: a word too long overflows, and doctable.c widens its column), or
 * between characters as well (a name with no space that no column holds). */
enum { GB__WRAP_DEFAULT, GB__WRAP_WORDS, GB__WRAP_CHARS };
/* gb__doc_layout, unjustified, in one of those wrap modes; unref it. */
PangoLayout *gb__doc_layout_wrap(GbDoc *d, const char *text, double size, gboolean bold,
                                 double width, int wrap);
double gb__doc_layout_height(PangoLayout *ly);
/* The width of text set on one line at size, the sum of its characters'
 * advances: no kerning, no shaping, so near, not exact (a layout decides).
 * FALSE when text has a character other than printable ASCII. */
gboolean gb__doc_line_estimate(GbDoc *d, const char *text, double size, gboolean bold, double *w);
/* The logical width of the widest line of ly, in points (doctable.c). */
double gb__doc_widest_line(PangoLayout *ly);
void gb__doc_show(GbDoc *d, PangoLayout *ly, double x, double y, GbRgb c);
/* A text as gb__doc_layout lays it out unjustified at width (-1: none):
 * its height in points (as gb__doc_layout_height), or drawn with its top
 * left at x, y (as gb__doc_show). Cut from the text's one-line shaping
 * when the cut is pango's layout for sure (gb__doc_cut_new: printable
 * ASCII, every line broken after a space), else laid out; made once for
 * both passes and both calls. GRADEBRIEF_CHECK_CUTS=1 compares every cut
 * with pango's layout. */
double gb__doc_text_height(GbDoc *d, const char *text, double size, gboolean bold, double width);
void gb__doc_text_show(GbDoc *d, const char *text, double size, gboolean bold, double width,
                       double x, double y, GbRgb c);
/* Draws ly with its top left at cr's current point as pango_cairo_show_layout
 * does: the same glyphs at the same positions, with the same text and
 * clusters for extraction (made as pango's cairo renderer makes them), but
 * the runs of one font across all its lines as one cairo operation rather
 * than one a run. cairo then records, analyses and replays one operation for
 * a table cell of two lines where it had two, and writes the same bytes (its
 * text object stays open from one operation to the next). glyph_buf and
 * cluster_buf are the caller's scratch arrays (of cairo_glyph_t and
 * cairo_text_cluster_t), kept between calls. Returns FALSE, with nothing
 * drawn, when a run is not plain glyphs of its font left to right on the
 * line's baseline (right to left, a colour or rise attribute, a hex box):
 * then pango draws it. */
gboolean gb__doc_show_runs(cairo_t *cr, GArray *glyph_buf, GArray *cluster_buf, PangoLayout *ly);
/* A table cell's text as pango lays it out between words at width, cut
 * from its one-line shaping (doc.c's GbShape: itemized and shaped as a
 * layout does it, without the layout; the same shaping serves every width)
 * instead of laid out: pango 1.50 shapes a wrapped text again at each
 * break, and a layout's own bookkeeping was a third of a one-line cell's
 * cost. Made only where the cut is pango's for sure: printable ASCII, one
 * run of plain glyphs one a byte, every line broken after a space (the
 * space zeroed, as pango does) and no line's width near the width;
 * otherwise NULL, and pango lays it out. The glyphs, line breaks, baselines
 * and height are those of pango's layout (gb__doc_cut_differs compares
 * them; GRADEBRIEF_CHECK_CUTS=1 makes the measuring pass compare every
 * cut). Free with gb__doc_cut_free. */
typedef struct GbDocCut GbDocCut;
GbDocCut *gb__doc_cut_new(GbDoc *d, const char *text, double size, gboolean bold, double width);
void gb__doc_cut_free(GbDocCut *c);
int gb__doc_cut_lines(const GbDocCut *c);
const char *gb__doc_cut_text(const GbDocCut *c);
double gb__doc_cut_height(const GbDocCut *c);  /* as gb__doc_layout_height */
double gb__doc_cut_widest(const GbDocCut *c);  /* as gb__doc_widest_line */
int gb__doc_cut_baseline(const GbDocCut *c);   /* the first line's, pango units from the top */
int gb__doc_cut_last_width(const GbDocCut *c); /* the last line's width, pango units */
/* Draws c as gb__doc_show draws pango's layout of it: the same operation. */
void gb__doc_show_cut(GbDoc *d, const GbDocCut *c, double x, double y, GbRgb ink);
/* A paragraph or note flowed between pages (doctext.c): its lines at
 * width, justified when justify (across a wide measure only, as
 * gb__doc_layout), cut from its one-line shaping where that is pango's
 * layout for sure, justification included (pango's justify_words: a
 * line's room shared among its spaces); NULL when it is not (lay it out
 * with gb__doc_layout). Borrowed from d, which makes it once for both
 * passes. GRADEBRIEF_CHECK_CUTS=1 compares every one with pango's layout,
 * lines, glyphs, widths and line ranges. */
const GbDocCut *gb__doc_flow_cut(GbDoc *d, const char *text, double size, double width,
                                 gboolean justify);
/* Line k's top and bottom, pango units, as pango_layout_iter_get_line_yrange. */
void gb__doc_cut_line_yrange(const GbDocCut *c, int k, int *y0, int *y1);
/* Line k's baseline from the top, pango units, as pango_layout_iter_get_baseline. */
int gb__doc_cut_line_baseline(const GbDocCut *c, int k);
/* Draws line k with its baseline's left end at cr's current point, as
 * pango_cairo_show_layout_line draws pango's line (the source as set). */
void gb__doc_show_cut_line(GbDoc *d, const GbDocCut *c, int k);
/* NULL when ly (pango's layout of c's text at its width) is c line for
 * line and glyph for glyph; else what differs (g_free it). */
char *gb__doc_cut_differs(const GbDocCut *c, PangoLayout *ly);
/* For tests only: how many texts d shaped with an item made like another
 * text's (printable ASCII: the font, script and attributes pango_itemize
 * gives every such text; GRADEBRIEF_CHECK_CUTS=1 compares each with
 * pango_itemize's and aborts on a difference). */
guint gb__doc_items_like(const GbDoc *d);
/* For tests only: how many distinct texts gb__doc_text_height and
 * gb__doc_text_show (and doc.c's headings, captions and contents) served
 * with a cut rather than a layout. */
guint gb__doc_texts_cut(const GbDoc *d);
/* The structure elements the drawing pass opened (NULL on the measuring
 * pass, or once taken); the caller frees it (gb_tag_tree_free). */
GbTagTree *gb__doc_take_tags(GbDoc *d);
/* Begins (begin TRUE) or ends a structure tag on the drawing pass. */
void gb__doc_tag(GbDoc *d, const char *tag, gboolean begin);

/* An axis-aligned rectangle, or a segment (x0 == x1 or y0 == y1), in points. */
typedef struct {
    double x0, y0, x1, y1;
} GbSpan;
/* The cells of a grid of rows x cols (cell r, c from x[c] to x[c + 1] across
 * and from top[r] to bottom[r] down) whose on[r * cols + c] is set, as
 * rectangles that cover them exactly and do not overlap: runs of cells
 * across a row, each taken on down the rows below with the same run (where a
 * row's top is the bottom above). A new GArray of GbSpan (doctable.c). */
GArray *gb__doc_cell_rects(const gboolean *on, int rows, int cols, const double *x,
                           const double *top, const double *bottom);
/* The edges of those cells, each once, joined into segments where they
 * meet: the horizontal ones by y then x, then the vertical ones by x then y.
 * A new GArray of GbSpan. */
GArray *gb__doc_cell_edges(const gboolean *on, int rows, int cols, const double *x,
                           const double *top, const double *bottom);

/* The tables the measuring pass laid out, kept for the drawing pass, which
 * draws the same tables in the same order (doctable.c): the measuring pass
 * adds each (gb__doc_keep_table, the doc frees it with free_fn), the drawing
 * pass takes them back in order (gb__doc_next_table: NULL on the measuring
 * pass or past the last). */
void gb__doc_keep_table(GbDoc *d, gpointer table, GDestroyNotify free_fn);
gpointer gb__doc_next_table(GbDoc *d);

/* Where a table breaks across pages. The header row (hh high) opens every
 * page of it, then rows of heights rh[0..rows). first is the room from the
 * cursor to the bottom of the page, page the room on a fresh page; at_top
 * says the cursor is at a page's top (a break before the table gains
 * nothing). Each page is filled, but every page of the table holds at least
 * GB__TABLE_KEEP rows (all of them, when fewer): rows move from the page
 * before onto a short last page, and the table starts on a fresh page when
 * its first page would hold fewer. Writes the first row of
 * each page into starts (room for rows + 1) and returns the number of pages
 * (at least 1); *move says the table starts on a fresh page. This function
 * can't fail. */
#define GB__TABLE_KEEP 3
int gb__doc_table_breaks(double hh, const double *rh, int rows, double first, double page,
                         gboolean at_top, int *starts, gboolean *move);

/* For tests only: called on the measuring pass with each table's page
 * breaks as planned (gb__doc_table_breaks): its rows, its pages, the first
 * row of each, and whether it started on a fresh page. NULL stops the calls.
 * One hook for the process. */
typedef void (*GbDocBreaksFn)(int rows, int pages, const int *starts, gboolean move, gpointer user);
void gb__doc_set_breaks_fn(GbDocBreaksFn fn, gpointer user);

/* For tests only: called on the measuring pass with every table cell as laid
 * out: its text, its layout, the column's text width and the text size, in
 * points. NULL stops the calls. One hook for the process. */
typedef void (*GbDocCellFn)(const char *text, PangoLayout *ly, double width, double size,
                            gpointer user);
void gb__doc_set_cell_fn(GbDocCellFn fn, gpointer user);

#endif
