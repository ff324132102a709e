/* accessible.h - the finishing pass cairo 1.16 cannot do, on the PDF bytes
 * through libqpdf: what PDF/UA-1 needs beyond cairo's tags (Artifacts,
 * /Alt, /Scope, XMP, /Lang, link /Contents, /Tabs, CIDToGIDMap), written as
 * an incremental update of cairo's file with a deterministic /ID. */
#ifndef GB_ACCESSIBLE_H
#define GB_ACCESSIBLE_H

#include "pipeline/status.h"

/* cairo 1.16 has no Artifact tag: the page layout draws the running header
 * and footer inside these two structure tags (never used for content), and
 * the pass turns their marked content into pagination Artifacts (/Subtype
 * /Header and /Footer) and drops their elements from the tree. */
#define GB_TAG_HEADER "Private"
#define GB_TAG_FOOTER "NonStruct"

/* Rewrites pdf (len bytes) into *out: the i-th Figure of the structure tree,
 * in document order, gets alts[i] as /Alt, and a Caption that is a Figure's
 * only child becomes its next sibling, an H becomes H1; every TH gets /Scope (/Column in a
 * THead or a table's first row, else /Row); the catalog gets /Lang lang,
 * /ViewerPreferences << /DisplayDocTitle true >>, MarkInfo and an XMP packet
 * (the Info dictionary's title, author, subject, keywords, producer, creator
 * and date, dc:language, pdfuaid:part 1). On every page: drawing outside any
 * marked-content sequence becomes a layout Artifact, the header and footer
 * sequences pagination Artifacts; /Tabs /S; each Link annotation gets its
 * marked text as /Contents; Type0 CIDFontType2 fonts /CIDToGIDMap /Identity.
 * Deterministic: the same input gives the same bytes. Fails with GB_SOFTWARE when
 * the file cannot be read or written, or when the number of Figures differs
 * from alts->len (a figure without alt text is a bug). */
GbStatus gb_accessible_finish(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
                              GByteArray **out, GbDiag *diag);

/* The structure elements a page layout opened, in the order it opened them
 * (depth first: the order cairo writes them in), so that the finishing
 * pass need not read from the file the elements it has nothing to do to (a
 * table's TD cells, most of the tree): every libqpdf object read costs some
 * 50,000 instructions. A run of elements opened by someone else (a chart's)
 * is marked with gb_tag_tree_foreign; the pass reads those. */
typedef struct GbTagTree GbTagTree;
GbTagTree *gb_tag_tree_new(void);
void gb_tag_tree_free(GbTagTree *t);
/* An element of structure type name (at most 15 bytes) opens, or the last one closes. */
void gb_tag_tree_begin(GbTagTree *t, const char *name);
void gb_tag_tree_end(GbTagTree *t);
/* Elements not recorded here come here (none or more, the pass reads them). */
void gb_tag_tree_foreign(GbTagTree *t);
/* Elements recorded (foreign marks counted). */
guint gb_tag_tree_len(const GbTagTree *t);

/* gb_accessible_finish knowing the tree the layout opened (tags may be NULL:
 * every element is read). The result is the same bytes either way: where
 * the file and tags disagree (a count of children, a type), the pass reads
 * that part of the file as if it had no record. */
GbStatus gb_accessible_finish_tagged(const guint8 *pdf, gsize len, const char *lang,
                                     const GPtrArray *alts, const GbTagTree *tags, GByteArray **out,
                                     GbDiag *diag);

/* gb_accessible_finish_tagged giving only the update (*update, the caller's):
 * the finished file is pdf followed by it. For a caller that holds pdf in an
 * array of its own and appends the update there once nothing else reads it
 * (gb_pdf_render_join): no copy of the file is made. */
GbStatus gb_accessible_finish_update(const guint8 *pdf, gsize len, const char *lang,
                                     const GPtrArray *alts, const GbTagTree *tags,
                                     GByteArray **update, GbDiag *diag);

/* gb_accessible_finish_tagged with the update appended to pdf itself (the
 * finished file is pdf, grown): no second copy of the file. On failure pdf
 * is as it was. */
GbStatus gb_accessible_finish_in_place(GByteArray *pdf, const char *lang, const GPtrArray *alts,
                                       const GbTagTree *tags, GbDiag *diag);

/* From gb_accessible_defer_teardown(TRUE) on, a pass returns once its file
 * is made, and libqpdf's teardown of what it read (its objects: ~5 M
 * instructions and 4-6 ms for the briefing, the last thing the pass did)
 * runs on a thread of its own; gb_accessible_teardown_wait waits for every
 * such thread (the caller's duty before it exits, so that nothing is left
 * running or unfreed) and returns how many there were. For build, whose
 * write stage follows the pass. */
void gb_accessible_defer_teardown(gboolean defer);
guint gb_accessible_teardown_wait(void);

#endif
