/* chart.c - the chart registry and what every chart does alike: frame, alt
 * text, white background (see chart.h). */
#include "charts/chart-private.h"

#include <string.h>

/* Every chart, in --list order, with the options of `gradebrief chart` it
 * takes beyond those every chart takes (format, size, data): an option given
 * to a chart that does not take it is a usage error, never silently ignored. */
static const struct {
    const GbChartClass *klass;
    unsigned takes; /* GbChartTakes */
} gb__registry[] = {
    {&gb__distribution_class, 0},
    {&gb__counts_class, GB_CHART_TAKES_AS_AT},
    {&gb__dumbbell_class, 0},
    {&gb__trend_class, 0},
    {&gb__map_class, GB_CHART_TAKES_AS_AT},
    {&gb__transitions_class, 0},
    {&gb__timeline_class, GB_CHART_TAKES_AUTHORITY},
    {&gb__position_class, GB_CHART_TAKES_AUTHORITY},
};

const char *const *
gb_chart_names(void)
{
    static const char *names[G_N_ELEMENTS(gb__registry) + 1];
    for (gsize i = 0; i < G_N_ELEMENTS(gb__registry); i++)
        names[i] = gb__registry[i].klass->name;
    return names;
}

static gssize
gb__index(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(gb__registry); i++)
        if (strcmp(gb__registry[i].klass->name, name) == 0)
            return (gssize)i;
    return -1;
}

static const GbChartClass *
gb__class(const char *name)
{
    gssize i = gb__index(name);
    return i < 0 ? NULL : gb__registry[i].klass;
}

gboolean
gb_chart_takes(const char *name, GbChartTakes opt)
{
    gssize i = gb__index(name);
    return i >= 0 && (gb__registry[i].takes & opt) != 0;
}

char *
gb_chart_names_taking(GbChartTakes opt)
{
    GPtrArray *names = g_ptr_array_new();
    for (gsize i = 0; i < G_N_ELEMENTS(gb__registry); i++)
        if (gb__registry[i].takes & opt)
            g_ptr_array_add(names, (gpointer)gb__registry[i].klass->name);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++) {
        if (i > 0)
            g_string_append(s, i + 1 == names->len ? " and " : ", ");
        g_string_append(s, g_ptr_array_index(names, i));
    }
    g_ptr_array_free(names, TRUE);
    return g_string_free(s, FALSE);
}

gboolean
gb_chart_needs_authority(const char *name)
{
    const GbChartClass *k = gb__class(name);
    return k != NULL && k->needs_authority;
}

GbChart *
gb_chart_new(const char *name, const GbChartInput *in, char **error)
{
    const GbChartClass *k = gb__class(name);
    if (k == NULL) {
        *error = g_strdup_printf("unknown chart '%s' (gradebrief chart --list names them)", name);
        return NULL;
    }
    if (k->needs_authority && in->authority < 0) {
        *error =
            g_strdup_printf("chart '%s' is about one authority: name it with --authority", name);
        return NULL;
    }
    GbChart *c = g_new0(GbChart, 1);
    c->klass = k;
    c->ref = in->table->ref;
    for (int i = 0; i < GB_COMMON_LEVELS; i++)
        c->labels[i] = in->level_labels != NULL && in->level_labels[i] != NULL
                           ? in->level_labels[i]
                           : c->ref->common_labels[i];
    if (!k->build(c, in, error)) {
        gb_chart_free(c);
        return NULL;
    }
    return c;
}

void
gb_chart_free(GbChart *c)
{
    if (c == NULL)
        return;
    if (c->data != NULL)
        c->klass->free_data(c->data);
    g_free(c->title);
    g_free(c->subtitle);
    g_free(c->source);
    g_free(c->alt);
    g_free(c);
}

const char *
gb_chart_name(const GbChart *c)
{
    return c->klass->name;
}

const char *
gb_chart_title(const GbChart *c)
{
    return c->title;
}

const char *
gb_chart_alt(const GbChart *c)
{
    return c->alt;
}

static void
gb__digest_text(GbDigest *h, const char *s)
{
    guint32 n = s != NULL ? (guint32)strlen(s) + 1 : 0;
    gb_digest_update(h, (const guchar *)&n, sizeof n);
    if (s != NULL)
        gb_digest_update(h, (const guchar *)s, n - 1);
}

void
gb_chart_digest(const GbChart *c, GbDigest *h)
{
    gb__digest_text(h, c->klass->name);
    gb__digest_text(h, c->title);
    gb__digest_text(h, c->subtitle);
    gb__digest_text(h, c->source);
    gb__digest_text(h, c->alt);
    if (c->klass->digest != NULL)
        c->klass->digest(c, h);
}

/* The chart's frame (title, subtitle, source) laid out in box; its plot is what is left. */
static GbFrame
gb__frame(const GbChart *c, GbFonts *f, GbBox box)
{
    GbFrame fr = {.title = c->title, .subtitle = c->subtitle, .source = c->source, .outer = box};
    gb_frame_layout(f, &fr);
    return fr;
}

/* The frame's height apart from the plot, at width. */
static double
gb__frame_extra(const GbChart *c, GbFonts *f, double width)
{
    GbFrame fr = gb__frame(c, f, (GbBox){0, 0, width, 10000});
    return fr.outer.h - fr.plot.h;
}

double
gb_chart_height_for(const GbChart *c, GbFonts *f, double width)
{
    return gb__frame_extra(c, f, width) + c->klass->height(c, f, width);
}

double
gb_chart_min_height_for(const GbChart *c, GbFonts *f, double width)
{
    double plot = c->klass->min_height != NULL ? c->klass->min_height(c, f, width)
                                               : c->klass->height(c, f, width);
    return gb__frame_extra(c, f, width) + plot;
}

void
gb_chart_draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox box)
{
    GbFrame fr = gb__frame(c, f, box);
    cairo_save(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_clip(cr);
    gb_frame_draw(f, cr, &fr);
    c->klass->draw(c, f, cr, fr.plot);
    gb_frame_draw_source(f, cr, &fr);
    cairo_restore(cr);
}

gboolean
gb_chart_layered(const GbChart *c)
{
    return c->klass->layered != NULL && c->klass->layered(c);
}

void
gb_chart_draw_layer(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox box, GbChartLayer layer)
{
    if (!gb_chart_layered(c)) {
        if (layer == GB_CHART_BASE)
            gb_chart_draw(c, f, cr, box);
        return;
    }
    GbFrame fr = gb__frame(c, f, box);
    cairo_save(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_clip(cr);
    /* The subtitle (it names the authority) and the source are drawn over:
     * the subtitle touches nothing else, and the source stays over what it
     * was over (the outline of a tile at the foot of the map), so the two
     * layers make the pixels gb_chart_draw makes. */
    GbFrame part = fr;
    if (layer == GB_CHART_BASE) {
        part.subtitle = NULL;
        gb_frame_draw(f, cr, &part);
        c->klass->draw_base(c, f, cr, fr.plot);
    } else {
        part.title = NULL;
        part.outer.y += fr.title != NULL ? fr.title_h : 0;
        gb_frame_draw(f, cr, &part);
        c->klass->draw_over(c, f, cr, fr.plot);
        gb_frame_draw_source(f, cr, &fr);
    }
    cairo_restore(cr);
}

void
gb_chart_base_digest(const GbChart *c, GbFonts *f, GbBox box, GbDigest *h)
{
    GbFrame fr = gb__frame(c, f, box);
    gb__digest_text(h, c->klass->name);
    gb__digest_text(h, c->title);
    double at[8] = {box.x, box.y, box.w, box.h, fr.plot.x, fr.plot.y, fr.plot.w, fr.plot.h};
    gb_digest_update(h, (const guchar *)at, sizeof at);
    /* The faces f draws with, by the size of a probe. */
    double probe[4];
    gb_fonts_measure(f, "Hamburgefonstiv 0123456789", GB_SIZE_SMALL, TRUE, -1, &probe[0],
                     &probe[1]);
    gb_fonts_measure(f, "Hamburgefonstiv 0123456789", GB_SIZE_SMALL, FALSE, -1, &probe[2],
                     &probe[3]);
    gb_digest_update(h, (const guchar *)probe, sizeof probe);
    if (c->klass->base_digest != NULL)
        c->klass->base_digest(c, h);
}

GArray *
gb_chart_areas(const GbChart *c, GbFonts *f, GbBox box)
{
    if (c->klass->areas == NULL)
        return NULL;
    GbFrame fr = gb__frame(c, f, box);
    GArray *a = g_array_new(FALSE, TRUE, sizeof(GbChartArea));
    c->klass->areas(c, f, fr.plot, a);
    return a;
}

void
gb_chart_areas_free(GArray *areas)
{
    if (areas == NULL)
        return;
    for (guint i = 0; i < areas->len; i++) {
        g_free(g_array_index(areas, GbChartArea, i).path);
        g_free(g_array_index(areas, GbChartArea, i).title);
    }
    g_array_free(areas, TRUE);
}

void
gb_chart_draw_tagged(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox box)
{
    GbFrame fr = gb__frame(c, f, box);
    cairo_save(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_clip(cr);
    /* The frame drawn a part at a time: each part alone in a copy of it. */
    GbFrame part = fr;
    part.subtitle = part.source = NULL;
    if (part.title != NULL) {
        cairo_tag_begin(cr, "P", NULL);
        gb_frame_draw(f, cr, &part);
        cairo_tag_end(cr, "P");
    }
    part = fr;
    part.title = part.source = NULL;
    part.outer.y += fr.title != NULL ? fr.title_h : 0;
    if (part.subtitle != NULL) {
        cairo_tag_begin(cr, "P", NULL);
        gb_frame_draw(f, cr, &part);
        cairo_tag_end(cr, "P");
    }
    cairo_tag_begin(cr, "Figure", NULL);
    c->klass->draw(c, f, cr, fr.plot);
    cairo_tag_end(cr, "Figure");
    /* gb_frame_draw draws the title and subtitle only: the source line has
     * its own call (drawing the frame again here drew nothing, and left the
     * space reserved for the source empty under every figure). */
    if (fr.source != NULL) {
        cairo_tag_begin(cr, "P", NULL);
        gb_frame_draw_source(f, cr, &fr);
        cairo_tag_end(cr, "P");
    }
    cairo_restore(cr);
}

void
gb__pct(double p, gboolean whole, char *buf, gsize len)
{
    if (whole)
        g_snprintf(buf, len, "%.0f%%", p);
    else
        g_snprintf(buf, len, "%.1f%%", p);
}
