/* png.h - opaque chart images as PNG, fast. Compressing the pixels is most of
 * the time a chart export takes: cairo's own writer uses zlib's default level,
 * libpng at level 1 still spends half the instructions libdeflate needs twice
 * over. So the PNG container (signature, IHDR, pHYs, one IDAT, IEND; ISO/IEC
 * 15948) is written here, each row filtered Sub or Up, and the pixels are
 * deflated by zlib's level 3 as raw deflate a run of rows at a time (each run
 * ended by a full flush, so zlib never slides its window: that was more than
 * half its work), framed here with libdeflate's Adler-32: on chart rows (95%
 * flat colour or a repeated row) that takes less CPU time than libdeflate's
 * level 1, which hashes every byte it passes over. */
#ifndef GB_PNG_H
#define GB_PNG_H

#include "pipeline/status.h"

#include <cairo.h>

/* The largest image encoded, in filtered bytes ((1 + 3 x width) x height): the
 * pixels are compressed in one piece. */
#define GB_PNG_MAX_BYTES (1024 * 1024 * 1024)

/* Appends surface (an ARGB32 or RGB24 image painted opaque) to out as an 8-bit
 * RGB PNG, each row with the Sub or the Up filter, whichever leaves more
 * pixels equal to their reference (Up, all zeros, for a row that repeats the
 * one above), with a pHYs chunk for dpi. Returns
 * FALSE if the image is not an image surface or is over GB_PNG_MAX_BYTES. Same
 * pixels give the same bytes. */
gboolean gb_png_write(cairo_surface_t *surface, double dpi, GByteArray *out);
/* The same bytes, with the filtered rows made in the surface's own pixels
 * instead of a copy as large (megabytes a chart): the image is spent. */
gboolean gb_png_write_in_place(cairo_surface_t *surface, double dpi, GByteArray *out);

/* A base image, kept for images drawn over copies of it (a pack's map: the
 * same tiles in every pack, only the outline and the subtitle moving), in
 * bands of 16 rows, with each band's compressed bytes once an image with the
 * same rows has needed them. Holds a reference to base, which must not change
 * after. Shared by threads (locked inside). NULL when base cannot be written. */
typedef struct GbPngBands GbPngBands;
GbPngBands *gb_png_bands_new(cairo_surface_t *base);
void gb_png_bands_free(GbPngBands *b);
/* Appends surface as gb_png_write does, but compressed with zlib a band at a
 * time, each band alone, so that a band whose rows equal the base's is copied
 * from bands (NULL: none) instead of filtered and compressed again. The bytes
 * depend only on the pixels, never on what bands holds: an image makes the
 * same file whether its bands were found or not, whatever base they came from. */
gboolean gb_png_write_banded(cairo_surface_t *surface, double dpi, GbPngBands *bands,
                             GByteArray *out);

#endif
