/* test_charts.c - the chart kit: tick and number geometry, the tile map, every
 * chart's alt text figures, golden images, and labels read back from PDF. */
#include "charts/chart-private.h"
#include "charts/chart.h"
#include "charts/map.h"
#include "output/chartfile.h"
#include "output/html.h"
#include "output/png.h"
#include "output/write.h"
#include "pipeline/load.h"
#include "testutil.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <zlib.h>

static const struct {
    const char *name;
    double lo, hi;
    int max;
    double step, top;
    int n;
} ticks[] = {
    {"percent to 20", 0, 20, 5, 5, 20, 5},
    {"73 in six ticks", 0, 73, 6, 20, 80, 5},
    {"zero span", 5, 5, 5, 0.25, 6, 0},
    {"small", 0, 0.7, 8, 0.1, 0.7, 8},
    {"large counts", 0, 605100, 5, 200000, 800000, 5},
};

START_TEST(test_ticks)
{
    GbTicks t;
    gb_ticks_nice(ticks[_i].lo, ticks[_i].hi, ticks[_i].max, &t);
    ck_assert_msg(fabs(t.step - ticks[_i].step) < 1e-9, "%s: step %g", ticks[_i].name, t.step);
    ck_assert_msg(fabs(t.hi - ticks[_i].top) < 1e-9, "%s: top %g", ticks[_i].name, t.hi);
    if (ticks[_i].n > 0)
        ck_assert_int_eq(t.n, ticks[_i].n);
    ck_assert(t.lo <= ticks[_i].lo && t.hi >= ticks[_i].hi);
    for (int k = 1; k < t.n; k++)
        ck_assert(fabs(t.values[k] - t.values[k - 1] - t.step) < 1e-6 * t.step);
}
END_TEST

START_TEST(test_year_steps)
{
    ck_assert_int_eq(gb_ticks_year_step(30, 20), 1);
    ck_assert_int_eq(gb_ticks_year_step(15, 20), 2);
    ck_assert_int_eq(gb_ticks_year_step(6, 20), 5);
    ck_assert_int_eq(gb_ticks_year_step(3, 20), 10); /* once looped for ever at 5 */
    ck_assert_int_eq(gb_ticks_year_step(2.5, 20), 20);
    ck_assert_int_eq(gb_ticks_year_step(0.01, 20), 1000);
}
END_TEST

START_TEST(test_numbers)
{
    char b[32];
    gb_format_number(538000, 0, b, sizeof b);
    ck_assert_str_eq(b, "538,000");
    gb_format_number(605100, 0, b, sizeof b);
    ck_assert_str_eq(b, "605,100");
    gb_format_number(-7, 0, b, sizeof b);
    ck_assert_str_eq(b, "\u22127");
    gb_format_number(8.04, 1, b, sizeof b);
    ck_assert_str_eq(b, "8.0");
    gb_format_number(-0.04, 1, b, sizeof b);
    ck_assert_str_eq(b, "0.0"); /* no "minus zero" */
}
END_TEST

static GbRef *ref;
static GbLoader *loader;
static GbTable *table;
static GbStats *stats;
static GbMoves *moves;
static GbLatest *latest;
static GbFonts *fonts;

static void
setup(void)
{
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
    ck_assert_int_eq(gb_loader_new(ref, &loader, &d), GB_OK);
    table = gb_table_new(ref);
    ck_assert_int_eq(gb_load_all(loader, table, NULL, &d), GB_OK);
    stats = gb_stats_compute(table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    moves = gb_stats_moves(table);
    latest = gb_stats_latest(table, "overall_effectiveness", 20250331);
    char *err = NULL;
    fonts = gb_fonts_new(NULL, &err);
    ck_assert_msg(fonts != NULL, "%s", err);
}

static void
teardown(void)
{
    gb_fonts_free(fonts);
    gb_stats_latest_free(latest);
    gb_stats_moves_free(moves);
    gb_stats_free(stats);
    gb_table_free(table);
    gb_loader_free(loader);
    gb_ref_free(ref);
}

static int
authority(const char *code)
{
    GString *s = g_string_new(NULL);
    int a = gb_ref_find_authority(ref, code, strlen(code), 0, 20250331, s, NULL);
    g_string_free(s, TRUE);
    return a;
}

START_TEST(test_tile_map)
{
    /* Every authority in existence has a tile, no two tiles overlap, all inside. */
    int current = 0;
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        if (!gb_ref_active_on(a, 20250331))
            continue;
        current++;
        ck_assert_msg(a->tile_q >= 0, "%s has no tile", a->name);
        ck_assert_msg(a->short_label != NULL && strlen(a->short_label) <= 3, "%s label", a->name);
    }
    ck_assert_int_eq(current, 153);
    GbTileGeometry g;
    gb_map_geometry(ref, 20250331, 480, 600, &g);
    ck_assert_int_eq(g.n, 153);
    double min_gap = sqrt(3.0) * g.radius - 1e-6;
    for (int i = 0; i < g.n; i++) {
        double half = sqrt(3.0) / 2 * g.radius; /* pointy-top: half as wide as tall-ish */
        ck_assert(g.cx[i] - half >= -1e-6 && g.cx[i] + half <= 480 + 1e-6);
        ck_assert(g.cy[i] - g.radius >= -1e-6 && g.cy[i] + g.radius <= 600 + 1e-6);
        for (int k = i + 1; k < g.n; k++)
            ck_assert_msg(hypot(g.cx[i] - g.cx[k], g.cy[i] - g.cy[k]) >= min_gap,
                          "tiles %d and %d overlap", g.authority[i], g.authority[k]);
    }
    gb_map_geometry_clear(&g);
    /* The layout is today's: of the 152 authorities of 2010, the five abolished
     * since (Bournemouth, Poole, Dorset county, Northamptonshire, Cumbria) have
     * no tile, so a 2010 map shows 147. */
    gb_map_geometry(ref, 20100101, 480, 600, &g);
    ck_assert_int_eq(g.n, 147);
    gb_map_geometry_clear(&g);
}
END_TEST

/* Each chart, and figures its alt text must state (computed from the data). */
static const struct {
    const char *name;
    const char *authority;
    const char *alt[3];
} charts[] = {
    {"distribution",
     NULL,
     {"APA 2007 (150 judgements): Outstanding 8.0%, Good 60.0%", "CP 2012 2013 (34 judgements)",
      "ILACS 2018 (34 judgements)"}},
    {"counts",
     NULL,
     {"of 153 authorities: 36 Outstanding (23.5%), 67 Good (43.8%)",
      "31 Adequate / requires improvement", "19 Inadequate (12.4%)"}},
    {"dumbbell",
     NULL,
     {"Outstanding, APA: 16% in 2006, 9% in 2007 (-7 points)",
      "Good or better, APA: 73% in 2006, 70% in 2007 (-3 points)", NULL}},
    {"trend",
     NULL,
     {"2007 APA 3.3% (5 of 150)", "2013 CP 2012 35.3% (12 of 34)", "2018 ILACS 8.8% (3 of 34)"}},
    {"map", NULL, {"153 authorities", "36 Outstanding, 67 Good", NULL}},
    {"transitions", NULL, {"From Inadequate:", "moved up", NULL}},
    {"timeline", "919", {"Hertfordshire", "2007 APA Inadequate; 2010 SLAC Adequate", NULL}},
    {"timeline", "940", {"Good (as Northamptonshire)", "2022 ILACS Requires improvement", NULL}},
};

static GbChart *
make(int i)
{
    GbChartInput in = {.table = table,
                       .stats = stats,
                       .moves = moves,
                       .latest = latest,
                       .authority = charts[i].authority ? authority(charts[i].authority) : -1};
    char *err = NULL;
    GbChart *c = gb_chart_new(charts[i].name, &in, &err);
    ck_assert_msg(c != NULL, "%s: %s", charts[i].name, err);
    return c;
}

START_TEST(test_alt_text)
{
    GbChart *c = make(_i);
    for (int k = 0; k < 3 && charts[_i].alt[k] != NULL; k++)
        ck_assert_msg(strstr(gb_chart_alt(c), charts[_i].alt[k]) != NULL, "%s: alt lacks '%s': %s",
                      charts[_i].name, charts[_i].alt[k], gb_chart_alt(c));
    gb_chart_free(c);
}
END_TEST

START_TEST(test_errors)
{
    GbChartInput in = {
        .table = table, .stats = stats, .moves = moves, .latest = latest, .authority = -1};
    char *err = NULL;
    ck_assert_ptr_null(gb_chart_new("pie", &in, &err));
    ck_assert_ptr_nonnull(strstr(err, "unknown chart 'pie'"));
    g_free(err);
    ck_assert_ptr_null(gb_chart_new("timeline", &in, &err));
    ck_assert_ptr_nonnull(strstr(err, "--authority"));
    g_free(err);
}
END_TEST

/* One timeline axis for every authority: the data's first year to the as-at
 * year, whatever the authority's own history (a long one, an abolished one, a
 * successor with its predecessor's judgements, one formed in 2023). */
static const struct {
    const char *name, *code;
    guint32 as_at;
    int from, to;
} axes[] = {
    {"Barnet", "302", 20250331, 2007, 2025},
    {"Hertfordshire", "919", 20250331, 2007, 2025},
    {"Cumbria, abolished 2023", "909", 20250331, 2007, 2025},
    {"North Northamptonshire, successor", "940", 20250331, 2007, 2025},
    {"Westmorland and Furness, formed 2023", "943", 20250331, 2007, 2025},
    {"as at a later year than the data", "302", 20270331, 2007, 2027},
    {"Cumbria as at a later year", "909", 20270331, 2007, 2027},
};

START_TEST(test_timeline_axis)
{
    GbLatest *l = gb_stats_latest(table, "overall_effectiveness", axes[_i].as_at);
    int a = authority(axes[_i].code);
    ck_assert_msg(a >= 0, "%s: no authority %s", axes[_i].name, axes[_i].code);
    GbChartInput in = {.table = table, .stats = stats, .moves = moves, .latest = l, .authority = a};
    char *err = NULL;
    GbChart *c = gb_chart_new("timeline", &in, &err);
    ck_assert_msg(c != NULL, "%s: %s", axes[_i].name, err);
    int from = 0, to = 0;
    ck_assert(gb_chart_timeline_axis(c, &from, &to));
    ck_assert_msg(from == axes[_i].from && to == axes[_i].to, "%s: axis %d to %d, not %d to %d",
                  axes[_i].name, from, to, axes[_i].from, axes[_i].to);
    gb_chart_free(c);
    /* Not a timeline: no axis, nothing set. */
    in.authority = -1;
    c = gb_chart_new("map", &in, &err);
    ck_assert_ptr_nonnull(c);
    from = to = -1;
    ck_assert(!gb_chart_timeline_axis(c, &from, &to));
    ck_assert_int_eq(from, -1);
    gb_chart_free(c);
    gb_stats_latest_free(l);
}
END_TEST

/* Timeline labels never overlap, at any width a pack or the briefing draws
 * them: successors of several predecessors ("Good (as Northamptonshire)")
 * once piled five labels on four tiers. The chart grows by the tiers it
 * needs; every label lies inside its plot. */
static const struct {
    const char *name, *code;
} crowded[] = {
    {"Bournemouth, Christchurch and Poole", "839"},
    {"North Northamptonshire", "940"},
    {"Westmorland and Furness", "943"},
    {"Cumbria", "909"},
    {"Hertfordshire", "919"},
};

START_TEST(test_timeline_labels)
{
    int a = authority(crowded[_i].code);
    ck_assert_msg(a >= 0, "%s: no authority %s", crowded[_i].name, crowded[_i].code);
    GbChartInput in = {
        .table = table, .stats = stats, .moves = moves, .latest = latest, .authority = a};
    char *err = NULL;
    GbChart *c = gb_chart_new("timeline", &in, &err);
    ck_assert_msg(c != NULL, "%s: %s", crowded[_i].name, err);
    static const double widths[] = {200, 240, 262, 300, 360, 480};
    for (guint k = 0; k < G_N_ELEMENTS(widths); k++) {
        double height;
        GArray *boxes = gb__timeline_label_boxes(c, fonts, widths[k], &height);
        ck_assert_uint_gt(boxes->len, 0);
        for (guint i = 0; i < boxes->len; i++) {
            GbBox p = g_array_index(boxes, GbBox, i);
            ck_assert_msg(p.x >= -0.01 && p.x + p.w <= widths[k] + 0.01 && p.y >= 0 &&
                              p.y + p.h <= height,
                          "%s at %g pt: label %u outside its plot", crowded[_i].name, widths[k], i);
            for (guint j = 0; j < i; j++) {
                GbBox q = g_array_index(boxes, GbBox, j);
                gboolean apart =
                    p.x >= q.x + q.w || q.x >= p.x + p.w || p.y >= q.y + q.h || q.y >= p.y + p.h;
                ck_assert_msg(apart, "%s at %g pt: labels %u and %u overlap", crowded[_i].name,
                              widths[k], j, i);
            }
        }
        g_array_free(boxes, TRUE);
    }
    gb_chart_free(c);
}
END_TEST

/* Golden images: 360 points wide at 72 dpi. A pixel differs when a channel
 * differs by more than GB__TOL; the test fails past GB__BUDGET of the pixels.
 * GB_UPDATE_GOLDEN=1 rewrites the references (then look at them). */
#define GB__TOL 8
#define GB__BUDGET 0.001

static void
compare_golden(const char *name, cairo_surface_t *actual)
{
    char *ref_path = g_strdup_printf("%s/golden/%s.png", GB_TESTS_DIR, name);
    if (g_strcmp0(g_getenv("GB_UPDATE_GOLDEN"), "1") == 0) {
        ck_assert_int_eq(cairo_surface_write_to_png(actual, ref_path), CAIRO_STATUS_SUCCESS);
        g_free(ref_path);
        return;
    }
    cairo_surface_t *want = cairo_image_surface_create_from_png(ref_path);
    ck_assert_msg(cairo_surface_status(want) == CAIRO_STATUS_SUCCESS,
                  "%s: no reference image (run with GB_UPDATE_GOLDEN=1)", ref_path);
    int w = cairo_image_surface_get_width(actual), h = cairo_image_surface_get_height(actual);
    ck_assert_msg(w == cairo_image_surface_get_width(want) &&
                      h == cairo_image_surface_get_height(want),
                  "%s: size %dx%d differs from the reference", name, w, h);
    cairo_surface_t *diff = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_flush(actual);
    cairo_surface_flush(want);
    const unsigned char *a = cairo_image_surface_get_data(actual);
    const unsigned char *b = cairo_image_surface_get_data(want);
    unsigned char *dd = cairo_image_surface_get_data(diff);
    int sa = cairo_image_surface_get_stride(actual), sb = cairo_image_surface_get_stride(want);
    int sd = cairo_image_surface_get_stride(diff);
    long bad = 0;
    int max = 0;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            const guint32 pa = *(const guint32 *)(const void *)(a + y * sa + 4 * x);
            const guint32 pb = *(const guint32 *)(const void *)(b + y * sb + 4 * x);
            int m = 0;
            for (int ch = 0; ch < 24; ch += 8) /* the X byte of RGB24 is masked */
                m = MAX(m, abs((int)((pa >> ch) & 0xFF) - (int)((pb >> ch) & 0xFF)));
            max = MAX(max, m);
            *(guint32 *)(void *)(dd + y * sd + 4 * x) =
                m > GB__TOL ? 0xFF0000 : (pb & 0xFFFFFF) | 0x000000;
            bad += m > GB__TOL;
        }
    }
    cairo_surface_mark_dirty(diff);
    if (bad > GB__BUDGET * w * h) {
        char *out = g_strdup_printf("%s.out.png", name), *dp = g_strdup_printf("%s.diff.png", name);
        cairo_surface_write_to_png(actual, out);
        cairo_surface_write_to_png(diff, dp);
        ck_abort_msg("%s: %ld pixels differ by more than %d (max %d); see %s and %s", name, bad,
                     GB__TOL, max, out, dp);
    }
    cairo_surface_destroy(diff);
    cairo_surface_destroy(want);
    g_free(ref_path);
}

START_TEST(test_golden)
{
    GbChart *c = make(_i);
    double w = 360, h = ceil(gb_chart_height_for(c, fonts, w - 12) + 12);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w, (int)h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    gb_chart_draw(c, fonts, cr, (GbBox){6, 6, w - 12, h - 12});
    ck_assert_int_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    char *name = g_strdup_printf("%s%s%s", charts[_i].name, charts[_i].authority ? "-" : "",
                                 charts[_i].authority ? charts[_i].authority : "");
    compare_golden(name, s);
    g_free(name);
    cairo_surface_destroy(s);
    gb_chart_free(c);
}
END_TEST

START_TEST(test_pdf_labels)
{
    /* Labels are real text in the PDF, read back by pdftotext. */
    GbChart *c = make(0);
    char *dir = gb_test_tmpdir("gbchart");
    char *path = g_build_filename(dir, "d.pdf", NULL);
    GbChartFileOptions o = {.format = GB_FORMAT_PDF, .width = 481.9, .date = "2025-03-24"};
    GbDiag d = {0};
    GByteArray *bytes = NULL;
    ck_assert_int_eq(gb_chartfile_render(c, fonts, &o, &bytes, &d), GB_OK);
    ck_assert_int_eq(gb_write_file(path, bytes->data, bytes->len, &d), GB_OK);
    g_byte_array_unref(bytes);
    char *argv[] = {(char *)PDFTOTEXT, path, (char *)"-", NULL};
    char *out = NULL;
    int wait;
    ck_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                           &wait, NULL));
    ck_assert_int_eq(WEXITSTATUS(wait), 0);
    const char *want[] = {"Grades by year and inspection regime",
                          "Annual performance assessment",
                          "Child protection inspection",
                          "Outstanding",
                          "60%",
                          "2025"};
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(out, want[i]) != NULL, "pdftotext lacks '%s'", want[i]);
    /* The subtitle explains only the marks shown: no bar is a published one. */
    ck_assert_ptr_nonnull(strstr(out, "Each bar is computed from one row per authority"));
    ck_assert_ptr_null(strstr(out, "\"published\""));
    /* Two renders of the same chart are byte-identical. */
    GByteArray *b1, *b2;
    ck_assert_int_eq(gb_chartfile_render(c, fonts, &o, &b1, &d), GB_OK);
    ck_assert_int_eq(gb_chartfile_render(c, fonts, &o, &b2, &d), GB_OK);
    ck_assert(b1->len == b2->len && memcmp(b1->data, b2->data, b1->len) == 0);
    g_byte_array_unref(b1);
    g_byte_array_unref(b2);
    g_free(out);
    g_free(path);
    g_free(dir);
    gb_chart_free(c);
}
END_TEST

/* The map's SVG names every tile: an invisible path over it with a <title>
 * of the authority, its tile code and its grade (issue 18: the codes had no
 * key). Other charts have no such areas. */
START_TEST(test_svg_tile_titles)
{
    GbChartInput in = {
        .table = table, .stats = stats, .moves = moves, .latest = latest, .authority = -1};
    char *err = NULL;
    GbChart *c = gb_chart_new("map", &in, &err);
    ck_assert_msg(c != NULL, "%s", err);
    GbChartFileOptions o = {.format = GB_FORMAT_SVG, .width = 481.9};
    GbDiag d = {0};
    GByteArray *b = NULL;
    ck_assert_int_eq(gb_chartfile_render(c, fonts, &o, &b, &d), GB_OK);
    g_byte_array_append(b, (const guint8 *)"", 1);
    const char *svg = (const char *)b->data;
    int titles = 0;
    for (const char *p = svg; (p = strstr(p, "\"><title>")) != NULL; p++)
        titles++;
    ck_assert_int_eq(titles, 153);
    const char *want[] = {"<title>Barnet (Bar): Good</title>",
                          "<title>North Tyneside (Nrt): Outstanding</title>",
                          "<title>Northumberland (Nrh): Outstanding</title>"};
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(svg, want[i]) != NULL, "the map SVG lacks %s", want[i]);
    /* Over the drawing, before the root closes; no tile of an abolished authority. */
    ck_assert_ptr_nonnull(strstr(svg, "</title></path>\n</g>\n</svg>"));
    ck_assert_ptr_null(strstr(svg, "<title>Cumbria"));
    GArray *areas = gb_chart_areas(c, fonts, (GbBox){6, 6, 470, 600});
    ck_assert_int_eq(areas->len, 153);
    gb_chart_areas_free(areas);
    g_byte_array_unref(b);
    gb_chart_free(c);
    in.authority = authority("302");
    c = gb_chart_new("timeline", &in, &err);
    ck_assert_ptr_null(gb_chart_areas(c, fonts, (GbBox){6, 6, 470, 300}));
    gb_chart_free(c);
}
END_TEST

struct gb_png_reader {
    const guint8 *p;
    gsize left;
};

static cairo_status_t
gb_png_read(void *closure, unsigned char *data, unsigned int length)
{
    struct gb_png_reader *r = closure;
    if (length > r->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p, length);
    r->p += length, r->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

START_TEST(test_png_round_trip)
{
    /* The PNG writer's pixels, read back by libpng (through cairo's reader),
     * equal the drawn ones exactly, at an odd size, with every byte value and
     * with rows that repeat the one above. */
    const int w = 257, h = 19;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_flush(s);
    guint8 *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++) {
        int from = y >= 5 && y < 10 ? 4 : y; /* rows 5-9 repeat row 4 */
        for (int x = 0; x < w; x++)
            ((guint32 *)(void *)(px + y * stride))[x] =
                0xff000000u | (guint32)((x * 7 + from) & 255) << 16 |
                (guint32)((255 - x) & 255) << 8 | (guint32)((x * from) & 255);
    }
    cairo_surface_mark_dirty(s);
    GByteArray *b = g_byte_array_new();
    ck_assert(gb_png_write(s, 150, b));
    /* 150 dpi is 5906 pixels a metre, in a pHYs chunk right after the header
     * (8 bytes of signature, 25 of IHDR). */
    static const guint8 phys[] = {0, 0,    0,    9, 'p', 'H',  'Y',  's', 0,
                                  0, 0x17, 0x12, 0, 0,   0x17, 0x12, 1};
    ck_assert_uint_gt(b->len, 33 + sizeof phys);
    ck_assert(memcmp(b->data + 33, phys, sizeof phys) == 0);
    struct gb_png_reader r = {b->data, b->len};
    cairo_surface_t *back = cairo_image_surface_create_from_png_stream(gb_png_read, &r);
    ck_assert_int_eq(cairo_surface_status(back), CAIRO_STATUS_SUCCESS);
    ck_assert_int_eq(r.left, 0);
    ck_assert_int_eq(cairo_image_surface_get_width(back), w);
    ck_assert_int_eq(cairo_image_surface_get_height(back), h);
    const guint8 *got = cairo_image_surface_get_data(back);
    int got_stride = cairo_image_surface_get_stride(back);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            ck_assert_uint_eq(((const guint32 *)(const void *)(got + y * got_stride))[x] |
                                  0xff000000u,
                              ((guint32 *)(void *)(px + y * stride))[x]);
    /* Same pixels, same bytes. */
    GByteArray *again = g_byte_array_new();
    ck_assert(gb_png_write(s, 150, again));
    ck_assert(again->len == b->len && memcmp(again->data, b->data, b->len) == 0);
    /* Streamed in bands of 1 to 7 rows through one band's pixels, drawn over
     * after each: the same bytes. */
    for (int band = 1; band <= 7; band++) {
        GByteArray *streamed = g_byte_array_new();
        guint8 *rows = g_malloc((gsize)stride * (gsize)band);
        GbPngStream *st = gb_png_stream_new(w, h, 150, streamed);
        ck_assert_ptr_nonnull(st);
        for (int y = 0; y < h; y += band) {
            int n = MIN(band, h - y);
            memcpy(rows, px + (gsize)y * (gsize)stride, (gsize)stride * (gsize)n);
            ck_assert(gb_png_stream_rows(st, rows, stride, n));
            memset(rows, 0x5a, (gsize)stride * (gsize)n);
        }
        ck_assert(gb_png_stream_end(st));
        ck_assert(streamed->len == b->len && memcmp(streamed->data, b->data, b->len) == 0);
        g_free(rows);
        g_byte_array_unref(streamed);
    }
    /* Not an image surface: refused, nothing appended. */
    cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, NULL);
    GByteArray *none = g_byte_array_new();
    ck_assert(!gb_png_write(rec, 150, none));
    ck_assert_uint_eq(none->len, 0);
    cairo_surface_destroy(rec);
    g_byte_array_unref(none);
    g_byte_array_unref(again);
    g_byte_array_unref(b);
    cairo_surface_destroy(back);
    cairo_surface_destroy(s);
}
END_TEST

/* Pixels of a PNG read back by libpng (through cairo's reader). */
static cairo_surface_t *
png_pixels(const GByteArray *b)
{
    struct gb_png_reader r = {b->data, b->len};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(gb_png_read, &r);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    ck_assert_int_eq(r.left, 0);
    return s;
}

/* TRUE when two images have the same size and the same colour in every
 * pixel (the X or alpha byte of an opaque image is masked). */
static gboolean
same_pixels(cairo_surface_t *a, cairo_surface_t *b)
{
    cairo_surface_flush(a);
    cairo_surface_flush(b);
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b))
        return FALSE;
    const guint8 *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if ((((const guint32 *)(const void *)(pa + y * sa))[x] ^
                 ((const guint32 *)(const void *)(pb + y * sb))[x]) &
                0xffffffu)
                return FALSE;
    return TRUE;
}

/* Kinds of image for the PNG writer (png.c's Sub filter skips runs of the
 * colour to the left; zlib compresses): each drawn, written, and read
 * back by libpng (through cairo's reader) and by zlib's inflate, which checks
 * the stream and its Adler-32. */
static const struct {
    const char *name;
    int w, h;
    int kind;
} deflated[] = {
    {"one pixel", 1, 1, 0},
    {"flat: one run a row", 2000, 40, 0},
    {"noise: no runs", 600, 300, 1},
    {"a period of 5 pixels: runs of 1", 777, 33, 2},
    {"rows repeat above a bar, a ramp in every fourth", 301, 90, 3},
    {"wider than deflate's window", 11000, 4, 3},
    {"black with its X byte 0: a run from the first pixel", 50, 3, 4},
    {"columns, a dot moving down: rows filtered Up, 15 deflate calls", 1004, 300, 5},
    {"noise, a row over 64 KB: one row a deflate call", 22000, 5, 1},
    {"columns of noise: Up and Sub rows, incompressible", 1500, 120, 6},
    {"noise in threes of rows: runs after a repeated row and after a new one", 1004, 130, 7},
};

/* Pixel x, y of deflated[kind]'s image. */
static guint32
deflated_pixel(int kind, int x, int y, guint32 *state)
{
    switch (kind) {
    case 0:
        return 0xff336699u;
    case 1: /* xorshift32 */
        *state ^= *state << 13, *state ^= *state >> 17, *state ^= *state << 5;
        return 0xff000000u | (*state & 0xffffffu);
    case 2:
        return 0xff000000u | (guint32)(x % 5) * 0x331177u;
    case 4:
        return 0;
    case 5: /* stripes 7 pixels wide, and a dot on the diagonal */
        if (x == y)
            return 0xff202020u;
        return (x / 7) % 2 ? 0xff1f77b4u : 0xffffffffu;
    case 6: /* a column of noise repeated down the rows but for every fifth */
        if (y % 5 == 0 || x < 200) {
            *state ^= *state << 13, *state ^= *state >> 17, *state ^= *state << 5;
            return 0xff000000u | (*state & 0xffffffu);
        }
        return 0xff000000u | (guint32)(x * 2654435761u >> 8);
    case 7: /* noise, each row of it three times: a deflate call of 20 such
             * rows starts after a repeated row (all zeros filtered, no
             * dictionary) or after a new one (the dictionary) by turns */
        return 0xff000000u | ((guint32)(x + 1) * 2654435761u ^ (guint32)(y / 3) * 40503u) >> 8;
    default: /* a bar from row 10 to 60 on white, an edge in every fourth row */
        if (y >= 10 && y < 60 && x > 20 && x < 200)
            return y % 4 ? 0xff1f77b4u : 0xff000000u | (guint32)(x & 255);
        return 0xffffffffu;
    }
}

START_TEST(test_png_deflate)
{
    const int w = deflated[_i].w, h = deflated[_i].h;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_flush(s);
    guint8 *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    guint32 state = 2463534242u;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            ((guint32 *)(void *)(px + y * stride))[x] =
                deflated_pixel(deflated[_i].kind, x, y, &state);
    cairo_surface_mark_dirty(s);
    GByteArray *b = g_byte_array_new();
    ck_assert(gb_png_write(s, 300, b));
    /* The IDAT right after IHDR and pHYs: zlib inflates it to the filtered
     * rows' size exactly, its checksum right. */
    const guint8 *idat = b->data + 8 + 25 + 21;
    ck_assert(memcmp(idat + 4, "IDAT", 4) == 0);
    guint32 zlen =
        (guint32)idat[0] << 24 | (guint32)idat[1] << 16 | (guint32)idat[2] << 8 | idat[3];
    uLongf rawlen = (uLongf)(1 + 3 * w) * (uLongf)h, got = rawlen + 1;
    guint8 *raw = g_malloc(got);
    ck_assert_int_eq(uncompress(raw, &got, idat + 8, zlen), Z_OK);
    ck_assert_uint_eq(got, rawlen);
    /* Each row Sub (1) or Up (2); images with columns have rows of both. */
    int types[3] = {0};
    for (int y = 0; y < h; y++) {
        guint8 t = raw[(gsize)y * (1 + 3 * (gsize)w)];
        ck_assert_msg(t == 1 || t == 2, "%s: row %d has filter %u", deflated[_i].name, y, t);
        types[t]++;
    }
    if (deflated[_i].kind >= 5)
        ck_assert_msg(types[1] > 0 && types[2] > 0, "%s: %d rows Sub, %d Up", deflated[_i].name,
                      types[1], types[2]);
    g_free(raw);
    cairo_surface_t *back = png_pixels(b);
    ck_assert_msg(same_pixels(back, s), "%s: the pixels read back differ", deflated[_i].name);
    cairo_surface_destroy(back);
    g_byte_array_unref(b);
    cairo_surface_destroy(s);
}
END_TEST

/* An opaque w x h test image: colour ramps, with rows `from`..`to` (and the
 * pixel at x) changed by `seed`. */
static cairo_surface_t *
ramp_image(int w, int h, int from, int to, int seed)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_flush(s);
    guint8 *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v = y >= from && y < to ? seed : 0;
            ((guint32 *)(void *)(px + y * stride))[x] =
                0xff000000u | (guint32)((x * 3 + v) & 255) << 16 |
                (guint32)((y / 7 * 5) & 255) << 8 | (guint32)(x < w / 2 ? 255 : (x ^ v) & 255);
        }
    cairo_surface_mark_dirty(s);
    return s;
}

static const struct {
    const char *name;
    int from, to; /* rows that differ from the base */
} banded[] = {
    {"same as the base", 0, 0},
    {"one band differs", 20, 30},
    {"first and last rows differ", 0, 77},
    {"the last band alone", 70, 77},
};

START_TEST(test_png_banded)
{
    /* An image drawn over a base, written band by band: read back it has its
     * own pixels, and its bytes are the same with the base's bands or without
     * them, before and after another image has filled them in. */
    const int w = 131, h = 77;
    cairo_surface_t *base = ramp_image(w, h, 0, 0, 0);
    GbPngBands *bands = gb_png_bands_new(base);
    ck_assert_ptr_nonnull(bands);
    cairo_surface_t *want = ramp_image(w, h, banded[_i].from, banded[_i].to, 97);
    GByteArray *alone = g_byte_array_new(), *first = g_byte_array_new(),
               *again = g_byte_array_new(), *other = g_byte_array_new();
    cairo_surface_t *img = ramp_image(w, h, banded[_i].from, banded[_i].to, 97);
    ck_assert(gb_png_write_banded(img, 300, NULL, alone));
    cairo_surface_destroy(img);
    img = ramp_image(w, h, banded[_i].from, banded[_i].to, 97);
    ck_assert(gb_png_write_banded(img, 300, bands, first));
    cairo_surface_destroy(img);
    /* Another image fills in bands of its own rows. */
    img = ramp_image(w, h, 40, 50, 13);
    ck_assert(gb_png_write_banded(img, 300, bands, other));
    cairo_surface_destroy(img);
    img = ramp_image(w, h, banded[_i].from, banded[_i].to, 97);
    ck_assert(gb_png_write_banded(img, 300, bands, again));
    cairo_surface_destroy(img);
    ck_assert_msg(first->len == alone->len && memcmp(first->data, alone->data, alone->len) == 0,
                  "%s: the bytes depend on the bands", banded[_i].name);
    ck_assert_msg(again->len == alone->len && memcmp(again->data, alone->data, alone->len) == 0,
                  "%s: the bytes depend on what the bands hold", banded[_i].name);
    cairo_surface_t *back = png_pixels(again);
    ck_assert_msg(same_pixels(back, want), "%s: pixels differ read back", banded[_i].name);
    cairo_surface_destroy(back);
    cairo_surface_t *want_other = ramp_image(w, h, 40, 50, 13);
    back = png_pixels(other);
    ck_assert(same_pixels(back, want_other));
    cairo_surface_destroy(back);
    cairo_surface_destroy(want_other);
    /* Another size: the bands are not used, the file is still right. */
    GByteArray *small = g_byte_array_new();
    img = ramp_image(w, h - 1, 0, 0, 0);
    ck_assert(gb_png_write_banded(img, 300, bands, small));
    back = png_pixels(small);
    ck_assert(same_pixels(back, img));
    cairo_surface_destroy(back);
    cairo_surface_destroy(img);
    g_byte_array_unref(small);
    g_byte_array_unref(alone);
    g_byte_array_unref(first);
    g_byte_array_unref(again);
    g_byte_array_unref(other);
    cairo_surface_destroy(want);
    gb_png_bands_free(bands);
    cairo_surface_destroy(base);
}
END_TEST

/* Packs' maps: each outlines its authority. Drawn over a copy of the base
 * drawn once (gb_chartfile_render), a map has the pixels of the whole chart
 * drawn at once, and the same bytes whichever maps were drawn before it. */
static const struct {
    const char *name;
    double dpi;
} layered[] = {
    {"Kent", 150},
    {"Isles of Scilly", 150},                     /* the foot of the map, by the source note */
    {"Northumberland", 150},                      /* the top, under the key */
    {"Bournemouth, Christchurch and Poole", 150}, /* a subtitle of two lines */
    {"Cornwall", 300},
};

static GByteArray *
render_map(int a, double dpi, double *height)
{
    GbChartInput in = {.table = table, .stats = stats, .moves = moves, .latest = latest};
    in.authority = a;
    char *err = NULL;
    GbChart *c = gb_chart_new("map", &in, &err);
    ck_assert_msg(c != NULL, "%s", err);
    ck_assert(gb_chart_layered(c));
    GbChartFileOptions o = {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = dpi};
    GByteArray *b = NULL;
    GbDiag d = {0};
    ck_assert_int_eq(gb_chartfile_render(c, fonts, &o, &b, &d), GB_OK);
    *height = gb_chartfile_height(c, fonts, 481.9);
    gb_chart_free(c);
    return b;
}

/* The chart drawn whole on a white image 481.9 points wide at dpi, as
 * gb_chartfile_render draws a chart file of one layer (6-point margins). */
static cairo_surface_t *
drawn_whole(GbChart *c, double height, double dpi)
{
    double scale = dpi / 72.0;
    int pw = (int)floor(481.9 * scale + 0.5), ph = (int)floor(height * scale + 0.5);
    cairo_surface_t *whole = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    cairo_t *cr = cairo_create(whole);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    gb_chart_draw(c, fonts, cr, (GbBox){6, 6, 481.9 - 12, height - 12});
    ck_assert_int_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    return whole;
}

START_TEST(test_layered_map)
{
    GString *scratch = g_string_new(NULL);
    const char *name = layered[_i].name;
    int a = gb_ref_find_authority(ref, name, strlen(name), 0, 20250331, scratch, NULL);
    g_string_free(scratch, TRUE);
    ck_assert_int_ge(a, 0);
    double dpi = layered[_i].dpi, height;
    gb_chartfile_forget();
    GByteArray *fresh = render_map(a, dpi, &height); /* draws the base */
    double kh;
    int kent = authority("886");
    g_byte_array_unref(render_map(kent != a ? kent : authority("302"), dpi, &kh));
    GByteArray *kept = render_map(a, dpi, &height); /* over the kept base */
    ck_assert_msg(kept->len == fresh->len && memcmp(kept->data, fresh->data, fresh->len) == 0,
                  "%s: the map's bytes depend on the maps drawn before it", name);
    /* The whole chart drawn at once, as gb_chartfile_render draws a chart of
     * one layer. */
    GbChartInput in = {.table = table, .stats = stats, .moves = moves, .latest = latest};
    in.authority = a;
    char *err = NULL;
    GbChart *c = gb_chart_new("map", &in, &err);
    cairo_surface_t *whole = drawn_whole(c, height, dpi);
    cairo_surface_t *back = png_pixels(kept);
    if (!same_pixels(back, whole)) {
        cairo_surface_write_to_png(back, "layered.out.png");
        cairo_surface_write_to_png(whole, "layered.want.png");
        ck_abort_msg("%s at %g dpi: the layered map differs from the whole one "
                     "(layered.out.png, layered.want.png)",
                     name, dpi);
    }
    cairo_surface_destroy(back);
    cairo_surface_destroy(whole);
    gb_chart_free(c);
    g_byte_array_unref(fresh);
    g_byte_array_unref(kept);
    gb_chartfile_forget();
}
END_TEST

/* Each chart's PNG as the briefing makes it (481.9 points wide at 150 dpi,
 * filtered in place, deflated a run of rows at a time), read back by libpng,
 * has the pixels of the chart drawn whole on an image, every one; and the
 * same pixels give the same bytes. */
START_TEST(test_png_chart)
{
    GbChart *c = make(_i);
    GbChartFileOptions o = {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = 150};
    GByteArray *b = NULL, *again = NULL;
    GbDiag d = {0};
    ck_assert_int_eq(gb_chartfile_render(c, fonts, &o, &b, &d), GB_OK);
    ck_assert_int_eq(gb_chartfile_render(c, fonts, &o, &again, &d), GB_OK);
    ck_assert_msg(again->len == b->len && memcmp(again->data, b->data, b->len) == 0,
                  "%s: two renders differ", charts[_i].name);
    cairo_surface_t *whole = drawn_whole(c, gb_chartfile_height(c, fonts, 481.9), 150);
    cairo_surface_t *back = png_pixels(b);
    if (!same_pixels(back, whole)) {
        cairo_surface_write_to_png(back, "chart.out.png");
        cairo_surface_write_to_png(whole, "chart.want.png");
        ck_abort_msg("%s: the PNG's pixels differ from the chart's (chart.out.png, "
                     "chart.want.png)",
                     charts[_i].name);
    }
    cairo_surface_destroy(back);
    cairo_surface_destroy(whole);
    g_byte_array_unref(b);
    g_byte_array_unref(again);
    gb_chart_free(c);
}
END_TEST

/* A run of chart tasks (gb_chartfile_run_*) gives each chart in each format
 * the bytes gb_chartfile_render gives it, whoever draws which task: this
 * thread with its fonts, threads with fonts of their own, run_end alone, a
 * helper that comes after the end; and the first failure, with its
 * diagnosis, whatever else was drawn. */
static const struct {
    const char *name;
    gboolean caller; /* this thread helps, with the fixture's fonts */
    int threads;     /* threads that help with fonts of their own */
    gboolean late;   /* a helper after run_end */
    double bad_dpi;  /* > 0: the last format is a PNG too large to make */
} runs[] = {
    {"run_end draws every task", FALSE, 0, FALSE, 0},
    {"this thread draws them", TRUE, 0, FALSE, 0},
    {"this thread and two others", TRUE, 2, FALSE, 0},
    {"two other threads, a late helper", FALSE, 2, TRUE, 0},
    {"a task fails", TRUE, 1, FALSE, 20000},
};

static gpointer
run_helper(gpointer run)
{
    gb_chartfile_run_help(run, NULL);
    return NULL;
}

/* Three charts of the fixture's data, for the runs. */
static GPtrArray *
run_charts(void)
{
    const char *names[] = {"distribution", "trend", "counts"};
    GbChartInput in = {
        .table = table, .stats = stats, .moves = moves, .latest = latest, .authority = -1};
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)gb_chart_free);
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        char *err = NULL;
        GbChart *c = gb_chart_new(names[i], &in, &err);
        ck_assert_msg(c != NULL, "%s: %s", names[i], err);
        g_ptr_array_add(list, c);
    }
    return list;
}

START_TEST(test_chart_run)
{
    GPtrArray *list = run_charts();
    const GbChartFileOptions opts[] = {
        {.format = GB_FORMAT_SVG, .width = 300},
        {.format = GB_FORMAT_PNG, .width = 300, .dpi = 72},
        {.format = GB_FORMAT_PNG,
         .width = 300,
         .dpi = runs[_i].bad_dpi > 0 ? runs[_i].bad_dpi : 96},
    };
    const int nopts = G_N_ELEMENTS(opts);
    GbChartRun *run = gb_chartfile_run_new(list, opts, nopts, NULL);
    GPtrArray *threads = g_ptr_array_new();
    for (int t = 0; t < runs[_i].threads; t++)
        g_ptr_array_add(threads, g_thread_new("helper", run_helper, run));
    if (runs[_i].caller)
        gb_chartfile_run_help(run, fonts);
    GPtrArray *made = NULL;
    GbDiag d = {0};
    GbStatus st = gb_chartfile_run_end(run, &made, &d);
    for (guint t = 0; t < threads->len; t++)
        g_thread_join(g_ptr_array_index(threads, t));
    g_ptr_array_free(threads, TRUE);
    if (runs[_i].late)
        gb_chartfile_run_help(run, fonts); /* nothing left: returns at once */
    gb_chartfile_run_free(run);
    if (runs[_i].bad_dpi > 0) {
        ck_assert_int_eq(st, GB_SOFTWARE);
        ck_assert_ptr_null(made);
        ck_assert_msg(d.message != NULL && strstr(d.message, "pixels") != NULL, "%s: %s",
                      runs[_i].name, d.message);
        gb_diag_clear(&d);
    } else {
        ck_assert_msg(st == GB_OK, "%s: %s", runs[_i].name, d.message);
        ck_assert_int_eq(made->len, list->len * (guint)nopts);
        for (guint i = 0; i < made->len; i++) {
            GByteArray *want = NULL, *got = g_ptr_array_index(made, i);
            ck_assert_int_eq(gb_chartfile_render(g_ptr_array_index(list, i / (guint)nopts), fonts,
                                                 &opts[i % (guint)nopts], &want, &d),
                             GB_OK);
            ck_assert_ptr_nonnull(got);
            if (opts[i % (guint)nopts].format == GB_FORMAT_SVG) {
                /* cairo numbers an SVG's surfaces process-wide: compared as
                 * the briefing writes them, numbered in order. */
                GByteArray *a = gb_html_svg_file(got, "t", "d"),
                           *b = gb_html_svg_file(want, "t", "d");
                g_byte_array_unref(want);
                want = b;
                got = a;
            } else {
                g_byte_array_ref(got);
            }
            ck_assert_msg(got->len == want->len && memcmp(got->data, want->data, want->len) == 0,
                          "%s: task %u differs from gb_chartfile_render", runs[_i].name, i);
            g_byte_array_unref(got);
            g_byte_array_unref(want);
        }
        g_ptr_array_unref(made);
    }
    g_ptr_array_free(list, TRUE);
}
END_TEST

/* A run that hands each file to a done function as it is drawn (the
 * briefing's chart files, written at once and let go): every task handed
 * once, on whichever thread drew it, with the bytes gb_chartfile_render
 * gives it, and nothing left in the run's slots; a done that fails (a full
 * disk) fails the run with its status and diagnosis, not a drawing's. */
typedef struct {
    GMutex lock;
    GPtrArray *got; /* by task: the bytes handed */
    int calls;
    int fail_at; /* the task whose done fails, or -1 */
    int nopts;
} DoneLog;

static GbStatus
done_log(guint chart, int k, GByteArray *bytes, gpointer user, GbDiag *diag)
{
    DoneLog *log = user;
    guint i = chart * (guint)log->nopts + (guint)k;
    g_mutex_lock(&log->lock);
    log->calls++;
    ck_assert_ptr_null(g_ptr_array_index(log->got, i));
    g_ptr_array_index(log->got, i) = bytes;
    g_mutex_unlock(&log->lock);
    if ((int)i == log->fail_at) {
        gb_diag_set(diag, "out/charts/x.png", 0, 0, "cannot write: No space left on device");
        return GB_CANTCREAT;
    }
    return GB_OK;
}

START_TEST(test_chart_run_done)
{
    GPtrArray *list = run_charts();
    const GbChartFileOptions opts[] = {
        {.format = GB_FORMAT_SVG, .width = 300},
        {.format = GB_FORMAT_PNG, .width = 300, .dpi = 72},
    };
    const int nopts = G_N_ELEMENTS(opts);
    DoneLog log = {.got = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref),
                   .fail_at = _i == 0 ? -1 : 3,
                   .nopts = nopts};
    g_mutex_init(&log.lock);
    g_ptr_array_set_size(log.got, (gint)(list->len * (guint)nopts));
    GbChartRun *run = gb_chartfile_run_new(list, opts, nopts, NULL);
    gb_chartfile_run_on_done(run, done_log, &log);
    GThread *other = g_thread_new("helper", run_helper, run);
    gb_chartfile_run_help(run, fonts);
    GPtrArray *made = NULL;
    GbDiag d = {0};
    GbStatus st = gb_chartfile_run_end(run, &made, &d);
    g_thread_join(other);
    gb_chartfile_run_free(run);
    if (log.fail_at >= 0) {
        ck_assert_int_eq(st, GB_CANTCREAT);
        ck_assert_ptr_null(made);
        ck_assert_str_eq(d.message, "cannot write: No space left on device");
        ck_assert_int_le(log.calls, (int)log.got->len);
        gb_diag_clear(&d);
    } else {
        ck_assert_msg(st == GB_OK, "%s", d.message);
        ck_assert_int_eq(log.calls, (int)log.got->len);
        for (guint i = 0; i < made->len; i++)
            ck_assert_ptr_null(g_ptr_array_index(made, i));
        g_ptr_array_unref(made);
        for (guint i = 0; i < log.got->len; i++) {
            GByteArray *want = NULL, *got = g_ptr_array_index(log.got, i);
            ck_assert_int_eq(gb_chartfile_render(g_ptr_array_index(list, i / (guint)nopts), fonts,
                                                 &opts[i % (guint)nopts], &want, &d),
                             GB_OK);
            if (opts[i % (guint)nopts].format == GB_FORMAT_SVG) {
                GByteArray *a = gb_html_svg_file(got, "t", "d"),
                           *b = gb_html_svg_file(want, "t", "d");
                g_byte_array_unref(want);
                want = b, got = a;
            } else {
                g_byte_array_ref(got);
            }
            ck_assert_msg(got->len == want->len && memcmp(got->data, want->data, want->len) == 0,
                          "task %u handed other bytes than gb_chartfile_render's", i);
            g_byte_array_unref(got);
            g_byte_array_unref(want);
        }
    }
    g_ptr_array_unref(log.got);
    g_mutex_clear(&log.lock);
    g_ptr_array_free(list, TRUE);
}
END_TEST

static Suite *
charts_suite(void)
{
    Suite *s = suite_create("charts");
    TCase *pure = tcase_create("geometry");
    tcase_add_loop_test(pure, test_ticks, 0, G_N_ELEMENTS(ticks));
    tcase_add_test(pure, test_numbers);
    tcase_add_test(pure, test_year_steps);
    tcase_add_test(pure, test_png_round_trip);
    tcase_add_loop_test(pure, test_png_deflate, 0, G_N_ELEMENTS(deflated));
    tcase_add_loop_test(pure, test_png_banded, 0, G_N_ELEMENTS(banded));
    suite_add_tcase(s, pure);
    TCase *tc = tcase_create("charts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tile_map);
    tcase_add_loop_test(tc, test_alt_text, 0, G_N_ELEMENTS(charts));
    tcase_add_test(tc, test_errors);
    tcase_add_loop_test(tc, test_timeline_axis, 0, G_N_ELEMENTS(axes));
    tcase_add_loop_test(tc, test_timeline_labels, 0, G_N_ELEMENTS(crowded));
    tcase_add_loop_test(tc, test_golden, 0, G_N_ELEMENTS(charts));
    tcase_add_test(tc, test_pdf_labels);
    tcase_add_test(tc, test_svg_tile_titles);
    tcase_add_loop_test(tc, test_layered_map, 0, G_N_ELEMENTS(layered));
    tcase_add_loop_test(tc, test_png_chart, 0, G_N_ELEMENTS(charts));
    tcase_add_loop_test(tc, test_chart_run, 0, G_N_ELEMENTS(runs));
    tcase_add_loop_test(tc, test_chart_run_done, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(charts_suite());
}
