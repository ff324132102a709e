/* pdfmeta.c - the XMP packet of the finishing pass (see
 * accessible-private.h): the Info dictionary's entries as XMP, dc:language
 * and the PDF/UA identifier, and the Info dates in PDF form. */
#include "output/accessible-private.h"

#include <string.h>

/* ---- metadata ------------------------------------------------------- */

/* A PDF date as cairo writes it ("20250324", "D:20250324000000Z",
 * "20250324120000+01'00") as XMP's ISO 8601; NULL if it is not one. */
static char *
gb__iso_date(const char *pdf)
{
    if (pdf == NULL)
        return NULL;
    if (g_str_has_prefix(pdf, "D:"))
        pdf += 2;
    size_t n = strspn(pdf, "0123456789");
    if (n < 4 || n % 2 != 0 || n > 14)
        return NULL;
    static const char *const sep[] = {"", "-", "-", "T", ":", ":"};
    GString *s = g_string_new(NULL);
    for (size_t i = 0, f = 0; i < n; f++) {
        size_t w = f == 0 ? 4 : 2;
        g_string_append(s, sep[f]);
        g_string_append_len(s, pdf + i, (gssize)w);
        i += w;
    }
    if (n == 10) /* hours without minutes: XMP wants both */
        g_string_append(s, ":00");
    const char *tz = pdf + n;
    if (n > 8) {
        if (*tz == 'Z' || *tz == '\0') {
            g_string_append_c(s, 'Z');
        } else if ((*tz == '+' || *tz == '-') && strlen(tz) >= 3) {
            g_string_append_printf(s, "%c%.2s:%.2s", tz[0], tz + 1,
                                   strlen(tz) >= 6 ? tz + 4 : "00");
        }
    }
    return g_string_free(s, FALSE);
}

static void
gb__xmp_text(GString *x, const char *element, const char *value, const char *wrap)
{
    if (value == NULL || *value == '\0')
        return;
    char *v = g_markup_escape_text(value, -1);
    if (wrap == NULL)
        g_string_append_printf(x, "   <%s>%s</%s>\n", element, v, element);
    else if (strcmp(wrap, "Alt") == 0)
        g_string_append_printf(x,
                               "   <%s><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li>"
                               "</rdf:Alt></%s>\n",
                               element, v, element);
    else
        g_string_append_printf(x, "   <%s><rdf:%s><rdf:li>%s</rdf:li></rdf:%s></%s>\n", element,
                               wrap, v, wrap, element);
    g_free(v);
}

/* The Info dictionary's entry key as UTF-8 (g_free it), or NULL. */
static char *
gb__info(qpdf_data q, const char *key)
{
    qpdf_oh info = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info");
    qpdf_oh v = qpdf_oh_get_key(q, info, key);
    return qpdf_oh_is_string(q, v) ? g_strdup(qpdf_oh_get_utf8_value(q, v)) : NULL;
}

static void
gb__xmp_info(GString *x, qpdf_data q, const char *element, const char *key, const char *wrap)
{
    char *v = gb__info(q, key);
    gb__xmp_text(x, element, v, wrap);
    g_free(v);
}

/* The XMP packet: the Info dictionary's entries (same values, dates in ISO
 * form), the language and the PDF/UA identifier. Only from the file, so the
 * same file gives the same bytes. */
qpdf_oh
gb__metadata(GbEdit *ed, const char *lang)
{
    qpdf_data q = ed->q;
    qpdf_oh info = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info");
    char *created = NULL;
    if (qpdf_oh_is_dictionary(q, info)) {
        /* cairo writes user dates without the D: prefix: add it, and the
         * modification date the XMP will also carry. */
        char *raw = gb__info(q, "/CreationDate");
        if (raw != NULL && !g_str_has_prefix(raw, "D:")) {
            char *d = g_strconcat("D:", raw, NULL);
            g_free(raw);
            raw = d;
        }
        created = gb__iso_date(raw);
        if (created != NULL) {
            qpdf_oh_replace_key(q, info, "/CreationDate", qpdf_oh_new_unicode_string(q, raw));
            qpdf_oh_replace_key(q, info, "/ModDate", qpdf_oh_new_unicode_string(q, raw));
            gb__touch(ed, info);
        }
        g_free(raw);
    }
    GString *x =
        g_string_new("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                     " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                     "  <rdf:Description rdf:about=\"\"\n"
                     "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                     "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                     "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                     "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
                     "   <dc:format>application/pdf</dc:format>\n");
    gb__xmp_info(x, q, "dc:title", "/Title", "Alt");
    gb__xmp_info(x, q, "dc:creator", "/Author", "Seq");
    gb__xmp_info(x, q, "dc:description", "/Subject", "Alt");
    gb__xmp_text(x, "dc:language", lang, "Bag");
    gb__xmp_info(x, q, "pdf:Keywords", "/Keywords", NULL);
    gb__xmp_info(x, q, "pdf:Producer", "/Producer", NULL);
    gb__xmp_info(x, q, "xmp:CreatorTool", "/Creator", NULL);
    gb__xmp_text(x, "xmp:CreateDate", created, NULL);
    gb__xmp_text(x, "xmp:ModifyDate", created, NULL);
    gb__xmp_text(x, "xmp:MetadataDate", created, NULL);
    g_string_append(x, "   <pdfuaid:part>1</pdfuaid:part>\n"
                       "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");
    /* A new object made without libqpdf's making one: that resolves every
     * object of the file first (to number it), which the pass otherwise
     * never reads. Its number is the trailer's /Size; its dictionary a
     * direct one, written by gb__update with the data. */
    qpdf_oh size = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Size");
    int id = qpdf_oh_is_integer(q, size) ? qpdf_oh_get_int_value_as_int(q, size) : 0;
    qpdf_oh_release(q, size);
    qpdf_oh dict = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, dict, "/Type", qpdf_oh_new_name(q, "/Metadata"));
    qpdf_oh_replace_key(q, dict, "/Subtype", qpdf_oh_new_name(q, "/XML"));
    qpdf_oh_replace_key(q, dict, "/Length", qpdf_oh_new_integer(q, (long long)x->len));
    g_hash_table_insert(ed->touched, GINT_TO_POINTER(id), GINT_TO_POINTER(0));
    g_hash_table_insert(ed->made, GINT_TO_POINTER(id), GUINT_TO_POINTER(dict));
    gsize len = x->len;
    g_hash_table_insert(ed->data, GINT_TO_POINTER(id),
                        g_bytes_new_take(g_string_free(x, FALSE), len));
    /* The number holds the dictionary in libqpdf too, so that a reference
     * to it is no null (which a dictionary drops). */
    qpdf_replace_object(q, id, 0, dict);
    qpdf_oh stream = qpdf_get_object_by_id(q, id, 0);
    g_free(created);
    return stream;
}
