/* map.c - one hex tile per authority in existence, coloured by its latest
 * grade and marked with the grade's code (O, G, RI, I: never colour alone),
 * with a key to the codes and short authority labels where they fit. */
#include "charts/map.h"
#include "charts/chart-private.h"
#include "charts/legend.h"

#include <math.h>
#include <string.h>

typedef struct {
    guint32 as_at;
    GArray *grade; /* int per authority: common level, -1 none, -2 n/a */
    GbLegend legend;
    int count[GB_COMMON_LEVELS + 1];
    int tiles, missing;
    char *key[GB_COMMON_LEVELS + 1]; /* legend labels with the tile codes */
    int outline;                     /* the authority outlined (a pack's own), -1 none */
} GbMapData;

/* The code on a tile of each common level, and on a tile not inspected. */
static const char *const gb__codes[GB_COMMON_LEVELS + 1] = {"O", "G", "RI", "I", "\u2013"};

static const char *
gb__code(int level)
{
    return level >= 0 && level < GB_COMMON_LEVELS ? gb__codes[level] : gb__codes[GB_COMMON_LEVELS];
}

static void
gb__free(gpointer p)
{
    GbMapData *d = p;
    for (int i = 0; i <= GB_COMMON_LEVELS; i++)
        g_free(d->key[i]);
    g_array_free(d->grade, TRUE);
    g_free(d);
}

void
gb_map_geometry(const GbRef *ref, guint32 as_at, double w, double h, GbTileGeometry *g)
{
    *g = (GbTileGeometry){0};
    int qmax = 0, rmin = G_MAXINT, rmax = 0;
    guint n = ref->authorities->len;
    g->authority = g_new(int, n);
    g->cx = g_new(double, n);
    g->cy = g_new(double, n);
    for (guint i = 0; i < n; i++) {
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        if (a->tile_q < 0 || !gb_ref_active_on(a, as_at))
            continue;
        qmax = MAX(qmax, a->tile_q);
        rmin = MIN(rmin, a->tile_r);
        rmax = MAX(rmax, a->tile_r);
        g->authority[g->n++] = (int)i;
    }
    if (g->n == 0)
        return;
    /* Pointy-top: a tile is sqrt(3) r wide and 2 r tall; rows are 1.5 r apart;
     * odd rows are pushed right by half a tile. */
    double rw = w / ((qmax + 1.5) * sqrt(3.0));
    double rh = h / ((rmax - rmin) * 1.5 + 2.0);
    double r = MIN(rw, rh);
    g->radius = r;
    g->width = (qmax + 1.5) * sqrt(3.0) * r;
    g->height = ((rmax - rmin) * 1.5 + 2.0) * r;
    for (int k = 0; k < g->n; k++) {
        const GbAuthority *a = gb_ref_authority(ref, g->authority[k]);
        g->cx[k] = sqrt(3.0) * r * (a->tile_q + 0.5 + ((a->tile_r & 1) ? 0.5 : 0.0));
        g->cy[k] = r + 1.5 * r * (rmax - a->tile_r);
    }
}

void
gb_map_geometry_clear(GbTileGeometry *g)
{
    g_free(g->authority);
    g_free(g->cx);
    g_free(g->cy);
    *g = (GbTileGeometry){0};
}

static gboolean
gb__build(GbChart *c, const GbChartInput *in, char **error)
{
    const GbRef *ref = c->ref;
    const GbLatest *l = in->latest;
    GbMapData *d = g_new0(GbMapData, 1);
    c->data = d;
    d->as_at = l->as_at;
    d->grade = g_array_copy(l->grade_of);
    d->outline = -1;
    if (in->authority >= 0 && (guint)in->authority < ref->authorities->len) {
        const GbAuthority *o = gb_ref_authority(ref, in->authority);
        if (o->tile_q >= 0 && g_array_index(d->grade, int, in->authority) != -2)
            d->outline = in->authority;
    }
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        int g = g_array_index(d->grade, int, i);
        if (g == -2)
            continue;
        if (a->tile_q < 0) {
            d->missing++;
            continue;
        }
        d->tiles++;
        d->count[g >= 0 ? g : GB_COMMON_LEVELS]++;
    }
    if (d->tiles == 0) {
        *error = g_strdup("no authority in existence on the date has a tile (tiles.csv)");
        return FALSE;
    }
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        d->key[g] = g_strdup_printf("%s  %s", gb__code(g), c->labels[g]);
        gb_legend_add(&d->legend, gb_palette_level(g), g, d->key[g]);
    }
    if (d->count[GB_COMMON_LEVELS] > 0) {
        d->key[GB_COMMON_LEVELS] = g_strdup_printf("%s  Not inspected", gb__code(-1));
        gb_legend_add(&d->legend, gb_palette_level(-1), -1, d->key[GB_COMMON_LEVELS]);
    }
    char date[32];
    gb_text_format_date_long(l->as_at, date, sizeof date);
    c->title = g_strdup_printf("Latest overall effectiveness by authority, %s", date);
    c->subtitle = d->outline >= 0
                      ? g_strdup_printf("One hexagon per authority, placed roughly where it "
                                        "lies in England; %s outlined",
                                        gb_ref_authority(ref, d->outline)->name)
                      : g_strdup("One hexagon per authority, placed roughly where it lies in "
                                 "England");
    c->source = g_strdup("Source: Ofsted. Tile layout: ODI Leeds hex map of upper-tier "
                         "authorities (MIT), updated for the 2021 and 2023 reorganisations.");
    GString *alt = g_string_new(NULL);
    g_string_append_printf(alt,
                           "Hex tile map of the %d authorities in England as at %s, each "
                           "coloured and marked by its latest overall effectiveness judgement: ",
                           d->tiles, date);
    for (int g = 0; g < GB_COMMON_LEVELS; g++)
        g_string_append_printf(alt, "%s%d %s", g ? ", " : "", d->count[g], c->labels[g]);
    if (d->count[GB_COMMON_LEVELS])
        g_string_append_printf(alt, ", %d not inspected", d->count[GB_COMMON_LEVELS]);
    if (d->outline >= 0) {
        int g = g_array_index(d->grade, int, d->outline);
        g_string_append_printf(alt, ". %s, outlined, is %s",
                               gb_ref_authority(ref, d->outline)->name,
                               g >= 0 ? ref->common_labels[g] : "not inspected");
    }
    /* The briefing sets the key of tile codes after the map; a pack does not. */
    g_string_append(alt, d->outline >= 0 ? ". The table of authorities gives each one's grade."
                                         : ". The key after the map gives each tile's code, "
                                           "authority and grade.");
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

static double
gb__height(const GbChart *c, GbFonts *f, double width)
{
    GbMapData *d = c->data;
    GbLegend lg = d->legend; /* laid out in a copy: charts are drawn on several threads */
    gb_legend_layout(&lg, f, width);
    /* As tall as the tiles are when the width alone limits them. */
    GbTileGeometry g;
    gb_map_geometry(c->ref, d->as_at, width, 1e6, &g);
    double h = g.height;
    gb_map_geometry_clear(&g);
    return lg.height + 6 + h;
}

/* The least height: tiles just large enough for every code (the draw leaves
 * a code out of a tile narrower than 1.5 radii), at most the height asked. */
static double
gb__min_height(const GbChart *c, GbFonts *f, double width)
{
    GbMapData *d = c->data;
    double want = gb__height(c, f, width);
    double widest = 0;
    for (int level = -1; level < GB_COMMON_LEVELS; level++) {
        double cw, ch;
        gb_fonts_measure(f, gb__code(level), GB_SIZE_SMALL, TRUE, -1, &cw, &ch);
        widest = MAX(widest, cw);
    }
    GbTileGeometry g;
    gb_map_geometry(c->ref, d->as_at, width, 1e6, &g);
    double tiles = g.radius > 0 ? g.height * (widest / 1.5 + 0.05) / g.radius : 0;
    gb_map_geometry_clear(&g);
    GbLegend lg = d->legend;
    gb_legend_layout(&lg, f, width);
    return MIN(want, lg.height + 6 + ceil(tiles));
}

static void
gb__hexagon(cairo_t *cr, double cx, double cy, double r)
{
    for (int k = 0; k < 6; k++) {
        double a = G_PI / 180.0 * (60 * k - 30);
        if (k == 0)
            cairo_move_to(cr, cx + r * cos(a), cy + r * sin(a));
        else
            cairo_line_to(cr, cx + r * cos(a), cy + r * sin(a));
    }
    cairo_close_path(cr);
}

/* The tiles fitted under the legend in plot: their geometry, where its
 * origin lies (ox, top), and the legend laid out (lg). Clear g after. */
static void
gb__place(const GbChart *c, GbFonts *f, GbBox plot, GbTileGeometry *g, double *ox, double *top,
          GbLegend *lg)
{
    GbMapData *d = c->data;
    *lg = d->legend; /* laid out in a copy: charts are drawn on several threads */
    gb_legend_layout(lg, f, plot.w);
    *top = plot.y + lg->height + 6;
    gb_map_geometry(c->ref, d->as_at, plot.w, plot.y + plot.h - *top, g);
    *ox = plot.x + (plot.w - g->width) / 2;
}

/* The legend and every tile: what a pack's map shares with every other
 * pack's (chart.h, the base layer). */
static void
gb__draw_tiles(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    GbMapData *d = c->data;
    GbTileGeometry g;
    double ox, top;
    GbLegend lg;
    gb__place(c, f, plot, &g, &ox, &top, &lg);
    gb_legend_draw(&lg, f, cr, plot.x, plot.y);
    /* The code, bold, on every tile; the authority's label under it where
     * both fit at the smallest chart size. */
    const double size = GB_SIZE_SMALL;
    for (int k = 0; k < g.n; k++) {
        int a = g.authority[k];
        int level = g_array_index(d->grade, int, a);
        GbRgb col = gb_palette_level(level);
        double cx = ox + g.cx[k], cy = top + g.cy[k];
        gb__hexagon(cr, cx, cy, g.radius * 0.96);
        gb_palette_fill(cr, col, level);
        const char *code = gb__code(level);
        const char *label = gb_ref_authority(c->ref, a)->short_label;
        double cw, ch, tw = 0, th = 0;
        gb_fonts_measure(f, code, size, TRUE, -1, &cw, &ch);
        if (cw > g.radius * 1.5)
            continue; /* the map is drawn too small: the table and alt text carry it */
        if (label != NULL)
            gb_fonts_measure(f, label, size, FALSE, -1, &tw, &th);
        gboolean both = label != NULL && tw <= g.radius * 1.5 && ch + th <= g.radius * 1.5;
        double y = both ? cy - (ch + th) / 2 + 0.5 : cy - ch / 2;
        /* On the hatch, a plate: the stripes would cross the letters. */
        double bw = MAX(cw, both ? tw : 0);
        GbRgb ink =
            gb_palette_label_backing(cr, col, level, cx - bw / 2, y, bw, both ? ch + th : ch);
        gb_text_draw(f, cr, code, size, TRUE, cx - cw / 2, y, ink);
        if (both)
            gb_text_draw(f, cr, label, size, FALSE, cx - tw / 2, y + ch - 1, ink);
    }
    gb_map_geometry_clear(&g);
}

/* The outlined authority, over its neighbours' edges: a white halo under a
 * thick dark line, so it stands out on any fill (the over layer). */
static void
gb__draw_outline(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    GbMapData *d = c->data;
    if (d->outline < 0)
        return;
    GbTileGeometry g;
    double ox, top;
    GbLegend lg;
    gb__place(c, f, plot, &g, &ox, &top, &lg);
    for (int k = 0; k < g.n; k++) {
        if (g.authority[k] != d->outline)
            continue;
        double cx = ox + g.cx[k], cy = top + g.cy[k];
        gb__hexagon(cr, cx, cy, g.radius * 1.02);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, MAX(g.radius * 0.6, 3.6));
        cairo_stroke(cr);
        gb__hexagon(cr, cx, cy, g.radius * 1.02);
        cairo_set_source_rgb(cr, GB_INK.r, GB_INK.g, GB_INK.b);
        cairo_set_line_width(cr, MAX(g.radius * 0.32, 2.0));
        cairo_stroke(cr);
    }
    gb_map_geometry_clear(&g);
}

static void
gb__draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    gb__draw_tiles(c, f, cr, plot);
    gb__draw_outline(c, f, cr, plot); /* last */
}

static gboolean
gb__layered(const GbChart *c)
{
    return ((const GbMapData *)c->data)->outline >= 0;
}

/* Each tile as a titled area: "North Tyneside (Nrt): Outstanding", so a
 * pointer over a tile in the SVG names the authority its code stands for. */
static void
gb__areas(const GbChart *c, GbFonts *f, GbBox plot, GArray *out)
{
    GbMapData *d = c->data;
    GbTileGeometry g;
    double ox, top;
    GbLegend lg;
    gb__place(c, f, plot, &g, &ox, &top, &lg);
    for (int k = 0; k < g.n; k++) {
        int a = g.authority[k], level = g_array_index(d->grade, int, a);
        const GbAuthority *au = gb_ref_authority(c->ref, a);
        GString *path = g_string_new(NULL);
        for (int i = 0; i < 6; i++) {
            /* The C locale's decimal point, whatever the user's. */
            double t = G_PI / 180.0 * (60 * i - 30);
            char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
            g_ascii_formatd(x, sizeof x, "%.2f", ox + g.cx[k] + g.radius * 0.96 * cos(t));
            g_ascii_formatd(y, sizeof y, "%.2f", top + g.cy[k] + g.radius * 0.96 * sin(t));
            /* Appended, not printed (a printf a corner cost more). */
            g_string_append_c(path, i ? 'L' : 'M');
            g_string_append(path, x);
            g_string_append_c(path, ' ');
            g_string_append(path, y);
            g_string_append_c(path, ' ');
        }
        g_string_append_c(path, 'Z');
        GbChartArea area = {
            .path = g_string_free(path, FALSE),
            .title = au->short_label != NULL
                         ? g_strdup_printf("%s (%s): %s", au->name, au->short_label,
                                           level >= 0 ? c->labels[level] : "not inspected")
                         : g_strdup_printf("%s: %s", au->name,
                                           level >= 0 ? c->labels[level] : "not inspected")};
        g_array_append_val(out, area);
    }
    gb_map_geometry_clear(&g);
}

/* The tiles: each authority drawn and its grade, and the one outlined. The
 * map prints no date of any inspection, so a new inspection that keeps an
 * authority's grade leaves every map as it was. */
static void
gb__digest(const GbChart *c, GbDigest *h)
{
    const GbMapData *d = c->data;
    gint32 v[2] = {d->outline, (gint32)d->grade->len};
    gb_digest_update(h, (const guchar *)v, sizeof v);
    for (guint i = 0; i < d->grade->len; i++) {
        v[0] = (gint32)i;
        v[1] = g_array_index(d->grade, int, i);
        gb_digest_update(h, (const guchar *)v, sizeof v);
    }
}

/* What the tiles show whichever authority is outlined: every tile's place,
 * label and grade, and the key. */
static void
gb__base_digest(const GbChart *c, GbDigest *h)
{
    const GbMapData *d = c->data;
    gb_digest_update(h, (const guchar *)&d->as_at, sizeof d->as_at);
    for (guint i = 0; i < d->grade->len; i++) {
        const GbAuthority *a = gb_ref_authority(c->ref, (int)i);
        gint32 v[4] = {(gint32)i, g_array_index(d->grade, int, i), a->tile_q, a->tile_r};
        gb_digest_update(h, (const guchar *)v, sizeof v);
        const char *label = a->short_label != NULL ? a->short_label : "";
        gb_digest_update(h, (const guchar *)label, strlen(label) + 1);
    }
    for (int i = 0; i < d->legend.n; i++) {
        gb_digest_update(h, (const guchar *)&d->legend.colour[i], sizeof d->legend.colour[i]);
        gb_digest_update(h, (const guchar *)d->legend.label[i], strlen(d->legend.label[i]) + 1);
    }
    for (int level = -1; level < GB_COMMON_LEVELS; level++) {
        GbRgb col = gb_palette_level(level);
        gb_digest_update(h, (const guchar *)&col, sizeof col);
    }
}

const GbChartClass gb__map_class = {
    .name = "map",
    .build = gb__build,
    .height = gb__height,
    .min_height = gb__min_height,
    .draw = gb__draw,
    .areas = gb__areas,
    .free_data = gb__free,
    .digest = gb__digest,
    .layered = gb__layered,
    .draw_base = gb__draw_tiles,
    .draw_over = gb__draw_outline,
    .base_digest = gb__base_digest,
};
