/* sheet.c - stream spreadsheet rows out of .ods and .xlsx workbooks (see
 * sheet.h): telling a workbook by its content, the row under construction
 * and XML from a zip member, shared by the readers in sheetods.c and
 * sheetxlsx.c.
 *
 * libgsf opens the container (GsfInfileZip; GsfInfileMSOle only to say what an
 * OLE file is) and hands each member over as a GsfInput; for .xlsx, libxml2's
 * xmlTextReader pulls the XML from it through xmlReaderForIO, node by node
 * (.ods content.xml goes through the SAX2 push parser: sheetods.c).
 * Element names are compared as the reader's interned strings. A row is built
 * in one reusable buffer; empty cells are only counted until a non-empty one
 * follows, so a row of 16,384 repeated empty cells, or a million repeated
 * blank rows, costs one step each. */
#include "pipeline/sheet-private.h"

#include <string.h>

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

void
gb__sheet_rb_reset(GbRowBuild *rb)
{
    g_string_truncate(rb->buf, 0);
    g_array_set_size(rb->offs, 0);
    g_array_set_size(rb->lens, 0);
    g_byte_array_set_size(rb->types, 0);
    rb->pending_empty = 0;
    rb->overflow = 0;
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

/* The message of a value past the last column read: 0-based column col. */
static GbStatus
gb__rb_overflow(GbRowBuild *rb, guint64 col)
{
    char name[8];
    gb_sheet_column_name((guint)MIN(col, G_MAXUINT - 1), name);
    gb_diag_set(rb->diag, NULL, 0, 0,
                "%s[%s]:%" G_GUINT64_FORMAT ":%s: a value past "
                "column %d; at most %d columns are read",
                rb->path, rb->sheet, rb->row, name, GB_SHEET_MAX_COLUMNS, GB_SHEET_MAX_COLUMNS);
    return GB_DATA;
}

/* What a read ahead queues (see gb_sheet_ahead_start, below). */
enum { GB__AH_BEGIN, GB__AH_ROW, GB__AH_END };
static GbStatus gb__ahead_row(GbRowBuild *rb, guint64 repeat);
static GbStatus gb__ahead_mark(GbRowBuild *rb, guint8 kind);

GbStatus
gb__sheet_rb_cell(GbRowBuild *rb, const char *s, gsize len, guint8 type, guint64 repeat)
{
    if (rb->overflow != 0)
        return GB_OK; /* reading ahead: the row is an error, if it is read */
    if (repeat == 0)
        repeat = 1;
    if (type == GB_CELL_EMPTY || (len == 0 && type == GB_CELL_TEXT)) {
        rb->pending_empty += repeat;
        return GB_OK;
    }
    guint64 col = rb->offs->len + rb->pending_empty;
    if (col + repeat > GB_SHEET_MAX_COLUMNS) {
        if (rb->ahead != NULL) { /* whether it is an error depends on the callbacks */
            rb->overflow = 1 + MIN(col + repeat - 1, G_MAXUINT - 1);
            return GB_OK;
        }
        return gb__rb_overflow(rb, col + repeat - 1);
    }
    for (; rb->pending_empty > 0; rb->pending_empty--)
        gb__rb_put(rb, "", 0, GB_CELL_EMPTY);
    for (guint64 i = 0; i < repeat; i++)
        gb__rb_put(rb, s, len, type);
    return GB_OK;
}

GbStatus
gb__sheet_rb_emit(GbRowBuild *rb, guint64 repeat)
{
    if (repeat == 0)
        repeat = 1;
    if (rb->ahead != NULL)
        return gb__ahead_row(rb, repeat);
    GbStatus status = GB_OK;
    guint n = rb->offs->len;
    if (rb->skipping) {
        rb->row += repeat;
        gb__sheet_rb_reset(rb);
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
    gb__sheet_rb_reset(rb);
    return status;
}

GbStatus
gb__sheet_rb_begin_sheet(GbRowBuild *rb, const char *name)
{
    g_free(rb->sheet);
    rb->sheet = g_strdup(name != NULL ? name : "");
    rb->row = 1;
    rb->skipping = FALSE;
    gb__sheet_rb_reset(rb);
    if (rb->ahead != NULL)
        return gb__ahead_mark(rb, GB__AH_BEGIN);
    if (rb->fns->sheet_begin == NULL)
        return GB_OK;
    gboolean skip = FALSE;
    GbStatus status = rb->fns->sheet_begin(rb->path, rb->sheet, rb->user, &skip, rb->diag);
    rb->skipping = skip;
    return status;
}

GbStatus
gb__sheet_rb_end_sheet(GbRowBuild *rb)
{
    if (rb->ahead != NULL)
        return gb__ahead_mark(rb, GB__AH_END);
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

xmlTextReaderPtr
gb__sheet_xml_open_io(xmlInputReadCallback read, void *ctx, const char *member, GString *err)
{
    /* No network, no entity substitution, no DTD loading: plain data. */
    xmlTextReaderPtr r = xmlReaderForIO(read, gb__xml_close, ctx, member, NULL,
                                        XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_NOERROR |
                                            XML_PARSE_NOWARNING);
    if (r != NULL)
        xmlTextReaderSetErrorHandler(r, gb__xml_error, err);
    return r;
}

xmlTextReaderPtr
gb__sheet_xml_open(GsfInput *in, const char *member, GString *err)
{
    return gb__sheet_xml_open_io(gb__xml_read, in, member, err);
}

GsfInput *
gb__sheet_member(GsfInfile *zip, const char *name)
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
    GsfInput *in = gb__sheet_member(zip, name);
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

GbStatus
gb__sheet_xml_failed(GbRowBuild *rb, const char *member, GString *err)
{
    if (rb->sheet != NULL && rb->sheet[0] != '\0')
        gb_diag_set(rb->diag, NULL, 0, 0, "%s[%s]: malformed workbook XML in %s: %s", rb->path,
                    rb->sheet, member, err->len ? err->str : "read error");
    else
        gb_diag_set(rb->diag, NULL, 0, 0, "%s: malformed workbook XML in %s: %s", rb->path, member,
                    err->len ? err->str : "read error");
    return GB_DATA;
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
    } else if ((probe = gb__sheet_member(zip, "[Content_Types].xml")) != NULL) {
        g_object_unref(probe);
        probe = gb__sheet_member(zip, "xl/workbook.xml");
        if (probe != NULL) {
            g_object_unref(probe);
            *fmt = GB_SHEET_XLSX;
        } else {
            gb_diag_set(diag, path, 0, 0,
                        "an Office Open XML file that is not an .xlsx "
                        "workbook (no xl/workbook.xml)");
            status = GB_DATA;
        }
    } else if ((probe = gb__sheet_member(zip, "Index/Document.iwa")) != NULL ||
               (probe = gb__sheet_member(zip, "Index.zip")) != NULL) {
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

/* Reads the workbook through rb's callbacks (or into rb->ahead). */
static GbStatus
gb__sheet_read_rb(const char *path, GbSheetFormat fmt, GbRowBuild *rb)
{
    GsfInfile *zip;
    GbStatus status = gb__open_zip(path, &zip, rb->diag);
    if (status != GB_OK)
        return status;
    status = fmt == GB_SHEET_XLSX ? gb__sheet_xlsx_read(zip, rb) : gb__sheet_ods_read(zip, rb);
    g_object_unref(zip);
    return status;
}

/* ---- reading ahead (see gb_sheet_ahead_start) ----
 *
 * The thread's reader builds rows as ever, but hands each row, sheet start and
 * sheet end to a queue instead of the callbacks, taking no callback's answer:
 * every sheet is read (sheet_begin would be asked later), and a row with a
 * value past the last column is marked rather than failed, since whether it is
 * an error depends on whether a callback asked to pass the rest of its sheet
 * by. The caller's gb_sheet_read then plays the queue through the callbacks as
 * the reader would have made them: rows of a sheet being passed by dropped, a
 * marked row failed with the message the reader gives, rows numbered by the
 * same code. What stopped the read (malformed XML, the sheet it was in) ends the
 * queue, as it ended the read. */

#define GB__AHEAD_CAP (4u << 20) /* bytes of rows queued before the thread waits */

typedef struct {
    guint8 kind;
    guint ncells;
    guint64 repeat, overflow; /* ROW: as gb__sheet_rb_emit's; rb->overflow */
    gsize size;               /* bytes, for the cap */
    gsize *lens;              /* ROW: ncells lengths, then types, then the texts */
    guint8 *types;
    char *text; /* BEGIN: the sheet name; ROW: each cell's text and a NUL */
} GbAheadEvent;

struct GbSheetAhead {
    char *path;
    GbSheetFormat fmt;
    GbSheetFns fns;
    gpointer keep_user;
    GThread *thread;
    GMutex lock;
    GCond cond;
    GQueue events; /* GbAheadEvent* */
    gsize queued;  /* their bytes */
    gboolean done, stop, taken;
    GbStatus status; /* the read's own outcome, once done */
    GbDiag diag;
};

static GMutex gb__aheads_lock;
static GList *gb__aheads; /* GbSheetAhead* not yet taken by gb_sheet_read */

static void
gb__ahead_event_free(GbAheadEvent *ev)
{
    if (ev == NULL)
        return;
    g_free(ev->kind == GB__AH_ROW ? (gpointer)ev->lens : ev->text);
    g_free(ev);
}

/* Queues ev, waiting while the queue is full; GB_TEMPFAIL (ev freed) when the
 * read ahead is being stopped. */
static GbStatus
gb__ahead_put(GbSheetAhead *a, GbAheadEvent *ev)
{
    g_mutex_lock(&a->lock);
    while (a->queued > GB__AHEAD_CAP && !a->stop)
        g_cond_wait(&a->cond, &a->lock);
    gboolean stop = a->stop;
    if (!stop) {
        g_queue_push_tail(&a->events, ev);
        a->queued += ev->size;
        g_cond_broadcast(&a->cond);
    }
    g_mutex_unlock(&a->lock);
    if (stop) {
        gb__ahead_event_free(ev);
        return GB_TEMPFAIL;
    }
    return GB_OK;
}

/* A sheet's start (GB__AH_BEGIN) or end (GB__AH_END). */
static GbStatus
gb__ahead_mark(GbRowBuild *rb, guint8 kind)
{
    GbAheadEvent *ev = g_new0(GbAheadEvent, 1);
    ev->kind = kind;
    if (kind == GB__AH_BEGIN)
        ev->text = g_strdup(rb->sheet);
    ev->size = sizeof *ev + (ev->text != NULL ? strlen(ev->text) : 0);
    return gb__ahead_put(rb->ahead, ev);
}

static GbStatus
gb__ahead_row(GbRowBuild *rb, guint64 repeat)
{
    guint n = rb->offs->len;
    gsize bytes = n * sizeof(gsize) + n + rb->buf->len;
    GbAheadEvent *ev = g_new0(GbAheadEvent, 1);
    ev->kind = GB__AH_ROW;
    ev->ncells = n;
    ev->repeat = repeat;
    ev->overflow = rb->overflow;
    ev->lens = g_malloc(MAX(bytes, 1));
    ev->types = (guint8 *)(ev->lens + n);
    ev->text = (char *)ev->types + n;
    if (n > 0) {
        memcpy(ev->lens, rb->lens->data, n * sizeof(gsize));
        memcpy(ev->types, rb->types->data, n);
    }
    memcpy(ev->text, rb->buf->str, rb->buf->len);
    ev->size = sizeof *ev + bytes;
    gb__sheet_rb_reset(rb);
    return gb__ahead_put(rb->ahead, ev);
}

static gpointer
gb__ahead_thread(gpointer data)
{
    GbSheetAhead *a = data;
    GbDiag diag = {0};
    GbRowBuild rb;
    gb__rb_init(&rb, a->path, &a->fns, a->keep_user, &diag);
    rb.ahead = a;
    GbStatus status = gb__sheet_read_rb(a->path, a->fmt, &rb);
    gb__rb_clear(&rb);
    g_mutex_lock(&a->lock);
    a->status = status;
    a->diag = diag;
    a->done = TRUE;
    g_cond_broadcast(&a->cond);
    g_mutex_unlock(&a->lock);
    return NULL;
}

GbSheetAhead *
gb_sheet_ahead_start(const char *path, GbSheetFormat fmt, const GbSheetFns *fns, gpointer keep_user)
{
    if (fmt != GB_SHEET_ODS)
        return NULL;
    xmlInitParser(); /* once, here, not racing on the thread */
    GbSheetAhead *a = g_new0(GbSheetAhead, 1);
    a->path = g_strdup(path);
    a->fmt = fmt;
    a->fns = (GbSheetFns){.keep_rows = fns->keep_rows};
    a->keep_user = keep_user;
    g_mutex_init(&a->lock);
    g_cond_init(&a->cond);
    g_queue_init(&a->events);
    g_mutex_lock(&gb__aheads_lock);
    gb__aheads = g_list_append(gb__aheads, a); /* the first started is taken first */
    g_mutex_unlock(&gb__aheads_lock);
    a->thread = g_thread_new("sheetahead", gb__ahead_thread, a);
    return a;
}

void
gb_sheet_ahead_free(GbSheetAhead *a)
{
    if (a == NULL)
        return;
    g_mutex_lock(&gb__aheads_lock);
    gb__aheads = g_list_remove(gb__aheads, a);
    g_mutex_unlock(&gb__aheads_lock);
    g_mutex_lock(&a->lock);
    a->stop = TRUE;
    g_cond_broadcast(&a->cond);
    g_mutex_unlock(&a->lock);
    g_thread_join(a->thread);
    g_queue_clear_full(&a->events, (GDestroyNotify)gb__ahead_event_free);
    gb_diag_clear(&a->diag);
    g_mutex_clear(&a->lock);
    g_cond_clear(&a->cond);
    g_free(a->path);
    g_free(a);
}

/* The read ahead of this workbook for these callbacks, taken from the list, or NULL. */
static GbSheetAhead *
gb__ahead_take(const char *path, GbSheetFormat fmt, const GbSheetFns *fns)
{
    GbSheetAhead *found = NULL;
    g_mutex_lock(&gb__aheads_lock);
    for (GList *l = gb__aheads; l != NULL && found == NULL; l = l->next) {
        GbSheetAhead *a = l->data;
        if (a->fmt == fmt && a->fns.keep_rows == fns->keep_rows && strcmp(a->path, path) == 0)
            found = a;
    }
    if (found != NULL)
        gb__aheads = g_list_remove(gb__aheads, found);
    g_mutex_unlock(&gb__aheads_lock);
    return found;
}

/* Plays the queue through rb's callbacks (see above). */
static GbStatus
gb__ahead_play(GbSheetAhead *a, GbRowBuild *rb)
{
    for (;;) {
        g_mutex_lock(&a->lock);
        while (g_queue_is_empty(&a->events) && !a->done)
            g_cond_wait(&a->cond, &a->lock);
        GbAheadEvent *ev = g_queue_pop_head(&a->events);
        if (ev != NULL) {
            a->queued -= ev->size;
            g_cond_broadcast(&a->cond);
        }
        g_mutex_unlock(&a->lock);
        if (ev == NULL) { /* the read's end: its outcome, its message */
            if (a->status != GB_OK) {
                gb_diag_clear(rb->diag);
                *rb->diag = a->diag;
                a->diag = (GbDiag){0};
            }
            return a->status;
        }
        GbStatus status = GB_OK;
        if (ev->kind == GB__AH_BEGIN) {
            status = gb__sheet_rb_begin_sheet(rb, ev->text);
        } else if (ev->kind == GB__AH_END) {
            if (!rb->skipping)
                status = gb__sheet_rb_end_sheet(rb);
        } else if (!rb->skipping) {
            gb__sheet_rb_reset(rb);
            if (ev->overflow != 0) {
                status = gb__rb_overflow(rb, ev->overflow - 1);
            } else {
                const char *text = ev->text;
                for (guint i = 0; i < ev->ncells; i++) {
                    gb__rb_put(rb, text, ev->lens[i], ev->types[i]);
                    text += ev->lens[i] + 1;
                }
                status = gb__sheet_rb_emit(rb, ev->repeat);
            }
        }
        gb__ahead_event_free(ev);
        if (status != GB_OK)
            return status;
    }
}

GbStatus
gb_sheet_read(const char *path, GbSheetFormat fmt, const GbSheetFns *fns, gpointer user,
              GbDiag *diag)
{
    GbRowBuild rb;
    gb__rb_init(&rb, path, fns, user, diag);
    GbSheetAhead *a = gb__ahead_take(path, fmt, fns);
    GbStatus status = a != NULL ? gb__ahead_play(a, &rb) : gb__sheet_read_rb(path, fmt, &rb);
    gb__rb_clear(&rb);
    return status;
}
