/* png.c - write opaque cairo images as PNG with zlib (see png.h). */
#include "output/png.h"

#include <libdeflate.h>
#include <string.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* The byte differences of R, G and B of pixel p (0xAARRGGBB) less pixel q,
 * as the bytes R, G, B (and a spare) in memory: the three differences at once
 * in one 32-bit word, bytes subtracted without borrows between them. */
static inline guint32
gb__diff(guint32 p, guint32 q)
{
    guint32 d = ((p | 0x80808080u) - (q & 0x7f7f7f7fu)) ^ ((p ^ ~q) & 0x80808080u);
    return GUINT32_TO_LE(GUINT32_SWAP_LE_BE(d) >> 8);
}

/* The end of the run of pixels from x on that equal their reference (the
 * pixel above, in up; with up NULL, the pixel to the left), found four pixels
 * a compare. x > 0 when up is NULL. */
static inline int
gb__run_end(const guint32 *px, const guint32 *up, int x, int w)
{
    int e = x;
    const guint32 *ref = up != NULL ? up : px;
    int back = up != NULL ? 0 : 1;
#ifdef __SSE2__
    while (e + 4 <= w &&
           _mm_movemask_epi8(_mm_cmpeq_epi32(
               _mm_loadu_si128((const __m128i *)(const void *)(px + e)),
               _mm_loadu_si128((const __m128i *)(const void *)(ref + e - back)))) == 0xffff)
        e += 4;
#endif
    while (e < w && px[e] == ref[e - back])
        e++;
    return e;
}

/* How many pixels of the row px (w of them, the first aside) equal the one to
 * their left, and how many the one above them in up. */
static void
gb__likeness(const guint32 *px, const guint32 *up, int w, int *left, int *above)
{
    int l = 0, a = 0, x = 1;
#ifdef __SSE2__
    /* Four counts a lane: a compare gives -1 where equal. */
    __m128i cl = _mm_setzero_si128(), ca = _mm_setzero_si128();
    for (; x + 4 <= w; x += 4) {
        __m128i p = _mm_loadu_si128((const __m128i *)(const void *)(px + x));
        cl = _mm_sub_epi32(
            cl, _mm_cmpeq_epi32(p, _mm_loadu_si128((const __m128i *)(const void *)(px + x - 1))));
        ca = _mm_sub_epi32(
            ca, _mm_cmpeq_epi32(p, _mm_loadu_si128((const __m128i *)(const void *)(up + x))));
    }
    guint32 lanes[4];
    _mm_storeu_si128((__m128i *)(void *)lanes, cl);
    l = (int)(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
    _mm_storeu_si128((__m128i *)(void *)lanes, ca);
    a = (int)(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
#endif
    for (; x < w; x++)
        l += px[x] == px[x - 1], a += px[x] == up[x];
    *left = l, *above = a;
}

/* Writes one filtered row of w pixels at r: its type (1 Sub, 2 Up), then the
 * differences of each pixel's R, G and B from its reference (the pixel to the
 * left, black for the first; or the pixel above, in up), 3 bytes a pixel. A
 * run of pixels equal to their reference (flat colour, most of a chart) is
 * zeros, written at once. A pixel's three differences are stored as four
 * bytes, the fourth overwritten by the next pixel; the last pixel of a row
 * stores three (in place, the next row is not copied out yet). */
static void
gb__filter_row(const guint32 *px, const guint32 *up, int w, guint8 *r)
{
    *r++ = up != NULL ? 2 : 1;
    for (int x = 0; x < w;) {
        guint32 ref = up != NULL ? up[x] : x > 0 ? px[x - 1] : 0;
        if (px[x] == ref) {
            int e = gb__run_end(px, up, x + 1, w);
            memset(r, 0, 3 * (gsize)(e - x));
            r += 3 * (gsize)(e - x);
            x = e;
            continue;
        }
        guint32 rgb = gb__diff(px[x], ref);
        if (x + 1 < w)
            memcpy(r, &rgb, 4);
        else
            memcpy(r, &rgb, 3);
        r += 3;
        x++;
    }
}

/* Filters the row px (w pixels) into r (row bytes), given the row above it
 * (NULL for the first): each row is filtered Sub (the difference from the
 * pixel to the left: bars, text) or Up (from the pixel above: a row through
 * the sides of bars, gridlines, tiles), whichever leaves more pixels equal to
 * their reference, so more zeros: on the briefing's charts 3% fewer
 * compressed bytes than Sub alone, for one compare a pixel. A row that
 * repeats the one above (margins, the inside of bars) is Up, all zeros, which
 * a compressor passes over as one run. Returns the row to filter the next one
 * against: px, or prev when px repeats it. Opaque pixels: premultiplied
 * equals straight. */
static const guint32 *
gb__filter_next(const guint32 *px, const guint32 *prev, int w, guint8 *r, gsize row)
{
    if (prev != NULL && memcmp(px, prev, (gsize)w * 4) == 0) {
        r[0] = 2;
        memset(r + 1, 0, row - 1);
        return prev;
    }
    int left = 0, above = -1;
    if (prev != NULL)
        gb__likeness(px, prev, w, &left, &above);
    gb__filter_row(px, above > left ? prev : NULL, w, r);
    return px;
}

/* Writes the filtered rows of the w x h image at data (stride bytes a row)
 * into raw, (1 + 3 w) bytes a row. The first row of data is filtered as if
 * it had none above it. */
static void
gb__filter(const guint8 *data, int w, int h, int stride, guint8 *raw)
{
    gsize row = 1 + 3 * (gsize)w;
    const guint32 *prev = NULL;
    for (int y = 0; y < h; y++)
        prev = gb__filter_next((const guint32 *)(const void *)(data + (gsize)y * (gsize)stride),
                               prev, w, raw + (gsize)y * row, row);
}

/* Appends the signature, IHDR and pHYs of a w x h RGB image at dpi. */
static void
gb__head(GByteArray *out, int w, int h, double dpi)
{
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
}

/* The two bytes of a zlib stream's header: deflate, 32 KB window, no
 * dictionary, a fast level, checked mod 31. */
static void
gb__zlib_head(guint8 head[2])
{
    guint hdr = 0x78 << 8 | 1 << 6;
    hdr += 31 - hdr % 31;
    head[0] = (guint8)(hdr >> 8), head[1] = (guint8)hdr;
}

/* Rows a deflate call takes, with the row before them as its dictionary,
 * under this many bytes in all: zlib keeps a window of twice its 32 KB and,
 * once its position passes the end of it, slides the window and rewrites
 * every entry of its hash tables (48 K of them) each 32 KB after; a full
 * flush with every byte taken puts the position back to the start. */
#define GB__ROWS_BYTES 65000

/* How many rows of row bytes a deflate call takes (at least one). */
static gsize
gb__rows_a_call(gsize row)
{
    return row < GB__ROWS_BYTES / 2 ? GB__ROWS_BYTES / row - 1 : 1;
}

/* The most bytes one deflate call can make of len filtered bytes: zlib's
 * conservative bound (memLevel 7 ends a block every 8 K symbols, stored when
 * nothing compresses), and the empty stored block (5 bytes, after up to 7
 * bits to the byte) and block header that end a flush. */
static gsize
gb__deflate_bound(gsize len)
{
    return len + ((len + 7) >> 3) + ((len + 63) >> 6) + 5 + 16;
}

/* TRUE when the n bytes at p are all zero. */
static gboolean
gb__zeros(const guint8 *p, gsize n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

struct GbPngStream {
    GByteArray *out;
    guint start, idat; /* out's length at the start, the IDAT chunk's offset in it */
    int w, h, y;       /* y: rows taken */
    gsize row, rows;   /* filtered bytes a row; rows a deflate call */
    /* The row before the run (the dictionary: the last filtered row of the
     * run before), then the run's filtered rows, n of them so far. */
    guint8 *raw;
    gsize n;
    const guint32 *prev; /* the pixels to filter the next row against */
    guint32 *line;       /* prev's copy, once the caller's rows are gone */
    guint32 sum;         /* Adler-32 of the filtered rows deflated */
    z_stream zs;
    gboolean ok;
};

GbPngStream *
gb_png_stream_new(int w, int h, double dpi, GByteArray *out)
{
    if (w <= 0 || h <= 0 || (1 + 3 * (gsize)w) * (gsize)h > GB_PNG_MAX_BYTES)
        return NULL;
    GbPngStream *st = g_new0(GbPngStream, 1);
    /* memLevel 7: a hash table of 16 K heads, half the default's, to clear
     * at each full flush; the same bytes within 0.01% on charts. */
    if (deflateInit2(&st->zs, 3, Z_DEFLATED, -15, 7, Z_DEFAULT_STRATEGY) != Z_OK) {
        g_free(st);
        return NULL;
    }
    /* Level 3's search (deflate_fast) retuned for chart rows, mostly zeros
     * and repeats of the row above: no string inside a match is hashed (the
     * longest insert 2, below deflate's shortest match), a chain of 4, and no
     * early stop short of the longest match (nice 258; good_length is not
     * used by this search). On the briefing's six PNGs 8% fewer instructions
     * and 0.5% fewer bytes than level 3's own 6 / 32 / 32
     * (tests/bench/README.md, charts). */
    st->ok = deflateTune(&st->zs, 4, 2, 258, 4) == Z_OK;
    st->out = out, st->start = out->len;
    st->w = w, st->h = h;
    st->row = 1 + 3 * (gsize)w;
    st->rows = gb__rows_a_call(st->row);
    st->raw = g_malloc((st->rows + 1) * st->row + 1);
    st->line = g_new(guint32, (gsize)w);
    st->sum = 1;
    gb__head(out, w, h, dpi);
    st->idat = out->len;
    g_byte_array_set_size(out, st->idat + 8);
    guint8 head[2];
    gb__zlib_head(head);
    g_byte_array_append(out, head, 2);
    return st;
}

/* Deflates the run of rows in st->raw (a full flush ends it, unless it holds
 * the last row: then the stream ends), into out, with the row before it as
 * the dictionary (the deflate stream reaches back into the bytes already
 * written, so its matches with the row above are kept) unless that row is
 * all zeros (a repeated row), which the run's own zeros match as well. A
 * full flush with every byte taken puts zlib's position back to the start of
 * its window, so it never slides its hash tables (they were more than half
 * the instructions of compressing a chart). */
static void
gb__stream_run(GbPngStream *st)
{
    gboolean last = st->y == st->h;
    gsize len = st->n * st->row;
    const guint8 *run = st->raw + st->row;
    if (st->y > (int)st->n && !gb__zeros(st->raw + 1, st->row - 1))
        st->ok = st->ok && deflateSetDictionary(&st->zs, st->raw, (uInt)st->row) == Z_OK;
    guint at = st->out->len;
    gsize cap = gb__deflate_bound(len);
    g_byte_array_set_size(st->out, at + (guint)cap);
    st->zs.next_in = (Bytef *)run;
    st->zs.avail_in = (uInt)len;
    st->zs.next_out = st->out->data + at;
    st->zs.avail_out = (uInt)cap;
    int rc = st->ok ? deflate(&st->zs, last ? Z_FINISH : Z_FULL_FLUSH) : Z_STREAM_ERROR;
    st->ok = last ? rc == Z_STREAM_END : rc == Z_OK && st->zs.avail_in == 0 && st->zs.avail_out > 0;
    g_byte_array_set_size(st->out, at + (guint)(cap - st->zs.avail_out));
    st->sum = libdeflate_adler32(st->sum, run, len);
    memcpy(st->raw, run + len - st->row, st->row);
    st->n = 0;
}

gboolean
gb_png_stream_rows(GbPngStream *st, const guint8 *data, int stride, int n)
{
    for (int k = 0; k < n && st->ok && st->y < st->h; k++) {
        const guint32 *px = (const guint32 *)(const void *)(data + (gsize)k * (gsize)stride);
        st->prev = gb__filter_next(px, st->prev, st->w, st->raw + (1 + st->n) * st->row, st->row);
        st->n++, st->y++;
        if (st->n == st->rows || st->y == st->h)
            gb__stream_run(st);
    }
    /* The caller's rows may be drawn over next: the last kept. */
    if (st->prev != NULL && st->prev != st->line) {
        memcpy(st->line, st->prev, (gsize)st->w * 4);
        st->prev = st->line;
    }
    return st->ok;
}

gboolean
gb_png_stream_end(GbPngStream *st)
{
    if (st == NULL)
        return FALSE;
    gboolean ok = st->ok && st->y == st->h;
    GByteArray *out = st->out;
    if (ok) {
        guint8 adler[4];
        gb__put32(adler, st->sum);
        g_byte_array_append(out, adler, 4);
        gb__chunk_close(out, st->idat, "IDAT", out->len - st->idat - 8);
        gb__chunk(out, "IEND", NULL, 0);
    } else {
        g_byte_array_set_size(out, st->start);
    }
    deflateEnd(&st->zs);
    g_free(st->raw);
    g_free(st->line);
    g_free(st);
    return ok;
}

/* The image's size and pixels, FALSE when it cannot be written. */
static gboolean
gb__image(cairo_surface_t *surface, int *w, int *h, int *stride, guint8 **data)
{
    if (cairo_surface_get_type(surface) != CAIRO_SURFACE_TYPE_IMAGE)
        return FALSE;
    cairo_surface_flush(surface);
    *w = cairo_image_surface_get_width(surface), *h = cairo_image_surface_get_height(surface);
    *stride = cairo_image_surface_get_stride(surface);
    *data = cairo_image_surface_get_data(surface);
    return *w > 0 && *h > 0 && (1 + 3 * (gsize)*w) * (gsize)*h <= GB_PNG_MAX_BYTES && *data != NULL;
}

gboolean
gb_png_write(cairo_surface_t *surface, double dpi, GByteArray *out)
{
    int w, h, stride;
    guint8 *data;
    if (!gb__image(surface, &w, &h, &stride, &data))
        return FALSE;
    GbPngStream *st = gb_png_stream_new(w, h, dpi, out);
    if (st == NULL)
        return FALSE;
    gb_png_stream_rows(st, data, stride, h);
    return gb_png_stream_end(st);
}

/* Rows a band: small bands follow the outline closely (a band is reused only
 * when all its rows are), and zlib is cheaper per byte on them than on
 * larger ones. */
#define GB__BAND_ROWS 16

typedef struct {
    GBytes *z;   /* the band's deflate blocks, NULL until an image needed them */
    guint32 sum; /* the Adler-32 of its filtered rows, with z */
} GbPngBand;

struct GbPngBands {
    GMutex lock;
    cairo_surface_t *base; /* immutable: only read, by any thread */
    int w, h, stride;
    const guint8 *data;
    guint n;
    GbPngBand *band;
};

GbPngBands *
gb_png_bands_new(cairo_surface_t *base)
{
    int w, h, stride;
    guint8 *data;
    if (!gb__image(base, &w, &h, &stride, &data))
        return NULL;
    GbPngBands *b = g_new0(GbPngBands, 1);
    g_mutex_init(&b->lock);
    b->base = cairo_surface_reference(base);
    b->w = w, b->h = h, b->stride = stride, b->data = data;
    b->n = (guint)((h + GB__BAND_ROWS - 1) / GB__BAND_ROWS);
    b->band = g_new0(GbPngBand, b->n);
    return b;
}

void
gb_png_bands_free(GbPngBands *b)
{
    if (b == NULL)
        return;
    for (guint i = 0; i < b->n; i++)
        if (b->band[i].z != NULL)
            g_bytes_unref(b->band[i].z);
    g_free(b->band);
    cairo_surface_destroy(b->base);
    g_mutex_clear(&b->lock);
    g_free(b);
}

/* Appends the deflate blocks of one band, compressed alone (the stream reset:
 * no match reaches into another band; the reset restores level 3's search,
 * so it is retuned as gb_png_stream_new's), to out: ending on a byte boundary
 * after an empty stored block (Z_SYNC_FLUSH) unless it is the last, which
 * ends the stream. FALSE when zlib fails. */
static gboolean
gb__band(z_stream *zs, const guint8 *raw, gsize len, gboolean last, GByteArray *out)
{
    if (deflateReset(zs) != Z_OK || deflateTune(zs, 4, 2, 258, 4) != Z_OK)
        return FALSE;
    guint at = out->len;
    gsize cap = deflateBound(zs, len) + 16;
    g_byte_array_set_size(out, at + (guint)cap);
    zs->next_in = (Bytef *)raw;
    zs->avail_in = (uInt)len;
    zs->next_out = out->data + at;
    zs->avail_out = (uInt)cap;
    int rc = deflate(zs, last ? Z_FINISH : Z_SYNC_FLUSH);
    gboolean ok = last ? rc == Z_STREAM_END : rc == Z_OK && zs->avail_in == 0 && zs->avail_out > 0;
    g_byte_array_set_size(out, ok ? at + (guint)(cap - zs->avail_out) : at);
    return ok;
}

/* TRUE when rows [y, y + n) of the image at data equal the base's. */
static gboolean
gb__same_rows(const GbPngBands *b, const guint8 *data, int stride, int y, int n)
{
    for (int k = y; k < y + n; k++)
        if (memcmp(data + (gsize)k * (gsize)stride, b->data + (gsize)k * (gsize)b->stride,
                   (gsize)b->w * 4) != 0)
            return FALSE;
    return TRUE;
}

gboolean
gb_png_write_banded(cairo_surface_t *surface, double dpi, GbPngBands *bands, GByteArray *out)
{
    int w, h, stride;
    guint8 *data;
    if (!gb__image(surface, &w, &h, &stride, &data))
        return FALSE;
    gsize row = 1 + 3 * (gsize)w;
    guint n = (guint)((h + GB__BAND_ROWS - 1) / GB__BAND_ROWS);
    if (bands != NULL && (bands->w != w || bands->h != h))
        bands = NULL; /* another size: nothing to share */
    gb__head(out, w, h, dpi);

    z_stream zs = {0};
    /* Level 3: on chart bands about 3% smaller than level 1 for 4% more work;
     * memLevel 7, as gb_png_stream_new: half the hash heads to clear at each
     * band's reset. */
    if (deflateInit2(&zs, 3, Z_DEFLATED, -15, 7, Z_DEFAULT_STRATEGY) != Z_OK)
        return FALSE;
    guint at = out->len;
    g_byte_array_set_size(out, at + 8);
    guint8 head[2];
    gb__zlib_head(head);
    g_byte_array_append(out, head, 2);
    /* A band's filtered rows, and the row above (the filter's repeated-row
     * shortcut looks at it only through the pixels, so a band filters alone). */
    guint8 *raw = g_malloc(GB__BAND_ROWS * row + 1);
    gboolean ok = TRUE;
    guint32 sum = 1;
    for (guint i = 0; i < n && ok; i++) {
        int y = (int)i * GB__BAND_ROWS, rows = MIN(GB__BAND_ROWS, h - y);
        gsize len = (gsize)rows * row;
        gboolean last = i + 1 == n;
        GbPngBand *b = bands != NULL ? &bands->band[i] : NULL;
        GBytes *z = NULL;
        guint32 bsum = 0;
        /* The base's rows: their blocks, made by whichever image needed them
         * first (the same bytes whoever makes them). */
        gboolean same = b != NULL && gb__same_rows(bands, data, stride, y, rows);
        if (same) {
            g_mutex_lock(&bands->lock);
            if (b->z != NULL)
                z = g_bytes_ref(b->z), bsum = b->sum;
            g_mutex_unlock(&bands->lock);
        }
        if (z != NULL) {
            gsize zlen;
            const guint8 *zp = g_bytes_get_data(z, &zlen);
            g_byte_array_append(out, zp, (guint)zlen);
            g_bytes_unref(z);
        } else {
            gb__filter(data + (gsize)y * (gsize)stride, w, rows, stride, raw);
            guint start = out->len;
            ok = gb__band(&zs, raw, len, last, out);
            bsum = libdeflate_adler32(1, raw, len);
            if (ok && same) {
                g_mutex_lock(&bands->lock);
                if (b->z == NULL) {
                    b->z = g_bytes_new(out->data + start, out->len - start);
                    b->sum = bsum;
                }
                g_mutex_unlock(&bands->lock);
            }
        }
        sum = i == 0 ? bsum : (guint32)adler32_combine(sum, bsum, (z_off_t)len);
    }
    g_free(raw);
    deflateEnd(&zs);
    if (!ok) {
        g_byte_array_set_size(out, at);
        return FALSE;
    }
    guint8 adler[4];
    gb__put32(adler, sum);
    g_byte_array_append(out, adler, 4);
    gb__chunk_close(out, at, "IDAT", out->len - at - 8);
    gb__chunk(out, "IEND", NULL, 0);
    return TRUE;
}
