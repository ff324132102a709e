/* position.c - one authority's position as at each date of a series (31
 * March each year) beside its comparators': a dot plot of the share good or
 * better in England, the region and the statistical neighbours, one row a
 * date, with the authority's own grade as a highlighted chip at the row's
 * head. Draws the figures of packsummary.h's series; computes none. */
#include "charts/chart-private.h"

#include "pipeline/packsummary.h"

#include <math.h>

#define GB__ROW 12.0
#define GB__CHIP 22.0

typedef struct {
    char label[16];  /* "2019", or the date of a row that is not a 31 March */
    int own;         /* common level, -1 not judged, -2 did not exist */
    gboolean as;     /* a predecessor's judgement */
    double share[3]; /* England, region, neighbours: percent good or better; <0 no base */
    int base;        /* England's base: authorities judged */
} GbPosRow;

typedef struct {
    GArray *rows;  /* GbPosRow */
    char *as_note; /* "† as Northamptonshire", or NULL */
} GbPositionData;

static const char *const gb__codes[GB_COMMON_LEVELS] = {"O", "G", "RI", "I"};

static void
gb__free(gpointer p)
{
    GbPositionData *d = p;
    g_array_free(d->rows, TRUE);
    g_free(d->as_note);
    g_free(d);
}

static double
gb__share(const GbPosition *p)
{
    return p->base > 0 ? p->percent[0] + p->percent[1] : -1;
}

static gboolean
gb__build(GbChart *c, const GbChartInput *in, char **error)
{
    const GbRef *ref = c->ref;
    if (in->years == NULL || in->years->len == 0) {
        *error = g_strdup("chart 'position' is drawn in a pack, from its position series");
        return FALSE;
    }
    const GbAuthority *au = gb_ref_authority(ref, in->authority);
    const char *region = g_ptr_array_index(ref->regions, au->region);
    GbPositionData *d = g_new0(GbPositionData, 1);
    d->rows = g_array_new(FALSE, TRUE, sizeof(GbPosRow));
    c->data = d;
    GString *alt = g_string_new(NULL);
    g_string_append_printf(alt,
                           "Dot plot of the share of authorities whose latest overall "
                           "effectiveness judgement was good or better, in England, the "
                           "%s region and %s's statistical neighbours, as at each date, "
                           "with %s's own latest grade:",
                           region, au->name, au->name);
    int pred = -1;
    for (guint i = 0; i < in->years->len; i++) {
        const GbPackYear *y = &g_array_index(in->years, GbPackYear, i);
        GbPosRow r = {.own = y->own, .as = y->own_as >= 0};
        if (y->as_at % 10000 == 331)
            g_snprintf(r.label, sizeof r.label, "%u", y->as_at / 10000);
        else
            gb_text_format_date(y->as_at, r.label);
        for (int k = 0; k < 3; k++)
            r.share[k] = gb__share(&y->cmp[k]);
        r.base = y->cmp[0].base;
        if (y->own_as >= 0)
            pred = y->own_as;
        g_array_append_val(d->rows, r);
        char date[32];
        gb_text_format_date_long(y->as_at, date, sizeof date);
        g_string_append_printf(alt, "%s %s: %s %s%s%s", i ? ";" : "", date, au->name,
                               y->own >= 0    ? ref->common_labels[y->own]
                               : y->own == -1 ? "not judged"
                                              : "did not exist",
                               y->own_as >= 0 ? " as " : "",
                               y->own_as >= 0 ? gb_ref_authority(ref, y->own_as)->name : "");
        static const char *const who[3] = {"England", "region", "neighbours"};
        for (int k = 0; k < 3; k++) {
            if (y->cmp[k].base > 0)
                g_string_append_printf(alt, ", %s %d of %d good or better", who[k],
                                       y->cmp[k].good_or_better, y->cmp[k].base);
            else
                g_string_append_printf(alt, ", %s none judged", who[k]);
        }
    }
    g_string_append_c(alt, '.');
    if (pred >= 0)
        d->as_note = g_strdup_printf("\u2020 as %s, before %s existed",
                                     gb_ref_authority(ref, pred)->name, au->name);
    const GbPackYear *first = &g_array_index(in->years, GbPackYear, 0);
    const GbPackYear *last = &g_array_index(in->years, GbPackYear, in->years->len - 1);
    c->title = g_strdup_printf("Position as at 31 March, %u\u2013%u", first->as_at / 10000,
                               last->as_at / 10000);
    c->subtitle = g_strdup("Share good or better (overall effectiveness); the chip is "
                           "the authority's own grade");
    (void)region;
    c->source = g_strdup_printf("Latest judgements as at each date; n: England's base. "
                                "Source: Ofsted.%s%s",
                                d->as_note ? " " : "", d->as_note ? d->as_note : "");
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

static double
gb__height(const GbChart *c, GbFonts *f, double width)
{
    (void)f;
    (void)width;
    const GbPositionData *d = c->data;
    return 14 + d->rows->len * GB__ROW + 14;
}

/* A marker of comparator k (0 England, 1 region, 2 neighbours) at (x, y). */
static void
gb__marker(cairo_t *cr, int k, double x, double y)
{
    const double r = 3.4;
    cairo_new_sub_path(cr);
    if (k == 0) {
        cairo_arc(cr, x, y, r, 0, 2 * G_PI);
        cairo_set_source_rgb(cr, GB_INK.r, GB_INK.g, GB_INK.b);
        cairo_fill(cr);
    } else if (k == 1) {
        cairo_rectangle(cr, x - r + 0.6, y - r + 0.6, 2 * r - 1.2, 2 * r - 1.2);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, GB_INK.r, GB_INK.g, GB_INK.b);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
    } else {
        cairo_move_to(cr, x, y - r - 0.5);
        cairo_line_to(cr, x + r + 0.3, y + r - 0.5);
        cairo_line_to(cr, x - r - 0.3, y + r - 0.5);
        cairo_close_path(cr);
        cairo_set_source_rgb(cr, GB_GREY.r, GB_GREY.g, GB_GREY.b);
        cairo_fill(cr);
    }
}

static void
gb__draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    const GbPositionData *d = c->data;
    const double size = GB_SIZE_SMALL;
    /* The key: one marker and name each. */
    static const char *const names[3] = {"England", "Region", "Neighbours"};
    double x = plot.x;
    for (int k = 0; k < 3; k++) {
        double w, h;
        gb_fonts_measure(f, names[k], size, FALSE, -1, &w, &h);
        gb__marker(cr, k, x + 4, plot.y + 5);
        gb_text_draw(f, cr, names[k], size, FALSE, x + 10, plot.y, GB_INK);
        x += 10 + w + 10;
    }
    double lw = 0, lh = 0;
    for (guint i = 0; i < d->rows->len; i++) {
        double w, h;
        gb_fonts_measure(f, g_array_index(d->rows, GbPosRow, i).label, size, FALSE, -1, &w, &h);
        lw = MAX(lw, w);
        lh = MAX(lh, h);
    }
    double top = plot.y + 14;
    double chip_x = plot.x + lw + 4;
    double nw, nh;
    gb_fonts_measure(f, "of 153", size, FALSE, -1, &nw, &nh);
    double x0 = chip_x + GB__CHIP + 10, x1 = plot.x + plot.w - nw - 12;
    gb_text_draw_aligned(f, cr, "England n", size, FALSE, plot.x + plot.w, plot.y, 1.0, GB_GREY);
    double bottom = top + d->rows->len * GB__ROW;
    /* Grid and axis labels every 25%. */
    for (int t = 0; t <= 4; t++) {
        double gx = x0 + (x1 - x0) * t / 4.0;
        cairo_move_to(cr, gx, top);
        cairo_line_to(cr, gx, bottom);
        cairo_set_source_rgb(cr, GB_RULE.r, GB_RULE.g, GB_RULE.b);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        char buf[8];
        g_snprintf(buf, sizeof buf, "%d%%", t * 25);
        gb_text_draw_aligned(f, cr, buf, size, FALSE, gx, bottom + 2, 0.5, GB_GREY);
    }
    for (guint i = 0; i < d->rows->len; i++) {
        const GbPosRow *r = &g_array_index(d->rows, GbPosRow, i);
        double y = top + i * GB__ROW, cy = y + GB__ROW / 2;
        gb_text_draw_aligned(f, cr, r->label, size, FALSE, plot.x + lw, cy - lh / 2, 1.0, GB_INK);
        /* The authority itself: a chip of its grade, outlined, with the code. */
        if (r->own != -2) {
            GbRgb col = gb_palette_level(r->own);
            cairo_rectangle(cr, chip_x, y + 1, GB__CHIP, GB__ROW - 2);
            gb_palette_fill(cr, col, r->own);
            cairo_rectangle(cr, chip_x - 0.5, y + 0.5, GB__CHIP + 1, GB__ROW - 1);
            cairo_set_source_rgb(cr, GB_INK.r, GB_INK.g, GB_INK.b);
            cairo_set_line_width(cr, 1.0);
            cairo_stroke(cr);
            char code[16];
            g_snprintf(code, sizeof code, "%s%s", r->own >= 0 ? gb__codes[r->own] : "\u2013",
                       r->as ? "\u2020" : "");
            double cw, ch;
            gb_fonts_measure(f, code, size, TRUE, -1, &cw, &ch);
            /* The kit's ink by contrast, on a plate over the hatch. */
            GbRgb ink = gb_palette_label_backing(cr, col, r->own, chip_x + GB__CHIP / 2 - cw / 2,
                                                 cy - ch / 2, cw, ch);
            gb_text_draw(f, cr, code, size, TRUE, chip_x + GB__CHIP / 2 - cw / 2, cy - ch / 2, ink);
        }
        char n[16];
        g_snprintf(n, sizeof n, "%d", r->base);
        gb_text_draw_aligned(f, cr, n, size, FALSE, plot.x + plot.w, cy - lh / 2, 1.0, GB_GREY);
        for (int k = 2; k >= 0; k--)
            if (r->share[k] >= 0)
                gb__marker(cr, k, x0 + (x1 - x0) * r->share[k] / 100.0, cy);
    }
}

const GbChartClass gb__position_class = {
    .name = "position",
    .needs_authority = TRUE,
    .build = gb__build,
    .height = gb__height,
    .draw = gb__draw,
    .free_data = gb__free,
};
