/* pdfinspect.c - a finished PDF read back with libqpdf, a reader independent
 * of the finishing pass that wrote it (see pdfinspect.h). */
#include "pdfinspect.h"

#include <qpdf/qpdf-c.h>

static void
gb__count_figures(qpdf_data q, qpdf_oh e, int depth, int *with, int *without)
{
    if (depth > 200 || !qpdf_oh_is_dictionary(q, e))
        return;
    if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, e, "/S"), "/Figure")) {
        if (qpdf_oh_has_key(q, e, "/Alt"))
            (*with)++;
        else
            (*without)++;
    }
    qpdf_oh k = qpdf_oh_get_key(q, e, "/K");
    if (qpdf_oh_is_array(q, k)) {
        int n = qpdf_oh_get_array_n_items(q, k);
        for (int i = 0; i < n; i++)
            gb__count_figures(q, qpdf_oh_get_array_item(q, k, i), depth + 1, with, without);
    } else {
        gb__count_figures(q, k, depth + 1, with, without);
    }
}

gboolean
gb_test_pdf_inspect(const guint8 *pdf, gsize len, int *with_alt, int *without_alt, char **lang,
                    gboolean *display_title)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    gboolean ok =
        (qpdf_read_memory(q, "briefing.pdf", (const char *)pdf, len, NULL) & QPDF_ERRORS) == 0;
    if (ok) {
        qpdf_oh root = qpdf_get_root(q);
        *with_alt = *without_alt = 0;
        gb__count_figures(q, qpdf_oh_get_key(q, root, "/StructTreeRoot"), 0, with_alt, without_alt);
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
