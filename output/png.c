/* png.c - write opaque cairo images as PNG (see png.h): deflated by an encoder
 * of its own made for chart rows, or in bands by zlib. */
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

/* The Sub filter of pixel p (0xAARRGGBB) after *left, as the bytes R, G, B
 * (and a spare) in memory: the three differences at once in one 32-bit word,
 * bytes subtracted without borrows between them. */
static inline guint32
gb__sub(guint32 p, guint32 *left)
{
    if (G_LIKELY(p == *left)) /* most pixels are the colour to their left */
        return 0;
    guint32 d = ((p | 0x80808080u) - (*left & 0x7f7f7f7fu)) ^ ((p ^ ~*left) & 0x80808080u);
    *left = p;
    return GUINT32_TO_LE(GUINT32_SWAP_LE_BE(d) >> 8);
}

/* Writes the filtered rows of the w x h image at data (stride bytes a row)
 * into raw, (1 + 3 w) bytes a row, which may be data itself: each row is then
 * copied out before its filtered bytes (3 a pixel and the filter type, never
 * more than the 4 a pixel of the image) overwrite it, so a row's input is
 * never overwritten before it is read. */
static void
gb__filter(const guint8 *data, int w, int h, int stride, guint8 *raw, gboolean in_place)
{
    gsize row = 1 + 3 * (gsize)w;
    /* Filtered scanlines: each row is the Sub filter (type 1) of its RGB bytes,
     * the difference from the pixel to the left. Opaque pixels: premultiplied
     * equals straight. On charts (flat colour) this leaves long runs of zeros.
     * A pixel's three differences are stored as four bytes, the fourth
     * overwritten by the next pixel (the last pixel of a row stores three). */
    /* In place, each row is copied out before it is overwritten (two rows'
     * room: this one and the last, for the comparison below). */
    guint32 *lines = in_place ? g_new(guint32, 2 * (gsize)w) : NULL, *spare = lines;
    const guint32 *prev = NULL;
    for (int y = 0; y < h; y++) {
        const guint32 *px = (const guint32 *)(const void *)(data + (gsize)y * (gsize)stride);
        guint8 *r = raw + (gsize)y * row;
        /* A row like the one above (margins, the inside of bars) filters alike. */
        if (prev != NULL && memcmp(px, prev, (gsize)w * 4) == 0) {
            memcpy(r, r - row, row);
            continue;
        }
        if (in_place) {
            memcpy(spare, px, (gsize)w * 4);
            px = spare;
            spare = spare == lines ? lines + w : lines;
        }
        guint32 left = 0;
        *r++ = 1;
        for (int x = 0; x < w;) {
            if (px[x] == left) {
                /* A run of the colour to the left (flat colour, most of a
                 * chart): zeros, found two pixels a compare. */
                int e = x + 1;
#ifdef __SSE2__
                __m128i four = _mm_set1_epi32((int)left);
                while (e + 4 <= w && _mm_movemask_epi8(_mm_cmpeq_epi32(
                                         _mm_loadu_si128((const __m128i *)(const void *)(px + e)),
                                         four)) == 0xffff)
                    e += 4;
#endif
                while (e < w && px[e] == left)
                    e++;
                memset(r, 0, 3 * (gsize)(e - x));
                r += 3 * (gsize)(e - x);
                x = e;
                continue;
            }
            guint32 rgb = gb__sub(px[x], &left);
            /* The last pixel's three bytes only: in place, the next row is
             * not copied out yet. */
            if (x + 1 < w)
                memcpy(r, &rgb, 4);
            else
                memcpy(r, &rgb, 3);
            r += 3;
            x++;
        }
        prev = px;
    }
    g_free(lines);
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

/* Tokens a block (each block has its own codes, ~100 bytes of tables). */
#define GB__BLOCK_TOKENS (1 << 15)
/* The hash table of gb__deflate's look-ups: 2^15 last places. */
#define GB__HASH_BITS 15
/* A match token: the flag, length in bits 16..24, distance in bits 0..15. */
#define GB__MATCH (1u << 31)

static const guint16 gb__len_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                         15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                         67, 83, 99, 115, 131, 163, 195, 227, 258};
static const guint8 gb__len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const guint16 gb__dist_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const guint8 gb__dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                          6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/* The order code length code lengths are sent in. */
static const guint8 gb__cl_order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                        11, 4,  12, 3, 13, 2, 14, 1, 15};

/* The largest i with base[i] <= v. */
static int
gb__code_of(const guint16 *base, int n, guint v)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (base[mid] <= v)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The length code (less 257) of each length less 3, and the distance code
 * of each distance less 1 up to 256, then of each (distance - 1) >> 7. */
static guint8 gb__len_code[256], gb__dist_code[512];

static void
gb__tables(void)
{
    static gsize done = 0;
    if (!g_once_init_enter(&done))
        return;
    for (int l = 3; l <= 258; l++)
        gb__len_code[l - 3] = (guint8)gb__code_of(gb__len_base, 29, (guint)l);
    for (int d = 1; d <= 256; d++)
        gb__dist_code[d - 1] = (guint8)gb__code_of(gb__dist_base, 30, (guint)d);
    for (int k = 2; k < 256; k++)
        gb__dist_code[256 + k] = (guint8)gb__code_of(gb__dist_base, 30, (guint)(k << 7) + 1);
    g_once_init_leave(&done, 1);
}

static inline int
gb__dcode(guint dist)
{
    return dist <= 256 ? gb__dist_code[dist - 1] : gb__dist_code[256 + ((dist - 1) >> 7)];
}

typedef struct {
    guint8 *p; /* the next byte written */
    guint64 bits;
    int n;
} GbBits;

static inline void
gb__put(GbBits *b, guint32 v, int n)
{
    b->bits |= (guint64)v << b->n;
    b->n += n;
    if (b->n >= 32) {
        guint32 w = GUINT32_TO_LE((guint32)b->bits);
        memcpy(b->p, &w, 4);
        b->p += 4;
        b->bits >>= 32;
        b->n -= 32;
    }
}

/* Huffman code lengths (at most max bits) for the n symbols of freq; 0 for
 * unused symbols. At least two symbols must be used. Ties broken by symbol,
 * so the same counts give the same lengths. */
static void
gb__lengths(const guint32 *freq_in, int n, int max, guint8 *len)
{
    guint32 freq[320];
    memcpy(freq, freq_in, (gsize)n * sizeof freq[0]);
    for (;;) {
        /* Leaves sorted by count (then symbol); internal nodes are made in
         * order of weight, so two queues give the two lightest each time. */
        guint32 w[2 * 320];
        int sym[320], parent[2 * 320], m = 0;
        for (int s = 0; s < n; s++)
            if (freq[s] > 0)
                sym[m++] = s;
        /* insertion sort: n is small */
        for (int i = 1; i < m; i++) {
            int s = sym[i], j = i;
            while (j > 0 && (freq[sym[j - 1]] > freq[s] ||
                             (freq[sym[j - 1]] == freq[s] && sym[j - 1] > s))) {
                sym[j] = sym[j - 1];
                j--;
            }
            sym[j] = s;
        }
        for (int i = 0; i < m; i++)
            w[i] = freq[sym[i]];
        if (m < 2)
            return; /* never: gb__two */
        int leaf = 0, node = m, made = m;
        for (int k = 0; k < m - 1; k++) {
            int pick[2];
            for (int t = 0; t < 2; t++) {
                if (leaf < m && (node >= made || w[leaf] <= w[node]))
                    pick[t] = leaf++;
                else
                    pick[t] = node++;
            }
            w[made] = w[pick[0]] + w[pick[1]];
            parent[pick[0]] = parent[pick[1]] = made;
            made++;
        }
        /* Depths from the root (the last node made) down. */
        guint8 depth[2 * 320 + 1];
        depth[made - 1] = 0;
        int deepest = 0;
        for (int i = made - 2; i >= 0; i--) {
            depth[i] = (guint8)(depth[parent[i]] + 1);
            deepest = MAX(deepest, depth[i]);
        }
        if (deepest <= max) {
            memset(len, 0, (gsize)n);
            for (int i = 0; i < m; i++)
                len[sym[i]] = depth[i];
            return;
        }
        /* Too deep: flatten the counts and build again. */
        for (int s = 0; s < n; s++)
            if (freq[s] > 0)
                freq[s] = (freq[s] + 1) / 2;
    }
}

/* Canonical codes for the lengths, bit-reversed as deflate sends them. */
static void
gb__codes(const guint8 *len, int n, guint16 *code)
{
    guint16 count[16] = {0}, next[16];
    for (int s = 0; s < n; s++)
        count[len[s]]++;
    count[0] = 0;
    guint16 c = 0;
    for (int b = 1; b < 16; b++) {
        c = (guint16)((c + count[b - 1]) << 1);
        next[b] = c;
    }
    for (int s = 0; s < n; s++) {
        if (len[s] == 0)
            continue;
        guint16 v = next[len[s]]++, r = 0;
        for (int b = 0; b < len[s]; b++)
            r = (guint16)(r << 1 | ((v >> b) & 1));
        code[s] = r;
    }
}

/* Ensures at least two used symbols (a complete code) among the first n. */
static void
gb__two(guint32 *freq, int n)
{
    int used = 0;
    for (int s = 0; s < n; s++)
        used += freq[s] > 0;
    for (int s = 0; s < n && used < 2; s++)
        if (freq[s] == 0)
            freq[s] = 1, used++;
}

/* Writes one dynamic block of the tokens. */
static void
gb__block(GbBits *b, const guint32 *tok, gsize n, gboolean last)
{
    guint32 lf[286] = {0}, df[30] = {0};
    for (gsize i = 0; i < n; i++) {
        guint32 t = tok[i];
        if (t & GB__MATCH) {
            lf[257 + gb__len_code[((t >> 16) & 0x1ff) - 3]]++;
            df[gb__dcode(t & 0xffff)]++;
        } else
            lf[t]++;
    }
    lf[256] = 1;
    gb__two(lf, 286);
    gb__two(df, 30);
    guint8 ll[286 + 30];
    guint16 lc[286], dc[30];
    gb__lengths(lf, 286, 15, ll);
    gb__lengths(df, 30, 15, ll + 286);
    int hlit = 286, hdist = 30;
    while (hlit > 257 && ll[hlit - 1] == 0)
        hlit--;
    while (hdist > 1 && ll[286 + hdist - 1] == 0)
        hdist--;
    /* The lengths, one sequence, run-length coded (16: the previous 3-6
     * times, 17: 3-10 zeros, 18: 11-138 zeros). */
    guint8 seq[286 + 30];
    memcpy(seq, ll, (gsize)hlit);
    memcpy(seq + hlit, ll + 286, (gsize)hdist);
    int total = hlit + hdist;
    guint8 rl[286 + 30], rx[286 + 30];
    int nr = 0;
    guint32 cf[19] = {0};
    for (int i = 0; i < total;) {
        int v = seq[i], run = 1;
        while (i + run < total && seq[i + run] == v)
            run++;
        if (v == 0 && run >= 3) {
            int r = MIN(run, 138);
            rl[nr] = r >= 11 ? 18 : 17;
            rx[nr++] = (guint8)(r >= 11 ? r - 11 : r - 3);
            i += r;
        } else if (v != 0 && run >= 4) {
            rl[nr] = (guint8)v, rx[nr++] = 0;
            int r = MIN(run - 1, 6);
            rl[nr] = 16, rx[nr++] = (guint8)(r - 3);
            i += 1 + r;
        } else {
            rl[nr] = (guint8)v, rx[nr++] = 0;
            i++;
        }
    }
    for (int i = 0; i < nr; i++)
        cf[rl[i]]++;
    gb__two(cf, 19);
    guint8 cl[19];
    guint16 cc[19];
    gb__lengths(cf, 19, 7, cl);
    gb__codes(cl, 19, cc);
    int hclen = 19;
    while (hclen > 4 && cl[gb__cl_order[hclen - 1]] == 0)
        hclen--;
    gb__codes(ll, 286, lc);
    gb__codes(ll + 286, 30, dc);

    gb__put(b, last ? 1 : 0, 1);
    gb__put(b, 2, 2); /* dynamic Huffman codes */
    gb__put(b, (guint32)(hlit - 257), 5);
    gb__put(b, (guint32)(hdist - 1), 5);
    gb__put(b, (guint32)(hclen - 4), 4);
    for (int i = 0; i < hclen; i++)
        gb__put(b, cl[gb__cl_order[i]], 3);
    for (int i = 0; i < nr; i++) {
        gb__put(b, cc[rl[i]], cl[rl[i]]);
        if (rl[i] >= 16)
            gb__put(b, rx[i], rl[i] == 16 ? 2 : rl[i] == 17 ? 3 : 7);
    }
    const guint8 *dl = ll + 286;
    for (gsize i = 0; i < n; i++) {
        guint32 t = tok[i];
        if (t & GB__MATCH) {
            guint len = (t >> 16) & 0x1ff, dist = t & 0xffff;
            int lcode = gb__len_code[len - 3];
            gb__put(b, lc[257 + lcode], ll[257 + lcode]);
            if (gb__len_extra[lcode])
                gb__put(b, len - gb__len_base[lcode], gb__len_extra[lcode]);
            int dcode = gb__dcode(dist);
            gb__put(b, dc[dcode], dl[dcode]);
            if (gb__dist_extra[dcode])
                gb__put(b, dist - gb__dist_base[dcode], gb__dist_extra[dcode]);
        } else
            gb__put(b, lc[t], ll[t]);
    }
    gb__put(b, lc[256], ll[256]);
}

/* How many bytes from a equal those from b (at most n); b may overlap a. */
static inline gsize
gb__same(const guint8 *a, const guint8 *b, gsize n)
{
    gsize k = 0;
#ifdef __SSE2__
    while (k + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + k));
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + k));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y));
        if (m != 0xffff)
            return k + (gsize)__builtin_ctz(~m);
        k += 16;
    }
#endif
    while (k + 8 <= n) {
        guint64 x, y;
        memcpy(&x, a + k, 8);
        memcpy(&y, b + k, 8);
        if (x != y)
            return k + (gsize)__builtin_ctzll(GUINT64_TO_LE(x ^ y)) / 8;
        k += 8;
    }
    while (k < n && a[k] == b[k])
        k++;
    return k;
}

typedef struct {
    guint32 *tok;
    gsize n;
    GByteArray *out;
    GbBits bits; /* writing into out, which has 8 bytes to spare past bits.p */
} GbDeflate;

/* Writes the tokens so far as a block. */
static void
gb__flush(GbDeflate *d, gboolean last)
{
    /* A token is at most 48 bits, the code tables at most 4,500. */
    guint at = (guint)(d->bits.p - d->out->data);
    g_byte_array_set_size(d->out, at + (guint)(d->n * 6 + 1024));
    d->bits.p = d->out->data + at;
    gb__block(&d->bits, d->tok, d->n, last);
    d->n = 0;
    g_byte_array_set_size(d->out, (guint)(d->bits.p - d->out->data) + 8);
    d->bits.p = d->out->data + (d->out->len - 8);
}

static inline void
gb__tok(GbDeflate *d, guint32 t)
{
    d->tok[d->n++] = t;
    if (d->n == GB__BLOCK_TOKENS)
        gb__flush(d, FALSE);
}

static inline void
gb__match(GbDeflate *d, gsize len, guint dist)
{
    while (len >= 3) {
        gsize m = len <= 258 ? len : len - 258 < 3 ? len - 3 : 258;
        gb__tok(d, GB__MATCH | (guint32)m << 16 | dist);
        len -= m;
    }
}

/* Appends raw (n bytes of filtered rows, row bytes each) to out as a zlib
 * stream (RFC 1950) of dynamic-Huffman deflate blocks (RFC 1951), parsed
 * greedily: a stretch equal to the row above (a repeated row, the inside of
 * a bar) or a run of the byte before (flat colour: zeros after the Sub
 * filter) is a match found by comparing words, without a search; only where
 * neither is (anti-aliased edges, text, about 2% of a chart's bytes) is a
 * hash of the next four bytes looked up. */
static void
gb__deflate(const guint8 *raw, gsize n, gsize row, GByteArray *out)
{
    gb__tables();
    guint8 head[2] = {0x78, 0x01};
    g_byte_array_append(out, head, 2);
    GbDeflate d = {.tok = g_new(guint32, GB__BLOCK_TOKENS), .out = out};
    g_byte_array_set_size(out, out->len + 8);
    d.bits.p = out->data + out->len - 8;
    gboolean far = row <= 32768;
    guint32 *ht = g_new0(guint32, 1u << GB__HASH_BITS);
    for (gsize i = 0; i < n;) {
        gsize up = far && i >= row ? gb__same(raw + i, raw + i - row, n - i) : 0;
        if (up >= 258) {
            gb__match(&d, up, (guint)row);
            i += up;
            continue;
        }
        gsize run = i >= 1 ? gb__same(raw + i, raw + i - 1, n - i) : 0;
        if (up >= 6 && up >= run) {
            gb__match(&d, up, (guint)row);
            i += up;
        } else if (run >= 3) {
            gb__match(&d, run, 1);
            i += run;
        } else {
            /* Elsewhere: the last place the next four bytes were seen. */
            gsize got = 0, from = 0;
            if (i + 4 <= n) {
                guint32 q;
                memcpy(&q, raw + i, 4);
                guint32 h = (q * 2654435761u) >> (32 - GB__HASH_BITS);
                guint32 c = ht[h];
                ht[h] = (guint32)i + 1;
                if (c != 0 && i - (c - 1) <= 32768) {
                    from = c - 1;
                    got = gb__same(raw + i, raw + from, n - i);
                }
            }
            if (got >= 4) {
                gb__match(&d, got, (guint)(i - from));
                i += got;
            } else {
                gb__tok(&d, raw[i]);
                i++;
            }
        }
    }
    gb__flush(&d, TRUE);
    /* The bits left, in whole bytes (the last padded with zeros). */
    for (int k = 0; k < d.bits.n; k += 8)
        *d.bits.p++ = (guint8)(d.bits.bits >> k);
    guint len = (guint)(d.bits.p - out->data);
    g_byte_array_set_size(out, len);
    g_free(d.tok);
    g_free(ht);
    guint32 a = libdeflate_adler32(1, raw, n);
    guint8 ad[4] = {(guint8)(a >> 24), (guint8)(a >> 16), (guint8)(a >> 8), (guint8)a};
    g_byte_array_append(out, ad, 4);
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

/* The PNG of surface, its filtered rows made in raw (raw_len bytes), which
 * may be the surface's own pixels (gb__filter). */
static gboolean
gb__png(cairo_surface_t *surface, double dpi, GByteArray *out, gboolean in_place)
{
    int w, h, stride;
    guint8 *data;
    if (!gb__image(surface, &w, &h, &stride, &data))
        return FALSE;
    gsize raw_len = (1 + 3 * (gsize)w) * (gsize)h;
    guint8 *raw = in_place ? data : g_malloc(raw_len + 1);
    gb__filter(data, w, h, stride, raw, in_place);
    gb__head(out, w, h, dpi);

    /* Into a zlib stream by gb__deflate: on charts a third of libdeflate's
     * level 1 instructions, about 11% larger (tests/bench/README.md). */
    guint at = out->len;
    g_byte_array_set_size(out, at + 8);
    gb__deflate(raw, raw_len, 1 + 3 * (gsize)w, out);
    gb__chunk_close(out, at, "IDAT", out->len - at - 8);
    if (!in_place)
        g_free(raw);
    gb__chunk(out, "IEND", NULL, 0);
    return TRUE;
}

gboolean
gb_png_write(cairo_surface_t *surface, double dpi, GByteArray *out)
{
    return gb__png(surface, dpi, out, FALSE);
}

gboolean
gb_png_write_in_place(cairo_surface_t *surface, double dpi, GByteArray *out)
{
    return gb__png(surface, dpi, out, TRUE);
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
 * no match reaches into another band), to out: ending on a byte boundary
 * after an empty stored block (Z_SYNC_FLUSH) unless it is the last, which
 * ends the stream. FALSE when zlib fails. */
static gboolean
gb__band(z_stream *zs, const guint8 *raw, gsize len, gboolean last, GByteArray *out)
{
    if (deflateReset(zs) != Z_OK)
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
    /* Level 3: on chart bands about 3% smaller than level 1 for 4% more work. */
    if (deflateInit2(&zs, 3, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return FALSE;
    guint at = out->len;
    g_byte_array_set_size(out, at + 8);
    /* The zlib header (deflate, 32 KB window, no dictionary), checked mod 31. */
    guint hdr = 0x78 << 8 | 1 << 6;
    hdr += 31 - hdr % 31;
    guint8 head[2] = {(guint8)(hdr >> 8), (guint8)hdr};
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
            gb__filter(data + (gsize)y * (gsize)stride, w, rows, stride, raw, FALSE);
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
