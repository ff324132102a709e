/* chartfile.c - render one chart to PDF, SVG or PNG bytes (see chartfile.h);
 * the write stage (write.h) writes them. */
#include "output/chartfile.h"

#include "output/png.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>

gboolean
gb_format_parse(const char *s, GbFormat *out)
{
    static const char *const names[] = {"pdf", "svg", "png"};
    for (int i = 0; i < 3; i++) {
        if (g_ascii_strcasecmp(s, names[i]) == 0) {
            *out = (GbFormat)i;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
gb_format_from_path(const char *path, GbFormat *out)
{
    const char *dot = strrchr(path, '.');
    return dot != NULL && gb_format_parse(dot + 1, out);
}

/* cairo's own limit on an image's side, in pixels. */
#define GB__MAX_PIXELS 32767

static cairo_status_t
gb__append(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* White space around the chart in its file, each side. */
#define GB__MARGIN 6.0

double
gb_chartfile_height(const GbChart *c, GbFonts *f, double width)
{
    return gb_chart_height_for(c, f, width - 2 * GB__MARGIN) + 2 * GB__MARGIN;
}

/* Appends `text` to s with &, < and > escaped. */
static void
gb__xml_text(GString *s, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '&')
            g_string_append(s, "&amp;");
        else if (*p == '<')
            g_string_append(s, "&lt;");
        else if (*p == '>')
            g_string_append(s, "&gt;");
        else
            g_string_append_c(s, *p);
    }
}

/* Adds c's titled areas (a map's tiles) to the SVG in bytes, over the drawing
 * and before its closing tag: each an invisible path whose <title> a pointer
 * shows. Nothing when c has none. */
static void
gb__svg_areas(const GbChart *c, GbFonts *f, GbBox box, GByteArray *bytes)
{
    GArray *areas = gb_chart_areas(c, f, box);
    if (areas == NULL)
        return;
    const char *end = g_strrstr_len((const char *)bytes->data, bytes->len, "</svg>");
    if (end != NULL && areas->len > 0) {
        gsize at = (gsize)(end - (const char *)bytes->data);
        GString *s = g_string_new("<g fill=\"#fff\" fill-opacity=\"0\">\n");
        for (guint i = 0; i < areas->len; i++) {
            const GbChartArea *a = &g_array_index(areas, GbChartArea, i);
            g_string_append_printf(s, "<path d=\"%s\"><title>", a->path);
            gb__xml_text(s, a->title);
            g_string_append(s, "</title></path>\n");
        }
        g_string_append(s, "</g>\n");
        GByteArray *tail = g_byte_array_new();
        g_byte_array_append(tail, bytes->data + at, bytes->len - (guint)at);
        g_byte_array_set_size(bytes, (guint)at);
        g_byte_array_append(bytes, (const guint8 *)s->str, (guint)s->len);
        g_byte_array_append(bytes, tail->data, tail->len);
        g_byte_array_unref(tail);
        g_string_free(s, TRUE);
    }
    gb_chart_areas_free(areas);
}

/* A layered chart's base layer drawn at one size (chart.h): the pixels to
 * copy under each chart's own layer, and their filtered bands for the PNG
 * encoder. Immutable once made; shared by threads, counted. */
typedef struct {
    char *key;
    gsize size; /* of pixels */
    guint8 *pixels;
    GbPngBands *bands;
    gint refs; /* atomic */
} GbBase;

/* The bases kept: a pack run draws one map size (two while its Word layout
 * changes); each is megabytes. */
#define GB__BASES 2
G_LOCK_DEFINE_STATIC(gb__bases);
G_LOCK_DEFINE_STATIC(gb__drawing);
static GbBase *gb__bases[GB__BASES]; /* the newest first */

static void
gb__base_unref(GbBase *b)
{
    if (b == NULL || !g_atomic_int_dec_and_test(&b->refs))
        return;
    g_free(b->key);
    gb_png_bands_free(b->bands); /* holds the surface over pixels */
    g_free(b->pixels);
    g_free(b);
}

void
gb_chartfile_forget(void)
{
    G_LOCK(gb__bases);
    for (int i = 0; i < GB__BASES; i++)
        g_clear_pointer(&gb__bases[i], gb__base_unref);
    G_UNLOCK(gb__bases);
}

/* The kept base of key, referenced, or NULL. */
static GbBase *
gb__base_find(const char *key)
{
    GbBase *b = NULL;
    G_LOCK(gb__bases);
    for (int i = 0; i < GB__BASES && b == NULL; i++)
        if (gb__bases[i] != NULL && strcmp(gb__bases[i]->key, key) == 0) {
            b = gb__bases[i];
            g_atomic_int_inc(&b->refs);
        }
    G_UNLOCK(gb__bases);
    return b;
}

static GbBase *gb__base_draw(const GbChart *c, GbFonts *f, GbBox box, int pw, int ph, int stride,
                             double scale, char *key);

/* The base of layered chart c drawn into box on a pw x ph image (stride bytes
 * a row) at scale: one kept, or drawn now and kept. NULL when it cannot be
 * drawn (the caller then draws the whole chart). Unref it after. */
static GbBase *
gb__base(const GbChart *c, GbFonts *f, GbBox box, int pw, int ph, int stride, double scale)
{
    GbDigest h;
    gb_digest_init(&h);
    gb_chart_base_digest(c, f, box, &h);
    double at[3] = {pw, ph, scale};
    gb_digest_update(&h, at, sizeof at);
    char *key = gb_digest_hex(&h);
    GbBase *b = gb__base_find(key);
    if (b != NULL) {
        g_free(key);
        return b;
    }
    /* One thread draws a base at a time, the others wait for it: two threads
     * drawing the same one at once held two more images of megabytes. */
    G_LOCK(gb__drawing);
    if ((b = gb__base_find(key)) != NULL) {
        G_UNLOCK(gb__drawing);
        g_free(key);
        return b;
    }
    b = gb__base_draw(c, f, box, pw, ph, stride, scale, key);
    G_UNLOCK(gb__drawing);
    return b;
}

/* Draws the base and keeps it (with key, which it takes); NULL when it
 * cannot be drawn. */
static GbBase *
gb__base_draw(const GbChart *c, GbFonts *f, GbBox box, int pw, int ph, int stride, double scale,
              char *key)
{
    GbBase *b;
    gsize size = (gsize)stride * (gsize)ph;
    guint8 *pixels = g_try_malloc(size);
    if (pixels == NULL) {
        g_free(key);
        return NULL;
    }
    memset(pixels, 0xFF, size);
    cairo_surface_t *s =
        cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_RGB24, pw, ph, stride);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, scale, scale);
    gb_chart_draw_layer(c, f, cr, box, GB_CHART_BASE);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    GbPngBands *bands = cs == CAIRO_STATUS_SUCCESS ? gb_png_bands_new(s) : NULL;
    cairo_surface_destroy(s);
    if (bands == NULL) {
        g_free(pixels);
        g_free(key);
        return NULL;
    }
    b = g_new0(GbBase, 1);
    *b = (GbBase){.key = key, .size = size, .pixels = pixels, .bands = bands, .refs = 2};
    G_LOCK(gb__bases);
    gb__base_unref(gb__bases[GB__BASES - 1]);
    memmove(gb__bases + 1, gb__bases, (GB__BASES - 1) * sizeof gb__bases[0]);
    gb__bases[0] = b;
    G_UNLOCK(gb__bases);
    return b;
}

/* Pixels a PNG's band holds at most (megabytes for a whole chart at 150 dpi,
 * 5 for the distribution): the band is drawn and handed to the encoder, and
 * the next drawn in the same pixels. Each band draws the whole chart, cairo
 * rasterising only what falls in it. */
#define GB__BAND_BYTES (1024 * 1024)

/* Rows of stride bytes a PNG of h rows is drawn in at a time. */
static int
gb__band_rows(int stride, int h)
{
    int rows = GB__BAND_BYTES / stride;
    return CLAMP(rows, 1, h);
}

/* Draws c into box at scale on a pw x ph image, band rows at a time in
 * pixels (stride bytes a row), each band handed to a PNG stream appending
 * to bytes: the bytes of the image drawn whole, in a band's memory. The
 * band's rows are the image's rows from y on through cairo's device offset,
 * a translation by whole pixels, so each pixel is drawn as it is on the
 * whole image (test_charts: test_png_chart). */
static cairo_status_t
gb__png_bands(const GbChart *c, GbFonts *f, GbBox box, double scale, int pw, int ph, int stride,
              int band, guint8 *pixels, double dpi, GByteArray *bytes)
{
    GbPngStream *st = gb_png_stream_new(pw, ph, dpi, bytes);
    if (st == NULL)
        return CAIRO_STATUS_WRITE_ERROR;
    cairo_status_t cs = CAIRO_STATUS_SUCCESS;
    for (int y = 0; y < ph && cs == CAIRO_STATUS_SUCCESS; y += band) {
        int rows = MIN(band, ph - y);
        memset(pixels, 0xFF, (gsize)stride * (gsize)rows);
        cairo_surface_t *s =
            cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_RGB24, pw, rows, stride);
        cairo_surface_set_device_offset(s, 0, -y);
        cairo_t *cr = cairo_create(s);
        cairo_scale(cr, scale, scale);
        gb_chart_draw(c, f, cr, box);
        cs = cairo_status(cr);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        if (cs == CAIRO_STATUS_SUCCESS)
            cs = cairo_surface_status(s);
        cairo_surface_destroy(s);
        if (cs == CAIRO_STATUS_SUCCESS && !gb_png_stream_rows(st, pixels, stride, rows))
            cs = CAIRO_STATUS_WRITE_ERROR;
    }
    if (!gb_png_stream_end(st) && cs == CAIRO_STATUS_SUCCESS)
        cs = CAIRO_STATUS_WRITE_ERROR;
    return cs;
}

/* The end of a render: *out = bytes when cs is a success, else the diagnosis
 * (bytes freed). */
static GbStatus
gb__rendered(const GbChart *c, cairo_status_t cs, GByteArray *bytes, GByteArray **out, GbDiag *diag)
{
    if (cs != CAIRO_STATUS_SUCCESS) {
        gb_diag_set(diag, NULL, 0, 0, "cannot draw chart '%s': %s", gb_chart_name(c),
                    cairo_status_to_string(cs));
        g_byte_array_unref(bytes);
        return GB_SOFTWARE;
    }
    *out = bytes;
    return GB_OK;
}

GbStatus
gb_chartfile_render(const GbChart *c, GbFonts *f, const GbChartFileOptions *o, GByteArray **out,
                    GbDiag *diag)
{
    const double margin = GB__MARGIN;
    double w = o->width;
    double h = o->height > 0 ? o->height : gb_chartfile_height(c, f, w);
    if (o->height > 0) {
        /* A height the chart cannot fit in would clip it (years gone, bars over
         * the source note): refused, naming the least it needs. */
        double least = gb_chart_min_height_for(c, f, w - 2 * margin) + 2 * margin;
        double need = ceil(least - 1e-9); /* said in whole points, rounded up */
        if (o->height < least - 1e-9) {
            double natural = ceil(gb_chartfile_height(c, f, w));
            char *hint = natural > need ? g_strdup_printf("; without --height it is %.0f", natural)
                                        : g_strdup("; the height it has without --height");
            gb_diag_set(diag, NULL, 0, 0,
                        "--height %g: chart '%s' needs at least %.0f points "
                        "at width %g%s",
                        o->height, gb_chart_name(c), need, w, hint);
            g_free(hint);
            return GB_USAGE;
        }
    }
    GByteArray *bytes = g_byte_array_new();
    cairo_surface_t *s;
    guint8 *pixels = NULL; /* a PNG's, owned here */
    double scale = 1.0;
    const GbBox box = {margin, margin, w - 2 * margin, h - 2 * margin};
    /* A layered chart's PNG (a pack's map) is its own layer drawn over a copy
     * of the base, and always banded, found or not (png.h). */
    gboolean banded = o->format == GB_FORMAT_PNG && gb_chart_layered(c);
    GbBase *base = NULL;
    switch (o->format) {
    case GB_FORMAT_PDF:
        s = cairo_pdf_surface_create_for_stream(gb__append, bytes, w, h);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, gb_chart_title(c));
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "gradebrief " GB_VERSION);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, gb_chart_alt(c));
        /* No date means no /CreationDate at all: never the clock. */
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, o->date);
        break;
    case GB_FORMAT_SVG:
        s = cairo_svg_surface_create_for_stream(gb__append, bytes, w, h);
        break;
    case GB_FORMAT_PNG:
    default: {
        scale = (o->dpi > 0 ? o->dpi : 150) / 72.0;
        double pw = floor(w * scale + 0.5), ph = floor(h * scale + 0.5);
        if (pw > GB__MAX_PIXELS || ph > GB__MAX_PIXELS || (1 + 3 * pw) * ph > GB_PNG_MAX_BYTES) {
            gb_diag_set(diag, NULL, 0, 0,
                        "chart '%s' would be %.0f x %.0f pixels; a PNG can be "
                        "at most %d a side and %d megapixels (lower --dpi, --width or --height)",
                        gb_chart_name(c), pw, ph, GB__MAX_PIXELS,
                        GB_PNG_MAX_BYTES / 3 / (1000 * 1000));
            g_byte_array_unref(bytes);
            return GB_USAGE;
        }
        /* Opaque white from the start, in one pass: cairo would clear the
         * pixels and then paint them white, two passes over megabytes. */
        int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, (int)pw);
        /* Not layered: drawn a band of rows at a time (gb__png_bands). */
        int band = banded || stride <= 0 ? (int)ph : gb__band_rows(stride, (int)ph);
        gsize size = (gsize)stride * (gsize)band;
        pixels = stride > 0 ? g_try_malloc(size) : NULL;
        if (pixels == NULL) {
            gb_diag_set(diag, NULL, 0, 0,
                        "not enough memory for a %.0f x %.0f pixel image of "
                        "chart '%s'",
                        pw, ph, gb_chart_name(c));
            g_byte_array_unref(bytes);
            return GB_SOFTWARE;
        }
        if (!banded) {
            double dpi = o->dpi > 0 ? o->dpi : 150;
            cairo_status_t cs =
                gb__png_bands(c, f, box, scale, (int)pw, (int)ph, stride, band, pixels, dpi, bytes);
            g_free(pixels);
            return gb__rendered(c, cs, bytes, out, diag);
        }
        base = gb__base(c, f, box, (int)pw, (int)ph, stride, scale);
        if (base != NULL)
            memcpy(pixels, base->pixels, size);
        else
            memset(pixels, 0xFF, size);
        s = cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_RGB24, (int)pw, (int)ph,
                                                stride);
        break;
    }
    }
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, scale, scale);
    if (o->format != GB_FORMAT_PNG) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    if (base != NULL)
        gb_chart_draw_layer(c, f, cr, box, GB_CHART_OVER);
    else
        gb_chart_draw(c, f, cr, box);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    double dpi = o->dpi > 0 ? o->dpi : 150;
    if (o->format == GB_FORMAT_PNG && cs == CAIRO_STATUS_SUCCESS &&
        !gb_png_write_banded(s, dpi, base != NULL ? base->bands : NULL, bytes))
        cs = CAIRO_STATUS_WRITE_ERROR;
    gb__base_unref(base);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    g_free(pixels);
    if (cs == CAIRO_STATUS_SUCCESS && o->format == GB_FORMAT_SVG)
        gb__svg_areas(c, f, box, bytes);
    return gb__rendered(c, cs, bytes, out, diag);
}

struct GbChartRun {
    const GPtrArray *charts;
    const GbChartFileOptions *opts;
    int nopts, n;
    char *font;
    GPtrArray *out;  /* GByteArray*, NULL until made */
    gint next;       /* atomic: the next task to take */
    gint failed;     /* atomic: index + 1 of the first failure */
    GbStatus status; /* the first failure's (GB_SOFTWARE: a drawing's) */
    GbChartDoneFn done_fn;
    gpointer done_user;
    GMutex lock; /* diag, done, helpers */
    GCond cond;  /* a task done, or a helper gone */
    int done;    /* tasks ended, made or failed */
    int helpers; /* threads inside gb_chartfile_run_help */
    GbDiag diag;
};

/* A slot's bytes; a slot of a failed run may be empty. */
static void
gb__bytes_unref(gpointer bytes)
{
    if (bytes != NULL)
        g_byte_array_unref(bytes);
}

GbChartRun *
gb_chartfile_run_new(const GPtrArray *charts, const GbChartFileOptions *opts, int nopts,
                     const char *font)
{
    GbChartRun *r = g_new0(GbChartRun, 1);
    *r = (GbChartRun){.charts = charts,
                      .opts = opts,
                      .nopts = nopts,
                      .n = (int)charts->len * nopts,
                      .font = g_strdup(font)};
    r->out = g_ptr_array_new_with_free_func(gb__bytes_unref);
    g_ptr_array_set_size(r->out, r->n);
    g_mutex_init(&r->lock);
    g_cond_init(&r->cond);
    return r;
}

void
gb_chartfile_run_free(GbChartRun *r)
{
    if (r == NULL)
        return;
    g_ptr_array_unref(r->out);
    gb_diag_clear(&r->diag);
    g_mutex_clear(&r->lock);
    g_cond_clear(&r->cond);
    g_free(r->font);
    g_free(r);
}

/* Takes tasks until none is left or one failed; f NULL: err says why there
 * are no fonts, and the first task taken fails with it. */
static void
gb__render_tasks(GbChartRun *r, GbFonts *f, const char *err)
{
    int ncharts = (int)r->charts->len;
    for (;;) {
        gint k = g_atomic_int_add(&r->next, 1);
        if (k >= r->n || g_atomic_int_get(&r->failed))
            break;
        /* Format by format, the last of opts first: callers put the costly
         * ones last (the briefing's PNGs, whose deflate is most of a chart's
         * files' cost), so the last tasks taken, which one thread may draw
         * while the others have nothing left, are the cheap ones. */
        gint i = (k % ncharts) * r->nopts + (r->nopts - 1 - k / ncharts);
        GbDiag d = {0};
        GByteArray *bytes = NULL;
        GbStatus st = f == NULL ? GB_SOFTWARE
                                : gb_chartfile_render(g_ptr_array_index(r->charts, i / r->nopts), f,
                                                      &r->opts[i % r->nopts], &bytes, &d);
        GbStatus handed = GB_OK; /* done's, when it failed */
        if (st == GB_OK && r->done_fn != NULL) {
            handed = r->done_fn((guint)(i / r->nopts), i % r->nopts, g_steal_pointer(&bytes),
                                r->done_user, &d);
            st = handed;
        }
        g_mutex_lock(&r->lock);
        if (st != GB_OK && !r->failed) {
            r->failed = i + 1;
            r->status = handed != GB_OK ? handed : GB_SOFTWARE;
            if (f == NULL)
                gb_diag_set(&r->diag, NULL, 0, 0, "%s", err);
            else
                r->diag = d, d = (GbDiag){0};
        }
        g_ptr_array_index(r->out, i) = bytes; /* each slot is written by one thread */
        r->done++;
        g_cond_broadcast(&r->cond);
        g_mutex_unlock(&r->lock);
        gb_diag_clear(&d);
        if (st != GB_OK)
            break;
    }
}

void
gb_chartfile_run_help(GbChartRun *r, GbFonts *fonts)
{
    /* Nothing left: no fonts made for nothing. */
    if (g_atomic_int_get(&r->next) >= r->n || g_atomic_int_get(&r->failed))
        return;
    g_mutex_lock(&r->lock);
    r->helpers++;
    g_mutex_unlock(&r->lock);
    char *err = NULL;
    GbFonts *own = fonts == NULL ? gb_fonts_new(r->font, &err) : NULL;
    gb__render_tasks(r, fonts != NULL ? fonts : own, err);
    gb_fonts_free(own);
    g_free(err);
    g_mutex_lock(&r->lock);
    r->helpers--;
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
}

void
gb_chartfile_run_on_done(GbChartRun *r, GbChartDoneFn done, gpointer user)
{
    r->done_fn = done;
    r->done_user = user;
}

GbStatus
gb_chartfile_run_end(GbChartRun *r, GPtrArray **out, GbDiag *diag)
{
    /* Tasks nobody took are drawn here, with fonts of their own. */
    gb_chartfile_run_help(r, NULL);
    /* Every task taken has ended, and every helper has left (a failed run's
     * helpers stop at their next task). */
    g_mutex_lock(&r->lock);
    while (r->helpers > 0 || (r->done < r->n && !r->failed))
        g_cond_wait(&r->cond, &r->lock);
    g_mutex_unlock(&r->lock);
    if (r->failed) {
        *diag = r->diag;
        r->diag = (GbDiag){0};
        return r->status;
    }
    *out = g_ptr_array_ref(r->out);
    return GB_OK;
}

static gpointer
gb__render_worker(gpointer data)
{
    gb_chartfile_run_help(data, NULL);
    return NULL;
}

GbStatus
gb_chartfile_render_all(const GPtrArray *charts, const GbChartFileOptions *opts, int nopts,
                        GbFonts *fonts, const char *font, int threads, GPtrArray **out,
                        GbDiag *diag)
{
    GbChartRun *r = gb_chartfile_run_new(charts, opts, nopts, font);
    GPtrArray *workers = g_ptr_array_new();
    for (int t = 1; t < MAX(threads, 1); t++)
        g_ptr_array_add(workers, g_thread_new("chart", gb__render_worker, r));
    gb_chartfile_run_help(r, fonts);
    for (guint t = 0; t < workers->len; t++)
        g_thread_join(g_ptr_array_index(workers, t));
    g_ptr_array_free(workers, TRUE);
    GbStatus st = gb_chartfile_run_end(r, out, diag);
    gb_chartfile_run_free(r);
    return st;
}
