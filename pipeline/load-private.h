/* load-private.h - what the files of the grade-table loader share: load.c (the
 * loader, rejects, commits, the long layout, a file's load), loadfield.c
 * (memos, a thread's state, origins, authority and grade), loaddate.c (dates
 * and the date-order prescan), loadwide.c (wide and event rows), loadlayout.c
 * (a header's layout, workbooks) and loadsplit.c (a large CSV file's parts and
 * their replay in file order). Not for other modules. */
#ifndef GB_LOAD_PRIVATE_H
#define GB_LOAD_PRIVATE_H

#include "pipeline/load.h"

#include "pipeline/csvread.h"
#include "pipeline/csvsplit.h"
#include "pipeline/profile.h"
#include "pipeline/sheet.h"
#include "pipeline/text.h"

#include <string.h>

/* The long layout's columns (gb__long_cols in loadlayout.c). */
enum { L_AUTHORITY, L_YEAR, L_REGIME, L_JUDGEMENT, L_GRADE, L_DATE, L_SOURCE, L_KIND, L_N };
#define GB__ORIGIN_KINDS 3 /* GbSourceKind values with a memo of their own */

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
    guint last; /* the entry found last: rows mostly repeat the row before's value */
} GbSmallMemo;
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

/* A memo: raw bytes -> a non-negative int (loadfield.c). */
typedef struct GbMemo GbMemo;

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
    GbMemo *origin_ids[GB__ORIGIN_KINDS + 1]; /* memos: origin key -> index in origins */
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
    GbMemo *memo_authority; /* raw -> authority, for names naming one authority */
    GbMemo *memo_grade[32]; /* per regime: raw -> grade */
    GbSmallMemo small_regime;
    GbSmallMemo small_judgement[32], small_grade[32]; /* per regime */
    GbMemo *memo_origin[GB__ORIGIN_KINDS + 1];        /* origin key -> origin id (gb__origin) */
    GString *origin_key;
    GArray *orders; /* GbColumnOrder: CSV date columns */
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

/* a[0..n) == b[0..n): keys of 4 to 32 bytes (most: names, codes, sources) in
 * a few overlapping word compares, no call; others by memcmp. */
static inline guint64
gb__word(const char *p, gsize at)
{
    guint64 w;
    memcpy(&w, p + at, 8);
    return w;
}

static inline gboolean
gb__memo_same(const char *a, const char *b, gsize n)
{
    if (n >= 8 && n <= 16)
        return ((gb__word(a, 0) ^ gb__word(b, 0)) | (gb__word(a, n - 8) ^ gb__word(b, n - 8))) == 0;
    if (n > 16 && n <= 32)
        return ((gb__word(a, 0) ^ gb__word(b, 0)) | (gb__word(a, 8) ^ gb__word(b, 8)) |
                (gb__word(a, n - 16) ^ gb__word(b, n - 16)) |
                (gb__word(a, n - 8) ^ gb__word(b, n - 8))) == 0;
    if (n >= 4 && n < 8) {
        guint32 x, y, u, v;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return ((x ^ y) | (u ^ v)) == 0;
    }
    if (n < 4) {
        for (gsize i = 0; i < n; i++)
            if (a[i] != b[i])
                return FALSE;
        return TRUE;
    }
    return memcmp(a, b, n) == 0;
}

static inline gboolean
gb__small_is(const GbSmallEntry *e, int ctx, const char *s, gsize len)
{
    return e->len == len && e->ctx == ctx && gb__memo_same(e->text, s, len);
}

/* Looks every entry up in turn. */
static inline int
gb__small_scan(const GbSmallMemo *m, int ctx, const char *s, gsize len)
{
    for (guint i = 0; i < m->n; i++)
        if (gb__small_is(&m->e[i], ctx, s, len))
            return m->e[i].id;
    return -1;
}

/* gb__small_scan for a column whose value mostly repeats the last row's (a
 * regime, a judgement): the entry found last is tried first. */
static inline int
gb__small_get(GbSmallMemo *m, int ctx, const char *s, gsize len)
{
    if (m->last < m->n && gb__small_is(&m->e[m->last], ctx, s, len))
        return m->e[m->last].id;
    for (guint i = 0; i < m->n; i++)
        if (gb__small_is(&m->e[i], ctx, s, len)) {
            m->last = i;
            return m->e[i].id;
        }
    return -1;
}

static inline void
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

/* load.c */
/* The accounting entry of the file (or sheet) being read. */
GbFileAccount *gb__account(GbFileLoad *fl);
/* Points diag at cell col of a record: FILE:LINE:COL for CSV (the column found
 * by re-reading the record), FILE[Sheet]:ROW:COL with the column letter in a
 * workbook, FILE:LINE when col < 0. */
void gb__diag_at(GbDiag *diag, const char *path, guint64 line, guint64 offset, gboolean sheet,
                 int col, const char *msg);
/* Rejects the record: counts it and keeps the message fl->msg at field col. */
void gb__reject(GbFileLoad *fl, const GbCsvRecord *rec, int col);
/* Starts fl->msg with what went wrong and the field's name and quoted value. */
void gb__describe(GbFileLoad *fl, const char *what, const char *field, const char *value,
                  gsize len);
/* Adds the resolved judgements of one record and accounts for it: used when
 * any judgement is new, merged when all repeat earlier ones, rejected on a
 * conflicting duplicate. A record with judgements dated by publication waits
 * for gb__flush (all of it, so that it is accounted for once). */
void gb__commit(GbFileLoad *fl, const GbCsvRecord *rec, const GbPendingRow *rows, guint n);
/* gb__data_record for a record already counted in rows: a record that stops
 * the file (a date column whose order cannot be told, say) is counted as
 * rejected too, so that rows = used + merged + rejected still holds. */
GbStatus gb__counted_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag);
/* A CSV record after the header, counted in rows already. */
GbStatus gb__body_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag);
/* A CSV record of the file, the header included (a GbCsvRecordFn). */
GbStatus gb__file_record(const GbCsvRecord *rec, gpointer user, GbDiag *diag);

/* loadfield.c */
/* A new, empty memo (see loadfield.c); free it with gb__memo_free. */
GbMemo *gb__memo_new(void);
/* Frees m; NULL does nothing. */
void gb__memo_free(GbMemo *m);
/* Forgets every key of m, keeping its memory. */
void gb__memo_clear(GbMemo *m);
/* The value of the len bytes at key, or -1 when m does not have them. */
int gb__memo_get(const GbMemo *m, const char *key, gsize len);
/* Remembers a key m does not have with value (>= 0); past the memo's cap of
 * keys, or for a key of 64 KiB or more, does nothing. This function can't fail. */
void gb__memo_put(GbMemo *m, const char *key, gsize len, int value);
/* The origin id of rows from source (gb_table_intern_origin), remembered by
 * its key (the memo's ids are the table's, or in a worker's part ids local to
 * the part, interned when the part is merged). */
guint32 gb__origin(GbFileLoad *fl, const char *source, gboolean is_file, int kind,
                   const char *group);
/* gb__origin for source[0..len), which has no NUL. */
guint32 gb__origin_len(GbFileLoad *fl, const char *source, gsize len, gboolean is_file, int kind,
                       const char *group);
/* The header a column spec names in messages: its first alternative. */
char *gb__spec_name(const char *spec, const char *dflt);
/* Resolves the authority of a record for year/date. Returns -1 after rejecting. */
int gb__authority(GbFileLoad *fl, const GbCsvRecord *rec, int col, int year, guint32 date);
/* Resolves the grade in field col for regime. Returns -1 after rejecting. */
int gb__grade(GbFileLoad *fl, const GbCsvRecord *rec, int col, int regime, const char *field);
/* The memos, scratch strings and diag of one thread's loading. */
void gb__load_init(GbFileLoad *fl);
/* Frees what gb__load_init made. */
void gb__load_clear(GbFileLoad *fl);

/* loaddate.c */
/* Adds CSV column col to the date columns whose order is to be inferred. */
void gb__order_add(GbFileLoad *fl, int col);
/* Resolves the year and date of a record. Returns GB_OK with *ok FALSE after
 * rejecting it, or a status that stops the file. */
GbStatus gb__when_named(GbFileLoad *fl, const GbCsvRecord *rec, int date_col, int year_col,
                        const char *date_name, const char *year_name, int *year, guint32 *date,
                        gboolean *ok, GbDiag *diag);
/* gb__when_named with the default column names, "date" and "year". */
GbStatus gb__when(GbFileLoad *fl, const GbCsvRecord *rec, int date_col, int year_col, int *year,
                  guint32 *date, gboolean *ok, GbDiag *diag);

/* loadwide.c */
/* Reads a record of a profile's wide layout. */
GbStatus gb__wide_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag);

/* loadlayout.c */
/* Chooses the layout of the table whose header is hdr; fails with diag set. */
GbStatus gb__choose_layout(GbFileLoad *fl, const GbCsvRecord *hdr, GbDiag *diag);
/* Reads every table of every kept sheet of fl's workbook. */
GbStatus gb__load_workbook(GbFileLoad *fl, GbSheetFormat fmt, GbDiag *diag);
/* The workbook's keep_rows callback: how many rows of a sheet are read. It
 * looks at fl->l's profiles and fl->forced only, so that a read ahead may call
 * it on another thread (gb_sheet_ahead_start). */
guint64 gb__sheet_keep_rows(const char *path, const char *sheet, gpointer user);

/* loadsplit.c */
/* Appends an event for rec to the part and returns it; the counts of the
 * record so far go with it. */
GbLoadEvent *gb__part_event(GbLoadPart *p, guint8 kind, const GbCsvRecord *rec);
/* gb__reject in a worker: the reject becomes an event of the part. */
void gb__part_reject(GbFileLoad *fl, const GbCsvRecord *rec, int col);
/* The callbacks csvsplit.c reads a large CSV file with. */
extern const GbCsvSplitFns gb__split_fns;

/* The bundled grade files of DATADIR/grades, sorted by path (load.c); gb_load_all
 * reads them in this order and gb_load_prefetch starts on the first. */
GPtrArray *gb__grades_paths(const char *datadir);

#endif
