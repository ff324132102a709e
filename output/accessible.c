/* accessible.c - /Alt, /Lang and DisplayDocTitle through libqpdf
 * (see accessible.h). The structure tree is walked depth first, which is the
 * order cairo wrote the elements in, so Figures meet their alt texts in the
 * order they were drawn. */
#include "output/accessible.h"

#include <qpdf/qpdf-c.h>
#include <string.h>

typedef struct {
    qpdf_data q;
    const GPtrArray *alts;   /* NULL when only counting */
    int figures, with_alt;
    int depth;
} GbWalk;

static void
gb__walk(GbWalk *w, qpdf_oh node)
{
    qpdf_data q = w->q;
    if (++w->depth > 200) /* a cycle in a malformed tree */
        return;
    if (qpdf_oh_is_array(q, node)) {
        int n = qpdf_oh_get_array_n_items(q, node);
        for (int i = 0; i < n; i++) {
            qpdf_oh item = qpdf_oh_get_array_item(q, node, i);
            gb__walk(w, item);
            qpdf_oh_release(q, item); /* handles accumulate otherwise */
        }
    } else if (qpdf_oh_is_dictionary(q, node)) {
        qpdf_oh s = qpdf_oh_get_key(q, node, "/S");
        if (qpdf_oh_is_name_and_equals(q, s, "/Figure")) {
            if (w->alts != NULL && w->figures < (int)w->alts->len)
                qpdf_oh_replace_key(
                    q, node, "/Alt",
                    qpdf_oh_new_unicode_string(q, g_ptr_array_index(w->alts, w->figures)));
            if (qpdf_oh_has_key(q, node, "/Alt"))
                w->with_alt++;
            w->figures++;
        }
        qpdf_oh_release(q, s);
        if (qpdf_oh_has_key(q, node, "/K")) {
            qpdf_oh k = qpdf_oh_get_key(q, node, "/K");
            gb__walk(w, k);
            qpdf_oh_release(q, k);
        }
    }
    w->depth--;
}

static gboolean
gb__open(qpdf_data q, const guint8 *pdf, gsize len)
{
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    return (qpdf_read_memory(q, "briefing.pdf", (const char *)pdf, len, NULL) & QPDF_ERRORS) == 0;
}

GbStatus
gb_accessible_finish(const guint8 *pdf, gsize len, const char *lang, const GPtrArray *alts,
                     GByteArray **out, GbDiag *diag)
{
    qpdf_data q = qpdf_init();
    GbStatus status = GB_OK;
    if (!gb__open(q, pdf, len)) {
        gb_diag_set(diag, NULL, 0, 0, "qpdf cannot read the PDF cairo wrote: %s",
                    qpdf_get_error_full_text(q, qpdf_get_error(q)));
        status = GB_SOFTWARE;
        goto out;
    }
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, lang));
    qpdf_oh prefs = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, prefs, "/DisplayDocTitle", qpdf_oh_new_bool(q, QPDF_TRUE));
    qpdf_oh_replace_key(q, root, "/ViewerPreferences", prefs);
    GbWalk w = {.q = q, .alts = alts};
    qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
    if (qpdf_oh_is_dictionary(q, tree))
        gb__walk(&w, qpdf_oh_get_key(q, tree, "/K"));
    if (w.figures != (int)alts->len) {
        gb_diag_set(diag, NULL, 0, 0, "the PDF has %d figures but %u alt texts", w.figures,
                    alts->len);
        status = GB_SOFTWARE;
        goto out;
    }
    qpdf_init_write_memory(q);
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    /* Thousands of small structure elements compress well in object streams
     * (PDF 1.5): the file shrinks to about a third. */
    qpdf_set_object_stream_mode(q, qpdf_o_generate);
    if ((qpdf_write(q) & QPDF_ERRORS) != 0) {
        gb_diag_set(diag, NULL, 0, 0, "qpdf cannot write the PDF: %s",
                    qpdf_get_error_full_text(q, qpdf_get_error(q)));
        status = GB_SOFTWARE;
        goto out;
    }
    *out = g_byte_array_sized_new((guint)qpdf_get_buffer_length(q));
    g_byte_array_append(*out, qpdf_get_buffer(q), (guint)qpdf_get_buffer_length(q));
out:
    qpdf_cleanup(&q);
    return status;
}

gboolean
gb_accessible_inspect(const guint8 *pdf, gsize len, int *with_alt, int *without_alt,
                      char **lang, gboolean *display_title)
{
    qpdf_data q = qpdf_init();
    gboolean ok = gb__open(q, pdf, len);
    if (ok) {
        qpdf_oh root = qpdf_get_root(q);
        GbWalk w = {.q = q};
        qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
        if (qpdf_oh_is_dictionary(q, tree))
            gb__walk(&w, qpdf_oh_get_key(q, tree, "/K"));
        *with_alt = w.with_alt;
        *without_alt = w.figures - w.with_alt;
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
