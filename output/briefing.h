/* briefing.h - the national briefing: a document tree (tree.h) composed once
 * from the compute stage's results, section by section from a registry, then
 * rendered as a tagged PDF (pdf.h) and as HTML (html.h), with the charts as
 * charts/ *.svg|png and the tables as tables/ *.csv. */
#ifndef GB_BRIEFING_H
#define GB_BRIEFING_H

#include "output/chartfile.h"
#include "output/config.h"
#include "output/pdf.h"
#include "output/tree.h"
#include "output/write.h"

typedef struct {
    const GbTable *table;
    const GbStats *stats; /* by year, regime and judgement */
    const GbMoves *moves;
    const GbLatest *latest; /* overall effectiveness as at the briefing's date */
    const GbConfig *config;
    const char *date;      /* ISO 8601 date of the data, for metadata */
    const char *selection; /* what --regimes/--from/--to left out, or NULL */
    double picture_dpi;    /* > 0: the Word document is made: its pictures are
                            * the chart files (SVG, with the 150 dpi PNG as
                            * the fallback); one at another width is drawn as
                            * a PNG at this dpi */
} GbBriefingInput;

typedef struct GbBriefing GbBriefing;

/* Composes the tree: every section of in->config in order. NULL with *error
 * when a chart cannot be made (no data for it). */
GbBriefing *gb_briefing_new(const GbBriefingInput *in, char **error);
void gb_briefing_free(GbBriefing *b);

/* The composed document (owned by b). */
const GbTree *gb_briefing_tree(const GbBriefing *b);

/* The section registry: TRUE when id names a section; the ids in their
 * default order (NULL-terminated, static). */
gboolean gb_briefing_has_section(const char *id);
const char *const *gb_briefing_section_ids(void);

/* Lays out and draws the PDF (two passes) and leaves its finishing pass (/Alt,
 * /Lang, with libqpdf) running on a thread of its own: gb_pdf_render_join
 * returns the finished PDF (see gb_pdf_render_tree_start); with out, cairo's
 * bytes go to out as they are made (see gb_pdf_job_set_raw). */
GbStatus gb_briefing_pdf_start(GbBriefing *b, GbFonts *f, cairo_write_func_t out, gpointer closure,
                               GbPdfJob **job, int *pages, GbDiag *diag);

/* The chart files' tasks (chartfile.h), for gb_briefing_files and any
 * thread that helps with them, with fonts of its own; free it once
 * gb_briefing_files has returned and every helper has left. */
GbChartRun *gb_briefing_chart_run(GbBriefing *b);

/* Called with each companion file as it is made: its relative name
 * ("charts/map.svg", "tables/movers.csv") and bytes, which the callee must
 * not keep (a write set copies them to a temporary at once). A status other
 * than GB_OK stops the making, and gb_briefing_files returns it. */
typedef GbStatus (*GbBriefingFileFn)(const char *name, const GByteArray *bytes, gpointer user,
                                     GbDiag *diag);

/* The companion files, handed to emit one by one in a stable order, the
 * same whatever the threads, and freed then unless the HTML page (html) or
 * the Word file (b's picture_dpi) takes them later. The charts are drawn as
 * tasks of run (NULL: a run of its own) by `threads` - 1 threads with fonts
 * of their own, this one with f, and any other thread that helps meanwhile.
 * Reads b's tree only, so it may run beside gb_briefing_pdf_start on
 * another thread (with other fonts); the HTML and Word file must wait for it
 * (they take its SVGs and PNGs). */
GbStatus gb_briefing_files(GbBriefing *b, GbFonts *f, GbChartRun *run, int threads, gboolean html,
                           GbBriefingFileFn emit, gpointer user, GbDiag *diag);

/* The bytes of file name ("charts/map.svg") as emit was given them, a new
 * reference, or NULL when they cannot be had. */
typedef GBytes *(*GbBriefingReadFn)(const char *name, gpointer user);
/* The chart files handed to emit as each is drawn, on the thread that drew
 * it (run: the chart run gb_briefing_files will be given, before any thread
 * helps it; NULL when it makes its own), and never held: the HTML page
 * (gb_briefing_html_to) and the Word file (gb_briefing_docx_to, with
 * picture_dpi) read each back through read as they want it, one at a time.
 * gb_briefing_files' emit then has the rest (the tables). emit may be
 * called from two threads at once. */
void gb_briefing_read_back(GbBriefing *b, GbChartRun *run, GbBriefingFileFn emit,
                           GbBriefingReadFn read, gpointer user);

/* briefing.html: the tree as one self-contained page, its charts the SVGs
 * gb_briefing_files made (call that first; without it the figures show their
 * alt text). Returns a new array; this function can't fail. */
GByteArray *gb_briefing_html(const GbBriefing *b);
/* gb_briefing_html into file `to` of a write set as it is made (html.h). */
void gb_briefing_html_to(const GbBriefing *b, GbWriteStream *to);
/* The briefing as a Word document (docx.h), its charts drawn with f or taken
 * from the chart files gb_briefing_files kept (each let go once zipped). */
GbStatus gb_briefing_docx(GbBriefing *b, GbFonts *f, GByteArray **out, GbDiag *diag);
/* gb_briefing_docx into file `to` of a write set as it is made (docx.h). */
GbStatus gb_briefing_docx_to(GbBriefing *b, GbFonts *f, GbWriteStream *to, GbDiag *diag);
/* Drops b's references to the SVGs and PNGs gb_briefing_files kept for the
 * HTML page and the Word file, once both are made (or not wanted):
 * megabytes otherwise held to the end of the run. Later pages and Word files
 * of b show no charts; this function can't fail. */
void gb_briefing_files_release(GbBriefing *b);

#endif
