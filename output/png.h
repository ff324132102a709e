/* png.h - opaque chart images as PNG, fast. Compressing the pixels is most of
 * the time a chart export takes: cairo's own writer uses zlib's default level,
 * libpng at level 1 still spends half the instructions libdeflate needs twice
 * over. So the PNG container (signature, IHDR, pHYs, one IDAT, IEND; ISO/IEC
 * 15948) is written here and the pixels are deflated by libdeflate. */
#ifndef GB_PNG_H
#define GB_PNG_H

#include "pipeline/status.h"

#include <cairo.h>

/* The largest image encoded, in filtered bytes ((1 + 3 x width) x height): the
 * pixels are compressed in one piece. */
#define GB_PNG_MAX_BYTES (1024 * 1024 * 1024)

/* Appends surface (an ARGB32 or RGB24 image painted opaque) to out as an 8-bit
 * RGB PNG, every row with the Sub filter, with a pHYs chunk for dpi. Returns
 * FALSE if the image is not an image surface or is over GB_PNG_MAX_BYTES. Same
 * pixels give the same bytes. */
gboolean gb_png_write(cairo_surface_t *surface, double dpi, GByteArray *out);
/* The same bytes, with the filtered rows made in the surface's own pixels
 * instead of a copy as large (megabytes a chart): the image is spent. */
gboolean gb_png_write_in_place(cairo_surface_t *surface, double dpi, GByteArray *out);

#endif
