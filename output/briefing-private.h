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
    int current;      /* the regime in use (summary: graded, newest), or -1 */
    int ungraded;     /* the first regime without a graded scale, or -1 */
    char *as_at_text; /* "24 March 2025" */
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
GbTreeTable *gb__table_accounting(const GbBriefing *b);
GbTreeTable *gb__table_regimes(const GbBriefing *b);

/* The data tables of the figures. */
GbTreeTable *gb__data_trend(const GbBriefing *b);
GbTreeTable *gb__data_counts(const GbBriefing *b);
GbTreeTable *gb__data_map(const GbBriefing *b);
GbTreeTable *gb__data_transitions(const GbBriefing *b);

/* "A, B and C" from names (free it). */
char *gb__join_and(GPtrArray *names);

/* Lower-case copy (free it). */
char *gb__lower(const char *s);

#endif
