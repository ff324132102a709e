/* pdf.c - measure, draw, check, finish (see pdf.h). */
#include "output/pdf.h"

#include "output/accessible.h"
#include "output/doc-private.h"

#include <cairo-pdf.h>

static cairo_status_t
gb__append(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* The finishing pass (accessible.c), on a thread of its own or not. */
struct GbPdfJob {
    GByteArray *raw; /* cairo's PDF, or NULL when cairo wrote it out (gb_pdf_job_set_raw) */
    GBytes *given;   /* the bytes it wrote out, given back for the pass */
    GPtrArray *alts; /* the Figures' alt texts, in order */
    GbTagTree *tags; /* the structure elements the drawing pass opened */
    GbDoc *measure;  /* the measuring pass, its layouts freed once the finishing pass runs */
    char *language;
    GByteArray *update; /* what the pass appends to raw, once done */
    GbStatus status;
    GbDiag diag;
    GThread *thread;
};

static gpointer
gb__finish(gpointer data)
{
    GbPdfJob *j = data;
    gsize len;
    const guint8 *raw;
    if (j->raw != NULL)
        raw = j->raw->data, len = j->raw->len;
    else
        raw = g_bytes_get_data(j->given, &len);
    j->status =
        gb_accessible_finish_update(raw, len, j->language, j->alts, j->tags, &j->update, &j->diag);
    return NULL;
}

static void
gb__job_free(GbPdfJob *j)
{
    if (j->raw != NULL)
        g_byte_array_unref(j->raw);
    if (j->given != NULL)
        g_bytes_unref(j->given);
    g_ptr_array_free(j->alts, TRUE);
    gb_tag_tree_free(j->tags);
    gb_doc_free(j->measure);
    g_free(j->language);
    if (j->update != NULL)
        g_byte_array_unref(j->update);
    gb_diag_clear(&j->diag);
    g_free(j);
}

/* The two cairo passes: *job holds cairo's PDF (unless out took it) and the
 * alt texts, unfinished. */
static GbStatus
gb__render_raw(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta, gboolean compact,
               GbComposeFn compose, gpointer user, cairo_write_func_t out, gpointer closure,
               GbPdfJob **job, int *pages, GbDiag *diag)
{
    /* Pass 1: measure and count. */
    GbDoc *measure = gb_doc_new(f, setup, NULL, NULL);
    gb_doc_set_compact(measure, compact);
    compose(measure, user);
    gb_doc_finish(measure);
    /* Pass 2: draw, knowing every page number. */
    GByteArray *raw = out == NULL ? g_byte_array_new() : NULL;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(
        out != NULL ? out : gb__append, out != NULL ? closure : raw, setup->width, setup->height);
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
        gb_diag_set(diag, NULL, 0, 0,
                    "internal: the drawing pass made %d pages, the measuring "
                    "pass %d",
                    *pages, gb_doc_pages(measure));
        status = GB_SOFTWARE;
    }
    GPtrArray *alts = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < gb_doc_alts(draw)->len; i++)
        g_ptr_array_add(alts, g_strdup(g_ptr_array_index(gb_doc_alts(draw), i)));
    GbTagTree *tags = gb__doc_take_tags(draw);
    gb_doc_free(draw);
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
    j->tags = tags;
    j->measure = measure;
    j->language = g_strdup(meta->language);
    if (status != GB_OK) {
        gb__job_free(j);
        return status;
    }
    *job = j;
    return GB_OK;
}

GbStatus
gb_pdf_render_start(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta, gboolean compact,
                    GbComposeFn compose, gpointer user, cairo_write_func_t out, gpointer closure,
                    GbPdfJob **job, int *pages, GbDiag *diag)
{
    GbStatus status =
        gb__render_raw(f, setup, meta, compact, compose, user, out, closure, job, pages, diag);
    /* Its ~2,300 layouts freed now the drawing is over, before the pass. */
    if (status == GB_OK)
        gb_doc_free(g_steal_pointer(&(*job)->measure));
    return status;
}

void
gb_pdf_job_begin(GbPdfJob *job)
{
    /* The pass shares nothing with cairo or pango: it may run beside drawing. */
    if (job->thread == NULL)
        job->thread = g_thread_new("pdf-finish", gb__finish, job);
}

GByteArray *
gb_pdf_job_raw(GbPdfJob *job)
{
    return job->raw;
}

void
gb_pdf_job_abandon(GbPdfJob *job)
{
    g_return_if_fail(job->thread == NULL);
    gb__job_free(job);
}

void
gb_pdf_job_set_raw(GbPdfJob *job, GBytes *raw)
{
    g_return_if_fail(job->raw == NULL && job->given == NULL && job->thread == NULL);
    job->given = g_bytes_ref(raw);
}

/* Waits for the pass (or runs it, if it never began); its status, with
 * *diag its diagnosis when it failed. */
static GbStatus
gb__job_wait(GbPdfJob *job, GbDiag *diag)
{
    if (job->thread != NULL)
        g_thread_join(job->thread);
    else
        gb__finish(job);
    if (job->status != GB_OK)
        *diag = job->diag, job->diag = (GbDiag){0};
    return job->status;
}

GbStatus
gb_pdf_render_join_update(GbPdfJob *job, GBytes **update, GbDiag *diag)
{
    GbStatus status = gb__job_wait(job, diag);
    if (status == GB_OK)
        *update = g_byte_array_free_to_bytes(g_steal_pointer(&job->update));
    gb__job_free(job);
    return status;
}

GbStatus
gb_pdf_render_join(GbPdfJob *job, GByteArray **pdf, GbDiag *diag)
{
    GbStatus status = gb__job_wait(job, diag);
    /* Nothing reads cairo's bytes now: the update goes after them in their
     * own array, not into a copy of the file (1.3 MB for the briefing). */
    if (status == GB_OK)
        *pdf = g_byte_array_append(g_steal_pointer(&job->raw), job->update->data, job->update->len);
    gb__job_free(job);
    return status;
}

GbStatus
gb_pdf_render(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta, gboolean compact,
              GbComposeFn compose, gpointer user, GByteArray **pdf, int *pages, GbDiag *diag)
{
    GbPdfJob *job;
    GbStatus status =
        gb__render_raw(f, setup, meta, compact, compose, user, NULL, NULL, &job, pages, diag);
    return status == GB_OK ? gb_pdf_render_join(job, pdf, diag) : status;
}

/* One table of the tree through doc.c: its header row, its body cells. */
static void
gb__table(GbDoc *d, const GbTreeTable *t)
{
    GPtrArray *headers = g_ptr_array_new();
    for (int c = 0; c < t->ncols; c++)
        g_ptr_array_add(headers, gb_tree_table_cell(t, -1, c)->text);
    GArray *cells = g_array_new(FALSE, FALSE, sizeof(GbCell));
    int rows = gb_tree_table_rows(t);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const GbTreeCell *x = gb_tree_table_cell(t, r, c);
            GbCell cell = {.text = x->text, .level = x->level};
            g_array_append_val(cells, cell);
        }
    GbDocTable dt = {.ncols = t->ncols,
                     .headers = (const char *const *)headers->pdata,
                     .widths = t->widths,
                     .cells = cells,
                     .row_headers = t->row_headers};
    gb_doc_table(d, &dt);
    g_array_free(cells, TRUE);
    g_ptr_array_free(headers, TRUE);
}

static void
gb__block(GbDoc *d, const GbTreeBlock *b)
{
    switch (b->kind) {
    case GB_BLOCK_HEADING:
        gb_doc_heading(d, b->text);
        break;
    case GB_BLOCK_PARAGRAPH: {
        const GbTreeRun *r0 = b->runs->len == 1 ? &g_array_index(b->runs, GbTreeRun, 0) : NULL;
        if (r0 != NULL && r0->kind == GB_RUN_LINK) { /* a line that is a link */
            gb_doc_link_line(d, r0->text, r0->print_href ? r0->print_href : r0->href);
            break;
        }
        char *text = gb_tree_paragraph_text(b);
        gb_doc_paragraph(d, text);
        g_free(text);
        break;
    }
    case GB_BLOCK_NOTE:
        gb_doc_note(d, b->text);
        break;
    case GB_BLOCK_LIST:
        gb_doc_bullets(d, (const char *const *)b->items->pdata, (int)b->items->len);
        break;
    case GB_BLOCK_FIGURE:
        /* The chart's numbers are in its /Alt; its data table is for the HTML. */
        gb_doc_figure_placed(d, b->chart, b->caption, b->width,
                             b->under    ? GB_DOC_UNDER
                             : b->beside ? GB_DOC_BESIDE
                                         : GB_DOC_BELOW,
                             b->shrink);
        break;
    case GB_BLOCK_TABLE:
        gb__table(d, b->table);
        break;
    }
}

static void
gb__walk(GbDoc *d, gpointer user)
{
    const GbTree *t = user;
    if (t->cover) {
        GPtrArray *lines = g_ptr_array_new();
        for (guint i = 0; i < t->cover_lines->len; i++)
            g_ptr_array_add(lines, g_ptr_array_index(t->cover_lines, i));
        g_ptr_array_add(lines, NULL);
        gb_doc_cover(d, t->title, t->subtitle, (const char *const *)lines->pdata);
        g_ptr_array_free(lines, TRUE);
        GPtrArray *ids = g_ptr_array_new(), *titles = g_ptr_array_new();
        for (guint i = 0; i < t->sections->len; i++) {
            const GbTreeSection *s = g_ptr_array_index(t->sections, i);
            g_ptr_array_add(ids, s->id);
            g_ptr_array_add(titles, s->title);
        }
        gb_doc_contents(d, (const char *const *)ids->pdata, (const char *const *)titles->pdata,
                        (int)ids->len);
        g_ptr_array_free(ids, TRUE);
        g_ptr_array_free(titles, TRUE);
    } else {
        gb_doc_title(d, t->title, t->subtitle);
    }
    for (guint i = 0; i < t->sections->len; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        gb_doc_section(d, s->id, s->title);
        for (guint k = 0; k < s->blocks->len; k++)
            gb__block(d, g_ptr_array_index(s->blocks, k));
        if (s->page_after && i + 1 < t->sections->len)
            gb_doc_page_break(d);
    }
}

GbStatus
gb_pdf_render_tree_start(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta,
                         const GbTree *tree, cairo_write_func_t out, gpointer closure,
                         GbPdfJob **job, int *pages, GbDiag *diag)
{
    return gb_pdf_render_start(f, setup, meta, tree->compact, gb__walk, (gpointer)tree, out,
                               closure, job, pages, diag);
}

GbStatus
gb_pdf_render_tree(GbFonts *f, const GbPageSetup *setup, const GbPdfMeta *meta, const GbTree *tree,
                   GByteArray **pdf, int *pages, GbDiag *diag)
{
    return gb_pdf_render(f, setup, meta, tree->compact, gb__walk, (gpointer)tree, pdf, pages, diag);
}
