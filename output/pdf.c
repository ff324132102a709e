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

GbStatus
gb_pdf_render(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta, gboolean compact,
              GbComposeFn compose, gpointer user, GByteArray **pdf, int *pages, GbDiag *diag)
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
    if (status == GB_OK)
        status = gb_accessible_finish(raw->data, raw->len, meta->language, alts, pdf, diag);
    g_ptr_array_free(alts, TRUE);
    g_byte_array_unref(raw);
    return status;
}
