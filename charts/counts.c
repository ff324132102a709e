/* counts.c - how many authorities hold each grade now: bars with their counts
 * (the latest overall effectiveness as at a date). */
#include "charts/chart-private.h"

typedef struct {
    int count[GB_COMMON_LEVELS];
    int total, not_inspected;
} GbCountsData;

static void
gb__free(gpointer p)
{
    g_free(p);
}

static gboolean
gb__build(GbChart *c, const GbChartInput *in, char **error)
{
    const GbLatest *l = in->latest;
    GbCountsData *d = g_new0(GbCountsData, 1);
    c->data = d;
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        d->count[g] = l->count[g];
        d->total += l->count[g];
    }
    d->not_inspected = l->not_inspected;
    if (d->total == 0) {
        *error = g_strdup("no overall effectiveness judgement on or before the date");
        return FALSE;
    }
    char date[32];
    gb_text_format_date_long(l->as_at, date, sizeof date);
    c->title = g_strdup_printf("Latest overall effectiveness as at %s", date);
    c->subtitle = g_strdup_printf("Number of the %d authorities in existence on that date, by "
                                  "their most recent judgement",
                                  l->authorities);
    c->source = g_strdup("Source: Ofsted, LA inspection outcomes; computed by gradebrief.");
    GString *alt = g_string_new(NULL);
    g_string_append_printf(alt, "Bar chart. As at %s, of %d authorities: ", date, l->authorities);
    for (int g = 0; g < GB_COMMON_LEVELS; g++)
        g_string_append_printf(alt, "%s%d %s (%.1f%%)", g ? ", " : "", d->count[g],
                               c->ref->common_labels[g], 100.0 * d->count[g] / l->authorities);
    if (d->not_inspected > 0)
        g_string_append_printf(alt, "; %d not yet inspected", d->not_inspected);
    g_string_append_c(alt, '.');
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

static double
gb__height(const GbChart *c, GbFonts *f, double width)
{
    return CLAMP(width * 0.45, 120, 220);
}

static void
gb__draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    const GbCountsData *d = c->data;
    int max = 1;
    for (int g = 0; g < GB_COMMON_LEVELS; g++)
        max = MAX(max, d->count[g]);
    /* Category labels under the bars, wrapped to the slot width. */
    double slot = plot.w / GB_COMMON_LEVELS, label_h = 0;
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        double w, h;
        gb_fonts_measure(f, c->ref->common_labels[g], GB_SIZE_LABEL, FALSE, slot - 6, &w, &h);
        label_h = MAX(label_h, h);
    }
    double value_h = GB_SIZE_LABEL + 4;
    double base = plot.y + plot.h - label_h - 4;
    double top = plot.y + value_h;
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        double bh = (base - top) * d->count[g] / max;
        double x = plot.x + g * slot + slot * 0.15, w = slot * 0.7;
        cairo_rectangle(cr, x, base - bh, w, bh);
        gb_palette_fill(cr, gb_palette_level(g), g);
        char v[16];
        g_snprintf(v, sizeof v, "%d", d->count[g]);
        gb_text_draw_aligned(f, cr, v, GB_SIZE_LABEL, TRUE, x + w / 2, base - bh - value_h + 1, 0.5,
                             GB_INK);
        PangoLayout *ly =
            gb_fonts_layout(f, cr, c->ref->common_labels[g], GB_SIZE_LABEL, FALSE, FALSE, slot - 6);
        pango_layout_set_alignment(ly, PANGO_ALIGN_CENTER);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_move_to(cr, plot.x + g * slot + 3, base + 4);
        pango_cairo_show_layout(cr, ly);
        g_object_unref(ly);
    }
    cairo_move_to(cr, plot.x, base + 0.25);
    cairo_line_to(cr, plot.x + plot.w, base + 0.25);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
}

/* The bars shrink with the plot; below this the value labels above them
 * and the two-line grade names below meet. */
static double
gb__min_height(const GbChart *c, GbFonts *f, double width)
{
    return 120;
}

const GbChartClass gb__counts_class = {
    .name = "counts",
    .build = gb__build,
    .height = gb__height,
    .min_height = gb__min_height,
    .draw = gb__draw,
    .free_data = gb__free,
};
