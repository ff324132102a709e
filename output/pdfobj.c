/* pdfobj.c - reading and rewriting cairo's PDF files object by object (see
 * pdfobj.h). */
#include "output/pdfobj-private.h"

#include <libdeflate.h>
#include <string.h>

#define GB__BLOCK 4096

GbPdfVal *
gb_pdfval_new(GbPdfFile *f, GbPdfKind kind)
{
    if (f->blocks->len == 0 || f->used == GB__BLOCK) {
        g_ptr_array_add(f->blocks, g_new(GbPdfVal, GB__BLOCK));
        f->used = 0;
    }
    GbPdfVal *v = (GbPdfVal *)g_ptr_array_index(f->blocks, f->blocks->len - 1) + f->used++;
    *v = (GbPdfVal){.kind = kind};
    return v;
}

/* ---- lexing ------------------------------------------------------------ */

static gboolean
gb__ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static gboolean
gb__delim(char c)
{
    return gb__ws(c) || strchr("()<>[]{}/%", c) != NULL;
}

static const char *
gb__skip_ws(const char *p, const char *e)
{
    for (;;) {
        while (p < e && gb__ws(*p))
            p++;
        if (p < e && *p == '%') {
            while (p < e && *p != '\n' && *p != '\r')
                p++;
            continue;
        }
        return p;
    }
}

/* The end of the integer at p (no sign), or p when there is none. */
static const char *
gb__digits(const char *p, const char *e)
{
    const char *q = p;
    while (q < e && g_ascii_isdigit(*q))
        q++;
    return q < e && !gb__delim(*q) ? p : q;
}

static GbPdfVal *gb__parse(GbPdfFile *f, const char **pp, const char *e, int depth);

static GbPdfVal *
gb__parse_number(GbPdfFile *f, const char *p, const char **pp, const char *e)
{
    const char *q = p;
    while (q < e && !gb__delim(*q))
        q++;
    *pp = q;
    const char *d = gb__digits(p, e);
    if (d != q || q == p) { /* not a plain integer */
        GbPdfVal *v = gb_pdfval_new(f, GB_PV_ATOM);
        v->s = p, v->len = (int)(q - p);
        return v;
    }
    int n = (int)g_ascii_strtoll(p, NULL, 10);
    /* "N G R": a reference. */
    const char *g = gb__skip_ws(q, e);
    const char *g1 = gb__digits(g, e);
    if (g1 > g) {
        const char *r = gb__skip_ws(g1, e);
        if (r < e && *r == 'R' && (r + 1 == e || gb__delim(r[1]))) {
            *pp = r + 1;
            GbPdfVal *v = gb_pdfval_new(f, GB_PV_REF);
            v->num = n;
            return v;
        }
    }
    GbPdfVal *v = gb_pdfval_new(f, GB_PV_INT);
    v->s = p, v->len = (int)(q - p), v->num = n;
    return v;
}

static const char *
gb__skip_string(const char *p, const char *e)
{
    int depth = 0;
    for (; p < e; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
    }
    return NULL;
}

static GbPdfVal *
gb__parse_container(GbPdfFile *f, const char **pp, const char *e, int depth, gboolean dict)
{
    GbPdfVal *c = gb_pdfval_new(f, dict ? GB_PV_DICT : GB_PV_ARRAY);
    const char *p = *pp;
    for (gboolean key = dict;; key = dict && !key) {
        p = gb__skip_ws(p, e);
        if (p >= e)
            return NULL;
        if (dict ? (*p == '>' && p + 1 < e && p[1] == '>') : *p == ']') {
            *pp = p + (dict ? 2 : 1);
            return c;
        }
        if (key && *p != '/')
            return NULL;
        GbPdfVal *v = gb__parse(f, &p, e, depth + 1);
        if (v == NULL)
            return NULL;
        gb_pdfval_append(c, v);
    }
}

static GbPdfVal *
gb__parse(GbPdfFile *f, const char **pp, const char *e, int depth)
{
    const char *p = gb__skip_ws(*pp, e), *q;
    if (p >= e || depth > 64)
        return NULL;
    GbPdfVal *v;
    switch (*p) {
    case '<':
        if (p + 1 < e && p[1] == '<') {
            *pp = p + 2;
            return gb__parse_container(f, pp, e, depth, TRUE);
        }
        q = memchr(p, '>', (size_t)(e - p));
        if (q == NULL)
            return NULL;
        v = gb_pdfval_new(f, GB_PV_STRING);
        v->s = p, v->len = (int)(q + 1 - p);
        *pp = q + 1;
        return v;
    case '[':
        *pp = p + 1;
        return gb__parse_container(f, pp, e, depth, FALSE);
    case '(':
        q = gb__skip_string(p, e);
        if (q == NULL)
            return NULL;
        v = gb_pdfval_new(f, GB_PV_STRING);
        v->s = p, v->len = (int)(q - p);
        *pp = q;
        return v;
    case '/':
        for (q = p + 1; q < e && !gb__delim(*q); q++)
            ;
        v = gb_pdfval_new(f, GB_PV_NAME);
        v->s = p, v->len = (int)(q - p);
        *pp = q;
        return v;
    default:
        if (g_ascii_isdigit(*p) || *p == '-' || *p == '+' || *p == '.')
            return gb__parse_number(f, p, pp, e);
        for (q = p; q < e && !gb__delim(*q); q++)
            ;
        if (q == p)
            return NULL;
        v = gb_pdfval_new(f, (q - p == 4 && memcmp(p, "null", 4) == 0) ? GB_PV_NULL : GB_PV_ATOM);
        v->s = p, v->len = (int)(q - p);
        *pp = q;
        return v;
    }
}

/* ---- the file ------------------------------------------------------------ */

static void
gb__grow(GbPdfFile *f, int need)
{
    if (need <= f->cap)
        return;
    int cap = MAX(need, f->cap * 2);
    f->off = g_renew(gsize, f->off, cap);
    f->end = g_renew(gsize, f->end, cap);
    f->after = g_renew(gsize, f->after, cap);
    f->val = g_renew(GbPdfVal *, f->val, cap);
    f->state = g_renew(guint8, f->state, cap);
    f->sdata = g_renew(guint8 *, f->sdata, cap);
    f->slen = g_renew(gsize, f->slen, cap);
    for (int i = f->cap; i < cap; i++) {
        f->off[i] = f->end[i] = f->after[i] = 0;
        f->val[i] = NULL;
        f->state[i] = GB__ORIGINAL;
        f->sdata[i] = NULL;
        f->slen[i] = 0;
    }
    f->cap = cap;
}

static int
gb__by_offset(gconstpointer a, gconstpointer b, gpointer data)
{
    const gsize *off = data;
    gsize x = off[*(const int *)a], y = off[*(const int *)b];
    return x < y ? -1 : x > y;
}

/* The classic xref table at xref: every in-use object's offset. */
static gboolean
gb__read_xref(GbPdfFile *f, gsize xref)
{
    const char *e = f->data + f->len, *p = f->data + xref;
    if (e - p < 4 || memcmp(p, "xref", 4) != 0)
        return FALSE;
    p += 4;
    for (;;) {
        p = gb__skip_ws(p, e);
        if (p >= e)
            return FALSE;
        if (e - p >= 7 && memcmp(p, "trailer", 7) == 0)
            break;
        char *q;
        long first = strtol(p, &q, 10);
        long n = strtol(q, &q, 10);
        if (q == p || first < 0 || n < 0 || first + n > 10000000)
            return FALSE;
        gb__grow(f, (int)(first + n));
        p = q;
        for (long i = 0; i < n; i++) {
            p = gb__skip_ws(p, e);
            if (e - p < 18)
                return FALSE;
            if (p[17] == 'n')
                f->off[first + i] = (gsize)g_ascii_strtoull(p, NULL, 10);
            p += 18;
        }
        f->count = MAX(f->count, (int)(first + n));
    }
    p += 7;
    f->trailer = gb__parse(f, &p, e, 0);
    return f->trailer != NULL && f->trailer->kind == GB_PV_DICT;
}

GbPdfFile *
gb_pdfobj_open(const guint8 *data, gsize len, char **err)
{
    GbPdfFile *f = g_new0(GbPdfFile, 1);
    f->data = (const char *)data;
    f->len = len;
    f->blocks = g_ptr_array_new_with_free_func(g_free);
    f->text = g_string_chunk_new(4096);
    /* startxref N near the end */
    gsize tail = MIN(len, 64);
    const char *sx = g_strrstr_len(f->data + len - tail, (gssize)tail, "startxref");
    gsize xref = sx != NULL ? (gsize)g_ascii_strtoull(sx + 9, NULL, 10) : 0;
    if (sx == NULL || xref >= len || !gb__read_xref(f, xref)) {
        *err = g_strdup("not a PDF with a cross-reference table at its startxref");
        gb_pdfobj_free(f);
        return NULL;
    }
    /* Each object's extent: up to the next object by offset, or the xref. */
    int *order = g_new(int, f->count), n = 0;
    for (int i = 1; i < f->count; i++)
        if (f->off[i] > 0 && f->off[i] < xref)
            order[n++] = i;
    g_qsort_with_data(order, n, sizeof *order, gb__by_offset, f->off);
    for (int i = 0; i < n; i++)
        f->end[order[i]] = i + 1 < n ? f->off[order[i + 1]] : xref;
    g_free(order);
    return f;
}

void
gb_pdfobj_free(GbPdfFile *f)
{
    if (f == NULL)
        return;
    for (int i = 0; i < f->cap; i++)
        g_free(f->sdata[i]);
    g_free(f->off);
    g_free(f->end);
    g_free(f->after);
    g_free(f->val);
    g_free(f->state);
    g_free(f->sdata);
    g_free(f->slen);
    g_ptr_array_free(f->blocks, TRUE);
    g_string_chunk_free(f->text);
    g_free(f);
}

GbPdfVal *
gb_pdfobj_trailer(GbPdfFile *f)
{
    return f->trailer;
}

/* Where object num's value starts (after "N G obj"), or NULL. */
static const char *
gb__body(GbPdfFile *f, int num)
{
    if (num <= 0 || num >= f->count || f->off[num] == 0 || f->end[num] == 0)
        return NULL;
    const char *p = f->data + f->off[num], *e = f->data + f->end[num];
    const char *o = g_strstr_len(p, MIN(e - p, 32), "obj");
    return o != NULL ? o + 3 : NULL;
}

GbPdfVal *
gb_pdfobj_get(GbPdfFile *f, int num)
{
    if (num <= 0 || num >= f->count || f->state[num] == GB__DROPPED)
        return NULL;
    if (f->val[num] != NULL)
        return f->val[num];
    const char *p = gb__body(f, num);
    if (p == NULL)
        return NULL;
    f->val[num] = gb__parse(f, &p, f->data + f->end[num], 0);
    f->after[num] = (gsize)(p - f->data);
    return f->val[num];
}

GbPdfVal *
gb_pdfobj_resolve(GbPdfFile *f, GbPdfVal *v)
{
    return v != NULL && v->kind == GB_PV_REF ? gb_pdfobj_get(f, v->num) : v;
}

/* The raw data of stream object num (in the file), or FALSE. */
gboolean
gb__pdfobj_raw_stream(GbPdfFile *f, int num, const char **data, gsize *len)
{
    GbPdfVal *d = gb_pdfobj_get(f, num);
    if (d == NULL || d->kind != GB_PV_DICT || f->off[num] == 0)
        return FALSE;
    const char *p = f->data + f->after[num], *e = f->data + f->end[num];
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    if (e - p < 7 || memcmp(p, "stream", 6) != 0)
        p = gb__skip_ws(p, e);
    if (e - p < 7 || memcmp(p, "stream", 6) != 0)
        return FALSE;
    p += 6;
    if (*p == '\r')
        p++;
    if (p < e && *p == '\n')
        p++;
    GbPdfVal *l = gb_pdfobj_resolve(f, gb_pdfval_get(d, "/Length"));
    if (l == NULL || l->kind != GB_PV_INT || l->num < 0 || l->num > e - p)
        return FALSE;
    *data = p;
    *len = (gsize)l->num;
    return TRUE;
}

guint8 *
gb_pdfobj_stream_data(GbPdfFile *f, int num, gsize *len)
{
    const char *raw;
    gsize n;
    if (!gb__pdfobj_raw_stream(f, num, &raw, &n))
        return NULL;
    GbPdfVal *filter = gb_pdfval_get(gb_pdfobj_get(f, num), "/Filter");
    if (filter != NULL && filter->kind == GB_PV_ARRAY && gb_pdfval_count(filter) == 1)
        filter = filter->first;
    if (filter == NULL) {
        *len = n;
        return g_memdup2(raw, n);
    }
    if (!gb_pdfval_is_name(filter, "/FlateDecode"))
        return NULL;
    struct libdeflate_decompressor *z = libdeflate_alloc_decompressor();
    gsize cap = MAX(n * 4, 4096);
    guint8 *out = NULL;
    for (int tries = 0; tries < 8; tries++, cap *= 4) {
        out = g_realloc(out, cap);
        size_t got = 0;
        enum libdeflate_result r = libdeflate_zlib_decompress(z, raw, n, out, cap, &got);
        if (r == LIBDEFLATE_SUCCESS) {
            *len = got;
            libdeflate_free_decompressor(z);
            return out;
        }
        if (r != LIBDEFLATE_INSUFFICIENT_SPACE)
            break;
    }
    libdeflate_free_decompressor(z);
    g_free(out);
    return NULL;
}

void
gb_pdfobj_touch(GbPdfFile *f, int num)
{
    if (num > 0 && num < f->count && f->state[num] == GB__ORIGINAL)
        f->state[num] = GB__TOUCHED;
}

void
gb_pdfobj_set_stream(GbPdfFile *f, int num, guint8 *data, gsize len)
{
    g_free(f->sdata[num]);
    f->sdata[num] = data;
    f->slen[num] = len;
    gb_pdfobj_touch(f, num);
}

int
gb_pdfobj_add(GbPdfFile *f, GbPdfVal *dict, guint8 *data, gsize len)
{
    gb__grow(f, f->count + 1);
    int num = f->count++;
    f->val[num] = dict;
    f->state[num] = GB__NEW;
    f->sdata[num] = data;
    f->slen[num] = data != NULL ? len : 0;
    return num;
}

void
gb_pdfobj_drop(GbPdfFile *f, int num)
{
    if (num > 0 && num < f->count)
        f->state[num] = GB__DROPPED;
}

/* ---- values ---------------------------------------------------------------- */

GbPdfVal *
gb_pdfval_name(GbPdfFile *f, const char *name)
{
    GbPdfVal *v = gb_pdfval_new(f, GB_PV_NAME);
    v->s = g_string_chunk_insert_const(f->text, name);
    v->len = (int)strlen(name);
    return v;
}

GbPdfVal *
gb_pdfval_int(GbPdfFile *f, int n)
{
    GbPdfVal *v = gb_pdfval_new(f, GB_PV_INT);
    v->num = n;
    return v;
}

GbPdfVal *
gb_pdfval_ref(GbPdfFile *f, int num)
{
    GbPdfVal *v = gb_pdfval_new(f, GB_PV_REF);
    v->num = num;
    return v;
}

GbPdfVal *
gb_pdfval_atom(GbPdfFile *f, const char *atom)
{
    GbPdfVal *v = gb_pdfval_new(f, strcmp(atom, "null") == 0 ? GB_PV_NULL : GB_PV_ATOM);
    v->s = g_string_chunk_insert_const(f->text, atom);
    v->len = (int)strlen(atom);
    return v;
}

GbPdfVal *
gb_pdfval_text(GbPdfFile *f, const char *utf8)
{
    gboolean plain = TRUE;
    for (const char *p = utf8; *p != '\0' && plain; p++)
        plain = *p >= 0x20 && *p < 0x7f;
    GString *s = g_string_new(NULL);
    if (plain) {
        g_string_append_c(s, '(');
        for (const char *p = utf8; *p != '\0'; p++) {
            if (*p == '(' || *p == ')' || *p == '\\')
                g_string_append_c(s, '\\');
            g_string_append_c(s, *p);
        }
        g_string_append_c(s, ')');
    } else {
        glong n = 0;
        gunichar2 *u = g_utf8_to_utf16(utf8, -1, NULL, &n, NULL);
        g_string_append(s, "<FEFF");
        for (glong i = 0; u != NULL && i < n; i++)
            g_string_append_printf(s, "%04X", u[i]);
        g_string_append_c(s, '>');
        g_free(u);
    }
    GbPdfVal *v = gb_pdfval_new(f, GB_PV_STRING);
    v->s = g_string_chunk_insert_len(f->text, s->str, (gssize)s->len);
    v->len = (int)s->len;
    g_string_free(s, TRUE);
    return v;
}

/* The bytes of a string value. */
static GByteArray *
gb__string_bytes(const GbPdfVal *v)
{
    GByteArray *b = g_byte_array_new();
    const char *p = v->s + 1, *e = v->s + v->len - 1;
    if (*v->s == '<') {
        int hi = -1;
        for (; p < e; p++) {
            int x = g_ascii_xdigit_value(*p);
            if (x < 0)
                continue;
            if (hi < 0) {
                hi = x;
            } else {
                guint8 c = (guint8)(hi * 16 + x);
                g_byte_array_append(b, &c, 1);
                hi = -1;
            }
        }
        if (hi >= 0) {
            guint8 c = (guint8)(hi * 16);
            g_byte_array_append(b, &c, 1);
        }
        return b;
    }
    for (; p < e; p++) {
        guint8 c = (guint8)*p;
        if (c == '\\' && p + 1 < e) {
            c = (guint8) * ++p;
            const char *esc = strchr("nrtbf", c);
            if (c != '\0' && esc != NULL) {
                c = (guint8) "\n\r\t\b\f"[esc - "nrtbf"];
            } else if (c >= '0' && c <= '7') {
                int x = 0;
                for (int k = 0; k < 3 && p < e && *p >= '0' && *p <= '7'; k++, p++)
                    x = x * 8 + (*p - '0');
                p--;
                c = (guint8)x;
            } else if (c == '\n' || c == '\r') {
                continue;
            }
        }
        g_byte_array_append(b, &c, 1);
    }
    return b;
}

char *
gb_pdfval_utf8(const GbPdfVal *v)
{
    if (v == NULL || v->kind != GB_PV_STRING || v->len < 2)
        return NULL;
    GByteArray *b = gb__string_bytes(v);
    char *out;
    if (b->len >= 2 && b->data[0] == 0xfe && b->data[1] == 0xff) {
        glong n = (glong)(b->len - 2) / 2;
        gunichar2 *u = g_new(gunichar2, n + 1);
        for (glong i = 0; i < n; i++)
            u[i] = (gunichar2)(b->data[2 + 2 * i] << 8 | b->data[3 + 2 * i]);
        out = g_utf16_to_utf8(u, n, NULL, NULL, NULL);
        g_free(u);
    } else { /* PDFDocEncoding: Latin-1 for what cairo writes */
        out = g_convert((const char *)b->data, b->len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
    }
    g_byte_array_unref(b);
    return out;
}

gboolean
gb_pdfval_is_name(const GbPdfVal *v, const char *name)
{
    return v != NULL && v->kind == GB_PV_NAME && (size_t)v->len == strlen(name) &&
           memcmp(v->s, name, (size_t)v->len) == 0;
}

GbPdfVal *
gb_pdfval_get(const GbPdfVal *dict, const char *key)
{
    if (dict == NULL || dict->kind != GB_PV_DICT)
        return NULL;
    for (GbPdfVal *k = dict->first; k != NULL && k->next != NULL; k = k->next->next)
        if (gb_pdfval_is_name(k, key))
            return k->next;
    return NULL;
}

void
gb_pdfval_put(GbPdfFile *f, GbPdfVal *dict, const char *key, GbPdfVal *value)
{
    for (GbPdfVal *k = dict->first; k != NULL && k->next != NULL; k = k->next->next)
        if (gb_pdfval_is_name(k, key)) {
            value->next = k->next->next;
            if (dict->last == k->next)
                dict->last = value;
            k->next = value;
            return;
        }
    gb_pdfval_append(dict, gb_pdfval_name(f, key));
    gb_pdfval_append(dict, value);
}

void
gb_pdfval_remove(GbPdfVal *dict, const char *key)
{
    GbPdfVal *prev = NULL;
    for (GbPdfVal *k = dict->first; k != NULL && k->next != NULL; prev = k->next, k = k->next->next)
        if (gb_pdfval_is_name(k, key)) {
            GbPdfVal *rest = k->next->next;
            if (prev == NULL)
                dict->first = rest;
            else
                prev->next = rest;
            if (dict->last == k->next)
                dict->last = prev;
            return;
        }
}

void
gb_pdfval_append(GbPdfVal *array, GbPdfVal *item)
{
    item->next = NULL;
    if (array->last != NULL)
        array->last->next = item;
    else
        array->first = item;
    array->last = item;
}

int
gb_pdfval_count(const GbPdfVal *array)
{
    int n = 0;
    for (GbPdfVal *v = array != NULL ? array->first : NULL; v != NULL; v = v->next)
        n++;
    return n;
}

/* ---- what the writer reads ------------------------------------------ */

/* The last "endobj" in p..e (stream data may hold NUL bytes), or NULL. */
static const char *
gb__last_endobj(const char *p, const char *e)
{
    for (const char *q = e - 6; q >= p; q--)
        if (*q == 'e' && memcmp(q, "endobj", 6) == 0)
            return q;
    return NULL;
}

/* Whether object num (as cairo wrote it) is a stream: its extent ends in
 * "endstream endobj". */
gboolean
gb__pdfobj_is_stream(GbPdfFile *f, int num)
{
    if (f->state[num] == GB__NEW)
        return f->sdata[num] != NULL;
    const char *p = gb__body(f, num);
    if (p == NULL)
        return FALSE;
    const char *e = f->data + f->end[num];
    const char *eo = gb__last_endobj(p, e);
    if (eo == NULL)
        return FALSE;
    while (eo > p && gb__ws(eo[-1]))
        eo--;
    return eo - p >= 9 && memcmp(eo - 9, "endstream", 9) == 0;
}

/* Object num's value as cairo wrote it, trimmed (a non-stream object). */
gboolean
gb__pdfobj_raw_value(GbPdfFile *f, int num, const char **s, gsize *n)
{
    const char *p = gb__body(f, num);
    if (p == NULL)
        return FALSE;
    const char *e = f->data + f->end[num];
    const char *eo = gb__last_endobj(p, e);
    if (eo == NULL)
        return FALSE;
    p = gb__skip_ws(p, eo);
    while (eo > p && gb__ws(eo[-1]))
        eo--;
    *s = p;
    *n = (gsize)(eo - p);
    return *n > 0;
}
