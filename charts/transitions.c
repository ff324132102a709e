/* transitions.c - from-grade x to-grade heat map of consecutive headline
 * judgements of the same authority, with the count in every cell. */
#include "charts/chart-private.h"

typedef struct {
    int cell[GB_COMMON_LEVELS][GB_COMMON_LEVELS];
    int total, up, down;
} GbTransitionsData;

static void
gb__free(gpointer p)
{
    g_free(p);
}

static gboolean
gb__build(GbChart *c, const GbChartInput *in, char **error)
{
    GbTransitionsData *d = g_new0(GbTransitionsData, 1);
    c->data = d;
    for (int a = 0; a < GB_COMMON_LEVELS; a++) {
        for (int b = 0; b < GB_COMMON_LEVELS; b++) {
            d->cell[a][b] = in->moves->transitions[a][b];
            d->total += d->cell[a][b];
            d->up += b < a ? d->cell[a][b] : 0;
            d->down += b > a ? d->cell[a][b] : 0;
        }
    }
    if (d->total == 0) {
        *error = g_strdup("no authority has two graded judgements");
        return FALSE;
    }
    c->title = g_strdup("From one judgement to the next");
    c->subtitle = g_strdup_printf("Consecutive graded headline judgements of the same "
                                  "authority, across regimes on the common scale: %d pairs, "
                                  "%d up, %d down, %d unchanged",
                                  d->total, d->up, d->down, d->total - d->up - d->down);
    c->source = g_strdup("Source: Ofsted; press reports of published judgements. Computed by "
                         "gradebrief.");
    GString *alt = g_string_new("Grid of previous grade (rows) against next grade (columns). ");
    for (int a = 0; a < GB_COMMON_LEVELS; a++) {
        g_string_append_printf(alt, "From %s:", c->ref->common_labels[a]);
        for (int b = 0; b < GB_COMMON_LEVELS; b++)
            g_string_append_printf(alt, "%s %d to %s", b ? "," : "", d->cell[a][b],
                                   c->ref->common_labels[b]);
        g_string_append(alt, ". ");
    }
    g_string_append_printf(alt, "In all %d moved up and %d down.", d->up, d->down);
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

static double
gb__row_label_width(const GbChart *c, GbFonts *f, double width)
{
    double lw = 0, w, h;
    for (int a = 0; a < GB_COMMON_LEVELS; a++) {
        gb_fonts_measure(f, c->ref->common_labels[a], GB_SIZE_LABEL, FALSE, width * 0.3, &w, &h);
        lw = MAX(lw, w);
    }
    return lw + 8;
}

static double
gb__height(const GbChart *c, GbFonts *f, double width)
{
    double lw = gb__row_label_width(c, f, width);
    double cell = MIN((width - lw) / GB_COMMON_LEVELS, 60);
    return 14 + 30 + cell * GB_COMMON_LEVELS + 4;
}

static void
gb__draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    const GbTransitionsData *d = c->data;
    double lw = gb__row_label_width(c, f, plot.w);
    double cell = MIN((plot.w - lw) / GB_COMMON_LEVELS, 60);
    double x0 = plot.x + lw, y0 = plot.y + 14 + 30;
    int max = 1;
    for (int a = 0; a < GB_COMMON_LEVELS; a++)
        for (int b = 0; b < GB_COMMON_LEVELS; b++)
            max = MAX(max, d->cell[a][b]);
    gb_text_draw(f, cr, "Next judgement \u2192", GB_SIZE_LABEL, TRUE, x0, plot.y, GB_INK);
    gb_text_draw(f, cr, "Previous \u2193", GB_SIZE_LABEL, TRUE, plot.x, plot.y + 14, GB_INK);
    /* Column labels at a size where their longest word fits the cell. */
    double head = GB_SIZE_SMALL, ww, wh;
    gb_fonts_measure(f, "improvement", head, FALSE, -1, &ww, &wh);
    while (head > 5 && ww > cell - 4) {
        head -= 0.5;
        gb_fonts_measure(f, "improvement", head, FALSE, -1, &ww, &wh);
    }
    for (int b = 0; b < GB_COMMON_LEVELS; b++) {
        PangoLayout *ly =
            gb_fonts_layout(f, cr, c->ref->common_labels[b], head, FALSE, FALSE, cell - 4);
        pango_layout_set_alignment(ly, PANGO_ALIGN_CENTER);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_move_to(cr, x0 + b * cell + 2, plot.y + 16);
        pango_cairo_show_layout(cr, ly);
        g_object_unref(ly);
    }
    for (int a = 0; a < GB_COMMON_LEVELS; a++) {
        PangoLayout *ly =
            gb_fonts_layout(f, cr, c->ref->common_labels[a], GB_SIZE_LABEL, FALSE, FALSE, lw - 8);
        int lh;
        pango_layout_get_size(ly, NULL, &lh);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_move_to(cr, plot.x, y0 + a * cell + (cell - (double)lh / PANGO_SCALE) / 2);
        pango_cairo_show_layout(cr, ly);
        g_object_unref(ly);
        for (int b = 0; b < GB_COMMON_LEVELS; b++) {
            double t = (double)d->cell[a][b] / max;
            GbRgb col = {1 - 0.85 * t, 1 - 0.62 * t, 1 - 0.35 * t};
            cairo_rectangle(cr, x0 + b * cell + 1, y0 + a * cell + 1, cell - 2, cell - 2);
            cairo_set_source_rgb(cr, col.r, col.g, col.b);
            cairo_fill(cr);
            if (a == b) { /* unchanged: outline the diagonal */
                cairo_rectangle(cr, x0 + b * cell + 1.5, y0 + a * cell + 1.5, cell - 3, cell - 3);
                cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
                cairo_set_line_width(cr, 0.75);
                cairo_stroke(cr);
            }
            char v[16];
            g_snprintf(v, sizeof v, "%d", d->cell[a][b]);
            GbRgb ink = gb_palette_dark(col) ? (GbRgb){1, 1, 1} : GB_INK;
            gb_text_draw_aligned(f, cr, v, GB_SIZE_LABEL + 1, TRUE, x0 + b * cell + cell / 2,
                                 y0 + a * cell + cell / 2 - 5, 0.5, ink);
        }
    }
}

const GbChartClass gb__transitions_class = {
    .name = "transitions",
    .build = gb__build,
    .height = gb__height,
    .draw = gb__draw,
    .free_data = gb__free,
};
