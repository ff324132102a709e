/* pdfwrite.c - the finished file (see pdfobj.h): stream objects whole,
 * every other object packed into object streams of GB__OBJSTM_N, then a
 * cross-reference stream with a deterministic /ID. */
#include "output/pdfobj-private.h"

#include <libdeflate.h>
#include <string.h>

#define GB__OBJSTM_N 100 /* objects in one object stream, as qpdf */

static void
gb__emit(GString *o, const GbPdfVal *v)
{
    switch (v->kind) {
    case GB_PV_NULL:
        g_string_append(o, "null");
        break;
    case GB_PV_INT:
        if (v->s == NULL) {
            g_string_append_printf(o, "%d", v->num);
            break;
        }
        /* fall through */
    case GB_PV_ATOM:
    case GB_PV_NAME:
    case GB_PV_STRING:
        g_string_append_len(o, v->s, v->len);
        break;
    case GB_PV_REF:
        g_string_append_printf(o, "%d 0 R", v->num);
        break;
    case GB_PV_ARRAY:
        g_string_append_c(o, '[');
        for (const GbPdfVal *i = v->first; i != NULL; i = i->next) {
            gb__emit(o, i);
            if (i->next != NULL)
                g_string_append_c(o, ' ');
        }
        g_string_append_c(o, ']');
        break;
    case GB_PV_DICT:
        g_string_append(o, "<<");
        for (const GbPdfVal *k = v->first; k != NULL && k->next != NULL; k = k->next->next) {
            gb__emit(o, k);
            g_string_append_c(o, ' ');
            gb__emit(o, k->next);
        }
        g_string_append(o, ">>");
        break;
    }
}

typedef struct {
    GString *out;
    guint8 *type; /* xref entry of each object number */
    guint *f2, *f3;
    GString *head, *body; /* the object stream being filled */
    int members[GB__OBJSTM_N], nmembers;
    int next_num; /* for object streams and the xref stream */
    struct libdeflate_compressor *z;
} GbPdfWriter;

static void
gb__deflated(GbPdfWriter *w, const char *data, gsize len, char **z, gsize *zlen)
{
    size_t cap = libdeflate_zlib_compress_bound(w->z, len);
    *z = g_malloc(cap);
    *zlen = libdeflate_zlib_compress(w->z, data, len, *z, cap);
}

static void
gb__flush_objstm(GbPdfWriter *w)
{
    if (w->nmembers == 0)
        return;
    int num = w->next_num++;
    GString *all = g_string_sized_new(w->head->len + w->body->len + 1);
    g_string_append_len(all, w->head->str, (gssize)w->head->len);
    g_string_append_len(all, w->body->str, (gssize)w->body->len);
    char *z;
    gsize zlen;
    gb__deflated(w, all->str, all->len, &z, &zlen);
    w->type[num] = 1;
    w->f2[num] = (guint)w->out->len;
    g_string_append_printf(w->out,
                           "%d 0 obj\n<</Type /ObjStm /N %d /First %u /Filter /FlateDecode "
                           "/Length %" G_GSIZE_FORMAT ">>\nstream\n",
                           num, w->nmembers, (guint)w->head->len, zlen);
    g_string_append_len(w->out, z, (gssize)zlen);
    g_string_append(w->out, "\nendstream\nendobj\n");
    for (int i = 0; i < w->nmembers; i++) {
        w->type[w->members[i]] = 2;
        w->f2[w->members[i]] = (guint)num;
        w->f3[w->members[i]] = (guint)i;
    }
    g_free(z);
    g_string_free(all, TRUE);
    g_string_truncate(w->head, 0);
    g_string_truncate(w->body, 0);
    w->nmembers = 0;
}

/* Writes stream object num whole, with a direct /Length; the indirect
 * length object cairo wrote is dropped. */
static gboolean
gb__write_stream(GbPdfFile *f, GbPdfWriter *w, int num)
{
    GbPdfVal *d = f->state[num] == GB__NEW ? f->val[num] : gb_pdfobj_get(f, num);
    const char *data = (const char *)f->sdata[num];
    gsize len = f->slen[num];
    if (d == NULL || (data == NULL && !gb__pdfobj_raw_stream(f, num, &data, &len)))
        return FALSE;
    GbPdfVal *l = gb_pdfval_get(d, "/Length");
    if (l != NULL && l->kind == GB_PV_REF && f->state[num] != GB__NEW)
        gb_pdfobj_drop(f, l->num);
    gb_pdfval_put(f, d, "/Length", gb_pdfval_int(f, (int)len));
    w->type[num] = 1;
    w->f2[num] = (guint)w->out->len;
    g_string_append_printf(w->out, "%d 0 obj\n", num);
    gb__emit(w->out, d);
    g_string_append(w->out, "\nstream\n");
    g_string_append_len(w->out, data, (gssize)len);
    g_string_append(w->out, "\nendstream\nendobj\n");
    return TRUE;
}

static void
gb__put_be(GString *s, guint v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        g_string_append_c(s, (char)((v >> (8 * i)) & 0xff));
}

static void
gb__write_xref(GbPdfFile *f, GbPdfWriter *w, int size)
{
    int num = size - 1;
    /* A deterministic /ID: the digest of everything before the xref. */
    char *md5 =
        g_compute_checksum_for_data(G_CHECKSUM_MD5, (const guchar *)w->out->str, w->out->len);
    w->type[num] = 1;
    w->f2[num] = (guint)w->out->len;
    GString *rows = g_string_sized_new((gsize)size * 7);
    for (int i = 0; i < size; i++) {
        g_string_append_c(rows, (char)w->type[i]);
        gb__put_be(rows, w->type[i] == 0 ? 0 : w->f2[i], 4);
        gb__put_be(rows, w->type[i] == 0 ? (i == 0 ? 65535u : 0u) : w->f3[i], 2);
    }
    char *z;
    gsize zlen;
    gb__deflated(w, rows->str, rows->len, &z, &zlen);
    g_string_append_printf(w->out, "%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2]", num, size);
    GbPdfVal *root = gb_pdfval_get(f->trailer, "/Root"), *info = gb_pdfval_get(f->trailer, "/Info");
    if (root != NULL)
        g_string_append(w->out, " /Root "), gb__emit(w->out, root);
    if (info != NULL)
        g_string_append(w->out, " /Info "), gb__emit(w->out, info);
    g_string_append_printf(
        w->out, " /ID [<%s><%s>] /Filter /FlateDecode /Length %" G_GSIZE_FORMAT ">>\nstream\n", md5,
        md5, zlen);
    g_string_append_len(w->out, z, (gssize)zlen);
    g_string_append_printf(w->out, "\nendstream\nendobj\nstartxref\n%u\n%%%%EOF\n", w->f2[num]);
    g_free(z);
    g_free(md5);
    g_string_free(rows, TRUE);
}

gboolean
gb_pdfobj_write(GbPdfFile *f, GByteArray **out, char **err)
{
    int n = f->count;
    int most = n + n / GB__OBJSTM_N + 2; /* every object, the object streams, the xref */
    GbPdfWriter w = {.out = g_string_sized_new(f->len / 2 + 4096),
                     .type = g_new0(guint8, most),
                     .f2 = g_new0(guint, most),
                     .f3 = g_new0(guint, most),
                     .head = g_string_new(NULL),
                     .body = g_string_new(NULL),
                     .next_num = n,
                     .z = libdeflate_alloc_compressor(6)};
    gboolean ok = TRUE;
    g_string_append(w.out, "%PDF-1.5\n%\xbf\xf7\xa2\xfe\n");
    guint8 *stream = g_new0(guint8, n);
    for (int i = 1; i < n && ok; i++) {
        gboolean live = f->state[i] == GB__NEW || (f->off[i] != 0 && f->state[i] != GB__DROPPED);
        stream[i] = live && gb__pdfobj_is_stream(f, i);
        if (stream[i] && !gb__write_stream(f, &w, i)) {
            *err = g_strdup_printf("cannot read stream object %d", i);
            ok = FALSE;
        }
    }
    for (int i = 1; i < n && ok; i++) {
        gboolean live = f->state[i] == GB__NEW || (f->off[i] != 0 && f->state[i] != GB__DROPPED);
        if (!live || stream[i])
            continue;
        gsize at = w.body->len;
        if (f->state[i] == GB__ORIGINAL) {
            const char *s;
            gsize len;
            if (!gb__pdfobj_raw_value(f, i, &s, &len)) {
                *err = g_strdup_printf("cannot read object %d", i);
                ok = FALSE;
                break;
            }
            g_string_append_len(w.body, s, (gssize)len);
        } else {
            GbPdfVal *v = f->state[i] == GB__NEW ? f->val[i] : gb_pdfobj_get(f, i);
            if (v == NULL) {
                *err = g_strdup_printf("cannot parse object %d", i);
                ok = FALSE;
                break;
            }
            gb__emit(w.body, v);
        }
        g_string_append_c(w.body, '\n');
        g_string_append_printf(w.head, "%d %" G_GSIZE_FORMAT " ", i, at);
        w.members[w.nmembers++] = i;
        if (w.nmembers == GB__OBJSTM_N)
            gb__flush_objstm(&w);
    }
    if (ok) {
        gb__flush_objstm(&w);
        gb__write_xref(f, &w, w.next_num + 1);
        *out = g_byte_array_sized_new((guint)w.out->len);
        g_byte_array_append(*out, (const guint8 *)w.out->str, (guint)w.out->len);
    }
    g_free(stream);
    g_string_free(w.out, TRUE);
    g_string_free(w.head, TRUE);
    g_string_free(w.body, TRUE);
    g_free(w.type);
    g_free(w.f2);
    g_free(w.f3);
    libdeflate_free_compressor(w.z);
    return ok;
}
