/* pdfinspect.h - what the tests read back from a finished PDF with libqpdf. */
#ifndef GB_TEST_PDFINSPECT_H
#define GB_TEST_PDFINSPECT_H

#include <glib.h>

/* Counts Figures with and without /Alt, reads /Lang and whether the viewer
 * shows the title. Returns FALSE when qpdf cannot read the file. lang may be
 * NULL; else g_free it. */
gboolean gb_test_pdf_inspect(const guint8 *pdf, gsize len, int *with_alt, int *without_alt,
                             char **lang, gboolean *display_title);

#endif
