/* legend.h - a wrapped row of swatches and labels, laid out then drawn. */
#ifndef GB_LEGEND_H
#define GB_LEGEND_H

#include "charts/kit.h"

#define GB_LEGEND_MAX 12

typedef struct {
    int n;
    GbRgb colour[GB_LEGEND_MAX];
    int level[GB_LEGEND_MAX]; /* for the hatch; -1 plain */
    const char *label[GB_LEGEND_MAX];
    double x[GB_LEGEND_MAX], y[GB_LEGEND_MAX]; /* computed, relative to the box */
    double height;                             /* computed */
} GbLegend;

/* Adds an entry unless one with the same label is there. */
void gb_legend_add(GbLegend *l, GbRgb colour, int level, const char *label);
/* Places entries left to right, wrapping at width; sets x, y and height. */
void gb_legend_layout(GbLegend *l, GbFonts *f, double width);
void gb_legend_draw(const GbLegend *l, GbFonts *f, cairo_t *cr, double x, double y);

#endif
