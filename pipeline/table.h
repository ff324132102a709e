/* table.h - the validated judgement table: one GbRow per judgement, every id
 * resolved against the reference data, identical duplicates merged, and the
 * accounting of every input row. Built by load.c; read-only afterwards. */
#ifndef GB_TABLE_H
#define GB_TABLE_H

#include "pipeline/refdata.h"

typedef struct {
    guint32 date; /* YYYYMMDD, 0 when only the year is known */
    guint16 year;
    guint16 authority; /* index into ref->authorities */
    guint8 judgement;  /* index into ref->judgements */
    gint8 grade;       /* index into the judgement's regime scale */
    guint16 file;      /* index into table->files */
    guint32 source;    /* index into table->origins (gb_table_row_source: its text) */
} GbRow;

/* What happened to the rows of one input file. rows = used + merged + rejected. */
typedef struct {
    char *path;
    char *layout; /* "long" or the profile id */
    guint64 rows, used, merged, rejected;
    guint64 judgements;    /* judgements taken from used rows */
    guint64 not_judged;    /* cells marked "not judged" in wide tables */
    guint64 after;         /* judgements of used rows left out: dated after the as-at date */
    guint64 not_inspected; /* column groups marked "not inspected" (or empty) */
    guint64 reported;      /* judgements kept as reported statements (never counted) */
    guint64 events;        /* rows kept as visits that carry no grade */
} GbFileAccount;

/* Where rows came from: a source text, the kind of that source (a GbSourceKind,
 * profile.h) and the profile column group ("" for none). */
typedef struct {
    guint32 text; /* index into table->sources */
    guint8 kind;
    const char *group; /* in table->visit_text */
} GbOrigin;

/* An inspection activity that carries no grade (a focused or monitoring
 * visit), for the packs. */
typedef struct {
    guint32 date;      /* YYYYMMDD the visit was made */
    guint32 published; /* YYYYMMDD of publication, 0 if not given */
    guint16 authority;
    guint16 file;
    const char *type;  /* "ILACS Focused Visit", in table->visit_text */
    const char *theme; /* "Care leavers", or NULL for none */
} GbVisit;

typedef struct {
    const GbRef *ref;
    GArray *rows; /* GbRow; stays empty when streaming */
    guint64 kept; /* judgements kept (rows->len, or counted when streaming) */
    /* Streaming (check, and stats without --authority): no rows, only what
     * those need, so memory is bounded by the register, not by the input. */
    gboolean streaming;
    guint32 stream_as_at;         /* latest judgements kept are those on or before this */
    guint32 *counts;              /* [judgement][year - year0][region][grade] */
    GHashTable *far_counts;       /* the same for years outside the window: packed key -> count */
    guint64 *latest;              /* [authority][judgement]: date << 8 | grade, 0 for none */
    GPtrArray *dense;             /* per authority: guint32 cells [judgement][year], or NULL */
    gpointer slab;                /* the dense cells and latest, in one block */
    gsize slab_bytes;             /* of the block when it is mapped; 0: g_malloc0'd */
    int year0, years;             /* the years the count cells cover */
    int *cell_year0, *cell_years; /* per judgement: the years its dense cells cover */
    gsize *cell_first;            /* per judgement: its first dense cell */
    gsize cells;                  /* dense cells per authority */
    guint16 *region_of;           /* per authority: its region */
    GPtrArray *sources;           /* char*, interned: each source text once */
    GByteArray *source_is_file;   /* per source: 1 when it is only a file's path */
    GArray *origins;              /* GbOrigin: a source text with the kind and group of its rows */
    GHashTable *origin_ids;
    GStringChunk *visit_text; /* the visits' types and themes, the origins' groups */
    GArray *reported;         /* GbRow: reported statements, shown but never counted; stays
                               * empty when streaming */
    GArray *visits;           /* GbVisit, in the order read */
    GArray *files;            /* GbFileAccount */
    GHashTable *source_ids;
    GHashTable *seen;    /* packed (authority, judgement, date|year) -> packed origin */
    GHashTable *near;    /* (authority << 8 | judgement) -> GArray of guint32 dates in seen;
                          * made by the first gb_table_find_near, NULL before */
    guint32 newest_date; /* newest judgement date, 0 if none (of the rows kept after a cut) */
    guint32 date_limit;  /* YYYYMMDD: later judgements are refused by the loader */
    int min_year, max_year;
    /* The as-at rule (position.h): the publication's own date, and the rows
     * dated after the as-at date, left out. */
    guint32 stated_as_at; /* the "as at" date a publication states (a profile key), 0: none */
    guint32 cut;          /* rows dated after this are left out, 0: none */
    guint64 after;        /* judgements left out because they are dated after `cut` */
    guint32 after_first;  /* the earliest and newest of them */
    guint32 after_newest;
    guint32 newest_when; /* the newest date a row counts from (year-only: 31 December) */
} GbTable;

/* Result of offering one judgement to the table. */
typedef enum { GB_ADD_NEW, GB_ADD_IDENTICAL, GB_ADD_CONFLICT } GbAddResult;

/* A new empty table; its date_limit is gb_table_default_date_limit(). */
GbTable *gb_table_new(const GbRef *ref);
/* The day of SOURCE_DATE_EPOCH when set, else today (UTC): no judgement can be
 * dated after the run (a typo's 2052 would move the as-at and PDF dates). */
guint32 gb_table_default_date_limit(void);
/* Makes t keep counts and each authority's latest judgement on or before as_at
 * (0: the newest) instead of rows. Call before anything is added. Duplicates are
 * still found, with the file and line of the earlier row. */
void gb_table_set_streaming(GbTable *t, guint32 as_at);
void gb_table_free(GbTable *t);

/* Starts accounting for a new input file; returns its index. */
guint gb_table_begin_file(GbTable *t, const char *path, const char *layout);
guint32 gb_table_intern_source(GbTable *t, const char *source);
/* Interns the path of a file as the source of its rows that name none. */
guint32 gb_table_intern_file_source(GbTable *t, const char *path);
/* TRUE when source (an index into t->sources) is only a file's path (not a
 * source text to credit). */
gboolean gb_table_source_is_file(const GbTable *t, guint32 source);
/* The origin of rows from source (a file's path when is_file) of kind `kind` (a
 * GbSourceKind) from profile column group `group` (NULL or "": none): the id a
 * GbRow's source holds. gb_table_intern_source and _file_source are this with
 * kind published and no group. */
guint32 gb_table_intern_origin(GbTable *t, const char *source, gboolean is_file, int kind,
                               const char *group);
/* The GbSourceKind of a row (of its source). This function can't fail. */
int gb_table_row_kind(const GbTable *t, const GbRow *r);
/* The source text of a row. This function can't fail. */
const char *gb_table_row_source(const GbTable *t, const GbRow *r);
/* The id of the profile column group a row came from ("cpi", "cpri", "sif",
 * "sif_re", "ilacs1" ...), or "" for a row that came from no group. This
 * function can't fail. */
const char *gb_table_row_group(const GbTable *t, const GbRow *r);

/* Keeps r as a reported statement: in t->reported (not when streaming), never in
 * the rows, counts, latest judgements or duplicate index. */
void gb_table_add_reported(GbTable *t, const GbRow *r);
void gb_table_add_visit(GbTable *t, const GbVisit *e);

/* Finds the dated judgement of (authority, judgement) made on a day in
 * [from, to] (YYYYMMDD) and read from another file than not_file, the latest
 * such; TRUE with its date, grade and place. Used to recognise one inspection
 * reaching the tool twice, once by its inspection date and once by its
 * publication date. This function can't fail. */
gboolean gb_table_find_near(GbTable *t, int authority, int judgement, guint32 from, guint32 to,
                            guint not_file, guint32 *date, int *grade, guint *file, guint64 *line);

/* Offers row r (from line `line` of its file). A judgement already present for
 * the same authority, judgement and date (or year) is not added: the result
 * says whether it was identical, and *prev_file / *prev_line where the earlier
 * one came from. This function can't fail. */
GbAddResult gb_table_add(GbTable *t, const GbRow *r, guint64 line, guint *prev_file,
                         guint64 *prev_line, int *prev_grade);
/* Asks the processor to fetch what gb_table_add(t, r, ...) will touch: a
 * caller that knows its next rows calls it a few rows ahead (the streaming
 * index is a cache miss a row); early, further ahead, for where the row's
 * cells are, then without early for the cells. This function can't fail. */
void gb_table_prefetch(const GbTable *t, const GbRow *r, gboolean early);

#define GB_TABLE_GRADES 8 /* grades a scale may have, for the count cells */

/* Calls fn for every non-zero count of a streaming table. */
typedef void (*GbCountFn)(int judgement, int year, int region, int grade, guint count,
                          gpointer user);
void gb_table_foreach_count(const GbTable *t, GbCountFn fn, gpointer user);

/* Records that a table read states its data "as at" ymd (a profile key); the
 * newest stated date is kept. This function can't fail. */
void gb_table_state_as_at(GbTable *t, guint32 ymd);
/* The newest "as at" date the publications read state, 0 when none does. */
guint32 gb_table_stated_as_at(const GbTable *t);

/* Leaves out every judgement dated after ymd (year-only ones count as made on
 * 31 December), counting them in t->after. A streaming table is cut while it
 * loads (its as-at date): later it can only be cut at that date or after it,
 * and returns FALSE for an earlier one (read it again). */
gboolean gb_table_cut(GbTable *t, guint32 ymd);

/* The date a row counts from in as-at questions: its date, else 31 December. */
static inline guint32
gb_table_row_when(const GbRow *r)
{
    return r->date != 0 ? r->date : (guint32)r->year * 10000 + 1231;
}

/* The coverage note when r is a row of a selection (a list naming only some
 * authorities, chosen by their grade): positions and movers leave such rows
 * out. Today that is a row whose source is of kind selection (profile.h), or a
 * year-only row of a (year, regime, judgement) that coverage.csv lists; a dated
 * row is a published inspection. NULL otherwise. */
const char *gb_table_row_selection(const GbTable *t, const GbRow *r);

/* Sums the accounting over every file into *total (path and layout NULL). */
void gb_table_totals(const GbTable *t, GbFileAccount *total);

static inline const GbRow *
gb_table_row(const GbTable *t, guint i)
{
    return &g_array_index(t->rows, GbRow, i);
}

#endif
