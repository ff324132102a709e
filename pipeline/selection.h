/* selection.h - restricting a briefing to some regimes and a period
 * (--regimes, --from, --to) without hiding what was left out: the rows
 * outside the selection are dropped from the table and counted per regime,
 * and the selection says so in words for the methodology page. */
#ifndef GB_SELECTION_H
#define GB_SELECTION_H

#include "pipeline/table.h"

typedef struct {
    gboolean *regime_on; /* per regime of ref (NULL: every regime) */
    guint32 from, to;    /* YYYYMMDD, 0: open */
    guint64 kept;
    guint64 *left;                   /* per regime: judgements left out */
    guint32 *left_first, *left_last; /* per regime: the dates they span */
    int nregimes;
} GbSelection;

/* Parses --regimes (comma-separated ids, NULL for all), --from and --to
 * (YYYY or YYYY-MM-DD; a year alone is 1 January for --from, 31 December for
 * --to) into sel. GB_USAGE with diag naming the bad part. */
GbStatus gb_selection_parse(GbSelection *sel, const GbRef *ref, const char *regimes,
                            const char *from, const char *to, GbDiag *diag);
/* TRUE when sel restricts anything. */
gboolean gb_selection_active(const GbSelection *sel);
/* Drops t's rows outside sel, counting them in sel. Rows only (not a
 * streaming table). This function can't fail. */
void gb_selection_apply(GbSelection *sel, GbTable *t);
/* What the selection kept and left out, in words ("This briefing is
 * restricted to ILACS judgements made from 1 January 2018 to ...; left out:
 * 150 judgements under APA (2007 to 2007), ..."); NULL when it is not
 * active. g_free it. */
char *gb_selection_describe(const GbSelection *sel, const GbRef *ref);
void gb_selection_clear(GbSelection *sel);

#endif
