/* doctable.c - tables on the pages of doc.c (see doc.h, gb_doc_table):
 * every row laid out once, rows placed a page at a time with the header row
 * repeated after a break, then each page drawn as one fill path a colour,
 * the cell texts with their tags, and one path each of rules and outlines. */
#include "output/doc-private.h"

#include <math.h>
#include <string.h>

#define GB__TABLE 9.0 /* table text: at least 9 pt */

/* ---- columns fitted to their words ---------------------------------------- */

#define GB__CELL_MIN 36.0 /* the least column a word too long for any is given */
#define GB__CELL_PAD 6.0  /* left and right padding of a cell, together */
/* The least table text size, when words need it: the charts' least size
 * (GB_SIZE_SMALL), as test_no_tiny_text holds the briefing to. */
#define GB__TABLE_MIN 8.0

/* A table's fitted columns: full widths in points (padding included) and the
 * text size, the same on both passes. */
typedef struct {
    double size;
    double *cw;
} GbTableFit;

static GbDocCellFn gb__cell_fn;
static gpointer gb__cell_user;

void
gb__doc_set_cell_fn(GbDocCellFn fn, gpointer user)
{
    gb__cell_fn = fn;
    gb__cell_user = user;
}

static const char *
gb__cell_text(const GbDocTable *t, const GbCell *cells, gboolean header, int c)
{
    const char *text = header ? t->headers[c] : cells[c].text;
    return text != NULL ? text : "";
}

static gboolean
gb__cell_bold(const GbDocTable *t, const GbCell *cells, gboolean header, int c)
{
    return header || cells[c].bold || (c == 0 && t->row_headers);
}

/* The widest line of a layout, in points. Line by line: pango keeps each
 * line's extents once the layout's lines are made, where a PangoLayoutIter
 * measured every line again on each of the four calls a cell had. */
double
gb__doc_widest_line(PangoLayout *ly)
{
    double widest = 0;
    for (GSList *l = pango_layout_get_lines_readonly(ly); l != NULL; l = l->next) {
        PangoRectangle logical;
        pango_layout_line_get_extents(l->data, NULL, &logical);
        widest = MAX(widest, (double)logical.width / PANGO_SCALE);
    }
    return widest;
}

/* A cell's text on one line, when it fits width: laid out without a width,
 * once for every column it is in. A line that fits is set and drawn the same
 * with a width or without (left-aligned, unjustified), and pango shapes a
 * text it is given a width for two or three times more while breaking it:
 * a third of a cell's layout. Only texts whose characters' advances add up
 * to clearly less than width are tried (kerning mostly narrows a line): a
 * text that is wider after all costs a layout more. NULL when the text does
 * not fit, or may not. */
static PangoLayout *
gb__cell_line(GbDoc *d, const char *text, double size, gboolean bold, double width)
{
    double estimate;
    if (!gb__doc_line_estimate(d, text, size, bold, &estimate) || estimate > width - 1)
        return NULL;
    PangoLayout *ly = gb__doc_layout_wrap(d, text, size, bold, -1, GB__WRAP_DEFAULT);
    if (pango_layout_get_line_count(ly) == 1) {
        PangoRectangle logical;
        pango_layout_line_get_extents(pango_layout_get_line_readonly(ly, 0), NULL, &logical);
        /* Short of the width by a hair: at the edge the wrapped layout decides. */
        if (logical.width + PANGO_SCALE / 16 <= (int)(width * PANGO_SCALE))
            return ly;
    }
    g_object_unref(ly);
    return NULL;
}

/* A cell as laid out: pango's layout of it, or its lines cut from its
 * one-line shaping (gb__doc_cut_new); one of the two is set. */
typedef struct {
    PangoLayout *ly;
    GbDocCut *cut;
} GbLaidCell;

static double
gb__laid_height(const GbLaidCell *cell)
{
    return cell->cut != NULL ? gb__doc_cut_height(cell->cut) : gb__doc_layout_height(cell->ly);
}

static double
gb__laid_widest(const GbLaidCell *cell)
{
    return cell->cut != NULL ? gb__doc_cut_widest(cell->cut) : gb__doc_widest_line(cell->ly);
}

static void
gb__laid_clear(GbLaidCell *cell)
{
    g_clear_object(&cell->ly);
    g_clear_pointer(&cell->cut, gb__doc_cut_free);
}

/* Whether every cut is compared with pango's layout of its text
 * (GRADEBRIEF_CHECK_CUTS set, or a test's cell hook). */
static gboolean
gb__checking_cuts(void)
{
    static int check = -1;
    if (check < 0)
        check = g_getenv("GRADEBRIEF_CHECK_CUTS") != NULL;
    return check || gb__cell_fn != NULL;
}

/* A cell between words only: cut from its one-line shaping where that is
 * pango's wrapping (or its one line) for sure (gb__doc_cut_new), else on
 * one line when it fits (gb__cell_line: a text beyond printable ASCII),
 * else pango's layout of it at width. */
static GbLaidCell
gb__cell_words(GbDoc *d, const char *text, double size, gboolean bold, double width)
{
    GbLaidCell cell = {NULL, gb__doc_cut_new(d, text, size, bold, width)};
    if (cell.cut == NULL)
        cell.ly = gb__cell_line(d, text, size, bold, width);
    if (cell.cut == NULL && cell.ly == NULL) {
        cell.ly = gb__doc_layout_wrap(d, text, size, bold, width, GB__WRAP_WORDS);
    } else if (cell.cut != NULL && gb__checking_cuts() && gb__doc_cr(d) == NULL) {
        PangoLayout *ly = gb__doc_layout_wrap(d, text, size, bold, width, GB__WRAP_WORDS);
        char *why = gb__doc_cut_differs(cell.cut, ly);
        if (why != NULL)
            g_error("a table cell cut from its line is not pango's wrapping at %.3f pt: %s", width,
                    why);
        g_object_unref(ly);
    }
    return cell;
}

/* A cell laid out in its column: between words (gb__cell_words), unless a
 * word of it is wider than the column (a file name no column can hold),
 * then between characters as well. */
static GbLaidCell
gb__cell_layout(GbDoc *d, const char *text, double size, gboolean bold, double width)
{
    GbLaidCell cell = gb__cell_words(d, text, size, bold, width);
    if (cell.ly != NULL && gb__doc_widest_line(cell.ly) > width + 0.01) {
        g_object_unref(cell.ly);
        cell.ly = gb__doc_layout_wrap(d, text, size, bold, width, GB__WRAP_CHARS);
    }
    return cell;
}

/* The widest word of every column at size (each cell laid out one word a
 * line: wrapped between words at a width of one point). */
static void
gb__widest_words(GbDoc *d, const GbDocTable *t, double size, double *word)
{
    int rows = (int)(t->cells->len / (guint)t->ncols);
    const GbCell *cells = (const GbCell *)(void *)t->cells->data;
    for (int c = 0; c < t->ncols; c++)
        word[c] = 0;
    for (int r = -1; r < rows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const GbCell *row = r < 0 ? NULL : cells + r * t->ncols;
            const char *text = gb__cell_text(t, row, r < 0, c);
            if (*text == '\0')
                continue;
            PangoLayout *ly = gb__doc_layout_wrap(d, text, size, gb__cell_bold(t, row, r < 0, c), 1,
                                                  GB__WRAP_WORDS);
            word[c] = MAX(word[c], gb__doc_widest_line(ly));
            g_object_unref(ly);
        }
}

/* TRUE when every cell's words fit its column as fit sets them. keep
 * (when not NULL: the header row's cells, then each row's) then holds the
 * cells, as gb__row_layouts lays them out at fit (a cell whose words fit
 * is never broken between characters); on FALSE it holds none. */
static gboolean
gb__words_fit(GbDoc *d, const GbDocTable *t, const GbTableFit *fit, GbLaidCell *keep)
{
    int rows = (int)(t->cells->len / (guint)t->ncols);
    const GbCell *cells = (const GbCell *)(void *)t->cells->data;
    for (int r = -1; r < rows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const GbCell *row = r < 0 ? NULL : cells + r * t->ncols;
            double width = fit->cw[c] - GB__CELL_PAD;
            const char *text = gb__cell_text(t, row, r < 0, c);
            gboolean bold = gb__cell_bold(t, row, r < 0, c);
            GbLaidCell cell = gb__cell_words(d, text, fit->size, bold, width);
            gboolean fits = gb__laid_widest(&cell) <= width + 0.01;
            if (fits && keep != NULL) {
                keep[(r + 1) * t->ncols + c] = cell;
                continue;
            }
            gb__laid_clear(&cell);
            if (!fits) {
                for (int i = 0; keep != NULL && i < (r + 1) * t->ncols + c; i++)
                    gb__laid_clear(&keep[i]);
                return FALSE;
            }
        }
    return TRUE;
}

/* Gives every column at least `need` points where the table's width allows,
 * taking the width from the columns with room to spare in proportion to what
 * they spare. Returns FALSE when the needs exceed the table's width (the
 * columns are then shared in proportion to need). */
static gboolean
gb__share_widths(const GbDocTable *t, double w, const double *need, double *cw)
{
    double deficit = 0, surplus = 0, total = 0;
    for (int c = 0; c < t->ncols; c++) {
        double have = w * t->widths[c];
        deficit += MAX(0, need[c] - have);
        surplus += MAX(0, have - need[c]);
        total += need[c];
    }
    if (deficit <= 0) {
        for (int c = 0; c < t->ncols; c++)
            cw[c] = w * t->widths[c];
        return TRUE;
    }
    if (total > w) {
        /* Columns get their need, the least needs first, while what is left
         * gives the others at least GB__CELL_MIN each; those others share it
         * in proportion to the widths asked for. */
        gboolean *held = g_new0(gboolean, t->ncols);
        double left = w, asked = 0;
        for (int n = t->ncols; n > 0; n--) {
            int least = -1;
            for (int c = 0; c < t->ncols; c++)
                if (!held[c] && (least < 0 || need[c] < need[least]))
                    least = c;
            if (need[least] + GB__CELL_MIN * (n - 1) > left)
                break;
            held[least] = TRUE;
            left -= need[least];
        }
        for (int c = 0; c < t->ncols; c++)
            if (!held[c])
                asked += t->widths[c];
        for (int c = 0; c < t->ncols; c++)
            cw[c] = held[c] ? need[c] : left * t->widths[c] / MAX(asked, 1e-9);
        g_free(held);
        return FALSE;
    }
    for (int c = 0; c < t->ncols; c++) {
        double have = w * t->widths[c];
        cw[c] = have < need[c] ? need[c] : have - deficit * (have - need[c]) / surplus;
    }
    return TRUE;
}

/* Fits the columns to their words: the widths asked for when every word
 * fits; else width moved from columns that can spare it; else the text set
 * smaller, down to GB__TABLE_MIN. A word is never split unless no column
 * could hold it even so (then the text stays at full size). */
static void
gb__table_fit(GbDoc *d, const GbDocTable *t, GbTableFit *fit, GbLaidCell *keep)
{
    double w = gb__doc_width(d);
    fit->size = GB__TABLE;
    fit->cw = g_new(double, t->ncols);
    for (int c = 0; c < t->ncols; c++)
        fit->cw[c] = w * t->widths[c];
    if (gb__words_fit(d, t, fit, keep))
        return; /* the usual case: the cells laid out are the ones drawn */
    double *word = g_new(double, t->ncols), *need = g_new(double, t->ncols);
    gboolean fits = FALSE;
    for (double size = GB__TABLE; !fits && size >= GB__TABLE_MIN - 0.01; size -= 0.5) {
        gb__widest_words(d, t, size, word);
        for (int c = 0; c < t->ncols; c++)
            need[c] = word[c] + GB__CELL_PAD + 0.5;
        fit->size = size;
        fits = gb__share_widths(t, w, need, fit->cw);
    }
    if (!fits) { /* smaller text would not help: full size, the widths shared */
        fit->size = GB__TABLE;
        gb__widest_words(d, t, fit->size, word);
        for (int c = 0; c < t->ncols; c++)
            need[c] = word[c] + GB__CELL_PAD + 0.5;
        gb__share_widths(t, w, need, fit->cw);
    }
    g_free(word);
    g_free(need);
}

/* Lays out one row's cells (those out does not hold already); returns its height. */
static double
gb__row_layouts(GbDoc *d, const GbDocTable *t, const GbTableFit *fit, const GbCell *cells,
                gboolean header, GbLaidCell *out)
{
    double h = 0;
    for (int c = 0; c < t->ncols; c++) {
        const char *text = gb__cell_text(t, cells, header, c);
        double width = fit->cw[c] - GB__CELL_PAD;
        gboolean bold = gb__cell_bold(t, cells, header, c);
        if (out[c].ly == NULL && out[c].cut == NULL) /* else kept from gb__words_fit */
            out[c] = gb__cell_layout(d, text, fit->size, bold, width);
        if (gb__cell_fn != NULL && gb__doc_cr(d) == NULL) {
            /* A cut is pango's layout (gb__cell_words checked it): the hook gets that. */
            PangoLayout *ly = out[c].ly != NULL ? g_object_ref(out[c].ly)
                                                : gb__doc_layout_wrap(d, text, fit->size, bold,
                                                                      width, GB__WRAP_WORDS);
            gb__cell_fn(text, ly, width, fit->size, gb__cell_user);
            g_object_unref(ly);
        }
        h = MAX(h, gb__laid_height(&out[c]));
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

/* ---- a page's cells as few rectangles and lines (doc-private.h) ----------- */

GArray *
gb__doc_cell_rects(const gboolean *on, int rows, int cols, const double *x, const double *top,
                   const double *bottom)
{
    GArray *rects = g_array_new(FALSE, FALSE, sizeof(GbSpan));
    GArray *prev = g_array_new(FALSE, FALSE, sizeof(guint));
    GArray *cur = g_array_new(FALSE, FALSE, sizeof(guint));
    for (int r = 0; r < rows; r++) {
        g_array_set_size(cur, 0);
        GbSpan run = {0};
        gboolean in_run = FALSE;
        for (int c = 0; c <= cols; c++) {
            gboolean lit = c < cols && on[r * cols + c];
            if (lit && in_run) {
                run.x1 = x[c + 1];
            } else if (lit) {
                run = (GbSpan){x[c], top[r], x[c + 1], bottom[r]};
                in_run = TRUE;
            } else if (in_run) { /* the run ends: down from the row above's, or new */
                in_run = FALSE;
                guint at = rects->len;
                for (guint k = 0; k < prev->len; k++) {
                    GbSpan *o = &g_array_index(rects, GbSpan, g_array_index(prev, guint, k));
                    if (o->x0 == run.x0 && o->x1 == run.x1 && o->y1 == run.y0) {
                        o->y1 = run.y1;
                        at = g_array_index(prev, guint, k);
                        break;
                    }
                }
                if (at == rects->len)
                    g_array_append_val(rects, run);
                g_array_append_val(cur, at);
            }
        }
        GArray *swap = prev;
        prev = cur;
        cur = swap;
    }
    g_array_free(prev, TRUE);
    g_array_free(cur, TRUE);
    return rects;
}

/* Orders segments along (a0 .. a1) at position at: by at, then by a0. */
typedef struct {
    double at, a0, a1;
} GbRun;

static int
gb__run_order(gconstpointer a, gconstpointer b)
{
    const GbRun *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->a0 != y->a0)
        return x->a0 < y->a0 ? -1 : 1;
    return 0;
}

/* Sorts runs and appends them to out, each joined with the ones it meets. */
static void
gb__join_runs(GArray *runs, gboolean vertical, GArray *out)
{
    g_array_sort(runs, gb__run_order);
    for (guint i = 0; i < runs->len;) {
        GbRun s = g_array_index(runs, GbRun, i++);
        while (i < runs->len && g_array_index(runs, GbRun, i).at == s.at &&
               g_array_index(runs, GbRun, i).a0 <= s.a1) {
            s.a1 = MAX(s.a1, g_array_index(runs, GbRun, i).a1);
            i++;
        }
        GbSpan seg = vertical ? (GbSpan){s.at, s.a0, s.at, s.a1} : (GbSpan){s.a0, s.at, s.a1, s.at};
        g_array_append_val(out, seg);
    }
}

GArray *
gb__doc_cell_edges(const gboolean *on, int rows, int cols, const double *x, const double *top,
                   const double *bottom)
{
    GArray *across = g_array_new(FALSE, FALSE, sizeof(GbRun));
    GArray *down = g_array_new(FALSE, FALSE, sizeof(GbRun));
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            if (!on[r * cols + c])
                continue;
            GbRun h[] = {{top[r], x[c], x[c + 1]}, {bottom[r], x[c], x[c + 1]}};
            GbRun v[] = {{x[c], top[r], bottom[r]}, {x[c + 1], top[r], bottom[r]}};
            g_array_append_vals(across, h, 2);
            g_array_append_vals(down, v, 2);
        }
    GArray *out = g_array_new(FALSE, FALSE, sizeof(GbSpan));
    gb__join_runs(across, FALSE, out);
    gb__join_runs(down, TRUE, out);
    g_array_free(across, TRUE);
    g_array_free(down, TRUE);
    return out;
}

/* The grid of the rows placed on this page: column edges x (ncols + 1), each
 * row's top and bottom; new arrays, g_free them. */
static void
gb__grid(GbDoc *d, const GbDocTable *t, const double *cw, const GArray *placed, double **x,
         double **top, double **bottom)
{
    *x = g_new(double, t->ncols + 1);
    (*x)[0] = gb__doc_left(d);
    for (int c = 0; c < t->ncols; c++)
        (*x)[c + 1] = (*x)[c] + cw[c];
    *top = g_new(double, MAX(placed->len, 1));
    *bottom = g_new(double, MAX(placed->len, 1));
    for (guint i = 0; i < placed->len; i++) {
        const GbPlaced *p = &g_array_index(placed, GbPlaced, i);
        (*top)[i] = p->y;
        (*bottom)[i] = p->y + p->h;
    }
}

/* The fills of the rows placed on this page, one path a colour (the header's,
 * then each grade level's), drawn before any text and outside any tag: one
 * operation a colour instead of one a cell for cairo to analyse and write.
 * Neighbouring cells of a colour are one rectangle (gb__doc_cell_rects): the
 * same area in fewer points, which were most of what cairo printed for a
 * table page. */
static void
gb__table_fills(GbDoc *d, const GbDocTable *t, const double *cw, const GbCell *cells,
                const GArray *placed)
{
    cairo_t *cr = gb__doc_cr(d);
    int most = -1;
    for (guint i = 0; i < placed->len; i++) {
        const GbCell *row = gb__row_cells(t, cells, g_array_index(placed, GbPlaced, i).row);
        for (int c = 0; row != NULL && c < t->ncols; c++)
            most = MAX(most, row[c].level);
    }
    double *x, *top, *bottom;
    gb__grid(d, t, cw, placed, &x, &top, &bottom);
    gboolean *on = g_new(gboolean, MAX(placed->len, 1) * (gsize)t->ncols);
    for (int level = -2; level <= most; level = level == -2 ? 0 : level + 1) {
        for (guint i = 0; i < placed->len; i++) {
            const GbCell *row = gb__row_cells(t, cells, g_array_index(placed, GbPlaced, i).row);
            for (int c = 0; c < t->ncols; c++)
                on[i * (guint)t->ncols + (guint)c] =
                    row == NULL ? level == -2 : row[c].level == level;
        }
        GArray *rects = gb__doc_cell_rects(on, (int)placed->len, t->ncols, x, top, bottom);
        for (guint k = 0; k < rects->len; k++) {
            const GbSpan *r = &g_array_index(rects, GbSpan, k);
            cairo_rectangle(cr, r->x0, r->y0, r->x1 - r->x0, r->y1 - r->y0);
        }
        if (rects->len > 0) {
            GbRgb fill = level == -2 ? (GbRgb){0.90, 0.92, 0.95} : gb_palette_level(level);
            cairo_set_source_rgb(cr, fill.r, fill.g, fill.b);
            cairo_fill(cr);
        }
        g_array_free(rects, TRUE);
    }
    g_free(on);
    g_free(x);
    g_free(top);
    g_free(bottom);
}

/* The rule under every placed row, then a thin white line round every grade
 * cell, so that neighbours of one colour (across rows and columns) read as
 * cells, not one block; each as one path. Outside any cell's tag. The white
 * lines are the cells' edges joined into runs (gb__doc_cell_edges) with
 * square caps: the area a mitred outline per cell covered, in far fewer
 * points. */
static void
gb__table_lines(GbDoc *d, const GbDocTable *t, const double *cw, const GbCell *cells,
                const GArray *placed)
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
    double *x, *top, *bottom;
    gb__grid(d, t, cw, placed, &x, &top, &bottom);
    gboolean *on = g_new(gboolean, MAX(placed->len, 1) * (gsize)t->ncols);
    for (guint i = 0; i < placed->len; i++) {
        const GbCell *row = gb__row_cells(t, cells, g_array_index(placed, GbPlaced, i).row);
        for (int c = 0; c < t->ncols; c++)
            on[i * (guint)t->ncols + (guint)c] = row != NULL && row[c].level >= 0;
    }
    GArray *segs = gb__doc_cell_edges(on, (int)placed->len, t->ncols, x, top, bottom);
    for (guint k = 0; k < segs->len; k++) {
        const GbSpan *g = &g_array_index(segs, GbSpan, k);
        cairo_move_to(cr, g->x0, g->y0);
        cairo_line_to(cr, g->x1, g->y1);
    }
    if (segs->len > 0) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, GB_PALETTE_SEPARATOR);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
        cairo_stroke(cr);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    }
    g_array_free(segs, TRUE);
    g_free(on);
    g_free(x);
    g_free(top);
    g_free(bottom);
}

/* A row's texts; tagged FALSE draws them outside any tag (a repeated header). */
static void
gb__row_texts(GbDoc *d, const GbDocTable *t, const double *cw, const GbCell *cells,
              const GbLaidCell *ly, double y, gboolean tagged)
{
    double x = gb__doc_left(d);
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
        if (ly[c].cut != NULL)
            gb__doc_show_cut(d, ly[c].cut, x + 3, y + 2.5, ink);
        else
            gb__doc_show(d, ly[c].ly, x + 3, y + 2.5, ink);
        if (tagged)
            gb__doc_tag(d, tag, FALSE);
        x += cw[c];
    }
    if (tagged)
        gb__doc_tag(d, "TR", FALSE);
}

/* Draws the rows placed on one page: fills, texts (the first page's header
 * row opens Table and THead, then TBody), rules. */
static void
gb__table_page(GbDoc *d, const GbDocTable *t, const double *cw, const GbCell *cells,
               const GbLaidCell *hl, const GbLaidCell *rl, const GArray *placed, gboolean first)
{
    if (gb__doc_cr(d) == NULL)
        return;
    gb__table_fills(d, t, cw, cells, placed);
    for (guint i = 0; i < placed->len; i++) {
        const GbPlaced *p = &g_array_index(placed, GbPlaced, i);
        if (p->row >= 0) {
            gb__row_texts(d, t, cw, gb__row_cells(t, cells, p->row), rl + p->row * t->ncols, p->y,
                          TRUE);
            continue;
        }
        if (first) {
            gb__doc_tag(d, "Table", TRUE);
            gb__doc_tag(d, "THead", TRUE);
        }
        gb__row_texts(d, t, cw, NULL, hl, p->y, first);
        if (first) {
            gb__doc_tag(d, "THead", FALSE);
            gb__doc_tag(d, "TBody", TRUE);
        }
    }
    gb__table_lines(d, t, cw, cells, placed);
}

static void
gb__place(GbDoc *d, GArray *placed, int row, double h)
{
    GbPlaced p = {row, *gb__doc_y(d), h};
    g_array_append_val(placed, p);
    *gb__doc_y(d) += h;
}

/* A table as the measuring pass fitted and laid out: what the drawing pass
 * draws (the same table, the same fonts), instead of fitting it again. */
typedef struct {
    int ncols, rows;
    GbTableFit fit;
    GbLaidCell *hl, *rl; /* the header row's cells, each row's */
    double hh, *rh;      /* their heights */
} GbLaidTable;

static void
gb__laid_free(gpointer p)
{
    GbLaidTable *m = p;
    if (m == NULL) /* taken by the drawing pass */
        return;
    for (int c = 0; c < m->ncols; c++)
        gb__laid_clear(&m->hl[c]);
    for (int i = 0; i < m->rows * m->ncols; i++)
        gb__laid_clear(&m->rl[i]);
    g_free(m->rh);
    g_free(m->fit.cw);
    g_free(m->hl);
    g_free(m->rl);
    g_free(m);
}

/* Lays out the header row and every row of t as fit sets its columns. */
static void
gb__lay_rows(GbDoc *d, const GbDocTable *t, GbLaidTable *m)
{
    const GbCell *cells = (const GbCell *)(void *)t->cells->data;
    m->hh = gb__row_layouts(d, t, &m->fit, NULL, TRUE, m->hl);
    for (int r = 0; r < m->rows; r++)
        m->rh[r] =
            gb__row_layouts(d, t, &m->fit, cells + r * t->ncols, FALSE, m->rl + r * t->ncols);
}

/* Fits t and lays out every row once: each row's height decides the page
 * breaks (one row ahead), and the same layouts are drawn. */
static GbLaidTable *
gb__lay_table(GbDoc *d, const GbDocTable *t)
{
    GbLaidTable *m = g_new0(GbLaidTable, 1);
    m->ncols = t->ncols;
    m->rows = (int)(t->cells->len / (guint)t->ncols);
    gsize n = (gsize)m->rows * (gsize)t->ncols;
    GbLaidCell *keep = g_new0(GbLaidCell, n + (gsize)t->ncols + 1);
    gb__table_fit(d, t, &m->fit, keep);
    m->hl = g_memdup2(keep, sizeof(GbLaidCell) * (gsize)t->ncols);
    m->rl = g_memdup2(keep + t->ncols, sizeof(GbLaidCell) * MAX(n, 1));
    g_free(keep);
    m->rh = g_new(double, m->rows);
    gb__lay_rows(d, t, m);
    return m;
}

/* Fits t's columns to the widest line of each, each body cell on one line:
 * columns whose lines are narrowest keep them whole, the others share what
 * is left (gb__share_widths), header cells wrapping as they need. FALSE,
 * and fit unchanged, when a word would no longer fit its column or the
 * widths are those fit has already. */
static gboolean
gb__table_fit_lines(GbDoc *d, const GbDocTable *t, GbTableFit *fit)
{
    int rows = (int)(t->cells->len / (guint)t->ncols);
    const GbCell *cells = (const GbCell *)(void *)t->cells->data;
    double *need = g_new0(double, t->ncols);
    for (int r = -1; r < rows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const GbCell *row = r < 0 ? NULL : cells + r * t->ncols;
            const char *text = gb__cell_text(t, row, r < 0, c);
            gboolean bold = gb__cell_bold(t, row, r < 0, c);
            /* A body cell's whole line, a header cell's widest word: estimates
             * (a little to spare), laid out only beyond printable ASCII. */
            char **words = r < 0 ? g_strsplit(text, " ", -1) : NULL;
            const char *one[] = {text, NULL};
            for (const char *const *w = words != NULL ? (const char *const *)words : one;
                 *w != NULL; w++) {
                double width;
                if (!gb__doc_line_estimate(d, *w, fit->size, bold, &width)) {
                    PangoLayout *ly =
                        gb__doc_layout_wrap(d, *w, fit->size, bold, -1, GB__WRAP_DEFAULT);
                    width = gb__doc_widest_line(ly);
                    g_object_unref(ly);
                }
                need[c] = MAX(need[c], width + 2);
            }
            g_strfreev(words);
        }
    for (int c = 0; c < t->ncols; c++)
        need[c] += GB__CELL_PAD + 0.5;
    GbTableFit lines = {fit->size, g_new(double, t->ncols)};
    gb__share_widths(t, gb__doc_width(d), need, lines.cw);
    gboolean changed = FALSE;
    for (int c = 0; c < t->ncols; c++)
        changed = changed || fabs(lines.cw[c] - fit->cw[c]) > 0.5;
    gboolean ok = changed && gb__words_fit(d, t, &lines, NULL);
    if (ok) {
        g_free(fit->cw);
        *fit = lines;
    } else {
        g_free(lines.cw);
    }
    g_free(need);
    return ok;
}

/* The table heights of t's pages when it is placed at the cursor: the
 * pages, and the height of the last one's rows with the header row. */
static int
gb__plan(GbDoc *d, const GbLaidTable *m, int *starts, gboolean *move, double *last)
{
    double top = gb__doc_top(d), bottom = gb__doc_bottom(d);
    int pages = gb__doc_table_breaks(m->hh, m->rh, m->rows, bottom - *gb__doc_y(d), bottom - top,
                                     gb__doc_at_top(d), starts, move);
    *last = m->hh;
    for (int r = starts[pages - 1]; r < m->rows; r++)
        *last += m->rh[r];
    return pages;
}

/* When t would end on a page holding little of it (under a third of a
 * page), fits its columns to their lines instead (gb__table_fit_lines), at
 * its size or smaller down to GB__TABLE_MIN, if that makes it a page
 * shorter: long texts wrapped in a narrow column while short numbers had
 * room to spare. Returns the pages, with their breaks in starts and *move as
 * gb__doc_table_breaks says. */
static int
gb__refit_short_page(GbDoc *d, const GbDocTable *t, GbLaidTable *m, int *starts, gboolean *move)
{
    double last, page = gb__doc_bottom(d) - gb__doc_top(d);
    int pages = gb__plan(d, m, starts, move, &last);
    if (pages < 2 || last >= page / 3)
        return pages;
    /* Not tried when even one line a row at the least size would not save
     * the page (a long table of short rows: most of them). */
    PangoLayout *one = gb__doc_layout_wrap(d, "0", GB__TABLE_MIN, FALSE, -1, GB__WRAP_DEFAULT);
    double line = gb__doc_layout_height(one) + 5, first = gb__doc_bottom(d) - *gb__doc_y(d);
    g_object_unref(one);
    double room = (*move ? page : first) + (pages - 2) * page - m->hh * (pages - 1);
    if (line * m->rows > room)
        return pages;
    int *tried = g_new(int, m->rows + 1);
    for (double size = m->fit.size; size >= GB__TABLE_MIN - 0.01; size -= 0.5) {
        GbLaidTable *o = g_new0(GbLaidTable, 1);
        o->ncols = t->ncols, o->rows = m->rows;
        o->fit = (GbTableFit){size, g_memdup2(m->fit.cw, sizeof(double) * (gsize)t->ncols)};
        if (!gb__table_fit_lines(d, t, &o->fit)) {
            g_free(o->fit.cw);
            g_free(o);
            continue;
        }
        o->hl = g_new0(GbLaidCell, t->ncols);
        o->rl = g_new0(GbLaidCell, (gsize)m->rows * (gsize)t->ncols);
        o->rh = g_new(double, m->rows);
        gb__lay_rows(d, t, o);
        gboolean tried_move;
        int tried_pages = gb__plan(d, o, tried, &tried_move, &last);
        gboolean shorter = tried_pages < pages;
        if (shorter) { /* the shorter one kept, the other freed */
            GbLaidTable swap = *m;
            *m = *o;
            *o = swap;
            pages = tried_pages;
            *move = tried_move;
            memcpy(starts, tried, sizeof(int) * (gsize)pages);
        }
        gb__laid_free(o);
        if (shorter)
            break;
    }
    g_free(tried);
    return pages;
}

/* The measuring pass's laying out of t on the drawing pass (when it is the
 * same shape: it always is, the passes compose the same tables), else NULL. */
static GbLaidTable *
gb__laid_table(GbDoc *d, const GbDocTable *t)
{
    GbLaidTable *m = gb__doc_next_table(d);
    if (m == NULL || m->ncols != t->ncols || m->rows != (int)(t->cells->len / (guint)t->ncols)) {
        gb__laid_free(m);
        return NULL;
    }
    for (int c = 0; c < t->ncols; c++) {
        const GbLaidCell *h = &m->hl[c];
        const char *text = h->cut != NULL ? gb__doc_cut_text(h->cut) : pango_layout_get_text(h->ly);
        if (strcmp(text, gb__cell_text(t, NULL, TRUE, c)) != 0) {
            gb__laid_free(m);
            return NULL;
        }
    }
    return m;
}

/* ---- page breaks ------------------------------------------------------------ */

static GbDocBreaksFn gb__breaks_fn;
static gpointer gb__breaks_user;

void
gb__doc_set_breaks_fn(GbDocBreaksFn fn, gpointer user)
{
    gb__breaks_fn = fn;
    gb__breaks_user = user;
}

/* Fills each page with the rows that fit (one at least); returns the pages. */
static int
gb__greedy_breaks(double hh, const double *rh, int rows, double first, double page, int *starts)
{
    int n = 0;
    double room = first - hh;
    starts[n++] = 0;
    for (int r = 0, on_page = 0; r < rows; r++, on_page++) {
        if (rh[r] > room + 0.01 && on_page > 0) {
            starts[n++] = r;
            room = page - hh;
            on_page = 0;
        }
        room -= rh[r];
    }
    return n;
}

/* Moves rows onto a last page that holds fewer than keep from the page
 * before, while that keeps keep and the last page still fits. FALSE when a
 * page of the table is left with fewer than keep rows. */
static gboolean
gb__keep_rows(double hh, const double *rh, int rows, double page, int *starts, int n, int keep)
{
    if (n >= 2 && rows - starts[n - 1] < keep) {
        int from = rows - keep;
        double h = hh;
        for (int r = from; r < rows; r++)
            h += rh[r];
        if (from - starts[n - 2] >= keep && h <= page + 0.01)
            starts[n - 1] = from;
    }
    for (int i = 0; i < n; i++)
        if ((i + 1 < n ? starts[i + 1] : rows) - starts[i] < keep)
            return FALSE;
    return TRUE;
}

int
gb__doc_table_breaks(double hh, const double *rh, int rows, double first, double page,
                     gboolean at_top, int *starts, gboolean *move)
{
    int keep = MIN(GB__TABLE_KEEP, rows);
    double total = hh;
    for (int r = 0; r < rows; r++)
        total += rh[r];
    *move = FALSE;
    if (at_top || total <= first + 0.01) {
        int n = gb__greedy_breaks(hh, rh, rows, at_top ? page : first, page, starts);
        gb__keep_rows(hh, rh, rows, page, starts, n, keep);
        return n;
    }
    /* Split where each side keeps its rows, else start on a fresh page. (A
     * table is not moved whole merely because it would fit on the next page:
     * the heading and text before it would stay behind.) */
    int n = gb__greedy_breaks(hh, rh, rows, first, page, starts);
    if (gb__keep_rows(hh, rh, rows, page, starts, n, keep))
        return n;
    *move = TRUE;
    n = gb__greedy_breaks(hh, rh, rows, page, page, starts);
    gb__keep_rows(hh, rh, rows, page, starts, n, keep);
    return n;
}

void
gb_doc_table(GbDoc *d, const GbDocTable *t)
{
    /* Fitted and laid out on the measuring pass, drawn as laid out then. */
    gboolean measuring = gb__doc_cr(d) == NULL;
    GbLaidTable *m = measuring ? NULL : gb__laid_table(d, t);
    gboolean own = m == NULL;
    if (own)
        m = gb__lay_table(d, t);
    int rows = m->rows;
    const GbCell *cells = (const GbCell *)(void *)t->cells->data;
    /* Rows are placed a page at a time as planned, each page drawn when it is full. */
    int *starts = g_new(int, rows + 1);
    gboolean move;
    double last;
    int pages =
        own ? gb__refit_short_page(d, t, m, starts, &move) : gb__plan(d, m, starts, &move, &last);
    GbTableFit fit = m->fit;
    const GbLaidCell *hl = m->hl, *rl = m->rl;
    double hh = m->hh, *rh = m->rh;
    if (gb__breaks_fn != NULL && measuring)
        gb__breaks_fn(rows, pages, starts, move, gb__breaks_user);
    if (move)
        gb__doc_new_page(d);
    GArray *placed = g_array_new(FALSE, FALSE, sizeof(GbPlaced));
    gb__place(d, placed, -1, hh);
    gboolean first = TRUE;
    for (int r = 0, page = 1; r < rows; r++) {
        if (page < pages && r == starts[page]) {
            gb__table_page(d, t, fit.cw, cells, hl, rl, placed, first);
            first = FALSE;
            g_array_set_size(placed, 0);
            gb__doc_new_page(d);
            gb__place(d, placed, -1, hh); /* the header row again, untagged */
            page++;
        }
        gb__place(d, placed, r, rh[r]);
    }
    g_free(starts);
    gb__table_page(d, t, fit.cw, cells, hl, rl, placed, first);
    gb__doc_tag(d, "TBody", FALSE);
    gb__doc_tag(d, "Table", FALSE);
    *gb__doc_y(d) += 10;
    g_array_free(placed, TRUE);
    if (own && measuring)
        gb__doc_keep_table(d, m, gb__laid_free);
    else
        gb__laid_free(m); /* drawn: the measuring pass's too (gb__laid_table) */
}
