/* accessible.c - the PDF/UA finishing pass through libqpdf's C API (see
 * accessible.h).
 *
 * Two parts. The structure tree is walked depth first, which is the order
 * cairo wrote the elements in, so Figures meet their alt texts in the order
 * they were drawn; on the way TH cells get their /Scope, a Caption that is a
 * Figure's only child becomes its next sibling, an H becomes H1, and the elements of the
 * running header and footer (drawn in GB_TAG_HEADER / GB_TAG_FOOTER tags) are
 * dropped. Then each page's content stream is rewritten once by a small lexer
 * that only recognises operators and marked-content sequences: what cairo
 * marked with an MCID stays as it is, the header and footer sequences become
 * pagination Artifacts, and every run of drawing outside any sequence (rules,
 * fills, chart drawing, leader dots, the cover band) is wrapped in a layout
 * Artifact. Nothing else of a page is parsed. */
#include "output/accessible.h"

#include <libdeflate.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

/* ---- the structure tree ------------------------------------------------ */

typedef struct {
    int rows;      /* TRs seen so far in this Table */
    gboolean head; /* inside its THead */
    int head_ths;  /* cells of its first row when they are all TH, else 0 */
} GbTableCtx;

typedef struct {
    qpdf_data q;
    const GPtrArray *alts; /* NULL when only counting */
    gboolean edit;
    int figures, with_alt;
    int depth;
    GHashTable *repeats; /* gb__mc_key(page, MCID) of repeated header rows' cells */
} GbWalk;

/* A page (by object id) and an MCID on it, as one hash key. */
static gpointer
gb__mc_key(int page, int mcid)
{
    return GSIZE_TO_POINTER(((gsize)(guint)page << 20) | (gsize)(mcid & 0xfffff));
}

/* Copies e's structure type (/S, without the slash) into type; "" if none.
 * One lookup an element: the tree has thousands. */
static void
gb__type(qpdf_data q, qpdf_oh e, char type[16])
{
    type[0] = '\0';
    qpdf_oh s = qpdf_oh_get_key(q, e, "/S");
    if (qpdf_oh_is_name(q, s))
        g_strlcpy(type, qpdf_oh_get_name(q, s) + 1, 16);
    qpdf_oh_release(q, s);
}

/* The child elements of e as an array handle (a lone dictionary /K is made
 * an array first when editing), or 0 when e has none. */
static qpdf_oh
gb__kids(GbWalk *w, qpdf_oh e)
{
    qpdf_data q = w->q;
    if (!qpdf_oh_has_key(q, e, "/K"))
        return 0;
    qpdf_oh k = qpdf_oh_get_key(q, e, "/K");
    if (qpdf_oh_is_array(q, k))
        return k;
    if (!qpdf_oh_is_dictionary(q, k) || !w->edit) {
        if (qpdf_oh_is_dictionary(q, k)) { /* counting: a one-item array will do */
            qpdf_oh a = qpdf_oh_new_array(q);
            qpdf_oh_append_item(q, a, k);
            return a;
        }
        qpdf_oh_release(q, k);
        return 0;
    }
    qpdf_oh a = qpdf_oh_wrap_in_array(q, k);
    qpdf_oh_replace_key(q, e, "/K", a);
    return a;
}

static void gb__elem(GbWalk *w, qpdf_oh e, const char *type, GbTableCtx *table);

/* Whether the TR row has only TH cells (*n of them); with into, records
 * their marked content (page, MCID) in it. */
static gboolean
gb__all_th(qpdf_data q, qpdf_oh row, int *n, GHashTable *into)
{
    *n = 0;
    qpdf_oh k = qpdf_oh_get_key(q, row, "/K");
    if (!qpdf_oh_is_array(q, k))
        return FALSE;
    int m = qpdf_oh_get_array_n_items(q, k);
    gboolean all = m > 0;
    for (int i = 0; i < m && all; i++) {
        qpdf_oh cell = qpdf_oh_get_array_item(q, k, i);
        char t[16] = "";
        if (qpdf_oh_is_dictionary(q, cell))
            gb__type(q, cell, t);
        all = strcmp(t, "TH") == 0;
        if (all && into != NULL) {
            int page = qpdf_oh_get_object_id(q, qpdf_oh_get_key(q, cell, "/Pg"));
            qpdf_oh mc = qpdf_oh_get_key(q, cell, "/K");
            int nm = qpdf_oh_is_array(q, mc) ? qpdf_oh_get_array_n_items(q, mc) : 1;
            for (int j = 0; j < nm; j++) {
                qpdf_oh x = qpdf_oh_is_array(q, mc) ? qpdf_oh_get_array_item(q, mc, j) : mc;
                if (qpdf_oh_is_integer(q, x))
                    g_hash_table_add(into, gb__mc_key(page, qpdf_oh_get_int_value_as_int(q, x)));
            }
        }
        (*n)++;
    }
    return all;
}

/* Visits e's child elements; moves a Figure's lone Caption out after it and
 * drops header and footer elements, and header rows repeated after a page
 * break (a later row of as many TH cells as an all-TH first row): their
 * content becomes Artifacts, so the table's header is read once. */
static void
gb__children(GbWalk *w, qpdf_oh e, GbTableCtx *table)
{
    qpdf_data q = w->q;
    qpdf_oh kids = gb__kids(w, e);
    if (kids == 0)
        return;
    int n = qpdf_oh_get_array_n_items(q, kids);
    for (int i = 0; i < n; i++) {
        qpdf_oh kid = qpdf_oh_get_array_item(q, kids, i);
        if (!qpdf_oh_is_dictionary(q, kid) || !qpdf_oh_has_key(q, kid, "/S")) {
            qpdf_oh_release(q, kid); /* an MCID, a marked-content or object reference */
            continue;
        }
        char type[16];
        gb__type(q, kid, type);
        if (w->edit && (strcmp(type, GB_TAG_HEADER) == 0 || strcmp(type, GB_TAG_FOOTER) == 0)) {
            qpdf_oh_erase_item(q, kids, i--);
            n--;
            qpdf_oh_release(q, kid);
            continue;
        }
        if (table != NULL && strcmp(type, "TR") == 0) {
            int n_th;
            if (table->rows == 0) {
                table->head_ths = gb__all_th(q, kid, &n_th, NULL) ? n_th : 0;
            } else if (w->edit && !table->head && table->head_ths > 0 &&
                       gb__all_th(q, kid, &n_th, NULL) && n_th == table->head_ths) {
                gb__all_th(q, kid, &n_th, w->repeats);
                qpdf_oh_erase_item(q, kids, i--);
                n--;
                qpdf_oh_release(q, kid);
                continue;
            }
        }
        gb__elem(w, kid, type, table);
        if (w->edit && strcmp(type, "Figure") == 0) {
            qpdf_oh fk = gb__kids(w, kid);
            if (fk != 0 && qpdf_oh_get_array_n_items(q, fk) == 1) {
                qpdf_oh cap = qpdf_oh_get_array_item(q, fk, 0);
                char ct[16] = "";
                if (qpdf_oh_is_dictionary(q, cap))
                    gb__type(q, cap, ct);
                if (strcmp(ct, "Caption") == 0) {
                    /* Under the Figure the caption is hidden by its /Alt. */
                    qpdf_oh_remove_key(q, kid, "/K");
                    qpdf_oh_replace_key(q, cap, "/P", e);
                    qpdf_oh_insert_item(q, kids, ++i, cap);
                    n++;
                }
                qpdf_oh_release(q, cap);
            }
            if (fk != 0)
                qpdf_oh_release(q, fk);
        }
        qpdf_oh_release(q, kid);
    }
    qpdf_oh_release(q, kids);
}

static void
gb__elem(GbWalk *w, qpdf_oh e, const char *type, GbTableCtx *table)
{
    qpdf_data q = w->q;
    if (++w->depth > 200) { /* a cycle in a malformed tree */
        w->depth--;
        return;
    }
    if (strcmp(type, "Figure") == 0) {
        if (w->alts != NULL && w->figures < (int)w->alts->len)
            qpdf_oh_replace_key(
                q, e, "/Alt",
                qpdf_oh_new_unicode_string(q, g_ptr_array_index(w->alts, w->figures)));
        if (qpdf_oh_has_key(q, e, "/Alt"))
            w->with_alt++;
        w->figures++;
        gb__children(w, e, table);
    } else if (strcmp(type, "Table") == 0) {
        GbTableCtx inner = {0};
        gb__children(w, e, &inner);
    } else if (strcmp(type, "THead") == 0 && table != NULL) {
        table->head = TRUE;
        gb__children(w, e, table);
        table->head = FALSE;
    } else if (strcmp(type, "TR") == 0 && table != NULL) {
        /* Column headers in the head or the first row; row headers later. */
        GbTableCtx row = {.rows = table->rows++, .head = table->head};
        gb__children(w, e, &row);
    } else if (strcmp(type, "TH") == 0) {
        if (w->edit) {
            gboolean column = table == NULL || table->head || table->rows == 0;
            qpdf_oh a = qpdf_oh_new_dictionary(q);
            qpdf_oh_replace_key(q, a, "/O", qpdf_oh_new_name(q, "/Table"));
            qpdf_oh_replace_key(q, a, "/Scope", qpdf_oh_new_name(q, column ? "/Column" : "/Row"));
            qpdf_oh_replace_key(q, e, "/A", a);
        }
        gb__children(w, e, table);
    } else if (strcmp(type, "H") == 0 && w->edit) {
        /* Until the page layout writes H1 itself: H beside H1-H6 is not
         * allowed (Matterhorn 14-007), and H alone says no level. */
        qpdf_oh_replace_key(q, e, "/S", qpdf_oh_new_name(q, "/H1"));
        gb__children(w, e, table);
    } else {
        gb__children(w, e, table);
    }
    w->depth--;
}

static void
gb__walk_tree(GbWalk *w)
{
    qpdf_data q = w->q;
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
    if (qpdf_oh_is_dictionary(q, tree))
        gb__children(w, tree, NULL);
    qpdf_oh_release(q, tree);
}

/* ---- one page's content stream --------------------------------------- */

typedef enum { GB_TOK_END, GB_TOK_OPERAND, GB_TOK_OP } GbTokKind;

typedef struct {
    const char *s, *end;
} GbLex;

static gboolean
gb__white(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static gboolean
gb__delim(char c)
{
    return gb__white(c) || strchr("()<>[]{}/%", c) != NULL;
}

/* Skips the (...) string at p, with its escapes and nested parentheses. */
static const char *
gb__skip_string(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
    }
    return end;
}

/* Skips one (...) string, <...> hex string, <<...>> dictionary or [...] array
 * starting at p; returns its end. */
static const char *
gb__skip_compound(const char *p, const char *end)
{
    int nest = 0;
    do {
        char c = *p;
        if (c == '(') {
            p = gb__skip_string(p, end);
        } else if (c == '<' && p + 1 < end && p[1] == '<') {
            nest++, p += 2;
        } else if (c == '>' && p + 1 < end && p[1] == '>') {
            nest--, p += 2;
        } else if (c == '<') {
            const char *gt = memchr(p, '>', (size_t)(end - p));
            p = gt != NULL ? gt + 1 : end;
        } else if (c == '[') {
            nest++, p++;
        } else if (c == ']') {
            nest--, p++;
        } else if (c == '%') {
            while (p < end && *p != '\n' && *p != '\r')
                p++;
        } else {
            p++;
        }
    } while (p < end && nest > 0);
    return p;
}

/* The next token: an operand (its span in *t0..*t1) or an operator. */
static GbTokKind
gb__next(GbLex *lx, const char **t0, const char **t1)
{
    const char *p = lx->s, *end = lx->end;
    for (;;) {
        while (p < end && gb__white(*p))
            p++;
        if (p < end && *p == '%') {
            while (p < end && *p != '\n' && *p != '\r')
                p++;
            continue;
        }
        break;
    }
    if (p >= end) {
        lx->s = p;
        return GB_TOK_END;
    }
    *t0 = p;
    char c = *p;
    GbTokKind kind = GB_TOK_OPERAND;
    if (c == '(' || c == '<' || c == '[') {
        p = gb__skip_compound(p, end);
    } else if (c == '/') {
        for (p++; p < end && !gb__delim(*p); p++)
            ;
    } else {
        for (; p < end && !gb__delim(*p); p++)
            ;
        if (p == *t0) /* a stray ) > ] or } */
            p++;
        gboolean number = strchr("+-.0123456789", c) != NULL;
        size_t n = (size_t)(p - *t0);
        gboolean word = (n == 4 && (!memcmp(*t0, "true", 4) || !memcmp(*t0, "null", 4))) ||
                        (n == 5 && !memcmp(*t0, "false", 5));
        if (!number && !word)
            kind = GB_TOK_OP;
    }
    *t1 = p;
    lx->s = p;
    return kind;
}

static gboolean
gb__op_is(const char *t0, const char *t1, const char *name)
{
    size_t n = strlen(name);
    return (size_t)(t1 - t0) == n && memcmp(t0, name, n) == 0;
}

static gboolean
gb__op_in(const char *t0, const char *t1, const char *const *names)
{
    for (; *names != NULL; names++)
        if (gb__op_is(t0, t1, *names))
            return TRUE;
    return FALSE;
}

static const char *const gb__paint_ops[] = {"S",  "s", "f",  "F",  "f*", "B",
                                            "B*", "b", "b*", "sh", "Do", NULL};
static const char *const gb__text_ops[] = {"Tj", "TJ", "'", "\"", NULL};

/* The link texts being collected on a page: MCID -> GString. */
typedef struct {
    GHashTable *by_mcid;
    GHashTable *fonts; /* font resource name -> GHashTable code -> UTF-8, or NULL */
    qpdf_oh font_dict; /* the page's /Resources /Font */
} GbLinkText;

typedef struct {
    qpdf_data q;
    GString *out;
    const char *in;
    size_t copied; /* input bytes [0, copied) are in out */
    /* the current unmarked run */
    gboolean open, paint, in_text_start;
    size_t run0, run1; /* from the start of its first object to the end of its last */
    int other;         /* sequences without an MCID opened inside the run */
    /* marked-content sequences: 1 = structure (MCID, Artifact), 0 = other */
    GArray *stack;
    int structs; /* structure sequences open */
    gboolean in_text;
    qpdf_oh parents; /* this page's ParentTree array, or 0 */
    GbLinkText *links;
    GHashTable *repeats; /* the walk's repeated header cells */
    int page_id;         /* the page's object id */
    GString *collect;    /* the link text being collected, or NULL */
} GbPage;

static void
gb__copy_to(GbPage *pg, size_t upto)
{
    if (upto > pg->copied) {
        g_string_append_len(pg->out, pg->in + pg->copied, (gssize)(upto - pg->copied));
        pg->copied = upto;
    }
}

/* Ends the current run: wrapped in a layout Artifact when it paints. */
static void
gb__close_run(GbPage *pg)
{
    if (!pg->open)
        return;
    pg->open = FALSE;
    if (!pg->paint || pg->other != 0 || pg->run1 <= pg->run0)
        return; /* nothing drawn, or a sequence would cross: left as it is */
    gb__copy_to(pg, pg->run0);
    g_string_append(pg->out, "/Artifact <</Type /Layout>> BDC\n");
    gb__copy_to(pg, pg->run1);
    g_string_append(pg->out, "\nEMC");
}

static void
gb__object(GbPage *pg, size_t start)
{
    if (pg->structs > 0 || pg->open)
        return;
    pg->open = TRUE;
    pg->paint = FALSE;
    pg->other = 0;
    pg->in_text_start = pg->in_text;
    pg->run0 = start;
    pg->run1 = start;
}

/* The integer after /MCID in a property list's bytes, or -1. */
static int
gb__mcid(const char *t0, const char *t1)
{
    for (const char *p = t0; p + 5 < t1; p++)
        if (memcmp(p, "/MCID", 5) == 0) {
            p += 5;
            while (p < t1 && gb__white(*p))
                p++;
            return p < t1 && g_ascii_isdigit(*p) ? atoi(p) : -1;
        }
    return -1;
}

/* ---- link text: ToUnicode ------------------------------------------- */

static int
gb__hex(const char *p, const char *end, guint8 *buf, int max)
{
    int n = 0, hi = -1;
    for (; p < end && *p != '>' && n < max; p++) {
        int v = g_ascii_xdigit_value(*p);
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = (guint8)(hi * 16 + v);
            hi = -1;
        }
    }
    if (hi >= 0 && n < max)
        buf[n++] = (guint8)(hi * 16);
    return n;
}

static guint
gb__code(const guint8 *b, int n)
{
    guint c = 0;
    for (int i = 0; i < n; i++)
        c = c << 8 | b[i];
    return c;
}

static char *
gb__utf16(const guint8 *b, int n, guint offset)
{
    gunichar2 u[32];
    int k = 0;
    for (int i = 0; i + 1 < n && k < 32; i += 2)
        u[k++] = (gunichar2)(b[i] << 8 | b[i + 1]);
    if (k > 0)
        u[k - 1] = (gunichar2)(u[k - 1] + offset);
    return g_utf16_to_utf8(u, k, NULL, NULL, NULL);
}

/* Parses the bfchar and bfrange sections of a ToUnicode CMap. */
static GHashTable *
gb__tounicode(const char *s, size_t len)
{
    GHashTable *map = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    const char *end = s + len, *p = s;
    guint8 a[8], b[8], d[64];
    while (p < end) {
        const char *bc = g_strstr_len(p, end - p, "beginbf");
        if (bc == NULL)
            break;
        gboolean range = bc + 12 <= end && memcmp(bc, "beginbfrange", 12) == 0;
        const char *stop = g_strstr_len(bc, end - bc, range ? "endbfrange" : "endbfchar");
        if (stop == NULL)
            break;
        p = bc + 11;
        for (;;) {
            const char *lt = memchr(p, '<', (size_t)(stop - p));
            if (lt == NULL)
                break;
            int na = gb__hex(lt + 1, stop, a, 8);
            p = memchr(lt, '>', (size_t)(stop - lt));
            if (p == NULL)
                break;
            p++;
            if (!range) {
                lt = memchr(p, '<', (size_t)(stop - p));
                if (lt == NULL)
                    break;
                int nd = gb__hex(lt + 1, stop, d, 64);
                p = memchr(lt, '>', (size_t)(stop - lt));
                if (p == NULL)
                    break;
                p++;
                g_hash_table_replace(map, GUINT_TO_POINTER(gb__code(a, na) + 1),
                                     gb__utf16(d, nd, 0));
                continue;
            }
            lt = memchr(p, '<', (size_t)(stop - p));
            if (lt == NULL)
                break;
            int nb = gb__hex(lt + 1, stop, b, 8);
            p = memchr(lt, '>', (size_t)(stop - lt));
            if (p == NULL)
                break;
            p++;
            while (p < stop && gb__white(*p))
                p++;
            if (p < stop && *p == '<') {
                int nd = gb__hex(p + 1, stop, d, 64);
                p = memchr(p, '>', (size_t)(stop - p));
                if (p == NULL)
                    break;
                p++;
                guint lo = gb__code(a, na), hi = gb__code(b, nb);
                for (guint c = lo; c <= hi && c - lo < 65536; c++)
                    g_hash_table_replace(map, GUINT_TO_POINTER(c + 1), gb__utf16(d, nd, c - lo));
            } else { /* an array of destinations: cairo does not write these */
                const char *rb = memchr(p, ']', (size_t)(stop - p));
                p = rb != NULL ? rb + 1 : stop;
            }
        }
        p = stop + 1;
    }
    return map;
}

/* The code -> text map of the page font resource named by t0..t1 ("/f-0-1"),
 * or NULL when it has no ToUnicode; key 0 holds "2" for two-byte (Type0)
 * codes, "1" for one-byte codes. */
static GHashTable *
gb__font_map(GbPage *pg, const char *t0, const char *t1)
{
    qpdf_data q = pg->q;
    char *name = g_strndup(t0, (gsize)(t1 - t0));
    gpointer found;
    if (g_hash_table_lookup_extended(pg->links->fonts, name, NULL, &found)) {
        g_free(name);
        return found;
    }
    GHashTable *map = NULL;
    qpdf_oh font = qpdf_oh_get_key(q, pg->links->font_dict, name);
    if (qpdf_oh_is_dictionary(q, font)) {
        qpdf_oh tu = qpdf_oh_get_key(q, font, "/ToUnicode");
        unsigned char *buf = NULL;
        size_t len = 0;
        if (qpdf_oh_is_stream(q, tu) &&
            qpdf_oh_get_stream_data(q, tu, qpdf_dl_generalized, NULL, &buf, &len) == 0 &&
            buf != NULL) {
            map = gb__tounicode((const char *)buf, len);
            g_hash_table_insert(map, GUINT_TO_POINTER(0),
                                g_strdup(qpdf_oh_is_name_and_equals(
                                             q, qpdf_oh_get_key(q, font, "/Subtype"), "/Type0")
                                             ? "2"
                                             : "1"));
        }
        free(buf);
    }
    g_hash_table_insert(pg->links->fonts, name, map);
    return map;
}

/* Appends the text a string operand (literal or hex) shows in font map. */
static void
gb__show_text(GString *into, GHashTable *map, const char *t0, const char *t1)
{
    guint8 *bytes = g_malloc((gsize)(t1 - t0) + 1);
    int n = 0;
    if (*t0 == '<') {
        n = gb__hex(t0 + 1, t1, bytes, (int)(t1 - t0));
    } else {
        for (const char *p = t0 + 1; p < t1 - 1; p++) {
            if (*p != '\\') {
                bytes[n++] = (guint8)*p;
                continue;
            }
            if (++p >= t1 - 1)
                break;
            static const char names[] = "nrtbf", codes[] = "\n\r\t\b\f";
            const char *esc = *p != '\0' ? strchr(names, *p) : NULL;
            if (esc != NULL) {
                bytes[n++] = (guint8)codes[esc - names];
            } else if (*p >= '0' && *p <= '7') {
                int v = 0, k = 0;
                for (; k < 3 && p < t1 - 1 && *p >= '0' && *p <= '7'; k++, p++)
                    v = v * 8 + (*p - '0');
                p--;
                bytes[n++] = (guint8)v;
            } else if (*p != '\n' && *p != '\r') {
                bytes[n++] = (guint8)*p;
            }
        }
    }
    const char *width = map != NULL ? g_hash_table_lookup(map, GUINT_TO_POINTER(0)) : NULL;
    int step = width != NULL && *width == '2' ? 2 : 1;
    for (int i = 0; i + step <= n; i += step) {
        guint code = gb__code(bytes + i, step);
        const char *u = map != NULL ? g_hash_table_lookup(map, GUINT_TO_POINTER(code + 1)) : NULL;
        if (u != NULL)
            g_string_append(into, u);
        else if (step == 1 && code >= 0x20 && code < 0x7f)
            g_string_append_c(into, (char)code);
    }
    g_free(bytes);
}

/* ---- the page rewrite -------------------------------------------------- */

static void
gb__rewrite(GbPage *pg, const char *in, size_t len)
{
    GbLex lx = {in, in + len};
    const char *t0, *t1;
    const char *ops[8][2]; /* the current operation's last operands */
    int nops = 0;
    size_t opstart = 0;
    gboolean have_start = FALSE;
    const char *font0 = NULL, *font1 = NULL;
    GbTokKind kind;
    pg->in = in;
    while ((kind = gb__next(&lx, &t0, &t1)) != GB_TOK_END) {
        if (!have_start) {
            opstart = (size_t)(t0 - in);
            have_start = TRUE;
        }
        if (kind == GB_TOK_OPERAND) {
            if (nops == 8)
                memmove(ops, ops + 1, sizeof ops[0] * 7), nops = 7;
            ops[nops][0] = t0, ops[nops][1] = t1, nops++;
            continue;
        }
        size_t opend = (size_t)(t1 - in);
        have_start = FALSE;
        if (gb__op_is(t0, t1, "BI")) { /* an inline image: its data up to EI */
            const char *p = t1;
            while (p + 2 < lx.end && !(gb__white(p[0]) && p[1] == 'E' && p[2] == 'I' &&
                                       (p + 3 == lx.end || gb__delim(p[3]))))
                p++;
            lx.s = p + 3 <= lx.end ? p + 3 : lx.end;
            gb__object(pg, opstart);
            if (pg->open)
                pg->paint = TRUE, pg->run1 = (size_t)(lx.s - in);
            nops = 0;
            continue;
        }
        if (gb__op_is(t0, t1, "BDC") || gb__op_is(t0, t1, "BMC")) {
            gboolean bdc = t0[1] == 'D';
            const char *tag0 = nops >= (bdc ? 2 : 1) ? ops[nops - (bdc ? 2 : 1)][0] : NULL;
            const char *tag1 = tag0 != NULL ? ops[nops - (bdc ? 2 : 1)][1] : NULL;
            int mcid = bdc && nops >= 1 ? gb__mcid(ops[nops - 1][0], ops[nops - 1][1]) : -1;
            gboolean header = tag0 != NULL && gb__op_is(tag0, tag1, "/" GB_TAG_HEADER);
            gboolean footer = tag0 != NULL && gb__op_is(tag0, tag1, "/" GB_TAG_FOOTER);
            gboolean artifact = tag0 != NULL && gb__op_is(tag0, tag1, "/Artifact");
            gboolean structural = mcid >= 0 || artifact;
            char one = structural ? 1 : 0;
            if (structural && pg->structs == 0) {
                gb__close_run(pg);
                if (header || footer) {
                    gb__copy_to(pg, opstart);
                    g_string_append_printf(pg->out,
                                           "/Artifact <</Type /Pagination /Subtype /%s>> BDC",
                                           header ? "Header" : "Footer");
                    pg->copied = opend;
                    if (pg->parents != 0 && mcid >= 0 &&
                        mcid < qpdf_oh_get_array_n_items(pg->q, pg->parents))
                        qpdf_oh_set_array_item(pg->q, pg->parents, mcid, qpdf_oh_new_null(pg->q));
                } else if (mcid >= 0 &&
                           g_hash_table_contains(pg->repeats, gb__mc_key(pg->page_id, mcid))) {
                    gb__copy_to(pg, opstart);
                    g_string_append(pg->out, "/Artifact <</Type /Pagination>> BDC");
                    pg->copied = opend;
                    if (pg->parents != 0 && mcid < qpdf_oh_get_array_n_items(pg->q, pg->parents))
                        qpdf_oh_set_array_item(pg->q, pg->parents, mcid, qpdf_oh_new_null(pg->q));
                } else if (mcid >= 0 && pg->links != NULL) {
                    pg->collect = g_hash_table_lookup(pg->links->by_mcid, GINT_TO_POINTER(mcid));
                }
            } else if (!structural && pg->structs == 0) {
                gb__object(pg, opstart);
                pg->other++;
            }
            g_array_append_val(pg->stack, one);
            pg->structs += one;
            nops = 0;
            continue;
        }
        if (gb__op_is(t0, t1, "EMC")) {
            if (pg->stack->len > 0) {
                char one = g_array_index(pg->stack, char, pg->stack->len - 1);
                g_array_set_size(pg->stack, pg->stack->len - 1);
                pg->structs -= one;
                if (one && pg->structs == 0)
                    pg->collect = NULL;
                if (!one && pg->structs == 0 && pg->open && pg->other > 0) {
                    pg->other--;
                    pg->run1 = opend;
                }
            }
            nops = 0;
            continue;
        }
        if (gb__op_is(t0, t1, "BT")) {
            gb__object(pg, opstart);
            pg->in_text = TRUE;
            if (pg->collect != NULL && pg->collect->len > 0 &&
                pg->collect->str[pg->collect->len - 1] != ' ')
                g_string_append_c(pg->collect, ' ');
        } else if (gb__op_is(t0, t1, "ET")) {
            pg->in_text = FALSE;
            if (pg->open && pg->structs == 0) {
                if (pg->in_text_start) { /* a run that began inside this text object */
                    gb__close_run(pg);
                } else {
                    pg->run1 = opend;
                }
            }
        } else if (gb__op_is(t0, t1, "m") || gb__op_is(t0, t1, "re")) {
            if (!pg->in_text)
                gb__object(pg, opstart);
        } else if (gb__op_is(t0, t1, "Tf") && nops >= 2) {
            font0 = ops[nops - 2][0], font1 = ops[nops - 2][1];
        } else if (gb__op_in(t0, t1, gb__text_ops)) {
            if (pg->in_text) /* a run inside a text object a sequence ended in */
                gb__object(pg, opstart);
            if (pg->open && pg->structs == 0) {
                pg->paint = TRUE;
                if (pg->in_text_start) /* else the run ends, at the latest, before BT */
                    pg->run1 = opend;
            }
            if (pg->collect != NULL && nops >= 1 && font0 != NULL) {
                GHashTable *map = gb__font_map(pg, font0, font1);
                const char *s0 = ops[nops - 1][0], *s1 = ops[nops - 1][1];
                if (*s0 == '[') { /* TJ: the strings of the array */
                    GbLex inner = {s0 + 1, s1 - 1};
                    const char *u0, *u1;
                    while (gb__next(&inner, &u0, &u1) != GB_TOK_END)
                        if (*u0 == '(' || *u0 == '<')
                            gb__show_text(pg->collect, map, u0, u1);
                } else {
                    gb__show_text(pg->collect, map, s0, s1);
                }
            }
        } else if (gb__op_in(t0, t1, gb__paint_ops) || gb__op_is(t0, t1, "n")) {
            if (gb__op_is(t0, t1, "sh") || gb__op_is(t0, t1, "Do"))
                gb__object(pg, opstart);
            if (pg->open && pg->structs == 0) {
                pg->run1 = opend;
                if (!gb__op_is(t0, t1, "n"))
                    pg->paint = TRUE;
            }
        }
        nops = 0;
    }
    gb__close_run(pg);
    gb__copy_to(pg, len);
}

/* ---- pages, annotations, fonts ---------------------------------------- */

typedef struct {
    GHashTable *parents;    /* StructParents key -> ParentTree value handle */
    GHashTable *fonts_done; /* object ids of CIDFonts seen */
    GHashTable *repeats;    /* from the walk */
} GbDocState;

static void
gb__parent_tree(qpdf_data q, qpdf_oh node, GHashTable *into, int depth)
{
    if (depth > 20 || !qpdf_oh_is_dictionary(q, node))
        return;
    qpdf_oh nums = qpdf_oh_get_key(q, node, "/Nums");
    if (qpdf_oh_is_array(q, nums)) {
        int n = qpdf_oh_get_array_n_items(q, nums);
        for (int i = 0; i + 1 < n; i += 2) {
            qpdf_oh key = qpdf_oh_get_array_item(q, nums, i);
            g_hash_table_insert(into, GINT_TO_POINTER(qpdf_oh_get_int_value_as_int(q, key)),
                                GUINT_TO_POINTER(qpdf_oh_get_array_item(q, nums, i + 1)));
        }
    }
    qpdf_oh kids = qpdf_oh_get_key(q, node, "/Kids");
    int n = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 0;
    for (int i = 0; i < n; i++)
        gb__parent_tree(q, qpdf_oh_get_array_item(q, kids, i), into, depth + 1);
}

/* Type0 fonts of cairo carry CIDFontType2 descendants with glyph ids as CIDs
 * and no CIDToGIDMap; /Identity says so (PDF/UA wants it written). */
static void
gb__fonts(qpdf_data q, qpdf_oh page, GHashTable *done)
{
    qpdf_oh res = qpdf_oh_get_key(q, page, "/Resources");
    qpdf_oh fonts = qpdf_oh_get_key(q, res, "/Font");
    if (!qpdf_oh_is_dictionary(q, fonts))
        return;
    qpdf_oh_begin_dict_key_iter(q, fonts);
    while (qpdf_oh_dict_more_keys(q)) {
        qpdf_oh f = qpdf_oh_get_key(q, fonts, qpdf_oh_dict_next_key(q));
        if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, f, "/Subtype"), "/Type0"))
            continue;
        qpdf_oh ds = qpdf_oh_get_key(q, f, "/DescendantFonts");
        int n = qpdf_oh_is_array(q, ds) ? qpdf_oh_get_array_n_items(q, ds) : 0;
        for (int i = 0; i < n; i++) {
            qpdf_oh d = qpdf_oh_get_array_item(q, ds, i);
            gpointer id = GINT_TO_POINTER(qpdf_oh_get_object_id(q, d));
            if (qpdf_oh_get_object_id(q, d) != 0 && !g_hash_table_add(done, id))
                continue;
            if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, d, "/Subtype"), "/CIDFontType2") &&
                !qpdf_oh_has_key(q, d, "/CIDToGIDMap"))
                qpdf_oh_replace_key(q, d, "/CIDToGIDMap", qpdf_oh_new_name(q, "/Identity"));
        }
    }
}

/* The MCIDs of the Link element of annotation a, each mapped to a GString
 * for its text, in links->by_mcid. */
static void
gb__link_mcids(qpdf_data q, qpdf_oh link, GString *text, GHashTable *by_mcid)
{
    qpdf_oh k = qpdf_oh_get_key(q, link, "/K");
    qpdf_oh one = k;
    int n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 1;
    for (int i = 0; i < n; i++) {
        qpdf_oh item = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, i) : one;
        if (qpdf_oh_is_integer(q, item))
            g_hash_table_insert(by_mcid, GINT_TO_POINTER(qpdf_oh_get_int_value_as_int(q, item)),
                                text);
        else if (qpdf_oh_is_dictionary(q, item) && qpdf_oh_has_key(q, item, "/MCID"))
            g_hash_table_insert(
                by_mcid,
                GINT_TO_POINTER(qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, item, "/MCID"))),
                text);
    }
}

static void
gb__string_free(gpointer s)
{
    g_string_free(s, TRUE);
}

static gboolean
gb__page(qpdf_data q, qpdf_oh page, GbDocState *st, struct libdeflate_compressor *z)
{
    qpdf_oh_replace_key(q, page, "/Tabs", qpdf_oh_new_name(q, "/S"));
    gb__fonts(q, page, st->fonts_done);
    /* Link annotations: their texts are collected from their marked content. */
    GbLinkText links = {
        g_hash_table_new(NULL, NULL),
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref),
        qpdf_oh_get_key(q, qpdf_oh_get_key(q, page, "/Resources"), "/Font")};
    GPtrArray *annots = g_ptr_array_new();
    GPtrArray *texts = g_ptr_array_new_with_free_func(gb__string_free);
    qpdf_oh as = qpdf_oh_get_key(q, page, "/Annots");
    int na = qpdf_oh_is_array(q, as) ? qpdf_oh_get_array_n_items(q, as) : 0;
    for (int i = 0; i < na; i++) {
        qpdf_oh a = qpdf_oh_get_array_item(q, as, i);
        if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, a, "/Subtype"), "/Link") ||
            qpdf_oh_has_key(q, a, "/Contents"))
            continue;
        GString *text = g_string_new(NULL);
        g_ptr_array_add(annots, GUINT_TO_POINTER(a));
        g_ptr_array_add(texts, text);
        qpdf_oh sp = qpdf_oh_get_key(q, a, "/StructParent");
        if (qpdf_oh_is_integer(q, sp)) {
            gpointer link = g_hash_table_lookup(
                st->parents, GINT_TO_POINTER(qpdf_oh_get_int_value_as_int(q, sp)));
            if (link != NULL && qpdf_oh_is_dictionary(q, GPOINTER_TO_UINT(link)))
                gb__link_mcids(q, GPOINTER_TO_UINT(link), text, links.by_mcid);
        }
    }
    unsigned char *buf = NULL;
    size_t len = 0;
    gboolean ok = qpdf_oh_get_page_content_data(q, page, &buf, &len) == 0 && buf != NULL;
    if (ok) {
        qpdf_oh spk = qpdf_oh_get_key(q, page, "/StructParents");
        gpointer parents =
            qpdf_oh_is_integer(q, spk)
                ? g_hash_table_lookup(st->parents,
                                      GINT_TO_POINTER(qpdf_oh_get_int_value_as_int(q, spk)))
                : NULL;
        GbPage pg = {.q = q,
                     .out = g_string_sized_new(len + len / 8 + 64),
                     .stack = g_array_new(FALSE, FALSE, 1),
                     .parents = parents != NULL && qpdf_oh_is_array(q, GPOINTER_TO_UINT(parents))
                                    ? GPOINTER_TO_UINT(parents)
                                    : 0,
                     .links = annots->len > 0 ? &links : NULL,
                     .repeats = st->repeats,
                     .page_id = qpdf_oh_get_object_id(q, page)};
        gb__rewrite(&pg, (const char *)buf, len);
        /* Compressed here (libdeflate, level 6) so that qpdf copies every
         * stream as it is and recompresses nothing. */
        size_t cap = libdeflate_zlib_compress_bound(z, pg.out->len);
        char *zbuf = g_malloc(cap);
        size_t zlen = libdeflate_zlib_compress(z, pg.out->str, pg.out->len, zbuf, cap);
        qpdf_oh contents = qpdf_oh_get_key(q, page, "/Contents");
        if (qpdf_oh_is_array(q, contents)) {
            qpdf_oh first = qpdf_oh_get_array_item(q, contents, 0);
            qpdf_oh_replace_key(q, page, "/Contents", first);
            contents = first;
        }
        ok = zlen > 0 && qpdf_oh_is_stream(q, contents);
        if (ok)
            qpdf_oh_replace_stream_data(q, contents, (unsigned char *)zbuf, zlen,
                                        qpdf_oh_new_name(q, "/FlateDecode"), qpdf_oh_new_null(q));
        g_free(zbuf);
        g_string_free(pg.out, TRUE);
        g_array_free(pg.stack, TRUE);
    }
    free(buf);
    for (guint i = 0; i < annots->len; i++) {
        GString *t = g_ptr_array_index(texts, i);
        g_strstrip(t->str);
        qpdf_oh_replace_key(q, GPOINTER_TO_UINT(g_ptr_array_index(annots, i)), "/Contents",
                            qpdf_oh_new_unicode_string(q, t->str[0] != '\0' ? t->str : "Link"));
    }
    g_ptr_array_free(annots, TRUE);
    g_ptr_array_free(texts, TRUE);
    g_hash_table_destroy(links.by_mcid);
    g_hash_table_destroy(links.fonts);
    return ok;
}

/* ---- metadata ------------------------------------------------------- */

/* A PDF date as cairo writes it ("20250324", "D:20250324000000Z",
 * "20250324120000+01'00") as XMP's ISO 8601; NULL if it is not one. */
static char *
gb__iso_date(const char *pdf)
{
    if (pdf == NULL)
        return NULL;
    if (g_str_has_prefix(pdf, "D:"))
        pdf += 2;
    size_t n = strspn(pdf, "0123456789");
    if (n < 4 || n % 2 != 0 || n > 14)
        return NULL;
    static const char *const sep[] = {"", "-", "-", "T", ":", ":"};
    GString *s = g_string_new(NULL);
    for (size_t i = 0, f = 0; i < n; f++) {
        size_t w = f == 0 ? 4 : 2;
        g_string_append(s, sep[f]);
        g_string_append_len(s, pdf + i, (gssize)w);
        i += w;
    }
    if (n == 10) /* hours without minutes: XMP wants both */
        g_string_append(s, ":00");
    const char *tz = pdf + n;
    if (n > 8) {
        if (*tz == 'Z' || *tz == '\0') {
            g_string_append_c(s, 'Z');
        } else if ((*tz == '+' || *tz == '-') && strlen(tz) >= 3) {
            g_string_append_printf(s, "%c%.2s:%.2s", tz[0], tz + 1,
                                   strlen(tz) >= 6 ? tz + 4 : "00");
        }
    }
    return g_string_free(s, FALSE);
}

static void
gb__xmp_text(GString *x, const char *element, const char *value, const char *wrap)
{
    if (value == NULL || *value == '\0')
        return;
    char *v = g_markup_escape_text(value, -1);
    if (wrap == NULL)
        g_string_append_printf(x, "   <%s>%s</%s>\n", element, v, element);
    else if (strcmp(wrap, "Alt") == 0)
        g_string_append_printf(x,
                               "   <%s><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li>"
                               "</rdf:Alt></%s>\n",
                               element, v, element);
    else
        g_string_append_printf(x, "   <%s><rdf:%s><rdf:li>%s</rdf:li></rdf:%s></%s>\n", element,
                               wrap, v, wrap, element);
    g_free(v);
}

static const char *
gb__info(qpdf_data q, const char *key)
{
    qpdf_oh info = qpdf_get_trailer(q);
    info = qpdf_oh_get_key(q, info, "/Info");
    qpdf_oh v = qpdf_oh_get_key(q, info, key);
    return qpdf_oh_is_string(q, v) ? qpdf_oh_get_utf8_value(q, v) : NULL;
}

/* The XMP packet: the Info dictionary's entries (same values, dates in ISO
 * form), the language and the PDF/UA identifier. Only from the file, so the
 * same file gives the same bytes. */
static void
gb__metadata(qpdf_data q, const char *lang)
{
    qpdf_oh trailer = qpdf_get_trailer(q);
    qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
    char *created = NULL;
    if (qpdf_oh_is_dictionary(q, info)) {
        /* cairo writes user dates without the D: prefix: add it, and the
         * modification date the XMP will also carry. */
        const char *raw = gb__info(q, "/CreationDate");
        if (raw != NULL && !g_str_has_prefix(raw, "D:")) {
            char *d = g_strconcat("D:", raw, NULL);
            qpdf_oh_replace_key(q, info, "/CreationDate", qpdf_oh_new_string(q, d));
            g_free(d);
        }
        raw = gb__info(q, "/CreationDate");
        created = gb__iso_date(raw);
        if (created != NULL)
            qpdf_oh_replace_key(q, info, "/ModDate", qpdf_oh_new_string(q, raw));
    }
    GString *x =
        g_string_new("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                     " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                     "  <rdf:Description rdf:about=\"\"\n"
                     "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                     "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                     "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                     "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
                     "   <dc:format>application/pdf</dc:format>\n");
    gb__xmp_text(x, "dc:title", gb__info(q, "/Title"), "Alt");
    gb__xmp_text(x, "dc:creator", gb__info(q, "/Author"), "Seq");
    gb__xmp_text(x, "dc:description", gb__info(q, "/Subject"), "Alt");
    gb__xmp_text(x, "dc:language", lang, "Bag");
    gb__xmp_text(x, "pdf:Keywords", gb__info(q, "/Keywords"), NULL);
    gb__xmp_text(x, "pdf:Producer", gb__info(q, "/Producer"), NULL);
    gb__xmp_text(x, "xmp:CreatorTool", gb__info(q, "/Creator"), NULL);
    gb__xmp_text(x, "xmp:CreateDate", created, NULL);
    gb__xmp_text(x, "xmp:ModifyDate", created, NULL);
    gb__xmp_text(x, "xmp:MetadataDate", created, NULL);
    g_string_append(x, "   <pdfuaid:part>1</pdfuaid:part>\n"
                       "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");
    qpdf_oh stream = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, stream, (unsigned char *)x->str, x->len, qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    qpdf_oh dict = qpdf_oh_get_dict(q, stream);
    qpdf_oh_replace_key(q, dict, "/Type", qpdf_oh_new_name(q, "/Metadata"));
    qpdf_oh_replace_key(q, dict, "/Subtype", qpdf_oh_new_name(q, "/XML"));
    qpdf_oh_replace_key(q, qpdf_get_root(q), "/Metadata", stream);
    g_string_free(x, TRUE);
    g_free(created);
}

/* ---- the pass ------------------------------------------------------- */

static gboolean
gb__open(qpdf_data q, const guint8 *pdf, gsize len)
{
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    return (qpdf_read_memory(q, "briefing.pdf", (const char *)pdf, len, NULL) & QPDF_ERRORS) == 0;
}

GbStatus
gb_accessible_finish(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
                     GByteArray **out, GbDiag *diag)
{
    qpdf_data q = qpdf_init();
    GbStatus status = GB_OK;
    GbDocState st = {0};
    struct libdeflate_compressor *z = NULL;
    if (!gb__open(q, pdf, len)) {
        gb_diag_set(diag, NULL, 0, 0, "qpdf cannot read the PDF cairo wrote: %s",
                    qpdf_get_error_full_text(q, qpdf_get_error(q)));
        status = GB_SOFTWARE;
        goto out;
    }
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, lang));
    qpdf_oh prefs = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, prefs, "/DisplayDocTitle", qpdf_oh_new_bool(q, QPDF_TRUE));
    qpdf_oh_replace_key(q, root, "/ViewerPreferences", prefs);
    qpdf_oh mark = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, mark, "/Marked", qpdf_oh_new_bool(q, QPDF_TRUE));
    qpdf_oh_replace_key(q, root, "/MarkInfo", mark);
    gb__metadata(q, lang);
    st.repeats = g_hash_table_new(NULL, NULL);
    GbWalk w = {.q = q, .alts = alts, .edit = TRUE, .repeats = st.repeats};
    gb__walk_tree(&w);
    if (w.figures != (int)alts->len) {
        gb_diag_set(diag, NULL, 0, 0, "the PDF has %d figures but %u alt texts", w.figures,
                    alts->len);
        status = GB_SOFTWARE;
        goto out;
    }
    st.parents = g_hash_table_new(NULL, NULL);
    st.fonts_done = g_hash_table_new(NULL, NULL);
    qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
    if (qpdf_oh_is_dictionary(q, tree))
        gb__parent_tree(q, qpdf_oh_get_key(q, tree, "/ParentTree"), st.parents, 0);
    z = libdeflate_alloc_compressor(6);
    int pages = qpdf_get_num_pages(q);
    for (int i = 0; i < pages; i++) {
        if (!gb__page(q, qpdf_get_page_n(q, (size_t)i), &st, z)) {
            gb_diag_set(diag, NULL, 0, 0, "cannot rewrite the content of page %d", i + 1);
            status = GB_SOFTWARE;
            goto out;
        }
    }
    qpdf_init_write_memory(q);
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    /* Thousands of small structure elements compress well in object streams
     * (PDF 1.5): the file shrinks to about a third. Streams are copied as
     * they are (cairo's and ours are compressed already). */
    qpdf_set_object_stream_mode(q, qpdf_o_generate);
    qpdf_set_compress_streams(q, QPDF_FALSE);
    qpdf_set_decode_level(q, qpdf_dl_none);
    if ((qpdf_write(q) & QPDF_ERRORS) != 0) {
        gb_diag_set(diag, NULL, 0, 0, "qpdf cannot write the PDF: %s",
                    qpdf_get_error_full_text(q, qpdf_get_error(q)));
        status = GB_SOFTWARE;
        goto out;
    }
    *out = g_byte_array_sized_new((guint)qpdf_get_buffer_length(q));
    g_byte_array_append(*out, qpdf_get_buffer(q), (guint)qpdf_get_buffer_length(q));
out:
    if (z != NULL)
        libdeflate_free_compressor(z);
    if (st.parents != NULL)
        g_hash_table_destroy(st.parents);
    if (st.fonts_done != NULL)
        g_hash_table_destroy(st.fonts_done);
    if (st.repeats != NULL)
        g_hash_table_destroy(st.repeats);
    qpdf_cleanup(&q);
    return status;
}

gboolean
gb_accessible_inspect(const guint8 *pdf, gsize len, int *with_alt, int *without_alt, char **lang,
                      gboolean *display_title)
{
    qpdf_data q = qpdf_init();
    gboolean ok = gb__open(q, pdf, len);
    if (ok) {
        qpdf_oh root = qpdf_get_root(q);
        GbWalk w = {.q = q};
        gb__walk_tree(&w);
        *with_alt = w.with_alt;
        *without_alt = w.figures - w.with_alt;
        qpdf_oh prefs = qpdf_oh_get_key(q, root, "/ViewerPreferences");
        *display_title = qpdf_oh_is_dictionary(q, prefs) &&
                         qpdf_oh_get_bool_value(q, qpdf_oh_get_key(q, prefs, "/DisplayDocTitle"));
        if (lang != NULL) {
            qpdf_oh l = qpdf_oh_get_key(q, root, "/Lang");
            *lang = qpdf_oh_is_string(q, l) ? g_strdup(qpdf_oh_get_utf8_value(q, l)) : NULL;
        }
    }
    qpdf_cleanup(&q);
    return ok;
}
