/* png.c - write opaque cairo images as PNG with libdeflate (see png.h). */
#include "output/png.h"

#include <libdeflate.h>
#include <string.h>

static void
gb__put32(guint8 *p, guint32 v)
{
    p[0] = (guint8)(v >> 24), p[1] = (guint8)(v >> 16), p[2] = (guint8)(v >> 8), p[3] = (guint8)v;
}

/* Appends one chunk whose data already sits at out->data + at + 8 (len bytes),
 * after room left for its length and type; the CRC covers type and data. */
static void
gb__chunk_close(GByteArray *out, guint at, const char type[4], guint32 len)
{
    gb__put32(out->data + at, len);
    memcpy(out->data + at + 4, type, 4);
    guint8 crc[4];
    gb__put32(crc, libdeflate_crc32(0, out->data + at + 4, (size_t)len + 4));
    g_byte_array_append(out, crc, 4);
}

static void
gb__chunk(GByteArray *out, const char type[4], const guint8 *data, guint32 len)
{
    guint at = out->len;
    g_byte_array_set_size(out, at + 8);
    g_byte_array_append(out, data, len);
    gb__chunk_close(out, at, type, len);
}

gboolean
gb_png_write(cairo_surface_t *surface, double dpi, GByteArray *out)
{
    if (cairo_surface_get_type(surface) != CAIRO_SURFACE_TYPE_IMAGE)
        return FALSE;
    cairo_surface_flush(surface);
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const guint8 *data = cairo_image_surface_get_data(surface);
    gsize row = 1 + 3 * (gsize)w;
    if (w <= 0 || h <= 0 || row * (gsize)h > GB_PNG_MAX_BYTES)
        return FALSE;

    /* Filtered scanlines: each row is the Sub filter (type 1) of its RGB bytes,
     * the difference from the pixel to the left. Opaque pixels: premultiplied
     * equals straight. On charts (flat colour) this leaves long runs of zeros.
     * A pixel's three differences are made at once in one 32-bit word (bytes
     * subtracted without borrows between them) and stored as four bytes, the
     * fourth overwritten by the next pixel: hence one byte of slack at the end. */
    gsize raw_len = row * (gsize)h;
    guint8 *raw = g_malloc(raw_len + 1);
    for (int y = 0; y < h; y++) {
        const guint32 *px = (const guint32 *)(const void *)(data + (gsize)y * (gsize)stride);
        guint8 *r = raw + (gsize)y * row;
        /* A row like the one above (margins, the inside of bars) filters alike. */
        if (y > 0 && memcmp(px, data + (gsize)(y - 1) * (gsize)stride, (gsize)w * 4) == 0) {
            memcpy(r, r - row, row);
            continue;
        }
        guint32 left = 0;
        *r++ = 1;
        for (int x = 0; x < w; x++, r += 3) {
            guint32 p = px[x], rgb = 0;
            if (G_UNLIKELY(p != left)) { /* most pixels are the colour to their left */
                guint32 d =
                    ((p | 0x80808080u) - (left & 0x7f7f7f7fu)) ^ ((p ^ ~left) & 0x80808080u);
                /* d is 0xAARRGGBB: as bytes in memory R, G, B (and a spare). */
                rgb = GUINT32_TO_LE(GUINT32_SWAP_LE_BE(d) >> 8);
                left = p;
            }
            memcpy(r, &rgb, 4);
        }
    }

    static const guint8 signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    g_byte_array_append(out, signature, sizeof signature);
    guint8 ihdr[13] = {0};
    gb__put32(ihdr, (guint32)w);
    gb__put32(ihdr + 4, (guint32)h);
    ihdr[8] = 8; /* bit depth; colour type 2 (RGB), deflate, adaptive filters, no interlace */
    ihdr[9] = 2;
    gb__chunk(out, "IHDR", ihdr, sizeof ihdr);
    guint8 phys[9];
    guint32 ppm = (guint32)(dpi / 0.0254 + 0.5);
    gb__put32(phys, ppm);
    gb__put32(phys + 4, ppm);
    phys[8] = 1; /* unit: metre */
    gb__chunk(out, "pHYs", phys, sizeof phys);

    /* Level 1: on charts about as small as zlib's level 6, at a third of the cost. */
    struct libdeflate_compressor *z = libdeflate_alloc_compressor(1);
    gboolean ok = z != NULL;
    if (ok) {
        guint at = out->len;
        size_t bound = libdeflate_zlib_compress_bound(z, raw_len);
        g_byte_array_set_size(out, at + 8 + (guint)bound);
        size_t n = libdeflate_zlib_compress(z, raw, raw_len, out->data + at + 8, bound);
        g_byte_array_set_size(out, at + 8 + (guint)n);
        ok = n > 0;
        if (ok)
            gb__chunk_close(out, at, "IDAT", (guint32)n);
        libdeflate_free_compressor(z);
    }
    g_free(raw);
    if (ok)
        gb__chunk(out, "IEND", NULL, 0);
    return ok;
}
