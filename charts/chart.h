/* chart.h - the chart kit's public face: build a chart from computed results,
 * ask its title and alt text, and draw it into a box on any cairo_t (PDF page,
 * SVG or PNG surface alike). */
#ifndef GB_CHART_H
#define GB_CHART_H

#include "charts/kit.h"
#include "pipeline/digest.h"
#include "pipeline/stats.h"

/* What charts are made from: results of the compute stage, nothing else. */
typedef struct {
    const GbTable *table;
    const GbStats *stats; /* by year, regime and judgement */
    const GbMoves *moves;
    const GbLatest *latest; /* overall effectiveness as at a date */
    int authority;          /* for charts about one authority, else -1; the map outlines it */
    /* Positions as at a date (position.h), for the trend chart: England's
     * positions of `family` (GbPosition, by date); NULL: none given. */
    const GArray *positions;
    int family;
    /* Movers like with like (position.h), for the transitions chart: the
     * counted moves within `family`; NULL: the moves above (across regimes). */
    const struct GbMoverTotals *mover_totals;
    const char *mover_scope; /* what the moves are between, for the subtitle */
    /* The labels of the common levels for the judgements shown ("Requires
     * improvement" when all are ILACS); NULL: the common scale's. Used by
     * counts, map and transitions. */
    const char *const *level_labels;
    const GArray *years; /* GbPackYear (packsummary.h): the position chart's series */
} GbChartInput;

typedef struct GbChart GbChart;

/* The chart names, NULL-terminated: distribution, counts, dumbbell, trend, map,
 * transitions, timeline, position. */
const char *const *gb_chart_names(void);
/* TRUE when chart `name` is about one authority (needs input->authority). */
gboolean gb_chart_needs_authority(const char *name);

/* The options of `gradebrief chart` that only some charts use: each chart
 * declares which it takes (the registry in chart.c). */
typedef enum {
    GB_CHART_TAKES_AUTHORITY = 1 << 0, /* --authority: charts about one authority */
    GB_CHART_TAKES_AS_AT = 1 << 1,     /* --as-at: charts of the latest judgements */
} GbChartTakes;

/* TRUE when chart `name` takes option opt. */
gboolean gb_chart_takes(const char *name, GbChartTakes opt);
/* The names of the charts that take opt, as "a, b and c"; the caller frees it. */
char *gb_chart_names_taking(GbChartTakes opt);

/* Computes chart `name` from in. Returns NULL with *error set (a sentence the
 * caller frees) for an unknown name, a missing authority, or no data to show. */
GbChart *gb_chart_new(const char *name, const GbChartInput *in, char **error);
void gb_chart_free(GbChart *c);

const char *gb_chart_name(const GbChart *c);
const char *gb_chart_title(const GbChart *c);
/* One paragraph saying what the chart shows, with its numbers (PDF alt text). */
const char *gb_chart_alt(const GbChart *c);
/* Feeds h what the chart shows: its name, title, subtitle, source and alt
 * text, and what its drawing shows beyond them (the map: the grade of every
 * tile), so a document's hash changes exactly when the chart would draw
 * differently. This function can't fail. */
void gb_chart_digest(const GbChart *c, GbDigest *h);
/* The height the chart wants at width (points), to fit its labels. */
double gb_chart_height_for(const GbChart *c, GbFonts *f, double width);
/* The least height it can be drawn in at width without clipping or overlap
 * (at most gb_chart_height_for). */
double gb_chart_min_height_for(const GbChart *c, GbFonts *f, double width);
/* The first and last years on a timeline's axis (the same for every authority
 * of one run: timeline.c); FALSE, and nothing set, when c is not a timeline. */
gboolean gb_chart_timeline_axis(const GbChart *c, int *first, int *last);
/* A titled area of a drawn chart: its outline as SVG path data ("M x y L ...
 * Z", in the coordinates c is drawn in) and the title a pointer shows over it. */
typedef struct {
    char *path, *title;
} GbChartArea;
/* The titled areas of c drawn into box (each map tile, naming its authority,
 * code and grade), as GbChartArea; NULL when c has none. Free with
 * gb_chart_areas_free. */
GArray *gb_chart_areas(const GbChart *c, GbFonts *f, GbBox box);
void gb_chart_areas_free(GArray *areas);
/* Charts drawn alike for many authorities but for a part, such as a pack's
 * map (the same tiles in every pack; the outline and the subtitle naming the
 * authority differ): TRUE when c is one, drawn in two layers, the base
 * (shared) and the over (its own). Drawing the base and then the over makes
 * the pixels gb_chart_draw makes, so a base drawn once can be copied. */
gboolean gb_chart_layered(const GbChart *c);
typedef enum { GB_CHART_BASE, GB_CHART_OVER } GbChartLayer;
/* Draws one layer of c into box (a chart of one layer: all of it as the base,
 * nothing over). Errors are sticky in cr. */
void gb_chart_draw_layer(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox box, GbChartLayer layer);
/* Feeds h what c's base layer shows drawn into box with f, so two charts
 * whose bases digest alike draw the same base. This function can't fail. */
void gb_chart_base_digest(const GbChart *c, GbFonts *f, GbBox box, GbDigest *h);
/* Draws c into box. Errors are sticky in cr (cairo_status). */
void gb_chart_draw(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox box);
/* The same on a tagged PDF surface, in reading order: the title and subtitle
 * each a P, the plot a Figure, the source note a P. */
void gb_chart_draw_tagged(const GbChart *c, GbFonts *f, cairo_t *cr, GbBox box);

#endif
