/* pdfupdate.c - the finished file as an incremental update (PDF 1.7,
 * 7.5.6) of the one cairo wrote (see accessible-private.h): cairo's bytes
 * are kept as they are, and after them come only the objects the pass
 * changed or made, each as libqpdf unparses it, a cross-reference section
 * for them and a trailer whose /Prev points at cairo's. Readers take the
 * last definition of each object, so the file reads as the finished one;
 * the objects it replaces (chiefly each page's old content stream) stay in
 * the file unreferenced. */
#include "output/accessible-private.h"

#include <stdlib.h>
#include <string.h>

static int
gb__by_id(gconstpointer a, gconstpointer b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* Where cairo's cross-reference section starts: the number after the last
 * "startxref" (the file's last lines, which libqpdf has just read too). */
static gboolean
gb__startxref(const guint8 *pdf, gsize len, guint64 *at)
{
    gsize tail = MIN(len, 1024);
    const char *sx = g_strrstr_len((const char *)pdf + len - tail, (gssize)tail, "startxref");
    if (sx == NULL)
        return FALSE;
    char *end;
    *at = g_ascii_strtoull(sx + 9, &end, 10);
    return end != sx + 9 && *at < len;
}

/* Appends v in decimal, at least width digits (zero-padded): what
 * "%0*" G_GUINT64_FORMAT writes, without printf's parsing of the format
 * for each of the update's ~2,000 object headers and xref entries. */
static void
gb__put_uint(GString *o, guint64 v, int width)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (; n < width; width--)
        g_string_append_c(o, '0');
    while (n > 0)
        g_string_append_c(o, buf[--n]);
}

/* Appends object id (generation gen) as libqpdf unparses it: a stream with
 * its new data (or its data as read) and a direct /Length. */
static gboolean
gb__object(GbEdit *ed, GString *o, int id, int gen)
{
    qpdf_data q = ed->q;
    gb__put_uint(o, (guint64)id, 0);
    g_string_append_c(o, ' ');
    gb__put_uint(o, (guint64)gen, 0);
    g_string_append(o, " obj\n");
    const char *literal =
        ed->literal != NULL ? g_hash_table_lookup(ed->literal, GINT_TO_POINTER(id)) : NULL;
    if (literal != NULL) { /* an object the pass wrote from cairo's bytes */
        g_string_append(o, literal);
        g_string_append(o, "\nendobj\n");
        return TRUE;
    }
    gpointer made = g_hash_table_lookup(ed->made, GINT_TO_POINTER(id));
    GBytes *data = g_hash_table_lookup(ed->data, GINT_TO_POINTER(id));
    if (made != NULL) { /* a stream the pass made: its dictionary and data */
        if (data == NULL)
            return FALSE;
        g_string_append(o, qpdf_oh_unparse_resolved(q, GPOINTER_TO_UINT(made)));
        g_string_append(o, "\nstream\n");
        g_string_append_len(o, g_bytes_get_data(data, NULL), (gssize)g_bytes_get_size(data));
        g_string_append(o, "\nendstream\nendobj\n");
        return TRUE;
    }
    qpdf_oh oh = qpdf_get_object_by_id(q, id, gen);
    if (!qpdf_oh_is_stream(q, oh)) {
        gboolean ok = !qpdf_oh_is_null(q, oh) && !qpdf_oh_is_name_and_equals(q, oh, GB_STAND_IN);
        g_string_append(o, qpdf_oh_unparse_resolved(q, oh));
        g_string_append(o, "\nendobj\n");
        qpdf_oh_release(q, oh);
        return ok;
    }
    unsigned char *raw = NULL;
    size_t n = 0;
    if (data == NULL) { /* a stream whose dictionary changed: its bytes as they are */
        if (qpdf_oh_get_stream_data(q, oh, qpdf_dl_none, NULL, &raw, &n) != 0) {
            qpdf_oh_release(q, oh);
            return FALSE;
        }
    } else {
        n = g_bytes_get_size(data);
    }
    qpdf_oh dict = qpdf_oh_get_dict(q, oh);
    qpdf_oh_replace_key(q, dict, "/Length", qpdf_oh_new_integer(q, (long long)n));
    g_string_append(o, qpdf_oh_unparse_resolved(q, dict));
    g_string_append(o, "\nstream\n");
    g_string_append_len(o, data != NULL ? g_bytes_get_data(data, NULL) : (const void *)raw,
                        (gssize)n);
    g_string_append(o, "\nendstream\nendobj\n");
    free(raw);
    qpdf_oh_release(q, dict);
    qpdf_oh_release(q, oh);
    return TRUE;
}

/* The trailer: cairo's /Root, /Info and /Size (or more), /Prev, and an /ID
 * whose first part is cairo's (the file's permanent identifier) and whose
 * second is the MD5 of every byte before the trailer: sum holds cairo's
 * bytes, upto is the update up to here. */
static void
gb__trailer(GbEdit *ed, GString *o, int size, guint64 prev, GChecksum *sum, const GString *upto)
{
    qpdf_data q = ed->q;
    qpdf_oh old = qpdf_get_trailer(q);
    qpdf_oh t = qpdf_oh_new_dictionary(q);
    qpdf_oh old_size = qpdf_oh_get_key(q, old, "/Size");
    if (qpdf_oh_is_integer(q, old_size) && qpdf_oh_get_int_value_as_int(q, old_size) > size)
        size = qpdf_oh_get_int_value_as_int(q, old_size);
    qpdf_oh_replace_key(q, t, "/Size", qpdf_oh_new_integer(q, size));
    qpdf_oh_replace_key(q, t, "/Root", qpdf_get_root(q));
    qpdf_oh info = qpdf_oh_get_key(q, old, "/Info");
    if (!qpdf_oh_is_null(q, info))
        qpdf_oh_replace_key(q, t, "/Info", info);
    qpdf_oh_replace_key(q, t, "/Prev", qpdf_oh_new_integer(q, (long long)prev));
    guint8 md5[16];
    gsize md5_len = sizeof md5;
    g_checksum_update(sum, (const guchar *)upto->str, (gssize)upto->len);
    g_checksum_get_digest(sum, md5, &md5_len);
    qpdf_oh now = qpdf_oh_new_binary_string(q, (const char *)md5, md5_len);
    qpdf_oh old_id = qpdf_oh_get_key(q, old, "/ID");
    qpdf_oh id = qpdf_oh_new_array(q);
    qpdf_oh first = qpdf_oh_is_array(q, old_id) && qpdf_oh_get_array_n_items(q, old_id) == 2
                        ? qpdf_oh_get_array_item(q, old_id, 0)
                        : now;
    qpdf_oh_append_item(q, id, first);
    qpdf_oh_append_item(q, id, now);
    qpdf_oh_replace_key(q, t, "/ID", id);
    g_string_append_printf(o, "trailer\n%s\n", qpdf_oh_unparse_resolved(q, t));
}

/* The update's cross-reference section: an entry for each object written
 * (ids, at their offsets at) and for each object freed, whose generation
 * goes up by one; the freed ones form the free list from object 0, in
 * order. One subsection per run of consecutive numbers. */
static void
gb__xref(GbEdit *ed, GString *o, GArray *ids, const gsize *at)
{
    GArray *freed = g_array_new(FALSE, FALSE, sizeof(int));
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, ed->freed);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        int id = GPOINTER_TO_INT(key);
        if (id > 0 && !g_hash_table_contains(ed->touched, key))
            g_array_append_val(freed, id);
    }
    g_array_sort(freed, gb__by_id);
    /* Every entry, in number order: kind 'n' (index into ids) or 'f'. */
    int n_all = (int)(ids->len + freed->len) + (freed->len > 0);
    int *num = g_new(int, n_all), *idx = g_new(int, n_all);
    int k = 0;
    guint i = 0, j = 0;
    if (freed->len > 0)
        num[k] = 0, idx[k++] = -1;
    while (i < ids->len || j < freed->len) {
        gboolean take_id = j >= freed->len || (i < ids->len && g_array_index(ids, int, i) <
                                                                   g_array_index(freed, int, j));
        if (take_id)
            num[k] = g_array_index(ids, int, i), idx[k++] = (int)i++;
        else
            num[k] = g_array_index(freed, int, j), idx[k++] = -2 - (int)j++;
    }
    g_string_append(o, "xref\n");
    for (int a = 0; a < n_all;) {
        int b = a + 1;
        while (b < n_all && num[b] == num[b - 1] + 1)
            b++;
        gb__put_uint(o, (guint64)num[a], 0);
        g_string_append_c(o, ' ');
        gb__put_uint(o, (guint64)(b - a), 0);
        g_string_append_c(o, '\n');
        for (; a < b; a++) {
            if (idx[a] >= 0) {
                gpointer gen = g_hash_table_lookup(ed->touched, GINT_TO_POINTER(num[a]));
                gb__put_uint(o, at[idx[a]], 10);
                g_string_append_c(o, ' ');
                gb__put_uint(o, (guint64)GPOINTER_TO_INT(gen), 5);
                g_string_append(o, " n \n");
                continue;
            }
            /* A free entry: the next free number (0 after the last). */
            int f = idx[a] == -1 ? -1 : -2 - idx[a];
            int next = f + 1 < (int)freed->len ? g_array_index(freed, int, f + 1) : 0;
            int gen =
                f < 0
                    ? 65535
                    : GPOINTER_TO_INT(g_hash_table_lookup(ed->freed, GINT_TO_POINTER(num[a]))) + 1;
            gb__put_uint(o, (guint64)next, 10);
            g_string_append_c(o, ' ');
            gb__put_uint(o, (guint64)gen, 5);
            g_string_append(o, " f \n");
        }
    }
    g_free(num);
    g_free(idx);
    g_array_free(freed, TRUE);
}

/* The MD5 of cairo's bytes, for the /ID (accessible-private.h). */
struct GbIdHash {
    const guint8 *pdf;
    gsize len;
    GChecksum *sum;
    GThread *thread; /* hashing; NULL once joined, or hashed in line */
    gboolean done;
};

static gpointer
gb__hash(gpointer data)
{
    GbIdHash *h = data;
    g_checksum_update(h->sum, h->pdf, (gssize)h->len);
    h->done = TRUE;
    return NULL;
}

/* Files at least this long have cairo's bytes hashed on a thread of their
 * own beside the pass (the briefing's 1.3 MB: 12.6 M instructions, 3 ms
 * and more); a pack's 150 KB is hashed in line. The digest is the same
 * either way. */
#define GB_HASH_BESIDE (512 * 1024)

GbIdHash *
gb__id_hash_start(const guint8 *pdf, gsize len)
{
    GbIdHash *h = g_new0(GbIdHash, 1);
    *h = (GbIdHash){pdf, len, g_checksum_new(G_CHECKSUM_MD5), NULL, FALSE};
    if (len >= GB_HASH_BESIDE)
        h->thread = g_thread_try_new("gb-id-md5", gb__hash, h, NULL);
    return h;
}

/* The MD5 of cairo's bytes, in h->sum, once hashed (here, when it was not). */
static GChecksum *
gb__id_hash_wait(GbIdHash *h)
{
    if (h->thread != NULL)
        g_thread_join(g_steal_pointer(&h->thread));
    if (!h->done)
        gb__hash(h);
    return h->sum;
}

void
gb__id_hash_free(GbIdHash *h)
{
    if (h == NULL)
        return;
    if (h->thread != NULL)
        g_thread_join(h->thread);
    g_checksum_free(h->sum);
    g_free(h);
}

GString *
gb__update(GbEdit *ed, const guint8 *pdf, gsize len, GbIdHash *md5, char **err)
{
    guint64 prev;
    if (!gb__startxref(pdf, len, &prev)) {
        *err = g_strdup("no startxref at the end of cairo's file");
        gb__id_hash_wait(md5); /* pdf is the caller's again on return */
        return NULL;
    }
    GArray *ids = g_array_sized_new(FALSE, FALSE, sizeof(int), g_hash_table_size(ed->touched));
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, ed->touched);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        int id = GPOINTER_TO_INT(key);
        g_array_append_val(ids, id);
    }
    g_array_sort(ids, gb__by_id);
    /* Only the update is built here (offsets counted from the start of
     * cairo's bytes), not a second copy of the file. */
    GString *o = g_string_sized_new(len / 4 + 4096);
    if (len > 0 && pdf[len - 1] != '\n')
        g_string_append_c(o, '\n');
    gsize *at = g_new(gsize, ids->len);
    gboolean ok = TRUE;
    for (guint i = 0; i < ids->len && ok; i++) {
        int id = g_array_index(ids, int, i);
        at[i] = len + o->len;
        ok = gb__object(ed, o, id,
                        GPOINTER_TO_INT(g_hash_table_lookup(ed->touched, GINT_TO_POINTER(id))));
        if (!ok)
            *err = g_strdup_printf("cannot write object %d", id);
    }
    if (ok) {
        gsize xref = len + o->len;
        gb__xref(ed, o, ids, at);
        int size = ids->len > 0 ? g_array_index(ids, int, ids->len - 1) + 1 : 0;
        GString *trailer = g_string_new(NULL);
        gb__trailer(ed, trailer, size, prev, gb__id_hash_wait(md5), o);
        g_string_append_len(o, trailer->str, (gssize)trailer->len);
        g_string_free(trailer, TRUE);
        g_string_append_printf(o, "startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", xref);
    }
    gb__id_hash_wait(md5);
    g_free(at);
    g_array_free(ids, TRUE);
    if (!ok) {
        g_string_free(o, TRUE);
        return NULL;
    }
    return o;
}
