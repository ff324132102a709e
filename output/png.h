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

/* The same PNG made from rows given a few at a time (an image drawn in
 * bands, each band into the same pixels): gb_png_stream_new appends the head
 * to out and holds a run of filtered rows (64 KB) and one row of pixels,
 * never the image. NULL for an image over GB_PNG_MAX_BYTES (or empty), or
 * when zlib fails. gb_png_stream_rows takes the next n rows (opaque xRGB,
 * stride bytes apart; they may be overwritten once it returns), FALSE once
 * anything failed; gb_png_stream_end appends the rest and frees st, TRUE when
 * all h rows were taken and written: then out holds the bytes gb_png_write
 * makes of the same pixels, however the rows were given; else out is cut
 * back to its length at gb_png_stream_new. */
typedef struct GbPngStream GbPngStream;
GbPngStream *gb_png_stream_new(int w, int h, double dpi, GByteArray *out);
gboolean gb_png_stream_rows(GbPngStream *st, const guint8 *data, int stride, int n);
gboolean gb_png_stream_end(GbPngStream *st);

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
