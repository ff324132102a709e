/* accessible.c - the PDF/UA finishing pass (see accessible.h).
 *
 * cairo's file is read with pdfobj.c, which parses only the objects the pass
 * reads or changes and copies every other one as the bytes cairo wrote (an
 * earlier version parsed and re-serialised every object with libqpdf, which
 * was most of the pass's time). The structure tree is walked depth first,
 * which is the order cairo wrote the elements in, so Figures meet their alt
 * texts in the order they were drawn; on the way TH cells get their /Scope, a
 * Caption that is a Figure's only child becomes its next sibling, an H
 * becomes H1, and the elements of the running header and footer (drawn in
 * GB_TAG_HEADER / GB_TAG_FOOTER tags) are dropped. Then each page's content
 * stream is rewritten once (pdfcontent.c). The tests read finished
 * files with libqpdf (tests/pdfinspect.c), a reader independent of the pass. */
#include "output/accessible-private.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

/* ---- the structure tree ------------------------------------------------ */

typedef struct {
    int rows;      /* TRs seen so far in this Table */
    gboolean head; /* inside its THead */
    int head_ths;  /* cells of its first row when they are all TH, else 0 */
} GbTableCtx;

typedef struct {
    GbPdfFile *f;
    const GPtrArray *alts;
    int figures;
    int depth;
    GHashTable *repeats; /* gb__mc_key(page, MCID) of repeated header rows' cells */
} GbWalk;

/* Copies element e's structure type (/S, without the slash) into type; ""
 * if it is not a name. FALSE when e is not an element. */
static gboolean
gb__type(const GbPdfVal *e, char type[16])
{
    type[0] = '\0';
    if (e == NULL || e->kind != GB_PV_DICT)
        return FALSE;
    const GbPdfVal *s = gb_pdfval_get(e, "/S");
    if (s != NULL && s->kind == GB_PV_NAME && s->len <= 15) {
        memcpy(type, s->s + 1, (size_t)s->len - 1);
        type[s->len - 1] = '\0';
    }
    return s != NULL;
}

/* The element object num refers to, its type in type; NULL when kid is not
 * a reference to an element (an MCID, a marked-content or object reference). */
static GbPdfVal *
gb__kid_elem(GbPdfFile *f, const GbPdfVal *kid, char type[16])
{
    if (kid->kind != GB_PV_REF)
        return NULL;
    GbPdfVal *e = gb_pdfobj_get(f, kid->num);
    return gb__type(e, type) ? e : NULL;
}

/* The child list of e as an array (a lone /K is made a one-item array, in
 * memory only: written only if e changes), or NULL when e has none. */
static GbPdfVal *
gb__kids(GbPdfFile *f, GbPdfVal *e)
{
    GbPdfVal *k = gb_pdfval_get(e, "/K");
    if (k == NULL || k->kind == GB_PV_ARRAY)
        return k;
    GbPdfVal *a = gb_pdfval_new(f, GB_PV_ARRAY), *one = gb_pdfval_new(f, k->kind);
    *one = *k;
    gb_pdfval_append(a, one);
    gb_pdfval_put(f, e, "/K", a);
    return a;
}

/* Leaves element num and the elements under it out of the file. */
static void
gb__drop_elem(GbPdfFile *f, int num, int depth)
{
    GbPdfVal *e = gb_pdfobj_get(f, num);
    if (e == NULL || depth > 200)
        return;
    GbPdfVal *k = gb_pdfval_get(e, "/K");
    for (GbPdfVal *kid = k != NULL && k->kind == GB_PV_ARRAY ? k->first : k; kid != NULL;
         kid = k->kind == GB_PV_ARRAY ? kid->next : NULL) {
        char type[16];
        if (gb__kid_elem(f, kid, type) != NULL)
            gb__drop_elem(f, kid->num, depth + 1);
    }
    gb_pdfobj_drop(f, num);
}

/* Records the marked content (page, MCID) of element cell in into. */
static void
gb__cell_mcids(GbPdfVal *cell, GHashTable *into)
{
    GbPdfVal *pg = gb_pdfval_get(cell, "/Pg");
    int page = pg != NULL && pg->kind == GB_PV_REF ? pg->num : 0;
    GbPdfVal *k = gb_pdfval_get(cell, "/K");
    for (GbPdfVal *x = k != NULL && k->kind == GB_PV_ARRAY ? k->first : k; x != NULL;
         x = k->kind == GB_PV_ARRAY ? x->next : NULL)
        if (x->kind == GB_PV_INT)
            g_hash_table_add(into, gb__mc_key(page, x->num));
}

/* Whether the TR row has only TH cells (*n of them); with into, records
 * their marked content in it. */
static gboolean
gb__all_th(GbPdfFile *f, GbPdfVal *row, int *n, GHashTable *into)
{
    *n = 0;
    GbPdfVal *k = gb_pdfval_get(row, "/K");
    if (k == NULL || k->kind != GB_PV_ARRAY || k->first == NULL)
        return FALSE;
    for (GbPdfVal *kid = k->first; kid != NULL; kid = kid->next) {
        char t[16] = "";
        GbPdfVal *cell = gb__kid_elem(f, kid, t);
        if (cell == NULL || strcmp(t, "TH") != 0)
            return FALSE;
        if (into != NULL)
            gb__cell_mcids(cell, into);
        (*n)++;
    }
    return TRUE;
}

static void gb__elem(GbWalk *w, int num, GbPdfVal *e, const char *type, GbTableCtx *table);

/* Unlinks kid (after prev, or first) from the array kids. */
static void
gb__unlink(GbPdfVal *kids, GbPdfVal *prev, GbPdfVal *kid)
{
    if (prev == NULL)
        kids->first = kid->next;
    else
        prev->next = kid->next;
    if (kids->last == kid)
        kids->last = prev;
}

/* Whether the element kid (of type) goes: the header and footer, and header
 * rows repeated after a page break (a later row of as many TH cells as an
 * all-TH first row), whose content becomes Artifacts, so the table's header
 * is read once. */
static gboolean
gb__goes(GbWalk *w, GbPdfVal *kid, const char *type, GbTableCtx *table)
{
    if (strcmp(type, GB_TAG_HEADER) == 0 || strcmp(type, GB_TAG_FOOTER) == 0)
        return TRUE;
    if (table == NULL || strcmp(type, "TR") != 0)
        return FALSE;
    int n_th;
    if (table->rows == 0) {
        table->head_ths = gb__all_th(w->f, kid, &n_th, NULL) ? n_th : 0;
        return FALSE;
    }
    if (table->head || table->head_ths == 0 || !gb__all_th(w->f, kid, &n_th, NULL) ||
        n_th != table->head_ths)
        return FALSE;
    gb__all_th(w->f, kid, &n_th, w->repeats);
    return TRUE;
}

/* A Figure (num, e) whose only child is a Caption: the Caption moves out to
 * be its next sibling in kids (of parent), after the item at; under the
 * Figure the caption is hidden by its /Alt. Returns the item now at. */
static GbPdfVal *
gb__caption_out(GbWalk *w, int parent, GbPdfVal *kids, GbPdfVal *at, int num, GbPdfVal *e)
{
    GbPdfFile *f = w->f;
    GbPdfVal *fk = gb_pdfval_get(e, "/K");
    GbPdfVal *cap = fk != NULL && fk->kind == GB_PV_ARRAY && gb_pdfval_count(fk) == 1 ? fk->first
                    : fk != NULL && fk->kind == GB_PV_REF                             ? fk
                                                                                      : NULL;
    char ct[16] = "";
    GbPdfVal *c = cap != NULL ? gb__kid_elem(f, cap, ct) : NULL;
    if (c == NULL || strcmp(ct, "Caption") != 0)
        return at;
    gb_pdfval_remove(e, "/K");
    gb_pdfval_put(f, c, "/P", gb_pdfval_ref(f, parent));
    GbPdfVal *moved = gb_pdfval_ref(f, cap->num);
    moved->next = at->next;
    at->next = moved;
    if (kids->last == at)
        kids->last = moved;
    gb_pdfobj_touch(f, num);
    gb_pdfobj_touch(f, cap->num);
    gb_pdfobj_touch(f, parent);
    return moved;
}

/* Visits the child elements of element num (e). */
static void
gb__children(GbWalk *w, int num, GbPdfVal *e, GbTableCtx *table)
{
    GbPdfFile *f = w->f;
    GbPdfVal *kids = gb__kids(f, e);
    if (kids == NULL || kids->kind != GB_PV_ARRAY)
        return;
    GbPdfVal *prev = NULL;
    for (GbPdfVal *kid = kids->first, *next; kid != NULL; kid = next) {
        next = kid->next;
        char type[16];
        GbPdfVal *el = gb__kid_elem(f, kid, type);
        if (el == NULL) {
            prev = kid;
            continue;
        }
        if (gb__goes(w, el, type, table)) {
            gb__unlink(kids, prev, kid);
            gb_pdfobj_touch(f, num);
            gb__drop_elem(f, kid->num, 0);
            continue;
        }
        gb__elem(w, kid->num, el, type, table);
        prev = strcmp(type, "Figure") == 0 ? gb__caption_out(w, num, kids, kid, kid->num, el) : kid;
    }
}

static void
gb__elem(GbWalk *w, int num, GbPdfVal *e, const char *type, GbTableCtx *table)
{
    GbPdfFile *f = w->f;
    if (++w->depth > 200) { /* a cycle in a malformed tree */
        w->depth--;
        return;
    }
    if (strcmp(type, "Figure") == 0) {
        if (w->figures < (int)w->alts->len) {
            gb_pdfval_put(f, e, "/Alt", gb_pdfval_text(f, g_ptr_array_index(w->alts, w->figures)));
            gb_pdfobj_touch(f, num);
        }
        w->figures++;
        gb__children(w, num, e, table);
    } else if (strcmp(type, "Table") == 0) {
        GbTableCtx inner = {0};
        gb__children(w, num, e, &inner);
    } else if (strcmp(type, "THead") == 0 && table != NULL) {
        table->head = TRUE;
        gb__children(w, num, e, table);
        table->head = FALSE;
    } else if (strcmp(type, "TR") == 0 && table != NULL) {
        /* Column headers in the head or the first row; row headers later. */
        GbTableCtx row = {.rows = table->rows++, .head = table->head};
        gb__children(w, num, e, &row);
    } else if (strcmp(type, "TH") == 0) {
        gboolean column = table == NULL || table->head || table->rows == 0;
        GbPdfVal *a = gb_pdfval_new(f, GB_PV_DICT);
        gb_pdfval_put(f, a, "/O", gb_pdfval_name(f, "/Table"));
        gb_pdfval_put(f, a, "/Scope", gb_pdfval_name(f, column ? "/Column" : "/Row"));
        gb_pdfval_put(f, e, "/A", a);
        gb_pdfobj_touch(f, num);
        gb__children(w, num, e, table);
    } else if (strcmp(type, "H") == 0) {
        /* Until the page layout writes H1 itself: H beside H1-H6 is not
         * allowed (Matterhorn 14-007), and H alone says no level. */
        gb_pdfval_put(f, e, "/S", gb_pdfval_name(f, "/H1"));
        gb_pdfobj_touch(f, num);
        gb__children(w, num, e, table);
    } else {
        gb__children(w, num, e, table);
    }
    w->depth--;
}

/* ---- pages, annotations, fonts ---------------------------------------- */

/* A ParentTree value and the object that holds it. */
typedef struct {
    GbPdfVal *value;
    int owner;
} GbParent;

typedef struct {
    GbPdfFile *f;
    GHashTable *parents;    /* StructParents key -> GbParent */
    GHashTable *fonts_done; /* object numbers of CIDFonts seen */
    GHashTable *repeats;    /* from the walk */
    struct libdeflate_compressor *z;
} GbPass;

static void
gb__parent_tree(GbPass *st, GbPdfVal *node, int owner, int depth)
{
    if (node != NULL && node->kind == GB_PV_REF)
        owner = node->num;
    node = gb_pdfobj_resolve(st->f, node);
    if (depth > 20 || node == NULL || node->kind != GB_PV_DICT)
        return;
    GbPdfVal *nums = gb_pdfval_get(node, "/Nums");
    for (GbPdfVal *k = nums != NULL && nums->kind == GB_PV_ARRAY ? nums->first : NULL;
         k != NULL && k->next != NULL; k = k->next->next) {
        GbParent *p = g_new(GbParent, 1);
        *p = (GbParent){k->next, owner};
        g_hash_table_insert(st->parents, GINT_TO_POINTER(k->num), p);
    }
    GbPdfVal *kids = gb_pdfobj_resolve(st->f, gb_pdfval_get(node, "/Kids"));
    for (GbPdfVal *k = kids != NULL && kids->kind == GB_PV_ARRAY ? kids->first : NULL; k != NULL;
         k = k->next)
        gb__parent_tree(st, k, owner, depth + 1);
}

/* The ParentTree value of key (an array or an element), resolved, with the
 * object that holds it in *owner; NULL when there is none. */
static GbPdfVal *
gb__parent(GbPass *st, const GbPdfVal *key, int *owner)
{
    GbParent *p = key != NULL && key->kind == GB_PV_INT
                      ? g_hash_table_lookup(st->parents, GINT_TO_POINTER(key->num))
                      : NULL;
    if (p == NULL)
        return NULL;
    *owner = p->value->kind == GB_PV_REF ? p->value->num : p->owner;
    return gb_pdfobj_resolve(st->f, p->value);
}

/* Type0 fonts of cairo carry CIDFontType2 descendants with glyph ids as CIDs
 * and no CIDToGIDMap; /Identity says so (PDF/UA wants it written). */
static void
gb__fonts(GbPass *st, GbPdfVal *font_dict)
{
    GbPdfFile *f = st->f;
    for (GbPdfVal *k = font_dict != NULL ? font_dict->first : NULL; k != NULL && k->next != NULL;
         k = k->next->next) {
        GbPdfVal *font = gb_pdfobj_resolve(f, k->next);
        if (!gb_pdfval_is_name(gb_pdfval_get(font, "/Subtype"), "/Type0"))
            continue;
        GbPdfVal *ds = gb_pdfobj_resolve(f, gb_pdfval_get(font, "/DescendantFonts"));
        for (GbPdfVal *d = ds != NULL && ds->kind == GB_PV_ARRAY ? ds->first : NULL; d != NULL;
             d = d->next) {
            if (d->kind != GB_PV_REF || !g_hash_table_add(st->fonts_done, GINT_TO_POINTER(d->num)))
                continue;
            GbPdfVal *cid = gb_pdfobj_get(f, d->num);
            if (gb_pdfval_is_name(gb_pdfval_get(cid, "/Subtype"), "/CIDFontType2") &&
                gb_pdfval_get(cid, "/CIDToGIDMap") == NULL) {
                gb_pdfval_put(f, cid, "/CIDToGIDMap", gb_pdfval_name(f, "/Identity"));
                gb_pdfobj_touch(f, d->num);
            }
        }
    }
}

/* The MCIDs of Link element link, each mapped to text in by_mcid. */
static void
gb__link_mcids(const GbPdfVal *link, GString *text, GHashTable *by_mcid)
{
    GbPdfVal *k = gb_pdfval_get(link, "/K");
    for (GbPdfVal *x = k != NULL && k->kind == GB_PV_ARRAY ? k->first : k; x != NULL;
         x = k->kind == GB_PV_ARRAY ? x->next : NULL) {
        GbPdfVal *m = x->kind == GB_PV_DICT ? gb_pdfval_get(x, "/MCID") : x;
        if (m != NULL && m->kind == GB_PV_INT)
            g_hash_table_insert(by_mcid, GINT_TO_POINTER(m->num), text);
    }
}

static void
gb__string_free(gpointer s)
{
    g_string_free(s, TRUE);
}

/* The page's Link annotations without /Contents (object numbers in annots),
 * each with a GString in texts that their marked content will fill. */
static void
gb__links(GbPass *st, GbPdfVal *page, GPtrArray *annots, GPtrArray *texts, GbLinkText *links)
{
    GbPdfVal *as = gb_pdfobj_resolve(st->f, gb_pdfval_get(page, "/Annots"));
    for (GbPdfVal *r = as != NULL && as->kind == GB_PV_ARRAY ? as->first : NULL; r != NULL;
         r = r->next) {
        GbPdfVal *a = r->kind == GB_PV_REF ? gb_pdfobj_get(st->f, r->num) : NULL;
        if (!gb_pdfval_is_name(gb_pdfval_get(a, "/Subtype"), "/Link") ||
            gb_pdfval_get(a, "/Contents") != NULL)
            continue;
        GString *text = g_string_new(NULL);
        g_ptr_array_add(annots, GINT_TO_POINTER(r->num));
        g_ptr_array_add(texts, text);
        int owner;
        GbPdfVal *link = gb__parent(st, gb_pdfval_get(a, "/StructParent"), &owner);
        if (link != NULL && link->kind == GB_PV_DICT)
            gb__link_mcids(link, text, links->by_mcid);
    }
}

/* Rewrites the content stream of page (object page_id), compressed here
 * (libdeflate, level 6). */
static gboolean
gb__content(GbPass *st, int page_id, GbPdfVal *page, GbLinkText *links)
{
    GbPdfFile *f = st->f;
    GbPdfVal *c = gb_pdfval_get(page, "/Contents");
    if (c != NULL && c->kind == GB_PV_ARRAY && gb_pdfval_count(c) == 1)
        c = c->first;
    if (c == NULL || c->kind != GB_PV_REF)
        return FALSE;
    gsize len = 0;
    guint8 *buf = gb_pdfobj_stream_data(f, c->num, &len);
    if (buf == NULL)
        return FALSE;
    int owner = 0;
    GbPdfVal *parents = gb__parent(st, gb_pdfval_get(page, "/StructParents"), &owner);
    GbPage pg = {.f = f,
                 .out = g_string_sized_new(len + len / 8 + 64),
                 .stack = g_array_new(FALSE, FALSE, 1),
                 .parents = parents != NULL && parents->kind == GB_PV_ARRAY ? parents : NULL,
                 .parents_owner = owner,
                 .links = links,
                 .repeats = st->repeats,
                 .page_id = page_id};
    gb__page_rewrite(&pg, (const char *)buf, len);
    size_t cap = libdeflate_zlib_compress_bound(st->z, pg.out->len);
    guint8 *z = g_malloc(cap);
    size_t zlen = libdeflate_zlib_compress(st->z, pg.out->str, pg.out->len, z, cap);
    GbPdfVal *dict = gb_pdfobj_get(f, c->num);
    gb_pdfval_put(f, dict, "/Filter", gb_pdfval_name(f, "/FlateDecode"));
    gb_pdfval_remove(dict, "/DecodeParms");
    gb_pdfobj_set_stream(f, c->num, z, zlen);
    gb_pdfval_put(f, page, "/Contents", gb_pdfval_ref(f, c->num));
    g_string_free(pg.out, TRUE);
    g_array_free(pg.stack, TRUE);
    g_free(buf);
    return zlen > 0;
}

static gboolean
gb__page(GbPass *st, int page_id)
{
    GbPdfFile *f = st->f;
    GbPdfVal *page = gb_pdfobj_get(f, page_id);
    if (page == NULL || page->kind != GB_PV_DICT)
        return FALSE;
    gb_pdfval_put(f, page, "/Tabs", gb_pdfval_name(f, "/S"));
    gb_pdfobj_touch(f, page_id);
    GbPdfVal *res = gb_pdfobj_resolve(f, gb_pdfval_get(page, "/Resources"));
    GbPdfVal *fonts = gb_pdfobj_resolve(f, gb_pdfval_get(res, "/Font"));
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
        int num = GPOINTER_TO_INT(g_ptr_array_index(annots, i));
        gb_pdfval_put(f, gb_pdfobj_get(f, num), "/Contents",
                      gb_pdfval_text(f, t->str[0] != '\0' ? t->str : "Link"));
        gb_pdfobj_touch(f, num);
    }
    g_ptr_array_free(annots, TRUE);
    g_ptr_array_free(texts, TRUE);
    g_hash_table_destroy(links.by_mcid);
    g_hash_table_destroy(links.fonts);
    return ok;
}

/* The page objects under node (a page tree), in order, into pages. */
static void
gb__page_list(GbPdfFile *f, GbPdfVal *node, GArray *pages, int depth)
{
    GbPdfVal *kids = gb_pdfobj_resolve(f, gb_pdfval_get(node, "/Kids"));
    for (GbPdfVal *k = kids != NULL && kids->kind == GB_PV_ARRAY ? kids->first : NULL;
         k != NULL && depth < 20; k = k->next) {
        GbPdfVal *kid = k->kind == GB_PV_REF ? gb_pdfobj_get(f, k->num) : NULL;
        if (gb_pdfval_is_name(gb_pdfval_get(kid, "/Type"), "/Pages"))
            gb__page_list(f, kid, pages, depth + 1);
        else if (kid != NULL)
            g_array_append_val(pages, k->num);
    }
}

/* ---- the pass ------------------------------------------------------- */

/* The catalog's entries: /Lang, /ViewerPreferences, /MarkInfo, /Metadata. */
static gboolean
gb__catalog(GbPdfFile *f, const char *lang, int *root_num, GbPdfVal **root)
{
    GbPdfVal *r = gb_pdfval_get(gb_pdfobj_trailer(f), "/Root");
    *root = r != NULL && r->kind == GB_PV_REF ? gb_pdfobj_get(f, r->num) : NULL;
    if (*root == NULL || (*root)->kind != GB_PV_DICT)
        return FALSE;
    *root_num = r->num;
    gb_pdfval_put(f, *root, "/Lang", gb_pdfval_text(f, lang));
    GbPdfVal *prefs = gb_pdfval_new(f, GB_PV_DICT);
    gb_pdfval_put(f, prefs, "/DisplayDocTitle", gb_pdfval_atom(f, "true"));
    gb_pdfval_put(f, *root, "/ViewerPreferences", prefs);
    GbPdfVal *mark = gb_pdfval_new(f, GB_PV_DICT);
    gb_pdfval_put(f, mark, "/Marked", gb_pdfval_atom(f, "true"));
    gb_pdfval_put(f, *root, "/MarkInfo", mark);
    gb_pdfval_put(f, *root, "/Metadata", gb_pdfval_ref(f, gb__metadata(f, lang)));
    gb_pdfobj_touch(f, r->num);
    return TRUE;
}

GbStatus
gb_accessible_finish(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
                     GByteArray **out, GbDiag *diag)
{
    char *err = NULL;
    GbPdfFile *f = gb_pdfobj_open(pdf, len, &err);
    GbStatus status = GB_SOFTWARE;
    GbPass st = {.f = f};
    GArray *pages = g_array_new(FALSE, FALSE, sizeof(int));
    GbPdfVal *root;
    int root_num;
    if (f == NULL || !gb__catalog(f, lang, &root_num, &root)) {
        gb_diag_set(diag, NULL, 0, 0, "cannot read the PDF cairo wrote: %s",
                    err != NULL ? err : "no catalog");
        goto out;
    }
    st.repeats = g_hash_table_new(NULL, NULL);
    GbWalk w = {.f = f, .alts = alts, .repeats = st.repeats};
    GbPdfVal *tref = gb_pdfval_get(root, "/StructTreeRoot");
    GbPdfVal *tree = gb_pdfobj_resolve(f, tref);
    if (tree != NULL && tree->kind == GB_PV_DICT && tref->kind == GB_PV_REF)
        gb__children(&w, tref->num, tree, NULL);
    if (w.figures != (int)alts->len) {
        gb_diag_set(diag, NULL, 0, 0, "the PDF has %d figures but %u alt texts", w.figures,
                    alts->len);
        goto out;
    }
    st.parents = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    st.fonts_done = g_hash_table_new(NULL, NULL);
    if (tree != NULL)
        gb__parent_tree(&st, gb_pdfval_get(tree, "/ParentTree"), tref->num, 0);
    st.z = libdeflate_alloc_compressor(6);
    gb__page_list(f, gb_pdfobj_resolve(f, gb_pdfval_get(root, "/Pages")), pages, 0);
    for (guint i = 0; i < pages->len; i++) {
        if (!gb__page(&st, g_array_index(pages, int, i))) {
            gb_diag_set(diag, NULL, 0, 0, "cannot rewrite the content of page %u", i + 1);
            goto out;
        }
    }
    if (!gb_pdfobj_write(f, out, &err)) {
        gb_diag_set(diag, NULL, 0, 0, "cannot write the PDF: %s", err);
        goto out;
    }
    status = GB_OK;
out:
    g_free(err);
    g_array_free(pages, TRUE);
    if (st.z != NULL)
        libdeflate_free_compressor(st.z);
    if (st.parents != NULL)
        g_hash_table_destroy(st.parents);
    if (st.fonts_done != NULL)
        g_hash_table_destroy(st.fonts_done);
    if (st.repeats != NULL)
        g_hash_table_destroy(st.repeats);
    gb_pdfobj_free(f);
    return status;
}
