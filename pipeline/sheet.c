/* sheet.c - stream spreadsheet rows out of .ods and .xlsx workbooks (see sheet.h).
 *
 * libgsf opens the container (GsfInfileZip; GsfInfileMSOle only to say what an
 * OLE file is) and hands each member over as a GsfInput; libxml2's
 * xmlTextReader pulls the XML from it through xmlReaderForIO, node by node.
 * Element names are compared as the reader's interned strings. A row is built
 * in one reusable buffer; empty cells are only counted until a non-empty one
 * follows, so a row of 16,384 repeated empty cells, or a million repeated
 * blank rows, costs one step each. */
#include "pipeline/sheet.h"

#include <gsf/gsf.h>
#include <libxml/xmlreader.h>
#include <string.h>

#define GB__NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"

void
gb_sheet_column_name(guint col, char buf[8])
{
    char tmp[8];
    int n = 0;
    guint64 c = (guint64)col + 1;
    while (c > 0 && n < 7) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

/* ---- the row under construction ---- */

typedef struct {
    const char *path;
    const GbSheetFns *fns;
    gpointer user;
    GbDiag *diag;
    char *sheet;
    gboolean skipping; /* the callbacks asked to pass this sheet by */
    guint64 row;       /* number of the next row */
    GString *buf;      /* cell texts, each followed by a NUL */
    GArray *offs;      /* gsize offset of each cell in buf */
    GArray *lens;      /* gsize */
    GByteArray *types;
    GPtrArray *ptrs;       /* char*, made at emit time */
    guint64 pending_empty; /* empty cells not yet materialised */
    GString *cell;         /* the cell being read */
} GbRowBuild;

static void
gb__rb_init(GbRowBuild *rb, const char *path, const GbSheetFns *fns, gpointer user, GbDiag *diag)
{
    *rb = (GbRowBuild){.path = path, .fns = fns, .user = user, .diag = diag};
    rb->buf = g_string_new(NULL);
    rb->offs = g_array_new(FALSE, FALSE, sizeof(gsize));
    rb->lens = g_array_new(FALSE, FALSE, sizeof(gsize));
    rb->types = g_byte_array_new();
    rb->ptrs = g_ptr_array_new();
    rb->cell = g_string_new(NULL);
}

static void
gb__rb_clear(GbRowBuild *rb)
{
    g_string_free(rb->buf, TRUE);
    g_array_free(rb->offs, TRUE);
    g_array_free(rb->lens, TRUE);
    g_byte_array_free(rb->types, TRUE);
    g_ptr_array_free(rb->ptrs, TRUE);
    g_string_free(rb->cell, TRUE);
    g_free(rb->sheet);
}

static void
gb__rb_reset(GbRowBuild *rb)
{
    g_string_truncate(rb->buf, 0);
    g_array_set_size(rb->offs, 0);
    g_array_set_size(rb->lens, 0);
    g_byte_array_set_size(rb->types, 0);
    rb->pending_empty = 0;
}

static void
gb__rb_put(GbRowBuild *rb, const char *s, gsize len, guint8 type)
{
    gsize off = rb->buf->len;
    g_string_append_len(rb->buf, s, (gssize)len);
    g_string_append_c(rb->buf, '\0');
    g_array_append_val(rb->offs, off);
    g_array_append_val(rb->lens, len);
    g_byte_array_append(rb->types, &type, 1);
}

/* Adds `repeat` copies of a cell; column is the 0-based column of the first. */
static GbStatus
gb__rb_cell(GbRowBuild *rb, const char *s, gsize len, guint8 type, guint64 repeat)
{
    if (repeat == 0)
        repeat = 1;
    if (type == GB_CELL_EMPTY || (len == 0 && type == GB_CELL_TEXT)) {
        rb->pending_empty += repeat;
        return GB_OK;
    }
    guint64 col = rb->offs->len + rb->pending_empty;
    if (col + repeat > GB_SHEET_MAX_COLUMNS) {
        char name[8];
        gb_sheet_column_name((guint)MIN(col + repeat - 1, G_MAXUINT - 1), name);
        gb_diag_set(rb->diag, NULL, 0, 0,
                    "%s[%s]:%" G_GUINT64_FORMAT ":%s: a value past "
                    "column %d; at most %d columns are read",
                    rb->path, rb->sheet, rb->row, name, GB_SHEET_MAX_COLUMNS, GB_SHEET_MAX_COLUMNS);
        return GB_DATA;
    }
    for (; rb->pending_empty > 0; rb->pending_empty--)
        gb__rb_put(rb, "", 0, GB_CELL_EMPTY);
    for (guint64 i = 0; i < repeat; i++)
        gb__rb_put(rb, s, len, type);
    return GB_OK;
}

/* Hands the row to the callback `repeat` times (once when blank). */
static GbStatus
gb__rb_emit(GbRowBuild *rb, guint64 repeat)
{
    if (repeat == 0)
        repeat = 1;
    GbStatus status = GB_OK;
    guint n = rb->offs->len;
    if (rb->skipping) {
        rb->row += repeat;
        gb__rb_reset(rb);
        return GB_OK;
    }
    g_ptr_array_set_size(rb->ptrs, (gint)n);
    for (guint i = 0; i < n; i++)
        rb->ptrs->pdata[i] = rb->buf->str + g_array_index(rb->offs, gsize, i);
    GbSheetRow row = {.path = rb->path,
                      .sheet = rb->sheet,
                      .row = rb->row,
                      .repeat = 1,
                      .ncells = n,
                      .cells = (char *const *)rb->ptrs->pdata,
                      .lens = (const gsize *)(void *)rb->lens->data,
                      .types = rb->types->data};
    if (n == 0) {
        row.repeat = repeat;
        repeat = 1;
    }
    for (guint64 i = 0; i < repeat && status == GB_OK && !rb->skipping; i++) {
        if (row.row > GB_SHEET_MAX_ROWS) {
            if (n == 0)
                break; /* blank padding to the sheet's end */
            gb_diag_set(rb->diag, NULL, 0, 0,
                        "%s[%s]:%" G_GUINT64_FORMAT ": past row %d, "
                        "the most a sheet can have",
                        rb->path, rb->sheet, row.row, GB_SHEET_MAX_ROWS);
            status = GB_DATA;
            break;
        }
        gboolean skip = FALSE;
        status = rb->fns->row(&row, rb->user, &skip, rb->diag);
        if (skip)
            rb->skipping = TRUE;
        row.row += row.repeat;
    }
    rb->row += n == 0 ? row.repeat : repeat;
    gb__rb_reset(rb);
    return status;
}

static GbStatus
gb__rb_begin_sheet(GbRowBuild *rb, const char *name)
{
    g_free(rb->sheet);
    rb->sheet = g_strdup(name != NULL ? name : "");
    rb->row = 1;
    rb->skipping = FALSE;
    gb__rb_reset(rb);
    if (rb->fns->sheet_begin == NULL)
        return GB_OK;
    gboolean skip = FALSE;
    GbStatus status = rb->fns->sheet_begin(rb->path, rb->sheet, rb->user, &skip, rb->diag);
    rb->skipping = skip;
    return status;
}

static GbStatus
gb__rb_end_sheet(GbRowBuild *rb)
{
    if (rb->fns->sheet_end == NULL)
        return GB_OK;
    return rb->fns->sheet_end(rb->path, rb->sheet, rb->user, rb->diag);
}

/* ---- XML from a zip member ---- */

static int
gb__xml_read(void *ctx, char *buf, int len)
{
    GsfInput *in = ctx;
    gsf_off_t left = gsf_input_remaining(in);
    if (left <= 0)
        return 0;
    gsize n = (gsize)MIN((gsf_off_t)len, left);
    if (gsf_input_read(in, n, (guint8 *)buf) == NULL)
        return -1;
    return (int)n;
}

static int
gb__xml_close(void *ctx)
{
    return 0;
}

/* Collects libxml2's error text for the reader instead of printing it. */
static void
gb__xml_error(void *arg, const char *msg, xmlParserSeverities severity,
              xmlTextReaderLocatorPtr locator)
{
    GString *err = arg;
    if (severity != XML_PARSER_SEVERITY_ERROR && severity != XML_PARSER_SEVERITY_VALIDITY_ERROR)
        return;
    if (err->len == 0) {
        g_string_printf(err, "line %d: %s", xmlTextReaderLocatorLineNumber(locator), msg);
        g_strchomp(err->str);
        err->len = strlen(err->str);
    }
}

static xmlTextReaderPtr
gb__xml_open_io(xmlInputReadCallback read, void *ctx, const char *member, GString *err)
{
    /* No network, no entity substitution, no DTD loading: plain data. */
    xmlTextReaderPtr r = xmlReaderForIO(read, gb__xml_close, ctx, member, NULL,
                                        XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_NOERROR |
                                            XML_PARSE_NOWARNING);
    if (r != NULL)
        xmlTextReaderSetErrorHandler(r, gb__xml_error, err);
    return r;
}

static xmlTextReaderPtr
gb__xml_open(GsfInput *in, const char *member, GString *err)
{
    return gb__xml_open_io(gb__xml_read, in, member, err);
}

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

static GsfInput *
gb__member(GsfInfile *zip, const char *name)
{
    char **parts = g_strsplit(name[0] == '/' ? name + 1 : name, "/", -1);
    GsfInput *in = gsf_infile_child_by_aname(zip, (const char **)parts);
    g_strfreev(parts);
    return in;
}

/* Reads a small member whole (manifest, mimetype). NULL when absent. */
static char *
gb__member_text(GsfInfile *zip, const char *name, gsize cap)
{
    GsfInput *in = gb__member(zip, name);
    if (in == NULL)
        return NULL;
    gsize n = (gsize)MIN(gsf_input_size(in), (gsf_off_t)cap);
    char *s = g_malloc(n + 1);
    if (n > 0 && gsf_input_read(in, n, (guint8 *)s) == NULL)
        n = 0;
    s[n] = '\0';
    g_object_unref(in);
    return s;
}

static GbStatus
gb__xml_failed(GbRowBuild *rb, const char *member, GString *err)
{
    if (rb->sheet != NULL && rb->sheet[0] != '\0')
        gb_diag_set(rb->diag, NULL, 0, 0, "%s[%s]: malformed workbook XML in %s: %s", rb->path,
                    rb->sheet, member, err->len ? err->str : "read error");
    else
        gb_diag_set(rb->diag, NULL, 0, 0, "%s: malformed workbook XML in %s: %s", rb->path, member,
                    err->len ? err->str : "read error");
    return GB_DATA;
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
        return gb__rb_cell(rb, c->value, strlen(c->value), c->type, c->repeat);
    return gb__rb_cell(rb, rb->cell->str, rb->cell->len,
                       rb->cell->len ? GB_CELL_TEXT : GB_CELL_EMPTY, c->repeat);
}

static guint64
gb__ods_keep_rows(const char *sheet, gpointer user)
{
    GbRowBuild *rb = user;
    return rb->fns->keep_rows != NULL ? rb->fns->keep_rows(rb->path, sheet, rb->user) : G_MAXUINT64;
}

static GbStatus
gb__ods_read(GsfInfile *zip, GbRowBuild *rb)
{
    GsfInput *in = gb__member(zip, "content.xml");
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
    xmlTextReaderPtr r = gb__xml_open_io(gb__skip_read, &sk, "content.xml", err);
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
                status = gb__rb_begin_sheet(rb, (const char *)name);
                xmlFree(name);
                in_sheet = TRUE;
                if (status == GB_OK && rb->skipping) {
                    ret = xmlTextReaderNext(r); /* the whole sheet, unparsed by us */
                    in_sheet = FALSE;
                    continue;
                }
                if (empty) {
                    status = gb__rb_end_sheet(rb);
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
                gb__rb_reset(rb);
                if (empty)
                    status = gb__rb_emit(rb, row_repeat);
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
                    status = gb__rb_end_sheet(rb);
                in_sheet = FALSE;
            } else if (in_sheet && !rb->skipping) {
                if (in_cell && (ln == n.cell || ln == n.covered)) {
                    in_cell = FALSE;
                    status = gb__ods_cell_done(rb, &cell);
                } else if (ln == n.row && !in_cell) {
                    status = gb__rb_emit(rb, row_repeat);
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
        status = gb__xml_failed(rb, "content.xml", err);
    xmlFreeTextReader(r);
    g_byte_array_free(sk.raw, TRUE);
    g_byte_array_free(sk.out, TRUE);
    g_string_free(err, TRUE);
    g_object_unref(in);
    return status;
}

/* ---- XLSX ---- */

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
    GsfInput *in = gb__member(x->zip, member);
    if (in == NULL) {
        if (!required)
            return GB_OK;
        gb_diag_set(x->rb->diag, NULL, 0, 0, "%s: not a readable .xlsx workbook (no %s)",
                    x->rb->path, member);
        return GB_DATA;
    }
    GString *err = g_string_new(NULL);
    xmlTextReaderPtr r = gb__xml_open(in, member, err);
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
        status = gb__xml_failed(x->rb, member, err);
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
    GbStatus status = gb__rb_cell(rb, v, len, type, 1);
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
                status = gb__rb_emit(rb, n - rb->row);
            gb__rb_reset(rb);
            sh->next_col = 0;
            if (status == GB_OK && empty)
                status = gb__rb_emit(rb, 1);
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
                status = gb__rb_cell(rb, "", 0, GB_CELL_EMPTY, col - sh->next_col);
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
            return gb__rb_emit(rb, 1);
        }
        return GB_OK;
    }
    if ((sh->in_v || sh->in_is_t) && sh->v->len < 64 * 1024)
        g_string_append(sh->v, (const char *)xmlTextReaderConstValue(r));
    return GB_OK;
}

static GbStatus
gb__xlsx_read(GsfInfile *zip, GbRowBuild *rb)
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
        status = gb__rb_begin_sheet(rb, g_ptr_array_index(x.sheet_names, i));
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
            status = gb__rb_end_sheet(rb);
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

/* ---- detection ---- */

static GbStatus
gb__open_zip(const char *path, GsfInfile **out, GbDiag *diag)
{
    GError *err = NULL;
    *out = NULL;
    GsfInput *in = gsf_input_stdio_new(path, &err);
    if (in == NULL) {
        gb_diag_set(diag, path, 0, 0, "cannot open: %s", err ? err->message : "unknown error");
        g_clear_error(&err);
        return GB_NOINPUT;
    }
    GsfInfile *zip = gsf_infile_zip_new(in, &err);
    g_object_unref(in);
    if (zip == NULL) {
        gb_diag_set(diag, path, 0, 0,
                    "corrupt workbook: the zip container cannot be read "
                    "(%s); save it again from the spreadsheet program",
                    err ? err->message : "unknown error");
        g_clear_error(&err);
        return GB_DATA;
    }
    *out = zip;
    return GB_OK;
}

static GbStatus
gb__detect_ole(const char *path, GbDiag *diag)
{
    GError *err = NULL;
    GsfInput *in = gsf_input_stdio_new(path, &err);
    GsfInfile *ole = in != NULL ? gsf_infile_msole_new(in, &err) : NULL;
    gboolean encrypted = FALSE, xls = FALSE;
    for (int i = 0; ole != NULL && i < gsf_infile_num_children(ole); i++) {
        const char *name = gsf_infile_name_by_index(ole, i);
        if (name == NULL)
            continue;
        if (strcmp(name, "EncryptedPackage") == 0 || strcmp(name, "EncryptionInfo") == 0)
            encrypted = TRUE;
        else if (strcmp(name, "Workbook") == 0 || strcmp(name, "Book") == 0)
            xls = TRUE;
    }
    if (ole != NULL)
        g_object_unref(ole);
    if (in != NULL)
        g_object_unref(in);
    g_clear_error(&err);
    if (encrypted)
        gb_diag_set(diag, path, 0, 0,
                    "password-protected workbook: remove the password "
                    "(save a copy without it) and read that copy");
    else if (xls)
        gb_diag_set(diag, path, 0, 0,
                    "an Excel 97-2003 .xls workbook, which gradebrief does "
                    "not read: save it as .xlsx or .ods");
    else
        gb_diag_set(diag, path, 0, 0,
                    "an OLE compound file that is not a workbook "
                    "gradebrief reads: save it as .xlsx, .ods or CSV");
    return GB_DATA;
}

GbStatus
gb_sheet_detect(const char *path, GbSheetFormat *fmt, GbDiag *diag)
{
    static const guint8 zip_magic[4] = {'P', 'K', 3, 4};
    static const guint8 ole_magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    *fmt = GB_SHEET_CSV;
    /* Only a regular file is sniffed: a pipe's first bytes would be lost. */
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return GB_OK;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return GB_OK; /* the CSV reader says why */
    guint8 head[8] = {0};
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n >= 8 && memcmp(head, ole_magic, 8) == 0)
        return gb__detect_ole(path, diag);
    if (n < 4 || memcmp(head, zip_magic, 4) != 0)
        return GB_OK;
    GsfInfile *zip;
    GbStatus status = gb__open_zip(path, &zip, diag);
    if (status != GB_OK)
        return status;
    char *mime = gb__member_text(zip, "mimetype", 256);
    char *manifest = NULL;
    GsfInput *probe;
    if (mime != NULL &&
        strcmp(g_strstrip(mime), "application/vnd.oasis.opendocument.spreadsheet") == 0) {
        manifest = gb__member_text(zip, "META-INF/manifest.xml", 1 << 20);
        if (manifest != NULL && strstr(manifest, "encryption-data") != NULL) {
            gb_diag_set(diag, path, 0, 0,
                        "password-protected workbook: remove the password "
                        "(save a copy without it) and read that copy");
            status = GB_DATA;
        } else {
            *fmt = GB_SHEET_ODS;
        }
    } else if (mime != NULL && g_str_has_prefix(mime, "application/vnd.oasis.opendocument.")) {
        gb_diag_set(diag, path, 0, 0, "an OpenDocument file that is not a spreadsheet (%s)", mime);
        status = GB_DATA;
    } else if ((probe = gb__member(zip, "[Content_Types].xml")) != NULL) {
        g_object_unref(probe);
        probe = gb__member(zip, "xl/workbook.xml");
        if (probe != NULL) {
            g_object_unref(probe);
            *fmt = GB_SHEET_XLSX;
        } else {
            gb_diag_set(diag, path, 0, 0,
                        "an Office Open XML file that is not an .xlsx "
                        "workbook (no xl/workbook.xml)");
            status = GB_DATA;
        }
    } else if ((probe = gb__member(zip, "Index/Document.iwa")) != NULL ||
               (probe = gb__member(zip, "Index.zip")) != NULL) {
        g_object_unref(probe);
        gb_diag_set(diag, path, 0, 0,
                    "an Apple Numbers workbook, which gradebrief does not "
                    "read: export it from Numbers as .xlsx or CSV");
        status = GB_DATA;
    } else {
        gb_diag_set(diag, path, 0, 0,
                    "a zip archive that is neither an .ods nor an .xlsx "
                    "workbook");
        status = GB_DATA;
    }
    g_free(mime);
    g_free(manifest);
    g_object_unref(zip);
    return status;
}

GbStatus
gb_sheet_read(const char *path, GbSheetFormat fmt, const GbSheetFns *fns, gpointer user,
              GbDiag *diag)
{
    GsfInfile *zip;
    GbStatus status = gb__open_zip(path, &zip, diag);
    if (status != GB_OK)
        return status;
    GbRowBuild rb;
    gb__rb_init(&rb, path, fns, user, diag);
    status = fmt == GB_SHEET_XLSX ? gb__xlsx_read(zip, &rb) : gb__ods_read(zip, &rb);
    gb__rb_clear(&rb);
    g_object_unref(zip);
    return status;
}
