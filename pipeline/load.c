/* load.c - read and validate grade tables (see load.h).
 *
 * A file's content decides how it is read: a zip is a workbook (.ods, .xlsx,
 * read sheet by sheet through sheet.c), anything else CSV. A table's header
 * decides its layout: the long columns (authority, year, regime, judgement,
 * grade[, date][, source][, kind]) or the first profile whose match columns it
 * holds. In a sheet the header is looked for below title and note rows, and a
 * blank row ends a table, after which another may follow under its own header.
 * Each record then resolves every field against the reference data; a record
 * that cannot be resolved is rejected as a whole, with the first problem
 * found, at its line and column (FILE[Sheet]:ROW:COL in a workbook).
 *
 * One inspection often reaches the tool from several publications: the same
 * date twice (merged as identical), or once by inspection date and once by
 * publication date. Rows a profile dates by publication wait until every file
 * is read; each is then matched with an inspection-dated judgement of the same
 * authority, judgement and grade made up to merge_window days before, and
 * merged into it (its inspection date kept). A different grade there is a
 * conflict naming both places; no match keeps the publication date. */
#include "pipeline/load.h"

#include "pipeline/csvread.h"
#include "pipeline/csvsplit.h"
#include "pipeline/profile.h"
#include "pipeline/sheet.h"
#include "pipeline/text.h"

#include <string.h>

#define GB__DIAG_CAP 20
G_STATIC_ASSERT(GB_KIND_SELECTION == 2); /* gb_table_row_selection knows it as 2 */
#define GB__MAX_ROW_JUDGEMENTS 64        /* judgements one record may carry */

enum { L_AUTHORITY, L_YEAR, L_REGIME, L_JUDGEMENT, L_GRADE, L_DATE, L_SOURCE, L_KIND, L_N };
static const GbColumnSpec gb__long_cols[L_N] = {
    {"authority", TRUE}, {"year", FALSE}, {"regime", TRUE},  {"judgement", TRUE},
    {"grade", TRUE},     {"date", FALSE}, {"source", FALSE}, {"kind", FALSE},
};

/* Most values in a column repeat ("Good", "ilacs", an authority's name), so the
 * raw bytes of each distinct value are remembered with what they resolved to:
 * normalising and looking up happen once per distinct value, not per row. */
#define GB__MEMO_CAP 200000
#define GB__ORIGIN_KINDS 3    /* GbSourceKind values with a memo of their own */
#define GB__ALWAYS 0x40000000 /* in the authority memo: active in every year */

/* Hashes a memo key eight bytes at a time (g_str_hash takes a byte per step,
 * and a field of every record is looked up). */
static guint
gb__memo_hash(gconstpointer key)
{
    const char *s = key;
    gsize n = strlen(s), i = 0;
    guint64 h = (guint64)n * 0x9E3779B97F4A7C15ULL, v;
    for (; i + 8 <= n; i += 8) {
        memcpy(&v, s + i, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
    }
    if (i < n) {
        v = 0;
        memcpy(&v, s + i, n - i);
        h = (h ^ v) * 0xC4CEB9FE1A85EC53ULL;
    }
    h ^= h >> 32;
    return (guint)h;
}

static GHashTable *
gb__memo_new(void)
{
    return g_hash_table_new(gb__memo_hash, g_str_equal);
}

/* A memo is a set of keys, each stored with its value in the four bytes before
 * it: a hit reads the value beside the key it has just compared, and the table
 * keeps no array of values (GLib's sets share the keys' array). */
static int
gb__memo_get(GHashTable *memo, const char *raw)
{
    const char *key = g_hash_table_lookup(memo, raw);
    if (key == NULL)
        return -1;
    gint32 value;
    memcpy(&value, key - sizeof value, sizeof value);
    return value;
}

/* The memos' keys live side by side in one chunk: a lookup's key comparison
 * then mostly finds them in cache, where a malloc each scattered them. */
static void
gb__memo_put(GHashTable *memo, GStringChunk *keys, const char *raw, int value)
{
    if (g_hash_table_size(memo) >= GB__MEMO_CAP)
        return;
    gsize n = strlen(raw);
    char small[256];
    char *buf = n + 4 <= sizeof small ? small : g_malloc(n + 4);
    gint32 v = value;
    memcpy(buf, &v, sizeof v);
    memcpy(buf + sizeof v, raw, n);
    char *key = g_string_chunk_insert_len(keys, buf, (gssize)(n + sizeof v)) + sizeof v;
    g_hash_table_add(memo, key);
    if (buf != small)
        g_free(buf);
}

/* Columns such as regime, judgement and grade hold a handful of distinct
 * values: the last few, compared byte for byte, are cheaper than a hash. A
 * value is remembered with its context (a regime) and what it resolved to. */
#define GB__SMALL_ENTRIES 8
#define GB__SMALL_TEXT 47

typedef struct {
    int ctx, id;
    guint8 len;
    char text[GB__SMALL_TEXT];
} GbSmallEntry;

typedef struct {
    GbSmallEntry e[GB__SMALL_ENTRIES];
    guint n;
} GbSmallMemo;

static int
gb__small_get(const GbSmallMemo *m, int ctx, const char *s, gsize len)
{
    for (guint i = 0; i < m->n; i++)
        if (m->e[i].len == len && m->e[i].ctx == ctx && memcmp(m->e[i].text, s, len) == 0)
            return m->e[i].id;
    return -1;
}

static void
gb__small_put(GbSmallMemo *m, int ctx, const char *s, gsize len, int id)
{
    if (len > GB__SMALL_TEXT || m->n >= GB__SMALL_ENTRIES)
        return;
    GbSmallEntry *e = &m->e[m->n++];
    e->ctx = ctx;
    e->id = id;
    e->len = (guint8)len;
    memcpy(e->text, s, len);
}

/* A judgement waiting for the end of gb_load_all. */
typedef struct {
    GbRow row;
    int col;            /* its cell's column */
    gboolean published; /* dated by publication: to be matched */
    GbSourceKind kind;
} GbPendingRow;

/* The record the pending judgements came from. */
typedef struct {
    guint first, n; /* into pending_rows */
    guint file;
    guint64 line, offset;
    const char *path; /* in l->places: the CSV file, or "FILE[Sheet]" */
    gboolean sheet;
    guint window; /* merge_window, days */
} GbPendingRec;

/* The slash-date order of one CSV column, inferred from the whole column. */
typedef struct {
    int col;
    GbDateOrder order; /* INFER until known */
    gboolean fits_dmy, fits_mdy, any;
    guint64 dmy_line, mdy_line, amb_line; /* a line of each kind, for messages */
} GbColumnOrder;

/* The date orders of a CSV file read in parts: settled once for all threads. */
typedef struct {
    GMutex lock;
    gboolean done;
    GArray *orders; /* GbColumnOrder, as the header left them until done */
} GbPrescan;

/* A part of a large CSV file read on a worker thread (csvsplit.c): what each
 * of its records came to, in order, replayed into the table and the lists by
 * gb__merge_part on one thread at a time, so that the table, the accounting
 * and every message come out as on one thread. Each record is one event. */
enum { GB__EV_COMMIT, GB__EV_REJECT, GB__EV_STOP, GB__EV_VISIT };
#define GB__NO_DIAG G_MAXUINT32
#define GB__PREFETCH 8              /* events ahead whose table cells are fetched early */
#define GB__PART_ORIGIN 0x80000000u /* a GbRow source local to the part */

typedef struct {
    guint8 kind;
    guint8 n;              /* judgements of a commit */
    guint16 not_judged;    /* cells of the record marked not judged */
    guint16 not_inspected; /* column groups of the record not inspected */
    guint32 first;         /* a commit's rows when n > 1; a reject's diag or GB__NO_DIAG;
                              a visit's index */
    guint64 line, offset;
    GbPendingRow row; /* a commit's one judgement (n == 1) */
} GbLoadEvent;

/* An origin a record of the part asked for, interned into the table when the
 * merge reaches the record that first asked (the order one thread would). */
typedef struct {
    const char *source; /* in the part's text chunk */
    const char *group;  /* NULL or in the part's text chunk */
    gboolean is_file;
    int kind;
    guint event; /* the record that first asked */
} GbPartOrigin;

typedef struct {
    GbLoadEvent *events; /* one per record, in order */
    guint nevents, cap;
    GArray *rows;    /* GbPendingRow of commits with n > 1 */
    GArray *diags;   /* GbDiag of the part's first rejects, up to the list's cap */
    guint64 rejects; /* rejected records in the part */
    GArray *origins; /* GbPartOrigin */
    GHashTable *origin_ids[GB__ORIGIN_KINDS + 1]; /* memos: origin key -> index in origins */
    GArray *origin_map;                /* guint32 per part origin: its table id, at the merge */
    GArray *visits;                    /* GbVisit, texts in the part's chunk */
    GStringChunk *text;                /* origins' and visits' texts */
    guint16 not_judged, not_inspected; /* of the record being read */
    gboolean list_full;                /* the rejects list was full at the last merge */
} GbLoadPart;

typedef struct {
    GbLoader *l;
    GbTable *t;
    GbLoadPart *part;         /* a worker's part: effects go there, not into t (csvsplit.c) */
    GbPrescan *prescan;       /* a worker's: shared by the threads of a split read, else NULL */
    GbPrescan *split_prescan; /* the calling thread's: what the workers will share */
    const char *path;
    const char *display; /* path, or "FILE[Sheet]" */
    guint file;
    gboolean forced;                    /* l->force_profile applies to this file */
    const GbProfile *profile;           /* NULL for the long layout */
    int idx[L_N];                       /* long layout columns */
    int auth_col, event_col, theme_col; /* wide layout columns */
    GPtrArray *group_cols; /* per profile group: GArray of int: date, year, judgements */
    guint width;
    guint32 source;
    GString *scratch, *msg;
    GbDiag diag;
    GHashTable *memo_authority; /* raw -> authority, for names naming one authority */
    GHashTable *memo_grade[32]; /* per regime: raw -> grade */
    GbSmallMemo small_regime;
    GbSmallMemo small_judgement[32], small_grade[32]; /* per regime */
    GHashTable *memo_origin[GB__ORIGIN_KINDS + 1];    /* origin key -> origin id (gb__origin) */
    GString *origin_key;
    GStringChunk *memo_keys; /* the memos' keys */
    GArray *orders;          /* GbColumnOrder: CSV date columns */
    gboolean prescanned;
    /* workbook state */
    gboolean sheet;
    char *sheet_name;
    gboolean in_table;
    guint64 seek_rows;       /* rows looked at for a header */
    guint64 record;          /* data rows of the sheet so far */
    gboolean sheet_has_file; /* the sheet has its accounting entry */
    guint tables;            /* tables read in the workbook */
    GPtrArray *sheet_names;  /* every sheet, for "no sheet matches" */
    GString *near_msg;       /* the nearest miss */
    guint near_missing;
    GPtrArray *padded; /* a sheet row's cells padded to the header's width */
    GArray *padded_lens;
} GbFileLoad;

GbStatus
gb_loader_new(const GbRef *ref, GbLoader **out, GbDiag *diag)
{
    GbLoader *l = g_new0(GbLoader, 1);
    l->ref = ref;
    l->rejects = gb_diag_list_new(GB__DIAG_CAP);
    l->warnings = gb_diag_list_new(GB__DIAG_CAP);
    l->pending_rows = g_array_new(FALSE, FALSE, sizeof(GbPendingRow));
    l->pending_recs = g_array_new(FALSE, FALSE, sizeof(GbPendingRec));
    l->places = g_string_chunk_new(4096);
    GbStatus status = gb_profile_load_all(ref, &l->profiles, diag);
    if (status != GB_OK) {
        gb_loader_free(l);
        l = NULL;
    }
    *out = l;
    return status;
}

void
gb_loader_free(GbLoader *l)
{
    if (l == NULL)
        return;
    if (l->profiles != NULL)
        g_ptr_array_unref(l->profiles);
    gb_diag_list_free(l->rejects);
    gb_diag_list_free(l->warnings);
    g_array_free(l->pending_rows, TRUE);
    g_array_free(l->pending_recs, TRUE);
    g_string_chunk_free(l->places);
    g_free(l);
}

static GbFileAccount *
gb__account(GbFileLoad *fl)
{
    return &g_array_index(fl->t->files, GbFileAccount, fl->file);
}

/* Points diag at cell col of a record: FILE:LINE:COL for CSV (the column found
 * by re-reading the record), FILE[Sheet]:ROW:COL with the column letter in a
 * workbook, FILE:LINE when col < 0. */
static void
gb__diag_at(GbDiag *diag, const char *path, guint64 line, guint64 offset, gboolean sheet, int col,
            const char *msg)
{
    if (sheet) {
        char name[8] = "";
        if (col >= 0)
            gb_sheet_column_name((guint)col, name);
        char *where = col >= 0 ? g_strdup_printf("%s:%" G_GUINT64_FORMAT ":%s", path, line, name)
                               : g_strdup_printf("%s:%" G_GUINT64_FORMAT, path, line);
        gb_diag_set(diag, where, 0, 0, "%s", msg);
        g_free(where);
    } else if (col >= 0) {
        GbCsvRecord rec = {.path = path, .line = line, .offset = offset};
        gb_csv_diag_field(&rec, (guint)col, diag, "%s", msg);
    } else {
        gb_diag_set(diag, path, line, 1, "%s", msg);
    }
}

static void
gb__reject_at(GbLoader *l, GbFileAccount *acc, GbDiag *scratch, const char *path, guint64 line,
              guint64 offset, gboolean sheet, int col, const char *msg)
{
    acc->rejected++;
    if (l->rejects->items->len >= l->rejects->cap) {
        l->rejects->dropped++; /* skip the costly locate past the cap */
        return;
    }
    gb__diag_at(scratch, path, line, offset, sheet, col, msg);
    gb_diag_list_take(l->rejects, scratch);
}

/* ---- a worker's part (csvsplit.c) ---- */

/* Appends an event for rec to the part and returns it; the counts of the
 * record so far go with it. */
static GbLoadEvent *
gb__part_event(GbLoadPart *p, guint8 kind, const GbCsvRecord *rec)
{
    if (p->nevents == p->cap) {
        p->cap = MAX(1024, p->cap * 2);
        p->events = g_renew(GbLoadEvent, p->events, p->cap);
    }
    GbLoadEvent *ev = &p->events[p->nevents++];
    *ev = (GbLoadEvent){.kind = kind,
                        .not_judged = p->not_judged,
                        .not_inspected = p->not_inspected,
                        .line = rec->line,
                        .offset = rec->offset};
    p->not_judged = 0;
    p->not_inspected = 0;
    return ev;
}

static void
gb__part_reject(GbFileLoad *fl, const GbCsvRecord *rec, int col)
{
    GbLoadPart *p = fl->part;
    GbLoadEvent *ev = gb__part_event(p, GB__EV_REJECT, rec);
    ev->first = GB__NO_DIAG;
    /* Past the list's cap in this part alone (or once the list is full), the
     * message would be dropped: skip the costly locate, as on one thread. */
    if (!p->list_full && p->rejects++ < fl->l->rejects->cap) {
        gb__diag_at(&fl->diag, rec->path, rec->line, rec->offset, FALSE, col, fl->msg->str);
        ev->first = p->diags->len;
        g_array_append_val(p->diags, fl->diag);
        fl->diag = (GbDiag){0};
    }
}

/* Rejects the record: counts it and keeps the message fl->msg at field col. */
static void
gb__reject(GbFileLoad *fl, const GbCsvRecord *rec, int col)
{
    if (fl->part != NULL) {
        gb__part_reject(fl, rec, col);
        return;
    }
    gb__reject_at(fl->l, gb__account(fl), &fl->diag, rec->path, rec->line, rec->offset, fl->sheet,
                  col, fl->msg->str);
}

/* The origin id of rows from source (gb_table_intern_origin), remembered by
 * its key (the memo's ids are the table's, or in a worker's part ids local to
 * the part, interned when the part is merged). */
static guint32
gb__origin(GbFileLoad *fl, const char *source, gboolean is_file, int kind, const char *group)
{
    GbLoadPart *p = fl->part;
    const char *key = source;
    /* A source column's text is its key, one memo per kind; other origins
     * (a file's, a group's) have a key of their own. */
    guint m = (guint)kind < GB__ORIGIN_KINDS ? (guint)kind : 0;
    if (is_file || group != NULL || (guint)kind >= GB__ORIGIN_KINDS) {
        GString *k = fl->origin_key;
        g_string_truncate(k, 0);
        g_string_append_c(k, (char)('0' + kind));
        g_string_append_c(k, is_file ? 'f' : 's');
        if (group != NULL)
            g_string_append(k, group);
        g_string_append_c(k, '\x1f');
        g_string_append(k, source);
        key = k->str;
        m = GB__ORIGIN_KINDS;
    }
    GHashTable *memo = p != NULL ? p->origin_ids[m] : fl->memo_origin[m];
    int id = gb__memo_get(memo, key);
    if (id >= 0)
        return p != NULL ? GB__PART_ORIGIN | (guint32)id : (guint32)id;
    if (p == NULL) {
        id = (int)gb_table_intern_origin(fl->t, source, is_file, kind, group);
        gb__memo_put(memo, fl->memo_keys, key, id);
        return (guint32)id;
    }
    GbPartOrigin o = {.source = g_string_chunk_insert(p->text, source),
                      .group = group != NULL ? g_string_chunk_insert(p->text, group) : NULL,
                      .is_file = is_file,
                      .kind = kind,
                      .event = p->nevents};
    g_array_append_val(p->origins, o);
    id = (int)p->origins->len - 1;
    gb__memo_put(memo, p->text, key, id);
    return GB__PART_ORIGIN | (guint32)id;
}

static void
gb__describe(GbFileLoad *fl, const char *what, const char *field, const char *value, gsize len)
{
    g_string_printf(fl->msg, "%s (field '%s' = ", what, field);
    gb_text_append_quoted(fl->msg, value, len);
}

/* ---- dates ---- */

/* Splits "a/b/c" into three numbers; FALSE unless it is 1-2, 1-2, 4 digits (or
 * 4, 1-2, 1-2 when ymd). */
static gboolean
gb__slash_parts(const char *s, gboolean ymd, int *a, int *b, int *c)
{
    int v[3] = {0}, n[3] = {0}, k = 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '/') {
            if (++k > 2)
                return FALSE;
        } else if (g_ascii_isdigit(*p)) {
            v[k] = v[k] * 10 + (*p - '0');
            if (++n[k] > 4)
                return FALSE;
        } else {
            return FALSE;
        }
    }
    if (k != 2)
        return FALSE;
    if (ymd ? (n[0] != 4 || n[1] < 1 || n[1] > 2 || n[2] < 1 || n[2] > 2)
            : (n[0] < 1 || n[0] > 2 || n[1] < 1 || n[1] > 2 || n[2] != 4))
        return FALSE;
    *a = v[0];
    *b = v[1];
    *c = v[2];
    return TRUE;
}

static gboolean
gb__ymd(int y, int m, int d, guint32 *out)
{
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 ||
        !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return FALSE;
    *out = (guint32)(y * 10000 + m * 100 + d);
    return TRUE;
}

/* Parses a slash date in a known order. */
static gboolean
gb__slash_date(const char *s, GbDateOrder order, guint32 *ymd)
{
    int a, b, c;
    if (!gb__slash_parts(s, order == GB_ORDER_YMD, &a, &b, &c))
        return FALSE;
    switch (order) {
    case GB_ORDER_DMY:
        return gb__ymd(c, b, a, ymd);
    case GB_ORDER_MDY:
        return gb__ymd(c, a, b, ymd);
    case GB_ORDER_YMD:
        return gb__ymd(a, b, c, ymd);
    default:
        return FALSE;
    }
}

static GbColumnOrder *
gb__order(GbFileLoad *fl, int col)
{
    for (guint i = 0; fl->orders != NULL && i < fl->orders->len; i++)
        if (g_array_index(fl->orders, GbColumnOrder, i).col == col)
            return &g_array_index(fl->orders, GbColumnOrder, i);
    return NULL;
}

static void
gb__order_add(GbFileLoad *fl, int col)
{
    if (col < 0 || gb__order(fl, col) != NULL)
        return;
    GbColumnOrder o = {.col = col,
                       .order = fl->profile != NULL ? fl->profile->date_order : GB_ORDER_INFER};
    g_array_append_val(fl->orders, o);
}

static GbStatus
gb__prescan_record(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GArray *orders = user;
    if (rec->record == 1)
        return GB_OK;
    for (guint i = 0; i < orders->len; i++) {
        GbColumnOrder *o = &g_array_index(orders, GbColumnOrder, i);
        int a, b, c;
        guint32 ymd;
        if (o->order != GB_ORDER_INFER || o->col >= (int)rec->nfields ||
            !gb__slash_parts(rec->fields[o->col], FALSE, &a, &b, &c))
            continue;
        gboolean dmy = gb__ymd(c, b, a, &ymd), mdy = gb__ymd(c, a, b, &ymd);
        o->any = TRUE;
        if (dmy && mdy && o->amb_line == 0)
            o->amb_line = rec->line;
        if (dmy && !mdy && o->dmy_line == 0)
            o->dmy_line = rec->line;
        if (mdy && !dmy && o->mdy_line == 0)
            o->mdy_line = rec->line;
    }
    return GB_OK;
}

/* Reads the whole CSV file once more to learn the order of every date column
 * of orders whose order is not set: the one order all its slash dates fit. */
static void
gb__prescan_file(const char *path, GArray *orders)
{
    GbDiag d = {0};
    gb_csv_read(path, gb__prescan_record, orders, &d);
    gb_diag_clear(&d);
    for (guint i = 0; i < orders->len; i++) {
        GbColumnOrder *c = &g_array_index(orders, GbColumnOrder, i);
        if (c->order != GB_ORDER_INFER)
            continue;
        if (c->dmy_line && !c->mdy_line)
            c->order = GB_ORDER_DMY;
        else if (c->mdy_line && !c->dmy_line)
            c->order = GB_ORDER_MDY;
    }
}

/* Settles fl's date orders from the whole file, once per file. The threads of
 * a split read (csvsplit.c) share one prescan: the first to need it reads the
 * file, the others wait for it and take a copy, so every thread reads the
 * column as one thread would, whichever part it is in. */
static void
gb__prescan(GbFileLoad *fl)
{
    fl->prescanned = TRUE;
    GbPrescan *ps = fl->prescan;
    if (ps == NULL) {
        gb__prescan_file(fl->path, fl->orders);
        return;
    }
    g_mutex_lock(&ps->lock);
    if (!ps->done) {
        gb__prescan_file(fl->path, ps->orders);
        ps->done = TRUE;
    }
    g_array_set_size(fl->orders, 0);
    g_array_append_vals(fl->orders, ps->orders->data, ps->orders->len);
    g_mutex_unlock(&ps->lock);
}

/* Parses the date in field col. Returns GB_OK with *ymd (0 when it is not a
 * date: the caller rejects the row), or GB_DATA with diag set when the column's
 * slash dates cannot be read in one order: then the file stops. */
static GbStatus
gb__date(GbFileLoad *fl, const GbCsvRecord *rec, int col, const char *field, guint32 *ymd,
         GbDiag *diag)
{
    const char *s = rec->fields[col];
    *ymd = 0;
    if (strchr(s, '/') == NULL) {
        if (strlen(s) == 10 && s[4] == '-')
            gb_text_parse_date(s, ymd);
        return GB_OK;
    }
    GbColumnOrder *o = gb__order(fl, col);
    GbDateOrder order = o != NULL             ? o->order
                        : fl->profile != NULL ? fl->profile->date_order
                                              : GB_ORDER_INFER;
    if (order == GB_ORDER_INFER && fl->sheet) {
        *ymd = 0; /* the caller says why */
        return GB_OK;
    }
    if (order == GB_ORDER_INFER && o != NULL && !fl->prescanned) {
        gb__prescan(fl);
        o = gb__order(fl, col);
        order = o->order;
    }
    if (order == GB_ORDER_INFER) {
        char *msg;
        if (o != NULL && o->dmy_line && o->mdy_line)
            msg =
                g_strdup_printf("the slash dates of column '%s' mix orders: line %" G_GUINT64_FORMAT
                                " fits only day/month/year, line %" G_GUINT64_FORMAT " only "
                                "month/day/year; gradebrief will not guess: correct the column, "
                                "or write ISO dates (YYYY-MM-DD)",
                                field, o->dmy_line, o->mdy_line);
        else
            msg = g_strdup_printf("every slash date of column '%s' fits both day/month/year and "
                                  "month/day/year; gradebrief will not guess: set date_order=dmy "
                                  "or mdy in the profile, or write ISO dates (YYYY-MM-DD)",
                                  field);
        gb__diag_at(diag, rec->path, rec->line, rec->offset, FALSE, col, msg);
        g_free(msg);
        return GB_DATA;
    }
    gb__slash_date(s, order, ymd);
    return GB_OK;
}

/* Resolves the year and date of a record. Returns GB_OK with *ok FALSE after
 * rejecting it, or a status that stops the file. */
static GbStatus
gb__when_named(GbFileLoad *fl, const GbCsvRecord *rec, int date_col, int year_col,
               const char *date_name, const char *year_name, int *year, guint32 *date, gboolean *ok,
               GbDiag *diag)
{
    *date = 0;
    *year = 0;
    *ok = FALSE;
    const char *d = date_col >= 0 ? rec->fields[date_col] : "";
    const char *y = year_col >= 0 ? rec->fields[year_col] : "";
    if (*d != '\0') {
        GbStatus status = gb__date(fl, rec, date_col, date_name, date, diag);
        if (status != GB_OK)
            return status;
        if (*date == 0) {
            gb__describe(fl, "not a date", date_name, d, strlen(d));
            if (fl->sheet && strchr(d, '/') != NULL)
                g_string_append(fl->msg, "; a date typed as text: make the cell a date, or set "
                                         "date_order in the profile)");
            else
                g_string_append(fl->msg, "; expected YYYY-MM-DD, a slash date, or a date cell)");
            gb__reject(fl, rec, date_col);
            return GB_OK;
        }
        *year = (int)(*date / 10000);
    }
    if (*y != '\0') {
        gint64 v;
        if (!gb_text_parse_int(y, 1900, 2999, &v)) {
            gb__describe(fl, "not a year", year_name, y, strlen(y));
            g_string_append(fl->msg, "; expected a year such as 2007)");
            gb__reject(fl, rec, year_col);
            return GB_OK;
        }
        if (*date != 0 && v != *year) {
            gb__describe(fl, "year disagrees with date", year_name, y, strlen(y));
            g_string_append_printf(fl->msg, "; the date says %d)", *year);
            gb__reject(fl, rec, year_col);
            return GB_OK;
        }
        *year = (int)v;
    }
    if (*year == 0) {
        g_string_assign(fl->msg, "no year: both 'year' and 'date' are empty");
        gb__reject(fl, rec, year_col >= 0 ? year_col : date_col);
        return GB_OK;
    }
    guint32 limit = fl->t->date_limit;
    if (limit != 0 && (*date > limit || (guint32)*year > limit / 10000)) {
        char day[11];
        gb_text_format_date(limit, day);
        gboolean dated = *date > limit;
        gb__describe(fl, "judgement in the future", dated ? date_name : year_name, dated ? d : y,
                     strlen(dated ? d : y));
        g_string_append_printf(fl->msg,
                               "; nothing can be judged after %s, the date of this "
                               "run%s)",
                               day,
                               g_getenv("SOURCE_DATE_EPOCH") ? " "
                                                               "(SOURCE_DATE_EPOCH)"
                                                             : "");
        gb__reject(fl, rec, dated ? date_col : year_col);
        return GB_OK;
    }
    *ok = TRUE;
    return GB_OK;
}

static GbStatus
gb__when(GbFileLoad *fl, const GbCsvRecord *rec, int date_col, int year_col, int *year,
         guint32 *date, gboolean *ok, GbDiag *diag)
{
    return gb__when_named(fl, rec, date_col, year_col, "date", "year", year, date, ok, diag);
}

/* The header a column spec names in messages: its first alternative. */
static char *
gb__spec_name(const char *spec, const char *dflt)
{
    if (spec == NULL)
        return g_strdup(dflt);
    const char *bar = strchr(spec, '|');
    return bar != NULL ? g_strndup(spec, (gsize)(bar - spec)) : g_strdup(spec);
}
/* Resolves the authority of a record for year/date. Returns -1 after rejecting. */
static int
gb__authority(GbFileLoad *fl, const GbCsvRecord *rec, int col, int year, guint32 date)
{
    const GbRef *ref = fl->l->ref;
    const char *s = rec->fields[col];
    int a = gb__memo_get(fl->memo_authority, s);
    if (a >= 0 && (a & GB__ALWAYS)) /* existed in every year: no need to look */
        return a & ~GB__ALWAYS;
    if (a < 0) {
        gboolean unique;
        a = gb_ref_find_authority(ref, s, rec->lens[col], year, date, fl->scratch, &unique);
        if (a >= 0 && unique) {
            const GbAuthority *au = gb_ref_authority(ref, a);
            gb__memo_put(fl->memo_authority, fl->memo_keys, s,
                         a | (au->from == 0 && au->to == 0 ? GB__ALWAYS : 0));
        }
    }
    if (a < 0) {
        gb__describe(fl, rec->lens[col] ? "unknown authority" : "empty required field", "authority",
                     s, rec->lens[col]);
        g_string_append(fl->msg, "; use a name, alias, ONS or DfE code from authorities.csv)");
        gb__reject(fl, rec, col);
        return -1;
    }
    const GbAuthority *au = gb_ref_authority(ref, a);
    if (date != 0 ? !gb_ref_active_on(au, date) : !gb_ref_active_in(au, year)) {
        gb__describe(fl, "authority did not exist then", "authority", s, rec->lens[col]);
        char from[11] = "", to[11] = "";
        if (au->from)
            gb_text_format_date(au->from, from);
        if (au->to)
            gb_text_format_date(au->to, to);
        g_string_append_printf(fl->msg, "; %s existed %s%s%s%s)", au->name, au->from ? "from " : "",
                               from, au->to ? " until " : "", to);
        gb__reject(fl, rec, col);
        return -1;
    }
    return a;
}

static int
gb__grade(GbFileLoad *fl, const GbCsvRecord *rec, int col, int regime, const char *field)
{
    GbSmallMemo *small =
        regime < (int)G_N_ELEMENTS(fl->small_grade) ? &fl->small_grade[regime] : NULL;
    int g = small != NULL ? gb__small_get(small, regime, rec->fields[col], rec->lens[col]) : -1;
    if (g >= 0)
        return g;
    GHashTable *memo = regime < (int)G_N_ELEMENTS(fl->memo_grade) ? fl->memo_grade[regime] : NULL;
    g = memo != NULL ? gb__memo_get(memo, rec->fields[col]) : -1;
    if (g >= 0)
        return g;
    g = gb_ref_find_grade(fl->l->ref, regime, rec->fields[col], rec->lens[col], fl->scratch);
    if (g >= 0 && small != NULL)
        gb__small_put(small, regime, rec->fields[col], rec->lens[col], g);
    if (g >= 0 && memo != NULL)
        gb__memo_put(memo, fl->memo_keys, rec->fields[col], g);
    if (g < 0) {
        gb__describe(fl, rec->lens[col] ? "unknown grade" : "empty required field", field,
                     rec->fields[col], rec->lens[col]);
        g_string_append_printf(fl->msg,
                               "; expected one of %s: ", gb_ref_regime(fl->l->ref, regime)->id);
        gb_ref_append_grade_list(fl->l->ref, regime, fl->msg);
        g_string_append_c(fl->msg, ')');
        gb__reject(fl, rec, col);
    }
    return g;
}

/* Offers one judgement to the table. Returns the outcome; on a repeat, *prev_*
 * say where the earlier one came from. A reported statement is kept aside. */
static GbAddResult
gb__offer(GbTable *t, const GbRow *row, GbSourceKind kind, guint64 line, guint *prev_file,
          guint64 *prev_line, int *prev_grade)
{
    if (kind == GB_KIND_REPORTED) {
        gb_table_add_reported(t, row);
        return GB_ADD_NEW;
    }
    return gb_table_add(t, row, line, prev_file, prev_line, prev_grade);
}

static void
gb__conflict_msg(GString *msg, const GbRef *ref, const GbTable *t, const GbRow *row, int prev_grade,
                 guint prev_file, guint64 prev_line, guint32 prev_date)
{
    const GbJudgement *j = gb_ref_judgement(ref, row->judgement);
    const GbFileAccount *prev = &g_array_index(t->files, GbFileAccount, prev_file);
    g_string_printf(msg, "conflicting duplicate: %s %s/%s is %s here but %s at %s",
                    gb_ref_authority(ref, row->authority)->name, gb_ref_regime(ref, j->regime)->id,
                    j->id, gb_ref_grade(ref, j->regime, row->grade)->label,
                    gb_ref_grade(ref, j->regime, prev_grade)->label, prev->path);
    if (prev_line > 0) /* a streaming table does not keep lines */
        g_string_append_printf(msg, ":%" G_GUINT64_FORMAT, prev_line);
    if (prev_date != 0) {
        char d[11];
        gb_text_format_date(prev_date, d);
        g_string_append_printf(msg, " (inspected %s)", d);
    }
}

/* Accounts for a record whose judgements were offered: used when any is new,
 * merged when all repeat earlier ones. A repeat within the same table is worth
 * a warning (the table lists a row twice); across publications it is expected. */
static void
gb__account_record(GbLoader *l, GbFileAccount *acc, guint file, GbDiag *scratch, const char *path,
                   guint64 line, guint added, guint n, guint prev_file, guint64 prev_line)
{
    if (added > 0 || n == 0) {
        acc->used++;
        return;
    }
    acc->merged++;
    if (prev_file != file)
        return;
    GbDiagList *w = l->warnings;
    if (w->items->len >= w->cap) {
        w->dropped++;
        return;
    }
    if (prev_line > 0)
        gb_diag_set(scratch, path, line, 0,
                    "identical duplicate of line %" G_GUINT64_FORMAT " merged", prev_line);
    else
        gb_diag_set(scratch, path, line, 0, "identical duplicate of an earlier row merged");
    gb_diag_list_take(w, scratch);
}

/* Adds the resolved judgements of one record and accounts for it: used when
 * any judgement is new, merged when all repeat earlier ones, rejected on a
 * conflicting duplicate. A record with judgements dated by publication waits
 * for gb__flush (all of it, so that it is accounted for once). */
static void
gb__commit(GbFileLoad *fl, const GbCsvRecord *rec, const GbPendingRow *rows, guint n)
{
    GbLoader *l = fl->l;
    if (fl->part != NULL) {
        GbLoadEvent *ev = gb__part_event(fl->part, GB__EV_COMMIT, rec);
        ev->n = (guint8)n;
        if (n == 1) { /* the long layout: in the event itself */
            ev->row = rows[0];
        } else {
            ev->first = fl->part->rows->len;
            g_array_append_vals(fl->part->rows, rows, n);
        }
        return;
    }
    gboolean wait = FALSE;
    for (guint i = 0; i < n && !wait; i++)
        wait = rows[i].published;
    if (wait) {
        GbPendingRec pr = {.first = l->pending_rows->len,
                           .n = n,
                           .file = fl->file,
                           .line = rec->line,
                           .offset = rec->offset,
                           .sheet = fl->sheet,
                           .path = g_string_chunk_insert_const(l->places, rec->path),
                           .window = fl->profile != NULL ? fl->profile->merge_window : 0};
        g_array_append_vals(l->pending_rows, rows, n);
        g_array_append_val(l->pending_recs, pr);
        return;
    }
    GbFileAccount *acc = gb__account(fl);
    guint added = 0, prev_file = 0;
    guint64 prev_line = 0;
    for (guint i = 0; i < n; i++) {
        int prev_grade;
        GbAddResult r = gb__offer(fl->t, &rows[i].row, rows[i].kind, rec->line, &prev_file,
                                  &prev_line, &prev_grade);
        if (r == GB_ADD_NEW) {
            added++;
            if (rows[i].kind == GB_KIND_REPORTED)
                acc->reported++;
            continue;
        }
        if (r == GB_ADD_CONFLICT) {
            gb__conflict_msg(fl->msg, l->ref, fl->t, &rows[i].row, prev_grade, prev_file, prev_line,
                             0);
            acc->judgements += added;
            gb__reject(fl, rec, rows[i].col);
            return;
        }
    }
    acc->judgements += added;
    gb__account_record(l, acc, fl->file, &fl->diag, rec->path, rec->line, added, n, prev_file,
                       prev_line);
}

/* Settles the records that waited for every file: each judgement dated by its
 * publication is merged into the inspection it reports, when one was read. */
static void
gb__flush(GbLoader *l, GbTable *t)
{
    GString *msg = g_string_new(NULL);
    GbDiag scratch = {0};
    for (guint r = 0; r < l->pending_recs->len; r++) {
        const GbPendingRec *pr = &g_array_index(l->pending_recs, GbPendingRec, r);
        GbFileAccount *acc = &g_array_index(t->files, GbFileAccount, pr->file);
        guint added = 0, prev_file = 0;
        guint64 prev_line = 0;
        gboolean rejected = FALSE;
        for (guint i = 0; i < pr->n && !rejected; i++) {
            GbPendingRow *p = &g_array_index(l->pending_rows, GbPendingRow, pr->first + i);
            GbRow row = p->row;
            int prev_grade = 0;
            guint32 near = 0;
            if (p->published && p->kind != GB_KIND_REPORTED && row.date != 0) {
                GDate d;
                g_date_clear(&d, 1);
                g_date_set_dmy(&d, (GDateDay)(row.date % 100), (GDateMonth)(row.date / 100 % 100),
                               (GDateYear)(row.date / 10000));
                g_date_subtract_days(&d, pr->window);
                guint32 from = (guint32)g_date_get_year(&d) * 10000 +
                               (guint32)g_date_get_month(&d) * 100 + (guint32)g_date_get_day(&d);
                if (gb_table_find_near(t, row.authority, row.judgement, from, row.date, pr->file,
                                       &near, &prev_grade, &prev_file, &prev_line)) {
                    if (prev_grade == row.grade)
                        continue; /* the same inspection, by its inspection date */
                    gb__conflict_msg(msg, l->ref, t, &row, prev_grade, prev_file, prev_line, near);
                    g_string_append_printf(msg,
                                           "; this row is dated by publication, within %u "
                                           "days of that inspection",
                                           pr->window);
                    gb__reject_at(l, acc, &scratch, pr->path, pr->line, pr->offset, pr->sheet,
                                  p->col, msg->str);
                    rejected = TRUE;
                    break;
                }
            }
            GbAddResult res =
                gb__offer(t, &row, p->kind, pr->line, &prev_file, &prev_line, &prev_grade);
            if (res == GB_ADD_NEW) {
                added++;
                if (p->kind == GB_KIND_REPORTED)
                    acc->reported++;
            } else if (res == GB_ADD_CONFLICT) {
                gb__conflict_msg(msg, l->ref, t, &row, prev_grade, prev_file, prev_line, 0);
                rejected = TRUE;
            }
            if (rejected) {
                gb__reject_at(l, acc, &scratch, pr->path, pr->line, pr->offset, pr->sheet, p->col,
                              msg->str);
                break;
            }
        }
        acc->judgements += added;
        if (rejected)
            continue;
        gb__account_record(l, acc, pr->file, &scratch, pr->path, pr->line, added, pr->n, prev_file,
                           prev_line);
    }
    g_array_set_size(l->pending_rows, 0);
    g_array_set_size(l->pending_recs, 0);
    gb_diag_clear(&scratch);
    g_string_free(msg, TRUE);
}

static GbSourceKind
gb__kind_of(GbFileLoad *fl, const GbCsvRecord *rec, gboolean *ok)
{
    *ok = TRUE;
    int col = fl->idx[L_KIND];
    GbSourceKind kind = GB_KIND_PUBLISHED;
    if (col < 0 || rec->lens[col] == 0)
        return kind;
    if (!gb_profile_parse_kind(rec->fields[col], &kind)) {
        gb__describe(fl, "unknown kind", "kind", rec->fields[col], rec->lens[col]);
        g_string_append(fl->msg, "; expected published, reported or selection)");
        gb__reject(fl, rec, col);
        *ok = FALSE;
    }
    return kind;
}

static GbStatus
gb__long_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    const GbRef *ref = fl->l->ref;
    const int *idx = fl->idx;
    int year;
    guint32 date;
    gboolean ok;
    GbStatus status = gb__when(fl, rec, idx[L_DATE], idx[L_YEAR], &year, &date, &ok, diag);
    if (status != GB_OK || !ok)
        return status;
    const char *rs = rec->fields[idx[L_REGIME]];
    gsize rlen = rec->lens[idx[L_REGIME]];
    int regime = gb__small_get(&fl->small_regime, 0, rs, rlen);
    if (regime < 0) {
        regime = gb_ref_find_regime(ref, rs);
        if (regime >= 0)
            gb__small_put(&fl->small_regime, 0, rs, rlen, regime);
    }
    if (regime < 0) {
        gb__describe(fl, *rs ? "unknown regime" : "empty required field", "regime", rs,
                     rec->lens[idx[L_REGIME]]);
        g_string_append(fl->msg, "; expected one of: ");
        for (guint i = 0; i < ref->regimes->len; i++)
            g_string_append_printf(fl->msg, "%s%s", i ? ", " : "", gb_ref_regime(ref, (int)i)->id);
        g_string_append_c(fl->msg, ')');
        gb__reject(fl, rec, idx[L_REGIME]);
        return GB_OK;
    }
    const GbRegime *r = gb_ref_regime(ref, regime);
    if (year < r->first_year || (r->last_year != 0 && year > r->last_year)) {
        int col = idx[L_YEAR] >= 0 && rec->lens[idx[L_YEAR]] ? idx[L_YEAR] : idx[L_DATE];
        char last[16] = "now";
        if (r->last_year)
            g_snprintf(last, sizeof last, "%d", r->last_year);
        g_string_printf(fl->msg, "year %d is outside the %s regime's years (%d-%s)", year, r->id,
                        r->first_year, last);
        gb__reject(fl, rec, col);
        return GB_OK;
    }
    const char *js = rec->fields[idx[L_JUDGEMENT]];
    gsize jlen = rec->lens[idx[L_JUDGEMENT]];
    GbSmallMemo *jsmall =
        regime < (int)G_N_ELEMENTS(fl->small_judgement) ? &fl->small_judgement[regime] : NULL;
    int j = jsmall != NULL ? gb__small_get(jsmall, regime, js, jlen) : -1;
    if (j < 0) {
        j = gb_ref_find_judgement(ref, regime, js);
        if (j >= 0 && jsmall != NULL)
            gb__small_put(jsmall, regime, js, jlen, j);
    }
    if (j < 0) {
        gb__describe(fl, *js ? "unknown judgement" : "empty required field", "judgement", js,
                     rec->lens[idx[L_JUDGEMENT]]);
        g_string_append_printf(fl->msg, "; %s has:", r->id);
        for (guint i = 0; i < ref->judgements->len; i++)
            if (gb_ref_judgement(ref, (int)i)->regime == regime)
                g_string_append_printf(fl->msg, " %s", gb_ref_judgement(ref, (int)i)->id);
        g_string_append_c(fl->msg, ')');
        gb__reject(fl, rec, idx[L_JUDGEMENT]);
        return GB_OK;
    }
    int g = gb__grade(fl, rec, idx[L_GRADE], regime, "grade");
    if (g < 0)
        return GB_OK;
    int a = gb__authority(fl, rec, idx[L_AUTHORITY], year, date);
    if (a < 0)
        return GB_OK;
    GbSourceKind kind = gb__kind_of(fl, rec, &ok);
    if (!ok)
        return GB_OK;
    guint32 source = fl->source;
    if (idx[L_SOURCE] >= 0 && rec->lens[idx[L_SOURCE]] > 0)
        source = gb__origin(fl, rec->fields[idx[L_SOURCE]], FALSE, kind, NULL);
    else if (kind != GB_KIND_PUBLISHED)
        source = gb__origin(fl, fl->path, TRUE, kind, NULL);
    GbPendingRow row = {.row = {.date = date,
                                .year = (guint16)year,
                                .authority = (guint16)a,
                                .judgement = (guint8)j,
                                .grade = (gint8)g,
                                .source = source,
                                .file = (guint16)fl->file},
                        .col = idx[L_GRADE],
                        .kind = kind};
    gb__commit(fl, rec, &row, 1);
    return GB_OK;
}

static gboolean
gb__is_blank(const GbCsvRecord *rec, int col)
{
    return col < 0 || rec->lens[col] == 0;
}

/* Reads an event row (a visit that carries no grade). */
static GbStatus
gb__event_record(GbFileLoad *fl, const GbCsvRecord *rec, const GArray *cols, GbDiag *diag)
{
    int year;
    guint32 date;
    gboolean ok;
    GbStatus status = gb__when(fl, rec, g_array_index(cols, int, 0), g_array_index(cols, int, 1),
                               &year, &date, &ok, diag);
    if (status != GB_OK || !ok)
        return status;
    int a = gb__authority(fl, rec, fl->auth_col, year, date);
    if (a < 0)
        return GB_OK;
    /* A worker's part keeps the texts in its own chunk until the merge. */
    GStringChunk *text = fl->part != NULL ? fl->part->text : fl->t->visit_text;
    GbVisit e = {.date = date != 0 ? date : (guint32)year * 10000 + 1231,
                 .authority = (guint16)a,
                 .file = (guint16)fl->file,
                 .type = g_string_chunk_insert_const(text, rec->fields[fl->event_col]),
                 .theme = gb__is_blank(rec, fl->theme_col)
                              ? NULL
                              : g_string_chunk_insert_const(text, rec->fields[fl->theme_col])};
    if (fl->part != NULL) {
        GbLoadEvent *ev = gb__part_event(fl->part, GB__EV_VISIT, rec);
        ev->first = fl->part->visits->len;
        g_array_append_val(fl->part->visits, e);
        return GB_OK;
    }
    gb_table_add_visit(fl->t, &e);
    gb__account(fl)->events++;
    gb__account(fl)->used++;
    return GB_OK;
}

static GbStatus
gb__wide_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    const GbRef *ref = fl->l->ref;
    const GbProfile *p = fl->profile;
    GbPendingRow rows[GB__MAX_ROW_JUDGEMENTS];
    guint k = 0;
    if (fl->event_col >= 0 && !gb__is_blank(rec, fl->event_col)) {
        gb_text_key(rec->fields[fl->event_col], rec->lens[fl->event_col], fl->scratch);
        for (char **e = p->event_types; *e != NULL; e++) {
            GString *want = g_string_new(NULL);
            gb_text_key(*e, strlen(*e), want);
            gboolean is = g_string_equal(want, fl->scratch);
            g_string_free(want, TRUE);
            if (is)
                return gb__event_record(fl, rec, g_ptr_array_index(fl->group_cols, 0), diag);
        }
    }
    for (guint gi = 0; gi < p->groups->len; gi++) {
        const GbProfileGroup *g = g_ptr_array_index(p->groups, gi);
        const GArray *cols = g_ptr_array_index(fl->group_cols, gi);
        int date_col = g_array_index(cols, int, 0), year_col = g_array_index(cols, int, 1);
        if (date_col < 0 && year_col < 0)
            continue; /* this table has no such inspection */
        if (g->id[0] != '\0') {
            /* A group with no date, or a "not inspected" one, is an inspection
             * that did not happen; judgements there without a date are an error. */
            gboolean no_date = gb__is_blank(rec, date_col) && gb__is_blank(rec, year_col);
            if (!no_date && date_col >= 0) {
                gb_text_key(rec->fields[date_col], rec->lens[date_col], fl->scratch);
                no_date = g_hash_table_contains(p->not_inspected, fl->scratch->str);
                if (no_date && fl->scratch->len == 0)
                    no_date = gb__is_blank(rec, year_col);
            }
            if (no_date) {
                for (guint i = 0; i < g->judgement_ids->len; i++) {
                    int col = g_array_index(cols, int, 2 + i);
                    if (gb__is_blank(rec, col))
                        continue;
                    gb_text_key(rec->fields[col], rec->lens[col], fl->scratch);
                    if (g_hash_table_contains(p->not_judged, fl->scratch->str))
                        continue;
                    g_string_printf(fl->msg,
                                    "a judgement without a date: '%s' has a grade but "
                                    "'%s' is empty",
                                    (const char *)g_ptr_array_index(g->judgement_cols, i),
                                    g->date_col ? g->date_col : g->year_col);
                    gb__reject(fl, rec, col);
                    return GB_OK;
                }
                if (fl->part != NULL)
                    fl->part->not_inspected++;
                else
                    gb__account(fl)->not_inspected++;
                continue;
            }
        }
        int year;
        guint32 date;
        gboolean ok;
        char *dn = gb__spec_name(g->date_col, "date"), *yn = gb__spec_name(g->year_col, "year");
        GbStatus status =
            gb__when_named(fl, rec, date_col, year_col, dn, yn, &year, &date, &ok, diag);
        g_free(dn);
        g_free(yn);
        if (status != GB_OK || !ok)
            return status;
        int regime = gb_profile_regime(g, year, date);
        if (regime < 0) {
            g_string_printf(fl->msg, "no regime in profile '%s' covers %d", p->id, year);
            gb__reject(fl, rec, date_col >= 0 ? date_col : year_col);
            return GB_OK;
        }
        int a = gb__authority(fl, rec, fl->auth_col, year, date);
        if (a < 0)
            return GB_OK;
        guint32 source = gb__origin(fl, g->source != NULL ? g->source : fl->path, g->source == NULL,
                                    g->kind, g->id);
        for (guint i = 0; i < g->judgement_ids->len && k < G_N_ELEMENTS(rows); i++) {
            int col = g_array_index(cols, int, 2 + i);
            if (col < 0)
                continue;
            gb_text_key(rec->fields[col], rec->lens[col], fl->scratch);
            if (g_hash_table_contains(p->not_judged, fl->scratch->str)) {
                if (fl->part != NULL)
                    fl->part->not_judged++;
                else
                    gb__account(fl)->not_judged++;
                continue;
            }
            const GbJudgement *pj = gb_ref_judgement(ref, g_array_index(g->judgement_ids, int, i));
            int j = gb_ref_find_judgement(ref, regime, pj->id);
            if (j < 0) {
                g_string_printf(fl->msg, "the %s regime has no judgement '%s' (column '%s')",
                                gb_ref_regime(ref, regime)->id, pj->id,
                                (const char *)g_ptr_array_index(g->judgement_cols, i));
                gb__reject(fl, rec, col);
                return GB_OK;
            }
            int gr = gb__grade(fl, rec, col, regime, g_ptr_array_index(g->judgement_cols, i));
            if (gr < 0)
                return GB_OK;
            rows[k++] = (GbPendingRow){.row = {.date = date,
                                               .year = (guint16)year,
                                               .authority = (guint16)a,
                                               .judgement = (guint8)j,
                                               .grade = (gint8)gr,
                                               .source = source,
                                               .file = (guint16)fl->file},
                                       .col = col,
                                       .published = g->date_kind == GB_DATE_PUBLICATION,
                                       .kind = g->kind};
        }
    }
    gb__commit(fl, rec, rows, k);
    return GB_OK;
}

/* Lookup keys of a header row: key -> GUINT(column + 1), first place kept. */
static GHashTable *
gb__header_keys(const GbCsvRecord *hdr)
{
    GHashTable *cols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GString *key = g_string_new(NULL);
    for (guint f = 0; f < hdr->nfields; f++) {
        gb_text_key(hdr->fields[f], hdr->lens[f], key);
        if (key->len == 0 || g_hash_table_contains(cols, key->str))
            continue;
        g_hash_table_insert(cols, g_strdup(key->str), GUINT_TO_POINTER(f + 1));
    }
    g_string_free(key, TRUE);
    return cols;
}

static void
gb__set_layout(GbFileLoad *fl, const char *layout)
{
    GbFileAccount *acc = gb__account(fl);
    g_free(acc->layout);
    acc->layout = g_strdup(layout);
}

/* Maps profile p's columns onto the header. */
static GbStatus
gb__use_profile(GbFileLoad *fl, const GbProfile *p, GHashTable *cols, const GbCsvRecord *hdr,
                GbDiag *diag)
{
    fl->profile = p;
    gb__set_layout(fl, p->id);
    guint32 as_at;
    if (p->as_at != NULL && gb_text_parse_date(p->as_at, &as_at))
        gb_table_state_as_at(fl->t, as_at);
    fl->source = gb_table_intern_origin(fl->t, p->source != NULL ? p->source : fl->path,
                                        p->source == NULL, p->kind, NULL);
    fl->auth_col = gb_profile_column(p->authority_col, cols);
    fl->event_col = gb_profile_column(p->event_col, cols);
    fl->theme_col = gb_profile_column(p->theme_col, cols);
    if (fl->group_cols != NULL)
        g_ptr_array_free(fl->group_cols, TRUE);
    fl->group_cols = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    gboolean dated = FALSE; /* some group has its date column here */
    for (guint gi = 0; gi < p->groups->len; gi++) {
        const GbProfileGroup *g = g_ptr_array_index(p->groups, gi);
        GArray *c = g_array_new(FALSE, FALSE, sizeof(int));
        int date_col = gb_profile_column(g->date_col, cols);
        int year_col = gb_profile_column(g->year_col, cols);
        g_array_append_val(c, date_col);
        g_array_append_val(c, year_col);
        gb__order_add(fl, date_col);
        for (guint i = 0; i < g->judgement_cols->len; i++) {
            int col = gb_profile_column(g_ptr_array_index(g->judgement_cols, i), cols);
            g_array_append_val(c, col);
        }
        g_ptr_array_add(fl->group_cols, c);
        if (date_col >= 0 || year_col >= 0)
            dated = TRUE;
    }
    if (fl->auth_col < 0 || !dated) {
        GString *m = g_string_new(NULL);
        g_string_printf(m,
                        "profile '%s' matched, but the header lacks its authority or a date "
                        "column",
                        p->id);
        gb__diag_at(diag, hdr->path, hdr->line, hdr->offset, fl->sheet, -1, m->str);
        g_string_free(m, TRUE);
        return GB_DATA;
    }
    return GB_OK;
}

/* The profile whose match columns the header holds, or NULL. With a forced
 * profile, only that one. In a workbook, only profiles for this sheet. */
static const GbProfile *
gb__pick_profile(GbFileLoad *fl, GHashTable *cols)
{
    GbLoader *l = fl->l;
    for (guint i = 0; i < l->profiles->len; i++) {
        const GbProfile *p = g_ptr_array_index(l->profiles, i);
        if (fl->forced && strcmp(p->id, l->force_profile) != 0)
            continue;
        if (fl->sheet && !gb_profile_wants_sheet(p, fl->sheet_name))
            continue;
        if (gb_profile_matches(p, cols))
            return p;
    }
    return NULL;
}

/* Remembers how close the header came to each candidate profile. */
static void
gb__near_miss(GbFileLoad *fl, GHashTable *cols, guint64 row)
{
    GbLoader *l = fl->l;
    GString *missing = g_string_new(NULL);
    for (guint i = 0; i < l->profiles->len; i++) {
        const GbProfile *p = g_ptr_array_index(l->profiles, i);
        if (fl->forced && strcmp(p->id, l->force_profile) != 0)
            continue;
        g_string_truncate(missing, 0);
        guint n = gb_profile_missing(p, cols, missing);
        guint have = g_strv_length(p->match) - n;
        if (have == 0 || (fl->near_msg->len > 0 && n >= fl->near_missing))
            continue;
        fl->near_missing = n;
        if (fl->sheet)
            g_string_printf(fl->near_msg,
                            "nearest: profile '%s', whose header sheet '%s' row %" G_GUINT64_FORMAT
                            " comes closest to, lacks %s",
                            p->id, fl->sheet_name, row, missing->str);
        else
            g_string_printf(fl->near_msg, "nearest: profile '%s', whose header lacks %s", p->id,
                            missing->str);
    }
    g_string_free(missing, TRUE);
}

static GbStatus
gb__choose_layout(GbFileLoad *fl, const GbCsvRecord *hdr, GbDiag *diag)
{
    GbLoader *l = fl->l;
    GHashTable *cols = gb__header_keys(hdr);
    GbStatus status = GB_OK;
    gboolean is_long = !fl->forced && g_hash_table_contains(cols, "authority") &&
                       g_hash_table_contains(cols, "grade");
    const GbProfile *chosen = is_long ? NULL : gb__pick_profile(fl, cols);
    if (chosen != NULL) {
        status = gb__use_profile(fl, chosen, cols, hdr, diag);
    } else if (is_long) {
        status = gb_csv_map_header(hdr, gb__long_cols, L_N, FALSE, fl->idx, diag);
        if (status == GB_OK && fl->idx[L_YEAR] < 0 && fl->idx[L_DATE] < 0) {
            gb_diag_set(diag, hdr->path, hdr->line, 1,
                        "missing required column 'year' (or 'date')");
            status = GB_DATA;
        }
        if (status == GB_OK)
            gb__order_add(fl, fl->idx[L_DATE]);
        gb__set_layout(fl, "long");
    } else {
        gb__near_miss(fl, cols, hdr->line);
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < l->profiles->len; i++)
            g_string_append_printf(names, "%s%s", i ? ", " : "",
                                   ((GbProfile *)g_ptr_array_index(l->profiles, i))->id);
        if (fl->forced)
            gb_diag_set(diag, hdr->path, hdr->line, 1,
                        "the header lacks the columns of profile "
                        "'%s'%s%s",
                        l->force_profile, fl->near_msg->len ? "; " : "", fl->near_msg->str);
        else
            gb_diag_set(diag, hdr->path, hdr->line, 1,
                        "unknown table layout: the header has neither the long columns "
                        "(authority, year, regime, judgement, grade) nor the columns of a "
                        "profile (%s)%s%s",
                        names->len ? names->str : "none found", fl->near_msg->len ? "; " : "",
                        fl->near_msg->str);
        g_string_free(names, TRUE);
        status = GB_DATA;
    }
    g_hash_table_destroy(cols);
    return status;
}

static GbStatus
gb__data_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    if (fl->profile != NULL)
        return gb__wide_record(fl, rec, diag);
    return gb__long_record(fl, rec, diag);
}

/* gb__data_record for a record already counted in rows: a record that stops
 * the file (a date column whose order cannot be told, say) is counted as
 * rejected too, so that rows = used + merged + rejected still holds. */
static GbStatus
gb__counted_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    GbStatus st = gb__data_record(fl, rec, diag);
    if (st != GB_OK && fl->part != NULL)
        gb__part_event(fl->part, GB__EV_STOP, rec);
    else if (st != GB_OK)
        gb__account(fl)->rejected++;
    return st;
}

/* A CSV record after the header, counted in rows already. */
static GbStatus
gb__body_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    if (rec->nfields != fl->width) {
        g_string_printf(fl->msg, "record has %u fields; the header has %u", rec->nfields,
                        fl->width);
        gb__reject(fl, rec, rec->nfields > fl->width ? (int)fl->width : -1);
        return GB_OK;
    }
    return gb__counted_record(fl, rec, diag);
}

static GbStatus
gb__file_record(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GbFileLoad *fl = user;
    if (rec->record == 1) {
        fl->width = rec->nfields;
        return gb__choose_layout(fl, rec, diag);
    }
    gb__account(fl)->rows++;
    return gb__body_record(fl, rec, diag);
}

/* ---- a CSV file on every core (csvsplit.c) ---- */

/* The memos, scratch strings and diag of one thread's loading. */
static void
gb__load_init(GbFileLoad *fl)
{
    fl->part = NULL;
    fl->diag = (GbDiag){0};
    fl->scratch = g_string_new(NULL);
    fl->msg = g_string_new(NULL);
    fl->memo_keys = g_string_chunk_new(64 * 1024);
    fl->small_regime.n = 0;
    for (guint i = 0; i < G_N_ELEMENTS(fl->small_grade); i++)
        fl->small_judgement[i].n = fl->small_grade[i].n = 0;
    fl->memo_authority = gb__memo_new();
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        fl->memo_origin[i] = gb__memo_new();
    fl->origin_key = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(fl->memo_grade); i++)
        fl->memo_grade[i] = i < fl->l->ref->regimes->len ? gb__memo_new() : NULL;
}

static void
gb__load_clear(GbFileLoad *fl)
{
    gb_diag_clear(&fl->diag);
    g_string_free(fl->scratch, TRUE);
    g_string_free(fl->msg, TRUE);
    g_hash_table_destroy(fl->memo_authority);
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        g_hash_table_destroy(fl->memo_origin[i]);
    g_string_free(fl->origin_key, TRUE);
    for (guint i = 0; i < G_N_ELEMENTS(fl->memo_grade); i++)
        if (fl->memo_grade[i] != NULL)
            g_hash_table_destroy(fl->memo_grade[i]);
    g_string_chunk_free(fl->memo_keys);
}

/* A worker thread's loading: the file's layout (group_cols shared, read only),
 * its own memos and date orders, the prescan shared. Made on the calling
 * thread, after the header. */
static gpointer
gb__worker_new(gpointer user)
{
    GbFileLoad *fl = user;
    GbPrescan *ps = fl->split_prescan;
    if (ps->orders == NULL)
        ps->orders = g_array_copy(fl->orders);
    GbFileLoad *w = g_new(GbFileLoad, 1);
    *w = *fl;
    gb__load_init(w);
    w->orders = g_array_copy(fl->orders);
    w->prescan = ps;
    w->prescanned = FALSE;
    return w;
}

static void
gb__worker_free(gpointer data)
{
    GbFileLoad *w = data;
    gb__load_clear(w);
    g_array_free(w->orders, TRUE);
    g_free(w);
}

static gpointer
gb__part_new(gpointer user)
{
    GbLoadPart *p = g_new0(GbLoadPart, 1);
    p->rows = g_array_new(FALSE, FALSE, sizeof(GbPendingRow));
    p->diags = g_array_new(FALSE, FALSE, sizeof(GbDiag));
    p->origins = g_array_new(FALSE, FALSE, sizeof(GbPartOrigin));
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        p->origin_ids[i] = gb__memo_new();
    p->origin_map = g_array_new(FALSE, FALSE, sizeof(guint32));
    p->visits = g_array_new(FALSE, FALSE, sizeof(GbVisit));
    p->text = g_string_chunk_new(4096);
    return p;
}

static void
gb__part_free(gpointer data)
{
    GbLoadPart *p = data;
    for (guint i = 0; i < p->diags->len; i++)
        gb_diag_clear(&g_array_index(p->diags, GbDiag, i));
    g_free(p->events);
    g_array_free(p->rows, TRUE);
    g_array_free(p->diags, TRUE);
    g_array_free(p->origins, TRUE);
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        g_hash_table_destroy(p->origin_ids[i]);
    g_array_free(p->origin_map, TRUE);
    g_array_free(p->visits, TRUE);
    g_string_chunk_free(p->text);
    g_free(p);
}

static GbStatus
gb__part_record(const GbCsvRecord *rec, gpointer worker, gpointer part, GbDiag *diag)
{
    GbFileLoad *w = worker;
    w->part = part;
    GbStatus status = gb__body_record(w, rec, diag);
    w->part = NULL;
    return status;
}

/* Interns the part's origins first asked for by event `event`, in the order
 * they were asked for. */
static void
gb__merge_origins(GbFileLoad *fl, GbLoadPart *p, guint *next, guint event)
{
    for (; *next < p->origins->len; (*next)++) {
        const GbPartOrigin *o = &g_array_index(p->origins, GbPartOrigin, *next);
        if (o->event != event)
            return;
        g_array_index(p->origin_map, guint32, *next) =
            gb_table_intern_origin(fl->t, o->source, o->is_file, o->kind, o->group);
    }
}

/* Replays a part into the table and the lists, as if its records were read
 * here, in order, and empties it. */
static GbStatus
gb__merge_part(gpointer part, guint64 line_base, gpointer user, GbDiag *diag)
{
    GbFileLoad *fl = user;
    GbLoadPart *p = part;
    GbDiagList *rejects = fl->l->rejects;
    GbFileAccount *acc = gb__account(fl);
    g_array_set_size(p->origin_map, p->origins->len);
    guint next_origin = 0;
    for (guint i = 0; i < p->nevents; i++) {
        GbLoadEvent *ev = &p->events[i];
        /* The table's cells for a row a few events on: a miss each, otherwise. */
        if (i + GB__PREFETCH < p->nevents) {
            const GbLoadEvent *ahead = &p->events[i + GB__PREFETCH];
            if (ahead->kind == GB__EV_COMMIT && ahead->n == 1)
                gb_table_prefetch(fl->t, &ahead->row.row);
        }
        gb__merge_origins(fl, p, &next_origin, i);
        acc->rows++;
        acc->not_judged += ev->not_judged;
        acc->not_inspected += ev->not_inspected;
        switch (ev->kind) {
        case GB__EV_STOP:
            acc->rejected++;
            continue;
        case GB__EV_REJECT:
            acc->rejected++;
            if (ev->first == GB__NO_DIAG) {
                rejects->dropped++;
                continue;
            }
            GbDiag *d = &g_array_index(p->diags, GbDiag, ev->first);
            if (d->line > 0)
                d->line += line_base;
            gb_diag_list_take(rejects, d);
            continue;
        case GB__EV_VISIT: {
            GbVisit e = g_array_index(p->visits, GbVisit, ev->first);
            e.type = g_string_chunk_insert_const(fl->t->visit_text, e.type);
            if (e.theme != NULL)
                e.theme = g_string_chunk_insert_const(fl->t->visit_text, e.theme);
            gb_table_add_visit(fl->t, &e);
            acc->events++;
            acc->used++;
            continue;
        }
        default:
            break;
        }
        GbPendingRow *rows =
            ev->n == 1 ? &ev->row : &g_array_index(p->rows, GbPendingRow, ev->first);
        for (guint k = 0; k < ev->n; k++)
            if (rows[k].row.source & GB__PART_ORIGIN)
                rows[k].row.source =
                    g_array_index(p->origin_map, guint32, rows[k].row.source & ~GB__PART_ORIGIN);
        GbCsvRecord rec = {.path = fl->path, .line = ev->line + line_base, .offset = ev->offset};
        gb__commit(fl, &rec, rows, ev->n);
    }
    /* Origins asked for by the record that stopped the part (no event). */
    gb__merge_origins(fl, p, &next_origin, p->nevents);
    p->list_full = rejects->items->len >= rejects->cap;
    p->rejects = 0;
    p->not_judged = 0;
    p->not_inspected = 0;
    p->nevents = 0;
    g_array_set_size(p->rows, 0);
    g_array_set_size(p->diags, 0);
    g_array_set_size(p->origins, 0);
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        g_hash_table_remove_all(p->origin_ids[i]);
    g_array_set_size(p->visits, 0);
    g_string_chunk_clear(p->text);
    return GB_OK;
}

static const GbCsvSplitFns gb__split_fns = {
    .direct = gb__file_record,
    .header = gb__file_record,
    .worker_new = gb__worker_new,
    .worker_free = gb__worker_free,
    .part_new = gb__part_new,
    .part_free = gb__part_free,
    .record = gb__part_record,
    .merge = gb__merge_part,
};

/* ---- workbooks ---- */

static void
gb__sheet_table_end(GbFileLoad *fl)
{
    fl->in_table = FALSE;
    fl->seek_rows = 0;
    fl->profile = NULL;
}

static GbStatus
gb__sheet_begin(const char *path, const char *sheet, gpointer user, gboolean *skip, GbDiag *diag)
{
    GbFileLoad *fl = user;
    g_ptr_array_add(fl->sheet_names, g_strdup(sheet));
    g_free(fl->sheet_name);
    fl->sheet_name = g_strdup(sheet);
    g_free((char *)fl->display);
    fl->display = g_strdup_printf("%s[%s]", path, sheet);
    fl->sheet_has_file = FALSE;
    fl->record = 0;
    gb__sheet_table_end(fl);
    return GB_OK;
}

/* The most rows any candidate profile looks through for a header. */
static guint
gb__seek_budget(GbFileLoad *fl, const char *sheet)
{
    guint budget = GB_PROFILE_HEADER_ROWS;
    for (guint i = 0; i < fl->l->profiles->len; i++) {
        const GbProfile *p = g_ptr_array_index(fl->l->profiles, i);
        if (gb_profile_wants_sheet(p, sheet) &&
            (!fl->forced || strcmp(p->id, fl->l->force_profile) == 0))
            budget = MAX(budget, p->header_rows);
    }
    return budget;
}

static GbStatus
gb__sheet_start_table(GbFileLoad *fl, const GbCsvRecord *hdr, GHashTable *cols, const GbProfile *p,
                      GbDiag *diag)
{
    if (!fl->sheet_has_file) {
        fl->file = gb_table_begin_file(fl->t, fl->display, p != NULL ? p->id : "long");
        fl->sheet_has_file = TRUE;
    }
    fl->width = hdr->nfields;
    fl->in_table = TRUE;
    fl->tables++;
    g_array_set_size(fl->orders, 0);
    if (p != NULL)
        return gb__use_profile(fl, p, cols, hdr, diag);
    gb__set_layout(fl, "long");
    return gb_csv_map_header(hdr, gb__long_cols, L_N, TRUE, fl->idx, diag);
}

static GbStatus
gb__sheet_row(const GbSheetRow *row, gpointer user, gboolean *skip_rest, GbDiag *diag)
{
    GbFileLoad *fl = user;
    if (row->ncells == 0) {
        if (fl->in_table)
            gb__sheet_table_end(fl);
        return GB_OK;
    }
    guint width = fl->in_table ? fl->width : row->ncells;
    g_ptr_array_set_size(fl->padded, (gint)MAX(width, 1));
    g_array_set_size(fl->padded_lens, MAX(width, 1));
    for (guint i = 0; i < width; i++) {
        fl->padded->pdata[i] = i < row->ncells ? row->cells[i] : (char *)"";
        g_array_index(fl->padded_lens, gsize, i) = i < row->ncells ? row->lens[i] : 0;
    }
    GbCsvRecord rec = {.path = fl->display,
                       .record = fl->record + 1,
                       .line = row->row,
                       .nfields = width,
                       .fields = (char *const *)fl->padded->pdata,
                       .lens = (const gsize *)(void *)fl->padded_lens->data};
    if (fl->in_table) {
        fl->record++;
        gb__account(fl)->rows++;
        return gb__counted_record(fl, &rec, diag);
    }
    GHashTable *cols = gb__header_keys(&rec);
    GbStatus status = GB_OK;
    const GbProfile *p = gb__pick_profile(fl, cols);
    gboolean is_long = p == NULL && !fl->forced && g_hash_table_contains(cols, "authority") &&
                       g_hash_table_contains(cols, "grade") &&
                       (g_hash_table_contains(cols, "year") || g_hash_table_contains(cols, "date"));
    if (p != NULL || is_long) {
        status = gb__sheet_start_table(fl, &rec, cols, p, diag);
    } else {
        gb__near_miss(fl, cols, row->row);
        if (++fl->seek_rows >= gb__seek_budget(fl, fl->sheet_name))
            *skip_rest = TRUE;
    }
    g_hash_table_destroy(cols);
    return status;
}

/* A sheet that a candidate profile names, or that any sheet-less profile may
 * read, is read whole; any other only as far as a header is looked for (a long
 * table, or the nearest miss for the message when nothing matches). */
static guint64
gb__sheet_keep_rows(const char *path, const char *sheet, gpointer user)
{
    GbFileLoad *fl = user;
    for (guint i = 0; i < fl->l->profiles->len; i++) {
        const GbProfile *p = g_ptr_array_index(fl->l->profiles, i);
        if (fl->forced && strcmp(p->id, fl->l->force_profile) != 0)
            continue;
        if (gb_profile_wants_sheet(p, sheet))
            return G_MAXUINT64;
    }
    /* Called as the sheet's bytes arrive, maybe before the last sheet's rows are
     * all read: the current sheet's state is left alone. */
    return gb__seek_budget(fl, sheet) + 1;
}

static GbStatus
gb__load_workbook(GbFileLoad *fl, GbSheetFormat fmt, GbDiag *diag)
{
    GbSheetFns fns = {
        .sheet_begin = gb__sheet_begin, .row = gb__sheet_row, .keep_rows = gb__sheet_keep_rows};
    fl->sheet = TRUE;
    fl->sheet_names = g_ptr_array_new_with_free_func(g_free);
    fl->padded = g_ptr_array_new();
    fl->padded_lens = g_array_new(FALSE, FALSE, sizeof(gsize));
    GbStatus status = gb_sheet_read(fl->path, fmt, &fns, fl, diag);
    if (status == GB_OK && fl->tables == 0) {
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < fl->sheet_names->len; i++)
            g_string_append_printf(names, "%s%s", i ? ", " : "",
                                   (const char *)g_ptr_array_index(fl->sheet_names, i));
        if (fl->forced)
            gb_diag_set(diag, fl->path, 0, 0, "no sheet matches profile '%s' (sheets: %s)%s%s",
                        fl->l->force_profile, names->str, fl->near_msg->len ? "; " : "",
                        fl->near_msg->str);
        else
            gb_diag_set(diag, fl->path, 0, 0, "no sheet matches a profile (sheets: %s)%s%s",
                        names->str, fl->near_msg->len ? "; " : "",
                        fl->near_msg->len ? fl->near_msg->str
                                          : "; no sheet has a header like any profile's");
        g_string_free(names, TRUE);
        status = GB_DATA;
    }
    g_ptr_array_free(fl->sheet_names, TRUE);
    g_ptr_array_free(fl->padded, TRUE);
    g_array_free(fl->padded_lens, TRUE);
    g_free(fl->sheet_name);
    g_free((char *)fl->display);
    return status;
}

static GbStatus
gb__load_one(GbLoader *l, GbTable *t, const char *path, gboolean forced, GbDiag *diag)
{
    if (forced) {
        gboolean known = FALSE;
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < l->profiles->len; i++) {
            const GbProfile *p = g_ptr_array_index(l->profiles, i);
            known = known || strcmp(p->id, l->force_profile) == 0;
            g_string_append_printf(names, "%s%s", i ? ", " : "", p->id);
        }
        if (!known) {
            gb_diag_set(diag, NULL, 0, 0, "no profile named '%s' in %s/profiles (there: %s)",
                        l->force_profile, l->ref->datadir, names->len ? names->str : "none");
            g_string_free(names, TRUE);
            return GB_USAGE;
        }
        g_string_free(names, TRUE);
    }
    GbSheetFormat fmt;
    GbStatus status = gb_sheet_detect(path, &fmt, diag);
    if (status != GB_OK)
        return status;
    GbFileLoad fl = {.l = l,
                     .t = t,
                     .path = path,
                     .display = path,
                     .forced = forced,
                     .auth_col = -1,
                     .event_col = -1,
                     .theme_col = -1};
    gb__load_init(&fl);
    fl.near_msg = g_string_new(NULL);
    fl.orders = g_array_new(FALSE, FALSE, sizeof(GbColumnOrder));
    GbPrescan prescan = {0};
    g_mutex_init(&prescan.lock);
    if (fmt == GB_SHEET_CSV) {
        fl.file = gb_table_begin_file(t, path, "unknown");
        fl.source = gb_table_intern_file_source(t, path);
        /* A large file is validated on every core, in parts (csvsplit.c). */
        fl.split_prescan = &prescan;
        status = gb_csv_read_split(path, &gb__split_fns, &fl, diag);
        if (status == GB_OK && gb__account(&fl)->rows == 0 && fl.width > 0) {
            /* A header and nothing else is legal, but worth a word. */
            gb_diag_set(&fl.diag, path, 0, 0, "has a header but no rows");
            gb_diag_list_take(l->warnings, &fl.diag);
        }
    } else {
        fl.display = NULL;
        status = gb__load_workbook(&fl, fmt, diag);
    }
    gb__load_clear(&fl);
    g_string_free(fl.near_msg, TRUE);
    g_array_free(fl.orders, TRUE);
    if (prescan.orders != NULL)
        g_array_free(prescan.orders, TRUE);
    g_mutex_clear(&prescan.lock);
    if (fl.group_cols != NULL)
        g_ptr_array_free(fl.group_cols, TRUE);
    return status;
}

GbStatus
gb_load_file(GbLoader *l, GbTable *t, const char *path, GbDiag *diag)
{
    GbStatus status = gb__load_one(l, t, path, l->force_profile != NULL, diag);
    if (!l->batch)
        gb__flush(l, t);
    return status;
}

static gint
gb__cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GbStatus
gb_load_all(GbLoader *l, GbTable *t, const char *const *files, GbDiag *diag)
{
    char *dir = g_build_filename(l->ref->datadir, "grades", NULL);
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d != NULL) {
        const char *name;
        while ((name = g_dir_read_name(d)) != NULL) {
            if (name[0] == '.' || g_str_has_suffix(name, "~") || g_str_has_suffix(name, ".md") ||
                g_str_has_suffix(name, ".txt"))
                continue;
            char *p = g_build_filename(dir, name, NULL);
            if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
                g_ptr_array_add(paths, p);
            else
                g_free(p);
        }
        g_dir_close(d);
    }
    g_free(dir);
    g_ptr_array_sort(paths, gb__cmp_str);
    guint bundled = paths->len;
    for (const char *const *f = files; f != NULL && *f != NULL; f++)
        g_ptr_array_add(paths, g_strdup(*f));
    GbStatus status = GB_OK;
    l->batch = TRUE;
    for (guint i = 0; i < paths->len && status == GB_OK; i++)
        status = gb__load_one(l, t, g_ptr_array_index(paths, i),
                              i >= bundled && l->force_profile != NULL, diag);
    l->batch = FALSE;
    if (status == GB_OK)
        gb__flush(l, t);
    g_ptr_array_free(paths, TRUE);
    return status;
}
