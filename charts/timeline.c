/* timeline.c - one authority's judgements across regimes as marks on a time
 * axis, coloured and labelled by grade; labels stacked so none overlap.
 *
 * One axis for every authority: it runs from the first year in the data to the
 * year of the as-at date (or the last year in the data, if later), whatever the
 * authority's own history, so the packs of a run can be laid side by side. The
 * axis ends with the as-at year: a pack shows its next-inspection estimate in
 * words, never on the timeline. Each year is a span between two ticks, labelled
 * at its middle. */
#include "charts/chart-private.h"

#include <math.h>

#define GB__TIER 11.0
#define GB__TIERS 4         /* the tiers the chart makes room for at least */
#define GB__REGIME_ROW 10.0 /* the second row of regime names, below the first */

typedef struct {
    double when; /* fractional year */
    int regime, grade, level;
    char *label; /* "Inadequate" */
    char *as;    /* predecessor name, or NULL */
} GbMark;

typedef struct {
    GArray *marks;
    int axis_from, axis_to; /* the first and last years on the axis, whole */
} GbTimelineData;

static void
gb__free(gpointer p)
{
    GbTimelineData *d = p;
    for (guint i = 0; i < d->marks->len; i++) {
        g_free(g_array_index(d->marks, GbMark, i).label);
        g_free(g_array_index(d->marks, GbMark, i).as);
    }
    g_array_free(d->marks, TRUE);
    g_free(d);
}

static gboolean
gb__build(GbChart *c, const GbChartInput *in, char **error)
{
    const GbRef *ref = c->ref;
    const GbAuthority *au = gb_ref_authority(ref, in->authority);
    GbTimelineData *d = g_new0(GbTimelineData, 1);
    d->marks = g_array_new(FALSE, TRUE, sizeof(GbMark));
    c->data = d;
    GArray *h = gb_stats_history(in->table, in->authority);
    GString *alt = g_string_new(NULL);
    g_string_append_printf(alt, "Timeline of %s's headline inspection judgements:", au->name);
    for (guint i = 0; i < h->len; i++) {
        const GbEvent *e = &g_array_index(h, GbEvent, i);
        GbMark m = {.regime = e->regime, .grade = e->grade, .level = e->common};
        /* A date places the mark in its year; a bare year at mid-year. */
        m.when = e->date ? e->year + ((e->date / 100 % 100) - 1 + (e->date % 100) / 31.0) / 12.0
                         : e->year + 0.5;
        if (e->as_authority >= 0) {
            m.as = g_strdup(gb_ref_authority(ref, e->as_authority)->name);
            m.label =
                g_strdup_printf("%s (as %s)", gb_ref_grade(ref, e->regime, e->grade)->label, m.as);
        } else {
            m.label = g_strdup(gb_ref_grade(ref, e->regime, e->grade)->label);
        }
        g_array_append_val(d->marks, m);
        g_string_append_printf(alt, "%s %d %s %s", i ? ";" : "", e->year,
                               gb_ref_regime(ref, e->regime)->short_name, m.label);
    }
    g_array_free(h, TRUE);
    if (d->marks->len == 0) {
        *error = g_strdup_printf("%s has no judgements in the data", au->name);
        g_string_free(alt, TRUE);
        return FALSE;
    }
    /* The data's years, not the authority's: the same axis in every pack. */
    const GbTable *t = in->table;
    int as_at_year = in->latest != NULL ? (int)(in->latest->as_at / 10000) : 0;
    d->axis_from = t->min_year;
    d->axis_to = MAX(t->max_year, as_at_year);
    g_string_append_c(alt, '.');
    c->title = g_strdup_printf("%s: inspection judgements over time", au->name);
    c->subtitle = g_strdup("Headline judgement of each inspection, all regimes; marks are "
                           "coloured by grade on the common scale");
    c->source = g_strdup("Source: Ofsted; press reports of published judgements.");
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

/* The axis's ends across a plot of width w from x: inset by half a year
 * label, so centred year labels never leave the box. */
static void
gb__axis_span(GbFonts *f, double x, double w, double *x0, double *span)
{
    double yw, yh;
    gb_fonts_measure(f, "2000", GB_SIZE_SMALL, FALSE, -1, &yw, &yh);
    *x0 = x + yw / 2 + 2;
    *span = w - yw - 4;
}

static double
gb__x(const GbTimelineData *d, double x0, double span, double t)
{
    int y_first = d->axis_from, y_last = d->axis_to + 1;
    return x0 + span * (t - y_first) / (double)(y_last - y_first);
}

/* Places every mark's label across a plot from x, w wide: its left edge and
 * its tier above the axis (0 the lowest). Each label covers its mark (centred
 * on it, else starting or ending at it) on the lowest tier where it clears
 * every label already there by 3 points; as many tiers as that takes, so no
 * two labels ever overlap. Returns the tiers used. */
static int
gb__place_labels(const GbTimelineData *d, GbFonts *f, double x, double w, double *lx, int *tier)
{
    double x0, span;
    gb__axis_span(f, x, w, &x0, &span);
    GArray *ends = g_array_new(FALSE, FALSE, sizeof(double)); /* each tier's right end */
    for (guint i = 0; i < d->marks->len; i++) {
        const GbMark *m = &g_array_index(d->marks, GbMark, i);
        double mx = gb__x(d, x0, span, m->when), tw, th;
        gb_fonts_measure(f, m->label, GB_SIZE_SMALL, FALSE, -1, &tw, &th);
        double at[3] = {mx - tw / 2, mx - 2, mx + 2 - tw};
        int k = 0;
        for (;; k++) {
            if (k == (int)ends->len) {
                double none = -1e9;
                g_array_append_val(ends, none);
            }
            double end = g_array_index(ends, double, k);
            int j = 0;
            for (; j < 3; j++) {
                double a = CLAMP(at[j], x, x + w - tw);
                if (a >= end + 3) {
                    lx[i] = a;
                    break;
                }
            }
            if (j < 3)
                break;
        }
        tier[i] = k;
        g_array_index(ends, double, k) = lx[i] + tw;
    }
    int tiers = (int)ends->len;
    g_array_free(ends, TRUE);
    return tiers;
}

/* The tiers the labels take across a plot `width` wide, at least GB__TIERS. */
static int
gb__tiers(const GbChart *c, GbFonts *f, double width)
{
    const GbTimelineData *d = c->data;
    double *lx = g_new(double, MAX(d->marks->len, 1));
    int *tier = g_new(int, MAX(d->marks->len, 1));
    int tiers = gb__place_labels(d, f, 0, width, lx, tier);
    g_free(lx);
    g_free(tier);
    return MAX(tiers, GB__TIERS);
}

static double
gb__height(const GbChart *c, GbFonts *f, double width)
{
    return gb__tiers(c, f, width) * GB__TIER + 16 + 14 + 12 + 10;
}

static void
gb__draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    const GbTimelineData *d = c->data;
    const GbRef *ref = c->ref;
    /* Ticks at the start of each year and at the end of the last. */
    int y_first = d->axis_from, y_last = d->axis_to + 1;
    double yw, yh;
    gb_fonts_measure(f, "2000", GB_SIZE_SMALL, FALSE, -1, &yw, &yh);
    double x0, w;
    gb__axis_span(f, plot.x, plot.w, &x0, &w);
    double *label_x = g_new(double, MAX(d->marks->len, 1));
    int *label_tier = g_new(int, MAX(d->marks->len, 1));
    int tiers = MAX(gb__place_labels(d, f, plot.x, plot.w, label_x, label_tier), GB__TIERS);
    double axis_y = plot.y + tiers * GB__TIER + 16;
#define X(t) gb__x(d, x0, w, (t))
    cairo_move_to(cr, x0, axis_y);
    cairo_line_to(cr, x0 + w, axis_y);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_set_line_width(cr, 0.75);
    cairo_stroke(cr);
    int every = gb_ticks_year_step(w / (y_last - y_first), yw);
    for (int y = y_first; y <= y_last; y++) {
        cairo_move_to(cr, X(y), axis_y);
        cairo_line_to(cr, X(y), axis_y + 3);
        cairo_stroke(cr);
        /* Counted back from the last year, so the as-at year is always labelled. */
        if (y < y_last && (d->axis_to - y) % every == 0) {
            char lab[8];
            g_snprintf(lab, sizeof lab, "%d", y);
            gb_text_draw_aligned(f, cr, lab, GB_SIZE_SMALL, FALSE, X(y + 0.5), axis_y + 4, 0.5,
                                 GB_GREY);
        }
    }
    /* Regime names under the axis, each at the middle of its span; one that
     * would touch the name before it goes on a second row. */
    double ry = axis_y + 16, row_end[2] = {-1e9, -1e9};
    for (guint r = 0; r < ref->regimes->len; r++) {
        gboolean used = FALSE;
        double a = 1e9, b = -1e9;
        for (guint i = 0; i < d->marks->len; i++) {
            const GbMark *m = &g_array_index(d->marks, GbMark, i);
            if (m->regime == (int)r) {
                used = TRUE;
                a = MIN(a, m->when);
                b = MAX(b, m->when);
            }
        }
        if (!used)
            continue;
        const char *name = gb_ref_regime(ref, (int)r)->short_name;
        double tw, th;
        gb_fonts_measure(f, name, GB_SIZE_SMALL, FALSE, -1, &tw, &th);
        double cx = CLAMP((X(a) + X(b)) / 2, plot.x + tw / 2, plot.x + plot.w - tw / 2);
        int row = cx - tw / 2 >= row_end[0] + 4   ? 0
                  : cx - tw / 2 >= row_end[1] + 4 ? 1
                  : row_end[0] <= row_end[1]      ? 0
                                                  : 1;
        row_end[row] = cx + tw / 2;
        gb_text_draw_aligned(f, cr, name, GB_SIZE_SMALL, FALSE, cx, ry + row * GB__REGIME_ROW, 0.5,
                             GB_GREY);
    }
    /* Marks, with leader lines up to their labels' tiers. */
    double *label_at = g_new(double, 2 * MAX(d->marks->len, 1)); /* lx, ly of each */
    for (guint i = 0; i < d->marks->len; i++) {
        const GbMark *m = &g_array_index(d->marks, GbMark, i);
        double x = X(m->when);
        GbRgb col = m->level >= 0 ? gb_palette_level(m->level) : gb_palette_category(m->grade);
        double tw, th;
        gb_fonts_measure(f, m->label, GB_SIZE_SMALL, FALSE, -1, &tw, &th);
        double lx = label_x[i];
        double ly = axis_y - 12 - (label_tier[i] + 1) * GB__TIER;
        cairo_move_to(cr, x, axis_y - 5);
        cairo_line_to(cr, x, ly + th);
        cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        cairo_arc(cr, x, axis_y - 5, 4, 0, 2 * G_PI);
        gb_palette_fill(cr, col, m->level);

        label_at[2 * i] = lx;
        label_at[2 * i + 1] = ly;
    }
    /* The labels last, each on a white plate: a later mark's leader line never
     * crosses an earlier mark's label. */
    for (guint i = 0; i < d->marks->len; i++) {
        const GbMark *m = &g_array_index(d->marks, GbMark, i);
        double tw, th, lx = label_at[2 * i], ly = label_at[2 * i + 1];
        gb_fonts_measure(f, m->label, GB_SIZE_SMALL, FALSE, -1, &tw, &th);
        cairo_rectangle(cr, lx - 1, ly, tw + 2, th);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
        gb_text_draw(f, cr, m->label, GB_SIZE_SMALL, FALSE, lx, ly, GB_INK);
    }
    g_free(label_at);
    g_free(label_x);
    g_free(label_tier);
#undef X
}

GArray *
gb__timeline_label_boxes(const GbChart *c, GbFonts *f, double width, double *height)
{
    const GbTimelineData *d = c->data;
    double *lx = g_new(double, MAX(d->marks->len, 1));
    int *tier = g_new(int, MAX(d->marks->len, 1));
    int tiers = MAX(gb__place_labels(d, f, 0, width, lx, tier), GB__TIERS);
    double axis_y = tiers * GB__TIER + 16;
    *height = gb__height(c, f, width);
    GArray *boxes = g_array_new(FALSE, FALSE, sizeof(GbBox));
    for (guint i = 0; i < d->marks->len; i++) {
        const GbMark *m = &g_array_index(d->marks, GbMark, i);
        double tw, th;
        gb_fonts_measure(f, m->label, GB_SIZE_SMALL, FALSE, -1, &tw, &th);
        GbBox b = {lx[i], axis_y - 12 - (tier[i] + 1) * GB__TIER, tw, th};
        g_array_append_val(boxes, b);
    }
    g_free(lx);
    g_free(tier);
    return boxes;
}

gboolean
gb_chart_timeline_axis(const GbChart *c, int *first, int *last)
{
    if (c == NULL || c->klass != &gb__timeline_class)
        return FALSE;
    const GbTimelineData *d = c->data;
    *first = d->axis_from;
    *last = d->axis_to;
    return TRUE;
}

const GbChartClass gb__timeline_class = {
    .name = "timeline",
    .needs_authority = TRUE,
    .build = gb__build,
    .height = gb__height,
    .draw = gb__draw,
    .free_data = gb__free,
};
