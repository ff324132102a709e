/* statsfmt.h - `gradebrief stats`: parse its options, compute what they ask
 * for through stats.h, and write it as an aligned table, CSV or JSON. */
#ifndef GB_STATSFMT_H
#define GB_STATSFMT_H

#include "pipeline/stats.h"

#include <stdio.h>

typedef struct {
    GbGroupBy by;
    enum { GB_FMT_TABLE, GB_FMT_CSV, GB_FMT_JSON } format;
    guint32 as_at;       /* 0 = the newest judgement date in the data */
    char *authority;
    gboolean movers;
} GbStatsOptions;

/* Fills o from the option strings (any may be NULL); prints the problem and
 * returns 64 on a bad value, 0 otherwise. */
int gb_statsfmt_parse_options(const char *by, const char *format, const char *as_at,
                              const char *authority, GbStatsOptions *o);
void gb_statsfmt_options_clear(GbStatsOptions *o);

/* Computes and writes what o asks for; returns an exit code (65 for an
 * unknown authority). */
int gb_statsfmt_run(const GbTable *t, const GbStatsOptions *o, FILE *out);

/* Appends s to out as one RFC 4180 CSV field: quoted when it holds a comma,
 * quote, CR or LF, and prefixed with ' when it starts with = + - @ or a tab so
 * that spreadsheets do not run it as a formula. This function can't fail. */
void gb_statsfmt_csv_field(GString *out, const char *s);

#endif
