/* accessible.h - the finishing pass cairo 1.16 cannot do: /Alt on every
 * Figure, /Lang and DisplayDocTitle on the catalog, a deterministic /ID.
 * Done on the PDF bytes with the qpdf C library. */
#ifndef GB_ACCESSIBLE_H
#define GB_ACCESSIBLE_H

#include "pipeline/status.h"

/* Rewrites pdf (len bytes) into *out: the i-th Figure of the structure tree,
 * in document order, gets alts[i] as /Alt; the catalog gets /Lang lang and
 * /ViewerPreferences << /DisplayDocTitle true >>. Fails with GB_SOFTWARE when
 * qpdf cannot read or write the file, or when the number of Figures differs
 * from alts->len (a figure without alt text is a bug). */
GbStatus gb_accessible_finish(const guint8 *pdf, gsize len, const char *lang,
                              const GPtrArray *alts, GByteArray **out, GbDiag *diag);

/* Counts Figures with and without /Alt, reads /Lang and whether the viewer
 * shows the title, in a finished PDF; for tests. Returns FALSE when qpdf cannot
 * read it. lang may be NULL. */
gboolean gb_accessible_inspect(const guint8 *pdf, gsize len, int *with_alt, int *without_alt,
                               char **lang, gboolean *display_title);

#endif
