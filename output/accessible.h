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

#endif
