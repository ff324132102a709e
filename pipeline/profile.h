/* profile.h - how to read a wide publication (one column per judgement).
 *
 * A profile is a small key file in DATADIR/profiles/: which sheet and which
 * header identify the table, which columns hold the authority, the date and
 * each judgement, which regime applies (fixed or by date), which cell values
 * mean "not judged" or "not inspected", and, for a row that carries several
 * inspections side by side, one [group ID] per inspection. New publications
 * are read by adding a profile, never by changing code (data/README.md lists
 * every key with an example). A column name may list alternatives separated
 * by '|' (the same column under another name in a second table). */
#ifndef GB_PROFILE_H
#define GB_PROFILE_H

#include "pipeline/refdata.h"

/* Which date a row carries. */
typedef enum { GB_DATE_INSPECTION, GB_DATE_PUBLICATION } GbDateKind;

/* What a row's source is: Ofsted's published judgement, a judgement known only
 * from a report (a council's statement to the press, an article's list), shown
 * but never counted; or a published judgement from a selection of authorities
 * (not every authority judged that year). */
typedef enum { GB_KIND_PUBLISHED, GB_KIND_REPORTED, GB_KIND_SELECTION } GbSourceKind;

/* The order of slash dates in a CSV column: inferred from the column, or set. */
typedef enum { GB_ORDER_INFER, GB_ORDER_DMY, GB_ORDER_MDY, GB_ORDER_YMD } GbDateOrder;

/* One inspection's columns in a row (a profile without groups has one). */
typedef struct {
    char *id;                  /* group id, "" for the profile's own [judgements] */
    char *label;               /* e.g. "First SIF inspection", or NULL */
    char *date_col, *year_col; /* header names, or NULL: the profile's */
    GbDateKind date_kind;
    int regime;          /* fixed regime, or -1 when chosen by date */
    GArray *regime_from; /* GbProfileEra, ascending dates */
    char *source;        /* or NULL: the profile's */
    GbSourceKind kind;
    GArray *judgement_ids;     /* int: judgement index per column below */
    GPtrArray *judgement_cols; /* char* header names */
} GbProfileGroup;

typedef struct {
    char *id; /* file name without .ini */
    char *name;
    char *path;
    char **sheets;         /* sheet names to read, or NULL: any sheet whose header matches */
    guint header_rows;     /* rows searched for a header, from a sheet's top or a table's end */
    char **match;          /* header columns that identify the layout */
    GPtrArray *match_keys; /* per match column, a char** of its alternatives' lookup keys */
    char *authority_col;
    char *event_col;           /* a column whose value marks a row as an event, or NULL */
    char **event_types;        /* those values */
    char *theme_col;           /* the event's theme, or NULL */
    char *as_at;               /* YYYY-MM-DD the publication is "as at", or NULL */
    GHashTable *not_judged;    /* lookup keys of "not judged" grade cells */
    GHashTable *not_inspected; /* lookup keys of "not inspected" date cells */
    GbDateOrder date_order;    /* CSV slash dates */
    guint merge_window;        /* days a publication date may follow the inspection date */
    char *source;
    GbSourceKind kind;
    GPtrArray *groups; /* GbProfileGroup*, at least one */
} GbProfile;

typedef struct {
    guint32 from; /* YYYYMMDD */
    int regime;
} GbProfileEra;

#define GB_PROFILE_HEADER_ROWS 30   /* default header_rows */
#define GB_PROFILE_MERGE_WINDOW 240 /* default merge_window, days */

/* Loads every DATADIR/profiles/ *.ini in name order into a new array of
 * GbProfile* (free with g_ptr_array_unref). A missing folder gives an empty
 * array. A bad profile (unknown group or key, unknown regime or judgement, a
 * bad value) fails with GB_DATA and diag naming file and line. */
GbStatus gb_profile_load_all(const GbRef *ref, GPtrArray **out, GbDiag *diag);

/* TRUE when the header columns (lookup keys) hold every column p->match names. */
gboolean gb_profile_matches(const GbProfile *p, GHashTable *header_keys);

/* Appends to out the match columns missing from header_keys, quoted and comma
 * separated; returns how many. */
guint gb_profile_missing(const GbProfile *p, GHashTable *header_keys, GString *out);

/* TRUE when p reads sheets named `sheet` (always for a profile naming none). */
gboolean gb_profile_wants_sheet(const GbProfile *p, const char *sheet);

/* The column of header_keys (lookup key -> GUINT(index + 1)) that the column
 * spec names (alternatives separated by '|'), or -1. */
int gb_profile_column(const char *spec, GHashTable *header_keys);

/* The regime group g assigns to a judgement made on ymd (or in year when ymd
 * is 0), or -1 when none does. */
int gb_profile_regime(const GbProfileGroup *g, int year, guint32 ymd);

/* The name of a source kind ("published", "reported", "selection"). */
const char *gb_profile_kind_name(GbSourceKind kind);

/* Parses a kind name; FALSE for anything else. */
gboolean gb_profile_parse_kind(const char *s, GbSourceKind *kind);

#endif
