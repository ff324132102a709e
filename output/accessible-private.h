/* accessible-private.h - what the finishing pass (accessible.c) shares with
 * its page rewriter (pdfcontent.c). */
#ifndef GB_ACCESSIBLE_PRIVATE_H
#define GB_ACCESSIBLE_PRIVATE_H

#include "output/accessible.h"
#include "output/pdfobj.h"

/* A page (by object number) and an MCID on it, as one hash key. */
static inline gpointer
gb__mc_key(int page, int mcid)
{
    return GSIZE_TO_POINTER(((gsize)(guint)page << 20) | (gsize)(mcid & 0xfffff));
}

/* The link texts being collected on a page: MCID -> GString. */
typedef struct {
    GHashTable *by_mcid;
    GHashTable *fonts;   /* font resource name -> GHashTable code -> UTF-8, or NULL */
    GbPdfVal *font_dict; /* the page's /Resources /Font */
} GbLinkText;

typedef struct {
    GbPdfFile *f;
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
    GbPdfVal *parents;   /* this page's ParentTree array, or NULL */
    int parents_owner;   /* the object that holds it */
    GbLinkText *links;   /* NULL when the page has no links to name */
    GHashTable *repeats; /* gb__mc_key of repeated header rows' cells */
    int page_id;         /* the page's object number */
    GString *collect;    /* the link text being collected, or NULL */
} GbPage;

/* Adds the XMP packet (the Info dictionary's title, author, subject,
 * keywords, producer, creator and date, dc:language lang, pdfuaid:part 1)
 * as a new object and returns its number; gives the Info dictionary's
 * creation date its D: prefix and a modification date. Can't fail. */
int gb__metadata(GbPdfFile *f, const char *lang);

/* Rewrites the decoded content stream in (len bytes) into pg->out. */
void gb__page_rewrite(GbPage *pg, const char *in, size_t len);

#endif
