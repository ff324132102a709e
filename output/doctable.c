/* doctable.c - tables on the pages of doc.c (see doc.h, gb_doc_table):
 * every row laid out once, rows placed a page at a time with the header row
 * repeated after a break, then each page drawn as one fill path a colour,
 * the cell texts with their tags, and one path each of rules and outlines. */
#include "output/doc-private.h"

#define GB__TABLE 9.0 /* table text: at least 9 pt */

/* Lays out one row's cells; returns its height. */
static double
gb__row_layouts(GbDoc *d, const GbDocTable *t, const GbCell *cells, gboolean header,
                PangoLayout **out)
{
    double w = gb__doc_width(d), h = 0;
    for (int c = 0; c < t->ncols; c++) {
        const char *text = header ? t->headers[c] : cells[c].text;
        gboolean bold = header || cells[c].bold || (c == 0 && t->row_headers);
        out[c] = gb__doc_layout(d, text != NULL ? text : "", GB__TABLE, bold, w * t->widths[c] - 6,
                                FALSE);
        h = MAX(h, gb__doc_layout_height(out[c]));
    }
    return h + 5;
}

/* A row placed on a page: its index (-1: the header row), top and height. */
typedef struct {
    int row;
    double y, h;
} GbPlaced;

static const GbCell *
gb__row_cells(const GbDocTable *t, const GbCell *cells, int row)
{
    return row < 0 ? NULL : cells + row * t->ncols;
}

/* The fills of the rows placed on this page, one path a colour (the header's,
 * then each grade level's), drawn before any text and outside any tag: one
 * operation a colour instead of one a cell for cairo to analyse and write. */
static void
gb__table_fills(GbDoc *d, const GbDocTable *t, const GbCell *cells, const GArray *placed)
{
    cairo_t *cr = gb__doc_cr(d);
    double w = gb__doc_width(d);
    int most = -1;
    for (guint i = 0; i < placed->len; i++) {
        const GbCell *row = gb__row_cells(t, cells, g_array_index(placed, GbPlaced, i).row);
        for (int c = 0; row != NULL && c < t->ncols; c++)
            most = MAX(most, row[c].level);
    }
    for (int level = -2; level <= most; level = level == -2 ? 0 : level + 1) {
        gboolean any = FALSE;
        for (guint i = 0; i < placed->len; i++) {
            const GbPlaced *p = &g_array_index(placed, GbPlaced, i);
            const GbCell *row = gb__row_cells(t, cells, p->row);
            double x = gb__doc_left(d);
            for (int c = 0; c < t->ncols; c++) {
                double cw = w * t->widths[c];
                if (row == NULL ? level == -2 : row[c].level == level) {
                    cairo_rectangle(cr, x, p->y, cw, p->h);
                    any = TRUE;
                }
                x += cw;
            }
        }
        if (!any)
            continue;
        GbRgb fill = level == -2 ? (GbRgb){0.90, 0.92, 0.95} : gb_palette_level(level);
        cairo_set_source_rgb(cr, fill.r, fill.g, fill.b);
        cairo_fill(cr);
    }
}

/* The rule under every placed row, then a thin white line round every grade
 * cell, so that neighbours of one colour (across rows and columns) read as
 * cells, not one block; each as one path. Outside any cell's tag. */
static void
gb__table_lines(GbDoc *d, const GbDocTable *t, const GbCell *cells, const GArray *placed)
{
    cairo_t *cr = gb__doc_cr(d);
    double w = gb__doc_width(d);
    for (guint i = 0; i < placed->len; i++) {
        const GbPlaced *p = &g_array_index(placed, GbPlaced, i);
        cairo_move_to(cr, gb__doc_left(d), p->y + p->h - 0.25);
        cairo_line_to(cr, gb__doc_left(d) + w, p->y + p->h - 0.25);
    }
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    for (guint i = 0; i < placed->len; i++) {
        const GbPlaced *p = &g_array_index(placed, GbPlaced, i);
        const GbCell *row = gb__row_cells(t, cells, p->row);
        double cx = gb__doc_left(d);
        for (int c = 0; row != NULL && c < t->ncols; c++) {
            double cw = w * t->widths[c];
            if (row[c].level >= 0)
                cairo_rectangle(cr, cx, p->y, cw, p->h);
            cx += cw;
        }
    }
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, GB_PALETTE_SEPARATOR);
    cairo_stroke(cr);
}

/* A row's texts; tagged FALSE draws them outside any tag (a repeated header). */
static void
gb__row_texts(GbDoc *d, const GbDocTable *t, const GbCell *cells, PangoLayout **ly, double y,
              gboolean tagged)
{
    double x = gb__doc_left(d), w = gb__doc_width(d);
    gboolean header = cells == NULL;
    if (tagged)
        gb__doc_tag(d, "TR", TRUE);
    for (int c = 0; c < t->ncols; c++) {
        GbRgb ink = {0.1, 0.1, 0.1};
        if (!header && cells[c].level >= 0 && gb_palette_dark(gb_palette_level(cells[c].level)))
            ink = (GbRgb){1, 1, 1};
        const char *tag = header || (c == 0 && t->row_headers) ? "TH" : "TD";
        if (tagged)
            gb__doc_tag(d, tag, TRUE);
        gb__doc_show(d, ly[c], x + 3, y + 2.5, ink);
        if (tagged)
            gb__doc_tag(d, tag, FALSE);
        x += w * t->widths[c];
    }
    if (tagged)
        gb__doc_tag(d, "TR", FALSE);
}

/* Draws the rows placed on one page: fills, texts (the first page's header
 * row opens Table and THead, then TBody), rules. */
static void
gb__table_page(GbDoc *d, const GbDocTable *t, const GbCell *cells, PangoLayout **hl,
               PangoLayout **rl, const GArray *placed, gboolean first)
{
    if (gb__doc_cr(d) == NULL)
        return;
    gb__table_fills(d, t, cells, placed);
    for (guint i = 0; i < placed->len; i++) {
        const GbPlaced *p = &g_array_index(placed, GbPlaced, i);
        if (p->row >= 0) {
            gb__row_texts(d, t, gb__row_cells(t, cells, p->row), rl + p->row * t->ncols, p->y,
                          TRUE);
            continue;
        }
        if (first) {
            gb__doc_tag(d, "Table", TRUE);
            gb__doc_tag(d, "THead", TRUE);
        }
        gb__row_texts(d, t, NULL, hl, p->y, first);
        if (first) {
            gb__doc_tag(d, "THead", FALSE);
            gb__doc_tag(d, "TBody", TRUE);
        }
    }
    gb__table_lines(d, t, cells, placed);
}

static void
gb__place(GbDoc *d, GArray *placed, int row, double h)
{
    GbPlaced p = {row, *gb__doc_y(d), h};
    g_array_append_val(placed, p);
    *gb__doc_y(d) += h;
}

void
gb_doc_table(GbDoc *d, const GbDocTable *t)
{
    PangoLayout **hl = g_new0(PangoLayout *, t->ncols);
    double hh = gb__row_layouts(d, t, NULL, TRUE, hl);
    int rows = (int)(t->cells->len / (guint)t->ncols);
    const GbCell *cells = (const GbCell *)(void *)t->cells->data;
    /* Every row laid out once: its height decides the page breaks (one row
     * ahead), and the same layouts are drawn. */
    PangoLayout **rl = g_new0(PangoLayout *, (gsize)rows * (gsize)t->ncols);
    double *rh = g_new(double, rows);
    for (int r = 0; r < rows; r++)
        rh[r] = gb__row_layouts(d, t, cells + r * t->ncols, FALSE, rl + r * t->ncols);
    /* The header row and at least one body row on one page. */
    gb__doc_need(d, hh + (rows > 0 ? rh[0] : 0));
    /* Rows are placed a page at a time and each page drawn when it is full. */
    GArray *placed = g_array_new(FALSE, FALSE, sizeof(GbPlaced));
    gb__place(d, placed, -1, hh);
    gboolean first = TRUE;
    int on_page = 0;
    for (int r = 0; r < rows; r++) {
        double room = gb__doc_bottom(d) - *gb__doc_y(d);
        gboolean breaks = rh[r] > room && !gb__doc_at_top(d);
        /* No last row alone on a page: if this row fits but the last one would
         * not, and this page already has rows, take this one along. */
        if (!breaks && r == rows - 2 && on_page >= 2 && rh[r] + rh[r + 1] > room)
            breaks = TRUE;
        if (breaks) {
            gb__table_page(d, t, cells, hl, rl, placed, first);
            first = FALSE;
            g_array_set_size(placed, 0);
            gb__doc_new_page(d);
            gb__place(d, placed, -1, hh); /* the header row again, untagged */
            on_page = 0;
        }
        gb__place(d, placed, r, rh[r]);
        on_page++;
    }
    gb__table_page(d, t, cells, hl, rl, placed, first);
    gb__doc_tag(d, "TBody", FALSE);
    gb__doc_tag(d, "Table", FALSE);
    *gb__doc_y(d) += 10;
    g_array_free(placed, TRUE);
    for (int c = 0; c < t->ncols; c++)
        g_clear_object(&hl[c]);
    for (int i = 0; i < rows * t->ncols; i++)
        g_clear_object(&rl[i]);
    g_free(rh);
    g_free(hl);
    g_free(rl);
}
