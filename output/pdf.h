/* pdf.h - one tagged PDF from a compose function: the measuring pass, the
 * drawing pass, metadata, the cairo status check, and the accessibility pass.
 * The briefing and every pack are made this way. */
#ifndef GB_PDF_H
#define GB_PDF_H

#include "output/doc.h"
#include "output/tree.h"

typedef struct {
    const char *title, *author, *subject, *keywords;
    const char *date;     /* ISO 8601, or NULL for none (never the clock) */
    const char *language; /* /Lang, e.g. en-GB */
} GbPdfMeta;

typedef void (*GbComposeFn)(GbDoc *d, gpointer user);

/* Calls compose twice (measure, then draw) and returns the finished PDF. */
GbStatus gb_pdf_render(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta,
                       gboolean compact, GbComposeFn compose, gpointer user, GByteArray **pdf,
                       int *pages, GbDiag *diag);

/* The same in two steps: start returns once cairo has written the PDF and
 * leaves the finishing pass (accessible.c) running on a thread of its own, so the
 * caller can draw something else meanwhile; join waits for it and returns the
 * finished PDF: the array gb_pdf_job_raw gave, grown by the pass's update
 * (its data may have moved). Every started job must be joined. The pass
 * begins on a thread of its own at gb_pdf_job_begin, when the caller has the
 * memory and a core for it (build: once the files' chain is over, not beside
 * the Word file's making), or in the join if it never began. */
typedef struct GbPdfJob GbPdfJob;
GbStatus gb_pdf_render_start(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta,
                             gboolean compact, GbComposeFn compose, gpointer user,
                             cairo_write_func_t out, gpointer closure, GbPdfJob **job, int *pages,
                             GbDiag *diag);
void gb_pdf_job_begin(GbPdfJob *job);
GbStatus gb_pdf_render_join(GbPdfJob *job, GByteArray **pdf, GbDiag *diag);
/* cairo's PDF, which the finished one begins with (the finishing pass
 * appends its update), to be read while the pass runs; the job's until the
 * join (ref it to keep it). NULL when cairo wrote it out. */
GByteArray *gb_pdf_job_raw(GbPdfJob *job);
/* With out (not NULL), start hands cairo's PDF to out (closure) as cairo
 * writes it, never holding it: a failed write is out's to report (returning
 * CAIRO_STATUS_WRITE_ERROR fails the start). The caller then gives the bytes
 * out took back for the pass, before it begins (gb_pdf_job_set_raw takes a
 * reference), and joins with gb_pdf_render_join_update, which returns only
 * the update that follows them (and frees the job, as the join does). */
void gb_pdf_job_set_raw(GbPdfJob *job, GBytes *raw);
/* Frees a job whose pass never began (its bytes could not be given back). */
void gb_pdf_job_abandon(GbPdfJob *job);
GbStatus gb_pdf_render_join_update(GbPdfJob *job, GBytes **update, GbDiag *diag);

/* The PDF renderer of a document tree: a cover and contents (tree->cover) or
 * a title block, then every section, laid out by doc.c. The tree is only
 * read. _start as gb_pdf_render_start; gb_pdf_render_tree waits for the
 * finishing pass. */
GbStatus gb_pdf_render_tree_start(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta,
                                  const GbTree *tree, cairo_write_func_t out, gpointer closure,
                                  GbPdfJob **job, int *pages, GbDiag *diag);
GbStatus gb_pdf_render_tree(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta,
                            const GbTree *tree, GByteArray **pdf, int *pages, GbDiag *diag);

#endif
