/* packsummary.h - the figures of a pack's first page, computed from the
 * compute stage's results (position.h, stats.h): an authority's latest
 * judgements (its own, or its predecessors' before it was inspected), its
 * position and its comparators' as at each date of a series, the inspection
 * before its latest as the movers take it, and whether it was abolished.
 * Pure functions, no I/O and no wording. */
#ifndef GB_PACKSUMMARY_H
#define GB_PACKSUMMARY_H

#include "pipeline/position.h"

/* 31 March of every year from first_year up to as_at, then as_at itself when
 * it is not a 31 March (GArray of guint32, in order). */
GArray *gb_packsummary_dates(int first_year, guint32 as_at);
/* The first year of the packs' series (ILACS began in 2018). */
#define GB_PACK_FIRST_YEAR 2018

/* The standing of family on each of dates (GPtrArray of GbStanding*, freed
 * with the array), NULL when a streaming table cannot answer a date. Shared
 * by every pack of a run. */
GPtrArray *gb_packsummary_standings(const GbTable *t, int family, const GArray *dates);

/* One date of an authority's position series. */
typedef struct {
    guint32 as_at;
    int own;           /* common level; -1 not judged, -2 did not exist (and no predecessor's) */
    guint32 own_when;  /* the date that judgement counts from, 0 */
    int own_regime;    /* its regime, -1 */
    int own_as;        /* the predecessor whose judgement it is (the authority did not exist
                          yet), -1 */
    GbPosition cmp[3]; /* England, the region, the statistical neighbours */
} GbPackYear;

/* The authority's position and its comparators' on each standing (in
 * order). Before it existed, its first predecessor (register order) with a
 * judgement stands in, marked in own_as, as the movers do. Free with
 * g_array_free. This function can't fail. */
GArray *gb_packsummary_years(const GbTable *t, const GPtrArray *standings, int authority);

/* One judgement's latest grade for an authority. */
typedef struct {
    int judgement;
    int judged;       /* the judgement it was made under: judgement, or one of its
                         family under an earlier regime when there is none */
    int grade;        /* index into judged's regime's scale, -1 none */
    int level;        /* common level, -1 */
    guint32 date;     /* YYYYMMDD (31 December when only the year is known), 0 */
    int as_authority; /* the predecessor it was made for, -1 its own */
} GbPackLatest;

/* For each of judgements[0..n): the authority's newest judgement made on or
 * before as_at; when it has none, the newest of its predecessors' (the one
 * made last; register order on a tie); when neither has one, its own newest
 * of the same family under any regime (out[k].judged says which), as
 * positions take it. out[k].grade is -1 when there is none. Selection rows count (a
 * judgement is a judgement). Can't fail. */
void gb_packsummary_latest(const GbTable *t, int authority, const int *judgements, int n,
                           guint32 as_at, GbPackLatest *out);

/* The move into the authority's judgement of family made on `to` (the one
 * its latest inspection counts in), as gb_position_movers found it: from its
 * own previous judgement, or (from_predecessor) a predecessor's last one.
 * NULL when there is none (a first inspection, or regimes not adjacent). */
const GbMover *gb_packsummary_move_into(const GbMovers *mv, int authority, int family, guint32 to);

/* One inspection shown in a pack's table: who made it (the authority or a
 * predecessor) and when. */
typedef struct {
    int who;
    guint32 date;
} GbPackInspection;

/* The inspections of judgement (its regime's headline) a pack lists: its
 * predecessors' made before it existed (predecessor by predecessor, each in
 * date order), then its own. GArray of GbPackInspection. Can't fail. */
GArray *gb_packsummary_inspections(const GbTable *t, int authority, int judgement);

/* What a pack's "since the previous inspection" compares: the latest of
 * the authority's own inspections under the regime (last, 0 for none) with
 * the one before it (prev, made by who), which for a successor with only one
 * is its predecessor's last under the same regime, as the movers take it
 * (move). prev 0: nothing of the regime to compare with; move may still say
 * where the latest came from (another regime). */
typedef struct {
    guint32 last, prev;
    int who;
    const GbMover *move;
} GbPackPrevious;

/* Fills out from the authority's own inspection dates under the regime
 * (dates, in order) and the run's movers. Can't fail. */
void gb_packsummary_previous(const GbMovers *mv, int authority, int family, int regime,
                             const GArray *dates, GbPackPrevious *out);

/* The authority's visits that carry no grade (focused and monitoring visits:
 * table->visits, read from Ofsted's in-year sheet) made after `since` and on
 * or before as_at, in date order: indices into table->visits (GArray of
 * guint). Can't fail. */
GArray *gb_packsummary_visits(const GbTable *t, int authority, guint32 since, guint32 as_at);

/* The first and last dates of all the visits in the table (the span the
 * visits' sheet covers, their base); FALSE when it has none. Can't fail. */
gboolean gb_packsummary_visit_span(const GbTable *t, guint32 *first, guint32 *last);

/* TRUE when the authority no longer existed on as_at (active_to <= as_at). */
gboolean gb_packsummary_abolished(const GbAuthority *a, guint32 as_at);

#endif
