/* trend.c - the share judged inadequate over the years: a line per regime with
 * points, gaps where there is no data, and the regimes' spans named beneath. */
#include "charts/chart-private.h"
#include "pipeline/summary.h"

#include <math.h>

#define GB__LANE 11.0
#define GB__AXIS 14.0

typedef struct {
    int year, regime;
    double at;    /* x: the year, or the date as a fractional year (positions) */
    double value; /* percent */
    gboolean published;
    int count, base;
} GbPoint;

typedef struct {
    GArray *points; /* GbPoint, by regime then year */
    int first_year, last_year;
    int lanes;
    int lane[32];       /* lane of each regime in the strip */
    gboolean positions; /* points are positions as at a date, one line */
} GbTrendData;

static void
gb__free(gpointer p)
{
    GbTrendData *d = p;
    g_array_free(d->points, TRUE);
    g_free(d);
}

static void gb__lanes(GbChart *c, GbTrendData *d);

/* A date as a fractional year, for the x axis. */
static double
gb__year_of(guint32 ymd)
{
    int y = (int)(ymd / 10000), m = (int)(ymd / 100 % 100), day = (int)(ymd % 100);
    return y + ((m - 1) * 30.5 + day - 1) / 366.0;
}

/* The share judged inadequate in each position: a stock, one line. Positions
 * with a judgement for fewer than half of the authorities are left out (a
 * share of a few early inspections is not England's position). */
static gboolean
gb__build_positions(GbChart *c, const GbChartInput *in, char **error)
{
    GbTrendData *d = g_new0(GbTrendData, 1);
    d->points = g_array_new(FALSE, TRUE, sizeof(GbPoint));
    d->positions = TRUE;
    c->data = d;
    d->first_year = G_MAXINT;
    d->last_year = G_MININT;
    guint32 last = 0;
    for (guint i = 0; i < in->positions->len; i++) {
        const GbPosition *p = &g_array_index(in->positions, GbPosition, i);
        if (p->family != in->family || p->group != GB_GROUP_ENGLAND ||
            !gb_summary_position_covered(p))
            continue;
        GbPoint q = {.year = (int)(p->as_at / 10000),
                     .at = gb__year_of(p->as_at),
                     .regime = -1,
                     .value = p->percent[GB_COMMON_LEVELS - 1],
                     .count = p->count[GB_COMMON_LEVELS - 1],
                     .base = p->base};
        g_array_append_val(d->points, q);
        d->first_year = MIN(d->first_year, q.year);
        d->last_year = MAX(d->last_year, q.year);
        last = p->as_at;
    }
    if (d->points->len == 0) {
        *error = g_strdup("no date has a position to show");
        return FALSE;
    }
    gb__lanes(c, d);
    char when[32];
    gb_text_format_date_long(last, when, sizeof when);
    c->title = g_strdup("Share of authorities judged inadequate, as at 31 March each year");
    c->subtitle = g_strdup_printf("Each authority's most recent headline judgement on the date "
                                  "(a position, not the inspections made in a year), as a share "
                                  "of the authorities with one; the last point is %s. Dates on "
                                  "which fewer than half had a judgement are left out.",
                                  when);
    c->source = g_strdup("Source: Ofsted. Computed by gradebrief.");
    GString *alt = g_string_new("Line chart of the share of authorities judged inadequate, "
                                "as at each date:");
    for (guint i = 0; i < d->points->len; i++) {
        const GbPoint *p = &g_array_index(d->points, GbPoint, i);
        char cnt[16], base[16];
        gb_format_number(p->count, 0, cnt, sizeof cnt);
        gb_format_number(p->base, 0, base, sizeof base);
        g_string_append_printf(alt, "%s %d %.1f%% (%s of %s)", i ? ";" : "", p->year, p->value, cnt,
                               base);
    }
    g_string_append(alt, ".");
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

static gboolean
gb__build(GbChart *c, const GbChartInput *in, char **error)
{
    if (in->positions != NULL)
        return gb__build_positions(c, in, error);
    const GbRef *ref = c->ref;
    GbTrendData *d = g_new0(GbTrendData, 1);
    d->points = g_array_new(FALSE, TRUE, sizeof(GbPoint));
    c->data = d;
    d->first_year = G_MAXINT;
    d->last_year = G_MININT;
    for (guint r = 0; r < ref->regimes->len && r < 32; r++) {
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        int j = gb_ref_headline_judgement(ref, (int)r);
        if (!rg->graded || j < 0)
            continue;
        int last = rg->last_year ? rg->last_year : in->table->max_year;
        for (int y = rg->first_year; y <= last; y++) {
            GbPoint p = {.year = y, .at = y, .regime = (int)r, .value = NAN};
            for (guint i = 0; i < in->stats->distributions->len; i++) {
                const GbDistribution *x =
                    &g_array_index(in->stats->distributions, GbDistribution, i);
                if (x->regime == (int)r && x->judgement == j && x->year == y &&
                    x->selection == NULL && x->base > 0) {
                    p.value = 100.0 * x->inadequate / x->base;
                    p.count = (int)x->inadequate;
                    p.base = (int)x->base;
                }
            }
            /* Else the published count with the widest base, if any. */
            for (guint i = 0; isnan(p.value) && i < in->stats->published->len; i++) {
                const GbMeasure *m = &g_array_index(in->stats->published, GbMeasure, i);
                if (m->regime != (int)r || m->year != y || m->count < 0 || m->base <= 0 ||
                    gb_ref_grade(ref, (int)r, rg->grades->len - 1) == NULL ||
                    g_strcmp0(m->measure,
                              g_array_index(rg->grades, GbGrade, rg->grades->len - 1).id) != 0)
                    continue;
                for (guint k = i; k < in->stats->published->len; k++) {
                    const GbMeasure *n = &g_array_index(in->stats->published, GbMeasure, k);
                    if (n->regime == m->regime && n->year == y && n->count >= 0 &&
                        g_strcmp0(n->measure, m->measure) == 0 && n->base > m->base)
                        m = n;
                }
                p.value = 100.0 * m->count / m->base;
                p.count = m->count;
                p.base = m->base;
                p.published = TRUE;
            }
            if (isnan(p.value))
                continue;
            g_array_append_val(d->points, p);
            d->first_year = MIN(d->first_year, y);
            d->last_year = MAX(d->last_year, y);
        }
    }
    if (d->points->len == 0) {
        *error = g_strdup("no year has an inadequate share to show");
        return FALSE;
    }
    gb__lanes(c, d);
    c->title = g_strdup("Share of councils judged inadequate");

    c->subtitle = g_strdup("Headline judgement of each regime. Filled points are computed "
                           "from one row per inspection; open points are published counts. "
                           "No line is drawn across years without data.");
    c->source = g_strdup("Source: Ofsted; BBC News; The Independent. Computed by gradebrief.");
    GString *alt = g_string_new("Line chart of the share judged inadequate by year:");
    for (guint i = 0; i < d->points->len; i++) {
        const GbPoint *p = &g_array_index(d->points, GbPoint, i);
        g_string_append_printf(alt, "%s %d %s %.1f%% (%d of %d%s)", i ? ";" : "", p->year,
                               gb_ref_regime(ref, p->regime)->short_name, p->value, p->count,
                               p->base, p->published ? ", published" : "");
    }
    g_string_append(alt, ". Years without data are gaps, not zero.");
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

/* Regime lanes: greedy, so overlapping regimes never share one. */
static void
gb__lanes(GbChart *c, GbTrendData *d)
{
    const GbRef *ref = c->ref;
    int lane_end[32];
    d->lanes = 0;
    for (guint r = 0; r < ref->regimes->len && r < 32; r++) {
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        int last = rg->last_year ? rg->last_year : d->last_year;
        d->lane[r] = -1;
        /* An ungraded regime (unannounced inspections) gives no position, and
         * one that ended before the series began is not on the axis. */
        if (!rg->graded || last < d->first_year)
            continue;
        int k = 0;
        while (k < d->lanes && lane_end[k] >= rg->first_year)
            k++;
        if (k == d->lanes)
            d->lanes++;
        lane_end[k] = last;
        d->lane[r] = k;
    }
}

static double
gb__height(const GbChart *c, GbFonts *f, double width)
{
    const GbTrendData *d = c->data;
    return CLAMP(width * 0.4, 130, 220) + d->lanes * GB__LANE + GB__AXIS + 4;
}

static void
gb__draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    const GbTrendData *d = c->data;
    const GbRef *ref = c->ref;
    double hi = 0;
    for (guint i = 0; i < d->points->len; i++)
        hi = MAX(hi, g_array_index(d->points, GbPoint, i).value);
    GbTicks t;
    gb_ticks_nice(0, hi, 5, &t);
    double axis_w, axis_h;
    gb_fonts_measure(f, "100%", GB_SIZE_SMALL, FALSE, -1, &axis_w, &axis_h);
    double yw, yh;
    gb_fonts_measure(f, "2000", GB_SIZE_SMALL, FALSE, -1, &yw, &yh);
    double x0 = plot.x + axis_w + 6, w = plot.w - axis_w - 6 - yw / 2 - 2;
    double strip = d->lanes * GB__LANE;
    double y0 = plot.y + 6, h = plot.h - strip - GB__AXIS - 10;
    /* Half a year either side of the first and last years with data, no more. */
    int y_first = d->first_year, y_last = d->last_year;
    double x_from = y_first - 0.5, x_to = y_last + 0.5;
#define X(year) (x0 + w * ((year)-x_from) / (x_to - x_from))
#define Y(v) (y0 + h - h * (v) / t.hi)
    for (int k = 0; k < t.n; k++) {
        char lab[16];
        g_snprintf(lab, sizeof lab, "%.0f%%", t.values[k]);
        cairo_move_to(cr, x0, Y(t.values[k]));
        cairo_line_to(cr, x0 + w, Y(t.values[k]));
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        /* Ending at its gridline, so that the 0% clears the year labels below. */
        gb_text_draw_aligned(f, cr, lab, GB_SIZE_SMALL, FALSE, x0 - 4, Y(t.values[k]) - axis_h + 2,
                             1.0, GB_GREY);
    }
    /* Year labels: every year when they fit, else every second or fifth. */
    int every = gb_ticks_year_step(w / (x_to - x_from), yw);
    for (int y = y_first; y <= y_last; y++) {
        if (y % every != 0)
            continue;
        char lab[8];
        g_snprintf(lab, sizeof lab, "%d", y);
        gb_text_draw_aligned(f, cr, lab, GB_SIZE_SMALL, FALSE, X(y), y0 + h + 3, 0.5, GB_GREY);
    }
    /* Lines within a regime across consecutive years only. */
    GbRgb ink = gb_palette_level(0);
    for (guint i = 0; i < d->points->len; i++) {
        const GbPoint *p = &g_array_index(d->points, GbPoint, i);
        if (i > 0) {
            const GbPoint *q = &g_array_index(d->points, GbPoint, i - 1);
            if (d->positions || (q->regime == p->regime && q->year + 1 == p->year)) {
                cairo_move_to(cr, X(q->at), Y(q->value));
                cairo_line_to(cr, X(p->at), Y(p->value));
                cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
                cairo_set_line_width(cr, 1.5);
                cairo_stroke(cr);
            }
        }
    }
    for (guint i = 0; i < d->points->len; i++) {
        const GbPoint *p = &g_array_index(d->points, GbPoint, i);
        cairo_arc(cr, X(p->at), Y(p->value), 3, 0, 2 * G_PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
        cairo_set_line_width(cr, 1.2);
        if (p->published)
            cairo_stroke(cr);
        else
            cairo_fill(cr);
    }
    /* The regime strip: each span shaded in its lane and named inside, or just
     * beside it when the span is too narrow and the lane is free there. */
    double sy = y0 + h + GB__AXIS + 2;
    double xa_of[32], xb_of[32];
    gboolean shown[32] = {FALSE};
    for (guint r = 0; r < ref->regimes->len && r < 32; r++) {
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        int from = MAX(rg->first_year, y_first), to = rg->last_year ? rg->last_year : y_last;
        to = MIN(to, y_last);
        if (to < from || d->lane[r] < 0)
            continue;
        shown[r] = TRUE;
        /* A year in which one regime hands over to another is split between
         * them at its middle, so that their spans never overlap. */
        double a = from - 0.45, b = to + 0.45;
        for (guint o = 0; o < ref->regimes->len && o < 32; o++) {
            const GbRegime *og = gb_ref_regime(ref, (int)o);
            if (o == r)
                continue;
            if (og->first_year == to && og->first_year > rg->first_year)
                b = to - 0.05;
            if (og->last_year == from && og->first_year < from)
                a = from + 0.05;
        }
        xa_of[r] = X(a);
        xb_of[r] = X(b);
        cairo_rectangle(cr, xa_of[r], sy + d->lane[r] * GB__LANE, xb_of[r] - xa_of[r],
                        GB__LANE - 2);
        cairo_set_source_rgb(cr, 0.90, 0.92, 0.95);
        cairo_fill(cr);
    }
    for (guint r = 0; r < ref->regimes->len && r < 32; r++) {
        if (!shown[r])
            continue;
        const char *name = gb_ref_regime(ref, (int)r)->short_name;
        /* Never smaller than the smallest chart text: beside the span instead. */
        double tw, th, ly = sy + d->lane[r] * GB__LANE, size = GB_SIZE_SMALL;
        gb_fonts_measure(f, name, size, FALSE, -1, &tw, &th);
        double tx;
        if (tw + 4 <= xb_of[r] - xa_of[r]) {
            tx = (xa_of[r] + xb_of[r]) / 2 - tw / 2;
        } else {
            /* Beside the span: right if nothing in the lane is there, else left. */
            double right = xb_of[r] + 2, left = xa_of[r] - 2 - tw;
            gboolean right_ok = right + tw <= plot.x + plot.w, left_ok = left >= plot.x;
            for (guint o = 0; o < ref->regimes->len && o < 32; o++) {
                if (o == r || !shown[o] || d->lane[o] != d->lane[r])
                    continue;
                if (xa_of[o] < right + tw && xb_of[o] > right)
                    right_ok = FALSE;
                if (xa_of[o] < left + tw && xb_of[o] > left)
                    left_ok = FALSE;
            }
            if (!right_ok && !left_ok)
                continue; /* the alt text and the methodology name every regime */
            tx = right_ok ? right : left;
        }
        gb_text_draw(f, cr, name, size, FALSE, tx, ly + (GB_SIZE_SMALL - size) / 2, GB_INK);
    }
#undef X
#undef Y
}

/* The lines' panel shrinks with the plot down to its smallest designed
 * height; the regime lanes and the axis below it do not. */
static double
gb__min_height(const GbChart *c, GbFonts *f, double width)
{
    const GbTrendData *d = c->data;
    return 130 + d->lanes * GB__LANE + GB__AXIS + 4;
}

const GbChartClass gb__trend_class = {
    .name = "trend",
    .build = gb__build,
    .height = gb__height,
    .min_height = gb__min_height,
    .draw = gb__draw,
    .free_data = gb__free,
};
