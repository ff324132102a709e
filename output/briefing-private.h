/* briefing-private.h - what briefing.c (sections, assembly, files) and
 * brieftables.c (the findings and tables) share. Both only word and arrange
 * what the compute stage and pipeline/summary.h return. */
#ifndef GB_BRIEFING_PRIVATE_H
#define GB_BRIEFING_PRIVATE_H

#include "output/briefing.h"
#include "output/tree.h"
#include "pipeline/summary.h"

struct GbBriefing {
    GbBriefingInput in;
    const GbRef *ref;
    int current;       /* the regime in use (summary: graded, newest), or -1 */
    int ungraded;      /* the first regime without a graded scale, or -1 */
    char *as_at_text;  /* "24 March 2025" */
    guint32 as_at;     /* the one as-at date of the document */
    int family;        /* the judgement family of the current regime's headline, or -1 */
    GArray *positions; /* GbPosition: England's positions of family (summary dates), or NULL */
    const GbPosition *now, *year_before;  /* in positions, or NULL */
    const char *labels[GB_COMMON_LEVELS]; /* level labels of the regimes now shown */
    gboolean labels_mixed;                /* now mixes regimes: labels are the common scale's */
    GbMovers *movers;                     /* like with like (position.h) */
    GbMoverTotals moved;                  /* the counted moves within family */
    char *mover_scope;                    /* "overall effectiveness judgements (ILACS to ILACS)" */
    char *data_text;        /* what the data is, for the footer: "Data: Ofsted, ..." */
    GArray *group_pairs;    /* GbGroupPair: published period figures and their rows */
    GArray *position_pairs; /* GbPositionPair: published positions and the computed ones */
    GbTree *tree;
    GPtrArray *svgs; /* GByteArray*: each chart's SVG, once the files are made */
    GPtrArray *pngs; /* GByteArray*: each chart's 300 dpi PNG, likewise (the Word pictures) */
    /* Or neither held: each chart file read back as the HTML page and the
     * Word file want it (gb_briefing_read_back). */
    GbBriefingFileFn emit_drawn; /* each chart file as it is drawn */
    GbBriefingReadFn read_back;
    gpointer read_back_user;          /* both's */
    GbChartFileOptions chart_opts[2]; /* each chart's files (gb_briefing_chart_run) */
};

/* The key findings, one sentence each (char*, owned by the array). */
GPtrArray *gb__briefing_findings(const GbBriefing *b);

/* The tables; each returns a new table the caller owns. */
GbTreeTable *gb__table_distributions(const GbBriefing *b);
GbTreeTable *gb__table_changes(const GbBriefing *b);
GbTreeTable *gb__table_published_changes(const GbBriefing *b);
GbTreeTable *gb__table_unannounced(const GbBriefing *b);
/* Every authority's judgements: one table, or two when the regimes' columns
 * would be too narrow for a grade and a date (GPtrArray of GbTreeTable*: free
 * the array, add the tables). */
GPtrArray *gb__tables_authorities(const GbBriefing *b);
GbTreeTable *gb__table_movers(const GbBriefing *b);
GbTreeTable *gb__table_published(const GbBriefing *b);
GbTreeTable *gb__table_reconciliation(const GbBriefing *b);
/* TRUE when r's published figure is one of a group pair's (compared there
 * with its rows, not with one year's rows). */
gboolean gb__reconciliation_paired(const GbBriefing *b, const GbReconciliation *r);
/* "17 inadequate, 29 adequate, 4 good and 0 outstanding", worst first (free it). */
char *gb__grade_counts_text(const GbRef *ref, int regime, const guint *count);
/* "13 July 2012 to 16 August 2013", or "2012–13" when undated (free it). */
char *gb__pair_period(const GbGroupPair *p);

/* The computed and published pairs left out of the reconciliation, each a
 * sentence saying why (char*, owned by the array). */
GPtrArray *gb__reconciliation_left_out(const GbBriefing *b);
GbTreeTable *gb__table_accounting(const GbBriefing *b);
GbTreeTable *gb__table_regimes(const GbBriefing *b);
GbTreeTable *gb__table_positions(const GbBriefing *b);
/* A published position on its date against the one computed from rows
 * (the position pairs of that date), or NULL when there are none. */
GbTreeTable *gb__table_position_pairs(const GbBriefing *b, guint32 as_at);
/* The sentence that introduces it (free it), or NULL. */
char *gb__position_pairs_text(const GbBriefing *b, guint32 as_at);

/* The data tables of the figures. */
GbTreeTable *gb__data_trend(const GbBriefing *b);
GbTreeTable *gb__data_counts(const GbBriefing *b);
GbTreeTable *gb__data_transitions(const GbBriefing *b);

/* What the movers are between: "overall effectiveness judgements (SIF or ILACS)"
 * (free it). */
char *gb__mover_scope(const GbBriefing *b);

/* What the data is, from its own source texts: the cover's line (long) or
 * the footer's (short). Free it. */
char *gb__data_text(const GbBriefing *b, gboolean cover);

/* A source text for people: a trailing ", YYYY-MM-DD" written out (free it). */
char *gb__source_for_people(const char *source);

/* The regimes behind a position: "118 under SLAC and 34 under CP 2012" (free it). */
char *gb__position_regimes(const GbRef *ref, const GbPosition *p);

/* "A, B and C" from names (free it). */
char *gb__join_and(GPtrArray *names);

/* Lower-case copy (free it). */
char *gb__lower(const char *s);

/* Shared wording and tidy cells (brieftables.c; the pair texts in briefreconcile.c). */
/* The common level of a measure that names a grade, or -1. */
int gb__measure_level(const GbRef *ref, const GbMeasure *m);
/* "1,377": the one style for people's numbers (free it). */
char *gb__num(double v);
/* "N of BASE (P%)", with thousands separators (free it). */
char *gb__n_of(int count, int base);
/* A signed change in points with a true minus sign: "+1.1", "\u22127.0" (free it). */
char *gb__points(double p);
/* "17 of 50 (34.0%)" (free it). */
char *gb__count_of_pct(guint count, guint base);
/* A tidy table for tables/ *.csv (numbers as numbers, ISO dates). */
GbTreeTable *gb__tidy(const char *id, const char *const *headers);
/* Tidy cells: an integer; a number with `decimals` places (empty for NaN);
 * an ISO date (empty for 0); an authority's name, DfE and ONS codes. */
void gb__t_int(GbTreeTable *t, long v);
void gb__t_num(GbTreeTable *t, double v, int decimals);
void gb__t_date(GbTreeTable *t, guint32 ymd);
void gb__t_authority(GbTreeTable *t, const GbRef *ref, int a);
/* A measure for people: "12 of 150 (8.0%)", "about 40%", "9% of 137" (free it). */
char *gb__measure_text(const GbMeasure *m);
/* A measure's name: the grade's label, "Good or better", "Inspected". */
const char *gb__measure_name(const GbRef *ref, const GbMeasure *m);
/* A published position's measure, "Inadequate", and its value, "about 40% of 152". */
const char *gb__pair_measure(const GbHeadline *h);
char *gb__pair_published(const GbHeadline *h);

#endif
