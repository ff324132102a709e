/* refdata.h - the reference tables of a data directory: authorities, regimes,
 * their judgements and grade scales, published headlines, statistical
 * neighbours. Loaded once, then read-only; every later stage looks names up
 * here. Plain structs: they are data, and charts read them directly. */
#ifndef GB_REFDATA_H
#define GB_REFDATA_H

#include "pipeline/status.h"

#define GB_COMMON_LEVELS 4 /* outstanding, good, adequate/RI, inadequate */
#define GB_REF_TILE_MAX 40 /* tile map coordinates q and r are 0..this */

typedef struct {
    char *code;         /* DfE 3-digit LA code, the key */
    char *name;         /* canonical name */
    GPtrArray *ons;     /* char*: ONS/GSS codes, current first */
    GPtrArray *aliases; /* char* */
    int region;         /* index into GbRef.regions */
    guint32 from, to;   /* active from (inclusive) / to (exclusive), YYYYMMDD; 0 = open */
    GArray *successors; /* int: authority indices */
    int tile_q, tile_r; /* position in the hex tile map (odd-r), -1 when none */
    char *short_label;  /* up to 3 characters for the tile, or NULL */
    int neighbours[10]; /* statistical neighbours, -1 where none */
    char *closeness[10];
} GbAuthority;

typedef struct {
    char *id;    /* "outstanding" */
    char *label; /* "Outstanding" */
    gboolean good_or_better;
    int common; /* level on the common 4-level scale (0..3), -1 if none */
} GbGrade;

typedef struct {
    char *id, *name, *short_name;
    int first_year, last_year; /* last_year 0 = still in use */
    GArray *grades;            /* GbGrade, best first */
    gboolean graded;           /* grades map to the common scale */
} GbRegime;

#define GB_MAX_FAMILIES 32

typedef struct {
    int regime; /* index into GbRef.regimes */
    char *id, *label;
    guint32 families; /* bit f set: the judgement belongs to family f (GbRef.families) */
    char *note;       /* source and caveat of its family links, or NULL */
} GbJudgement;

/* What a published figure measures (headlines.csv `kind`). */
typedef enum {
    GB_HEADLINE_PUBLISHED_ONLY, /* nothing the rows can compute: shown, never paired */
    GB_HEADLINE_POSITION,       /* each authority's latest judgement of a family as at a date */
    GB_HEADLINE_PERIOD          /* the inspections made from one date to another */
} GbHeadlineKind;

typedef struct {
    char *id;
    int year;
    int regime, judgement; /* -1 when the figure belongs to no one regime */
    GbHeadlineKind kind;
    guint32 as_at;    /* a position's date (YYYYMMDD), else 0 */
    guint32 from, to; /* a period's first and last days (YYYYMMDD), else 0 */
    int family;       /* a position's judgement family (GbRef.families), else -1 */
    char *group;      /* a period's profile column group ("cpi"), or NULL: every row */
    int rounded_to;   /* an approx share is rounded to this many points ("four in 10": 10) */
    char *measure;    /* share | count | context */
    char *grade;      /* grade id, good_or_better, inspected, ... */
    double value;
    char *unit;      /* percent | count | gbp */
    int base;        /* -1 when not stated */
    char *qualifier; /* exact | approx | more_than */
    char *description, *source;
} GbHeadline;

/* A (year, regime, judgement) whose rows are a selection, not every authority. */
typedef struct {
    int year, regime, judgement;
    char *note;
} GbCoverage;

typedef struct {
    char *datadir;
    GArray *authorities; /* GbAuthority */
    GPtrArray *regions;  /* char*, in first-seen order */
    GArray *regimes;     /* GbRegime */
    GArray *judgements;  /* GbJudgement */
    GPtrArray *families; /* char*: judgement family ids, in first-seen order */
    char *common_labels[GB_COMMON_LEVELS];
    GArray *headlines;     /* GbHeadline */
    GArray *coverage;      /* GbCoverage */
    GStringChunk *strings; /* the register's texts: codes, names, ONS codes, aliases, keys */
    /* lookups */
    GHashTable *auth_by_key;  /* key -> index + 1, or 0 when shared (see auth_shared) */
    GHashTable *auth_shared;  /* key -> GArray* of int, for names used by two */
    GHashTable *auth_by_code; /* DfE code -> index + 1 */
    GHashTable *regime_by_id;
    GHashTable *grade_by_key;      /* "regime\x1fkey" -> grade index + 1 */
    GPtrArray *pending_successors; /* internal: successor codes while loading */
    GArray *no_successors;         /* internal: the empty list shared by authorities with none */
    GString *scratch;              /* internal: lookup-key buffer while loading */
    /* internal, while loading: loose name -> index + 1 in loose_items */
    GHashTable *loose_names;
    GStringChunk *loose_keys;
    GArray *loose_items;
    GString *loose_scratch;
} GbRef;

/* Loads the reference tables of datadir. On success *out owns a new GbRef
 * (free with gb_ref_free). Fails with GB_NOINPUT or GB_DATA and diag set. */
GbStatus gb_ref_load(const char *datadir, GbRef **out, GbDiag *diag);
void gb_ref_free(GbRef *ref);
/* Leaves ref (may be NULL) to the end of the process instead of freeing it: for
 * a command's last use of it just before it exits. Freeing the 22,000-entity
 * register is 41 M instructions (44,000 arrays) on one thread after every other
 * is done, for memory the exit gives back at once. ref stays reachable from a
 * static until then, so leak checkers (LeakSanitizer; memcheck's definite and
 * possible kinds) do not count it; a later call frees the one left before, so
 * at most one is ever held. This function can't fail. */
void gb_ref_leave(GbRef *ref);

/* The note of coverage.csv when the rows of (year, regime, judgement) are a
 * selection of authorities, else NULL. */
const char *gb_ref_selection_note(const GbRef *ref, int year, int regime, int judgement);

/* TRUE when authority a exists on date ymd (YYYYMMDD). */
gboolean gb_ref_active_on(const GbAuthority *a, guint32 ymd);
/* TRUE when authority a exists at some time in year. */
gboolean gb_ref_active_in(const GbAuthority *a, int year);
/* The years in which authority a exists, as gb_ref_active_in() has them: first
 * to last, G_MININT or G_MAXINT where open. This function can't fail. */
void gb_ref_active_years(const GbAuthority *a, int *first, int *last);

/* Finds an authority by name, alias, ONS or DfE code, case- and
 * space-insensitively, and by the long forms councils use, by rule: "London
 * Borough of X", "Royal Borough of X", "City of X", "X City Council", "X County
 * Council" (also borough, district and metropolitan borough councils). Where a name was used by two
 * authorities (Dorset), the one active at ymd (or in year, when ymd is 0) wins. Returns the index
 * or -1. scratch is a caller's buffer for the lookup key; *unique (may be NULL) says whether s
 * names one authority whatever the date. */
int gb_ref_find_authority(const GbRef *ref, const char *s, gsize len, int year, guint32 ymd,
                          GString *scratch, gboolean *unique);
/* Appends "did you mean X?" (up to three names of authorities nearest s, by
 * edit distance of their lookup keys, or by a short form of their start) to
 * out, or nothing when none is near. For messages; this function can't fail. */
void gb_ref_suggest_authority(const GbRef *ref, const char *s, GString *out);
/* "unknown authority "Herts"; did you mean Hertfordshire?" for s, as a new
 * string to g_free. */
char *gb_ref_unknown_authority(const GbRef *ref, const char *s);
/* How far query is from candidate (edit distance, or one more than that of a
 * short form of its start), or G_MAXUINT when too far to suggest. */
guint gb_ref_nearness(const char *query, const char *candidate);
/* Finds a regime by id, ignoring case and spaces ("SIF", " apa "); -1 if none. */
int gb_ref_find_regime(const GbRef *ref, const char *id);
/* The headline judgement of a regime: its first in judgements.csv, or -1. */
int gb_ref_headline_judgement(const GbRef *ref, int regime);
/* Finds a judgement of regime by id, ignoring case and spaces; -1 if none. */
int gb_ref_find_judgement(const GbRef *ref, int regime, const char *id);
/* Finds a judgement family ("safeguarding") by id; returns its index or -1. */
int gb_ref_find_family(const GbRef *ref, const char *id);
/* Finds a grade of regime by id, label or alias; returns its index or -1. */
int gb_ref_find_grade(const GbRef *ref, int regime, const char *s, gsize len, GString *scratch);
/* Appends "outstanding, good, ..." (the regime's grade labels) to out. */
void gb_ref_append_grade_list(const GbRef *ref, int regime, GString *out);

static inline const GbAuthority *
gb_ref_authority(const GbRef *ref, int i)
{
    return &g_array_index(ref->authorities, GbAuthority, i);
}
static inline const GbRegime *
gb_ref_regime(const GbRef *ref, int i)
{
    return &g_array_index(ref->regimes, GbRegime, i);
}
static inline const GbJudgement *
gb_ref_judgement(const GbRef *ref, int i)
{
    return &g_array_index(ref->judgements, GbJudgement, i);
}
static inline gboolean
gb_ref_in_family(const GbRef *ref, int judgement, int family)
{
    return family >= 0 && (gb_ref_judgement(ref, judgement)->families >> family & 1u) != 0;
}
static inline const GbGrade *
gb_ref_grade(const GbRef *ref, int regime, int grade)
{
    return &g_array_index(gb_ref_regime(ref, regime)->grades, GbGrade, grade);
}

#endif
