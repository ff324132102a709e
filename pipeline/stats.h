/* stats.h - the compute stage: pure functions from a validated GbTable to plain
 * result structs (distributions, published figures, changes, reconciliation,
 * latest judgements as at a date, histories, transitions, comparators). No
 * I/O and no drawing here; charts and the briefing read these structs. */
#ifndef GB_STATS_H
#define GB_STATS_H

#include "pipeline/table.h"

#define GB_MAX_GRADES 8

typedef enum {
    GB_BY_YEAR = 1 << 0,
    GB_BY_REGIME = 1 << 1, /* without it, grades meet on the common scale */
    GB_BY_JUDGEMENT = 1 << 2,
    GB_BY_REGION = 1 << 3,
} GbGroupBy;

typedef enum { GB_SERIES_COMPUTED, GB_SERIES_PUBLISHED } GbSeries;

/* Grade counts of one group, in scale order. */
typedef struct {
    int year, regime, judgement, region; /* -1 where not grouped by it */
    int ngrades;                         /* scale length (common scale: 4) */
    guint count[GB_MAX_GRADES];
    guint base;
    double percent[GB_MAX_GRADES]; /* 100 * count / base, unrounded */
    int whole[GB_MAX_GRADES];      /* whole percents summing to 100 */
    guint good_or_better, inadequate;
    gboolean graded;       /* good_or_better/inadequate apply */
    guint active;          /* authorities in existence that year */
    const char *selection; /* coverage note when rows are a selection */
    /* A year's figures are a flow: the inspections made in it, not a position.
     * The period the data covers; partial when it ends before 31 December
     * (the as-at date, or the newest judgement, falls inside the year). */
    guint32 period_from, period_to; /* YYYYMMDD; 0 when not grouped by year */
    gboolean partial;
    guint32 first_date, last_date; /* the group's first and last dated judgement,
                                      0 when unknown (streaming, or year-only rows) */
} GbDistribution;

/* One measure of one year, from rows or as published. */
typedef struct {
    int year, regime, judgement;
    const char *measure; /* grade id or "good_or_better" */
    GbSeries series;
    double percent;
    int count, base;            /* -1 when not known */
    const char *qualifier;      /* "exact", "approx", "more_than" */
    const char *source;         /* published: the source; else NULL */
    const GbHeadline *headline; /* published: its row of headlines.csv; else NULL */
} GbMeasure;

/* A measure's change between two years, in percentage points. */
typedef struct {
    GbMeasure from, to;
    double points;
} GbChange;

/* Computed and published figures for the same year, measure and scope. */
typedef struct {
    GbMeasure computed, published;
    double difference;  /* published - computed, points */
    char *reason;       /* why they differ, or NULL */
    gboolean selection; /* the rows name only some authorities */
    gboolean like;      /* like with like: the same base, and rows that are not a
                           selection or are counted by the source that lists them */
} GbReconciliation;

/* Each authority's latest judgement on or before a date. */
typedef struct {
    guint32 as_at;
    const char *judgement;       /* judgement id, e.g. overall_effectiveness */
    int authorities;             /* in existence on as_at */
    int count[GB_COMMON_LEVELS]; /* on the common scale */
    int not_inspected;
    GArray *grade_of; /* int per authority: common level, -1 none, -2 n/a */
} GbLatest;

/* One judgement in an authority's history. */
typedef struct {
    int year;
    guint32 date;
    int regime, judgement, grade;
    int common;       /* common level or -1 */
    int as_authority; /* predecessor it was made for, or -1 */
} GbEvent;

/* A move between consecutive graded judgements of one authority. */
typedef struct {
    int authority;
    GbEvent from, to;
} GbMove;

typedef struct {
    GArray *distributions;   /* GbDistribution */
    GArray *published;       /* GbMeasure */
    GArray *changes;         /* GbChange */
    GArray *reconciliations; /* GbReconciliation: published figures of one calendar year's
                                inspections against that year's rows */
    GArray *position_pairs;  /* GbPositionPair (summary.h): published positions */
    GArray *group_pairs;     /* GbGroupPair (summary.h): published figures of a period */
} GbStats;

/* Moves between consecutive graded headline judgements, every authority. */
typedef struct {
    GArray *moves;                                       /* GbMove, by authority then date */
    int transitions[GB_COMMON_LEVELS][GB_COMMON_LEVELS]; /* [from][to] */
} GbMoves;

/* Computes every national figure from t (published figures only for years that
 * begin on or before the date t was cut at). Free with gb_stats_free. Can't fail. */
GbStats *gb_stats_compute(const GbTable *t, GbGroupBy by);
void gb_stats_free(GbStats *s);

/* Grade distributions grouped by `by`, in (regime, judgement, year, region)
 * order. Fills pct/whole with largest-remainder rounding. */
GArray *gb_stats_distributions(const GbTable *t, GbGroupBy by);

/* A label saying what d counts: "inspections made in 2025 (11 inspections;
 * partial year: 1 January to 31 March 2025)", or "... in 2019 (15
 * inspections)". Caller frees. This function can't fail. */
char *gb_stats_flow_label(const GbDistribution *d);

/* Rounds percent[] to whole numbers that sum to exactly 100 (largest
 * remainder; ties go to the earlier grade). All zero when base is 0. */
void gb_stats_whole_percents(const guint *count, int n, guint base, int *whole);

/* Latest judgement per authority (following successors) for judgement id on
 * as_at (YYYYMMDD). Judgements with only a year count as made on 31 December. */
GbLatest *gb_stats_latest(const GbTable *t, const char *judgement, guint32 as_at);
void gb_stats_latest_free(GbLatest *l);

/* Where one authority's latest judgement stands against England, its region
 * and its statistical neighbours (common scale). */
typedef struct {
    int authority;
    int own; /* common level, -1 not inspected */
    int england[GB_COMMON_LEVELS], region[GB_COMMON_LEVELS], neighbours[GB_COMMON_LEVELS];
    int england_n, region_n, neighbours_n;                /* authorities with a judgement */
    int better_england, better_region, better_neighbours; /* judged better than own */
} GbComparison;

/* Fills c for authority from l. This function can't fail. */
void gb_stats_compare(const GbTable *t, const GbLatest *l, int authority, GbComparison *c);

/* Computes every authority's moves and the transition matrix (common scale),
 * following predecessors. Free with gb_stats_moves_free. Can't fail. */
GbMoves *gb_stats_moves(const GbTable *t);
void gb_stats_moves_free(GbMoves *mv);

/* Authority a's headline judgements (the first judgement of each regime) in
 * date order, including those of the authorities it succeeded. */
GArray *gb_stats_history(const GbTable *t, int authority);

/* The same for many authorities: the rows are sorted and grouped once. The
 * index only reads t (which must outlive it), so threads may share it. */
typedef struct GbHistories GbHistories;
GbHistories *gb_stats_histories_new(const GbTable *t);
GArray *gb_stats_histories_get(const GbHistories *h, int authority);
/* The same with the rows keep() accepts instead of the headline judgements. */
typedef gboolean (*GbRowFilter)(const GbTable *t, const GbRow *r, gpointer user);
GArray *gb_stats_histories_filter(const GbHistories *h, int authority, GbRowFilter keep,
                                  gpointer user);
void gb_stats_histories_free(GbHistories *h);

#endif
