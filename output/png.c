/* png.c - write opaque cairo images with libpng (see png.h). */
#include "output/png.h"

#include <png.h>
#include <setjmp.h>

static void
gb__png_append(png_structp png, png_bytep data, png_size_t len)
{
    g_byte_array_append(png_get_io_ptr(png), data, (guint)len);
}

static void
gb__png_flush(png_structp png)
{
}

gboolean
gb_png_write(cairo_surface_t *surface, double dpi, GByteArray *out)
{
    cairo_surface_flush(surface);
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    if (png == NULL)
        return FALSE;
    png_infop info = png_create_info_struct(png);
    guint8 *row = g_malloc((gsize)w * 3);
    guint start = out->len;
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        g_free(row);
        g_byte_array_set_size(out, start);
        return FALSE;
    }
    png_set_write_fn(png, out, gb__png_append, gb__png_flush);
    /* Level 1 with the Sub filter: on charts (flat colour) a little larger than
     * the default level, in a fraction of the time. (Z_RLE measured slower.) */
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const guint32 *px = (const guint32 *)(const void *)(data + (gsize)y * (gsize)stride);
        for (int x = 0; x < w; x++) {
            /* Opaque pixels: premultiplied equals straight. */
            row[3 * x] = (guint8)(px[x] >> 16);
            row[3 * x + 1] = (guint8)(px[x] >> 8);
            row[3 * x + 2] = (guint8)px[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    g_free(row);
    return TRUE;
}
