/* profile.h - how to read a wide publication (one column per judgement).
 *
 * A profile is a small key file in DATADIR/profiles/: which columns hold the
 * authority, the date and each judgement, which regime applies (fixed or by
 * date) and which cell values mean "not judged". New publications are read by
 * adding a profile, never by changing code. */
#ifndef GB_PROFILE_H
#define GB_PROFILE_H

#include "pipeline/refdata.h"

typedef struct {
    char *id; /* file name without .ini */
    char *name;
    char *path;
    char **match; /* header columns that identify the layout */
    char *authority_col, *date_col, *year_col;
    int regime;             /* fixed regime, or -1 when chosen by date */
    GArray *regime_from;    /* GbProfileEra, ascending dates */
    GHashTable *not_judged; /* lookup keys of "not judged" cell values */
    char *source;
    GArray *judgement_ids;     /* int: judgement index per column below */
    GPtrArray *judgement_cols; /* char* header names */
} GbProfile;

typedef struct {
    guint32 from; /* YYYYMMDD */
    int regime;
} GbProfileEra;

/* Loads every DATADIR/profiles/ *.ini in name order into a new array of
 * GbProfile* (free with g_ptr_array_unref). A missing folder gives an empty
 * array. A bad profile fails with GB_DATA and diag naming file and line. */
GbStatus gb_profile_load_all(const GbRef *ref, GPtrArray **out, GbDiag *diag);

/* TRUE when the header columns (lookup keys) hold every column p->match names. */
gboolean gb_profile_matches(const GbProfile *p, GHashTable *header_keys);

/* The regime p assigns to a judgement made on ymd (or in year when ymd is 0),
 * or -1 when none does. */
int gb_profile_regime(const GbProfile *p, int year, guint32 ymd);

#endif
