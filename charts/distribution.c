/* distribution.c - 100%-stacked horizontal bars of grades, one bar per (year,
 * regime), grouped by regime; published bars outlined and marked. */
#include "charts/chart-private.h"
#include "charts/legend.h"
#include "pipeline/summary.h"

#include <math.h>
#include <string.h>

#define GB__ROW 15.0
#define GB__ROW_GAP 4.0
#define GB__GROUP 16.0
#define GB__AXIS 14.0

typedef struct {
    char *label; /* "2007", "2013 published" */
    int regime;
    gboolean published;
    int ngrades;
    guint count[GB_MAX_GRADES], base;
    double share[GB_MAX_GRADES];
} GbBar;

typedef struct {
    GArray *bars; /* GbBar, grouped by regime in order */
    GbLegend legend;
} GbDistributionData;

static void
gb__free(gpointer p)
{
    GbDistributionData *d = p;
    for (guint i = 0; i < d->bars->len; i++)
        g_free(g_array_index(d->bars, GbBar, i).label);
    g_array_free(d->bars, TRUE);
    g_free(d);
}

static GbRgb
gb__colour(const GbRef *ref, int regime, int g, int *level)
{
    const GbGrade *gr = gb_ref_grade(ref, regime, g);
    *level = gr->common;
    return gr->common >= 0 ? gb_palette_level(gr->common) : gb_palette_category(g);
}

/* A published distribution: headline counts covering every grade on one base
 * (pipeline/summary.c finds them, for the briefing's table too). */
static gboolean
gb__published_bar(const GbRef *ref, const GbStats *s, int year, int regime, int judgement,
                  GbBar *bar)
{
    const GbRegime *r = gb_ref_regime(ref, regime);
    *bar = (GbBar){.regime = regime, .published = TRUE, .ngrades = (int)r->grades->len};
    if (!gb_summary_published_counts(ref, s, year, regime, judgement, -1, bar->count, &bar->base))
        return FALSE;
    for (int g = 0; g < bar->ngrades; g++)
        bar->share[g] = gb_summary_share(bar->count[g], bar->base);
    return TRUE;
}

static gboolean
gb__build(GbChart *c, const GbChartInput *in, char **error)
{
    const GbRef *ref = c->ref;
    GbDistributionData *d = g_new0(GbDistributionData, 1);
    d->bars = g_array_new(FALSE, TRUE, sizeof(GbBar));
    c->data = d;
    GString *alt = g_string_new("Horizontal bars, one per year, each splitting 100% of the "
                                "judgements that year by grade.");
    for (guint r = 0; r < ref->regimes->len; r++) {
        /* Years with computed rows (complete ones) and years published only. */
        int min_year = gb_ref_regime(ref, (int)r)->first_year;
        int max_year =
            gb_ref_regime(ref, (int)r)->last_year ? gb_ref_regime(ref, (int)r)->last_year : 2100;
        for (int y = min_year; y <= max_year && y <= 2100; y++) {
            const GbDistribution *dist = NULL;
            for (guint i = 0; i < in->stats->distributions->len; i++) {
                const GbDistribution *x =
                    &g_array_index(in->stats->distributions, GbDistribution, i);
                if (x->regime == (int)r && x->year == y && x->judgement >= 0 &&
                    x->judgement == gb_ref_headline_judgement(ref, x->regime) &&
                    x->selection == NULL && x->base > 0)
                    dist = x;
            }
            GbBar bar = {0};
            int headline = gb_ref_headline_judgement(ref, (int)r);
            if (dist != NULL) {
                bar = (GbBar){.regime = (int)r, .ngrades = dist->ngrades, .base = dist->base};
                for (int g = 0; g < dist->ngrades; g++) {
                    bar.count[g] = dist->count[g];
                    bar.share[g] = dist->percent[g];
                }
                /* A year with only part of its inspections is marked so. */
                bar.label =
                    dist->partial ? g_strdup_printf("%d partial", y) : g_strdup_printf("%d", y);
            } else if (headline >= 0 &&
                       gb__published_bar(ref, in->stats, y, (int)r, headline, &bar)) {
                bar.label = g_strdup_printf("%d published", y);
            } else {
                continue;
            }
            g_array_append_val(d->bars, bar);
            if (dist != NULL && dist->partial) {
                char *flow = gb_stats_flow_label(dist);
                g_string_append_printf(alt, " %s %s (%s):", gb_ref_regime(ref, (int)r)->short_name,
                                       bar.label, flow);
                g_free(flow);
            } else {
                g_string_append_printf(
                    alt, " %s %s (%u judgements%s):", gb_ref_regime(ref, (int)r)->short_name,
                    bar.label, bar.base, bar.published ? ", as published" : "");
            }
            for (int g = 0; g < bar.ngrades; g++) {
                int level;
                GbRgb col = gb__colour(ref, (int)r, g, &level);
                const char *label = gb_ref_grade(ref, (int)r, g)->label;
                gb_legend_add(&d->legend, col, level,
                              level >= 0 ? ref->common_labels[level] : label);
                g_string_append_printf(alt, "%s %s %.1f%%", g ? "," : "", label, bar.share[g]);
            }
            g_string_append_c(alt, '.');
        }
    }
    if (d->bars->len == 0) {
        *error = g_strdup("no complete grade distribution in the data");
        g_string_free(alt, TRUE);
        return FALSE;
    }
    c->title = g_strdup("Grades by year and inspection regime");
    /* Only the marks the chart shows are explained. */
    gboolean partial = FALSE, published = FALSE;
    for (guint i = 0; i < d->bars->len; i++) {
        const GbBar *b = &g_array_index(d->bars, GbBar, i);
        published |= b->published;
        partial |= g_str_has_suffix(b->label, " partial");
    }
    c->subtitle = g_strdup_printf(
        "Share of the headline judgements of the inspections made in each year (a flow, not a "
        "position), by grade%s%s",
        partial ? "; \"partial\" marks a year with only part of its inspections." : ".",
        published ? " Bars marked \"published\" are the inspectorate's own counts; the others "
                    "are computed from one row per authority."
                  : " Each bar is computed from one row per authority.");
    c->source = g_strdup("Source: Ofsted; BBC News; Children & Young People Now; LocalGov; "
                         "The Independent. Grades named differently across regimes are shown "
                         "on the common four-level scale.");
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

static double
gb__label_width(const GbDistributionData *d, GbFonts *f)
{
    double lw = 0, w, h;
    for (guint i = 0; i < d->bars->len; i++) {
        gb_fonts_measure(f, g_array_index(d->bars, GbBar, i).label, GB_SIZE_LABEL, FALSE, -1, &w,
                         &h);
        lw = MAX(lw, w);
    }
    return lw + 8;
}

static int
gb__groups(const GbDistributionData *d)
{
    int groups = 0, last = -1;
    for (guint i = 0; i < d->bars->len; i++) {
        int r = g_array_index(d->bars, GbBar, i).regime;
        groups += r != last;
        last = r;
    }
    return groups;
}

static double
gb__height(const GbChart *c, GbFonts *f, double width)
{
    GbDistributionData *d = c->data;
    GbLegend lg = d->legend; /* laid out in a copy: charts are drawn on several threads */
    gb_legend_layout(&lg, f, width);
    return lg.height + 6 + gb__groups(d) * GB__GROUP + d->bars->len * (GB__ROW + GB__ROW_GAP) +
           GB__AXIS;
}

static void
gb__draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    GbDistributionData *d = c->data;
    const GbRef *ref = c->ref;
    GbLegend lg = d->legend;
    gb_legend_layout(&lg, f, plot.w);
    gb_legend_draw(&lg, f, cr, plot.x, plot.y);
    double lw = gb__label_width(d, f);
    double x0 = plot.x + lw, bw = plot.w - lw - 2;
    double y = plot.y + lg.height + 6;
    int last = -1;
    for (guint i = 0; i < d->bars->len; i++) {
        const GbBar *b = &g_array_index(d->bars, GbBar, i);
        if (b->regime != last) {
            /* The regime's full name when it fits the width, else its short name. */
            const GbRegime *rg = gb_ref_regime(ref, b->regime);
            double nw, nh;
            gb_fonts_measure(f, rg->name, GB_SIZE_LABEL, TRUE, -1, &nw, &nh);
            gb_text_draw(f, cr, nw <= plot.w ? rg->name : rg->short_name, GB_SIZE_LABEL, TRUE,
                         plot.x, y + 2, GB_INK);
            y += GB__GROUP;
            last = b->regime;
        }
        gb_text_draw_aligned(f, cr, b->label, GB_SIZE_LABEL, FALSE, x0 - 6, y + 2.5, 1.0, GB_INK);
        double x = x0;
        for (int g = 0; g < b->ngrades; g++) {
            double w = bw * b->share[g] / 100.0;
            int level;
            GbRgb col = gb__colour(ref, b->regime, g, &level);
            cairo_rectangle(cr, x, y, w, GB__ROW);
            gb_palette_fill(cr, col, level);
            /* The share goes inside when it fits with a margin, else it is left
             * out (the table beside the chart has every value). */
            char pct[16];
            gb__pct(b->share[g], TRUE, pct, sizeof pct);
            double tw, th;
            gb_fonts_measure(f, pct, GB_SIZE_SMALL, FALSE, -1, &tw, &th);
            if (b->count[g] > 0 && tw + 2 * GB_PALETTE_PLATE <= w) {
                /* On the hatch, a plain plate keeps the text legible. */
                GbRgb ink = gb_palette_label_backing(cr, col, level, x + (w - tw) / 2,
                                                     y + (GB__ROW - th) / 2, tw, th);
                gb_text_draw(f, cr, pct, GB_SIZE_SMALL, FALSE, x + (w - tw) / 2,
                             y + (GB__ROW - th) / 2, ink);
            }
            x += w;
        }
        if (b->published) {
            cairo_rectangle(cr, x0 + 0.5, y + 0.5, bw - 1, GB__ROW - 1);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_set_line_width(cr, 1.0);
            cairo_set_dash(cr, (double[]){3, 2}, 2, 0);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        y += GB__ROW + GB__ROW_GAP;
    }
    /* Axis: 0-100% under the bars. */
    for (int p = 0; p <= 100; p += 25) {
        char t[8];
        g_snprintf(t, sizeof t, "%d%%", p);
        double x = x0 + bw * p / 100.0;
        cairo_move_to(cr, x, y - GB__ROW_GAP);
        cairo_line_to(cr, x, y);
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        gb_text_draw_aligned(f, cr, t, GB_SIZE_SMALL, FALSE, x, y + 1,
                             p == 0     ? 0.0
                             : p == 100 ? 1.0
                                        : 0.5,
                             GB_GREY);
    }
}

const GbChartClass gb__distribution_class = {
    .name = "distribution",
    .build = gb__build,
    .height = gb__height,
    .draw = gb__draw,
    .free_data = gb__free,
};
