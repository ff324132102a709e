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
    guint32 source;    /* index into table->sources */
} GbRow;

/* What happened to the rows of one input file. rows = used + merged + rejected. */
typedef struct {
    char *path;
    char *layout; /* "long" or the profile id */
    guint64 rows, used, merged, rejected;
    guint64 judgements; /* judgements taken from used rows */
    guint64 not_judged; /* cells marked "not judged" in wide tables */
    guint64 after;      /* judgements of used rows left out: dated after the as-at date */
} GbFileAccount;

typedef struct {
    const GbRef *ref;
    GArray *rows; /* GbRow; stays empty when streaming */
    guint64 kept; /* judgements kept (rows->len, or counted when streaming) */
    /* Streaming (check, and stats without --authority): no rows, only what
     * those need, so memory is bounded by the register, not by the input. */
    gboolean streaming;
    guint32 stream_as_at;       /* latest judgements kept are those on or before this */
    guint32 *counts;            /* [judgement][year - year0][region][grade] */
    GHashTable *far_counts;     /* the same for years outside the window: packed key -> count */
    guint64 *latest;            /* [authority][judgement]: date << 8 | grade, 0 for none */
    GPtrArray *dense;           /* per authority: guint32 cells [judgement][year], or NULL */
    int year0, years;           /* the years the dense cells cover */
    GPtrArray *sources;         /* char*, interned */
    GByteArray *source_is_file; /* per source: 1 when it is only a file's path */
    GArray *files;              /* GbFileAccount */
    GHashTable *source_ids;
    GHashTable *seen;    /* packed (authority, judgement, date|year) -> packed origin */
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
/* TRUE when source is only a file's path (not a source text to credit). */
gboolean gb_table_source_is_file(const GbTable *t, guint32 source);

/* Offers row r (from line `line` of its file). A judgement already present for
 * the same authority, judgement and date (or year) is not added: the result
 * says whether it was identical, and *prev_file / *prev_line where the earlier
 * one came from. This function can't fail. */
GbAddResult gb_table_add(GbTable *t, const GbRow *r, guint64 line, guint *prev_file,
                         guint64 *prev_line, int *prev_grade);

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
 * out. Today that is a year-only row of a (year, regime, judgement) that
 * coverage.csv lists; a dated row is a published inspection. NULL otherwise. */
const char *gb_table_row_selection(const GbTable *t, const GbRow *r);

/* Sums the accounting over every file into *total (path and layout NULL). */
void gb_table_totals(const GbTable *t, GbFileAccount *total);

static inline const GbRow *
gb_table_row(const GbTable *t, guint i)
{
    return &g_array_index(t->rows, GbRow, i);
}

#endif
