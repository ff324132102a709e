/* accessible.c - the PDF/UA finishing pass (see accessible.h), on libqpdf's
 * C API.
 *
 * libqpdf reads cairo's cross-reference table and resolves an object only
 * when the pass asks for it (the catalog, Info, the structure tree, pages,
 * annotations, fonts, the ParentTree). The structure tree is walked depth
 * first, which is the order cairo wrote the elements in, so Figures meet
 * their alt texts in the order they were drawn; on the way TH cells get their
 * /Scope, a Caption that is a Figure's only child becomes its next sibling,
 * an H becomes H1, and the elements of the running header and footer (drawn
 * in GB_TAG_HEADER / GB_TAG_FOOTER tags) leave the tree. Then each page's
 * content stream is rewritten once (pdfcontent.c). Every object changed is
 * recorded (GbEdit), and the file is written as an incremental update of
 * cairo's (pdfupdate.c): rewriting all ~4,800 objects with QPDFWriter was
 * most of the pass's time.
 *
 * With the layout's record of the tree, what libqpdf would only parse to
 * learn a few numbers is read from cairo's own bytes instead where they
 * have cairo 1.16's exact shape (the TH cells, the running header and
 * footer, the pages' ParentTree arrays: "cairo's own bytes" below), and
 * every page's content is rewritten on a second thread from those bytes
 * while libqpdf reads the file and the walk runs (gb__pages_work); anything
 * not of that shape, or that the worker could not know, is done through
 * libqpdf as before, with the same bytes out. */
#define _GNU_SOURCE /* memmem */
#include "output/accessible-private.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

/* ---- the layout's record of the tree (accessible.h) ------------------- */

typedef struct {
    char type[16];         /* the structure type; "" marks a foreign run */
    int size;              /* this node and the nodes under it */
    int kids;              /* its child nodes */
    gboolean foreign_kids; /* one of them is a foreign run: the count says nothing */
} GbTagNode;

struct GbTagTree {
    GArray *nodes; /* GbTagNode, depth first; node 0 stands for the StructTreeRoot */
    GArray *open;  /* indices of the nodes open */
};

GbTagTree *
gb_tag_tree_new(void)
{
    GbTagTree *t = g_new(GbTagTree, 1);
    t->nodes = g_array_new(FALSE, TRUE, sizeof(GbTagNode));
    t->open = g_array_new(FALSE, FALSE, sizeof(int));
    GbTagNode root = {.type = "(root)", .size = 1};
    g_array_append_val(t->nodes, root);
    int zero = 0;
    g_array_append_val(t->open, zero);
    return t;
}

void
gb_tag_tree_free(GbTagTree *t)
{
    if (t == NULL)
        return;
    g_array_free(t->nodes, TRUE);
    g_array_free(t->open, TRUE);
    g_free(t);
}

static void
gb__tag_add(GbTagTree *t, const char *name, gboolean foreign)
{
    GbTagNode n = {.size = 1};
    g_strlcpy(n.type, name, sizeof n.type);
    if (t->open->len > 0) {
        GbTagNode *parent =
            &g_array_index(t->nodes, GbTagNode, g_array_index(t->open, int, t->open->len - 1));
        parent->kids++;
        parent->foreign_kids |= foreign;
    }
    g_array_append_val(t->nodes, n);
    g_array_index(t->nodes, GbTagNode, 0).size = (int)t->nodes->len;
}

void
gb_tag_tree_begin(GbTagTree *t, const char *name)
{
    gb__tag_add(t, name, FALSE);
    int at = (int)t->nodes->len - 1;
    g_array_append_val(t->open, at);
}

void
gb_tag_tree_end(GbTagTree *t)
{
    if (t->open->len <= 1) /* never the root */
        return;
    int at = g_array_index(t->open, int, t->open->len - 1);
    g_array_index(t->nodes, GbTagNode, at).size = (int)t->nodes->len - at;
    g_array_set_size(t->open, t->open->len - 1);
}

void
gb_tag_tree_foreign(GbTagTree *t)
{
    gb__tag_add(t, "", TRUE);
}

guint
gb_tag_tree_len(const GbTagTree *t)
{
    return t->nodes->len - 1;
}

static _Thread_local int gb__skipped;

int
gb__accessible_skipped(void)
{
    return gb__skipped;
}

/* ---- cairo's own bytes -------------------------------------------------- */

/* cairo 1.16 writes every object once, uncompressed, listed in one
 * cross-reference table of 20-byte entries, and a structure element always
 * in one shape (cairo-pdf-interchange.c, write_node_object):
 *
 *     N 0 obj\n<< /Type /StructElem\n   /S /TYPE\n   /P N 0 R\n
 *        [   /Pg N 0 R\n]   /K ...\n>>\nendobj\n
 *
 * Where the walk needs only a leaf element's few fields (a TH cell, a
 * running header or footer), it takes them from those bytes when they have
 * exactly that shape and the /K is an MCID or a list of MCIDs on its page:
 * libqpdf resolving an element costs some 50,000 instructions, this a few
 * hundred. It is no PDF parser: anything that is not cairo's shape byte for
 * byte (another writer, an MCR, a child element, a second generation) is
 * refused, and the walk reads that element through libqpdf as before. */
typedef struct {
    const char *pdf;
    const char *end;
    const char *xref; /* the entry of object 0, or NULL: no table of cairo's shape */
    int n;            /* its entries */
} GbRaw;

typedef struct {
    char type[16];
    int parent;      /* the /P object */
    int page;        /* the /Pg object */
    gboolean k_list; /* /K [ m ... ], else /K m */
    int n_mcid;
    int mcid[8];
} GbRawElem;

static _Thread_local int gb__raw_read;
static _Thread_local int gb__beside;

int
gb__accessible_beside(void)
{
    return gb__beside;
}

int
gb__accessible_raw(void)
{
    return gb__raw_read;
}

/* Whether *p starts with lit; if so *p moves past it. */
static gboolean
gb__raw_lit(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return FALSE;
    *p += n;
    return TRUE;
}

/* A decimal integer as cairo's %d prints one (no sign, no leading zero, at
 * most 9 digits); *p moves past it. */
static gboolean
gb__raw_int(const char **p, const char *end, int *v)
{
    const char *s = *p;
    int n = 0;
    *v = 0;
    while (s + n < end && n < 10 && s[n] >= '0' && s[n] <= '9')
        *v = *v * 10 + (s[n++] - '0');
    if (n == 0 || n > 9 || (n > 1 && s[0] == '0'))
        return FALSE;
    *p = s + n;
    return TRUE;
}

/* Finds cairo's cross-reference table (after the last startxref): "xref",
 * one subsection "0 N", N entries of 20 bytes, object 0 free. Otherwise
 * r->xref stays NULL and every lookup is refused. */
static void
gb__raw_init(GbRaw *r, const guint8 *pdf, gsize len)
{
    *r = (GbRaw){(const char *)pdf, (const char *)pdf + len, NULL, 0};
    gsize tail = MIN(len, 1024);
    const char *sx = g_strrstr_len(r->end - tail, (gssize)tail, "startxref\n");
    int at, n;
    const char *p = sx != NULL ? sx + 10 : NULL;
    if (p == NULL || !gb__raw_int(&p, r->end, &at) || (gsize)at >= len)
        return;
    p = r->pdf + at;
    if (!gb__raw_lit(&p, r->end, "xref\n0 ") || !gb__raw_int(&p, r->end, &n) ||
        !gb__raw_lit(&p, r->end, "\n") || (r->end - p) / 20 < n ||
        memcmp(p, "0000000000 65535 f \n", 20) != 0)
        return;
    r->xref = p;
    r->n = n;
}

/* The bytes of object id (generation 0, in use) after its "id 0 obj\n",
 * or NULL. */
static const char *
gb__raw_obj(const GbRaw *r, int id)
{
    if (r == NULL || r->xref == NULL || id <= 0 || id >= r->n)
        return NULL;
    const char *e = r->xref + 20 * (gsize)id;
    if (memcmp(e + 10, " 00000 n \n", 10) != 0)
        return NULL;
    gint64 off = 0;
    for (int i = 0; i < 10; i++) {
        if (e[i] < '0' || e[i] > '9')
            return NULL;
        off = off * 10 + (e[i] - '0');
    }
    if (off >= r->end - r->pdf)
        return NULL;
    const char *p = r->pdf + off;
    int got;
    if (!gb__raw_int(&p, r->end, &got) || got != id || !gb__raw_lit(&p, r->end, " 0 obj\n"))
        return NULL;
    return p;
}

/* Reads leaf element id from cairo's bytes: FALSE when they are not of
 * cairo's shape, or the element has no /Pg or a /K of anything but MCIDs. */
static gboolean
gb__raw_elem(const GbRaw *r, int id, GbRawElem *el)
{
    const char *p = gb__raw_obj(r, id);
    const char *end = r != NULL ? r->end : NULL;
    if (p == NULL || !gb__raw_lit(&p, end, "<< /Type /StructElem\n   /S /"))
        return FALSE;
    size_t t = 0;
    while (p + t < end && t < sizeof el->type && g_ascii_isalnum(p[t]))
        t++;
    if (t == 0 || t >= sizeof el->type)
        return FALSE;
    memcpy(el->type, p, t);
    el->type[t] = '\0';
    p += t;
    if (!gb__raw_lit(&p, end, "\n   /P ") || !gb__raw_int(&p, end, &el->parent) ||
        !gb__raw_lit(&p, end, " 0 R\n   /Pg ") || !gb__raw_int(&p, end, &el->page) ||
        !gb__raw_lit(&p, end, " 0 R\n   /K "))
        return FALSE;
    el->n_mcid = 0;
    el->k_list = gb__raw_lit(&p, end, "[ ");
    if (!el->k_list) {
        if (!gb__raw_int(&p, end, &el->mcid[0]) || !gb__raw_lit(&p, end, "\n"))
            return FALSE;
        el->n_mcid = 1;
    } else {
        while (!gb__raw_lit(&p, end, "]\n")) {
            if (el->n_mcid == (int)G_N_ELEMENTS(el->mcid) ||
                !gb__raw_int(&p, end, &el->mcid[el->n_mcid++]) || !gb__raw_lit(&p, end, " "))
                return FALSE;
        }
    }
    if (!gb__raw_lit(&p, end, ">>\nendobj\n"))
        return FALSE;
    gb__raw_read++;
    return TRUE;
}

/* Appends v (>= 0) in decimal, without printf's parsing of a format for
 * each of the ~10,000 numbers the pass writes this way. */
static void
gb__put_int(GString *s, int v)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0)
        g_string_append_c(s, buf[--n]);
}

/* Appends /K of el as libqpdf unparses it: "m" or "[ m ... ]". */
static void
gb__raw_k(GString *s, const GbRawElem *el)
{
    if (!el->k_list) {
        gb__put_int(s, el->mcid[0]);
        return;
    }
    g_string_append(s, "[ ");
    for (int i = 0; i < el->n_mcid; i++) {
        gb__put_int(s, el->mcid[i]);
        g_string_append_c(s, ' ');
    }
    g_string_append_c(s, ']');
}

/* TH cell id (read as el) with its /A: the object as libqpdf would unparse
 * the dictionary gb__elem makes of it (keys in order), kept for the update. */
static void
gb__raw_th(GbEdit *ed, int id, const GbRawElem *el, gboolean column)
{
    GString *s = g_string_sized_new(112);
    g_string_append(s, column ? "<< /A << /O /Table /Scope /Column >> /K "
                              : "<< /A << /O /Table /Scope /Row >> /K ");
    gb__raw_k(s, el);
    g_string_append(s, " /P ");
    gb__put_int(s, el->parent);
    g_string_append(s, " 0 R /Pg ");
    gb__put_int(s, el->page);
    g_string_append(s, " 0 R /S /TH /Type /StructElem >>");
    g_hash_table_insert(ed->literal, GINT_TO_POINTER(id), g_string_free(s, FALSE));
    g_hash_table_insert(ed->touched, GINT_TO_POINTER(id), GINT_TO_POINTER(0));
}

/* The array object id read from cairo's bytes, as it writes a page's
 * ParentTree entry ("[\n", "  N 0 R\n" for each element, "]\n"): the
 * object numbers in a new array, or NULL when the bytes are not that. */
static GArray *
gb__raw_refs(const GbRaw *r, int id)
{
    const char *p = gb__raw_obj(r, id);
    if (p == NULL || !gb__raw_lit(&p, r->end, "[\n"))
        return NULL;
    GArray *refs = g_array_sized_new(FALSE, FALSE, sizeof(int), 128);
    while (!gb__raw_lit(&p, r->end, "]\nendobj\n")) {
        int v;
        if (!gb__raw_lit(&p, r->end, "  ") || !gb__raw_int(&p, r->end, &v) ||
            !gb__raw_lit(&p, r->end, " 0 R\n")) {
            g_array_free(refs, TRUE);
            return NULL;
        }
        g_array_append_val(refs, v);
    }
    gb__raw_read++;
    return refs;
}

/* ---- the structure tree ------------------------------------------------ */

typedef struct {
    int rows;      /* TRs seen so far in this Table */
    gboolean head; /* inside its THead */
    int head_ths;  /* cells of its first row when they are all TH, else 0 */
} GbTableCtx;

typedef struct {
    GbEdit *ed;
    const GPtrArray *alts;
    int figures;
    int depth;
    GHashTable *repeats;    /* gb__mc_key(page, MCID) of repeated header rows' cells */
    const GbTagNode *nodes; /* the layout's record of the tree, or NULL */
    int skipped;            /* elements known from the record, not read */
    qpdf_oh scope[2];       /* a TH's /A, /Row ([0]) and /Column, once made */
    const GbRaw *raw;       /* cairo's bytes, for the leaves the walk reads itself */
    GHashTable *unparent;   /* gb__mc_key(page, MCID) of the header and footer elements
                               gb__raw_drop dropped */
    gboolean *quiet;        /* by node: it and every node under it need nothing */
} GbWalk;

/* Whether the recorded element n needs nothing of the pass: no child
 * element, and none of the types the pass changes or counts. */
static gboolean
gb__nothing_to_do(const GbTagNode *n)
{
    static const char *const busy[] = {"Figure", "Table", "THead",       "TBody",      "TR",
                                       "TH",     "H",     GB_TAG_HEADER, GB_TAG_FOOTER};
    if (n->kids > 0 || n->type[0] == '\0')
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(busy); i++)
        if (strcmp(n->type, busy[i]) == 0)
            return FALSE;
    return TRUE;
}

/* By recorded node (nodes, n of them): whether it and every node under it
 * need nothing of the pass (gb__nothing_to_do, but for the children), so
 * the walk reads none of them (a TOC, a list: some 40 elements of the
 * briefing with children). A g_new array. */
static gboolean *
gb__quiet(const GbTagNode *nodes, int n)
{
    gboolean *quiet = g_new(gboolean, n);
    for (int i = n - 1; i >= 0; i--) {
        GbTagNode leaf = nodes[i];
        leaf.kids = 0;
        quiet[i] = !nodes[i].foreign_kids && gb__nothing_to_do(&leaf);
        for (int c = i + 1; c < i + nodes[i].size && quiet[i]; c += nodes[c].size)
            quiet[i] = quiet[c];
    }
    return quiet;
}

/* Whether the recorded row r has only TH cells (*n of them); -1 when the
 * record cannot say. */
static int
gb__rec_all_th(const GbWalk *w, int r, int *n)
{
    if (w->nodes == NULL || r < 0 || w->nodes[r].foreign_kids)
        return -1;
    *n = w->nodes[r].kids;
    gboolean all = *n > 0;
    for (int c = r + 1; c < r + w->nodes[r].size; c += w->nodes[c].size)
        all = all && strcmp(w->nodes[c].type, "TH") == 0;
    return all;
}

/* Copies the structure type of e (an indirect object: resolved here, once)
 * into type, without the slash; "" if it is not a name. FALSE when e is not
 * an element (a dictionary with /S). */
static gboolean
gb__type(qpdf_data q, qpdf_oh e, char type[16])
{
    type[0] = '\0';
    qpdf_oh s = qpdf_oh_get_key(q, e, "/S"); /* null when e is not a dictionary */
    gboolean has = qpdf_oh_is_name(q, s);
    if (has)
        g_strlcpy(type, qpdf_oh_get_name(q, s) + 1, 16);
    else
        has = !qpdf_oh_is_null(q, s); /* an /S that is not a name: still an element */
    qpdf_oh_release(q, s);
    return has;
}

/* The child list of e as an array handle, or 0 when e has no child
 * element. A lone child element is wrapped in an array, in memory: written
 * only if e is touched. */
static qpdf_oh
gb__kids(qpdf_data q, qpdf_oh e)
{
    qpdf_oh k = qpdf_oh_get_key(q, e, "/K"); /* null when there is none */
    if (qpdf_oh_is_array(q, k))
        return k;
    if (!qpdf_oh_is_indirect(q, k)) { /* an MCID, a marked-content reference */
        qpdf_oh_release(q, k);
        return 0;
    }
    qpdf_oh a = qpdf_oh_wrap_in_array(q, k);
    qpdf_oh_replace_key(q, e, "/K", a);
    qpdf_oh_release(q, k);
    return a;
}

/* Records the marked content (page, MCID) of element cell in into. */
static void
gb__cell_mcids(qpdf_data q, qpdf_oh cell, GHashTable *into)
{
    qpdf_oh pg = qpdf_oh_get_key(q, cell, "/Pg");
    int page = qpdf_oh_get_object_id(q, pg);
    qpdf_oh mc = qpdf_oh_get_key(q, cell, "/K");
    int nm = qpdf_oh_is_array(q, mc) ? qpdf_oh_get_array_n_items(q, mc) : 1;
    for (int j = 0; j < nm; j++) {
        qpdf_oh x = qpdf_oh_is_array(q, mc) ? qpdf_oh_get_array_item(q, mc, j) : mc;
        if (qpdf_oh_is_integer(q, x))
            g_hash_table_add(into, gb__mc_key(page, qpdf_oh_get_int_value_as_int(q, x)));
        if (x != mc)
            qpdf_oh_release(q, x);
    }
    qpdf_oh_release(q, mc);
    qpdf_oh_release(q, pg);
}

/* Whether the TR row has only TH cells (*n of them); with into, records
 * their marked content in it. */
static gboolean
gb__all_th(qpdf_data q, qpdf_oh row, int *n, GHashTable *into)
{
    *n = 0;
    qpdf_oh k = qpdf_oh_get_key(q, row, "/K");
    int m = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 0;
    gboolean all = m > 0;
    for (int i = 0; i < m && all; i++) {
        qpdf_oh cell = qpdf_oh_get_array_item(q, k, i);
        char t[16];
        all = qpdf_oh_is_indirect(q, cell) && gb__type(q, cell, t) && strcmp(t, "TH") == 0;
        if (all && into != NULL)
            gb__cell_mcids(q, cell, into);
        qpdf_oh_release(q, cell);
        (*n)++;
    }
    qpdf_oh_release(q, k);
    return all;
}

static void gb__elem(GbWalk *w, qpdf_oh e, const char *type, GbTableCtx *table, int rec);

/* Element e and the elements under it leave the file: the update frees
 * their object numbers. */
static void
gb__drop(GbEdit *ed, qpdf_oh e, int depth)
{
    qpdf_data q = ed->q;
    if (depth > 200 || !g_hash_table_insert(ed->freed, GINT_TO_POINTER(qpdf_oh_get_object_id(q, e)),
                                            GINT_TO_POINTER(qpdf_oh_get_generation(q, e))))
        return;
    qpdf_oh k = qpdf_oh_get_key(q, e, "/K");
    int n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 1;
    for (int i = 0; i < n; i++) {
        qpdf_oh kid = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, i) : k;
        char type[16];
        if (qpdf_oh_is_indirect(q, kid) && gb__type(q, kid, type))
            gb__drop(ed, kid, depth + 1);
        if (kid != k)
            qpdf_oh_release(q, kid);
    }
    qpdf_oh_release(q, k);
}

/* Whether the element kid (of type) goes: the header and footer, and header
 * rows repeated after a page break (a later row of as many TH cells as an
 * all-TH first row), whose content becomes Artifacts, so the table's header
 * is read once. */
static gboolean
gb__goes(GbWalk *w, qpdf_oh kid, const char *type, GbTableCtx *table, int rec)
{
    qpdf_data q = w->ed->q;
    if (strcmp(type, GB_TAG_HEADER) == 0 || strcmp(type, GB_TAG_FOOTER) == 0)
        return TRUE;
    if (table == NULL || strcmp(type, "TR") != 0)
        return FALSE;
    int n_th;
    int known = gb__rec_all_th(w, rec, &n_th);
    if (known >= 0) { /* the record's word only for a row of as many cells as it has */
        qpdf_oh k = qpdf_oh_get_key(q, kid, "/K");
        int n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : !qpdf_oh_is_null(q, k);
        qpdf_oh_release(q, k);
        if (n != n_th)
            known = -1;
    }
    gboolean all = known >= 0 ? known == 1 : gb__all_th(q, kid, &n_th, NULL);
    if (table->rows == 0) {
        table->head_ths = all ? n_th : 0;
        return FALSE;
    }
    if (table->head || table->head_ths == 0 || !all || n_th != table->head_ths)
        return FALSE;
    gb__all_th(q, kid, &n_th, w->repeats);
    return TRUE;
}

/* A Figure fig (at index i of kids, the children of e) whose only child is
 * a Caption: the Caption moves out to be its next sibling; under the Figure
 * the caption is hidden by its /Alt. Returns the index of the last item
 * handled. */
static int
gb__caption_out(GbWalk *w, qpdf_oh e, qpdf_oh kids, int i, qpdf_oh fig)
{
    qpdf_data q = w->ed->q;
    qpdf_oh fk = qpdf_oh_get_key(q, fig, "/K");
    qpdf_oh cap = qpdf_oh_is_array(q, fk) && qpdf_oh_get_array_n_items(q, fk) == 1
                      ? qpdf_oh_get_array_item(q, fk, 0)
                      : qpdf_oh_new_null(q);
    if (qpdf_oh_is_dictionary(q, fk) && !qpdf_oh_is_array(q, fk)) {
        qpdf_oh_release(q, cap);
        cap = fk;
        fk = qpdf_oh_new_null(q);
    }
    char ct[16];
    if (qpdf_oh_is_indirect(q, cap) && gb__type(q, cap, ct) && strcmp(ct, "Caption") == 0) {
        qpdf_oh_remove_key(q, fig, "/K");
        qpdf_oh_replace_key(q, cap, "/P", e);
        qpdf_oh_insert_item(q, kids, ++i, cap);
        gb__touch(w->ed, fig);
        gb__touch(w->ed, cap);
        gb__touch_in(w->ed, kids, e);
    }
    qpdf_oh_release(q, cap);
    qpdf_oh_release(q, fk);
    return i;
}

/* gb__row_known's row (object id, recorded at node r) with its TH cells
 * read from cairo's bytes and written from them (gb__raw_th): libqpdf never
 * parses them. FALSE, nothing changed, unless every TH is a leaf of cairo's
 * shape whose /P is the row. */
static gboolean
gb__row_raw(GbWalk *w, int id, GbTableCtx *table, int r, gboolean all)
{
    const GbTagNode *nodes = w->nodes;
    int cells = nodes[r].kids;
    GbRawElem *el = g_newa(GbRawElem, cells);
    for (int c = 0; c < cells; c++) {
        const GbTagNode *n = &nodes[r + 1 + c];
        if (strcmp(n->type, "TH") != 0)
            continue;
        if (n->kids > 0 || n->foreign_kids || !gb__raw_elem(w->raw, id + 1 + c, &el[c]) ||
            strcmp(el[c].type, "TH") != 0 || el[c].parent != id)
            return FALSE;
    }
    if (table->rows == 0)
        table->head_ths = all ? cells : 0;
    /* as gb__elem's TR and TH: column headers in the head or the first row */
    GbTableCtx row = {.rows = table->rows++, .head = table->head};
    gboolean column = row.head || row.rows == 0;
    for (int c = 0; c < cells; c++) {
        if (strcmp(nodes[r + 1 + c].type, "TH") == 0)
            gb__raw_th(w->ed, id + 1 + c, &el[c], column);
        else
            w->skipped++;
    }
    w->skipped++; /* the TR */
    return TRUE;
}

/* The running header or footer kid, recorded as the leaf n, dropped from
 * cairo's bytes (gb__drop without libqpdf). FALSE, nothing changed, when
 * it is not one or its bytes are not of cairo's shape. */
static gboolean
gb__raw_drop(GbWalk *w, qpdf_oh kid, const GbTagNode *n)
{
    if (w->raw == NULL || n->kids > 0 || n->foreign_kids ||
        (strcmp(n->type, GB_TAG_HEADER) != 0 && strcmp(n->type, GB_TAG_FOOTER) != 0))
        return FALSE;
    qpdf_data q = w->ed->q;
    int id = qpdf_oh_get_object_id(q, kid);
    GbRawElem el;
    if (id <= 0 || qpdf_oh_get_generation(q, kid) != 0 || !gb__raw_elem(w->raw, id, &el) ||
        strcmp(el.type, n->type) != 0)
        return FALSE;
    g_hash_table_insert(w->ed->freed, GINT_TO_POINTER(id), GINT_TO_POINTER(0));
    for (int i = 0; i < el.n_mcid; i++)
        g_hash_table_add(w->unparent, gb__mc_key(el.page, el.mcid[i]));
    return TRUE;
}

/* ---- a whole table from cairo's bytes ---------------------------------- */

/* An element with child elements as cairo writes one (write_node_object):
 * "/K N 0 R\n" for one child, "/K [ N 0 R ... ]\n" for more; no /Pg. */
typedef struct {
    char type[16];
    int parent;
    gboolean k_list;
    GArray *kids; /* int: the children's object numbers, in order */
} GbRawNode;

/* Reads element id with child elements from cairo's bytes into nd (its
 * kids emptied first): FALSE when the bytes are not that shape (a leaf, an
 * OBJR child, another writer's). */
static gboolean
gb__raw_node(const GbRaw *r, int id, GbRawNode *nd)
{
    const char *p = gb__raw_obj(r, id);
    const char *end = r != NULL ? r->end : NULL;
    g_array_set_size(nd->kids, 0);
    if (p == NULL || !gb__raw_lit(&p, end, "<< /Type /StructElem\n   /S /"))
        return FALSE;
    size_t t = 0;
    while (p + t < end && t < sizeof nd->type && g_ascii_isalnum(p[t]))
        t++;
    if (t == 0 || t >= sizeof nd->type)
        return FALSE;
    memcpy(nd->type, p, t);
    nd->type[t] = '\0';
    p += t;
    if (!gb__raw_lit(&p, end, "\n   /P ") || !gb__raw_int(&p, end, &nd->parent) ||
        !gb__raw_lit(&p, end, " 0 R\n   /K "))
        return FALSE;
    nd->k_list = gb__raw_lit(&p, end, "[ ");
    int v;
    if (!nd->k_list) {
        if (!gb__raw_int(&p, end, &v) || !gb__raw_lit(&p, end, " 0 R\n"))
            return FALSE;
        g_array_append_val(nd->kids, v);
    } else {
        while (!gb__raw_lit(&p, end, "]\n")) {
            if (!gb__raw_int(&p, end, &v) || !gb__raw_lit(&p, end, " 0 R "))
                return FALSE;
            g_array_append_val(nd->kids, v);
        }
    }
    if (!gb__raw_lit(&p, end, ">>\nendobj\n"))
        return FALSE;
    gb__raw_read++;
    return TRUE;
}

/* A THead or TBody of a table read from cairo's bytes. */
typedef struct {
    int id, rec;
    char type[16];
    gboolean k_list;
    guint first, n; /* its items in GbRawTable.items */
} GbRawSection;

/* A child of a section: a TR (its cells in GbRawTable.cells) or the running
 * header or footer (a leaf, el). */
typedef struct {
    int id, rec;
    gboolean running;
    GbRawElem el;
    guint first, n; /* a row's cells */
    gboolean drop;  /* a repeated header row or the running header or footer */
} GbRawItem;

typedef struct {
    int id;
    gboolean th; /* read (el); a TD, the record's word for it, is not */
    GbRawElem el;
} GbRawCell;

typedef struct {
    GArray *sections; /* GbRawSection */
    GArray *items;    /* GbRawItem */
    GArray *cells;    /* GbRawCell */
    GbRawNode node;
} GbRawTable;

/* Reads section id (recorded at node sr, a child of table table_id) and its
 * items into rt. FALSE when any is not cairo's shape or not what the record
 * says. */
static gboolean
gb__raw_section(const GbWalk *w, GbRawTable *rt, int table_id, int id, int sr)
{
    const GbTagNode *nodes = w->nodes;
    GbRawNode *nd = &rt->node;
    if ((strcmp(nodes[sr].type, "THead") != 0 && strcmp(nodes[sr].type, "TBody") != 0) ||
        nodes[sr].foreign_kids || !gb__raw_node(w->raw, id, nd) ||
        strcmp(nd->type, nodes[sr].type) != 0 || nd->parent != table_id ||
        (int)nd->kids->len != nodes[sr].kids)
        return FALSE;
    GbRawSection sec = {.id = id, .rec = sr, .k_list = nd->k_list, .first = rt->items->len};
    g_strlcpy(sec.type, nd->type, sizeof sec.type);
    GArray *ids = g_array_sized_new(FALSE, FALSE, sizeof(int), nd->kids->len);
    g_array_append_vals(ids, nd->kids->data, nd->kids->len);
    gboolean ok = TRUE;
    for (int c = sr + 1, k = 0; ok && k < (int)ids->len; c += nodes[c].size, k++) {
        const GbTagNode *n = &nodes[c];
        GbRawItem it = {.id = g_array_index(ids, int, k), .rec = c};
        if (n->foreign_kids) {
            ok = FALSE;
        } else if (strcmp(n->type, GB_TAG_HEADER) == 0 || strcmp(n->type, GB_TAG_FOOTER) == 0) {
            it.running = TRUE;
            ok = n->kids == 0 && gb__raw_elem(w->raw, it.id, &it.el) &&
                 strcmp(it.el.type, n->type) == 0 && it.el.parent == id;
        } else if (strcmp(n->type, "TR") == 0 && n->kids > 0 && n->size == n->kids + 1) {
            ok = gb__raw_node(w->raw, it.id, nd) && strcmp(nd->type, "TR") == 0 &&
                 nd->parent == id && (int)nd->kids->len == n->kids;
            it.first = rt->cells->len;
            it.n = (guint)n->kids;
            for (int j = 0; ok && j < n->kids; j++) {
                const GbTagNode *cn = &nodes[c + 1 + j];
                GbRawCell cell = {.id = g_array_index(nd->kids, int, j),
                                  .th = strcmp(cn->type, "TH") == 0};
                if (cell.th)
                    ok = gb__raw_elem(w->raw, cell.id, &cell.el) &&
                         strcmp(cell.el.type, "TH") == 0 && cell.el.parent == it.id;
                else
                    ok = gb__nothing_to_do(cn);
                g_array_append_val(rt->cells, cell);
            }
        } else {
            ok = FALSE;
        }
        g_array_append_val(rt->items, it);
    }
    g_array_free(ids, TRUE);
    sec.n = rt->items->len - sec.first;
    g_array_append_val(rt->sections, sec);
    return ok;
}

/* Decides, as gb__goes and gb__elem would, which items of rt go (a
 * repeated header row, the running header and footer), and with commit
 * does what the walk does to them and to the kept rows' TH cells. FALSE
 * (without commit: nothing done) when a section would be left as libqpdf
 * would write it in a shape the pass does not make here (one child gone
 * from a lone /K, or no child left). */
static gboolean
gb__raw_table_apply(GbWalk *w, GbRawTable *rt, int table_id, gboolean commit)
{
    GbTableCtx table = {0};
    for (guint s = 0; s < rt->sections->len; s++) {
        GbRawSection *sec = &g_array_index(rt->sections, GbRawSection, s);
        table.head = strcmp(sec->type, "THead") == 0;
        guint kept = 0;
        for (guint k = sec->first; k < sec->first + sec->n; k++) {
            GbRawItem *it = &g_array_index(rt->items, GbRawItem, k);
            GbRawCell *cells = &g_array_index(rt->cells, GbRawCell, it->first);
            int n_th = 0;
            for (guint c = 0; !it->running && c < it->n; c++)
                n_th += cells[c].th;
            gboolean all = !it->running && n_th == (int)it->n;
            if (it->running) {
                it->drop = TRUE;
            } else if (table.rows == 0) {
                table.head_ths = all ? (int)it->n : 0;
                it->drop = FALSE;
            } else {
                it->drop =
                    !table.head && table.head_ths != 0 && all && (int)it->n == table.head_ths;
            }
            if (!it->drop) {
                gboolean column = table.head || table.rows == 0;
                table.rows++;
                kept++;
                for (guint c = 0; commit && c < it->n; c++) {
                    if (cells[c].th)
                        gb__raw_th(w->ed, cells[c].id, &cells[c].el, column);
                    else
                        w->skipped++;
                }
                w->skipped += commit;
                continue;
            }
            if (!commit)
                continue;
            /* gb__raw_drop's running header and footer; gb__goes and
             * gb__drop's repeated header row */
            if (it->running) {
                g_hash_table_insert(w->ed->freed, GINT_TO_POINTER(it->id), GINT_TO_POINTER(0));
                for (int m = 0; m < it->el.n_mcid; m++)
                    g_hash_table_add(w->unparent, gb__mc_key(it->el.page, it->el.mcid[m]));
                continue;
            }
            g_hash_table_insert(w->ed->freed, GINT_TO_POINTER(it->id), GINT_TO_POINTER(0));
            for (guint c = 0; c < it->n; c++) {
                g_hash_table_insert(w->ed->freed, GINT_TO_POINTER(cells[c].id), GINT_TO_POINTER(0));
                for (int m = 0; m < cells[c].el.n_mcid; m++)
                    g_hash_table_add(w->repeats, gb__mc_key(cells[c].el.page, cells[c].el.mcid[m]));
            }
        }
        if (kept == sec->n)
            continue;
        if (!sec->k_list || kept == 0)
            return FALSE;
        if (!commit)
            continue;
        /* The section without them, as libqpdf would unparse it. */
        GString *o = g_string_sized_new(32 + 10 * kept);
        g_string_append(o, "<< /K [ ");
        for (guint k = sec->first; k < sec->first + sec->n; k++) {
            const GbRawItem *it = &g_array_index(rt->items, GbRawItem, k);
            if (it->drop)
                continue;
            gb__put_int(o, it->id);
            g_string_append(o, " 0 R ");
        }
        g_string_append(o, "] /P ");
        gb__put_int(o, table_id);
        g_string_append(o, " 0 R /S /");
        g_string_append(o, sec->type);
        g_string_append(o, " /Type /StructElem >>");
        g_hash_table_insert(w->ed->literal, GINT_TO_POINTER(sec->id), g_string_free(o, FALSE));
        g_hash_table_insert(w->ed->touched, GINT_TO_POINTER(sec->id), GINT_TO_POINTER(0));
    }
    if (commit)
        w->skipped += 1 + (int)rt->sections->len; /* the Table, its THead and TBody */
    return TRUE;
}

/* The Table kid (recorded at node r) done wholly from cairo's bytes: its
 * THead and TBody, their rows and running headers and footers, every TH
 * cell; libqpdf parses none of it (the briefing's 14 tables, ~1,900
 * elements, took 20 M instructions through it even where the rows were
 * known). FALSE, nothing changed, unless every element the walk would
 * read is of cairo's shape and as the record says: the walk then reads the
 * table as before. */
static gboolean
gb__table_raw(GbWalk *w, qpdf_oh kid, int r)
{
    const GbTagNode *nodes = w->nodes;
    qpdf_data q = w->ed->q;
    if (w->raw == NULL || w->raw->xref == NULL || nodes[r].foreign_kids || nodes[r].kids <= 0 ||
        w->depth + 4 > 200 || qpdf_oh_get_generation(q, kid) != 0)
        return FALSE;
    int id = qpdf_oh_get_object_id(q, kid);
    GbRawTable rt = {.sections = g_array_new(FALSE, FALSE, sizeof(GbRawSection)),
                     .items = g_array_new(FALSE, FALSE, sizeof(GbRawItem)),
                     .cells = g_array_new(FALSE, FALSE, sizeof(GbRawCell)),
                     .node.kids = g_array_new(FALSE, FALSE, sizeof(int))};
    gboolean ok = id > 0 && gb__raw_node(w->raw, id, &rt.node) &&
                  strcmp(rt.node.type, "Table") == 0 && (int)rt.node.kids->len == nodes[r].kids;
    GArray *sections = ok ? g_array_copy(rt.node.kids) : NULL;
    for (int c = r + 1, k = 0; ok && k < (int)sections->len; c += nodes[c].size, k++)
        ok = gb__raw_section(w, &rt, id, g_array_index(sections, int, k), c);
    ok = ok && gb__raw_table_apply(w, &rt, id, FALSE) && gb__raw_table_apply(w, &rt, id, TRUE);
    if (sections != NULL)
        g_array_free(sections, TRUE);
    g_array_free(rt.sections, TRUE);
    g_array_free(rt.items, TRUE);
    g_array_free(rt.cells, TRUE);
    g_array_free(rt.node.kids, TRUE);
    return ok;
}

/* The row kid (a TR, recorded at node r, at index i of kids) handled from
 * the record without reading the TR: cairo numbers a row's cells after it,
 * in order (TR n, its cells n + 1 ...), so the TH cells are fetched by
 * number. Taken only where the file confirms it: every TH so numbered is a
 * TH whose /P is the row, and the row's next sibling (which must exist) is
 * numbered just past the row's cells. FALSE (nothing done, nothing
 * changed) where any of that fails, or the record cannot say, or the row
 * is a repeated header row: the caller reads the row. */
static gboolean
gb__row_known(GbWalk *w, qpdf_oh kid, qpdf_oh kids, int i, int n, GbTableCtx *table, int r)
{
    qpdf_data q = w->ed->q;
    const GbTagNode *nodes = w->nodes;
    int cells = nodes[r].kids, n_th = 0;
    if (nodes[r].foreign_kids || cells <= 0 || nodes[r].size != cells + 1 || i + 1 >= n ||
        w->depth + 1 > 200)
        return FALSE;
    for (int c = r + 1; c <= r + cells; c++) {
        if (strcmp(nodes[c].type, "TH") == 0)
            n_th++;
        else if (!gb__nothing_to_do(&nodes[c]))
            return FALSE;
    }
    gboolean all = n_th == cells;
    if (n_th == 0 || (table->rows > 0 && !table->head && table->head_ths != 0 && all &&
                      cells == table->head_ths))
        return FALSE; /* nothing to confirm the record with; a repeated header row */
    int id = qpdf_oh_get_object_id(q, kid);
    qpdf_oh after = qpdf_oh_get_array_item(q, kids, i + 1);
    gboolean ok = id > 0 && qpdf_oh_is_indirect(q, after) &&
                  qpdf_oh_get_object_id(q, after) == id + 1 + cells;
    qpdf_oh_release(q, after);
    if (ok && w->raw != NULL && w->depth + 2 <= 200 && gb__row_raw(w, id, table, r, all))
        return TRUE;
    qpdf_oh *th = g_newa(qpdf_oh, cells);
    for (int c = 0; c < cells; c++) {
        th[c] = 0;
        if (!ok || strcmp(nodes[r + 1 + c].type, "TH") != 0)
            continue;
        th[c] = qpdf_get_object_by_id(q, id + 1 + c, 0);
        char type[16];
        qpdf_oh p = 0;
        ok = gb__type(q, th[c], type) && strcmp(type, "TH") == 0 &&
             qpdf_oh_is_indirect(q, p = qpdf_oh_get_key(q, th[c], "/P")) &&
             qpdf_oh_get_object_id(q, p) == id;
        qpdf_oh_release(q, p);
    }
    if (ok) {
        if (table->rows == 0)
            table->head_ths = all ? cells : 0;
        /* gb__elem's TR, then gb__children's cells */
        w->depth++;
        GbTableCtx row = {.rows = table->rows++, .head = table->head};
        for (int c = 0; c < cells; c++) {
            if (th[c] != 0)
                gb__elem(w, th[c], "TH", &row, r + 1 + c);
            else
                w->skipped++;
        }
        w->depth--;
        w->skipped++; /* the TR */
        /* Nor is the TR parsed when its TH cells are written: libqpdf
         * resolves a dictionary's indirect values to leave out null ones,
         * and would parse the TR (some 70,000 instructions) to learn that
         * the TH's /P is not null. A stand-in (a name) tells it so; it is
         * never written (gb__update refuses it) and nothing reads the TR
         * again. */
        qpdf_oh stand = qpdf_oh_new_name(q, GB_STAND_IN);
        qpdf_replace_object(q, id, 0, stand);
        qpdf_oh_release(q, stand);
    }
    for (int c = 0; c < cells; c++)
        if (th[c] != 0)
            qpdf_oh_release(q, th[c]);
    return ok;
}

static void
gb__gone(GArray **gone, int i)
{
    if (*gone == NULL)
        *gone = g_array_new(FALSE, FALSE, sizeof(int));
    g_array_append_val(*gone, i);
}

/* Takes the items at the indices gone (ascending; freed here) out of kids,
 * the child list of e: a direct list is made again without them (libqpdf
 * 11.3 takes ~95,000 instructions to erase an item, ~6,000 to copy one),
 * an indirect one has them erased. */
static void
gb__remove(qpdf_data q, qpdf_oh e, qpdf_oh kids, GArray *gone)
{
    if (gone == NULL)
        return;
    if (qpdf_oh_is_indirect(q, kids)) {
        for (guint j = gone->len; j-- > 0;)
            qpdf_oh_erase_item(q, kids, g_array_index(gone, int, j));
    } else {
        int n = qpdf_oh_get_array_n_items(q, kids);
        qpdf_oh kept = qpdf_oh_new_array(q);
        for (int i = 0, j = 0; i < n; i++) {
            if (j < (int)gone->len && g_array_index(gone, int, j) == i) {
                j++;
                continue;
            }
            qpdf_oh item = qpdf_oh_get_array_item(q, kids, i);
            qpdf_oh_append_item(q, kept, item);
            qpdf_oh_release(q, item);
        }
        qpdf_oh_replace_key(q, e, "/K", kept);
        qpdf_oh_release(q, kept);
    }
    g_array_free(gone, TRUE);
}

/* Visits the child elements of element e, whose node in the layout's
 * record is rec (-1: none). A child the record says needs nothing is not
 * read; the record is left (for the rest of e's children) where the file
 * disagrees with it. */
static void
gb__children(GbWalk *w, qpdf_oh e, GbTableCtx *table, int rec)
{
    qpdf_data q = w->ed->q;
    qpdf_oh kids = gb__kids(q, e);
    if (kids == 0)
        return;
    int n = qpdf_oh_get_array_n_items(q, kids);
    const GbTagNode *nodes = w->nodes;
    int next = -1, end = -1; /* the next recorded child; past e's last node */
    /* cairo lists an element's children alone, as references: as many
     * items as the record has children. (Counting the references instead
     * took a second libqpdf call of each item; an item that is no
     * reference still leaves the record, below.) */
    gboolean foreign_kids = nodes != NULL && rec >= 0 && nodes[rec].foreign_kids;
    if (nodes != NULL && rec >= 0 && (foreign_kids || n == nodes[rec].kids)) {
        next = rec + 1;
        end = rec + nodes[rec].size;
    }
    GArray *gone = NULL; /* indices of the children dropped, taken out at the end */
    for (int i = 0; i < n; i++) {
        qpdf_oh kid = qpdf_oh_get_array_item(q, kids, i);
        /* An element is an indirect dictionary; the rest are MCIDs,
         * marked-content and object references. */
        if (!qpdf_oh_is_indirect(q, kid)) {
            if (!foreign_kids)
                next = -1; /* not what the record has here */
            qpdf_oh_release(q, kid);
            continue;
        }
        gboolean foreign = next >= 0 && next < end && nodes[next].type[0] == '\0';
        int krec = next >= 0 && next < end && !foreign ? next : -1;
        if (krec >= 0 && (gb__nothing_to_do(&nodes[krec]) || w->quiet[krec])) {
            w->skipped += nodes[krec].size;
            next += nodes[krec].size;
            qpdf_oh_release(q, kid);
            continue;
        }
        if (krec >= 0 && strcmp(nodes[krec].type, "Table") == 0 && gb__table_raw(w, kid, krec)) {
            next += nodes[krec].size;
            qpdf_oh_release(q, kid);
            continue;
        }
        if (krec >= 0 && table != NULL && strcmp(nodes[krec].type, "TR") == 0 &&
            gb__row_known(w, kid, kids, i, n, table, krec)) {
            next += nodes[krec].size;
            qpdf_oh_release(q, kid);
            continue;
        }
        if (krec >= 0 && gb__raw_drop(w, kid, &nodes[krec])) {
            gb__gone(&gone, i);
            gb__touch_in(w->ed, kids, e);
            next += nodes[krec].size;
            qpdf_oh_release(q, kid);
            continue;
        }
        char type[16];
        if (!gb__type(q, kid, type)) {
            next = -1; /* the record has an element here */
            qpdf_oh_release(q, kid);
            continue;
        }
        if (foreign) {
            /* A foreign run lasts until the element recorded after it. */
            if (next + 1 < end && strcmp(nodes[next + 1].type, type) == 0)
                krec = next + 1;
        } else if (krec >= 0 && strcmp(nodes[krec].type, type) != 0) {
            krec = next = -1;
        }
        if (gb__goes(w, kid, type, table, krec)) {
            gb__drop(w->ed, kid, 0);
            gb__gone(&gone, i);
            gb__touch_in(w->ed, kids, e);
        } else {
            gb__elem(w, kid, type, table, krec);
            if (strcmp(type, "Figure") == 0) {
                int at = gb__caption_out(w, e, kids, i, kid);
                n += at - i;
                i = at;
            }
        }
        if (krec >= 0)
            next = krec + nodes[krec].size;
        qpdf_oh_release(q, kid);
    }
    gb__remove(q, e, kids, gone);
    qpdf_oh_release(q, kids);
}

static void
gb__elem(GbWalk *w, qpdf_oh e, const char *type, GbTableCtx *table, int rec)
{
    qpdf_data q = w->ed->q;
    if (++w->depth > 200) { /* a cycle in a malformed tree */
        w->depth--;
        return;
    }
    if (strcmp(type, "Figure") == 0) {
        if (w->figures < (int)w->alts->len) {
            qpdf_oh_replace_key(
                q, e, "/Alt",
                qpdf_oh_new_unicode_string(q, g_ptr_array_index(w->alts, w->figures)));
            gb__touch(w->ed, e);
        }
        w->figures++;
        gb__children(w, e, table, rec);
    } else if (strcmp(type, "Table") == 0) {
        GbTableCtx inner = {0};
        gb__children(w, e, &inner, rec);
    } else if (strcmp(type, "THead") == 0 && table != NULL) {
        table->head = TRUE;
        gb__children(w, e, table, rec);
        table->head = FALSE;
    } else if (strcmp(type, "TR") == 0 && table != NULL) {
        /* Column headers in the head or the first row; row headers later. */
        GbTableCtx row = {.rows = table->rows++, .head = table->head};
        gb__children(w, e, &row, rec);
    } else if (strcmp(type, "TH") == 0) {
        int column = table == NULL || table->head || table->rows == 0;
        /* One direct << /O /Table /Scope ... >> of each kind, shared by
         * every TH (written out in each; nothing changes it). */
        if (w->scope[column] == 0) {
            qpdf_oh a = w->scope[column] = qpdf_oh_new_dictionary(q);
            qpdf_oh_replace_key(q, a, "/O", qpdf_oh_new_name(q, "/Table"));
            qpdf_oh_replace_key(q, a, "/Scope", qpdf_oh_new_name(q, column ? "/Column" : "/Row"));
        }
        qpdf_oh_replace_key(q, e, "/A", w->scope[column]);
        gb__touch(w->ed, e);
        /* A cell the record has no child elements in: its /K (its MCIDs)
         * is not looked at, as a recorded leaf P or TD is not read. */
        if (rec < 0 || w->nodes[rec].kids > 0 || w->nodes[rec].foreign_kids)
            gb__children(w, e, table, rec);
    } else if (strcmp(type, "H") == 0) {
        /* Until the page layout writes H1 itself: H beside H1-H6 is not
         * allowed (Matterhorn 14-007), and H alone says no level. */
        qpdf_oh_replace_key(q, e, "/S", qpdf_oh_new_name(q, "/H1"));
        gb__touch(w->ed, e);
        gb__children(w, e, table, rec);
    } else {
        gb__children(w, e, table, rec);
    }
    w->depth--;
}

/* ---- pages, annotations, fonts ---------------------------------------- */

/* A ParentTree value and the indirect object that holds it. */
typedef struct {
    qpdf_oh value;
    qpdf_oh owner; /* the indirect object that holds it */
} GbParent;

/* A page's content rewritten by gb__pages_work. */
typedef struct {
    int content; /* its content stream's object number; 0: not done there */
    int page_id;
    GBytes *z;     /* the rewritten content, compressed; NULL: not done */
    int artifacts; /* the pagination Artifacts the rewrite wrote */
} GbPageJob;

typedef struct {
    const GbRaw *raw;
    GbPageJob *jobs; /* one a page, in order */
    int n;
    GHashTable *by_content; /* content stream number -> its GbPageJob */
    GThread *thread;        /* until joined */
    gboolean listed;        /* jobs are the pages as cairo lists them, each once */
} GbPages;

typedef struct {
    GbEdit *ed;
    GHashTable *parents;    /* StructParents key -> GbParent */
    GHashTable *fonts_done; /* object ids of CIDFonts seen */
    GHashTable *repeats;    /* from the walk */
    struct libdeflate_compressor *z;
    const GbRaw *raw;
    /* The marked content whose ParentTree entries the page rewrite nulls,
     * as the walk knows it: gb__mc_key(page, MCID) of the dropped header
     * and footer elements and the repeated header rows' cells; and page ->
     * how many of them are on it. */
    GHashTable *unparent;
    GHashTable *unparent_n;
    GHashTable *repeat_pages; /* pages with repeated header rows' cells */
    GbPages *pages;           /* the rewrite beside the walk, or NULL */
} GbPass;

static void
gb__parent_tree(GbPass *st, qpdf_oh node, int depth)
{
    qpdf_data q = st->ed->q;
    if (depth > 20 || !qpdf_oh_is_dictionary(q, node))
        return;
    qpdf_oh nums = qpdf_oh_get_key(q, node, "/Nums"); /* kept: an owner */
    qpdf_oh owner = qpdf_oh_is_indirect(q, nums) ? nums : node;
    int n = qpdf_oh_is_array(q, nums) ? qpdf_oh_get_array_n_items(q, nums) : 0;
    for (int i = 0; i + 1 < n; i += 2) {
        qpdf_oh key = qpdf_oh_get_array_item(q, nums, i);
        GbParent *p = g_new(GbParent, 1);
        p->value = qpdf_oh_get_array_item(q, nums, i + 1);
        p->owner = qpdf_oh_is_indirect(q, p->value) ? p->value : owner;
        g_hash_table_insert(st->parents, GINT_TO_POINTER(qpdf_oh_get_int_value_as_int(q, key)), p);
        qpdf_oh_release(q, key);
    }
    qpdf_oh kids = qpdf_oh_get_key(q, node, "/Kids");
    n = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 0;
    for (int i = 0; i < n; i++) /* each kid kept: an owner */
        gb__parent_tree(st, qpdf_oh_get_array_item(q, kids, i), depth + 1);
    qpdf_oh_release(q, kids);
}

/* The ParentTree entry of key (an integer handle), or NULL. */
static GbParent *
gb__parent(GbPass *st, qpdf_oh key)
{
    qpdf_data q = st->ed->q;
    return qpdf_oh_is_integer(q, key)
               ? g_hash_table_lookup(st->parents,
                                     GINT_TO_POINTER(qpdf_oh_get_int_value_as_int(q, key)))
               : NULL;
}

/* Type0 fonts of cairo carry CIDFontType2 descendants with glyph ids as CIDs
 * and no CIDToGIDMap; /Identity says so (PDF/UA wants it written). */
static void
gb__fonts(GbPass *st, qpdf_oh fonts)
{
    qpdf_data q = st->ed->q;
    if (!qpdf_oh_is_dictionary(q, fonts))
        return;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    qpdf_oh_begin_dict_key_iter(q, fonts);
    while (qpdf_oh_dict_more_keys(q))
        g_ptr_array_add(names, g_strdup(qpdf_oh_dict_next_key(q)));
    for (guint k = 0; k < names->len; k++) {
        qpdf_oh f = qpdf_oh_get_key(q, fonts, g_ptr_array_index(names, k));
        qpdf_oh ds = qpdf_oh_get_key(q, f, "/DescendantFonts");
        int n = qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, f, "/Subtype"), "/Type0") &&
                        qpdf_oh_is_array(q, ds)
                    ? qpdf_oh_get_array_n_items(q, ds)
                    : 0;
        for (int i = 0; i < n; i++) {
            qpdf_oh d = qpdf_oh_get_array_item(q, ds, i);
            int id = qpdf_oh_get_object_id(q, d);
            if ((id == 0 || g_hash_table_add(st->fonts_done, GINT_TO_POINTER(id))) &&
                qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, d, "/Subtype"), "/CIDFontType2") &&
                !qpdf_oh_has_key(q, d, "/CIDToGIDMap")) {
                qpdf_oh_replace_key(q, d, "/CIDToGIDMap", qpdf_oh_new_name(q, "/Identity"));
                gb__touch_in(st->ed, d, qpdf_oh_is_indirect(q, ds) ? ds : f);
            }
            qpdf_oh_release(q, d);
        }
        qpdf_oh_release(q, ds);
        qpdf_oh_release(q, f);
    }
    g_ptr_array_free(names, TRUE);
}

/* The MCIDs of Link element link, each mapped to text in by_mcid. */
static void
gb__link_mcids(qpdf_data q, qpdf_oh link, GString *text, GHashTable *by_mcid)
{
    qpdf_oh k = qpdf_oh_get_key(q, link, "/K");
    int n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 1;
    for (int i = 0; i < n; i++) {
        qpdf_oh x = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, i) : k;
        qpdf_oh m = qpdf_oh_is_dictionary(q, x) ? qpdf_oh_get_key(q, x, "/MCID") : x;
        if (qpdf_oh_is_integer(q, m))
            g_hash_table_insert(by_mcid, GINT_TO_POINTER(qpdf_oh_get_int_value_as_int(q, m)), text);
    }
}

static void
gb__string_free(gpointer s)
{
    g_string_free(s, TRUE);
}

/* The page's Link annotations without /Contents (handles in annots), each
 * with a GString in texts that their marked content will fill. */
static void
gb__links(GbPass *st, qpdf_oh page, GPtrArray *annots, GPtrArray *texts, GbLinkText *links)
{
    qpdf_data q = st->ed->q;
    qpdf_oh as = qpdf_oh_get_key(q, page, "/Annots");
    int n = qpdf_oh_is_array(q, as) ? qpdf_oh_get_array_n_items(q, as) : 0;
    for (int i = 0; i < n; i++) {
        qpdf_oh a = qpdf_oh_get_array_item(q, as, i);
        if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, a, "/Subtype"), "/Link") ||
            qpdf_oh_has_key(q, a, "/Contents")) {
            qpdf_oh_release(q, a);
            continue;
        }
        GString *text = g_string_new(NULL);
        g_ptr_array_add(annots, GUINT_TO_POINTER(a));
        g_ptr_array_add(texts, text);
        GbParent *link = gb__parent(st, qpdf_oh_get_key(q, a, "/StructParent"));
        if (link != NULL && qpdf_oh_is_dictionary(q, link->value))
            gb__link_mcids(q, link->value, text, links->by_mcid);
    }
    qpdf_oh_release(q, as);
}

/* The zlib data raw (n bytes) inflated into *buf (malloc'd, *len bytes).
 * FALSE (nothing allocated) when libdeflate refuses it. */
static gboolean
gb__inflate(struct libdeflate_decompressor *d, const unsigned char *raw, size_t n,
            unsigned char **buf, size_t *len)
{
    size_t cap = n * 6 + 4096, got = 0;
    unsigned char *out = NULL;
    enum libdeflate_result r = LIBDEFLATE_INSUFFICIENT_SPACE;
    while (r == LIBDEFLATE_INSUFFICIENT_SPACE && cap < ((size_t)1 << 31)) {
        unsigned char *grown = realloc(out, cap); /* freed with free(), as qpdf's */
        if (grown == NULL)
            break;
        out = grown;
        r = libdeflate_zlib_decompress(d, raw, n, out, cap, &got);
        cap *= 2;
    }
    if (r != LIBDEFLATE_SUCCESS) {
        free(out);
        return FALSE;
    }
    *buf = out;
    *len = got;
    return TRUE;
}

/* The decoded data of stream c in *buf (malloc'd, *len bytes). A stream of
 * /FlateDecode alone (every page of cairo's) is taken raw from libqpdf and
 * inflated by libdeflate: qpdf's own Flate pipeline (zlib, through its
 * buffers) took twice the instructions. Anything else, or data libdeflate
 * refuses, goes through qpdf's decoding. FALSE when it cannot be decoded. */
static gboolean
gb__stream_data(qpdf_data q, qpdf_oh c, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    if (!qpdf_oh_is_stream(q, c))
        return FALSE;
    qpdf_oh dict = qpdf_oh_get_dict(q, c);
    qpdf_oh filter = qpdf_oh_get_key(q, dict, "/Filter");
    gboolean flate = qpdf_oh_is_name_and_equals(q, filter, "/FlateDecode") &&
                     !qpdf_oh_has_key(q, dict, "/DecodeParms");
    qpdf_oh_release(q, filter);
    qpdf_oh_release(q, dict);
    unsigned char *raw = NULL;
    size_t n = 0;
    if (flate && qpdf_oh_get_stream_data(q, c, qpdf_dl_none, NULL, &raw, &n) == 0 && raw != NULL) {
        struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
        gboolean ok = d != NULL && gb__inflate(d, raw, n, buf, len);
        libdeflate_free_decompressor(d);
        free(raw);
        if (ok)
            return TRUE;
    }
    QPDF_BOOL filtered = QPDF_FALSE;
    if (qpdf_oh_get_stream_data(q, c, qpdf_dl_generalized, &filtered, buf, len) != 0 || !filtered ||
        *buf == NULL) {
        free(*buf);
        *buf = NULL;
        return FALSE;
    }
    return TRUE;
}

/* How many times the page rewrite wrote a pagination Artifact in place of
 * marked content in out (one for each sequence whose entry it nulls). */
static int
gb__pagination_artifacts(const GString *out)
{
    static const char mark[] = "/Artifact <</Type /Pagination";
    int n = 0;
    for (const char *p = out->str, *end = out->str + out->len;
         (p = memmem(p, (size_t)(end - p), mark, sizeof mark - 1)) != NULL; p += sizeof mark - 1)
        n++;
    return n;
}

/* Content stream id's data as cairo writes it, from its bytes: "<< /Length
 * L 0 R\n   /Filter /FlateDecode\n>>\nstream\n", the data, its length in
 * object L ("   N\n"), "\nendstream". FALSE when the bytes are not that. */
static gboolean
gb__raw_stream(const GbRaw *r, int id, const guint8 **data, size_t *len)
{
    const char *p = gb__raw_obj(r, id);
    int length_id, n;
    if (p == NULL || !gb__raw_lit(&p, r->end, "<< /Length ") ||
        !gb__raw_int(&p, r->end, &length_id) ||
        !gb__raw_lit(&p, r->end, " 0 R\n   /Filter /FlateDecode\n>>\nstream\n"))
        return FALSE;
    const char *l = gb__raw_obj(r, length_id);
    if (l == NULL || !gb__raw_lit(&l, r->end, "   ") || !gb__raw_int(&l, r->end, &n) ||
        !gb__raw_lit(&l, r->end, "\nendobj\n") || r->end - p < n)
        return FALSE;
    const char *after = p + n;
    if (!gb__raw_lit(&after, r->end, "\nendstream\nendobj\n"))
        return FALSE;
    *data = (const guint8 *)p;
    *len = (size_t)n;
    return TRUE;
}

/* The page content rewrite beside the walk: every page's content stream of
 * cairo's shape inflated, rewritten with no ParentTree array, no links and
 * no repeated header rows, and compressed (libdeflate level 1, as
 * gb__content), from cairo's bytes alone, on a thread of its own: it
 * touches nothing of libqpdf's. gb__content takes a page's result where it
 * is what it would have made itself (gb__page_job, gb__raw_parents). */
static gpointer
gb__pages_work(gpointer data)
{
    GbPages *ps = data;
    struct libdeflate_compressor *z = libdeflate_alloc_compressor(1);
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    GHashTable *none = g_hash_table_new(NULL, NULL);
    for (int i = 0; i < ps->n && z != NULL && d != NULL; i++) {
        GbPageJob *job = &ps->jobs[i];
        const guint8 *raw;
        size_t n;
        unsigned char *buf;
        size_t len;
        if (job->content <= 0 || !gb__raw_stream(ps->raw, job->content, &raw, &n) ||
            !gb__inflate(d, raw, n, &buf, &len))
            continue;
        GbPage pg = {.out = g_string_sized_new(len + len / 8 + 64),
                     .stack = g_array_new(FALSE, FALSE, 1),
                     .repeats = none,
                     .page_id = job->page_id};
        gb__page_rewrite(&pg, (const char *)buf, len);
        free(buf);
        job->artifacts = gb__pagination_artifacts(pg.out);
        size_t cap = libdeflate_zlib_compress_bound(z, pg.out->len);
        guint8 *out = g_malloc(cap);
        size_t zlen = libdeflate_zlib_compress(z, pg.out->str, pg.out->len, out, cap);
        job->z = g_bytes_new_take(out, zlen);
        g_string_free(pg.out, TRUE);
        g_array_free(pg.stack, TRUE);
    }
    g_hash_table_destroy(none);
    libdeflate_free_compressor(z);
    libdeflate_free_decompressor(d);
    return NULL;
}

/* Nulls the entries of page page_id's ParentTree array (object id, its
 * references refs as cairo wrote them) that the walk knows go (st->unparent)
 * and writes the array into the update as libqpdf would unparse it, if any
 * did. FALSE, nothing done, when the page's rewritten content did not put a
 * pagination Artifact (artifacts of them) in place of exactly that many
 * sequences of the page:
 * then what the rewrite nulls is not what the walk knows. */
static gboolean
gb__raw_parents(GbPass *st, int page_id, int id, const GArray *refs, int artifacts)
{
    int want = GPOINTER_TO_INT(g_hash_table_lookup(st->unparent_n, GINT_TO_POINTER(page_id)));
    if (artifacts != want)
        return FALSE;
    if (want == 0)
        return TRUE;
    GString *s = g_string_sized_new(refs->len * 9 + 8);
    gboolean nulled = FALSE;
    g_string_append(s, "[ ");
    for (guint m = 0; m < refs->len; m++) {
        if (g_hash_table_contains(st->unparent, gb__mc_key(page_id, (int)m))) {
            g_string_append(s, "null ");
            nulled = TRUE;
        } else {
            gb__put_int(s, g_array_index(refs, int, m));
            g_string_append(s, " 0 R ");
        }
    }
    g_string_append_c(s, ']');
    if (!nulled) {
        g_string_free(s, TRUE);
        return TRUE;
    }
    g_hash_table_insert(st->ed->literal, GINT_TO_POINTER(id), g_string_free(s, FALSE));
    g_hash_table_insert(st->ed->touched, GINT_TO_POINTER(id), GINT_TO_POINTER(0));
    return TRUE;
}

/* Content stream c's new data z (compressed; taken), and its dictionary
 * to say so. FALSE when z is empty. */
static gboolean
gb__content_set(GbPass *st, qpdf_oh c, GBytes *z)
{
    qpdf_data q = st->ed->q;
    gsize zlen = g_bytes_get_size(z);
    qpdf_oh dict = qpdf_oh_get_dict(q, c);
    qpdf_oh_replace_key(q, dict, "/Filter", qpdf_oh_new_name(q, "/FlateDecode"));
    qpdf_oh_remove_key(q, dict, "/DecodeParms");
    qpdf_oh_replace_key(q, dict, "/Length", qpdf_oh_new_integer(q, (long long)zlen));
    gb__touch(st->ed, c);
    g_hash_table_insert(st->ed->data, GINT_TO_POINTER(qpdf_oh_get_object_id(q, c)), z);
    return zlen > 0;
}

/* The worker's rewrite of content stream c of page page_id (gb__pages_work),
 * once it is done, where it is what gb__content would make of the page: no
 * links to name on it and no repeated header row (the worker knew of
 * neither). NULL otherwise. */
static GbPageJob *
gb__page_job(GbPass *st, qpdf_oh c, int page_id, gboolean links)
{
    GbPages *ps = st->pages;
    qpdf_data q = st->ed->q;
    if (ps == NULL || links || !qpdf_oh_is_indirect(q, c) ||
        g_hash_table_contains(st->repeat_pages, GINT_TO_POINTER(page_id)))
        return NULL;
    if (ps->thread != NULL)
        g_thread_join(g_steal_pointer(&ps->thread));
    GbPageJob *job =
        g_hash_table_lookup(ps->by_content, GINT_TO_POINTER(qpdf_oh_get_object_id(q, c)));
    return job != NULL && job->page_id == page_id && job->z != NULL ? job : NULL;
}

/* Rewrites the content stream of page (object page_id), compressed here
 * (libdeflate, level 1: on the briefing's 925 KB of page content 176 KB
 * against level 6's 158 KB, at 23 M instructions against 51 M). */
static gboolean
gb__content(GbPass *st, int page_id, qpdf_oh page, GbLinkText *links)
{
    GbEdit *ed = st->ed;
    qpdf_data q = ed->q;
    qpdf_oh c = qpdf_oh_get_key(q, page, "/Contents");
    if (qpdf_oh_is_array(q, c) && qpdf_oh_get_array_n_items(q, c) == 1) {
        c = qpdf_oh_get_array_item(q, c, 0);
        qpdf_oh_replace_key(q, page, "/Contents", c);
    }
    GbParent *parents = gb__parent(st, qpdf_oh_get_key(q, page, "/StructParents"));
    /* This page's ParentTree array from cairo's bytes, not resolved by
     * libqpdf (4,600 references, 33 M instructions on the briefing): the
     * rewrite is then given none, and the entries it would null are the
     * walk's (gb__raw_parents). */
    int parents_id = parents != NULL && parents->owner == parents->value &&
                             qpdf_oh_is_indirect(q, parents->value) &&
                             qpdf_oh_get_generation(q, parents->value) == 0
                         ? qpdf_oh_get_object_id(q, parents->value)
                         : 0;
    GArray *refs =
        st->unparent != NULL && parents_id > 0 ? gb__raw_refs(st->raw, parents_id) : NULL;
    GbPageJob *job = gb__page_job(st, c, page_id, links != NULL);
    if (job != NULL &&
        (parents == NULL ||
         (refs != NULL && gb__raw_parents(st, page_id, parents_id, refs, job->artifacts)))) {
        if (refs != NULL)
            g_array_free(refs, TRUE);
        gb__beside++;
        return gb__content_set(st, c, g_bytes_ref(job->z));
    }
    unsigned char *buf;
    size_t len;
    if (!gb__stream_data(q, c, &buf, &len)) {
        if (refs != NULL)
            g_array_free(refs, TRUE);
        return FALSE;
    }
    gboolean has = refs == NULL && parents != NULL && qpdf_oh_is_array(q, parents->value);
    GbPage pg = {.ed = ed,
                 .out = g_string_sized_new(len + len / 8 + 64),
                 .stack = g_array_new(FALSE, FALSE, 1),
                 .parents = has ? parents->value : 0,
                 .parents_owner = has ? parents->owner : 0,
                 .n_parents = has ? qpdf_oh_get_array_n_items(q, parents->value) : 0,
                 .links = links,
                 .repeats = st->repeats,
                 .page_id = page_id};
    gb__page_rewrite(&pg, (const char *)buf, len);
    if (refs != NULL &&
        !gb__raw_parents(st, page_id, parents_id, refs, gb__pagination_artifacts(pg.out))) {
        /* not what the walk knows: rewritten again, the entries nulled by it */
        g_string_truncate(pg.out, 0);
        g_array_set_size(pg.stack, 0);
        pg.copied = 0;
        pg.open = pg.paint = pg.in_text_start = pg.in_text = FALSE;
        pg.run0 = pg.run1 = 0;
        pg.other = pg.structs = 0;
        pg.collect = NULL;
        if (links != NULL) { /* the link texts collected afresh */
            GHashTableIter it;
            gpointer text;
            g_hash_table_iter_init(&it, links->by_mcid);
            while (g_hash_table_iter_next(&it, NULL, &text))
                g_string_truncate(text, 0);
        }
        if (qpdf_oh_is_array(q, parents->value)) {
            pg.parents = parents->value;
            pg.parents_owner = parents->owner;
            pg.n_parents = qpdf_oh_get_array_n_items(q, parents->value);
        }
        gb__page_rewrite(&pg, (const char *)buf, len);
    }
    if (refs != NULL)
        g_array_free(refs, TRUE);
    free(buf);
    size_t cap = libdeflate_zlib_compress_bound(st->z, pg.out->len);
    guint8 *z = g_malloc(cap);
    size_t zlen = libdeflate_zlib_compress(st->z, pg.out->str, pg.out->len, z, cap);
    g_string_free(pg.out, TRUE);
    g_array_free(pg.stack, TRUE);
    return gb__content_set(st, c, g_bytes_new_take(z, zlen));
}

static gboolean
gb__page(GbPass *st, qpdf_oh page)
{
    qpdf_data q = st->ed->q;
    int page_id = qpdf_oh_get_object_id(q, page);
    qpdf_oh_replace_key(q, page, "/Tabs", qpdf_oh_new_name(q, "/S"));
    gb__touch(st->ed, page);
    qpdf_oh fonts = qpdf_oh_get_key(q, qpdf_oh_get_key(q, page, "/Resources"), "/Font");
    gb__fonts(st, fonts);
    /* Link annotations: their texts are collected from their marked content. */
    GbLinkText links = {
        g_hash_table_new(NULL, NULL),
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref),
        fonts};
    GPtrArray *annots = g_ptr_array_new();
    GPtrArray *texts = g_ptr_array_new_with_free_func(gb__string_free);
    gb__links(st, page, annots, texts, &links);
    gboolean ok = gb__content(st, page_id, page, annots->len > 0 ? &links : NULL);
    for (guint i = 0; i < annots->len; i++) {
        GString *t = g_ptr_array_index(texts, i);
        g_strstrip(t->str);
        qpdf_oh a = GPOINTER_TO_UINT(g_ptr_array_index(annots, i));
        qpdf_oh_replace_key(q, a, "/Contents",
                            qpdf_oh_new_unicode_string(q, t->str[0] != '\0' ? t->str : "Link"));
        gb__touch_in(st->ed, a, page);
    }
    g_ptr_array_free(annots, TRUE);
    g_ptr_array_free(texts, TRUE);
    g_hash_table_destroy(links.by_mcid);
    g_hash_table_destroy(links.fonts);
    return ok;
}

/* The pages' content streams as cairo lists them, from its bytes: the
 * trailer's /Root, the catalog's /Pages, its flat /Kids (as many as its
 * /Count), each page's /Contents. FALSE when any of it is not cairo's
 * shape. The pass confirms each against libqpdf's reading of the page
 * before it takes the worker's result (gb__page_job). */
static gboolean
gb__raw_pages(const GbRaw *r, GArray *jobs)
{
    if (r->xref == NULL)
        return FALSE;
    const char *p = r->xref + 20 * (gsize)r->n, *end = r->end;
    int size, root, pages, count;
    if (!gb__raw_lit(&p, end, "trailer\n<< /Size ") || !gb__raw_int(&p, end, &size) ||
        !gb__raw_lit(&p, end, "\n   /Root ") || !gb__raw_int(&p, end, &root) ||
        !gb__raw_lit(&p, end, " 0 R\n"))
        return FALSE;
    p = gb__raw_obj(r, root);
    if (p == NULL || !gb__raw_lit(&p, end, "<< /Type /Catalog\n   /Pages ") ||
        !gb__raw_int(&p, end, &pages) || !gb__raw_lit(&p, end, " 0 R\n"))
        return FALSE;
    p = gb__raw_obj(r, pages);
    if (p == NULL || !gb__raw_lit(&p, end, "<< /Type /Pages\n   /Kids [ "))
        return FALSE;
    while (!gb__raw_lit(&p, end, "]\n   /Count ")) {
        GbPageJob job = {0};
        if (!gb__raw_int(&p, end, &job.page_id) || !gb__raw_lit(&p, end, " 0 R "))
            return FALSE;
        g_array_append_val(jobs, job);
    }
    if (!gb__raw_int(&p, end, &count) || count != (int)jobs->len)
        return FALSE;
    for (guint i = 0; i < jobs->len; i++) {
        GbPageJob *job = &g_array_index(jobs, GbPageJob, i);
        int number, parent;
        p = gb__raw_obj(r, job->page_id);
        if (p == NULL || !gb__raw_lit(&p, end, "<< /Type /Page % ") ||
            !gb__raw_int(&p, end, &number) || number != (int)i + 1 ||
            !gb__raw_lit(&p, end, "\n   /Parent ") || !gb__raw_int(&p, end, &parent) ||
            parent != pages || !gb__raw_lit(&p, end, " 0 R\n   /MediaBox [ "))
            return FALSE;
        const char *box = memchr(p, ']', (size_t)MIN(end - p, 64));
        if (box == NULL || (p = box) == NULL || !gb__raw_lit(&p, end, "]\n   /Contents ") ||
            !gb__raw_int(&p, end, &job->content) || !gb__raw_lit(&p, end, " 0 R\n"))
            return FALSE;
    }
    return TRUE;
}

/* Starts gb__pages_work on the pages' content streams cairo lists
 * (gb__raw_pages), before libqpdf has read the file. Returns ps, or NULL
 * when they are not of cairo's shape or no thread could be had (every
 * page is then rewritten in line). */
static GbPages *
gb__pages_start(GbPages *ps, const GbRaw *raw)
{
    GArray *jobs = g_array_new(FALSE, TRUE, sizeof(GbPageJob));
    gboolean ok = gb__raw_pages(raw, jobs);
    int n = (int)jobs->len;
    *ps = (GbPages){.raw = raw,
                    .n = n,
                    .jobs = (GbPageJob *)(void *)g_array_free(jobs, FALSE),
                    .by_content = g_hash_table_new(NULL, NULL)};
    GHashTable *seen = g_hash_table_new(NULL, NULL);
    for (int i = 0; i < ps->n && ok; i++)
        ok = g_hash_table_add(seen, GINT_TO_POINTER(ps->jobs[i].page_id));
    g_hash_table_destroy(seen);
    ps->listed = ok;
    for (int i = 0; i < ps->n && ok; i++) {
        GbPageJob *job = &ps->jobs[i];
        if (!g_hash_table_contains(ps->by_content, GINT_TO_POINTER(job->content)))
            g_hash_table_insert(ps->by_content, GINT_TO_POINTER(job->content), job);
        else
            job->content = 0; /* a stream two pages share: rewritten in line */
    }
    if (ok)
        ps->thread = g_thread_try_new("gb-pdf-pages", gb__pages_work, ps, NULL);
    return ps->thread != NULL ? ps : NULL;
}

/* Waits for gb__pages_work (if it runs) and frees what it made. */
static void
gb__pages_end(GbPages *ps)
{
    if (ps->thread != NULL)
        g_thread_join(g_steal_pointer(&ps->thread));
    for (int i = 0; i < ps->n; i++)
        if (ps->jobs[i].z != NULL)
            g_bytes_unref(ps->jobs[i].z);
    g_free(ps->jobs);
    if (ps->by_content != NULL)
        g_hash_table_destroy(ps->by_content);
}

/* ---- libqpdf's teardown (accessible.h) --------------------------------- */

static GMutex gb__teardown_mu;
static gboolean gb__teardown_defer;
static GPtrArray *gb__teardowns; /* GThread*, not joined yet */

void
gb_accessible_defer_teardown(gboolean defer)
{
    g_mutex_lock(&gb__teardown_mu);
    gb__teardown_defer = defer;
    g_mutex_unlock(&gb__teardown_mu);
}

static gpointer
gb__teardown(gpointer q)
{
    qpdf_data d = q;
    qpdf_cleanup(&d);
    return NULL;
}

/* qpdf_cleanup of q, on a thread of its own when deferred. */
static void
gb__cleanup(qpdf_data q)
{
    g_mutex_lock(&gb__teardown_mu);
    GThread *t =
        gb__teardown_defer ? g_thread_try_new("gb-qpdf-free", gb__teardown, q, NULL) : NULL;
    if (t != NULL) {
        if (gb__teardowns == NULL)
            gb__teardowns = g_ptr_array_new();
        g_ptr_array_add(gb__teardowns, t);
    }
    g_mutex_unlock(&gb__teardown_mu);
    if (t == NULL)
        gb__teardown(q);
}

guint
gb_accessible_teardown_wait(void)
{
    g_mutex_lock(&gb__teardown_mu);
    GPtrArray *threads = g_steal_pointer(&gb__teardowns);
    g_mutex_unlock(&gb__teardown_mu);
    guint n = threads != NULL ? threads->len : 0;
    for (guint i = 0; i < n; i++)
        g_thread_join(g_ptr_array_index(threads, i));
    if (threads != NULL)
        g_ptr_array_free(threads, TRUE);
    return n;
}

/* ---- the pass ------------------------------------------------------- */

/* The catalog's entries: /Lang, /ViewerPreferences, /MarkInfo, /Metadata. */
static void
gb__catalog(GbEdit *ed, qpdf_oh root, const char *lang)
{
    qpdf_data q = ed->q;
    qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, lang));
    qpdf_oh prefs = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, prefs, "/DisplayDocTitle", qpdf_oh_new_bool(q, QPDF_TRUE));
    qpdf_oh_replace_key(q, root, "/ViewerPreferences", prefs);
    qpdf_oh mark = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, mark, "/Marked", qpdf_oh_new_bool(q, QPDF_TRUE));
    qpdf_oh_replace_key(q, root, "/MarkInfo", mark);
    qpdf_oh_replace_key(q, root, "/Metadata", gb__metadata(ed, lang));
    gb__touch(ed, root);
}

static void
gb__parent_free(gpointer p)
{
    g_free(p);
}

/* What the pass gives: a new array with the finished file, the update
 * appended to the caller's array, or the update alone. */
typedef enum { GB__OUT_COPY, GB__OUT_INTO, GB__OUT_UPDATE } GbFinishOut;

static GbStatus gb__finish(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
                           const GbTagTree *tags, GbFinishOut mode, GByteArray *into,
                           GByteArray **out, GbDiag *diag);

GbStatus
gb_accessible_finish(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
                     GByteArray **out, GbDiag *diag)
{
    return gb__finish(pdf, len, lang, alts, NULL, GB__OUT_COPY, NULL, out, diag);
}

GbStatus
gb_accessible_finish_tagged(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
                            const GbTagTree *tags, GByteArray **out, GbDiag *diag)
{
    return gb__finish(pdf, len, lang, alts, tags, GB__OUT_COPY, NULL, out, diag);
}

GbStatus
gb_accessible_finish_update(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
                            const GbTagTree *tags, GByteArray **update, GbDiag *diag)
{
    return gb__finish(pdf, len, lang, alts, tags, GB__OUT_UPDATE, NULL, update, diag);
}

GbStatus
gb_accessible_finish_in_place(GByteArray *pdf, const char *lang, const GPtrArray *alts,
                              const GbTagTree *tags, GbDiag *diag)
{
    GByteArray *out;
    return gb__finish(pdf->data, pdf->len, lang, alts, tags, GB__OUT_INTO, pdf, &out, diag);
}

/* The pass; the update goes after cairo's bytes in *out, a new array
 * (GB__OUT_COPY), or in into itself, which holds pdf (GB__OUT_INTO), or is
 * *out by itself (GB__OUT_UPDATE). */
static GbStatus
gb__finish(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
           const GbTagTree *tags, GbFinishOut mode, GByteArray *into, GByteArray **out,
           GbDiag *diag)
{
    GbEdit ed = {.touched = g_hash_table_new(NULL, NULL),
                 .freed = g_hash_table_new(NULL, NULL),
                 .data = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_bytes_unref),
                 .made = g_hash_table_new(NULL, NULL),
                 .literal = g_hash_table_new_full(NULL, NULL, NULL, g_free)};
    GbRaw raw;
    gb__raw_init(&raw, pdf, len);
    gb__raw_read = 0;
    gb__beside = 0;
    GbStatus status = GB_SOFTWARE;
    GbPass st = {.ed = &ed};
    GbWalk w = {0};
    GbPages ps = {0};
    char *err = NULL;
    qpdf_oh root = 0;
    /* The pages' content rewritten beside libqpdf's read and the walk, and
     * cairo's bytes hashed for the /ID: both from cairo's bytes alone, so
     * begun before the first qpdf_init, which opens libqpdf (6-8 ms in a
     * build): pdf-finish 27.2 -> 24.6 ms median, 14 alternating PDF-only
     * builds. */
    if (tags != NULL && tags->open->len == 1)
        st.pages = gb__pages_start(&ps, &raw);
    GbIdHash *id = gb__id_hash_start(pdf, len);
    qpdf_data q = ed.q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if ((qpdf_read_memory(q, "briefing.pdf", (const char *)pdf, len, NULL) & QPDF_ERRORS) != 0 ||
        !qpdf_oh_is_dictionary(q, root = qpdf_get_root(q))) {
        gb_diag_set(diag, NULL, 0, 0, "qpdf cannot read the PDF cairo wrote: %s",
                    qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q))
                                      : "no catalog");
        goto out;
    }
    st.repeats = g_hash_table_new(NULL, NULL);
    /* A record still open (a tag never closed) is not used. */
    gboolean use = tags != NULL && tags->open->len == 1;
    /* The pages cairo lists (gb__raw_pages) are libqpdf's page list: asking
     * libqpdf for it walked the page tree again (5.2 M instructions). */
    int pages = ps.listed ? ps.n : qpdf_get_num_pages(q);
    w = (GbWalk){.ed = &ed,
                 .alts = alts,
                 .repeats = st.repeats,
                 .raw = &raw,
                 .unparent = g_hash_table_new(NULL, NULL),
                 .nodes = use ? (const GbTagNode *)(void *)tags->nodes->data : NULL,
                 .quiet = use ? gb__quiet((const GbTagNode *)(void *)tags->nodes->data,
                                          (int)tags->nodes->len)
                              : NULL};
    qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
    if (qpdf_oh_is_dictionary(q, tree))
        gb__children(&w, tree, NULL, use ? 0 : -1);
    gb__skipped = w.skipped;
    if (w.figures != (int)alts->len) {
        gb_diag_set(diag, NULL, 0, 0, "the PDF has %d figures but %u alt texts", w.figures,
                    alts->len);
        goto out;
    }
    st.parents = g_hash_table_new_full(NULL, NULL, NULL, gb__parent_free);
    st.fonts_done = g_hash_table_new(NULL, NULL);
    if (qpdf_oh_is_dictionary(q, tree))
        gb__parent_tree(&st, qpdf_oh_get_key(q, tree, "/ParentTree"), 0);
    /* What the page rewrite will null, as the walk knows it. */
    st.raw = &raw;
    st.unparent = w.nodes != NULL ? w.unparent : NULL; /* without a record the walk knows none */
    st.unparent_n = g_hash_table_new(NULL, NULL);
    st.repeat_pages = g_hash_table_new(NULL, NULL);
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, st.repeats);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        g_hash_table_add(st.repeat_pages, GSIZE_TO_POINTER(GPOINTER_TO_SIZE(key) >> 20));
        if (st.unparent != NULL)
            g_hash_table_add(st.unparent, key);
    }
    if (st.unparent != NULL) {
        g_hash_table_iter_init(&it, st.unparent);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            gpointer page = GSIZE_TO_POINTER(GPOINTER_TO_SIZE(key) >> 20);
            g_hash_table_insert(
                st.unparent_n, page,
                GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(st.unparent_n, page)) + 1));
        }
    }
    st.z = libdeflate_alloc_compressor(1);
    for (int i = 0; i < pages; i++) {
        qpdf_oh page = ps.listed ? qpdf_get_object_by_id(q, ps.jobs[i].page_id, 0)
                                 : qpdf_get_page_n(q, (size_t)i);
        if (!gb__page(&st, page)) {
            gb_diag_set(diag, NULL, 0, 0, "cannot rewrite the content of page %d", i + 1);
            goto out;
        }
    }
    gb__catalog(&ed, root, lang);
    GString *update = gb__update(&ed, pdf, len, id, &err);
    if (update == NULL) {
        gb_diag_set(diag, NULL, 0, 0, "cannot write the PDF: %s", err);
        goto out;
    }
    /* libqpdf reads no more of pdf: into may move it. */
    if (mode == GB__OUT_UPDATE) {
        *out = g_bytes_unref_to_array(g_string_free_to_bytes(update)); /* no copy */
        update = NULL;
    } else if (mode == GB__OUT_INTO) {
        *out = g_byte_array_append(into, (const guint8 *)update->str, (guint)update->len);
    } else {
        *out = g_byte_array_sized_new((guint)(len + update->len));
        g_byte_array_append(*out, pdf, (guint)len);
        g_byte_array_append(*out, (const guint8 *)update->str, (guint)update->len);
    }
    if (update != NULL)
        g_string_free(update, TRUE);
    status = GB_OK;
out:
    g_free(err);
    gb__id_hash_free(id);
    gb__pages_end(&ps);
    if (st.repeat_pages != NULL)
        g_hash_table_destroy(st.repeat_pages);
    if (st.z != NULL)
        libdeflate_free_compressor(st.z);
    if (st.parents != NULL)
        g_hash_table_destroy(st.parents);
    if (st.fonts_done != NULL)
        g_hash_table_destroy(st.fonts_done);
    if (st.repeats != NULL)
        g_hash_table_destroy(st.repeats);
    if (w.unparent != NULL)
        g_hash_table_destroy(w.unparent);
    g_free(w.quiet);
    if (st.unparent_n != NULL)
        g_hash_table_destroy(st.unparent_n);
    g_hash_table_destroy(ed.touched);
    g_hash_table_destroy(ed.freed);
    g_hash_table_destroy(ed.data);
    g_hash_table_destroy(ed.made);
    g_hash_table_destroy(ed.literal);
    gb__cleanup(q);
    return status;
}
