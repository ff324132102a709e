/* chart.c - the chart registry and what every chart does alike: frame, alt
 * text, white background (see chart.h). */
#include "charts/chart-private.h"

#include <string.h>

static const GbChartClass *const gb__classes[] = {
    &gb__distribution_class, &gb__counts_class,      &gb__dumbbell_class, &gb__trend_class,
    &gb__map_class,          &gb__transitions_class, &gb__timeline_class, &gb__position_class,
};

const char *const *
gb_chart_names(void)
{
    static const char *names[G_N_ELEMENTS(gb__classes) + 1];
    for (gsize i = 0; i < G_N_ELEMENTS(gb__classes); i++)
        names[i] = gb__classes[i]->name;
    return names;
}

static const GbChartClass *
gb__class(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(gb__classes); i++)
        if (strcmp(gb__classes[i]->name, name) == 0)
            return gb__classes[i];
    return NULL;
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
        *error = g_strdup_printf("chart '%s' is about one authority: name it with --authority",
                                 name);
        return NULL;
    }
    GbChart *c = g_new0(GbChart, 1);
    c->klass = k;
    c->ref = in->table->ref;
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

/* The frame's height apart from the plot, at width. */
static double
gb__frame_extra(const GbChart *c, GbFonts *f, double width)
{
    GbFrame fr = {.title = c->title, .subtitle = c->subtitle, .source = c->source,
                  .outer = {0, 0, width, 10000}};
    gb_frame_layout(f, &fr);
    return fr.outer.h - fr.plot.h;
}

double
gb_chart_height_for(const GbChart *c, GbFonts *f, double width)
{
    return gb__frame_extra(c, f, width) + c->klass->height(c, f, width);
}

void
gb_chart_draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox box)
{
    GbFrame fr = {.title = c->title, .subtitle = c->subtitle, .source = c->source, .outer = box};
    gb_frame_layout(f, &fr);
    cairo_save(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_clip(cr);
    gb_frame_draw(f, cr, &fr);
    c->klass->draw(c, f, cr, fr.plot);
    gb_frame_draw_source(f, cr, &fr);
    cairo_restore(cr);
}

void
gb_chart_draw_tagged(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox box)
{
    GbFrame fr = {.title = c->title, .subtitle = c->subtitle, .source = c->source, .outer = box};
    gb_frame_layout(f, &fr);
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
    part = fr;
    part.title = part.subtitle = NULL;
    if (part.source != NULL) {
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
