/* summary.h - the figures documents quote, computed from the compute stage's
 * results (stats.h) and the reference data: counts on the common scale,
 * shares, published distributions, who was judged what, first and last full
 * years, moves up and down, an authority's inspections. Pure functions with
 * no I/O and no wording: the briefing and the packs only choose words for
 * what these return. Charts use them too, so a figure is computed once. */
#ifndef GB_SUMMARY_H
#define GB_SUMMARY_H

#include "pipeline/position.h"
#include "pipeline/stats.h"

/* 100 * count / base, or 0 when base is 0. This function can't fail. */
double gb_summary_share(double count, double base);

/* The distribution of (regime, judgement, year) in s, or NULL. */
const GbDistribution *gb_summary_distribution(const GbStats *s, int regime, int judgement,
                                              int year);

/* The first published measure of (year, regime, measure) whose base is base
 * (any base when base < 0), or NULL. */
const GbMeasure *gb_summary_published(const GbStats *s, int year, int regime, const char *measure,
                                      int base);

/* d's counts on the common four-level scale (grades with no level left out). */
void gb_summary_common_counts(const GbRef *ref, const GbDistribution *d,
                              guint common[GB_COMMON_LEVELS]);

/* A published distribution: a count for every grade of the regime's scale on
 * one base, summing to it (judgement < 0: any judgement; base < 0: the base of
 * the first count found). FALSE when some grade has no count or the counts do
 * not add up. count[] is in scale order; *base_out may be NULL. */
gboolean gb_summary_published_counts(const GbRef *ref, const GbStats *s, int year, int regime,
                                     int judgement, int base, guint count[GB_MAX_GRADES],
                                     guint *base_out);

/* Among s->changes of the published series, the change of `measure` over the
 * same years and regime as c, or NULL. */
const GbChange *gb_summary_change_partner(const GbStats *s, const GbChange *c, const char *measure);

/* Names of the authorities whose row of judgement in year has common level
 * `level`, sorted by name (borrowed from t->ref; free the array only). */
GPtrArray *gb_summary_names_at_level(const GbTable *t, int judgement, int year, int level);

/* The first and last years from first_year to last_year with at least
 * min_base judgements of (regime, judgement); NULL when none. */
void gb_summary_full_years(const GbStats *s, int regime, int judgement, int first_year,
                           int last_year, guint min_base, const GbDistribution **first,
                           const GbDistribution **last);

/* Moves up (to a better level) and down in the transition matrix. */
void gb_summary_moves_up_down(const GbMoves *m, int *up, int *down);

/* Ofsted's published position ("latest" headlines) of year, on the common
 * scale; FALSE unless every level has a count. */
gboolean gb_summary_published_latest(const GbRef *ref, int year, int count[GB_COMMON_LEVELS],
                                     int *base);
/* TRUE when l's counts and authorities equal count[] and base. */
gboolean gb_summary_latest_matches(const GbLatest *l, const int count[GB_COMMON_LEVELS], int base);

/* The published measure of (regime, measure) with the smallest base, or NULL. */
const GbMeasure *gb_summary_smallest_published(const GbStats *s, int regime, const char *measure);

/* The first and last years of the headlines whose grade is `grade` (a context
 * series such as referrals), and the change between them in percent. FALSE
 * when there are not two such years. */
gboolean gb_summary_context_change(const GbRef *ref, const char *grade, const GbHeadline **first,
                                   const GbHeadline **last, double *percent);

/* The regime still in use with a graded scale and the newest first year, or -1. */
int gb_summary_current_regime(const GbRef *ref);

/* Regimes with rows of their headline judgement in t, in regimes.csv order
 * (GArray of int; free it). */
GArray *gb_summary_regimes_with_rows(const GbTable *t);

/* In a history (GbEvent, by date): the last event of regime made for the
 * authority itself, and the one before it; NULL where none. */
void gb_summary_last_two(const GArray *history, int regime, const GbEvent **before,
                         const GbEvent **last);

/* Rows of regime's headline judgement, worst grade first (scale order
 * reversed), in table order within a grade (GPtrArray of const GbRow*). */
GPtrArray *gb_summary_rows_worst_first(const GbTable *t, int regime);

/* The sources of t's rows (not file paths) and of the headlines, each once,
 * sorted (borrowed strings). */
GPtrArray *gb_summary_sources(const GbTable *t);

/* What the data is, for a cover and a footer: each source text of t's rows
 * without its detail in brackets and its trailing ", YYYY-MM-DD" date, once.
 * Official statistics come first: a publication's own table read through a
 * profile (Ofsted's workbooks), the newest publication first; then the
 * tables transcribed from press articles (long tables, selections), the one
 * behind most rows first; ties by name. */
typedef struct {
    char *title;       /* "Ofsted, LA inspection outcomes as at 31 March 2025" */
    guint rows;        /* rows of t behind it */
    gboolean official; /* a publication's own table, read as published */
    guint32 published; /* YYYYMMDD the source text gives, 0 none */
} GbDataSource;
/* GArray of GbDataSource; g_array_free(.., TRUE) frees the titles too. */
GArray *gb_summary_data_sources(const GbTable *t);
/* The one line a page footer names the data by: "Data: Ofsted, LA inspection
 * outcomes as at 31 March 2025, and 3 other sources" (the first of
 * gb_summary_data_sources), or "Data: the rows read". g_free it. */
char *gb_summary_data_line(const GbTable *t);

/* ---- Published figures of a period, paired with a group of rows ---- */

/* A published distribution that covers a period of one kind of inspection,
 * not the inspections of one calendar year (LocalGov's "17 of 50" child
 * protection inspections of May 2012 to September 2013), paired with the
 * rows of the profile column group that holds those inspections over the
 * same years (gb_table_row_group: the 2023 workbook's `cpi` group). */
typedef struct {
    int regime, judgement;
    const char *group;             /* the profile column group ("cpi") */
    char label[96];                /* "child protection inspections (CPI)" */
    guint32 from, to;              /* the period headlines.csv gives (YYYYMMDD) */
    int from_year, to_year;        /* the years of from and to */
    int published_year;            /* the year headlines.csv files the figure under */
    guint count[GB_MAX_GRADES];    /* from rows, scale order */
    guint base;                    /* rows counted */
    guint by_year[4];              /* rows of from_year, from_year + 1, ... (at most 4) */
    guint32 first_date, last_date; /* the rows' first and last dates, 0 none */
    gboolean published;            /* a complete published distribution was found */
    guint published_count[GB_MAX_GRADES];
    guint published_base;
    const char *published_source; /* the published figure's source text, or NULL */
    gboolean equal;               /* every count and the base are the same */
} GbGroupPair;

/* The pairs the data supports (GArray of GbGroupPair; free it): those whose
 * regime, judgement and group have rows in t. This function can't fail. */
GArray *gb_summary_group_pairs(const GbTable *t, const GbStats *s);
/* In pairs, the pair whose published figure is that of (year, regime), or NULL. */
const GbGroupPair *gb_summary_group_pair_for(const GArray *pairs, int year, int regime);
/* TRUE when r's published figure is one of pairs' (compared there with the
 * rows of the same inspections, not with one year's rows). */
gboolean gb_summary_group_paired(const GArray *pairs, const GbReconciliation *r);

/* ---- Published positions, paired with the position computed from rows ---- */

/* A published figure of England's position on a date (Ofsted's 2013 annual
 * report: 20 of 152 authorities inadequate, "just four in 10" good or
 * outstanding) against the position of a judgement family computed from
 * rows as at that date. */
typedef struct {
    const GbHeadline *headline;
    int family;
    guint32 as_at;
    GbPosition position; /* England, as at as_at */
    int count;           /* the measure's count in the position */
    double percent;      /* of position.base */
    int rounding;        /* approx shares: the published figure is rounded to this many points */
    gboolean agrees;     /* exact: the same count and base; approx: the same when rounded;
                            more_than: above it */
} GbPositionPair;

/* The published positions of the reference data with their computed
 * positions (GArray of GbPositionPair; free it). Needs rows on the date:
 * pairs whose date a streaming table cannot answer are left out. Can't fail. */
GArray *gb_summary_position_pairs(const GbTable *t);
/* A source text for people: its closing ISO date written out ("Ofsted, LA
 * inspection outcomes, 2025-09-25" -> "..., 25 September 2025"; free it). */
char *gb_summary_source_for_people(const char *source);
/* TRUE when headline h is paired, like with like, in s: a position with the
 * position computed on its date, a period of a group with the same group's
 * rows, a calendar year's figure with that year's rows of the same base. */
gboolean gb_summary_headline_paired(const GbStats *s, const GbHeadline *h);
/* What h measures, for people: "a position as at 31 March 2013: each
 * authority's latest safeguarding judgement", "inspections made 1 May 2012 to
 * 30 September 2013 (cpi inspections)", or published only (free it). */
char *gb_summary_headline_kind_text(const GbRef *ref, const GbHeadline *h);
/* TRUE when headline h is one of pairs' published figures. */
gboolean gb_summary_position_paired(const GArray *pairs, const GbHeadline *h);
/* TRUE when r's published figure is one of pairs' (compared with a position,
 * not with one year's rows). */
gboolean gb_summary_position_paired_measure(const GArray *pairs, const GbReconciliation *r);

/* The date (YYYYMMDD; 31 December when only the year is known) of every
 * judgement of authority a, sorted and without repeats (GArray of guint32). */
GArray *gb_summary_inspection_dates(const GbTable *t, int authority, int judgement);
/* The grade authority a got for judgement on date, or -1. */
int gb_summary_grade_on(const GbTable *t, int authority, int judgement, guint32 date);

/* Authorities authority a succeeded (GArray of int, register order). */
GArray *gb_summary_predecessors(const GbRef *ref, int authority);
/* a's statistical neighbours that are known. */
int gb_summary_neighbour_count(const GbAuthority *a);
/* TRUE when other is one of a's statistical neighbours. */
gboolean gb_summary_is_neighbour(const GbAuthority *a, int other);

/* The label regime uses for a common level ("Requires improvement"), the
 * common scale's when the regime has none; NULL for level < 0. */
const char *gb_summary_level_label(const GbRef *ref, int regime, int level);

/* count[0] + count[1] (good or better on the common scale). */
int gb_summary_good_or_better(const int count[GB_COMMON_LEVELS]);

/* 1 when `to` is a better common level than `from` (a step up), -1 worse, 0 the same. */
int gb_summary_direction(int from, int to);

/* ---- Positions as at a date (position.h) ---- */

/* The family of regime's headline judgement (the lowest family it belongs
 * to), or -1. */
int gb_summary_headline_family(const GbRef *ref, int regime);

/* The dates a document's position series uses: 31 March of every year from
 * the table's first judgement year up to as_at, then as_at itself and the
 * same day a year before it when they are not 31 March, sorted without
 * repeats (GArray of guint32; free it). */
GArray *gb_summary_position_dates(const GbTable *t, guint32 as_at);

/* TRUE when at least half of the authorities existing on p's date have a
 * judgement counted in it: a position that speaks for England, not for a
 * few early inspections (charts and sentences show only these). */
gboolean gb_summary_position_covered(const GbPosition *p);

/* In series (GbPosition), the England position of family on date, or NULL. */
const GbPosition *gb_summary_position_on(const GArray *series, int family, guint32 date);

/* The positions a document compares today's with: the same day a year
 * earlier, and the baseline, 31 March of the year after the current regime
 * began (its first full year of inspections: 31 March 2019 for ILACS, which
 * began in 2018). Each is NULL when series has no covered England position of
 * family on it (gb_summary_position_covered), and the baseline also when it
 * is the year-earlier date or later. now is the position on as_at, or NULL. */
void gb_summary_change_positions(const GbRef *ref, const GArray *series, int family, guint32 as_at,
                                 const GbPosition **now, const GbPosition **year_before,
                                 const GbPosition **baseline);

/* The label of common level `level` for the judgements p counts: the label of
 * the one regime they were all made under ("Requires improvement" for
 * ILACS-only positions), or, when regimes are mixed (then *mixed is TRUE;
 * mixed may be NULL), the name they share or else the common scale's. NULL
 * for level < 0. */
const char *gb_summary_position_label(const GbRef *ref, const GbPosition *p, int level,
                                      gboolean *mixed);

/* The change from `from` to `to` in percentage points of each level's share
 * and of good or better (to - from). This function can't fail. */
void gb_summary_position_change(const GbPosition *from, const GbPosition *to,
                                double points[GB_COMMON_LEVELS], double *good_or_better);

/* The moves of mv within family that count (each authority once): totals by
 * direction, those of two or more steps, those from a predecessor, and the
 * [from][to] matrix on the common scale (any of the outputs may be NULL). */
typedef struct GbMoverTotals {
    int moves, up, down, same;
    int up_big, down_big; /* two or more steps */
    int from_predecessor;
    int matrix[GB_COMMON_LEVELS][GB_COMMON_LEVELS];
} GbMoverTotals;
void gb_summary_mover_totals(const GbMovers *mv, int family, GbMoverTotals *out);

/* The regimes (indices, in regimes.csv order) of the counted moves of mv
 * within family, from or to (GArray of int; free it). */
GArray *gb_summary_mover_regimes(const GbMovers *mv, int family);

#endif
