/* sheetods.c - .ods workbooks: every sheet of content.xml streamed as rows,
 * table:number-columns-repeated and table:number-rows-repeated counted, not
 * materialised; and the filter that passes unwanted sheets by before libxml2
 * parses them. */
#include "pipeline/sheet-private.h"

#include <string.h>

#define GB__NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"

/* ---- passing ODS sheets by before the parser sees them ----
 *
 * An .ods keeps every sheet in one content.xml; most of the 2023 workbook's
 * 39 MB are sheets about providers that no profile reads. Rather than have
 * libxml2 parse them only to be ignored, the bytes are filtered on their way
 * in: a tag-level scanner (quotes, comments, CDATA and processing instructions
 * respected; text cannot hold '<' in well-formed XML) finds each sheet's start
 * tag, asks how many rows of it are wanted, and once that many top-level rows
 * have ended drops everything up to the sheet's own end tag. The parser then
 * sees a well-formed, shorter sheet. The cut is made only after a row's end,
 * outside any row group or nested table; with a document that does not bind
 * the "table" prefix to the ODF table namespace, nothing is cut. */

typedef guint64 (*GbKeepRowsFn)(const char *sheet, gpointer user);

typedef struct {
    GsfInput *in;
    GbKeepRowsFn keep;
    gpointer user;
    gboolean checked_root, enabled, eof, drop, in_table;
    guint nested, group;
    guint64 rows, keep_rows;
    GByteArray *raw; /* input not yet scanned */
    GByteArray *out; /* scanned, for the parser */
    gsize out_pos;
} GbSkipper;

static gboolean
gb__has_prefix(const guint8 *p, gsize n, const char *lit)
{
    gsize k = strlen(lit);
    return n >= k && memcmp(p, lit, k) == 0;
}

/* Whether the tag at p (n bytes, '<' to '>') names element `name` exactly. */
static gboolean
gb__tag_is(const guint8 *p, gsize n, const char *name)
{
    gsize k = strlen(name);
    if (n < k + 2 || memcmp(p + 1, name, k) != 0)
        return FALSE;
    guint8 c = p[1 + k];
    return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r';
}

/* The end of the tag starting at p[0] == '<', or 0 when it is not complete. */
static gsize
gb__tag_end(const guint8 *p, gsize n)
{
    const char *close = NULL;
    gsize from = 1;
    if (gb__has_prefix(p, n, "<!--"))
        close = "-->", from = 4;
    else if (gb__has_prefix(p, n, "<![CDATA["))
        close = "]]>", from = 9;
    else if (gb__has_prefix(p, n, "<?"))
        close = "?>", from = 2;
    if (close != NULL) {
        gsize k = strlen(close);
        for (gsize i = from; i + k <= n; i++)
            if (memcmp(p + i, close, k) == 0)
                return i + k;
        return 0;
    }
    guint8 quote = 0;
    for (gsize i = 1; i < n; i++) {
        if (quote != 0) {
            if (p[i] == quote)
                quote = 0;
        } else if (p[i] == '"' || p[i] == '\'') {
            quote = p[i];
        } else if (p[i] == '>') {
            return i + 1;
        }
    }
    return 0;
}

/* The table:name of a sheet's start tag, with the five XML entities decoded. */
static char *
gb__tag_sheet_name(const guint8 *p, gsize n)
{
    const char *key = "table:name=";
    gsize k = strlen(key);
    for (gsize i = 0; i + k + 1 < n; i++) {
        if (memcmp(p + i, key, k) != 0 || (p[i + k] != '"' && p[i + k] != '\''))
            continue;
        guint8 q = p[i + k];
        GString *name = g_string_new(NULL);
        for (gsize j = i + k + 1; j < n && p[j] != q; j++) {
            static const char *const ents[][2] = {
                {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
            gboolean done = FALSE;
            for (gsize e = 0; e < G_N_ELEMENTS(ents) && !done; e++)
                if (gb__has_prefix(p + j, n - j, ents[e][0])) {
                    g_string_append(name, ents[e][1]);
                    j += strlen(ents[e][0]) - 1;
                    done = TRUE;
                }
            if (!done)
                g_string_append_c(name, (char)p[j]);
        }
        return g_string_free(name, FALSE);
    }
    return g_strdup("");
}

/* Scans a complete tag: updates the state and says whether it goes through. */
static gboolean
gb__skip_tag(GbSkipper *sk, const guint8 *p, gsize n)
{
    if (!sk->checked_root && gb__tag_is(p, n, "office:document-content")) {
        sk->checked_root = TRUE;
        sk->enabled =
            g_strstr_len((const char *)p, (gssize)n, "xmlns:table=\"" GB__NS_TABLE "\"") != NULL;
    }
    if (!sk->enabled || p[1] == '!' || p[1] == '?')
        return !sk->drop;
    gboolean end = p[1] == '/', empty = n >= 2 && p[n - 2] == '/';
    const guint8 *q = end ? p + 1 : p;
    gsize qn = end ? n - 1 : n;
    if (gb__tag_is(q, qn, "table:table")) {
        if (end) {
            if (sk->nested > 0) {
                sk->nested--;
                return !sk->drop;
            }
            sk->in_table = FALSE;
            sk->drop = FALSE;
            return TRUE; /* the sheet's own end tag always goes through */
        }
        if (sk->in_table) {
            if (!empty)
                sk->nested++;
            return !sk->drop;
        }
        if (!empty) {
            char *name = gb__tag_sheet_name(p, n);
            sk->in_table = TRUE;
            sk->rows = 0;
            sk->group = 0;
            sk->keep_rows = sk->keep != NULL ? sk->keep(name, sk->user) : G_MAXUINT64;
            g_free(name);
        }
        return TRUE;
    }
    if (!sk->in_table || sk->drop || sk->nested > 0)
        return !sk->drop;
    if (gb__tag_is(q, qn, "table:table-header-rows") ||
        gb__tag_is(q, qn, "table:table-row-group") || gb__tag_is(q, qn, "table:table-rows")) {
        if (end && sk->group > 0)
            sk->group--;
        else if (!end && !empty)
            sk->group++;
        return TRUE;
    }
    if (gb__tag_is(q, qn, "table:table-row") && (end || empty) && sk->group == 0 &&
        ++sk->rows >= sk->keep_rows)
        sk->drop = TRUE; /* this end tag goes through; what follows does not */
    return TRUE;
}

/* Scans what raw holds; leaves an incomplete tag for the next chunk. */
static void
gb__skip_scan(GbSkipper *sk)
{
    const guint8 *p = sk->raw->data;
    gsize n = sk->raw->len, i = 0;
    while (i < n) {
        if (p[i] == '<' && sk->drop && sk->enabled) {
            /* In a sheet being dropped only table:table tags (nesting, the
             * sheet's end), comments, CDATA and PIs matter; any other tag is
             * passed by to the next '<', which well-formed XML never has
             * inside a tag or in text. */
            gsize left = n - i;
            if (left < 16 && !sk->eof)
                break; /* the rest of the tag comes with the next chunk */
            if (left >= 2 && p[i + 1] != '!' && p[i + 1] != '?' &&
                !gb__tag_is(p + i, left, "table:table") &&
                !(p[i + 1] == '/' && gb__tag_is(p + i + 1, left - 1, "table:table"))) {
                const guint8 *lt = memchr(p + i + 1, '<', left - 1);
                i = lt != NULL ? (gsize)(lt - p) : n;
                continue;
            }
        }
        if (p[i] != '<') {
            const guint8 *lt = memchr(p + i, '<', n - i);
            gsize stop = lt != NULL ? (gsize)(lt - p) : n;
            if (!sk->drop)
                g_byte_array_append(sk->out, p + i, (guint)(stop - i));
            i = stop;
            continue;
        }
        gsize len = gb__tag_end(p + i, n - i);
        if (len == 0) {
            if (!sk->eof)
                break;
            len = n - i; /* a broken tail: the parser will say so */
        }
        if (gb__skip_tag(sk, p + i, len))
            g_byte_array_append(sk->out, p + i, (guint)len);
        i += len;
    }
    g_byte_array_remove_range(sk->raw, 0, (guint)i);
}

static int
gb__skip_read(void *ctx, char *buf, int len)
{
    GbSkipper *sk = ctx;
    while (sk->out->len - sk->out_pos < (gsize)len && !sk->eof) {
        if (sk->out_pos > 0) {
            g_byte_array_remove_range(sk->out, 0, (guint)sk->out_pos);
            sk->out_pos = 0;
        }
        gsf_off_t left = gsf_input_remaining(sk->in);
        gsize chunk = (gsize)MIN(left, (gsf_off_t)(256 * 1024));
        if (chunk > 0) {
            guint old = sk->raw->len;
            g_byte_array_set_size(sk->raw, old + (guint)chunk);
            if (gsf_input_read(sk->in, chunk, sk->raw->data + old) == NULL)
                return -1;
        }
        sk->eof = gsf_input_remaining(sk->in) <= 0;
        gb__skip_scan(sk);
    }
    gsize n = MIN((gsize)len, sk->out->len - sk->out_pos);
    if (n == 0)
        return 0;
    memcpy(buf, sk->out->data + sk->out_pos, n);
    sk->out_pos += n;
    return (int)n;
}

/* ---- ODS ---- */

typedef struct {
    const xmlChar *table, *row, *cell, *covered, *p, *s, *tab, *line_break, *annotation, *name,
        *value_type, *value, *date_value, *boolean_value, *rows_repeated, *cols_repeated, *c;
} GbOdsNames;

static void
gb__ods_names(xmlTextReaderPtr r, GbOdsNames *n)
{
#define GB__N(field, s) n->field = xmlTextReaderConstString(r, BAD_CAST s)
    GB__N(table, "table");
    GB__N(row, "table-row");
    GB__N(cell, "table-cell");
    GB__N(covered, "covered-table-cell");
    GB__N(p, "p");
    GB__N(s, "s");
    GB__N(tab, "tab");
    GB__N(line_break, "line-break");
    GB__N(annotation, "annotation");
    GB__N(name, "name");
    GB__N(value_type, "value-type");
    GB__N(value, "value");
    GB__N(date_value, "date-value");
    GB__N(boolean_value, "boolean-value");
    GB__N(rows_repeated, "number-rows-repeated");
    GB__N(cols_repeated, "number-columns-repeated");
    GB__N(c, "c");
#undef GB__N
}

static guint64
gb__count_attr(const xmlChar *v)
{
    guint64 n = g_ascii_strtoull((const char *)v, NULL, 10);
    return n == 0 ? 1 : n;
}

typedef struct {
    guint8 type;
    guint64 repeat;
    char value[64]; /* office:value / date-value / boolean-value */
    gboolean has_value;
    int paragraphs;
} GbOdsCell;

static void
gb__ods_cell_attrs(xmlTextReaderPtr r, const GbOdsNames *n, GbOdsCell *c)
{
    *c = (GbOdsCell){.type = GB_CELL_TEXT, .repeat = 1};
    const char *vtype = NULL;
    char vbuf[32] = "";
    while (xmlTextReaderMoveToNextAttribute(r) == 1) {
        const xmlChar *ln = xmlTextReaderConstLocalName(r);
        const char *v = (const char *)xmlTextReaderConstValue(r);
        if (ln == n->cols_repeated) {
            c->repeat = gb__count_attr((const xmlChar *)v);
        } else if (ln == n->value_type) {
            g_strlcpy(vbuf, v, sizeof vbuf);
            vtype = vbuf;
        } else if (ln == n->value || ln == n->date_value || ln == n->boolean_value) {
            /* The cell's own value wins over its display text. */
            if (ln == n->date_value || !c->has_value)
                g_strlcpy(c->value, v, sizeof c->value);
            c->has_value = TRUE;
        }
    }
    xmlTextReaderMoveToElement(r);
    if (vtype == NULL || strcmp(vtype, "string") == 0) {
        c->type = GB_CELL_TEXT;
        c->has_value = FALSE;
    } else if (strcmp(vtype, "date") == 0) {
        c->type = GB_CELL_DATE;
        c->value[10] = '\0'; /* YYYY-MM-DD[THH:MM:SS]: the day */
    } else if (strcmp(vtype, "boolean") == 0) {
        c->type = GB_CELL_BOOL;
    } else if (strcmp(vtype, "float") == 0 || strcmp(vtype, "percentage") == 0 ||
               strcmp(vtype, "currency") == 0) {
        c->type = GB_CELL_NUMBER;
    } else {
        c->type = GB_CELL_TEXT; /* time: its display text */
        c->has_value = FALSE;
    }
}

static GbStatus
gb__ods_cell_done(GbRowBuild *rb, GbOdsCell *c)
{
    if (c->has_value)
        return gb__sheet_rb_cell(rb, c->value, strlen(c->value), c->type, c->repeat);
    return gb__sheet_rb_cell(rb, rb->cell->str, rb->cell->len,
                             rb->cell->len ? GB_CELL_TEXT : GB_CELL_EMPTY, c->repeat);
}

static guint64
gb__ods_keep_rows(const char *sheet, gpointer user)
{
    GbRowBuild *rb = user;
    return rb->fns->keep_rows != NULL ? rb->fns->keep_rows(rb->path, sheet, rb->user) : G_MAXUINT64;
}

GbStatus
gb__sheet_ods_read(GsfInfile *zip, GbRowBuild *rb)
{
    GsfInput *in = gb__sheet_member(zip, "content.xml");
    if (in == NULL) {
        gb_diag_set(rb->diag, NULL, 0, 0, "%s: not a readable .ods workbook (no content.xml)",
                    rb->path);
        return GB_DATA;
    }
    GString *err = g_string_new(NULL);
    GbSkipper sk = {.in = in,
                    .keep = gb__ods_keep_rows,
                    .user = rb,
                    .raw = g_byte_array_new(),
                    .out = g_byte_array_new()};
    xmlTextReaderPtr r = gb__sheet_xml_open_io(gb__skip_read, &sk, "content.xml", err);
    GbStatus status = GB_OK;
    GbOdsNames n;
    gb__ods_names(r, &n);
    gboolean in_sheet = FALSE, in_cell = FALSE;
    guint64 row_repeat = 1;
    GbOdsCell cell = {0};
    int ret = xmlTextReaderRead(r);
    while (ret == 1 && status == GB_OK) {
        int type = xmlTextReaderNodeType(r);
        const xmlChar *ln = xmlTextReaderConstLocalName(r);
        if (type == XML_READER_TYPE_ELEMENT) {
            gboolean empty = xmlTextReaderIsEmptyElement(r);
            if (ln == n.table && !in_cell &&
                xmlStrEqual(xmlTextReaderConstNamespaceUri(r), BAD_CAST GB__NS_TABLE)) {
                xmlChar *name =
                    xmlTextReaderGetAttributeNs(r, BAD_CAST "name", BAD_CAST GB__NS_TABLE);
                status = gb__sheet_rb_begin_sheet(rb, (const char *)name);
                xmlFree(name);
                in_sheet = TRUE;
                if (status == GB_OK && rb->skipping) {
                    ret = xmlTextReaderNext(r); /* the whole sheet, unparsed by us */
                    in_sheet = FALSE;
                    continue;
                }
                if (empty) {
                    status = gb__sheet_rb_end_sheet(rb);
                    in_sheet = FALSE;
                }
            } else if (!in_sheet || rb->skipping) {
                /* outside a sheet, or passing one by */
            } else if (ln == n.row) {
                row_repeat = 1;
                while (xmlTextReaderMoveToNextAttribute(r) == 1)
                    if (xmlTextReaderConstLocalName(r) == n.rows_repeated)
                        row_repeat = gb__count_attr(xmlTextReaderConstValue(r));
                xmlTextReaderMoveToElement(r);
                gb__sheet_rb_reset(rb);
                if (empty)
                    status = gb__sheet_rb_emit(rb, row_repeat);
            } else if (ln == n.cell || ln == n.covered) {
                gb__ods_cell_attrs(r, &n, &cell);
                if (ln == n.covered) { /* hidden under a merged cell: a place, no value */
                    cell.has_value = FALSE;
                    cell.type = GB_CELL_EMPTY;
                }
                g_string_truncate(rb->cell, 0);
                if (empty)
                    status = gb__ods_cell_done(rb, &cell);
                else
                    in_cell = TRUE;
            } else if (in_cell && ln == n.annotation) {
                ret = xmlTextReaderNext(r); /* a comment, not the value */
                continue;
            } else if (in_cell && ln == n.p) {
                if (cell.paragraphs++ > 0)
                    g_string_append_c(rb->cell, '\n');
            } else if (in_cell && ln == n.s) {
                guint64 k = 1;
                xmlChar *c = xmlTextReaderGetAttributeNs(
                    r, BAD_CAST "c", BAD_CAST "urn:oasis:names:tc:opendocument:xmlns:text:1.0");
                if (c != NULL)
                    k = MIN(gb__count_attr(c), 1024);
                xmlFree(c);
                for (guint64 i = 0; i < k; i++)
                    g_string_append_c(rb->cell, ' ');
            } else if (in_cell && ln == n.tab) {
                g_string_append_c(rb->cell, '\t');
            } else if (in_cell && ln == n.line_break) {
                g_string_append_c(rb->cell, '\n');
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (ln == n.table && in_sheet && !in_cell) {
                if (!rb->skipping)
                    status = gb__sheet_rb_end_sheet(rb);
                in_sheet = FALSE;
            } else if (in_sheet && !rb->skipping) {
                if (in_cell && (ln == n.cell || ln == n.covered)) {
                    in_cell = FALSE;
                    status = gb__ods_cell_done(rb, &cell);
                } else if (ln == n.row && !in_cell) {
                    status = gb__sheet_rb_emit(rb, row_repeat);
                }
            }
        } else if (in_cell && !rb->skipping &&
                   (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            if (rb->cell->len < 64 * 1024)
                g_string_append(rb->cell, (const char *)xmlTextReaderConstValue(r));
        }
        ret = xmlTextReaderRead(r);
    }
    if (status == GB_OK && ret != 0)
        status = gb__sheet_xml_failed(rb, "content.xml", err);
    xmlFreeTextReader(r);
    g_byte_array_free(sk.raw, TRUE);
    g_byte_array_free(sk.out, TRUE);
    g_string_free(err, TRUE);
    g_object_unref(in);
    return status;
}
