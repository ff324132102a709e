/* statsfmt-private.h - what the files of `gradebrief stats` output share:
 * statsfmt.c (options, the run, names and labels), statscsv.c, statsjson.c
 * and statstable.c (the distributions and positions in each format),
 * statsauthority.c (--authority) and statsmovers.c (--movers). Not for other
 * modules. None of these functions can fail. */
#ifndef GB_STATSFMT_PRIVATE_H
#define GB_STATSFMT_PRIVATE_H

#include "pipeline/statsfmt.h"

#include <json-glib/json-glib.h>

/* What one run of `stats` computed beyond the distributions: the as-at date,
 * the dates of the positions, and each family's positions. */
typedef struct {
    const GbTable *t;
    const GbStatsOptions *o;
    GbAsAt at;
    GArray *dates;        /* guint32 */
    GArray *families;     /* int: family indices */
    GPtrArray *positions; /* per family: GArray of GbPosition (date-major, England first) */
    GPtrArray *standings; /* per family: GbStanding on at.date (--by authority), or empty */
} GbRun;

/* Names of a distribution's group, "" where not grouped. */
typedef struct {
    char year[8];
    const char *regime, *judgement, *region;
} GbNames;

/* The ids of the common scale's levels, best first. */
extern const char *const gb__statsfmt_common_ids[GB_COMMON_LEVELS];

/* Fills n with the ids of a group (year or regime -1: "common"; -2: none). */
void gb__statsfmt_names(const GbRef *ref, int year, int regime, int judgement, int region,
                        GbNames *n);
/* The id of d's grade g (its regime's, or the common scale's). */
const char *gb__statsfmt_grade_id(const GbRef *ref, const GbDistribution *d, int g);
/* Appends one RFC 4180 row of n cells, ending in CRLF. */
void gb__statsfmt_csv_row(GString *s, const char *const *cells, int n);
/* "overall_effectiveness" -> "Overall effectiveness" into buf; returns buf. */
const char *gb__statsfmt_family_label(const GbRef *ref, int f, char *buf, gsize len);
/* "england", "region" or "neighbours". */
const char *gb__statsfmt_group_id(GbGroupKind k);
/* The authority's first ONS code, or "". */
const char *gb__statsfmt_ons(const GbAuthority *a);
/* The position before series[i] in its series for the same group, or NULL. */
const GbPosition *gb__statsfmt_previous(const GArray *series, guint i);
/* The name of judgement id (its label in judgements.csv, lower case after
 * the first word's capital), or the id when unknown. */
const char *gb__statsfmt_judgement_name(const GbRef *ref, const char *id);
/* The level labels of latest's judgements: those of the one regime its
 * family's England position on the date was made under, else the common
 * scale's. */
void gb__statsfmt_latest_labels(const GbRun *run, const GbLatest *latest,
                                const char *labels[GB_COMMON_LEVELS]);
/* Appends "2019 (2019-03-01) ILACS Good [as NAME]". */
void gb__statsfmt_event_text(GString *s, const GbRef *ref, const GbEvent *e);

/* JSON pieces (statsjson.c). Writes what b built, pretty-printed, and frees b. */
void gb__statsfmt_json_write(JsonBuilder *b, FILE *out);
/* A member name and its value; a NULL string or a 0 date is null. */
void gb__statsfmt_json_int(JsonBuilder *b, const char *name, gint64 v);
void gb__statsfmt_json_str(JsonBuilder *b, const char *name, const char *v);
void gb__statsfmt_json_date(JsonBuilder *b, const char *name, guint32 ymd);
/* The as-at date, where it came from, and what was left out after it. */
void gb__statsfmt_json_as_at(JsonBuilder *b, const GbRun *run);
/* One position as an object; prev (or NULL) gives its changes. */
void gb__statsfmt_json_position(JsonBuilder *b, const GbRef *ref, const GbPosition *p,
                                const GbPosition *prev);

/* The writers: positions and distributions in each format. */
void gb__statsfmt_csv(const GbRun *run, const GbStats *st, FILE *out);
void gb__statsfmt_json(const GbRun *run, const GbStats *st, const GbLatest *latest, FILE *out);
void gb__statsfmt_table(const GbRun *run, const GbStats *st, const GbLatest *latest, FILE *out);
/* --authority: authority a's history and standing, as a table, or as CSV
 * (its history) or JSON. */
void gb__statsfmt_authority_table(const GbRun *run, int a, const GbLatest *latest, FILE *out);
void gb__statsfmt_authority_data(const GbRun *run, int a, const GbLatest *latest, gboolean json,
                                 FILE *out);
/* --movers: the moves and transition matrices in the run's format. */
void gb__statsfmt_movers(const GbRun *run, const GbMovers *mv, FILE *out);

#endif
