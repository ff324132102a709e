/* accessible-private.h - what the finishing pass (accessible.c) shares with
 * its page rewriter (pdfcontent.c), its XMP (pdfmeta.c) and its writer
 * (pdfupdate.c). The file is read and changed through libqpdf's C API,
 * opened at run time (qpdfload.h). */
#ifndef GB_ACCESSIBLE_PRIVATE_H
#define GB_ACCESSIBLE_PRIVATE_H

#include "output/accessible.h"
#include "output/qpdfload.h"

/* The file being finished: libqpdf's handle on cairo's bytes, and what the
 * pass changed, which is all the update writes. */
typedef struct {
    qpdf_data q;
    GHashTable *touched; /* object id -> generation of the objects changed or made */
    GHashTable *freed;   /* object id -> generation of the objects left out */
    GHashTable *data;    /* object id -> GBytes: a stream's new data, encoded as its
                            dictionary says */
    GHashTable *made;    /* object id -> qpdf_oh: the direct dictionary of a stream the
                            pass made (numbered by the pass, not libqpdf) */
    GHashTable *literal; /* object id -> char *: the object as libqpdf would unparse it,
                            made from cairo's bytes by the pass (never read by libqpdf);
                            may be NULL */
} GbEdit;

/* The stand-in (a name object) put in place of an object the pass never
 * parses (a table row's TR): it is never written. */
#define GB_STAND_IN "/GbStandIn"

/* The indirect object oh is written again (a direct one: nothing). */
static inline void
gb__touch(GbEdit *ed, qpdf_oh oh)
{
    int id = qpdf_oh_get_object_id(ed->q, oh);
    if (id > 0)
        g_hash_table_insert(ed->touched, GINT_TO_POINTER(id),
                            GINT_TO_POINTER(qpdf_oh_get_generation(ed->q, oh)));
}

/* The object value is written again: itself when it is indirect, else the
 * indirect object owner that holds it. */
static inline void
gb__touch_in(GbEdit *ed, qpdf_oh value, qpdf_oh owner)
{
    gb__touch(ed, qpdf_oh_is_indirect(ed->q, value) ? value : owner);
}

/* A page (by object number) and an MCID on it, as one hash key. */
static inline gpointer
gb__mc_key(int page, int mcid)
{
    return GSIZE_TO_POINTER(((gsize)(guint)page << 20) | (gsize)(mcid & 0xfffff));
}

/* The link texts being collected on a page: MCID -> GString. */
typedef struct {
    GHashTable *by_mcid;
    GHashTable *fonts; /* font resource name -> GHashTable code -> UTF-8, or NULL */
    qpdf_oh font_dict; /* the page's /Resources /Font */
} GbLinkText;

typedef struct {
    GbEdit *ed;
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
    qpdf_oh parents;       /* this page's ParentTree array, or 0 */
    qpdf_oh parents_owner; /* the indirect object that holds it */
    int n_parents;         /* its length */
    GbLinkText *links;     /* NULL when the page has no links to name */
    GHashTable *repeats;   /* gb__mc_key of repeated header rows' cells */
    int page_id;           /* the page's object number */
    GString *collect;      /* the link text being collected, or NULL */
} GbPage;

/* Adds the XMP packet (the Info dictionary's title, author, subject,
 * keywords, producer, creator and date, dc:language lang, pdfuaid:part 1)
 * as a new stream object (numbered the trailer's /Size, in ed->made) and
 * returns a reference to it; gives the Info dictionary's
 * creation date its D: prefix and a modification date. Can't fail. */
qpdf_oh gb__metadata(GbEdit *ed, const char *lang);

/* Rewrites the decoded content stream in (len bytes) into pg->out. */
void gb__page_rewrite(GbPage *pg, const char *in, size_t len);

/* The MD5 of cairo's bytes (pdf, len) for the update's /ID, begun when the
 * pass starts: on a thread of its own for a large file (it took the
 * briefing's pass 5-14 ms of waiting when begun with the update, which takes
 * 3 ms), in line at the update for a small one. pdf must stay as it is until
 * gb__update has returned or the hash is freed. One update each. */
typedef struct GbIdHash GbIdHash;
GbIdHash *gb__id_hash_start(const guint8 *pdf, gsize len);
void gb__id_hash_free(GbIdHash *id); /* waits for its thread; NULL does nothing */

/* The incremental update of the file qpdf read (pdf, len bytes), to be
 * appended to those bytes: every touched object as libqpdf unparses it
 * (streams with their new data), a cross-reference section (which also
 * frees the freed objects) and a trailer with /Prev and an /ID whose second
 * part is the MD5 of the bytes before it (cairo's from md5, which is waited
 * for here, and the update's). Deterministic.
 * Returns NULL with *err set (g_free it) when an object cannot be written. */
GString *gb__update(GbEdit *ed, const guint8 *pdf, gsize len, GbIdHash *md5, char **err);

/* For tests: the elements the last pass on this thread knew from the
 * layout's record (gb_accessible_finish_tagged) and did not read. */
int gb__accessible_skipped(void);

/* For tests: the structure elements and ParentTree arrays the last pass on
 * this thread read from cairo's bytes (their shape confirmed) instead of
 * through libqpdf. */
int gb__accessible_raw(void);

/* For tests: the pages whose content the last pass on this thread took
 * from its rewrite beside the walk (gb__pages_work). */
int gb__accessible_beside(void);

#endif
