/* sheetxlsx.c - .xlsx workbooks: the workbook's sheet list and relationships,
 * the shared strings, which styles are dates (serials made YYYY-MM-DD in the
 * 1900 or 1904 system), then each worksheet member streamed as rows. */
#include "pipeline/sheet-private.h"

#include <string.h>

typedef struct {
    GsfInfile *zip;
    GbRowBuild *rb;
    GStringChunk *chunk;
    GPtrArray *strings; /* shared strings, in chunk */
    GArray *xf_date;    /* gboolean per cellXfs entry: a date format */
    gboolean date1904;
    GPtrArray *sheet_names; /* char* */
    GPtrArray *sheet_paths; /* char*, members */
} GbXlsx;

/* TRUE when an Excel number format code shows a date (or time). */
static gboolean
gb__xlsx_date_code(const char *code)
{
    gboolean quoted = FALSE;
    for (const char *p = code; *p != '\0'; p++) {
        if (*p == '"') {
            quoted = !quoted;
        } else if (quoted) {
            continue;
        } else if (*p == '\\' && p[1] != '\0') {
            p++;
        } else if (*p == '[') {
            const char *e = strchr(p, ']');
            if (e == NULL)
                break;
            p = e;
        } else if (strchr("dmyhsDMYHS", *p) != NULL) {
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean
gb__xlsx_date_id(guint id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

/* Runs a reader over a member, calling fn on every element start and end. */
typedef GbStatus (*GbXmlNodeFn)(xmlTextReaderPtr r, int type, const char *ln, gpointer user);

static GbStatus
gb__xml_walk(GbXlsx *x, const char *member, gboolean required, GbXmlNodeFn fn, gpointer user)
{
    GsfInput *in = gb__sheet_member(x->zip, member);
    if (in == NULL) {
        if (!required)
            return GB_OK;
        gb_diag_set(x->rb->diag, NULL, 0, 0, "%s: not a readable .xlsx workbook (no %s)",
                    x->rb->path, member);
        return GB_DATA;
    }
    GString *err = g_string_new(NULL);
    xmlTextReaderPtr r = gb__sheet_xml_open(in, member, err);
    GbStatus status = GB_OK;
    int ret;
    while (status == GB_OK && (ret = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_ELEMENT || type == XML_READER_TYPE_END_ELEMENT ||
            type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
            type == XML_READER_TYPE_CDATA)
            status = fn(r, type, (const char *)xmlTextReaderConstLocalName(r), user);
    }
    if (status == GB_OK && ret != 0)
        status = gb__sheet_xml_failed(x->rb, member, err);
    xmlFreeTextReader(r);
    g_string_free(err, TRUE);
    g_object_unref(in);
    return status;
}

static char *
gb__attr(xmlTextReaderPtr r, const char *name)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, BAD_CAST name);
    char *s = g_strdup((const char *)v);
    xmlFree(v);
    return s;
}

/* workbook.xml: sheet names and relationship ids in order; the 1904 system. */
typedef struct {
    GbXlsx *x;
    GPtrArray *rids;
} GbXlsxBook;

static GbStatus
gb__xlsx_book_node(xmlTextReaderPtr r, int type, const char *ln, gpointer user)
{
    GbXlsxBook *b = user;
    if (type != XML_READER_TYPE_ELEMENT)
        return GB_OK;
    if (strcmp(ln, "sheet") == 0) {
        g_ptr_array_add(b->x->sheet_names, gb__attr(r, "name"));
        xmlChar *rid = xmlTextReaderGetAttributeNs(
            r, BAD_CAST "id",
            BAD_CAST "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
        g_ptr_array_add(b->rids, g_strdup(rid != NULL ? (const char *)rid : ""));
        xmlFree(rid);
    } else if (strcmp(ln, "workbookPr") == 0) {
        char *v = gb__attr(r, "date1904");
        b->x->date1904 = v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
        g_free(v);
    }
    return GB_OK;
}

typedef struct {
    GHashTable *targets; /* rId -> member */
} GbXlsxRels;

static GbStatus
gb__xlsx_rels_node(xmlTextReaderPtr r, int type, const char *ln, gpointer user)
{
    GbXlsxRels *rels = user;
    if (type == XML_READER_TYPE_ELEMENT && strcmp(ln, "Relationship") == 0) {
        char *id = gb__attr(r, "Id"), *target = gb__attr(r, "Target");
        if (id != NULL && target != NULL)
            g_hash_table_insert(rels->targets, id,
                                target[0] == '/' ? g_strdup(target + 1)
                                                 : g_strconcat("xl/", target, NULL));
        else
            g_free(id);
        g_free(target);
    }
    return GB_OK;
}

/* sharedStrings.xml: <si> of <t> or runs <r><t>; phonetic <rPh> left out. */
typedef struct {
    GbXlsx *x;
    GString *s;
    gboolean in_t, in_rph;
} GbXlsxStrings;

static GbStatus
gb__xlsx_strings_node(xmlTextReaderPtr r, int type, const char *ln, gpointer user)
{
    GbXlsxStrings *st = user;
    if (type == XML_READER_TYPE_ELEMENT) {
        gboolean empty = xmlTextReaderIsEmptyElement(r);
        if (strcmp(ln, "si") == 0) {
            g_string_truncate(st->s, 0);
            if (empty)
                g_ptr_array_add(st->x->strings, g_string_chunk_insert(st->x->chunk, ""));
        } else if (strcmp(ln, "rPh") == 0 && !empty) {
            st->in_rph = TRUE;
        } else if (strcmp(ln, "t") == 0 && !empty) {
            st->in_t = TRUE;
        }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
        if (strcmp(ln, "si") == 0)
            g_ptr_array_add(st->x->strings, g_string_chunk_insert_len(st->x->chunk, st->s->str,
                                                                      (gssize)st->s->len));
        else if (strcmp(ln, "rPh") == 0)
            st->in_rph = FALSE;
        else if (strcmp(ln, "t") == 0)
            st->in_t = FALSE;
    } else if (st->in_t && !st->in_rph && st->s->len < 64 * 1024) {
        g_string_append(st->s, (const char *)xmlTextReaderConstValue(r));
    }
    return GB_OK;
}

/* styles.xml: which cellXfs entries carry a date number format. */
typedef struct {
    GbXlsx *x;
    GHashTable *custom; /* numFmtId -> GINT(date?) + 1 */
    gboolean in_xfs;
    GArray *xf_ids; /* numFmtId per cellXfs xf */
} GbXlsxStyles;

static GbStatus
gb__xlsx_styles_node(xmlTextReaderPtr r, int type, const char *ln, gpointer user)
{
    GbXlsxStyles *st = user;
    if (type == XML_READER_TYPE_ELEMENT) {
        if (strcmp(ln, "numFmt") == 0) {
            char *id = gb__attr(r, "numFmtId"), *code = gb__attr(r, "formatCode");
            if (id != NULL && code != NULL)
                g_hash_table_insert(st->custom, GUINT_TO_POINTER(atoi(id)),
                                    GINT_TO_POINTER(gb__xlsx_date_code(code) + 1));
            g_free(id);
            g_free(code);
        } else if (strcmp(ln, "cellXfs") == 0 && !xmlTextReaderIsEmptyElement(r)) {
            st->in_xfs = TRUE;
        } else if (st->in_xfs && strcmp(ln, "xf") == 0) {
            char *id = gb__attr(r, "numFmtId");
            guint v = id != NULL ? (guint)atoi(id) : 0;
            g_array_append_val(st->xf_ids, v);
            g_free(id);
        }
    } else if (type == XML_READER_TYPE_END_ELEMENT && strcmp(ln, "cellXfs") == 0) {
        st->in_xfs = FALSE;
    }
    return GB_OK;
}

/* Serial day number to YYYY-MM-DD. FALSE for a serial outside 1900-9999. In the
 * 1900 system day 1 is 1 January 1900 and day 60 is Lotus's 29 February 1900,
 * which never was; in the 1904 system day 0 is 1 January 1904. */
static gboolean
gb__xlsx_serial_date(double serial, gboolean date1904, char out[16])
{
    if (!(serial >= 0 && serial < 2958466) || (!date1904 && serial < 1))
        return FALSE;
    guint days = (guint)serial;
    GDate *d;
    if (date1904)
        d = g_date_new_dmy(1, G_DATE_JANUARY, 1904);
    else if (days < 60)
        d = g_date_new_dmy(31, G_DATE_DECEMBER, 1899);
    else
        d = g_date_new_dmy(30, G_DATE_DECEMBER, 1899);
    g_date_add_days(d, days);
    g_snprintf(out, 16, "%04d-%02d-%02d", g_date_get_year(d), g_date_get_month(d),
               g_date_get_day(d));
    g_date_free(d);
    return TRUE;
}

/* A worksheet: <row r="N"><c r="B5" t=".." s=".."><v>..</v> or <is><t>..</t></is></c>. */
typedef struct {
    GbXlsx *x;
    guint64 next_col;
    char t[16];
    guint s;
    gboolean in_v, in_is_t, in_cell, has_value;
    GString *v;
} GbXlsxSheet;

static guint64
gb__xlsx_ref_col(const char *ref, guint64 fallback)
{
    guint64 col = 0;
    const char *p = ref;
    while (*p >= 'A' && *p <= 'Z' && col < 100000)
        col = col * 26 + (guint64)(*p++ - 'A' + 1);
    return p == ref ? fallback : col - 1;
}

static GbStatus
gb__xlsx_cell_done(GbXlsxSheet *sh)
{
    GbRowBuild *rb = sh->x->rb;
    const char *v = sh->v->str;
    gsize len = sh->v->len;
    guint8 type = GB_CELL_TEXT;
    char date[16];
    if (!sh->has_value) {
        type = GB_CELL_EMPTY;
    } else if (strcmp(sh->t, "s") == 0) {
        guint64 i = g_ascii_strtoull(v, NULL, 10);
        if (i >= sh->x->strings->len) {
            gb_diag_set(rb->diag, NULL, 0, 0,
                        "%s[%s]:%" G_GUINT64_FORMAT ": shared string %" G_GUINT64_FORMAT
                        " does not exist (%u strings)",
                        rb->path, rb->sheet, rb->row, i, sh->x->strings->len);
            return GB_DATA;
        }
        v = g_ptr_array_index(sh->x->strings, i);
        len = strlen(v);
    } else if (strcmp(sh->t, "b") == 0) {
        type = GB_CELL_BOOL;
        v = strcmp(v, "1") == 0 ? "true" : "false";
        len = strlen(v);
    } else if (strcmp(sh->t, "d") == 0) {
        type = GB_CELL_DATE;
        len = MIN(len, 10);
    } else if (sh->t[0] == '\0' || strcmp(sh->t, "n") == 0) {
        type = GB_CELL_NUMBER;
        if (sh->s < sh->x->xf_date->len && g_array_index(sh->x->xf_date, gboolean, sh->s) &&
            gb__xlsx_serial_date(g_ascii_strtod(v, NULL), sh->x->date1904, date)) {
            type = GB_CELL_DATE;
            v = date;
            len = strlen(date);
        }
    } /* str (a formula's text), inlineStr, e (an error such as #N/A): as text */
    GbStatus status = gb__sheet_rb_cell(rb, v, len, type, 1);
    sh->next_col++;
    return status;
}

static GbStatus
gb__xlsx_sheet_node(xmlTextReaderPtr r, int type, const char *ln, gpointer user)
{
    GbXlsxSheet *sh = user;
    GbRowBuild *rb = sh->x->rb;
    if (rb->skipping)
        return GB_OK;
    if (type == XML_READER_TYPE_ELEMENT) {
        gboolean empty = xmlTextReaderIsEmptyElement(r);
        if (strcmp(ln, "row") == 0) {
            char *rs = gb__attr(r, "r");
            guint64 n = rs != NULL ? g_ascii_strtoull(rs, NULL, 10) : rb->row;
            g_free(rs);
            GbStatus status = GB_OK;
            if (n > rb->row) /* rows the file leaves out are blank */
                status = gb__sheet_rb_emit(rb, n - rb->row);
            gb__sheet_rb_reset(rb);
            sh->next_col = 0;
            if (status == GB_OK && empty)
                status = gb__sheet_rb_emit(rb, 1);
            return status;
        }
        if (strcmp(ln, "c") == 0) {
            char *ref = gb__attr(r, "r"), *t = gb__attr(r, "t"), *s = gb__attr(r, "s");
            guint64 col = ref != NULL ? gb__xlsx_ref_col(ref, sh->next_col) : sh->next_col;
            g_strlcpy(sh->t, t != NULL ? t : "", sizeof sh->t);
            sh->s = s != NULL ? (guint)atoi(s) : 0;
            g_free(ref);
            g_free(t);
            g_free(s);
            GbStatus status = GB_OK;
            if (col > sh->next_col) {
                status = gb__sheet_rb_cell(rb, "", 0, GB_CELL_EMPTY, col - sh->next_col);
                sh->next_col = col;
            }
            g_string_truncate(sh->v, 0);
            sh->has_value = FALSE;
            sh->in_cell = !empty;
            if (status == GB_OK && empty)
                status = gb__xlsx_cell_done(sh);
            return status;
        }
        if (sh->in_cell && strcmp(ln, "v") == 0)
            sh->in_v = !empty;
        else if (sh->in_cell && strcmp(ln, "t") == 0)
            sh->in_is_t = !empty;
        if (sh->in_cell && (strcmp(ln, "v") == 0 || strcmp(ln, "is") == 0))
            sh->has_value = TRUE;
        return GB_OK;
    }
    if (type == XML_READER_TYPE_END_ELEMENT) {
        if (strcmp(ln, "v") == 0)
            sh->in_v = FALSE;
        else if (strcmp(ln, "t") == 0)
            sh->in_is_t = FALSE;
        else if (strcmp(ln, "c") == 0 && sh->in_cell) {
            sh->in_cell = FALSE;
            return gb__xlsx_cell_done(sh);
        } else if (strcmp(ln, "row") == 0) {
            return gb__sheet_rb_emit(rb, 1);
        }
        return GB_OK;
    }
    if ((sh->in_v || sh->in_is_t) && sh->v->len < 64 * 1024)
        g_string_append(sh->v, (const char *)xmlTextReaderConstValue(r));
    return GB_OK;
}

GbStatus
gb__sheet_xlsx_read(GsfInfile *zip, GbRowBuild *rb)
{
    GbXlsx x = {.zip = zip, .rb = rb};
    x.chunk = g_string_chunk_new(64 * 1024);
    x.strings = g_ptr_array_new();
    x.xf_date = g_array_new(FALSE, TRUE, sizeof(gboolean));
    x.sheet_names = g_ptr_array_new_with_free_func(g_free);
    x.sheet_paths = g_ptr_array_new_with_free_func(g_free);
    GbXlsxBook book = {.x = &x, .rids = g_ptr_array_new_with_free_func(g_free)};
    GbXlsxRels rels = {.targets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)};
    GbXlsxStrings strs = {.x = &x, .s = g_string_new(NULL)};
    GbXlsxStyles sty = {.x = &x,
                        .custom = g_hash_table_new(g_direct_hash, g_direct_equal),
                        .xf_ids = g_array_new(FALSE, FALSE, sizeof(guint))};
    GbStatus status = gb__xml_walk(&x, "xl/workbook.xml", TRUE, gb__xlsx_book_node, &book);
    if (status == GB_OK)
        status = gb__xml_walk(&x, "xl/_rels/workbook.xml.rels", TRUE, gb__xlsx_rels_node, &rels);
    if (status == GB_OK)
        status = gb__xml_walk(&x, "xl/sharedStrings.xml", FALSE, gb__xlsx_strings_node, &strs);
    if (status == GB_OK)
        status = gb__xml_walk(&x, "xl/styles.xml", FALSE, gb__xlsx_styles_node, &sty);
    for (guint i = 0; i < sty.xf_ids->len; i++) {
        guint id = g_array_index(sty.xf_ids, guint, i);
        int custom = GPOINTER_TO_INT(g_hash_table_lookup(sty.custom, GUINT_TO_POINTER(id)));
        gboolean is_date = custom ? custom - 1 : gb__xlsx_date_id(id);
        g_array_append_val(x.xf_date, is_date);
    }
    GbXlsxSheet sh = {.x = &x, .v = g_string_new(NULL)};
    for (guint i = 0; i < x.sheet_names->len && status == GB_OK; i++) {
        const char *member = g_hash_table_lookup(rels.targets, g_ptr_array_index(book.rids, i));
        status = gb__sheet_rb_begin_sheet(rb, g_ptr_array_index(x.sheet_names, i));
        if (status != GB_OK || rb->skipping)
            continue;
        if (member == NULL) {
            gb_diag_set(rb->diag, NULL, 0, 0,
                        "%s[%s]: the workbook names no part for this "
                        "sheet",
                        rb->path, rb->sheet);
            status = GB_DATA;
            break;
        }
        sh.next_col = 0;
        status = gb__xml_walk(&x, member, TRUE, gb__xlsx_sheet_node, &sh);
        if (status == GB_OK && !rb->skipping)
            status = gb__sheet_rb_end_sheet(rb);
    }
    g_string_free(sh.v, TRUE);
    g_hash_table_destroy(sty.custom);
    g_array_free(sty.xf_ids, TRUE);
    g_string_free(strs.s, TRUE);
    g_hash_table_destroy(rels.targets);
    g_ptr_array_free(book.rids, TRUE);
    g_ptr_array_free(x.sheet_names, TRUE);
    g_ptr_array_free(x.sheet_paths, TRUE);
    g_array_free(x.xf_date, TRUE);
    g_ptr_array_free(x.strings, TRUE);
    g_string_chunk_free(x.chunk);
    return status;
}
