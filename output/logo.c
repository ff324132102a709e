/* logo.c - the branding logo for cairo (see logo.h). */
#include "output/logo.h"

#include <gmodule.h>
#include <librsvg/rsvg.h>
#include <string.h>

/* librsvg is opened the first time an SVG logo is drawn, not linked: it and
 * the libraries only it needs (gdk-pixbuf, cairo-gobject) cost every command
 * about 2 MB of resident memory, and most runs have no SVG logo. rsvg.h gives
 * the types; these are the functions used. */
typedef struct {
    RsvgHandle *(*new_from_data)(const guint8 *data, gsize len, GError **error);
    gboolean (*intrinsic_size_in_pixels)(RsvgHandle *handle, gdouble *w, gdouble *h);
    gboolean (*geometry_for_layer)(RsvgHandle *handle, const char *id,
                                   const RsvgRectangle *viewport, RsvgRectangle *ink,
                                   RsvgRectangle *logical, GError **error);
    gboolean (*render_document)(RsvgHandle *handle, cairo_t *cr, const RsvgRectangle *viewport,
                                GError **error);
    char *error; /* why it could not be opened; NULL when it was */
} GbRsvg;

static gpointer
gb__rsvg_open(gpointer data)
{
    GbRsvg *r = data;
    const char *lib = g_getenv("GRADEBRIEF_RSVG"); /* another build of it, or a test's */
    if (lib == NULL || *lib == '\0')
        lib = GB_RSVG_SONAME;
    GModule *m = g_module_open(lib, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (m == NULL) {
        r->error = g_strdup_printf("an SVG logo needs librsvg (Debian: librsvg2-2), which "
                                   "cannot be loaded (%s); or give a PNG logo",
                                   g_module_error());
        return r;
    }
    struct {
        const char *name;
        gpointer *fn;
    } fns[] = {
        {"rsvg_handle_new_from_data", (gpointer *)&r->new_from_data},
        {"rsvg_handle_get_intrinsic_size_in_pixels", (gpointer *)&r->intrinsic_size_in_pixels},
        {"rsvg_handle_get_geometry_for_layer", (gpointer *)&r->geometry_for_layer},
        {"rsvg_handle_render_document", (gpointer *)&r->render_document},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(fns); i++) {
        if (!g_module_symbol(m, fns[i].name, fns[i].fn) || *fns[i].fn == NULL) {
            r->error = g_strdup_printf("an SVG logo needs librsvg 2.52 or later; %s has "
                                       "no %s",
                                       lib, fns[i].name);
            g_module_close(m);
            return r;
        }
    }
    g_module_make_resident(m); /* its functions are used to the end of the run */
    return r;
}

/* librsvg's functions, opened once by whichever thread first needs them. */
static const GbRsvg *
gb__rsvg(void)
{
    static GbRsvg r;
    static GOnce once = G_ONCE_INIT;
    return g_once(&once, gb__rsvg_open, &r);
}

typedef struct {
    const guint8 *data;
    gsize len, at;
} GbLogoReader;

static cairo_status_t
gb__logo_read(void *closure, unsigned char *out, unsigned int n)
{
    GbLogoReader *r = closure;
    if (r->len - r->at < n)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(out, r->data + r->at, n);
    r->at += n;
    return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *
gb_logo_surface(GBytes *data, gboolean svg, double *w, double *h, char **error)
{
    gsize len;
    const guint8 *d = g_bytes_get_data(data, &len);
    if (!svg) {
        GbLogoReader r = {d, len, 0};
        cairo_surface_t *s = cairo_image_surface_create_from_png_stream(gb__logo_read, &r);
        if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
            *error = g_strdup_printf("the PNG does not decode (%s)",
                                     cairo_status_to_string(cairo_surface_status(s)));
            cairo_surface_destroy(s);
            return NULL;
        }
        *w = cairo_image_surface_get_width(s);
        *h = cairo_image_surface_get_height(s);
        return s;
    }
    const GbRsvg *rsvg = gb__rsvg();
    if (rsvg->error != NULL) {
        *error = g_strdup(rsvg->error);
        return NULL;
    }
    GError *err = NULL;
    RsvgHandle *handle = rsvg->new_from_data(d, len, &err);
    if (handle == NULL) {
        *error = g_strdup_printf("the SVG does not parse (%s)", err->message);
        g_error_free(err);
        return NULL;
    }
    gdouble sw = 0, sh = 0;
    if (!rsvg->intrinsic_size_in_pixels(handle, &sw, &sh) || sw <= 0 || sh <= 0) {
        RsvgRectangle ink, logical;
        if (rsvg->geometry_for_layer(handle, NULL, &(RsvgRectangle){0, 0, 100, 100}, &ink, &logical,
                                     NULL)) {
            sw = logical.width;
            sh = logical.height;
        }
    }
    if (sw <= 0 || sh <= 0) {
        *error = g_strdup("the SVG has no size (give its root width and height, or a viewBox)");
        g_object_unref(handle);
        return NULL;
    }
    cairo_rectangle_t ext = {0, 0, sw, sh};
    cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
    cairo_t *cr = cairo_create(s);
    RsvgRectangle vp = {0, 0, sw, sh};
    gboolean ok = rsvg->render_document(handle, cr, &vp, &err);
    cairo_destroy(cr);
    g_object_unref(handle);
    if (!ok || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        *error = g_strdup_printf("the SVG does not draw (%s)", err ? err->message : "cairo");
        g_clear_error(&err);
        cairo_surface_destroy(s);
        return NULL;
    }
    *w = sw;
    *h = sh;
    return s;
}

double
gb_logo_draw(cairo_t *cr, cairo_surface_t *logo, double w, double h, double x, double y, double bw,
             double bh, gboolean right)
{
    if (logo == NULL || w <= 0 || h <= 0)
        return 0;
    double k = MIN(bw / w, bh / h);
    double dw = w * k, dh = h * k;
    double dx = right ? x + bw - dw : x;
    cairo_save(cr);
    cairo_translate(cr, dx, y + (bh - dh) / 2);
    cairo_scale(cr, k, k);
    cairo_set_source_surface(cr, logo, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_fill(cr);
    cairo_restore(cr);
    return dw;
}
