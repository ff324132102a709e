/* test_palette.c - non-text contrast (WCAG 2.2 1.4.11) of the grade fills,
 * computed from the palette itself: every fill stands 3:1 against white, or
 * gb_palette_fill draws an outline inside it that stands 3:1 against both; and
 * the drawing really parts neighbours with white and draws that outline. */
#include "charts/kit.h"
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

static Suite *
palette_suite(void)
{
    Suite *s = suite_create("palette");
    TCase *tc = tcase_create("contrast");
    tcase_add_loop_test(tc, test_formula, 0, G_N_ELEMENTS(known));
    tcase_add_loop_test(tc, test_fill_contrast, 0, G_N_ELEMENTS(fills));
    tcase_add_loop_test(tc, test_fill_drawn, 0, G_N_ELEMENTS(fills));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(palette_suite());
}
