/* briefing.h - the national briefing: every section's text, tables and
 * charts, computed from the compute stage's results, then laid out as a
 * tagged PDF (doc.h) and exported as charts/ *.svg|png and tables/ *.csv. */
#ifndef GB_BRIEFING_H
#define GB_BRIEFING_H

#include "output/config.h"
#include "output/doc.h"
#include "output/pdf.h"

typedef struct {
    const GbTable *table;
    const GbStats *stats;       /* by year, regime and judgement */
    const GbMoves *moves;
    const GbLatest *latest;     /* overall effectiveness as at the briefing's date */
    const GbConfig *config;
    const char *date;           /* ISO 8601 date of the data, for metadata */
} GbBriefingInput;

typedef struct GbBriefing GbBriefing;

/* Computes every sentence, table and chart. NULL with *error when a chart
 * cannot be made (no data for it). */
GbBriefing *gb_briefing_new(const GbBriefingInput *in, char **error);
void gb_briefing_free(GbBriefing *b);

/* Lays out and draws the PDF (two passes) and leaves its finishing pass (/Alt,
 * /Lang, with libqpdf) running on a thread of its own: gb_pdf_render_join
 * returns the finished PDF (see gb_pdf_render_start). */
GbStatus gb_briefing_pdf_start(GbBriefing *b, GbFonts *f, GbPdfJob **job, int *pages,
                               GbDiag *diag);

/* The companion files: relative names ("charts/map.svg", "tables/movers.csv")
 * and their bytes, in a stable order. Charts are drawn on one thread per core:
 * this one with f, the others each with fonts of their own. */
GbStatus gb_briefing_files(GbBriefing *b, GbFonts *f, GPtrArray *names, GPtrArray *bytes,
                           GbDiag *diag);

#endif
