/* test_palette.c - non-text contrast (WCAG 2.2 1.4.11) of the grade fills,
 * computed from the palette itself: every fill stands 3:1 against white, or
 * gb_palette_fill draws an outline inside it that stands 3:1 against both; and
 * the drawing really parts neighbours with white and draws that outline. */
#include "charts/kit.h"
#include "output/doc.h"
#include "testutil.h"

#include <math.h>

static const GbRgb white = {1, 1, 1};

/* The contrast formula against figures published for it (and the issue's). */
static const struct {
    const char *name;
    GbRgb a, b;
    double ratio;
} known[] = {
    {"black on white", {0, 0, 0}, {1, 1, 1}, 21.0},
    {"white on white", {1, 1, 1}, {1, 1, 1}, 1.0},
    {"#FDD49E on white (issue 14)", {0.992, 0.831, 0.620}, {1, 1, 1}, 1.39},
    {"#FDD49E on good (issue 14)", {0.992, 0.831, 0.620}, {0.259, 0.573, 0.776}, 2.45},
    {"#767676 on white (the AA grey)", {0x76 / 255.0, 0x76 / 255.0, 0x76 / 255.0}, {1, 1, 1}, 4.54},
};

START_TEST(test_formula)
{
    double r = gb_palette_contrast(known[_i].a, known[_i].b);
    ck_assert_msg(fabs(r - known[_i].ratio) < 0.01, "%s: %.3f, want %.2f", known[_i].name, r,
                  known[_i].ratio);
    ck_assert_msg(fabs(gb_palette_contrast(known[_i].b, known[_i].a) - r) < 1e-12,
                  "%s: not symmetric", known[_i].name);
}
END_TEST

/* Every fill a chart draws: the four grades, "not inspected", the categories. */
static const struct {
    const char *name;
    const char *palette;
    int level; /* 0..3, -1 not inspected; -10 - i for category i */
} fills[] = {
    {"outstanding", "default", 0},
    {"good", "default", 1},
    {"RI", "default", 2},
    {"inadequate", "default", 3},
    {"not inspected", "default", -1},
    {"category 0", "default", -10},
    {"category 1", "default", -11},
    {"category 2", "default", -12},
    {"grey outstanding", "greyscale", 0},
    {"grey good", "greyscale", 1},
    {"grey RI", "greyscale", 2},
    {"grey inadequate", "greyscale", 3},
    {"grey not inspected", "greyscale", -1},
    {"grey category 0", "greyscale", -10},
};

static GbRgb
fill_colour(int i)
{
    ck_assert(gb_palette_use(fills[i].palette));
    int l = fills[i].level;
    return l <= -10 ? gb_palette_category(-10 - l) : gb_palette_level(l);
}

START_TEST(test_fill_contrast)
{
    GbRgb c = fill_colour(_i), o;
    double r = gb_palette_contrast(c, white);
    if (gb_palette_outline(c, &o)) {
        ck_assert_msg(r < 3.0, "%s: outlined though %.2f:1", fills[_i].name, r);
        ck_assert_msg(gb_palette_contrast(o, white) >= 3.0 && gb_palette_contrast(o, c) >= 3.0,
                      "%s: outline %.2f:1 on white, %.2f:1 on the fill", fills[_i].name,
                      gb_palette_contrast(o, white), gb_palette_contrast(o, c));
    } else {
        ck_assert_msg(r >= 3.0, "%s: %.2f:1 against white and no outline", fills[_i].name, r);
    }
    gb_palette_use("default");
}
END_TEST

static void
pixel(cairo_surface_t *s, int x, int y, GbRgb *c)
{
    const guint8 *p = cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s);
    guint32 v = ((const guint32 *)(const void *)p)[x];
    *c = (GbRgb){((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
}

/* Two fills side by side, as in a stacked bar, drawn at 10 pixels a point:
 * the line between them is white, and a fill under 3:1 against white has its
 * outline colour just inside its edge and its own colour further in. */
START_TEST(test_fill_drawn)
{
    GbRgb c = fill_colour(_i), o;
    gboolean outlined = gb_palette_outline(c, &o);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 200);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, 10, 10);
    cairo_rectangle(cr, 0, 0, 20, 20);
    gb_palette_fill(cr, gb_palette_level(0), 0);
    cairo_rectangle(cr, 20, 0, 20, 20);
    gb_palette_fill(cr, c, fills[_i].level >= 0 ? fills[_i].level : -1);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    GbRgb edge, inside;
    pixel(s, 200, 100, &edge); /* on the shared edge */
    pixel(s, 200 + (int)(10 * (GB_PALETTE_SEPARATOR / 2 + GB_PALETTE_OUTLINE / 2)), 100,
          &inside); /* in the outline band */
    ck_assert_msg(gb_palette_contrast(edge, white) < 1.05, "%s: the edge is not white",
                  fills[_i].name);
    if (outlined)
        ck_assert_msg(gb_palette_contrast(inside, o) < 1.05,
                      "%s: no outline inside the edge (%.2f %.2f %.2f)", fills[_i].name, inside.r,
                      inside.g, inside.b);
    else
        ck_assert_msg(fills[_i].level == 3 || gb_palette_contrast(inside, c) < 1.05,
                      "%s: something drawn inside the edge", fills[_i].name);
    cairo_surface_destroy(s);
    gb_palette_use("default");
}
END_TEST

/* Text on fills (WCAG 1.4.3): the ink gb_palette_ink gives every fill a chart
 * writes a label on stands 4.5:1 against it; on the hatched fill the label
 * sits on a solid plate of the fill's colour, so the same ratio holds. */
START_TEST(test_label_contrast)
{
    GbRgb c = fill_colour(_i);
    double r = gb_palette_contrast(gb_palette_ink(c), c);
    ck_assert_msg(r >= GB_PALETTE_TEXT_CONTRAST, "%s: label %.2f:1", fills[_i].name, r);
    gb_palette_use("default");
}
END_TEST

/* The cases, and the old rule's failures: dark text on the heatmap's
 * darkest cell (2.8:1), white on the orange category (3.8:1). */
START_TEST(test_label_known)
{
    GbRgb dark = gb_palette_ramp(1.0), orange = gb_palette_category(1);
    ck_assert(gb_palette_contrast(gb_palette_ink(dark), white) < 1.01);  /* white on it */
    ck_assert(gb_palette_contrast(gb_palette_ink(orange), white) > 4.5); /* dark on it */
    ck_assert(gb_palette_contrast(gb_palette_ink(orange), orange) >= 4.5);
}
END_TEST

/* Every cell colour of the transitions heatmap, in steps of 1/200; and every
 * grey from black to white, across the luminance band (about 0.18 to 0.22)
 * where neither white nor the near-black ink reaches 4.5:1. */
START_TEST(test_label_ramp)
{
    for (int k = 0; k <= 200; k++) {
        GbRgb c = gb_palette_ramp(k / 200.0);
        double r = gb_palette_contrast(gb_palette_ink(c), c);
        ck_assert_msg(r >= GB_PALETTE_TEXT_CONTRAST, "ramp %.3f: %.2f:1", k / 200.0, r);
        double v = k / 200.0;
        GbRgb g = {v, v, v};
        r = gb_palette_contrast(gb_palette_ink(g), g);
        ck_assert_msg(r >= GB_PALETTE_TEXT_CONTRAST, "grey %.3f: %.2f:1", v, r);
    }
}
END_TEST

/* On the hatch a plate of the fill's own colour is drawn behind the label,
 * GB_PALETTE_PLATE wider each side: no stripe is left within it. Drawn at
 * 10 pixels a point. */
START_TEST(test_label_plate)
{
    {
        const int level = 3;
        GbRgb c = gb_palette_level(level);
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 200);
        cairo_t *cr = cairo_create(s);
        cairo_scale(cr, 10, 10);
        cairo_rectangle(cr, 0, 0, 40, 20);
        gb_palette_fill(cr, c, level);
        cairo_set_source_rgb(cr, 1, 1, 1); /* anything the plate does not cover */
        gb_palette_label_backing(cr, c, level, 10, 5, 20, 10);
        cairo_destroy(cr);
        cairo_surface_flush(s);
        double worst = 1, worst_x = 0;
        for (int y = 52; y < 148; y += 3)
            for (int x = 10 * (10 - (int)GB_PALETTE_PLATE) + 2; x < 10 * (30 + 2) - 2; x += 3) {
                GbRgb p;
                pixel(s, x, y, &p);
                double r = gb_palette_contrast(p, c);
                if (r > worst)
                    worst = r, worst_x = x;
            }
        ck_assert_msg(worst < 1.05, "a stripe in the plate at x=%.0f (%.2f:1)", worst_x, worst);
        cairo_surface_destroy(s);
    }
}
END_TEST

/* Runs of fill along a line of the image, from (x, y) in steps (dx, dy), n
 * steps: anything not near white is fill (the hatch too); white ends a run. */
static gboolean
is_fill(cairo_surface_t *s, int x, int y)
{
    GbRgb p;
    pixel(s, x, y, &p);
    return gb_palette_contrast(p, white) > 1.2;
}

static int
runs_of(cairo_surface_t *s, int x, int y, int dx, int dy, int n)
{
    int runs = 0;
    gboolean in = FALSE;
    for (int k = 0; k < n; k++, x += dx, y += dy) {
        gboolean here = is_fill(s, x, y);
        runs += here && !in;
        in = here;
    }
    return runs;
}

/* A PDF table's grade cells (output/doc.c), drawn at 4 pixels a point: two
 * rows by two columns of one grade read as four cells, parted by white lines
 * across rows and columns, not as one block. The doc draws on any surface;
 * an image one lets the pixels be read. */
static const struct {
    const char *name;
    int level;
} table_levels[] = {{"outstanding", 0}, {"good", 1}, {"RI", 2}, {"inadequate", 3}};

START_TEST(test_table_cells_parted)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "fonts: %s", err ? err : "");
    const GbPageSetup setup = {.width = 300,
                               .height = 200,
                               .top = 20,
                               .bottom = 20,
                               .left = 20,
                               .right = 20,
                               .footer_left = "x"};
    const char *headers[] = {"Name", "A", "B"};
    const double widths[] = {0.4, 0.3, 0.3};
    GbDocTable t = {.ncols = 3,
                    .headers = headers,
                    .widths = widths,
                    .cells = g_array_new(FALSE, FALSE, sizeof(GbCell)),
                    .row_headers = TRUE};
    int level = table_levels[_i].level;
    for (int r = 0; r < 2; r++) {
        GbCell row[] = {{"Row", -1, FALSE}, {"Grade", level, FALSE}, {"Grade", level, FALSE}};
        g_array_append_vals(t.cells, row, 3);
    }
    const int scale = 4;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 300 * scale, 200 * scale);
    cairo_surface_set_device_scale(s, scale, scale);
    cairo_t *bg = cairo_create(s);
    cairo_set_source_rgb(bg, 1, 1, 1);
    cairo_paint(bg);
    cairo_destroy(bg);
    GbDoc *m = gb_doc_new(f, &setup, NULL, NULL);
    gb_doc_table(m, &t);
    gb_doc_finish(m);
    GbDoc *d = gb_doc_new(f, &setup, s, m);
    gb_doc_table(d, &t);
    cairo_surface_flush(s);
    /* Down the middle of column A (x = 20 + 0.4 * 260 + 0.15 * 260 pt), and
     * across the page through the first grade row's lower part, which is
     * clear of its text. */
    int x = (int)((20 + 0.55 * 260) * scale);
    int down = runs_of(s, x, 0, 0, 1, 200 * scale);
    ck_assert_msg(down == 3, "%s: %d block(s) down a column, want 3 (the header, 2 cells)",
                  table_levels[_i].name, down);
    /* The header's fill, then the first grade row's: 1 pt above its end. */
    int y = 0;
    for (int pass = 0; pass < 2; pass++) {
        while (y < 200 * scale && !is_fill(s, x, y))
            y++;
        while (y < 200 * scale && is_fill(s, x, y))
            y++;
    }
    int across = runs_of(s, 0, y - scale, 1, 0, 300 * scale);
    ck_assert_msg(across == 2, "%s: %d cell(s) across a row, want 2", table_levels[_i].name,
                  across);
    gb_doc_finish(d);
    gb_doc_free(d);
    gb_doc_free(m);
    cairo_surface_destroy(s);
    g_array_free(t.cells, TRUE);
    gb_fonts_free(f);
}
END_TEST

static Suite *
palette_suite(void)
{
    Suite *s = suite_create("palette");
    TCase *tc = tcase_create("contrast");
    tcase_add_loop_test(tc, test_formula, 0, G_N_ELEMENTS(known));
    tcase_add_loop_test(tc, test_fill_contrast, 0, G_N_ELEMENTS(fills));
    tcase_add_loop_test(tc, test_fill_drawn, 0, G_N_ELEMENTS(fills));
    tcase_add_loop_test(tc, test_label_contrast, 0, G_N_ELEMENTS(fills));
    tcase_add_test(tc, test_label_known);
    tcase_add_test(tc, test_label_ramp);
    tcase_add_test(tc, test_label_plate);
    suite_add_tcase(s, tc);
    TCase *tt = tcase_create("table");
    tcase_add_loop_test(tt, test_table_cells_parted, 0, G_N_ELEMENTS(table_levels));
    suite_add_tcase(s, tt);
    return s;
}

int
main(void)
{
    return gb_test_main(palette_suite());
}
