/* doc-private.h - doc.c's hooks for tests: not part of the renderer's API. */
#ifndef GB_DOC_PRIVATE_H
#define GB_DOC_PRIVATE_H

#include "output/doc.h"

#include <pango/pango.h>

/* Called on the measuring pass with every table cell as laid out: its text,
 * its layout, the column's text width and the text size, in points. NULL
 * stops the calls. One hook for the process: set it only in a test. */
typedef void (*GbDocCellFn)(const char *text, PangoLayout *ly, double width, double size,
                            gpointer user);
void gb__doc_set_cell_fn(GbDocCellFn fn, gpointer user);

#endif
