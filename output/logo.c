/* logo.c - the branding logo for cairo (see logo.h). */
#include "output/logo.h"

#include <librsvg/rsvg.h>
#include <string.h>

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
    GError *err = NULL;
    RsvgHandle *handle = rsvg_handle_new_from_data(d, len, &err);
    if (handle == NULL) {
        *error = g_strdup_printf("the SVG does not parse (%s)", err->message);
        g_error_free(err);
        return NULL;
    }
    gdouble sw = 0, sh = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(handle, &sw, &sh) || sw <= 0 || sh <= 0) {
        RsvgRectangle ink, logical;
        if (rsvg_handle_get_geometry_for_layer(handle, NULL, &(RsvgRectangle){0, 0, 100, 100}, &ink,
                                               &logical, NULL)) {
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
    gboolean ok = rsvg_handle_render_document(handle, cr, &vp, &err);
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
