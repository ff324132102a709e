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
    char *data_text; /* what the data is, for the footer: "Data: Ofsted, ..." */
    GbTree *tree;
    GPtrArray *svgs; /* GByteArray*: each chart's SVG, once the files are made */
    GPtrArray *pngs; /* GByteArray*: each chart's 300 dpi PNG, likewise (the Word pictures) */
};

/* The key findings, one sentence each (char*, owned by the array). */
GPtrArray *gb__briefing_findings(const GbBriefing *b);

/* The tables; each returns a new table the caller owns. */
GbTreeTable *gb__table_distributions(const GbBriefing *b);
GbTreeTable *gb__table_changes(const GbBriefing *b);
GbTreeTable *gb__table_unannounced(const GbBriefing *b);
GbTreeTable *gb__table_authorities(const GbBriefing *b);
GbTreeTable *gb__table_movers(const GbBriefing *b);
GbTreeTable *gb__table_published(const GbBriefing *b);
GbTreeTable *gb__table_reconciliation(const GbBriefing *b);
/* The computed and published pairs left out of the reconciliation, each a
 * sentence saying why (char*, owned by the array). */
GPtrArray *gb__reconciliation_left_out(const GbBriefing *b);
GbTreeTable *gb__table_accounting(const GbBriefing *b);
GbTreeTable *gb__table_regimes(const GbBriefing *b);
GbTreeTable *gb__table_positions(const GbBriefing *b);

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

/* "A, B and C" from names (free it). */
char *gb__join_and(GPtrArray *names);

/* Lower-case copy (free it). */
char *gb__lower(const char *s);

#endif
