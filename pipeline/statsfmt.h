/* statsfmt.h - `gradebrief stats`: parse its options, compute what they ask
 * for through stats.h, and write it as an aligned table, CSV or JSON. */
#ifndef GB_STATSFMT_H
#define GB_STATSFMT_H

#include "pipeline/position.h"

#include <stdio.h>

typedef struct {
    GbGroupBy by;
    gboolean by_authority; /* --by authority: each authority's standing too */
    enum { GB_FMT_TABLE, GB_FMT_CSV, GB_FMT_JSON } format;
    guint32 as_at;                /* --as-at (the latest of a list), 0 = the as-at rule's default */
    guint32 config_as_at;         /* briefing.ini's as_at, 0 when not set (the caller fills it) */
    GArray *dates;                /* guint32: the --as-at list, sorted, or NULL for one date */
    int series_day, series_month; /* --as-at-series DD-MM, 0 when not asked */
    char *authority;
    gboolean movers; /* --movers: list moves and transition matrices */
    GbMoversMode movers_mode;
    char *family; /* --family: only this judgement family, NULL for all */
} GbStatsOptions;

/* Fills o from the option strings (any may be NULL); as_at may be a comma
 * list of dates. Prints the problem and returns 64 on a bad value, 0 otherwise. */
int gb_statsfmt_parse_options(const char *by, const char *format, const char *as_at,
                              const char *authority, GbStatsOptions *o);
/* The position options: series ("31-03": that day every year, or a comma list
 * of dates), movers ("family" or "any"), family (an id, checked when run).
 * Any may be NULL. Prints the problem and returns 64 on a bad value. */
int gb_statsfmt_parse_positions(const char *series, const char *movers, const char *family,
                                GbStatsOptions *o);
/* TRUE when what o asks for needs the table's rows (several dates, movers, an
 * authority), FALSE when a streaming table will do. */
gboolean gb_statsfmt_needs_rows(const GbStatsOptions *o);
void gb_statsfmt_options_clear(GbStatsOptions *o);

/* Computes and writes what o asks for; returns an exit code (65 for an
 * unknown authority). */
int gb_statsfmt_run(const GbTable *t, const GbStatsOptions *o, FILE *out);

/* Appends s to out as one RFC 4180 CSV field: quoted when it holds a comma,
 * quote, CR or LF, and prefixed with ' when it starts with = + - @ or a tab so
 * that spreadsheets do not run it as a formula. This function can't fail. */
void gb_statsfmt_csv_field(GString *out, const char *s);

#endif
