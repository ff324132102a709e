/* kit.h - what every chart shares: pinned fonts, the grade palette, measured
 * text, nice ticks, and the frame (title, subtitle, source note, legend).
 *
 * Charts compute their geometry into plain structs first (tested on their
 * own), then draw by mapping and stroking. Everything is in points; pango runs
 * at 72 dpi with hinting off, so PDF, SVG and PNG agree. Charts never read files
 * other than the pinned font files. */
#ifndef GB_CHART_KIT_H
#define GB_CHART_KIT_H

#include "pipeline/refdata.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#define GB_FONT_FAMILY "Liberation Sans"

/* The pinned fonts and the pango context charts and pages draw text with. */
typedef struct GbFonts GbFonts;

/* Loads the Regular, Bold and Italic faces of family (NULL: Liberation Sans)
 * into a private fontconfig configuration that holds nothing else, so text
 * renders alike on every machine. Returns NULL and sets *error when the family is
 * not installed. Free with gb_fonts_free. */
GbFonts *gb_fonts_new(const char *family, char **error);
void gb_fonts_free(GbFonts *f);
/* Characters the family lacks (Arabic, CJK, emoji) are drawn from fallback
 * fonts at fixed Debian paths. Returns a message naming the first text laid out
 * since the last call that had a character no font could show (it would be a
 * box), or NULL; the caller frees it and should refuse the output. */
char *gb_fonts_take_uncovered(GbFonts *f);

/* Lays ly out now (line breaks, shaping) under a process-wide lock: call it
 * once its text and settings are final, before measuring or drawing it on a
 * thread that runs beside others (see kit.c). */
void gb_fonts_settle(PangoLayout *ly);
/* Takes and gives back that lock, for itemizing and shaping done without a
 * layout (output/doc.c's table cells). */
void gb_fonts_lock(void);
void gb_fonts_unlock(void);
/* A layout of text at size points (bold/italic as asked), for drawing on cr.
 * width > 0 wraps at that width. The caller unrefs it. */
PangoLayout *gb_fonts_layout(GbFonts *f, cairo_t *cr, const char *text, double size, gboolean bold,
                             gboolean italic, double width);
/* The context gb_fonts_layout makes for cr, to be kept and given to
 * gb_fonts_layout_in for many layouts (the same layouts, without a context
 * made and set up for each). The caller unrefs it. */
PangoContext *gb_fonts_context(GbFonts *f, cairo_t *cr);
/* The family the layouts are set in. */
const char *gb_fonts_family(const GbFonts *f);
/* gb_fonts_layout on a context from gb_fonts_context (same thread). */
PangoLayout *gb_fonts_layout_in(GbFonts *f, PangoContext *ctx, const char *text, double size,
                                gboolean bold, gboolean italic, double width);
/* Measures text as gb_fonts_layout would lay it out; *w and *h in points. */
void gb_fonts_measure(GbFonts *f, const char *text, double size, gboolean bold, double width,
                      double *w, double *h);

/* Colours for the common 4-level scale, chosen to stay apart in greyscale and for
 * colour-blind readers; inadequate is also hatched, so colour is never alone. */
typedef struct {
    double r, g, b;
} GbRgb;
GbRgb gb_palette_level(int level); /* 0 outstanding .. 3 inadequate */
/* Chooses the palette: "default" (colour, apart in greyscale and for colour-blind
 * readers) or "greyscale" (for black-and-white printing). Call before drawing
 * starts, not while other threads draw. FALSE for an unknown name. */
gboolean gb_palette_use(const char *name);
GbRgb gb_palette_category(int i); /* categorical outcomes (unannounced) */
/* TRUE when white text reads better than black on c. */
gboolean gb_palette_dark(GbRgb c);
/* Fills the current path with c and, for inadequate (level 3), a hatch; then
 * a white separator GB_PALETTE_SEPARATOR wide on its edge, and, when c is
 * under 3:1 against white, a dark outline inside (gb_palette_outline): every
 * fill stands 3:1 against what is next to it (WCAG 1.4.11). */
void gb_palette_fill(cairo_t *cr, GbRgb c, int level);
#define GB_PALETTE_SEPARATOR 0.8
#define GB_PALETTE_OUTLINE 0.8
/* WCAG 2 relative luminance of c, and the contrast ratio of a and b (1 to 21). */
double gb_palette_luminance(GbRgb c);
double gb_palette_contrast(GbRgb a, GbRgb b);
/* FALSE when c stands 3:1 against white; else TRUE and *outline, a darker c
 * that stands 3:1 against both white and c. */
gboolean gb_palette_outline(GbRgb c, GbRgb *outline);
/* Text on a fill: the ink for a label on c, white or near-black (black when
 * neither stands 4.5:1), whichever contrasts more; every colour gets one at
 * least 4.5:1 (WCAG 1.4.3). */
GbRgb gb_palette_ink(GbRgb c);
/* The least contrast gb_palette_ink reaches on any colour. */
#define GB_PALETTE_TEXT_CONTRAST 4.5
/* Before a label of w by h at x, y on a fill of c at level: on the hatched
 * inadequate fill, a solid plate of c GB_PALETTE_PLATE wider each side, so
 * the label stands against c alone; returns the label's ink. */
GbRgb gb_palette_label_backing(cairo_t *cr, GbRgb c, int level, double x, double y, double w,
                               double h);
#define GB_PALETTE_PLATE 2.0
/* The transitions heatmap's ramp, t from 0 (white) to 1 (its darkest). */
GbRgb gb_palette_ramp(double t);

/* Tick marks for an axis from lo to hi, at a "nice" step (1, 2, 2.5 or 5 x 10^k). */
typedef struct {
    double lo, hi, step;
    int n;
    double values[32];
} GbTicks;
void gb_ticks_nice(double lo, double hi, int max_ticks, GbTicks *t);

/* The step between labelled years (1, 2, 5, 10, 20, 50 ...) so that labels
 * label_w wide, years_w apart for one year, do not touch. */
int gb_ticks_year_step(double year_w, double label_w);

/* Formats v with `decimals` decimals and thousands separators into buf. */
void gb_format_number(double v, int decimals, char *buf, gsize len);

/* A box in points. */
typedef struct {
    double x, y, w, h;
} GbBox;

/* The frame: title, subtitle and source note around a plot box. */
typedef struct {
    const char *title, *subtitle, *source;
    GbBox outer; /* the whole chart */
    GbBox plot;  /* what is left for the chart body */
    double title_h, subtitle_h, source_h;
} GbFrame;

/* Lays out the frame texts in outer (wrapping to its width); plot is the rest. */
void gb_frame_layout(GbFonts *f, GbFrame *fr);
/* Draws the title and subtitle; the source note is drawn apart, after the
 * chart's body, so that text extraction reads it after the chart. */
void gb_frame_draw(GbFonts *f, cairo_t *cr, const GbFrame *fr);
void gb_frame_draw_source(GbFonts *f, cairo_t *cr, const GbFrame *fr);

/* Text drawing: at (x, y) as the top-left corner, or aligned in a box. */
void gb_text_draw(GbFonts *f, cairo_t *cr, const char *text, double size, gboolean bold, double x,
                  double y, GbRgb colour);
/* Draws text with its right edge at x (align 1), centre (0.5) or left (0). */
void gb_text_draw_aligned(GbFonts *f, cairo_t *cr, const char *text, double size, gboolean bold,
                          double x, double y, double align, GbRgb colour);

/* Sizes used across charts, in points. */
#define GB_SIZE_TITLE 12.0
#define GB_SIZE_SUBTITLE 9.0
#define GB_SIZE_LABEL 8.0
#define GB_SIZE_SMALL 8.0 /* the smallest chart text: 8 pt, for print */

#endif
