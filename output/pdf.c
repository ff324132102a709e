/* pdf.c - measure, draw, check, finish (see pdf.h). */
#include "output/pdf.h"

#include "output/accessible.h"

#include <cairo-pdf.h>

static cairo_status_t
gb__append(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* The finishing pass (libqpdf), on a thread of its own or not. */
struct GbPdfJob {
    GByteArray *raw;        /* cairo's PDF */
    GPtrArray *alts;        /* the Figures' alt texts, in order */
    char *language;
    GByteArray *pdf;        /* the finished PDF, once done */
    GbStatus status;
    GbDiag diag;
    GThread *thread;
};

static gpointer
gb__finish(gpointer data)
{
    GbPdfJob *j = data;
    j->status = gb_accessible_finish(j->raw->data, j->raw->len, j->language, j->alts, &j->pdf,
                                     &j->diag);
    return NULL;
}

static void
gb__job_free(GbPdfJob *j)
{
    g_byte_array_unref(j->raw);
    g_ptr_array_free(j->alts, TRUE);
    g_free(j->language);
    if (j->pdf != NULL)
        g_byte_array_unref(j->pdf);
    gb_diag_clear(&j->diag);
    g_free(j);
}

/* The two cairo passes: *job holds cairo's PDF and the alt texts, unfinished. */
static GbStatus
gb__render_raw(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta, gboolean compact,
               GbComposeFn compose, gpointer user, GbPdfJob **job, int *pages, GbDiag *diag)
{
    /* Pass 1: measure and count. */
    GbDoc *measure = gb_doc_new(f, setup, NULL, NULL);
    gb_doc_set_compact(measure, compact);
    compose(measure, user);
    gb_doc_finish(measure);
    /* Pass 2: draw, knowing every page number. */
    GByteArray *raw = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(gb__append, raw, setup->width,
                                                             setup->height);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, meta->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, meta->author);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, meta->subject);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, meta->keywords);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "gradebrief " GB_VERSION);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, meta->date);
    GbDoc *draw = gb_doc_new(f, setup, s, measure);
    gb_doc_set_compact(draw, compact);
    compose(draw, user);
    *pages = gb_doc_finish(draw);
    GbStatus status = GB_OK;
    if (*pages != gb_doc_pages(measure)) {
        gb_diag_set(diag, NULL, 0, 0, "internal: the drawing pass made %d pages, the measuring "
                    "pass %d", *pages, gb_doc_pages(measure));
        status = GB_SOFTWARE;
    }
    GPtrArray *alts = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < gb_doc_alts(draw)->len; i++)
        g_ptr_array_add(alts, g_strdup(g_ptr_array_index(gb_doc_alts(draw), i)));
    gb_doc_free(draw);
    gb_doc_free(measure);
    cairo_surface_finish(s);
    cairo_status_t cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (status == GB_OK && cs != CAIRO_STATUS_SUCCESS) {
        gb_diag_set(diag, NULL, 0, 0, "cairo could not write the PDF: %s",
                    cairo_status_to_string(cs));
        status = GB_SOFTWARE;
    }
    GbPdfJob *j = g_new0(GbPdfJob, 1);
    j->raw = raw;
    j->alts = alts;
    j->language = g_strdup(meta->language);
    if (status != GB_OK) {
        gb__job_free(j);
        return status;
    }
    *job = j;
    return GB_OK;
}

GbStatus
gb_pdf_render_start(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta,
                    gboolean compact, GbComposeFn compose, gpointer user, GbPdfJob **job,
                    int *pages, GbDiag *diag)
{
    GbStatus status = gb__render_raw(f, setup, meta, compact, compose, user, job, pages, diag);
    /* libqpdf shares nothing with cairo or pango: it may run beside drawing. */
    if (status == GB_OK)
        (*job)->thread = g_thread_new("pdf-finish", gb__finish, *job);
    return status;
}

GbStatus
gb_pdf_render_join(GbPdfJob *job, GByteArray **pdf, GbDiag *diag)
{
    if (job->thread != NULL)
        g_thread_join(job->thread);
    else
        gb__finish(job);
    GbStatus status = job->status;
    if (status == GB_OK)
        *pdf = g_steal_pointer(&job->pdf);
    else
        *diag = job->diag, job->diag = (GbDiag){0};
    gb__job_free(job);
    return status;
}

GbStatus
gb_pdf_render(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta, gboolean compact,
              GbComposeFn compose, gpointer user, GByteArray **pdf, int *pages, GbDiag *diag)
{
    GbPdfJob *job;
    GbStatus status = gb__render_raw(f, setup, meta, compact, compose, user, &job, pages, diag);
    return status == GB_OK ? gb_pdf_render_join(job, pdf, diag) : status;
}
