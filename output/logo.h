/* logo.h - the [branding] logo as something cairo can draw: a PNG decoded to
 * an image surface, an SVG drawn by librsvg into a recording surface (so it
 * stays vectors in the PDF). Each render makes its own (cairo surfaces are
 * not shared between threads). */
#ifndef GB_LOGO_H
#define GB_LOGO_H

#include <cairo.h>
#include <glib.h>

/* A new surface of the logo in data (svg or PNG), *w x *h in its own units;
 * NULL with *error (g_free) when the bytes do not decode. The caller destroys
 * it. */
cairo_surface_t *gb_logo_surface(GBytes *data, gboolean svg, double *w, double *h, char **error);

/* Draws logo (w x h) scaled to fit box (x, y, bw, bh), aligned to the box's
 * right when right is set, else its left. Returns the width drawn. */
double gb_logo_draw(cairo_t *cr, cairo_surface_t *logo, double w, double h, double x, double y,
                    double bw, double bh, gboolean right);

#endif
