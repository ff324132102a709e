/* dumbbell.c - a measure at two dates, for several measures, with the change
 * in percentage points written beside it. Given positions (the briefing,
 * `gradebrief chart`): England's position as at today against a year earlier
 * and against the current regime's first full year, one block each. Without
 * them: the changes the sources published for two years (outstanding 16% -> 9%). */
#include "charts/chart-private.h"
#include "pipeline/summary.h"

#include <math.h>
#include <string.h>

#define GB__ROW 26.0
#define GB__AXIS 14.0
#define GB__HEAD 16.0 /* a block heading with its key */

typedef struct {
    char *label;
    double from, to;
    int from_year, to_year;
    gboolean whole; /* published as whole percentages */
    char *block;    /* positions: the block's heading on the first bell of a block, else NULL */
    char *key;      /* the block's key ("○ 31 March 2024   ● 31 March 2025"), or NULL */
} GbBell;

typedef struct {
    GArray *bells;
} GbDumbbellData;

static void
gb__free(gpointer p)
{
    GbDumbbellData *d = p;
    for (guint i = 0; i < d->bells->len; i++) {
        g_free(g_array_index(d->bells, GbBell, i).label);
        g_free(g_array_index(d->bells, GbBell, i).block);
        g_free(g_array_index(d->bells, GbBell, i).key);
    }
    g_array_free(d->bells, TRUE);
    g_free(d);
}

static const char *
gb__measure_label(const GbRef *ref, int regime, const char *measure)
{
    if (strcmp(measure, "good_or_better") == 0)
        return "Good or better";
    const GbRegime *r = gb_ref_regime(ref, regime);
    for (guint g = 0; g < r->grades->len; g++)
        if (strcmp(g_array_index(r->grades, GbGrade, g).id, measure) == 0)
            return g_array_index(r->grades, GbGrade, g).label;
    return measure;
}

/* England's position now against a year earlier and the baseline: good or
 * better, the best and the worst level, each a bell, a block per comparison. */
static gboolean
gb__build_positions(GbChart *c, const GbChartInput *in, char **error)
{
    const GbRef *ref = c->ref;
    GbDumbbellData *d = g_new0(GbDumbbellData, 1);
    d->bells = g_array_new(FALSE, TRUE, sizeof(GbBell));
    c->data = d;
    guint32 as_at = 0;
    for (guint i = 0; i < in->positions->len; i++) {
        const GbPosition *p = &g_array_index(in->positions, GbPosition, i);
        if (p->family == in->family && p->group == GB_GROUP_ENGLAND)
            as_at = MAX(as_at, p->as_at);
    }
    const GbPosition *now, *before, *base;
    gb_summary_change_positions(ref, in->positions, in->family, as_at, &now, &before, &base);
    if (now == NULL || (before == NULL && base == NULL)) {
        *error = g_strdup("no earlier position to compare today's with");
        return FALSE;
    }
    char wnow[32];
    gb_text_format_date_long(now->as_at, wnow, sizeof wnow);
    GString *alt = g_string_new(NULL);
    g_string_append_printf(alt,
                           "Dumbbell chart of England's position as at %s against earlier "
                           "dates (each authority's most recent judgement: a position).",
                           wnow);
    const GbPosition *from[2] = {before, base};
    const char *const heads[2] = {"Since a year earlier", "Since the first full year of %s"};
    const char *regime = gb_ref_regime(ref, gb_summary_current_regime(ref))->short_name;
    for (int k = 0; k < 2; k++) {
        const GbPosition *f = from[k];
        if (f == NULL)
            continue;
        char wf[32];
        gb_text_format_date_long(f->as_at, wf, sizeof wf);
        static const int levels[] = {-1, 0, GB_COMMON_LEVELS - 1}; /* -1: good or better */
        for (gsize m = 0; m < G_N_ELEMENTS(levels); m++) {
            int lv = levels[m];
            const char *name =
                lv < 0 ? "Good or better"
                       : (in->level_labels != NULL ? in->level_labels[lv] : ref->common_labels[lv]);
            int cf = lv < 0 ? f->good_or_better : f->count[lv];
            int cn = lv < 0 ? now->good_or_better : now->count[lv];
            GbBell b = {.from = gb_summary_share(cf, f->base),
                        .to = gb_summary_share(cn, now->base),
                        .from_year = (int)(f->as_at / 10000),
                        .to_year = (int)(now->as_at / 10000),
                        .label = g_strdup(name)};
            if (m == 0) {
                b.block = g_strdup_printf(heads[k], regime);
                b.key = g_strdup_printf("\u25CB %s   \u25CF %s", wf, wnow);
            }
            g_string_append_printf(alt,
                                   " %s, %s: %d of %d (%.1f%%) as at %s, %d of %d (%.1f%%) "
                                   "as at %s (%+.1f points).",
                                   k == 0 ? "Since a year earlier" : "Since the baseline", name, cf,
                                   f->base, b.from, wf, cn, now->base, b.to, wnow, b.to - b.from);
            g_array_append_val(d->bells, b);
        }
    }
    int hj = gb_ref_headline_judgement(ref, gb_summary_current_regime(ref));
    char *judgement = g_utf8_strdown(hj >= 0 ? gb_ref_judgement(ref, hj)->label : "headline", -1);
    c->title = g_strdup_printf("England's position as at %s against earlier dates", wnow);
    c->subtitle = g_strdup_printf("Share of authorities at each grade by their most recent %s "
                                  "judgement on the date (a position, not the inspections made "
                                  "in a year), and the change in percentage points",
                                  judgement);
    g_free(judgement);
    c->source = g_strdup("Source: Ofsted. Computed by gradebrief.");
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

static gboolean
gb__build(GbChart *c, const GbChartInput *in, char **error)
{
    const GbRef *ref = c->ref;
    if (in->positions != NULL)
        return gb__build_positions(c, in, error);
    GbDumbbellData *d = g_new0(GbDumbbellData, 1);
    d->bells = g_array_new(FALSE, TRUE, sizeof(GbBell));
    c->data = d;
    /* The headline changes: those the sources published in both years. */
    GString *alt = g_string_new("Dumbbell chart of headline shares in two years.");
    int regime = -1;
    for (guint i = 0; i < in->stats->changes->len; i++) {
        const GbChange *ch = &g_array_index(in->stats->changes, GbChange, i);
        if (ch->from.series != GB_SERIES_PUBLISHED || ch->to.series != GB_SERIES_PUBLISHED)
            continue;
        GbBell b = {.from = ch->from.percent,
                    .to = ch->to.percent,
                    .from_year = ch->from.year,
                    .to_year = ch->to.year,
                    .whole = TRUE};
        b.label =
            g_strdup_printf("%s, %s", gb__measure_label(ref, ch->from.regime, ch->from.measure),
                            gb_ref_regime(ref, ch->from.regime)->short_name);
        regime = ch->from.regime;
        g_array_append_val(d->bells, b);
        g_string_append_printf(alt, " %s: %.0f%% in %d, %.0f%% in %d (%+.0f points).", b.label,
                               b.from, b.from_year, b.to, b.to_year, b.to - b.from);
    }
    if (d->bells->len == 0) {
        *error = g_strdup("no measure was published for two consecutive years");
        g_string_free(alt, TRUE);
        return FALSE;
    }
    const GbBell *b0 = &g_array_index(d->bells, GbBell, 0);
    c->title = g_strdup_printf("Headline shares, %d and %d", b0->from_year, b0->to_year);
    int hj = gb_ref_headline_judgement(ref, regime);
    const char *judgement = hj >= 0 ? gb_ref_judgement(ref, hj)->label : "";
    c->subtitle = g_strdup_printf("%s (%s): share of councils at each grade, as published, "
                                  "and the change in percentage points",
                                  judgement, gb_ref_regime(ref, regime)->name);
    c->source = g_strdup("Source: Ofsted summary of the annual performance assessments, as "
                         "reported by BBC News, 24 November 2008.");
    c->alt = g_string_free(alt, FALSE);
    return TRUE;
}

static double
gb__height(const GbChart *c, GbFonts *f, double width)
{
    const GbDumbbellData *d = c->data;
    guint blocks = 0;
    for (guint i = 0; i < d->bells->len; i++)
        blocks += g_array_index(d->bells, GbBell, i).block != NULL;
    return 12 + d->bells->len * GB__ROW + blocks * GB__HEAD + GB__AXIS;
}

static void
gb__draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot)
{
    const GbDumbbellData *d = c->data;
    double lw = 0, w, h;
    for (guint i = 0; i < d->bells->len; i++) {
        gb_fonts_measure(f, g_array_index(d->bells, GbBell, i).label, GB_SIZE_LABEL, FALSE, -1, &w,
                         &h);
        lw = MAX(lw, w);
    }
    lw = MIN(lw + 8, plot.w * 0.4);
    double change_w;
    gboolean whole = g_array_index(d->bells, GbBell, 0).whole;
    gb_fonts_measure(f, whole ? "\u22127 points" : "\u221212.3 points", GB_SIZE_LABEL, TRUE, -1,
                     &change_w, &h);
    change_w += 8;
    double x0 = plot.x + lw, aw = plot.w - lw - change_w;
    /* The axis spans 0 to a nice maximum over every value. */
    double hi = 0;
    for (guint i = 0; i < d->bells->len; i++)
        hi = MAX(hi, MAX(g_array_index(d->bells, GbBell, i).from,
                         g_array_index(d->bells, GbBell, i).to));
    GbTicks t;
    gb_ticks_nice(0, hi, 6, &t);
    double y = plot.y + 12;
    /* Year key: open circle first year, filled second. */
    const GbBell *b0 = &g_array_index(d->bells, GbBell, 0);
    if (b0->key == NULL) {
        char key[64];
        g_snprintf(key, sizeof key, "\u25CB %d   \u25CF %d", b0->from_year, b0->to_year);
        gb_text_draw(f, cr, key, GB_SIZE_SMALL, FALSE, x0, plot.y, GB_GREY);
    }
    for (guint i = 0; i < d->bells->len; i++) {
        const GbBell *b = &g_array_index(d->bells, GbBell, i);
        if (b->block != NULL) {
            /* The block's heading at the left, its key over the axis. */
            double hw, hh;
            gb_fonts_measure(f, b->block, GB_SIZE_LABEL, TRUE, -1, &hw, &hh);
            gb_text_draw(f, cr, b->block, GB_SIZE_LABEL, TRUE, plot.x, y + 2, GB_INK);
            if (b->key != NULL)
                gb_text_draw(f, cr, b->key, GB_SIZE_SMALL, FALSE, plot.x + hw + 12, y + 3, GB_GREY);
            y += GB__HEAD;
        }
        /* Grid lines behind the row only, so none crosses a block heading. */
        for (int k = 0; k < t.n; k++) {
            double x = x0 + aw * t.values[k] / t.hi;
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x, y + GB__ROW);
            cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
            cairo_set_line_width(cr, 0.5);
            cairo_stroke(cr);
        }
        double cy = y + GB__ROW / 2;
        gb_text_draw_aligned(f, cr, b->label, GB_SIZE_LABEL, FALSE, x0 - 8, cy - 5, 1.0, GB_INK);
        double xa = x0 + aw * b->from / t.hi, xb = x0 + aw * b->to / t.hi;
        cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, xa, cy);
        cairo_line_to(cr, xb, cy);
        cairo_stroke(cr);
        GbRgb blue = gb_palette_level(0);
        cairo_arc(cr, xa, cy, 4, 0, 2 * G_PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, blue.r, blue.g, blue.b);
        cairo_set_line_width(cr, 1.5);
        cairo_stroke(cr);
        cairo_arc(cr, xb, cy, 4, 0, 2 * G_PI);
        cairo_fill(cr);
        /* Values above each dot; the smaller toward the left. */
        char va[16], vb[16], ch[32];
        gb__pct(b->from, b->whole, va, sizeof va);
        gb__pct(b->to, b->whole, vb, sizeof vb);
        gboolean rising = b->to >= b->from;
        gb_text_draw_aligned(f, cr, va, GB_SIZE_SMALL, FALSE, xa + (rising ? -3 : 3), cy - 13,
                             rising ? 1.0 : 0.0, GB_GREY);
        gb_text_draw_aligned(f, cr, vb, GB_SIZE_SMALL, TRUE, xb + (rising ? 3 : -3), cy - 13,
                             rising ? 0.0 : 1.0, GB_INK);
        double pts = b->whole ? round(b->to - b->from) : round(10 * (b->to - b->from)) / 10;
        g_snprintf(ch, sizeof ch, "%s%.*f points", pts < 0 ? "\u2212" : "+", b->whole ? 0 : 1,
                   fabs(pts));
        gb_text_draw(f, cr, ch, GB_SIZE_LABEL, TRUE, plot.x + plot.w - change_w + 8, cy - 5,
                     GB_INK);
        y += GB__ROW;
    }
    for (int k = 0; k < t.n; k++) {
        double x = x0 + aw * t.values[k] / t.hi;
        char lab[16];
        g_snprintf(lab, sizeof lab, "%.0f%%", t.values[k]);
        gb_text_draw_aligned(f, cr, lab, GB_SIZE_SMALL, FALSE, x, y + 1, 0.5, GB_GREY);
    }
}

const GbChartClass gb__dumbbell_class = {
    .name = "dumbbell",
    .build = gb__build,
    .height = gb__height,
    .draw = gb__draw,
    .free_data = gb__free,
};
