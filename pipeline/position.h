/* position.h - positions as at a date, Ofsted's headline measure: each
 * authority's most recent judgement of one judgement family on or before the
 * date, counted for England, a region or one authority's comparators; series
 * of them (31 March each year); the one as-at rule every command uses for its
 * default date; and movers between like judgements. Compute stage: reads the
 * table, returns plain structs, no I/O and no drawing. */
#ifndef GB_POSITION_H
#define GB_POSITION_H

#include "pipeline/stats.h"

#define GB_POSITION_REGIMES 16 /* regimes counted in GbPosition.by_regime */

/* ---- The one as-at rule ---- */

typedef enum {
    GB_AS_AT_OPTION, /* --as-at */
    GB_AS_AT_CONFIG, /* briefing.ini as_at */
    GB_AS_AT_STATED, /* the date the publication states (a profile key) */
    GB_AS_AT_NEWEST, /* the newest judgement date in the data */
    GB_AS_AT_NONE,   /* no dated judgement: 31 December of the newest year */
} GbAsAtSource;

typedef struct {
    guint32 date; /* YYYYMMDD */
    GbAsAtSource source;
} GbAsAt;

/* The as-at date of a run: option (--as-at, 0 when not given) overrides config
 * (briefing.ini, 0 when not set), which overrides the date the publication
 * states, else the newest judgement date. Every command takes its default
 * date from here. This function can't fail. */
GbAsAt gb_position_as_at(const GbTable *t, guint32 option, guint32 config);
/* "--as-at", "briefing.ini", "the publication's own date", ... (static). */
const char *gb_position_as_at_source(GbAsAtSource s);

/* ---- Standings: every authority on one date ---- */

typedef struct {
    guint32 as_at;
    int family;           /* index into ref->families */
    GArray *grade_of;     /* int per authority: common level, -1 no judgement, -2 did not exist */
    GArray *when_of;      /* guint32 per authority: the date that judgement counts from, 0 */
    GArray *judgement_of; /* int per authority: its judgement index, -1 */
} GbStanding;

/* Each authority's most recent judgement of family on or before as_at: an
 * authority abolished before as_at (active_to <= as_at) or created after it
 * did not exist; a judgement on the date counts; year-only judgements count
 * from 31 December; selection rows (gb_table_row_selection) and ungraded
 * judgements are left out; a successor does not inherit its predecessor's.
 * A streaming table keeps only its latest judgements: it answers for its own
 * as-at date (or any date on or after its newest judgement) and returns NULL
 * for another. Free with gb_position_standing_free. */
GbStanding *gb_position_standing(const GbTable *t, int family, guint32 as_at);
void gb_position_standing_free(GbStanding *s);

/* ---- Positions: counts of a group on one date ---- */

typedef enum { GB_GROUP_ENGLAND, GB_GROUP_REGION, GB_GROUP_NEIGHBOURS } GbGroupKind;

typedef struct {
    guint32 as_at;
    int family;
    GbGroupKind group;
    int region;                  /* GB_GROUP_REGION: the region; else -1 */
    int authority;               /* GB_GROUP_NEIGHBOURS: whose neighbours; else -1 */
    int authorities;             /* in the group and existing on as_at */
    int base;                    /* of them, with a judgement of the family: the shares' base */
    int not_judged;              /* authorities - base */
    int count[GB_COMMON_LEVELS]; /* on the common scale, best first */
    double percent[GB_COMMON_LEVELS];   /* 100 * count / base, unrounded (0 when base is 0) */
    int whole[GB_COMMON_LEVELS];        /* whole percents summing to 100 (largest remainder) */
    int good_or_better;                 /* outstanding + good */
    int by_regime[GB_POSITION_REGIMES]; /* how many of the base were last judged under each regime
                                         */
    guint32 oldest; /* the oldest latest judgement counted (how stale the position is), 0 */
} GbPosition;

/* Counts s for a group: England (key ignored), region `key`, or the
 * statistical neighbours of authority `key` (as many as the data lists).
 * This function can't fail. */
void gb_position_count(const GbTable *t, const GbStanding *s, GbGroupKind kind, int key,
                       GbPosition *out);

/* England, the authority's region and its statistical neighbours, in that
 * order. This function can't fail. */
void gb_position_comparators(const GbTable *t, const GbStanding *s, int authority,
                             GbPosition out[3]);

/* Positions of family on each of dates[0..n): England, then (by_region) each
 * region in register order, date by date. NULL when a streaming table cannot
 * answer a date. Free with g_array_free. */
GArray *gb_position_series(const GbTable *t, int family, const guint32 *dates, guint n,
                           gboolean by_region);

/* The day/month of every year from the table's first judgement year up to
 * as_at (inclusive), in order: 31 March each year is Ofsted's series. Dates
 * that do not exist (29 February) are skipped. Free with g_array_free. */
GArray *gb_position_annual_dates(const GbTable *t, int day, int month, guint32 as_at);

/* The same day a year before ymd (29 February: 28 February), for "the
 * change since a year earlier". This function can't fail. */
guint32 gb_position_year_earlier(guint32 ymd);

/* Families with at least one judgement in the register, as indices (in
 * ref->families order). Free with g_array_free. */
GArray *gb_position_families(const GbRef *ref);

/* ---- Movers, like with like ---- */

typedef enum {
    GB_MOVERS_FAMILY, /* within one family and adjacent regimes (the default) */
    GB_MOVERS_ANY,    /* every regime's headline judgement, across families */
} GbMoversMode;

typedef struct {
    int authority;             /* whose move: each move belongs to one authority */
    int family;                /* GB_MOVERS_FAMILY: the family; GB_MOVERS_ANY: -1 */
    GbEvent from, to;          /* from.as_authority >= 0: a predecessor's judgement */
    int steps;                 /* from.common - to.common: +1..+3 up, -1..-3 down, 0 the same */
    gboolean from_predecessor; /* from is a predecessor's judgement (labelled as such) */
    gboolean counted;          /* FALSE for a second successor moving from the same judgement */
    gboolean cross_family;     /* GB_MOVERS_ANY: the two judgements share no family */
} GbMover;

/* Transitions between two regimes (the same one for re-inspections). */
typedef struct {
    int family; /* -1 in GB_MOVERS_ANY */
    int from_regime, to_regime;
    int count[GB_COMMON_LEVELS][GB_COMMON_LEVELS]; /* [from][to], common scale */
    int pairs, up, down, same;
} GbTransitionMatrix;

typedef struct {
    GbMoversMode mode;
    guint32 as_at;
    GArray *moves;        /* GbMover: every consecutive comparable pair, steps 0 included,
                             by family, authority, date */
    GArray *matrices;     /* GbTransitionMatrix, by family, from regime, to regime */
    guint gaps;           /* consecutive judgements of a family whose regimes do not
                             follow each other (APA -> ILACS): not compared */
    guint selection_rows; /* rows of selections left out */
} GbMovers;

/* Moves of every authority between consecutive graded judgements made on or
 * before as_at. GB_MOVERS_FAMILY: within each family, only where the two
 * regimes are the same or follow each other (their years in regimes.csv
 * touch or overlap); GB_MOVERS_ANY: consecutive headline judgements of any
 * regimes, cross-family pairs labelled. Never to or from a selection row. A
 * predecessor's own moves are its own, not its successors'; a successor's
 * move from its predecessor's last judgement is labelled, and counted for
 * the first successor only. Needs rows (not a streaming table). Free with
 * gb_position_movers_free. Can't fail. */
GbMovers *gb_position_movers(const GbTable *t, GbMoversMode mode, guint32 as_at);
void gb_position_movers_free(GbMovers *mv);

/* TRUE when a judgement of regime b may be compared with one of regime a:
 * the same regime, or their years touch or overlap. */
gboolean gb_position_regimes_adjacent(const GbRef *ref, int a, int b);

#endif
