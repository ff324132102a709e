/* chartfile.h - one chart as the bytes of a PDF, SVG or PNG file. */
#ifndef GB_CHARTFILE_H
#define GB_CHARTFILE_H

#include "charts/chart.h"

typedef enum { GB_FORMAT_PDF, GB_FORMAT_SVG, GB_FORMAT_PNG } GbFormat;

/* Parses "pdf", "svg" or "png"; FALSE otherwise. */
gboolean gb_format_parse(const char *s, GbFormat *out);
/* The format a file name's extension names, or FALSE. */
gboolean gb_format_from_path(const char *path, GbFormat *out);

typedef struct {
    GbFormat format;
    double width, height; /* points; height 0 = what the chart needs at width */
    double dpi;           /* PNG only */
    const char *date;     /* PDF creation date (ISO 8601), NULL for none */
} GbChartFileOptions;

/* The height of c's file at width (points) when none is asked for: what the
 * chart needs there, with the file's margins. A picture of the file placed at
 * width must be this tall, or it is squashed (or, drawn at less, clipped). */
double gb_chartfile_height(const GbChart *c, GbFonts *f, double width);

/* Renders c to bytes in memory. A layered chart's PNG (chart.h) is drawn over
 * a copy of its base, drawn once a process and kept (thread-safe), and is
 * the same file either way. GB_USAGE for an image too large, GB_SOFTWARE
 * when drawing fails (diag set). */
GbStatus gb_chartfile_render(const GbChart *c, GbFonts *f, const GbChartFileOptions *o,
                             GByteArray **out, GbDiag *diag);

/* Drops the layered charts' bases kept by gb_chartfile_render (a pack's map
 * drawn once without its outline, copied under each pack's own): for tests,
 * and to give the memory back. The next render draws its base again. */
void gb_chartfile_forget(void);

/* Renders every chart in every format of opts on `threads` threads: the
 * calling one with `fonts` (its own, already warm; NULL to make new ones) and
 * the others each with new fonts of family `font`, since pango objects never
 * cross threads. (*out)[i * nopts + k] holds chart i in format k, the same
 * bytes whatever the thread count. The tasks are taken format by format,
 * the last of opts first: put the costliest last. */
GbStatus gb_chartfile_render_all(const GPtrArray *charts, const GbChartFileOptions *opts, int nopts,
                                 GbFonts *fonts, const char *font, int threads, GPtrArray **out,
                                 GbDiag *diag);

/* The same, with the threads the caller's: gb_chartfile_run_new lists the
 * tasks (every chart of charts in every format of opts; both must outlive
 * the run), any number of threads take tasks with gb_chartfile_run_help
 * (each with fonts of its own, or NULL to make new ones of the run's
 * family), at any time, and gb_chartfile_run_end waits for the tasks taken,
 * and for every helper inside, to end. So a thread that is free early (the
 * PDF drawn) can help a run another thread started. */
typedef struct GbChartRun GbChartRun;
GbChartRun *gb_chartfile_run_new(const GPtrArray *charts, const GbChartFileOptions *opts, int nopts,
                                 const char *font);
void gb_chartfile_run_free(GbChartRun *r);
/* Draws tasks until none is left (returns at once then) or one failed. */
void gb_chartfile_run_help(GbChartRun *r, GbFonts *fonts);
/* Draws any task left (with new fonts), waits for the rest: every chart's
 * bytes as gb_chartfile_render_all gives them (a new reference), or the
 * first failure's diagnosis. Call it once, from a thread that is not inside
 * gb_chartfile_run_help; a helper that comes later finds nothing to do. */
GbStatus gb_chartfile_run_end(GbChartRun *r, GPtrArray **out, GbDiag *diag);
/* Hands each file to done (user) as soon as it is drawn, on the thread that
 * drew it, instead of keeping it for gb_chartfile_run_end (its slot is then
 * NULL): chart i of charts in format k of opts, the bytes done's to keep or
 * let go. A status other than GB_OK from done fails the run with done's
 * status and diagnosis. Set it before any thread helps. */
typedef GbStatus (*GbChartDoneFn)(guint chart, int k, GByteArray *bytes, gpointer user,
                                  GbDiag *diag);
void gb_chartfile_run_on_done(GbChartRun *r, GbChartDoneFn done, gpointer user);

#endif
