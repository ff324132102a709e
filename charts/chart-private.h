/* chart-private.h - what the chart files share behind chart.h. Each chart file
 * supplies build (compute the data and texts), height and draw. */
#ifndef GB_CHART_PRIVATE_H
#define GB_CHART_PRIVATE_H

#include "charts/chart.h"
#include "pipeline/text.h"

typedef struct GbChartClass GbChartClass;

struct GbChart {
    const GbChartClass *klass;
    const GbRef *ref;
    /* The labels of the common levels for the judgements shown (the input's
     * level_labels, else the common scale's). */
    const char *labels[GB_COMMON_LEVELS];
    char *title, *subtitle, *source, *alt;
    gpointer data; /* the kind's plain data struct */
};

struct GbChartClass {
    const char *name;
    gboolean needs_authority;
    /* Fills c->data and the texts; FALSE with *error when there is nothing to show. */
    gboolean (*build)(GbChart *c, const GbChartInput *in, char **error);
    double (*height)(const GbChart *c, GbFonts *f, double width);
    /* The least plot height it draws in without clipping or overlap; NULL
     * when that is the height it asks for (its layout does not shrink). */
    double (*min_height)(const GbChart *c, GbFonts *f, double width);
    void (*draw)(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot);
    /* Appends the titled areas (GbChartArea) of the plot drawn at plot; NULL
     * when the chart has none. */
    void (*areas)(const GbChart *c, GbFonts *f, GbBox plot, GArray *out);
    void (*free_data)(gpointer data);
    /* Feeds h what the drawing shows beyond its texts (NULL: the texts and
     * alt text carry every figure it draws). */
    void (*digest)(const GbChart *c, GbDigest *h);
    /* Charts drawn alike for many authorities but for a part (chart.h,
     * gb_chart_layered): TRUE when this one has that part; draw_base draws
     * the rest, draw_over the part, and draw is the two in that order.
     * base_digest feeds h what draw_base shows. NULL: one layer. */
    gboolean (*layered)(const GbChart *c);
    void (*draw_base)(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot);
    void (*draw_over)(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox plot);
    void (*base_digest)(const GbChart *c, GbDigest *h);
};

extern const GbChartClass gb__distribution_class, gb__counts_class, gb__dumbbell_class,
    gb__trend_class, gb__map_class, gb__transitions_class, gb__timeline_class, gb__position_class;

/* "8.0%" style, one decimal; "8%" when whole is TRUE. */
void gb__pct(double p, gboolean whole, char *buf, gsize len);

/* For tests: the boxes (GbBox) of a timeline's mark labels across a plot
 * `width` wide from (0, 0), and the plot's height (the chart's own). */
GArray *gb__timeline_label_boxes(const GbChart *c, GbFonts *f, double width, double *height);

#define GB_INK ((GbRgb){0.1, 0.1, 0.1})
#define GB_GREY ((GbRgb){0.4, 0.4, 0.4})
#define GB_RULE ((GbRgb){0.82, 0.82, 0.82})

#endif
