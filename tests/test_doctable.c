/* test_doctable.c - table cells in the PDF wrap only between words: a word
 * too wide for its column widens the column (from columns with room to
 * spare) or sets the table's text smaller, down to 8 pt; only a name no
 * column could hold (a file name with no space) is broken. Checked on pango's
 * own layouts of every cell, through doc-private.h's hook. And a layout
 * drawn a run of one font across lines at a time (gb__doc_show_runs) gives
 * the PDF bytes pango's own drawing gives. */
#include "output/doc-private.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <math.h>
#include <string.h>

typedef struct {
    const char *name;
    int ncols;
    double widths[12];
    const char *headers[12];
    const char *cells[12];
    const char *may_break; /* the one cell text allowed to break inside a word */
} TableCase;

static const TableCase cases[] = {
    /* The reader's report: "Require/s/improve/ment" in a narrow column. */
    {"a narrow grade column takes width from a wide one",
     2,
     {0.92, 0.08},
     {"Authority", "Grade"},
     {"Barnet", "Requires improvement"},
     NULL},
    {"a header word wider than its column",
     3,
     {0.8, 0.1, 0.1},
     {"Regime", "Unannounced", "Inspections"},
     {"ILACS", "12", "153"},
     NULL},
    {"ten grade columns: the text set smaller",
     10,
     {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1},
     {"Overall", "Leaders", "Help", "Care", "Leavers", "Overall", "Leaders", "Help", "Care",
      "Leavers"},
     {"Requires improvement", "Inadequate", "Outstanding", "Good", "Requires improvement",
      "Requires improvement", "Inadequate", "Outstanding", "Good", "Requires improvement"},
     NULL},
    {"a file name no column holds breaks; its neighbours' words do not",
     3,
     {0.23, 0.12, 0.65},
     {"File", "Grade", "What it holds"},
     {"ofsted_LA_Inspection_Outcomes_as_at_31_March_2025.ods[ILACS_inspection_history]"
      "_and_a_longer_name_still_that_no_column_of_this_table_could_hold_at_seven_points",
      "Requires improvement", "Every inspection under the current framework"},
     "ofsted_LA_Inspection_Outcomes"},
    {"words that fit keep the widths asked for",
     3,
     {0.5, 0.25, 0.25},
     {"Authority", "Grade", "Date"},
     {"Westmorland and Furness", "Requires improvement", "31 March 2025"},
     NULL},
};

typedef struct {
    const TableCase *tc;
    double text_width;
    int cells;
    double widths_sum;
} Seen;

static gboolean
word_start(const char *text, int i)
{
    return i == 0 || text[i - 1] == ' ' || text[i - 1] == '-' || text[i - 1] == '/';
}

static void
on_cell(const char *text, PangoLayout *ly, double width, double size, gpointer user)
{
    Seen *seen = user;
    const TableCase *tc = seen->tc;
    seen->cells++;
    seen->widths_sum += width + 6;
    ck_assert_msg(size >= 8.0 && size <= 9.0, "%s: %s set at %.1f pt", tc->name, text, size);
    gboolean may_break = tc->may_break != NULL && g_str_has_prefix(text, tc->may_break);
    PangoLayoutIter *it = pango_layout_get_iter(ly);
    double widest = 0;
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        widest = MAX(widest, logical.width / (double)PANGO_SCALE);
        /* The line's ink inside its cell, trailing space aside. */
        ck_assert_msg(logical.width / (double)PANGO_SCALE <= width + 3.0,
                      "%s: a line of '%s' %.1f pt wide in a %.1f pt column", tc->name, text,
                      logical.width / (double)PANGO_SCALE, width);
        if (!may_break)
            ck_assert_msg(word_start(text, line->start_index),
                          "%s: '%s' split inside a word at '%s' (column %.1f pt, %.1f pt text)",
                          tc->name, text, text + line->start_index, width, size);
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    /* The table's own measure (pango's kept line extents) is the iterator's. */
    ck_assert_msg(gb__doc_widest_line(ly) == widest, "%s: '%s' widest line %.3f, iterator %.3f",
                  tc->name, text, gb__doc_widest_line(ly), widest);
}

START_TEST(test_words_not_split)
{
    const TableCase *tc = &cases[_i];
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    GbPageSetup setup = {
        .width = 595.2756, .height = 841.8898, .top = 56, .bottom = 56, .left = 56, .right = 56};
    Seen seen = {.tc = tc, .text_width = setup.width - setup.left - setup.right};
    gb__doc_set_cell_fn(on_cell, &seen);
    GbDoc *d = gb_doc_new(f, &setup, NULL, NULL);
    GArray *cells = g_array_new(FALSE, FALSE, sizeof(GbCell));
    for (int c = 0; c < tc->ncols; c++) {
        GbCell cell = {.text = tc->cells[c], .level = -1};
        g_array_append_val(cells, cell);
    }
    GbDocTable t = {
        .ncols = tc->ncols, .headers = tc->headers, .widths = tc->widths, .cells = cells};
    gb_doc_table(d, &t);
    gb_doc_finish(d);
    gb__doc_set_cell_fn(NULL, NULL);
    /* A header and a body row, across the text width. */
    ck_assert_int_eq(seen.cells, 2 * tc->ncols);
    ck_assert_double_eq_tol(seen.widths_sum / 2, seen.text_width, 0.01);
    g_array_free(cells, TRUE);
    gb_doc_free(d);
    gb_fonts_free(f);
}
END_TEST

/* Widths asked for are kept when every word fits (the tables' proportions
 * are composition's, not the renderer's). */
static void
on_cell_widths(const char *text, PangoLayout *ly, double width, double size, gpointer user)
{
    (void)text;
    (void)ly;
    GArray *w = user;
    ck_assert_double_eq(size, 9.0);
    g_array_append_val(w, width);
}

START_TEST(test_widths_kept)
{
    const TableCase *tc = &cases[G_N_ELEMENTS(cases) - 1];
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    GbPageSetup setup = {
        .width = 595.2756, .height = 841.8898, .top = 56, .bottom = 56, .left = 56, .right = 56};
    GArray *seen = g_array_new(FALSE, FALSE, sizeof(double));
    gb__doc_set_cell_fn(on_cell_widths, seen);
    GbDoc *d = gb_doc_new(f, &setup, NULL, NULL);
    GArray *cells = g_array_new(FALSE, FALSE, sizeof(GbCell));
    for (int c = 0; c < tc->ncols; c++) {
        GbCell cell = {.text = tc->cells[c], .level = -1};
        g_array_append_val(cells, cell);
    }
    GbDocTable t = {
        .ncols = tc->ncols, .headers = tc->headers, .widths = tc->widths, .cells = cells};
    gb_doc_table(d, &t);
    gb_doc_finish(d);
    gb__doc_set_cell_fn(NULL, NULL);
    double w = setup.width - setup.left - setup.right;
    ck_assert_uint_eq(seen->len, 2 * (guint)tc->ncols);
    for (int c = 0; c < tc->ncols; c++)
        ck_assert_double_eq_tol(g_array_index(seen, double, c), w * tc->widths[c] - 6, 0.001);
    g_array_free(seen, TRUE);
    g_array_free(cells, TRUE);
    gb_doc_free(d);
    gb_fonts_free(f);
}
END_TEST

/* A page's cells of one colour as rectangles, and the grade cells' edges as
 * joined segments (gb__doc_cell_rects, gb__doc_cell_edges): the rectangles
 * cover exactly the cells, once; every edge of a cell lies on a segment and
 * every segment on cell edges; and they are as few as the cases say. */
static const struct {
    const char *name;
    int rows, cols;
    const char *on; /* rows x cols of '#' (the colour) and '.' */
    guint rects, segments;
} grids[] = {
    {"one cell", 1, 1, "#", 1, 4},
    {"a full block", 3, 3, "#########", 1, 8},
    {"a checkerboard", 3, 3, "#.#.#.#.#", 5, 12}, /* corners meet: joined */
    {"a column down", 4, 3, ".#..#..#..#.", 1, 7},
    {"an L", 3, 2, "#.#.##", 2, 7},
    {"runs that differ row to row", 2, 3, "##..##", 2, 7},
    {"none", 2, 2, "....", 0, 0},
};

static gboolean
on_segment(const GArray *segs, double x, double y)
{
    for (guint k = 0; k < segs->len; k++) {
        const GbSpan *g = &g_array_index(segs, GbSpan, k);
        if (g->y0 == g->y1 && y == g->y0 && x >= g->x0 && x <= g->x1)
            return TRUE;
        if (g->x0 == g->x1 && x == g->x0 && y >= g->y0 && y <= g->y1)
            return TRUE;
    }
    return FALSE;
}

START_TEST(test_cell_rects)
{
    int rows = grids[_i].rows, cols = grids[_i].cols;
    gboolean on[16];
    double x[8], top[8], bottom[8];
    for (int c = 0; c <= cols; c++)
        x[c] = 56.7 + 30.25 * c + (c > 1 ? 11.5 : 0); /* uneven columns */
    for (int r = 0; r < rows; r++) {
        top[r] = r == 0 ? 62 : bottom[r - 1];
        bottom[r] = top[r] + 15.055 + 12.3 * (r % 2);
    }
    for (int i = 0; i < rows * cols; i++)
        on[i] = grids[_i].on[i] == '#';
    GArray *rects = gb__doc_cell_rects(on, rows, cols, x, top, bottom);
    ck_assert_msg(rects->len == grids[_i].rects, "%s: %u rectangles", grids[_i].name, rects->len);
    double area = 0, want = 0;
    for (guint k = 0; k < rects->len; k++) {
        const GbSpan *a = &g_array_index(rects, GbSpan, k);
        area += (a->x1 - a->x0) * (a->y1 - a->y0);
    }
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            double cx = (x[c] + x[c + 1]) / 2, cy = (top[r] + bottom[r]) / 2;
            int in = 0;
            for (guint k = 0; k < rects->len; k++) {
                const GbSpan *a = &g_array_index(rects, GbSpan, k);
                in += cx > a->x0 && cx < a->x1 && cy > a->y0 && cy < a->y1;
            }
            ck_assert_msg(in == (on[r * cols + c] ? 1 : 0), "%s: cell %d,%d in %d rectangles",
                          grids[_i].name, r, c, in);
            if (on[r * cols + c])
                want += (x[c + 1] - x[c]) * (bottom[r] - top[r]);
        }
    ck_assert_msg(fabs(area - want) < 1e-6, "%s: rectangles cover %.3f, cells %.3f", grids[_i].name,
                  area, want);
    GArray *segs = gb__doc_cell_edges(on, rows, cols, x, top, bottom);
    ck_assert_msg(segs->len == grids[_i].segments, "%s: %u segments", grids[_i].name, segs->len);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            if (!on[r * cols + c])
                continue;
            double cx = (x[c] + x[c + 1]) / 2, cy = (top[r] + bottom[r]) / 2;
            ck_assert_msg(on_segment(segs, cx, top[r]) && on_segment(segs, cx, bottom[r]) &&
                              on_segment(segs, x[c], cy) && on_segment(segs, x[c + 1], cy),
                          "%s: an edge of cell %d,%d is not drawn", grids[_i].name, r, c);
        }
    /* No segment runs along the middle of a cell: each lies on cell edges. */
    for (guint k = 0; k < segs->len; k++) {
        const GbSpan *g = &g_array_index(segs, GbSpan, k);
        gboolean on_grid = FALSE;
        for (int i = 0; i <= cols && !on_grid; i++)
            on_grid = g->x0 == g->x1 && g->x0 == x[i];
        for (int r = 0; r < rows && !on_grid; r++)
            on_grid = g->y0 == g->y1 && (g->y0 == top[r] || g->y0 == bottom[r]);
        ck_assert_msg(on_grid, "%s: segment %u off the grid", grids[_i].name, k);
    }
    g_array_free(segs, TRUE);
    g_array_free(rects, TRUE);
}
END_TEST

/* Page breaks of a table (gb__doc_table_breaks): rows of the heights
 * given (a header 20 high on every page), from a cursor with `first` points
 * left on its page, pages of 300. Every page of a split table holds at
 * least GB__TABLE_KEEP rows, each page as full as that allows. */
typedef struct {
    const char *name;
    int rows;
    double rh[40]; /* 0: 15 */
    double first;
    gboolean at_top;
    int pages;
    int starts[8];
    gboolean move;
} BreaksCase;

static const BreaksCase breaks[] = {
    {"fits where it is", 5, {0}, 200, FALSE, 1, {0}, FALSE},
    {"no rows: one page", 0, {0}, 200, FALSE, 1, {0}, FALSE},
    /* 18 rows fill a fresh page (20 + 18 x 15 = 290); 20 left the last 2
     * alone: 3 move over. */
    {"20 rows from the top: the last page takes 3, not 2", 20, {0}, 300, TRUE, 2, {0, 17}, FALSE},
    {"19 rows from the top: 3 on the last page, not 1", 19, {0}, 300, TRUE, 2, {0, 16}, FALSE},
    {"21 rows from the top: 18 and 3", 21, {0}, 300, TRUE, 2, {0, 18}, FALSE},
    /* 2 rows fit below the cursor (20 + 2 x 15 = 50): a fresh page. */
    {"room for 2 rows: the table starts on a fresh page", 10, {0}, 55, FALSE, 1, {0}, TRUE},
    {"room for 3 rows: 3 there, the rest on", 10, {0}, 65, FALSE, 2, {0, 3}, FALSE},
    /* 3 + 18 + 2: the last page takes 1 more from the full page before. */
    {"over three pages, the last with 3", 23, {0}, 65, FALSE, 3, {0, 3, 20}, FALSE},
    /* 4 on the first page, 1 left over: the first page would keep only 2
     * after giving 2: the table starts on a fresh page instead. */
    {"a short first page and a short last one: a fresh page", 5, {0}, 80, FALSE, 1, {0}, TRUE},
    /* A row taller than a page is placed alone at a page's top. */
    {"a row taller than a page", 3, {15, 400, 15}, 300, TRUE, 3, {0, 1, 2}, FALSE},
};

START_TEST(test_breaks)
{
    const BreaksCase *b = &breaks[_i];
    double rh[40];
    for (int r = 0; r < b->rows; r++)
        rh[r] = b->rh[r] > 0 ? b->rh[r] : 15;
    int starts[41];
    gboolean move = !b->move;
    int pages = gb__doc_table_breaks(20, rh, b->rows, b->first, 300, b->at_top, starts, &move);
    ck_assert_msg(pages == b->pages, "%s: %d pages, not %d", b->name, pages, b->pages);
    for (int p = 0; p < pages; p++)
        ck_assert_msg(starts[p] == b->starts[p], "%s: page %d starts at row %d, not %d", b->name,
                      p + 1, starts[p], b->starts[p]);
    ck_assert_msg(move == b->move, "%s: moved %d", b->name, move);
}
END_TEST

/* Through the real layout: a table of one-line rows set after text that
 * leaves room for only a few of them, long enough to spill onto a third
 * page by 1 or 2 rows whatever the fonts: every page of it holds 3 rows or
 * more (the hook sees each table's breaks on the measuring pass). */
static void
on_breaks(int rows, int pages, const int *starts, gboolean move, gpointer user)
{
    (void)move;
    int *least = user;
    for (int p = 0; p < pages; p++)
        *least = MIN(*least, (p + 1 < pages ? starts[p + 1] : rows) - starts[p]);
}

START_TEST(test_breaks_doc)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    GbPageSetup setup = {
        .width = 595.2756, .height = 841.8898, .top = 56, .bottom = 56, .left = 56, .right = 56};
    static const char *headers[] = {"Authority", "Grade"};
    static const double widths[] = {0.6, 0.4};
    for (int extra = 0; extra < 60; extra++) {
        int least = G_MAXINT;
        gb__doc_set_breaks_fn(on_breaks, &least);
        GbDoc *d = gb_doc_new(f, &setup, NULL, NULL);
        gb_doc_title(d, "Tables", NULL);
        gb_doc_space(d, 600 + extra); /* a page nearly full */
        GArray *cells = g_array_new(FALSE, FALSE, sizeof(GbCell));
        int rows = 80 + extra;
        for (int r = 0; r < rows; r++) {
            GbCell a = {.text = "Barnet", .level = -1}, b = {.text = "Good", .level = 1};
            g_array_append_val(cells, a);
            g_array_append_val(cells, b);
        }
        GbDocTable t = {.ncols = 2, .headers = headers, .widths = widths, .cells = cells};
        gb_doc_table(d, &t);
        gb_doc_finish(d);
        gb__doc_set_breaks_fn(NULL, NULL);
        ck_assert_msg(least >= GB__TABLE_KEEP, "%d rows after %d points: a page of %d rows", rows,
                      600 + extra, least);
        g_array_free(cells, TRUE);
        gb_doc_free(d);
    }
    gb_fonts_free(f);
}
END_TEST

/* A table that would end on a page holding a few of its rows, its long
 * texts wrapped in a narrow column beside short numbers with room to spare
 * ("Counts and shares" once left its last 2 rows alone on a page): its
 * columns are fitted to their lines and it holds one page. */
static void
on_pages(int rows, int pages, const int *starts, gboolean move, gpointer user)
{
    (void)rows;
    (void)starts;
    (void)move;
    *(int *)user = pages;
}

START_TEST(test_short_last_page)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    GbPageSetup setup = {
        .width = 595.2756, .height = 841.8898, .top = 56, .bottom = 56, .left = 56, .right = 56};
    static const char *headers[] = {"Regime",   "What is counted", "Outstanding",   "Good",
                                    "Adequate", "Inadequate",      "Good or better"};
    static const double widths[] = {0.1, 0.25, 0.13, 0.13, 0.13, 0.13, 0.13};
    static const char *row[] = {"ILACS",     "Inspections made in 2021 (15 inspections)",
                                "1 (6.7%)",  "8 (53.3%)",
                                "3 (20.0%)", "3 (20.0%)",
                                "9 (60.0%)"};
    /* Wrapped, rows are two lines: 25 or so fill a page; on one line, 40. */
    for (int rows = 26; rows <= 32; rows++) {
        int pages = 0;
        gb__doc_set_breaks_fn(on_pages, &pages);
        GbDoc *d = gb_doc_new(f, &setup, NULL, NULL);
        gb_doc_title(d, "Tables", NULL);
        gb_doc_page_break(d);
        GArray *cells = g_array_new(FALSE, FALSE, sizeof(GbCell));
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < 7; c++) {
                GbCell cell = {.text = row[c], .level = -1};
                g_array_append_val(cells, cell);
            }
        GbDocTable t = {.ncols = 7, .headers = headers, .widths = widths, .cells = cells};
        gb_doc_table(d, &t);
        gb_doc_finish(d);
        gb__doc_set_breaks_fn(NULL, NULL);
        ck_assert_msg(pages == 1, "%d rows on %d pages", rows, pages);
        g_array_free(cells, TRUE);
        gb_doc_free(d);
    }
    gb_fonts_free(f);
}
END_TEST

/* Layouts drawn by gb__doc_show_runs (a run of one font across lines as one
 * cairo operation) give the PDF bytes pango_cairo_show_layout gives: the
 * same glyphs at the same places with the same text for extraction. Each
 * case is drawn at a point off the 24.8 grid, in its own structure element
 * as a table cell is; those with a run pango must draw (right to left, a
 * colour) must be refused, the others taken. */
static const struct {
    const char *text;
    double size, width;
    gboolean bold, justify, runs; /* runs: gb__doc_show_runs draws it */
    const char *markup;           /* a colour: pango's own drawing */
} show_cases[] = {
    {"Requires improvement", 9, -1, FALSE, FALSE, TRUE, NULL},
    {"Requires improvement, 7 July 2014", 9, 100, FALSE, FALSE, TRUE, NULL},
    {"Inspections made in 2025 (11 inspections; partial year: 1 January to 31 March 2025)", 9,
     114.469, TRUE, FALSE, TRUE, NULL},
    {"Ofsted's inspection framework for children's services changed every few years, and with it "
     "the grade scale. To compare across regimes, each grade is mapped to a common scale.",
     10, 481.9, FALSE, TRUE, TRUE, NULL},
    {"Two paragraphs\nof one layout, AVATAR Ty. 1 111", 9, 200, FALSE, FALSE, TRUE, NULL},
    {"Greek \u0395\u03bb\u03bb\u03ac\u03b4\u03b1 and CJK \u6771\u4eac in one cell", 9, 80, FALSE,
     FALSE, TRUE, NULL},
    {"Arabic \u0645\u0631\u062d\u0628\u0627 right to left", 9, -1, FALSE, FALSE, FALSE, NULL},
    {NULL, 9, -1, FALSE, FALSE, FALSE, "a <span foreground='red'>red</span> word"},
};

static cairo_status_t
append_bytes(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* A document on A4 with 56 pt margins, drawn through cairo's PDF surface
 * into out (its creation date fixed, so two drawings compare byte for
 * byte); doc_on_pdf_end finishes both and checks the surface. */
static GbDoc *
doc_on_pdf(GbFonts *f, const char *title, GByteArray *out, cairo_surface_t **s)
{
    *s = cairo_pdf_surface_create_for_stream(append_bytes, out, 595, 842);
    cairo_pdf_surface_set_metadata(*s, CAIRO_PDF_METADATA_CREATE_DATE, "2025-03-31T00:00:00Z");
    GbPageSetup setup = {.width = 595.2756,
                         .height = 841.8898,
                         .top = 56,
                         .bottom = 56,
                         .left = 56,
                         .right = 56,
                         .running_title = title};
    return gb_doc_new(f, &setup, *s, NULL);
}

static void
doc_on_pdf_end(GbDoc *d, cairo_surface_t *s)
{
    gb_doc_finish(d);
    gb_doc_free(d);
    cairo_surface_finish(s);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static GByteArray *
show_case(GbFonts *f, gboolean runs, gboolean *taken)
{
    GByteArray *out = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(append_bytes, out, 595, 842);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2025-03-31T00:00:00Z");
    cairo_t *cr = cairo_create(s);
    PangoContext *ctx = gb_fonts_context(f, cr);
    GArray *g = g_array_new(FALSE, FALSE, sizeof(cairo_glyph_t));
    GArray *c = g_array_new(FALSE, FALSE, sizeof(cairo_text_cluster_t));
    cairo_tag_begin(cr, "Document", NULL);
    double y = 40.3;
    for (gsize i = 0; i < G_N_ELEMENTS(show_cases); i++) {
        PangoLayout *ly =
            gb_fonts_layout_in(f, ctx, show_cases[i].text ? show_cases[i].text : "",
                               show_cases[i].size, show_cases[i].bold, FALSE, show_cases[i].width);
        if (show_cases[i].markup != NULL)
            pango_layout_set_markup(ly, show_cases[i].markup, -1);
        pango_layout_set_justify(ly, show_cases[i].justify);
        pango_layout_set_spacing(ly, (int)(show_cases[i].size * 0.25 * PANGO_SCALE));
        cairo_tag_begin(cr, "P", NULL);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_move_to(cr, 56.7 + 0.37 * (double)i, y);
        gboolean drew = runs && gb__doc_show_runs(cr, g, c, ly);
        if (runs)
            taken[i] = drew;
        if (!drew)
            pango_cairo_show_layout(cr, ly);
        cairo_tag_end(cr, "P");
        int h;
        pango_layout_get_size(ly, NULL, &h);
        y += (double)h / PANGO_SCALE + 7.1;
        g_object_unref(ly);
    }
    cairo_tag_end(cr, "Document");
    cairo_destroy(cr);
    cairo_surface_finish(s);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    g_object_unref(ctx);
    g_array_free(g, TRUE);
    g_array_free(c, TRUE);
    return out;
}

/* Fails at the first byte where the two PDFs differ. */
static void
assert_same_pdf(const GByteArray *a, const GByteArray *b)
{
    gsize at = 0;
    while (at < a->len && at < b->len && a->data[at] == b->data[at])
        at++;
    ck_assert_msg(a->len == b->len && at == a->len,
                  "the PDFs differ from byte %zu (%u and %u bytes)", at, a->len, b->len);
}

START_TEST(test_show_runs)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    gboolean taken[G_N_ELEMENTS(show_cases)] = {0};
    GByteArray *pango = show_case(f, FALSE, NULL), *runs = show_case(f, TRUE, taken);
    for (gsize i = 0; i < G_N_ELEMENTS(show_cases); i++)
        ck_assert_msg(taken[i] == show_cases[i].runs, "case %zu (%s): %s", i,
                      show_cases[i].text ? show_cases[i].text : show_cases[i].markup,
                      taken[i] ? "drawn as runs, should be pango's" : "left to pango");
    assert_same_pdf(pango, runs);
    g_byte_array_unref(pango);
    g_byte_array_unref(runs);
    gb_fonts_free(f);
}
END_TEST

/* Table cells cut from their one-line layout (gb__doc_cut_new) are pango's
 * wrapping between words, line for line and glyph for glyph: each text at
 * widths from 20 to 200 pt in steps off any grid (so some land next to a
 * line's width), in both weights, at the table's sizes. Most of the wrapped
 * ones whose words fit are cut (those near the width are left to pango);
 * texts the cut must leave to pango (not printable ASCII, a double,
 * leading or trailing space) never are. */
static const struct {
    const char *text;
    int cut; /* the least share of its wrapped layouts cut, %: 0, never cut */
} cut_texts[] = {
    {"Requires improvement", 80},
    {"Westmorland and Furness", 80},
    {"Inspections made in 2021 (15 inspections)", 80},
    {"Inspections made in 2025 (11 inspections; partial year: 1 January to 31 March 2025)", 80},
    {"North East, Yorkshire and the Humber", 80},
    {"Bournemouth, Christchurch and Poole", 80},
    {"Kingston upon Hull, City of", 80},
    {"Requires improvement to be good (2018 to 2023)", 80},
    {"Leaders' impact on social work practice with children and families", 80},
    {"The experiences and progress of children in care and care leavers", 80},
    {"Self-assessment and off-site checks, then a two-week visit", 60}, /* not after a hyphen */
    {"AVATAR Ty. WAVY To Yo 1 111 LT", 80},
    {"12 (53.3%) 7 (46.7%) 0 (0.0%)", 80},
    {"a  double space in it", 0},
    {" a leading space", 0},
    {"a trailing space ", 0},
    {"Caf\u00e9 de la Gare and more words", 0},
    {"Greek \u0395\u03bb\u03bb\u03ac\u03b4\u03b1 in a cell", 0},
};

START_TEST(test_cuts_are_pangos)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    GbPageSetup setup = {
        .width = 595.2756, .height = 841.8898, .top = 56, .bottom = 56, .left = 56, .right = 56};
    const char *text = cut_texts[_i].text;
    int wrapped = 0, cut = 0;
    for (int bold = 0; bold < 2; bold++)
        for (double size = 8; size <= 9; size += 1) {
            GbDoc *d = gb_doc_new(f, &setup, NULL, NULL);
            for (double width = 20; width < 200; width += 0.8301) {
                GbDocCut *c = gb__doc_cut_new(d, text, size, bold, width);
                PangoLayout *ly = gb__doc_layout_wrap(d, text, size, bold, width, GB__WRAP_WORDS);
                /* Wrapped with every word inside the width (a word wider
                 * than it is left to pango). */
                if (pango_layout_get_line_count(ly) > 1 && gb__doc_widest_line(ly) <= width + 0.01)
                    wrapped++;
                if (c != NULL) {
                    ck_assert_msg(cut_texts[_i].cut, "'%s' cut at %.4f pt", text, width);
                    char *why = gb__doc_cut_differs(c, ly);
                    ck_assert_msg(why == NULL, "at %.4f pt, %.1f pt%s: %s", width, size,
                                  bold ? " bold" : "", why);
                    cut += gb__doc_cut_lines(c) > 1;
                    ck_assert_double_eq(gb__doc_cut_height(c), gb__doc_layout_height(ly));
                    ck_assert_double_eq(gb__doc_cut_widest(c), gb__doc_widest_line(ly));
                }
                gb__doc_cut_free(c);
                g_object_unref(ly);
            }
            gb_doc_free(d);
        }
    ck_assert_msg(cut * 100 >= wrapped * cut_texts[_i].cut, "'%s': %d of %d wrapped layouts cut",
                  text, cut, wrapped);
    gb_fonts_free(f);
}
END_TEST

/* Texts shaped in one doc, one after another as a table's cells are: the
 * item of each after the first of its font and class (with letters, or
 * digits and signs only) is made like that first's (gb__doc_items_like),
 * not itemized; GRADEBRIEF_CHECK_CUTS compares it with pango_itemize's
 * (aborting on a difference), and every cut is still pango's layout. */
static const char *const like_texts[] = {
    "Good",
    "2007",
    "Requires improvement",
    "12 (53.3%) 7 (46.7%)",
    "(2018) Outstanding",
    "1 January 2025",
    "- 1 -",
    "Bournemouth, Christchurch and Poole",
    "AVATAR Ty. WAVY To Yo",
    "31/03/2019",
    "Kingston upon Hull, City of",
    "Caf\u00e9 de la Gare",
    "100%",
};

START_TEST(test_items_like)
{
    g_setenv("GRADEBRIEF_CHECK_CUTS", "1", TRUE);
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    GbPageSetup setup = {
        .width = 595.2756, .height = 841.8898, .top = 56, .bottom = 56, .left = 56, .right = 56};
    GbDoc *d = gb_doc_new(f, &setup, NULL, NULL);
    int cuts = 0;
    for (int bold = 0; bold < 2; bold++)
        for (double size = 8; size <= 9; size += 0.5)
            for (gsize i = 0; i < G_N_ELEMENTS(like_texts); i++)
                for (double width = 30; width < 200; width += 23.17) {
                    const char *text = like_texts[i];
                    GbDocCut *c = gb__doc_cut_new(d, text, size, bold, width);
                    if (c == NULL)
                        continue;
                    PangoLayout *ly =
                        gb__doc_layout_wrap(d, text, size, bold, width, GB__WRAP_WORDS);
                    char *why = gb__doc_cut_differs(c, ly);
                    ck_assert_msg(why == NULL, "at %.4f pt, %.1f pt%s: %s", width, size,
                                  bold ? " bold" : "", why);
                    cuts++;
                    g_object_unref(ly);
                    gb__doc_cut_free(c);
                }
    /* In each of the six fonts: the first text and the space itemized, every
     * other ASCII text made like one of them (the one that is not ASCII is
     * never shaped for a cut). */
    ck_assert_int_ge(cuts, 100);
    ck_assert_uint_eq(gb__doc_items_like(d), 2 * 3 * (G_N_ELEMENTS(like_texts) - 2));
    gb_doc_free(d);
    gb_fonts_free(f);
}
END_TEST

/* gb__doc_cut_differs sees a cut that is not pango's layout (the text
 * wrapped at another width). */
START_TEST(test_cut_differs)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    GbPageSetup setup = {
        .width = 595.2756, .height = 841.8898, .top = 56, .bottom = 56, .left = 56, .right = 56};
    GbDoc *d = gb_doc_new(f, &setup, NULL, NULL);
    const char *text = "Inspections made in 2021 (15 inspections)";
    GbDocCut *c = gb__doc_cut_new(d, text, 9, FALSE, 85);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(gb__doc_cut_lines(c), 3);
    PangoLayout *same = gb__doc_layout_wrap(d, text, 9, FALSE, 85, GB__WRAP_WORDS);
    PangoLayout *other = gb__doc_layout_wrap(d, text, 9, FALSE, 120, GB__WRAP_WORDS);
    char *why = gb__doc_cut_differs(c, same);
    ck_assert_msg(why == NULL, "%s", why);
    why = gb__doc_cut_differs(c, other);
    ck_assert_ptr_nonnull(why);
    g_free(why);
    g_object_unref(same);
    g_object_unref(other);
    gb__doc_cut_free(c);
    gb_doc_free(d);
    gb_fonts_free(f);
}
END_TEST

/* A cut drawn (gb__doc_show_cut) gives the PDF bytes pango's layout of
 * the text drawn by gb__doc_show gives, each cell in its TD. */
static GByteArray *
draw_cells(GbFonts *f, gboolean cuts, int *n_cut)
{
    static const double widths[] = {60.3, 80, 91.77, 114.469, 150.2};
    GByteArray *out = g_byte_array_new();
    cairo_surface_t *s;
    GbDoc *d = doc_on_pdf(f, "Cuts", out, &s);
    gb__doc_new_page(d);
    double y = 60.3;
    for (gsize i = 0; i < G_N_ELEMENTS(cut_texts); i++)
        for (gsize k = 0; k < G_N_ELEMENTS(widths); k++) {
            const char *text = cut_texts[i].text;
            GbDocCut *c = gb__doc_cut_new(d, text, 9, k % 2, widths[k]);
            PangoLayout *ly = gb__doc_layout_wrap(d, text, 9, k % 2, widths[k], GB__WRAP_WORDS);
            if (y + gb__doc_layout_height(ly) > 780) {
                gb__doc_new_page(d);
                y = 60.3;
            }
            gb__doc_tag(d, "TD", TRUE);
            if (cuts && c != NULL)
                gb__doc_show_cut(d, c, 56.7 + 0.37 * (double)k, y, (GbRgb){0.1, 0.1, 0.1});
            else
                gb__doc_show(d, ly, 56.7 + 0.37 * (double)k, y, (GbRgb){0.1, 0.1, 0.1});
            gb__doc_tag(d, "TD", FALSE);
            *n_cut += c != NULL && gb__doc_cut_lines(c) > 1;
            y += gb__doc_layout_height(ly) + 5.3;
            g_object_unref(ly);
            gb__doc_cut_free(c);
        }
    doc_on_pdf_end(d, s);
    return out;
}

START_TEST(test_cut_bytes)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    int n_pango = 0, n_cut = 0;
    GByteArray *pango = draw_cells(f, FALSE, &n_pango), *cuts = draw_cells(f, TRUE, &n_cut);
    ck_assert_msg(n_cut >= 40, "only %d cells cut", n_cut);
    assert_same_pdf(pango, cuts);
    g_byte_array_unref(pango);
    g_byte_array_unref(cuts);
    gb_fonts_free(f);
}
END_TEST

/* Texts placed whole (headings, captions, bullets: gb__doc_text_height,
 * gb__doc_text_show) are as tall as pango's layout of them and draw the
 * PDF bytes it draws: at no width and at widths near and off a line's,
 * at body, heading and title sizes, both weights; with
 * GRADEBRIEF_CHECK_CUTS=1 every cut is also compared with pango's layout
 * line for line and glyph for glyph (an abort on a difference). Most are
 * cut; the bullet, a run of 250 bytes without a space (wrapped between
 * characters) and a text beyond ASCII are laid out. */
static const char *const whole_texts[] = {
    "1. Key findings",
    "Figure 3: Share of authorities judged inadequate, as at 31 March each year",
    "Children's services inspection outcomes in England",
    "The share of councils judged outstanding for staying safe fell from 16% in 2006 to 9% in "
    "2007, a change of 7 points; AVATAR Ty. WAVY kerning at every break.",
    "Counted from rows, the re-inspections and follow-ups of 2012 (50 inspections, well-known "
    "sources) were judged inadequate in 20 of 50 (40.0%) cases.",
    "\u2022",
    "A \u2013 dash beyond ASCII, in a sentence that wraps at the narrower widths asked for here",
    "x",
};

static GByteArray *
draw_whole(GbFonts *f, gboolean texts, guint *n_cut)
{
    static const double widths[] = {-1, 60.3, 150.2, 233.71, 467.9};
    static const double sizes[] = {10, 12, 16, 28};
    GString *run = g_string_new("A ");
    for (int i = 0; i < 250; i++)
        g_string_append_c(run, (char)('a' + i % 26));
    GByteArray *out = g_byte_array_new();
    cairo_surface_t *s;
    GbDoc *d = doc_on_pdf(f, "Texts", out, &s);
    gb__doc_new_page(d);
    double y = 60.3;
    for (gsize i = 0; i <= G_N_ELEMENTS(whole_texts); i++)
        for (gsize k = 0; k < G_N_ELEMENTS(widths); k++)
            for (gsize z = 0; z < G_N_ELEMENTS(sizes); z++) {
                const char *text = i < G_N_ELEMENTS(whole_texts) ? whole_texts[i] : run->str;
                gboolean bold = (k + z) % 2;
                PangoLayout *ly = gb__doc_layout(d, text, sizes[z], bold, widths[k], FALSE);
                double h = gb__doc_layout_height(ly);
                ck_assert_msg(gb__doc_text_height(d, text, sizes[z], bold, widths[k]) == h,
                              "'%s' at %g pt, width %g: not pango's height", text, sizes[z],
                              widths[k]);
                if (y + h > 780) {
                    gb__doc_new_page(d);
                    y = 60.3;
                }
                gb__doc_tag(d, "P", TRUE);
                double x = 56.7 + 0.37 * (double)k;
                if (texts)
                    gb__doc_text_show(d, text, sizes[z], bold, widths[k], x, y,
                                      (GbRgb){0.1, 0.1, 0.1});
                else
                    gb__doc_show(d, ly, x, y, (GbRgb){0.1, 0.1, 0.1});
                gb__doc_tag(d, "P", FALSE);
                y += h + 5.3;
                g_object_unref(ly);
            }
    *n_cut = gb__doc_texts_cut(d);
    doc_on_pdf_end(d, s);
    g_string_free(run, TRUE);
    return out;
}

START_TEST(test_whole_texts)
{
    g_setenv("GRADEBRIEF_CHECK_CUTS", "1", TRUE);
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    guint n_pango = 0, n_cut = 0;
    GByteArray *pango = draw_whole(f, FALSE, &n_pango), *texts = draw_whole(f, TRUE, &n_cut);
    /* 5 ASCII texts of 5 widths at 4 sizes, and "x": a few near a width left to pango */
    ck_assert_msg(n_cut >= 90, "only %u texts cut", n_cut);
    assert_same_pdf(pango, texts);
    g_byte_array_unref(pango);
    g_byte_array_unref(texts);
    gb_fonts_free(f);
}
END_TEST

/* Paragraphs and notes flowed line by line (gb__doc_flow_cut,
 * gb__doc_show_cut_line), justified across a wide measure: with
 * GRADEBRIEF_CHECK_CUTS=1 each cut is compared with pango's layout (lines,
 * glyphs and their justified widths, line ranges; an abort on a
 * difference), and its lines drawn give the PDF bytes pango_cairo's lines
 * give. Kerned pairs at a break ("it To", "a Year") change the room pango
 * shares among a line's spaces. */
static const char *const flow_texts[] = {
    "Ofsted's inspection framework for children's services changed every few years, and with it "
    "the grade scale. To compare across regimes, each grade is mapped to a common four-level "
    "scale: outstanding, good, adequate or requires improvement, and inadequate.",
    "Every input row is accounted for: used, merged as an identical duplicate of a row already "
    "read, or set aside with its reason. Year by year, AVATAR Ty. WAVY counts are kept as a "
    "Year and a Tally of each grade, with no row counted twice in any of the figures above.",
    "Short, one line.",
    "A \u00a9 sign beyond ASCII keeps this paragraph a layout, though it wraps like the others "
    "across the measure of the page and onto a second line of its own.",
};

static GByteArray *
draw_flow(GbFonts *f, gboolean cuts, guint *n_cut)
{
    static const double widths[] = {481.9, 467.9,  400.3, 233.7, 361.3,  377.77, 391.1,
                                    413.9, 427.31, 440.6, 452.2, 473.13, 478.8};
    GByteArray *out = g_byte_array_new();
    cairo_surface_t *s;
    GbDoc *d = doc_on_pdf(f, "Flow", out, &s);
    cairo_t *cr = gb__doc_cr(d);
    *n_cut = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(flow_texts); i++)
        for (gsize k = 0; k < G_N_ELEMENTS(widths); k++)
            for (int justify = 0; justify < 2; justify++) {
                double size = k % 2 ? 8 : 10, y = 60.3;
                gb__doc_new_page(d);
                const GbDocCut *c = gb__doc_flow_cut(d, flow_texts[i], size, widths[k], justify);
                PangoLayout *ly = gb__doc_layout(d, flow_texts[i], size, FALSE, widths[k], justify);
                *n_cut += c != NULL;
                gb__doc_tag(d, "P", TRUE);
                cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
                PangoLayoutIter *it = pango_layout_get_iter(ly);
                int j = 0;
                do {
                    int base = pango_layout_iter_get_baseline(it);
                    cairo_move_to(cr, 56.7 + 0.37 * (double)k, y + (double)base / PANGO_SCALE);
                    if (cuts && c != NULL)
                        gb__doc_show_cut_line(d, c, j);
                    else
                        pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
                    j++;
                } while (pango_layout_iter_next_line(it));
                pango_layout_iter_free(it);
                gb__doc_tag(d, "P", FALSE);
                g_object_unref(ly);
            }
    doc_on_pdf_end(d, s);
    return out;
}

START_TEST(test_flow_cuts)
{
    g_setenv("GRADEBRIEF_CHECK_CUTS", "1", TRUE);
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    guint n_pango = 0, n_cut = 0;
    GByteArray *pango = draw_flow(f, FALSE, &n_pango), *cuts = draw_flow(f, TRUE, &n_cut);
    /* 3 ASCII texts at 13 widths, justified or not; the (c) text never,
     * nor a justified one that breaks at a kerned space */
    ck_assert_msg(n_cut >= 60, "only %u paragraphs cut", n_cut);
    assert_same_pdf(pango, cuts);
    g_byte_array_unref(pango);
    g_byte_array_unref(cuts);
    gb_fonts_free(f);
}
END_TEST

static Suite *
doctable_suite(void)
{
    Suite *s = suite_create("doctable");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_words_not_split, 0, G_N_ELEMENTS(cases));
    tcase_add_test(tc, test_widths_kept);
    tcase_add_loop_test(tc, test_cell_rects, 0, G_N_ELEMENTS(grids));
    tcase_add_loop_test(tc, test_breaks, 0, G_N_ELEMENTS(breaks));
    tcase_add_test(tc, test_breaks_doc);
    tcase_add_test(tc, test_short_last_page);
    tcase_add_test(tc, test_show_runs);
    tcase_add_loop_test(tc, test_cuts_are_pangos, 0, G_N_ELEMENTS(cut_texts));
    tcase_add_test(tc, test_items_like);
    tcase_add_test(tc, test_cut_differs);
    tcase_add_test(tc, test_cut_bytes);
    tcase_add_test(tc, test_whole_texts);
    tcase_add_test(tc, test_flow_cuts);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(doctable_suite());
}
