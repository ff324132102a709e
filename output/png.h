/* png.h - opaque chart images as PNG, fast: cairo's own writer uses zlib's
 * default level, which is most of the time it takes to export a chart. */
#ifndef GB_PNG_H
#define GB_PNG_H

#include "pipeline/status.h"

#include <cairo.h>

/* Appends surface (an ARGB32 or RGB24 image painted opaque) to out as an 8-bit
 * RGB PNG at a fast compression level, with a pHYs chunk for dpi. Returns
 * FALSE if libpng fails. Same pixels give the same bytes. */
gboolean gb_png_write(cairo_surface_t *surface, double dpi, GByteArray *out);

#endif
